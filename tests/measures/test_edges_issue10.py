"""The measures' edge cases from the fuzz campaign (issue 10): each class of silently
wrong number or broken message, on every engine it broke, against an independent
reference (mpmath at high precision, or math.fsum)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
import pytest
import torch

import infobits as ib

# Every test here runs with the compiled row kernels and with the NumPy path alone.
pytestmark = pytest.mark.usefixtures("kernels")

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
jnp = jax.numpy

LIBS: dict[str, Callable[[Any], Any]] = {
    "numpy": lambda a: np.asarray(a, dtype=np.float64),
    "torch": lambda a: torch.tensor(np.asarray(a, dtype=np.float64)),
    "jax": lambda a: jnp.asarray(np.asarray(a, dtype=np.float64)),
}


def _f(x: Any) -> float:
    return float(np.asarray(x.detach() if isinstance(x, torch.Tensor) else x))


def mp_js_bits(p: list[float], q: list[float]) -> mpmath.mpf:
    def kl(a: list[mpmath.mpf], m: list[mpmath.mpf]) -> mpmath.mpf:
        return mpmath.fsum(x * mpmath.log(x / y) for x, y in zip(a, m, strict=True) if x > 0)

    a = [mpmath.mpf(x) for x in p]
    b = [mpmath.mpf(x) for x in q]
    m = [(x + y) / 2 for x, y in zip(a, b, strict=True)]
    return (kl(a, m) + kl(b, m)) / 2 / mpmath.log(2)


def mp_entropy_of_logits(z: list[float]) -> mpmath.mpf:
    zs = [mpmath.mpf(v) for v in z]
    top = max(range(len(zs)), key=lambda i: zs[i])
    rest = mpmath.fsum(mpmath.exp(v - zs[top]) for i, v in enumerate(zs) if i != top)
    lp = [(v - zs[top]) - mpmath.log1p(rest) for v in zs]
    return -mpmath.fsum(mpmath.exp(v) * v for v in lp)


# -- item 1: masked logits on PyTorch and JAX ------------------------------------------


@pytest.mark.parametrize("lib", list(LIBS))
def test_item1_masked_logit_facing_a_zero_is_a_zero_probability(lib: str) -> None:
    t = LIBS[lib]
    p, z = t([0.5, 0.5, 0.0]), ib.logits(t([0.0, -1.0, -1e9]))
    q = np.exp([0.0, -1.0]) / np.exp([0.0, -1.0]).sum()
    ref = mp_js_bits([0.5, 0.5, 0.0], [*q.tolist(), 0.0])
    js = ib.js_divergence(p, z)
    assert abs(_f(js) - float(ref)) <= 1e-12 * float(ref)
    assert abs(_f(ib.js_distance(p, z)) - math.sqrt(float(ref))) <= 1e-12
    table = ib.logits(t([[0.0, -1e9], [-1e9, 0.0]]))
    assert _f(ib.mutual_information(table)) == pytest.approx(1.0, rel=1e-12)
    assert _f(ib.conditional_entropy(table)) == 0.0


def test_item1_js_distance_gradient_is_finite_for_masked_logits() -> None:
    z = torch.tensor([0.0, -1.0, -1e9], dtype=torch.float64, requires_grad=True)
    d = ib.js_distance(torch.tensor([0.5, 0.5, 0.0], dtype=torch.float64), ib.logits(z))
    d.backward()
    assert z.grad is not None and bool(torch.isfinite(z.grad).all())


@pytest.mark.parametrize("lib", ["torch", "jax"])
def test_item1_js_distance_never_turns_nan_into_zero(lib: str) -> None:
    t = LIBS[lib]
    nan = ib.js_distance(t([0.5, math.nan]), t([0.5, 0.5]), check=False)
    assert math.isnan(_f(nan))


# -- item 2: counts whose total overflows ----------------------------------------------


@pytest.mark.parametrize("lib", list(LIBS))
@pytest.mark.parametrize("big", [1e308, 3e38])
def test_item2_counts_whose_total_overflows(lib: str, big: float) -> None:
    dtype = np.float32 if big == 3e38 else np.float64
    raw = np.array([big, big], dtype=dtype)
    c = ib.counts(raw if lib == "numpy" else LIBS[lib](raw))
    if lib == "torch":
        c = ib.counts(torch.tensor(raw))  # keeps float32
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert _f(ib.entropy(c)) == pytest.approx(1.0, rel=tol)
    assert _f(ib.cross_entropy(c, c)) == pytest.approx(1.0, rel=tol)
    assert _f(ib.kl_divergence(c, c)) == 0.0
    assert _f(ib.js_divergence(c, c)) == 0.0
    half = np.array([[big, 0.0], [0.0, big]], dtype=np.float64)
    table = ib.counts(half if lib == "numpy" else LIBS[lib](half))
    assert _f(ib.joint_entropy(table)) == pytest.approx(1.0, rel=1e-12)
    assert _f(ib.mutual_information(table)) == pytest.approx(1.0, rel=1e-12)


# -- item 4: JS above its bound --------------------------------------------------------


@pytest.mark.parametrize("lib", ["numpy", "torch"])
def test_item4_js_of_a_subnormal_stays_within_its_bounds(lib: str) -> None:
    t = LIBS[lib]
    js = _f(ib.js_divergence(t([1.0, 5e-324]), t([1.0, 0.0])))
    assert 0.0 <= js <= 1e-300  # the true value is ~2e-324 bits


def test_item4_js_of_log_probabilities_near_minus_742() -> None:
    lp = np.array([math.log1p(-math.exp(-742.0)), -742.0])
    js = ib.js_divergence(ib.log_probs(lp), [1.0, 0.0])
    assert 0.0 <= js <= 1e-300


@pytest.mark.parametrize("seed", range(5))
def test_item4_js_never_exceeds_one_bit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    z = rng.uniform(-800, 0, size=(50, 4))
    p = np.exp(z - np.log(np.exp(z).sum(axis=-1, keepdims=True)))
    js = ib.js_divergence(ib.log_probs(z - np.log(np.exp(z).sum(-1, keepdims=True))), p[::-1])
    assert np.all((js >= 0) & (js <= 1.0))


# -- item 5: JAX flushes subnormals; log-probabilities avoid it --------------------------


def test_item5_jax_kl_with_subnormal_q_through_log_probabilities() -> None:
    q1 = 4.6e-322
    ref = 0.5 * (mpmath.log(0.5 / (1 - mpmath.mpf(q1))) + mpmath.log(0.5 / mpmath.mpf(q1)))
    lq = jnp.asarray([math.log1p(-q1), math.log(q1)])
    got = ib.kl_divergence(jnp.asarray([0.5, 0.5]), ib.log_probs(lq), base="nats")
    assert abs(_f(got) - float(ref)) <= 1e-12 * float(ref)
    # NumPy computes it from the probabilities themselves
    np_got = ib.kl_divergence([0.5, 0.5], [1 - q1, q1], base="nats")
    assert abs(np_got - float(ref)) <= 1e-12 * float(ref)


# -- item 7: entropy of logits near certainty --------------------------------------------


@pytest.mark.parametrize("lib", list(LIBS))
def test_item7_entropy_of_logits_near_certainty(lib: str) -> None:
    ref = mp_entropy_of_logits([0.0, -50.0])
    got = _f(ib.entropy(ib.logits(LIBS[lib]([0.0, -50.0])), base="nats"))
    assert abs(got - float(ref)) <= 1e-12 * float(ref)


@pytest.mark.parametrize("lib", list(LIBS))
def test_item7_random_confident_logits_keep_1e_12(lib: str) -> None:
    rng = np.random.default_rng(7)
    z = rng.normal(size=(40, 5)) * 3
    z[:, 0] += rng.uniform(10, 60, size=40)  # one outcome far ahead
    got = np.asarray([_f(h) for h in ib.entropy(ib.logits(LIBS[lib](z)), base="nats", axis=-1)])
    refs = np.asarray([float(mp_entropy_of_logits(row.tolist())) for row in z])
    assert np.all(np.abs(got - refs) <= 1e-12 * refs)


# -- item 9: signs and exact zeros -------------------------------------------------------


@pytest.mark.parametrize("lib", list(LIBS))
def test_item9_kl_of_nearby_counts_is_not_negative(lib: str) -> None:
    a, b = [1652359771, 1972105473], [1652359772, 1972105474]
    pa = [mpmath.mpf(x) / sum(a) for x in a]
    pb = [mpmath.mpf(x) / sum(b) for x in b]
    ref = mpmath.fsum(x * mpmath.log(x / y) for x, y in zip(pa, pb, strict=True))
    got = _f(ib.kl_divergence(ib.counts(LIBS[lib](a)), ib.counts(LIBS[lib](b)), base="nats"))
    assert got >= 0.0
    assert abs(got - float(ref)) <= 1e-25


@pytest.mark.parametrize("lib", list(LIBS))
def test_item9_exact_zeros_where_the_table_says_so(lib: str) -> None:
    t = LIBS[lib]
    det = [[3.0, 0.0, 0.0], [0.0, 0.0, 7.0], [0.0, 5.0, 0.0]]
    assert _f(ib.conditional_entropy(ib.counts(t(det)))) == 0.0
    assert _f(ib.conditional_entropy(t(np.asarray(det) / 15))) == 0.0
    p = t([0.2] * 5)
    assert _f(ib.kl_divergence(p, p)) == 0.0
    assert _f(ib.js_divergence(p, p)) == 0.0
    prod = np.outer([0.3, 0.7], [0.1, 0.2, 0.7])
    assert _f(ib.mutual_information(t(prod))) >= 0.0


@pytest.mark.parametrize("seed", range(20))
def test_item9_kl_js_mi_never_negative(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(6))
    q = p * (1 + 1e-12 * rng.standard_normal(6))
    q /= q.sum()
    assert ib.kl_divergence(p, q) >= 0.0
    assert ib.js_divergence(p, q) >= 0.0
    assert ib.mutual_information(np.outer(p, q)) >= 0.0
    assert ib.conditional_entropy(np.outer(p, q)) >= 0.0


# -- item 10: masked arrays --------------------------------------------------------------


def test_item10_masked_array_with_a_mask_is_refused_by_name() -> None:
    m = np.ma.array([0.5, 0.5, 0.1], mask=[False, False, True])
    with pytest.raises(TypeError, match=r"^q is a masked array with masked entries"):
        ib.kl_divergence([0.4, 0.4, 0.2], m)
    with pytest.raises(TypeError, match=r"^p is a masked array"):
        ib.entropy(ib.counts(np.ma.array([1, 2], mask=[True, False])))
    with pytest.raises(TypeError, match=r"^q is a masked array"):
        ib.kl_divergence(torch.tensor([0.5, 0.5]), np.ma.array([0.5, 0.5], mask=[False, True]))


def test_item10_masked_array_without_masked_entries_is_an_array() -> None:
    assert ib.entropy(np.ma.array([0.5, 0.5])) == 1.0
    assert ib.entropy(np.ma.array([0.5, 0.5], mask=[False, False])) == 1.0


# -- item 11: valid input refused --------------------------------------------------------


def test_item11_long_double_with_zeros() -> None:
    p = np.array([0.5, 0.25, 0.25, 0.0], dtype=np.longdouble)
    ref = -math.fsum(x * math.log2(x) for x in [0.5, 0.25, 0.25])
    assert ib.entropy(p) == pytest.approx(ref, rel=1e-15)
    assert ib.entropy(p.reshape(2, 2), axis=(0, 1)) == pytest.approx(ref, rel=1e-15)
    assert ib.kl_divergence(p, p) == 0.0


@pytest.mark.parametrize("lib", ["numpy", "torch"])
def test_item11_float16_within_its_own_tolerance(lib: str) -> None:
    raw = np.array([0.5, 0.49], dtype=np.float16)  # sums to 0.99: within 0.031 (float16)
    p = raw if lib == "numpy" else torch.tensor(raw)
    h = ib.entropy(p)
    ref = -math.fsum(float(x) * math.log2(float(x)) for x in raw)
    assert _f(h) == pytest.approx(ref, rel=1e-3)
    far = np.array([0.5, 0.4], dtype=np.float16)
    with pytest.raises(ib.DistributionError, match=r"within 0\.031 \(float16\)"):
        ib.entropy(far if lib == "numpy" else torch.tensor(far))


# -- item 12: ragged lists -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda r: ib.entropy(r), "p"),
        (lambda r: ib.kl_divergence([[0.5, 0.5], [0.5, 0.5]], r), "q"),
        (lambda r: ib.cross_entropy(ib.counts(r), [[0.5, 0.5]]), "p"),
        (lambda r: ib.mutual_information(r), "pxy"),
        (lambda r: ib.self_information(r), "q"),
        (lambda r: ib.js_divergence(torch.tensor([[0.5, 0.5]]), r), "q"),
    ],
)
def test_item12_ragged_lists_are_named(call: Callable[[Any], Any], name: str) -> None:
    with pytest.raises(ib.DistributionError, match=rf"^{name} is a ragged nested list"):
        call([[0.5, 0.5], [1.0]])
