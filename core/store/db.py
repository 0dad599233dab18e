"""SQLite connections with the pragmas every MLCycle connection needs.

By default each call opens a connection, uses it and closes it. sqlite objects are bound to
the thread that made them, so a connection is kept only inside :func:`hold`: while a thread
holds a database, :func:`open_db` and :func:`write_db` in that thread reuse one connection
(pragmas set once, SQL statements prepared once and cached by ``sqlite3``). A write is still
one ``BEGIN IMMEDIATE`` transaction each. The worker holds the database around each job,
so a search that stores a trial every few milliseconds does not pay for a new connection and
its pragmas every time (``bench/tracking.py``).

A held connection is checked before each use: a database file that was replaced (restored
from a backup) or a connection that failed is reopened, a deleted file is reported as
missing, and a forked child process never uses its parent's connection.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


# ---------------------------------------------------------------- held connections (one per thread and file)

@dataclass
class _Held:
    """One thread's held connection to one database file, opened on first use."""

    path: Path
    depth: int = 1  # nested hold() blocks
    active: int = 0  # read/write blocks using the connection right now (they nest)
    broken: bool = False  # an error may have left it unusable: reopen once no block uses it
    db: Database | None = None
    identity: tuple[int, int] | None = None  # (st_dev, st_ino) of the file the connection opened
    opened: int = 0  # connections opened while held (a reopen counts)

    def _checked(self, create: bool) -> Database:
        """The connection for an outermost block: (re)opened when missing, closed, left in a transaction,
        or pointing at a file that was replaced.

        Raises:
            Corrupted: without ``create``, if the file is missing.
        """
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            stat = None
        if stat is None and not create:
            self.close()
            raise missing_database(self.path)
        identity = (stat.st_dev, stat.st_ino) if stat is not None else None
        if self.db is not None and (identity != self.identity or not _usable(self.db)):
            self.close()
        if self.db is None:
            self.db = _connect(self.path, create=create)
            self.opened += 1
            if identity is None:  # the file was just created
                made = os.stat(self.path)
                identity = (made.st_dev, made.st_ino)
            self.identity = identity
        return self.db

    @contextmanager
    def using(self, create: bool) -> Iterator[Database]:
        """Use the held connection for one read or write block (checked first unless a block is open)."""
        db = self._checked(create) if self.active == 0 or self.db is None else self.db
        self.active += 1
        try:
            yield db
        except BaseException as exc:
            if isinstance(exc, sqlite3.Error) and not isinstance(exc, sqlite3.IntegrityError):
                self.broken = True  # e.g. disk I/O error: do not trust this connection again
            raise
        finally:
            self.active -= 1
            if self.active == 0 and self.broken:
                self.close()

    def close(self) -> None:
        """Close the connection (rolling back a transaction left open); never raises."""
        db, self.db, self.identity, self.broken = self.db, None, None, False
        if db is None:
            return
        try:
            if db.conn.in_transaction:
                db.conn.rollback()
        except sqlite3.Error:
            pass
        try:
            db.close()
        except sqlite3.Error:
            pass


def _usable(db: Database) -> bool:
    """Whether a held connection can serve the next block: open, and not left inside a transaction."""
    try:
        return not db.conn.in_transaction
    except sqlite3.ProgrammingError:  # closed
        return False


_local = threading.local()


def _registry() -> dict[Path, _Held]:
    """This thread's held connections, by file (emptied in a forked child: the parent's are not ours)."""
    if getattr(_local, "pid", None) != os.getpid():
        _local.pid, _local.held = os.getpid(), {}
    return _local.held


def _held(path: Path) -> _Held | None:
    return _registry().get(Path(path)) if getattr(_local, "held", None) else None


@contextmanager
def hold(path: Path) -> Iterator[None]:
    """Reuse one connection for ``path`` in this thread while the block runs.

    Inside the block, :func:`open_db` and :func:`write_db` for the same file in the same thread
    use one connection, opened at the first use with its pragmas set once, instead of one per
    call; other threads and processes are unaffected. Each :func:`write_db` block is still its
    own ``BEGIN IMMEDIATE`` transaction, committed when it ends, so other processes see each
    write at once and the write lock is held no longer than before. Blocks nest (the inner one
    reuses the outer's connection); the connection is closed when the outermost block ends.

    Args:
        path: the ``mlcycle.db`` file.

    Yields:
        Nothing; use :func:`open_db` / :func:`write_db` (or ``Workspace.read``/``write``) inside.
    """
    path = Path(path)
    registry = _registry()
    entry = registry.get(path)
    if entry is not None:
        entry.depth += 1
        try:
            yield
        finally:
            entry.depth -= 1
        return
    entry = registry[path] = _Held(path)
    try:
        yield
    finally:
        if _registry() is registry:
            registry.pop(path, None)
            entry.close()


def held_connections(path: Path) -> int:
    """How many connections this thread opened for ``path`` in its current :func:`hold` block (0 if none).

    Args:
        path: the ``mlcycle.db`` file.

    Returns:
        1 when every read and write reused the held connection, more after a reopen, 0 outside a hold.
    """
    entry = _held(path)
    return entry.opened if entry is not None else 0


# ---------------------------------------------------------------- reading and writing

@contextmanager
def open_db(path: Path, *, create: bool = True) -> Iterator[Database]:
    """Open a connection for reading (or for sqlite-utils calls that manage their own commits).

    Inside :func:`hold` (same thread and file), the held connection is used and left open.

    Args:
        path: the ``mlcycle.db`` file.
        create: create the file if it does not exist (a workspace passes ``False``).

    Yields:
        A sqlite-utils ``Database`` closed when the block ends (unless held).

    Raises:
        Corrupted: without ``create``, if the file is missing.
    """
    entry = _held(path)
    if entry is not None:
        with entry.using(create) as db:
            yield db
        return
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

    Inside :func:`hold` (same thread and file) the held connection is used; a write block
    nested in another one on it becomes a savepoint of the outer transaction (committed with it).

    Yields:
        A sqlite-utils ``Database`` whose calls join the open transaction.

    Raises:
        Corrupted: without ``create``, if the file is missing.
    """
    entry = _held(path)
    if entry is None:
        db = _connect(path, create=create)
        try:
            with _transaction(db):
                yield db
        finally:
            db.close()
        return
    with entry.using(create) as db:
        if db.conn.in_transaction:  # a write inside a write on the held connection: a savepoint in it
            with db.atomic():
                yield db
        else:
            with _transaction(db):
                yield db


@contextmanager
def _transaction(db: Database) -> Iterator[None]:
    """One ``BEGIN IMMEDIATE`` transaction: committed if the block succeeds, rolled back otherwise."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.conn.rollback()
        raise
    else:
        db.conn.commit()


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
