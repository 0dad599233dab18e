"""Experiments in the store: spec checks up front, trials mirrored as runs, model, reproduce, cancel."""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core import experiments, jobs
from core.data import datasets
from core.define import hypotheses
from core.errors import Conflict, InvalidInput, NotFound
from core.experiments import service
from core.experiments.search import SearchConfig, TrialRecord
from core.store import lineage
from tests.conftest import make_project
from tests.tiny_models import churn_frame

REPO_ROOT = Path(__file__).resolve().parents[2]


def _version(ws, tmp_path: Path, frame: pd.DataFrame, name: str = "data.csv", project=None):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return datasets.add_dataset(ws, path, project_id=project.id if project else None).version


def _classification(n: int = 300, seed: int = 0) -> pd.DataFrame:
    return churn_frame(n, seed)


def _slow_search(ws, tmp_path):
    version = _version(ws, tmp_path, _classification(n=2000))
    return experiments.create_experiment(ws, version.id, SearchConfig(target="churned", time_budget=120,
                                                                      learners=("lgbm", "rf"), n_jobs=1),
                                         start_worker=False)


def _worker_with_two_trials(ws, exp, *extra: str) -> subprocess.Popen:
    """Start a worker process and return once the search has recorded two trials."""
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    worker = subprocess.Popen([sys.executable, "-m", "core.cli", "--workspace", str(ws.root), "worker", *extra],
                              cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while experiments.get_experiment(ws, exp.id).n_trials < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    return worker


QUICK = {"time_budget": 3.0, "learners": ("lgbm", "lrl2"), "n_jobs": 1}


def _queued(ws, tmp_path, name: str = "data.csv"):
    """An experiment queued without a worker: nothing trains."""
    version = _version(ws, tmp_path, _classification(), name=name)
    return experiments.create_experiment(ws, version.id, SearchConfig(target="churned", **QUICK), start_worker=False)


def _store_trials(ws, exp, losses: list[float], *, learner: str = "lrl2", first: int = 0) -> None:
    """Mirror trials into the store the way the automl job does (a non-finite loss is a failed trial)."""
    for trial, loss in enumerate(losses, start=first):
        ok = math.isfinite(loss)
        service._store_run(ws, exp, TrialRecord(
            trial=trial, learner=learner, config={"C": 1.0}, val_loss=loss, val_metric=1 - loss if ok else None,
            metric=exp.metric, train_time=0.1, wall_offset=float(trial), sample_size=None,
            status="ok" if ok else "failed", is_best=False))


@pytest.mark.parametrize(
    ("frame", "config", "message"),
    [
        (_classification(), {"target": "nope"}, "nope"),
        (_classification().assign(churned=np.nan), {"target": "churned"}, "empty"),
        (_classification().assign(churned="yes"), {"target": "churned"}, "one class"),
        (pd.concat([_classification(), pd.DataFrame({"x1": [0.0], "x2": [0.0], "plan": ["basic"],
                                                     "churned": ["maybe"]})]),
         {"target": "churned"}, "maybe"),
        (_classification(), {"target": "plan", "task": "regression"}, "text"),
        (_classification(n=12), {"target": "churned", "eval_method": "cv", "n_splits": 10}, "fold"),
        (_classification(), {"target": "churned", "time_budget": 0}, "budget"),
        (_classification(), {"target": "churned", "learners": ("catboost",)}, "catboost"),
    ],
    ids=["missing-target", "empty-target", "one-class", "singleton-class", "text-regression",
         "too-few-rows-for-cv", "zero-budget", "learner-not-installed"],
)
def test_bad_specs_are_explained_before_anything_is_queued(ws, tmp_path, frame, config, message):
    version = _version(ws, tmp_path, frame)
    n_versions = len(datasets.list_versions(ws, version.dataset_id))
    with pytest.raises(InvalidInput, match=message) as info:
        experiments.create_experiment(ws, version.id, SearchConfig(**config), start_worker=False)
    assert info.value.hint
    assert experiments.list_experiments(ws) == [] and jobs.list_jobs(ws) == []
    assert len(datasets.list_versions(ws, version.dataset_id)) == n_versions


def test_the_held_out_split_is_its_own_version_in_lineage(ws, tmp_path):
    project = make_project(ws)
    version = _version(ws, tmp_path, _classification(), project=project)
    h = hypotheses.create_hypothesis(ws, project.id, question="q", statement="s", metric="roc_auc", threshold=0.8)
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="churned", **QUICK),
                                        hypothesis_id=h.id, start_worker=False)
    assert exp.status == "queued" and exp.job_id and exp.project_id == project.id
    train, test = datasets.get_version(ws, exp.train_version_id), datasets.get_version(ws, exp.test_version_id)
    assert (train.n_rows, test.n_rows) == (240, 60)
    assert train.parent_id == test.parent_id == version.id
    relations = {(link.relation, link.to_id) for link in lineage.list_links(ws, "experiment", exp.id)}
    assert {("trained_on", train.id), ("evaluated_on", test.id), ("tests", h.id)} <= relations
    assert exp.data_sha256 == version.sha256
    assert exp.environment["packages"]["flaml"] and exp.environment["python"]
    assert hypotheses.linked(ws, h.id)["experiments"][0]["id"] == exp.id


