"""What every estimator shares: counts as rows, and how an interval is finished.

Samples and ``ib.counts(...)`` both become :class:`CountRows` here; the entropy kernels
of every discrete method are dispatched here (so that the paired estimators reuse
them); and the last steps of every interval, widening it to hold its estimate, clipping
a quantity that cannot be negative, ordering its ends for a base below 1, are written
once.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import ndtri

from .._inputs import Kind, Tagged, prepare
from ._checks import check_method
from ._huge import entropy_huge
from .counting import ValueCounts, count_values
from .discrete import ENTROPY_METHODS, HUGE, huge_rows, plugin_stderr, totals
from .nsb import dirichlet_entropy, nsb_entropy
from .pym import pym_entropy
from .unseen import unseen_entropy

ENTROPY_METHOD_NAMES = (*ENTROPY_METHODS, "dirichlet", "nsb", "pym", "unseen")

SCARCE = 0.05  # Good–Turing unseen mass above which a bootstrap interval is flagged
BOOT_NOTE = (
    "bootstrap intervals cannot include unseen symbols; about {:.0%} of the probability "
    "is on symbols not seen (Good–Turing f1/N), so this interval is likely too narrow"
)
HUGE_NOTE = (
    "counts totalling 2**63 or more: computed from the frequencies and log N after "
    "scaling the counts; a bootstrap cannot resample that many, so the interval there "
    "is the large-sample normal one"
)


class CountRows:
    """Counts as rows: c (rows, bins) float64, the batch shape, and whether it was 1 row."""

    def __init__(self, c: np.ndarray, batch: tuple[int, ...]) -> None:
        self.c = c
        self.batch = batch

    @property
    def n(self) -> np.ndarray:
        return totals(self.c)

    def total(self) -> Any:
        """The sample size per row: exact Python ints for one row, int64 per row (float64
        where a total reaches 2**63, beyond int64) for a batch."""
        return sizes(self.c, self.batch)

    @property
    def support(self) -> np.ndarray:
        return np.count_nonzero(self.c, axis=-1)

    def shape(self, v: np.ndarray) -> Any:
        return float(v[0]) if self.batch == () else v.reshape(self.batch)

    def shape_int(self, v: np.ndarray) -> Any:
        return int(v[0]) if self.batch == () else v.reshape(self.batch).astype(np.int64)


def sizes(c: np.ndarray, batch: tuple[int, ...]) -> Any:
    if batch == ():
        return sum(int(v) for v in c[0]) if not (totals(c) < HUGE).all() else int(c[0].sum())
    n = totals(c).reshape(batch)
    return n if not (n < HUGE).all() else n.astype(np.int64)


def counts_of(
    x: Any, name: str, column: str | None = None, na_values: Any = None
) -> CountRows | ValueCounts:
    """Counts from ib.counts (rows kept as rows) or from samples (a ValueCounts)."""
    if isinstance(x, Tagged):
        if x.kind is not Kind.COUNTS:
            raise TypeError(
                f"{name} holds {x.kind.value}, but estimators need data: pass samples, or "
                f"their histogram as ib.counts(...); for a known distribution use the "
                "measures (ib.entropy, ib.kl_divergence) instead"
            )
        with np.errstate(over="ignore"):  # the check sums the counts: 1e308 + 1e308
            prep = prepare(x, name, -1)
        c = np.asarray(prep.values, dtype=np.float64)
        return CountRows(c.reshape(-1, c.shape[-1]), c.shape[:-1])
    vc = count_values(x, column=column, na_values=na_values)
    if vc.total == 0:
        raise ValueError(
            f"{name} has no samples" + (f" ({vc.missing} missing)" if vc.missing else "")
        )
    reject_continuous(vc, name)
    return vc


def reject_continuous(vc: ValueCounts, name: str) -> None:
    lab = vc.labels
    if lab.dtype.kind == "f" and vc.support == vc.total and vc.total > 2:
        frac = lab != np.round(lab)
        if frac.any():
            raise ValueError(
                f"{name} holds {vc.total} distinct non-integer numbers (e.g. "
                f"{lab[np.argmax(frac)]!r}), which looks like continuous data: every value "
                "is its own symbol. Use ib.estimate_differential_entropy (or method='knn' / "
                "'ksg'), or bin the values first"
            )


def as_rows(x: CountRows | ValueCounts) -> CountRows:
    if isinstance(x, ValueCounts):
        return CountRows(x.counts.astype(np.float64)[None, :], ())
    return x


def around(h: Any, lo: Any, hi: Any) -> tuple[Any, Any]:
    """Widen an interval to contain its own estimate: a bias-corrected estimate can sit
    outside the basic bootstrap interval, or beyond the clip at log K, on tiny samples;
    an interval that excludes the number it comes with would only mislead."""
    return np.minimum(lo, h), np.maximum(hi, h)


def z_score(level: float) -> float:
    return float(ndtri(0.5 + level / 2))


def ordered(lo: Any, hi: Any, scale: float) -> tuple[Any, Any]:
    """The interval's ends before scaling to the unit: a base below 1 has a negative
    scale, which would turn (low, high) into (high, low)."""
    return (hi, lo) if scale < 0 else (lo, hi)


#: Quantities that cannot be negative: an estimate below 0 is sampling noise or bias.
_NONNEGATIVE = ("entropy", "kl_divergence", "mutual_information", "conditional_entropy")


def positive_part(
    value: Any, lo: Any, hi: Any, notes: list[str], quantity: str, scale: float, unit: str
) -> tuple[Any, Any, Any]:
    """Report a KL, MI or discrete H(Y|X) estimate below 0 as 0, saying so.

    These quantities are >= 0, so the positive part of an estimate is never further
    from the truth than the estimate itself; its interval is clipped the same way.
    """
    if quantity not in _NONNEGATIVE:
        return value, lo, hi
    v = np.asarray(value, dtype=np.float64)
    if np.any(v < 0):
        low = float(np.min(v)) * scale
        what = {
            "entropy": "an entropy",
            "kl_divergence": "a KL divergence",
            "mutual_information": "mutual information",
            "conditional_entropy": "a discrete conditional entropy",
        }[quantity]
        notes.append(
            f"the estimator gave {low:.4g} {unit}, below 0; {what} is never negative, so 0 "
            "is reported (the positive part is never further from the truth); values well "
            "below 0 mean too few samples, or samples that are not independent draws"
        )
    clip = (lambda a: a) if lo is None else (lambda a: np.maximum(a, 0.0))
    return np.maximum(v, 0.0), clip(lo), clip(hi)


def unseen_mass(c: np.ndarray) -> np.ndarray:
    return np.count_nonzero(c == 1, axis=-1) / totals(c)


def entropy_nats(
    c: np.ndarray, method: str, k: np.ndarray | None, concentration: float
) -> tuple[np.ndarray, np.ndarray | None]:
    """Entropy (and, where the method has one, its standard error) of every row, nats.

    Rows of 2**63 samples or more go to :mod:`._huge`, which works on scaled counts:
    the kernels here would overflow (a total of 1e308 + 1e308 is inf in float64).
    """
    big = huge_rows(c)
    if not big.any():
        return entropy_kernel(c, method, k, concentration)
    h = np.empty(c.shape[0])
    h[big] = entropy_huge(c[big], method, None if k is None else k[big], concentration)
    ok = ~big
    if not ok.any():
        return h, (plugin_stderr(c) if method in ("nsb", "dirichlet", "jackknife") else None)
    h_ok, se_ok = entropy_kernel(c[ok], method, None if k is None else k[ok], concentration)
    h[ok] = h_ok
    if se_ok is None:
        return h, None
    se = plugin_stderr(c)
    se[ok] = se_ok
    return h, se


def entropy_kernel(
    c: np.ndarray, method: str, k: np.ndarray | None, concentration: float
) -> tuple[np.ndarray, np.ndarray | None]:
    if method == "nsb":
        assert k is not None
        return nsb_entropy(c, k)
    if method == "dirichlet":
        kk = k if k is not None else np.count_nonzero(c, axis=-1).astype(np.float64)
        return dirichlet_entropy(c, kk, concentration)
    if method == "pym":
        return pym_entropy(c)
    if method == "unseen":
        return unseen_entropy(c)
    return ENTROPY_METHODS[method](c, k)


def resolve_entropy_method(method: str, k: Any) -> str:
    check_method(method, ENTROPY_METHOD_NAMES, "discrete entropy")
    if method == "auto":
        return "nsb" if k is not None else "chao_wang_jost"
    return method


#: Why an estimate can lie outside the interval its formula gives, by interval kind.
OUTSIDE_WHY = {
    "bootstrap": (
        "a basic bootstrap interval is the spread of the resampled estimates reflected "
        "about the estimate, with the plug-in value of the observed frequencies as the "
        "truth of the resampling world; it carries the bias the resamples show, so a "
        "bias-corrected estimate can fall outside it (or it was clipped to the "
        "quantity's range, such as [0, log K] for entropy)"
    ),
    "posterior": "the posterior interval mean ± z·sd was clipped to [0, log K]",
    "bias-aware": "the interval was clipped to [0, log K]",
    "one-sided": (
        "a one-sided interval starts at the plug-in's lower bound, and this estimate lies "
        "below the plug-in"
    ),
}


def note_outside(
    h: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    kind: str | None,
    notes: list[str],
    scale: float,
    unit: str,
) -> None:
    """Say so when an estimate lies outside the interval its formula gave (before the
    interval is widened to reach it), and why, for the interval's kind."""
    out = (h < lo) | (h > hi)
    if not out.any():
        return
    why = OUTSIDE_WHY.get(str(kind), "it was clipped to the quantity's range")
    if h.size == 1:
        a, b = sorted((float(lo[0]) * scale, float(hi[0]) * scale))
        head = (
            f"the estimate {float(h[0]) * scale:.4g} {unit} lies outside the {kind} "
            f"interval [{a:.4g}, {b:.4g}] its formula gives"
        )
    else:
        head = (
            f"in {int(out.sum())} of {h.size} rows the estimate lies outside the {kind} "
            "interval its formula gives"
        )
    notes.append(
        f"{head}: {why}. The interval was widened to reach the estimate, which sits at its edge"
    )
