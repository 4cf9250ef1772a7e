"""The ``.ibz`` file format written by ``infobits compress``: a fixed 36-byte header
(magic, version, model parameters, original length, payload length, CRC-32s of the
original and of the payload, and a CRC-32 of the header itself) followed by the payload:
the coded bytes, or, when coding would not make them smaller, the original bytes stored
as they are.

Every way a file can be damaged is caught before or after decoding: a foreign file by its
magic, a damaged header by its own checksum, truncation or trailing junk by the payload
length, and damage inside the payload by its own checksum (which also covers the coder's
last bytes, some of whose bits do not change the decoded data) and by the checksum of the
restored bytes. Several containers written one after another form a valid file too, which
:func:`unpack_all` restores to the concatenation of their contents (as gzip, xz and zstd
do). The format is documented in ``docs/container-format.md``.
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
    "read_members",
    "unpack",
    "unpack_all",
]

#: First four bytes of every file: not text, not a common format's magic.
MAGIC = b"\x89IBZ"
#: The newest format version this reader knows; it refuses newer ones. Version 1 holds
#: payloads coded by model 1 only; version 2 adds stored payloads and model 2; version 3
#: adds model 3; version 4 adds model 4. A writer uses the oldest version that can hold
#: its file, so a file coded by model 1 still opens in an infobits that reads version 1.
VERSION = 4
#: Model kinds: 1 to 4 are the context-mixing byte models of :mod:`.adaptive` (its
#: model versions 1 to 4); 0 means the payload is the original bytes, stored because
#: coding would not have shrunk them.
MODEL_CM = 1
MODEL_CM2 = 2
MODEL_CM3 = 3
MODEL_CM4 = 4
MODEL_STORED = 0
#: The models that code (as opposed to storing).
CODING_MODELS = (MODEL_CM, MODEL_CM2, MODEL_CM3, MODEL_CM4)
#: The model ``pack`` codes with unless asked: model 4 (model 3, whose 16-bit counters,
#: word context and weight sets it keeps, with 16-bit order-1 and match counters and no
#: secondary estimate: about a fifth faster, 0.5-1% larger).
DEFAULT_MODEL = MODEL_CM4
#: The container version each model kind needs.
_VERSION_OF = {MODEL_CM: 1, MODEL_STORED: 2, MODEL_CM2: 2, MODEL_CM3: 3, MODEL_CM4: 4}

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
    def stored(self) -> bool:
        """True when the payload is the original bytes, not coded ones."""
        return self.model == MODEL_STORED

    @property
    def model_name(self) -> str:
        """The model as ``--model`` spells it, e.g. ``order5``; ``stored`` for a stored
        payload."""
        return "stored" if self.stored else f"order{self.params.order}"


def _head(model: int, params: ModelParams, raw: bytes, payload: bytes) -> bytes:
    head = _HEADER.pack(
        MAGIC,
        _VERSION_OF[model],
        model,
        params.order,
        params.table_bits,
        len(raw),
        len(payload),
        zlib.crc32(raw),
        zlib.crc32(payload),
        0,
    )
    return head[:-4] + struct.pack("<I", zlib.crc32(head[:-4]))


def pack(
    data: bytes | bytearray | memoryview,
    order: int,
    progress: Callable[[int], None] | None = None,
    *,
    store: bool = True,
    model: int = DEFAULT_MODEL,
) -> tuple[bytes, float]:
    """Compress ``data`` into a complete container; return it and the model's ideal bits.

    When the coded payload would not be smaller than ``data`` (already-compressed or
    random bytes, or no bytes at all), ``data`` itself is stored: the file is then never
    more than :data:`HEADER_SIZE` bytes longer than its input. ``store=False`` keeps the
    coded payload all the same. ``model`` is the context-mixing model: 4 (the default),
    3, 2, or 1 (the model of the first release, whose files are container version 1). The
    ideal is the model's either way.

    >>> blob, ideal = pack(b"to be or not to be, that is the question", order=3)
    >>> blob[:4] == MAGIC, unpack(blob) == b"to be or not to be, that is the question"
    (True, True)
    >>> import random
    >>> noise = random.Random(0).randbytes(300)
    >>> blob, _ = pack(noise, order=3)
    >>> len(blob) - len(noise) == HEADER_SIZE, read_header(blob).model_name
    (True, 'stored')

    Reference: ``docs/container-format.md``.
    """
    if isinstance(model, bool) or model not in CODING_MODELS:
        raise ValueError(f"model={model!r} is not a coding model; use 1, 2, 3 or 4")
    raw = as_buffer(data)
    params = model_params(order, len(raw), version=model)
    payload, ideal = compress_bytes(raw, params, progress)
    if store and len(payload) >= len(raw):
        return _head(MODEL_STORED, ModelParams(0, 0), raw, raw) + raw, ideal
    return _head(model, params, raw, payload) + payload, ideal


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
    if not 1 <= version <= VERSION:
        raise ContainerError(
            f"{name} uses container version {version}; this infobits reads versions 1 "
            f"to {VERSION} (upgrade infobits)"
        )
    coded = (
        model in CODING_MODELS
        and version >= _VERSION_OF[model]
        and order <= MAX_ORDER
        and 12 <= tbits <= 22
    )
    stored = model == MODEL_STORED and version >= 2 and order == tbits == 0
    if not (coded or stored):
        raise ContainerError(
            f"{name} names an unknown model ({model}, order {order}, {tbits}) "
            f"for container version {version}"
        )
    if stored and (size != psize or crc != pcrc):
        raise ContainerError(
            f"{name} is corrupted: a stored payload of {psize} bytes cannot restore {size}"
        )
    # Every coded bit costs at least log2(4096/4095) bits, so a byte costs at least 8 of
    # those: no payload can expand by more than about 2840 times.
    if coded and size > max_decoded_bytes(psize):
        raise ContainerError(
            f"{name} is corrupted: its header claims {size} bytes from a {psize}-byte payload"
        )
    params = ModelParams(order, tbits, version=model if coded else 1)
    return Header(version, model, params, size, psize, crc, pcrc)


def _restore(h: Header, payload: bytes, name: str, progress: Callable[[int], None] | None) -> bytes:
    if zlib.crc32(payload) != h.payload_crc32:
        raise ContainerError(f"{name} is corrupted: the payload fails its CRC-32 check")
    if h.stored:
        raw = payload
        if progress is not None:
            progress(len(raw))
    else:
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


def _truncated(name: str, have: int, h: Header) -> ContainerError:
    return ContainerError(f"{name} is truncated: the payload has {have} of {h.payload_size} bytes")


def unpack(
    blob: bytes | bytearray | memoryview,
    name: str = "the input",
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """Restore the original bytes from one container, checking everything.

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
        raise _truncated(name, have, h)
    if have > h.payload_size:
        raise ContainerError(
            f"{name} has {have - h.payload_size} unexpected byte(s) after the payload"
        )
    return _restore(h, blob[HEADER_SIZE:], name, progress)


