"""Writing a figure to a file the way the command line promises: never a partial file,
never over an existing one.

The figure is drawn into a temporary file beside the target and put in place by
:func:`infobits._files.write_new`, which fails instead of replacing a file that appeared
in the meantime.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .._files import write_new

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FORMATS", "check_new_file", "save_new", "write_explain_plot"]

#: Formats matplotlib writes without extra software, by file suffix.
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def check_new_file(path: str | os.PathLike[str], option: str = "--plot") -> Path:
    """Refuse, before any work is done, a path that cannot become a new figure file.

    >>> check_new_file("figure.gif")
    Traceback (most recent call last):
    ...
    ValueError: --plot figure.gif: '.gif' is not a format infobits draws; use .png, .svg or .pdf
    """
    target = Path(path)
    if target.suffix.lower() not in FORMATS:
        raise ValueError(
            f"{option} {target}: {target.suffix or 'no suffix'!r} is not a format infobits "
            "draws; use .png, .svg or .pdf"
        )
    if target.exists() or target.is_symlink():
        raise ValueError(
            f"{option} {target}: the file exists and infobits never overwrites a file; "
            "choose another name or remove it first"
        )
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise ValueError(f"{option} {target}: the folder {parent} does not exist; create it first")
    return target


def save_new(fig: Figure, path: str | os.PathLike[str], option: str = "--plot") -> Path:
    """Write ``fig`` to the new file ``path`` (format from its suffix); return the path."""
    target = check_new_file(path, option)
    fmt = FORMATS[target.suffix.lower()]
    try:
        write_new(target, lambda f: fig.savefig(f, format=fmt))
    except FileExistsError:
        raise ValueError(
            f"{option} {target}: the file appeared while drawing; it was left untouched"
        ) from None
    return target


def write_explain_plot(p: object, q: object, base: float | str, path: str) -> Path:
    """Draw :func:`infobits.plot.explain_figure` for p and q into the new file ``path``.

    Both pictures go into one file: the code diagram on the left, the decomposition
    H(p) + D(p‖q) = H(p, q) on the right.
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ValueError(
            "--plot needs matplotlib; install it with: pip install 'infobits[plot]'"
        ) from None
    from ._figures import explain_figure

    return save_new(explain_figure(p, q, base=base), path)
