"""The workspace: one folder holding ``mlcycle.db`` and ``artifacts/``. Every API hangs off it.

Opening one checks it first: the folder must be a writable folder, ``mlcycle.db`` must be an
SQLite file, and a database missing (or empty) beside existing artifacts is refused rather
than recreated empty, since the artifacts would then belong to nothing.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from core.errors import Corrupted, InvalidInput
from core.store import init_db, open_db, write_db
from core.store.artifacts import ArtifactStore
from core.store.db import hold

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ROOT = REPO_ROOT / "data" / "workspace"
SQLITE_HEADER = b"SQLite format 3\x00"
CHOOSE_FOLDER = "Give --workspace (or MLCYCLE_HOME) a folder you can write to: a new one is created, an existing one opened."


def default_root() -> Path:
    """Return ``$MLCYCLE_HOME`` if set, else the repository's ``data/workspace``."""
    env = os.environ.get("MLCYCLE_HOME", "").strip()
    return Path(env).expanduser() if env else DEFAULT_ROOT


class Workspace:
    """A folder with the metadata store and the artifact store, created on first open.

    Holds only paths, so it is cheap, immutable and safe to share between threads;
    each read or write opens its own short-lived connection, except inside
    :meth:`holding`, where one thread's reads and writes share one connection.

    Example:
        >>> ws = Workspace(Path("/tmp/ws"))
        >>> with ws.read() as db:
        ...     db["projects"].count
        0
    """

    def __init__(self, root: Path | str | None = None) -> None:
        """Open (creating if needed) the workspace at ``root`` (default: :func:`default_root`).

        Raises:
            InvalidInput: if ``root`` is a file, or a folder that cannot be created or written.
            Corrupted: if ``mlcycle.db`` is not SQLite, or is missing or empty beside existing artifacts.
        """
        self.root = Path(root).expanduser().resolve() if root else default_root().resolve()
        self.db_path = self.root / "mlcycle.db"
        self.logs_dir = self.root / "logs"
        if self.root.exists() and not self.root.is_dir():
            raise InvalidInput(f"The workspace {self.root} is a file, not a folder.", hint=CHOOSE_FOLDER)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            if not os.access(self.root, os.W_OK | os.X_OK):
                raise PermissionError(13, "Permission denied")
            self.logs_dir.mkdir(exist_ok=True)
            self.artifacts = ArtifactStore(self.root / "artifacts")
        except (FileExistsError, NotADirectoryError) as exc:
            raise InvalidInput(f"Cannot make a workspace at {self.root}: part of that path is a file.",
                               hint=CHOOSE_FOLDER) from exc
        except OSError as exc:
            raise InvalidInput(f"Cannot make a workspace at {self.root}: {exc.strerror or exc}.",
                               hint=CHOOSE_FOLDER) from exc
        self._check_database()
        try:
            init_db(self.db_path)
        except sqlite3.DatabaseError as exc:
            raise Corrupted(f"The workspace database {self.db_path} cannot be opened: {exc}.",
                            hint=f"Restore mlcycle.db from a backup into {self.root}; the file is left as it is.") from exc

    def _check_database(self) -> None:
        """Refuse a database that is not SQLite, or that is missing or empty beside existing artifacts."""
        try:
            with open(self.db_path, "rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
        except FileNotFoundError:
            header = None
        except IsADirectoryError as exc:
            raise Corrupted(f"The workspace database {self.db_path} is a folder.",
                            hint=f"Move it away, then restore mlcycle.db from a backup into {self.root}.") from exc
        if header and header != SQLITE_HEADER:
            raise Corrupted(f"The workspace database {self.db_path} is not an SQLite database (it was overwritten?).",
                            hint=f"Restore mlcycle.db from a backup into {self.root}, or give --workspace another "
                                 "folder; the file is left as it is.")
        if not header and next(self.artifacts.stored(), None) is not None:
            state = "missing" if header is None else "empty"
            raise Corrupted(
                f"The workspace {self.root} has artifacts but its database mlcycle.db is {state}.",
                hint=f"Restore mlcycle.db (and mlcycle.db-wal if the backup has one) from a backup into {self.root}. "
                     "MLCycle does not start an empty database beside existing artifacts; to start afresh, "
                     "move the artifacts folder away first.")

    def __repr__(self) -> str:
        return f"Workspace({str(self.root)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Workspace) and other.root == self.root

    def __hash__(self) -> int:
        return hash(self.root)

    @contextmanager
    def read(self) -> Iterator[Database]:
        """Yield a short-lived connection for reading."""
        with open_db(self.db_path, create=False) as db:
            yield db

    @contextmanager
    def write(self) -> Iterator[Database]:
        """Yield a connection inside one immediate transaction (all or nothing)."""
        with write_db(self.db_path, create=False) as db:
            yield db

    @contextmanager
    def holding(self) -> Iterator[Workspace]:
        """Reuse one connection for this thread's reads and writes while the block runs.

        What the worker does around each job: a search that stores a trial every few
        milliseconds then pays for one connection and its pragmas, not one per trial.
        Writes stay one ``BEGIN IMMEDIATE`` transaction each (committed at once); other
        threads keep their own connections; the connection is closed when the block ends,
        and reopened if it breaks or the database file is replaced meanwhile
        (:func:`core.store.db.hold`).

        Yields:
            This workspace.

        Example:
            >>> with ws.holding():
            ...     for record in trials:
            ...         store(ws, record)  # one connection for all of them
        """
        with hold(self.db_path):
            yield self

    def scratch_dir(self, name: str) -> Path:
        """Return (and create) a folder for temporary working files under the workspace."""
        path = self.root / "tmp" / name
        path.mkdir(parents=True, exist_ok=True)
        return path
