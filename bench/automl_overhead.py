"""What does tracking cost? Raw FLAML vs MLCycle's tracked search, in-process. Run by hand.

Tracking = the ``AutoML`` subclass that mirrors every trial, plus callbacks that behave like
the store: each trial is inserted into a temporary SQLite file (a new connection per write,
WAL, like ``Workspace.write``), progress is written there too, and ``should_stop`` reads a
cancel flag from it.

Two measurements, same data, settings, budget and seed:
  fixed:  one learner and a fixed number of trials (FLAML then runs the very same configs),
          so the wall-time difference is the tracking overhead;
  budget: the default learners with a time budget: trials completed by each, and the time
          spent inside the tracking callbacks as a share of the budget.
Target: overhead <= 5% of the budget.

    .venv/bin/python bench/automl_overhead.py
    .venv/bin/python bench/automl_overhead.py --budget 20 --trials 150 --dataset breast_cancer
"""

from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import statistics
import tempfile
import time
import warnings
from pathlib import Path

from _common import load_datasets

from core.experiments.learners import learner_class
from core.experiments.search import (
    SearchConfig,
    _fit_settings,
    _starting_points,
    _tracked_automl,
    _Tracker,
    default_configs,
    validate,
)
from core.experiments.training import prepare_training_data
from core.progress import Progress


class FakeStore:
    """A SQLite file written the way the experiment store writes runs and progress."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seconds = 0.0
        self.calls = 0
        with self._connect() as db:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("CREATE TABLE runs (trial INTEGER, learner TEXT, params TEXT, val_loss REAL, record TEXT)")
            db.execute("CREATE TABLE jobs (id TEXT PRIMARY KEY, progress REAL, message TEXT, cancel INTEGER)")
            db.execute("INSERT INTO jobs VALUES ('job', 0, '', 0)")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=5)
        db.execute("PRAGMA busy_timeout = 5000")
        return db

    def _timed(self, fn, *args) -> None:
        t0 = time.perf_counter()
        fn(*args)
        self.seconds += time.perf_counter() - t0
        self.calls += 1

    def on_trial(self, record) -> None:
        def write(r):
            with self._connect() as db:
                db.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?)",
                           (r.trial, r.learner, json.dumps(r.config), r.val_loss, json.dumps(r.as_dict())))
        self._timed(write, record)

    def on_progress(self, report: Progress) -> None:
        def write(p):
            with self._connect() as db:
                db.execute("UPDATE jobs SET progress = ?, message = ? WHERE id = 'job'", (p.fraction, p.message))
        self._timed(write, report)

    def should_stop(self) -> bool:
        out = []

        def read():
            with self._connect() as db:
                out.append(bool(db.execute("SELECT cancel FROM jobs WHERE id = 'job'").fetchone()[0]))
        self._timed(read)
        return out[0]


def _prepare(ds, spec: SearchConfig, workdir: Path):
    rc = validate(spec, ds.frame)
    pre, X, y, _ = prepare_training_data(ds.frame, rc.target, rc.task, list(rc.feature_columns))
    settings = _fit_settings(rc, workdir / "flaml.log")
    n_rows = len(X) if rc.eval_method == "cv" else len(X) - int(round(len(X) * rc.holdout_fraction))
    settings["starting_points"] = _starting_points(rc, X, y, n_rows, default_configs(rc, X.shape[1], n_rows))
    return rc, X, y, settings


def run_once(ds, spec: SearchConfig, tracked: bool) -> dict:
    """One FLAML fit with identical settings, with or without MLCycle's tracking."""
    from flaml import AutoML

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        rc, X, y, settings = _prepare(ds, spec, workdir)
        store = FakeStore(workdir / "store.db")
        if tracked:
            tracker = _Tracker(rc, store.on_trial, store.on_progress, store.should_stop)
            automl = _tracked_automl(tracker)
        else:
            automl = AutoML()
        for name in rc.learners:
            automl.add_learner(name, learner_class(name))
        t0 = time.perf_counter()
        automl.fit(X_train=X, y_train=y, **settings)
        wall = time.perf_counter() - t0
        n_trials = sum(1 for line in (workdir / "flaml.log").read_text().splitlines() if '"record_id"' in line)
        with sqlite3.connect(workdir / "store.db") as db:
            stored = db.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    return {"wall": wall, "trials": n_trials, "stored": stored, "callback_s": store.seconds, "calls": store.calls}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds for the budget comparison")
    parser.add_argument("--trials", type=int, default=120, help="trials for the fixed comparison")
    parser.add_argument("--dataset", default="breast_cancer")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    logging.getLogger("flaml").setLevel(logging.ERROR)
    ds = load_datasets([args.dataset], args.seed)[0]

    fixed = SearchConfig(target=ds.target, time_budget=None, max_trials=args.trials, learners=("lgbm",),
                         seed=args.seed, n_jobs=1)
    raw_walls, tracked_walls, tracked = [], [], None
    for _ in range(args.repeats):  # alternate, so machine load hits both alike
        raw = run_once(ds, fixed, tracked=False)
        tracked = run_once(ds, fixed, tracked=True)
        raw_walls.append(raw["wall"])
        tracked_walls.append(tracked["wall"])
        assert raw["trials"] == tracked["trials"] == tracked["stored"], (raw, tracked)
    raw_w, tr_w = statistics.median(raw_walls), statistics.median(tracked_walls)
    print(f"fixed: {args.dataset}, lgbm, {raw['trials']} trials, median of {args.repeats}")
    print(f"  raw FLAML       {raw_w:7.2f} s")
    print(f"  tracked search  {tr_w:7.2f} s   ratio {tr_w / raw_w:.3f}   "
          f"overhead {100 * (tr_w - raw_w) / raw_w:+.1f}%")
    print(f"  inside callbacks {tracked['callback_s']:.3f} s over {tracked['calls']} store calls "
          f"({1000 * tracked['callback_s'] / max(1, tracked['stored']):.2f} ms per trial, "
          f"{100 * tracked['callback_s'] / tr_w:.2f}% of the wall time)")

    budget = SearchConfig(target=ds.target, time_budget=args.budget, seed=args.seed)
    raw = run_once(ds, budget, tracked=False)
    tracked = run_once(ds, budget, tracked=True)
    share = 100 * tracked["callback_s"] / args.budget
    print(f"\nbudget: {args.dataset}, default learners, {args.budget:g} s budget, seed {args.seed}")
    print(f"  raw FLAML       {raw['trials']:4d} trials in {raw['wall']:6.2f} s")
    print(f"  tracked search  {tracked['trials']:4d} trials in {tracked['wall']:6.2f} s   "
          f"(all {tracked['stored']} stored)   trials ratio {tracked['trials'] / max(1, raw['trials']):.2f}")
    print(f"  inside callbacks {tracked['callback_s']:.3f} s = {share:.2f}% of the budget")
    fixed_share = 100 * max(0.0, tr_w - raw_w) / raw_w
    verdict = "PASS" if share <= 5 and fixed_share <= 5 else "FAIL"
    print(f"\n{verdict}: tracking overhead {fixed_share:.1f}% (fixed trials) and {share:.2f}% of the budget "
          "(target <= 5%)")


if __name__ == "__main__":
    main()
