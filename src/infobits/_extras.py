"""The one message for an optional dependency that is not installed.

infobits imports its optional dependencies (matplotlib, FastAPI, constriction, ...) only
where they are used. When one is missing, every caller says the same thing: what needed
it, which package is missing, and the ``pip install 'infobits[extra]'`` that adds it.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["install_hint", "missing_extra", "require"]


def install_hint(extra: str) -> str:
    """The command that installs one extra.

    >>> install_hint("plot")
    "pip install 'infobits[plot]'"
    """
    return f"pip install 'infobits[{extra}]'"


def missing_extra(what: str, package: str, extra: str) -> str:
    """The message for a missing optional package.

    >>> missing_extra("infobits.plot", "matplotlib", "plot").split("; ")
    ['infobits.plot needs matplotlib, which is not installed',
     "install it with: pip install 'infobits[plot]'"]
    """
    return f"{what} needs {package}, which is not installed; install it with: {install_hint(extra)}"


def require(module: str, what: str, extra: str, package: str | None = None) -> ModuleType:
    """Import ``module``, or raise ImportError with :func:`missing_extra`'s message.

    >>> require("math", "a test", "plot").__name__
    'math'
    >>> require("no_such_module_here", "a test", "plot")
    Traceback (most recent call last):
    ...
    ImportError: a test needs no_such_module_here, which is not installed; install it with: ...
    """
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(missing_extra(what, package or module.split(".")[0], extra)) from e
