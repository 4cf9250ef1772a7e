"""Strict JSON for every front end: the command line's ``--json`` and the explorer's API.

JSON has no infinity or NaN (Python would write the non-standard ``Infinity``), so a
non-finite float is sent as the string ``"inf"``, ``"-inf"`` or ``"nan"``; NumPy scalars
and arrays become plain numbers and lists. Floats are written as Python's shortest
round-trip ``repr``, so a value a user typed as ``1/8`` comes back as ``0.125``.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

__all__ = ["dumps", "jsonable"]


def jsonable(obj: Any) -> Any:
    """``obj`` with every non-finite float replaced by its string, and NumPy values by
    plain Python ones, ready for ``json.dumps(..., allow_nan=False)``.

    >>> jsonable({"h": np.float64(1.5), "d": float("inf"), "rows": np.array([-np.inf, 2])})
    {'h': 1.5, 'd': 'inf', 'rows': ['-inf', 2.0]}
    """
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        x = float(obj)
        if math.isfinite(x):
            return x
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(obj, np.ndarray):
        return [jsonable(v) for v in obj.tolist()]
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    return obj


def dumps(obj: Any, indent: int | None = 2) -> str:
    """Strict JSON text for ``obj`` (see :func:`jsonable`).

    >>> dumps({"q": 1 / 8, "d": float("inf")}, indent=None)
    '{"q": 0.125, "d": "inf"}'
    """
    return json.dumps(jsonable(obj), indent=indent, allow_nan=False, ensure_ascii=False)
