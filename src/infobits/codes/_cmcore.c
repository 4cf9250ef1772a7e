/*
 * The inner loop of the adaptive byte coder in C: a drop-in for the numba loops of
 * infobits/codes/_cmloop.py (loop = _loop, models 1-2; loop3 = _loop3, models 3-4;
 * e8e9 = _e8e9_py). Same arguments, same state arrays, same integer arithmetic, so the
 * streams are byte-identical to the numba loop's, and either loop can resume the other's
 * state. All arrays come through the buffer protocol (C-contiguous, typed as checked
 * below); the GIL is released while coding.
 *
 * Arithmetic: the numba loop computes in int64 (two's complement, wrapping) and stores
 * into the arrays' own types; here the same sums are done in int64_t, and in uint64_t
 * wherever a product may pass 2^63 (the hashes, which keep only their low 32 bits, so
 * the results agree). Right shifts of negative values are arithmetic, as in numba (GCC
 * and Clang define them so).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define LIMIT 255
#define MIX_LR 3
#define MIX_SHIFT 13
#define APM_RATE 7
#define MIN_MATCH 6
#define WORD 100
#define WORD_PAIR 101
#define MAX_CTX 16
#define MAX_ORDER3 16 /* the highest order a model 3-4 context may have */

#if defined(__GNUC__)
#define INLINE static inline __attribute__((always_inline))
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define INLINE static inline
#define LIKELY(x) (x)
#define UNLIKELY(x) (x)
#endif

/* ---- buffers ------------------------------------------------------------------- */

typedef struct {
    Py_buffer view;
    int held;
} Buf;

/* kind: 'i' signed integer, 'u' unsigned integer, 'f' float */
static int buf_get(PyObject *obj, Buf *b, const char *name, char kind, Py_ssize_t itemsize,
                   int writable, int ndim) {
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    b->held = 0;
    if (PyObject_GetBuffer(obj, &b->view, flags) < 0) {
        PyErr_Format(PyExc_TypeError,
                     "%s must be a C-contiguous%s array (buffer) of %c%zd, got %.100s", name,
                     writable ? " writable" : "", kind, itemsize * 8, Py_TYPE(obj)->tp_name);
        return -1;
    }
    b->held = 1;
    const char *f = b->view.format ? b->view.format : "B";
    if (*f == '@' || *f == '=' || *f == '<') f++;
#if PY_BIG_ENDIAN
    if (b->view.format && b->view.format[0] == '<' && itemsize > 1) f = "?";
#endif
    char k = '?';
    if (f[0] && !f[1]) {
        if (strchr("bhilqn", f[0])) k = 'i';
        else if (strchr("BHILQN", f[0])) k = 'u';
        else if (strchr("fd", f[0])) k = 'f';
    }
    if (k != kind || b->view.itemsize != itemsize) {
        PyErr_Format(PyExc_TypeError, "%s must hold %c%zd items, got format %.20s of %zd bytes",
                     name, kind, itemsize * 8, b->view.format ? b->view.format : "B",
                     b->view.itemsize);
        return -1;
    }
    if (ndim > 0 && b->view.ndim != ndim) {
        PyErr_Format(PyExc_ValueError, "%s must have %d dimension(s), got %d", name, ndim,
                     b->view.ndim);
        return -1;
    }
    return 0;
}

static void buf_release(Buf *b) {
    if (b->held) {
        PyBuffer_Release(&b->view);
        b->held = 0;
    }
}

static Py_ssize_t nitems(const Buf *b) { return b->view.len / b->view.itemsize; }

/* ---- shared pieces ------------------------------------------------------------- */

/* _update_py: p += (target - p)/(n + 1.5); n up to LIMIT; recip[n] given */
#define UPDATE(v, target, recip)                                                          \
    ({                                                                                    \
        int64_t p_ = ((int64_t)(v) >> 16) ^ 0x8000;                                       \
        int64_t n_ = (int64_t)(v) & 1023;                                                 \
        p_ += (((target) - p_) * (int64_t)(recip)[n_]) >> 16;                             \
        if (n_ < LIMIT) n_ += 1;                                                          \
        ((p_ ^ 0x8000) << 16) | n_;                                                       \
    })

/* _update16_py */
#define UPDATE16(v, bit, recip)                                                           \
    ({                                                                                    \
        int64_t p_ = ((int64_t)(v) >> 4) ^ 0x800;                                         \
        int64_t n_ = (int64_t)(v) & 15;                                                   \
        p_ += ((((int64_t)(bit) << 12) - (bit) - p_) * (int64_t)(recip)[n_] + 32768) >> 16; \
        if (n_ < 15) n_ += 1;                                                             \
        ((p_ ^ 0x800) << 4) | n_;                                                         \
    })

static const uint8_t CLASS[256] = {
#define R8(x) x, x, x, x, x, x, x, x
    /* 0..31 control: 6, except 10 (newline): 1 */
    6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 1, 6, 6, 6, 6, 6, R8(6), R8(6),
    /* 32 ' ' 1, 33 '!' 7, 34 '"' 5, 35 '#' 5, 36-38 7, 39 '\'' 5, 40 '(' 4, 41 ')' 4, */
    1, 7, 5, 5, 7, 7, 7, 5, 4, 4,
    /* 42 '*' 7, 43 '+' 7, 44 ',' 4, 45 '-' 7, 46 '.' 4, 47 '/' 7 */
    7, 7, 4, 7, 4, 7,
    /* 48..57 digits */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    /* 58 ':' 4, 59 7, 60 7, 61 '=' 4, 62 7, 63 7, 64 7 */
    4, 7, 7, 4, 7, 7, 7,
    /* 65..90 upper */
    R8(2), R8(2), R8(2), 2, 2,
    /* 91..94 7, 95 '_' 5, 96 7 */
    7, 7, 7, 7, 5, 7,
    /* 97..122 lower */
    R8(2), R8(2), R8(2), 2, 2,
    /* 123..127 */
    7, 7, 7, 7, 7,
    /* 128..255 */
    R8(2), R8(2), R8(2), R8(2), R8(2), R8(2), R8(2), R8(2),
    R8(2), R8(2), R8(2), R8(2), R8(2), R8(2), R8(2), R8(2),
#undef R8
};

/* ---- models 1 and 2 ------------------------------------------------------------ */

typedef struct {
    uint8_t *data;
    int64_t start, end;
    uint8_t *buf;
    int64_t nbuf;
    int64_t *regs;
    double *cost;
    uint32_t *t0, *t1, *th, *tm;
    int64_t th_rows, th_len;
    int64_t *mix;
    int64_t mix_rows, n_in;
    int64_t *mhash;
    int64_t nmhash;
    int32_t *apm;
    const int64_t *stretch, *squash, *recip;
    const double *bitcost;
    int64_t order, tb, ver;
    double *costs;
    int64_t ncosts;
} Args12;

INLINE int64_t claim2(uint32_t *th, int64_t rowlen, int64_t row, int64_t slot, int64_t check) {
    uint32_t *b = th + row * rowlen + slot;
    if ((int64_t)b[0] != check) {
        b[0] = (uint32_t)check;
        memset(b + 1, 0, 15 * sizeof(uint32_t));
    }
    return slot;
}

