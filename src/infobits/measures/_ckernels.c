/*
 * Fused row kernels for the NumPy engine's blocked measures (optional).
 *
 * Each kernel walks whole rows of float64 or float32 arrays (rows contiguous) in chunks of
 * CHUNK elements held on the stack, so a call makes no Python or NumPy call per block
 * and allocates nothing in proportion to its input. The logarithm and the exponential
 * are NumPy's own inner loops (the SIMD loops np.log and np.exp run), looked up once
 * from the ufunc objects when the module is imported: no hand-written transcendental
 * function, and the same values NumPy gives. If a loop cannot be found, or does not
 * give log 1 = 0, log e = 1, exp 0 = 1, the module says so (AVAILABLE = False) and the
 * caller keeps its NumPy path.
 *
 * The kernels compute, per row, the partial sums the Python kernels of _blocked.py and
 * _numpy.py produce (Σ p·log p, Σ p·log q, Σ p·log(p/q), the row sums of the inputs,
 * the minimum of p), with the same meaning for NaN, inf, zeros and negative entries;
 * every decision on them (what to redo, what to check) stays in Python. A chunk is
 * summed in vectors of eight float64 lanes (sixteen float32 lanes for float32 input,
 * as NumPy's float32 dot sums in float32, over shorter chains), and the chunks' sums
 * are added in float64 with Neumaier's compensation. The GIL is released while a
 * kernel runs; the floating-point exception flags are left as they were.
 */
#define PY_SSIZE_T_CLEAN
#if defined(_MSC_VER)
#define _USE_MATH_DEFINES /* M_E, M_LN2, M_LN10 */
#define restrict __restrict
#endif
#include <Python.h>

#include <fenv.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include <numpy/arrayobject.h>
#include <numpy/arrayscalars.h>
#include <numpy/ufuncobject.h>

/* Elements per chunk: a chunk of p, of q and of their logarithms stays in L1, and a
 * float32 lane sums no more than CHUNK/16 = 64 terms in float32. */
#define CHUNK 1024
#if defined(__GNUC__)
#define ALIGN64 __attribute__((aligned(64)))
#else
#define ALIGN64
#endif
#define LANES 8

/* Compile the hot loops for several instruction sets, one picked at load time, where
 * the toolchain is known to do that (GCC 12 or later, x86-64, glibc's ifunc); elsewhere,
 * one portable build. */
#if defined(__x86_64__) && defined(__GLIBC__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__INTEL_COMPILER) && __GNUC__ >= 12
#define CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define CLONES
#endif

typedef void (*loop_fn)(char **, npy_intp const *, npy_intp const *, void *);

typedef struct {
    loop_fn fn;
    void *data;
} Loop;

static Loop LOG_D, LOG_F, EXP_D, EXP_F;
static PyObject *ufuncs_held = NULL; /* the ufuncs whose loops are used, kept alive */
static int available = 0;

/* out[0:n] = f(in[0:n]) through a NumPy unary inner loop (contiguous). */
static inline void
run_loop(const Loop *l, const void *in, void *out, npy_intp n, npy_intp itemsize)
{
    char *args[2] = {(char *)in, (char *)out};
    npy_intp dims[1] = {n};
    npy_intp steps[2] = {itemsize, itemsize};
    l->fn(args, dims, steps, l->data);
}

/* ------------------------------------------------------------------------------------
 * Sums of chunks. T is the input type; every sum is in double.
 */

typedef struct {
    double s, c; /* Neumaier: sum and compensation */
} Acc;

static inline void
acc_add(Acc *a, double x)
{
    double t = a->s + x;
    if (fabs(a->s) >= fabs(x)) {
        a->c += (a->s - t) + x;
    }
    else {
        a->c += (x - t) + a->s;
    }
    a->s = t;
}

static inline double
acc_get(const Acc *a)
{
    /* inf or NaN: the plain sum is the answer (the compensation would be NaN) */
    return isfinite(a->s) ? a->s + a->c : a->s;
}

#if defined(__GNUC__)
/* One GNU vector of accumulators per sum, 64 bytes: eight doubles, or sixteen floats
 * for float32 input (a chunk's sums in float32, as NumPy's float32 dot keeps them, but
 * over chains of CHUNK/16 terms; the chunks are then added in float64). The compiler
 * maps the vector onto the clone's registers (4 x SSE2, 2 x AVX2, 1 x AVX-512). */
#pragma GCC diagnostic ignored "-Wpsabi"
typedef double vd __attribute__((vector_size(64)));
typedef long long vld __attribute__((vector_size(64)));
typedef float vf __attribute__((vector_size(64)));
typedef int vlf __attribute__((vector_size(64)));

#define VLOAD(V, NAME, T)                                                   \
    static inline __attribute__((always_inline)) V NAME(const T *x)        \
    {                                                                       \
        V v;                                                                \
        memcpy(&v, x, sizeof v);                                            \
        return v;                                                           \
    }
VLOAD(vd, load_d, double)
VLOAD(vf, load_f, float)

/* lanewise min of V vectors x and m, keeping m where x is not below it (a NaN x is
 * passed over); VL the same-size integer vector */
#define VMIN(VL, x, m) ((__typeof__(m))((((VL)(x)) & ((x) < (m))) | (((VL)(m)) & ~((x) < (m)))))

static inline __attribute__((always_inline)) double
vsum_d(const vd *p)
{
    vd v = *p;
    return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
}

static inline __attribute__((always_inline)) double
vsum_f(const vf *p)
{
    vf v = *p;
    double h[8];
    for (int u = 0; u < 8; u++) {
        h[u] = (double)v[u] + (double)v[u + 8];
    }
    return ((h[0] + h[1]) + (h[2] + h[3])) + ((h[4] + h[5]) + (h[6] + h[7]));
}

/* For each element type: Σ x·l; Σ x·l and Σ x; Σ x·l, Σ x, Σ y and min x; Σ x.
 * Tails (n not a multiple of the lanes) are summed in double. */
