"""Classification losses: the cross-entropy, the KL divergence and the binary
cross-entropy, as the training loop wants them.

Training a classifier is coding: the model's softmax q is a code, and the loss is the
cost H(p, q) of coding the labels with it. These functions run in whatever array library
the logits come from (PyTorch first; JAX and NumPy too), so gradients flow through
them, and they report in nats by default so that they drop into code written for
``torch.nn.functional``; ``base=2`` gives bits per token.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from .. import _backend
from .._backend import const as _const
from .._errors import DistributionError
from .._inputs import position
from .._units import Base, to_base
from ..measures import kl_divergence
from ..measures.interface import check_probabilities, soft_cross_entropy_rows

__all__ = ["binary_cross_entropy", "cross_entropy_loss", "kl_divergence_loss"]

_REDUCTIONS = ("mean", "sum", "none")


def _xp_of(*xs: Any) -> Any:
    """Namespace of the arrays, NumPy's (array-API wrapped) when all are NumPy."""
    import array_api_compat

    if _backend.is_numpy(*xs):
        return array_api_compat.array_namespace(np.empty(0))
    return _backend.namespace(*xs)


def _asarray(xp: Any, x: Any, like: Any) -> Any:
    if x is None or not _backend.is_numpy(x):
        return x
    if like is None:
        return xp.asarray(np.asarray(x))
    return xp.asarray(np.asarray(x), device=_backend.device_of(like))


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        hint = ""
        if reduction == "batchmean":
            hint = (
                "; infobits' 'mean' already averages the per-distribution values (what "
                "torch calls 'batchmean')"
            )
        raise ValueError(f"reduction={reduction!r} is not one of 'mean', 'sum', 'none'{hint}")


def _compute_dtype(xp: Any, x: Any) -> Any:
    if not xp.isdtype(x.dtype, "real floating"):
        raise TypeError(f"logits have dtype {x.dtype}; they must be floating point")
    return xp.float32 if _backend.eps_of(xp, x.dtype) > 1e-4 else x.dtype


def _scale(xp: Any, out: Any, base: Base, dtype: Any) -> Any:
    out = to_base(out, base)
    return xp.astype(out, dtype) if out.dtype != dtype else out


def _first_bad(xp: Any, bad: Any, values: Any, name: str) -> str:
    host_bad = _backend.to_numpy(bad)
    pos = tuple(int(i) for i in np.argwhere(host_bad)[0])
    value = _backend.to_numpy(values)[pos]
    return f"{position(name, pos)} = {value}"


