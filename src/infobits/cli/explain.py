"""``infobits explain``: the founding argument, worked out in numbers.

Each outcome's code length is log(1/q); weighting by how often it really occurs (p)
gives the cross-entropy; the best code (q = p) gives the entropy; the difference is the
KL divergence, the waste. The numbers come from :func:`infobits.explain.explanation`;
this module only prints them (a table, or ``--json``) and, with ``--plot``, saves the
figure that :mod:`infobits.plot` draws of the same explanation.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from .._extras import require
from .._inputs import logits as as_logits
from ..explain import Explanation, explanation
from ._common import (
    CLIError,
    check_new_figure,
    dump_json,
    parse_base,
    parse_vector,
    save_new_figure,
)

__all__ = ["EXAMPLE_P", "EXAMPLE_Q", "MAX_SAMPLES", "SHOWN_ROWS", "explain"]

#: Enough to pin the measured bits per symbol to a few decimals; far more only exhausts
#: memory (the draws are held at once).
MAX_SAMPLES = 10_000_000

#: Tables longer than twice this many rows show the first and the last this many, with
#: one row saying how many are left out (``--json`` always has every row).
SHOWN_ROWS = 10

#: The built-in example: 8 equally likely events, coded with a skewed guess.
EXAMPLE_P = (1 / 8,) * 8
EXAMPLE_Q = (1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 64, 1 / 64, 1 / 64, 1 / 64)


def _in_option_words(text: str) -> str:
    """The library's errors advise Python calls (``ib.counts(p)``); say it in options.

    >>> _in_option_words("q sums to 5 along axis -1; if q holds counts or weights, "
    ...                  "pass ib.counts(q)")
    'q sums to 5; if --q holds counts or weights, divide them by their total'
    """
    text = text.replace(" along axis -1", "")
    text = re.sub(
        r"if (p|q) holds counts or weights, pass ib\.counts\(\1\)",
        r"if --\1 holds counts or weights, divide them by their total",
        text,
    )
    text = re.sub(
        r" \(if q holds log-probabilities, pass ib\.log_probs\(q\); if logits, ib\.logits\(q\)\)",
        " (if --q holds logits, give them with --q-logits)",
        text,
    )
    return re.sub(
        r" \(if p holds log-probabilities, pass ib\.log_probs\(p\); if logits, ib\.logits\(p\)\)",
        "",
        text,
    )


def _fmt(x: float) -> str:
    return "inf" if math.isinf(x) else f"{x:.4g}" if abs(x) < 1e-3 and x else f"{x:.3f}"


def _shown(k: int) -> list[int | None]:
    """The rows a table shows: all of them, or the first and last ``SHOWN_ROWS`` with
    ``None`` for the ellipsis row between them."""
    if k <= 2 * SHOWN_ROWS + 1:
        return list(range(k))
    return [*range(SHOWN_ROWS), None, *range(k - SHOWN_ROWS, k)]


def _ellipsis(table: Table, k: int, width: int) -> None:
    table.add_row(*["…"] * width)
    left = f"{k - 2 * SHOWN_ROWS} of {k} outcomes not shown (--json lists all)"
    table.caption = f"{table.caption}\n{left}" if table.caption else left


def _render(e: Explanation, console: Console) -> None:
    u = e.unit
    table = Table(
        title="Information is code length",
        caption="length = log(1/q): the code built for q; weight = p: how often it occurs",
    )
    table.add_column("outcome", justify="right")
    table.add_column("p", justify="right")
    table.add_column("q", justify="right")
    table.add_column(f"best length log 1/p ({u})", justify="right")
    table.add_column(f"code length log 1/q ({u})", justify="right")
    table.add_column(f"p · log 1/q ({u})", justify="right")
    for i in _shown(e.k):
        if i is None:
            _ellipsis(table, e.k, 6)
            continue
        table.add_row(
            str(i),
            f"{e.p[i]:.4g}",
            f"{e.q[i]:.4g}",
            _fmt(float(e.best_length[i])),
            _fmt(float(e.code_length[i])),
            _fmt(float(e.contribution[i])),
        )
    console.print(table)
    rd = e.readings
    console.print(f"H(p)    = {_fmt(e.entropy)} {u}: {rd['entropy']}")
    console.print(f"H(p,q)  = {_fmt(e.cross_entropy)} {u}: {rd['cross_entropy']}")
    console.print(f"D(p‖q)  = {_fmt(e.kl_divergence)} {u}: {rd['kl_divergence']}")
    console.print("D(p‖q) = H(p,q) − H(p): minimising cross-entropy is minimising the waste.")
    _render_codes(e, console)


def _signed(x: float | None) -> str:
    return "–" if x is None else f"{x:+.4f}"


def _render_codes(e: Explanation, console: Console) -> None:
    """The real codes: q's Huffman codewords, then measured bits on samples from p."""
    table = Table(title="Real codes: Huffman's code built for q")
    table.add_column("outcome", justify="right")
    table.add_column("codeword", justify="left")
    table.add_column("length (bits)", justify="right")
    code = e.huffman_q
    for i in _shown(e.k):
        if i is None:
            _ellipsis(table, e.k, 3)
            continue
        w = code.codewords[i]
        table.add_row(
            str(i), w if w else ("(empty)" if code.coded[i] else "(none)"), str(code.lengths[i])
        )
    console.print(table)
    s = e.sample
    if s is None:
        return
    table = Table(
        title=f"{s.n} samples from p (seed {s.seed}), coded for real, in bits a symbol",
        caption="measured = ideal + rounding + overhead; ideal = -log2 model(xⁿ) / n",
    )
    for name in ("code", "measured", "ideal", "rounding", "overhead"):
        table.add_column(name, justify="left" if name == "code" else "right")
    for r in s.codes:
        if r.bytes is None:
            table.add_row(r.code, "inf" if math.isinf(r.bits) else "–", "", "", "")
            continue
        table.add_row(
            r.code,
            f"{r.per_symbol(r.bits):.4f}",
            f"{r.per_symbol(r.ideal):.4f}",
            _signed(r.per_symbol(r.rounding)),
            _signed(r.per_symbol(r.overhead)),
        )
    console.print(table)
    console.print(s.reading)


