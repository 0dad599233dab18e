"""Does MLCycle's search lose to what a data scientist gets in a minute? Run by hand, not in CI.

For each dataset, with the same budget, seed and seeded holdout split:
  (a) scikit-learn defaults: logistic/linear regression and a random forest (imputation,
      scaling and one-hot encoding where needed);
  (b) raw FLAML: ``AutoML().fit`` with its defaults and the same budget, seed and metric;
  (c) MLCycle: ``core.experiments.search.run_search`` with its defaults.
All are scored on the same held-out rows (accuracy for classification, R² for regression).
Verdict: ours >= best of (a) and (b) - 0.005.

    .venv/bin/python bench/automl.py                  # ~6 datasets x 2 searches x 20 s
    .venv/bin/python bench/automl.py --budget 10 --datasets wine diabetes
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from _common import holdout_split, load_datasets, print_table

TOLERANCE = 0.005


def score(task: str, y_true, y_pred) -> float:
    """Accuracy for classification, R² for regression."""
    from sklearn.metrics import accuracy_score, r2_score

    if task == "regression":
        return float(r2_score(np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)))
    return float(accuracy_score(np.asarray(y_true).astype(str), np.asarray(y_pred).astype(str)))


def _features(train: pd.DataFrame, target: str) -> tuple[list[str], list[str]]:
    X = train.drop(columns=[target])
    nums = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    cats = [c for c in X.columns if c not in nums and X[c].nunique() <= 50]
    return nums, cats


def sklearn_baselines(ds, train: pd.DataFrame, test: pd.DataFrame, seed: int) -> dict[str, float]:
    """(a) logistic/linear regression and a random forest, with simple imputation and one-hot."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    nums, cats = _features(train, ds.target)

    def encoder():
        parts = [("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), nums)]
        if cats:
            parts.append(("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                               OneHotEncoder(handle_unknown="ignore")), cats))
        return ColumnTransformer(parts)

    cls = ds.task != "regression"
    models = {
        "a_linear": LogisticRegression(max_iter=2000) if cls else LinearRegression(),
        "a_rf": (RandomForestClassifier if cls else RandomForestRegressor)(random_state=seed, n_jobs=-1),
    }
    X_tr, y_tr = train[nums + cats], train[ds.target]
    X_te, y_te = test[nums + cats], test[ds.target]
    if not cls:
        y_tr = y_tr.astype(float)
    out = {}
    for name, model in models.items():
        pipe = make_pipeline(encoder(), model)
        pipe.fit(X_tr, y_tr)
        out[name] = score(ds.task, y_te, pipe.predict(X_te))
    return out


def raw_flaml(ds, train: pd.DataFrame, test: pd.DataFrame, budget: float, seed: int, metric: str) -> tuple[float, int]:
    """(b) FLAML defaults: ``AutoML().fit(X, y, task, metric, time_budget, seed)``."""
    from flaml import AutoML

    X_tr, y_tr = train.drop(columns=[ds.target]), train[ds.target]
    X_te = test.drop(columns=[ds.target])
    automl = AutoML()
    with tempfile.TemporaryDirectory() as tmp:
        log_file = str(Path(tmp) / "raw.log")
        automl.fit(X_tr, y_tr, task="regression" if ds.task == "regression" else "classification",
                   metric=metric, time_budget=budget, seed=seed, n_jobs=-1, verbose=0,
                   log_file_name=log_file, log_type="all", mlflow_logging=False)
        with open(log_file) as fh:
            n_trials = sum(1 for line in fh if '"record_id"' in line)
    return score(ds.task, test[ds.target], automl.predict(X_te)), n_trials


def ours(ds, train: pd.DataFrame, test: pd.DataFrame, budget: float, seed: int, metric: str):
    """(c) MLCycle's search with its defaults, refit and scored from raw rows."""
    from core.experiments.search import SearchConfig, run_search

    with tempfile.TemporaryDirectory() as tmp:
        result = run_search(train, SearchConfig(target=ds.target, metric=metric, time_budget=budget, seed=seed),
                            workdir=Path(tmp))
    return score(ds.task, test[ds.target], result.bundle.predict(test)), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per dataset per search (default 20)")
    parser.add_argument("--datasets", nargs="*", default=None, help="subset of datasets (default: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--metric", choices=["task", "auto"], default="task",
                        help="task: accuracy/r2 for both searches (default); auto: each search's default metric")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    logging.getLogger("flaml").setLevel(logging.ERROR)

    rows = []
    started = time.monotonic()
    for ds in load_datasets(args.datasets, args.seed):
        train, test = holdout_split(ds, args.seed)
        metric = ("r2" if ds.task == "regression" else "accuracy") if args.metric == "task" else "auto"
        base = sklearn_baselines(ds, train, test, args.seed)
        flaml_score, flaml_trials = raw_flaml(ds, train, test, args.budget, args.seed, metric)
        t0 = time.monotonic()
        our_score, result = ours(ds, train, test, args.budget, args.seed, metric)
        our_time = time.monotonic() - t0
        best_other = max(base["a_linear"], base["a_rf"], flaml_score)
        delta = our_score - best_other
        rows.append({
            "dataset": ds.name, "task": ds.task, "rows": len(ds.frame),
            "a_linear": f"{base['a_linear']:.4f}", "a_rf": f"{base['a_rf']:.4f}",
            "b_flaml": f"{flaml_score:.4f}", "c_ours": f"{our_score:.4f}", "delta": f"{delta:+.4f}",
            "verdict": "PASS" if delta >= -TOLERANCE else "FAIL",
            "ours_best": result.best_learner, "eval": result.config.eval_method,
            "trials b/c": f"{flaml_trials}/{len(result.trials)}", "ours_s": f"{our_time:.1f}",
        })
        print(f"done {ds.name}: ours {our_score:.4f} vs best other {best_other:.4f}", flush=True)
    print()
    print(f"budget {args.budget:g} s per search, seed {args.seed}, metric "
          f"{'accuracy / r2' if args.metric == 'task' else 'each default'}; score on the same 20% holdout")
    print_table(rows, ["dataset", "task", "rows", "a_linear", "a_rf", "b_flaml", "c_ours", "delta", "verdict",
                       "ours_best", "eval", "trials b/c", "ours_s"])
    failed = [r["dataset"] for r in rows if r["verdict"] == "FAIL"]
    print(f"\n{len(rows) - len(failed)}/{len(rows)} datasets pass (ours >= best of a, b - {TOLERANCE});"
          f" total {time.monotonic() - started:.0f} s")
    if failed:
        print("FAIL on: " + ", ".join(failed))


if __name__ == "__main__":
    main()
