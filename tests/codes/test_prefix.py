"""Prefix codes: Kraft, Shannon lengths, Huffman optimality (against a brute force) and
vectorised round trips."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import infobits as ib
from infobits.codes import (
    canonical_code,
    huffman,
    implied_probabilities,
    kraft_sum,
    shannon_code,
    shannon_lengths,
)


def _entropy_bits(p: np.ndarray) -> float:
    nz = p[p > 0]
    return float(-(nz * np.log2(nz)).sum())


def _best_prefix_length(p: np.ndarray) -> float:
    """Brute force: the least Σ p_i l_i over all length vectors with Kraft sum <= 1."""
    k = p.size
    best = math.inf
    for ls in itertools.product(range(1, k), repeat=k):
        if sum(2.0**-v for v in ls) <= 1.0:
            best = min(best, float(np.dot(p, ls)))
    return best


def _is_prefix_free(words: list[str]) -> bool:
    ws = sorted(w for w in words if w)
    return all(not b.startswith(a) for a, b in itertools.pairwise(ws))


probs = st.integers(2, 6).flatmap(
    lambda k: st.lists(st.integers(0, 20), min_size=k, max_size=k).filter(lambda c: sum(c) > 0)
)


@settings(max_examples=60, deadline=None)
@given(probs)
def test_huffman_matches_brute_force_optimum_on_small_alphabets(counts):
    c = np.array(counts, dtype=float)
    p = c / c.sum()
    code = huffman(p)
    support = p > 0
    if support.sum() >= 2:
        assert code.expected_length(p) == pytest.approx(_best_prefix_length(p[support]), abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(probs)
def test_huffman_length_within_one_bit_of_entropy(counts):
    c = np.array(counts, dtype=float)
    p = c / c.sum()
    code = huffman(p)
    h = _entropy_bits(p)
    assert h - 1e-12 <= code.expected_length(p) < h + 1
    assert _is_prefix_free(code.codewords)
    assert kraft_sum(code.lengths, code.coded) <= 1.0


def test_huffman_codewords_are_canonical_and_match_lengths():
    code = huffman([0.05, 0.4, 0.2, 0.2, 0.15])
    for w, ln in zip(code.codewords, code.lengths, strict=True):
        assert len(w) == ln
    assert _is_prefix_free(code.codewords)
    # canonical: sorted by (length, symbol), codewords increase as binary fractions
    order = np.lexsort((code.symbols, code.lengths))
    fr = [int(code.codewords[s], 2) / 2 ** len(code.codewords[s]) for s in order]
    assert fr == sorted(fr)
    assert kraft_sum(code.lengths) == 1.0


def test_zero_probability_symbols_get_no_codeword_and_cannot_be_encoded():
    code = huffman([0.5, 0.0, 0.25, 0.25])
    assert code.lengths.tolist() == [1, 0, 2, 2]
    assert code.codewords[1] == ""
    assert not code.coded[1]
    assert code.expected_length([0.5, 0.1, 0.2, 0.2]) == math.inf
    with pytest.raises(ValueError, match=r"symbols\[2\] = 1 has no codeword"):
        code.encode([0, 2, 1])
    np.testing.assert_array_equal(code.implied_probabilities(), [0.5, 0, 0.25, 0.25])


def test_single_symbol_costs_no_bits_and_round_trips():
    code = huffman([0.0, 1.0, 0.0])
    assert code.lengths.tolist() == [0, 0, 0]
    assert code.expected_length([0.0, 1.0, 0.0]) == 0.0
    assert code.encode([1, 1, 1]) == b""
    assert code.decode(b"", 3).tolist() == [1, 1, 1]
    assert huffman([1.0]).decode(b"", 2).tolist() == [0, 0]


def test_ties_give_a_reproducible_code():
    a = huffman([0.25] * 4)
    assert a.codewords == ["00", "01", "10", "11"]
    b = huffman(np.full(6, 1 / 6))
    assert b.codewords == huffman(np.full(6, 1 / 6)).codewords
    assert sorted(b.lengths.tolist()) == [2, 2, 3, 3, 3, 3]


def test_huffman_accepts_counts_logits_and_log_probs():
    a = huffman(ib.counts([4, 2, 1, 1]))
    assert a.lengths.tolist() == [1, 2, 3, 3]
    b = huffman(ib.logits(np.log([4.0, 2, 1, 1])))
    c = huffman(ib.log_probs(np.log([0.5, 0.25, 0.125, 0.125])))
    assert a.codewords == b.codewords == c.codewords


def test_huffman_on_65536_symbols_round_trips_and_stays_within_a_bit():
    rng = np.random.default_rng(7)
    p = rng.dirichlet(np.ones(2**16))
    code = huffman(p)
    h = _entropy_bits(p)
    assert h <= code.expected_length(p) < h + 1
    x = rng.choice(p.size, size=20_000, p=p)
    np.testing.assert_array_equal(code.decode(code.encode(x), x.size), x)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.integers(0, 2000), st.integers(0, 2**31 - 1))
def test_encode_decode_round_trip_random_models(k, n, seed):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.full(k, 0.3))
    p[rng.random(k) < 0.2] = 0.0
    if p.sum() == 0:
        p[0] = 1.0
    p = p / p.sum()
    code = huffman(p)
    x = rng.choice(k, size=n, p=p)
    data = code.encode(x)
    assert len(data) == -(-code.codelength(x) // 8)
    np.testing.assert_array_equal(code.decode(data, n), x)


def test_encoded_bits_equal_sum_of_lengths_and_pack_msb_first():
    code = huffman([0.5, 0.25, 0.25])
    assert code.encode([1, 2, 0, 0, 1]).hex() == "b2"  # 10 11 0 0 10 -> 1011 0010
    x = np.random.default_rng(0).integers(0, 3, 10_001)
    assert code.codelength(x) == int(code.lengths[x].sum())


def test_very_long_codewords_round_trip_on_the_slow_path():
    p = np.array([2.0**-i for i in range(1, 70)] + [2.0**-69])
    code = huffman(p)
    assert code.max_length == 69
    x = np.array([0, 68, 69, 3, 1, 0])
    np.testing.assert_array_equal(code.decode(code.encode(x), x.size), x)


def test_decode_reports_truncated_data():
    code = huffman([0.1, 0.2, 0.3, 0.4])
    x = np.arange(4).repeat(50)
    data = code.encode(x)
    with pytest.raises(ValueError, match="truncated"):
        code.decode(data[: len(data) // 2], x.size)


def test_incomplete_code_rejects_bit_patterns_that_are_no_codeword():
    code = canonical_code([2, 2, 2])  # '11' is no codeword
    with pytest.raises(ValueError, match="no codeword"):
        code.decode(b"\xff", 4)


def test_shannon_lengths_are_exact_ceilings_against_mpmath():
    import mpmath

    rng = np.random.default_rng(3)
    q = rng.dirichlet(np.ones(50))
    q = np.concatenate([q / 2, [0.5]])
    want = [int(mpmath.ceil(-mpmath.log(mpmath.mpf(float(v)), 2))) for v in q]
    assert shannon_lengths(q).tolist() == want
    assert shannon_lengths([0.5, 0.25, 0.125, 0.125]).tolist() == [1, 2, 3, 3]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(1e-6, 1.0), min_size=2, max_size=30))
def test_shannon_code_obeys_kraft_and_costs_under_cross_entropy_plus_one(w):
    q = np.array(w) / np.sum(w)
    ls = shannon_lengths(q)
    assert kraft_sum(ls) <= 1.0
    code = shannon_code(q)
    assert code.lengths.tolist() == ls.tolist()
    p = np.roll(q, 1)
    hpq = float(ib.cross_entropy(p, q))
    assert hpq - 1e-9 <= code.expected_length(p) < hpq + 1


def test_implied_probabilities_are_powers_of_two():
    assert implied_probabilities([1, 2, 3, 3]).tolist() == [0.5, 0.25, 0.125, 0.125]
    assert implied_probabilities([0]).tolist() == [1.0]
    assert implied_probabilities([0, 0], coded=[False, True]).tolist() == [0.0, 1.0]
    with pytest.raises(ValueError, match="unclear which symbol"):
        implied_probabilities([0, 0])
    with pytest.raises(ValueError, match=r"lengths\[1\] = -1 is negative"):
        kraft_sum([1, -1])


def test_canonical_code_refuses_lengths_that_break_kraft():
    with pytest.raises(ValueError, match=r"Kraft sum 1\.25 > 1"):
        canonical_code([1, 1, 2])


def test_bad_symbols_are_named():
    code = huffman([0.5, 0.5])
    with pytest.raises(ValueError, match=r"symbols\[1\] = 2 is outside 0..1"):
        code.encode([0, 2])
    with pytest.raises(TypeError, match="integers"):
        code.encode([0.5])
    with pytest.raises(ValueError, match="negative"):
        code.decode(b"", -1)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 300), st.integers(1, 3000), st.integers(0, 2**31 - 1))
def test_encoded_bytes_equal_the_concatenated_codewords(k, n, seed):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.full(k, 0.2))
    p = p / p.sum()
    code = huffman(p)
    x = rng.choice(k, size=n, p=p)
    bits = "".join(code.codewords[i] for i in x)
    bits += "0" * (-len(bits) % 8)
    want = bytes(int(bits[i : i + 8], 2) for i in range(0, len(bits), 8))
    assert code.encode(x) == want


@pytest.mark.parametrize(
    "p",
    [np.full(8, 1 / 8), np.full(5, 1 / 5), np.array([0.9, 0.05, 0.03, 0.02])],
    ids=["fixed-length", "near-fixed", "skewed"],
)
def test_long_streams_decode_across_many_chunks(p):
    # fixed-length codes never resynchronise from a wrong offset: the slow lane path
    rng = np.random.default_rng(8)
    code = huffman(p)
    x = rng.choice(p.size, size=150_001, p=p)
    data = code.encode(x)
    np.testing.assert_array_equal(code.decode(data, x.size), x)
    np.testing.assert_array_equal(code.decode(data, 1000), x[:1000])
