"""``infobits estimate``: estimates, intervals and JSON from files; one-line errors, exit 2."""

from __future__ import annotations

import json

import numpy as np
import pytest

import infobits as ib
from infobits.cli import main


def _csv(path, rows, header="v"):
    path.write_text(header + "\n" + "".join(f"{r}\n" for r in rows))
    return path


def test_json_matches_the_python_api(tmp_path, capsys):
    vals = np.random.default_rng(0).integers(0, 30, 400)
    f = _csv(tmp_path / "d.csv", vals)
    assert main(["estimate", str(f), "-c", "v", "--json", "--seed", "3"]) == 0
    out = json.loads(capsys.readouterr().out)
    want = ib.estimate_entropy(vals, ci=0.95, seed=3)
    assert out["value"] == pytest.approx(want.value)
    assert out["interval"] == pytest.approx(list(want.interval))
    assert out["method"] == "chao_wang_jost" and out["n"] == 400


def test_text_report_shows_estimate_interval_and_method(tmp_path, capsys):
    f = _csv(tmp_path / "d.csv", ["a", "b", "a", "c"] * 30)
    assert main(["estimate", str(f), "-c", "v", "-k", "3", "--base", "nats"]) == 0
    out = capsys.readouterr().out
    assert "estimate" in out and "95% interval" in out and "nsb" in out and "nats" in out


