"""POST /api/text through FastAPI's TestClient: each character's bits against an
independent reference (exact fractions for the adaptive order-0 model), the coded length
against the library's own encoders, the caps, and every error path."""

from __future__ import annotations

import json
import math
from collections import Counter
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from fastapi.testclient import TestClient

import infobits as ib
from infobits.codes.adaptive import compress_bytes, model_params
from infobits.codes.container import DEFAULT_MODEL
from infobits.codes.crosscode import crosscode
from infobits.explore import create_app
from infobits.explore._api import MAX_TEXT_BODY
from infobits.textbits import MAX_CHARS, MIX_ORDER

mpmath.mp.dps = 40


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(), raise_server_exceptions=False)


def strict_json(response):
    def refuse(name):
        raise AssertionError(f"non-standard JSON constant {name}")

    return json.loads(response.text, parse_constant=refuse)


def order0_bits(text: str) -> list[float]:
    """Adaptive KT order-0 bits per code point, from exact fractions and mpmath."""
    seen: Counter[int] = Counter()
    out = []
    for ch in text:
        p = Fraction(1)
        for x in ch.encode("utf-8"):
            p *= (seen[x] + Fraction(1, 2)) / (seen.total() + 128)
            seen[x] += 1
        out.append(float(-mpmath.log(mpmath.mpf(p.numerator) / p.denominator, 2)))
    return out


@pytest.mark.parametrize("text", ["abracadabra", "naïve 🙂 信息 e\u0301", "\U0010ffff\x00"])
def test_order0_bits_per_character_match_exact_fractions(client, text):
    r = client.post("/api/text", json={"text": text, "model": "order0"})
    assert r.status_code == 200, r.text
    d = strict_json(r)
    want = order0_bits(text)
    assert len(d["bits"]) == len(text) == d["n_chars"]
    np.testing.assert_allclose(d["bits"], want, rtol=1e-13)
    assert math.isclose(d["ideal_bits"], math.fsum(want), rel_tol=1e-12)
    assert d["char_bytes"] == [len(c.encode("utf-8")) for c in text]
    assert d["n_bytes"] == len(text.encode("utf-8"))
    assert "code point" in d["counting"] and "UTF-8" in d["counting"]
    assert d["max_chars"] == MAX_CHARS


def test_order0_coded_bits_are_the_stream_encoders_length(client):
    text = "the quick brown fox jumps over the lazy dog, twice: the quick brown fox"
    raw = text.encode("utf-8")
    seen: Counter[int] = Counter()
    rows = np.empty((len(raw), 256))
    for t, x in enumerate(raw):
        rows[t] = [(seen[v] + 0.5) / (t + 128) for v in range(256)]
        seen[x] += 1
    stream = ib.codes.encode(np.frombuffer(raw, np.uint8), rows)
    d = client.post("/api/text", json={"text": text}).json()  # order0 is the default
    assert d["model"] == "order0"
    assert d["coded_bits"] == 8 * len(stream)
    assert d["ideal_bits"] <= d["coded_bits"] <= d["ideal_bits"] * 1.001 + 64
    assert math.isclose(d["gap_bits"], d["coded_bits"] - d["ideal_bits"], rel_tol=1e-12)


@pytest.mark.parametrize("model", ["order1", "order2", "order3", "mix"])
def test_every_model_sums_its_bits_and_stays_within_the_coders_bound(client, model):
    text = "information is code length; information is code length. 信息就是编码长度"
    d = strict_json(client.post("/api/text", json={"text": text, "model": model}))
    assert len(d["bits"]) == len(text)
    assert all(math.isfinite(b) and b >= 0 for b in d["bits"])
    assert math.isclose(math.fsum(d["bits"]), d["ideal_bits"], rel_tol=1e-12)
    assert d["ideal_bits"] <= d["coded_bits"] <= d["ideal_bits"] * 1.001 + 64


