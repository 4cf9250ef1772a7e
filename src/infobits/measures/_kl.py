"""The Kullback–Leibler divergence without cancellation, on NumPy arrays.

With u = (p - q)/q, the KL term p·log(p/q) equals q·f(u) + (p - q), where
f(u) = (1+u)·log1p(u) - u >= 0 is ~u²/2 for small u. The f-part has no cancellation,
and Σ(p - q) sums exactly representable small differences (Sterbenz), so
KL = Σ q·f(u) + Σ(p - q) keeps its relative accuracy when p ≈ q and KL ~ 1e-15.
The array-API engine uses the same series (``SERIES_U``, ``F_COEF``, ``H_COEF``).
Everything here is in nats.
"""

from __future__ import annotations

import math

import numpy as np

from .._inputs import Distribution, Kind

__all__ = [
    "F_COEF",
    "H_COEF",
    "KL_RECOMPUTE_BELOW",
    "LN2",
    "SERIES_U",
    "js_nats",
    "kl_nats",
    "kl_terms",
    "kl_terms_log",
    "kl_total",
]

#: Below this many nats, a KL computed as Σ p·log(p/q) has lost too many digits to
#: cancellation, and the row is recomputed with :func:`kl_terms`.
KL_RECOMPUTE_BELOW = 1e-3

LN2 = math.log(2.0)

SERIES_U = 0.05
# f(u)/u² = Σ_{n>=2} (-1)^n u^(n-2) / (n(n-1)), to n = 16: error < 1e-19 relative at 0.05.
F_COEF = [(-1.0) ** n / (n * (n - 1)) for n in range(2, 17)]
# h(v)/v² = Σ_{n>=2} (n-1) v^(n-2) / n!, h(v) = v·e^v - expm1(v) = f(expm1(v)).
H_COEF = [(n - 1) / float(np.prod(np.arange(1, n + 1, dtype=np.float64))) for n in range(2, 17)]


def _poly(x: np.ndarray, coef: list[float]) -> np.ndarray:
    out = np.full_like(x, coef[-1])
    for c in reversed(coef[:-1]):
        out *= x
        out += c
    return out


