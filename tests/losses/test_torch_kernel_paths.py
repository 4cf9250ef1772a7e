"""The losses' PyTorch kernels at the points where a closed-form backward can go wrong:
the slope of the binary cross-entropy at z = ±0 (a kink in its pieces, smooth in total),
soft targets that carry gradients themselves, and agreement with the generic array-API
formulas that JAX runs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import infobits as ib
from infobits.losses import binary_cross_entropy, cross_entropy_loss

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
jnp = jax.numpy

F64 = torch.float64


@pytest.mark.parametrize("pos_weight", [None, 3.0])
def test_bce_slope_at_plus_and_minus_zero_is_sigmoid_minus_target(pos_weight: float | None) -> None:
    z = torch.tensor([0.0, -0.0, 0.0, -0.0], dtype=F64, requires_grad=True)
    y = torch.tensor([1.0, 1.0, 0.25, 0.25], dtype=F64)
    kw = {} if pos_weight is None else {"pos_weight": torch.tensor(pos_weight, dtype=F64)}
    binary_cross_entropy(logits=z, target=y, reduction="sum", **kw).backward()
    c = 1.0 if pos_weight is None else pos_weight
    # d/dz of −[c·y·log σ(z) + (1 − y)·log(1 − σ(z))] at 0: ½·(1 + (c − 1)·y) − c·y.
    want = 0.5 * (1 + (c - 1) * y.numpy()) - c * y.numpy()
    np.testing.assert_allclose(z.grad.numpy(), want, rtol=1e-15, atol=0)


def test_bce_matches_the_generic_formula_run_by_jax() -> None:
    rng = np.random.default_rng(21)
    z = 30 * rng.standard_normal((5, 7))
    y = rng.random((5, 7))
    y[0] = np.round(y[0])
    pw = 1 + 2 * rng.random(7)
    for kw in ({}, {"pos_weight": pw, "weight": rng.random(7)}):
        zt = torch.tensor(z, requires_grad=True)
        tkw = {k: torch.tensor(v) for k, v in kw.items()}
        loss = binary_cross_entropy(logits=zt, target=torch.tensor(y), reduction="sum", **tkw)
        loss.backward()
        jkw = {k: jnp.asarray(v) for k, v in kw.items()}

        def f(a, jkw=jkw):  # type: ignore[no-untyped-def]
            return binary_cross_entropy(logits=a, target=jnp.asarray(y), reduction="sum", **jkw)

        jz = jnp.asarray(z)
        assert loss.item() == pytest.approx(float(f(jz)), rel=1e-14)
        np.testing.assert_allclose(zt.grad.numpy(), np.asarray(jax.grad(f)(jz)), rtol=1e-13)


def test_soft_target_gradients_flow_into_the_target_as_minus_log_q() -> None:
    g = torch.Generator().manual_seed(22)
    z = torch.randn(3, 4, 2, generator=g, dtype=F64)
    p = torch.softmax(torch.randn(3, 4, 2, generator=g, dtype=F64), dim=1)
    w = torch.rand(4, generator=g, dtype=F64) + 0.5
    lq = torch.log_softmax(z, dim=1)
    pt = p.clone().requires_grad_(True)
    loss = cross_entropy_loss(z, pt, weight=w, label_smoothing=0.1, reduction="sum")
    (gp,) = torch.autograd.grad(loss, pt)
    torch.testing.assert_close(gp, -(0.9 * w.view(1, 4, 1)) * lq, rtol=1e-13, atol=1e-15)
    # A -inf logit where the target is 0: the term is 0, and so is its slope in the target.
    z[0, 1, 0] = -math.inf
    p[0, 1, 0] = 0.0
    pt = (p / p.sum(dim=1, keepdim=True)).requires_grad_(True)
    loss = cross_entropy_loss(z, pt, reduction="sum")
    (gp,) = torch.autograd.grad(loss, pt)
    want = -torch.log_softmax(z, dim=1)
    want[0, 1, 0] = 0.0
    assert torch.isfinite(loss)
    torch.testing.assert_close(gp, want, rtol=1e-13, atol=1e-15)


def test_soft_target_loss_matches_the_generic_formula_run_by_jax() -> None:
    rng = np.random.default_rng(23)
    z = 3 * rng.standard_normal((4, 6, 3))
    p = rng.dirichlet(np.ones(6), size=(4, 3)).transpose(0, 2, 1)
    w = rng.random(6) + 0.5
    zt = torch.tensor(z, requires_grad=True)
    ours = cross_entropy_loss(zt, torch.tensor(p), weight=torch.tensor(w), label_smoothing=0.3)
    ours.backward()

    def f(a):  # type: ignore[no-untyped-def]
        return cross_entropy_loss(
            a, jnp.asarray(p), weight=jnp.asarray(w), label_smoothing=0.3, base="nats"
        )

    assert ours.item() == pytest.approx(float(f(jnp.asarray(z))), rel=1e-14)
    np.testing.assert_allclose(zt.grad.numpy(), np.asarray(jax.grad(f)(jnp.asarray(z))), rtol=1e-12)


def test_when_both_arguments_are_bad_the_first_is_named_as_numpy_does() -> None:
    p, q = np.array([0.5, 0.6]), np.array([0.5, -0.5])
    with pytest.raises(ib.DistributionError) as want:
        ib.kl_divergence(p, q)
    with pytest.raises(ib.DistributionError) as got:
        ib.kl_divergence(torch.tensor(p), torch.tensor(q))
    assert str(got.value) == str(want.value) and "p" in str(got.value).split()[0]
    with pytest.raises(ib.DistributionError) as got_q:
        ib.kl_divergence(torch.tensor([0.5, 0.5]), torch.tensor(q))
    with pytest.raises(ib.DistributionError) as want_q:
        ib.kl_divergence(np.array([0.5, 0.5]), q)
    assert str(got_q.value) == str(want_q.value)


def test_bce_target_that_needs_a_gradient_gets_one() -> None:
    z = torch.tensor([0.5, -2.0], dtype=F64)
    y = torch.tensor([0.25, 0.75], dtype=F64, requires_grad=True)
    binary_cross_entropy(logits=z, target=y, reduction="sum").backward()
    torch.testing.assert_close(y.grad, -z, rtol=1e-15, atol=0)  # d/dy = −z
