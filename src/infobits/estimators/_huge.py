"""Estimates from rows of counts totalling 2**63 or more, where the kernels would overflow.

Such counts arrive as ``ib.counts([1e308, 1e308])``: whole numbers in float64 whose
total overflows (and whose Σ n log n overflows long before that). Every kernel here
works on the frequencies n_i/N and on log N, both computed after scaling the row by a
power of two (:func:`infobits.estimators.discrete.frequencies`), and uses
ψ(x) = log x − 1/(2x) − ..., which is log x to double precision for x >= 2**63. Methods
whose large-N form is exact in those terms (plug-in, Miller–Madow, Grassberger, Zhang,
Dirichlet) are computed exactly; the others differ from the plug-in by O(K/N) there
and report it, provided K is far below N (else a worded error).
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma

from .discrete import HUGE, frequencies, grassberger_g, plugin, totals

__all__ = ["cross_entropy_huge", "entropy_for_kl_huge", "entropy_huge"]

_LOG2 = float(np.log(2.0))


def _scale(c: np.ndarray) -> np.ndarray:
    """The power of two 2**-e per row that brings the row's largest count below 1."""
    top = c.max(axis=-1)
    e = np.frexp(np.where(top > 0, top, 1.0))[1]
    return np.ldexp(1.0, -e)


def _log_sum(c: np.ndarray, extra: np.ndarray) -> np.ndarray:
    """log(Σ c + extra) per row without overflow (extra >= 0, per row)."""
    s = _scale(np.concatenate([c, extra[..., None]], axis=-1))
    return np.log((c * s[..., None]).sum(axis=-1) + extra * s) - np.log(s)


def _psi_of_sum(c: np.ndarray, extra: np.ndarray) -> np.ndarray:
    """ψ(Σ c + extra) per row: exact below 2**63, log of the sum above."""
    with np.errstate(over="ignore"):
        x = totals(c) + extra
    small = x < HUGE
    return np.where(small, digamma(np.where(small, x, 1.0)), _log_sum(c, extra))


def _psi_pos(v: np.ndarray) -> np.ndarray:
    return np.where(v > 0, digamma(np.where(v > 0, v, 1.0)), 0.0)


#: above this, ψ(v + c) = log v to double precision for the shifts c used here (<= 1 + a)
_LARGE = 2.0**53


def _log_over(log_total: np.ndarray, weight: np.ndarray, v: np.ndarray, shift: float) -> np.ndarray:
    """log T − ψ(v + shift) per entry, where T is the row total and ``weight`` = v/T.

    For large v both terms are near 700 and their difference would keep only ~13 digits,
    so there it is formed as −log(v/T) = −log(weight) instead.
    """
    large = v >= _LARGE
    with np.errstate(divide="ignore"):
        far = -np.log(np.where(large, weight, 1.0))
    arg = v + shift
    near = log_total[..., None] - digamma(np.where(large | (arg <= 0), 1.0, arg))
    # an empty bin (v + shift = 0) has weight 0: its term is 0, not 0 · ∞
    return np.where(large, far, np.where(arg > 0, near, 0.0))


def _need_small_alphabet(k: np.ndarray | None, c: np.ndarray, method: str) -> None:
    if k is None:
        return
    _, log_n = frequencies(c)
    if np.any(np.log(k) > log_n - 40 * _LOG2):
        raise ValueError(
            f"method={method!r} with alphabet_size={float(np.max(k)):.4g} on counts totalling "
            "2**63 or more: its large-sample form needs K far below N (K < N / 2**40); use "
            "method='dirichlet' or 'zhang', which are computed exactly there"
        )


def dirichlet_mean(c: np.ndarray, k: np.ndarray, a: float) -> np.ndarray:
    """E[H] under Dirichlet(a): ψ(A+1) − Σ (α_i/A) ψ(α_i+1) − (K−B)(a/A) ψ(a+1), with
    α = n + a, A = N + K a, every weight α_i/A formed on scaled counts."""
    s = _scale(c)[..., None]
    extra = k - c.shape[-1]
    a_s = (c * s).sum(axis=-1) + k * a * s[..., 0]
    w = (c * s + a * s) / a_s[..., None]
    w_extra = extra * a * s[..., 0] / a_s
    # ψ(A+1) = log A here (A >= 2**63); the weights sum to 1, so
    # E[H] = Σ w_i (log A − ψ(α_i+1)) + w_extra (log A − ψ(a+1))
    log_a = np.log(a_s) - np.log(s[..., 0])
    terms = _log_over(log_a, w, c + a, 1.0)
    return (w * terms).sum(axis=-1) + w_extra * (log_a - digamma(a + 1.0))


