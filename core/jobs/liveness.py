"""Is a worker alive, and is a running job's worker still there? Probes that take no lock.

The worker holds an exclusive ``flock`` on ``worker.lock`` for as long as it serves the
workspace, and writes into that file its pid and its process start time. A probe only
reads the file and asks the operating system whether that process still exists, so it
can never make a starting worker find the lock taken. The start time guards against a
pid reused by another process after the worker died.

A ``running`` job whose worker is gone is an orphan: its process no longer exists (a
``kill -9``), the pid now names a process started after the job, or, when the pid is
alive but is not this workspace's worker, its heartbeat (written every
:data:`HEARTBEAT_SECONDS`) stopped more than :data:`STALE_AFTER` seconds ago.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

from core.ids import parse_time

if TYPE_CHECKING:
    from core.jobs.entities import Job
    from core.workspace import Workspace

HEARTBEAT_SECONDS = 2.0
STALE_AFTER = 60.0
PID_TIME_SLACK = 1.0


def lock_path(ws: Workspace) -> Path:
    """Return the file the worker locks (and writes its pid into)."""
    return ws.root / "worker.lock"


def process_started(pid: int) -> float | None:
    """Return when process ``pid`` started (epoch seconds), or ``None`` if it is gone or a zombie."""
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return None
        return proc.create_time()
    except (psutil.Error, ValueError):
        return None


def register_worker(fd: int) -> None:
    """Write this process's pid and start time into the locked ``worker.lock`` (its descriptor ``fd``)."""
    pid = os.getpid()
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{pid} {process_started(pid) or 0:.3f}".encode(), 0)


def unregister_worker(fd: int) -> None:
    """Empty ``worker.lock``: from now on probes say no worker serves the workspace."""
    os.ftruncate(fd, 0)


def worker_pid(ws: Workspace) -> int | None:
    """Return the pid of the worker serving this workspace, or ``None`` when none is alive.

    Reads ``worker.lock`` and checks the process it names; takes no lock.
    """
    try:
        parts = lock_path(ws).read_text().split()
        pid = int(parts[0])
        started = float(parts[1]) if len(parts) > 1 else 0.0
    except (OSError, ValueError, IndexError):
        return None
    created = process_started(pid)
    if created is None:
        return None
    if started and abs(created - started) > PID_TIME_SLACK:
        return None  # the worker died and its pid now names another process
    return pid


def worker_alive(ws: Workspace) -> bool:
    """Return whether a worker process serves this workspace (without taking its lock)."""
    return worker_pid(ws) is not None


def orphan_reason(job: Job, worker: int | None) -> str | None:
    """Say why a ``running`` job's worker is gone, or return ``None`` if it may still be running.

    Args:
        job: the job as read from the store.
        worker: the pid of the workspace's live worker (:func:`worker_pid`), or ``None``.

    Returns:
        A sentence for the job's error, or ``None``.
    """
    if job.status != "running":
        return None
    started = parse_time(job.started_at)
    if job.pid is not None:
        created = process_started(job.pid)
        if created is None:
            return f"The worker (pid {job.pid}) stopped while this job ran."
        if started is not None and created > started.timestamp() + PID_TIME_SLACK:
            return f"The worker (pid {job.pid}) stopped while this job ran; its pid now names another process."
        if job.pid == worker:
            return None
    beat = parse_time(job.heartbeat_at) or started
    silent = None if beat is None else (datetime.now(UTC) - beat).total_seconds()
    if silent is None or silent > STALE_AFTER:
        since = "" if silent is None else f" {silent:.0f} s ago"
        return f"The worker (pid {job.pid}) stopped sending its heartbeat{since} while this job ran."
    return None
