"""Fuzz the ``.ibz`` container: random payloads round trip; damaged, truncated and
crafted files (headers rewritten with their checksum recomputed, so that they pass it)
are refused with a ContainerError, never decoded into something else, and quickly
(a crafted size fails once the payload runs out)."""

from __future__ import annotations

import math
import struct
import zlib

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from infobits.codes.adaptive import decompress_bytes, model_params
from infobits.codes.container import (
    _HEADER,
    HEADER_SIZE,
    ContainerError,
    pack,
    read_header,
    unpack,
    unpack_all,
)
from infobits.codes.crosscode import byte_model, crosscode

from ._codes_helpers import either
from .harness import check_invalid, check_valid, fuzz


@st.composite
def contents(draw: st.DrawFn) -> bytes:
    """Bytes of several kinds: random, text-like, long runs, repeats, empty."""
    kind = draw(st.sampled_from(["random", "text", "runs", "repeat", "empty"]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(1, 3000))
    if kind == "random":
        return rng.integers(0, 256, size=n, dtype=np.uint8).tobytes()
    if kind == "text":
        return bytes(rng.choice(list(b"etaoin shrdlu\n"), size=n).astype(np.uint8))
    if kind == "runs":
        return bytes(np.repeat(rng.integers(0, 256, size=n // 50 + 1), 50)[:n].astype(np.uint8))
    if kind == "repeat":
        unit = rng.integers(0, 256, size=int(rng.integers(1, 40)), dtype=np.uint8).tobytes()
        return (unit * (n // len(unit) + 1))[:n]
    return b""


@fuzz(fast=20, long=600)
@given(contents(), st.integers(0, 8))
def test_round_trip(raw, order):
    def accept(packed: tuple[bytes, float]) -> object:
        blob, ideal = packed
        if unpack(blob) != raw:
            return "unpack differs"
        if read_header(blob).stored:
            # stored only when coding would not have shrunk the input, and then as it is
            coded = pack(raw, order, store=False)[0]
            if len(coded) < len(blob) or blob[HEADER_SIZE:] != raw:
                return f"stored {len(raw)} bytes that code to {len(coded) - HEADER_SIZE}"
            return True
        if len(blob) - HEADER_SIZE >= len(raw):
            return f"coded {len(raw)} bytes into a payload no smaller: should be stored"
        # the coder lands within 0.1% + a few bytes of the model's own ideal
        payload_bits = 8 * (len(blob) - HEADER_SIZE)
        if not ideal - 8 <= payload_bits <= ideal * 1.001 + 64:
            return f"payload {payload_bits} bits against the model's ideal {ideal}"
        return True

    check_valid("container: pack/unpack", lambda: pack(raw, order), accept)


def _reheader(blob: bytes, **fields: int) -> bytes:
    names = ["magic", "version", "model", "order", "tbits", "size", "psize", "crc", "pcrc"]
    values = list(_HEADER.unpack(blob[:HEADER_SIZE]))
    for k, v in fields.items():
        values[names.index(k)] = v
    head = _HEADER.pack(*values[:-1], 0)
    return head[:-4] + struct.pack("<I", zlib.crc32(head[:-4])) + blob[HEADER_SIZE:]


damage = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(1, 255)),
    st.tuples(st.just("truncate"), st.integers(0, 10**6), st.just(0)),
    st.tuples(st.just("append"), st.integers(1, 64), st.integers(0, 255)),
    st.tuples(
        st.sampled_from(["size", "psize", "order", "tbits", "version", "model", "crc", "pcrc"]),
        st.one_of(st.integers(0, 2**64 - 1), st.integers(0, 300)),
        st.just(0),
    ),
)


@fuzz(fast=40, long=1500)
@given(contents(), st.integers(0, 8), damage)
def test_damaged_files_are_refused(raw, order, dmg):
    blob, _ = pack(raw, order)
    kind, a, b = dmg
    if kind == "flip":
        i = a % len(blob)
        bad = blob[:i] + bytes([blob[i] ^ b]) + blob[i + 1 :]
    elif kind == "truncate":
        bad = blob[: a % len(blob)]
    elif kind == "append":
        bad = blob + bytes([b]) * a
    else:
        limits = {"size": 64, "psize": 64, "crc": 32, "pcrc": 32}
        value = a % (1 << limits.get(kind, 8))
        bad = _reheader(blob, **{kind: value})

    def accept(out: bytes) -> object:
        # A rewritten field may leave the file intact, or change only how it decodes
        # to the same bytes (order 0 -> 1 on a one-byte file: the first byte has no
        # context). Either way the original bytes, verified by their CRC, are correct;
        # anything else would be a silently wrong result.
        return True if out == raw else f"decoded a damaged file ({kind}) to other bytes"

    either("container: damaged", lambda: unpack(bad), accept, ["the input"], (ContainerError,))


not_bytes = st.one_of(
    st.sampled_from([None, 3, 2.5, True, "text", [1, 2], {"a": 1}]),
    st.text(max_size=5),
    st.integers(),
)


@fuzz(fast=20, long=150)
@given(not_bytes, st.one_of(st.sampled_from([-1, 9, 2.5, True, None, "3"]), st.integers(-5, 20)))
def test_library_arguments_are_checked(data, order):
    """pack, unpack, decompress_bytes, crosscode and byte_model name the bad argument."""
    check_invalid("container: arguments", lambda: pack(data, 3), mentions=["data"])
    check_invalid("container: arguments", lambda: unpack(data), mentions=["blob"])
    p = model_params(3, 10)
    check_invalid(
        "container: arguments", lambda: decompress_bytes(data, 1, p), mentions=["payload"]
    )
    check_invalid("container: arguments", lambda: crosscode(data, b"x"), mentions=["a"])
    check_invalid("container: arguments", lambda: crosscode(b"x", data), mentions=["like"])
    a_number = (
        isinstance(data, int | float)
        and not isinstance(data, bool)
        and 0 <= data < 2**1000
        and math.isfinite(data)
    )
    if not a_number:  # 3 or 2.5 is a fine alpha
        check_invalid("container: arguments", lambda: byte_model(b"x", data), mentions=["alpha"])
    if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 8:
        check_invalid("container: arguments", lambda: pack(b"abc", order), mentions=["order"])


@fuzz(fast=15, long=800)
@given(st.lists(st.tuples(contents(), st.integers(0, 8)), min_size=1, max_size=4), damage)
def test_several_containers_in_one_file(parts, dmg):
    """Containers one after another restore to the concatenation; damaged, they are
    refused (or, a rewritten field that changes nothing, restore the same bytes)."""
    blobs = [pack(raw, order)[0] for raw, order in parts]
    stream = b"".join(blobs)
    want = b"".join(raw for raw, _ in parts)

    def whole(out: bytes) -> object:
        if out != want:
            return "unpack_all differs from the concatenation"
        if len(stream) > len(want) + HEADER_SIZE * len(parts):
            return f"{len(want)} bytes grew by more than {len(parts)} headers"
        return True

    check_valid("container: several", lambda: unpack_all(stream), whole)
    kind, a, b = dmg
    if kind == "flip":
        i = a % len(stream)
        bad = stream[:i] + bytes([stream[i] ^ b]) + stream[i + 1 :]
    elif kind == "truncate":
        bad = stream[: a % len(stream)]
    elif kind == "append":
        bad = stream + bytes([b]) * a
    else:
        return  # header rewrites: test_damaged_files_are_refused
    # a cut exactly between two containers leaves a shorter valid stream (as in gzip)
    ends = {
        sum(map(len, blobs[: k + 1])): b"".join(r for r, _ in parts[: k + 1])
        for k in range(len(parts))
    }
    fine = ends.get(len(bad), want) if kind == "truncate" else want
    either(
        "container: several damaged",
        lambda: unpack_all(bad),
        lambda out: True if out == fine else "a damaged stream decoded to other bytes",
        ["the input"],
        (ContainerError,),
    )
