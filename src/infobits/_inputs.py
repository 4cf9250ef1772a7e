"""What an array holds, said once and checked once.

A plain array is a probability vector. :func:`logits`, :func:`log_probs` and
:func:`counts` wrap an array to say it holds something else; every measure accepts every
kind for every argument. This module turns any of them into the two views the measures
need (probabilities and log-probabilities), checks them, and words the errors.

Counts are the only thing ever normalised. Probabilities that do not sum to one are an
error, never silently rescaled (``scipy.stats.entropy`` rescales, and
``entropy([.5, .5], [.3, .3])`` returns 0.0 there).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._errors import DistributionError

__all__ = [
    "CHECKS",
    "Distribution",
    "Kind",
    "Prepared",
    "Tagged",
    "check_axis",
    "check_counts",
    "check_elements",
    "check_flag",
    "check_log_probs",
    "check_logits",
    "check_probs",
    "compute_array",
    "counts",
    "host_array",
    "log_probs",
    "logits",
    "logsumexp",
    "norm_axes",
    "outcome_layout",
    "position",
    "prepare",
    "sum_tolerance",
    "validate",
]

Axis = int | Sequence[int]


class Kind(enum.Enum):
    PROBS = "probabilities"
    LOGITS = "logits"
    LOG_PROBS = "log-probabilities"
    COUNTS = "counts"


@dataclass(frozen=True)
class Tagged:
    """An array together with what it holds. Made by :func:`logits`, :func:`log_probs`
    or :func:`counts`; pass it wherever a distribution is expected."""

    values: Any
    kind: Kind

    def __repr__(self) -> str:
        fn = {Kind.LOGITS: "logits", Kind.LOG_PROBS: "log_probs", Kind.COUNTS: "counts"}
        return f"ib.{fn.get(self.kind, 'probs')}({self.values!r})"


def logits(z: Any) -> Tagged:
    """Mark ``z`` as logits: unnormalised log-probabilities, q = softmax(z).

    The softmax is taken along the measure's ``axis`` in log space (log-sum-exp), never
    as exp-then-log, so logits of any size are exact. ``-inf`` is a zero probability.
    Shapes: any; the measure's ``axis`` is the outcome axis.

    >>> import infobits as ib
    >>> float(ib.entropy(ib.logits([0.0, 0.0, 0.0, 0.0])))  # uniform over 4: 2 bits
    2.0
    >>> float(ib.entropy(ib.logits([1000.0, 1000.0, -np.inf])))  # no overflow, no NaN
    1.0
    """
    return Tagged(z, Kind.LOGITS)


def log_probs(lp: Any) -> Tagged:
    """Mark ``lp`` as natural-log probabilities, log q; ``-inf`` is a zero probability.

    They must already be normalised: ``logsumexp(lp, axis)`` is 0 within the tolerance of
    :func:`sum_tolerance`. Shapes: any.

    >>> import infobits as ib
    >>> float(ib.entropy(ib.log_probs(np.log([0.5, 0.25, 0.25]))))
    1.5
    """
    return Tagged(lp, Kind.LOG_PROBS)


def counts(c: Any) -> Tagged:
    """Mark ``c`` as counts (a histogram); they are divided by their total along ``axis``.

    This is the only normalisation infobits ever does, and it happens only because you
    asked for it. Counts must be finite, non-negative whole numbers (integer or float
    dtype), with a positive total along the axis. Shapes: any.

    >>> import infobits as ib
    >>> float(ib.entropy(ib.counts([3, 1])))  # p = (3/4, 1/4)
    0.8112781244591328
    """
    return Tagged(c, Kind.COUNTS)


def sum_tolerance(dtype: Any) -> float:
    """How far from 1 a probability vector's sum may be: ``sqrt(eps)`` of its dtype.

    That is 1.5e-8 for float64, 3.5e-4 for float32 and 3.1e-2 for float16: loose enough
    for any vector that was normalised in that precision, tight enough to catch a
    vector that was not normalised at all.

    >>> sum_tolerance(np.float64)
    1.4901161193847656e-08
    """
    tol = _TOLERANCES.get(dtype)
    if tol is None:
        tol = _TOLERANCES[dtype] = math.sqrt(float(np.finfo(dtype).eps))
    return tol


#: sum_tolerance per dtype, asked on every blocked call (np.finfo is slow to ask).
_TOLERANCES: dict[Any, float] = {}


def position(name: str, index: Sequence[int] | tuple[int, ...]) -> str:
    """Name one entry of an argument, as ``p[2, 0]``, for an error message."""
    return f"{name}[{', '.join(str(int(i)) for i in index)}]" if len(index) else name


def _first(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _row_where(name: str, index: tuple[int, ...], axes: tuple[int, ...], ndim: int) -> str:
    """Name a slice such as ``p[2, :]`` for the reduced ``axes`` at batch ``index``."""
    parts: list[str] = []
    it = iter(index)
    for d in range(ndim):
        parts.append(":" if d in axes else str(next(it)))
    return f"{name}[{', '.join(parts)}]"


def _is_index(a: Any) -> bool:
    return isinstance(a, int | np.integer) and not isinstance(a, bool | np.bool_)


def check_axis(axis: Any, name: str = "axis") -> Axis:
    """Check an ``axis``/``axes`` option before any work: an integer, or a non-empty
    tuple or list of integers. Returns it unchanged.

    >>> check_axis(-1), check_axis((0, 1), "axes")
    (-1, (0, 1))
    >>> check_axis(None)
    Traceback (most recent call last):
    ...
    TypeError: axis=None is not an axis; pass an integer such as -1, or a tuple of integers
    """
    ok = _is_index(axis) or (
        isinstance(axis, tuple | list) and len(axis) > 0 and all(_is_index(a) for a in axis)
    )
    if not ok:
        raise TypeError(
            f"{name}={axis!r} is not an axis; pass an integer such as -1, or a tuple of integers"
        )
    return axis


def check_flag(value: Any, name: str) -> bool:
    """Check a yes/no option such as ``check`` before any work: True or False only
    (``None`` or ``0`` would silently mean no).

    >>> check_flag(True, "check")
    True
    >>> check_flag(None, "check")
    Traceback (most recent call last):
    ...
    TypeError: check=None is not True or False; pass check=True (validate) or check=False
    """
    if not isinstance(value, bool | np.bool_):
        what = " (validate)" if name == "check" else ""
        raise TypeError(
            f"{name}={value!r} is not True or False; pass {name}=True{what} or {name}=False"
        )
    return bool(value)


def norm_axes(axis: Axis, ndim: int, name: str) -> tuple[int, ...]:
    """``axis`` as non-negative integers, checked against ``ndim``."""
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(
                f"axis {a} is out of bounds for {name} with {ndim} dimension(s)"
            )
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"axis {axis!r} repeats an axis")
    return tuple(out)


def outcome_layout(
    shapes: Sequence[tuple[int, ...]], names: Sequence[str], axis: Axis, min_ndim: int = 1
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Check the shapes of distributions that share outcome ``axis`` (counted in their
    broadcast shape); return the broadcast shape and the outcome axes, negative.

    Broadcasting is allowed across batch axes only: every argument must have the
    outcome axes, with the same, non-zero lengths. Any array library's shapes will do.
    """
    for name, shape in zip(names, shapes, strict=True):
        if len(shape) < min_ndim:
            if not shape:
                raise DistributionError(
                    f"{name} is a scalar, but a distribution needs an axis of outcomes; "
                    f"pass a 1-D array such as [{name}, 1 - {name}]"
                )
            raise DistributionError(
                f"{name} has {len(shape)} dimension(s), but a joint table needs at least {min_ndim}"
            )
    try:
        same = all(s == shapes[0] for s in shapes)
        bshape = tuple(shapes[0]) if same else tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        desc = " and ".join(f"{n} with shape {s}" for n, s in zip(names, shapes, strict=True))
        raise DistributionError(
            f"{desc} cannot be broadcast together; give them the same number of "
            "outcomes and broadcast-compatible batch shapes"
        ) from None
    nd = len(bshape)
    neg = tuple(a - nd for a in norm_axes(axis, nd, names[0] if len(names) == 1 else "inputs"))
    for name, shape in zip(names, shapes, strict=True):
        # An empty outcome axis first: one outcome broadcasts against none, and the
        # mismatch would blame the argument that has it.
        if any(-a <= len(shape) and shape[a] == 0 for a in neg):
            raise DistributionError(
                f"{name} has an empty outcome axis (shape {shape}, axis {axis}); "
                "a distribution needs at least one outcome"
            )
    for name, shape in zip(names, shapes, strict=True):
        for a in neg:
            if -a > len(shape):
                raise DistributionError(
                    f"{name} with shape {shape} has no outcome axis {a + nd} of the broadcast "
                    f"shape {bshape}; give {name} that axis explicitly"
                )
            if shape[a] != bshape[a]:
                raise DistributionError(
                    f"{name} has {shape[a]} outcome(s) along axis {a + nd} but the broadcast "
                    f"shape has {bshape[a]}; every distribution needs the same outcomes"
                )
    return bshape, neg


