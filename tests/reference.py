"""Shared test helpers: strategies for distributions, and mpmath references.

The references run at 50 digits (see conftest.py, which sets that for every test).
"""

from __future__ import annotations

import mpmath
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


def mp_entropy(p: np.ndarray) -> mpmath.mpf:
    """Σ p log(1/p) in nats, on the exact float values of p, at 50 digits."""
    return -mpmath.fsum(mpmath.mpf(float(x)) * mpmath.log(float(x)) for x in p if x > 0)


def mp_cross_entropy(p: np.ndarray, q: np.ndarray) -> mpmath.mpf:
    return -mpmath.fsum(
        mpmath.mpf(float(a)) * mpmath.log(float(b)) for a, b in zip(p, q, strict=True) if a > 0
    )


def mp_kl(p: np.ndarray, q: np.ndarray) -> mpmath.mpf:
    return mpmath.fsum(
        mpmath.mpf(float(a)) * (mpmath.log(float(a)) - mpmath.log(float(b)))
        for a, b in zip(p, q, strict=True)
        if a > 0
    )


def mp_log_softmax(z: np.ndarray) -> list[mpmath.mpf]:
    zs = [mpmath.mpf(float(v)) for v in z]
    m = max(zs)
    lse = m + mpmath.log(mpmath.fsum(mpmath.exp(v - m) for v in zs))
    return [v - lse for v in zs]


def rel_err(value: float, ref: mpmath.mpf) -> float:
    if ref == 0:
        return abs(value)
    return float(abs((mpmath.mpf(float(value)) - ref) / ref))


@st.composite
def distributions(draw: st.DrawFn, k: int | None = None, zeros: bool = True) -> np.ndarray:
    """Probability vectors (float64) summing to 1 within rounding; zeros allowed."""
    n = draw(st.integers(1, 12)) if k is None else k
    lo = 0.0 if zeros else 1e-3
    w = draw(hnp.arrays(np.float64, n, elements=st.floats(lo, 1.0)))
    if w.sum() <= 0:
        w[draw(st.integers(0, n - 1))] = 1.0
    return w / w.sum()


@st.composite
def distribution_pairs(draw: st.DrawFn, zeros_in_q: bool = False) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 12))
    return draw(distributions(n)), draw(distributions(n, zeros=zeros_in_q))
