"""Agreement with SciPy where SciPy agrees with the definition (normalised inputs)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.spatial.distance
import scipy.special
import scipy.stats
from hypothesis import given

import infobits as ib
from tests.reference import distribution_pairs

# Every test here runs with the compiled row kernels and with the NumPy path alone.
pytestmark = pytest.mark.usefixtures("kernels")


@given(distribution_pairs())
def test_kl_and_entropy_match_scipy_stats_entropy(pq: tuple) -> None:  # type: ignore[type-arg]
    p, q = pq
    np.testing.assert_allclose(ib.entropy(p, base=2), scipy.stats.entropy(p, base=2), atol=1e-12)
    np.testing.assert_allclose(
        ib.kl_divergence(p, q, base="nats"), scipy.stats.entropy(p, q), rtol=1e-10, atol=1e-13
    )


@given(distribution_pairs(zeros_in_q=True))
def test_kl_matches_the_sum_of_scipy_rel_entr(pq: tuple) -> None:  # type: ignore[type-arg]
    p, q = pq
    np.testing.assert_allclose(
        ib.kl_divergence(p, q, base="nats"),
        scipy.special.rel_entr(p, q).sum(),
        rtol=1e-10,
        atol=1e-13,
    )


@given(distribution_pairs())
def test_js_distance_matches_scipy_jensenshannon(pq: tuple) -> None:  # type: ignore[type-arg]
    p, q = pq
    with np.errstate(invalid="ignore"):  # scipy takes sqrt of a slightly negative rounding
        ref = np.nan_to_num(scipy.spatial.distance.jensenshannon(p, q, base=2))
    np.testing.assert_allclose(
        ib.js_distance(p, q, base=2),
        ref,
        atol=1e-7,  # scipy takes sqrt of a value rounded near 0; sqrt amplifies it
    )


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_batched_axes_match_scipy(axis: int) -> None:
    rng = np.random.default_rng(0)
    p = rng.random((3, 4, 5))
    q = rng.random((3, 4, 5))
    p /= p.sum(axis=axis, keepdims=True)
    q /= q.sum(axis=axis, keepdims=True)
    np.testing.assert_allclose(
        ib.kl_divergence(p, q, axis=axis, base="nats"),
        scipy.stats.entropy(p, q, axis=axis),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        ib.entropy(p, axis=axis, base="nats"), scipy.stats.entropy(p, axis=axis), rtol=1e-12
    )


def test_scipy_renormalises_silently_and_infobits_refuses() -> None:
    assert scipy.stats.entropy([0.5, 0.5], [0.3, 0.3]) == 0.0
    with pytest.raises(ib.DistributionError, match=r"q sums to 0\.6"):
        ib.kl_divergence([0.5, 0.5], [0.3, 0.3])
