"""The array-library question, answered in one place: which inputs take which engine."""

from __future__ import annotations

import array_api_strict as xps
import numpy as np
import pandas as pd
import pytest
import torch

import infobits as ib
from infobits import _backend

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")


def test_numpy_lists_scalars_and_pandas_take_the_numpy_engine() -> None:
    assert _backend.is_numpy(np.ones(3), [0.5, 0.5], 1.0, None, np.float32(1.0))
    assert _backend.is_numpy(pd.Series([0.5, 0.5]))
    assert _backend.is_numpy(ib.logits(np.zeros(2)))


@pytest.mark.parametrize(
    "make",
    [torch.ones, lambda n: jnp.ones(n), lambda n: xps.ones(n)],
    ids=["torch", "jax", "array-api-strict"],
)
def test_other_array_libraries_do_not(make) -> None:  # type: ignore[no-untyped-def]
    x = make(3)
    assert not _backend.is_numpy(x)
    assert not _backend.is_numpy([0.5, 0.5], ib.counts(x))


def test_two_array_libraries_in_one_call_are_an_error_that_names_them() -> None:
    with pytest.raises(TypeError, match="different array libraries"):
        _backend.namespace(torch.ones(2), xps.ones(2))


def test_namespace_ignores_numpy_arguments() -> None:
    xp = _backend.namespace(np.ones(2), torch.ones(2))
    assert xp.asarray([1.0]).__class__ is torch.Tensor


def test_to_numpy_copies_from_every_library() -> None:
    t = torch.tensor([1.0, 2.0], requires_grad=True)
    for x in (t, jnp.asarray([1.0, 2.0]), xps.asarray([1.0, 2.0])):
        np.testing.assert_array_equal(_backend.to_numpy(x), [1.0, 2.0])


def test_generic_logsumexp_handles_minus_inf_and_large_values() -> None:
    x = xps.asarray([[1000.0, 1000.0, -np.inf], [-np.inf, -np.inf, 0.0]], dtype=xps.float64)
    out = _backend.to_numpy(_backend.logsumexp(xps, x, (-1,), keepdims=False))
    np.testing.assert_allclose(out, [1000.0 + np.log(2.0), 0.0], rtol=1e-15)


def test_host_bool_inside_jit_says_to_pass_check_false() -> None:
    def f(x):  # type: ignore[no-untyped-def]
        return _backend.host_bool(jnp.all(x > 0), "p")

    with pytest.raises(TypeError, match="check=False"):
        jax.jit(f)(jnp.ones(2))
