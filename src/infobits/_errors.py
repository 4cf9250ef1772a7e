"""The one exception type infobits raises for bad distributions.

Every message names the argument, the rule it broke, the first place it broke it,
and what to pass instead, so that a user can fix the call without reading our code.
"""

from __future__ import annotations

__all__ = ["DistributionError"]


class DistributionError(ValueError):
    """An input is not a valid distribution (or counts, logits, log-probabilities).

    It is a :class:`ValueError`, so ``except ValueError`` keeps working.

    >>> import infobits as ib
    >>> ib.entropy([0.5, 0.6])
    Traceback (most recent call last):
    ...
    infobits._errors.DistributionError: p sums to 1.1 along axis -1; ...
    """