INLINE int64_t loop12(Args12 *a, const int decoding) {
    uint8_t *data = a->data;
    uint8_t *buf = a->buf;
    int64_t *regs = a->regs;
    int64_t low = regs[0], rng = regs[1], cache = regs[2], csize = regs[3], pos = regs[4];
    int64_t code = regs[5], mptr = regs[6], mlen = regs[7], wh = regs[8], pw = regs[9];
    const int64_t order = a->order;
    const int64_t nw = (a->ver >= 2 && order >= 2) ? 2 : 0;
    const int64_t nbuf = a->nbuf;
    const int64_t n_in = a->n_in;
    const int64_t mmask = a->nmhash - 1;
    const int64_t shift = 32 - a->tb;
    const int64_t rowlen = a->th_len;
    uint32_t *t0 = a->t0, *t1 = a->t1, *th = a->th, *tm = a->tm;
    int64_t *mix = a->mix;
    int64_t *mhash = a->mhash;
    int32_t *apm = a->apm;
    const int64_t *stretch = a->stretch, *squash = a->squash, *recip = a->recip;
    const double *bitcost = a->bitcost;
    double *costs = a->costs;
    const int want_costs = a->ncosts > 0;
    int64_t hk[12] = {0}, slots[12] = {0};
    int64_t st[16] = {0}, idx[16] = {0};
    double total = a->cost[0];
    int64_t i = a->start;
    const int64_t end = a->end;
    while (i < end) {
        if (!decoding && pos + csize + 64 > nbuf) break;
        if (decoding && pos > nbuf) break;
        int64_t c1 = i >= 1 ? (int64_t)data[i - 1] : 0;
        uint64_t h = 0;
        for (int64_t k = 1; k <= order; k++) {
            uint64_t b = i >= k ? (uint64_t)data[i - k] : 0;
            h = ((h + b + 1) * 0x2F0B4C13u + (uint64_t)k) & 0xFFFFFFFFu;
            hk[k] = (int64_t)h;
        }
        if (nw > 0) {
            hk[order + 1] = (int64_t)((((uint64_t)wh + (uint64_t)(wh == 0 ? c1 : 0) + 1) *
                                           0x6F4F2A35u + 101) & 0xFFFFFFFFu);
            hk[order + 2] = (int64_t)((((uint64_t)wh * 0x2F0B4C13u + (uint64_t)pw + 1) *
                                           0x5851F42Du + 211) & 0xFFFFFFFFu);
        }
        for (int64_t k = 2; k < order + 1 + nw; k++) {
            int64_t hh = (int64_t)(((uint64_t)hk[k] * 0x9E3779B1u) & 0xFFFFFFFFu);
            slots[k] = claim2(th, rowlen, k - 2, (hh >> shift) & ~(int64_t)15, hh & 0xFF);
        }
        int64_t eb = mlen > 0 ? (int64_t)data[mptr] + 256 : 0;
        int64_t ccls = 0;
        if (nw > 0) ccls = CLASS[c1];
        int64_t c0 = 1, nib = 1;
        for (int j = 7; j >= 0; j--) {
            if (j == 3) {
                for (int64_t k = 2; k < order + 1 + nw; k++) {
                    uint64_t x = ((uint64_t)hk[k] ^ ((uint64_t)c0 * 0x5BD1E995u)) & 0xFFFFFFFFu;
                    int64_t hh = (int64_t)((x * 0x9E3779B1u) & 0xFFFFFFFFu);
                    slots[k] = claim2(th, rowlen, k - 2, (hh >> shift) & ~(int64_t)15, hh & 0xFF);
                }
                nib = 1;
            }
            int64_t m = 0;
            idx[m] = c0;
            st[m] = stretch[((int64_t)t0[c0] >> 20) ^ 0x800];
            m++;
            if (order >= 1) {
                idx[m] = (c1 << 8) | c0;
                st[m] = stretch[((int64_t)t1[idx[m]] >> 20) ^ 0x800];
                m++;
                for (int64_t k = 2; k < order + 1 + nw; k++) {
                    idx[m] = slots[k] + nib;
                    st[m] = stretch[((int64_t)th[(k - 2) * rowlen + idx[m]] >> 20) ^ 0x800];
                    m++;
                }
                if (mlen > 0 && (eb >> (j + 1)) == c0) {
                    int64_t ln = mlen < 63 ? mlen : 63;
                    idx[m] = ln * 2 + ((eb >> j) & 1);
                    st[m] = stretch[((int64_t)tm[idx[m]] >> 20) ^ 0x800];
                } else {
                    idx[m] = -1;
                    st[m] = 0;
                }
                m++;
            }
            st[m] = 256;
            int64_t ms = c0;
            if (order >= 1 && idx[m - 1] >= 0) ms += 256 * (1 + (mlen >= 16) + (mlen >= 32));
            if (nw > 0) ms += 1024 * ccls;
            int64_t *wrow = mix + ms * n_in;
            int64_t dot = 0;
            for (int64_t q = 0; q < n_in; q++) dot += st[q] * wrow[q];
            dot >>= 16;
            if (dot > 2047) dot = 2047;
            if (dot < -2047) dot = -2047;
            int64_t pm = squash[dot + 2047];
            int64_t actx = (((order >= 1) ? (c1 << 8) : 0) | c0) * 33;
            int64_t d = stretch[pm] + 2048;
            int64_t lo = d >> 7;
            int64_t w = d & 127;
            int64_t pa = ((int64_t)apm[actx + lo] * (128 - w) + (int64_t)apm[actx + lo + 1] * w) >> 11;
            int64_t p = (pm + 3 * pa + 2) >> 2;
            if (p < 1) p = 1;
            if (p > 4095) p = 4095;
            int64_t bound = (rng >> 12) * p;
            int64_t bit;
            if (decoding) {
                if (code < bound) {
                    rng = bound;
                    bit = 1;
                } else {
                    code -= bound;
                    rng -= bound;
                    bit = 0;
                }
                while (rng < 0x1000000) {
                    rng = (rng << 8) & 0xFFFFFFFF;
                    int64_t nxt = pos < nbuf ? (int64_t)buf[pos] : 0;
                    code = ((code << 8) | nxt) & 0xFFFFFFFF;
                    pos++;
                }
            } else {
                bit = ((int64_t)data[i] >> j) & 1;
                if (bit) {
                    rng = bound;
                } else {
                    low += bound;
                    rng -= bound;
                }
                while (rng < 0x1000000) {
                    rng = (rng << 8) & 0xFFFFFFFF;
                    if (low < 0xFF000000LL || low >= 0x100000000LL) {
                        int64_t carry = low >> 32;
                        int64_t temp = cache;
                        for (;;) {
                            buf[pos] = (uint8_t)((temp + carry) & 0xFF);
                            pos++;
                            temp = 0xFF;
                            csize--;
                            if (csize == 0) break;
                        }
                        cache = (low >> 24) & 0xFF;
                    }
                    csize++;
                    low = (low & 0x00FFFFFF) << 8;
                }
            }
            total += bit ? bitcost[p] : bitcost[4096 - p];
            int64_t err = ((bit << 12) - pm) * MIX_LR;
            for (int64_t q = 0; q < n_in; q++) wrow[q] += (st[q] * err) >> MIX_SHIFT;
            int64_t target = bit ? 65535 : 0;
            m = 0;
            t0[idx[m]] = (uint32_t)UPDATE(t0[idx[m]], target, recip);
            m++;
            if (order >= 1) {
                t1[idx[m]] = (uint32_t)UPDATE(t1[idx[m]], target, recip);
                m++;
                for (int64_t k = 2; k < order + 1 + nw; k++) {
                    uint32_t *e = th + (k - 2) * rowlen + idx[m];
                    *e = (uint32_t)UPDATE(*e, target, recip);
                    m++;
                }
                if (idx[m] >= 0) tm[idx[m]] = (uint32_t)UPDATE(tm[idx[m]], target, recip);
            }
            int64_t ai = actx + lo + (w >> 6);
            int64_t g = (bit << 16) + (bit << APM_RATE) - bit - bit;
            apm[ai] = (int32_t)((int64_t)apm[ai] + ((g - (int64_t)apm[ai]) >> APM_RATE));
            c0 = (c0 << 1) | bit;
            nib = (nib << 1) | bit;
        }
        int64_t byte = c0 & 255;
        if (decoding) data[i] = (uint8_t)byte;
        if (want_costs) costs[i] = total;
        if (nw > 0) {
            int64_t lc = (65 <= byte && byte <= 90) ? byte + 32 : byte;
            if ((97 <= lc && lc <= 122) || (48 <= lc && lc <= 57) || lc == 95 || lc >= 128) {
                wh = (int64_t)((((uint64_t)wh + (uint64_t)lc + 1) * 0x3D4D51CBu) & 0xFFFFFFFFu);
            } else if (wh != 0) {
                pw = wh;
                wh = 0;
            }
        }
        if (order >= 1) {
            if (mlen > 0 && (int64_t)data[mptr] == byte) {
                mlen++;
                mptr++;
            } else {
                mlen = 0;
            }
            if (i + 1 >= MIN_MATCH) {
                uint64_t hm = 0;
                for (int k = 0; k < MIN_MATCH; k++)
                    hm = ((hm + (uint64_t)data[i - k] + 1) * 0x2F0B4C13u) & 0xFFFFFFFFu;
                int64_t hmi = (int64_t)(hm >> 8) & mmask;
                if (mlen == 0) {
                    int64_t cand = mhash[hmi];
                    if (cand > 0 && cand <= i) { /* always so in a real state */
                        int64_t ln = 0;
                        while (ln < 32 && cand - 1 - ln >= 0 && data[cand - 1 - ln] == data[i - ln])
                            ln++;
                        if (ln >= MIN_MATCH) {
                            mlen = ln;
                            mptr = cand;
                        }
                    }
                }
                mhash[hmi] = i + 1;
            }
        }
        i++;
    }
    regs[0] = low;
    regs[1] = rng;
    regs[2] = cache;
    regs[3] = csize;
    regs[4] = pos;
    regs[5] = code;
    regs[6] = mptr;
    regs[7] = mlen;
    regs[8] = wh;
    regs[9] = pw;
    a->cost[0] = total;
    return i;
}

