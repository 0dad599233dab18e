"""Home and Jobs (issue #10): the current project's activity with names and links, whole action labels,
jobs that link to their work, show how far they got, retry, offer their log, and toast only what ended
while the user watched."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from core import jobs
from core.data import datasets
from core.store import activity
from tests.conftest import SAMPLES, make_project

HOME = "app_pages/home.py"
JOBS = "app_pages/jobs.py"


def _links(at) -> list[tuple[str, str, dict[str, str]]]:
    """Every page link of the main area: (label, page, query parameters)."""
    return [(link.proto.label, link.proto.page, {k: v[0] for k, v in parse_qs(link.proto.query_string).items()})
            for link in at.main.page_link]


def _same_page_links(at) -> list[str]:
    """Labels of the links to the page being shown (link-styled buttons that write the URL)."""
    return [b.label for b in at.main.button if b.proto.type == "tertiary"]


def _follow(at, label: str) -> dict[str, str]:
    """Click the same-page link ``label``; return the URL's parameters after it."""
    next(b for b in at.main.button if b.label == label and b.proto.type == "tertiary").click().run()
    assert not at.exception, at.exception
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


@pytest.fixture
def no_worker(monkeypatch):
    """Queue jobs without starting a worker process (the test runs the worker itself)."""
    from core.jobs import worker

    monkeypatch.setattr(worker, "ensure_worker", lambda *args, **kwargs: False)


def test_home_activity_shows_the_current_project_by_default_and_every_project_on_request(app, ws):
    """Defect 11: Home's activity mixed every project."""
    mine, other = make_project(ws, "Churn"), make_project(ws, "Cancer")
    at = app(session={"active_project_id": mine.id})
    labels = _same_page_links(at)
    assert "**Churn**" in labels  # "Project [Churn] created": the name is the link
    assert "**Cancer**" not in labels
    texts = [m.value for m in at.main.markdown]
    assert "Project" in texts and "created" in texts

    at.toggle(key="home_all_projects").set_value(True).run()
    assert not at.exception
    assert "**Cancer**" in _same_page_links(at)
    assert any("Cancer" in c.value for c in at.main.caption)  # each line says which project
    assert _follow(at, "**Cancer**")["project"] == other.id  # a link that switches project
    assert at.selectbox(key="url_project").value == other.id


def test_home_activity_links_each_object_to_its_page_with_its_ids(app, ws):
    project = make_project(ws, "Churn")
    added = datasets.add_dataset(ws, SAMPLES / "churn.csv", name="churn", project_id=project.id)
    at = app(session={"active_project_id": project.id})
    (label, page, params), = [x for x in _links(at) if x[0] == "**churn v1**"]
    assert page == "datasets"
    assert params["dataset"] == added.version.dataset_id and params["version"] == added.version.id
    assert params["project"] == project.id


def test_home_activity_never_cuts_a_word_in_half(app, ws):
    """Defect 9: a long hypothesis statement ends at a whole word, with an ellipsis."""
    from core.define import hypotheses

    project = make_project(ws, "Churn")
    statement = ("Support tickets, satisfaction and tenure predict cancellation better than the usage "
                 "counters alone, for every plan")
    hypotheses.create_hypothesis(ws, project.id, question="Who churns?", statement=statement, metric="roc_auc",
                                 threshold=0.8)
    at = app(session={"active_project_id": project.id})
    (label,) = [label for label, page, _ in _links(at) if page == "problem" and label.startswith("**Support")]
    shown = label.strip("*").rstrip("…")
    assert label.endswith("…**") and statement.startswith(shown)
    assert statement[len(shown)] == " "  # the cut falls between words


def test_lifecycle_cards_show_their_next_action_whole_and_short_links(app, ws):
    """Defect 11: 'Profile a dataset version: typ…' was a cut link label."""
    project = make_project(ws, "Churn")
    at = app(session={"active_project_id": project.id})
    assert "Profile a dataset version: types, missing values, distributions." in [m.value for m in at.main.markdown]
    steps = [label for label, page, _ in _links(at) if page in ("problem", "datasets", "explore", "experiments")]
    assert steps[:4] == ["Start", "Start", "Start", "Start"]


def test_home_lists_projects_as_links_that_switch_to_them(app, ws):
    mine, other = make_project(ws, "Churn"), make_project(ws, "Cancer")
    at = app(session={"active_project_id": mine.id})
    assert "**Churn**" in _same_page_links(at) + [label for label, _, _ in _links(at)]  # the current one stands out
    assert _follow(at, "Cancer")["project"] == other.id
    assert at.main.subheader[0].value == "Cancer"


def test_home_reads_in_korean(app, ws):
    from streamlit.testing.v1 import AppTest

    from tests.pages.conftest import REPO_ROOT

    project = make_project(ws, "Churn")
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "ko"
    at.query_params["project"] = project.id
    at.run()
    assert not at.exception
    texts = [m.value for m in at.main.markdown] + [c.value for c in at.main.caption]
    assert "최근 활동" in " ".join(texts) and "생성" in texts
    assert "데이터셋 버전을 프로파일하세요: 타입, 결측값, 분포." in texts


def _panel_text(at) -> list[str]:
    return [p.proto.text for p in at.main.get("progress")]


