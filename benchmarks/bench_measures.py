"""Measures against scipy.stats.entropy, and against the floor, in one run.

The anchor is ``scipy.stats.entropy``. The floor is the time of ``np.log`` over every
array the measure must take the logarithm of (p and q for KL and cross-entropy, p for
entropy), measured in the same run on the same data. Timings are medians of repeats;
the printed ratios are what to read, since this machine's absolute speed varies.

Usage: python benchmarks/bench_measures.py [--quick] [--repeats N]
"""

from __future__ import annotations

import argparse
import tracemalloc
from collections.abc import Callable

import numpy as np
import scipy.special
import scipy.stats
from _timing import median_time

import infobits as ib


def peak_extra_bytes(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def data(shape: tuple[int, ...], dtype: type, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.random(shape) + 0.01
    x /= x.sum(axis=-1, keepdims=True)
    return x.astype(dtype)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10x smaller arrays")
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    n = 10**6 if args.quick else 10**7
    shapes = [(n,), (n // 1000, 1000)]
    header = (
        f"{'measure':<14}{'shape':<14}{'dtype':<9}{'infobits ms':>12}{'scipy ms':>10}"
        f"{'floor ms':>10}{'vs scipy':>10}{'vs floor':>10}{'check=False':>12}{'peak/input':>11}"
    )
    print(header)
    print("-" * len(header))
    for dtype in (np.float64, np.float32):
        for shape in shapes:
            p, q = data(shape, dtype, 1), data(shape, dtype, 2)

            cases = [
                (
                    "kl_divergence",
                    lambda p=p, q=q: ib.kl_divergence(p, q, base="nats"),
                    lambda p=p, q=q: ib.kl_divergence(p, q, base="nats", check=False),
                    lambda p=p, q=q: scipy.stats.entropy(p, q, axis=-1),
                    lambda p=p, q=q: (np.log(p), np.log(q)),
                ),
                (
                    "cross_entropy",
                    lambda p=p, q=q: ib.cross_entropy(p, q, base="nats"),
                    lambda p=p, q=q: ib.cross_entropy(p, q, base="nats", check=False),
                    # scipy has no cross-entropy; its KL call is what users reach for.
                    lambda p=p, q=q: scipy.stats.entropy(p, q, axis=-1),
                    lambda p=p, q=q: (np.log(p), np.log(q)),
                ),
                (
                    "entropy",
                    lambda p=p: ib.entropy(p, base="nats"),
                    lambda p=p: ib.entropy(p, base="nats", check=False),
                    lambda p=p: scipy.stats.entropy(p, axis=-1),
                    lambda p=p: np.log(p),
                ),
            ]
            for name, ours, unchecked, anchor, floor in cases:
                t_ours = median_time(ours, args.repeats)
                t_un = median_time(unchecked, args.repeats)
                t_sc = median_time(anchor, args.repeats)
                t_fl = median_time(floor, args.repeats)
                peak = peak_extra_bytes(ours) / p.nbytes
                print(
                    f"{name:<14}{'x'.join(map(str, shape)):<14}{np.dtype(dtype).name:<9}"
                    f"{t_ours * 1e3:>12.2f}{t_sc * 1e3:>10.2f}{t_fl * 1e3:>10.2f}"
                    f"{t_sc / t_ours:>9.1f}x{t_ours / t_fl:>9.2f}x{t_sc / t_un:>11.1f}x"
                    f"{peak:>11.3f}"
                )
    print(
        "\nvs scipy: how many times faster than scipy.stats.entropy (goal: KL and H(p,q) >= 5x, "
        "H(p) >= 2x).\nvs floor: our time over np.log of every array that must be logged "
        "(goal: <= 1.5x).\ncheck=False: speed-up over scipy without validation. "
        "peak/input: peak extra memory over one input's size."
    )

    logits_section(n, args.repeats)


def logits_section(n: int, repeats: int) -> None:
    """Logits, against SciPy's softmax (or log_softmax) followed by rel_entr / entr."""
    rng = np.random.default_rng(3)
    a = rng.normal(size=(n // 1000, 1000))
    b = rng.normal(size=(n // 1000, 1000))
    p = scipy.special.softmax(a, axis=-1)
    sm, lsm = scipy.special.softmax, scipy.special.log_softmax
    cases = [
        (
            "KL(logits, logits)",
            lambda: ib.kl_divergence(ib.logits(a), ib.logits(b)),
            lambda: scipy.special.rel_entr(sm(a, axis=-1), sm(b, axis=-1)).sum(-1),
        ),
        (
            "KL(p, logits)",
            lambda: ib.kl_divergence(p, ib.logits(b)),
            lambda: scipy.special.rel_entr(p, sm(b, axis=-1)).sum(-1),
        ),
        (
            "H(logits)",
            lambda: ib.entropy(ib.logits(a)),
            lambda: scipy.special.entr(sm(a, axis=-1)).sum(-1),
        ),
        (
            "H(logits, logits)",
            lambda: ib.cross_entropy(ib.logits(a), ib.logits(b)),
            lambda: -(sm(a, axis=-1) * lsm(b, axis=-1)).sum(-1),
        ),
        (
            "H(p, logits)",
            lambda: ib.cross_entropy(p, ib.logits(b)),
            lambda: -(p * lsm(b, axis=-1)).sum(-1),
        ),
    ]
    print(f"\nlogits, {a.shape[0]}x{a.shape[1]} float64, vs scipy.special softmax + rel_entr/entr")
    for name, ours, anchor in cases:
        t_ours, t_sc = median_time(ours, repeats), median_time(anchor, repeats)
        print(f"  {name:<20}{t_ours * 1e3:>9.2f} ms{t_sc * 1e3:>9.2f} ms{t_sc / t_ours:>8.1f}x")


if __name__ == "__main__":
    main()
