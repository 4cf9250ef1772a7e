"""Fingerprints (count profiles) and the entropy estimators that need only them.

The fingerprint of a row of counts says, for every count value v ≥ 1, how many symbols
were seen exactly v times: F_v = #{i : n_i = v}. Entropy does not depend on which
symbol is which, so most estimators are functions of the fingerprint alone: the
plug-in log N − (1/N) Σ_v F_v v log v, and likewise Miller–Madow, Grassberger, Zhang,
Chao–Shen, Chao–Wang–Jost, the jackknife and JVHW. A row of 10^6 symbols drawn 10^7 times has
a few thousand distinct counts (at most √(2N)), so evaluating an estimator on its
fingerprint costs a few thousand terms where the count vector costs a million.

The bootstrap uses this for rows of many symbols (:func:`bootstrap_entropy`): a
resample is exactly multinomial, and its fingerprint is drawn directly from the row's
fingerprint (:class:`_ProfileSampler`), never as a count vector over the symbols; the
estimate is computed from the fingerprints of a block of replicates together. Per
replicate, time and memory depend on the number of distinct counts and of symbols with
large counts, not on the number of symbols.

Fingerprints of many rows travel flat, as :class:`Profile`: value, multiplicity and
row of each group (distinct count of a row), so that every sum over a row's symbols is
one ``np.bincount`` with weights.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, pdtr, xlogy

from .bootstrap import _SPARE, _WIDE, bootstrap_one
from .discrete import _cwj_tail, _g, grassberger_g
from .jvhw import jvhw_c1, jvhw_order, rare_correction

__all__ = ["FINGERPRINT_METHODS", "Profile", "bootstrap_entropy", "entropy_of_profile", "profile"]

#: Blocks of this many replicates are reduced to fingerprints and estimated together.
_BLOCK = 64
_CUT = 1 << 16


@dataclass
class Profile:
    """Fingerprints of ``rows`` rows, flattened: count value ``v`` ≥ 1, how many symbols
    of the row have it (``m``), and the row (``r``) of each group."""

    v: np.ndarray
    m: np.ndarray
    r: np.ndarray
    rows: int

    def sum(self, x: np.ndarray) -> np.ndarray:
        """Σ over each row's groups of x (one value per group): shape (rows,)."""
        return np.bincount(self.r, weights=x, minlength=self.rows)