def entropy_huge(
    c: np.ndarray, method: str, k: np.ndarray | None, concentration: float
) -> np.ndarray:
    """The entropy estimate, nats, of rows whose counts total 2**63 or more."""
    p, log_n = frequencies(c)
    if method == "miller_madow":
        m = np.count_nonzero(c, axis=-1)
        return plugin(c)[0] + (m - 1) / 2 * np.exp(-log_n)
    if method == "grassberger":
        large = c >= _LARGE
        with np.errstate(divide="ignore"):
            t = np.where(large, -np.log(np.where(large, p, 1.0)), 0.0)
        t = np.where(large, t, log_n[..., None] - grassberger_g(np.where(large, 1.0, c)))
        return np.where(c > 0, p * t, 0.0).sum(axis=-1)
    if method == "zhang":
        return np.where(c > 0, p * _log_over(log_n, p, c, 0.0), 0.0).sum(axis=-1)
    if method == "dirichlet":
        kk = k if k is not None else np.count_nonzero(c, axis=-1).astype(np.float64)
        return dirichlet_mean(c, kk, concentration)
    if method in ("nsb", "james_stein"):
        _need_small_alphabet(k, c, method)
    # plug-in; jackknife, Chao–Shen, Chao–Wang–Jost, James–Stein and NSB differ from it
    # by O(K/N) < 2**-40 here
    return plugin(c)[0]


def cross_entropy_huge(
    cp: np.ndarray, cq: np.ndarray, method: str, k: np.ndarray, a: float
) -> np.ndarray:
    """H(p, q) estimate, nats, as :func:`infobits.estimators.discrete.cross_entropy_kernel`,
    for rows where either sample totals 2**63 or more."""
    s = _scale(cp)[..., None]
    xs = cp * s
    extra = k - cp.shape[-1]
    # the weights of y's terms: y_i over the row's total (with the prior's mass)
    t = _scale(np.concatenate([cq, (k * a)[..., None]], axis=-1))[..., None]
    if method == "plugin":
        w = xs / xs.sum(axis=-1, keepdims=True)
        tot = (cq * t).sum(axis=-1) + k * a * t[..., 0]
        # −log q̃_i = log(M + K a) − log(y_i + a), as −log of the scaled ratio
        return (w * -np.log((cq * t + a * t) / tot[..., None])).sum(axis=-1)
    if method == "dirichlet":
        a_s = xs.sum(axis=-1) + k * a * s[..., 0]
        w = (xs + a * s) / a_s[..., None]
        w_extra = extra * a * s[..., 0] / a_s
        g = _psi_of_sum(cq, k * a)
        tot = (cq * t).sum(axis=-1) + k * a * t[..., 0]
        terms = np.where(
            totals(cq)[..., None] + k[..., None] * a >= HUGE,
            _log_over(g, (cq * t + a * t) / tot[..., None], cq + a, 0.0),
            g[..., None] - digamma(cq + a),
        )
        return (w * terms).sum(axis=-1) + w_extra * (g - digamma(a))
    if method == "zhang_grabchak":
        w = xs / xs.sum(axis=-1, keepdims=True)
        g = _psi_of_sum(cq, np.ones(cq.shape[:-1]))
        tq = _scale(cq)[..., None]
        frac = cq * tq / (cq * tq).sum(axis=-1, keepdims=True)
        terms = np.where(
            totals(cq)[..., None] >= HUGE,
            _log_over(g, frac, cq + 1.0, 0.0),
            g[..., None] - digamma(cq + 1.0),
        )
        return (w * terms).sum(axis=-1)
    raise ValueError(f"unknown cross-entropy method {method!r}")


def entropy_for_kl_huge(cp: np.ndarray, method: str, k: np.ndarray, a: float) -> np.ndarray:
    """The H(p) each KL method subtracts (see ``entropy_for_kl``), for huge rows."""
    if method == "plugin":
        return plugin(cp)[0]
    if method == "dirichlet":
        return dirichlet_mean(cp, k, a)
    if method == "zhang_grabchak":
        return entropy_huge(cp, "zhang", None, a)
    raise ValueError(f"unknown KL method {method!r}")
