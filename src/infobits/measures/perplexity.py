"""Perplexity: the size of a uniform alphabet that would cost as much to code.

A code of H bits a symbol costs as much as a uniform choice among 2^H outcomes, so
perplexity turns code length back into an effective number of choices.
"""

from __future__ import annotations

from typing import Any

from ._dispatch import engine, options

__all__ = ["perplexity"]


def perplexity(
    p: Any,
    q: Any = None,
    *,
    axis: int = -1,
    keepdims: bool = False,
    check: bool = True,
) -> Any:
    r"""Perplexity b^H(p), or b^H(p, q) when q is given.

    It is the same number in every base (2^bits = e^nats), so it takes no ``base``: it
    counts outcomes, not bits. A uniform distribution over K outcomes has perplexity K.

    Args:
        p: the data distribution (probabilities or a wrapped kind), outcomes on ``axis``.
        q: the model; when given, the result is the perplexity of q on data from p, the
            quantity language models report.
        axis, keepdims, check: as in :func:`infobits.entropy`.

    Returns:
        exp(H) with H in nats: shape of the (broadcast) input without ``axis``.

    >>> import infobits as ib
    >>> float(ib.perplexity([0.25] * 4))
    4.0
    >>> float(ib.perplexity([1/8] * 8, [1/2, 1/4, 1/8, 1/16, 1/64, 1/64, 1/64, 1/64]))
    19.027313840043536

    Reference: F. Jelinek et al., "Perplexity—a measure of the difficulty of speech
    recognition tasks", J. Acoust. Soc. Am. 62, 1977.
    """
    options(2, axis, check, keepdims)
    return engine(p, q).perplexity(p, q, axis=axis, keepdims=keepdims, check=check)
