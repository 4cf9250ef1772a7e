"""The explanation model: its numbers against independent references, and every front
end (the command line's --json, the explorer's API, the figures) showing the same ones."""

from __future__ import annotations

import json
import math

import mpmath
import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

import infobits as ib
from infobits.cli import main
from infobits.explain import LANDS_ON, explanation
from infobits.explore import create_app

mpmath.mp.dps = 40

ESSAY_P = [1 / 8] * 8
ESSAY_Q = [1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 64, 1 / 64, 1 / 64, 1 / 64]


def fsum_reference(p, q, base=2.0):
    """H(p), H(p,q), D(p‖q) and the per-outcome lengths, with math.fsum in float64."""
    lb = math.log(base)
    h = math.fsum(-a * math.log(a) for a in p if a > 0) / lb
    if any(a > 0 and b == 0 for a, b in zip(p, q, strict=True)):
        hpq = kl = math.inf
    else:
        hpq = math.fsum(-a * math.log(b) for a, b in zip(p, q, strict=True) if a > 0) / lb
        kl = float(
            mpmath.fsum(
                mpmath.mpf(a) * mpmath.log(mpmath.mpf(a) / mpmath.mpf(b))
                for a, b in zip(p, q, strict=True)
                if a > 0
            )
            / mpmath.log(base)
        )
    code = [math.inf if b == 0 else -math.log(b) / lb for b in q]
    return h, hpq, kl, code


probs = st.lists(st.floats(0.0, 1.0), min_size=2, max_size=12).filter(lambda w: sum(w) > 0.1)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_measures_and_table_match_an_fsum_reference(data):
    w = data.draw(probs)
    v = data.draw(st.lists(st.floats(0.0, 1.0), min_size=len(w), max_size=len(w)))
    if sum(v) == 0:
        v[0] = 1.0
    p = np.array(w) / math.fsum(w)
    q = np.array(v) / math.fsum(v)
    base = data.draw(st.sampled_from([2, "nats", "e", "bans", 3.5]))
    b = {"nats": math.e, "e": math.e, "bans": 10.0}.get(base, base)  # type: ignore[arg-type]
    e = explanation(p, q, base)
    h, hpq, kl, code = fsum_reference(p.tolist(), q.tolist(), float(b))
    assert e.entropy == pytest.approx(h, rel=1e-12, abs=1e-15)
    if math.isinf(hpq):
        assert math.isinf(e.cross_entropy) and math.isinf(e.kl_divergence)
    else:
        assert e.cross_entropy == pytest.approx(hpq, rel=1e-12, abs=1e-15)
        assert e.kl_divergence == pytest.approx(kl, rel=1e-9, abs=1e-13)
    assert e.code_length.tolist() == pytest.approx(code, rel=1e-13, abs=1e-15)
    contrib = [0.0 if a == 0 else a * c for a, c in zip(p, code, strict=True)]
    assert e.contribution.tolist() == pytest.approx(contrib, rel=1e-13, abs=1e-300)
    assert e.x0.tolist() == pytest.approx(np.cumsum([0.0, *p[:-1]]).tolist(), abs=1e-15)
    assert e.p.tolist() == p.tolist() and e.q.tolist() == q.tolist()


def test_the_essay_in_every_unit_name_and_number():
    for base, unit in ((2, "bits"), ("bits", "bits"), ("nats", "nats"), ("e", "nats")):
        e = explanation(ESSAY_P, ESSAY_Q, base)
        scale = 1.0 if unit == "bits" else math.log(2)
        assert e.unit == unit
        assert e.entropy == pytest.approx(3 * scale, rel=1e-15)
        assert e.kl_divergence == pytest.approx(1.25 * scale, rel=1e-14)


def test_diagram_geometry_is_cumulative_and_infinite_where_q_is_zero():
    e = explanation([0.5, 0.25, 0.25], [0.5, 0.5, 0.0])
    assert e.x0.tolist() == [0.0, 0.5, 0.75]
    assert e.code_length.tolist() == [1.0, 1.0, math.inf]
    assert e.cross_entropy == math.inf and e.kl_divergence == math.inf
    assert math.isfinite(e.y_top) and e.y_cap < e.y_top
    assert e.cut.tolist() == [False, False, True]


