"""``infobits explain --plot FILE``: one new image with both pictures, or one error line
and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from matplotlib.image import imread

from infobits.cli import main

PNG = b"\x89PNG\r\n\x1a\n"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["explain", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_plot_writes_one_png_with_both_pictures_and_still_prints_the_table(capsys, tmp_path):
    target = tmp_path / "out.png"
    code, out, err = run(capsys, "--plot", str(target))
    assert code == 0
    assert "D(p‖q)  = 1.250 bits" in out
    assert err == f"wrote {target}: the code diagram and the decomposition\n"
    assert target.read_bytes()[:8] == PNG
    h, w = imread(target).shape[:2]
    assert w > 2 * h  # two panels side by side
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]


def test_plot_with_json_keeps_stdout_pure_json(capsys, tmp_path):
    target = tmp_path / "fig.svg"
    code, out, _ = run(
        capsys, "--p", "0.5,0.5", "--q-logits", "2,0", "--json", "--plot", str(target)
    )
    assert code == 0
    assert json.loads(out)["unit"] == "bits"
    svg = target.read_text()
    assert svg.startswith("<?xml") and "<svg" in svg


def test_plot_never_overwrites_and_prints_nothing_else(capsys, tmp_path):
    target = tmp_path / "mine.png"
    target.write_bytes(b"precious")
    code, out, err = run(capsys, "--plot", str(target))
    assert code == 2 and out == ""
    assert err == (
        f"infobits: error: --plot {target}: the file exists and infobits never overwrites a "
        "file; choose another name or remove it first\n"
    )
    assert target.read_bytes() == b"precious"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("out.gif", "'.gif' is not a format infobits draws; use .png, .svg or .pdf"),
        ("out", "'no suffix' is not a format infobits draws"),
        ("missing/out.png", "does not exist; create it first"),
    ],
)
def test_bad_plot_paths_are_one_line_errors(capsys, tmp_path, name, message):
    code, out, err = run(capsys, "--plot", str(tmp_path / name))
    assert code == 2 and out == ""
    assert err.startswith("infobits: error: --plot ") and message in err
    assert err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_invalid_distribution_with_plot_writes_no_file(capsys, tmp_path: Path):
    code, _, err = run(
        capsys, "--p", "0.5,0.4", "--q", "0.5,0.5", "--plot", str(tmp_path / "x.png")
    )
    assert code == 2 and "p sums to 0.9" in err
    assert list(tmp_path.iterdir()) == []
