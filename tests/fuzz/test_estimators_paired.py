"""Fuzz the paired and continuous estimators, and the counting step under them.

Mutual information and conditional entropy are drawn from contingency tables (small
and up to 1e308 a cell) and from paired samples, including the bigrams of real text
(a character and the next one), with holes and ``na_values``, held by lists, pandas,
Arrow, Polars and Dask; the plug-in and Miller–Madow values are compared with their
formulas in mpmath, and the pairs dropped with the count reported. The nearest-neighbour
estimators (Kozachenko–Leonenko, KSG, Wang–Kulkarni–Verdú, Leonenko–Pronzato–Savani)
are compared with the same formulas
evaluated with a brute-force neighbour search in NumPy. ``count_values`` is compared
with :class:`collections.Counter`.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import mpmath as mp
import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.special import digamma, gammaln

import infobits as ib

from .harness import check_invalid, check_valid, fuzz
from .test_estimators import TEXT, _close, _interval_ok, samples

mp.mp.dps = 40


# ----------------------------------------------------------------------------- tables


@st.composite
def tables(draw: Any) -> list[list[float]]:
    rows, cols = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    scale = draw(st.sampled_from(["small", "small", "huge", "deterministic"]))
    cell = (
        st.floats(2.0**53, 1e308, allow_nan=False, allow_infinity=False) | st.just(0.0)
        if scale == "huge"
        else st.integers(0, 40).map(float)
    )
    t = [[draw(cell) for _ in range(cols)] for _ in range(rows)]
    if scale == "deterministic":  # Y a function of X: H(Y|X) = 0 exactly
        t = [[float(v) if j == i % cols else 0.0 for j, v in enumerate(r)] for i, r in enumerate(t)]
    assume(any(v > 0 for r in t for v in r))
    return t


def _h(c: list[mp.mpf], mm: bool) -> mp.mpf:
    cs = [v for v in c if v > 0]
    n = mp.fsum(cs)
    h = -mp.fsum((v / n) * mp.log(v / n) for v in cs)
    return h + (len(cs) - 1) / (2 * n) if mm else h


def ref_paired(t: list[list[float]], quantity: str, method: str) -> mp.mpf:
    m = [[mp.mpf(v) for v in r] for r in t]
    mx = [mp.fsum(r) for r in m]
    my = [mp.fsum(r[j] for r in m) for j in range(len(m[0]))]
    cells = [v for r in m for v in r]
    if quantity == "conditional_entropy" and method == "plugin":
        n = mp.fsum(cells)
        out = mp.fsum((v / n) * mp.log(mx[i] / v) for i, r in enumerate(m) for v in r if v > 0)
    else:
        mm = method == "miller_madow"
        hxy, hx, hy = _h(cells, mm), _h(mx, mm), _h(my, mm)
        out = hxy - hx if quantity == "conditional_entropy" else hx + hy - hxy
    return max(out, mp.mpf(0))


@fuzz(fast=25, long=800)
@given(
    tables(),
    st.sampled_from(["mutual_information", "conditional_entropy"]),
    st.sampled_from(["plugin", "miller_madow", "zhang", "auto", "grassberger"]),
    st.booleans(),
)
def test_paired_from_tables(t: list[list[float]], quantity: str, method: str, ci: bool) -> None:
    total = sum(int(v) for r in t for v in r)
    n = float(total) if total < 2**1023 else math.inf
    huge = not n < 2.0**63
    ref = ref_paired(t, quantity, method) if method in ("plugin", "miller_madow") else None
    kw: dict[str, Any] = {"ci": 0.9, "n_boot": 10, "seed": 2} if ci and not huge else {}
    fn = getattr(ib, f"estimate_{quantity}")

    def accept(e: Any) -> bool | str:
        if not math.isfinite(e.value) or e.value < 0:
            return "not finite, or below 0"
        if huge and ref is None:
            plug = ref_paired(t, quantity, "plugin")
            return _close(e.value, plug, n, 1e-9)
        v = _close(e.value, ref, n, 1e-10)
        return v if v is not True else _interval_ok(e)

    check_valid(
        f"estimators: estimate_{quantity}",
        lambda: fn(ib.counts(t), method=method, base="nats", **kw),
        accept,
    )


@fuzz(fast=15, long=400)
@given(st.integers(20, 600), st.data(), st.sampled_from(["plugin", "miller_madow"]))
def test_bigrams_of_text(n: int, data: Any, method: str) -> None:
    i = data.draw(st.integers(0, len(TEXT) - n - 1))
    x, y = list(TEXT[i : i + n]), list(TEXT[i + 1 : i + n + 1])
    labels_x, labels_y = sorted(set(x)), sorted(set(y))
    pairs = Counter(zip(x, y, strict=True))
    t = [[float(pairs[a, b]) for b in labels_y] for a in labels_x]
    quantity = data.draw(st.sampled_from(["mutual_information", "conditional_entropy"]))
    ref = ref_paired(t, quantity, method)
    fn = getattr(ib, f"estimate_{quantity}")
    args = (x, y) if quantity == "mutual_information" else (y, x)
    check_valid(
        f"estimators: estimate_{quantity}",
        lambda: fn(*args, method=method, base="nats"),
        lambda e: _close(e.value, ref, n, 1e-10),
    )


def _container(kind: str, v: list[Any]) -> Any:
    """The labels ``v`` (None for missing) as one library writes them."""
    import pandas as pd

    if kind == "pandas string":
        return pd.Series(v, dtype="string")
    if kind == "pandas object NaN":
        return pd.Series([math.nan if e is None else e for e in v], dtype=object)
    if kind == "arrow":
        import pyarrow as pa

        return pa.chunked_array(
            [pa.array(v[: len(v) // 2], pa.string()), pa.array(v[len(v) // 2 :], pa.string())]
        )
    if kind == "polars":
        import polars as pl

        return pl.Series(v, dtype=pl.String)
    if kind == "dask":
        import dask.dataframe as dd

        return dd.from_pandas(pd.Series(v, dtype="string"), npartitions=2)
    return v


CONTAINERS = ["list", "pandas string", "pandas object NaN", "arrow", "polars", "dask"]


@fuzz(fast=10, long=500)
@given(st.integers(20, 300), st.data(), st.sampled_from(CONTAINERS))
def test_bigrams_with_missing_values_in_every_container(n: int, data: Any, kind: str) -> None:
    i = data.draw(st.integers(0, len(TEXT) - n - 1))
    x: list[Any] = list(TEXT[i : i + n])
    y: list[Any] = list(TEXT[i + 1 : i + n + 1])
    holes = data.draw(st.lists(st.integers(0, n - 1), max_size=n // 3))
    na = data.draw(st.sampled_from([None, ["e"], ["e", " "]]))
    for j in holes:
        (x if j % 2 else y)[j] = None
    gone = set(na or [])
    kept = [(a, b) for a, b in zip(x, y, strict=True) if a is not None and b is not None]
    kept = [(a, b) for a, b in kept if a not in gone and b not in gone]
    assume(kept)
    labels_x, labels_y = sorted({a for a, _ in kept}), sorted({b for _, b in kept})
    pairs = Counter(kept)
    t = [[float(pairs[a, b]) for b in labels_y] for a in labels_x]
    quantity = data.draw(st.sampled_from(["mutual_information", "conditional_entropy"]))
    ref = ref_paired(t, quantity, "plugin")
    fn = getattr(ib, f"estimate_{quantity}")
    cx, cy = _container(kind, x), _container(kind, y)
    args = (cx, cy) if quantity == "mutual_information" else (cy, cx)

    def accept(e: Any) -> bool | str:
        if e.missing != n - len(kept):
            return f"{e.missing} pairs reported dropped, but {n - len(kept)} were"
        return bool(_close(e.value, ref, len(kept), 1e-10))

    check_valid(
        f"estimators: estimate_{quantity}",
        lambda: fn(*args, method="plugin", base="nats", na_values=na),
        accept,
    )


PAIRED_BAD: dict[str, list[Any]] = {
    "alphabet_size": [(math.inf, 2), (2.5, 3), (3,), "ab", (0, 3), (True, 2), 5, (2**600, 2**600)],
    "ci": [0, 1.5, math.nan, "0.9"],
    "n_boot": [1, 3.5, 10**12, False],
    "seed": [-2, 2.5],
    "concentration": [0, -1, math.nan, math.inf],
    "method": ["bogus", None, "zhang_grabchak"],
    "base": [1, -1, "parsecs"],
}


@fuzz(fast=25, long=400)
@given(
    st.sampled_from(sorted(PAIRED_BAD)),
    st.data(),
    st.sampled_from(["estimate_mutual_information", "estimate_conditional_entropy"]),
)
def test_paired_refuse_bad_options(option: str, data: Any, fn: str) -> None:
    value = data.draw(st.sampled_from(PAIRED_BAD[option]))
    x, y = [0, 1, 1, 0, 2, 2, 1], [1, 1, 0, 0, 1, 2, 2]
    kw: dict[str, Any] = {option: value}
    if option in ("n_boot", "seed"):
        kw["ci"] = 0.9
    if option == "concentration":
        kw["method"] = "dirichlet"
    check_invalid(f"estimators: {fn}", lambda: getattr(ib, fn)(x, y, **kw), mentions=[option])


PAIRED_INPUTS: list[tuple[Any, Any, str]] = [
    ([0, 1, 2], [0, 1], "paired"),
    ([[0, 1]], [[0, 1]], "1-D"),
    ([0, 1, 1], None, "y"),
    (ib.counts([[1, 2]]), [1], "table"),
    (ib.counts([1, 2, 3]), None, "2-D"),
    (ib.counts(np.ones((2, 2, 2))), None, "2-D"),
    ([None, None], [1, 2], "both"),
    (["a", 1, "b"], [1, 2, 3], "mixes"),
]


@fuzz(fast=10, long=100)
@given(st.sampled_from(PAIRED_INPUTS))
def test_paired_refuse_bad_inputs(case: tuple[Any, Any, str]) -> None:
    x, y, word = case
    check_invalid(
        "estimators: estimate_mutual_information",
        lambda: ib.estimate_mutual_information(x, y, method="plugin"),
        mentions=[word],
    )


@fuzz(fast=6, long=100)
@given(
    st.sampled_from(["ksg", "gao", "copula_ksg"]),
    st.integers(12, 40),
    st.sampled_from([["a", "b"], [True, False], [None, "c"]]),
    st.booleans(),
)
def test_points_against_text_with_holes_are_refused_by_name(
    method: str, n: int, labels: list[Any], holes_in_x: bool
) -> None:
    x = np.linspace(0.1, 3.3, n)
    if holes_in_x:
        x[1] = np.nan
    y = np.array((labels * n)[:n])
    check_invalid(
        "estimators: estimate_mutual_information",
        lambda: ib.estimate_mutual_information(x, y, method=method),
        mentions=["y must hold numbers"],
    )


# ----------------------------------------------------------------------------- points


@st.composite
def points(draw: Any, d: int | None = None, n_min: int = 10) -> np.ndarray:
    n = draw(st.integers(n_min, 120))
    d = d if d is not None else draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.sampled_from(["normal", "uniform", "exponential"]))
    scale = 10.0 ** draw(st.integers(-6, 6))
    a = getattr(rng, kind)(size=(n, d)) * scale
    return a[:, 0] if d == 1 and draw(st.booleans()) else a


def _pairwise(a: np.ndarray, b: np.ndarray, p: float = 2.0) -> np.ndarray:
    diff = np.abs(a[:, None, :] - b[None, :, :])
    return diff.max(axis=-1) if p == np.inf else np.sqrt((diff**2).sum(axis=-1))


def _log_ball(d: int) -> float:
    return d / 2 * math.log(math.pi) - float(gammaln(d / 2 + 1))


def ref_kl_entropy(x: np.ndarray, k: int) -> float:
    x = x.reshape(len(x), -1)
    n, d = x.shape
    dist = _pairwise(x, x)
    np.fill_diagonal(dist, np.inf)
    eps = np.sort(dist, axis=1)[:, k - 1]
    return float(digamma(n) - digamma(k) + _log_ball(d) + d * np.mean(np.log(eps)))


@fuzz(fast=20, long=500)
@given(points(), st.integers(1, 5), st.booleans())
def test_differential_entropy_knn(x: np.ndarray, k: int, ci: bool) -> None:
    ref = ref_kl_entropy(x, k)
    kw: dict[str, Any] = {"ci": 0.9, "n_boot": 8, "seed": 0} if ci else {}
    if ci and len(x) < max(8, 2 * (k + 1)):  # halves too small for k neighbours
        check_invalid(
            "estimators: estimate_differential_entropy",
            lambda: ib.estimate_differential_entropy(x, k=k, **kw),
            mentions=["ci"],
        )
        return

    def accept(e: Any) -> bool | str:
        v = _close(e.value, mp.mpf(ref), len(x), 1e-9)
        return v if v is not True else _interval_ok(e)

    check_valid(
        "estimators: estimate_differential_entropy",
        lambda: ib.estimate_differential_entropy(x, k=k, base="nats", **kw),
        accept,
    )


@fuzz(fast=10, long=200)
@given(points(d=1), st.sampled_from(["vasicek", "van_es", "ebrahimi", "correa"]))
def test_differential_entropy_spacings(x: np.ndarray, method: str) -> None:
    # no independent implementation here: finite, and within 1.5 nats of the kNN value
    # on the same smooth sample (both estimate the same h)
    ref = ref_kl_entropy(x, 3)
    check_valid(
        "estimators: estimate_differential_entropy",
        lambda: ib.estimate_differential_entropy(x, method=method, base="nats"),
        lambda e: (math.isfinite(e.value) and abs(e.value - ref) < 1.5) or f"kNN gives {ref}",
    )


def ref_ksg(x: np.ndarray, y: np.ndarray, k: int) -> float:
    x, y = x.reshape(len(x), -1), y.reshape(len(y), -1)
    n = len(x)
    dx, dy = _pairwise(x, x, np.inf), _pairwise(y, y, np.inf)
    dj = np.maximum(dx, dy)
    np.fill_diagonal(dj, np.inf)
    eps = np.sort(dj, axis=1)[:, k - 1]
    np.fill_diagonal(dx, np.inf)
    np.fill_diagonal(dy, np.inf)
    nx = (dx < eps[:, None]).sum(axis=1)
    ny = (dy < eps[:, None]).sum(axis=1)
    return max(0.0, float(digamma(k) + digamma(n) - np.mean(digamma(nx + 1) + digamma(ny + 1))))


def _standard(a: np.ndarray) -> np.ndarray:
    """Columns to mean 0 and SD 1 (a constant column centred only)."""
    a = a.reshape(len(a), -1).astype(np.float64)
    sd = a.std(axis=0)
    return (a - a.mean(axis=0)) / np.where(sd > 0, sd, 1.0)


@fuzz(fast=12, long=400)
@given(points(d=None, n_min=12), st.integers(1, 4), st.floats(-0.95, 0.95), st.booleans())
def test_mutual_information_ksg(x: np.ndarray, k: int, rho: float, standardize: bool) -> None:
    rng = np.random.default_rng(len(x))
    x2 = x.reshape(len(x), -1)
    y = rho * x2[:, :1] / (np.std(x2[:, :1]) or 1) + rng.standard_normal((len(x), 1))
    ref = ref_ksg(_standard(x), _standard(y), k) if standardize else ref_ksg(x, y, k)
    check_valid(
        "estimators: estimate_mutual_information",
        lambda: ib.estimate_mutual_information(
            x, y, method="ksg", k=k, base="nats", standardize=standardize
        ),
        lambda e: _close(e.value, mp.mpf(ref), len(x), 1e-9),
    )


@fuzz(fast=10, long=400)
@given(
    points(d=None, n_min=16),
    st.sampled_from(["ksg", "gao", "auto"]),
    st.lists(st.integers(0, 10_000), min_size=1, max_size=4),
    st.lists(st.integers(0, 10_000), max_size=4),
)
def test_mutual_information_of_points_drops_nan_pairs(
    x: np.ndarray, method: str, holes_x: list[int], holes_y: list[int]
) -> None:
    n = len(x)
    rng = np.random.default_rng(n)
    x2 = x.reshape(n, -1)
    y = x2[:, :1] / (np.std(x2[:, :1]) or 1) + rng.standard_normal((n, 1))
    hx, hy = sorted({h % n for h in holes_x}), sorted({h % n for h in holes_y})
    keep = np.ones(n, dtype=bool)
    keep[hx + hy] = False
    assume(keep.sum() >= 12)
    xm, ym = x2.copy(), y.copy()
    xm[hx, 0], ym[hy, 0] = np.nan, np.nan
    ref = ib.estimate_mutual_information(x2[keep], y[keep], method=method, k=3)

    def same(e: Any) -> bool | str:
        if e.value != ref.value or e.n != ref.n or e.missing != int((~keep).sum()):
            return f"got {e.value} on {e.n} pairs ({e.missing} dropped), want {ref.value}"
        return True

    check_valid(
        "estimators: estimate_mutual_information",
        lambda: ib.estimate_mutual_information(xm, ym, method=method, k=3),
        same,
    )


@fuzz(fast=8, long=400)
@given(points(d=None, n_min=12), st.integers(0, 2), st.integers(1, 4), st.integers(-20, 20))
def test_mutual_information_ksg_with_ties(x: np.ndarray, decimals: int, k: int, p: int) -> None:
    """Rounded data: ties are broken by noise from a fixed seed, with a note; scaling a
    variable by a power of two (exact in floating point) leaves the estimate unchanged."""
    x = x / (np.abs(x).max() or 1.0)
    x = np.round(x * 4, decimals)
    y = np.round(
        np.random.default_rng(len(x)).standard_normal(len(x)) + x.reshape(len(x), -1)[:, 0], 1
    )
    tied = any(np.unique(c).size < len(c) for c in x.reshape(len(x), -1).T) or np.unique(
        y
    ).size < len(y)

    def accept(e: Any) -> bool | str:
        if not (math.isfinite(e.value) and e.value >= 0):
            return "not a finite MI >= 0"
        said = any(n.startswith("ties broken") for n in e.notes)
        if said != tied:
            return f"ties {'not ' if tied else ''}present but the notes say {e.notes}"
        again = ib.estimate_mutual_information(x * 2.0**p, y, method="ksg", k=k, base="nats")
        return again.value == e.value or f"x·2^{p} gives {again.value}"

    check_valid(
        "estimators: estimate_mutual_information",
        lambda: ib.estimate_mutual_information(x, y, method="ksg", k=k, base="nats"),
        accept,
    )


def ref_ross(x: np.ndarray, labels: np.ndarray, k: int) -> float:
    """Ross (2014), by brute force: ψ(N) − ⟨ψ(N_y)⟩ + ⟨ψ(k_i)⟩ − ⟨ψ(m_i)⟩ over the points
    whose label occurs more than once."""
    x = x.reshape(len(x), -1)
    cnt = Counter(labels.tolist())
    keep = np.array([cnt[v] > 1 for v in labels.tolist()])
    x, labels = x[keep], labels[keep]
    n = len(x)
    dist = _pairwise(x, x, np.inf)
    np.fill_diagonal(dist, np.inf)
    terms = []
    for i in range(n):
        same = np.sort(dist[i, labels == labels[i]])  # its own inf sorts last
        n_c = int((labels == labels[i]).sum())
        kc = min(k, n_c - 1)
        m = int((dist[i] <= same[kc - 1]).sum())
        terms.append((digamma(n_c), digamma(kc), digamma(m)))
    t = np.array(terms)
    return max(0.0, float(digamma(n) - t[:, 0].mean() + t[:, 1].mean() - t[:, 2].mean()))


@fuzz(fast=10, long=400)
@given(
    points(d=None, n_min=12),
    st.integers(1, 4),
    st.integers(1, 4),
    st.floats(0.0, 3.0),
    st.booleans(),
    st.sampled_from(["int", "str"]),
)
def test_mutual_information_ross(
    x: np.ndarray, k: int, classes: int, shift: float, labels_first: bool, kind: str
) -> None:
    """A continuous side against labels: ``auto`` picks Ross's estimator, which matches a
    brute-force evaluation of its formula on the standardised points."""
    n = len(x)
    lab = np.random.default_rng(n + classes).integers(0, classes, n)
    lab[:2] = 0  # some label is seen twice
    x = x + shift * lab.reshape(n, *([1] * (x.ndim - 1))) * (np.std(x) or 1.0)
    ref = ref_ross(_standard(x), lab, k)
    labels: Any = lab if kind == "int" else np.array([f"c{v}" for v in lab])
    args = (labels, x) if labels_first else (x, labels)
    if x.ndim == 2 and labels_first:
        args = (labels, x)

    def accept(e: Any) -> bool | str:
        if e.method != "ross":
            return f"auto picked {e.method}"
        return _close(e.value, mp.mpf(ref), n, 1e-9)

    check_valid(
        "estimators: estimate_mutual_information",
        lambda: ib.estimate_mutual_information(*args, k=k, base="nats"),
        accept,
    )


@fuzz(fast=6, long=100)
@given(
    st.integers(12, 60),
    st.integers(6, 8),
    st.integers(6, 8),
    st.integers(1, 4),
    st.integers(0, 2**32 - 1),
)
def test_mutual_information_ksg_brute_force_in_high_dimensions(
    n: int, dx: int, dy: int, k: int, seed: int
) -> None:
    """12 or more joint dimensions take the blocked brute-force neighbour search; it must
    give the formula's value, as the k-d tree does below."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, dx))
    y = 0.7 * x[:, :dy] if dy <= dx else rng.standard_normal((n, dy))
    y = y + rng.standard_normal((n, dy))
    ref = ref_ksg(_standard(x), _standard(y), k)
    check_valid(
        "estimators: estimate_mutual_information",
        lambda: ib.estimate_mutual_information(x, y, method="ksg", k=k, base="nats"),
        lambda e: _close(e.value, mp.mpf(ref), n, 1e-9),
    )


