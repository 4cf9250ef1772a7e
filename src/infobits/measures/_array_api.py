"""The measures on any array-API library (PyTorch, JAX, CuPy, array-api-strict, ...).

The NumPy engine is tuned for speed on the host; this one is written for the training
loop. It computes in the caller's library, dtype and device, and every formula is arranged
so that gradients are right at the edges, where naive code returns NaN:

* a zero probability pᵢ = 0 makes its term identically 0 (0·log 0 = 0). The term is
  computed from a "safe" copy of its operands, so no infinity ever meets the zero
  cotangent that ``where`` sends back (0·∞ = NaN is the known failure). Its gradient is
  0 in both p and q. In p that is a convention: the one-sided derivative of p·log p at
  p = 0 is infinite, and 0 is the derivative along the face of the simplex that p lives on;
* a tiny q > 0 gives the exact, large, finite derivative −p/q;
* logits at −inf are zero probabilities with zero gradient;
* p = q gives D(p‖q) = 0 with its exact derivatives (log(p/q) + 1 = 1 in p, −p/q = −1 in
  q), through the same cancellation-free form of the KL that the NumPy engine uses.

JAX on the CPU flushes subnormal numbers to zero: a probability below 2.2e-308 is a
zero there. Log-probabilities and logits are not affected (their logarithms are
ordinary numbers), and counts whose total overflows are normalised in log space.

Validation gives the NumPy engine's messages: the cheap checks run in the array's own
library and are brought to the host as one boolean; only when they fail is the array
copied to NumPy, to word the error with the position of the first bad entry. Inside a
traced function (``jax.jit``) pass ``check=False``. Everything is in nats until the end.

On PyTorch tensors, the KL divergence, the entropy of logits and the cross-entropy of
probabilities against logits take the closed-form
kernels of :mod:`infobits.measures._torch_kernels` (same values and gradients, a few passes
instead of many), which call back into this engine for the rows that need its care.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import _backend
from .._inputs import CHECKS, Kind, Tagged, check_elements, host_array, outcome_layout
from .._units import Base, to_base
from ._kl import F_COEF, H_COEF, SERIES_U

__all__ = [
    "conditional_entropy",
    "cross_entropy",
    "entropy",
    "joint_entropy",
    "js_distance",
    "js_divergence",
    "kl_divergence",
    "mutual_information",
    "perplexity",
    "self_information",
]

_const = _backend.const


def _constant(xp: Any, x: Any) -> Any:
    """``x`` without a gradient, in the libraries that have one (PyTorch, JAX)."""
    if _backend.is_torch_namespace(xp):
        return x.detach()
    if xp.__name__.startswith("jax"):
        import jax

        return jax.lax.stop_gradient(x)
    return x


@dataclass
class Arg:
    """One checked argument in its compute dtype, with the three views the formulas use.

    ``pos`` marks outcomes of positive probability; ``prob`` is exact 0 elsewhere; ``lsafe``
    is log-probability on ``pos`` and 0 elsewhere, so no -inf (and no infinite
    derivative) is ever formed where the term is defined to vanish.
    """

    xp: Any
    name: str
    kind: Kind
    v: Any
    axes: tuple[int, ...]
    out_dtype: Any
    _cache: dict[str, Any] = field(default_factory=dict)

    def pos(self) -> Any:
        if "pos" not in self._cache:
            v = self.v
            if self.kind in (Kind.PROBS, Kind.COUNTS):
                self._cache["pos"] = v > 0
            else:
                self._cache["pos"] = v > -math.inf
        return self._cache["pos"]

    def _total(self) -> Any:
        if "total" not in self._cache:
            # Counts near the dtype's maximum overflow to inf here (handled in logs); a
            # library that computes through NumPy would warn of it.
            with np.errstate(over="ignore"):
                self._cache["total"] = self.xp.sum(self.v, axis=self.axes, keepdims=True)
        return self._cache["total"]

    def _count_logs(self) -> Any:
        """log(c / Σc) of counts (0 at zeros); the largest count's as -log1p(rest),
        ``rest`` the others over it, since near certainty (counts [1e20, 1]) log Σc
        would round ``rest`` away. Where Σc overflows (1e308 + 1e308), all of them as
        log(c / top) - log1p(rest), in logs: JAX on the CPU flushes the subnormal
        reciprocal of a count near 1e308 to zero, so c / top cannot be trusted."""
        if "count_logs" not in self._cache:
            xp, v, pos = self.xp, self.v, self.pos()
            lc = xp.log(xp.where(pos, v, _const(xp, v, 1.0)))
            ltop = xp.max(
                xp.where(pos, lc, _const(xp, v, -math.inf)), axis=self.axes, keepdims=True
            )
            ltop = xp.where(xp.isfinite(ltop), ltop, xp.zeros_like(ltop))
            d = lc - ltop
            tops = pos & (d == 0)
            # expm1(d) at a top is 0 in value but carries the derivative tied counts need.
            e = xp.where(pos & ~tops, xp.exp(d), xp.where(tops, xp.expm1(d), xp.zeros_like(d)))
            n_tops = xp.sum(xp.astype(tops, v.dtype), axis=self.axes, keepdims=True)
            rest = xp.sum(e, axis=self.axes, keepdims=True) + (n_tops - 1)
            total = self._total()
            finite = xp.isfinite(total)
            plain = lc - xp.log(xp.where(finite, total, _const(xp, v, 1.0)))
            out = xp.where(finite, plain, d - xp.log1p(rest))
            self._cache["count_logs"] = xp.where(tops, d - xp.log1p(rest), out)
        return self._cache["count_logs"]

    def logp_full(self) -> Any:
        """Log-probabilities with -inf at zeros (for values, not for gradients)."""
        if "lfull" not in self._cache:
            xp, v = self.xp, self.v
            if self.kind is Kind.LOG_PROBS:
                out = v
            elif self.kind is Kind.LOGITS:
                # The largest logit subtracted first, exactly, in the input dtype: large
                # float32 logits (1e4) would otherwise round log Σ e^z to their ulp.
                # The shift is a constant (no gradient): the result does not depend on it.
                m = _constant(xp, xp.max(v, axis=self.axes, keepdims=True))
                m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))
                out = _backend.log_softmax(xp, v - m, self.axes)
            else:
                out = xp.where(self.pos(), self.lsafe(), _const(xp, v, -math.inf))
            self._cache["lfull"] = out
        return self._cache["lfull"]

    def lsafe(self) -> Any:
        if "lsafe" not in self._cache:
            xp, v, pos = self.xp, self.v, self.pos()
            zero, one = _const(xp, v, 0.0), _const(xp, v, 1.0)
            if self.kind is Kind.PROBS:
                out = xp.log(xp.where(pos, v, one))
            elif self.kind is Kind.COUNTS:
                out = xp.where(pos, self._count_logs(), zero)
            else:
                out = xp.where(pos, self.logp_full(), zero)
            self._cache["lsafe"] = out
        return self._cache["lsafe"]

    def prob(self) -> Any:
        if "prob" not in self._cache:
            xp, v = self.xp, self.v
            if self.kind is Kind.PROBS:
                out = v
            elif self.kind is Kind.COUNTS:
                total = self._total()
                # Near the top of the range 1/total is subnormal, which JAX on the CPU
                # flushes to 0 (it divides by multiplying): there, from the logs.
                finite = total < xp.finfo(v.dtype).max / 16
                safe = xp.where(finite, total, _const(xp, v, 1.0))
                out = xp.where(
                    finite, v / safe, xp.exp(self.lsafe()) * xp.astype(self.pos(), v.dtype)
                )
            else:
                out = xp.where(self.pos(), xp.exp(self.lsafe()), _const(xp, v, 0.0))
            self._cache["prob"] = out
        return self._cache["prob"]


# ---------------------------------------------------------------------------
# Conversion and validation


def _convert(x: Any, name: str, xp: Any, device: Any, like: Any) -> tuple[Kind, Any, Any]:
    """Unwrap and bring ``x`` into ``xp``: returns (kind, compute array, output dtype)."""
    kind = x.kind if isinstance(x, Tagged) else Kind.PROBS
    raw = x.values if isinstance(x, Tagged) else x
    if isinstance(raw, Tagged):
        raise TypeError(f"{name} is wrapped twice ({x!r}); wrap the array once")
    if _backend.is_numpy(raw):
        host = host_array(raw, name)
        a = xp.asarray(host, device=device)
        # Lists and Python scalars take the library array's precision, as scalars do in
        # the array API; NumPy arrays keep their own dtype.
        if not isinstance(raw, np.ndarray | np.generic) and host.dtype.kind == "f":
            a = xp.astype(a, like)
    else:
        a = raw
    dt = a.dtype
    if xp.isdtype(dt, "real floating"):
        if _backend.eps_of(xp, dt) > 1e-4:  # half precision: accumulate in float32
            return kind, xp.astype(a, xp.float32), dt
        return kind, a, dt
    if xp.isdtype(dt, "integral") and kind is Kind.COUNTS:
        return kind, xp.astype(a, xp.float64), xp.float64
    if xp.isdtype(dt, "integral") or xp.isdtype(dt, "bool"):
        if kind is Kind.PROBS:
            what = "boolean" if xp.isdtype(dt, "bool") else "integer"
            raise TypeError(
                f"{name} has {what} dtype {dt}, but probabilities must be floating point; "
                f"if {name} holds counts, pass ib.counts({name}), otherwise convert it to a "
                "floating dtype"
            )
        raise TypeError(f"{name} has {dt} dtype, but {kind.value} must be floating point")
    raise TypeError(
        f"{name} has non-numeric dtype {dt}; expected a real floating-point array of {kind.value}"
    )


def _tol(xp: Any, a: Any) -> float:
    return math.sqrt(_backend.eps_of(xp, a.dtype))


def _host_dtype(dt: Any) -> np.dtype:
    """The NumPy dtype of the same name as a library's dtype (torch.float16 -> float16)."""
    try:
        return np.dtype(dt)
    except TypeError:
        return np.dtype(str(dt).rsplit(".", 1)[-1])


