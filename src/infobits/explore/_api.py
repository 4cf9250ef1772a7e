"""The explorer's JSON API: every number the page shows, computed by the library.

The page only draws. It sends the weights of p and q; this module validates them with
the library's own checks, computes the measures, the diagram's geometry, the Huffman
codes and the lengths of actually encoded samples, and sends back numbers. Input is
bounded (K, sample size, request size) so that a page left open cannot be made to
exhaust the machine.
"""

from __future__ import annotations

import math
import secrets
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from .. import _units
from .._inputs import counts as as_counts
from .._inputs import prepare
from ..plot._layout import diagram_data, y_limits

__all__ = ["MAX_BODY", "MAX_K", "MAX_N", "PRESETS", "Pair", "Sample", "diagram", "sample"]

#: Most outcomes a request may have: the page offers 2 to 16.
MAX_K = 16
#: Most symbols one sample request may draw and encode.
MAX_N = 200_000
#: Largest request body accepted, in bytes; 16 outcomes of any float fit many times over.
MAX_BODY = 8192

#: Starting points on the page: (id, title, one-line description, p weights, q weights).
#: Weights are whole numbers, normalised by the library as counts.
PRESETS: list[dict[str, Any]] = [
    {
        "id": "essay",
        "name": "The essay's 8 events",
        "description": "8 equally likely events (3 bits each is best) coded with a skewed "
        "guess: 1, 2, 3, 4, 6, 6, 6, 6 bits",
        "p": [10, 10, 10, 10, 10, 10, 10, 10],
        "q": [32, 16, 8, 4, 1, 1, 1, 1],
    },
    {
        "id": "loaded-as-fair",
        "name": "Loaded die, coded as fair",
        "description": "a die that shows 6 half the time, coded as if every face were "
        "equally likely",
        "p": [1, 1, 1, 1, 1, 5],
        "q": [1, 1, 1, 1, 1, 1],
    },
    {
        "id": "fair-as-loaded",
        "name": "Fair die, coded as loaded",
        "description": "a fair die coded as if it showed 6 half the time",
        "p": [1, 1, 1, 1, 1, 1],
        "q": [1, 1, 1, 1, 1, 5],
    },
    {
        "id": "coin",
        "name": "Biased coin, coded as fair",
        "description": "heads 9 times in 10, sent with 1 bit a toss",
        "p": [9, 1],
        "q": [1, 1],
    },
    {
        "id": "dyadic",
        "name": "The best code (q = p)",
        "description": "probabilities 1/2, 1/4, 1/8, 1/8: Huffman meets the entropy exactly, "
        "nothing is wasted",
        "p": [4, 2, 1, 1],
        "q": [4, 2, 1, 1],
    },
    {
        "id": "zero",
        "name": "q rules out an outcome",
        "description": "q gives probability 0 to an outcome that happens: it has no "
        "codeword, and the cost is infinite",
        "p": [1, 1, 1, 1],
        "q": [2, 1, 1, 0],
    },
    {
        "id": "zipf16",
        "name": "16 outcomes, Zipf vs uniform",
        "description": "word-like frequencies, pᵢ roughly ∝ 1/i, sent with a flat 4-bit code",
        "p": [100, 50, 33, 25, 20, 17, 14, 12, 11, 10, 9, 8, 8, 7, 7, 6],
        "q": [1] * 16,
    },
]


class Pair(BaseModel):
    """A request for the numbers of one (p, q) pair.

    ``kind="counts"`` (what the page sends) takes whole-number weights that the library
    normalises; ``kind="probabilities"`` takes probabilities that must sum to 1.
    """

    model_config = ConfigDict(extra="forbid")

    p: list[float] = Field(min_length=2, max_length=MAX_K)
    q: list[float] = Field(min_length=2, max_length=MAX_K)
    kind: Literal["probabilities", "counts"] = "probabilities"
    base: float | str = "bits"


class Sample(Pair):
    """A request to draw ``n`` symbols from p and encode them with codes for p and q."""

    n: int = Field(default=1000, ge=1, le=MAX_N)
    # 2^53 - 1: the largest integer a browser's JSON numbers hold exactly.
    seed: int | None = Field(default=None, ge=0, le=2**53 - 1)


def _num(x: float) -> float | str:
    """JSON has no infinity; send it as the string ``"inf"`` (the page reads it back)."""
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return float(x)


def _nums(a: Any) -> list[float | str]:
    return [_num(float(v)) for v in np.asarray(a, dtype=np.float64).ravel()]


def _probs(req: Pair) -> tuple[np.ndarray, np.ndarray]:
    """Validate p and q with the library's checks; return them as probabilities."""
    if len(req.p) != len(req.q):
        raise ValueError(
            f"p has {len(req.p)} outcomes but q has {len(req.q)}; give one value per outcome"
        )
    _units.log_of_base(req.base)
    out = []
    for name, v in (("p", req.p), ("q", req.q)):
        a = np.asarray(v, dtype=np.float64)
        prep = prepare(as_counts(a) if req.kind == "counts" else a, name, -1)
        out.append(np.asarray(prep.probs(), dtype=np.float64))
    return out[0], out[1]


