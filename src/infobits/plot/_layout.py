"""Label placement for the figures, without matplotlib: which labels fit, and where.

The diagram's own geometry (bars, cut, axis top) is part of the explanation model,
:mod:`infobits.explain`; these rules only place text, and can be tested without a
renderer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["fit_labels", "spread_labels"]


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
