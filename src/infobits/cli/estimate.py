"""``infobits estimate``: entropy, KL, cross-entropy, mutual information or conditional
entropy of a file's columns, from their samples.

One column is counted in streaming chunks (CSV, TSV or Parquet), so files larger than
memory work; two paired columns (``--with``, ``--given``) are read whole, row-aligned.
The data then go to the same estimators as the Python API, and the result is printed
with its interval, what kind of interval it is, and the method that produced it, or as
JSON. ``-`` reads a CSV from standard input.
"""

from __future__ import annotations

import dataclasses
import math
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from ..estimators import (
    Estimate,
    count_values,
    estimate_conditional_entropy,
    estimate_cross_entropy,
    estimate_entropy,
    estimate_kl_divergence,
    estimate_mutual_information,
)
from ..estimators.counting import ValueCounts, read_columns
from ._common import CLIError, dump_json, parse_base

__all__ = ["estimate"]

#: More replicates than this add nothing a user can see and can exhaust memory (the
#: estimators refuse more too).
MAX_BOOT = 1_000_000

_MEASURES = ("entropy", "kl", "cross-entropy", "mi", "conditional-entropy")
_STDIN = "-"


def _count(path: Path, column: str, as_text: bool, na_values: list[str]) -> ValueCounts:
    vc = count_values(
        path,
        column=column,
        as_text=as_text,
        na_values=na_values,
        progress=sys.stderr.isatty(),
    )
    if vc.total == 0:
        extra = f" ({vc.missing} missing)" if vc.missing else ""
        raise CLIError(f"column {column!r} of {_shown_name(path)} has no values{extra}")
    return vc


def _shown_name(path: Path) -> str:
    return "standard input" if path.parent.name.startswith("infobits-stdin-") else path.name


