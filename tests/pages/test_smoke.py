"""Every page in the navigation renders without an exception, empty and with demo data."""

from __future__ import annotations

import pytest

from tests.pages.conftest import page_paths


@pytest.mark.parametrize("page", page_paths())
def test_page_renders_on_an_empty_workspace(app, page):
    at = app(page)
    assert not at.exception, at.exception
    assert at.title, f"{page} has no title"


@pytest.mark.parametrize("page", page_paths())
def test_page_renders_on_the_demo_workspace(app, ws, page):
    from core.cli import demo

    demo.seed_demo(ws)
    at = app(page)
    assert not at.exception, at.exception


def test_home_welcomes_an_empty_workspace_and_loads_the_demo(app, ws):
    at = app()
    assert any("no projects yet" in m.value for m in at.markdown)
    at.button(key="home_demo").click().run()
    assert not at.exception
    assert at.subheader[0].value.startswith("Demo:")


def test_jobs_page_queues_a_demo_job(app, ws, monkeypatch):
    from core import jobs
    from core.jobs import worker

    monkeypatch.setattr(worker, "ensure_worker", lambda *args, **kwargs: False)  # queue only: no worker process
    at = app("app_pages/jobs.py")
    at.button(key="jobs_demo").click().run()
    assert not at.exception
    queued = jobs.list_jobs(ws)
    assert len(queued) == 1 and queued[0].kind == "sleep"
    jobs.cancel_job(ws, queued[0].id)
