"""Real codes on samples: every count is ideal + rounding + overhead, each checked
against an independent count."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

import infobits as ib
from infobits.codes.sampled import code_sample, draw, sampled_code_lengths


def test_draw_follows_the_inverse_cdf_of_p_and_never_draws_an_impossible_outcome():
    p = np.array([0.2, 0.0, 0.5, 0.3])
    x = draw(p, 20_000, seed=4)
    u = np.random.default_rng(4).random(20_000)
    expected = np.searchsorted(np.cumsum(p), u * p.sum(), side="right")
    assert x.tolist() == np.minimum(expected, 3).tolist()
    assert not (x == 1).any()
    freq = np.bincount(x, minlength=4) / x.size
    assert freq == pytest.approx(p, abs=0.02)


@pytest.mark.parametrize("n", [-1, 1.5, True, "3"])
def test_draw_refuses_a_count_that_is_not_one(n):
    with pytest.raises(ValueError, match=r"n = .* must be a whole number"):
        draw([0.5, 0.5], n)


def test_each_row_is_ideal_plus_rounding_plus_overhead():
    rng = np.random.default_rng(9)
    p = rng.dirichlet(np.ones(12))
    q = rng.dirichlet(np.ones(12))
    x = draw(p, 5000, seed=3)
    rows = {r.code: r for r in code_sample(x, {"p": p, "q": q})}
    for name, model in (("p", p), ("q", q)):
        code = ib.codes.huffman(model)
        payload = int(sum(code.lengths[s] for s in x))
        ideal = float(mpmath.fsum(-mpmath.log(mpmath.mpf(model[s]), 2) for s in x))
        h = rows[f"Huffman code for {name}"]
        assert h.bytes == math.ceil(payload / 8) and h.bits == 8 * h.bytes
        assert h.ideal == pytest.approx(ideal, rel=1e-12)
        assert h.rounding == pytest.approx(payload - ideal, rel=1e-9)
        assert h.overhead == 8 * h.bytes - payload and 0 <= h.overhead < 8
        a = rows[f"arithmetic code for {name}"]
        assert a.bytes == len(ib.codes.encode(x, model)) and a.bits == 8 * a.bytes
        assert a.rounding == 0.0
        assert a.overhead == pytest.approx(a.bits - ideal, rel=1e-12, abs=1e-9)
        assert -1 <= a.overhead <= 1e-4 * ideal + 72
        for r in (h, a):
            assert r.bits == pytest.approx(r.ideal + r.rounding + r.overhead, rel=1e-15)


def test_same_seed_same_rows():
    a = sampled_code_lengths([0.7, 0.3], [0.5, 0.5], n=1000, seed=1)
    assert a == sampled_code_lengths([0.7, 0.3], [0.5, 0.5], n=1000, seed=1)


def test_a_model_without_a_codeword_for_a_drawn_outcome_says_so():
    rows = sampled_code_lengths([0.5, 0.5], [1.0, 0.0], n=100)
    for r in rows[2:]:
        assert r.bytes is None and math.isinf(r.bits) and math.isinf(r.ideal)
        assert "q gives outcome 1 probability 0" in (r.note or "")
    assert rows[0].bytes is not None


def test_a_certain_outcome_costs_no_bits():
    rows = sampled_code_lengths([1.0, 0.0], [1.0, 0.0], n=50)
    for r in rows:
        assert r.bits == 0.0 and r.ideal == 0.0 and str(r.ideal) == "0.0"
