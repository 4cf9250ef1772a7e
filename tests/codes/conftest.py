"""The adaptive coder's two loops, C (``_cmcore``) and numba (``_cmloop``): tests that
take the ``loop`` fixture run once with each, so both stay correct."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infobits.codes import adaptive

LOOPS = ["c", "numba"]


def _skip_missing(name: str) -> None:
    if name == "c" and not adaptive.c_loop_available():
        pytest.skip("the C loop (infobits.codes._cmcore) is not built")
    if name == "numba":
        pytest.importorskip("numba")


@pytest.fixture(params=LOOPS, scope="module")
def loop(request: pytest.FixtureRequest) -> Iterator[str]:
    """Code with the C loop, then with the numba loop (module-scoped, so that hypothesis
    tests may use it)."""
    _skip_missing(request.param)
    old = adaptive.BACKEND
    adaptive.BACKEND = request.param
    yield request.param
    adaptive.BACKEND = old