#define SUMS(T, SUF, V, VI, NL)                                                           \
    static inline __attribute__((always_inline)) double dot_##SUF(                      \
        const T *restrict x, const T *restrict l, npy_intp n)                           \
    {                                                                                   \
        V a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};                                       \
        npy_intp j = 0;                                                                 \
        for (; j + 4 * NL <= n; j += 4 * NL) {                                          \
            a0 += load_##SUF(x + j) * load_##SUF(l + j);                                \
            a1 += load_##SUF(x + j + NL) * load_##SUF(l + j + NL);                      \
            a2 += load_##SUF(x + j + 2 * NL) * load_##SUF(l + j + 2 * NL);              \
            a3 += load_##SUF(x + j + 3 * NL) * load_##SUF(l + j + 3 * NL);              \
        }                                                                               \
        for (; j + NL <= n; j += NL) {                                                  \
            a0 += load_##SUF(x + j) * load_##SUF(l + j);                                \
        }                                                                               \
        a0 = (a0 + a1) + (a2 + a3);                                                     \
        double r = vsum_##SUF(&a0);                                                      \
        for (; j < n; j++) {                                                            \
            r += (double)x[j] * (double)l[j];                                           \
        }                                                                               \
        return r;                                                                       \
    }                                                                                   \
    static inline __attribute__((always_inline)) void dot_sum_##SUF(                    \
        const T *restrict x, const T *restrict l, npy_intp n, double *d, double *s)     \
    {                                                                                   \
        V a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, b0 = {0}, b1 = {0};                   \
        npy_intp j = 0;                                                                 \
        for (; j + 4 * NL <= n; j += 4 * NL) {                                          \
            V x0 = load_##SUF(x + j), x1 = load_##SUF(x + j + NL);                      \
            V x2 = load_##SUF(x + j + 2 * NL), x3 = load_##SUF(x + j + 3 * NL);         \
            a0 += x0 * load_##SUF(l + j);                                               \
            a1 += x1 * load_##SUF(l + j + NL);                                          \
            a2 += x2 * load_##SUF(l + j + 2 * NL);                                      \
            a3 += x3 * load_##SUF(l + j + 3 * NL);                                      \
            b0 += x0 + x2;                                                              \
            b1 += x1 + x3;                                                              \
        }                                                                               \
        for (; j + NL <= n; j += NL) {                                                  \
            V xv = load_##SUF(x + j);                                                   \
            a0 += xv * load_##SUF(l + j);                                               \
            b0 += xv;                                                                   \
        }                                                                               \
        a0 = (a0 + a1) + (a2 + a3);                                                     \
        b0 += b1;                                                                       \
        double r = vsum_##SUF(&a0), t = vsum_##SUF(&b0);                                  \
        for (; j < n; j++) {                                                            \
            r += (double)x[j] * (double)l[j];                                           \
            t += (double)x[j];                                                          \
        }                                                                               \
        *d = r;                                                                         \
        *s = t;                                                                         \
    }                                                                                   \
    static inline __attribute__((always_inline)) void dotdiff_sum_##SUF(                \
        const T *restrict x, const T *restrict l, const T *restrict z, npy_intp n,      \
        double *d, double *s)                                                           \
    {                                                                                   \
        V a0 = {0}, a1 = {0}, b0 = {0}, b1 = {0};                                       \
        npy_intp j = 0;                                                                 \
        for (; j + 2 * NL <= n; j += 2 * NL) {                                          \
            V x0 = load_##SUF(x + j), x1 = load_##SUF(x + j + NL);                      \
            a0 += x0 * (load_##SUF(l + j) - load_##SUF(z + j));                         \
            a1 += x1 * (load_##SUF(l + j + NL) - load_##SUF(z + j + NL));               \
            b0 += x0;                                                                   \
            b1 += x1;                                                                   \
        }                                                                               \
        for (; j + NL <= n; j += NL) {                                                  \
            V xv = load_##SUF(x + j);                                                   \
            a0 += xv * (load_##SUF(l + j) - load_##SUF(z + j));                         \
            b0 += xv;                                                                   \
        }                                                                               \
        a0 += a1;                                                                       \
        b0 += b1;                                                                       \
        double r = vsum_##SUF(&a0), t = vsum_##SUF(&b0);                                  \
        for (; j < n; j++) {                                                            \
            r += (double)x[j] * (double)(l[j] - z[j]);                                  \
            t += (double)x[j];                                                          \
        }                                                                               \
        *d = r;                                                                         \
        *s = t;                                                                         \
    }                                                                                   \
    static inline __attribute__((always_inline)) void dot_all_##SUF(                    \
        const T *restrict x, const T *restrict l, const T *restrict y, npy_intp n,      \
        double *d, double *sx, double *sy, T *lo)                                       \
    {                                                                                   \
        V a0 = {0}, a1 = {0}, b0 = {0}, b1 = {0}, c0 = {0}, c1 = {0}, m0, m1;           \
        for (int u = 0; u < NL; u++) {                                                  \
            m0[u] = *lo;                                                                \
        }                                                                               \
        m1 = m0;                                                                        \
        npy_intp j = 0;                                                                 \
        for (; j + 2 * NL <= n; j += 2 * NL) {                                          \
            V x0 = load_##SUF(x + j), x1 = load_##SUF(x + j + NL);                      \
            a0 += x0 * load_##SUF(l + j);                                               \
            a1 += x1 * load_##SUF(l + j + NL);                                          \
            b0 += x0;                                                                   \
            b1 += x1;                                                                   \
            c0 += load_##SUF(y + j);                                                    \
            c1 += load_##SUF(y + j + NL);                                               \
            m0 = VMIN(VI, x0, m0);                                                    \
            m1 = VMIN(VI, x1, m1);                                                    \
        }                                                                               \
        for (; j + NL <= n; j += NL) {                                                  \
            V xv = load_##SUF(x + j);                                                   \
            a0 += xv * load_##SUF(l + j);                                               \
            b0 += xv;                                                                   \
            c0 += load_##SUF(y + j);                                                    \
            m0 = VMIN(VI, xv, m0);                                                    \
        }                                                                               \
        a0 += a1;                                                                       \
        b0 += b1;                                                                       \
        c0 += c1;                                                                       \
        m0 = VMIN(VI, m1, m0);                                                        \
        double r = vsum_##SUF(&a0), s = vsum_##SUF(&b0), t = vsum_##SUF(&c0);              \
        T lw = m0[0];                                                                   \
        for (int u = 1; u < NL; u++) {                                                  \
            lw = m0[u] < lw ? m0[u] : lw;                                               \
        }                                                                               \
        for (; j < n; j++) {                                                            \
            T xv = x[j];                                                                \
            r += (double)xv * (double)l[j];                                             \
            s += (double)xv;                                                            \
            t += (double)y[j];                                                          \
            lw = xv < lw ? xv : lw;                                                     \
        }                                                                               \
        *d = r;                                                                         \
        *sx = s;                                                                        \
        *sy = t;                                                                        \
        *lo = lw;                                                                       \
    }                                                                                   \
    static inline __attribute__((always_inline)) double sum_##SUF(const T *restrict x,  \
                                                                  npy_intp n)           \
    {                                                                                   \
        V a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};                                       \
        npy_intp j = 0;                                                                 \
        for (; j + 4 * NL <= n; j += 4 * NL) {                                          \
            a0 += load_##SUF(x + j);                                                    \
            a1 += load_##SUF(x + j + NL);                                               \
            a2 += load_##SUF(x + j + 2 * NL);                                           \
            a3 += load_##SUF(x + j + 3 * NL);                                           \
        }                                                                               \
        for (; j + NL <= n; j += NL) {                                                  \
            a0 += load_##SUF(x + j);                                                    \
        }                                                                               \
        a0 = (a0 + a1) + (a2 + a3);                                                     \
        double r = vsum_##SUF(&a0);                                                      \
        for (; j < n; j++) {                                                            \
            r += (double)x[j];                                                          \
        }                                                                               \
        return r;                                                                       \
    }

