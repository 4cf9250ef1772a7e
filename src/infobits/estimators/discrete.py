"""Entropy and divergence estimators that work on counts, one row of counts at a time.

Each kernel takes a 2-D float array of counts, shape ``(rows, bins)`` (zero bins allowed,
unseen symbols need no bin), and returns the estimate for every row in nats, vectorised
over rows; none of them loops in Python over rows or bins. The public functions in
:mod:`infobits.estimators.api` turn samples into counts and call these kernels. Every
formula is written out, with its reference, in the kernel's docstring and in
``docs/estimators.md``.

Notation: n_i the count of symbol i, N = Σ n_i, m the number of symbols seen
(n_i > 0), f_1 and f_2 the numbers of symbols seen once and twice, K the alphabet size,
ψ the digamma function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.special import digamma, xlogy

__all__ = [
    "ENTROPY_METHODS",
    "NEEDS_ALPHABET",
    "chao_shen",
    "chao_wang_jost",
    "cross_entropy_kernel",
    "grassberger",
    "jackknife",
    "james_stein",
    "miller_madow",
    "plugin",
    "plugin_stderr",
    "zhang",
]

Kernel = Callable[[np.ndarray, np.ndarray | None], tuple[np.ndarray, np.ndarray | None]]


def _n(c: np.ndarray) -> np.ndarray:
    return c.sum(axis=-1)


def _lut(c: np.ndarray, fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """fn(c) elementwise for whole-number counts, by table look-up.

    A batch of count vectors holds few distinct values (at most the largest count), so
    evaluating fn once per value and gathering is several times faster than calling a
    special function on every entry. Falls back to fn(c) when the counts are huge.
    """
    if c.size == 0:
        return fn(c)
    top = float(c.max())
    if top > 4 * c.size + 4096:
        return fn(c)
    return fn(np.arange(int(top) + 1, dtype=np.float64))[c.astype(np.intp)]


def _xlogx(v: np.ndarray) -> np.ndarray:
    return xlogy(v, v)


def _digamma_pos(v: np.ndarray) -> np.ndarray:
    """ψ(v) for v >= 1, and 0 at v = 0 (where it is always multiplied by a zero count)."""
    return np.where(v > 0, digamma(np.where(v > 0, v, 1.0)), 0.0)


def plugin(c: np.ndarray, k: np.ndarray | None = None) -> tuple[np.ndarray, None]:
    """Plug-in (maximum likelihood): Ĥ = log N − (1/N) Σ n_i log n_i.

    Biased low by about (m − 1)/(2N) (Miller 1955).
    """
    n = _n(c)
    return np.log(n) - _lut(c, _xlogx).sum(axis=-1) / n, None


def plugin_stderr(c: np.ndarray) -> np.ndarray:
    """Large-sample standard error of the plug-in: √((Σ p̂ log² p̂ − Ĥ²)/N) (Basharin 1959).

    The variance is summed in centred form, (1/N) Σ n_i (log n_i − S/N)² with
    S = Σ n log n, which equals Σ p̂ (log p̂ + Ĥ)² and suffers no cancellation.
    """
    n = _n(c)
    logc = _lut(c, _log_pos)
    s = (c * logc).sum(axis=-1)
    var = (c * (logc - (s / n)[..., None]) ** 2).sum(axis=-1) / n
    return np.sqrt(np.maximum(var, 0.0) / n)


def _log_pos(v: np.ndarray) -> np.ndarray:
    return np.where(v > 0, np.log(np.where(v > 0, v, 1.0)), 0.0)


def miller_madow(c: np.ndarray, k: np.ndarray | None = None) -> tuple[np.ndarray, None]:
    """Miller–Madow: Ĥ_MM = Ĥ_plugin + (m − 1)/(2N), m = symbols seen (Miller 1955)."""
    h, _ = plugin(c)
    m = np.count_nonzero(c, axis=-1)
    return h + (m - 1) / (2 * _n(c)), None


def jackknife(c: np.ndarray, k: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Jackknife: Ĥ_JK = N Ĥ − (N − 1)/N Σ_j Ĥ_(−j), with its standard error.

    Leaving out one sample of symbol i gives the same Ĥ_(−i) for all n_i of its samples:
    Ĥ_(−i) = log(N−1) − [S − n_i log n_i + (n_i−1) log(n_i−1)]/(N−1), S = Σ n log n, so
    the N leave-one-out estimates cost O(K). Standard error:
    √((N−1)/N Σ_i n_i (Ĥ_(−i) − mean)²) (Efron & Stein 1981; Zahl 1977).
    For N = 1 the jackknife is undefined; the plug-in (0) is returned with SE NaN.
    """
    n = _n(c)
    h, _ = plugin(c)
    clogc = _lut(c, _xlogx)
    s = clogc.sum(axis=-1)
    nm1 = np.maximum(n - 1, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        loo = (
            np.log(nm1)[..., None]
            - (s[..., None] - clogc + _lut(np.maximum(c - 1, 0), _xlogx)) / nm1[..., None]
        )
    loo = np.where(c > 0, loo, 0.0)
    mean_loo = (c * loo).sum(axis=-1) / n
    h_jk = n * h - (n - 1) * mean_loo
    var = (n - 1) / n * (c * (loo - mean_loo[..., None]) ** 2).sum(axis=-1)
    one = n <= 1
    h_jk = np.where(one, h, h_jk)
    se = np.where(one, np.nan, np.sqrt(np.maximum(var, 0.0)))
    return h_jk, se


def grassberger_g(n: np.ndarray) -> np.ndarray:
    """G(n) = ψ(n) + ½ (−1)ⁿ [ψ((n+1)/2) − ψ(n/2)] (Grassberger 2003, eq. 35).

    G(1) = −γ − log 2, G(2) = 2 − γ − log 2, and G(2k+1) = G(2k).
    """
    n = np.asarray(n, dtype=np.float64)
    safe = np.where(n > 0, n, 1.0)
    sign = np.where(np.mod(safe, 2) == 0, 1.0, -1.0)
    return digamma(safe) + 0.5 * sign * (digamma((safe + 1) / 2) - digamma(safe / 2))


def grassberger(c: np.ndarray, k: np.ndarray | None = None) -> tuple[np.ndarray, None]:
    """Grassberger (2003): Ĥ_G = log N − (1/N) Σ n_i G(n_i)."""
    n = _n(c)
    return np.log(n) - (c * _lut(c, grassberger_g)).sum(axis=-1) / n, None


def zhang(c: np.ndarray, k: np.ndarray | None = None) -> tuple[np.ndarray, None]:
    """Zhang (2012), in its O(K) digamma form: Ĥ_z = Σ_i (n_i/N) [ψ(N) − ψ(n_i)].

    Zhang's series Σ_{v=1}^{N−1} (1/v) Σ_i (n_i/N) Π_{j=0}^{v−1} (1 − (n_i−1)/(N−1−j))
    sums to this closed form (Schürmann 2015); its bias decays exponentially in N.
    """
    n = _n(c)
    return (c * (digamma(n)[..., None] - _lut(c, _digamma_pos))).sum(axis=-1) / n, None


def chao_shen(c: np.ndarray, k: np.ndarray | None = None) -> tuple[np.ndarray, None]:
    """Chao–Shen (2003): coverage-adjusted Horvitz–Thompson estimate.

    Coverage Ĉ = 1 − f₁/N (f₁ taken as N − 1 when every sample is a singleton), then
    p̃_i = Ĉ n_i/N and Ĥ_CS = −Σ p̃_i log p̃_i / (1 − (1 − p̃_i)^N).
    """
    n = _n(c)
    f1 = np.count_nonzero(c == 1, axis=-1).astype(np.float64)
    f1 = np.where(f1 == n, n - 1, f1)
    cov = 1 - f1 / n
    pa = cov[..., None] * c / n[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        la = -np.expm1(n[..., None] * np.log1p(-pa))  # 1 − (1 − p̃)^N without cancellation
        terms = np.where(pa > 0, -xlogy(pa, pa) / la, 0.0)
    # with N = 1 the coverage is 0 and nothing can be said: the plug-in value 0 stands
    return np.where(n <= 1, 0.0, terms.sum(axis=-1)), None


def chao_wang_jost(c: np.ndarray, k: np.ndarray | None = None) -> tuple[np.ndarray, None]:
    """Chao, Wang & Jost (2013), eq. (7).

    Ĥ = Σ_{1≤n_i≤N−1} (n_i/N)[ψ(N) − ψ(n_i)]
        + (f₁/N)(1−A)^{1−N} [−log A − Σ_{r=1}^{N−1} (1−A)^r / r],
    A = 2f₂/((N−1)f₁ + 2f₂) if f₂ > 0; 2/((N−1)(f₁−1) + 2) if f₂ = 0 < f₁; 1 if
    f₁ = 0. The bracket is the series tail Σ_{r≥N} (1−A)^r / r, so the second term is
    computed as an integral (see :func:`_cwj_tail`) without the cancellation and
    the overflow of (1−A)^{1−N} that the printed form suffers for large N.
    """
    n = _n(c)
    inner = (c > 0) & (c < n[..., None])
    first = np.where(inner, c * (digamma(n)[..., None] - _lut(c, _digamma_pos)), 0.0)
    first = first.sum(axis=-1) / n
    f1 = np.count_nonzero(c == 1, axis=-1).astype(np.float64)
    f2 = np.count_nonzero(c == 2, axis=-1).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(
            f2 > 0,
            2 * f2 / ((n - 1) * f1 + 2 * f2),
            np.where(f1 > 0, 2 / ((n - 1) * (f1 - 1) + 2), 1.0),
        )
    tail = _cwj_tail(n, a)
    second = np.where(f1 > 0, f1 / n * tail, 0.0)
    return first + second, None


_GL_X, _GL_W = np.polynomial.legendre.leggauss(12)


def _cwj_tail(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    """T = (1−A)^{1−N} Σ_{r≥N} (1−A)^r / r = x ∫_0^∞ e^{−Nv} / (1 − x e^{−v}) dv, x = 1−A.

    Neither the printed finite form (cancellation, overflow) nor ₂F₁(1, N; N+1; x)
    (SciPy returns NaN for x near 1) is reliable when A is small and N large, so the
    integral is done by Gauss–Legendre on geometrically growing pieces of v: the
    integrand changes scale near v = A and v = 1/N, and each piece spans a fixed ratio.
    """
    n = np.asarray(n, dtype=np.float64)
    a = np.asarray(a, dtype=np.float64)
    x = 1.0 - a
    safe_a = np.where(a > 0, a, 1.0)
    v_lo = 1e-3 * np.minimum(safe_a, 1.0 / n)
    v_hi = np.maximum(45.0 / n, 10 * v_lo)
    pieces = 40
    ratio = (v_hi / v_lo) ** (1.0 / pieces)
    edges = v_lo[..., None] * ratio[..., None] ** np.arange(pieces + 1)
    edges = np.concatenate([np.zeros((*n.shape, 1)), edges], axis=-1)
    lo, hi = edges[..., :-1], edges[..., 1:]
    half = (hi - lo) / 2
    v = (lo + half)[..., None] + half[..., None] * _GL_X  # (..., pieces+1, 12)
    ev = np.exp(-v)
    # 1 − x e^{−v} = A e^{−v} − expm1(−v), written to keep its accuracy when v and A are tiny
    den = a[..., None, None] * ev - np.expm1(-v)
    f = np.exp(-n[..., None, None] * v) / den
    integral = (half[..., None] * _GL_W * f).sum(axis=(-1, -2))
    return np.where(x > 0, x * integral, 0.0)


def james_stein(c: np.ndarray, k: np.ndarray | None) -> tuple[np.ndarray, None]:
    """James–Stein shrinkage (Hausser & Strimmer 2009, eqs. 5 and 8).

    Shrink p̂ = n/N toward the uniform t = 1/K: p̃ = λ t + (1 − λ) p̂ with
    λ = (1 − Σ p̂_i²) / ((N − 1) Σ (t − p̂_i)²), clipped to [0, 1], then Ĥ = H(p̃).
    Needs the alphabet size K: the K − (bins given) unseen symbols are included.
    """
    if k is None:
        raise ValueError("james_stein needs alphabet_size")
    n = _n(c)
    p = c / n[..., None]
    w = c.shape[-1]
    extra = k - w  # unseen symbols without a bin: p̂ = 0 for each
    t = 1.0 / k
    num = 1 - (p * p).sum(axis=-1)
    den = (n - 1) * (((t[..., None] - p) ** 2).sum(axis=-1) + extra * t * t)
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = np.where(den > 0, num / den, 1.0)
    lam = np.clip(lam, 0.0, 1.0)
    ps = lam[..., None] * t[..., None] + (1 - lam[..., None]) * p
    h = -xlogy(ps, ps).sum(axis=-1) - extra * xlogy(lam * t, lam * t)
    return h, None


#: name -> kernel; nsb and dirichlet live in :mod:`infobits.estimators.nsb`.
ENTROPY_METHODS: dict[str, Kernel] = {
    "plugin": plugin,
    "miller_madow": miller_madow,
    "jackknife": jackknife,
    "grassberger": grassberger,
    "zhang": zhang,
    "chao_shen": chao_shen,
    "chao_wang_jost": chao_wang_jost,
    "james_stein": james_stein,
}

#: methods that cannot run without the alphabet size.
NEEDS_ALPHABET = frozenset({"james_stein", "nsb"})


def cross_entropy_kernel(
    cp: np.ndarray, cq: np.ndarray, method: str, k: np.ndarray, pseudocount: float
) -> np.ndarray:
    """Cross-entropy H(p, q) = Σ p_i log(1/q_i) from counts of p (cp) and of q (cq), nats.

    Bins are aligned; ``k`` (per row) may exceed the number of bins, the extra symbols
    being unseen in both samples. With n = Σ cp, M = Σ cq and a the pseudocount:

    - ``plugin`` (smoothed plug-in): Σ (x_i/n) log(1/q̃_i), q̃_i = (y_i + a)/(M + K a).
    - ``dirichlet``: the posterior mean under independent Dirichlet(a) priors on p and q,
      E[Σ p_i log(1/q_i)] = Σ (x_i+a)/(n+Ka) [ψ(M+Ka) − ψ(y_i+a)] (p and q independent).
    - ``zhang_grabchak`` (Zhang & Grabchak 2014): Σ (x_i/n) [ψ(M+1) − ψ(y_i+1)], the
      unbiased estimate of Σ_i p_i Σ_{v=1}^{M} (1 − q_i)^v / v, which is log(1/q_i)
      truncated after M terms: finite even where y_i = 0.
    """
    n = cp.sum(axis=-1)
    m = cq.sum(axis=-1)
    extra = k - cp.shape[-1]
    if method == "plugin":
        qs = (cq + pseudocount) / (m + k * pseudocount)[..., None]
        with np.errstate(divide="ignore"):
            return -(xlogy(cp, qs)).sum(axis=-1) / n
    if method == "dirichlet":
        a = pseudocount
        big_a = n + k * a
        big_b = m + k * a
        t = ((cp + a) * (digamma(big_b)[..., None] - digamma(cq + a))).sum(axis=-1)
        t = t + extra * a * (digamma(big_b) - digamma(a))
        return t / big_a
    if method == "zhang_grabchak":
        return (cp * (digamma(m + 1)[..., None] - digamma(cq + 1))).sum(axis=-1) / n
    raise ValueError(f"unknown cross-entropy method {method!r}")


def entropy_for_kl(cp: np.ndarray, method: str, k: np.ndarray, pseudocount: float) -> np.ndarray:
    """The H(p) that each KL method subtracts from its H(p, q), nats.

    ``plugin``: the plug-in H(p̂) (p is not smoothed, so D̂ = Σ p̂ log(p̂/q̃) ≥ 0).
    ``dirichlet``: the posterior mean E[H(p)] = ψ(A+1) − Σ (α_i/A) ψ(α_i+1), α = x + a.
    ``zhang_grabchak``: Zhang's Σ (x_i/n)[ψ(n) − ψ(x_i)].
    """
    if method == "plugin":
        return plugin(cp)[0]
    if method == "dirichlet":
        a = pseudocount
        alpha = cp + a
        big_a = alpha.sum(axis=-1) + (k - cp.shape[-1]) * a
        s = (alpha * digamma(alpha + 1)).sum(axis=-1) + (k - cp.shape[-1]) * a * digamma(a + 1)
        return digamma(big_a + 1) - s / big_a
    if method == "zhang_grabchak":
        return zhang(cp)[0]
    raise ValueError(f"unknown KL method {method!r}")


def as_float_counts(c: Any) -> np.ndarray:
    return np.asarray(c, dtype=np.float64)
