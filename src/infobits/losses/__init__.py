"""Losses for training models: cross-entropy is the cost of coding the labels with the
model's code, and KL divergence is the part of it the model could still save.

PyTorch first: every loss runs on torch tensors with autograd, and also on JAX and NumPy
arrays. ``linear_cross_entropy`` fuses the output layer into the loss so that a large
vocabulary never materialises its [N, V] logits.
"""

from typing import Any

from ._classification import binary_cross_entropy, cross_entropy_loss, kl_divergence_loss
from ._evaluation import CodeLengthMeter, bits_per_byte, bits_per_token, token_perplexity

__all__ = [
    "CodeLengthMeter",
    "binary_cross_entropy",
    "bits_per_byte",
    "bits_per_token",
    "cross_entropy_loss",
    "kl_divergence_loss",
    "linear_cross_entropy",
    "token_perplexity",
]


def __getattr__(name: str) -> Any:
    # linear_cross_entropy needs PyTorch; importing infobits.losses must not.
    if name == "linear_cross_entropy":
        from ._linear import linear_cross_entropy

        return linear_cross_entropy
    raise AttributeError(f"module 'infobits.losses' has no attribute {name!r}")
