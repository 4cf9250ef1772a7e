"""The PyTorch kernels (of the measures and of the losses) against the careful array-API
engine and the NumPy engine: the same values and gradients for every kind of input, at
the edges (zero probabilities, -inf logits, q = 0, p = q), in the rows that are
recomputed because their KL is tiny, and along any axis with broadcasting; and gradcheck
in float64."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
import pytest
import torch

import infobits as ib
from infobits._inputs import Kind
from infobits.losses import _torch_kernels as _loss_kernels
from infobits.measures import _array_api as _xp
from infobits.measures import _torch_kernels as _torch

F64 = torch.float64
WRAP: dict[str, Callable[[Any], Any]] = {
    "probs": lambda a: a,
    "logits": ib.logits,
    "log_probs": ib.log_probs,
}


@pytest.fixture
def careful(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[], Any]], Any]:
    """Run a thunk with the PyTorch kernels switched off (the generic engine only)."""

    def run(thunk: Callable[[], Any]) -> Any:
        with monkeypatch.context() as m:
            m.setattr(_xp, "_torch_fast", lambda *a, **k: False)
            return thunk()

    return run


def _data(kind: str, rng: np.random.Generator, shape: tuple[int, ...], edges: bool) -> np.ndarray:
    p = rng.dirichlet(np.ones(shape[-1]), size=shape[:-1])
    if edges:
        p[..., 0, 1] = 0.0  # a zero probability in one row
        p = p / p.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore"):
        if kind == "logits":
            return np.log(p) + rng.standard_normal((*shape[:-1], 1))
        if kind == "log_probs":
            return np.log(p)
    return p


def _value_and_grads(
    f: Callable[..., torch.Tensor], arrays: list[np.ndarray], weights: torch.Tensor
) -> tuple[np.ndarray, list[np.ndarray]]:
    xs = [torch.tensor(a, dtype=F64, requires_grad=True) for a in arrays]
    out = f(*xs)
    grads = torch.autograd.grad((out * weights).sum(), xs)
    return out.detach().numpy(), [g.numpy() for g in grads]


@pytest.mark.parametrize("kp", list(WRAP))
@pytest.mark.parametrize("kq", list(WRAP))
@pytest.mark.parametrize("edges", [False, True])
def test_fast_kl_equals_the_careful_engine_in_value_and_gradient(
    careful: Callable[[Callable[[], Any]], Any], kp: str, kq: str, edges: bool
) -> None:
    rng = np.random.default_rng(11)
    a, b = _data(kp, rng, (4, 6), edges), _data(kq, rng, (4, 6), False)
    b[2] = a[2] if kp == kq else b[2]  # a row with p = q: KL exactly 0, recomputed
    wts = torch.tensor([1.0, -2.0, 0.5, 3.0], dtype=F64)

    def f(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return ib.kl_divergence(WRAP[kp](x), WRAP[kq](y), base="nats")

    v, g = _value_and_grads(f, [a, b], wts)
    cv, cg = careful(lambda: _value_and_grads(f, [a, b], wts))
    np.testing.assert_allclose(v, cv, rtol=1e-12, atol=1e-15)
    assert all(np.isfinite(got).all() for got in g)
    if kp == "probs":
        # At p = 0 the slope in p is 0 by the module's convention (the derivative along
        # the simplex face); the generic engine agrees except when q is a softmax, where
        # its Σp − 1 correction term leaks a slope of 1 there.
        zero = a == 0
        assert (g[0][zero] == 0).all()
        g[0][zero] = cg[0][zero] = 0.0
    for got, want in zip(g, cg, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-13)


def test_fast_kl_agrees_with_numpy_along_any_axis_with_broadcasting() -> None:
    rng = np.random.default_rng(12)
    p = rng.dirichlet(np.ones(5), size=(4, 1))
    q = rng.dirichlet(np.ones(5), size=3)
    for keepdims in (False, True):
        want = ib.kl_divergence(p, q, keepdims=keepdims)
        got = ib.kl_divergence(torch.tensor(p), torch.tensor(q), keepdims=keepdims)
        assert tuple(got.shape) == want.shape
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-13)
    pt, qt = np.moveaxis(p, -1, 0), np.moveaxis(q[None], -1, 0)  # outcomes on axis 0
    got = ib.kl_divergence(ib.logits(torch.tensor(np.log(pt))), torch.tensor(qt), axis=0)
    np.testing.assert_allclose(got.numpy(), ib.kl_divergence(p, q), rtol=1e-12)


def test_rows_with_tiny_kl_keep_their_relative_accuracy_among_large_ones() -> None:
    rng = np.random.default_rng(13)
    z = rng.standard_normal((5, 8))
    w = z.copy()
    w[[1, 3]] += 1e-6 * rng.standard_normal((2, 8))  # two rows with KL near 1e-13
    got = ib.kl_divergence(ib.logits(torch.tensor(z)), ib.logits(torch.tensor(w)), base="nats")
    mpmath.mp.dps = 50
    for r in range(5):
        lp = [mpmath.mpf(x) for x in z[r]]
        lq = [mpmath.mpf(x) for x in w[r]]
        zp, zq = (
            mpmath.log(mpmath.fsum(map(mpmath.exp, lp))),
            mpmath.log(mpmath.fsum(map(mpmath.exp, lq))),
        )
        ref = mpmath.fsum(
            mpmath.exp(a - zp) * ((a - zp) - (b - zq)) for a, b in zip(lp, lq, strict=True)
        )
        assert abs(float(got[r]) - float(ref)) <= 1e-8 * float(ref), r


def test_float32_fast_kl_and_entropy_match_float64_on_a_training_batch() -> None:
    g = torch.Generator().manual_seed(14)
    za, zb = 3 * torch.randn(64, 512, generator=g), 3 * torch.randn(64, 512, generator=g)
    kl32 = ib.kl_divergence(ib.logits(za), ib.logits(zb), base="nats")
    kl64 = ib.kl_divergence(ib.logits(za.double()), ib.logits(zb.double()), base="nats")
    torch.testing.assert_close(kl32.double(), kl64, rtol=2e-5, atol=0)
    h32, h64 = ib.entropy(ib.logits(za)), ib.entropy(ib.logits(za.double()))
    torch.testing.assert_close(h32.double(), h64, rtol=2e-6, atol=0)


def test_infinite_kl_where_q_is_zero_keeps_finite_rows_and_no_nan_gradients() -> None:
    p = torch.tensor([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]], dtype=F64, requires_grad=True)
    z = torch.tensor([[0.0, -math.inf, 0.0], [0.0, 1.0, 2.0]], dtype=F64, requires_grad=True)
    kl = ib.kl_divergence(p, ib.logits(z), base="nats")
    assert math.isinf(kl[0].item()) and math.isfinite(kl[1].item())
    want = ib.kl_divergence(p.detach().numpy()[1], ib.logits(z.detach().numpy()[1]), base="nats")
    assert kl[1].item() == pytest.approx(want, rel=1e-14)
    kl[1].backward()
    assert torch.isfinite(p.grad).all() and torch.isfinite(z.grad).all()
    assert (p.grad[0] == 0).all() and (z.grad[0] == 0).all()
    q = torch.tensor([[0.5, 0.0, 0.5], [0.1, 0.1, 0.8]], dtype=F64, requires_grad=True)
    kl = ib.kl_divergence(p.detach(), q, base="nats")
    assert math.isinf(kl[0].item())
    (g,) = torch.autograd.grad(kl[1], q)
    assert torch.isfinite(g).all() and (g[0] == 0).all()


@pytest.mark.parametrize("kind", ["logits", "log_probs"])
def test_fast_entropy_equals_the_careful_engine_with_minus_inf_entries(
    careful: Callable[[Callable[[], Any]], Any], kind: str
) -> None:
    rng = np.random.default_rng(15)
    a = _data(kind, rng, (3, 5), edges=True)
    wts = torch.tensor([1.0, 2.0, -1.0], dtype=F64)

    def f(x: torch.Tensor) -> torch.Tensor:
        return ib.entropy(WRAP[kind](x), base="nats")

    v, (g,) = _value_and_grads(f, [a], wts)
    cv, (cg,) = careful(lambda: _value_and_grads(f, [a], wts))
    np.testing.assert_allclose(v, cv, rtol=1e-13)
    np.testing.assert_allclose(g, cg, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(v, ib.entropy(WRAP[kind](a), base="nats"), rtol=1e-13)


def test_fast_cross_entropy_of_logits_equals_the_careful_engine(
    careful: Callable[[Callable[[], Any]], Any],
) -> None:
    rng = np.random.default_rng(19)
    p = _data("probs", rng, (4, 6), edges=True)
    z = rng.standard_normal((4, 6))
    z[0, 1] = -np.inf  # where p = 0
    wts = torch.tensor([1.0, -2.0, 0.5, 3.0], dtype=F64)

    def f(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return ib.cross_entropy(a, ib.logits(b), base="nats")

    v, g = _value_and_grads(f, [p, z], wts)
    cv, cg = careful(lambda: _value_and_grads(f, [p, z], wts))
    np.testing.assert_allclose(v, cv, rtol=1e-13)
    np.testing.assert_allclose(v, ib.cross_entropy(p, ib.logits(z), base="nats"), rtol=1e-13)
    for got, want in zip(g, cg, strict=True):
        assert np.isfinite(got).all()
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_log_probs_input_is_never_written_to() -> None:
    lp = torch.tensor([[0.0, -math.inf], [math.log(0.5), math.log(0.5)]], dtype=F64)
    before = lp.clone()
    ib.entropy(ib.log_probs(lp))
    ib.kl_divergence(ib.log_probs(lp), ib.log_probs(lp))
    assert torch.equal(lp, before)


# ---------------------------------------------------------------------------
# gradcheck of each kernel in float64


KINDS = {"probs": Kind.PROBS, "logits": Kind.LOGITS, "log_probs": Kind.LOG_PROBS}


@pytest.mark.parametrize("kp", list(KINDS))
@pytest.mark.parametrize("kq", list(KINDS))
def test_kl_kernel_passes_gradcheck(kp: str, kq: str) -> None:
    rng = np.random.default_rng(16)
    a = torch.tensor(_data(kp, rng, (3, 4), False), dtype=F64, requires_grad=True)
    b = torch.tensor(_data(kq, rng, (3, 4), False), dtype=F64, requires_grad=True)

    def careful_rows(ra: torch.Tensor, rb: torch.Tensor) -> torch.Tensor:
        raise AssertionError("no row here has a KL below the recompute threshold")

    f = lambda x, y: _torch.kl_rows(x, y, KINDS[kp], KINDS[kq], careful_rows)  # noqa: E731
    assert torch.autograd.gradcheck(f, (a, b), eps=1e-6, atol=1e-7, rtol=1e-6)


def test_entropy_soft_cross_entropy_and_bce_kernels_pass_gradcheck() -> None:
    g = torch.Generator().manual_seed(17)
    z = torch.randn(3, 5, generator=g, dtype=F64, requires_grad=True)
    w = torch.rand(3, 5, generator=g, dtype=F64, requires_grad=True)
    y = torch.rand(3, 5, generator=g, dtype=F64)
    lw = 1 + torch.rand(3, 5, generator=g, dtype=F64)
    for kind in (Kind.LOGITS, Kind.LOG_PROBS):
        assert torch.autograd.gradcheck(lambda x: _torch.entropy_rows(x, kind), (z,))  # noqa: B023
    assert torch.autograd.gradcheck(_torch.soft_cross_entropy_rows, (z, w))
    zb = (4 * z).detach().requires_grad_(True)
    assert torch.autograd.gradcheck(lambda x: _loss_kernels.bce_with_logits(x, y, None), (zb,))
    assert torch.autograd.gradcheck(lambda x: _loss_kernels.bce_with_logits(x, y, lw), (zb,))
    wt = torch.rand(5, generator=g, dtype=F64)
    for red in ("none", "sum", "mean"):
        f = lambda x: _loss_kernels.bce_with_logits(x, y, lw, wt, red)  # noqa: E731, B023
        assert torch.autograd.gradcheck(f, (zb,))


def test_second_derivatives_pass_gradgradcheck_through_every_kernel() -> None:
    """Hessian-vector products (natural-gradient and TRPO steps differentiate the KL
    twice) go through a differentiable reference formula, and are right."""
    g = torch.Generator().manual_seed(18)
    za = torch.randn(2, 4, generator=g, dtype=F64, requires_grad=True)
    zb = torch.randn(2, 4, generator=g, dtype=F64, requires_grad=True)
    p = torch.softmax(torch.randn(2, 4, generator=g, dtype=F64), -1).requires_grad_(True)
    y = torch.rand(2, 4, generator=g, dtype=F64)

    def kl(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return ib.kl_divergence(ib.logits(a), ib.logits(b), base="nats", check=False)

    assert torch.autograd.gradgradcheck(kl, (za, zb))
    kl_p = lambda a, b: ib.kl_divergence(a, ib.logits(b), check=False)  # noqa: E731
    assert torch.autograd.gradgradcheck(kl_p, (p, zb))
    ent = lambda a: ib.entropy(ib.logits(a), check=False)  # noqa: E731
    assert torch.autograd.gradgradcheck(ent, (za,))
    ce = lambda a, w: ib.losses.cross_entropy_loss(a, w, check=False)  # noqa: E731
    assert torch.autograd.gradgradcheck(ce, (za, p))
    bce = lambda a: ib.losses.binary_cross_entropy(logits=a, target=y)  # noqa: E731
    assert torch.autograd.gradgradcheck(bce, (3 * za.detach().requires_grad_(True),))
