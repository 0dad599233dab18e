"""The activity feed: short sentences about what happened, newest first."""

from __future__ import annotations

from sqlite_utils import Database

from core.ids import utcnow
from core.store.entities import Event
from core.workspace import Workspace


def record_event(
    db: Database,
    *,
    object_kind: str,
    object_id: str,
    verb: str,
    message: str,
    project_id: str | None = None,
) -> None:
    """Append an event inside the caller's transaction.

    Args:
        db: an open connection (usually from ``Workspace.write``).
        object_kind: ``project``, ``dataset``, ``job``...
        object_id: the object's id.
        verb: ``created``, ``renamed``, ``archived``...
        message: a sentence for the feed.
        project_id: the project it belongs to, if any.
    """
    db["events"].insert(
        {
            "at": utcnow(),
            "project_id": project_id,
            "object_kind": object_kind,
            "object_id": object_id,
            "verb": verb,
            "message": message,
        }
    )


def list_events(ws: Workspace, *, project_id: str | None = None, limit: int = 20) -> list[Event]:
    """Return the newest events, optionally only those of one project."""
    sql = "SELECT * FROM events"
    params: list[object] = []
    if project_id:
        sql += " WHERE project_id = ?"
        params.append(project_id)
    sql += " ORDER BY seq DESC LIMIT ?"
    params.append(limit)
    with ws.read() as db:
        return [Event.from_row(r) for r in db.execute(sql, params).fetchall()]
