"""The blocked driver for probabilities: right values against math.fsum on rows longer
than a block (column chunks) and on many short rows, the path taken, and validation
from the same pass as strict as the full check."""

from __future__ import annotations

import math

import numpy as np
import pytest

import infobits as ib
from infobits.measures import _blocked

# Every test here runs with the compiled row kernels and with the NumPy path alone.
pytestmark = pytest.mark.usefixtures("kernels")


def _probs(shape: tuple[int, ...], seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.random(shape) ** 3 + 1e-12
    return x / x.sum(axis=-1, keepdims=True)


def _h(p: np.ndarray) -> float:
    return -math.fsum(float(x) * math.log(x) for x in p.tolist() if x > 0)


def _kl(p: np.ndarray, q: np.ndarray) -> float:
    return math.fsum(
        float(a) * (math.log(a) - math.log(b)) for a, b in zip(p.tolist(), q.tolist(), strict=True)
    )


def _ce(p: np.ndarray, q: np.ndarray) -> float:
    return -math.fsum(float(a) * math.log(b) for a, b in zip(p.tolist(), q.tolist(), strict=True))


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    seen: list[tuple[int, int]] = []
    real = _blocked._blocked

    def wrapped(kernel, rows, tols):  # type: ignore[no-untyped-def]
        seen.append(rows[0].shape)
        return real(kernel, rows, tols)

    monkeypatch.setattr(_blocked, "_blocked", wrapped)
    ck = _blocked._ckernels
    if ck is not None:  # the compiled path answers whole calls on plain arrays itself
        real_measure = ck.measure

        def measured(kind, p, q, axis, *rest):  # type: ignore[no-untyped-def]
            r = real_measure(kind, p, q, axis, *rest)
            if r is not None:
                seen.append((1, p.shape[0]) if p.ndim == 1 else p.shape)
            return r

        monkeypatch.setattr(ck, "measure", measured)
    return seen


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_rows_longer_than_a_block_match_fsum(dtype: type, spy: list) -> None:
    n = 3 * _blocked.block(np.dtype(dtype)) + 17  # three full chunks and a tail
    p, q = _probs((n,), 1).astype(dtype), _probs((n,), 2).astype(dtype)
    p64, q64 = p.astype(np.float64), q.astype(np.float64)
    rtol = 1e-12 if dtype is np.float64 else 1e-5
    assert ib.entropy(p, base="nats") == pytest.approx(_h(p64), rel=rtol)
    assert ib.kl_divergence(p, q, base="nats") == pytest.approx(_kl(p64, q64), rel=rtol)
    assert ib.cross_entropy(p, q, base="nats") == pytest.approx(_ce(p64, q64), rel=rtol)
    assert spy == [(1, n)] * 3


def test_many_short_rows_match_fsum(spy: list) -> None:
    p, q = _probs((3000, 50), 3), _probs((3000, 50), 4)
    got = ib.kl_divergence(p, q, base="nats")
    want = [_kl(a, b) for a, b in zip(p, q, strict=True)]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    h = ib.entropy(p, base="nats")
    np.testing.assert_allclose(h, [_h(a) for a in p], rtol=1e-12)
    assert spy == [(3000, 50)] * 2


def test_invalid_entries_in_a_later_chunk_are_found_and_named() -> None:
    n = 2 * _blocked.block(np.dtype(np.float64)) + 5
    p = _probs((n,), 5)
    bad = p.copy()
    bad[n - 3] = -bad[n - 3]
    with pytest.raises(ib.DistributionError, match=rf"negative entry .* at p\[{n - 3}\]"):
        ib.entropy(bad)
    off = p * 1.001
    with pytest.raises(ib.DistributionError, match=r"q sums to 1\.001"):
        ib.kl_divergence(p, off)
    rows = _probs((500, 40), 6)
    rows[321, 7] = np.nan
    with pytest.raises(ib.DistributionError, match=r"nan at p\[321, 7\]"):
        ib.cross_entropy(rows, _probs((500, 40), 7))


@pytest.mark.parametrize("measure", ["entropy", "cross_entropy", "kl_divergence"])
@pytest.mark.parametrize("where", ["p", "q", "both"])
def test_a_negative_entry_is_found_without_a_separate_minimum(measure: str, where: str) -> None:
    # The kernels skip the minimum pass where every row's nats are finite; a negative
    # entry (in p, in q, or in both at one outcome) must still be named.
    if measure == "entropy" and where == "q":
        pytest.skip("entropy has no q")
    p, q = _probs((64, 30), 8), _probs((64, 30), 9)
    if where in ("p", "both"):
        p[40, 3] = -0.05
        p[40, 4] += 0.05
    if where in ("q", "both") and measure != "entropy":
        q[40, 3] = -0.05
        q[40, 4] += 0.05
    name = "q" if where == "q" and measure != "entropy" else "p"
    fn = getattr(ib, measure)
    args = (p,) if measure == "entropy" else (p, q)
    with pytest.raises(ib.DistributionError, match=rf"negative entry .* at {name}\[40, 3\]"):
        fn(*args)


def test_several_outcome_axes_are_blocked_and_match_fsum(spy: list) -> None:
    p = _probs((6, 4 * 50), 10).reshape(6, 4, 50)
    q = _probs((6, 4 * 50), 11).reshape(6, 4, 50)
    got = ib.kl_divergence(p, q, base="nats", axis=(1, 2))
    want = [_kl(a.ravel(), b.ravel()) for a, b in zip(p, q, strict=True)]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    h = ib.entropy(p, base="nats", axis=(-2, -1), keepdims=True)
    assert h.shape == (6, 1, 1)
    np.testing.assert_allclose(h.ravel(), [_h(a.ravel()) for a in p], rtol=1e-12)
    assert spy == [(6, 200)] * 2
    # outcome axes 0 and 2 around the batch axis: flattening them needs a copy, so the
    # general path answers
    pt = np.ascontiguousarray(np.moveaxis(p, 0, 1))
    qt = np.ascontiguousarray(np.moveaxis(q, 0, 1))
    np.testing.assert_allclose(ib.kl_divergence(pt, qt, base="nats", axis=(0, 2)), want, rtol=1e-12)
    assert len(spy) == 2


def _peak_bytes(fn) -> int:  # type: ignore[no-untyped-def]
    import tracemalloc

    fn()  # scratch blocks are made once per thread
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_zero_entries_are_retaken_block_by_block() -> None:
    # q = 0 < p makes KL and H(p, q) infinite, p = 0 makes 0·log 0 terms: the rows are
    # retaken by the fix kernels, one small block at a time, never as whole arrays.
    n = 40 * _blocked.block(np.dtype(np.float64)) + 3
    p, q = _probs((n,), 12), _probs((n,), 13)
    q0 = q.copy()
    q0[n // 2] = 0.0
    q0 /= q0.sum()
    assert ib.kl_divergence(p, q0) == np.inf
    assert ib.cross_entropy(p, q0) == np.inf
    assert _peak_bytes(lambda: ib.kl_divergence(p, q0)) < 0.05 * p.nbytes
    p0 = p.copy()
    p0[::7] = 0.0
    p0 /= p0.sum()
    assert ib.entropy(p0, base="nats") == pytest.approx(_h(p0), rel=1e-12)
    assert ib.kl_divergence(p0, q, base="nats") == pytest.approx(
        math.fsum(a * (math.log(a) - math.log(b)) for a, b in zip(p0, q, strict=True) if a > 0),
        rel=1e-12,
    )
    assert _peak_bytes(lambda: ib.entropy(p0)) < 0.05 * p.nbytes
    bad = q0.copy()
    bad[3] = -bad[4]  # found by the retake, which looks for the minimum itself
    bad[5] += bad[4]
    with pytest.raises(ib.DistributionError, match=r"negative entry .* at q\[3\]"):
        ib.kl_divergence(p, bad)


def test_integer_counts_are_converted_block_by_block() -> None:
    n = 40 * _blocked.block(np.dtype(np.float64)) + 3
    rng = np.random.default_rng(14)
    c, c2 = rng.integers(0, 50, n), rng.integers(1, 50, n)
    f, f2 = c.astype(np.float64), c2.astype(np.float64)
    assert ib.entropy(ib.counts(c)) == pytest.approx(_h(f / f.sum()) / math.log(2), rel=1e-12)
    got = ib.kl_divergence(ib.counts(c), ib.counts(c2), base="nats")
    assert got == pytest.approx(_kl_pos(f / f.sum(), f2 / f2.sum()), rel=1e-12)
    assert _peak_bytes(lambda: ib.entropy(ib.counts(c))) < 0.05 * f.nbytes
    assert _peak_bytes(lambda: ib.kl_divergence(ib.counts(c), ib.counts(c2))) < 0.05 * f.nbytes
    bad = c.copy()
    bad[n - 2] = -1
    with pytest.raises(ib.DistributionError, match=rf"negative entry -1 at p\[{n - 2}\]"):
        ib.entropy(ib.counts(bad), base="nats")


def _kl_pos(p: np.ndarray, q: np.ndarray) -> float:
    return math.fsum(
        float(a) * (math.log(a) - math.log(b))
        for a, b in zip(p.tolist(), q.tolist(), strict=True)
        if a > 0
    )


def _log_softmax(z: np.ndarray) -> np.ndarray:
    zs = z - z.max(axis=-1, keepdims=True)
    return zs - np.log(np.exp(zs).sum(axis=-1, keepdims=True))


@pytest.mark.parametrize("p_kind", ["logits", "probs"])
def test_logit_rows_through_log_sum_exps_match_fsum(p_kind: str) -> None:
    # float64 logit rows take the log-sum-exp formulas; rows they cannot answer
    # (masked logits, overflowing e^z, small results) go to the blocked driver.
    rng = np.random.default_rng(15)
    zp, zq = rng.normal(size=(300, 40)) * 3, rng.normal(size=(300, 40)) * 3
    zp[5, 3] = -np.inf  # masked
    zq[6] += 800.0  # e^z overflows
    zp[7] = zq[7] + 1e-6 * rng.normal(size=40)  # tiny KL
    lp, lq = _log_softmax(zp), _log_softmax(zq)
    pp = np.exp(lp)
    p = ib.logits(zp) if p_kind == "logits" else pp
    kl = ib.kl_divergence(p, ib.logits(zq), base="nats")
    ce = ib.cross_entropy(p, ib.logits(zq), base="nats")
    for i in range(300):
        live = pp[i] > 0
        want_kl = math.fsum((pp[i][live] * (lp[i][live] - lq[i][live])).tolist())
        want_ce = -math.fsum((pp[i][live] * lq[i][live]).tolist())
        assert ce[i] == pytest.approx(want_ce, rel=1e-12)
        if i != 7:  # the fsum of rounded log-softmaxes is no reference for a tiny KL
            assert kl[i] == pytest.approx(want_kl, rel=1e-10)
    assert 0 < kl[7] < 1e-9
    bad = zq.copy()
    bad[250, 9] = np.nan
    with pytest.raises(ib.DistributionError, match=r"nan at q\[250, 9\]"):
        ib.kl_divergence(p, ib.logits(bad))
    with pytest.raises(ib.DistributionError, match=r"nan at q\[250, 9\]"):
        ib.cross_entropy(p, ib.logits(bad))
