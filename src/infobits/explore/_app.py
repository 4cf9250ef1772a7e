"""The explorer's web application: the JSON API and the page, served from the package.

Every asset comes from ``explore/static`` inside the installed package; the page loads
nothing from anywhere else, and its Content-Security-Policy forbids it to, so it works
offline. Library errors (an invalid distribution, a bad base) come back as HTTP 422 with
the library's own message in ``detail``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware

from .. import __version__
from .._errors import DistributionError
from ..textbits import MAX_CHARS
from . import BODY_TIMEOUT
from ._api import (
    MAX_BODY,
    MAX_HEADERS,
    MAX_K,
    MAX_N,
    MAX_TEXT_BODY,
    PRESETS,
    TEXT_MODELS,
    Pair,
    Sample,
    TextRequest,
    diagram,
    sample,
    text,
)

__all__ = ["STATIC", "create_app"]

STATIC = Path(__file__).parent / "static"

_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class _Limits:
    """Guard every request before the app sees it, and add the security headers.

    * headers over ``MAX_HEADERS`` bytes in all: 431;
    * a POST without a length: 411; with a length over ``MAX_BODY`` (``MAX_TEXT_BODY``
      for ``/api/text``): 413;
    * a body that has not arrived in full within ``body_timeout`` seconds (a client that
      announced more bytes than it sends): 408, and the connection is closed.

    The body is read here, within those bounds, and handed to the app whole.
    """

    def __init__(self, app: ASGIApp, body_timeout: float) -> None:
        self.app = app
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = scope.get("headers") or []
        size = sum(len(k) + len(v) + 4 for k, v in raw)
        if size > MAX_HEADERS:
            await _reply(
                send,
                431,
                f"the request headers have {size} bytes; the explorer takes at most {MAX_HEADERS}",
            )
            return
        headers = dict(raw)
        if scope.get("method") in ("POST", "PUT", "PATCH"):
            length = headers.get(b"content-length")
            if length is None or not length.isdigit():
                await _reply(send, 411, "send a Content-Length header with the JSON body")
                return
            limit = MAX_TEXT_BODY if scope.get("path") == "/api/text" else MAX_BODY
            if int(length) > limit:
                await _reply(
                    send,
                    413,
                    f"the request body has {int(length)} bytes; the explorer takes at most {limit}",
                )
                return
            try:
                body = await asyncio.wait_for(_read_body(receive), self.body_timeout)
            except asyncio.TimeoutError:
                await _reply(
                    send,
                    408,
                    f"the request body did not arrive within {self.body_timeout:g} s "
                    f"(Content-Length said {int(length)} bytes)",
                    close=True,
                )
                return
            if body is None:  # the client went away
                return
            receive = _replay(body)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-security-policy", _CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cache-control", b"no-store"),
                ]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _read_body(receive: Receive) -> bytes | None:
    """The whole body (at most ``MAX_BODY`` bytes are accepted by the server's length
    check), or None if the client disconnected."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    """A ``receive`` that hands the app the body already read, then waits for the end."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # like a server: nothing more until disconnect
        return {"type": "http.disconnect"}  # pragma: no cover - never reached

    return receive


async def _reply(send: Send, status: int, detail: str, close: bool = False) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if close:  # the rest of the request may never come: end the connection with it
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _validation_detail(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = [str(x) for x in err.get("loc", ()) if x != "body"]
        where = ".".join(loc) if loc else "the request body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "the request is not valid JSON for this endpoint"


def create_app(
    *, allowed_hosts: list[str] | None = None, body_timeout: float = BODY_TIMEOUT
) -> FastAPI:
    """Build the explorer app: the page at ``/``, the API under ``/api``.

    ``allowed_hosts`` limits the Host header the app answers to (the command line passes
    the loopback names when it binds to loopback, which defeats DNS rebinding); ``None``
    answers any. ``body_timeout`` is how many seconds a request body may take to arrive.

    >>> from fastapi.testclient import TestClient
    >>> client = TestClient(create_app())
    >>> r = client.post("/api/diagram", json={"p": [0.5, 0.5], "q": [0.9, 0.1]})
    >>> r.status_code, round(r.json()["kl_divergence"], 6)
    (200, 0.736966)
    >>> r = client.post("/api/diagram", json={"p": [0.5, 0.4], "q": [0.5, 0.5]})
    >>> r.status_code, r.json()["detail"][:33]
    (422, 'p sums to 0.9 along axis -1; prob')
    """
    app = FastAPI(
        title="infobits explorer",
        version=__version__,
        summary="Information is code length: p, q, their codes and the bits they cost.",
        docs_url=None,  # the interactive docs page would load its assets from a CDN
        redoc_url=None,
    )

    @app.exception_handler(DistributionError)
    @app.exception_handler(ValueError)
    @app.exception_handler(TypeError)
    async def _library_error(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": str(exc)})

    @app.exception_handler(RequestValidationError)
    async def _request_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": _validation_detail(exc)})

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    @app.get("/api/presets")
    def presets() -> dict[str, Any]:
        """Starting points for the page, with the API's limits."""
        return {
            "presets": PRESETS,
            "max_k": MAX_K,
            "max_n": MAX_N,
            "text_models": TEXT_MODELS,
            "max_chars": MAX_CHARS,
        }

    @app.post("/api/diagram")
    def post_diagram(req: Pair) -> dict[str, Any]:
        """Measures, readings, diagram geometry and Huffman codes for p and q."""
        return diagram(req)

    @app.post("/api/sample")
    def post_sample(req: Sample) -> dict[str, Any]:
        """Draw n symbols from p and encode them with codes for p and for q."""
        return sample(req)

    @app.post("/api/text")
    def post_text(req: TextRequest) -> dict[str, Any]:
        """Each character's bits under a model, Σ −log2 q and the arithmetic-coded length."""
        return text(req)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(_Limits, body_timeout=body_timeout)
    if allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    return app