static int64_t loop12_enc(Args12 *a) { return loop12(a, 0); }
static int64_t loop12_dec(Args12 *a) { return loop12(a, 1); }

/* ---- models 3 and 4 ------------------------------------------------------------ */
/* Model 4 (V4 below) is model 3 with 16-bit order-1 and match counters (the low 16 bits
 * of their entries, updated by the NEXT16 table as the hashed ones are) and no secondary
 * estimate: the mixer's probability is coded as it is. */

typedef struct {
    uint8_t *data;
    int64_t start, end;
    uint8_t *buf;
    int64_t nbuf;
    int64_t *regs;
    double *cost;
    uint32_t *t1, *tm;
    uint16_t *th;
    int32_t *mix;
    int64_t *mhash;
    int64_t nmhash;
    uint16_t *apm;
    const int32_t *stretch, *squash, *recip;
    const double *bitcost;
    const int64_t *ctx;
    const uint16_t *next16;
    int64_t nh, tb, ver;
    double *costs;
    int64_t ncosts;
} Args3;

/* the hashes of model 3's contexts for the byte at i (before the claims). The orders'
 * hashes form one chain over the previous bytes, chain[k] covering bytes i-1..i-k; a
 * context r takes chain[pick[r]], where pick[r] is the highest order listed up to r (so
 * an order listed after a higher one takes the higher one's hash, as the chain's single
 * pass always did), or -1 (WORD) or -2 (WORD_PAIR); maxo is the highest order. */
INLINE void hash3(const uint8_t *data, int64_t i, int64_t wh, int64_t pw, const int64_t *pick,
                  int64_t maxo, const int64_t NH, int64_t *hk) {
    int64_t c1 = i >= 1 ? (int64_t)data[i - 1] : 0;
    uint64_t chain[MAX_ORDER3 + 1];
    uint64_t h = 0;
    chain[0] = 0;
    if (LIKELY(i >= maxo)) {
        for (int64_t k = 1; k <= maxo; k++) {
            h = ((h + (uint64_t)data[i - k] + 1) * 0x2F0B4C13u + (uint64_t)k) & 0xFFFFFFFFu;
            chain[k] = h;
        }
    } else {
        for (int64_t k = 1; k <= maxo; k++) {
            uint64_t b = i >= k ? (uint64_t)data[i - k] : 0;
            h = ((h + b + 1) * 0x2F0B4C13u + (uint64_t)k) & 0xFFFFFFFFu;
            chain[k] = h;
        }
    }
    for (int64_t r = 0; r < NH; r++) {
        int64_t o = pick[r];
        if (o == -1) {
            hk[r] = (int64_t)((((uint64_t)wh + (uint64_t)(wh == 0 ? c1 : 0) + 1) * 0x6F4F2A35u +
                               101) & 0xFFFFFFFFu);
        } else if (o == -2) {
            hk[r] = (int64_t)((((uint64_t)wh * 0x2F0B4C13u + (uint64_t)pw + 1) * 0x5851F42Du +
                               211) & 0xFFFFFFFFu);
        } else {
            hk[r] = (int64_t)chain[o];
        }
    }
}

/* the bucket (its first entry's index in th) of context r's hash hk under partial byte c0
 * (c0 = 0 for the first nibble) */
INLINE int64_t slot3(int64_t hkr, int64_t c0, int64_t r, int64_t tb) {
    uint64_t x = c0 ? (((uint64_t)hkr ^ ((uint64_t)c0 * 0x5BD1E995u)) & 0xFFFFFFFFu)
                    : (uint64_t)hkr;
    int64_t hh = (int64_t)((x * 0x9E3779B1u) & 0xFFFFFFFFu);
    return (r << tb) + ((hh >> (32 - tb)) & ~(int64_t)15);
}

/* slot3 and check3 from one product */
INLINE int64_t slot_check3(int64_t hkr, int64_t c0, int64_t r, int64_t tb, int64_t *check) {
    uint64_t x = c0 ? (((uint64_t)hkr ^ ((uint64_t)c0 * 0x5BD1E995u)) & 0xFFFFFFFFu)
                    : (uint64_t)hkr;
    int64_t hh = (int64_t)((x * 0x9E3779B1u) & 0xFFFFFFFFu);
    *check = hh & 0xFF;
    return (r << tb) + ((hh >> (32 - tb)) & ~(int64_t)15);
}

