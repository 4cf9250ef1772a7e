"""The NumPy engine: the measures on NumPy arrays, lists and scalars, tuned for the host.

Same functions, same meaning, as the array-API engine (:mod:`._array_api`); the public
functions in :mod:`infobits.measures` check their options and make one call into one of
the two. Inputs become :class:`~infobits._inputs.Distribution`\\ s; plain probabilities
and logits along one axis take the blocked driver (:mod:`._blocked`), everything else the
general formulas below, which also redo the rows the driver does not trust. Everything
is in nats until :func:`_finish`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.special as sc

from .._errors import DistributionError
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
from .._units import Base, log_of_base, to_base
from . import _blocked
from ._blocked import (
    DOT_MAX,
    Part,
    RowMeasure,
    block,
    by_rows,
    c_rows,
    dot_rows,
    probs_rows,
    rowdot,
    rowsum,
    scratch,
    sum_rows,
)
from ._kl import KL_RECOMPUTE_BELOW, js_nats, kl_nats, kl_terms, kl_terms_log, kl_total

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
    out = [
        prepare(x, name, neg if len(neg) > 1 else neg[0], check=False, keep_int=True)
        for x, name in args
    ]
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
    with np.errstate(over="ignore"):  # beyond the dtype's range (unchecked input): inf
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
    with np.errstate(invalid="ignore"):  # unchecked q = +inf beside q = 0: NaN, quietly
        return np.asarray(_terms(p.probs(), q.logp()).sum(axis=axes))


def _kl_nats(dists: list[Distribution], axes: tuple[int, ...]) -> np.ndarray:
    with np.errstate(invalid="ignore"):  # unchecked -inf or NaN entries: NaN, quietly
        return kl_nats(dists[0], dists[1], axes)


# ---------------------------------------------------------------------------
# Blocked kernels: per-row nats and, when checking, the row sums and the minimum


# A negative or NaN entry makes its row's sum NaN (the log of a negative number is NaN;
# 0·log 0 is NaN too), and an inf makes it infinite: where a row's sum is finite, the
# entries the log was taken of are >= 0, and only the row sums, and the minimum of a
# factor outside the log, are left to check. Rows that are not finite are retaken by
# the fix kernels, which find the minimum themselves.


def _entropy_kernel(blocks: list[np.ndarray], buf: np.ndarray, out: np.ndarray) -> None:
    (p,) = blocks
    np.log(p, out=buf)
    dot_rows(p, buf, out[0])
    if len(out) > 1:
        sum_rows(p, out[1])


def _ce_kernel(blocks: list[np.ndarray], buf: np.ndarray, out: np.ndarray) -> None:
    p, q = blocks
    np.log(q, out=buf)
    dot_rows(p, buf, out[0])
    if len(out) > 1:
        _sums_and_low(p, q, out)


def _kl_kernel(blocks: list[np.ndarray], buf: np.ndarray, out: np.ndarray) -> None:
    p, q = blocks
    np.divide(p, q, out=buf)
    np.log(buf, out=buf)
    dot_rows(p, buf, out[0])
    if len(out) > 1:
        # p and q both negative at one outcome give a positive ratio: p's minimum is needed.
        _sums_and_low(p, q, out)


def _sums_and_low(p: np.ndarray, q: np.ndarray, out: np.ndarray) -> None:
    sum_rows(p, out[1])
    sum_rows(q, out[2])
    np.minimum.reduce(p, axis=1, out=out[3])


def _zero_where_p_is_zero(p: np.ndarray, lg: np.ndarray) -> np.ndarray:
    """``lg`` with 0 where p = 0 (0·log 0 = 0, and 0·log 0 of q too), in a copy."""
    return np.where(p == 0, 0.0, lg)


def _entropy_fix(blocks: list[np.ndarray]) -> tuple[np.ndarray, float]:
    (p,) = blocks
    return -rowdot(p, _zero_where_p_is_zero(p, np.log(p))), float(p.min())


def _ce_fix(blocks: list[np.ndarray]) -> tuple[np.ndarray, float]:
    p, q = blocks
    low = min(float(p.min()), float(q.min()))
    return -rowdot(p, _zero_where_p_is_zero(p, np.log(q))), low


def _kl_fix(blocks: list[np.ndarray]) -> tuple[np.ndarray, float]:
    # q = 0 < p gives inf, p = 0 gives 0, and a p/q that overflowed is taken as
    # log p - log q (kl_terms).
    p, q = blocks
    t, d = kl_terms(p, q)
    return rowsum(t) + rowsum(d), min(float(p.min()), float(q.min()))


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
    # Small enough for the direct sum to have cancelled, or NaN (unchecked input, or
    # 0·log 0 from logits); inf from a p/q that overflowed in a soft kernel (a true
    # inf, q = 0 < p, comes back unchanged). Probability rows come here fixed.
    return ~(nats >= KL_RECOMPUTE_BELOW) | (nats == np.inf)


ENTROPY = RowMeasure(
    probs=_entropy_kernel,
    stats=2,
    negate=True,
    fix=_entropy_fix,
    trust_from=-np.inf,
    soft=lambda P: P[0].c * P[0].mass - _wdot(P[0].w, P[0].log, P[0].scratch_log) / P[0].s,
    need=("both",),
    redo=lambda h: ~np.isfinite(h),  # a zero probability made 0·log 0 = NaN there
    careful=_entropy_nats,
    ckind=0,
)
CROSS_ENTROPY = RowMeasure(
    probs=_ce_kernel,
    stats=4,
    negate=True,
    fix=_ce_fix,
    trust_from=-np.inf,
    soft=lambda P: P[1].c * P[0].mass - _wdot(P[0].w, P[1].log, P[1].scratch_log) / P[0].s,
    need=("p", "log"),
    redo=np.isnan,  # 0·log 0 where p = q = 0
    careful=_ce_nats,
    ckind=1,
)
KL = RowMeasure(
    probs=_kl_kernel,
    stats=4,
    negate=False,
    fix=_kl_fix,
    trust_from=KL_RECOMPUTE_BELOW,
    soft=_kl_soft,
    need=("both", "both"),
    redo=_kl_redo,
    careful=_kl_nats,
    ckind=2,
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
# The hot path: plain float32/float64 arrays of probabilities along their last axis


_FLOATS = (np.dtype(np.float64), np.dtype(np.float32))
#: The largest finite value of each of those dtypes.
_LARGEST = {d: float(np.finfo(d).max) for d in _FLOATS}


def _plain_rows(xs: Sequence[Any], axis: Axis) -> list[np.ndarray] | None:
    """2-D (rows, outcomes) views of same-shape, same-dtype float64 or float32 NumPy
    arrays whose outcome ``axis`` is the last one; None for anything else, which the
    general preparation handles (and words the errors of)."""
    x0 = xs[0]
    if type(x0) is not np.ndarray or x0.dtype not in _FLOATS or not x0.size:
        return None
    nd = x0.ndim
    if not (axis == -1 or axis == nd - 1) or nd not in (1, 2):
        return None
    for x in xs[1:]:
        if type(x) is not np.ndarray or x.dtype != x0.dtype or x.shape != x0.shape:
            return None
    return [x.reshape(1, -1) for x in xs] if nd == 1 else list(xs)


def _fast(
    measure: RowMeasure, xs: Sequence[Any], base: Base, axis: Axis, keepdims: bool, check: bool
) -> Any:
    """The measure of plain probability arrays with no Distribution built, or None when
    the general path must answer (other inputs, doubtful statistics, rows to redo)."""
    ck = _blocked._ckernels
    if ck is not None and measure.ckind is not None and not keepdims and type(axis) is int:
        # the whole call in C where it can answer: the same numbers as the rest of this
        # function, with no Python per row
        r = ck.measure(
            measure.ckind, xs[0], xs[-1], axis, check, log_of_base(base), measure.trust_from
        )
        if r is not None:
            return r
    rows = _plain_rows(xs, axis)
    if rows is None:
        return None
    tols = [sum_tolerance(rows[0].dtype)] * len(rows) if check else None
    nats = probs_rows(measure, rows, tols)
    if nats is None:
        return None
    if measure is KL:
        np.maximum(nats, 0.0, out=nats)
    return _rows_result(nats, base, rows[0].dtype, rows[0].shape, keepdims, xs[0].ndim)


def _rows_result(
    nats: np.ndarray,
    base: Base,
    dtype: np.dtype,
    shape: tuple[int, ...],
    keepdims: bool,
    ndim: int,
) -> Any:
    """Per-row nats of 1-D (``ndim`` 1) or 2-D input as the measure's result in
    ``base`` and ``dtype``: a scalar for 1-D input, a zero as +0.0."""
    ln = log_of_base(base)
    if ndim == 1 and not keepdims:
        v = float(nats[0])
        if ln != 1.0:
            v /= ln
        if abs(v) > _LARGEST.get(dtype, math.inf):  # (unchecked input) as the cast rounds
            with np.errstate(over="ignore"):  # it, without its overflow warning
                return dtype.type(v) + dtype.type(0.0)
        return dtype.type(v) + dtype.type(0.0)
    if ln != 1.0:
        nats /= ln
    if dtype == nats.dtype:
        res = nats
    else:
        with np.errstate(over="ignore"):  # beyond the dtype's range (unchecked input): inf
            res = nats.astype(dtype)
    res += 0.0
    if keepdims:
        return res.reshape((1,) if ndim == 1 else (shape[0], 1))
    return res


# ---------------------------------------------------------------------------
# The hot path for logits: float64 rows of logits (and probabilities beside them)
#
# Through the log-sum-exp of each row, lse = log Σⱼ e^zⱼ, with p = e^zp / sp:
#   KL(zp‖zq) = Σ p·(zp − zq) − lse_p + lse_q      H(zp, zq) = lse_q − Σ p·zq
#   KL(p‖zq)  = Σ p·(log p − zq) + lse_q·Σp        H(p, zq)  = lse_q·Σp − Σ p·zq
# Each logit row costs one exp pass and one sum; no max pass, no shifted copy, no
# log-probability array. The logits are not shifted by their maximum, so a row whose
# e^z overflows or underflows (Σ e^z outside [1e-200, inf)), holds -inf, NaN or +inf
# (0·inf, or a NaN sum), or whose result is small beside its log-sum-exps (where the
# difference cancels) is answered by the blocked driver, which shifts and checks.


def _logit_rows(xs: Sequence[Any], axis: Axis) -> list[np.ndarray] | None:
    raws = [x.values if isinstance(x, Tagged) else x for x in xs]
    rows = _plain_rows(raws, axis)
    if rows is None or rows[0].dtype != np.float64 or rows[0].shape[1] > DOT_MAX:
        return None
    return rows


def _lse_kernel(z: np.ndarray, w: np.ndarray, out: np.ndarray) -> None:
    """w = e^z, out = Σ w per row."""
    np.exp(z, out=w)
    sum_rows(w, out)


def _logit_sums(name: str, p_logits: bool, check: bool, zp: np.ndarray, zq: np.ndarray) -> Any:
    """The table of per-row sums :func:`_logits_nats` reads: Σ p·x (x = zp − zq or zq
    for logit p, log p − zq or zq for probabilities), Σ e^zp (or Σp), Σ e^zq, and min p
    (for H(p, q) with the check; else scratch), over blocks of rows, or whole rows at
    once in C."""
    m, k = zq.shape
    table = np.empty((4, m))
    if c_rows([zp, zq]):
        assert _blocked._ckernels is not None
        _blocked._ckernels.logits(name == "kl", p_logits, check and name == "ce", zp, zq, table)
        return table
    t = list(table)
    step = max(1, block(np.dtype(np.float64)) // k)
    b1, b2 = scratch(np.dtype(np.float64), 2), scratch(np.dtype(np.float64), 3)
    with np.errstate(all="ignore"):
        for r0 in range(0, m, step):
            r1 = min(m, r0 + step)
            n = (r1 - r0) * k
            a, c = zp[r0:r1], zq[r0:r1]
            w, v = b1[:n].reshape(r1 - r0, k), b2[:n].reshape(r1 - r0, k)
            _lse_kernel(c, v, t[2][r0:r1])
            if p_logits:
                _lse_kernel(a, w, t[1][r0:r1])
                if name == "kl":
                    np.subtract(a, c, out=v)
                    dot_rows(w, v, t[0][r0:r1])
                else:
                    dot_rows(w, c, t[0][r0:r1])
            else:
                sum_rows(a, t[1][r0:r1])
                if name == "kl":
                    np.log(a, out=w)
                    np.subtract(w, c, out=w)
                    dot_rows(a, w, t[0][r0:r1])
                else:
                    dot_rows(a, c, t[0][r0:r1])
                    if check:
                        np.minimum.reduce(a, axis=1, out=t[3][r0:r1])
    return table


def _logits_nats(name: str, xs: Sequence[Any], rows: list[np.ndarray], check: bool) -> Any:
    """Per-row nats of KL or H(p, q) for (logits or probabilities, logits) rows, and
    a mask of the rows to answer with the blocked driver; None when p's row sums are
    off (the driver's check words the error)."""
    p_logits = isinstance(xs[0], Tagged)
    zp, zq = rows
    table = _logit_sums(name, p_logits, check, zp, zq)
    with np.errstate(all="ignore"):
        # In place, over the table's rows: no more than a few batch-sized arrays.
        dot, s1, sq, low = table
        sane = (sq >= 1e-200) & (sq < np.inf)
        lse_q = np.log(sq, out=sq)
        if p_logits:
            sane &= (s1 >= 1e-200) & (s1 < np.inf)
            nats = np.divide(dot, s1, out=dot)
            lse_p = np.log(s1, out=s1)
            if name == "kl":
                nats -= lse_p
                nats += lse_q
            else:
                np.subtract(lse_q, nats, out=nats)
            scale = np.maximum(np.abs(lse_p, out=low), np.abs(lse_q), out=low)
        else:
            if check and not np.all(np.abs(s1 - 1) <= sum_tolerance(zp.dtype)):
                return None
            if check and name == "ce":
                sane &= low >= 0
            lse_q *= s1
            nats = np.add(dot, lse_q, out=dot) if name == "kl" else np.subtract(lse_q, dot, out=dot)
            scale = np.abs(lse_q, out=low)
        sane &= np.isfinite(nats)
        np.maximum(scale, 1.0, out=scale)
        scale *= KL_RECOMPUTE_BELOW
        sane &= nats >= scale
    return nats, ~sane


def _fast_logits(
    name: str, p: Any, q: Any, base: Base, axis: Axis, keepdims: bool, check: bool
) -> Any:
    """KL or H(p, q) of float64 logits q (p logits or probabilities) through the
    log-sum-exps above, or None for anything else."""
    if not (isinstance(q, Tagged) and q.kind is Kind.LOGITS):
        return None
    if isinstance(p, Tagged) and p.kind is not Kind.LOGITS:
        return None
    rows = _logit_rows((p, q), axis)
    if rows is None:
        return None
    got = _logits_nats(name, (p, q), rows, check)
    if got is None:
        return None
    nats, redo = got
    if redo.any():
        # Those rows through the blocked driver, which shifts, checks and redoes; on
        # an error, the check of the whole input names its position there.
        measure = KL if name == "kl" else CROSS_ENTROPY
        dists = [
            Distribution(
                name=nm,
                kind=x.kind if isinstance(x, Tagged) else Kind.PROBS,
                values=r[redo],
                axes=(1,),
                out_dtype=r.dtype,
            )
            for x, r, nm in zip((p, q), rows, ("p", "q"), strict=True)
        ]
        try:
            sub = by_rows(measure, dists, check)
        except DistributionError:
            full, _, _ = prepare_many([(p, "p"), (q, "q")], axis)
            _checked(full, True)
            raise
        assert sub is not None
        nats[redo] = sub
    if name == "kl":
        np.maximum(nats, 0.0, out=nats)
    return _rows_result(
        nats,
        base,
        rows[0].dtype,
        np.shape(rows[0]),
        keepdims,
        np.ndim(p.values if isinstance(p, Tagged) else p),
    )


# ---------------------------------------------------------------------------
# The measures (the contract shared with the array-API engine)


def _fast_logit_entropy(z: Any, base: Base, axis: Axis, keepdims: bool, check: bool) -> Any:
    """H of float64 logit rows as H(z, z) = lse − Σ e^z·z / Σ e^z, one exp pass a row
    (see above); None for anything else, or when any row needs the general path."""
    if not (isinstance(z, Tagged) and z.kind is Kind.LOGITS):
        return None
    rows = _logit_rows((z,), axis)
    if rows is None:
        return None
    got = _logits_nats("ce", (z, z), [rows[0], rows[0]], check)
    if got is None or got[1].any():
        return None
    return _rows_result(got[0], base, rows[0].dtype, rows[0].shape, keepdims, z.values.ndim)


def entropy(p: Any, *, base: Base, axis: Axis, keepdims: bool, check: bool) -> Any:
    fast = _fast(ENTROPY, (p,), base, axis, keepdims, check)
    if fast is None:
        fast = _fast_logit_entropy(p, base, axis, keepdims, check)
    if fast is not None:
        return fast
    dists, shape, axes = prepare_many([(p, "p")], axis)
    nats = _rows_or_general(ENTROPY, dists, axes, check)
    return _finish(nats, base, dists, shape, axes if keepdims else None)


def cross_entropy(p: Any, q: Any, *, base: Base, axis: Axis, keepdims: bool, check: bool) -> Any:
    fast = _fast(CROSS_ENTROPY, (p, q), base, axis, keepdims, check)
    if fast is None:
        fast = _fast_logits("ce", p, q, base, axis, keepdims, check)
    if fast is not None:
        return fast
    dists, shape, axes = prepare_many([(p, "p"), (q, "q")], axis)
    nats = _rows_or_general(CROSS_ENTROPY, dists, axes, check)
    return _finish(nats, base, dists, shape, axes if keepdims else None)


def kl_divergence(p: Any, q: Any, *, base: Base, axis: Axis, keepdims: bool, check: bool) -> Any:
    fast = _fast(KL, (p, q), base, axis, keepdims, check)
    if fast is None:
        fast = _fast_logits("kl", p, q, base, axis, keepdims, check)
    if fast is not None:
        return fast
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
