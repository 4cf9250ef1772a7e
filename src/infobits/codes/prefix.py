"""Prefix codes: code lengths from probabilities, probabilities from code lengths, and
Huffman's optimal code, with NumPy-vectorised encoding and decoding.

A prefix code with lengths l_i exists exactly when the Kraft sum Σ 2^-l_i <= 1, and any
such code implies the distribution 2^-l_i: "n bits imply probability 1/2^n". Shannon's
lengths ⌈log2 1/q⌉ always fit; Huffman's are the shortest on average, within one bit of
the entropy. Codewords are canonical (ordered by length, then by symbol), so a code is
fully described by its lengths.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._errors import DistributionError
from .._inputs import Kind, prepare
from ._bytes import as_bytes, check_count, symbol_array

__all__ = [
    "PrefixCode",
    "canonical_code",
    "huffman",
    "implied_probabilities",
    "kraft_holds",
    "kraft_sum",
    "shannon_code",
    "shannon_lengths",
]

#: The longest codeword accepted, in bits. Huffman's and Shannon's codes for float64
#: probabilities stay below 1600 bits (2^-1074 is the least positive double, and a
#: Huffman depth d needs a probability below 1/F(d+2), F Fibonacci); longer lengths are
#: refused rather than spelt out as strings.
MAX_LENGTH = 4096

#: Codes up to this long decode on the vectorised path: a 64-bit window read at any bit
#: offset always holds 57 whole bits.
_FAST_MAX_LENGTH = 57

#: Bits per chunk in the vectorised decoder; each chunk is decoded once per possible entry
#: offset, so this trades per-step NumPy overhead against wasted work.
_CHUNK_BITS = 2048
#: Bits decoded from every entry offset of a chunk before checking that they have merged.
_SYNC_BITS = 256


def _probabilities(p: Any, name: str) -> np.ndarray:
    """Checked 1-D float64 probabilities from probabilities, counts, logits or log-probs."""
    prep = prepare(p, name, -1)
    if prep.values.ndim != 1:
        raise DistributionError(
            f"{name} has shape {prep.values.shape}; a code is built from one 1-D "
            f"distribution, so pass a single row such as {name}[0]"
        )
    if prep.kind is Kind.PROBS:
        return np.asarray(prep.values, dtype=np.float64)
    return np.asarray(prep.probs(), dtype=np.float64)


def shannon_lengths(q: Any) -> np.ndarray:
    """Shannon's code lengths l_i = ⌈log2 1/q_i⌉: the lengths of a code built for ``q``.

    They satisfy Kraft's inequality, so a prefix code with these lengths exists
    (:func:`shannon_code`), and its expected length under p is below H(p, q) + 1.
    Zero-probability symbols get no codeword, shown as length 0; so does the lone symbol
    of a point mass, which needs no bits. ``q`` may also be ``ib.counts``, ``ib.logits``
    or ``ib.log_probs``. Shape: (K,) in, (K,) int64 out.

    Computed from the binary exponent, so q = 1/8 gives exactly 3, never 4.

    >>> shannon_lengths([0.5, 0.25, 0.125, 0.125]).tolist()
    [1, 2, 3, 3]
    >>> shannon_lengths([0.4, 0.3, 0.2, 0.1, 0.0]).tolist()
    [2, 2, 3, 4, 0]

    Reference: C. E. Shannon, "A mathematical theory of communication" (1948), §9;
    Cover & Thomas, *Elements of Information Theory*, 2nd ed., §5.4.
    """
    return _shannon(_probabilities(q, "q"))


def _shannon(qv: np.ndarray) -> np.ndarray:
    out = np.zeros(qv.shape, dtype=np.int64)
    pos = qv > 0
    if pos.sum() > 1:
        # q = m·2^e with m in [0.5, 1), so log2(1/q) = -e - log2(m) and -log2(m) is in
        # (0, 1]: the ceiling is 1 - e, exactly, also at powers of two.
        m, e = np.frexp(qv[pos])
        # at least 1 bit: q = 1.0 beside another positive q (1 - 1e-111 rounds to 1)
        # would otherwise get the empty codeword, which no other codeword can follow
        ell = np.maximum(1 - e, 1)
        out[pos] = _fit_kraft(ell, m)
    return out


def _fit_kraft(ell: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Lengthen Shannon's lengths, if need be, until Kraft's sum is <= 1 exactly.

    Σ 2^-⌈log2 1/q⌉ <= Σ q, which may exceed 1 by a rounding (q = [0.5, 0.5, 5e-324]
    sums to 1 + 2^-1074). The lengths for q/Σq are then one longer exactly where
    2m < Σq, i.e. for the smallest mantissas m first; lengthening those, in that order,
    until the sum fits gives a prefix code no longer than Shannon's for q/Σq.
    """
    if _kraft_excess(ell) is None:
        return ell
    order = np.argsort(m, kind="stable")
    take = 1
    while True:
        fixed = ell.copy()
        fixed[order[:take]] += 1
        if _kraft_excess(fixed) is None:
            return fixed
        take = min(2 * take, ell.size)


