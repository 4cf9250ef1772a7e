"""The numerical engine shared by the measures: argument handling, blocked reductions,
and the cancellation-free form of the KL divergence.

The hot path (plain probability arrays) runs over cache-sized blocks so that no more
than one block-sized temporary exists at a time, and validation statistics (row sums,
minima) are gathered in the same pass. Rows that need care (zeros, infinities, or a KL
so small that ``Σ p log(p/q)`` would be mostly rounding error) are recomputed with the
exact-by-construction formulas below. Everything is in nats; units are applied last.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._inputs import (
    Axis,
    Kind,
    Prepared,
    Tagged,
    check_probs,
    outcome_layout,
    prepare,
    sum_tolerance,
    validate,
)
from .._units import Base, log_of_base

#: Elements per block temporary: 16 Ki elements is 128 KiB of float64, inside L2.
BLOCK = 1 << 14

#: Below this many nats, a KL computed as Σ p·log(p/q) has lost too many digits to
#: cancellation, and the row is recomputed with :func:`kl_terms`.
KL_RECOMPUTE_BELOW = 1e-3


def _shape_of(x: Any, name: str) -> tuple[int, ...]:
    v = x.values if isinstance(x, Tagged) else x
    if isinstance(v, Tagged):
        raise TypeError(f"{name} is wrapped twice ({x!r}); wrap the array once")
    return tuple(np.shape(v))


def prepare_many(
    args: Sequence[tuple[Any, str]], axis: Axis, check: bool
) -> tuple[list[Prepared], tuple[int, ...]]:
    """Prepare several distributions that share an outcome axis, and broadcast shapes.

    ``axis`` counts in the broadcast shape. Broadcasting is allowed across batch axes
    only: every argument must have the outcome axes, with the same lengths.
    """
    shapes = [_shape_of(x, name) for x, name in args]
    bshape, neg = outcome_layout(shapes, [name for _, name in args], axis)
    out = [prepare(x, name, neg if len(neg) > 1 else neg[0], check=check) for x, name in args]
    return out, bshape


def finish(
    nats: np.ndarray,
    base: Base,
    out_dtype: np.dtype,
    keepdims_shape: tuple[int, ...] | None,
) -> Any:
    """Convert nats to ``base``, restore kept dimensions and dtype; 0-d becomes a scalar."""
    ln = log_of_base(base)
    res = np.asarray(nats / ln if ln != 1.0 else nats)
    if keepdims_shape is not None:
        res = res.reshape(keepdims_shape)
    res = res.astype(out_dtype, copy=False) + 0.0  # a zero is +0.0, never -0.0
    return res[()] if res.ndim == 0 else res


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...], keepdims: bool) -> Any:
    if not keepdims:
        return None
    nd = len(shape)
    ax = {a % nd for a in axes}
    return tuple(1 if d in ax else s for d, s in enumerate(shape))


def out_dtype(*preps: Prepared) -> np.dtype:
    return np.result_type(*(p.out_dtype for p in preps))


# ---------------------------------------------------------------------------
# Blocked reductions over rows


def as_rows(a: np.ndarray, axis: int) -> np.ndarray | None:
    """A 2-D (rows, outcomes) view of ``a`` with the outcome ``axis`` last, or None if
    that would need a copy."""
    m = np.moveaxis(a, axis, -1)
    r = m.reshape(-1, m.shape[-1]) if m.ndim != 2 else m
    if r.size and not np.may_share_memory(r, a):
        return None
    return r


Kernel = Callable[[list[np.ndarray], np.ndarray, bool], tuple[list[np.ndarray], float]]


def rowdot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Σⱼ a[i, j]·b[i, j] for each row i of two 2-D blocks.

    ``einsum`` without ``optimize`` runs its own vectorised loop in the calling thread.
    ``np.vecdot``, ``np.dot`` and ``matmul`` go through BLAS, whose thread pool, for
    block-sized work, spends longer waking and waiting on its threads than computing,
    and far longer when another process holds the cores (19x slower than SciPy, seen).
    """
    return np.einsum("ij,ij->i", a, b)


