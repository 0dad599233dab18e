"""Hostile user text in a real browser: no script, image or link from it comes alive (issue #9, items 21-22).

AppTest sees the Markdown a page sends, not what the browser makes of it, so this checks the
DOM in Chromium: every name, description, hypothesis field, column name and error text below
holds raw HTML, Markdown links and images, and Streamlit's own directives, and each page must
show them as text.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.e2e.conftest import open_page, wait_idle

pytestmark = pytest.mark.e2e

IMG = "<img src=x onerror=window.pwned=1>"
SCRIPT = "<script>window.pwned=2</script>"
LINKS = "[link](http://example.invalid) ![img](http://example.invalid/x.png)"
DIRECTIVES = ":violet[dyed] :material/skull: :smile: $x^2$ www.example.invalid a@example.invalid"
NAME = f"{IMG} {LINKS}"  # names are capped at 120 characters
TEXT = f"{IMG}{SCRIPT} {LINKS} {DIRECTIVES} http://example.invalid/bare"
STATEMENT = f"**Churn** costs us money. {IMG}{SCRIPT}"  # Markdown on purpose; its raw HTML stays text

# What came alive from user text: a script or image element, a link to the hostile addresses,
# a colour, an icon, a formula or an emoji, or code that ran.
FIND_LIVE = """() => {
  const live = [];
  for (const s of document.querySelectorAll('script'))
    if (s.textContent.includes('pwned')) live.push('script ' + s.outerHTML);
  for (const i of document.querySelectorAll('img, image')) {
    const src = i.getAttribute('src') || i.getAttribute('href') || i.getAttribute('xlink:href') || '';
    if (src === 'x' || src.includes('example.invalid')) live.push('image ' + i.outerHTML);
  }
  for (const a of document.querySelectorAll('a')) {
    const href = a.getAttribute('href') || a.getAttribute('xlink:href') || '';
    if (href.includes('example.invalid') || href.startsWith('mailto:')) live.push('link ' + a.outerHTML);
  }
  for (const e of document.querySelectorAll('.stMarkdownColoredText, .stMarkdownBadge'))
    if (e.textContent.includes('dyed') || !e.textContent.trim()) live.push('colour ' + e.outerHTML);
  for (const e of document.querySelectorAll('[role=img]'))
    if ((e.getAttribute('aria-label') || '').includes('skull')) live.push('icon ' + e.outerHTML);
  if (document.querySelector('.katex')) live.push('formula');
  if (document.body.innerText.includes('\\u{1F604}')) live.push('emoji');
  if (window.pwned) live.push('code ran: ' + window.pwned);
  return live;
}"""


def _text(page) -> str:
    """The page's visible text, without the invisible word joiners the escaping adds."""
    return page.evaluate("() => document.body.innerText").replace("\u2060", "")


def _assert_inert(page, name: str, *, shows: tuple[str, ...] = (LINKS,)) -> None:
    live = page.evaluate(FIND_LIVE)
    page.shot(name)
    assert live == [], f"{name}: {live}"
    text = _text(page)
    for literal in shows:
        assert literal in text, f"{name}: {literal!r} is not shown as written"


def _seed(ws, tmp_path, monkeypatch) -> dict:
    """A project whose every user field is hostile, with a dataset, a hypothesis and a failed search."""
    from core import experiments, jobs
    from core.data import datasets
    from core.define import hypotheses, projects
    from core.errors import InvalidInput
    from core.experiments import search as automl
    from core.experiments.spec import SearchConfig

    taken = projects.create_project(ws, f"{LINKS} taken")
    project = projects.create_project(ws, NAME, description=TEXT)  # the newest: the app opens on it
    projects.update_project(ws, project.id, problem_statement=STATEMENT)
    h = hypotheses.create_hypothesis(ws, project.id, question=TEXT, statement=TEXT, metric="accuracy",
                                     threshold=0.8, data_needed=TEXT, acquisition=TEXT, owner=NAME)
    frame = pd.DataFrame({"a": range(60), NAME: ["same"] * 60, "y": [0, 1, 1] * 20})
    path = tmp_path / "hostile.csv"
    frame.to_csv(path, index=False)
    added = datasets.add_dataset(ws, path, name=NAME, project_id=project.id, description=TEXT, license=NAME)
    datasets.link_dataset_to_hypothesis(ws, added.dataset.id, h.id)
    exp = experiments.create_experiment(ws, added.version.id, SearchConfig(target="y", time_budget=5),
                                        project_id=project.id, name=NAME, start_worker=False)

    def fail(*args, **kwargs):
        raise InvalidInput(f"Column '{NAME}' holds one value; {TEXT}", hint=f"Drop '{NAME}'.")

    monkeypatch.setattr(automl, "run_search", fail)
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)  # the search fails at once, quoting the column
    assert experiments.get_experiment(ws, exp.id).status == "failed"
    return {"project": project, "experiment": exp, "taken": taken}


def test_hostile_user_text_stays_text_on_every_page(page, tmp_path, monkeypatch):
    """Names, descriptions, hypothesis fields, a column name, a job title and error texts holding
    raw HTML, Markdown links and images and Streamlit directives render as text on every page."""
    from core.workspace import Workspace

    seeded = _seed(Workspace(page.server.workspace), tmp_path, monkeypatch)

    open_page(page)
    page.get_by_role("heading", name=IMG).wait_for()
    _assert_inert(page, "home")

    open_page(page, "problem")
    page.get_by_text("Churn", exact=True).wait_for()  # the statement's Markdown still renders
    assert page.locator("strong", has_text="Churn").count() >= 1
    _assert_inert(page, "problem", shows=(LINKS, "<script>window.pwned=2</script>", DIRECTIVES))

    open_page(page, "datasets")
    _assert_inert(page, "datasets", shows=(LINKS, DIRECTIVES))
    open_page(page, "datasets?tab=Lineage")
    page.locator(".js-plotly-plot").first.wait_for()
    _assert_inert(page, "datasets-lineage", shows=())

    open_page(page, "explore")
    page.locator(".js-plotly-plot").first.wait_for()
    _assert_inert(page, "explore")

    open_page(page, "experiments")
    page.get_by_text("holds one value").first.wait_for()
    _assert_inert(page, "experiments", shows=(LINKS, DIRECTIVES))

    open_page(page, "jobs")
    page.get_by_text(f"AutoML: {IMG}").filter(visible=True).first.wait_for()  # not the table's hidden cells
    _assert_inert(page, "jobs")

    # an error quoting user text: renaming the project to a name that is taken
    open_page(page)
    page.get_by_text("Project settings").click()
    page.get_by_label("Rename this project").fill(seeded["taken"].name)
    page.get_by_role("button", name="Rename", exact=True).click()
    wait_idle(page)
    page.get_by_text("already exists").wait_for()
    _assert_inert(page, "rename-error", shows=(f"{LINKS} taken",))
