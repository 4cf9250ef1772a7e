"""linear_cross_entropy against the direct computation (materialised logits): values and
gradients in float64 to 1e-10 and float32 to 1e-5, every option, every tiling."""

from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F

import infobits as ib
from infobits.losses import linear_cross_entropy
from infobits.losses._linear import _TILES_ALIVE, _tiles


def _naive(
    h,
    w,
    y,
    *,
    bias=None,
    ignore_index=-100,
    reduction="mean",
    label_smoothing=0.0,
    z_loss=0.0,
    softcap=None,
):  # type: ignore[no-untyped-def]
    logits = h @ w.T
    if bias is not None:
        logits = logits + bias
    if softcap is not None:
        logits = softcap * torch.tanh(logits / softcap)
    per = F.cross_entropy(
        logits, y, ignore_index=ignore_index, reduction="none", label_smoothing=label_smoothing
    )
    if z_loss:
        lse = torch.logsumexp(logits, dim=-1)
        per = per + torch.where(y != ignore_index, z_loss * lse * lse, 0.0)
    if reduction == "none":
        return per
    if reduction == "sum":
        return per.sum()
    return per.sum() / (y != ignore_index).sum()


def _inputs(n: int, d: int, v: int, dtype: torch.dtype, seed: int = 0):  # type: ignore[no-untyped-def]
    g = torch.Generator().manual_seed(seed)
    h = torch.randn(n, d, generator=g, dtype=torch.float64).to(dtype)
    w = (torch.randn(v, d, generator=g, dtype=torch.float64) / d**0.5 * 3).to(dtype)
    b = torch.randn(v, generator=g, dtype=torch.float64).to(dtype)
    y = torch.randint(0, v, (n,), generator=g)
    y[::5] = -100
    return h, w, b, y


def _both(dtype, opts, budget, n=37, d=8, v=300):  # type: ignore[no-untyped-def]
    h, w, b, y = _inputs(n, d, v, dtype)
    use_bias = opts.pop("bias", False)
    args = [t.clone().requires_grad_(True) for t in (h, w, b)]
    ref = [t.clone().requires_grad_(True) for t in (h, w, b)]
    ours = linear_cross_entropy(
        args[0], args[1], y, bias=args[2] if use_bias else None, memory_budget=budget, **opts
    )
    theirs = _naive(ref[0], ref[1], y, bias=ref[2] if use_bias else None, **opts)
    g = torch.randn(ours.shape, dtype=ours.dtype, generator=torch.Generator().manual_seed(5))
    (ours * g).sum().backward()
    (theirs * g).sum().backward()
    grads = [(a.grad, r.grad) for a, r in zip(args, ref, strict=True) if r.grad is not None]
    return ours, theirs, grads


OPTIONS = [
    dict(bias=bias, label_smoothing=ls, z_loss=z, softcap=cap, reduction=red)
    for bias, ls, z, cap, red in itertools.product(
        [False, True], [0.0, 0.1], [0.0, 1e-3], [None, 5.0], ["mean", "sum", "none"]
    )
]


@pytest.mark.parametrize("opts", OPTIONS, ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()))
def test_float64_values_and_gradients_match_the_direct_computation_to_1e_10(opts: dict) -> None:
    # A 16 KiB budget forces row blocks and many vocabulary tiles.
    ours, theirs, grads = _both(torch.float64, dict(opts), budget=16 << 10)
    torch.testing.assert_close(ours, theirs, rtol=1e-10, atol=1e-10)
    for a, r in grads:
        torch.testing.assert_close(a, r, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("budget", [4 << 10, 64 << 10, 64 << 20])
def test_float32_matches_to_1e_5_relative_for_every_tiling(budget: int) -> None:
    opts = dict(bias=True, label_smoothing=0.1, z_loss=1e-4, softcap=30.0)
    ours, theirs, grads = _both(torch.float32, opts, budget=budget, n=64, d=32, v=1000)
    torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-6)
    for a, r in grads:
        scale = r.abs().max()
        torch.testing.assert_close(a / scale, r / scale, rtol=1e-5, atol=1e-5)


def test_matches_torchs_own_chunked_linear_cross_entropy() -> None:
    h, w, _, y = _inputs(50, 16, 700, torch.float64)
    want = F.linear_cross_entropy(h, w, y, ignore_index=-100)
    got = linear_cross_entropy(h, w, y, memory_budget=32 << 10)
    torch.testing.assert_close(got, want, rtol=1e-12, atol=0)


