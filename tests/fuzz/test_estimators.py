"""Fuzz the discrete estimators: entropy, cross-entropy and KL from samples or counts.

Valid inputs are drawn from random distributions (uniform, Zipf, sparse, one symbol),
from real text (Python's own library sources, and /usr/share/common-licenses where it
exists), and at every scale of counts up to 1e308 each. Each method with a closed form
is compared with that formula evaluated independently in mpmath at 40 digits (the
jackknife by brute-force leave-one-out); the rest must be finite and within their
bounds. Intervals must contain their estimate and be ordered. Invalid options and
inputs must raise a ValueError or TypeError that names the argument.
"""

from __future__ import annotations

import math
import sysconfig
from collections import Counter
from pathlib import Path
from typing import Any

import mpmath as mp
import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

import infobits as ib

from .harness import check_invalid, check_valid, fuzz

mp.mp.dps = 40

ENTROPY_METHODS = [
    "plugin",
    "miller_madow",
    "jackknife",
    "grassberger",
    "zhang",
    "chao_shen",
    "chao_wang_jost",
    "james_stein",
    "jvhw",
    "pym",
    "unseen",
    "dirichlet",
    "nsb",
    "auto",
]
NEEDS_K = {"james_stein", "nsb"}
TWO_SAMPLE_METHODS = ["plugin", "dirichlet", "zhang_grabchak", "auto"]


# ----------------------------------------------------------------------------- data


def _corpus() -> str:
    """Real text: a few of Python's own library sources, and the common licences."""
    parts = []
    std = Path(sysconfig.get_paths()["stdlib"])
    for name in ("textwrap.py", "json/decoder.py", "csv.py", "fractions.py", "this.py"):
        f = std / name
        if f.exists():
            parts.append(f.read_text(encoding="utf-8", errors="replace"))
    lic = Path("/usr/share/common-licenses")
    if lic.is_dir():
        for f in sorted(lic.iterdir())[:6]:
            if f.is_file():
                parts.append(f.read_text(encoding="utf-8", errors="replace")[:20000])
    text = "\n".join(parts)
    return text if len(text) > 1000 else "the quick brown fox jumps over the lazy dog " * 50


TEXT = _corpus()
WORDS = TEXT.split()


@st.composite
def samples(draw: Any) -> list[Any]:
    """Labels: characters or words of real text, or draws from a random distribution."""
    kind = draw(st.sampled_from(["chars", "words", "dist", "ints"]))
    n = draw(st.integers(1, 400))
    if kind == "chars":
        i = draw(st.integers(0, len(TEXT) - n))
        return list(TEXT[i : i + n])
    if kind == "words":
        i = draw(st.integers(0, max(0, len(WORDS) - n)))
        return WORDS[i : i + n]
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    k = draw(st.integers(1, 60))
    shape = draw(st.sampled_from(["uniform", "zipf", "dirichlet"]))
    if shape == "uniform":
        p = np.full(k, 1.0 / k)
    elif shape == "zipf":
        p = 1.0 / np.arange(1, k + 1) ** draw(st.floats(0.5, 2.5))
    else:
        p = rng.dirichlet(np.full(k, draw(st.floats(0.05, 5.0))))
    p = p / p.sum()
    x = rng.choice(k, size=n, p=p)
    return x.tolist() if kind == "ints" else [f"s{v}" for v in x]


@st.composite
def count_vectors(draw: Any) -> list[float]:
    """Whole-number counts at any scale, with at least one positive count."""
    width = draw(st.integers(1, 12))
    scale = draw(st.sampled_from(["small", "small", "large", "huge", "mixed"]))
    if scale == "small":
        c = draw(st.lists(st.integers(0, 50), min_size=width, max_size=width))
    elif scale == "large":
        c = draw(st.lists(st.integers(0, 10**15), min_size=width, max_size=width))
    elif scale == "huge":
        big = st.floats(2.0**53, 1.7e308, allow_nan=False, allow_infinity=False)
        c = draw(st.lists(st.one_of(big, st.just(0.0)), min_size=width, max_size=width))
    else:
        big = st.floats(2.0**53, 1e308, allow_nan=False, allow_infinity=False)
        c = draw(st.lists(st.one_of(big, st.integers(0, 5)), min_size=width, max_size=width))
    c = [float(v) for v in c]
    assume(any(v > 0 for v in c))
    return c