SUMS(double, d, vd, vld, 8)
SUMS(float, f, vf, vlf, 16)

#else /* portable C: eight scalar accumulators, in double */
static inline double
lanes_sum(const double *v)
{
    return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
}

/* For each element type: Σ x·l; Σ x·l and Σ x; Σ x·l, Σ x, Σ y and min x; Σ x;
 * Σ x·(l − z) and Σ x (z may be l's partner). */
#define SUMS(T, SUF)                                                                    \
    static inline double dot_##SUF(const T *restrict x, const T *restrict l, npy_intp n) \
    {                                                                                   \
        double a[LANES] = {0};                                                          \
        npy_intp j = 0;                                                                 \
        for (; j + LANES <= n; j += LANES) {                                            \
            for (int u = 0; u < LANES; u++) {                                           \
                a[u] += (double)x[j + u] * (double)l[j + u];                            \
            }                                                                           \
        }                                                                               \
        for (; j < n; j++) {                                                            \
            a[0] += (double)x[j] * (double)l[j];                                        \
        }                                                                               \
        return lanes_sum(a);                                                            \
    }                                                                                   \
    static inline void dot_sum_##SUF(const T *restrict x, const T *restrict l,          \
                                     npy_intp n, double *d, double *s)                  \
    {                                                                                   \
        double a[LANES] = {0}, b[LANES] = {0};                                          \
        npy_intp j = 0;                                                                 \
        for (; j + LANES <= n; j += LANES) {                                            \
            for (int u = 0; u < LANES; u++) {                                           \
                double xv = (double)x[j + u];                                           \
                a[u] += xv * (double)l[j + u];                                          \
                b[u] += xv;                                                             \
            }                                                                           \
        }                                                                               \
        for (; j < n; j++) {                                                            \
            a[0] += (double)x[j] * (double)l[j];                                        \
            b[0] += (double)x[j];                                                       \
        }                                                                               \
        *d = lanes_sum(a);                                                              \
        *s = lanes_sum(b);                                                              \
    }                                                                                   \
    static inline void dotdiff_sum_##SUF(const T *restrict x, const T *restrict l,      \
                                         const T *restrict z, npy_intp n, double *d,    \
                                         double *s)                                     \
    {                                                                                   \
        double a[LANES] = {0}, b[LANES] = {0};                                          \
        npy_intp j = 0;                                                                 \
        for (; j + LANES <= n; j += LANES) {                                            \
            for (int u = 0; u < LANES; u++) {                                           \
                double xv = (double)x[j + u];                                           \
                a[u] += xv * (double)(l[j + u] - z[j + u]);                             \
                b[u] += xv;                                                             \
            }                                                                           \
        }                                                                               \
        for (; j < n; j++) {                                                            \
            a[0] += (double)x[j] * (double)(l[j] - z[j]);                               \
            b[0] += (double)x[j];                                                       \
        }                                                                               \
        *d = lanes_sum(a);                                                              \
        *s = lanes_sum(b);                                                              \
    }                                                                                   \
    static inline void dot_all_##SUF(const T *restrict x, const T *restrict l,          \
                                     const T *restrict y, npy_intp n, double *d,        \
                                     double *sx, double *sy, T *lo)                     \
    {                                                                                   \
        double a[LANES] = {0}, b[LANES] = {0}, c[LANES] = {0};                          \
        T m[LANES];                                                                     \
        for (int u = 0; u < LANES; u++) {                                               \
            m[u] = *lo;                                                                 \
        }                                                                               \
        npy_intp j = 0;                                                                 \
        for (; j + LANES <= n; j += LANES) {                                            \
            for (int u = 0; u < LANES; u++) {                                           \
                T xv = x[j + u];                                                        \
                a[u] += (double)xv * (double)l[j + u];                                  \
                b[u] += (double)xv;                                                     \
                c[u] += (double)y[j + u];                                               \
                m[u] = xv < m[u] ? xv : m[u];                                           \
            }                                                                           \
        }                                                                               \
        for (; j < n; j++) {                                                            \
            T xv = x[j];                                                                \
            a[0] += (double)xv * (double)l[j];                                          \
            b[0] += (double)xv;                                                         \
            c[0] += (double)y[j];                                                       \
            m[0] = xv < m[0] ? xv : m[0];                                               \
        }                                                                               \
        *d = lanes_sum(a);                                                              \
        *sx = lanes_sum(b);                                                             \
        *sy = lanes_sum(c);                                                             \
        T r = m[0];                                                                     \
        for (int u = 1; u < LANES; u++) {                                               \
            r = m[u] < r ? m[u] : r;                                                    \
        }                                                                               \
        *lo = r;                                                                        \
    }                                                                                   \
    static inline double sum_##SUF(const T *restrict x, npy_intp n)                     \
    {                                                                                   \
        double a[LANES] = {0};                                                          \
        npy_intp j = 0;                                                                 \
        for (; j + LANES <= n; j += LANES) {                                            \
            for (int u = 0; u < LANES; u++) {                                           \
                a[u] += (double)x[j + u];                                               \
            }                                                                           \
        }                                                                               \
        for (; j < n; j++) {                                                            \
            a[0] += (double)x[j];                                                       \
        }                                                                               \
        return lanes_sum(a);                                                            \
    }

SUMS(double, d)
SUMS(float, f)
#endif

/* Ask for the next chunk of a row (or the start of the next row) while this one is being
 * worked on: the hardware's stream prefetcher stops at page boundaries and falls behind a
 * loop that spends its time in exp or log, so cold rows arrive late without this. */
#if defined(__GNUC__)
#define PREFETCH_LINE(a) __builtin_prefetch((a), 0, 3)
#else
#define PREFETCH_LINE(a) ((void)0)
#endif

