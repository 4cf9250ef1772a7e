"""Coding one byte string with another's code: the excess is the KL divergence."""

from __future__ import annotations

import math

import numpy as np
import pytest

from infobits.codes.crosscode import byte_model, crosscode


def _reference(a: bytes, b: bytes, alpha: float) -> tuple[float, float, float]:
    """H(A), H(A,B), D(A‖B) from plain counts, with Python floats."""
    ca = np.bincount(np.frombuffer(a, np.uint8), minlength=256)
    cb = np.bincount(np.frombuffer(b, np.uint8), minlength=256)
    na, nb = len(a), len(b)
    h = hpq = 0.0
    for x in range(256):
        if ca[x]:
            p = ca[x] / na
            q = (cb[x] + alpha) / (nb + 256 * alpha)
            h -= p * math.log2(p)
            hpq -= p * math.log2(q)
    return h, hpq, hpq - h


def test_numbers_match_a_direct_computation_and_the_excess_matches_kl():
    rng = np.random.default_rng(0)
    a = rng.choice(40, 200_000, p=rng.dirichlet(np.ones(40))).astype(np.uint8).tobytes()
    b = rng.choice(60, 50_000, p=rng.dirichlet(np.ones(60))).astype(np.uint8).tobytes()
    r = crosscode(a, b)
    h, hpq, d = _reference(a, b, 0.5)
    assert r.entropy == pytest.approx(h, rel=1e-10)
    assert r.cross_entropy == pytest.approx(hpq, rel=1e-10)
    assert r.kl_divergence == pytest.approx(d, rel=1e-9)
    assert r.kl_bits == pytest.approx(len(a) * d, rel=1e-9)
    # the measured excess equals n·D within 0.1% of the coded size
    assert abs(r.excess_bits - r.kl_bits) <= 0.001 * r.ideal_cross_bits
    # Huffman: within a bit a byte of each ideal, never below it
    assert r.ideal_own_bits <= r.huffman_own_bits < r.ideal_own_bits + len(a) + 8


def test_same_file_costs_only_the_smoothing():
    a = b"the same text both times " * 100
    r = crosscode(a, a)
    assert 0 < r.kl_divergence < 0.1
    assert r.unseen_in_b == 0
    # the smoothing's pull toward uniform fades as B grows
    assert crosscode(a * 10, a * 10).kl_divergence < r.kl_divergence / 5


def test_unseen_bytes_are_counted_and_smoothed():
    r = crosscode(b"abcxyz" * 10, b"abc" * 10)
    assert r.unseen_in_b == 3
    assert math.isfinite(r.cross_entropy)
    with pytest.raises(ValueError, match="never occur in B"):
        crosscode(b"abcxyz", b"abc", alpha=0)


def test_byte_model_is_krichevsky_trofimov_by_default():
    q = byte_model(b"aaab")
    assert q.sum() == pytest.approx(1.0)
    assert q[ord("a")] == pytest.approx(3.5 / 132)
    assert q[0] == pytest.approx(0.5 / 132)
    with pytest.raises(ValueError, match="alpha"):
        byte_model(b"a", -1)
    with pytest.raises(ValueError, match="empty"):
        crosscode(b"", b"a")
