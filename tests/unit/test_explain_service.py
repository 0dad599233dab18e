"""Stored explanations (core.explain.service): reuse by key, sampling, row pickers, what-if, two models, the job."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from core.data import datasets
from core.errors import Conflict, InvalidInput
from core.explain import explainers, service
from tests.tiny_models import add_model, churn_frame, make_experiment, make_model


def _no_recompute(monkeypatch) -> None:
    def boom(*args, **kwargs):
        raise AssertionError("explain_frame was called: the stored explanation was not reused")

    monkeypatch.setattr(service.explainers, "explain_frame", boom)


def _bundle(ws, model_id):
    from core.experiments.service import load_model

    return load_model(ws, model_id)


def regression_frame(n: int = 200, seed: int = 1) -> pd.DataFrame:
    """x1 drives the target strongly; plan a little."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    plan = rng.choice(["basic", "pro", "max"], size=n)
    y = 5 * x1 + 0.5 * x2 + np.where(plan == "max", 1.0, 0.0) + rng.normal(scale=0.3, size=n)
    return pd.DataFrame({"x1": x1, "x2": x2, "plan": plan, "amount": y})


# ---------------------------------------------------------------- storing and reusing

@pytest.mark.parametrize("learner", ["lgbm", "lrl2", "rf"])
def test_a_stored_explanation_reads_back_equal_to_the_fresh_one_and_adds_up(ws, tmp_path, learner):
    model = make_model(ws, tmp_path, learner=learner)
    stored, fresh = service.explain_model(ws, model.id)
    loaded = service.load_explanation(ws, stored)

    np.testing.assert_array_equal(loaded.values, fresh.values)
    np.testing.assert_array_equal(loaded.base_values, fresh.base_values)
    pd.testing.assert_frame_equal(loaded.data, fresh.data)
    assert (loaded.explainer, loaded.units, loaded.columns, loaded.outputs, loaded.notes) == \
        (fresh.explainer, fresh.units, fresh.columns, fresh.outputs, fresh.notes)
    # the values add up to the model's own output, in raw columns, after the round trip
    bundle = _bundle(ws, model.id)
    np.testing.assert_allclose(loaded.output(), explainers.model_output(bundle, loaded.data, loaded.units),
                               rtol=1e-6, atol=1e-6)
    # the stored row says what it holds
    assert stored.columns == bundle.input_columns == ["x1", "x2", "plan"]
    assert stored.outputs == ["yes"] and stored.explainer == explainers.choose_explainer(bundle)
    assert list(stored.importance["__all__"]) == list(fresh.importance().index)
    assert stored.base_values == pytest.approx(list(fresh.base_values))
    # the artifact is an npz without pickles: numeric arrays only
    with np.load(io.BytesIO(ws.artifacts.read_bytes(stored.artifact)), allow_pickle=False) as z:
        assert sorted(z.files) == ["base_values", "positions", "values"]
        assert all(z[name].dtype != object for name in z.files)


def test_the_same_request_reuses_the_stored_explanation_without_computing(ws, tmp_path, monkeypatch):
    model = make_model(ws, tmp_path)
    exp_test = datasets.get_version(ws, service.default_version(ws, model.id))
    first, _ = service.explain_model(ws, model.id, rows=1000)
    assert first.n_rows == exp_test.n_rows < 1000  # all the held-out rows: fewer than asked for
    _no_recompute(monkeypatch)
    again, expl = service.explain_model(ws, model.id, rows=1000)
    assert again.id == first.id and expl.n_rows == first.n_rows
    # asking for more rows than the version has is the same request
    assert service.explain_model(ws, model.id, rows=5000)[0].id == first.id
    assert service.find_explanation(ws, model.id, rows=5000).id == first.id
    assert [s.id for s in service.explanations_of(ws, model.id)] == [first.id]
    assert service.latest_explanation(ws, model.id).id == first.id
    # a request with other settings is not found (it would be computed)
    assert service.find_explanation(ws, model.id, rows=5, seed=0) is None


def test_settings_are_keyed_by_the_hash_of_their_canonical_json(ws, tmp_path):
    import hashlib
    import json

    model = make_model(ws, tmp_path)
    stored, _ = service.explain_model(ws, model.id, rows=7, seed=3)
    assert stored.settings == {"seed": 3, "sample": "random", "background_rows": 0, "explainer": "tree",
                               "class": None}
    assert stored.settings_key == hashlib.sha256(json.dumps(stored.settings, sort_keys=True).encode()).hexdigest()


