"""The worker process: one per workspace, guarded by an exclusive lock on ``worker.lock``.

It claims queued jobs in order, runs them, heartbeats, and records progress, logs and the
result in the store. A worker that starts and finds jobs still ``running`` knows their
worker died and marks them ``interrupted``; whatever they saved stays saved. When idle it
looks at the queue every :data:`IDLE_POLL` seconds (a cheap read; the write lock is taken
only to claim a job that is there), so a queued job starts at once, and it collects the
workspace's garbage (at most once an hour, see :mod:`core.store.gc`).

A job reads 100% only when it is done: one that fails, is cancelled or is interrupted keeps
the progress it had reached.

Whether a worker is alive is probed without the lock (:mod:`core.jobs.liveness`): the
worker writes its pid into ``worker.lock`` and empties it before it stops.
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
from datetime import UTC, datetime
from typing import Any

import psutil

from core.errors import Conflict, MLCycleError
from core.ids import utcnow
from core.jobs.entities import Job
from core.jobs.kinds import KINDS, JobCancelled, JobContext, call_hook, load_function
from core.jobs.liveness import HEARTBEAT_SECONDS, lock_path, register_worker, unregister_worker, worker_alive
from core.jobs.queue import get_job, interrupt_jobs, reconcile
from core.store.activity import record_event
from core.workspace import REPO_ROOT, Workspace

log = logging.getLogger("mlcycle.jobs")

__all__ = ["HEARTBEAT_SECONDS", "IDLE_POLL", "QUEUE_RESCUE_AFTER", "ensure_worker", "ensure_worker_for_queue", "reconcile",
           "run_job", "run_worker", "worker_alive"]

QUEUE_RESCUE_AFTER = 30.0
SPAWNED_LOCK_WAIT = 10.0
IDLE_POLL = 0.2  # seconds between an idle worker's looks at the queue


@contextmanager
def _try_lock(ws: Workspace, wait: float = 0.0) -> Iterator[int | None]:
    """Yield an fd holding the worker lock, or ``None`` when another process holds it (after ``wait`` s)."""
    fd = os.open(lock_path(ws), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield None
                    return
                time.sleep(0.1)
        yield fd
    finally:
        os.close(fd)


def _interrupt_orphans(ws: Workspace) -> list[Job]:
    """Mark ``running`` jobs interrupted. Call only while holding the worker lock."""
    with ws.read() as db:  # the usual case: nothing to do, so no write lock
        rows = db.execute("SELECT id, pid FROM jobs WHERE status = 'running'").fetchall()
    return interrupt_jobs(ws, {r["id"]: f"The worker (pid {r['pid']}) stopped while this job ran." for r in rows})


def _has_queued(ws: Workspace, *, before: str | None = None) -> bool:
    sql, params = "SELECT 1 FROM jobs WHERE status = 'queued'", []
    if before:
        sql += " AND created_at <= ?"
        params.append(before)
    with ws.read() as db:
        return db.execute(sql + " LIMIT 1", params).fetchone() is not None


def ensure_worker(ws: Workspace, *, idle_exit: float = 300.0) -> bool:
    """Start a background worker for this workspace if a job is queued and no worker is alive.

    Returns:
        ``True`` if a worker process was started.
    """
    if not _has_queued(ws) or worker_alive(ws) or _spawn_pending(ws):
        return False
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH", "")]))
    with open(ws.logs_dir / "worker.log", "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "core.cli", "--workspace", str(ws.root), "worker",
             "--idle-exit", str(idle_exit), "--lock-wait", str(SPAWNED_LOCK_WAIT)],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            cwd=str(REPO_ROOT), env=env, start_new_session=True,
        )
    (ws.root / "worker.spawn").write_text(f"{proc.pid} {time.time()}")
    return True


def ensure_worker_for_queue(ws: Workspace, *, waited: float = QUEUE_RESCUE_AFTER) -> bool:
    """Start a worker when a job has waited ``waited`` seconds in the queue and no worker is alive.

    Cheap enough to call on every redraw (one indexed read; the worker probe takes no lock).
    :func:`core.jobs.queue.enqueue` starts a worker itself; this rescues a job queued while the
    worker was stopping or after it died. It starts at most one worker per ``waited`` seconds,
    so a worker that cannot start is not restarted on every redraw.

    Returns:
        ``True`` if a worker process was started.
    """
    now = time.time()
    cutoff = datetime.fromtimestamp(now - waited, UTC).isoformat(timespec="microseconds")
    if not _has_queued(ws, before=cutoff):
        return False
    try:
        if now - float((ws.root / "worker.spawn").read_text().split()[1]) < waited:
            return False  # started one moments ago: see worker.log if it did not stay up
    except (OSError, ValueError, IndexError):
        pass
    return ensure_worker(ws)


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
            message: str = "", reached: float | None = None) -> None:
    """Record a job's end. ``reached``: the progress a job that did not succeed had reached."""
    values: dict[str, Any] = {"status": status, "finished_at": utcnow(), "message": message}
    if status == "done":
        values["progress"] = 1.0
    elif reached is not None:
        values["progress"] = min(reached, 1.0)
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
    """Run one claimed job to its end, recording the outcome. Used by the worker loop.

    The job's reads and writes in this thread share one held connection (``ws.holding()``):
    a search stores a trial every few milliseconds. The heartbeat thread keeps its own.
    """
    with ws.holding():
        return _run_job(ws, job)


