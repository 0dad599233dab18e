"""The Deploy page under AppTest: export writes the bundle and offers its zip, Verify and Build image queue
their jobs, a result reads as a sentence, no engine shows the commands, and every view in Korean."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pages.test_korean import HANGUL, _untranslated_labels, run_in

PAGE = "app_pages/deploy.py"


@pytest.fixture
def no_worker(monkeypatch):
    from core.jobs import worker

    monkeypatch.setattr(worker, "ensure_worker", lambda *args, **kwargs: False)


@pytest.fixture
def engine(monkeypatch):
    """Whether a Docker engine answers, as the test says (the machine's own engine is not used)."""
    from core.deploy import engine as docker_engine

    def set_reachable(reachable: bool) -> None:
        monkeypatch.setattr(docker_engine, "engine_status",
                            lambda: (True, "") if reachable else (False, "no engine in this test"))

    set_reachable(False)
    return set_reachable


def engine_tag(ws, export_id: str) -> str:
    from core.deploy import engine

    return engine.image_tag_for(ws, export_id)


def _texts(at) -> str:
    return "\n".join(e.value for kind in ("caption", "markdown", "info", "warning", "error", "success", "code")
                     for e in getattr(at, kind) if isinstance(getattr(e, "value", None), str))


def _press(at, label: str) -> None:
    next(b for b in at.button if b.label == label).click().run()


def test_export_writes_the_bundle_and_offers_its_zip(ws, two_models, engine, no_worker):
    from core.deploy import bundle

    project, _exp, models = two_models
    at = run_in("en", PAGE, project=project.id, model=models[0].id)
    assert not at.exception, at.exception
    assert "This model has not been exported yet." in _texts(at)
    _press(at, "Export")
    assert not at.exception, at.exception
    made = bundle.exports_of(ws, models[0].id)
    assert len(made) == 1
    assert (Path(made[0].path) / "Dockerfile").is_file() and Path(made[0].zip_path).is_file()
    at = run_in("en", PAGE, project=project.id, model=models[0].id)
    assert made[0].path in _texts(at)
    assert len(at.get("download_button")) == 1
    # no engine here: the commands to build it by hand
    assert "No Docker engine answers here" in _texts(at)
    assert f"-t {engine_tag(ws, made[0].id)} ." in _texts(at)


def test_verify_and_build_queue_their_jobs(ws, two_models, engine, no_worker):
    from core import jobs
    from core.deploy import bundle

    project, _exp, models = two_models
    made = bundle.export_bundle(ws, models[0].id)
    engine(True)
    at = run_in("en", PAGE, project=project.id, model=models[0].id)
    assert not at.exception, at.exception
    _press(at, "Verify")
    assert not at.exception, at.exception
    queued = jobs.list_jobs(ws, kind="deploy_verify")
    assert len(queued) == 1 and queued[0].payload["export_id"] == made.id
    _press(at, "Build image")
    assert not at.exception, at.exception
    queued = jobs.list_jobs(ws, kind="deploy_build")
    assert len(queued) == 1 and queued[0].payload["export_id"] == made.id


def test_a_verification_reads_as_a_sentence(ws, two_models, engine):
    from core import overview
    from core.deploy import bundle

    project, _exp, models = two_models
    made = bundle.export_bundle(ws, models[0].id)
    bundle.record_verification(ws, made.id, {"verified": True, "rows": 40, "labels_equal": True,
                                             "max_proba_diff": 0.0, "p50_ms": 1.2, "p99_ms": 3.4,
                                             "rows_per_s": 52000, "where": "process"})
    at = run_in("en", PAGE, project=project.id, model=models[0].id)
    assert not at.exception, at.exception
    assert any("identical predictions on 40 held-out rows" in s.value for s in at.success)
    step = next(s for s in overview.lifecycle(ws, project.id) if s.key == "deploy")
    assert (step.state, step.counts) == ("done", {"exports": 1, "verified": 1})
    bundle.record_verification(ws, made.id, {"verified": False, "rows": 40, "labels_equal": False,
                                             "max_proba_diff": 0.5, "mismatches": ["row 3: yes != no"]})
    at = run_in("en", PAGE, project=project.id, model=models[0].id)
    assert any("the predictions differ" in e.value for e in at.error)
    assert "row 3: yes != no" in _texts(at)


def test_a_project_without_models_points_to_experiments(ws):
    from core.define.projects import create_project

    project = create_project(ws, "Empty")
    at = run_in("en", PAGE, project=project.id)
    assert not at.exception, at.exception
    assert "has no models yet" in _texts(at)


def test_the_page_reads_in_korean(ws, two_models, engine):
    from core.deploy import bundle
    from ui import i18n

    project, _exp, models = two_models
    bundle.export_bundle(ws, models[0].id)
    i18n.reset_missing()
    at = run_in("ko", PAGE, project=project.id, model=models[0].id)
    assert not at.exception, at.exception
    assert not i18n.missing(), sorted(i18n.missing())
    assert not _untranslated_labels(at), _untranslated_labels(at)
    assert HANGUL.search(_texts(at))