def ref_gao(x: np.ndarray, y: np.ndarray, k: int) -> float:
    """Gao et al. (2017) with KSG's digammas, by brute force: ψ(N) + ⟨ψ(k̃_i) −
    ψ(n_x + 1) − ψ(n_y + 1)⟩, the counts at distance 0 where the k-th neighbour is at 0."""
    x, y = x.reshape(len(x), -1), y.reshape(len(y), -1)
    n = len(x)
    dx, dy = _pairwise(x, x, np.inf), _pairwise(y, y, np.inf)
    dj = np.maximum(dx, dy)
    for m in (dx, dy, dj):
        np.fill_diagonal(m, np.inf)
    rho = np.sort(dj, axis=1)[:, k - 1]
    terms = []
    for i in range(n):
        if rho[i] == 0:
            kt, nx, ny = (dj[i] == 0).sum(), (dx[i] == 0).sum(), (dy[i] == 0).sum()
        else:
            kt, nx, ny = k, (dx[i] < rho[i]).sum(), (dy[i] < rho[i]).sum()
        terms.append(digamma(kt) - digamma(nx + 1) - digamma(ny + 1))
    return max(0.0, float(digamma(n) + np.mean(terms)))


@fuzz(fast=12, long=400)
@given(points(d=None, n_min=12), st.integers(1, 4), st.sampled_from([None, 0, 1]), st.booleans())
def test_mutual_information_gao(
    x: np.ndarray, k: int, decimals: int | None, standardize: bool
) -> None:
    """Gao et al. (2017) on data with atoms (rounded, so values repeat) or without; ties
    are kept, and the value matches the formula evaluated by brute force."""
    n = len(x)
    x = x / (np.abs(x).max() or 1.0) * 3
    y = x.reshape(n, -1)[:, :1] + np.random.default_rng(n).standard_normal((n, 1))
    if decimals is not None:
        x, y = np.round(x, decimals), np.round(y, decimals)
    ref = ref_gao(_standard(x), _standard(y), k) if standardize else ref_gao(x, y, k)

    def accept(e: Any) -> bool | str:
        if e.method != "gao" or any(m.startswith("ties broken") for m in e.notes):
            return f"method {e.method}, notes {e.notes}"
        return _close(e.value, mp.mpf(ref), n, 1e-9)

    check_valid(
        "estimators: estimate_mutual_information",
        lambda: ib.estimate_mutual_information(
            x, y, method="gao", k=k, base="nats", standardize=standardize
        ),
        accept,
    )


