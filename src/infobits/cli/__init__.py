"""The ``infobits`` command line.

Every failure a user can cause ends in one line on stderr and exit status 2, never a
traceback. Set ``INFOBITS_DEBUG=1`` to see the traceback of an unexpected error.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from typer.exceptions import Abort, TyperException

from .._errors import DistributionError

# The modules, not their command functions, are bound here, so that
# ``infobits.cli.explain`` stays the module of that name.
from . import compress, crosscode, estimate, explain, explore
from ._common import CLIError

__all__ = ["app", "main"]

app = typer.Typer(
    name="infobits",
    help="Information is code length: entropy, cross-entropy and KL, explained and coded.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _show_version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"infobits {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
) -> None:
    """Information is code length: entropy, cross-entropy and KL, explained and coded."""


app.command()(explain.explain)
app.command()(estimate.estimate)
app.command()(compress.compress)
app.command()(compress.decompress)
app.command()(crosscode.crosscode)
app.command()(explore.explore)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return (and, as a script, exit with) its status."""
    args = sys.argv[1:] if argv is None else argv
    try:
        rv = app(args=args, prog_name="infobits", standalone_mode=False)
    except Abort:
        print("infobits: aborted", file=sys.stderr)
        return _exit(130, argv)
    except TyperException as e:  # usage errors: bad option, missing argument
        if type(e).__name__ == "NoArgsIsHelpError":
            print(e.format_message())
            return _exit(0, argv)
        print(f"infobits: error: {e.format_message()}", file=sys.stderr)
        return _exit(2, argv)
    except (CLIError, DistributionError, ValueError, TypeError, OSError) as e:
        print(f"infobits: error: {e}", file=sys.stderr)
        return _exit(2, argv)
    except Exception as e:  # pragma: no cover - a bug; still one line unless debugging
        if os.environ.get("INFOBITS_DEBUG"):
            raise
        print(f"infobits: internal error: {type(e).__name__}: {e}", file=sys.stderr)
        return _exit(2, argv)
    if rv == 130:  # typer turns Ctrl+C into exit status 130 and prints nothing
        print("infobits: interrupted", file=sys.stderr)
    return _exit(rv if isinstance(rv, int) else 0, argv)


def _exit(code: int, argv: list[str] | None) -> int:
    if argv is None:
        sys.exit(code)
    return code
