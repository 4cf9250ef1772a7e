"""Gradients where the largest logits (or counts) tie: the largest entry's
log-probability is recomputed for precision, and that recomputation must keep the
derivative of z - logsumexp(z) (found by fuzzing: JS of logits [0, 0] had gradient 0)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import infobits as ib


def _js_grad_reference(z: list[float], p: np.ndarray) -> np.ndarray:
    """d/dz of JS(p, softmax(z)) in nats, by hand: with q = softmax(z) and m = (p + q)/2,
    dJS/dq_i = ½ log(q_i / m_i), and dq/dz = diag(q) - q qᵀ."""
    zz = np.array(z, dtype=np.float64)
    q = np.exp(zz - zz.max())
    q /= math.fsum(q)
    m = (p + q) / 2
    g = 0.5 * np.log(q / m)
    return q * (g - math.fsum(q * g))


@pytest.mark.parametrize("z", [[0.0, 0.0], [1.0, 1.0, -2.0], [3.0, 3.0, 3.0], [0.0, 0.0, 0.0, 0.0]])
def test_js_gradient_at_tied_logits(z: list[float]) -> None:
    p = np.linspace(1.0, 2.0, len(z))
    p /= math.fsum(p)
    zt = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    ib.js_divergence(torch.tensor(p), ib.logits(zt), base="nats").backward()
    assert zt.grad is not None
    np.testing.assert_allclose(zt.grad.numpy(), _js_grad_reference(z, p), rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("c", [[1.0, 1.0], [2.0, 2.0, 1.0], [5.0, 5.0, 5.0]])
def test_entropy_gradient_at_tied_counts(c: list[float]) -> None:
    ct = torch.tensor(c, dtype=torch.float64, requires_grad=True)
    ib.entropy(ib.counts(ct), base="nats").backward()
    assert ct.grad is not None
    # H = log N - Σ c log c / N, so dH/dc_i = -(log(c_i / N) + H) / N
    n = math.fsum(c)
    h = -math.fsum(x / n * math.log(x / n) for x in c)
    want = [-(math.log(x / n) + h) / n for x in c]
    np.testing.assert_allclose(ct.grad.numpy(), want, rtol=1e-10, atol=1e-15)
