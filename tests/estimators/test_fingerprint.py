"""Fingerprints and the fingerprint bootstrap: the same numbers as the count vectors.

Every estimator in FINGERPRINT_METHODS must give, from a row's fingerprint, the number
its count kernel gives from the row (hypothesis); the unlabelled resampler must draw the
same distribution of count multisets as the labelled one; and the bootstrap of a wide
row by fingerprints must give the replicates' distribution of the count-vector path,
in memory that does not grow with the number of replicates.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import infobits as ib
from infobits.estimators import _fingerprint as F
from infobits.estimators.bootstrap import _Wide, bootstrap_one
from infobits.estimators.discrete import ENTROPY_METHODS

rows_of_counts = st.lists(
    st.lists(st.integers(0, 40), min_size=1, max_size=30).filter(lambda r: sum(r) > 0),
    min_size=1,
    max_size=4,
)


@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=200))
def test_fingerprint_is_the_count_of_each_value(xs):
    v, m = F.fingerprint(np.array(xs))
    vals, counts = np.unique([x for x in xs if x > 0], return_counts=True)
    assert v.tolist() == vals.tolist() and m.tolist() == counts.tolist()


def test_fingerprint_of_large_counts():
    x = np.array([0, 1, 70000, 70000, 5, 2**40, 1])
    v, m = F.fingerprint(x)
    assert v.tolist() == [1, 5, 70000, 2**40] and m.tolist() == [2, 1, 2, 1]


@settings(max_examples=60, deadline=None)
@given(rows_of_counts, st.sampled_from(sorted(F.FINGERPRINT_METHODS)))
def test_fingerprint_estimates_equal_the_count_kernels(rows, method):
    width = max(len(r) for r in rows)
    c = np.array([r + [0] * (width - len(r)) for r in rows], dtype=np.float64)
    want = ENTROPY_METHODS[method](c, None)[0]
    got = F.entropy_of_profile(F.profile(c), method)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("method", sorted(F.FINGERPRINT_METHODS))
def test_fingerprint_estimates_on_large_samples(method):
    rows = [_zipf_counts(5000, n, seed=n) for n in (50, 5000, 10**6)]
    width = max(r.size for r in rows)
    c = np.array([np.pad(r, (0, width - r.size)) for r in rows])
    want = ENTROPY_METHODS[method](c, None)[0]
    np.testing.assert_allclose(F.entropy_of_profile(F.profile(c), method), want, rtol=1e-11)


def _zipf_counts(k, n, seed=0):
    p = 1 / np.arange(1, k + 1)
    c = np.random.default_rng(seed).multinomial(n, p / p.sum()).astype(np.float64)
    return c[c > 0]


def test_profile_draws_have_the_law_of_count_vector_draws():
    row = _zipf_counts(6000, 20000)
    n = int(row.sum())
    w = _Wide(row, n)
    ps = F._ProfileSampler(*F.fingerprint(row), n)
    rng = np.random.default_rng(1)
    a, b = [], []
    for _ in range(400):
        x = np.zeros(row.size)
        w(rng, x)
        v, m = F.fingerprint(x)
        a.append((m[v == 1].sum(), m[v == 2].sum(), (m * v * v).sum(), m.sum()))
        v, m = ps(rng)
        assert (v * m).sum() == n and v.min() >= 1
        b.append((m[v == 1].sum(), m[v == 2].sum(), (m * v * v).sum(), m.sum()))
    a, b = np.array(a, float), np.array(b, float)
    se = np.sqrt(a.var(axis=0) / 400 + b.var(axis=0) / 400)
    assert np.all(np.abs(a.mean(axis=0) - b.mean(axis=0)) < 4 * se)
    assert np.all(np.abs(a.std(axis=0) / b.std(axis=0) - 1) < 0.25)


def test_profile_sampler_of_small_and_large_counts():
    # groups drawn as histograms (many bins of count 1-3) and one by one (large counts)
    row = np.concatenate([np.ones(5000), np.full(3000, 2.0), [3.0] * 800, [10**6, 12345]])
    n = int(row.sum())
    ps = F._ProfileSampler(*F.fingerprint(row), n)
    assert ps.hist and ps.lam_e.size
    rng = np.random.default_rng(2)
    for _ in range(50):
        v, m = ps(rng)
        assert (v * m).sum() == n and m.min() >= 1


@pytest.mark.parametrize("method", ["plugin", "chao_wang_jost"])
def test_fingerprint_bootstrap_matches_the_count_vector_bootstrap(method):
    c = _zipf_counts(20000, 30000)[None, :]

    def stat(d, which):
        return ENTROPY_METHODS[method](d, None)[0]

    fast = F.bootstrap_entropy(c, method, stat, 400, np.random.default_rng(5))[:, 0]
    slow = bootstrap_one(c, stat, 400, np.random.default_rng(6))[:, 0]
    se = np.sqrt(fast.var() / 400 + slow.var() / 400)
    assert abs(fast.mean() - slow.mean()) < 4 * se
    assert abs(fast.std() / slow.std() - 1) < 0.2


def test_mixed_rows_each_take_their_path():
    wide = _zipf_counts(20000, 30000)
    narrow = np.zeros_like(wide)
    narrow[:50] = 3
    c = np.stack([wide, narrow])
    e = ib.estimate_entropy(ib.counts(c), method="miller_madow", ci=0.9, n_boot=50, seed=3)
    for i in range(2):
        one = ib.estimate_entropy(ib.counts(c[i]), method="miller_madow", ci=0.9, n_boot=50)
        assert e.value[i] == pytest.approx(one.value)
        assert abs(e.stderr[i] / one.stderr - 1) < 0.6


def test_seeded_fingerprint_bootstrap_is_reproducible():
    c = ib.counts(_zipf_counts(20000, 30000))
    a = ib.estimate_entropy(c, method="plugin", ci=0.9, n_boot=30, seed=4)
    b = ib.estimate_entropy(c, method="plugin", ci=0.9, n_boot=30, seed=4)
    assert a.interval == b.interval


def test_memory_does_not_grow_with_replicates():
    c = ib.counts(_zipf_counts(200_000, 10**6))
    ib.estimate_entropy(c, method="chao_wang_jost", ci=0.9, n_boot=2, seed=1)  # warm-up
    peaks = []
    for n_boot in (100, 1000):  # both past one block of replicates
        tracemalloc.start()
        ib.estimate_entropy(c, method="chao_wang_jost", ci=0.9, n_boot=n_boot, seed=1)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 1.2 * peaks[0] + 2**20
    assert peaks[1] < 64 * 2**20
