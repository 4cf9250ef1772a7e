"""The layout rules shared by the figures and the explorer, without a renderer."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from infobits.plot._layout import fit_labels, spread_labels

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