def _coded_mask(lv: np.ndarray, coded: Any) -> np.ndarray:
    """Which symbols have a codeword: given, or read from the lengths (0 = none)."""
    if coded is not None:
        c = np.asarray(coded)
        if c.shape != lv.shape:
            raise ValueError(f"coded has shape {c.shape} but lengths has shape {lv.shape}")
        if c.dtype.kind != "b":
            if c.dtype.kind not in "iu" or np.any((c != 0) & (c != 1)):
                raise TypeError(
                    f"coded must be a boolean mask (True where a symbol has a codeword), "
                    f"got dtype {c.dtype}"
                )
            c = c.astype(bool)
        return c
    if np.any(lv > 0):
        return lv > 0
    if lv.size == 1:
        return np.ones(1, dtype=bool)
    raise ValueError(
        f"all {lv.size} lengths are 0, so it is unclear which symbol has the empty "
        "codeword; pass coded=, a boolean mask with one True"
    )


def implied_probabilities(lengths: Any, coded: Any = None) -> np.ndarray:
    """The distribution a code implies: q_i = 2^-l_i ("n bits imply probability 1/2^n").

    For a complete code (Kraft sum 1) these sum to one; otherwise the missing mass is
    the code's waste. A length of 0 means "no codeword" (probability 0), except for a
    code whose one codeword is empty (probability 1); ``coded`` (a boolean mask) says it
    explicitly. Shape: (K,) in, (K,) float64 out.

    >>> implied_probabilities([1, 2, 3, 3]).tolist()
    [0.5, 0.25, 0.125, 0.125]
    >>> implied_probabilities([1, 0, 1]).tolist()  # symbol 1 has no codeword
    [0.5, 0.0, 0.5]

    Reference: Cover & Thomas, *Elements of Information Theory*, 2nd ed., §5.2 and §5.4
    (the code-length-to-probability correspondence).
    """
    lv = _lengths(lengths, "lengths")
    c = _coded_mask(lv, coded)
    return np.where(c, np.ldexp(1.0, -lv), 0.0)


def kraft_sum(lengths: Any, coded: Any = None) -> float:
    """Kraft's sum Σ 2^-l_i over the coded symbols; a prefix code with these lengths
    exists iff it is <= 1. Lengths of 0 are read as in :func:`implied_probabilities`.

    >>> kraft_sum([1, 2, 3, 3])
    1.0
    >>> kraft_sum([1, 1, 2])  # too short: no prefix code has these lengths
    1.25

    The sum is a float, correctly rounded (so [1, 1, 60] shows 1.0, though it exceeds
    1 by 2^-60); :func:`kraft_holds` and every code builder test the inequality exactly.

    Reference: L. G. Kraft, MIT M.S. thesis (1949); B. McMillan, "Two inequalities
    implied by unique decipherability", IRE Trans. Inf. Theory 2 (1956).
    """
    return math.fsum(implied_probabilities(lengths, coded).tolist())