def test_a_sample_is_seeded_in_row_order_and_the_same_for_two_models_of_the_experiment(ws, tmp_path):
    exp = make_experiment(ws, tmp_path)
    a, b = add_model(ws, exp, "lgbm"), add_model(ws, exp, "rf")
    version = datasets.get_version(ws, exp.dataset_version_id)  # 200 rows
    sa, ea = service.explain_model(ws, a.id, version_id=version.id, rows=25, seed=4)
    sb, eb = service.explain_model(ws, b.id, version_id=version.id, rows=25, seed=4)
    positions = list(ea.data.index)
    assert sa.n_rows == 25 and len(set(positions)) == 25 and positions == sorted(positions)
    assert positions == list(eb.data.index)  # the same rows for both models (compare relies on it)
    other = service.explain_model(ws, a.id, version_id=version.id, rows=25, seed=5)[1]
    assert list(other.data.index) != positions
    # the rows are the version's rows at those positions
    frame = datasets.load_frame(ws, version.id)
    pd.testing.assert_frame_equal(ea.data, frame.iloc[positions][["x1", "x2", "plan"]], check_names=False)
    assert any("random sample (seed 4) of 25 of the 200 rows" in n for n in sa.notes)


def test_a_row_with_every_input_missing_is_explained_too(ws, tmp_path):
    model = make_model(ws, tmp_path)
    rows = churn_frame(12, seed=3)
    rows.loc[5, ["x1", "x2", "plan"]] = [np.nan, np.nan, None]
    path = tmp_path / "gaps.csv"
    rows.to_csv(path, index=False)
    version = datasets.add_dataset(ws, path).version
    stored, expl = service.explain_model(ws, model.id, version_id=version.id)
    assert stored.n_rows == 12 and 5 in expl.data.index
    assert np.isfinite(expl.values).all()
    np.testing.assert_allclose(expl.output(), explainers.model_output(_bundle(ws, model.id), expl.data, expl.units),
                               rtol=1e-6, atol=1e-6)


def test_a_new_explanation_is_in_the_activity_feed_naming_the_learner_and_experiment(ws, tmp_path, monkeypatch):
    from core.store import activity

    model = make_model(ws, tmp_path)
    exp_name = service.get_experiment(ws, model.experiment_id).name
    service.explain_model(ws, model.id)
    service.explain_model(ws, model.id)  # reused: no second event
    events = [e for e in activity.list_events(ws, limit=20) if e.verb == "explained"]
    assert len(events) == 1 and events[0].object_kind == "model" and events[0].object_id == model.id
    assert "lgbm" in events[0].message and f"'{exp_name}'" in events[0].message


def test_the_background_is_a_seeded_sample_of_the_training_rows(ws, tmp_path):
    exp = make_experiment(ws, tmp_path)
    model = add_model(ws, exp, "lrl2")
    train = datasets.load_frame(ws, exp.train_version_id)
    bg = service.background_for(ws, model.id, n=50, seed=2)
    assert len(bg) == 50 and list(bg.columns) == ["x1", "x2", "plan"]
    pd.testing.assert_frame_equal(bg, train.loc[bg.index, ["x1", "x2", "plan"]])
    pd.testing.assert_frame_equal(bg, service.background_for(ws, model.id, n=50, seed=2))
    assert len(service.background_for(ws, model.id, n=10_000)) == len(train)
    stored, _ = service.explain_model(ws, model.id)
    assert stored.settings["background_rows"] == service.BACKGROUND_ROWS
    assert any(f"{len(train)} training rows" in n for n in stored.notes)


# ---------------------------------------------------------------- choosing rows

