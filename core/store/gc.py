"""Workspace garbage collection: sweep leftovers, never anything a row points at.

What goes:

* temporary files older than :data:`TEMP_MAX_AGE` (a day): half-written artifacts in
  ``artifacts/tmp`` and upload copies under ``tmp/`` left by a killed process;
* the scratch folder (``tmp/<experiment id>``) of an experiment that has finished, once
  nothing in it changed for :data:`SCRATCH_MIN_AGE`;
* artifacts no row refers to, once older than :data:`ARTIFACT_GRACE` (a write that is about
  to commit its row is always younger than that).

What a row points at is read from the schema itself: every column of every table whose name
holds ``artifact`` or ``sha`` (``dataset_versions.artifact``, ``profiles.artifact``,
``models.artifact``, and any such column a later migration adds). Files are listed before
the references are read, and each file's age is checked again just before it is removed.

``mlcycle gc [--dry-run]`` runs it; the worker runs it when idle, at most once every
:data:`INTERVAL` seconds.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock, Timeout

from core.errors import Conflict

if TYPE_CHECKING:
    from core.workspace import Workspace

TEMP_MAX_AGE = 24 * 3600.0
ARTIFACT_GRACE = 24 * 3600.0
SCRATCH_MIN_AGE = 3600.0
INTERVAL = 3600.0
FINISHED = ("done", "failed", "cancelled", "interrupted")

KIND_LABELS = {"temp": "temporary file", "scratch": "experiment scratch folder", "artifact": "unreferenced artifact"}


@dataclass(frozen=True)
class Removal:
    """One thing the collection removed (or, in a dry run, would remove)."""

    path: Path
    kind: str
    bytes: int

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able dict."""
        return {"path": str(self.path), "kind": self.kind, "bytes": self.bytes}


