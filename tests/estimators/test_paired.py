"""Paired-sample estimators: mutual information and conditional entropy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import infobits as ib


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4)), min_size=2, max_size=60))
def test_plugin_mi_and_conditional_entropy_equal_the_measures_on_the_empirical_table(pairs):
    x = np.array([a for a, _ in pairs])
    y = np.array([b for _, b in pairs])
    table = np.zeros((4, 5))
    np.add.at(table, (x, y), 1)
    t = table[table.sum(1) > 0][:, table.sum(0) > 0]
    mi = ib.estimate_mutual_information(x, y, method="plugin").value
    ce = ib.estimate_conditional_entropy(y, x, method="plugin").value
    assert mi == pytest.approx(float(ib.mutual_information(ib.counts(t))), abs=1e-10)
    assert ce == pytest.approx(float(ib.conditional_entropy(ib.counts(t))), abs=1e-10)


def test_mi_from_a_table_equals_mi_from_pairs():
    table = np.array([[10, 2], [3, 15]])
    x = np.repeat([0, 0, 1, 1], table.ravel())
    y = np.repeat([0, 1, 0, 1], table.ravel())
    for m in ("plugin", "chao_wang_jost", "nsb"):
        kw = {"alphabet_size": (2, 2)} if m == "nsb" else {}
        a = ib.estimate_mutual_information(ib.counts(table), method=m, **kw).value
        b = ib.estimate_mutual_information(x, y, method=m, **kw).value
        assert a == pytest.approx(b), m


def test_mi_of_independent_variables_is_near_zero_and_bootstrap_covers_it():
    rng = np.random.default_rng(3)
    x, y = rng.integers(0, 3, 2000), rng.integers(0, 3, 2000)
    e = ib.estimate_mutual_information(x, y, ci=0.95, n_boot=300, seed=0)
    assert abs(e.value) < 0.01
    assert e.low <= 0 <= e.high or abs(e.low) < 0.005


def test_mi_drops_pairs_with_a_missing_value():
    x = [0, 1, None, 1, 0]
    y = ["a", "b", "b", None, "a"]
    assert ib.estimate_mutual_information(x, y, method="plugin").n == 3


def test_paired_errors_are_worded():
    with pytest.raises(ValueError, match="paired"):
        ib.estimate_mutual_information([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="pair"):
        ib.estimate_mutual_information([1, 2], [1, 2], alphabet_size=4)
    with pytest.raises(ValueError, match="same symbols"):
        ib.estimate_kl_divergence(ib.counts([1, 2]), ib.counts([1, 2, 3]))
    with pytest.raises(TypeError, match="same way"):
        ib.estimate_kl_divergence(ib.counts([1, 2]), [0, 1])


# ----------------------------------------------------------------------------- missing values


def _plugin_mi_bits(x, y):
    """Plug-in I(X;Y) in bits by math.fsum over the complete pairs (independent of the
    estimator's code path)."""
    from collections import Counter

    pairs = list(zip(x, y, strict=True))
    n = len(pairs)
    nxy, nx, ny = Counter(pairs), Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    return math.fsum(c / n * math.log2(c * n / (nx[a] * ny[b])) for (a, b), c in nxy.items())


def _plugin_h_bits(y, x):
    from collections import Counter

    pairs = list(zip(x, y, strict=True))
    n = len(pairs)
    nxy, nx = Counter(pairs), Counter(a for a, _ in pairs)
    return math.fsum(c / n * math.log2(nx[a] / c) for (a, _), c in nxy.items())


_X = ["a", "b", None, "a", "c", "b", "a", "c", "b", "a", None, "c"]
_Y = ["u", "v", "u", None, "w", "v", "u", "u", "v", "w", "w", None]


def _complete():
    keep = [i for i in range(len(_X)) if _X[i] is not None and _Y[i] is not None]
    return [_X[i] for i in keep], [_Y[i] for i in keep], len(_X) - len(keep)


def _inputs():
    """The same pairs, with their missing values as each library writes them."""
    import pandas as pd

    out = {
        "list": (_X, _Y),
        "numpy object": (np.array(_X, dtype=object), np.array(_Y, dtype=object)),
        "pandas string": (pd.Series(_X, dtype="string"), pd.Series(_Y, dtype="string")),
        "pandas object NaN": (
            pd.Series([np.nan if v is None else v for v in _X], dtype=object),
            pd.Series([np.nan if v is None else v for v in _Y], dtype=object),
        ),
        "pandas category": (pd.Series(_X, dtype="category"), pd.Series(_Y, dtype="category")),
    }
    try:
        import pyarrow as pa

        out["arrow"] = (pa.array(_X), pa.chunked_array([pa.array(_Y[:5]), pa.array(_Y[5:])]))
    except ImportError:
        pass
    try:
        import polars as pl

        out["polars"] = (pl.Series(_X), pl.Series(_Y))
    except ImportError:
        pass
    try:
        import dask.dataframe as dd

        frame = dd.from_pandas(
            pd.DataFrame({"x": pd.Series(_X, dtype="string"), "y": pd.Series(_Y, dtype="string")}),
            npartitions=3,
        )
        out["dask"] = (frame["x"], frame["y"])
    except ImportError:
        pass
    return out


@pytest.mark.parametrize("kind", list(_inputs()))
def test_missing_values_are_dropped_pairwise_and_counted_for_every_input_type(kind):
    x, y = _inputs()[kind]
    cx, cy, dropped = _complete()
    e = ib.estimate_mutual_information(x, y, method="plugin")
    assert e.value == pytest.approx(_plugin_mi_bits(cx, cy), abs=1e-12)
    assert e.missing == dropped == 4 and e.n == len(cx)
    assert any("4 pairs with a missing value dropped" in n for n in e.notes)
    h = ib.estimate_conditional_entropy(y, x, method="plugin")
    assert h.value == pytest.approx(_plugin_h_bits(cy, cx), abs=1e-12)
    assert h.missing == 4 and h.to_dict()["missing"] == 4


def test_pandas_nullable_integers_and_floats_drop_their_missing_pairs():
    pd = pytest.importorskip("pandas")
    x = pd.Series([1, 2, None, 1, 2, 1], dtype="Int64")
    y = pd.Series([0.5, np.nan, 1.5, 0.5, 1.5, 1.5])
    e = ib.estimate_mutual_information(x, y, method="plugin")
    assert e.missing == 2 and e.n == 4
    assert e.value == pytest.approx(_plugin_mi_bits([1, 1, 2, 1], [0.5, 0.5, 1.5, 1.5]))


def test_na_values_names_the_strings_that_mean_missing():
    x = ["NA", "NZ", "NA", "US", "null", "NZ"]
    y = ["a", "b", "a", "b", "a", "a"]
    kept = ib.estimate_mutual_information(x, y, method="plugin")
    assert kept.missing == 0 and kept.support == (4, 2)  # "NA" is Namibia until told
    e = ib.estimate_mutual_information(x, y, method="plugin", na_values=["NA", "null"])
    assert e.missing == 3 and e.support == (2, 2)
    assert e.value == pytest.approx(_plugin_mi_bits(["NZ", "US", "NZ"], ["b", "b", "a"]))
    with pytest.raises(TypeError, match="na_values must be strings"):
        ib.estimate_mutual_information(x, y, na_values=[None])


def test_no_complete_pair_is_a_worded_error():
    with pytest.raises(ValueError, match="no pair where both are present"):
        ib.estimate_mutual_information(["a", None], [None, "b"])


@pytest.mark.parametrize("method", ["auto", "ksg", "gao"])
def test_continuous_mi_drops_nan_pairs_and_counts_them(method):
    rng = np.random.default_rng(3)
    x = rng.normal(size=400)
    y = x + rng.normal(size=400)
    xm, ym = x.copy(), y.copy()
    xm[[3, 10]] = np.nan
    ym[[10, 20]] = np.nan
    e = ib.estimate_mutual_information(xm, ym, method=method)
    keep = np.ones(400, dtype=bool)
    keep[[3, 10, 20]] = False
    ref = ib.estimate_mutual_information(x[keep], y[keep], method=method)
    assert e.value == ref.value and e.n == 397 and e.missing == 3
    assert e.notes[0].startswith(
        "3 pairs with a missing value (NaN) dropped (2 missing in x, 2 in y)"
    )


def test_continuous_mi_still_refuses_an_infinity_by_its_row():
    x, y = np.linspace(0.1, 1.7, 9), np.linspace(0.3, 2.9, 9)
    x[2], x[5] = np.nan, np.inf
    with pytest.raises(ValueError, match="x has a non-finite value in row 5"):
        ib.estimate_mutual_information(x, y, method="ksg")


def test_float_columns_of_a_data_frame_are_measurements():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(4)
    x = rng.normal(size=300)
    y = x + rng.normal(size=300)
    sx = pd.Series(x)
    sx[7] = None
    e = ib.estimate_mutual_information(sx, pd.Series(y))
    keep = np.arange(300) != 7
    assert e.method == "copula_ksg" and e.missing == 1
    assert e.value == ib.estimate_mutual_information(x[keep], y[keep]).value
    # whole numbers held as floats are still labels
    e = ib.estimate_mutual_information(pd.Series(np.round(x)), pd.Series(np.round(y)))
    assert e.method != "copula_ksg"


@pytest.mark.parametrize("method", ["ksg", "gao", "copula_ksg"])
def test_points_with_a_hole_against_text_name_the_text_side(method):
    x = np.linspace(0.1, 3.3, 12)
    x[1] = np.nan
    y = np.array(["a", "b"] * 6)
    with pytest.raises(TypeError, match=r"^y must hold numbers for a continuous estimate"):
        ib.estimate_mutual_information(x, y, method=method)
