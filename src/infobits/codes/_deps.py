"""Optional dependencies of :mod:`infobits.codes`, imported on first use.

``import infobits`` stays fast and works without the ``codes`` extra; only the functions
that need an entropy coder (constriction) or a compiled loop (numba) import them, and
say how to install them when they are missing.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["constriction", "numba_njit"]


def _need(module: str, what: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(
            f"{what} needs the {module!r} package, which is not installed; install the "
            f"codes extra with: pip install 'infobits[codes]'"
        ) from e


def constriction() -> Any:
    """The ``constriction`` module (entropy coders), or an ImportError naming the extra."""
    return _need("constriction", "stream coding (infobits.codes.encode/decode)")


def numba_njit() -> Any:
    """``numba.njit``, or an ImportError naming the extra."""
    return _need("numba", "the adaptive byte compressor").njit
