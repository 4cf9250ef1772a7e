"""Every way an input can be wrong gets an error naming the argument, the problem, the
first position and the fix."""

from __future__ import annotations

import numpy as np
import pytest

import infobits as ib


@pytest.mark.parametrize(
    ("p", "pieces"),
    [
        ([0.5, -0.1, 0.6], ["p", "negative", "-0.1", "p[1]", "ib.log_probs"]),
        ([0.5, np.nan, 0.5], ["p", "nan", "p[1]", "finite"]),
        ([0.5, np.inf], ["p", "inf", "p[1]"]),
        ([0.5, 0.6], ["p sums to 1.1", "along axis -1", "ib.counts(p)"]),
        ([[0.5, 0.5], [0.5, 0.6], [0.1, 0.1]], ["p sums to 1.1", "p[1, :]", "2 of 3"]),
    ],
)
def test_invalid_probabilities_name_argument_problem_position_and_fix(
    p: list,
    pieces: list[str],  # type: ignore[type-arg]
) -> None:
    with pytest.raises(ib.DistributionError) as info:
        ib.entropy(p)
    for piece in pieces:
        assert piece in str(info.value)


def test_distribution_error_is_a_value_error() -> None:
    assert issubclass(ib.DistributionError, ValueError)


def test_the_second_argument_is_named_q() -> None:
    with pytest.raises(ib.DistributionError, match=r"q has a negative entry -0\.5 at q\[0\]"):
        ib.kl_divergence([0.5, 0.5], [-0.5, 1.5])


def test_sum_error_on_another_axis_names_the_slice() -> None:
    p = np.array([[0.5, 0.2], [0.5, 0.2]])
    with pytest.raises(ib.DistributionError, match=r"p\[:, 1\]"):
        ib.entropy(p, axis=0)


def test_tolerance_is_dtype_aware() -> None:
    off = 1e-5
    p64 = np.array([0.5, 0.5 + off])
    with pytest.raises(ib.DistributionError):
        ib.entropy(p64)
    assert np.isfinite(ib.entropy(p64.astype(np.float32)))  # within float32's 3.5e-4
    assert ib.sum_tolerance(np.float32) == pytest.approx(np.sqrt(np.finfo(np.float32).eps))


def test_integer_probabilities_are_a_type_error_suggesting_counts() -> None:
    with pytest.raises(TypeError, match=r"integer dtype.*ib\.counts\(p\)"):
        ib.entropy([1, 0])
    with pytest.raises(TypeError, match="boolean"):
        ib.entropy(np.array([True, False]))


@pytest.mark.parametrize("bad", [["a", "b"], np.array([1 + 0j, 0j]), np.array([None, None])])
def test_non_numeric_dtypes_are_type_errors(bad: object) -> None:
    with pytest.raises(TypeError, match="p has non-numeric dtype"):
        ib.entropy(bad)


def test_mismatched_outcomes_and_unbroadcastable_shapes() -> None:
    with pytest.raises(ib.DistributionError, match=r"shape \(2,\) and q with shape \(3,\)"):
        ib.kl_divergence([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(ib.DistributionError, match="same outcomes"):
        ib.kl_divergence(np.full((2, 1), 1.0), np.full((2, 3), 1 / 3))
    with pytest.raises(ib.DistributionError, match="cannot be broadcast"):
        ib.cross_entropy(np.full((2, 3), 1 / 3), np.full((4, 3), 1 / 3))


def test_empty_outcome_axis_and_scalars() -> None:
    with pytest.raises(ib.DistributionError, match="empty outcome axis"):
        ib.entropy(np.zeros((2, 0)))
    with pytest.raises(ib.DistributionError, match="scalar"):
        ib.entropy(0.5)


def test_bad_axis_is_an_axis_error() -> None:
    with pytest.raises(np.exceptions.AxisError, match="axis 3"):
        ib.entropy([0.5, 0.5], axis=3)


@pytest.mark.parametrize(
    ("c", "match"),
    [
        ([1.5, 2.0], r"non-integer entry 1\.5 at p\[0\]"),
        ([-1, 2], r"negative entry -1 at p\[0\]"),
        ([0, 0], "total 0"),
        ([np.inf, 1.0], "finite"),
    ],
)
def test_invalid_counts(c: list, match: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ib.DistributionError, match=match):
        ib.entropy(ib.counts(np.asarray(c)))


def test_invalid_logits_and_log_probs() -> None:
    with pytest.raises(ib.DistributionError, match=r"logits p contain nan at p\[1\]"):
        ib.entropy(ib.logits([0.0, np.nan]))
    with pytest.raises(ib.DistributionError, match="all -inf"):
        ib.entropy(ib.logits([-np.inf, -np.inf]))
    with pytest.raises(ib.DistributionError, match="positive entry"):
        ib.entropy(ib.log_probs([0.5, -1.0]))
    with pytest.raises(ib.DistributionError, match=r"total of 0\.5.*ib\.logits\(p\)"):
        ib.entropy(ib.log_probs(np.log([0.25, 0.25])))


def test_self_information_checks_elementwise() -> None:
    with pytest.raises(ib.DistributionError, match="> 1"):
        ib.self_information([0.5, 1.5])
    assert ib.self_information(np.array([0.5, 0.5, 0.5])).tolist() == [1.0, 1.0, 1.0]


def test_wrapping_twice_is_refused() -> None:
    with pytest.raises(TypeError, match="wrapped twice"):
        ib.entropy(ib.counts(ib.counts([1, 2])))


def test_wrappers_have_a_readable_repr() -> None:
    assert repr(ib.counts([1, 2])) == "ib.counts([1, 2])"


def test_joint_table_must_sum_to_one_over_both_axes() -> None:
    with pytest.raises(ib.DistributionError, match="pxy sums to 2"):
        ib.mutual_information([[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match="two axes"):
        ib.mutual_information([[1.0]], axes=(0,))  # type: ignore[arg-type]
