"""``infobits estimate``: entropy, KL or cross-entropy of a file's column, from its samples.

The column is counted in streaming chunks (CSV, TSV or Parquet), so files larger than
memory work; the counts then go to the same estimators as the Python API, and the
result is printed with its interval and the method that produced it, or as JSON.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from ..estimators import (
    Estimate,
    count_values,
    estimate_cross_entropy,
    estimate_entropy,
    estimate_kl_divergence,
)
from ..estimators.counting import ValueCounts
from ._common import CLIError, dump_json, parse_base

__all__ = ["estimate"]

#: More replicates than this add nothing a user can see and can exhaust memory (the
#: estimators refuse more too).
MAX_BOOT = 1_000_000

_MEASURES = {"entropy": "entropy", "kl": "kl_divergence", "cross-entropy": "cross_entropy"}


def _count(path: Path, column: str, as_text: bool) -> ValueCounts:
    vc = count_values(path, column=column, as_text=as_text, progress=sys.stderr.isatty())
    if vc.total == 0:
        extra = f" ({vc.missing} missing)" if vc.missing else ""
        raise CLIError(f"column {column!r} of {path.name} has no values{extra}")
    return vc


@contextmanager
def _in_option_words(x: str, y: str) -> Iterator[None]:
    """Reword the estimators' errors, which speak of Python arguments (alphabet_size=K,
    method='nsb', the samples x and y), in the options and data of this command."""
    try:
        yield
    except (ValueError, TypeError) as e:
        text = str(e)
        for old, new in _OPTION_WORDS:
            text = re.sub(old, new, text)
        text = re.sub(r"\bseen in x and y together\b", f"seen in {x} and {y} together", text)
        text = re.sub(r"\bseen in x\b", f"seen in {x}", text)
        raise CLIError(_one_line(text)) from None


_OPTION_WORDS = [
    (r"\balphabet_size=K\b", "--alphabet-size K"),
    (r"\balphabet_size=", "--alphabet-size "),
    (r"\balphabet_size\b", "--alphabet-size"),
    (r"\bmethod='([a-z_]+)'", r"--method \1"),
    (r"\bn_boot\b", "--n-boot"),
]


def _one_line(text: str, limit: int = 400) -> str:
    """An error message on one line: control and other unprintable characters (which a
    message may quote from the data: raw bytes, a row with a newline) escaped, and the
    whole cut to ``limit`` characters."""
    out = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return out if len(out) <= limit else out[: limit - 3] + "..."


def _fmt(x: Any) -> str:
    x = float(x)
    return "inf" if math.isinf(x) else f"{x:.4f}"


def _report(e: Estimate, what: str, missing: list[int]) -> str:
    u = e.unit
    lines = [f"{e.quantity.replace('_', ' ')} of {what}", f"  estimate     {_fmt(e.value)} {u}"]
    if e.interval is not None and e.level is not None:
        lines.append(
            f"  {100 * e.level:g}% interval [{_fmt(e.low)}, {_fmt(e.high)}] {u} ({e.interval_kind})"
        )
    if e.stderr is not None:
        lines.append(f"  std. error   {_fmt(e.stderr)} {u}")
    lines.append(f"  method       {e.method}")
    ns = e.n if isinstance(e.n, tuple | list) else (e.n,)
    sup = e.support if isinstance(e.support, tuple | list) else (e.support,)
    parts = [
        f"N={n}, {s} distinct" + (f", {m} missing skipped" if m else "")
        for n, s, m in zip(ns, sup, missing, strict=False)
    ]
    lines.append("  samples      " + "; ".join(parts))
    if e.alphabet_size is not None:
        lines.append(f"  alphabet     {e.alphabet_size}")
    lines.extend(f"  note: {n}" for n in e.notes)
    return "\n".join(lines)


def estimate(
    file: Annotated[Path, typer.Argument(help="CSV, TSV or Parquet file of samples")],
    column: Annotated[
        list[str],
        typer.Option(
            "--column", "-c", help="column of FILE; give it again for the --vs file's column"
        ),
    ],
    vs: Annotated[
        Path | None,
        typer.Option("--vs", help="second file, samples of q: estimate KL or cross-entropy"),
    ] = None,
    measure: Annotated[
        str | None,
        typer.Option(
            "--measure", help="entropy, kl or cross-entropy (default: kl with --vs, else entropy)"
        ),
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            "-m",
            help="entropy: plugin, miller_madow, jackknife, grassberger, zhang, chao_shen, "
            "chao_wang_jost, james_stein, dirichlet, nsb; KL and cross-entropy: plugin, "
            "dirichlet, zhang_grabchak; auto picks (docs/estimators.md)",
        ),
    ] = "auto",
    alphabet_size: Annotated[
        int | None, typer.Option("--alphabet-size", "-k", help="number of possible symbols")
    ] = None,
    base: Annotated[str, typer.Option("--base", help="bits, nats, bans, e or a number")] = "bits",
    ci: Annotated[
        float, typer.Option("--ci", help="interval coverage, e.g. 0.95; 0 for none")
    ] = 0.95,
    n_boot: Annotated[int, typer.Option("--n-boot", help="bootstrap replicates")] = 1000,
    seed: Annotated[int | None, typer.Option("--seed", help="bootstrap seed")] = None,
    as_text: Annotated[
        bool, typer.Option("--as-text", help="read every value as text (mixed columns)")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON for machines")] = False,
) -> None:
    """Estimate entropy (or, with --vs, KL divergence) of a column from its samples."""
    try:
        _estimate(file, column, vs, measure, method, alphabet_size, base, ci, n_boot, seed,
                  as_text, as_json)  # fmt: skip
    except (ValueError, TypeError, OSError) as e:
        # one line, whatever the message quotes from the data (raw bytes, a row)
        raise CLIError(_one_line(str(e))) from None


def _estimate(
    file: Path,
    column: list[str],
    vs: Path | None,
    measure: str | None,
    method: str,
    alphabet_size: int | None,
    base: str,
    ci: float,
    n_boot: int,
    seed: int | None,
    as_text: bool,
    as_json: bool,
) -> None:
    b = parse_base(base)
    if len(column) > 2 or (len(column) == 2 and vs is None):
        raise CLIError(
            "give --column once for FILE, and at most once more for the --vs file's column"
        )
    m = measure or ("kl" if vs is not None else "entropy")
    if m not in _MEASURES:
        raise CLIError(f"--measure {m!r} is not one of entropy, kl, cross-entropy")
    if m != "entropy" and vs is None:
        raise CLIError(f"--measure {m} compares two samples; give the second file with --vs")
    if not (0 <= ci < 1):  # also refuses nan, which every comparison would let through
        raise CLIError(f"--ci {ci:g} is not a coverage level; use a number in (0, 1) or 0")
    if not 2 <= n_boot <= MAX_BOOT:
        raise CLIError(
            f"--n-boot {n_boot} is not a number of bootstrap replicates; use 2 to {MAX_BOOT}"
        )
    if seed is not None and seed < 0:
        raise CLIError(f"--seed {seed} is negative; use a whole number >= 0")
    level = ci if ci > 0 else None
    vc = _count(file, column[0], as_text)
    common: dict[str, Any] = {
        "method": method,
        "alphabet_size": alphabet_size,
        "base": b,
        "ci": level,
        "n_boot": n_boot,
        "seed": seed,
    }
    if vs is None or m == "entropy":
        if vs is not None:
            raise CLIError("--measure entropy takes one file; drop --vs")
        what = f"column {column[0]!r} of {file.name}"
        with _in_option_words(what, ""):
            e = estimate_entropy(vc, **common)
        missing = [vc.missing]
    else:
        col2 = column[1] if len(column) == 2 else column[0]
        vq = _count(vs, col2, as_text)
        fn = estimate_kl_divergence if m == "kl" else estimate_cross_entropy
        with _in_option_words(f"{file.name}[{column[0]!r}]", f"{vs.name}[{col2!r}]"):
            e = fn(vc, vq, **common)
        what = f"{file.name}[{column[0]!r}] against {vs.name}[{col2!r}]"
        missing = [vc.missing, vq.missing]
    if as_json:
        out = e.to_dict()
        out["data"] = what
        out["missing"] = missing
        typer.echo(dump_json(out))
    else:
        typer.echo(_report(e, what, missing))
