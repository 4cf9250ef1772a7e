"""Gradients through the measures, in PyTorch and JAX: equal to finite differences in
float64 inside the simplex, equal to the analytic derivatives, and finite (never NaN) at
the edges where naive code fails: p = 0, q → 0, logits at −inf, and p = q."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import infobits as ib

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
jnp = jax.numpy
from jax.test_util import check_grads  # noqa: E402

F64 = torch.float64


def _t(a: Any) -> torch.Tensor:
    return torch.tensor(a, dtype=F64, requires_grad=True)


def _grads(f: Callable[..., torch.Tensor], *xs: torch.Tensor) -> list[np.ndarray]:
    out = torch.autograd.grad(f(*xs), xs)
    return [g.numpy() for g in out]


# ---------------------------------------------------------------------------
# Finite differences, inside the simplex (check=False: the probes leave it)

PAIR = {
    "cross_entropy": ib.cross_entropy,
    "kl_divergence": ib.kl_divergence,
    "js_divergence": ib.js_divergence,
    "js_distance": ib.js_distance,
}


@pytest.mark.parametrize("name", list(PAIR))
@pytest.mark.parametrize("kind", ["probs", "logits", "log_probs"])
def test_torch_gradients_match_finite_differences(name: str, kind: str) -> None:
    rng = np.random.default_rng(7)
    p, q = rng.dirichlet(np.ones(5), size=2), rng.dirichlet(np.ones(5), size=2)
    wrap = {"probs": lambda a: a, "logits": ib.logits, "log_probs": ib.log_probs}[kind]
    tf = {"probs": lambda a: a, "logits": lambda a: np.log(a) + 1.5, "log_probs": np.log}[kind]
    measure = PAIR[name]

    def f(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return measure(wrap(a), wrap(b), base="nats", check=False)

    assert torch.autograd.gradcheck(f, (_t(tf(p)), _t(tf(q))), eps=1e-6, atol=1e-7, rtol=1e-6)


@pytest.mark.parametrize(
    "measure", [ib.entropy, ib.joint_entropy, ib.conditional_entropy, ib.mutual_information]
)
def test_torch_single_argument_gradients_match_finite_differences(
    measure: Callable[..., Any],
) -> None:
    p = np.random.default_rng(8).dirichlet(np.ones(6)).reshape(2, 3)
    f = lambda a: measure(a, base="nats", check=False)  # noqa: E731
    assert torch.autograd.gradcheck(f, (_t(p),), eps=1e-6, atol=1e-7, rtol=1e-6)
    g = lambda z: measure(ib.logits(z), base="nats", check=False)  # noqa: E731
    assert torch.autograd.gradcheck(g, (_t(np.log(p)),), eps=1e-6, atol=1e-7, rtol=1e-6)


@pytest.mark.parametrize("name", list(PAIR))
def test_jax_gradients_match_finite_differences(name: str) -> None:
    rng = np.random.default_rng(9)
    p, q = rng.dirichlet(np.ones(4)), rng.dirichlet(np.ones(4))
    measure = PAIR[name]
    f = lambda a, b: measure(a, b, base="nats", check=False)  # noqa: E731
    check_grads(f, (jnp.asarray(p), jnp.asarray(q)), order=1, modes=["rev"], eps=1e-6)
    g = lambda a, b: measure(ib.logits(a), ib.logits(b), base="nats", check=False)  # noqa: E731
    check_grads(g, (jnp.asarray(np.log(p)), jnp.asarray(np.log(q))), order=1, modes=["rev"])


# ---------------------------------------------------------------------------
# Analytic derivatives


def test_entropy_gradient_is_minus_log_p_minus_one() -> None:
    p = np.array([0.1, 0.2, 0.3, 0.4])
    (g,) = _grads(lambda a: ib.entropy(a, base="nats"), _t(p))
    np.testing.assert_allclose(g, -np.log(p) - 1, rtol=1e-14)


def test_kl_gradients_are_log_ratio_plus_one_and_minus_ratio() -> None:
    p, q = np.array([0.1, 0.2, 0.7]), np.array([0.3, 0.3, 0.4])
    gp, gq = _grads(lambda a, b: ib.kl_divergence(a, b, base="nats"), _t(p), _t(q))
    np.testing.assert_allclose(gp, np.log(p / q) + 1, rtol=1e-13)
    np.testing.assert_allclose(gq, -p / q, rtol=1e-13)


def test_cross_entropy_gradient_in_logits_is_softmax_minus_p_in_torch_and_jax() -> None:
    p, z = np.array([0.1, 0.6, 0.3]), np.array([2.0, -1.0, 0.5])
    want = np.exp(z - np.log(np.exp(z).sum())) - p
    (g,) = _grads(lambda b: ib.cross_entropy(torch.tensor(p), ib.logits(b), base="nats"), _t(z))
    np.testing.assert_allclose(g, want, rtol=1e-13, atol=1e-16)
    gj = jax.grad(lambda b: ib.cross_entropy(jnp.asarray(p), ib.logits(b), base="nats"))(
        jnp.asarray(z)
    )
    np.testing.assert_allclose(np.asarray(gj), want, rtol=1e-13, atol=1e-16)


def test_bits_scale_every_gradient_by_one_over_ln_two() -> None:
    p, q = np.array([0.25, 0.75]), np.array([0.5, 0.5])
    nats = _grads(lambda a, b: ib.kl_divergence(a, b, base="nats"), _t(p), _t(q))
    bits = _grads(lambda a, b: ib.kl_divergence(a, b, base=2), _t(p), _t(q))
    for n, b in zip(nats, bits, strict=True):
        np.testing.assert_allclose(b, n / math.log(2), rtol=1e-15)


# ---------------------------------------------------------------------------
# The edges


def _all_finite(*gs: Any) -> bool:
    return all(np.isfinite(np.asarray(g)).all() for g in gs)


def test_zero_p_contributes_zero_gradient_not_nan_in_torch() -> None:
    p, q = np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.5, 0.25])
    for f in (ib.entropy,):
        (g,) = _grads(lambda a: f(a, base="nats"), _t(p))  # noqa: B023
        assert _all_finite(g) and g[2] == 0.0
    for name, f in PAIR.items():
        gp, gq = _grads(lambda a, b: f(a, b, base="nats"), _t(p), _t(q))  # noqa: B023
        assert _all_finite(gp, gq), name
    gp, gq = _grads(lambda a, b: ib.kl_divergence(a, b, base="nats"), _t(p), _t(q))
    np.testing.assert_allclose(gq, [-2.0, -1.0, 0.0], rtol=1e-14)  # -p/q, and 0 where p = 0
    np.testing.assert_allclose(gp[:2], np.log(p[:2] / q[:2]) + 1, rtol=1e-14)
    # Where p = 0 and q = 0 as well, the term is identically zero in both arguments.
    gp, gq = _grads(lambda a, b: ib.kl_divergence(a, b), _t([1.0, 0.0]), _t([1.0, 0.0]))
    assert gp[1] == 0.0 and gq[1] == 0.0 and _all_finite(gp, gq)


def test_zero_p_contributes_zero_gradient_not_nan_in_jax() -> None:
    p, q = jnp.asarray([0.5, 0.5, 0.0]), jnp.asarray([0.25, 0.5, 0.25])
    assert jax.grad(lambda a: ib.entropy(a, check=False))(p)[2] == 0.0
    for f in PAIR.values():
        gp, gq = jax.grad(lambda a, b: f(a, b, check=False), argnums=(0, 1))(p, q)  # noqa: B023
        assert _all_finite(gp, gq)
    gq = jax.grad(lambda b: ib.kl_divergence(p, b, base="nats", check=False))(q)
    np.testing.assert_allclose(np.asarray(gq), [-2.0, -1.0, 0.0], rtol=1e-14)


def test_tiny_q_gives_the_exact_large_gradient() -> None:
    eps = 1e-12
    p, q = np.array([0.5, 0.5]), np.array([1 - eps, eps])
    gp, gq = _grads(lambda a, b: ib.kl_divergence(a, b, base="nats"), _t(p), _t(q))
    np.testing.assert_allclose(gq, -p / q, rtol=1e-12)
    assert _all_finite(gp, gq)
    # Against a one-sided finite difference in q₂ alone, at a relative step.
    f = lambda b: float(ib.kl_divergence(p, b, base="nats", check=False))  # noqa: E731
    h = eps * 1e-6
    fd = (f(q + np.array([0.0, h])) - f(q)) / h
    assert gq[1] == pytest.approx(fd, rel=1e-5)
    gj = jax.grad(lambda b: ib.kl_divergence(jnp.asarray(p), b, base="nats"))(jnp.asarray(q))
    np.testing.assert_allclose(np.asarray(gj), -p / q, rtol=1e-12)


def test_minus_inf_logits_have_zero_gradient_in_torch_and_jax() -> None:
    z = np.array([0.0, 1.0, -np.inf])
    p = np.array([0.3, 0.7, 0.0])
    soft = np.exp(z - np.log(np.exp(z).sum()))
    for f in (ib.cross_entropy, ib.kl_divergence):
        (g,) = _grads(lambda b: f(torch.tensor(p), ib.logits(b), base="nats"), _t(z))  # noqa: B023
        np.testing.assert_allclose(g, soft - p, rtol=1e-13, atol=1e-16)
        gj = jax.grad(lambda b: f(jnp.asarray(p), ib.logits(b), base="nats"))(jnp.asarray(z))  # noqa: B023
        np.testing.assert_allclose(np.asarray(gj), soft - p, rtol=1e-13, atol=1e-16)
    # Entropy of a softmax: dH/dz = -s (log s + H), 0 at the -inf logit.
    h = -(soft[:2] * np.log(soft[:2])).sum()
    want = np.append(-soft[:2] * (np.log(soft[:2]) + h), 0.0)
    (g,) = _grads(lambda b: ib.entropy(ib.logits(b), base="nats"), _t(z))
    np.testing.assert_allclose(g, want, rtol=1e-13, atol=1e-16)
    gj = jax.grad(lambda b: ib.entropy(ib.logits(b), base="nats"))(jnp.asarray(z))
    np.testing.assert_allclose(np.asarray(gj), want, rtol=1e-13, atol=1e-16)
    # Both sides softmaxes with a shared -inf: still finite, still exact.
    (g,) = _grads(
        lambda a: ib.kl_divergence(ib.logits(a), ib.logits(torch.zeros(3, dtype=F64))), _t(z)
    )
    assert _all_finite(g) and g[2] == 0.0


def test_p_equal_q_gives_exact_gradients_and_a_finite_js_distance_gradient() -> None:
    p = np.array([0.2, 0.3, 0.5])
    gp, gq = _grads(lambda a, b: ib.kl_divergence(a, b, base="nats"), _t(p), _t(p))
    np.testing.assert_array_equal(gp, np.ones(3))
    np.testing.assert_array_equal(gq, -np.ones(3))
    gp, gq = _grads(lambda a, b: ib.js_distance(a, b), _t(p), _t(p))
    assert _all_finite(gp, gq)
    za = np.log(p)
    (g,) = _grads(lambda a: ib.kl_divergence(ib.logits(a), ib.logits(torch.tensor(za))), _t(za))
    np.testing.assert_allclose(g, 0.0, atol=1e-16)
    gj = jax.grad(lambda a: ib.kl_divergence(a, jnp.asarray(p), base="nats"))(jnp.asarray(p))
    np.testing.assert_allclose(np.asarray(gj), 1.0, rtol=1e-15)


def test_float32_training_gradients_are_finite_at_every_edge() -> None:
    z = torch.tensor([[0.0, -math.inf, 30.0], [-1e4, 0.0, 1e4]], requires_grad=True)
    p = torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    loss = ib.cross_entropy(p, ib.logits(z), base="nats").sum()
    loss = loss + ib.kl_divergence(p, ib.logits(z)).sum() + ib.entropy(ib.logits(z)).sum()
    (g,) = torch.autograd.grad(loss, z)
    assert torch.isfinite(loss) and torch.isfinite(g).all()
