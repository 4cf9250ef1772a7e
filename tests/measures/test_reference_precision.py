"""The measures against mpmath at 50 digits, on random and extreme inputs.

float64 results aim at a relative error of 1e-12; each test asserts its bound.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

import infobits as ib
from tests.reference import mp_cross_entropy, mp_entropy, mp_kl, rel_err

# Every test here runs with the compiled row kernels and with the NumPy path alone.
pytestmark = pytest.mark.usefixtures("kernels")

RTOL = 1e-12


def mp_log_softmax(z: np.ndarray) -> list[mpmath.mpf]:
    """log softmax in mpmath, as (z - m) - log1p(Σ' e^(z - m)) with one maximum left out
    of Σ': at 50 digits, log(1 + 1e-55) is 0, which would drop the maximum's own term
    from an entropy near certainty (a share of about 1/gap of it)."""
    zs = [mpmath.mpf(float(v)) for v in z]
    top = max(range(len(zs)), key=lambda i: zs[i])
    rest = mpmath.fsum(mpmath.exp(v - zs[top]) for i, v in enumerate(zs) if i != top)
    # (z - m) - log1p(rest), never z - (m + log1p(rest)), which rounds rest away.
    return [(v - zs[top]) - mpmath.log1p(rest) for v in zs]


def _dirichlet(k: int, seed: int, alpha: float = 1.0) -> np.ndarray:
    p = np.random.default_rng(seed).dirichlet(np.full(k, alpha))
    return p / p.sum()


@pytest.mark.parametrize("k", [2, 10, 1000])
@pytest.mark.parametrize("seed", [0, 1])
def test_random_dirichlet_matches_mpmath(k: int, seed: int) -> None:
    p, q = _dirichlet(k, seed), _dirichlet(k, seed + 100)
    assert rel_err(ib.entropy(p, base="nats"), mp_entropy(p)) < RTOL
    assert rel_err(ib.cross_entropy(p, q, base="nats"), mp_cross_entropy(p, q)) < RTOL
    assert rel_err(ib.kl_divergence(p, q, base="nats"), mp_kl(p, q)) < RTOL


def test_probabilities_down_to_1e_300_match_mpmath() -> None:
    tiny = np.array([1e-300, 3e-250, 1e-200, 1e-100, 1e-30])
    p = np.concatenate([tiny, [0.5 - tiny.sum(), 0.5]])
    q = np.concatenate([tiny[::-1], [0.25, 0.75 - tiny.sum()]])
    assert rel_err(ib.entropy(p, base="nats"), mp_entropy(p)) < RTOL
    assert rel_err(ib.cross_entropy(p, q, base="nats"), mp_cross_entropy(p, q)) < RTOL
    assert rel_err(ib.kl_divergence(p, q, base="nats"), mp_kl(p, q)) < RTOL
    assert rel_err(ib.kl_divergence(q, p, base="nats"), mp_kl(q, p)) < RTOL


def test_subnormal_q_does_not_overflow_the_ratio() -> None:
    # p/q overflows float64 here; log p - log q does not.
    p = np.array([0.5, 0.5])
    q = np.array([1e-310, 1.0 - 1e-310])
    assert rel_err(ib.kl_divergence(p, q, base="nats"), mp_kl(p, q)) < RTOL


def test_million_outcomes_match_mpmath() -> None:
    # A few distinct values repeated, so the 50-digit reference sums 8 exact products
    # while infobits sums all 10^6 entries.
    k = 10**6
    rng = np.random.default_rng(3)
    pv = rng.random(4) + 0.1
    qv = rng.random(4) + 0.1
    reps = k // 4
    pv = pv / (pv.sum() * reps)
    qv = qv / (qv.sum() * reps)
    p, q = np.repeat(pv, reps), np.repeat(qv, reps)

    def ref(terms: list[mpmath.mpf]) -> mpmath.mpf:
        return mpmath.fsum(t * reps for t in terms)

    a = [mpmath.mpf(float(x)) for x in pv]
    b = [mpmath.mpf(float(x)) for x in qv]
    h_ref = ref([-x * mpmath.log(x) for x in a])
    ce_ref = ref([-x * mpmath.log(y) for x, y in zip(a, b, strict=True)])
    kl_ref = ref([x * mpmath.log(x / y) for x, y in zip(a, b, strict=True)])
    assert rel_err(ib.entropy(p, base="nats"), h_ref) < RTOL
    assert rel_err(ib.cross_entropy(p, q, base="nats"), ce_ref) < RTOL
    assert rel_err(ib.kl_divergence(p, q, base="nats"), kl_ref) < RTOL


@pytest.mark.parametrize("scale", [1.0, 100.0, 1e4])
def test_logits_up_to_1e4_match_mpmath(scale: float) -> None:
    rng = np.random.default_rng(int(scale))
    zp = rng.uniform(-scale, scale, 50)
    zq = rng.uniform(-scale, scale, 50)
    lp, lq = mp_log_softmax(zp), mp_log_softmax(zq)
    pp = [mpmath.exp(v) for v in lp]
    h_ref = -mpmath.fsum(a * b for a, b in zip(pp, lp, strict=True))
    ce_ref = -mpmath.fsum(a * b for a, b in zip(pp, lq, strict=True))
    kl_ref = mpmath.fsum(a * (b - c) for a, b, c in zip(pp, lp, lq, strict=True))
    assert rel_err(ib.entropy(ib.logits(zp), base="nats"), h_ref) < RTOL
    assert rel_err(ib.cross_entropy(ib.logits(zp), ib.logits(zq), base="nats"), ce_ref) < RTOL
    assert rel_err(ib.kl_divergence(ib.logits(zp), ib.logits(zq), base="nats"), kl_ref) < RTOL


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kl_near_1e_minus_15_keeps_relative_accuracy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = _dirichlet(100, seed, alpha=5.0)
    q = p * (1 + 4e-8 * rng.standard_normal(100))
    q = q / q.sum()
    ref = mp_kl(p, q)
    assert 1e-17 < ref < 1e-13
    assert rel_err(ib.kl_divergence(p, q, base="nats"), ref) < RTOL
    # The naive difference of cross-entropy and entropy has no correct digit left.
    naive = ib.cross_entropy(p, q, base="nats") - ib.entropy(p, base="nats")
    assert rel_err(naive, ref) > 1e-3


@pytest.mark.parametrize("seed", range(5))
def test_kl_of_nearby_logits_keeps_relative_accuracy(seed: int) -> None:
    # The log-softmaxes round at the scale of the logits (~eps·|z|), which would leave
    # only ~9 digits of a KL near 1e-15; the logit difference itself is exact.
    rng = np.random.default_rng(seed)
    z = 3 * rng.normal(size=30)
    z2 = z + 1e-7 * rng.normal(size=30)
    lp, lq = mp_log_softmax(z), mp_log_softmax(z2)
    ref = mpmath.fsum(mpmath.exp(a) * (a - b) for a, b in zip(lp, lq, strict=True))
    assert 1e-17 < ref < 1e-12
    got = ib.kl_divergence(ib.logits(z), ib.logits(z2), base="nats")
    assert rel_err(got, ref) < RTOL


def test_kl_of_nearby_log_probs_is_limited_by_their_normalisation() -> None:
    # Given log-probabilities sum to 1 only to rounding, and Σ(e^a - e^b) enters KL at
    # its own size; exp rounds each term by an ulp, so ~1e-9 relative is what is left.
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.full(30, 5.0))
    q = p * (1 + 4e-8 * rng.standard_normal(30))
    a, b = np.log(p), np.log(q / q.sum())
    ref = mpmath.fsum(
        mpmath.exp(mpmath.mpf(float(x))) * (mpmath.mpf(float(x)) - mpmath.mpf(float(y)))
        for x, y in zip(a, b, strict=True)
    )
    assert rel_err(ib.kl_divergence(ib.log_probs(a), ib.log_probs(b), base="nats"), ref) < 1e-7


def test_float32_matches_mpmath_to_float32_precision() -> None:
    p = _dirichlet(1000, 5).astype(np.float32)
    q = _dirichlet(1000, 6).astype(np.float32)
    got = ib.kl_divergence(p, q, base="nats")
    assert got.dtype == np.float32
    assert rel_err(float(got), mp_kl(p.astype(np.float64), q.astype(np.float64))) < 1e-5
