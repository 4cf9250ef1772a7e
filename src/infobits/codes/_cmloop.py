"""The compiled inner loop of the adaptive byte coder (see :mod:`infobits.codes.adaptive`).

``_loop`` runs models 1 and 2, ``_loop3`` models 3 and 4. Each is one function that both encodes
and decodes, so that the two cannot drift apart: the decoder runs exactly the encoder's
model updates, with the bit taken from the stream instead of the data. All state lives
in arrays owned by the caller, so the loop can stop after any byte (for progress
reports, or to grow the output buffer) and resume.

``_cmcore.c`` is the same loop in C (used when built): same arguments, same arithmetic,
byte-identical streams; a change to one must be made to the other (the tests compare
them).
"""

from __future__ import annotations

# mypy: disable-error-code="assignment"
# (numba-typed scalars: np.int64 and int mix freely here)
from typing import Any

import numpy as np

__all__ = ["build"]

#: Counters stop slowing their learning rate after this many updates (1/(n+1.5) floor),
#: so old statistics are forgotten at a rate of about 1/LIMIT.
LIMIT = 255
#: Mixer learning rate (error scale).
MIX_LR = 3
#: ... applied as (input × error × MIX_LR) >> MIX_SHIFT.
MIX_SHIFT = 13
#: Secondary-estimate learning rate, as a shift.
APM_RATE = 7
#: A match needs this many equal bytes before it predicts.
MIN_MATCH = 6
#: Model 3's context codes for the word contexts (orders are 2..MAX).
WORD = 100
WORD_PAIR = 101
#: The class of a byte that selects the mixer's weight set (model 2 and 3): 1 space or
#: newline, 2 letter or UTF-8, 3 digit, 4 ( ) . , : =, 5 " ' _ #, 6 other control, 7 other.
_CLASS = np.full(256, 7, dtype=np.int64)
_CLASS[0:32] = 6
_CLASS[[32, 10]] = 1
_CLASS[97:123] = 2
_CLASS[65:91] = 2
_CLASS[128:] = 2
_CLASS[48:58] = 3
_CLASS[[40, 41, 46, 44, 58, 61]] = 4
_CLASS[[34, 39, 95, 35]] = 5


