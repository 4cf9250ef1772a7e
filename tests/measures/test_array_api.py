"""The measures on PyTorch, JAX and the array-API reference implementation: the same
numbers as the NumPy engine, in the input's own library, dtype and device, with the same
worded errors."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import array_api_strict as xps
import mpmath
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import infobits as ib
from infobits import _backend

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
jnp = jax.numpy

mpmath.mp.dps = 40

BACKENDS: dict[str, Callable[[Any], Any]] = {
    "torch": lambda a: torch.asarray(np.asarray(a)),
    "jax": lambda a: jnp.asarray(np.asarray(a)),
    "array-api-strict": lambda a: xps.asarray(np.asarray(a)),
}
ARRAY_TYPES = {"torch": torch.Tensor, "jax": jax.Array, "array-api-strict": type(xps.asarray(0.0))}


@pytest.fixture(params=list(BACKENDS))
def lib(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _dist(rng: np.random.Generator, shape: tuple[int, ...], zeros: bool = False) -> np.ndarray:
    p = rng.dirichlet(np.ones(shape[-1]), size=shape[:-1])
    if zeros:
        p[..., 0] = 0.0
        p /= p.sum(axis=-1, keepdims=True)
    return p


PAIR_MEASURES = [ib.cross_entropy, ib.kl_divergence, ib.js_divergence, ib.js_distance]
ONE_MEASURES = [ib.entropy, ib.joint_entropy, ib.conditional_entropy, ib.mutual_information]


@pytest.mark.parametrize("measure", PAIR_MEASURES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("wrap", ["probs", "logits", "log_probs", "counts"])
def test_pair_measures_equal_the_numpy_engine_in_every_input_kind(
    lib: str, measure: Callable[..., Any], wrap: str
) -> None:
    rng = np.random.default_rng(0)
    p, q = _dist(rng, (3, 5), zeros=True), _dist(rng, (3, 5))
    kinds = {
        "probs": lambda a: a,
        "logits": lambda a: ib.logits(np.log(a) + 3.0),
        "log_probs": lambda a: ib.log_probs(np.log(a)),
        "counts": lambda a: ib.counts(np.round(a * 1000)),
    }

    def lift(x: Any) -> Any:
        if isinstance(x, ib._inputs.Tagged):
            return ib._inputs.Tagged(BACKENDS[lib](x.values), x.kind)
        return BACKENDS[lib](x)

    with np.errstate(divide="ignore"):
        pk, qk = kinds[wrap](p), kinds[wrap](q)
    for base in (2, "nats"):
        want = measure(pk, qk, base=base)
        got = measure(lift(pk), lift(qk), base=base)
        assert isinstance(got, ARRAY_TYPES[lib])
        np.testing.assert_allclose(_backend.to_numpy(got), want, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("measure", ONE_MEASURES, ids=lambda f: f.__name__)
def test_single_argument_measures_equal_the_numpy_engine(
    lib: str, measure: Callable[..., Any]
) -> None:
    rng = np.random.default_rng(1)
    p = _dist(rng, (2, 12), zeros=True)
    if measure is not ib.entropy:
        p = p.reshape(2, 3, 4)  # joint tables: X and Y on the last two axes
    for keepdims in (False, True):
        want = measure(p, keepdims=keepdims)
        got = measure(BACKENDS[lib](p), keepdims=keepdims)
        assert got.shape == np.shape(want)
        np.testing.assert_allclose(_backend.to_numpy(got), want, rtol=1e-12, atol=1e-15)
    want = ib.entropy(ib.counts(np.array([[3, 1, 0], [2, 2, 2]])), axis=0)
    got = ib.entropy(ib.counts(BACKENDS[lib](np.array([[3, 1, 0], [2, 2, 2]]))), axis=0)
    np.testing.assert_allclose(_backend.to_numpy(got), want, rtol=1e-14)


def test_self_information_and_perplexity_equal_the_numpy_engine(lib: str) -> None:
    q = np.array([0.5, 0.25, 0.125, 0.0])
    np.testing.assert_allclose(
        _backend.to_numpy(ib.self_information(BACKENDS[lib](q))), ib.self_information(q), rtol=1e-15
    )
    z = np.array([[0.0, 1.0, -np.inf], [2.0, 2.0, 2.0]])
    np.testing.assert_allclose(
        _backend.to_numpy(ib.self_information(ib.logits(BACKENDS[lib](z)))),
        ib.self_information(ib.logits(z)),
        rtol=1e-15,
    )
    p = np.full(4, 0.25)
    assert float(_backend.to_numpy(ib.perplexity(BACKENDS[lib](p)))) == pytest.approx(4.0)
    r = np.array([0.5, 0.25, 0.125, 0.125])
    assert float(_backend.to_numpy(ib.perplexity(BACKENDS[lib](p), BACKENDS[lib](r)))) == (
        pytest.approx(float(ib.perplexity(p, r)), rel=1e-14)
    )


def test_results_keep_the_input_dtype_and_half_precision_accumulates_in_float32() -> None:
    p = torch.tensor([0.5, 0.25, 0.25])
    assert ib.entropy(p).dtype == torch.float32
    assert ib.entropy(p.double()).dtype == torch.float64
    assert ib.kl_divergence(p, p.double()).dtype == torch.float64
    h = ib.entropy(p.half())
    assert h.dtype == torch.float16 and float(h) == 1.5
    assert ib.entropy(p.bfloat16()).dtype == torch.bfloat16
    assert ib.entropy(jnp.asarray([0.5, 0.5], dtype=jnp.float32)).dtype == jnp.float32
    # Lists mixed with a float32 tensor take its precision, as Python scalars do.
    assert ib.kl_divergence([0.5, 0.5], ib.logits(torch.zeros(2))).dtype == torch.float32


def test_results_stay_on_the_input_device() -> None:
    p = torch.full((2, 4), 0.25, device="meta")
    out = ib.entropy(p, check=False)
    assert out.device.type == "meta" and out.shape == (2,)


def test_kl_near_zero_keeps_its_relative_accuracy_in_torch() -> None:
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.ones(6))
    q = p * (1 + 1e-7 * rng.standard_normal(6))
    q /= q.sum()
    ref = mpmath.fsum(
        mpmath.mpf(a) * (mpmath.log(mpmath.mpf(a)) - mpmath.log(mpmath.mpf(b)))
        for a, b in zip(p.tolist(), q.tolist(), strict=True)
    )
    got = float(ib.kl_divergence(torch.tensor(p), torch.tensor(q), base="nats"))
    assert ref > 0
    assert abs(got - float(ref)) <= 1e-9 * float(ref)


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 8), st.integers(0, 2**31 - 1))
def test_kl_is_cross_entropy_minus_entropy_in_torch(k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = torch.tensor(rng.dirichlet(np.ones(k)))
    q = torch.tensor(rng.dirichlet(np.ones(k)))
    kl = ib.kl_divergence(p, q)
    assert float(kl) >= 0
    assert float(kl) == pytest.approx(float(ib.cross_entropy(p, q) - ib.entropy(p)), abs=1e-12)


BAD_INPUTS = [
    (ib.entropy, ([0.5, 0.6],)),
    (ib.entropy, ([[0.5, 0.5], [0.7, 0.7]],)),
    (ib.entropy, ([0.5, np.nan, 0.5],)),
    (ib.entropy, ([1.5, -0.5],)),
    (ib.kl_divergence, ([0.5, 0.5], [0.9, 0.9])),
    (ib.entropy, (ib.counts([1.0, -2.0]),)),
    (ib.entropy, (ib.counts([1.5, 2.0]),)),
    (ib.entropy, (ib.counts([[0.0, 0.0], [1.0, 1.0]]),)),
    (ib.entropy, (ib.logits([-np.inf, -np.inf]),)),
    (ib.entropy, (ib.logits([0.0, np.inf]),)),
    (ib.entropy, (ib.log_probs([0.0, 0.0]),)),
    (ib.entropy, (ib.log_probs([0.5, -1.0]),)),
    (ib.self_information, ([0.5, 1.5],)),
    (ib.entropy, (np.zeros((2, 0)),)),
    (ib.kl_divergence, ([0.5, 0.5], [1 / 3] * 3)),
]


@pytest.mark.parametrize("measure, args", BAD_INPUTS)
def test_bad_inputs_give_the_numpy_engines_error_word_for_word(
    lib: str, measure: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    def lift(x: Any) -> Any:
        if isinstance(x, ib._inputs.Tagged):
            return ib._inputs.Tagged(BACKENDS[lib](np.asarray(x.values, float)), x.kind)
        return BACKENDS[lib](np.asarray(x, float))

    with pytest.raises(ib.DistributionError) as want:
        measure(*(np.asarray(a, float) if isinstance(a, list) else a for a in args))
    with pytest.raises(ib.DistributionError) as got:
        measure(*(lift(a) for a in args))
    assert str(got.value) == str(want.value)


def test_integer_probabilities_are_a_type_error_that_suggests_counts() -> None:
    with pytest.raises(TypeError, match=r"ib.counts\(p\)"):
        ib.entropy(torch.tensor([1, 0]))


def test_jit_with_check_false_runs_and_check_true_says_why_not() -> None:
    p = jnp.asarray([0.5, 0.25, 0.25])
    f = jax.jit(lambda x: ib.entropy(x, check=False))
    assert float(f(p)) == pytest.approx(1.5, rel=1e-15)
    with pytest.raises(TypeError, match="check=False"):
        jax.jit(lambda x: ib.entropy(x))(p)


def test_torch_compile_runs_the_measures() -> None:
    f = torch.compile(lambda z: ib.entropy(ib.logits(z), base="nats"), backend="eager")
    z = torch.tensor([0.0, 1.0, -math.inf], dtype=torch.float64)
    assert float(f(z)) == pytest.approx(float(ib.entropy(ib.logits(z.numpy()), base="nats")))


def test_dask_arrays_stay_lazy_and_give_the_numpy_engines_numbers() -> None:
    da = pytest.importorskip("dask.array")
    p = np.array([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
    q = np.array([[0.25, 0.25, 0.5], [0.2, 0.3, 0.5]])
    got = ib.kl_divergence(da.from_array(p, chunks=1), da.from_array(q, chunks=1))
    assert isinstance(got, da.Array)
    np.testing.assert_allclose(got.compute(), ib.kl_divergence(p, q), rtol=1e-14)