def test_mix_matches_the_compressor(client):
    text = "abracadabra " * 20
    raw = text.encode("utf-8")
    payload, ideal = compress_bytes(raw, model_params(MIX_ORDER, len(raw), version=DEFAULT_MODEL))
    d = client.post("/api/text", json={"text": text, "model": "mix"}).json()
    assert d["coded_bits"] == 8 * len(payload)
    assert math.isclose(d["ideal_bits"], ideal, rel_tol=1e-12)


def test_crosscode_reports_h_a_h_ab_and_d(client):
    a, b = "aaaabbbc", "abc abc abc"
    d = client.post("/api/text", json={"text": a, "model": "crosscode", "like": b}).json()
    ref = crosscode(a.encode(), b.encode())
    cb = Counter(b.encode())
    want = [math.log2((len(b) + 128) / (cb[ord(c)] + 0.5)) for c in a]
    np.testing.assert_allclose(d["bits"], want, rtol=1e-13)
    c = d["crosscode"]
    # H(A) from A's frequencies 4/8, 3/8, 1/8
    h = math.fsum(p * math.log2(1 / p) for p in (0.5, 0.375, 0.125))
    assert math.isclose(c["entropy"], h, rel_tol=1e-13)
    assert math.isclose(c["cross_entropy"], math.fsum(want) / len(a), rel_tol=1e-13)
    assert math.isclose(c["kl_divergence"], c["cross_entropy"] - h, rel_tol=1e-12)
    assert d["coded_bits"] == ref.arithmetic_cross_bits == c["arithmetic_cross_bits"]


def test_the_text_cap_is_exact_and_said(client):
    r = client.post("/api/text", json={"text": "🙂" * MAX_CHARS, "model": "order0"})
    assert r.status_code == 200
    assert r.json()["n_bytes"] == 4 * MAX_CHARS
    r = client.post("/api/text", json={"text": "a" * (MAX_CHARS + 1)})
    assert r.status_code == 422
    assert f"at most {MAX_CHARS}" in r.json()["detail"]


def test_two_texts_of_the_longest_astral_characters_fit_the_body_limit(client):
    body = json.dumps({"text": "😀" * MAX_CHARS, "model": "crosscode", "like": "😀" * MAX_CHARS})
    assert len(body.encode()) <= MAX_TEXT_BODY
    r = client.post("/api/text", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text


def test_a_body_over_the_text_limit_is_413(client):
    body = json.dumps({"text": "a" * (MAX_TEXT_BODY + 1)})
    r = client.post("/api/text", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert f"at most {MAX_TEXT_BODY}" in r.json()["detail"]


@pytest.mark.parametrize(
    ("body", "mentions"),
    [
        ({"text": ""}, "text is empty"),
        ({"text": "abc", "model": "order9"}, "model 'order9' is not known"),
        ({"text": "abc", "model": "crosscode"}, "needs a second text"),
        ({"text": "abc", "like": "b"}, "only used by the crosscode model"),
        ({"text": 5}, "text: Input should be a valid string"),
        ({"text": ["a"]}, "text: Input should be a valid string"),
        ({"text": "a", "model": 0}, "model: Input should be a valid string"),
        ({"text": "a", "extra": 1}, "extra: Extra inputs are not permitted"),
        ({}, "text: Field required"),
    ],
)
def test_bad_bodies_are_422_with_the_message(client, body, mentions):
    r = client.post("/api/text", json=body)
    assert r.status_code == 422
    assert mentions in r.json()["detail"]


def test_a_lone_surrogate_is_422_naming_its_place(client):
    raw = b'{"text": "ab\\ud83dc"}'
    r = client.post("/api/text", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert "text[2] is a lone surrogate U+D83D" in r.json()["detail"]
    # the escaped pair is one code point, and counts as one character of 4 bytes
    raw = b'{"text": "a\\ud83d\\ude00"}'
    d = client.post("/api/text", content=raw, headers={"content-type": "application/json"}).json()
    assert d["char_bytes"] == [1, 4]


def test_presets_list_the_text_models_and_the_cap(client):
    d = client.get("/api/presets").json()
    assert [m["id"] for m in d["text_models"]] == [
        "order0",
        "order1",
        "order2",
        "order3",
        "mix",
        "crosscode",
    ]
    assert d["max_chars"] == MAX_CHARS