def test_largest_errors_are_one_minus_the_probability_of_the_true_class_largest_first(ws, tmp_path):
    model = make_model(ws, tmp_path, learner="lrl2")
    _, expl = service.explain_model(ws, model.id)
    bundle = _bundle(ws, model.id)
    truth = datasets.load_frame(ws, service.default_version(ws, model.id))["churned"].iloc[expl.data.index]
    proba = bundle.predict_proba(expl.data)
    expected = 1 - proba[np.arange(len(truth)), [bundle.classes.index(t) for t in truth]]

    picked = service.row_choices(ws, model.id, expl, kind="errors", k=5)
    assert list(picked.columns) == ["position", "row", "actual", "predicted", "score"]
    assert list(picked["position"]) == list(np.argsort(-expected, kind="stable")[:5])
    np.testing.assert_allclose(picked["score"], np.sort(expected)[::-1][:5])
    assert list(picked["row"]) == [expl.data.index[p] for p in picked["position"]]
    assert list(picked["actual"]) == list(truth.iloc[picked["position"]])  # original labels
    assert set(picked["predicted"]) <= {"yes", "no"}
    worst = picked.iloc[0]
    assert worst["actual"] != worst["predicted"]  # the largest error is a wrong prediction

    confident = service.row_choices(ws, model.id, expl, kind="confident", k=3)
    np.testing.assert_allclose(confident["score"], np.sort(proba.max(axis=1))[::-1][:3])
    assert list(confident["predicted"]) == [bundle.classes[i] for i in proba.argmax(axis=1)[confident["position"]]]


def test_largest_errors_of_a_regression_model_are_absolute_differences(ws, tmp_path):
    exp = make_experiment(ws, tmp_path, frame=regression_frame(), target="amount")
    model = add_model(ws, exp, "lgbm")
    _, expl = service.explain_model(ws, model.id)
    actual = datasets.load_frame(ws, exp.test_version_id)["amount"].iloc[expl.data.index].to_numpy()
    predicted = _bundle(ws, model.id).predict(expl.data)
    picked = service.row_choices(ws, model.id, expl, kind="errors", k=4)
    errors = np.abs(actual - predicted)
    assert list(picked["position"]) == list(np.argsort(-errors, kind="stable")[:4])
    np.testing.assert_allclose(picked["actual"].astype(float), actual[picked["position"]])
    np.testing.assert_allclose(picked["predicted"].astype(float), predicted[picked["position"]])
    with pytest.raises(InvalidInput, match="Most confident applies to classifiers"):
        service.row_choices(ws, model.id, expl, kind="confident")


def test_rows_without_a_target_can_be_picked_by_confidence_but_not_by_error(ws, tmp_path):
    model = make_model(ws, tmp_path)
    path = tmp_path / "unlabelled.csv"
    churn_frame(15, seed=9).drop(columns="churned").to_csv(path, index=False)
    version = datasets.add_dataset(ws, path).version
    _, expl = service.explain_model(ws, model.id, version_id=version.id)
    with pytest.raises(InvalidInput, match="no target values"):
        service.row_choices(ws, model.id, expl, kind="errors")
    confident = service.row_choices(ws, model.id, expl, kind="confident", k=15)
    assert len(confident) == 15 and confident["actual"].isna().all()


def test_search_finds_rows_by_text_case_insensitively_and_by_number(ws, tmp_path):
    model = make_model(ws, tmp_path)
    _, expl = service.explain_model(ws, model.id)
    pro = service.search_rows(expl, "plan", " PRO ")
    assert pro == [i for i, v in enumerate(expl.data["plan"]) if v == "pro"] and pro
    value = float(expl.data["x1"].iloc[3])
    assert 3 in service.search_rows(expl, "x1", repr(value))
    assert service.search_rows(expl, "plan", "pro", limit=2) == pro[:2]
    assert service.search_rows(expl, "plan", "", limit=4) == [0, 1, 2, 3]
    assert service.search_rows(expl, "plan", "nothing like it") == []
    with pytest.raises(InvalidInput, match="no column 'nope'"):
        service.search_rows(expl, "nope", "x")


# ---------------------------------------------------------------- what-if

def test_what_if_changes_the_prediction_when_a_strong_column_changes(ws, tmp_path):
    model = make_model(ws, tmp_path, learner="lrl2")
    _, expl = service.explain_model(ws, model.id)
    bundle = _bundle(ws, model.id)
    background = service.background_for(ws, model.id, bundle)
    row = expl.data.iloc[0]
    low, low_expl = service.what_if(bundle, row, {"x1": "-4"}, background=background)
    high, high_expl = service.what_if(bundle, row, {"x1": "4.5"}, background=background)
    assert (low["prediction"], high["prediction"]) == ("no", "yes")  # x1 drives churn
    assert high["row"]["x1"] == 4.5
    assert high["row"]["x2"] == row["x2"] or (np.isnan(high["row"]["x2"]) and np.isnan(row["x2"]))  # unchanged
    assert sum(high["probabilities"].values()) == pytest.approx(1.0)
    assert high["probabilities"]["yes"] > 0.5 > low["probabilities"]["yes"]
    # the explanation of the edited row adds up to the model's output for it, and blames x1
    assert high_expl.n_rows == 1 and high_expl.data["x1"].iloc[0] == 4.5
    edited = pd.DataFrame([high["row"]])
    np.testing.assert_allclose(high_expl.output(), explainers.model_output(bundle, edited, high_expl.units), atol=1e-6)
    assert high_expl.values[0, 0, 0] > 0 > low_expl.values[0, 0, 0]
    assert high["notes"] == [] and high["unknown_categories"] == {}