def fingerprint(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(values, multiplicities) of one 1-D array of whole counts >= 0: the distinct positive
    counts v, ascending, and F_v, the number of entries equal to v.

    Counts below 2**16 are tallied by ``np.bincount``; the few above (at most N / 2**16
    of them) by ``np.unique``: O(len(x)) for a resample.

    >>> v, m = fingerprint(np.array([3, 1, 0, 1, 2, 1]))
    >>> v.tolist(), m.tolist()
    ([1, 2, 3], [3, 1, 1])
    """
    xi = np.asarray(x).astype(np.int64, copy=False)
    small = xi < _CUT
    b = np.bincount(xi[small], minlength=1)
    v = np.flatnonzero(b[1:]) + 1
    m = b[v]
    if small.all():
        return v, m
    big_v, big_m = np.unique(xi[~small], return_counts=True)
    return np.concatenate([v, big_v]), np.concatenate([m, big_m])


def profile(c: np.ndarray) -> Profile:
    """The fingerprints of every row of counts ``c`` (rows, bins), whole numbers >= 0."""
    c = np.atleast_2d(c)
    vs, ms, rs = [], [], []
    for i, row in enumerate(c):
        v, m = fingerprint(row)
        vs.append(v)
        ms.append(m)
        rs.append(np.full(v.size, i, dtype=np.intp))
    return _flat(vs, ms, rs, c.shape[0])


def _flat(vs: list[np.ndarray], ms: list[np.ndarray], rs: list[np.ndarray], rows: int) -> Profile:
    return Profile(
        np.concatenate(vs).astype(np.float64),
        np.concatenate(ms).astype(np.float64),
        np.concatenate(rs),
        rows,
    )


def _plugin(p: Profile, n: np.ndarray) -> np.ndarray:
    return np.log(n) - p.sum(p.m * xlogy(p.v, p.v)) / n


def entropy_of_profile(p: Profile, method: str) -> np.ndarray:
    """The entropy estimate (nats) of every row, from its fingerprint alone, for the
    methods in :data:`FINGERPRINT_METHODS`; the same numbers as the count kernels of
    :mod:`infobits.estimators.discrete` (tested to agree to rounding).

    With N = Σ_v F_v v, m = Σ_v F_v, f₁ = F_1, f₂ = F_2:
    plug-in log N − (1/N) Σ F_v v log v; Miller–Madow adds (m − 1)/(2N); Grassberger
    log N − (1/N) Σ F_v v G(v); Zhang Σ F_v (v/N)(ψ(N) − ψ(v)); Chao–Shen
    Σ F_v (−p̃ log p̃)/(1 − (1 − p̃)^N), p̃ = (1 − f₁/N) v/N; Chao–Wang–Jost its eq. (7)
    with the sum over v < N; the jackknife as in ``discrete.jackknife``; JVHW as in
    :func:`infobits.estimators.jvhw.jvhw`, each rare count value corrected once.
    """
    n = p.sum(p.m * p.v)
    if method == "plugin":
        return _plugin(p, n)
    if method == "miller_madow":
        return _plugin(p, n) + (p.sum(p.m) - 1) / (2 * n)
    if method == "grassberger":
        return np.log(n) - p.sum(p.m * p.v * grassberger_g(p.v)) / n
    if method == "zhang":
        return p.sum(p.m * p.v * (digamma(n)[p.r] - digamma(p.v))) / n
    f1 = p.sum(p.m * (p.v == 1))
    if method == "chao_shen":
        f1 = np.where(f1 == n, n - 1, f1)
        pa = (1 - f1 / n)[p.r] * p.v / n[p.r]
        with np.errstate(divide="ignore", invalid="ignore"):
            la = -np.expm1(n[p.r] * np.log1p(-pa))
            terms = np.where(pa > 0, -xlogy(pa, pa) / la, 0.0)
        return np.where(n <= 1, 0.0, p.sum(p.m * terms))
    if method == "chao_wang_jost":
        inner = p.v < n[p.r]
        first = p.sum(np.where(inner, p.m * p.v * (digamma(n)[p.r] - digamma(p.v)), 0.0)) / n
        f2 = p.sum(p.m * (p.v == 2))
        with np.errstate(divide="ignore", invalid="ignore"):
            a = np.where(
                f2 > 0,
                2 * f2 / ((n - 1) * f1 + 2 * f2),
                np.where(f1 > 0, 2 / ((n - 1) * (f1 - 1) + 2), 1.0),
            )
        second = np.where(f1 > 0, f1 / n * _cwj_tail(n, a), 0.0)
        return first + second
    if method == "jackknife":
        h = _plugin(p, n)
        nm1 = np.maximum(n - 1, 1.0)
        e = _g(nm1)[p.r] + np.log(n[p.r] / p.v) - _g(p.v - 1) - h[p.r]
        w = p.m * p.v / n[p.r]
        return np.where(n <= 1, h, h + p.sum(w * e))
    if method == "jvhw":
        return _jvhw(p, n, f1)
    raise ValueError(f"method {method!r} has no fingerprint form here")


def _jvhw(p: Profile, n: np.ndarray, f1: np.ndarray) -> np.ndarray:
    """JVHW (see :func:`infobits.estimators.jvhw.jvhw`) from the fingerprint: the plug-in
    part is the plug-in + m/(2N); each rare count value x (x < NΔ) is corrected once,
    by F_x (ĝ(x) − L(x))."""
    order = jvhw_order(n)
    c1 = jvhw_c1(n, f1, order)
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.where(c1 > 0, 4 * c1 * np.log(n) / n, 0.0)
    h = _plugin(p, n) + p.sum(p.m) * 0.5 / n
    rare = p.v < (n * delta)[p.r]
    if not rare.any():
        return h
    r, x, mult = p.r[rare], p.v[rare], p.m[rare]
    corr = rare_correction(x, n[r], delta[r], order[r])
    return h + np.bincount(r, weights=corr * mult, minlength=p.rows)


class _ProfileSampler:
    """Fingerprints of Multinomial(n, counts/n) resamples of one row, drawn from the
    row's own fingerprint: time and memory per replicate independent of the number of
    symbols.

    As in :class:`infobits.estimators.bootstrap._Wide`: independent X_i ~ Poisson(μ p_i),
    μ = n − 3√n, redrawn until their sum S <= n, then the n − S balls left each land on
    a bin with probability p_i; this is exactly multinomial. Bins that share a count v
    share λ = μ v/n and are exchangeable, so only their histogram matters: for a group of
    F bins with F at least the length of the Poisson table (λ <= 10^4), the histogram of
    its F draws is Multinomial(F, Poisson pmf) (one draw of O(table) cost); other bins
    are drawn one by one (they are few: at most N/v bins have count v). A ball lands in
    group g with probability F_g v_g/n and on a uniform bin of it; in a histogram group,
    the values of the bins it touches are drawn without replacement from the histogram
    (multivariate hypergeometric) and paired with the hits at random.
    """

    def __init__(self, v: np.ndarray, f: np.ndarray, n: int) -> None:
        self.n = n
        v = np.asarray(v, dtype=np.float64)
        f = np.asarray(f, dtype=np.int64)
        mu = n - _SPARE * np.sqrt(n)
        lam = v * (mu / n)
        self.w = f * v / float((f * v).sum())  # a ball's group
        self.f = f
        self.hist: list[tuple[int, np.ndarray]] = []  # (group, Poisson pmf)
        explicit = np.ones(v.size, dtype=bool)
        for g in range(v.size):
            top = int(lam[g] + 14 * np.sqrt(lam[g]) + 40)
            if lam[g] <= 1e4 and f[g] >= top + 1:
                cdf = np.asarray(pdtr(np.arange(top + 1), lam[g]))
                self.hist.append((g, np.diff(cdf, prepend=0.0)))
                explicit[g] = False
        self.is_hist = ~explicit
        eg = np.flatnonzero(explicit)
        self.lam_e = np.repeat(lam[eg], f[eg])
        # where each group's explicit bins start (histogram groups have none)
        sizes = np.where(explicit, f, 0)
        self.offset = np.concatenate([[0], np.cumsum(sizes)[:-1]])

    def __call__(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """One resample's fingerprint as (values, multiplicities), values >= 1; a value
        may appear more than once (the estimators only sum over it)."""
        while True:
            hists = [rng.multinomial(self.f[g], pmf) for g, pmf in self.hist]
            xe = rng.poisson(self.lam_e)
            s = int(xe.sum()) + sum(int(np.arange(h.size) @ h) for h in hists)
            if s <= self.n:
                break
        left = self.n - s
        extra_v: list[np.ndarray] = []
        if left:
            balls = rng.multinomial(left, self.w)
            eb = np.where(self.is_hist, 0, balls)
            if eb.any():
                grp = np.repeat(np.arange(eb.size), eb)
                idx = self.offset[grp] + (rng.random(grp.size) * self.f[grp]).astype(np.int64)
                xe = xe + np.bincount(idx, minlength=xe.size)
            for j, (g, _) in enumerate(self.hist):
                b = int(balls[g])
                if not b:
                    continue
                _, hits = np.unique(rng.integers(self.f[g], size=b), return_counts=True)
                took = rng.multivariate_hypergeometric(hists[j], hits.size)
                vals = np.repeat(np.arange(took.size), took)
                rng.shuffle(vals)
                hists[j] = hists[j] - took
                extra_v.append(vals + hits)
        ve, me = fingerprint(xe)  # compact: as many entries as distinct counts
        vs = [ve]
        ms = [me]
        for h in hists:
            k = np.flatnonzero(h)
            vs.append(k)
            ms.append(h[k])
        for e in extra_v:
            vs.append(e)
            ms.append(np.ones(e.size, dtype=np.int64))
        v_all = np.concatenate(vs)
        m_all = np.concatenate(ms)
        keep = v_all > 0
        return v_all[keep], m_all[keep]


#: Methods whose bootstrap replicates are estimated from fingerprints.
FINGERPRINT_METHODS = frozenset(
    {
        "plugin",
        "miller_madow",
        "grassberger",
        "zhang",
        "chao_shen",
        "chao_wang_jost",
        "jackknife",
        "jvhw",
    }
)


def bootstrap_entropy(
    c: np.ndarray,
    method: str,
    stat: Callable[..., np.ndarray],
    n_boot: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Bootstrap replicates (n_boot, rows) of an entropy estimate of rows of counts.

    Rows with more than ``_WIDE`` symbols seen (and 100 samples or more), for a method
    in :data:`FINGERPRINT_METHODS`, are resampled as fingerprints by
    :class:`_ProfileSampler` and estimated from them. The other rows go to
    :func:`infobits.estimators.bootstrap.bootstrap_one` with ``stat`` as before.
    """
    n = c.sum(axis=-1)
    seen = np.count_nonzero(c, axis=-1)
    wide = (seen > _WIDE) & (n >= 100) if method in FINGERPRINT_METHODS else np.zeros_like(n, bool)
    out = np.empty((n_boot, c.shape[0]))
    rest = np.flatnonzero(~wide)
    if rest.size:

        def sub(d: np.ndarray, which: np.ndarray) -> np.ndarray:
            return stat(d, rest[which])

        out[:, rest] = bootstrap_one(c[rest], sub, n_boot, rng)
    for i in np.flatnonzero(wide):
        draw = _ProfileSampler(*fingerprint(c[i]), int(n[i]))
        for b0 in range(0, n_boot, _BLOCK):
            vs, ms, rs = [], [], []
            for j in range(min(_BLOCK, n_boot - b0)):
                v, m = draw(rng)
                vs.append(v)
                ms.append(m)
                rs.append(np.full(v.size, j, dtype=np.intp))
            out[b0 : b0 + len(vs), i] = entropy_of_profile(_flat(vs, ms, rs, len(vs)), method)
    return out
