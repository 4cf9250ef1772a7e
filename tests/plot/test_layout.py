"""The layout rules shared by the figures and the explorer, without a renderer."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from infobits.plot._layout import diagram_data, fit_labels, spread_labels, y_limits

floats = st.floats(0.0, 1.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(floats, st.floats(0.001, 0.3), floats), min_size=1, max_size=30))
def test_kept_labels_never_overlap_and_the_top_priority_label_is_always_kept(items):
    c, w, pr = (np.array(x) for x in zip(*items, strict=True))
    keep = fit_labels(c, w, pr)
    idx = np.flatnonzero(keep)
    for a in idx:
        for b in idx:
            if a < b:
                assert c[a] + w[a] / 2 <= c[b] - w[b] / 2 or c[b] + w[b] / 2 <= c[a] - w[a] / 2
    assert keep[int(np.argmax(pr))]


def test_a_label_is_dropped_only_for_an_overlapping_one():
    keep = fit_labels([0.1, 0.3, 0.5], [0.1, 0.1, 0.1], [1, 1, 1])
    assert keep.tolist() == [True, True, True]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=5), st.floats(0.01, 0.15))
def test_spread_labels_keep_order_and_minimum_gap(wanted, gap):
    y = spread_labels(wanted, gap)
    order = np.argsort(np.asarray(wanted), kind="stable")
    s = y[order]
    assert np.all(np.diff(s) >= gap - 1e-12)
    if len(wanted) * gap <= 1.0:
        assert s[-1] <= 1.0 + 1e-12


def test_diagram_geometry_is_cumulative_and_infinite_where_q_is_zero():
    d = diagram_data([0.5, 0.25, 0.25], [0.5, 0.5, 0.0])
    assert d.x0.tolist() == [0.0, 0.5, 0.75]
    assert d.code_length.tolist() == [1.0, 1.0, np.inf]
    assert d.cross_entropy == np.inf and d.kl_divergence == np.inf
    top, cap = y_limits(d)
    assert np.isfinite(top) and cap < top


def test_no_cut_when_lengths_are_comparable():
    top, cap = y_limits(diagram_data([1 / 8] * 8, [1 / 2, 1 / 4, 1 / 8, 1 / 16] + [1 / 64] * 4))
    assert cap == np.inf and 6.0 < top < 7.0
