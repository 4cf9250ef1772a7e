"""Shared pieces of the command line: the error type and argument parsing."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .._units import log_of_base

__all__ = ["CLIError", "parse_base", "parse_vector"]


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
    return np.asarray(out, dtype=np.float64)


def parse_base(text: str) -> float | str:
    """Parse ``--base``: a number, or a unit name such as ``bits``; checked here so the
    error names the option.

    >>> parse_base("2"), parse_base("nats")
    (2.0, 'nats')
    """
    try:
        value: float | str = float(text)
    except ValueError:
        value = text
    try:
        log_of_base(value)
    except (TypeError, ValueError) as e:
        raise CLIError(f"--base: {e}") from None
    return value
