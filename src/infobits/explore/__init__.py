"""A local web page to play with p and q and watch the code lengths change.

``infobits explore`` serves it on 127.0.0.1. The page draws the code diagram live (bars
of width pᵢ and height log 1/qᵢ), shows H(p), H(p, q) and D(p‖q) with their readings, the
Huffman codewords for p and q, and encodes samples to show their actual length. A second
view codes a text you type under a sequence model and shades each character by its bits
(:mod:`infobits.textbits`). Every number comes from the library through a small JSON API
(:func:`create_app`). The page speaks English and Chinese. Needs FastAPI and uvicorn:
``pip install 'infobits[explore]'``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._extras import require

__all__ = ["BODY_TIMEOUT", "create_app"]

#: Seconds a request body may take to arrive in full; a client that announces more
#: bytes than it sends gets 408 then, instead of holding the connection forever.
BODY_TIMEOUT = 10.0

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(
    *, allowed_hosts: list[str] | None = None, body_timeout: float = BODY_TIMEOUT
) -> FastAPI:
    """Build the explorer's FastAPI app; see :func:`infobits.explore._app.create_app`.

    >>> from infobits.explore import create_app
    >>> sorted(r.path for r in create_app().routes if r.path.startswith("/api"))
    ['/api/diagram', '/api/presets', '/api/sample', '/api/text']
    """
    require("fastapi", "the explorer", "explore", "FastAPI")
    from ._app import create_app as _create

    return _create(allowed_hosts=allowed_hosts, body_timeout=body_timeout)
