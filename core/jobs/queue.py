"""The durable job queue: enqueue, read, cancel and wait, all through the store."""

from __future__ import annotations

import json
import time
from typing import Any

from core.errors import Conflict, InvalidInput, NotFound
from core.ids import new_id, utcnow
from core.jobs.entities import JOB_STATES, Job, JobLogLine
from core.jobs.kinds import KINDS, call_hook
from core.store.activity import record_event
from core.workspace import Workspace


def enqueue(
    ws: Workspace,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    title: str = "",
    project_id: str | None = None,
    start_worker: bool = True,
) -> Job:
    """Queue a job and (by default) make sure a worker is alive to run it.

    Args:
        ws: the workspace.
        kind: a registered job kind (see ``KINDS``).
        payload: JSON-able arguments for the job.
        title: what the job list shows.
        project_id: the project the job belongs to.
        start_worker: start a worker process if none is alive.

    Returns:
        The queued job.

    Raises:
        InvalidInput: if the kind is unknown or the payload is not JSON-able.
    """
    if kind not in KINDS:
        raise InvalidInput(f"Unknown job kind '{kind}'.", hint=f"Use one of: {', '.join(sorted(KINDS))}.")
    try:
        payload_json = json.dumps(payload or {})
    except TypeError as exc:
        raise InvalidInput(f"The payload of a '{kind}' job is not JSON: {exc}.") from exc
    job_id = new_id("job")
    with ws.write() as db:
        db["jobs"].insert(
            {
                "id": job_id, "kind": kind, "title": title or kind, "payload": payload_json,
                "project_id": project_id, "status": "queued", "progress": 0.0,
                "message": "Waiting for the worker", "cancel_requested": 0, "created_at": utcnow(),
            }
        )
        record_event(db, object_kind="job", object_id=job_id, verb="queued",
                     message=f"Job '{title or kind}' queued", project_id=project_id)
    if start_worker:
        from core.jobs.worker import ensure_worker

        ensure_worker(ws)
    return get_job(ws, job_id)


def get_job(ws: Workspace, job_id: str) -> Job:
    """Return the job with this id.

    Raises:
        NotFound: if there is no such job.
    """
    with ws.read() as db:
        row = db.execute("SELECT * FROM jobs WHERE id = ?", [job_id]).fetchone()
    if row is None:
        raise NotFound(f"There is no job with id '{job_id}'.", hint="List jobs with `mlcycle jobs list`.")
    return Job.from_row(row)


def list_jobs(
    ws: Workspace, *, status: str | None = None, project_id: str | None = None,
    kind: str | None = None, limit: int = 200,
) -> list[Job]:
    """Return jobs, newest first, optionally filtered.

    Raises:
        InvalidInput: if ``status`` is not a job state.
    """
    where, params = [], []
    if status:
        if status not in JOB_STATES:
            raise InvalidInput(f"'{status}' is not a job status.", hint=f"Use one of: {', '.join(JOB_STATES)}.")
        where.append("status = ?")
        params.append(status)
    if project_id:
        where.append("project_id = ?")
        params.append(project_id)
    if kind:
        where.append("kind = ?")
        params.append(kind)
    sql = "SELECT * FROM jobs" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY created_at DESC LIMIT ?"
    with ws.read() as db:
        return [Job.from_row(r) for r in db.execute(sql, [*params, limit]).fetchall()]


def job_logs(ws: Workspace, job_id: str, *, tail: int = 50) -> list[JobLogLine]:
    """Return the last ``tail`` log lines of a job, oldest first."""
    with ws.read() as db:
        rows = db.execute(
            "SELECT * FROM job_logs WHERE job_id = ? ORDER BY seq DESC LIMIT ?", [job_id, tail]
        ).fetchall()
    return [JobLogLine.from_row(r) for r in reversed(rows)]


def cancel_job(ws: Workspace, job_id: str) -> Job:
    """Cancel a job: a queued one at once, a running one at its next checkpoint.

    Raises:
        NotFound: if there is no such job.
        Conflict: if the job has already finished.
    """
    job = get_job(ws, job_id)
    if job.finished:
        raise Conflict(f"Job '{job.title}' ({job.id}) already ended as {job.status}; nothing to cancel.")
    with ws.write() as db:
        row = db.execute("SELECT status FROM jobs WHERE id = ?", [job_id]).fetchone()
        if row["status"] == "queued":
            db["jobs"].update(job_id, {"status": "cancelled", "cancel_requested": 1,
                                       "finished_at": utcnow(), "message": "Cancelled before it started"})
        elif row["status"] == "running":
            db["jobs"].update(job_id, {"cancel_requested": 1, "message": "Cancelling…"})
        record_event(db, object_kind="job", object_id=job_id, verb="cancelled",
                     message=f"Cancel requested for job '{job.title}'", project_id=job.project_id)
    if job.status == "queued":
        call_hook(ws, job, "cancelled")
    return get_job(ws, job_id)


def wait_for(ws: Workspace, job_id: str, *, timeout: float | None = None, poll: float = 0.5) -> Job:
    """Block until the job ends (or ``timeout`` seconds pass) and return it.

    Raises:
        NotFound: if there is no such job.
        Conflict: if ``timeout`` passed before the job ended.
    """
    from core.jobs.worker import ensure_worker, worker_alive

    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        job = get_job(ws, job_id)
        if job.finished:
            return job
        if job.status in ("queued", "running") and not worker_alive(ws):
            ensure_worker(ws)
        if deadline is not None and time.monotonic() > deadline:
            raise Conflict(f"Job {job_id} is still {job.status} after {timeout:.0f} s.",
                           hint="Check it with `mlcycle jobs list`.")
        time.sleep(poll)
