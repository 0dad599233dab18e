"""The activity feed: short sentences about what happened, newest first."""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from core.ids import utcnow
from core.store.entities import Event
from core.workspace import Workspace


def shorten(text: str, limit: int = 80) -> str:
    """Return ``text`` cut to at most ``limit`` characters at a word boundary, with an ellipsis.

    A word is never cut in half: the text ends at the last space that fits (a single word longer
    than ``limit`` is the one case cut inside, so something is left of it). Text that fits is
    returned as it is, with its runs of whitespace made single spaces.

    Example:
        >>> shorten("Usage in the last 90 days predicts cancellation", 30)
        'Usage in the last 90 days…'
    """
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if text[limit - 1] != " " and " " in cut:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:.-–—") + "…"


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
        object_kind: ``project``, ``dataset``, ``dataset_version``, ``hypothesis``, ``experiment``,
            ``model`` or ``job``.
        object_id: the object's id.
        verb: ``created``, ``renamed``, ``archived``...
        message: a sentence for the feed (quote user text whole, or through :func:`shorten`).
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


# Events of a dataset or a version recorded without a project (a profile, new column types, an
# archived dataset) belong to every project the dataset is attached to.
_OF_PROJECT = (
    "e.project_id = ? OR (e.project_id IS NULL AND ("
    " (e.object_kind = 'dataset' AND e.object_id IN"
    "   (SELECT dataset_id FROM project_datasets WHERE project_id = ?))"
    " OR (e.object_kind = 'dataset_version' AND e.object_id IN"
    "   (SELECT v.id FROM dataset_versions v JOIN project_datasets pd ON pd.dataset_id = v.dataset_id"
    "    WHERE pd.project_id = ?))))"
)


def list_events(ws: Workspace, *, project_id: str | None = None, limit: int = 20,
                skip: Iterable[tuple[str, str]] = ()) -> list[Event]:
    """Return the newest events, optionally only those of one project.

    A project's events include those of its datasets and their versions that were recorded
    without a project (profiles, column types, archiving a dataset).

    Args:
        ws: the workspace.
        project_id: only this project's events (default: every event).
        limit: at most this many.
        skip: ``(object_kind, verb)`` pairs to leave out, e.g. ``("job", "done")`` for a feed
            that shows the work itself (an experiment finished) rather than its jobs.
    """
    where: list[str] = []
    params: list[object] = []
    if project_id:
        where.append(f"({_OF_PROJECT})")
        params += [project_id] * 3
    for kind, verb in skip:
        where.append("NOT (e.object_kind = ? AND e.verb = ?)")
        params += [kind, verb]
    sql = "SELECT e.* FROM events e" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY e.seq DESC LIMIT ?"
    params.append(limit)
    with ws.read() as db:
        return [Event.from_row(r) for r in db.execute(sql, params).fetchall()]
