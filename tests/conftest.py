"""Test-wide fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import mpmath
import pytest


@pytest.fixture(autouse=True)
def _mpmath_at_50_digits() -> Iterator[None]:
    """Every test starts with mpmath at 50 digits, whatever an earlier test set."""
    old = mpmath.mp.dps
    mpmath.mp.dps = 50
    yield
    mpmath.mp.dps = old
