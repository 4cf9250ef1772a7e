"""The context-mixing compressor against zlib -9, bz2 -9 and lzma -9 on real text, in
one run.

The files are found on this machine, not committed: English documentation (the help
topics that ship with CPython, ``pydoc_data.topics``), licences
(``/usr/share/common-licenses`` or CPython's LICENSE), and source code (a fixed set of
CPython standard-library modules); the vim manual is added when present. For each file
it prints bits per byte of every compressor, the coded size against the model's own
ideal code length, and encode and decode speed in MB/s (decode checked bit for bit).
Goals: smaller than zlib -9 on English text and on source code; within 0.1% of the
ideal; encode >= 1 MB/s, decode >= 0.3 MB/s. Speeds are given by the wall clock and, in
parentheses, by this process's CPU time, which other load on the machine does not slow.

Usage: python benchmarks/bench_compress.py [--quick] [--models order5,...]
"""

from __future__ import annotations

import argparse
import bz2
import lzma
import sysconfig
import time
import zlib
from pathlib import Path

from infobits.codes.container import HEADER_SIZE, pack, unpack

STDLIB_MODULES = [
    "typing.py",
    "argparse.py",
    "inspect.py",
    "dataclasses.py",
    "subprocess.py",
    "pathlib.py",
    "functools.py",
    "enum.py",
    "tarfile.py",
    "configparser.py",
]


def english_docs() -> bytes:
    from pydoc_data.topics import topics

    return "\n\n".join(topics[k] for k in sorted(topics)).encode("utf-8")


def licences() -> bytes:
    d = Path("/usr/share/common-licenses")
    if d.is_dir():
        files = sorted(p for p in d.iterdir() if p.is_file() and not p.is_symlink())
        if files:
            return b"\n".join(p.read_bytes() for p in files)
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for cand in (stdlib / "LICENSE.txt", stdlib.parent / "LICENSE.txt", stdlib / "LICENSE"):
        if cand.is_file():
            return cand.read_bytes()
    raise FileNotFoundError("no licence texts found")


def source_code() -> bytes:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    return b"\n".join((stdlib / m).read_bytes() for m in STDLIB_MODULES if (stdlib / m).is_file())


def corpus(quick: bool) -> list[tuple[str, bytes]]:
    out = [
        ("English docs (pydoc topics)", english_docs()),
        ("licences", licences()),
        ("source code (stdlib .py)", source_code()),
    ]
    vim = sorted(Path("/usr/share").glob("vim/vim*/doc/version7.txt"))
    if vim:
        out.append(("English manual (vim version7.txt)", vim[0].read_bytes()))
    if quick:
        out = [(name, data[:200_000]) for name, data in out]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="only the first 200 kB of each file")
    ap.add_argument("--models", default="order3,order5", help="comma-separated models")
    args = ap.parse_args()
    orders = [int(m.strip().removeprefix("order")) for m in args.models.split(",")]
    pack(b"warm up the compiled loop", orders[0])

    for name, raw in corpus(args.quick):
        n = len(raw)
        print(f"\n{name}: {n} bytes")
        t0 = time.perf_counter()
        z = zlib.compress(raw, 9)
        tz = time.perf_counter() - t0
        b = bz2.compress(raw, 9)
        x = lzma.compress(raw, preset=9)
        print(f"  {'zlib -9':<12}{8 * len(z) / n:>7.3f} bits/byte  ({n / tz / 1e6:.1f} MB/s)")
        print(f"  {'bz2 -9':<12}{8 * len(b) / n:>7.3f} bits/byte")
        print(f"  {'lzma -9':<12}{8 * len(x) / n:>7.3f} bits/byte")
        for order in orders:
            t0, c0 = time.perf_counter(), time.process_time()
            blob, ideal = pack(raw, order)
            te, ce = time.perf_counter() - t0, time.process_time() - c0
            t0, c0 = time.perf_counter(), time.process_time()
            back = unpack(blob)
            td, cd = time.perf_counter() - t0, time.process_time() - c0
            assert back == raw, "round trip failed"
            payload = 8 * (len(blob) - HEADER_SIZE)
            print(
                f"  {'order' + str(order):<12}{8 * len(blob) / n:>7.3f} bits/byte  "
                f"vs zlib {len(blob) / len(z):.3f}x  vs lzma {len(blob) / len(x):.3f}x  "
                f"payload/ideal-1 {(payload - ideal) / ideal:+.4%}  "
                f"enc {n / te / 1e6:.2f} MB/s ({n / ce / 1e6:.2f} CPU)  "
                f"dec {n / td / 1e6:.2f} MB/s ({n / cd / 1e6:.2f} CPU)"
            )


if __name__ == "__main__":
    main()
