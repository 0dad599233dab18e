"""The durable job queue: enqueue, read, cancel, retry and wait, all through the store.

Every read of a job (:func:`get_job`, :func:`list_jobs`, :func:`cancel_job`, :func:`wait_for`)
first reconciles: a ``running`` job whose worker is gone (see :mod:`core.jobs.liveness`) is
marked ``interrupted`` and its kind's ``on_interrupt`` hook runs, so nothing reads as running
after its worker was killed.
"""

from __future__ import annotations

import json
import time
from typing import Any

from core.errors import Conflict, InvalidInput, MLCycleError, NotFound
from core.ids import new_id, utcnow
from core.jobs.entities import JOB_STATES, Job, JobLogLine
from core.jobs.kinds import KINDS, call_hook
from core.jobs.liveness import orphan_reason, worker_pid
from core.store.activity import record_event
from core.workspace import Workspace

KEPT = "What it had saved is kept; run it again to finish."
RETRYABLE_STATES = ("failed", "interrupted", "cancelled")


class JobFailed(MLCycleError):
    """A job that was waited on ended without success (failed, cancelled or interrupted)."""


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


def _no_such_job(job_id: str) -> NotFound:
    return NotFound(f"There is no job with id '{job_id}'.", hint="List jobs with `mlcycle jobs list`.")


def _read_job(ws: Workspace, job_id: str) -> Job:
    with ws.read() as db:
        row = db.execute("SELECT * FROM jobs WHERE id = ?", [job_id]).fetchone()
    if row is None:
        raise _no_such_job(job_id)
    return Job.from_row(row)


def get_job(ws: Workspace, job_id: str) -> Job:
    """Return the job with this id (a ``running`` job whose worker is gone comes back ``interrupted``).

    Raises:
        NotFound: if there is no such job.
    """
    job = _read_job(ws, job_id)
    if job.status == "running" and reconcile(ws, job_ids=[job_id]):
        job = _read_job(ws, job_id)
    return job


def _interrupt_in(db: Any, job: Job, reason: str) -> bool:
    """Mark a still-running job interrupted inside the caller's transaction; return whether it was."""
    changed = db.execute(
        "UPDATE jobs SET status = 'interrupted', finished_at = ?, error = ?, message = ?"
        " WHERE id = ? AND status = 'running'",
        [utcnow(), f"{reason} {KEPT}", "Interrupted: the worker stopped", job.id],
    ).rowcount
    if changed:
        record_event(db, object_kind="job", object_id=job.id, verb="interrupted",
                     message=f"Job '{job.title}' interrupted (its worker stopped)", project_id=job.project_id)
    return bool(changed)


def interrupt_jobs(ws: Workspace, reasons: dict[str, str], *, recheck: bool = False) -> list[Job]:
    """Mark these running jobs interrupted (one transaction), then run their kinds' hooks.

    Args:
        ws: the workspace.
        reasons: job id -> the sentence that says why (it becomes the job's error).
        recheck: inside the transaction, skip a job whose worker turns out to be alive after
            all (its heartbeat landed since it was judged).

    Returns:
        The jobs that were still running and are now interrupted.
    """
    if not reasons:
        return []
    done: list[Job] = []
    with ws.write() as db:
        marks = ",".join("?" * len(reasons))
        worker = worker_pid(ws) if recheck else None
        for row in db.execute(f"SELECT * FROM jobs WHERE id IN ({marks})", list(reasons)).fetchall():
            job = Job.from_row(row)
            reason = orphan_reason(job, worker) if recheck else reasons[job.id]
            if reason and _interrupt_in(db, job, reason):
                done.append(job)
    for job in done:
        call_hook(ws, job, "interrupted")
    return [_read_job(ws, job.id) for job in done]


def reconcile(ws: Workspace, *, job_ids: list[str] | None = None) -> list[Job]:
    """Mark ``running`` jobs whose worker is gone as interrupted; return those jobs.

    Cheap when nothing is wrong: one indexed read and a look at the processes involved. Runs
    the kind's ``on_interrupt`` hook of each job it marks (an experiment becomes interrupted).

    Args:
        ws: the workspace.
        job_ids: only these jobs (default: every running job).
    """
    sql, params = "SELECT * FROM jobs WHERE status = 'running'", []
    if job_ids is not None:
        if not job_ids:
            return []
        sql += f" AND id IN ({','.join('?' * len(job_ids))})"
        params = list(job_ids)
    with ws.read() as db:
        running = [Job.from_row(r) for r in db.execute(sql, params).fetchall()]
    if not running:
        return []
    worker = worker_pid(ws)
    reasons = {job.id: reason for job in running if (reason := orphan_reason(job, worker))}
    # judged again inside the write: a heartbeat or the job's end may have landed meanwhile
    return interrupt_jobs(ws, reasons, recheck=True)


