"""Fuzz the stream (arithmetic) codes: round trips of random messages under random
models, the bits written against -log2 q(x^n) by math.fsum, and garbage streams, bad
``n`` and bad arguments, which must raise a worded ValueError or TypeError (never the
coder's AssertionError, never an abort: an ``n`` the stream cannot hold is refused
before anything is allocated, so even n = 2^63 is safe to try in-process)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import infobits as ib
from infobits.codes import codelength, decode, encode

from ._codes_helpers import distributions, either
from .harness import check_invalid, check_valid, fuzz

#: The coder's fixed-point precision: probabilities are integer weights out of 2^24.
ONE = 1 << 24


def _cost_bounds(q: np.ndarray, x: np.ndarray) -> tuple[float, float]:
    """Bounds on the coder's ideal bits for x under q, from its published quantisation
    (weights q_i·s to q_i·s + 2 out of 2^24, s = (2^24 - K)/Σq over the support, K the
    support size), by math.fsum."""
    if q.ndim == 1:
        pos = q > 0
        k = int(pos.sum())
        s = (ONE - k) / math.fsum(q[pos].tolist())
        qx = q[x]
        lo = math.fsum((-np.log2(np.minimum(qx * s + 2, ONE - k + 1) / ONE)).tolist())
        hi = math.fsum((-np.log2(qx * s / ONE)).tolist())
        return lo, hi
    k = max(q.shape[1], 2)
    s = (ONE - k) / q.sum(axis=1)
    qx = q[np.arange(x.size), x]
    lo = math.fsum((-np.log2(np.minimum(qx * s + 2, ONE - k + 1) / ONE)).tolist())
    hi = math.fsum((-np.log2(qx * s / ONE)).tolist())
    return lo, hi


@st.composite
def messages(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """(model, symbols): a 1-D model with symbols drawn from it (or from another
    distribution on its support), or a 2-D model with one row per symbol."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if draw(st.booleans()):
        q = draw(distributions(max_k=200))
        n = draw(st.sampled_from([0, 1, 2, 17, 300, 5000]))
        support = np.flatnonzero(q > 0)
        if draw(st.booleans()):  # the likeliest symbol only: the cheapest message
            x = np.full(n, int(np.argmax(q)))
        elif draw(st.booleans()):
            x = rng.choice(q.size, size=n, p=q)
        else:
            x = rng.choice(support, size=n)
        return q, x
    n = draw(st.integers(1, 300))
    k = draw(st.integers(1, 30))
    q = rng.dirichlet(np.full(k, draw(st.sampled_from([0.1, 1.0, 10.0]))), size=n)
    x = np.array([rng.choice(k, p=row) for row in q], dtype=np.int64)
    return q, x


@fuzz(fast=50, long=1500)
@given(messages())
def test_round_trip_and_length(case):
    q, x = case
    ideal = (
        math.fsum((-np.log2(q[x])).tolist())
        if q.ndim == 1
        else math.fsum((-np.log2(q[np.arange(x.size), x])).tolist())
    )
    lo, hi = _cost_bounds(q, x) if x.size else (0.0, 0.0)

    def accept(data: bytes) -> object:
        bits = 8 * len(data)
        if len(data) % 4:
            return "not whole 32-bit words"
        # the coder's range holds < 64 bits, each word takes 32: bits >= cost - 32
        if bits < lo - 32:
            return f"{bits} bits is below the least the coder can write, {lo} - 32"
        # the quantised cost, plus the range coder's truncation and its two-word flush
        if bits > hi * (1 + 1e-4) + 64:
            return f"{bits} bits, more than {hi} (quantised ideal) + 0.01% + 64"
        cl = codelength(x, q)
        if not math.isclose(cl, ideal, rel_tol=1e-12, abs_tol=1e-9):
            return f"codelength {cl} != fsum reference {ideal}"
        back = decode(data, q, x.size)
        if not np.array_equal(back, x):
            return "round trip differs"
        return True

    check_valid("codes: encode/decode", lambda: encode(x, q), accept)


