"""The store's speed paths: a held connection, the runs read API (filter, order and limit in SQL)
and the trial counter. Behaviour only (which rows, which connection, which query plan), never time."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from core import experiments
from core.errors import Corrupted, InvalidInput
from core.experiments import service
from core.experiments.search import TrialRecord
from core.store.db import held_connections
from core.workspace import Workspace
from tests.conftest import SAMPLES

LEARNERS = ("lgbm", "rf", "xgboost")


# ---------------------------------------------------------------- a held connection

def _conn_id(ws: Workspace) -> int:
    with ws.read() as db:
        return id(db.conn)


def test_holding_reuses_one_connection_for_reads_and_writes_and_closes_it_at_the_end(ws: Workspace):
    assert held_connections(ws.db_path) == 0
    with ws.holding():
        first = _conn_id(ws)
        with ws.write() as db:
            assert id(db.conn) == first
            db.execute("INSERT INTO projects (id, name, created_at, updated_at) VALUES ('prj_a', 'A', 't', 't')")
        with ws.read() as db:
            held = db
            assert id(db.conn) == first and db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert held_connections(ws.db_path) == 1
    assert held_connections(ws.db_path) == 0
    with pytest.raises(sqlite3.ProgrammingError):  # closed when the block ended
        held.execute("SELECT 1")
    with ws.read() as db:  # outside a hold each block opens (and closes) its own connection
        assert db.execute("SELECT name FROM projects").fetchone()[0] == "A"
        outside = db
    with pytest.raises(sqlite3.ProgrammingError):
        outside.execute("SELECT 1")


def test_each_write_in_a_hold_commits_at_once_for_other_connections(ws: Workspace):
    with ws.holding():
        with ws.write() as db:
            db.execute("INSERT INTO projects (id, name, created_at, updated_at) VALUES ('prj_a', 'A', 't', 't')")
        other = sqlite3.connect(ws.db_path)  # another process's view
        assert other.execute("SELECT COUNT(*) FROM projects").fetchone()[0] == 1
        other.close()


def test_a_failed_write_in_a_hold_changes_nothing_and_the_connection_goes_on(ws: Workspace):
    with ws.holding():
        with pytest.raises(RuntimeError), ws.write() as db:
            db.execute("INSERT INTO projects (id, name, created_at, updated_at) VALUES ('prj_a', 'A', 't', 't')")
            raise RuntimeError("boom")
        with pytest.raises(sqlite3.IntegrityError), ws.write() as db:  # a foreign key still enforced
            db.execute("INSERT INTO job_logs (job_id, at, message) VALUES ('job_missing', 't', 'm')")
        with ws.write() as db:
            db.execute("INSERT INTO projects (id, name, created_at, updated_at) VALUES ('prj_b', 'B', 't', 't')")
        with ws.read() as db:
            assert [r[0] for r in db.execute("SELECT id FROM projects")] == ["prj_b"]
        assert held_connections(ws.db_path) == 1


def test_a_write_nested_in_a_write_joins_it_all_or_nothing(ws: Workspace):
    with ws.holding():
        with pytest.raises(RuntimeError), ws.write() as db:
            db.execute("INSERT INTO projects (id, name, created_at, updated_at) VALUES ('prj_a', 'A', 't', 't')")
            with ws.write() as inner:  # without a hold this would wait for its own lock
                inner.execute("INSERT INTO projects (id, name, created_at, updated_at) VALUES ('prj_b', 'B', 't', 't')")
            with ws.read() as reader:  # a read inside sees the open transaction's rows
                assert reader.execute("SELECT COUNT(*) FROM projects").fetchone()[0] == 2
            raise RuntimeError("boom")
        with ws.read() as db:
            assert db.execute("SELECT COUNT(*) FROM projects").fetchone()[0] == 0
        assert held_connections(ws.db_path) == 1


def test_held_connections_are_per_thread(ws: Workspace):
    seen: dict[str, object] = {}
    barrier = threading.Barrier(2)

    def worker(name: str) -> None:
        try:
            with ws.holding():
                ids = set()
                for i in range(20):
                    with ws.write() as db:
                        ids.add(id(db.conn))
                        db.execute("INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, 't', 't')",
                                   [f"prj_{name}{i}", f"{name}{i}"])
                    if i == 0:
                        barrier.wait(timeout=10)  # both threads hold a connection at once
                seen[name] = (ids, held_connections(ws.db_path))
        except Exception as exc:  # noqa: BLE001 - reported below
            seen[name] = exc

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    (ids_a, opened_a), (ids_b, opened_b) = seen["a"], seen["b"]
    assert len(ids_a) == 1 and len(ids_b) == 1 and ids_a != ids_b  # one each, never shared
    assert opened_a == opened_b == 1
    assert held_connections(ws.db_path) == 0  # this thread holds nothing
    with ws.read() as db:
        assert db.execute("SELECT COUNT(*) FROM projects").fetchone()[0] == 40


def test_a_replaced_database_file_is_reopened_and_a_deleted_one_reported(ws: Workspace, tmp_path: Path):
    with ws.holding():
        with ws.write() as db:
            db.execute("INSERT INTO projects (id, name, created_at, updated_at) VALUES ('prj_a', 'A', 't', 't')")
        backup = tmp_path / "backup.db"
        with sqlite3.connect(ws.db_path) as src, sqlite3.connect(backup) as dst:
            src.backup(dst)
        with ws.write() as db:
            db.execute("INSERT INTO projects (id, name, created_at, updated_at) VALUES ('prj_b', 'B', 't', 't')")
        for suffix in ("-wal", "-shm"):
            Path(str(ws.db_path) + suffix).unlink(missing_ok=True)
        os.replace(backup, ws.db_path)  # restored from the backup: another file
        with ws.read() as db:
            assert [r[0] for r in db.execute("SELECT id FROM projects")] == ["prj_a"]
        assert held_connections(ws.db_path) == 2
        ws.db_path.unlink()
        with pytest.raises(Corrupted, match="missing"), ws.read():
            pass


def test_a_forked_child_never_uses_its_parents_held_connection(ws: Workspace):
    with ws.holding():
        parent = _conn_id(ws)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: its reads open their own connection; the parent's is left alone
            try:
                with ws.read() as db:
                    ok = db.execute("SELECT COUNT(*) FROM projects").fetchone()[0] == 0
                os.write(write, f"{int(ok)} {held_connections(ws.db_path)}".encode())
            finally:
                os._exit(0)
        os.close(write)
        answer = os.read(read, 100).decode()
        os.waitpid(pid, 0)
        os.close(read)
        assert answer == "1 0"
        assert _conn_id(ws) == parent and held_connections(ws.db_path) == 1  # still usable here


def test_the_worker_holds_one_connection_per_job(ws: Workspace, monkeypatch):
    from core.jobs import enqueue
    from core.jobs.kinds import KINDS, JobKind
    from core.jobs.worker import run_worker

    monkeypatch.setitem(KINDS, "probe", JobKind(f"{__name__}:_probe_job"))
    job = enqueue(ws, "probe", {}, title="probe", start_worker=False)
    assert run_worker(ws, max_jobs=1) == 1
    done = _job(ws, job.id)
    assert done.status == "done", done.error
    assert done.result == {"connections": 1, "distinct": 1}


def _probe_job(ctx) -> dict:
    ids = set()
    for i in range(5):
        ctx.log(f"step {i}")  # a write through the job's context
        with ctx.ws.read() as db:
            ids.add(id(db.conn))
    return {"connections": held_connections(ctx.ws.db_path), "distinct": len(ids)}


def _job(ws: Workspace, job_id: str):
    from core.jobs import get_job

    return get_job(ws, job_id)


# ---------------------------------------------------------------- the runs read API

@pytest.fixture
def exp(ws: Workspace):
    from core.data import datasets
    from core.experiments.search import SearchConfig

    version = datasets.add_dataset(ws, SAMPLES / "iris.csv").version
    return experiments.create_experiment(ws, version.id, SearchConfig(target="species", time_budget=5),
                                         start_worker=False)


def _record(trial: int, loss: float | None, learner: str | None = None) -> TrialRecord:
    return TrialRecord(trial=trial, learner=learner or LEARNERS[trial % len(LEARNERS)], config={"n": trial},
                       val_loss=loss, val_metric=None if loss is None else 1 - loss, metric="accuracy",
                       train_time=0.1 * trial, wall_offset=float(trial), sample_size=100,
                       status="ok" if loss is not None else "failed", is_best=False)


def _seed(ws: Workspace, exp, losses: list[float | None]) -> None:
    with ws.holding():
        for trial, loss in enumerate(losses):
            service._store_run(ws, exp, _record(trial, loss))


def _expected_best_first(losses: list[float | None]) -> list[int]:
    scored = sorted((loss, t) for t, loss in enumerate(losses) if loss is not None)
    return [t for _, t in scored] + [t for t, loss in enumerate(losses) if loss is None]


LOSSES = [0.5, None, 0.2, 0.2, 0.9, None, 0.1, 0.3, None, 0.4, 0.05, 0.7]


def test_best_first_pages_follow_the_full_order_without_overlap(ws: Workspace, exp):
    _seed(ws, exp, LOSSES)
    order = _expected_best_first(LOSSES)
    assert [r.trial for r in experiments.list_runs(ws, exp.id, best_first=True)] == order
    for limit in (1, 3, 5, 7, 12, 20):
        pages = []
        for offset in range(0, len(LOSSES) + limit, limit):
            pages += [r.trial for r in experiments.list_runs(ws, exp.id, best_first=True, limit=limit, offset=offset)]
        assert pages == order, limit
    assert experiments.list_runs(ws, exp.id, best_first=True, limit=0) == []
    assert [r.trial for r in experiments.list_runs(ws, exp.id, best_first=True, offset=10)] == order[10:]


def test_runs_filter_by_learner_status_and_later_trials(ws: Workspace, exp):
    _seed(ws, exp, LOSSES)
    rf = [t for t in _expected_best_first(LOSSES) if LEARNERS[t % 3] == "rf"]
    assert [r.trial for r in experiments.list_runs(ws, exp.id, best_first=True, learner="rf")] == rf
    assert [r.trial for r in experiments.list_runs(ws, exp.id, learner="rf", limit=2)] == sorted(rf)[:2]
    failed = experiments.list_runs(ws, exp.id, status="failed")
    assert [r.trial for r in failed] == [1, 5, 8] and all(r.val_loss is None for r in failed)
    later = experiments.list_runs(ws, exp.id, best_first=True, after_trial=6)
    assert [r.trial for r in later] == [t for t in _expected_best_first(LOSSES) if t > 6]
    assert experiments.list_runs(ws, exp.id, learner="nope") == []
    better = experiments.list_runs(ws, exp.id, best_first=True, max_loss=0.3)  # "better than": no unscored runs
    assert [r.trial for r in better] == [10, 6, 2, 3]
    assert [r.trial for r in experiments.list_runs(ws, exp.id, max_loss=0.3, limit=2)] == [2, 3]
    with pytest.raises(InvalidInput):
        experiments.list_runs(ws, exp.id, limit=-1)


def test_run_summary_counts_and_finds_the_best_in_sql(ws: Workspace, exp):
    empty = experiments.run_summary(ws, exp.id)
    assert (empty.n_runs, empty.best, empty.by_learner, empty.last_trial) == (0, None, {}, None)
    _seed(ws, exp, LOSSES)
    summary = experiments.run_summary(ws, exp.id)
    assert summary.n_runs == len(LOSSES) and summary.n_scored == 9 and summary.last_trial == 11
    assert summary.best.trial == 10 and summary.best.val_loss == pytest.approx(0.05)
    assert summary.by_learner == {"lgbm": 4, "rf": 4, "xgboost": 4}
    assert summary.best_by_learner["rf"] == pytest.approx(0.05)  # trial 10 is rf (10 % 3 == 1)
    assert summary.best.id == service._best_run_id(ws, exp.id)


def test_the_trial_counter_is_the_highest_trial_plus_one_however_trials_arrive(ws: Workspace, exp):
    for trial in (2, 0, 1, 1):  # out of order, and trial 1 stored twice (replaced, not added)
        service._store_run(ws, exp, _record(trial, 0.1 * (trial + 1)))
    assert experiments.get_experiment(ws, exp.id).n_trials == 3
    assert [r.trial for r in experiments.list_runs(ws, exp.id)] == [0, 1, 2]
    service._store_run(ws, exp, _record(3, None))
    with ws.read() as db:
        stored = db.execute("SELECT n_trials FROM experiments WHERE id = ?", [exp.id]).fetchone()[0]
        counted = db.execute("SELECT COUNT(*) FROM runs WHERE experiment_id = ?", [exp.id]).fetchone()[0]
    assert stored == counted == 4


def test_a_stored_run_keeps_every_field(ws: Workspace, exp):
    record = TrialRecord(trial=0, learner="lgbm", config={"a": 1, "b": "x"}, val_loss=float("nan"), val_metric=None,
                         metric="accuracy", train_time=1.5, wall_offset=2.5, sample_size=80, status="failed",
                         is_best=True, val_loss_se=0.01, is_default=True, metrics={"extra": 0.5})
    service._store_run(ws, exp, record)
    (run,) = experiments.list_runs(ws, exp.id)
    assert run.val_loss is None and run.params == {"a": 1, "b": "x"} and run.status == "failed"
    assert (run.train_time, run.wall_offset, run.learner) == (1.5, 2.5, "lgbm")
    assert run.metrics == {"extra": 0.5, "sample_size": 80, "is_best": True, "metric": "accuracy",
                           "val_loss_se": 0.01, "is_default": True}


def _plan(ws: Workspace, sql: str, params: list) -> str:
    with ws.read() as db:
        return " | ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall())


def test_best_first_reads_the_runs_best_index_in_order_without_sorting(ws: Workspace, exp, monkeypatch):
    _seed(ws, exp, LOSSES)
    statements: list[tuple[str, list]] = []
    real_read = Workspace.read

    def traced(self):
        cm = real_read(self)
        db = cm.__enter__()
        db._tracer = lambda sql, params: statements.append((sql, list(params or [])))
        try:
            yield db
        finally:
            db._tracer = None
            cm.__exit__(None, None, None)

    import contextlib

    monkeypatch.setattr(Workspace, "read", contextlib.contextmanager(traced))
    for kwargs in ({}, {"limit": 10}, {"limit": 10, "learner": "rf", "after_trial": 2, "status": "ok"},
                   {"max_loss": 0.35}):
        statements.clear()
        experiments.list_runs(ws, exp.id, best_first=True, **kwargs)
        scored = [(sql, p) for sql, p in statements if "val_loss IS NOT NULL ORDER BY val_loss, trial" in sql]
        assert scored, statements
        for sql, params in scored:
            plan = _plan(ws, sql, params)
            assert "USING INDEX runs_best" in plan and "TEMP B-TREE" not in plan, plan
        assert not any("val_loss IS NULL," in sql or "ORDER BY val_loss IS NULL" in sql for sql, _ in statements)
    assert json.dumps([r.trial for r in experiments.list_runs(ws, exp.id, best_first=True, limit=3)]) == "[10, 6, 2]"
