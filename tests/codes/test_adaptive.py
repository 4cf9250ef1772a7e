"""The adaptive byte coder: exact round trips, size against the model's ideal and
against zlib, and model parameters."""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infobits.codes.adaptive import compress_bytes, decompress_bytes, model_params


def roundtrip(raw: bytes, order: int = 4) -> tuple[bytes, float]:
    p = model_params(order, len(raw))
    payload, ideal = compress_bytes(raw, p)
    assert decompress_bytes(payload, len(raw), p) == raw
    return payload, ideal


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=600), st.integers(0, 8))
def test_any_bytes_round_trip_at_any_order(raw, order):
    roundtrip(raw, order)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00",
        b"\xff",
        bytes(range(256)),
        bytes(range(256))[::-1] * 4,
        b"\x00" * 5000,
        b"\xff" * 5000,
        b"ab" * 3000,
    ],
    ids=["empty", "zero", "ff", "all256", "all256rev", "zeros", "ffs", "abab"],
)
def test_edge_inputs_round_trip(raw):
    roundtrip(raw, 5)


def test_incompressible_input_grows_the_buffer_and_round_trips():
    raw = np.random.default_rng(1).integers(0, 256, 70_000, dtype=np.uint8).tobytes()
    payload, _ = roundtrip(raw, 3)
    assert len(payload) > len(raw)  # random bytes cannot shrink
    assert 8 * len(payload) < 8.1 * len(raw)


def _text(n: int) -> bytes:
    """Deterministic English-like text: words drawn from a Zipf law over a vocabulary."""
    rng = np.random.default_rng(0)
    vocab = (
        "the of and to in is that it for as was with be by on not he this are or his from at "
        "which but have an they you were her she there been one all we their has would when "
        "information entropy code length probability message bits channel source model"
    ).split()
    w = 1 / np.arange(1, len(vocab) + 1)
    words = rng.choice(vocab, size=n // 4, p=w / w.sum())
    return " ".join(words).encode()[:n]


def test_coded_size_is_within_a_tenth_percent_of_the_ideal():
    raw = _text(60_000)
    payload, ideal = roundtrip(raw, 5)
    assert abs(8 * len(payload) - ideal) <= 0.001 * ideal + 64


def test_ideal_is_the_sum_of_bit_costs_of_a_simple_source():
    # an i.i.d. source of two byte values: any sane adaptive model approaches 1 bit a byte
    raw = np.random.default_rng(3).choice([65, 66], 40_000).astype(np.uint8).tobytes()
    payload, ideal = roundtrip(raw, 2)
    assert 1.0 <= ideal / len(raw) < 1.05
    assert 0.99 < 8 * len(payload) / ideal < 1.01


def test_beats_zlib_on_text():
    raw = _text(60_000)
    payload, _ = roundtrip(raw, 5)
    assert len(payload) < len(zlib.compress(raw, 9))


def test_higher_orders_do_not_lose_much_on_repetitive_data():
    raw = b"The entropy of p is the expected length of the best code for p. " * 200
    sizes = [len(roundtrip(raw, k)[0]) for k in (0, 2, 5)]
    assert sizes[0] > sizes[1] > sizes[2]


def test_model_params_scale_tables_with_input_and_refuse_bad_orders():
    assert model_params(3, 0).table_bits == 12
    assert model_params(3, 100_000).table_bits == 22
    with pytest.raises(ValueError, match="order 9 is out of range"):
        model_params(9, 10)


def test_order0_sees_no_earlier_byte():
    # "abab...": one bit a byte for a model blind to the previous byte, ~0 with order 1
    raw = b"ab" * 20_000
    _, ideal0 = roundtrip(raw, 0)
    _, ideal1 = roundtrip(raw, 1)
    assert 0.95 < ideal0 / len(raw) < 1.1
    assert ideal1 / len(raw) < 0.05
