"""Pickers shared by pages: choose a dataset version or a hypothesis of the active project."""

from __future__ import annotations

import streamlit as st

from core.data import datasets
from core.data.entities import DatasetVersion
from core.data.reads import list_versions_of
from core.define import hypotheses
from core.define.entities import Hypothesis, Project
from core.workspace import Workspace

SELECTED_VERSION = "selected_version_id"


def version_picker(ws: Workspace, project: Project, *, key: str, label: str = "Dataset version") -> DatasetVersion | None:
    """Choose a version among the project's datasets (newest versions first); remembers the choice.

    Returns:
        The chosen version, or ``None`` when the project has no dataset.
    """
    options: list[DatasetVersion] = []
    owned = datasets.list_datasets(ws, project_id=project.id)
    for versions in list_versions_of(ws, [ds.id for ds in owned]).values():  # two queries, however many datasets
        # whole versions first (newest first), split parts after them
        options += sorted(versions, key=lambda v: ((v.operation or {}).get("op") == "split", -v.number))
    if not options:
        return None
    ids = [v.id for v in options]
    labels = {v.id: f"{v.label} · {v.n_rows:,} rows × {v.n_cols} cols{_how(v)}" for v in options}
    remembered = st.session_state.get(SELECTED_VERSION)
    if st.session_state.get(key) not in ids:
        st.session_state[key] = remembered if remembered in ids else ids[0]
    chosen = st.selectbox(label, ids, format_func=lambda i: labels[i], key=key)
    st.session_state[SELECTED_VERSION] = chosen
    return next(v for v in options if v.id == chosen)


def _how(version: DatasetVersion) -> str:
    op = version.operation or {}
    if op.get("op") == "split":
        return f" · {op.get('part')} part of a split"
    return f" · {op['op'].replace('_', ' ')}" if op.get("op") else ""


def hypothesis_picker(ws: Workspace, project: Project, *, key: str) -> Hypothesis | None:
    """Choose one of the project's hypotheses, or none."""
    items = hypotheses.list_hypotheses(ws, project.id)
    ids = ["", *[h.id for h in items]]
    labels = {"": "— none —", **{h.id: f"{h.statement[:60]} ({h.criterion})" for h in items}}
    chosen = st.selectbox("Hypothesis it tests", ids, format_func=lambda i: labels[i], key=key)
    return next((h for h in items if h.id == chosen), None)


def remembered_select(label: str, options: dict[str, str], *, key: str, remember: str) -> str:
    """A selectbox over ``{id: label}`` that keeps its choice across pages (under ``remember``).

    Returns:
        The chosen id.
    """
    ids = list(options)
    if st.session_state.get(key) not in ids:
        remembered = st.session_state.get(remember)
        st.session_state[key] = remembered if remembered in ids else ids[0]
    chosen = st.selectbox(label, ids, format_func=options.get, key=key)
    st.session_state[remember] = chosen
    return chosen