@fuzz(fast=50, long=1000)
@given(
    distributions(max_k=50),
    st.one_of(
        st.binary(max_size=64).map(lambda b: b[: len(b) - len(b) % 4]),
        st.binary(min_size=1, max_size=64),
    ),
    st.one_of(st.integers(0, 300), st.integers(0, 2**63 - 1), st.just(2**64)),
    st.booleans(),
)
def test_garbage_streams_and_any_n(q, data, n, per_symbol):
    """Any bytes and any n: n in-range symbols, or a ValueError naming data or n."""
    model: np.ndarray = q
    if (q > 0).sum() == 1 and 10**6 < n < 2**45:
        n %= 10**6  # a certain outcome costs 0 bits: any n decodes, so keep it small
    if per_symbol:
        if n > 300:
            n = n % 301
        model = np.tile(q, (n, 1))

    def accept(out: np.ndarray) -> object:
        if out.shape != (n,):
            return f"shape {out.shape}, not ({n},)"
        if n and not (q[out] > 0).all():
            return "decoded a symbol the model calls impossible"
        return True

    either("codes: decode (damaged)", lambda: decode(data, model, n), accept, ["data", "n ="])


@fuzz(fast=25, long=600)
@given(
    st.sampled_from(["symbols", "model", "rows", "data", "n"]),
    st.integers(0, 2**32 - 1),
)
def test_bad_arguments_are_refused(which, seed):
    rng = np.random.default_rng(seed)
    q = rng.dirichlet(np.ones(int(rng.integers(2, 6))))
    x = rng.choice(q.size, size=int(rng.integers(1, 20)), p=q)

    def pick(options: list) -> object:
        return options[int(rng.integers(len(options)))]

    if which == "symbols":
        bad = pick(
            [
                np.append(x, q.size + int(rng.integers(0, 2**40))),
                np.append(x, -int(rng.integers(1, 2**40))),
                np.append(x.astype(float), 0.5),
                np.array([[0, 1]]),
                np.array([2**63 - 1]),
            ]
        )
        check_invalid("codes: encode", lambda: encode(bad, q), mentions=["symbols"])
    elif which == "model":
        bad = pick([q * 2, -q, np.append(q, np.nan), np.append(q, -0.1), np.full((1, 1, 2), 0.5)])
        check_invalid("codes: encode", lambda: encode(x, bad), mentions=["model"])
        check_invalid("codes: decode", lambda: decode(b"\0" * 8, bad, x.size), mentions=["model"])
    elif which == "rows":
        rows = rng.dirichlet(np.ones(q.size), size=x.size + 1)
        check_invalid("codes: encode", lambda: encode(x, rows), mentions=["model"])
        check_invalid("codes: decode", lambda: decode(b"\0" * 8, rows, x.size), mentions=["model"])
    elif which == "data":
        bad = pick(["abcd", 4, None, np.array([1.5, 2.0]), np.array([256, 0, 0, 0]), b"abc"])
        check_invalid("codes: decode", lambda: decode(bad, q, x.size), mentions=["data"])
    else:
        bad_n = pick([-1, 1.5, "3", None, True, -(2**70)])
        check_invalid("codes: decode", lambda: decode(encode(x, q), q, bad_n), mentions=["n"])


@fuzz(fast=15, long=400)
@given(distributions(max_k=30, zeros=False), st.integers(1, 10**6), st.integers(0, 4))
def test_n_beyond_the_stream_is_refused_without_allocating(q, n, extra):
    """The capacity check: an n far beyond what the stream holds is refused quickly;
    at most a bounded number of symbols past the true n can be asked for."""
    x = np.full(n % 2000 + 1, int(np.argmax(q)))
    data = encode(x, q)
    if q.max() > 0.999 or len(data) == 0:
        return  # near-certain symbols cost ~1e-7 bits: any sane n fits
    huge = 10**15 * (extra + 1)
    check_invalid(
        "codes: decode (n huge)",
        lambda: decode(data, q, huge),
        errors=(ValueError,),
        mentions=["n ="],
    )


def test_long_profile_reaches_the_extremes():
    """Not random: the largest n on the smallest stream, on both model shapes."""
    data = encode([0, 1, 2], [0.2, 0.3, 0.5])
    for n in (2**63 - 1, 2**62, 10**12):
        check_invalid(
            "codes: decode (n huge)",
            lambda n=n: decode(data, [0.2, 0.3, 0.5], n),
            errors=(ValueError,),
            mentions=["n ="],
        )
    rows = np.tile([0.2, 0.3, 0.5], (5000, 1))
    check_invalid(
        "codes: decode (n huge)",
        lambda: decode(data, rows, 5000),
        errors=(ValueError,),
        mentions=["data"],
    )
    assert ib.codes.decode(data, [0.2, 0.3, 0.5], 3).tolist() == [0, 1, 2]