def test_a_cancelled_job_shows_the_progress_it_reached_and_the_word_cancelled(app, ws, no_worker):
    """Defect 6: cancelled jobs showed 100%."""
    job = jobs.enqueue(ws, "sleep", {"seconds": 0, "steps": 10}, title="nap", start_worker=False)
    with ws.write() as db:  # as a worker leaves it: 40% done, then cancelled
        db["jobs"].update(job.id, {"status": "cancelled", "progress": 0.4, "finished_at": "2026-01-01T00:00:00+00:00",
                                   "message": "Cancelled by the user"})
    at = app(JOBS, session={"jobs_selected": job.id})
    assert not at.exception
    assert "cancelled at 40%" in _panel_text(at)
    assert [p.proto.value for p in at.main.get("progress")] == [40]


def test_a_failed_job_can_be_retried_from_the_jobs_page(app, ws, no_worker):
    bad = jobs.enqueue(ws, "echo", {"fail": True}, title="flaky", start_worker=False)
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    at = app(JOBS, session={"jobs_selected": bad.id})
    assert "failed at 0%" in _panel_text(at)
    assert at.main.get("download_button")  # the whole log, as a file
    [b for b in at.main.button if b.label == "Retry"][0].click().run()
    assert not at.exception
    newest = jobs.list_jobs(ws)[0]
    assert newest.id != bad.id and (newest.kind, newest.payload, newest.status) == ("echo", {"fail": True}, "queued")
    assert at.selectbox(key="jobs_pick").value == newest.id  # the details now follow the new attempt
    assert not [b for b in at.main.button if b.label == "Retry"]  # a queued job has nothing to retry


def test_a_job_links_to_the_dataset_version_it_works_on(app, ws, no_worker):
    project = make_project(ws, "Churn")
    added = datasets.add_dataset(ws, SAMPLES / "churn.csv", name="churn", project_id=project.id)
    job = jobs.enqueue(ws, "profile", {"version_id": added.version.id, "target": None}, title="Profile churn v1",
                       project_id=project.id, start_worker=False)
    at = app(JOBS, session={"jobs_selected": job.id})
    (label, page, params), = [x for x in _links(at) if x[1] == "datasets"]
    assert label.startswith("Dataset version: churn v1 ")
    assert (params["dataset"], params["version"], params["project"]) == (
        added.version.dataset_id, added.version.id, project.id)
    table = at.main.dataframe[0].value
    assert list(table["subject"]) == ["Dataset version: churn v1"]


def test_a_job_that_ended_before_the_user_looked_is_not_toasted(app, ws, no_worker):
    """Defect 14: a fresh session got 'AutoML ... done' for a job that finished long before."""
    job = jobs.enqueue(ws, "echo", {}, title="old echo", start_worker=False)
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    at = app(JOBS, session={"jobs_selected": job.id})
    assert not at.exception
    assert not at.toast


def test_a_job_that_ends_while_the_user_watches_is_toasted_once(app, ws, no_worker):
    job = jobs.enqueue(ws, "echo", {}, title="new echo", start_worker=False)
    at = app(JOBS, session={"jobs_selected": job.id})
    assert not at.toast
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    at.run()
    assert [t.value for t in at.toast] == ["new echo: done"]
    at.run()
    assert not at.toast


def test_the_activity_of_a_deleted_object_falls_back_to_its_message(app, ws):
    project = make_project(ws, "Churn")
    with ws.write() as db:
        activity.record_event(db, object_kind="experiment", object_id="exp_gone", verb="created",
                              message="Experiment 'old' queued (binary, roc_auc)", project_id=project.id)
    at = app(session={"active_project_id": project.id})
    assert not at.exception
    assert "Experiment 'old' queued (binary, roc_auc)" in [m.value for m in at.main.markdown]


def test_home_shows_a_drift_alert_with_a_link_to_monitor(app, ws, tmp_path):
    """Issue #16: an alerting batch of the project's model is shown on Home, and a quiet one is not."""
    from core.monitor import service as monitor
    from tests.tiny_models import churn_frame, make_model

    model = make_model(ws, tmp_path, project=make_project(ws, "Watched"))
    quiet = churn_frame(200, seed=3)
    quiet.to_csv(tmp_path / "quiet.csv", index=False)
    monitor.drift_report(ws, monitor.add_batch(ws, model.id, tmp_path / "quiet.csv").id)
    at = app(session={"active_project_id": model.project_id})
    assert not at.exception and not [e for e in at.error if "Drift alert" in e.value]

    shifted = churn_frame(200, seed=1)
    shifted["x1"] = shifted["x1"] + 2.5
    shifted["plan"] = "max"
    shifted.to_csv(tmp_path / "shifted.csv", index=False)
    batch = monitor.add_batch(ws, model.id, tmp_path / "shifted.csv")
    assert monitor.drift_report(ws, batch.id).alert
    at = app(session={"active_project_id": model.project_id})
    alerts = [e.value for e in at.error if "Drift alert" in e.value]
    assert len(alerts) == 1 and "shifted" in alerts[0] and "drifted" in alerts[0]
    assert "monitor" in [p.proto.page for p in at.get("page_link")][:1]  # the alert's link comes first
