"""The Estimate type: float conversion, interval ends, JSON and the one-line repr."""

from __future__ import annotations

import json

import numpy as np
import pytest

from infobits import Estimate


def test_scalar_estimate_converts_to_float_and_exposes_interval_ends():
    e = Estimate(value=np.float64(1.25), interval=(1.0, 1.5), level=0.9, interval_kind="bootstrap")
    assert float(e) == 1.25 and (e.low, e.high) == (1.0, 1.5)
    assert Estimate(value=2.0).low is None


def test_batched_estimate_refuses_float_and_reprs_its_size():
    e = Estimate(value=np.zeros((2, 3)), method="zhang")
    with pytest.raises(TypeError, match="6 values"):
        float(e)
    assert "6 values" in repr(e)


def test_to_dict_is_plain_json():
    e = Estimate(
        value=np.float64(0.5),
        stderr=np.float64(0.1),
        interval=(np.float64(0.3), np.float64(0.7)),
        level=0.95,
        n=(np.int64(3), np.int64(4)),
        notes=("a note",),
    )
    d = json.loads(json.dumps(e.to_dict()))
    assert d["value"] == 0.5 and d["interval"] == [0.3, 0.7] and d["n"] == [3, 4]
    assert d["notes"] == ["a note"]


def test_repr_reads_as_a_sentence():
    e = Estimate(value=1.5, stderr=0.1, interval=(1.3, 1.7), level=0.95,
                 interval_kind="posterior", method="nsb", n=20, support=5)  # fmt: skip
    assert repr(e) == (
        "Estimate(entropy = 1.5 bits ± 0.1, 95% posterior interval [1.3, 1.7], "
        "method='nsb', n=20, support=5)"
    )
