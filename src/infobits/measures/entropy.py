"""Entropy and self-information: the length of the best code, and of one codeword.

An outcome of probability q takes log(1/q) units to report (its self-information); the
entropy H(p) is that length averaged over p, the expected length of the best code.
"""

from __future__ import annotations

from typing import Any

from .._units import Base
from ._dispatch import engine, options

__all__ = ["entropy", "self_information"]


def entropy(
    p: Any,
    *,
    base: Base = 2,
    axis: int = -1,
    keepdims: bool = False,
    check: bool = True,
) -> Any:
    r"""Shannon entropy H(p) = Σᵢ pᵢ log(1/pᵢ), in bits by default.

    The expected length of the best code for outcomes drawn from p. Zero-probability
    outcomes contribute nothing (0·log(1/0) = 0).

    Args:
        p: probabilities, or ``ib.logits``, ``ib.log_probs`` or ``ib.counts``;
            shape ``(..., K, ...)`` with the K outcomes along ``axis``.
        base: 2 (bits, the default), ``math.e`` or ``"nats"``, 10 or ``"bans"``, or any
            number > 0 other than 1.
        axis: the outcome axis. keepdims: keep it with length 1.
        check: validate ``p`` (finite, >= 0, sums to 1 within
            :func:`infobits.sum_tolerance`). ``check=False`` skips this for speed; invalid
            input then gives an undefined result.

    Returns:
        The entropy in units of ``base``: shape of ``p`` without ``axis``; a scalar for
        1-D input. float32 input gives float32, float16 accumulates in float32.

    JAX on the CPU flushes subnormal numbers (below 2.2e-308) to zero, so a probability
    that small is a zero there and its term (under 2e-305 nats) is lost where NumPy and
    PyTorch keep it; pass such distributions as ``ib.log_probs`` (or ``ib.logits``).

    Raises:
        DistributionError: p is not a distribution. TypeError: p is not floating point.

    >>> import infobits as ib
    >>> float(ib.entropy([0.5, 0.25, 0.25]))
    1.5
    >>> ib.entropy([[0.5, 0.5], [1.0, 0.0]])
    array([1., 0.])
    >>> float(ib.entropy(ib.counts([1, 1, 1, 1]), base="nats"))  # ln 4
    1.3862943611198906

    Reference: C. E. Shannon, "A Mathematical Theory of Communication", 1948, §6.
    """
    options(base, axis, check, keepdims)
    return engine(p).entropy(p, base=base, axis=axis, keepdims=keepdims, check=check)


def self_information(q: Any, *, base: Base = 2, axis: int = -1, check: bool = True) -> Any:
    r"""Self-information (surprisal) I(x) = log(1/q(x)), elementwise, in bits by default.

    The length of the ideal codeword for an outcome of probability q: 1 bit for 1/2,
    2 bits for 1/4, n bits for 2⁻ⁿ. An impossible outcome (q = 0) costs +inf.

    Args:
        q: probabilities in [0, 1], any shape (each a single event's probability; they
            need not sum to 1). Or ``ib.logits`` / ``ib.log_probs`` / ``ib.counts``, which
            are normalised along ``axis`` first.
        base: unit as in :func:`entropy`. axis: outcome axis for wrapped inputs only.
        check: validate q (finite, in [0, 1]).

    Returns:
        An array of the same shape as ``q`` (a scalar for scalar input), in units of base.

    >>> import infobits as ib
    >>> ib.self_information([0.5, 0.25, 0.125, 0.0])
    array([ 1.,  2.,  3., inf])
    >>> float(ib.self_information(0.1, base=10))
    1.0

    Reference: I. Goodfellow, Y. Bengio, A. Courville, *Deep Learning*, 2016, §3.13.
    """
    options(base, axis, check)
    return engine(q).self_information(q, base=base, axis=axis, check=check)
