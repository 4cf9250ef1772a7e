"""Differential entropy of continuous samples: :func:`estimate_differential_entropy`.

Kozachenko–Leonenko's nearest-neighbour estimator in any dimension, and the m-spacing
estimators in one, with a half-sample interval.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._units import Base
from . import continuous as cont
from ._checks import check_method, check_neighbors, check_options
from ._points import CONTINUOUS_REPLICATES, point_estimate
from .result import Estimate

__all__ = ["estimate_differential_entropy"]

SPACING_METHODS = ("vasicek", "van_es", "ebrahimi", "correa")


def estimate_differential_entropy(
    x: Any,
    *,
    method: str = "knn",
    k: int = 3,
    base: Base = 2,
    ci: float | None = None,
    n_boot: int | None = None,
    seed: int | np.random.Generator | None = None,
) -> Estimate:
    r"""Estimate the differential entropy h(X) = −∫ f log f of continuous samples.

    - ``knn`` (Kozachenko & Leonenko 1987): ψ(N) − ψ(k) + log V_d + (d/N) Σ log ε_i,
      ε_i the distance from x_i to its k-th nearest neighbour, V_d the unit-ball volume;
      any dimension.
    - ``vasicek``, ``van_es``, ``ebrahimi``, ``correa``: m-spacing estimators for 1-D data,
      computed by :func:`scipy.stats.differential_entropy`.

    Args:
        x: points, shape (N,) or (N, d); rows are points. Repeated points are an error
            for ``knn`` (a neighbour at distance 0).
        method: a name above. k: neighbours for ``knn``. base: the unit.
        ci: a coverage level for a half-sample interval: estimate ± z·SE, with the SE
            the spread of the estimate on ``n_boot`` (default 100) random halves of the
            points, drawn without replacement because a bootstrap's repeated points have
            neighbours at distance 0 (McCarthy 1969). It ignores bias. seed: its seed.

    Returns:
        an :class:`Estimate`.

    >>> import numpy as np, infobits as ib
    >>> x = np.random.default_rng(0).standard_normal(20000)
    >>> e = ib.estimate_differential_entropy(x, base="nats")
    >>> bool(abs(e.value - 0.5 * np.log(2 * np.pi * np.e)) < 0.03)  # N(0, 1): 1.4189 nats
    True

    Reference: Kozachenko & Leonenko (1987), Probl. Inf. Transm. 23(2); Vasicek (1976).
    """
    check_method(method, ("knn", *SPACING_METHODS), "differential entropy")
    level, _, seed = check_options(ci, n_boot, seed, CONTINUOUS_REPLICATES)
    k = check_neighbors(k)
    pts = cont.as_points(x, "x")
    if method != "knn":
        if pts.shape[1] != 1:
            raise ValueError(
                f"method={method!r} is for 1-D data but x has {pts.shape[1]} dimensions; "
                "use method='knn'"
            )
        if pts.shape[0] < 3:
            raise ValueError(f"x has {pts.shape[0]} points; spacing estimators need at least 3")

    def value(a: np.ndarray) -> float:
        if method == "knn":
            return cont.kozachenko_leonenko(a, k)
        from scipy.stats import differential_entropy

        v = float(differential_entropy(a[:, 0], method=method.replace("_", " ")))
        if not math.isfinite(v):
            raise ValueError(
                "x has repeated values, so some spacings are 0 and the estimate is "
                "infinite; the data may be discrete (use estimate_entropy)"
            )
        return v

    return point_estimate(
        value(pts),
        lambda i: value(pts[i]),
        (pts.shape[0],),
        level, n_boot, seed, base, method=method, quantity="differential_entropy",
        n=pts.shape[0], neighbors=k if method == "knn" else 1,
    )  # fmt: skip