def ref_copula_ksg(x: np.ndarray, y: np.ndarray, k: int) -> float:
    """The documented formula, with the Gaussian parts in mpmath: normal scores
    Φ⁻¹(rank/(N+1)) from SciPy's ndtri (scores on a grid give exactly equal distances,
    so a last-bit difference in Φ⁻¹ could move a neighbour count); I* = I_G(R̂) less
    the Wishart bias of the log-determinants; the cross block of R̂ scaled (by
    bisection) to give I*; KSG by brute force on the scores and on the reference sample
    drawn with the documented seed."""
    from scipy.special import ndtri
    from scipy.stats import rankdata

    from infobits.estimators.continuous import TIE_SEED

    def scores(a: np.ndarray) -> np.ndarray:
        return np.asarray(ndtri(rankdata(a, axis=0) / (len(a) + 1)))

    x, y = x.reshape(len(x), -1), y.reshape(len(y), -1)
    n, dx = len(x), x.shape[1]
    z = np.hstack([scores(x), scores(y)])
    c = np.corrcoef(z, rowvar=False)
    d = c.shape[0]

    def ig(f: mp.mpf) -> mp.mpf:
        m = mp.matrix(c.tolist())
        for i in range(d):
            for j in range(d):
                if (i < dx) != (j < dx):
                    m[i, j] *= f
        blocks = (m[:dx, :dx], m[dx:, dx:], m)
        return (mp.log(mp.det(blocks[0])) + mp.log(mp.det(blocks[1])) - mp.log(mp.det(m))) / 2

    def bias(p: int) -> mp.mpf:
        return mp.fsum(mp.digamma(mp.mpf(n - i) / 2) for i in range(1, p + 1)) + p * mp.log(
            mp.mpf(2) / (n - 1)
        )

    target = max(mp.mpf(0), ig(1) - (bias(dx) + bias(d - dx) - bias(d)) / 2)
    lo, hi = mp.mpf(0), mp.mpf(1)
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if ig(mid) < target else (lo, mid)
    r = c.copy()
    r[:dx, dx:] *= float(lo)
    r[dx:, :dx] *= float(lo)
    g = np.random.default_rng(TIE_SEED).standard_normal(z.shape) @ np.linalg.cholesky(r).T
    g = scores(g)

    def raw_ksg(a: np.ndarray, b: np.ndarray) -> float:
        da, db = _pairwise(a, a, np.inf), _pairwise(b, b, np.inf)
        dj = np.maximum(da, db)
        for m in (da, db, dj):
            np.fill_diagonal(m, np.inf)
        eps = np.sort(dj, axis=1)[:, k - 1]
        na, nb = (da < eps[:, None]).sum(axis=1), (db < eps[:, None]).sum(axis=1)
        return float(digamma(k) + digamma(n) - np.mean(digamma(na + 1) + digamma(nb + 1)))

    if n <= d + 1:
        return max(0.0, raw_ksg(z[:, :dx], z[:, dx:]))
    value = raw_ksg(z[:, :dx], z[:, dx:]) - raw_ksg(g[:, :dx], g[:, dx:]) + float(ig(lo))
    return max(0.0, value)


