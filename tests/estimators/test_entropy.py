"""estimate_entropy: units, samples and counts, intervals, batches and worded errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import infobits as ib
from infobits.estimators import discrete as D

EULER = 0.5772156649015329


def H(counts, method, **kw):
    return ib.estimate_entropy(ib.counts(counts), method=method, base="nats", **kw).value


def test_units_scale_by_log_base():
    c = ib.counts([4, 2, 1, 1])
    nats = ib.estimate_entropy(c, method="zhang", base="nats").value
    assert ib.estimate_entropy(c, method="zhang").value == pytest.approx(nats / math.log(2))


def test_samples_and_counts_give_the_same_estimate():
    x = ["a"] * 5 + ["b"] * 3 + ["c"]
    assert ib.estimate_entropy(x).value == pytest.approx(
        ib.estimate_entropy(ib.counts([5, 3, 1])).value
    )


def test_nsb_posterior_interval_contains_mean_and_is_clipped_to_log_k():
    e = ib.estimate_entropy(
        ib.counts([2, 1]), method="nsb", alphabet_size=2, ci=0.99, base="nats"
    )
    assert e.interval_kind == "posterior"
    assert 0 <= e.low <= e.value <= e.high <= math.log(2) + 1e-12


def test_bootstrap_interval_is_reproducible_with_a_seed_and_flags_scarce_data():
    c = ib.counts([5, 3, 1, 1, 1, 1])
    a = ib.estimate_entropy(c, method="chao_wang_jost", ci=0.9, seed=7, n_boot=300)
    b = ib.estimate_entropy(c, method="chao_wang_jost", ci=0.9, seed=7, n_boot=300)
    assert a.interval == b.interval and a.interval_kind == "bootstrap"
    assert a.low < a.value < a.high
    assert any("too narrow" in n for n in a.notes)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=2, max_size=12).filter(lambda c: sum(c) > 1))
def test_bias_corrections_never_go_below_the_plugin(c):
    base = H(c, "plugin")
    # (not Grassberger: G(2) = 2 − γ − log 2 exceeds log 2, so doubletons pull it down)
    for m in ("miller_madow", "chao_shen", "chao_wang_jost"):
        assert H(c, m) >= base - 1e-9, m


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="alphabet_size"):
        ib.estimate_entropy(ib.counts([1, 2]), method="nsb")
    with pytest.raises(ValueError, match="smaller than the 3 distinct"):
        ib.estimate_entropy(ib.counts([1, 2, 3]), alphabet_size=2)
    with pytest.raises(ValueError, match="not a discrete entropy method"):
        ib.estimate_entropy([1, 2], method="nbs")
    with pytest.raises(ValueError, match="no samples"):
        ib.estimate_entropy([])
    with pytest.raises(TypeError, match="estimators need data"):
        ib.estimate_entropy(ib.logits([0.0, 1.0]))
    with pytest.raises(ValueError, match="continuous data"):
        ib.estimate_entropy(np.random.default_rng(0).standard_normal(50))
    with pytest.raises(ValueError, match="ci="):
        ib.estimate_entropy([1, 2], ci=95)


def test_bootstrap_interval_stays_within_zero_and_log_k():
    e = ib.estimate_entropy(ib.counts([30, 1]), method="miller_madow", alphabet_size=2,
                            ci=0.99, n_boot=300, seed=0, base="nats")  # fmt: skip
    assert 0.0 <= e.low <= e.high <= math.log(2)


def test_alphabet_size_can_differ_per_row_and_results_keep_the_batch_shape():
    c = np.array([[[5, 3, 0], [1, 1, 1]], [[2, 2, 2], [9, 0, 0]]])
    e = ib.estimate_entropy(ib.counts(c), alphabet_size=np.array([[3, 4], [5, 3]]))
    assert e.value.shape == (2, 2) and e.method == "nsb"
    one = ib.estimate_entropy(ib.counts(c[0, 1]), alphabet_size=4).value
    assert e.value[0, 1] == pytest.approx(one)
    assert e.support.tolist() == [[2, 3], [3, 1]]


def test_estimate_to_dict_is_json_ready():
    import json

    e = ib.estimate_entropy(["a", "b", "b"], ci=0.9, n_boot=50, seed=0)
    d = json.loads(json.dumps(e.to_dict()))
    assert d["method"] == "chao_wang_jost" and d["n"] == 3 and len(d["interval"]) == 2
    with pytest.raises(TypeError, match="holds 2 values"):
        float(ib.estimate_entropy(ib.counts([[1, 2], [3, 4]])))


def test_plugin_stderr_matches_the_simulated_spread_of_the_plugin():
    p = np.array([0.5, 0.3, 0.2])
    c = np.random.default_rng(6).multinomial(2000, p, size=3000)
    h = ib.estimate_entropy(ib.counts(c), method="plugin", base="nats")
    assert float(np.median(h.stderr)) == pytest.approx(float(np.std(h.value)), rel=0.08)


def test_huge_counts_skip_the_lookup_table_and_stay_exact():
    c = np.array([1e9, 3.0, 1.0])
    n = c.sum()
    want = math.log(n) - float(np.sum(c * D.grassberger_g(c))) / n
    assert H(c, "grassberger") == pytest.approx(want, rel=1e-14)
