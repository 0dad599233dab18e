"""Job display shared by pages: a polled progress panel for one job."""

from __future__ import annotations

import streamlit as st

from core import jobs
from core.entities import Job
from ui import state
from ui.fmt import STATUS_MATERIAL, duration

SEEN_FINISHED = "jobs_seen_finished"


def announce_if_finished(job: Job) -> None:
    """Toast once when a job the user watched finishes."""
    seen = st.session_state.setdefault(SEEN_FINISHED, set())
    if job.finished and job.id not in seen:
        seen.add(job.id)
        st.toast(f"{job.title}: {job.status}", icon=STATUS_MATERIAL.get(job.status))


def progress_panel(job_id: str, *, key: str, show_log: bool = True) -> None:
    """Draw a job's status, progress bar, log tail and a cancel button (polled every 2 s)."""

    @st.fragment(run_every="2s")
    def _panel() -> None:
        ws = state.workspace()
        job = jobs.get_job(ws, job_id)
        icon = STATUS_MATERIAL.get(job.status, "")
        st.markdown(f"{icon} **{job.title}** · `{job.id}` · {job.status} · {duration(job.started_at, job.finished_at)}")
        st.progress(job.progress or 0.0, text=job.message or job.status)
        if job.error:
            st.error(job.error)
        if show_log:
            lines = jobs.job_logs(ws, job.id, tail=8)
            if lines:
                st.code("\n".join(f"{line.at[11:19]}  {line.message}" for line in lines), language=None)
        if not job.finished:
            if st.button("Cancel job", key=f"{key}_cancel_{job.id}"):
                st.session_state[f"{key}_confirm_{job.id}"] = True
            if st.session_state.get(f"{key}_confirm_{job.id}"):
                st.warning("Cancel this job? Finished work is kept.")
                yes, no = st.columns(2)
                if yes.button("Yes, cancel", key=f"{key}_yes_{job.id}", type="primary"):
                    jobs.cancel_job(ws, job.id)
                    st.session_state.pop(f"{key}_confirm_{job.id}", None)
                    st.rerun(scope="fragment")
                if no.button("Keep running", key=f"{key}_no_{job.id}"):
                    st.session_state.pop(f"{key}_confirm_{job.id}", None)
                    st.rerun(scope="fragment")
        announce_if_finished(job)

    _panel()
