"""Codes: every cross-entropy as a real bitstream of that length.

Prefix codes (:func:`huffman`, :func:`shannon_lengths`, :func:`canonical_code`) turn a
distribution into codewords; stream codes (:func:`encode`, :func:`decode`) write a whole
sequence in -log2 q(x^n) bits, as :func:`codelength` predicts; :mod:`.adaptive` is a
context-mixing byte compressor and :mod:`.container` its file format; :mod:`.crosscode`
codes one file with the code built for another. The coders (constriction, numba) are
imported only when used: ``pip install 'infobits[codes]'``.

>>> import infobits as ib
>>> code = ib.codes.huffman([0.5, 0.25, 0.25])
>>> code.codewords
['0', '10', '11']
"""

from .prefix import (
    PrefixCode,
    canonical_code,
    huffman,
    implied_probabilities,
    kraft_holds,
    kraft_sum,
    shannon_code,
    shannon_lengths,
)
from .stream import codelength, decode, encode

__all__ = [
    "PrefixCode",
    "canonical_code",
    "codelength",
    "decode",
    "encode",
    "huffman",
    "implied_probabilities",
    "kraft_holds",
    "kraft_sum",
    "shannon_code",
    "shannon_lengths",
]
