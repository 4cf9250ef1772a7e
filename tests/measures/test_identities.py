"""Identities of information theory, checked as properties over random distributions."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import infobits as ib
from tests.reference import distribution_pairs, distributions

settings.register_profile("infobits", max_examples=60, deadline=None)
settings.load_profile("infobits")

ATOL = 1e-12


@given(distribution_pairs(zeros_in_q=False))
def test_gibbs_inequality_kl_is_nonnegative(pq: tuple[np.ndarray, np.ndarray]) -> None:
    p, q = pq
    assert ib.kl_divergence(p, q) >= 0


@given(distributions())
def test_kl_is_zero_for_identical_distributions(p: np.ndarray) -> None:
    assert ib.kl_divergence(p, p) == 0


@given(distribution_pairs(zeros_in_q=False))
def test_kl_is_positive_when_distributions_differ(pq: tuple[np.ndarray, np.ndarray]) -> None:
    p, q = pq
    if np.max(np.abs(p - q)) > 1e-6:
        assert ib.kl_divergence(p, q) > 0


@given(distribution_pairs(zeros_in_q=True))
def test_cross_entropy_is_entropy_plus_kl(pq: tuple[np.ndarray, np.ndarray]) -> None:
    p, q = pq
    h, hpq, d = ib.entropy(p), ib.cross_entropy(p, q), ib.kl_divergence(p, q)
    if math.isinf(hpq):
        assert math.isinf(d)
    else:
        assert math.isclose(hpq, h + d, rel_tol=1e-12, abs_tol=ATOL)


@given(distributions())
def test_entropy_is_between_zero_and_log_k(p: np.ndarray) -> None:
    h = ib.entropy(p)
    assert -ATOL <= h <= math.log2(p.size) + ATOL


@given(distribution_pairs(), st.randoms(use_true_random=False))
def test_measures_are_invariant_under_permutation(pq: tuple, rnd) -> None:  # type: ignore[no-untyped-def, type-arg]
    p, q = pq
    perm = list(range(p.size))
    rnd.shuffle(perm)
    assert math.isclose(ib.entropy(p[perm]), ib.entropy(p), rel_tol=1e-12, abs_tol=ATOL)
    assert math.isclose(
        ib.kl_divergence(p[perm], q[perm]), ib.kl_divergence(p, q), rel_tol=1e-12, abs_tol=ATOL
    )


@given(distribution_pairs(), st.sampled_from([math.e, 10.0, 3.0, 0.5, 1.5]))
def test_base_change_divides_by_log_of_base(pq: tuple, base: float) -> None:  # type: ignore[type-arg]
    p, q = pq
    bits = ib.kl_divergence(p, q)
    assert math.isclose(
        ib.kl_divergence(p, q, base=base), bits * math.log(2) / math.log(base), rel_tol=1e-12
    )
    assert math.isclose(ib.entropy(p, base="nats"), ib.entropy(p) * math.log(2), rel_tol=1e-12)


@st.composite
def joint_tables(draw: st.DrawFn) -> np.ndarray:
    kx, ky = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    return draw(distributions(kx * ky)).reshape(kx, ky)


@given(joint_tables())
def test_chain_rule_joint_is_marginal_plus_conditional(pxy: np.ndarray) -> None:
    hx = ib.entropy(pxy.sum(axis=1) / pxy.sum())
    assert math.isclose(
        ib.joint_entropy(pxy), hx + ib.conditional_entropy(pxy), rel_tol=1e-11, abs_tol=1e-11
    )


@given(joint_tables())
def test_mutual_information_is_kl_from_product_of_marginals(pxy: np.ndarray) -> None:
    px, py = pxy.sum(axis=1), pxy.sum(axis=0)
    prod = np.outer(px, py)
    if np.all(prod[pxy > 0] > 0):  # the reference's own product must not underflow
        expected = ib.kl_divergence(pxy.ravel(), (prod / prod.sum()).ravel())
        assert math.isclose(ib.mutual_information(pxy), expected, rel_tol=1e-9, abs_tol=1e-12)
    h_y = ib.entropy(py / py.sum())
    assert math.isclose(
        ib.mutual_information(pxy), h_y - ib.conditional_entropy(pxy), abs_tol=1e-11
    )


@given(distribution_pairs())
def test_js_is_symmetric_bounded_and_matches_its_definition(pq: tuple) -> None:  # type: ignore[type-arg]
    p, q = pq
    js = ib.js_divergence(p, q)
    assert math.isclose(js, ib.js_divergence(q, p), rel_tol=1e-12, abs_tol=ATOL)
    assert -ATOL <= js <= 1 + ATOL
    m = 0.5 * (p + q)
    m = m / m.sum()
    ref = 0.5 * ib.kl_divergence(p, m) + 0.5 * ib.kl_divergence(q, m)
    assert math.isclose(js, ref, rel_tol=1e-9, abs_tol=1e-12)


@given(distribution_pairs())
def test_perplexity_is_two_to_the_bits(pq: tuple) -> None:  # type: ignore[type-arg]
    p, q = pq
    assert math.isclose(ib.perplexity(p), 2 ** ib.entropy(p), rel_tol=1e-12)
    assert math.isclose(ib.perplexity(p, q), 2 ** ib.cross_entropy(p, q), rel_tol=1e-12)
