"""Which engine computes a measure: the one place that asks.

NumPy arrays, lists and scalars (wrapped or not) go to the NumPy engine; arrays of any
other array-API library go to the array-API engine, which computes in their own library,
dtype and device (and, on PyTorch tensors, in its fused kernels). Both engines expose the
same functions with the same meaning; the library question itself is answered by
:func:`infobits._backend.is_numpy`.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from .. import _backend
from .._inputs import check_axis, check_flag
from .._units import Base, log_of_base

__all__ = ["engine", "options"]

_ndarray = np.ndarray
_numpy_engine: ModuleType | None = None  # imported on first use (it imports this module)


def engine(*xs: Any) -> ModuleType:
    """The engine module for the arguments of one measure call.

    >>> import numpy as np
    >>> engine(np.ones(2), [0.5, 0.5], None).__name__
    'infobits.measures._numpy'
    """
    global _numpy_engine
    if _numpy_engine is None:
        from . import _numpy

        _numpy_engine = _numpy
    for x in xs:  # the common case, answered without a call per argument
        if type(x) is not _ndarray and x is not None:
            break
    else:
        return _numpy_engine
    if _backend.is_numpy(*xs):
        return _numpy_engine
    from . import _array_api

    return _array_api


def options(
    base: Base, axis: Any, check: Any, keepdims: Any = False, *, axis_name: str = "axis"
) -> None:
    """The options every measure takes, checked before any array is touched: a bad
    ``base``, ``axis``, ``check`` or ``keepdims`` fails at once, with a message naming it."""
    log_of_base(base)
    if type(axis) is not int:
        check_axis(axis, axis_name)
    if type(check) is not bool:
        check_flag(check, "check")
    if type(keepdims) is not bool:
        check_flag(keepdims, "keepdims")
