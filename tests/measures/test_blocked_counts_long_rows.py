"""Counts, and logit or log-probability rows longer than a block, in the blocked driver:
values against mpmath or math.fsum (long rows with huge offsets, rows near certainty,
counts at the 1e308 scale, float32), the path taken (two passes, no general formula),
and errors in a later chunk named at their position."""

from __future__ import annotations

import dataclasses
import math

import mpmath
import numpy as np
import pytest
import scipy.stats

import infobits as ib
from infobits.measures import _blocked, _numpy

# Every test here runs with the compiled row kernels and with the NumPy path alone.
pytestmark = pytest.mark.usefixtures("kernels")

F64 = np.dtype(np.float64)


def _long(dtype: np.dtype = F64) -> int:
    return 2 * _blocked.block(dtype) + 1234  # two full chunks and a tail


def fsum_logsoftmax(z: np.ndarray) -> np.ndarray:
    """log softmax(z) in float64 with the normaliser summed exactly (math.fsum), the
    largest entry's share kept apart: log1p(rest) keeps the digits near certainty."""
    z = np.asarray(z, dtype=np.float64)
    top = int(np.argmax(z))
    e = np.exp(z - z[top])
    rest = math.fsum(e.tolist()) - 1.0 if e.sum() > 1.5 else math.fsum(np.delete(e, top).tolist())
    return (z - z[top]) - math.log1p(rest)


def fsum_entropy(lp: np.ndarray) -> float:
    lp = lp[lp > -np.inf]
    return -math.fsum((np.exp(lp) * lp).tolist())


def fsum_kl(lp: np.ndarray, lq: np.ndarray) -> float:
    return math.fsum((np.exp(lp) * (lp - lq)).tolist())


def counts_logp(c: np.ndarray) -> np.ndarray:
    """log(c/Σc) from an exact total: Σc as top·fsum(c/top), which cannot overflow."""
    c = np.asarray(c, dtype=np.float64)
    top = float(c.max())
    with np.errstate(divide="ignore"):
        return np.log(c / top) - math.log(math.fsum((c / top).tolist()))


def mp_counts_entropy(c: np.ndarray) -> float:
    """Entropy of counts at 40 digits (mpmath), for short rows."""
    with mpmath.workdps(40):
        cs = [mpmath.mpf(float(v)) for v in c.tolist()]
        total = mpmath.fsum(cs)
        return float(-mpmath.fsum(v / total * mpmath.log(v / total) for v in cs if v > 0))