INLINE void claim3(uint16_t *b, int64_t check) {
    if ((int64_t)b[0] != check) {
        b[0] = (uint16_t)check;
        memset(b + 1, 0, 15 * sizeof(uint16_t));
    }
}

INLINE void word_step(int64_t byte, int64_t *wh, int64_t *pw) {
    int64_t lc = (65 <= byte && byte <= 90) ? byte + 32 : byte;
    if ((97 <= lc && lc <= 122) || (48 <= lc && lc <= 57) || lc == 95 || lc >= 128) {
        *wh = (int64_t)((((uint64_t)*wh + (uint64_t)lc + 1) * 0x3D4D51CBu) & 0xFFFFFFFFu);
    } else if (*wh != 0) {
        *pw = *wh;
        *wh = 0;
    }
}

/* the match model's slot for the 6 bytes ending at i */
INLINE int64_t match_slot(const uint8_t *data, int64_t i, int64_t mmask) {
    uint64_t hm = 0;
    for (int kk = 0; kk < MIN_MATCH; kk++)
        hm = ((hm + (uint64_t)data[i - kk] + 1) * 0x2F0B4C13u) & 0xFFFFFFFFu;
    return (int64_t)(hm >> 8) & mmask;
}

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)0)
#endif


#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* w[q] += (st[q] * err) >> MIX_SHIFT for q < n, in 32-bit wrapping arithmetic (the int32
 * stores of numba's int64 sums): |st| <= 2047 and |err| <= 3 * 4096 fit 16 bits, so the
 * products are exact in 32 */
INLINE void mix_update(int32_t *w, const int16_t *st, int32_t err, const int64_t n) {
    int64_t q = 0;
#if defined(__SSE2__)
    __m128i e = _mm_set1_epi16((int16_t)err);
    for (; q + 8 <= n; q += 8) {
        __m128i x = _mm_loadu_si128((const __m128i *)(st + q));
        __m128i lo = _mm_mullo_epi16(x, e), hi = _mm_mulhi_epi16(x, e);
        __m128i p0 = _mm_srai_epi32(_mm_unpacklo_epi16(lo, hi), MIX_SHIFT);
        __m128i p1 = _mm_srai_epi32(_mm_unpackhi_epi16(lo, hi), MIX_SHIFT);
        __m128i w0 = _mm_loadu_si128((const __m128i *)(w + q));
        __m128i w1 = _mm_loadu_si128((const __m128i *)(w + q + 4));
        _mm_storeu_si128((__m128i *)(w + q), _mm_add_epi32(w0, p0));
        _mm_storeu_si128((__m128i *)(w + q + 4), _mm_add_epi32(w1, p1));
    }
#endif
    for (; q < n; q++) w[q] = (int32_t)((uint32_t)w[q] + (uint32_t)(((int32_t)st[q] * err) >> MIX_SHIFT));
}

/* Model 3's hashed counters take 2^16 states, so their update is a table: next[bit << 16 |
 * v] = UPDATE16(v, bit). Built from the caller's recip (under the GIL): once into the
 * shared table, or, for a recip unlike the first one seen, into a table of the call. */
static uint16_t NEXT16[2 << 16];
static int32_t NEXT16_RECIP[16];
static int NEXT16_READY = 0;

static void next16_fill(uint16_t *t, const int32_t *recip) {
    for (int64_t bit = 0; bit < 2; bit++)
        for (int64_t v = 0; v < 65536; v++) t[(bit << 16) | v] = (uint16_t)UPDATE16(v, bit, recip);
}

/* the table for recip; *owned is set when the caller must free it (NULL: out of memory) */
static uint16_t *next16_table(const int32_t *recip, int *owned) {
    *owned = 0;
    if (NEXT16_READY && memcmp(NEXT16_RECIP, recip, sizeof NEXT16_RECIP) == 0) return NEXT16;
    if (!NEXT16_READY) {
        next16_fill(NEXT16, recip);
        memcpy(NEXT16_RECIP, recip, sizeof NEXT16_RECIP);
        NEXT16_READY = 1;
        return NEXT16;
    }
    uint16_t *t = PyMem_RawMalloc(sizeof NEXT16);
    if (t == NULL) return NULL;
    next16_fill(t, recip);
    *owned = 1;
    return t;
}

