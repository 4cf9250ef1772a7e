"""PYM (Archer, Park & Pillow 2014) against independent references.

- the posterior mean and second moment, integrated over (d, log α) by SciPy's adaptive
  quadrature (QUADPACK) and by mpmath, with the likelihood, prior and conditional
  moments written out again here from the paper's formulas;
- the conditional moments E[H | n, d, α], E[H² | n, d, α] against Monte Carlo draws
  of the posterior Pitman–Yor process (Dirichlet over the seen symbols and the rest,
  stick-breaking inside the rest);
- the formulas of the authors' reference implementation (pillowlab/PYMentropy: the
  conditional mean in computeHpy.m, the PY prior variance in computeHpyPrior.m), used
  as an oracle;
- Monte Carlo: on samples of Pitman–Yor and Zipf distributions the estimate is near
  the truth and its interval covers it.
"""

from __future__ import annotations

import itertools
import math

import mpmath as mp
import numpy as np
import pytest
from scipy import integrate
from scipy.special import digamma, polygamma

import infobits as ib
from infobits.estimators import pym as P
from infobits.estimators._fingerprint import fingerprint

# ----------------------------------------------------------------------------- references


def _log_post(cs: list[int], d: float, s: float) -> float:
    """log p(n | d, α) q(γ) α, written out from the paper (α = e^s)."""
    a = math.exp(s)
    n, k = sum(cs), len(cs)
    # Γ(1+α)/Γ(α+N) and Γ(n_i−d)/Γ(1−d) as the finite products they are
    ll = -sum(math.log(a + j) for j in range(1, n)) + sum(math.log(a + i * d) for i in range(1, k))
    ll += sum(math.log(j - d) for c in cs for j in range(1, c))
    eta = digamma(a + 1) - digamma(1 - d)
    gamma = (digamma(1) - digamma(1 - d)) / eta
    if gamma >= 1:  # α so small that ψ(α+1) = ψ(1) in float64: q(γ) = 0
        return -math.inf
    return ll - 1 / (0.1 * (1 - gamma)) + s


def _cond_mean(cs: list[int], d: float, a: float) -> float:
    n, k = sum(cs), len(cs)
    big = n + a
    return (
        digamma(big + 1)
        - sum((c - d) / big * digamma(c - d + 1) for c in cs)
        - (a + k * d) / big * digamma(1 - d)
    )


_CUTS = [-40.0, -10.0, -3.0, 0.0, 2.0, 4.0, 7.0, 12.0, 40.0]


def _scipy_mean(cs: list[int]) -> float:
    # the peak, for scaling, from a coarse scan
    grid = [(d, s) for d in np.linspace(0, 0.99, 34) for s in np.linspace(-15, 25, 81)]
    top = max(_log_post(cs, d, s) for d, s in grid)

    def f(s: float, d: float) -> float:
        return math.exp(_log_post(cs, d, s) - top)

    def inner(d: float, g) -> float:
        return sum(
            integrate.quad(lambda s: g(s, d), lo, hi, epsabs=0, epsrel=1e-11, limit=200)[0]
            for lo, hi in itertools.pairwise(_CUTS)
        )

    def outer(g) -> float:
        return integrate.quad(lambda d: inner(d, g), 0, 1, epsabs=0, epsrel=1e-10, limit=200)[0]

    z = outer(f)
    m = outer(lambda s, d: f(s, d) * _cond_mean(cs, d, math.exp(s)))
    return m / z


@pytest.mark.parametrize("cs", [[1, 2, 2, 4], [3, 1, 1, 2, 5, 1], [2, 2, 1, 1, 1, 1, 7, 3]])
def test_posterior_mean_matches_scipy_quadrature(cs):
    got = ib.estimate_entropy(ib.counts(cs), method="pym", base="nats").value
    assert got == pytest.approx(_scipy_mean(cs), rel=1e-7)


