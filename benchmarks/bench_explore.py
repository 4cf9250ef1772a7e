"""How much the pictures and the explorer's API cost over the work they wrap.

Figures: ``code_diagram`` drawn and saved as PNG, against the anchor of a bare
matplotlib bar chart of the same bars saved the same way (same size, same dpi).
API: one ``POST /api/diagram`` through FastAPI's TestClient, against the anchor of the
library calls it makes (entropy, cross-entropy, KL, two Huffman codes); one
``POST /api/sample``, against the anchor of drawing the sample and encoding it directly.

Run: ``.venv/bin/python benchmarks/bench_explore.py`` (``--quick`` for fewer repeats).
Prints medians and ratios measured in the same run.
"""

from __future__ import annotations

import argparse
import io
import warnings

import matplotlib

matplotlib.use("Agg")
import numpy as np
from _timing import median_time
from matplotlib.figure import Figure

import infobits as ib


def bare_bars(p: np.ndarray, q: np.ndarray) -> None:
    fig = Figure(figsize=(8.0, 5.2), layout="constrained")
    ax = fig.add_subplot()
    x0 = np.concatenate([[0.0], np.cumsum(p)[:-1]])
    ax.bar(x0, -np.log2(q), width=p, align="edge")
    fig.savefig(io.BytesIO(), format="png", dpi=100)


def diagram(p: np.ndarray, q: np.ndarray) -> None:
    ib.plot.code_diagram(p, q).savefig(io.BytesIO(), format="png", dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    reps = 5 if args.quick else 15
    rng = np.random.default_rng(0)

    print("figures: code_diagram + PNG vs bare matplotlib bars + PNG (median seconds)")
    for k in (8, 16, 100):
        p, q = rng.dirichlet(np.ones(k)), rng.dirichlet(np.ones(k))
        t_ours = median_time(lambda p=p, q=q: diagram(p, q), reps)
        t_bare = median_time(lambda p=p, q=q: bare_bars(p, q), reps)
        print(f"  K={k:4d}: {t_ours:.4f} s vs {t_bare:.4f} s  ratio {t_ours / t_bare:.2f}")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from infobits.explore import create_app

    client = TestClient(create_app())
    pw = [10, 10, 10, 10, 10, 10, 10, 10]
    qw = [32, 16, 8, 4, 1, 1, 1, 1]
    body = {"p": pw, "q": qw, "kind": "counts"}
    pv, qv = np.array(pw) / sum(pw), np.array(qw) / sum(qw)

    def library() -> None:
        ib.entropy(pv), ib.cross_entropy(pv, qv), ib.kl_divergence(pv, qv)
        ib.codes.huffman(pv).expected_length(pv), ib.codes.huffman(qv).expected_length(pv)

    t_api = median_time(lambda: client.post("/api/diagram", json=body), reps * 4)
    t_lib = median_time(library, reps * 4)
    print("api: POST /api/diagram vs the library calls it wraps (median seconds)")
    print(f"  K=8: {t_api:.5f} s vs {t_lib:.5f} s  ratio {t_api / t_lib:.1f}")

    n = 100_000
    sample_body = {**body, "n": n, "seed": 1}

    def direct_sample() -> None:
        x = np.random.default_rng(1).choice(8, size=n, p=pv)
        for m in (pv, qv):
            ib.codes.huffman(m).encode(x)
            ib.codes.encode(x, m)
            ib.codes.codelength(x, m)

    t_api = median_time(lambda: client.post("/api/sample", json=sample_body), reps)
    t_lib = median_time(direct_sample, reps)
    print(f"api: POST /api/sample n={n} vs drawing and encoding directly (median seconds)")
    print(f"  K=8: {t_api:.4f} s vs {t_lib:.4f} s  ratio {t_api / t_lib:.2f}")


if __name__ == "__main__":
    main()