@fuzz(fast=10, long=300)
@given(points(d=None, n_min=15), st.integers(1, 5), st.floats(-0.95, 0.95), st.integers(-20, 20))
def test_mutual_information_auto_copula_ksg(x: np.ndarray, k: int, rho: float, p: int) -> None:
    """Two float sides: ``auto`` is the copula KSG, which matches its formula evaluated
    by brute force on normal scores from mpmath, and is unchanged when x is scaled by a
    power of two (its ranks do not move)."""
    n = len(x)
    x2 = x.reshape(n, -1)
    assume(all(np.unique(c).size == n for c in x2.T))
    y = rho * x2[:, :1] / (np.std(x2[:, :1]) or 1) + np.random.default_rng(n).standard_normal(
        (n, 1)
    )
    c = np.corrcoef(np.hstack([x2, y]), rowvar=False)
    assume(np.isfinite(c).all() and np.linalg.eigvalsh(c).min() > 1e-6)
    ref = ref_copula_ksg(x, y, k)

    def accept(e: Any) -> bool | str:
        if e.method != "copula_ksg":
            return f"auto picked {e.method}"
        again = ib.estimate_mutual_information(x * 2.0**p, y, k=k, base="nats")
        if again.value != e.value:
            return f"x·2^{p} gives {again.value}, not {e.value}"
        return _close(e.value, mp.mpf(ref), n, 1e-7)

    check_valid(
        "estimators: estimate_mutual_information",
        lambda: ib.estimate_mutual_information(x, y, k=k, base="nats"),
        accept,
    )


