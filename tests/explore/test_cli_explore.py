"""``infobits explore`` as a user runs it: a real process that prints its URL and serves."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from infobits.cli import main

pytestmark = pytest.mark.timeout(60)

LAUNCH = [sys.executable, "-c", "from infobits.cli import main; main()", "explore"]


def test_explore_prints_a_loopback_url_that_serves_the_page_and_stops_on_ctrl_c():
    proc = subprocess.Popen(
        [*LAUNCH, "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("infobits explorer: http://127.0.0.1:"), line
        url = line.split(": ", 1)[1]
        deadline = time.monotonic() + 20
        while True:
            try:
                r = httpx.get(url, timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert r.status_code == 200 and "infobits explorer" in r.text
        api = httpx.post(url + "api/diagram", json={"p": [0.5, 0.5], "q": [0.5, 0.5]})
        assert api.json()["kl_divergence"] == 0.0
        foreign = httpx.get(url, headers={"host": "attacker.example"})
        assert foreign.status_code == 400  # loopback only answers loopback names
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def test_a_busy_port_is_one_line_error_with_the_fix(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        assert main(["explore", "--no-browser", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"infobits: error: port {port} on 127.0.0.1 is in use; pass another --port, "
        "or --port 0 for any free one\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "70000"], "--port 70000 is not a port number"),
        (["--host", "no-such-host.invalid"], "--host 'no-such-host.invalid' cannot be resolved"),
    ],
)
def test_bad_addresses_are_refused_in_one_line(capsys, args, message):
    assert main(["explore", "--no-browser", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"infobits: error: {message}") and err.count("\n") == 1


def test_without_no_browser_the_page_is_opened_in_the_users_browser(tmp_path):
    opened = tmp_path / "opened.txt"
    fake = tmp_path / "fake_browser.py"
    fake.write_text(f"import sys\nopen({str(opened)!r}, 'w').write(sys.argv[1])\n")
    env = {**os.environ, "BROWSER": f"{sys.executable} {fake} %s"}
    proc = subprocess.Popen(
        [*LAUNCH, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip().split(": ", 1)[1]
        deadline = time.monotonic() + 20
        while not (opened.exists() and opened.read_text()):
            assert time.monotonic() < deadline, "the browser was never opened"
            time.sleep(0.1)
        assert opened.read_text() == url
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)


def test_without_fastapi_explore_says_how_to_install_it():
    code = (
        "import sys; sys.modules['fastapi'] = None\n"
        "from infobits.cli import main\n"
        "raise SystemExit(main(['explore', '--no-browser']))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("infobits: error: infobits explore needs FastAPI, which is not")
    assert out.stderr.rstrip().endswith("pip install 'infobits[explore]'")
    assert out.stderr.count("\n") == 1
