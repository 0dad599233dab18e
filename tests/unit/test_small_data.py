"""Honest evaluation on small data: a warning before the run, no single-class model, the worker's cores.

The 32-row case is shaped like the spector data of the issue (grade on GPA, TUCE and PSI; 11 of
32 students improved), where a search chose a model that predicted the majority class for
every row and nothing warned that a 6-row holdout cannot judge it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core import experiments, jobs
from core.data import datasets
from core.experiments import search, spec
from core.experiments.search import SearchConfig, Selection, TrialRecord, check_several_classes, choose
from core.experiments.training import cross_val_proba, prepare_training_data, stratified_folds
from tests.conftest import SAMPLES, make_project

GPA = [2.66, 2.89, 3.28, 2.92, 4.00, 2.86, 2.76, 2.87, 3.03, 3.92, 2.63, 3.32, 3.57, 3.26, 3.53, 2.74,
       2.75, 2.83, 3.12, 3.16, 2.06, 3.62, 2.89, 3.51, 3.54, 2.83, 3.39, 2.67, 3.65, 4.00, 3.10, 2.39]
TUCE = [20, 22, 24, 12, 21, 17, 17, 21, 25, 29, 20, 23, 23, 25, 26, 19,
        25, 19, 23, 25, 22, 28, 14, 26, 24, 27, 17, 24, 21, 23, 21, 19]
GRADE = [0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1, 0, 1]


def spector() -> pd.DataFrame:
    """32 rows, binary, 11 positives."""
    return pd.DataFrame({"gpa": GPA, "tuce": TUCE, "psi": [0] * 18 + [1] * 14, "grade": GRADE})


def _trial(trial: int, learner: str, config: dict, loss: float) -> TrialRecord:
    return TrialRecord(trial=trial, learner=learner, config=config, val_loss=loss, val_metric=1 - loss,
                       metric="roc_auc", train_time=0.1, wall_offset=float(trial), sample_size=None, status="ok",
                       is_best=False)


@pytest.fixture(scope="module")
def prepared():
    pre, X, y, classes = prepare_training_data(spector(), "grade", "binary")
    return X, y, classes


def _predicted_classes(X, y, trial: TrialRecord) -> int:
    folds = stratified_folds(y, 5, 0)
    proba = cross_val_proba(X, y, folds, task="binary", learner=trial.learner, config=trial.config, seed=0,
                            n_classes=2)
    return len(np.unique(np.argmax(proba, axis=1)))


# ---------------------------------------------------------------- no single-class model

COLLAPSED = {"C": 1e-4}  # L2 logistic regression regularised into predicting the majority class


def test_a_model_that_predicts_one_class_is_passed_over_for_the_next_best_that_predicts_both(prepared):
    X, y, classes = prepared
    trials = [_trial(0, "lrl2", COLLAPSED, 0.10), _trial(1, "lrl2", dict(COLLAPSED), 0.11),  # the same config again
              _trial(2, "lrl2", {"C": 1.0}, 0.20), _trial(3, "rf", {"n_estimators": 20}, 0.25)]
    assert _predicted_classes(X, y, trials[0]) == 1  # the case: it says "0" for every student
    best, selection = choose(trials)
    assert best.trial == 0 and selection.rule == "lowest_validation_loss"

    chosen, why = check_several_classes(trials, best, selection, X, y, task="binary", seed=0, classes=classes)

    assert chosen.trial == 2 and _predicted_classes(X, y, chosen) == 2
    assert why.rule == "several_classes" and why.chosen_trial == 2 and why.best_trial == 0
    assert why.single_class == [{"trial": 0, "learner": "lrl2", "metric": pytest.approx(0.9), "predicted": "0"}]
    assert why.candidates_checked == 2  # the chosen one and trial 2; trial 1 repeats trial 0's configuration
    assert why.baseline_metric == pytest.approx(0.5)  # ROC AUC of a constant guess on every fold
    assert why.fold_metric > why.baseline_metric
    assert "predicted a single class" in why.reason and "majority-class baseline" in why.reason
    assert Selection.from_dict(json.loads(json.dumps(why.as_dict()))) == why  # kept with the model as JSON


def test_a_model_that_predicts_both_classes_is_kept_with_the_checks_numbers(prepared):
    X, y, classes = prepared
    trials = [_trial(0, "lrl2", {"C": 1.0}, 0.10), _trial(1, "rf", {"n_estimators": 20}, 0.2)]
    best, selection = choose(trials)
    chosen, why = check_several_classes(trials, best, selection, X, y, task="binary", seed=0, classes=classes)
    assert chosen.trial == 0 and why.rule == "lowest_validation_loss" and why.single_class == []
    assert why.candidates_checked == 1 and why.fold_metric > why.baseline_metric
    assert why.reason == selection.reason


def test_when_every_candidate_predicts_one_class_the_choice_stays_and_says_so(prepared):
    X, y, classes = prepared
    trials = [_trial(0, "lrl2", COLLAPSED, 0.10), _trial(1, "lrl1", {"C": 1e-4}, 0.12)]
    best, selection = choose(trials)
    chosen, why = check_several_classes(trials, best, selection, X, y, task="binary", seed=0, classes=classes)
    assert chosen.trial == 0 and why.rule == "lowest_validation_loss"
    assert [s["trial"] for s in why.single_class] == [0, 1]
    assert "predicts a single class" in why.reason and "none of the 1 next-best trials" in why.reason


def test_a_candidate_that_predicts_both_classes_but_no_better_than_the_baseline_is_not_chosen(prepared):
    X, y, classes = prepared
    shuffled = np.random.default_rng(0).permutation(len(y))
    noise = X.assign(gpa=X["gpa"].to_numpy()[shuffled] * 0, tuce=0, psi=0)  # no signal left: nothing beats a guess
    trials = [_trial(0, "lrl2", COLLAPSED, 0.10), _trial(1, "kneighbor", {"n_neighbors": 1}, 0.3)]
    best, selection = choose(trials)
    chosen, why = check_several_classes(trials, best, selection, noise, y, task="binary", seed=0, classes=classes)
    assert chosen.trial == 0 and why.rule != "several_classes"


def test_regression_and_large_data_are_not_checked(prepared):
    X, y, _ = prepared
    trials = [_trial(0, "lrl2", COLLAPSED, 0.10)]
    best, selection = choose(trials)
    assert check_several_classes(trials, best, selection, X, y, task="regression", seed=0) == (best, selection)
    big_X = pd.concat([X] * 160, ignore_index=True)  # 5,120 rows
    big_y = np.tile(y, 160)
    assert check_several_classes(trials, best, selection, big_X, big_y, task="binary", seed=0) == (best, selection)
    user = choose(trials, rule="best_validation")
    assert check_several_classes(trials, *user, X, y, task="binary", seed=0) == user  # the user's own choice


def test_a_real_search_on_the_issues_26_training_rows_does_not_refit_a_model_that_says_0_for_everyone(tmp_path):
    from core.data.ops import stratified_split

    frame = spector()
    train_rows, _, _ = stratified_split(len(frame), frame["grade"].to_numpy(), test_size=0.2, seed=0)
    train = frame.iloc[train_rows]  # what an experiment with a 20% holdout searches on
    config = SearchConfig(target="grade", time_budget=None, max_trials=20, learners=("xgboost", "lrl2"), seed=0,
                          n_jobs=1)
    result = search.run_search(train, config, workdir=tmp_path)
    choice = result.choice
    _, X, y, _ = prepare_training_data(train, "grade", "binary")
    chosen = next(t for t in result.trials if t.trial == choice.chosen_trial)
    assert result.bundle.learner == chosen.learner and result.best_trial == chosen.trial
    # the refit configuration predicts both classes on the folds, unless every candidate checked failed to
    assert _predicted_classes(X, y, chosen) == 2 or choice.candidates_checked == search.SINGLE_CLASS_CANDIDATES + 1
    assert choice.baseline_metric == pytest.approx(0.5)
    for skipped in choice.single_class:  # what was passed over really says one class for every row
        trial = next(t for t in result.trials if t.trial == skipped["trial"])
        assert _predicted_classes(X, y, trial) == 1
        assert choice.rule != "several_classes" or trial.val_loss <= chosen.val_loss  # ranked above the choice


def test_refitting_a_stopped_search_passes_over_a_trial_that_says_one_class_too(ws, tmp_path):
    from core.experiments import reproduce, service

    path = tmp_path / "spector.csv"
    spector().to_csv(path, index=False)
    version = datasets.add_dataset(ws, path).version
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="grade", time_budget=5, seed=0, n_jobs=1),
                                        start_worker=False)
    jobs.cancel_job(ws, exp.job_id)  # stopped before it ran: its trials are the ones stored below
    # trial 0 has the better validation loss but always says 0; trial 1 predicts both classes
    for trial, (config, loss) in enumerate([(COLLAPSED, 0.10), ({"C": 1.0}, 0.20)]):
        service._store_run(ws, exp, TrialRecord(
            trial=trial, learner="lrl2", config=config, val_loss=loss, val_metric=1 - loss, metric=exp.metric,
            train_time=0.1, wall_offset=float(trial), sample_size=None, status="ok", is_best=trial == 0))
    exp = experiments.get_experiment(ws, exp.id)
    assert exp.finished, exp.status
    model = reproduce.refit_best_run(ws, exp.id)
    assert model.config["C"] == 1.0  # trial 1, not the collapsed trial 0
    assert model.selection["rule"] == "several_classes"
    assert [s["trial"] for s in model.selection["single_class"]] == [0]


# ---------------------------------------------------------------- the worker's cores

@pytest.mark.parametrize(("affinity", "expected"), [(1, 1), (2, 1), (4, 3), (5, 5), (16, 16)])
def test_the_worker_leaves_one_core_for_the_app_on_small_machines(monkeypatch, affinity, expected):
    monkeypatch.delenv(spec.WORKER_CORES_ENV, raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(affinity)), raising=False)
    assert spec.worker_cores() == expected


def test_worker_cores_follow_the_environment_variable_and_decide_threads_on_larger_data(monkeypatch):
    monkeypatch.setenv(spec.WORKER_CORES_ENV, "6")
    assert spec.worker_cores() == 6
    assert spec.default_n_jobs(100_000, 20) == 6
    assert spec.default_n_jobs(100_000, 20, n_concurrent_trials=4) == 1
    assert spec.default_n_jobs(500, 10) == 1  # small data: one thread (thread start-up costs more than it saves)


def test_the_resolved_spec_records_the_cores_the_worker_may_use(monkeypatch):
    monkeypatch.setenv(spec.WORKER_CORES_ENV, "3")
    rc = spec.validate(SearchConfig(target="grade", time_budget=5), spector())
    assert rc.cores_available == 3 and rc.as_dict()["cores_available"] == 3 and rc.n_jobs == 1


def test_the_search_job_records_the_workers_own_cores(ws, tmp_path, monkeypatch):
    version = _version(ws, tmp_path, spector())
    monkeypatch.setenv(spec.WORKER_CORES_ENV, "2")
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="grade", time_budget=None, max_trials=2,
                                                                     learners=("lrl2",)), start_worker=False)
    assert exp.spec["resolved"]["cores_available"] == 2
    monkeypatch.setenv(spec.WORKER_CORES_ENV, "5")  # a worker started with another setting
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    done = experiments.get_experiment(ws, exp.id)
    assert done.status == "done" and done.spec["resolved"]["cores_available"] == 5
    log = [line.message for line in jobs.job_logs(ws, done.job_id, tail=None)]
    assert any("repeated cross-validation" in line for line in log)  # the 7-row holdout note


# ---------------------------------------------------------------- say so before the run

def _version(ws, tmp_path: Path, frame: pd.DataFrame, name: str = "data.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return datasets.add_dataset(ws, path).version


def test_check_holdout_names_the_count_that_is_too_small():
    rows = spec.check_holdout(pd.Series([0, 1, 0, 1, 0, 0]), "binary")
    assert rows.too_small and rows.n_rows == 6 and rows.small_classes == {"0": 4, "1": 2}
    assert rows.warning.startswith("The held-out split has 6 rows (under 30).")
    assert "repeated cross-validation" in rows.warning
    few = spec.check_holdout(pd.Series(["a"] * 40 + ["b"] * 7), "binary")
    assert few.too_small and few.small_classes == {"b": 7} and "'b' 7" in few.reason
    fine = spec.check_holdout(pd.Series(["a"] * 40 + ["b"] * 12), "binary")
    assert not fine.too_small and fine.warning is None
    assert not spec.check_holdout(pd.Series(np.arange(40.0)), "regression").too_small


def test_the_check_before_the_run_sees_the_split_the_experiment_makes(ws, tmp_path):
    version = _version(ws, tmp_path, spector())
    check = experiments.holdout_check(ws, version.id, "grade", test_size=0.2, seed=0)
    assert check.too_small and check.n_rows == 6
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="grade", time_budget=5),
                                        start_worker=False)
    test_rows = datasets.get_version(ws, exp.test_version_id).n_rows
    assert exp.spec["holdout_check"]["n_rows"] == test_rows == check.n_rows
    assert exp.spec["evaluation_note"] == check.warning
    assert spec.holdout_too_small(datasets.load_frame(ws, exp.test_version_id)["grade"], "binary")


def test_a_big_enough_holdout_gets_no_note(ws):
    version = datasets.add_dataset(ws, SAMPLES / "breast_cancer.csv").version
    check = experiments.holdout_check(ws, version.id, "diagnosis", test_size=0.2)
    assert not check.too_small and check.n_rows == 114
    small = experiments.holdout_check(ws, version.id, "diagnosis", test_size=0.05)  # 28 rows
    assert small.too_small and small.n_rows == 28
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="diagnosis", time_budget=5),
                                        start_worker=False)
    assert "evaluation_note" not in exp.spec and exp.spec["holdout_check"]["too_small"] is False


def _cli(ws, capsys, *args: str) -> tuple[int, str, str]:
    from core.cli import main

    code = main(["--workspace", str(ws.root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_experiments_run_warns_on_stderr_and_in_json(ws, tmp_path, capsys):
    _version(ws, tmp_path, spector(), name="spector.csv")
    datasets.add_dataset(ws, SAMPLES / "breast_cancer.csv")
    try:
        code, out, err = _cli(ws, capsys, "experiments", "run", "--dataset", "spector", "--target", "grade",
                              "--budget", "2", "--json")
        assert code == 0, err
        assert "warning: The held-out split has 6 rows (under 30)." in err
        assert "repeated cross-validation" in err
        small = json.loads(out)
        assert small["warnings"] == [small["spec"]["evaluation_note"]]
        code, out, err = _cli(ws, capsys, "experiments", "run", "--dataset", "breast_cancer", "--target",
                              "diagnosis", "--budget", "2")
        assert code == 0 and "warning" not in err
    finally:
        for exp in experiments.list_experiments(ws):
            if not exp.finished:
                experiments.cancel_experiment(ws, exp.id)


def test_the_experiment_form_warns_before_the_run_in_both_languages(ws, tmp_path):
    from streamlit.testing.v1 import AppTest

    project = make_project(ws, "Small data")
    path = tmp_path / "spector.csv"
    spector().to_csv(path, index=False)
    datasets.add_dataset(ws, path, project_id=project.id)
    for lang, words in (("en", "would have 6 rows (under 30)"), ("ko", "6개 행(기준 30개 미만)")):
        at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=60)
        at.query_params["project"] = project.id
        at.query_params["lang"] = lang
        at.run()
        at.switch_page("app_pages/experiments.py")
        at.run()
        assert not at.exception
        assert at.selectbox(key="exp_target").value == "grade"  # the last column is guessed
        shown = [w.value for w in at.warning]
        assert any(words in text for text in shown), shown
        if lang == "en":  # (AppTest formats the task box's Korean labels outside the session: English only)
            at.slider(key="exp_test_size").set_value(0.5).run()  # the warning follows the share held out
            assert any("would have 16 rows" in w.value for w in at.warning)