@pytest.mark.slow
def test_a_search_records_every_trial_and_a_model_that_predicts_from_raw_rows(ws, tmp_path):
    version = _version(ws, tmp_path, _classification())
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="churned", **QUICK), start_worker=False)
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    exp = experiments.get_experiment(ws, exp.id)
    assert exp.status == "done", exp.error
    runs = experiments.list_runs(ws, exp.id)
    assert len(runs) == exp.n_trials >= 2
    assert [r.trial for r in runs] == list(range(len(runs)))
    assert {r.learner for r in runs} <= {"lgbm", "lrl2"}
    assert all(r.params and r.train_time is not None and r.wall_offset is not None for r in runs)
    assert all(r.metrics["pred_time"] > 0 for r in runs if r.status == "ok")  # seconds per row, kept per trial
    model = experiments.get_model(ws, exp.best_model_id)
    chosen = next(r for r in runs if r.id == exp.best_run_id)  # the trial that was refit
    assert model.run_id == chosen.id and model.learner == chosen.learner and model.holdout["n_rows"] == 60
    best_loss = experiments.list_runs(ws, exp.id, best_first=True)[0].val_loss
    assert chosen.val_loss <= best_loss + 0.05  # the best, or a default within noise of it
    assert 0.5 < model.holdout["roc_auc"] <= 1.0
    assert set(model.reference_stats["columns"]) == {"x1", "x2", "plan"}
    bundle = experiments.load_model(ws, model.id)
    raw = pd.DataFrame({"plan": ["max", "basic"], "x1": [2.0, -2.0], "x2": [np.nan, -1.0], "extra": [1, 2]})
    assert list(bundle.predict(raw)) == ["yes", "no"]
    with pytest.raises(InvalidInput, match="x1"):
        bundle.predict(raw.drop(columns=["x1"]))
    job = jobs.get_job(ws, exp.job_id)
    assert job.status == "done" and job.result["model_id"] == model.id
    assert model.selection["rule"] in ("lowest_validation_loss", "one_standard_error")  # why, kept with it
    assert model.selection["chosen_trial"] == chosen.trial and model.selection["metric"] == "roc_auc"
    assert model.selection["best_loss"] == best_loss
    logs = [line.message for line in jobs.job_logs(ws, job.id)]
    assert any(line.startswith("Refit: ") and f"trial {chosen.trial}" in line for line in logs)
    assert not [line for line in logs if re.search(r"\.\d{9,}", line)], logs  # no raw 17-digit floats

    result = experiments.reproduce_model(ws, model.id)
    assert result.identical and result.max_abs_diff == 0.0 and result.n_rows == 60


