"""The public estimators: from samples (or counts) to an :class:`Estimate` with uncertainty.

Each function turns its input into counts once (streaming, via :func:`count_values`),
runs a vectorised kernel from :mod:`.discrete`, :mod:`.nsb` or :mod:`.continuous`, and
attaches the uncertainty the method can honestly give: a posterior for the Bayesian
methods, a bootstrap for the others. Results are in bits unless ``base`` says otherwise.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.special import ndtri, xlogy

from .._inputs import Kind, Tagged, prepare
from .._units import Base, log_of_base, unit_name
from . import continuous as cont
from ._checks import (
    check_boot_size,
    check_ci,
    check_n_boot,
    check_neighbors,
    check_positive,
    check_prior_mass,
    check_seed,
)
from ._counting import ValueCounts, _merge, _unique, count_values
from ._huge import cross_entropy_huge, entropy_for_kl_huge, entropy_huge
from .bootstrap import bootstrap_one, bootstrap_two, half_samples, percentile_interval
from .discrete import (
    ENTROPY_METHODS,
    HUGE,
    cross_entropy_kernel,
    entropy_for_kl,
    frequencies,
    huge_rows,
    plugin,
    plugin_stderr,
    totals,
)
from .nsb import DEFAULT_CONCENTRATION, MAX_NSB_ALPHABET, dirichlet_entropy, nsb_entropy
from .result import Estimate

__all__ = [
    "estimate_conditional_entropy",
    "estimate_cross_entropy",
    "estimate_differential_entropy",
    "estimate_entropy",
    "estimate_kl_divergence",
    "estimate_mutual_information",
]

ENTROPY_METHOD_NAMES = (*ENTROPY_METHODS, "dirichlet", "nsb")
DIVERGENCE_METHODS = ("plugin", "dirichlet", "zhang_grabchak")
SPACING_METHODS = ("vasicek", "van_es", "ebrahimi", "correa")

_SCARCE = 0.05  # Good–Turing unseen mass above which a bootstrap interval is flagged
_BOOT_NOTE = (
    "bootstrap intervals cannot include unseen symbols; about {:.0%} of the probability "
    "is on symbols not seen (Good–Turing f1/N), so this interval is likely too narrow"
)
_HUGE_NOTE = (
    "counts totalling 2**63 or more: computed from the frequencies and log N after "
    "scaling the counts; a bootstrap cannot resample that many, so the interval there "
    "is the large-sample normal one"
)


# ----------------------------------------------------------------------------- inputs


class _Counts:
    """Counts as rows: c (rows, bins) float64, the batch shape, and whether it was 1 row."""

    def __init__(self, c: np.ndarray, batch: tuple[int, ...]) -> None:
        self.c = c
        self.batch = batch

    @property
    def n(self) -> np.ndarray:
        return totals(self.c)

    def total(self) -> Any:
        """The sample size per row: exact Python ints for one row, int64 per row (float64
        where a total reaches 2**63, beyond int64) for a batch."""
        return _sizes(self.c, self.batch)

    @property
    def support(self) -> np.ndarray:
        return np.count_nonzero(self.c, axis=-1)

    def shape(self, v: np.ndarray) -> Any:
        return float(v[0]) if self.batch == () else v.reshape(self.batch)

    def shape_int(self, v: np.ndarray) -> Any:
        return int(v[0]) if self.batch == () else v.reshape(self.batch).astype(np.int64)


def _sizes(c: np.ndarray, batch: tuple[int, ...]) -> Any:
    if batch == ():
        return sum(int(v) for v in c[0]) if not (totals(c) < HUGE).all() else int(c[0].sum())
    n = totals(c).reshape(batch)
    return n if not (n < HUGE).all() else n.astype(np.int64)


def _counts_of(x: Any, name: str, column: str | None = None) -> _Counts | ValueCounts:
    """Counts from ib.counts (rows kept as rows) or from samples (a ValueCounts)."""
    if isinstance(x, Tagged):
        if x.kind is not Kind.COUNTS:
            raise TypeError(
                f"{name} holds {x.kind.value}, but estimators need data: pass samples, or "
                f"their histogram as ib.counts(...); for a known distribution use the "
                "measures (ib.entropy, ib.kl_divergence) instead"
            )
        with np.errstate(over="ignore"):  # the check sums the counts: 1e308 + 1e308
            prep = prepare(x, name, -1)
        c = np.asarray(prep.values, dtype=np.float64)
        return _Counts(c.reshape(-1, c.shape[-1]), c.shape[:-1])
    vc = count_values(x, column=column)
    if vc.total == 0:
        raise ValueError(
            f"{name} has no samples" + (f" ({vc.missing} missing)" if vc.missing else "")
        )
    _reject_continuous(vc, name)
    return vc


def _reject_continuous(vc: ValueCounts, name: str) -> None:
    lab = vc.labels
    if lab.dtype.kind == "f" and vc.support == vc.total and vc.total > 2:
        frac = lab != np.round(lab)
        if frac.any():
            raise ValueError(
                f"{name} holds {vc.total} distinct non-integer numbers (e.g. "
                f"{lab[np.argmax(frac)]!r}), which looks like continuous data: every value "
                "is its own symbol. Use ib.estimate_differential_entropy (or method='knn' / "
                "'ksg'), or bin the values first"
            )


def _as_rows(x: _Counts | ValueCounts) -> _Counts:
    if isinstance(x, ValueCounts):
        return _Counts(x.counts.astype(np.float64)[None, :], ())
    return x


def _alphabet(k: Any, rows: _Counts, name: str, needed: bool, method: str) -> np.ndarray | None:
    sup = rows.support
    if k is None:
        if needed:
            raise ValueError(
                f"method={method!r} needs the alphabet size: pass alphabet_size=K (the number "
                "of possible symbols, seen or not), or use method='chao_wang_jost', which "
                "does not need it"
            )
        return None
    if isinstance(k, int) and not isinstance(k, bool) and k >= 2**63:
        # beyond int64 NumPy would make an object array and the check below would call
        # a perfectly whole number not whole; as a float it is exact enough for log K
        if k > 2**1023:
            raise ValueError(f"alphabet_size={_shown(k)} is too large; it must be below 2**1023")
        k = float(k)
    ka = np.asarray(k)
    if ka.dtype.kind not in "iuf":
        raise TypeError(
            f"alphabet_size must be a positive whole number (an int, or an array of them "
            f"per row), got {_shown(k)}"
        )
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(ka) | (ka != np.floor(ka)) | (ka < 1) | (ka > 2.0**1023)
    if np.any(bad):
        v = ka.reshape(-1)[int(np.argmax(bad.reshape(-1)))]
        raise ValueError(
            f"alphabet_size must be a positive whole number below 2**1023, got {v!r}"
            + (f" (in {_shown(k)})" if ka.ndim else "")
        )
    try:
        ka = np.broadcast_to(ka, rows.batch)
    except ValueError:
        raise ValueError(
            f"alphabet_size has shape {ka.shape}, which does not match the {rows.batch} rows "
            f"of {name}; give one K, or one per row"
        ) from None
    ka = ka.reshape(-1).astype(np.float64)
    short = ka < np.maximum(sup, 1)
    if short.any():
        i = int(np.argmax(short))
        where = f" in row {i}" if rows.batch else ""
        raise ValueError(
            f"alphabet_size={int(ka[i])} is smaller than the {int(sup[i])} distinct symbols "
            f"seen in {name}{where}; it must count every possible symbol"
        )
    return ka


def _check_nsb_alphabet(method: str, k: Any) -> None:
    if method == "nsb" and k is not None and np.any(np.asarray(k) > MAX_NSB_ALPHABET):
        raise ValueError(
            f"alphabet_size={float(np.max(k)):.3g} is beyond what method='nsb' can integrate "
            f"over (at most {MAX_NSB_ALPHABET:g}); use method='chao_wang_jost', which "
            "needs no alphabet size"
        )


def _check_method(method: str, allowed: tuple[str, ...], what: str) -> None:
    if method != "auto" and method not in allowed:
        raise ValueError(
            f"method={method!r} is not a {what} method; use one of "
            + ", ".join(repr(m) for m in ("auto", *allowed))
        )


#: bootstrap replicates for count data when n_boot is not given
BOOTSTRAP_REPLICATES = 1000


def _check_ci(
    ci: Any, n_boot: Any, seed: Any, default: int = BOOTSTRAP_REPLICATES
) -> tuple[float | None, int, Any]:
    """Check ``ci``, ``n_boot`` and ``seed``; return them (n_boot with its default)."""
    return check_ci(ci), check_n_boot(n_boot, default), check_seed(seed)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _around(h: Any, lo: Any, hi: Any) -> tuple[Any, Any]:
    """Widen an interval to contain its own estimate: a bias-corrected estimate can sit
    outside the basic bootstrap interval, or beyond the clip at log K, on tiny samples;
    an interval that excludes the number it comes with would only mislead."""
    return np.minimum(lo, h), np.maximum(hi, h)


def _z(level: float) -> float:
    return float(ndtri(0.5 + level / 2))


def _ordered(lo: Any, hi: Any, scale: float) -> tuple[Any, Any]:
    """The interval's ends before scaling to the unit: a base below 1 has a negative
    scale, which would turn (low, high) into (high, low)."""
    return (hi, lo) if scale < 0 else (lo, hi)


#: Quantities that cannot be negative: an estimate below 0 is sampling noise or bias.
_NONNEGATIVE = ("entropy", "kl_divergence", "mutual_information", "conditional_entropy")


def _positive_part(
    value: Any, lo: Any, hi: Any, notes: list[str], quantity: str, scale: float, unit: str
) -> tuple[Any, Any, Any]:
    """Report a KL, MI or discrete H(Y|X) estimate below 0 as 0, saying so.

    These quantities are >= 0, so the positive part of an estimate is never further
    from the truth than the estimate itself; its interval is clipped the same way.
    """
    if quantity not in _NONNEGATIVE:
        return value, lo, hi
    v = np.asarray(value, dtype=np.float64)
    if np.any(v < 0):
        low = float(np.min(v)) * scale
        what = {
            "entropy": "an entropy",
            "kl_divergence": "a KL divergence",
            "mutual_information": "mutual information",
            "conditional_entropy": "a discrete conditional entropy",
        }[quantity]
        notes.append(
            f"the estimator gave {low:.4g} {unit}, below 0; {what} is never negative, so 0 "
            "is reported (the positive part is never further from the truth); values well "
            "below 0 mean too few samples, or samples that are not independent draws"
        )
    clip = (lambda a: a) if lo is None else (lambda a: np.maximum(a, 0.0))
    return np.maximum(v, 0.0), clip(lo), clip(hi)


def _unseen_mass(c: np.ndarray) -> np.ndarray:
    return np.count_nonzero(c == 1, axis=-1) / totals(c)


def _entropy_nats(
    c: np.ndarray, method: str, k: np.ndarray | None, concentration: float
) -> tuple[np.ndarray, np.ndarray | None]:
    """Entropy (and, where the method has one, its standard error) of every row, nats.

    Rows of 2**63 samples or more go to :mod:`._huge`, which works on scaled counts:
    the kernels here would overflow (a total of 1e308 + 1e308 is inf in float64).
    """
    big = huge_rows(c)
    if not big.any():
        return _entropy_kernel(c, method, k, concentration)
    h = np.empty(c.shape[0])
    h[big] = entropy_huge(c[big], method, None if k is None else k[big], concentration)
    ok = ~big
    if not ok.any():
        return h, (plugin_stderr(c) if method in ("nsb", "dirichlet", "jackknife") else None)
    h_ok, se_ok = _entropy_kernel(c[ok], method, None if k is None else k[ok], concentration)
    h[ok] = h_ok
    if se_ok is None:
        return h, None
    se = plugin_stderr(c)
    se[ok] = se_ok
    return h, se


def _entropy_kernel(
    c: np.ndarray, method: str, k: np.ndarray | None, concentration: float
) -> tuple[np.ndarray, np.ndarray | None]:
    if method == "nsb":
        assert k is not None
        return nsb_entropy(c, k)
    if method == "dirichlet":
        kk = k if k is not None else np.count_nonzero(c, axis=-1).astype(np.float64)
        return dirichlet_entropy(c, kk, concentration)
    return ENTROPY_METHODS[method](c, k)


def _resolve_entropy_method(method: str, k: Any) -> str:
    _check_method(method, ENTROPY_METHOD_NAMES, "discrete entropy")
    if method == "auto":
        return "nsb" if k is not None else "chao_wang_jost"
    return method


# ----------------------------------------------------------------------------- entropy


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
    - ``dirichlet``: posterior mean under a symmetric Dirichlet(a) prior, a =
      ``concentration`` = 1/2 (Jeffreys) by default (Wolpert & Wolf 1995); K defaults to
      the symbols seen.
    - ``nsb``: Nemenman–Shafee–Bialek (2002) posterior mean and standard deviation;
      needs K.
    - ``auto``: ``nsb`` when ``alphabet_size`` is given, ``chao_wang_jost`` otherwise.
      At K = 1000, Zipf, N = 500 they reach an RMSE of 0.159 and 0.163 nats, against 0.65
      for the plug-in (200 repetitions, ``benchmarks/bench_estimators.py``).

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
            ``dirichlet``: mean ± z·sd, clipped to [0, log K]) or a bootstrap (the others).
        n_boot: bootstrap replicates, an int from 2 to 1,000,000 (1000 by default);
            replicates × rows are capped at 2**26. seed: an int >= 0 or a Generator.
        concentration: the Dirichlet prior's a for ``method="dirichlet"``, finite, > 0.
        column: the column to read when ``x`` is a data frame or a file.

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

    References: Paninski 2003 (bias of the plug-in); the papers named above; Archer,
    Park & Pillow 2014 for the Dirichlet posterior moments.
    """
    level, nb, seed = _check_ci(ci, n_boot, seed)
    concentration = check_positive(concentration, "concentration")
    method = _resolve_entropy_method(method, alphabet_size)
    rows = _as_rows(_counts_of(x, "x", column))
    k = _alphabet(alphabet_size, rows, "x", method in ("nsb", "james_stein"), method)
    if method == "dirichlet":
        check_prior_mass(k, concentration, "concentration")
    _check_nsb_alphabet(method, k)
    c = rows.c
    big = huge_rows(c)
    if level is not None and method not in ("nsb", "dirichlet"):
        check_boot_size(nb, int(np.count_nonzero(~big)))
    h, se = _entropy_nats(c, method, k, concentration)
    scale = 1.0 / log_of_base(base)
    notes: list[str] = []
    interval = None
    kind = None
    if se is None:
        se = plugin_stderr(c)
        if method != "plugin" and ci is None:
            notes.append("stderr is the plug-in's large-sample value and ignores bias")
    if big.any():
        notes.append(_HUGE_NOTE)
    if level is not None:
        z = _z(level)
        if method in ("nsb", "dirichlet"):
            kk = k if k is not None else rows.support.astype(np.float64)
            lo = np.clip(h - z * se, 0.0, np.log(kk))
            hi = np.clip(h + z * se, 0.0, np.log(kk))
            kind = "posterior"
            notes.append("posterior interval: mean ± z·sd, calibrated if the prior fits")
        else:
            rng = np.random.default_rng(seed)
            se = np.array(se, dtype=np.float64)
            # rows of 2**63 samples or more cannot be resampled; their interval is the
            # large-sample normal one, below 1e-9 wide
            lo, hi = h - z * se, h + z * se
            ok = ~big
            if ok.any():
                c_ok, k_ok = c[ok], None if k is None else k[ok]

                def stat(d: np.ndarray, which: np.ndarray) -> np.ndarray:
                    kr = None if k_ok is None else np.tile(k_ok[which], d.shape[0] // which.size)
                    return _entropy_nats(d, method, kr, concentration)[0]

                reps = bootstrap_one(c_ok, stat, nb, rng)
                se[ok], lo[ok], hi[ok] = percentile_interval(reps, level, h[ok], plugin(c_ok)[0])
                unseen = float(np.max(_unseen_mass(c_ok)))
                if unseen > _SCARCE:
                    notes.append(_BOOT_NOTE.format(unseen))
            # entropy lies in [0, log K]: an interval reaching outside says nothing more
            top = np.log(k) if k is not None else np.inf
            lo, hi = np.clip(lo, 0.0, top), np.clip(hi, 0.0, top)
            kind = "bootstrap"
        lo, hi = _around(h, lo, hi)
        # Grassberger's estimate of a sample of one symbol is below 0, for one
        h, lo, hi = _positive_part(h, lo, hi, notes, "entropy", scale, unit_name(base))
        lo, hi = _ordered(lo, hi, scale)
        interval = (rows.shape(lo * scale), rows.shape(hi * scale))
    else:
        h, _, _ = _positive_part(h, None, None, notes, "entropy", scale, unit_name(base))
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
        notes=tuple(notes),
    )


