"""Paired samples (x_i, y_i): :func:`estimate_mutual_information` and
:func:`estimate_conditional_entropy`.

Discrete pairs become a joint histogram of occupied cells; each of H(X, Y), H(X) and
H(Y) is estimated with the same entropy method, and a bootstrap resamples the pairs.
Point data go to the KSG estimator.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._inputs import Kind, Tagged, prepare
from .._units import Base, log_of_base, unit_name
from . import continuous as cont
from ._checks import (
    check_alphabet_pair,
    check_boot_size,
    check_neighbors,
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
    entropy_nats,
    note_outside,
    ordered,
    positive_part,
    resolve_entropy_method,
    unseen_mass,
)
from ._frames import library_labels
from ._points import is_continuous, point_estimate
from .bootstrap import bootstrap_one, percentile_interval
from .counting import _check_types, _is_missing_object, _unique, check_na_values, na_mask
from .discrete import HUGE, frequencies, plugin, totals
from .nsb import DEFAULT_CONCENTRATION
from .result import Estimate

__all__ = ["estimate_conditional_entropy", "estimate_mutual_information"]


def _labels(a: np.ndarray, miss: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a 1-D array of labels, and the mask of missing entries: those
    given, and the real nulls (None, NaN, pd.NA, NaT) the array holds."""
    if a.dtype.kind in "fc":
        miss = miss | np.isnan(a)
    elif a.dtype.kind in "mM":
        miss = miss | np.isnat(a)
    elif a.dtype.kind == "O":
        miss = miss | _is_missing_object(a)
        _check_types(a[~miss], name)
    codes = np.full(a.size, -1, dtype=np.int64)
    if (~miss).any():
        _, inv = _unique(a[~miss], return_inverse=True)
        codes[~miss] = inv.ravel()
    return codes, miss


class _Joint:
    """A joint histogram as its occupied cells: counts, and the x and y code of each cell."""

    def __init__(self, counts: np.ndarray, cx: np.ndarray, cy: np.ndarray, kx: int, ky: int):
        self.counts, self.cx, self.cy, self.kx, self.ky = counts, cx, cy, kx, ky
        #: pairs dropped for a missing value, and the missing values in x and in y
        self.dropped = (0, 0, 0)

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


