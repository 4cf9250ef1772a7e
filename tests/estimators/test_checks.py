"""The estimators' option checks: each refuses by type and by range, naming the option."""

from __future__ import annotations

import math

import numpy as np
import pytest

from infobits.estimators._checks import (
    MAX_BOOT,
    check_boot_size,
    check_ci,
    check_n_boot,
    check_neighbors,
    check_positive,
    check_seed,
    whole_number,
)


def test_whole_numbers_accept_python_and_numpy_integers_only():
    assert whole_number(3, "k", 1) == 3 and whole_number(np.int64(3), "k", 1) == 3
    for bad in (True, np.bool_(True), 3.0, "3", None):
        with pytest.raises(TypeError, match="k must be a whole number"):
            whole_number(bad, "k", 1)
    with pytest.raises(TypeError, match=r"pass int\(3.0\)"):
        whole_number(3.0, "k", 1)


def test_whole_numbers_out_of_range_name_the_range():
    with pytest.raises(ValueError, match="at least 2 and at most 1,000,000"):
        check_n_boot(MAX_BOOT + 1, 1000)
    with pytest.raises(ValueError, match="at least 1"):
        check_neighbors(0)
    assert check_n_boot(None, 1000) == 1000


@pytest.mark.parametrize("ci", [0, 1, -1, 2, math.nan, math.inf, -math.inf])
def test_ci_must_lie_strictly_between_0_and_1(ci):
    with pytest.raises(ValueError, match="ci="):
        check_ci(ci)


def test_ci_of_the_wrong_type_is_a_type_error():
    for bad in (True, "0.9", [0.9]):
        with pytest.raises(TypeError, match="ci must be a number"):
            check_ci(bad)
    assert check_ci(None) is None and check_ci(np.float32(0.5)) == 0.5


def test_seeds_are_none_non_negative_ints_or_generators():
    g = np.random.default_rng(0)
    assert check_seed(None) is None and check_seed(g) is g and check_seed(np.int32(4)) == 4
    with pytest.raises(ValueError, match="seed=-1"):
        check_seed(-1)
    for bad in (1.5, "7", True):
        with pytest.raises(TypeError, match="seed"):
            check_seed(bad)


@pytest.mark.parametrize("value", [0, -0.0, -1, math.nan, math.inf, 1e101, 1e-300])
def test_positive_options_must_be_finite_and_above_zero(value):
    with pytest.raises(ValueError, match="pseudocount="):
        check_positive(value, "pseudocount")


def test_bootstrap_size_is_refused_before_allocating():
    check_boot_size(1000, 1000)
    with pytest.raises(ValueError, match="n_boot=1000000 replicates of 1000 rows"):
        check_boot_size(1_000_000, 1000)
