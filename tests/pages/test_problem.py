"""The Problem & hypotheses page: write a statement, add hypotheses, see bad input explained."""

from __future__ import annotations

from core.define import hypotheses, projects
from tests.conftest import make_project

PAGE = "app_pages/problem.py"


def test_without_a_project_the_page_says_to_create_one(app):
    at = app(PAGE)
    assert not at.exception
    assert any("Create a project first" in i.value for i in at.info)


def test_saving_the_problem_statement_keeps_it_as_markdown(app, ws):
    """The statement is saved and drawn as Markdown; that its raw HTML stays inert is checked in
    Chromium (tests/e2e/test_markdown_safety.py): AppTest cannot see what the browser renders."""
    p = make_project(ws)
    at = app(PAGE, session={"active_project_id": p.id})
    at.text_area(key="def_statement_text").input("**Churn** costs us <script>alert(1)</script>")
    [b for b in at.button if b.label == "Save statement"][0].click().run()
    assert not at.exception
    assert projects.get_project(ws, p.id).problem_statement.startswith("**Churn**")
    assert any(m.value.startswith("**Churn**") for m in at.markdown)


def test_adding_a_hypothesis_from_the_form(app, ws):
    p = make_project(ws)
    at = app(PAGE, session={"active_project_id": p.id})
    at.text_input(key="def_q").input("Who churns?")
    at.text_area(key="def_s").input("Usage predicts churn")
    at.selectbox(key="def_metric").select("accuracy")
    at.number_input(key="def_threshold").set_value(0.9)
    [b for b in at.button if b.label == "Add hypothesis"][0].click().run()
    assert not at.exception
    (h,) = hypotheses.list_hypotheses(ws, p.id)
    assert h.criterion == "accuracy >= 0.9 on the holdout set"


def test_a_hypothesis_without_a_statement_is_explained_and_nothing_is_saved(app, ws):
    p = make_project(ws)
    at = app(PAGE, session={"active_project_id": p.id})
    at.text_input(key="def_q").input("Who churns?")
    [b for b in at.button if b.label == "Add hypothesis"][0].click().run()
    assert any("needs a statement" in e.value for e in at.error)
    assert hypotheses.list_hypotheses(ws, p.id) == []
