"""Short-lived SQLite connections with the pragmas every MLCycle connection needs.

sqlite objects are bound to the thread that made them, so nothing here keeps a
connection: each call opens one, uses it and closes it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from filelock import FileLock
from sqlite_utils import Database

from core.errors import Corrupted

BUSY_TIMEOUT_MS = 30_000


def missing_database(path: Path) -> Corrupted:
    """The error for a workspace whose ``mlcycle.db`` is gone (say how to recover)."""
    return Corrupted(
        f"The workspace database {path} is missing (deleted while MLCycle was running?).",
        hint=f"Restore mlcycle.db (and mlcycle.db-wal if the backup has one) from a backup into {path.parent}; "
             "MLCycle does not create an empty database beside existing artifacts.",
    )


def _connect(path: Path, *, create: bool = True) -> Database:
    if create:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=True)
    else:  # never create the file: a deleted database must not come back empty
        try:
            conn = sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True,
                                   timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=True)
        except sqlite3.OperationalError as exc:
            if not path.exists():
                raise missing_database(path) from exc
            raise
    conn.row_factory = sqlite3.Row
    db = Database(conn, execute_plugins=False)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


@contextmanager
def open_db(path: Path, *, create: bool = True) -> Iterator[Database]:
    """Open a connection for reading (or for sqlite-utils calls that manage their own commits).

    Args:
        path: the ``mlcycle.db`` file.
        create: create the file if it does not exist (a workspace passes ``False``).

    Yields:
        A sqlite-utils ``Database`` closed when the block ends.

    Raises:
        Corrupted: without ``create``, if the file is missing.
    """
    db = _connect(path, create=create)
    try:
        yield db
    finally:
        db.close()


@contextmanager
def write_db(path: Path, *, create: bool = True) -> Iterator[Database]:
    """Open a connection inside one ``BEGIN IMMEDIATE`` transaction.

    Taking the write lock up front means two processes never deadlock upgrading a
    read lock; the busy timeout makes the second writer wait instead of failing with
    "database is locked". The block commits on success and rolls back on any error,
    so a failed write changes nothing.

    Args:
        path: the ``mlcycle.db`` file.
        create: create the file if it does not exist (a workspace passes ``False``).

    Yields:
        A sqlite-utils ``Database`` whose calls join the open transaction.

    Raises:
        Corrupted: without ``create``, if the file is missing.
    """
    db = _connect(path, create=create)
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