@pytest.fixture
def paths(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often the first pass and the general formulas ran."""
    seen = {"norm": 0, "general": 0}
    real_norm = _blocked._norm

    def norm(*a, **k):  # type: ignore[no-untyped-def]
        seen["norm"] += 1
        return real_norm(*a, **k)

    monkeypatch.setattr(_blocked, "_norm", norm)
    for name in ("ENTROPY", "CROSS_ENTROPY", "KL"):
        measure = getattr(_numpy, name)

        def careful(d, axes, real=measure.careful):  # type: ignore[no-untyped-def]
            seen["general"] += 1
            return real(d, axes)

        monkeypatch.setattr(_numpy, name, dataclasses.replace(measure, careful=careful))
    return seen


# -- logits and log-probabilities in rows longer than a block ------------------------


def test_long_logit_rows_with_a_huge_offset_match_mpmath(paths: dict[str, int]) -> None:
    rng = np.random.default_rng(0)
    n = _long()
    z = 1e6 + 4.0 * rng.standard_normal(n)
    y = 1e6 + 4.0 * rng.standard_normal(n)
    z[n - 7] += 30.0  # the largest logit sits in the last chunk
    lz, ly = fsum_logsoftmax(z), fsum_logsoftmax(y)
    assert ib.entropy(ib.logits(z), base="nats") == pytest.approx(fsum_entropy(lz), rel=1e-9)
    assert ib.kl_divergence(ib.logits(z), ib.logits(y), base="nats") == pytest.approx(
        fsum_kl(lz, ly), rel=1e-9
    )
    ce = -math.fsum((np.exp(lz) * ly).tolist())
    assert ib.cross_entropy(ib.logits(z), ib.logits(y), base="nats") == pytest.approx(ce, rel=1e-9)
    assert paths["norm"] == 5 and paths["general"] == 0  # one pass per logit input


def test_a_long_logit_row_near_certainty_keeps_its_digits() -> None:
    n = _long()
    z = np.full(n, -40.0)
    z[n - 3] = 0.0  # the certain outcome in the last chunk
    want = fsum_entropy(fsum_logsoftmax(z))  # ~ n·40·e^-40: a log(1 + rest) would give 0 for it
    assert ib.entropy(ib.logits(z), base="nats") == pytest.approx(want, rel=1e-12)
    batch = np.stack([z, np.roll(z, -n // 2)])
    np.testing.assert_allclose(ib.entropy(ib.logits(batch), base="nats"), [want, want], 1e-12)


def test_long_log_probability_rows_match_fsum(paths: dict[str, int]) -> None:
    rng = np.random.default_rng(1)
    n = _long()
    p = rng.random(n) ** 4 + 1e-9
    p /= p.sum()
    lp = np.log(p)
    want = -math.fsum((p * lp).tolist())
    assert ib.entropy(ib.log_probs(lp), base="nats") == pytest.approx(want, rel=1e-12)
    q = np.full(n, 1.0 / n)
    want_kl = math.fsum((p * (lp - np.log(q))).tolist())
    got = ib.kl_divergence(ib.log_probs(lp), ib.log_probs(np.log(q)), base="nats")
    assert got == pytest.approx(want_kl, rel=1e-12)
    assert paths["general"] == 0


def test_long_float32_logit_rows_match_float64() -> None:
    rng = np.random.default_rng(2)
    n = _long(np.dtype(np.float32))
    z = (1e3 + 3.0 * rng.standard_normal(n)).astype(np.float32)
    want = fsum_entropy(fsum_logsoftmax(z.astype(np.float64)))
    got = ib.entropy(ib.logits(z), base="nats")
    assert got.dtype == np.float32
    assert float(got) == pytest.approx(want, rel=1e-5)


def test_errors_in_a_later_chunk_of_a_long_row_are_named() -> None:
    n = _long()
    z = np.zeros((2, n))
    z[1, n - 5] = np.nan
    with pytest.raises(ib.DistributionError, match=rf"nan at q\[1, {n - 5}\]"):
        ib.cross_entropy(ib.logits(np.zeros((2, n))), ib.logits(z))
    lp = np.full(n, -math.log(n))
    lp[n - 2] = 0.5
    with pytest.raises(ib.DistributionError, match=rf"positive entry 0\.5 at p\[{n - 2}\]"):
        ib.entropy(ib.log_probs(lp))
    lp = np.full(n, -math.log(n) + 0.01)  # every entry fine, the total is not
    with pytest.raises(ib.DistributionError, match=r"exponentiate to a total of 1\.01"):
        ib.entropy(ib.log_probs(lp))
    z = np.full(n, -np.inf)
    with pytest.raises(ib.DistributionError, match=r"all -inf at p\[:\]"):
        ib.entropy(ib.logits(z))


# -- counts ------------------------------------------------------------------------


def test_counts_match_mpmath_in_short_and_long_rows(paths: dict[str, int]) -> None:
    rng = np.random.default_rng(3)
    rows = rng.integers(0, 30, (40, 57)).astype(np.float64)
    got = ib.entropy(ib.counts(rows), base="nats")
    np.testing.assert_allclose(got, [mp_counts_entropy(r) for r in rows], rtol=1e-13)
    long = rng.integers(0, 1000, _long()).astype(np.float64)
    assert ib.entropy(ib.counts(long), base="nats") == pytest.approx(
        fsum_entropy(counts_logp(long)), rel=1e-13
    )
    assert paths["norm"] == 2 and paths["general"] == 0  # zero counts take no redo


def test_counts_near_certainty_keep_their_digits() -> None:
    c = np.array([[1e20, 1.0, 0.0], [3.0, 2e18, 5.0]])
    want = [mp_counts_entropy(r) for r in c]
    np.testing.assert_allclose(ib.entropy(ib.counts(c), base="nats"), want, rtol=1e-13)
    long = np.zeros(_long())
    long[-9] = 1e18
    long[5] = 1.0
    long[40000] = 3.0
    assert ib.entropy(ib.counts(long), base="nats") == pytest.approx(
        mp_counts_entropy(long), rel=1e-13
    )


def test_counts_at_the_1e308_scale_do_not_overflow() -> None:
    c = np.array([1e308, 1e308, 3e307, 7.0])
    assert ib.entropy(ib.counts(c), base="nats") == pytest.approx(mp_counts_entropy(c), rel=1e-12)
    long = np.ones(_long())
    long[::997] = 1.5e308  # Σc overflows, in every chunk
    assert ib.entropy(ib.counts(long), base="nats") == pytest.approx(
        fsum_entropy(counts_logp(long)), rel=1e-12
    )
    p = np.full(4, 0.25)
    kl = math.fsum((0.25 * (math.log(0.25) - counts_logp(c))).tolist())
    assert ib.kl_divergence(p, ib.counts(c), base="nats") == pytest.approx(kl, rel=1e-12)


def test_float32_counts_match_float64() -> None:
    rng = np.random.default_rng(4)
    c = rng.integers(0, 500, _long(np.dtype(np.float32))).astype(np.float32)
    got = ib.entropy(ib.counts(c), base="nats")
    assert got.dtype == np.float32
    assert float(got) == pytest.approx(fsum_entropy(counts_logp(c)), rel=1e-5)


@pytest.mark.parametrize("n", [57, _long()])
def test_kl_and_cross_entropy_of_counts_match_scipy(n: int) -> None:
    rng = np.random.default_rng(5)
    p = rng.integers(0, 40, (3, n)).astype(np.float64)
    q = rng.integers(1, 40, (3, n)).astype(np.float64)
    p[:, 0] = 0.0  # p = 0 where q > 0: that q-mass belongs to the divergence
    want = scipy.stats.entropy(p, q, axis=-1)
    np.testing.assert_allclose(ib.kl_divergence(ib.counts(p), ib.counts(q), base="nats"), want)
    pn, qn = p / p.sum(-1, keepdims=True), q / q.sum(-1, keepdims=True)
    ce = [-math.fsum((a * np.log(b)).tolist()) for a, b in zip(pn, qn, strict=True)]
    got = ib.cross_entropy(ib.counts(p), ib.counts(q), base="nats")
    np.testing.assert_allclose(got, ce, rtol=1e-13)
    kl_probs = ib.kl_divergence(pn, ib.counts(q), base="nats")
    np.testing.assert_allclose(kl_probs, want, rtol=1e-12)


def test_kl_of_two_counts_keeps_the_q_mass_where_p_is_zero_on_every_engine() -> None:
    torch = pytest.importorskip("torch")
    p = np.array([0.0, 640.0, 12.0, 1.0, 346.0])
    q = np.array([138.0, 512.0, 58.0, 50.0, 243.0])
    want = scipy.stats.entropy(p, q)
    assert ib.kl_divergence(ib.counts(p), ib.counts(q), base="nats") == pytest.approx(want)
    t = ib.kl_divergence(ib.counts(torch.tensor(p)), ib.counts(torch.tensor(q)), base="nats")
    assert float(t) == pytest.approx(want)


def test_bad_counts_in_a_later_chunk_are_named() -> None:
    n = _long()
    c = np.ones(n)
    c[n - 4] = -2.0
    with pytest.raises(ib.DistributionError, match=rf"negative entry -2 at p\[{n - 4}\]"):
        ib.entropy(ib.counts(c))
    c = np.ones(n)
    c[n - 6] = 2.5
    with pytest.raises(ib.DistributionError, match=rf"non-integer entry 2\.5 at p\[{n - 6}\]"):
        ib.entropy(ib.counts(c))
    c = np.ones(n)
    c[n - 8] = np.inf
    with pytest.raises(ib.DistributionError, match=rf"contain inf at p\[{n - 8}\]"):
        ib.entropy(ib.counts(c))
    rows = np.ones((300, 20))
    rows[217] = 0.0
    with pytest.raises(ib.DistributionError, match=r"total 0 at p\[217, :\]"):
        ib.entropy(ib.counts(rows))


def test_zero_probabilities_stay_on_the_blocked_path(paths: dict[str, int]) -> None:
    # 0·log 0 = 0 is summed within the block, not by the general formulas.
    rng = np.random.default_rng(6)
    n = _long()
    z = rng.standard_normal((2, n))
    z[:, ::7] = -np.inf  # masked logits
    want = [fsum_entropy(fsum_logsoftmax(r)) for r in z]
    np.testing.assert_allclose(ib.entropy(ib.logits(z), base="nats"), want, rtol=1e-12)
    p = rng.integers(0, 9, n).astype(np.float64)
    q = np.where(p == 0, 0.0, rng.integers(1, 9, n).astype(np.float64))  # shared zeros
    lp, lq = counts_logp(p), counts_logp(q)
    live = p > 0
    kl = math.fsum((np.exp(lp[live]) * (lp[live] - lq[live])).tolist())
    ce = -math.fsum((np.exp(lp[live]) * lq[live]).tolist())
    got_kl = ib.kl_divergence(ib.counts(p), ib.counts(q), base="nats")
    assert got_kl == pytest.approx(kl, rel=1e-12)
    assert ib.cross_entropy(ib.counts(p), ib.counts(q), base="nats") == pytest.approx(ce, rel=1e-12)
    lz = lp  # log-probabilities with -inf
    assert ib.entropy(ib.log_probs(lz), base="nats") == pytest.approx(fsum_entropy(lz), rel=1e-12)
    assert paths["general"] == 0