# ----------------------------------------------------------------------------- references


def _total(c: list[float]) -> float:
    """Σ c in float64, inf where it overflows (math.fsum raises instead)."""
    return float(sum(int(v) for v in c)) if sum(int(v) for v in c) < 2**1023 else math.inf


def _mpf(c: list[float]) -> list[mp.mpf]:
    return [mp.mpf(v) for v in c]


def ref_plugin(c: list[float]) -> mp.mpf:
    n = mp.fsum(_mpf(c))
    return -mp.fsum((mp.mpf(v) / n) * mp.log(mp.mpf(v) / n) for v in c if v > 0)


def ref_entropy(c: list[float], method: str, k: int | None, a: float = 0.5) -> mp.mpf | None:
    """The published formula for ``method``, in mpmath; None where there is none cheap."""
    cs = [mp.mpf(v) for v in c if v > 0]
    n = mp.fsum(cs)
    m = len(cs)
    h = ref_plugin(c)
    if method == "plugin":
        return h
    if method == "miller_madow":
        return h + (m - 1) / (2 * n)
    if method == "zhang":
        return mp.fsum((v / n) * (mp.digamma(n) - mp.digamma(v)) for v in cs)
    if method == "grassberger":

        def g(v: mp.mpf) -> mp.mpf:
            sign = 1 if int(v) % 2 == 0 else -1
            return mp.digamma(v) + sign * (mp.digamma((v + 1) / 2) - mp.digamma(v / 2)) / 2

        return mp.log(n) - mp.fsum(v * g(v) for v in cs) / n
    if method == "dirichlet":
        kk = mp.mpf(k if k is not None else m)
        big_a = n + kk * a
        s = mp.fsum((v + a) * mp.digamma(v + a + 1) for v in cs)
        s += (kk - m) * a * mp.digamma(a + 1)
        return mp.digamma(big_a + 1) - s / big_a
    if method == "chao_shen":
        if n <= 1:
            return mp.mpf(0)
        f1 = sum(1 for v in cs if v == 1)
        if f1 == n:
            f1 = n - 1
        cov = 1 - f1 / n
        out = mp.mpf(0)
        for v in cs:
            pa = cov * v / n
            out += -pa * mp.log(pa) / -mp.expm1(n * mp.log1p(-pa))
        return out
    if method == "james_stein":
        assert k is not None
        p = [v / n for v in cs]
        t = mp.mpf(1) / k
        num = 1 - mp.fsum(x * x for x in p)
        den = (n - 1) * (mp.fsum((t - x) ** 2 for x in p) + (k - m) * t * t)
        lam = mp.mpf(1) if den == 0 else min(max(num / den, 0), 1)
        ps = [lam * t + (1 - lam) * x for x in p] + [lam * t] * (k - m)
        return -mp.fsum(x * mp.log(x) for x in ps if x > 0)
    if method == "jackknife" and n <= 300:
        if n == 1:
            return mp.mpf(0)
        loo = []
        for i, v in enumerate(cs):
            rest = [w - (1 if j == i else 0) for j, w in enumerate(cs)]
            loo.append((v, ref_plugin([float(w) for w in rest])))
        mean = mp.fsum(v * x for v, x in loo) / n
        return n * h - (n - 1) * mean
    if method == "chao_wang_jost" and n <= 400:
        f1 = sum(1 for v in cs if v == 1)
        f2 = sum(1 for v in cs if v == 2)
        first = mp.fsum((v / n) * (mp.digamma(n) - mp.digamma(v)) for v in cs if v < n)
        if f1 == 0:
            return first
        if f2 > 0:
            a_ = 2 * f2 / ((n - 1) * f1 + 2 * f2)
        else:
            a_ = mp.mpf(2) / ((n - 1) * (f1 - 1) + 2)
        if a_ == 1:
            return first
        with mp.workdps(80):
            tail = -mp.log(a_) - mp.fsum((1 - a_) ** r / r for r in range(1, int(n)))
            return first + f1 / n * (1 - a_) ** (1 - n) * tail
    return None


