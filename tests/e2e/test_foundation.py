"""Golden flow of the foundation: open the app, create a project, run a job and watch it finish."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import open_page, wait_idle

pytestmark = pytest.mark.e2e


def test_new_user_creates_a_project_and_watches_a_demo_job_finish(page):
    """A new user creates a project from the sidebar and runs a demo job on the Jobs page."""
    open_page(page)
    assert page.get_by_text("This workspace has no projects yet").is_visible()
    page.shot("01-welcome")

    page.get_by_role("button", name="New project").click()
    page.get_by_role("textbox", name="Name", exact=True).fill("Churn 2026")
    page.get_by_role("button", name="Create project").click()
    wait_idle(page)
    page.get_by_role("heading", name="Churn 2026").wait_for()
    sidebar = page.get_by_test_id("stSidebar")
    page.shot("02-project-created")
    # a taken name is explained, and nothing is lost
    page.get_by_role("textbox", name="Name", exact=True).fill("churn 2026")
    page.get_by_role("button", name="Create project").click()
    wait_idle(page)
    page.get_by_text("A project named 'churn 2026' already exists").wait_for()
    page.shot("02b-name-taken")
    assert sidebar.get_by_role("combobox", name="Active project").input_value() == "Churn 2026"

    open_page(page, "jobs")
    page.get_by_role("button", name="Run a demo job").click()
    wait_idle(page)
    page.get_by_text("Demo: sleep 6 s").first.wait_for()
    page.shot("03-job-queued")
    # the polled fragment shows progress while it runs, then the job finishes on its own
    page.get_by_text("Step ").first.wait_for(timeout=30_000)
    page.shot("04-job-running")
    page.wait_for_function("() => document.body.innerText.includes('· done ·')", timeout=60_000)
    page.wait_for_function("() => document.body.innerText.includes('Jobs: none running')", timeout=30_000)
    page.shot("05-job-done")
