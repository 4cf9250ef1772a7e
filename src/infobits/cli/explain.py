"""``infobits explain``: the founding argument, worked out in numbers.

Each outcome's code length is log(1/q); weighting by how often it really occurs (p)
gives the cross-entropy; the best code (q = p) gives the entropy; the difference is the
KL divergence, the waste. Every number shown comes from the library's own measures.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from .. import _units
from .._inputs import logits as as_logits
from ..codes.sampled import sampled_code_lengths
from ..measures import cross_entropy, entropy, kl_divergence, self_information
from ._common import CLIError, dump_json, parse_base, parse_vector

__all__ = ["explain", "explanation"]

#: Enough to pin the measured bits per symbol to a few decimals; far more only exhausts
#: memory (the draws are held at once).
MAX_SAMPLES = 10_000_000

#: The built-in example: 8 equally likely events, coded with a skewed guess.
EXAMPLE_P = (1 / 8,) * 8
EXAMPLE_Q = (1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 64, 1 / 64, 1 / 64, 1 / 64)


def explanation(
    p: Any, q: Any, base: float | str = 2, samples: int = 100_000, seed: int = 0
) -> dict[str, Any]:
    """The explain table as data: per-outcome lengths and the three totals.

    ``q`` may be probabilities or ``ib.logits(...)``. Units follow ``base``. Under
    ``"codes"``, real codes in bits: q's Huffman codewords and the bits per symbol of
    ``samples`` draws from p (fixed ``seed``) coded with p's and q's Huffman codes and an
    arithmetic code under q (see :func:`infobits.codes.sampled.sampled_code_lengths`).

    >>> e = explanation(EXAMPLE_P, EXAMPLE_Q)
    >>> e["entropy"], e["cross_entropy"], e["kl_divergence"], e["unit"]
    (3.0, 4.25, 1.25, 'bits')
    >>> e["outcomes"][0]
    {'p': 0.125, 'q': 0.5, 'best_length': 3.0, 'code_length': 1.0, 'contribution': 0.125}
    """
    # "+ 0.0" turns the -0.0 of log(1/1) = -log(1) into 0.0, so no "-0.000" is shown
    h = float(entropy(p, base=base)) + 0.0
    hpq = float(cross_entropy(p, q, base=base)) + 0.0
    d = float(kl_divergence(p, q, base=base)) + 0.0
    lq = self_information(q, base=base) + 0.0
    qv = np.exp(-lq * _units.log_of_base(base))
    pv = np.asarray(p, dtype=np.float64)
    lp = self_information(pv, base=base) + 0.0
    rows = []
    for i in range(pv.size):
        contrib = 0.0 if pv[i] == 0 else float(pv[i] * lq[i])
        rows.append(
            {
                "p": float(pv[i]),
                "q": float(qv[i]),
                "best_length": float(lp[i]),
                "code_length": float(lq[i]),
                "contribution": contrib,
            }
        )
    unit = _units.unit_name(base)
    if math.isinf(hpq):
        ce_text = "the code built for q has no codeword for an outcome p produces: infinite cost"
        kl_text = "every symbol risks an uncodable outcome: the waste is infinite"
    else:
        ce_text = f"the code built for q averages {hpq:.3f} {unit} on data from p"
        kl_text = f"{d:.3f} {unit} a symbol are wasted"
    return {
        "unit": unit,
        "outcomes": rows,
        "entropy": h,
        "cross_entropy": hpq,
        "kl_divergence": d,
        "readings": {
            "entropy": f"the best code for p averages {h:.3f} {unit}",
            "cross_entropy": ce_text,
            "kl_divergence": kl_text,
        },
        "codes": sampled_code_lengths(p, q, samples, seed),
    }


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


def _render(e: dict[str, Any], console: Console) -> None:
    u = e["unit"]
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
    for i, r in enumerate(e["outcomes"]):
        table.add_row(
            str(i),
            f"{r['p']:.4g}",
            f"{r['q']:.4g}",
            _fmt(r["best_length"]),
            _fmt(r["code_length"]),
            _fmt(r["contribution"]),
        )
    console.print(table)
    rd = e["readings"]
    console.print(f"H(p)    = {_fmt(e['entropy'])} {u}: {rd['entropy']}")
    console.print(f"H(p,q)  = {_fmt(e['cross_entropy'])} {u}: {rd['cross_entropy']}")
    console.print(f"D(p‖q)  = {_fmt(e['kl_divergence'])} {u}: {rd['kl_divergence']}")
    console.print("D(p‖q) = H(p,q) − H(p): minimising cross-entropy is minimising the waste.")
    _render_codes(e["codes"], console)


def _render_codes(c: dict[str, Any], console: Console) -> None:
    """The real codes: q's Huffman codewords, then measured bits on samples from p."""
    table = Table(title="Real codes: Huffman's code built for q")
    table.add_column("outcome", justify="right")
    table.add_column("codeword", justify="left")
    table.add_column("length (bits)", justify="right")
    words = c["huffman_q"]["codewords"]
    rows = zip(words, c["huffman_q"]["lengths"], c["huffman_q"]["coded"], strict=True)
    for i, (w, n, coded) in enumerate(rows):
        table.add_row(str(i), w if w else ("(empty)" if coded else "(none)"), str(n))
    console.print(table)
    b = c["bits_per_symbol"]
    if not c["samples"]:
        return
    console.print(f"{c['samples']} samples from p (seed {c['seed']}), coded for real:")
    console.print(
        f"  Huffman code for p       {b['huffman_p']:.4f} bits/symbol "
        f"(the sample's own -log2 p: {b['ideal_p']:.4f})"
    )
    if b["huffman_q"] is None:
        console.print("  the codes for q cannot code this sample: q gives 0 to an outcome p drew")
        return
    console.print(
        f"  Huffman code for q       {b['huffman_q']:.4f} bits/symbol "
        f"(the sample's -log2 q: {b['ideal_q']:.4f})"
    )
    if b["arithmetic_q"] is not None:
        console.print(f"  arithmetic code under q  {b['arithmetic_q']:.4f} bits/symbol")
    console.print(
        "The arithmetic code lands on -log2 q; Huffman rounds each length to whole bits, "
        "which on data from q costs under a bit a symbol, and on data from p can fall "
        "either side."
    )


