"""Jobs: everything the background worker has run or will run, with progress, logs and cancel."""

from __future__ import annotations

import streamlit as st

from core import jobs
from ui import errors, layout, state
from ui.fmt import STATUS_ICONS, ago, duration, escape_markdown
from ui.jobs import progress_panel

ws = state.workspace()
layout.header("Jobs", "Long work runs in a background worker: leave this page or close the browser and it goes on.")

top = st.columns([3, 1, 1])
top[0].markdown("A worker starts by itself when a job is queued and stops after a few idle minutes; "
                "to run one by hand, use `mlcycle worker` in a terminal.")
if top[1].button("Run a demo job", key="jobs_demo", help="Queues a 6-second job to check the worker"):
    with errors.shown():
        job = jobs.enqueue(ws, "sleep", {"seconds": 6, "steps": 12}, title="Demo: sleep 6 s",
                           project_id=(state.active_project().id if state.active_project() else None))
        st.session_state["jobs_selected"] = job.id
        state.flash(f"Queued {escape_markdown(job.title)}", "⏳")
        st.rerun()
status = top[2].selectbox("Status", ["all", "queued", "running", "done", "failed", "cancelled", "interrupted"],
                          key="jobs_status")


@st.fragment(run_every="2s")
def job_table() -> None:
    jobs.reconcile(ws)
    st.caption(f"Worker: **{'running' if jobs.worker_alive(ws) else 'idle'}**")
    items = jobs.list_jobs(ws, status=None if status == "all" else status, limit=200)
    if not items:
        st.info("No jobs yet. Experiments and big profiles run here; press **Run a demo job** to try it.")
        return
    rows = [
        {
            "status": f"{STATUS_ICONS.get(j.status, '')} {j.status}",
            "job": j.title,
            "progress": j.progress or 0.0,
            "message": j.message,
            "duration": duration(j.started_at, j.finished_at) if j.started_at else "",
            "queued": ago(j.created_at),
            "id": j.id,
        }
        for j in items
    ]
    st.dataframe(
        rows, hide_index=True, width="stretch", key="jobs_table",
        column_config={
            "progress": st.column_config.ProgressColumn("progress", min_value=0.0, max_value=1.0, format="percent"),
            "id": st.column_config.TextColumn("id", width="small"),
        },
    )


job_table()

st.markdown("#### Details")
recent = jobs.list_jobs(ws, limit=50)
if recent:
    ids = [j.id for j in recent]
    titles = {j.id: f"{j.title} · {j.id} · queued {ago(j.created_at)}" for j in recent}
    default = st.session_state.get("jobs_selected")
    selected = st.selectbox("Job", ids, index=ids.index(default) if default in ids else 0,
                            format_func=lambda i: titles[i], key="jobs_pick")
    progress_panel(selected, key="jobs_detail")
else:
    st.caption("Select a job here once one exists.")
