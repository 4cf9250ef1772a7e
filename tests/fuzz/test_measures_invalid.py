"""Fuzz every measure with invalid inputs on every array library.

Each case breaks one thing: an entry of one argument (negative, NaN, ±inf, above 1, a
probability vector that does not sum to 1, a positive or unnormalised log-probability,
a fractional or zero-total count, an integer dtype), its shape (mismatched outcomes,
empty, scalar, ragged lists), or an option (``axis``/``axes``, ``base``, ``check``,
``keepdims``, a masked array). It must raise ``ValueError`` (``ib.DistributionError``) or
``TypeError`` whose message names the argument as a word.

Classes of open issue-10 items are left out by :data:`KNOWN_OPEN`; delete an entry when
its item is fixed (the regressions are in ``regressions/test_measures.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import infobits as ib

from .harness import check_invalid, fuzz

torch = pytest.importorskip("torch")
jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
jnp = jax.numpy
xps = pytest.importorskip("array_api_strict")

ASARRAY: dict[str, Callable[[Any], Any]] = {
    "numpy": np.asarray,
    "torch": torch.asarray,
    "jax": jnp.asarray,
    "array_api_strict": xps.asarray,
}

#: Defects whose worded error is still open in issue 10 (left out until fixed).
KNOWN_OPEN: dict[str, str] = {}

#: Argument names of each measure, in order.
ARGS = {
    "entropy": ["p"],
    "self_information": ["q"],
    "perplexity": ["p", "q"],
    "cross_entropy": ["p", "q"],
    "kl_divergence": ["p", "q"],
    "js_divergence": ["p", "q"],
    "js_distance": ["p", "q"],
    "joint_entropy": ["pxy"],
    "conditional_entropy": ["pxy"],
    "mutual_information": ["pxy"],
}
JOINT = {"joint_entropy", "conditional_entropy", "mutual_information"}

#: Defects of one argument's values, by kind: name -> how to break a valid row.
VALUE_DEFECTS = {
    "probs": ["nan", "inf", "-inf", "negative", "above 1", "sum low", "sum high", "integer"],
    "logits": ["nan", "inf", "all -inf", "integer"],
    "log_probs": ["nan", "inf", "positive", "unnormalised"],
    "counts": ["nan", "inf", "-inf", "negative", "fraction", "zero total"],
}
SHAPE_DEFECTS = ["mismatched outcomes", "empty", "scalar", "ragged list", "masked array"]
OPTION_DEFECTS = [
    "axis out of range",
    "axis type",
    "axes type",
    "axes repeated",
    "axes not a pair",
    "base",
    "check: not a bool",
    "keepdims: not a bool",
]


@dataclass
class Bad:
    measure: str
    lib: str
    defect: str
    args: list[Any]
    kwargs: dict[str, Any]
    names: list[str]  # the words the message must contain

    def __repr__(self) -> str:
        return f"{self.measure}[{self.lib}]({self.args!r}, **{self.kwargs!r}) <- {self.defect}"


def _valid(kind: str, n: int, rng_row: np.ndarray) -> np.ndarray:
    p = rng_row / rng_row.sum()
    if kind == "probs":
        return p
    if kind == "logits":
        return np.log(p) + 3.0
    if kind == "log_probs":
        return np.log(p)
    return np.round(p * 100) + 1.0


def _break(draw: st.DrawFn, kind: str, row: np.ndarray, defect: str) -> np.ndarray:
    bad = row.copy()
    i = draw(st.integers(0, len(bad) - 1))
    if defect == "nan":
        bad[i] = np.nan
    elif defect == "inf":
        bad[i] = np.inf
    elif defect == "-inf":
        bad[i] = -np.inf
    elif defect == "negative":
        bad[i] = -draw(st.floats(1e-30, 1e30))
    elif defect == "above 1":
        bad[i] = draw(st.floats(1.01, 1e30))
        if len(bad) > 1:
            bad[(i + 1) % len(bad)] = 0.0
    elif defect == "sum low":
        bad = bad * draw(st.floats(0.0, 0.999))
    elif defect == "sum high":
        bad = bad * draw(st.floats(1.001, 100.0))
    elif defect == "all -inf":
        bad[:] = -np.inf
    elif defect == "positive":
        bad[i] = draw(st.floats(0.01, 1e30))
    elif defect == "unnormalised":
        bad = bad + draw(st.sampled_from([-1.0, 1.0])) * draw(st.floats(1e-3, 50.0))
        bad = np.minimum(bad, 0.0)
        if np.all(bad == 0.0):
            bad[0] = -5.0
    elif defect == "fraction":
        bad[i] = bad[i] + draw(st.floats(0.01, 0.99))
    elif defect == "zero total":
        bad[:] = 0.0
    return bad


def _wrap(kind: str, a: Any) -> Any:
    return {"probs": lambda x: x, "logits": ib.logits, "log_probs": ib.log_probs}.get(
        kind, ib.counts
    )(a)


@st.composite
def bad_cases(draw: st.DrawFn, lib: str) -> Bad:
    measure = draw(st.sampled_from(sorted(ARGS)))
    names = ARGS[measure]
    if measure == "perplexity" and draw(st.booleans()):
        names = ["p"]  # perplexity(p) alone
    n_args = len(names)
    shape = (2, 3) if measure in JOINT else (draw(st.integers(1, 6)),)
    kinds = [draw(st.sampled_from(list(VALUE_DEFECTS))) for _ in range(n_args)]
    rows = []
    for k in kinds:
        w = np.array([draw(st.floats(0.05, 1.0)) for _ in range(int(np.prod(shape)))])
        rows.append(_valid(k, w.size, w).reshape(shape))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    which = draw(st.integers(0, n_args - 1))
    family = draw(st.sampled_from(["value", "value", "value", "shape", "option"]))
    kwargs: dict[str, Any] = {}
    must = [names[which]]
    defect = ""
    arrays: list[Any] = [r.astype(dtype) for r in rows]
    kind = kinds[which]
    if family == "value":
        defect = draw(st.sampled_from(VALUE_DEFECTS[kind]))
        if measure == "self_information" and kind == "probs" and defect.startswith("sum"):
            defect = "negative"  # self-information takes single probabilities
        if measure == "self_information" and kind == "counts" and defect == "zero total":
            defect = "fraction"
        if defect == "integer":
            arrays[which] = (np.abs(rows[which]) * 10).astype(np.int64).reshape(shape)
        else:
            flat = rows[which].ravel()
            arrays[which] = _break(draw, kind, flat, defect).reshape(shape).astype(dtype)
    elif family == "shape":
        defect = draw(st.sampled_from(SHAPE_DEFECTS))
        if defect == "mismatched outcomes":
            if n_args < 2:
                defect = "empty"
            else:
                arrays[which] = np.ones(shape[0] + 1, dtype=dtype) / (shape[0] + 1)
                kinds[which] = "probs"
                # one outcome broadcasts, and then only the short one is to blame
                must = list(names) if shape[0] > 1 else [names[1 - which]]
        if defect == "empty" and n_args == 2 and shape == (1,):
            defect = "empty against one outcome"
        if defect.startswith("empty"):
            if measure == "self_information":
                kinds[which] = "logits"  # an empty array of single probabilities is fine
            arrays[which] = np.zeros((2, 0) if measure in JOINT else (0,), dtype=dtype)
        elif defect == "scalar":
            arrays[which] = np.asarray(0.5, dtype=dtype)
            if measure in JOINT:
                arrays[which] = np.asarray([0.5, 0.5], dtype=dtype)  # 1-D: not a table
            if measure == "self_information" and kind == "probs":
                kinds[which] = "logits"  # a plain probability may be a scalar
        elif defect == "ragged list":
            kinds[which] = "probs"
            arrays[which] = [[0.5, 0.5], [1.0]]
        elif defect == "masked array":
            kinds[which] = "probs"
            arrays[which] = np.ma.array(
                [0.5, 0.5, 0.0] if measure not in JOINT else [[0.5, 0.0], [0.0, 0.5]],
                mask=np.eye(3, dtype=bool)[2] if measure not in JOINT else np.eye(2, dtype=bool),
            )
            if n_args == 2:
                other = 1 - which
                arrays[other] = np.array([0.25, 0.25, 0.5])
                kinds[other] = "probs"
            must = [names[which], "mask"]
    else:
        defect = draw(st.sampled_from(OPTION_DEFECTS))
        if measure in JOINT:
            defect = {"axis out of range": "axes not a pair", "axis type": "axes type"}.get(
                defect, defect
            )
        else:
            defect = {"axes type": "axis type"}.get(defect, defect)
            defect = "axis out of range" if defect.startswith("axes") else defect
        if defect == "axis out of range":
            kwargs["axis"] = draw(st.sampled_from([1, -2, 5, 10**6]))
            must = ["axis"]
        elif defect == "axis type":
            kwargs["axis"] = draw(st.sampled_from([None, 1.5, "0", "-1", True, np.float64(0)]))
            must = ["axis"]
        elif defect == "axes type":
            kwargs["axes"] = draw(st.sampled_from([None, 0, 1.5, "01", True, (0, 1.0), (True, 0)]))
            must = ["axes"]
        elif defect == "axes repeated":
            kwargs["axes"] = draw(st.sampled_from([(0, 0), (1, -1), (-2, 0)]))
            must = ["ax"]
        elif defect == "axes not a pair":
            kwargs["axes"] = draw(st.sampled_from([(0,), (0, 1, 2), (0, 5), (-3, 1)]))
            must = ["ax"]
        elif defect == "base":
            if measure == "perplexity":
                kwargs["base"] = 2  # perplexity takes no base: a TypeError naming it
            else:
                kwargs["base"] = draw(st.sampled_from([0, 1, -2.0, np.nan, "furlongs", None]))
            must = ["base"]
        elif defect.startswith("check"):
            kwargs["check"] = draw(st.sampled_from([None, "no", "False", 0.5, [], np.nan]))
            must = ["check"]
        else:
            kwargs["keepdims"] = draw(st.sampled_from(["no", 2, None, "False"]))
            must = ["keepdims"]
        if measure == "self_information" and "axis" in kwargs:
            kinds[which] = "logits"  # axis is used by wrapped inputs only
    to = ASARRAY[lib]
    args = []
    for k, a in zip(kinds, arrays, strict=True):
        if isinstance(a, np.ma.MaskedArray | list):
            args.append(a)  # only NumPy has these
        else:
            args.append(_wrap(k, to(a)))
    return Bad(measure, lib, defect, args, kwargs, must)


def named(fn: Callable[[], object], words: list[str]) -> Callable[[], object]:
    """``fn``, but an error whose message lacks one of ``words`` as a word is re-raised as
    a RuntimeError (which the harness counts as uncaught)."""

    def run() -> object:
        try:
            return fn()
        except (ValueError, TypeError) as exc:
            missing = [w for w in words if not re.search(rf"\b{re.escape(w)}", str(exc))]
            if missing:
                raise RuntimeError(f"message does not name {missing}: {exc}") from exc
            raise

    return run


def run_bad(case: Bad) -> None:
    assume(case.defect not in KNOWN_OPEN)
    fn = getattr(ib, case.measure)
    check_invalid(
        f"measures: {case.measure} ({case.lib})",
        named(lambda: fn(*case.args, **case.kwargs), case.names),
        mentions=case.names,
    )


@fuzz(fast=80, long=3000)
@given(data=st.data())
def test_invalid_numpy_inputs_raise_a_worded_error(data: st.DataObject) -> None:
    run_bad(data.draw(bad_cases("numpy"), label="case"))


@fuzz(fast=40, long=1500)
@given(data=st.data())
def test_invalid_torch_inputs_raise_a_worded_error(data: st.DataObject) -> None:
    run_bad(data.draw(bad_cases("torch"), label="case"))


@fuzz(fast=10, long=1000)
@given(data=st.data())
def test_invalid_jax_inputs_raise_a_worded_error(data: st.DataObject) -> None:
    run_bad(data.draw(bad_cases("jax"), label="case"))


@fuzz(fast=40, long=1500)
@given(data=st.data())
def test_invalid_array_api_strict_inputs_raise_a_worded_error(data: st.DataObject) -> None:
    run_bad(data.draw(bad_cases("array_api_strict"), label="case"))
