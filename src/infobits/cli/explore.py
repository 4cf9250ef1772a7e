"""``infobits explore``: serve the explorer page on this machine and open it.

It binds 127.0.0.1 unless told otherwise, so nothing outside this machine can reach
it. The socket is bound before the server starts, so the URL printed is the one that
answers, even with ``--port 0`` (any free port).
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
import webbrowser
from typing import Annotated, Any

import typer

from .._extras import require
from ._common import CLIError

__all__ = ["DEFAULT_PORT", "explore", "server_config"]

#: Tried first when no --port is given; if it is taken, any free port is used instead.
DEFAULT_PORT = 8765

_LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int) -> socket.socket:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise CLIError(f"--host {host!r} cannot be resolved ({e.strerror})") from None
    family, _, _, _, addr = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise CLIError(
                f"port {port} on {host} is in use; pass another --port, or --port 0 for any "
                "free one"
            ) from None
        raise CLIError(f"cannot listen on {host}:{port}: {e.strerror}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _url(sock: socket.socket, host: str) -> str:
    port = sock.getsockname()[1]
    shown = host
    if host in ("0.0.0.0", "::", ""):
        shown = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        shown = f"[{host}]"
    return f"http://{shown}:{port}/"


def server_config(app: Any) -> Any:
    """The uvicorn settings the explorer runs with.

    h11 (pure Python, always installed with uvicorn) parses requests, refusing headers
    still incomplete past twice the app's limit; the app itself refuses complete ones
    over it (431) and bodies that do not arrive in time (408). Idle connections close
    after 5 s.
    """
    import uvicorn

    from ..explore._api import MAX_HEADERS

    return uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        http="h11",
        h11_max_incomplete_event_size=2 * MAX_HEADERS,
        timeout_keep_alive=5,
    )


def explore(
    host: Annotated[
        str, typer.Option("--host", help="address to listen on; 127.0.0.1 keeps it private")
    ] = "127.0.0.1",
    port: Annotated[
        int | None,
        typer.Option(
            "--port", help=f"port to listen on (default {DEFAULT_PORT}, or any free one); 0: any"
        ),
    ] = None,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="only print the URL; do not open a browser")
    ] = False,
) -> None:
    """Open the explorer: change p and q in the browser, watch the code lengths change."""
    try:
        require("fastapi", "infobits explore", "explore", "FastAPI")
        uvicorn = require("uvicorn", "infobits explore", "explore")
    except ImportError as e:
        raise CLIError(str(e)) from None
    from ..explore import create_app

    if port is not None and not 0 <= port <= 65535:
        raise CLIError(f"--port {port} is not a port number; use 1 to 65535, or 0 for any")
    if port is None:
        try:
            sock = _bind(host, DEFAULT_PORT)
        except CLIError:
            sock = _bind(host, 0)
    else:
        sock = _bind(host, port)
    url = _url(sock, host)
    loopback = _is_loopback(host)
    app = create_app(allowed_hosts=_LOOPBACK_NAMES if loopback else None)
    server = uvicorn.Server(server_config(app))

    typer.echo(f"infobits explorer: {url}")
    if not loopback:
        typer.echo(f"warning: listening on {host}, so other machines can reach this page", err=True)
    typer.echo("press Ctrl+C to stop")
    if not no_browser:

        def _open_when_up() -> None:
            for _ in range(200):
                if server.started:
                    webbrowser.open(url)
                    return
                threading.Event().wait(0.05)

        threading.Thread(target=_open_when_up, daemon=True).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn shuts down cleanly, then re-raises the Ctrl+C it caught; stopping the
        # explorer is what the user asked for, not an error.
        pass
    finally:
        sock.close()
    typer.echo("infobits explorer: stopped")
