"""Fuzz the compiled row kernels of the NumPy engine (``infobits.measures._ckernels``).

Each case is entropy, cross-entropy, KL or perplexity of float64 or float32 rows, short
or long (across the kernels' chunks and vector lanes, up to 10^5 outcomes), one row or
a batch, probabilities against probabilities or logits, with the kinds of entry that
take the careful paths: exact zeros, q = 0 < p, subnormal and tiny entries, near
certainty; and, in about half the cases, one defect: NaN, ±inf, a negative entry (in
p, in q, or in both at one outcome), a huge entry, or a row sum off by a multiple of
the tolerance. Each case runs with the compiled kernels and with the NumPy path alone:
the answer must be of the same class (the same error and message, or a value with the
same NaN and inf cells, close elsewhere), and, for short valid rows, agree with mpmath
at 50 digits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import infobits as ib
from infobits._inputs import sum_tolerance
from infobits.measures import _blocked
from tests.reference import agree, mp_batch

from .harness import Outcome, fuzz, record, time_limit

COMPILED = _blocked._ckernels
pytestmark = pytest.mark.skipif(COMPILED is None, reason="the compiled kernels are not built")

SURFACE = "measures: compiled kernels (numpy)"
MEASURES = ["entropy", "cross_entropy", "kl_divergence", "perplexity"]
LENGTHS = [1, 2, 7, 15, 16, 17, 33, 100, 1023, 1024, 1025, 2049, 8193, 20_000, 100_003]
STYLES = ["plain", "zeros", "tiny", "subnormal", "certain", "skewed"]
DEFECTS = ["nan", "inf", "-inf", "negative", "negative in both", "huge", "q zero", "p q zero"]
DEFECTS += ["sum x0.5", "sum x0.9", "sum x1.1", "sum x2", "sum x1000"]


@dataclass
class Case:
    measure: str
    dtype: Any
    q_kind: str  # "probs" or "logits" (p is always probabilities)
    p: np.ndarray
    q: np.ndarray
    check: bool
    defect: str | None

    def __repr__(self) -> str:
        return (
            f"{self.measure}[{np.dtype(self.dtype).name}, q {self.q_kind}, "
            f"shape {self.p.shape}, check={self.check}, defect={self.defect}]"
            f"(p={self.p.tolist()!r}, q={self.q.tolist()!r})"
            if self.p.size <= 64
            else f"{self.measure}[{np.dtype(self.dtype).name}, q {self.q_kind}, "
            f"shape {self.p.shape}, check={self.check}, defect={self.defect}]"
        )


def _row(rng: np.random.Generator, n: int, style: str, dtype: Any) -> np.ndarray:
    """A probability row of ``style``, normalised in float64, rounded to ``dtype``."""
    fin = np.finfo(dtype)
    if style == "skewed":
        w = rng.random(n) ** 8
    else:
        w = rng.random(n) + 0.01
    if style == "zeros":
        w[rng.random(n) < 0.3] = 0.0
    elif style == "tiny":
        idx = rng.random(n) < 0.3
        w[idx] = 10.0 ** -rng.uniform(8, -math.log10(float(fin.smallest_normal)), idx.sum())
    elif style == "subnormal":
        idx = rng.random(n) < 0.2
        w[idx] = float(fin.smallest_subnormal) * rng.integers(1, 100, idx.sum())
    elif style == "certain":
        w *= 10.0 ** -rng.uniform(6, 25)
        w[rng.integers(0, n)] = 0.0
    if not (w > 0).any():
        w[rng.integers(0, n)] = 1.0
    if style == "certain":
        j = int(np.argmin(w)) if n > 1 else 0
        w[j] = 0.0
        w[j] = 1.0 - math.fsum(w.tolist())
        return w.astype(dtype)
    return (w / math.fsum(w.tolist())).astype(dtype)


def _logits(rng: np.random.Generator, n: int, dtype: Any) -> np.ndarray:
    z = rng.normal(size=n) * rng.choice([1.0, 10.0, 100.0]) + rng.choice([0.0, 50.0, -700.0])
    r = rng.random(n)
    z[r < 0.05] = -np.inf
    z[(r >= 0.05) & (r < 0.1)] = -1e9
    if not np.isfinite(z).any():
        z[0] = 0.0
    return z.astype(dtype)


def _break(
    rng: np.random.Generator, p: np.ndarray, q: np.ndarray, defect: str, q_kind: str | None
) -> str | None:
    """Put ``defect`` into one row of p (and q, unless ``q_kind`` is None: entropy),
    in place; return it (None where it cannot be put)."""
    row = int(rng.integers(0, p.shape[0]))
    j = int(rng.integers(0, p.shape[1]))
    a, b = p[row], q[row]
    big = float(np.finfo(p.dtype).max) / 2
    in_q = q_kind == "probs" and rng.random() < 0.5
    target = b if in_q else a
    if defect in ("nan", "inf", "-inf"):
        target[j] = float(defect)
    elif defect == "negative":
        target[j] = -abs(target[j]) - 1e-3
    elif defect == "negative in both":
        a[j] = -abs(a[j]) - 1e-3
        if q_kind == "probs":
            b[j] = -abs(b[j]) - 1e-3
    elif defect == "huge":
        target[j] = big
    elif defect in ("q zero", "p q zero"):  # valid: renormalised
        if p.shape[1] == 1:
            return None  # a row of one zero is no distribution
        rows = [b] if defect == "q zero" else [a, b]
        for r in rows:
            if r is b and q_kind != "probs":
                r[j] = -np.inf if q_kind == "logits" else r[j]
                continue
            r[j] = 0.0
            w = r.astype(np.float64)
            if not (w > 0).any():
                w[(j + 1) % len(w)] = 1.0
            r[:] = (w / math.fsum(w.tolist())).astype(p.dtype)
    else:  # "sum xF": the row sum off by F times the tolerance
        f = float(defect.split("x")[1])
        scaled = target.astype(np.float64) * (1.0 + f * sum_tolerance(p.dtype))
        target[:] = scaled.astype(p.dtype)
    return defect


@st.composite
def cases(draw: st.DrawFn) -> Case:
    measure = draw(st.sampled_from(MEASURES))
    dtype = draw(st.sampled_from([np.float64, np.float64, np.float32]))
    n = draw(st.sampled_from(LENGTHS))
    m = draw(st.sampled_from([0, 0, 2, 3, 17]))
    if n * max(m, 1) > 300_000:
        m = 0
    q_kind = "probs"
    if measure in ("cross_entropy", "kl_divergence", "entropy") and draw(st.booleans()):
        q_kind = "logits"  # for entropy: the entropy of the logits q (p unused)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    rows = max(m, 1)
    p = np.stack([_row(rng, n, draw(st.sampled_from(STYLES)), dtype) for _ in range(rows)])
    if q_kind == "logits":
        q = np.stack([_logits(rng, n, dtype) for _ in range(rows)])
    else:
        q = np.stack([_row(rng, n, draw(st.sampled_from(STYLES)), dtype) for _ in range(rows)])
    defect = draw(st.sampled_from([None] * len(DEFECTS) + DEFECTS))
    if measure == "entropy" and q_kind == "logits":
        defect = None
    if defect is not None:
        defect = _break(rng, p, q, defect, None if measure == "entropy" else q_kind)
    if not m:
        p, q = p[0], q[0]
    return Case(measure, dtype, q_kind, p, q, draw(st.booleans()), defect)


def call(case: Case) -> Any:
    q = ib.logits(case.q) if case.q_kind == "logits" else case.q
    if case.measure == "entropy":
        return ib.entropy(q if case.q_kind == "logits" else case.p, base="nats", check=case.check)
    if case.measure == "perplexity":
        return ib.perplexity(case.p, q, check=case.check)
    return getattr(ib, case.measure)(case.p, q, base="nats", check=case.check)


def outcome(case: Case, kernels: Any) -> tuple[str, Any]:
    saved = _blocked._ckernels
    _blocked._ckernels = kernels
    try:
        with time_limit():
            return "value", np.asarray(call(case), dtype=np.float64)
    except (ValueError, TypeError) as e:
        return "error", (type(e).__name__, str(e))
    except Exception as e:  # anything else is a failure on either path
        return "uncaught", (type(e).__name__, str(e))
    finally:
        _blocked._ckernels = saved


def same_value(case: Case, a: np.ndarray, b: np.ndarray) -> str | None:
    if a.shape != b.shape:
        return f"shapes {a.shape} and {b.shape}"
    for test in (np.isnan, np.isposinf, np.isneginf):
        if (test(a) != test(b)).any():
            return f"{test.__name__} differs: {a!r} and {b!r}"
    fin = np.isfinite(a)
    f64 = case.dtype == np.float64
    rtol, atol = (1e-12, 1e-14) if f64 else (1e-5, 2e-6)
    if case.measure == "perplexity":
        # exp turns an absolute difference of H into a relative one: compare
        # log(perplexity), H in nats, to the measures' own tolerance (float32 sums of
        # 10^4 terms near H = 54 differ by a few ulps, 5e-5 of e^H)
        with np.errstate(divide="ignore"):
            a, b = np.log(a), np.log(b)
        fin = np.isfinite(a) & np.isfinite(b)
    err = np.abs(a[fin] - b[fin])
    if (err > rtol * np.abs(b[fin]) + atol).any():
        return f"values differ: {a!r} and {b!r}"
    return None


#: Defects that leave the input valid: an outcome that counts 0, or a row sum still
#: within the tolerance.
HARMLESS = {None, "q zero", "p q zero", "sum x0.5", "sum x0.9"}


def valid(case: Case) -> bool:
    if case.q_kind == "logits" and not np.isfinite(case.q).any(axis=-1).all():
        return False  # a row of logits with no finite entry: no q (check=True refuses it)
    return case.defect in HARMLESS


def check_reference(case: Case, got: np.ndarray) -> str | None:
    """Short valid rows against mpmath (any reading of a probability near the dtype's
    smallest subnormal: kept, or rounded to 0)."""
    name = "cross_entropy" if case.measure == "perplexity" else case.measure
    inputs = [("probs", case.p.astype(np.float64))]
    if name == "entropy" and case.q_kind == "logits":
        inputs = [("logits", case.q.astype(np.float64))]
    elif name != "entropy":
        inputs.append((case.q_kind, case.q.astype(np.float64)))
    edge = 4 * float(np.finfo(case.dtype).smallest_subnormal)
    flushes: list[float | list[float]] = [0.0]
    if any(0 < abs(x) < edge for v in (case.p, case.q) for x in v.ravel()):
        flushes += [edge, [edge, 0.0], [0.0, edge]] if len(inputs) == 2 else [edge]
    refs = [mp_batch(name, inputs, -1, f) for f in flushes]
    f64 = case.dtype == np.float64
    rtol = 1e-12 if f64 else 1e-5
    floor = (1e-14 if f64 else 2e-6) if name == "kl_divergence" else 0.0
    tiny = 100 * float(np.finfo(case.dtype).smallest_normal)
    if case.measure == "perplexity" and np.isinf(got).any():
        return None  # e^H beyond the dtype's range (H itself is checked as such)
    if case.measure == "perplexity":  # log(perplexity) against H in nats, as
        with np.errstate(divide="ignore"):  # test_measures_valid compares them
            verdict = agree(np.log(got), refs, rtol, max(rtol, tiny))
    else:
        verdict = agree(got, refs, rtol, max(floor, tiny))
    return None if verdict is True else str(verdict)


def run_case(case: Case) -> None:
    c = outcome(case, COMPILED)
    py = outcome(case, None)
    if c[0] == "uncaught" or py[0] == "uncaught":
        record(SURFACE, Outcome.UNCAUGHT, f"{case!r}: compiled {c}, numpy {py}")
    if c[0] != py[0]:
        record(SURFACE, Outcome.WRONG, f"{case!r}: compiled {c}, numpy {py}")
    if c[0] == "error":
        if c[1] != py[1]:
            record(SURFACE, Outcome.WRONG, f"{case!r}: errors differ: {c[1]} and {py[1]}")
        if valid(case):
            record(SURFACE, Outcome.UNCAUGHT, f"{case!r}: a valid input raised {c[1]}")
        record(SURFACE, Outcome.DOCUMENTED)
        return
    why = same_value(case, c[1], py[1])
    if why is not None:
        record(SURFACE, Outcome.WRONG, f"{case!r}: {why}")
    if case.check and not valid(case):
        record(SURFACE, Outcome.WRONG, f"{case!r}: an invalid input gave {c[1]!r}")
    # (a row sum off within the tolerance is valid, but mpmath would take it as it is)
    normalised = case.defect in (None, "q zero", "p q zero")
    if normalised and case.p.shape[-1] <= 64 and case.p.size <= 3 * 64:
        # Digits enough for a log-probability near certainty (-rest, rest down to the
        # smallest subnormal) behind logits as large as 1e9.
        with mpmath.workdps(50 + 340 + 10):
            why = check_reference(case, c[1])
        if why is not None:
            record(SURFACE, Outcome.WRONG, f"{case!r}: against mpmath {why}")
    record(SURFACE, Outcome.CORRECT)


@fuzz(fast=120, long=6000)
@given(data=st.data())
def test_compiled_kernels_answer_as_the_numpy_path(data: st.DataObject) -> None:
    run_case(data.draw(cases(), label="case"))
