"""Measures against SciPy, and against the floor, in one run; quiet or beside a busy core.

The anchor for KL and cross-entropy is ``scipy.stats.entropy(p, q)`` and for entropy
``scipy.stats.entropy(p)``; logits are compared against ``scipy.special.softmax``
followed by the measure. The floor is one ``np.log`` over every array the measure must
take the logarithm of (p and q for KL and cross-entropy, p for entropy), on the same
data. Timings are medians of interleaved repeats; read the ratios, since this machine's
absolute speed varies. Peak extra memory (tracemalloc) is given as % of one input.

``--busy`` runs one CPU-bound process beside the timing, as a user's machine often has
(a training job, a CI neighbour). torch is imported first, as in a training script, and
no thread variable is set: the environment is left as the user has it.

The NumPy engine uses its compiled row kernels (``infobits.measures._ckernels``, built
by ``python setup.py build_ext --inplace``) where they are built; the first line says
whether they are, and ``--numpy-kernels`` times the NumPy path alone.

Usage: python benchmarks/bench_measures.py [--quick] [--busy] [--repeats N] [--numpy-kernels]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tracemalloc
from collections.abc import Callable

try:  # as in a training script: torch (and its thread pool) loaded before anything else
    import torch  # noqa: F401
except ImportError:
    pass

import numpy as np
import scipy.special
import scipy.stats
from _timing import interleaved

import infobits as ib
from infobits.measures import _blocked

GOALS = {"kl_divergence": 5.0, "cross_entropy": 5.0, "entropy": 2.0}


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


def probability_table(shapes: list[tuple[int, ...]], repeats: int) -> None:
    header = (
        f"{'measure':<14}{'shape':<11}{'dtype':<9}{'ours ms':>9}{'scipy ms':>10}"
        f"{'floor ms':>10}{'vs scipy':>10}{'goal':>6}{'vs floor':>10}{'check=False':>12}"
        f"{'peak %':>8}"
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
                t_ours, t_un, t_sc, t_fl = interleaved([ours, unchecked, anchor, floor], repeats)
                peak = 100 * peak_extra_bytes(ours) / p.nbytes
                vs = t_sc / t_ours
                mark = "ok" if vs >= GOALS[name] else "MISS"
                print(
                    f"{name:<14}{'x'.join(map(str, shape)):<11}{np.dtype(dtype).name:<9}"
                    f"{t_ours * 1e3:>9.2f}{t_sc * 1e3:>10.2f}{t_fl * 1e3:>10.2f}"
                    f"{vs:>9.1f}x{mark:>6}{t_ours / t_fl:>9.2f}x{t_sc / t_un:>11.1f}x"
                    f"{peak:>7.2f}%"
                )
    print(
        "\nvs scipy: SciPy's time over ours (goal: KL and H(p,q) >= 5x, H(p) >= 2x). "
        "vs floor: ours over\nnp.log of every array that must be logged (goal, quiet: "
        "<= 1.5x). check=False: SciPy's time over\nours without validation. peak %: "
        "peak extra memory as % of one input (goal: < 1%)."
    )


def logits_table(repeats: int) -> None:
    """Logits, against SciPy's softmax (or log_softmax) followed by rel_entr / entr."""
    rng = np.random.default_rng(3)
    a = rng.normal(size=(2000, 1000))
    b = rng.normal(size=(2000, 1000))
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
        t_ours, t_sc = interleaved([ours, anchor], repeats)
        print(f"  {name:<20}{t_ours * 1e3:>9.2f} ms{t_sc * 1e3:>9.2f} ms{t_sc / t_ours:>8.1f}x")


def memory_table(n: int) -> None:
    """Peak extra memory of the inputs that leave the plain path: zero entries (retaken
    block by block), integer counts (converted block by block), logits."""
    rng = np.random.default_rng(4)
    p, q = data((n,), np.float64, 5), data((n,), np.float64, 6)
    q0 = q.copy()
    q0[n // 2] = 0.0
    q0 /= q0.sum()
    p0 = p.copy()
    p0[::7] = 0.0
    p0 /= p0.sum()
    c, c2 = rng.integers(0, 100, n), rng.integers(1, 100, n)
    z, z2 = rng.normal(size=(2000, 1000)), rng.normal(size=(2000, 1000))
    cases = [
        ("KL(p, q with a zero) = inf", lambda: ib.kl_divergence(p, q0), p.nbytes),
        ("H(p with zeros)", lambda: ib.entropy(p0), p.nbytes),
        ("H(integer counts)", lambda: ib.entropy(ib.counts(c)), c.size * 8),
        ("KL(counts, counts)", lambda: ib.kl_divergence(ib.counts(c), ib.counts(c2)), c.size * 8),
        (
            "KL(logits, logits) 2000x1000",
            lambda: ib.kl_divergence(ib.logits(z), ib.logits(z2)),
            z.nbytes,
        ),
    ]
    print(f"\npeak extra memory, % of one float64 input of {n} outcomes (goal: < 1%)")
    for name, fn, nbytes in cases:
        fn()  # scratch blocks are made once per thread
        print(f"  {name:<30}{100 * peak_extra_bytes(fn) / nbytes:>8.2f}%")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="no 10^7 arrays, fewer repeats")
    ap.add_argument("--busy", action="store_true", help="one CPU-bound process alongside")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument(
        "--numpy-kernels", action="store_true", help="leave the compiled kernels unused"
    )
    args = ap.parse_args()
    if args.numpy_kernels:
        _blocked._ckernels = None
    compiled = _blocked._ckernels is not None
    repeats = args.repeats or (5 if args.quick else 11)
    sizes = [10**5, 10**6] if args.quick else [10**5, 10**6, 10**7]
    shapes: list[tuple[int, ...]] = [(n,) for n in sizes] + [(2000, 1000)]
    busy = None
    if args.busy:
        busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        kernels = "compiled row kernels" if compiled else "NumPy row kernels (no compiled ones)"
        print(
            f"{'busy: one CPU-bound process alongside' if busy else 'quiet'}; medians of "
            f"{repeats} interleaved runs; {kernels}\n"
        )
        probability_table(shapes, repeats)
        logits_table(repeats)
        memory_table(sizes[-1])
    finally:
        if busy is not None:
            busy.kill()
            busy.wait()


if __name__ == "__main__":
    main()
