"""The byte-string arguments of the decoders, checked in one place.

A decoder reads ``bytes``, ``bytearray`` or a ``memoryview``; a NumPy array is read as
one byte per element, so its values must lie in 0..255 (``bytes()`` of an int64 array
would silently reinterpret its memory, and a cast to uint8 would wrap 300 to 44).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = ["as_buffer", "as_bytes", "check_count", "symbol_array"]


def as_bytes(data: Any, name: str = "data") -> bytes:
    """``data`` as ``bytes``; TypeError or ValueError naming ``name`` if it is not bytes."""
    if isinstance(data, bytes | bytearray):
        return bytes(data)
    if isinstance(data, memoryview):
        return data.tobytes()
    np = sys.modules.get("numpy")  # an array means NumPy is imported: never import it here
    if np is not None and isinstance(data, np.ndarray):
        if data.dtype.kind not in "iu":
            raise TypeError(
                f"{name} must be bytes, or an integer array of byte values 0..255; got an "
                f"array of dtype {data.dtype}"
            )
        flat = data.reshape(-1)
        if flat.dtype != np.uint8 and flat.size:
            bad = (flat < 0) | (flat > 255)
            if bad.any():
                i = int(np.argmax(bad))
                raise ValueError(
                    f"{name}[{i}] = {int(flat[i])} is not a byte; an array given as {name} "
                    "must hold byte values 0..255 (pass the bytes the encoder returned)"
                )
        return flat.astype(np.uint8).tobytes()
    raise TypeError(
        f"{name} must be bytes (as the encoder returned them), got {type(data).__name__}"
    )


def as_buffer(data: Any, name: str = "data") -> bytes:
    """The bytes of anything that holds a buffer (bytes, bytearray, memoryview, a NumPy
    array's memory), for the encoders; TypeError naming ``name`` otherwise. ``bytes(5)``
    would be five zero bytes, and ``bytes("text")`` an error that names nothing."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, str | int | float | bool) or data is None:
        raise TypeError(
            f"{name} must be bytes (or a bytearray, memoryview or array), got "
            f"{type(data).__name__}"
            + ("; encode text first, e.g. text.encode()" if isinstance(data, str) else "")
        )
    try:
        return memoryview(data).tobytes()
    except TypeError:
        raise TypeError(
            f"{name} must be bytes (or a bytearray, memoryview or array), got {type(data).__name__}"
        ) from None


def check_count(n: Any, name: str = "n", what: str = "symbols") -> int:
    """``n`` as a Python int >= 0; TypeError or ValueError naming ``name`` otherwise."""
    np = sys.modules.get("numpy")
    if isinstance(n, bool) or not (
        isinstance(n, int) or (np is not None and isinstance(n, np.integer))
    ):
        raise TypeError(f"{name} must be a whole number of {what}, got {type(n).__name__} {n!r}")
    if n < 0:
        raise ValueError(f"{name} = {n} is negative; give the number of {what} to decode")
    return int(n)


def symbol_array(n: int, fill: int | None = None) -> np.ndarray:
    """An int64 array for ``n`` decoded symbols (filled with ``fill`` if given); a
    ValueError naming n, not NumPy's MemoryError, when it cannot be allocated."""
    import numpy as np

    # An allocation beyond the machine's memory may succeed (the system overcommits)
    # and then kill the process as it is filled, so that is refused up front too.
    try:
        out = None if 8 * n > _physical_memory() else np.empty(n, dtype=np.int64)
    except (MemoryError, ValueError):  # ValueError: beyond NumPy's largest dimension
        out = None
    if out is None:
        raise ValueError(
            f"n = {n} symbols need {8 * n / 2**30:.3g} GiB for the result, more than this "
            "machine can allocate; decode fewer symbols"
        )
    if fill is not None:
        out.fill(fill)
    return out


def _physical_memory() -> int:
    """Bytes of memory in this machine (2^63 where the system does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return 1 << 63
