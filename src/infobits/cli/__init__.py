"""The ``infobits`` command line.

Every failure a user can cause ends in one line on stderr and exit status 2, never a
traceback. Set ``INFOBITS_DEBUG=1`` to see the traceback of an unexpected error.

Importing this package costs almost nothing: the commands (and NumPy, typer and rich
with them) are imported inside :func:`main`, so that a Ctrl+C at any moment, start-up
included, ends in one line and exit status 130.
"""

from __future__ import annotations

import os
import sys
from typing import Any

__all__ = ["app", "main"]


def __getattr__(name: str) -> Any:
    if name == "app":
        from ._app import make_app

        return make_app()
    raise AttributeError(f"module 'infobits.cli' has no attribute {name!r}")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return (and, as a script, exit with) its status."""
    args = sys.argv[1:] if argv is None else argv
    try:
        return _exit(_run(args), argv)
    except KeyboardInterrupt:  # Ctrl+C while starting (importing) or running
        print("infobits: interrupted", file=sys.stderr)
        return _exit(130, argv)


def _run(args: list[str]) -> int:
    if args and args[0] in ("compress", "decompress"):
        # plain compress/decompress arguments need no typer (nor its start-up time)
        from .compress import parse_fast

        call = parse_fast(args)
        if call is not None:
            try:
                call()
            except Exception as e:
                return _failed(e)
            return 0

    from typer.exceptions import Abort, TyperException

    from ._app import COMMANDS, make_app

    # A command named first needs only its own module: build the app with that alone.
    app = make_app(args[0] if args and args[0] in COMMANDS else None)
    try:
        rv = app(args=args, prog_name="infobits", standalone_mode=False)
    except Abort:
        print("infobits: aborted", file=sys.stderr)
        return 130
    except TyperException as e:  # usage errors: bad option, missing argument
        if type(e).__name__ == "NoArgsIsHelpError":
            print(e.format_message())
            return 0
        print(f"infobits: error: {e.format_message()}", file=sys.stderr)
        return 2
    except Exception as e:
        return _failed(e)
    if rv == 130:  # typer turns Ctrl+C into exit status 130 and prints nothing
        print("infobits: interrupted", file=sys.stderr)
    return rv if isinstance(rv, int) else 0


def _failed(e: Exception) -> int:
    """One line on stderr for a command that raised, and exit status 2: the message of an
    error the user can act on, or the type of an internal one (re-raised, with its
    traceback, when INFOBITS_DEBUG is set)."""
    from .._errors import DistributionError
    from ._common import CLIError

    if isinstance(e, CLIError | DistributionError | ValueError | TypeError | OSError):
        print(f"infobits: error: {e}", file=sys.stderr)
        return 2
    if os.environ.get("INFOBITS_DEBUG"):  # pragma: no cover - a bug; debugging it
        raise e
    print(f"infobits: internal error: {type(e).__name__}: {e}", file=sys.stderr)
    return 2


def _exit(code: int, argv: list[str] | None) -> int:
    if argv is None:
        sys.exit(code)
    return code
