"""The worker process: one per workspace, guarded by an exclusive lock on ``worker.lock``.

It claims queued jobs in order, runs them, heartbeats, and records progress, logs and the
result in the store. A worker that starts and finds jobs still ``running`` knows their
worker died and marks them ``interrupted``; whatever they saved stays saved.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil

from core.errors import Conflict, MLCycleError
from core.ids import utcnow
from core.jobs.entities import Job
from core.jobs.kinds import KINDS, JobCancelled, JobContext, call_hook, load_function
from core.jobs.queue import get_job
from core.store.activity import record_event
from core.workspace import REPO_ROOT, Workspace

log = logging.getLogger("mlcycle.jobs")

HEARTBEAT_SECONDS = 2.0


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
        call_hook(ws, job, "interrupted")
    return jobs


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
        fn = load_function(KINDS[job.kind].run)
        result = fn(ctx)
    except JobCancelled:
        _finish(ws, job, "cancelled", message="Cancelled by the user")
        call_hook(ws, job, "cancelled")
    except MLCycleError as exc:
        _finish(ws, job, "failed", error=str(exc), message="Failed")
    except (KeyboardInterrupt, SystemExit):
        _finish(ws, job, "interrupted", error="The worker was stopped while this job ran.",
                message="Interrupted")
        call_hook(ws, job, "interrupted")
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
