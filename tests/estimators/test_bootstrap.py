"""Bootstrap resampling and intervals, and half-samples for point data."""

from __future__ import annotations

import numpy as np
import pytest

from infobits.estimators.bootstrap import (
    bootstrap_one,
    half_samples,
    percentile_interval,
    resample,
)


def test_resamples_keep_each_rows_total_and_support():
    c = np.array([[5.0, 0.0, 3.0], [1.0, 1.0, 1.0]])
    d = resample(c, 200, np.random.default_rng(0))
    assert d.shape == (200, 2, 3)
    np.testing.assert_array_equal(d.sum(axis=-1), np.broadcast_to([8.0, 3.0], (200, 2)))
    assert np.all(d[:, 0, 1] == 0)  # a bootstrap never draws an unseen symbol


def test_resampled_frequencies_average_to_the_observed_ones():
    c = np.array([[6.0, 3.0, 1.0]])
    d = resample(c, 20_000, np.random.default_rng(1))
    np.testing.assert_allclose(d.mean(axis=0)[0] / 10, [0.6, 0.3, 0.1], atol=0.01)


def test_bootstrap_one_applies_the_statistic_to_every_replicate_and_row():
    c = np.array([[4.0, 4.0], [7.0, 1.0]])
    reps = bootstrap_one(c, lambda d, rows: d[:, 0] / d.sum(axis=1), 500, np.random.default_rng(2))
    assert reps.shape == (500, 2)
    np.testing.assert_allclose(reps.mean(axis=0), [0.5, 7 / 8], atol=0.03)


def test_interval_is_the_basic_bootstrap_around_the_plugin_center():
    reps = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
    sd, lo, hi = percentile_interval(reps, 0.5, np.array([10.0]), np.array([3.5]))
    q_lo, q_hi = np.quantile(reps[:, 0], [0.25, 0.75])
    assert lo[0] == pytest.approx(10 - (q_hi - 3.5)) and hi[0] == pytest.approx(10 - (q_lo - 3.5))
    assert sd[0] == pytest.approx(np.std(reps, ddof=1))


def test_interval_without_a_finite_center_is_shifted_to_the_estimate():
    reps = np.array([[1.0], [2.0], [3.0]])
    _, lo, hi = percentile_interval(reps, 0.5, np.array([10.0]), np.array([np.inf]))
    assert (lo[0] + hi[0]) / 2 == pytest.approx(10.0)


def test_half_samples_draw_distinct_indices_of_half_the_size():
    seen = []

    def stat(i, j):
        seen.append((i, j))
        return float(len(i) + len(j))

    out = half_samples(stat, (11, 6), 5, np.random.default_rng(3))
    assert out.tolist() == [8.0] * 5
    for i, j in seen:
        assert len(set(i.tolist())) == 5 and len(set(j.tolist())) == 3
        assert i.max() < 11 and j.max() < 6


