"""An adaptive context-mixing model of bytes, with a binary arithmetic coder in the loop:
the compressor behind ``infobits compress``.

Each byte is coded as 8 binary decisions, most significant bit first. For every decision,
one adaptive counter per context order (the previous 0, 1, ..., N bytes, plus a match
model that follows the longest earlier repeat) predicts the bit; a gated logistic mixer
(weights chosen by the bits seen so far in this byte and by how long a repeat is being
followed) blends the predictions in the
stretched domain ln(p/(1-p)), and a secondary estimate refines the result. The model
learns online, so the decoder rebuilds the same predictions from the bytes it has
already decoded; model and coder take turns bit by bit, which is why the loop is
compiled: in C (the optional extension ``_cmcore``, built at install) or, where that is
absent, with numba (``_cmloop``); the two write byte-identical streams. Everything is
integer arithmetic, so a stream decodes identically on any machine. The model's ideal
code length Σ log2 1/p(bit) is accumulated alongside, so the bits written can be checked
against it.

Model version 2 (``model_params(..., version=2)``) adds an x86 call transform before
coding, two word contexts (the word being read; it and the previous word) and mixer
weight sets chosen also by the class of the previous byte. Model version 3 (the default
of ``infobits compress`` before version 4) keeps version 2's transform, word context and
weight sets but is leaner: hashed counters of 16 bits (a 12-bit probability and a 4-bit
count, so the learning rate settles at 1/16.5 rather than 1/256.5, which suits contexts
that share a slot), orders 2, 3, 4 and 6 rather than 0 to 5, one word context rather than two. It is
1.4 to 2 times as fast as version 2 and 1-2% smaller on text (below order 2 it codes as
version 2). Model version 4 (now the default) is version 3 made cheaper: its order-1 and
match counters are 16-bit ones too, and the mixer's probability is coded as it is, with
no secondary estimate (whose 4 MiB of order-1 knots cost a cache miss a bit). It is about
a fifth faster than version 3 and 0.5-1% larger. Versions 1 to 3 streams decode as
before; a stream decodes only under the version that wrote it.

The design follows PAQ/lpaq (counters with a 1/n learning rate that settles at a floor,
nibble-bucketed hash tables, a match model, logistic mixing); see M. Mahoney, "Adaptive
weighing of context models for lossless data compression", Florida Tech. TR CS-2005-16
(2005), and the lpaq1 source (2007). The coder is the carry-propagating range coder of
LZMA (I. Pavlov), with 12-bit probabilities.
"""

from __future__ import annotations

import math
import mmap
import sys
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import _deps

if TYPE_CHECKING:
    import numpy as np

# NumPy is imported only where numba's loop (or a NumPy result) needs it: with the C loop,
# ``infobits compress`` starts without it. The model's state lives in typed buffers
# (``array``, ``bytearray`` and ``mmap`` memory seen through memoryviews), which the C
# loop reads through the buffer protocol and numba through ``np.asarray`` (no copy).

__all__ = [
    "MAX_ORDER",
    "MODEL_VERSIONS",
    "ModelParams",
    "byte_costs",
    "compress_bytes",
    "decompress_bytes",
    "max_decoded_bytes",
    "model_params",
]

#: Highest context order a model may use (``--model order0`` .. ``order8``).
MAX_ORDER = 8

#: Model versions a stream can be written with. A stream decodes only under the version
#: that wrote it; every version stays readable. 1: the original model. 2: adds the x86
#: call transform (see :func:`_transform`) and the levers listed in ``_cmloop``. 3: the
#: leaner, faster loop ``_cmloop._loop3``. 4: that loop with 16-bit order-1 and match
#: counters and no secondary estimate (faster again).
MODEL_VERSIONS = (1, 2, 3, 4)

#: Bytes coded per call of the compiled loop; between calls, progress is reported.
_CHUNK = 1 << 20

