"""The figures: geometry checked against mpmath, text checked for overlaps after a real
Agg render, files checked after writing."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.image import imread

import infobits as ib
from infobits.plot import code_diagram, decomposition, explain_figure

mpmath.mp.dps = 50

ESSAY_P = [1 / 8] * 8
ESSAY_Q = [1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 64, 1 / 64, 1 / 64, 1 / 64]


def mp_h(p):
    return float(sum(mpmath.mpf(x) * mpmath.log(1 / mpmath.mpf(x), 2) for x in p if x > 0))


def mp_ce(p, q):
    return float(
        sum(
            mpmath.mpf(a) * mpmath.log(1 / mpmath.mpf(b), 2)
            for a, b in zip(p, q, strict=True)
            if a > 0
        )
    )


def container(ax, label):
    found = [c for c in ax.containers if c.get_label() == label]
    return found[0] if found else None


def artist(ax, label):
    found = [a for a in ax.get_children() if getattr(a, "get_label", lambda: "")() == label]
    return found[0] if found else None


def visible_texts(fig):
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    # Tick labels outside the view limits exist but are never drawn.
    hidden = set()
    for ax in fig.axes:
        for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                if not min(lo, hi) - 1e-9 <= tick.get_loc() <= max(lo, hi) + 1e-9:
                    hidden.update({id(tick.label1), id(tick.label2)})
    out = []
    for t in fig.findobj(matplotlib.text.Text):
        if id(t) in hidden:
            continue
        if not t.get_visible() or not t.get_text().strip():
            continue
        if t.axes is not None and not t.get_in_layout() and t.get_clip_on():
            continue
        # Text's own extent: an Annotation's would also cover its leader line.
        out.append((t.get_text(), matplotlib.text.Text.get_window_extent(t, renderer)))
    return out


def overlapping(texts):
    bad = []
    for (ta, a), (tb, b) in itertools.combinations(texts, 2):
        # A one-pixel tolerance: glyph boxes of adjacent lines touch by design.
        if a.x0 + 1 < b.x1 and b.x0 + 1 < a.x1 and a.y0 + 1 < b.y1 and b.y0 + 1 < a.y1:
            bad.append((ta, tb))
    return bad


def dirichlet(k, seed, alpha=1.0, floor=0.0):
    rng = np.random.default_rng(seed)
    x = rng.dirichlet(np.full(k, alpha)) + floor
    return x / x.sum()


def test_import_infobits_does_not_import_matplotlib():
    code = "import sys, infobits; infobits.plot; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_bars_are_as_wide_as_p_and_as_tall_as_log_one_over_q():
    fig = code_diagram(ESSAY_P, ESSAY_Q)
    ax = fig.axes[0]
    bars = container(ax, "_code").patches
    assert [b.get_width() for b in bars] == pytest.approx(ESSAY_P)
    assert [b.get_x() for b in bars] == pytest.approx(np.arange(8) / 8)
    assert [b.get_height() for b in bars] == pytest.approx([1, 2, 3, 4, 6, 6, 6, 6])


@settings(max_examples=15, deadline=None)
@given(k=st.integers(2, 16), seed=st.integers(0, 2**32 - 1))
def test_shaded_area_is_cross_entropy_and_outline_area_is_entropy(k, seed):
    p = dirichlet(k, seed, floor=0.02)
    q = dirichlet(k, seed + 1, floor=0.02)
    ax = code_diagram(p, q).axes[0]
    bars = container(ax, "_code").patches
    area = sum(b.get_width() * b.get_height() for b in bars)
    assert area == pytest.approx(mp_ce(p, q), rel=1e-12)
    best = artist(ax, "_best")
    data = best.get_data()
    values, edges = data.values, data.edges
    assert float(np.sum(values * np.diff(edges))) == pytest.approx(mp_h(p), rel=1e-12)
    longer, shorter = container(ax, "_longer"), container(ax, "_shorter")
    red = sum(b.get_width() * b.get_height() for b in longer.patches) if longer else 0.0
    green = sum(b.get_width() * b.get_height() for b in shorter.patches) if shorter else 0.0
    assert red - green == pytest.approx(mp_ce(p, q) - mp_h(p), rel=1e-9, abs=1e-12)


def test_legend_states_all_three_numbers_with_units():
    ax = code_diagram(ESSAY_P, ESSAY_Q).axes[0]
    legend = ax.get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert "D(p‖q) = H(p,q) − H(p) = 1.250 bits" in legend.get_title().get_text()
    assert any("H(p,q) = 4.250 bits" in t for t in texts)
    assert any("H(p) = 3.000 bits" in t for t in texts)
    assert ax.get_ylabel() == "code length log₂(1/qᵢ) (bits)"
    assert "probability pᵢ" in ax.get_xlabel()


def test_units_follow_base():
    ax = code_diagram(ESSAY_P, ESSAY_Q, base="nats").axes[0]
    assert ax.get_ylabel() == "code length ln(1/qᵢ) (nats)"
    bars = container(ax, "_code").patches
    assert bars[0].get_height() == pytest.approx(float(mpmath.log(2)))


def test_zero_probability_outcomes_have_no_bar():
    ax = code_diagram([0.5, 0.0, 0.5], [0.25, 0.25, 0.5]).axes[0]
    assert len(container(ax, "_code").patches) == 2
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "2"]


def test_q_zero_bar_is_cut_and_legend_says_infinite():
    ax = code_diagram([0.5, 0.5], [1.0, 0.0]).axes[0]
    assert np.isfinite(ax.get_ylim()[1])
    assert artist(ax, "_cut") is not None
    texts = " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert "∞" in texts and "1: ∞" in texts
    assert "= ∞ bits" in ax.get_legend().get_title().get_text()


def test_one_huge_length_does_not_flatten_the_rest():
    ax = code_diagram([0.01, 0.49, 0.5], [1e-30, 0.5, 0.5 - 1e-30]).axes[0]
    assert ax.get_ylim()[1] < 20  # log2(1e30) ≈ 99.7 is cut, not drawn
    assert "99.658" in " ".join(t.get_text() for t in ax.get_legend().get_texts())


@pytest.mark.parametrize("k", [2, 3, 8, 12, 16])
@pytest.mark.parametrize("shape", ["uniform", "random", "skewed"])
def test_no_text_overlaps_for_k_up_to_16(k, shape):
    if shape == "uniform":
        p = np.full(k, 1 / k)
    elif shape == "random":
        p = dirichlet(k, k, alpha=0.5)
    else:  # one outcome takes nearly everything: the rest are slivers
        p = np.full(k, 1e-3)
        p[0] = 1 - 1e-3 * (k - 1)
    q = dirichlet(k, 100 + k)
    fig = explain_figure(p, q)
    texts = visible_texts(fig)
    assert texts
    assert overlapping(texts) == []
    width, height = fig.canvas.get_width_height()
    outside = [
        t for t, b in texts if b.x0 < -1 or b.y0 < -1 or b.x1 > width + 1 or b.y1 > height + 1
    ]
    assert outside == [], "text cut off at the figure's edge"


def test_long_outcome_names_are_dropped_rather_than_overlapped():
    labels = [f"outcome number {i}" for i in range(16)]
    fig = code_diagram(np.full(16, 1 / 16), dirichlet(16, 3), labels=labels)
    shown = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert 0 < len(shown) < 16
    assert overlapping(visible_texts(fig)) == []


def test_more_than_16_outcomes_fall_back_to_plain_bars_and_fitting_labels():
    p, q = dirichlet(60, 1), dirichlet(60, 2)
    fig = code_diagram(p, q)
    ax = fig.axes[0]
    bars = container(ax, "_code").patches
    assert len(bars) == 60 and all(b.get_linewidth() == 0 for b in bars)
    assert all(b.get_hatch() is None for b in container(ax, "_longer").patches)
    assert 0 < len(ax.get_xticklabels()) < 60
    assert any("K = 60" in t.get_text() for t in ax.get_legend().get_texts())
    assert overlapping(visible_texts(fig)) == []


def test_decomposition_stacks_entropy_and_kl_to_cross_entropy():
    p, q = dirichlet(5, 7), dirichlet(5, 8)
    ax = decomposition(p, q).axes[0]
    (h_bar,) = container(ax, "_h").patches
    (kl_bar,) = container(ax, "_kl").patches
    assert h_bar.get_height() == pytest.approx(mp_h(p), rel=1e-12)
    assert kl_bar.get_y() == pytest.approx(mp_h(p), rel=1e-12)
    assert kl_bar.get_height() == pytest.approx(mp_ce(p, q) - mp_h(p), rel=1e-9)
    first_lines = [t.get_text().splitlines()[0] for t in ax.texts]
    assert first_lines[2] == f"H(p,q) = {mp_ce(p, q):.3f} bits"


def test_decomposition_labels_do_not_overlap_when_kl_is_tiny():
    p = np.array([0.5, 0.5])
    q = np.array([0.5 + 1e-6, 0.5 - 1e-6])
    fig = decomposition(p, q)
    assert any("D(p‖q) = 2.89e-12 bits" in t.get_text() for t in fig.axes[0].texts)
    assert overlapping(visible_texts(fig)) == []


def test_decomposition_with_infinite_waste_draws_an_arrow():
    fig = decomposition([0.5, 0.5], [1.0, 0.0])
    ax = fig.axes[0]
    assert np.isfinite(ax.get_ylim()[1])
    assert any(t.get_text().startswith("D(p‖q) = ∞ bits") for t in ax.texts)
    assert any(t.arrow_patch is not None and t.get_text() == "" for t in ax.texts)


def test_best_code_draws_no_waste():
    ax = code_diagram([0.5, 0.25, 0.25]).axes[0]
    assert container(ax, "_longer") is None and container(ax, "_shorter") is None
    assert "= 0.000 bits" in ax.get_legend().get_title().get_text()


def test_inputs_of_every_kind_draw_the_same_bars():
    ref = [b.get_height() for b in container(code_diagram([0.75, 0.25]).axes[0], "_code")]
    for p in (ib.counts([3, 1]), ib.logits([np.log(3), 0.0]), ib.log_probs(np.log([0.75, 0.25]))):
        got = [b.get_height() for b in container(code_diagram(p).axes[0], "_code")]
        assert got == pytest.approx(ref, rel=1e-12)


def test_draws_into_given_axes():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    assert code_diagram([0.5, 0.5], [0.9, 0.1], ax=ax) is fig
    assert fig.axes == [ax] and container(ax, "_code") is not None


def test_invalid_p_raises_the_library_error_naming_p():
    with pytest.raises(ib.DistributionError, match=r"^p sums to 0\.9"):
        code_diagram([0.5, 0.4], [0.5, 0.5])
    with pytest.raises(ib.DistributionError, match=r"^q has a negative entry"):
        decomposition([0.5, 0.5], [1.5, -0.5])


def test_mismatched_or_malformed_inputs_are_refused_with_the_fix():
    with pytest.raises(ValueError, match="p has 2 outcomes but q has 3"):
        code_diagram([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="give a 1-D vector"):
        code_diagram([[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match="labels has 1 names but p has 2 outcomes"):
        code_diagram([0.5, 0.5], labels=["a"])


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_explain_figure_writes_a_readable_file(tmp_path: Path, fmt):
    path = tmp_path / f"out.{fmt}"
    explain_figure(ESSAY_P, ESSAY_Q).savefig(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" if fmt == "png" else len(data) > 1000
    if fmt == "png":
        img = imread(path)
        assert img.shape[0] > 300 and img.shape[1] > 700
        assert img[..., :3].std() > 0.05  # not blank
    if fmt == "svg":
        text = data.decode()
        assert "H(p,q) = 4.250 bits" in text or "H(p,q)" in text


def test_explain_figure_has_both_panels():
    fig = explain_figure(ESSAY_P, ESSAY_Q)
    assert len(fig.axes) == 2
    assert container(fig.axes[0], "_code") is not None
    assert container(fig.axes[1], "_kl") is not None


def test_readme_picture_is_small_and_made_by_code_diagram():
    png = Path(__file__).parents[2] / "docs" / "img" / "code_diagram.png"
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) < 150_000
    assert imread(png).shape[1] >= 600


def test_overlap_check_finds_overlapping_text():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, "H(p) = 3.000 bits")
    ax.text(0.52, 0.5, "D(p‖q) = 1.250 bits")
    assert len(overlapping(visible_texts(fig))) == 1


def test_without_matplotlib_drawing_says_how_to_install_it():
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "import infobits as ib\n"
        "try:\n"
        "    ib.plot.code_diagram([0.5, 0.5])\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == (
        "infobits.plot needs matplotlib, which is not installed; install it with: "
        "pip install 'infobits[plot]'"
    )


def test_a_certain_outcome_draws_zero_lengths_on_a_readable_axis():
    fig = explain_figure([1.0, 0.0], [1.0, 0.0])
    for ax in fig.axes:
        assert ax.get_ylim()[1] > 1.0
    assert [b.get_height() for b in container(fig.axes[0], "_code")] == [0.0]
    assert overlapping(visible_texts(fig)) == []
