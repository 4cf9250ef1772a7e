"""cross_entropy_loss, kl_divergence_loss and binary_cross_entropy against PyTorch's own
definitions, in every combination of options, for values and gradients."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import infobits as ib
from infobits.losses import binary_cross_entropy, cross_entropy_loss, kl_divergence_loss

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
jnp = jax.numpy

SHAPES = [(7,), (6, 5), (4, 5, 3, 2)]


def _case(shape: tuple[int, ...], probs: bool, dtype: torch.dtype, seed: int = 0):  # type: ignore[no-untyped-def]
    g = torch.Generator().manual_seed(seed)
    z = (3 * torch.randn(shape, generator=g, dtype=torch.float64)).to(dtype)
    cdim = 1 if len(shape) >= 2 else 0
    c = shape[cdim]
    if probs:
        t = torch.softmax(torch.randn(shape, generator=g, dtype=torch.float64), dim=cdim)
        t = t.to(dtype)
    else:
        tshape = shape[:cdim] + shape[cdim + 1 :]
        t = torch.randint(0, c, tshape, generator=g)
        if t.ndim:
            t.view(-1)[::3] = -100  # some ignored items
    w = torch.rand(c, generator=g, dtype=torch.float64).to(dtype) + 0.5
    return z, t, w


COMBOS = list(
    itertools.product(SHAPES, [False, True], [None, "w"], [0.0, 0.2], ["mean", "sum", "none"])
)


@pytest.mark.parametrize("shape, probs, weighted, smoothing, reduction", COMBOS)
def test_cross_entropy_loss_equals_torch_in_every_combination(
    shape: tuple[int, ...], probs: bool, weighted: str | None, smoothing: float, reduction: str
) -> None:
    z, t, w = _case(shape, probs, torch.float64)
    weight = w if weighted else None
    z1 = z.clone().requires_grad_(True)
    z2 = z.clone().requires_grad_(True)
    kw = dict(weight=weight, label_smoothing=smoothing, reduction=reduction)
    ours = cross_entropy_loss(z1, t, **kw)  # type: ignore[arg-type]
    theirs = F.cross_entropy(z2, t, **kw)  # type: ignore[arg-type]
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    torch.testing.assert_close(ours, theirs, rtol=1e-12, atol=1e-14)
    (ours.sum() * 1.7).backward()
    (theirs.sum() * 1.7).backward()
    torch.testing.assert_close(z1.grad, z2.grad, rtol=1e-12, atol=1e-14)
    # The array-API implementation (used for NumPy, JAX, ...) gives the same numbers.
    w_np = None if weight is None else weight.numpy()
    generic = cross_entropy_loss(
        z.numpy(), t.numpy(), weight=w_np, label_smoothing=smoothing, reduction=reduction
    )
    np.testing.assert_allclose(generic, theirs.detach().numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("probs", [False, True])
def test_cross_entropy_loss_equals_torch_in_float32_and_bfloat16(probs: bool) -> None:
    z, t, w = _case((16, 9), probs, torch.float32)
    ours = cross_entropy_loss(z, t, weight=w, label_smoothing=0.1)
    torch.testing.assert_close(ours, F.cross_entropy(z, t, weight=w, label_smoothing=0.1))
    zb = z.bfloat16()
    tb = t.bfloat16() if probs else t
    got = cross_entropy_loss(zb, tb, check=not probs)
    assert got.dtype == torch.bfloat16
    assert float(got) == pytest.approx(
        float(F.cross_entropy(zb.float(), tb.float() if probs else t)), rel=1e-2
    )


def test_base_two_gives_bits_per_token() -> None:
    z, t, _ = _case((8, 6), False, torch.float64)
    nats = cross_entropy_loss(z, t)
    assert float(cross_entropy_loss(z, t, base=2)) == pytest.approx(
        float(nats) / math.log(2), rel=1e-15
    )
    assert (
        float(cross_entropy_loss(torch.zeros(3, 16), torch.tensor([1, 2, 3]), base="bits")) == 4.0
    )


def test_every_item_ignored_gives_nan_mean_as_torch_does() -> None:
    z, t = torch.zeros(2, 3), torch.tensor([-100, -100])
    assert math.isnan(float(cross_entropy_loss(z, t))) and math.isnan(float(F.cross_entropy(z, t)))


def test_cross_entropy_loss_runs_on_jax_and_numpy_with_the_same_value() -> None:
    z, t, w = _case((6, 5), False, torch.float64)
    want = float(F.cross_entropy(z, t, weight=w, label_smoothing=0.1))
    for conv in (jnp.asarray, np.asarray):
        got = cross_entropy_loss(
            conv(z.numpy()), conv(t.numpy()), weight=conv(w.numpy()), label_smoothing=0.1
        )
        assert float(got) == pytest.approx(want, rel=1e-13)
    g = jax.grad(lambda a: cross_entropy_loss(a, jnp.asarray(t.numpy())))(jnp.asarray(z.numpy()))
    zt = z.clone().requires_grad_(True)
    F.cross_entropy(zt, t).backward()
    np.testing.assert_allclose(np.asarray(g), zt.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_minus_inf_logits_off_target_keep_loss_and_gradient_finite() -> None:
    z = torch.tensor([[0.0, -math.inf, 1.0]], requires_grad=True)
    loss = cross_entropy_loss(z, torch.tensor([2]))
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(z.grad).all() and z.grad[0, 1] == 0.0
    zp = torch.tensor([[0.0, -math.inf, 1.0]], requires_grad=True)
    loss = cross_entropy_loss(zp, torch.tensor([[0.5, 0.0, 0.5]]))
    loss.backward()  # torch's own gives NaN here (0·-inf)
    assert torch.isfinite(loss) and torch.isfinite(zp.grad).all()


def test_class_index_out_of_range_names_the_position() -> None:
    with pytest.raises(
        ib.DistributionError, match=r"target\[1\] = 5 is not a class index in \[0, 5\)"
    ):
        cross_entropy_loss(torch.zeros(3, 5), torch.tensor([0, 5, 1]))
    with pytest.raises(ib.DistributionError, match=r"target\[0\] = -1"):
        cross_entropy_loss(torch.zeros(2, 5), torch.tensor([-1, 1]))


def test_probability_targets_must_be_distributions() -> None:
    with pytest.raises(
        ib.DistributionError, match=r"target sums to 0.9 along axis -1 at target\[0, :\]"
    ):
        cross_entropy_loss(
            torch.zeros(2, 2, dtype=torch.float64),
            torch.tensor([[0.5, 0.4], [0.5, 0.5]], dtype=torch.float64),
        )
    with pytest.raises(ValueError, match="shape"):
        cross_entropy_loss(torch.zeros(2, 3), torch.full((2, 2), 0.5))
    with pytest.raises(ValueError, match="one weight per class"):
        cross_entropy_loss(torch.zeros(2, 3), torch.tensor([0, 1]), weight=torch.ones(2))
    with pytest.raises(ValueError, match="label_smoothing"):
        cross_entropy_loss(torch.zeros(2, 3), torch.tensor([0, 1]), label_smoothing=1.5)


# ---------------------------------------------------------------------------
# KL divergence loss


def test_kl_loss_mean_is_torchs_batchmean_and_reads_in_natural_order() -> None:
    g = torch.Generator().manual_seed(1)
    p = torch.softmax(torch.randn(5, 7, generator=g, dtype=torch.float64), -1)
    z = torch.randn(5, 7, generator=g, dtype=torch.float64)
    logq = torch.log_softmax(z, -1)
    for ours, red in (("mean", "batchmean"), ("sum", "sum")):
        got = kl_divergence_loss(p, ib.logits(z), reduction=ours)
        torch.testing.assert_close(got, F.kl_div(logq, p, reduction=red), rtol=1e-12, atol=0)
    per = kl_divergence_loss(p, ib.log_probs(logq), reduction="none")
    torch.testing.assert_close(per, F.kl_div(logq, p, reduction="none").sum(-1), rtol=1e-12, atol=0)
    assert float(kl_divergence_loss(p, torch.exp(logq), base=2)) == pytest.approx(
        float(F.kl_div(logq, p, reduction="batchmean")) / math.log(2), rel=1e-12
    )


def test_kl_loss_gradient_in_logits_is_softmax_minus_p_over_rows() -> None:
    p = torch.tensor([[0.2, 0.8, 0.0], [1.0, 0.0, 0.0]], dtype=torch.float64)
    z = torch.tensor(
        [[0.0, 1.0, -math.inf], [0.0, 0.0, 0.0]], dtype=torch.float64, requires_grad=True
    )
    kl_divergence_loss(p, ib.logits(z)).backward()
    want = (torch.softmax(z.detach(), -1) - p) / 2
    torch.testing.assert_close(z.grad, want, rtol=1e-13, atol=1e-16)


def test_kl_loss_rejects_batchmean_and_explains_why() -> None:
    with pytest.raises(ValueError, match="already averages the per-distribution"):
        kl_divergence_loss([0.5, 0.5], [0.5, 0.5], reduction="batchmean")


def test_kl_loss_works_on_numpy_too() -> None:
    p, q = np.array([[0.5, 0.5], [1.0, 0.0]]), np.array([[0.5, 0.5], [0.5, 0.5]])
    assert float(kl_divergence_loss(p, q, base=2)) == 0.5
    assert float(kl_divergence_loss(p, q, reduction="sum", base=2)) == 1.0


# ---------------------------------------------------------------------------
# Binary cross-entropy


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy_equals_torch(reduction: str, weighted: bool) -> None:
    g = torch.Generator().manual_seed(2)
    z = 20 * torch.randn(4, 6, generator=g, dtype=torch.float64)
    y = torch.rand(4, 6, generator=g, dtype=torch.float64)
    y[0] = torch.round(y[0])
    kw: dict = {}
    if weighted:
        kw = dict(
            weight=torch.rand(6, dtype=torch.float64),
            pos_weight=torch.rand(6, dtype=torch.float64) * 3,
        )
    z1, z2 = z.clone().requires_grad_(True), z.clone().requires_grad_(True)
    ours = binary_cross_entropy(logits=z1, target=y, reduction=reduction, **kw)
    theirs = F.binary_cross_entropy_with_logits(z2, y, reduction=reduction, **kw)
    torch.testing.assert_close(ours, theirs, rtol=1e-12, atol=1e-14)
    ours.sum().backward()
    theirs.sum().backward()
    torch.testing.assert_close(z1.grad, z2.grad, rtol=1e-12, atol=1e-14)


def test_binary_cross_entropy_is_exact_for_huge_logits() -> None:
    z = torch.tensor([1e4, -1e4, 40.0, -40.0, 0.0], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([0.0, 1.0, 1.0, 0.0, 1.0], dtype=torch.float64)
    loss = binary_cross_entropy(logits=z, target=y, reduction="none")
    want = [1e4, 1e4, math.log1p(math.exp(-40.0)), math.log1p(math.exp(-40.0)), math.log(2)]
    np.testing.assert_allclose(loss.detach().numpy(), want, rtol=1e-15)
    loss.sum().backward()
    # σ(z) − y, written so that neither term rounds away (torch's own gives 0 at z = 40).
    zz, yy = z.detach().numpy(), y.numpy()
    with np.errstate(over="ignore"):
        want_grad = np.where(yy == 1, -1 / (1 + np.exp(zz)), 1 / (1 + np.exp(-zz)))
    np.testing.assert_allclose(z.grad.numpy(), want_grad, rtol=1e-15)


@pytest.mark.parametrize("bad, shown", [(1.5, "1.5"), (-0.25, "-0.25"), (math.nan, "nan")])
def test_binary_cross_entropy_rejects_targets_outside_zero_one(bad: float, shown: str) -> None:
    y = torch.tensor([[0.0, 1.0], [0.5, bad]])
    with pytest.raises(
        ib.DistributionError, match=rf"target\[1, 1\] = {shown} is outside \[0, 1\]"
    ):
        binary_cross_entropy(logits=torch.zeros(2, 2), target=y)


def test_binary_cross_entropy_takes_keywords_only() -> None:
    with pytest.raises(TypeError):
        binary_cross_entropy(torch.zeros(2), torch.zeros(2))  # type: ignore[misc]


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 7), st.integers(1, 5), st.integers(0, 2**31 - 1))
def test_probability_target_loss_is_entropy_plus_divergence(c: int, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = torch.tensor(rng.dirichlet(np.ones(c) * 0.5, size=n))
    z = torch.tensor(rng.normal(size=(n, c)) * 3)
    loss = cross_entropy_loss(z, p, reduction="none", base=2)
    h = torch.tensor(ib.entropy(p.numpy()))
    kl = torch.tensor(ib.kl_divergence(p.numpy(), ib.logits(z.numpy())))
    torch.testing.assert_close(loss, h + kl, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["weight", "pos_weight"])
@pytest.mark.parametrize("shape", [(4,), (2, 3), (3, 1)])
def test_binary_weights_that_do_not_fit_the_logits_are_refused_by_name(name, shape):
    torch = pytest.importorskip("torch")
    z, y = torch.randn(3), torch.tensor([0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=rf"^{name} has shape \({shape[0]},"):
        ib.losses.binary_cross_entropy(logits=z, target=y, **{name: torch.ones(shape)})


def test_binary_weights_that_broadcast_match_torch():
    torch = pytest.importorskip("torch")
    z, y = torch.randn(2, 3), torch.rand(2, 3)
    w, c = torch.rand(3), torch.rand(1, 3) + 0.5
    got = ib.losses.binary_cross_entropy(logits=z, target=y, weight=w, pos_weight=c)
    want = torch.nn.functional.binary_cross_entropy_with_logits(z, y, weight=w, pos_weight=c)
    assert float(got) == pytest.approx(float(want), rel=1e-6)
