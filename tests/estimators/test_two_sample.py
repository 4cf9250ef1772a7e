"""Two-sample estimators: KL divergence and cross-entropy from x ~ p and y ~ q."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

import infobits as ib
from infobits.estimators.discrete import cross_entropy_kernel, entropy_for_kl


def test_smoothed_plugin_kl_hand_worked():
    x = ["a"] * 80 + ["b"] * 20
    y = ["a"] * 50 + ["b"] * 50
    q = np.array([50.5, 50.5]) / 101
    want = 0.8 * math.log(0.8 / q[0]) + 0.2 * math.log(0.2 / q[1])
    got = ib.estimate_kl_divergence(x, y, method="plugin", base="nats").value
    assert got == pytest.approx(want, abs=1e-14)


def _zg_series(x, y):
    """Zhang & Grabchak (2014), eq. (5), as printed: products, in mpmath."""
    n, m = sum(x), sum(y)
    tot = mp.mpf(0)
    for xk, yk in zip(x, y, strict=True):
        if xk == 0:
            continue
        a = mp.mpf(0)
        for v in range(1, m + 1):
            prod = mp.mpf(1)
            for j in range(1, v + 1):
                prod *= 1 - mp.mpf(yk) / (m - j + 1)
            a += prod / v
        b = mp.mpf(0)
        for v in range(1, n):
            prod = mp.mpf(1)
            for j in range(1, v + 1):
                prod *= 1 - mp.mpf(xk - 1) / (n - j)
            b += prod / v
        tot += mp.mpf(xk) / n * (a - b)
    return float(tot)


@pytest.mark.parametrize("x,y", [([3, 1, 0], [1, 2, 2]), ([2, 2, 1], [4, 0, 1]), ([5, 1], [1, 5])])
def test_zhang_grabchak_digamma_form_equals_the_printed_series(x, y):
    a, b = np.array([x], dtype=float), np.array([y], dtype=float)
    k = np.array([float(len(x))])
    raw = cross_entropy_kernel(a, b, "zhang_grabchak", k, 0.5)
    raw = raw - entropy_for_kl(a, "zhang_grabchak", k, 0.5)
    assert raw[0] == pytest.approx(_zg_series(x, y), abs=1e-12)
    got = ib.estimate_kl_divergence(ib.counts(x), ib.counts(y), base="nats")
    assert got.value == pytest.approx(max(_zg_series(x, y), 0.0), abs=1e-12)


def test_kl_and_mi_estimates_are_never_negative_and_say_when_clipped():
    # Identical samples are not independent draws: the bias-corrected estimate of
    # H(p, q) - H(p) falls below zero, where no divergence can be.
    rng = np.random.default_rng(0)
    p = 1 / np.arange(1, 201)
    x = rng.choice(200, size=300, p=p / p.sum())
    e = ib.estimate_kl_divergence(x, x, ci=0.9, seed=1, n_boot=50)
    assert e.value == 0.0
    assert e.interval is not None and min(e.interval) >= 0.0
    assert any("below 0" in n for n in e.notes)
    y = rng.choice(200, size=300, p=p / p.sum())
    mi = ib.estimate_mutual_information(x, y, method="chao_wang_jost")
    assert mi.value >= 0.0
    knn = ib.estimate_kl_divergence(rng.normal(size=200), rng.normal(size=200), method="knn")
    assert knn.value >= 0.0


def test_dirichlet_kl_matches_monte_carlo_over_the_posteriors():
    x, y, a = np.array([6.0, 3.0, 1.0]), np.array([2.0, 4.0, 4.0]), 0.5
    got = ib.estimate_kl_divergence(
        ib.counts(x), ib.counts(y), method="dirichlet", pseudocount=a, base="nats"
    ).value
    rng = np.random.default_rng(0)
    p = rng.dirichlet(x + a, 200_000)
    q = rng.dirichlet(y + a, 200_000)
    d = (p * np.log(p / q)).sum(axis=1)
    assert got == pytest.approx(d.mean(), abs=4 * d.std() / math.sqrt(d.size))


@pytest.mark.parametrize("method", ["plugin", "dirichlet", "zhang_grabchak"])
def test_kl_is_cross_entropy_minus_matching_entropy_and_converges(method):
    p = np.array([0.5, 0.3, 0.2])
    q = np.array([0.2, 0.3, 0.5])
    rng = np.random.default_rng(1)
    x, y = rng.multinomial(100_000, p), rng.multinomial(100_000, q)
    d = ib.estimate_kl_divergence(ib.counts(x), ib.counts(y), method=method).value
    h = ib.estimate_cross_entropy(ib.counts(x), ib.counts(y), method=method).value
    assert d == pytest.approx(float(ib.kl_divergence(p, q)), abs=0.01)
    assert h == pytest.approx(float(ib.cross_entropy(p, q)), abs=0.01)


def test_zhang_grabchak_is_finite_when_y_misses_a_symbol():
    e = ib.estimate_kl_divergence(["a", "a", "b"], ["a", "a", "a"])
    assert math.isfinite(e.value)


def test_two_samples_are_aligned_by_label():
    a = ib.estimate_kl_divergence(["x", "y", "y"], ["y", "z", "z"], method="plugin").value
    b = ib.estimate_kl_divergence(ib.counts([1, 2, 0]), ib.counts([0, 1, 2]), method="plugin").value
    assert a == pytest.approx(b)


def test_kl_bootstrap_interval_brackets_the_estimate():
    rng = np.random.default_rng(2)
    x = rng.integers(0, 4, 300)
    y = rng.integers(0, 5, 300)
    e = ib.estimate_kl_divergence(x, y, ci=0.9, n_boot=200, seed=1)
    assert e.low < e.value < e.high and e.interval_kind == "bootstrap"


@pytest.mark.parametrize("method", ["plugin", "dirichlet", "zhang_grabchak"])
def test_symbols_of_x_missing_from_y_are_flagged_by_every_method(method):
    e = ib.estimate_kl_divergence(["a"] * 10 + ["b"] * 5, ["a"] * 10, method=method)
    assert np.isfinite(e.value)
    assert any("33% of x never occur in y" in n for n in e.notes)


def test_an_estimate_outside_its_bootstrap_interval_is_noted():
    rng = np.random.default_rng(20)
    n = rng.integers(8, 30)
    a, b = rng.integers(0, 6, n), rng.integers(0, 6, n)
    e = ib.estimate_cross_entropy(a, b, method="dirichlet", ci=0.95, seed=20, base="nats")
    said = [t for t in e.notes if "lies outside the bootstrap interval" in t]
    assert len(said) == 1 and "widened to reach the estimate" in said[0]
    assert e.low <= e.value <= e.high and e.value in (e.low, e.high)
    # without the widening there is no note
    e = ib.estimate_cross_entropy(a, b, method="plugin", ci=0.95, seed=20, base="nats")
    assert not any("lies outside" in t for t in e.notes) or e.value in (e.low, e.high)
