"""Benchmark: logging trials and listing runs through the store, against plain sqlite3 in the same run.

On a fresh temporary workspace (one dataset, experiments created by
``core.experiments.create_experiment``), times
  (a) logging 200 trials, each a ``core.experiments.search.TrialRecord`` with 10
      hyperparameters and 20 metrics, through ``core.experiments.service._store_run`` (what the worker does
      after every trial: one write transaction that inserts the run and updates the
      experiment's trial count);
  (b) ``core.experiments.list_runs(ws, experiment_id, best_first=True)`` on experiments of
      1,000 and 10,000 runs (logged the same way; how fast logging stays as an experiment
      grows is printed too).
Baselines, measured in the same run on the same disk: for (a) plain ``sqlite3`` writing the
same 200 rows into the same ``runs`` table, with ``executemany`` in one transaction and with
one transaction per row; for (b) a plain ``sqlite3`` ``SELECT`` of the same rows in the same
order (``fetchall`` on an open connection). Prints milliseconds per operation (median of
``--repeat`` rounds) and the ratios ours / baseline.

A trial carries the fields of ``TrialRecord``: its 10 hyperparameters, 20 logged metrics
(``TrialRecord.metrics``, kept in the run's metrics JSON beside sample size, best-so-far,
loss standard error and default flags), validation loss and metric, training time and time
since the search started.

    .venv/bin/python bench/store.py
    .venv/bin/python bench/store.py --sizes 1000 --repeat 3
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from _common import median_ms  # noqa: E402

from core import experiments  # noqa: E402
from core.data import datasets  # noqa: E402
from core.experiments import service  # noqa: E402
from core.experiments.entities import Experiment  # noqa: E402
from core.experiments.search import SearchConfig, TrialRecord  # noqa: E402
from core.workspace import Workspace  # noqa: E402

SAMPLE = REPO_ROOT / "data" / "samples" / "iris.csv"
LEARNERS = ("lgbm", "xgboost", "rf", "extra_tree", "lrl1")
BEST_FIRST = "SELECT * FROM runs WHERE experiment_id = ? ORDER BY val_loss IS NULL, val_loss, trial"


def trial(i: int, rng: np.random.Generator) -> TrialRecord:
    """A finished trial like FLAML's: 10 hyperparameters, a loss, timings, flags."""
    config = {
        "n_estimators": int(rng.integers(4, 2000)), "num_leaves": int(rng.integers(4, 500)),
        "min_child_samples": int(rng.integers(2, 100)), "learning_rate": float(rng.uniform(0.001, 1)),
        "log_max_bin": int(rng.integers(3, 11)), "colsample_bytree": float(rng.uniform(0.1, 1)),
        "reg_alpha": float(rng.uniform(1e-10, 1)), "reg_lambda": float(rng.uniform(1e-10, 10)),
        "subsample": float(rng.uniform(0.5, 1)), "FLAML_sample_size": int(rng.choice([10_000, 40_000, 120_000])),
    }
    loss = float(rng.uniform(0.02, 0.5)) if rng.random() > 0.03 else float("nan")
    return TrialRecord(trial=i, learner=LEARNERS[i % len(LEARNERS)], config=config, val_loss=loss,
                       val_metric=None if loss != loss else 1 - loss, metric="roc_auc",
                       train_time=float(rng.uniform(0.01, 5)), wall_offset=float(i * 0.7),
                       sample_size=config["FLAML_sample_size"], status="ok" if loss == loss else "failed",
                       is_best=i % 17 == 0, val_loss_se=float(rng.uniform(0, 0.02)), is_default=i < 5,
                       metrics={f"metric_{k:02d}": float(rng.uniform()) for k in range(20)})


def new_experiment(ws: Workspace, version_id: str, name: str) -> Experiment:
    """An experiment as the app creates it (queued; no worker is started)."""
    return experiments.create_experiment(ws, version_id, SearchConfig(target="species", time_budget=60),
                                         name=name, start_worker=False)


def log_trials(ws: Workspace, exp: Experiment, records: list[TrialRecord]) -> float:
    """Log the trials one by one as the worker does; return the seconds taken."""
    started = time.perf_counter()
    for record in records:
        service._store_run(ws, exp, record)
    return time.perf_counter() - started


