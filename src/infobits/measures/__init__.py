"""Information measures of distributions: entropy, cross-entropy, divergences, and
measures of two variables from their joint table. All in bits unless told otherwise."""

from .divergence import cross_entropy, js_distance, js_divergence, kl_divergence
from .entropy import entropy, self_information
from .joint import conditional_entropy, joint_entropy, mutual_information
from .perplexity import perplexity

__all__ = [
    "conditional_entropy",
    "cross_entropy",
    "entropy",
    "joint_entropy",
    "js_distance",
    "js_divergence",
    "kl_divergence",
    "mutual_information",
    "perplexity",
    "self_information",
]
