"""Fixtures for the measures' tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infobits.measures import _blocked

#: The compiled kernels as the package found them (None: not built, or unavailable).
COMPILED = _blocked._ckernels


@pytest.fixture(params=["compiled", "numpy"])
def kernels(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run a test twice: with the compiled row kernels (skipped where they are not
    built) and with the NumPy path alone (the module attribute set to None)."""
    if request.param == "compiled":
        if COMPILED is None:
            pytest.skip("the compiled kernels are not built")
        monkeypatch.setattr(_blocked, "_ckernels", COMPILED)
    else:
        monkeypatch.setattr(_blocked, "_ckernels", None)
    yield request.param
