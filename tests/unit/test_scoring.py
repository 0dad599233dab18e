"""A model's evaluation: made with the model, predictions stored once, repeated CV on small data, on demand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core import experiments, jobs
from core.data import datasets
from core.define import hypotheses
from core.errors import Conflict
from core.evaluation import scoring
from core.experiments import search as automl
from core.experiments import service
from core.experiments.search import SearchConfig
from tests.conftest import make_project

QUICK = {"time_budget": None, "max_trials": 3, "learners": ("lrl2",), "n_jobs": 1}


def classification(n: int = 300, seed: int = 0) -> pd.DataFrame:
    """Two numeric features and a plan; the target 'churned' depends on them."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    plan = rng.choice(["basic", "pro", "max"], size=n)
    y = np.where(x1 + 0.5 * x2 + (plan == "max") + rng.normal(scale=0.5, size=n) > 0.3, "yes", "no")
    return pd.DataFrame({"x1": x1, "x2": x2, "plan": plan, "churned": y})


def version_of(ws, tmp_path: Path, frame: pd.DataFrame, project=None, name: str = "data.csv"):
    """Add a frame as a dataset (of a project) and return its first version."""
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return datasets.add_dataset(ws, path, project_id=project.id if project else None).version


def make_model(ws, tmp_path: Path, frame: pd.DataFrame | None = None, *, target: str = "churned",
               hypothesis=None, project=None, learner: str = "lrl2"):
    """A queued experiment (nothing searched) and a model refit from a fixed config, as a search stores it."""
    frame = classification() if frame is None else frame
    version = version_of(ws, tmp_path, frame, project=project, name=f"data-{len(list(tmp_path.glob('*.csv')))}.csv")
    config = SearchConfig(target=target, **{**QUICK, "learners": (learner,)})
    exp = experiments.create_experiment(ws, version.id, config, hypothesis_id=hypothesis.id if hypothesis else None,
                                        project_id=project.id if project else None, start_worker=False)
    jobs.cancel_job(ws, exp.job_id)  # no search: the model below stands for its outcome
    train = datasets.load_frame(ws, exp.train_version_id)
    test = datasets.load_frame(ws, exp.test_version_id)
    bundle = automl.refit_config(train, exp.target, exp.task, learner, {"C": 1.0} if learner == "lrl2" else {}, 0,
                                 feature_columns=exp.spec["resolved"]["feature_columns"],
                                 semantic=exp.spec["semantic"])
    return service._save_model(ws, exp, bundle, None, train, test)


def _search(ws, tmp_path, frame, *, project=None, hypothesis=None, config=None):
    version = version_of(ws, tmp_path, frame, project=project)
    exp = experiments.create_experiment(ws, version.id, config or SearchConfig(target="churned", **QUICK),
                                        hypothesis_id=hypothesis.id if hypothesis else None, start_worker=False)
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    exp = experiments.get_experiment(ws, exp.id)
    assert exp.status == "done", exp.error
    return exp


def _korean(text: str, kind: str) -> str:
    from ui import i18n

    original = i18n.lang
    i18n.lang = lambda: "ko"
    try:
        return i18n.message(text, kind=kind)
    finally:
        i18n.lang = original


@pytest.mark.slow
def test_a_model_made_by_a_search_gets_its_evaluation_and_stored_predictions(ws, tmp_path):
    project = make_project(ws)
    h = hypotheses.create_hypothesis(ws, project.id, question="q", statement="Usage predicts churn",
                                     metric="roc_auc", threshold=0.6)
    exp = _search(ws, tmp_path, classification(), project=project, hypothesis=h)
    model = experiments.get_model(ws, exp.best_model_id)
    ev = scoring.get_evaluation(ws, model.id)
    assert ev is not None and ev.method == "holdout" and ev.n_rows == 60 and ev.notes == []
    assert ev.metric == exp.metric == "roc_auc"
    assert ev.value == pytest.approx(model.holdout["roc_auc"])  # the same number the model row shows
    assert ev.low < ev.value < ev.high
    for name in ("accuracy", "balanced_accuracy", "macro_f1", "f1", "roc_auc", "log_loss"):
        entry = ev.metrics[name]
        assert entry["value"] == pytest.approx(model.holdout[name]), name
        assert entry["low"] <= entry["value"] <= entry["high"], name
    assert ev.settings["resamples"] == 1000 and ev.settings["classes"] == ["no", "yes"]
    assert "positive" in ev.averaging["roc_auc"]
    assert sum(row["support"] for row in ev.per_class) == 60

    preds = scoring.load_predictions(ws, model.id)
    assert preds.task == "binary" and preds.classes == ["no", "yes"] and preds.repeat is None
    assert preds.proba.shape == (60, 2) and list(preds.y_pred) == list(preds.proba.argmax(axis=1))
    test = datasets.load_frame(ws, exp.test_version_id)
    fresh = experiments.load_model(ws, model.id).predict_proba(test)
    assert np.allclose(preds.proba, fresh)  # what the model predicts, stored once
    assert list(preds.y_true) == list(test["churned"].map({"no": 0, "yes": 1}))

    job = jobs.get_job(ws, exp.job_id)
    assert job.status == "done" and job.result["evaluation"]["method"] == "holdout"
    assert any(line.message.startswith(f"Evaluated model {model.id} on 60 held-out rows")
               for line in jobs.job_logs(ws, job.id))
    said: list[str] = []
    again = scoring.evaluate_model(ws, model.id, progress=lambda p: said.append(p.message))
    assert again.value == ev.value and len(said) >= 3
    assert all(_korean(m, "PROGRESS") != m for m in said), said  # progress reads in Korean too
    assert hypotheses.get_hypothesis(ws, h.id).verdict["model_id"] == model.id  # judged as the search ended


