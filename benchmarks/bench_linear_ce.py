"""Benchmark: linear_cross_entropy against the direct form and PyTorch's own chunked one.

Forward + backward of cross-entropy(hidden @ weight.T, target) on the CPU, float32, at
N=8192, D=1024, V=65536 (``--quick``: N=2048, D=256, V=8192). The anchor is the direct
form, ``F.cross_entropy(hidden @ weight.T, target)``, which materialises the [N, V]
logits. Each method runs in a fresh subprocess, so that its peak resident memory is its
own; "extra" memory is that peak minus the resident size once the inputs exist (the
gradients of hidden and weight, the same for every method, are part of it). Times are
medians over repeats within that subprocess. Ratios are against the anchor of the same run.

    .venv/bin/python benchmarks/bench_linear_ce.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

METHODS = ("naive", "infobits", "torch_chunked")


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def worker(method: str, n: int, d: int, v: int, repeats: int) -> dict[str, float]:
    import torch
    import torch.nn.functional as F

    from infobits.losses import linear_cross_entropy

    g = torch.Generator().manual_seed(0)
    h = torch.randn(n, d, generator=g).requires_grad_(True)
    w = (torch.randn(v, d, generator=g) / d**0.5).requires_grad_(True)
    y = torch.randint(0, v, (n,), generator=g)

    if method == "naive":

        def loss_fn() -> torch.Tensor:
            return F.cross_entropy(h @ w.T, y)

    elif method == "infobits":

        def loss_fn() -> torch.Tensor:
            return linear_cross_entropy(h, w, y)

    else:
        opts = torch.nn.LinearCrossEntropyOptions()

        def loss_fn() -> torch.Tensor:
            return F.linear_cross_entropy(h, w, y, options=opts)

    base_rss = _rss_bytes()
    times, value = [], 0.0
    for _ in range(repeats):
        h.grad = w.grad = None
        t0 = time.perf_counter()
        loss = loss_fn()
        loss.backward()
        times.append(time.perf_counter() - t0)
        value = float(loss)
        del loss
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"seconds": statistics.median(times), "extra_bytes": peak - base_rss, "loss": value}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="N=2048, D=256, V=8192")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--worker", choices=METHODS, help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        n, d, v = args.size
        print(json.dumps(worker(args.worker, n, d, v, args.repeats)))
        return
    n, d, v = (2048, 256, 8192) if args.quick else (8192, 1024, 65536)
    repeats = args.repeats or (5 if args.quick else 3)
    print(f"linear cross-entropy, forward+backward, float32, CPU: N={n} D={d} V={v}")
    print(f"logits [N, V] alone: {n * v * 4 / 2**20:.0f} MiB; median of {repeats} runs")
    results = {}
    for m in METHODS:
        cmd = [sys.executable, __file__, "--worker", m, "--size", str(n), str(d), str(v)]
        cmd += ["--repeats", str(repeats)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        results[m] = json.loads(out.strip().splitlines()[-1])
    anchor = results["naive"]
    print(f"{'method':<16}{'time s':>9}{'x naive':>9}{'extra MiB':>11}{'x naive':>9}{'loss':>11}")
    for m, r in results.items():
        print(
            f"{m:<16}{r['seconds']:>9.3f}{r['seconds'] / anchor['seconds']:>9.2f}"
            f"{r['extra_bytes'] / 2**20:>11.0f}{r['extra_bytes'] / anchor['extra_bytes']:>9.3f}"
            f"{r['loss']:>11.6f}"
        )


if __name__ == "__main__":
    main()
