"""Entropy and self-information: the length of the best code, and of one codeword.

An outcome of probability q takes log(1/q) units to report (its self-information); the
entropy H(p) is that length averaged over p, the expected length of the best code.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.special as sc

from .. import _backend
from .._inputs import Kind, Tagged, _as_array, check_elements, prepare, sum_tolerance, validate
from .._units import Base, log_of_base
from . import _xp
from ._engine import (
    as_rows,
    blocked,
    check_blocked_probs,
    finish,
    kept_shape,
    out_dtype,
    prepare_many,
    row_subset,
    rowdot,
    rowsum,
    softmax_rows,
)

__all__ = ["entropy", "self_information"]


def _entropy_kernel(
    blocks: list[np.ndarray], buf: np.ndarray, check: bool
) -> tuple[list[np.ndarray], float]:
    (p,) = blocks
    np.log(p, out=buf)
    total = rowdot(p, buf)
    if not check:
        return [total], 0.0
    return [total, rowsum(p)], float(p.min())


def entropy(
    p: Any,
    *,
    base: Base = 2,
    axis: int = -1,
    keepdims: bool = False,
    check: bool = True,
) -> Any:
    r"""Shannon entropy H(p) = Σᵢ pᵢ log(1/pᵢ), in bits by default.

    The expected length of the best code for outcomes drawn from p. Zero-probability
    outcomes contribute nothing (0·log(1/0) = 0).

    Args:
        p: probabilities, or ``ib.logits``, ``ib.log_probs`` or ``ib.counts``;
            shape ``(..., K, ...)`` with the K outcomes along ``axis``.
        base: 2 (bits, the default), ``math.e`` or ``"nats"``, 10 or ``"bans"``, or any
            number > 0 other than 1.
        axis: the outcome axis. keepdims: keep it with length 1.
        check: validate ``p`` (finite, >= 0, sums to 1 within
            :func:`infobits.sum_tolerance`). ``check=False`` skips this for speed; invalid
            input then gives an undefined result.

    Returns:
        The entropy in units of ``base``: shape of ``p`` without ``axis``; a scalar for
        1-D input. float32 input gives float32, float16 accumulates in float32.

    Raises:
        DistributionError: p is not a distribution. TypeError: p is not floating point.

    >>> import infobits as ib
    >>> float(ib.entropy([0.5, 0.25, 0.25]))
    1.5
    >>> ib.entropy([[0.5, 0.5], [1.0, 0.0]])
    array([1., 0.])
    >>> float(ib.entropy(ib.counts([1, 1, 1, 1]), base="nats"))  # ln 4
    1.3862943611198906

    Reference: C. E. Shannon, "A Mathematical Theory of Communication", 1948, §6.
    """
    if not _backend.is_numpy(p):
        return _xp.entropy(p, base=base, axis=axis, keepdims=keepdims, check=check)
    (pp,), shape = prepare_many([(p, "p")], axis, check=False)
    odt = out_dtype(pp)
    ks = kept_shape(shape, pp.axes, keepdims)
    rows = as_rows(pp.values, pp.axes[0]) if pp.kind is Kind.PROBS else None
    if rows is not None:
        with np.errstate(all="ignore"):
            acc, low = blocked(_entropy_kernel, [rows], 2, check)
        if check:
            check_blocked_probs(pp, acc[1], low)
        h = -acc[0]
        redo = ~np.isfinite(h)  # a zero probability made 0·log 0 = NaN there
        if redo.any():
            h[redo] = sc.entr(rows[redo]).sum(axis=1)
        nats = h.reshape(np.delete(np.asarray(shape, dtype=np.intp), pp.axes[0]))
        return finish(nats, base, odt, ks)
    fast = softmax_rows([pp], check, lambda parts: -rowdot(*parts[0]))
    if fast is not None:
        h, (view,) = fast
        redo = np.isnan(h)  # a zero probability made 0·log 0 = NaN there
        if redo.any():
            sub = row_subset(pp, view, redo)
            prob, lp = sub.probs(), sub.logp()
            with np.errstate(invalid="ignore"):
                h[redo] = np.where(prob > 0, -prob * lp, 0.0).sum(axis=1)
        nats = h.reshape(np.delete(np.asarray(shape, dtype=np.intp), pp.axes[0]))
        return finish(nats, base, odt, ks)
    if check:
        validate(pp)
    if pp.kind is Kind.PROBS:
        terms = sc.entr(pp.values)
    else:
        prob, lp = pp.probs(), pp.logp()
        with np.errstate(invalid="ignore"):
            terms = np.where(prob > 0, -prob * lp, 0.0)
    return finish(terms.sum(axis=pp.axes), base, odt, ks)


def self_information(q: Any, *, base: Base = 2, axis: int = -1, check: bool = True) -> Any:
    r"""Self-information (surprisal) I(x) = log(1/q(x)), elementwise, in bits by default.

    The length of the ideal codeword for an outcome of probability q: 1 bit for 1/2,
    2 bits for 1/4, n bits for 2⁻ⁿ. An impossible outcome (q = 0) costs +inf.

    Args:
        q: probabilities in [0, 1], any shape (each a single event's probability; they
            need not sum to 1). Or ``ib.logits`` / ``ib.log_probs`` / ``ib.counts``, which
            are normalised along ``axis`` first.
        base: unit as in :func:`entropy`. axis: outcome axis for wrapped inputs only.
        check: validate q (finite, in [0, 1]).

    Returns:
        An array of the same shape as ``q`` (a scalar for scalar input), in units of base.

    >>> import infobits as ib
    >>> ib.self_information([0.5, 0.25, 0.125, 0.0])
    array([ 1.,  2.,  3., inf])
    >>> float(ib.self_information(0.1, base=10))
    1.0

    Reference: I. Goodfellow, Y. Bengio, A. Courville, *Deep Learning*, 2016, §3.13.
    """
    if not _backend.is_numpy(q):
        return _xp.self_information(q, base=base, axis=axis, check=check)
    if not isinstance(q, Tagged):
        arr, odt = _as_array(q, "q", Kind.PROBS)
        if check:
            check_elements(arr, "q", upper=1.0 + sum_tolerance(arr.dtype))
        with np.errstate(divide="ignore"):
            res = 0.0 - np.log(arr)  # +0.0, not -0.0, for a certain event
    else:
        pq = prepare(q, "q", axis, check=check)
        res, odt = -pq.logp(), pq.out_dtype
    out = np.asarray(res / log_of_base(base)).astype(odt, copy=False)
    return out[()] if out.ndim == 0 else out