CONTINUOUS_BAD: list[tuple[dict[str, Any], str, str]] = [
    ({"standardize": "yes"}, "labels", "standardize"),
    ({"standardize": 1}, "labels", "standardize"),
    ({"standardize": None}, "floats", "standardize"),
    ({"method": "ross"}, "floats", "method='ross'"),
    ({"method": "ross"}, "unique", "label"),
    ({"method": "ross", "k": 0}, "labels", "k"),
    ({"method": "gao", "k": 0}, "floats", "k"),
    ({"method": "gao"}, "strings", "numbers"),
    ({"method": "copula_ksg", "k": -1}, "floats", "k"),
    ({"method": "copula_ksg"}, "strings", "numbers"),
]


@fuzz(fast=6, long=100)
@given(st.sampled_from(CONTINUOUS_BAD))
def test_mutual_information_continuous_refuses_bad_options(case: tuple[Any, str, str]) -> None:
    kw, other, word = case
    rng = np.random.default_rng(1)
    x = rng.standard_normal(30)
    y = {
        "labels": rng.integers(0, 3, 30),
        "floats": rng.standard_normal(30),
        "unique": np.arange(30),
        "strings": np.array([f"s{i % 3}" for i in range(30)]),
    }[other]
    check_invalid(
        "estimators: estimate_mutual_information",
        lambda: ib.estimate_mutual_information(x, y, **kw),
        mentions=[word],
    )


