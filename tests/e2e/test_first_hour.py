"""The first hour's conventions in a real browser: a new project is selected, deep links survive a
reload, the app switches to Korean (Hangul drawn), and Back steps back through the user's choices."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.conftest import open_page, wait_idle

pytestmark = pytest.mark.e2e
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _params(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def _shows(page, box: str, text: str) -> None:
    """Wait until the select box ``box`` shows ``text`` (a rerun after Back starts a moment later)."""
    page.wait_for_function(
        "([box, text]) => [...document.querySelectorAll('input[role=combobox]')]"
        ".some(e => e.getAttribute('aria-label') === box && e.value.includes(text))",
        arg=[box, text], timeout=30_000)


def _heading(page, *, korean: bool) -> None:
    """Wait until the page's title is (or is not) in Korean: a rerun starts a moment after a click or Back."""
    try:
        page.wait_for_function(
            "(korean) => { const h = document.querySelector('h1'); "
            "return h && /[\\uac00-\\ud7a3]/.test(h.innerText) === korean; }", arg=korean, timeout=60_000)
    except Exception:
        page.shot("heading-timeout")  # what the page showed instead
        raise


def _seed(root):
    """Two projects with data; the churn dataset gets a second version and two (cancelled) experiments."""

    from core import experiments
    from core.cli import demo
    from core.data import datasets
    from core.experiments.search import SearchConfig
    from core.workspace import Workspace

    ws = Workspace(root)
    seeded = demo.seed_demo(ws)
    churn = seeded["projects"][1]
    ds = next(d for d in datasets.list_datasets(ws, project_id=churn) if d.name == "churn")
    v1 = datasets.list_versions(ws, ds.id)[0]
    v2 = datasets.derive_version(ws, v1.id, {"op": "drop_columns", "columns": ["customer_id"]},
                                 description="without the id")
    config = SearchConfig(target="churned", max_trials=2, time_budget=5)
    first = experiments.create_experiment(ws, v2.id, config, project_id=churn, name="first try",
                                          start_worker=False)
    second = experiments.create_experiment(ws, v2.id, config, project_id=churn, name="second try",
                                           start_worker=False)
    for exp in (first, second):  # stopped before they start: no worker trains beside the browser
        experiments.cancel_experiment(ws, exp.id)
    return {"churn": churn, "cancer": seeded["projects"][0], "dataset": ds.id, "v1": v1.id, "v2": v2.id,
            "first": first.id, "second": second.id}


def test_links_survive_a_reload_korean_reads_and_back_steps_back(page):
    ids = _seed(page.server.workspace)
    sidebar = page.get_by_test_id("stSidebar")

    # a deep link to the older version of another project's dataset opens it, in that project
    open_page(page, f"datasets?project={ids['churn']}&dataset={ids['dataset']}&version={ids['v1']}")
    assert sidebar.get_by_role("combobox", name="Active project").input_value() == "Demo: customer churn"
    version_box = page.get_by_role("combobox", name="Version")
    assert version_box.input_value().startswith("v1")
    page.reload()
    wait_idle(page)
    assert page.get_by_role("combobox", name="Version").input_value().startswith("v1")
    page.shot("01-deep-link-version")

    # a deep link to the older experiment lands on it, also after a reload
    open_page(page, f"experiments?project={ids['churn']}&experiment={ids['first']}")
    assert "first try" in page.get_by_role("combobox", name="Experiment").input_value()
    page.reload()
    wait_idle(page)
    assert "first try" in page.get_by_role("combobox", name="Experiment").input_value()

    # choosing another experiment writes the URL; Back returns to the first
    page.get_by_role("combobox", name="Experiment").click()
    page.get_by_role("option", name=re.compile("second try")).click()
    page.wait_for_url(re.compile(f"experiment={ids['second']}"), timeout=30_000)
    wait_idle(page)
    page.go_back()
    wait_idle(page)
    assert _params(page)["experiment"] == ids["first"]
    _shows(page, "Experiment", "first try")

    # switch to Korean: the menu and the page read in Korean, Hangul drawn, kept in the URL
    sidebar.get_by_text("한국어", exact=True).click()
    page.wait_for_url(re.compile(r"lang=ko"), timeout=30_000)  # the rerun may start a moment after the click
    wait_idle(page)
    assert _params(page)["lang"] == "ko"
    sidebar.get_by_role("link", name="데이터셋").wait_for()
    _heading(page, korean=True)
    page.shot("02-korean-experiments")
    # a page reached from the menu stays in Korean and in the project
    sidebar.get_by_role("link", name="데이터셋").click()
    page.wait_for_url(re.compile(r"/datasets"), timeout=30_000)
    wait_idle(page)
    assert _params(page)["lang"] == "ko" and _params(page)["project"] == ids["churn"]
    _heading(page, korean=True)
    page.shot("03-korean-datasets")
    # Back: to the Korean experiments page, then to English (before the switch)
    page.go_back()
    wait_idle(page)
    assert "/experiments" in page.url and _params(page)["lang"] == "ko"
    _heading(page, korean=True)
    page.go_back()
    wait_idle(page)
    assert _params(page).get("lang", "en") == "en"
    _heading(page, korean=False)
    # Forward twice in a row, faster than the reruns, to the Korean Datasets page: the widget values the
    # browser last drew (English) are not a choice, so the URL's Korean wins; a reload keeps Korean
    page.go_forward()
    page.go_forward()
    page.wait_for_function("() => location.pathname.endsWith('/datasets')", timeout=30_000)
    wait_idle(page)
    _heading(page, korean=True)
    assert _params(page)["lang"] == "ko"
    page.reload()
    wait_idle(page)
    _heading(page, korean=True)


def test_a_project_created_in_the_sidebar_becomes_the_active_one(page):
    _seed(page.server.workspace)
    open_page(page)
    sidebar = page.get_by_test_id("stSidebar")
    before = sidebar.get_by_role("combobox", name="Active project").input_value()
    sidebar.get_by_role("button", name="New project").click()
    page.get_by_role("textbox", name="Name", exact=True).fill("Fraud 2027")
    page.get_by_role("button", name="Create project").click()
    wait_idle(page)
    page.get_by_role("heading", name="Fraud 2027").wait_for()
    assert sidebar.get_by_role("combobox", name="Active project").input_value() == "Fraud 2027" != before
    # the URL names it: a reload stays on it
    page.reload()
    wait_idle(page)
    assert sidebar.get_by_role("combobox", name="Active project").input_value() == "Fraud 2027"
    page.get_by_role("heading", name="Fraud 2027").wait_for()