def _close(got: float, ref: mp.mpf | None, n: float, tol: float = 1e-11) -> bool | str:
    """Agreement to ``tol`` relative, or to an absolute floor that grows with log N (the
    kernels subtract terms of size log N)."""
    if ref is None:
        return True
    floor = 4e-16 * max(1.0, math.log(max(n, 1.0))) * 8
    err = abs(mp.mpf(got) - ref)
    if err <= tol * abs(ref) + floor:
        return True
    return f"reference {mp.nstr(ref, 17)}, error {mp.nstr(err, 3)}"


def _interval_ok(e: Any, open_top: bool = False) -> bool | str:
    """Finite, ordered and holding the estimate; ``open_top``: [low, inf) for an
    infinite estimate (PYM with an improper posterior)."""
    if e.interval is None:
        return True
    lo, hi = e.interval
    if open_top:
        ok = math.isfinite(lo) and lo >= 0 and hi == math.inf
        return True if ok else f"interval {e.interval} is not [low, inf)"
    one_sided = any(n.startswith("one-sided interval") for n in e.notes)
    if e.interval_kind == "one-sided" and not one_sided:
        return "a one-sided interval without its note"
    # a one-sided interval (most samples seen once) has no upper end without K
    if math.isnan(lo) or math.isnan(hi) or not (math.isfinite(lo) or math.isfinite(hi)):
        return f"interval {e.interval} is not finite"
    if not (math.isfinite(lo) and math.isfinite(hi)) and not one_sided:
        return f"interval {e.interval} is infinite without a one-sided note"
    if not (lo <= e.value <= hi):
        return f"interval {e.interval} does not contain the estimate {e.value}"
    if e.stderr is not None and not (e.stderr >= 0):
        return f"stderr {e.stderr} is negative or NaN"
    return True


# ----------------------------------------------------------------------------- entropy


@fuzz(fast=40, long=1200)
@given(
    count_vectors(),
    st.sampled_from(ENTROPY_METHODS),
    st.integers(0, 20),
    st.booleans(),
    st.sampled_from([2, "nats", 10]),
)
def test_entropy_of_counts(
    c: list[float], method: str, extra_k: int, with_ci: bool, base: Any
) -> None:
    k = len(c) + extra_k if (method in NEEDS_K or extra_k % 2) else None
    if method == "auto":
        method_ref = "nsb" if k is not None else "chao_wang_jost"
    else:
        method_ref = method
    n = _total(c)
    huge = not n < 2.0**63
    if huge and method_ref not in ("plugin", "miller_madow", "zhang", "grassberger", "dirichlet"):
        ref = ref_plugin(c)  # the large-sample form: they differ by O(K/N) < 1e-18
    else:
        ref = None if method_ref == "nsb" else ref_entropy(c, method_ref, k)
    if ref is not None:
        ref = max(ref, mp.mpf(0))  # an estimate below 0 is reported as 0
    unit = {2: mp.log(2), "nats": mp.mpf(1), 10: mp.log(10)}[base]
    kw: dict[str, Any] = {"ci": 0.9, "n_boot": 12, "seed": 3} if with_ci else {}

    # PYM's posterior is improper with fewer than two repeats: the estimate is inf, said so
    improper = method == "pym" and not huge and n - sum(1 for v in c if v > 0) < 2

    def accept(e: Any) -> bool | str:
        if improper:
            if e.value != math.inf or not any("improper" in t for t in e.notes):
                return f"pym with N − m < 2 gave {e.value} without the improper-posterior note"
            return _interval_ok(e, open_top=True)
        if not math.isfinite(e.value):
            return "not finite"
        if e.value < -1e-12:
            return "negative entropy"
        if method == "unseen" and e.interval is not None:
            # more than half the samples seen once: one-sided, as for every method
            if e.interval_kind not in ("unseen range", "one-sided") and not huge:
                return f"unseen interval kind {e.interval_kind!r}"
        if k is not None and method_ref in ("nsb", "james_stein", "dirichlet"):
            if e.value * unit > mp.log(k) + 1e-9:
                return f"above log K = {mp.log(k)}"
        tol = 1e-9 if method_ref in ("chao_wang_jost", "dirichlet", "jackknife") else 1e-11
        verdict = _close(e.value, None if ref is None else ref / unit, n, tol)
        return verdict if verdict is not True else _interval_ok(e)

    check_valid(
        "estimators: estimate_entropy",
        lambda: ib.estimate_entropy(ib.counts(c), method=method, alphabet_size=k, base=base, **kw),
        accept,
    )


