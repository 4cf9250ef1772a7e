"""The explorer's HTTP edges: strict request types, capped headers, and bodies that
never arrive, through TestClient and through a real uvicorn server on a raw socket."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi.testclient import TestClient

from infobits.cli.explore import server_config
from infobits.explore import create_app
from infobits.explore._api import MAX_HEADERS

pytestmark = pytest.mark.timeout(60)

GOOD = {"p": [0.5, 0.5], "q": [0.25, 0.75]}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


@pytest.mark.parametrize(
    ("path", "change", "field"),
    [
        ("/api/diagram", {"p": ["0.5", 0.5]}, "p.0"),
        ("/api/diagram", {"q": [0.25, "0.75"]}, "q.1"),
        ("/api/diagram", {"p": [True, False]}, "p.0"),
        ("/api/diagram", {"q": [1, True]}, "q.1"),
        ("/api/diagram", {"base": True}, "base"),
        ("/api/diagram", {"base": ["bits"]}, "base"),
        ("/api/diagram", {"kind": 1}, "kind"),
        ("/api/sample", {"n": "10"}, "n"),
        ("/api/sample", {"n": True}, "n"),
        ("/api/sample", {"n": 10.0}, "n"),
        ("/api/sample", {"seed": "3"}, "seed"),
        ("/api/sample", {"seed": False}, "seed"),
    ],
)
def test_strings_and_booleans_are_not_numbers(client, path, change, field):
    r = client.post(path, json={**GOOD, **change})
    assert r.status_code == 422, r.text
    assert r.json()["detail"].startswith(field), r.json()["detail"]


@pytest.mark.parametrize("base", [2, 2.5, "bits", "nats", "e", "bans", 10])
def test_every_unit_name_and_number_is_a_base(client, base):
    r = client.post("/api/diagram", json={**GOOD, "base": base})
    assert r.status_code == 200, r.text
    unit = {2: "bits", "bits": "bits", "nats": "nats", "e": "nats", "bans": "bans", 10: "bans"}
    assert r.json()["unit"] == unit.get(base, "base-2.5 units")


def test_whole_numbers_are_numbers(client):
    r = client.post("/api/diagram", json={"p": [1, 1], "q": [1, 3], "kind": "counts"})
    assert r.status_code == 200
    assert r.json()["q"] == [0.25, 0.75]


def test_a_100_kb_header_is_refused(client):
    r = client.get("/api/presets", headers={"x-pad": "a" * 100_000})
    assert r.status_code == 431
    assert f"at most {MAX_HEADERS}" in r.json()["detail"]
    assert client.get("/api/presets", headers={"x-pad": "a" * 1000}).status_code == 200


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    """The app with a short body timeout, served with the command line's settings."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    port = sock.getsockname()[1]
    srv = uvicorn.Server(server_config(create_app(body_timeout=0.5)))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.02)
    yield "127.0.0.1", port
    srv.should_exit = True
    thread.join(timeout=10)
    sock.close()


def exchange(addr: tuple[str, int], raw: bytes, wait: float = 10.0) -> tuple[bytes, float]:
    """Send ``raw``, read until the server closes or ``wait`` runs out."""
    start = time.monotonic()
    with socket.create_connection(addr, timeout=wait) as s:
        try:
            s.sendall(raw)
        except OSError:  # the server may refuse and close before all of it is sent
            pass
        chunks = []
        try:
            while chunk := s.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks), time.monotonic() - start


def test_a_body_shorter_than_its_length_gets_408_instead_of_a_hang(server):
    head = (
        b"POST /api/diagram HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    )
    reply, took = exchange(server, head + b'{"p": [0.5,')
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
    assert b"did not arrive within 0.5 s" in reply
    assert took < 8  # answered and closed, not held open


def test_a_100_kb_header_over_the_wire_is_refused(server):
    raw = b"GET /api/presets HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + b"a" * 100_000 + b"\r\n\r\n"
    reply, _ = exchange(server, raw)
    status = reply.split(b"\r\n", 1)[0]
    assert status in (b"HTTP/1.1 431 Request Header Fields Too Large", b"HTTP/1.1 400 Bad Request")


def test_a_normal_request_still_works_on_the_same_server(server):
    body = b'{"p": [0.5, 0.5], "q": [0.5, 0.5]}'
    raw = (
        b"POST /api/diagram HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Content-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )
    reply, _ = exchange(server, raw)
    assert reply.startswith(b"HTTP/1.1 200"), reply[:200]
    assert b'"kl_divergence":0.0' in reply
