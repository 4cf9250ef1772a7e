"""The context-mixing compressor against PPMd order 8 (pyppmd), ``xz -9`` and zlib -9 on
English documentation, Python source and one executable, in one run.

The files are built from what this machine has, deterministically (sorted paths, first
4 MiB): documentation CPython's help topics, ``/usr/share/common-licenses`` and the man
pages of section 1 (troff source, decompressed); source from
the standard library's ``.py`` files, sorted by path; the executable is ``/usr/bin/python3``
(or this interpreter's binary). Each coder runs as its own process, so every wall time
includes process start (for ours, the import of infobits and of the cached compiled loop),
the way a user meets it. Runs are interleaved (each round runs every coder once) and the
median of the rounds is reported, because other load on the machine slows whichever
coder happens to run beside it. On a small shared machine read the times as rough.

Goals (issue 12, item 3): size at most 0.93x PPMd-8's on documentation and source; wall
time at most 2.5x PPMd-8's; on the executable no bigger than ``xz -9``.

Usage: python benchmarks/bench_compress.py [--quick] [--rounds 3] [--models v1:order5,v2:order5]
pyppmd comes with the ``bench`` extra (``pip install infobits[bench]``).
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

SIZE = 4 << 20


def _take(chunks: list[bytes], size: int) -> bytes:
    out = bytearray()
    for c in chunks:
        if len(out) >= size:
            break
        out += c
    return bytes(out[:size])


def documentation(size: int = SIZE) -> bytes:
    """English documentation: CPython's help topics, the licences, then man pages."""
    from pydoc_data.topics import topics

    chunks = [topics[k].encode("utf-8") for k in sorted(topics)]
    lic = Path("/usr/share/common-licenses")
    if lic.is_dir():
        chunks += [
            p.read_bytes() for p in sorted(lic.iterdir()) if p.is_file() and not p.is_symlink()
        ]
    for p in sorted(Path("/usr/share/man/man1").glob("*.gz")):
        if sum(map(len, chunks)) >= size:
            break
        try:
            chunks.append(gzip.decompress(p.read_bytes()))
        except (OSError, EOFError):
            continue
    return _take(chunks, size)


def python_source(size: int = SIZE) -> bytes:
    """The standard library's Python files, sorted by path."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in stdlib.rglob("*.py") if "site-packages" not in p.parts)
    chunks: list[bytes] = []
    total = 0
    for p in files:
        if total >= size:
            break
        b = p.read_bytes()
        chunks.append(b)
        total += len(b)
    return _take(chunks, size)


def executable(size: int = SIZE) -> tuple[str, bytes]:
    for cand in ("/usr/bin/python3", os.path.realpath(sys.executable)):
        if Path(cand).is_file() and Path(cand).stat().st_size > 1 << 20:
            return cand, Path(cand).read_bytes()[:size]
    raise FileNotFoundError("no executable larger than 1 MiB found")


def corpus(size: int) -> list[tuple[str, bytes]]:
    exe, blob = executable(size)
    return [
        ("documentation", documentation(size)),
        ("python source", python_source(size)),
        (f"executable ({exe})", blob),
    ]


_OURS = """
import sys
from infobits.codes import adaptive
raw = open(sys.argv[1], 'rb').read()
p = adaptive.model_params({order}, len(raw), version={version})
if sys.argv[3] == 'c':
    open(sys.argv[2], 'wb').write(adaptive.compress_bytes(raw, p)[0])
else:
    n = int(sys.argv[4])
    p = adaptive.model_params({order}, n, version={version})
    open(sys.argv[2], 'wb').write(adaptive.decompress_bytes(raw, n, p))
"""

_PPMD = """
import sys, pyppmd
raw = open(sys.argv[1], 'rb').read()
if sys.argv[3] == 'c':
    open(sys.argv[2], 'wb').write(pyppmd.compress(raw, max_order=8, mem_size=512 << 20))
else:
    open(sys.argv[2], 'wb').write(pyppmd.decompress(raw, max_order=8, mem_size=512 << 20))
