"""The store: migrations, pragmas and concurrent writers."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
from pathlib import Path

import pytest

from core.store import init_db, open_db
from core.store.migrations import MIGRATIONS
from core.workspace import Workspace


def test_migrations_create_every_table_on_an_empty_database(tmp_path: Path):
    path = tmp_path / "m.db"
    init_db(path)
    with open_db(path) as db:
        names = set(db.table_names())
        assert {"projects", "jobs", "job_logs", "events", "lineage", "hypotheses", "datasets",
                "dataset_versions", "experiments", "runs", "models"} <= names
        applied = [m.name for m in MIGRATIONS.applied(db)]
    assert applied == [m.name for m in MIGRATIONS._migrations]


def test_migrations_on_an_existing_database_keep_data_and_apply_only_pending(tmp_path: Path):
    path = tmp_path / "m.db"
    first = MIGRATIONS._migrations[0].name
    with open_db(path) as db:
        MIGRATIONS.apply(db, stop_before=MIGRATIONS._migrations[1].name)
        assert [m.name for m in MIGRATIONS.applied(db)] == [first]
        db["projects"].insert({"id": "prj_old", "name": "Old", "created_at": "t", "updated_at": "t"})
        db.conn.commit()
    init_db(path)  # applies the rest
    init_db(path)  # and is a no-op the second time
    with open_db(path) as db:
        assert db["projects"].get("prj_old")["name"] == "Old"
        assert len(MIGRATIONS.pending(db)) == 0
        assert "hypotheses" in db.table_names()


def test_connections_use_wal_foreign_keys_and_a_busy_timeout(ws: Workspace):
    with ws.read() as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_a_failed_write_block_changes_nothing(ws: Workspace):
    try:
        with ws.write() as db:
            db["projects"].insert({"id": "prj_x", "name": "X", "created_at": "t", "updated_at": "t"})
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with ws.read() as db:
        assert db["projects"].count == 0


def test_foreign_keys_are_enforced(ws: Workspace):
    try:
        with ws.write() as db:
            db["job_logs"].insert({"job_id": "job_missing", "at": "t", "message": "m"})
    except sqlite3.IntegrityError:
        return
    raise AssertionError("a log line for a missing job was accepted")


def _writer(root: str, n: int, tag: str, errors) -> None:
    from core.define import projects
    from core.workspace import Workspace

    ws = Workspace(root)
    try:
        for i in range(n):
            projects.create_project(ws, f"{tag}-{i}")
            with ws.write() as db:  # a read-then-write transaction, the classic deadlock shape
                count = db.execute("SELECT COUNT(*) FROM projects").fetchone()[0]
                db["events"].insert({"at": "t", "object_kind": "x", "object_id": tag, "verb": "v",
                                     "message": str(count)})
    except Exception as exc:  # noqa: BLE001
        errors.put(f"{type(exc).__name__}: {exc}")


@pytest.mark.slow
def test_two_processes_writing_at_once_never_hit_database_is_locked(tmp_path: Path):
    root = tmp_path / "ws"
    Workspace(root)
    ctx = mp.get_context("spawn")
    errors = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(str(root), 60, tag, errors)) for tag in ("a", "b", "c")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert found == []
    with open_db(root / "mlcycle.db") as db:
        assert db["projects"].count == 180
