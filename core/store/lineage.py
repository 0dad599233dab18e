"""Lineage: every recorded link between objects (version -> parent, experiment -> data...)."""

from __future__ import annotations

from sqlite_utils import Database

from core.ids import utcnow
from core.store.entities import Link
from core.workspace import Workspace


def add_link(
    db: Database, from_kind: str, from_id: str, relation: str, to_kind: str, to_id: str
) -> None:
    """Record ``from --relation--> to`` inside the caller's transaction (idempotent).

    Example: ``add_link(db, "dataset_version", child, "derived_from", "dataset_version", parent)``.
    """
    db.execute(
        "INSERT OR IGNORE INTO lineage (from_kind, from_id, relation, to_kind, to_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [from_kind, from_id, relation, to_kind, to_id, utcnow()],
    )


def list_links(ws: Workspace, kind: str, object_id: str) -> list[Link]:
    """Return every link that starts or ends at the object, oldest first."""
    with ws.read() as db:
        rows = db.execute(
            "SELECT * FROM lineage WHERE (from_kind = ? AND from_id = ?) OR (to_kind = ? AND to_id = ?)"
            " ORDER BY seq",
            [kind, object_id, kind, object_id],
        ).fetchall()
    return [Link.from_row(r) for r in rows]


def neighbourhood(ws: Workspace, kind: str, object_id: str, *, depth: int = 10) -> list[Link]:
    """Return the links reachable from the object in either direction, up to ``depth`` hops."""
    seen: dict[int, Link] = {}
    frontier = {(kind, object_id)}
    visited: set[tuple[str, str]] = set()
    for _ in range(depth):
        nxt: set[tuple[str, str]] = set()
        for node in frontier - visited:
            visited.add(node)
            for link in list_links(ws, *node):
                if link.seq not in seen:
                    seen[link.seq] = link
                    nxt.add((link.from_kind, link.from_id))
                    nxt.add((link.to_kind, link.to_id))
        frontier = nxt - visited
        if not frontier:
            break
    return sorted(seen.values(), key=lambda link: link.seq)