@dataclass
class Distribution:
    """What every prepared input becomes: a NumPy array in the compute dtype, in the
    caller's layout, with what it holds (``kind``) and its outcome ``axes``.

    Integer counts may stay integers in ``values`` (``prepare(..., keep_int=True)``, for
    engines that convert them block by block); ``probs()`` and ``logp()`` convert them.

    ``probs()`` and ``logp()`` give probabilities and natural-log probabilities along the
    outcome ``axes``, and ``support()`` the outcomes of positive probability; each is
    computed once, on first use. Measures take it, and so do codes and plots.

    >>> d = prepare(counts([3, 1, 0]), "p", -1)
    >>> d.kind.value, d.probs().tolist(), d.support().tolist()
    ('counts', [0.75, 0.25, 0.0], [True, True, False])
    """

    name: str
    kind: Kind
    values: np.ndarray
    axes: tuple[int, ...]
    out_dtype: np.dtype
    _probs: np.ndarray | None = None
    _logp: np.ndarray | None = None

    def probs(self) -> np.ndarray:
        if self._probs is None:
            if self.kind is Kind.PROBS:
                self._probs = self.values
            elif self.kind is Kind.COUNTS:
                v = self._float_values()
                with np.errstate(over="ignore", invalid="ignore"):
                    total = v.sum(axis=self.axes, keepdims=True)
                    if np.all(np.isfinite(total)):
                        self._probs = v / total
                    else:  # over the largest first: 1e308 + 1e308 overflows
                        scaled, rest = _count_scale(v, self.axes)
                        self._probs = scaled / (1.0 + rest)
            else:
                self._probs = np.exp(self.logp())
        return self._probs

    def _float_values(self) -> np.ndarray:
        v = self.values
        return v if v.dtype.kind == "f" else v.astype(np.float64)

    def logp(self) -> np.ndarray:
        if self._logp is None:
            v = self._float_values()
            # Logits a full float range apart: z - max overflows to -inf, which is right
            # (that outcome's probability underflows to 0).
            with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
                if self.kind is Kind.PROBS:
                    self._logp = np.log(v)
                elif self.kind is Kind.COUNTS:
                    # log c - log Σc, but the largest count's as -log1p(rest), which keeps
                    # digits near certainty; over the largest first where Σc overflows.
                    scaled, rest = _count_scale(v, self.axes)
                    total = v.sum(axis=self.axes, keepdims=True)
                    plain = np.log(v) - np.log(total)
                    lp = np.where(np.isfinite(total), plain, np.log(scaled) - np.log1p(rest))
                    self._logp = np.where(scaled == 1.0, -np.log1p(rest), lp)
                elif self.kind is Kind.LOG_PROBS:
                    self._logp = v
                else:
                    # Shift by the max first: z - m is exact near the max, whereas
                    # z - (m + log Σ) would round at the scale of |z|.
                    m = np.max(v, axis=self.axes, keepdims=True)
                    shifted = v - np.where(np.isfinite(m), m, 0.0)
                    self._logp = shifted - logsumexp(shifted, self.axes)
        return self._logp

    def support(self) -> np.ndarray:
        """True where the probability is positive."""
        if self.kind in (Kind.PROBS, Kind.COUNTS):
            return np.asarray(self.values > 0)
        return np.asarray(self.logp() > -np.inf)