def explain(
    p: Annotated[
        str | None, typer.Option("--p", help="true probabilities, e.g. 0.5,0.25,1/4")
    ] = None,
    q: Annotated[str | None, typer.Option("--q", help="the model's probabilities")] = None,
    q_logits: Annotated[
        str | None, typer.Option("--q-logits", help="the model as logits instead of --q")
    ] = None,
    base: Annotated[
        str, typer.Option("--base", help="bits, nats, bans, e or a number > 0, not 1")
    ] = "bits",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON for machines")] = False,
    samples: Annotated[
        int,
        typer.Option("--samples", help="draws from p coded with the real codes (0: none)"),
    ] = 100_000,
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
        from ..plot._save import check_new_file

        check_new_file(plot)  # before any output, so a bad path leaves nothing half done
    if not 0 <= samples <= MAX_SAMPLES:
        raise CLIError(
            f"--samples {samples} is not a sample count; give 0 to {MAX_SAMPLES}, such as 100000"
        )
    try:
        e = explanation(pv, qv, b, samples)
    except ValueError as err:
        raise CLIError(_in_option_words(str(err))) from None
    if plot is not None:
        from ..plot._save import write_explain_plot

        written = write_explain_plot(pv, qv, b, plot)
        typer.echo(f"wrote {written}: the code diagram and the decomposition", err=True)
    if as_json:
        typer.echo(dump_json(e))
    else:
        _render(e, Console())
