"""``infobits crosscode A --like B``: code file A with the order-0 code built for file B,
and show the KL divergence D(A‖B) as the extra bits that code really writes.

B's byte frequencies are smoothed by add-α (α = 1/2, Krichevsky–Trofimov, by default)
so that a byte of A that B never uses still has a codeword.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ._common import CLIError, dump_json
from .compress import _read

__all__ = ["crosscode"]


#: The arithmetic coder's smallest probability: it quantises to multiples of 2^-24.
CODER_FLOOR = 2.0**-24


def _floor_notes(data_a: bytes, data_b: bytes, alpha: float) -> list[str]:
    """Say so when B's code asks for probabilities the arithmetic coder cannot represent;
    its stream then codes those bytes at 24 bits, shorter than log2(1/q)."""
    from ..codes.crosscode import byte_model

    q = byte_model(data_b, alpha)
    used = np.bincount(np.frombuffer(data_a, dtype=np.uint8), minlength=256) > 0
    low = int(np.count_nonzero(used & (q > 0) & (q < CODER_FLOOR)))
    if not low:
        return []
    return [
        f"B's code gives {low} byte value(s) of A a probability below 2^-24, the least the "
        "arithmetic coder represents; its stream codes them at about 24 bits each, so it "
        "comes out shorter than n·H(A,B) (raise --alpha to stay within the coder's range)"
    ]


def crosscode(
    a: Annotated[Path, typer.Argument(help="the file to code", show_default=False)],
    like: Annotated[
        Path, typer.Option("--like", help="the file whose order-0 code is used", show_default=False)
    ],
    alpha: Annotated[
        float,
        typer.Option("--alpha", help="add-α smoothing of B's counts (0.5: Krichevsky–Trofimov)"),
    ] = 0.5,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON for machines")] = False,
) -> None:
    """Code A with the code built for B: the excess over H(A) is D(A‖B)."""
    from ..codes.crosscode import crosscode as run

    if not math.isfinite(alpha) or alpha < 0:
        raise CLIError(f"--alpha {alpha} must be a number >= 0 (0.5 is Krichevsky–Trofimov)")
    data_a = _read(a, "A")
    data_b = _read(like, "--like")
    if not data_a:
        raise CLIError(f"A {str(a)!r} is empty; there is nothing to code")
    if not data_b and alpha == 0:
        raise CLIError(f"--like {str(like)!r} is empty and --alpha is 0: B defines no code")
    try:
        r = run(data_a, data_b, alpha)
    except ValueError as e:
        raise CLIError(str(e)) from None
    notes = _floor_notes(data_a, data_b, alpha)
    if as_json:
        d = r.as_dict()
        d.update(a=str(a), like=str(like), notes=notes)
        typer.echo(dump_json(d))
        return
    n = r.n_a
    # file names are text, not Rich markup: "[red]x" must print as itself
    t = Table(
        title=f"Coding {escape(a.name)} ({n} byte{'s' if n != 1 else ''}) with order-0 codes, "
        "in bits per byte"
    )
    t.add_column("code", justify="left")
    t.add_column("ideal", justify="right")
    t.add_column("arithmetic", justify="right")
    t.add_column("Huffman", justify="right")
    t.add_row(
        "built for A itself: H(A)",
        f"{r.entropy:.4f}",
        f"{r.arithmetic_own_bits / n:.4f}",
        f"{r.huffman_own_bits / n:.4f}",
    )
    t.add_row(
        f"built for B ({escape(like.name)}): H(A,B)",
        f"{r.cross_entropy:.4f}",
        f"{r.arithmetic_cross_bits / n:.4f}",
        f"{r.huffman_cross_bits / n:.4f}",
    )
    t.add_row(
        "excess: D(A‖B)",
        f"{r.kl_divergence:.4f}",
        f"{r.excess_bits / n:.4f}",
        f"{(r.huffman_cross_bits - r.huffman_own_bits) / n:.4f}",
    )
    console = Console()
    console.print(t)
    console.print(
        f"Coding A with B's code cost {r.excess_bits} extra bits; n·D(A‖B) predicts "
        f"{r.kl_bits:.0f} (off by {r.excess_bits - r.kl_bits:+.0f} bits, "
        f"{100 * (r.excess_bits - r.kl_bits) / r.ideal_cross_bits:+.4f}% of the coded size)."
    )
    if r.unseen_in_b:
        console.print(
            f"{r.unseen_in_b} byte value(s) of A never occur in B; add-{r.alpha:g} smoothing "
            "keeps them codable."
        )
    for note in notes:
        console.print(escape(note))
    console.print("Stream sizes exclude the description of each model.")
