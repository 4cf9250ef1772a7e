"""A local web page to play with p and q and watch the code lengths change.

``infobits explore`` serves it on 127.0.0.1. The page draws the code diagram live (bars
of width pᵢ and height log 1/qᵢ), shows H(p), H(p, q) and D(p‖q) with their readings, the
Huffman codewords for p and q, and encodes samples to show their actual length. Every
number comes from the library through a small JSON API (:func:`create_app`). Needs
FastAPI and uvicorn: ``pip install 'infobits[explore]'``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["create_app"]

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(*, allowed_hosts: list[str] | None = None) -> FastAPI:
    """Build the explorer's FastAPI app; see :func:`infobits.explore._app.create_app`.

    >>> from infobits.explore import create_app
    >>> sorted(r.path for r in create_app().routes if r.path.startswith("/api"))
    ['/api/diagram', '/api/presets', '/api/sample']
    """
    try:
        from ._app import create_app as _create
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            f"the explorer needs FastAPI and uvicorn ({e}); install them with: "
            "pip install 'infobits[explore]'"
        ) from None
    return _create(allowed_hosts=allowed_hosts)
