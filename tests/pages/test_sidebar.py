"""The sidebar: a new project becomes the active one, the URL's project wins, the language switch."""

from __future__ import annotations

from core.define import projects
from tests.conftest import make_project
from tests.pages.conftest import REPO_ROOT


def _at(**params: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    return at


def _param(at, name: str) -> str | None:
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def test_a_project_created_in_the_sidebar_becomes_the_active_one(ws):
    old = make_project(ws, "Old project")
    at = _at()
    at.run()
    assert at.selectbox(key="url_project").value == old.id
    at.text_input(key="sb_new_project_name").input("Fraud 2027")
    at.button(key="FormSubmitter:sb_new_project-Create project").click().run()
    assert not at.exception, at.exception
    created = projects.find_project_by_name(ws, "Fraud 2027")
    assert created is not None
    assert at.selectbox(key="url_project").value == created.id
    assert _param(at, "project") == created.id
    assert at.subheader[0].value == "Fraud 2027"  # Home shows it too


def test_the_url_names_the_project_and_an_unknown_one_is_explained(ws):
    first = make_project(ws, "First")
    make_project(ws, "Second")  # the most recent: the default
    at = _at(project=first.id)
    at.run()
    assert at.selectbox(key="url_project").value == first.id
    assert at.subheader[0].value == "First"

    at = _at(project="prj_doesnotexist")
    at.run()
    assert not at.exception
    assert any("prj_doesnotexist" in w.value and "not in this workspace" in w.value for w in at.warning)


def test_choosing_a_project_writes_it_and_drops_the_old_projects_objects(ws):
    first = make_project(ws, "First")
    second = make_project(ws, "Second")
    at = _at(project=second.id, dataset="ds_of_second", version="dsv_of_second")
    at.run()
    at.selectbox(key="url_project").set_value(first.id).run()
    assert not at.exception
    assert _param(at, "project") == first.id
    assert _param(at, "dataset") is None and _param(at, "version") is None
