"""Fuzz ``infobits estimate`` in-process, on files written under tmp_path.

Valid runs read random CSV/TSV files whose column holds words of real text (some with
commas and quotes, which the writer quotes), integers or draws from a random
distribution; the plug-in entropy and KL printed as JSON are compared with math.fsum
over the labels written. Invalid runs get binary junk, UTF-16 and Latin-1 text, quotes
left open, empty files, missing columns and bad options: each must exit 2 with exactly
one line on stderr, and no run may leave a file behind.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from .harness import Outcome, check_cli, fuzz, record
from .test_estimators import WORDS

SURFACE = "cli: estimate"

# Text is a label: "NA" (Namibia), "nan", "null", "true" and "inf" must be counted as
# written, so they are mixed into the words on purpose.
_LABEL_LIKE_NULLS = ["NA", "nan", "null", "None", "N/A", "true", "inf"]
LABELS = [
    *_LABEL_LIKE_NULLS,
    *sorted({w for w in (re.sub(r"[^A-Za-z]", "", w) for w in WORDS) if len(w) > 1})[:400],
]


@st.composite
def columns(draw: Any) -> list[Any]:
    n = draw(st.integers(1, 300))
    kind = draw(st.sampled_from(["words", "quoted", "ints", "dist"]))
    if kind == "ints":
        return draw(st.lists(st.integers(-50, 50), min_size=n, max_size=n))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    k = draw(st.integers(1, 40))
    pool = [LABELS[i % len(LABELS)] for i in rng.choice(len(LABELS), size=k)]
    if kind == "quoted":  # the writer must quote these, and Arrow unquote them
        pool = [f'{w}, "{w[:2]}"' if i % 2 else w for i, w in enumerate(pool)]
    if kind == "dist":
        p = rng.dirichlet(np.full(k, 0.3))
        return [pool[i] for i in rng.choice(k, size=n, p=p)]
    return [pool[i] for i in rng.integers(0, k, size=n)]


def _write(path: Path, header: list[str], cols: list[list[Any]], delim: str = ",") -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delim, lineterminator="\n")
    w.writerow(header)
    for row in zip(*cols, strict=True):
        w.writerow(row)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _plugin_bits(x: list[Any]) -> float:
    n = len(x)
    return -math.fsum(c / n * math.log2(c / n) for c in Counter(x).values())


def _kl_bits(x: list[Any], y: list[Any], a: float = 0.5) -> float:
    labels = set(x) | set(y)
    cx, cy = Counter(x), Counter(y)
    n, m, k = len(x), len(y), len(labels)
    d = math.fsum(
        cx[v] / n * math.log2((cx[v] / n) / ((cy[v] + a) / (m + k * a))) for v in labels if cx[v]
    )
    return max(d, 0.0)


def _listing(d: Path) -> list[str]:
    return sorted(str(p.relative_to(d)) for p in d.rglob("*"))


def _run(d: Path, argv: list[str], *, valid: bool, accept: Any = lambda out: True) -> None:
    before = _listing(d)
    check_cli(SURFACE, argv, valid=valid, accept=accept)
    if _listing(d) != before:
        record(SURFACE, Outcome.PARTIAL, f"{argv} left {set(_listing(d)) - set(before)}")


def _json_close(expected: float, tol: float = 1e-9) -> Any:
    def accept(out: str) -> bool | str:
        e = json.loads(out)
        if not math.isclose(e["value"], expected, rel_tol=tol, abs_tol=1e-12):
            return f"value {e['value']} but fsum gives {expected}"
        if e.get("interval") is not None:
            # the command's JSON writes an infinite end (a one-sided interval) as "inf"
            lo, hi = (float(v) if v in ("inf", "-inf") else v for v in e["interval"])
            if not lo <= e["value"] <= hi:
                return f"interval {e['interval']} does not contain {e['value']}"
        return True

    return accept


@fuzz(fast=20, long=500)
@given(columns(), st.integers(0, 2), st.booleans(), st.booleans())
def test_entropy_of_a_column(tmp_path: Path, x: list[Any], extra: int, tsv: bool, ci: bool) -> None:
    d = Path(tempfile.mkdtemp(dir=tmp_path))
    f = d / ("data.tsv" if tsv else "data.csv")
    header = ["value", *(f"other{i}" for i in range(extra))]
    _write(f, header, [x, *([list(range(len(x)))] * extra)], "\t" if tsv else ",")
    argv = ["estimate", str(f), "-c", "value", "--method", "plugin", "--json"]
    argv += ["--ci", "0.9", "--n-boot", "20", "--seed", "1"] if ci else ["--ci", "0"]
    _run(d, argv, valid=True, accept=_json_close(_plugin_bits(x)))


@fuzz(fast=10, long=250)
@given(columns(), columns())
def test_kl_of_two_files(tmp_path: Path, x: list[Any], y: list[Any]) -> None:
    if isinstance(x[0], int) != isinstance(y[0], int):
        y = x[::-1]
    d = Path(tempfile.mkdtemp(dir=tmp_path))
    _write(d / "p.csv", ["v"], [x])
    _write(d / "q.csv", ["w"], [y])
    argv = ["estimate", str(d / "p.csv"), "-c", "v", "--vs", str(d / "q.csv"), "-c", "w"]
    argv += ["--method", "plugin", "--ci", "0", "--json"]
    _run(d, argv, valid=True, accept=_json_close(_kl_bits(x, y)))


def _paired_bits(x: list[Any], y: list[Any]) -> tuple[float, float]:
    """Plug-in I(X;Y) and H(Y|X) in bits by math.fsum, pairs with a missing side dropped."""
    pairs = [(a, b) for a, b in zip(x, y, strict=True) if a is not None and b is not None]
    n = len(pairs)
    nxy, nx, ny = Counter(pairs), Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    mi = math.fsum(c / n * math.log2(c * n / (nx[a] * ny[b])) for (a, b), c in nxy.items())
    h = math.fsum(c / n * math.log2(nx[a] / c) for (a, _), c in nxy.items())
    return max(mi, 0.0), max(h, 0.0)


@fuzz(fast=12, long=600)
@given(columns(), columns(), st.data())
def test_mi_and_conditional_entropy_of_two_columns(
    tmp_path: Path, x: list[Any], y: list[Any], data: Any
) -> None:
    n = min(len(x), len(y))
    x, y = list(x[:n]), list(y[:n])
    holes = data.draw(st.lists(st.integers(0, n - 1), max_size=max(1, n // 4)))
    for i in holes:  # an empty field is a missing value, in either column
        if i % 2:
            x[i] = None
        else:
            y[i] = None
    mi, h = _paired_bits(x, y)
    d = Path(tempfile.mkdtemp(dir=tmp_path))
    f = d / "pairs.csv"
    _write(f, ["x", "y"], [x, y])
    pipe = data.draw(st.booleans())
    target = "-" if pipe else str(f)
    stdin = f.read_bytes() if pipe else None
    ci = ["--ci", "0.9", "--n-boot", "20", "--seed", "2"] if data.draw(st.booleans()) else []
    complete = sum(a is not None and b is not None for a, b in zip(x, y, strict=True))
    opts = ["--method", "plugin", "--json", *(ci or ["--ci", "0"])]
    for argv, want in (
        (["-c", "x", "--with", "y", "--measure", "mi"], mi),
        (["-c", "y", "--given", "x", "--measure", "conditional-entropy"], h),
    ):
        full = ["estimate", target, *argv, *opts]
        if complete == 0:
            before = _listing(d)
            check_cli(SURFACE, full, valid=False, stdin=stdin)
            assert _listing(d) == before
            continue
        before = _listing(d)
        check_cli(SURFACE, full, valid=True, accept=_json_close(want), stdin=stdin)
        if _listing(d) != before:
            record(SURFACE, Outcome.PARTIAL, f"{full} left {set(_listing(d)) - set(before)}")


def _valid_csv(x: list[Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["value", "other"])
    for i, v in enumerate(x):
        w.writerow([v, i])
    return buf.getvalue()


@st.composite
def broken_files(draw: Any) -> tuple[str, bytes]:
    kind = draw(
        st.sampled_from(
            ["junk", "utf16", "utf16le", "latin1", "open quote", "empty", "header only", "nul"]
        )
    )
    x = draw(columns())
    text = _valid_csv([str(v) for v in x])
    if kind == "junk":
        raw = draw(st.binary(min_size=1, max_size=3000))
        at = draw(st.integers(0, len(raw)))
        return kind, raw[:at] + b"\xff" + raw[at:]  # never UTF-8
    if kind == "utf16":
        return kind, text.encode("utf-16")
    if kind == "utf16le":
        return kind, text.encode("utf-16-le")
    if kind == "latin1":
        lines = text.split("\n")
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] += ",caf\xe9"
        return kind, "\n".join(lines).encode("latin-1")
    if kind == "open quote":
        lines = text.rstrip("\n").split("\n")
        i = draw(st.integers(1, len(lines) - 1)) if len(lines) > 1 else 0
        lines[i] = '"' + lines[i].replace('"', "")
        body = "\n".join(lines) + "\n"
        if body.count('"') % 2 == 0:
            body = body.replace('"', "", 1)  # keep exactly one open quote
            body = body[: body.index("\n") + 1] + '"' + body[body.index("\n") + 1 :]
        return kind, body.encode()
    if kind == "empty":
        return kind, b""
    if kind == "nul":
        return kind, text.encode()[:20] + b"\x00" + text.encode()[20:]
    return kind, b"value,other\n"


@fuzz(fast=24, long=400)
@given(broken_files(), st.sampled_from(["data.csv", "data.tsv", "odd name, with ünïcode.csv"]))
def test_broken_files_fail_in_one_line(tmp_path: Path, case: tuple[str, bytes], name: str) -> None:
    _, raw = case
    d = Path(tempfile.mkdtemp(dir=tmp_path))
    (d / name).write_bytes(raw)
    _run(d, ["estimate", str(d / name), "-c", "value", "--n-boot", "20"], valid=False)


BAD_ARGS: list[list[str]] = [
    ["--ci", "1.5"],
    ["--ci", "-0.1"],
    ["--ci", "nan"],
    ["--ci", "abc"],
    ["--n-boot", "1"],
    ["--n-boot", "0"],
    ["--n-boot", "2.5"],
    ["--n-boot", str(10**12)],
    ["--method", "bogus"],
    ["--method", "knn"],
    ["--base", "1"],
    ["--base", "furlongs"],
    ["--alphabet-size", "0"],
    ["--alphabet-size", "-3"],
    ["--alphabet-size", "1"],
    ["--alphabet-size", "1.5"],
    ["--measure", "bogus"],
    ["--measure", "kl"],
    ["--seed", "-1"],
    ["--seed", "x"],
    ["--method", "nsb"],
    ["-c", "value", "-c", "again"],
    ["--vs", "missing.csv"],
    ["--measure", "entropy", "--vs", "{self}"],
    ["--with", "other"],
    ["--with", "other", "--measure", "entropy"],
    ["--given", "other", "--measure", "mi"],
    ["--given", "other"],
    ["--with", "value", "--measure", "mi"],
    ["--with", "nope", "--measure", "mi"],
    ["--given", "nope", "--measure", "conditional-entropy"],
    ["--measure", "mi"],
    ["--measure", "conditional-entropy"],
    ["--with", "other", "--given", "other", "--measure", "mi"],
    ["--with", "other", "--measure", "mi", "--alphabet-size", "4"],
    ["--with", "other", "--measure", "mi", "--vs", "{self}"],
]


@fuzz(fast=24, long=250)
@given(st.sampled_from(BAD_ARGS), columns())
def test_bad_options_fail_in_one_line(tmp_path: Path, extra: list[str], x: list[Any]) -> None:
    d = Path(tempfile.mkdtemp(dir=tmp_path))
    f = d / "data.csv"
    f.write_text(_valid_csv(x if len(set(map(str, x))) > 1 else [*x, "zz"]), encoding="utf-8")
    extra = [str(d / "missing.csv") if a == "missing.csv" else a for a in extra]
    extra = [str(f) if a == "{self}" else a for a in extra]
    _run(d, ["estimate", str(f), "-c", "value", "--n-boot", "20", *extra], valid=False)


@fuzz(fast=8, long=100)
@given(st.sampled_from(["nope", "Value", "", " value", "value,other"]), st.booleans())
def test_missing_things_fail_in_one_line(tmp_path: Path, column: str, no_file: bool) -> None:
    d = Path(tempfile.mkdtemp(dir=tmp_path))
    f = d / "data.csv"
    if not no_file:
        f.write_text(_valid_csv(["a", "b", "a"]), encoding="utf-8")
    target = f if not no_file else d / "absent.csv"
    _run(d, ["estimate", str(target), "-c", column], valid=False)


@fuzz(fast=12, long=300)
@given(
    st.sampled_from(["--ci", "--n-boot", "--alphabet-size", "--seed"]),
    st.data(),
)
def test_option_values_are_accepted_exactly_in_their_range(
    tmp_path: Path, option: str, data: Any
) -> None:
    if option == "--ci":
        v: Any = data.draw(st.floats(allow_nan=True, allow_infinity=True))
        ok = 0 <= v < 1
    elif option == "--n-boot":  # valid ones kept small: each replicate costs time
        v = data.draw(st.integers(-5, 60) | st.integers(10**6 + 1, 10**30))
        ok = 2 <= v <= 10**6
    elif option == "--alphabet-size":
        v = data.draw(st.integers(-5, 10) | st.integers(2**60, 2**1100))
        ok = 3 <= v < 2**1023  # the column has 3 distinct values
    else:
        v = data.draw(st.integers(-(2**80), 2**80))
        ok = v >= 0
    d = Path(tempfile.mkdtemp(dir=tmp_path))
    f = d / "data.csv"
    f.write_text(_valid_csv(["a", "b", "a", "c", "a"]), encoding="utf-8")
    argv = ["estimate", str(f), "-c", "value", "--method", "plugin", "--json", option, repr(v)]
    if option != "--ci":
        argv += ["--ci", "0.9", "--n-boot", "30"] if option != "--n-boot" else ["--ci", "0.9"]
    expected = _plugin_bits(["a", "b", "a", "c", "a"])
    _run(d, argv, valid=ok, accept=_json_close(expected))
