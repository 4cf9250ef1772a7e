"""Failures the fuzz suite found in sequence models as coders (issue 12, item 1)."""

from __future__ import annotations

import numpy as np

from infobits.codes import codelength, decode, encode


def test_a_batch_of_one_row_is_a_batch():
    """model.batch on a one-symbol message returns shape (1, K); it was read as a
    step's output and refused as the wrong shape."""

    class OneRow:
        def __call__(self, prefix):
            return np.array([1.0])

        def batch(self, symbols):
            return np.ones((symbols.size, 1))

    data = encode([0], OneRow())
    assert decode(data, OneRow(), 1).tolist() == [0]
    assert codelength([0], OneRow()) == 0.0
