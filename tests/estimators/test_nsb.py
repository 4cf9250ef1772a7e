"""NSB and the Dirichlet posterior: against an mpmath quadrature, Monte Carlo and hand work."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

import infobits as ib
from infobits.estimators.nsb import _trigamma, dirichlet_entropy, nsb_entropy


def H(counts, method, **kw):
    return ib.estimate_entropy(ib.counts(counts), method=method, base="nats", **kw).value


def _nsb_mpmath(n, k):
    mp.mp.dps = 15
    big_n = sum(n)

    def alphas(b):
        return [c + b for c in n] + [b] * (k - len(n))

    def lik(b):
        lg = mp.loggamma
        return mp.exp(lg(k * b) - lg(big_n + k * b) + sum(lg(c + b) - lg(b) for c in n))

    def eh(b):
        a = big_n + k * b
        return mp.digamma(a + 1) - sum(x / a * mp.digamma(x + 1) for x in alphas(b))

    def eh2(b):
        a = big_n + k * b
        al = alphas(b)
        s = 0
        for i, ai in enumerate(al):
            for j, aj in enumerate(al):
                if i != j:
                    u = (mp.digamma(ai + 1) - mp.digamma(a + 2)) * (
                        mp.digamma(aj + 1) - mp.digamma(a + 2)
                    )
                    s += ai * aj * (u - mp.psi(1, a + 2))
                else:
                    w = mp.digamma(ai + 2) - mp.digamma(a + 2)
                    s += ai * (ai + 1) * (w**2 + mp.psi(1, ai + 2) - mp.psi(1, a + 2))
        return s / (a * (a + 1))

    def dens(t, g):
        b = mp.e**t
        return g(b) * lik(b) * (k * mp.psi(1, k * b + 1) - mp.psi(1, b + 1)) * b

    pts = [-30, -10, -5, -2, 0, 2, 5, 10, 20]
    z = mp.quad(lambda t: dens(t, lambda b: 1), pts)
    m = mp.quad(lambda t: dens(t, eh), pts) / z
    m2 = mp.quad(lambda t: dens(t, eh2), pts) / z
    return float(m), float(mp.sqrt(m2 - m * m))


@pytest.mark.parametrize("n,k", [([3, 1], 3), ([2, 1, 1], 4), ([5], 2)])
def test_nsb_matches_mpmath_quadrature_of_the_posterior(n, k):
    m, s = nsb_entropy(np.array([n], float), np.array([k]))
    rm, rs = _nsb_mpmath(n, k)
    assert m[0] == pytest.approx(rm, rel=1e-5)
    assert s[0] == pytest.approx(rs, rel=1e-4)


def test_dirichlet_posterior_moments_match_monte_carlo():
    c = np.array([6.0, 3.0, 1.0, 0.0, 0.0])
    a = 0.5
    m, s = dirichlet_entropy(c[None], np.array([5.0]), a)
    draws = np.random.default_rng(0).dirichlet(c + a, size=200_000)
    h = -(draws * np.log(draws)).sum(axis=1)
    assert m[0] == pytest.approx(h.mean(), abs=3 * h.std() / math.sqrt(h.size))
    assert s[0] == pytest.approx(h.std(), rel=0.01)


def test_dirichlet_closed_form_hand_worked():
    # Wolpert–Wolf: E[H] = ψ(A+1) − Σ α/A ψ(α+1); α = (2, 1), A = 3
    from scipy.special import digamma

    want = digamma(4) - (2 / 3 * digamma(3) + 1 / 3 * digamma(2))
    got = H([1, 0], "dirichlet", alphabet_size=2, concentration=1.0)
    assert got == pytest.approx(want, abs=1e-13)


def test_nsb_with_a_one_symbol_alphabet_is_exactly_zero():
    e = ib.estimate_entropy(ib.counts([[4, 0], [1, 1]]), alphabet_size=[1, 2], ci=0.9)
    assert e.value[0] == 0.0 and e.stderr[0] == 0.0 and e.value[1] > 0


def test_nsb_is_stable_from_tiny_to_huge_samples():
    k = 1000
    p = 1 / np.arange(1, k + 1)
    p /= p.sum()
    rng = np.random.default_rng(9)
    c = np.stack([rng.multinomial(n, p) for n in (3, 30, 3000, 10**6, 10**8)]).astype(float)
    m, s = nsb_entropy(c, np.full(5, k))
    assert np.all(np.isfinite(m)) and np.all(s >= 0)
    assert m[-1] == pytest.approx(float(ib.entropy(p, base="nats")), abs=1e-3)
    assert s[-1] < 1e-3 < s[0]


def test_fast_trigamma_matches_mpmath():
    x = np.array([1e-9, 0.3, 1.0, 9.99, 10.0, 57.5, 1e7])
    want = np.array([float(mp.psi(1, v)) for v in x])
    np.testing.assert_allclose(_trigamma(x), want, rtol=1e-12)