def _all(xp: Any, *conds: Any) -> Any:
    out = xp.all(conds[0])
    for c in conds[1:]:
        out = out & xp.all(c)
    return out


def _ok(arg: Arg) -> Any:
    """The checks of :mod:`infobits._inputs` as one device-side boolean (not yet synced)."""
    xp, v, axes = arg.xp, arg.v, arg.axes
    tol = math.sqrt(_backend.eps_of(xp, arg.out_dtype))  # the caller's dtype, not float32
    if _backend.is_torch_namespace(xp) and arg.kind is not Kind.COUNTS and v.numel() > 0:
        import torch

        # Reductions propagate NaN and overflow to ±inf, so a few whole-array reductions
        # make the same decision as the elementwise tests, without their temporaries.
        if arg.kind is Kind.PROBS:
            s = torch.sum(v, dim=axes)
            return (torch.amin(v) >= 0) & torch.all(torch.abs(s - 1) <= tol)
        if arg.kind is Kind.LOGITS:
            m = torch.amax(v, dim=axes)
            return torch.all((m > -math.inf) & (m < math.inf))
        lse = torch.logsumexp(v, dim=axes)
        return (torch.amax(v) <= tol) & torch.all(torch.abs(lse) <= tol)
    if arg.kind is Kind.PROBS:
        s = xp.sum(v, axis=axes)
        return _all(xp, xp.isfinite(v), v >= 0, xp.abs(s - 1) <= tol)
    if arg.kind is Kind.COUNTS:
        positive = xp.any(v > 0, axis=axes)  # not a sum, which can overflow
        return _all(xp, xp.isfinite(v), v >= 0, v == xp.floor(v), positive)
    if arg.kind is Kind.LOGITS:
        return _all(xp, ~xp.isnan(v), v < math.inf, xp.any(v > -math.inf, axis=axes))
    lse = _backend.logsumexp(xp, v, axes, keepdims=False)
    return _all(xp, ~xp.isnan(v), v < math.inf, v <= tol, xp.abs(lse) <= tol)