def test_no_cut_when_lengths_are_comparable():
    e = explanation(ESSAY_P, ESSAY_Q)
    assert e.y_cap == math.inf and 6.0 < e.y_top < 7.0 and not e.cut.any()


def test_huffman_codes_are_prefix_free_and_within_a_bit_of_the_entropy():
    rng = np.random.default_rng(5)
    for _ in range(10):
        p = rng.dirichlet(np.ones(9))
        e = explanation(p, p)
        words = e.huffman_p.codewords
        assert not any(a != b and b.startswith(a) for a in words for b in words)
        h = math.fsum(-x * math.log2(x) for x in p)
        mean = math.fsum(x * len(w) for x, w in zip(p, words, strict=True))
        assert e.huffman_p_length == pytest.approx(mean, rel=1e-12)
        assert h - 1e-12 <= e.huffman_p_length < h + 1


def test_counts_logits_and_a_missing_q_are_the_same_explanation():
    a = explanation(ib.counts([1, 1, 2]), ib.logits(np.log([1.0, 2.0, 1.0])))
    b = explanation([0.25, 0.25, 0.5], [0.25, 0.5, 0.25])
    assert a.entropy == pytest.approx(b.entropy, rel=1e-15)
    assert a.kl_divergence == pytest.approx(b.kl_divergence, rel=1e-12)
    best = explanation([0.25, 0.25, 0.5])
    assert best.kl_divergence == 0.0 and best.q.tolist() == best.p.tolist()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([0.5, 0.5], [1 / 3] * 3), "p has 2 outcomes but q has 3"),
        (([[0.5, 0.5]], [[0.5, 0.5]]), "give a 1-D vector"),
        (([0.5, 0.4], [0.5, 0.5]), "p sums to 0.9"),
        (([1e308, 1e308], [0.5, 0.5]), "p sums to inf"),
    ],
)
def test_bad_input_is_a_worded_error_without_warnings(args, message):
    with pytest.raises(ValueError, match=message):
        explanation(*args)


def test_bad_options_are_refused_before_any_work():
    with pytest.raises(ValueError, match="base"):
        explanation([0.5, 0.5], [0.5, 0.5], base="furlongs")
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match="samples"):
            explanation([0.5, 0.5], samples=bad)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="seed"):
            explanation([0.5, 0.5], samples=10, seed=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [1, 10, 100, 1000, 100_000])
def test_lands_on_only_where_the_overhead_is_small(n):
    e = explanation(ESSAY_P, ESSAY_Q, samples=n, seed=2)
    assert e.sample is not None
    aq = e.sample.row("arithmetic code for q")
    assert aq.bits == pytest.approx(aq.ideal + aq.overhead, rel=1e-15)
    small = abs(aq.overhead) <= LANDS_ON * aq.ideal
    assert ("lands on -log2 q(xⁿ):" in e.sample.reading) == small
    assert f"{aq.overhead:.1f} bits of overhead" in e.sample.reading
    if n <= 10:
        assert not small  # 32 bits a symbol on one symbol is not the ideal
    if n == 100_000:
        assert small


def test_a_ruled_out_outcome_is_said_in_the_reading():
    e = explanation([0.5, 0.5], [1.0, 0.0], samples=50)
    assert e.sample is not None
    assert e.sample.reading.startswith("The codes for q cannot code this sample: q gives")


# ---------------------------------------------------------------- every front end agrees


