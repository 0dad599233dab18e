"""The sidebar: project switcher (with create-in-place) and the running-jobs indicator."""

from __future__ import annotations

import streamlit as st

from core import jobs
from core.define import projects
from ui import errors, state
from ui.fmt import STATUS_MATERIAL


def project_switcher() -> None:
    """Select the active project, or create one in place."""
    ws = state.workspace()
    active = state.active_project()
    available = projects.list_projects(ws)
    st.markdown("**Project**")
    if available:
        ids = [p.id for p in available]
        names = {p.id: p.name for p in available}
        chosen = st.selectbox(
            "Active project", ids, index=ids.index(active.id) if active else 0,
            format_func=lambda pid: names[pid], key="sb_project", label_visibility="collapsed",
        )
        if chosen != (active.id if active else None):
            state.set_active_project(chosen)
            st.rerun()
    else:
        st.caption("No project yet. Create one to begin.")
    with st.popover("New project", icon=":material/add:", width="stretch"):
        with st.form("sb_new_project", clear_on_submit=True, border=False):
            name = st.text_input("Name", key="sb_new_project_name", placeholder="e.g. Churn 2026")
            description = st.text_input("One-line description (optional)", key="sb_new_project_desc")
            submitted = st.form_submit_button("Create project", type="primary")
            if submitted:
                with errors.shown(stop=False):
                    project = projects.create_project(ws, name, description=description)
                    state.set_active_project(project.id)
                    state.flash(f"Project '{project.name}' created")
                    st.rerun()


@st.fragment(run_every="2s")
def job_indicator() -> None:
    """Show running and queued jobs with their progress; links to the Jobs page."""
    ws = state.workspace()
    active = jobs.list_jobs(ws, status="running", limit=5) + jobs.list_jobs(ws, status="queued", limit=5)
    if not active:
        st.page_link("app_pages/jobs.py", label="Jobs: none running", icon=":material/work_history:")
        return
    st.page_link("app_pages/jobs.py", label=f"Jobs: {len(active)} active", icon=":material/sync:")
    for job in active:
        icon = STATUS_MATERIAL.get(job.status, "")
        st.progress(job.progress or 0.0, text=f"{icon} {job.title[:32]} · {job.message[:40]}")


def render() -> None:
    """Draw the whole sidebar."""
    with st.sidebar:
        project_switcher()
        st.divider()
        job_indicator()
