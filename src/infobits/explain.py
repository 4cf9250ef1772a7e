"""The explanation of one pair (p, q), computed once for every front end.

An outcome's code length is log(1/qᵢ) under the code built for q; weighting by how
often it really occurs (pᵢ) gives the cross-entropy H(p, q); the best code (q = p) gives
the entropy H(p); the difference is the KL divergence D(p‖q), the waste. An
:class:`Explanation` holds all of it: p and q, the three measures and their readings,
the per-outcome table, the geometry of the code diagram (bars of width pᵢ and height
log 1/qᵢ), Huffman's codes for p and q, and optionally a sample from p coded for real.

``infobits explain`` prints it, ``ib.plot`` draws it and the explorer's page shows it;
none of them computes a number of its own, so all three agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import _units
from ._inputs import Kind, prepare
from .codes.prefix import PrefixCode, huffman
from .codes.sampled import CodedSample, code_sample, draw
from .measures import cross_entropy, entropy, kl_divergence, self_information

__all__ = ["LANDS_ON", "Explanation", "Sample", "explanation", "log_symbol"]

#: The arithmetic code "lands on" -log2 q(xⁿ) when its overhead is at most this share of
#: the ideal length; below that share the text names the overhead instead.
LANDS_ON = 0.01


def log_symbol(base: _units.Base) -> str:
    """How to write the logarithm of ``base`` in a label.

    >>> log_symbol(2), log_symbol("nats"), log_symbol("e"), log_symbol(10), log_symbol(3)
    ('log₂', 'ln', 'ln', 'log₁₀', 'log_3')
    """
    ln = _units.log_of_base(base)
    for sym, b in (("log₂", 2.0), ("ln", math.e), ("log₁₀", 10.0)):
        if math.isclose(ln, math.log(b), rel_tol=1e-15):
            return sym
    return f"log_{math.exp(ln):g}"


@dataclass(frozen=True)
class Sample:
    """``n`` symbols drawn from p with ``seed``, coded with Huffman's and an arithmetic
    code for p and for q (:func:`infobits.codes.sampled.code_sample`).

    ``codes`` lists, for p then q, the Huffman row and the arithmetic row, each with
    ``bits = ideal + rounding + overhead``; ``reading`` says in words what they show.
    """

    n: int
    seed: int
    symbols: np.ndarray = field(repr=False)
    histogram: np.ndarray
    codes: list[CodedSample]
    reading: str

    def row(self, code: str) -> CodedSample:
        """The row named ``code``, such as ``"arithmetic code for q"``."""
        return next(r for r in self.codes if r.code == code)

    def as_dict(self, head: int = 40) -> dict[str, Any]:
        """Plain data: the first ``head`` symbols, the histogram and every row."""
        return {
            "n": self.n,
            "seed": self.seed,
            "head": self.symbols[:head].tolist(),
            "histogram": self.histogram.tolist(),
            "codes": [r.as_dict() for r in self.codes],
            "reading": self.reading,
        }


@dataclass(frozen=True)
class Explanation:
    """Everything the front ends show for p and q; lengths and measures in ``unit``.

    Per outcome i (arrays of shape (K,)): ``p``, ``q`` (probabilities), ``best_length``
    log(1/pᵢ), ``code_length`` log(1/qᵢ), ``contribution`` pᵢ·log(1/qᵢ) (0 where
    pᵢ = 0), and the diagram's ``x0``: bar i spans ``x0[i]`` to ``x0[i] + p[i]``. The
    diagram's y axis ends at ``y_top``; bars taller than ``y_cap`` (``inf`` when none
    is) are drawn cut. ``huffman_p`` and ``huffman_q`` are Huffman's codes (in bits,
    since they are binary), with their mean lengths on data from p.
    """

    p: np.ndarray
    q: np.ndarray
    base: _units.Base
    unit: str
    log: str
    entropy: float
    cross_entropy: float
    kl_divergence: float
    best_length: np.ndarray
    code_length: np.ndarray
    contribution: np.ndarray
    x0: np.ndarray
    y_top: float
    y_cap: float
    huffman_p: PrefixCode = field(repr=False)
    huffman_q: PrefixCode = field(repr=False)
    huffman_p_length: float
    huffman_q_length: float
    readings: dict[str, str]
    sample: Sample | None = None

    @property
    def k(self) -> int:
        """The number of outcomes K."""
        return int(self.p.size)

    @property
    def visible(self) -> np.ndarray:
        """Outcomes with pᵢ > 0: the only bars with any width."""
        return self.p > 0

    @property
    def cut(self) -> np.ndarray:
        """Visible outcomes whose bar is drawn cut at ``y_cap`` (infinite ones too)."""
        return self.visible & (self.code_length > self.y_cap)

    def huffman(self) -> dict[str, Any]:
        """Both Huffman codes as plain data: codewords, lengths, mean length on p."""
        out = {}
        for name, code, mean in (
            ("p", self.huffman_p, self.huffman_p_length),
            ("q", self.huffman_q, self.huffman_q_length),
        ):
            out[name] = {
                "codewords": list(code.codewords),
                "lengths": code.lengths.tolist(),
                "coded": code.coded.tolist(),
                "expected_length": mean,
            }
        return out

    def as_dict(self) -> dict[str, Any]:
        """The explanation as plain data, one row per outcome: what ``--json`` prints.

        Floats are the computed values (strict JSON writes ``inf`` as ``"inf"``, see
        :func:`infobits._json.dumps`).
        """
        rows = [
            {
                "p": float(self.p[i]),
                "q": float(self.q[i]),
                "best_length": float(self.best_length[i]),
                "code_length": float(self.code_length[i]),
                "contribution": float(self.contribution[i]),
            }
            for i in range(self.k)
        ]
        return {
            "unit": self.unit,
            "entropy": self.entropy,
            "cross_entropy": self.cross_entropy,
            "kl_divergence": self.kl_divergence,
            "readings": dict(self.readings),
            "outcomes": rows,
            "diagram": {
                "log": self.log,
                "x0": self.x0.tolist(),
                "y_top": self.y_top,
                "y_cap": self.y_cap,
            },
            "huffman": self.huffman(),
            "sample": None if self.sample is None else self.sample.as_dict(),
        }


def _probabilities(x: Any, name: str) -> tuple[Any, np.ndarray]:
    """The input as the measures take it, and its probabilities as float64 (K,).

    Counts are measured as the probabilities they normalise to (shown and measured
    alike), scaled by their largest entry first so that a total beyond the float range
    (``[1e308, 1e308]``) still normalises; logits and log-probabilities are measured as
    given, in log space, where they keep their digits.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # an overflowing sum is refused
        prep = prepare(x, name, -1)
    if prep.values.ndim != 1:
        raise ValueError(
            f"{name} has shape {prep.values.shape}; an explanation is of one distribution, "
            "so give a 1-D vector of K outcomes"
        )
    if prep.kind is Kind.COUNTS:
        v = np.asarray(prep.values, dtype=np.float64)
        scaled = v / v.max()  # counts were checked: finite, >= 0, not all 0
        return (scaled / scaled.sum()) + 0.0, (scaled / scaled.sum()) + 0.0
    probs = np.asarray(prep.probs(), dtype=np.float64) + 0.0
    return (probs if prep.kind is Kind.PROBS else x), probs


