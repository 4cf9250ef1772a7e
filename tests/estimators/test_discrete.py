"""Discrete entropy estimators against hand-worked values, brute force, mpmath and simulation."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

import infobits as ib
from infobits.estimators import discrete as D

EULER = 0.5772156649015329


def H(counts, method, **kw):
    return ib.estimate_entropy(ib.counts(counts), method=method, base="nats", **kw).value


def test_plugin_equals_entropy_of_frequencies():
    c = [5, 3, 2]
    assert H(c, "plugin") == pytest.approx(float(ib.entropy(ib.counts(c), base="nats")), abs=1e-14)


def test_miller_madow_adds_m_minus_one_over_2n():
    c = [5, 3, 2, 0]
    assert H(c, "miller_madow") == pytest.approx(H(c, "plugin") + 2 / 20, abs=1e-14)


def test_grassberger_g_matches_hand_worked_values():
    g = D.grassberger_g(np.array([1, 2, 3, 4, 5]))
    ln2 = math.log(2)
    assert g[0] == pytest.approx(-EULER - ln2, abs=1e-13)
    assert g[1] == pytest.approx(2 - EULER - ln2, abs=1e-13)
    assert g[2] == pytest.approx(g[1], abs=1e-13)  # G(2k+1) = G(2k)
    assert g[3] == pytest.approx(g[1] + 2 / 3, abs=1e-13)  # G(2k+2) = G(2k) + 2/(2k+1)
    assert g[4] == pytest.approx(g[3], abs=1e-13)


def test_grassberger_is_log_n_minus_mean_g():
    c = np.array([3.0, 1.0, 1.0])
    ln2 = math.log(2)
    g1, g3 = -EULER - ln2, 2 - EULER - ln2
    assert H(c, "grassberger") == pytest.approx(math.log(5) - (3 * g3 + 2 * g1) / 5, abs=1e-13)


def test_grassberger_corrects_upward_not_downward():
    # the sign error of ndd made Grassberger smaller than the plug-in; it must be larger
    c = np.random.default_rng(1).multinomial(50, np.full(100, 0.01))
    assert H(c, "grassberger") > H(c, "plugin")


def _brute_jackknife(c):
    samples = np.repeat(np.arange(len(c)), c)
    n = len(samples)

    def plug(s):
        _, k = np.unique(s, return_counts=True)
        p = k / k.sum()
        return -(p * np.log(p)).sum()

    loo = np.array([plug(np.delete(samples, j)) for j in range(n)])
    h_jk = n * plug(samples) - (n - 1) * loo.mean()
    se = math.sqrt((n - 1) / n * ((loo - loo.mean()) ** 2).sum())
    return h_jk, se


@pytest.mark.parametrize("c", [[3, 1, 1], [4, 4, 2, 1, 1], [7, 1]])
def test_jackknife_matches_leave_one_out_brute_force(c):
    e = ib.estimate_entropy(ib.counts(c), method="jackknife", base="nats")
    h, se = _brute_jackknife(c)
    assert e.value == pytest.approx(h, abs=1e-12)
    assert e.stderr == pytest.approx(se, abs=1e-12)


def _zhang_series(c):
    c = [int(v) for v in c if v]
    n = sum(c)
    tot = mp.mpf(0)
    for v in range(1, n):
        inner = mp.mpf(0)
        for nk in c:
            prod = mp.mpf(1)
            for j in range(v):
                prod *= 1 - mp.mpf(nk - 1) / (n - 1 - j)
            inner += mp.mpf(nk) / n * prod
        tot += inner / v
    return float(tot)


@pytest.mark.parametrize("c", [[3, 1, 1], [5, 2, 2, 1], [1, 1], [6]])
def test_zhang_digamma_form_equals_zhang_2012_series(c):
    assert H(c, "zhang") == pytest.approx(_zhang_series(c), abs=1e-12)


def test_chao_shen_hand_worked():
    c = np.array([2.0, 1.0, 1.0])  # N = 4, f1 = 2, coverage 1/2
    pa = 0.5 * c / 4
    want = float(np.sum(-pa * np.log(pa) / (1 - (1 - pa) ** 4)))
    assert H(c, "chao_shen") == pytest.approx(want, abs=1e-13)


def _cwj_printed(c):
    """Chao, Wang & Jost 2013, eq. (7), evaluated as printed, in mpmath."""
    mp.mp.dps = 50
    n = sum(c)
    f1 = sum(1 for v in c if v == 1)
    f2 = sum(1 for v in c if v == 2)
    first = sum(mp.mpf(v) / n * (mp.digamma(n) - mp.digamma(v)) for v in c if 1 <= v <= n - 1)
    if f2 > 0:
        a = mp.mpf(2 * f2) / ((n - 1) * f1 + 2 * f2)
    elif f1 > 0:
        a = mp.mpf(2) / ((n - 1) * (f1 - 1) + 2)
    else:
        a = mp.mpf(1)
    if f1 == 0 or a == 1:
        return float(first)
    tail = -mp.log(a) - sum((1 - a) ** r / r for r in range(1, n))
    return float(first + mp.mpf(f1) / n * (1 - a) ** (1 - n) * tail)


@pytest.mark.parametrize(
    "c", [[3, 1, 1], [5, 2, 2, 1, 1, 1], [1, 1, 1, 1], [4, 3], [1], [10, 1, 1, 1, 2, 5, 1]]
)
def test_chao_wang_jost_matches_printed_formula_in_mpmath(c):
    assert H(c, "chao_wang_jost") == pytest.approx(_cwj_printed(c), rel=1e-12, abs=1e-12)


def test_chao_wang_jost_large_n_is_finite_and_matches_mpmath():
    c = [1] * 300 + [2] * 2 + [500]
    assert H(c, "chao_wang_jost") == pytest.approx(_cwj_printed(c), rel=1e-10)


def test_james_stein_hand_worked():
    c = np.array([3.0, 1.0, 0.0])
    p = c / 4
    t = 1 / 4  # K = 4: one symbol has no bin at all
    lam = (1 - (p**2).sum()) / (3 * (((t - p) ** 2).sum() + t * t))
    ps = np.r_[lam * t + (1 - lam) * p, lam * t]
    assert H(c, "james_stein", alphabet_size=4) == pytest.approx(-(ps * np.log(ps)).sum())


ALL = ["plugin", "miller_madow", "jackknife", "grassberger", "zhang", "chao_shen",
       "chao_wang_jost", "james_stein", "dirichlet", "nsb"]  # fmt: skip


@pytest.mark.parametrize("method", ALL)
def test_batched_rows_equal_one_row_at_a_time(method):
    rng = np.random.default_rng(3)
    c = rng.multinomial(40, rng.dirichlet(np.ones(12)), size=5)
    batch = ib.estimate_entropy(ib.counts(c), method=method, alphabet_size=12).value
    one = [ib.estimate_entropy(ib.counts(r), method=method, alphabet_size=12).value for r in c]
    np.testing.assert_allclose(batch, one, rtol=1e-9)


@pytest.mark.parametrize("method", ALL)
def test_large_sample_estimates_converge_to_the_true_entropy(method):
    p = np.array([0.5, 0.25, 0.125, 0.0625, 0.0625])
    c = np.random.default_rng(4).multinomial(200_000, p)
    h = H(c, method, alphabet_size=5)
    assert h == pytest.approx(float(ib.entropy(p, base="nats")), abs=0.01)


def test_auto_beats_plugin_on_undersampled_zipf_simulated_truth():
    k = 1000
    p = 1 / np.arange(1, k + 1)
    p /= p.sum()
    truth = float(ib.entropy(p, base="nats"))
    c = np.random.default_rng(5).multinomial(500, p, size=40)
    for ab in (k, None):
        e = ib.estimate_entropy(ib.counts(c), alphabet_size=ab, base="nats")
        rmse = float(np.sqrt(np.mean((e.value - truth) ** 2)))
        assert rmse < 0.2, (e.method, rmse)
    plug = ib.estimate_entropy(ib.counts(c), method="plugin", base="nats").value
    assert float(np.sqrt(np.mean((plug - truth) ** 2))) > 0.5
