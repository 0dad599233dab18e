"""Page-test helpers: run the real app.py under Streamlit's AppTest on a temporary workspace."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def page_paths() -> list[str]:
    """Every page listed in app.PAGES, read without running app.py."""
    tree = ast.parse((REPO_ROOT / "app.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
            if getattr(target, "id", None) == "PAGES":
                pages = ast.literal_eval(node.value)
                return [p["page"] for section in pages.values() for p in section]
    raise AssertionError("app.py has no PAGES")


@pytest.fixture
def app(ws):
    """A function that runs app.py (optionally switched to a page) and returns the AppTest."""
    from streamlit.testing.v1 import AppTest

    def run(page: str | None = None, *, session: dict | None = None, timeout: float = 60):
        at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=timeout)
        for key, value in (session or {}).items():
            at.session_state[key] = value
        at.run()
        if page:
            at.switch_page(page)
            at.run()
        return at

    return run


@pytest.fixture
def two_models(ws, tmp_path):
    """A project 'Churn' with two tiny evaluated models of one experiment (lgbm and lrl2): (project, experiment, models)."""
    from core.define.projects import create_project
    from core.evaluation import scoring
    from tests.tiny_models import add_model, make_experiment

    project = create_project(ws, "Churn")
    exp = make_experiment(ws, tmp_path, project=project)
    models = [add_model(ws, exp, "lgbm"), add_model(ws, exp, "lrl2")]
    for m in models:
        scoring.evaluate_model(ws, m.id)
    return project, exp, models