static inline void
prefetch_next(const char *base, npy_intp stride, npy_intp i, npy_intp m, npy_intp c0,
              npy_intp k, npy_intp nc, npy_intp itemsize)
{
    /* the next chunk, counting across the ends of rows */
    npy_intp col = c0 + nc, row = i;
    if (col >= k) {
        row += col / k;
        col %= k;
    }
    if (row >= m) {
        return;
    }
    const char *start = base + row * stride + col * itemsize;
    npy_intp n = k - col < nc ? k - col : nc;
    for (npy_intp b = 0; b < n * itemsize; b += 64) {
        PREFETCH_LINE(start + b);
    }
}

/* ------------------------------------------------------------------------------------
 * Probability rows: out[0] Σ p·log x (x = p, q or p/q), then, with ``stats`` > 1, Σ p,
 * then (stats 4) Σ q and min p. ``out`` is (stats, rows) of the input's type, row
 * stride ``os``.
 */

enum { K_ENTROPY = 0, K_CE = 1, K_KL = 2 };

#define PROBS_ROW(T, SUF, LOGLOOP)                                                      \
    CLONES static void probs_rows_##SUF(int kind, int stats, const char *pb,            \
                                        npy_intp ps, const char *qb, npy_intp qs,       \
                                        npy_intp m, npy_intp k, T *out, npy_intp os)    \
    {                                                                                   \
        enum { NC = CHUNK };                                                            \
        T buf[NC] ALIGN64;                                                              \
        for (npy_intp i = 0; i < m; i++) {                                              \
            const T *p = (const T *)(pb + i * ps);                                      \
            const T *q = kind == K_ENTROPY ? p : (const T *)(qb + i * qs);              \
            Acc d = {0, 0}, sp = {0, 0}, sq = {0, 0};                                   \
            T lo = (T)INFINITY;                                                         \
            for (npy_intp c0 = 0; c0 < k; c0 += NC) {                                   \
                npy_intp n = k - c0 < NC ? k - c0 : NC;                                 \
                if (kind != K_KL) { /* (KL's own first pass over p and q keeps up) */   \
                    prefetch_next(pb, ps, i, m, c0, k, NC, sizeof(T));                  \
                }                                                                       \
                if (kind == K_CE) {                                                     \
                    prefetch_next(qb, qs, i, m, c0, k, NC, sizeof(T));                  \
                }                                                                       \
                const T *pc = p + c0, *qc = q + c0;                                     \
                if (kind == K_KL) {                                                     \
                    for (npy_intp j = 0; j < n; j++) {                                  \
                        buf[j] = pc[j] / qc[j];                                         \
                    }                                                                   \
                    run_loop(&LOGLOOP, buf, buf, n, sizeof(T));                         \
                }                                                                       \
                else {                                                                  \
                    run_loop(&LOGLOOP, qc, buf, n, sizeof(T));                          \
                }                                                                       \
                double a, b, c;                                                         \
                if (stats >= 4) {                                                       \
                    dot_all_##SUF(pc, buf, qc, n, &a, &b, &c, &lo);                     \
                    acc_add(&d, a);                                                     \
                    acc_add(&sp, b);                                                    \
                    acc_add(&sq, c);                                                    \
                }                                                                       \
                else if (stats >= 2) {                                                  \
                    dot_sum_##SUF(pc, buf, n, &a, &b);                                  \
                    acc_add(&d, a);                                                     \
                    acc_add(&sp, b);                                                    \
                }                                                                       \
                else {                                                                  \
                    acc_add(&d, dot_##SUF(pc, buf, n));                                 \
                }                                                                       \
            }                                                                           \
            /* stored in the input's dtype, as NumPy's kernels store them */            \
            out[i] = (T)acc_get(&d);                                                    \
            if (stats >= 2) {                                                           \
                double t = acc_get(&sp);                                                \
                out[os + i] = (T)t;                                                     \
                if (stats >= 4) {                                                       \
                    out[2 * os + i] = (T)acc_get(&sq);                                  \
                    /* NaN in p makes Σp NaN; min p then says NaN too, as NumPy's does */ \
                    out[3 * os + i] = isnan(t) ? (T)NAN : lo;                           \
                }                                                                       \
            }                                                                           \
        }                                                                               \
    }

PROBS_ROW(double, d, LOG_D)
PROBS_ROW(float, f, LOG_F)

/* ------------------------------------------------------------------------------------
 * KL of nearby probability rows, where Σ p·log(p/q) cancels: the terms of _kl.kl_terms,
 *   t = q·u²·f(u)/u² (series to n = 16) where |u| < 0.05, u = (p − q)/q,
 *   t = p·log(p/q) − (p − q) elsewhere, and d = p − q,
 * each free of cancellation, summed with compensation (Σt + Σd, lane sums with TwoSum
 * corrections, then the lanes with Neumaier's), so that a KL of 1e-15 keeps its digits.
 * p = 0 gives t = d = 0; q = 0 < p gives inf. NaN (the caller's careful path answers)
 * when a row holds a negative entry or a ratio p/q beyond float64's range, or does not
 * sum to 1 within ``tol`` (unchecked input).
 */

static const double F_COEF[15] = {
    1.0 / 2,    -1.0 / 6,    1.0 / 12,   -1.0 / 20,  1.0 / 30,
    -1.0 / 42,  1.0 / 56,    -1.0 / 72,  1.0 / 90,   -1.0 / 110,
    1.0 / 132,  -1.0 / 156,  1.0 / 182,  -1.0 / 210, 1.0 / 240,
};
#define SERIES_U 0.05

#define KL_NEAR(T, SUF)                                                                 \
    CLONES static double kl_near_##SUF(const T *restrict p, const T *restrict q,         \
                                       npy_intp k, double tol)                           \
    {                                                                                   \
        double r[CHUNK] ALIGN64, tb[CHUNK] ALIGN64, db[CHUNK] ALIGN64;                  \
        double ts[LANES] = {0}, tc[LANES] = {0}, ds[LANES] = {0}, dc[LANES] = {0};      \
        double sp = 0.0, sq = 0.0;                                                      \
        int bad = 0;                                                                    \
        for (npy_intp c0 = 0; c0 < k; c0 += CHUNK) {                                    \
            npy_intp n = k - c0 < CHUNK ? k - c0 : CHUNK;                               \
            const T *pc = p + c0, *qc = q + c0;                                         \
            for (npy_intp j = 0; j < n; j++) {                                          \
                r[j] = (double)pc[j] / (double)qc[j];                                   \
                sp += (double)pc[j];                                                    \
                sq += (double)qc[j];                                                    \
            }                                                                           \
            run_loop(&LOG_D, r, r, n, sizeof(double));                                  \
            for (npy_intp j = 0; j < n; j++) {                                          \
                double pj = (double)pc[j], qj = (double)qc[j];                          \
                double d = pj - qj, u = d / qj;                                         \
                double f = F_COEF[14];                                                  \
                for (int c = 13; c >= 0; c--) {                                         \
                    f = f * u + F_COEF[c];                                              \
                }                                                                       \
                int small = fabs(u) < SERIES_U;                                         \
                double t = small ? qj * u * u * f : pj * r[j] - d;                      \
                bad |= (pj < 0) | (qj < 0) |                                            \
                       ((pj > 0) & (qj > 0) & !small & !(fabs(r[j]) < INFINITY));       \
                t = pj == 0 ? 0.0 : t;                                                  \
                d = pj == 0 ? 0.0 : d;                                                  \
                t = (qj == 0) & (pj > 0) ? INFINITY : t;                                \
                tb[j] = t;                                                              \
                db[j] = d;                                                              \
            }                                                                           \
            npy_intp j = 0;                                                             \
            for (; j + LANES <= n; j += LANES) {                                        \
                for (int l = 0; l < LANES; l++) {                                       \
                    double x = tb[j + l], a = ts[l] + x, b = a - ts[l];                 \
                    tc[l] += (ts[l] - (a - b)) + (x - b);                               \
                    ts[l] = a;                                                          \
                    x = db[j + l];                                                      \
                    a = ds[l] + x;                                                      \
                    b = a - ds[l];                                                      \
                    dc[l] += (ds[l] - (a - b)) + (x - b);                               \
                    ds[l] = a;                                                          \
                }                                                                       \
            }                                                                           \
            for (; j < n; j++) {                                                        \
                double x = tb[j], a = ts[0] + x, b = a - ts[0];                         \
                tc[0] += (ts[0] - (a - b)) + (x - b);                                   \
                ts[0] = a;                                                              \
                x = db[j];                                                              \
                a = ds[0] + x;                                                          \
                b = a - ds[0];                                                          \
                dc[0] += (ds[0] - (a - b)) + (x - b);                                   \
                ds[0] = a;                                                              \
            }                                                                           \
        }                                                                               \
        /* the terms' Σd cancels only for rows that sum to 1 (unchecked input may not) */ \
        if (bad || !(fabs(sp - 1.0) <= tol) || !(fabs(sq - 1.0) <= tol)) {               \
            return NAN;                                                                 \
        }                                                                               \
        Acc tot = {0, 0};                                                               \
        for (int l = 0; l < LANES; l++) {                                               \
            acc_add(&tot, ts[l]);                                                       \
            acc_add(&tot, ds[l]);                                                       \
        }                                                                               \
        for (int l = 0; l < LANES; l++) {                                               \
            acc_add(&tot, tc[l]);                                                       \
            acc_add(&tot, dc[l]);                                                       \
        }                                                                               \
        return acc_get(&tot);                                                           \
    }

