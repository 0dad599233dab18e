"""The job queue and worker: lifecycle, cancel, logs, and surviving a killed worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core import jobs
from core.errors import Conflict, InvalidInput, NotFound

REPO_ROOT = Path(__file__).resolve().parents[2]


def _spawn_worker(ws, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "core.cli", "--workspace", str(ws.root), "worker", *extra],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _wait(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_a_job_goes_from_queued_to_running_to_done_with_progress_and_logs(ws):
    job = jobs.enqueue(ws, "sleep", {"seconds": 0.2, "steps": 4}, title="nap", start_worker=False)
    assert job.status == "queued" and job.progress == 0.0
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    done = jobs.get_job(ws, job.id)
    assert done.status == "done" and done.progress == 1.0
    assert done.result == {"slept": 0.2, "steps": 4}
    assert [line.message for line in jobs.job_logs(ws, job.id)][-1] == "finished step 4 of 4"
    assert done.started_at and done.finished_at and done.pid == os.getpid()


def test_a_failing_job_is_failed_with_its_message_and_the_worker_goes_on(ws):
    bad = jobs.enqueue(ws, "echo", {"fail": True}, start_worker=False)
    good = jobs.enqueue(ws, "echo", {"x": 1}, start_worker=False)
    assert jobs.run_worker(ws, idle_exit=0) == 2
    assert jobs.get_job(ws, bad.id).status == "failed"
    assert "asked to fail" in jobs.get_job(ws, bad.id).error
    assert jobs.get_job(ws, good.id).result == {"x": 1}


def test_cancelling_a_queued_job_means_it_never_runs(ws):
    job = jobs.enqueue(ws, "sleep", {"seconds": 5}, start_worker=False)
    assert jobs.cancel_job(ws, job.id).status == "cancelled"
    assert jobs.run_worker(ws, idle_exit=0) == 0
    with pytest.raises(Conflict, match="already ended"):
        jobs.cancel_job(ws, job.id)


@pytest.mark.slow
def test_cancelling_a_running_job_stops_it_at_the_next_step(ws):
    job = jobs.enqueue(ws, "sleep", {"seconds": 60, "steps": 600}, start_worker=False)
    worker = _spawn_worker(ws, "--idle-exit", "1")
    try:
        _wait(lambda: jobs.get_job(ws, job.id).status == "running")
        jobs.cancel_job(ws, job.id)
        final = _wait(lambda: (j := jobs.get_job(ws, job.id)).finished and j)
        assert final.status == "cancelled"
        assert final.progress < 1.0
    finally:
        worker.wait(30)


@pytest.mark.slow
def test_a_worker_killed_mid_job_leaves_it_interrupted_after_the_next_worker_starts(ws):
    job = jobs.enqueue(ws, "sleep", {"seconds": 60, "steps": 120}, start_worker=False)
    later = jobs.enqueue(ws, "echo", {"after": True}, start_worker=False)
    worker = _spawn_worker(ws)
    _wait(lambda: (jobs.get_job(ws, job.id).progress or 0) > 0)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)
    saved_logs = len(jobs.job_logs(ws, job.id))
    assert jobs.get_job(ws, job.id).status == "interrupted"  # any read notices the dead worker at once
    assert jobs.run_worker(ws, idle_exit=0) == 1  # the next worker
    dead = jobs.get_job(ws, job.id)
    assert dead.status == "interrupted" and "stopped" in dead.error
    assert len(jobs.job_logs(ws, job.id)) == saved_logs >= 1  # what it wrote is kept
    assert jobs.get_job(ws, later.id).status == "done"


@pytest.mark.slow
def test_only_one_worker_serves_a_workspace(ws):
    jobs.enqueue(ws, "sleep", {"seconds": 30, "steps": 300}, start_worker=False)
    worker = _spawn_worker(ws)
    try:
        _wait(lambda: jobs.worker_alive(ws))
        with pytest.raises(Conflict, match="already running"):
            jobs.run_worker(ws, idle_exit=0)
        assert jobs.ensure_worker(ws) is False
    finally:
        worker.kill()
        worker.wait(10)


@pytest.mark.slow
def test_enqueue_starts_a_background_worker_that_finishes_the_job(ws):
    job = jobs.enqueue(ws, "sleep", {"seconds": 0.3, "steps": 3})
    done = jobs.wait_for(ws, job.id, timeout=60)
    assert done.status == "done" and done.pid != os.getpid()
    pid = int((ws.root / "worker.spawn").read_text().split()[0])
    os.kill(pid, signal.SIGTERM)


def test_unknown_kinds_and_ids_get_clear_errors(ws):
    with pytest.raises(InvalidInput, match="Unknown job kind 'train'"):
        jobs.enqueue(ws, "train", {}, start_worker=False)
    with pytest.raises(NotFound, match="job_nope"):
        jobs.get_job(ws, "job_nope")
    with pytest.raises(InvalidInput, match="not a job status"):
        jobs.list_jobs(ws, status="sleeping")


@pytest.mark.slow
def test_a_worker_stopped_with_sigterm_marks_its_job_interrupted(ws):
    job = jobs.enqueue(ws, "sleep", {"seconds": 60, "steps": 120}, start_worker=False)
    worker = _spawn_worker(ws)
    _wait(lambda: (jobs.get_job(ws, job.id).progress or 0) > 0)
    worker.send_signal(signal.SIGTERM)
    worker.wait(20)
    assert jobs.get_job(ws, job.id).status == "interrupted"
