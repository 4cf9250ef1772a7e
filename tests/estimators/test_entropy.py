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
    e = ib.estimate_entropy(ib.counts([2, 1]), method="nsb", alphabet_size=2, ci=0.99, base="nats")
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


# --- honest intervals: auto's bias-aware interval, one-sided intervals, estimates outside


def test_auto_says_what_it_chose_and_why():
    e = ib.estimate_entropy(ib.counts([10, 5, 3, 1, 1]), base="nats")
    assert e.method == "chao_wang_jost" and e.notes[0].startswith("auto chose chao_wang_jost")
    k = ib.estimate_entropy(ib.counts([10, 5, 3, 1, 1]), alphabet_size=8, base="nats")
    assert k.method == "nsb" and k.notes[0].startswith("auto chose nsb")
    assert not any("auto chose" in n for n in ib.estimate_entropy([1, 2], method="plugin").notes)


def test_bias_aware_interval_follows_its_formula():
    # [H − z s (1 + u/2), H + z s (1 + u/2) + 2u z/z95], u = f1/N, s the bootstrap SD
    c = [40, 20, 10, 5, 5, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1]
    e = ib.estimate_entropy(ib.counts(c), ci=0.9, n_boot=400, seed=3, base="nats")
    assert e.interval_kind == "bias-aware"
    u, z, z95 = 8 / 95, 1.6448536269514722, 1.959963984540054
    half = z * e.stderr * (1 + 0.5 * u)
    assert e.low == pytest.approx(e.value - half, rel=1e-12)
    assert e.high == pytest.approx(e.value + half + 2 * u * z / z95, rel=1e-12)
    cwj = ib.estimate_entropy(ib.counts(c), method="chao_wang_jost", base="nats").value
    assert e.value == pytest.approx(cwj)


def test_mostly_singletons_give_a_one_sided_interval_with_a_note():
    c = [3, 2] + [1] * 30  # 30 of 35 samples seen once
    e = ib.estimate_entropy(ib.counts(c), ci=0.95, n_boot=200, seed=0, base="nats")
    assert e.interval_kind == "one-sided" and e.high == math.inf
    # the lower end is the plug-in's one-sided 95% bound, below the estimate
    plug = ib.estimate_entropy(ib.counts(c), method="plugin", base="nats")
    assert e.low == pytest.approx(plug.value - 1.6448536269514722 * plug.stderr)
    assert e.low < e.value
    note = next(n for n in e.notes if n.startswith("one-sided interval"))
    assert "86% of the samples were seen once" in note and "no upper limit" in note
    assert not any(n.startswith("bias-aware interval") for n in e.notes)
    # with K given, the upper end is log K; any method, not only auto
    k = ib.estimate_entropy(ib.counts(c), method="miller_madow", alphabet_size=500,
                            ci=0.95, n_boot=200, seed=0, base="nats")  # fmt: skip
    assert k.interval_kind == "one-sided" and k.high == pytest.approx(math.log(500))
    assert "an upper end of log K" in next(n for n in k.notes if n.startswith("one-sided"))


def test_one_sided_rows_in_a_batch_are_counted_in_the_note():
    e = ib.estimate_entropy(ib.counts([[20, 10, 5, 1, 1], [2, 1, 1, 1, 1]]), ci=0.95,
                            n_boot=100, seed=0, base="nats")  # fmt: skip
    assert np.isfinite(e.high[0]) and e.high[1] == math.inf
    assert e.interval_kind == "bias-aware"
    assert any(n.startswith("one-sided interval: 1 of 2 rows") for n in e.notes)


def test_an_estimate_outside_its_basic_bootstrap_interval_is_noted_and_reached():
    # Chao–Shen's estimate can fall outside its basic bootstrap interval on heavy tails
    p = 1 / np.arange(1, 2001)
    c = np.random.default_rng(0).multinomial(1500, p / p.sum(), size=200)
    e = ib.estimate_entropy(ib.counts(c), method="chao_shen", ci=0.95, n_boot=200, seed=0)
    at_edge = int(np.sum((e.value == e.low) | (e.value == e.high)))
    assert at_edge > 0
    note = next(n for n in e.notes if "lies outside the bootstrap interval" in n)
    assert note.startswith(f"in {at_edge} of 200 rows") and "widened" in note
    assert np.all(e.low <= e.value) and np.all(e.value <= e.high)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(0, 12), min_size=2, max_size=10).filter(lambda c: sum(c) > 2),
    st.sampled_from(["plugin", "miller_madow", "grassberger", "zhang", "chao_shen",
                     "chao_wang_jost", "jvhw", "jackknife", "auto"]),
)  # fmt: skip
def test_every_interval_holds_its_estimate(c, method):
    e = ib.estimate_entropy(ib.counts(c), method=method, ci=0.9, n_boot=50, seed=1)
    assert e.low <= e.value <= e.high


def _stdlib_words() -> np.ndarray:
    """The stdlib word population of benchmarks/_words.py: every .py file of the standard
    library (site-packages excluded), words = runs of ASCII letters, lowercased."""
    import re
    import sysconfig
    from collections import Counter
    from pathlib import Path

    root = Path(sysconfig.get_paths()["stdlib"])
    tally: Counter[str] = Counter()
    word = re.compile(r"[A-Za-z]+")
    for path in sorted(root.rglob("*.py")):
        parts = set(path.relative_to(root).parts)
        if path.is_symlink() or not path.is_file() or parts & {"site-packages", "dist-packages"}:
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        tally.update(w.lower() for w in word.findall(text))
    return np.array(sorted(tally.values(), reverse=True), dtype=np.float64)


def test_auto_covers_the_entropy_of_real_word_frequencies():
    # heavy-tailed real data: 40 samples of N = 1000 words from the standard library's
    # sources (H ≈ 7 nats, ~4e4 distinct words). Before the bias-aware interval, every
    # method's 95% interval covered it 0% of the time.
    counts = _stdlib_words()
    p = counts / counts.sum()
    truth = float(-(p * np.log(p)).sum())
    c = np.random.default_rng(11).multinomial(1000, p, size=40)
    c = -np.sort(-c, axis=1)[:, : int((c > 0).sum(axis=1).max())]
    e = ib.estimate_entropy(ib.counts(c), ci=0.95, n_boot=200, seed=5, base="nats")
    covered = (e.low <= truth) & (truth <= e.high)
    assert covered.mean() >= 0.8
    two = np.isfinite(e.high)
    assert two.mean() >= 0.5 and np.all((e.high - e.low)[two] < 1.5)