def _huffman(p: np.ndarray, data: np.ndarray) -> dict[str, Any]:
    """The binary Huffman code built for ``p``, and its expected length on ``data``'s p."""
    from ..codes import huffman

    code = huffman(p)
    return {
        "codewords": [str(c) for c in code.codewords],
        "lengths": [int(n) for n in np.asarray(code.lengths)],
        "expected_length": _num(float(code.expected_length(data))),
    }


def diagram(req: Pair) -> dict[str, Any]:
    """Everything the page shows for p and q: measures, readings, geometry, Huffman codes.

    Lengths and measures are in units of ``req.base``; Huffman lengths are in bits, since
    the code is binary. Infinite values are sent as the string ``"inf"``.

    >>> r = diagram(Pair(p=[1, 1, 1, 1], q=[2, 1, 1, 0], kind="counts"))
    >>> r["p"], r["entropy"], r["cross_entropy"]
    ([0.25, 0.25, 0.25, 0.25], 2.0, 'inf')
    """
    from ..cli.explain import explanation

    p, q = _probs(req)
    d = diagram_data(p, q, req.base)
    top, cap = y_limits(d)
    # The readings are the ones `infobits explain` prints; its sampled codes are left out
    # (samples=0) because this runs on every slider move: sampling has its own endpoint.
    e = explanation(p, q, req.base, samples=0)
    return {
        "k": d.k,
        "unit": d.unit,
        "log": d.log,
        "p": _nums(d.p),
        "q": _nums(d.q),
        "x0": _nums(d.x0),
        "best_length": _nums(d.best_length),
        "code_length": _nums(d.code_length),
        "y_top": _num(top),
        "y_cap": _num(cap),
        "entropy": _num(d.entropy),
        "cross_entropy": _num(d.cross_entropy),
        "kl_divergence": _num(d.kl_divergence),
        "readings": e["readings"],
        "huffman": {"p": _huffman(p, p), "q": _huffman(q, p)},
    }


def sample(req: Sample) -> dict[str, Any]:
    """Draw ``req.n`` symbols from p; encode them with Huffman and arithmetic codes for p
    and for q; report the actual encoded lengths next to the ideal ones.

    ``bytes`` is the size of what each encoder actually wrote. For a Huffman code,
    ``bits`` is the sum of the codeword lengths (the output before padding to whole
    bytes); for the arithmetic code it is 8 × ``bytes``. The ideal length of a sequence
    under a model is Σₜ log₂(1/model(xₜ)); divided by n it tends to H(p) for p and to
    H(p, q) for q. A code for q cannot encode a symbol q gives probability 0: such a row
    has ``bits = "inf"`` and a ``note``. Without a ``seed`` one is drawn and returned, so
    any sample can be repeated.
    """
    from ..codes import codelength, encode, huffman
    from ..measures import cross_entropy, entropy

    p, q = _probs(req)
    seed = req.seed if req.seed is not None else secrets.randbelow(2**53)
    rng = np.random.default_rng(seed)
    # The library accepted p within its sum tolerance; the sampler wants an exact sum.
    symbols = rng.choice(p.size, size=req.n, p=p / p.sum())
    hist = np.bincount(symbols, minlength=p.size)
    rows = []
    ideal = {}
    for model_name, model in (("p", p), ("q", q)):
        missing = np.flatnonzero((hist > 0) & (model == 0))
        note = (
            f"{model_name} gives outcome {int(missing[0])} probability 0, so a code built "
            f"for {model_name} has no codeword for it"
            if missing.size
            else None
        )
        ideal[model_name] = math.inf if note else float(codelength(symbols, model))
        code = huffman(model)
        if note:
            huff_bits, huff_bytes, ac_bits, ac_bytes = math.inf, None, math.inf, None
        else:
            huff_bits = float(np.asarray(code.lengths)[symbols].sum())
            huff_bytes = len(code.encode(symbols))
            ac_bytes = len(encode(symbols, model))
            ac_bits = 8.0 * ac_bytes
        for code_name, bits, nbytes in (
            ("Huffman", huff_bits, huff_bytes),
            ("arithmetic", ac_bits, ac_bytes),
        ):
            rows.append(
                {
                    "code": f"{code_name} code for {model_name}",
                    "model": model_name,
                    "bits": _num(bits),
                    "bytes": nbytes,
                    "bits_per_symbol": _num(bits / req.n),
                    "note": note,
                }
            )
    return {
        "n": req.n,
        "seed": seed,
        "head": [int(s) for s in symbols[:40]],
        "histogram": [int(c) for c in hist],
        "codes": rows,
        "ideal": {k: _num(v) for k, v in ideal.items()},
        "ideal_per_symbol": {k: _num(v / req.n) for k, v in ideal.items()},
        "expected": {
            "entropy": _num(req.n * float(entropy(p))),
            "cross_entropy": _num(req.n * float(cross_entropy(p, q))),
        },
    }
