"""Fault suite (issue #16): batches, prediction logs, reports and the loop asked for with bad input are refused
with what was wrong and what to do (no batch or report is kept then); damaged input a report can work around
(missing columns, text in a number column, a cut-off last log line) is worked around and said so."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from core import jobs
from core.errors import InvalidInput, NotFound
from core.monitor import service as monitor
from tests.conftest import make_project
from tests.tiny_models import add_model, churn_frame, make_experiment, make_model


@pytest.fixture
def model(ws, tmp_path):
    return make_model(ws, tmp_path, project=make_project(ws))


def _nothing_kept(ws) -> None:
    with ws.read() as db:
        assert db.execute("SELECT COUNT(*) FROM monitor_batches").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM drift_reports").fetchone()[0] == 0
        # a refused file leaves no version of the model's batches dataset behind either
        assert db.execute("SELECT COUNT(*) FROM datasets WHERE name LIKE '% batches%'").fetchone()[0] == 0


def _csv(tmp_path, frame: pd.DataFrame, name: str = "batch.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def test_an_empty_batch_is_refused_clearly(ws, model, tmp_path):
    (tmp_path / "header.csv").write_text("x1,x2,plan\n")
    with pytest.raises(InvalidInput, match="has a header row .* but no data rows") as err:
        monitor.add_batch(ws, model.id, tmp_path / "header.csv")
    assert err.value.hint or "Add rows" in err.value.message
    (tmp_path / "nothing.csv").write_bytes(b"")
    with pytest.raises(InvalidInput, match="empty"):
        monitor.add_batch(ws, model.id, tmp_path / "nothing.csv")
    empty = pd.DataFrame({"x1": pd.Series([], dtype=float), "x2": pd.Series([], dtype=float),
                          "plan": pd.Series([], dtype=str)})
    empty.to_parquet(tmp_path / "empty.parquet")
    with pytest.raises(InvalidInput, match="no rows|no data") as err:
        monitor.add_batch(ws, model.id, tmp_path / "empty.parquet")
    _nothing_kept(ws)


def test_other_data_is_refused_naming_the_columns_wanted(ws, model, tmp_path):
    with pytest.raises(InvalidInput) as err:
        monitor.add_batch(ws, model.id, _csv(tmp_path, pd.DataFrame({"age": [1, 2], "city": ["a", "b"]})))
    assert "none of the model's input columns (x1, x2, plan)" in err.value.message
    assert "age, city" in err.value.message and "trained on" in err.value.hint
    _nothing_kept(ws)


def test_unknown_model_batch_or_report(ws, model, tmp_path):
    with pytest.raises(NotFound, match="no model with id 'mdl_nope'"):
        monitor.add_batch(ws, "mdl_nope", _csv(tmp_path, churn_frame()))
    with pytest.raises(NotFound, match="no monitored batch 'mbt_nope'") as err:
        monitor.drift_report(ws, "mbt_nope")
    assert "mlcycle monitor MODEL" in err.value.hint
    with pytest.raises(NotFound, match="no drift report 'drf_nope'"):
        monitor.get_report(ws, "drf_nope")
    with pytest.raises(NotFound):
        monitor.enqueue_report(ws, "mbt_nope", start_worker=False)
    _nothing_kept(ws)


def test_a_model_without_a_recorded_split_cannot_be_monitored(ws, model, tmp_path):
    with ws.write() as db:
        db.execute("UPDATE experiments SET train_version_id = NULL WHERE id = ?", [model.experiment_id])
    with pytest.raises(NotFound, match="no recorded training and held-out split") as err:
        monitor.add_batch(ws, model.id, _csv(tmp_path, churn_frame()))
    assert "MLCycle's split" in err.value.hint
    _nothing_kept(ws)


def test_missing_columns_and_text_in_a_number_column_are_worked_around(ws, model, tmp_path):
    frame = churn_frame(60, seed=3).drop(columns="x2")
    frame["x1"] = frame["x1"].astype(object)
    frame.loc[:9, "x1"] = "not measured"
    report = monitor.drift_report(ws, monitor.add_batch(ws, model.id, _csv(tmp_path, frame)).id)
    assert report.missing_columns == ["x2"] and list(report.type_problems) == ["x1"]
    assert [f["column"] for f in report.features] == ["x1", "plan"]
    x1 = report.features[0]
    assert x1["missing_cur"] == pytest.approx(10 / 60) and x1["statistic"] is not None
    assert report.prediction == {} and report.metrics == {}
    assert any("needs every input column" in n for n in report.notes)


def test_a_target_with_classes_the_model_never_saw_is_left_out_of_the_metrics(ws, model, tmp_path):
    frame = churn_frame(60, seed=4)
    frame.loc[:9, "churned"] = "maybe"
    report = monitor.drift_report(ws, monitor.add_batch(ws, model.id, _csv(tmp_path, frame)).id)
    assert report.metrics["n_rows"] == 50
    assert ("10 rows of the batch have a value of 'churned' the model never saw; they are left out of the "
            "metrics.") in report.notes
    frame["churned"] = "maybe"
    report = monitor.drift_report(ws, monitor.add_batch(ws, model.id, _csv(tmp_path, frame, "all.csv")).id)
    assert report.metrics == {} and report.prediction  # still predicted and compared
    assert any("No row of the batch has a value of 'churned' the model knows" in n for n in report.notes)


def _line(model_id, n=2):
    return json.dumps({"model_id": model_id, "rows": [{"x1": 0.1, "x2": 0.2, "plan": "pro"}] * n,
                       "predictions": ["no"] * n})


@pytest.mark.parametrize(("middle", "why"), [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "not a JSON object"),
    ('{"rows": {"x1": 1}, "predictions": ["no"]}', "'rows' is not a list of objects"),
    ('{"rows": [{"x1": 1}], "predictions": ["no", "yes"]}', "'predictions' is not a list as long as 'rows'"),
])
def test_an_invalid_log_line_is_refused_with_its_number(ws, model, tmp_path, middle, why):
    path = tmp_path / "requests-2026-03-01.jsonl"
    path.write_text("\n".join([_line(model.id), "", _line(model.id), middle, _line(model.id)]) + "\n")
    with pytest.raises(InvalidInput) as err:
        monitor.import_log(ws, model.id, path)
    assert err.value.message.startswith("Line 4 of requests-2026-03-01.jsonl is not a request record: " + why)
    assert "JSON Lines" in err.value.hint
    _nothing_kept(ws)


def test_a_cut_off_last_line_is_skipped_and_said_so(ws, model, tmp_path):
    path = tmp_path / "requests-2026-03-01.jsonl"
    path.write_text(_line(model.id) + "\n" + _line(model.id)[:25] + "\n\n")  # trailing blank lines do not count
    batch = monitor.import_log(ws, model.id, path)
    assert batch.n_rows == 2
    assert ("The last line of requests-2026-03-01.jsonl (line 2) is cut short or not valid JSON; it was skipped "
            "(the server may have been writing it).") in batch.notes


def test_bad_log_paths_and_logs_of_other_models(ws, model, tmp_path):
    with pytest.raises(NotFound, match="does not exist"):
        monitor.import_log(ws, model.id, tmp_path / "nowhere.jsonl")
    (tmp_path / "empty_dir").mkdir()
    with pytest.raises(InvalidInput, match="has no prediction log") as err:
        monitor.import_log(ws, model.id, tmp_path / "empty_dir")
    assert "MLCYCLE_LOG_DIR" in err.value.hint
    (tmp_path / "latin.jsonl").write_bytes(b'{"rows": [{"x1": "\xe9"}], "predictions": [1]}\n')
    with pytest.raises(InvalidInput, match="not UTF-8"):
        monitor.import_log(ws, model.id, tmp_path / "latin.jsonl")
    (tmp_path / "only_cut.jsonl").write_text(_line(model.id)[:20])
    with pytest.raises(InvalidInput, match=f"has no request of model {model.id}"):
        monitor.import_log(ws, model.id, tmp_path / "only_cut.jsonl")
    (tmp_path / "other.jsonl").write_text(_line("mdl_other") + "\n")
    with pytest.raises(InvalidInput, match="it has requests of mdl_other") as err:
        monitor.import_log(ws, model.id, tmp_path / "other.jsonl")
    assert "serves this model" in err.value.hint
    _nothing_kept(ws)


def test_bad_thresholds_are_refused_and_change_nothing(ws, model):
    for share in (0, -0.5, 1.5, "half", float("nan")):
        with pytest.raises(InvalidInput, match="drift share must be a number above 0 and at most 1"):
            monitor.set_settings(ws, model.id, drift_share=share)
    for drop in (-0.01, "a lot", float("inf")):
        with pytest.raises(InvalidInput, match="metric drop must be a number of 0 or more"):
            monitor.set_settings(ws, model.id, metric_drop=drop)
    assert monitor.get_settings(ws, model.id).updated_at is None  # still the defaults
    with pytest.raises(NotFound):
        monitor.set_settings(ws, "mdl_nope", drift_share=0.5)


def test_a_regression_model_cannot_send_rows_to_labeling(ws, tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=120), "plan": rng.choice(["a", "b"], size=120)})
    frame["spend"] = 3 * frame["x"] + rng.normal(size=120)
    model = add_model(ws, make_experiment(ws, tmp_path, frame=frame, target="spend", name="spend.csv"))
    batch = monitor.add_batch(ws, model.id, _csv(tmp_path, frame.drop(columns="spend").head(30)))
    with pytest.raises(InvalidInput, match="predicts a number") as err:
        monitor.send_to_labeling(ws, batch.id)
    assert "retrain directly" in err.value.hint
    assert monitor.batch_task(ws, batch.id) is None


def test_retraining_without_labels_is_refused_with_the_way_forward(ws, model, tmp_path):
    batch = monitor.add_batch(ws, model.id, _csv(tmp_path, churn_frame(30, seed=5).drop(columns="churned")))
    with pytest.raises(InvalidInput, match="it was not sent to labeling") as err:
        monitor.retrain_version(ws, batch.id)
    assert "publish the labels" in err.value.hint
    monitor.send_to_labeling(ws, batch.id)
    with pytest.raises(InvalidInput, match="its label task 'churned' has no published labels yet"):
        monitor.retrain_version(ws, batch.id)
    with pytest.raises(InvalidInput, match="carries no published labels"):
        monitor.retrain_version(ws, batch.version_id)
    with pytest.raises(NotFound, match="no label publication 'lbp_nope'"):
        monitor.retrain_version(ws, "lbp_nope")


def test_a_drift_job_without_a_batch_fails_with_a_reason(ws, model):
    job = jobs.enqueue(ws, "drift", {}, title="broken", start_worker=False)
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    done = jobs.get_job(ws, job.id)
    assert done.status == "failed" and "names no batch" in done.error
    _nothing_kept(ws)


def test_a_one_row_batch_is_labeled_as_it_is(ws, model, tmp_path):
    batch = monitor.add_batch(ws, model.id, _csv(tmp_path, churn_frame(1, seed=6).drop(columns="churned")))
    task = monitor.send_to_labeling(ws, batch.id)  # nothing to order: the batch's own version
    assert task.version_id == batch.version_id and monitor.batch_task(ws, batch.id).id == task.id
