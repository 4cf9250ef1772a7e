"""Fuzz the explorer's HTTP API in process (FastAPI's TestClient).

Valid bodies must answer 200 with H(p), H(p, q) and D(p‖q) that agree with a math.fsum
reference, and samples whose bits are ideal + rounding + overhead; invalid bodies must
answer a 4xx with a JSON ``detail`` string, never a 5xx.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from infobits._units import UNIT_NAMES
from infobits.explore import create_app
from infobits.explore._api import MAX_BODY, MAX_K, MAX_N

from .harness import Hang, Outcome, fuzz, record, time_limit

SURFACE = "explore: api"
BASES = {"bits": 2.0, "nats": math.e, "e": math.e, "bans": 10.0}
CLIENT = TestClient(create_app(), raise_server_exceptions=False)


def reference(p: list[float], q: list[float], base: float) -> tuple[float, float, float]:
    sp, sq = math.fsum(p), math.fsum(q)
    pn = [a / sp for a in p]
    qn = [b / sq for b in q]
    lb = math.log(base)
    h = math.fsum(-a * math.log(a) for a in pn if a > 0) / lb
    if any(a > 0 and b == 0 for a, b in zip(pn, qn, strict=True)):
        inf = math.inf if lb > 0 else -math.inf  # a base below 1 counts lengths negative
        return h, inf, inf
    hpq = math.fsum(-a * math.log(b) for a, b in zip(pn, qn, strict=True) if a > 0) / lb
    kl = math.fsum(a * math.log(a / b) for a, b in zip(pn, qn, strict=True) if a > 0) / lb
    return h, hpq, kl


def post(path: str, body: Any = None, raw: bytes | None = None) -> Any:
    try:
        with time_limit():
            # Python's json writes NaN and Infinity, as a careless client would
            data = raw if raw is not None else json.dumps(body).encode()
            return CLIENT.post(path, content=data, headers={"content-type": "application/json"})
    except Hang:
        record(SURFACE, Outcome.HANG, f"{path} {body!r:.200}")
        raise AssertionError("unreachable") from None
    except Exception as exc:
        record(SURFACE, Outcome.UNCAUGHT, f"{path} {body!r:.200}: {type(exc).__name__}: {exc}")
        raise AssertionError("unreachable") from None


def close(got: Any, want: float) -> bool:
    if math.isinf(want):
        return got == ("inf" if want > 0 else "-inf")
    return isinstance(got, float | int) and math.isclose(got, want, rel_tol=1e-10, abs_tol=1e-13)


@st.composite
def valid_bodies(draw: st.DrawFn) -> tuple[dict[str, Any], list[float], list[float], float]:
    k = draw(st.integers(2, MAX_K))
    counts = draw(st.booleans())
    weights = st.lists(st.integers(0, 10**6), min_size=k, max_size=k).filter(lambda w: sum(w))
    p, q = draw(weights), draw(weights)
    base = draw(st.sampled_from([*BASES, 2, 10, 3.5, 0.5]))
    b = BASES[base] if isinstance(base, str) else float(base)
    if counts:
        body: dict[str, Any] = {"p": p, "q": q, "kind": "counts", "base": base}
        return body, [float(x) for x in p], [float(x) for x in q], b
    pp = [x / math.fsum(p) for x in p]
    qq = [x / math.fsum(q) for x in q]
    return {"p": pp, "q": qq, "kind": "probabilities", "base": base}, pp, qq, b


@fuzz(fast=50, long=1500)
@given(valid_bodies(), st.sampled_from([None, 1, 17, 500]), st.integers(0, 2**53 - 1))
def test_valid_bodies_agree_with_an_fsum_reference(case, n, seed) -> None:  # type: ignore[no-untyped-def]
    body, p, q, b = case
    r = post("/api/diagram", body)
    if r.status_code != 200:
        record(SURFACE, Outcome.UNCAUGHT, f"valid {body}: {r.status_code} {r.text[:300]}")
    d = r.json()
    want = reference(p, q, b)
    got = (d["entropy"], d["cross_entropy"], d["kl_divergence"])
    if not all(close(g, w) for g, w in zip(got, want, strict=True)):
        record(SURFACE, Outcome.WRONG, f"{body}: {got} against fsum {want}")
    if n is not None:
        s = post("/api/sample", {**body, "n": n, "seed": seed})
        if s.status_code != 200:
            record(SURFACE, Outcome.UNCAUGHT, f"valid sample: {s.status_code} {s.text[:300]}")
        out = s.json()
        if out["seed"] != seed or sum(out["histogram"]) != n:
            record(SURFACE, Outcome.WRONG, f"sample seed/histogram: {out}")
        for row in out["codes"]:
            if row["bytes"] is None:
                continue
            parts = row["ideal"] + row["rounding"] + row["overhead"]
            if row["bits"] != 8 * row["bytes"] or not math.isclose(
                row["bits"], parts, rel_tol=1e-12, abs_tol=1e-9
            ):
                record(SURFACE, Outcome.WRONG, f"{row}")
    record(SURFACE, Outcome.CORRECT)


junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def invalid_bodies(draw: st.DrawFn) -> tuple[str, Any, bytes | None]:
    path = draw(st.sampled_from(["/api/diagram", "/api/sample"]))
    good: dict[str, Any] = {"p": [0.5, 0.5], "q": [0.25, 0.75]}
    kind = draw(st.integers(0, 8))
    if kind == 0:  # a field of the wrong type, or a junk value
        field = draw(st.sampled_from(["p", "q", "kind", "base", "n", "seed"]))
        value = draw(
            st.one_of(
                junk,
                st.sampled_from(["0.5", True, False, None, [True, 0.5], ["1", "2"], {}, "bits2"]),
            )
        )
        if path == "/api/diagram" and field in ("n", "seed"):
            path = "/api/sample"
        if field in ("p", "q") and isinstance(value, list):
            value = [*value, "x"]  # a list of numbers might be a valid distribution
        body = {**good, field: value}
        if field == "base" and isinstance(value, str) and value.strip().lower() in UNIT_NAMES:
            body["base"] = "parsecs"
        if field == "base" and isinstance(value, int | float) and not isinstance(value, bool):
            body["base"] = 1
        if field == "kind" and value in ("counts", "probabilities"):
            body["kind"] = "logits"
        if field == "n" and isinstance(value, int) and not isinstance(value, bool):
            body["n"] = 0 if value >= 1 else value
        if field == "seed" and isinstance(value, int) and not isinstance(value, bool):
            body["seed"] = -1 if value >= 0 else value
        if field == "seed" and value is None:
            body["seed"] = "none"
        return path, body, None
    if kind == 1:  # not a distribution: a sum off 1, a negative, NaN or inf entry
        v = draw(st.floats(allow_nan=True, allow_infinity=True))
        if 0 <= v <= 1 and abs(v + 0.5 - 1) < 1e-6:
            v = 2.0
        return path, {**good, "p": [v, 0.5]}, None
    if kind == 2:  # counts that are not whole, or all zero
        w = draw(st.sampled_from([[0, 0], [1.5, 1], [-1, 2], [0.0, 0.0]]))
        return path, {**good, "p": w, "kind": "counts"}, None
    if kind == 3:  # lengths differ, or out of bounds
        k = draw(st.sampled_from([0, 1, MAX_K + 1]))
        return path, {**good, "p": [1 / max(k, 1)] * k}, None
    if kind == 4:
        return path, {**good, "q": [0.2, 0.3, 0.5]}, None
    if kind == 5:  # an unknown field
        return (
            path,
            {
                **good,
                draw(
                    st.text(min_size=1, max_size=6).filter(
                        lambda s: s not in ("p", "q", "kind", "base", "n", "seed")
                    )
                ): 1,
            },
            None,
        )
    if kind == 6:  # not JSON at all, or not an object
        raw = draw(st.one_of(st.binary(max_size=40), st.just(b"[1, 2]"), st.just(b"null")))
        try:
            json.loads(raw)
            if isinstance(json.loads(raw), dict):
                raw = b"{"
        except (ValueError, UnicodeDecodeError):
            pass
        return path, None, raw
    if kind == 7:  # a body over the limit
        return path, {**good, "pad": "x" * (MAX_BODY + 1)}, None
    n = draw(st.sampled_from([0, -5, MAX_N + 1, 10**12]))
    return "/api/sample", {**good, "n": n}, None


@fuzz(fast=50, long=1500)
@given(invalid_bodies())
def test_invalid_bodies_get_a_4xx_with_a_json_detail(case) -> None:  # type: ignore[no-untyped-def]
    path, body, raw = case
    r = post(path, body, raw)
    if r.status_code >= 500:
        record(SURFACE, Outcome.UNCAUGHT, f"{path} {body!r:.200} {raw!r:.80}: {r.status_code}")
    if r.status_code < 400:
        record(SURFACE, Outcome.WRONG, f"{path} {body!r:.200} {raw!r:.80}: {r.status_code}")
    try:
        detail = r.json()["detail"]
    except (ValueError, KeyError, TypeError):
        record(SURFACE, Outcome.UNCAUGHT, f"{path}: {r.status_code} without a JSON detail")
        raise AssertionError("unreachable") from None
    if not isinstance(detail, str) or not detail:
        record(SURFACE, Outcome.UNCAUGHT, f"{path}: detail {detail!r}")
    record(SURFACE, Outcome.DOCUMENTED)


@pytest.mark.parametrize("path", ["/api/presets", "/", "/static/app.js", "/nowhere"])
def test_plain_gets_never_fail_on_the_server(path: str) -> None:
    assert CLIENT.get(path).status_code in (200, 404)