@fuzz(fast=25, long=600)
@given(samples(), st.sampled_from(["plugin", "miller_madow", "zhang", "chao_shen", "auto"]))
def test_entropy_of_samples_and_text(x: list[Any], method: str) -> None:
    counts = [float(v) for v in Counter(x).values()]
    method_ref = "chao_wang_jost" if method == "auto" else method
    ref = ref_entropy(counts, method_ref, None)
    ref = None if ref is None else max(ref, mp.mpf(0))

    def accept(e: Any) -> bool | str:
        if e.n != len(x) or e.support != len(counts):
            return f"n={e.n}, support={e.support}; expected {len(x)}, {len(counts)}"
        return _close(e.value, None if ref is None else ref / mp.log(2), len(x), 1e-9)

    check_valid(
        "estimators: estimate_entropy",
        lambda: ib.estimate_entropy(x, method=method),
        accept,
    )


@fuzz(fast=12, long=300)
@given(st.lists(count_vectors(), min_size=2, max_size=4), st.sampled_from(ENTROPY_METHODS))
def test_batched_rows_agree_with_one_row_at_a_time(rows: list[list[float]], method: str) -> None:
    w = max(len(r) for r in rows)
    table = [r + [0.0] * (w - len(r)) for r in rows]
    k = w + 3
    one = [ib.estimate_entropy(ib.counts(r), method=method, alphabet_size=k).value for r in table]

    def accept(e: Any) -> bool | str:
        got = np.asarray(e.value)
        if got.shape != (len(table),):
            return f"shape {got.shape}"
        if not np.allclose(got, one, rtol=1e-9, atol=1e-12):
            return f"rows {got.tolist()} but one at a time {one}"
        return True

    check_valid(
        "estimators: estimate_entropy",
        lambda: ib.estimate_entropy(ib.counts(table), method=method, alphabet_size=k),
        accept,
    )


@fuzz(fast=30, long=600)
@given(st.one_of(count_vectors(), samples()), st.sampled_from(["pym", "unseen"]), st.booleans())
def test_pym_and_unseen(x: list[Any], method: str, with_ci: bool) -> None:
    """PYM and unseen on counts at every scale and on samples of real text: >= 0,
    invariant to relabelling, infinite (with a note and [low, inf)) exactly where PYM's
    posterior is improper, and the unseen range holding its estimate."""
    if isinstance(x[0], float):
        c = x
        data: Any = ib.counts(x)
    else:
        c = [float(v) for v in Counter(x).values()]
        data = x
    n = _total(c)
    huge = not n < 2.0**63
    improper = method == "pym" and not huge and n - sum(1 for v in c if v > 0) < 2
    kw: dict[str, Any] = {"ci": 0.9} if with_ci else {}
    shuffled = ib.estimate_entropy(ib.counts(sorted(c)), method=method, base="nats").value

    def accept(e: Any) -> bool | str:
        if improper:
            if e.value != math.inf or not any("improper" in t for t in e.notes):
                return f"pym with N − m < 2 gave {e.value} without the improper-posterior note"
            return _interval_ok(e, open_top=True)
        if not (math.isfinite(e.value) and e.value >= 0):
            return f"value {e.value}"
        if not math.isclose(e.value, shuffled, rel_tol=1e-9, abs_tol=1e-12):
            return f"relabelled counts gave {shuffled}, these {e.value}"
        if huge:
            verdict = _close(e.value, ref_plugin(c), n, 1e-9)
            if verdict is not True:
                return f"huge counts: not the plug-in: {verdict}"
        return _interval_ok(e)

    check_valid(
        "estimators: estimate_entropy",
        lambda: ib.estimate_entropy(data, method=method, base="nats", **kw),
        accept,
    )


