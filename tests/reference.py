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


# ---------------------------------------------------------------------------------------
# References for every measure and every input kind (used by tests/measures/test_engines.py
# and the fuzz suite). Inputs are NumPy arrays holding the exact values that were passed
# (float32 values are exact in float64); every result is in nats. The work is done on
# log-probabilities, with log1p/expm1 where a probability is near 1, so that 50 digits
# suffice even for logit gaps of 1e9 (where a probability 1 - e^-1e9 rounds to 1).

MEASURES_PAIR = ("cross_entropy", "kl_divergence", "js_divergence", "js_distance", "perplexity2")
MEASURES_JOINT = ("joint_entropy", "conditional_entropy", "mutual_information")

NEG_INF = -mpmath.inf


def mp_logsumexp(v: list[mpmath.mpf]) -> mpmath.mpf:
    """log Σ exp(v), accurate to mpmath's precision relative to the result even when it is
    tiny (one term near 1, the rest tiny): the largest term is taken out exactly."""
    finite = [x for x in v if x != NEG_INF]
    if not finite:
        return NEG_INF
    j = max(range(len(finite)), key=lambda i: finite[i])
    m = finite[j]
    rest = mpmath.fsum(mpmath.exp(x - m) for i, x in enumerate(finite) if i != j)
    return m + mpmath.log1p(rest)


def mp_logprobs(values: np.ndarray, kind: str) -> list[mpmath.mpf]:
    """The log-probabilities a 1-D input of ``kind`` stands for, exactly (-inf for 0).

    ``kind`` is ``"probs"``, ``"logits"`` (log-softmax), ``"log_probs"`` (as given) or
    ``"counts"`` (log c - log of the exact total).
    """
    xs = [float(v) for v in np.asarray(values, dtype=np.float64).ravel()]
    if kind == "probs":
        return [mpmath.log(x) if x > 0 else NEG_INF for x in xs]
    if kind == "logits":
        lse = mp_logsumexp([mpmath.mpf(x) if x != -np.inf else NEG_INF for x in xs])
        return [mpmath.mpf(x) - lse if x != -np.inf else NEG_INF for x in xs]
    if kind == "log_probs":
        return [mpmath.mpf(x) if x != -np.inf else NEG_INF for x in xs]
    if kind == "counts":
        log_total = mpmath.log(mpmath.fsum(mpmath.mpf(x) for x in xs))
        return [mpmath.log(x) - log_total if x > 0 else NEG_INF for x in xs]
    raise ValueError(f"unknown kind {kind!r}")


def mp_probs(values: np.ndarray, kind: str) -> list[mpmath.mpf]:
    """The probabilities a 1-D input of ``kind`` stands for (see :func:`mp_logprobs`)."""
    return [mpmath.exp(x) for x in mp_logprobs(values, kind)]


def flush(lp: list[mpmath.mpf], below: float) -> list[mpmath.mpf]:
    """``lp`` with every probability below ``below`` made 0: the distribution as a dtype
    that cannot hold those probabilities stores it."""
    if below <= 0:
        return lp
    cut = mpmath.log(below)
    return [x if x >= cut else NEG_INF for x in lp]


def _p_log(lp: mpmath.mpf, lq: mpmath.mpf) -> mpmath.mpf:
    """p · log q from log p and log q, with 0 · log 0 = 0 and p · log 0 = -inf."""
    if lp == NEG_INF:
        return mpmath.mpf(0)
    if lq == NEG_INF:
        return NEG_INF
    return mpmath.exp(lp) * lq


def mp_h(lp: list[mpmath.mpf]) -> mpmath.mpf:
    """H(p) = Σ p log 1/p, nats, from log p."""
    return -mpmath.fsum(_p_log(a, a) for a in lp)


def mp_ce(lp: list[mpmath.mpf], lq: list[mpmath.mpf]) -> mpmath.mpf:
    """H(p, q) = Σ p log 1/q, nats (+inf where p > 0 = q)."""
    terms = [_p_log(a, b) for a, b in zip(lp, lq, strict=True)]
    return mpmath.inf if NEG_INF in terms else -mpmath.fsum(terms)


def mp_kl_p(lp: list[mpmath.mpf], lq: list[mpmath.mpf]) -> mpmath.mpf:
    """D(p‖q) = Σ p log p/q, nats (+inf where p > 0 = q), from log p and log q."""
    terms = []
    for a, b in zip(lp, lq, strict=True):
        if a == NEG_INF:
            continue
        if b == NEG_INF:
            return mpmath.inf
        terms.append(mpmath.exp(a) * (a - b))
    return mpmath.fsum(terms)


def _log_mid(a: mpmath.mpf, b: mpmath.mpf) -> mpmath.mpf:
    """log((e^a + e^b) / 2), accurate when a and b are both near 0."""
    if a == NEG_INF and b == NEG_INF:
        return NEG_INF
    hi, lo = (a, b) if a >= b else (b, a)
    if lo == NEG_INF:
        return hi - mpmath.log(2)
    return hi + mpmath.log1p(mpmath.expm1(lo - hi) / 2)