def read_members(blob: bytes | bytearray | memoryview, name: str = "the input") -> list[Header]:
    """The headers of the one or more containers that ``blob`` holds one after another,
    with the framing checked (each header, each payload's length, nothing after the last
    one); the payloads are not decoded.

    >>> a, b = pack(b"abc", 2)[0], pack(b"de", 2)[0]
    >>> [h.original_size for h in read_members(a + b)]
    [3, 2]
    """
    blob = as_buffer(blob, "blob")
    heads: list[Header] = []
    at = 0
    while True:
        if heads and blob[at : at + 4] != MAGIC:
            raise ContainerError(
                f"{name} has {len(blob) - at} unexpected byte(s) after the payload"
            )
        h = read_header(blob[at:], name)
        have = len(blob) - at - HEADER_SIZE
        if have < h.payload_size:
            raise _truncated(name, have, h)
        heads.append(h)
        at += HEADER_SIZE + h.payload_size
        if at == len(blob):
            return heads


def unpack_all(
    blob: bytes | bytearray | memoryview,
    name: str = "the input",
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """Restore the concatenated contents of the one or more containers in ``blob``
    (``progress`` counts restored bytes across all of them).

    >>> unpack_all(pack(b"to be ", 2)[0] + pack(b"or not", 2)[0])
    b'to be or not'
    """
    blob = as_buffer(blob, "blob")
    heads = read_members(blob, name)
    pieces: list[bytes] = []
    at = done = 0
    for h in heads:
        payload = blob[at + HEADER_SIZE : at + HEADER_SIZE + h.payload_size]
        step = None if progress is None else (lambda n, base=done: progress(base + n))
        pieces.append(_restore(h, payload, name, step))
        at += HEADER_SIZE + h.payload_size
        done += h.original_size
    return b"".join(pieces)