# Squash (logistic) at 33 knots, 12-bit output, interpolated: lpaq1's integer table, so the
# curve is the same on every machine.
_SQUASH_KNOTS = (
    1, 2, 3, 6, 10, 16, 27, 45, 73, 120, 194, 310, 488, 747, 1101, 1546, 2047, 2549, 2994,
    3348, 3607, 3785, 3901, 3975, 4024, 4050, 4068, 4079, 4085, 4089, 4092, 4093, 4094,
)  # fmt: skip


def _squash_table() -> list[int]:
    out = []
    for d in range(-2047, 2048):
        w = d & 127
        k = (d >> 7) + 16
        out.append((_SQUASH_KNOTS[k] * (128 - w) + _SQUASH_KNOTS[k + 1] * w + 64) >> 7)
    return out


def _stretch_table(squash: list[int]) -> list[int]:
    """stretch = squash⁻¹ on 0..4095: the smallest d with squash(d) >= p."""
    out = [2047] * 4096
    pi = 0
    for x in range(-2047, 2048):
        v = squash[x + 2047]
        for j in range(pi, v + 1):
            out[j] = x
        pi = max(pi, v + 1)
    return out


_SQUASH_LIST = _squash_table()
_STRETCH_LIST = _stretch_table(_SQUASH_LIST)
# counter learning rates 1/(n + 1.5), in 16-bit fixed point
_RECIP_LIST = [int(65536 / (n + 1.5)) for n in range(1024)]
# models 1-2 read int64 tables; model 3 reads int32 ones: less cache for the same values
_SQUASH = array("q", _SQUASH_LIST)
_STRETCH = array("q", _STRETCH_LIST)
_RECIP = array("q", _RECIP_LIST)
_STRETCH32 = array("i", _STRETCH_LIST)
_SQUASH32 = array("i", _SQUASH_LIST)
_RECIP32 = array("i", _RECIP_LIST)
# -log2(p/4096) for the ideal code length
_COST = array("d", [0.0] + [-math.log2(p / 4096) for p in range(1, 4097)])
# the secondary estimate's 33 starting knots (the squash curve at its knots, x16)
_APM_KNOTS = [
    min(max(_SQUASH_LIST[min(max((k - 16) * 128, -2047), 2047) + 2047], 1), 4095) * 16
    for k in range(33)
]
#: model 3's context codes for the word contexts (as ``_cmloop.WORD``, ``WORD_PAIR``)
_WORD = 100


@dataclass(frozen=True)
class ModelParams:
    """What the decoder must know to rebuild the model: the highest context order, the
    log2 size of each hashed table (entries of 4 bytes) and the model version (one of
    :data:`MODEL_VERSIONS`; 1 unless asked, so the parameters of older files mean what
    they meant)."""

    order: int
    table_bits: int
    version: int = 1

    @property
    def memory_bytes(self) -> int:
        """Approximate memory the model's tables take."""
        if self.version >= 3 and self.order >= 2:
            return len(_contexts3(self.order)) * (2 << self.table_bits) + (4 << 16) + (4 << 22)
        hashed = max(self.order - 1, 0)
        if self.version >= 2 and self.order >= 2:
            hashed += 2  # the word contexts
        return hashed * (4 << self.table_bits) + (4 << 16) + (4 << 22)


def model_params(order: int, n_bytes: int, version: int = 1) -> ModelParams:
    """Parameters for an ``order``-N model on ``n_bytes`` of input: the hashed tables grow
    with the input (32 entries a byte: two 16-entry buckets per byte), from 2^12 up to
    2^22 entries each.

    >>> model_params(5, 1000)
    ModelParams(order=5, table_bits=15, version=1)
    >>> model_params(5, 10**8).table_bits
    22
    >>> model_params(5, 1000, version=2).version
    2
    """
    if isinstance(version, bool) or version not in MODEL_VERSIONS:
        raise ValueError(f"model version {version!r} is not known; use one of {MODEL_VERSIONS}")
    if isinstance(order, bool) or not _is_whole(order):
        raise TypeError(f"order must be a whole number 0..{MAX_ORDER}, got {order!r}")
    if not 0 <= order <= MAX_ORDER:
        raise ValueError(f"order {order} is out of range; use order0 .. order{MAX_ORDER}")
    order = int(order)
    tb = min(22, max(12, math.ceil(math.log2(max(n_bytes, 1) * 32))))
    return ModelParams(order=order, table_bits=tb, version=int(version))


