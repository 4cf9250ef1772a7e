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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._errors import DistributionError

__version__ = "0.1.0"

# The subpackages, and the names they provide, are imported on first use: `import
# infobits` stays quick, and so does the command line's start-up.
_SUBPACKAGES = {"codes", "estimators", "explain", "losses", "measures", "plot"}
_NAMES = {
    **dict.fromkeys(["counts", "log_probs", "logits", "sum_tolerance"], "_inputs"),
    **dict.fromkeys(
        [
            "Estimate",
            "count_values",
            "estimate_conditional_entropy",
            "estimate_cross_entropy",
            "estimate_differential_entropy",
            "estimate_entropy",
            "estimate_kl_divergence",
            "estimate_mutual_information",
        ],
        "estimators",
    ),
    **dict.fromkeys(
        [
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
        ],
        "measures",
    ),
}

if TYPE_CHECKING:
    from . import codes, losses, plot
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
    from .measures import (  # type: ignore[no-redef]  # mypy binds the submodules' names too
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


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:
        return importlib.import_module(f".{name}", __name__)
    if name in _NAMES:
        value = getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'infobits' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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