/* NH: the number of hashed contexts, a constant in each specialised copy */
INLINE int64_t loop3(Args3 *a, const int decoding, const int64_t NH, const int V4) {
    uint8_t *data = a->data;
    uint8_t *buf = a->buf;
    int64_t *regs = a->regs;
    int64_t low = regs[0], rng = regs[1], cache = regs[2], csize = regs[3], pos = regs[4];
    int64_t code = regs[5], mptr = regs[6], mlen = regs[7], wh = regs[8], pw = regs[9];
    const int64_t nbuf = a->nbuf;
    const int64_t mmask = a->nmhash - 1;
    const int64_t tb = a->tb;
    uint32_t *t1 = a->t1, *tm = a->tm;
    uint16_t *th = a->th;
    int32_t *mix = a->mix;
    int64_t *mhash = a->mhash;
    uint16_t *apm = a->apm;
    const int32_t *stretch = a->stretch, *squash = a->squash, *recip = a->recip;
    const double *bitcost = a->bitcost;
    const int64_t *ctx = a->ctx;
    double *costs = a->costs;
    const int want_costs = a->ncosts > 0;
    int64_t hk[MAX_CTX] = {0}, hkn[MAX_CTX] = {0};
    uint16_t *bucket[MAX_CTX];
    int16_t st[MAX_CTX + 3 + 8] = {0};
    const uint16_t *next16 = a->next16;
    int64_t pick[MAX_CTX], maxo = 0;
    for (int64_t r = 0; r < NH; r++) {
        int64_t o = ctx[r];
        if (o == WORD || o == WORD_PAIR) {
            pick[r] = o == WORD ? -1 : -2;
        } else {
            if (o > maxo) maxo = o;
            pick[r] = maxo;
        }
    }
    /* stretch of a stored probability (p XOR 0x800): one xor less a counter */
    int32_t stretchx[4096];
    for (int k = 0; k < 4096; k++) stretchx[k] = stretch[k ^ 0x800];
    double total = a->cost[0];
    int64_t i = a->start;
    const int64_t end = a->end;
    int have_next = 0; /* encoder: hkn (s1n, k1n) hold the hashes (slots, checks) of byte i */
    int64_t s1n[MAX_CTX] = {0}, k1n[MAX_CTX] = {0}, s2[MAX_CTX] = {0}, k2[MAX_CTX] = {0};
    while (i < end) {
        if (!decoding && pos + csize + 64 > nbuf) break;
        if (decoding && pos > nbuf) break;
        int64_t c1 = i >= 1 ? (int64_t)data[i - 1] : 0;
        int64_t s1[MAX_CTX], k1[MAX_CTX];
        int64_t mslot = 0;
        if (have_next) {
            for (int64_t r = 0; r < NH; r++) {
                hk[r] = hkn[r];
                s1[r] = s1n[r];
                k1[r] = k1n[r];
            }
        } else {
            hash3(data, i, wh, pw, pick, maxo, NH, hk);
            for (int64_t r = 0; r < NH; r++) s1[r] = slot_check3(hk[r], 0, r, tb, &k1[r]);
        }
        if (!decoding) {
            /* the encoder knows what is coming: fetch the buckets of this byte's second
             * nibble and of the next byte's first, and the match slot, ahead of use */
            int64_t byte = data[i];
            for (int64_t r = 0; r < NH; r++) {
                s2[r] = slot_check3(hk[r], 16 | (byte >> 4), r, tb, &k2[r]);
                PREFETCH(th + s2[r]);
            }
            if (i + 1 < end) {
                int64_t nwh = wh, npw = pw;
                word_step(byte, &nwh, &npw);
                hash3(data, i + 1, nwh, npw, pick, maxo, NH, hkn);
                for (int64_t r = 0; r < NH; r++) {
                    s1n[r] = slot_check3(hkn[r], 0, r, tb, &k1n[r]);
                    PREFETCH(th + s1n[r]);
                }
                have_next = 1;
            } else {
                have_next = 0;
            }
            if (i + 1 >= MIN_MATCH) {
                mslot = match_slot(data, i, mmask);
                PREFETCH(mhash + mslot);
            }
        }
        for (int64_t r = 0; r < NH; r++) {
            bucket[r] = th + s1[r];
            claim3(bucket[r], k1[r]);
        }
        int64_t eb = mlen > 0 ? (int64_t)data[mptr] + 256 : 0;
        int64_t mstate = 0;
        if (mlen > 0) mstate = 1 + (mlen >= 16) + (mlen >= 32);
        const int32_t *wbase = mix + (int64_t)CLASS[c1] * 256 * 4 * (NH + 3);
        int64_t c0 = 1, nib = 1;
        int64_t o1 = c1 << 8;
        /* the byte to code, read once (a store through any counter may alias data) */
        const int64_t cbyte = decoding ? 0 : (int64_t)data[i];
        uint32_t *t1row = t1 + o1;
        uint16_t *apmrow = V4 ? apm : apm + o1 * 33; /* model 4 reads no knots */
        if (!decoding && !V4) {
            /* the secondary estimate's knots of each bit of this byte, ahead of use */
            int64_t byte = data[i];
            for (int jj = 7; jj >= 0; jj--) {
                const uint16_t *ap = apmrow + ((256 | byte) >> (jj + 1)) * 33;
                PREFETCH(ap);
                PREFETCH(ap + 32);
            }
        }
        for (int j = 7; j >= 0; j--) {
            if (j == 3) {
                for (int64_t r = 0; r < NH; r++) {
                    if (!decoding) {
                        bucket[r] = th + s2[r];
                        claim3(bucket[r], k2[r]);
                    } else {
                        int64_t check;
                        bucket[r] = th + slot_check3(hk[r], c0, r, tb, &check);
                        claim3(bucket[r], check);
                    }
                }
                nib = 1;
            } else if (decoding && j == 4) {
                /* the second nibble's bucket is one of two: fetch both */
                for (int64_t r = 0; r < NH; r++) {
                    PREFETCH(th + slot3(hk[r], c0 << 1, r, tb));
                    PREFETCH(th + slot3(hk[r], (c0 << 1) | 1, r, tb));
                }
            } else if (decoding && j == 0 && i + 1 < end) {
                /* the byte is one of two: fetch the next byte's first buckets and the
                 * match slot for both (data[i] holds each in turn; it gets the byte
                 * decoded below) */
                for (int64_t b = 0; b < 2; b++) {
                    int64_t byte = ((c0 << 1) | b) & 255;
                    int64_t nwh = wh, npw = pw;
                    data[i] = (uint8_t)byte;
                    word_step(byte, &nwh, &npw);
                    hash3(data, i + 1, nwh, npw, pick, maxo, NH, hkn);
                    for (int64_t r = 0; r < NH; r++) PREFETCH(th + slot3(hkn[r], 0, r, tb));
                    if (i + 1 >= MIN_MATCH) PREFETCH(mhash + match_slot(data, i, mmask));
                }
            }
            if (decoding && !V4) {
                /* the next bit's knots: one of two neighbouring rows */
                const uint16_t *ap = apmrow + (c0 << 1) * 33;
                PREFETCH(ap);
                PREFETCH(ap + 32);
                PREFETCH(ap + 64);
            }
            int64_t tix = -1;
            int32_t s, ms = 0;
            if (mlen > 0 && (eb >> (j + 1)) == c0) {
                int64_t ln = mlen < 31 ? mlen : 31;
                tix = ln * 2 + ((eb >> j) & 1);
                if (V4) s = stretchx[(tm[tix] & 0xFFFF) >> 4];
                else s = stretchx[tm[tix] >> 20];
                ms = (int32_t)mstate;
            } else {
                s = 0;
            }
            st[NH + 1] = (int16_t)s;
            int32_t *wrow = (int32_t *)wbase + (c0 * 4 + ms) * (NH + 3);
            int64_t dot = (int64_t)s * wrow[NH + 1];
            uint32_t *t1e = t1row + c0;
            if (V4) s = stretchx[(*t1e & 0xFFFF) >> 4];
            else s = stretchx[*t1e >> 20];
            st[0] = (int16_t)s;
            dot += (int64_t)s * wrow[0];
            for (int64_t r = 0; r < NH; r++) {
                s = stretchx[bucket[r][nib] >> 4];
                st[r + 1] = (int16_t)s;
                dot += (int64_t)s * wrow[r + 1];
            }
            st[NH + 2] = 256;
            dot += 256 * (int64_t)wrow[NH + 2];
            dot >>= 16;
            if (dot > 2047) dot = 2047;
            if (dot < -2047) dot = -2047;
            int64_t pm = squash[dot + 2047];
            uint16_t *ap = V4 ? apmrow : apmrow + c0 * 33;
            int64_t lo = 0, w = 0, p;
            if (V4) {
                p = pm; /* no secondary estimate */
            } else {
                int64_t d;
                d = stretch[pm] + 2048;
                lo = d >> 7;
                w = d & 127;
                int64_t pa = ((int64_t)ap[lo] * (128 - w) + (int64_t)ap[lo + 1] * w) >> 11;
                p = (pm + 3 * pa + 2) >> 2;
            }
            if (p < 1) p = 1;
            if (p > 4095) p = 4095;
            int64_t bound = (rng >> 12) * p;
            int64_t bit;
            if (decoding) {
                if (code < bound) {
                    rng = bound;
                    bit = 1;
                } else {
                    code -= bound;
                    rng -= bound;
                    bit = 0;
                }
                while (rng < 0x1000000) {
                    rng = (rng << 8) & 0xFFFFFFFF;
                    int64_t nxt = pos < nbuf ? (int64_t)buf[pos] : 0;
                    code = ((code << 8) | nxt) & 0xFFFFFFFF;
                    pos++;
                }
            } else {
                bit = (cbyte >> j) & 1;
                if (bit) {
                    rng = bound;
                } else {
                    low += bound;
                    rng -= bound;
                }
                while (rng < 0x1000000) {
                    rng = (rng << 8) & 0xFFFFFFFF;
                    if (low < 0xFF000000LL || low >= 0x100000000LL) {
                        int64_t carry = low >> 32;
                        int64_t temp = cache;
                        for (;;) {
                            buf[pos] = (uint8_t)((temp + carry) & 0xFF);
                            pos++;
                            temp = 0xFF;
                            csize--;
                            if (csize == 0) break;
                        }
                        cache = (low >> 24) & 0xFF;
                    }
                    csize++;
                    low = (low & 0x00FFFFFF) << 8;
                }
            }
            total += bitcost[bit ? p : 4096 - p];
            /* |st| <= 2047 and |err| <= 3 * 4095: the products fit 32 bits; the weights
             * wrap as int32 stores of the int64 sums do */
            mix_update(wrow, st, (int32_t)(((bit << 12) - pm) * MIX_LR), NH + 3);
            int64_t target = bit ? 65535 : 0;
            if (V4) *t1e = next16[(bit << 16) | (*t1e & 0xFFFF)];
            else *t1e = (uint32_t)UPDATE(*t1e, target, recip);
            for (int64_t r = 0; r < NH; r++) {
                uint16_t *e = bucket[r] + nib;
                *e = next16[(bit << 16) | *e];
            }
            if (tix >= 0) {
                if (V4) tm[tix] = next16[(bit << 16) | (tm[tix] & 0xFFFF)];
                else tm[tix] = (uint32_t)UPDATE(tm[tix], target, recip);
            }
            if (!V4) {
                int64_t ai = lo + (w >> 6);
                int64_t g = bit ? 65535 : 0;
                ap[ai] = (uint16_t)((int64_t)ap[ai] + ((g - (int64_t)ap[ai]) >> APM_RATE));
            }
            c0 = (c0 << 1) | bit;
            nib = (nib << 1) | bit;
        }
        int64_t byte = c0 & 255;
        if (decoding) data[i] = (uint8_t)byte;
        if (want_costs) costs[i] = total;
        word_step(byte, &wh, &pw);
        if (mlen > 0 && (int64_t)data[mptr] == byte) {
            mlen++;
            mptr++;
        } else {
            mlen = 0;
        }
        if (i + 1 >= MIN_MATCH) {
            /* the encoder's slot was found above, from the same bytes */
            int64_t hmi = decoding ? match_slot(data, i, mmask) : mslot;
            if (mlen == 0) {
                int64_t cand = mhash[hmi];
                if (cand > 0 && cand <= i) { /* always so in a real state */
                    int64_t ln = 0;
                    while (ln < 32 && cand - 1 - ln >= 0 && data[cand - 1 - ln] == data[i - ln]) ln++;
                    if (ln >= MIN_MATCH) {
                        mlen = ln;
                        mptr = cand;
                    }
                }
            }
            mhash[hmi] = i + 1;
        }
        i++;
    }
    regs[0] = low;
    regs[1] = rng;
    regs[2] = cache;
    regs[3] = csize;
    regs[4] = pos;
    regs[5] = code;
    regs[6] = mptr;
    regs[7] = mlen;
    regs[8] = wh;
    regs[9] = pw;
    a->cost[0] = total;
    return i;
}

