"""Fuzz POST /api/text in process (FastAPI's TestClient).

Valid bodies (any Unicode text without lone surrogates: astral characters, emoji with
joiners, combining marks, controls; every model) must answer 200 with one finite,
non-negative value per code point that sums to ``ideal_bits``, an order-0 answer that
agrees with a math.fsum reference of the KT counts, and a coded length within the
coder's bound. Invalid bodies must answer a 4xx whose JSON ``detail`` names what is
wrong, never a 5xx.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from infobits.explore import create_app
from infobits.explore._api import MAX_TEXT_BODY
from infobits.textbits import MAX_CHARS, MODELS

from .harness import check_invalid, check_valid, fuzz

SURFACE = "explore: api text"
CLIENT = TestClient(create_app(), raise_server_exceptions=False)


def post(body: Any = None, raw: bytes | None = None) -> Any:
    data = raw if raw is not None else json.dumps(body).encode()
    return CLIENT.post("/api/text", content=data, headers={"content-type": "application/json"})


def order0_reference(text: str) -> list[float]:
    """KT order-0 bits per code point, Σ over its UTF-8 bytes, with math.fsum."""
    seen: Counter[int] = Counter()
    out = []
    for ch in text:
        parts = []
        for x in ch.encode("utf-8"):
            parts.append(math.log2((seen.total() + 128) / (seen[x] + 0.5)))
            seen[x] += 1
        out.append(math.fsum(parts))
    return out


# any code point but a surrogate, with the hard ones drawn often
pieces = st.one_of(
    st.characters(exclude_categories=("Cs",)),
    st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF, exclude_categories=("Cs",)),
    st.sampled_from(
        ["\u0301", "\u0308", "\u200d", "👩\u200d🔬", "🏳️\u200d🌈", "🙂", "\U0010ffff", "\x00"]
    ),
    st.sampled_from(["信", "息", "é", "\n", "\t", " ", "a", "ab"]),
)
texts = st.lists(pieces, min_size=1, max_size=60).map("".join)


def accept(text: str, model: str) -> Any:
    def check(r: Any) -> bool | str:
        if r.status_code != 200:
            return f"status {r.status_code}: {r.text[:300]}"
        d = r.json()
        bits = d["bits"]
        if len(bits) != len(text) or d["n_chars"] != len(text):
            return f"{len(bits)} values for {len(text)} code points"
        if d["char_bytes"] != [len(c.encode("utf-8")) for c in text]:
            return "char_bytes differ from the UTF-8 lengths"
        if not all(isinstance(b, float | int) and math.isfinite(b) and b >= 0 for b in bits):
            return "a value is not finite and >= 0"
        ideal = d["ideal_bits"]
        if not math.isclose(math.fsum(bits), ideal, rel_tol=1e-9, abs_tol=1e-9):
            return f"Σ bits {math.fsum(bits)} != ideal {ideal}"
        if model == "order0":
            want = order0_reference(text)
            if not all(math.isclose(b, w, rel_tol=1e-12) for b, w in zip(bits, want, strict=True)):
                return "order-0 bits differ from the fsum reference"
        coded = d["coded_bits"]
        if not (ideal - 1e-6 <= coded <= ideal * 1.001 + 64) or coded % 8:
            return f"coded {coded} outside [ideal, ideal·1.001 + 64] for ideal {ideal}"
        if not math.isclose(d["gap_bits"], coded - ideal, rel_tol=1e-9, abs_tol=1e-9):
            return "gap is not coded - ideal"
        if model == "crosscode":
            c = d["crosscode"]
            if not math.isclose(c["cross_entropy"] * d["n_bytes"], ideal, rel_tol=1e-9):
                return "H(A,B)·n_bytes != ideal"
            if not math.isclose(
                c["kl_divergence"], c["cross_entropy"] - c["entropy"], rel_tol=1e-9, abs_tol=1e-12
            ):
                return "D(A||B) != H(A,B) - H(A)"
            if c["kl_divergence"] < -1e-12:
                return "D(A||B) < 0"
        return True

    return check


@fuzz(fast=60, long=2000)
@given(texts, st.sampled_from(list(MODELS)), texts)
def test_valid_texts_get_one_value_per_code_point_summing_to_the_ideal(text, model, like):  # type: ignore[no-untyped-def]
    body: dict[str, Any] = {"text": text, "model": model}
    if model == "crosscode":
        body["like"] = like
    check_valid(SURFACE, lambda: post(body), accept(text, model))


class Refused(ValueError):
    """A 4xx answer, with its detail as the message."""


def refused(r: Any) -> Any:
    """Raise :class:`Refused` for a 4xx with a JSON detail; return any other answer
    (a 2xx then counts as a silent wrong value, a 5xx as uncaught)."""
    if r.status_code >= 500:
        raise RuntimeError(f"server error {r.status_code}: {r.text[:200]}")
    if 400 <= r.status_code < 500:
        try:
            detail = r.json()["detail"]
        except (ValueError, KeyError, TypeError):
            raise RuntimeError(f"{r.status_code} without a JSON detail") from None
        if not isinstance(detail, str) or not detail:
            raise RuntimeError(f"{r.status_code} with detail {detail!r}")
        raise Refused(detail)
    return r


junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.binary(max_size=3).map(list),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children)
    ),
    max_leaves=6,
)


@st.composite
def invalid_bodies(draw: st.DrawFn) -> tuple[Any, bytes | None, list[str]]:
    """(body, raw bytes or None, strings the detail must name)."""
    kind = draw(st.integers(0, 8))
    text = draw(texts)
    if kind == 0:  # a field of the wrong type
        field = draw(st.sampled_from(["text", "model", "like"]))
        body = {"text": text, "model": "crosscode", "like": "b", field: draw(junk)}
        if body[field] is None and field == "like":
            body["like"] = 1
        return body, None, [field]
    if kind == 1:  # a lone surrogate, as a JSON escape
        where = draw(st.integers(0, len(text)))
        half = draw(st.sampled_from(["\\ud800", "\\udbff", "\\udc00", "\\udfff"]))
        esc = json.dumps(text)[1:-1]
        cut = len(json.dumps(text[:where])) - 1
        raw = ('{"text": "' + esc[: cut - 1] + half + esc[cut - 1 :] + '"}').encode()
        return None, raw, ["lone surrogate"]
    if kind == 2:  # an unknown model
        model = draw(st.text(max_size=8).filter(lambda m: m not in MODELS))
        return {"text": text, "model": model}, None, ["model"]
    if kind == 3:  # crosscode without B, or B with another model
        if draw(st.booleans()):
            return {"text": text, "model": "crosscode"}, None, ["like"]
        model = draw(st.sampled_from([m for m in MODELS if m != "crosscode"]))
        return {"text": text, "model": model, "like": text}, None, ["like"]
    if kind == 4:  # empty text
        return (
            {"text": "", "model": draw(st.sampled_from(list(MODELS))), "like": "x"},
            None,
            ["text"],
        )
    if kind == 5:  # over the cap, in text or in like
        n = MAX_CHARS + draw(st.integers(1, 50))
        if draw(st.booleans()):
            return {"text": "é" * n}, None, ["text", str(MAX_CHARS)]
        return {"text": "a", "model": "crosscode", "like": "😀" * n}, None, ["like", str(MAX_CHARS)]
    if kind == 6:  # an unknown field
        name = draw(
            st.text(min_size=1, max_size=6).filter(lambda s: s not in ("text", "model", "like"))
        )
        return {"text": text, name: 1}, None, []
    if kind == 7:  # not JSON, or not an object
        raw = draw(st.one_of(st.binary(max_size=30), st.sampled_from([b"[1]", b"null", b'"a"'])))
        try:
            if isinstance(json.loads(raw), dict):
                raw = b"{"
        except (ValueError, UnicodeDecodeError):
            pass
        return None, raw, []
    return {"text": "a" * (MAX_TEXT_BODY + 1)}, None, [str(MAX_TEXT_BODY)]


@fuzz(fast=60, long=1000)
@given(invalid_bodies())
def test_invalid_bodies_get_a_4xx_naming_the_problem(case) -> None:  # type: ignore[no-untyped-def]
    body, raw, mentions = case
    check_invalid(SURFACE, lambda: refused(post(body, raw)), (Refused,), mentions)