# ----------------------------------------------------------------------------- two samples


def ref_cross(cp: list[float], cq: list[float], method: str, k: int, a: float = 0.5) -> mp.mpf:
    x, y = _mpf(cp), _mpf(cq)
    n, m = mp.fsum(x), mp.fsum(y)
    extra = k - len(cp)
    if method == "plugin":
        return mp.fsum(
            (xi / n) * -mp.log((yi + a) / (m + k * a))
            for xi, yi in zip(x, y, strict=True)
            if xi > 0
        )
    if method == "dirichlet":
        big_a, big_b = n + k * a, m + k * a
        t = mp.fsum(
            (xi + a) * (mp.digamma(big_b) - mp.digamma(yi + a)) for xi, yi in zip(x, y, strict=True)
        )
        return (t + extra * a * (mp.digamma(big_b) - mp.digamma(a))) / big_a
    return mp.fsum(
        (xi / n) * (mp.digamma(m + 1) - mp.digamma(yi + 1))
        for xi, yi in zip(x, y, strict=True)
        if xi > 0
    )


def ref_self(cp: list[float], method: str, k: int, a: float = 0.5) -> mp.mpf:
    if method == "plugin":
        return ref_plugin(cp)
    if method == "zhang_grabchak":
        return ref_entropy(cp, "zhang", None) or mp.mpf(0)
    x = _mpf(cp)
    alpha = [xi + a for xi in x]
    big_a = mp.fsum(alpha) + (k - len(cp)) * a
    s = mp.fsum(al * mp.digamma(al + 1) for al in alpha) + (k - len(cp)) * a * mp.digamma(a + 1)
    return mp.digamma(big_a + 1) - s / big_a


@fuzz(fast=30, long=1000)
@given(
    count_vectors(),
    st.data(),
    st.sampled_from(TWO_SAMPLE_METHODS),
    st.sampled_from(["kl_divergence", "cross_entropy"]),
    st.integers(0, 5),
    st.booleans(),
)
def test_two_samples_of_counts(
    cp: list[float], data: Any, method: str, quantity: str, extra_k: int, with_ci: bool
) -> None:
    w = len(cp)
    cq = [float(v) for v in data.draw(st.lists(st.integers(0, 60), min_size=w, max_size=w))]
    if data.draw(st.booleans()):
        cq = [v * 1e300 for v in cq] if data.draw(st.booleans()) else cp[::-1]
    assume(any(v > 0 for v in cq))
    k = w + extra_k
    mref = "zhang_grabchak" if method == "auto" else method
    ref = ref_cross(cp, cq, mref, k)
    if quantity == "kl_divergence":
        ref = max(ref - ref_self(cp, mref, k), mp.mpf(0))  # reported as its positive part
    huge = not (_total(cp) < 2.0**63 and _total(cq) < 2.0**63)
    fn = getattr(ib, f"estimate_{quantity}")
    kw: dict[str, Any] = {"ci": 0.8, "n_boot": 10, "seed": 1} if with_ci and not huge else {}
    n = max(_total(cp), _total(cq))

    def accept(e: Any) -> bool | str:
        if not math.isfinite(e.value):
            return "not finite"
        verdict = _close(e.value, ref, n, 1e-9)
        return verdict if verdict is not True else _interval_ok(e)

    check_valid(
        f"estimators: estimate_{quantity}",
        lambda: fn(ib.counts(cp), ib.counts(cq), method=method, alphabet_size=k, base="nats", **kw),
        accept,
    )


