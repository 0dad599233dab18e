"""The Monitor service: references, batches, prediction logs, drift reports, alerts and the loop back."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.data import datasets
from core.errors import InvalidInput
from core.experiments import service as experiments
from core.monitor import service as monitor
from core.store.lineage import list_links
from tests.conftest import make_project
from tests.tiny_models import churn_frame, make_model


@pytest.fixture
def model(ws, tmp_path):
    return make_model(ws, tmp_path, project=make_project(ws))


def _exp(ws, model):
    return experiments.get_experiment(ws, model.experiment_id)


def _held_out(ws, model) -> pd.DataFrame:
    return datasets.load_frame(ws, _exp(ws, model).test_version_id)


def _shifted(n: int = 200, seed: int = 1) -> pd.DataFrame:
    """New customers: x1 moved by 2.5 standard deviations and everyone on the 'max' plan; x2 as before."""
    frame = churn_frame(n, seed=seed)
    frame["x1"] = frame["x1"] + 2.5
    frame["plan"] = "max"
    return frame


def _batch(ws, model, tmp_path: Path, frame: pd.DataFrame, name: str):
    path = tmp_path / f"{name}.csv"
    frame.to_csv(path, index=False)
    return monitor.add_batch(ws, model.id, path)


def _count(ws, table: str) -> int:
    with ws.read() as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - a fixed table name


# ---------------------------------------------------------------- reference

def test_the_reference_is_computed_on_demand_then_read_back(ws, model, tmp_path):
    assert _count(ws, "monitor_references") == 0  # nothing is computed when a model is made
    first = monitor.reference_for(ws, model.id)
    exp = _exp(ws, model)
    assert first.version_id == exp.train_version_id and first.n_rows == 160
    assert set(first.stats["columns"]) == {"x1", "x2", "plan"}
    x2 = first.stats["columns"]["x2"]
    assert x2["kind"] == "numeric" and 0 < x2["missing"] < 0.1 and x2["quantiles"]["0.5"] is not None
    assert first.stats["columns"]["plan"]["kind"] == "categorical"
    assert set(first.stats["columns"]["plan"]["shares"]) == {"basic", "pro", "max"}
    assert first.predictions["version_id"] == exp.test_version_id
    assert set(first.predictions["shares"]) <= {"no", "yes"}
    assert sum(first.predictions["shares"].values()) == pytest.approx(1.0)
    batch = _batch(ws, model, tmp_path, _held_out(ws, model), "april")
    monitor.drift_report(ws, batch.id)
    again = monitor.reference_for(ws, model.id)
    assert again.created_at == first.created_at and _count(ws, "monitor_references") == 1


# ---------------------------------------------------------------- reports

def test_an_unshifted_batch_does_not_alert_and_a_shifted_one_does_naming_its_drifted_features(ws, model, tmp_path):
    calm = monitor.drift_report(ws, _batch(ws, model, tmp_path, _held_out(ws, model), "calm").id)
    assert not calm.alert and calm.alert_reasons == [] and calm.n_drifted == 0 and not calm.drifted
    assert [f["column"] for f in calm.features] == ["x1", "x2", "plan"]
    assert all(f["test"] in ("ks", "chisquare", "z") and f["threshold"] == 0.05 for f in calm.features)

    shifted = monitor.drift_report(ws, _batch(ws, model, tmp_path, _shifted(), "shifted").id)
    assert shifted.alert and shifted.drifted
    assert shifted.drifted_columns == ["x1", "plan"]
    assert shifted.share_drifted == pytest.approx(2 / 3)
    assert "2 of 3 features drifted (67%)" in shifted.alert_reasons[0] and "x1, plan" in shifted.alert_reasons[0]
    assert shifted.prediction["drifted"] and shifted.prediction["source"] == "model"
    stored = monitor.get_report(ws, shifted.id)
    assert stored.features == shifted.features and stored.alert
    assert ("reports_on", "monitor_batch", shifted.batch_id) in {
        (lk.relation, lk.to_kind, lk.to_id) for lk in list_links(ws, "drift_report", shifted.id)}
    links = {(lk.relation, lk.to_kind) for lk in list_links(ws, "monitor_batch", shifted.batch_id)
             if lk.from_id == shifted.batch_id}
    assert links == {("monitors", "model"), ("stored_as", "dataset_version")}


def test_a_batch_with_the_target_gets_metrics_next_to_the_holdouts(ws, model, tmp_path):
    calm = monitor.drift_report(ws, _batch(ws, model, tmp_path, _held_out(ws, model), "calm").id)
    m = calm.metrics
    assert m["target"] == "churned" and m["primary"] == "roc_auc" and m["higher_is_better"]
    assert m["n_rows"] == m["n_holdout"] == 40
    assert m["batch"]["roc_auc"] == pytest.approx(m["holdout"]["roc_auc"])  # the same rows
    assert m["change"] == pytest.approx(0.0) and not calm.alert

    shifted = monitor.drift_report(ws, _batch(ws, model, tmp_path, _shifted(), "shifted").id)
    s = shifted.metrics
    assert s["holdout"]["roc_auc"] == pytest.approx(m["holdout"]["roc_auc"])
    assert s["change"] == pytest.approx(s["holdout"]["roc_auc"] - s["batch"]["roc_auc"]) and s["change"] > 0.05
    assert any(r.startswith("roc_auc went from") for r in shifted.alert_reasons)

    no_target = monitor.drift_report(ws, _batch(ws, model, tmp_path, _shifted().drop(columns="churned"), "x").id)
    assert no_target.metrics == {} and no_target.prediction  # still predicted


def test_the_thresholds_are_per_model(ws, model, tmp_path):
    assert monitor.get_settings(ws, model.id).drift_share == 0.5
    monitor.set_settings(ws, model.id, drift_share=0.9, metric_drop=0.5, by="Ana")
    settings = monitor.get_settings(ws, model.id)
    assert (settings.drift_share, settings.metric_drop, settings.updated_by) == (0.9, 0.5, "Ana")
    report = monitor.drift_report(ws, _batch(ws, model, tmp_path, _shifted(), "shifted").id)
    assert report.n_drifted == 2 and not report.drifted and not report.alert  # 67% < 90%, drop < 0.5
    assert report.settings["drift_share"] == 0.9
    monitor.set_settings(ws, model.id, drift_share=0.6)
    assert monitor.get_settings(ws, model.id).metric_drop == 0.5  # kept
    assert monitor.drift_report(ws, report.batch_id).alert
    with pytest.raises(InvalidInput, match="drift share"):
        monitor.set_settings(ws, model.id, drift_share=0)
    with pytest.raises(InvalidInput, match="metric drop"):
        monitor.set_settings(ws, model.id, metric_drop=-0.1)


def test_missing_columns_are_reported_and_drift_is_computed_on_the_rest(ws, model, tmp_path):
    report = monitor.drift_report(ws, _batch(ws, model, tmp_path, _shifted().drop(columns="x2"), "partial").id)
    assert report.missing_columns == ["x2"]
    assert [f["column"] for f in report.features] == ["x1", "plan"] and report.drifted_columns == ["x1", "plan"]
    assert report.share_drifted == 1.0 and report.alert
    assert any("lacks 1 of the model's input columns: x2" in n for n in report.notes)
    assert report.prediction == {} and report.metrics == {}  # the model needs every input column
    assert any("needs every input column" in n for n in report.notes)


def test_extra_columns_are_ignored_and_listed(ws, model, tmp_path):
    frame = _held_out(ws, model).assign(region="north", visits=np.arange(40))
    report = monitor.drift_report(ws, _batch(ws, model, tmp_path, frame, "extra").id)
    assert report.extra_columns == ["region", "visits"]
    assert [f["column"] for f in report.features] == ["x1", "x2", "plan"] and not report.alert
    assert any("2 columns the model does not use were ignored: region, visits" in n for n in report.notes)
    assert report.metrics["change"] == pytest.approx(0.0)


def test_text_in_a_numeric_column_counts_as_missing_and_is_reported(ws, model, tmp_path):
    frame = _held_out(ws, model)
    frame["x1"] = frame["x1"].astype(object)
    frame.loc[:4, "x1"] = "unknown"
    report = monitor.drift_report(ws, _batch(ws, model, tmp_path, frame, "typed").id)
    assert list(report.type_problems) == ["x1"]
    x1 = next(f for f in report.features if f["column"] == "x1")
    assert x1["missing_cur"] == pytest.approx(5 / 40) and x1["test"] == "ks"
    assert any(n.startswith("Column 'x1':") for n in report.notes)
    assert report.prediction and report.metrics["n_rows"] == 40  # unreadable numbers are predicted as missing


def test_a_batch_without_rows_is_refused_clearly(ws, model, tmp_path):
    (tmp_path / "empty.csv").write_text("x1,x2,plan\n")
    with pytest.raises(InvalidInput, match="no data rows"):
        monitor.add_batch(ws, model.id, tmp_path / "empty.csv")
    assert monitor.list_batches(ws, model.id) == []


def _stored_versions(ws) -> int:
    with ws.read() as db:
        return db.execute("SELECT COUNT(*) FROM dataset_versions").fetchone()[0]


def test_a_file_with_none_of_the_models_columns_is_refused_and_nothing_is_stored(ws, model, tmp_path):
    pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}).to_csv(tmp_path / "other.csv", index=False)
    before = _stored_versions(ws)
    with pytest.raises(InvalidInput, match="none of the model's input columns"):
        monitor.add_batch(ws, model.id, tmp_path / "other.csv")
    assert _stored_versions(ws) == before  # no stray version of the batches dataset
    assert monitor.list_batches(ws, model.id) == []


def test_the_same_file_again_gives_back_its_batch(ws, model, tmp_path):
    first = _batch(ws, model, tmp_path, _shifted(), "may")
    again = _batch(ws, model, tmp_path, _shifted(), "may again")
    assert again.id == first.id and any("added before as 'may'" in n for n in again.notes)
    assert [b.id for b in monitor.list_batches(ws, model.id)] == [first.id]


def test_history_and_latest_alerts(ws, model, tmp_path):
    calm = monitor.drift_report(ws, _batch(ws, model, tmp_path, _held_out(ws, model), "calm").id)
    shifted = monitor.drift_report(ws, _batch(ws, model, tmp_path, _shifted(), "shifted").id)
    assert [r.id for r in monitor.reports_of(ws, model.id)] == [calm.id, shifted.id]
    assert [r.id for r in monitor.latest_alerts(ws, model.project_id)] == [shifted.id]
    assert monitor.latest_alerts(ws, make_project(ws, "Other").id) == []
    monitor.set_settings(ws, model.id, drift_share=1.0, metric_drop=1.0)
    rechecked = monitor.drift_report(ws, shifted.batch_id)  # the batch's newest report no longer alerts
    assert monitor.latest_alerts(ws, model.project_id) == []
    assert [r.id for r in monitor.reports_of(ws, model.id)] == [calm.id, rechecked.id]
    from core.store.activity import list_events

    feed = [(e.object_id, e.verb) for e in list_events(ws, project_id=model.project_id, limit=50)
            if e.object_kind == "monitor_batch"]
    assert feed == [(shifted.batch_id, "drift_checked"), (shifted.batch_id, "drift_alert"), (shifted.batch_id, "added"),
                    (calm.batch_id, "drift_checked"), (calm.batch_id, "added")]


# ---------------------------------------------------------------- prediction logs

def _log_line(model_id: str, rows: list[dict], predictions: list) -> str:
    return json.dumps({"time": "2026-01-31T12:00:00.000000Z", "model_id": model_id, "n_rows": len(rows),
                       "rows": rows, "predictions": predictions, "probabilities": [[0.5, 0.5]] * len(rows),
                       "classes": ["no", "yes"], "latency_ms": 0.9})


def _requests(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in r.items()}
            for r in frame.drop(columns="churned").to_dict("records")]


def test_a_prediction_log_with_a_truncated_last_line_is_imported_with_a_note(ws, model, tmp_path):
    rows = _requests(_shifted(30))
    logs = tmp_path / "logs"
    logs.mkdir()
    lines = [_log_line(model.id, rows[i:i + 10], ["yes"] * 10) for i in (0, 10)]
    lines.append(_log_line("mdl_other", rows[20:25], ["no"] * 5))
    (logs / "requests-2026-01-30.jsonl").write_text("\n".join(lines) + "\n")
    cut = _log_line(model.id, rows[25:30], ["yes"] * 5)
    (logs / "requests-2026-01-31.jsonl").write_text(_log_line(model.id, rows[20:25], ["no"] * 5) + "\n" + cut[:40])
    batch = monitor.import_log(ws, model.id, logs)
    assert batch.source == "log" and batch.n_rows == 25 and not batch.has_target
    assert any("last line of requests-2026-01-31.jsonl (line 2)" in n and "skipped" in n for n in batch.notes)
    assert "1 requests of other models (mdl_other) were left out." in batch.notes
    frame = datasets.load_frame(ws, batch.version_id)
    assert list(frame.columns) == ["x1", "x2", "plan", "prediction"]
    assert frame["prediction"].tolist() == ["yes"] * 20 + ["no"] * 5
    report = monitor.drift_report(ws, batch.id)
    assert report.prediction["source"] == "log" and report.extra_columns == []
    assert report.drifted_columns == ["x1", "plan"]
    assert any("predictions the server logged" in n for n in report.notes)


def test_an_invalid_line_before_the_last_is_refused_with_its_number(ws, model, tmp_path):
    rows = _requests(_shifted(6))
    path = tmp_path / "requests-2026-01-31.jsonl"
    path.write_text("\n".join([_log_line(model.id, rows[:2], ["no", "no"]), '{"rows": [',
                               _log_line(model.id, rows[2:4], ["no", "yes"])]) + "\n")
    with pytest.raises(InvalidInput, match="Line 2 of requests-2026-01-31.jsonl is not a request record"):
        monitor.import_log(ws, model.id, path)
    path.write_text(_log_line("mdl_other", rows[:2], ["no", "no"]) + "\n")
    with pytest.raises(InvalidInput, match=f"no request of model {model.id}; it has requests of mdl_other"):
        monitor.import_log(ws, model.id, path)


# ---------------------------------------------------------------- jobs

def test_the_drift_job_runs_through_the_worker(ws, model, tmp_path):
    from core import jobs

    batch = _batch(ws, model, tmp_path, _shifted(), "shifted")
    job = monitor.enqueue_report(ws, batch.id, start_worker=False)
    assert job.kind == "drift" and job.payload["batch_id"] == batch.id and job.project_id == model.project_id
    assert monitor.enqueue_report(ws, batch.id, start_worker=False).id == job.id  # not queued twice
    assert monitor.find_drift_job(ws, batch.id).id == job.id
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    done = jobs.get_job(ws, job.id)
    assert done.status == "done" and done.progress == 1.0, done.error
    report = monitor.latest_report(ws, batch.id)
    assert report.job_id == job.id and report.alert and done.result["report_id"] == report.id
    assert monitor.find_drift_job(ws, batch.id) is None


# ---------------------------------------------------------------- the loop

def test_send_to_labeling_orders_the_most_drifted_rows_first(ws, model, tmp_path):
    frame = _held_out(ws, model)
    frame.loc[[31, 35, 38], "x1"] = [9.0, -8.0, 7.5]  # far outside the training rows
    frame.loc[33, "plan"] = "enterprise"               # a plan never seen
    batch = _batch(ws, model, tmp_path, frame, "odd rows")
    task = monitor.send_to_labeling(ws, batch.id, created_by="Ana")
    assert task.name == "churned" and task.class_names == ["no", "yes"]
    assert task.kind == "tabular" and task.overlap == 1 and task.project_id == model.project_id
    version = datasets.get_version(ws, task.version_id)
    ordered = datasets.load_frame(ws, version.id)
    assert "churned" not in ordered.columns and len(ordered) == 40
    assert set(ordered["x1"].head(4).round(1)) >= {9.0, -8.0, 7.5} and "enterprise" in ordered["plan"].head(4).tolist()
    assert version.operation["op"] == "order_for_labeling" and version.operation["batch_id"] == batch.id
    assert ("derived_from", batch.version_id) in {(lk.relation, lk.to_id)
                                                  for lk in list_links(ws, "dataset_version", version.id)}
    assert monitor.send_to_labeling(ws, batch.id).id == task.id  # sent once
    assert monitor.batch_task(ws, batch.id).id == task.id


def test_unusual_scores_follow_the_reference(ws):
    ref = pd.DataFrame({"x": np.linspace(0, 1, 99), "c": ["a"] * 90 + ["b"] * 9})
    cur = pd.DataFrame({"x": [ref["x"][49], 0.9, 3.0, np.nan, "n/a"], "c": ["a", "b", "zzz", "a", "a"]})
    scores = monitor.unusual_scores(ref, cur, ["x", "c"])
    assert scores[0] < scores[1] < scores[2] == pytest.approx(1.0)  # beyond the range and unseen: the most unusual
    assert scores[0] == pytest.approx(np.log(99 / 90) / np.log(100) / 2)  # the median, of the common category
    assert scores[3] == scores[4] == pytest.approx((1 + np.log(99 / 90) / np.log(100)) / 2)  # never missing before


def test_retrain_version_joins_the_training_rows_and_the_labels_with_lineage_to_both(ws, model, tmp_path):
    from core.labeling import annotations, publish

    batch = _batch(ws, model, tmp_path, _shifted(30).drop(columns="churned"), "new customers")
    task = monitor.send_to_labeling(ws, batch.id)
    with pytest.raises(InvalidInput, match="no published labels yet"):
        monitor.retrain_version(ws, batch.id)
    for item in range(12):
        annotations.record_label(ws, task.id, item, "yes" if item % 3 else "no", annotator="Ana")
    publication = publish.publish_labels(ws, task.id)
    assert publication.label_column == "churned"
    new = monitor.retrain_version(ws, batch.id, created_by="Ana")
    exp = _exp(ws, model)
    train = datasets.get_version(ws, exp.train_version_id)
    assert new.dataset_id == train.dataset_id and new.n_rows == 160 + 12
    frame = datasets.load_frame(ws, new.id)
    assert list(frame.columns) == train.columns
    assert frame["churned"].tail(12).tolist() == ["yes" if i % 3 else "no" for i in range(12)]
    assert frame["plan"].tail(12).eq("max").all()
    parents = {lk.to_id for lk in list_links(ws, "dataset_version", new.id)
               if lk.from_id == new.id and lk.relation == "derived_from"}
    assert parents == {train.id, publication.version_id}
    assert new.operation["op"] == "retrain_data" and new.operation["n_labeled"] == 12
    assert monitor.retrain_version(ws, publication.id).id == new.id  # by publication: the same content
    assert monitor.retrain_version(ws, publication.version_id).id == new.id


def test_a_batch_that_came_with_the_target_retrains_without_labeling(ws, model, tmp_path):
    batch = _batch(ws, model, tmp_path, _shifted(20), "labeled")
    new = monitor.retrain_version(ws, batch.id)
    assert new.n_rows == 180
    parents = {lk.to_id for lk in list_links(ws, "dataset_version", new.id) if lk.relation == "derived_from"
               and lk.from_id == new.id}
    assert batch.version_id in parents


def test_retrain_spec_is_the_old_experiments(ws, model):
    spec = monitor.retrain_spec(ws, model.id)
    exp = _exp(ws, model)
    assert spec["target"] == "churned" and spec["task"] == exp.task and spec["metric"] == exp.metric
    assert spec["retrained_from"] == exp.id and spec["experiment_name"] == exp.name
    assert spec["time_budget"] == 2 and spec["seed"] == 0 and spec["test_size"] == pytest.approx(0.2)


def test_the_loop_graph_goes_from_the_model_through_batch_report_and_labels_to_the_new_model(ws, model, tmp_path):
    """Done when: the lineage proves the loop: model -> batch -> report -> new version -> new model."""
    from core import experiments as exps
    from core.experiments.spec import SearchConfig
    from core.labeling import annotations, publish

    batch = _batch(ws, model, tmp_path, _shifted(30).drop(columns="churned"), "new customers")
    report = monitor.drift_report(ws, batch.id)
    task = monitor.send_to_labeling(ws, batch.id)
    for item in range(12):
        annotations.record_label(ws, task.id, item, "yes" if item % 3 else "no", annotator="Ana")
    publish.publish_labels(ws, task.id)
    new = monitor.retrain_version(ws, batch.id)
    retrained = exps.create_experiment(ws, new.id, SearchConfig(target="churned", max_trials=1, time_budget=5,
                                                                retrained_from=model.experiment_id),
                                       start_worker=False)
    nodes, edges = monitor.loop_graph(ws, model.id)
    kinds = {n["id"]: n["kind"] for n in nodes}
    assert kinds[batch.id] == "monitor_batch" and kinds[report.id] == "drift_report" and kinds[task.id] == "label_task"
    assert kinds[new.id] == "dataset_version" and kinds[retrained.id] == "experiment"
    rel = {(e["source"], e["relation"], e["target"]) for e in edges}
    assert (batch.id, "monitors", model.id) in rel and (report.id, "reports_on", batch.id) in rel
    assert (retrained.id, "uses", new.id) in rel and (retrained.id, "retrained_from", model.experiment_id) in rel
    labels = {n["id"]: n["label"] for n in nodes}
    assert labels[batch.id] == "new customers" and labels[report.id].startswith("drift report ")
