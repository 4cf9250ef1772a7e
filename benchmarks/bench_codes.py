"""Stream and prefix codes against raw constriction, in one run.

The anchor for ``infobits.codes.encode``/``decode`` is constriction's range coder called
directly on the same symbols and model (the work infobits adds is validation, the
zero-probability check and the bytes conversion); the ratio is infobits time / raw time
and the goal is <= 1.10. Huffman encoding is reported in symbols per second (goal >= 10 M),
with decoding beside it. Sizes are checked against -log2 q(xⁿ). Medians of repeats.

Usage: python benchmarks/bench_codes.py [--quick] [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial

import constriction
import numpy as np
from _timing import median_time

import infobits as ib


def paired_times(
    fa: Callable[[], object], fb: Callable[[], object], repeats: int
) -> tuple[float, float]:
    """Medians of a and b timed alternately, so that load from other processes on the
    machine falls on both alike."""
    fa()
    fb()
    ta, tb = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fa()
        t1 = time.perf_counter()
        fb()
        t2 = time.perf_counter()
        ta.append(t1 - t0)
        tb.append(t2 - t1)
    return statistics.median(ta), statistics.median(tb)


def raw_encode(x: np.ndarray, q: np.ndarray) -> np.ndarray:
    enc = constriction.stream.queue.RangeEncoder()
    enc.encode(x, constriction.stream.model.Categorical(q, perfect=False))
    return enc.get_compressed()


def raw_decode(words: np.ndarray, q: np.ndarray, n: int) -> np.ndarray:
    dec = constriction.stream.queue.RangeDecoder(words)
    return dec.decode(constriction.stream.model.Categorical(q, perfect=False), n)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10^5 symbols instead of 10^6")
    ap.add_argument("--repeats", type=int, default=11)
    args = ap.parse_args()
    n = 10**5 if args.quick else 10**6
    rng = np.random.default_rng(0)

    print(f"static model, n = {n} symbols (int32), medians of {args.repeats}")
    print(
        f"{'K':>6}{'enc ms':>9}{'raw ms':>9}{'ratio':>8}{'dec ms':>9}{'raw ms':>9}{'ratio':>8}"
        f"{'Msym/s enc':>12}{'bits/ideal-1':>14}"
    )
    for k in (16, 256, 4096):
        q = 0.9 * rng.dirichlet(np.full(k, 0.5)) + 0.1 / k
        x = rng.choice(k, size=n, p=q).astype(np.int32)
        data = ib.codes.encode(x, q)
        words = raw_encode(x, q)
        assert np.array_equal(ib.codes.decode(data, q, n), x)
        t_enc, t_raw = paired_times(
            partial(ib.codes.encode, x, q), partial(raw_encode, x, q), args.repeats
        )
        t_dec, t_rawd = paired_times(
            partial(ib.codes.decode, data, q, n), partial(raw_decode, words, q, n), args.repeats
        )
        ideal = ib.codes.codelength(x, q)
        print(
            f"{k:>6}{t_enc * 1e3:>9.2f}{t_raw * 1e3:>9.2f}{t_enc / t_raw:>8.3f}"
            f"{t_dec * 1e3:>9.2f}{t_rawd * 1e3:>9.2f}{t_dec / t_rawd:>8.3f}"
            f"{n / t_enc / 1e6:>12.1f}{8 * len(data) / ideal - 1:>14.2e}"
        )

    print(f"\nHuffman, n = {n} symbols")
    print(f"{'K':>6}{'build ms':>10}{'enc Msym/s':>12}{'dec Msym/s':>12}{'L - H (bits)':>14}")
    for k in (4, 256, 4096):
        p = rng.dirichlet(np.ones(k))
        x = rng.choice(k, size=n, p=p).astype(np.int32)
        t_build = median_time(partial(ib.codes.huffman, p), 3)
        code = ib.codes.huffman(p)
        data = code.encode(x)
        assert np.array_equal(code.decode(data, n), x)
        t_enc = median_time(partial(code.encode, x), args.repeats)
        t_dec = median_time(partial(code.decode, data, n), max(3, args.repeats // 2))
        gap = code.expected_length(p) - float(ib.entropy(p))
        print(
            f"{k:>6}{t_build * 1e3:>10.2f}{n / t_enc / 1e6:>12.1f}{n / t_dec / 1e6:>12.2f}"
            f"{gap:>14.4f}"
        )


if __name__ == "__main__":
    main()
