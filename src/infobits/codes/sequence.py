"""Sequence models as coders: any callable that gives the next symbol's distribution.

A sequence model is a callable ``model(prefix)``: given the symbols so far (a read-only
1-D NumPy int64 array of length t), it returns q(· | x_<t), one row of K numbers, as
probabilities, ``ib.logits(...)`` or ``ib.log_probs(...)``, in NumPy or PyTorch (torch
tensors are read with ``.detach().cpu()``; torch is never imported here). An n-gram
table, a character-level network or a classifier over time all fit. :func:`encode`
writes Σ_t -log2 q(x_t | x_<t) bits plus at most 0.1% + 64; :func:`decode` calls the
model once per symbol, on the symbols it has decoded so far. (The coder keeps every
outcome at 2^-24 or more, so a symbol the model gives less than that costs about 24
bits, fewer than -log2 q: a confidently wrong model's stream can be shorter than its
cross-entropy.) Symbols with q = 0 are refused by :func:`encode`.

**Teacher forcing.** A model may also offer ``model.batch(symbols)``, returning all T
rows (T, K) at once, row t being q(· | symbols[:t]). :func:`encode` and
:func:`codelength` then evaluate the model in one pass; :func:`decode` cannot (it does
not know the symbols yet) and always steps.

**Encoder and decoder must see the same numbers.** The coder quantises every row to
integer weights out of 2^24; one differing bit in one row can change a weight, and then
the stream decodes to different symbols or is refused. Decoding is exact when the
decoder's ``model(prefix)`` returns, bit for bit, the row the encoder used: the same
model (weights, code, library versions, machine and thread settings) and a deterministic
computation.
``batch`` must therefore compute each row with the same arithmetic as a step. On a CPU,
PyTorch's matrix product for one row takes another kernel than for many rows, and their
last bits differ; evaluating a step as a block of the same shape as the batch's blocks
keeps them equal (see docs/sequence-models.md). Sampling, dropout left on, or a
nondeterministic GPU kernel breaks the rule. With ``check=True`` :func:`encode` probes
for it, comparing ``batch`` rows with steps at up to eight positions and a repeated
first step with itself, and refuses a model that disagrees; a difference that the
probes miss makes :func:`decode` return other symbols or raise ``ValueError``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from .._errors import DistributionError
from .._inputs import Kind, Tagged, sum_tolerance
from . import _deps
from ._bytes import as_bytes, check_count
from .stream import (
    _MAX_OUTCOMES,
    _capacity_bits,
    _coder_failure,
    _least_bits,
    _symbols,
    _two_columns,
    _zero_probability,
)

__all__: list[str] = []

#: Steps whose rows are handed to the coder together when encoding.
_BLOCK = 4096
#: Positions at which ``encode(check=True)`` compares ``model.batch`` with steps.
_PROBES = 8
#: The least any symbol can cost the coder: the likeliest of two or more outcomes has a
#: weight of at most 2^24 - 1 out of 2^24.
_LEAST_BITS_ANY = -math.log2(1.0 - 2.0**-24)


def _numpy(x: Any) -> tuple[np.ndarray, float]:
    """A model's output as a NumPy array, and how far its rows may sum from 1 (the
    square root of its own dtype's epsilon); torch tensors via ``.detach().cpu()``."""
    if hasattr(x, "detach") and hasattr(x, "cpu") and type(x).__module__.startswith("torch"):
        t = x.detach().cpu()
        if t.is_floating_point():
            tol = math.sqrt(sys.modules["torch"].finfo(t.dtype).eps)
            return np.asarray(t.double().numpy()), tol  # exact for every float type
        return np.asarray(t.numpy()), 0.0
    a = np.asarray(x)
    return a, sum_tolerance(a.dtype) if a.dtype.kind == "f" else 0.0


