"""Projects: create, rename, archive and restore; the problem statement lives here too."""

from __future__ import annotations

import sqlite3

from core.define.entities import Project
from core.errors import Conflict, InvalidInput, NotFound
from core.ids import new_id, utcnow
from core.store.activity import record_event
from core.workspace import Workspace

MAX_NAME = 120


def _clean_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise InvalidInput("A project needs a name.", hint="Type a short name such as 'Churn 2026'.")
    if len(cleaned) > MAX_NAME:
        raise InvalidInput(
            f"The project name is {len(cleaned)} characters long; the limit is {MAX_NAME}.",
            hint="Use a shorter name and put the detail in the description.",
        )
    return cleaned


def _name_taken(name: str) -> Conflict:
    return Conflict(
        f"A project named '{name}' already exists.",
        hint="Pick another name, or switch to the existing project in the sidebar.",
    )


def create_project(ws: Workspace, name: str, *, description: str = "") -> Project:
    """Create a project.

    Args:
        ws: the workspace.
        name: a unique (case-insensitive) name among active projects.
        description: one or two sentences.

    Returns:
        The new project.

    Raises:
        InvalidInput: if the name is blank or too long.
        Conflict: if an active project already has this name.
    """
    name = _clean_name(name)
    now = utcnow()
    row = {
        "id": new_id("prj"),
        "name": name,
        "description": description.strip(),
        "problem_statement": "",
        "created_at": now,
        "updated_at": now,
        "archived_at": None,
    }
    try:
        with ws.write() as db:
            db["projects"].insert(row)
            record_event(
                db, object_kind="project", object_id=row["id"], verb="created",
                message=f"Project '{name}' created", project_id=row["id"],
            )
    except sqlite3.IntegrityError as exc:
        raise _name_taken(name) from exc
    return Project.from_row(row)


def get_project(ws: Workspace, project_id: str) -> Project:
    """Return the project with this id (archived ones included).

    Raises:
        NotFound: if there is no such project.
    """
    project = find_project(ws, project_id)
    if project is None:
        raise NotFound(
            f"There is no project with id '{project_id}'.",
            hint="List projects with `mlcycle projects list`.",
        )
    return project


def find_project(ws: Workspace, project_id: str | None) -> Project | None:
    """Return the project with this id, or ``None``."""
    if not project_id:
        return None
    with ws.read() as db:
        row = db.execute("SELECT * FROM projects WHERE id = ?", [project_id]).fetchone()
    return Project.from_row(row) if row else None


def find_project_by_name(ws: Workspace, name: str) -> Project | None:
    """Return the active project with this name (case-insensitive), or ``None``."""
    with ws.read() as db:
        row = db.execute(
            "SELECT * FROM projects WHERE name = ? COLLATE NOCASE AND archived_at IS NULL",
            [" ".join(name.split())],
        ).fetchone()
    return Project.from_row(row) if row else None


def list_projects(ws: Workspace, *, include_archived: bool = False) -> list[Project]:
    """Return projects, most recently updated first."""
    sql = "SELECT * FROM projects"
    if not include_archived:
        sql += " WHERE archived_at IS NULL"
    sql += " ORDER BY updated_at DESC"
    with ws.read() as db:
        return [Project.from_row(r) for r in db.execute(sql).fetchall()]


def _update(ws: Workspace, project_id: str, values: dict, *, verb: str, message: str) -> Project:
    get_project(ws, project_id)
    values = {**values, "updated_at": utcnow()}
    with ws.write() as db:
        db["projects"].update(project_id, values)
        record_event(db, object_kind="project", object_id=project_id, verb=verb,
                     message=message, project_id=project_id)
    return get_project(ws, project_id)


def rename_project(ws: Workspace, project_id: str, name: str) -> Project:
    """Rename a project.

    Raises:
        NotFound: if there is no such project.
        InvalidInput: if the name is blank or too long.
        Conflict: if another active project has this name.
    """
    name = _clean_name(name)
    old = get_project(ws, project_id)
    try:
        return _update(ws, project_id, {"name": name}, verb="renamed",
                       message=f"Project '{old.name}' renamed to '{name}'")
    except sqlite3.IntegrityError as exc:
        raise _name_taken(name) from exc


def update_project(
    ws: Workspace, project_id: str, *, description: str | None = None,
    problem_statement: str | None = None,
) -> Project:
    """Change a project's description and/or problem statement (markdown).

    Raises:
        NotFound: if there is no such project.
    """
    values = {}
    if description is not None:
        values["description"] = description.strip()
    if problem_statement is not None:
        values["problem_statement"] = problem_statement.strip()
    project = get_project(ws, project_id)
    if not values:
        return project
    what = "problem statement" if "problem_statement" in values else "description"
    return _update(ws, project_id, values, verb="edited",
                   message=f"Project '{project.name}': {what} updated")


def archive_project(ws: Workspace, project_id: str) -> Project:
    """Hide a project from lists (a soft delete: nothing is removed).

    Raises:
        NotFound: if there is no such project.
    """
    project = get_project(ws, project_id)
    if project.archived_at:
        return project
    return _update(ws, project_id, {"archived_at": utcnow()}, verb="archived",
                   message=f"Project '{project.name}' archived")


def restore_project(ws: Workspace, project_id: str) -> Project:
    """Bring an archived project back.

    Raises:
        NotFound: if there is no such project.
        Conflict: if an active project has taken its name meanwhile.
    """
    project = get_project(ws, project_id)
    if not project.archived_at:
        return project
    try:
        return _update(ws, project_id, {"archived_at": None}, verb="restored",
                       message=f"Project '{project.name}' restored")
    except sqlite3.IntegrityError as exc:
        raise Conflict(
            f"Cannot restore '{project.name}': an active project has that name.",
            hint="Rename the active project first.",
        ) from exc
