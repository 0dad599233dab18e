"""The Monitor page under AppTest: a shifted batch alerts and names its drifted features (and an unshifted one
does not), batches added by upload and from a prediction log (a cut-short last line skipped, said), the charts
per tab, a big batch checked as a job, the loop (send to labeling, then retrain once labels are published, with
a link to the Experiments form that opens prefilled and records the retrain), and every view in Korean."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import numpy as np
import pytest

from tests.pages.test_korean import HANGUL, _untranslated_labels, run_in
from tests.tiny_models import churn_frame, make_model

PAGE = "app_pages/monitor.py"
EXPERIMENTS = "app_pages/experiments.py"


@pytest.fixture
def no_worker(monkeypatch):
    from core.jobs import worker

    monkeypatch.setattr(worker, "ensure_worker", lambda *args, **kwargs: False)


@pytest.fixture
def churn(ws, tmp_path):
    """A project 'Churn' with a tiny evaluated churn model: (project, model)."""
    from core.define.projects import create_project
    from core.evaluation import scoring

    project = create_project(ws, "Churn")
    model = make_model(ws, tmp_path, project=project)
    scoring.evaluate_model(ws, model.id)
    return project, model


def shifted(n: int = 300, seed: int = 5):
    """Churn rows whose x1 moved up and whose plan has a new value, with an extra column."""
    frame = churn_frame(n, seed=seed)
    frame["x1"] = frame["x1"] + 1.5
    frame.loc[: n // 10, "plan"] = "gold"
    frame["region"] = "north"
    return frame


def _batch(ws, tmp_path, model, frame, name: str):
    from core.monitor import service

    path = tmp_path / f"{name}.csv"
    frame.to_csv(path, index=False)
    return service.add_batch(ws, model.id, path)


def _texts(at) -> str:
    return "\n".join(e.value for kind in ("caption", "markdown", "info", "warning", "error", "success")
                     for e in getattr(at.main, kind) if isinstance(getattr(e, "value", None), str))


def _links(at) -> list[tuple[str, str, dict[str, str]]]:
    """Every page link of the main area: (label, page, query parameters)."""
    return [(link.proto.label, link.proto.page, {k: v[0] for k, v in parse_qs(link.proto.query_string).items()})
            for link in at.main.page_link]


def _button(at, label: str):
    return next(b for b in at.main.button if b.label == label)


def _metric(at, label: str) -> str:
    return next(m.value for m in at.main.metric if m.label == label)


def test_a_shifted_batch_alerts_and_names_the_drifted_features_first(ws, tmp_path, churn):
    project, model = churn
    batch = _batch(ws, tmp_path, model, shifted(), "may")
    at = run_in("en", PAGE, project=project.id)
    assert not at.exception, at.exception
    assert at.selectbox(key="url_model").value == model.id and at.selectbox(key="url_batch").value == batch.id
    alert = at.main.error[0].value
    assert "**This batch alerts.**" in alert and "features drifted" in alert and "x1" in alert
    assert _metric(at, "Features drifted") == "2 of 3" and _metric(at, "Rows in the batch") == "300"
    assert _metric(at, "ROC AUC") != "—"  # the batch has the target: scored next to the holdout
    texts = _texts(at)
    listed = next(m.value for m in at.main.markdown if m.value.startswith("1. "))
    assert listed.startswith("1. :red[**x1**] — Kolmogorov-Smirnov: p = ") and "PSI" in listed
    assert "Stable: **x2**." in texts
    assert "**Extra columns** (the model does not use them; ignored): **region**" in texts
    assert "**New categories** in **plan**: `gold`" in texts
    table = next(d.value for d in at.main.dataframe if "Metric" in d.value.columns)
    assert table.iloc[0]["Metric"] == "ROC AUC" and list(table.columns) == ["Metric", "Held-out rows", "This batch",
                                                                             "Change"]
    features = next(d.value for d in at.main.dataframe if "Test" in d.value.columns)
    assert features["Column"].tolist()[:2] == ["x1", "plan"] and features["Drifted"].tolist() == ["yes", "yes", "no"]
    assert len(at.get("plotly_chart")) == 1  # drift by feature, the first tab

    again = run_in("en", PAGE, project=project.id)
    assert not again.exception, again.exception
    from core.monitor import service

    assert len(service.reports_of(ws, model.id)) == 1  # read back, not computed again


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_metric_alert_names_the_metric_as_the_ui_does(ws, tmp_path, churn, lang):
    from core.monitor import service

    project, model = churn
    service.set_settings(ws, model.id, drift_share=1.0, metric_drop=0.0)  # only a worse metric alerts
    report = service.drift_report(ws, _batch(ws, tmp_path, model, shifted(), "may").id)
    assert any(r.startswith("roc_auc went from") for r in report.alert_reasons), report.alert_reasons
    at = run_in(lang, PAGE, project=project.id)
    assert not at.exception, at.exception
    alert = at.main.error[0].value
    assert "ROC AUC" in alert and "roc_auc" not in alert
    assert ("worse" in alert) == (lang == "en")  # the Korean sentence around it
    home = run_in(lang, "app_pages/home.py", project=project.id)
    assert not home.exception, home.exception
    assert any("ROC AUC" in e.value and "roc_auc" not in e.value for e in home.main.error)


def test_a_batch_like_the_training_data_does_not_alert(ws, tmp_path, churn):
    project, model = churn
    _batch(ws, tmp_path, model, churn_frame(200, seed=11), "june")
    at = run_in("en", PAGE, project=project.id)
    assert not at.exception, at.exception
    assert not at.main.error
    assert any(s.value.startswith("No alert: ") and "under the alert threshold of 50%" in s.value
               for s in at.main.success)


def test_a_batch_is_added_by_upload_and_selected(ws, churn):
    project, model = churn
    at = run_in("en", PAGE, project=project.id)
    assert not at.exception, at.exception
    assert "No batch yet." in _texts(at)
    at.main.text_input(key="mon_name_0").input("week 49")
    at.main.file_uploader[0].upload("week49.csv", shifted(120).to_csv(index=False).encode(), "text/csv")
    _button(at, "Add the batch").click().run()
    assert not at.exception, at.exception
    from core.monitor import service

    (batch,) = service.list_batches(ws, model.id)
    assert batch.name == "week 49" and batch.n_rows == 120 and batch.has_target
    assert at.query_params["batch"] == [batch.id] or at.query_params["batch"] == batch.id
    assert "**This batch alerts.**" in at.main.error[0].value


def test_a_prediction_log_is_imported_and_its_cut_short_last_line_said(ws, tmp_path, churn):
    project, model = churn
    rows = shifted(40).drop(columns=["churned", "region"])
    lines = [json.dumps({"model_id": model.id, "rows": rows.iloc[i:i + 4].to_dict("records"),
                         "predictions": ["yes"] * 4}) for i in range(0, 40, 4)]
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "requests-2026-12-01.jsonl").write_text("\n".join(lines) + '\n{"model_id": "' + model.id + '", "ro')
    at = run_in("en", PAGE, project=project.id)
    at.main.radio(key="mon_add_how").set_value("log").run()
    at.main.text_input(key="mon_log_path_0").input(str(folder))
    _button(at, "Import the log").click().run()
    assert not at.exception, at.exception
    texts = _texts(at)
    assert "is cut short or not valid JSON; it was skipped" in texts
    assert at.selectbox(key="url_batch").value is not None and "prediction log" in at.selectbox(key="url_batch").options[0]
    assert _metric(at, "Rows in the batch") == "40"
    assert "Prediction drift compares the predictions the server logged" in texts


def test_the_tabs_show_a_features_distribution_the_importance_and_the_history(ws, tmp_path, churn):
    from core.explain import service as explain_service

    project, model = churn
    first = _batch(ws, tmp_path, model, churn_frame(200, seed=11), "june")
    run_in("en", PAGE, project=project.id, batch=first.id)
    batch = _batch(ws, tmp_path, model, shifted(), "july")
    at = run_in("en", PAGE, project=project.id, batch=batch.id, tab="distributions", column="plan")
    assert not at.exception, at.exception
    (chart,) = at.get("plotly_chart")
    assert "plan: training data and batch" in chart.proto.spec and "red: a value the training data never had" in \
        chart.proto.spec
    assert at.selectbox(key="url_column").value == "plan"

    at = run_in("en", PAGE, project=project.id, batch=batch.id, tab="importance")
    assert not at.exception, at.exception
    assert not at.get("plotly_chart") and any("Explain this model" in label for label, _, _ in _links(at))
    explain_service.explain_model(ws, model.id)
    at = run_in("en", PAGE, project=project.id, batch=batch.id, tab="importance")
    (chart,) = at.get("plotly_chart")
    assert "important and drifted" in chart.proto.spec

    at = run_in("en", PAGE, project=project.id, batch=batch.id, tab="history")
    (chart,) = at.get("plotly_chart")
    spec = json.loads(chart.proto.spec)
    assert spec["data"][0]["x"] == ["june", "july"]
    assert "2 batches checked so far." in _texts(at)


def test_a_big_batch_is_checked_as_a_job(ws, tmp_path, churn, no_worker, monkeypatch):
    from core.jobs import list_jobs
    from core.monitor import service

    monkeypatch.setattr(service, "INLINE_ROWS", 100)
    project, model = churn
    batch = _batch(ws, tmp_path, model, shifted(), "august")
    at = run_in("en", PAGE, project=project.id)
    assert not at.exception, at.exception
    assert "300 rows is a lot to check while you wait" in _texts(at) and service.latest_report(ws, batch.id) is None
    _button(at, "Check for drift in the background").click().run()
    assert not at.exception, at.exception
    (job,) = list_jobs(ws, kind="drift")
    assert job.payload["batch_id"] == batch.id
    assert "is being checked in the background" in _texts(at)


def test_checking_a_big_batch_again_keeps_its_report_while_the_job_runs(ws, tmp_path, churn, no_worker,
                                                                       monkeypatch):
    from core.jobs import list_jobs
    from core.monitor import service

    project, model = churn
    batch = _batch(ws, tmp_path, model, shifted(), "august")
    service.drift_report(ws, batch.id)
    monkeypatch.setattr(service, "INLINE_ROWS", 100)
    at = run_in("en", PAGE, project=project.id)
    _button(at, "Check again").click().run()
    assert not at.exception, at.exception
    assert [j.payload["batch_id"] for j in list_jobs(ws, kind="drift")] == [batch.id]
    assert "is being checked in the background" in _texts(at)
    assert "**This batch alerts.**" in at.main.error[0].value  # the stored report stays meanwhile


def test_send_to_labeling_then_retrain_opens_the_experiment_form_prefilled(ws, tmp_path, churn, no_worker):
    from core import experiments
    from core.data import datasets
    from core.labeling.annotations import record_label
    from core.labeling.publish import publish_labels
    from core.monitor import service
    from core.store import lineage

    project, model = churn
    frame = shifted(60).drop(columns=["churned"])
    batch = _batch(ws, tmp_path, model, frame, "september")
    at = run_in("en", PAGE, project=project.id)
    assert not at.exception, at.exception
    retrain = _button(at, "Make the training data")
    assert retrain.disabled  # no labels yet
    _button(at, "Send to labeling").click().run()
    assert not at.exception, at.exception
    task = service.batch_task(ws, batch.id)
    assert task is not None and task.name == "churned"
    label_link = next(link for link in _links(at) if link[0] == "Label its rows")
    assert label_link[2]["task"] == task.id
    assert "No labels published yet" in _texts(at)

    for item in range(20):
        record_label(ws, task.id, item, "yes" if item % 2 else "no", annotator="ann")
    publish_labels(ws, task.id)
    at = run_in("en", PAGE, project=project.id)
    _button(at, "Make the training data").click().run()
    assert not at.exception, at.exception
    exp = experiments.get_experiment(ws, model.experiment_id)
    label, page, params = next(link for link in _links(at) if link[0] == "Run the experiment again on it")
    assert params["retrain"] == exp.id and params["target"] == "churned"
    made = datasets.get_version(ws, params["version"])
    assert made.operation["op"] == "retrain_data" and made.n_rows == 160 + 20
    assert "Training data for retraining" in _texts(at) and "160 training rows + 20 labeled rows" in _texts(at)
    parents = {link.to_id for link in lineage.list_links(ws, "dataset_version", made.id)
               if link.relation == "derived_from" and link.from_id == made.id}
    assert exp.train_version_id in parents and len(parents) == 2

    assert params["project"] == project.id and page.endswith("experiments")
    form = run_in("en", EXPERIMENTS, **{k: v for k, v in params.items() if k != "lang"})
    assert not form.exception, form.exception
    assert any(i.value.startswith("Prefilled from experiment **") for i in form.main.info)
    assert form.selectbox(key="url_version").value == made.id
    assert form.session_state["exp_target"] == "churned" and form.session_state["exp_seed"] == exp.spec["search"][
        "seed"]
    assert form.session_state["exp_test_size"] == pytest.approx(exp.spec["test_size"])
    assert form.session_state["exp_budget"] == int(exp.spec["search"]["time_budget"])
    _button(form, "Run experiment").click().run()
    assert not form.exception, form.exception
    new = next(e for e in experiments.list_experiments(ws) if e.id != exp.id)
    assert new.spec["search"]["retrained_from"] == exp.id and new.dataset_version_id == made.id
    assert ("retrained_from", exp.id) in {(link.relation, link.to_id)
                                          for link in lineage.list_links(ws, "experiment", new.id)}
    assert "retrain" not in form.query_params


def test_a_regression_model_is_not_sent_to_labeling(ws, tmp_path):
    from core.define.projects import create_project
    from tests.tiny_models import add_model, make_experiment

    project = create_project(ws, "Prices")
    frame = churn_frame(200).drop(columns=["churned"])
    frame["price"] = frame["x1"] * 3 + np.random.default_rng(0).normal(size=200)
    exp = make_experiment(ws, tmp_path, project=project, frame=frame, target="price")
    model = add_model(ws, exp, "lgbm")
    _batch(ws, tmp_path, model, frame.drop(columns=["price"]), "october")
    at = run_in("en", PAGE, project=project.id)
    assert not at.exception, at.exception
    assert not [b for b in at.main.button if b.label == "Send to labeling"]
    assert "This model predicts a number" in _texts(at)
    assert _metric(at, "R²") == "—"


def test_a_project_without_models_says_where_to_make_one(ws):
    from core.define.projects import create_project

    project = create_project(ws, "Empty")
    at = run_in("en", PAGE, project=project.id)
    assert not at.exception, at.exception
    assert "has no models yet" in at.main.info[0].value
    assert any(page.endswith("experiments") for _, page, _ in _links(at))


@pytest.mark.parametrize("tab", ["features", "distributions", "importance", "history"])
def test_every_view_reads_in_korean(ws, tmp_path, churn, tab):
    from core.monitor import service
    from ui import i18n

    project, model = churn
    frame = shifted()
    frame["x2"] = frame["x2"].astype(object)
    frame.loc[:5, "x2"] = "unknown"  # text in a numeric column: a type problem, said in Korean
    batch = _batch(ws, tmp_path, model, frame, "may")
    service.send_to_labeling(ws, batch.id)
    i18n.reset_missing()
    at = run_in("ko", PAGE, project=project.id, tab=tab)
    assert not at.exception, at.exception
    assert not i18n.missing(), sorted(i18n.missing())
    assert not _untranslated_labels(at), _untranslated_labels(at)
    texts = _texts(at)
    assert "이 배치에 경보가 울렸습니다" in texts
    assert "현재 데이터의 값 300개 중 6개가 숫자가 아닙니다(예: 'unknown')" in texts  # core's type problem, in Korean
    english = [line for line in texts.splitlines() if line.strip() and not HANGUL.search(line)
               and not line.startswith(("#### ", "- **", "1. ", "2. "))]
    assert not english, english
