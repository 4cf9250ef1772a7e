"""The context-mixing compressor against PPMd order 8 (pyppmd), ``xz -9`` and zlib -9 on
English documentation, Python source and one executable, in one run.

The files are built from what this machine has, deterministically (sorted paths, first
4 MiB): documentation CPython's help topics, ``/usr/share/common-licenses`` and the man
pages of section 1 (troff source, decompressed); source from
the standard library's ``.py`` files, sorted by path; the executable is ``/usr/bin/python3``
(or this interpreter's binary).

Two timings, both medians of interleaved rounds (each round runs every coder once, so a
burst of other load hits them alike):

- **process** (wall seconds, process start included, the way a user meets it): ours is
  ``python -m infobits compress -f -q -o OUT SRC`` (and ``decompress``): the interpreter,
  the imports, the coding loop (the C extension ``_cmcore`` when built, else numba's,
  loaded from numba's cache), reading, coding,
  the container's checks and writing. PPMd-8 and zlib -9 are ``python -c`` scripts that
  import their module, read, code and write; ``xz -9 -T1`` is its own binary. The fixed
  cost of each process is measured too, on a one-byte file.
- **in process** (wall seconds, no process start): ``adaptive.compress_bytes`` and
  ``decompress_bytes`` against ``pyppmd.compress`` and ``decompress`` on the same bytes,
  after a warm-up call, in this one process.

Without the C extension, a first run on a fresh machine also compiles the numba loop
(several seconds, then cached on disk); a warm-up process before the rounds keeps that
out of the medians. ``--loop numba`` times numba's loop in process (the command line
always takes the C loop when it is built). On a
small shared machine read the absolute times as rough and the ratios as what counts.

Goals (issue 12, item 3): size at most 0.93x PPMd-8's on documentation and source; wall
time at most 2.5x PPMd-8's, process start included; on the executable no bigger than
``xz -9``; decompression of the same order as compression.

Usage: python benchmarks/bench_compress.py [--quick] [--rounds 3] [--models 4:order5,3:order5]
[--loop c|numba]
pyppmd comes with the ``bench`` extra (``pip install infobits[bench]``). Some pyppmd
versions fail to decode their own PPMd8 output of more than about 1 MiB of some texts
("Corrupted input data"); the decode column then says so.
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

PPMD = "PPMd-8 (pyppmd)"


_SRC = Path(__file__).resolve().parents[1] / "src"
if (_SRC / "infobits").is_dir():  # run from a checkout: time its infobits, in and out of process
    sys.path.insert(0, str(_SRC))


def _env() -> dict[str, str]:
    """The environment of the child processes: this one's, with infobits' source first on
    the path when run from a checkout."""
    env = dict(os.environ)
    src = _SRC
    if (src / "infobits").is_dir():
        env["PYTHONPATH"] = os.pathsep.join([str(src), *filter(None, [env.get("PYTHONPATH")])])
    return env


def coders(models: list[tuple[int, int]]) -> dict[str, object]:
    """Each coder: ("ours", model, order), ("py", script) or ("xz",); None if missing."""
    out: dict[str, object] = {}
    for version, order in models:
        out[f"infobits m{version} order{order}"] = ("ours", version, order)
    try:
        import pyppmd  # noqa: F401

        out[PPMD] = ("py", _PPMD)
    except ImportError:
        out[PPMD] = None
    out["xz -9"] = ("xz",) if shutil.which("xz") else None
    out["zlib -9"] = ("py", _ZLIB)
    return out


def _ours_cmd(version: int, order: int, src: Path, dst: Path, mode: str) -> list[str]:
    cmd = [sys.executable, "-m", "infobits", "compress" if mode == "c" else "decompress"]
    cmd += ["-f", "-q", "-o", str(dst), str(src)]
    if mode == "c":
        cmd += ["--model", f"order{order}"]
        from infobits.codes.container import DEFAULT_MODEL

        if version != DEFAULT_MODEL:
            raise SystemExit(
                f"the command line writes model {DEFAULT_MODEL}; put it first in --models"
            )
    return cmd


def _run(spec: tuple, src: Path, dst: Path, mode: str) -> tuple[float, bool]:
    """Wall seconds of one process, and whether it succeeded."""
    env = _env()
    t0 = time.perf_counter()
    if spec[0] == "xz":
        flag = ["-9", "-c", "-T1"] if mode == "c" else ["-d", "-c"]
        with dst.open("wb") as f:
            r = subprocess.run(["xz", *flag, str(src)], stdout=f, env=env)
    elif spec[0] == "ours":
        r = subprocess.run(_ours_cmd(spec[1], spec[2], src, dst, mode), env=env)
    else:
        r = subprocess.run(
            [sys.executable, "-c", spec[1], str(src), str(dst), mode],
            env=env,
            stderr=subprocess.DEVNULL,
        )
    return time.perf_counter() - t0, r.returncode == 0


def _inprocess(
    raw: bytes, models: list[tuple[int, int]], rounds: int
) -> dict[str, tuple[float, float, bool]]:
    """Median in-process wall seconds (encode, decode) and decode success, per coder."""
    from infobits.codes import adaptive

    fns: dict[str, tuple] = {}
    for version, order in models:
        p = adaptive.model_params(order, len(raw), version=version)

        def enc(p: adaptive.ModelParams = p) -> bytes:
            return adaptive.compress_bytes(raw, p)[0]

        def dec(blob: bytes, p: adaptive.ModelParams = p) -> bytes:
            return adaptive.decompress_bytes(blob, len(raw), p)

        fns[f"infobits m{version} order{order}"] = (enc, dec)
    try:
        import pyppmd

        fns[PPMD] = (
            lambda: pyppmd.compress(raw, max_order=8, mem_size=512 << 20),
            lambda blob: pyppmd.decompress(blob, max_order=8, mem_size=512 << 20),
        )
    except ImportError:
        pass
    for version, order in models:  # warm up: load (or compile) the loop
        p = adaptive.model_params(order, 1000, version=version)
        adaptive.compress_bytes(b"warm up " * 125, p)
    te: dict[str, list[float]] = {k: [] for k in fns}
    td: dict[str, list[float]] = {k: [] for k in fns}
    ok: dict[str, bool] = {k: True for k in fns}
    for _ in range(rounds):
        for name, (enc, dec) in fns.items():
            t0 = time.perf_counter()
            blob = enc()
            te[name].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            try:
                back = dec(blob)
            except ValueError:
                back = None
            td[name].append(time.perf_counter() - t0)
            ok[name] = ok[name] and back == raw
    return {k: (statistics.median(te[k]), statistics.median(td[k]), ok[k]) for k in fns}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="only the first 256 KiB of each file")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median)")
    ap.add_argument(
        "--models",
        default="4:order5",
        help="comma-separated MODEL:orderK (in process; the command line times model 4)",
    )
    ap.add_argument(
        "--loop",
        choices=["c", "numba"],
        default=None,
        help="the in-process coding loop (default: C when built, else numba)",
    )
    args = ap.parse_args()
    if args.loop is not None:
        from infobits.codes import adaptive

        adaptive.BACKEND = args.loop
    models = []
    for m in args.models.split(","):
        v, o = m.strip().split(":")
        models.append((int(v.removeprefix("m")), int(o.removeprefix("order"))))
    table = {k: v for k, v in coders(models).items() if v is not None}
    from infobits.codes.container import DEFAULT_MODEL

    # the command line writes the default model only; others are timed in process
    procs = {k: v for k, v in table.items() if not (v[0] == "ours" and v[1] != DEFAULT_MODEL)}
    size = 256 << 10 if args.quick else SIZE
    print(
        f"{os.cpu_count()} CPUs; medians of {args.rounds} interleaved rounds; 'process' "
        "times are whole processes (start included), 'in process' times exclude start"
    )
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        one = d / "one"
        one.write_bytes(b"x")
        for spec in procs.values():  # compile (or load) the loop before any round
            _run(spec, one, d / "one.out", "c")
        start: dict[str, list[float]] = {k: [] for k in procs}
        for _ in range(args.rounds):
            for name, spec in procs.items():
                start[name].append(_run(spec, one, d / "one.out", "c")[0])
        print(
            "process start (compress a 1-byte file): "
            + ", ".join(f"{k} {statistics.median(v):.2f} s" for k, v in start.items())
        )
        for cname, raw in corpus(size):
            n = len(raw)
            src = d / "src"
            src.write_bytes(raw)
            te: dict[str, list[float]] = {k: [] for k in procs}
            td: dict[str, list[float]] = {k: [] for k in procs}
            ok: dict[str, bool] = {k: True for k in procs}
            sizes: dict[str, int] = {}
            for _ in range(args.rounds):
                for name, spec in procs.items():
                    out, back = d / "out", d / "back"
                    t, good = _run(spec, src, out, "c")
                    if not good:
                        raise SystemExit(f"{name} failed to compress {cname}")
                    te[name].append(t)
                    sizes[name] = out.stat().st_size
                    t, good = _run(spec, out, back, "d")
                    td[name].append(t)
                    ok[name] = ok[name] and good and back.read_bytes() == raw
            inproc = _inprocess(raw, models, args.rounds)
            for version, order in models:
                from infobits.codes import adaptive

                p = adaptive.model_params(order, n, version=version)
                name = f"infobits m{version} order{order}"
                sizes.setdefault(name, 36 + len(adaptive.compress_bytes(raw, p)[0]))
            print(f"\n{cname}: {n} bytes")
            print(
                f"  {'':<22}{'bits/byte':>10}{'size/PPMd':>10}{'size/xz':>8}   process: "
                f"{'enc s':>6}{'/PPMd':>6}{'dec s':>7}{'/PPMd':>6}   in process: "
                f"{'enc s':>6}{'/PPMd':>6}{'dec s':>7}{'/PPMd':>6}"
            )
            names = list(dict.fromkeys([*procs, *inproc]))
            for name in names:
                line = f"  {name:<22}{8 * sizes[name] / n:>10.3f}"
                line += f"{sizes[name] / sizes[PPMD]:>10.3f}" if PPMD in sizes else f"{'':>10}"
                line += f"{sizes[name] / sizes['xz -9']:>8.3f}" if "xz -9" in sizes else f"{'':>8}"
                line += "   process: "
                if name in procs:
                    e, dd = statistics.median(te[name]), statistics.median(td[name])
                    line += f"{e:>6.2f}"
                    line += f"{e / statistics.median(te[PPMD]):>6.2f}" if PPMD in te else " " * 6
                    line += f"{dd:>7.2f}" if ok[name] else f"{'failed':>7}"
                    if PPMD in td and ok[PPMD] and ok[name]:
                        line += f"{dd / statistics.median(td[PPMD]):>6.2f}"
                    else:
                        line += " " * 6
                else:
                    line += " " * 25
                if name in inproc:
                    e, dd, good = inproc[name]
                    line += f"   in process: {e:>6.2f}"
                    if PPMD in inproc:
                        line += f"{e / inproc[PPMD][0]:>6.2f}"
                    line += f"{dd:>7.2f}" if good else f"{'failed':>7}"
                    if PPMD in inproc and inproc[PPMD][2] and good:
                        line += f"{dd / inproc[PPMD][1]:>6.2f}"
                print(line, flush=True)
            if PPMD in ok and not ok[PPMD]:
                print(f"  ({PPMD} failed to decode its own output here; no decode ratio)")


if __name__ == "__main__":
    main()