def _loop(
    data: np.ndarray,
    start: int,
    end: int,
    buf: np.ndarray,
    regs: np.ndarray,
    cost: np.ndarray,
    t0: np.ndarray,
    t1: np.ndarray,
    th: np.ndarray,
    tm: np.ndarray,
    mix: np.ndarray,
    mhash: np.ndarray,
    apm: np.ndarray,
    stretch: np.ndarray,
    squash: np.ndarray,
    recip: np.ndarray,
    bitcost: np.ndarray,
    order: int,
    tb: int,
    decoding: bool,
    costs: np.ndarray,
    ver: int,
) -> int:
    low = regs[0]
    rng = regs[1]
    cache = regs[2]
    csize = regs[3]
    pos = regs[4]
    code = regs[5]
    mptr = regs[6]
    mlen = regs[7]
    wh = regs[8]
    pw = regs[9]
    # version 2: two word contexts (the current word; the current and previous words)
    nw = 2 if ver >= 2 and order >= 2 else 0
    nbuf = buf.shape[0]
    n_in = mix.shape[1]
    mmask = mhash.shape[0] - 1
    shift = 32 - tb
    hk = np.zeros(12, dtype=np.int64)
    slots = np.zeros(12, dtype=np.int64)
    st = np.zeros(n_in, dtype=np.int64)
    idx = np.zeros(n_in, dtype=np.int64)
    total = cost[0]
    i = start
    while i < end:
        if not decoding and pos + csize + 64 > nbuf:
            break
        if decoding and pos > nbuf:
            # the stream has run out: reads past its end only ever grow pos, so the
            # caller's final check would fail anyway; stop now rather than decode on
            break
        c1 = np.int64(data[i - 1]) if i >= 1 else np.int64(0)
        h = np.int64(0)
        for k in range(1, order + 1):
            b = np.int64(data[i - k]) if i >= k else np.int64(0)
            h = ((h + b + 1) * 0x2F0B4C13 + k) & 0xFFFFFFFF
            hk[k] = h
        if nw > 0:
            hk[order + 1] = ((wh + (c1 if wh == 0 else 0) + 1) * 0x6F4F2A35 + 101) & 0xFFFFFFFF
            hk[order + 2] = ((wh * 0x2F0B4C13 + pw + 1) * 0x5851F42D + 211) & 0xFFFFFFFF
        for k in range(2, order + 1 + nw):
            hh = (hk[k] * 0x9E3779B1) & 0xFFFFFFFF
            slots[k] = _claim(th, k - 2, (hh >> shift) & ~15, hh & 0xFF)
        eb = np.int64(data[mptr]) + 256 if mlen > 0 else np.int64(0)
        # version 2: the mixer's weight set also depends on the previous byte's class
        ccls = np.int64(0)
        if nw > 0:
            if c1 == 32 or c1 == 10:
                ccls = 1
            elif (97 <= c1 <= 122) or (65 <= c1 <= 90) or c1 >= 128:
                ccls = 2
            elif 48 <= c1 <= 57:
                ccls = 3
            elif c1 == 40 or c1 == 41 or c1 == 46 or c1 == 44 or c1 == 58 or c1 == 61:
                ccls = 4
            elif c1 == 34 or c1 == 39 or c1 == 95 or c1 == 35:
                ccls = 5
            elif c1 < 32:
                ccls = 6
            else:
                ccls = 7
        c0 = np.int64(1)
        nib = np.int64(1)
        for j in range(7, -1, -1):
            if j == 3:
                for k in range(2, order + 1 + nw):
                    hh = (((hk[k] ^ (c0 * 0x5BD1E995)) & 0xFFFFFFFF) * 0x9E3779B1) & 0xFFFFFFFF
                    slots[k] = _claim(th, k - 2, (hh >> shift) & ~15, hh & 0xFF)
                nib = np.int64(1)
            # -- predict: one stretched probability per input
            m = 0
            idx[m] = c0
            st[m] = stretch[(np.int64(t0[c0]) >> 20) ^ 0x800]
            m += 1
            if order >= 1:
                idx[m] = (c1 << 8) | c0
                st[m] = stretch[(np.int64(t1[idx[m]]) >> 20) ^ 0x800]
                m += 1
                for k in range(2, order + 1 + nw):
                    idx[m] = slots[k] + nib
                    st[m] = stretch[(np.int64(th[k - 2, idx[m]]) >> 20) ^ 0x800]
                    m += 1
                if mlen > 0 and (eb >> (j + 1)) == c0:
                    ln = mlen if mlen < 63 else 63
                    idx[m] = ln * 2 + ((eb >> j) & 1)
                    st[m] = stretch[(np.int64(tm[idx[m]]) >> 20) ^ 0x800]
                else:
                    idx[m] = -1
                    st[m] = 0
                m += 1
            st[m] = 256  # bias
            # mixer weights per partial byte, and per how long a repeat is predicting it
            ms = c0
            if order >= 1 and idx[m - 1] >= 0:
                ms += 256 * (1 + (mlen >= 16) + (mlen >= 32))
            if nw > 0:
                ms += 1024 * ccls
            dot = np.int64(0)
            for q in range(n_in):
                dot += st[q] * mix[ms, q]
            dot >>= 16
            if dot > 2047:
                dot = 2047
            if dot < -2047:
                dot = -2047
            pm = squash[dot + 2047]
            # order 0 must not see the previous byte, not even through this estimate
            actx = (((c1 << 8) if order >= 1 else 0) | c0) * 33
            d = stretch[pm] + 2048
            lo = d >> 7
            w = d & 127
            pa = (apm[actx + lo] * (128 - w) + apm[actx + lo + 1] * w) >> 11
            p = (pm + 3 * pa + 2) >> 2
            if p < 1:
                p = 1
            if p > 4095:
                p = 4095
            # -- code the bit with probability p/4096 of a one
            bound = (rng >> 12) * p
            if decoding:
                if code < bound:
                    rng = bound
                    bit = 1
                else:
                    code -= bound
                    rng -= bound
                    bit = 0
                while rng < 0x1000000:
                    rng = (rng << 8) & 0xFFFFFFFF
                    nxt = np.int64(buf[pos]) if pos < nbuf else np.int64(0)
                    code = ((code << 8) | nxt) & 0xFFFFFFFF
                    pos += 1
            else:
                bit = (np.int64(data[i]) >> j) & 1
                if bit:
                    rng = bound
                else:
                    low += bound
                    rng -= bound
                while rng < 0x1000000:
                    rng = (rng << 8) & 0xFFFFFFFF
                    if low < 0xFF000000 or low >= 0x100000000:
                        carry = low >> 32
                        temp = cache
                        while True:
                            buf[pos] = (temp + carry) & 0xFF
                            pos += 1
                            temp = 0xFF
                            csize -= 1
                            if csize == 0:
                                break
                        cache = (low >> 24) & 0xFF
                    csize += 1
                    low = (low & 0x00FFFFFF) << 8
            total += bitcost[p] if bit else bitcost[4096 - p]
            # -- learn
            err = ((bit << 12) - pm) * MIX_LR
            for q in range(n_in):
                mix[ms, q] += (st[q] * err) >> MIX_SHIFT
            target = 65535 if bit else 0
            m = 0
            v = np.int64(t0[idx[m]])
            t0[idx[m]] = _update(v, target, recip)
            m += 1
            if order >= 1:
                v = np.int64(t1[idx[m]])
                t1[idx[m]] = _update(v, target, recip)
                m += 1
                for k in range(2, order + 1 + nw):
                    v = np.int64(th[k - 2, idx[m]])
                    th[k - 2, idx[m]] = _update(v, target, recip)
                    m += 1
                if idx[m] >= 0:
                    v = np.int64(tm[idx[m]])
                    tm[idx[m]] = _update(v, target, recip)
            ai = actx + lo + (w >> 6)
            g = (bit << 16) + (bit << APM_RATE) - bit - bit
            apm[ai] += (g - apm[ai]) >> APM_RATE
            c0 = (c0 << 1) | bit
            nib = (nib << 1) | bit
        byte = c0 & 255
        if decoding:
            data[i] = byte
        if costs.shape[0] > 0:
            costs[i] = total
        if nw > 0:
            # a word: letters (case folded), digits, '_' and any byte of a UTF-8 sequence
            lc = byte + 32 if 65 <= byte <= 90 else byte
            if (97 <= lc <= 122) or (48 <= lc <= 57) or lc == 95 or lc >= 128:
                wh = ((wh + lc + 1) * 0x3D4D51CB) & 0xFFFFFFFF
            elif wh != 0:
                pw = wh
                wh = 0
        # -- match model: follow the current repeat, or look for a new one
        if order >= 1:
            if mlen > 0 and np.int64(data[mptr]) == byte:
                mlen += 1
                mptr += 1
            else:
                mlen = 0
            if i + 1 >= MIN_MATCH:
                hm = np.int64(0)
                for k in range(MIN_MATCH):
                    hm = ((hm + np.int64(data[i - k]) + 1) * 0x2F0B4C13) & 0xFFFFFFFF
                hm = (hm >> 8) & mmask
                if mlen == 0:
                    cand = mhash[hm]
                    if cand > 0:
                        ln = 0
                        while (
                            ln < 32 and cand - 1 - ln >= 0 and data[cand - 1 - ln] == data[i - ln]
                        ):
                            ln += 1
                        if ln >= MIN_MATCH:
                            mlen = ln
                            mptr = cand
                mhash[hm] = i + 1
        i += 1
    regs[0] = low
    regs[1] = rng
    regs[2] = cache
    regs[3] = csize
    regs[4] = pos
    regs[5] = code
    regs[6] = mptr
    regs[7] = mlen
    regs[8] = wh
    regs[9] = pw
    cost[0] = total
    return i