def _explain(arg: Arg) -> None:
    """Word the error of a failed check on the host (the NumPy engine's messages)."""
    host = _backend.to_numpy(arg.v)
    axes = tuple(a % host.ndim for a in arg.axes)
    CHECKS[arg.kind](host, arg.name, axes, _host_dtype(arg.out_dtype))
    # The host check rounds differently at the edge of the tolerance; it has the last word.


def validate(*args: Arg) -> None:
    """Check every argument with one host synchronisation; word the first failure."""
    if not args:
        return
    oks = [_ok(a) for a in args]
    total = oks[0]
    for ok in oks[1:]:
        total = total & ok
    if _backend.host_bool(total, args[0].name):
        return
    for arg, ok in zip(args, oks, strict=True):
        if not _backend.host_bool(ok, arg.name):
            _explain(arg)


def _prepare(
    args: Sequence[tuple[Any, str]],
    axis: int | Sequence[int],
    check: bool,
    *,
    min_ndim: int = 1,
) -> tuple[Any, list[Arg], tuple[int, ...], tuple[int, ...]]:
    """Bring arguments into one namespace; check shapes as the NumPy engine does.

    Returns (xp, args, broadcast shape, outcome axes as negative integers).
    """
    xp = _backend.namespace(*(x for x, _ in args))
    foreign = [
        (x.values if isinstance(x, Tagged) else x) for x, _ in args if not _backend.is_numpy(x)
    ]
    device = _backend.device_of(foreign[0])
    like = next((f.dtype for f in foreign if xp.isdtype(f.dtype, "real floating")), xp.float64)
    converted = [_convert(x, name, xp, device, like) for x, name in args]
    shapes = [tuple(a.shape) for _, a, _ in converted]
    names = [name for _, name in args]
    bshape, axes = outcome_layout(shapes, names, axis, min_ndim)
    out = [
        Arg(xp=xp, name=name, kind=kind, v=a, axes=axes, out_dtype=odt)
        for (kind, a, odt), name in zip(converted, names, strict=True)
    ]
    if check:
        validate(*out)
    return xp, out, bshape, axes


