"""The .ibz container: round trips and every kind of damage detected by name."""

from __future__ import annotations

import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infobits.codes.container import HEADER_SIZE, MAGIC, ContainerError, pack, read_header, unpack

TEXT = b"A code is a distribution, and a distribution is a code. " * 40

# every test here runs with the C loop and with the numba loop
pytestmark = pytest.mark.usefixtures("loop")


def test_header_records_model_length_and_checksum():
    blob, _ = pack(TEXT, 4)
    h = read_header(blob)
    assert blob[:4] == MAGIC
    assert (h.version, h.model, h.model_name, h.original_size) == (4, 4, "order4", len(TEXT))
    assert h.params.version == 4
    assert h.payload_size == len(blob) - HEADER_SIZE
    assert h.crc32 == zlib.crc32(TEXT)
    assert unpack(blob) == TEXT


@settings(max_examples=25, deadline=None)
@given(st.binary(max_size=300))
def test_round_trip_any_bytes(raw):
    assert unpack(pack(raw, 3)[0]) == raw


def test_every_single_bit_flip_in_a_small_file_is_detected():
    blob, _ = pack(b"entropy is code length", 2)
    for i in range(len(blob)):
        for bit in (0, 3, 7):
            bad = bytearray(blob)
            bad[i] ^= 1 << bit
            with pytest.raises(ContainerError):
                unpack(bytes(bad))


