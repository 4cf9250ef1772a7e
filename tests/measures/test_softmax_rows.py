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
