"""Job display shared by pages: a polled progress panel for one job."""

from __future__ import annotations

import streamlit as st

from core import jobs
from core.jobs.entities import Job
from ui import layout, state
from ui.fmt import STATUS_MATERIAL, duration, escape_markdown, status_text
from ui.i18n import t

SEEN_FINISHED = "jobs_seen_finished"
RERUN_AFTER = "jobs_rerun_after"  # ids of jobs whose end already reran the page once


def announce_if_finished(job: Job) -> None:
    """Toast once when a job the user watched finishes."""
    seen = st.session_state.setdefault(SEEN_FINISHED, set())
    if job.finished and job.id not in seen:
        seen.add(job.id)
        st.toast(f"{escape_markdown(job.title)}: {status_text(job.status)}", icon=STATUS_MATERIAL.get(job.status))


def progress_panel(job_id: str, *, key: str, show_log: bool = True, rerun_when_done: bool = False) -> None:
    """Draw a job's status, progress bar, log tail and a cancel button (polled every 2 s).

    Args:
        job_id: the job to follow.
        key: a unique widget key prefix.
        show_log: show the last lines of the job's log.
        rerun_when_done: rerun the whole page once when the job ends (done, failed or
            cancelled), so the page can show its result in place of this panel.
    """

    @st.fragment(run_every="2s")
    def _panel() -> None:
        ws = state.workspace()
        job = jobs.get_job(ws, job_id)
        icon = STATUS_MATERIAL.get(job.status, "")
        st.markdown(f"{icon} **{escape_markdown(job.title)}** · `{job.id}` · {status_text(job.status)} · "
                    f"{duration(job.started_at, job.finished_at)}")
        st.progress(job.progress or 0.0, text=escape_markdown(job.message) or status_text(job.status))
        if job.error:
            st.error(escape_markdown(job.error, keep_code=True))
        if show_log:
            lines = jobs.job_logs(ws, job.id, tail=8)
            if lines:
                st.code("\n".join(f"{line.at[11:19]}  {line.message}" for line in lines), language=None)
        if not job.finished:
            layout.confirm(t("Cancel job"), key=f"{key}_cancel_{job.id}",
                           question=t("Cancel this job? Finished work is kept."),
                           yes=t("Yes, cancel"), no=t("Keep running"), action=lambda: jobs.cancel_job(ws, job.id))
        announce_if_finished(job)
        if rerun_when_done and job.finished:
            reran = st.session_state.setdefault(RERUN_AFTER, set())
            if job.id not in reran:  # once: a page that still draws this panel does not loop
                reran.add(job.id)
                st.rerun()

    _panel()