@pytest.mark.slow
def test_cancelling_keeps_finished_trials_and_the_best_can_be_refit(ws, tmp_path):
    exp = _slow_search(ws, tmp_path)
    worker = _worker_with_two_trials(ws, exp, "--idle-exit", "1")
    try:
        deadline = time.monotonic() + 90
        experiments.cancel_experiment(ws, exp.id)
        while not experiments.get_experiment(ws, exp.id).finished and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        worker.wait(60)
    stopped = experiments.get_experiment(ws, exp.id)
    assert stopped.status == "cancelled" and stopped.n_trials >= 2
    assert jobs.get_job(ws, exp.job_id).status == "cancelled"
    assert stopped.best_model_id is None and stopped.best_run_id
    with pytest.raises(Conflict, match="already ended"):
        experiments.cancel_experiment(ws, exp.id)
    model = experiments.refit_best_run(ws, exp.id)
    assert experiments.get_experiment(ws, exp.id).best_model_id == model.id
    assert model.holdout["n_rows"] == 400


@pytest.mark.slow
def test_a_worker_killed_mid_search_leaves_the_experiment_interrupted_with_its_trials(ws, tmp_path):
    exp = _slow_search(ws, tmp_path)
    worker = _worker_with_two_trials(ws, exp)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)
    jobs.run_worker(ws, idle_exit=0)  # the next worker notices
    dead = experiments.get_experiment(ws, exp.id)
    assert dead.status == "interrupted" and dead.n_trials >= 2 and "refit" in dead.error
    assert experiments.refit_best_run(ws, exp.id).learner in {"lgbm", "rf"}