def _finish(xp: Any, nats: Any, base: Base, *args: Arg) -> Any:
    res = to_base(nats, base)
    dt = args[0].out_dtype
    for a in args[1:]:
        dt = xp.result_type(dt, a.out_dtype)
    res = xp.astype(res, dt) if res.dtype != dt else res
    return res + 0.0  # a zero is +0.0, never -0.0 (as the NumPy engine gives)


# ---------------------------------------------------------------------------
# Cancellation-free KL terms (see measures/_engine.py for the derivation)


def _poly(xp: Any, x: Any, coef: list[float]) -> Any:
    """Σ coef[k]·x^k by Horner's rule, with only the terms the dtype can see: at |x| <
    0.05 the series' terms fall by 20× each, so float64 needs 12 and float32 6 (each
    term is a pass over the whole array, and this runs inside training loops)."""
    terms = 12 if _backend.eps_of(xp, x.dtype) < 1e-10 else 6
    coef = coef[:terms]
    out = x * 0 + coef[-1]
    for c in reversed(coef[:-1]):
        out = out * x + c
    return out


def _kl_terms(xp: Any, p: Any, ppos: Any, q: Any, qpos: Any) -> tuple[Any, Any]:
    """(t, d) with Σt + Σd = Σ p·log(p/q), from probabilities; gradient-safe."""
    zero, one = _const(xp, p, 0.0), _const(xp, p, 1.0)
    both = ppos & qpos
    ps, qs = xp.where(both, p, one), xp.where(both, q, one)
    with np.errstate(over="ignore"):  # p/q beyond the range: the logs below take over
        u = (ps - qs) / qs
    small = xp.abs(u) < SERIES_U
    mid = (u >= -0.5) & (u <= 1.0)
    us = xp.where(small, u, zero)
    um = xp.where(mid, u, zero)
    lr = xp.where(mid, xp.log1p(um), xp.log(ps) - xp.log(qs))
    t = xp.where(small, qs * us * us * _poly(xp, us, F_COEF), ps * lr - (ps - qs))
    t = xp.where(both, t, zero)
    t = xp.where(ppos & ~qpos, _const(xp, p, math.inf), t)
    d = xp.where(ppos, p - q, zero)
    return t, d