def test_posterior_mean_matches_mpmath_quadrature():
    cs = [1, 2, 2, 4]
    with mp.workdps(12):

        def logpost(d, s):
            a = mp.e**s
            ll = mp.loggamma(1 + a) - mp.loggamma(a + 9)
            ll += mp.fsum(mp.log(a + i * d) for i in range(1, 4))
            ll += mp.fsum(mp.loggamma(c - d) - mp.loggamma(1 - d) for c in cs)
            eta = mp.digamma(a + 1) - mp.digamma(1 - d)
            return ll - eta / (mp.mpf("0.1") * (mp.digamma(a + 1) + mp.euler)) + s

        def cmean(d, s):
            a = mp.e**s
            big = 9 + a
            return (
                mp.digamma(big + 1)
                - mp.fsum((c - d) / big * mp.digamma(c - d + 1) for c in cs)
                - (a + 4 * d) / big * mp.digamma(1 - d)
            )

        c0 = logpost(mp.mpf("0.05"), mp.mpf(1))

        def f(d, s):
            return mp.e ** (logpost(d, s) - c0)

        kw = dict(method="gauss-legendre", maxdegree=4)
        z = mp.quad(f, [0, 0.5, 1], [-40, 0, 5, 40], **kw)
        m = mp.quad(lambda d, s: f(d, s) * cmean(d, s), [0, 0.5, 1], [-40, 0, 5, 40], **kw)
    got = ib.estimate_entropy(ib.counts(cs), method="pym", base="nats").value
    assert got == pytest.approx(float(m / z), abs=2e-6)


def _posterior_draws(cs, d, a, draws, rng, sticks=4000):
    """Entropies of draws from the PY posterior given counts cs, at (d, α)."""
    k = len(cs)
    w = rng.dirichlet(np.array([c - d for c in cs] + [a + k * d]), size=draws)
    theta = a + k * d
    out = np.empty(draws)
    for r in range(draws):
        v = rng.beta(1 - d, theta + d * np.arange(1, sticks + 1))
        pi = v * np.concatenate([[1.0], np.cumprod(1 - v)[:-1]])
        pi = pi / pi.sum()  # the truncated remainder is below 1e-12 here
        tail = w[r, -1] * pi
        p = np.concatenate([w[r, :-1], tail])
        p = p[p > 0]
        out[r] = -(p * np.log(p)).sum()
    return out


@pytest.mark.parametrize(("d", "a"), [(0.0, 1.5), (0.3, 2.0)])
def test_conditional_moments_match_monte_carlo(d, a):
    cs = [1, 2, 2, 4, 1]
    row = P._Row(*fingerprint(np.array(cs)))
    mean, second = row.moments(np.array([d]), np.array([a]))
    h = _posterior_draws(cs, d, a, 4000, np.random.default_rng(3))
    se = h.std() / math.sqrt(h.size)
    assert abs(mean[0] - h.mean()) < 4 * se
    se2 = (h**2).std() / math.sqrt(h.size)
    assert abs(second[0] - (h**2).mean()) < 4 * se2


def test_conditional_mean_and_prior_variance_match_the_authors_formulas():
    # computeHpy.m: E[H] = E[1 − p*] H(p) + E[p*] H(π) + H(p*); computeHpyPrior.m:
    # Var = (α+d)/((α+1)²(1−d)) + (1−d)/(α+1) ψ'(2−d) − ψ'(2+α)
    cs = np.array([1.0, 2, 2, 4, 7, 1])
    v, f = fingerprint(cs)
    row = P._Row(v, f)
    n, k = cs.sum(), cs.size
    for a, d in [(0.7, 0.2), (5.0, 0.5), (0.1, 0.0), (300.0, 0.9)]:
        hpi = digamma(1 + a + k * d) - digamma(1 - d)
        hpstar = (
            digamma(a + n + 1)
            - (a + k * d) / (a + n) * digamma(a + k * d + 1)
            - (n - k * d) / (a + n) * digamma(n - k * d + 1)
        )
        hp = digamma(n - k * d + 1) - np.sum((cs - d) / (n - k * d) * digamma(1 + cs - d))
        want = (n - k * d) / (a + n) * hp + (a + k * d) / (a + n) * hpi + hpstar
        assert row.moments(np.array([d]), np.array([a]))[0][0] == pytest.approx(want, rel=1e-12)
        m1, m2 = P.py_prior_moments(np.array([d]), np.array([a]))
        var = (
            (a + d) / ((a + 1) ** 2 * (1 - d))
            + (1 - d) / (a + 1) * polygamma(1, 2 - d)
            - polygamma(1, 2 + a)
        )
        assert m2[0] - m1[0] ** 2 == pytest.approx(var, rel=1e-10)


