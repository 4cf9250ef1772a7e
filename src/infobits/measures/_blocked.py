"""The NumPy engine's hot path: one measure reduced along one outcome axis, over
cache-sized blocks, with the validation statistics gathered in the same pass.

No more than one block-sized temporary exists at a time, and every reduction runs in the
calling thread (:func:`rowdot`, :func:`rowsum`), never through a BLAS thread pool, so a
busy machine or the user's thread settings cannot stall it. Each measure gives a
:class:`RowMeasure`: a kernel for probability blocks, one for (p, log p) blocks made from
logits, a rule saying which rows to redo, and the careful formula that redoes them.
:func:`by_rows` is the one driver. Everything is in nats.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .._inputs import Distribution, Kind, check_probs, sum_tolerance, validate

__all__ = ["BLOCK_BYTES", "Part", "RowMeasure", "by_rows", "rowdot", "rowsum"]

#: Bytes per block temporary: 256 KiB (32 Ki float64, 64 Ki float32), inside L2 with
#: the block it is made from, and large enough that the per-block cost of calling into
#: NumPy (a few microseconds a call on a busy machine) stays small beside the work.
BLOCK_BYTES = 1 << 18


def block(dtype: np.dtype) -> int:
    """Elements per block for ``dtype``."""
    return BLOCK_BYTES // np.dtype(dtype).itemsize


#: (blocks, scratch block, gather statistics?) -> ([per-row nats, row sums...], minimum)
Kernel = Callable[[list[np.ndarray], np.ndarray, bool], tuple[list[np.ndarray], float]]
#: [Part per input] for a block of rows -> per-row nats
SoftKernel = Callable[[list["Part"]], np.ndarray]


@dataclass(frozen=True)
class RowMeasure:
    """A measure as the blocked driver runs it.

    ``probs`` reduces blocks of plain probabilities; ``soft`` reduces (p, log p) blocks
    made from logits (and probabilities beside them), reading only the parts ``need``
    names per input ("p", "log" or "both"). ``redo`` marks, from the per-row nats, the
    rows whose fast sum is not to be trusted (0·log 0, cancellation); ``careful`` gives
    the exact nats of those rows, as Distributions along ``axes``.
    """

    probs: Kernel
    soft: SoftKernel
    need: tuple[str, ...]
    redo: Callable[[np.ndarray], np.ndarray]
    careful: Callable[[list[Distribution], tuple[int, ...]], np.ndarray]


def rowdot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Σⱼ a[i, j]·b[i, j] for each row i of two 2-D blocks.

    ``einsum`` without ``optimize`` runs its own vectorised loop in the calling thread.
    ``np.vecdot``, ``np.dot`` and ``matmul`` go through BLAS, whose thread pool, for
    block-sized work, spends longer waking and waiting on its threads than computing,
    and far longer when another process holds the cores (19x slower than SciPy, seen).
    """
    return np.einsum("ij,ij->i", a, b)


def rowsum(a: np.ndarray) -> np.ndarray:
    """Σⱼ a[i, j] for each row i of a 2-D block, in the calling thread (see rowdot)."""
    return np.einsum("ij->i", a)


def as_rows(a: np.ndarray, axes: tuple[int, ...]) -> np.ndarray | None:
    """A 2-D (rows, outcomes) view of ``a`` with the outcome ``axes`` (non-negative)
    last and flattened, or None if that would need a copy."""
    if axes == (a.ndim - 1,):
        if a.ndim == 2:
            return a
        if a.ndim == 1:
            return a.reshape(1, -1)
    k = math.prod(a.shape[x] for x in axes)
    m = np.moveaxis(a, axes, tuple(range(a.ndim - len(axes), a.ndim)))
    r = m.reshape(-1, k)
    if r.size and not np.may_share_memory(r, a):
        return None
    return r


