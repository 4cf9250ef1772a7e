"""The user-facing docs show what Python prints: their examples pass plain doctest, with
ELLIPSIS and NORMALIZE_WHITESPACE only (never NUMBER, which would hide a
1.2499999999999998 behind a 1.25), exactly as a reader would check them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ["README.md", "docs/guide.md", "docs/guide.zh.md", "docs/estimators.md"]


@pytest.mark.parametrize("doc", DOCS)
def test_examples_print_what_python_prints(doc: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    r = subprocess.run(
        [sys.executable, "-m", "doctest", "-o", "ELLIPSIS", "-o", "NORMALIZE_WHITESPACE", doc],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
