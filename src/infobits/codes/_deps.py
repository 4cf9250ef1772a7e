"""Optional dependencies of :mod:`infobits.codes`, imported on first use.

``import infobits`` stays fast and works without the ``codes`` extra; only the functions
that need an entropy coder (constriction) or a compiled loop (numba) import them, and
say how to install them when they are missing.
"""

from __future__ import annotations

from typing import Any

from .._extras import require

__all__ = ["constriction", "numba_njit"]


def constriction() -> Any:
    """The ``constriction`` module (entropy coders), or an ImportError naming the extra."""
    return require("constriction", "stream coding (infobits.codes.encode/decode)", "codes")


def numba_njit() -> Any:
    """``numba.njit``, or an ImportError naming the extra."""
    return require("numba", "the adaptive byte compressor", "codes").njit