@dataclass(frozen=True)
class GcReport:
    """What a garbage collection freed.

    Attributes:
        dry_run: nothing was removed; ``removed`` is what would be.
        removed: the files and folders removed.
        kept_referenced: how many artifacts were kept because a row points at them.
    """

    dry_run: bool
    removed: tuple[Removal, ...]
    kept_referenced: int

    @property
    def bytes_freed(self) -> int:
        """Bytes removed (or that would be)."""
        return sum(r.bytes for r in self.removed)

    def summary(self) -> str:
        """One sentence: how much was (or would be) freed, by kind."""
        if not self.removed:
            return "Nothing to free: no old temporary files, finished scratch folders or unreferenced artifacts."
        parts = []
        for kind, label in KIND_LABELS.items():
            items = [r for r in self.removed if r.kind == kind]
            if items:
                parts.append(f"{len(items)} {label}{'s' if len(items) > 1 else ''} "
                              f"({_size(sum(r.bytes for r in items))})")
        verb = "Would free" if self.dry_run else "Freed"
        return (f"{verb} {_size(self.bytes_freed)} in {len(self.removed)} item{'s' if len(self.removed) > 1 else ''}: "
                f"{', '.join(parts)}; kept {self.kept_referenced} artifacts that rows point at.")

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able dict (``removed`` lists paths; ``items`` gives each one's kind and size)."""
        return {"dry_run": self.dry_run, "bytes_freed": self.bytes_freed, "removed": [str(r.path) for r in self.removed],
                "items": [r.as_dict() for r in self.removed], "kept_referenced": self.kept_referenced}


def _size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{n} bytes"


def _mtime(path: Path) -> float | None:
    try:
        return path.lstat().st_mtime
    except OSError:
        return None


def _tree(path: Path) -> tuple[int, float]:
    """Total bytes of the files under ``path`` and the newest modification time among them."""
    total, newest = 0, 0.0
    for item in [path, *path.rglob("*")] if path.is_dir() else [path]:
        try:
            st = item.lstat()
        except OSError:
            continue
        if not item.is_dir():
            total += st.st_size
            newest = max(newest, st.st_mtime)
    return total, newest


def referenced_artifacts(db: Any) -> set[str]:
    """Every value of every column that names an artifact (``*artifact*`` or ``*sha*``) in any table."""
    refs: set[str] = set()
    for table in db.table_names():
        if table.startswith(("_", "sqlite_")):
            continue
        for column in db[table].columns:
            name = column.name.lower()
            if "artifact" in name or "sha" in name:
                rows = db.execute(f'SELECT DISTINCT "{column.name}" FROM "{table}" WHERE "{column.name}" IS NOT NULL')
                refs.update(str(r[0]) for r in rows)
    return refs


def _temp_candidates(ws: Workspace, now: float, live: set[str], finished: set[str]) -> list[tuple[Path, str]]:
    """Old temp files and finished experiments' scratch folders (live experiments' folders are left alone)."""
    found: list[tuple[Path, str]] = []
    art_tmp = ws.artifacts.root / "tmp"
    if art_tmp.is_dir():
        found += [(p, "temp") for p in art_tmp.iterdir()
                  if not p.is_dir() and now - (_mtime(p) or now) > TEMP_MAX_AGE]
    scratch = ws.root / "tmp"
    if not scratch.is_dir():
        return found
    for entry in scratch.iterdir():
        if entry.name in live:
            continue
        if entry.name in finished and entry.is_dir():
            if now - _tree(entry)[1] > SCRATCH_MIN_AGE:
                found.append((entry, "scratch"))
            continue
        files = [entry] if not entry.is_dir() else [p for p in entry.rglob("*") if not p.is_dir()]
        found += [(p, "temp") for p in files if now - (_mtime(p) or now) > TEMP_MAX_AGE]
    return found


def collect(ws: Workspace, *, dry_run: bool = False) -> GcReport:
    """Remove old temp files, finished experiments' scratch folders and old unreferenced artifacts.

    Args:
        ws: the workspace.
        dry_run: only report what would be removed.

    Returns:
        What was (or would be) removed, and how many artifacts were kept because rows use them.

    Raises:
        Conflict: if another garbage collection is running on this workspace.
    """
    lock = FileLock(str(ws.root / "gc.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout as exc:
        raise Conflict(f"A garbage collection is already running on {ws.root}.",
                       hint="Wait for it to finish, then run `mlcycle gc` again.") from exc
    try:
        return _collect(ws, dry_run=dry_run)
    finally:
        lock.release()


def _collect(ws: Workspace, *, dry_run: bool) -> GcReport:
    now = time.time()
    # List the files first, then read what rows point at: a row committed in between is seen.
    stored = list(ws.artifacts.stored())
    artifacts = [(sha, path) for sha, path in stored if now - (_mtime(path) or now) > ARTIFACT_GRACE]
    with ws.read() as db:
        refs = referenced_artifacts(db)
        statuses = {r[0]: r[1] for r in db.execute("SELECT id, status FROM experiments")} \
            if "experiments" in db.table_names() else {}
    finished = {e for e, s in statuses.items() if s in FINISHED}
    live = set(statuses) - finished
    candidates = _temp_candidates(ws, now, live, finished)
    candidates += [(path, "artifact") for sha, path in artifacts if sha not in refs]
    kept = sum(1 for sha, _ in stored if sha in refs)
    removed: list[Removal] = []
    for path, kind in candidates:
        size, newest = _tree(path)
        age_limit = {"temp": TEMP_MAX_AGE, "scratch": SCRATCH_MIN_AGE, "artifact": ARTIFACT_GRACE}[kind]
        if time.time() - newest <= age_limit:
            continue  # touched since it was listed: in use after all
        if not dry_run:
            try:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            except FileNotFoundError:
                continue
        removed.append(Removal(path, kind, size))
    return GcReport(dry_run, tuple(removed), kept)


def _stamp(ws: Workspace) -> Path:
    return ws.root / "gc.stamp"


def collect_if_due(ws: Workspace, *, interval: float = INTERVAL) -> GcReport | None:
    """Run :func:`collect` if it has not run on this workspace for ``interval`` seconds.

    Returns:
        The report, or ``None`` when it was not due (or another collection is running).
    """
    stamp = _stamp(ws)
    last = _mtime(stamp)
    if last is not None and time.time() - last < interval:
        return None
    stamp.touch()
    try:
        return collect(ws)
    except Conflict:
        return None