#: Which compiled loop codes: ``"c"`` (the extension ``_cmcore``, built from
#: ``_cmcore.c`` at install), ``"numba"`` (``_cmloop`` compiled at run time), or ``None``
#: for the C loop when it imports, else numba. Both write byte-identical streams.
BACKEND: str | None = None
_KERNELS: dict[str, Any] = {}
_NO_COSTS = array("d")


def _is_whole(x: Any) -> bool:
    """Whether ``x`` is an int or a NumPy integer (NumPy is not imported to ask)."""
    if isinstance(x, int):
        return True
    np_ = sys.modules.get("numpy")
    return np_ is not None and isinstance(x, np_.integer)


def _zeros(fmt: str, n: int, shape: tuple[int, ...] | None = None) -> memoryview:
    """``n`` zero items of struct format ``fmt`` (shaped ``shape``), writable. Large
    tables are anonymous memory, whose pages the system gives zeroed on first touch."""
    size = n * array(fmt).itemsize
    mem: Any = bytearray(size)
    if size >= 1 << 20:
        mem = mmap.mmap(-1, size)
        if hasattr(mmap, "MADV_HUGEPAGE"):  # as NumPy does: fewer TLB misses in the tables
            mem.madvise(mmap.MADV_HUGEPAGE)
    view: Any = memoryview(mem).cast("B")
    return view.cast(fmt, shape or (n,))


def _filled(fmt: str, values: list[int], times: int, shape: tuple[int, ...]) -> memoryview:
    """``values`` repeated ``times`` times, as a writable ``shape`` of format ``fmt``."""
    view: Any = memoryview(array(fmt, values) * times).cast("B")
    return view.cast(fmt, shape)


def c_loop_available() -> bool:
    """Whether the C loop (the optional extension ``infobits.codes._cmcore``) imports."""
    try:
        from . import _cmcore  # noqa: F401
    except ImportError:
        return False
    return True


def _kernel() -> Any:
    """The coding loops ``(models 1-2, model 3, x86 transform, wants NumPy arrays)`` of
    :data:`BACKEND`: the C extension's, or numba's (compiled once, cached on disk)."""
    name = BACKEND or ("c" if c_loop_available() else "numba")
    kernel = _KERNELS.get(name)
    if kernel is None:
        if name == "c":
            from . import _cmcore

            kernel = (_cmcore.loop, _cmcore.loop3, _cmcore.e8e9, False)
        elif name == "numba":
            import numpy as np

            from . import _cmloop

            loops = _cmloop.build(_deps.numba_njit())

            def e8e9(data: Any, forward: bool) -> None:
                _cmloop.e8e9(np.frombuffer(data, dtype=np.uint8), forward)

            kernel = (*loops, e8e9, True)
        else:
            raise ValueError(f"BACKEND {name!r} is not a loop; use 'c', 'numba' or None")
        _KERNELS[name] = kernel
    return kernel


def _contexts3(order: int) -> list[int]:
    """Model 3's hashed contexts for ``--model orderN``: orders 2..N up to order 4; from
    order 5 up, orders 2, 3, 4 and 6 (lpaq1's choice: order 5 adds little beside 4 and 6),
    and 8 too from order 7 up; then the current word.

    >>> _contexts3(3), _contexts3(5), _contexts3(8)
    ([2, 3, 100], [2, 3, 4, 6, 100], [2, 3, 4, 6, 8, 100])
    """
    if order < 2:
        return []
    if order <= 4:
        ks = list(range(2, order + 1))
    else:
        ks = [2, 3, 4, 6] if order < 7 else [2, 3, 4, 6, 8]
    return [*ks, _WORD]