def test_bootstrap_in_blocks_passes_each_block_its_own_rows(monkeypatch):
    # few cells per block: rows and replicates are both split, and every block's
    # statistic must see which rows it was drawn from
    from infobits.estimators import bootstrap

    monkeypatch.setattr(bootstrap, "_CELLS", 8)
    c = np.array([[4.0, 4.0], [7.0, 1.0], [1.0, 9.0]])
    seen = []

    def stat(d, rows):
        seen.append(rows.tolist())
        assert d.shape[0] % rows.size == 0
        return np.tile(rows.astype(float), d.shape[0] // rows.size)

    reps = bootstrap_one(c, stat, 7, np.random.default_rng(0))
    assert reps.shape == (7, 3)
    np.testing.assert_array_equal(reps, np.tile([0.0, 1.0, 2.0], (7, 1)))
    assert len(seen) > 3  # replicates came in several blocks


# Wide rows (issue 11, item 3): resampled by conditioned Poisson draws in O(bins) a
# replicate. The reference below is the definition of the bootstrap: n draws with
# replacement from the n observed samples, counted.


def _by_definition(c: np.ndarray, reps: int, rng: np.random.Generator) -> np.ndarray:
    labels = np.repeat(np.arange(c.size), c.astype(np.int64))
    out = np.empty((reps, c.size))
    for r in range(reps):
        out[r] = np.bincount(rng.choice(labels, labels.size), minlength=c.size)
    return out


def _plugin(d: np.ndarray) -> np.ndarray:
    f = d / d.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.where(f > 0, f * np.log(f), 0.0).sum(axis=-1)


# 700 singletons and 300 doubletons (inversion tables), a few distinct larger counts
# (NumPy's Poisson), and bins never seen
_ROW = np.concatenate([np.ones(700), np.full(300, 2.0), [0, 0, 5, 9, 40, 40, 250]])


@pytest.mark.parametrize("spare", [3.0, 0.0])  # 0: half of the Poisson draws rejected
def test_wide_resamples_are_multinomial(monkeypatch, spare):
    from scipy.stats import ks_2samp

    from infobits.estimators import bootstrap

    monkeypatch.setattr(bootstrap, "_SPARE", spare)
    c = _ROW
    w = bootstrap._Wide(c, int(c.sum()))
    assert w.tables  # the groups of equal counts go through the inversion tables
    reps = 3000
    rng = np.random.default_rng(11)
    fast = np.empty((reps, c.size))
    for r in range(reps):
        w(rng, fast[r])
    ref = _by_definition(c, reps, np.random.default_rng(12))
    np.testing.assert_array_equal(fast.sum(axis=1), c.sum())
    assert np.all(fast[:, c == 0] == 0)
    n = c.sum()
    p = c / n
    # per bin: mean n p and variance n p (1 - p), within 5 standard errors
    se_mean = np.sqrt(n * p * (1 - p) / reps)
    assert np.all(np.abs(fast.mean(axis=0) - n * p) <= 5 * se_mean + 1e-12)
    var = n * p * (1 - p)
    se_var = var * np.sqrt(2 / reps) + 1e-12
    big = c >= 40
    assert np.all(np.abs(fast.var(axis=0, ddof=1)[big] - var[big]) <= 5 * se_var[big])
    # the covariance of two bins is −n p_i p_j (a singleton and the largest bin)
    cov = np.cov(fast[:, 0], fast[:, -1])[0, 1]
    sd = np.sqrt(var[0] * var[-1] / reps)
    assert abs(cov - (-n * p[0] * p[-1])) <= 6 * sd
    # the bootstrap distribution of the plug-in entropy is the same as by definition
    h_fast, h_ref = _plugin(fast), _plugin(ref)
    assert ks_2samp(h_fast, h_ref).pvalue > 1e-3
    assert abs(h_fast.std() / h_ref.std() - 1) < 0.1
    # the fingerprint: how many of the singletons (doubletons) hold k draws, against its
    # exact mean m · Binomial(n, c/n).pmf(k), within 5 standard errors
    from scipy.stats import binom

    for lo, hi, cnt in ((0, 700, 1), (700, 1000, 2)):
        for k in range(8):
            f = (fast[:, lo:hi] == k).sum(axis=1)
            exact = (hi - lo) * binom.pmf(k, n, cnt / n)
            assert abs(f.mean() - exact) <= 5 * f.std() / np.sqrt(reps) + 1e-9, (cnt, k)


def test_wide_and_narrow_rows_drawn_together(monkeypatch):
    from infobits.estimators import bootstrap

    monkeypatch.setattr(bootstrap, "_WIDE", 500)
    c = np.stack([_ROW, np.concatenate([[30.0, 20.0], np.zeros(_ROW.size - 2)])])
    d = resample(c, 50, np.random.default_rng(3))
    assert d.shape == (50, 2, _ROW.size)
    np.testing.assert_array_equal(d.sum(axis=-1), np.broadcast_to(c.sum(axis=-1), (50, 2)))
    assert np.all(d[:, 1, 2:] == 0) and np.all(d[:, 0, _ROW == 0] == 0)


def _wide_counts(k: int, n: int, seed: int = 5) -> np.ndarray:
    p = 1 / np.arange(1, k + 1)
    c = np.random.default_rng(seed).multinomial(n, p / p.sum())
    return c[c > 0].astype(np.float64)


def test_wide_bootstrap_is_deterministic_in_its_seed():
    import infobits as ib

    c = ib.counts(_wide_counts(20_000, 200_000))
    a = ib.estimate_entropy(c, ci=0.95, n_boot=50, seed=7)
    b = ib.estimate_entropy(c, ci=0.95, n_boot=50, seed=7)
    other = ib.estimate_entropy(c, ci=0.95, n_boot=50, seed=8)
    assert a.interval == b.interval and a.stderr == b.stderr
    assert a.interval != other.interval


def test_bootstrap_of_a_million_symbols_stays_in_bounded_memory():
    import tracemalloc

    import infobits as ib

    c = ib.counts(_wide_counts(10**6, 10**7))
    tracemalloc.start()
    try:
        e = ib.estimate_entropy(c, ci=0.95, n_boot=8, seed=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert e.interval is not None
    assert peak < 256 * 2**20, f"peak {peak / 2**20:.0f} MiB"