def list_jobs(
    ws: Workspace, *, status: str | None = None, project_id: str | None = None,
    kind: str | None = None, limit: int = 200,
) -> list[Job]:
    """Return jobs, newest first, optionally filtered (a dead worker's jobs read as interrupted).

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
    reconcile(ws)
    with ws.read() as db:
        return [Job.from_row(r) for r in db.execute(sql, [*params, limit]).fetchall()]


def job_logs(ws: Workspace, job_id: str, *, tail: int | None = 50) -> list[JobLogLine]:
    """Return the last ``tail`` log lines of a job (``None``: all of them), oldest first."""
    with ws.read() as db:
        rows = db.execute(
            "SELECT * FROM job_logs WHERE job_id = ? ORDER BY seq DESC LIMIT ?",
            [job_id, -1 if tail is None else tail],
        ).fetchall()
    return [JobLogLine.from_row(r) for r in reversed(rows)]


def log_text(ws: Workspace, job: Job) -> str:
    """The whole log of a job as a text file: a header naming the job, then one line per entry.

    Times are UTC; the error (if any) closes the file.
    """
    lines = [f"# {job.title} ({job.id}, {job.kind})", f"# status: {job.status}; queued {job.created_at}"
             + (f"; started {job.started_at}" if job.started_at else "")
             + (f"; ended {job.finished_at}" if job.finished_at else "")]
    lines += [f"{line.at}  {line.message}" for line in job_logs(ws, job.id, tail=None)]
    if job.error:
        lines.append(f"error: {job.error}")
    return "\n".join(lines) + "\n"


def retry_refusal(job: Job) -> Conflict | None:
    """Why ``job`` cannot be retried (the error :func:`retry_job` raises), or ``None`` when it can."""
    if job.status not in RETRYABLE_STATES:
        hint = ("Wait for it to end, or cancel it first." if not job.finished
                else "It succeeded; queue a new job if you want to run it again.")
        return Conflict(f"Job '{job.title}' ({job.id}) is {job.status}: only a failed, interrupted or "
                        "cancelled job can be retried.", hint=hint)
    kind = KINDS.get(job.kind)
    if kind is None:
        return Conflict(f"Job '{job.title}' ({job.id}) is of kind '{job.kind}', which this version of MLCycle "
                        "does not know.", hint=f"Known kinds: {', '.join(sorted(KINDS))}.")
    if kind.retry_instead:
        return Conflict(f"A '{job.kind}' job cannot be run again as it was ('{job.title}', {job.id}).",
                        hint=kind.retry_instead)
    return None


def retry_job(ws: Workspace, job_id: str, *, start_worker: bool = True) -> Job:
    """Queue a new job of the same kind, title, project and payload as a job that did not succeed.

    The old job stays as it ended (its log and error are kept); the new one starts from the
    beginning.

    Args:
        ws: the workspace.
        job_id: a failed, interrupted or cancelled job.
        start_worker: start a worker process if none is alive.

    Returns:
        The new, queued job.

    Raises:
        NotFound: if there is no such job.
        Conflict: if the job is queued, running or done, or its kind cannot be run again as it was
            (an AutoML search: the hint says what to do instead).
    """
    job = get_job(ws, job_id)
    refusal = retry_refusal(job)
    if refusal is not None:
        raise refusal
    return enqueue(ws, job.kind, job.payload, title=job.title, project_id=job.project_id, start_worker=start_worker)


def cancel_job(ws: Workspace, job_id: str) -> Job:
    """Cancel a job: a queued one at once, a running one at its next checkpoint.

    The status is read in the same transaction that acts on it, so a job the worker claims
    or finishes meanwhile is never cancelled on the strength of a stale read.

    Raises:
        NotFound: if there is no such job.
        Conflict: if the job has already finished (or its worker is gone: it is interrupted).
    """
    hook: str | None = None
    with ws.write() as db:
        row = db.execute("SELECT * FROM jobs WHERE id = ?", [job_id]).fetchone()
        if row is None:
            raise _no_such_job(job_id)
        job = Job.from_row(row)
        reason = orphan_reason(job, worker_pid(ws))
        if reason and _interrupt_in(db, job, reason):
            hook, ended = "interrupted", "interrupted"
        elif job.finished:
            ended = job.status
        elif job.status == "queued":
            db["jobs"].update(job_id, {"status": "cancelled", "cancel_requested": 1,
                                       "finished_at": utcnow(), "message": "Cancelled before it started"})
            hook, ended = "cancelled", None
            record_event(db, object_kind="job", object_id=job_id, verb="cancelled",
                         message=f"Job '{job.title}' cancelled before it started", project_id=job.project_id)
        else:  # the worker ends it at its next checkpoint (and records "cancelled" then)
            db["jobs"].update(job_id, {"cancel_requested": 1, "message": "Cancelling…"})
            ended = None
            record_event(db, object_kind="job", object_id=job_id, verb="cancel_requested",
                         message=f"Cancel requested for job '{job.title}'", project_id=job.project_id)
    if hook:
        call_hook(ws, job, hook)
    if ended is not None:
        raise Conflict(f"Job '{job.title}' ({job.id}) already ended as {ended}; nothing to cancel.")
    return _read_job(ws, job_id)


def wait_for(ws: Workspace, job_id: str, *, timeout: float | None = None, poll: float = 0.5,
             check: bool = False) -> Job:
    """Block until the job ends (or ``timeout`` seconds pass) and return it.

    Starts a worker whenever the job waits and none is alive.

    Args:
        ws: the workspace.
        job_id: the job.
        timeout: give up after this many seconds (``None``: wait as long as it takes).
        poll: seconds between looks.
        check: raise :class:`JobFailed` unless the job ended ``done``.

    Raises:
        NotFound: if there is no such job.
        Conflict: if ``timeout`` passed before the job ended.
        JobFailed: with ``check``, if it failed, was cancelled or was interrupted.
    """
    from core.jobs.liveness import worker_alive
    from core.jobs.worker import ensure_worker

    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        job = get_job(ws, job_id)
        if job.finished:
            if check and job.status != "done":
                raise JobFailed(f"Job '{job.title}' ({job.id}) {job.status}" + (f": {job.error}" if job.error else "."),
                                hint=f"See `mlcycle jobs show {job.id}`; the worker's log is "
                                     f"{ws.logs_dir / 'worker.log'}.")
            return job
        if not worker_alive(ws):
            ensure_worker(ws)
        if deadline is not None and time.monotonic() > deadline:
            raise Conflict(f"Job {job_id} is still {job.status} after {timeout:.0f} s.",
                           hint="Check it with `mlcycle jobs list`.")
        time.sleep(poll)
