"""AutoML search: spec validation, task detection, trial mirroring, cancel, reproduce, scoring."""

from __future__ import annotations

import builtins
import json
import time

import numpy as np
import pandas as pd
import pytest

from core.errors import InvalidInput
from core.experiments.search import (
    DEFAULT_LEARNERS,
    METRICS,
    SearchConfig,
    Selection,
    TrialRecord,
    available_learners,
    choose,
    default_metric,
    detect_task,
    evaluate,
    metric_for_task,
    number,
    refit_config,
    run_search,
    select_best,
    validate,
)


def table(n: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "x1": rng.normal(size=n), "x2": rng.normal(size=n),
        "color": rng.choice(["red", "green", "blue"], n), "when": pd.date_range("2024-01-01", periods=n, freq="h"),
    })
    frame.loc[::9, "x2"] = np.nan
    logit = 1.5 * frame["x1"] - frame["x2"].fillna(0) + (frame["color"] == "red")
    frame["label"] = np.where(logit + rng.normal(0, 0.5, n) > 0, "good", "bad")
    frame["amount"] = 3 * frame["x1"] + rng.normal(0, 0.3, n)
    return frame


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return table()


# ---------------------------------------------------------------- task, metric, learners

@pytest.mark.parametrize(("values", "task"), [
    (["a", "b", "a", "b"], "binary"),
    (["a", "b", "c", "a"], "multiclass"),
    ([True, False, True, True], "binary"),
    ([0, 1, 1, 0, 1], "binary"),
    ([1, 2, 3, 4, 5, 1, 2], "multiclass"),
    ([0.5, 1.25, 3.0, 2.2], "regression"),
    (list(range(100)), "regression"),
    ([1.0, 2.0, 3.0, None, 2.0], "multiclass"),
])
def test_detect_task(values, task):
    assert detect_task(pd.Series(values, name="y")) == task


def test_default_metric_per_task():
    assert (default_metric("binary"), default_metric("multiclass"), default_metric("regression")) == \
        ("roc_auc", "log_loss", "r2")


def test_available_learners_follow_the_task_and_the_installed_packages():
    cls, reg = available_learners("binary"), available_learners("regression")
    assert {"lgbm", "xgboost", "rf", "extra_tree", "lrl1", "lrl2"} <= set(cls)
    assert "ridge" in reg and "lrl2" not in reg and "ridge" not in cls
    assert set(DEFAULT_LEARNERS["classification"]) <= set(cls)


def test_spec_round_trips_through_json():
    spec = SearchConfig(target="y", learners=("lgbm", "lrl2"), feature_columns=("a",), seed=7)
    assert SearchConfig.from_dict(json.loads(json.dumps(spec.as_dict()))) == spec


def test_validate_resolves_every_auto(data):
    rc = validate(SearchConfig(target="label", time_budget=10), data)
    assert (rc.task, rc.metric, rc.eval_method) == ("binary", "roc_auc", "cv")
    assert rc.classes == ("bad", "good")
    assert "label" not in rc.feature_columns and rc.n_rows == len(data)
    assert rc.n_jobs >= 1 and "lrl2" in rc.learners


# ---------------------------------------------------------------- bad input

def test_missing_target_column_is_named(data):
    with pytest.raises(InvalidInput, match="'nope'"):
        validate(SearchConfig(target="nope"), data)


def test_all_empty_target_is_refused(data):
    with pytest.raises(InvalidInput, match="empty"):
        validate(SearchConfig(target="label"), data.assign(label=None))


def test_one_class_only_is_refused(data):
    with pytest.raises(InvalidInput, match="only one class"):
        validate(SearchConfig(target="label"), data.assign(label="good"))


def test_class_with_a_single_row_is_named(data):
    labels = data["label"].copy()
    labels.iloc[0] = "rare"
    with pytest.raises(InvalidInput, match="'rare'.*single row"):
        validate(SearchConfig(target="label"), data.assign(label=labels))


def test_text_regression_target_is_refused(data):
    with pytest.raises(InvalidInput, match="text.*numeric"):
        validate(SearchConfig(target="label", task="regression"), data)


