"""The adaptive byte coder: exact round trips, size against the model's ideal and
against zlib, and model parameters."""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infobits.codes.adaptive import compress_bytes, decompress_bytes, model_params

# every test here runs with the C loop and with the numba loop
pytestmark = pytest.mark.usefixtures("loop")


def roundtrip(raw: bytes, order: int = 4, version: int = 1) -> tuple[bytes, float]:
    p = model_params(order, len(raw), version=version)
    payload, ideal = compress_bytes(raw, p)
    assert decompress_bytes(payload, len(raw), p) == raw
    return payload, ideal


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=600), st.integers(0, 8), st.sampled_from([1, 2, 3]))
def test_any_bytes_round_trip_at_any_order(raw, order, version):
    roundtrip(raw, order, version)


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
@pytest.mark.parametrize("version", [1, 3])
def test_edge_inputs_round_trip(raw, version):
    roundtrip(raw, 5, version)


@pytest.mark.parametrize("version", [1, 3])
def test_incompressible_input_grows_the_buffer_and_round_trips(version):
    raw = np.random.default_rng(1).integers(0, 256, 70_000, dtype=np.uint8).tobytes()
    payload, _ = roundtrip(raw, 3, version)
    assert len(payload) > len(raw)  # random bytes cannot shrink
    # model 3's fast-adapting counters chase noise a little more (the container stores
    # such input as it is)
    assert 8 * len(payload) < (8.1 if version == 1 else 8.2) * len(raw)


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


# -- model version 2: the x86 call transform, and per-byte costs


def _x86_like(n: int) -> bytes:
    """Bytes with many E8/E9 calls to a few targets, as compiled code has."""
    rng = np.random.default_rng(7)
    targets = rng.integers(0, n, 40)
    out = bytearray()
    while len(out) < n:
        if rng.random() < 0.3:
            op = int(rng.choice([0xE8, 0xE9]))
            rel = int(rng.choice(targets)) - (len(out) + 5)
            out += bytes([op]) + (rel & 0xFFFFFFFF).to_bytes(4, "little")
        else:
            out += bytes(rng.choice([0x48, 0x89, 0xC3, 0x8B, 0x45, 0x00], int(rng.integers(1, 6))))
    return bytes(out[:n])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([0x00, 0xFF, 0xE8, 0xE9, 0x01, 0x80]), max_size=64))
def test_call_transform_is_undone_exactly_even_when_operands_overlap(vals):
    from infobits.codes import adaptive

    e8e9 = adaptive._kernel()[2]
    raw = np.array(vals, dtype=np.uint8)
    a = raw.copy()
    e8e9(a, True)
    e8e9(a, False)
    assert np.array_equal(a, raw)


def test_call_transform_maps_calls_to_one_target_to_one_operand():
    from infobits.codes import adaptive

    e8e9 = adaptive._kernel()[2]
    # two calls to absolute target 1000, from positions 10 and 500: E8 rel32, rel = 1000 - pos
    raw = np.zeros(600, dtype=np.uint8)
    for pos in (10, 500):
        raw[pos] = 0xE8
        raw[pos + 1 : pos + 5] = np.frombuffer(
            ((1000 - pos) & 0xFFFFFFFF).to_bytes(4, "little"), np.uint8
        )
    a = raw.copy()
    e8e9(a, True)
    assert bytes(a[11:15]) == bytes(a[501:505]) == (1000).to_bytes(4, "little")


@pytest.mark.parametrize("version", [2, 3])
@pytest.mark.parametrize("order", [0, 1, 2, 3, 6, 8])
def test_versions_2_and_3_round_trip_and_code_within_bound_of_their_ideal(order, version):
    raw = _x86_like(30_000) + _text(30_000)
    p = model_params(order, len(raw), version=version)
    payload, ideal = compress_bytes(raw, p)
    assert decompress_bytes(payload, len(raw), p) == raw
    assert abs(8 * len(payload) - ideal) <= 0.001 * ideal + 64


def test_version_2_is_smaller_on_calls_and_the_same_on_text():
    code = _x86_like(60_000)
    v1 = len(compress_bytes(code, model_params(5, len(code)))[0])
    v2 = len(compress_bytes(code, model_params(5, len(code), version=2))[0])
    assert v2 < 0.97 * v1
    text = _text(60_000)
    t1 = len(compress_bytes(text, model_params(5, len(text)))[0])
    t2 = len(compress_bytes(text, model_params(5, len(text), version=2))[0])
    assert t2 <= 1.01 * t1


def test_a_stream_decodes_only_under_the_version_that_wrote_it():
    raw = _text(20_000) + _x86_like(5000)
    payload, _ = compress_bytes(raw, model_params(5, len(raw)))
    assert decompress_bytes(payload, len(raw), model_params(5, len(raw))) == raw
    try:
        wrong = decompress_bytes(payload, len(raw), model_params(5, len(raw), version=2))
    except ValueError:
        return
    assert wrong != raw


