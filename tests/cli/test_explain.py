"""``infobits explain`` prints the documented numbers, and fails in one line."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from infobits.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_default_example_shows_the_essay_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain")
    assert code == 0
    assert "the best code for p averages 3.000 bits" in out
    assert "the code built for q averages 4.250 bits on data from p" in out
    assert "1.250 bits a symbol are wasted" in out


def test_json_has_per_outcome_rows_and_totals(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "--p", "1/2,1/4,1/4", "--q", "1/4,1/4,1/2", "--json")
    assert code == 0
    e = json.loads(out)
    assert e["unit"] == "bits"
    assert e["entropy"] == pytest.approx(1.5)
    assert e["cross_entropy"] == pytest.approx(0.5 * 2 + 0.25 * 2 + 0.25 * 1)
    assert e["kl_divergence"] == pytest.approx(e["cross_entropy"] - e["entropy"])
    assert [r["code_length"] for r in e["outcomes"]] == pytest.approx([2, 2, 1])
    assert [r["contribution"] for r in e["outcomes"]] == pytest.approx([1, 0.5, 0.25])


def test_logits_and_nats(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "explain", "--p", "0.5,0.5", "--q-logits", "0,0", "--base", "nats", "--json"
    )
    e = json.loads(out)
    assert code == 0 and e["unit"] == "nats"
    assert e["kl_divergence"] == pytest.approx(0.0, abs=1e-15)
    assert e["outcomes"][0]["q"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--p", "0.5,x", "--q", "0.5,0.5"], "--p: item 2 ('x') is not a number"),
        (["--p", "0.5,0.5", "--q", "0.2,0.3,0.5"], "--p has 2 values but --q has 3"),
        (["--p", "0.5,0.5", "--q", "0.3,0.3"], "q sums to 0.6"),
        (["--p", "0.5,0.5"], "--q is missing"),
        (["--q", "0.5,0.5"], "--p is missing"),
        (["--base", "1"], "--base"),
        (["--p", "0.5,0.5", "--q", "1,0", "--q-logits", "0,0"], "not both"),
        (["--bogus"], "No such option"),
    ],
)
def test_bad_arguments_print_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "explain", *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("infobits: error: ")
    assert message in err


def test_impossible_outcome_reads_as_infinite_cost(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "--p", "0.5,0.5", "--q", "1,0")
    assert code == 0
    assert "infinite" in out


def test_console_script_exits_2_without_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from infobits.cli import main; main()", "explain", "--p", "1,2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_json_with_an_infinite_cost_is_strict_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "--p", "0.5,0.5", "--q", "1,0", "--json")
    assert code == 0

    def refuse(name: str) -> None:
        raise AssertionError(f"non-standard JSON constant {name}")

    e = json.loads(out, parse_constant=refuse)
    assert e["cross_entropy"] == "inf" and e["kl_divergence"] == "inf"
    assert e["outcomes"][1]["code_length"] == "inf"


@pytest.mark.parametrize("n", ["-1", "10000000000", "99999999999999999999"])
def test_samples_out_of_range_fail_in_one_line(capsys: pytest.CaptureFixture[str], n: str) -> None:
    code, out, err = run(capsys, "explain", "--samples", n)
    assert code == 2 and out == ""
    assert err.startswith(f"infobits: error: --samples {n} ") and err.count("\n") == 1


def test_a_certain_outcome_gets_the_empty_codeword_and_an_impossible_one_none(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "explain", "--p", "0.5,0.5", "--q", "1,0", "--samples", "0")
    assert code == 0
    rows = [line for line in out.splitlines() if "(empty)" in line or "(none)" in line]
    assert len(rows) == 2
    cells = [[c.strip() for c in r.split("│")[1:3]] for r in rows]
    assert cells == [["0", "(empty)"], ["1", "(none)"]]


def test_a_certain_outcome_and_a_typed_minus_zero_show_no_negative_zero(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "explain", "--p", "1,-0", "--q", "1,0", "--samples", "10")
    assert code == 0
    assert "-0" not in out
    assert "the best code for p averages 0.000 bits" in out
    code, out, _ = run(capsys, "explain", "--p", "1", "--q", "1", "--json")
    e = json.loads(out)
    ideal_p = e["sample"]["codes"][0]["ideal_per_symbol"]
    for v in (e["entropy"], e["cross_entropy"], ideal_p):
        assert v == 0 and str(v) == "0.0"


def test_base_e_means_nats(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "explain", "--base", "e", "--samples", "0", "--json")
    assert code == 0, err
    e = json.loads(out)
    assert e["unit"] == "nats"
    assert e["entropy"] == pytest.approx(3 * math.log(2))


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--p", "0.5,0.6", "--q", "0.5,0.5"], "if --p holds counts or weights, divide them"),
        (["--p", "0.5,0.5", "--q", "-0.5,1.5"], "give them with --q-logits"),
    ],
)
def test_errors_speak_of_options_not_python_calls(
    capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    code, out, err = run(capsys, "explain", *args)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert said in err and "ib." not in err and "axis" not in err


def test_huge_weights_give_one_line_and_no_numpy_warning() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "infobits", "explain", "--p", "1e308,1e308", "--q", "0.5,0.5"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("infobits: error: p sums to inf")
    assert proc.stderr.count("\n") == 1 and "Warning" not in proc.stderr


def test_many_outcomes_show_first_and_last_rows_and_json_has_all(
    capsys: pytest.CaptureFixture[str],
) -> None:
    k = 10_000
    p = ",".join(["1/10000"] * k)
    code, out, _ = run(capsys, "explain", "--p", p, "--q", p, "--samples", "1000")
    assert code == 0
    firsts = [line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│")]
    assert firsts[:10] == [str(i) for i in range(10)]
    assert "…" in firsts and str(k - 1) in firsts and "5000" not in firsts
    assert f"{k - 20} of {k} outcomes not shown (--json lists all)" in out
    code, out, _ = run(capsys, "explain", "--p", p, "--q", p, "--samples", "0", "--json")
    e = json.loads(out)
    assert len(e["outcomes"]) == k and len(e["huffman"]["q"]["codewords"]) == k
    assert e["entropy"] == pytest.approx(math.log2(k), rel=1e-13)


def test_seed_changes_the_draw_and_is_echoed(capsys: pytest.CaptureFixture[str]) -> None:
    runs = []
    for seed in ("1", "2", "1"):
        code, out, _ = run(capsys, "explain", "--samples", "50", "--seed", seed, "--json")
        assert code == 0
        runs.append(json.loads(out)["sample"])
    assert runs[0] == runs[2] and runs[0]["histogram"] != runs[1]["histogram"]
    assert runs[1]["seed"] == 2
    code, out, err = run(capsys, "explain", "--seed", "-1")
    assert code == 2 and err.startswith("infobits: error: --seed -1 ")


@pytest.mark.parametrize(
    ("base", "unit", "scale"),
    [
        ("e", "nats", math.log(2)),
        ("nats", "nats", math.log(2)),
        ("bits", "bits", 1.0),
        ("2", "bits", 1.0),
        ("bans", "bans", math.log10(2)),
        ("10", "bans", math.log10(2)),
    ],
)
def test_every_unit_name_and_number_is_accepted(
    capsys: pytest.CaptureFixture[str], base: str, unit: str, scale: float
) -> None:
    code, out, _ = run(capsys, "explain", "--base", base, "--samples", "0", "--json")
    assert code == 0
    e = json.loads(out)
    assert e["unit"] == unit
    assert e["entropy"] == pytest.approx(3 * scale, rel=1e-15)


def test_small_samples_never_claim_the_arithmetic_code_lands_on_the_ideal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "explain", "--samples", "1")
    assert code == 0
    text = " ".join(out.split())
    assert "lands on -log2 q(xⁿ):" not in text
    assert "bits of overhead (mostly the coder's flush and the padding of the last byte)" in text
    code, out, _ = run(capsys, "explain")
    assert "The arithmetic code lands on -log2 q(xⁿ):" in " ".join(out.split())


def test_readme_quick_start_shows_the_real_output_of_make_demo(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme.split("$ make demo\n", 1)[1].split("```", 1)[0].splitlines()
    assert block[0] == ".venv/bin/infobits explain"  # what make echoes
    monkeypatch.setenv("COLUMNS", "80")  # a terminal as wide as the README's block
    code, out, _ = run(capsys, "explain")
    assert code == 0
    real = [line.rstrip() for line in out.splitlines()]
    shown = [line.rstrip() for line in block[1:]]
    assert "…" in shown  # abridged, and visibly so
    at = 0
    for line in shown:
        if line == "…":
            continue
        assert line in real[at:], f"not in the real output (in order): {line!r}"
        at = real.index(line, at) + 1


def test_fractions_are_rounded_once_as_fraction_would() -> None:
    import random
    from fractions import Fraction

    from infobits.cli._common import parse_vector

    rng = random.Random(3)
    toks = [
        f"{rng.randrange(10 ** rng.randrange(1, 17))}/{rng.randrange(1, 10**17)}"
        for _ in range(500)
    ]
    toks += ["1/3", "2/3", "9007199254740993/9007199254740995", "-1/8", "+3/4"]
    assert parse_vector(",".join(toks), "--p").tolist() == [float(Fraction(t)) for t in toks]