def _loop3(
    data: np.ndarray,
    start: int,
    end: int,
    buf: np.ndarray,
    regs: np.ndarray,
    cost: np.ndarray,
    t1: np.ndarray,
    th: np.ndarray,
    tm: np.ndarray,
    mix: np.ndarray,
    mhash: np.ndarray,
    apm: np.ndarray,
    stretch: np.ndarray,
    squash: np.ndarray,
    recip: np.ndarray,
    bitcost: np.ndarray,
    ctx: np.ndarray,
    tb: int,
    decoding: bool,
    costs: np.ndarray,
    ver: int = 3,
) -> int:
    """Model 3: the loop of model 2 made lean. The contexts are listed in ``ctx`` (an
    order k >= 2, or WORD / WORD_PAIR), each with its own hashed table of ``2**tb``
    counters in row ``r`` of the flat ``th``; order 1 is indexed directly, and there is
    no order-0 input.

    Model 4 (``ver`` 4) is the same loop made cheaper still: its order-1 and match
    counters are 16-bit ones like the hashed counters (:func:`_update16_py`, the low 16
    bits of their 32-bit entries), and the mixer's probability is coded as it is, with no
    secondary estimate (``apm`` is not read, and may be empty)."""
    low = regs[0]
    rng = regs[1]
    cache = regs[2]
    csize = regs[3]
    pos = regs[4]
    code = regs[5]
    mptr = regs[6]
    mlen = regs[7]
    wh = regs[8]
    pw = regs[9]
    nbuf = buf.shape[0]
    nh = ctx.shape[0]
    n_in = nh + 3
    v4 = ver >= 4
    mmask = mhash.shape[0] - 1
    shift = 32 - tb
    hk = np.zeros(nh, dtype=np.int64)
    base = np.zeros(nh, dtype=np.int64)
    st = np.zeros(n_in, dtype=np.int64)
    idx = np.zeros(n_in, dtype=np.int64)
    total = cost[0]
    want_costs = costs.shape[0] > 0
    i = start
    while i < end:
        if not decoding and pos + csize + 64 > nbuf:
            break
        if decoding and pos > nbuf:
            break
        c1 = np.int64(data[i - 1]) if i >= 1 else np.int64(0)
        h = np.int64(0)
        k = 1
        for r in range(nh):
            o = ctx[r]
            if o == WORD:
                hk[r] = ((wh + (c1 if wh == 0 else 0) + 1) * 0x6F4F2A35 + 101) & 0xFFFFFFFF
            elif o == WORD_PAIR:
                hk[r] = ((wh * 0x2F0B4C13 + pw + 1) * 0x5851F42D + 211) & 0xFFFFFFFF
            else:
                while k <= o:
                    b = np.int64(data[i - k]) if i >= k else np.int64(0)
                    h = ((h + b + 1) * 0x2F0B4C13 + k) & 0xFFFFFFFF
                    k += 1
                hk[r] = h
            hh = (hk[r] * 0x9E3779B1) & 0xFFFFFFFF
            base[r] = _claim1(th, (r << tb) + ((hh >> shift) & ~15), hh & 0xFF)
        eb = np.int64(data[mptr]) + 256 if mlen > 0 else np.int64(0)
        mstate = 0
        if mlen > 0:
            mstate = 1 + (mlen >= 16) + (mlen >= 32)
        ccls = np.int64(_CLASS[c1])
        c0 = np.int64(1)
        nib = np.int64(1)
        o1 = c1 << 8
        for j in range(7, -1, -1):
            if j == 3:
                for r in range(nh):
                    hh = (((hk[r] ^ (c0 * 0x5BD1E995)) & 0xFFFFFFFF) * 0x9E3779B1) & 0xFFFFFFFF
                    base[r] = _claim1(th, (r << tb) + ((hh >> shift) & ~15), hh & 0xFF)
                nib = np.int64(1)
            # -- predict: the match first, as it picks the mixer's weight set
            if mlen > 0 and (eb >> (j + 1)) == c0:
                ln = mlen if mlen < 31 else 31
                ix = ln * 2 + ((eb >> j) & 1)
                if v4:
                    s = stretch[((np.int64(tm[ix]) & 0xFFFF) >> 4) ^ 0x800]
                else:
                    s = stretch[(np.int64(tm[ix]) >> 20) ^ 0x800]
                ms = mstate
            else:
                ix = -1
                s = 0
                ms = 0
            idx[nh + 1] = ix
            st[nh + 1] = s
            wset = (ccls * 256 + c0) * 4 + ms
            dot = s * mix[wset, nh + 1]
            ix = o1 | c0
            idx[0] = ix
            if v4:
                s = stretch[((np.int64(t1[ix]) & 0xFFFF) >> 4) ^ 0x800]
            else:
                s = stretch[(np.int64(t1[ix]) >> 20) ^ 0x800]
            st[0] = s
            dot += s * mix[wset, 0]
            for r in range(nh):
                ix = base[r] + nib
                idx[r + 1] = ix
                s = stretch[(np.int64(th[ix]) >> 4) ^ 0x800]
                st[r + 1] = s
                dot += s * mix[wset, r + 1]
            st[nh + 2] = 256
            dot += 256 * mix[wset, nh + 2]
            dot >>= 16
            if dot > 2047:
                dot = 2047
            if dot < -2047:
                dot = -2047
            pm = squash[dot + 2047]
            actx = (o1 | c0) * 33
            lo = 0
            w = 0
            if v4:
                p = pm  # no secondary estimate
            else:
                d = stretch[pm] + 2048
                lo = d >> 7
                w = d & 127
                pa = (apm[actx + lo] * (128 - w) + apm[actx + lo + 1] * w) >> 11
                p = (pm + 3 * pa + 2) >> 2
            if p < 1:
                p = 1
            if p > 4095:
                p = 4095
            # -- code the bit
            bound = (rng >> 12) * p
            if decoding:
                if code < bound:
                    rng = bound
                    bit = 1
                else:
                    code -= bound
                    rng -= bound
                    bit = 0
                while rng < 0x1000000:
                    rng = (rng << 8) & 0xFFFFFFFF
                    nxt = np.int64(buf[pos]) if pos < nbuf else np.int64(0)
                    code = ((code << 8) | nxt) & 0xFFFFFFFF
                    pos += 1
            else:
                bit = (np.int64(data[i]) >> j) & 1
                if bit:
                    rng = bound
                else:
                    low += bound
                    rng -= bound
                while rng < 0x1000000:
                    rng = (rng << 8) & 0xFFFFFFFF
                    if low < 0xFF000000 or low >= 0x100000000:
                        carry = low >> 32
                        temp = cache
                        while True:
                            buf[pos] = (temp + carry) & 0xFF
                            pos += 1
                            temp = 0xFF
                            csize -= 1
                            if csize == 0:
                                break
                        cache = (low >> 24) & 0xFF
                    csize += 1
                    low = (low & 0x00FFFFFF) << 8
            total += bitcost[p] if bit else bitcost[4096 - p]
            # -- learn
            err = ((bit << 12) - pm) * MIX_LR
            for q in range(n_in):
                mix[wset, q] += (st[q] * err) >> MIX_SHIFT
            target = 65535 if bit else 0
            ix = idx[0]
            if v4:
                t1[ix] = _update16(np.int64(t1[ix]) & 0xFFFF, bit, recip)
            else:
                t1[ix] = _update(np.int64(t1[ix]), target, recip)
            for r in range(nh):
                ix = idx[r + 1]
                th[ix] = _update16(np.int64(th[ix]), bit, recip)
            ix = idx[nh + 1]
            if ix >= 0:
                if v4:
                    tm[ix] = _update16(np.int64(tm[ix]) & 0xFFFF, bit, recip)
                else:
                    tm[ix] = _update(np.int64(tm[ix]), target, recip)
            if not v4:
                ai = actx + lo + (w >> 6)
                g = 65535 if bit else 0  # 16-bit knots
                apm[ai] += (g - apm[ai]) >> APM_RATE
            c0 = (c0 << 1) | bit
            nib = (nib << 1) | bit
        byte = c0 & 255
        if decoding:
            data[i] = byte
        if want_costs:
            costs[i] = total
        lc = byte + 32 if 65 <= byte <= 90 else byte
        if (97 <= lc <= 122) or (48 <= lc <= 57) or lc == 95 or lc >= 128:
            wh = ((wh + lc + 1) * 0x3D4D51CB) & 0xFFFFFFFF
        elif wh != 0:
            pw = wh
            wh = 0
        if mlen > 0 and np.int64(data[mptr]) == byte:
            mlen += 1
            mptr += 1
        else:
            mlen = 0
        if i + 1 >= MIN_MATCH:
            hm = np.int64(0)
            for k in range(MIN_MATCH):
                hm = ((hm + np.int64(data[i - k]) + 1) * 0x2F0B4C13) & 0xFFFFFFFF
            hm = (hm >> 8) & mmask
            if mlen == 0:
                cand = mhash[hm]
                if cand > 0:
                    ln = 0
                    while ln < 32 and cand - 1 - ln >= 0 and data[cand - 1 - ln] == data[i - ln]:
                        ln += 1
                    if ln >= MIN_MATCH:
                        mlen = ln
                        mptr = cand
            mhash[hm] = i + 1
        i += 1
    regs[0] = low
    regs[1] = rng
    regs[2] = cache
    regs[3] = csize
    regs[4] = pos
    regs[5] = code
    regs[6] = mptr
    regs[7] = mlen
    regs[8] = wh
    regs[9] = pw
    cost[0] = total
    return i


