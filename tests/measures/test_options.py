"""Options are checked before any work: a bad ``base``, ``axis``/``axes`` or ``check``
fails with a message naming it, even when the arrays are large or themselves invalid."""

from __future__ import annotations

import numpy as np
import pytest

import infobits as ib

P = [0.5, 0.5]
TABLE = [[0.25, 0.25], [0.25, 0.25]]
ONE = {
    "entropy": lambda **kw: ib.entropy(P, **kw),
    "self_information": lambda **kw: ib.self_information(P, **kw),
    "perplexity": lambda **kw: ib.perplexity(P, **{k: v for k, v in kw.items() if k != "base"}),
}
TWO = ["cross_entropy", "kl_divergence", "js_divergence", "js_distance"]
JOINT = ["joint_entropy", "conditional_entropy", "mutual_information"]


def _calls() -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = list(ONE.items())
    out += [(n, lambda n=n, **kw: getattr(ib, n)(P, P, **kw)) for n in TWO]
    out += [(n, lambda n=n, **kw: getattr(ib, n)(TABLE, **kw)) for n in JOINT]
    return out


@pytest.mark.parametrize(("name", "call"), _calls())
@pytest.mark.parametrize("bad", [None, 1.5, "0", True, (), (0.5,), [True]])
def test_bad_axis_is_named(name: str, call, bad: object) -> None:
    arg = "axes" if name in JOINT else "axis"
    with pytest.raises(TypeError, match=rf"^{arg}=.* is not an axis; pass an integer"):
        call(**{arg: bad})


@pytest.mark.parametrize(("name", "call"), _calls())
@pytest.mark.parametrize("bad", [None, 0, 1, "yes", np.array([True, False])])
def test_check_takes_only_true_or_false(name: str, call, bad: object) -> None:
    with pytest.raises(TypeError, match=r"^check=.* is not True or False"):
        call(check=bad)


@pytest.mark.parametrize(("name", "call"), _calls())
def test_check_accepts_numpy_bools(name: str, call) -> None:
    call(check=np.True_)
    call(check=np.False_)


def test_options_are_checked_before_the_arrays() -> None:
    # An invalid array and a bad option: the option's error comes first, so no work on
    # the array (however large) happens before a bad option is reported.
    bad_array = np.array([[2.0, -1.0]])
    with pytest.raises(ValueError, match="base='furlongs' is not a known unit"):
        ib.kl_divergence(bad_array, bad_array, base="furlongs")
    with pytest.raises(TypeError, match="axis=None"):
        ib.entropy(bad_array, axis=None)
    with pytest.raises(TypeError, match="check=None"):
        ib.cross_entropy(bad_array, bad_array, check=None)
    with pytest.raises(TypeError, match="axes='0'"):
        ib.mutual_information(bad_array, axes="0")


def test_joint_axes_must_be_two() -> None:
    with pytest.raises(ValueError, match="axes must name two axes"):
        ib.joint_entropy(TABLE, axes=(0,))
    with pytest.raises(ValueError, match="axes must name two axes"):
        ib.conditional_entropy(TABLE, axes=-1)


def test_good_options_still_work() -> None:
    assert ib.entropy(TABLE, axis=(0, 1)) == pytest.approx(2.0)
    assert ib.entropy([[0.5, 0.5], [0.5, 0.5]], axis=np.int64(0)).tolist() == [1.0, 1.0]
    assert ib.mutual_information(TABLE, axes=[0, 1]) == 0.0
