"""Real codes on sampled data: draw n symbols from p, code them with Huffman's code and
an arithmetic code for p and for q, and count the bits each really wrote.

Every count is split into three named terms, so that nothing is left unexplained:

    bits = ideal + rounding + overhead

* ``ideal``: Σₜ log₂ 1/model(xₜ), the sample's own information under the model;
* ``rounding``: what Huffman's whole-bit codewords add to it, Σₜ lengthₜ − ideal (either
  sign on data the code was not built for; 0 for the arithmetic code, which spends
  fractional bits);
* ``overhead``: what closing the stream costs, the padding of the last byte and, for the
  arithmetic coder, its final flush (up to two 32-bit words) and the rounding of the
  model to the coder's 24-bit probabilities. It does not grow with n.

This is what ``infobits explain`` and the explorer show next to the measures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._extras import install_hint
from .._inputs import Kind, prepare
from .prefix import PrefixCode, huffman
from .stream import codelength, encode

__all__ = ["CodedSample", "code_sample", "draw", "sampled_code_lengths"]


def _probabilities(p: Any, name: str) -> np.ndarray:
    prep = prepare(p, name, -1)
    return np.asarray(prep.probs() if prep.kind is not Kind.PROBS else prep.values, np.float64)


def _check_n(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise ValueError(f"n = {n!r} must be a whole number of samples >= 0")
    return int(n)


def draw(p: Any, n: int, seed: int = 0) -> np.ndarray:
    """``n`` symbols drawn from ``p`` with NumPy's ``default_rng(seed)``, by inverse CDF.

    Each draw u ~ U[0, 1) picks the first outcome whose cumulative sum exceeds
    u · Σp; p is used as given, never renormalised. An outcome of probability 0 is never
    drawn. Shapes: p (K,) -> (n,) int64.

    >>> x = draw([0.5, 0.5, 0.0], 1000, seed=1)
    >>> x.shape, bool((x == 2).any()), 400 < int((x == 0).sum()) < 600
    ((1000,), False, True)
    """
    n = _check_n(n)
    pv = _probabilities(p, "p")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed = {seed!r} must be a whole number >= 0")
    rng = np.random.default_rng(int(seed))
    cdf = np.cumsum(pv)
    x = np.minimum(np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right"), pv.size - 1)
    while np.any(pv[x] == 0):  # only at float edges of the cumulative sums
        bad = pv[x] == 0
        x[bad] = np.minimum(
            np.searchsorted(cdf, rng.random(int(bad.sum())) * cdf[-1], side="right"),
            pv.size - 1,
        )
    return x.astype(np.int64)


@dataclass(frozen=True)
class CodedSample:
    """One code's real output on one sample, in bits: ``bits = ideal + rounding +
    overhead``.

    ``code`` names it ("Huffman code for q"), ``kind`` is "huffman" or "arithmetic",
    ``model`` is "p" or "q". ``bytes`` is what the encoder wrote and ``bits`` is 8 ×
    ``bytes``. When the code cannot be run, ``bytes`` is None and ``note`` says why:
    the model gives probability 0 to a symbol that was drawn (``bits`` and ``ideal`` are
    then ``inf``), or the coder is not installed (``bits`` is ``nan``).
    """

    code: str
    kind: str
    model: str
    n: int
    bytes: int | None
    bits: float
    ideal: float
    rounding: float | None
    overhead: float | None
    note: str | None = None

    def per_symbol(self, bits: float | None) -> float | None:
        """``bits`` divided by the sample size (``None`` stays ``None``)."""
        if bits is None or self.n == 0:
            return None
        return bits / self.n

    def as_dict(self) -> dict[str, Any]:
        """The fields, and each term per symbol, as plain numbers."""
        return {
            "code": self.code,
            "kind": self.kind,
            "model": self.model,
            "bytes": self.bytes,
            "bits": self.bits,
            "ideal": self.ideal,
            "rounding": self.rounding,
            "overhead": self.overhead,
            "bits_per_symbol": self.per_symbol(self.bits),
            "ideal_per_symbol": self.per_symbol(self.ideal),
            "rounding_per_symbol": self.per_symbol(self.rounding),
            "overhead_per_symbol": self.per_symbol(self.overhead),
            "note": self.note,
        }


def code_sample(
    symbols: Any, models: dict[str, Any], codes: dict[str, PrefixCode] | None = None
) -> list[CodedSample]:
    """Code ``symbols`` with Huffman's code and an arithmetic code for each model.

    ``models`` maps a name ("p", "q") to a distribution (K,); ``codes`` may give the
    Huffman codes already built for them. Returns, per model, the Huffman row then the
    arithmetic row (see :class:`CodedSample`).

    >>> rows = code_sample([0, 1, 2, 0], {"p": [0.5, 0.25, 0.25]})
    >>> [(r.code, r.bits, r.ideal, r.rounding, r.overhead) for r in rows][0]
    ('Huffman code for p', 8.0, 6.0, 0.0, 2.0)
    """
    x = np.asarray(symbols)
    n = int(x.size)
    rows: list[CodedSample] = []
    for name, model in models.items():
        mv = _probabilities(model, name)
        code = (codes or {}).get(name) or huffman(mv)
        hist = np.bincount(x, minlength=mv.size)
        missing = np.flatnonzero((hist > 0) & (mv == 0))
        if missing.size:
            note = (
                f"{name} gives outcome {int(missing[0])} probability 0, so a code built for "
                f"{name} has no codeword for it"
            )
            for kind in ("Huffman", "arithmetic"):
                rows.append(
                    CodedSample(
                        code=f"{kind} code for {name}",
                        kind=kind.lower(),
                        model=name,
                        n=n,
                        bytes=None,
                        bits=math.inf,
                        ideal=math.inf,
                        rounding=None,
                        overhead=None,
                        note=note,
                    )
                )
            continue
        ideal = float(codelength(x, mv)) + 0.0  # no -0.0 from log(1/1)
        words = float(code.codelength(x))
        nbytes = len(code.encode(x))
        rows.append(
            CodedSample(
                code=f"Huffman code for {name}",
                kind="huffman",
                model=name,
                n=n,
                bytes=nbytes,
                bits=8.0 * nbytes,
                ideal=ideal,
                rounding=words - ideal,
                overhead=8.0 * nbytes - words,
            )
        )
        try:
            nbytes = len(encode(x, mv))
        except ImportError:  # constriction, of the codes extra, is not installed
            rows.append(
                CodedSample(
                    code=f"arithmetic code for {name}",
                    kind="arithmetic",
                    model=name,
                    n=n,
                    bytes=None,
                    bits=math.nan,
                    ideal=ideal,
                    rounding=None,
                    overhead=None,
                    note=f"the arithmetic coder needs {install_hint('codes')}",
                )
            )
            continue
        rows.append(
            CodedSample(
                code=f"arithmetic code for {name}",
                kind="arithmetic",
                model=name,
                n=n,
                bytes=nbytes,
                bits=8.0 * nbytes,
                ideal=ideal,
                rounding=0.0,
                overhead=8.0 * nbytes - ideal,
            )
        )
    return rows


def sampled_code_lengths(p: Any, q: Any, n: int = 100_000, seed: int = 0) -> list[CodedSample]:
    """Draw ``n`` symbols from ``p`` (:func:`draw`) and code them for p and for q
    (:func:`code_sample`). Shapes: p, q (K,).

    >>> rows = sampled_code_lengths([0.5, 0.25, 0.25], [0.25, 0.25, 0.5], n=4000)
    >>> hp = rows[0]  # Huffman for p: dyadic p, so no rounding, only the last byte
    >>> hp.code, hp.rounding, hp.overhead < 8
    ('Huffman code for p', 0.0, True)
    >>> aq = rows[3]
    >>> aq.code, math.isclose(aq.bits, aq.ideal + aq.overhead), 0 <= aq.overhead <= 72
    ('arithmetic code for q', True, True)

    Reference: Cover & Thomas, *Elements of Information Theory*, 2nd ed., §5.4, §5.8
    and §13.3.
    """
    return code_sample(draw(p, n, seed), {"p": p, "q": q})
