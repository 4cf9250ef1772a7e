"""Geometry of the code diagram, without matplotlib: where the bars go and which labels fit.

Kept apart from the drawing so that the explorer's SVG and the matplotlib figures share
one set of numbers, and so that the layout rules can be tested without a renderer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _units
from .._inputs import prepare
from ..measures import cross_entropy, entropy, kl_divergence

__all__ = [
    "Diagram",
    "diagram_data",
    "fit_labels",
    "log_symbol",
    "spread_labels",
    "y_limits",
]


@dataclass(frozen=True)
class Diagram:
    """The numbers a code diagram shows, all in units of ``base``.

    Outcome i is a bar from ``x0[i]`` to ``x0[i] + p[i]`` of height ``code_length[i]``
    (log 1/qᵢ); ``best_length[i]`` (log 1/pᵢ) is the height of the best code's bar.
    Lengths of zero-probability outcomes are ``inf``.
    """

    p: np.ndarray
    q: np.ndarray
    x0: np.ndarray
    best_length: np.ndarray
    code_length: np.ndarray
    entropy: float
    cross_entropy: float
    kl_divergence: float
    unit: str
    log: str

    @property
    def k(self) -> int:
        return int(self.p.size)

    @property
    def visible(self) -> np.ndarray:
        """Outcomes with pᵢ > 0: the only bars with any width."""
        return self.p > 0


def log_symbol(base: _units.Base) -> str:
    """How to write the logarithm of ``base`` in a label.

    >>> log_symbol(2), log_symbol("nats"), log_symbol(10), log_symbol(3)
    ('log₂', 'ln', 'log₁₀', 'log_3')
    """
    ln = _units.log_of_base(base)
    for sym, b in (("log₂", 2.0), ("ln", math.e), ("log₁₀", 10.0)):
        if math.isclose(ln, math.log(b), rel_tol=1e-15):
            return sym
    return f"log_{math.exp(ln):g}"


def _probs(x: Any, name: str) -> np.ndarray:
    prep = prepare(x, name, -1)
    if prep.values.ndim != 1:
        raise ValueError(
            f"{name} has shape {prep.values.shape}; a code diagram shows one distribution, "
            f"so give a 1-D vector of K outcomes"
        )
    return np.asarray(prep.probs(), dtype=np.float64)


def diagram_data(p: Any, q: Any = None, base: _units.Base = 2) -> Diagram:
    """Validate p and q (any input kind) and compute every number the diagram shows.

    Shapes: p and q (K,). ``q=None`` means q = p: the best code, with no waste. Returns a
    :class:`Diagram`: bar i spans ``x0[i]`` to ``x0[i] + p[i]`` and is log(1/qᵢ) tall.

    >>> d = diagram_data([0.5, 0.25, 0.25], [0.25, 0.25, 0.5])
    >>> d.x0.tolist(), d.code_length.tolist(), d.best_length.tolist()
    ([0.0, 0.5, 0.75], [2.0, 2.0, 1.0], [1.0, 2.0, 2.0])
    >>> d.entropy, d.cross_entropy, d.kl_divergence, d.unit
    (1.5, 1.75, 0.25, 'bits')

    Reference: C. Olah, "Visual Information Theory", 2015 (the bar picture of a code).
    """
    pv = _probs(p, "p")
    qv = pv if q is None else _probs(q, "q")
    if pv.size != qv.size:
        raise ValueError(
            f"p has {pv.size} outcomes but q has {qv.size}; give one probability per outcome"
        )
    ln_b = _units.log_of_base(base)
    with np.errstate(divide="ignore"):
        lp = -np.log(pv) / ln_b
        lq = -np.log(qv) / ln_b
    x0 = np.concatenate([[0.0], np.cumsum(pv)[:-1]])
    return Diagram(
        p=pv,
        q=qv,
        x0=x0,
        best_length=lp,
        code_length=lq,
        entropy=float(entropy(pv, base=base)),
        cross_entropy=float(cross_entropy(pv, qv, base=base)),
        kl_divergence=float(kl_divergence(pv, qv, base=base)),
        unit=_units.unit_name(base),
        log=log_symbol(base),
    )


def fit_labels(centers: Any, widths: Any, priority: Any, gap: float = 0.0) -> np.ndarray:
    """Choose labels that do not overlap: a boolean mask over the labels.

    Label i occupies ``[centers[i] - widths[i]/2, centers[i] + widths[i]/2]`` (plus
    ``gap``). Labels are taken in order of decreasing ``priority`` and kept when they
    overlap no label kept before, so the most important labels always survive.

    >>> fit_labels([0.1, 0.15, 0.6], [0.1, 0.1, 0.1], [1, 2, 3]).tolist()
    [False, True, True]
    """
    c = np.asarray(centers, dtype=np.float64)
    w = np.asarray(widths, dtype=np.float64) + gap
    lo, hi = c - w / 2, c + w / 2
    keep = np.zeros(c.size, dtype=bool)
    kept: list[int] = []
    for i in np.argsort(-np.asarray(priority, dtype=np.float64), kind="stable"):
        if all(hi[i] <= lo[j] or lo[i] >= hi[j] for j in kept):
            keep[i] = True
            kept.append(int(i))
    return keep


def spread_labels(wanted: Any, min_gap: float, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """Move 1-D label positions apart by at least ``min_gap``, staying near where wanted.

    Positions are sorted, pushed up where they crowd, then pulled back down from
    ``high`` if the top one went past it. The order of the labels never changes.

    >>> spread_labels([0.5, 0.52, 0.9], 0.1).round(3).tolist()
    [0.5, 0.6, 0.9]
    """
    y = np.asarray(wanted, dtype=np.float64).copy()
    order = np.argsort(y, kind="stable")
    s = np.maximum(y[order], low)
    for i in range(1, s.size):
        s[i] = max(s[i], s[i - 1] + min_gap)
    if s.size and s[-1] > high:
        s[-1] = high
        for i in range(s.size - 2, -1, -1):
            s[i] = min(s[i], s[i + 1] - min_gap)
    out = np.empty_like(s)
    out[order] = s
    return out


def y_limits(d: Diagram) -> tuple[float, float]:
    """The top of the y axis, and the height above which a bar is drawn cut off.

    One very improbable q-outcome (or q = 0) would otherwise flatten every other bar, so
    bars taller than a few times the typical lengths are cut, and say so. ``cap`` is
    ``inf`` when nothing is cut.

    >>> y_limits(diagram_data([0.5, 0.5], [0.5, 0.5]))
    (1.08, inf)
    >>> top, cap = y_limits(diagram_data([0.5, 0.5], [1.0, 0.0]))
    >>> cap, round(top, 2)
    (2.5, 2.8)
    """
    vis = d.visible
    best = d.best_length[vis]
    code = d.code_length[vis]
    finite = code[np.isfinite(code)]
    ref = max(float(best.max()), d.entropy, 1.0)
    if math.isfinite(d.cross_entropy):
        ref = max(ref, d.cross_entropy)
    cap = 2.5 * ref
    tallest = max(float(best.max()), float(finite.max()) if finite.size else 0.0)
    if tallest <= cap and finite.size == code.size:
        top = tallest if tallest > 0 else 1.0  # all lengths 0: a certain outcome
        return top * 1.08, math.inf
    return cap * 1.12, cap