def test_bit_flips_in_the_payload_are_reported_as_corruption():
    blob, _ = pack(TEXT, 4)
    for pos in (HEADER_SIZE, (HEADER_SIZE + len(blob)) // 2, len(blob) - 1):
        bad = bytearray(blob)
        bad[pos] ^= 0x10
        with pytest.raises(ContainerError, match="corrupted"):
            unpack(bytes(bad))


@pytest.mark.parametrize("cut", [0, 2, 10, HEADER_SIZE, HEADER_SIZE + 5, -1])
def test_truncation_is_detected(cut):
    blob, _ = pack(TEXT, 4)
    with pytest.raises(ContainerError, match=r"truncated|not an infobits"):
        unpack(blob[:cut])


def test_trailing_junk_wrong_magic_and_version_are_refused():
    blob, _ = pack(TEXT, 4)
    with pytest.raises(ContainerError, match="unexpected byte"):
        unpack(blob + b"\x00")
    with pytest.raises(ContainerError, match="not an infobits compressed file"):
        unpack(b"PK\x03\x04" + blob[4:])
    head = bytearray(blob[:HEADER_SIZE])
    head[4] = 9
    head[-4:] = struct.pack("<I", zlib.crc32(bytes(head[:-4])))
    with pytest.raises(ContainerError, match="version 9"):
        unpack(bytes(head) + blob[HEADER_SIZE:])


def test_impossible_length_claim_is_refused_before_decoding():
    blob, _ = pack(TEXT, 2)
    head = bytearray(blob[:HEADER_SIZE])
    head[8:16] = struct.pack("<Q", 10**15)
    head[-4:] = struct.pack("<I", zlib.crc32(bytes(head[:-4])))
    with pytest.raises(ContainerError, match="claims"):
        read_header(bytes(head) + blob[HEADER_SIZE:])


# -- version 2: stored payloads, and files of several containers ---------------------------

#: Written by infobits before stored payloads existed (container version 1):
#: pack(b"A code is a distribution, and a distribution is a code.", 3) and pack(b"", 5).
V1_TEXT = bytes.fromhex(
    "8949425a0101030c370000000000000022000000000000007ac9d4870e65b2232cedac31d2e9ce2d"
    "5755fb2de784cddb6d8fedf3cee117915871e7c41cf0289b3361d9ed2341"
)
V1_EMPTY = bytes.fromhex(
    "8949425a0101050c00000000000000000400000000000000000000001cdf44214a32348a00000000"
)


def test_files_of_the_first_format_still_decompress():
    assert unpack(V1_TEXT) == b"A code is a distribution, and a distribution is a code."
    assert unpack(V1_EMPTY) == b""
    assert read_header(V1_TEXT).version == 1 and not read_header(V1_TEXT).stored
    # and model 1 still writes version 1, byte for byte
    assert (
        pack(b"A code is a distribution, and a distribution is a code.", 3, model=1)[0] == V1_TEXT
    )
    assert pack(b"", 5, store=False, model=1)[0] == V1_EMPTY


#: Written by model 2 (the default before model 3), container version 2:
#: pack(b"A code is a distribution, and a distribution is a code. \xe8\x10\x00\x00\x00 call
#: call", 4).
V2_TEXT = bytes.fromhex(
    "8949425a0202040c47000000000000002c000000000000002e40c9ced0c6e744ae3820f0d3209e833cfe"
    "192d2a4e3f6b31fb633af79a9379a79feca52fe3be613e6a2ad3e8ea0cda5f465414acad6a64"
)


def test_files_of_model_2_still_decompress_and_model_2_still_writes_them():
    raw = b"A code is a distribution, and a distribution is a code. \xe8\x10\x00\x00\x00 call call"
    assert unpack(V2_TEXT) == raw
    assert (read_header(V2_TEXT).version, read_header(V2_TEXT).model) == (2, 2)
    assert pack(raw, 4, model=2)[0] == V2_TEXT


#: Written by model 3 (the default before model 4), container version 3: the same call as
#: V2_TEXT's with model=3.
V3_TEXT = bytes.fromhex(
    "8949425a0303040c470000000000000035000000000000002e40c9ce9e4e84ee16f97b48d2e94066a162"
    "794ded665decd3db407fc0426911fb48bee8055a2f7317c5980c8020b0227197f2ddfdcdfb20099585de"
    "47d4db299c"
)
#: SHA-256 of pack(_text(30_000) + _x86_like(10_000), 5, model=3) (tests/codes/
#: test_adaptive.py's generators), as model 3 wrote it before model 4 came.
V3_LONG_SHA256 = "c74e42bac47c28133985a273146bdd3736afef2f669e7fa6f55f0e39a15265bd"


def test_files_of_model_3_still_decompress_and_model_3_still_writes_them():
    import hashlib

    from .test_adaptive import _text, _x86_like

    raw = b"A code is a distribution, and a distribution is a code. \xe8\x10\x00\x00\x00 call call"
    assert unpack(V3_TEXT) == raw
    assert (read_header(V3_TEXT).version, read_header(V3_TEXT).model) == (3, 3)
    assert pack(raw, 4, model=3)[0] == V3_TEXT
    long = _text(30_000) + _x86_like(10_000)
    blob = pack(long, 5, model=3)[0]
    assert hashlib.sha256(blob).hexdigest() == V3_LONG_SHA256
    assert unpack(blob) == long


@pytest.mark.parametrize("model,container", [(4, 4), (3, 3)])
def test_model_4_is_the_default_and_each_model_needs_its_container_version(model, container):
    blob, _ = pack(TEXT, 5, model=model)
    h = read_header(blob)
    assert (h.version, h.model, h.params.version) == (container, model, model)
    assert unpack(blob) == TEXT
    assert pack(TEXT, 5, model=model - 1)[0][HEADER_SIZE:] != blob[HEADER_SIZE:]
    if model == 4:
        assert pack(TEXT, 5)[0] == blob
    # a header that says the container version before cannot name the model
    head = bytearray(blob[:HEADER_SIZE])
    head[4] = container - 1
    head[-4:] = struct.pack("<I", zlib.crc32(bytes(head[:-4])))
    with pytest.raises(ContainerError, match="unknown model"):
        read_header(bytes(head) + blob[HEADER_SIZE:])


def test_model_2_round_trips_and_needs_container_version_2():
    blob, _ = pack(TEXT, 5, model=2)
    h = read_header(blob)
    assert (h.version, h.model, h.params.version) == (2, 2, 2)
    assert unpack(blob) == TEXT
    # the same bytes under model 1 are a different stream
    assert pack(TEXT, 5, model=1)[0][HEADER_SIZE:] != blob[HEADER_SIZE:]
    # a header that says version 1 cannot name model 2
    head = bytearray(blob[:HEADER_SIZE])
    head[4] = 1
    head[-4:] = struct.pack("<I", zlib.crc32(bytes(head[:-4])))
    with pytest.raises(ContainerError, match="unknown model"):
        read_header(bytes(head) + blob[HEADER_SIZE:])


@pytest.mark.parametrize("model", [0, 5, True, "2"])
def test_pack_refuses_a_model_that_does_not_code(model):
    with pytest.raises(ValueError, match="model"):
        pack(TEXT, 3, model=model)


def _stored_by_hand(raw: bytes) -> bytes:
    """A stored container built from docs/container-format.md, not from the writer."""
    crc = zlib.crc32(raw)
    head = struct.pack("<4sBBBBQQII", b"\x89IBZ", 2, 0, 0, 0, len(raw), len(raw), crc, crc)
    return head + struct.pack("<I", zlib.crc32(head)) + raw


@pytest.mark.parametrize("kind", ["empty", "one byte", "random", "zlib output"])
def test_input_coding_cannot_shrink_is_stored_with_only_the_header_added(kind):
    import random

    raw = {
        "empty": b"",
        "one byte": b"x",
        "random": random.Random(7).randbytes(512),
        "zlib output": zlib.compress(TEXT, 9),
    }[kind]
    blob, _ = pack(raw, 5)
    coded = pack(raw, 5, store=False)[0]
    assert len(coded) >= len(raw) + HEADER_SIZE  # coding would not have helped
    assert blob == _stored_by_hand(raw)
    h = read_header(blob)
    assert (h.version, h.stored, h.model_name) == (2, True, "stored")
    assert unpack(blob) == raw


def test_stored_headers_are_checked():
    blob = _stored_by_hand(b"raw bytes here")
    fields = list(struct.unpack("<4sBBBBQQIII", blob[:HEADER_SIZE]))

    def crafted(**changes: int) -> bytes:
        f = fields.copy()
        for k, v in changes.items():
            f[["magic", "version", "model", "order", "tbits", "size", "psize"].index(k)] = v
        head = struct.pack("<4sBBBBQQII", *f[:-1])
        return head + struct.pack("<I", zlib.crc32(head)) + blob[HEADER_SIZE:]

    with pytest.raises(ContainerError, match="unknown model"):
        unpack(crafted(version=1))  # version 1 had no stored payloads
    with pytest.raises(ContainerError, match="unknown model"):
        unpack(crafted(order=3))
    with pytest.raises(ContainerError, match="cannot restore"):
        unpack(crafted(size=99))
    with pytest.raises(ContainerError, match="version 5; this infobits reads versions 1 to 4"):
        unpack(crafted(version=5))


def test_every_single_bit_flip_in_a_stored_file_is_detected():
    blob = pack(b"\x8b\x1f\x00\xff", 2)[0]
    assert read_header(blob).stored
    for i in range(len(blob)):
        for bit in range(8):
            bad = bytearray(blob)
            bad[i] ^= 1 << bit
            with pytest.raises(ContainerError):
                unpack(bytes(bad))


def test_containers_one_after_another_restore_to_the_concatenation():
    from infobits.codes.container import read_members, unpack_all

    parts = [TEXT, b"", b"\x00\xff", TEXT[:100]]
    blobs = [pack(p, 3)[0] for p in parts]
    stream = b"".join(blobs)
    assert [h.original_size for h in read_members(stream)] == [len(p) for p in parts]
    seen: list[int] = []
    assert unpack_all(stream, progress=seen.append) == b"".join(parts)
    assert seen and seen == sorted(seen) and seen[-1] == sum(map(len, parts))
    with pytest.raises(ContainerError, match="unexpected byte"):
        unpack(stream)  # one container, strictly
    with pytest.raises(ContainerError, match="3 unexpected byte"):
        unpack_all(stream + b"\x89IB")
    with pytest.raises(ContainerError, match="truncated"):
        unpack_all(stream[:-1])
    with pytest.raises(ContainerError, match="truncated"):
        unpack_all(stream + blobs[0][: HEADER_SIZE - 1])
    bad = bytearray(stream)
    bad[len(blobs[0]) + len(blobs[1]) + HEADER_SIZE] ^= 1  # inside the third payload
    with pytest.raises(ContainerError, match="corrupted"):
        unpack_all(bytes(bad))