def _limits(p: np.ndarray, lp: np.ndarray, lq: np.ndarray, h: float, hpq: float) -> tuple:
    """The top of the diagram's y axis, and the height above which a bar is cut.

    One very improbable q-outcome (or q = 0) would otherwise flatten every other bar, so
    bars taller than 2.5 times the typical lengths are cut, and say so.
    """
    vis = p > 0
    best, code = lp[vis], lq[vis]
    finite = code[np.isfinite(code)]
    ref = max(float(best.max()), h, 1.0)
    if math.isfinite(hpq):
        ref = max(ref, hpq)
    cap = 2.5 * ref
    tallest = max(float(best.max()), float(finite.max()) if finite.size else 0.0)
    if tallest <= cap and finite.size == code.size:
        top = tallest if tallest > 0 else 1.0  # all lengths 0: a certain outcome
        return top * 1.08, math.inf
    return cap * 1.12, cap


def _readings(h: float, hpq: float, d: float, unit: str) -> dict[str, str]:
    if math.isinf(hpq):
        ce = "the code built for q has no codeword for an outcome p produces: infinite cost"
        kl = "every symbol risks an uncodable outcome: the waste is infinite"
    else:
        ce = f"the code built for q averages {hpq:.3f} {unit} on data from p"
        kl = f"{d:.3f} {unit} a symbol are wasted"
    return {
        "entropy": f"the best code for p averages {h:.3f} {unit}",
        "cross_entropy": ce,
        "kl_divergence": kl,
    }


def _sample_reading(rows: list[CodedSample], n: int) -> str:
    """What the coded sample shows, in one paragraph, honest about small samples."""
    aq = next(r for r in rows if r.code == "arithmetic code for q")
    if aq.bytes is None and math.isinf(aq.bits):
        return f"The codes for q cannot code this sample: {aq.note}."
    huff = (
        "Huffman rounds each codeword to whole bits, which on data from q costs under a bit "
        "a symbol, and on data from p can fall either side."
    )
    if aq.bytes is None or aq.overhead is None:
        return f"{huff} No arithmetic code was run: {aq.note}."
    o = aq.overhead
    if aq.ideal == 0:
        lands = (
            "q is certain of every symbol drawn, so the ideal length is 0 bits; the "
            f"arithmetic code writes {aq.bits:.0f}."
        )
    elif abs(o) <= LANDS_ON * aq.ideal:
        lands = (
            f"The arithmetic code lands on -log2 q(xⁿ): its {aq.bits:.0f} bits are the ideal "
            f"{aq.ideal:.1f} plus {o:.1f} bits of overhead (mostly the coder's flush and the "
            "padding of the last byte), which does not grow with n."
        )
    else:
        lands = (
            f"On {n} symbols the arithmetic code's {aq.bits:.0f} bits are the ideal "
            f"-log2 q(xⁿ) = {aq.ideal:.1f} plus {o:.1f} bits of overhead (mostly the coder's "
            f"flush and the padding of the last byte), {abs(o) / aq.bits:.0%} of the total; "
            "that overhead stays about the same as n grows, so on longer samples the code "
            "lands on the ideal."
        )
    return f"{lands} {huff}"


