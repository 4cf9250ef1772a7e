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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The names below are imported on first use, so that importing a submodule that needs
# none of them (the compressor's container, say) does not import NumPy.
_NAMES = {
    **dict.fromkeys(
        [
            "PrefixCode",
            "canonical_code",
            "huffman",
            "implied_probabilities",
            "kraft_holds",
            "kraft_sum",
            "shannon_code",
            "shannon_lengths",
        ],
        "prefix",
    ),
    **dict.fromkeys(["codelength", "decode", "encode"], "stream"),
}

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        value = getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
        globals()[name] = value
        return value
    if name in {"prefix", "stream"}:  # submodules that used to be imported eagerly
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_NAMES})


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
