"""PyTorch kernels for the measures that training loops call every step: overrides
inside the array-API engine, and, through :mod:`infobits.measures.interface`, the
soft-target cross-entropy of the losses.

The array-API engine (:mod:`infobits.measures._array_api`) is written once for every
library, and pays for its generality with many elementwise passes: ``where`` branches that keep
gradients finite at the edges, and a power series for the cancellation-free KL. On a
PyTorch tensor the same numbers come from a few passes, in ``torch.autograd.Function``\\ s
whose backward is written in closed form:

* D(p‖q) = Σ p·(log p − log q) directly, with p = 0 terms dropped (0·log 0 = 0). Its
  derivatives are p·(d − D) in the logits of p (d = log p − log q), p·(d + 1) in log p,
  d + 1 in p, and q·Σp − p, −p, −p/q in the logits, log-probabilities and probabilities
  of q. A row where the direct sum loses digits to cancellation (D below
  ``KL_RECOMPUTE_BELOW``, as in the NumPy engine) is recomputed by the careful engine;
  the closed-form gradients need no such care, since they carry no cancellation;
* H(softmax z) = −Σ p·log p, with derivative −p·(log p + H) in z;
* the cross-entropy of logits against soft (weighted, smoothed) targets w, −Σ w·log q,
  with derivative q·Σw − w in the logits.

The common case runs with no masking at all: an edge (a zero probability meeting an
infinite log) shows up as a NaN in its row's sum, and only such rows are redone with
masks. Each kernel brings one row-sized boolean to the host to find those rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from .._inputs import Kind
from ._kl import KL_RECOMPUTE_BELOW

__all__ = ["entropy_rows", "kl_rows", "second_order", "soft_cross_entropy_rows"]

#: Kinds the fast KL takes; counts go through the careful engine.
FAST_KINDS = (Kind.PROBS, Kind.LOGITS, Kind.LOG_PROBS)


def _logp(v: torch.Tensor, kind: Kind) -> torch.Tensor:
    if kind is Kind.LOGITS:
        return torch.log_softmax(v, dim=-1)
    if kind is Kind.LOG_PROBS:
        return v
    return torch.log(v)


def _rows(flag: torch.Tensor) -> torch.Tensor | None:
    """Indices of the rows where ``flag`` holds, or None (one host synchronisation)."""
    idx = flag.nonzero().flatten()
    return idx if idx.numel() else None


def second_order(
    ctx: Any, g: torch.Tensor, inputs: tuple[Any, ...], reference: Callable[..., torch.Tensor]
) -> tuple[Any, ...] | None:
    """The gradient as a differentiable graph, when backward itself is differentiated.

    The closed-form backward works on tensors saved without history, so under
    ``create_graph=True`` (Hessian-vector products, as in natural-gradient and TRPO steps)
    the gradient is taken through ``reference`` instead, a differentiable formula of the
    same value. Returns None in the usual first-order case.
    """
    if not torch.is_grad_enabled():
        return None
    need = ctx.needs_input_grad[: len(inputs)]
    with torch.enable_grad():
        out = reference(*inputs)
    wrt = [x for x, n in zip(inputs, need, strict=True) if n]
    grads = iter(torch.autograd.grad(out, wrt, g, create_graph=True))
    firsts = tuple(next(grads) if n else None for n in need)
    return firsts + (None,) * (len(ctx.needs_input_grad) - len(inputs))


class _KL(torch.autograd.Function):
    @staticmethod
    def forward(
        ctx: Any,
        a: torch.Tensor,
        b: torch.Tensor,
        ka: Kind,
        kb: Kind,
        careful: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    ) -> torch.Tensor:
        lp = _logp(a, ka)
        p = a if ka is Kind.PROBS else torch.exp(lp)
        if ka is Kind.PROBS:
            # log 0 = -inf would meet p = 0 in every row with a zero; any finite stand-in
            # works, as p = 0 multiplies it (its sum with -log q cannot overflow: log q ≤ 0).
            lp.clamp_(min=torch.finfo(lp.dtype).min)
        lq = _logp(b, kb)
        d = lp - lq
        kl = torch.linalg.vecdot(p, d)  # Σ p·d without a full-size temporary
        # NaN: p = 0 met an infinite d (0·∞, the term is 0 by convention); small: the direct
        # sum has lost digits to cancellation; inf: q = 0 under p > 0, the right answer,
        # whose slope is kept finite so that a zero cotangent (a masked row) gives 0.
        redo = _rows(~((kl >= KL_RECOMPUTE_BELOW) & (kl < torch.inf)))
        if redo is not None:
            pr, dr = p[redo], d[redo]
            dr = torch.where(pr > 0, dr, torch.zeros_like(dr))
            d[redo] = dr.clamp_(max=torch.finfo(dr.dtype).max)
            kl[redo] = careful(a[redo], b[redo])
        ctx.kinds, ctx.careful = (ka, kb), careful
        ctx.save_for_backward(p, d, lq, a, b, kl)
        return kl

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> tuple[Any, ...]:
        p, d, lq, a, b, kl = ctx.saved_tensors
        twice = second_order(ctx, g, (a, b), ctx.careful)
        if twice is not None:
            return twice
        ka, kb = ctx.kinds
        gk = g.unsqueeze(-1)
        ga = gb = None
        if ctx.needs_input_grad[0]:
            if ka is Kind.LOGITS:
                # An infinite row (q = 0 under p > 0) keeps its infinite slope, not ∞ − ∞.
                klf = torch.where(torch.isfinite(kl), kl, torch.zeros_like(kl))
                ga = torch.sub(d, klf.unsqueeze(-1)).mul_(p).mul_(gk)
            elif ka is Kind.LOG_PROBS:
                ga = torch.add(d, 1.0).mul_(p).mul_(gk)
            else:
                ga = torch.where(p > 0, d + 1, torch.zeros_like(d)) * gk
        if ctx.needs_input_grad[1]:
            if kb is Kind.LOGITS:
                q = torch.exp(lq)
                if ka is not Kind.LOGITS:  # Σp is 1 only for a softmax; off it, be exact
                    q.mul_(p.sum(dim=-1, keepdim=True))
                gb = q.sub_(p).mul_(gk)
            elif kb is Kind.LOG_PROBS:
                gb = torch.mul(p, gk).neg_()
            else:
                # -p/q, exact however large, but finite where q = 0 (see the forward)
                gb = torch.where(p > 0, -p / b, torch.zeros_like(p))
                gb = gb.clamp_(min=-torch.finfo(gb.dtype).max).mul_(gk)
        return ga, gb, None, None, None


@torch.compiler.disable  # host-synced row repair: run eagerly, between graphs
def kl_rows(
    a: torch.Tensor,
    b: torch.Tensor,
    ka: Kind,
    kb: Kind,
    careful: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> torch.Tensor:
    """D(p‖q) in nats of each row of two (R, C) tensors of the given kinds.

    ``careful(a_rows, b_rows)`` is the careful engine on some rows (differentiable): it
    gives the value of rows whose direct sum is below ``KL_RECOMPUTE_BELOW`` nats, and
    the gradient when the backward is itself differentiated.

    >>> import torch
    >>> from infobits._inputs import Kind
    >>> p = torch.tensor([[0.5, 0.5, 0.0]], dtype=torch.float64)
    >>> q = torch.tensor([[0.25, 0.25, 0.5]], dtype=torch.float64)
    >>> kl_rows(p, q, Kind.PROBS, Kind.PROBS, lambda a, b: None)  # ln 2
    tensor([0.6931], dtype=torch.float64)

    Reference: Kullback & Leibler 1951.
    """
    out: torch.Tensor = _KL.apply(a, b, ka, kb, careful)
    return out


def _entropy_reference(v: torch.Tensor, kind: Kind) -> torch.Tensor:
    lp = _logp(v, kind)
    pos = lp > -torch.inf
    lps = torch.where(pos, lp, torch.zeros_like(lp))  # no -inf where the term vanishes
    return -(torch.exp(lps) * lps * pos).sum(dim=-1)


#: A row whose likeliest outcome has log-probability above -this is near certainty: the
#: fused log-softmax gives that entry to an absolute error of about eps, a share of H
#: of eps / H. Float64 (eps 1e-16) keeps 1e-12 of H down to rest = 1e-4 of the other
#: outcomes' mass; float32 and narrower (eps 6e-8, 1e-5 of H) down to rest = 1e-2.
_NEAR_CERTAIN = {torch.float64: 1e-4}
_NEAR_CERTAIN_NARROW = 1e-2


def _log_softmax_certain(z: torch.Tensor, fused: torch.Tensor) -> torch.Tensor:
    """``fused`` (torch.log_softmax of rows z) with each row's largest entry recomputed as
    -log1p(rest), ``rest`` the sum of the others' e^(z - max), which keeps its digits."""
    s = z - z.amax(dim=-1, keepdim=True)
    top = s == 0
    e = torch.where(top, torch.zeros_like(s), torch.exp(s))
    rest = e.sum(dim=-1, keepdim=True) + (top.sum(dim=-1, keepdim=True) - 1)
    return torch.where(top, -torch.log1p(rest).expand_as(s), fused)