def kl_terms(p: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Elementwise (t, d) with Σt + Σd = Σ p·log(p/q) in nats, both free of cancellation.

    Conventions: p = 0 gives 0 (whatever q is); p > 0 with q = 0 gives +inf.
    """
    p, q = np.broadcast_arrays(p, q)
    with np.errstate(all="ignore"):
        d = p - q
        u = d / q
        small = np.abs(u) < SERIES_U
        # log1p is exact near u = 0; far from it (or when p/q overflows) logs subtract safely.
        lr = np.where((u < -0.5) | (u > 1.0), np.log(p) - np.log(q), np.log1p(u))
        t = p * lr - d
        if small.any():
            us = u[small]
            t[small] = q[small] * us * us * _poly(us, F_COEF)
        zero_p = p == 0
        t[zero_p] = 0.0
        d = np.where(zero_p, 0.0, d)
        t[(q == 0) & ~zero_p] = np.inf
    return t, d


def kl_terms_log(
    q: np.ndarray, lq: np.ndarray, lp: np.ndarray, v: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """As :func:`kl_terms`, in log space: ``v = log p - log q`` elementwise (by default
    ``lp - lq``; pass a more accurate ``v`` if you have one).

    With p = q·e^v, the term p·v equals q·h(v) + q·expm1(v), h(v) = v·e^v - e^v + 1 >= 0.
    For small |v| both parts come from v and q alone (a series for h), so when v is exact,
    as log p - log q is for nearby log-probabilities, nothing is lost to rounding p and q
    separately; elsewhere they are p·v - (p - q) and p - q. An outcome
    with p = 0 (lp = -inf) has h = 1: its t is q and its d is -q; q = 0 < p gives +inf.
    """
    with np.errstate(all="ignore"):
        q, lq, lp, v = np.broadcast_arrays(q, lq, lp, lp - lq if v is None else v)
        zero_p = lp == -np.inf
        v = np.where(zero_p, -np.inf, v)
        # Away from v = 0 the plain form has at most a small cancellation, and stays
        # finite when q underflows or e^v overflows.
        p = np.exp(lp)
        d = p - q
        t = p * v - d
        small = np.abs(v) < SERIES_U
        if small.any():
            vs, qs = v[small], q[small]
            t[small] = qs * vs * vs * _poly(vs, H_COEF)
            d[small] = qs * np.expm1(vs)
        t = np.where(zero_p, q, t)
        d = np.where(zero_p, -q, d)
        impossible = (lq == -np.inf) & ~zero_p
        t[impossible] = np.inf
        d[impossible] = 0.0
    return t, d


def _logit_gap(zp: np.ndarray, zq: np.ndarray, q: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """v = log softmax(zp) - log softmax(zq), from the logit difference d = zp - zq.

    v = d - c with c = log Σ q·e^d = log1p(Σ q·expm1(d - s)) + s for a shift s, so v
    carries rounding of the size of d, not of the logits: for nearby logits, whose
    difference is exact, KL keeps its relative accuracy. Only for rows where p and q
    are close: where they are far apart, q may underflow where p does not. Entries
    with a -inf logit get a placeholder; the caller's zero masks decide them.
    """
    with np.errstate(all="ignore"):
        gap = np.where((zp == -np.inf) | (zq == -np.inf), 0.0, zp - zq)
        live = q > 0
        s = np.max(np.where(live, gap, -np.inf), axis=axes, keepdims=True)
        c = s + np.log1p(
            np.sum(np.where(live, q * np.expm1(gap - s), 0.0), axis=axes, keepdims=True)
        )
        return gap - c


def kl_total(t: np.ndarray, d: np.ndarray | None, axes: tuple[int, ...]) -> np.ndarray:
    """Σt + Σd along ``axes``; rows whose total is small are summed exactly (fsum).

    The parts are accurate term by term, but d holds differences of both signs whose
    sum is tiny: a pairwise sum keeps an error of ~eps·Σ|d|, which is as large as a KL
    of 1e-15. Correctly rounded sums remove it, on the few rows where it matters.
    """
    total = np.sum(t, axis=axes) if d is None else np.sum(t, axis=axes) + np.sum(d, axis=axes)
    near = np.abs(total) < KL_RECOMPUTE_BELOW
    if not np.any(near):
        return total
    last = tuple(range(-len(axes), 0))
    k = int(np.prod([t.shape[a] for a in axes]))
    rows_t = np.moveaxis(t, axes, last).reshape(-1, k)
    rows_d = None if d is None else np.moveaxis(d, axes, last).reshape(-1, k)
    flat = np.array(total, dtype=np.float64).reshape(-1)
    for i in np.flatnonzero(np.asarray(near).reshape(-1)):
        exact = math.fsum(rows_t[i].tolist())
        if rows_d is not None:
            exact = math.fsum([exact, *rows_d[i].tolist()])
        flat[i] = exact
    return flat.reshape(np.shape(total)).astype(np.result_type(total), copy=False)


def kl_nats(p: Distribution, q: Distribution, axes: tuple[int, ...]) -> np.ndarray:
    """KL(p‖q) in nats along ``axes`` (in the broadcast layout), the careful way.

    Σ(p - q) is zero by definition when both come from a softmax; when only one does,
    it is the other's own sum minus one. Summing the rounded elementwise differences
    instead would leave an error of ~1e-16, as large as a KL near 1e-15.
    """
    if p.kind in (Kind.PROBS, Kind.COUNTS) and q.kind in (Kind.PROBS, Kind.COUNTS):
        t, d = kl_terms(p.probs(), q.probs())
        if p.kind is Kind.COUNTS and q.kind is Kind.COUNTS:
            # Both normalised by construction, Σ(p - q) = 0: d (kept where p > 0) sums
            # to the q-mass where p = 0, which is summed instead, without cancellation.
            d = np.where(p.probs() > 0, 0.0, np.broadcast_to(q.probs(), t.shape))
        return kl_total(t, d, axes)
    lp, lq = p.logp(), q.logp()
    t, d = kl_terms_log(q.probs(), lq, lp)
    if p.kind is Kind.LOGITS and q.kind is Kind.LOGITS:
        total = kl_total(t, None, axes)
        near = total < KL_RECOMPUTE_BELOW
        if np.any(near):
            # Nearby softmaxes: the log-softmax difference rounds at the scale of the
            # logits; recompute it from the logit difference (see _logit_gap).
            zp, zq = np.broadcast_arrays(p.values, q.values)
            v = _logit_gap(zp, zq, np.broadcast_to(q.probs(), zp.shape), axes)
            t2 = kl_total(kl_terms_log(q.probs(), lq, lp, v)[0], None, axes)
            total = np.where(near & np.isfinite(t2), t2, total)
        return total
    total = np.sum(t, axis=axes)
    if p.kind is Kind.LOGITS:
        return total + (1.0 - np.sum(np.broadcast_to(q.probs(), t.shape), axis=axes))
    if q.kind is Kind.LOGITS:
        return total + (np.sum(np.broadcast_to(p.probs(), t.shape), axis=axes) - 1.0)
    return kl_total(t, d, axes)


def js_nats(a: np.ndarray, b: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """JS(a, b) = ½ D(a‖m) + ½ D(b‖m), m = (a + b)/2, in nats along ``axes``, clamped to
    its bounds [0, ln 2].

    Halving a subnormal rounds it, possibly to 0 (½·5e-324 = 0), which would make an
    outcome with a > 0 impossible under m and the divergence inf. Where the mixture is
    below the smallest normal number, the terms are taken as a·log(2a/(a + b)), which
    never forms m.
    """
    a, b = np.broadcast_arrays(a, b)
    m = 0.5 * a + 0.5 * b
    t1, d1 = kl_terms(a, m)
    t2, d2 = kl_terms(b, m)
    t, d = t1 + t2, d1 + d2
    tiny = (m < np.finfo(m.dtype).tiny) & ((a > 0) | (b > 0))
    if np.any(tiny):
        at, bt = a[tiny], b[tiny]
        with np.errstate(divide="ignore", invalid="ignore"):
            s = at + bt
            ta = np.where(at > 0, at * (LN2 + np.log(at) - np.log(s)), 0.0)
            tb = np.where(bt > 0, bt * (LN2 + np.log(bt) - np.log(s)), 0.0)
        t[tiny] = ta + tb
        d[tiny] = 0.0
    return np.clip(0.5 * kl_total(t, d, axes), 0.0, LN2)
