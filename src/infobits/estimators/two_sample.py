"""Two samples, x ~ p and y ~ q: :func:`estimate_cross_entropy` and :func:`estimate_kl_divergence`.

Discrete samples are counted over the union of their labels and estimated with a
smoothed plug-in, a Dirichlet posterior or Zhang–Grabchak's series, with a bootstrap
that resamples each sample on its own; point data go to the kNN estimators.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import xlogy

from .._units import Base, log_of_base, unit_name
from . import continuous as cont
from ._checks import (
    check_alphabet,
    check_boot_size,
    check_method,
    check_neighbors,
    check_options,
    check_positive,
    check_prior_mass,
)
from ._common import (
    BOOT_NOTE,
    HUGE_NOTE,
    SCARCE,
    CountRows,
    around,
    counts_of,
    note_outside,
    ordered,
    positive_part,
    sizes,
    unseen_mass,
)
from ._huge import cross_entropy_huge, entropy_for_kl_huge
from ._points import is_continuous, point_estimate
from .bootstrap import bootstrap_two, percentile_interval
from .counting import ValueCounts, _merge
from .discrete import cross_entropy_kernel, entropy_for_kl, frequencies, huge_rows, plugin
from .result import Estimate

__all__ = ["estimate_cross_entropy", "estimate_kl_divergence"]

DIVERGENCE_METHODS = ("plugin", "dirichlet", "zhang_grabchak")


def _align(p: ValueCounts, q: ValueCounts) -> tuple[np.ndarray, np.ndarray]:
    """Counts of two samples over the union of their labels, same bin order."""
    union, _ = _merge([(p.labels, p.counts), (q.labels, q.counts)])
    cp = np.zeros(union.size)
    cq = np.zeros(union.size)
    cp[np.searchsorted(union, p.labels)] = p.counts
    cq[np.searchsorted(union, q.labels)] = q.counts
    return cp[None, :], cq[None, :]


def _pair_counts(
    x: Any, y: Any, column: str | None, na_values: Any
) -> tuple[CountRows, np.ndarray, np.ndarray, tuple[int, int] | None]:
    a = counts_of(x, "x", column, na_values)
    b = counts_of(y, "y", column, na_values)
    if isinstance(a, ValueCounts) != isinstance(b, ValueCounts):
        raise TypeError(
            "give x and y the same way: both as samples, or both as ib.counts(...) with "
            "aligned bins"
        )
    if isinstance(a, ValueCounts) and isinstance(b, ValueCounts):
        cp, cq = _align(a, b)
        return CountRows(cp, ()), cp, cq, (a.missing, b.missing)
    assert isinstance(a, CountRows) and isinstance(b, CountRows)
    if a.c.shape[-1] != b.c.shape[-1]:
        raise ValueError(
            f"x has {a.c.shape[-1]} bins but y has {b.c.shape[-1]}; counts of the two samples "
            "must be over the same symbols, in the same order"
        )
    batch = np.broadcast_shapes(a.batch, b.batch)
    w = a.c.shape[-1]
    cp = np.broadcast_to(a.c.reshape(*a.batch, w), (*batch, w)).reshape(-1, w)
    cq = np.broadcast_to(b.c.reshape(*b.batch, w), (*batch, w)).reshape(-1, w)
    return CountRows(cp, batch), cp, cq, None


def _two_sample(
    x: Any,
    y: Any,
    quantity: str,
    method: str,
    alphabet_size: Any,
    base: Base,
    ci: float | None,
    n_boot: int | None,
    seed: Any,
    pseudocount: float,
    k_neighbors: int,
    column: str | None,
    na_values: Any = None,
) -> Estimate:
    level, nb, seed = check_options(ci, n_boot, seed)
    k_neighbors = check_neighbors(k_neighbors)
    pseudocount = check_positive(pseudocount, "pseudocount")
    if method == "knn" or (method == "auto" and is_continuous(x, y)):
        px, py = cont.as_points(x, "x"), cont.as_points(y, "y")
        fn = cont.kl_divergence_knn if quantity == "kl_divergence" else cont.cross_entropy_knn
        return point_estimate(
            fn(px, py, k_neighbors),
            lambda i, j: fn(px[i], py[j], k_neighbors),
            (px.shape[0], py.shape[0]),
            level, n_boot, seed, base, method="knn", quantity=quantity,
            n=(px.shape[0], py.shape[0]), neighbors=k_neighbors,
        )  # fmt: skip
    check_method(method, (*DIVERGENCE_METHODS, "knn"), quantity.replace("_", " "))
    if method == "auto":
        method = "zhang_grabchak"
    rows, cp, cq, missing = _pair_counts(x, y, column, na_values)
    with np.errstate(over="ignore"):
        both = CountRows(cp + cq, rows.batch)
    k = check_alphabet(alphabet_size, both, "x and y together", False, method)
    kk = k if k is not None else np.full(cp.shape[0], float(cp.shape[-1]))
    check_prior_mass(kk, pseudocount, "pseudocount")
    big = huge_rows(cp) | huge_rows(cq)
    if level is not None:
        if big.any():
            raise ValueError(
                "ci: counts totalling 2**63 or more cannot be resampled for a bootstrap; "
                "leave ci=None (with that many samples the sampling error is negligible)"
            )
        check_boot_size(nb, cp.shape[0])

    def stat(a: np.ndarray, b: np.ndarray, kr: np.ndarray) -> np.ndarray:
        ce = cross_entropy_kernel(a, b, method, kr, pseudocount)
        if quantity == "cross_entropy":
            return ce
        return ce - entropy_for_kl(a, method, kr, pseudocount)

    def stat_huge(a: np.ndarray, b: np.ndarray, kr: np.ndarray) -> np.ndarray:
        ce = cross_entropy_huge(a, b, method, kr, pseudocount)
        if quantity == "cross_entropy":
            return ce
        # x itself may be small when only y is huge: its H(p) takes the usual kernel
        h = np.empty(a.shape[0])
        hx = huge_rows(a)
        if hx.any():
            h[hx] = entropy_for_kl_huge(a[hx], method, kr[hx], pseudocount)
        if (~hx).any():
            h[~hx] = entropy_for_kl(a[~hx], method, kr[~hx], pseudocount)
        return ce - h

    v: Any = np.empty(cp.shape[0])
    if (~big).any():
        v[~big] = stat(cp[~big], cq[~big], kk[~big])
    if big.any():
        v[big] = stat_huge(cp[big], cq[big], kk[big])
    scale = 1.0 / log_of_base(base)
    notes: list[str] = []
    if big.any():
        notes.append(HUGE_NOTE)
    se = None
    interval = None
    kind = None
    missed = (cq == 0) & (cp > 0)
    if np.any(missed):
        share = float(np.max((frequencies(cp)[0] * missed).sum(-1)))
        how = {
            "plugin": f"the plug-in smooths q with pseudocount {pseudocount:g}",
            "dirichlet": f"the Dirichlet({pseudocount:g}) prior gives them mass",
            "zhang_grabchak": "Zhang–Grabchak's series is truncated at the size of y",
        }[method]
        notes.append(
            f"symbols making up {share:.0%} of x never occur in y, so q may give them no "
            f"mass and the true value may be infinite; {how}, and the estimate depends on "
            "that choice"
        )
    if level is not None:
        rng = np.random.default_rng(seed)
        reps = bootstrap_two(
            cp, cq, lambda a, b, which: stat(a, b, np.tile(kk[which], a.shape[0] // which.size)),
            nb, rng,
        )  # fmt: skip
        with np.errstate(divide="ignore"):
            d_plug = -xlogy(cp, cq / cq.sum(-1, keepdims=True)).sum(-1) / cp.sum(-1)
        center = d_plug if quantity == "cross_entropy" else d_plug - plugin(cp)[0]
        se, lo, hi = percentile_interval(reps, level, v, center)
        note_outside(
            np.atleast_1d(v), np.atleast_1d(lo), np.atleast_1d(hi), "bootstrap", notes,
            scale, unit_name(base),
        )  # fmt: skip
        lo, hi = around(v, lo, hi)
        v, lo, hi = positive_part(v, lo, hi, notes, quantity, scale, unit_name(base))
        lo, hi = ordered(lo, hi, scale)
        interval = (rows.shape(lo * scale), rows.shape(hi * scale))
        kind = "bootstrap"
        unseen = float(max(np.max(unseen_mass(cp)), np.max(unseen_mass(cq))))
        if unseen > SCARCE:
            notes.append(BOOT_NOTE.format(unseen))
    else:
        v, _, _ = positive_part(v, None, None, notes, quantity, scale, unit_name(base))
    return Estimate(
        value=rows.shape(v * scale),
        stderr=None if se is None else rows.shape(se * abs(scale)),
        interval=interval,
        level=level,
        interval_kind=kind,
        method=method,
        quantity=quantity,
        unit=unit_name(base),
        n=(sizes(cp, rows.batch), sizes(cq, rows.batch)),
        support=(
            rows.shape_int(np.count_nonzero(cp, -1)),
            rows.shape_int(np.count_nonzero(cq, -1)),
        ),
        alphabet_size=rows.shape_int(kk),
        missing=missing,
        notes=tuple(notes),
    )


def estimate_cross_entropy(
    x: Any,
    y: Any,
    *,
    method: str = "auto",
    alphabet_size: Any = None,
    base: Base = 2,
    ci: float | None = None,
    n_boot: int | None = None,
    seed: int | np.random.Generator | None = None,
    pseudocount: float = 0.5,
    k: int = 1,
    column: str | None = None,
    na_values: Any = None,
) -> Estimate:
    r"""Estimate the cross-entropy H(p, q) = Σ p_i log(1/q_i) from samples x ~ p, y ~ q.

    It is the average code length of data from p coded with the code built for q.
    Discrete methods (x_i, y_i the counts of symbol i, n and M the sample sizes, K the
    alphabet, a = ``pseudocount``):

    - ``plugin`` (smoothed): Σ (x_i/n) log(1/q̃_i), q̃_i = (y_i + a)/(M + K a).
    - ``dirichlet``: posterior mean under independent Dirichlet(a) priors,
      Σ (x_i + a)/(n + K a) [ψ(M + K a) − ψ(y_i + a)].
    - ``zhang_grabchak`` (Zhang & Grabchak 2014): Σ (x_i/n)[ψ(M + 1) − ψ(y_i + 1)];
      the default (``auto``).
    - ``knn`` for continuous samples (rows are points): log V_d + log M − ψ(k) +
      (d/n) Σ log ν_i, ν_i the distance from x_i to its k-th neighbour in y (Leonenko,
      Pronzato & Savani 2008). ``auto`` picks it for float arrays of non-integers.

    Args:
        x, y: samples of p and q (anything :func:`infobits.count_values` reads), or
            ``ib.counts`` over the same bins (shape ``(..., B)``, row by row); for
            ``knn``, arrays of shape (n,) or (n, d).
        alphabet_size: K; by default the number of symbols seen in x or y (or bins).
        ci, n_boot, seed: a bootstrap interval (each sample resampled on its own); for
            ``knn``, a half-sample interval as in :func:`estimate_differential_entropy`.
        k: neighbours for ``knn``. Others as in :func:`estimate_entropy`.

    Returns:
        an :class:`Estimate`, ``n`` and ``support`` being pairs (for x, for y).

    >>> import infobits as ib
    >>> e = ib.estimate_cross_entropy(["a"] * 50 + ["b"] * 50, ["a"] * 50 + ["b"] * 50)
    >>> e.method, round(e.value, 2)
    ('zhang_grabchak', 0.99)

    Reference: Zhang & Grabchak (2014), Neural Computation 26(11).
    """
    return _two_sample(
        x,
        y,
        "cross_entropy",
        method,
        alphabet_size,
        base,
        ci,
        n_boot,
        seed,
        pseudocount,
        k,
        column,
        na_values,
    )


def estimate_kl_divergence(
    x: Any,
    y: Any,
    *,
    method: str = "auto",
    alphabet_size: Any = None,
    base: Base = 2,
    ci: float | None = None,
    n_boot: int | None = None,
    seed: int | np.random.Generator | None = None,
    pseudocount: float = 0.5,
    k: int = 1,
    column: str | None = None,
    na_values: Any = None,
) -> Estimate:
    r"""Estimate D(p‖q) = Σ p_i log(p_i/q_i) from samples x ~ p and y ~ q.

    The bits wasted by coding p's data with q's code. Discrete methods estimate
    H(p, q) − H(p) with matching pieces (see :func:`estimate_cross_entropy`):

    - ``plugin``: Σ p̂_i log(p̂_i/q̃_i), p̂ = x/n and q̃ smoothed by ``pseudocount``.
    - ``dirichlet``: the posterior mean of D under independent Dirichlet(a) priors,
      Σ (α_i/A)[ψ(α_i + 1) − ψ(A + 1) − ψ(β_i) + ψ(B)], α = x + a, β = y + a.
    - ``zhang_grabchak`` (default): Σ (x_i/n)[ψ(M+1) − ψ(y_i+1) − ψ(n) + ψ(x_i)]
      (Zhang & Grabchak 2014), finite even for symbols never seen in y.
    - ``knn`` (continuous, rows are points): (d/n) Σ log(ν_i/ρ_i) + log(M/(n−1))
      (Wang, Kulkarni & Verdú 2009); ρ_i, ν_i the k-th neighbour distances of x_i in x
      and in y.

    Bias-corrected estimates can come out slightly negative when p = q; they are
    reported as 0 (the positive part, never further from the truth), with a note.

    Args: as :func:`estimate_cross_entropy`.

    >>> import infobits as ib
    >>> x = ["a"] * 80 + ["b"] * 20
    >>> y = ["a"] * 50 + ["b"] * 50
    >>> e = ib.estimate_kl_divergence(x, y, method="plugin", base="nats")
    >>> round(e.value, 4)  # 0.8 log(0.8/q̃_a) + 0.2 log(0.2/q̃_b), q̃ = (50.5, 50.5)/101
    0.1927

    Reference: Zhang & Grabchak (2014); Wang, Kulkarni & Verdú (2009), IEEE Trans.
    Inf. Theory 55(5).
    """
    return _two_sample(
        x,
        y,
        "kl_divergence",
        method,
        alphabet_size,
        base,
        ci,
        n_boot,
        seed,
        pseudocount,
        k,
        column,
        na_values,
    )
