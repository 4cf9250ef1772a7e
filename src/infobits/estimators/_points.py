"""Point data (continuous samples): telling it from labels, and its interval.

The kNN and KSG estimators return a number; :func:`point_estimate` turns it into an
:class:`Estimate` with a half-sample interval, since a bootstrap's repeated points would
sit at distance 0 from their copies.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .._inputs import Tagged
from .._units import Base, log_of_base, unit_name
from ._checks import check_n_boot
from ._common import ordered, positive_part, z_score
from .bootstrap import half_samples
from .counting import ValueCounts
from .result import Estimate


def is_continuous(*xs: Any) -> bool:
    """Plain float arrays with non-integer values, or 2-D point clouds: continuous data."""
    for x in xs:
        if isinstance(x, Tagged | ValueCounts | str) or x is None:
            return False
        mod = type(x).__module__ or ""
        if mod.startswith(("dask", "pandas", "polars", "pyarrow")) or hasattr(x, "__fspath__"):
            return False
        a = np.asarray(x)
        if a.dtype.kind != "f":
            return False
        if a.ndim == 2 and a.shape[1] > 1:
            continue
        fin = a[np.isfinite(a)]
        if not (fin != np.round(fin)).any():
            return False
    return True


CONTINUOUS_REPLICATES = 100
#: and at most this many
MAX_HALF_SAMPLES = 10_000


def point_estimate(
    value: float,
    stat: Callable[..., float],
    sizes: tuple[int, ...],
    ci: float | None,
    n_boot: int | None,
    seed: Any,
    base: Base,
    **fields: Any,
) -> Estimate:
    """An Estimate for point data, with a half-sample interval when ``ci`` is given."""
    scale = 1.0 / log_of_base(base)
    unit = unit_name(base)
    # Differential entropy may be negative; a kNN KL or KSG MI below 0 is noise.
    quantity = str(fields.get("quantity", ""))
    neighbors = fields.pop("neighbors", 0)
    notes: list[str] = list(fields.pop("notes", ()))
    if not math.isfinite(value):
        raise ValueError(
            f"the {quantity.replace('_', ' ')} estimate is not finite: the points are so far "
            "apart (or so close) that their distances overflow float64; rescale the data "
            "(the estimate shifts by d·log of the scale factor)"
        )
    if ci is None:
        v, _, _ = positive_part(value, None, None, notes, quantity, scale, unit)
        return Estimate(value=float(v) * scale, unit=unit, notes=tuple(notes), **fields)
    # each half must still hold k + 1 points (k neighbours and the point itself)
    least = max(8, 2 * (int(neighbors) + 1))
    if min(sizes) < least:
        raise ValueError(
            f"ci needs at least {least} points per sample for half-samples (each half needs "
            f"its own neighbours), got {sizes}; drop ci, or use a smaller k"
        )
    n_rep = check_n_boot(n_boot, CONTINUOUS_REPLICATES)
    if n_rep > MAX_HALF_SAMPLES:
        raise ValueError(
            f"n_boot={n_rep} is too many half-samples for point data (each is a "
            f"nearest-neighbour search); use at most {MAX_HALF_SAMPLES:,}"
        )
    reps = half_samples(stat, sizes, n_rep, np.random.default_rng(seed))
    se = float(np.std(reps, ddof=1))
    if not math.isfinite(se):
        raise ValueError(
            "the half-sample estimates are not finite: some half of the points has "
            "distances that overflow float64; rescale the data"
        )
    z = z_score(ci)
    v, lo, hi = positive_part(value, value - z * se, value + z * se, notes, quantity, scale, unit)
    lo, hi = ordered(float(lo), float(hi), scale)
    notes.append(
        "half-sample interval: estimate ± z·SE, the SE being the spread of the estimate "
        "on random halves of the data (no repeated points); it ignores the estimator's "
        "bias, which grows with the dimension"
    )
    return Estimate(
        value=float(v) * scale,
        stderr=se * abs(scale),
        interval=(lo * scale, hi * scale),
        level=ci,
        interval_kind="half-sample",
        unit=unit,
        notes=tuple(notes),
        **fields,
    )