@fuzz(fast=15, long=500)
@given(samples(), samples(), st.sampled_from(["plugin", "zhang_grabchak"]))
def test_kl_of_samples_and_text(x: list[Any], y: list[Any], method: str) -> None:
    assume(type(x[0]) is type(y[0]))
    labels = sorted(set(x) | set(y), key=str)
    cx, cy = Counter(x), Counter(y)
    cp = [float(cx[v]) for v in labels]
    cq = [float(cy[v]) for v in labels]
    ref = max(ref_cross(cp, cq, method, len(labels)) - ref_self(cp, method, len(labels)), 0)

    check_valid(
        "estimators: estimate_kl_divergence",
        lambda: ib.estimate_kl_divergence(x, y, method=method, base="nats"),
        lambda e: _close(e.value, ref, len(x) + len(y), 1e-9),
    )


# ----------------------------------------------------------------------------- invalid


BAD_OPTIONS: dict[str, list[Any]] = {
    "ci": [0, 1, 1.0, -0.5, 1.5, math.nan, math.inf, True, "0.9", [0.9]],
    "n_boot": [0, 1, -3, 2.5, 1e3, True, 10**12, "100", math.nan],
    "seed": [-1, 1.5, "s", True, math.nan],
    "concentration": [-1, 0, -0.0, math.nan, math.inf, -math.inf, True, "1", None],
    "alphabet_size": [0, -1, 2.5, math.inf, math.nan, True, "5", 1, 2**1030, [3, 4]],
    "method": ["bogus", None, 3, "", "PLUGIN", "knn"],
    "base": [1, 0, -2, "furlongs", math.nan, None],
}


@fuzz(fast=40, long=600)
@given(st.sampled_from(sorted(BAD_OPTIONS)), st.data())
def test_entropy_refuses_bad_options(option: str, data: Any) -> None:
    value = data.draw(st.sampled_from(BAD_OPTIONS[option]))
    x = ["a", "b", "a", "c"]
    kw: dict[str, Any] = {option: value}
    if option in ("n_boot", "seed", "ci"):
        kw.setdefault("ci", 0.9)
        kw.setdefault("method", "plugin")
    if option == "concentration":
        kw["method"] = "dirichlet"
    check_invalid(
        "estimators: estimate_entropy",
        lambda: ib.estimate_entropy(x, **kw),
        mentions=[option],
    )


TWO_BAD: dict[str, list[Any]] = {
    "pseudocount": [0, -1, math.nan, math.inf, True, "0.5", None],
    "k": [0, -1, 1.5, True, "3", math.nan],
    "ci": [0, 1, math.nan, True],
    "n_boot": [1, 2.5, 10**12, True],
    "seed": [-5, 0.5, "x"],
    "alphabet_size": [0, 1, 2.5, math.inf, True],
    "method": ["nope", None, "nsb"],
}


@fuzz(fast=30, long=500)
@given(
    st.sampled_from(sorted(TWO_BAD)),
    st.data(),
    st.sampled_from(["estimate_kl_divergence", "estimate_cross_entropy"]),
)
def test_two_sample_estimators_refuse_bad_options(option: str, data: Any, fn: str) -> None:
    value = data.draw(st.sampled_from(TWO_BAD[option]))
    x, y = ["a", "b", "a", "c"], ["a", "c", "c", "b"]
    kw: dict[str, Any] = {option: value}
    if option in ("n_boot", "seed"):
        kw["ci"] = 0.9
    check_invalid(
        f"estimators: {fn}",
        lambda: getattr(ib, fn)(x, y, **kw),
        mentions=[option],
    )


