"""Paired-sample estimators: mutual information and conditional entropy."""

from __future__ import annotations

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
