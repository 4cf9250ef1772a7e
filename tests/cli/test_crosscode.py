"""``infobits crosscode A --like B``: the table, the JSON, and the excess against KL."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import infobits as ib
from infobits.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(4)
    a = tmp_path / "a.bin"
    b = tmp_path / "b.bin"
    a.write_bytes(rng.choice(30, 80_000, p=rng.dirichlet(np.ones(30))).astype(np.uint8).tobytes())
    b.write_bytes(rng.choice(30, 30_000, p=rng.dirichlet(np.ones(30))).astype(np.uint8).tobytes())
    return a, b


def test_json_excess_matches_kl_computed_by_the_measures(capsys, files):
    a, b = files
    code, out, err = run(capsys, "crosscode", str(a), "--like", str(b), "--json")
    assert code == 0, err
    r = json.loads(out)
    ca = np.bincount(np.frombuffer(a.read_bytes(), np.uint8), minlength=256)
    cb = np.bincount(np.frombuffer(b.read_bytes(), np.uint8), minlength=256)
    p = ca / ca.sum()
    q = (cb + 0.5) / (cb.sum() + 128)
    assert r["entropy"] == pytest.approx(float(ib.entropy(p)), rel=1e-12)
    assert r["kl_divergence"] == pytest.approx(float(ib.kl_divergence(p, q)), rel=1e-9)
    assert abs(r["excess_bits"] - r["n_a"] * r["kl_divergence"]) <= 0.001 * r["ideal_cross_bits"]


def test_table_shows_the_three_rows(capsys, files):
    a, b = files
    code, out, _ = run(capsys, "crosscode", str(a), "--like", str(b))
    assert code == 0
    assert "H(A)" in out and "H(A,B)" in out and "D(A‖B)" in out
    assert "n·D(A‖B) predicts" in out


def test_alpha_zero_with_unseen_bytes_is_a_one_line_error(capsys, tmp_path):
    a = tmp_path / "a"
    b = tmp_path / "b"
    a.write_bytes(b"abcz")
    b.write_bytes(b"abc")
    code, _, err = run(capsys, "crosscode", str(a), "--like", str(b), "--alpha", "0")
    assert code == 2 and "never occur in B" in err and err.count("\n") == 1
    code, _, err = run(capsys, "crosscode", str(a), "--like", str(b), "--alpha", "-1")
    assert code == 2 and "--alpha" in err
    code, _, err = run(capsys, "crosscode", str(a), "--like", str(tmp_path / "nope"))
    assert code == 2 and "does not exist" in err


def test_file_names_that_look_like_markup_are_printed_as_they_are(capsys, tmp_path):
    a = tmp_path / "[bold]a.txt"
    b = tmp_path / "[red]b.txt"
    a.write_bytes(b"abracadabra")
    b.write_bytes(b"abcd")
    code, out, _ = run(capsys, "crosscode", str(a), "--like", str(b))
    assert code == 0
    flat = " ".join(out.split())
    assert "[bold]a.txt" in flat and "[red]b.txt" in flat


def test_a_one_byte_file_reports_zero_own_bits_without_a_sign(capsys, tmp_path):
    a = tmp_path / "one"
    a.write_bytes(b"x")
    code, out, _ = run(capsys, "crosscode", str(a), "--like", str(a), "--json")
    assert code == 0
    assert str(json.loads(out)["ideal_own_bits"]) == "0.0"


def test_a_code_below_the_coders_resolution_is_noted(capsys, tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_bytes(b"abcabcabcxyz" * 50)
    b.write_bytes(b"abc" * 100)
    code, out, _ = run(capsys, "crosscode", str(a), "--like", str(b), "--alpha", "1e-9", "--json")
    assert code == 0
    d = json.loads(out)
    assert len(d["notes"]) == 1 and "3 byte value(s)" in d["notes"][0]
    # the note is true: the stream is shorter than the ideal cross-entropy length
    assert d["arithmetic_cross_bits"] < d["ideal_cross_bits"]
    code, out, _ = run(capsys, "crosscode", str(a), "--like", str(b), "--json")
    assert json.loads(out)["notes"] == []
    code, out, _ = run(capsys, "crosscode", str(a), "--like", str(b), "--alpha", "1e-9")
    assert "below 2^-24" in " ".join(out.split())
