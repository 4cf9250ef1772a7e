"""Fuzz ``infobits explain`` and the command line's entry point.

Valid calls must exit 0 and print --json whose H(p), H(p, q) and D(p‖q) agree with a
math.fsum reference computed here from the same numbers; invalid ones must exit 2 with
one line on stderr. Random argument junk must do one or the other, never a traceback.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from .harness import Hang, Outcome, check_cli, fuzz, record, run_cli

SURFACE = "cli: explain"
BASES = {"bits": 2.0, "nats": math.e, "e": math.e, "bans": 10.0, "2": 2.0, "10": 10.0}


def reference(p: list[float], q: list[float], base: float) -> tuple[float, float, float]:
    """H(p), H(p,q) and D(p‖q) in units of ``base``, by math.fsum over the terms."""
    lb = math.log(base)
    h = math.fsum(-a * math.log(a) for a in p if a > 0) / lb
    if any(a > 0 and b == 0 for a, b in zip(p, q, strict=True)):
        inf = math.inf if lb > 0 else -math.inf  # a base below 1 counts lengths negative
        return h, inf, inf
    hpq = math.fsum(-a * math.log(b) for a, b in zip(p, q, strict=True) if a > 0) / lb
    kl = math.fsum(a * math.log(a / b) for a, b in zip(p, q, strict=True) if a > 0) / lb
    return h, hpq, kl


def close(got: object, want: float, scale: float) -> bool:
    if math.isinf(want):
        return got == ("inf" if want > 0 else "-inf")
    # the cancellation in a KL of nearly equal p, q is bounded by the terms' size
    return isinstance(got, float) and math.isclose(
        got, want, rel_tol=1e-10, abs_tol=1e-13 * max(1.0, scale)
    )


@st.composite
def distributions(draw: st.DrawFn, k: int) -> tuple[str, list[float]]:
    """A distribution typed as a user would: fractions of whole weights, or decimals."""
    w = draw(st.lists(st.integers(0, 1000), min_size=k, max_size=k).filter(lambda v: sum(v)))
    total = sum(w)
    if draw(st.booleans()):
        return ",".join(f"{x}/{total}" for x in w), [float(Fraction(x, total)) for x in w]
    vals = [x / total for x in w]
    text = ",".join(repr(v) for v in vals)
    return text, [float(t) for t in text.split(",")]


@fuzz(fast=50, long=2500)
@given(st.data())
def test_valid_explain_agrees_with_an_fsum_reference(data: st.DataObject) -> None:
    k = data.draw(st.integers(1, 12))
    ptext, p = data.draw(distributions(k))
    qtext, q = data.draw(distributions(k))
    assume(abs(math.fsum(p) - 1) < 1e-9 and abs(math.fsum(q) - 1) < 1e-9)
    base = data.draw(st.sampled_from([*BASES, "3", "0.5", "1.5"]))
    b = BASES[base] if base in BASES else float(base)
    samples = data.draw(st.sampled_from([0, 1, 7, 100, 2000]))
    seed = data.draw(st.integers(0, 2**63 - 1))
    argv = ["explain", "--p", ptext, "--q", qtext, "--base", base, "--json"]
    argv += ["--samples", str(samples), "--seed", str(seed)]
    h, hpq, kl = reference(p, q, b)
    scale = max(abs(h), 1.0 if math.isinf(hpq) else abs(hpq))

    def accept(out: str) -> object:
        e = json.loads(out)
        got = (e["entropy"], e["cross_entropy"], e["kl_divergence"])
        if not all(close(g, w, scale) for g, w in zip(got, (h, hpq, kl), strict=True)):
            return f"H, H(p,q), D = {got}; fsum says {(h, hpq, kl)}"
        if [r["p"] for r in e["outcomes"]] != p or [r["q"] for r in e["outcomes"]] != q:
            return "p or q not echoed as given"
        s = e["sample"]
        if samples == 0:
            return s is None or "a sample where none was asked for"
        if s["n"] != samples or s["seed"] != seed or sum(s["histogram"]) != samples:
            return f"sample {s['n']}, seed {s['seed']}, histogram {s['histogram']}"
        for row in s["codes"]:
            if row["bytes"] is None:
                continue
            parts = row["ideal"] + row["rounding"] + row["overhead"]
            if not math.isclose(row["bits"], parts, rel_tol=1e-12, abs_tol=1e-9):
                return f"{row['code']}: {row['bits']} != ideal + rounding + overhead"
            if row["bits"] != 8 * row["bytes"]:
                return f"{row['code']}: bits are not 8 x bytes"
        return True

    check_cli(SURFACE, argv, valid=True, accept=accept)


def junk_number() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["nan", "inf", "-inf", "1e999", "-0.5", "x", "", "1/0", "0x10", "½"]),
        st.text(max_size=6),
        st.floats(allow_nan=True).map(repr),
    )


@st.composite
def invalid_explains(draw: st.DrawFn) -> list[str]:
    kind = draw(st.sampled_from(range(9)))
    p, q = "0.5,0.5", "0.25,0.75"
    if kind == 0:  # a token that is not a number
        items = ["0.5", draw(junk_number())]
        assume(items[1].strip() and not _is_number(items[1]))
        return ["explain", "--p", ",".join(items), "--q", q]
    if kind == 1:  # lengths differ
        return ["explain", "--p", p, "--q", "0.2,0.3,0.5"]
    if kind == 2:  # does not sum to 1, or a negative or non-finite entry
        v = draw(st.floats(allow_nan=True, allow_infinity=True))
        assume(not (0 <= v <= 1) or math.isnan(v) or abs(v + 0.5 - 1) > 1e-6)
        return ["explain", "--p", f"{v!r},0.5", "--q", q]
    if kind == 3:  # a bad base
        base = draw(st.sampled_from(["1", "0", "-2", "nan", "inf", "furlongs", "", "1.0"]))
        return ["explain", "--base", base]
    if kind == 4:  # a sample count out of range
        n = draw(st.one_of(st.integers(max_value=-1), st.integers(min_value=10_000_001)))
        return ["explain", "--samples", str(n)]
    if kind == 5:  # a bad seed
        return ["explain", "--seed", str(draw(st.integers(max_value=-1))), "--samples", "5"]
    if kind == 6:
        return ["explain", "--p", p, "--q", q, "--q-logits", "0,0"]
    if kind == 7:
        return ["explain", "--p", p]
    return ["explain", "--p", p, "--q", ",".join(["0.5"] * 3)]


def _is_number(text: str) -> bool:
    try:
        float(Fraction(text)) if "/" in text else float(text)
    except (ValueError, ZeroDivisionError):
        return False
    return True


@fuzz(fast=40, long=1500)
@given(invalid_explains())
def test_invalid_explain_is_one_line_and_exit_2(argv: list[str]) -> None:
    check_cli(SURFACE, argv, valid=False)


TOKENS = st.sampled_from(
    [
        "explain",
        "estimate",
        "crosscode",
        "--p",
        "--q",
        "--q-logits",
        "--base",
        "--json",
        "--samples",
        "--seed",
        "--vs",
        "--like",
        "--column",
        "--help",
        "--version",
        "-x",
        "--",
        "0.5,0.5",
        "1,0",
        "nats",
        "3",
        "-1",
        "missing.csv",
        "\x00",
        "é",
    ]
)


@pytest.fixture(autouse=True)
def _in_a_scratch_folder(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # nothing a junk call might write lands in the repository


@fuzz(fast=50, long=1500)
@given(st.lists(st.one_of(TOKENS, st.text(max_size=8)), max_size=7))
def test_any_argv_exits_0_or_2_in_one_line(argv: list[str]) -> None:
    # commands that serve, compress or draw into files are fuzzed by their own suites
    assume(not {"explore", "compress", "decompress", "--plot", "-o", "--output"} & set(argv))
    assume(not any(a.startswith(("explo", "compr", "decom", "--pl")) for a in argv))
    surface = "cli: main"
    try:
        code, _, err = run_cli(argv, stdin=b"")
    except Hang:
        record(surface, Outcome.HANG, f"infobits {argv}")
        raise AssertionError("unreachable") from None
    except BaseException as exc:
        record(surface, Outcome.UNCAUGHT, f"infobits {argv}: {exc!r}")
        raise AssertionError("unreachable") from None
    if code == 0:
        record(surface, Outcome.CORRECT)
    elif code == 2 and err.startswith("infobits: error: ") and err.count("\n") == 1:
        record(surface, Outcome.DOCUMENTED)
    else:
        record(surface, Outcome.UNCAUGHT, f"infobits {argv}: exit {code}: {err!r}")
