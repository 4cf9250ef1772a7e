"""The optional Triton kernels of linear_cross_entropy, run on the CPU by the Triton
interpreter, against the torch path. Skipped where Triton is not installed (it is never
required)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch

from infobits.losses import linear_cross_entropy

pytest.importorskip("triton")

# The interpreter is chosen when the kernels are defined, so they run in a fresh process.
SCRIPT = r"""
import json, torch
from infobits.losses import linear_cross_entropy
g = torch.Generator().manual_seed(0)
n, d, v = 13, 8, 70
h, w = torch.randn(n, d, generator=g), torch.randn(v, d, generator=g)
b = torch.randn(v, generator=g)
y = torch.randint(0, v, (n,), generator=g)
y[::4] = -100
worst = 0.0
for opts in (
    {},
    {"label_smoothing": 0.1, "z_loss": 1e-3, "softcap": 3.0},
    {"softcap": 2.0, "reduction": "none"},
):
    outs = []
    for kernel in ("torch", "triton"):
        hh, ww, bb = (t.clone().requires_grad_(True) for t in (h, w, b))
        loss = linear_cross_entropy(hh, ww, y, bias=bb, kernel=kernel, memory_budget=2048, **opts)
        loss.sum().backward()
        outs.append((loss.detach(), hh.grad, ww.grad, bb.grad))
    for a, c in zip(*outs):
        worst = max(worst, float(((a - c).abs() / (c.abs().max() + 1e-30)).max()))
print(json.dumps({"worst": worst}))
"""


def test_triton_kernels_match_the_torch_path_under_the_interpreter() -> None:
    env = dict(os.environ, TRITON_INTERPRET="1")
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    worst = json.loads(out.stdout.strip().splitlines()[-1])["worst"]
    assert worst < 1e-5


def test_kernel_choice_is_checked() -> None:
    h, w, y = torch.randn(3, 2), torch.randn(5, 2), torch.tensor([0, 1, 2])
    with pytest.raises(ValueError, match="kernel="):
        linear_cross_entropy(h, w, y, kernel="cuda")
    with pytest.raises(TypeError, match="float64"):
        linear_cross_entropy(h.double(), w.double(), y, kernel="triton")
    if os.environ.get("TRITON_INTERPRET") != "1":
        with pytest.raises(ValueError, match="TRITON_INTERPRET=1"):
            linear_cross_entropy(h, w, y, kernel="triton")
    # On CPU tensors "auto" is the torch path.
    torch.testing.assert_close(
        linear_cross_entropy(h, w, y), linear_cross_entropy(h, w, y, kernel="torch")
    )