@fuzz(fast=15, long=400)
@given(
    points(d=2, n_min=10),
    points(d=2, n_min=10),
    st.integers(1, 4),
    st.sampled_from(["kl_divergence", "cross_entropy"]),
)
def test_two_samples_knn(x: np.ndarray, y: np.ndarray, k: int, quantity: str) -> None:
    n, d = x.shape
    rho = np.sort(np.where(np.eye(n, dtype=bool), np.inf, _pairwise(x, x)), axis=1)[:, k - 1]
    nu = np.sort(_pairwise(x, y), axis=1)[:, k - 1]
    m = len(y)
    if (nu <= 0).any():  # x and y share a point: a documented error
        check_invalid(
            f"estimators: estimate_{quantity}",
            lambda: getattr(ib, f"estimate_{quantity}")(x, y, method="knn", k=k),
            mentions=["share"],
        )
        return
    if quantity == "kl_divergence":
        ref = max(0.0, float(d * np.mean(np.log(nu / rho)) + math.log(m / (n - 1))))
    else:
        ref = float(_log_ball(d) + math.log(m) - digamma(k) + d * np.mean(np.log(nu)))
    check_valid(
        f"estimators: estimate_{quantity}",
        lambda: getattr(ib, f"estimate_{quantity}")(x, y, method="knn", k=k, base="nats"),
        lambda e: _close(e.value, mp.mpf(ref), n, 1e-9),
    )


