"""Fuzz sequence models as coders (issue 12, item 1): random small alphabets and random
deterministic models of the prefix (context tables of order 0 to 2, classifiers over
time), giving probabilities, logits or log-probabilities, with or without a one-pass
``batch``. Every message must round-trip exactly, in a stream within 0.1% + 64 bits of
Σ -log2 q(x_t | x_<t) computed here by math.fsum; invalid model outputs at a random
step must raise a ValueError or TypeError naming ``model``."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import infobits as ib
from infobits.codes import codelength, decode, encode

from .harness import check_invalid, check_valid, fuzz

SURFACE = "codes: callable model"


class RandomModel:
    """A deterministic model: each context (the last ``order`` symbols, or the time
    step) gets a Dirichlet row from its own seed, mixed with a little of the uniform
    row so that no probability falls below the coder's 2^-24; ``zeros`` outcomes of
    every row are impossible."""

    def __init__(self, k: int, order: int, by_time: bool, alpha: float, zeros: int, seed: int):
        self.k, self.order, self.by_time, self.alpha, self.seed = k, order, by_time, alpha, seed
        self.zeros = min(zeros, k - 1)
        self.rows: dict[tuple[int, ...], np.ndarray] = {}

    def context(self, prefix: np.ndarray) -> tuple[int, ...]:
        if self.by_time:
            return (prefix.size,)
        return tuple(prefix[max(0, prefix.size - self.order) :].tolist()) if self.order else ()

    def q(self, prefix: np.ndarray) -> np.ndarray:
        key = self.context(prefix)
        if key not in self.rows:
            rng = np.random.default_rng([self.seed, len(key), *key])
            row = 0.999 * rng.dirichlet(np.full(self.k, self.alpha)) + 0.001 / self.k
            if self.zeros:
                row[rng.choice(self.k, self.zeros, replace=False)] = 0.0
            self.rows[key] = row / math.fsum(row.tolist())
        return self.rows[key]


def as_output(q: np.ndarray, kind: str, shift: float) -> object:
    with np.errstate(divide="ignore"):
        if kind == "logits":
            return ib.logits(np.log(q) + shift)
        if kind == "log_probs":
            return ib.log_probs(np.log(q))
    return q


@st.composite
def cases(draw: st.DrawFn):
    k = draw(st.integers(1, 12))
    model = RandomModel(
        k,
        order=draw(st.integers(0, 2)),
        by_time=draw(st.booleans()),
        alpha=draw(st.sampled_from([0.1, 1.0, 10.0])),
        zeros=draw(st.sampled_from([0, 0, 1, 3])),
        seed=draw(st.integers(0, 2**32 - 1)),
    )
    kind = draw(st.sampled_from(["probs", "logits", "log_probs"]))
    shift = draw(st.sampled_from([0.0, -300.0, 500.0]))
    n = draw(st.sampled_from([1, 2, 17, 120]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = np.zeros(0, dtype=np.int64)
    for _ in range(n):  # drawn from the model itself: never an impossible symbol
        x = np.append(x, rng.choice(k, p=model.q(x)))
    return model, kind, shift, draw(st.booleans()), x


def callable_of(model: RandomModel, kind: str, shift: float, batched: bool):
    def step(prefix: np.ndarray) -> object:
        return as_output(model.q(prefix), kind, shift)

    if not batched:
        return step

    class Batched:
        def __call__(self, prefix: np.ndarray) -> object:
            return step(prefix)

        def batch(self, symbols: np.ndarray) -> object:
            rows = np.stack([model.q(symbols[:t]) for t in range(symbols.size)])
            return as_output(rows, kind, shift)

    return Batched()


@fuzz(fast=40, long=1200)
@given(cases())
def test_round_trip_and_bound(case):
    model, kind, shift, batched, x = case
    ideal = math.fsum(-math.log2(model.q(x[:t])[x[t]]) for t in range(x.size))
    coder = callable_of(model, kind, shift, batched)

    def accept(data: bytes) -> object:
        bits = 8 * len(data)
        if abs(bits - ideal) > 1e-3 * ideal + 64:
            return f"{bits} bits, not within 0.1% + 64 of {ideal}"
        cl = codelength(x, coder)
        if not math.isclose(cl, ideal, rel_tol=1e-9, abs_tol=1e-9):
            return f"codelength {cl} != fsum reference {ideal}"
        if not np.array_equal(decode(data, coder, x.size), x):
            return "round trip differs"
        return True

    check_valid(SURFACE, lambda: encode(x, coder), accept)


def _defect(kind: str, k: int, rng: np.random.Generator) -> object:
    row = rng.dirichlet(np.ones(k))
    if kind == "negative":
        row[0] = -0.25
    elif kind == "nan":
        row[int(rng.integers(k))] = np.nan
    elif kind == "sum":
        row = row * rng.choice([0.5, 1.5, 3.0])
    elif kind == "length":
        row = np.full(k + 1, 1 / (k + 1))
    elif kind == "2-d":
        row = row[None, :]
    elif kind == "int":
        row = np.ones(k, dtype=np.int64)
    elif kind == "logits inf":
        return ib.logits(np.full(k, np.inf))
    elif kind == "log_probs positive":
        return ib.log_probs(np.full(k, 0.5))
    elif kind == "raises":
        raise RuntimeError("the model failed")
    return row


@fuzz(fast=40, long=800)
@given(
    st.integers(1, 10),
    st.integers(0, 30),
    st.sampled_from(
        [
            "negative",
            "nan",
            "sum",
            "length",
            "2-d",
            "int",
            "logits inf",
            "log_probs positive",
            "raises",
        ]
    ),
    st.integers(0, 2**32 - 1),
    st.booleans(),
)
def test_invalid_model_outputs_are_named(k, t_bad, defect, seed, batched):
    if k == 1 and defect in ("nan", "sum", "negative"):
        k = 2
    if defect == "length":
        t_bad = max(t_bad, 1)  # the first row says how many outcomes there are
    rng = np.random.default_rng(seed)
    n = t_bad + 1 + int(rng.integers(0, 5))
    x = rng.integers(0, k, n)
    uniform = np.full(k, 1 / k)

    def bad(prefix: np.ndarray) -> object:
        return _defect(defect, k, rng) if prefix.size == t_bad else uniform

    data = encode(x, lambda prefix: uniform)
    check_invalid(SURFACE, lambda: encode(x, bad), mentions=["model"])
    check_invalid(SURFACE, lambda: codelength(x, bad), mentions=["model"])
    check_invalid(SURFACE, lambda: decode(data, bad, n), mentions=["model"])
    if batched:

        class Batched:
            def __call__(self, prefix: np.ndarray) -> object:
                return uniform

            def batch(self, symbols: np.ndarray) -> object:
                rows = np.tile(uniform, (symbols.size, 1))
                if defect == "length":
                    return rows[:, :-1] if k > 1 else np.zeros((symbols.size, 0))
                return rows[:-1] if defect == "2-d" else rows * 1.5

        check_invalid(SURFACE, lambda: encode(x, Batched()), mentions=["model"])
