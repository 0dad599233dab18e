"""Label tasks: what is labeled (the rows of one dataset version, or one column of them), with which
classes, by how many annotators each, and where an image task finds its images."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pandas as pd

from core.data.entities import DatasetVersion
from core.data.reads import dataset_projects, get_version, load_frame
from core.errors import Conflict, InvalidInput, NotFound
from core.ids import new_id, utcnow
from core.labeling.entities import LabelTask
from core.labeling.schema import KINDS, parse_classes
from core.store.activity import record_event
from core.store.lineage import add_link
from core.workspace import Workspace

MAX_NAME = 80
MAX_OVERLAP = 10
KIND_NAMES = {"tabular": "rows", "text": "texts", "image": "images"}


def _clean_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise InvalidInput("A label task needs a name.",
                           hint="Name it after what is labeled, such as 'sentiment'; the published column gets this name.")
    if len(cleaned) > MAX_NAME:
        raise InvalidInput(f"The task name is {len(cleaned)} characters long; the limit is {MAX_NAME}.",
                           hint="Use a short name: it becomes the label column's name.")
    return cleaned


def _check_overlap(overlap: Any) -> int:
    try:
        value = int(overlap)
    except (TypeError, ValueError):
        value = 0
    if value < 1 or value > MAX_OVERLAP or str(overlap).strip() not in (str(value), f"{value}.0"):
        raise InvalidInput(f"The overlap must be a whole number from 1 to {MAX_OVERLAP}, not '{overlap}'.",
                           hint="Overlap is how many annotators label each item: 1 for one pass, 2 or 3 to "
                                "measure agreement.")
    return value


def _check_item_column(version: DatasetVersion, kind: str, item_column: str | None) -> str | None:
    columns = [c.name for c in version.schema]
    if item_column in (None, ""):
        if kind == "tabular":
            return None
        wanted = "a text column" if kind == "text" else "an image-path column"
        article = "An image" if kind == "image" else "A text"
        raise InvalidInput(f"{article} task needs the column that holds its items ({wanted}).",
                           hint="Choose the item column, such as 'review' or 'image'.")
    if item_column not in columns:
        raise NotFound(f"{version.label} has no column '{item_column}'.",
                       hint="Choose one of: " + ", ".join(columns[:20]) + ("…" if len(columns) > 20 else "") + ".")
    return item_column


def _default_image_root(version: DatasetVersion, image_root: str | Path | None) -> str | None:
    if image_root not in (None, ""):
        root = Path(str(image_root)).expanduser()
        if not root.is_dir():
            raise NotFound(f"The image folder '{root}' does not exist.",
                           hint="Give the folder the image paths are relative to, or upload the images as a zip.")
        return str(root.resolve())
    return version.source.get("image_root") or None


def create_task(ws: Workspace, version_id: str, *, name: str, classes: Any, kind: str = "tabular",
                item_column: str | None = None, overlap: int = 1, instructions: str = "",
                multi_label: bool = False, image_root: str | Path | None = None, project_id: str | None = None,
                created_by: str = "") -> LabelTask:
    """Create a label task over a dataset version.

    Args:
        ws: the workspace.
        version_id: the dataset version whose rows are labeled.
        name: the task's name (unique among the project's tasks); the published label column's name.
        classes: the classes: ``"a, b, c"``, names, or ``{"name", "color", "hotkey"}`` dicts.
        kind: ``tabular`` (whole rows), ``text`` or ``image``.
        item_column: the column holding each item (required for text and image tasks).
        overlap: how many annotators label each item (1-10).
        instructions: guidance for annotators, in Markdown.
        multi_label: let an item take several classes.
        image_root: the folder image paths are relative to (default: where an uploaded zip was unpacked).
        project_id: the project (default: the dataset's project when it has exactly one).
        created_by: who made it.

    Returns:
        The new task.

    Raises:
        NotFound: unknown version, project, column or image folder.
        InvalidInput: bad name, kind, classes, overlap or item column.
        Conflict: the project already has an active task of this name.
    """
    version = get_version(ws, version_id)
    clean = _clean_name(name)
    if kind not in KINDS:
        raise InvalidInput(f"'{kind}' is not a kind of label task.", hint="Use tabular, text or image.")
    column = _check_item_column(version, kind, item_column)
    schema = parse_classes(classes)
    overlap = _check_overlap(overlap)
    if project_id is None:
        owners = dataset_projects(ws, version.dataset_id)
        project_id = owners[0] if len(owners) == 1 else None
    elif project_id:
        from core.define.projects import get_project

        get_project(ws, project_id)
    root = _default_image_root(version, image_root) if kind == "image" else None
    row = {
        "id": new_id("lbt"), "project_id": project_id or None, "version_id": version.id, "name": clean,
        "kind": kind, "item_column": column, "classes": json.dumps(schema, ensure_ascii=False),
        "multi_label": int(bool(multi_label)), "instructions": (instructions or "").strip(), "overlap": overlap,
        "image_root": root, "settings": "{}", "created_by": created_by, "created_at": utcnow(),
    }
    with ws.write() as db:
        if _name_taken(db, clean, project_id, None):
            raise Conflict(f"This project already has a label task named '{clean}'.",
                           hint="Choose another name, or continue labeling in the existing task.")
        db["label_tasks"].insert(row)
        add_link(db, "label_task", row["id"], "labels", "dataset_version", version.id)
        record_event(db, object_kind="label_task", object_id=row["id"], verb="created", project_id=project_id,
                     message=f"Label task '{clean}' created on {version.label}: {len(schema)} classes, "
                             f"{version.n_rows:,} {KIND_NAMES[kind]}")
    return get_task(ws, row["id"])


def _name_taken(db: Any, name: str, project_id: str | None, other_than: str | None) -> bool:
    return db.execute(
        "SELECT 1 FROM label_tasks WHERE name = ? COLLATE NOCASE AND archived_at IS NULL"
        " AND project_id IS ? AND id IS NOT ?", [name, project_id, other_than]).fetchone() is not None


def get_task(ws: Workspace, task_id: str) -> LabelTask:
    """Return a label task by id.

    Raises:
        NotFound: if there is no such task.
    """
    with ws.read() as db:
        row = db.execute("SELECT * FROM label_tasks WHERE id = ?", [task_id]).fetchone()
    if row is None:
        raise NotFound(f"There is no label task '{task_id}'.",
                       hint="List the tasks with `mlcycle labels list`.")
    return LabelTask.from_row(row)


def find_task(ws: Workspace, ref: str, project_id: str | None = None) -> LabelTask:
    """Return the task with this id, else the active task with this name (ignoring case).

    Raises:
        NotFound: no task has that id or name.
        InvalidInput: the name is shared by tasks of several projects (give the id or the project).
    """
    ref = (ref or "").strip()
    with ws.read() as db:
        row = db.execute("SELECT * FROM label_tasks WHERE id = ?", [ref]).fetchone()
        if row is not None:
            return LabelTask.from_row(row)
        sql = "SELECT * FROM label_tasks WHERE name = ? COLLATE NOCASE AND archived_at IS NULL"
        args: list[Any] = [ref]
        if project_id:
            sql += " AND project_id = ?"
            args.append(project_id)
        rows = db.execute(sql + " ORDER BY created_at", args).fetchall()
    if not rows:
        raise NotFound(f"There is no label task '{ref}'.", hint="List the tasks with `mlcycle labels list`.")
    if len(rows) > 1:
        raise InvalidInput(f"{len(rows)} label tasks are named '{ref}'.",
                           hint="Give the task's id (`mlcycle labels list` shows it).")
    return LabelTask.from_row(rows[0])


def list_tasks(ws: Workspace, *, project_id: str | None = None, version_id: str | None = None,
               include_archived: bool = False) -> list[LabelTask]:
    """Return label tasks, newest first (of a project, or of a dataset version, when given)."""
    sql, args = "SELECT * FROM label_tasks WHERE 1 = 1", []
    if project_id:
        sql += " AND project_id = ?"
        args.append(project_id)
    if version_id:
        sql += " AND version_id = ?"
        args.append(version_id)
    if not include_archived:
        sql += " AND archived_at IS NULL"
    with ws.read() as db:
        rows = db.execute(sql + " ORDER BY created_at DESC", args).fetchall()
    return [LabelTask.from_row(r) for r in rows]


def update_task(ws: Workspace, task_id: str, *, name: str | None = None, classes: Any = None,
                instructions: str | None = None, overlap: int | None = None,
                multi_label: bool | None = None) -> LabelTask:
    """Change a task's name, classes, instructions, overlap or multi-label setting.

    Removing a class keeps every label given for it: they are flagged as not in the schema (screens,
    status, publishing say how many), never dropped. Renaming a class is removing it and adding another.

    Raises:
        NotFound: unknown task.
        InvalidInput: bad values (as for :func:`create_task`), or making a task single-label while
            some item already has several classes.
        Conflict: another task of the project has the new name.
    """
    task = get_task(ws, task_id)
    changes: dict[str, Any] = {}
    if name is not None and _clean_name(name) != task.name:
        changes["name"] = _clean_name(name)
    if classes is not None:
        changes["classes"] = json.dumps(parse_classes(classes), ensure_ascii=False)
    if instructions is not None:
        changes["instructions"] = instructions.strip()
    if overlap is not None:
        changes["overlap"] = _check_overlap(overlap)
    if multi_label is not None and bool(multi_label) != task.multi_label:
        changes["multi_label"] = int(bool(multi_label))
    if not changes:
        return task
    changes["updated_at"] = utcnow()
    with ws.write() as db:
        if "name" in changes and _name_taken(db, changes["name"], task.project_id, task.id):
            raise Conflict(f"This project already has a label task named '{changes['name']}'.",
                           hint="Choose another name.")
        if changes.get("multi_label") == 0 and db.execute(
                "SELECT 1 FROM annotations WHERE task_id = ? AND label LIKE '[%,%]' AND undone_at IS NULL LIMIT 1",
                [task.id]).fetchone():
            raise InvalidInput("Some items already have several classes, so the task must stay multi-label.",
                               hint="Make a new single-label task if you need one class per item.")
        db["label_tasks"].update(task.id, changes)
        said = ", ".join(k for k in ("name", "classes", "instructions", "overlap", "multi_label") if k in changes)
        record_event(db, object_kind="label_task", object_id=task.id, verb="updated", project_id=task.project_id,
                     message=f"Label task '{changes.get('name', task.name)}' changed: {said}")
    return get_task(ws, task.id)


def _set_archived(ws: Workspace, task_id: str, archived: bool) -> LabelTask:
    task = get_task(ws, task_id)
    if bool(task.archived_at) == archived:
        return task
    with ws.write() as db:
        if not archived and _name_taken(db, task.name, task.project_id, task.id):
            raise Conflict(f"Another active label task is named '{task.name}'.",
                           hint="Rename or archive that task first.")
        db["label_tasks"].update(task.id, {"archived_at": utcnow() if archived else None})
        record_event(db, object_kind="label_task", object_id=task.id, verb="archived" if archived else "restored",
                     project_id=task.project_id,
                     message=f"Label task '{task.name}' {'archived' if archived else 'restored'}")
    return get_task(ws, task.id)


def archive_task(ws: Workspace, task_id: str) -> LabelTask:
    """Hide a task from the lists; its labels are kept and it can be restored."""
    return _set_archived(ws, task_id, True)


def restore_task(ws: Workspace, task_id: str) -> LabelTask:
    """Bring an archived task back."""
    return _set_archived(ws, task_id, False)


_FRAMES: OrderedDict[tuple[str, str, str], pd.DataFrame] = OrderedDict()
_FRAMES_KEPT = 4
_FRAMES_LOCK = threading.Lock()


def load_items(ws: Workspace, task: LabelTask) -> pd.DataFrame:
    """The task's items: its version's table, indexed by item (0..n-1). Cached: versions never change.

    The frame is shared between callers: copy it before changing it.
    """
    version = get_version(ws, task.version_id)
    key = (str(ws.root), version.id, version.artifact)
    with _FRAMES_LOCK:
        if key in _FRAMES:
            _FRAMES.move_to_end(key)
            return _FRAMES[key]
    frame = load_frame(ws, version.id).reset_index(drop=True)
    with _FRAMES_LOCK:
        _FRAMES[key] = frame
        while len(_FRAMES) > _FRAMES_KEPT:
            _FRAMES.popitem(last=False)
    return frame


def item_count(ws: Workspace, task: LabelTask) -> int:
    """How many items the task has (its version's rows)."""
    return get_version(ws, task.version_id).n_rows


def check_item(ws: Workspace, task: LabelTask, item: Any) -> int:
    """Return ``item`` as a row number of the task.

    Raises:
        InvalidInput: not a whole number, or outside the task's rows.
    """
    n = item_count(ws, task)
    try:
        value = int(item)
        if str(item).strip() not in (str(value), f"{value}.0"):
            raise ValueError
    except (TypeError, ValueError):
        raise InvalidInput(f"'{item}' is not an item number.",
                           hint=f"Items are the rows of the data, numbered 0 to {n - 1:,}.") from None
    if not 0 <= value < n:
        raise InvalidInput(f"Item {value:,} does not exist: this task has {n:,} items (0 to {n - 1:,}).",
                           hint="Check the item number.")
    return value


def item_keys(ws: Workspace, task: LabelTask) -> dict[str, int]:
    """Each item's keys -> the item: its row number as text and, with an item column, that column's
    value (the first row wins when values repeat)."""
    n = item_count(ws, task)
    keys: dict[str, int] = {}
    if task.item_column:
        values = load_items(ws, task)[task.item_column]
        for i, v in enumerate(values.tolist()):
            if v is not None and not (isinstance(v, float) and v != v):
                keys.setdefault(str(v).strip(), i)
    for i in range(n):
        keys.setdefault(str(i), i)
    return keys


def item_text(ws: Workspace, task: LabelTask, item: int) -> str:
    """The item's content as text: its item column's value, or ``column: value`` lines of the row."""
    frame = load_items(ws, task)
    row = frame.iloc[check_item(ws, task, item)]
    if task.item_column:
        value = row[task.item_column]
        return "" if value is None or (isinstance(value, float) and value != value) else str(value)
    return "\n".join(f"{c}: {'' if v is None or (isinstance(v, float) and v != v) else v}" for c, v in row.items())


def _image_root(ws: Workspace, task: LabelTask) -> Path | None:
    """The task's image folder; for images unpacked from a zip, found again in a moved workspace."""
    if task.image_root and Path(task.image_root).is_dir():
        return Path(task.image_root).resolve()
    from core.labeling.images import image_root_of

    found = image_root_of(ws, task.version_id)
    return found.resolve() if found is not None else None


def image_path(ws: Workspace, task: LabelTask, item: int) -> Path:
    """The file of an image item.

    Relative paths are read under the task's image folder and may not leave it; absolute paths are
    read as they are.

    Raises:
        InvalidInput: the item has no path, the path leaves the image folder, or the file is missing.
    """
    value = item_text(ws, task, item).strip()
    if not value:
        raise InvalidInput(f"Item {item:,} has no image path in '{task.item_column}'.", hint="Skip this item.")
    path = Path(value)
    if not path.is_absolute():
        root = _image_root(ws, task)
        if root is None:
            raise InvalidInput(f"The image path '{value}' is relative, and the task has no image folder.",
                               hint="Give the task the folder the paths are relative to, or upload a zip of the images.")
        path = (root / path).resolve()
        if not path.is_relative_to(root):
            raise InvalidInput(f"The image path '{value}' points outside the task's image folder.",
                               hint="Use paths inside the image folder.")
    if not path.is_file():
        raise InvalidInput(f"The image '{value}' of item {item:,} is missing.",
                           hint=f"Put the file back under {task.image_root or path.parent}, or skip this item.")
    return path