def _kl_terms_log(xp: Any, pa: Arg, qa: Arg) -> tuple[Any, Any]:
    """As :func:`_kl_terms`, from log-probabilities (for logits and log-probs)."""
    p, q = pa.prob(), qa.prob()
    zero = _const(xp, p, 0.0)
    both = pa.pos() & qa.pos()
    v = xp.where(both, pa.lsafe() - qa.lsafe(), zero)
    small = xp.abs(v) < SERIES_U
    vs = xp.where(small, v, zero)
    t = xp.where(small, q * vs * vs * _poly(xp, vs, H_COEF), p * v - (p - q))
    # An outcome with p = 0 has h = 1: its t is q and its d is -q, so that Σd = Σ(p - q)
    # vanishes identically for two softmaxes.
    t = xp.where(both, t, xp.where(pa.pos(), zero, q))
    t = xp.where(pa.pos() & ~qa.pos(), _const(xp, p, math.inf), t)
    return t, p - q


def _kl_nats(xp: Any, pa: Arg, qa: Arg, axes: tuple[int, ...], keepdims: bool) -> Any:
    plain = (Kind.PROBS, Kind.COUNTS)
    if pa.kind in plain and qa.kind in plain:
        t, d = _kl_terms(xp, pa.prob(), pa.pos(), qa.prob(), qa.pos())
        total = xp.sum(t, axis=axes, keepdims=keepdims)
        if pa.kind is Kind.COUNTS and qa.kind is Kind.COUNTS:
            # Both normalised by construction, Σ(p - q) = 0: the terms' d (kept where
            # p > 0) sums to the q-mass where p = 0, a sum without cancellation.
            rest = xp.where(pa.pos(), _const(xp, t, 0.0), qa.prob())
            return total + xp.sum(rest, axis=axes, keepdims=keepdims)
        return total + xp.sum(d, axis=axes, keepdims=keepdims)
    # Σ(p - q) is 0 by definition for a softmax, or the other side's own sum minus one:
    # summing rounded differences would leave ~1e-16, as large as a KL near 1e-15.
    t, d = _kl_terms_log(xp, pa, qa)
    total = xp.sum(t, axis=axes, keepdims=keepdims)
    if pa.kind is Kind.LOGITS and qa.kind is Kind.LOGITS:
        return total
    if pa.kind is Kind.LOGITS:
        return total + (1.0 - xp.sum(qa.prob() + xp.zeros_like(t), axis=axes, keepdims=keepdims))
    if qa.kind is Kind.LOGITS:
        return total + (xp.sum(pa.prob() + xp.zeros_like(t), axis=axes, keepdims=keepdims) - 1.0)
    return total + xp.sum(d, axis=axes, keepdims=keepdims)


def _safe_sqrt(xp: Any, x: Any) -> Any:
    """√x with derivative 0 (not ∞·0 = NaN) at x = 0; NaN stays NaN, never 0."""
    pos = x > 0
    return xp.where(pos, xp.sqrt(xp.where(pos, x, _const(xp, x, 1.0))), x * 0)


