"""A text's bits under a model (infobits.textbits): each number against a reference
computed here on its own (exact fractions and mpmath for the adaptive models, the public
compressor on prefixes for the mixing model), and the real coders' lengths."""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction

import mpmath
import numpy as np
import pytest

import infobits as ib
from infobits.codes.adaptive import compress_bytes, decompress_bytes, model_params
from infobits.codes.container import DEFAULT_MODEL
from infobits.textbits import MAX_CHARS, MIX_ORDER, MODELS, adaptive_rows, text_bits, utf8_lengths

mpmath.mp.dps = 40

TEXTS = [
    "abracadabra",
    "the cat sat on the mat; the cat sat on the hat.",
    "héllo wörld, naïve café",
    "信息就是编码长度。信息就是编码长度。",
    "e\u0301 a\u0308 🙂🙂 👩\u200d🔬 𝔸",
]


def bits_of(p: Fraction) -> float:
    """-log2 p to 40 digits, rounded once to float."""
    return float(-mpmath.log(mpmath.mpf(p.numerator) / p.denominator, 2))


def reference_order_k(raw: bytes, k: int) -> list[Fraction]:
    """The KT order-k probability of each byte, in exact fractions, from Counters."""
    seen: dict[bytes, Counter[int]] = {}
    probs = []
    for t, x in enumerate(raw):
        ctx = raw[max(0, t - k) : t]
        c = seen.setdefault(ctx, Counter())
        probs.append((c[x] + Fraction(1, 2)) / (sum(c.values()) + 128))
        c[x] += 1
    return probs


def char_sums(raw_bits: list[float], text: str) -> list[float]:
    out, i = [], 0
    for ch in text:
        n = len(ch.encode("utf-8"))
        out.append(math.fsum(raw_bits[i : i + n]))
        i += n
    return out


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_order_k_bits_are_kt_surprisals_summed_per_code_point(text, k):
    raw = text.encode("utf-8")
    probs = reference_order_k(raw, k)
    want = char_sums([bits_of(p) for p in probs], text)
    r = text_bits(text, f"order{k}")
    assert r.n_chars == len(text) and r.n_bytes == len(raw)
    assert r.bits.shape == (len(text),)
    np.testing.assert_allclose(r.bits, want, rtol=1e-13, atol=1e-13)
    # the whole text: -log2 of the product of exact probabilities
    exact = bits_of(math.prod(probs, start=Fraction(1)))
    assert math.isclose(r.ideal_bits, exact, rel_tol=1e-12)


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("k", [0, 2])
def test_order_k_coded_length_is_the_stream_codes_encoder(text, k):
    raw = text.encode("utf-8")
    rows = np.empty((len(raw), 256))
    seen: dict[bytes, Counter[int]] = {}
    for t, x in enumerate(raw):
        c = seen.setdefault(raw[max(0, t - k) : t], Counter())
        total = sum(c.values()) + 128
        rows[t] = [(c[v] + 0.5) / total for v in range(256)]
        c[x] += 1
    sym = np.frombuffer(raw, dtype=np.uint8)
    stream = ib.codes.encode(sym, rows)
    r = text_bits(text, f"order{k}")
    assert r.coded_bits == 8 * len(stream)
    assert ib.codes.decode(stream, rows, len(raw)).tolist() == list(raw)
    assert r.ideal_bits <= r.coded_bits <= r.ideal_bits * 1.001 + 64
    assert math.isclose(r.ideal_bits, ib.codes.codelength(sym, rows), rel_tol=1e-12)


def test_adaptive_rows_are_distributions_and_use_only_the_past():
    raw = b"abcabcabd"
    rows = adaptive_rows(raw, 2)
    np.testing.assert_allclose(rows.sum(axis=1), 1.0, rtol=1e-14)
    # changing the last byte changes no earlier row
    np.testing.assert_array_equal(adaptive_rows(raw[:-1] + b"z", 2)[:-1], rows[:-1])


