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


def _hypothesis(ws, project):
    return hypotheses.create_hypothesis(ws, project.id, question="Who churns?", statement="Usage predicts churn",
                                        metric="roc_auc", threshold=0.8, owner="Mina")


def test_a_linked_dataset_is_named_and_links_to_the_datasets_page(app, ws):
    from urllib.parse import parse_qs

    from core.data import datasets
    from tests.conftest import SAMPLES

    p = make_project(ws)
    h = _hypothesis(ws, p)
    added = datasets.add_dataset(ws, SAMPLES / "churn.csv", name="churn", project_id=p.id)
    datasets.link_dataset_to_hypothesis(ws, added.version.dataset_id, h.id)
    at = app(PAGE, session={"active_project_id": p.id})
    links = [(link.proto.label, link.proto.page, parse_qs(link.proto.query_string)) for link in at.main.page_link]
    (label, _, params), = [x for x in links if x[1] == "datasets"]
    assert label.startswith("churn ") and "ds_" in label  # the name, then the short id in small type
    assert params["dataset"] == [added.version.dataset_id] and params["project"] == [p.id]


def test_status_history_reads_as_a_table_with_words_and_dates(app, ws):
    p = make_project(ws)
    h = _hypothesis(ws, p)
    hypotheses.set_status(ws, h.id, "testing", note="first experiment queued")
    at = app(PAGE, session={"active_project_id": p.id})
    table = at.main.dataframe[0]
    rows = table.value.to_dict("records")
    assert rows[-1]["field"] == "Status" and (rows[-1]["from"], rows[-1]["to"]) == ("Draft", "Testing")
    assert rows[-1]["note"] == "first experiment queued"
    assert rows[0]["note"] == "Created" and rows[0]["from"] == "—"
    assert rows[-1]["when"].endswith(" UTC") and "T" not in rows[-1]["when"][:-4]  # for people, not ISO
    assert any(":blue-badge[Testing]" in m.value for m in at.main.markdown)


def test_the_problem_page_reads_in_korean_statuses_included(ws):
    from streamlit.testing.v1 import AppTest

    from tests.pages.conftest import REPO_ROOT
    from ui import i18n

    p = make_project(ws)
    h = _hypothesis(ws, p)
    hypotheses.set_status(ws, h.id, "supported")
    i18n.reset_missing()
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "ko"
    at.query_params["project"] = p.id
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception and not i18n.missing()
    assert any(":green-badge[지지됨]" in m.value for m in at.main.markdown)
    box = at.selectbox(key=f"def_status_sel_{h.id}")
    assert "기각됨" in box.options and box.value == "supported"
    assert any("홀드아웃 세트에서 roc_auc >= 0.8" in m.value for m in at.main.markdown)
    rows = at.main.dataframe[0].value.to_dict("records")
    assert rows[-1]["field"] == "상태" and rows[-1]["to"] == "지지됨"
