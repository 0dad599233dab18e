"""The workspace: one folder holding ``mlcycle.db`` and ``artifacts/``. Every API hangs off it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from core.store import init_db, open_db, write_db
from core.store.artifacts import ArtifactStore

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ROOT = REPO_ROOT / "data" / "workspace"


def default_root() -> Path:
    """Return ``$MLCYCLE_HOME`` if set, else the repository's ``data/workspace``."""
    env = os.environ.get("MLCYCLE_HOME", "").strip()
    return Path(env).expanduser() if env else DEFAULT_ROOT


class Workspace:
    """A folder with the metadata store and the artifact store, created on first open.

    Holds only paths, so it is cheap, immutable and safe to share between threads;
    each read or write opens its own short-lived connection.

    Example:
        >>> ws = Workspace(Path("/tmp/ws"))
        >>> with ws.read() as db:
        ...     db["projects"].count
        0
    """

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root).expanduser().resolve() if root else default_root().resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.db_path = self.root / "mlcycle.db"
        self.logs_dir = self.root / "logs"
        self.logs_dir.mkdir(exist_ok=True)
        self.artifacts = ArtifactStore(self.root / "artifacts")
        init_db(self.db_path)

    def __repr__(self) -> str:
        return f"Workspace({str(self.root)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Workspace) and other.root == self.root

    def __hash__(self) -> int:
        return hash(self.root)

    @contextmanager
    def read(self) -> Iterator[Database]:
        """Yield a short-lived connection for reading."""
        with open_db(self.db_path) as db:
            yield db

    @contextmanager
    def write(self) -> Iterator[Database]:
        """Yield a connection inside one immediate transaction (all or nothing)."""
        with write_db(self.db_path) as db:
            yield db

    def scratch_dir(self, name: str) -> Path:
        """Return (and create) a folder for temporary working files under the workspace."""
        path = self.root / "tmp" / name
        path.mkdir(parents=True, exist_ok=True)
        return path
