"""Golden flow of Experiments: start AutoML, leave and come back while it runs, see it finish."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import REPO_ROOT, open_page, open_tab, wait_idle

pytestmark = pytest.mark.e2e


def test_run_automl_leave_and_come_back_and_see_it_finish(page):
    """A user starts an experiment on the breast-cancer sample, navigates away and back, and sees the model."""
    from core.data import datasets
    from core.define import projects
    from core.workspace import Workspace

    ws = Workspace(page.server.workspace)
    project = projects.create_project(ws, "Screening")
    datasets.add_dataset(ws, REPO_ROOT / "data" / "samples" / "breast_cancer.csv", project_id=project.id)

    open_page(page, "experiments")
    page.get_by_role("spinbutton", name="Time budget (s)").fill("20")
    page.get_by_role("spinbutton", name="Time budget (s)").press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Run experiment").click()
    wait_idle(page)
    page.get_by_text("Cancel experiment").wait_for(timeout=60_000)
    assert "experiment=exp_" in page.url  # the new experiment is named in the URL
    page.shot("01-running")

    open_page(page)  # leave for the home page while the search runs
    page.get_by_text("Jobs: 1 active").wait_for(timeout=30_000)
    page.shot("02-away")

    open_page(page, "experiments")
    page.locator(".js-plotly-plot .scatterlayer .point").first.wait_for(timeout=60_000)
    first = page.locator(".js-plotly-plot .scatterlayer .point").count()
    page.shot("03-live-chart")
    page.get_by_role("heading", name="Best model").wait_for(timeout=120_000)
    assert page.locator(".js-plotly-plot .scatterlayer .point").count() > first
    page.get_by_text("Scored on the held-out split").wait_for()
    page.get_by_text("Why this model").wait_for()  # the rule that chose it, with its numbers
    page.shot("04-finished")
    with page.expect_download() as download:  # the notebook is built when the button is pressed
        page.get_by_role("button", name="Open in a notebook").click()
    assert download.value.suggested_filename.endswith(".ipynb")
    assert '"nbformat": 4' in Path(download.value.path()).read_text()

    open_tab(page, "Trials", "trials")  # the open view is in the URL; Back returns to the overview
    page.get_by_text("best validation score first").wait_for()
    assert "tab=trials" in page.url
    # charts are drawn only in the overview (the rerun that leaves it may start a moment after the click)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length === 0", timeout=30_000)
    page.shot("05-trials")
    page.go_back()
    wait_idle(page)
    page.get_by_text("Why this model").wait_for()

    open_page(page, "experiments?lang=ko&tab=model")
    page.get_by_role("tab", name="모델").wait_for()
    page.get_by_text("하이퍼파라미터").first.wait_for()
    page.shot("06-model-ko")