def test_too_few_rows_for_the_folds(data):
    small = pd.concat([data[data.label == "good"].head(20), data[data.label == "bad"].head(3)])
    with pytest.raises(InvalidInput, match="'bad' has 3 rows.*5-fold"):
        validate(SearchConfig(target="label", eval_method="cv", n_splits=5), small)
    with pytest.raises(InvalidInput, match="12 rows are too few for 8-fold"):
        validate(SearchConfig(target="amount", task="regression", eval_method="cv", n_splits=8),
                 data.head(12).drop(columns="label"))
    with pytest.raises(InvalidInput, match="at least 10"):
        validate(SearchConfig(target="amount"), data.head(8).drop(columns="label"))


def test_zero_budget_without_max_trials_is_refused(data):
    with pytest.raises(InvalidInput, match="no budget"):
        validate(SearchConfig(target="label", time_budget=0), data)
    assert validate(SearchConfig(target="label", time_budget=0, max_trials=3), data).time_budget is None


def test_unknown_learners_are_named_with_the_available_ones(data):
    with pytest.raises(InvalidInput, match="magic, forest") as err:
        validate(SearchConfig(target="label", learners=("lgbm", "magic", "forest")), data)
    assert "lrl2" in err.value.hint


def test_uninstalled_learner_is_named_with_the_install_hint(data, monkeypatch):
    from core.experiments.learners import LEARNERS, Learner

    monkeypatch.setitem(LEARNERS, "fancy", Learner("fancy", object, ("classification",), "an optional extra",
                                                   requires="no_such_package_here"))
    with pytest.raises(InvalidInput, match="fancy.*not installed") as err:
        validate(SearchConfig(target="label", learners=("fancy",)), data)
    assert "pip install no_such_package_here" in err.value.hint


def test_learner_of_the_wrong_task_and_metric_of_the_wrong_task(data):
    with pytest.raises(InvalidInput, match="ridge cannot be used for a binary"):
        validate(SearchConfig(target="label", learners=("ridge",)), data)
    with pytest.raises(InvalidInput, match="'r2' does not fit a binary"):
        validate(SearchConfig(target="label", metric="r2"), data)


