"""The job queue and worker: lifecycle, cancel, retry, logs, prompt pickup, and surviving a killed worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from core import jobs
from core.errors import Conflict, InvalidInput, NotFound
from core.jobs import worker
from core.jobs.kinds import KINDS, JobCancelled, JobKind

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
    process = _spawn_worker(ws, "--idle-exit", "1")
    try:
        _wait(lambda: jobs.get_job(ws, job.id).status == "running")
        jobs.cancel_job(ws, job.id)
        final = _wait(lambda: (j := jobs.get_job(ws, job.id)).finished and j)
        assert final.status == "cancelled"
        assert final.progress < 1.0
    finally:
        process.wait(30)


@pytest.mark.slow
def test_a_worker_killed_mid_job_leaves_it_interrupted_after_the_next_worker_starts(ws):
    job = jobs.enqueue(ws, "sleep", {"seconds": 60, "steps": 120}, start_worker=False)
    later = jobs.enqueue(ws, "echo", {"after": True}, start_worker=False)
    process = _spawn_worker(ws)
    _wait(lambda: jobs.job_logs(ws, job.id))  # a step is done and logged
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
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
    process = _spawn_worker(ws)
    try:
        _wait(lambda: jobs.worker_alive(ws))
        with pytest.raises(Conflict, match="already running"):
            jobs.run_worker(ws, idle_exit=0)
        assert jobs.ensure_worker(ws) is False
    finally:
        process.kill()
        process.wait(10)


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
    process = _spawn_worker(ws)
    _wait(lambda: (jobs.get_job(ws, job.id).progress or 0) > 0)
    process.send_signal(signal.SIGTERM)
    process.wait(20)
    assert jobs.get_job(ws, job.id).status == "interrupted"


# ------------------------------------------------------------------ issue #10: progress, retry, pickup, logs

def _reports_then_stops(ctx):
    """Like a search cancelled mid-way: 40% done, then it reports 1.0 ("Stopped") as it stops."""
    ctx.progress(0.4, "searching", force=True)
    ctx.progress(1.0, "Stopped", force=True)
    raise JobCancelled()


def _reports_then_fails(ctx):
    ctx.progress(0.3, "loading", force=True)
    ctx.progress(1.0, "saving", force=True)
    raise InvalidInput("The table could not be saved.")


@pytest.mark.parametrize("function,status,reached", [
    ("_reports_then_stops", "cancelled", 0.4),
    ("_reports_then_fails", "failed", 0.3),
])
def test_a_job_that_does_not_succeed_keeps_the_progress_it_reached(ws, monkeypatch, function, status, reached):
    """Defect 6: a cancelled (or failed) job showed 100%; it shows how far it got."""
    monkeypatch.setitem(KINDS, "halting", JobKind(f"tests.unit.test_jobs:{function}"))
    job = jobs.enqueue(ws, "halting", {}, start_worker=False)
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    ended = jobs.get_job(ws, job.id)
    assert ended.status == status
    assert ended.progress == pytest.approx(reached)


def _stopped_by_the_user(ctx):
    ctx.progress(0.25, "working", force=True)
    raise KeyboardInterrupt


def test_a_job_whose_worker_is_stopped_keeps_its_progress_too(ws, monkeypatch):
    monkeypatch.setitem(KINDS, "halting", JobKind("tests.unit.test_jobs:_stopped_by_the_user"))
    job = jobs.enqueue(ws, "halting", {}, start_worker=False)
    with pytest.raises(KeyboardInterrupt):
        jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    ended = jobs.get_job(ws, job.id)
    assert ended.status == "interrupted" and ended.progress == pytest.approx(0.25)


def test_only_a_job_that_is_done_reads_100_percent(ws):
    job = jobs.enqueue(ws, "sleep", {"seconds": 0, "steps": 3}, start_worker=False)
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    assert jobs.get_job(ws, job.id).progress == 1.0


def test_retrying_a_failed_job_queues_the_same_work_again_and_keeps_the_old_one(ws):
    bad = jobs.enqueue(ws, "echo", {"fail": True, "n": 1}, title="flaky echo", start_worker=False)
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    again = jobs.retry_job(ws, bad.id, start_worker=False)
    assert again.id != bad.id and again.status == "queued" and again.progress == 0.0
    assert (again.kind, again.payload, again.title) == ("echo", {"fail": True, "n": 1}, "flaky echo")
    old = jobs.get_job(ws, bad.id)
    assert old.status == "failed" and "asked to fail" in old.error  # the first attempt stays as it ended


def test_a_cancelled_job_retried_runs_to_the_end(ws):
    job = jobs.enqueue(ws, "sleep", {"seconds": 0.1, "steps": 2}, title="nap", start_worker=False)
    jobs.cancel_job(ws, job.id)
    again = jobs.retry_job(ws, job.id, start_worker=False)
    assert jobs.run_worker(ws, idle_exit=0) == 1
    assert jobs.get_job(ws, again.id).status == "done"
    assert jobs.get_job(ws, job.id).status == "cancelled"


def test_an_idle_worker_claims_a_new_job_on_its_next_look_at_the_queue(ws, monkeypatch):
    """Defect 11: a queued job waited about 7 s. An idle worker looks every IDLE_POLL seconds (a cheap
    read) and claims a job on the first look after it was queued (two looks if it landed mid-look)."""
    looks: list[int] = []
    real = worker._has_queued

    def counted(*args, **kwargs):
        looks.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(worker, "_has_queued", counted)
    serving = threading.Thread(target=jobs.run_worker, args=(ws,), kwargs={"idle_exit": 120, "max_jobs": 1},
                               daemon=True)
    serving.start()
    _wait(lambda: len(looks) >= 3)  # idle, looking at the queue
    before = len(looks)
    job = jobs.enqueue(ws, "echo", {"hello": 1}, start_worker=False)
    serving.join(60)
    assert not serving.is_alive()
    assert jobs.get_job(ws, job.id).status == "done"
    assert len(looks) - before <= 2
    assert worker.IDLE_POLL <= 0.25  # so a look comes at least four times a second


def test_enqueue_starts_a_worker_at_once_when_none_is_alive_and_only_one(ws, monkeypatch):
    started: list[list[str]] = []
    booting = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # stands in for the worker
    try:
        monkeypatch.setattr(worker.subprocess, "Popen", lambda command, **kwargs: started.append(command) or booting)
        jobs.enqueue(ws, "echo", {})
        assert len(started) == 1 and "worker" in started[0]
        jobs.enqueue(ws, "echo", {})  # one is starting: no second worker
        assert len(started) == 1
    finally:
        booting.kill()
        booting.wait(10)


def test_the_whole_log_downloads_with_a_header_and_the_error(ws):
    job = jobs.enqueue(ws, "sleep", {"seconds": 0, "steps": 60}, title="many steps", start_worker=False)
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    text = jobs.log_text(ws, jobs.get_job(ws, job.id))
    assert text.startswith(f"# many steps ({job.id}, sleep)")
    assert "finished step 1 of 60" in text and "finished step 60 of 60" in text  # all of it, not the last 50
    assert len(jobs.job_logs(ws, job.id)) == 50 and len(jobs.job_logs(ws, job.id, tail=None)) == 60
    bad = jobs.enqueue(ws, "echo", {"fail": True}, start_worker=False)
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    last = jobs.log_text(ws, jobs.get_job(ws, bad.id)).rstrip().splitlines()[-1]
    assert last.startswith("error: ") and "asked to fail" in last


def test_a_job_names_what_it_works_on():
    from core.jobs.entities import Job

    def job(payload):
        return Job(id="job_x", kind="k", title="t", payload=payload, project_id=None, status="queued", progress=0.0,
                   message="", result=None, error=None, pid=None, heartbeat_at=None, cancel_requested=0,
                   created_at="2026-01-01T00:00:00+00:00", started_at=None, finished_at=None)

    assert job({"experiment_id": "exp_1"}).subject == ("experiment", "exp_1")
    assert job({"version_id": "dsv_1", "target": None}).subject == ("dataset_version", "dsv_1")
    assert job({"model_id": "mdl_1"}).subject == ("model", "mdl_1")
    assert job({"seconds": 5}).subject is None
