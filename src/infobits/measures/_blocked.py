"""The NumPy engine's hot path: one measure reduced along one outcome axis, over
cache-sized blocks, with the validation statistics gathered in the same pass.

No more than one block-sized temporary exists at a time, and every reduction runs in the
calling thread, never through a BLAS thread pool, so a busy machine or the user's thread
settings cannot stall it: the probability kernels' dots go to BLAS in rows of at most
:data:`DOT_MAX` outcomes (:func:`dot_rows`, :func:`sum_rows`), which OpenBLAS keeps in
the calling thread, and the rest use einsum (:func:`rowdot`, :func:`rowsum`). Each measure gives a
:class:`RowMeasure`: a kernel for probability blocks, one for (p, log p) blocks made from
logits, a rule saying which rows to redo, and the careful formula that redoes them.
:func:`by_rows` is the one driver. Everything is in nats.

Where the optional C extension :mod:`._ckernels` is built (``setup.py build_ext``), plain
float64 and float32 probability rows (each row contiguous) skip the blocks: one call
computes, over whole rows, the same partial sums the block kernels give, in chunks that
stay in L1, with NumPy's own log and exp inner loops and no Python or NumPy call per
block (:func:`c_rows` says which rows it takes). Every decision on those sums (what to
check, fix or redo) is the same on both paths; without the extension, or if NumPy's
loops are not found in it, the blocks answer.
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType

import numpy as np

from .._inputs import Distribution, Kind, check_probs, sum_tolerance, validate

_ckernels: ModuleType | None
try:  # the fused C kernels (optional): the same partial sums, no NumPy call per block
    from . import _ckernels
except ImportError:  # pragma: no cover - a build without a C compiler
    _ckernels = None
if _ckernels is not None and not _ckernels.AVAILABLE:  # NumPy's loops were not found
    _ckernels = None

__all__ = [
    "BLOCK_BYTES",
    "DOT_MAX",
    "Part",
    "RowMeasure",
    "by_rows",
    "c_rows",
    "dot_rows",
    "probs_rows",
    "rowdot",
    "rowsum",
    "sum_rows",
]

#: Bytes per block temporary: 256 KiB (32 Ki float64, 64 Ki float32), inside L2 with
#: the block it is made from, and large enough that the per-block cost of calling into
#: NumPy (a few microseconds a call on a busy machine) stays small beside the work.
BLOCK_BYTES = 1 << 18


def block(dtype: np.dtype) -> int:
    """Elements per block for ``dtype``."""
    return BLOCK_BYTES // np.dtype(dtype).itemsize


#: (blocks, scratch block, out) -> None: writes each row's partial sums into ``out``:
#: out[0] the sum of the measure's terms (Σ p·log p, Σ p·log q or Σ p·log(p/q)), and,
#: when ``out`` has more rows (checking), the row sums of each input, then the row
#: minimum of p where the measure needs it.
Kernel = Callable[[list[np.ndarray], np.ndarray, np.ndarray], None]
#: (blocks) -> (per-row nats of the block, minimum entry): the careful version of a
#: Kernel for rows whose fast sum was not finite (0·log 0, q = 0, an overflowing p/q).
FixKernel = Callable[[list[np.ndarray]], tuple[np.ndarray, float]]
#: [Part per input] for a block of rows -> per-row nats
SoftKernel = Callable[[list["Part"]], np.ndarray]


@dataclass(frozen=True)
class RowMeasure:
    """A measure as the blocked driver runs it.

    ``probs`` reduces blocks of plain probabilities into ``stats`` rows of partial sums
    (see :data:`Kernel`; the nats are its first row, negated where ``negate``), and
    ``fix`` retakes, block by block, the rows whose sum was not finite. ``soft``
    reduces (p, log p) blocks made from logits (and probabilities beside them), reading
    only the parts ``need`` names per input ("p", "log" or "both"). ``redo`` marks, from
    the per-row nats, the rows whose fast sum is not to be trusted (cancellation, or
    input that was not checked), ``trust_from`` the same for probability rows after
    ``fix`` (an inf left there is the answer); ``careful`` gives the exact nats of those rows, as
    Distributions along ``axes``.
    """

    probs: Kernel
    stats: int
    negate: bool
    fix: FixKernel
    #: Probability rows (after ``fix``) whose nats are below this are redone.
    trust_from: float
    soft: SoftKernel
    need: tuple[str, ...]
    redo: Callable[[np.ndarray], np.ndarray]
    careful: Callable[[list[Distribution], tuple[int, ...]], np.ndarray]
    #: The measure's number in the C kernels (``_ckernels.probs``: 0 entropy, 1 cross-
    #: entropy, 2 KL), which compute what ``probs`` does over whole rows; None: none.
    ckind: int | None = None


#: The longest row the probability kernels take a dot product over in one call.
#: ``np.vecdot`` goes to BLAS, and OpenBLAS (NumPy's) computes a dot of up to 10000
#: elements in the calling thread; a longer one wakes its thread pool, which on a busy
#: machine costs far more than the dot (seen: 12 ms for 32 Ki elements). Longer rows
#: are cut into pieces of this length.
DOT_MAX = 8192


def dot_rows(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """``out[i]`` = Σⱼ a[i, j]·b[i, j] for blocks of rows of at most :data:`DOT_MAX`."""
    np.vecdot(a, b, out=out)


def sum_rows(a: np.ndarray, out: np.ndarray) -> None:
    """``out[i]`` = Σⱼ a[i, j] for blocks of rows of at most :data:`DOT_MAX` (a dot
    with ones: the same loop as :func:`dot_rows`, at a third of einsum's call cost)."""
    ones = _ONES.get(a.dtype)
    if ones is None:
        ones = _ONES[a.dtype] = np.ones(DOT_MAX, dtype=a.dtype)
    np.vecdot(a, ones[: a.shape[1]], out=out)


_ONES: dict[np.dtype, np.ndarray] = {}


@functools.lru_cache(maxsize=256)
def _piece(k: int) -> int:
    """The length of the pieces a row of ``k`` > DOT_MAX outcomes is cut into: a
    divisor of k between DOT_MAX/2 and DOT_MAX where there is one (no short last piece
    to take apart: 10^5, 10^6 and 10^7 have one), else DOT_MAX."""
    j = -(-k // DOT_MAX)  # pieces; about one try per piece at most, far below its work
    while k // j > DOT_MAX // 2:
        if k % j == 0:
            return k // j
        j += 1
    return DOT_MAX


def rowdot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Σⱼ a[i, j]·b[i, j] for each row i of two 2-D blocks.

    ``einsum`` without ``optimize`` runs its own vectorised loop in the calling thread.
    ``np.vecdot``, ``np.dot`` and ``matmul`` go through BLAS, whose thread pool, for
    block-sized rows longer than :data:`DOT_MAX`, spends longer waking and waiting on
    its threads than computing, and far longer when another process holds the cores
    (19x slower than SciPy, seen); :func:`dot_rows` is for rows known to be short.
    """
    return np.einsum("ij,ij->i", a, b)


def rowsum(a: np.ndarray) -> np.ndarray:
    """Σⱼ a[i, j] for each row i of a 2-D block, in the calling thread (see rowdot)."""
    return np.einsum("ij->i", a)


def c_rows(rows: Sequence[np.ndarray]) -> bool:
    """Whether the C kernels are built and take these same-shape 2-D rows: one dtype,
    float64 or float32 in native byte order, aligned, each row contiguous."""
    if _ckernels is None:
        return False
    dt = rows[0].dtype
    if dt not in _C_DTYPES:
        return False
    k = rows[0].shape[1]
    for r in rows:
        if r.dtype != dt or not r.flags.aligned or (k > 1 and r.strides[1] != dt.itemsize):
            return False
    return True


#: float64 and float32 in native byte order (a swapped dtype is not equal to these).
_C_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))


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
        nats, ok = _blocked(measure, rows, tols)
        if not ok:  # on any doubt, the full check names the first offending position
            for d in dists:
                check_probs(d.values, d.name, d.axes, d.out_dtype)
    else:
        soft = _softmax_rows(dists, rows, check, measure.soft, measure.need)
        if soft is None:
            return None
        nats = soft
    if kinds == {Kind.PROBS}:  # an inf left by the fix kernels is the answer (q = 0 < p)
        redo = ~(nats >= measure.trust_from) & (nats != np.inf)
    else:
        redo = measure.redo(nats)
    if redo.any():
        nats[redo] = measure.careful(
            [_subset(d, r, redo) for d, r in zip(dists, rows, strict=True)], (1,)
        )
    return nats.reshape(tuple(n for i, n in enumerate(shape) if i not in axes))


def probs_rows(
    measure: RowMeasure, rows: list[np.ndarray], tols: list[float] | None
) -> np.ndarray | None:
    """Per-row nats of ``measure`` on plain probability rows of one dtype, the hot path
    of a measure call: no Distribution is built unless a row must be redone. None when
    the statistics cast doubt on the input (the caller's full check then words the
    error) or a row needs the careful formulas (the caller's general path redoes it)."""
    nats, ok = _blocked(measure, rows, tols)
    if not ok:
        return None
    if len(nats) == 1:
        v = float(nats[0])
        return nats if v >= measure.trust_from or v == np.inf else None
    return None if (~(nats >= measure.trust_from) & (nats != np.inf)).any() else nats


def _blocked(
    measure: RowMeasure, rows: list[np.ndarray], tols: list[float] | None
) -> tuple[np.ndarray, bool]:
    """Run ``measure``'s kernel over cache-sized blocks of same-shape 2-D ``rows``:
    per-row nats (float64), and, with ``tols`` (one per input), whether every row sum
    was within its tolerance of 1 and every entry >= 0.

    A block is whole rows of up to :data:`DOT_MAX` outcomes; a longer row is cut into
    pieces of that length, viewed as the rows of a block (no copy). The kernel writes
    each block row's partial sums into a small table (a few numbers per row or piece,
    no array the size of the input), summed across a row's pieces at the end. Rows
    whose sum is not finite are retaken block by block with ``measure.fix``, which also
    gives the minimum entry the check needs there. With the C kernels (``measure.ckind``
    and :func:`c_rows`), one call fills the table over whole rows instead.
    """
    m = rows[0].shape[0]
    check = tols is not None
    nstat = measure.stats if check else 1
    has_low = nstat > 1 + len(rows)
    if measure.ckind is not None and c_rows(rows):
        # Whole rows at once, in C: the same partial sums (taken in float64, stored in
        # the inputs' dtype as the NumPy kernels store theirs).
        assert _ckernels is not None
        table = np.empty((nstat, m), dtype=rows[0].dtype)
        _ckernels.probs(measure.ckind, nstat, rows[0], rows[-1], table)
        low = table[-1] if has_low else None
    else:
        table, low = _block_sums(measure, rows, nstat, has_low)
    if m == 1:  # one row: its few numbers as Python floats cost less than array calls
        vals = table[:, 0].tolist()
        v = -vals[0] if measure.negate else vals[0]
        nats = np.array([v])
        fixed_low = np.inf
        if not math.isfinite(v):
            with np.errstate(all="ignore"):
                fixed_low = _fix_rows(measure, rows, nats)
        if not check:
            return nats, True
        assert tols is not None
        lo = float(low[0]) if low is not None else 0.0
        ok = (
            lo >= 0
            and fixed_low >= 0
            and all(abs(x - 1.0) <= t for x, t in zip(vals[1:], tols, strict=False))
        )
        return nats, ok
    nats = table[0].astype(np.float64)
    if measure.negate:
        np.negative(nats, out=nats)
    fixed_low = np.inf
    if not np.isfinite(nats).all():
        with np.errstate(all="ignore"):
            fixed_low = _fix_rows(measure, rows, nats)
    if not check:
        return nats, True
    assert tols is not None
    ok = fixed_low >= 0 and all(
        bool(np.all(np.abs(x - 1) <= t)) for x, t in zip(table[1:], tols, strict=False)
    )
    if ok and low is not None:
        ok = bool(np.all(low >= 0))
    return nats, ok


def _block_sums(
    measure: RowMeasure, rows: list[np.ndarray], nstat: int, has_low: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """The table of :func:`_blocked`, ``nstat`` partial sums per row, through
    ``measure.probs`` over blocks; and the row minima of p when ``has_low``."""
    m, k = rows[0].shape
    dtype = rows[0].dtype if len(rows) == 1 else np.result_type(*rows)
    size = BLOCK_BYTES // dtype.itemsize
    buf = scratch(dtype)
    kernel = measure.probs
    # float32 partial sums as NumPy's own float32 sums keep them; added up in float64.
    if k <= DOT_MAX:
        table = np.empty((nstat, m), dtype=dtype)
        step = max(1, size // k)
        with np.errstate(all="ignore"):
            if m == 1:
                kernel(rows, buf[:k].reshape(1, k), table)
            else:
                for r0 in range(0, m, step):
                    r1 = min(m, r0 + step)
                    n = (r1 - r0) * k
                    kernel([a[r0:r1] for a in rows], buf[:n].reshape(r1 - r0, k), table[:, r0:r1])
        low = table[-1] if has_low else None
    else:
        width = _piece(k)
        full, tail = divmod(k, width)
        out = np.empty((nstat, m, full + (tail > 0)), dtype=dtype)
        per = max(1, size // width)
        with np.errstate(all="ignore"):
            for i in range(m):
                flat = [a[i] for a in rows]
                for s0 in range(0, full, per):
                    s1 = min(full, s0 + per)
                    c0, c1, n = s0 * width, s1 * width, s1 - s0
                    kernel(
                        [f[c0:c1].reshape(n, width) for f in flat],
                        buf[: c1 - c0].reshape(n, width),
                        out[:, i, s0:s1],
                    )
                if tail:
                    c0 = full * width
                    kernel(
                        [f[c0:].reshape(1, tail) for f in flat],
                        buf[:tail].reshape(1, tail),
                        out[:, i, full:],
                    )
            # pieces of +inf and -inf (unchecked input) add to NaN, as one sum would
            table = np.add.reduce(out, axis=2, dtype=np.float64)
            low = out[-1].min(axis=1) if has_low else None
    return table, low


def _fix_rows(measure: RowMeasure, rows: list[np.ndarray], nats: np.ndarray) -> float:
    """Retake the rows of ``nats`` that are not finite with ``measure.fix``, in blocks of
    a sixteenth of the usual size (the careful kernels make a few temporaries each);
    return the smallest entry seen there (+inf if no row was retaken). Once every row
    of a block is +inf (q = 0 < p), the rest of it is only searched for its minimum."""
    bad = ~np.isfinite(nats)
    m, k = rows[0].shape
    size = block(rows[0].dtype) // 16
    step_c = min(k, size)
    step_r = max(1, size // k)
    low = np.inf
    for r0 in range(0, m, step_r):
        r1 = min(m, r0 + step_r)
        which = bad[r0:r1]
        if not which.any():
            continue
        total = np.zeros(r1 - r0)
        for c0 in range(0, k, step_c):
            blocks = [a[r0:r1, c0 : c0 + step_c] for a in rows]
            if total[0] == np.inf and np.all(total == np.inf):
                lo = min(float(b.min()) for b in blocks)
            else:
                got, lo = measure.fix(blocks)
                total += got
            low = min(low, lo) if lo == lo else np.nan  # NaN sticks
        nats[r0:r1][which] = total[which]
    return low


_local = threading.local()


def scratch(dtype: np.dtype, slot: int = 0) -> np.ndarray:
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
    # Integer counts are converted chunk by chunk, into float64 scratch.
    dtype = np.result_type(*(v.dtype if v.dtype.kind == "f" else np.float64 for v in views))
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
    lg = scratch(dtype, slot)[:n].reshape(z.shape)
    w = scratch(dtype, slot + 1)[:n].reshape(z.shape)
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
                # subnormal (and its log short of digits) only where top > 1/tiny,
                # and there only for counts far below top: those cells take
                # log c - log top instead (which loses eps·|log c| where c/top is not
                # small, so it is not used for the rest).
                np.divide(lg, top, out=lg)
                sub = None
                if not np.all(top <= _huge(dtype)):
                    sub = (lg < np.finfo(dtype).tiny) & (lg > 0)
                np.log(lg, out=lg)
                if sub is not None and sub.any():
                    zs = np.maximum(z, 0.5) if first else z
                    lt = np.broadcast_to(np.log(top), z.shape)
                    lg[sub] = np.log(zs[sub]) - lt[sub]
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
        w = scratch(dtype, slot + 1)[: c.size].reshape(c.shape)
        tc = c.max(axis=1, keepdims=True)
        if logits:
            bad = bad or (check and not np.all(tc < np.inf))  # NaN or +inf
            np.subtract(c, np.where(tc > -np.inf, tc, 0.0), out=w)
            np.exp(w, out=w)
        else:
            if check and not bad and c.dtype.kind != "f":  # integers: whole and finite
                bad = not bool(c.min() >= 0)
            elif check and not bad:
                lg = scratch(dtype, slot)[: c.size].reshape(c.shape)
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
