"""Fuzz ``infobits compress``, ``decompress`` and ``crosscode`` in-process, on files
under tmp_path: valid files round trip bit for bit and report numbers that agree with
math.fsum references; invalid ones exit 2 with one line; a failed command leaves no
partial output behind and never replaces a file that was there (both are counted as
"partial output")."""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import stat
import sys
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from infobits.codes.container import _HEADER, HEADER_SIZE, pack, read_header

from .harness import Hang, Outcome, check_cli, fuzz, record, time_limit

names = st.text(alphabet=st.sampled_from(list("abcXYZ019 _-.[]é")), min_size=1, max_size=12).filter(
    lambda s: s not in (".", "..") and not s.startswith("-")
)


@st.composite
def contents(draw: st.DrawFn, max_size: int = 2000) -> bytes:
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(0, max_size))
    kind = draw(st.sampled_from(["random", "text", "one byte"]))
    if kind == "random":
        return rng.integers(0, 256, size=n, dtype=np.uint8).tobytes()
    if kind == "text":
        return bytes(rng.choice(list(b"to be or not\n"), size=n).astype(np.uint8))
    return bytes([int(rng.integers(0, 256))]) * n


def _fresh(tmp_path: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=tmp_path))


def _snapshot(d: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(d)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(d.rglob("*"))
    }


def _no_partial_output(surface: str, d: Path, before: dict[str, bytes | None], argv: list) -> None:
    after = _snapshot(d)
    if after != before:
        added = sorted(set(after) - set(before))
        changed = sorted(k for k in before if after.get(k, b"<gone>") != before[k])
        record(surface, Outcome.PARTIAL, f"infobits {argv}: added {added}, changed {changed}")


modes = st.sampled_from([0o600, 0o644, 0o755, 0o700, 0o444, 0o640, 0o751])
mtimes = st.integers(0, 2**33)


