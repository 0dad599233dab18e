"""A durable job queue in SQLite and the worker process that runs it.

Pages and the CLI :func:`enqueue` a job and return at once. One worker process per
workspace (guarded by an exclusive lock on ``worker.lock``) claims queued jobs in
order, runs them, heartbeats, and records progress, logs and the result in the
store. Cancel is a flag the job honours at its next checkpoint. A worker that starts
and finds jobs still ``running`` knows their worker died and marks them
``interrupted``; whatever they saved stays saved.

Job kinds map a name to ``"module:function"`` so that importing this module stays
cheap; the function receives a :class:`JobContext` and returns a JSON-able result.
"""

from __future__ import annotations

import fcntl
import importlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from core.activity import record_event
from core.entities import JOB_STATES, Job, JobLogLine
from core.errors import Conflict, InvalidInput, MLCycleError, NotFound
from core.ids import new_id, utcnow
from core.progress import Progress, ProgressFn
from core.workspace import REPO_ROOT, Workspace

log = logging.getLogger("mlcycle.jobs")

HEARTBEAT_SECONDS = 2.0
PROGRESS_MIN_INTERVAL = 0.25


@dataclass(frozen=True)
class JobKind:
    """How to run (and how to clean up after an interruption of) one kind of job."""

    run: str
    on_interrupt: str | None = None


KINDS: dict[str, JobKind] = {
    "sleep": JobKind("core.jobs:run_sleep_job"),
    "echo": JobKind("core.jobs:run_echo_job"),
    "profile": JobKind("core.profiling:run_profile_job"),
    "automl": JobKind("core.experiments:run_automl_job", on_interrupt="core.experiments:on_automl_job_ended"),
}


def register_kind(kind: str, run: str, *, on_interrupt: str | None = None) -> None:
    """Register a job kind by dotted path (``"core.profiling:run_profile_job"``)."""
    KINDS[kind] = JobKind(run, on_interrupt)


def _load(path: str) -> Callable[..., Any]:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


class JobCancelled(Exception):
    """Raised inside a job when the user asked to cancel it."""


class JobContext:
    """What a running job sees: its payload, and ways to report progress and to notice cancel.

    Example:
        >>> def run_sleep_job(ctx: JobContext) -> dict:
        ...     for i in range(10):
        ...         ctx.check_cancelled()
        ...         ctx.progress((i + 1) / 10, f"step {i + 1} of 10")
        ...     return {"ok": True}
    """

    def __init__(self, ws: Workspace, job: Job) -> None:
        self.ws = ws
        self.job = job
        self.payload: dict[str, Any] = dict(job.payload)
        self._last_progress = 0.0

    def progress(self, fraction: float | None, message: str, *, force: bool = False) -> None:
        """Record progress (throttled to a few writes a second unless ``force``)."""
        now = time.monotonic()
        if not force and now - self._last_progress < PROGRESS_MIN_INTERVAL and fraction != 1.0:
            return
        self._last_progress = now
        if fraction is not None:
            fraction = min(1.0, max(0.0, float(fraction)))
        with self.ws.write() as db:
            db["jobs"].update(self.job.id, {"progress": fraction, "message": message[:500]})

    def on_progress(self, report: Progress) -> None:
        """A :data:`ProgressFn` that records each report as the job's progress."""
        self.progress(report.fraction, report.message)

    @property
    def progress_fn(self) -> ProgressFn:
        """This context as a progress callback for core services."""
        return self.on_progress

    def log(self, message: str) -> None:
        """Append a line to the job's log."""
        with self.ws.write() as db:
            db["job_logs"].insert({"job_id": self.job.id, "at": utcnow(), "message": message})

    def cancelled(self) -> bool:
        """Return whether the user asked to cancel this job."""
        with self.ws.read() as db:
            row = db.execute("SELECT cancel_requested FROM jobs WHERE id = ?", [self.job.id]).fetchone()
        return bool(row and row[0])

    def check_cancelled(self) -> None:
        """Raise :class:`JobCancelled` if the user asked to cancel this job."""
        if self.cancelled():
            raise JobCancelled()


# ---------------------------------------------------------------- queue

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
        _call_hook(ws, job, "cancelled")
    return get_job(ws, job_id)


def wait_for(ws: Workspace, job_id: str, *, timeout: float | None = None, poll: float = 0.5) -> Job:
    """Block until the job ends (or ``timeout`` seconds pass) and return it.

    Raises:
        NotFound: if there is no such job.
        Conflict: if ``timeout`` passed before the job ended.
    """
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


