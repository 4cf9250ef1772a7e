"""Accuracy, interval coverage and speed of the discrete entropy estimators.

The standard comparison: alphabet K = 1000; Zipf (p_i ∝ 1/i), uniform and one
Dirichlet(1) draw; N ∈ {100, 500, 2000}; 200 repetitions with a fixed seed. For every
method it prints bias, SD and RMSE in nats, and the RMSE as a ratio to the plug-in (the
anchor). Then the coverage of nominal 95% intervals (NSB posterior, bootstrap for the
others), and the time per count vector when 10^4 vectors of K = 1000 are estimated in
one call, as a ratio to scipy.stats.entropy (plug-in) on the same array.

    .venv/bin/python benchmarks/bench_estimators.py [--quick]

``--coverage`` runs the calibration study instead: for every entropy method this version
accepts (a method name it refuses is skipped, so that new methods join the study without
changes here), with and without the alphabet size where that matters, the coverage of
the truth by the 95% interval, its mean width, the bias and the RMSE, on Zipf (s = 1,
1.5) and Dirichlet (α = 0.1, 1; one seeded draw) populations of K = 10^2 ... 10^5 symbols
and on three word-frequency populations built from this machine's text (see
``_words.py``), for N = 100, 1000, 5000, 20000 samples. ``--write-docs`` puts its tables
into docs/estimators.md between the coverage markers; ``--procs`` runs cells in parallel.

    .venv/bin/python benchmarks/bench_estimators.py --coverage [--quick] [--procs 2]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from pathlib import Path

import numpy as np
from _timing import median_time
from _words import SOURCES, population
from scipy.stats import entropy as scipy_entropy

import infobits as ib

K = 1000
SEED = 20260101
METHODS = [
    "plugin",
    "miller_madow",
    "jackknife",
    "grassberger",
    "zhang",
    "chao_shen",
    "chao_wang_jost",
    "james_stein",
    "dirichlet",
    "nsb",
]


def distributions(rng: np.random.Generator) -> dict[str, np.ndarray]:
    zipf = 1 / np.arange(1, K + 1)
    return {
        "zipf": zipf / zipf.sum(),
        "uniform": np.full(K, 1 / K),
        "dirichlet(1)": rng.dirichlet(np.ones(K)),
    }


def true_h(p: np.ndarray) -> float:
    return float(ib.entropy(p, base="nats"))


def est(c: np.ndarray, method: str, **kw: object) -> np.ndarray:
    return np.asarray(
        ib.estimate_entropy(ib.counts(c), method=method, alphabet_size=K, base="nats", **kw).value
    )


def accuracy(reps: int, sizes: list[int]) -> float:
    rng = np.random.default_rng(SEED)
    dists = distributions(rng)
    goal = float("nan")
    for name, p in dists.items():
        h = true_h(p)
        for n in sizes:
            c = rng.multinomial(n, p, size=reps)
            print(f"\n{name}, N = {n}, K = {K}, H = {h:.4f} nats, {reps} repetitions")
            print(f"  {'method':<22}{'bias':>9}{'SD':>9}{'RMSE':>9}{'RMSE/plugin':>13}")
            rows = []
            for m in METHODS:
                rows.append((m, est(c, m)))
            auto_unknown = np.asarray(
                ib.estimate_entropy(ib.counts(c), base="nats").value
            )  # no alphabet size: chao_wang_jost
            rows.append(("auto (K given: nsb)", rows[METHODS.index("nsb")][1]))
            rows.append(("auto (K unknown: cwj)", auto_unknown))
            plug_rmse = float(np.sqrt(np.mean((rows[0][1] - h) ** 2)))
            for m, v in rows:
                err = v - h
                rmse = float(np.sqrt(np.mean(err**2)))
                print(
                    f"  {m:<22}{err.mean():>9.4f}{err.std():>9.4f}{rmse:>9.4f}"
                    f"{rmse / plug_rmse:>13.3f}"
                )
                if name == "zipf" and n == 500 and m.startswith("auto (K given"):
                    goal = rmse
    return goal


def coverage(reps: int, sizes: list[int], n_boot: int) -> None:
    rng = np.random.default_rng(SEED + 1)
    dists = distributions(rng)
    methods = ["nsb", "chao_wang_jost", "miller_madow", "plugin"]
    print(f"\nCoverage of nominal 95% intervals ({reps} repetitions, bootstrap B = {n_boot})")
    print(f"  {'distribution':<14}{'N':>6}" + "".join(f"{m:>16}" for m in methods))
    for name, p in dists.items():
        h = true_h(p)
        for n in sizes:
            c = rng.multinomial(n, p, size=reps)
            cells = []
            for m in methods:
                e = ib.estimate_entropy(
                    ib.counts(c), method=m, alphabet_size=K, base="nats", ci=0.95,
                    n_boot=n_boot, seed=SEED,
                )  # fmt: skip
                cov = float(np.mean((e.low <= h) & (h <= e.high)))
                cells.append(f"{cov:>16.2f}")
            print(f"  {name:<14}{n:>6}" + "".join(cells))


def coverage_continuous(reps: int, n_half: int) -> None:
    """Half-sample intervals of the kNN estimators on Gaussians with known answers."""
    import math

    rng = np.random.default_rng(SEED + 3)
    rho = 0.6
    cases = {
        "Kozachenko-Leonenko, d=1": (
            lambda n: (rng.standard_normal(n),),
            lambda x, ci: ib.estimate_differential_entropy(
                x, base="nats", ci=ci, n_boot=n_half, seed=rng
            ),
            0.5 * math.log(2 * math.pi * math.e),
        ),
        "Kozachenko-Leonenko, d=3": (
            lambda n: (rng.standard_normal((n, 3)),),
            lambda x, ci: ib.estimate_differential_entropy(
                x, base="nats", ci=ci, n_boot=n_half, seed=rng
            ),
            1.5 * math.log(2 * math.pi * math.e),
        ),
        "KSG mutual information": (
            lambda n: tuple(rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], n).T),
            lambda x, y, ci: ib.estimate_mutual_information(
                x, y, base="nats", ci=ci, n_boot=n_half, seed=rng
            ),
            -0.5 * math.log(1 - rho**2),
        ),
    }
    print(f"\nCoverage of nominal 95% half-sample intervals ({reps} datasets, {n_half} halves)")
    print(f"  {'estimator':<28}{'N':>6}{'coverage':>10}{'mean SE':>10}{'true SD':>10}")
    for name, (gen, fn, truth) in cases.items():
        for n in (200, 1000):
            hits, ses, vals = 0, [], []
            for _ in range(reps):
                e = fn(*gen(n), 0.95)
                hits += e.low <= truth <= e.high
                ses.append(e.stderr)
                vals.append(e.value)
            print(
                f"  {name:<28}{n:>6}{hits / reps:>10.2f}{np.mean(ses):>10.4f}{np.std(vals):>10.4f}"
            )


def speed(vectors: int, repeats: int) -> None:
    rng = np.random.default_rng(SEED + 2)
    p = distributions(rng)["zipf"]
    c = rng.multinomial(500, p, size=vectors)
    anchor = median_time(lambda: scipy_entropy(c, axis=1), repeats)
    print(f"\nSpeed: {vectors} count vectors, K = {K}, N = 500, one call (median of {repeats})")
    print(f"  anchor scipy.stats.entropy (plug-in): {1e6 * anchor / vectors:.2f} µs/vector")
    print(f"  {'method':<16}{'µs/vector':>12}{'ratio to anchor':>18}")
    for m in METHODS:
        t = median_time(lambda m=m: est(c, m), repeats)
        print(f"  {m:<16}{1e6 * t / vectors:>12.2f}{t / anchor:>18.2f}")


def bootstrap_memory(sizes: list[int], n_boot: int | None) -> None:
    """Peak traced memory and time of a bootstrap interval on Zipf counts, N = 10^7."""
    import time
    import tracemalloc

    print(f"\nBootstrap memory and time: ci=0.95, Zipf counts, N = 10^7, n_boot = {n_boot or 1000}")
    print(f"  {'K':>9}{'support':>10}{'peak MiB':>10}{'seconds':>9}")
    for k in sizes:
        p = 1 / np.arange(1, k + 1)
        c = np.random.default_rng(SEED).multinomial(10**7, p / p.sum())
        c = c[c > 0].astype(np.float64)
        tracemalloc.start()
        t = time.perf_counter()
        ib.estimate_entropy(ib.counts(c), ci=0.95, n_boot=n_boot, seed=1)
        dt = time.perf_counter() - t
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"  {k:>9}{c.size:>10}{peak:>10.1f}{dt:>9.1f}")


#: Every method the study tries, in table order; a name this version refuses is skipped.
STUDY_METHODS = [
    "auto",
    "plugin",
    "miller_madow",
    "jackknife",
    "grassberger",
    "zhang",
    "chao_shen",
    "chao_wang_jost",
    "jvhw",
    "james_stein",
    "dirichlet",
    "nsb",
    "pym",
    "unseen",
]
STUDY_SIZES = [100, 1000, 5000, 20000]
STUDY_K = [100, 1000, 10_000, 100_000]
DATA = Path(__file__).parent / "_data"
DOCS = Path(__file__).parent.parent / "docs" / "estimators.md"
BEGIN, END = "<!-- coverage-study:begin -->", "<!-- coverage-study:end -->"


def study_populations(ks: list[int]) -> dict[str, np.ndarray]:
    """name -> probabilities, sorted decreasing: the synthetic ones, then the words."""
    rng = np.random.default_rng(SEED + 10)
    out: dict[str, np.ndarray] = {}
    for k in ks:
        for s in (1.0, 1.5):
            p = np.arange(1, k + 1, dtype=np.float64) ** -s
            out[f"Zipf s={s:g}, K={k:g}"] = p / p.sum()
        for a in (0.1, 1.0):
            p = rng.dirichlet(np.full(k, a))
            p = p[p > 0]  # α = 0.1 underflows a few symbols to exactly 0
            out[f"Dirichlet α={a:g}, K={k:g}"] = -np.sort(-p / p.sum())
    for name in SOURCES:
        c, _ = population(name, DATA)
        out[f"words: {name}"] = c / c.sum()
    return out


def study_variants(methods: list[str], k_probe: int = 50) -> list[tuple[str, bool]]:
    """(method, K given) pairs this version accepts. The K-given variant is kept only
    where the alphabet size changes the answer (or the method needs it)."""
    probe = ib.counts([7, 3, 2, 1, 1])
    out = []
    for m in methods:
        vals = {}
        for known in (False, True):
            try:
                e = ib.estimate_entropy(
                    probe, method=m, alphabet_size=k_probe if known else None, base="nats"
                )
                vals[known] = float(e.value)
            except ValueError:
                continue
        if not vals:
            print(f"  (method {m!r} is not accepted by this version: skipped)")
            continue
        if False in vals:
            out.append((m, False))
        if True in vals and (False not in vals or abs(vals[True] - vals[False]) > 1e-12):
            out.append((m, True))
    return out


def _label(method: str, known: bool) -> str:
    return f"{method} (K given)" if known else method


def _compress(c: np.ndarray) -> np.ndarray:
    """Rows of counts with their zero columns dropped (sorted, padded with zeros):
    unseen symbols need no bin, and the bootstrap costs by the bin."""
    c = -np.sort(-c, axis=1)
    return c[:, : max(1, int((c > 0).sum(axis=1).max()))].astype(np.float64)


def study_cell(job: tuple) -> list[dict]:
    """All variants on one (population, N) cell: coverage, widths, bias, RMSE."""
    index, name, p, n, reps, n_boot, variants = job
    truth = float(-(p * np.log(p)).sum())
    rng = np.random.default_rng([SEED, index, n])
    c = _compress(rng.multinomial(n, p, size=reps))
    out = []
    for method, known in variants:
        t = time.perf_counter()
        e = ib.estimate_entropy(
            ib.counts(c), method=method, alphabet_size=p.size if known else None,
            base="nats", ci=0.95, n_boot=n_boot, seed=SEED + 100_000 * index + n,
        )  # fmt: skip
        v, lo, hi = (np.asarray(a, dtype=np.float64) for a in (e.value, e.low, e.high))

        two = np.isfinite(hi)
        err = v - truth
        out.append(
            {
                "population": name, "K": p.size, "H": truth, "N": n, "reps": reps,
                "method": _label(method, known),
                "coverage": float(np.mean((lo <= truth) & (truth <= hi))),
                "width": float(np.mean((hi - lo)[two])) if two.any() else float("inf"),
                "one_sided": float(np.mean(~two)),
                "bias": float(err.mean()),
                "rmse": float(np.sqrt(np.mean(err**2))),
                "seconds": time.perf_counter() - t,
                "n_boot": n_boot,
            }
        )  # fmt: skip
    return out


def run_study(
    quick: bool, reps: int | None, n_boot: int | None, procs: int, methods: list[str]
) -> list[dict]:
    ks = [1000, 10_000] if quick else STUDY_K
    sizes = [100, 1000, 5000] if quick else STUDY_SIZES
    reps = reps or (20 if quick else 100)
    n_boot = n_boot or (100 if quick else 200)
    variants = study_variants(methods)
    pops = study_populations(ks)
    print(
        f"\nCalibration study: {len(pops)} populations x N in {sizes}, {reps} draws a cell, "
        f"bootstrap B = {n_boot}, 95% intervals; variants: "
        + ", ".join(_label(*v) for v in variants)
    )
    jobs = [
        (i, name, p, n, reps, n_boot, variants)
        for i, (name, p) in enumerate(pops.items())
        for n in sizes
    ]
    t = time.perf_counter()
    if procs > 1:
        with multiprocessing.Pool(procs) as pool:
            cells = []
            for job, cell in zip(jobs, pool.imap(study_cell, jobs, chunksize=1), strict=True):
                cells.append(cell)
                print(f"  {job[1]}, N = {job[3]}: {time.perf_counter() - t:.0f} s", flush=True)
    else:
        cells = []
        for job in jobs:
            cells.append(study_cell(job))
            print(f"  {job[1]}, N = {job[3]}: {time.perf_counter() - t:.0f} s", flush=True)
    rows = [r for cell in cells for r in cell]
    rows.append({"meta": True, "reps": reps, "n_boot": n_boot, "seconds": time.perf_counter() - t,
                 "sizes": sizes, "ks": ks})  # fmt: skip
    return rows


def merge_results(runs: list[list[dict]]) -> list[dict]:
    """Saved study results, merged: a later run's (method, population, N) cells replace
    an earlier run's, and the run times add up."""
    cells: dict[tuple, dict] = {}
    seconds = 0.0
    for rows in runs:
        for r in rows:
            if r.get("meta"):
                seconds += r["seconds"]
            else:
                cells[(r["method"], r["population"], r["N"])] = r
    pops = list(dict.fromkeys(r["population"] for r in cells.values()))
    meths = list(dict.fromkeys(r["method"] for r in cells.values()))
    order = sorted(
        cells.values(),
        key=lambda r: (pops.index(r["population"]), r["N"], meths.index(r["method"])),
    )
    return [*order, {"meta": True, "seconds": seconds}]