def test_parallel_trials_without_ray_name_the_extra(data, monkeypatch):
    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray" or name.startswith("ray."):
            raise ImportError("No module named 'ray'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    with pytest.raises(InvalidInput, match="Ray") as err:
        validate(SearchConfig(target="label", n_concurrent_trials=2), data)
    assert "requirements-ray.txt" in err.value.hint


# ---------------------------------------------------------------- selection rule

def _trial(i: int, learner: str, loss: float, se: float | None, default: bool) -> TrialRecord:
    return TrialRecord(i, learner, {}, loss, 1 - loss, "accuracy", 0.1, float(i), None, "ok", False, se, default)


def test_simplest_default_within_one_standard_error_is_preferred():
    trials = [_trial(0, "lgbm", 0.030, 0.004, True), _trial(1, "lrl2", 0.026, 0.008, True),
              _trial(2, "lrl2", 0.022, 0.003, False), _trial(3, "rbf_svm", 0.022, 0.004, True)]
    chosen, reason = select_best(trials)
    assert chosen.trial == 1 and "standard error" in reason


def test_a_best_trial_that_is_a_default_is_kept():
    trials = [_trial(0, "lgbm", 0.020, 0.006, True), _trial(1, "lrl2", 0.024, 0.005, True)]
    assert select_best(trials)[0].learner == "lgbm"


def test_a_clearly_better_tuned_trial_wins():
    trials = [_trial(0, "lrl2", 0.10, 0.005, True), _trial(1, "lgbm", 0.05, 0.005, False)]
    assert select_best(trials)[0].trial == 1
    assert select_best([_trial(0, "lrl2", 0.10, None, True), _trial(1, "lgbm", 0.099, None, False)])[0].trial == 1


# ---------------------------------------------------------------- real (short) searches

@pytest.fixture(scope="module")
def search(data, tmp_path_factory):
    """One real 2-second search (n_jobs=1), shared by the checks below."""
    train, test = data.iloc[:240], data.iloc[240:]
    seen, progress = [], []
    workdir = tmp_path_factory.mktemp("search")
    result = run_search(train.drop(columns="amount"),
                        SearchConfig(target="label", time_budget=2, seed=1, n_jobs=1,
                                     learners=("lgbm", "lrl2", "rf")),
                        workdir=workdir, on_trial=seen.append, on_progress=progress.append)
    return result, seen, progress, train, test


@pytest.mark.slow
def test_every_trial_is_mirrored_as_it_completes(search):
    result, seen, progress, _, _ = search
    assert seen == result.trials and len(seen) >= 3
    assert [r.trial for r in seen] == list(range(len(seen)))
    logged = [json.loads(line) for line in result.log_path.read_text().splitlines() if '"record_id"' in line]
    assert [r["learner"] for r in logged] == [r.learner for r in seen]
    assert [round(r["validation_loss"], 9) for r in logged] == [round(r.val_loss, 9) for r in seen]
    offsets = [r.wall_offset for r in seen]
    assert offsets == sorted(offsets) and offsets[-1] < 10
    first = seen[0]
    assert first.metric == "roc_auc" and first.val_metric == pytest.approx(1 - first.val_loss)
    assert first.status == "ok" and first.train_time > 0 and json.dumps(first.as_dict())
    assert progress[0].fraction == 0.0 and progress[-1].fraction == 1.0
    assert any(p.message.startswith("Trial ") for p in progress)


@pytest.mark.slow
def test_search_result_predicts_raw_held_out_rows(search):
    result, _, _, _, test = search
    assert not result.stopped_early and result.bundle.learner == result.best_learner
    assert result.trials[result.best_trial].config == result.best_config
    scores = evaluate(result.bundle, test)
    assert set(scores) >= {"accuracy", "macro_f1", "f1", "roc_auc", "log_loss", "n_rows"}
    assert scores["n_rows"] == len(test) and scores["accuracy"] > 0.7
    assert set(result.bundle.predict(test.drop(columns=["label"]))) <= {"good", "bad"}


@pytest.mark.slow
def test_reproduce_gives_identical_predictions(search):
    result, _, _, train, test = search
    bundle = result.bundle
    again = refit_config(train.drop(columns="amount"), "label", result.config.task, bundle.learner, bundle.config,
                         bundle.seed, feature_columns=result.config.feature_columns, n_jobs=bundle.n_jobs)
    np.testing.assert_array_equal(again.predict_proba(test), bundle.predict_proba(test))
    for trial in result.trials[:3]:
        a = refit_config(train, "label", "binary", trial.learner, trial.config, 1, n_jobs=2)
        b = refit_config(train, "label", "binary", trial.learner, trial.config, 1, n_jobs=2)
        np.testing.assert_array_equal(a.predict_proba(test), b.predict_proba(test))


@pytest.mark.slow
def test_should_stop_ends_the_search_within_a_few_trials(data, tmp_path):
    seen = []
    result = run_search(data, SearchConfig(target="label", time_budget=60, seed=0, n_jobs=1), workdir=tmp_path,
                        on_trial=seen.append, should_stop=lambda: len(seen) >= 2)
    assert result.stopped_early and result.bundle is None
    # the stop is polled every STOP_POLL_SECONDS, so a few fast trials may finish in between on a busy
    # machine; the 60 s budget would run well over a hundred on this data
    assert 2 <= len(result.trials) <= 12
    assert result.best_learner is not None


@pytest.mark.slow
def test_stop_before_start_runs_nothing_and_refit_on_stop_keeps_a_model(data, tmp_path):
    result = run_search(data, SearchConfig(target="label", time_budget=30), workdir=tmp_path, should_stop=lambda: True)
    assert result.stopped_early and result.trials == []
    seen = []
    result = run_search(data, SearchConfig(target="label", time_budget=30, n_jobs=1, learners=("lrl2",)),
                        workdir=tmp_path, on_trial=seen.append, should_stop=lambda: len(seen) >= 1,
                        refit_on_stop=True)
    assert result.stopped_early and result.bundle is not None and result.bundle.learner == "lrl2"


@pytest.mark.slow
def test_an_error_in_on_trial_stops_the_search_and_is_raised(data, tmp_path):
    class StoreDown(RuntimeError):
        pass

    def on_trial(record):
        raise StoreDown("database is locked")

    started = time.monotonic()
    with pytest.raises(StoreDown):
        run_search(data, SearchConfig(target="label", time_budget=60, n_jobs=1), workdir=tmp_path, on_trial=on_trial)
    assert time.monotonic() - started < 10


@pytest.mark.slow
def test_max_trials_without_time_budget_and_a_regression_search(data, tmp_path):
    result = run_search(data.drop(columns="label"),
                        SearchConfig(target="amount", time_budget=None, max_trials=4, n_jobs=1,
                                     learners=("ridge", "lgbm")), workdir=tmp_path)
    assert result.config.task == "regression" and result.config.metric == "r2"
    assert 1 <= len(result.trials) <= 4
    scores = evaluate(result.bundle, data)
    assert set(scores) == {"r2", "rmse", "mae", "n_rows"} and scores["r2"] > 0.8


@pytest.mark.slow
@pytest.mark.ray
def test_parallel_trials_on_local_ray_are_mirrored_live_and_stop(data, tmp_path, monkeypatch):
    pytest.importorskip("ray", reason="the Ray extra is not installed (pip install -r requirements-ray.txt)")
    import tempfile

    import ray

    with tempfile.TemporaryDirectory(prefix="ray", dir="/tmp") as ray_tmp:
        monkeypatch.setenv("RAY_TMPDIR", ray_tmp)
        monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
        monkeypatch.delenv("RAY_ADDRESS", raising=False)
        seen: list[tuple[float, TrialRecord]] = []
        started = time.monotonic()
        try:
            result = run_search(data, SearchConfig(target="label", time_budget=120, n_jobs=1, n_concurrent_trials=2,
                                                   learners=("lgbm", "lrl2")),
                                workdir=tmp_path, on_trial=lambda r: seen.append((time.monotonic(), r)),
                                should_stop=lambda: len(seen) >= 4)
        finally:
            ray.shutdown()
    assert result.stopped_early and time.monotonic() - started < 60
    assert 4 <= len(result.trials) == len(seen)
    assert [r.trial for _, r in seen] == list(range(len(seen)))
    assert len({(r.learner, json.dumps(r.config, sort_keys=True)) for _, r in seen}) == len(seen)
    # mirrored while tune.run was still going, not all at once at the end
    assert seen[-1][0] - seen[0][0] > 0.05


def test_the_choice_records_the_rule_and_its_numbers():
    trials = [_trial(0, "lgbm", 0.030, 0.004, True), _trial(1, "lrl2", 0.026, 0.008, True),
              _trial(2, "lrl2", 0.022, 0.003, False), _trial(3, "rbf_svm", 0.022, 0.004, True)]
    chosen, why = choose(trials)
    assert chosen.trial == 1 and why.rule == "one_standard_error"
    assert (why.chosen_trial, why.chosen_loss, why.best_trial, why.best_loss) == (1, 0.026, 2, 0.022)
    assert why.standard_error == 0.008  # the larger of the two trials' standard errors: the tolerance used
    assert why.chosen_metric == pytest.approx(0.974) and why.best_metric == pytest.approx(0.978)
    assert "one standard error (0.008)" in why.reason and "trial 2" in why.reason
    assert Selection.from_dict(why.as_dict()) == why  # kept with the model as JSON, read back whole

    best, mine = choose(trials, rule="best_validation")  # the user's override: the lowest loss itself
    assert (best.trial, mine.rule, mine.chosen_trial) == (2, "best_validation_by_user", 2)
    kept, plain = choose([_trial(0, "lrl2", 0.10, None, True), _trial(1, "lgbm", 0.05, 0.005, False)])
    assert (kept.trial, plain.rule, plain.chosen_trial, plain.best_trial) == (1, "lowest_validation_loss", 1, 1)


def test_numbers_in_messages_have_four_significant_digits():
    assert number(0.5848398019817648) == "0.5848"
    assert number(12345.678) == "1.235e+04" and number(None) == "none"


def test_a_hypothesis_metric_maps_to_the_tasks_name_for_it():
    assert metric_for_task("roc_auc", "binary") == "roc_auc"
    assert metric_for_task("roc_auc", "multiclass") == "roc_auc_ovr"  # the holdout's roc_auc averages that way
    assert metric_for_task("roc_auc_ovo", "binary") == "roc_auc"
    assert metric_for_task("accuracy", "multiclass") == "accuracy"
    assert metric_for_task("r2", "binary") is None and metric_for_task("accuracy", "regression") is None


def test_every_multiclass_metric_offered_can_be_computed():
    # FLAML's roc_auc_weighted gets class labels, not probabilities, for several classes: every trial failed
    assert "roc_auc_weighted" not in METRICS["multiclass"]
    assert {"roc_auc_ovr", "roc_auc_ovo", "roc_auc_ovr_weighted", "roc_auc_ovo_weighted"} <= set(METRICS["multiclass"])
