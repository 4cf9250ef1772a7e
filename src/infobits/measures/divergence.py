"""Cross-entropy and divergences: the cost of coding p's data with q's code, and the waste.

Code lengths log(1/qᵢ) imply the distribution q. Data from p coded that way costs the
cross-entropy H(p, q) = Σ pᵢ log(1/qᵢ) a symbol; the excess over the best code is the
Kullback–Leibler divergence D(p‖q) = H(p, q) − H(p) >= 0. The Jensen–Shannon divergence
symmetrises it against the mixture m = (p + q)/2.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _backend
from .._inputs import Kind, Prepared, validate
from .._units import Base
from . import _xp
from ._engine import (
    KL_RECOMPUTE_BELOW,
    as_rows,
    blocked,
    broadcast_axes,
    check_blocked_probs,
    finish,
    kept_shape,
    kl_nats,
    kl_terms,
    kl_total,
    out_dtype,
    prepare_many,
    row_subset,
    rowdot,
    rowsum,
    softmax_rows,
)

__all__ = ["cross_entropy", "js_distance", "js_divergence", "kl_divergence"]


def _with_stats(
    total: np.ndarray, p: np.ndarray, q: np.ndarray, check: bool
) -> tuple[list[np.ndarray], float]:
    if not check:
        return [total], 0.0
    sums = [rowsum(p), rowsum(q)]
    return [total, *sums], float(np.minimum(p.min(), q.min()))


def _ce_kernel(
    blocks: list[np.ndarray], buf: np.ndarray, check: bool
) -> tuple[list[np.ndarray], float]:
    p, q = blocks
    np.log(q, out=buf)
    return _with_stats(rowdot(p, buf), p, q, check)


def _kl_kernel(
    blocks: list[np.ndarray], buf: np.ndarray, check: bool
) -> tuple[list[np.ndarray], float]:
    p, q = blocks
    np.divide(p, q, out=buf)
    np.log(buf, out=buf)
    return _with_stats(rowdot(p, buf), p, q, check)


def _fast_rows(pp: Prepared, qp: Prepared) -> tuple[np.ndarray, np.ndarray] | None:
    """Same-shape plain probability arrays reduced along one axis: the blocked hot path."""
    if pp.kind is not Kind.PROBS or qp.kind is not Kind.PROBS:
        return None
    if pp.values.shape != qp.values.shape or len(pp.axes) != 1:
        return None
    rp, rq = as_rows(pp.values, pp.axes[0]), as_rows(qp.values, qp.axes[0])
    if rp is None or rq is None:
        return None
    return rp, rq


def _batch_shape(shape: tuple[int, ...], axis: int) -> tuple[int, ...]:
    return shape[:axis] + shape[axis + 1 :]


def _pair(p: Any, q: Any, axis: int, check: bool) -> tuple[Prepared, Prepared, tuple[int, ...]]:
    (pp, qp), shape = prepare_many([(p, "p"), (q, "q")], axis, check=False)
    return pp, qp, shape


def cross_entropy(
    p: Any,
    q: Any,
    *,
    base: Base = 2,
    axis: int = -1,
    keepdims: bool = False,
    check: bool = True,
) -> Any:
    r"""Cross-entropy H(p, q) = Σᵢ pᵢ log(1/qᵢ), in bits by default.

    The expected length, on data from p, of the code built for q. Outcomes with pᵢ = 0
    cost nothing whatever qᵢ is; pᵢ > 0 with qᵢ = 0 makes it +inf (no warning).

    Args:
        p, q: probabilities, or ``ib.logits`` / ``ib.log_probs`` / ``ib.counts``, each
            of shape ``(..., K, ...)``. Batch axes broadcast; the outcome ``axis`` must
            have the same K in both.
        base, axis, keepdims, check: as in :func:`infobits.entropy`.

    Returns:
        H(p, q) in units of ``base``, of the broadcast shape without ``axis``.

    >>> import infobits as ib
    >>> p = [1/8] * 8
    >>> q = [1/2, 1/4, 1/8, 1/16, 1/64, 1/64, 1/64, 1/64]
    >>> float(ib.cross_entropy(p, q))  # bits a symbol, coding p's data with q's code
    4.25
    >>> float(ib.cross_entropy([1.0, 0.0], ib.logits([0.0, 0.0])))
    1.0

    Reference: T. M. Cover, J. A. Thomas, *Elements of Information Theory*, 2nd ed.,
    2006, §5.4 (wrong code).
    """
    if not _backend.is_numpy(p, q):
        return _xp.cross_entropy(p, q, base=base, axis=axis, keepdims=keepdims, check=check)
    pp, qp, shape = _pair(p, q, axis, check)
    odt = out_dtype(pp, qp)
    axes = broadcast_axes([pp, qp], shape)
    ks = kept_shape(shape, axes, keepdims)
    fast = _fast_rows(pp, qp)
    if fast is not None:
        rp, rq = fast
        with np.errstate(all="ignore"):
            acc, low = blocked(_ce_kernel, [rp, rq], 3, check)
        if check:
            check_blocked_probs(pp, acc[1], low)
            check_blocked_probs(qp, acc[2], low)
        h = -acc[0]
        redo = np.isnan(h)  # 0·log 0 where p = q = 0
        if redo.any():
            a, b = rp[redo], rq[redo]
            with np.errstate(all="ignore"):
                h[redo] = np.where(a > 0, -a * np.log(b), 0.0).sum(axis=1)
        return finish(h.reshape(_batch_shape(shape, axes[0])), base, odt, ks)
    soft = softmax_rows(
        [pp, qp], check, lambda parts: -rowdot(parts[0][0], parts[1][1]), need=("p", "log")
    )
    if soft is not None:
        h, (vp, vq) = soft
        redo = np.isnan(h)  # 0·log 0 where p = q = 0
        if redo.any():
            a, b = row_subset(pp, vp, redo), row_subset(qp, vq, redo)
            with np.errstate(invalid="ignore"):
                h[redo] = np.where(a.probs() > 0, -a.probs() * b.logp(), 0.0).sum(axis=1)
        return finish(h.reshape(_batch_shape(shape, axes[0])), base, odt, ks)
    if check:
        validate(pp)
        validate(qp)
    prob, lq = pp.probs(), qp.logp()
    with np.errstate(invalid="ignore"):
        terms = np.where(prob > 0, -prob * lq, 0.0)
    return finish(terms.sum(axis=axes), base, odt, ks)


def kl_divergence(
    p: Any,
    q: Any,
    *,
    base: Base = 2,
    axis: int = -1,
    keepdims: bool = False,
    check: bool = True,
) -> Any:
    r"""Kullback–Leibler divergence D(p‖q) = Σᵢ pᵢ log(pᵢ/qᵢ), in bits by default.

    The bits a symbol wasted by coding data from p with the code built for q:
    D(p‖q) = H(p, q) − H(p) >= 0, zero exactly when p = q. It is computed directly,
    never as that difference, and rows where it is small are summed in a
    cancellation-free form, so D ~ 1e-15 keeps its relative accuracy.

    Args:
        p, q: probabilities, or ``ib.logits`` / ``ib.log_probs`` / ``ib.counts``.
            Batch axes broadcast; the outcome ``axis`` must have the same K in both.
        base, axis, keepdims, check: as in :func:`infobits.entropy`.

    Returns:
        D(p‖q) in units of ``base``, of the broadcast shape without ``axis``. It is +inf
        where some pᵢ > 0 has qᵢ = 0.

    >>> import infobits as ib
    >>> p = [1/8] * 8
    >>> q = [1/2, 1/4, 1/8, 1/16, 1/64, 1/64, 1/64, 1/64]
    >>> float(ib.kl_divergence(p, q))
    1.25
    >>> float(ib.kl_divergence([0.5, 0.5], [1.0, 0.0]))
    inf
    >>> float(ib.kl_divergence(ib.counts([3, 1]), ib.logits([0.0, 0.0])))
    0.188721875540867

    Reference: S. Kullback, R. A. Leibler, "On Information and Sufficiency", 1951;
    Cover & Thomas 2006, §2.3.
    """
    if not _backend.is_numpy(p, q):
        return _xp.kl_divergence(p, q, base=base, axis=axis, keepdims=keepdims, check=check)
    pp, qp, shape = _pair(p, q, axis, check)
    odt = out_dtype(pp, qp)
    axes = broadcast_axes([pp, qp], shape)
    ks = kept_shape(shape, axes, keepdims)
    fast = _fast_rows(pp, qp)
    if fast is not None:
        rp, rq = fast
        with np.errstate(all="ignore"):
            acc, low = blocked(_kl_kernel, [rp, rq], 3, check)
        if check:
            check_blocked_probs(pp, acc[1], low)
            check_blocked_probs(qp, acc[2], low)
        d = acc[0]
        redo = ~(d >= KL_RECOMPUTE_BELOW) | (d == np.inf)
        if redo.any():
            t, s = kl_terms(rp[redo], rq[redo])
            d[redo] = kl_total(t, s, (1,))
        return finish(d.reshape(_batch_shape(shape, axes[0])), base, odt, ks)
    soft = softmax_rows(
        [pp, qp], check, lambda parts: rowdot(parts[0][0], parts[0][1] - parts[1][1])
    )
    if soft is not None:
        d, (vp, vq) = soft
        redo = ~(d >= KL_RECOMPUTE_BELOW)  # NaN from 0·log 0, or small enough to cancel
        if redo.any():
            d[redo] = kl_nats(row_subset(pp, vp, redo), row_subset(qp, vq, redo), (1,))
        return finish(d.reshape(_batch_shape(shape, axes[0])), base, odt, ks)
    if check:
        validate(pp)
        validate(qp)
    return finish(kl_nats(pp, qp, axes), base, odt, ks)


def js_divergence(
    p: Any,
    q: Any,
    *,
    base: Base = 2,
    axis: int = -1,
    keepdims: bool = False,
    check: bool = True,
) -> Any:
    r"""Jensen–Shannon divergence JS(p, q) = ½ D(p‖m) + ½ D(q‖m), m = (p + q)/2.

    Symmetric, always finite, between 0 and 1 bit (ln 2 nats). Its square root is a
    metric: :func:`js_distance`. Bits by default.

    Args: as :func:`kl_divergence`.

    Returns:
        JS(p, q) in units of ``base``, of the broadcast shape without ``axis``.

    >>> import infobits as ib
    >>> float(ib.js_divergence([1.0, 0.0], [0.0, 1.0]))  # disjoint supports: 1 bit
    1.0
    >>> float(ib.js_divergence([0.5, 0.5], [0.5, 0.5]))
    0.0

    Reference: J. Lin, "Divergence measures based on the Shannon entropy", IEEE Trans.
    Inf. Theory 37(1), 1991.
    """
    if not _backend.is_numpy(p, q):
        return _xp.js_divergence(p, q, base=base, axis=axis, keepdims=keepdims, check=check)
    pp, qp, shape = _pair(p, q, axis, check)
    if check:
        validate(pp)
        validate(qp)
    odt = out_dtype(pp, qp)
    axes = broadcast_axes([pp, qp], shape)
    a, b = np.broadcast_arrays(pp.probs(), qp.probs())
    m = 0.5 * a + 0.5 * b
    t1, d1 = kl_terms(a, m)
    t2, d2 = kl_terms(b, m)
    nats = 0.5 * kl_total(t1 + t2, d1 + d2, axes)
    return finish(np.maximum(nats, 0.0), base, odt, kept_shape(shape, axes, keepdims))


def js_distance(
    p: Any,
    q: Any,
    *,
    base: Base = 2,
    axis: int = -1,
    keepdims: bool = False,
    check: bool = True,
) -> Any:
    r"""Jensen–Shannon distance √JS(p, q), a metric on distributions; JS in ``base``.

    Matches ``scipy.spatial.distance.jensenshannon`` (which, unlike this, rescales
    inputs silently). Between 0 and 1 for base 2.

    >>> import infobits as ib
    >>> round(float(ib.js_distance([1.0, 0.0], [0.5, 0.5])), 6)
    0.557923

    Reference: D. M. Endres, J. E. Schindelin, "A new metric for probability
    distributions", IEEE Trans. Inf. Theory 49(7), 2003.
    """
    if not _backend.is_numpy(p, q):
        return _xp.js_distance(p, q, base=base, axis=axis, keepdims=keepdims, check=check)
    js = js_divergence(p, q, base=base, axis=axis, keepdims=keepdims, check=check)
    return np.sqrt(js)
