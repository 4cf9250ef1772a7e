"""Streaming counts from Parquet: rows per second and peak memory, against pandas.

Writes an integer column of ``--rows`` rows (default 10^8; Zipf-distributed values
below 10^5) to benchmarks/_data/ once, then in fresh subprocesses (so that each peak
RSS is its own) counts it with ``ib.count_values`` streaming from the file, and, as the
anchor, with pandas ``value_counts`` on the column already loaded in memory. Prints
rows/s for both, their ratio, and the peak RSS of each process; the goal is a peak
under 1 GB for 10^8 rows.

    .venv/bin/python benchmarks/bench_counting.py [--rows 10000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "_data"

CHILD_INFOBITS = r"""
import json, resource, sys, time
import infobits as ib
path = sys.argv[1]
ts = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    vc = ib.count_values(path, column="v")
    ts.append(time.perf_counter() - t)
ts.sort()
print(json.dumps({"seconds": ts[len(ts) // 2], "total": vc.total, "support": vc.support,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

CHILD_PANDAS = r"""
import json, resource, sys, time
import pyarrow.parquet as pq
t = time.perf_counter()
s = pq.read_table(sys.argv[1], columns=["v"]).column("v").to_pandas()
load = time.perf_counter() - t
ts = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    vc = s.value_counts()
    ts.append(time.perf_counter() - t)
ts.sort()
print(json.dumps({"seconds": ts[len(ts) // 2], "load_seconds": load, "total": int(vc.sum()),
                  "support": int(vc.size),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def make_file(rows: int) -> Path:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    DATA.mkdir(exist_ok=True)
    path = DATA / f"ints_{rows}.parquet"
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp")
    rng = np.random.default_rng(0)
    schema = pa.schema([("v", pa.int64())])
    with pq.ParquetWriter(tmp, schema) as w:
        step = 1 << 22
        for start in range(0, rows, step):
            n = min(step, rows - start)
            v = rng.zipf(1.3, n) % 100_000
            w.write_table(pa.table({"v": v.astype(np.int64)}, schema=schema))
    tmp.rename(path)
    return path


def run(child: str, path: Path, repeats: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", child, str(path), str(repeats)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000_000, help="rows in the column")
    ap.add_argument("--repeats", type=int, default=3, help="timed runs per process (median)")
    args = ap.parse_args()
    path = make_file(args.rows)
    print(f"{args.rows:,} int64 rows in {path.name} ({path.stat().st_size / 2**20:.0f} MiB)")
    ours = run(CHILD_INFOBITS, path, args.repeats)
    anchor = run(CHILD_PANDAS, path, args.repeats)
    assert ours["total"] == anchor["total"] == args.rows, (ours, anchor)
    assert ours["support"] == anchor["support"], (ours, anchor)
    r_ours = args.rows / ours["seconds"]
    r_anchor = args.rows / anchor["seconds"]
    print(f"  {'':<44}{'rows/s':>14}{'peak RSS':>12}")
    print(
        f"  {'ib.count_values, streaming from Parquet':<44}{r_ours:>14.3g}"
        f"{ours['peak_rss_mb']:>9.0f} MB"
    )
    print(
        f"  {'pandas value_counts, column in memory':<44}{r_anchor:>14.3g}"
        f"{anchor['peak_rss_mb']:>9.0f} MB"
    )
    print(f"  (pandas first spent {anchor['load_seconds']:.1f} s loading the column)")
    print(f"  ratio (infobits rows/s / pandas rows/s): {r_ours / r_anchor:.2f}")
    ok = ours["peak_rss_mb"] < 1024
    print(f"  peak RSS goal (< 1 GB): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
