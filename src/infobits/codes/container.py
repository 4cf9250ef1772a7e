"""The ``.ibz`` file format written by ``infobits compress``: a fixed 36-byte header
(magic, version, model parameters, original length, payload length, CRC-32s of the
original and of the payload, and a CRC-32 of the header itself) followed by the coded
payload.

Every way a file can be damaged is caught before or after decoding: a foreign file by its
magic, a damaged header by its own checksum, truncation or trailing junk by the payload
length, and damage inside the payload by its own checksum (which also covers the coder's
last bytes, some of whose bits do not change the decoded data) and by the checksum of the
restored bytes. The format
is documented in ``docs/container-format.md``.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from ._bytes import as_buffer
from .adaptive import (
    MAX_ORDER,
    ModelParams,
    compress_bytes,
    decompress_bytes,
    max_decoded_bytes,
    model_params,
)

__all__ = [
    "HEADER_SIZE",
    "MAGIC",
    "VERSION",
    "ContainerError",
    "Header",
    "pack",
    "read_header",
    "unpack",
]

#: First four bytes of every file: not text, not a common format's magic.
MAGIC = b"\x89IBZ"
#: Format version; a reader refuses versions it does not know.
VERSION = 1
#: Model kinds; 1 is the context-mixing byte model of :mod:`.adaptive`.
MODEL_CM = 1

_HEADER = struct.Struct("<4sBBBBQQIII")
HEADER_SIZE = _HEADER.size  # 36


class ContainerError(ValueError):
    """A file is not a valid ``.ibz`` container, or it is damaged."""


@dataclass(frozen=True)
class Header:
    """The parsed header of a container."""

    version: int
    model: int
    params: ModelParams
    original_size: int
    payload_size: int
    crc32: int
    payload_crc32: int

    @property
    def model_name(self) -> str:
        """The model as ``--model`` spells it, e.g. ``order5``."""
        return f"order{self.params.order}"


def pack(
    data: bytes | bytearray | memoryview,
    order: int,
    progress: Callable[[int], None] | None = None,
) -> tuple[bytes, float]:
    """Compress ``data`` into a complete container; return it and the model's ideal bits.

    >>> blob, ideal = pack(b"to be or not to be, that is the question", order=3)
    >>> blob[:4] == MAGIC, unpack(blob) == b"to be or not to be, that is the question"
    (True, True)

    Reference: ``docs/container-format.md``.
    """
    raw = as_buffer(data)
    params = model_params(order, len(raw))
    payload, ideal = compress_bytes(raw, params, progress)
    head = _HEADER.pack(
        MAGIC,
        VERSION,
        MODEL_CM,
        params.order,
        params.table_bits,
        len(raw),
        len(payload),
        zlib.crc32(raw),
        zlib.crc32(payload),
        0,
    )
    head = head[:-4] + struct.pack("<I", zlib.crc32(head[:-4]))
    return head + payload, ideal


def read_header(blob: bytes | bytearray | memoryview, name: str = "the input") -> Header:
    """Parse and check the header of a container; raise :class:`ContainerError` if bad.

    >>> read_header(pack(b"abc", order=2)[0]).original_size
    3
    """
    b = as_buffer(blob, "blob")[:HEADER_SIZE]
    if len(b) < 4 or b[:4] != MAGIC:
        raise ContainerError(
            f"{name} is not an infobits compressed file (no {MAGIC!r} magic at the start)"
        )
    if len(b) < HEADER_SIZE:
        raise ContainerError(
            f"{name} is truncated: {len(b)} bytes, shorter than the {HEADER_SIZE}-byte header"
        )
    _, version, model, order, tbits, size, psize, crc, pcrc, hcrc = _HEADER.unpack(b)
    if zlib.crc32(b[:-4]) != hcrc:
        raise ContainerError(f"{name} is corrupted: its header checksum does not match")
    if version != VERSION:
        raise ContainerError(
            f"{name} uses container version {version}; this infobits reads version "
            f"{VERSION} (upgrade infobits)"
        )
    if model != MODEL_CM or order > MAX_ORDER or not 12 <= tbits <= 22:
        raise ContainerError(f"{name} names an unknown model ({model}, order {order}, {tbits})")
    # Every coded bit costs at least log2(4096/4095) bits, so a byte costs at least 8 of
    # those: no payload can expand by more than about 2840 times.
    if size > max_decoded_bytes(psize):
        raise ContainerError(
            f"{name} is corrupted: its header claims {size} bytes from a {psize}-byte payload"
        )
    return Header(version, model, ModelParams(order, tbits), size, psize, crc, pcrc)


def unpack(
    blob: bytes | bytearray | memoryview,
    name: str = "the input",
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """Restore the original bytes from a container, checking everything.

    Raises :class:`ContainerError` for a foreign, truncated, padded or corrupted file.

    >>> unpack(b"hello")
    Traceback (most recent call last):
    ...
    infobits.codes.container.ContainerError: the input is not an infobits compressed file ...

    Reference: ``docs/container-format.md``.
    """
    blob = as_buffer(blob, "blob")
    h = read_header(blob, name)
    have = len(blob) - HEADER_SIZE
    if have < h.payload_size:
        raise ContainerError(
            f"{name} is truncated: the payload has {have} of {h.payload_size} bytes"
        )
    if have > h.payload_size:
        raise ContainerError(
            f"{name} has {have - h.payload_size} unexpected byte(s) after the payload"
        )
    payload = blob[HEADER_SIZE:]
    if zlib.crc32(payload) != h.payload_crc32:
        raise ContainerError(f"{name} is corrupted: the payload fails its CRC-32 check")
    try:
        raw = decompress_bytes(payload, h.original_size, h.params, progress)
    except ValueError as e:
        raise ContainerError(f"{name} is corrupted: {e}") from None
    if zlib.crc32(raw) != h.crc32:
        raise ContainerError(
            f"{name} is corrupted: the restored data fail the CRC-32 check "
            f"(stored {h.crc32:08x}, got {zlib.crc32(raw):08x})"
        )
    return raw
