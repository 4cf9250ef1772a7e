"""Failures of the estimators and of ``infobits estimate`` found by fuzzing (issue 10),
each kept as an explicit example. Expected values come from the definitions (1e308 +
1e308 of two symbols is one bit), not from the code under test."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import infobits as ib
from infobits.cli import main

ENTROPY_METHODS = [
    "plugin",
    "miller_madow",
    "jackknife",
    "grassberger",
    "zhang",
    "chao_shen",
    "chao_wang_jost",
    "dirichlet",
]


# ----------------------------------------------------------------------------- item 2


@pytest.mark.parametrize("method", [*ENTROPY_METHODS, "nsb", "james_stein", "auto"])
def test_item2_entropy_of_counts_whose_total_overflows_float64_is_one_bit(method):
    k = 2 if method in ("nsb", "james_stein") else None
    e = ib.estimate_entropy(ib.counts([1e308, 1e308]), method=method, alphabet_size=k)
    assert e.value == pytest.approx(1.0, abs=1e-12)
    assert e.n == 2 * int(1e308)  # the exact sample size, not inf


def test_item2_float32_counts_whose_total_overflows_float32():
    c = ib.counts(np.array([3e38, 3e38], dtype=np.float32))
    assert ib.estimate_entropy(c, method="plugin").value == pytest.approx(1.0, abs=1e-12)


def test_item2_huge_counts_get_an_interval_that_contains_the_estimate():
    e = ib.estimate_entropy(ib.counts([1e308, 3e307]), method="zhang", ci=0.9, n_boot=20)
    p = 1 / 1.3
    ref = -(p * math.log2(p) + (1 - p) * math.log2(1 - p))
    assert e.value == pytest.approx(ref, rel=1e-12)
    assert e.interval[0] <= e.value <= e.interval[1]


@pytest.mark.parametrize("method", ["plugin", "dirichlet", "zhang_grabchak"])
def test_item2_kl_and_cross_entropy_of_overflowing_counts(method):
    p = ib.counts([1e308, 1e308])
    assert ib.estimate_kl_divergence(p, p, method=method).value == pytest.approx(0, abs=1e-12)
    assert ib.estimate_cross_entropy(p, p, method=method).value == pytest.approx(1, abs=1e-12)


def test_item2_kl_with_only_y_huge_keeps_the_entropy_of_x():
    # fuzz: D = 0 for one symbol, but x's Dirichlet entropy was taken as if x were huge
    e = ib.estimate_kl_divergence(ib.counts([1.0]), ib.counts([1e300]), method="dirichlet")
    assert e.value == pytest.approx(0.0, abs=1e-12)


def test_item2_two_sample_interval_on_overflowing_counts_is_a_worded_error():
    p = ib.counts([1e308, 1e308])
    with pytest.raises(ValueError, match="ci"):
        ib.estimate_kl_divergence(p, p, ci=0.9)


@pytest.mark.parametrize("method", ["plugin", "miller_madow", "zhang", "chao_wang_jost"])
def test_item2_mutual_information_and_conditional_entropy_of_overflowing_table(method):
    t = ib.counts([[1e308, 0], [0, 1e308]])
    assert ib.estimate_mutual_information(t, method=method).value == pytest.approx(1, abs=1e-12)
    assert ib.estimate_conditional_entropy(t, method=method).value == pytest.approx(0, abs=1e-12)


def test_jackknife_keeps_its_digits_at_a_million_billion_samples():
    # N·Ĥ − (N−1)·mean used to cancel to ~0.1 absolute at N = 2e15; the exact value is
    # 1 bit plus a correction of order 1/N
    e = ib.estimate_entropy(ib.counts([1e15, 1e15]), method="jackknife")
    assert e.value == pytest.approx(1.0, abs=1e-12)


# ----------------------------------------------------------------------------- item 10


@pytest.mark.parametrize("value", [-1, 0, math.nan, math.inf, True, "1"])
def test_item10_concentration_must_be_a_finite_positive_number(value):
    with pytest.raises((ValueError, TypeError), match="concentration"):
        ib.estimate_entropy([1, 2, 2, 3], method="dirichlet", concentration=value)


@pytest.mark.parametrize("value", [2.5, 1e3, True, "100"])
def test_item10_n_boot_must_be_a_whole_number(value):
    with pytest.raises(TypeError, match="n_boot"):
        ib.estimate_entropy([1, 2, 2, 3], method="plugin", ci=0.9, n_boot=value)


@pytest.mark.parametrize(
    "call",
    [
        lambda: ib.estimate_entropy([1, 2, 2, 3], method="plugin", ci=0.9, n_boot=10**12),
        lambda: ib.estimate_kl_divergence([1, 2], [2, 1], ci=0.9, n_boot=10**12),
        lambda: ib.estimate_mutual_information([1, 2], [2, 1], ci=0.9, n_boot=10**12),
        lambda: ib.estimate_differential_entropy(np.arange(50.0), ci=0.9, n_boot=10**12),
    ],
)
def test_item10_a_huge_n_boot_is_refused_before_anything_is_allocated(call):
    with pytest.raises(ValueError, match="n_boot"):
        call()


def test_item10_bootstrap_of_many_rows_is_refused_before_allocating():
    rows = ib.counts(np.ones((100_000, 3)))
    with pytest.raises(ValueError, match="n_boot"):
        ib.estimate_entropy(rows, method="plugin", ci=0.9, n_boot=1_000)


@pytest.mark.parametrize(
    "call",
    [
        lambda: ib.estimate_differential_entropy(np.arange(20.0) ** 1.5, k=2.5),
        lambda: ib.estimate_mutual_information(np.arange(20.0) ** 1.5, np.arange(20.0), k=1.5),
        lambda: ib.estimate_kl_divergence(np.arange(9.0) + 0.5, np.arange(9.0), k=True),
    ],
)
def test_item10_k_must_be_a_whole_number(call):
    with pytest.raises(TypeError, match="k must"):
        call()


@pytest.mark.parametrize("value", [math.inf, math.nan, 2.5, 0, 2**1030])
def test_item10_alphabet_size_must_be_a_finite_whole_number(value):
    with pytest.raises(ValueError, match="alphabet_size"):
        ib.estimate_entropy([1, 2, 2, 3], alphabet_size=value)


@pytest.mark.parametrize("pair", [(math.inf, 2), (2.5, 3), (0, 3), (True, 2), (2**600, 2**600)])
def test_item10_alphabet_size_pairs_are_checked_item_by_item(pair):
    with pytest.raises(ValueError, match="alphabet_size"):
        ib.estimate_mutual_information([0, 1, 1], [1, 0, 1], alphabet_size=pair)


@pytest.mark.parametrize(
    ("kw", "word"),
    [
        ({"seed": -1}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"ci": math.nan}, "ci"),
        ({"ci": True}, "ci"),
        ({"ci": 1.0}, "ci"),
    ],
)
def test_item10_seed_and_ci_are_checked_with_their_names(kw, word):
    with pytest.raises((ValueError, TypeError), match=word):
        ib.estimate_entropy([1, 2, 2, 3], method="plugin", **{"ci": 0.9, **kw})


@pytest.mark.parametrize("value", [0, -1, math.nan, math.inf])
def test_item10_pseudocount_must_be_a_finite_positive_number(value):
    with pytest.raises(ValueError, match="pseudocount"):
        ib.estimate_kl_divergence([1, 2], [1, 2], method="plugin", pseudocount=value)


def test_item10_chunk_rows_must_be_a_whole_number():
    with pytest.raises(TypeError, match="chunk_rows"):
        ib.count_values([1, 2, 2], chunk_rows=1.5)


# ----------------------------------------------------------------------------- found by fuzzing


def test_grassberger_on_one_symbol_is_reported_as_zero_not_below():
    # log 2 − G(2) = −0.0365 nats; an entropy is never negative
    e = ib.estimate_entropy(ib.counts([2.0]), method="grassberger")
    assert e.value == 0.0 and any("below 0" in n for n in e.notes)


def test_plugin_conditional_entropy_of_a_deterministic_table_is_exactly_zero():
    t = ib.counts([[3, 0, 0], [0, 7, 0], [0, 11, 0], [0, 0, 5]])
    assert ib.estimate_conditional_entropy(t, method="plugin").value == 0.0


def test_half_sample_interval_needs_halves_with_k_neighbours_up_front():
    x = np.random.default_rng(0).standard_normal((10, 2))
    with pytest.raises(ValueError, match="ci needs at least 12 points"):
        ib.estimate_differential_entropy(x, k=5, ci=0.9)


def test_paired_labels_of_mixed_types_are_not_turned_into_text():
    with pytest.raises(ValueError, match="mixes types"):
        ib.estimate_mutual_information(["a", 1, "b"], [1, 2, 3], method="plugin")


@pytest.mark.parametrize("x", [{"a": 1}, {1, 2}, (v for v in [1, 2])])
def test_a_mapping_set_or_generator_is_not_one_sample(x):
    with pytest.raises(TypeError, match="cannot count"):
        ib.estimate_entropy(x)


def test_a_one_dimensional_table_is_called_that():
    with pytest.raises(ValueError, match="must be 2-D"):
        ib.estimate_mutual_information(ib.counts([1, 2, 3]))


def test_bootstrap_blocks_give_each_row_its_own_alphabet_size(monkeypatch):
    # replicates and rows both split into blocks: each block's rows need their own K
    from infobits.estimators import bootstrap

    monkeypatch.setattr(bootstrap, "_CELLS", 64)
    c = ib.counts([[5, 3, 1, 0], [2, 2, 2, 2], [9, 0, 0, 1]])
    e = ib.estimate_entropy(c, method="james_stein", alphabet_size=[4, 6, 9], ci=0.9, n_boot=30)
    assert np.all(e.interval[0] <= e.value) and np.all(e.value <= e.interval[1])


# ----------------------------------------------------------------------------- item 12 (CLI)


def _run(path: Path, capsys) -> str:
    code = main(["estimate", str(path), "-c", "a", "--n-boot", "20"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("infobits: error: ") and err.count("\n") == 1, err
    assert len(err.splitlines()) == 1, err  # no vertical tab, form feed, U+0085 ... either
    assert path.name in err
    return err


def test_item12_binary_junk_is_one_line(tmp_path, capsys):
    f = tmp_path / "junk.csv"
    f.write_bytes(bytes(range(256)) * 3 + b"\n\r\n\x85\xff")
    _run(f, capsys)


def test_item12_control_characters_in_a_bad_row_stay_on_one_line(tmp_path, capsys):
    # Arrow quoted the row verbatim: \x0b, \x0c and \x1c each started a new line
    f = tmp_path / "ctl.csv"
    f.write_bytes(b"a,b\n1,2,\x0b3\x0c4\x1c5\n")
    _run(f, capsys)


def test_item12_a_quoted_newline_in_a_bad_row_stays_on_one_line(tmp_path, capsys):
    f = tmp_path / "nl.csv"
    f.write_text('a,b\n"x\ny",2,3\n')
    assert "line 2 has 3 fields" in _run(f, capsys)


def test_item12_junk_without_nul_bytes_is_one_line_and_names_the_byte(tmp_path, capsys):
    f = tmp_path / "junk.csv"
    f.write_bytes(b"a,b\n" + bytes(range(128, 256)) + b"\n1,2\n")
    assert "0x80" in _run(f, capsys)


def test_item12_an_unterminated_quote_is_one_line_naming_its_line(tmp_path, capsys):
    f = tmp_path / "quote.csv"
    f.write_text('a,b\n"1,2\n3,4\n')
    assert "line 2" in _run(f, capsys)


def test_item12_a_quote_left_open_no_longer_swallows_the_rest_of_the_file(tmp_path, capsys):
    # Arrow read '4\n5,6\n' as one value and silently dropped the row 5,6
    f = tmp_path / "quote.csv"
    f.write_text('a,b\n1,2\n3,"4\n5,6\n')
    assert "line 3" in _run(f, capsys)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_item12_utf16_names_the_file_and_the_encoding_expected(tmp_path, capsys, encoding):
    f = tmp_path / "wide.csv"
    f.write_bytes("a,b\n1,2\n3,4\n".encode(encoding))
    assert "UTF-8" in _run(f, capsys)


def test_item12_latin1_names_the_line_and_the_byte(tmp_path, capsys):
    f = tmp_path / "latin.csv"
    f.write_bytes("a,b\nx,1\ncaf\xe9,2\n".encode("latin-1"))
    err = _run(f, capsys)
    assert "line 3" in err and "0xe9" in err and "UTF-8" in err


def test_item12_a_ragged_row_names_its_line(tmp_path, capsys):
    f = tmp_path / "ragged.csv"
    f.write_text("a,b\n1,2\n1,2,3\n")
    assert "line 3 has 3 fields" in _run(f, capsys)


def test_a_column_given_for_data_without_columns_is_refused_not_ignored():
    with pytest.raises(ValueError, match="column='x'"):
        ib.estimate_entropy(["a", "b", "a"], column="x")


def test_dirichlet_with_an_alphabet_of_1e151_symbols_does_not_overflow():
    # α² and A² overflowed in the posterior variance; the mean is the formula's
    import mpmath as mp

    k, a, c = 7.68e151, 0.5, [3, 2, 1]
    e = ib.estimate_entropy(["a", "a", "a", "b", "b", "c"], method="dirichlet", alphabet_size=k,
                            base="nats")  # fmt: skip
    with mp.workdps(40):
        big_a = mp.mpf(sum(c)) + mp.mpf(k) * a
        s = mp.fsum((n + a) * mp.digamma(n + a + 1) for n in c)
        s += (mp.mpf(k) - len(c)) * a * mp.digamma(a + 1)
        ref = mp.digamma(big_a + 1) - s / big_a
    assert e.value == pytest.approx(float(ref), rel=1e-12)
    assert math.isfinite(e.stderr)


@pytest.mark.parametrize(
    ("kw", "word"),
    [
        ({"method": "dirichlet", "concentration": 1.2e154}, "concentration"),
        ({"method": "dirichlet", "concentration": 1e-320}, "concentration"),
        ({"method": "dirichlet", "alphabet_size": 3.1e300}, "alphabet_size"),
    ],
)
def test_a_prior_beyond_float64_is_refused_by_name(kw, word):
    with pytest.raises(ValueError, match=word):
        ib.estimate_entropy(["a", "b", "a", "c"], **kw)


@pytest.mark.parametrize("a", [2.2e-313, 6e307])
def test_a_pseudocount_beyond_float64_is_refused_by_name(a):
    with pytest.raises(ValueError, match="pseudocount"):
        ib.estimate_kl_divergence(["a", "b"], ["b", "b"], method="dirichlet", pseudocount=a)


def test_nsb_with_an_alphabet_up_to_1e300_stays_finite_and_beyond_is_refused():
    # K·β overflowed on the grid's upper end (β up to 1e5) once K passed ~1e303
    e = ib.estimate_entropy(ib.counts([5, 3, 1]), method="nsb", alphabet_size=1e300, ci=0.9)
    assert 0 <= e.interval[0] <= e.value <= e.interval[1] <= math.log2(1e300)
    with pytest.raises(ValueError, match="alphabet_size"):
        ib.estimate_entropy(ib.counts([5, 3, 1]), method="nsb", alphabet_size=1e303)


# ----------------------------------------------------------------------------- issue 11, item 4


def test_issue11_item4_a_nullable_string_column_with_na_no_longer_mixes_types():
    # "x mixes types": pd.NA was taken for a label of its own type
    pd = pytest.importorskip("pandas")
    x = pd.Series(["a", "b", pd.NA, "a"], dtype="string")
    y = pd.Series(["u", "v", "u", "u"], dtype="string")
    e = ib.estimate_mutual_information(x, y, method="plugin")
    # three complete pairs (a,u) (b,v) (a,u): I = H(X) = H(2/3, 1/3)
    h = -(2 / 3) * math.log2(2 / 3) - (1 / 3) * math.log2(1 / 3)
    assert e.value == pytest.approx(h) and e.missing == 1
    c = ib.estimate_conditional_entropy(y, x, method="plugin")
    assert c.value == pytest.approx(0.0, abs=1e-12) and c.missing == 1


def test_issue11_item4_namibia_is_not_missing_and_zip_codes_keep_their_zeros(tmp_path):
    f = tmp_path / "places.csv"
    f.write_text("country,zip\nNA,02134\nNZ,2134\nNA,2134\n")
    assert ib.count_values(f, column="country").to_dict() == {"NA": 2, "NZ": 1}
    assert ib.count_values(f, column="zip").to_dict() == {"02134": 1, "2134": 2}
    argv = ["estimate", str(f), "-c", "zip", "--method", "plugin", "--ci", "0", "--json"]
    assert main(argv) == 0


def test_issue11_item4_a_dask_string_column_with_missing_values_in_mi():
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    df = pd.DataFrame(
        {"x": pd.Series(["a", None, "b", "a"], dtype="string"), "y": ["u", "v", "v", "u"]}
    )
    frame = dd.from_pandas(df, npartitions=2)
    e = ib.estimate_mutual_information(frame["x"], frame["y"], method="plugin")
    h = -(2 / 3) * math.log2(2 / 3) - (1 / 3) * math.log2(1 / 3)
    assert e.value == pytest.approx(h) and e.missing == 1


# ------------------------------------------- one sample: one-sided intervals everywhere


@pytest.mark.parametrize("method", ["unseen", "pym", "plugin", "auto"])
def test_one_sample_gets_a_one_sided_interval_with_its_note(method):
    # one sample, seen once: f1/N = 1, so no method can bound the entropy from above
    e = ib.estimate_entropy(ib.counts([1.0]), method=method, ci=0.9, n_boot=12, seed=3)
    if method == "pym":  # N − m < 2: the posterior is improper, the estimate inf
        assert e.value == math.inf and e.high == math.inf
        return
    assert e.interval_kind == "one-sided" and e.high == math.inf
    assert e.low <= e.value and any(t.startswith("one-sided interval") for t in e.notes)


def test_cli_json_writes_the_open_end_of_a_one_sided_interval_as_inf(tmp_path, capsys):
    import json

    f = tmp_path / "one.csv"
    f.write_text("v\nNormally\n")
    assert main(["estimate", str(f), "-c", "v", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["interval_kind"] == "one-sided" and out["interval"][1] == "inf"