def test_gradcheck_against_finite_differences() -> None:
    h, w, b, y = _inputs(5, 3, 7, torch.float64)
    args = tuple(t.clone().requires_grad_(True) for t in (h, w, b))

    def f(hh, ww, bb):  # type: ignore[no-untyped-def]
        return linear_cross_entropy(
            hh, ww, y, bias=bb, label_smoothing=0.1, z_loss=0.01, softcap=4.0, memory_budget=256
        )

    assert torch.autograd.gradcheck(f, args, eps=1e-6, atol=1e-8)


def test_backward_twice_with_retain_graph_accumulates_the_same_gradient() -> None:
    h, w, _, y = _inputs(20, 8, 100, torch.float64)
    h.requires_grad_(True)
    loss = linear_cross_entropy(h, w, y, memory_budget=4 << 10)
    loss.backward(retain_graph=True)
    first = h.grad.clone()
    loss.backward()
    torch.testing.assert_close(h.grad, 2 * first, rtol=1e-14, atol=0)


# Dynamo's resume function after any graph break reads .grad of a non-leaf output and
# warns (PyTorch 2.13, for any torch.compiler.disable'd function); the result is right.
@pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor that is not a leaf")
def test_torch_compile_falls_back_cleanly() -> None:
    h, w, b, y = _inputs(20, 8, 100, torch.float32)
    w.requires_grad_(True)

    def step(hh, ww, bb, yy):  # type: ignore[no-untyped-def]
        return linear_cross_entropy(hh * 2.0, ww, yy, bias=bb, z_loss=1e-3) + 0.5

    compiled = torch.compile(step, backend="eager")
    got = compiled(h, w, b, y)
    want = _naive(h * 2.0, w, y, bias=b, z_loss=1e-3) + 0.5
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-6)
    got.backward()
    assert w.grad is not None and torch.isfinite(w.grad).all()


def test_only_requested_gradients_are_computed() -> None:
    h, w, _, y = _inputs(10, 4, 30, torch.float64)
    h.requires_grad_(True)
    linear_cross_entropy(h, w, y).backward()
    assert h.grad is not None and w.grad is None


def test_half_precision_inputs_are_computed_in_float32() -> None:
    h, w, _, y = _inputs(32, 16, 200, torch.float32)
    got = linear_cross_entropy(h.bfloat16(), w.bfloat16(), y)
    assert got.dtype == torch.bfloat16
    want = _naive(h.bfloat16().float(), w.bfloat16().float(), y)
    assert float(got) == pytest.approx(float(want), rel=1e-2)


def test_leading_dimensions_and_bits() -> None:
    h, w, _, y = _inputs(24, 8, 50, torch.float64)
    got = linear_cross_entropy(
        h.reshape(2, 3, 4, 8), w, y.reshape(2, 3, 4), reduction="none", base=2
    )
    assert got.shape == (2, 3, 4)
    torch.testing.assert_close(
        got.reshape(-1),
        _naive(h, w, y, reduction="none") / torch.log(torch.tensor(2.0, dtype=torch.float64)),
    )


def test_tiles_respect_the_memory_budget() -> None:
    for n, v, budget in [(8192, 65536, 64 << 20), (100, 300, 4096), (10**6, 50000, 1 << 20)]:
        bn, bv = _tiles(n, v, 4, budget)
        assert 1 <= bn <= n and 1 <= bv <= v
        assert bn * bv * 4 * _TILES_ALIVE <= max(budget, 4 * _TILES_ALIVE * 512)


def test_bad_inputs_are_explained() -> None:
    h, w, _, y = _inputs(6, 4, 10, torch.float32)
    with pytest.raises(ib.DistributionError, match=r"target\[2\] = 10 is not a class index"):
        linear_cross_entropy(h, w, torch.tensor([0, 1, 10, 2, 3, 4]))
    with pytest.raises(ValueError, match="needs 4 features"):
        linear_cross_entropy(h[:, :3], w, y)
    with pytest.raises(ValueError, match="targets of shape"):
        linear_cross_entropy(h, w, y[:3])
    with pytest.raises(TypeError, match="integer class indices"):
        linear_cross_entropy(h, w, y.float())
    with pytest.raises(TypeError, match="share one floating dtype"):
        linear_cross_entropy(h.double(), w, y)
    with pytest.raises(ValueError, match="reduction"):
        linear_cross_entropy(h, w, y, reduction="batchmean")