def by_rows(measure: RowMeasure, dists: Sequence[Distribution], check: bool) -> np.ndarray | None:
    """Per-row nats of ``measure`` on same-shape inputs along the same outcome axes
    (flattened into one where that needs no copy), in the batch shape, validated
    (unless ``check=False``) from statistics of the same pass. Every kind of input is
    blocked, rows of any length. None when the inputs do not suit the blocked path
    (shapes that differ, views that would need a copy, no rows); the caller then takes
    the general path."""
    shape = dists[0].values.shape
    axes = dists[0].axes
    if any(d.values.shape != shape or d.axes != axes for d in dists):
        return None
    kinds = {d.kind for d in dists}
    maybe = [as_rows(d.values, axes) for d in dists]
    rows = [r for r in maybe if r is not None]
    if len(rows) != len(dists):
        return None
    if kinds == {Kind.PROBS}:
        tols = [sum_tolerance(d.out_dtype) for d in dists] if check else None
        with np.errstate(all="ignore"):
            nats, ok = _blocked(measure.probs, rows, tols)
        if not ok:  # on any doubt, the full check names the first offending position
            for d in dists:
                check_probs(d.values, d.name, d.axes, d.out_dtype)
    else:
        soft = _softmax_rows(dists, rows, check, measure.soft, measure.need)
        if soft is None:
            return None
        nats = soft
    redo = measure.redo(nats)
    if redo.any():
        nats[redo] = measure.careful(
            [_subset(d, r, redo) for d, r in zip(dists, rows, strict=True)], (1,)
        )
    return nats.reshape(tuple(n for i, n in enumerate(shape) if i not in axes))


