"""Job display shared by pages: a polled progress panel for one job, and where a job's work lives."""

from __future__ import annotations

import streamlit as st

from core import jobs, overview
from core.jobs.entities import Job
from ui import errors, i18n, layout, state, url
from ui.fmt import STATUS_MATERIAL, duration, escape_markdown, id_suffix, status_text
from ui.i18n import t, tk

SEEN_UNFINISHED = "jobs_seen_unfinished"  # ids of jobs this session saw queued or running
RERUN_AFTER = "jobs_rerun_after"  # ids of jobs whose end already reran the page once
SELECTED = "jobs_selected"  # the job the Jobs page shows in detail (jobs have no URL parameter)


def announce_if_finished(job: Job) -> None:
    """Toast once when a job ends that this session saw queued or running.

    A job that had already ended when the user first looked at it (say, a search that finished
    while the browser was closed) is not announced: the page shows its outcome instead.
    """
    watching = st.session_state.setdefault(SEEN_UNFINISHED, set())
    if not job.finished:
        watching.add(job.id)
    elif job.id in watching:
        watching.discard(job.id)
        st.toast(f"{escape_markdown(i18n.progress(job.title))}: {status_text(job.status)}", icon=STATUS_MATERIAL.get(job.status))


def percent(fraction: float | None) -> str:
    """``40%`` for 0.4 (whole percents; ``0%`` when unknown)."""
    return f"{round((fraction or 0.0) * 100):d}%"


def progress_text(job: Job) -> str:
    """The line under a job's progress bar (Markdown): what it is doing, or how it ended.

    A job that did not succeed says so with the progress it reached (``cancelled at 40%``).
    """
    if job.status == "queued":
        if not jobs.worker_alive(state.workspace()):
            return t("Starting the worker…")
        return t("Waiting for the worker to pick it up")
    if job.status == "running":
        return escape_markdown(i18n.progress(job.message)) or status_text(job.status)
    if job.status == "done":
        return status_text(job.status)
    return t("{status} at {percent}", status=status_text(job.status), percent=percent(job.progress))


# what a job works on, as the Jobs page names it ("Dataset version: churn v2")
SUBJECT_KINDS = {"experiment": "Experiment", "dataset_version": "Dataset version", "model": "Model"}


def subject_text(subject: overview.Subject) -> str:
    """``Dataset version: churn v2`` (plain text; a model also names its experiment)."""
    name = f"{subject.name} · {subject.parent_name}" if subject.kind == "model" else subject.name
    return f"{tk(SUBJECT_KINDS[subject.kind])}: {name}" if subject.kind in SUBJECT_KINDS else name


def subject_link(job: Job, *, container: object = None) -> None:
    """A link to what the job works on (its experiment, model or dataset version), if it still exists."""
    ref = job.subject
    if ref is None:
        return
    found = overview.subjects(state.workspace(), [ref]).get(ref)
    if found is None:
        return
    link_to(found, label=f"{escape_markdown(subject_text(found))} {id_suffix(found.id)}",
            project=job.project_id or found.project_id, container=container)


# where each kind of object is shown, and the sentence a link to it reads
SUBJECT_PAGES = {
    "project": "app_pages/home.py",
    "hypothesis": "app_pages/problem.py",
    "dataset": "app_pages/datasets.py",
    "dataset_version": "app_pages/datasets.py",
    "experiment": "app_pages/experiments.py",
    "model": "app_pages/experiments.py",
    "label_task": "app_pages/label.py",
    "feature_set": "app_pages/features.py",
    "monitor_batch": "app_pages/monitor.py",
    "job": "app_pages/jobs.py",
}
SUBJECT_ICONS = {
    "project": ":material/folder:", "hypothesis": ":material/lightbulb:", "dataset": ":material/database:",
    "dataset_version": ":material/database:", "experiment": ":material/science:", "model": ":material/model_training:",
    "job": ":material/work_history:", "label_task": ":material/label:",
    "feature_set": ":material/filter_alt:", "monitor_batch": ":material/monitor_heart:",
}