# ----------------------------------------------------------------------------- two samples


def _is_continuous(*xs: Any) -> bool:
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


def _align(p: ValueCounts, q: ValueCounts) -> tuple[np.ndarray, np.ndarray]:
    """Counts of two samples over the union of their labels, same bin order."""
    union, _ = _merge([(p.labels, p.counts), (q.labels, q.counts)])
    cp = np.zeros(union.size)
    cq = np.zeros(union.size)
    cp[np.searchsorted(union, p.labels)] = p.counts
    cq[np.searchsorted(union, q.labels)] = q.counts
    return cp[None, :], cq[None, :]


def _pair_counts(x: Any, y: Any, column: str | None) -> tuple[_Counts, np.ndarray, np.ndarray]:
    a = _counts_of(x, "x", column)
    b = _counts_of(y, "y", column)
    if isinstance(a, ValueCounts) != isinstance(b, ValueCounts):
        raise TypeError(
            "give x and y the same way: both as samples, or both as ib.counts(...) with "
            "aligned bins"
        )
    if isinstance(a, ValueCounts) and isinstance(b, ValueCounts):
        cp, cq = _align(a, b)
        return _Counts(cp, ()), cp, cq
    assert isinstance(a, _Counts) and isinstance(b, _Counts)
    if a.c.shape[-1] != b.c.shape[-1]:
        raise ValueError(
            f"x has {a.c.shape[-1]} bins but y has {b.c.shape[-1]}; counts of the two samples "
            "must be over the same symbols, in the same order"
        )
    batch = np.broadcast_shapes(a.batch, b.batch)
    w = a.c.shape[-1]
    cp = np.broadcast_to(a.c.reshape(*a.batch, w), (*batch, w)).reshape(-1, w)
    cq = np.broadcast_to(b.c.reshape(*b.batch, w), (*batch, w)).reshape(-1, w)
    return _Counts(cp, batch), cp, cq


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
) -> Estimate:
    level, nb, seed = _check_ci(ci, n_boot, seed)
    k_neighbors = check_neighbors(k_neighbors)
    pseudocount = check_positive(pseudocount, "pseudocount")
    if method == "knn" or (method == "auto" and _is_continuous(x, y)):
        px, py = cont.as_points(x, "x"), cont.as_points(y, "y")
        fn = cont.kl_divergence_knn if quantity == "kl_divergence" else cont.cross_entropy_knn
        return _continuous(
            fn(px, py, k_neighbors),
            lambda i, j: fn(px[i], py[j], k_neighbors),
            (px.shape[0], py.shape[0]),
            level, n_boot, seed, base, method="knn", quantity=quantity,
            n=(px.shape[0], py.shape[0]), neighbors=k_neighbors,
        )  # fmt: skip
    _check_method(method, (*DIVERGENCE_METHODS, "knn"), quantity.replace("_", " "))
    if method == "auto":
        method = "zhang_grabchak"
    rows, cp, cq = _pair_counts(x, y, column)
    with np.errstate(over="ignore"):
        both = _Counts(cp + cq, rows.batch)
    k = _alphabet(alphabet_size, both, "x and y together", False, method)
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
        notes.append(_HUGE_NOTE)
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
        lo, hi = _around(v, lo, hi)
        v, lo, hi = _positive_part(v, lo, hi, notes, quantity, scale, unit_name(base))
        lo, hi = _ordered(lo, hi, scale)
        interval = (rows.shape(lo * scale), rows.shape(hi * scale))
        kind = "bootstrap"
        unseen = float(max(np.max(_unseen_mass(cp)), np.max(_unseen_mass(cq))))
        if unseen > _SCARCE:
            notes.append(_BOOT_NOTE.format(unseen))
    else:
        v, _, _ = _positive_part(v, None, None, notes, quantity, scale, unit_name(base))
    return Estimate(
        value=rows.shape(v * scale),
        stderr=None if se is None else rows.shape(se * abs(scale)),
        interval=interval,
        level=level,
        interval_kind=kind,
        method=method,
        quantity=quantity,
        unit=unit_name(base),
        n=(_sizes(cp, rows.batch), _sizes(cq, rows.batch)),
        support=(
            rows.shape_int(np.count_nonzero(cp, -1)),
            rows.shape_int(np.count_nonzero(cq, -1)),
        ),
        alphabet_size=rows.shape_int(kk),
        notes=tuple(notes),
    )


