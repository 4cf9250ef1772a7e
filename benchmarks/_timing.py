"""Timing shared by the benchmark scripts: medians of repeats after one warm-up call.

Medians, because the machines these run on are small and shared, and one slow repeat
says more about the neighbours than about the code.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_time(fn: Callable[[], object], repeats: int) -> float:
    """Median wall-clock seconds of ``repeats`` calls of ``fn``, after one warm-up call."""
    fn()  # warm up: imports, caches, compilation
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)
