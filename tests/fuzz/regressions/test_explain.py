"""Failures found by fuzzing and trying ``infobits explain``, the command line's start-up
and the explorer's API, each kept as an explicit example (issue 10, items 12 and 13;
issue 13)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings

import pytest
from fastapi.testclient import TestClient

from infobits.cli import main
from infobits.explain import explanation
from infobits.explore import create_app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(), raise_server_exceptions=False)


def test_item_12_huge_weights_print_no_numpy_warning_before_the_error(capsys) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code = main(["explain", "--p", "1e308,1e308", "--q", "0.5,0.5"])
    _, err = capsys.readouterr()
    assert code == 2 and err.startswith("infobits: error: p sums to inf")
    assert err.count("\n") == 1


def test_item_12_counts_whose_total_overflows_still_explain() -> None:
    r = TestClient(create_app()).post(
        "/api/diagram", json={"p": [1e308, 1e308], "q": [1, 3], "kind": "counts"}
    )
    assert r.status_code == 200
    assert r.json()["entropy"] == 1.0 and r.json()["p"] == [0.5, 0.5]


def test_item_12_ctrl_c_while_importing_is_one_line_and_130() -> None:
    code = (
        "import sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'numpy':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "from infobits.cli import main\n"
        "main()\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, "explain"], capture_output=True, text=True, check=False
    )
    assert (r.returncode, r.stdout, r.stderr) == (130, "", "infobits: interrupted\n")


@pytest.mark.parametrize(
    "body",
    [
        {"p": ["0.5", 0.5], "q": [0.5, 0.5]},
        {"p": [True, False], "q": [0.5, 0.5]},
        {"p": [0.5, 0.5], "q": [0.5, 0.5], "base": True},
        {"p": [0.5, 0.5], "q": [0.5, 0.5], "n": "10"},
        {"p": [0.5, 0.5], "q": [0.5, 0.5], "n": True},
    ],
)
def test_item_13_numeric_strings_and_booleans_are_refused(client, body) -> None:
    path = "/api/sample" if "n" in body else "/api/diagram"
    r = client.post(path, json=body)
    assert r.status_code == 422


def test_item_13_a_100_kb_header_is_refused(client) -> None:
    assert client.get("/api/presets", headers={"x-pad": "a" * 100_000}).status_code == 431


def test_item_13_base_e_is_accepted_by_the_api(client) -> None:
    r = client.post("/api/diagram", json={"p": [0.5, 0.5], "q": [0.5, 0.5], "base": "e"})
    assert r.status_code == 200 and r.json()["unit"] == "nats"
    assert r.json()["entropy"] == pytest.approx(math.log(2), rel=1e-15)


def test_issue_13_one_sample_does_not_claim_the_ideal_length() -> None:
    e = explanation([1 / 8] * 8, [1 / 2, 1 / 4, 1 / 8, 1 / 16] + [1 / 64] * 4, samples=1)
    assert e.sample is not None and "lands on -log2 q(xⁿ):" not in e.sample.reading
    row = e.sample.row("arithmetic code for q")
    assert row.bits == pytest.approx(row.ideal + row.overhead) and row.overhead > row.ideal


def test_issue_13_q_of_one_eighth_is_echoed_as_typed(capsys) -> None:
    assert main(["explain", "--p", "1/8,7/8", "--q", "1/8,7/8", "--samples", "0", "--json"]) == 0
    e = json.loads(capsys.readouterr().out)
    assert e["outcomes"][0]["q"] == 0.125 and "0.12500000000000003" not in json.dumps(e)


def test_issue_13_huffman_bits_on_the_page_are_the_bytes_written(client) -> None:
    body = {"p": [1, 1, 1], "q": [1, 1, 1], "kind": "counts", "n": 3, "seed": 0}
    rows = client.post("/api/sample", json=body).json()["codes"]
    huff = next(r for r in rows if r["code"] == "Huffman code for p")
    assert huff["bits"] == 8 * huff["bytes"] and huff["overhead"] > 0


def test_sample_refuses_a_bad_base_although_its_bits_are_always_bits(client) -> None:
    body = {"p": [0.5, 0.5], "q": [0.25, 0.75], "base": "0.5", "n": 10}
    r = client.post("/api/sample", json=body)
    assert r.status_code == 422 and "base='0.5' is not a known unit" in r.json()["detail"]


def test_a_base_below_one_makes_an_infinite_cost_minus_infinity(capsys) -> None:
    # log base 0.5 of 1/q is negative: an impossible outcome costs -inf such units
    argv = ["explain", "--p", "0,1", "--q", "1,0", "--base", "0.5", "--samples", "0", "--json"]
    assert main(argv) == 0
    e = json.loads(capsys.readouterr().out)
    assert e["cross_entropy"] == "-inf" and e["kl_divergence"] == "-inf"
    assert e["entropy"] == 0.0