KL_NEAR(double, d)
KL_NEAR(float, f)

/* ------------------------------------------------------------------------------------
 * Float64 logit rows (unshifted, as _numpy._logits_nats takes them): per row
 *   out[2] = Σ e^zq, and
 *   p logits:        out[1] = Σ e^zp, out[0] = Σ e^zp·(zp − zq) (KL) or Σ e^zp·zq (CE);
 *   p probabilities: out[1] = Σ p,    out[0] = Σ p·(log p − zq) (KL) or Σ p·zq (CE),
 *                    out[3] = min p (CE with the check).
 */

CLONES static void
logit_rows(int kl, int p_logits, int low, const char *pb, npy_intp ps, const char *qb,
           npy_intp qs, npy_intp m, npy_intp k, double *out, npy_intp os)
{
    double e[CHUNK] ALIGN64, w[CHUNK] ALIGN64;
    int same = pb == qb && ps == qs;
    for (npy_intp i = 0; i < m; i++) {
        const double *zp = (const double *)(pb + i * ps);
        const double *zq = (const double *)(qb + i * qs);
        Acc d = {0, 0}, s1 = {0, 0}, sq = {0, 0};
        double lo = INFINITY;
        for (npy_intp c0 = 0; c0 < k; c0 += CHUNK) {
            npy_intp n = k - c0 < CHUNK ? k - c0 : CHUNK;
            if (!same) {
                prefetch_next(pb, ps, i, m, c0, k, CHUNK, sizeof(double));
            }
            prefetch_next(qb, qs, i, m, c0, k, CHUNK, sizeof(double));
            const double *a = zp + c0, *c = zq + c0;
            run_loop(&EXP_D, c, e, n, sizeof(double));
            acc_add(&sq, sum_d(e, n));
            double x, y;
            if (p_logits) {
                const double *ea = e; /* zp is zq (the entropy of logits): e^zp is e */
                if (!same) {
                    run_loop(&EXP_D, a, w, n, sizeof(double));
                    ea = w;
                }
                if (kl) {
                    dotdiff_sum_d(ea, a, c, n, &x, &y);
                }
                else {
                    dot_sum_d(ea, c, n, &x, &y);
                }
            }
            else if (kl) {
                run_loop(&LOG_D, a, w, n, sizeof(double));
                dotdiff_sum_d(a, w, c, n, &x, &y);
            }
            else if (low) {
                double unused;
                /* Σ p·zq, Σ p, (Σ p again) and min p in one pass */
                dot_all_d(a, c, a, n, &x, &y, &unused, &lo);
            }
            else {
                dot_sum_d(a, c, n, &x, &y);
            }
            acc_add(&d, x);
            acc_add(&s1, y);
        }
        out[i] = acc_get(&d);
        out[os + i] = acc_get(&s1);
        out[2 * os + i] = acc_get(&sq);
        if (low) {
            out[3 * os + i] = isnan(out[os + i]) ? NAN : lo;
        }
    }
}

/* ------------------------------------------------------------------------------------
 * Python interface
 */

/* A 2-D aligned, native-order float64 or float32 array whose rows are contiguous. */
static int
rows_ok(PyObject *o, const char *name, int typenum, npy_intp m, npy_intp k)
{
    if (!PyArray_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s must be a NumPy array", name);
        return 0;
    }
    PyArrayObject *a = (PyArrayObject *)o;
    if (PyArray_NDIM(a) != 2 || PyArray_TYPE(a) != typenum || !PyArray_ISNOTSWAPPED(a) ||
        !PyArray_ISALIGNED(a)) {
        PyErr_Format(PyExc_TypeError, "%s must be 2-D, aligned, native float64 or float32",
                     name);
        return 0;
    }
    if (PyArray_DIM(a, 0) != m || PyArray_DIM(a, 1) != k) {
        PyErr_Format(PyExc_ValueError, "%s has the wrong shape", name);
        return 0;
    }
    if (k > 1 && PyArray_STRIDE(a, 1) != PyArray_ITEMSIZE(a)) {
        PyErr_Format(PyExc_ValueError, "%s must have contiguous rows", name);
        return 0;
    }
    return 1;
}

