"""Where a text's bits go: the surprisal of each character under a model, beside the
length of the real arithmetic-coded stream, computed once for every front end.

A model that predicts each next symbol from the ones before it is a code: the symbol
xₜ costs −log₂ q(xₜ | x<ₜ) bits, and an arithmetic coder writes the whole text in
Σₜ −log₂ q(xₜ | x<ₜ) bits plus a few bits of flush. :func:`text_bits` runs one of these
models over a text, keeps each symbol's surprisal, codes the text for real, and returns
a :class:`TextBits` with both lengths and the gap between them.

Every model here codes bytes, the text's UTF-8 encoding. A character is a Unicode code
point; its bits are the sum of the surprisals of its UTF-8 bytes (one to four of them),
which is −log₂ of the model's probability of the whole character, by the chain rule.

The models:

* ``order0`` .. ``order3``: adaptive order-k counts. The next byte after the context c
  (the previous k bytes; fewer at the start of the text) has probability
  q(x | c) = (n_c(x) + 1/2) / (n_c + 128), where n_c(x) counts how often x followed c so
  far: the Krichevsky–Trofimov estimator over 256 byte values, learning as it goes, so
  the decoder can rebuild every probability from the bytes already decoded. The text is
  coded with :func:`infobits.codes.encode`, one probability row per byte.
* ``mix``: the compressor behind ``infobits compress`` (:mod:`infobits.codes.adaptive`,
  at its default order 5): counters for orders 0 to 5 and a match model, blended bit by
  bit by a logistic mixer. Its bits are the model's own ideal code length, byte by byte,
  and the stream is what :func:`infobits.codes.adaptive.compress_bytes` writes.
* ``crosscode``: the order-0 code built from another text B
  (:mod:`infobits.codes.crosscode`): q(x) = (c_B(x) + 1/2) / (n_B + 128), fixed. It comes
  with H(A), H(A, B) and D(A‖B), in bits per byte of A.

References: Cover & Thomas, *Elements of Information Theory*, 2nd ed., §13.3 (arithmetic
coding attains −log q(xⁿ) + 2 bits); R. Krichevsky and V. Trofimov, "The performance of
universal encoding", IEEE Trans. Inf. Theory 27 (1981).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .codes import adaptive, container, encode
from .codes.crosscode import CrossCode, byte_model, crosscode

__all__ = [
    "ALPHA",
    "MAX_CHARS",
    "MIX_ORDER",
    "MODELS",
    "ModelName",
    "TextBits",
    "adaptive_rows",
    "text_bits",
    "utf8_lengths",
]

ModelName = Literal["order0", "order1", "order2", "order3", "mix", "crosscode"]

#: The models :func:`text_bits` knows, with a one-line description of each.
MODELS: dict[str, str] = {
    "order0": "adaptive order 0: byte counts so far, (n(x) + 1/2) / (n + 128)",
    "order1": "adaptive order 1: counts of each byte after the previous byte",
    "order2": "adaptive order 2: counts of each byte after the previous 2 bytes",
    "order3": "adaptive order 3: counts of each byte after the previous 3 bytes",
    "mix": "the compressor's context-mixing model (infobits compress, order 5)",
    "crosscode": "the order-0 code built from another text B",
}

#: Most characters (Unicode code points) a text may have; at most 4 UTF-8 bytes each.
MAX_CHARS = 5000
#: The Krichevsky–Trofimov pseudo-count of every byte value, for order-k and crosscode.
ALPHA = 0.5
#: The context order of the ``mix`` model: the compressor's default (``--model order5``).
MIX_ORDER = 5

#: How multi-byte characters are counted, in words, for every front end to repeat.
COUNTING = (
    "a character is a Unicode code point; the models code its UTF-8 bytes (1 to 4), and "
    "its bits are the sum of its bytes' bits"
)


@dataclass(frozen=True)
class TextBits:
    """A text coded under one model.

    ``bits[i]`` is the surprisal of character i (a code point) in bits, the sum of
    ``byte_bits`` over its ``char_bytes[i]`` UTF-8 bytes; ``ideal_bits`` = Σ bits =
    −log₂ q(text); ``coded_bits`` is 8 × the bytes the arithmetic coder wrote.
    For ``crosscode``, ``cross`` holds the numbers of :func:`infobits.codes.crosscode.crosscode`
    (H(A), H(A, B), D(A‖B) in bits per byte of A). Shapes: ``bits`` and ``char_bytes``
    (n_chars,); ``byte_bits`` (n_bytes,).
    """

    model: str
    text: str = field(repr=False)
    bits: np.ndarray = field(repr=False)
    byte_bits: np.ndarray = field(repr=False)
    char_bytes: np.ndarray = field(repr=False)
    ideal_bits: float
    coded_bits: int
    cross: CrossCode | None = None

    @property
    def n_chars(self) -> int:
        """Number of characters (code points)."""
        return int(self.bits.size)

    @property
    def n_bytes(self) -> int:
        """Number of UTF-8 bytes the models code."""
        return int(self.byte_bits.size)

    @property
    def gap_bits(self) -> float:
        """What the real stream costs beyond the ideal: ``coded_bits - ideal_bits``
        (the coder's flush, its rounding to whole bytes or words, and the quantising of
        probabilities)."""
        return self.coded_bits - self.ideal_bits

    def as_dict(self) -> dict[str, Any]:
        """Every field and derived number, for JSON (arrays as lists)."""
        n = self.n_chars
        out: dict[str, Any] = {
            "model": self.model,
            "description": MODELS[self.model],
            "n_chars": n,
            "n_bytes": self.n_bytes,
            "bits": self.bits.tolist(),
            "char_bytes": self.char_bytes.tolist(),
            "ideal_bits": self.ideal_bits,
            "coded_bits": self.coded_bits,
            "gap_bits": self.gap_bits,
            "bits_per_char": self.ideal_bits / n if n else 0.0,
            "coded_bits_per_char": self.coded_bits / n if n else 0.0,
            "counting": COUNTING,
            "max_chars": MAX_CHARS,
        }
        if self.cross is not None:
            out["crosscode"] = self.cross.as_dict()
        return out


def utf8_lengths(text: str, name: str = "text") -> np.ndarray:
    """The number of UTF-8 bytes of each code point of ``text``, shape (n_chars,).

    A lone surrogate (U+D800..U+DFFF, half of a UTF-16 pair) is not a character and has
    no UTF-8 encoding, so it is refused with its position.

    >>> utf8_lengths("aé€😀").tolist()
    [1, 2, 3, 4]
    """
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a string, got {type(text).__name__}")
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    sur = (cps >= 0xD800) & (cps <= 0xDFFF)
    if sur.any():
        i = int(np.argmax(sur))
        raise ValueError(
            f"{name}[{i}] is a lone surrogate U+{int(cps[i]):04X}, half of a UTF-16 pair, "
            "which is no character and has no UTF-8 encoding; send the whole pair (one "
            "code point) or remove it"
        )
    return (1 + (cps >= 0x80) + (cps >= 0x800) + (cps >= 0x10000)).astype(np.int64)


def adaptive_rows(data: bytes, order: int, alpha: float = ALPHA) -> np.ndarray:
    """The adaptive order-k model's prediction for each byte of ``data``, shape (n, 256).

    Row t is q(· | c) = (n_c(·) + α) / (n_c + 256α), the counts taken over bytes 0..t-1
    whose context (the ``order`` bytes before them, fewer at the start) equals c, the
    context of byte t. Nothing depends on bytes from t on, so a decoder can rebuild
    every row.

    >>> rows = adaptive_rows(b"aa", 0)
    >>> float(rows[0, 97] * 256), float(rows[1, 97] * 257)
    (1.0, 3.0)
    """
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        raise ValueError(f"order must be a whole number >= 0, got {order!r}")
    if not math.isfinite(alpha) or alpha <= 0:
        raise ValueError(f"alpha = {alpha} must be a finite number > 0 (1/2 is the KT estimator)")
    raw = bytes(data)
    rows = np.empty((len(raw), 256), dtype=np.float64)
    counts: dict[bytes, np.ndarray] = {}
    for t, x in enumerate(raw):
        ctx = raw[max(0, t - order) : t]
        c = counts.get(ctx)
        if c is None:
            c = counts[ctx] = np.zeros(256, dtype=np.float64)
        # the counts are whole numbers below 2^53: the sum is exact in any order
        rows[t] = (c + alpha) / (c.sum() + 256 * alpha)
        c[x] += 1.0
    return rows


def text_bits(
    text: str, model: str = "order0", like: str | None = None, *, max_chars: int = MAX_CHARS
) -> TextBits:
    """Code ``text`` with ``model``; each character's bits, the ideal and the real length.

    ``model`` is one of :data:`MODELS`; ``crosscode`` needs ``like``, the text B whose
    order-0 code is used (and refuses it otherwise). ``ideal_bits`` = Σₜ −log₂ q(xₜ | x<ₜ)
    over the UTF-8 bytes; ``coded_bits`` is the arithmetic coder's output, 8 × its bytes,
    within 0.1% + 64 bits of the ideal. Texts are at most ``max_chars`` code points.

    >>> r = text_bits("abab", "order0")
    >>> [round(float(b), 4) for b in r.bits]  # 256, 129/0.5, 130/1.5, 131/1.5
    [8.0, 8.0112, 6.4374, 6.4485]
    >>> round(r.ideal_bits, 4), r.coded_bits
    (28.8971, 32)
    >>> text_bits("🙂", "order0").char_bytes.tolist()
    [4]

    Reference: Cover & Thomas, *Elements of Information Theory*, 2nd ed., §13.3.
    """
    if model not in MODELS:
        raise ValueError(f"model {model!r} is not known; use one of {', '.join(MODELS)}")
    lengths = _checked(text, "text", max_chars)
    if lengths.size == 0:
        raise ValueError("text is empty; type or paste at least one character to code")
    if model == "crosscode":
        if like is None:
            raise ValueError("the crosscode model needs a second text, like (text B)")
        _checked(like, "like", max_chars)
    elif like is not None:
        raise ValueError(f"like (a second text) is only used by the crosscode model, not {model}")
    raw = text.encode("utf-8")
    sym = np.frombuffer(raw, dtype=np.uint8)
    cross = None
    if model == "mix":
        params = adaptive.model_params(MIX_ORDER, len(raw), version=container.DEFAULT_MODEL)
        payload, _ = adaptive.compress_bytes(raw, params)
        byte_bits = adaptive.byte_costs(raw, params)
        coded = 8 * len(payload)
    elif model == "crosscode":
        assert like is not None
        q = byte_model(like.encode("utf-8"), ALPHA)
        byte_bits = -np.log2(q[sym])
        cross = crosscode(raw, like.encode("utf-8"), ALPHA)
        coded = cross.arithmetic_cross_bits
    else:
        rows = adaptive_rows(raw, int(model[5:]), ALPHA)
        byte_bits = -np.log2(rows[np.arange(sym.size), sym])
        coded = 8 * len(encode(sym, rows, check=False))
    byte_bits = byte_bits + 0.0  # a certain byte costs 0.0 bits, not -0.0
    owner = np.repeat(np.arange(lengths.size), lengths)
    bits = np.bincount(owner, weights=byte_bits, minlength=lengths.size)
    return TextBits(
        model=model,
        text=text,
        bits=bits,
        byte_bits=byte_bits,
        char_bytes=lengths,
        ideal_bits=math.fsum(bits.tolist()),
        coded_bits=int(coded),
        cross=cross,
    )


def _checked(text: Any, name: str, max_chars: int) -> np.ndarray:
    lengths = utf8_lengths(text, name)
    if lengths.size > max_chars:
        raise ValueError(
            f"{name} has {lengths.size} characters (code points); at most {max_chars} are "
            "coded at once, so shorten it"
        )
    return lengths