def explain(
    p: Annotated[
        str | None, typer.Option("--p", help="true probabilities, e.g. 0.5,0.25,1/4")
    ] = None,
    q: Annotated[str | None, typer.Option("--q", help="the model's probabilities")] = None,
    q_logits: Annotated[
        str | None, typer.Option("--q-logits", help="the model as logits instead of --q")
    ] = None,
    base: Annotated[
        str, typer.Option("--base", help="bits, nats, e, bans or a number > 0, not 1")
    ] = "bits",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON for machines")] = False,
    samples: Annotated[
        int,
        typer.Option("--samples", help="draws from p coded with the real codes (0: none)"),
    ] = 100_000,
    seed: Annotated[
        int, typer.Option("--seed", help="seed of the draws from p, a whole number >= 0")
    ] = 0,
    plot: Annotated[
        str | None,
        typer.Option(
            "--plot",
            help="also draw the code diagram and H(p) + D(p‖q) = H(p,q) side by side into "
            "this new image file (.png, .svg or .pdf)",
        ),
    ] = None,
) -> None:
    """Show that cross-entropy is code length and KL is the waste, for p and q."""
    b = parse_base(base)
    if q is not None and q_logits is not None:
        raise CLIError("give either --q or --q-logits, not both")
    if p is None and q is None and q_logits is None:
        pv: Any = np.asarray(EXAMPLE_P)
        qv: Any = np.asarray(EXAMPLE_Q)
    elif p is None:
        raise CLIError("--p is missing; give the true distribution, e.g. --p 0.5,0.5")
    else:
        pv = parse_vector(p, "--p")
        if q is None and q_logits is None:
            raise CLIError("--q is missing; give the model as --q 0.5,0.5 or --q-logits 0,0")
        qv = parse_vector(q, "--q") if q is not None else parse_vector(q_logits or "", "--q-logits")
        if pv.size != qv.size:
            q_opt = "--q" if q is not None else "--q-logits"
            raise CLIError(
                f"--p has {pv.size} values but {q_opt} has {qv.size}; give one per outcome"
            )
        if q_logits is not None:
            qv = as_logits(qv)
    if plot is not None:
        check_new_figure(plot, "--plot")  # before any output: a bad path leaves nothing done
    if not 0 <= samples <= MAX_SAMPLES:
        raise CLIError(
            f"--samples {samples} is not a sample count; give 0 to {MAX_SAMPLES}, such as 100000"
        )
    if not 0 <= seed < 2**63:
        raise CLIError(f"--seed {seed} is not a seed; give a whole number from 0 to 2**63 - 1")
    try:
        e = explanation(pv, qv, b, samples, seed)
    except ValueError as err:
        raise CLIError(_in_option_words(str(err))) from None
    if plot is not None:
        try:
            require("matplotlib", "--plot", "plot")
        except ImportError as err:
            raise CLIError(str(err)) from None
        from ..plot import explain_figure

        written = save_new_figure(explain_figure(e), plot, "--plot")
        typer.echo(f"wrote {written}: the code diagram and the decomposition", err=True)
    if as_json:
        typer.echo(dump_json(e.as_dict()))
    else:
        _render(e, Console())
