"""Benchmark: CSV ingest against ``pyarrow.csv.read_csv`` alone, measured in the same run.

Generates a mixed-type CSV (default 1,000,000 rows x 20 columns: ids, floats, ints,
categorical text incl. Hangul, booleans, dates, codes, missing values and one column
mixing numbers and text) in a temporary folder, then alternates fresh child processes
that either only parse it with ``pyarrow.csv.read_csv``, or run the MLCycle ingest
(``core.data.ingest.ingest_file``: parse + canonical form + content hash + Parquet file +
schema inference), or the whole ``core.data.datasets.add_dataset`` (the same plus moving
the artifact into place and the SQLite transaction). Each child reports its wall and
CPU time around the call and its peak RSS.

Targets: ingest time <= 1.5 x read_csv; peak RSS of the ingest <= 3 x the table's
in-memory (Arrow) size.

    .venv/bin/python bench/ingest.py            # 1,000,000 rows, 5 rounds
    .venv/bin/python bench/ingest.py --rows 200000 --rounds 1
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TIME_TARGET = 1.5
RSS_TARGET = 3.0

CHILD = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, {repo!r})
import pyarrow as pa, pyarrow.csv as pacsv
mode, csv_path, ws_root = sys.argv[1], sys.argv[2], sys.argv[3]
if mode != "pyarrow":
    from core.data import ingest
    from core.data.datasets import add_dataset
    from core.data.semantic import infer_schema_table
    from core.workspace import Workspace
    ws = Workspace(ws_root)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
t0, c0 = time.perf_counter(), time.process_time()
nbytes = 0
if mode == "pyarrow":
    table = pacsv.read_csv(csv_path)
    nbytes = table.nbytes
elif mode == "ingest":
    with ws.artifacts.writer() as out:
        prepared, _, _ = ingest.ingest_file(Path(csv_path), "bench.csv", out,
                                            schema_fn=lambda t, m: infer_schema_table(t, mixed=m))
        nbytes = prepared.table.nbytes
else:
    add_dataset(ws, csv_path, name="bench")
elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"seconds": elapsed, "cpu": cpu, "peak_rss": peak, "base_rss": base, "nbytes": nbytes}}))
"""


def generate(path: Path, rows: int, seed: int = 0) -> None:
    """Write the benchmark CSV (deterministic for a given seed)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    cats = np.array(["alpha", "beta", "gamma", "delta", "서울", "부산"])
    cols: dict[str, pa.Array] = {"id": pa.array(np.arange(rows))}
    for i in range(5):
        cols[f"f{i}"] = pa.array(rng.normal(size=rows).round(6))
    for i in range(4):
        cols[f"i{i}"] = pa.array(rng.integers(0, 1000, rows))
    for i in range(4):
        cols[f"c{i}"] = pa.array(cats[rng.integers(0, len(cats), rows)])
    cols["flag"] = pa.array(rng.integers(0, 2, rows).astype(bool))
    days = rng.integers(0, 2000, rows).astype("timedelta64[D]")
    cols["date"] = pa.array((np.datetime64("2020-01-01") + days).astype("datetime64[s]"))
    cols["code"] = pa.array(np.char.add("C-", rng.integers(0, 10**6, rows).astype(str)))
    cols["fnull"] = pa.array(rng.normal(size=rows).round(4), mask=rng.random(rows) < 0.05)
    cols["inull"] = pa.array(rng.integers(0, 100, rows), mask=rng.random(rows) < 0.05)
    mixed = rng.integers(0, 500, rows).astype(str).astype(object)
    mixed[rng.random(rows) < 0.01] = "n/a yet"
    cols["mixed"] = pa.array(mixed.astype(str))
    pacsv.write_csv(pa.table(cols), path)


def run_child(mode: str, csv_path: Path, ws_root: Path) -> dict:
    """Run one measurement in a fresh interpreter and return its report."""
    code = CHILD.format(repo=str(REPO))
    out = subprocess.run([sys.executable, "-c", code, mode, str(csv_path), str(ws_root)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Generate the data, run the rounds and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--generate", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate:
        generate(Path(args.generate), args.rows)
        return 0
    with tempfile.TemporaryDirectory(prefix="mlcycle-bench-") as tmp:
        tmp_path = Path(tmp)
        csv_path = tmp_path / "bench.csv"
        # generate in a child: Linux keeps ru_maxrss across exec, so the parent must stay small
        subprocess.run([sys.executable, __file__, "--generate", str(csv_path), "--rows", str(args.rows)], check=True)
        print(f"CSV: {args.rows:,} rows x 20 columns, {csv_path.stat().st_size / 1e6:,.1f} MB")
        runs: dict[str, list[dict]] = {"pyarrow": [], "ingest": [], "add": []}
        for i in range(args.rounds):
            for mode in runs:  # alternate, so load from other processes hits all three alike
                runs[mode].append(run_child(mode, csv_path, tmp_path / f"ws-{mode}-{i}"))
        med = {m: statistics.median(r["seconds"] for r in rs) for m, rs in runs.items()}
        cpu = {m: statistics.median(r["cpu"] for r in rs) for m, rs in runs.items()}
        nbytes = runs["pyarrow"][0]["nbytes"]
        peak = {m: max(r["peak_rss"] for r in rs) for m, rs in runs.items()}
        imports = max(r["base_rss"] for r in runs["ingest"])
        ratio, mem_ratio = med["ingest"] / med["pyarrow"], peak["ingest"] / nbytes

        def times(mode: str) -> str:
            return ", ".join(f"{r['seconds']:.2f}" for r in runs[mode])

        print(f"table in memory (Arrow): {nbytes / 1e6:,.1f} MB")
        print(f"pyarrow.csv.read_csv alone:             {med['pyarrow']:.2f} s  (cpu {cpu['pyarrow']:.2f} s; "
              f"runs {times('pyarrow')})")
        print(f"ingest (parse + hash + Parquet + schema): {med['ingest']:.2f} s  (cpu {cpu['ingest']:.2f} s; "
              f"runs {times('ingest')})")
        print(f"add_dataset (ingest + artifact + store):  {med['add']:.2f} s  (cpu {cpu['add']:.2f} s; "
              f"runs {times('add')})")
        paired = ", ".join(f"{i['seconds'] / p['seconds']:.2f}" for p, i in zip(runs["pyarrow"], runs["ingest"], strict=True))
        print(f"per-round ratios ingest / read_csv: {paired}")
        print(f"time ratio ingest / read_csv: {ratio:.2f}x (target <= {TIME_TARGET}x) "
              f"{'OK' if ratio <= TIME_TARGET else 'OVER'}; add_dataset: {med['add'] / med['pyarrow']:.2f}x; "
              f"cpu ratio {cpu['ingest'] / cpu['pyarrow']:.2f}x")
        print(f"peak RSS: ingest {peak['ingest'] / 1e6:,.0f} MB, add_dataset {peak['add'] / 1e6:,.0f} MB, "
              f"read_csv alone {peak['pyarrow'] / 1e6:,.0f} MB (interpreter + imports: {imports / 1e6:,.0f} MB)")
        print(f"memory ratio: {mem_ratio:.2f}x the table (target <= {RSS_TARGET}x) "
              f"{'OK' if mem_ratio <= RSS_TARGET else 'OVER'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