def _at_least_zero(xp: Any, x: Any) -> Any:
    """max(x, 0) that passes x's gradient through at 0 (where ``maximum`` would halve
    it) and keeps NaN."""
    return xp.where(x < 0, xp.zeros_like(x), x)


# ---------------------------------------------------------------------------
# PyTorch overrides: the same numbers from closed-form kernels (._torch_kernels)


def _torch_fast(xp: Any, axes: tuple[int, ...], *args: Arg, kinds: tuple[Kind, ...]) -> bool:
    """True where the PyTorch kernels apply: one outcome axis, real data, kinds they take."""
    if not _backend.is_torch_namespace(xp) or len(axes) != 1:
        return False
    import torch

    if torch.compiler.is_compiling():  # the generic formulas trace; the kernels sync rows
        return False
    return all(a.kind in kinds and a.v.device.type != "meta" for a in args)


def _torch_rows(xp: Any, v: Any, bshape: tuple[int, ...], ax: int, dtype: Any) -> Any:
    """``v`` broadcast to ``bshape``, its outcome axis last, as (rows, outcomes)."""
    v = v.expand(bshape) if tuple(v.shape) != bshape else v
    v = v.movedim(ax, -1)
    v = xp.astype(v, dtype) if v.dtype != dtype else v
    return v.reshape(-1, v.shape[-1])


def _torch_unrows(out: Any, bshape: tuple[int, ...], ax: int, keepdims: bool) -> Any:
    lead = [n for i, n in enumerate(bshape) if i != ax % len(bshape)]
    out = out.reshape(lead)
    return out.unsqueeze(ax) if keepdims else out


def _torch_kl(xp: Any, pa: Arg, qa: Arg, bshape: tuple[int, ...], ax: int, keepdims: bool) -> Any:
    from . import _torch_kernels as _torch

    dtype = xp.result_type(pa.v.dtype, qa.v.dtype)
    a = _torch_rows(xp, pa.v, bshape, ax, dtype)
    b = _torch_rows(xp, qa.v, bshape, ax, dtype)

    def careful(ra: Any, rb: Any) -> Any:
        return _kl_nats(
            xp,
            Arg(xp=xp, name=pa.name, kind=pa.kind, v=ra, axes=(-1,), out_dtype=pa.out_dtype),
            Arg(xp=xp, name=qa.name, kind=qa.kind, v=rb, axes=(-1,), out_dtype=qa.out_dtype),
            (-1,),
            False,
        )

    return _torch_unrows(_torch.kl_rows(a, b, pa.kind, qa.kind, careful), bshape, ax, keepdims)


# ---------------------------------------------------------------------------
# The measures (signatures and meaning as in the NumPy modules)


def entropy(p: Any, *, base: Base, axis: int, keepdims: bool, check: bool) -> Any:
    xp, (pa,), bshape, axes = _prepare([(p, "p")], axis, check)
    if _torch_fast(xp, axes, pa, kinds=(Kind.LOGITS, Kind.LOG_PROBS)):
        from . import _torch_kernels as _torch

        rows = _torch_rows(xp, pa.v, bshape, axes[0], pa.v.dtype)
        nats = _torch_unrows(_torch.entropy_rows(rows, pa.kind), bshape, axes[0], keepdims)
        return _finish(xp, nats, base, pa)
    terms = xp.where(pa.pos(), -pa.prob() * pa.lsafe(), _const(xp, pa.v, 0.0))
    return _finish(xp, xp.sum(terms, axis=axes, keepdims=keepdims), base, pa)


def self_information(q: Any, *, base: Base, axis: int, check: bool) -> Any:
    if isinstance(q, Tagged):
        xp, (qa,), _, _ = _prepare([(q, "q")], axis, check)
        return _finish(xp, -qa.logp_full(), base, qa)
    xp = _backend.namespace(q)
    kind, a, odt = _convert(q, "q", xp, _backend.device_of(q), q.dtype)
    if check:
        ok = _all(xp, xp.isfinite(a), a >= 0, a <= 1.0 + _tol(xp, a))
        if not _backend.host_bool(ok, "q"):
            host = _backend.to_numpy(a)
            check_elements(host, "q", upper=1.0 + _tol(xp, a))
    arg = Arg(xp=xp, name="q", kind=kind, v=a, axes=(), out_dtype=odt)
    with np.errstate(divide="ignore"):  # libraries that compute through NumPy warn on log 0
        return _finish(xp, -xp.log(a), base, arg)