def _blocked(
    kernel: Kernel, rows: list[np.ndarray], tols: list[float] | None
) -> tuple[np.ndarray, bool]:
    """Run ``kernel`` over cache-sized blocks of same-shape 2-D ``rows``: per-row nats
    (float64), and, with ``tols`` (one per input), whether every row sum was within its
    tolerance of 1 and every entry >= 0. Rows longer than a block add their partial
    sums across column chunks; no array the size of the batch is made but the result."""
    m, k = rows[0].shape
    nats = np.zeros(m, dtype=np.float64)
    ok = True
    if m == 0:
        return nats, ok
    check = tols is not None
    dtype = rows[0].dtype if len(rows) == 1 else np.result_type(*rows)
    size = block(dtype)
    step_r = max(1, size // k)
    step_c = min(k, size)
    buf = _scratch(dtype)
    for r0 in range(0, m, step_r):
        r1 = min(m, r0 + step_r)
        if step_c == k:
            blocks = [a[r0:r1] for a in rows]
            parts, low = kernel(blocks, buf[: (r1 - r0) * k].reshape(r1 - r0, k), check)
            nats[r0:r1] = parts[0]
        else:  # one row at a time, in column chunks
            parts = []
            low = np.inf
            for c0 in range(0, k, step_c):
                c1 = min(k, c0 + step_c)
                blocks = [a[r0:r1, c0:c1] for a in rows]
                got, lo = kernel(blocks, buf[: c1 - c0].reshape(1, c1 - c0), check)
                parts = got if not parts else [a + b for a, b in zip(parts, got, strict=True)]
                low = min(low, lo) if lo == lo else np.nan  # NaN sticks
            nats[r0:r1] = parts[0]
        if check and ok:
            ok = bool(low >= 0) and all(
                _near_one(sums, tol)
                for sums, tol in zip(parts[1:], tols, strict=True)  # type: ignore[arg-type]
            )
    return nats, ok


def _near_one(sums: np.ndarray, tol: float) -> bool:
    """Every row sum within ``tol`` of 1 (False for NaN)."""
    if sums.shape == (1,):  # one row: plain floats cost less than three array calls
        return abs(float(sums[0]) - 1.0) <= tol
    return bool(np.all(np.abs(sums - 1) <= tol))


_local = threading.local()


def _scratch(dtype: np.dtype, slot: int = 0) -> np.ndarray:
    """Block-sized scratch array number ``slot`` of ``dtype``, made once per thread and
    reused, so a call allocates nothing in proportion to its input."""
    cache: dict[tuple[np.dtype, int], np.ndarray] = _local.__dict__.setdefault("scratch", {})
    buf = cache.get((dtype, slot))
    if buf is None:
        buf = cache[(dtype, slot)] = np.empty(block(dtype), dtype=dtype)
    return buf


@dataclass(frozen=True)
class Part:
    """One input over a block of rows, in the form a logit row costs least to give:
    p = ``w``/``s`` and log p = ``log`` - ``c`` per row, with ``mass`` = Σp.

    For logits, ``log`` is z - max (no term above 0, so sums of it never cancel),
    ``w`` = e^log, ``s`` = Σw and ``c`` = log s; no normalised array is formed. For
    probabilities, ``w`` is p itself, ``log`` is log p, ``c`` = 0 and ``s`` = 1; for
    log-probabilities, ``log`` is the array itself and ``w`` its exp.
    ``log`` is empty where the measure does not read it.
    """

    w: np.ndarray
    log: np.ndarray
    c: np.ndarray | float
    s: np.ndarray | float
    mass: np.ndarray | float
    #: ``log`` is block scratch that a kernel may overwrite (not the caller's array).
    scratch_log: bool


def _softmax_rows(
    dists: Sequence[Distribution],
    views: list[np.ndarray],
    check: bool,
    soft: SoftKernel,
    need: Sequence[str],
) -> np.ndarray | None:
    """Rows of logits, counts or log-probabilities (with probabilities beside them),
    reduced block by block with block-sized scratch that is reused, so no temporary
    grows with the input; ``soft`` combines the :class:`Part`\\ s into per-row nats.

    A logit row that fits in a block costs one max, one exp and one sum (a fused
    log-softmax), a log-probability row one exp. Counts, and logit rows longer than a
    block, take two passes: the first finds each row's largest entry and the sum of the
    rest over it (:func:`_norm`, a running log-sum-exp rescaled chunk by chunk), the
    second the measure, one column chunk at a time (every soft kernel is a sum of
    per-entry terms, with each chunk's share of the mass). Validation statistics come
    from the same passes; on any doubt the full check words the error and names its
    position."""
    m, k = views[0].shape
    if m == 0:
        return None
    dtype = np.result_type(*views)
    size = block(dtype)
    step_c = min(k, size)
    step_r = max(1, size // k)
    single = step_c == k
    out = np.empty(m, dtype=np.float64)
    suspect = False
    with np.errstate(all="ignore"):
        for r0 in range(0, m, step_r):
            r1 = min(m, r0 + step_r)
            rows = [v[r0:r1] for v in views]
            norms: list[tuple[np.ndarray, np.ndarray] | None] = []
            for i, (d, z) in enumerate(zip(dists, rows, strict=True)):
                if d.kind is Kind.COUNTS or (d.kind is Kind.LOGITS and not single):
                    top, rest, bad = _norm(d.kind, z, step_c, dtype, 2 * i, check)
                    norms.append((top, rest))
                    suspect |= bad
                else:
                    norms.append(None)
            nats = np.zeros(r1 - r0, dtype=np.float64)
            masses = [np.zeros(r1 - r0) for _ in dists]
            for c0 in range(0, k, step_c):
                chunk = [z[:, c0 : c0 + step_c] for z in rows]
                parts = []
                for i, (d, z, wants, nm) in enumerate(zip(dists, chunk, need, norms, strict=True)):
                    part, bad = _part(d, z, wants, nm, dtype, 2 * i, i == 0, single, check)
                    suspect |= bad
                    if check and not single:
                        masses[i] += part.mass
                    parts.append(part)
                nats += soft(parts)
            out[r0:r1] = nats
            if check and not single:
                suspect |= not all(_whole_fine(d, s) for d, s in zip(dists, masses, strict=True))
    if suspect:
        for d in dists:
            validate(d)
    return out


def _whole_fine(d: Distribution, mass: np.ndarray) -> bool:
    """Rows of probabilities or log-probabilities, summed over their chunks, within
    the tolerance of 1 (logits and counts need no sum)."""
    tol = 0.999 * sum_tolerance(d.out_dtype)
    if d.kind is Kind.PROBS:
        return bool(np.all(np.abs(mass - 1) <= tol))
    if d.kind is Kind.LOG_PROBS:
        return bool(np.all(np.abs(np.log(mass)) <= tol))
    return True


def _part(
    d: Distribution,
    z: np.ndarray,
    wants: str,
    norm: tuple[np.ndarray, np.ndarray] | None,
    dtype: np.dtype,
    slot: int,
    first: bool,
    single: bool,
    check: bool,
) -> tuple[Part, bool]:
    """One input over one chunk of a row block as a :class:`Part`, and whether its
    statistics cast doubt on it. ``norm`` is the row's (largest entry, rest) from
    :func:`_norm`, for counts and for logit rows longer than a block."""
    n = z.size
    lg = _scratch(dtype, slot)[:n].reshape(z.shape)
    w = _scratch(dtype, slot + 1)[:n].reshape(z.shape)
    bad = False
    if norm is not None:
        top, rest = norm
        s = 1.0 + rest
        c = np.log1p(rest)
        if d.kind is Kind.LOGITS:
            np.subtract(z, top, out=lg)
            if wants != "log":
                np.exp(lg, out=w)
        else:  # counts: w = c/top and log p = log c - log top - log1p(rest)
            if wants != "log" and not single:  # one chunk: _norm left c/top in w
                np.divide(z, top, out=w)
            if wants != "p":
                # The first input's log is only ever weighted by its own w, which is
                # 0 at a zero count: a finite log there keeps the row off the redo path.
                if first:
                    np.maximum(z, 0.5, out=lg)
                else:
                    np.copyto(lg, z)
                # log(c/top) rounds once; a positive count is >= 1, so c/top is
                # subnormal (and its log short of digits) only where top > 1/tiny.
                if np.all(top <= _huge(dtype)):
                    np.divide(lg, top, out=lg)
                    np.log(lg, out=lg)
                else:
                    np.log(lg, out=lg)
                    np.subtract(lg, np.log(top), out=lg)
        mass = 1.0 if single or wants == "log" else rowsum(w) / s
        return Part(w, lg, c, s, mass, True), bad
    if d.kind is Kind.LOGITS:  # a row in one block: the fused log-softmax
        top = z.max(axis=1, keepdims=True)
        bad = check and not np.all(np.abs(top) < np.inf)
        np.subtract(z, top, out=lg)
        np.exp(lg, out=w)
        s = rowsum(w)
        return Part(w, lg, _log_of_sum(s, w, lg), s, 1.0, True), bad
    if d.kind is Kind.LOG_PROBS:
        np.exp(z, out=w)
        mass = rowsum(w)
        if check:
            if single:
                bad = not _log_probs_fine(z, mass, d.out_dtype)
            else:
                bad = not bool(z.max() <= 0.999 * sum_tolerance(d.out_dtype))
        return Part(w, z, 0.0, 1.0, mass, False), bad
    mass = rowsum(z)
    if check:
        bad = not bool(z.min() >= 0)
        if single:
            bad = bad or not np.all(np.abs(mass - 1) <= sum_tolerance(d.out_dtype))
    if wants == "p":
        lg = lg[:, :0]
    else:
        np.log(z, out=lg)
    return Part(z, lg, 0.0, 1.0, mass, True), bad


_HUGE: dict[np.dtype, float] = {}


def _huge(dtype: np.dtype) -> float:
    """1 / the smallest normal number of ``dtype`` (np.finfo is slow to ask)."""
    big = _HUGE.get(dtype)
    if big is None:
        big = _HUGE[dtype] = 1.0 / float(np.finfo(dtype).smallest_normal)
    return big


def _norm(
    kind: Kind, z: np.ndarray, step: int, dtype: np.dtype, slot: int, check: bool
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Per row of ``z``: the largest entry ``top`` (rows, 1), and ``rest`` (rows,) such
    that the normaliser is top·(1 + rest) for counts and e^top·(1 + rest) for logits;
    and whether the statistics cast doubt on the rows. One pass over column chunks of
    ``step``: each chunk's own (max, rest), rescaled to the running max as it grows.
    Keeping ``rest`` apart lets log1p(rest) keep the digits near certainty that
    log(1 + rest) would lose, and a count total such as 1e308 + 1e308 is never formed.
    For counts in one chunk, scratch ``slot`` + 1 is left holding c/top."""
    logits = kind is Kind.LOGITS
    top: np.ndarray | None = None
    rest = np.empty(0)
    bad = False
    for c0 in range(0, z.shape[1], step):
        c = z[:, c0 : c0 + step]
        w = _scratch(dtype, slot + 1)[: c.size].reshape(c.shape)
        tc = c.max(axis=1, keepdims=True)
        if logits:
            bad = bad or (check and not np.all(tc < np.inf))  # NaN or +inf
            np.subtract(c, np.where(tc > -np.inf, tc, 0.0), out=w)
            np.exp(w, out=w)
        else:
            if check and not bad:
                lg = _scratch(dtype, slot)[: c.size].reshape(c.shape)
                np.floor(c, out=lg)
                bad = not (bool(c.min() >= 0) and np.all(tc < np.inf) and np.array_equal(lg, c))
            np.divide(c, np.where(tc > 0, tc, 1.0), out=w)
        rc = _rest(rowsum(w), w)
        if top is None:
            top, rest = tc, rc
            continue
        up = (tc > top)[:, 0]
        hi = np.maximum(top, tc)
        lo = np.minimum(top, tc)[:, 0]
        h = hi[:, 0]
        if logits:
            f = np.where(h > -np.inf, np.exp(lo - h), 0.0)
        else:
            f = np.where(h > 0, lo / np.where(h > 0, h, 1.0), 0.0)
        rest = np.where(up, rc + (rest + 1) * f, rest + (rc + 1) * f)
        top = hi
    assert top is not None
    if check:  # all -inf logits, or counts that total 0
        bad = bad or not np.all(top > (-np.inf if logits else 0.0))
    return top, rest, bad


def _rest(s: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Σⱼ w[i, j] - 1 per row, for rows whose largest entry is 1 (row sums ``s``).
    Near certainty the sum is retaken without one largest entry, so that its digits
    survive; a row of zeros gives -1."""
    rest = s - 1.0
    near = s < 1.0 + _NEAR_CERTAIN
    if near.any():
        wn = w[near]
        tops = wn == 1.0
        wn[tops] = 0.0
        rest[near] = rowsum(wn) + (tops.sum(axis=1) - 1)
    return rest


def _log_probs_fine(lp: np.ndarray, mass: np.ndarray, dtype: np.dtype) -> bool:
    """A sufficient condition for check_log_probs to pass on a block: no entry above
    the tolerance, no NaN or +inf (either would make a row's Σe^lp NaN or inf), and
    every row's log Σe^lp inside the tolerance, with a margin for the different
    rounding of the full check's log-sum-exp."""
    tol = 0.999 * sum_tolerance(dtype)
    return bool(lp.max() <= tol) and bool(np.all(np.abs(np.log(mass)) <= tol))


#: Rows whose shifted Σ e^lp is below 1 + this are near certainty (see below).
_NEAR_CERTAIN = 1e-2


def _log_of_sum(s: np.ndarray, w: np.ndarray, lg: np.ndarray) -> np.ndarray:
    """log s for row sums s = Σⱼ w[i, j] of e^lg, lg shifted so that its row max is 0.

    Near certainty s is 1 + rest with rest tiny, and log(1 + rest) loses rest's digits
    (the likeliest outcome's log-probability, -rest, would become 0). Those rows take
    log1p(rest), with rest summed without one maximum.
    """
    out = np.log(s)
    near = s < 1.0 + _NEAR_CERTAIN
    if near.any():
        wn, tops = w[near], lg[near] == 0
        wn[tops] = 0.0
        rest = rowsum(wn) + (tops.sum(axis=1) - 1)
        out[near] = np.log1p(rest)
    return out


def _subset(d: Distribution, view: np.ndarray, which: np.ndarray) -> Distribution:
    """The rows ``which`` of a 2-D row view, as a Distribution (already checked)."""
    return Distribution(
        name=d.name, kind=d.kind, values=view[which], axes=(1,), out_dtype=d.out_dtype
    )
