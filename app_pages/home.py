"""Home: where the active project stands in the lifecycle, and what happened lately."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from core import overview
from core.define import projects
from core.store import activity
from ui import errors, layout, state
from ui.fmt import ago, escape_markdown

ROOT = Path(__file__).resolve().parents[1]
STEP_PAGES = {
    "define": "app_pages/problem.py",
    "data": "app_pages/datasets.py",
    "explore": "app_pages/explore.py",
    "experiment": "app_pages/experiments.py",
}
STATE_BADGE = {
    "done": ":green-badge[:material/check_circle: Done]",
    "in_progress": ":orange-badge[:material/pending: In progress]",
    "not_started": ":gray-badge[:material/radio_button_unchecked: Not started]",
}

ws = state.workspace()
st.title("MLCycle")
st.caption("Carry an ML project from the question to the served model, with every step tied to the one before.")

project = state.active_project()
if project is None:
    st.subheader("Welcome")
    st.markdown(
        "This workspace has no projects yet. A **project** holds one problem: its hypotheses, "
        "the data for it and the experiments that test it.\n\n"
        "1. Create a project with **New project** in the sidebar (or run `mlcycle demo` to load the demo).\n"
        "2. Write the problem and a hypothesis with a measurable success criterion.\n"
        "3. Upload data, explore it, and run AutoML."
    )
    if st.button("Load the demo project", key="home_demo", type="primary"):
        from core.cli import demo

        result = demo.seed_demo(ws)
        state.set_active_project(result["id"])
        state.flash(f"Demo project '{escape_markdown(result['project_name'])}' loaded")
        st.rerun()
    st.stop()

st.subheader(escape_markdown(project.name), anchor=False)
if project.description:
    st.caption(escape_markdown(project.description))

st.markdown("#### Lifecycle")
steps = overview.lifecycle(ws, project.id)
columns = st.columns(len(steps))
for column, step in zip(columns, steps, strict=True):
    with column.container(border=True):
        st.markdown(f"**{step.title}**")
        st.markdown(STATE_BADGE[step.state])
        st.caption(step.detail)
        target = STEP_PAGES.get(step.key)
        if target and (ROOT / target).exists():
            st.page_link(target, label="Open" if step.state != "not_started" else step.next_action,
                         icon=":material/arrow_forward:")
        else:
            st.caption(step.next_action)

left, right = st.columns([2, 1])
with left:
    st.markdown("#### Recent activity")
    events = activity.list_events(ws, limit=15)
    if not events:
        st.caption("Nothing has happened yet.")
    names = {p.id: p.name for p in projects.list_projects(ws, include_archived=True)}
    for event in events:
        where = f" · {names[event.project_id]}" if event.project_id in names else ""
        st.markdown(f"- {escape_markdown(event.message)} · _{ago(event.at)}{escape_markdown(where)}_")
with right:
    st.markdown("#### Projects")
    for p in projects.list_projects(ws)[:8]:
        st.markdown(f"- **{escape_markdown(p.name)}** `{p.id}` · updated {ago(p.updated_at)}")
    with st.expander("Project settings", icon=":material/settings:"):
        new_name = st.text_input("Rename this project", value=project.name, key="home_rename")
        if st.button("Rename", key="home_rename_btn") and new_name != project.name:
            with errors.shown():
                projects.rename_project(ws, project.id, new_name)
                state.flash("Project renamed")
                st.rerun()
        layout.confirm("Archive this project", key="home_archive", scope="app",
                       question=f"Archive '{escape_markdown(project.name)}'? It disappears from lists; nothing is deleted.",
                       yes="Yes, archive it", no="Keep it", action=lambda: projects.archive_project(ws, project.id))
        archived = [p for p in projects.list_projects(ws, include_archived=True) if p.archived_at]
        if archived:
            labels = {p.id: p.name for p in archived}
            chosen = st.selectbox("Archived projects", list(labels), format_func=labels.get, key="home_archived")
            if st.button("Restore", key="home_restore"):
                with errors.shown():
                    projects.restore_project(ws, chosen)
                    state.flash(f"'{escape_markdown(labels[chosen])}' restored")
                    st.rerun()
