"""Short-lived SQLite connections with the pragmas every MLCycle connection needs.

sqlite objects are bound to the thread that made them, so nothing here keeps a
connection: each call opens one, uses it and closes it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock
from sqlite_utils import Database

BUSY_TIMEOUT_MS = 30_000


def _connect(path: Path) -> Database:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=True)
    conn.row_factory = sqlite3.Row
    db = Database(conn, execute_plugins=False)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


@contextmanager
def open_db(path: Path) -> Iterator[Database]:
    """Open a connection for reading (or for sqlite-utils calls that manage their own commits).

    Args:
        path: the ``mlcycle.db`` file.

    Yields:
        A sqlite-utils ``Database`` closed when the block ends.
    """
    db = _connect(path)
    try:
        yield db
    finally:
        db.close()


@contextmanager
def write_db(path: Path) -> Iterator[Database]:
    """Open a connection inside one ``BEGIN IMMEDIATE`` transaction.

    Taking the write lock up front means two processes never deadlock upgrading a
    read lock; the busy timeout makes the second writer wait instead of failing with
    "database is locked". The block commits on success and rolls back on any error,
    so a failed write changes nothing.

    Yields:
        A sqlite-utils ``Database`` whose calls join the open transaction.
    """
    db = _connect(path)
    try:
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.conn.rollback()
            raise
        else:
            db.conn.commit()
    finally:
        db.close()


def init_db(path: Path) -> None:
    """Create the database file if needed, switch it to WAL and apply pending migrations."""
    from core.store.migrations import MIGRATIONS

    path.parent.mkdir(parents=True, exist_ok=True)
    # Serialise concurrent first starts: only one process applies migrations.
    with FileLock(str(path) + ".migrate.lock", timeout=60):
        db = _connect(path)
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode = WAL")
            MIGRATIONS.apply(db)
        finally:
            db.close()
