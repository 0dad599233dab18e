"""The shared version picker: lists every version of the project's datasets without a query per dataset."""

from __future__ import annotations

from core.data import datasets
from tests.conftest import SAMPLES, make_project


def _picker_script() -> None:
    import streamlit as st

    from core.define import projects
    from core.workspace import Workspace
    from ui import pickers

    ws = Workspace()
    chosen = pickers.version_picker(ws, projects.get_project(ws, st.session_state["project"]), key="t_pick")
    st.write(chosen.id if chosen else "none")


def _run_counting_queries(monkeypatch, project_id: str):
    from sqlite_utils import Database
    from streamlit.testing.v1 import AppTest

    sent: list[str] = []
    real = Database.execute

    def counted(self, sql, *args, **kw):
        if not sql.lstrip().upper().startswith("PRAGMA"):
            sent.append(sql)
        return real(self, sql, *args, **kw)

    monkeypatch.setattr(Database, "execute", counted)
    at = AppTest.from_function(_picker_script, default_timeout=30)
    at.session_state["project"] = project_id
    at.run()
    monkeypatch.undo()
    assert not at.exception, at.exception
    return len(sent), at


def test_the_version_picker_makes_as_many_queries_for_four_datasets_as_for_one(ws, monkeypatch):
    p = make_project(ws)
    first = datasets.add_dataset(ws, SAMPLES / "iris.csv", project_id=p.id).version
    one, _ = _run_counting_queries(monkeypatch, p.id)
    for sample in ("wine.csv", "diabetes.csv", "breast_cancer.csv"):
        v = datasets.add_dataset(ws, SAMPLES / sample, project_id=p.id).version
        datasets.split_version(ws, v.id, test_size=0.2, seed=0)
    four, at = _run_counting_queries(monkeypatch, p.id)
    assert four == one
    shown = [label.split(" · ")[1] for label in at.selectbox(key="t_pick").options]
    # newest dataset first; in each, whole versions newest first, then the parts of splits
    expected = [v.id for ds in datasets.list_datasets(ws, project_id=p.id)
                for v in sorted(datasets.list_versions(ws, ds.id),
                                key=lambda v: ((v.operation or {}).get("op") == "split", -v.number))]
    assert shown == expected and len(shown) == 1 + 3 * 3 and shown[-1] == first.id
    assert at.selectbox(key="t_pick").value == expected[0]