def _update_py(v: int, target: int, recip: np.ndarray) -> int:
    """One counter step: p += (target - p)/(n + 1.5); count n up to LIMIT.

    A counter is 32 bits: p (16 bits, probability of a one, stored XOR 0x8000 so that an
    all-zero table means p = 1/2 everywhere and needs no initialising) and n (10 bits)."""
    p = (v >> 16) ^ 0x8000
    n = v & 1023
    p += ((target - p) * recip[n]) >> 16
    if n < LIMIT:
        n += 1
    return ((p ^ 0x8000) << 16) | n


def _claim_py(th: np.ndarray, row: int, slot: int, check: int) -> int:
    """Entry 0 of a 16-entry bucket holds a check byte of the context that owns it; a
    different context takes the bucket over with fresh counters, rather than inheriting
    a stranger's statistics (hash collisions would otherwise blur high orders)."""
    if th[row, slot] != check:
        th[row, slot] = check
        for e in range(1, 16):
            th[row, slot + e] = 0
    return slot


def _update16_py(v: int, bit: int, recip: np.ndarray) -> int:
    """Model 3's hashed counters: 16 bits, p (12 bits, stored XOR 0x800 so that zero is
    p = 1/2) and n (4 bits); p += (target - p)/(n + 1.5), rounded, n up to 15. The floor
    of 1/16.5 on the rate suits contexts that share a hashed slot and change often (it
    codes text better than model 2's floor of 1/256.5) and halves the table memory."""
    p = (v >> 4) ^ 0x800
    n = v & 15
    p += (((bit << 12) - bit - p) * recip[n] + 32768) >> 16
    if n < 15:
        n += 1
    return ((p ^ 0x800) << 4) | n