def cross_entropy_loss(
    logits: Any,
    target: Any,
    *,
    label_smoothing: float = 0.0,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    base: Base = "nats",
    check: bool = True,
) -> Any:
    r"""Cross-entropy loss H(p, softmax(z)) of logits against targets, in nats by default.

    With class-index targets yₙ, the loss of item n is
    ℓₙ = w_{yₙ}·(−log q_{n,yₙ}), q = softmax(z) over the class axis; with label smoothing
    ε it is (1 − ε)·ℓₙ + (ε/C)·Σ_c w_c·(−log q_{n,c}). With probability targets p it is
    ℓₙ = −Σ_c w_c·p̃_{n,c}·log q_{n,c}, p̃ = (1 − ε)·p + ε/C. It equals
    ``torch.nn.functional.cross_entropy`` to float rounding in every combination,
    including where torch averages differently:

    * class indices, ``reduction="mean"``: Σₙ ℓₙ / Σₙ w_{yₙ} over items that are not
      ``ignore_index`` (the weighted mean; NaN when every item is ignored, as in torch);
    * probability targets, ``reduction="mean"``: Σₙ ℓₙ / N, *not* divided by the weights.
      We follow torch here too, so that a weighted model trains identically after
      switching; divide by your own normaliser with ``reduction="sum"`` if you prefer.

    Args:
        logits: shape ``(C,)``, ``(N, C)`` or ``(N, C, d₁, …)``; classes on axis 1 (axis
            0 for 1-D). Any array library; the result is in the same one.
        target: integer class indices of shape ``(N, d₁, …)`` (``()`` for 1-D logits),
            or floating probabilities of the same shape as ``logits``.
        label_smoothing: ε in [0, 1].
        weight: per-class weights, shape ``(C,)``.
        ignore_index: class-index targets equal to it contribute nothing.
        reduction: "mean", "sum" or "none" (shape of the target, per item).
        base: "nats" (default, as torch), 2 or "bits" for bits per token, any base.
        check: validate targets (class indices in range; probabilities in [0, 1] summing
            to 1). It costs one host synchronisation; pass False inside ``jax.jit``.

    Returns:
        The loss in units of ``base``: a 0-d array, or per item for ``reduction="none"``.

    >>> import torch, infobits as ib
    >>> z = torch.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    >>> y = torch.tensor([0, 2])
    >>> ib.losses.cross_entropy_loss(z, y)
    tensor(0.6691)
    >>> torch.nn.functional.cross_entropy(z, y)
    tensor(0.6691)
    >>> ib.losses.cross_entropy_loss(torch.zeros(2, 4), y, base=2)  # uniform over 4: 2 bits
    tensor(2.)

    Reference: C. Szegedy et al., "Rethinking the Inception Architecture for Computer
    Vision", CVPR 2016 (label smoothing); Cover & Thomas 2006, §5.4.
    """
    _check_reduction(reduction)
    if not 0.0 <= float(label_smoothing) <= 1.0:
        raise ValueError(f"label_smoothing={label_smoothing!r} must lie in [0, 1]")
    xp = _xp_of(logits, target, weight)
    z = _asarray(xp, logits, None) if _backend.is_numpy(logits) else logits
    target = _asarray(xp, target, z)
    weight = _asarray(xp, weight, z)
    out_dtype = z.dtype
    cdt = _compute_dtype(xp, z)
    z = xp.astype(z, cdt) if z.dtype != cdt else z
    if z.ndim == 0:
        raise ValueError("logits are a scalar; they need a class axis (shape (C,) or (N, C))")
    cdim = 1 if z.ndim >= 2 else 0
    n_classes = int(z.shape[cdim])
    wshape = [1] * z.ndim
    wshape[cdim] = n_classes
    if weight is not None:
        if tuple(weight.shape) != (n_classes,):
            raise ValueError(
                f"weight has shape {tuple(weight.shape)}; it needs one weight per class, "
                f"shape ({n_classes},)"
            )
        weight = xp.astype(weight, cdt)
    eps = float(label_smoothing)

    if xp.isdtype(target.dtype, "real floating"):
        if tuple(target.shape) != tuple(z.shape):
            raise ValueError(
                f"probability targets have shape {tuple(target.shape)} but logits have "
                f"{tuple(z.shape)}; they must match (or pass integer class indices)"
            )
        p = xp.astype(target, cdt)
        if check:
            _check_prob_target(xp, p, cdim)
        if eps > 0:
            p = p * (1.0 - eps) + eps / n_classes
        w = p if weight is None else p * xp.reshape(weight, tuple(wshape))
        if _backend.is_torch_namespace(xp):
            # The same sum in a closed-form kernel: fewer passes.
            zr, wr = z.movedim(cdim, -1), w.movedim(cdim, -1)
            rows = soft_cross_entropy_rows(zr.reshape(-1, n_classes), wr.reshape(-1, n_classes))
            per = rows.reshape(zr.shape[:-1])
        else:
            logq = _backend.log_softmax(xp, z, (cdim,))
            terms = xp.where(w != 0, -w * logq, _const(xp, logq, 0.0))
            per = xp.sum(terms, axis=cdim)
        if reduction == "none":
            return _scale(xp, per, base, out_dtype)
        total = xp.sum(per)
        if reduction == "mean":
            total = total / max(1, math.prod(per.shape))
        return _scale(xp, total, base, out_dtype)

    if not xp.isdtype(target.dtype, "integral"):
        raise TypeError(
            f"target has dtype {target.dtype}; pass integer class indices or floating probabilities"
        )
    want = tuple(z.shape[:cdim]) + tuple(z.shape[cdim + 1 :])
    if tuple(target.shape) != want:
        raise ValueError(
            f"class-index target has shape {tuple(target.shape)}; logits of shape "
            f"{tuple(z.shape)} need targets of shape {want}"
        )
    valid = target != ignore_index
    if check:
        bad = valid & ((target < 0) | (target >= n_classes))
        if _backend.host_bool(xp.any(bad), "target"):
            raise DistributionError(
                f"{_first_bad(xp, bad, target, 'target')} is not a class index in "
                f"[0, {n_classes}) nor ignore_index={ignore_index}; targets count classes "
                "from 0 along the class axis of the logits"
            )
    if _backend.is_torch_namespace(xp):
        # The definition below, in PyTorch's fused kernel (the tests check both agree).
        import torch.nn.functional as F

        out = F.cross_entropy(
            z,
            target,
            weight=weight,
            ignore_index=ignore_index,
            reduction=reduction,
            label_smoothing=eps,
        )
        return _scale(xp, out, base, out_dtype)
    logq = _backend.log_softmax(xp, z, (cdim,))
    safe_t = xp.where(valid, target, xp.zeros_like(target))
    picked = xp.take_along_axis(logq, xp.expand_dims(safe_t, axis=cdim), axis=cdim)
    nll = -xp.squeeze(picked, axis=cdim)
    zero = _const(xp, nll, 0.0)
    if weight is None:
        wt = xp.astype(valid, cdt)
    else:
        wt = xp.where(valid, xp.reshape(xp.take(weight, xp.reshape(safe_t, (-1,))), want), zero)
    per = xp.where(valid, wt * nll, zero)
    if eps > 0:
        wl = logq if weight is None else logq * xp.reshape(weight, tuple(wshape))
        smooth = xp.where(valid, -xp.sum(wl, axis=cdim), zero)
        per = (1.0 - eps) * per + (eps / n_classes) * smooth
    if reduction == "none":
        return _scale(xp, per, base, out_dtype)
    total = xp.sum(per)
    if reduction == "mean":
        total = total / xp.sum(wt)
    return _scale(xp, total, base, out_dtype)


