"""The fault suite, Ray and the app: user text stays text on screen, and Ray stays where it was put.

Each test reproduces one case of issue #9 as it was written; its docstring starts with the item.
Item 22 (raw HTML and Markdown from user text are inert in a real browser) is checked in
Chromium by ``tests/e2e/test_markdown_safety.py``.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from core import experiments, jobs
from core.data import datasets
from core.define import hypotheses, projects
from core.errors import InvalidInput
from core.experiments import search as automl
from core.experiments.spec import SearchConfig
from tests.conftest import make_project
from tests.pages.conftest import REPO_ROOT, page_paths
from ui.fmt import escape_markdown

# Hostile user text: raw HTML, Markdown links and images, and Streamlit's own directives.
HTML = "<img src=x onerror=alert(1)><script>x</script>"
LINKS = "[link](http://example.invalid) ![img](http://example.invalid/x.png)"
DIRECTIVES = ":violet[dyed] :material/skull: :smile: $x^2$ www.example.invalid a@example.invalid"
NAME = f"{HTML} {LINKS}"  # fits the 120-character limit of names
TEXT = f"{HTML} {LINKS} {DIRECTIVES}"
# What must never reach Markdown as written: each would render as a link, an image, a colour,
# an icon, an emoji or a formula.
LIVE = ("[link](http", "![img](", "<img", "<script", ":violet[", ":material/skull", ":smile:",
        "$x^2$", "http://example.invalid", "www.example.invalid", "a@example.invalid")
MARKDOWN_ELEMENTS = ("markdown", "caption", "error", "warning", "info", "success", "toast",
                     "title", "header", "subheader")


def _markdown_sources(at) -> list[str]:
    """Every string on the page that Streamlit renders as Markdown (bodies, labels, progress texts)."""
    texts = [str(e.value) for kind in MARKDOWN_ELEMENTS for e in at.get(kind)]
    texts += [e.proto.label for e in at.get("expander")]
    texts += [e.proto.text for e in at.get("progress")]
    texts += [e.label for e in at.get("metric")]
    return texts


def _live(markdown: str) -> bool:
    """Whether Markdown source holds hostile user text live: a marker whose characters are not
    backslash-escaped (each escaped pair is blanked out before looking)."""
    unescaped = re.sub(r"\\.", "\0", markdown, flags=re.DOTALL)
    return any(marker in unescaped for marker in LIVE)


def _live_user_text(at) -> list[str]:
    """The Markdown sources on the page that hold user text as written (and would render it live)."""
    return [t for t in _markdown_sources(at) if _live(t)]


@pytest.fixture
def app(ws):
    """Run app.py switched to a page (as tests/pages does) and return the AppTest."""
    from streamlit.testing.v1 import AppTest

    def run(page: str, *, session: dict):
        at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
        for key, value in session.items():
            at.session_state[key] = value
        at.run()
        at.switch_page(page)
        return at.run()

    return run


def _fail_search(*args, **kwargs):
    raise InvalidInput(f"Column '{NAME}' holds one value; there is nothing to learn.",
                       hint=f"Drop '{NAME}' or choose another target.")


@pytest.fixture
def hostile(ws, tmp_path, monkeypatch):
    """A workspace whose every user field holds hostile text: a project, a hypothesis, a dataset
    (with a constant column named with it) and an experiment whose search failed quoting it."""
    from core.jobs import worker

    monkeypatch.setattr(worker, "ensure_worker", lambda *a, **k: False)
    project = make_project(ws, NAME, description=TEXT)
    h = hypotheses.create_hypothesis(ws, project.id, question=TEXT, statement=TEXT, metric="accuracy",
                                     threshold=0.8, data_needed=TEXT, acquisition=TEXT, owner=NAME)
    frame = pd.DataFrame({"a": range(60), NAME: ["same"] * 60, "y": [0, 1, 1] * 20})
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    added = datasets.add_dataset(ws, path, name=NAME, project_id=project.id, description=TEXT, license=NAME)
    datasets.link_dataset_to_hypothesis(ws, added.dataset.id, h.id)
    exp = experiments.create_experiment(ws, added.version.id, SearchConfig(target="y", time_budget=5),
                                        project_id=project.id, name=NAME, start_worker=False)
    monkeypatch.setattr(automl, "run_search", _fail_search)
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    assert experiments.get_experiment(ws, exp.id).status == "failed"
    return {"project": project, "experiment": exp, "version": added.version}


@pytest.mark.parametrize("page", page_paths())
def test_item21_user_text_reaches_markdown_only_escaped_on_every_page(app, hostile, page):
    """Item 21: names, descriptions, hypothesis fields (data needed, acquisition), dataset names, the
    experiment name, the job title and error texts quoting column names are escaped wherever they go
    to Markdown, so no link, image, colour, icon or formula renders from them; the text still shows."""
    exp = hostile["experiment"]
    session = {"active_project_id": hostile["project"].id, "exp_selected": exp.id, "jobs_selected": exp.job_id}
    at = app(page, session=session)
    assert not at.exception
    assert _live_user_text(at) == []
    assert any(escape_markdown(NAME) in t for t in _markdown_sources(at))  # shown, as text


def test_item21_an_error_quoting_user_text_is_escaped(app, ws):
    """Item 21: an error whose message quotes user text (here a project name that is taken) shows
    that text literally: no link or image renders from it."""
    make_project(ws, NAME)
    other = make_project(ws, "Churn")
    at = app("app_pages/home.py", session={"active_project_id": other.id})
    at.text_input(key="home_rename").input(NAME)
    at.button(key="home_rename_btn").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(escape_markdown(NAME) in e and "already exists" in e for e in errors), errors
    assert _live_user_text(at) == []
    assert projects.get_project(ws, other.id).name == "Churn"


def test_item21_escaped_text_keeps_code_spans_of_hints_only_when_asked():
    """Item 21: the escaper leaves no Markdown, HTML or Streamlit directive live, and keeps the
    backticked commands of error hints as code when asked (their content is inert)."""
    assert _live(TEXT) and not _live(escape_markdown(TEXT))
    assert escape_markdown("run `mlcycle jobs list`") == "run \\`mlcycle jobs list\\`"
    kept = escape_markdown("Run `mlcycle jobs list` for [x](http://e.invalid).", keep_code=True)
    assert kept.startswith("Run `mlcycle jobs list` for ") and "[x](" not in kept