def cli_json(capsys, *args):
    assert main(["explain", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("p", "q", "n", "seed"),
    [
        ("0.5,0.25,0.125,0.125", "0.25,0.25,0.25,0.25", 1000, 7),
        ("0.7,0.2,0.1", "0.1,0.2,0.7", 37, 123),
        ("0.5,0.5,0", "0.9,0,0.1", 200, 1),
    ],
)
def test_cli_json_api_and_figure_show_the_same_numbers(capsys, p, q, n, seed):
    pv = [float(x) for x in p.split(",")]
    qv = [float(x) for x in q.split(",")]
    cli = cli_json(capsys, "--p", p, "--q", q, "--samples", str(n), "--seed", str(seed))
    client = TestClient(create_app())
    body = {"p": pv, "q": qv, "kind": "probabilities"}
    api = client.post("/api/diagram", json=body).json()
    api_sample = client.post("/api/sample", json={**body, "n": n, "seed": seed}).json()
    # measures and per-outcome lengths: identical numbers, not merely close
    for key in ("entropy", "cross_entropy", "kl_divergence"):
        assert cli[key] == api[key]
    assert [r["code_length"] for r in cli["outcomes"]] == api["code_length"]
    assert [r["best_length"] for r in cli["outcomes"]] == api["best_length"]
    assert cli["diagram"]["x0"] == api["x0"]
    assert cli["readings"] == api["readings"]
    assert cli["huffman"]["q"]["codewords"] == api["huffman"]["q"]["codewords"]
    # the sample: same draw, same bytes, same split into ideal + rounding + overhead
    for key in ("n", "seed", "histogram", "head", "codes", "reading"):
        assert cli["sample"][key] == api_sample[key], key
    # the figure: bars where the model puts them, legend with the model's numbers
    fig = ib.plot.code_diagram(pv, qv)
    ax = fig.axes[0]
    bars = next(c for c in ax.containers if c.get_label() == "_code")
    vis = [i for i, x in enumerate(pv) if x > 0]
    assert [b.get_x() for b in bars] == [api["x0"][i] for i in vis]
    assert [b.get_width() for b in bars] == [api["p"][i] for i in vis]
    cap = math.inf if api["y_cap"] == "inf" else api["y_cap"]
    heights = [math.inf if api["code_length"][i] == "inf" else api["code_length"][i] for i in vis]
    assert [b.get_height() for b in bars] == [min(h, cap) for h in heights]
    title = ax.get_legend().get_title().get_text()
    kl = api["kl_divergence"]
    assert (f"{kl:.3f}" if kl != "inf" else "∞") in title
    assert ax.get_ylim()[1] == api["y_top"]


def test_json_echoes_what_the_user_typed(capsys):
    out = cli_json(capsys, "--p", "1/8,7/8", "--q", "0.125,0.875", "--samples", "0")
    assert [r["q"] for r in out["outcomes"]] == [0.125, 0.875]
    assert [r["p"] for r in out["outcomes"]] == [0.125, 0.875]
    assert out["sample"] is None


# ---------------------------------------------------------------- the layers


LAYERS = {
    "core": 1,  # _errors, _units, _inputs, _backend, _files, _json, _extras
    "measures": 3,
    "estimators": 3,
    "codes": 3,
    "losses": 3,
    "explain": 4,
    "textbits": 4,  # a text coded under a model: an explanation model beside explain
    "cli": 5,
    "plot": 5,
    "explore": 5,
}
#: Renderers never import one another, except that the command line starts the
#: explorer's app and saves the figure ib.plot draws (both through public names).
RENDERER_EDGES = {("cli", "explore"), ("cli", "plot")}


def _part(module: str) -> str:
    top = module.split(".")[1] if module.count(".") >= 1 else ""
    return top if top in LAYERS else "core"


def test_no_import_runs_from_a_lower_layer_to_a_higher_one_or_across_renderers():
    import ast
    from pathlib import Path

    root = Path(ib.__file__).parent
    bad = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root.parent).with_suffix("")
        module = ".".join(rel.parts).removesuffix(".__init__")
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        if module in ("infobits", "infobits.__main__"):
            continue  # the package's face and the script: they may name every part
        here = _part(module)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    target = ".".join([*base, *([node.module] if node.module else [])])
                    names = [target] if node.module else [f"{target}.{a.name}" for a in node.names]
                else:
                    names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                if not name.startswith("infobits.") and name != "infobits":
                    continue
                there = _part(name) if name != "infobits" else "core"
                if there == here:
                    continue
                lower = LAYERS[there] <= LAYERS[here]
                across = LAYERS[here] == LAYERS[there] == 5
                if not lower or (across and (here, there) not in RENDERER_EDGES):
                    bad.append(f"{module} imports {name}")
    assert bad == []