def kraft_holds(lengths: Any, coded: Any = None) -> bool:
    """Whether Kraft's inequality Σ 2^-l_i <= 1 holds, decided exactly (in integers).

    Lengths of 0 are read as in :func:`implied_probabilities`. A float sum can round
    1 + 2^-60 down to 1; here codewords are counted against the free nodes of the binary
    tree, level by level, so the answer is exact for any lengths.

    >>> kraft_holds([1, 2, 3, 3]), kraft_holds([1, 1, 60])
    (True, False)

    Reference: L. G. Kraft, MIT M.S. thesis (1949).
    """
    lv = _lengths(lengths, "lengths")
    c = _coded_mask(lv, coded)
    return _kraft_excess(lv[c]) is None


def _kraft_excess(lv: np.ndarray) -> int | None:
    """None if Σ 2^-l <= 1 over ``lv``, exactly; else the first length where it fails.

    Walk down the tree: ``free`` counts the unused nodes at the current depth. It doubles
    with each level and loses one per codeword of that length; once it reaches the number
    of codewords still to place, they all fit, so it never needs to grow past that.
    """
    levels, counts = np.unique(lv, return_counts=True)
    left = int(lv.size)
    free, depth = 1, 0
    for level, count in zip(levels.tolist(), counts.tolist(), strict=True):
        gap = level - depth
        if free:  # (free << gap) >= left once 2^gap >= left: no need to form it
            free = left if gap >= left.bit_length() else min(free << gap, left)
        depth = level
        if count > free:
            return int(level)
        free -= count
        left -= count
    return None


def _lengths(lengths: Any, name: str) -> np.ndarray:
    a = np.asarray(lengths)
    if a.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of code lengths, got shape {a.shape}")
    if a.size == 0:
        raise ValueError(f"{name} is empty; a code needs at least one symbol")
    if a.dtype.kind == "f":
        badf = ~np.isfinite(a) | (a != np.round(a))
        if badf.any():
            bad = int(np.argmax(badf))
            raise ValueError(
                f"{name}[{bad}] = {a[bad]} is not a whole number; code lengths are integers (bits)"
            )
        a = np.clip(a, -1, MAX_LENGTH + 1)  # out-of-range values are refused below
    elif a.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integers (bits), got dtype {a.dtype}")
    elif a.dtype.kind == "u" and a.size and a.max() > MAX_LENGTH:
        a = np.minimum(a, MAX_LENGTH + 1)  # an exact cast to int64 is not needed to refuse
    a = a.astype(np.int64)
    if np.any(a < 0):
        bad = int(np.argmax(a < 0))
        raise ValueError(
            f"{name}[{bad}] = {np.asarray(lengths).reshape(-1)[bad]} is negative; code "
            "lengths are >= 0"
        )
    if np.any(a > MAX_LENGTH):
        bad = int(np.argmax(a > MAX_LENGTH))
        raise ValueError(
            f"{name}[{bad}] = {np.asarray(lengths).reshape(-1)[bad]} is longer than the "
            f"{MAX_LENGTH}-bit limit on a codeword (a length l means probability 2^-l, and "
            "no float64 is that small); use shorter lengths"
        )
    return a