class _Entropy(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, v: torch.Tensor, kind: Kind) -> torch.Tensor:
        lp = _logp(v, kind)
        p = torch.exp(lp)
        h = -torch.linalg.vecdot(p, lp)
        flag = torch.isnan(h)  # p = 0 at a -inf log-probability: 0·log 0 = 0
        if kind is Kind.LOGITS:
            # Near certainty, log(1 + rest) rounds rest away and the likeliest outcome's
            # log-probability, about -rest, comes out 0: a share of H is lost.
            flag |= lp.amax(dim=-1) > -_NEAR_CERTAIN.get(lp.dtype, _NEAR_CERTAIN_NARROW)
        redo = _rows(flag)
        if redo is not None:
            if kind is Kind.LOGITS:
                lp[redo] = _log_softmax_certain(v[redo], lp[redo])
                p[redo] = torch.exp(lp[redo])
            h[redo] = -torch.nansum(p[redo] * lp[redo], dim=-1)
            lr = lp[redo]
            lp = lp.clone() if kind is Kind.LOG_PROBS else lp  # never write into the input
            lp[redo] = torch.where(lr > -torch.inf, lr, torch.zeros_like(lr))
        ctx.kind = kind
        ctx.save_for_backward(p, lp, h, v)
        return h

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> tuple[Any, ...]:
        p, lp, h, v = ctx.saved_tensors
        twice = second_order(ctx, g, (v,), lambda x: _entropy_reference(x, ctx.kind))
        if twice is not None:
            return twice
        shift = h.unsqueeze(-1) if ctx.kind is Kind.LOGITS else 1.0
        return torch.add(lp, shift).mul_(p).mul_((-g).unsqueeze(-1)), None