def _profiles(rows: list[dict]) -> str:
    """How many draws and bootstrap replicates each method had."""
    by: dict[tuple, list[str]] = {}
    for r in rows:
        key = (r["reps"], r.get("n_boot"))
        if r["method"] not in by.setdefault(key, []):
            by[key].append(r["method"])
    if len(by) == 1:
        ((reps, b),) = by
        return f"{reps} draws a cell, bootstrap B = {b}"
    return "; ".join(
        f"{', '.join(f'`{m}`' for m in ms)}: {reps} draws a cell, bootstrap B = {b}"
        for (reps, b), ms in by.items()
    )


def _fmt_width(r: dict) -> str:
    w = "∞" if not np.isfinite(r["width"]) else f"{r['width']:.3f}"
    return w + (f" ({r['one_sided']:.0%} one-sided)" if r["one_sided"] > 0 else "")


def study_tables(rows: list[dict]) -> str:
    """The markdown published in docs/estimators.md."""
    meta = next(r for r in rows if r.get("meta"))
    rows = [r for r in rows if not r.get("meta")]
    methods = list(dict.fromkeys(r["method"] for r in rows))
    lines = [
        f"Generated by `benchmarks/bench_estimators.py --coverage --write-docs` "
        f"({_profiles(rows)}; seed {SEED}; {meta['seconds'] / 60:.0f} min with 2 processes "
        "on a shared 2-core machine). Coverage is the share of draws whose 95% interval "
        "holds the true entropy (a one-sided interval covers when its lower end is below it); "
        'width is the mean over the two-sided intervals, nats; "one-sided" is the share '
        "of draws whose interval was one-sided with an upper end of ∞ (with K given, a one-sided "
        "interval ends at log K and counts in the width).",
        "",
        "**`auto` without K, every cell** (goal for N ≥ 1000: coverage ≥ 0.90, width < 1.5 at "
        "N = 1000):",
        "",
        "| population | H | N | coverage | width | bias | RMSE |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    misses, says_so = [], []
    for r in rows:
        if r["method"] != "auto":
            continue
        lines.append(
            f"| {r['population']} | {r['H']:.3f} | {r['N']} | {r['coverage']:.2f} | "
            f"{_fmt_width(r)} | {r['bias']:+.3f} | {r['rmse']:.3f} |"
        )
        two_sided_wide = r["N"] == 1000 and r["one_sided"] < 0.5 and r["width"] >= 1.5
        if r["N"] >= 1000 and (r["coverage"] < 0.9 or two_sided_wide):
            misses.append(r)
        if r["N"] >= 1000 and r["one_sided"] >= 0.5:
            says_so.append(r)
    lines += ["", "Cells of `auto` (no K, N ≥ 1000) where most intervals are one-sided, "
              "the study's verdict that the sample cannot bound the entropy from above: " + (
        "; ".join(
            f"{r['population']}, N = {r['N']} ({r['one_sided']:.0%} one-sided, coverage "
            f"{r['coverage']:.2f})" for r in says_so
        ) or "none") + "."]  # fmt: skip
    lines += ["", "Cells of `auto` (no K, N ≥ 1000) that miss the goal otherwise (coverage "
              "below 0.90, or a mostly two-sided interval 1.5 nats wide or more at N = 1000): " + (
        "; ".join(
            f"{r['population']}, N = {r['N']} (coverage {r['coverage']:.2f}, width "
            f"{_fmt_width(r)})" for r in misses
        ) or "none") + "."]  # fmt: skip
    lines += [
        "",
        "**Word populations, every method, N = 1000 and 5000** (coverage / width / RMSE):",
        "",
        "| method | " + " | ".join(
            f"{r['population'].removeprefix('words: ')} N={r['N']}"
            for r in rows if r["method"] == methods[0] and r["population"].startswith("words")
            and r["N"] in (1000, 5000)
        ) + " |",
    ]  # fmt: skip
    word_cells = [
        (r["population"], r["N"])
        for r in rows
        if r["method"] == methods[0]
        and r["population"].startswith("words")
        and r["N"] in (1000, 5000)
    ]
    lines.append("| --- |" + " ---: |" * len(word_cells))
    index = {(r["method"], r["population"], r["N"]): r for r in rows}
    for m in methods:
        cells = []
        for pop, n in word_cells:
            r = index[(m, pop, n)]
            w = "∞" if not np.isfinite(r["width"]) else f"{r['width']:.2f}"
            cells.append(f"{r['coverage']:.2f} / {w} / {r['rmse']:.2f}")
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "**Every method, summed over the cells with N ≥ 1000**: cells covered at ≥ 0.90 "
        "(of all), the median width at N = 1000, and the RMSE summed over all cells "
        "(N = 100 separately):",
        "",
        "| method | cells covered ≥ 0.90 | median width, N = 1000 | Σ RMSE, N ≥ 1000 "
        "| Σ RMSE, N = 100 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]  # fmt: skip
    for m in methods:
        big = [r for r in rows if r["method"] == m and r["N"] >= 1000]
        small = [r for r in rows if r["method"] == m and r["N"] < 1000]
        w = [r["width"] for r in big if r["N"] == 1000]
        lines.append(
            f"| {m} | {sum(r['coverage'] >= 0.9 for r in big)} of {len(big)} | "
            f"{np.median(w):.3f} | {sum(r['rmse'] for r in big):.2f} | "
            f"{sum(r['rmse'] for r in small):.2f} |"
        )
    return "\n".join(lines)


def print_study(rows: list[dict]) -> None:
    print("\n| population | N | method | coverage | width | bias | RMSE | s |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        if r.get("meta"):
            continue
        print(
            f"| {r['population']} | {r['N']} | {r['method']} | {r['coverage']:.2f} | "
            f"{_fmt_width(r)} | {r['bias']:+.3f} | {r['rmse']:.3f} | {r['seconds']:.1f} |"
        )
    print("\n" + study_tables(rows))


def write_docs(text: str) -> None:
    doc = DOCS.read_text()
    if BEGIN not in doc or END not in doc:
        raise SystemExit(f"{DOCS} has no {BEGIN} ... {END} markers")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    DOCS.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")
    print(f"\nwrote the tables into {DOCS}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions and vectors")
    ap.add_argument(
        "--only", choices=["accuracy", "coverage", "speed"], help="run one part of the benchmark"
    )
    ap.add_argument(
        "--bootstrap-memory",
        action="store_true",
        help="only: peak memory and time of a bootstrap at K = 10^4, 10^5, 10^6",
    )
    ap.add_argument("--n-boot", type=int, default=None, help="replicates for --bootstrap-memory")
    ap.add_argument("--coverage", action="store_true", help="only: the calibration study")
    ap.add_argument("--reps", type=int, default=None, help="--coverage: draws a cell (100)")
    ap.add_argument("--boot", type=int, default=None, help="--coverage: bootstrap B (200)")
    ap.add_argument("--procs", type=int, default=1, help="--coverage: processes (1)")
    ap.add_argument(
        "--write-docs", action="store_true", help="--coverage: write the tables into the docs"
    )
    ap.add_argument(
        "--methods", default=",".join(STUDY_METHODS), help="--coverage: methods, comma-separated"
    )
    ap.add_argument("--save", type=Path, help="--coverage: also write the results as JSON here")
    ap.add_argument(
        "--load",
        type=Path,
        nargs="+",
        help="--coverage: render saved results (a later file's cells replace an earlier's)",
    )
    args = ap.parse_args()
    if args.coverage:
        if args.load:
            rows = merge_results([json.loads(f.read_text()) for f in args.load])
        else:
            methods = args.methods.split(",")
            rows = run_study(args.quick, args.reps, args.boot, args.procs, methods)
        if args.save:
            args.save.write_text(json.dumps(rows, indent=1))
        print_study(rows)
        if args.write_docs:
            write_docs(study_tables(rows))
        return
    if args.bootstrap_memory:
        bootstrap_memory([10**4, 10**5, 10**6], args.n_boot)
        return
    reps = 50 if args.quick else 200
    sizes = [100, 500, 2000]
    if args.only in (None, "accuracy"):
        goal = accuracy(reps, sizes)
        print(
            f"\nGoal: auto RMSE at K = 1000, Zipf, N = 500 is {goal:.4f} nats "
            f"({'met' if goal <= 0.16 else 'NOT met'}: target <= 0.16)"
        )
    if args.only in (None, "coverage"):
        coverage(50 if args.quick else 200, sizes, 100 if args.quick else 300)
        coverage_continuous(30 if args.quick else 100, 20 if args.quick else 50)
    if args.only in (None, "speed"):
        speed(1000 if args.quick else 10_000, 1 if args.quick else 3)


if __name__ == "__main__":
    main()