def test_experiments_cli_show_json_contract(ws, tmp_path, capsys):
    from core.cli import main

    version = _version(ws, tmp_path, _classification())
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="churned", **QUICK), start_worker=False)
    assert main(["--workspace", str(ws.root), "experiments", "show", exp.id, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"id", "status", "n_trials", "best_model_id", "holdout", "sha256", "environment"} <= set(data)
    assert data["status"] == "queued" and data["sha256"] == version.sha256 and data["holdout"] == {}


# ---------------------------------------------------------------- reading runs

def test_list_runs_after_a_trial_returns_only_the_later_trials(ws, tmp_path):
    exp = _queued(ws, tmp_path)
    _store_trials(ws, exp, [0.3, 0.2, 0.4])
    seen = experiments.list_runs(ws, exp.id)
    assert [r.trial for r in seen] == [0, 1, 2]
    assert experiments.list_runs(ws, exp.id, after_trial=2) == []
    _store_trials(ws, exp, [0.1, math.inf], first=3)  # the search goes on
    newer = experiments.list_runs(ws, exp.id, after_trial=seen[-1].trial)
    assert [r.trial for r in newer] == [3, 4]
    assert seen + newer == experiments.list_runs(ws, exp.id)  # incremental reads add up to one full read
    assert [r.trial for r in experiments.list_runs(ws, exp.id, after_trial=0, best_first=True)] == [3, 1, 2, 4]
    assert [r.trial for r in experiments.list_runs(ws, exp.id, after_trial=-1)] == [0, 1, 2, 3, 4]


def test_a_stopped_search_points_at_its_lowest_loss_trial_never_at_one_without_a_loss(ws, tmp_path):
    exp = _queued(ws, tmp_path)
    _store_trials(ws, exp, [math.inf, 0.4, 0.25, math.nan, 0.25, 0.3])  # trials 0 and 3 have NULL losses
    stopped = experiments.cancel_experiment(ws, exp.id)  # the automl job's hook records the best run
    assert stopped.status == "cancelled"
    best = next(r for r in experiments.list_runs(ws, exp.id) if r.id == stopped.best_run_id)
    assert (best.trial, best.val_loss) == (2, 0.25)  # the lowest loss; the earlier trial of a tie
    assert service._best_run_id(ws, exp.id) == best.id

    failed = _queued(ws, tmp_path, name="other.csv")
    _store_trials(ws, failed, [math.inf, math.nan])
    assert service._best_run_id(ws, failed.id) is None
    assert experiments.cancel_experiment(ws, failed.id).best_run_id is None


# ---------------------------------------------------------------- refit and reproduce as jobs

def test_refit_and_reproduce_requests_are_refused_before_anything_is_queued(ws, tmp_path):
    with pytest.raises(NotFound, match="exp_nope"):
        experiments.enqueue_refit(ws, "exp_nope", start_worker=False)
    with pytest.raises(NotFound, match="mdl_nope"):
        experiments.enqueue_reproduce(ws, "mdl_nope", start_worker=False)
    exp = _queued(ws, tmp_path)
    with pytest.raises(Conflict, match="still queued") as info:
        experiments.enqueue_refit(ws, exp.id, start_worker=False)
    assert info.value.hint
    experiments.cancel_experiment(ws, exp.id)
    with pytest.raises(Conflict, match="no finished trial"):
        experiments.enqueue_refit(ws, exp.id, start_worker=False)
    with pytest.raises(Conflict, match="no finished trial"):  # the job's body refuses it the same way
        experiments.refit_best_run(ws, exp.id)
    assert jobs.list_jobs(ws, kind="refit") == [] and jobs.list_jobs(ws, kind="reproduce") == []


def test_refitting_a_stopped_search_queues_one_refit_job(ws, tmp_path):
    exp = _queued(ws, tmp_path)
    _store_trials(ws, exp, [0.3, 0.2])
    experiments.cancel_experiment(ws, exp.id)
    assert experiments.find_refit_job(ws, exp.id) is None
    job = experiments.enqueue_refit(ws, exp.id, start_worker=False)
    assert (job.kind, job.status, job.payload) == ("refit", "queued", {"experiment_id": exp.id})
    assert job.project_id == exp.project_id and exp.name in job.title
    assert experiments.enqueue_refit(ws, exp.id, start_worker=False).id == job.id  # pending: not queued twice
    assert experiments.find_refit_job(ws, exp.id).id == job.id
    assert [j.id for j in jobs.list_jobs(ws, kind="refit")] == [job.id]


def test_a_refit_job_that_fails_is_failed_with_its_reason_and_stores_no_model(ws, tmp_path):
    exp = _queued(ws, tmp_path)
    _store_trials(ws, exp, [0.3], learner="no_such_learner")
    experiments.cancel_experiment(ws, exp.id)
    job = experiments.enqueue_refit(ws, exp.id, start_worker=False)
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    failed = jobs.get_job(ws, job.id)
    assert failed.status == "failed" and "no_such_learner" in failed.error
    assert experiments.get_experiment(ws, exp.id).best_model_id is None
    assert experiments.find_refit_job(ws, exp.id).id == job.id  # the last one, for the page to explain
    assert experiments.enqueue_refit(ws, exp.id, start_worker=False).id != job.id  # a new try is queued


@pytest.mark.slow
def test_refit_and_reproduce_run_as_jobs_whose_results_carry_the_outcome(ws, tmp_path):
    exp = _queued(ws, tmp_path)
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    exp = experiments.get_experiment(ws, exp.id)
    assert exp.status == "done", exp.error

    job = experiments.enqueue_reproduce(ws, exp.best_model_id, start_worker=False)
    assert (job.kind, job.status, job.payload) == ("reproduce", "queued", {"model_id": exp.best_model_id})
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    done = jobs.get_job(ws, job.id)
    assert done.status == "done", done.error
    assert done.result["model_id"] == exp.best_model_id and done.result["identical"] is True
    assert done.result["max_abs_diff"] == 0.0 and done.result["n_rows"] == 60
    assert done.result["data_sha256"] == exp.data_sha256
    assert experiments.find_reproduce_job(ws, exp.best_model_id).id == job.id

    refit = experiments.enqueue_refit(ws, exp.id, start_worker=False)
    assert refit.kind == "refit"
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    done = jobs.get_job(ws, refit.id)
    assert done.status == "done", done.error
    model = experiments.get_model(ws, done.result["model_id"])
    assert model.id != exp.best_model_id and experiments.get_experiment(ws, exp.id).best_model_id == model.id
    assert done.result["holdout"] == model.holdout and model.holdout["n_rows"] == 60

    ws.artifacts.path(model.artifact).unlink()  # a model whose file is gone is refused before queueing
    with pytest.raises(NotFound, match="missing"):
        experiments.enqueue_reproduce(ws, model.id, start_worker=False)
    assert [j.id for j in jobs.list_jobs(ws, kind="reproduce")] == [job.id]


def test_a_trials_logged_metrics_are_kept_and_the_trial_count_follows_the_trials(ws, tmp_path):
    exp = _queued(ws, tmp_path)
    for trial in range(3):
        record = TrialRecord(trial=trial, learner="lgbm", config={"n_estimators": 4}, val_loss=0.3, val_metric=0.7,
                             metric="roc_auc", train_time=0.1, wall_offset=trial, sample_size=None, status="ok",
                             is_best=trial == 0, metrics={"pred_time": 0.002 * (trial + 1), "train_loss": 0.25})
        service._store_run(ws, exp, record)
    runs = experiments.list_runs(ws, exp.id)
    assert [r.metrics["pred_time"] for r in runs] == [0.002, 0.004, 0.006]
    assert all(r.metrics["train_loss"] == 0.25 and r.metrics["metric"] == "roc_auc" for r in runs)
    assert experiments.get_experiment(ws, exp.id).n_trials == 3


# ---------------------------------------------------------------- hypotheses, and why a model was chosen

def test_an_experiment_for_a_hypothesis_links_its_dataset_and_optimises_its_metric(ws, tmp_path):
    project = make_project(ws)
    version = _version(ws, tmp_path, _classification(), project=project)
    h = hypotheses.create_hypothesis(ws, project.id, question="q", statement="s", metric="accuracy", threshold=0.8)
    assert hypotheses.linked(ws, h.id)["datasets"] == []
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="churned", **QUICK),
                                        hypothesis_id=h.id, start_worker=False)
    assert [d["id"] for d in hypotheses.linked(ws, h.id)["datasets"]] == [version.dataset_id]
    assert exp.metric == "accuracy"  # "auto" becomes the metric the hypothesis is judged on
    chosen = experiments.create_experiment(ws, version.id, SearchConfig(target="churned", metric="log_loss",
                                                                        **QUICK),
                                           hypothesis_id=h.id, start_worker=False)
    assert chosen.metric == "log_loss"  # a metric the user chose stays
    assert len(hypotheses.linked(ws, h.id)["datasets"]) == 1  # linked once