def test_version_must_be_known():
    with pytest.raises(ValueError, match="model version 5 is not known"):
        model_params(5, 10, version=5)


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_byte_costs_add_up_to_the_ideal_and_to_a_bitwise_reference(version):
    from infobits.codes.adaptive import byte_costs

    raw = _text(3000) + _x86_like(2000)
    p = model_params(4, len(raw), version=version)
    c = byte_costs(raw, p)
    _, ideal = compress_bytes(raw, p)
    assert c.shape == (len(raw),)
    assert np.all(c > 0)
    assert abs(c.sum() - ideal) < 1e-6 * ideal
    # prefix by prefix: the first k bytes cost what coding only them costs
    for k in (1, 17, 2500):
        pk = model_params(4, len(raw), version=version)
        assert abs(c[:k].sum() - compress_bytes(raw[:k], pk)[1]) < 1e-6 * max(1.0, c[:k].sum())


def test_version_2_word_contexts_help_on_text_with_a_large_vocabulary():
    # words from a large vocabulary, repeated in a Zipf law: the current-word context
    # predicts a word's tail from its head wherever it appears, whatever precedes it
    rng = np.random.default_rng(11)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = ["".join(rng.choice(letters, int(rng.integers(4, 11)))) for _ in range(3000)]
    w = 1 / np.arange(1, len(vocab) + 1)
    raw = " ".join(rng.choice(vocab, 40_000, p=w / w.sum())).encode()
    p1, p2 = model_params(5, len(raw)), model_params(5, len(raw), version=2)
    _, ideal1 = compress_bytes(raw, p1)
    payload, ideal2 = compress_bytes(raw, p2)
    assert decompress_bytes(payload, len(raw), p2) == raw
    assert ideal2 < 0.98 * ideal1
    assert p2.memory_bytes == p1.memory_bytes + 2 * (4 << p1.table_bits)


def _real_files() -> list[bytes]:
    import inspect
    import os
    import sys
    from pathlib import Path

    out = [Path(inspect.__file__).read_bytes()[:60_000]]
    exe = Path(os.path.realpath(sys.executable))
    for cand in (Path("/usr/bin/python3"), exe):
        if cand.is_file() and cand.stat().st_size > 100_000:
            out.append(cand.read_bytes()[40_000:100_000])
            break
    return out


@pytest.mark.parametrize("version", [2, 3, 4])
@pytest.mark.parametrize("k", [0, 1])
def test_versions_2_to_4_round_trip_real_files_within_bound_of_their_ideal(k, version):
    files = _real_files()
    if k >= len(files):
        pytest.skip("no executable of 100 kB found")
    raw = files[k]
    p = model_params(5, len(raw), version=version)
    payload, ideal = compress_bytes(raw, p)
    assert decompress_bytes(payload, len(raw), p) == raw
    assert abs(8 * len(payload) - ideal) <= 0.001 * ideal + 64
    if k == 0:  # on text, version 2 is smaller (on a 60 kB slice of code, not always)
        assert len(payload) < len(compress_bytes(raw, model_params(5, len(raw)))[0])


def test_version_3_is_about_as_small_as_version_2():
    # the 16-bit counters of model 3 adapt faster in hashed contexts (their rate floor is
    # 1/16.5, not 1/256.5): on text they win about what its fewer inputs lose (on 4 MB
    # files they win more; see benchmarks/bench_compress.py)
    files = _real_files()
    for raw in [_text(60_000), files[0]]:
        v2 = len(compress_bytes(raw, model_params(5, len(raw), version=2))[0])
        v3 = len(compress_bytes(raw, model_params(5, len(raw), version=3))[0])
        assert v3 < 1.01 * v2


def test_version_3_below_order_2_is_version_2():
    raw = _text(5000) + _x86_like(3000)
    for order in (0, 1):
        a = compress_bytes(raw, model_params(order, len(raw), version=2))[0]
        assert compress_bytes(raw, model_params(order, len(raw), version=3))[0] == a


def test_version_4_is_within_three_percent_of_version_3():
    # model 4 drops the secondary estimate and narrows the order-1 and match counters:
    # on 4 MiB of text it is 0.5-1% larger (see benchmarks/bench_compress.py), on 60 kB
    # up to 2.5% (the Zipf text, whose order-1 statistics the estimate learns well)
    for raw in [_text(60_000), *_real_files()]:
        v3 = len(compress_bytes(raw, model_params(5, len(raw), version=3))[0])
        v4 = len(compress_bytes(raw, model_params(5, len(raw), version=4))[0])
        assert v4 < 1.03 * v3
        assert v4 != v3  # a different model, not model 3 again


def test_version_4_below_order_2_is_version_2():
    raw = _text(5000) + _x86_like(3000)
    for order in (0, 1):
        a = compress_bytes(raw, model_params(order, len(raw), version=2))[0]
        assert compress_bytes(raw, model_params(order, len(raw), version=4))[0] == a


def test_a_version_4_stream_decodes_only_under_version_4():
    raw = _text(20_000)
    p4 = model_params(5, len(raw), version=4)
    payload, _ = compress_bytes(raw, p4)
    assert decompress_bytes(payload, len(raw), p4) == raw
    try:
        wrong = decompress_bytes(payload, len(raw), model_params(5, len(raw), version=3))
    except ValueError:
        return
    assert wrong != raw


def test_a_version_3_stream_decodes_only_under_version_3():
    raw = _text(20_000)
    payload, _ = compress_bytes(raw, model_params(5, len(raw), version=3))
    try:
        wrong = decompress_bytes(payload, len(raw), model_params(5, len(raw), version=2))
    except ValueError:
        return
    assert wrong != raw
