"""The fault suite, jobs and workspace: what the queue, the worker and the workspace promise.

A killed worker never leaves a job or an experiment "running"; probing for a worker never
stops one from starting; cancel acts on the status it read; leftovers are swept without
touching anything a row points at; a workspace without its database is refused; and the
CLI answers every failure with one line and an exit code a script can trust.

Each test reproduces one case of issue #9 as it was written; its docstring starts with the item.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core import jobs
from core.cli import main
from core.data import datasets as D
from core.errors import Conflict, Corrupted, InvalidInput
from core.ids import utcnow
from core.jobs.kinds import KINDS, JobKind
from core.workspace import Workspace
from tests.conftest import SAMPLES, make_project

REPO_ROOT = Path(__file__).resolve().parents[2]
HOOK_CALLS: list[tuple[str, str]] = []
LOG_RECORD = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \S+ (DEBUG|INFO|WARNING|ERROR) ")


def _cli(root: Path, capsys, *args: str) -> tuple[int, str, str]:
    """Run `mlcycle --workspace ROOT ...` in this process: exit code, stdout, stderr."""
    try:
        code = main(["--workspace", str(root), *args])
    except SystemExit as exc:  # argparse refuses arguments this way
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def _mlcycle(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    return subprocess.run([sys.executable, "-m", "core.cli", "--workspace", str(root), *args],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _spawn(root: Path, *args: str, **kwargs) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    kwargs.setdefault("stdout", subprocess.DEVNULL)
    kwargs.setdefault("stderr", subprocess.DEVNULL)
    return subprocess.Popen([sys.executable, "-m", "core.cli", "--workspace", str(root), *args],
                            cwd=REPO_ROOT, env=env, **kwargs)


def _wait(predicate, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def _errors(err: str) -> list[str]:
    """The lines a user reads on stderr (log records of the CLI's logger left out)."""
    return [line for line in err.strip().splitlines() if not LOG_RECORD.match(line)]


def _dead_pid() -> int:
    """The pid of a process that has exited (as a worker killed with -9 has)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _ago(seconds: float) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds)).isoformat(timespec="microseconds")


def _as_if_running(ws: Workspace, job_id: str, pid: int, *, heartbeat_age: float = 0.0) -> None:
    """Put a job in the state a worker leaves it in while running it (and after kill -9)."""
    with ws.write() as db:
        db["jobs"].update(job_id, {"status": "running", "pid": pid, "started_at": _ago(heartbeat_age + 1),
                                   "heartbeat_at": _ago(heartbeat_age), "message": "Step 3 of 10"})


def _age(path: Path, hours: float) -> None:
    """Backdate a file's modification time by ``hours``."""
    at = time.time() - hours * 3600
    os.utime(path, (at, at))


def _record_hook(ws: Workspace, job, status: str) -> None:
    """An ``on_interrupt`` hook that records its calls (used through a job kind)."""
    HOOK_CALLS.append((job.id, status))


def _failing_job(ctx) -> dict:
    """A job kind that fails the way a bad request does."""
    raise InvalidInput("This job was asked to fail.")


def _drop_database(ws: Workspace) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(ws.db_path) + suffix).unlink(missing_ok=True)


def _artifact_files(ws: Workspace) -> set[Path]:
    return {p for p in ws.artifacts.root.glob("??/*") if p.is_file()}


# ----------------------------------------------------------------------- item 5


@pytest.mark.parametrize("how", ["deleted", "emptied"])
def test_item5_a_workspace_whose_database_is_gone_is_refused_with_how_to_recover(ws, capsys, how):
    """Item 5: with mlcycle.db deleted (or left empty) beside existing artifacts, commands refuse the workspace,
    say how to restore it from a backup, and never create an empty workspace beside the old artifacts."""
    D.add_dataset(ws, SAMPLES / "iris.csv")
    artifacts = _artifact_files(ws)
    assert artifacts
    _drop_database(ws)
    if how == "emptied":
        ws.db_path.write_bytes(b"")
    code, out, err = _cli(ws.root, capsys, "projects", "list")
    assert code == 2 and out == ""
    lines = _errors(err)
    assert len(lines) == 1, err
    assert "mlcycle.db" in lines[0] and "backup" in lines[0] and "Traceback" not in err
    if how == "deleted":
        assert not ws.db_path.exists()
    else:
        assert ws.db_path.stat().st_size == 0
    with pytest.raises(Corrupted, match="backup"):
        Workspace(ws.root)
    assert _artifact_files(ws) == artifacts


