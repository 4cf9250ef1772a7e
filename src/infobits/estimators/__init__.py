"""Estimators: information measures from samples, with honest uncertainty, at any scale.

Real data come as samples, not distributions. Counting (:func:`count_values`) is the one
step that reads raw data, in bounded chunks or on a Dask cluster; the estimators turn
counts (discrete) or points (continuous) into an :class:`Estimate` of entropy,
cross-entropy, KL divergence, mutual information or conditional entropy, with a
standard error and, on request, a posterior or bootstrap interval.
"""

from .counting import ValueCounts, count_values
from .differential import estimate_differential_entropy
from .entropy import estimate_entropy
from .paired import estimate_conditional_entropy, estimate_mutual_information
from .result import Estimate
from .two_sample import estimate_cross_entropy, estimate_kl_divergence

__all__ = [
    "Estimate",
    "ValueCounts",
    "count_values",
    "estimate_conditional_entropy",
    "estimate_cross_entropy",
    "estimate_differential_entropy",
    "estimate_entropy",
    "estimate_kl_divergence",
    "estimate_mutual_information",
]