class _Output:
    """One output of the model, ``rows`` (T, K) in float64, checked.

    ``weights`` are what the coder gets (it normalises each row itself): probabilities
    as given, exp(z - max z) for logits, exp(log q) for log-probabilities; elementwise
    per row, so a row's weights do not depend on how many rows came with it.
    """

    dtype: np.dtype
    tol: float
    kind: Kind
    rows: np.ndarray
    weights: np.ndarray

    def __init__(self, out: Any, where: Callable[[int], str], t0: int, rows: int | None) -> None:
        """``rows`` is None for one step's output (K,), T for a batch's (T, K)."""
        kind = out.kind if isinstance(out, Tagged) else Kind.PROBS
        raw = out.values if isinstance(out, Tagged) else out
        try:
            a, self.tol = _numpy(raw)
        except Exception as e:
            raise TypeError(
                f"{where(t0)} returned {type(raw).__name__}, which is not an array "
                f"({type(e).__name__}: {e}); return a NumPy array or torch tensor of K numbers"
            ) from None
        if a.dtype.kind not in "f":
            hint = " (for counts, divide by their total)" if a.dtype.kind in "iub" else ""
            raise TypeError(
                f"{where(t0)} returned an array of dtype {a.dtype}; the next symbol's "
                f"distribution must be floating point{hint}"
            )
        want = "(K,)" if rows is None else f"({rows}, K)"
        if a.ndim != (1 if rows is None else 2) or (rows is not None and a.shape[0] != rows):
            raise DistributionError(
                f"{where(t0)} returned shape {a.shape}, not {want}: one row of K numbers "
                "per position"
                + ("; for a (1, K) output return out[0]" if rows is None and a.ndim == 2 else "")
            )
        self.dtype = a.dtype
        self.kind = kind
        self.rows = np.ascontiguousarray(a.reshape(rows or 1, -1), dtype=np.float64)
        if self.rows.shape[1] == 0:
            raise DistributionError(f"{where(t0)} returned shape {a.shape}: no outcomes (K = 0)")
        if self.rows.shape[1] > _MAX_OUTCOMES:
            raise ValueError(
                f"{where(t0)} returned {self.rows.shape[1]} outcomes, more than the "
                f"{_MAX_OUTCOMES} the coder's 24-bit probabilities can tell apart"
            )
        self._check(where, t0)

    def _check(self, where: Callable[[int], str], t0: int) -> None:
        v = self.rows
        tol = self.tol
        if self.kind is Kind.PROBS:
            bad = ~np.isfinite(v) | (v < 0)
            if bad.any():
                r, c = np.argwhere(bad)[0]
                raise DistributionError(
                    f"{where(t0 + r)} gave probability {v[r, c]} to outcome {c}; "
                    "probabilities must be finite and >= 0 (for scores return "
                    "ib.logits(z), for log-probabilities ib.log_probs(lp))"
                )
            s = v.sum(axis=1)
            off = np.abs(s - 1) > tol
            if off.any():
                r = int(np.argmax(off))
                raise DistributionError(
                    f"{where(t0 + r)} returned probabilities summing to {s[r]:.8g}; they "
                    f"must sum to 1 within {tol:.2g}; infobits never rescales "
                    "silently (return ib.logits(z) for unnormalised scores)"
                )
            self.weights = v
            return
        bad = np.isnan(v) | (v == np.inf)
        if bad.any():
            r, c = np.argwhere(bad)[0]
            raise DistributionError(
                f"{where(t0 + r)} returned {self.kind.value} with {v[r, c]} at outcome "
                f"{c}; they must be finite or -inf (a zero probability)"
            )
        top = v.max(axis=1, keepdims=True)
        dead = ~np.isfinite(top[:, 0])
        if dead.any():
            r = int(np.argmax(dead))
            raise DistributionError(
                f"{where(t0 + r)} returned {self.kind.value} that are all -inf; at least "
                "one outcome needs a finite value"
            )
        if self.kind is Kind.LOG_PROBS:
            if (top[:, 0] > tol).any():
                r = int(np.argmax(top[:, 0] > tol))
                raise DistributionError(
                    f"{where(t0 + r)} returned a positive log-probability {top[r, 0]:.6g}; "
                    "log-probabilities are <= 0 (return ib.logits(z) for scores)"
                )
            self.weights = np.exp(v)
            s = self.weights.sum(axis=1)
            off = np.abs(s - 1) > tol
            if off.any():
                r = int(np.argmax(off))
                raise DistributionError(
                    f"{where(t0 + r)} returned log-probabilities that exponentiate to a "
                    f"total of {s[r]:.8g}; they must sum to 1 within {tol:.2g} (return "
                    "ib.logits(z) for unnormalised scores)"
                )
        else:
            self.weights = np.exp(v - top)

    def part(self, i: int, j: int) -> _Output:
        """Rows i..j of this output, already checked."""
        o = object.__new__(_Output)
        o.dtype, o.tol, o.kind = self.dtype, self.tol, self.kind
        o.rows, o.weights = self.rows[i:j], self.weights[i:j]
        return o

    def log2q(self, s: np.ndarray) -> np.ndarray:
        """log2 q(s_t) for each row t, of the model's own distribution."""
        v = self.rows
        idx = np.arange(s.size)
        with np.errstate(divide="ignore"):
            if self.kind is Kind.PROBS:
                return np.log2(v[idx, s])
            if self.kind is Kind.LOG_PROBS:
                return v[idx, s] / math.log(2.0)
            top = v.max(axis=1)
            lse = np.log(np.sum(np.exp(v - top[:, None]), axis=1))
            return (v[idx, s] - top - lse) / math.log(2.0)