def test_item5_a_new_or_artifact_free_workspace_still_opens(tmp_path):
    """Item 5: the refusal is only for a database lost beside artifacts; a new folder becomes a workspace."""
    fresh = Workspace(tmp_path / "new")
    assert fresh.db_path.exists()
    with fresh.read() as db:
        assert db["projects"].count == 0


@pytest.mark.slow
def test_item5_deleting_the_database_under_a_running_worker_never_creates_an_empty_one(ws, capsys):
    """Item 5: deleting mlcycle.db while the worker runs stops the worker without it creating an empty
    database, and the next command refuses the workspace instead of silently starting afresh."""
    D.add_dataset(ws, SAMPLES / "iris.csv")
    worker = _spawn(ws.root, "worker", "--idle-exit", "120")
    try:
        _wait(lambda: jobs.worker_alive(ws))
        _drop_database(ws)
        assert worker.wait(60) != 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)
    assert not ws.db_path.exists()
    code, _, err = _cli(ws.root, capsys, "projects", "list")
    assert code == 2 and "backup" in err
    assert not ws.db_path.exists()


# ----------------------------------------------------------------------- item 6


def test_item6_a_job_whose_worker_was_killed_reads_as_interrupted_on_every_read(ws, capsys):
    """Item 6: after kill -9 of the worker, `jobs show`, `jobs cancel`, get_job, list_jobs and cancel_job say
    interrupted at once, not "running" or "will stop at its next checkpoint"."""
    shown, cancelled, got, listed, core_cancel = (
        jobs.enqueue(ws, "sleep", {"seconds": 60}, title=f"nap {i}", start_worker=False) for i in range(5))
    for job in (shown, cancelled, got, listed, core_cancel):
        _as_if_running(ws, job.id, _dead_pid())

    code, out, err = _cli(ws.root, capsys, "jobs", "show", shown.id, "--json")
    assert code == 0, err
    assert json.loads(out)["status"] == "interrupted" and "stopped" in json.loads(out)["error"]

    code, out, err = _cli(ws.root, capsys, "jobs", "cancel", cancelled.id)
    assert code == 2 and "checkpoint" not in out
    assert "already ended as interrupted" in err

    assert jobs.get_job(ws, got.id).status == "interrupted"
    assert {j.id: j.status for j in jobs.list_jobs(ws)}[listed.id] == "interrupted"
    with pytest.raises(Conflict, match="already ended as interrupted"):
        jobs.cancel_job(ws, core_cancel.id)


def test_item6_the_heartbeat_is_read_a_silent_job_whose_pid_is_another_process_is_interrupted(ws):
    """Item 6: a job whose heartbeat stopped minutes ago, and whose pid now belongs to some other live process
    (not this workspace's worker), is interrupted; a job with a live pid and a fresh heartbeat stays running."""
    silent = jobs.enqueue(ws, "sleep", {"seconds": 60}, start_worker=False)
    beating = jobs.enqueue(ws, "sleep", {"seconds": 60}, start_worker=False)
    _as_if_running(ws, silent.id, os.getpid(), heartbeat_age=600)
    _as_if_running(ws, beating.id, os.getpid(), heartbeat_age=0)
    assert jobs.get_job(ws, silent.id).status == "interrupted"
    assert jobs.get_job(ws, beating.id).status == "running"