def cross_entropy(p: Any, q: Any, *, base: Base, axis: int, keepdims: bool, check: bool) -> Any:
    xp, (pa, qa), bshape, axes = _prepare([(p, "p"), (q, "q")], axis, check)
    if _torch_fast(xp, axes, pa, kinds=(Kind.PROBS,)) and _torch_fast(
        xp, axes, qa, kinds=(Kind.LOGITS,)
    ):
        from . import _torch_kernels as _torch

        dtype = xp.result_type(pa.v.dtype, qa.v.dtype)
        z = _torch_rows(xp, qa.v, bshape, axes[0], dtype)
        w = _torch_rows(xp, pa.v, bshape, axes[0], dtype)
        nats = _torch_unrows(_torch.soft_cross_entropy_rows(z, w), bshape, axes[0], keepdims)
        return _finish(xp, nats, base, pa, qa)
    ppos = pa.pos()
    zero = _const(xp, pa.prob(), 0.0)
    terms = xp.where(ppos, -pa.prob() * qa.lsafe(), zero)
    terms = xp.where(ppos & ~qa.pos(), _const(xp, pa.prob(), math.inf), terms)
    return _finish(xp, xp.sum(terms, axis=axes, keepdims=keepdims), base, pa, qa)


def kl_divergence(p: Any, q: Any, *, base: Base, axis: int, keepdims: bool, check: bool) -> Any:
    xp, (pa, qa), bshape, axes = _prepare([(p, "p"), (q, "q")], axis, check)
    if _torch_fast(xp, axes, pa, qa, kinds=(Kind.PROBS, Kind.LOGITS, Kind.LOG_PROBS)):
        nats = _torch_kl(xp, pa, qa, bshape, axes[0], keepdims)
    else:
        nats = _kl_nats(xp, pa, qa, axes, keepdims)
    return _finish(xp, _at_least_zero(xp, nats), base, pa, qa)


def js_divergence(p: Any, q: Any, *, base: Base, axis: int, keepdims: bool, check: bool) -> Any:
    xp, (pa, qa), _, axes = _prepare([(p, "p"), (q, "q")], axis, check)
    a, b = pa.prob(), qa.prob()
    # Positive means a positive probability here: a masked logit (-1e9) is a finite
    # logit whose probability underflows to 0, and must count as a zero.
    apos, bpos = a > 0, b > 0
    m = 0.5 * a + 0.5 * b
    t1, d1 = _kl_terms(xp, a, apos, m, m > 0)
    t2, d2 = _kl_terms(xp, b, bpos, m, m > 0)
    t, d = t1 + t2, d1 + d2
    # Halving a subnormal can round it to 0; there, a·log(2a/(a + b)) never forms m.
    tiny = (apos | bpos) & (m < xp.finfo(m.dtype).smallest_normal)
    one, zero = _const(xp, m, 1.0), _const(xp, m, 0.0)
    s = xp.where(tiny, a + b, one)
    ta = xp.where(
        tiny & apos, a * (math.log(2.0) + xp.log(xp.where(apos, a, one)) - xp.log(s)), zero
    )
    tb = xp.where(
        tiny & bpos, b * (math.log(2.0) + xp.log(xp.where(bpos, b, one)) - xp.log(s)), zero
    )
    t = xp.where(tiny, ta + tb, t)
    d = xp.where(tiny, zero, d)
    nats = 0.5 * (xp.sum(t, axis=axes, keepdims=keepdims) + xp.sum(d, axis=axes, keepdims=keepdims))
    nats = xp.minimum(xp.maximum(nats, _const(xp, nats, 0.0)), _const(xp, nats, math.log(2.0)))
    return _finish(xp, nats, base, pa, qa)


