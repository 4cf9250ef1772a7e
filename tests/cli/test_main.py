"""The ``infobits`` entry point itself: --version, and ``python -m infobits``."""

from __future__ import annotations

import subprocess
import sys

import pytest

import infobits
from infobits.cli import main


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--version"])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert out == f"infobits {infobits.__version__}\n"


def test_python_dash_m_runs_the_same_cli_and_exits_2_on_a_user_error() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "infobits", "--version"], capture_output=True, text=True, check=False
    )
    assert r.returncode == 0 and r.stdout == f"infobits {infobits.__version__}\n"
    r = subprocess.run(
        [sys.executable, "-m", "infobits", "compress", "-"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("infobits: error: ") and r.stderr.count("\n") == 1
