"""Real codes on sampled data: draw n symbols from p, code them with p's Huffman code,
q's Huffman code and an arithmetic code under q, and count the bits. This is what
``infobits explain`` shows next to the table: Huffman lands within a bit of the entropy
or cross-entropy, and the arithmetic code lands on the cross-entropy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._inputs import Kind, prepare
from .prefix import huffman
from .stream import codelength, encode

__all__ = ["sampled_code_lengths"]


def sampled_code_lengths(p: Any, q: Any, n: int = 100_000, seed: int = 0) -> dict[str, Any]:
    """Bits per symbol of three real codes on ``n`` samples from ``p`` (a fixed ``seed``).

    Returns a dict: ``huffman_q`` (codewords and lengths of q's Huffman code, and
    ``coded``: whether each outcome has a codeword; one with q = 1 has the empty one),
    ``samples``, ``seed``, and ``bits_per_symbol`` with ``huffman_p``, ``huffman_q``,
    ``arithmetic_q`` (real streams, whole bytes) and ``ideal_p`` = -log2 p(xⁿ)/n and
    ``ideal_q`` = -log2 q(xⁿ)/n, the sample's own entropy and cross-entropy. A code that
    cannot code the sample (q gives probability 0 to a symbol that occurred) gives
    ``None``. Shapes: p, q (K,).

    >>> r = sampled_code_lengths([0.5, 0.25, 0.25], [0.25, 0.25, 0.5], n=4000)
    >>> r["huffman_q"]["codewords"]
    ['10', '11', '0']
    >>> b = r["bits_per_symbol"]
    >>> b["ideal_p"] <= b["huffman_p"] < b["ideal_p"] + 0.01  # dyadic p: Huffman is exact
    True
    >>> abs(b["arithmetic_q"] - b["ideal_q"]) < 0.01
    True

    Reference: Cover & Thomas, *Elements of Information Theory*, 2nd ed., §5.4, §5.8
    and §13.3.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise ValueError(f"n = {n!r} must be a whole number of samples >= 0")
    pp = prepare(p, "p", -1)
    pv = np.asarray(pp.probs() if pp.kind is not Kind.PROBS else pp.values, dtype=np.float64)
    code_q = huffman(q)
    out: dict[str, Any] = {
        "unit": "bits",
        "samples": int(n),
        "seed": int(seed),
        "huffman_q": {
            "codewords": list(code_q.codewords),
            "lengths": code_q.lengths.tolist(),
            "coded": code_q.coded.tolist(),
        },
    }
    bits: dict[str, float | None] = dict.fromkeys(
        ("ideal_p", "huffman_p", "ideal_q", "huffman_q", "arithmetic_q")
    )
    out["bits_per_symbol"] = bits
    if n == 0:
        return out
    rng = np.random.default_rng(seed)
    # inverse-CDF sampling on p's own cumulative sums: no renormalisation of p
    cdf = np.cumsum(pv)
    x = np.minimum(np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right"), pv.size - 1)
    while np.any(pv[x] == 0):  # only at float edges of the cumulative sums
        bad = pv[x] == 0
        x[bad] = np.minimum(
            np.searchsorted(cdf, rng.random(int(bad.sum())) * cdf[-1], side="right"),
            pv.size - 1,
        )
    bits["ideal_p"] = codelength(x, pv) / n + 0.0  # no -0.0 from log(1/1)
    bits["huffman_p"] = 8 * len(huffman(pv).encode(x)) / n
    if np.all(code_q.coded[x]):
        bits["ideal_q"] = codelength(x, q) / n + 0.0
        bits["huffman_q"] = 8 * len(code_q.encode(x)) / n
        try:
            bits["arithmetic_q"] = 8 * len(encode(x, q)) / n
        except ImportError:  # constriction (the codes extra) is not installed
            bits["arithmetic_q"] = None
    return out