# ---------------------------------------------------------------- worker lifecycle

def _lock_path(ws: Workspace) -> Path:
    return ws.root / "worker.lock"


@contextmanager
def _try_lock(ws: Workspace) -> Iterator[int | None]:
    """Yield an fd holding the worker lock, or ``None`` when another process holds it."""
    fd = os.open(_lock_path(ws), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield None
            return
        yield fd
    finally:
        os.close(fd)


def worker_alive(ws: Workspace) -> bool:
    """Return whether a worker process holds this workspace's lock."""
    with _try_lock(ws) as fd:
        return fd is None


def _interrupt_orphans(ws: Workspace) -> list[Job]:
    """Mark ``running`` jobs interrupted. Call only while holding the worker lock."""
    with ws.read() as db:  # the usual case, polled by pages: nothing to do, so no write lock
        if db.execute("SELECT 1 FROM jobs WHERE status = 'running' LIMIT 1").fetchone() is None:
            return []
    with ws.write() as db:
        rows = db.execute("SELECT * FROM jobs WHERE status = 'running'").fetchall()
        for row in rows:
            db["jobs"].update(row["id"], {
                "status": "interrupted", "finished_at": utcnow(),
                "error": f"The worker (pid {row['pid']}) stopped while this job ran. "
                         "What it had saved is kept; run it again to finish.",
                "message": "Interrupted: the worker stopped",
            })
            record_event(db, object_kind="job", object_id=row["id"], verb="interrupted",
                         message=f"Job '{row['title']}' interrupted (its worker stopped)",
                         project_id=row["project_id"])
    jobs = [Job.from_row(r) for r in rows]
    for job in jobs:
        _call_hook(ws, job, "interrupted")
    return jobs


def _call_hook(ws: Workspace, job: Job, status: str) -> None:
    kind = KINDS.get(job.kind)
    if kind and kind.on_interrupt:
        try:
            _load(kind.on_interrupt)(ws, job, status)
        except Exception:  # noqa: BLE001 - a failing hook must not stop the worker
            log.exception("on_interrupt hook of %s failed for %s", job.kind, job.id)


def reconcile(ws: Workspace) -> list[Job]:
    """When no worker is alive, mark its ``running`` jobs interrupted; return those jobs."""
    with _try_lock(ws) as fd:
        if fd is None:
            return []
        return _interrupt_orphans(ws)


def ensure_worker(ws: Workspace, *, idle_exit: float = 300.0) -> bool:
    """Start a background worker for this workspace unless one is alive.

    Returns:
        ``True`` if a worker process was started.
    """
    if worker_alive(ws) or _spawn_pending(ws):
        return False
    reconcile(ws)
    with ws.read() as db:
        queued = db.execute("SELECT COUNT(*) FROM jobs WHERE status = 'queued'").fetchone()[0]
    if not queued:
        return False
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH", "")]))
    with open(ws.logs_dir / "worker.log", "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "core.cli", "--workspace", str(ws.root), "worker",
             "--idle-exit", str(idle_exit)],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            cwd=str(REPO_ROOT), env=env, start_new_session=True,
        )
    (ws.root / "worker.spawn").write_text(f"{proc.pid} {time.time()}")
    return True


