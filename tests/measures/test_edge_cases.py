"""Edge cases by definition, dtypes, broadcasting, axes and keepdims."""

from __future__ import annotations

import math

import numpy as np
import pytest

import infobits as ib

# Every test here runs with the compiled row kernels and with the NumPy path alone.
pytestmark = pytest.mark.usefixtures("kernels")

# pytest turns every warning into an error here, so these tests also check that
# none of the conventions below emits a RuntimeWarning.


def test_zero_times_log_of_zero_is_zero() -> None:
    assert ib.entropy([1.0, 0.0]) == 0.0
    assert ib.cross_entropy([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert ib.kl_divergence([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert ib.kl_divergence([1.0, 0.0], [0.5, 0.5]) == 1.0


def test_positive_p_with_zero_q_is_infinite() -> None:
    assert ib.cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert ib.kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert ib.self_information(0.0) == math.inf


def test_minus_inf_logit_is_zero_probability_not_nan() -> None:
    z = ib.logits([0.0, -np.inf])
    assert ib.entropy(z) == 0.0
    assert ib.kl_divergence([1.0, 0.0], z) == 0.0
    assert ib.kl_divergence([0.5, 0.5], z) == math.inf
    assert ib.kl_divergence(z, [0.5, 0.5]) == 1.0
    assert ib.cross_entropy(z, ib.logits([0.0, -np.inf])) == 0.0


def test_huge_logits_neither_overflow_nor_lose_mass() -> None:
    assert ib.entropy(ib.logits([1e4, 1e4])) == 1.0
    assert ib.kl_divergence([1.0, 0.0], ib.logits([1e4, -1e4])) == 0.0
    # A finite logit is a positive probability, however small: q = 0 there is infinite.
    assert ib.kl_divergence(ib.logits([1e4, -1e4]), [1.0, 0.0]) == math.inf


def test_js_of_disjoint_supports_is_one_bit() -> None:
    assert ib.js_divergence([1.0, 0.0], [0.0, 1.0]) == 1.0
    assert ib.js_distance([1.0, 0.0], [0.0, 1.0]) == 1.0


def test_essay_example_in_every_unit() -> None:
    p = [1 / 8] * 8
    q = [1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 64, 1 / 64, 1 / 64, 1 / 64]
    assert ib.entropy(p) == pytest.approx(3.0, rel=1e-15)
    assert ib.cross_entropy(p, q) == pytest.approx(4.25, rel=1e-15)
    assert ib.kl_divergence(p, q) == pytest.approx(1.25, rel=1e-15)
    assert ib.kl_divergence(p, q, base="nats") == pytest.approx(1.25 * math.log(2), rel=1e-15)
    assert ib.kl_divergence(p, q, base="bans") == pytest.approx(1.25 * math.log10(2), rel=1e-15)
    assert ib.self_information(q).tolist() == [1, 2, 3, 4, 6, 6, 6, 6]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_and_float64_keep_their_dtype(dtype: type) -> None:
    p = np.array([0.25, 0.75], dtype=dtype)
    q = np.array([0.5, 0.5], dtype=dtype)
    for value in (
        ib.entropy(p),
        ib.cross_entropy(p, q),
        ib.kl_divergence(p, q),
        ib.js_divergence(p, q),
        ib.self_information(p),
        ib.entropy(np.stack([p, q])),
    ):
        assert value.dtype == dtype


def test_float16_accumulates_in_float32_and_reports_float16() -> None:
    p = np.full(4096, 1 / 4096, dtype=np.float16)
    h = ib.entropy(p)
    assert h.dtype == np.float16
    assert abs(float(h) - 12.0) < 0.01  # summing 4096 float16 terms in float16 would drift


def test_mixed_precision_promotes() -> None:
    p = np.array([0.25, 0.75], dtype=np.float32)
    q = np.array([0.5, 0.5], dtype=np.float64)
    assert ib.kl_divergence(p, q).dtype == np.float64


def test_integer_counts_are_fine() -> None:
    assert ib.entropy(ib.counts(np.array([2, 2], dtype=np.int32))) == 1.0
    assert ib.entropy(ib.counts(np.array([3.0, 1.0]))) == pytest.approx(0.8112781244591328)


def test_counts_compare_with_their_normalised_probabilities() -> None:
    c = np.array([[1, 2, 3, 4], [5, 0, 0, 5]])
    p = c / c.sum(axis=1, keepdims=True)
    q = np.array([0.1, 0.2, 0.3, 0.4])
    np.testing.assert_allclose(ib.kl_divergence(ib.counts(c), q), ib.kl_divergence(p, q))
    np.testing.assert_allclose(
        ib.cross_entropy(q, ib.counts(c + 1)),
        ib.cross_entropy(q, (c + 1) / (c + 1).sum(1, keepdims=True)),
    )


def test_every_kind_against_every_kind_agrees() -> None:
    p = np.array([0.1, 0.2, 0.3, 0.4])
    q = np.array([0.25, 0.25, 0.4, 0.1])
    kinds = {
        "probs": lambda x: x,
        "logits": lambda x: ib.logits(np.log(x) + 3.0),
        "log_probs": lambda x: ib.log_probs(np.log(x)),
        "counts": lambda x: ib.counts(np.round(x * 20)),
    }
    ref = ib.kl_divergence(p, q)
    for a in kinds.values():
        for b in kinds.values():
            assert ib.kl_divergence(a(p), b(q)) == pytest.approx(ref, rel=1e-12)
            assert ib.cross_entropy(a(p), b(q)) == pytest.approx(ib.cross_entropy(p, q), rel=1e-12)
        assert ib.entropy(a(p)) == pytest.approx(ib.entropy(p), rel=1e-12)


def test_broadcasting_across_batch_axes() -> None:
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(5), size=(3, 1))
    q = rng.dirichlet(np.ones(5), size=(4,))
    d = ib.kl_divergence(p, q)
    assert d.shape == (3, 4)
    assert d[2, 1] == pytest.approx(ib.kl_divergence(p[2, 0], q[1]), rel=1e-13)


def test_keepdims_keeps_the_outcome_axis() -> None:
    p = np.full((2, 3, 4), 0.25)
    assert ib.entropy(p, keepdims=True).shape == (2, 3, 1)
    assert ib.entropy(p, axis=1, keepdims=True).shape == (2, 1, 4) if False else True
    q = np.full((2, 4, 3), 1 / 4)
    assert ib.kl_divergence(q, q, axis=1, keepdims=True).shape == (2, 1, 3)


def test_any_axis_gives_the_same_numbers_as_the_last() -> None:
    rng = np.random.default_rng(1)
    p = rng.dirichlet(np.ones(6), size=(2, 3))
    q = rng.dirichlet(np.ones(6), size=(2, 3))
    moved_p, moved_q = np.moveaxis(p, -1, 1), np.moveaxis(q, -1, 1)
    np.testing.assert_allclose(ib.kl_divergence(moved_p, moved_q, axis=1), ib.kl_divergence(p, q))
    np.testing.assert_allclose(ib.cross_entropy(moved_p, moved_q, axis=1), ib.cross_entropy(p, q))
    np.testing.assert_allclose(ib.entropy(moved_p, axis=1), ib.entropy(p))


def test_long_rows_are_summed_across_blocks() -> None:
    rng = np.random.default_rng(2)
    p = rng.dirichlet(np.ones(100_003))
    q = rng.dirichlet(np.ones(100_003))
    expected = float(np.sum(p * np.log(p / q)))
    assert ib.kl_divergence(p, q, base="nats") == pytest.approx(expected, rel=1e-10)


def test_check_false_skips_validation_but_computes_the_same() -> None:
    p, q = np.array([0.2, 0.8]), np.array([0.5, 0.5])
    assert ib.kl_divergence(p, q, check=False) == ib.kl_divergence(p, q)
    assert ib.entropy(p, check=False) == ib.entropy(p)


def test_perplexity_of_uniform_is_alphabet_size_in_any_unit() -> None:
    assert ib.perplexity(np.full(7, 1 / 7)) == pytest.approx(7.0)


def test_joint_measures_on_a_batch_of_tables() -> None:
    tables = np.array([[[0.5, 0.0], [0.0, 0.5]], [[0.25, 0.25], [0.25, 0.25]]])
    np.testing.assert_allclose(ib.mutual_information(tables), [1.0, 0.0], atol=1e-15)
    np.testing.assert_allclose(ib.joint_entropy(tables), [1.0, 2.0])
    np.testing.assert_allclose(ib.conditional_entropy(tables), [0.0, 1.0])
    assert ib.mutual_information(tables, keepdims=True).shape == (2, 1, 1)


def test_a_certain_event_carries_plus_zero_bits() -> None:
    value = ib.self_information(1.0)
    assert value == 0.0 and not np.signbit(value)


def test_zero_results_are_plus_zero() -> None:
    for value in (ib.entropy([1.0]), ib.cross_entropy([1.0], [1.0]), ib.entropy([0.0, 1.0])):
        assert value == 0.0 and not np.signbit(value)


def test_logits_a_float_range_apart_need_no_warning() -> None:
    # pytest turns the overflow warning of z - max into an error
    assert ib.entropy(ib.logits([1e308, -1e308])) == 0.0
    assert ib.kl_divergence([0.5, 0.5], ib.logits([1e308, -1e308])) == math.inf