POINT_BAD: list[tuple[dict[str, Any], Any, str]] = [
    ({"k": 0}, None, "k"),
    ({"k": 1.5}, None, "k"),
    ({"k": True}, None, "k"),
    ({"k": 500}, None, "k"),
    ({"ci": 0.9, "n_boot": 10**7}, None, "n_boot"),
    ({"ci": 0.9, "n_boot": 2.0}, None, "n_boot"),
    ({"ci": 2.0}, None, "ci"),
    ({"seed": -1, "ci": 0.9}, None, "seed"),
    ({"method": "kde"}, None, "method"),
    ({}, np.array([0.0, 1.0, math.nan, 2.0, 3.0]), "non-finite"),
    ({}, np.array([-1e308, 1e308, 0.0, 5.0, 1e307]), "overflow"),
    ({}, np.array([1.0, 1.0, 2.0, 3.0, 1.0, 1.0, 0.5]), "repeated"),
    ({}, np.array(["a", "b", "c", "d"]), "numbers"),
    ({}, np.zeros((3, 2, 2)), "2-D"),
    ({"ci": 0.9}, np.arange(5.0) + 0.5, "8 points"),
    ({"method": "vasicek"}, np.ones((6, 2)) * np.arange(6.0)[:, None], "1-D"),
]