def test_a_hypothesis_metric_that_does_not_fit_the_task_leaves_the_default(ws, tmp_path):
    project = make_project(ws)
    version = _version(ws, tmp_path, _classification(), project=project)
    h = hypotheses.create_hypothesis(ws, project.id, question="q", statement="s", metric="rmse", threshold=1.0)
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="churned", **QUICK),
                                        hypothesis_id=h.id, start_worker=False)
    assert exp.metric == "roc_auc"


def test_experiments_made_before_the_link_show_their_datasets_on_the_hypothesis(ws, tmp_path):
    from core.store import migrations

    project = make_project(ws)
    version = _version(ws, tmp_path, _classification(), project=project)
    h = hypotheses.create_hypothesis(ws, project.id, question="q", statement="s", metric="roc_auc", threshold=0.8)
    experiments.create_experiment(ws, version.id, SearchConfig(target="churned", **QUICK), hypothesis_id=h.id,
                                  start_worker=False)
    with ws.write() as db:  # as an older MLCycle left it: no hypothesis -> dataset link
        db.execute("DELETE FROM lineage WHERE from_kind = 'hypothesis'")
    assert hypotheses.linked(ws, h.id)["datasets"] == []
    with ws.write() as db:
        migrations.link_hypothesis_datasets(db)  # what migration 0005 does to an older workspace
    assert [d["id"] for d in hypotheses.linked(ws, h.id)["datasets"]] == [version.dataset_id]


