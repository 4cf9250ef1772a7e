"""Cross-entropy through the output layer, without the [N, V] logits.

A language model's last layer turns N hidden states into N × V logits; with V in the
hundreds of thousands that matrix, its softmax and its gradient are most of the memory
of a training step. Yet the loss needs only one number per row (the log-sum-exp, the
log of the code's normaliser) besides the target's own logit. So we compute the logits
in tiles of the vocabulary, keep a running (online) log-sum-exp per row, and throw each
tile away; the backward pass recomputes each tile once and turns it straight into its
share of the three gradients. Memory is that of one tile, set by a budget, plus the
inputs' own gradients.
"""

from __future__ import annotations

import math
import os
from typing import Any

import torch

from .._errors import DistributionError
from .._units import Base, to_base

__all__ = ["linear_cross_entropy"]

#: Default bytes for the logit tiles that exist at one time.
DEFAULT_BUDGET = 64 << 20
#: Tile-sized buffers alive at once (the logits, and tanh of them under a softcap).
_TILES_ALIVE = 2


def _tiles(n: int, v: int, itemsize: int, budget: int) -> tuple[int, int]:
    """Row and vocabulary tile sizes whose buffers fit ``budget`` bytes.

    All rows at once when the budget allows at least 256 vocabulary columns (each weight
    tile is then read once per pass); otherwise row blocks with 512 columns.
    """
    elems = max(1, budget // (itemsize * _TILES_ALIVE))
    bv = elems // max(n, 1)
    if bv >= 256:
        bv = v if bv >= v else bv // 128 * 128
        return n, bv
    bv = min(v, 512)
    return max(1, min(n, elems // bv)), bv


class _Tiler:
    """Computes logit tiles into one preallocated buffer.

    Every tile-sized operation writes in place, so the loop allocates nothing of tile
    size: on the CPU a fresh large allocation costs page faults on every tile, and in
    all cases it would raise the peak above the budget.
    """

    def __init__(
        self,
        hidden: torch.Tensor,
        weight: torch.Tensor,
        bias: torch.Tensor | None,
        softcap: float | None,
        cdt: torch.dtype,
        budget: int,
    ) -> None:
        n, v = hidden.shape[0], weight.shape[0]
        self.hidden, self.weight, self.bias, self.softcap, self.cdt = (
            hidden,
            weight,
            bias,
            softcap,
            cdt,
        )
        self.bn, self.bv = _tiles(n, v, torch.finfo(cdt).bits // 8, budget)
        size = self.bn * self.bv
        self._buf = torch.empty(size, dtype=cdt, device=hidden.device)
        self._th = torch.empty(size, dtype=cdt, device=hidden.device) if softcap else None

    def blocks(self) -> list[tuple[int, int]]:
        n = self.hidden.shape[0]
        return [(r0, min(n, r0 + self.bn)) for r0 in range(0, n, self.bn)]

    def vocab(self) -> list[tuple[int, int]]:
        v = self.weight.shape[0]
        return [(v0, min(v, v0 + self.bv)) for v0 in range(0, v, self.bv)]

    def rows(self, r0: int, r1: int) -> torch.Tensor:
        return self.hidden[r0:r1].to(self.cdt)

    def cols(self, v0: int, v1: int) -> torch.Tensor:
        return self.weight[v0:v1].to(self.cdt)

    def logits(
        self, h: torch.Tensor, w: torch.Tensor, v0: int, v1: int
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Logits of rows ``h`` against vocabulary tile ``w``; and tanh(raw/c) if capped."""
        shape = (h.shape[0], w.shape[0])
        tile = self._buf[: shape[0] * shape[1]].view(shape)
        if self.bias is None:
            torch.matmul(h, w.T, out=tile)
        else:
            torch.addmm(self.bias[v0:v1].to(self.cdt), h, w.T, out=tile)
        if self._th is None or self.softcap is None:
            return tile, None
        th = self._th[: shape[0] * shape[1]].view(shape)
        torch.div(tile, self.softcap, out=th)
        th.tanh_()
        torch.mul(th, self.softcap, out=tile)
        return tile, th


class _LinearCrossEntropy(torch.autograd.Function):
    """Per-row losses of softmax(h Wᵀ + b) against targets; saves only the inputs and
    one log-sum-exp per row."""

    @staticmethod
    def forward(
        ctx: Any,
        hidden: torch.Tensor,
        weight: torch.Tensor,
        bias: torch.Tensor | None,
        target: torch.Tensor,
        ignore_index: int,
        label_smoothing: float,
        z_loss: float,
        softcap: float | None,
        budget: int,
        use_triton: bool,
    ) -> torch.Tensor:
        n, v = hidden.shape[0], weight.shape[0]
        dev = hidden.device
        cdt = torch.float64 if hidden.dtype == torch.float64 else torch.float32
        # The Triton kernels apply the cap themselves, to raw logits.
        tiler = _Tiler(hidden, weight, bias, None if use_triton else softcap, cdt, budget)
        valid = target != ignore_index
        safe_t = torch.where(valid, target, 0)
        lse = torch.empty(n, dtype=cdt, device=dev)
        picked = torch.zeros(n, dtype=cdt, device=dev)
        total = torch.zeros(n, dtype=cdt, device=dev)
        for r0, r1 in tiler.blocks():
            h = tiler.rows(r0, r1)
            t = safe_t[r0:r1]
            m = torch.full((r1 - r0,), -math.inf, dtype=cdt, device=dev)
            s = torch.zeros(r1 - r0, dtype=cdt, device=dev)
            for v0, v1 in tiler.vocab():
                tile, _ = tiler.logits(h, tiler.cols(v0, v1), v0, v1)
                if use_triton:
                    state = (m, s, picked[r0:r1], total[r0:r1])
                    _triton().forward_tile(tile, v0, t, state, softcap, label_smoothing > 0)
                    continue
                rows = ((t >= v0) & (t < v1)).nonzero(as_tuple=True)[0]
                if rows.numel():
                    picked[r0 + rows] = tile[rows, t[rows] - v0]
                if label_smoothing > 0:
                    total[r0:r1] += tile.sum(dim=1)
                # Online log-sum-exp (Milakov & Gimelshein): rescale the running sum
                # whenever the running maximum grows.
                mt = tile.amax(dim=1)
                tile.sub_(mt[:, None]).exp_()
                st = tile.sum(dim=1)
                m_new = torch.maximum(m, mt)
                s = s * torch.exp(m - m_new) + st * torch.exp(mt - m_new)
                m = m_new
            lse[r0:r1] = m + torch.log(s)
        eps = label_smoothing
        loss = lse - (1.0 - eps) * picked
        if eps > 0:
            loss = loss - (eps / v) * total
        if z_loss:
            loss = loss + z_loss * lse * lse
        loss = torch.where(valid, loss, 0.0)
        # Float32 is enough for the log-sum-exp of 16- and 32-bit inputs; float64 inputs
        # keep float64, so the 1e-10 agreement with the direct computation survives.
        ctx.save_for_backward(hidden, weight, bias, target, lse)
        ctx.opts = (ignore_index, label_smoothing, z_loss, softcap, budget, use_triton)
        return loss

    @staticmethod
    def backward(ctx: Any, grad_loss: torch.Tensor) -> tuple[Any, ...]:
        hidden, weight, bias, target, lse = ctx.saved_tensors
        ignore_index, eps, z_loss, softcap, budget, use_triton = ctx.opts
        need_h, need_w, need_b = ctx.needs_input_grad[:3]
        v = weight.shape[0]
        cdt = lse.dtype
        tiler = _Tiler(hidden, weight, bias, None if use_triton else softcap, cdt, budget)
        valid = target != ignore_index
        safe_t = torch.where(valid, target, 0)
        coef = torch.where(valid, grad_loss.to(cdt), 0.0)
        # d/dl_c of lse + z·lse² is p_c·(1 + 2z·lse); smoothing spreads ε/V over classes.
        pscale = coef * (1.0 + 2.0 * z_loss * lse) if z_loss else coef
        spread = (eps / v) * coef
        grad_h = torch.zeros(hidden.shape, dtype=cdt, device=hidden.device) if need_h else None
        grad_w = torch.zeros(weight.shape, dtype=cdt, device=weight.device) if need_w else None
        grad_b = (
            torch.zeros(v, dtype=cdt, device=weight.device) if need_b and bias is not None else None
        )
        for r0, r1 in tiler.blocks():
            h = tiler.rows(r0, r1)
            t = safe_t[r0:r1]
            for v0, v1 in tiler.vocab():
                w = tiler.cols(v0, v1)
                dl, th = tiler.logits(h, w, v0, v1)
                if use_triton:
                    _triton().backward_tile(
                        dl,
                        v0,
                        t,
                        lse[r0:r1],
                        pscale[r0:r1],
                        coef[r0:r1],
                        eps / v,
                        1.0 - eps,
                        softcap,
                    )
                else:
                    dl.sub_(lse[r0:r1, None]).exp_().mul_(pscale[r0:r1, None])
                    if eps > 0:
                        dl.sub_(spread[r0:r1, None])
                    rows = ((t >= v0) & (t < v1)).nonzero(as_tuple=True)[0]
                    if rows.numel():
                        dl[rows, t[rows] - v0] -= (1.0 - eps) * coef[r0 + rows]
                    if th is not None:  # d(c·tanh(x/c))/dx = 1 − tanh²
                        th.mul_(th).neg_().add_(1.0)
                        dl.mul_(th)
                if grad_h is not None:
                    grad_h[r0:r1].addmm_(dl, w)
                if grad_w is not None:
                    grad_w[v0:v1].addmm_(dl.T, h)
                if grad_b is not None:
                    grad_b[v0:v1] += dl.sum(dim=0)
        return (
            None if grad_h is None else grad_h.to(hidden.dtype),
            None if grad_w is None else grad_w.to(weight.dtype),
            None if grad_b is None else grad_b.to(bias.dtype),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        )


def _triton() -> Any:
    from . import _linear_triton

    return _linear_triton


def _use_triton(kernel: str, hidden: torch.Tensor) -> bool:
    if kernel not in ("auto", "torch", "triton"):
        raise ValueError(f"kernel={kernel!r} is not one of 'auto', 'torch', 'triton'")
    if kernel == "torch":
        return False
    available = _triton().AVAILABLE
    if kernel == "auto":
        return bool(available and hidden.is_cuda and hidden.dtype != torch.float64)
    if not available:
        raise ImportError("kernel='triton' needs Triton: pip install triton")
    if hidden.dtype == torch.float64:
        raise TypeError("kernel='triton' computes in float32; use kernel='torch' for float64")
    if not hidden.is_cuda and os.environ.get("TRITON_INTERPRET") != "1":
        raise ValueError(
            "kernel='triton' on CPU tensors needs TRITON_INTERPRET=1 (the Triton "
            "interpreter); on the CPU kernel='torch' is the fast path"
        )
    return True


@torch.compiler.disable
def linear_cross_entropy(
    hidden: torch.Tensor,
    weight: torch.Tensor,
    target: torch.Tensor,
    *,
    bias: torch.Tensor | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
    z_loss: float = 0.0,
    softcap: float | None = None,
    base: Base = "nats",
    memory_budget: int = DEFAULT_BUDGET,
    kernel: str = "auto",
    check: bool = True,
) -> torch.Tensor:
    r"""Cross-entropy of softmax(hidden·weightᵀ + bias) against class indices, computed
    without ever materialising the [N, V] logits.

    With logits lₙ = c·tanh((W hₙ + b)/c) (``softcap`` c; no cap by default), and
    Lₙ = log Σ_v exp(l_{n,v}), the loss of row n is

        ℓₙ = Lₙ − (1 − ε)·l_{n,yₙ} − (ε/V)·Σ_v l_{n,v} + z·Lₙ²

    (ε = ``label_smoothing``, z = ``z_loss``, the PaLM auxiliary loss that keeps the
    normaliser near 1). Rows whose target is ``ignore_index`` contribute 0; "mean"
    divides by the number of the others, as ``torch.nn.functional.cross_entropy`` does.

    The logits are computed in tiles of the vocabulary with an online log-sum-exp; the
    autograd function saves only the inputs and one log-sum-exp per row (float32, or
    float64 for float64 inputs), and its backward pass recomputes each tile once. Tile
    sizes come from ``memory_budget`` (bytes for tile temporaries, 64 MiB by default).
    Half-precision inputs are computed in float32. Under ``torch.compile`` it runs
    eagerly (a graph break), as a whole. Backward may run twice (``retain_graph``).

    Args:
        hidden: ``(N, D)`` or ``(..., D)``. weight: ``(V, D)``, as ``nn.Linear`` stores
            it. target: integer class indices, shape ``(N,)`` or ``(...)``.
        bias: ``(V,)`` or None. reduction: "mean", "sum" or "none" (shape of target).
        base: "nats" (default) or 2 for bits. check: validate target indices (one host
            synchronisation).
        kernel: how the elementwise work on each tile is done. "torch": in-place torch
            operations; "triton": fused Triton kernels (16- and 32-bit inputs; on the
            CPU only under ``TRITON_INTERPRET=1``); "auto" (default): Triton for CUDA
            tensors when Triton is installed, torch otherwise.

    Returns:
        The loss, in ``hidden``'s dtype and units of ``base``.

    >>> import torch, infobits as ib
    >>> g = torch.Generator().manual_seed(0)
    >>> h = torch.randn(6, 4, generator=g, dtype=torch.float64, requires_grad=True)
    >>> w = torch.randn(10, 4, generator=g, dtype=torch.float64, requires_grad=True)
    >>> y = torch.tensor([0, 3, 9, -100, 2, 2])
    >>> loss = ib.losses.linear_cross_entropy(h, w, y)
    >>> naive = torch.nn.functional.cross_entropy(h @ w.T, y)
    >>> bool(abs(loss - naive) < 1e-12)
    True
    >>> loss.backward()

    Reference: E. Wijmans et al., "Cut Your Losses in Large-Vocabulary Language Models",
    ICLR 2025; M. Milakov, N. Gimelshein, "Online normalizer calculation for softmax",
    2018; A. Chowdhery et al., "PaLM", 2022 (z-loss); Gemma 2 (logit soft-capping).
    """
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction={reduction!r} is not one of 'mean', 'sum', 'none'")
    if not 0.0 <= float(label_smoothing) <= 1.0:
        raise ValueError(f"label_smoothing={label_smoothing!r} must lie in [0, 1]")
    if float(z_loss) < 0:
        raise ValueError(f"z_loss={z_loss!r} must be >= 0")
    if softcap is not None and not float(softcap) > 0:
        raise ValueError(f"softcap={softcap!r} must be a positive number or None")
    if int(memory_budget) <= 0:
        raise ValueError(f"memory_budget={memory_budget!r} must be a positive number of bytes")
    if weight.ndim != 2:
        raise ValueError(f"weight has shape {tuple(weight.shape)}; it must be (V, D)")
    v, d = weight.shape
    if hidden.ndim < 1 or hidden.shape[-1] != d:
        raise ValueError(
            f"hidden has shape {tuple(hidden.shape)} but weight has shape {(v, d)}; hidden "
            f"needs {d} features on its last axis"
        )
    if tuple(target.shape) != tuple(hidden.shape[:-1]):
        raise ValueError(
            f"target has shape {tuple(target.shape)}; hidden of shape "
            f"{tuple(hidden.shape)} needs targets of shape {tuple(hidden.shape[:-1])}"
        )
    if target.dtype.is_floating_point or target.dtype == torch.bool:
        raise TypeError(f"target has dtype {target.dtype}; it must hold integer class indices")
    if not hidden.dtype.is_floating_point or hidden.dtype != weight.dtype:
        raise TypeError(
            f"hidden ({hidden.dtype}) and weight ({weight.dtype}) must share one floating dtype"
        )
    if bias is not None and tuple(bias.shape) != (v,):
        raise ValueError(f"bias has shape {tuple(bias.shape)}; it must be ({v},)")
    use_triton = _use_triton(kernel, hidden)
    out_shape = tuple(target.shape)
    h2 = hidden.reshape(-1, d)
    t1 = target.reshape(-1)
    if check:
        bad = (t1 != ignore_index) & ((t1 < 0) | (t1 >= v))
        if bool(bad.any()):
            i = int(bad.nonzero()[0, 0])
            raise DistributionError(
                f"target[{i}] = {int(t1[i])} is not a class index in [0, {v}) nor "
                f"ignore_index={ignore_index}"
            )
    per = _LinearCrossEntropy.apply(
        h2,
        weight,
        bias,
        t1,
        int(ignore_index),
        float(label_smoothing),
        float(z_loss),
        None if softcap is None else float(softcap),
        int(memory_budget),
        use_triton,
    )
    if reduction == "none":
        out = per.reshape(out_shape)
    elif reduction == "sum":
        out = per.sum()
    else:
        out = per.sum() / (t1 != ignore_index).sum()
    return to_base(out, base).to(hidden.dtype)
