"""Jobs: everything the background worker has run or will run, with progress, logs, cancel and retry."""

from __future__ import annotations

import streamlit as st

from core import jobs, overview
from core.define import projects
from ui import errors, i18n, layout, state
from ui.fmt import ago, duration, escape_markdown, short_id, status_text
from ui.i18n import t
from ui.jobs import SELECTED, progress_panel, subject_text

ACTIVE = ("queued", "running")

ws = state.workspace()
layout.header(t("Jobs"), t("Long work runs in a background worker: leave this page or close the browser and it "
                           "goes on."))
project = state.active_project()

top = st.columns([3, 1, 1], vertical_alignment="bottom")
top[0].markdown(t("A worker starts by itself when a job is queued and stops after a few idle minutes; "
                  "to run one by hand, use `mlcycle worker` in a terminal."))
if top[1].button(t("Run a demo job"), key="jobs_demo", help=t("Queues a 6-second job to check the worker")):
    with errors.shown():
        job = jobs.enqueue(ws, "sleep", {"seconds": 6, "steps": 12}, title=t("Demo: sleep {n} s", n=6),
                           project_id=project.id if project else None)
        st.session_state[SELECTED] = job.id  # the details below show it (this run draws them: no rerun)
        st.toast(t("Queued {title}", title=escape_markdown(job.title)), icon="⏳")
status = top[2].selectbox(t("Status"), ["all", *jobs.JOB_STATES], key="jobs_status",
                          format_func=lambda s: t("All") if s == "all" else status_text(s))


def _rows(items: list) -> list[dict]:
    found = overview.subjects(ws, [j.subject for j in items if j.subject])
    names = {p.id: p.name for p in projects.list_projects(ws, include_archived=True)}
    rows = []
    for j in items:
        subject = found.get(j.subject) if j.subject else None
        rows.append({
            "status": status_text(j.status),
            "job": i18n.progress(j.title),
            "progress": j.progress or 0.0,
            "subject": subject_text(subject) if subject else "",
            "project": names.get(j.project_id, ""),
            "duration": duration(j.started_at, j.finished_at) if j.started_at else "",
            "queued": ago(j.created_at),
        })
    return rows


def job_table() -> None:
    """The job list, polled: every second while something is queued or running, else every few."""
    st.caption(t("Worker: running") if jobs.worker_alive(ws) else t("Worker: idle"))
    items = jobs.list_jobs(ws, status=None if status == "all" else status, limit=200)
    if not items:
        st.info(t("No jobs yet. Experiments and big profiles run here; press **Run a demo job** to try it."))
        return
    rows = _rows(items)
    empty = [name for name in ("subject", "project") if not any(row[name] for row in rows)]
    st.dataframe(
        rows, hide_index=True, width="stretch", key="jobs_table",
        column_order=[name for name in rows[0] if name not in empty],
        column_config={
            "status": st.column_config.TextColumn(t("Status")),
            "job": st.column_config.TextColumn(t("Job"), width="medium"),
            "progress": st.column_config.ProgressColumn(t("Progress"), min_value=0.0, max_value=1.0,
                                                        format="percent"),
            "subject": st.column_config.TextColumn(t("Works on"), width="medium"),
            "project": st.column_config.TextColumn(t("Project")),
            "duration": st.column_config.TextColumn(t("Duration")),
            "queued": st.column_config.TextColumn(t("Queued")),
        },
    )


busy = any(jobs.list_jobs(ws, status=s, limit=1) for s in ACTIVE)
st.fragment(run_every="1s" if busy else "3s")(job_table)()

st.markdown(f"#### {t('Details')}")
recent = jobs.list_jobs(ws, limit=50)
if recent:
    ids = [j.id for j in recent]
    wanted = st.session_state.pop(SELECTED, None)
    if wanted in ids:
        st.session_state["jobs_pick"] = wanted
    titles = {j.id: f"{i18n.progress(j.title)} · {short_id(j.id)} · {ago(j.created_at)}" for j in recent}
    selected = st.selectbox(t("Job"), ids, format_func=titles.get, key="jobs_pick")
    progress_panel(selected, key="jobs_detail", actions=True)
else:
    st.caption(t("Select a job here once one exists."))