def subject_params(subject: overview.Subject, *, project: str | None = None) -> dict[str, str | None]:
    """The URL parameters of a link to ``subject``'s page (``project`` switches to that project)."""
    params: dict[str, str | None] = {"project": project}
    if subject.kind in ("dataset", "dataset_version"):
        params.update(dataset=subject.dataset_id, version=subject.version_id)
    elif subject.kind in ("experiment", "model"):
        params.update(experiment=subject.experiment_id, model=subject.model_id)
    elif subject.kind == "label_task":
        params["task"] = subject.id
    elif subject.kind == "monitor_batch":
        params.update(model=subject.model_id, batch=subject.id)
    elif subject.kind == "feature_set":
        params.update(dataset=subject.dataset_id, version=subject.version_id)
    elif subject.kind == "project":
        params["project"] = subject.id
    return {k: v for k, v in params.items() if v}


def link_to(subject: overview.Subject, *, label: str | None = None, project: str | None = None,
            container: object = None) -> None:
    """A page link to ``subject`` on its page (Markdown ``label``; default: its name, escaped, and short id)."""
    text = label or f"{escape_markdown(subject.name)} {id_suffix(subject.id)}"
    url.link(SUBJECT_PAGES[subject.kind], text, icon=SUBJECT_ICONS.get(subject.kind), container=container,
             **subject_params(subject, project=project))


def progress_panel(job_id: str, *, key: str, show_log: bool = True, rerun_when_done: bool = False,
                   actions: bool = False) -> None:
    """Draw a job's status, progress bar, log tail and a cancel button (polled every second until
    it ends; a job that had ended when the page was drawn is drawn once).

    Args:
        job_id: the job to follow.
        key: a unique widget key prefix.
        show_log: show the last lines of the job's log.
        rerun_when_done: rerun the whole page once when the job ends (done, failed or
            cancelled), so the page can show its result in place of this panel.
        actions: also offer what the Jobs page offers: a link to what the job works on, the
            whole log as a download, and, once it failed or was cancelled or interrupted, a retry.
    """

    def _panel() -> None:
        ws = state.workspace()
        job = jobs.get_job(ws, job_id)
        icon = STATUS_MATERIAL.get(job.status, "")
        st.markdown(f"{icon} **{escape_markdown(i18n.progress(job.title))}** {id_suffix(job.id)} · {status_text(job.status)} · "
                    f"{duration(job.started_at, job.finished_at)}")
        st.progress(job.progress or 0.0, text=progress_text(job))
        if job.error:
            st.error(escape_markdown(job.error, keep_code=True))
        if actions:
            _actions(job, key=key)
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

    ended = jobs.get_job(state.workspace(), job_id).finished
    st.fragment(run_every=None if ended else "1s")(_panel)()


def _actions(job: Job, *, key: str) -> None:
    """Link to the job's object, download its log, retry it (see :func:`progress_panel`)."""
    ws = state.workspace()
    where, log, again = st.columns([3, 1, 1], vertical_alignment="center")
    subject_link(job, container=where)
    log.download_button(t("Download the log"), jobs.log_text(ws, job), file_name=f"{job.id}.log",
                        mime="text/plain", key=f"{key}_log_{job.id}", icon=":material/download:",
                        on_click="ignore", width="stretch")
    if not job.finished:
        return
    refusal = jobs.retry_refusal(job)
    if refusal is None:
        if again.button(t("Retry"), key=f"{key}_retry_{job.id}", icon=":material/replay:", width="stretch",
                        help=t("Queue this job again with the same settings; this one stays as it ended.")):
            with errors.shown(stop=False):
                new = jobs.retry_job(ws, job.id)
                st.session_state[SELECTED] = new.id
                state.flash(t("Queued {title} again", title=escape_markdown(new.title)), "⏳")
                st.rerun()
    elif job.status in jobs.RETRYABLE_STATES and job.kind == "automl":
        st.caption(t("A search cannot be run again as it was: start a new experiment with the same settings, "
                     "or refit its best finished trial, on the Experiments page."))
