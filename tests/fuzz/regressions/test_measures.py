"""Failures of the measures found by fuzzing, kept as explicit examples (issue 10).

Each expected value comes from mpmath at 50 digits (tests/reference.py), never from
infobits. A test that still fails carries ``xfail(strict=True)`` naming its issue item, so
the fix turns it into an XPASS that fails the run until the marker is removed.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import array_api_strict as xps
import mpmath
import numpy as np
import pytest
import torch

import infobits as ib
from tests.reference import (
    NEG_INF,
    flush,
    mp_h,
    mp_joint,
    mp_js,
    mp_kl_p,
    mp_logprobs,
    mp_measure,
)

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
jnp = jax.numpy


def xfail(item: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"issue 10 item {item}")


def found(what: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"found by fuzzing: {what}")


def close(value: Any, ref: mpmath.mpf, rtol: float, atol: float = 0.0) -> bool:
    v = float(value.detach()) if isinstance(value, torch.Tensor) else float(value)
    return math.isfinite(v) and abs(mpmath.mpf(v) - ref) <= max(rtol * abs(ref), atol)


def bits(nats: mpmath.mpf) -> mpmath.mpf:
    return nats / mpmath.log(2)


# --- item 1: masked logits on PyTorch and JAX, facing a zero in the other distribution ---

P3 = [0.5, 0.5, 0.0]
Z3 = [0.0, -1.0, -1e9]


def _js_masked_ref(p: list[float], z: list[float], dtype: Any) -> mpmath.mpf:
    # The masked logit's probability is 0 in any dtype (exp(-1e9) underflows).
    tiny = float(np.finfo(dtype).smallest_subnormal)
    q = flush(mp_logprobs(np.array(z), "logits"), tiny)
    return bits(mp_js(mp_logprobs(np.array(p), "probs"), q))


def test_js_of_masked_torch_logits_against_a_zero() -> None:
    got = ib.js_divergence(torch.tensor(P3), ib.logits(torch.tensor(Z3)))
    assert close(got, _js_masked_ref(P3, Z3, np.float32), 1e-5)  # 0.0412 bits


def test_js_distance_of_masked_torch_logits_and_its_gradient() -> None:
    z = torch.tensor(Z3, requires_grad=True)
    got = ib.js_distance(torch.tensor(P3), ib.logits(z))
    assert close(got, mpmath.sqrt(_js_masked_ref(P3, Z3, np.float32)), 1e-5)
    got.backward()
    assert z.grad is not None and bool(torch.isfinite(z.grad).all())


def test_mi_of_masked_torch_logits_is_one_bit() -> None:
    got = ib.mutual_information(ib.logits(torch.tensor([[0.0, -1e9], [-1e9, 0.0]])))
    assert close(got, mpmath.mpf(1), 1e-6)


def test_js_of_masked_jax_logits_against_a_zero() -> None:
    got = ib.js_divergence(jnp.array(P3), ib.logits(jnp.array(Z3)))
    assert close(got, _js_masked_ref(P3, Z3, np.float64), 1e-12)


def test_mi_of_masked_jax_logits_is_one_bit() -> None:
    got = ib.mutual_information(ib.logits(jnp.array([[0.0, -1e9], [-1e9, 0.0]])))
    assert close(got, mpmath.mpf(1), 1e-12)


def test_js_of_float64_torch_logits_with_a_gap_of_800() -> None:
    z = [0.0, -1.0, -800.0]
    got = ib.js_divergence(
        torch.tensor(P3, dtype=torch.float64), ib.logits(torch.tensor(z, dtype=torch.float64))
    )
    assert close(got, _js_masked_ref(P3, z, np.float64), 1e-12, 1e-14)


def test_js_of_float32_torch_logits_with_a_gap_of_120() -> None:
    z = [0.0, -1.0, -120.0]
    got = ib.js_divergence(torch.tensor(P3), ib.logits(torch.tensor(z)))
    assert close(got, _js_masked_ref(P3, z, np.float32), 1e-5)


def test_js_of_masked_array_api_strict_logits_against_a_zero() -> None:
    got = ib.js_divergence(xps.asarray(P3), ib.logits(xps.asarray(Z3)))
    assert close(got, _js_masked_ref(P3, Z3, np.float64), 1e-12)


# --- item 2: counts whose total overflows the dtype ---


def test_entropy_of_counts_whose_total_overflows() -> None:
    assert float(ib.entropy(ib.counts([1e308, 1e308]))) == 1.0


def test_entropy_of_float32_counts_whose_total_overflows() -> None:
    assert float(ib.entropy(ib.counts(np.array([3e38, 3e38], dtype=np.float32)))) == 1.0


def test_kl_of_counts_whose_total_overflows() -> None:
    c = np.array([1e308, 3e307, 5e307])
    q = np.array([0.25, 0.25, 0.5])
    ref = bits(mp_kl_p(mp_logprobs(c, "counts"), mp_logprobs(q, "probs")))
    assert close(ib.kl_divergence(ib.counts(c), q), ref, 1e-12)


def test_mi_and_joint_entropy_of_counts_whose_total_overflows() -> None:
    c = np.array([[1e308, 0.0], [0.0, 1e308]])
    assert close(ib.mutual_information(ib.counts(c)), mpmath.mpf(1), 1e-12)
    assert close(ib.joint_entropy(ib.counts(c)), mpmath.mpf(1), 1e-12)


def test_entropy_of_torch_counts_whose_total_overflows() -> None:
    got = ib.entropy(ib.counts(torch.tensor([1e308, 1e308], dtype=torch.float64)))
    assert close(got, mpmath.mpf(1), 1e-12)


# --- item 4: JS above its bound of 1 bit ---


def _js_bits(p: list[float], q: list[float]) -> mpmath.mpf:
    return bits(mp_js(mp_logprobs(np.array(p), "probs"), mp_logprobs(np.array(q), "probs")))


def test_js_of_a_subnormal_against_a_zero() -> None:
    got = ib.js_divergence([1.0, 5e-324], [1.0, 0.0])
    assert 0.0 <= float(got) <= 1.0
    assert close(got, _js_bits([1.0, 5e-324], [1.0, 0.0]), 1e-12, 1e-300)


def test_js_of_a_zero_against_a_subnormal() -> None:
    got = ib.js_divergence([0.5, 0.5, 0.0], [0.5, 0.5, 5e-324])
    assert 0.0 <= float(got) <= 1.0
    assert close(got, _js_bits([0.5, 0.5, 0.0], [0.5, 0.5, 5e-324]), 1e-12, 1e-300)


def test_js_distance_of_a_subnormal_against_a_zero() -> None:
    got = ib.js_distance([1.0, 5e-324], [1.0, 0.0])
    assert 0.0 <= float(got) <= 1.0


# --- item 5: JAX flushes subnormals to zero on the CPU ---


@xfail("5: JAX flushes a subnormal q to 0 and KL becomes inf")
def test_kl_against_a_subnormal_q_on_jax() -> None:
    q = [1 - 4.6e-322, 4.6e-322]
    ref = bits(
        mp_kl_p(mp_logprobs(np.array([0.5, 0.5]), "probs"), mp_logprobs(np.array(q), "probs"))
    )
    assert close(ib.kl_divergence(jnp.array([0.5, 0.5]), jnp.array(q)), ref, 1e-12)


@xfail("5: JAX flushes a subnormal q to 0 and cross-entropy becomes inf")
def test_cross_entropy_against_a_subnormal_q_on_jax() -> None:
    p, q = np.array([0.5, 0.5]), np.array([1.0, 1e-310])
    ref = bits(-mpmath.fsum(mpmath.mpf(a) * mpmath.log(b) for a, b in zip(p, q, strict=True)))
    assert close(ib.cross_entropy(jnp.array(p), jnp.array(q)), ref, 1e-12)


@xfail("5: JAX flushes a subnormal p to 0 and its entropy term is lost")
def test_entropy_of_a_subnormal_on_jax() -> None:
    p = np.array([1.0, 1e-310])
    got = ib.entropy(jnp.array(p), base="nats")
    assert close(got, mp_h(mp_logprobs(p, "probs")), 1e-12)


# --- item 7: entropy of logits near certainty loses digits ---


def _h_logits(z: list[float] | list[list[float]]) -> mpmath.mpf:
    return mp_h(mp_logprobs(np.array(z), "logits"))


def test_entropy_of_logits_near_certainty() -> None:
    got = ib.entropy(ib.logits([0.0, -50.0]), base="nats")
    assert close(got, _h_logits([0.0, -50.0]), 1e-12)  # 9.8366e-21


def test_entropy_of_torch_logits_near_certainty() -> None:
    z = [0.0, -40.0]
    got = ib.entropy(ib.logits(torch.tensor(z, dtype=torch.float64)), base="nats")
    assert close(got, _h_logits(z), 1e-12)


def test_joint_entropy_of_logits_near_certainty() -> None:
    z = [[0.0, -50.0], [-50.0, -50.0]]
    assert close(ib.joint_entropy(ib.logits(z), base="nats"), _h_logits(z), 1e-12)


def test_entropy_of_counts_near_certainty() -> None:
    c = [1e20, 1.0]
    got = ib.entropy(ib.counts(c), base="nats")
    assert close(got, mp_h(mp_logprobs(np.array(c), "counts")), 1e-12)  # 4.7052e-19


# --- item 9: signs and exact zeros ---


def test_kl_of_nearby_counts_is_not_negative() -> None:
    a, b = [1652359771.0, 1972105473.0], [1652359772.0, 1972105474.0]
    got = ib.kl_divergence(ib.counts(a), ib.counts(b))
    ref = bits(mp_kl_p(mp_logprobs(np.array(a), "counts"), mp_logprobs(np.array(b), "counts")))
    assert float(got) >= 0.0
    assert close(got, ref, 1e-12, 1e-14)


def test_float32_kl_of_a_softmax_against_its_logits_is_not_negative() -> None:
    z = torch.tensor([0.3, 1.2, -0.7])
    assert float(ib.kl_divergence(torch.softmax(z, 0), ib.logits(z))) >= 0.0


def test_conditional_entropy_of_a_deterministic_table_is_exactly_zero() -> None:
    table = np.array([[3.0, 0.0], [0.0, 7.0]])
    lp = mp_logprobs(table.ravel(), "counts")
    assert mp_joint([lp[:2], lp[2:]], "conditional_entropy") == 0
    assert float(ib.conditional_entropy(ib.counts(table))) == 0.0


def test_conditional_entropy_of_deterministic_logits_is_exactly_zero() -> None:
    z = [[0.0, -np.inf], [-np.inf, 1.0]]  # Y = X
    lp = mp_logprobs(np.array(z).ravel(), "logits")
    assert mp_joint([lp[:2], lp[2:]], "conditional_entropy") == 0
    assert float(ib.conditional_entropy(ib.logits(z))) == 0.0


def test_js_of_nearby_counts_is_not_negative() -> None:
    a, b = [1652359771.0, 1972105473.0], [1652359772.0, 1972105474.0]
    got = ib.js_divergence(ib.counts(a), ib.counts(b))
    ref = bits(mp_js(mp_logprobs(np.array(a), "counts"), mp_logprobs(np.array(b), "counts")))
    assert float(got) >= 0.0
    assert close(got, ref, 1e-12, 1e-14)


# --- item 10: options accepted when they are wrong ---


def test_check_none_is_an_error_naming_check() -> None:
    with pytest.raises((TypeError, ValueError), match="check"):
        ib.entropy([0.5, 0.6], check=None)  # type: ignore[arg-type]


def test_check_must_be_a_bool() -> None:
    with pytest.raises((TypeError, ValueError), match="check"):
        ib.kl_divergence([0.5, 0.5], [0.5, 0.5], check="no")  # type: ignore[arg-type]


def test_masked_array_is_an_error_naming_the_argument() -> None:
    p = np.ma.array([0.5, 0.5, 0.0], mask=[False, False, True])
    with pytest.raises((TypeError, ValueError), match=r"(?s)\bp\b.*mask|mask.*\bp\b"):
        ib.entropy(p)


def test_masked_q_is_an_error_naming_q() -> None:
    q = np.ma.array([0.25, 0.75], mask=[True, False])
    with pytest.raises((TypeError, ValueError), match=r"(?s)\bq\b.*mask|mask.*\bq\b"):
        ib.kl_divergence([0.5, 0.5], q)


# --- item 11: valid input refused ---


def test_longdouble_with_a_zero_entry() -> None:
    p = np.array([0.5, 0.5, 0.0], dtype=np.longdouble)
    assert float(ib.entropy(p)) == 1.0


def test_float16_within_its_sum_tolerance() -> None:
    p = np.array([0.3335, 0.3335, 0.3335], dtype=np.float16)  # sums to 1.00049
    assert abs(float(p.astype(np.float64).sum()) - 1.0) <= ib.sum_tolerance(np.float16)
    ref = bits(mp_h(mp_logprobs(p.astype(np.float64), "probs")))
    assert close(ib.entropy(p), ref, 1e-3)


# --- item 12: messages that break the promise ---


def test_ragged_list_names_the_argument() -> None:
    with pytest.raises((TypeError, ValueError), match=r"\bp\b"):
        ib.entropy([[0.5, 0.5], [1.0]])


def test_ragged_q_names_the_argument() -> None:
    with pytest.raises((TypeError, ValueError), match=r"\bq\b"):
        ib.kl_divergence([0.5, 0.5], [[0.5, 0.5], [1.0]])


@pytest.mark.parametrize(
    "axis",
    [
        pytest.param(None),
        pytest.param(1.5),
        pytest.param("0"),
        pytest.param(True),
        pytest.param(np.float64(0.0)),
    ],
    ids=repr,
)
def test_bad_axis_names_axis(axis: object) -> None:
    with pytest.raises((TypeError, ValueError), match="axis"):
        ib.entropy([[0.5, 0.5], [0.25, 0.75]], axis=axis)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "axes",
    [
        pytest.param(None),
        pytest.param(True),
        pytest.param((0, 1.5)),
        pytest.param(("0", "1")),
        pytest.param((True, False)),
    ],
    ids=repr,
)
def test_bad_axes_names_axes(axes: object) -> None:
    with pytest.raises((TypeError, ValueError), match="axes"):
        ib.mutual_information([[0.5, 0.0], [0.0, 0.5]], axes=axes)  # type: ignore[arg-type]


# --- found by fuzzing, beyond the examples ---


def _nats(name: str, args: list[tuple[str, list[float]]]) -> mpmath.mpf:
    """Reference in nats of a vector measure (tests/reference.py)."""
    return mp_measure(name, *(mp_logprobs(np.array(v), k) for k, v in args))


def test_cross_entropy_against_logits_near_certainty() -> None:
    got = ib.cross_entropy([0.0, 1.0], ib.logits([0.0, 40.0]), base="nats")
    ref = _nats("cross_entropy", [("probs", [0.0, 1.0]), ("logits", [0.0, 40.0])])
    assert close(got, ref, 1e-12)  # log1p(e^-40) = 4.2484e-18 (KL gets it right)


def test_cross_entropy_against_counts_near_certainty() -> None:
    got = ib.cross_entropy([0.0, 1.0], ib.counts([1.0, 1e20]), base="nats")
    ref = _nats("cross_entropy", [("probs", [0.0, 1.0]), ("counts", [1.0, 1e20])])
    assert close(got, ref, 1e-12)


def test_float32_cross_entropy_against_logits_near_certainty() -> None:
    p = np.array([0.0, 1.0], dtype=np.float32)
    z = np.array([0.0, 12.0], dtype=np.float32)
    got = ib.cross_entropy(p, ib.logits(z), base="nats")
    ref = _nats("cross_entropy", [("probs", [0.0, 1.0]), ("logits", [0.0, 12.0])])
    assert close(got, ref, 1e-5)  # 6.1442e-6; infobits gives 6.1989e-6


def test_self_information_of_logits_near_certainty() -> None:
    got = ib.self_information(ib.logits([0.0, -50.0]), base="nats")
    ref = -mp_logprobs(np.array([0.0, -50.0]), "logits")[0]  # log1p(e^-50) = 1.9287e-22
    assert close(got[0], ref, 1e-12)


def test_self_information_of_counts_near_certainty() -> None:
    got = ib.self_information(ib.counts([1e20, 1.0]), base="nats")
    ref = -mp_logprobs(np.array([1e20, 1.0]), "counts")[0]  # ≈ 1e-20
    assert close(got[0], ref, 1e-12)


def test_mi_of_logits_with_an_underflowing_cell() -> None:
    z = [[0.0, -np.inf], [-np.inf, -800.0]]
    ref = mp_joint(
        [mp_logprobs(np.array(z[0]), "log_probs"), [NEG_INF, mpmath.mpf(-800)]],
        "mutual_information",
    )  # = H(X) ≈ 801·e^-800 nats, below the smallest float64
    assert ref < 1e-300
    got = ib.mutual_information(ib.logits(z), base="nats")
    assert close(got, ref, 1e-12, 1e-300)


def test_mi_of_log_probs_with_a_masked_cell() -> None:
    got = ib.mutual_information(ib.log_probs([[0.0, -np.inf], [-np.inf, -1e9]]))
    assert float(got) == 0.0


def test_mi_of_float32_logits_with_an_underflowing_cell() -> None:
    z = np.array([[0.0, -np.inf], [-np.inf, -110.0]], dtype=np.float32)
    got = ib.mutual_information(ib.logits(z))
    assert 0.0 <= float(got) <= 1e-40


def test_perplexity_that_overflows_is_inf_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = ib.perplexity([0.5, 0.5], ib.logits([0.0, -2000.0]))  # e^1000.35
    assert float(got) == np.inf


@pytest.mark.parametrize(
    "lib",
    [
        pytest.param(lambda t: torch.tensor(t, dtype=torch.float64), id="torch"),
        pytest.param(
            jnp.asarray, id="jax", marks=xfail("5: JAX flushes the subnormal p(x, y) to 0")
        ),
        pytest.param(xps.asarray, id="array_api_strict"),
    ],
)
def test_mi_where_the_product_of_marginals_underflows(lib: Any) -> None:
    table = [[1.0, 0.0], [0.0, 1e-310]]
    lp = mp_logprobs(np.array(table).ravel(), "probs")
    ref = bits(mp_joint([lp[:2], lp[2:]], "mutual_information"))  # 1.0298e-307 bits
    assert close(ib.mutual_information(lib(table)), ref, 1e-12, 1e-320)


@pytest.mark.parametrize(
    "lib",
    [
        pytest.param(lambda t: torch.tensor(t, dtype=torch.float64), id="torch"),
        pytest.param(jnp.asarray, id="jax"),
        pytest.param(xps.asarray, id="array_api_strict"),
    ],
)
def test_joint_measures_of_large_equal_logits(lib: Any) -> None:
    z = [[-1e9, -1e9], [-1e9, -1e9]]  # the uniform table: I = 0, H(Y|X) = 1 bit
    assert float(ib.mutual_information(ib.logits(lib(z)))) == 0.0  # 5.5e-9 today
    assert close(ib.conditional_entropy(ib.logits(lib(z))), mpmath.mpf(1), 1e-12)


def test_float32_mi_of_logits_near_1e4_on_torch() -> None:
    z = np.array([[10000.0, 10000.0], [9970.0, 10000.234375]], dtype=np.float32)
    lp = mp_logprobs(z.ravel(), "logits")
    ref = mp_joint([lp[:2], lp[2:]], "mutual_information")  # 0.191451 nats
    got = ib.mutual_information(ib.logits(torch.asarray(z)), base="nats")
    assert close(got, ref, 1e-5)


def test_float32_cross_entropy_of_logits_near_1e4_on_array_api_strict() -> None:
    p = np.array([0.25, 0.25, 0.5], dtype=np.float32)
    z = np.array([10000.0, 10000.5, 9999.0], dtype=np.float32)
    ref = mp_measure("cross_entropy", mp_logprobs(p, "probs"), mp_logprobs(z, "logits"))
    got = ib.cross_entropy(xps.asarray(p), ib.logits(xps.asarray(z)), base="nats")
    assert close(got, ref, 1e-5)  # 1.4791306; infobits gives 1.4794922 (NumPy 1.4791305)


def test_mi_of_nearly_independent_huge_counts() -> None:
    c = np.array([[7.0, 1.0], [3.4e38, 3.4e38]])
    lp = mp_logprobs(c.ravel(), "counts")
    ref = mp_joint([lp[:2], lp[2:]], "mutual_information")  # 3.72e-39 nats
    assert close(ib.mutual_information(ib.counts(c), base="nats"), ref, 1e-12, 1e-14)


def test_kl_divergence_loss_errors_name_its_arguments() -> None:
    z = torch.zeros(2, 3)
    with pytest.raises(ValueError, match=r"\bp_target\b"):
        ib.losses.kl_divergence_loss(torch.full((2, 3), 0.5), ib.logits(z))
    with pytest.raises(ValueError, match=r"\bq_pred\b"):
        ib.losses.kl_divergence_loss(torch.full((2, 3), 1 / 3), torch.full((2, 3), 0.5))


def test_keepdims_must_be_a_bool() -> None:
    with pytest.raises((TypeError, ValueError), match="keepdims"):
        ib.entropy([[0.5, 0.5], [0.25, 0.75]], keepdims="no")  # type: ignore[arg-type]


def test_float32_js_of_a_subnormal_log_probability_against_a_zero() -> None:
    p = np.array([1.0, 0.0], dtype=np.float32)
    lq = np.array([0.0, -102.9], dtype=np.float32)  # q[1] = e^-102.9 ≈ 2e-45, subnormal
    ref = mp_measure("js_divergence", mp_logprobs(p, "probs"), mp_logprobs(lq, "log_probs"))
    got = ib.js_divergence(p, ib.log_probs(lq), base="nats")
    assert close(got, ref, 1e-5, 1e-7)  # ≈ ln 2 / 2 · e^-102.9 ≈ 0


def test_empty_q_against_one_outcome_names_q() -> None:
    with pytest.raises(ValueError, match=r"\bq\b"):
        ib.cross_entropy(np.array([1.0]), np.zeros(0))


def test_kl_of_probabilities_near_zero_is_not_negative() -> None:
    # Σ p log p/q of these exact floats is -1.6e-17; they sum to 1 only within rounding,
    # and the divergence of the distributions they stand for is >= 0.
    got = float(ib.kl_divergence([1e-17, 1.0], [5e-17, 1.0], base="nats"))
    assert 0.0 <= got <= 1e-14


def test_float32_conditional_entropy_of_counts_near_certainty() -> None:
    c = np.array([[0.0, 0.0, 0.0, 0.0], [0.0, 1.87443466e10, 3.48169175e10, 8.39275449e13]])
    c32 = c.astype(np.float32)
    lp = mp_logprobs(c32.astype(np.float64).ravel(), "counts")
    ref = mp_joint([lp[:4], lp[4:]], "conditional_entropy")  # 0.00574295 nats
    assert close(ib.conditional_entropy(ib.counts(c32), base="nats"), ref, 1e-5)


@pytest.mark.parametrize(
    "lib",
    [
        pytest.param(np.asarray, id="numpy"),
        pytest.param(lambda t: torch.tensor(t, dtype=torch.float64), id="torch"),
        pytest.param(jnp.asarray, id="jax"),
        pytest.param(xps.asarray, id="array_api_strict"),
    ],
)
def test_mi_where_the_product_of_normal_marginals_underflows(lib: Any) -> None:
    # The class of the example above without a subnormal input: p(x)p(y) = 1e-400.
    table = [[1.0, 0.0], [0.0, 1e-200]]
    lp = mp_logprobs(np.array(table).ravel(), "probs")
    ref = bits(mp_joint([lp[:2], lp[2:]], "mutual_information"))  # 6.64e-198 bits
    assert close(ib.mutual_information(lib(table)), ref, 1e-12)


@pytest.mark.parametrize(
    "lib",
    [
        pytest.param(np.asarray, id="numpy"),
        pytest.param(torch.tensor, id="torch"),
        pytest.param(xps.asarray, id="array_api_strict"),
    ],
)
def test_mi_of_log_probs_with_a_masked_cell_on_every_library(lib: Any) -> None:
    lp = lib(np.array([[0.0, -np.inf], [-np.inf, -1e9]]))
    assert float(ib.mutual_information(ib.log_probs(lp))) == 0.0


@pytest.mark.parametrize(
    "lib",
    [
        pytest.param(torch.tensor, id="torch"),
        pytest.param(jnp.asarray, id="jax"),
        pytest.param(xps.asarray, id="array_api_strict"),
    ],
)
def test_float32_kl_and_entropy_of_logits_near_1e4(lib: Any) -> None:
    z = np.array([10000.0, 10000.5, 9999.0], dtype=np.float32)
    zq = np.array([10000.25, 10000.0, 9999.5], dtype=np.float32)
    lz, lq = mp_logprobs(z, "logits"), mp_logprobs(zq, "logits")
    got = ib.kl_divergence(ib.logits(lib(z)), ib.logits(lib(zq)), base="nats")
    assert close(got, mp_measure("kl_divergence", lz, lq), 1e-5)
    assert close(ib.entropy(ib.logits(lib(z)), base="nats"), mp_h(lz), 1e-5)


@pytest.mark.parametrize(
    "lib",
    [
        pytest.param(np.asarray, id="numpy"),
        pytest.param(torch.tensor, id="torch"),
        pytest.param(xps.asarray, id="array_api_strict"),
    ],
)
def test_perplexity_that_overflows_is_inf_on_every_library(lib: Any) -> None:
    p = lib(np.array([0.5, 0.5]))
    z = lib(np.array([0.0, -2000.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(ib.perplexity(p, ib.logits(z))) == np.inf


_KEEPDIMS_CALLS = {
    "entropy": lambda kd: ib.entropy([0.5, 0.5], keepdims=kd),
    "cross_entropy": lambda kd: ib.cross_entropy([0.5, 0.5], [0.5, 0.5], keepdims=kd),
    "kl_divergence": lambda kd: ib.kl_divergence([0.5, 0.5], [0.5, 0.5], keepdims=kd),
    "js_divergence": lambda kd: ib.js_divergence([0.5, 0.5], [0.5, 0.5], keepdims=kd),
    "js_distance": lambda kd: ib.js_distance([0.5, 0.5], [0.5, 0.5], keepdims=kd),
    "perplexity": lambda kd: ib.perplexity([0.5, 0.5], keepdims=kd),
    "joint_entropy": lambda kd: ib.joint_entropy([[0.5, 0.5], [0.0, 0.0]], keepdims=kd),
    "conditional_entropy": lambda kd: ib.conditional_entropy([[0.5, 0.5], [0.0, 0.0]], keepdims=kd),
    "mutual_information": lambda kd: ib.mutual_information([[0.5, 0.5], [0.0, 0.0]], keepdims=kd),
}


@pytest.mark.parametrize("keepdims", [None, 0, 1, 2, "no", "True"], ids=repr)
@pytest.mark.parametrize("measure", sorted(_KEEPDIMS_CALLS))
def test_every_keepdims_must_be_a_bool(measure: str, keepdims: object) -> None:
    with pytest.raises(TypeError, match="keepdims"):
        _KEEPDIMS_CALLS[measure](keepdims)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: ib.kl_divergence([1.0], np.zeros(0)), id="kl"),
        pytest.param(lambda: ib.js_divergence([1.0], np.zeros((2, 0))), id="js-batch"),
        pytest.param(lambda: ib.cross_entropy(torch.ones(1), torch.zeros(0)), id="torch"),
    ],
)
def test_an_empty_q_is_named_as_q(call: Any) -> None:
    with pytest.raises(ValueError, match=r"\bq has an empty outcome axis"):
        call()


def test_losses_name_their_own_arguments() -> None:
    with pytest.raises(TypeError, match=r"\bp_target\b"):
        ib.losses.kl_divergence_loss(torch.zeros(2, 3, dtype=torch.int64), torch.ones(2, 3) / 3)
    with pytest.raises(ValueError, match=r"p_target with shape .* and q_pred with shape"):
        ib.losses.kl_divergence_loss(torch.ones(2, 3) / 3, torch.ones(2, 4) / 4)
    with pytest.raises(ValueError, match=r"\btarget\b"):
        ib.losses.cross_entropy_loss(torch.zeros(2, 3), torch.full((2, 3), 0.5))
    with pytest.raises(ValueError, match=r"\btarget\b"):
        ib.losses.binary_cross_entropy(logits=torch.zeros(3), target=torch.tensor([0.5, 2, 0]))


@pytest.mark.parametrize(
    "lib",
    [
        pytest.param(np.asarray, id="numpy"),
        pytest.param(torch.tensor, id="torch"),
        pytest.param(jnp.asarray, id="jax"),
        pytest.param(xps.asarray, id="array_api_strict"),
    ],
)
@pytest.mark.parametrize(
    ("a", "b"), [([0.0, 1.0], [1.0, 1.0]), ([0.0, 1.0, 3.0], [1.0, 1.0, 1.0])], ids=str
)
def test_kl_of_counts_where_q_has_mass_outside_p(lib: Any, a: list[float], b: list[float]) -> None:
    # Found by fuzzing: two sets of counts dropped Σ(p - q) over p's support, which is
    # q's mass where p = 0: KL([0, 1] ‖ [1, 1]) came out ln 2 - 1/2, not ln 2.
    ref = mp_kl_p(mp_logprobs(np.array(a), "counts"), mp_logprobs(np.array(b), "counts"))
    got = ib.kl_divergence(ib.counts(lib(np.array(a))), ib.counts(lib(np.array(b))), base="nats")
    assert close(got, ref, 1e-12)


def test_array_api_strict_counts_whose_total_overflows_do_not_warn() -> None:
    # Found by fuzzing: the sum of the counts overflowed inside NumPy and warned.
    c = np.array([0.0, 5.11775568e307, 7.76176269e307, 5.09741298e307])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = ib.entropy(ib.counts(xps.asarray(c)), base="nats")
    assert close(got, mp_h(mp_logprobs(c, "counts")), 1e-12)


def test_array_api_strict_float32_kl_against_a_subnormal_q_does_not_warn() -> None:
    # Found by fuzzing: p/q overflowed inside NumPy and warned (the value was right).
    p = np.array([0.0, 1.0], dtype=np.float32)
    q = np.array([1.0, 1.00000022e-39], dtype=np.float32)
    ref = mp_kl_p(mp_logprobs(p, "probs"), mp_logprobs(q, "probs"))  # 89.8 nats
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = ib.kl_divergence(xps.asarray(p), xps.asarray(q), base="nats")
    assert close(got, ref, 1e-5)


def test_float32_jax_counts_near_the_top_of_the_range() -> None:
    # Found by fuzzing: 1/8.5e37 is subnormal in float32 and JAX flushed it, so the
    # counts [0, 0, 0, 8.5e37] became probabilities [0, 0, 0, 0].
    c = np.array([0.0, 0.0, 0.0, 8.50706019e37], dtype=np.float32)
    z = np.zeros(4, dtype=np.float32)
    ref = mp_js(mp_logprobs(z, "logits"), mp_logprobs(c.astype(np.float64), "counts"))
    got = ib.js_divergence(ib.logits(jnp.asarray(z)), ib.counts(jnp.asarray(c)), base="nats")
    assert close(got, ref, 1e-5)


@pytest.mark.parametrize("batch", [False, True])
def test_unchecked_cross_entropy_with_q_inf_beside_q_zero_does_not_warn(batch: bool) -> None:
    # Found by the compiled-kernel fuzz (on both paths): the careful redo of a row
    # whose q holds +inf and a 0 where p > 0 summed +inf and -inf terms with NumPy's
    # invalid-value warning on. Unchecked invalid input gives NaN, quietly.
    p = np.array([0.19, 0.08, 0.02, 0.71])
    q = np.array([0.0, 0.5, np.inf, 0.5])
    if batch:
        p, q = np.stack([p, p]), np.stack([q, q])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = np.asarray(ib.cross_entropy(p, q, check=False))
    assert np.isnan(got).all()


@pytest.mark.parametrize("batch", [False, True])
def test_unchecked_kl_with_minus_inf_in_p_does_not_warn(batch: bool) -> None:
    # Found by the compiled-kernel fuzz (on both paths): p = -inf against q = 0 made
    # the careful KL add +inf and -inf sums with NumPy's invalid-value warning on.
    p = np.array([-np.inf, 0.5, 0.5])
    q = np.array([0.0, 0.5, 0.5])
    if batch:
        p, q = np.stack([p, p]), np.stack([q, q])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = np.asarray(ib.kl_divergence(p, q, check=False))
    assert not np.isfinite(got).any()


@pytest.mark.parametrize("batch", [False, True])
def test_unchecked_float32_kl_beyond_the_range_does_not_warn(batch: bool) -> None:
    # Found by the compiled-kernel fuzz (on both paths): KL of an unchecked p = 1.7e38
    # against logits is about 1.5e40 nats, and its cast to float32 warned of overflow.
    p = np.array([1.7014117e38], dtype=np.float32)
    z = np.array([0.0], dtype=np.float32)
    if batch:
        p, z = p[None], z[None]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = np.asarray(ib.kl_divergence(p, ib.logits(z), check=False))
    assert (got == np.inf).all()


def test_float32_torch_entropy_of_logits_near_certainty_keeps_its_digits() -> None:
    # logits [0, 9]: the likeliest outcome's log-probability, -1.2e-4, came from the
    # fused log-softmax with an absolute error of ~eps32, 2.3e-5 of H (tolerance 1e-5)
    for z in ([0.0, 9.0], [0.0, 6.0], [0.0, 4.0, -3.0]):
        ref = mp_h(mp_logprobs(np.array(z), "logits"))
        got = ib.entropy(ib.logits(torch.tensor(z, dtype=torch.float32)), base="nats")
        assert float(got) == pytest.approx(float(ref), rel=1e-6)


def test_kl_of_counts_near_the_top_of_float64_keeps_its_digits() -> None:
    # counts near 1e308: log c - log top lost eps·|log c| (~1.6e-13) in every log-probability
    a = np.array([6.61254925e307, 0, 0, 6.61263497e307, 0, 0, 0])
    b = np.array([3.61935829e307, 0, 0, 7.48599602e307, 0, 0, 0])
    ref = mp_kl_p(mp_logprobs(a, "counts"), mp_logprobs(b, "counts"))
    got = ib.kl_divergence(ib.counts(a), ib.counts(b), base="nats")
    assert abs(float(got) - float(ref)) <= 1e-14 * float(ref)
    small = np.array([1.0, 3.0, 1.5e308])  # counts far below the largest: log c - log top
    ref = mp_h(mp_logprobs(small, "counts"))
    assert float(ib.entropy(ib.counts(small), base="nats")) == pytest.approx(float(ref), rel=1e-12)


def test_perplexity_beyond_float64_is_inf() -> None:
    # H(p, q) = 709.95 nats: e^H exceeds the largest float64, so the answer is inf
    p = np.array([0.0, 0.0, 1.0])
    lq = np.array([-0.7, -0.7, -709.94591014905529])
    assert ib.perplexity(p, ib.log_probs(lq), check=False) == np.inf
