"""Fuzz the ``base`` argument that every measure takes."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import infobits as ib

from .harness import check_invalid, check_valid, fuzz

P = np.array([0.5, 0.25, 0.125, 0.125])
H_NATS = math.fsum(-x * math.log(x) for x in P)

valid_bases = st.one_of(
    st.sampled_from(["bits", "nats", "e", "bans", " Bits ", "NATS"]),
    st.floats(min_value=1e-300, max_value=1e300).filter(lambda b: b != 1.0),
    st.integers(min_value=2, max_value=10**6),
)
invalid_bases = st.one_of(
    st.sampled_from([0, 1, 1.0, -2, math.inf, -math.inf, math.nan, "furlongs", "", "2"]),
    st.floats(max_value=0.0),
    st.text(min_size=1).filter(lambda s: s.strip().lower() not in ib._units.UNIT_NAMES),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
)


@fuzz(fast=40, long=3000)
@given(valid_bases)
def test_valid_base(base: object) -> None:
    names = {"bits": 2.0, "nats": math.e, "e": math.e, "bans": 10.0}
    b = names.get(base.strip().lower(), 0.0) if isinstance(base, str) else float(base)  # type: ignore[arg-type]
    expected = H_NATS / math.log(b)

    def close(h: float) -> bool:
        return math.isclose(h, expected, rel_tol=1e-13, abs_tol=1e-300)

    check_valid("measures: base", lambda: ib.entropy(P, base=base), close)  # type: ignore[arg-type]


@fuzz(fast=40, long=3000)
@given(invalid_bases)
def test_invalid_base(base: object) -> None:
    check_invalid("measures: base", lambda: ib.entropy(P, base=base), mentions=["base"])  # type: ignore[arg-type]
