"""infobits: information is code length.

An outcome of probability p takes log2(1/p) bits to report. Entropy H(p) is the expected
length of the best code; coding data from p with the code made for q costs the
cross-entropy H(p, q); the waste is the KL divergence D(p‖q) = H(p, q) − H(p) >= 0.

>>> import infobits as ib
>>> p = [1/8] * 8
>>> q = [1/2, 1/4, 1/8, 1/16, 1/64, 1/64, 1/64, 1/64]
>>> float(ib.entropy(p)), float(ib.cross_entropy(p, q)), float(ib.kl_divergence(p, q))
(3.0, 4.25, 1.25)
"""

from . import codes, losses, plot
from ._errors import DistributionError
from ._inputs import counts, log_probs, logits, sum_tolerance
from .estimators import (
    Estimate,
    count_values,
    estimate_conditional_entropy,
    estimate_cross_entropy,
    estimate_differential_entropy,
    estimate_entropy,
    estimate_kl_divergence,
    estimate_mutual_information,
)
from .measures import (
    conditional_entropy,
    cross_entropy,
    entropy,
    joint_entropy,
    js_distance,
    js_divergence,
    kl_divergence,
    mutual_information,
    perplexity,
    self_information,
)

__version__ = "0.1.0"

__all__ = [
    "DistributionError",
    "Estimate",
    "codes",
    "conditional_entropy",
    "count_values",
    "counts",
    "cross_entropy",
    "entropy",
    "estimate_conditional_entropy",
    "estimate_cross_entropy",
    "estimate_differential_entropy",
    "estimate_entropy",
    "estimate_kl_divergence",
    "estimate_mutual_information",
    "joint_entropy",
    "js_distance",
    "js_divergence",
    "kl_divergence",
    "log_probs",
    "logits",
    "losses",
    "mutual_information",
    "perplexity",
    "plot",
    "self_information",
    "sum_tolerance",
]