@pytest.mark.parametrize("text", TEXTS)
def test_mix_bits_add_up_to_the_compressors_ideal_prefix_by_prefix(text):
    raw = text.encode("utf-8")
    r = text_bits(text, "mix")
    params = model_params(MIX_ORDER, len(raw), version=DEFAULT_MODEL)  # `infobits compress`
    payload, ideal = compress_bytes(raw, params)
    assert math.isclose(r.ideal_bits, ideal, rel_tol=1e-12, abs_tol=1e-9)
    assert r.coded_bits == 8 * len(payload)
    assert decompress_bytes(payload, len(raw), params) == raw
    # the model is online: its cost on a prefix is the prefix's share of the bits
    cum = np.cumsum(r.byte_bits)
    for n in sorted({1, len(raw) // 3, len(raw) // 2, len(raw) - 1}):
        assert math.isclose(cum[n - 1], compress_bytes(raw[:n], params)[1], rel_tol=1e-12)
    np.testing.assert_allclose(r.bits, char_sums(r.byte_bits.tolist(), text), rtol=1e-12)
    assert np.all(r.bits > 0)


def test_mix_learns_a_repeated_text():
    once = "a text that repeats itself, word for word. "
    r = text_bits(once * 6, "mix")
    n = len(once)
    assert r.bits[-n:].sum() < 0.25 * r.bits[:n].sum()
    assert r.ideal_bits <= r.coded_bits <= r.ideal_bits * 1.001 + 64


def test_crosscode_bits_are_the_order0_code_of_the_other_text():
    a, b = "naïve café au lait", "the other text, in plain ASCII"
    r = text_bits(a, "crosscode", like=b)
    cb = Counter(b.encode("utf-8"))
    nb = len(b.encode("utf-8"))
    byte_probs = [(cb[x] + Fraction(1, 2)) / (nb + 128) for x in a.encode("utf-8")]
    want = char_sums([bits_of(p) for p in byte_probs], a)
    np.testing.assert_allclose(r.bits, want, rtol=1e-13)
    # H(A), H(A,B), D(A||B) per byte, from the byte frequencies of A
    ca = Counter(a.encode("utf-8"))
    na = sum(ca.values())
    h = math.fsum(c / na * math.log2(na / c) for c in ca.values())
    hab = math.fsum(c / na * bits_of((cb[x] + Fraction(1, 2)) / (nb + 128)) for x, c in ca.items())
    assert r.cross is not None
    assert math.isclose(r.cross.entropy, h, rel_tol=1e-12)
    assert math.isclose(r.cross.cross_entropy, hab, rel_tol=1e-12)
    assert math.isclose(r.cross.kl_divergence, hab - h, rel_tol=1e-10)
    assert math.isclose(r.ideal_bits, na * hab, rel_tol=1e-12)
    assert r.coded_bits == r.cross.arithmetic_cross_bits
    assert r.ideal_bits <= r.coded_bits <= r.ideal_bits * 1.001 + 64
    d = r.as_dict()
    assert d["crosscode"]["kl_divergence"] == r.cross.kl_divergence


def test_a_multibyte_character_costs_the_sum_of_its_bytes():
    r = text_bits("é", "order0")  # two bytes, each new: 8 bits, then (0+1/2)/(1+128)
    want = bits_of(Fraction(1, 256)) + bits_of(Fraction(1, 2) / 129)
    assert r.char_bytes.tolist() == [2]
    assert math.isclose(r.bits[0], want, rel_tol=1e-14)
    # combining marks and zero-width joiners are code points of their own
    r = text_bits("e\u0301👩\u200d🔬", "order1")
    assert r.char_bytes.tolist() == [1, 2, 4, 3, 4]


def test_utf8_lengths_match_python():
    text = "a\x7f\x80߿ࠀ\uffff\U00010000\U0010ffff"
    assert utf8_lengths(text).tolist() == [len(c.encode("utf-8")) for c in text]


def test_bits_are_finite_and_not_negative_and_certain_bytes_cost_zero_not_minus_zero():
    for model in ("order0", "order3", "mix"):
        r = text_bits("aaaaaaaaaaaaaaaa" * 4, model)
        assert np.all(np.isfinite(r.bits)) and np.all(r.bits >= 0)
        assert not np.any(np.signbit(r.bits))


@pytest.mark.parametrize(
    ("kwargs", "mentions"),
    [
        ({"text": "", "model": "order0"}, "text is empty"),
        ({"text": "abc", "model": "order4"}, "model 'order4' is not known"),
        ({"text": "abc", "model": "crosscode"}, "needs a second text"),
        ({"text": "abc", "model": "order1", "like": "x"}, "only used by the crosscode"),
        ({"text": "ab\ud800c", "model": "order0"}, "text[2] is a lone surrogate U+D800"),
        ({"text": "ab", "model": "crosscode", "like": "\udfff"}, "like[0] is a lone surrogate"),
        ({"text": "x" * (MAX_CHARS + 1), "model": "order0"}, f"at most {MAX_CHARS}"),
        ({"text": "x", "model": "crosscode", "like": "y" * (MAX_CHARS + 1)}, "like has"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_it(kwargs, mentions):
    with pytest.raises(ValueError) as err:
        text_bits(**kwargs)
    assert mentions in str(err.value)


def test_a_text_that_is_no_string_is_a_type_error():
    with pytest.raises(TypeError, match="text must be a string"):
        text_bits(b"abc", "order0")  # type: ignore[arg-type]


def test_the_longest_text_allowed_is_coded():
    r = text_bits("😀" * MAX_CHARS, "order0")
    assert r.n_chars == MAX_CHARS and r.n_bytes == 4 * MAX_CHARS


def test_every_model_is_described():
    assert set(MODELS) == {"order0", "order1", "order2", "order3", "mix", "crosscode"}