class _State3:
    """Model 3's tables, mixer weights and coder registers."""

    def __init__(self, params: ModelParams) -> None:
        ctx = _contexts3(params.order)
        self.ctx = array("q", ctx)
        nh = len(ctx)
        self.t1 = _zeros("I", 1 << 16)
        self.th = _zeros("H", max(nh, 1) << params.table_bits)
        self.tm = _zeros("I", 32 * 2)
        self.mix = _filled("i", [(1 << 16) // 3], 8 * 256 * 4 * (nh + 3), (8 * 256 * 4, nh + 3))
        self.mhash = _zeros("q", 1 << min(params.table_bits, 20))
        # 16-bit knots: half the memory; the same 33 for every context (model 4 has none)
        if params.version >= 4:
            self.apm = _zeros("H", 33)
        else:
            self.apm = _filled("H", _APM_KNOTS, 1 << 16, ((1 << 16) * 33,))
        self.regs = array("q", [0] * 16)
        self.regs[1] = 0xFFFFFFFF  # range
        self.regs[3] = 1  # cache size
        self.cost = array("d", [0.0])


class _State:
    """Model tables, mixer weights and coder registers for one stream."""

    def __init__(self, params: ModelParams) -> None:
        nw = 2 if params.version >= 2 and params.order >= 2 else 0  # word contexts
        n_in = params.order + 3 + nw if params.order >= 1 else 2
        self.n_in = n_in
        # zero is p = 1/2, count 0 (see _cmloop._update_py): fresh pages need no writes
        self.t0 = _zeros("I", 256)
        self.t1 = _zeros("I", 1 << 16)
        # below order 2 no hashed table is read: a small one stands in
        row = 1 << params.table_bits if params.order >= 2 else 16
        rows = max(params.order - 1, 1) + nw
        self.th = _zeros("I", rows * row, (rows, row))
        self.tm = _zeros("I", 64 * 2)
        # weight sets: partial byte x match state (x previous byte's class, version 2)
        sets = 1024 * (8 if nw else 1)
        self.mix = _filled("q", [(1 << 16) // 3], sets * n_in, (sets, n_in))
        self.mhash = _zeros("q", 1 << min(params.table_bits, 20))
        # secondary estimate: 33 interpolation knots for each order-1 context
        self.apm = _filled("i", _APM_KNOTS, 1 << 16, ((1 << 16) * 33,))
        self.regs = array("q", [0] * 16)
        self.regs[1] = 0xFFFFFFFF  # range
        self.regs[3] = 1  # cache size
        self.cost = array("d", [0.0])


def _step(
    kernel: Any,
    st: _State | _State3,
    params: ModelParams,
    data: bytearray,
    i: int,
    end: int,
    buf: bytearray,
    *,
    decoding: bool,
    costs: np.ndarray | None = None,
) -> int:
    """Run the compiled loop over bytes ``i:end`` of ``data``; the same loop encodes
    into ``buf`` or decodes from it, so the model's updates cannot drift apart. If
    ``costs`` is given, ``costs[k]`` receives the running ideal total after byte k."""
    cv: Any = _NO_COSTS if costs is None else costs
    if kernel[3]:  # numba's loop: the same memory, seen as NumPy arrays
        import numpy as np

        def view(x: Any) -> Any:
            return np.asarray(x)

        arrays: Any = (np.frombuffer(data, np.uint8), np.frombuffer(buf, np.uint8), view(cv))
        data, buf, cv = arrays
    else:

        def view(x: Any) -> Any:
            return x

    if isinstance(st, _State3):
        return int(
            kernel[1](
                data,
                i,
                end,
                buf,
                view(st.regs),
                view(st.cost),
                view(st.t1),
                view(st.th),
                view(st.tm),
                view(st.mix),
                view(st.mhash),
                view(st.apm),
                view(_STRETCH32),
                view(_SQUASH32),
                view(_RECIP32),
                view(_COST),
                view(st.ctx),
                params.table_bits,
                decoding,
                cv,
                params.version,
            )
        )
    return int(
        kernel[0](
            data,
            i,
            end,
            buf,
            view(st.regs),
            view(st.cost),
            view(st.t0),
            view(st.t1),
            view(st.th),
            view(st.tm),
            view(st.mix),
            view(st.mhash),
            view(st.apm),
            view(_STRETCH),
            view(_SQUASH),
            view(_RECIP),
            view(_COST),
            params.order,
            params.table_bits,
            decoding,
            cv,
            params.version,
        )
    )


def compress_bytes(
    data: bytes | bytearray | memoryview,
    params: ModelParams,
    progress: Callable[[int], None] | None = None,
) -> tuple[bytes, float]:
    """Code ``data`` under the adaptive model; return the stream and the ideal bits.

    The ideal is Σ log2 1/p over the model's probabilities for the bits that occurred,
    the length an exact arithmetic coder would reach; the stream is within a few bytes
    plus 0.1% of it. Shapes: bytes in, bytes out.

    >>> raw = b"abracadabra, abracadabra, abracadabra"
    >>> payload, ideal = compress_bytes(raw, model_params(3, len(raw)))
    >>> decompress_bytes(payload, len(raw), model_params(3, len(raw))) == raw
    True
    >>> len(payload) < len(raw)
    True

    Reference: M. Mahoney, "Adaptive weighing of context models for lossless data
    compression" (2005); I. Pavlov, LZMA SDK (range coder).
    """
    from ._bytes import as_buffer

    src = bytearray(as_buffer(data))  # the loop (and the transform) need it writable
    payload, total, _ = _encode(src, params, progress, None)
    return payload, total


def _new_state(params: ModelParams) -> _State | _State3:
    # models 3-4 below order 2 have no hashed context to make lean: they code as model 2
    return _State3(params) if params.version >= 3 and params.order >= 2 else _State(params)


def _transform(src: bytearray, params: ModelParams, forward: bool) -> None:
    """The reversible preprocessing of a model version, in place (version 2: the x86
    call transform of ``_cmloop._e8e9_py``, which leaves most text unchanged)."""
    if params.version >= 2:
        _kernel()[2](src, forward)


def _encode(
    src: bytearray,
    params: ModelParams,
    progress: Callable[[int], None] | None,
    costs: np.ndarray | None,
) -> tuple[bytes, float, bytearray]:
    """Transform ``src`` in place and code it; the stream, the ideal bits, and ``src``."""
    n = len(src)
    _transform(src, params, True)
    st = _new_state(params)
    out = bytearray(n + n // 8 + 64)
    kernel = _kernel()
    i = 0
    while i < n:
        end = min(n, i + _CHUNK)
        j = _step(kernel, st, params, src, i, end, out, decoding=False, costs=costs)
        if j < end:  # output buffer nearly full (incompressible input): grow it
            out = out + bytearray(len(out) // 2 + 64)
        i = j
        if progress is not None:
            progress(i)
    return _flush(st.regs, out), float(st.cost[0]), src


def byte_costs(data: bytes | bytearray | memoryview, params: ModelParams) -> np.ndarray:
    """The model's ideal cost of each byte in bits, Σ over its 8 bits of log₂ 1/p(bit),
    shape (n,): exactly the steps :func:`compress_bytes` takes, so the costs add up to its
    ideal total (to float rounding). Under version 2 the costs are those of the bytes the
    model sees after the x86 call transform, which leaves byte positions in place.

    >>> raw = b"abracadabra, abracadabra"
    >>> c = byte_costs(raw, model_params(3, len(raw)))
    >>> c.shape, bool(abs(c.sum() - compress_bytes(raw, model_params(3, len(raw)))[1]) < 1e-6)
    ((24,), True)
    >>> bool(c[-5:].mean() < c[:5].mean())  # the repeat is cheaper than the first copy
    True
    """
    import numpy as np

    from ._bytes import as_buffer

    src = bytearray(as_buffer(data))
    totals = np.zeros(len(src), dtype=np.float64)
    _encode(src, params, None, totals)
    return np.diff(totals, prepend=0.0)


def _flush(regs: array, out: bytearray) -> bytes:
    """The stream: the coder's bytes so far and its last ones (five shifts of the low
    register, as LZMA does)."""
    low, cache, csize, pos = int(regs[0]), int(regs[2]), int(regs[3]), int(regs[4])
    buf = bytearray(out[:pos])
    for _ in range(5):
        if low < 0xFF000000 or low >= 1 << 32:
            carry = low >> 32
            temp = cache
            while True:
                buf.append((temp + carry) & 0xFF)
                temp = 0xFF
                csize -= 1
                if csize == 0:
                    break
            cache = (low >> 24) & 0xFF
        csize += 1
        low = (low & 0x00FFFFFF) << 8
    # LZMA's first byte is always 0 (the initial cache); drop it here, restore on decode
    return bytes(buf[1:])


def max_decoded_bytes(payload_size: int) -> int:
    """The most bytes a payload of ``payload_size`` bytes can decode to.

    Every coded bit has probability at most 4095/4096, so it narrows the coder's range
    by a factor of at least 4095/4096 (less 2^-24 of rounding): at least 3.52e-4 bits a
    bit, or 2.82e-3 bits a byte. The decoder's range starts below 2^32 and takes 8 bits
    from the payload each time it falls below 2^24, so n bytes need n · 2.82e-3 <=
    8 · (payload bytes + 1) bits, that is n < 2841 · (payload bytes + 8).

    >>> max_decoded_bytes(0)
    22728
    """
    return 2841 * (payload_size + 8)


def decompress_bytes(
    payload: bytes | bytearray | memoryview,
    n: int,
    params: ModelParams,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """Decode ``n`` bytes from a stream made by :func:`compress_bytes` with ``params``.

    Raises ``ValueError`` if ``n`` is more than the payload can hold
    (:func:`max_decoded_bytes`), and as soon as the stream runs out before ``n`` bytes are
    decoded (truncation, or a wrong ``n``); other damage shows as wrong bytes, which the
    container's checksum catches. Memory grows with the bytes actually decoded, not
    with ``n``.

    >>> raw = bytes(range(256)) * 3
    >>> p = model_params(2, len(raw))
    >>> decompress_bytes(compress_bytes(raw, p)[0], len(raw), p) == raw
    True

    Reference: as :func:`compress_bytes`.
    """
    from ._bytes import as_bytes, check_count

    n = check_count(n, "n", "bytes")
    body = as_bytes(payload, "payload")
    if n > max_decoded_bytes(len(body)):
        raise ValueError(
            f"n = {n} bytes cannot come from a payload of {len(body)} bytes: each byte "
            f"costs the coder at least 0.0028 bits, so it holds at most "
            f"{max_decoded_bytes(len(body))}"
        )
    buf = bytearray(1) + body
    st = _new_state(params)
    # grown as decoding proceeds, so a wrong n costs memory only for what was decoded
    dst = bytearray(min(n, 4 * _CHUNK))
    kernel = _kernel()
    # prime the decoder's code register with the first 5 bytes, as LZMA does
    code = 0
    for k in range(5):
        code = (code << 8) | (buf[k] if k < len(buf) else 0)
    st.regs[5] = code
    st.regs[4] = 5
    i = 0
    while i < n and st.regs[4] <= len(buf):
        end = min(n, i + _CHUNK)
        if end > len(dst):
            dst += bytearray(min(n, 2 * len(dst)) - len(dst))
        i = _step(kernel, st, params, dst, i, end, buf, decoding=True)
        if progress is not None:
            progress(i)
    if st.regs[4] > len(buf):
        raise ValueError(
            f"the coded stream ran out after {i} of {n} bytes were decoded (it is truncated "
            "or damaged, or n is wrong)"
        )
    del dst[n:]
    _transform(dst, params, False)
    return bytes(dst)
