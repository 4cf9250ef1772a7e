"""Triton kernels for the elementwise half of :func:`linear_cross_entropy`.

Each logit tile is made by the library's matrix multiply (cuBLAS does that best); what
is left is several memory-bound passes over the tile: the soft cap, the online
log-sum-exp, the target's logit, the row sum for label smoothing in the forward pass,
and the turn of logits into their gradient in the backward pass. One kernel per pass
direction fuses them, one program per row, reading the tile once and (backward) writing
it once. Used on CUDA when Triton is installed; with ``TRITON_INTERPRET=1`` the same
kernels run on the CPU, which is how they are tested.
"""

from __future__ import annotations

from typing import Any

import torch

try:
    import triton
    import triton.language as tl
except ImportError:  # optional: everything below is defined only with Triton present
    triton = None

__all__ = ["AVAILABLE", "backward_tile", "forward_tile"]

AVAILABLE = triton is not None

if AVAILABLE:
    _BLOCK = 1024

    @triton.jit
    def _tanh(x: Any) -> Any:
        # tanh(x) = 2σ(2x) − 1, from primitives every Triton backend (and the interpreter) has.
        return 2.0 * tl.sigmoid(2.0 * x) - 1.0

    @triton.jit
    def _forward_kernel(
        tile_ptr: Any,
        stride: Any,
        n_cols: Any,
        v0: Any,
        target_ptr: Any,
        m_ptr: Any,
        s_ptr: Any,
        picked_ptr: Any,
        total_ptr: Any,
        softcap: Any,
        HAS_CAP: tl.constexpr,
        SMOOTH: tl.constexpr,
        BLOCK: tl.constexpr,
    ) -> None:
        row = tl.program_id(0)
        t = tl.load(target_ptr + row) - v0
        m = tl.load(m_ptr + row)
        s = tl.load(s_ptr + row)
        picked = tl.load(picked_ptr + row)
        total = tl.load(total_ptr + row)
        for c0 in range(0, n_cols, BLOCK):
            cols = c0 + tl.arange(0, BLOCK)
            inside = cols < n_cols
            x = tl.load(tile_ptr + row * stride + cols, mask=inside, other=0.0).to(tl.float32)
            if HAS_CAP:
                x = softcap * _tanh(x / softcap)
            x = tl.where(inside, x, -float("inf"))
            m_new = tl.maximum(m, tl.max(x, 0))
            s = s * tl.exp(m - m_new) + tl.sum(tl.exp(x - m_new), 0)
            m = m_new
            picked += tl.sum(tl.where(cols == t, x, 0.0), 0)
            if SMOOTH:
                total += tl.sum(tl.where(inside, x, 0.0), 0)
        tl.store(m_ptr + row, m)
        tl.store(s_ptr + row, s)
        tl.store(picked_ptr + row, picked)
        tl.store(total_ptr + row, total)

    @triton.jit
    def _backward_kernel(
        tile_ptr: Any,
        stride: Any,
        n_cols: Any,
        v0: Any,
        target_ptr: Any,
        lse_ptr: Any,
        pscale_ptr: Any,
        coef_ptr: Any,
        spread: Any,
        keep: Any,
        softcap: Any,
        HAS_CAP: tl.constexpr,
        BLOCK: tl.constexpr,
    ) -> None:
        row = tl.program_id(0)
        t = tl.load(target_ptr + row) - v0
        lse = tl.load(lse_ptr + row)
        ps = tl.load(pscale_ptr + row)
        cf = tl.load(coef_ptr + row)
        for c0 in range(0, n_cols, BLOCK):
            cols = c0 + tl.arange(0, BLOCK)
            inside = cols < n_cols
            x = tl.load(tile_ptr + row * stride + cols, mask=inside, other=0.0).to(tl.float32)
            if HAS_CAP:
                th = _tanh(x / softcap)
                x = softcap * th
            d = tl.exp(x - lse) * ps - spread * cf
            d = tl.where(cols == t, d - keep * cf, d)
            if HAS_CAP:
                d = d * (1.0 - th * th)
            tl.store(tile_ptr + row * stride + cols, d, mask=inside)

    def forward_tile(
        raw: torch.Tensor,
        v0: int,
        target: torch.Tensor,
        state: tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor],
        softcap: float | None,
        smooth: bool,
    ) -> None:
        """Fold one tile of raw logits (rows × columns, float32, contiguous rows) into the
        running (max, sum, target logit, row sum) of its rows, in place."""
        m, s, picked, total = state
        n_rows, n_cols = raw.shape
        _forward_kernel[(n_rows,)](
            raw,
            raw.stride(0),
            n_cols,
            v0,
            target,
            m,
            s,
            picked,
            total,
            1.0 if softcap is None else softcap,
            HAS_CAP=softcap is not None,
            SMOOTH=smooth,
            BLOCK=min(_BLOCK, triton.next_power_of_2(n_cols)),
        )

    def backward_tile(
        raw: torch.Tensor,
        v0: int,
        target: torch.Tensor,
        lse: torch.Tensor,
        pscale: torch.Tensor,
        coef: torch.Tensor,
        spread: float,
        keep: float,
        softcap: float | None,
    ) -> None:
        """Turn a tile of raw logits into dloss/dlogits (before the matrix products), in
        place: p·pscale − spread·coef, minus keep·coef at the target, times the cap's slope."""
        n_rows, n_cols = raw.shape
        _backward_kernel[(n_rows,)](
            raw,
            raw.stride(0),
            n_cols,
            v0,
            target,
            lse,
            pscale,
            coef,
            spread,
            keep,
            1.0 if softcap is None else softcap,
            HAS_CAP=softcap is not None,
            BLOCK=min(_BLOCK, triton.next_power_of_2(n_cols)),
        )
