"""The explorer's JSON API through FastAPI's TestClient: numbers against independent
references, and every error path."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import mpmath
import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

import infobits as ib
from infobits.explore import create_app
from infobits.explore._api import MAX_BODY, MAX_K, MAX_N, PRESETS
from infobits.explore._app import STATIC

mpmath.mp.dps = 50


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app())


def strict_json(response):
    """Parse as standard JSON: NaN and Infinity are not JSON."""

    def refuse(name):
        raise AssertionError(f"non-standard JSON constant {name}")

    return json.loads(response.text, parse_constant=refuse)


def mp_bits(p, q):
    """H(p, q) in bits, from weights, at 50 digits."""
    sp, sq = sum(mpmath.mpf(x) for x in p), sum(mpmath.mpf(x) for x in q)
    total = mpmath.mpf(0)
    for a, b in zip(p, q, strict=True):
        if a > 0:
            if b == 0:
                return math.inf
            total += mpmath.mpf(a) / sp * mpmath.log(sq / mpmath.mpf(b), 2)
    return float(total)


def is_prefix_free(words):
    words = [w for w in words if w]
    return not any(a != b and b.startswith(a) for a in words for b in words)


weights = st.lists(st.integers(0, 100), min_size=2, max_size=MAX_K).filter(lambda w: sum(w) > 0)


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_measures_match_mpmath_for_any_weights(data):
    p = data.draw(weights)
    q = data.draw(st.lists(st.integers(0, 100), min_size=len(p), max_size=len(p)))
    if sum(q) == 0:
        q[0] = 1
    client = TestClient(create_app())
    r = client.post("/api/diagram", json={"p": p, "q": q, "kind": "counts"})
    assert r.status_code == 200, r.text
    d = strict_json(r)
    h, hpq = mp_bits(p, p), mp_bits(p, q)
    assert d["entropy"] == pytest.approx(h, rel=1e-12, abs=1e-15)
    if math.isinf(hpq):
        assert d["cross_entropy"] == "inf" and d["kl_divergence"] == "inf"
    else:
        assert d["cross_entropy"] == pytest.approx(hpq, rel=1e-12, abs=1e-15)
        assert d["kl_divergence"] == pytest.approx(hpq - h, rel=1e-9, abs=1e-12)
    assert d["p"] == pytest.approx([x / sum(p) for x in p], rel=1e-15)
    assert d["x0"] == pytest.approx(np.cumsum([0, *p[:-1]]) / sum(p), abs=1e-15)


@settings(max_examples=20, deadline=None)
@given(weights)
def test_huffman_codewords_are_prefix_free_and_within_one_bit_of_entropy(p):
    client = TestClient(create_app())
    d = client.post("/api/diagram", json={"p": p, "q": p, "kind": "counts"}).json()
    words = d["huffman"]["p"]["codewords"]
    assert is_prefix_free(words)
    assert [len(w) for w in words] == d["huffman"]["p"]["lengths"]
    assert (
        all((w == "") == (x == 0) for w, x in zip(words, p, strict=True))
        or sum(x > 0 for x in p) == 1
    )
    expected = sum(x / sum(p) * len(w) for x, w in zip(p, words, strict=True))
    assert d["huffman"]["p"]["expected_length"] == pytest.approx(expected, rel=1e-12)
    h = mp_bits(p, p)
    assert h - 1e-12 <= expected < h + 1


def test_essay_preset_gives_the_essays_numbers(client):
    essay = next(x for x in PRESETS if x["id"] == "essay")
    d = client.post("/api/diagram", json={**essay_request(essay)}).json()
    assert (d["entropy"], d["cross_entropy"]) == (3.0, 4.25)
    assert d["kl_divergence"] == pytest.approx(1.25, rel=1e-15)
    assert d["code_length"] == [1.0, 2.0, 3.0, 4.0, 6.0, 6.0, 6.0, 6.0]
    assert d["huffman"]["q"]["lengths"] == [1, 2, 3, 4, 6, 6, 6, 6]
    assert d["readings"]["kl_divergence"] == "1.250 bits a symbol are wasted"


def essay_request(preset):
    return {"p": preset["p"], "q": preset["q"], "kind": "counts"}


def test_presets_include_the_essay_and_a_fair_and_loaded_die_and_all_are_valid(client):
    info = client.get("/api/presets").json()
    assert info["max_k"] == MAX_K and info["max_n"] == MAX_N
    ids = [x["id"] for x in info["presets"]]
    assert "essay" in ids and "loaded-as-fair" in ids and "fair-as-loaded" in ids
    for preset in info["presets"]:
        assert 2 <= len(preset["p"]) == len(preset["q"]) <= MAX_K
        assert client.post("/api/diagram", json=essay_request(preset)).status_code == 200


def test_probabilities_kind_and_units(client):
    r = client.post("/api/diagram", json={"p": [0.5, 0.5], "q": [0.9, 0.1], "base": "nats"})
    d = r.json()
    assert d["unit"] == "nats" and d["log"] == "ln"
    assert d["cross_entropy"] == pytest.approx(float(-(mpmath.log(0.9) + mpmath.log(0.1)) / 2))
    assert d["huffman"]["q"]["expected_length"] == 1.0  # Huffman lengths stay in bits


def test_infinite_values_are_sent_as_the_string_inf_in_standard_json(client):
    r = client.post("/api/diagram", json={"p": [1, 1], "q": [1, 0], "kind": "counts"})
    d = strict_json(r)
    assert d["cross_entropy"] == "inf" and d["code_length"][1] == "inf"
    assert d["huffman"]["q"]["codewords"] == ["", ""] and d["huffman"]["q"]["lengths"] == [0, 0]
    assert d["huffman"]["q"]["expected_length"] == "inf"
    assert d["y_cap"] != "inf"


def library_message(p):
    with pytest.raises(ib.DistributionError) as e:
        ib.entropy(p)
    return str(e.value)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"p": [0.5, 0.4], "q": [0.5, 0.5]}, library_message([0.5, 0.4])),
        ({"p": [0.5, 0.5], "q": [1.5, -0.5]}, None),
        ({"p": [0, 0], "q": [1, 1], "kind": "counts"}, library_message(ib.counts([0, 0]))),
        ({"p": [1.5, 1], "q": [1, 1], "kind": "counts"}, library_message(ib.counts([1.5, 1]))),
    ],
)
def test_invalid_distributions_get_422_with_the_library_message(client, body, expected):
    r = client.post("/api/diagram", json=body)
    assert r.status_code == 422
    detail = r.json()["detail"]
    if expected is not None:
        assert detail == expected
    else:
        assert detail.startswith("q has a negative entry -0.5 at q[1]")


@pytest.mark.parametrize(
    ("body", "pattern"),
    [
        ({"p": [1 / 17] * 17, "q": [1 / 17] * 17}, r"^p: .*at most 16 items"),
        ({"p": [1.0], "q": [1.0]}, r"^p: .*at least 2 items"),
        ({"p": [0.5, 0.5], "q": [0.2, 0.3, 0.5]}, r"^p has 2 outcomes but q has 3"),
        ({"p": ["a", 0.5], "q": [0.5, 0.5]}, r"^p\.0: Input should be a valid number"),
        ({"p": [0.5, 0.5]}, r"^q: Field required"),
        ({"p": [0.5, 0.5], "q": [0.5, 0.5], "kind": "logits"}, r"^kind: Input should be"),
        ({"p": [0.5, 0.5], "q": [0.5, 0.5], "base": 1}, r"not a valid logarithm base"),
        ({"p": [0.5, 0.5], "q": [0.5, 0.5], "base": "parsecs"}, r"'parsecs' is not a known unit"),
        ({"p": [0.5, 0.5], "q": [0.5, 0.5], "x": 1}, r"^x: Extra inputs are not permitted"),
    ],
)
def test_malformed_requests_get_422_naming_the_field(client, body, pattern):
    r = client.post("/api/diagram", json=body)
    assert r.status_code == 422
    assert re.search(pattern, r.json()["detail"]), r.json()["detail"]


def test_nan_in_the_body_is_refused_by_the_library_check(client):
    body = b'{"p": [NaN, 0.5], "q": [0.5, 0.5]}'
    r = client.post("/api/diagram", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert "nan" in r.json()["detail"].lower() and r.json()["detail"].startswith("p ")


def test_oversized_body_is_refused_before_parsing(client):
    body = json.dumps({"p": [0.5, 0.5], "q": [0.5, 0.5], "pad": "x" * MAX_BODY})
    r = client.post("/api/diagram", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert f"at most {MAX_BODY}" in r.json()["detail"]


def test_body_without_length_is_refused(client):
    def chunks():
        yield b'{"p": [0.5, 0.5], '
        yield b'"q": [0.5, 0.5]}'

    r = client.post("/api/diagram", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 411


def inverse_cdf_draw(p, n, seed):
    """The documented sampler: u ~ U[0,1) from default_rng(seed), first cumsum > u·Σp."""
    u = np.random.default_rng(seed).random(n)
    cdf = np.cumsum(p)
    return np.minimum(np.searchsorted(cdf, u * cdf[-1], side="right"), len(p) - 1)


def test_sample_reports_actual_lengths_matching_an_independent_count(client):
    p, q = [10, 10, 10, 10, 10, 10, 10, 10], [32, 16, 8, 4, 1, 1, 1, 1]
    body = {"p": p, "q": q, "kind": "counts", "n": 2000, "seed": 12345}
    s = strict_json(client.post("/api/sample", json=body))
    d = client.post("/api/diagram", json={"p": p, "q": q, "kind": "counts"}).json()
    pv = np.array(p) / sum(p)
    symbols = inverse_cdf_draw(pv, 2000, 12345)
    assert s["histogram"] == np.bincount(symbols, minlength=8).tolist()
    assert s["head"] == symbols[:40].tolist()
    rows = {r["code"]: r for r in s["codes"]}
    for model in ("p", "q"):
        words = d["huffman"][model]["codewords"]
        payload = sum(len(words[x]) for x in symbols)
        ideal = float(sum(mpmath.log(1 / mpmath.mpf(d[model][x]), 2) for x in symbols))
        huff = rows[f"Huffman code for {model}"]
        assert huff["bytes"] == math.ceil(payload / 8)
        assert huff["bits"] == 8 * huff["bytes"]
        assert huff["ideal"] == pytest.approx(ideal, rel=1e-12)
        assert huff["rounding"] == pytest.approx(payload - ideal, rel=1e-9, abs=1e-9)
        assert huff["overhead"] == 8 * huff["bytes"] - payload
        arith = rows[f"arithmetic code for {model}"]
        assert arith["bits"] == 8 * arith["bytes"]
        assert arith["ideal"] == pytest.approx(ideal, rel=1e-12)
        assert arith["rounding"] == 0
        assert arith["overhead"] == pytest.approx(arith["bits"] - ideal, rel=1e-12)
        assert ideal - 1 <= arith["bits"] <= ideal * 1.0001 + 64 + 8
        for r in (huff, arith):
            assert r["bits"] == pytest.approx(r["ideal"] + r["rounding"] + r["overhead"])
            assert r["bits_per_symbol"] == pytest.approx(r["bits"] / 2000, rel=1e-15)
    # p's code on p's data: Huffman and the ideal both give exactly 3 bits a symbol.
    assert rows["Huffman code for p"]["bits"] == 6000.0
    assert s["expected"] == {"entropy": 6000.0, "cross_entropy": 8500.0}
    assert "lands on -log2 q" in s["reading"]


def test_sample_with_a_seed_repeats_and_without_one_returns_its_seed(client):
    body = {"p": [0.5, 0.25, 0.25], "q": [1 / 3, 1 / 3, 1 / 3], "n": 300}
    first = client.post("/api/sample", json=body).json()
    again = client.post("/api/sample", json={**body, "seed": first["seed"]}).json()
    assert first == again
    assert 0 <= first["seed"] < 2**53


def test_sample_where_q_rules_out_a_drawn_symbol_says_so(client):
    body = {"p": [1, 1, 1, 1], "q": [2, 1, 1, 0], "kind": "counts", "n": 400, "seed": 1}
    s = strict_json(client.post("/api/sample", json=body))
    rows = {r["code"]: r for r in s["codes"]}
    for name in ("Huffman code for q", "arithmetic code for q"):
        assert rows[name]["bits"] == "inf" and rows[name]["bytes"] is None
        assert rows[name]["ideal"] == "inf"
        assert "q gives outcome 3 probability 0" in rows[name]["note"]
    assert rows["Huffman code for p"]["bits"] == 800


@pytest.mark.parametrize(
    ("extra", "pattern"),
    [
        ({"n": 0}, r"^n: .*greater than or equal to 1"),
        ({"n": MAX_N + 1}, rf"^n: .*less than or equal to {MAX_N}"),
        ({"seed": -1}, r"^seed: "),
        ({"seed": 2**53}, r"^seed: "),
    ],
)
def test_sample_bounds_are_enforced(client, extra, pattern):
    body = {"p": [0.5, 0.5], "q": [0.5, 0.5], **extra}
    r = client.post("/api/sample", json=body)
    assert r.status_code == 422
    assert re.search(pattern, r.json()["detail"]), r.json()["detail"]


def test_page_and_every_asset_it_names_are_served_from_the_package(client):
    page = client.get("/")
    assert page.status_code == 200 and "infobits explorer" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    refs = re.findall(r'(?:src|href)="(/[^"]+)"', page.text)
    assert {"/static/app.js", "/static/style.css", "/static/favicon.svg"} <= set(refs)
    for ref in refs:
        assert client.get(ref).status_code == 200, ref
    assert client.get("/favicon.ico").status_code == 200


def test_no_asset_loads_anything_from_the_internet():
    for path in Path(STATIC).iterdir():
        text = path.read_text()
        urls = re.findall(r"https?://[^\s\"')]+", text)
        # the SVG namespace is a name, never fetched
        assert [u for u in urls if not u.startswith("http://www.w3.org/2000/svg")] == [], path


def test_interactive_docs_which_would_need_a_cdn_are_off(client):
    assert client.get("/docs").status_code == 404
    assert client.get("/openapi.json").status_code == 200


def test_allowed_hosts_refuse_a_foreign_host_header():
    local = TestClient(create_app(allowed_hosts=["127.0.0.1", "localhost"]))
    assert local.get("/", headers={"host": "evil.example"}).status_code == 400
    assert local.get("/", headers={"host": "127.0.0.1:8765"}).status_code == 200