/* A writeable aligned float64 (nstat, m) table with contiguous rows... of any row
 * stride, and elements contiguous along m. Returns its row stride in elements. */
static npy_intp
table_ok(PyObject *o, int typenum, npy_intp nstat, npy_intp m)
{
    if (!PyArray_Check(o)) {
        PyErr_SetString(PyExc_TypeError, "out must be a NumPy array");
        return -1;
    }
    PyArrayObject *t = (PyArrayObject *)o;
    npy_intp size = typenum == NPY_DOUBLE ? sizeof(double) : sizeof(float);
    if (PyArray_NDIM(t) != 2 || PyArray_TYPE(t) != typenum || !PyArray_ISNOTSWAPPED(t) ||
        !PyArray_ISALIGNED(t) || !PyArray_ISWRITEABLE(t) || PyArray_DIM(t, 0) < nstat ||
        PyArray_DIM(t, 1) != m || (m > 1 && PyArray_STRIDE(t, 1) != size) ||
        PyArray_STRIDE(t, 0) % size != 0) {
        PyErr_SetString(PyExc_ValueError,
                        "out must be a writeable (stats, rows) array of the inputs' dtype "
                        "(float64 for logits), rows contiguous");
        return -1;
    }
    return PyArray_STRIDE(t, 0) / size;
}

PyDoc_STRVAR(probs_doc,
             "probs(kind, stats, p, q, out)\n\n"
             "Per row of the 2-D float64 or float32 arrays p (and q, same shape and dtype;\n"
             "ignored for entropy): out[0] = Σ p·log x with x = p (kind 0), q (1) or p/q (2);\n"
             "with stats >= 2, out[1] = Σ p; with stats 4, out[2] = Σ q and out[3] = min p.\n"
             "out is a (>= stats, rows) array of p's dtype (the sums are taken in float64\n"
             "and rounded to it).");

static PyObject *
py_probs(PyObject *self, PyObject *args)
{
    int kind, stats;
    PyObject *po, *qo, *oo;
    if (!PyArg_ParseTuple(args, "iiOOO", &kind, &stats, &po, &qo, &oo)) {
        return NULL;
    }
    if (!available) {
        PyErr_SetString(PyExc_RuntimeError, "NumPy's log loop was not found");
        return NULL;
    }
    if (kind < K_ENTROPY || kind > K_KL || !(stats == 1 || stats == 2 || stats == 4) ||
        (kind == K_ENTROPY && stats > 2)) {
        PyErr_SetString(PyExc_ValueError, "bad kind or stats");
        return NULL;
    }
    if (!PyArray_Check(po) || PyArray_NDIM((PyArrayObject *)po) != 2) {
        PyErr_SetString(PyExc_TypeError, "p must be a 2-D NumPy array");
        return NULL;
    }
    PyArrayObject *p = (PyArrayObject *)po;
    int typenum = PyArray_TYPE(p);
    if (typenum != NPY_DOUBLE && typenum != NPY_FLOAT) {
        PyErr_SetString(PyExc_TypeError, "p must be float64 or float32");
        return NULL;
    }
    npy_intp m = PyArray_DIM(p, 0), k = PyArray_DIM(p, 1);
    if (!rows_ok(po, "p", typenum, m, k)) {
        return NULL;
    }
    PyArrayObject *q = p;
    if (kind != K_ENTROPY) {
        if (!rows_ok(qo, "q", typenum, m, k)) {
            return NULL;
        }
        q = (PyArrayObject *)qo;
    }
    npy_intp os = table_ok(oo, typenum, stats, m);
    if (os < 0) {
        return NULL;
    }
    const char *pb = PyArray_BYTES(p), *qb = PyArray_BYTES(q);
    npy_intp ps = PyArray_STRIDE(p, 0), qs = PyArray_STRIDE(q, 0);
    char *out = PyArray_BYTES((PyArrayObject *)oo);
    fexcept_t flags;
    Py_BEGIN_ALLOW_THREADS;
    fegetexceptflag(&flags, FE_ALL_EXCEPT);
    if (typenum == NPY_DOUBLE) {
        probs_rows_d(kind, stats, pb, ps, qb, qs, m, k, (double *)out, os);
    }
    else {
        probs_rows_f(kind, stats, pb, ps, qb, qs, m, k, (float *)out, os);
    }
    fesetexceptflag(&flags, FE_ALL_EXCEPT);
    Py_END_ALLOW_THREADS;
    Py_RETURN_NONE;
}

PyDoc_STRVAR(logits_doc,
             "logits(kl, p_logits, low, zp, zq, out)\n\n"
             "Per row of float64 logits zq and zp (logits if p_logits, else probabilities):\n"
             "out[2] = Σ e^zq; out[1] = Σ e^zp or Σ p; out[0] = Σ e^zp·(zp − zq), Σ e^zp·zq,\n"
             "Σ p·(log p − zq) or Σ p·zq (kl or not); with low, out[3] = min p.\n"
             "out is a float64 (4, rows) array.");

static PyObject *
py_logits(PyObject *self, PyObject *args)
{
    int kl, p_logits, low;
    PyObject *po, *qo, *oo;
    if (!PyArg_ParseTuple(args, "pppOOO", &kl, &p_logits, &low, &po, &qo, &oo)) {
        return NULL;
    }
    if (!available) {
        PyErr_SetString(PyExc_RuntimeError, "NumPy's exp loop was not found");
        return NULL;
    }
    if (!PyArray_Check(qo) || PyArray_NDIM((PyArrayObject *)qo) != 2) {
        PyErr_SetString(PyExc_TypeError, "zq must be a 2-D NumPy array");
        return NULL;
    }
    npy_intp m = PyArray_DIM((PyArrayObject *)qo, 0), k = PyArray_DIM((PyArrayObject *)qo, 1);
    if (!rows_ok(po, "zp", NPY_DOUBLE, m, k) || !rows_ok(qo, "zq", NPY_DOUBLE, m, k)) {
        return NULL;
    }
    low = low && !p_logits && !kl;
    npy_intp os = table_ok(oo, NPY_DOUBLE, low ? 4 : 3, m);
    if (os < 0) {
        return NULL;
    }
    PyArrayObject *p = (PyArrayObject *)po, *q = (PyArrayObject *)qo;
    const char *pb = PyArray_BYTES(p), *qb = PyArray_BYTES(q);
    npy_intp ps = PyArray_STRIDE(p, 0), qs = PyArray_STRIDE(q, 0);
    double *out = (double *)PyArray_BYTES((PyArrayObject *)oo);
    fexcept_t flags;
    Py_BEGIN_ALLOW_THREADS;
    fegetexceptflag(&flags, FE_ALL_EXCEPT);
    logit_rows(kl, p_logits, low, pb, ps, qb, qs, m, k, out, os);
    fesetexceptflag(&flags, FE_ALL_EXCEPT);
    Py_END_ALLOW_THREADS;
    Py_RETURN_NONE;
}