def _count_scale(v: np.ndarray, axes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Counts over the largest along ``axes``, and the sum of all but one largest of
    those: the total is largest·(1 + rest). Dividing first keeps a total such as
    1e308 + 1e308 from overflowing; keeping ``rest`` apart lets log1p(rest) keep the
    digits that log(1 + rest) loses near certainty (counts [1e20, 1])."""
    top = np.max(v, axis=axes, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = v / np.where(top > 0, top, 1.0)
    tops = s == 1.0
    rest = np.sum(np.where(tops, 0.0, s), axis=axes, keepdims=True)
    return s, rest + (np.sum(tops, axis=axes, keepdims=True) - 1)


#: The name the codes, estimators and plots know it by.
Prepared = Distribution


def logsumexp(z: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """log Σ exp(z) along ``axes``, keepdims; rows of all ``-inf`` give ``-inf``.

    Written m + log1p(Σ' exp(z - m)), where Σ' leaves out one maximal entry: near
    certainty the rest sums to far below eps, and log(1 + rest) would round it away
    (the entropy of logits [0, -50] would lose 2%).

    >>> float(logsumexp(np.array([0.0, -50.0]), (0,))[0])  # log1p(e^-50), not 0
    1.9287498479639178e-22
    """
    m = np.max(z, axis=axes, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        e = np.exp(z - m)
        tops = np.sum(e == 1.0, axis=axes, keepdims=True)
        rest = np.sum(np.where(e == 1.0, 0.0, e), axis=axes, keepdims=True) + (tops - 1)
        return np.where(tops > 0, np.log1p(rest), np.log(rest + 1)) + m


def host_array(x: Any, name: str) -> np.ndarray:
    """``np.asarray(x)``, with worded errors for what NumPy would misread: a ragged list
    (rows of different lengths) and a masked array with masked entries (whose mask
    ``np.asarray`` would silently drop).

    >>> host_array([[0.5, 0.5], [1.0]], "p")
    Traceback (most recent call last):
    ...
    infobits._errors.DistributionError: p is a ragged nested list (its rows have ...; ...
    """
    if isinstance(x, np.ma.MaskedArray) and np.ma.is_masked(x):
        raise TypeError(
            f"{name} is a masked array with masked entries, and infobits does not read masks; "
            f"to give masked outcomes zero probability pass {name}.filled(0) (and renormalise "
            f"probabilities), or drop them with {name}.compressed()"
        )
    try:
        return np.asarray(x)
    except ValueError as exc:
        if "inhomogeneous" not in str(exc) and "sequence" not in str(exc):
            raise
        raise DistributionError(
            f"{name} is a ragged nested list (its rows have different lengths); a "
            "distribution needs a rectangular array: give every row the same number of "
            "outcomes (pad with zeros), or pass the rows one at a time"
        ) from None


def compute_array(
    x: Any, name: str, kind: Kind, *, keep_int: bool = False
) -> tuple[np.ndarray, np.dtype]:
    """Convert to a floating array in the compute dtype; return it and the output dtype.

    Integer counts become float64, unless ``keep_int``: then they stay as they are (the
    caller converts them block by block), and float64 is only their output dtype."""
    a = host_array(x, name)
    dt = a.dtype
    if dt.kind == "f":
        if dt.itemsize < 4:  # half precision accumulates in float32, reports in its own dtype
            return a.astype(np.float32), dt
        return a, dt
    if dt.kind in "iu" and kind is Kind.COUNTS:
        return (a if keep_int else a.astype(np.float64)), np.dtype(np.float64)
    if dt.kind in "iub" and kind is Kind.PROBS:
        raise TypeError(
            f"{name} has {'boolean' if dt.kind == 'b' else 'integer'} dtype {dt}, but "
            f"probabilities must be floating point; if {name} holds counts, pass "
            f"ib.counts({name}), otherwise convert it with np.asarray({name}, dtype=float)"
        )
    if dt.kind in "iub":
        raise TypeError(f"{name} has {dt} dtype, but {kind.value} must be floating point")
    raise TypeError(
        f"{name} has non-numeric dtype {dt}; expected a real floating-point array of {kind.value}"
    )


def prepare(
    x: Any,
    name: str,
    axis: Axis,
    *,
    check: bool = True,
    min_ndim: int = 1,
    keep_int: bool = False,
) -> Distribution:
    """Unwrap, convert and (unless ``check=False``) validate one argument; with
    ``keep_int``, integer counts keep their dtype (see :func:`compute_array`)."""
    kind = x.kind if isinstance(x, Tagged) else Kind.PROBS
    raw = x.values if isinstance(x, Tagged) else x
    if isinstance(raw, Tagged):
        raise TypeError(f"{name} is wrapped twice ({x!r}); wrap the array once")
    a, out_dtype = compute_array(raw, name, kind, keep_int=keep_int)
    if a.ndim < min_ndim:
        raise DistributionError(
            f"{name} is a scalar, but a distribution needs an axis of outcomes; "
            f"pass a 1-D array such as [{name}, 1 - {name}]"
        )
    axes = norm_axes(axis, a.ndim, name)
    if any(a.shape[d] == 0 for d in axes):
        raise DistributionError(
            f"{name} has an empty outcome axis (shape {a.shape}, axis {axis}); "
            "a distribution needs at least one outcome"
        )
    prep = Distribution(name=name, kind=kind, values=a, axes=axes, out_dtype=out_dtype)
    if check:
        validate(prep)
    return prep


def validate(prep: Distribution) -> None:
    """Raise the first problem with ``prep``, worded for the user; return if it is valid."""
    CHECKS[prep.kind](prep.values, prep.name, prep.axes, prep.out_dtype)


def check_elements(a: np.ndarray, name: str, *, upper: float | None = None) -> None:
    """Probabilities as single numbers: finite, >= 0 and, with ``upper``, <= upper."""
    if not np.isfinite(a).all():
        pos = _first(~np.isfinite(a))
        raise DistributionError(
            f"{name} contains {a[pos]} at {position(name, pos)}; "
            "probabilities must be finite numbers in [0, 1]"
        )
    if (a < 0).any():
        pos = _first(a < 0)
        raise DistributionError(
            f"{name} has a negative entry {a[pos]:.6g} at {position(name, pos)}; probabilities "
            f"must be >= 0 (if {name} holds log-probabilities, pass ib.log_probs({name}); "
            f"if logits, ib.logits({name}))"
        )
    if upper is not None and (a > upper).any():
        pos = _first(a > upper)
        raise DistributionError(
            f"{name} has an entry {a[pos]:.6g} > 1 at {position(name, pos)}; "
            "probabilities must lie in [0, 1]"
        )


def check_probs(a: np.ndarray, name: str, axes: tuple[int, ...], dtype: Any = None) -> None:
    """A probability array: finite, non-negative, summing to 1 along ``axes`` within the
    tolerance of ``dtype``, the caller's dtype (``a``'s own by default; float16 arrives
    here as float32 but keeps its own, looser tolerance)."""
    check_elements(a, name)
    dt = np.dtype(dtype) if dtype is not None else a.dtype
    s = a.sum(axis=axes)
    tol = sum_tolerance(dt)
    bad = np.abs(s - 1) > tol
    if bad.any():
        pos = _first(bad) if s.ndim else ()
        total = s[pos] if s.ndim else s
        n_bad, n = int(np.count_nonzero(bad)), int(bad.size)
        axis_txt = axes[0] - a.ndim if len(axes) == 1 else axes
        where = f" at {_row_where(name, pos, axes, a.ndim)}" if s.ndim else ""
        many = f" ({n_bad} of {n} are off)" if n > 1 else ""
        raise DistributionError(
            f"{name} sums to {float(total):.8g} along axis {axis_txt}{where}{many}; "
            f"probabilities must sum to 1 within {tol:.2g} ({dt}). infobits never "
            f"rescales silently: if {name} holds counts or weights, pass ib.counts({name})"
        )


def check_counts(a: np.ndarray, name: str, axes: tuple[int, ...], dtype: Any = None) -> None:
    if not np.isfinite(a).all():
        pos = _first(~np.isfinite(a))
        raise DistributionError(
            f"counts {name} contain {a[pos]} at {position(name, pos)}; counts must be finite"
        )
    if (a < 0).any():
        pos = _first(a < 0)
        raise DistributionError(
            f"counts {name} have a negative entry {a[pos]:.6g} at {position(name, pos)}; "
            "counts must be >= 0"
        )
    frac = a != np.floor(a)
    if frac.any():
        pos = _first(frac)
        raise DistributionError(
            f"counts {name} have a non-integer entry {a[pos]:.6g} at {position(name, pos)}; "
            f"counts must be whole numbers (for weights, pass {name} / {name}.sum() "
            "as probabilities)"
        )
    zero = ~np.any(a > 0, axis=axes)  # not a sum, which can overflow
    if np.any(zero):
        pos = _first(zero) if zero.ndim else ()
        raise DistributionError(
            f"counts {name} total 0 at {_row_where(name, pos, axes, a.ndim)}; "
            "at least one count must be positive to define a distribution"
        )


def check_logits(a: np.ndarray, name: str, axes: tuple[int, ...], dtype: Any = None) -> None:
    bad = np.isnan(a) | (a == np.inf)
    if bad.any():
        pos = _first(bad)
        raise DistributionError(
            f"logits {name} contain {a[pos]} at {position(name, pos)}; logits must be "
            "finite or -inf (a zero probability)"
        )
    alive = np.any(a > -np.inf, axis=axes)
    if not np.all(alive):
        pos = _first(~alive) if alive.ndim else ()
        raise DistributionError(
            f"logits {name} are all -inf at {_row_where(name, pos, axes, a.ndim)}; "
            "at least one outcome needs a finite logit"
        )


def check_log_probs(a: np.ndarray, name: str, axes: tuple[int, ...], dtype: Any = None) -> None:
    bad = np.isnan(a) | (a == np.inf)
    if bad.any():
        pos = _first(bad)
        raise DistributionError(
            f"log-probabilities {name} contain {a[pos]} at {position(name, pos)}; they must "
            "be finite or -inf (a zero probability)"
        )
    tol = sum_tolerance(np.dtype(dtype) if dtype is not None else a.dtype)
    if (a > tol).any():
        pos = _first(a > tol)
        raise DistributionError(
            f"log-probabilities {name} have a positive entry {a[pos]:.6g} at "
            f"{position(name, pos)}; log-probabilities are <= 0 (for unnormalised scores, "
            f"pass ib.logits({name}))"
        )
    lse = np.squeeze(logsumexp(a, axes), axis=axes)
    off = ~(np.abs(lse) <= tol)
    if np.any(off):
        pos = _first(off) if lse.ndim else ()
        total = float(np.exp(lse[pos] if lse.ndim else lse))
        raise DistributionError(
            f"log-probabilities {name} exponentiate to a total of {total:.8g} at "
            f"{_row_where(name, pos, axes, a.ndim)}; they must sum to 1 within {tol:.2g} "
            f"(for unnormalised scores, pass ib.logits({name}))"
        )


#: The one table of checks per kind: ``CHECKS[kind](host_array, name, axes, dtype)``
#: raises the worded error for the first problem, or returns; ``dtype`` is the caller's
#: (it sets the tolerance). Every engine words errors with it.
CHECKS: dict[Kind, Callable[[np.ndarray, str, tuple[int, ...], Any], None]] = {
    Kind.PROBS: check_probs,
    Kind.COUNTS: check_counts,
    Kind.LOGITS: check_logits,
    Kind.LOG_PROBS: check_log_probs,
}
