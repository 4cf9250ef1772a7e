"""Fuzz the adaptive coder's C loop (``infobits.codes._cmcore``): on generated inputs of
every kind, at every model and order, it writes the numba loop's stream byte for byte
(the independent reference: the loop it was ported from), decodes it, and decodes damaged
streams to the same bytes as numba or refuses them alike; the loop's own arguments,
damaged (wrong types, lengths, shapes, registers), are refused by name, never read out
of bounds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from infobits.codes import adaptive
from infobits.codes.adaptive import compress_bytes, decompress_bytes, model_params

from .harness import check_invalid, check_valid, fuzz
from .test_codes_container import contents

cmcore = pytest.importorskip("infobits.codes._cmcore")
pytest.importorskip("numba")


def _with(name: str, fn, *args):
    old = adaptive.BACKEND
    adaptive.BACKEND = name
    try:
        return fn(*args)
    finally:
        adaptive.BACKEND = old


@fuzz(fast=25, long=800)
@given(contents(), st.integers(0, 8), st.sampled_from([1, 2, 3, 4]))
def test_c_loop_matches_numba(raw, order, version):
    p = model_params(order, len(raw), version=version)

    def accept(out: tuple[bytes, float]) -> object:
        blob, ideal = out
        ref, ref_ideal = _with("numba", compress_bytes, raw, p)
        if blob != ref:
            return f"stream differs from numba's ({len(blob)} vs {len(ref)} bytes)"
        if ideal != ref_ideal:
            return f"ideal {ideal} differs from numba's {ref_ideal}"
        if _with("c", decompress_bytes, blob, len(raw), p) != raw:
            return "the C loop does not decode its own stream"
        return True

    check_valid("codes: C loop = numba loop", lambda: _with("c", compress_bytes, raw, p), accept)


def _decode_or_error(name: str, blob: bytes, n: int, p: adaptive.ModelParams) -> object:
    try:
        return _with(name, decompress_bytes, blob, n, p)
    except ValueError as e:
        return ("error", str(e))


@fuzz(fast=20, long=600)
@given(contents(), st.integers(2, 8), st.sampled_from([1, 3, 4]), st.data())
def test_c_loop_decodes_damage_as_numba_does(raw, order, version, data):
    if not raw:
        return
    p = model_params(order, len(raw), version=version)
    blob = bytearray(_with("c", compress_bytes, raw, p)[0])
    kind = data.draw(st.sampled_from(["flip", "cut", "junk"]))
    if kind == "flip" and blob:
        k = data.draw(st.integers(0, len(blob) - 1))
        blob[k] ^= 1 << data.draw(st.integers(0, 7))
    elif kind == "cut":
        del blob[data.draw(st.integers(0, len(blob))) :]
    else:
        blob += bytes(data.draw(st.binary(min_size=1, max_size=20)))
    ref = _decode_or_error("numba", bytes(blob), len(raw), p)
    check_valid(
        "codes: C loop decodes damage as numba",
        lambda: _decode_or_error("c", bytes(blob), len(raw), p),
        lambda got: True if got == ref else "differs from numba's decode",
    )


def _args3(n: int, version: int = 3) -> list:
    params = model_params(5, n, version=version)
    s = adaptive._State3(params)
    return [
        np.zeros(n, np.uint8), 0, n, np.zeros(n + 200, np.uint8), s.regs, s.cost, s.t1, s.th,
        s.tm, s.mix, s.mhash, s.apm, adaptive._STRETCH32, adaptive._SQUASH32,
        adaptive._RECIP32, adaptive._COST, s.ctx, params.table_bits, False, adaptive._NO_COSTS,
        version,
    ]  # fmt: skip


#: argument position, its name in the error, and bad values for it
_BAD = {
    0: ("data", [np.zeros(50, np.int16), b"x" * 50, np.zeros((5, 10), np.uint8)[:, ::2], 3]),
    3: ("buf", [np.zeros(300, np.float64), b"x" * 300]),
    4: ("regs", [np.zeros(3, np.int64), np.zeros(16, np.int32)]),
    6: ("t1", [np.zeros(100, np.uint32), np.zeros(1 << 16, np.int32)]),
    7: ("th", [np.zeros(16, np.uint16), np.zeros(1 << 20, np.uint32)]),
    8: ("tm", [np.zeros(3, np.uint32)]),
    9: ("mix", [np.zeros((8192, 3), np.int32), np.zeros(8192 * 8, np.int32)]),
    10: ("mhash", [np.zeros(1000, np.int64), np.zeros(0, np.int64)]),
    11: ("apm", [np.zeros(100, np.uint16)]),
    12: (
        "stretch",
        [np.zeros(10, np.int32), np.zeros(4096, np.int64), np.full(4096, 5000, np.int32)],
    ),
    13: ("squash", [np.full(4095, -1, np.int32)]),
    15: ("bitcost", [np.zeros(10, np.float64), np.zeros(4097, np.float32)]),
    16: ("ctx", [np.array([], np.int64), np.array([1], np.int64), np.arange(2, 40)]),
    19: ("costs", [np.zeros(3, np.float64), np.zeros(100, np.int64)]),
    17: ("tb", [2, 31]),
    2: ("end", [51, -1]),
    1: ("start", [-5]),
    20: ("ver", [0, 2, 5]),
}


@fuzz(fast=30, long=600)
@given(st.sampled_from(sorted(_BAD)), st.data())
def test_c_loop_refuses_bad_arguments(where, data):
    name, values = _BAD[where]
    value = data.draw(st.sampled_from(values))
    args = _args3(50)
    args[where] = value
    check_invalid(
        "codes: C loop arguments", lambda: cmcore.loop3(*args), (TypeError, ValueError), [name]
    )


@fuzz(fast=20, long=500)
@given(st.integers(0, 9), st.integers(-(2**62), 2**62), st.sampled_from([3, 4]))
def test_c_loop_refuses_impossible_registers_or_codes_safely(reg, value, version):
    """Any value in any register either is refused by name or codes within the arrays
    (a crash here would kill the run)."""
    args = _args3(50, version)
    args[0][:] = np.arange(50, dtype=np.uint8)
    args[4][reg] = value

    def call() -> object:
        try:
            return cmcore.loop3(*args)
        except ValueError as e:
            if "regs" not in str(e):
                return f"message {e} does not name regs"
            return "refused"

    check_valid(
        "codes: C loop registers",
        call,
        lambda r: True if r == "refused" or (isinstance(r, int) and 0 <= r <= 50) else str(r),
    )


def _numba_loop3(args: list) -> int:
    old = adaptive.BACKEND
    adaptive.BACKEND = "numba"
    try:
        arrays = [a if isinstance(a, (int, bool)) else np.asarray(a) for a in args]
        return int(adaptive._kernel()[1](*arrays))
    finally:
        adaptive.BACKEND = old


@fuzz(fast=15, long=300)
@given(st.integers(0, 2**32 - 1), st.sampled_from([3, 4]), st.booleans())
def test_c_loop_codes_any_counter_state_as_numba_does(seed, version, decoding):
    """Counters of any 32-bit value (model 4 reads the low 16 bits of its order-1 and
    match counters) code within the arrays, and alike in both loops."""
    rng = np.random.default_rng(seed)
    n = 300
    data = rng.integers(0, 256, n, dtype=np.uint8)
    t1 = rng.integers(0, 2**32, 1 << 16, dtype=np.uint32)
    tm = rng.integers(0, 2**32, 64, dtype=np.uint32)
    stream = rng.integers(0, 256, n + 200, dtype=np.uint8)

    def run(loop) -> tuple:
        args = _args3(n, version)
        args[0] = data.copy()
        args[3] = stream.copy() if decoding else np.zeros(n + 200, np.uint8)
        np.asarray(args[6])[:] = t1
        np.asarray(args[8])[:] = tm
        if decoding:
            args[4][4] = 5  # the decoder's position and code register
            args[4][5] = int.from_bytes(stream[1:5].tobytes(), "big")
        args[18] = decoding
        i = loop(args)
        return i, args[0].tobytes(), args[3].tobytes(), bytes(args[6]), bytes(args[8])

    ref = run(_numba_loop3)
    check_valid(
        "codes: C loop on any counters",
        lambda: run(lambda args: cmcore.loop3(*args)),
        lambda got: True if got == ref else "differs from numba's",
    )
