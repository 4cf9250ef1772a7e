"""Time and memory of a bootstrap interval for entropy on wide rows of counts.

Zipf counts (p_i ∝ 1/i) over K = 10^4, 10^5, 10^6 symbols, N = 10^7 samples; 1000
replicates (``--n-boot``). Two ways to get the replicates, timed in the same process,
interleaved, after one warm-up each:

- ``vectors`` (the anchor, the previous method): each replicate drawn as a count vector
  over the symbols and the estimator run on blocks of these vectors;
- ``fingerprint``: each replicate's fingerprint (how many symbols have each count)
  drawn directly from the row's fingerprint, and the estimator computed from the
  fingerprints (``infobits.estimators._fingerprint``).

Memory: the peak traced by tracemalloc during one call, and the peak resident set of
a fresh process that runs one call, above its resident set just before the call.

    .venv/bin/python benchmarks/bench_bootstrap.py [--sizes 10000 100000 1000000]
        [--n-boot 1000] [--repeats 1] [--method chao_wang_jost]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
from _timing import interleaved

from infobits.estimators._fingerprint import bootstrap_entropy
from infobits.estimators.bootstrap import bootstrap_one
from infobits.estimators.discrete import ENTROPY_METHODS

N = 10**7
SEED = 20260101


def zipf_counts(k: int) -> np.ndarray:
    p = 1 / np.arange(1, k + 1)
    c = np.random.default_rng(SEED).multinomial(N, p / p.sum())
    return c[c > 0].astype(np.float64)[None, :]


def runner(c: np.ndarray, method: str, n_boot: int, how: str):
    def stat(d: np.ndarray, which: np.ndarray) -> np.ndarray:
        return ENTROPY_METHODS[method](d, None)[0]

    def vectors() -> np.ndarray:
        return bootstrap_one(c, stat, n_boot, np.random.default_rng(1))

    def fingerprint() -> np.ndarray:
        return bootstrap_entropy(c, method, stat, n_boot, np.random.default_rng(1))

    return vectors if how == "vectors" else fingerprint


def traced_peak(fn) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def _status(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(x.split()[1]) for x in fh if x.startswith(key))  # KiB


def child(k: int, method: str, n_boot: int, how: str) -> None:
    """One call in this (fresh) process; print its peak RSS above the RSS before it."""
    c = zipf_counts(k)
    fn = runner(c, method, n_boot, how)
    try:  # reset the peak (VmHWM) to the current RSS (Linux >= 4.0)
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    except OSError:
        pass
    before = _status("VmRSS")
    fn()
    print(json.dumps({"rss_extra_mib": (_status("VmHWM") - before) / 1024}))


def rss_extra(k: int, method: str, n_boot: int, how: str) -> float:
    out = subprocess.run(
        [
            sys.executable,
            str(Path(__file__)),
            "--child",
            str(k),
            how,
            "--method",
            method,
            "--n-boot",
            str(n_boot),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(out.stdout.strip().splitlines()[-1])["rss_extra_mib"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10**4, 10**5, 10**6])
    ap.add_argument("--n-boot", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--method", default="chao_wang_jost")
    ap.add_argument("--child", nargs=2, metavar=("K", "HOW"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(int(args.child[0]), args.method, args.n_boot, args.child[1])
        return
    print(
        f"Bootstrap of {args.method}: Zipf counts, N = 10^7, n_boot = {args.n_boot}, "
        f"median of {args.repeats} (interleaved)"
    )
    print(
        f"  {'K':>9}{'support':>9}  {'way':<12}{'seconds':>9}{'ratio':>7}"
        f"{'traced MiB':>12}{'RSS+ MiB':>10}"
    )
    for k in args.sizes:
        c = zipf_counts(k)
        fns = [runner(c, args.method, args.n_boot, h) for h in ("vectors", "fingerprint")]
        times = interleaved(fns, args.repeats)
        for how, fn, t in zip(("vectors", "fingerprint"), fns, times, strict=True):
            peak = traced_peak(fn)
            rss = rss_extra(k, args.method, args.n_boot, how)
            print(
                f"  {k:>9}{c.shape[1]:>9}  {how:<12}{t:>9.1f}{t / times[0]:>7.2f}"
                f"{peak:>12.1f}{rss:>10.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