def _targets_in_unit_interval(xp: Any, y: Any) -> bool:
    """All of ``y`` in [0, 1] (NaN fails), decided with one reduction where possible."""
    if _backend.is_torch_namespace(xp) and y.numel() > 0:
        import torch

        lo, hi = torch.aminmax(y)  # both propagate NaN
        return _backend.host_bool((lo >= 0) & (hi <= 1), "target")
    return _backend.host_bool(xp.all((y >= 0) & (y <= 1)), "target")


def _check_prob_target(xp: Any, p: Any, cdim: int) -> None:
    check_probabilities(xp, p, "target", cdim)


def kl_divergence_loss(
    p_target: Any,
    q_pred: Any,
    *,
    reduction: str = "mean",
    base: Base = "nats",
    axis: int = -1,
    check: bool = True,
) -> Any:
    r"""KL divergence loss D(p‖q) = Σᵢ pᵢ log(pᵢ/qᵢ), in the natural order, nats by default.

    The target distribution comes first, the prediction second, as in the formula (torch's
    ``kl_div(input, target)`` takes them the other way round, and log-probabilities for
    the prediction only). Each argument may be probabilities, ``ib.logits(z)``,
    ``ib.log_probs(lp)`` or ``ib.counts(c)``. Gradients are exact at the edges (see
    :func:`infobits.kl_divergence`).

    ``reduction`` is named for what it computes: "mean" averages the divergence of each
    distribution (each row along ``axis``), which is the KL divergence of the batch;
    "sum" adds them; "none" returns one per row. There is no elementwise mean, the
    quantity torch's ``reduction="mean"`` returns, which is not a divergence at all
    (pytorch issues 57459 and 2259).

    Args:
        p_target, q_pred: shape ``(..., K, ...)`` with the K outcomes on ``axis``; any
            array library. base: units ("nats" by default). check: validate both.

    Returns:
        A 0-d array (or per-row values for "none") in units of ``base``.

    >>> import torch, infobits as ib
    >>> p = torch.tensor([[0.5, 0.5], [1.0, 0.0]])
    >>> z = torch.zeros(2, 2, requires_grad=True)
    >>> loss = ib.losses.kl_divergence_loss(p, ib.logits(z), base=2)  # (0 + 1) / 2 bits
    >>> loss
    tensor(0.5000, grad_fn=<MeanBackward0>)
    >>> loss.backward(); z.grad  # (softmax(z) - p) / (2 ln 2)
    tensor([[ 0.0000,  0.0000],
            [-0.3607,  0.3607]])

    Reference: Kullback & Leibler 1951; G. Hinton, O. Vinyals, J. Dean, "Distilling the
    Knowledge in a Neural Network", 2015 (KL to soft targets as a loss).
    """
    _check_reduction(reduction)
    try:
        per = kl_divergence(p_target, q_pred, base=base, axis=axis, check=check)
    except (TypeError, ValueError) as err:
        # The measure words its errors for its own arguments, p and q.
        if err.args and isinstance(err.args[0], str):
            names = {"p": "p_target", "q": "q_pred"}
            msg = re.sub(r"\b([pq])\b", lambda m: names[m[1]], err.args[0])
            err.args = (msg, *err.args[1:])
        raise
    if reduction == "none":
        return per
    if _backend.is_numpy(per):
        return np.sum(per) if reduction == "sum" else np.mean(per)
    xp = _backend.namespace(per)
    return xp.sum(per) if reduction == "sum" else xp.mean(per)


def _check_broadcasts(name: str, shape: tuple[int, ...], target: tuple[int, ...]) -> None:
    """``name`` must broadcast to the logits' shape without enlarging it."""
    try:
        fits = np.broadcast_shapes(shape, target) == target
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"{name} has shape {shape}, which does not broadcast to the logits' shape {target}; "
            f"give one {name} per item (shape {target}) or a shape that broadcasts to it"
        )


