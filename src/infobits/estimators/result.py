"""The :class:`Estimate` type: an estimated information quantity with its uncertainty.

An estimate from samples is a number, and a statement of how far it may be off. This
module holds both in one object, together with what produced them (the method, the
sample size, the observed support), so that a reported number always travels with the
facts needed to judge it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Estimate"]


def _plain(x: Any) -> Any:
    """Make numpy scalars and arrays JSON-friendly (floats, ints, nested lists)."""
    if x is None:
        return None
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, tuple):
        return [_plain(v) for v in x]
    return x


@dataclass(frozen=True)
class Estimate:
    """An information quantity estimated from samples, with its uncertainty.

    Attributes:
        value: the estimate, a float (one input) or an array (one per row of 2-D counts).
        stderr: its standard error, or ``None`` where the method has none. For ``nsb``
            and ``dirichlet`` it is the posterior standard deviation; for ``jackknife``
            the jackknife standard error; with ``ci`` and a bootstrap, the bootstrap
            standard deviation; otherwise the large-sample (delta-method) standard error
            of the plug-in, which ignores bias.
        interval: ``(low, high)`` at ``level``, or ``None`` when no ``ci`` was asked.
        level: the interval's nominal coverage, such as 0.95.
        interval_kind: ``"posterior"`` (NSB, Dirichlet), ``"bootstrap"`` (basic
            bootstrap), ``"bias-aware"`` (``auto``'s calibrated interval),
            ``"one-sided"`` (a lower bound: its upper end is ∞, or log K when K is
            known, because most samples were seen once), ``"half-sample"`` (point
            data) or ``None``. In a batch, rows may differ; the notes say which.
        method: the method that produced the value (``auto`` resolved to its choice).
        quantity: what was estimated, e.g. ``"entropy"`` or ``"kl_divergence"``.
        unit: ``"bits"``, ``"nats"``, ...
        n: the number of samples (per row for 2-D counts; a pair for two samples).
        support: the number of distinct symbols observed (``None`` for continuous data).
        alphabet_size: the alphabet size used, if known.
        missing: how many samples were dropped as missing (None, NaN, nulls, and the
            strings named in ``na_values``); for paired samples, the pairs dropped
            because either side is missing. ``None`` where not counted.
        notes: plain-language caveats about this estimate (for example, that a
            bootstrap interval is too narrow when many symbols are unseen, that the
            interval is one-sided, or that the estimate lay outside the interval its
            formula gave); for ``method="auto"`` the first note says what was chosen.

    ``float(est)`` gives the value of a scalar estimate.

    >>> e = Estimate(value=1.5, stderr=0.1, interval=(1.3, 1.7), level=0.95,
    ...              interval_kind="bootstrap", method="plugin", quantity="entropy",
    ...              unit="bits", n=100, support=3)
    >>> float(e), e.interval
    (1.5, (1.3, 1.7))
    >>> Estimate(value=1.5, stderr=0.1, method="plugin", n=100)
    Estimate(entropy = 1.5 bits ± 0.1, method='plugin', n=100)
    """

    value: Any
    stderr: Any = None
    interval: tuple[Any, Any] | None = None
    level: float | None = None
    interval_kind: str | None = None
    method: str = ""
    quantity: str = "entropy"
    unit: str = "bits"
    n: Any = None
    support: Any = None
    alphabet_size: Any = None
    missing: Any = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __float__(self) -> float:
        v = np.asarray(self.value)
        if v.ndim:
            raise TypeError(f"this Estimate holds {v.size} values (shape {v.shape}); use .value")
        return float(v)

    @property
    def low(self) -> Any:
        """The interval's lower end (``None`` without an interval)."""
        return None if self.interval is None else self.interval[0]

    @property
    def high(self) -> Any:
        """The interval's upper end (``None`` without an interval)."""
        return None if self.interval is None else self.interval[1]

    def to_dict(self) -> dict[str, Any]:
        """The estimate as plain Python data, ready for ``json.dumps``."""
        return {
            "quantity": self.quantity,
            "value": _plain(self.value),
            "unit": self.unit,
            "stderr": _plain(self.stderr),
            "interval": _plain(self.interval),
            "level": self.level,
            "interval_kind": self.interval_kind,
            "method": self.method,
            "n": _plain(self.n),
            "support": _plain(self.support),
            "alphabet_size": _plain(self.alphabet_size),
            "missing": _plain(self.missing),
            "notes": list(self.notes),
        }

    def __repr__(self) -> str:
        v = np.asarray(self.value)
        if v.ndim:
            return (
                f"Estimate({self.quantity}, {v.size} values in {self.unit}, method={self.method!r})"
            )
        parts = [f"{self.quantity} = {_g(self.value)} {self.unit}"]
        if self.stderr is not None and math.isfinite(float(self.stderr)):
            parts[0] += f" ± {_g(self.stderr)}"
        if self.interval is not None and self.level is not None:
            lo, hi = self.interval
            parts.append(
                f"{100 * self.level:g}% {self.interval_kind} interval [{_g(lo)}, {_g(hi)}]"
            )
        parts.append(f"method={self.method!r}")
        if self.n is not None:
            parts.append(f"n={_plain(self.n)}")
        if self.support is not None:
            parts.append(f"support={_plain(self.support)}")
        return f"Estimate({', '.join(parts)})"


def _g(x: Any) -> str:
    return f"{float(x):.6g}"
