"""The blocked path for logits agrees with the careful path, edges included, and
validates as strictly."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special as sc

import infobits as ib
from infobits._inputs import validate
from infobits.measures._kl import kl_nats
from infobits.measures._numpy import prepare_many

# Every test here runs with the compiled row kernels and with the NumPy path alone.
pytestmark = pytest.mark.usefixtures("kernels")


def _batch(seed: int, rows: int = 300, k: int = 40) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = 3 * rng.normal(size=(rows, k))
    b = 3 * rng.normal(size=(rows, k))
    a[::7, 3] = -np.inf  # zero probabilities in p
    b[::11, 5] = -np.inf  # ... and in q
    b[::13] = a[::13] + 1e-9 * rng.normal(size=(len(b[::13]), k))  # near-equal rows
    b[::13, :] = np.where(np.isinf(a[::13]), -np.inf, b[::13])
    return a, b


def _careful_kl(p: object, q: object) -> np.ndarray:
    (pp, qp), _, axes = prepare_many([(p, "p"), (q, "q")], -1)
    validate(pp)
    validate(qp)
    return np.maximum(kl_nats(pp, qp, axes), 0.0)  # a KL is never negative


@pytest.mark.parametrize("seed", [0, 1])
def test_kl_of_logit_batches_matches_the_careful_path(seed: int) -> None:
    a, b = _batch(seed)
    got = ib.kl_divergence(ib.logits(a), ib.logits(b), base="nats")
    want = _careful_kl(ib.logits(a), ib.logits(b))
    finite = np.isfinite(want)
    np.testing.assert_array_equal(np.isinf(got), np.isinf(want))
    np.testing.assert_allclose(got[finite], want[finite], rtol=1e-12, atol=0)


def test_probabilities_against_logits_match_the_careful_path() -> None:
    a, b = _batch(2)
    p = sc.softmax(a, axis=-1)
    got = ib.kl_divergence(p, ib.logits(b), base="nats")
    want = _careful_kl(p, ib.logits(b))
    finite = np.isfinite(want)
    np.testing.assert_array_equal(np.isinf(got), np.isinf(want))
    np.testing.assert_allclose(got[finite], want[finite], rtol=1e-10, atol=1e-300)


def test_entropy_and_cross_entropy_of_logit_batches_match_their_definitions() -> None:
    a, b = _batch(3)
    lp, lq = sc.log_softmax(a, axis=-1), sc.log_softmax(b, axis=-1)
    p = np.exp(lp)
    h = np.where(p > 0, -p * np.where(p > 0, lp, 0.0), 0.0).sum(-1)
    with np.errstate(invalid="ignore"):
        ce = np.where(p > 0, -p * lq, 0.0).sum(-1)
    np.testing.assert_allclose(ib.entropy(ib.logits(a), base="nats"), h, rtol=1e-12)
    got = ib.cross_entropy(ib.logits(a), ib.logits(b), base="nats")
    np.testing.assert_array_equal(np.isinf(got), np.isinf(ce))
    np.testing.assert_allclose(got[np.isfinite(ce)], ce[np.isfinite(ce)], rtol=1e-12)
    np.testing.assert_allclose(
        ib.cross_entropy(p, ib.logits(b), base="nats")[np.isfinite(ce)],
        ce[np.isfinite(ce)],
        rtol=1e-10,
    )


def test_invalid_rows_deep_in_a_batch_are_named() -> None:
    a, b = _batch(4)
    a[250, 7] = np.nan
    with pytest.raises(ib.DistributionError, match=r"logits p contain nan at p\[250, 7\]"):
        ib.kl_divergence(ib.logits(a), ib.logits(b))
    b[123] = -np.inf
    with pytest.raises(ib.DistributionError, match=r"all -inf at q\[123, :\]"):
        ib.cross_entropy(ib.logits(np.nan_to_num(a)), ib.logits(b))
    p = sc.softmax(np.nan_to_num(a), axis=-1)
    p[42] *= 1.01
    with pytest.raises(ib.DistributionError, match=r"p sums to 1\.01 .* at p\[42, :\]"):
        ib.kl_divergence(p, ib.logits(np.nan_to_num(a)))


def test_rows_longer_than_a_block_take_the_general_path() -> None:
    rng = np.random.default_rng(5)
    z = rng.normal(size=40_000)
    lp = sc.log_softmax(z)
    assert ib.entropy(ib.logits(z), base="nats") == pytest.approx(-np.sum(np.exp(lp) * lp))


def _mp_rows(z: np.ndarray) -> list[tuple[list, list]]:
    """(p, log p) of each row of logits, in mpmath at 50 digits."""
    import mpmath as mp

    mp.mp.dps = 50
    rows = []
    for row in z:
        zs = [mp.mpf(float(x)) for x in row]
        lse = mp.log(mp.fsum(mp.exp(x) for x in zs))
        lp = [x - lse for x in zs]
        rows.append(([mp.exp(x) for x in lp], lp))
    return rows


def _logit_cases() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    a = rng.normal(size=(24, 60)) * np.linspace(0.1, 20, 24)[:, None]
    b = rng.normal(size=(24, 60)) * 4
    a[3] += 1000.0  # large offsets: the shift must remove them exactly
    b[5] -= 700.0
    a[7, 0] += 60.0  # near certainty: log p of the top outcome is -rest, not 0
    b[9] = a[9] + 0.5 * rng.normal(size=60)
    return a, b


def test_fused_logit_rows_match_mpmath() -> None:
    import mpmath as mp

    a, b = _logit_cases()
    pa, pb = _mp_rows(a), _mp_rows(b)
    p = np.array([[float(x) for x in row[0]] for row in pa])
    h = [float(-mp.fsum(x * y for x, y in zip(*row, strict=True))) for row in pa]
    ce = [
        float(-mp.fsum(x * y for x, y in zip(r[0], s[1], strict=True)))
        for r, s in zip(pa, pb, strict=True)
    ]
    kl = [
        float(mp.fsum(x * (y - w) for x, y, w in zip(r[0], r[1], s[1], strict=True)))
        for r, s in zip(pa, pb, strict=True)
    ]
    ce_p = [  # p as given (rounded to float64), against the exact log q
        float(-mp.fsum(mp.mpf(float(x)) * y for x, y in zip(r[0], s[1], strict=True)))
        for r, s in zip(pa, pb, strict=True)
    ]
    la, lb = ib.logits(a), ib.logits(b)
    np.testing.assert_allclose(ib.entropy(la, base="nats"), h, rtol=1e-13)
    np.testing.assert_allclose(ib.cross_entropy(la, lb, base="nats"), ce, rtol=1e-13)
    np.testing.assert_allclose(ib.kl_divergence(la, lb, base="nats"), kl, rtol=1e-11)
    np.testing.assert_allclose(ib.cross_entropy(p, lb, base="nats"), ce_p, rtol=1e-13)


def test_logit_rows_take_the_fused_blocked_path(monkeypatch: pytest.MonkeyPatch) -> None:
    from infobits.measures import _blocked

    taken = []
    real = _blocked._softmax_rows

    def spy(*args: object, **kw: object) -> object:
        out = real(*args, **kw)  # type: ignore[arg-type]
        taken.append(out is not None)
        return out

    monkeypatch.setattr(_blocked, "_softmax_rows", spy)
    a, b = _logit_cases()
    ib.entropy(ib.logits(a))
    ib.cross_entropy(ib.logits(a), ib.logits(b))
    ib.cross_entropy(sc.softmax(a, axis=-1), ib.logits(b))
    assert taken == [True, True, True]


def test_log_probability_rows_take_the_blocked_path_and_match_mpmath(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import mpmath as mp

    from infobits.measures import _blocked

    taken = []
    real = _blocked._softmax_rows

    def spy(*args: object, **kw: object) -> object:
        out = real(*args, **kw)  # type: ignore[arg-type]
        taken.append(out is not None)
        return out

    monkeypatch.setattr(_blocked, "_softmax_rows", spy)
    a, b = _logit_cases()
    pa, pb = _mp_rows(a), _mp_rows(b)
    lp = np.array([[float(x) for x in row[1]] for row in pa])
    lq = np.array([[float(x) for x in row[1]] for row in pb])
    lq_before = lq.copy()

    def exact(f: object) -> list[float]:
        # on the float64 log-probabilities as given, at 50 digits
        return [float(f(r, s)) for r, s in zip(lp.tolist(), lq.tolist(), strict=True)]  # type: ignore[operator]

    h = exact(lambda r, s: -mp.fsum(mp.exp(x) * x for x in r))
    ce = exact(lambda r, s: -mp.fsum(mp.exp(x) * y for x, y in zip(r, s, strict=True)))
    kl = exact(lambda r, s: mp.fsum(mp.exp(x) * (mp.mpf(x) - y) for x, y in zip(r, s, strict=True)))
    np.testing.assert_allclose(ib.entropy(ib.log_probs(lp), base="nats"), h, rtol=1e-13)
    got = ib.cross_entropy(ib.log_probs(lp), ib.log_probs(lq), base="nats")
    np.testing.assert_allclose(got, ce, rtol=1e-13)
    got = ib.kl_divergence(ib.log_probs(lp), ib.log_probs(lq), base="nats")
    np.testing.assert_allclose(got, kl, rtol=1e-11)
    got = ib.kl_divergence(ib.logits(a), ib.log_probs(lq), base="nats")
    np.testing.assert_allclose(got, kl, rtol=1e-10)
    np.testing.assert_array_equal(lq, lq_before)  # the caller's array is never scratch
    assert taken == [True] * 4


def test_invalid_log_probability_rows_are_named() -> None:
    lp = sc.log_softmax(np.random.default_rng(12).normal(size=(200, 30)), axis=-1)
    bad = lp.copy()
    bad[150, 2] = 0.5
    with pytest.raises(ib.DistributionError, match=r"positive entry 0\.5 at p\[150, 2\]"):
        ib.entropy(ib.log_probs(bad))
    bad = lp.copy()
    bad[77] += 0.01
    with pytest.raises(ib.DistributionError, match=r"total of 1\.01.* at q\[77, :\]"):
        ib.kl_divergence(ib.log_probs(lp), ib.log_probs(bad))
    bad = lp.copy()
    bad[9, 9] = np.nan
    with pytest.raises(ib.DistributionError, match=r"contain nan at q\[9, 9\]"):
        ib.cross_entropy(sc.softmax(lp, axis=-1), ib.log_probs(bad))
