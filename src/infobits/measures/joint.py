"""Measures of two variables from their joint table p(x, y).

Coding X and Y together costs H(X, Y); knowing X first leaves H(Y|X) to send; and the
bits that knowing one saves on the other are the mutual information
I(X; Y) = D(p(x, y) ‖ p(x)p(y)), the waste of coding them as if they were independent.
"""

from __future__ import annotations

from typing import Any

from .._units import Base
from ._dispatch import engine, options

__all__ = ["conditional_entropy", "joint_entropy", "mutual_information"]


def _table_options(base: Base, axes: Any, check: Any, keepdims: Any) -> None:
    options(base, axes, check, keepdims, axis_name="axes")
    if not isinstance(axes, tuple | list) or len(axes) != 2:
        raise ValueError(f"axes must name two axes (X, Y) of the joint table, got {axes!r}")


def joint_entropy(
    pxy: Any,
    *,
    base: Base = 2,
    axes: tuple[int, int] = (-2, -1),
    keepdims: bool = False,
    check: bool = True,
) -> Any:
    r"""Joint entropy H(X, Y) = Σ p(x, y) log(1/p(x, y)), in bits by default.

    Args:
        pxy: the joint table, shape ``(..., Kx, Ky)`` with X and Y on ``axes``; the
            entries over both axes sum to 1. Or ``ib.counts(table)`` (a contingency
            table), ``ib.logits`` or ``ib.log_probs`` normalised over both axes.
        base: unit as in :func:`infobits.entropy`. axes: the (X, Y) axes.
        keepdims: keep both axes with length 1. check: validate the table.

    Returns:
        H(X, Y), shape of ``pxy`` without ``axes``.

    >>> import infobits as ib
    >>> float(ib.joint_entropy([[0.25, 0.25], [0.25, 0.25]]))
    2.0

    Reference: Cover & Thomas 2006, §2.2.
    """
    _table_options(base, axes, check, keepdims)
    return engine(pxy).joint_entropy(pxy, base=base, axes=axes, keepdims=keepdims, check=check)


def conditional_entropy(
    pxy: Any,
    *,
    base: Base = 2,
    axes: tuple[int, int] = (-2, -1),
    keepdims: bool = False,
    check: bool = True,
) -> Any:
    r"""Conditional entropy H(Y | X) = Σ p(x, y) log(p(x)/p(x, y)), bits by default.

    What is left to code of Y once X is known. X is the first of ``axes`` (rows by
    default) and Y the second; for H(X | Y) pass ``axes=(-1, -2)``. Summed term by term,
    each >= 0, not as H(X, Y) − H(X).

    Args: as :func:`joint_entropy`.

    Returns:
        H(Y | X), shape of ``pxy`` without ``axes``.

    >>> import infobits as ib
    >>> pxy = [[0.5, 0.0], [0.25, 0.25]]  # X = 0 fixes Y; X = 1 leaves a fair coin
    >>> float(ib.conditional_entropy(pxy))
    0.5
    >>> float(ib.conditional_entropy(pxy, axes=(-1, -2)))  # H(X | Y)
    0.6887218755408672

    Reference: Cover & Thomas 2006, §2.2.
    """
    _table_options(base, axes, check, keepdims)
    return engine(pxy).conditional_entropy(
        pxy, base=base, axes=axes, keepdims=keepdims, check=check
    )


def mutual_information(
    pxy: Any,
    *,
    base: Base = 2,
    axes: tuple[int, int] = (-2, -1),
    keepdims: bool = False,
    check: bool = True,
) -> Any:
    r"""Mutual information I(X; Y) = D(p(x, y) ‖ p(x) p(y)), in bits by default.

    The bits a symbol saved by coding X and Y together rather than apart:
    I = H(X) + H(Y) − H(X, Y) = H(Y) − H(Y | X). Computed as the divergence, in the
    cancellation-free form, so nearly independent tables keep their accuracy.

    Args: as :func:`joint_entropy`.

    Returns:
        I(X; Y), shape of ``pxy`` without ``axes``; 0 exactly for a product table only up
        to rounding.

    >>> import infobits as ib
    >>> float(ib.mutual_information([[0.5, 0.0], [0.0, 0.5]]))  # Y = X: 1 bit
    1.0
    >>> float(ib.mutual_information(ib.counts([[10, 10], [10, 10]])))
    0.0

    Reference: Cover & Thomas 2006, §2.4.
    """
    _table_options(base, axes, check, keepdims)
    return engine(pxy).mutual_information(pxy, base=base, axes=axes, keepdims=keepdims, check=check)
