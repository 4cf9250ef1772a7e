"""The NumPy engine: the measures on NumPy arrays, lists and scalars, tuned for the host.

Same functions, same meaning, as the array-API engine (:mod:`._array_api`); the public
functions in :mod:`infobits.measures` check their options and make one call into one of
the two. Inputs become :class:`~infobits._inputs.Distribution`\\ s; plain probabilities
and logits along one axis take the blocked driver (:mod:`._blocked`), everything else the
general formulas below, which also redo the rows the driver does not trust. Everything
is in nats until :func:`_finish`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.special as sc

from .._inputs import (
    Axis,
    Distribution,
    Kind,
    Tagged,
    check_elements,
    compute_array,
    host_array,
    logsumexp,
    outcome_layout,
    prepare,
    sum_tolerance,
    validate,
)
from .._units import Base, to_base
from ._blocked import Part, RowMeasure, by_rows, rowdot, rowsum
from ._kl import KL_RECOMPUTE_BELOW, js_nats, kl_nats, kl_terms_log, kl_total

__all__ = [
    "conditional_entropy",
    "cross_entropy",
    "entropy",
    "joint_entropy",
    "js_distance",
    "js_divergence",
    "kl_divergence",
    "mutual_information",
    "perplexity",
    "self_information",
]


# ---------------------------------------------------------------------------
# Preparing arguments and finishing results


def _shape_of(x: Any, name: str) -> tuple[int, ...]:
    v = x.values if isinstance(x, Tagged) else x
    if isinstance(v, Tagged):
        raise TypeError(f"{name} is wrapped twice ({x!r}); wrap the array once")
    return tuple(v.shape) if isinstance(v, np.ndarray) else host_array(v, name).shape


def prepare_many(
    args: Sequence[tuple[Any, str]], axis: Axis
) -> tuple[list[Distribution], tuple[int, ...], tuple[int, ...]]:
    """Distributions (unchecked) that share outcome ``axis``, counted in their broadcast
    shape; returns them, that shape, and the outcome axes in it (non-negative).

    Broadcasting is allowed across batch axes only: every argument must have the outcome
    axes, with the same lengths.
    """
    shapes = [_shape_of(x, name) for x, name in args]
    bshape, neg = outcome_layout(shapes, [name for _, name in args], axis)
    out = [prepare(x, name, neg if len(neg) > 1 else neg[0], check=False) for x, name in args]
    return out, bshape, tuple(a % len(bshape) for a in neg)


def _finish(
    nats: Any, base: Base, dists: Sequence[Distribution], shape: tuple[int, ...], axes: Any
) -> Any:
    """Convert nats to ``base``; with ``axes`` (keepdims) restore them with length 1;
    give the inputs' dtype; a 0-d result becomes a scalar, and a zero is +0.0."""
    res = np.asarray(to_base(nats, base))
    if axes is not None:
        res = res.reshape(tuple(1 if d in axes else s for d, s in enumerate(shape)))
    odt = np.result_type(*(d.out_dtype for d in dists))
    res = res.astype(odt, copy=False)
    if res.flags.writeable:  # the engine's own result: no second batch-sized array
        res += 0.0
    else:
        res = res + 0.0
    return res[()] if res.ndim == 0 else res


def _checked(dists: Sequence[Distribution], check: bool) -> None:
    if check:
        for d in dists:
            validate(d)


def _terms(prob: np.ndarray, lq: np.ndarray) -> np.ndarray:
    """−p·log q elementwise, 0 where p = 0 (whatever q is)."""
    with np.errstate(invalid="ignore"):
        return np.where(prob > 0, -prob * lq, 0.0)


# ---------------------------------------------------------------------------
# General formulas (nats along ``axes``); the blocked driver's careful redo


def _entropy_nats(dists: list[Distribution], axes: tuple[int, ...]) -> np.ndarray:
    (d,) = dists
    if d.kind is Kind.PROBS and d.values.dtype in (np.float32, np.float64):
        terms = sc.entr(d.values)
    else:  # SciPy's entr has no long double loop
        terms = _terms(d.probs(), d.logp())
    return np.asarray(terms.sum(axis=axes))


def _ce_nats(dists: list[Distribution], axes: tuple[int, ...]) -> np.ndarray:
    p, q = dists
    return np.asarray(_terms(p.probs(), q.logp()).sum(axis=axes))


def _kl_nats(dists: list[Distribution], axes: tuple[int, ...]) -> np.ndarray:
    return kl_nats(dists[0], dists[1], axes)


# ---------------------------------------------------------------------------
# Blocked kernels: per-row nats and, when checking, the row sums and the minimum


# A negative or NaN entry makes its row's nats NaN (the log of a negative number is
# NaN; 0·log 0 is NaN too), and an inf makes them infinite: where every row's nats are
# finite, the entries the log was taken of are >= 0 (given the other factor is), and
# only the row sums and the minimum of the factor outside the log are left to check.