def rowsum(a: np.ndarray) -> np.ndarray:
    """Σⱼ a[i, j] for each row i of a 2-D block, in the calling thread (see rowdot)."""
    return np.einsum("ij->i", a)


def blocked(
    kernel: Kernel, rows: list[np.ndarray], nacc: int, check: bool
) -> tuple[np.ndarray, float]:
    """Run ``kernel`` over cache-sized blocks of same-shape 2-D ``rows``.

    The kernel gets the blocks, a scratch block and whether to gather validation
    statistics. It
    returns per-row partial sums (up to ``nacc`` of them) and a scalar minimum; partial
    sums are added across column chunks in float64 and the minima combined.
    """
    m, k = rows[0].shape
    dt = np.result_type(*rows)
    acc = np.zeros((nacc, m), dtype=np.float64)
    low = np.inf
    if m == 0:
        return acc, low
    step_r = max(1, BLOCK // k)
    step_c = min(k, BLOCK)
    buf = np.empty(step_r * step_c, dtype=dt)
    for r0 in range(0, m, step_r):
        r1 = min(m, r0 + step_r)
        for c0 in range(0, k, step_c):
            c1 = min(k, c0 + step_c)
            blocks = [a[r0:r1, c0:c1] for a in rows]
            scratch = buf[: (r1 - r0) * (c1 - c0)].reshape(r1 - r0, c1 - c0)
            parts, lo = kernel(blocks, scratch, check)
            for i, part in enumerate(parts):
                acc[i, r0:r1] += part
            low = min(low, lo) if lo == lo else np.nan  # NaN sticks
    return acc, low


def check_blocked_probs(prep: Prepared, sums: np.ndarray, low: float) -> None:
    """Validate a probability input from statistics gathered in a blocked pass; on any
    doubt, rerun the full check so the error names the first offending position."""
    tol = np.sqrt(np.finfo(prep.values.dtype).eps)
    if not (low >= 0) or not np.all(np.abs(sums - 1) <= tol):
        check_probs(prep.values, prep.name, prep.axes)
    # Blocked sums reorder the additions; an inf in the data always shows in them.


def softmax_rows(
    preps: Sequence[Prepared],
    check: bool,
    measure: Callable[[list[tuple[np.ndarray, np.ndarray]]], np.ndarray],
    need: Sequence[str] = (),
) -> tuple[np.ndarray, list[np.ndarray]] | None:
    """The hot path for logits (and probabilities beside them): rows that fit in a
    block are turned into (p, log p) block by block, in cache, and ``measure`` reduces
    each block to per-row nats. Returns those and the 2-D row views, or None when the
    inputs do not suit it (other kinds, several axes, shapes that differ, long rows).

    Validation statistics come from the same pass (a logit row's max is NaN, +inf or
    -inf exactly when it is invalid); on any doubt the full check words the error.
    Rows whose result is NaN (0·log 0) are left for the caller to redo. ``need`` says,
    per input, which of ``"p"``, ``"log"`` or ``"both"`` the measure reads (default
    both); a part it does not read is an empty array.
    """
    if any(p.kind not in (Kind.PROBS, Kind.LOGITS) for p in preps) or not any(
        p.kind is Kind.LOGITS for p in preps
    ):
        return None
    shape = preps[0].values.shape
    if any(p.values.shape != shape or len(p.axes) != 1 for p in preps):
        return None
    rows = [as_rows(p.values, p.axes[0]) for p in preps]
    if any(r is None for r in rows):
        return None
    views = [r for r in rows if r is not None]
    m, k = views[0].shape
    if k > BLOCK or m == 0:
        return None
    step = max(1, BLOCK // k)
    out = np.empty(m, dtype=np.float64)
    wanted = list(need) or ["both"] * len(preps)
    empty = np.empty(0)
    suspect = False
    with np.errstate(all="ignore"):
        for r0 in range(0, m, step):
            parts = []
            for prep, view, wants in zip(preps, views, wanted, strict=True):
                z = view[r0 : r0 + step]
                if prep.kind is Kind.LOGITS:
                    top = z.max(axis=1, keepdims=True)
                    if check and not np.all(np.abs(top) < np.inf):
                        suspect = True
                    lp = z - top
                    lp -= np.log(np.exp(lp).sum(axis=1, keepdims=True))
                    parts.append((np.exp(lp) if wants != "log" else empty, lp))
                else:
                    if check and not (
                        z.min() >= 0 and np.all(np.abs(z.sum(axis=1) - 1) <= sum_tolerance(z.dtype))
                    ):
                        suspect = True
                    parts.append((z, np.log(z) if wants != "p" else empty))
            out[r0 : r0 + step] = measure(parts)
    if suspect:
        for prep in preps:
            validate(prep)
    return out, views


def row_subset(prep: Prepared, view: np.ndarray, which: np.ndarray) -> Prepared:
    """The rows ``which`` of a 2-D row view, as a Prepared input (already checked)."""
    return Prepared(
        name=prep.name, kind=prep.kind, values=view[which], axes=(1,), out_dtype=prep.out_dtype
    )


# ---------------------------------------------------------------------------
# KL without cancellation
#
# With u = (p - q)/q, the KL term p·log(p/q) equals q·f(u) + (p - q), where
# f(u) = (1+u)·log1p(u) - u >= 0 is ~u²/2 for small u. The f-part has no cancellation,
# and Σ(p - q) sums exactly representable small differences (Sterbenz), so
# KL = Σ q·f(u) + Σ(p - q) keeps its relative accuracy when p ≈ q and KL ~ 1e-15.

_SERIES_U = 0.05
# f(u)/u² = Σ_{n>=2} (-1)^n u^(n-2) / (n(n-1)), to n = 16: error < 1e-19 relative at 0.05.
_F_COEF = [(-1.0) ** n / (n * (n - 1)) for n in range(2, 17)]
# h(v)/v² = Σ_{n>=2} (n-1) v^(n-2) / n!, h(v) = v·e^v - expm1(v) = f(expm1(v)).
_H_COEF = [(n - 1) / float(np.prod(np.arange(1, n + 1, dtype=np.float64))) for n in range(2, 17)]


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
        small = np.abs(u) < _SERIES_U
        # log1p is exact near u = 0; far from it (or when p/q overflows) logs subtract safely.
        lr = np.where((u < -0.5) | (u > 1.0), np.log(p) - np.log(q), np.log1p(u))
        t = p * lr - d
        if small.any():
            us = u[small]
            t[small] = q[small] * us * us * _poly(us, _F_COEF)
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
        small = np.abs(v) < _SERIES_U
        if small.any():
            vs, qs = v[small], q[small]
            t[small] = qs * vs * vs * _poly(vs, _H_COEF)
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


def kl_nats(p: Prepared, q: Prepared, axes: tuple[int, ...]) -> np.ndarray:
    """KL(p‖q) in nats along ``axes`` (in the broadcast layout), the careful way.

    Σ(p - q) is zero by definition when both come from a softmax; when only one does,
    it is the other's own sum minus one. Summing the rounded elementwise differences
    instead would leave an error of ~1e-16, as large as a KL near 1e-15.
    """
    if p.kind in (Kind.PROBS, Kind.COUNTS) and q.kind in (Kind.PROBS, Kind.COUNTS):
        t, d = kl_terms(p.probs(), q.probs())
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


def broadcast_axes(preps: Sequence[Prepared], bshape: tuple[int, ...]) -> tuple[int, ...]:
    """The outcome axes of the broadcast shape (the preps store their own, possibly
    negative, axes; negative ones count from the right in both)."""
    nd = len(bshape)
    first = preps[0]
    nd0 = first.values.ndim
    return tuple((a - nd0) % nd for a in first.axes)
