"""Shared pieces of the command line: the error type and argument parsing."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._files import write_new
from .._units import log_of_base

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.figure import Figure

# NumPy (here and through infobits._json) is imported by the functions that use it, so
# that commands which never need it (compress, decompress) start without it.

__all__ = [
    "CLIError",
    "check_new_figure",
    "dump_json",
    "parse_base",
    "parse_vector",
    "save_new_figure",
]


class CLIError(Exception):
    """A user error in a command-line call; printed as one line, exit status 2."""


def _number(tok: str) -> float:
    """One item of a vector: a decimal, or a fraction ``a/b`` rounded once, exactly."""
    if "/" not in tok:
        return float(tok)
    a, _, b = tok.partition("/")
    if a.isdigit() and b.isdigit() and int(a) < 2**53 and 0 < int(b) < 2**53:
        return int(a) / int(b)  # both exact in float64: one correctly rounded division
    return float(Fraction(tok))


def parse_vector(text: str, option: str) -> np.ndarray:
    """Parse ``"0.5,0.25,1/8,..."`` (decimals or fractions) into a float64 array.

    >>> parse_vector("1/2, 0.25,1/4", "--p")
    array([0.5 , 0.25, 0.25])
    """
    items = [t.strip() for t in text.replace(";", ",").split(",")]
    if not any(items):
        raise CLIError(f"{option} is empty; give comma-separated numbers such as 0.5,0.25,0.25")
    seen: dict[str, float] = {}
    out = []
    for i, tok in enumerate(items):
        try:
            value = seen.get(tok)
            if value is None:
                value = seen[tok] = _number(tok)
            out.append(value)
        except (ValueError, ZeroDivisionError):
            raise CLIError(
                f"{option}: item {i + 1} ({tok!r}) is not a number; use decimals or "
                "fractions separated by commas, such as 0.5,1/4,0.25"
            ) from None
    import numpy as np

    return np.asarray(out, dtype=np.float64) + 0.0  # "-0" is 0, shown without its sign


def parse_base(text: str) -> float | str:
    """Parse ``--base``: a number, or a unit name such as ``bits``, ``nats`` or ``e``
    (the names the library takes); checked here so the error names the option.

    >>> parse_base("2"), parse_base("nats"), parse_base("e")
    (2.0, 'nats', 'e')
    """
    try:
        value: float | str = float(text)
    except ValueError:
        value = text.strip()
    try:
        log_of_base(value)
    except (TypeError, ValueError) as e:
        raise CLIError(f"--base: {e}") from None
    return value


def dump_json(obj: Any, indent: int | None = 2) -> str:
    """Strict JSON for ``--json``: an infinite or undefined number, which JSON cannot
    hold, becomes the string ``"inf"``, ``"-inf"`` or ``"nan"`` (see
    :func:`infobits._json.dumps`).

    >>> dump_json({"h": 1.5, "d": float("inf"), "rows": [float("-inf")]}, indent=None)
    '{"h": 1.5, "d": "inf", "rows": ["-inf"]}'
    """
    from .._json import dumps

    return dumps(obj, indent=indent)


#: Image formats matplotlib writes without extra software, by file suffix.
FIGURE_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def check_new_figure(path: str | os.PathLike[str], option: str) -> Path:
    """Refuse, before any work is done, a path that cannot become a new figure file.

    >>> check_new_figure("figure.gif", "--plot")
    Traceback (most recent call last):
    ...
    infobits.cli._common.CLIError: --plot figure.gif: '.gif' is not a format infobits draws; ...
    """
    target = Path(path)
    if target.suffix.lower() not in FIGURE_FORMATS:
        raise CLIError(
            f"{option} {target}: {target.suffix or 'no suffix'!r} is not a format infobits "
            "draws; use .png, .svg or .pdf"
        )
    if target.exists() or target.is_symlink():
        raise CLIError(
            f"{option} {target}: the file exists and infobits never overwrites a file; "
            "choose another name or remove it first"
        )
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise CLIError(f"{option} {target}: the folder {parent} does not exist; create it first")
    return target


def save_new_figure(fig: Figure, path: str | os.PathLike[str], option: str) -> Path:
    """Write ``fig`` to the new file ``path`` (format from its suffix), never over a file
    and never partly: it is drawn into a temporary file beside the target and put in
    place by :func:`infobits._files.write_new`."""
    target = check_new_figure(path, option)
    fmt = FIGURE_FORMATS[target.suffix.lower()]
    try:
        write_new(target, lambda f: fig.savefig(f, format=fmt))
    except FileExistsError:
        raise CLIError(
            f"{option} {target}: the file appeared while drawing; it was left untouched"
        ) from None
    return target