def _run_job(ws: Workspace, job: Job) -> Job:
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(ws, job.id, stop), daemon=True)
    beat.start()
    ctx = JobContext(ws, job)
    try:
        fn = load_function(KINDS[job.kind].run)
        result = fn(ctx)
    except JobCancelled:
        _finish(ws, job, "cancelled", message="Cancelled by the user", reached=ctx.reached)
        call_hook(ws, job, "cancelled")
    except MLCycleError as exc:
        _finish(ws, job, "failed", error=str(exc), message="Failed", reached=ctx.reached)
    except (KeyboardInterrupt, SystemExit):
        _finish(ws, job, "interrupted", error="The worker was stopped while this job ran.",
                message="Interrupted", reached=ctx.reached)
        call_hook(ws, job, "interrupted")
        raise
    except Exception as exc:  # noqa: BLE001 - recorded, then the worker goes on
        log.exception("job %s failed", job.id)
        _finish(ws, job, "failed", error=f"{type(exc).__name__}: {exc}", message="Failed", reached=ctx.reached)
    else:
        _finish(ws, job, "done", result=result, message="Done")
    finally:
        stop.set()
        beat.join(timeout=5)
    return get_job(ws, job.id)


def _collect_garbage_if_due(ws: Workspace) -> None:
    """Run the workspace's garbage collection if it has not run for an hour; never raise."""
    from core.store import gc

    try:
        report = gc.collect_if_due(ws)
    except Exception:  # noqa: BLE001 - housekeeping must not stop the worker
        log.exception("garbage collection failed")
        return
    if report is not None and report.removed:
        log.info("garbage collection: %s", report.summary())


def run_worker(ws: Workspace, *, idle_exit: float | None = None, poll: float = IDLE_POLL,
               max_jobs: int | None = None, lock_wait: float = 0.0) -> int:
    """Run the worker loop in this process until idle for ``idle_exit`` seconds.

    Before stopping for idleness it first tells probes it is gone, then looks at the queue
    once more, so a job queued while a probe still saw it alive is never left behind.

    Args:
        ws: the workspace.
        idle_exit: stop after this many seconds without work (``None``: run until killed).
        poll: seconds between looks at the queue while idle (each look is one read; the write
            lock is taken only to claim a job that is there).
        max_jobs: stop after running this many jobs.
        lock_wait: wait up to this long for a stopping worker to release the workspace.

    Returns:
        How many jobs ran.

    Raises:
        Conflict: if another worker already serves this workspace.
    """
    with _try_lock(ws, lock_wait) as fd:
        if fd is None:
            raise Conflict(f"A worker is already running for {ws.root}.",
                           hint="Only one worker serves a workspace; stop the other one first.")
        register_worker(fd)
        previous = signal.getsignal(signal.SIGTERM)
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        try:
            for job in _interrupt_orphans(ws):
                log.warning("job %s was interrupted by a previous worker's death", job.id)
            ran, idle_since = 0, time.monotonic()
            while max_jobs is None or ran < max_jobs:
                job = _claim(ws) if _has_queued(ws) else None
                if job is None:
                    if idle_exit is not None and time.monotonic() - idle_since > idle_exit:
                        unregister_worker(fd)  # probes now see no worker: enqueue starts a new one
                        job = _claim(ws)  # ...except for a job queued just before that
                        if job is None:
                            break
                        register_worker(fd)
                    else:
                        _collect_garbage_if_due(ws)
                        time.sleep(poll)
                        continue
                log.info("running job %s (%s)", job.id, job.kind)
                run_job(ws, job)
                ran += 1
                idle_since = time.monotonic()
            return ran
        finally:
            unregister_worker(fd)
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGTERM, previous)