def test_reading_experiments_and_the_form_catalogues_do_not_import_flaml():
    code = ("import sys; from core.experiments import service, spec, learners, search, migrate; "
            "spec.available_learners('binary'); print(sorted(m for m in ('flaml', 'lightgbm', 'xgboost', 'sklearn')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def _one_standard_error_trials(ws, exp) -> None:
    """Trial 2 (tuned) has the lowest loss; trial 0 (a default) is within one standard error of it."""
    for trial, (loss, default) in enumerate([(0.030, True), (0.045, False), (0.022, False)]):
        service._store_run(ws, exp, TrialRecord(
            trial=trial, learner="lrl2", config={"C": 1.0 if default else 0.3 + trial}, val_loss=loss,
            val_metric=1 - loss, metric=exp.metric, train_time=0.1, wall_offset=float(trial), sample_size=None,
            status="ok", is_best=False, val_loss_se=0.01, is_default=default))


@pytest.mark.slow
def test_the_best_validation_trial_can_be_refit_as_the_users_choice_and_switched_back(ws, tmp_path):
    exp = _queued(ws, tmp_path)
    _one_standard_error_trials(ws, exp)
    experiments.cancel_experiment(ws, exp.id)
    rules = experiments.refit_best_run(ws, exp.id)
    runs = {r.trial: r for r in experiments.list_runs(ws, exp.id)}
    assert rules.run_id == runs[0].id
    why = rules.selection
    assert (why["rule"], why["chosen_trial"], why["best_trial"]) == ("one_standard_error", 0, 2)
    assert (why["chosen_loss"], why["best_loss"], why["standard_error"]) == (0.030, 0.022, 0.01)
    assert "one standard error (0.01)" in why["reason"]

    job = experiments.enqueue_refit_best_validation(ws, exp.id, start_worker=False)
    assert job.payload == {"experiment_id": exp.id, "choice": "best_validation"}
    assert experiments.find_refit_job(ws, exp.id) is None  # not mistaken for a stopped search's refit
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    done = jobs.get_job(ws, job.id)
    assert done.status == "done", done.error
    mine = experiments.get_model(ws, done.result["model_id"])
    assert mine.run_id == runs[2].id and mine.selection["rule"] == "best_validation_by_user"
    assert experiments.get_experiment(ws, exp.id).best_model_id == mine.id  # now the current model
    assert any("chosen by the user" in line.message for line in jobs.job_logs(ws, job.id))
    with pytest.raises(Conflict, match="already refits its best validation trial"):
        experiments.enqueue_refit_best_validation(ws, exp.id, start_worker=False)

    back = experiments.use_model(ws, exp.id, rules.id)
    assert (back.best_model_id, back.best_run_id) == (rules.id, runs[0].id)
    with pytest.raises(Conflict, match=mine.id) as info:  # it exists: use it rather than train it again
        experiments.enqueue_refit_best_validation(ws, exp.id, start_worker=False)
    assert "current" in info.value.hint
    assert [m.id for m in experiments.list_models(ws, exp.id)] == [rules.id, mine.id]


def test_a_model_stored_before_its_reason_was_recorded_gets_it_from_the_runs(ws, tmp_path):
    exp = _queued(ws, tmp_path)
    _one_standard_error_trials(ws, exp)
    runs = experiments.list_runs(ws, exp.id)
    model = experiments.entities.Model(
        id="mdl_old", experiment_id=exp.id, run_id=runs[0].id, learner="lrl2", config={}, artifact="", size_bytes=0,
        holdout={}, environment={}, reference_stats=None, created_at="2026-01-01T00:00:00+00:00")
    why = experiments.selection_of(exp, model, runs)
    assert (why.rule, why.chosen_trial, why.best_trial) == ("one_standard_error", 0, 2)
    other = experiments.entities.Model(**{**model.as_dict(), "run_id": runs[1].id})
    assert experiments.selection_of(exp, other, runs) is None  # not what the rule gives: not guessed
