"""Cross-entropy and divergences: the cost of coding p's data with q's code, and the waste.

Code lengths log(1/qᵢ) imply the distribution q. Data from p coded that way costs the
cross-entropy H(p, q) = Σ pᵢ log(1/qᵢ) a symbol; the excess over the best code is the
Kullback–Leibler divergence D(p‖q) = H(p, q) − H(p) >= 0. The Jensen–Shannon divergence
symmetrises it against the mixture m = (p + q)/2.
"""

from __future__ import annotations

from typing import Any

from .._units import Base
from ._dispatch import engine, options

__all__ = ["cross_entropy", "js_distance", "js_divergence", "kl_divergence"]


def cross_entropy(
    p: Any,
    q: Any,
    *,
    base: Base = 2,
    axis: int = -1,
    keepdims: bool = False,
    check: bool = True,
) -> Any:
    r"""Cross-entropy H(p, q) = Σᵢ pᵢ log(1/qᵢ), in bits by default.

    The expected length, on data from p, of the code built for q. Outcomes with pᵢ = 0
    cost nothing whatever qᵢ is; pᵢ > 0 with qᵢ = 0 makes it +inf (no warning).

    Args:
        p, q: probabilities, or ``ib.logits`` / ``ib.log_probs`` / ``ib.counts``, each
            of shape ``(..., K, ...)``. Batch axes broadcast; the outcome ``axis`` must
            have the same K in both.
        base, axis, keepdims, check: as in :func:`infobits.entropy`.

    Returns:
        H(p, q) in units of ``base``, of the broadcast shape without ``axis``.

    JAX on the CPU flushes subnormal numbers (below 2.2e-308) to zero, so a qᵢ that small
    is a zero there and H can be +inf where NumPy and PyTorch give a finite value; pass
    such distributions as ``ib.log_probs`` (or ``ib.logits``) instead.

    >>> import infobits as ib
    >>> p = [1/8] * 8
    >>> q = [1/2, 1/4, 1/8, 1/16, 1/64, 1/64, 1/64, 1/64]
    >>> float(ib.cross_entropy(p, q))  # bits a symbol, coding p's data with q's code
    4.25
    >>> float(ib.cross_entropy([1.0, 0.0], ib.logits([0.0, 0.0])))
    1.0

    Reference: T. M. Cover, J. A. Thomas, *Elements of Information Theory*, 2nd ed.,
    2006, §5.4 (wrong code).
    """
    options(base, axis, check, keepdims)
    return engine(p, q).cross_entropy(p, q, base=base, axis=axis, keepdims=keepdims, check=check)


def kl_divergence(
    p: Any,
    q: Any,
    *,
    base: Base = 2,
    axis: int = -1,
    keepdims: bool = False,
    check: bool = True,
) -> Any:
    r"""Kullback–Leibler divergence D(p‖q) = Σᵢ pᵢ log(pᵢ/qᵢ), in bits by default.

    The bits a symbol wasted by coding data from p with the code built for q:
    D(p‖q) = H(p, q) − H(p) >= 0, zero exactly when p = q. It is computed directly,
    never as that difference, and rows where it is small are summed in a
    cancellation-free form, so D ~ 1e-15 keeps its relative accuracy.

    Args:
        p, q: probabilities, or ``ib.logits`` / ``ib.log_probs`` / ``ib.counts``.
            Batch axes broadcast; the outcome ``axis`` must have the same K in both.
        base, axis, keepdims, check: as in :func:`infobits.entropy`.

    Returns:
        D(p‖q) in units of ``base``, of the broadcast shape without ``axis``. It is +inf
        where some pᵢ > 0 has qᵢ = 0, and never negative.

    JAX on the CPU flushes subnormal numbers (below 2.2e-308) to zero, so a probability
    that small is a zero there and D can be +inf where NumPy and PyTorch give a finite
    value; pass such distributions as ``ib.log_probs`` (or ``ib.logits``) instead.

    >>> import infobits as ib
    >>> p = [1/8] * 8
    >>> q = [1/2, 1/4, 1/8, 1/16, 1/64, 1/64, 1/64, 1/64]
    >>> float(ib.kl_divergence(p, q))
    1.25
    >>> float(ib.kl_divergence([0.5, 0.5], [1.0, 0.0]))
    inf
    >>> float(ib.kl_divergence(ib.counts([3, 1]), ib.logits([0.0, 0.0])))
    0.188721875540867

    Reference: S. Kullback, R. A. Leibler, "On Information and Sufficiency", 1951;
    Cover & Thomas 2006, §2.3.
    """
    options(base, axis, check, keepdims)
    return engine(p, q).kl_divergence(p, q, base=base, axis=axis, keepdims=keepdims, check=check)


def js_divergence(
    p: Any,
    q: Any,
    *,
    base: Base = 2,
    axis: int = -1,
    keepdims: bool = False,
    check: bool = True,
) -> Any:
    r"""Jensen–Shannon divergence JS(p, q) = ½ D(p‖m) + ½ D(q‖m), m = (p + q)/2.

    Symmetric, always finite, between 0 and 1 bit (ln 2 nats). Its square root is a
    metric: :func:`js_distance`. Bits by default.

    Args: as :func:`kl_divergence`.

    Returns:
        JS(p, q) in units of ``base``, of the broadcast shape without ``axis``.

    >>> import infobits as ib
    >>> float(ib.js_divergence([1.0, 0.0], [0.0, 1.0]))  # disjoint supports: 1 bit
    1.0
    >>> float(ib.js_divergence([0.5, 0.5], [0.5, 0.5]))
    0.0

    Reference: J. Lin, "Divergence measures based on the Shannon entropy", IEEE Trans.
    Inf. Theory 37(1), 1991.
    """
    options(base, axis, check, keepdims)
    return engine(p, q).js_divergence(p, q, base=base, axis=axis, keepdims=keepdims, check=check)


def js_distance(
    p: Any,
    q: Any,
    *,
    base: Base = 2,
    axis: int = -1,
    keepdims: bool = False,
    check: bool = True,
) -> Any:
    r"""Jensen–Shannon distance √JS(p, q), a metric on distributions; JS in ``base``.

    Matches ``scipy.spatial.distance.jensenshannon`` (which, unlike this, rescales
    inputs silently). Between 0 and 1 for base 2.

    >>> import infobits as ib
    >>> round(float(ib.js_distance([1.0, 0.0], [0.5, 0.5])), 6)
    0.557923

    Reference: D. M. Endres, J. E. Schindelin, "A new metric for probability
    distributions", IEEE Trans. Inf. Theory 49(7), 2003.
    """
    options(base, axis, check, keepdims)
    return engine(p, q).js_distance(p, q, base=base, axis=axis, keepdims=keepdims, check=check)