def explanation(
    p: Any,
    q: Any = None,
    base: _units.Base = 2,
    samples: int = 0,
    seed: int = 0,
) -> Explanation:
    """Explain p and q: measures, readings, per-outcome lengths, diagram, codes.

    ``p`` and ``q`` are 1-D of the same length K, any input kind (probabilities or
    ``ib.counts``, ``ib.logits``, ``ib.log_probs``); ``q=None`` means q = p, the best
    code. Lengths and measures are in units of ``base``, as in :func:`infobits.entropy`.
    With ``samples`` = n > 0, n symbols are drawn from p (``seed``) and coded for real
    (see :class:`Sample`); Huffman lengths and sampled bits are always in bits.

    >>> e = explanation([1/8] * 8, [1/2, 1/4, 1/8, 1/16, 1/64, 1/64, 1/64, 1/64])
    >>> e.entropy, e.cross_entropy, round(e.kl_divergence, 12), e.unit
    (3.0, 4.25, 1.25, 'bits')
    >>> e.code_length.tolist()
    [1.0, 2.0, 3.0, 4.0, 6.0, 6.0, 6.0, 6.0]
    >>> e.huffman_q.codewords[:3], e.readings["kl_divergence"]
    (['0', '10', '110'], '1.250 bits a symbol are wasted')

    Reference: C. E. Shannon, "A Mathematical Theory of Communication", 1948; Cover &
    Thomas, *Elements of Information Theory*, 2006, §5.4 (the cost of the wrong code);
    C. Olah, "Visual Information Theory", 2015 (the bar picture).
    """
    _units.log_of_base(base)  # a bad base is refused before any work
    unit = _units.unit_name(base)
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 0:
        raise ValueError(f"samples = {samples!r} must be a whole number >= 0")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed = {seed!r} must be a whole number >= 0")
    p_in, pv = _probabilities(p, "p")
    q_in, qv = (p_in, pv) if q is None else _probabilities(q, "q")
    if pv.size != qv.size:
        raise ValueError(
            f"p has {pv.size} outcomes but q has {qv.size}; give one probability per outcome"
        )
    # "+ 0.0" turns the -0.0 of log(1/1) = -log(1) into 0.0, so no "-0.000" is shown
    h = float(entropy(p_in, base=base)) + 0.0
    hpq = float(cross_entropy(p_in, q_in, base=base)) + 0.0
    d = float(kl_divergence(p_in, q_in, base=base)) + 0.0
    with np.errstate(divide="ignore"):
        lp = np.asarray(self_information(p_in, base=base), dtype=np.float64) + 0.0
        lq = np.asarray(self_information(q_in, base=base), dtype=np.float64) + 0.0
    contribution = np.where(pv > 0, pv * np.where(pv > 0, lq, 0.0), 0.0) + 0.0
    x0 = np.concatenate([[0.0], np.cumsum(pv)[:-1]])
    y_top, y_cap = _limits(pv, lp, lq, h, hpq)
    code_p = huffman(pv)
    code_q = code_p if q is None else huffman(qv)
    sample = None
    if samples:
        x = draw(pv, int(samples), int(seed))
        rows = code_sample(x, {"p": pv, "q": qv}, {"p": code_p, "q": code_q})
        sample = Sample(
            n=int(samples),
            seed=int(seed),
            symbols=x,
            histogram=np.bincount(x, minlength=pv.size),
            codes=rows,
            reading=_sample_reading(rows, int(samples)),
        )
    return Explanation(
        p=pv,
        q=qv,
        base=base,
        unit=unit,
        log=log_symbol(base),
        entropy=h,
        cross_entropy=hpq,
        kl_divergence=d,
        best_length=lp,
        code_length=lq,
        contribution=contribution,
        x0=x0,
        y_top=y_top,
        y_cap=y_cap,
        huffman_p=code_p,
        huffman_q=code_q,
        huffman_p_length=code_p.expected_length(pv),
        huffman_q_length=code_q.expected_length(pv),
        readings=_readings(h, hpq, d, unit),
        sample=sample,
    )