def test_item6_experiments_show_says_interrupted_after_the_worker_was_killed(ws, capsys):
    """Item 6: `experiments show` of a search whose worker was killed with -9 says interrupted, not running:
    reading the job reconciles it and the automl kind's hook mirrors the end onto the experiment."""
    from core import experiments
    from core.experiments.spec import SearchConfig

    version = D.add_dataset(ws, SAMPLES / "iris.csv").version
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="species", time_budget=5),
                                        start_worker=False)
    _as_if_running(ws, exp.job_id, _dead_pid())
    with ws.write() as db:
        db["experiments"].update(exp.id, {"status": "running", "started_at": utcnow()})
    code, out, err = _cli(ws.root, capsys, "experiments", "show", exp.id, "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["status"] == "interrupted"
    assert experiments.get_experiment(ws, exp.id).status == "interrupted"


@pytest.mark.slow
def test_item6_after_kill_9_of_the_worker_jobs_show_and_cancel_say_interrupted_at_once(ws):
    """Item 6: kill -9 of the worker mid-job, then `jobs show` says interrupted and `jobs cancel` refuses,
    without anything having run `jobs list` first."""
    job = jobs.enqueue(ws, "sleep", {"seconds": 60, "steps": 120}, start_worker=False)
    worker = _spawn(ws.root, "worker")
    _wait(lambda: (jobs.get_job(ws, job.id).progress or 0) > 0)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)
    shown = _mlcycle(ws.root, "jobs", "show", job.id, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["status"] == "interrupted"
    cancelled = _mlcycle(ws.root, "jobs", "cancel", job.id)
    assert cancelled.returncode == 2 and "already ended as interrupted" in cancelled.stderr
    assert "checkpoint" not in cancelled.stdout
    assert not jobs.worker_alive(ws)


# ----------------------------------------------------------------------- item 7


def test_item7_probing_for_a_worker_never_makes_a_worker_start_fail(ws):
    """Item 7: worker starts while the app probes worker_alive (the Jobs page does every 2 s; here in a tight
    loop) never fail with "A worker is already running" when none is."""
    stop = threading.Event()

    def probe() -> None:
        while not stop.is_set():
            jobs.worker_alive(ws)

    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    refused = 0
    try:
        for _ in range(300):
            try:
                jobs.run_worker(ws, idle_exit=0, max_jobs=0)
            except Conflict:
                refused += 1
    finally:
        stop.set()
        prober.join(10)
    assert refused == 0


def test_item7_worker_alive_tells_a_running_worker_from_none(ws):
    """Item 7: the lock-free probe says True while a worker serves the workspace and False once it stopped."""
    assert not jobs.worker_alive(ws)
    jobs.enqueue(ws, "sleep", {"seconds": 1.5, "steps": 3}, start_worker=False)
    seen: list[bool] = []
    worker = threading.Thread(target=jobs.run_worker, kwargs={"ws": ws, "idle_exit": 0, "max_jobs": 1})
    worker.start()
    while worker.is_alive():
        seen.append(jobs.worker_alive(ws))
        time.sleep(0.05)
    assert True in seen
    assert not jobs.worker_alive(ws)


@pytest.mark.slow
def test_item7_the_app_starts_a_worker_for_a_job_left_queued_without_one(ws):
    """Item 7: a job left queued with no worker alive (the worker idled out as it was queued) is started by the
    app's sidebar job indicator, not only at enqueue."""
    from streamlit.testing.v1 import AppTest

    job = jobs.enqueue(ws, "sleep", {"seconds": 0.2, "steps": 2}, title="left behind", start_worker=False)
    with ws.write() as db:  # it has waited a while: nothing started a worker for it
        db["jobs"].update(job.id, {"created_at": _ago(120)})
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()  # the sidebar's job indicator runs on every page
    assert not at.exception
    assert _wait(lambda: jobs.get_job(ws, job.id).status == "done", timeout=60)


# ----------------------------------------------------------------------- item 8


def test_item8_a_job_that_ends_just_before_cancel_acts_is_reported_as_ended(ws, monkeypatch):
    """Item 8: cancel reads the status in the transaction that acts on it: a job that finished between a check
    and the act is reported as already done, and no cancel is recorded for it."""
    job = jobs.enqueue(ws, "sleep", {"seconds": 5}, start_worker=False)
    real_write, raced = ws.write, []

    @contextmanager
    def write_after_the_worker_finished():
        if not raced:  # the worker finishes the job just before cancel's transaction begins
            raced.append(True)
            with real_write() as db:
                db["jobs"].update(job.id, {"status": "done", "progress": 1.0, "finished_at": utcnow()})
        with real_write() as db:
            yield db

    monkeypatch.setattr(ws, "write", write_after_the_worker_finished)
    with pytest.raises(Conflict, match="already ended as done"):
        jobs.cancel_job(ws, job.id)
    final = jobs.get_job(ws, job.id)
    assert final.status == "done" and final.cancel_requested == 0
    with ws.read() as db:
        verbs = [r[0] for r in db.execute("SELECT verb FROM events WHERE object_id = ?", [job.id])]
    assert not {"cancelled", "cancel_requested"} & set(verbs)


def test_item8_a_job_claimed_just_before_cancel_acts_is_asked_to_stop_not_marked_cancelled(ws, monkeypatch):
    """Item 8: a queued job the worker claims between a check and the act gets a cancel request, and its kind's
    hook does not mark its work cancelled while it still runs."""
    monkeypatch.setitem(KINDS, "probe", JobKind("core.jobs.kinds:run_echo_job",
                                                on_interrupt=f"{__name__}:_record_hook"))
    HOOK_CALLS.clear()
    job = jobs.enqueue(ws, "probe", {}, start_worker=False)
    real_write, raced = ws.write, []

    @contextmanager
    def write_after_the_worker_claimed():
        if not raced:
            raced.append(True)
            _as_if_running(ws, job.id, os.getpid())
        with real_write() as db:
            yield db

    monkeypatch.setattr(ws, "write", write_after_the_worker_claimed)
    after = jobs.cancel_job(ws, job.id)
    assert after.status == "running" and after.cancel_requested == 1
    assert HOOK_CALLS == []


# ----------------------------------------------------------------------- item 9


def _insert_model(ws: Workspace, experiment_id: str, sha: str) -> None:
    with ws.write() as db:
        db["models"].insert({"id": "mdl_gc0000000001", "experiment_id": experiment_id, "learner": "lrl2",
                             "config": "{}", "artifact": sha, "size_bytes": 1, "created_at": utcnow()})


def test_item9_gc_removes_leftovers_reports_what_it_freed_and_keeps_what_rows_point_at(ws, capsys):
    """Item 9: `mlcycle gc --dry-run` lists and keeps; `mlcycle gc` removes temp files older than a day, scratch
    folders of finished experiments and old unreferenced artifacts, reports the bytes freed, and never touches
    anything a row points at (dataset versions, splits, models, profiles) or a live experiment's scratch."""
    from core import experiments
    from core.experiments.spec import SearchConfig

    version = D.add_dataset(ws, SAMPLES / "iris.csv").version
    finished = experiments.create_experiment(ws, version.id, SearchConfig(target="species", time_budget=5),
                                             start_worker=False)
    live = experiments.create_experiment(ws, version.id, SearchConfig(target="species", time_budget=5, seed=1),
                                         start_worker=False)
    with ws.write() as db:
        db["experiments"].update(finished.id, {"status": "failed", "finished_at": utcnow()})
    _insert_model(ws, finished.id, ws.artifacts.put_bytes(b"a model's bytes"))
    profile_sha = ws.artifacts.put_bytes(b'{"profile": true}')
    with ws.write() as db:
        db["profiles"].insert({"version_id": version.id, "target": "", "artifact": profile_sha,
                               "created_at": utcnow()})
    referenced = _artifact_files(ws)
    orphan_old = ws.artifacts.path(ws.artifacts.put_bytes(b"left by a failed write" * 1000))
    orphan_new = ws.artifacts.path(ws.artifacts.put_bytes(b"being committed right now"))
    temp_old = ws.artifacts.root / "tmp" / "w-killed-ingest"
    temp_old.write_bytes(b"x" * 300_000)
    temp_new = ws.artifacts.root / "tmp" / "w-in-progress"
    temp_new.write_bytes(b"y" * 1000)
    upload_old = ws.scratch_dir("ingest") / "upload-killed.csv"
    upload_old.write_bytes(b"a,b\n" * 1000)
    scratch_done = ws.scratch_dir(finished.id)
    (scratch_done / "flaml.log").write_bytes(b"z" * 5000)
    scratch_live = ws.scratch_dir(live.id)
    (scratch_live / "flaml.log").write_bytes(b"z" * 5000)
    for path in [*referenced, orphan_old, temp_old, upload_old, scratch_done / "flaml.log",
                 scratch_live / "flaml.log"]:
        _age(path, 48)
    garbage = {orphan_old, temp_old, upload_old, scratch_done}
    freed = sum(p.stat().st_size for p in (orphan_old, temp_old, upload_old, scratch_done / "flaml.log"))

    code, out, err = _cli(ws.root, capsys, "gc", "--dry-run", "--json")
    assert code == 0, err
    planned = json.loads(out)
    assert planned["dry_run"] is True and planned["bytes_freed"] == freed
    assert {Path(p) for p in planned["removed"]} == garbage
    assert all(p.exists() for p in garbage)

    code, out, err = _cli(ws.root, capsys, "gc")
    assert code == 0, err
    assert "freed" in out.lower() and "4 " in out
    assert not any(p.exists() for p in garbage)
    assert all(p.exists() for p in (*referenced, orphan_new, temp_new, scratch_live / "flaml.log"))
    for split in (finished.train_version_id, finished.test_version_id, version.id):
        assert len(D.load_frame(ws, split)) > 0
    assert ws.artifacts.read_bytes(profile_sha) == b'{"profile": true}'
    assert experiments.get_model(ws, "mdl_gc0000000001").artifact

    code, out, _ = _cli(ws.root, capsys, "gc", "--json")
    assert code == 0 and json.loads(out)["bytes_freed"] == 0


def test_item9_an_idle_worker_collects_garbage_at_most_once_an_hour(ws):
    """Item 9: the worker runs the collection when idle: a day-old temp file left by a killed ingest is gone
    after a worker idles; a second idle worker within the hour does not run it again."""
    first = ws.artifacts.root / "tmp" / "w-killed-ingest"
    first.write_bytes(b"x" * 1000)
    _age(first, 30)
    jobs.run_worker(ws, idle_exit=0.6, poll=0.1)
    assert not first.exists()
    second = ws.artifacts.root / "tmp" / "w-killed-again"
    second.write_bytes(b"x" * 1000)
    _age(second, 30)
    jobs.run_worker(ws, idle_exit=0.6, poll=0.1)
    assert second.exists()


# ----------------------------------------------------------------------- item 10


def _one_line_user_error(code: int, out: str, err: str) -> str:
    assert code == 2, err
    assert out == "" and "Traceback" not in err
    lines = _errors(err)
    assert len(lines) == 1, err
    return lines[0]


def test_item10_workspace_pointing_at_a_file_is_one_line_and_exit_2(tmp_path, capsys):
    """Item 10: `--workspace` naming a file says it is a file and to give a folder; the file is untouched."""
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    line = _one_line_user_error(*_cli(notes, capsys, "projects", "list"))
    assert str(notes) in line and "folder" in line
    assert notes.read_text() == "mine"


def test_item10_workspace_at_an_unwritable_path_is_one_line_and_exit_2(capsys):
    """Item 10: `--workspace` at a path that cannot be created or written says so and what to do."""
    where = Path("/sys/mlcycle-test-workspace")
    line = _one_line_user_error(*_cli(where, capsys, "projects", "list"))
    assert str(where) in line and "--workspace" in line


def test_item10_workspace_with_a_non_sqlite_database_is_one_line_and_exit_2(tmp_path, capsys):
    """Item 10: a `mlcycle.db` that is not SQLite is named as such, with how to recover; its bytes are kept."""
    root = tmp_path / "ws"
    root.mkdir()
    junk = b"these are not the bytes of a database\n" * 200
    (root / "mlcycle.db").write_bytes(junk)
    line = _one_line_user_error(*_cli(root, capsys, "projects", "list"))
    assert "mlcycle.db" in line and "not an SQLite database" in line and "backup" in line
    assert (root / "mlcycle.db").read_bytes() == junk


def test_item10_experiments_run_with_an_unknown_project_is_one_line_and_exit_2(ws, capsys):
    """Item 10: `experiments run --project prj_nope` gives one line and exit 2, never a raw IntegrityError."""
    version = D.add_dataset(ws, SAMPLES / "iris.csv").version
    code, out, err = _cli(ws.root, capsys, "experiments", "run", "--dataset", version.id, "--target", "species",
                          "--project", "prj_nope")
    _one_line_user_error(code, out, err)
    assert "IntegrityError" not in err


def test_item10_a_foreign_key_error_anywhere_is_a_user_error_not_a_trace(ws, capsys, monkeypatch):
    """Item 10: any foreign-key IntegrityError reaching the CLI is one line saying something referred to does
    not exist, with exit 2."""
    from core.define import projects

    def refers_to_nothing(*args, **kwargs):
        raise sqlite3.IntegrityError("FOREIGN KEY constraint failed")

    monkeypatch.setattr(projects, "list_projects", refers_to_nothing)
    line = _one_line_user_error(*_cli(ws.root, capsys, "projects", "list"))
    assert "does not exist" in line and "IntegrityError" not in line


def test_item10_a_bug_is_one_line_exit_1_with_the_trace_in_a_log_file_or_with_debug(ws, capsys, monkeypatch):
    """Item 10: an unexpected error prints one line (what failed, that it is a bug, the log file holding the full
    traceback) and exits 1; `--debug` shows the traceback on stderr."""
    from core.define import projects

    def broken(*args, **kwargs):
        raise KeyError("a bug in list_projects")

    monkeypatch.setattr(projects, "list_projects", broken)
    code, out, err = _cli(ws.root, capsys, "projects", "list")
    assert code == 1 and out == "" and "Traceback" not in err
    lines = _errors(err)
    assert len(lines) == 1, err
    assert "bug" in lines[0] and "KeyError" in lines[0]
    log = Path(lines[0].rsplit(" ", 1)[-1].rstrip("."))
    assert log.is_file() and "Traceback" in log.read_text() and "a bug in list_projects" in log.read_text()

    code, _, err = _cli(ws.root, capsys, "--debug", "projects", "list")
    assert code == 1 and "Traceback" in err and "a bug in list_projects" in err


# ----------------------------------------------------------------------- item 11


def test_item11_jobs_sleep_with_negative_seconds_is_refused_before_queueing(ws, capsys):
    """Item 11: `jobs sleep --seconds -5 --wait` exits non-zero with a clear message and queues nothing."""
    line = _one_line_user_error(*_cli(ws.root, capsys, "jobs", "sleep", "--seconds", "-5", "--wait"))
    assert "-5" in line and "seconds" in line
    assert jobs.list_jobs(ws) == []


def test_item11_waiting_on_a_job_that_fails_exits_non_zero_with_its_reason(ws, capsys, monkeypatch):
    """Item 11: `jobs sleep --wait` on a job that fails exits 2 and says why (a worker in this process runs it)."""
    monkeypatch.setitem(KINDS, "sleep", JobKind(f"{__name__}:_failing_job"))
    worker = threading.Thread(target=jobs.run_worker, kwargs={"ws": ws, "idle_exit": 3, "max_jobs": 1})
    worker.start()
    try:
        _wait(lambda: jobs.worker_alive(ws), timeout=10)
        code, out, err = _cli(ws.root, capsys, "jobs", "sleep", "--seconds", "1", "--wait")
    finally:
        worker.join(30)
    line = _one_line_user_error(code, out, err)
    assert "failed" in line and "asked to fail" in line


@pytest.mark.slow
def test_item11_waiting_on_a_job_that_is_cancelled_exits_non_zero(ws):
    """Item 11: a `jobs sleep --wait` whose job is cancelled meanwhile exits non-zero and says it was cancelled."""
    waiting = _spawn(ws.root, "jobs", "sleep", "--seconds", "60", "--steps", "600", "--wait",
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        job = _wait(lambda: next(iter(jobs.list_jobs(ws, status="running")), None))
        jobs.cancel_job(ws, job.id)
        out, err = waiting.communicate(timeout=60)
    finally:
        if waiting.poll() is None:
            waiting.kill()
    assert waiting.returncode == 2 and "cancelled" in err


# ----------------------------------------------------------------------- item 14


def test_item14_the_overview_does_not_show_a_broken_store_as_zero(ws):
    """Item 14: core/overview.py no longer turns any error into 0: a broken experiments table raises instead of
    reading "0 experiments"; a missing table of a later step still reads as nothing there yet."""
    from core import overview

    project = make_project(ws)
    with ws.write() as db:
        db.execute("ALTER TABLE experiments DROP COLUMN archived_at")
    with pytest.raises(sqlite3.OperationalError, match="archived_at"):
        overview.lifecycle(ws, project.id)
    with ws.write() as db:
        for name in ("models", "runs", "experiments"):
            db.execute(f"DROP TABLE {name}")
    steps = {s.key: s for s in overview.lifecycle(ws, project.id)}
    assert steps["experiment"].detail.startswith("0 experiments")


def test_item14_a_command_group_that_fails_to_import_is_reported_not_dropped(ws, capsys, monkeypatch):
    """Item 14: when core/cli/models.py cannot be imported, `mlcycle models ...` says so (exit 1, a bug) instead of
    "invalid choice: 'models'", and the other commands still work."""
    monkeypatch.setitem(sys.modules, "core.cli.models", None)
    code, out, err = _cli(ws.root, capsys, "models", "list")
    assert code == 1 and out == ""
    assert "invalid choice" not in err and "'models'" in err and "import" in err
    code, out, err = _cli(ws.root, capsys, "projects", "list", "--json")
    assert code == 0 and json.loads(out) == {"projects": []}


# ------------------------------------------------------------- issue #10: retry

def _failed(ws: Workspace, kind: str, payload: dict) -> str:
    job = jobs.enqueue(ws, kind, payload, title=f"a {kind} job", start_worker=False)
    with ws.write() as db:
        db["jobs"].update(job.id, {"status": "failed", "finished_at": utcnow(), "error": "it broke"})
    return job.id


@pytest.mark.parametrize("state,hint", [
    ("queued", "Wait for it to end, or cancel it first."),
    ("running", "Wait for it to end, or cancel it first."),
    ("done", "It succeeded; queue a new job if you want to run it again."),
])
def test_issue10_only_a_failed_interrupted_or_cancelled_job_can_be_retried(ws, state, hint):
    """Issue #10: retry refuses a job that is queued, running or done, saying what state it is in and
    what to do; nothing is queued."""
    job = jobs.enqueue(ws, "echo", {}, title="echo", start_worker=False)
    if state == "running":
        _as_if_running(ws, job.id, os.getpid())
    elif state == "done":
        jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    before = len(jobs.list_jobs(ws))
    with pytest.raises(Conflict) as info:
        jobs.retry_job(ws, job.id, start_worker=False)
    assert info.value.message == (f"Job 'echo' ({job.id}) is {state}: only a failed, interrupted or cancelled "
                                  "job can be retried.")
    assert info.value.hint == hint
    assert len(jobs.list_jobs(ws)) == before


def test_issue10_a_failed_search_is_not_rerun_as_it_was_and_says_what_to_do_instead(ws):
    """Issue #10: an AutoML job records its trials under its experiment, so running it again would clash;
    retry refuses it and points at a new experiment or a refit of the best trial."""
    job_id = _failed(ws, "automl", {"experiment_id": "exp_1"})
    with pytest.raises(Conflict) as info:
        jobs.retry_job(ws, job_id, start_worker=False)
    assert "cannot be run again as it was" in info.value.message
    assert "mlcycle experiments run" in info.value.hint and "mlcycle experiments refit" in info.value.hint
    assert [j.id for j in jobs.list_jobs(ws)] == [job_id]


def test_issue10_retrying_a_job_of_a_kind_this_version_does_not_know_is_explained(ws, monkeypatch):
    monkeypatch.setitem(KINDS, "retired", JobKind("tests.faults.test_jobs_and_workspace:_failing_job"))
    job_id = _failed(ws, "retired", {})
    monkeypatch.delitem(KINDS, "retired")
    with pytest.raises(Conflict, match="kind 'retired', which this version of MLCycle does not know") as info:
        jobs.retry_job(ws, job_id, start_worker=False)
    assert "echo" in info.value.hint


def test_issue10_retrying_an_unknown_job_names_it(ws):
    from core.errors import NotFound

    with pytest.raises(NotFound, match="job_nope"):
        jobs.retry_job(ws, "job_nope")
