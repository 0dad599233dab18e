"""Tiny real models in a test workspace, made in about a second (no search runs).

``make_model`` adds a small dataset, creates an experiment on it (its held-out split is a real
dataset version), marks the search as finished without running it, refits one small
configuration with ``core.experiments.search.refit_config`` and stores it the way a search
stores its model. The model predicts from raw rows like any other.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

# a small configuration of every learner (core.experiments.learners.LEARNERS), for tests that fit them all
EVERY_LEARNER = {
    "lgbm": {"n_estimators": 8, "num_leaves": 4, "min_child_samples": 5, "learning_rate": 0.3},
    "xgboost": {"n_estimators": 5, "max_leaves": 4},
    "xgb_limitdepth": {"n_estimators": 5, "max_depth": 3},
    "rf": {"n_estimators": 5, "max_features": 1.0, "max_leaves": 8},
    "extra_tree": {"n_estimators": 5, "max_features": 1.0, "max_leaves": 8},
    "histgb": {"max_iter": 5, "max_leaf_nodes": 4},
    "lrl1": {"C": 1.0}, "lrl2": {"C": 1.0}, "svc": {"C": 1.0}, "rbf_svm": {"C": 1.0},
    "kneighbor": {"n_neighbors": 5}, "sgd": {},
    "ridge": {"alpha": 1.0}, "enet": {"alpha": 0.01, "l1_ratio": 0.5}, "lassolars": {"alpha": 0.01},
}
SMALL_CONFIGS = {name: EVERY_LEARNER[name] for name in ("lgbm", "lrl2", "rf")}


def churn_frame(n: int = 200, seed: int = 0) -> pd.DataFrame:
    """A small binary classification frame with a categorical column and some missing values."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    plan = rng.choice(["basic", "pro", "max"], size=n)
    y = np.where(x1 + 0.5 * x2 + (plan == "max") + rng.normal(scale=0.5, size=n) > 0.3, "yes", "no")
    frame = pd.DataFrame({"x1": x1, "x2": x2, "plan": plan, "churned": y})
    frame.loc[::17, "x2"] = np.nan
    return frame


def make_experiment(ws, tmp_path: Path, *, project=None, name: str = "data.csv", frame: pd.DataFrame | None = None,
                    target: str = "churned"):
    """An experiment on a small dataset whose search is marked done without running (no model yet)."""
    from core import experiments
    from core.data import datasets
    from core.experiments.search import SearchConfig

    path = tmp_path / name
    (churn_frame() if frame is None else frame).to_csv(path, index=False)
    version = datasets.add_dataset(ws, path, project_id=project.id if project else None).version
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target=target, time_budget=2, n_jobs=1),
                                        project_id=project.id if project else None, start_worker=False)
    with ws.write() as db:  # the search is not run: its job and the experiment read as finished
        db["jobs"].update(exp.job_id, {"status": "done", "progress": 1.0})
        db["experiments"].update(exp.id, {"status": "done"})
    return experiments.get_experiment(ws, exp.id)


def add_model(ws, exp, learner: str = "lgbm", config: dict | None = None):
    """Refit a small configuration on the experiment's training rows and store it as its model."""
    from core.data import datasets
    from core.experiments import service
    from core.experiments.search import refit_config

    train = datasets.load_frame(ws, exp.train_version_id)
    test = datasets.load_frame(ws, exp.test_version_id)
    bundle = refit_config(train, exp.target, exp.task, learner, dict(config or SMALL_CONFIGS[learner]), 0,
                          semantic=exp.spec.get("semantic"))
    return service._save_model(ws, exp, bundle, None, train, test)


def make_model(ws, tmp_path: Path, *, project=None, learner: str = "lgbm", name: str = "data.csv"):
    """A tiny real model of a new experiment (of ``project``, if given)."""
    return add_model(ws, make_experiment(ws, tmp_path, project=project, name=name), learner)


def store_model_file(ws, exp, blob: bytes, learner: str = "lgbm") -> tuple[str, str]:
    """Store a model file's bytes as a model of ``exp`` directly (an old pickled one, say): (model id, sha256)."""
    from core.ids import new_id, utcnow

    sha = ws.artifacts.put_bytes(blob)
    model_id = new_id("mdl")
    with ws.write() as db:
        db["models"].insert({"id": model_id, "experiment_id": exp.id, "run_id": None, "learner": learner,
                             "config": "{}", "artifact": sha, "size_bytes": len(blob), "holdout": "{}",
                             "environment": "{}", "reference_stats": "{}", "created_at": utcnow()})
    return model_id, sha


class ModelZoo:
    """A model of each (task, learner) refit with :data:`EVERY_LEARNER` on first use, shared by a test module.

    ``make_frame(task)`` gives each task's frame; ``target`` is its target column.
    """

    def __init__(self, make_frame, target: str, tasks: tuple[str, ...] = ("binary", "multiclass", "regression")) -> None:
        self.target = target
        self.frames = {task: make_frame(task) for task in tasks}
        self._bundles: dict = {}

    def bundle(self, task: str, learner: str):
        """The fitted model (a ModelBundle) of ``learner`` for ``task``."""
        from core.experiments.search import refit_config

        key = (task, learner)
        if key not in self._bundles:
            self._bundles[key] = refit_config(self.frames[task], self.target, task, learner, EVERY_LEARNER[learner], 0,
                                              n_jobs=1)
        return self._bundles[key]