def test_kl_against_a_second_file_and_column(tmp_path, capsys):
    pq = pytest.importorskip("pyarrow.parquet")
    pa = pytest.importorskip("pyarrow")
    a = _csv(tmp_path / "a.csv", [0] * 80 + [1] * 20)
    b = tmp_path / "b.parquet"
    pq.write_table(pa.table({"w": [0] * 50 + [1] * 50}), b)
    argv = ["estimate", str(a), "-c", "v", "--vs", str(b), "-c", "w", "--method", "plugin"]
    assert main([*argv, "--json", "--base", "nats", "--ci", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    q = np.array([50.5, 50.5]) / 101
    assert out["value"] == pytest.approx(0.8 * np.log(0.8 / q[0]) + 0.2 * np.log(0.2 / q[1]))
    assert out["quantity"] == "kl_divergence" and out["interval"] is None
    assert main([*argv, "--measure", "cross-entropy"]) == 0
    assert "cross entropy" in capsys.readouterr().out


@pytest.mark.parametrize(
    "content,args,message",
    [
        ("v\n1\n", ["-c", "nope"], "column 'nope' is not in"),
        ("", ["-c", "v"], "empty"),
        ("v\n", ["-c", "v"], "no values"),
        ("v\n1\n2\nx\n", ["-c", "v"], "mixes types"),
        ("v\n1\n", ["-c", "v", "--method", "magic"], "not a discrete entropy method"),
        ("v\n1\n", ["-c", "v", "--measure", "kl"], "--vs"),
        ("v\n1\n2\n", ["-c", "v", "--ci", "2"], "coverage"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(tmp_path, capsys, content, args, message):
    f = tmp_path / "d.csv"
    f.write_text(content)
    assert main(["estimate", str(f), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("infobits: error:") and message in err
    assert err.count("\n") == 1


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["estimate", str(tmp_path / "none.csv"), "-c", "v"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_as_text_counts_a_mixed_column(tmp_path, capsys):
    f = _csv(tmp_path / "d.csv", [1, 2, "x"])
    assert main(["estimate", str(f), "-c", "v", "--as-text", "--json", "--method", "plugin"]) == 0
    assert json.loads(capsys.readouterr().out)["support"] == 3


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [
        ("--ci", "nan", "--ci nan"),
        ("--n-boot", "100000000000000000000", "--n-boot"),
        ("--n-boot", "1", "--n-boot"),
        ("--seed", "-1", "--seed -1"),
    ],
)
def test_bad_numbers_fail_in_one_line_naming_the_option(capsys, tmp_path, option, value, named):
    f = tmp_path / "s.csv"
    f.write_text("x\na\nb\na\nc\n")
    code = main(["estimate", str(f), "-c", "x", option, value])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("infobits: error: ") and named in err and err.count("\n") == 1


def test_a_base_below_one_keeps_the_interval_ordered_and_the_stderr_positive(tmp_path, capsys):
    # log base 1/2 is -log2: every value changes sign, an interval's ends swap places
    f = _csv(tmp_path / "s.csv", ["a", "b", "a", "c", "b", "a", "d", "a"])
    runs = {}
    for base in ("2", "0.5"):
        code = main(["estimate", str(f), "-c", "v", "--base", base, "--seed", "1", "--json"])
        out, _ = capsys.readouterr()
        assert code == 0
        runs[base] = json.loads(out)
    two, half = runs["2"], runs["0.5"]
    assert half["value"] == pytest.approx(-two["value"])
    assert half["stderr"] == pytest.approx(two["stderr"]) and half["stderr"] > 0
    assert half["interval"] == pytest.approx([-two["interval"][1], -two["interval"][0]])


def test_an_alphabet_size_beyond_int64_is_taken_as_the_number_it_is(tmp_path, capsys):
    f = _csv(tmp_path / "s.csv", ["a", "b", "a", "c"])
    k = 10**20
    code = main(["estimate", str(f), "-c", "v", "-k", str(k), "-m", "plugin", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["alphabet_size"] == pytest.approx(k)
    code = main(["estimate", str(f), "-c", "v", "-k", str(10**400)])
    out, err = capsys.readouterr()
    assert code == 2 and "too large" in err and err.count("\n") == 1


def test_nsb_settles_as_the_alphabet_grows_without_bound(tmp_path, capsys):
    # With coincidences in the sample the NSB posterior has a finite limit as K -> inf;
    # at K = 1e12 the likelihood once lost all precision and the answer jumped to log2 K.
    f = _csv(tmp_path / "s.csv", ["a", "b", "a", "c"])
    values = []
    for k in ("1000000000", "1000000000000", "100000000000000000000"):
        code = main(["estimate", str(f), "-c", "v", "-k", k, "-m", "nsb", "--json"])
        out, err = capsys.readouterr()
        assert code == 0, err
        values.append(json.loads(out)["value"])
    assert values[1] == pytest.approx(values[0], abs=1e-4)
    assert values[2] == pytest.approx(values[0], abs=1e-4)


def test_a_missing_column_error_stays_short_when_the_header_is_huge(tmp_path, capsys):
    f = tmp_path / "notes.txt"
    f.write_text("hello world " * 1000 + "\nmore text\n")
    code = main(["estimate", str(f), "-c", "x"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "column 'x' is not in notes.txt" in err and len(err) < 300


def test_the_delimiter_follows_the_suffix_not_a_tsv_inside_the_name(tmp_path, capsys):
    f = _csv(tmp_path / "a.tsv.backup.csv", ["a,1", "b,2", "a,3"], header="v,w")
    code = main(["estimate", str(f), "-c", "v", "-m", "plugin", "--ci", "0", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["n"] == 3
    t = tmp_path / "b.tsv"
    t.write_text("v\tw\na\t1\nb\t2\n")
    assert main(["estimate", str(t), "-c", "v", "--ci", "0"]) == 0


@pytest.mark.parametrize("values", [[[1, 2], [3], [1, 2]], [{"a": 1}, {"a": 2}, {"a": 1}]])
def test_a_parquet_column_of_lists_or_structs_fails_in_one_worded_line(tmp_path, capsys, values):
    import pyarrow as pa
    import pyarrow.parquet as pq

    f = tmp_path / "t.parquet"
    pq.write_table(pa.table({"v": values}), f)
    code = main(["estimate", str(f), "-c", "v"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("infobits: error: ") and "not symbols" in err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["-k", "2"], "--alphabet-size 2 is smaller than the 3 distinct symbols seen in column"),
        (["-m", "nsb"], "pass --alphabet-size K"),
        (["-m", "foo"], "--method foo is not"),
    ],
)
def test_errors_name_the_options_not_the_python_arguments(tmp_path, capsys, args, said):
    f = _csv(tmp_path / "s.csv", ["a", "b", "a", "c"])
    code = main(["estimate", str(f), "-c", "v", *args])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert said in err
    assert "alphabet_size" not in err and "method=" not in err


def test_a_column_name_that_appears_twice_is_refused_not_guessed(tmp_path, capsys):
    f = tmp_path / "dup.csv"
    f.write_text("v,v\na,1\nb,2\n")
    code = main(["estimate", str(f), "-c", "v"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and "2 columns named 'v'" in err and err.count("\n") == 1


def test_a_damaged_gzip_file_is_named_in_its_error(tmp_path, capsys):
    f = tmp_path / "junk.csv.gz"
    f.write_bytes(bytes(range(100)))
    code = main(["estimate", str(f), "-c", "v"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("infobits: error: cannot read junk.csv.gz as CSV")


def test_damage_deep_inside_a_gzip_file_is_named_in_its_error(tmp_path, capsys, monkeypatch):
    import gzip

    import pyarrow.csv as pcsv

    from infobits.estimators import _files

    # small read blocks, so that the damage lies past the block the header is read from
    monkeypatch.setattr(
        _files,
        "_csv_options",
        lambda path: (pcsv.ParseOptions(delimiter=","), pcsv.ReadOptions(block_size=1 << 12)),
    )
    rows = "".join(f"{i * 7919 % 100003}\n" for i in range(40_000))
    blob = bytearray(gzip.compress(("v\n" + rows).encode(), compresslevel=1))
    blob[int(len(blob) * 0.8)] ^= 0xFF
    f = tmp_path / "deep.csv.gz"
    f.write_bytes(bytes(blob))
    code = main(["estimate", str(f), "-c", "v", "--ci", "0"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("infobits: error: cannot read deep.csv.gz as CSV")


def test_a_damaged_parquet_row_group_is_named_in_its_error(tmp_path, capsys):
    import pyarrow as pa
    import pyarrow.parquet as pq

    f = tmp_path / "rg.parquet"
    v = np.random.default_rng(0).integers(0, 1000, 50_000)
    pq.write_table(pa.table({"v": v}), f, row_group_size=5_000, compression="snappy")
    blob = bytearray(f.read_bytes())
    blob[len(blob) // 2 : len(blob) // 2 + 64] = b"\xff" * 64
    f.write_bytes(bytes(blob))
    code = main(["estimate", str(f), "-c", "v", "--ci", "0"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("infobits: error: cannot read rg.parquet as Parquet")


# ----------------------------------------------------------------------------- paired columns


def _pairs_csv(path, n=600, seed=0, missing_every=0):
    """x in {a..e}, y depends on x (with noise); every ``missing_every``-th x is empty."""
    rng = np.random.default_rng(seed)
    xs = rng.choice(list("abcde"), n)
    ys = [f"{'pqr'[('abcde'.index(x) + int(rng.integers(0, 2))) % 3]}" for x in xs]
    rows = []
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        rows.append(f"{'' if missing_every and i % missing_every == 0 else x},{y}")
    path.write_text("x,y\n" + "\n".join(rows) + "\n")
    return path


def _reference(path):
    """Plug-in MI and H(Y|X) in nats from the CSV itself, with math.fsum: pairs with an
    empty field dropped."""
    import csv
    import math
    from collections import Counter

    with open(path, newline="") as fh:
        rows = [(r["x"], r["y"]) for r in csv.DictReader(fh)]
    pairs = [(x, y) for x, y in rows if x != "" and y != ""]
    n = len(pairs)
    nxy = Counter(pairs)
    nx = Counter(x for x, _ in pairs)
    ny = Counter(y for _, y in pairs)
    mi = math.fsum(c / n * math.log(c * n / (nx[x] * ny[y])) for (x, y), c in nxy.items())
    h = math.fsum(c / n * math.log(nx[x] / c) for (x, _), c in nxy.items())
    return mi, h, len(rows) - n


@pytest.mark.parametrize("missing_every", [0, 7])
def test_mi_and_conditional_entropy_match_an_fsum_reference(tmp_path, capsys, missing_every):
    f = _pairs_csv(tmp_path / "p.csv", missing_every=missing_every)
    mi, h, dropped = _reference(f)
    assert mi > 0.1 and h > 0.1  # a test that can fail: neither is trivially 0
    base = ["estimate", str(f), "--method", "plugin", "--ci", "0", "--base", "nats", "--json"]
    assert main([*base, "--column", "x", "--with", "y", "--measure", "mi"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["quantity"] == "mutual_information" and out["value"] == pytest.approx(mi, 1e-12)
    assert out["missing"] == dropped and out["n"] == 600 - dropped
    argv = [*base, "--column", "y", "--given", "x", "--measure", "conditional-entropy"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["quantity"] == "conditional_entropy" and out["value"] == pytest.approx(h, 1e-12)
    assert out["missing"] == dropped


def test_the_text_report_counts_the_pairs_dropped(tmp_path, capsys):
    f = _pairs_csv(tmp_path / "p.csv", missing_every=10)
    argv = ["estimate", str(f), "-c", "x", "--with", "y", "--measure", "mi", "--ci", "0"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "N=540 pairs" in out and "60 pairs with a missing value dropped" in out


def test_dash_reads_standard_input(tmp_path, capsys, monkeypatch):
    import io
    import sys

    f = _pairs_csv(tmp_path / "p.csv", missing_every=9)
    argv = ["-c", "x", "--with", "y", "--measure", "mi", "--json", "--seed", "4"]
    assert main(["estimate", str(f), *argv]) == 0
    from_file = json.loads(capsys.readouterr().out)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(f.read_bytes())))
    assert main(["estimate", "-", *argv]) == 0
    from_stdin = json.loads(capsys.readouterr().out)
    assert from_stdin["data"].endswith("of standard input")
    for key in ("value", "interval", "n", "missing", "support"):
        assert from_stdin[key] == from_file[key]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"v\na\nb\na\n")))
    assert main(["estimate", "-", "-c", "v", "--method", "plugin", "--ci", "0"]) == 0
    assert "0.9183 bits" in capsys.readouterr().out  # H(2/3, 1/3) = 0.918296 bits


def test_intervals_say_what_kind_they_are_and_why_the_estimate_may_sit_at_an_edge(tmp_path, capsys):
    rng = np.random.default_rng(5)  # independent columns: MI is 0, clipped at its bound
    a, b = rng.integers(0, 6, 300), rng.integers(0, 6, 300)
    rows = [f"{u},{v}" for u, v in zip(a, b, strict=True)]
    f = tmp_path / "i.csv"
    f.write_text("x,y\n" + "\n".join(rows) + "\n")
    argv = ["estimate", str(f), "-c", "x", "--with", "y", "--measure", "mi", "--seed", "1"]
    assert main([*argv, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    why = out["interval_explanation"]
    assert why.startswith("basic bootstrap interval") and "need not" in why
    lo, hi = out["interval"]
    if out["value"] in (lo, hi):
        assert "edge" in why
    assert main(argv) == 0
    assert "interval: basic bootstrap interval" in capsys.readouterr().out
    g = _csv(tmp_path / "k.csv", ["a", "b", "a", "c"] * 30)
    assert main(["estimate", str(g), "-c", "v", "-k", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["interval_explanation"].startswith("bias-aware")


def test_na_strings_are_labels_unless_named_and_codes_keep_leading_zeros(tmp_path, capsys):
    f = tmp_path / "c.csv"
    f.write_text("country,zip\nNA,02134\nNZ,2134\nNA,02134\nnull,2134\nN/A,02134\n,2134\n")
    assert main(["estimate", str(f), "-c", "country", "--ci", "0", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["support"] == 4 and out["n"] == 5 and out["missing"] == [1]
    argv = ["estimate", str(f), "-c", "country", "--ci", "0", "--json"]
    assert main([*argv, "--na-values", "NA", "--na-values", "null"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["support"] == 2 and out["n"] == 2 and out["missing"] == [4]
    assert main(["estimate", str(f), "-c", "zip", "--ci", "0", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["support"] == 2 and out["n"] == 6  # "02134" and "2134" are two labels
    argv = ["estimate", str(f), "-c", "country", "--with", "zip", "--measure", "mi"]
    assert main([*argv, "--ci", "0", "--json", "--na-values", "NA"]) == 0
    assert json.loads(capsys.readouterr().out)["missing"] == 3


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["-c", "x", "--with", "y"], "add --measure mi"),
        (["-c", "x", "--with", "y", "--measure", "entropy"], "add --measure mi"),
        (["-c", "y", "--given", "x", "--measure", "mi"], "--with"),
        (["-c", "y", "--given", "x"], "conditional-entropy"),
        (["-c", "x", "--measure", "mi"], "--with COLUMN"),
        (["-c", "y", "--measure", "conditional-entropy"], "--given COLUMN"),
        (["-c", "x", "--with", "nope", "--measure", "mi"], "'nope' is not in"),
        (["-c", "nope", "--given", "x", "--measure", "conditional-entropy"], "'nope' is not in"),
        (["-c", "x", "--with", "x", "--measure", "mi"], "both name 'x'"),
        (["-c", "x", "--with", "y", "--given", "y", "--measure", "mi"], "do not go together"),
        (["-c", "x", "--with", "y", "--measure", "mi", "-k", "5"], "pair (K_x, K_y)"),
        (["-c", "x", "-c", "y", "--with", "y", "--measure", "mi"], "--column once"),
    ],
)
def test_bad_combinations_of_paired_options_are_one_line_errors(tmp_path, capsys, extra, says):
    f = _pairs_csv(tmp_path / "p.csv", n=40)
    code = main(["estimate", str(f), *extra])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("infobits: error: ") and says in err


@pytest.mark.parametrize(
    ("data", "says"),
    [(b"", "standard input is empty"), (b"a\n1\n", "'v' is not in standard input")],
)
def test_errors_about_standard_input_name_it(capsys, monkeypatch, data, says):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code = main(["estimate", "-", "-c", "v"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1 and says in err


def test_estimator_errors_name_the_cli_options_not_python_arguments(tmp_path, capsys):
    rows = ["1.5,x", "2.25,y", "3.1,x", ",y", "4.0,", "5.5,x"]
    f = tmp_path / "s.csv"
    f.write_text("a,b\n" + "\n".join(rows) + "\n")
    assert main(["estimate", str(f), "-c", "a", "--with", "b", "--measure", "mi"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("infobits: error: --ci needs") and err.rstrip().endswith("use --ci 0")
    assert "drop ci" not in err and "smaller k" not in err


def test_two_numeric_columns_get_the_continuous_estimator(tmp_path, capsys):
    rng = np.random.default_rng(8)
    x = rng.normal(size=600)
    y = x + rng.normal(size=600)  # MI = 1/2 bit
    rows = [f"{u:.4f},{v:.4f}" for u, v in zip(x, y, strict=True)]
    rows[4] = f",{y[4]:.4f}"
    f = tmp_path / "g.csv"
    f.write_text("u,v\n" + "\n".join(rows) + "\n")
    argv = ["estimate", str(f), "-c", "u", "--with", "v", "--measure", "mi"]
    assert main([*argv, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "copula_ksg" and out["missing"] == 1 and out["n"] == 599
    assert abs(out["value"] - 0.5) < 0.15
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "None" not in text and "1 missing in 'u', 0 in 'v'" in text


@pytest.mark.parametrize(
    ("method", "kind", "words"),
    [("unseen", "unseen range", "not a confidence interval"), ("pym", "posterior", "pym")],
)
def test_new_entropy_methods_have_their_interval_explained(tmp_path, capsys, method, kind, words):
    rng = np.random.default_rng(2)
    f = _csv(tmp_path / "w.csv", [f"w{v}" for v in rng.zipf(1.6, 2000)])
    assert main(["estimate", str(f), "-c", "v", "--method", method, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == method and out["interval_kind"] == kind
    assert words in out["interval_explanation"]
