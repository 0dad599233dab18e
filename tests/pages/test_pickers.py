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
    project = projects.get_project(ws, st.session_state["project"])
    chosen = pickers.version_picker(ws, project, key="t_pick", include_splits=st.session_state.get("splits", False))
    st.write(chosen.id if chosen else "none")


def _run_counting_queries(monkeypatch, project_id: str, **session):
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
    for key, value in session.items():
        at.session_state[key] = value
    at.run()
    monkeypatch.undo()
    assert not at.exception, at.exception
    return len(sent), at


def _shown(at, ws) -> list[str]:
    """The version ids the picker offers, in order (its labels start with 'name vN')."""
    by_label = {}
    for ds in datasets.list_datasets(ws):
        for v in datasets.list_versions(ws, ds.id):
            by_label[f"{v.dataset_name} v{v.number}"] = v.id
    return [by_label[label.split(" · ")[0]] for label in at.selectbox(key="url_version").options]


def test_the_version_picker_makes_as_many_queries_for_four_datasets_as_for_one(ws, monkeypatch):
    p = make_project(ws)
    first = datasets.add_dataset(ws, SAMPLES / "iris.csv", project_id=p.id).version
    one, _ = _run_counting_queries(monkeypatch, p.id)
    for sample in ("wine.csv", "diabetes.csv", "breast_cancer.csv"):
        v = datasets.add_dataset(ws, SAMPLES / sample, project_id=p.id).version
        datasets.split_version(ws, v.id, test_size=0.2, seed=0)
    four, at = _run_counting_queries(monkeypatch, p.id, splits=True)
    assert four == one
    # newest dataset first; in each, the versions the user made newest first, each followed by its splits
    expected = [v.id for ds in datasets.list_datasets(ws, project_id=p.id)
                for v in sorted(datasets.list_versions(ws, ds.id), key=lambda v: (v.number != 1, -v.number))]
    assert _shown(at, ws) == expected and len(expected) == 1 + 3 * 3 and expected[-1] == first.id


def test_splits_stay_out_of_the_picker_and_the_default_is_the_newest_version_the_user_made(ws, monkeypatch):
    """Issue #10, defect 7: an experiment's train and test splits are not offered, nor chosen by default."""
    p = make_project(ws)
    iris = datasets.add_dataset(ws, SAMPLES / "iris.csv", project_id=p.id).version
    wine = datasets.add_dataset(ws, SAMPLES / "wine.csv", project_id=p.id).version
    deduped = datasets.derive_version(ws, iris.id, {"op": "deduplicate"})  # the newest version the user made
    train, test = datasets.split_version(ws, wine.id, target="cultivar" if "cultivar" in wine.columns else None,
                                         seed=0)  # made after it, as an experiment would
    _, at = _run_counting_queries(monkeypatch, p.id)
    shown = _shown(at, ws)
    assert train.id not in shown and test.id not in shown and len(shown) == 3
    assert at.selectbox(key="url_version").value == deduped.id
    labels = at.selectbox(key="url_version").options
    assert not any(label.endswith(" · ") for label in labels)
    assert "iris v2 · 149 rows × 5 columns · Remove duplicate rows" in labels
    _, at = _run_counting_queries(monkeypatch, p.id, splits=True)
    labels = at.selectbox(key="url_version").options
    assert f"wine v2 · {train.n_rows} rows × {train.n_cols} columns · train part of v1" in labels