@fuzz(fast=16, long=100)
@given(st.sampled_from(POINT_BAD))
def test_differential_entropy_refuses_bad_input(case: tuple[dict[str, Any], Any, str]) -> None:
    kw, x, word = case
    pts = np.random.default_rng(0).standard_normal(40) if x is None else x
    check_invalid(
        "estimators: estimate_differential_entropy",
        lambda: ib.estimate_differential_entropy(pts, **kw),
        mentions=[word],
    )


# ----------------------------------------------------------------------------- counting


@fuzz(fast=15, long=400)
@given(samples(), st.integers(1, 50))
def test_count_values_matches_counter(x: list[Any], chunk: int) -> None:
    ref = Counter(x)
    check_valid(
        "estimators: count_values",
        lambda: ib.count_values(x, chunk_rows=chunk),
        lambda vc: vc.to_dict() == dict(ref) or f"expected {dict(ref)}",
    )


@fuzz(fast=8, long=50)
@given(st.sampled_from([0, -1, 1.5, True, "10", None, math.nan]))
def test_count_values_refuses_bad_chunk_rows(chunk: Any) -> None:
    check_invalid(
        "estimators: count_values",
        lambda: ib.count_values([1, 2, 2], chunk_rows=chunk),
        mentions=["chunk_rows"],
    )