PyDoc_STRVAR(measure_doc,
             "measure(kind, p, q, axis, check, ln_base, trust_from)\n\n"
             "The whole measure of plain probability arrays in one call, or None when the\n"
             "caller's general path must answer. p (and q, ignored for entropy) must be\n"
             "exactly numpy.ndarray, float64 or float32, 1-D or 2-D with rows contiguous,\n"
             "the outcomes along ``axis`` (the last). Per row: the nats of probs(kind, ...),\n"
             "negated for entropy and cross-entropy, divided by ln_base and rounded to the\n"
             "input's dtype (a zero as +0.0): a NumPy scalar for 1-D input, an array of\n"
             "the row values for 2-D. None when a row's nats are not finite or below\n"
             "trust_from, or, with check, when a row sum is further from 1 than sqrt(eps)\n"
             "of the dtype or an entry of p is negative (the caller then words the error).");

/* p's shape if it is a plain array the fast measure takes, else 0. */
static int
plain(PyObject *o, int ndim_want, int typenum_want, npy_intp *m, npy_intp *k)
{
    if (!PyArray_CheckExact(o)) {
        return 0;
    }
    PyArrayObject *a = (PyArrayObject *)o;
    int nd = PyArray_NDIM(a), t = PyArray_TYPE(a);
    if ((nd != 1 && nd != 2) || (ndim_want && nd != ndim_want) ||
        (t != NPY_DOUBLE && t != NPY_FLOAT) || (typenum_want && t != typenum_want) ||
        !PyArray_ISNOTSWAPPED(a) || !PyArray_ISALIGNED(a)) {
        return 0;
    }
    npy_intp rows = nd == 1 ? 1 : PyArray_DIM(a, 0), cols = PyArray_DIM(a, nd - 1);
    if (rows < 1 || cols < 1 || (cols > 1 && PyArray_STRIDE(a, nd - 1) != PyArray_ITEMSIZE(a))) {
        return 0;
    }
    if (*m >= 0 && (rows != *m || cols != *k)) {
        return 0;
    }
    *m = rows;
    *k = cols;
    return 1;
}

static PyObject *
py_measure(PyObject *self, PyObject *args)
{
    int kind, axis, check;
    double ln, trust;
    PyObject *po, *qo;
    if (!PyArg_ParseTuple(args, "iOOipdd", &kind, &po, &qo, &axis, &check, &ln, &trust)) {
        return NULL;
    }
    if (!available || kind < K_ENTROPY || kind > K_KL) {
        Py_RETURN_NONE;
    }
    npy_intp m = -1, k = -1;
    if (!plain(po, 0, 0, &m, &k)) {
        Py_RETURN_NONE;
    }
    PyArrayObject *p = (PyArrayObject *)po, *q = p;
    int nd = PyArray_NDIM(p), typenum = PyArray_TYPE(p);
    if (!(axis == -1 || axis == nd - 1)) {
        Py_RETURN_NONE;
    }
    if (kind != K_ENTROPY) {
        if (!plain(qo, nd, typenum, &m, &k)) {
            Py_RETURN_NONE;
        }
        q = (PyArrayObject *)qo;
    }
    int stats = !check ? 1 : kind == K_ENTROPY ? 2 : 4;
    int dbl = typenum == NPY_DOUBLE;
    npy_intp size = dbl ? sizeof(double) : sizeof(float);
    double small[4];
    void *table = m <= 1 ? (void *)small : PyMem_Malloc((size_t)(stats * m * size));
    if (table == NULL) {
        return PyErr_NoMemory();
    }
    PyArrayObject *res = NULL;
    if (nd == 2) {
        res = (PyArrayObject *)PyArray_SimpleNew(1, &m, typenum);
        if (res == NULL) {
            if (table != small) {
                PyMem_Free(table);
            }
            return NULL;
        }
    }
    const char *pb = PyArray_BYTES(p), *qb = PyArray_BYTES(q);
    npy_intp ps = nd == 2 ? PyArray_STRIDE(p, 0) : 0, qs = nd == 2 ? PyArray_STRIDE(q, 0) : 0;
    double tol = dbl ? sqrt(DBL_EPSILON) : sqrt((double)FLT_EPSILON);
    double largest = dbl ? DBL_MAX : FLT_MAX;
    int ok = 1;
    double v1 = 0.0;
    fexcept_t flags;
    Py_BEGIN_ALLOW_THREADS;
    fegetexceptflag(&flags, FE_ALL_EXCEPT);
    if (dbl) {
        probs_rows_d(kind, stats, pb, ps, qb, qs, m, k, (double *)table, m);
    }
    else {
        probs_rows_f(kind, stats, pb, ps, qb, qs, m, k, (float *)table, m);
    }
    for (npy_intp i = 0; i < m && ok; i++) {
        /* the table holds the input's dtype, as the Python path's does */
        double st[4];
        for (int s = 0; s < stats; s++) {
            st[s] = dbl ? ((double *)table)[s * m + i] : (double)((float *)table)[s * m + i];
        }
        double v = kind == K_KL ? st[0] : -st[0];
        int careful = kind == K_KL && isnan(v); /* 0·log(0/q) where p = 0, or bad input */
        if (!isfinite(v) && !careful) {
            ok = 0;
            break;
        }
        if (check) {
            if (!(fabs(st[1] - 1.0) <= tol)) {
                ok = 0;
            }
            if (stats == 4 && (!(fabs(st[2] - 1.0) <= tol) || !(st[3] >= 0))) {
                ok = 0;
            }
            if (!ok) {
                break;
            }
        }
        if (careful || !(v >= trust)) {
            /* KL below trust_from, whose plain sum has cancelled, or with outcomes p never
             * takes: the careful sum (in float64; NaN for what it does not take, which
             * the Python path then answers or words) */
            if (kind != K_KL) {
                ok = 0;
                break;
            }
            const char *pr = pb + i * ps, *qr = qb + i * qs;
            v = dbl ? kl_near_d((const double *)pr, (const double *)qr, k, tol)
                    : (double)(float)kl_near_f((const float *)pr, (const float *)qr, k, tol);
            if (!isfinite(v)) {
                ok = 0;
                break;
            }
        }
        if (kind == K_KL && v < 0) { /* Gibbs: >= 0 */
            v = 0.0;
        }
        v = v / ln;
        if (!(fabs(v) <= largest)) {
            ok = 0;
            break;
        }
        v = v + 0.0; /* -0.0 becomes +0.0 */
        if (nd == 1) {
            v1 = v;
        }
        else if (dbl) {
            ((double *)PyArray_DATA(res))[i] = v;
        }
        else {
            ((float *)PyArray_DATA(res))[i] = (float)v + 0.0f;
        }
    }
    fesetexceptflag(&flags, FE_ALL_EXCEPT);
    Py_END_ALLOW_THREADS;
    if (table != small) {
        PyMem_Free(table);
    }
    if (!ok) {
        Py_XDECREF(res);
        Py_RETURN_NONE;
    }
    if (nd == 2) {
        return (PyObject *)res;
    }
    PyObject *r;
    if (dbl) {
        r = PyArrayScalar_New(Double);
        if (r != NULL) {
            PyArrayScalar_ASSIGN(r, Double, v1);
        }
    }
    else {
        r = PyArrayScalar_New(Float);
        if (r != NULL) {
            PyArrayScalar_ASSIGN(r, Float, (float)v1 + 0.0f);
        }
    }
    return r;
}

