"""Fuzz the prefix codes: Huffman, Shannon and canonical codes from random distributions
and lengths, their round trips, Kraft's inequality (exactly), expected lengths against
H(p) by math.fsum and an independent heap Huffman, and decoding of damaged streams."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import infobits as ib
from infobits.codes import canonical_code, huffman, shannon_code

from ._codes_helpers import (
    distributions,
    either,
    entropy_bits,
    huffman_cost,
    kraft_exact,
    prefix_free,
)
from .harness import check_invalid, check_valid, fuzz


def _code_ok(code: ib.codes.PrefixCode, p: np.ndarray, rng: np.random.Generator) -> object:
    """Reasons a code built for p is wrong, or True."""
    coded = p > 0
    if not np.array_equal(code.coded, coded):
        return "coded mask differs from the support of p"
    lengths = code.lengths[coded].tolist()
    if kraft_exact(lengths) > 1:
        return f"Kraft sum {kraft_exact(lengths)} > 1"
    if any(len(w) != x for w, x in zip(code.codewords, code.lengths.tolist(), strict=True)):
        return "a codeword's length differs from lengths"
    if not prefix_free(code.codewords):
        return "not a prefix code"
    x = rng.choice(p.size, size=int(rng.integers(0, 400)), p=p)
    data = code.encode(x)
    bits = int(code.lengths[x].sum())
    if len(data) != (bits + 7) // 8:
        return f"{len(data)} bytes for {bits} bits"
    back = code.decode(data, x.size)
    if not np.array_equal(back, x):
        return "round trip differs"
    return True


@fuzz(fast=30, long=500)
@given(distributions(), st.integers(0, 2**32 - 1))
def test_huffman_is_optimal_and_round_trips(p, seed):
    rng = np.random.default_rng(seed)
    h = entropy_bits(p.tolist())
    opt = huffman_cost(p.tolist())

    def accept(code: ib.codes.PrefixCode) -> object:
        ok = _code_ok(code, p, rng)
        if ok is not True:
            return ok
        el = code.expected_length(p)
        tol = 1e-12 * max(1.0, el)
        if not h - tol <= el < h + 1 + tol:
            return f"expected length {el} outside [H, H+1) = [{h}, {h + 1})"
        if not math.isclose(el, opt, rel_tol=1e-11, abs_tol=1e-14):
            return f"expected length {el}, but an optimal code has {opt}"
        return True

    check_valid("codes: huffman", lambda: huffman(p), accept)


@fuzz(fast=30, long=500)
@given(distributions(), st.integers(0, 2**32 - 1))
def test_shannon_lengths_are_ceil_log2_and_round_trip(p, seed):
    rng = np.random.default_rng(seed)
    h = entropy_bits(p.tolist())

    def accept(code: ib.codes.PrefixCode) -> object:
        ok = _code_ok(code, p, rng)
        if ok is not True:
            return ok
        pos = p[p > 0]
        if pos.size > 1:
            # reference, in exact rationals: l = ceil(log2 1/q) (at least 1), and, where
            # q sums to more than 1 by a rounding, no longer than ceil(log2 S/q)
            total = sum((Fraction(v) for v in pos.tolist()), Fraction(0))
            got = code.lengths[p > 0].tolist()
            for v, g in zip(pos.tolist(), got, strict=True):
                lo = max(_ceil_log2(Fraction(1) / Fraction(v)), 1)
                hi = max(_ceil_log2(total / Fraction(v)), 1)
                if not lo <= g <= hi or (total <= 1 and g != lo):
                    return f"length {g} for q = {v}: expected {lo}" + (
                        f" .. {hi}" if hi > lo else ""
                    )
        el = code.expected_length(p)
        tol = 1e-12 * max(1.0, el)
        if not h - tol <= el < h + 1 + tol:
            return f"expected length {el} outside [H, H+1)"
        return True

    check_valid("codes: shannon_code", lambda: shannon_code(p), accept)


def _ceil_log2(x: Fraction) -> int:
    """The smallest l with 2^l >= x, exactly."""
    a, b = x.numerator, x.denominator
    ell = max(0, a.bit_length() - b.bit_length() - 1)  # at most two steps short
    while (b << ell) < a:
        ell += 1
    return ell


lengths_lists = st.one_of(
    st.lists(st.integers(0, 12), min_size=1, max_size=40),
    st.lists(st.integers(0, 70), min_size=1, max_size=8),
    st.lists(st.sampled_from([1, 2, 3, 57, 58, 60, 64, 200, 4096, 4097, 10**6]), max_size=6),
)


def _valid_lengths(lengths: list[int]) -> bool:
    if not lengths or max(lengths) > 4096:
        return False
    coded = [x for x in lengths if x > 0]
    if not coded:
        return len(lengths) == 1
    return kraft_exact(coded) <= 1


@fuzz(fast=60, long=600)
@given(lengths_lists, st.integers(0, 2**32 - 1))
def test_canonical_code_from_lengths(lengths, seed):
    rng = np.random.default_rng(seed)
    if not _valid_lengths(lengths):
        check_invalid(
            "codes: canonical_code", lambda: canonical_code(lengths), mentions=["lengths"]
        )
        return
    arr = np.array(lengths)
    coded = arr > 0 if arr.size > 1 else np.ones(1, dtype=bool)

    def accept(code: ib.codes.PrefixCode) -> object:
        if code.lengths.tolist() != [int(x) if c else 0 for x, c in zip(arr, coded, strict=True)]:
            return "lengths changed"
        if not prefix_free(code.codewords):
            return "not a prefix code"
        # canonical: ordered by (length, symbol), each codeword the previous plus one
        idx = sorted(np.flatnonzero(coded).tolist(), key=lambda s: (lengths[s], s))
        words = [code.codewords[s] for s in idx]
        if words != sorted(words, key=lambda w: (len(w), w)):
            return "not canonical"
        p = np.where(coded, 1.0, 0.0)
        x = rng.choice(arr.size, size=int(rng.integers(0, 60)), p=p / p.sum())
        if not np.array_equal(code.decode(code.encode(x), x.size), x):
            return "round trip differs"
        return True

    check_valid("codes: canonical_code", lambda: canonical_code(lengths), accept)


bad_lengths = st.one_of(
    st.sampled_from([[], [[1, 2]], [1.5, 1], [np.nan, 1], [np.inf], ["1", "2"], [True, False]]),
    st.lists(st.integers(-(10**6), -1), min_size=1, max_size=4).map(lambda v: [*v, 1]),
    st.lists(st.floats(allow_nan=True), min_size=1, max_size=4).filter(
        lambda v: any(not math.isfinite(x) or x != round(x) or x < 0 or x > 4096 for x in v)
    ),
)


@fuzz(fast=30, long=300)
@given(bad_lengths)
def test_bad_lengths_are_refused(lengths):
    for build in (canonical_code, ib.codes.kraft_sum, ib.codes.kraft_holds):
        check_invalid("codes: canonical_code", lambda b=build: b(lengths), mentions=["lengths"])


bad_probs = st.one_of(
    st.sampled_from(
        [[], [0.5, 0.6], [-0.5, 1.5], [np.nan, 1.0], [np.inf, 0.0], [0.0, 0.0], [[0.5, 0.5]] * 2]
    ),
    st.lists(st.floats(-10, 10), min_size=1, max_size=5).filter(
        lambda v: any(x < 0 for x in v) or abs(math.fsum(v) - 1) > 1e-3
    ),
)


@fuzz(fast=25, long=250)
@given(bad_probs)
def test_bad_distributions_are_refused(p):
    check_invalid("codes: huffman", lambda: huffman(p), mentions=["p"])
    check_invalid("codes: shannon_code", lambda: shannon_code(p), mentions=["q"])


@fuzz(fast=40, long=700)
@given(
    distributions(max_k=40),
    st.binary(max_size=64),
    st.one_of(st.integers(0, 600), st.integers(0, 2**63 - 1)),
)
def test_decoding_damaged_bits(p, data, n):
    """Any bytes, any n: either n symbols whose codewords spell the data's first bits,
    or a ValueError naming data or n."""
    code = huffman(p)
    if not code.coded.any() or code.max_length == 0:
        return

    def accept(out: np.ndarray) -> object:
        if out.shape != (n,) or (n and (out.min() < 0 or not code.coded[out].all())):
            return "not n coded symbols"
        bits = "".join(code.codewords[s] for s in out.tolist())
        have = "".join(format(b, "08b") for b in data)
        if not have.startswith(bits):
            return "decoded symbols do not spell the data's bits"
        return True

    either("codes: PrefixCode.decode", lambda: code.decode(data, n), accept, ["data", "n ="])


bad_data = st.one_of(
    st.sampled_from(
        ["text", 3, 3.5, None, [1, 2], np.array([0.5]), np.array([256]), np.array([-1])]
    ),
    st.lists(st.integers(), min_size=1, max_size=4)
    .filter(lambda v: any(not 0 <= x <= 255 for x in v))
    .map(lambda v: np.array(v, dtype=object if any(abs(x) >= 2**63 for x in v) else np.int64)),
)


@fuzz(fast=25, long=250)
@given(bad_data, st.one_of(st.integers(-5, 5), st.sampled_from([1.5, "2", None, True])))
def test_bad_decode_arguments_are_refused(data, n):
    code = huffman([0.5, 0.25, 0.25])
    bad_n = isinstance(n, bool) or not isinstance(n, int) or n < 0
    check_invalid(
        "codes: PrefixCode.decode",
        lambda: code.decode(data, n),  # type: ignore[arg-type]
        mentions=["n"] if bad_n else ["data"],
    )


@fuzz(fast=30, long=800)
@given(
    st.lists(st.integers(0, 80), min_size=1, max_size=30),
    st.one_of(st.none(), st.integers(0, 2**30)),
)
def test_kraft_sum_and_kraft_holds(lengths, mask_seed):
    """kraft_sum is the correctly rounded Σ 2^-l, kraft_holds the exact verdict."""
    coded = None
    if mask_seed is not None:
        coded = np.random.default_rng(mask_seed).random(len(lengths)) < 0.7
        if coded.sum() > 1:
            coded &= np.array(lengths) > 0  # a zero length is only for a lone codeword
        if not coded.any():
            coded[int(np.argmax(lengths))] = True
    arr = np.array(lengths)
    use = coded if coded is not None else (arr > 0 if arr.any() else np.ones(arr.size, bool))
    if coded is None and not arr.any() and arr.size > 1:
        check_invalid("codes: kraft", lambda: ib.codes.kraft_sum(lengths), mentions=["lengths"])
        return
    exact = kraft_exact(arr[use].tolist())
    check_valid(
        "codes: kraft",
        lambda: (ib.codes.kraft_sum(lengths, coded), ib.codes.kraft_holds(lengths, coded)),
        lambda r: (r[0] == float(exact) and r[1] == (exact <= 1)) or f"exact {exact}",
    )


bad_symbols = st.one_of(
    st.sampled_from([[3], [-1], [0.5], [[0, 1], [1, 0]], ["a"], [True], [2**63 - 1], [2]]),
    st.lists(st.integers(), min_size=1, max_size=5).filter(
        lambda v: any(not 0 <= x < 2 for x in v)
    ),
)


@fuzz(fast=25, long=300)
@given(bad_symbols)
def test_bad_symbols_are_refused(symbols):
    code = huffman([0.5, 0.5, 0.0])  # symbol 2 has no codeword
    if any(isinstance(x, int) and abs(x) >= 2**63 for x in symbols):
        symbols = np.array(symbols, dtype=object)
    check_invalid("codes: PrefixCode.encode", lambda: code.encode(symbols), mentions=["symbols"])