def mp_js(lp: list[mpmath.mpf], lq: list[mpmath.mpf]) -> mpmath.mpf:
    """JS(p, q) = ½ D(p‖m) + ½ D(q‖m), m = (p + q)/2, nats, from log p and log q."""
    lm = [_log_mid(a, b) for a, b in zip(lp, lq, strict=True)]
    return (mp_kl_p(lp, lm) + mp_kl_p(lq, lm)) / 2


def mp_joint(lpxy: list[list[mpmath.mpf]], measure: str) -> mpmath.mpf:
    """``joint_entropy``, ``conditional_entropy`` (H(Y|X), X on rows) or
    ``mutual_information`` of a joint table given as log-probabilities, nats."""
    lpx = [mp_logsumexp(row) for row in lpxy]
    lpy = [mp_logsumexp(list(col)) for col in zip(*lpxy, strict=True)]
    cells = [(i, j, v) for i, row in enumerate(lpxy) for j, v in enumerate(row) if v != NEG_INF]
    if measure == "joint_entropy":
        return mp_h([v for _, _, v in cells])
    if measure == "conditional_entropy":
        return mpmath.fsum(mpmath.exp(v) * (lpx[i] - v) for i, _, v in cells)
    if measure == "mutual_information":
        return mpmath.fsum(mpmath.exp(v) * (v - lpx[i] - lpy[j]) for i, j, v in cells)
    raise ValueError(f"unknown joint measure {measure!r}")


def mp_measure(name: str, lp: list[mpmath.mpf], lq: list[mpmath.mpf] | None = None) -> mpmath.mpf:
    """One vector measure in nats from log-probabilities (perplexity as a number)."""
    if name == "entropy":
        return mp_h(lp)
    if name == "perplexity1":
        return mpmath.exp(mp_h(lp))
    assert lq is not None
    if name == "cross_entropy":
        return mp_ce(lp, lq)
    if name == "perplexity2":
        return mpmath.exp(mp_ce(lp, lq))
    if name == "kl_divergence":
        return mp_kl_p(lp, lq)
    if name == "js_divergence":
        return mp_js(lp, lq)
    if name == "js_distance":
        return mpmath.sqrt(mp_js(lp, lq))
    raise ValueError(f"unknown measure {name!r}")


def mp_batch(
    name: str,
    inputs: list[tuple[str, np.ndarray]],
    axis: int | tuple[int, int] = -1,
    flush_below: float | list[float] = 0.0,
) -> np.ndarray:
    """Reference values (an object array of mpf, nats) of measure ``name`` over a batch.

    ``inputs`` are (kind, values) pairs that broadcast together; ``axis`` is the outcome
    axis (a pair of axes, X then Y, for the joint measures). Probabilities below
    ``flush_below`` (one number, or one an input) count as 0. ``self_information`` is
    elementwise (one value a cell): plain probabilities are taken one by one, the other
    kinds normalised along ``axis``.
    """
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for _, v in inputs))
    kinds = [k for k, _ in inputs]
    below = flush_below if isinstance(flush_below, list) else [flush_below] * len(inputs)
    if name in MEASURES_JOINT:
        ax = axis if isinstance(axis, tuple) else (-2, -1)
        moved = [np.moveaxis(a, ax, (-2, -1)) for a in arrays]
        out = np.empty(moved[0].shape[:-2], dtype=object)
        for idx in np.ndindex(out.shape):
            table = moved[0][idx]
            flat = flush(mp_logprobs(table.ravel(), kinds[0]), below[0])
            ny = table.shape[1]
            rows = [flat[i * ny : (i + 1) * ny] for i in range(table.shape[0])]
            out[idx] = mp_joint(rows, name)
        return out
    assert isinstance(axis, int)
    moved = [np.moveaxis(a, axis, -1) for a in arrays]
    if name == "self_information":
        res = np.empty(moved[0].shape, dtype=object)
        for idx in np.ndindex(moved[0].shape[:-1]):
            lq = flush(mp_logprobs(moved[0][idx], kinds[0]), below[0])
            res[idx] = [-x for x in lq]
        return np.moveaxis(res, -1, axis)
    out = np.empty(moved[0].shape[:-1], dtype=object)
    for idx in np.ndindex(out.shape):
        lps = [
            flush(mp_logprobs(m[idx], k), b) for m, k, b in zip(moved, kinds, below, strict=True)
        ]
        out[idx] = mp_measure(name, *lps)
    return out


def agree(
    value: object, refs: list[np.ndarray], rtol: float, atol: float = 0.0, scale: float = 1.0
) -> bool | str:
    """True if every cell of ``value`` is within ``max(rtol·|ref|, atol)`` of the same cell
    of at least one of ``refs`` (nats divided by ``scale``); otherwise the reason.

    +inf must be +inf; NaN never agrees.
    """
    got = np.asarray(value, dtype=np.float64)
    if got.shape != refs[0].shape:
        return f"shape {got.shape}, expected {refs[0].shape}"
    for idx in np.ndindex(got.shape):
        v = float(got[idx])
        ok = False
        for ref in refs:
            r = ref[idx] / scale
            if mpmath.isinf(r):
                ok = ok or v == r
            elif np.isfinite(v):
                err = abs(mpmath.mpf(v) - r)
                ok = ok or err <= max(rtol * abs(r), atol)
        if not ok:
            want = " or ".join(mpmath.nstr(ref[idx] / scale, 17) for ref in refs)
            return f"at {idx}: {v!r}, reference {want}"
    return True
