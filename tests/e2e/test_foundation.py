"""Golden flow of the foundation: open the app, create a project, run a job and watch it finish, cancel
one and retry it, and find the work in the project's activity."""

from __future__ import annotations

import re

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

    # a cancelled job shows how far it got and the word cancelled (not 100%), and can be retried
    main = page.get_by_test_id("stMain")
    page.get_by_role("button", name="Run a demo job").click()
    wait_idle(page)
    main.get_by_text(re.compile(r"Step \d+ of 12")).first.wait_for(timeout=30_000)
    main.get_by_role("button", name="Cancel job").click()
    main.get_by_role("button", name="Yes, cancel").click()
    reached = main.get_by_text(re.compile(r"cancelled at \d+%"))
    reached.wait_for(timeout=30_000)
    assert reached.inner_text() != "cancelled at 100%"
    page.shot("06-job-cancelled")
    main.get_by_role("button", name="Retry").click()
    wait_idle(page)
    page.wait_for_function("() => document.body.innerText.includes('Queued Demo: sleep 6 s again')", timeout=30_000)
    page.wait_for_function("() => document.body.innerText.includes('· done ·')", timeout=60_000)
    page.shot("07-retried-job-done")

    # Home's activity is the project's, and names what it mentions with a link to it
    sidebar.get_by_role("link", name="Home").click()
    wait_idle(page)
    feed = main.get_by_role("link", name="Demo: sleep 6 s")
    feed.first.wait_for()
    assert "jobs" in feed.first.get_attribute("href")
    page.shot("08-home-activity")