def test_what_if_accepts_an_unknown_category_and_says_it_is_treated_as_other(ws, tmp_path):
    model = make_model(ws, tmp_path)
    bundle = _bundle(ws, model.id)
    row = {"x1": 0.1, "x2": None, "plan": "pro"}
    result, expl = service.what_if(bundle, row, {"plan": "platinum", "x2": "1,250.5"}, background=None)
    assert result["unknown_categories"] == {"plan": "platinum"}
    assert any("treated as other" in n for n in result["notes"])
    assert result["row"] == {"x1": 0.1, "x2": 1250.5, "plan": "platinum"}
    assert result["prediction"] in ("yes", "no") and expl.n_rows == 1


# ---------------------------------------------------------------- two models

def test_compare_importance_explains_both_models_on_the_same_rows_and_reuses_them(ws, tmp_path, monkeypatch):
    exp = make_experiment(ws, tmp_path)
    a, b = add_model(ws, exp, "lgbm"), add_model(ws, exp, "rf")
    frame = service.compare_importance(ws, a.id, b.id)
    label_a, label_b = f"lgbm · {a.id}", f"rf · {b.id}"
    assert list(frame.columns) == ["column", label_a, label_b]
    sa = service.find_explanation(ws, a.id)
    sb = service.find_explanation(ws, b.id)
    assert sa.version_id == sb.version_id == exp.test_version_id and sa.n_rows == sb.n_rows
    by_column = frame.set_index("column")
    for label, stored in ((label_a, sa), (label_b, sb)):
        assert by_column[label].to_dict() == pytest.approx(stored.importance["__all__"])
    assert list(frame["column"]) == list(sa.importance["__all__"])  # the first model's order
    assert frame.attrs["units"] == {label_a: "log-odds", label_b: "probability"}
    _no_recompute(monkeypatch)
    again = service.compare_importance(ws, a.id, b.id)
    pd.testing.assert_frame_equal(again, frame)


# ---------------------------------------------------------------- the job

def test_an_explain_job_runs_through_the_worker_with_progress_and_stores_the_explanation(ws, tmp_path):
    from core import jobs

    model = make_model(ws, tmp_path)
    job = service.enqueue_explanation(ws, model.id, rows=30, start_worker=False)
    assert job.kind == "explain" and job.status == "queued" and job.subject == ("model", model.id)
    assert "lgbm" in job.title and model.id in job.title
    assert service.find_explain_job(ws, model.id).id == job.id
    with pytest.raises(Conflict, match="already being computed") as err:
        service.enqueue_explanation(ws, model.id, rows=30, start_worker=False)
    assert err.value.job.id == job.id  # type: ignore[attr-defined]
    assert len(jobs.list_jobs(ws, kind="explain")) == 1

    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    done = jobs.get_job(ws, job.id)
    assert done.status == "done" and done.progress == 1.0, done.error
    stored = service.find_explanation(ws, model.id, rows=30)
    assert done.result["explanation_id"] == stored.id and stored.job_id == job.id
    assert done.result["reused"] is False and done.result["rows"] == stored.n_rows == 30
    assert service.find_explain_job(ws, model.id) is None
    with pytest.raises(Conflict, match="already explained") as err:
        service.enqueue_explanation(ws, model.id, rows=30, start_worker=False)
    assert err.value.stored.id == stored.id  # type: ignore[attr-defined]


def test_a_cancelled_explain_job_stores_nothing(ws, tmp_path):
    from core import jobs

    model = make_model(ws, tmp_path)
    job = service.enqueue_explanation(ws, model.id, start_worker=False)
    with ws.write() as db:  # cancel requested as it is claimed: the job notices at its first check
        db["jobs"].update(job.id, {"cancel_requested": 1})
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    assert jobs.get_job(ws, job.id).status == "cancelled"
    assert service.explanations_of(ws, model.id) == []
