"""Benchmark: our tracking store against MLflow's SQLite tracking store, side by side in one run.

Three workloads, each timed on ours and (where MLflow has one) on MLflow's SQLite tracking
store (``mlflow.tracking.MlflowClient`` with a ``sqlite:///`` URI in a temporary folder):
  (a) log 200 runs of 10 params and 20 metrics each. Ours: ``core.experiments.service._store_run``
      per trial inside ``ws.holding()``, as the worker stores a search's trials (one connection
      per job, one transaction per trial); the same without holding is printed too. MLflow:
      ``create_run`` + ``log_batch`` per run (and ``log_batch`` alone).
  (b) list and search 1,000 runs: all of them ordered by a metric, and those with the metric
      above a threshold, ordered by it. MLflow: ``search_runs(filter_string="metrics.m > x",
      order_by=["metrics.m DESC"])``; ours: ``core.experiments.list_runs(best_first=True,
      max_loss=1 - x)`` (the validation loss is ``1 - m``, so it is the same set in the same order;
      the bench checks that it is).
  (c) load the leaderboard of a project with 10,000 runs and 500 models (generated with plain
      SQL inserts): ``core.evaluation.leaderboard.leaderboard`` (a page of 50, best first, with its
      total), its last page, and the first page of all trials (``runs_page``).
Prints milliseconds (median of ``--repeat`` rounds), the ratios MLflow / ours, and the targets:
logging >= 30x faster than MLflow's log_batch path, search >= 20x faster than ``search_runs``,
the 10,000-run leaderboard query under 0.3 s. Nothing is asserted about time.

MLflow is installed only for this bench, never with the app:

    .venv/bin/pip install -r requirements-bench.txt
    .venv/bin/python bench/tracking.py
    .venv/bin/python bench/tracking.py --runs 100 --search-runs 500 --repeat 3

Without MLflow the bench says how to install it and prints our figures alone.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from _common import median_ms  # noqa: E402

from core import experiments  # noqa: E402
from core.data import datasets  # noqa: E402
from core.define import projects  # noqa: E402
from core.evaluation import leaderboard  # noqa: E402
from core.experiments import service  # noqa: E402
from core.experiments.entities import Experiment  # noqa: E402
from core.experiments.search import SearchConfig, TrialRecord  # noqa: E402
from core.workspace import Workspace  # noqa: E402

SAMPLE = REPO_ROOT / "data" / "samples" / "iris.csv"
LEARNERS = ("lgbm", "xgboost", "rf", "extra_tree", "lrl1")
TARGETS = {"log": 30.0, "search": 20.0, "leaderboard_s": 0.3}
INSTALL = ".venv/bin/pip install -r requirements-bench.txt"


# ---------------------------------------------------------------- the logged runs (the same on both sides)

def make_runs(n: int, rng: np.random.Generator) -> list[dict]:
    """``n`` finished trials: 10 hyperparameters, 20 metrics (``m`` is the validation metric, 1 - loss)."""
    out = []
    for i in range(n):
        params = {
            "n_estimators": int(rng.integers(4, 2000)), "num_leaves": int(rng.integers(4, 500)),
            "min_child_samples": int(rng.integers(2, 100)), "learning_rate": float(rng.uniform(0.001, 1)),
            "log_max_bin": int(rng.integers(3, 11)), "colsample_bytree": float(rng.uniform(0.1, 1)),
            "reg_alpha": float(rng.uniform(1e-10, 1)), "reg_lambda": float(rng.uniform(1e-10, 10)),
            "subsample": float(rng.uniform(0.5, 1)), "max_depth": int(rng.integers(2, 16)),
        }
        loss = float(rng.uniform(0.02, 0.5))
        metrics = {f"metric_{k:02d}": float(rng.uniform()) for k in range(19)}
        metrics["m"] = 1 - loss
        out.append({"trial": i, "learner": LEARNERS[i % len(LEARNERS)], "params": params, "loss": loss,
                    "metrics": metrics, "train_time": float(rng.uniform(0.01, 5))})
    return out


def record(run: dict) -> TrialRecord:
    """A run as the search reports a trial (its 20 metrics kept in the run's metrics JSON)."""
    return TrialRecord(trial=run["trial"], learner=run["learner"], config=run["params"], val_loss=run["loss"],
                       val_metric=run["metrics"]["m"], metric="roc_auc", train_time=run["train_time"],
                       wall_offset=run["trial"] * 0.7, sample_size=1000, status="ok", is_best=False,
                       metrics={k: v for k, v in run["metrics"].items() if k != "m"})


def new_experiment(ws: Workspace, version_id: str, name: str) -> Experiment:
    """An experiment as the app creates it (queued; no worker is started)."""
    return experiments.create_experiment(ws, version_id, SearchConfig(target="species", time_budget=60),
                                         name=name, start_worker=False)


def log_ours(ws: Workspace, exp: Experiment, runs: list[dict], *, held: bool) -> float:
    """Store the runs one trial at a time as the worker does; return the seconds taken."""
    records = [record(r) for r in runs]
    started = time.perf_counter()
    if held:
        with ws.holding():
            for rec in records:
                service._store_run(ws, exp, rec)
    else:
        for rec in records:
            service._store_run(ws, exp, rec)
    return time.perf_counter() - started


# ---------------------------------------------------------------- MLflow

def mlflow_client(folder: Path):
    """An ``MlflowClient`` on a fresh SQLite tracking store in ``folder``, or ``None`` without MLflow."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("DO_NOT_TRACK", "true")
    try:
        from mlflow.tracking import MlflowClient
    except ImportError:
        return None
    for name in ("mlflow", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", module="mlflow")
    folder.mkdir(parents=True, exist_ok=True)
    return MlflowClient(tracking_uri=f"sqlite:///{folder / 'mlflow.db'}")


def mlflow_experiment(client, folder: Path, name: str) -> str:
    """A new MLflow experiment whose artifacts would go under ``folder`` (none are written)."""
    return client.create_experiment(name, artifact_location=(folder / "artifacts" / name).as_uri())


def log_mlflow(client, experiment_id: str, runs: list[dict]) -> tuple[float, float]:
    """Log the runs with ``create_run`` + ``log_batch``; return (total seconds, seconds in log_batch alone)."""
    from mlflow.entities import Metric, Param

    now = int(time.time() * 1000)
    batches = [([Param(k, str(v)) for k, v in r["params"].items()],
                [Metric(k, v, now, 0) for k, v in r["metrics"].items()]) for r in runs]
    in_batch = 0.0
    started = time.perf_counter()
    for params, metrics in batches:
        run = client.create_run(experiment_id)
        before = time.perf_counter()
        client.log_batch(run.info.run_id, metrics=metrics, params=params)
        in_batch += time.perf_counter() - before
    return time.perf_counter() - started, in_batch


def search_mlflow(client, experiment_id: str, threshold: float | None) -> list[float]:
    """The runs (their ``m``), those above ``threshold`` if given, best first, through ``search_runs``."""
    found = client.search_runs([experiment_id], filter_string=f"metrics.m > {threshold!r}" if threshold is not None
                               else "", order_by=["metrics.m DESC"], max_results=1000)
    return [r.data.metrics["m"] for r in found]


def search_ours(ws: Workspace, experiment_id: str, threshold: float | None) -> list[float]:
    """The same through our read API: lowest loss first, ``max_loss = 1 - threshold``."""
    runs = experiments.list_runs(ws, experiment_id, best_first=True,
                                 max_loss=None if threshold is None else 1 - threshold)
    return [r.val_metric for r in runs]


# ---------------------------------------------------------------- the 10,000-run project (plain SQL)

def seed_project(ws: Workspace, project_id: str, version_id: str, *, n_experiments: int, runs_per: int,
                 models_per: int, rng: np.random.Generator) -> None:
    """Experiments (half maximise roc_auc, half minimise log_loss) with runs, models, evaluations and
    benchmarks, inserted with plain SQL (what a long-used workspace holds)."""
    at = "2026-01-01T00:00:00.000000+00:00"
    exps, runs, models, evals, benches = [], [], [], [], []
    for e in range(n_experiments):
        exp_id, metric = f"exp_bench_{e:03d}", ("roc_auc" if e % 2 == 0 else "log_loss")
        exps.append((exp_id, project_id, f"bench search {e}", version_id, "species", "multiclass", metric, "{}",
                     "done", runs_per, "sha", f"2026-01-01T00:{e // 60 % 60:02d}:{e % 60:02d}.000000+00:00"))
        for t in range(runs_per):
            loss = float(rng.uniform(0.01, 0.9))
            runs.append((f"run_bench_{e:03d}_{t:05d}", exp_id, t, LEARNERS[t % len(LEARNERS)],
                         json.dumps({"n_estimators": t}), loss, 1 - loss if metric == "roc_auc" else loss, "{}",
                         float(rng.uniform(0.01, 5)), t * 0.5, "ok", at))
        for k in range(models_per):
            model_id = f"mdl_bench_{e:03d}_{k:03d}"
            models.append((model_id, exp_id, f"run_bench_{e:03d}_{k:05d}", LEARNERS[k % len(LEARNERS)], "{}", "sha",
                           int(rng.integers(1_000, 5_000_000)), f"2026-01-01T01:{e % 60:02d}:{k % 60:02d}.000000+00:00"))
            value = float(rng.uniform(0.5, 0.99))
            evals.append((model_id, "holdout", metric, value, value - 0.02, value + 0.02, at))
            if k % 2 == 0:
                p99 = float(rng.uniform(0.5, 20))
                benches.append((f"bm_bench_{e:03d}_{k:03d}", model_id, 10.0, p99 / 3, p99 / 2, p99,
                                json.dumps({"1": 900.0, "100": 5e4, "10000": 5e5}), at))
    with ws.write() as db:
        c = db.conn
        c.executemany("INSERT INTO experiments (id, project_id, name, dataset_version_id, target, task, metric, spec,"
                      " status, n_trials, data_sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", exps)
        c.executemany("INSERT INTO runs (id, experiment_id, trial, learner, params, val_loss, val_metric, metrics,"
                      " train_time, wall_offset, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", runs)
        c.executemany("INSERT INTO models (id, experiment_id, run_id, learner, config, artifact, size_bytes,"
                      " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", models)
        c.executemany("INSERT INTO evaluations (model_id, method, metric, value, low, high, created_at)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?)", evals)
        c.executemany("INSERT INTO benchmarks (id, model_id, load_ms, p50_ms, p95_ms, p99_ms, rows_per_s,"
                      " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", benches)


def verdict(ok: bool) -> str:
    return "meets the target" if ok else "MISSES the target"


def main(argv: list[str] | None = None) -> int:
    """Set up both stores, time each workload on each, print the figures, ratios and targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="runs logged in (a)")
    parser.add_argument("--search-runs", type=int, default=1000, help="runs listed and searched in (b)")
    parser.add_argument("--leaderboard-runs", type=int, default=10_000, help="runs in the project of (c)")
    parser.add_argument("--models", type=int, default=500, help="models in the project of (c)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds per measurement (the median is shown)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory(prefix="mlcycle-bench-tracking-") as tmp:
        ws = Workspace(Path(tmp) / "ws")
        version = datasets.add_dataset(ws, SAMPLE).version
        client = mlflow_client(Path(tmp) / "mlflow")
        if client is None:
            print(f"MLflow is not installed, so only our figures are printed. Install it (bench only) with:\n"
                  f"  {INSTALL}")
        else:
            import mlflow

            print(f"MLflow {mlflow.__version__} SQLite tracking store vs ours, same disk, same run")

        # (a) logging runs
        n = args.runs
        runs = make_runs(n, rng)
        held, unheld, ml_total, ml_batch = [], [], [], []
        for r in range(args.repeat):
            held.append(log_ours(ws, new_experiment(ws, version.id, f"held {r}"), runs, held=True))
            unheld.append(log_ours(ws, new_experiment(ws, version.id, f"unheld {r}"), runs, held=False))
            if client is not None:
                total, batch = log_mlflow(client, mlflow_experiment(client, Path(tmp), f"log {r}"), runs)
                ml_total.append(total)
                ml_batch.append(batch)
        ours_ms = statistics.median(held) * 1000 / n
        print(f"\n(a) log {n} runs of 10 params and 20 metrics, per run:")
        print(f"  ours, _store_run with the worker's held connection: {ours_ms:7.3f} ms")
        print(f"  ours, _store_run opening a connection per call:     {statistics.median(unheld) * 1000 / n:7.3f} ms")
        if client is not None:
            total_ms, batch_ms = statistics.median(ml_total) * 1000 / n, statistics.median(ml_batch) * 1000 / n
            print(f"  MLflow create_run + log_batch:                      {total_ms:7.3f} ms  "
                  f"ratio {total_ms / ours_ms:5.1f}x")
            print(f"  MLflow log_batch alone:                             {batch_ms:7.3f} ms  "
                  f"ratio {batch_ms / ours_ms:5.1f}x")
            print(f"  target: logging >= {TARGETS['log']:.0f}x faster than MLflow's log_batch path: "
                  f"{verdict(total_ms / ours_ms >= TARGETS['log'])} ({total_ms / ours_ms:.1f}x; "
                  f"{batch_ms / ours_ms:.1f}x against log_batch alone)")

        # (b) list and search runs
        m = args.search_runs
        search_runs = make_runs(m, rng)
        exp = new_experiment(ws, version.id, "search")
        log_ours(ws, exp, search_runs, held=True)
        threshold = float(np.median([r["metrics"]["m"] for r in search_runs]))
        print(f"\n(b) {m:,} runs: list them ordered by a metric, and search those with the metric > {threshold:.4f}:")
        ml_exp = None
        if client is not None:
            ml_exp = mlflow_experiment(client, Path(tmp), "search")
            log_mlflow(client, ml_exp, search_runs)
        for name, cut in (("list, ordered by m", None), ("search, m > x ordered by m", threshold)):
            ours_ms = median_ms(lambda c=cut: search_ours(ws, exp.id, c), args.repeat)
            got = search_ours(ws, exp.id, cut)
            line = f"  {name:28s} ours {ours_ms:8.2f} ms ({len(got):,} runs)"
            if ml_exp is not None:
                theirs = search_mlflow(client, ml_exp, cut)
                same = len(theirs) == len(got) and np.allclose(theirs, got)
                ml_ms = median_ms(lambda c=cut: search_mlflow(client, ml_exp, c), args.repeat)
                line += f"  MLflow search_runs {ml_ms:8.1f} ms  ratio {ml_ms / ours_ms:6.1f}x"
                line += "" if same else "  (RESULTS DIFFER)"
                if cut is not None:
                    line += f"\n  target: search >= {TARGETS['search']:.0f}x faster than search_runs: " \
                            f"{verdict(ml_ms / ours_ms >= TARGETS['search'])}"
            print(line)

        # (c) the leaderboard of a project with 10,000 runs
        n_exp = 20
        project = projects.create_project(ws, "Leaderboard bench")
        seed_project(ws, project.id, version.id, n_experiments=n_exp, runs_per=max(1, args.leaderboard_runs // n_exp),
                     models_per=max(1, args.models // n_exp), rng=rng)
        first = leaderboard.leaderboard(ws, project.id, sort="value", limit=50)
        total_runs = leaderboard.runs_page(ws, project.id, limit=1).total
        print(f"\n(c) the leaderboard of a project with {total_runs:,} runs and {first.total:,} models:")
        timings = {
            "first page of 50, best first, with the total": lambda: leaderboard.leaderboard(ws, project.id, limit=50),
            "last page, fastest p99 first": lambda: leaderboard.leaderboard(
                ws, project.id, sort="p99_ms", offset=max(0, first.total - 50), limit=50),
            "first 100 of all trials, best first": lambda: leaderboard.runs_page(ws, project.id, limit=100),
        }
        worst = 0.0
        for name, fn in timings.items():
            ms = median_ms(fn, args.repeat)
            worst = max(worst, ms)
            print(f"  {name:46s} {ms:8.2f} ms")
        print(f"  target: the 10,000-run leaderboard query under {TARGETS['leaderboard_s']} s: "
              f"{verdict(worst / 1000 < TARGETS['leaderboard_s'])} (slowest {worst:.1f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
