"""Shared pieces of the command line: the error type and argument parsing."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from typing import Any

import numpy as np

from .._units import log_of_base

__all__ = ["CLIError", "dump_json", "parse_base", "parse_vector"]


class CLIError(Exception):
    """A user error in a command-line call; printed as one line, exit status 2."""


def parse_vector(text: str, option: str) -> np.ndarray:
    """Parse ``"0.5,0.25,1/8,..."`` (decimals or fractions) into a float64 array.

    >>> parse_vector("1/2, 0.25,1/4", "--p")
    array([0.5 , 0.25, 0.25])
    """
    items = [t.strip() for t in text.replace(";", ",").split(",")]
    if not any(items):
        raise CLIError(f"{option} is empty; give comma-separated numbers such as 0.5,0.25,0.25")
    out = []
    for i, tok in enumerate(items):
        try:
            out.append(float(Fraction(tok)) if "/" in tok else float(tok))
        except (ValueError, ZeroDivisionError):
            raise CLIError(
                f"{option}: item {i + 1} ({tok!r}) is not a number; use decimals or "
                "fractions separated by commas, such as 0.5,1/4,0.25"
            ) from None
    return np.asarray(out, dtype=np.float64) + 0.0  # "-0" is 0, shown without its sign


def parse_base(text: str) -> float | str:
    """Parse ``--base``: a number, or a unit name such as ``bits``; checked here so the
    error names the option.

    >>> parse_base("2"), parse_base("nats"), parse_base("e") == math.e
    (2.0, 'nats', True)
    """
    if text.strip().lower() == "e":  # the library takes base=math.e; the shell can only say e
        return math.e
    try:
        value: float | str = float(text)
    except ValueError:
        value = text
    try:
        log_of_base(value)
    except (TypeError, ValueError) as e:
        raise CLIError(f"--base: {e}") from None
    return value


def _finite(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):
        return "nan" if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def dump_json(obj: Any, indent: int | None = 2) -> str:
    """Strict JSON for ``--json``: an infinite or undefined number, which JSON cannot
    hold (Python would write the non-standard ``Infinity``), becomes the string
    ``"inf"``, ``"-inf"`` or ``"nan"``.

    >>> dump_json({"h": 1.5, "d": float("inf"), "rows": [float("-inf")]}, indent=None)
    '{"h": 1.5, "d": "inf", "rows": ["-inf"]}'
    """
    return json.dumps(_finite(obj), indent=indent, allow_nan=False)
