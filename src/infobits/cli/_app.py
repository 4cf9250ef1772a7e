"""The typer application behind ``infobits``: the root options and one command per module.

:func:`make_app` can build it with one command only, so that ``infobits explain``
imports what explaining needs and not, say, the estimators: start-up is most of the
time a small command takes.
"""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

__all__ = ["COMMANDS", "make_app"]

#: Each command's name, and the module and function of this package that run it.
COMMANDS = {
    "explain": ("explain", "explain"),
    "estimate": ("estimate", "estimate"),
    "compress": ("compress", "compress"),
    "decompress": ("compress", "decompress"),
    "crosscode": ("crosscode", "crosscode"),
    "explore": ("explore", "explore"),
}


def _show_version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"infobits {__version__}")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
) -> None:
    """Information is code length: entropy, cross-entropy and KL, explained and coded."""


def make_app(only: str | None = None) -> typer.Typer:
    """The ``infobits`` app with every command, or with the command ``only``."""
    app = typer.Typer(
        name="infobits",
        help="Information is code length: entropy, cross-entropy and KL, explained and coded.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    app.callback()(_root)
    for name, (module, function) in COMMANDS.items():
        if only is None or name == only:
            mod = importlib.import_module(f".{module}", __package__)
            app.command(name=name)(getattr(mod, function))
    return app


def __getattr__(name: str) -> typer.Typer:
    if name == "app":  # the whole app, as ``infobits --help`` shows it
        return make_app()
    raise AttributeError(f"module 'infobits.cli._app' has no attribute {name!r}")
