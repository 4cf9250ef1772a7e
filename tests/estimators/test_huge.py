"""The large-count forms of :mod:`infobits.estimators._huge` against the exact kernels.

Just below 2**63 samples both are valid: the usual kernels still run without overflow,
and the large-count forms are exact (or O(K/N)) there; they must agree. Above it only
the large-count forms run, and scaling every count by a power of two must change
nothing but the bias terms, which are below 1e-18 there.
"""

from __future__ import annotations

import numpy as np
import pytest

import infobits as ib
from infobits.estimators._common import entropy_kernel as _entropy_kernel
from infobits.estimators._huge import cross_entropy_huge, entropy_for_kl_huge, entropy_huge
from infobits.estimators.discrete import cross_entropy_kernel, entropy_for_kl, frequencies

ROWS = np.array(
    [
        [2.0**61, 3 * 2.0**59, 12345, 7, 1, 0, 2],
        [2.0**50, 2.0**40, 3, 3, 1, 1, 0],
        [3e17, 5e17, 1e17, 2, 2, 0, 9],
    ]
)
K = np.full(3, 9.0)


@pytest.mark.parametrize(
    "method",
    [
        "plugin",
        "miller_madow",
        "jackknife",
        "grassberger",
        "zhang",
        "chao_shen",
        "chao_wang_jost",
        "dirichlet",
        "james_stein",
        "nsb",
    ],
)
def test_large_count_entropy_agrees_with_the_kernel_just_below_two_to_the_63(method):
    exact = _entropy_kernel(ROWS, method, K, 0.5)[0]
    large = entropy_huge(ROWS, method, K, 0.5)
    np.testing.assert_allclose(large, exact, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("method", ["plugin", "dirichlet", "zhang_grabchak"])
def test_large_count_cross_entropy_and_kl_agree_with_the_kernels(method):
    cq = ROWS[:, ::-1].copy()
    np.testing.assert_allclose(
        cross_entropy_huge(ROWS, cq, method, K, 0.5),
        cross_entropy_kernel(ROWS, cq, method, K, 0.5),
        rtol=1e-13,
    )
    np.testing.assert_allclose(
        entropy_for_kl_huge(ROWS, method, K, 0.5),
        entropy_for_kl(ROWS, method, K, 0.5),
        rtol=1e-12,
        atol=1e-13,
    )


def test_frequencies_are_exact_however_large_the_counts():
    p, log_n = frequencies(np.array([[1e308, 1e308, 0.0], [3.0, 1.0, 0.0]]))
    np.testing.assert_array_equal(p, [[0.5, 0.5, 0.0], [0.75, 0.25, 0.0]])
    np.testing.assert_allclose(log_n, [np.log(2) + np.log(1e308), np.log(4.0)], rtol=1e-15)


@pytest.mark.parametrize("method", ["plugin", "miller_madow", "zhang", "grassberger", "dirichlet"])
def test_scaling_huge_counts_by_a_power_of_two_changes_nothing(method):
    c = np.array([3e300, 1e300, 7e299, 2.0**64])
    a = ib.estimate_entropy(ib.counts(c), method=method).value
    b = ib.estimate_entropy(ib.counts(c * 2.0**20), method=method).value
    p = c / c.sum()
    assert a == pytest.approx(-(p * np.log2(p)).sum(), rel=1e-13)
    assert b == pytest.approx(a, rel=1e-14)


def test_nsb_with_an_alphabet_near_the_sample_size_is_refused_above_two_to_the_63():
    with pytest.raises(ValueError, match="alphabet_size"):
        ib.estimate_entropy(ib.counts([2.0**64, 2.0**64]), method="nsb", alphabet_size=2**40)


def test_batches_mix_huge_and_ordinary_rows():
    c = ib.counts([[1e308, 1e308, 0], [5, 3, 0], [2.0**70, 1, 1]])
    e = ib.estimate_entropy(c, method="miller_madow", ci=0.9, n_boot=50, seed=0)
    assert e.value[0] == pytest.approx(1.0, abs=1e-12)
    assert np.all(e.interval[0] <= e.value) and np.all(e.value <= e.interval[1])
    assert e.n.dtype == np.float64 and e.n[1] == 8  # beyond int64, sizes are floats
    assert any("2**63" in note for note in e.notes)
