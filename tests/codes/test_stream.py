"""Stream codes: round trips, bits on disk against -log2 q(x^n), and refusals."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import infobits as ib
from infobits.codes import codelength, decode, encode


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 300), st.integers(0, 3000), st.integers(0, 2**31 - 1))
def test_static_model_round_trips(k, n, seed):
    rng = np.random.default_rng(seed)
    q = rng.dirichlet(np.full(k, 0.5))
    q[rng.random(k) < 0.1] = 0.0
    if q.sum() == 0:
        q[0] = 1.0
    q /= q.sum()
    x = rng.choice(k, size=n, p=q)
    np.testing.assert_array_equal(decode(encode(x, q), q, n), x)


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 50), st.integers(1, 500), st.integers(0, 2**31 - 1))
def test_per_symbol_model_round_trips(k, n, seed):
    rng = np.random.default_rng(seed)
    q = rng.dirichlet(np.full(k, 0.5), size=n)
    x = np.array([rng.choice(k, p=row) for row in q])
    np.testing.assert_array_equal(decode(encode(x, q), q, n), x)


def test_codelength_is_minus_log2_of_the_sequence_probability():
    q = np.array([0.5, 0.25, 0.125, 0.125])
    x = np.array([0, 0, 1, 3, 2])
    assert codelength(x, q) == 1 + 1 + 2 + 3 + 3
    rows = np.array([[0.5, 0.5], [0.25, 0.75], [0.125, 0.875]])
    assert codelength([1, 0, 0], rows) == pytest.approx(1 + 2 + 3)
    assert codelength([1, 0], ib.logits(np.log([[1.0, 3.0], [1.0, 1.0]]))) == pytest.approx(
        np.log2(4 / 3) + 1
    )


def test_million_symbols_cost_within_a_hundredth_percent_plus_64_bits():
    rng = np.random.default_rng(11)
    # no q below 2^-24, where the coder's 24-bit quantisation would round it up
    q = 0.9 * rng.dirichlet(np.full(256, 0.3)) + 0.1 / 256
    p = rng.dirichlet(np.full(256, 0.3)) * 0.5 + q * 0.5  # data from p, coded under q
    x = rng.choice(256, size=10**6, p=p)
    ideal = codelength(x, q)
    # independent reference: the sample's own log-loss under q, computed from counts
    counts = np.bincount(x, minlength=256)
    assert ideal == pytest.approx(float(-(counts * np.log2(q)).sum()), rel=1e-12)
    bits = 8 * len(encode(x, q))
    assert abs(bits - ideal) <= ideal * 1e-4 + 64


def test_per_symbol_model_costs_its_codelength():
    rng = np.random.default_rng(5)
    q = rng.dirichlet(np.full(16, 0.7), size=20_000)
    x = (q.cumsum(axis=1) < rng.random((20_000, 1))).sum(axis=1)
    ideal = codelength(x, q)
    bits = 8 * len(encode(x, q))
    assert ideal <= bits <= ideal * 1.0001 + 64


def test_zero_probability_symbol_is_refused_by_name():
    with pytest.raises(ValueError, match=r"symbols\[2\] = 1 has probability 0"):
        encode([0, 2, 1], [0.5, 0.0, 0.5])
    with pytest.raises(ValueError, match=r"row 1 of the model"):
        encode([0, 1], [[0.5, 0.5], [1.0, 0.0]])
    assert codelength([1], [0.5, 0.0, 0.5]) == np.inf


def test_impossible_outcomes_cost_nothing_in_a_static_model():
    q_full = np.full(4, 0.25)
    q_gappy = np.zeros(4096)
    q_gappy[[0, 1000, 2000, 4095]] = 0.25
    x = np.random.default_rng(2).integers(0, 4, 40_000)
    a = len(encode(x, q_full))
    b = len(encode(np.array([0, 1000, 2000, 4095])[x], q_gappy))
    assert a == b


def test_bad_models_and_shapes_are_named():
    with pytest.raises(ib.DistributionError, match="sums to"):
        encode([0], [0.5, 0.6])
    with pytest.raises(ValueError, match="3 rows but there are 2 symbols"):
        encode([0, 1], np.full((3, 2), 0.5))
    with pytest.raises(ValueError, match=r"symbols\[0\] = 5 is outside"):
        encode([5], [0.5, 0.5])
    for bad in (7, -1):  # int32 input is range-checked by the coder, then worded by us
        x = np.array([0, 1, bad, 0], dtype=np.int32)
        with pytest.raises(ValueError, match=rf"symbols\[2\] = {bad} is outside"):
            encode(x, [0.5, 0.5])
    with pytest.raises(ValueError, match="is outside"):
        encode(np.array([2**33]), [0.5, 0.5])  # would wrap to 0 if cast unchecked
    with pytest.raises(ValueError, match="32-bit words"):
        decode(b"abc", [0.5, 0.5], 1)
    with pytest.raises(ib.DistributionError, match="shape"):
        encode([0], np.full((1, 1, 2), 0.5))


def test_empty_sequence_is_an_empty_stream():
    assert encode([], [0.5, 0.5]) == b""
    assert decode(b"", [0.5, 0.5], 0).size == 0
    assert codelength([], [0.5, 0.5]) == 0.0