#define LOOP3_NH(dec, V4)                                                                 \
    switch (a->nh) {                                                                      \
    case 1: return loop3(a, dec, 1, V4);                                                  \
    case 2: return loop3(a, dec, 2, V4);                                                  \
    case 3: return loop3(a, dec, 3, V4);                                                  \
    case 4: return loop3(a, dec, 4, V4);                                                  \
    case 5: return loop3(a, dec, 5, V4);                                                  \
    case 6: return loop3(a, dec, 6, V4);                                                  \
    default: return loop3(a, dec, a->nh, V4);                                             \
    }
#define LOOP3_FOR(dec)                                                                    \
    if (a->ver >= 4) {                                                                    \
        LOOP3_NH(dec, 1)                                                                  \
    } else {                                                                              \
        LOOP3_NH(dec, 0)                                                                  \
    }

static int64_t loop3_enc(Args3 *a) { LOOP3_FOR(0) }
static int64_t loop3_dec(Args3 *a) { LOOP3_FOR(1) }

/* ---- argument checks shared by both loops --------------------------------------- */

#define FAIL(exc, ...)                                                                    \
    do {                                                                                  \
        PyErr_Format(exc, __VA_ARGS__);                                                   \
        goto done;                                                                        \
    } while (0)

static int is_pow2(int64_t x) { return x > 0 && (x & (x - 1)) == 0; }

/* the coder registers and the stretch of data coded so far must be sane, so that no
 * index below leaves its array whatever state a caller passes in */
static int check_common(int64_t start, int64_t end, Py_ssize_t ndata, Py_ssize_t nbuf,
                        const int64_t *regs, Py_ssize_t nregs, Py_ssize_t ncosts, int decoding,
                        int64_t mptr_limit_check) {
    (void)mptr_limit_check;
    if (nregs < 10) {
        PyErr_SetString(PyExc_ValueError, "regs must hold at least 10 registers");
        return -1;
    }
    if (start < 0 || end < start || end > ndata) {
        PyErr_Format(PyExc_ValueError,
                     "start/end (%lld, %lld) must satisfy 0 <= start <= end <= len(data) = %zd",
                     (long long)start, (long long)end, ndata);
        return -1;
    }
    if (ncosts != 0 && ncosts < end) {
        PyErr_Format(PyExc_ValueError, "costs must be empty or hold at least end = %lld items",
                     (long long)end);
        return -1;
    }
    int64_t rng = regs[1], pos = regs[4], csize = regs[3], mptr = regs[6], mlen = regs[7];
    if (rng < 0x1000000LL || rng > 0xFFFFFFFFLL || regs[0] < 0 || regs[0] >= (1LL << 40) ||
        regs[5] < 0 || regs[5] > 0xFFFFFFFFLL || regs[8] < 0 || regs[8] > 0xFFFFFFFFLL ||
        regs[9] < 0 || regs[9] > 0xFFFFFFFFLL || regs[2] < 0 || regs[2] > 255) {
        PyErr_SetString(PyExc_ValueError, "regs hold an impossible coder state");
        return -1;
    }
    if (pos < 0 || (!decoding && (csize < 1 || pos > nbuf)) || csize > (1LL << 40)) {
        PyErr_SetString(PyExc_ValueError, "regs hold an impossible stream position");
        return -1;
    }
    if (mlen < 0 || (mlen > 0 && (mptr < 0 || mptr >= start))) {
        PyErr_SetString(PyExc_ValueError, "regs hold an impossible match state");
        return -1;
    }
    return 0;
}

static int get_tables(Buf *bstretch, Buf *bsquash, Buf *brecip, Buf *bcost, Buf *bapm,
                      Py_ssize_t recip_min, Py_ssize_t apm_min) {
    if (nitems(bstretch) < 4096 || nitems(bsquash) < 4095 || nitems(brecip) < recip_min ||
        nitems(bcost) < 4097 || nitems(bapm) < apm_min) {
        PyErr_SetString(PyExc_ValueError,
                        "stretch (4096), squash (4095), recip (1024), bitcost (4097) or apm "
                        "(65536 x 33) is too short");
        return -1;
    }
    /* their values index one another: stretch in -2047..2047, squash in 0..4095 */
    int wide = bstretch->view.itemsize == 8;
    for (Py_ssize_t k = 0; k < 4096; k++) {
        int64_t v = wide ? ((int64_t *)bstretch->view.buf)[k] : ((int32_t *)bstretch->view.buf)[k];
        int64_t u = k == 4095 ? 0
                    : wide    ? ((int64_t *)bsquash->view.buf)[k]
                              : ((int32_t *)bsquash->view.buf)[k];
        if (v < -2047 || v > 2047 || u < 0 || u > 4095) {
            PyErr_SetString(PyExc_ValueError,
                            "stretch must lie in -2047..2047 and squash in 0..4095");
            return -1;
        }
    }
    return 0;
}