def js_distance(p: Any, q: Any, *, base: Base, axis: int, keepdims: bool, check: bool) -> Any:
    js = js_divergence(p, q, base=base, axis=axis, keepdims=keepdims, check=check)
    return _safe_sqrt(_backend.namespace(js), js)


def perplexity(p: Any, q: Any, *, axis: int, keepdims: bool, check: bool) -> Any:
    if q is None:
        h = entropy(p, base="nats", axis=axis, keepdims=keepdims, check=check)
    else:
        h = cross_entropy(p, q, base="nats", axis=axis, keepdims=keepdims, check=check)
    with np.errstate(over="ignore"):  # beyond the dtype's range, inf is the answer
        return _backend.namespace(h).exp(h)


def _table(pxy: Any, axes: Sequence[int], check: bool) -> tuple[Any, Arg, tuple[int, int]]:
    if len(axes) != 2:
        raise ValueError(f"axes must name two axes (X, Y) of the joint table, got {axes!r}")
    xp, (pa,), _, ax = _prepare([(pxy, "pxy")], tuple(axes), check, min_ndim=2)
    return xp, pa, (ax[0], ax[1])


def joint_entropy(pxy: Any, *, base: Base, axes: Sequence[int], keepdims: bool, check: bool) -> Any:
    xp, pa, ax = _table(pxy, axes, check)
    terms = xp.where(pa.pos(), -pa.prob() * pa.lsafe(), _const(xp, pa.v, 0.0))
    return _finish(xp, xp.sum(terms, axis=ax, keepdims=keepdims), base, pa)


def conditional_entropy(
    pxy: Any, *, base: Base, axes: Sequence[int], keepdims: bool, check: bool
) -> Any:
    xp, pa, ax = _table(pxy, axes, check)
    prob = pa.prob()
    pos = prob > 0  # a masked logit's underflowed probability is a zero
    zero, one = _const(xp, prob, 0.0), _const(xp, prob, 1.0)
    px = xp.sum(prob, axis=ax[1], keepdims=True)
    lpx = xp.log(xp.where(px > 0, px, one))
    # log p(x, y) from the same probabilities as log p(x): where Y is fixed by X they
    # are equal, and the term is exactly 0.
    terms = xp.where(pos, prob * (lpx - xp.log(xp.where(pos, prob, one))), zero)
    nats = xp.sum(terms, axis=ax, keepdims=keepdims)
    return _finish(xp, xp.maximum(nats, _const(xp, nats, 0.0)), base, pa)


def mutual_information(
    pxy: Any, *, base: Base, axes: Sequence[int], keepdims: bool, check: bool
) -> Any:
    xp, pa, ax = _table(pxy, axes, check)
    prob = pa.prob()
    px, py = xp.sum(prob, axis=ax[1], keepdims=True), xp.sum(prob, axis=ax[0], keepdims=True)
    prod = px * py
    pos = prob > 0  # underflowed logits are zeros
    t, d = _kl_terms(xp, prob, pos, prod, prod > 0)
    # Where p(x)·p(y) underflows to 0 under a positive p(x, y) ([[1, 0], [0, 1e-310]]),
    # the term p·log(p/(p(x)p(y))) - p comes from logs (d is p there).
    under = pos & ~(prod > 0)
    one = _const(xp, prob, 1.0)
    ls = xp.log(xp.where(under, prob, one))
    lq = xp.log(xp.where(under, px, one)) + xp.log(xp.where(under, py, one))
    t = xp.where(under, prob * (ls - lq) - prob, t)
    nats = xp.sum(t, axis=ax, keepdims=keepdims) + xp.sum(d, axis=ax, keepdims=keepdims)
    return _finish(xp, xp.maximum(nats, _const(xp, nats, 0.0)), base, pa)