static PyMethodDef methods[] = {
    {"probs", py_probs, METH_VARARGS, probs_doc},
    {"logits", py_logits, METH_VARARGS, logits_doc},
    {"measure", py_measure, METH_VARARGS, measure_doc},
    {NULL, NULL, 0, NULL},
};

/* The inner loop of the unary ufunc ``name`` for (typenum) -> (typenum). */
static int
find_loop(PyObject *numpy, PyObject *ufunc_type, const char *name, int typenum, Loop *out)
{
    PyObject *u = PyObject_GetAttrString(numpy, name);
    if (u == NULL) {
        PyErr_Clear();
        return 0;
    }
    int found = 0;
    if (Py_TYPE(u) == (PyTypeObject *)ufunc_type) {
        PyUFuncObject *uf = (PyUFuncObject *)u;
        if (uf->nin == 1 && uf->nout == 1 && uf->functions != NULL && uf->types != NULL) {
            for (int i = 0; i < uf->ntypes; i++) {
                if (uf->types[2 * i] == typenum && uf->types[2 * i + 1] == typenum &&
                    uf->functions[i] != NULL) {
                    out->fn = uf->functions[i];
                    out->data = uf->data != NULL ? uf->data[i] : NULL;
                    found = 1;
                    break;
                }
            }
        }
    }
    if (found && PyList_Append(ufuncs_held, u) < 0) {
        PyErr_Clear();
        found = 0;
    }
    Py_DECREF(u);
    return found;
}

/* The loops give what their ufuncs give on a few values (and leave them be). */
static int
loops_sane(void)
{
    double xd[4] = {1.0, M_E, 0.5, 1e-300}, yd[4];
    float xf[4] = {1.0f, (float)M_E, 0.5f, 1e-30f}, yf[4];
    run_loop(&LOG_D, xd, yd, 4, sizeof(double));
    if (!(yd[0] == 0.0 && fabs(yd[1] - 1.0) < 1e-15 && fabs(yd[2] + M_LN2) < 1e-15 &&
          fabs(yd[3] + 300 * M_LN10) < 1e-12)) {
        return 0;
    }
    run_loop(&LOG_F, xf, yf, 4, sizeof(float));
    if (!(yf[0] == 0.0f && fabsf(yf[1] - 1.0f) < 1e-6f && fabsf(yf[2] + (float)M_LN2) < 1e-6f &&
          fabsf(yf[3] + 30 * (float)M_LN10) < 1e-4f)) {
        return 0;
    }
    double zd[4] = {0.0, 1.0, -1.0, -800.0};
    float zf[4] = {0.0f, 1.0f, -1.0f, -200.0f};
    run_loop(&EXP_D, zd, yd, 4, sizeof(double));
    if (!(yd[0] == 1.0 && fabs(yd[1] - M_E) < 1e-15 && fabs(yd[2] - 1 / M_E) < 1e-16 &&
          yd[3] == 0.0)) {
        return 0;
    }
    run_loop(&EXP_F, zf, yf, 4, sizeof(float));
    if (!(yf[0] == 1.0f && fabsf(yf[1] - (float)M_E) < 1e-6f &&
          fabsf(yf[2] - (float)(1 / M_E)) < 1e-7f && yf[3] == 0.0f)) {
        return 0;
    }
    return isfinite(xd[1]) && xd[0] == 1.0; /* inputs untouched */
}

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT,
    "_ckernels",
    "Fused row kernels for the blocked measures, on NumPy's own log and exp loops.\n\n"
    "AVAILABLE says whether the loops were found (else the NumPy path is used).",
    -1,
    methods,
};

PyMODINIT_FUNC
PyInit__ckernels(void)
{
    import_array();
    PyObject *mod = PyModule_Create(&moduledef);
    if (mod == NULL) {
        return NULL;
    }
    ufuncs_held = PyList_New(0);
    if (ufuncs_held == NULL || PyModule_AddObject(mod, "_ufuncs", ufuncs_held) < 0) {
        Py_XDECREF(ufuncs_held);
        Py_DECREF(mod);
        return NULL;
    }
    Py_INCREF(ufuncs_held); /* one reference for the module, one for us */
    available = 0;
    PyObject *numpy = PyImport_ImportModule("numpy");
    if (numpy == NULL) {
        Py_DECREF(mod);
        return NULL;
    }
    PyObject *ufunc_type = PyObject_GetAttrString(numpy, "ufunc");
    if (ufunc_type != NULL && PyType_Check(ufunc_type)) {
        available = find_loop(numpy, ufunc_type, "log", NPY_DOUBLE, &LOG_D) &&
                    find_loop(numpy, ufunc_type, "log", NPY_FLOAT, &LOG_F) &&
                    find_loop(numpy, ufunc_type, "exp", NPY_DOUBLE, &EXP_D) &&
                    find_loop(numpy, ufunc_type, "exp", NPY_FLOAT, &EXP_F);
    }
    PyErr_Clear();
    Py_XDECREF(ufunc_type);
    Py_DECREF(numpy);
    if (available) {
        fexcept_t flags;
        fegetexceptflag(&flags, FE_ALL_EXCEPT);
        available = loops_sane();
        fesetexceptflag(&flags, FE_ALL_EXCEPT);
    }
    if (PyModule_AddIntConstant(mod, "AVAILABLE", available) < 0 ||
        PyModule_AddIntConstant(mod, "CHUNK", CHUNK) < 0) {
        Py_DECREF(mod);
        return NULL;
    }
    return mod;
}
