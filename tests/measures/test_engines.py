"""Every measure on every engine against one reference (mpmath at 50 digits).

One parametrised test: each public measure × each array library (NumPy, PyTorch, JAX,
array-api-strict) × each input kind (probabilities, ``ib.logits``, ``ib.log_probs``,
``ib.counts``) × float64 and float32 × a single distribution and a batch along a
non-default axis. The result must come back in the input's library and dtype and agree
with :mod:`tests.reference`: 1e-12 relative in float64 (1e-14 nats absolute for the
divergences, the README's floor near 0), 1e-5 relative in float32.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import array_api_strict as xps
import numpy as np
import pytest
import torch

import infobits as ib
from tests.reference import (
    MEASURES_JOINT,
    MEASURES_PAIR,
    agree,
    mp_batch,
)

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
jnp = jax.numpy

LIBS: dict[str, Callable[[np.ndarray], Any]] = {
    "numpy": lambda a: a,
    "torch": torch.asarray,
    "jax": jnp.asarray,
    "array_api_strict": xps.asarray,
}

MEASURES = [
    "entropy",
    "cross_entropy",
    "kl_divergence",
    "js_divergence",
    "js_distance",
    "self_information",
    "perplexity1",
    "perplexity2",
    "joint_entropy",
    "conditional_entropy",
    "mutual_information",
]

#: Divergences near 0 have an absolute floor (README, "Accuracy").
FLOORED = {"kl_divergence", "js_divergence", "mutual_information", "conditional_entropy"}

WRAP = {"probs": lambda a: a, "logits": ib.logits, "log_probs": ib.log_probs, "counts": ib.counts}


def to_numpy(x: Any) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    if isinstance(x, np.ndarray | np.generic | float):
        return np.asarray(x)
    return np.from_dlpack(x) if hasattr(x, "__dlpack__") else np.asarray(x)


def make(kind: str, shape: tuple[int, ...], axis: int | tuple[int, int], seed: int) -> np.ndarray:
    """A float64 input of ``kind`` with the outcomes on ``axis``, one zero probability."""
    rng = np.random.default_rng(seed)
    axes = (axis,) if isinstance(axis, int) else axis
    outcome_shape = tuple(shape[a] for a in axes)
    batch = [s for i, s in enumerate(shape) if i not in {a % len(shape) for a in axes}]
    n = math.prod(outcome_shape)
    p = rng.dirichlet(np.ones(n), size=batch or None).reshape(*batch, n)
    p[..., 1] = 0.0
    p /= p.sum(axis=-1, keepdims=True)
    if kind == "probs":
        out = p
    elif kind == "logits":
        with np.errstate(divide="ignore"):
            out = np.log(p) + rng.normal(0, 3)
    elif kind == "log_probs":
        with np.errstate(divide="ignore"):
            out = np.log(p)
    else:
        out = np.floor(p * 1000.0)
        out[..., 0] += 1.0
    out = out.reshape(*batch, *outcome_shape)
    dest = tuple(a % len(shape) for a in axes)
    return np.moveaxis(out, tuple(range(len(batch), len(shape))), dest)


def call(measure: str, args: list[Any], base: object, axis: Any) -> Any:
    if measure.startswith("perplexity"):
        return ib.perplexity(*args, axis=axis)
    kw = {"axes": axis} if measure in MEASURES_JOINT else {"axis": axis}
    return getattr(ib, measure)(*args, base=base, **kw)


@pytest.mark.parametrize("batched", [False, True], ids=["single", "batch"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("kind", list(WRAP))
@pytest.mark.parametrize("lib", list(LIBS))
@pytest.mark.parametrize("measure", MEASURES)
def test_every_measure_on_every_engine_matches_mpmath(
    measure: str, lib: str, kind: str, dtype: type, batched: bool
) -> None:
    if measure == "self_information" and kind == "probs":
        shape, axis = ((3, 4), 0) if batched else ((5,), -1)
    elif measure in MEASURES_JOINT:
        shape, axis = ((3, 2, 4), (2, 0)) if batched else ((3, 4), (-2, -1))
    else:
        shape, axis = ((5, 3), 0) if batched else ((5,), -1)
    n_args = 2 if measure in MEASURES_PAIR else 1
    # Every input has a zero at outcome 1, so p > 0 = q never happens and values are finite.
    values = [make(kind, shape, axis, seed=i) for i in range(n_args)]
    values = [v.astype(dtype) for v in values]
    args = [WRAP[kind](LIBS[lib](v)) for v in values]
    base = "nats" if not batched else 2
    scale = 1.0 if measure.startswith("perplexity") or base == "nats" else math.log(2)
    if measure == "js_distance":
        scale = math.sqrt(scale)  # √(JS in nats / ln 2)

    result = call(measure, args, base, axis)

    expected_type = type(LIBS[lib](np.zeros(1)))
    assert isinstance(result, expected_type | np.generic), type(result)
    assert str(result.dtype).endswith(np.dtype(dtype).name), result.dtype
    refs = [mp_batch(measure, list(zip([kind] * n_args, values, strict=True)), axis)]
    if dtype == np.float64:
        rtol, atol = 1e-12, (1e-14 / scale if measure in FLOORED else 0.0)
    else:
        rtol, atol = 1e-5, 1e-6
    verdict = agree(to_numpy(result), refs, rtol, atol, scale=scale)
    assert verdict is True, verdict


MIXED = [
    ("probs", "logits"),
    ("logits", "probs"),
    ("counts", "log_probs"),
    ("log_probs", "counts"),
    ("logits", "counts"),
    ("log_probs", "logits"),
]


@pytest.mark.parametrize("kinds", MIXED, ids="-".join)
@pytest.mark.parametrize("lib", list(LIBS))
@pytest.mark.parametrize("measure", [m for m in MEASURES if m in MEASURES_PAIR])
def test_pair_measures_of_mixed_kinds_match_mpmath(
    measure: str, lib: str, kinds: tuple[str, str]
) -> None:
    values = [make(k, (5,), -1, seed=i) for i, k in enumerate(kinds)]
    args = [WRAP[k](LIBS[lib](v)) for k, v in zip(kinds, values, strict=True)]
    result = call(measure, args, "nats", -1)
    refs = [mp_batch(measure, list(zip(kinds, values, strict=True)), -1)]
    atol = 1e-14 if measure in FLOORED else 0.0
    verdict = agree(to_numpy(result), refs, 1e-12, atol)
    assert verdict is True, verdict
