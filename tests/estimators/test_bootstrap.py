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