"""

_ZLIB = """
import sys, zlib
raw = open(sys.argv[1], 'rb').read()
f = zlib.compress if sys.argv[3] == 'c' else zlib.decompress
open(sys.argv[2], 'wb').write(f(raw, 9) if sys.argv[3] == 'c' else f(raw))
"""


def _python(script: str) -> list[str]:
    return [sys.executable, "-c", script]


def coders(models: list[tuple[int, int]]) -> dict[str, list[str] | None]:
    out: dict[str, list[str] | None] = {}
    for version, order in models:
        out[f"infobits v{version} order{order}"] = _python(
            _OURS.format(order=order, version=version)
        )
    try:
        import pyppmd  # noqa: F401

        out["PPMd-8 (pyppmd)"] = _python(_PPMD)
    except ImportError:
        out["PPMd-8 (pyppmd)"] = None
    out["xz -9"] = ["xz"] if shutil.which("xz") else None
    out["zlib -9"] = _python(_ZLIB)
    return out


def _run(cmd: list[str], src: Path, dst: Path, mode: str, n: int) -> float:
    t0 = time.perf_counter()
    if cmd == ["xz"]:
        flag = ["-9", "-c", "-T1"] if mode == "c" else ["-d", "-c"]
        with dst.open("wb") as f:
            subprocess.run(["xz", *flag, str(src)], stdout=f, check=True)
    else:
        subprocess.run([*cmd, str(src), str(dst), mode, str(n)], check=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="only the first 256 KiB of each file")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median)")
    ap.add_argument(
        "--models", default="v1:order5,v2:order5", help="comma-separated vN:orderK models"
    )
    args = ap.parse_args()
    models = []
    for m in args.models.split(","):
        v, o = m.strip().split(":")
        models.append((int(v.removeprefix("v")), int(o.removeprefix("order"))))
    table = coders(models)
    size = 256 << 10 if args.quick else SIZE
    print(
        f"{os.cpu_count()} CPUs; median of {args.rounds} interleaved rounds; wall times "
        "include process start"
    )
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        # compile (or load) the loop once, so no round pays numba's first compile
        warm = d / "warm"
        warm.write_bytes(b"warm up " * 100)
        for name, cmd in table.items():
            if cmd is not None and name.startswith("infobits"):
                _run(cmd, warm, d / "warm.out", "c", 800)
        for cname, raw in corpus(size):
            n = len(raw)
            src = d / "src"
            src.write_bytes(raw)
            times: dict[str, list[float]] = {k: [] for k, v in table.items() if v is not None}
            dtimes: dict[str, list[float]] = {k: [] for k in times}
            sizes: dict[str, int] = {}
            for _ in range(args.rounds):
                for name in times:
                    cmd = table[name]
                    assert cmd is not None
                    out, back = d / "out", d / "back"
                    times[name].append(_run(cmd, src, out, "c", n))
                    sizes[name] = out.stat().st_size
                    dtimes[name].append(_run(cmd, out, back, "d", n))
                    if back.read_bytes() != raw:
                        raise AssertionError(f"{name} failed its round trip on {cname}")
            print(f"\n{cname}: {n} bytes")
            ref = "PPMd-8 (pyppmd)"
            for name in times:
                t, td = statistics.median(times[name]), statistics.median(dtimes[name])
                line = (
                    f"  {name:<22}{8 * sizes[name] / n:>7.3f} bits/byte  "
                    f"enc {t:6.2f} s ({n / t / 1e6:5.2f} MB/s)  dec {td:6.2f} s"
                )
                if ref in times and name != ref:
                    tr = statistics.median(times[ref])
                    line += f"  size/PPMd {sizes[name] / sizes[ref]:.3f}  time/PPMd {t / tr:.2f}"
                if "xz -9" in times and name != "xz -9":
                    line += f"  size/xz {sizes[name] / sizes['xz -9']:.3f}"
                print(line, flush=True)
            for name in [k for k, v in table.items() if v is None]:
                print(f"  {name:<22}not available")


if __name__ == "__main__":
    main()