def _low(nats: np.ndarray, logged: list[np.ndarray], plain: float = 0.0) -> float:
    if np.isfinite(nats).all():
        return plain
    return float(min(plain, *(a.min() for a in logged)))


def _entropy_kernel(
    blocks: list[np.ndarray], buf: np.ndarray, check: bool
) -> tuple[list[np.ndarray], float]:
    (p,) = blocks
    np.log(p, out=buf)
    h = -rowdot(p, buf)
    return ([h, rowsum(p)], _low(h, [p])) if check else ([h], 0.0)


def _ce_kernel(
    blocks: list[np.ndarray], buf: np.ndarray, check: bool
) -> tuple[list[np.ndarray], float]:
    p, q = blocks
    np.log(q, out=buf)
    ce = -rowdot(p, buf)
    if not check:
        return [ce], 0.0
    return [ce, rowsum(p), rowsum(q)], _low(ce, [q], float(p.min()))


def _kl_kernel(
    blocks: list[np.ndarray], buf: np.ndarray, check: bool
) -> tuple[list[np.ndarray], float]:
    p, q = blocks
    np.divide(p, q, out=buf)
    np.log(buf, out=buf)
    kl = rowdot(p, buf)
    if not check:
        return [kl], 0.0
    # p and q both negative at one outcome give a positive ratio: p's minimum is needed.
    return [kl, rowsum(p), rowsum(q)], _low(kl, [q], float(p.min()))


def _wdot(w: np.ndarray, lg: np.ndarray, own: bool) -> np.ndarray:
    """Σⱼ w·lg per row, with 0·log 0 = 0: a row made NaN by a zero weight facing an
    infinite log is summed again without those entries (in place where ``lg`` is block
    scratch, ``own``; else in copies of those rows), rather than sent to the general
    formulas, which would build full-size temporaries."""
    out = rowdot(w, lg)
    bad = np.isnan(out)
    if bad.any():
        if own:
            lg[w == 0] = 0.0
            out[bad] = rowdot(w, lg)[bad]
        else:
            wb, lb = w[bad], lg[bad]
            lb[wb == 0] = 0.0
            out[bad] = rowdot(wb, lb)
    return out


def _kl_soft(parts: list[Part]) -> np.ndarray:
    p, q = parts
    # Into block scratch, never into a caller's log-probabilities.
    out = q.log if q.scratch_log else p.log if p.scratch_log else None
    diff = np.subtract(p.log, q.log, out=out)
    return _wdot(p.w, diff, out is not None) / p.s + (q.c - p.c) * p.mass


def _kl_redo(nats: np.ndarray) -> np.ndarray:
    # NaN from 0·log 0; small enough for the direct sum to have cancelled; inf from a
    # p/q that overflowed (a true inf, q = 0 < p, comes back unchanged).
    return ~(nats >= KL_RECOMPUTE_BELOW) | (nats == np.inf)


ENTROPY = RowMeasure(
    probs=_entropy_kernel,
    soft=lambda P: P[0].c * P[0].mass - _wdot(P[0].w, P[0].log, P[0].scratch_log) / P[0].s,
    need=("both",),
    redo=lambda h: ~np.isfinite(h),  # a zero probability made 0·log 0 = NaN there
    careful=_entropy_nats,
)
CROSS_ENTROPY = RowMeasure(
    probs=_ce_kernel,
    soft=lambda P: P[1].c * P[0].mass - _wdot(P[0].w, P[1].log, P[1].scratch_log) / P[0].s,
    need=("p", "log"),
    redo=np.isnan,  # 0·log 0 where p = q = 0
    careful=_ce_nats,
)
KL = RowMeasure(
    probs=_kl_kernel,
    soft=_kl_soft,
    need=("both", "both"),
    redo=_kl_redo,
    careful=_kl_nats,
)


def _rows_or_general(
    measure: RowMeasure, dists: list[Distribution], axes: tuple[int, ...], check: bool
) -> np.ndarray:
    nats = by_rows(measure, dists, check)
    if nats is None:
        _checked(dists, check)
        nats = measure.careful(dists, axes)
    return nats


# ---------------------------------------------------------------------------
# The measures (the contract shared with the array-API engine)


def entropy(p: Any, *, base: Base, axis: Axis, keepdims: bool, check: bool) -> Any:
    dists, shape, axes = prepare_many([(p, "p")], axis)
    nats = _rows_or_general(ENTROPY, dists, axes, check)
    return _finish(nats, base, dists, shape, axes if keepdims else None)


def cross_entropy(p: Any, q: Any, *, base: Base, axis: Axis, keepdims: bool, check: bool) -> Any:
    dists, shape, axes = prepare_many([(p, "p"), (q, "q")], axis)
    nats = _rows_or_general(CROSS_ENTROPY, dists, axes, check)
    return _finish(nats, base, dists, shape, axes if keepdims else None)