@fuzz(fast=8, long=300)
@given(contents(), st.integers(0, 8), names, modes, mtimes)
def test_compress_decompress_round_trip(tmp_path, raw, order, name, mode, mtime):
    d = _fresh(tmp_path)
    src = d / name
    src.write_bytes(raw)
    os.chmod(src, mode)
    os.utime(src, ns=(mtime, mtime * 3 // 2))
    packed = d / (name + ".ibz")

    def report_ok(out: str) -> object:
        rep = json.loads(out)
        if rep["original_bytes"] != len(raw) or rep["compressed_bytes"] != packed.stat().st_size:
            return f"sizes in the report: {rep}"
        if packed.stat().st_size > len(raw) + HEADER_SIZE:
            return f"{len(raw)} bytes grew by more than the header: {rep}"
        if rep["stored"] != read_header(packed.read_bytes()).stored:
            return f"'stored' in the report disagrees with the file: {rep}"
        return _kept(packed, mode, mtime * 3 // 2) or True

    argv = ["compress", str(src), "--model", f"order{order}", "--json"]
    check_cli("cli: compress", argv, valid=True, accept=report_ok)
    back = d / "restored"
    check_cli(
        "cli: decompress",
        ["decompress", str(packed), "-o", str(back), "-q"],
        valid=True,
        accept=lambda out: (
            ((back.read_bytes() == raw and out == "") or "restored bytes differ")
            and (_kept(back, mode, mtime * 3 // 2) or True)
        ),
    )


def _kept(path: Path, mode: int, mtime_ns: int) -> str | None:
    st_ = path.stat()
    if stat.S_IMODE(st_.st_mode) != mode or st_.st_mtime_ns != mtime_ns:
        return f"{path.name}: mode {oct(st_.st_mode)}, mtime {st_.st_mtime_ns}; want {oct(mode)}"
    return None


@st.composite
def bad_compress(draw: st.DrawFn) -> tuple[str, str]:
    return draw(
        st.sampled_from(
            [
                ("missing input", ""),
                ("input is a directory", ""),
                ("bad model", draw(st.sampled_from(["order9", "orderx", "", "5", "order-1"]))),
                ("output exists", ""),
                ("output dir missing", ""),
                ("output is a directory", ""),
                ("output is the input", ""),
                ("stdin twice", ""),
                ("-o with several files", ""),
                ("-c with -o", ""),
            ]
        )
    )


@fuzz(fast=12, long=500)
@given(bad_compress(), contents(max_size=300))
def test_invalid_compress(tmp_path, case, raw):
    kind, arg = case
    d = _fresh(tmp_path)
    src = d / "in.bin"
    src.write_bytes(raw)
    out = d / "in.bin.ibz"
    argv = ["compress", str(src)]
    if kind == "missing input":
        argv = ["compress", str(d / "nothing")]
    elif kind == "input is a directory":
        argv = ["compress", str(d)]
    elif kind == "bad model":
        argv += ["--model", arg]
    elif kind == "output exists":
        out.write_bytes(b"precious")
    elif kind == "output dir missing":
        argv += ["-o", str(d / "no" / "x.ibz")]
    elif kind == "output is a directory":
        (d / "sub").mkdir()
        argv += ["-o", str(d / "sub")]
    elif kind == "output is the input":
        argv += ["-o", str(src), "--force"]
    elif kind == "stdin twice":
        argv = ["compress", "-", str(src), "-", "-c"]
    elif kind == "-o with several files":
        argv = ["compress", str(src), str(src), "-o", str(d / "both.ibz")]
    else:
        argv += ["-c", "-o", str(d / "x.ibz")]
    before = _snapshot(d)
    check_cli("cli: compress", argv, valid=False)
    _no_partial_output("cli: compress", d, before, argv)


damage = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(1, 255)),
    st.tuples(st.just("truncate"), st.integers(0, 10**6), st.just(0)),
    st.tuples(st.just("append"), st.integers(1, 20), st.integers(0, 255)),
    st.tuples(st.just("size"), st.integers(0, 2**64 - 1), st.just(0)),
    st.tuples(st.just("largest size"), st.just(0), st.just(0)),
    st.tuples(st.just("not a container"), st.just(0), st.just(0)),
)


@fuzz(fast=15, long=600)
@given(
    contents(max_size=800),
    st.integers(0, 6),
    damage,
    st.sampled_from(["new", "exists", "force"]),
    st.booleans(),
)
def test_damaged_decompress_leaves_nothing(tmp_path, raw, order, dmg, target, quiet):
    d = _fresh(tmp_path)
    blob, _ = pack(raw, order)
    kind, a, b = dmg
    if kind == "flip":
        i = a % len(blob)
        bad = blob[:i] + bytes([blob[i] ^ b]) + blob[i + 1 :]
    elif kind == "truncate":
        bad = blob[: a % len(blob)]
    elif kind == "append":
        bad = blob + bytes([b]) * a
    elif kind == "not a container":
        bad = raw or b"x"
    else:
        import struct
        import zlib

        f = list(_HEADER.unpack(blob[:HEADER_SIZE]))
        psize = len(blob) - HEADER_SIZE
        f[5] = 2841 * (psize + 8) if kind == "largest size" else a
        if f[5] == len(raw):
            f[5] += 1
        head = _HEADER.pack(*f[:-1], 0)
        bad = head[:-4] + struct.pack("<I", zlib.crc32(head[:-4])) + blob[HEADER_SIZE:]
    src = d / "x.ibz"
    src.write_bytes(bad)
    out = d / "x"
    argv = ["decompress", str(src), *(["-q"] if quiet else [])]
    if target != "new":
        out.write_bytes(b"precious")
    if target == "force":
        argv.append("--force")
    before = _snapshot(d)
    check_cli("cli: decompress", argv, valid=False)
    _no_partial_output("cli: decompress", d, before, argv)


def _reference(a: bytes, b: bytes, alpha: float) -> dict[str, float]:
    """H(A), H(A, B) and D(A||B) in bits per byte, by math.fsum over byte counts."""
    ca = np.bincount(np.frombuffer(a, np.uint8), minlength=256).tolist()
    cb = np.bincount(np.frombuffer(b, np.uint8), minlength=256).tolist()
    na, nb = len(a), len(b)
    p = [c / na for c in ca]
    q = [(c + alpha) / (nb + 256 * alpha) for c in cb]
    h = math.fsum(-x * math.log2(x) for x in p if x > 0)
    ce = math.fsum(-x * math.log2(y) for x, y in zip(p, q, strict=True) if x > 0)
    kl = math.fsum(x * math.log2(x / y) for x, y in zip(p, q, strict=True) if x > 0)
    return {"entropy": h, "cross_entropy": ce, "kl_divergence": kl}


@fuzz(fast=10, long=250)
@given(
    contents(max_size=1500).filter(bool),
    contents(max_size=1500),
    st.one_of(st.sampled_from([0.5, 1.0, 1e-3]), st.floats(1e-6, 100)),
    names,
)
def test_crosscode_matches_the_measures(tmp_path, a, b, alpha, name):
    d = _fresh(tmp_path)
    fa, fb = d / name, d / (name + ".like")
    fa.write_bytes(a)
    fb.write_bytes(b)
    ref = _reference(a, b, alpha)

    def accept(out: str) -> object:
        r = json.loads(out)
        for k, v in ref.items():
            if not math.isclose(r[k], v, rel_tol=1e-9, abs_tol=1e-12):
                return f"{k} = {r[k]}, reference {v}"
        n = len(a)
        # Huffman: between n·H and n·(H + 1), plus the padding of its last byte
        if not n * ref["entropy"] - 1e-6 <= r["huffman_own_bits"] <= n * (ref["entropy"] + 1) + 8:
            return f"Huffman own bits {r['huffman_own_bits']} outside [nH, n(H+1)]"
        return True

    argv = ["crosscode", str(fa), "--like", str(fb), "--alpha", repr(alpha), "--json"]
    check_cli("cli: crosscode", argv, valid=True, accept=accept)
    check_cli("cli: crosscode", argv[:-1], valid=True)  # the table renders too


@fuzz(fast=10, long=400)
@given(
    st.sampled_from(["empty A", "missing A", "missing B", "alpha", "alpha 0 unseen", "A is dir"]),
    st.sampled_from(["-1", "nan", "inf", "-inf", "abc", "", "1e999", "-0.5"]),
    contents(max_size=200),
)
def test_invalid_crosscode(tmp_path, kind, alpha, raw):
    d = _fresh(tmp_path)
    fa, fb = d / "a", d / "b"
    fa.write_bytes(raw or b"z")
    fb.write_bytes(b"only these letters")
    argv = ["crosscode", str(fa), "--like", str(fb)]
    if kind == "empty A":
        fa.write_bytes(b"")
    elif kind == "missing A":
        argv[1] = str(d / "none")
    elif kind == "missing B":
        argv[3] = str(d / "none")
    elif kind == "alpha":
        argv += ["--alpha", alpha]
    elif kind == "alpha 0 unseen":
        fa.write_bytes(b"xyz" + raw)
        argv += ["--alpha", "0"]
    else:
        argv[1] = str(d)
    before = _snapshot(d)
    check_cli("cli: crosscode", argv, valid=False)
    _no_partial_output("cli: crosscode", d, before, argv)


# -- pipes: standard input and output, several files (issue 12, item 4) --------------------


def _run_binary(argv: list[str], stdin: bytes) -> tuple[int, bytes, str]:
    """``infobits ARGV`` in this process with byte streams (the harness's run_cli has a
    text stdout, which cannot carry a container)."""
    from infobits.cli import main

    out, err = io.BytesIO(), io.StringIO()
    wrapper = io.TextIOWrapper(out, write_through=True)
    old = sys.stdin, sys.stdout
    sys.stdin, sys.stdout = io.TextIOWrapper(io.BytesIO(stdin)), wrapper
    try:
        with contextlib.redirect_stderr(err), time_limit():
            code = main(list(argv))
        wrapper.flush()
        return code, out.getvalue(), err.getvalue()
    finally:
        sys.stdin, sys.stdout = old


def _check_pipe(
    surface: str, argv: list[str], stdin: bytes, want_out: bytes, fails: str | None = None
) -> bytes:
    """A pipe command: exit 0, quiet, ``want_out`` on stdout; or, when ``fails`` is a
    phrase, exit 2 with one line naming it and exactly ``want_out`` (the files before the
    failure) on stdout."""
    try:
        code, out, err = _run_binary(argv, stdin)
    except Hang:
        record(surface, Outcome.HANG, f"infobits {argv}")
        raise AssertionError("unreachable") from None
    except BaseException as exc:
        record(surface, Outcome.UNCAUGHT, f"infobits {argv}: {exc!r}")
        raise AssertionError("unreachable") from None
    if fails is None:
        if code != 0 or err:
            record(surface, Outcome.UNCAUGHT, f"valid {argv}: exit {code}: {err!r}")
        if out != want_out:
            record(surface, Outcome.WRONG, f"{argv}: {len(out)} bytes, want {len(want_out)}")
        record(surface, Outcome.CORRECT)
        return out
    one_line = err.startswith("infobits: error: ") and err.count("\n") == 1
    if code != 2 or not one_line or fails not in err:
        record(surface, Outcome.UNCAUGHT, f"invalid {argv}: exit {code}: {err!r}")
    if out != want_out:
        record(
            surface, Outcome.PARTIAL, f"{argv}: {len(out)} bytes on stdout, want {len(want_out)}"
        )
    if want_out and "already holds" not in err:
        record(surface, Outcome.WRONG, f"{argv}: output began, and the error does not say so")
    record(surface, Outcome.DOCUMENTED)
    return out


@fuzz(fast=6, long=300)
@given(
    st.lists(contents(max_size=600), min_size=1, max_size=3),
    st.integers(0, 8),
    st.sampled_from(["-c", "--stdout", "-o -", ""]),  # "": standard input goes to stdout
    st.data(),
)
def test_pipes_and_several_files_round_trip(tmp_path, parts, order, to_stdout, data):
    """Files and standard input (at most once) to standard output; that stream back
    through standard input restores the concatenation, byte for byte. (``-o /dev/stdout``
    needs a real standard output: tests/cli/test_compress.py runs it in a process.)"""
    d = _fresh(tmp_path)
    stdin_at = data.draw(st.sampled_from([None, *range(len(parts))]))
    argv = ["compress", "--model", f"order{order}"]
    for i, p in enumerate(parts):
        if i == stdin_at:
            argv.append("-")
        else:
            (d / f"f{i}").write_bytes(p)
            argv.append(str(d / f"f{i}"))
    flag = to_stdout.split()
    if len(parts) > 1 and flag[:1] == ["-o"]:
        flag = ["-c"]  # -o names one output
    if not flag and (stdin_at is None or len(parts) > 1):
        flag = ["-c"]  # files go to FILE.ibz unless told (only "-" defaults to stdout)
    before = _snapshot(d)
    stdin = b"" if stdin_at is None else parts[stdin_at]
    want = b"".join(pack(p, order)[0] for p in parts)
    stream = _check_pipe("cli: compress (pipes)", [*argv, *flag], stdin, want)
    _no_partial_output("cli: compress (pipes)", d, before, argv)  # no file named "-"
    _check_pipe("cli: decompress (pipes)", ["decompress", "-c"], stream, b"".join(parts))


@fuzz(fast=6, long=300)
@given(
    st.lists(contents(max_size=400), min_size=2, max_size=4),
    st.integers(0, 10**6),
    st.integers(1, 255),
    st.data(),
)
def test_a_damaged_file_among_several_on_a_pipe(tmp_path, parts, where, xor, data):
    """decompress -c A B C with one damaged: standard output holds exactly the files
    before it, and the one-line error says so."""
    d = _fresh(tmp_path)
    bad_at = data.draw(st.integers(0, len(parts) - 1))
    argv = ["decompress", "-c"]
    for i, p in enumerate(parts):
        blob = pack(p, 2)[0]
        if i == bad_at:
            j = where % len(blob)
            blob = blob[:j] + bytes([blob[j] ^ xor]) + blob[j + 1 :]
        (d / f"f{i}.ibz").write_bytes(blob)
        argv.append(str(d / f"f{i}.ibz"))
    before = _snapshot(d)
    want = b"".join(parts[:bad_at])
    _check_pipe("cli: decompress (pipes)", argv, b"", want, fails=f"f{bad_at}.ibz")
    _no_partial_output("cli: decompress (pipes)", d, before, argv)
