"""The compiled row kernels (``infobits.measures._ckernels``) against the NumPy path and
mpmath: the same partial sums, the same answer (value or error) on every kind of bad
or awkward input, and the NumPy path kept for what the kernels do not take."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
import pytest

import infobits as ib
from infobits._inputs import sum_tolerance
from infobits.measures import _blocked, _numpy
from tests.measures.conftest import COMPILED
from tests.reference import mp_cross_entropy, mp_entropy, mp_kl, mp_log_softmax, rel_err

needs_c = pytest.mark.skipif(COMPILED is None, reason="the compiled kernels are not built")

MEASURES = {
    "entropy": (_numpy.ENTROPY, 0),
    "cross_entropy": (_numpy.CROSS_ENTROPY, 1),
    "kl_divergence": (_numpy.KL, 2),
}


def _probs(shape: tuple[int, ...], seed: int, dtype: Any = np.float64) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.random(shape) ** 3 + 1e-9
    return (x / x.sum(axis=-1, keepdims=True)).astype(dtype)


def _both(fn: Callable[[], Any]) -> tuple[Any, Any]:
    """``fn``'s outcome with the compiled kernels and with the NumPy path: a value, or
    the (type, message) of the error it raised."""
    out = []
    saved = _blocked._ckernels
    for mod in (COMPILED, None):
        _blocked._ckernels = mod
        try:
            out.append(("value", fn()))
        except Exception as e:  # the class of answer is what is compared
            out.append(("error", (type(e), str(e))))
        finally:
            _blocked._ckernels = saved
    return out[0], out[1]


def _same_answer(fn: Callable[[], Any], rtol: float) -> Any:
    c, py = _both(fn)
    assert c[0] == py[0], (c, py)
    if c[0] == "error":
        assert c[1] == py[1]
        return None
    a, b = np.asarray(c[1], dtype=np.float64), np.asarray(py[1], dtype=np.float64)
    assert a.shape == b.shape
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_array_equal(np.isposinf(a), np.isposinf(b))
    np.testing.assert_array_equal(np.isneginf(a), np.isneginf(b))
    fin = np.isfinite(a)
    np.testing.assert_allclose(a[fin], b[fin], rtol=rtol, atol=1e-300)
    return c[1]


# ---------------------------------------------------------------------------------------
# The module itself


@needs_c
def test_numpys_loops_are_found_with_the_installed_numpy() -> None:
    assert COMPILED is not None and COMPILED.AVAILABLE


@needs_c
def test_the_kernels_refuse_what_they_do_not_take() -> None:
    assert COMPILED is not None
    p = _probs((3, 10), 1)
    out = np.empty((4, 3))
    with pytest.raises(ValueError, match="contiguous rows"):
        COMPILED.probs(1, 4, p[:, ::2], p[:, ::2], out)
    with pytest.raises(TypeError, match="float64 or float32"):
        COMPILED.probs(0, 2, p.astype(np.float16), p, out)
    with pytest.raises(TypeError, match="2-D"):
        COMPILED.probs(1, 4, p, p.astype(np.float32), out)
    with pytest.raises(ValueError, match="bad kind"):
        COMPILED.probs(0, 4, p, p, out)
    with pytest.raises(ValueError, match="out must be"):
        COMPILED.probs(1, 4, p, p, np.empty((2, 3)))
    with pytest.raises(ValueError, match="out must be"):  # a float64 table for float32 rows
        COMPILED.probs(0, 2, p.astype(np.float32), p.astype(np.float32), np.empty((2, 3)))
    with pytest.raises(ValueError, match="wrong shape"):
        COMPILED.logits(True, True, False, p, p[:2], out)


def test_c_rows_takes_only_plain_float_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    p = _probs((4, 32), 2)
    if COMPILED is not None:
        assert _blocked.c_rows([p, p])
        assert _blocked.c_rows([p.astype(np.float32)])
        assert _blocked.c_rows([p[:, :1]])  # one outcome: any stride
    assert not _blocked.c_rows([p[:, ::2]])
    assert not _blocked.c_rows([p.astype(np.float16)])
    assert not _blocked.c_rows([p.astype(">f8")])
    assert not _blocked.c_rows([p, p.astype(np.float32)])
    raw = np.zeros(4 * 32 * 8 + 1, dtype=np.uint8)[1:].view(np.float64).reshape(4, 32)
    assert not _blocked.c_rows([raw])  # not aligned
    monkeypatch.setattr(_blocked, "_ckernels", None)
    assert not _blocked.c_rows([p])


# ---------------------------------------------------------------------------------------
# The partial sums, against math.fsum on the same logarithms


@needs_c
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("k", [1, 7, 15, 16, 17, 1023, 1024, 1025, 3000])
@pytest.mark.parametrize("name", list(MEASURES))
def test_partial_sums_match_fsum(name: str, k: int, dtype: type) -> None:
    assert COMPILED is not None
    measure, kind = MEASURES[name]
    p, q = _probs((5, k), 3, dtype), _probs((5, k), 4, dtype)
    stats = measure.stats
    out = np.full((stats, 5), np.nan, dtype=dtype)
    COMPILED.probs(kind, stats, p, q, out)
    x = {0: p, 1: q, 2: p / q}[kind]  # p / q rounded in the input's dtype, as NumPy does
    logs = np.log(x).astype(np.float64)
    rtol = 1e-13 if dtype is np.float64 else 1e-6
    for i in range(5):
        pi = p[i].astype(np.float64)
        terms = (pi * logs[i]).tolist()
        want = math.fsum(terms)
        scale = math.fsum(abs(t) for t in terms)
        assert abs(out[0, i] - want) <= rtol * scale + 1e-300
        assert out[1, i] == pytest.approx(math.fsum(pi.tolist()), rel=rtol)
        if stats == 4:
            assert out[2, i] == pytest.approx(math.fsum(q[i].astype(np.float64).tolist()), rel=rtol)
            assert out[3, i] == float(p[i].min())


@needs_c
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", list(MEASURES))
@pytest.mark.parametrize("check", [True, False])
def test_partial_sums_have_the_numpy_kernels_classes_on_bad_entries(
    name: str, dtype: type, check: bool
) -> None:
    # NaN, ±inf, zeros, negative entries, subnormals, huge entries, scattered over rows:
    # every partial sum is NaN, +inf or -inf where the NumPy kernels' is, else close;
    # the minimum of p passes the check (>= 0) where theirs does.
    assert COMPILED is not None
    measure, kind = MEASURES[name]
    m, k = 40, 2100
    rng = np.random.default_rng(5)
    p, q = _probs((m, k), 6, dtype), _probs((m, k), 7, dtype)
    specials = [np.nan, np.inf, -np.inf, 0.0, -0.01, 5e-324, 1e-40, 1e30, 3e38]
    for i in range(m):
        for arr in (p, q):
            if rng.random() < 0.5:
                j = rng.integers(0, k, size=rng.integers(1, 4))
                arr[i, j] = rng.choice(specials)
    stats = measure.stats if check else 1
    got = np.empty((stats, m), dtype=dtype)
    with np.errstate(all="ignore"):
        COMPILED.probs(kind, stats, p, q, got)
        rows = [p] if kind == 0 else [p, q]
        table, low = _blocked._block_sums(measure, rows, stats, stats > 1 + len(rows))
    want = np.asarray(table, dtype=np.float64)
    # float32: a sum beyond float32's range is inf in NumPy's float32 sums (not always:
    # long rows are summed in float64 across pieces), a finite float64 in the kernels'
    # (across lanes and chunks); the row is invalid either way (its sum is not 1).
    big = float(np.finfo(dtype).max)
    for j in range(stats - (1 if stats == 4 else 0)):
        a, b = got[j].astype(np.float64), want[j].copy()
        for x in (a, b):
            x[np.abs(x) > big] *= np.inf
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
        np.testing.assert_array_equal(np.isposinf(a), np.isposinf(b))
        np.testing.assert_array_equal(np.isneginf(a), np.isneginf(b))
        fin = np.isfinite(a)
        np.testing.assert_allclose(a[fin], b[fin], rtol=1e-5 if dtype is np.float32 else 1e-11)
    if stats == 4:
        assert low is not None
        np.testing.assert_array_equal(got[3] >= 0, low >= 0)


# ---------------------------------------------------------------------------------------
# The public measures: the same answer with and without the kernels, and mpmath's


@needs_c
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(1,), (5,), (1000,), (3 * 8192 + 5,), (200_000,), (30, 700)])
def test_valid_inputs_match_mpmath_on_both_paths(shape: tuple[int, ...], dtype: type) -> None:
    p, q = _probs(shape, 8, dtype), _probs(shape, 9, dtype)
    p2, q2 = p.reshape(-1, shape[-1]), q.reshape(-1, shape[-1])
    rows = range(min(3, p2.shape[0]))
    tol = 1e-12 if dtype is np.float64 else 2e-5
    cases: list[tuple[Callable[[], Any], Callable[[np.ndarray, np.ndarray], Any]]] = [
        (lambda: ib.entropy(p, base="nats"), lambda a, b: mp_entropy(a)),
        (lambda: ib.cross_entropy(p, q, base="nats"), mp_cross_entropy),
        (lambda: ib.kl_divergence(p, q, base="nats"), mp_kl),
    ]
    if shape[-1] > 50_000:  # mpmath over 2e5 terms is slow: one row, one measure
        cases = cases[2:]
    for fn, ref in cases:
        got = np.atleast_1d(_same_answer(fn, rtol=1e-5 if dtype is np.float32 else 1e-13))
        for i in rows:
            a, b = p2[i].astype(np.float64), q2[i].astype(np.float64)
            assert rel_err(float(got[i]), ref(a, b)) < tol


def _edge_inputs(dtype: type) -> list[tuple[str, np.ndarray, np.ndarray]]:
    k = 3000
    p, q = _probs((k,), 10, dtype), _probs((k,), 11, dtype)
    tol = sum_tolerance(np.dtype(dtype))
    out = []

    def case(name: str, pp: np.ndarray, qq: np.ndarray) -> None:
        out.append((name, pp, qq))

    a, b = p.copy(), q.copy()
    a[::7] = 0
    a /= a.sum(dtype=np.float64)
    case("zeros in p", a.astype(dtype), q)
    b = q.copy()
    b[100] = 0
    case("q = 0 < p", p, b)
    a, b = p.copy(), q.copy()
    a[5] = b[5] = 0
    a /= a.sum(dtype=np.float64)
    b /= b.sum(dtype=np.float64)
    case("p = q = 0", a.astype(dtype), b.astype(dtype))
    for where in ("p", "q"):
        for v in (np.nan, np.inf, -np.inf, -0.01):
            a, b = p.copy(), q.copy()
            (a if where == "p" else b)[2999] = v
            case(f"{v} in {where}", a, b)
    a, b = p.copy(), q.copy()
    a[3] = -a[3]
    b[3] = -b[3]
    case("negative in both", a, b)
    b = q.copy()
    b[7] = np.finfo(dtype).smallest_subnormal
    case("subnormal q", p, b)
    a = p.copy()
    a[11] = np.finfo(dtype).smallest_subnormal
    case("subnormal p", a, q)
    for f in (0.5, 0.999, 1.001, 1.5):
        case(
            f"p sums to 1 + {f}·tol",
            (p.astype(np.float64) * (1 + f * tol)).astype(dtype),
            q,
        )
    case("huge entries", (p * np.float32(1e30)).astype(dtype), q)
    case("near certainty", _certain(k, dtype), q)
    case("identical", p, p.copy())
    return out


def _certain(k: int, dtype: type) -> np.ndarray:
    x = np.full(k, 1e-12)
    x[0] = 1 - x[1:].sum()
    return x.astype(dtype)


@needs_c
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("check", [True, False])
@pytest.mark.parametrize("batch", [False, True])
def test_edge_inputs_give_the_same_answer_class(dtype: type, check: bool, batch: bool) -> None:
    good_p, good_q = _probs((3000,), 12, dtype), _probs((3000,), 13, dtype)
    for _name, p, q in _edge_inputs(dtype):
        if batch:  # the odd row among good ones
            p = np.stack([good_p, p, good_p])
            q = np.stack([good_q, q, good_q])
        kw = {"base": "nats", "check": check}
        with np.errstate(all="raise"):  # the kernels leave no floating-point flag behind
            _same_answer(lambda p=p, kw=kw: ib.entropy(p, **kw), 1e-5)
            _same_answer(lambda p=p, q=q, kw=kw: ib.cross_entropy(p, q, **kw), 1e-5)
            _same_answer(lambda p=p, q=q, kw=kw: ib.kl_divergence(p, q, **kw), 1e-5)
            _same_answer(lambda p=p, q=q: ib.perplexity(p, q, check=check), 1e-5)


@needs_c
def test_strided_and_other_dtypes_keep_the_numpy_path(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    assert COMPILED is not None

    class Spy:
        AVAILABLE = 1

        @staticmethod
        def probs(*a: Any) -> None:
            calls.append(1)
            COMPILED.probs(*a)

        @staticmethod
        def logits(*a: Any) -> None:
            calls.append(2)
            COMPILED.logits(*a)

        @staticmethod
        def measure(*a: Any) -> Any:
            r = COMPILED.measure(*a)
            if r is not None:
                calls.append(3)
            return r

    monkeypatch.setattr(_blocked, "_ckernels", Spy)
    p, q = _probs((20, 64), 14), _probs((20, 64), 15)
    ib.kl_divergence(p, q)
    assert calls == [3]
    for pp, qq in [
        (np.asfortranarray(p), np.asfortranarray(q)),
        (p.astype(np.float16), q.astype(np.float16)),
        (p.astype(np.longdouble), q.astype(np.longdouble)),
        (p.astype(">f8"), q.astype(">f8")),
    ]:
        calls.clear()
        got = _same_answer(lambda pp=pp, qq=qq: ib.kl_divergence(pp, qq, check=False), 1e-12)
        assert calls == []
        want = ib.kl_divergence(pp.astype(np.float64), qq.astype(np.float64), check=False)
        np.testing.assert_allclose(np.asarray(got, dtype=np.float64), want, rtol=1e-3)
    z = np.random.default_rng(16).normal(size=(20, 64))
    calls.clear()
    ib.cross_entropy(p, ib.logits(z))
    assert calls == [2]
    calls.clear()
    ib.cross_entropy(p[:, ::2], ib.logits(z[:, ::2]), check=False)
    assert calls == []


# ---------------------------------------------------------------------------------------
# Logit rows


def _logit_cases() -> list[tuple[str, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(17)
    a, b = rng.normal(size=(6, 300)) * 3, rng.normal(size=(6, 300)) * 3
    out = [("plain", a, b)]
    big = b.copy()
    big[1, 4] = 800.0  # e^z overflows: the driver redoes the row
    out.append(("overflow", a, big))
    low = b - 900.0  # Σ e^z underflows
    out.append(("underflow", a, low))
    masked = b.copy()
    masked[2, :10] = -np.inf
    out.append(("-inf logits", a, masked))
    nan = b.copy()
    nan[3, 5] = np.nan
    out.append(("nan logit", a, nan))
    inf = b.copy()
    inf[0, 5] = np.inf
    out.append(("+inf logit", a, inf))
    near = a.copy()
    near[4] = b[4] + 1e-9  # KL near 0: cancellation, redone
    out.append(("near", near, b))
    return out


def _mp_logit_measure(
    label: str, p: np.ndarray | None, za: np.ndarray, zb: np.ndarray
) -> mpmath.mpf:
    """KL or H of (p or softmax(za), softmax(zb)) in nats at 50 digits: Σ P·(log P − log Q)
    or −Σ P·log Q over P > 0, +inf where Q = 0 < P."""
    lq = mp_log_softmax(zb)
    if p is None:
        lp = mp_log_softmax(za)
        probs = [mpmath.exp(x) for x in lp]
    else:
        probs = [mpmath.mpf(float(x)) for x in p]
        lp = [mpmath.log(x) if x > 0 else mpmath.mpf(0) for x in probs]
    terms = []
    for w, a, c in zip(probs, lp, lq, strict=True):
        if w == 0:
            continue
        if c == -mpmath.inf:
            return mpmath.inf
        terms.append(w * ((a - c) if label.startswith("KL") else -c))
    return mpmath.fsum(terms)


@needs_c
@pytest.mark.parametrize("check", [True, False])
def test_logit_rows_give_the_same_answer_and_match_mpmath(check: bool) -> None:
    for name, za, zb in _logit_cases():
        p = np.exp(za - za.max(axis=1, keepdims=True))
        p[5, ::3] = 0.0
        p /= p.sum(axis=1, keepdims=True)
        kw = {"base": "nats", "check": check}
        fns: dict[str, Callable[[], Any]] = {
            "H(p, zq)": lambda zb=zb, p=p, kw=kw: ib.cross_entropy(p, ib.logits(zb), **kw),
            "KL(p, zq)": lambda zb=zb, p=p, kw=kw: ib.kl_divergence(p, ib.logits(zb), **kw),
            "H(zp, zq)": lambda za=za, zb=zb, kw=kw: ib.cross_entropy(
                ib.logits(za), ib.logits(zb), **kw
            ),
            "KL(zp, zq)": lambda za=za, zb=zb, kw=kw: ib.kl_divergence(
                ib.logits(za), ib.logits(zb), **kw
            ),
            "H(zq)": lambda zb=zb, kw=kw: ib.entropy(ib.logits(zb), **kw),
        }
        for label, fn in fns.items():
            got = _same_answer(fn, 1e-12)
            if got is None or name in ("nan logit", "+inf logit"):
                continue
            for i in (0, 1, 2, 4, 5):
                if label == "H(zq)":  # the entropy is H(zq, zq)
                    ref = _mp_logit_measure(label, None, zb[i], zb[i])
                else:
                    ref = _mp_logit_measure(label, p[i] if "(p" in label else None, za[i], zb[i])
                v = float(got[i])
                if ref == mpmath.inf:
                    assert v == np.inf, (name, label, i)
                else:
                    assert rel_err(v, ref) < 1e-11 or abs(v - ref) < 1e-14, (name, label, i)


# ---------------------------------------------------------------------------------------
# Threads: the kernels run without the GIL


@needs_c
def test_threads_get_the_single_thread_answers() -> None:
    p, q = _probs((50, 4000), 18), _probs((50, 4000), 19)
    want = ib.kl_divergence(p, q), ib.entropy(p.astype(np.float32))
    got: list[Any] = []

    def work() -> None:
        for _ in range(5):
            got.append((ib.kl_divergence(p, q), ib.entropy(p.astype(np.float32))))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 20
    for a, b in got:
        np.testing.assert_array_equal(a, want[0])
        np.testing.assert_array_equal(b, want[1])


# ---------------------------------------------------------------------------------------
# The whole call in C (``measure``): the same value, type and dtype as the Python path


def _python_path(fn: Callable[[], Any]) -> Any:
    """``fn`` with ``measure`` declining every call (the Python fast path answers)."""
    saved = COMPILED.measure if COMPILED is not None else None

    class Declines:
        AVAILABLE = 1
        probs = staticmethod(COMPILED.probs)  # type: ignore[union-attr]
        logits = staticmethod(COMPILED.logits)  # type: ignore[union-attr]

        @staticmethod
        def measure(*a: Any) -> None:
            return None

    old = _blocked._ckernels
    _blocked._ckernels = Declines  # type: ignore[assignment]
    try:
        return fn()
    finally:
        _blocked._ckernels = old
        assert saved is not None


@needs_c
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(1,), (3,), (1000,), (70_001,), (5, 1), (40, 333)])
@pytest.mark.parametrize("base", [2, "nats", 10, 3.5, "bans"])
@pytest.mark.parametrize("check", [True, False])
def test_measure_in_c_gives_the_python_paths_result_exactly(
    dtype: type, shape: tuple[int, ...], base: Any, check: bool
) -> None:
    p, q = _probs(shape, 31, dtype), _probs(shape, 32, dtype)
    for fn in (
        lambda: ib.entropy(p, base=base, check=check),
        lambda: ib.cross_entropy(p, q, base=base, check=check),
        lambda: ib.kl_divergence(p, q, base=base, check=check),
    ):
        got, want = fn(), _python_path(fn)
        assert type(got) is type(want)
        assert np.asarray(got).dtype == np.asarray(want).dtype == np.dtype(dtype)
        assert np.shape(got) == np.shape(want) == shape[:-1]
        np.testing.assert_array_equal(got, want)


@needs_c
def test_measure_in_c_answers_only_what_it_takes() -> None:
    assert COMPILED is not None
    p, q = _probs((4, 50), 33), _probs((4, 50), 34)
    ln2 = math.log(2)
    assert COMPILED.measure(2, p, q, -1, True, ln2, 1e-3) is not None
    declined = [
        (2, p, q, 0, True, ln2, 1e-3),  # outcomes not along the last axis
        (2, p.view(np.matrix), q, -1, True, ln2, 1e-3),  # a subclass
        (2, p, q[:, :49], -1, True, ln2, 1e-3),  # shapes differ
        (2, p, q.astype(np.float32), -1, True, ln2, 1e-3),  # dtypes differ
        (2, np.asfortranarray(p), q, -1, True, ln2, 1e-3),  # rows not contiguous
        (2, p[None], q[None], -1, True, ln2, 1e-3),  # 3-D
        (0, p * 2, p, -1, True, ln2, -math.inf),  # sums 2: the checked path words it
        (0, np.zeros((2, 0)), p, -1, True, ln2, -math.inf),  # no outcomes
        (1, p, np.where(p > 0.01, q, 0.0), -1, True, ln2, -math.inf),  # q = 0 < p: inf
        (0, [0.5, 0.5], p, -1, True, ln2, -math.inf),  # not an array
    ]
    for args in declined:
        assert COMPILED.measure(*args) is None, args[0:2]
    # KL below trust_from is summed carefully in C: of p against itself, exactly 0
    same = COMPILED.measure(2, p, p, -1, True, ln2, 1e-3)
    assert same is not None and (same == 0).all() and not np.signbit(same).any()
    neg = p.copy()
    neg[0, 0] = -neg[0, 0]
    assert COMPILED.measure(1, neg, q, -1, True, ln2, -math.inf) is None
    assert COMPILED.measure(1, neg, q, -1, False, ln2, -math.inf) is not None


@needs_c
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_measure_in_c_gives_a_zero_as_positive_zero(dtype: type) -> None:
    one = np.ones(1, dtype=dtype)
    h = ib.entropy(one)
    assert type(h) is np.dtype(dtype).type
    assert h == 0 and math.copysign(1.0, float(h)) == 1.0
    rows = ib.entropy(np.ones((3, 1), dtype=dtype))
    assert rows.dtype == dtype and (np.signbit(rows) == 0).all()


@needs_c
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("k", [1, 7, 1000, 1025, 20_000])
@pytest.mark.parametrize("eps", [1e-8, 1e-5, 3e-3, 3e-2])
def test_kl_of_nearby_rows_in_c_matches_mpmath(dtype: type, k: int, eps: float) -> None:
    """KL below 1e-3 nats (the plain sum cancels) is summed carefully in C: relative
    error against mpmath below 1e-12 (of the float64 value; float32 rounds it once)."""
    rng = np.random.default_rng(k)
    p = rng.random((3, k)) + 0.01
    p[1, : k // 3] = 0.0  # outcomes p never takes
    p /= p.sum(axis=1, keepdims=True)
    q = p * (1 + eps * rng.standard_normal((3, k)))
    q[1, : k // 3] = rng.random(k // 3) * eps / k  # where p = 0, q has a little mass
    q = np.abs(q)
    q /= q.sum(axis=1, keepdims=True)
    p, q = p.astype(dtype), q.astype(dtype)
    got = ib.kl_divergence(p, q, base="nats")
    assert got.dtype == dtype
    for i in range(3):
        # Σ p·log(p/q) of the rows as given (their sums are 1 only to rounding, so at
        # the noise level it may be below 0, where the answer is 0 by Gibbs)
        ref = max(mp_kl(p[i].astype(np.float64), q[i].astype(np.float64)), 0)
        if dtype is np.float64:
            assert rel_err(float(got[i]), ref) < 1e-12 or abs(float(got[i]) - ref) < 1e-30
        else:
            assert float(got[i]) == pytest.approx(float(ref), rel=1e-6, abs=1e-45)
    _same_answer(
        lambda: ib.kl_divergence(p, q, base="nats"), 1e-12 if dtype is np.float64 else 1e-5
    )