@contextmanager
def _readable(path: Path) -> Iterator[Path]:
    """``path``, or for ``-`` a temporary copy of standard input (CSV): the readers need
    a file they can open twice (once for the header, once for the rows). The copy is
    streamed to disk, so the input may be larger than memory; it is removed afterwards."""
    if str(path) != _STDIN:
        yield path
        return
    if sys.stdin is None or sys.stdin.isatty():
        raise CLIError(
            "- reads a CSV from standard input, but standard input is a terminal; pipe or "
            "redirect the data in (infobits estimate - -c COLUMN < data.csv)"
        )
    tmp = Path(tempfile.mkdtemp(prefix="infobits-stdin-"))
    try:
        dest = tmp / "stdin.csv"
        with dest.open("wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out, 1 << 20)
        try:
            yield dest
        except (ValueError, TypeError, OSError) as e:  # name the input as the user knows it
            text = str(e).replace(repr(str(dest)), "standard input")
            raise CLIError(_one_line(text.replace(dest.name, "standard input"))) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


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
    (r"^ci needs\b", "--ci needs"),
    (r"\bdrop ci, or use a smaller k\b", "use --ci 0"),
    (r"\bdrop ci\b", "use --ci 0"),
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


_KINDS = {
    "bootstrap": (
        "basic bootstrap interval (Davison & Hinkley 1997, §5.2): the spread of the "
        "estimate over resamples of the data, reflected about the estimate, so that it "
        "carries the bias the resamples reveal; it need not be centred on the estimate"
    ),
    "posterior": (
        "posterior interval: the posterior mean ± z·sd, clipped to [0, log K] (at 0 only "
        "for pym, whose prior has countably many symbols); it is calibrated when the "
        "prior fits the data"
    ),
    "unseen range": (
        "unseen range (Valiant & Valiant): the lowest and highest entropy of the "
        "histograms whose expected fingerprint fits the sample's, never narrower than "
        "the plug-in's ± z·SE; a range of answers the data allow, not a confidence "
        "interval"
    ),
    "bias-aware": (
        "bias-aware interval (auto): Chao–Wang–Jost ± z·(bootstrap sd)·(1 + u/2), its "
        "upper end raised by 2u, u = f1/N the share of samples seen once (with K given, "
        "joined with the NSB posterior interval); calibrated at 95% on Zipf, Dirichlet and "
        "word-frequency populations (docs/estimators.md)"
    ),
    "one-sided": (
        "one-sided interval: more than half of the samples were seen once, so no upper "
        "end can be given (log K when K is known); the lower end is the plug-in's "
        "one-sided lower bound"
    ),
    "half-sample": (
        "half-sample interval: estimate ± z·SE, the SE from the spread of the estimate "
        "on random halves of the points; it ignores the estimator's bias"
    ),
}


def _interval_explanation(e: Estimate) -> str | None:
    """What kind of interval ``e`` carries, and why its estimate may sit at (or outside)
    its edge, in words; ``None`` without an interval."""
    if e.interval is None or e.level is None or e.low is None or e.high is None:
        return None
    text = _KINDS.get(str(e.interval_kind), f"{e.interval_kind} interval")
    v, lo, hi = float(e.value), float(e.low), float(e.high)
    if v < lo or v > hi:
        text += (
            "; here the estimate lies outside it: the interval reflects the estimate's "
            "bias (the resamples sit on the other side of the plug-in value), so it "
            "need not contain the estimate"
        )
    elif hi > lo and (v == lo or v == hi):
        text += (
            "; here the estimate sits at its edge: the interval by its formula did not "
            "reach the estimate (it reflects the bias the resamples show) or was clipped "
            "at the quantity's bounds, and it was widened to include the estimate"
        )
    return text


def _report(e: Estimate, what: str, missing: list[int], paired: bool) -> str:
    u = e.unit
    lines = [f"{e.quantity.replace('_', ' ')} of {what}", f"  estimate     {_fmt(e.value)} {u}"]
    if e.interval is not None and e.level is not None:
        lines.append(
            f"  {100 * e.level:g}% interval [{_fmt(e.low)}, {_fmt(e.high)}] {u} ({e.interval_kind})"
        )
    if e.stderr is not None:
        lines.append(f"  std. error   {_fmt(e.stderr)} {u}")
    lines.append(f"  method       {e.method}")
    if paired:
        sup = e.support if isinstance(e.support, tuple | list) else (e.support, None)
        dropped = int(e.missing or 0)
        distinct = "" if sup[0] is None else f", {sup[0]} and {sup[1]} distinct"
        lines.append(
            f"  samples      N={e.n} pairs{distinct}"
            + (f", {dropped} with a missing value dropped" if dropped else "")
        )
    else:
        ns = e.n if isinstance(e.n, tuple | list) else (e.n,)
        sups = e.support if isinstance(e.support, tuple | list) else (e.support,)
        parts = [
            f"N={n}, {s} distinct" + (f", {m} missing skipped" if m else "")
            for n, s, m in zip(ns, sups, missing, strict=False)
        ]
        lines.append("  samples      " + "; ".join(parts))
    if e.alphabet_size is not None:
        lines.append(f"  alphabet     {e.alphabet_size}")
    why = _interval_explanation(e)
    if why is not None:
        lines.append(f"  interval: {why}")
    lines.extend(f"  note: {n}" for n in e.notes)
    return "\n".join(lines)


def estimate(
    file: Annotated[
        Path, typer.Argument(help="CSV, TSV or Parquet file of samples; - reads CSV from stdin")
    ],
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
    with_: Annotated[
        str | None,
        typer.Option("--with", help="second column of FILE, paired row by row (--measure mi)"),
    ] = None,
    given: Annotated[
        str | None,
        typer.Option(
            "--given",
            help="column of FILE to condition on, H(COLUMN|GIVEN); --measure conditional-entropy",
        ),
    ] = None,
    measure: Annotated[
        str | None,
        typer.Option(
            "--measure",
            help="entropy, kl, cross-entropy, mi or conditional-entropy (default: kl with "
            "--vs, else entropy)",
        ),
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            "-m",
            help="entropy, mi and conditional-entropy: plugin, miller_madow, jackknife, "
            "grassberger, zhang, chao_shen, chao_wang_jost, james_stein, dirichlet, nsb, "
            "jvhw (entropy also pym, unseen; mi of numbers: ksg, copula_ksg, gao, and "
            "ross for numbers against labels); KL and cross-entropy: plugin, dirichlet, "
            "zhang_grabchak; auto picks (docs/estimators.md)",
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
    na_values: Annotated[
        list[str] | None,
        typer.Option(
            "--na-values",
            help="a string that means missing (repeat for more); text is a label otherwise, "
            "and only empty fields are missing",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON for machines")] = False,
) -> None:
    """Estimate entropy of a column; KL with --vs; MI with --with; H(Y|X) with --given."""
    try:
        _estimate(file, column, vs, with_, given, measure, method, alphabet_size, base, ci,
                  n_boot, seed, as_text, list(na_values or []), as_json)  # fmt: skip
    except (ValueError, TypeError, OSError) as e:
        # one line, whatever the message quotes from the data (raw bytes, a row)
        raise CLIError(_one_line(str(e))) from None


def _check_combination(
    column: list[str],
    vs: Path | None,
    with_: str | None,
    given: str | None,
    measure: str | None,
    alphabet_size: int | None,
) -> str:
    """The measure asked for, or a worded error for options that do not go together."""
    if with_ is not None and given is not None:
        raise CLIError(
            "--with (mutual information) and --given (conditional entropy) do not go "
            "together; give one"
        )
    m = measure or ("kl" if vs is not None else "entropy")
    if m not in _MEASURES:
        raise CLIError(f"--measure {m!r} is not one of {', '.join(_MEASURES)}")
    if with_ is not None and m != "mi":
        raise CLIError(
            f"--with pairs a second column for mutual information, but the measure is {m}; "
            "add --measure mi, or drop --with"
        )
    if given is not None and m != "conditional-entropy":
        hint = "; for mutual information name the second column with --with" if m == "mi" else ""
        raise CLIError(
            f"--given names the column to condition on for --measure conditional-entropy, "
            f"but the measure is {m}{hint}"
        )
    if m in ("mi", "conditional-entropy"):
        other, opt = (with_, "--with") if m == "mi" else (given, "--given")
        if other is None:
            raise CLIError(f"--measure {m} needs a second column of FILE: {opt} COLUMN")
        if vs is not None:
            raise CLIError(f"--measure {m} pairs two columns of one file; drop --vs")
        if len(column) != 1:
            raise CLIError(f"give --column once for --measure {m}; name the other with {opt}")
        if other == column[0]:
            raise CLIError(
                f"--column and {opt} both name {other!r}; pair two different columns "
                f"(the {m} of a column with itself is its entropy: --measure entropy)"
            )
        if alphabet_size is not None:
            raise CLIError(
                f"--alphabet-size takes one K, but --measure {m} needs a pair (K_x, K_y); "
                "drop it here, or use estimate_mutual_information(alphabet_size=(K_x, K_y)) "
                "in Python"
            )
        return m
    if len(column) > 2 or (len(column) == 2 and vs is None):
        raise CLIError(
            "give --column once for FILE, and at most once more for the --vs file's column"
        )
    if m != "entropy" and vs is None:
        raise CLIError(f"--measure {m} compares two samples; give the second file with --vs")
    if m == "entropy" and vs is not None:
        raise CLIError("--measure entropy takes one file; drop --vs")
    return m


def _as_floats(col: Any) -> Any:
    """A column as float64 (NaN for its nulls) when every value present is a finite number
    and some are not whole: a continuous measurement. ``None`` otherwise (labels)."""
    import numpy as np

    try:
        vals = col.to_pylist() if hasattr(col, "to_pylist") else list(col)
    except Exception:  # not a column this can read: leave it to the estimator
        return None
    out = np.full(len(vals), np.nan)
    for i, v in enumerate(vals):
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            return None
        try:
            f = float(v)
        except ValueError:
            return None
        if not math.isfinite(f):  # "nan" or "inf" written in a CSV is a label here
            return None
        out[i] = f
    fin = out[~np.isnan(out)]
    return out if fin.size and (fin != np.round(fin)).any() else None


def _numeric_against_labels(x: Any, y: Any) -> tuple[Any, Any]:
    """For ``--measure mi``: columns of continuous numbers go to the estimator as floats,
    so that ``auto`` picks the mixed estimator (Ross 2014) when the other column holds
    labels, or the copula KSG when both are numbers, instead of treating every float
    as its own symbol. Empty cells become NaN, dropped pairwise."""
    fx, fy = _as_floats(x), _as_floats(y)
    if fx is not None and fy is not None:
        return fx, fy
    if fx is not None and fy is None:
        return fx, y
    if fy is not None and fx is None:
        return x, fy
    return x, y


def _named_notes(e: Estimate, x: str, y: str) -> Estimate:
    """The estimator's notes speak of x and y; name the columns instead."""
    pattern = r"\((\d+) missing in x, (\d+) in y\)"

    def named(mt: re.Match[str]) -> str:  # a function: a column name may hold a backslash
        return f"({mt[1]} missing in {x!r}, {mt[2]} in {y!r})"

    def ties(mt: re.Match[str]) -> str:
        return f"{mt[1]}{x if mt[2] == 'x' else y!r} ({mt[3]} repeated"

    notes = tuple(re.sub(pattern, named, n) for n in e.notes)
    # the tie note: "ties broken: x (22 repeated, ...), y (26 repeated, ...)"
    notes = tuple(re.sub(r"(ties broken: |, )([xy]) \((\d+) repeated", ties, n) for n in notes)
    return dataclasses.replace(e, notes=notes)


def _estimate(
    file: Path,
    column: list[str],
    vs: Path | None,
    with_: str | None,
    given: str | None,
    measure: str | None,
    method: str,
    alphabet_size: int | None,
    base: str,
    ci: float,
    n_boot: int,
    seed: int | None,
    as_text: bool,
    na_values: list[str],
    as_json: bool,
) -> None:
    b = parse_base(base)
    m = _check_combination(column, vs, with_, given, measure, alphabet_size)
    if not (0 <= ci < 1):  # also refuses nan, which every comparison would let through
        raise CLIError(f"--ci {ci:g} is not a coverage level; use a number in (0, 1) or 0")
    if not 2 <= n_boot <= MAX_BOOT:
        raise CLIError(
            f"--n-boot {n_boot} is not a number of bootstrap replicates; use 2 to {MAX_BOOT}"
        )
    if seed is not None and seed < 0:
        raise CLIError(f"--seed {seed} is negative; use a whole number >= 0")
    if str(file) == _STDIN and vs is not None and str(vs) == _STDIN:
        raise CLIError("FILE and --vs cannot both be - (standard input is read once)")
    level = ci if ci > 0 else None
    common: dict[str, Any] = {
        "method": method,
        "base": b,
        "ci": level,
        "n_boot": n_boot,
        "seed": seed,
    }
    with _readable(file) as path:
        name = _shown_name(path)
        paired = m in ("mi", "conditional-entropy")
        if paired:
            other = with_ if m == "mi" else given
            assert other is not None
            x, y = read_columns(path, [column[0], other], na_values)
            if m == "mi":
                what = f"{column[0]!r} and {other!r} of {name}"
                if method == "auto":
                    x, y = _numeric_against_labels(x, y)
                with _in_option_words(repr(column[0]), repr(other)):
                    e = estimate_mutual_information(x, y, **common)
            else:
                what = f"{column[0]!r} given {other!r} of {name}"
                with _in_option_words(repr(other), repr(column[0])):
                    e = estimate_conditional_entropy(x, y, **common)
            xy = (column[0], other) if m == "mi" else (other, column[0])
            e = _named_notes(e, *xy)
            missing = [int(e.missing or 0)]
        elif m == "entropy":
            vc = _count(path, column[0], as_text, na_values)
            what = f"column {column[0]!r} of {name}"
            with _in_option_words(what, ""):
                e = estimate_entropy(vc, alphabet_size=alphabet_size, **common)
            missing = [vc.missing]
        else:
            assert vs is not None
            vc = _count(path, column[0], as_text, na_values)
            col2 = column[1] if len(column) == 2 else column[0]
            with _readable(vs) as vpath:
                vname = _shown_name(vpath)
                vq = _count(vpath, col2, as_text, na_values)
            fn = estimate_kl_divergence if m == "kl" else estimate_cross_entropy
            with _in_option_words(f"{name}[{column[0]!r}]", f"{vname}[{col2!r}]"):
                e = fn(vc, vq, alphabet_size=alphabet_size, **common)
            what = f"{name}[{column[0]!r}] against {vname}[{col2!r}]"
            missing = [vc.missing, vq.missing]
    if as_json:
        out = e.to_dict()
        out["data"] = what
        out["missing"] = missing if not paired else int(e.missing or 0)
        out["interval_explanation"] = _interval_explanation(e)
        typer.echo(dump_json(out))
    else:
        typer.echo(_report(e, what, missing, paired))