def baseline_db(ws: Workspace, path: Path) -> sqlite3.Connection:
    """A fresh database with the workspace's ``runs`` table (same DDL, indexes and pragmas)."""
    source = sqlite3.connect(ws.db_path)
    ddl = [sql for (sql,) in source.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'runs' AND sql IS NOT NULL ORDER BY type DESC")]
    source.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    for sql in ddl:
        conn.execute(sql)
    return conn


def main(argv: list[str] | None = None) -> int:
    """Set up the workspace, time each operation and its baseline, print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--sizes", default="1000,10000", help="experiment sizes (runs) to list, comma-separated")
    parser.add_argument("--repeat", type=int, default=5, help="rounds per measurement (the median is shown)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory(prefix="mlcycle-bench-store-") as tmp:
        ws = Workspace(Path(tmp) / "ws")
        version = datasets.add_dataset(ws, SAMPLE).version

        # (a) logging trials, one transaction each, against plain sqlite3 writing the same rows
        records = [trial(i, rng) for i in range(args.trials)]
        ours, per_row, bulk = [], [], []
        for r in range(args.repeat):
            exp = new_experiment(ws, version.id, f"log {r}")
            ours.append(log_trials(ws, exp, records))
            with sqlite3.connect(ws.db_path) as source:
                rows = source.execute("SELECT * FROM runs WHERE experiment_id = ? ORDER BY trial", [exp.id]).fetchall()
            marks = ",".join("?" * len(rows[0]))
            conn = baseline_db(ws, Path(tmp) / f"baseline-{r}.db")
            started = time.perf_counter()
            for row in rows:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(f"INSERT INTO runs VALUES ({marks})", row)  # noqa: S608
                conn.execute("COMMIT")
            per_row.append(time.perf_counter() - started)
            conn.execute("DELETE FROM runs")
            started = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(f"INSERT INTO runs VALUES ({marks})", rows)  # noqa: S608
            conn.execute("COMMIT")
            bulk.append(time.perf_counter() - started)
            conn.close()
        n = args.trials
        log_ms = statistics.median(ours) * 1000
        row_ms, bulk_ms = statistics.median(per_row) * 1000, statistics.median(bulk) * 1000
        print(f"log {n} trials (10 params, 20 metrics each) with _store_run: {log_ms:8.1f} ms  ({log_ms / n:.2f} ms per trial)")
        print(f"  plain sqlite3, one transaction per row:      {row_ms:8.1f} ms  ({row_ms / n:.3f} ms per row)")
        print(f"  plain sqlite3, executemany in one transaction: {bulk_ms:6.1f} ms  ({bulk_ms / n:.3f} ms per row)")
        print(f"  ratio ours / per-row sqlite3: {log_ms / row_ms:.1f}x; ours / executemany: {log_ms / bulk_ms:.0f}x")

        # (b) listing an experiment's runs best first, against a plain SELECT of the same rows
        for size in sizes:
            exp = new_experiment(ws, version.id, f"list {size}")
            seeded = [trial(i, rng) for i in range(size)]
            first = log_trials(ws, exp, seeded[:n])
            middle = log_trials(ws, exp, seeded[n:size - n])
            last = log_trials(ws, exp, seeded[size - n:]) if size > n else 0.0
            runs = experiments.list_runs(ws, exp.id, best_first=True)
            conn = sqlite3.connect(ws.db_path)
            plain = conn.execute(BEST_FIRST, [exp.id]).fetchall()
            assert [r.id for r in runs] == [row[0] for row in plain] and len(runs) == size
            ours_ms = median_ms(lambda e=exp: experiments.list_runs(ws, e.id, best_first=True), args.repeat)
            base_ms = median_ms(lambda e=exp, c=conn: c.execute(BEST_FIRST, [e.id]).fetchall(), args.repeat)
            conn.close()
            total = first + middle + last
            print(f"list {size:,} runs best first with list_runs: {ours_ms:8.1f} ms "
                  f"({ours_ms * 1000 / size:.1f} us per run)")
            print(f"  plain sqlite3 SELECT ... ORDER BY, fetchall: {base_ms:8.1f} ms  "
                  f"ratio ours / plain: {ours_ms / base_ms:.1f}x")
            if size > n:
                print(f"  (logging those {size:,} trials took {total:.1f} s: {first * 1000 / n:.2f} ms per trial for the "
                      f"first {n}, {last * 1000 / n:.2f} ms for the last {n})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