def binary_cross_entropy(
    *,
    logits: Any,
    target: Any,
    weight: Any = None,
    pos_weight: Any = None,
    reduction: str = "mean",
    base: Base = "nats",
    check: bool = True,
) -> Any:
    r"""Binary cross-entropy of Bernoulli logits against targets in [0, 1], nats by default.

    ℓ = −w·[c·y·log σ(z) + (1 − y)·log(1 − σ(z))], with c = ``pos_weight``, computed as
    (1 − y)·z + (1 + (c − 1)·y)·softplus(−z), softplus(x) = max(x, 0) + log1p(e^(−|x|)),
    which neither overflows nor loses digits for any |z|. The derivative in z is
    σ(z) − y (times the weights). Matches
    ``torch.nn.functional.binary_cross_entropy_with_logits``. Both arguments are keywords,
    because passing probabilities where logits are expected is the classic silent bug.

    Args:
        logits: any shape. target: same shape, each entry in [0, 1] (soft labels allowed;
            anything else is an error). weight, pos_weight: broadcast against them.
        reduction: "mean", "sum" or "none". base: units. check: validate the targets.

    Returns:
        The loss in units of ``base``.

    >>> import torch, infobits as ib
    >>> ib.losses.binary_cross_entropy(logits=torch.tensor([0.0, 100.0, -100.0]),
    ...                                target=torch.tensor([1.0, 0.0, 1.0]), reduction="none")
    tensor([  0.6931, 100.0000, 100.0000])

    Reference: C. M. Bishop, *Pattern Recognition and Machine Learning*, 2006, §4.3.2.
    """
    _check_reduction(reduction)
    xp = _xp_of(logits, target, weight, pos_weight)
    z = _asarray(xp, logits, None) if _backend.is_numpy(logits) else logits
    y = _asarray(xp, target, z)
    out_dtype = z.dtype
    cdt = _compute_dtype(xp, z)
    z = xp.astype(z, cdt) if z.dtype != cdt else z
    if xp.isdtype(y.dtype, "bool") or xp.isdtype(y.dtype, "integral"):
        y = xp.astype(y, cdt)
    if tuple(y.shape) != tuple(z.shape):
        raise ValueError(
            f"target has shape {tuple(y.shape)} but logits have {tuple(z.shape)}; they must match"
        )
    y = xp.astype(y, cdt) if y.dtype != cdt else y
    for name, w in (("weight", weight), ("pos_weight", pos_weight)):
        if w is not None:
            _check_broadcasts(name, tuple(getattr(w, "shape", np.shape(w))), tuple(z.shape))
    if check and not _targets_in_unit_interval(xp, y):
        bad = ~((y >= 0) & (y <= 1))
        if _backend.host_bool(xp.any(bad), "target"):
            raise DistributionError(
                f"{_first_bad(xp, bad, y, 'target')} is outside [0, 1]; binary targets are "
                "probabilities (for labels in {-1, 1}, pass (target + 1) / 2)"
            )
    if _backend.is_torch_namespace(xp) and z.device.type != "meta":
        from torch import broadcast_shapes as torch_broadcast

        from ._torch_kernels import bce_with_logits

        lw_t = None
        if pos_weight is not None:
            lw_t = 1.0 + (xp.astype(_asarray(xp, pos_weight, z), cdt) - 1.0) * y
        w_t = None if weight is None else xp.astype(_asarray(xp, weight, z), cdt)
        shape = tuple(z.shape)
        # The kernel differentiates in the logits only, and keeps z's shape.
        if not y.requires_grad and all(
            t is None or (not t.requires_grad and tuple(torch_broadcast(t.shape, shape)) == shape)
            for t in (lw_t, w_t)
        ):
            loss = bce_with_logits(z, y, lw_t, w_t, reduction)
            return _scale(xp, loss, base, out_dtype)
    zero = _const(xp, z, 0.0)
    # The large parts cancel first and the small log1p term is added last, so a confident
    # right answer keeps its tiny loss e^(−|z|) instead of rounding it to 0.
    tail = xp.log1p(xp.exp(-xp.abs(z)))
    if pos_weight is None:
        loss = ((1.0 - y) * z + xp.maximum(-z, zero)) + tail
    else:
        lw = 1.0 + (xp.astype(_asarray(xp, pos_weight, z), cdt) - 1.0) * y
        loss = ((1.0 - y) * z + lw * xp.maximum(-z, zero)) + lw * tail
    if weight is not None:
        loss = loss * xp.astype(_asarray(xp, weight, z), cdt)
    if reduction == "sum":
        loss = xp.sum(loss)
    elif reduction == "mean":
        loss = xp.mean(loss)
    return _scale(xp, loss, base, out_dtype)
