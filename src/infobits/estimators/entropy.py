"""Entropy of discrete samples: :func:`estimate_entropy`, with every bias correction.

The samples are counted once; the kernels of :mod:`.discrete` and :mod:`.nsb` give the
estimate row by row (a batch of histograms at once), and the interval is the posterior
for the Bayesian methods and a bootstrap for the others.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import ndtri

from .._units import Base, log_of_base, unit_name
from ._checks import (
    check_alphabet,
    check_boot_size,
    check_nsb_alphabet,
    check_options,
    check_positive,
    check_prior_mass,
)
from ._common import (
    BOOT_NOTE,
    HUGE_NOTE,
    SCARCE,
    around,
    as_rows,
    counts_of,
    entropy_nats,
    note_outside,
    ordered,
    positive_part,
    resolve_entropy_method,
    unseen_mass,
    z_score,
)
from ._fingerprint import bootstrap_entropy
from .bootstrap import percentile_interval
from .counting import ValueCounts
from .discrete import huge_rows, plugin, plugin_stderr
from .nsb import DEFAULT_CONCENTRATION
from .pym import PYM_IMPROPER_NOTE, pym_open_interval
from .result import Estimate
from .unseen import UNSEEN_NOTE, unseen_range

__all__ = ["estimate_entropy"]


def estimate_entropy(
    x: Any,
    *,
    method: str = "auto",
    alphabet_size: Any = None,
    base: Base = 2,
    ci: float | None = None,
    n_boot: int | None = None,
    seed: int | np.random.Generator | None = None,
    concentration: float = DEFAULT_CONCENTRATION,
    column: str | None = None,
    na_values: Any = None,
) -> Estimate:
    r"""Estimate the entropy H(p) = Σ p_i log(1/p_i) of the source of discrete samples.

    The plug-in, H of the observed frequencies, is biased low, badly when the samples are
    few against the alphabet; the other methods correct that bias. With n_i the count of
    symbol i, N = Σ n_i, m symbols seen, f₁ and f₂ seen once and twice, ψ the digamma:

    - ``plugin``: log N − Σ (n_i/N) log n_i.
    - ``miller_madow``: plug-in + (m − 1)/(2N) (Miller 1955).
    - ``jackknife``: N Ĥ − (N−1)/N Σ_j Ĥ_(−j), with the jackknife standard error.
    - ``grassberger``: log N − (1/N) Σ n_i G(n_i), G(n) = ψ(n) + ½(−1)ⁿ[ψ((n+1)/2) −
      ψ(n/2)] (Grassberger 2003).
    - ``zhang``: Σ (n_i/N)[ψ(N) − ψ(n_i)] (Zhang 2012, in the digamma form of
      Schürmann 2015).
    - ``chao_shen``: coverage-adjusted Horvitz–Thompson (Chao & Shen 2003).
    - ``chao_wang_jost``: Chao, Wang & Jost (2013); needs no alphabet size.
    - ``james_stein``: shrinkage toward uniform (Hausser & Strimmer 2009); needs K.
    - ``jvhw``: Jiao, Venkat, Han & Weissman (2015), minimax rate-optimal: the plug-in
      plus 1/(2N) per symbol for common symbols, and for rare ones (n_i below
      4 c₁ log N) an unbiased estimate of the best degree-≍log N polynomial
      approximation of −p log p; see :func:`infobits.estimators.jvhw.jvhw`.
    - ``dirichlet``: posterior mean under a symmetric Dirichlet(a) prior, a =
      ``concentration`` = 1/2 (Jeffreys) by default (Wolpert & Wolf 1995); K defaults to
      the symbols seen.
    - ``nsb``: Nemenman–Shafee–Bialek (2002) posterior mean and standard deviation;
      needs K.
    - ``pym``: Pitman–Yor mixture posterior mean and standard deviation (Archer, Park &
      Pillow 2014), for countably many symbols with heavy tails; needs no K. The
      posterior is improper with fewer than two repeats (N − m < 2): then the value is
      inf, with a note. See :func:`infobits.estimators.pym.pym_entropy`.
    - ``unseen``: Valiant & Valiant (2013/2017): the entropy of the histogram a linear
      program recovers from the fingerprint; with ``ci`` the interval is the range of
      entropies consistent with the fingerprint. See
      :func:`infobits.estimators.unseen.unseen_entropy`.
    - ``auto``: ``nsb`` when ``alphabet_size`` is given (the lowest summed RMSE of the
      calibration study, ``benchmarks/bench_estimators.py --coverage``, tables in
      docs/estimators.md), ``chao_wang_jost`` otherwise (the only interval there to
      cover in every cell with N ≥ 1000 under 1.5 nats wide, and the lowest RMSE at
      N = 100; ``unseen`` had a 17% lower RMSE for N ≥ 1000 with a 2-nat-wide range);
      the first note says which was chosen and why. With ``ci`` its
      interval is *bias-aware*: with s the bootstrap SD of Chao–Wang–Jost and
      u = f₁/N, [Ĥ − z s (1 + u/2), Ĥ + z s (1 + u/2) + 2u z/z₉₅] (K unknown), or its
      union with the NSB posterior interval, clipped to log K (K given). In that study
      it covers ≥ 90% in the cells with N ≥ 1000, where every plain bootstrap covered
      0% of real word frequencies.

    Intervals, for every method: when more than half of the samples are singletons
    (f₁/N > 1/2), the interval is one-sided, [L, ∞) or [L, log K] with L the plug-in's
    one-sided lower bound, and a note says so: there no two-sided interval covered in
    the study. When an estimate lies outside the interval its formula gives (a basic
    bootstrap interval carries the bias the resamples show; clipping to [0, log K]), the
    interval is widened to reach it and a note says which kind it was and why.

    Args:
        x: samples, as anything :func:`infobits.count_values` reads (a sequence or 1-D
            array of labels, a pandas/Polars column, a CSV/Parquet path with ``column``,
            a Dask collection); or their histogram as ``ib.counts(c)``, shape ``(..., B)``,
            estimated row by row (vectorised); or a :class:`ValueCounts`.
        method: one of the names above.
        alphabet_size: K, the number of possible symbols (seen or not); an int, or per
            row for batched counts.
        base: unit: 2 (bits, the default), ``"nats"``, 10, ...
        ci: a coverage level such as 0.95 for an interval: the posterior (``nsb``,
            ``dirichlet``: mean ± z·sd, clipped to [0, log K]), the bias-aware one
            (``auto``) or a basic bootstrap (the others); one-sided as said above.
        n_boot: bootstrap replicates, an int from 2 to 1,000,000 (1000 by default);
            replicates × rows are capped at 2**26. seed: an int >= 0 or a Generator.
        concentration: the Dirichlet prior's a for ``method="dirichlet"``, finite, > 0.
        column: the column to read when ``x`` is a data frame or a file.
        na_values: strings that mean missing, e.g. ``["NA"]``; text is a label
            otherwise. Missing values are not samples; their number is in
            ``Estimate.missing``.

    Returns:
        an :class:`Estimate`; ``.value`` is a float, or an array of shape ``(...)`` for
        batched counts. An estimate below 0 (Grassberger's, on one symbol) is reported
        as 0, with a note. Rows whose counts total 2**63 or more (up to 1e308 a count)
        are computed from their frequencies and log N; there the bootstrap cannot
        resample, and the interval is the large-sample normal one.

    Raises:
        ValueError or TypeError, naming the option, for an option of the wrong type or
        range (``n_boot=2.5``, ``concentration=-1``, ``alphabet_size=inf``, ...).

    >>> import infobits as ib
    >>> ib.estimate_entropy(["a", "b", "a", "c"], method="plugin").value
    1.5
    >>> e = ib.estimate_entropy(ib.counts([10, 5, 3, 1, 1]), alphabet_size=8, base="nats")
    >>> e.method, round(e.value, 3), round(e.stderr, 3)
    ('nsb', 1.425, 0.195)
    >>> e = ib.estimate_entropy(ib.counts([3, 2] + [1] * 30), ci=0.95, seed=0, base="nats")
    >>> e.interval_kind, round(e.low, 2), e.high
    ('one-sided', 3.33, inf)
    >>> round(ib.estimate_entropy(ib.counts([10, 5, 3, 1, 1]), method="jvhw").value, 4)
    2.185

    References: Paninski 2003 (bias of the plug-in); the papers named above; Archer,
    Park & Pillow 2014 for the Dirichlet posterior moments.
    """
    level, nb, seed = check_options(ci, n_boot, seed)
    concentration = check_positive(concentration, "concentration")
    auto = method == "auto"
    method = resolve_entropy_method(method, alphabet_size)
    counted = counts_of(x, "x", column, na_values)
    missing = counted.missing if isinstance(counted, ValueCounts) else None
    rows = as_rows(counted)
    k = check_alphabet(alphabet_size, rows, "x", method in ("nsb", "james_stein"), method)
    if method == "dirichlet":
        check_prior_mass(k, concentration, "concentration")
    check_nsb_alphabet(method, k)
    c = rows.c
    big = huge_rows(c)
    if level is not None and (auto or method not in ("nsb", "dirichlet", "pym", "unseen")):
        check_boot_size(nb, int(np.count_nonzero(~big)))
    h, se = entropy_nats(c, method, k, concentration)
    scale = 1.0 / log_of_base(base)
    notes: list[str] = [AUTO_NOTES[method]] if auto else []
    interval = None
    kind = None
    if se is None:
        se = plugin_stderr(c)
        if method != "plugin" and (ci is None or method == "unseen"):
            notes.append("stderr is the plug-in's large-sample value and ignores bias")
    if big.any():
        notes.append(HUGE_NOTE)
    if method == "pym" and np.isinf(h).any():
        notes.append(PYM_IMPROPER_NOTE)
    if level is not None:
        z = z_score(level)
        top = np.log(k) if k is not None else np.full(h.shape, np.inf)
        if method in ("nsb", "dirichlet", "pym"):
            kk = k if k is not None else rows.support.astype(np.float64)
            # PYM: countably many symbols
            top = np.log(kk) if method != "pym" else np.full(h.shape, np.inf)
            with np.errstate(invalid="ignore"):
                lo = np.clip(h - z * se, 0.0, top)
                hi = np.clip(h + z * se, 0.0, top)
            kind = "posterior"
            if auto and not big.any():
                # the posterior alone misses heavy tails (0% on the word populations):
                # auto reports the union with the bias-aware interval of Chao–Wang–Jost
                rng = np.random.default_rng(seed)
                reps = bootstrap_entropy(
                    c,
                    "chao_wang_jost",
                    lambda d, _: entropy_nats(d, "chao_wang_jost", None, 0.5)[0],
                    nb,
                    rng,
                )
                h_cwj = entropy_nats(c, "chao_wang_jost", None, concentration)[0]
                blo, bhi = bias_aware_interval(
                    h_cwj, reps.std(axis=0, ddof=1), unseen_mass(c), level
                )
                lo, hi = (
                    np.minimum(lo, np.clip(blo, 0.0, top)),
                    np.maximum(hi, np.clip(bhi, 0.0, top)),
                )
                kind = "bias-aware"
                notes.append(UNION_NOTE)
            else:
                notes.append("posterior interval: mean ± z·sd, calibrated if the prior fits")
                if method == "pym":
                    lo, hi = pym_open_interval(c, h, lo, hi, notes)
        elif method == "unseen":
            # rows of 2**63 samples or more are the plug-in's, with its normal interval
            lo, hi = h - z * se, h + z * se
            if (~big).any():
                h[~big], lo[~big], hi[~big] = unseen_range(c[~big])
            # and never narrower than the sampling noise of the frequencies themselves
            lo, hi = np.minimum(lo, h - z * se), np.maximum(hi, h + z * se)
            kind = "unseen range"
            notes.append(UNSEEN_NOTE)
        else:
            rng = np.random.default_rng(seed)
            se = np.array(se, dtype=np.float64)
            # rows of 2**63 samples or more cannot be resampled; their interval is the
            # large-sample normal one, below 1e-9 wide
            lo, hi = h - z * se, h + z * se
            ok = ~big
            kind = "bias-aware" if auto else "bootstrap"
            if ok.any():
                c_ok, k_ok = c[ok], None if k is None else k[ok]

                def stat(d: np.ndarray, which: np.ndarray) -> np.ndarray:
                    kr = None if k_ok is None else np.tile(k_ok[which], d.shape[0] // which.size)
                    return entropy_nats(d, method, kr, concentration)[0]

                reps = bootstrap_entropy(c_ok, method, stat, nb, rng)
                if auto:
                    se[ok] = reps.std(axis=0, ddof=1)
                    lo[ok], hi[ok] = bias_aware_interval(h[ok], se[ok], unseen_mass(c_ok), level)
                    notes.append(BIAS_AWARE_NOTE)
                else:
                    se[ok], lo[ok], hi[ok] = percentile_interval(
                        reps, level, h[ok], plugin(c_ok)[0]
                    )
                    unseen = float(np.max(unseen_mass(c_ok)))
                    if unseen > SCARCE:
                        notes.append(BOOT_NOTE.format(unseen))
            # entropy lies in [0, log K]: an interval reaching outside says nothing more
            lo, hi = np.clip(lo, 0.0, top), np.clip(hi, 0.0, top)
        lo, hi, kind = one_sided(c, big, lo, hi, top, level, kind, notes, scale, unit_name(base))
        note_outside(h, lo, hi, kind, notes, scale, unit_name(base))
        lo, hi = around(h, lo, hi)
        # Grassberger's estimate of a sample of one symbol is below 0, for one
        h, lo, hi = positive_part(h, lo, hi, notes, "entropy", scale, unit_name(base))
        lo, hi = ordered(lo, hi, scale)
        interval = (rows.shape(lo * scale), rows.shape(hi * scale))
    else:
        h, _, _ = positive_part(h, None, None, notes, "entropy", scale, unit_name(base))
    return Estimate(
        value=rows.shape(h * scale),
        stderr=rows.shape(np.asarray(se) * abs(scale)),
        interval=interval,
        level=level,
        interval_kind=kind,
        method=method,
        quantity="entropy",
        unit=unit_name(base),
        n=rows.total(),
        support=rows.shape_int(rows.support),
        alphabet_size=None if k is None else rows.shape_int(k),
        missing=missing,
        notes=tuple(notes),
    )


#: What ``auto`` chose, and why (the evidence is the calibration study of
#: ``benchmarks/bench_estimators.py --coverage``, published in docs/estimators.md).
AUTO_NOTES = {
    "chao_wang_jost": (
        "auto chose chao_wang_jost: no alphabet size is given; in the calibration study "
        "its bias-aware interval was the only one to cover >= 90% in every cell with "
        "N >= 1000 while staying under 1.5 nats wide at N = 1000, and its RMSE was the "
        "lowest at N = 100 (unseen's point estimate was 17% lower in RMSE for N >= 1000, "
        "but its interval, the range of consistent entropies, is about 2 nats wide there)"
    ),
    "nsb": (
        "auto chose nsb: the alphabet size is given, and with it NSB had the lowest RMSE "
        "summed over the calibration study's populations; its interval is bias-aware"
    ),
}

#: auto's interval, with u = f1/N the Good–Turing unseen mass and s the bootstrap
#: standard deviation of Chao–Wang–Jost: [Ĥ − z s (1 + a u), Ĥ + z s (1 + a u) + b u z/z₉₅].
#: The resampled spread misses the unseen symbols (the bootstrap cannot draw them), which
#: both hide spread (a) and push every estimator low (b, the allowance on the upper side
#: only). a and b were fitted on the synthetic populations of the calibration study (Zipf
#: and Dirichlet, K up to 1e5, N >= 1000, 60 draws a cell: the smallest b with coverage
#: >= 90% in every cell, rounded up) and checked on the word populations, held out.
SPREAD_PER_SINGLETON = 0.5
BIAS_PER_SINGLETON = 2.0
#: Above this singleton fraction (Good–Turing sample coverage below one half) no method in
#: the study had a two-sided interval both honest and narrow: the interval becomes one-sided.
ONE_SIDED_ABOVE = 0.5
_Z95 = z_score(0.95)

BIAS_AWARE_NOTE = (
    "bias-aware interval: Chao–Wang–Jost ± z·(bootstrap sd)·(1 + 0.5 u), its upper end "
    "raised by 2u, u = f1/N the share of samples seen once; bootstrap resamples cannot "
    "hold unseen symbols, so their spread is too small and every estimate leans low by "
    "an amount that grows with u (calibrated at 95% in docs/estimators.md)"
)

UNION_NOTE = (
    "bias-aware interval with K given: the union of the NSB posterior interval and the "
    "bias-aware interval of Chao–Wang–Jost (± z·(bootstrap sd)·(1 + 0.5 u), upper end "
    "raised by 2u, u = f1/N), clipped to log K; the posterior alone is too narrow on "
    "heavy tails, whose shape its prior does not fit"
)

#: Why an estimate can lie outside the interval its own formula gives, by interval kind.


_TWO_SIDED = ("bias-aware interval", "bootstrap intervals", "posterior interval")


def bias_aware_interval(
    h: np.ndarray, sd: np.ndarray, u: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """auto's interval from the estimate ``h``, its bootstrap SD ``sd`` and the singleton
    fraction ``u`` = f1/N, all shape (rows,), nats: see :data:`SPREAD_PER_SINGLETON`."""
    z = z_score(level)
    half = z * sd * (1.0 + SPREAD_PER_SINGLETON * u)
    return h - half, h + half + BIAS_PER_SINGLETON * u * (z / _Z95)


def one_sided(
    c: np.ndarray,
    big: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    top: np.ndarray,
    level: float,
    kind: str | None,
    notes: list[str],
    scale: float,
    unit: str,
) -> tuple[np.ndarray, np.ndarray, str | None]:
    """Rows with more than half their samples seen once get a one-sided interval.

    There the unseen part of the distribution can hold any amount of entropy, and the
    calibration study found no two-sided interval that covered: the interval becomes
    [L, log K] (or [L, ∞) without K), L the plug-in's one-sided lower bound
    Ĥ_plugin − z·SE. The plug-in is biased low on average for every distribution
    (Paninski 2003), so L is a lower bound at about the stated level, or more.
    """
    u = unseen_mass(c)
    one = (u > ONE_SIDED_ABOVE) & ~big
    if not one.any():
        return lo, hi, kind
    lo, hi = np.array(lo, dtype=np.float64), np.array(hi, dtype=np.float64)
    bound = plugin(c[one])[0] - float(ndtri(level)) * plugin_stderr(c[one])
    lo[one] = np.clip(bound, 0.0, top[one])
    hi[one] = top[one]
    upper = "an upper end of log K" if np.isfinite(top[one]).all() else "no upper limit"
    if c.shape[0] == 1:
        what = (
            f"{u[0]:.0%} of the samples were seen once (Good–Turing sample coverage "
            f"1 − f1/N = {1 - u[0]:.0%})"
        )
        bound_text = f"from {lo[0] * scale:.4g} {unit}"
    else:
        what = f"{int(one.sum())} of {c.shape[0]} rows have more than half their samples seen once"
        bound_text = "a lower bound"
    notes.append(
        f"one-sided interval: {what}, so much of the distribution is unseen that no "
        f"estimate can bound its entropy from above; the interval is {bound_text} (the "
        f"plug-in's one-sided lower bound: the plug-in is biased low) with {upper}. The "
        "point estimate is a guess; more samples are needed for a two-sided interval"
    )
    if not one.all():
        return lo, hi, kind
    # the two-sided interval's caveats no longer apply
    notes[:] = [
        n for n in notes if not n.startswith(("bias-aware interval", "bootstrap intervals"))
    ]
    return lo, hi, "one-sided"