def _py_distribution(d, a, rng, sticks=200_000):
    v = rng.beta(1 - d, a + d * np.arange(1, sticks + 1))
    pi = v * np.concatenate([[1.0], np.cumprod(1 - v)[:-1]])
    return pi / pi.sum()


@pytest.mark.parametrize(
    ("d", "a", "n"), [(0.3, 50.0, 2000), (0.6, 20.0, 5000), (0.0, 200.0, 1000)]
)
def test_monte_carlo_pitman_yor_samples(d, a, n):
    rng = np.random.default_rng(11)
    errs, hits = [], 0
    for _ in range(6):
        p = _py_distribution(d, a, rng)
        h = float(-(p[p > 0] * np.log(p[p > 0])).sum())
        x = rng.choice(p.size, size=n, p=p)
        e = ib.estimate_entropy(x, method="pym", base="nats", ci=0.95)
        errs.append(e.value - h)
        hits += e.low <= h <= e.high
    plug = ib.estimate_entropy(x, method="plugin", base="nats").value
    assert abs(np.mean(errs)) < 0.15
    assert hits >= 5
    assert abs(errs[-1]) < abs(plug - h)  # and it beats the plug-in


def test_zipf_estimate_approaches_the_truth_as_n_grows():
    rng = np.random.default_rng(5)
    p = 1 / np.arange(1, 2001) ** 1.5
    p /= p.sum()
    h = float(-(p * np.log(p)).sum())
    err = []
    for n in (500, 5000, 50000):
        c = rng.multinomial(n, p).astype(float)
        err.append(abs(ib.estimate_entropy(ib.counts(c), method="pym", base="nats").value - h))
    assert err[-1] < 0.02
    assert err[-1] < err[0]


# ----------------------------------------------------------------------------- behaviour


def test_rows_are_estimated_each_as_alone():
    c = np.array([[1.0, 2, 2, 4, 0], [5, 1, 1, 3, 9]])
    both = ib.estimate_entropy(ib.counts(c), method="pym").value
    one = [ib.estimate_entropy(ib.counts(r), method="pym").value for r in c]
    np.testing.assert_allclose(both, one, rtol=1e-12)


def test_alphabet_size_is_not_used():
    c = ib.counts([1, 1, 2, 1, 3])
    e = ib.estimate_entropy(c, method="pym", ci=0.95, base="nats")
    assert e.high > math.log(5)
    f = ib.estimate_entropy(c, method="pym", ci=0.95, base="nats", alphabet_size=6)
    assert (f.value, f.interval) == (e.value, e.interval)


def test_improper_posterior_is_infinite_with_a_one_sided_interval_and_a_note():
    e = ib.estimate_entropy(["a", "b", "c", "a"], method="pym", ci=0.9, base="nats")
    assert e.value == math.inf and e.high == math.inf
    assert 0 < e.low <= math.log(3)
    assert any("improper" in n for n in e.notes)
    e = ib.estimate_entropy(list("abcd"), method="pym")
    assert e.value == math.inf and any("improper" in n for n in e.notes)


def test_posterior_interval_is_mean_plus_minus_z_sd():
    e = ib.estimate_entropy(ib.counts([1, 2, 2, 4]), method="pym", ci=0.95, base="nats")
    assert e.interval_kind == "posterior"
    assert e.low == pytest.approx(e.value - 1.959963984540054 * e.stderr)
    assert e.high == pytest.approx(e.value + 1.959963984540054 * e.stderr)


@pytest.mark.parametrize(
    ("kw", "exc", "word"),
    [
        (dict(method="pym", ci=1.5), ValueError, "ci"),
        (dict(method="PYM"), ValueError, "method"),
        (dict(method="pym", n_boot=2.5), TypeError, "n_boot"),
    ],
)
def test_bad_options_are_refused_by_name(kw, exc, word):
    with pytest.raises(exc, match=word):
        ib.estimate_entropy(ib.counts([1, 2, 3]), **kw)


def test_huge_counts_fall_back_to_the_plugin():
    e = ib.estimate_entropy(ib.counts([1e300, 1e300]), method="pym", ci=0.9)
    assert e.value == pytest.approx(1.0)
