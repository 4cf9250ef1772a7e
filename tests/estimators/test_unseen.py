"""The unseen estimator (Valiant & Valiant 2013/2017) on the paper's examples and by
Monte Carlo, and its linear programs checked against their definition.

The paper's headline example: a uniform distribution over 1000 symbols seen through
1000 samples, where the plug-in is 8% low and the unseen estimate is within a few
percent; and uniform distributions over K seen through N = K/10 samples, where most
symbols are never seen.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import poisson

import infobits as ib
from infobits.estimators import unseen as U
from infobits.estimators._fingerprint import fingerprint


def _h(c, **kw):
    return ib.estimate_entropy(ib.counts(c), method="unseen", base="nats", **kw)


@pytest.mark.parametrize(
    ("k", "n", "tol"), [(1000, 1000, 0.03), (10**5, 10**4, 0.03), (1000, 300, 0.08)]
)
def test_uniform_examples_of_the_paper(k, n, tol):
    rng = np.random.default_rng(7)
    est = [
        _h(np.bincount(rng.integers(0, k, n), minlength=k).astype(float)).value for _ in range(8)
    ]
    assert abs(np.mean(est) - math.log(k)) < tol * math.log(k)
    plug = ib.estimate_entropy(ib.counts(np.bincount(rng.integers(0, k, n))), method="plugin")
    assert abs(np.mean(est) - math.log(k)) < abs(plug.value * math.log(2) - math.log(k))


def test_zipf_monte_carlo_and_the_range_covers():
    rng = np.random.default_rng(9)
    p = 1 / np.arange(1, 10**4 + 1)
    p /= p.sum()
    h = float(-(p * np.log(p)).sum())
    errs, hits = [], 0
    for _ in range(10):
        e = _h(rng.multinomial(5000, p).astype(float), ci=0.95)
        errs.append(e.value - h)
        hits += e.low <= h <= e.high
    assert abs(np.mean(errs)) < 0.1
    assert hits >= 8


def test_well_sampled_distribution_is_near_the_plugin():
    rng = np.random.default_rng(2)
    c = rng.multinomial(10**5, np.full(100, 0.01)).astype(float)
    e = _h(c, ci=0.95)
    assert abs(e.value - math.log(100)) < 0.02
    assert e.low <= math.log(100) <= e.high


def test_recovered_histogram_meets_the_constraints():
    rng = np.random.default_rng(4)
    c = np.bincount(rng.integers(0, 2000, 1500))
    v, f = fingerprint(c)
    x, h = U.unseen_histogram(v, f)
    assert np.all(h > 0) and np.all(x > 0)
    assert float((x * h).sum()) == pytest.approx(1.0, abs=1e-7)
    # its expected fingerprint (Poisson) is close to the observed one where it is dense
    n = float((v * f).sum())
    for i in (1, 2, 3):
        want = float(f[v == i].sum()) if (v == i).any() else 0.0
        got = float((h * poisson.pmf(i, n * x)).sum())
        assert abs(got - want) <= 3 * math.sqrt(want + 1)


def test_entropy_is_that_of_the_histogram_and_the_range_holds_it():
    c = np.array([[5.0, 1, 1, 2, 1, 1, 3, 1, 1, 1, 2, 7]])
    v, f = fingerprint(c[0])
    x, h = U.unseen_histogram(v, f)
    est, lo, hi = U.unseen_range(c)
    assert est[0] == pytest.approx(float(-(h * x * np.log(x)).sum()), rel=1e-12)
    assert lo[0] <= est[0] + 1e-9 <= hi[0] + 2e-9


def test_only_frequent_symbols_are_taken_at_face_value():
    # every count large and isolated: the histogram is the empirical one
    c = np.array([1000.0, 3000, 6000])
    e = _h(c, ci=0.9)
    assert e.value == pytest.approx(
        ib.estimate_entropy(ib.counts(c), method="plugin", base="nats").value
    )
    se = ib.estimate_entropy(ib.counts(c), method="plugin", base="nats").stderr
    assert e.interval == pytest.approx(
        (e.value - 1.6448536269514722 * se, e.value + 1.6448536269514722 * se)
    )


def test_small_sample_is_not_taken_at_face_value():
    e = _h([3.0, 3, 1], ci=0.95)
    assert e.high - e.low > 0.2


def test_interval_is_the_range_with_a_note():
    e = _h([1, 1, 2, 3, 1, 1, 1, 2, 4], ci=0.95)
    assert e.interval_kind == "unseen range"
    assert any("not a confidence interval" in n for n in e.notes)
    assert e.low <= e.value <= e.high


def test_rows_are_estimated_each_as_alone():
    c = np.array([[1.0, 2, 2, 4, 0, 1], [5, 1, 1, 3, 9, 2]])
    both = ib.estimate_entropy(ib.counts(c), method="unseen", ci=0.9)
    for i, r in enumerate(c):
        one = ib.estimate_entropy(ib.counts(r), method="unseen", ci=0.9)
        assert both.value[i] == pytest.approx(one.value, rel=1e-9)
        assert both.interval[1][i] == pytest.approx(one.interval[1], rel=1e-9)


def test_huge_counts_use_the_plugin():
    e = ib.estimate_entropy(ib.counts([1e300, 1e300]), method="unseen", ci=0.9)
    assert e.value == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("kw", "exc", "word"),
    [
        (dict(method="unseen", ci=0.0), ValueError, "ci"),
        (dict(method="unseeen"), ValueError, "method"),
        (dict(method="unseen", seed=-1), ValueError, "seed"),
    ],
)
def test_bad_options_are_refused_by_name(kw, exc, word):
    with pytest.raises(exc, match=word):
        ib.estimate_entropy(ib.counts([1, 2, 3]), **kw)