def _call(model: Any, prefix: np.ndarray, t: int) -> _Output:
    def where(_: int) -> str:
        return f"model(prefix) at step t = {t}"

    try:
        out = model(prefix)
    except Exception as e:
        raise ValueError(
            f"model raised {type(e).__name__} at step t = {t} (given the first {t} "
            f"symbols, a read-only NumPy int64 array): {e}"
        ) from e
    return _Output(out, where, t, None)


def _batch(model: Any, s: np.ndarray) -> _Output | None:
    fn = getattr(model, "batch", None)
    if fn is None:
        return None
    if not callable(fn):
        raise TypeError(
            f"model.batch is a {type(fn).__name__}, not a method; model.batch(symbols) "
            "must return the (T, K) rows of all T steps"
        )
    try:
        out = fn(s)
    except Exception as e:
        raise ValueError(
            f"model.batch(symbols) raised {type(e).__name__} on {s.size} symbols: {e}"
        ) from e
    return _Output(out, lambda t: f"model.batch(symbols) at row t = {t}", 0, s.size)


def _integers(symbols: Any) -> np.ndarray:
    s = np.asarray(symbols)
    if s.ndim != 1:
        raise ValueError(f"symbols must be a 1-D array of ints, got shape {s.shape}")
    if s.dtype.kind not in "iu" and s.size:
        if s.dtype.kind != "f" or not np.all(s == np.round(s)):
            raise TypeError(f"symbols must be integers, got dtype {s.dtype}")
    return s


def _readonly(a: np.ndarray) -> np.ndarray:
    v = a.view()
    v.flags.writeable = False
    return v


def _rows(model: Any, symbols: np.ndarray, probe: bool) -> tuple[Any, int, np.ndarray]:
    """The alphabet size K, the symbols checked against it, and a generator of
    (first step, rows of that step on) over the whole sequence: one pass through
    ``model.batch`` where it exists, one call a step otherwise."""
    first = _call(model, _readonly(np.zeros(0, dtype=np.int64)), 0)
    k = first.rows.shape[1]
    s = _symbols(symbols, k)
    prefix = _readonly(s.astype(np.int64))
    whole = _batch(model, prefix)
    if probe:
        _probe(model, prefix, first, whole)

    def blocks() -> Any:
        if whole is not None:
            for i in range(0, s.size, _BLOCK):
                yield i, whole.part(i, min(i + _BLOCK, s.size))
            return
        yield 0, first
        for t in range(1, s.size):
            yield t, _call(model, prefix[:t], t)

    return blocks, k, s


def _probe(model: Any, prefix: np.ndarray, first: _Output, whole: _Output | None) -> None:
    """Refuse a model whose steps are not reproducible, or whose batch rows differ from
    its steps: the decoder, which steps, would quantise other numbers."""
    again = _call(model, prefix[:0], 0)
    if not np.array_equal(again.rows, first.rows):
        raise ValueError(
            "model(prefix) returned different numbers for the same prefix (step t = 0, "
            "called twice); the decoder must see exactly the encoder's distributions, so "
            "a sequence model must be deterministic (no sampling, dropout off: "
            "model.eval() in PyTorch)"
        )
    if whole is None:
        return
    n = prefix.size
    ts = sorted({0, n - 1, *np.linspace(0, n - 1, _PROBES - 2).astype(int).tolist()})
    for t in ts:
        step = first if t == 0 else _call(model, prefix[:t], t)
        if step.rows.shape != whole.rows[t : t + 1].shape or not np.array_equal(
            step.rows, whole.rows[t : t + 1]
        ):
            diff = (
                np.max(np.abs(step.rows - whole.rows[t]))
                if step.rows.shape[1] == (whole.rows.shape[1])
                else float("nan")
            )
            raise ValueError(
                f"model.batch(symbols) row t = {t} differs from model(symbols[:{t}]) (by up "
                f"to {diff:.3g}); the decoder steps, so it would quantise other numbers "
                "and decode other symbols. Compute both the same way (for PyTorch on a "
                "CPU, evaluate a step as a block of the batch's shape), or drop batch"
            )


def _checked_row(o: Any, t0: int, k: int) -> None:
    if o.rows.shape[1] != k:
        raise DistributionError(
            f"model gave {o.rows.shape[1]} outcomes at step t = {t0}, but {k} at step 0; "
            "every step needs the same alphabet"
        )


