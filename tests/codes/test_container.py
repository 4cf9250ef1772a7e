"""The .ibz container: round trips and every kind of damage detected by name."""

from __future__ import annotations

import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infobits.codes.container import HEADER_SIZE, MAGIC, ContainerError, pack, read_header, unpack

TEXT = b"A code is a distribution, and a distribution is a code. " * 40


def test_header_records_model_length_and_checksum():
    blob, _ = pack(TEXT, 4)
    h = read_header(blob)
    assert blob[:4] == MAGIC
    assert (h.version, h.model_name, h.original_size) == (1, "order4", len(TEXT))
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
