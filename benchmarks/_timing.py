"""Timing shared by the benchmark scripts: medians of repeats after one warm-up call.

Medians, because the machines these run on are small and shared, and one slow repeat
says more about the neighbours than about the code. :func:`interleaved` runs the
contenders in turn within each repeat, so a burst of load hits them alike.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence


def median_time(fn: Callable[[], object], repeats: int) -> float:
    """Median wall-clock seconds of ``repeats`` calls of ``fn``, after one warm-up call."""
    fn()  # warm up: imports, caches, compilation
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def interleaved(fns: Sequence[Callable[[], object]], repeats: int) -> list[float]:
    """Median wall-clock seconds of each of ``fns``, timed in turn within each repeat
    (after one warm-up call each)."""
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - t0)
    return [statistics.median(t) for t in times]
