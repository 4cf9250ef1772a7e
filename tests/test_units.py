"""Bases and unit names."""

from __future__ import annotations

import math

import pytest

import infobits as ib
from infobits._units import log_of_base, unit_name


@pytest.mark.parametrize(
    ("base", "ln"),
    [
        (2, math.log(2)),
        ("bits", math.log(2)),
        (math.e, 1.0),
        ("nats", 1.0),
        (10, math.log(10)),
        ("bans", math.log(10)),
        (3, math.log(3)),
        (0.5, math.log(0.5)),
    ],
)
def test_bases_and_names_give_the_natural_log_of_the_base(base: object, ln: float) -> None:
    assert log_of_base(base) == pytest.approx(ln, rel=1e-15)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [1, 0, -2, math.inf, math.nan, "furlongs"])
def test_invalid_bases_are_value_errors(bad: object) -> None:
    with pytest.raises(ValueError, match="base"):
        ib.entropy([0.5, 0.5], base=bad)  # type: ignore[arg-type]


def test_non_numeric_base_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="base"):
        ib.entropy([0.5, 0.5], base=[2])  # type: ignore[arg-type]


def test_unit_names() -> None:
    assert [unit_name(b) for b in (2, "nats", "bans", 3)] == [
        "bits",
        "nats",
        "bans",
        "base-3 units",
    ]