@torch.compiler.disable  # host-synced row repair: run eagerly, between graphs
def entropy_rows(v: torch.Tensor, kind: Kind) -> torch.Tensor:
    """H in nats of each row of an (R, C) tensor of logits or log-probabilities.

    >>> import torch
    >>> from infobits._inputs import Kind
    >>> entropy_rows(torch.tensor([[0.0, 0.0, -torch.inf]]), Kind.LOGITS)  # ln 2
    tensor([0.6931])

    Reference: C. E. Shannon, "A Mathematical Theory of Communication", 1948, §6.
    """
    out: torch.Tensor = _Entropy.apply(v, kind)
    return out


def _soft_ce_reference(z: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    lq = torch.log_softmax(z, dim=-1)
    on = w != 0
    return -(w * torch.where(on, lq, torch.zeros_like(lq))).sum(dim=-1)


class _SoftCE(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, z: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        lq = torch.log_softmax(z, dim=-1)
        per = -torch.linalg.vecdot(w, lq)
        redo = _rows(torch.isnan(per))  # w = 0 at a -inf logit: the term is 0
        if redo is not None:
            wr = w[redo]
            tr = wr * lq[redo]
            per[redo] = -torch.where(wr != 0, tr, torch.zeros_like(tr)).sum(dim=-1)
        ctx.save_for_backward(w, lq, z)
        return per

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> tuple[Any, ...]:
        w, lq, z = ctx.saved_tensors
        twice = second_order(ctx, g, (z, w), _soft_ce_reference)
        if twice is not None:
            return twice
        gk = g.unsqueeze(-1)
        gz = gw = None
        if ctx.needs_input_grad[0]:
            gz = torch.exp(lq).mul_(w.sum(dim=-1, keepdim=True)).sub_(w).mul_(gk)
        if ctx.needs_input_grad[1]:
            gw = torch.where(w != 0, -lq, torch.zeros_like(lq))
            gw = gw.clamp_(max=torch.finfo(gw.dtype).max).mul_(gk)
        return gz, gw


@torch.compiler.disable  # host-synced row repair: run eagerly, between graphs
def soft_cross_entropy_rows(z: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """−Σ w·log softmax(z) in nats of each row of two (R, C) tensors (w = 0 terms are 0).

    >>> import torch
    >>> soft_cross_entropy_rows(torch.zeros(1, 4), torch.tensor([[0.5, 0.5, 0.0, 0.0]]))
    tensor([1.3863])

    Reference: Cover & Thomas, *Elements of Information Theory*, 2006, §2.3.
    """
    out: torch.Tensor = _SoftCE.apply(z, w)
    return out
