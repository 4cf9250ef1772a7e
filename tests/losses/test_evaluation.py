"""Bits per token, bits per byte and perplexity, streamed over batches, against a direct
float64 computation with SciPy."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy.special import log_softmax

from infobits.losses import CodeLengthMeter, bits_per_byte, bits_per_token, token_perplexity


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(3, 4, 5, 11)) * 2  # 3 batches of (4, 5) tokens, V = 11
    target = rng.integers(0, 11, size=(3, 4, 5))
    target[:, 0, :2] = -100
    nbytes = rng.integers(1, 5, size=11)
    return logits, target, nbytes


def _reference(
    logits: np.ndarray, target: np.ndarray, nbytes: np.ndarray
) -> tuple[float, int, int]:
    lp = log_softmax(logits, axis=-1)
    keep = target != -100
    nll = -np.take_along_axis(lp, np.where(keep, target, 0)[..., None], axis=-1)[..., 0]
    return float(nll[keep].sum()), int(keep.sum()), int(nbytes[target[keep]].sum())


def test_streamed_meter_equals_the_direct_computation() -> None:
    logits, target, nbytes = _data()
    nats, tokens, total_bytes = _reference(logits, target, nbytes)
    meter = CodeLengthMeter()
    for b in range(3):
        meter.update(
            torch.tensor(logits[b]), torch.tensor(target[b]), token_bytes=torch.tensor(nbytes)
        )
    assert meter.tokens == tokens and meter.bytes == total_bytes
    assert meter.bits_per_token == pytest.approx(nats / tokens / math.log(2), rel=1e-13)
    assert meter.bits_per_byte == pytest.approx(nats / total_bytes / math.log(2), rel=1e-13)
    assert meter.perplexity == pytest.approx(math.exp(nats / tokens), rel=1e-13)


def test_one_shot_helpers_agree_with_the_meter() -> None:
    logits, target, nbytes = _data(1)
    nats, tokens, total_bytes = _reference(logits, target, nbytes)
    z, t = torch.tensor(logits), torch.tensor(target)
    assert bits_per_token(z, t) == pytest.approx(nats / tokens / math.log(2), rel=1e-13)
    assert token_perplexity(z, t) == pytest.approx(math.exp(nats / tokens), rel=1e-13)
    assert bits_per_byte(z, t, nbytes) == pytest.approx(nats / total_bytes / math.log(2), rel=1e-13)
    assert bits_per_byte(z, t, 1000) == pytest.approx(nats / 1000 / math.log(2), rel=1e-13)


def test_float32_logits_are_summed_in_float64() -> None:
    logits, target, _ = _data(2)
    nats, tokens, _ = _reference(
        logits.astype(np.float32).astype(np.float64), target, np.ones(11, int)
    )
    got = bits_per_token(torch.tensor(logits, dtype=torch.float32), torch.tensor(target))
    assert got == pytest.approx(nats / tokens / math.log(2), rel=1e-6)


def test_numpy_logits_work_without_torch_tensors() -> None:
    assert bits_per_token(np.zeros((4, 8)), np.array([0, 1, 2, 3])) == 3.0


def test_missing_bytes_or_tokens_are_explained() -> None:
    meter = CodeLengthMeter()
    with pytest.raises(ValueError, match="no tokens counted"):
        _ = meter.bits_per_token
    meter.update(torch.zeros(2, 4), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="pass token_bytes="):
        _ = meter.bits_per_byte
    with pytest.raises(ValueError, match="shape"):
        meter.update(torch.zeros(2, 4), torch.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match=r"integer array of shape \(4,\)"):
        meter.update(torch.zeros(2, 4), torch.tensor([0, 1]), token_bytes=np.ones(3, int))


def test_meter_does_not_track_gradients() -> None:
    z = torch.zeros(2, 4, requires_grad=True)
    meter = CodeLengthMeter()
    assert meter.update(z, torch.tensor([0, 1])) == pytest.approx(math.log(4))
