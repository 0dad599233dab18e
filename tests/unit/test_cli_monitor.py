"""`mlcycle monitor MODEL --batch PATH|--log PATH|--check|--label|--retrain|--settings`, with --json and as text."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from core.data import datasets
from core.experiments import service as experiments
from core.monitor import service as monitor
from tests.conftest import make_project
from tests.shared import cli, cli_json
from tests.tiny_models import churn_frame, make_model


@pytest.fixture
def model(ws, tmp_path):
    return make_model(ws, tmp_path, project=make_project(ws))


def _shifted(n: int = 200) -> pd.DataFrame:
    frame = churn_frame(n, seed=1)
    frame["x1"] = frame["x1"] + 2.5
    frame["plan"] = "max"
    return frame


def _write(tmp_path, frame: pd.DataFrame, name: str) -> str:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return str(path)


def test_a_shifted_batch_lists_every_feature_with_its_test_and_alerts(ws, model, tmp_path, capsys):
    path = _write(tmp_path, _shifted(), "april.csv")
    data = cli_json(ws, capsys, "monitor", model.id, "--batch", path)
    assert data["id"].startswith("drf_") and data["batch_id"].startswith("mbt_") and data["model_id"] == model.id
    assert data["alert"] is True and data["drifted"] is True and data["share_drifted"] == pytest.approx(2 / 3)
    assert [(f["column"], f["drifted"]) for f in data["features"]] == [("x1", True), ("x2", False), ("plan", True)]
    for feature in data["features"]:
        assert feature["test"] in ("ks", "chisquare", "z") and feature["threshold"] == 0.05
        assert isinstance(feature["statistic"], float) and isinstance(feature["drifted"], bool)
    assert data["prediction"]["drifted"] is True and data["metrics"]["primary"] == "roc_auc"
    assert data["missing_columns"] == [] and data["extra_columns"] == [] and data["batch"]["name"] == "april"
    assert any(r.startswith("2 of 3 features drifted (67%)") for r in data["alert_reasons"])
    assert monitor.get_report(ws, data["id"]).alert

    code, out, err = cli(ws, capsys, "monitor", model.id, "--batch", _write(tmp_path, _shifted(150), "may.csv"),
                         "--name", "May customers")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Checked batch 'May customers' (mbt_") and lines[1] == "ALERT"
    assert any(line.split()[:3] == ["x1", "numeric", "ks"] and " yes " in line for line in lines)
    assert any(line.split()[:3] == ["x2", "numeric", "ks"] and " no " in line for line in lines)
    assert any(line.startswith("roc_auc") for line in lines)  # metrics next to the held-out ones


def test_an_unshifted_batch_with_missing_and_extra_columns(ws, model, tmp_path, capsys):
    exp = experiments.get_experiment(ws, model.experiment_id)
    held = datasets.load_frame(ws, exp.test_version_id).assign(region="north")
    data = cli_json(ws, capsys, "monitor", model.id, "--batch", _write(tmp_path, held, "calm.csv"))
    assert data["alert"] is False and data["alert_reasons"] == [] and data["extra_columns"] == ["region"]
    code, out, _ = cli(ws, capsys, "monitor", model.id, "--batch",
                       _write(tmp_path, held.drop(columns=["x2", "churned"]), "partial.csv"))
    assert code == 0
    assert "No alert: 0 of 2 features drifted (0%); thresholds: drift share 50%, metric drop 0.05." in out
    assert "note: The batch lacks 1 of the model's input columns: x2." in out
    assert "note: 1 columns the model does not use were ignored: region." in out


def test_a_prediction_log_and_a_bad_one(ws, model, tmp_path, capsys):
    rows = [{"x1": 3.0, "x2": 0.1, "plan": "max"}] * 5
    line = json.dumps({"model_id": model.id, "rows": rows, "predictions": ["yes"] * 5})
    log = tmp_path / "requests-2026-02-01.jsonl"
    log.write_text(line + "\n" + line + "\n" + line[:30])
    data = cli_json(ws, capsys, "monitor", model.id, "--log", str(log))
    assert data["batch"]["source"] == "log" and data["batch"]["n_rows"] == 10
    assert data["prediction"]["source"] == "log"
    assert any("(line 3) is cut short" in n for n in data["batch"]["notes"])
    log.write_text(line + "\n{oops\n" + line + "\n")
    code, _, err = cli(ws, capsys, "monitor", model.id, "--log", str(log))
    assert code == 2 and "Line 2 of requests-2026-02-01.jsonl is not a request record" in err


def test_background_check_settings_and_listing(ws, model, tmp_path, capsys):
    from core import jobs

    queued = cli_json(ws, capsys, "monitor", model.id, "--batch", _write(tmp_path, _shifted(), "june.csv"),
                      "--background", "--drift-share", "0.9", "--metric-drop", "1")
    assert queued["id"].startswith("job_") and queued["status"] == "queued"
    assert jobs.get_job(ws, queued["id"]).kind == "drift"
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    settings = cli_json(ws, capsys, "monitor", model.id, "--settings")
    assert (settings["drift_share"], settings["metric_drop"]) == (0.9, 1.0)
    listed = cli_json(ws, capsys, "monitor", model.id)
    (batch,) = listed["batches"]
    assert batch["id"] == queued["batch_id"] and batch["report"]["alert"] is False  # 67% < 90%
    again = cli_json(ws, capsys, "monitor", model.id, "--check", batch["id"], "--drift-share", "0.5")
    assert again["alert"] is True and again["id"] != batch["report"]["id"]
    code, out, _ = cli(ws, capsys, "monitor", model.id)
    assert code == 0 and batch["id"] in out and "ALERT" in out and "2/3" in out
    code, _, err = cli(ws, capsys, "monitor", model.id, "--settings", "--drift-share", "1.5")
    assert code == 2 and "drift share must be a number above 0 and at most 1" in err


def test_label_then_retrain(ws, model, tmp_path, capsys):
    from core.labeling import annotations, publish

    code, _, err = cli(ws, capsys, "monitor", model.id, "--label")
    assert code == 2 and "has no monitored batch yet" in err
    batch = cli_json(ws, capsys, "monitor", model.id, "--batch",
                     _write(tmp_path, _shifted(20).drop(columns="churned"), "july.csv"))["batch"]
    task = cli_json(ws, capsys, "monitor", model.id, "--label")
    assert task["name"] == "churned" and task["class_names"] == ["no", "yes"] and task["items"] == 20
    assert task["batch_id"] == batch["id"]
    code, _, err = cli(ws, capsys, "monitor", model.id, "--retrain")
    assert code == 2 and "no published labels yet" in err
    for item in range(5):
        annotations.record_label(ws, task["id"], item, "yes", annotator="Ana")
    publish.publish_labels(ws, task["id"])
    made = cli_json(ws, capsys, "monitor", model.id, "--retrain", "--of", batch["id"])
    assert made["id"].startswith("dsv_") and made["rows"] == 165 and made["batch_id"] == batch["id"]
    assert made["spec"]["retrained_from"] == model.experiment_id and made["spec"]["target"] == "churned"
    code, out, _ = cli(ws, capsys, "monitor", model.id, "--retrain")
    assert code == 0 and out.startswith(f"Made {made['label']}") and f"--dataset {made['id']}" in out


def test_an_unknown_model_or_a_batch_of_another_model(ws, model, tmp_path, capsys):
    code, _, err = cli(ws, capsys, "monitor", "mdl_nope", "--batch", _write(tmp_path, _shifted(), "a.csv"))
    assert code == 2 and "There is no model with id 'mdl_nope'" in err
    other = make_model(ws, tmp_path, name="other.csv")
    batch = monitor.add_batch(ws, model.id, _write(tmp_path, _shifted(), "b.csv"))
    code, _, err = cli(ws, capsys, "monitor", other.id, "--check", batch.id)
    assert code == 2 and f"belongs to model {model.id}" in err