@pytest.mark.slow
def test_a_32_row_dataset_is_cross_validated_with_a_note_instead_of_judged_on_6_rows(ws, tmp_path):
    frame = classification(n=32, seed=3)
    exp = _search(ws, tmp_path, frame)
    ev = scoring.get_evaluation(ws, exp.best_model_id)
    assert ev.method == "repeated_cv" and ev.n_rows == 32
    assert "under 30" in ev.notes[0] and "cross-validated" in ev.notes[1]
    assert all(_korean(note, "NOTES") != note for note in ev.notes)  # the Compare page can show them in Korean
    folds, repeats = ev.settings["folds"], ev.settings["repeats"]
    assert folds * repeats >= 50
    assert ev.low <= ev.value <= ev.high
    # the interval reflects 32 rows: far wider than the spread of 50 correlated fold scores' mean would be
    assert ev.high - ev.low > 0.05
    preds = scoring.load_predictions(ws, exp.best_model_id)
    assert len(preds.y_true) == 32 * repeats
    for r in range(repeats):  # every repeat predicts every row once, out of fold
        rows = preds.repeat == r
        assert rows.sum() == 32 and set(preds.fold[rows]) == set(range(folds))
    assert sorted(np.bincount(preds.y_true[preds.repeat == 0])) == sorted(frame["churned"].value_counts().tolist())
    model = experiments.get_model(ws, exp.best_model_id)
    assert model.holdout["n_rows"] < 30  # the 6-row holdout the CV replaces


@pytest.mark.slow
def test_a_regression_model_gets_intervals_without_probabilities(ws, tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 2))
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "y": 3 * x[:, 0] - x[:, 1] + rng.normal(scale=0.3, size=200)})
    model = make_model(ws, tmp_path, frame, target="y", learner="ridge")
    ev = scoring.evaluate_model(ws, model.id)
    assert ev.method == "holdout" and ev.metric == "r2" and ev.per_class == [] and ev.averaging == {}
    assert set(ev.metrics) == {"r2", "rmse", "mae", "mse", "mape"}
    assert ev.low <= ev.value <= ev.high and ev.value == pytest.approx(model.holdout["r2"])
    preds = scoring.load_predictions(ws, model.id)
    assert preds.proba is None and preds.classes == [] and preds.y_true.dtype == float and len(preds.y_pred) == 40


@pytest.mark.slow
def test_an_old_model_without_an_evaluation_is_evaluated_on_demand_as_a_job(ws, tmp_path):
    project = make_project(ws)
    model = make_model(ws, tmp_path, project=project)  # stored the way models were before evaluations
    assert scoring.get_evaluation(ws, model.id) is None
    assert scoring.missing_evaluations(ws, project.id) == [model.id]
    assert scoring.missing_evaluations(ws, "prj_other") == []
    job = scoring.enqueue_evaluation(ws, project_id=project.id, start_worker=False)
    assert job.kind == "evaluate" and job.project_id == project.id and job.payload == {"model_ids": [model.id]}
    assert scoring.enqueue_evaluation(ws, project_id=project.id, start_worker=False).id == job.id  # not twice
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    job = jobs.get_job(ws, job.id)
    assert job.status == "done" and job.result["evaluated"] == [model.id] and job.result["failed"] == {}
    ev = scoring.get_evaluation(ws, model.id)
    assert ev.method == "holdout" and scoring.missing_evaluations(ws, project.id) == []
    with pytest.raises(Conflict, match="nothing to evaluate"):
        scoring.enqueue_evaluation(ws, project_id=project.id, start_worker=False)
    again = scoring.evaluate_model(ws, model.id)  # seeded: evaluating again gives the same interval
    assert (again.value, again.low, again.high) == (ev.value, ev.low, ev.high)
    assert scoring.evaluations_of(ws, [model.id, "mdl_unknown"]).keys() == {model.id}


@pytest.mark.slow
def test_a_failing_evaluation_is_logged_and_the_search_keeps_its_model(ws, tmp_path, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(scoring, "evaluate_model", broken)
    exp = _search(ws, tmp_path, classification())
    job = jobs.get_job(ws, exp.job_id)
    assert job.status == "done" and job.result["model_id"] == exp.best_model_id
    assert job.result["evaluation"] is None
    assert experiments.get_model(ws, exp.best_model_id)
    log = [line.message for line in jobs.job_logs(ws, job.id)]
    assert any("failed: RuntimeError: disk full" in line and "The model is kept" in line for line in log), log
    assert scoring.missing_evaluations(ws, None) == [exp.best_model_id]  # so it can be evaluated later


@pytest.mark.slow
def test_refit_and_reproduce_jobs_evaluate_the_model(ws, tmp_path):
    exp = _search(ws, tmp_path, classification())
    job = experiments.enqueue_refit(ws, exp.id, start_worker=False)
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    job = jobs.get_job(ws, job.id)
    assert job.status == "done" and job.result["model_id"] != exp.best_model_id
    assert scoring.get_evaluation(ws, job.result["model_id"]).method == "holdout"
    with ws.write() as db:  # an old model: its evaluation is not there yet
        db.execute("DELETE FROM evaluations WHERE model_id = ?", [exp.best_model_id])
    job = experiments.enqueue_reproduce(ws, exp.best_model_id, start_worker=False)
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    job = jobs.get_job(ws, job.id)
    assert job.status == "done" and job.result["identical"] and job.result["evaluation"]["method"] == "holdout"
    assert scoring.get_evaluation(ws, exp.best_model_id) is not None