/* loop(data, start, end, buf, regs, cost, t0, t1, th, tm, mix, mhash, apm, stretch,
 *      squash, recip, bitcost, order, tb, decoding, costs, ver) -> i */
static PyObject *py_loop(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *o[17];
    long long start, end, order, tb, ver;
    int decoding;
    PyObject *ocosts;
    if (!PyArg_ParseTuple(args, "OLLOOOOOOOOOOOOOOLLpOL:loop", &o[0], &start, &end, &o[1],
                          &o[2], &o[3], &o[4], &o[5], &o[6], &o[7], &o[8], &o[9], &o[10],
                          &o[11], &o[12], &o[13], &o[14], &order, &tb, &decoding, &ocosts,
                          &ver))
        return NULL;
    Buf b[18];
    for (int q = 0; q < 18; q++) b[q].held = 0;
    PyObject *ret = NULL;
    Args12 a;
    if (buf_get(o[0], &b[0], "data", 'u', 1, 1, 0) < 0) goto done;
    if (buf_get(o[1], &b[1], "buf", 'u', 1, 1, 0) < 0) goto done;
    if (buf_get(o[2], &b[2], "regs", 'i', 8, 1, 0) < 0) goto done;
    if (buf_get(o[3], &b[3], "cost", 'f', 8, 1, 0) < 0) goto done;
    if (buf_get(o[4], &b[4], "t0", 'u', 4, 1, 0) < 0) goto done;
    if (buf_get(o[5], &b[5], "t1", 'u', 4, 1, 0) < 0) goto done;
    if (buf_get(o[6], &b[6], "th", 'u', 4, 1, 2) < 0) goto done;
    if (buf_get(o[7], &b[7], "tm", 'u', 4, 1, 0) < 0) goto done;
    if (buf_get(o[8], &b[8], "mix", 'i', 8, 1, 2) < 0) goto done;
    if (buf_get(o[9], &b[9], "mhash", 'i', 8, 1, 0) < 0) goto done;
    if (buf_get(o[10], &b[10], "apm", 'i', 4, 1, 0) < 0) goto done;
    if (buf_get(o[11], &b[11], "stretch", 'i', 8, 0, 0) < 0) goto done;
    if (buf_get(o[12], &b[12], "squash", 'i', 8, 0, 0) < 0) goto done;
    if (buf_get(o[13], &b[13], "recip", 'i', 8, 0, 0) < 0) goto done;
    if (buf_get(o[14], &b[14], "bitcost", 'f', 8, 0, 0) < 0) goto done;
    if (buf_get(ocosts, &b[15], "costs", 'f', 8, 1, 0) < 0) goto done;
    if (order < 0 || order > 8) FAIL(PyExc_ValueError, "order must be 0..8, got %lld", order);
    if (tb < 4 || tb > 30) FAIL(PyExc_ValueError, "tb must be 4..30, got %lld", tb);
    int64_t nw = (ver >= 2 && order >= 2) ? 2 : 0;
    int64_t n_in = order >= 1 ? order + 3 + nw : 2;
    int64_t rows = order - 1 + nw;
    if (nitems(&b[4]) < 256 || nitems(&b[5]) < 65536 || nitems(&b[7]) < 128)
        FAIL(PyExc_ValueError, "t0 (256), t1 (65536) or tm (128) is too short");
    if (rows > 0 && (b[6].view.shape[0] < rows || b[6].view.shape[1] < ((Py_ssize_t)1 << tb)))
        FAIL(PyExc_ValueError, "th must have at least %lld rows of 2**tb entries", (long long)rows);
    if (b[8].view.shape[1] != n_in || b[8].view.shape[0] < (nw ? 8192 : 1024))
        FAIL(PyExc_ValueError, "mix must have %lld columns and enough weight sets",
             (long long)n_in);
    if (!is_pow2(nitems(&b[9]))) FAIL(PyExc_ValueError, "mhash's length must be a power of 2");
    if (get_tables(&b[11], &b[12], &b[13], &b[14], &b[10], 1024, 65536 * 33) < 0) goto done;
    int64_t *regs = (int64_t *)b[2].view.buf;
    if (check_common(start, end, nitems(&b[0]), nitems(&b[1]), regs, nitems(&b[2]),
                     nitems(&b[15]), decoding, 0) < 0)
        goto done;
    if (nitems(&b[3]) < 1) FAIL(PyExc_ValueError, "cost must hold one item");
    a.data = b[0].view.buf;
    a.start = start;
    a.end = end;
    a.buf = b[1].view.buf;
    a.nbuf = nitems(&b[1]);
    a.regs = regs;
    a.cost = b[3].view.buf;
    a.t0 = b[4].view.buf;
    a.t1 = b[5].view.buf;
    a.th = b[6].view.buf;
    a.th_rows = b[6].view.shape[0];
    a.th_len = b[6].view.shape[1];
    a.tm = b[7].view.buf;
    a.mix = b[8].view.buf;
    a.mix_rows = b[8].view.shape[0];
    a.n_in = n_in;
    a.mhash = b[9].view.buf;
    a.nmhash = nitems(&b[9]);
    a.apm = b[10].view.buf;
    a.stretch = b[11].view.buf;
    a.squash = b[12].view.buf;
    a.recip = b[13].view.buf;
    a.bitcost = b[14].view.buf;
    a.order = order;
    a.tb = tb;
    a.ver = ver;
    a.costs = b[15].view.buf;
    a.ncosts = nitems(&b[15]);
    int64_t r;
    Py_BEGIN_ALLOW_THREADS
    r = decoding ? loop12_dec(&a) : loop12_enc(&a);
    Py_END_ALLOW_THREADS
    ret = PyLong_FromLongLong(r);
done:
    for (int q = 0; q < 18; q++) buf_release(&b[q]);
    return ret;
}

/* loop3(data, start, end, buf, regs, cost, t1, th, tm, mix, mhash, apm, stretch, squash,
 *       recip, bitcost, ctx, tb, decoding, costs[, ver = 3]) -> i */
