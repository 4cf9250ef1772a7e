"""What other infobits packages may use of the measures' engines, declared in one place.

The losses run the measures' formulas inside training loops, in the caller's array
library; they need to validate a probability array as the measures do, and the fused
PyTorch kernels for soft-target cross-entropy and for second-order gradients. They import
these names from here, never a private module of :mod:`infobits.measures`.
"""

from __future__ import annotations

from typing import Any

from .._inputs import Kind
from . import _array_api

__all__ = ["check_probabilities", "second_order", "soft_cross_entropy_rows"]


def check_probabilities(xp: Any, p: Any, name: str, axis: int) -> None:
    """Validate ``p`` (an array of namespace ``xp``) as probabilities along ``axis``, with
    the measures' messages and one host synchronisation; return if it is valid."""
    axes = (axis - p.ndim if axis >= 0 else axis,)
    arg = _array_api.Arg(xp=xp, name=name, kind=Kind.PROBS, v=p, axes=axes, out_dtype=p.dtype)
    _array_api.validate(arg)


def soft_cross_entropy_rows(z: Any, w: Any) -> Any:
    """−Σ w·log softmax(z) in nats of each row of two (R, C) PyTorch tensors, with a
    closed-form gradient (w = 0 terms are 0)."""
    from ._torch_kernels import soft_cross_entropy_rows as kernel

    return kernel(z, w)


def second_order(ctx: Any, g: Any, inputs: tuple[Any, ...], reference: Any) -> Any:
    """In a ``torch.autograd.Function``'s backward: the gradient as a differentiable graph
    (through ``reference``) when backward is itself differentiated; None otherwise."""
    from ._torch_kernels import second_order as impl

    return impl(ctx, g, inputs, reference)
