"""Evaluation in code lengths: bits per token, bits per byte and perplexity, streamed
over batches.

A language model is a code for text. Its loss on held-out text, summed, is the length in
nats of the text coded with it; divided by the tokens it is bits per token, divided by
the bytes of the text it is bits per byte (the one number comparable across tokenisers),
and exponentiated per token it is the perplexity. Sums are kept in float64 on the host,
so a long evaluation does not drift.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _backend
from ._classification import cross_entropy_loss

__all__ = ["CodeLengthMeter", "bits_per_byte", "bits_per_token", "token_perplexity"]


class CodeLengthMeter:
    r"""Accumulates the code length of targets under a model's logits, batch by batch.

    Each :meth:`update` adds Σₙ −ln q(yₙ) over the batch's tokens (those not equal to
    ``ignore_index``), their number, and optionally their length in bytes. Then

    * ``bits_per_token`` = Σ −log₂ q(yₙ) / tokens,
    * ``bits_per_byte`` = Σ −log₂ q(yₙ) / bytes,
    * ``perplexity`` = exp(Σ −ln q(yₙ) / tokens).

    Logits have the vocabulary on the last axis, shape ``(..., V)``, with targets of shape
    ``(...)``, as language models produce them. Gradients are not tracked.

    >>> import torch, infobits as ib
    >>> meter = ib.losses.CodeLengthMeter()
    >>> for _ in range(3):  # a uniform model over 8 tokens: 3 bits a token
    ...     _ = meter.update(torch.zeros(4, 8), torch.tensor([1, 2, 3, -100]), token_bytes=2)
    >>> meter.tokens, meter.bytes, meter.bits_per_token, meter.perplexity
    (9, 6, 3.0, 8.0)
    >>> meter.bits_per_byte  # 27 bits over 6 bytes
    4.5

    Reference: L. Gao et al., "The Pile: An 800GB Dataset of Diverse Text for Language
    Modeling", 2020, §5 (bits per byte).
    """

    def __init__(self, *, ignore_index: int = -100) -> None:
        self.ignore_index = ignore_index
        self.nats = 0.0
        self.tokens = 0
        self.bytes: int | None = 0

    def update(self, logits: Any, target: Any, *, token_bytes: Any = None) -> float:
        """Add one batch; return its nats per token.

        ``token_bytes`` is the byte length of the text these targets cover: an int for
        the whole batch, or an integer array of shape ``(V,)`` giving each token id's
        length in bytes. Leave it out and ``bits_per_byte`` is unavailable.
        """
        nats, n, nbytes = _batch(logits, target, token_bytes, self.ignore_index)
        self.nats += nats
        self.tokens += n
        if nbytes is None or self.bytes is None:
            self.bytes = None
        else:
            self.bytes += nbytes
        return nats / n if n else math.nan

    @property
    def nats_per_token(self) -> float:
        if self.tokens == 0:
            raise ValueError("no tokens counted yet; call update() with a batch first")
        return self.nats / self.tokens

    @property
    def bits_per_token(self) -> float:
        return self.nats_per_token / math.log(2)

    @property
    def perplexity(self) -> float:
        return math.exp(self.nats_per_token)

    @property
    def bits_per_byte(self) -> float:
        if self.bytes is None:
            raise ValueError(
                "bits per byte needs the byte length of every batch: pass token_bytes= to "
                "each update()"
            )
        if self.bytes <= 0:
            raise ValueError("no bytes counted yet; pass token_bytes= to update()")
        return self.nats / math.log(2) / self.bytes


def _batch(logits: Any, target: Any, token_bytes: Any, ignore_index: int) -> tuple[float, int, Any]:
    if type(logits).__module__.split(".", 1)[0] == "torch":
        logits = logits.detach()
    shape = tuple(logits.shape)
    if tuple(target.shape) != shape[:-1]:
        raise ValueError(
            f"target has shape {tuple(target.shape)}; logits of shape {shape} (vocabulary "
            f"last) need targets of shape {shape[:-1]}"
        )
    v = shape[-1]
    flat = logits.reshape((-1, v))
    t = target.reshape((-1,))
    per = cross_entropy_loss(flat, t, ignore_index=ignore_index, reduction="none")
    host_t = _backend.to_numpy(t)
    valid = host_t != ignore_index
    nats = float(np.sum(_backend.to_numpy(per).astype(np.float64)))
    n = int(np.count_nonzero(valid))
    if token_bytes is None:
        return nats, n, None
    if isinstance(token_bytes, int | np.integer):
        if token_bytes < 0:
            raise ValueError(f"token_bytes={token_bytes} must be >= 0")
        return nats, n, int(token_bytes)
    table = _backend.to_numpy(token_bytes)
    if table.shape != (v,) or table.dtype.kind not in "iu":
        raise ValueError(
            f"token_bytes must be an int or an integer array of shape ({v},) giving each "
            f"token's length in bytes; got shape {table.shape}, dtype {table.dtype}"
        )
    return nats, n, int(table[host_t[valid]].sum())


def bits_per_token(logits: Any, target: Any, *, ignore_index: int = -100) -> float:
    r"""Mean code length of ``target`` under softmax(``logits``): Σ −log₂ q(yₙ) / N.

    Logits ``(..., V)``, targets ``(...)``; tokens equal to ``ignore_index`` are skipped.
    For many batches use :class:`CodeLengthMeter`.

    >>> import torch, infobits as ib
    >>> ib.losses.bits_per_token(torch.zeros(2, 3, 16), torch.ones(2, 3, dtype=torch.long))
    4.0

    Reference: Shannon 1948; C. E. Shannon, "Prediction and Entropy of Printed English",
    Bell Syst. Tech. J. 30, 1951.
    """
    meter = CodeLengthMeter(ignore_index=ignore_index)
    meter.update(logits, target)
    return meter.bits_per_token


def bits_per_byte(logits: Any, target: Any, token_bytes: Any, *, ignore_index: int = -100) -> float:
    r"""Code length per byte of text: Σ −log₂ q(yₙ) / (bytes the targets cover).

    ``token_bytes`` is an int (the byte length of the text) or an integer array of shape
    ``(V,)`` with each token's length in bytes. Comparable across tokenisers, unlike bits
    per token.

    >>> import torch, infobits as ib
    >>> ib.losses.bits_per_byte(torch.zeros(4, 256), torch.tensor([104, 105, 33, 10]), 4)
    8.0

    Reference: Gao et al. 2020, "The Pile", §5.
    """
    meter = CodeLengthMeter(ignore_index=ignore_index)
    meter.update(logits, target, token_bytes=token_bytes)
    return meter.bits_per_byte


def token_perplexity(logits: Any, target: Any, *, ignore_index: int = -100) -> float:
    r"""Perplexity exp(Σ −ln q(yₙ) / N) of the targets under softmax(``logits``).

    >>> import torch, infobits as ib
    >>> ib.losses.token_perplexity(torch.zeros(5, 10), torch.arange(5))
    10.0

    Reference: Jelinek et al. 1977.
    """
    meter = CodeLengthMeter(ignore_index=ignore_index)
    meter.update(logits, target)
    return meter.perplexity