@dataclass(frozen=True, eq=False)
class PrefixCode:
    """A canonical binary prefix code over the symbols 0..K-1.

    Attributes: ``symbols`` (K,) int64, the symbol indices; ``lengths`` (K,) int64 code
    lengths (0 for a symbol without a codeword); ``codewords``, one '0'/'1' string per
    symbol ('' without one); ``coded`` (K,) bool, which symbols have a codeword. A code
    with a single coded symbol gives it the empty codeword: it costs no bits.

    Build one with :func:`huffman` or :func:`canonical_code`.

    >>> import infobits as ib
    >>> code = ib.codes.huffman([0.5, 0.25, 0.25, 0.0])
    >>> code.codewords, code.lengths.tolist()
    (['0', '10', '11', ''], [1, 2, 2, 0])
    >>> code.encode([0, 1, 2, 0])  # 0 10 11 0, padded with zeros to a byte: 01011000
    b'X'
    >>> code.decode(b"X", 4).tolist()
    [0, 1, 2, 0]

    Reference: D. A. Huffman, "A Method for the Construction of Minimum-Redundancy
    Codes", Proc. IRE 40(9), 1952; canonical codewords as in RFC 1951, §3.2.2.
    """

    symbols: np.ndarray
    lengths: np.ndarray
    codewords: list[str]
    coded: np.ndarray
    _bits: np.ndarray = field(repr=False)
    _starts: np.ndarray = field(repr=False)
    _order: np.ndarray = field(repr=False)
    _ljust: np.ndarray | None = field(repr=False)

    @property
    def max_length(self) -> int:
        """The longest codeword, in bits."""
        return int(self.lengths.max(initial=0))

    def implied_probabilities(self) -> np.ndarray:
        """2^-l for each coded symbol, 0 for the others: the distribution this code is
        optimal for.

        >>> huffman([0.4, 0.3, 0.2, 0.1]).implied_probabilities().tolist()
        [0.5, 0.25, 0.125, 0.125]
        """
        return np.where(self.coded, np.ldexp(1.0, -self.lengths), 0.0)

    def expected_length(self, p: Any) -> float:
        """Σ p_i l_i: the mean bits per symbol when symbols come from ``p`` (in bits).

        ``inf`` if p gives mass to a symbol without a codeword.

        >>> huffman([0.5, 0.25, 0.25]).expected_length([0.5, 0.25, 0.25])
        1.5
        """
        pv = _probabilities(p, "p")
        if pv.shape != self.lengths.shape:
            raise DistributionError(
                f"p has {pv.size} outcomes but the code has {self.lengths.size} symbols"
            )
        if np.any((pv > 0) & ~self.coded):
            return float("inf")
        return float(np.dot(pv, self.lengths))

    def codelength(self, symbols: Any) -> int:
        """Total bits for coding ``symbols``, without padding."""
        s = self._check_symbols(symbols)
        return int(self.lengths[s].sum())

    def encode(self, symbols: Any) -> bytes:
        """Code ``symbols`` (ints in 0..K-1) and pack the bits, most significant first.

        The last byte is padded with zero bits. Vectorised, with no loop over symbols:
        codewords up to 57 bits are shifted into 64-bit words at their bit offsets (a
        running sum of lengths) and OR-ed together; short codes and very long ones gather
        their bits from one flat table by repeated offsets, then pack them.

        >>> c = huffman([0.5, 0.25, 0.25])
        >>> c.codewords, c.encode([0, 1, 2, 0]).hex()  # bits 0 10 11 0 -> 0101 1000
        (['0', '10', '11'], '58')
        """
        s = self._check_symbols(symbols)
        if s.size == 0:
            return b""
        ln = self.lengths[s]
        total = int(ln.sum())
        if total == 0:
            return b""
        if self._ljust is not None and total > 4 * s.size:
            return self._encode_words(s, ln, total)
        idx_t = np.int32 if total + int(self._bits.size) < 2**31 else np.int64
        ln_i = ln.astype(idx_t)
        # bit k of the output comes from flat position start[s_j] + (k - out_start_j)
        out_start = np.cumsum(ln_i, dtype=idx_t) - ln_i
        shift = self._starts[s].astype(idx_t) - out_start
        pos = np.repeat(shift, ln_i)
        pos += np.arange(total, dtype=idx_t)
        return np.packbits(self._bits[pos]).tobytes()

    def _encode_words(self, s: np.ndarray, ln: np.ndarray, total: int) -> bytes:
        assert self._ljust is not None
        u = np.empty(self.lengths.size, dtype=np.uint64)
        u[self._order] = self._ljust
        c = u[s] >> (64 - ln).astype(np.uint64)  # right-aligned codeword values
        off = np.cumsum(ln) - ln
        w = off >> 6
        shift = 64 - (off & 63) - ln  # < 0: the codeword runs into the next word
        first = np.where(
            shift >= 0,
            c << np.clip(shift, 0, 63).astype(np.uint64),
            c >> np.clip(-shift, 0, 63).astype(np.uint64),
        )
        words = np.zeros((total + 63) // 64 + 1, dtype=np.uint64)
        starts = np.flatnonzero(np.diff(w, prepend=-1))
        words[w[starts]] = np.bitwise_or.reduceat(first, starts)
        spill = np.flatnonzero(shift < 0)  # at most one codeword spills into any word
        words[w[spill] + 1] |= c[spill] << (64 + shift[spill]).astype(np.uint64)
        return words.astype(">u8").view(np.uint8)[: (total + 7) // 8].tobytes()

    def decode(self, data: bytes | bytearray | memoryview | np.ndarray, n: int) -> np.ndarray:
        """Decode ``n`` symbols from ``data`` (as written by :meth:`encode`).

        Vectorised over chunks of the bit stream: each chunk is decoded in NumPy lock-step
        from every possible entry offset (a codeword can straddle a chunk boundary by fewer
        than ``max_length`` bits), each only until the paths from the different offsets
        merge, as prefix codes usually resynchronise within a few codewords; the true
        offsets are chained from the start, and the chunks are decoded once more from
        those. Raises ``ValueError`` if ``data`` ends
        before ``n`` symbols or holds a bit pattern that is no codeword.

        >>> c = huffman([0.5, 0.25, 0.25])
        >>> c.decode(bytes.fromhex('58'), 4).tolist()
        [0, 1, 2, 0]
        """
        n = check_count(n)
        buf = np.frombuffer(as_bytes(data), dtype=np.uint8)
        n_coded = int(self.coded.sum())
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        if n_coded == 0:
            raise ValueError("this code has no codewords, so it cannot decode any symbol")
        if self.max_length == 0:  # a single symbol, coded with the empty word
            return symbol_array(n, int(np.flatnonzero(self.coded)[0]))
        shortest = int(self.lengths[self.coded].min())
        if n * shortest > 8 * buf.size:
            raise ValueError(
                f"n = {n} symbols need at least {n * shortest} bits (the shortest codeword "
                f"has {shortest}), but data holds {8 * buf.size}; it is truncated, or n is "
                "not the number of symbols encoded"
            )
        if self._ljust is None:
            return self._decode_slow(buf, n)
        return self._decode_fast(buf, n)

    # -- internals ---------------------------------------------------------------

    def _check_symbols(self, symbols: Any) -> np.ndarray:
        s = np.asarray(symbols)
        if s.ndim != 1:
            s = s.reshape(-1) if s.ndim == 0 else s
            if s.ndim != 1:
                raise ValueError(f"symbols must be 1-D, got shape {s.shape}")
        if s.size == 0:
            return s.astype(np.int64)
        if s.dtype.kind not in "iu":
            if s.dtype.kind != "f" or not np.all(s == np.round(s)):
                raise TypeError(f"symbols must be integers in 0..K-1, got dtype {s.dtype}")
            s = s.astype(np.int64)
        k = self.lengths.size
        lo, hi = int(s.min()), int(s.max())
        if lo < 0 or hi >= k:
            bad = int(np.argmax((s < 0) | (s >= k)))
            raise ValueError(
                f"symbols[{bad}] = {int(s[bad])} is outside 0..{k - 1}; the code has {k} symbols"
            )
        if not self.coded.all():
            missing = ~self.coded[s]
            if missing.any():
                bad = int(np.argmax(missing))
                raise ValueError(
                    f"symbols[{bad}] = {int(s[bad])} has no codeword (its probability was 0 "
                    "when the code was built); build the code from a distribution that "
                    "gives it positive probability"
                )
        return s

    def _decode_fast(self, buf: np.ndarray, n: int) -> np.ndarray:
        assert self._ljust is not None
        lmax = self.max_length
        nbits = buf.size * 8
        if nbits == 0:
            raise ValueError(f"data is empty, but {n} symbols were asked for")
        chunk = max(_CHUNK_BITS, 4 * lmax)
        m = -(-nbits // chunk)
        # 9 spare bytes: every 64-bit window read below stays inside the buffer
        padded = np.zeros(m * chunk // 8 + 16, dtype=np.uint8)
        padded[: buf.size] = buf
        order_syms = self.symbols[self._order]
        order_lens = self.lengths[self._order]
        ljust = self._ljust
        masks = np.array([0] + [(1 << 64) - (1 << (64 - lv)) for lv in range(1, 65)], np.uint64)

        # win[b]: the 64 bits starting at byte b, so a window at any bit offset is one
        # gather and one shift (which leaves at least 57 whole bits)
        nb = m * chunk // 8
        win = np.ascontiguousarray(np.lib.stride_tricks.sliding_window_view(padded, 8)[: nb + 8])
        win = win.view(">u8").ravel().astype(np.uint64)

        def step(pos: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            w = win[pos >> 3] << (pos & 7).astype(np.uint64)
            i = np.searchsorted(ljust, w, side="right") - 1
            i = np.maximum(i, 0)
            ln = order_lens[i]
            valid = (w & masks[ln]) == ljust[i]
            return order_syms[i], ln, valid

        starts = np.arange(m, dtype=np.int64) * chunk
        ends = starts + chunk
        # Pass 1: from every entry offset o < lmax, where does each chunk's decoding exit?
        # Prefix codes usually resynchronise within a few codewords, so first decode all
        # offsets only up to a barrier; where they all reach the same first position past
        # it, their paths have merged and one lane finishes the chunk for all of them.
        offs = np.arange(lmax, dtype=np.int64)
        pos = (starts[:, None] + offs[None, :]).ravel()
        barrier = np.repeat(starts + _SYNC_BITS, lmax)
        live = pos < barrier
        while live.any():
            _, ln, _ = step(pos[live])
            pos[live] += ln
            live = pos < barrier
        at = pos.reshape(m, lmax)
        merged = (at == at[:, :1]).all(axis=1)
        pos = np.concatenate([at[merged, 0], at[~merged].ravel()])
        end = np.concatenate([ends[merged], np.repeat(ends[~merged], lmax)])
        live = pos < end
        while live.any():
            _, ln, _ = step(pos[live])
            pos[live] += ln
            live = pos < end
        exit_off = np.empty((m, lmax), dtype=np.int64)
        n_merged = int(merged.sum())
        exit_off[merged] = (pos[:n_merged] - end[:n_merged])[:, None]
        exit_off[~merged] = (pos[n_merged:] - end[n_merged:]).reshape(-1, lmax)
        entry = np.zeros(m, dtype=np.int64)
        o = 0
        for c in range(m):  # a walk over chunks, not symbols
            entry[c] = o
            o = int(exit_off[c, o])
        # Pass 2: decode each chunk once from its true entry, writing symbols by step
        pos = starts + entry
        rows_s: list[np.ndarray] = []
        rows_bad: list[np.ndarray] = []
        live = pos < ends
        while live.any():
            sym, ln, valid = step(pos)
            rows_s.append(np.where(live, sym, -1))
            rows_bad.append(live & ~valid)
            pos = np.where(live, pos + ln, pos)
            live = pos < ends
        syms = np.stack(rows_s, axis=1).ravel()  # chunk-major: the stream's order
        bad = np.stack(rows_bad, axis=1).ravel()
        keep = syms >= 0
        if int(keep.sum()) < n:
            raise ValueError(f"data holds fewer than {n} symbols; it is truncated")
        out = syms[keep][:n]
        if bad[keep][:n].any():
            raise ValueError("data holds a bit pattern that is no codeword of this code")
        used = int(self.lengths[out].sum())
        if used > nbits:
            raise ValueError(
                f"data holds {nbits} bits but {n} symbols need {used}; it is truncated"
            )
        return out.astype(np.int64)

    def _decode_slow(self, buf: np.ndarray, n: int) -> np.ndarray:
        """Codes longer than 57 bits arise only from probabilities below about 1e-12;
        they are decoded a codeword at a time with Python integers."""
        table = {
            (int(self.lengths[s]), self.codewords[s]): int(s) for s in np.flatnonzero(self.coded)
        }
        bits = "".join(format(b, "08b") for b in buf.tolist())
        out = np.empty(n, dtype=np.int64)
        i = 0
        lmax = self.max_length
        for j in range(n):
            cw = ""
            while True:
                if i >= len(bits):
                    raise ValueError(f"data holds fewer than {n} symbols; it is truncated")
                cw += bits[i]
                i += 1
                sym = table.get((len(cw), cw))
                if sym is not None:
                    out[j] = sym
                    break
                if len(cw) >= lmax:
                    raise ValueError("data holds a bit pattern that is no codeword of this code")
        return out


def canonical_code(lengths: Any, coded: Any = None) -> PrefixCode:
    """The canonical prefix code with the given lengths.

    Codewords are assigned in order of (length, symbol), each the previous plus one,
    shifted left when the length grows. Needs Kraft's sum <= 1. Lengths of 0 are read
    as in :func:`implied_probabilities` (no codeword, unless ``coded`` says otherwise).

    >>> canonical_code([2, 1, 3, 3]).codewords
    ['10', '0', '110', '111']

    Reference: E. S. Schwartz and B. Kallick, "Generating a canonical prefix encoding",
    Comm. ACM 7 (1964); DEFLATE, RFC 1951 §3.2.2.
    """
    lv = _lengths(lengths, "lengths")
    return _build(lv, _coded_mask(lv, coded))


def shannon_code(q: Any) -> PrefixCode:
    """The canonical code with Shannon's lengths ⌈log2 1/q⌉ (see :func:`shannon_lengths`).

    Its expected length under p lies in [H(p, q), H(p, q) + 1) when p is supported where
    q is; it is generally longer than :func:`huffman`'s.

    >>> shannon_code([0.4, 0.3, 0.2, 0.1]).codewords
    ['00', '01', '100', '1010']

    Reference: Cover & Thomas, *Elements of Information Theory*, 2nd ed., §5.4.
    """
    qv = _probabilities(q, "q")
    return _build(_shannon(qv), qv > 0)


def _build(lv: np.ndarray, coded: np.ndarray) -> PrefixCode:
    k = lv.size
    n_coded = int(coded.sum())
    if n_coded == 0:
        raise ValueError("no symbol has a codeword; a code needs at least one")
    if n_coded > 1 and np.any(coded & (lv == 0)):
        bad = int(np.argmax(coded & (lv == 0)))
        raise ValueError(
            f"lengths[{bad}] = 0 but the code has {n_coded} codewords; only a code with a "
            "single codeword may use the empty word"
        )
    over = _kraft_excess(lv[coded])
    if over is not None:
        kraft = math.fsum(np.ldexp(1.0, -lv[coded]).tolist())
        shown = f"{kraft:.6g}" if kraft > 1.0 else "1 + a remainder too small for a float"
        raise ValueError(
            f"lengths have Kraft sum {shown} > 1 (checked exactly: the codewords of "
            f"length <= {over} already overfill the code tree); no prefix code has them "
            "(lengthen some codewords)"
        )
    idx = np.flatnonzero(coded)
    order = idx[np.lexsort((idx, lv[idx]))]
    codewords = [""] * k
    code = 0
    prev = int(lv[order[0]]) if order.size else 0
    for s in order.tolist():
        ln = int(lv[s])
        code <<= ln - prev
        prev = ln
        codewords[s] = format(code, f"0{ln}b") if ln else ""
        code += 1
    flat = "".join(codewords)
    bits = (np.frombuffer(flat.encode("ascii"), dtype=np.uint8) - ord("0")).astype(np.uint8)
    starts = np.cumsum(lv * coded) - lv * coded
    lmax = int(lv.max(initial=0))
    ljust = None
    if 0 < lmax <= _FAST_MAX_LENGTH:
        ljust = np.array(
            [int(codewords[s], 2) << (64 - int(lv[s])) for s in order.tolist()], dtype=np.uint64
        )
    return PrefixCode(
        symbols=np.arange(k, dtype=np.int64),
        lengths=np.where(coded, lv, 0).astype(np.int64),
        codewords=codewords,
        coded=coded.copy(),
        _bits=bits,
        _starts=starts.astype(np.int64),
        _order=order.astype(np.int64),
        _ljust=ljust,
    )


def huffman(p: Any) -> PrefixCode:
    """Huffman's code for ``p``: the binary prefix code of least expected length.

    Its expected length L satisfies H(p) <= L < H(p) + 1, and no prefix code does
    better. Zero-probability symbols get no codeword; a single possible symbol gets the
    empty codeword (0 bits, matching H = 0). Ties are broken by symbol index, so the code
    is reproducible; codewords are canonical. ``p`` may also be ``ib.counts(...)``,
    ``ib.logits(...)`` or ``ib.log_probs(...)``. Shape: (K,), any K >= 1 (tested to 2^16).

    Built in O(K log K) with the two-queue method over the sorted weights.

    >>> code = huffman([0.4, 0.3, 0.2, 0.1])
    >>> code.lengths.tolist(), code.codewords
    ([1, 2, 3, 3], ['0', '10', '110', '111'])
    >>> round(code.expected_length([0.4, 0.3, 0.2, 0.1]), 12)
    1.9

    Reference: D. A. Huffman, "A method for the construction of minimum-redundancy codes",
    Proc. IRE 40 (1952); J. van Leeuwen, "On the construction of Huffman trees", ICALP 1976
    (the two-queue method).
    """
    pv = _probabilities(p, "p")
    coded = pv > 0
    lv = np.zeros(pv.size, dtype=np.int64)
    idx = np.flatnonzero(coded)
    if idx.size >= 2:
        lv[idx] = _huffman_lengths(pv[idx])
    return _build(lv, coded)


def _huffman_lengths(w: np.ndarray) -> np.ndarray:
    """Depths of Huffman's tree for positive weights ``w`` (two queues: leaves, merges)."""
    k = w.size
    order = np.argsort(w, kind="stable")
    leaf_w = w[order].tolist()
    parent = [0] * (2 * k - 1)  # nodes 0..k-1: leaves in sorted order; k..: merges
    merged_w: list[float] = []
    li = mi = 0
    for new in range(k, 2 * k - 1):
        picks = []
        for _ in range(2):
            # prefer the leaf on ties: it keeps the tree shallow (minimum variance)
            if mi >= len(merged_w) or (li < k and leaf_w[li] <= merged_w[mi]):
                picks.append((li, leaf_w[li]))
                li += 1
            else:
                picks.append((k + mi, merged_w[mi]))
                mi += 1
        parent[picks[0][0]] = new
        parent[picks[1][0]] = new
        merged_w.append(picks[0][1] + picks[1][1])
    depth = [0] * (2 * k - 1)
    for node in range(2 * k - 3, -1, -1):  # parents are numbered after their children
        depth[node] = depth[parent[node]] + 1
    out = np.empty(k, dtype=np.int64)
    out[order] = depth[:k]
    return out