def _side(v: Any, name: str, na: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
    """One side of the pairs: its labels and the mask of its missing entries."""
    got = library_labels(v, name, na)
    if got is not None:
        return got
    a = _label_array(v)
    if a.ndim != 1:
        return a, np.zeros(a.shape, dtype=bool)
    return a, na_mask(a, na)


def _joint_of(x: Any, y: Any, na: frozenset[str] = frozenset()) -> _Joint:
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
    (a, ma), (b, mb) = _side(x, "x", na), _side(y, "y", na)
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError(
            f"paired samples must be 1-D arrays of labels, got shapes {a.shape} and {b.shape}"
        )
    if a.size != b.size:
        raise ValueError(f"x has {a.size} samples but y has {b.size}; they must be paired")
    ix, mx = _labels(a, ma, "x")
    iy, my = _labels(b, mb, "y")
    keep = ~(mx | my)
    if not keep.any():
        raise ValueError(
            f"x and y have no pair where both are present ({int(mx.sum())} missing in x, "
            f"{int(my.sum())} in y)"
        )
    ix, iy = ix[keep], iy[keep]
    kx, ky = int(ix.max()) + 1, int(iy.max()) + 1
    cells, cnt = np.unique(ix * ky + iy, return_counts=True)
    j = _Joint(cnt.astype(np.float64), cells // ky, cells % ky, kx, ky)
    j.dropped = (int((~keep).sum()), int(mx.sum()), int(my.sum()))
    return j


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
    k_neighbors: int | None,
    na_values: Any = None,
    standardize: Any = True,
) -> Estimate:
    level, nb, seed = check_options(ci, n_boot, seed)
    concentration = check_positive(concentration, "concentration")
    if method in ("auto", "ross") and quantity == "mutual_information":
        # float columns of a data frame are measurements, as float arrays are
        fx, fy = _frame_floats(x), _frame_floats(y)
        if _mixed_sides(fx, fy) or is_continuous(fx, fy):
            x, y = fx, fy
    auto_points = (
        method == "auto" and quantity == "mutual_information" and is_continuous(x, y)
    ) or method == "copula_ksg"
    k_neighbors = check_neighbors(
        (COPULA_K if auto_points else 3) if k_neighbors is None else k_neighbors
    )
    if not isinstance(standardize, bool | np.bool_):
        raise TypeError(
            f"standardize must be True or False, got {standardize!r}; True scales each "
            "column to standard deviation 1 before the neighbour search (the default)"
        )
    if method in ("ross", "gao", "copula_ksg") and quantity != "mutual_information":
        raise ValueError(
            f"method={method!r} estimates mutual information only; for a conditional "
            "entropy use a discrete method"
        )
    if method == "ross" or (
        method == "auto" and quantity == "mutual_information" and _mixed_sides(x, y)
    ):
        return _mixed(x, y, k_neighbors, bool(standardize), level, n_boot, seed, base, na_values)
    if method == "gao":
        return _gao(x, y, k_neighbors, bool(standardize), level, n_boot, seed, base)
    if auto_points:
        px, py, dnotes, dropped = _point_pairs(x, y)
        # ranks ignore the units, so there is nothing to standardise; ties are broken
        # first, or they would stay ties among the ranks
        px, py, pnotes = _prepared_points(px, py, False)
        pnotes = dnotes + pnotes + [COPULA_NOTE]
        return point_estimate(
            cont.copula_ksg(px, py, k_neighbors),
            lambda i: cont.copula_ksg(px[i], py[i], k_neighbors),
            (px.shape[0],),
            level, n_boot, seed, base, method="copula_ksg", quantity=quantity,
            n=px.shape[0], neighbors=k_neighbors, notes=pnotes, missing=dropped,
        )  # fmt: skip
    if method == "ksg":
        px, py, dnotes, dropped = _point_pairs(x, y)
        px, py, pnotes = _prepared_points(px, py, bool(standardize))
        pnotes = dnotes + pnotes
        return point_estimate(
            cont.ksg(px, py, k_neighbors),
            lambda i: cont.ksg(px[i], py[i], k_neighbors),
            (px.shape[0],),
            level, n_boot, seed, base, method="ksg", quantity=quantity, n=px.shape[0],
            neighbors=k_neighbors, notes=pnotes, missing=dropped,
        )  # fmt: skip
    kx_ky = check_alphabet_pair(alphabet_size)
    method = resolve_entropy_method(method, kx_ky)
    j = _joint_of(x, y, check_na_values(na_values))
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
        check_nsb_alphabet(method, float(kx_ky[0]) * kx_ky[1])
    n = _exact_total(j.counts)
    notes: list[str] = []
    if j.dropped[0]:
        notes.append(
            f"{_pairs(j.dropped[0])} with a missing value dropped ({j.dropped[1]} missing "
            f"in x, {j.dropped[2]} in y); the estimate uses the {n} complete "
            + ("pair" if n == 1 else "pairs")
        )
    if n >= HUGE:
        if level is not None:
            raise ValueError(
                "ci: counts totalling 2**63 or more cannot be resampled for a bootstrap; "
                "leave ci=None (with that many samples the sampling error is negligible)"
            )
        notes.append(HUGE_NOTE)
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
        hxy = entropy_nats(cells, method, kxy, concentration)[0]
        hx = entropy_nats(mx, method, kx_, concentration)[0]
        if quantity == "conditional_entropy":
            return hxy - hx
        hy = entropy_nats(my, method, ky_, concentration)[0]
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
        note_outside(
            np.atleast_1d(v), np.atleast_1d(lo), np.atleast_1d(hi), "bootstrap", notes,
            scale, unit_name(base),
        )  # fmt: skip
        lo, hi = around(v, lo, hi)
        v, lo, hi = positive_part(v, lo, hi, notes, quantity, scale, unit_name(base))
        lo, hi = ordered(lo, hi, scale)
        interval = (float(lo[0]) * scale, float(hi[0]) * scale)
        unseen = float(unseen_mass(cells)[0])
        if unseen > SCARCE:
            notes.append(BOOT_NOTE.format(unseen))
    else:
        v, _, _ = positive_part(v, None, None, notes, quantity, scale, unit_name(base))
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
        missing=j.dropped[0],
        support=(int(np.unique(j.cx).size), int(np.unique(j.cy).size)),
        alphabet_size=kx_ky,
        notes=tuple(notes),
    )


#: neighbours for ``copula_ksg``: the benchmark's KSG uses k = 10; a larger k lowers the
#: variance and adds bias, and the Gaussian reference removes most of that bias
COPULA_K = 10

COPULA_NOTE = (
    "copula KSG: each column was replaced by its normal scores (a monotone map, which "
    "leaves the MI unchanged), and KSG's bias on the Gaussian with the same rank "
    "correlations, found on a sample drawn from it, was subtracted"
)


