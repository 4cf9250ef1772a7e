"""Real codes on samples, as ``infobits explain`` shows them."""

from __future__ import annotations

import json

import numpy as np
import pytest

import infobits as ib
from infobits.cli import main
from infobits.cli.explain import explanation
from infobits.codes.sampled import sampled_code_lengths


def test_measured_bits_sit_where_the_theory_says():
    rng = np.random.default_rng(9)
    p = rng.dirichlet(np.ones(12))
    q = rng.dirichlet(np.ones(12))
    r = sampled_code_lengths(p, q, n=50_000, seed=3)
    b = r["bits_per_symbol"]
    assert b["ideal_p"] <= b["huffman_p"] < b["ideal_p"] + 1
    # q's Huffman code costs its expected length under p, up to sampling noise
    assert b["huffman_q"] == pytest.approx(ib.codes.huffman(q).expected_length(p), abs=0.05)
    assert abs(b["arithmetic_q"] - b["ideal_q"]) <= 1e-4 * b["ideal_q"] + 64 / 50_000
    # the sample estimates agree with the distributions' values to sampling accuracy
    assert b["ideal_p"] == pytest.approx(float(ib.entropy(p)), abs=0.05)
    assert b["ideal_q"] == pytest.approx(float(ib.cross_entropy(p, q)), abs=0.1)


def test_same_seed_same_numbers_and_zero_samples_skip_the_measurement():
    a = sampled_code_lengths([0.7, 0.3], [0.5, 0.5], n=1000, seed=1)
    assert a == sampled_code_lengths([0.7, 0.3], [0.5, 0.5], n=1000, seed=1)
    z = sampled_code_lengths([0.7, 0.3], [0.5, 0.5], n=0)
    assert z["bits_per_symbol"]["huffman_p"] is None
    assert z["huffman_q"]["codewords"] == ["0", "1"]


def test_q_without_a_codeword_for_a_drawn_outcome_gives_none():
    r = sampled_code_lengths([0.5, 0.5], [1.0, 0.0], n=100)
    assert r["bits_per_symbol"]["huffman_q"] is None
    assert r["bits_per_symbol"]["arithmetic_q"] is None


def test_explanation_json_gains_codes_and_keeps_its_keys():
    e = explanation([1 / 8] * 8, [1 / 2, 1 / 4, 1 / 8, 1 / 16] + [1 / 64] * 4, samples=20_000)
    assert {"unit", "outcomes", "entropy", "cross_entropy", "kl_divergence", "readings"} < set(e)
    c = e["codes"]
    assert c["huffman_q"]["codewords"][:2] == ["0", "10"]
    assert c["bits_per_symbol"]["huffman_p"] == 3.0


def test_cli_shows_codewords_and_measured_bits(capsys):
    assert main(["explain", "--samples", "5000"]) == 0
    out = capsys.readouterr().out
    assert "Huffman's code built for q" in out and "111111" in out
    assert "arithmetic code under q" in out
    assert main(["explain", "--json", "--samples", "0"]) == 0
    js = json.loads(capsys.readouterr().out)
    assert js["codes"]["samples"] == 0
    assert main(["explain", "--samples", "-3"]) == 2
    assert "--samples" in capsys.readouterr().err