def codelength(symbols: Any, model: Any) -> float:
    """Σ_t -log2 q(x_t | x_<t) under a sequence model, in bits (math.fsum)."""
    s = _integers(symbols)
    if s.size == 0:
        return 0.0
    blocks, k, s = _rows(model, s, probe=False)
    parts: list[float] = []
    for t0, o in blocks():
        _checked_row(o, t0, k)
        parts.extend((-o.log2q(s[t0 : t0 + o.rows.shape[0]])).tolist())
    return math.fsum(parts)


def encode(symbols: Any, model: Any, check: bool) -> bytes:
    """The stream of ``symbols`` under a sequence model (see :func:`.stream.encode`)."""
    cs = _deps.constriction()
    s = _integers(symbols)
    if s.size == 0:
        return b""
    blocks, k, s = _rows(model, s, probe=check)
    enc = cs.stream.queue.RangeEncoder()
    cat = cs.stream.model.Categorical(perfect=False)
    pend_w: list[np.ndarray] = []
    pend_s: list[np.ndarray] = []
    pending = 0

    def flush() -> None:
        nonlocal pending
        if pending:
            enc.encode(np.concatenate(pend_s), cat, _two_columns(np.concatenate(pend_w)))
            pend_w.clear()
            pend_s.clear()
            pending = 0

    for t0, o in blocks():
        _checked_row(o, t0, k)
        m = o.rows.shape[0]
        x = s[t0 : t0 + m]
        zero = o.weights[np.arange(m), x] <= 0
        if zero.any():
            bad = int(np.argmax(zero))
            raise _zero_probability(t0 + bad, int(x[bad]), f"model at step t = {t0 + bad}")
        pend_w.append(o.weights)
        pend_s.append(x)
        pending += m
        if pending >= _BLOCK:
            flush()
    flush()
    return enc.get_compressed().tobytes()


def decode(data: Any, model: Any, n: Any) -> np.ndarray:
    """``n`` symbols decoded step by step under a sequence model (see
    :func:`.stream.decode`). The stream's capacity is checked before each step: an ``n``
    it cannot hold is refused, and no more than the decoded symbols is ever allocated."""
    cs = _deps.constriction()
    n = check_count(n)
    raw = as_bytes(data)
    if len(raw) % 4:
        raise ValueError(
            f"data has {len(raw)} bytes, not a whole number of 32-bit words; it is not a "
            "stream written by infobits.codes.encode, or it was truncated"
        )
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    words = len(raw) // 4
    cap = _capacity_bits(words) * (1 + 1e-9)
    most = math.floor(cap / _LEAST_BITS_ANY) + 1
    if n > most:
        raise ValueError(
            f"n = {n} symbols cannot come from data of {len(raw)} bytes: every symbol costs "
            f"at least {_LEAST_BITS_ANY:.3g} bits, so {len(raw)} bytes hold at most {most}; "
            "pass the n that was given to encode (or the whole stream)"
        )
    if not raw:
        raise ValueError(f"data is empty, but n = {n} symbols were asked for")
    dec = cs.stream.queue.RangeDecoder(np.frombuffer(raw, dtype="<u4").astype(np.uint32))
    cat = cs.stream.model.Categorical(perfect=False)
    out = np.empty(min(n, _BLOCK), dtype=np.int64)
    spent = 0.0
    k = 0
    for t in range(n):
        if t == out.size:
            out = np.concatenate([out, np.empty(min(out.size, n - out.size), dtype=np.int64)])
        o = _call(model, _readonly(out[:t]), t)
        if t == 0:
            k = o.rows.shape[1]
        _checked_row(o, t, k)
        w = _two_columns(o.weights)
        spent += float(_least_bits(w)[0])
        if spent > cap:
            raise ValueError(
                f"data of {len(raw)} bytes cannot hold n = {n} symbols under this model: "
                f"the first {t + 1} already cost at least {spent:.6g} bits, more than the "
                f"{cap:.0f} bits such a stream carries; pass the n and the whole stream "
                "that encode was given and wrote"
            )
        try:
            x = int(dec.decode(cat, w)[0])
        except (AssertionError, ValueError, RuntimeError, KeyError, IndexError) as e:
            raise _coder_failure(e, len(raw)) from None
        if x >= k or o.weights[0, x] <= 0:
            raise ValueError(
                f"data ({len(raw)} bytes) is not a stream that encode wrote with this model: "
                f"step t = {t} decodes to outcome {x}, which the model calls impossible "
                "there; check that data, model and n are those given to encode"
            )
        out[t] = x
    return out[:n]