def _nan_rows(a: np.ndarray) -> np.ndarray:
    """Rows of a 1-D or 2-D float array that hold a NaN (a missing value)."""
    if a.dtype.kind != "f" or a.ndim == 0:
        return np.zeros(a.shape[:1], dtype=bool)
    m = np.isnan(a)
    return m.any(axis=tuple(range(1, a.ndim))) if a.ndim > 1 else m


def _point_pairs(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray, list[str], int]:
    """Both sides as (n, d) points, with the pairs where either side is NaN dropped: the
    points, the note that says how many were dropped, and that number."""
    a, b = np.asarray(x), np.asarray(y)
    if a.ndim == 0 or b.ndim == 0 or a.shape[0] != b.shape[0]:
        px, py = cont.as_points(a, "x"), cont.as_points(b, "y")
        raise ValueError(
            f"x has {px.shape[0]} points but y has {py.shape[0]}; MI needs pairs (x_i, y_i)"
        )
    mx, my = _nan_rows(a), _nan_rows(b)
    keep = ~(mx | my)
    dropped = int((~keep).sum())
    if dropped == 0:
        return cont.as_points(a, "x"), cont.as_points(b, "y"), [], 0
    for side, name in ((a, "x"), (b, "y")):
        # a side of text is refused as such, and an infinity (not a missing value) by its
        # row in the data as given
        cont.as_points(
            np.where(np.isnan(side), 0.0, side) if side.dtype.kind == "f" else side, name
        )
    if not keep.any():
        raise ValueError(
            f"x and y have no pair where both are present ({int(mx.sum())} missing in x, "
            f"{int(my.sum())} in y); MI needs complete pairs"
        )
    note = (
        f"{_pairs(dropped)} with a missing value (NaN) dropped ({int(mx.sum())} missing in "
        f"x, {int(my.sum())} in y); the estimate uses the {int(keep.sum())} complete "
        + ("pair" if keep.sum() == 1 else "pairs")
    )
    return cont.as_points(a[keep], "x"), cont.as_points(b[keep], "y"), [note], dropped


def _gao(
    x: Any,
    y: Any,
    k: int,
    standardize: bool,
    level: float | None,
    n_boot: int | None,
    seed: Any,
    base: Base,
) -> Estimate:
    """Gao et al. (2017): numbers on both sides, repeated values kept as atoms."""
    px, py, notes, dropped = _point_pairs(x, y)
    if standardize:
        px, py = cont.standardized(px), cont.standardized(py)
        notes.append(STANDARDIZED_NOTE)
    notes.append(
        "Gao et al. (2017) for discrete-continuous mixtures: repeated values are atoms, "
        "counted at distance 0, and get no noise"
    )
    return point_estimate(
        cont.gao_mixed(px, py, k),
        lambda i: cont.gao_mixed(px[i], py[i], k),
        (px.shape[0],),
        level, n_boot, seed, base, method="gao", quantity="mutual_information",
        n=px.shape[0], neighbors=k, notes=notes, missing=dropped,
    )  # fmt: skip


STANDARDIZED_NOTE = (
    "each column of x and y was standardised (mean 0, standard deviation 1) before the "
    "neighbour search, so the units do not weigh on the max-norm; standardize=False keeps them"
)