def kl_divergence(p: Any, q: Any, *, base: Base, axis: Axis, keepdims: bool, check: bool) -> Any:
    dists, shape, axes = prepare_many([(p, "p"), (q, "q")], axis)
    nats = np.asarray(_rows_or_general(KL, dists, axes, check))
    nats = np.maximum(nats, 0.0, out=nats if nats.flags.writeable else None)  # Gibbs: >= 0
    return _finish(nats, base, dists, shape, axes if keepdims else None)


def js_divergence(p: Any, q: Any, *, base: Base, axis: Axis, keepdims: bool, check: bool) -> Any:
    dists, shape, axes = prepare_many([(p, "p"), (q, "q")], axis)
    _checked(dists, check)
    nats = js_nats(dists[0].probs(), dists[1].probs(), axes)
    return _finish(nats, base, dists, shape, axes if keepdims else None)


def js_distance(p: Any, q: Any, *, base: Base, axis: Axis, keepdims: bool, check: bool) -> Any:
    return np.sqrt(js_divergence(p, q, base=base, axis=axis, keepdims=keepdims, check=check))


def perplexity(p: Any, q: Any, *, axis: Axis, keepdims: bool, check: bool) -> Any:
    if q is None:
        h = entropy(p, base="nats", axis=axis, keepdims=keepdims, check=check)
    else:
        h = cross_entropy(p, q, base="nats", axis=axis, keepdims=keepdims, check=check)
    with np.errstate(over="ignore"):  # beyond the dtype's range, inf is the answer
        return np.exp(h)


def self_information(q: Any, *, base: Base, axis: Axis, check: bool) -> Any:
    if isinstance(q, Tagged):
        d = prepare(q, "q", axis, check=check)
        res, odt = -d.logp(), d.out_dtype
    else:
        arr, odt = compute_array(q, "q", Kind.PROBS)
        if check:
            check_elements(arr, "q", upper=1.0 + sum_tolerance(arr.dtype))
        with np.errstate(divide="ignore"):
            res = 0.0 - np.log(arr)  # +0.0, not -0.0, for a certain event
    out = np.asarray(to_base(res, base)).astype(odt, copy=False)
    return out[()] if out.ndim == 0 else out


def _table(pxy: Any, axes: Sequence[int], check: bool) -> tuple[Distribution, tuple[int, int]]:
    d = prepare(pxy, "pxy", tuple(axes), check=check, min_ndim=2)
    ax = tuple(int(a) % d.values.ndim for a in axes)
    return d, (ax[0], ax[1])


def joint_entropy(pxy: Any, *, base: Base, axes: Sequence[int], keepdims: bool, check: bool) -> Any:
    d, ax = _table(pxy, axes, check)
    nats = _terms(d.probs(), d.logp()).sum(axis=ax)
    return _finish(nats, base, [d], d.values.shape, ax if keepdims else None)


def conditional_entropy(
    pxy: Any, *, base: Base, axes: Sequence[int], keepdims: bool, check: bool
) -> Any:
    d, ax = _table(pxy, axes, check)
    prob, lp = d.probs(), d.logp()
    # log p(x) from the same log-probabilities as log p(x, y): where Y is fixed by X
    # they are equal, and the term is exactly 0 (log Σ p rounds differently).
    lpx = logsumexp(lp, (ax[1],))
    with np.errstate(invalid="ignore"):
        terms = np.where(prob > 0, prob * (lpx - lp), 0.0)
    nats = np.maximum(terms.sum(axis=ax), 0.0)
    return _finish(nats, base, [d], d.values.shape, ax if keepdims else None)


def mutual_information(
    pxy: Any, *, base: Base, axes: Sequence[int], keepdims: bool, check: bool
) -> Any:
    d, ax = _table(pxy, axes, check)
    prob, lp = d.probs(), d.logp()
    # In log space: the product p(x)p(y) of two tiny marginals underflows to 0, and so
    # can a marginal itself (logits [-inf, -800]): there, log p(x) is a logsumexp.
    with np.errstate(divide="ignore"):
        lpx = np.log(prob.sum(axis=ax[1], keepdims=True))
        lpy = np.log(prob.sum(axis=ax[0], keepdims=True))
    if (lpx == -np.inf).any() or (lpy == -np.inf).any():
        lpx = np.where(lpx == -np.inf, logsumexp(lp, (ax[1],)), lpx)
        lpy = np.where(lpy == -np.inf, logsumexp(lp, (ax[0],)), lpy)
    lq = lpx + lpy
    with np.errstate(under="ignore"):
        q = np.exp(lq)
    t, s = kl_terms_log(q, lq, lp)
    nats = np.maximum(kl_total(t, s, ax), 0.0)
    return _finish(nats, base, [d], d.values.shape, ax if keepdims else None)
