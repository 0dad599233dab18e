"""The sidebar: project switcher (with create-in-place) and the running-jobs indicator."""

from __future__ import annotations

import streamlit as st

from core import jobs
from core.define import projects
from ui import errors, state
from ui.fmt import STATUS_MATERIAL, escape_markdown


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
                    state.flash(f"Project '{escape_markdown(project.name)}' created")
                    st.rerun()


@st.fragment(run_every="2s")
def job_indicator() -> None:
    """Show running and queued jobs with their progress; links to the Jobs page.

    Also starts a worker when a job has waited in the queue with none alive (cheap to call).
    """
    ws = state.workspace()
    jobs.ensure_worker_for_queue(ws)
    active = jobs.list_jobs(ws, status="running", limit=5) + jobs.list_jobs(ws, status="queued", limit=5)
    if not active:
        st.page_link("app_pages/jobs.py", label="Jobs: none running", icon=":material/work_history:")
        return
    st.page_link("app_pages/jobs.py", label=f"Jobs: {len(active)} active", icon=":material/sync:")
    for job in active:
        icon = STATUS_MATERIAL.get(job.status, "")
        st.progress(job.progress or 0.0,
                    text=f"{icon} {escape_markdown(job.title[:32])} · {escape_markdown(job.message[:40])}")


_LEGACY_KEY = "sb_legacy_models"


def legacy_models_notice() -> None:
    """Offer the one-time migration when the workspace holds models saved as pickles (checked once a session)."""
    from core.experiments import migrate

    ws = state.workspace()
    if _LEGACY_KEY not in st.session_state:
        st.session_state[_LEGACY_KEY] = migrate.legacy_model_ids(ws)
    ids = st.session_state[_LEGACY_KEY]
    if not ids:
        return
    with st.container(border=True):
        st.warning(f"{len(ids)} model{'s' if len(ids) > 1 else ''} in this workspace {'were' if len(ids) > 1 else 'was'} "
                   "saved in the old pickle format and cannot be opened until migrated.", icon=":material/history:")
        st.caption("Migrating rewrites them in the pickle-free format, keeping their ids, and checks that each "
                   "predicts its held-out rows exactly as before. Only migrate a workspace you trust: reading an "
                   "old model runs code from its file.")
        if st.button("Migrate old models", key="sb_migrate_models", icon=":material/upgrade:", width="stretch"):
            with st.status("Migrating old models…", expanded=True) as status:
                report = migrate.migrate_models(ws, on_progress=lambda p: status.update(label=p.message))
            st.session_state[_LEGACY_KEY] = migrate.legacy_model_ids(ws)
            done = sum(m.status == "migrated" for m in report.models)
            if report.n_failed:  # stays on screen: each failure says why, and the model is left as it was
                status.update(label=f"Migrated {done} of {len(report.models)} old models", state="error")
                for m in report.models:
                    if m.status == "failed":
                        st.error(f"{m.model_id} ({m.learner}): {escape_markdown(m.message)}")
                return
            state.flash(f"Migrated {done} old model{'s' if done != 1 else ''}: same predictions, no pickle")
            st.rerun()


def render() -> None:
    """Draw the whole sidebar."""
    with st.sidebar:
        project_switcher()
        legacy_models_notice()
        st.divider()
        job_indicator()
