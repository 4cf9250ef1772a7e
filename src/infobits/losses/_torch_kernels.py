"""PyTorch kernels for the losses: the binary cross-entropy of logits, in one fused pass.

The loss is summed so that a confident answer keeps its tiny loss, and its derivative
σ(z) − y is formed as the engine's autograd formed it. The soft-target cross-entropy
kernel is shared with the measures and comes through :mod:`infobits.measures.interface`.
"""

from __future__ import annotations

from typing import Any

import torch

from ..measures.interface import second_order

__all__ = ["bce_with_logits"]


def _bce_reference(
    z: torch.Tensor,
    y: torch.Tensor,
    lw: torch.Tensor | None,
    weight: torch.Tensor | None,
    reduction: str,
) -> torch.Tensor:
    c = 1.0 if lw is None else lw
    loss = ((1.0 - y) * z + c * torch.relu(-z)) + c * torch.log1p(torch.exp(-torch.abs(z)))
    if weight is not None:
        loss = loss * weight
    return loss.sum() if reduction == "sum" else loss.mean() if reduction == "mean" else loss


class _BCE(torch.autograd.Function):
    @staticmethod
    def forward(
        ctx: Any,
        z: torch.Tensor,
        y: torch.Tensor,
        lw: torch.Tensor | None,
        weight: torch.Tensor | None,
        reduction: str,
    ) -> torch.Tensor:
        # In place where possible: on the CPU a fresh full-size tensor costs about as much
        # as a pass over it.
        t = torch.abs(z).neg_()
        s = torch.sigmoid(t)  # σ(−|z|), for the slope
        tail = t.exp_().log1p_()  # log1p(e^−|z|), to full precision
        # (1 − y)·z + max(−z, 0) = max(z, 0) − y·z: the large parts cancel before the small
        # tail is added, so a confident right answer keeps its loss e^(−|z|).
        if lw is None:
            loss = torch.relu(z).addcmul_(y, z, value=-1.0).add_(tail)
        else:
            loss = torch.relu(-z).mul_(lw).addcmul_(torch.rsub(y, 1.0), z).addcmul_(lw, tail)
        if weight is not None:
            loss.mul_(weight)
        ctx.reduction = reduction
        ctx.save_for_backward(z, y, s, lw, weight)
        if reduction == "sum":
            return loss.sum()
        if reduction == "mean":
            return loss.mean()
        return loss

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> tuple[Any, ...]:
        z, y, s, lw, weight = ctx.saved_tensors
        twice = second_order(
            ctx, g, (z,), lambda x: _bce_reference(x, y, lw, weight, ctx.reduction)
        )
        if twice is not None:
            return twice
        if ctx.reduction == "mean":
            g = g / z.numel()
        # σ(−z) = ½·(1 − sign z) + sign(z)·σ(−|z|), written so that the ±1 parts cancel
        # before the small σ(−|z|) enters: the tiny slope of a confident answer survives
        # (torch's own rounds it to 0), and z = ±0 gives ½ − y from either side.
        sgn = torch.sign(z)
        if lw is None:
            grad = torch.mul(sgn, 0.5).add_(0.5).sub_(y)  # (1 − y) − ½·(1 − sign z)
        else:
            grad = torch.rsub(sgn, 1.0).mul_(lw).mul_(-0.5).sub_(y).add_(1.0)
            sgn = sgn.mul_(lw)
        grad.addcmul_(sgn, s, value=-1.0)
        if weight is not None:
            grad.mul_(weight)
        return grad.mul_(g), None, None, None, None


@torch.compiler.disable  # run eagerly, between graphs, like the kernels above
def bce_with_logits(
    z: torch.Tensor,
    y: torch.Tensor,
    lw: torch.Tensor | None,
    weight: torch.Tensor | None = None,
    reduction: str = "none",
) -> torch.Tensor:
    """(1 − y)·z + lw·softplus(−z) in nats, times ``weight``, reduced ("none", "sum",
    "mean"); lw = 1 + (pos_weight − 1)·y. ``lw`` and ``weight`` broadcast to z's shape.

    >>> import torch
    >>> bce_with_logits(torch.tensor([0.0, 100.0]), torch.tensor([1.0, 0.0]), None)
    tensor([  0.6931, 100.0000])

    Reference: C. M. Bishop, *Pattern Recognition and Machine Learning*, 2006, §4.3.2.
    """
    out: torch.Tensor = _BCE.apply(z, y, lw, weight, reduction)
    return out