static PyObject *py_loop3(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *o[16];
    long long start, end, tb;
    int decoding;
    PyObject *ocosts;
    long long ver = 3;
    if (!PyArg_ParseTuple(args, "OLLOOOOOOOOOOOOOOLpO|L:loop3", &o[0], &start, &end, &o[1],
                          &o[2], &o[3], &o[4], &o[5], &o[6], &o[7], &o[8], &o[9], &o[10],
                          &o[11], &o[12], &o[13], &o[14], &tb, &decoding, &ocosts, &ver))
        return NULL;
    Buf b[17];
    for (int q = 0; q < 17; q++) b[q].held = 0;
    PyObject *ret = NULL;
    Args3 a;
    if (buf_get(o[0], &b[0], "data", 'u', 1, 1, 0) < 0) goto done;
    if (buf_get(o[1], &b[1], "buf", 'u', 1, 1, 0) < 0) goto done;
    if (buf_get(o[2], &b[2], "regs", 'i', 8, 1, 0) < 0) goto done;
    if (buf_get(o[3], &b[3], "cost", 'f', 8, 1, 0) < 0) goto done;
    if (buf_get(o[4], &b[4], "t1", 'u', 4, 1, 0) < 0) goto done;
    if (buf_get(o[5], &b[5], "th", 'u', 2, 1, 0) < 0) goto done;
    if (buf_get(o[6], &b[6], "tm", 'u', 4, 1, 0) < 0) goto done;
    if (buf_get(o[7], &b[7], "mix", 'i', 4, 1, 2) < 0) goto done;
    if (buf_get(o[8], &b[8], "mhash", 'i', 8, 1, 0) < 0) goto done;
    if (buf_get(o[9], &b[9], "apm", 'u', 2, 1, 0) < 0) goto done;
    if (buf_get(o[10], &b[10], "stretch", 'i', 4, 0, 0) < 0) goto done;
    if (buf_get(o[11], &b[11], "squash", 'i', 4, 0, 0) < 0) goto done;
    if (buf_get(o[12], &b[12], "recip", 'i', 4, 0, 0) < 0) goto done;
    if (buf_get(o[13], &b[13], "bitcost", 'f', 8, 0, 0) < 0) goto done;
    if (buf_get(o[14], &b[14], "ctx", 'i', 8, 0, 0) < 0) goto done;
    if (buf_get(ocosts, &b[15], "costs", 'f', 8, 1, 0) < 0) goto done;
    if (tb < 4 || tb > 30) FAIL(PyExc_ValueError, "tb must be 4..30, got %lld", tb);
    int64_t nh = nitems(&b[14]);
    if (nh < 1 || nh > MAX_CTX) FAIL(PyExc_ValueError, "ctx must list 1..%d contexts", MAX_CTX);
    const int64_t *ctx = b[14].view.buf;
    for (int64_t r = 0; r < nh; r++) {
        int64_t c = ctx[r];
        if (!(c == WORD || c == WORD_PAIR || (c >= 2 && c <= 16)))
            FAIL(PyExc_ValueError, "ctx[%lld] = %lld is not an order 2..16 or a word context",
                 (long long)r, (long long)c);
    }
    if (nitems(&b[4]) < 65536 || nitems(&b[6]) < 64)
        FAIL(PyExc_ValueError, "t1 (65536) or tm (64) is too short");
    if (nitems(&b[5]) < (nh << tb))
        FAIL(PyExc_ValueError, "th must hold len(ctx) * 2**tb entries");
    if (b[7].view.shape[1] != nh + 3 || b[7].view.shape[0] < 8 * 256 * 4)
        FAIL(PyExc_ValueError, "mix must be (8192, len(ctx) + 3)");
    if (!is_pow2(nitems(&b[8]))) FAIL(PyExc_ValueError, "mhash's length must be a power of 2");
    if (ver != 3 && ver != 4) FAIL(PyExc_ValueError, "ver must be 3 or 4, got %lld", ver);
    /* model 4 has no secondary estimate: its apm may be empty */
    if (get_tables(&b[10], &b[11], &b[12], &b[13], &b[9], 1024, ver >= 4 ? 0 : 65536 * 33) < 0)
        goto done;
    int64_t *regs = (int64_t *)b[2].view.buf;
    if (check_common(start, end, nitems(&b[0]), nitems(&b[1]), regs, nitems(&b[2]),
                     nitems(&b[15]), decoding, 0) < 0)
        goto done;
    if (nitems(&b[3]) < 1) FAIL(PyExc_ValueError, "cost must hold one item");
    a.data = b[0].view.buf;
    a.start = start;
    a.end = end;
    a.buf = b[1].view.buf;
    a.nbuf = nitems(&b[1]);
    a.regs = regs;
    a.cost = b[3].view.buf;
    a.t1 = b[4].view.buf;
    a.th = b[5].view.buf;
    a.tm = b[6].view.buf;
    a.mix = b[7].view.buf;
    a.mhash = b[8].view.buf;
    a.nmhash = nitems(&b[8]);
    a.apm = b[9].view.buf;
    a.stretch = b[10].view.buf;
    a.squash = b[11].view.buf;
    a.recip = b[12].view.buf;
    a.bitcost = b[13].view.buf;
    a.ctx = ctx;
    a.nh = nh;
    a.ver = ver;
    a.tb = tb;
    a.costs = b[15].view.buf;
    a.ncosts = nitems(&b[15]);
    int owned;
    uint16_t *next16 = next16_table(a.recip, &owned);
    if (next16 == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    a.next16 = next16;
    int64_t r;
    Py_BEGIN_ALLOW_THREADS
    r = decoding ? loop3_dec(&a) : loop3_enc(&a);
    Py_END_ALLOW_THREADS
    if (owned) PyMem_RawFree(next16);
    ret = PyLong_FromLongLong(r);
done:
    for (int q = 0; q < 17; q++) buf_release(&b[q]);
    return ret;
}

/* e8e9(data, forward): _e8e9_py, in place */
static PyObject *py_e8e9(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *od;
    int forward;
    if (!PyArg_ParseTuple(args, "Op:e8e9", &od, &forward)) return NULL;
    Buf b;
    if (buf_get(od, &b, "data", 'u', 1, 1, 0) < 0) {
        buf_release(&b);
        return NULL;
    }
    uint8_t *data = b.view.buf;
    int64_t n = nitems(&b);
    Py_BEGIN_ALLOW_THREADS
    int64_t i = 0, last = -8;
    while (i + 4 < n) {
        uint8_t op = data[i];
        if (op == 0xE8 || op == 0xE9) {
            uint8_t top = data[i + 4];
            if ((top == 0 || top == 0xFF) && i - last > 3) {
                int64_t x = (int64_t)data[i + 1] | ((int64_t)data[i + 2] << 8) |
                            ((int64_t)data[i + 3] << 16);
                x = forward ? ((x + i) & 0xFFFFFF) : ((x - i) & 0xFFFFFF);
                data[i + 1] = (uint8_t)(x & 0xFF);
                data[i + 2] = (uint8_t)((x >> 8) & 0xFF);
                data[i + 3] = (uint8_t)((x >> 16) & 0xFF);
                i += 5;
                continue;
            }
            last = i;
        }
        i++;
    }
    Py_END_ALLOW_THREADS
    buf_release(&b);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"loop", py_loop, METH_VARARGS,
     "loop(data, start, end, buf, regs, cost, t0, t1, th, tm, mix, mhash, apm, stretch, "
     "squash, recip, bitcost, order, tb, decoding, costs, ver) -> int\n\n"
     "The coding loop of models 1 and 2 (infobits.codes._cmloop._loop)."},
    {"loop3", py_loop3, METH_VARARGS,
     "loop3(data, start, end, buf, regs, cost, t1, th, tm, mix, mhash, apm, stretch, "
     "squash, recip, bitcost, ctx, tb, decoding, costs, ver=3) -> int\n\n"
     "The coding loop of models 3 and 4 (infobits.codes._cmloop._loop3)."},
    {"e8e9", py_e8e9, METH_VARARGS,
     "e8e9(data, forward) -> None\n\n"
     "The x86 call transform, in place (infobits.codes._cmloop._e8e9_py)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "_cmcore",
    "The adaptive byte coder's inner loops in C (see infobits.codes._cmloop).", -1, methods,
};

PyMODINIT_FUNC PyInit__cmcore(void) { return PyModule_Create(&moduledef); }