#: replicates for point-data intervals when n_boot is not given (each is a kNN search)
CONTINUOUS_REPLICATES = 100
#: and at most this many
MAX_HALF_SAMPLES = 10_000


def _continuous(
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
    notes: list[str] = []
    if not math.isfinite(value):
        raise ValueError(
            f"the {quantity.replace('_', ' ')} estimate is not finite: the points are so far "
            "apart (or so close) that their distances overflow float64; rescale the data "
            "(the estimate shifts by d·log of the scale factor)"
        )
    if ci is None:
        v, _, _ = _positive_part(value, None, None, notes, quantity, scale, unit)
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
    z = _z(ci)
    v, lo, hi = _positive_part(value, value - z * se, value + z * se, notes, quantity, scale, unit)
    lo, hi = _ordered(float(lo), float(hi), scale)
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
    )


# ----------------------------------------------------------------------------- paired samples


def _labels(a: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a 1-D array of labels and a mask of missing entries."""
    if a.dtype.kind == "f":
        miss = np.isnan(a)
    elif a.dtype.kind == "O":
        miss = np.fromiter(
            (v is None or (isinstance(v, float) and v != v) for v in a), bool, a.size
        )
    else:
        miss = np.zeros(a.size, dtype=bool)
    codes = np.full(a.size, -1, dtype=np.int64)
    if (~miss).any():
        _, inv = _unique(a[~miss], return_inverse=True)
        codes[~miss] = inv.ravel()
    return codes, miss


class _Joint:
    """A joint histogram as its occupied cells: counts, and the x and y code of each cell."""

    def __init__(self, counts: np.ndarray, cx: np.ndarray, cy: np.ndarray, kx: int, ky: int):
        self.counts, self.cx, self.cy, self.kx, self.ky = counts, cx, cy, kx, ky

    @classmethod
    def from_table(cls, t: np.ndarray) -> _Joint:
        ix, iy = np.nonzero(t)
        return cls(t[ix, iy].astype(np.float64), ix, iy, t.shape[0], t.shape[1])

    def marginals(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Marginal counts for rows of cell counts, shape (rows, cells)."""
        r = cells.shape[0]
        mx = np.zeros((r, self.kx))
        my = np.zeros((r, self.ky))
        for codes, out in ((self.cx, mx), (self.cy, my)):
            order = np.argsort(codes, kind="stable")
            sc = codes[order]
            starts = np.flatnonzero(np.r_[True, sc[1:] != sc[:-1]])
            out[:, sc[starts]] = np.add.reduceat(cells[:, order], starts, axis=1)
        return mx, my


def _label_array(v: Any) -> np.ndarray:
    """Labels as an array; a list is kept as Python objects, because np.asarray(["a", 1])
    would silently turn the 1 into "1" (the type check then sees the mix)."""
    if isinstance(v, list | tuple) and not any(isinstance(e, list | tuple) for e in v):
        obj = np.empty(len(v), dtype=object)
        obj[:] = v
        kinds = {type(e) for e in v if e is not None and not (isinstance(e, float) and e != e)}
        if len(kinds) == 1 and kinds <= {int, float, str, bool}:
            return np.asarray(v)  # one plain type: NumPy's own dtype is exact
        return obj
    return np.asarray(v)


def _joint_of(x: Any, y: Any) -> _Joint:
    if isinstance(x, Tagged):
        if y is not None:
            raise TypeError("give either a table ib.counts(table) alone, or paired samples x, y")
        if x.kind is not Kind.COUNTS:
            raise TypeError(
                f"the table holds {x.kind.value}, but estimators need data: pass paired "
                "samples x, y, or their contingency table as ib.counts(table)"
            )
        shape = np.shape(x.values)
        if len(shape) != 2:
            raise ValueError(
                f"the table must be 2-D (X rows, Y columns), got shape {shape}; for one "
                "variable use estimate_entropy"
            )
        with np.errstate(over="ignore"):  # the check sums the counts: 1e308 + 1e308
            prep = prepare(x, "table", (-2, -1), min_ndim=2)
        t = np.asarray(prep.values, dtype=np.float64)
        if t.ndim != 2:
            raise ValueError(f"the table must be 2-D (X rows, Y columns), got shape {t.shape}")
        return _Joint.from_table(t)
    if y is None:
        raise TypeError("y is missing: give paired samples x, y, or a table as ib.counts(table)")
    a, b = _label_array(x), _label_array(y)
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError(
            f"paired samples must be 1-D arrays of labels, got shapes {a.shape} and {b.shape}"
        )
    if a.size != b.size:
        raise ValueError(f"x has {a.size} samples but y has {b.size}; they must be paired")
    for arr, name in ((a, "x"), (b, "y")):
        if arr.dtype.kind == "O":
            from ._counting import _check_types, _is_missing_object

            _check_types(arr[~_is_missing_object(arr)], name)
    ix, mx = _labels(a, "x")
    iy, my = _labels(b, "y")
    keep = ~(mx | my)
    if not keep.any():
        raise ValueError("x and y have no pair where both are present")
    ix, iy = ix[keep], iy[keep]
    kx, ky = int(ix.max()) + 1, int(iy.max()) + 1
    cells, cnt = np.unique(ix * ky + iy, return_counts=True)
    return _Joint(cnt.astype(np.float64), cells // ky, cells % ky, kx, ky)


def _paired(
    x: Any,
    y: Any,
    quantity: str,
    method: str,
    alphabet_size: Any,
    base: Base,
    ci: float | None,
    n_boot: int | None,
    seed: Any,
    concentration: float,
    k_neighbors: int,
) -> Estimate:
    level, nb, seed = _check_ci(ci, n_boot, seed)
    concentration = check_positive(concentration, "concentration")
    k_neighbors = check_neighbors(k_neighbors)
    if method == "ksg" or (
        method == "auto" and quantity == "mutual_information" and _is_continuous(x, y)
    ):
        px, py = cont.as_points(x, "x"), cont.as_points(y, "y")
        return _continuous(
            cont.ksg(px, py, k_neighbors),
            lambda i: cont.ksg(px[i], py[i], k_neighbors),
            (px.shape[0],),
            level, n_boot, seed, base, method="ksg", quantity=quantity, n=px.shape[0],
            neighbors=k_neighbors,
        )  # fmt: skip
    kx_ky = _alphabet_pair(alphabet_size)
    method = _resolve_entropy_method(method, kx_ky)
    j = _joint_of(x, y)
    if kx_ky is not None and (kx_ky[0] < j.kx or kx_ky[1] < j.ky):
        seen = (int(np.unique(j.cx).size), int(np.unique(j.cy).size))
        if kx_ky[0] < seen[0] or kx_ky[1] < seen[1]:
            raise ValueError(
                f"alphabet_size={kx_ky} is smaller than the symbols seen, {seen}; "
                "it must count every possible symbol of X and of Y"
            )
    if method in ("nsb", "james_stein") and kx_ky is None:
        raise ValueError(f"method={method!r} needs alphabet_size=(K_x, K_y)")
    if method == "dirichlet" and kx_ky is not None:
        check_prior_mass(float(kx_ky[0]) * kx_ky[1], concentration, "concentration")
    if kx_ky is not None:
        _check_nsb_alphabet(method, float(kx_ky[0]) * kx_ky[1])
    n = _exact_total(j.counts)
    notes: list[str] = []
    if n >= HUGE:
        if level is not None:
            raise ValueError(
                "ci: counts totalling 2**63 or more cannot be resampled for a bootstrap; "
                "leave ci=None (with that many samples the sampling error is negligible)"
            )
        notes.append(_HUGE_NOTE)
        # a marginal of 1e308 + 1e308 overflows: scale the table by a power of two (the
        # total stays far above 2**63, so every bias term stays negligible)
        e = int(np.frexp(j.counts.max())[1]) + int(j.counts.size).bit_length() - 1000
        if e > 0:
            j.counts = np.ldexp(j.counts, -e)
    elif level is not None:
        check_boot_size(nb, 1)

    def value(cells: np.ndarray, which: Any = None) -> np.ndarray:
        mx, my = j.marginals(cells)
        r = cells.shape[0]
        if method == "plugin" and quantity == "conditional_entropy":
            # Σ (n_xy/N) log(n_x/n_xy): no cancellation, and exactly 0 when Y is a
            # function of X
            with np.errstate(divide="ignore", invalid="ignore"):
                t = frequencies(cells)[0] * np.log(mx[:, j.cx] / cells)
            return np.where(cells > 0, t, 0.0).sum(axis=-1)
        if kx_ky is None:
            kxy = kx_ = ky_ = None
        else:
            kx_ = np.full(r, float(kx_ky[0]))
            ky_ = np.full(r, float(kx_ky[1]))
            kxy = kx_ * ky_
        hxy = _entropy_nats(cells, method, kxy, concentration)[0]
        hx = _entropy_nats(mx, method, kx_, concentration)[0]
        if quantity == "conditional_entropy":
            return hxy - hx
        hy = _entropy_nats(my, method, ky_, concentration)[0]
        return hx + hy - hxy

    cells = j.counts[None, :]
    v: Any = value(cells)
    scale = 1.0 / log_of_base(base)
    se = lo = hi = None
    interval = None
    if level is not None:
        rng = np.random.default_rng(seed)
        reps = bootstrap_one(cells, value, nb, rng)
        se, lo, hi = percentile_interval(reps, level, v, _plugin_paired(j, cells, quantity))
        lo, hi = _around(v, lo, hi)
        v, lo, hi = _positive_part(v, lo, hi, notes, quantity, scale, unit_name(base))
        lo, hi = _ordered(lo, hi, scale)
        interval = (float(lo[0]) * scale, float(hi[0]) * scale)
        unseen = float(_unseen_mass(cells)[0])
        if unseen > _SCARCE:
            notes.append(_BOOT_NOTE.format(unseen))
    else:
        v, _, _ = _positive_part(v, None, None, notes, quantity, scale, unit_name(base))
    return Estimate(
        value=float(v[0]) * scale,
        stderr=None if se is None else float(se[0]) * abs(scale),
        interval=interval,
        level=level,
        interval_kind="bootstrap" if level is not None else None,
        method=method,
        quantity=quantity,
        unit=unit_name(base),
        n=n,
        support=(int(np.unique(j.cx).size), int(np.unique(j.cy).size)),
        alphabet_size=kx_ky,
        notes=tuple(notes),
    )


def _exact_total(c: np.ndarray) -> int:
    """Σ c as an exact Python int (whole-number float counts convert exactly)."""
    t = totals(c)
    return int(t) if t < HUGE else sum(int(v) for v in c)


def _alphabet_pair(alphabet_size: Any) -> tuple[int, int] | None:
    """``alphabet_size=(K_x, K_y)`` checked: two whole numbers >= 1 whose product is
    below 2**1023."""
    if alphabet_size is None:
        return None
    if not (isinstance(alphabet_size, tuple | list) and len(alphabet_size) == 2):
        raise ValueError(
            f"alphabet_size must be a pair (K_x, K_y) for two variables, got "
            f"{_shown(alphabet_size)}"
        )
    out = []
    for v, which in zip(alphabet_size, ("K_x", "K_y"), strict=True):
        ok = isinstance(v, numbers.Integral) and not isinstance(v, bool | np.bool_)
        if isinstance(v, float | np.floating) and math.isfinite(v) and float(v).is_integer():
            ok, v = True, int(v)
        if not ok or v < 1:
            raise ValueError(
                f"alphabet_size=(K_x, K_y) needs whole numbers >= 1, but {which} is {_shown(v)}"
            )
        out.append(int(v))
    if out[0] * out[1] >= 2**1023:
        raise ValueError(
            f"alphabet_size={tuple(out)}: the joint alphabet K_x·K_y must be below 2**1023"
        )
    return out[0], out[1]


def _plugin_paired(j: _Joint, cells: np.ndarray, quantity: str) -> np.ndarray:
    """The plug-in MI or H(Y|X) of the observed table: the bootstrap world's true value."""
    mx, my = j.marginals(cells)
    hxy, hx, hy = plugin(cells)[0], plugin(mx)[0], plugin(my)[0]
    return hxy - hx if quantity == "conditional_entropy" else hx + hy - hxy


def estimate_mutual_information(
    x: Any,
    y: Any = None,
    *,
    method: str = "auto",
    alphabet_size: tuple[int, int] | None = None,
    base: Base = 2,
    ci: float | None = None,
    n_boot: int | None = None,
    seed: int | np.random.Generator | None = None,
    concentration: float = DEFAULT_CONCENTRATION,
    k: int = 3,
) -> Estimate:
    r"""Estimate I(X; Y) = H(X) + H(Y) − H(X, Y) from paired samples (x_i, y_i).

    The bits that knowing X saves on coding Y. Discrete: each of the three entropies is
    estimated with ``method`` (any :func:`estimate_entropy` method; ``auto`` is ``nsb``
    when ``alphabet_size=(K_x, K_y)`` is given, the joint alphabet being K_x·K_y, and
    ``chao_wang_jost`` otherwise). A bootstrap resamples the pairs. Continuous
    (``ksg``, which ``auto`` picks for float arrays of non-integers): Kraskov,
    Stögbauer & Grassberger (2004), algorithm 1, with ``k`` neighbours,
    Î = ψ(k) + ψ(N) − ⟨ψ(n_x + 1) + ψ(n_y + 1)⟩.

    Args:
        x, y: paired 1-D arrays of labels (pairs with a missing value are dropped); or
            ``x = ib.counts(table)``, a 2-D contingency table (X rows, Y columns), and no
            ``y``; for ``ksg``, arrays of shape (N,) or (N, d).
        alphabet_size: ``(K_x, K_y)``. Others as in :func:`estimate_entropy`.

    Returns:
        an :class:`Estimate`. Bias-corrected values can come out below 0 when X and Y
        are independent; they are reported as 0 (the positive part), with a note.

    >>> import infobits as ib
    >>> x = [0, 0, 1, 1] * 25
    >>> round(ib.estimate_mutual_information(x, x, method="plugin").value, 6)
    1.0

    Reference: Kraskov, Stögbauer & Grassberger (2004), Phys. Rev. E 69, 066138;
    Paninski (2003) for the discrete bias.
    """
    return _paired(
        x,
        y,
        "mutual_information",
        method,
        alphabet_size,
        base,
        ci,
        n_boot,
        seed,
        concentration,
        k,
    )


def estimate_conditional_entropy(
    y: Any,
    x: Any = None,
    *,
    method: str = "auto",
    alphabet_size: tuple[int, int] | None = None,
    base: Base = 2,
    ci: float | None = None,
    n_boot: int | None = None,
    seed: int | np.random.Generator | None = None,
    concentration: float = DEFAULT_CONCENTRATION,
) -> Estimate:
    r"""Estimate H(Y | X) = H(X, Y) − H(X) from paired samples: what is left of Y given X.

    Both entropies use ``method`` as in :func:`estimate_mutual_information`.

    Args:
        y, x: paired 1-D arrays of labels, Y first as in H(Y | X); or
            ``y = ib.counts(table)`` with X on the rows and Y on the columns (the layout of
            :func:`infobits.conditional_entropy`) and no ``x``.
        alphabet_size: ``(K_x, K_y)``. Others as in :func:`estimate_entropy`.

    >>> import infobits as ib
    >>> x = [0, 0, 1, 1] * 25
    >>> y = [0, 1, 0, 1] * 25  # independent of x: one full bit is left
    >>> round(ib.estimate_conditional_entropy(y, x, method="plugin").value, 6)
    1.0

    Reference: Cover & Thomas (2006), §2.2.
    """
    if isinstance(y, Tagged):
        return _paired(
            y,
            x,
            "conditional_entropy",
            method,
            alphabet_size,
            base,
            ci,
            n_boot,
            seed,
            concentration,
            3,
        )
    return _paired(
        x, y, "conditional_entropy", method, alphabet_size, base, ci, n_boot, seed,
        concentration, 3,
    )  # fmt: skip


# ----------------------------------------------------------------------------- continuous


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
    _check_method(method, ("knn", *SPACING_METHODS), "differential entropy")
    level, _, seed = _check_ci(ci, n_boot, seed, CONTINUOUS_REPLICATES)
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

    return _continuous(
        value(pts),
        lambda i: value(pts[i]),
        (pts.shape[0],),
        level, n_boot, seed, base, method=method, quantity="differential_entropy",
        n=pts.shape[0], neighbors=k if method == "knn" else 1,
    )  # fmt: skip