def _prepared_points(
    px: np.ndarray, py: np.ndarray, standardize: bool
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Standardise (when asked) and break ties, with the notes that say so."""
    notes: list[str] = []
    if standardize:
        px, py = cont.standardized(px), cont.standardized(py)
        notes.append(STANDARDIZED_NOTE)
    rng = np.random.default_rng(cont.TIE_SEED)
    px, said_x = cont.break_ties(px, "x", rng)
    py, said_y = cont.break_ties(py, "y", rng)
    if said_x or said_y:
        notes.append(cont.tie_note(said_x + said_y))
    return px, py, notes


def _frame_floats(v: Any) -> Any:
    """A float column of pandas, Polars or PyArrow as a NumPy float array (nulls as NaN),
    so that a measurement held in a data frame counts as continuous; anything else as
    it is."""
    mod = type(v).__module__ or ""
    try:
        if mod.startswith("pandas") and getattr(v, "ndim", 0) == 1 and v.dtype.kind == "f":
            return v.to_numpy(dtype=np.float64, na_value=np.nan)
        if mod.startswith("polars") and v.dtype.is_float():
            return np.asarray(v.to_numpy(), dtype=np.float64)
        if mod.startswith("pyarrow"):
            import pyarrow as pa

            if isinstance(v, pa.ChunkedArray | pa.Array) and pa.types.is_floating(v.type):
                return np.asarray(v.to_numpy(zero_copy_only=False), dtype=np.float64)
    except (AttributeError, TypeError, ValueError):
        return v
    return v


def _is_label_side(v: Any) -> bool:
    if is_continuous(v) or isinstance(v, Tagged) or v is None:
        return False
    try:
        return bool(np.ndim(v) == 1)
    except Exception:  # a column of a data-frame library, for one
        return hasattr(v, "__len__")


def _mixed_sides(x: Any, y: Any) -> bool:
    """One side holds continuous points, the other labels."""
    return (is_continuous(x) and _is_label_side(y)) or (is_continuous(y) and _is_label_side(x))


def _mixed(
    x: Any,
    y: Any,
    k: int,
    standardize: bool,
    level: float | None,
    n_boot: int | None,
    seed: Any,
    base: Base,
    na_values: Any,
) -> Estimate:
    """MI between a continuous side and a side of labels (Ross 2014)."""
    if is_continuous(x) and not is_continuous(y):
        pts, lab, pname, lname = x, y, "x", "y"
    elif is_continuous(y) and not is_continuous(x):
        pts, lab, pname, lname = y, x, "y", "x"
    else:
        raise ValueError(
            "method='ross' needs one side of continuous points (floats) and one of labels, "
            f"but {'both sides look continuous' if is_continuous(x) else 'neither side is'}; "
            "use method='ksg' for two continuous sides, or 'auto'"
        )
    a = np.asarray(pts, dtype=np.float64)
    lv, lmiss = _side(lab, lname, check_na_values(na_values))
    if lv.ndim != 1:
        raise ValueError(f"{lname} must be a 1-D array of labels, got shape {lv.shape}")
    if a.shape[0] != lv.size:
        raise ValueError(f"x has {len(x)} samples but y has {len(y)}; they must be paired")
    codes, lmiss = _labels(lv, lmiss, lname)
    pmiss = np.isnan(a) if a.ndim == 1 else np.isnan(a).any(axis=tuple(range(1, a.ndim)))
    keep = ~(lmiss | pmiss)
    dropped = int((~keep).sum())
    px = cont.as_points(a[keep], pname)
    notes: list[str] = []
    if dropped:
        mx, my = (pmiss, lmiss) if pname == "x" else (lmiss, pmiss)
        notes.append(
            f"{_pairs(dropped)} with a missing value dropped ({int(mx.sum())} missing in "
            f"x, {int(my.sum())} in y); the estimate uses the {int(keep.sum())} complete "
            + ("pair" if keep.sum() == 1 else "pairs")
        )
    distinct = (int(np.unique(px, axis=0).shape[0]), int(np.unique(codes[keep]).size))
    support = distinct if pname == "x" else distinct[::-1]
    if standardize:
        px = cont.standardized(px)
        notes.append(STANDARDIZED_NOTE.replace("of x and y", f"of {pname}"))
    px, said = cont.break_ties(px, pname, np.random.default_rng(cont.TIE_SEED))
    if said:
        notes.append(cont.tie_note(said))
    lab_codes = codes[keep]
    notes.append(
        f"{pname} is continuous and {lname} holds labels: Ross's (2014) nearest-neighbour "
        "estimator for mixed data"
    )
    return point_estimate(
        cont.mixed_knn(px, lab_codes, k),
        lambda i: cont.mixed_knn(px[i], lab_codes[i], k),
        (px.shape[0],),
        level, n_boot, seed, base, method="ross", quantity="mutual_information",
        n=px.shape[0], neighbors=k, notes=notes, missing=dropped, support=support,
    )  # fmt: skip


def _pairs(n: int) -> str:
    return f"{n} pair" if n == 1 else f"{n} pairs"


def _exact_total(c: np.ndarray) -> int:
    """Σ c as an exact Python int (whole-number float counts convert exactly)."""
    t = totals(c)
    return int(t) if t < HUGE else sum(int(v) for v in c)


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
    k: int | None = None,
    na_values: Any = None,
    standardize: bool = True,
) -> Estimate:
    r"""Estimate I(X; Y) = H(X) + H(Y) − H(X, Y) from paired samples (x_i, y_i).

    The bits that knowing X saves on coding Y. Discrete: each of the three entropies is
    estimated with ``method`` (any :func:`estimate_entropy` method; ``auto`` is ``nsb``
    when ``alphabet_size=(K_x, K_y)`` is given, the joint alphabet being K_x·K_y, and
    ``chao_wang_jost`` otherwise). A bootstrap resamples the pairs.

    Continuous, two sides of floats (``auto`` picks ``copula_ksg`` for float arrays of
    non-integers): ``ksg`` is Kraskov, Stögbauer & Grassberger (2004), algorithm 1, with
    ``k`` neighbours (default 3), Î = ψ(k) + ψ(N) − ⟨ψ(n_x + 1) + ψ(n_y + 1)⟩.
    ``copula_ksg`` (default k = 10) first replaces each column by its normal scores
    Φ⁻¹(rank/(N + 1)), a monotone map that leaves the MI unchanged and removes heavy
    tails and skew, then subtracts KSG's bias on the Gaussian with the same rank
    correlation matrix R̂: Î = Î_KSG(data) − Î_KSG(Gaussian sample) + I_G(R̂), with
    I_G(R̂) = ½ log(det R̂_xx det R̂_yy / det R̂). In high dimensions KSG alone is far
    below the truth; the Gaussian reference measures how far.

    Mixed (``ross``, which ``auto`` picks when one side holds floats and the other
    labels): Ross (2014), Î = ψ(N) − ⟨ψ(N_y)⟩ + ψ(k) − ⟨ψ(m_i)⟩, with the k-th neighbour
    of each point taken within its own class (N_y points) and m_i the points of any
    class that close. ``gao``: Gao, Kannan, Oh & Viswanath (2017), for numbers that are
    discrete, continuous or a mixture of both (an atom at 0 and a density elsewhere, say):
    KSG where a point's k-th joint neighbour is at a distance ρ_i > 0, and where ρ_i = 0
    the counts of points at distance 0 in the joint and marginal spaces; repeated values
    are kept, not broken by noise.

    For ``ksg``, ``ross`` and ``gao``, each column of the points is standardised to mean
    0 and standard deviation 1 first (as the "Beyond Normal" benchmark's KSG does), so
    the units do not weigh on the max-norm; ``standardize=False`` keeps them. For
    ``ksg``, ``ross`` and ``copula_ksg``, repeated values (rounded data) are ties that
    bias the neighbour counts or put a neighbour at distance 0: each column with ties
    gets uniform noise of ± half its step (the smallest gap between its values) from a
    fixed seed, and a note says so (Kraskov et al. 2004, §II.C).

    On the 40 tasks of the "Beyond Normal" benchmark (Czyż et al. 2023),
    ``benchmarks/bench_mi.py`` compares ``auto`` with the benchmark's KSG; the table is
    in docs/estimators.md.

    Args:
        x, y: paired 1-D arrays of labels, or columns of pandas, Polars, Arrow or Dask;
            pairs where either side is missing (None, NaN, ``pd.NA``, a null, or a
            string in ``na_values``) are dropped, and their number is in
            ``Estimate.missing`` and the notes; or
            ``x = ib.counts(table)``, a 2-D contingency table (X rows, Y columns), and no
            ``y``; for ``ksg``, arrays of shape (N,) or (N, d).
        alphabet_size: ``(K_x, K_y)``.
        na_values: strings that mean missing (text is a label otherwise).
        k: neighbours for the nearest-neighbour methods (default 10 for ``copula_ksg``,
            3 for the others).
        standardize: scale point data to unit variance first (``ksg``, ``ross``, ``gao``).
            Others as in :func:`estimate_entropy`.

    Returns:
        an :class:`Estimate`. Bias-corrected values can come out below 0 when X and Y
        are independent; they are reported as 0 (the positive part), with a note.

    >>> import infobits as ib
    >>> x = [0, 0, 1, 1] * 25
    >>> round(ib.estimate_mutual_information(x, x, method="plugin").value, 6)
    1.0

    Reference: Kraskov, Stögbauer & Grassberger (2004), Phys. Rev. E 69, 066138;
    Ross (2014), PLoS ONE 9(2), e87357; Gao, Kannan, Oh & Viswanath (2017), NeurIPS 30;
    Czyż et al. (2023), NeurIPS 36 ("Beyond Normal"); Paninski (2003) for the
    discrete bias.
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
        na_values,
        standardize,
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
    na_values: Any = None,
) -> Estimate:
    r"""Estimate H(Y | X) = H(X, Y) − H(X) from paired samples: what is left of Y given X.

    Both entropies use ``method`` as in :func:`estimate_mutual_information`.

    Args:
        y, x: paired 1-D arrays of labels, Y first as in H(Y | X); or
            ``y = ib.counts(table)`` with X on the rows and Y on the columns (the layout of
            :func:`infobits.conditional_entropy`) and no ``x``. Pairs with a missing
            value are dropped and counted, as in :func:`estimate_mutual_information`.
        alphabet_size: ``(K_x, K_y)``. na_values: strings that mean missing. Others as
            in :func:`estimate_entropy`.

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
            na_values,
        )
    return _paired(
        x, y, "conditional_entropy", method, alphabet_size, base, ci, n_boot, seed,
        concentration, 3, na_values,
    )  # fmt: skip