def _spawn_pending(ws: Workspace, grace: float = 30.0) -> bool:
    """Whether a worker we started moments ago is still booting (and not yet holding the lock)."""
    try:
        pid_text, started = (ws.root / "worker.spawn").read_text().split()
        pid, started_at = int(pid_text), float(started)
    except (OSError, ValueError):
        return False
    if time.time() - started_at > grace:
        return False
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _claim(ws: Workspace) -> Job | None:
    with ws.write() as db:
        row = db.execute(
            "SELECT id FROM jobs WHERE status = 'queued' ORDER BY created_at LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        now = utcnow()
        db["jobs"].update(row["id"], {"status": "running", "pid": os.getpid(), "started_at": now,
                                      "heartbeat_at": now, "message": "Starting"})
    return get_job(ws, row["id"])


def _finish(ws: Workspace, job: Job, status: str, *, result: Any = None, error: str | None = None,
            message: str = "") -> None:
    values: dict[str, Any] = {"status": status, "finished_at": utcnow(), "message": message}
    if status == "done":
        values["progress"] = 1.0
    if result is not None:
        values["result"] = json.dumps(result, default=str)
    if error:
        values["error"] = error
    with ws.write() as db:
        db["jobs"].update(job.id, values)
        record_event(db, object_kind="job", object_id=job.id, verb=status,
                     message=f"Job '{job.title}' {status}", project_id=job.project_id)


def _heartbeat(ws: Workspace, job_id: str, stop: threading.Event) -> None:
    while not stop.wait(HEARTBEAT_SECONDS):
        try:
            with ws.write() as db:
                db["jobs"].update(job_id, {"heartbeat_at": utcnow()})
        except Exception:  # noqa: BLE001 - a missed heartbeat is not fatal
            log.exception("heartbeat failed for %s", job_id)


def run_job(ws: Workspace, job: Job) -> Job:
    """Run one claimed job to its end, recording the outcome. Used by the worker loop."""
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(ws, job.id, stop), daemon=True)
    beat.start()
    ctx = JobContext(ws, job)
    try:
        fn = _load(KINDS[job.kind].run)
        result = fn(ctx)
    except JobCancelled:
        _finish(ws, job, "cancelled", message="Cancelled by the user")
        _call_hook(ws, job, "cancelled")
    except MLCycleError as exc:
        _finish(ws, job, "failed", error=str(exc), message="Failed")
    except (KeyboardInterrupt, SystemExit):
        _finish(ws, job, "interrupted", error="The worker was stopped while this job ran.",
                message="Interrupted")
        _call_hook(ws, job, "interrupted")
        raise
    except Exception as exc:  # noqa: BLE001 - recorded, then the worker goes on
        log.exception("job %s failed", job.id)
        _finish(ws, job, "failed", error=f"{type(exc).__name__}: {exc}", message="Failed")
    else:
        _finish(ws, job, "done", result=result, message="Done")
    finally:
        stop.set()
        beat.join(timeout=5)
    return get_job(ws, job.id)


def run_worker(ws: Workspace, *, idle_exit: float | None = None, poll: float = 0.5,
               max_jobs: int | None = None) -> int:
    """Run the worker loop in this process until idle for ``idle_exit`` seconds.

    Args:
        ws: the workspace.
        idle_exit: stop after this many seconds without work (``None``: run until killed).
        poll: seconds between looks at the queue.
        max_jobs: stop after running this many jobs.

    Returns:
        How many jobs ran.

    Raises:
        Conflict: if another worker already serves this workspace.
    """
    with _try_lock(ws) as fd:
        if fd is None:
            raise Conflict(f"A worker is already running for {ws.root}.",
                           hint="Only one worker serves a workspace; stop the other one first.")
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        previous = signal.getsignal(signal.SIGTERM)
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        try:
            for job in _interrupt_orphans(ws):
                log.warning("job %s was interrupted by a previous worker's death", job.id)
            ran, idle_since = 0, time.monotonic()
            while max_jobs is None or ran < max_jobs:
                job = _claim(ws)
                if job is None:
                    if idle_exit is not None and time.monotonic() - idle_since > idle_exit:
                        break
                    time.sleep(poll)
                    continue
                log.info("running job %s (%s)", job.id, job.kind)
                run_job(ws, job)
                ran += 1
                idle_since = time.monotonic()
            return ran
        finally:
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGTERM, previous)


# ---------------------------------------------------------------- built-in kinds

def run_sleep_job(ctx: JobContext) -> dict[str, Any]:
    """A demo job: sleep ``seconds`` in ``steps`` steps, reporting progress and honouring cancel."""
    seconds = float(ctx.payload.get("seconds", 5))
    steps = max(1, int(ctx.payload.get("steps", 10)))
    if seconds < 0:
        raise InvalidInput("A sleep job needs a non-negative number of seconds.")
    for step in range(steps):
        ctx.check_cancelled()
        time.sleep(seconds / steps)
        ctx.progress((step + 1) / steps, f"Step {step + 1} of {steps}", force=True)
        ctx.log(f"finished step {step + 1} of {steps}")
    return {"slept": seconds, "steps": steps}


def run_echo_job(ctx: JobContext) -> dict[str, Any]:
    """A demo job: return its payload (``fail: true`` makes it fail with a clear message)."""
    if ctx.payload.get("fail"):
        raise InvalidInput("This echo job was asked to fail.", hint="Queue it without 'fail'.")
    ctx.log(f"echo {json.dumps(ctx.payload)}")
    return ctx.payload