BAD_INPUTS: list[tuple[str, Any, str]] = [
    ("no samples", [], "x"),
    ("ragged", [[1, 2], [3]], "sequence"),
    ("2-D samples", np.zeros((2, 2)), "1-D"),
    ("mixed types", ["a", 1], "mixes types"),
    ("logits", ib.logits([0.0, 1.0]), "x"),
    ("negative count", ib.counts([-1, 2]), "x"),
    ("fractional count", ib.counts([0.5, 1]), "x"),
    ("zero total", ib.counts([0, 0]), "x"),
    ("nan count", ib.counts([math.nan, 1]), "x"),
    ("inf count", ib.counts([math.inf, 1]), "x"),
    ("continuous", [0.1, 0.25, 0.3, 0.7], "continuous"),
    ("all missing", [None, None], "x"),
    ("a dict", {"a": 1}, "dict"),
    ("a set", {1, 2}, "set"),
]


@fuzz(fast=20, long=200)
@given(st.sampled_from(BAD_INPUTS), st.sampled_from(["plugin", "auto", "zhang", "pym", "unseen"]))
def test_entropy_refuses_bad_inputs(case: tuple[str, Any, str], method: str) -> None:
    _, x, word = case
    check_invalid(
        "estimators: estimate_entropy",
        lambda: ib.estimate_entropy(x, method=method),
        mentions=[word],
    )


def _option_values(option: str) -> st.SearchStrategy[Any]:
    floats = st.floats(allow_nan=True, allow_infinity=True)
    if option == "ci":
        return floats | st.integers(-3, 3)
    if option == "n_boot":  # valid ones kept small: each replicate costs time
        return st.integers(-5, 40) | st.integers(10**6, 10**15) | floats
    if option == "seed":
        return st.integers(-(2**70), 2**70) | floats
    if option == "alphabet_size":
        return st.integers(-5, 2**1030) | floats
    return floats | st.integers(-5, 10**6)  # concentration, pseudocount


def _valid(option: str, v: Any, method: str = "dirichlet") -> bool:
    if isinstance(v, bool):
        return False
    if option == "ci":
        return isinstance(v, float) and 0 < v < 1
    if option == "n_boot":
        return isinstance(v, int) and 2 <= v <= 1_000_000
    if option == "seed":
        return isinstance(v, int) and v >= 0
    if option == "alphabet_size":  # the sample below has 3 symbols
        ok = isinstance(v, int) or (isinstance(v, float) and math.isfinite(v) and v.is_integer())
        top = {"dirichlet": 2e300, "nsb": 1e300}.get(method, 2.0**1023 * (1 - 2**-53))
        return ok and 3 <= v <= top  # dirichlet: K·a, a = 0.5, must stay below 1e300
    return 1e-100 <= v <= 1e100  # concentration, pseudocount


@fuzz(fast=30, long=1500)
@given(
    st.sampled_from(["ci", "n_boot", "seed", "alphabet_size", "concentration", "pseudocount"]),
    st.data(),
)
def test_options_are_accepted_exactly_in_their_documented_range(option: str, data: Any) -> None:
    v = data.draw(_option_values(option))
    x, y = ["a", "b", "a", "c", "b", "a"], ["a", "c", "c", "b", "b", "b"]
    kw: dict[str, Any] = {option: v}
    method = ""
    if option in ("n_boot", "seed"):
        kw["ci"] = 0.9
    if option == "pseudocount":
        fn: Any = lambda: ib.estimate_kl_divergence(x, y, method="dirichlet", **kw)  # noqa: E731
        surface = "estimators: estimate_kl_divergence"
    else:
        method = "dirichlet" if option in ("concentration", "alphabet_size") else "plugin"
        if option == "alphabet_size":
            method = data.draw(st.sampled_from(["dirichlet", "nsb", "james_stein"]))
        fn = lambda: ib.estimate_entropy(x, method=method, **kw)  # noqa: E731
        surface = "estimators: estimate_entropy"
    if _valid(option, v, method):
        check_valid(surface, fn, lambda e: (math.isfinite(e.value) and e.value >= 0) or "")
    else:
        check_invalid(surface, fn, mentions=[option])
