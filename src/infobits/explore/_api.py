"""The explorer's JSON API: every number the page shows, from the explanation model.

The page only draws. It sends the weights of p and q; this module checks the request's
types (strictly: a number must be a JSON number, never a string or a boolean), asks
:func:`infobits.explain.explanation` for everything, and lays the answer out for the
page. It computes nothing of its own, so the page shows what ``infobits explain`` prints
and what ``ib.plot`` draws. Input is bounded (K, sample size, request size) so that a
page left open cannot be made to exhaust the machine.
"""

from __future__ import annotations

import secrets
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from .. import _units
from .._inputs import counts as as_counts
from .._json import jsonable
from ..explain import Explanation, explanation
from ..textbits import MAX_CHARS, MODELS, text_bits

__all__ = [
    "MAX_BODY",
    "MAX_HEADERS",
    "MAX_K",
    "MAX_N",
    "MAX_TEXT_BODY",
    "PRESETS",
    "Pair",
    "Sample",
    "TextRequest",
    "diagram",
    "sample",
    "text",
]

#: Most outcomes a request may have: the page offers 2 to 16.
MAX_K = 16
#: Most symbols one sample request may draw and encode.
MAX_N = 200_000
#: Largest request body accepted, in bytes; 16 outcomes of any float fit many times over.
MAX_BODY = 8192
#: Largest body of a ``/api/text`` request: two texts of ``MAX_CHARS`` code points, each
#: written as JSON's 12-byte escape of a UTF-16 pair in the worst case, with room to spare.
MAX_TEXT_BODY = 2 * 12 * MAX_CHARS + 11_000
#: Largest total size of a request's headers, in bytes; a browser sends well under 2 KB.
MAX_HEADERS = 8192

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
    normalises; ``kind="probabilities"`` takes probabilities that must sum to 1. Types
    are strict: p and q hold JSON numbers, ``base`` is a number or a unit name ("bits",
    "nats", "e", "bans").
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    p: list[float] = Field(min_length=2, max_length=MAX_K)
    q: list[float] = Field(min_length=2, max_length=MAX_K)
    kind: Literal["probabilities", "counts"] = "probabilities"
    base: float | str = "bits"


class Sample(Pair):
    """A request to draw ``n`` symbols from p and encode them with codes for p and q."""

    n: int = Field(default=1000, ge=1, le=MAX_N)
    # 2^53 - 1: the largest integer a browser's JSON numbers hold exactly.
    seed: int | None = Field(default=None, ge=0, le=2**53 - 1)


def _explain(req: Pair, samples: int = 0, seed: int = 0) -> Explanation:
    if len(req.p) != len(req.q):
        raise ValueError(
            f"p has {len(req.p)} outcomes but q has {len(req.q)}; give one value per outcome"
        )
    p, q = (np.asarray(v, dtype=np.float64) for v in (req.p, req.q))
    if req.kind == "counts":
        return explanation(as_counts(p), as_counts(q), req.base, samples, seed)
    return explanation(p, q, req.base, samples, seed)


def diagram(req: Pair) -> dict[str, Any]:
    """Everything the page shows for p and q: measures, readings, geometry, Huffman codes.

    Lengths and measures are in units of ``req.base``; Huffman lengths are in bits, since
    the code is binary. Infinite values are sent as the string ``"inf"``.

    >>> r = diagram(Pair(p=[1, 1, 1, 1], q=[2, 1, 1, 0], kind="counts"))
    >>> r["p"], r["entropy"], r["cross_entropy"]
    ([0.25, 0.25, 0.25, 0.25], 2.0, 'inf')
    """
    e = _explain(req)
    return jsonable(
        {
            "k": e.k,
            "unit": e.unit,
            "log": e.log,
            "p": e.p,
            "q": e.q,
            "x0": e.x0,
            "best_length": e.best_length,
            "code_length": e.code_length,
            "contribution": e.contribution,
            "y_top": e.y_top,
            "y_cap": e.y_cap,
            "entropy": e.entropy,
            "cross_entropy": e.cross_entropy,
            "kl_divergence": e.kl_divergence,
            "readings": e.readings,
            "huffman": e.huffman(),
        }
    )


def sample(req: Sample) -> dict[str, Any]:
    """Draw ``req.n`` symbols from p; encode them with Huffman's and an arithmetic code
    for p and for q; report what each wrote as ideal + rounding + overhead.

    Each row of ``codes`` is a :class:`infobits.codes.sampled.CodedSample`: ``bits`` is
    8 × the ``bytes`` the encoder wrote, ``ideal`` is Σₜ log₂(1/model(xₜ)), ``rounding``
    what Huffman's whole-bit codewords add, and ``overhead`` the padding of the last
    byte and, for the arithmetic coder, its flush. A code for q cannot encode a symbol q
    gives probability 0: such a row has ``bits = "inf"`` and a ``note``. ``expected``
    gives n·H(p) and n·H(p, q) in bits. Without a ``seed`` one is drawn and returned, so
    any sample can be repeated.
    """
    _units.log_of_base(req.base)  # sampled bits are in bits, but a bad base is still refused
    seed = req.seed if req.seed is not None else secrets.randbelow(2**53)
    e = _explain(req.model_copy(update={"base": "bits"}), req.n, seed)
    if e.sample is None:  # pragma: no cover - n >= 1 is checked with the request
        raise ValueError("n must be at least 1")
    out = e.sample.as_dict()
    out["expected"] = {"entropy": req.n * e.entropy, "cross_entropy": req.n * e.cross_entropy}
    return jsonable(out)


class TextRequest(BaseModel):
    """A request to code a text with one model (:func:`infobits.textbits.text_bits`).

    ``model`` is ``order0`` .. ``order3``, ``mix`` or ``crosscode``; ``like`` is the
    second text B, for ``crosscode`` only. Each text is at most
    :data:`infobits.textbits.MAX_CHARS` code points; the library checks the values and
    says what is wrong, the request only its types.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    text: str
    model: str = "order0"
    like: str | None = None


def text(req: TextRequest) -> dict[str, Any]:
    """Each character's surprisal under the model, Σ −log₂ q and the real coded length.

    ``bits`` holds one value per character (Unicode code point), the sum of the bits of
    its UTF-8 bytes (``char_bytes`` says how many); ``ideal_bits`` is their sum,
    ``coded_bits`` what the arithmetic coder wrote, ``gap_bits`` the difference. For
    ``crosscode``, ``crosscode`` adds H(A), H(A, B) and D(A‖B) in bits per byte.

    >>> r = text(TextRequest(text="aé", model="order0"))
    >>> r["char_bytes"], [round(b, 3) for b in r["bits"]], r["coded_bits"]
    ([1, 2], [8.0, 16.034], 32)
    """
    return jsonable(text_bits(req.text, req.model, req.like).as_dict())


#: The models the page offers, in order, with their descriptions.
TEXT_MODELS = [{"id": k, "description": v} for k, v in MODELS.items()]