def _claim1_py(th: np.ndarray, slot: int, check: int) -> int:
    """:func:`_claim_py` on a flat table."""
    if th[slot] != check:
        th[slot] = check
        for e in range(1, 16):
            th[slot + e] = 0
    return slot


def _e8e9_py(data: np.ndarray, forward: bool) -> None:
    """x86 call/jump transform, in place: after an E8 (call) or E9 (jmp) byte whose 32-bit
    little-endian operand has a top byte of 0x00 or 0xFF (a near displacement), the low 24
    bits of the operand become (operand + position) mod 2^24, so calls to one target
    read the same wherever they are; the operand is then skipped. An E8/E9 left alone
    blocks conversions in the next 3 bytes, whose operands overlap its top byte: so the
    opcode and top byte that decide each step are never changed, and the inverse
    (forward=False) takes the same steps."""
    n = data.shape[0]
    i = 0
    last = np.int64(-8)  # last E8/E9 left alone
    while i + 4 < n:
        op = data[i]
        if op == 0xE8 or op == 0xE9:
            top = data[i + 4]
            if (top == 0 or top == 0xFF) and i - last > 3:
                a = (
                    np.int64(data[i + 1])
                    | (np.int64(data[i + 2]) << 8)
                    | (np.int64(data[i + 3]) << 16)
                )
                if forward:
                    a = (a + i) & 0xFFFFFF
                else:
                    a = (a - i) & 0xFFFFFF
                data[i + 1] = a & 0xFF
                data[i + 2] = (a >> 8) & 0xFF
                data[i + 3] = (a >> 16) & 0xFF
                i += 5
                continue
            last = i
        i += 1


_update: Any = None
_claim: Any = None
_claim1: Any = None
_update16: Any = None
e8e9: Any = None


def build(njit: Any) -> Any:
    """The loops of models 1-2 and of models 3-4, compiled on first call (numba caches the
    machine code on disk, so a later process loads it instead)."""
    global _update, _claim, _claim1, _update16, e8e9
    e8e9 = njit(cache=True, nogil=True)(_e8e9_py)
    _update = njit(cache=True, inline="always")(_update_py)
    _claim = njit(cache=True, inline="always")(_claim_py)
    _claim1 = njit(cache=True, inline="always")(_claim1_py)
    _update16 = njit(cache=True, inline="always")(_update16_py)
    return njit(cache=True, nogil=True)(_loop), njit(cache=True, nogil=True)(_loop3)
