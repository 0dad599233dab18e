"""Publishing labels: the task's resolved labels become a new version of its dataset.

The new version is the source version's table plus a label column named after the task, linked in
lineage to the source version (``derived_from``) and to the task (``labeled_in``). Labeling can go on
and be published again: each publication is another version.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pyarrow as pa

from core.data.datasets import derive_table
from core.data.reads import get_version, load_table
from core.errors import InvalidInput
from core.ids import new_id, utcnow
from core.labeling.entities import LabelTask, Publication
from core.labeling.schema import decode_label, in_schema
from core.labeling.tasks import get_task
from core.store.activity import record_event
from core.store.lineage import add_link
from core.workspace import Workspace

MULTI_SEPARATOR = "|"


def label_column_for(task: LabelTask, columns: list[str]) -> str:
    """The label column's name: the task's name, or ``"<name> (label)"`` when the data has that column."""
    taken = {c.casefold() for c in columns}
    name = task.label_column
    if name.casefold() not in taken:
        return name
    base = f"{name} (label)"
    candidate, n = base, 2
    while candidate.casefold() in taken:
        candidate, n = f"{base} {n}", n + 1
    return candidate


def published_value(task: LabelTask, label: str | None) -> str | None:
    """A resolved label as it appears in the published column (multi-label: names joined by ``|``)."""
    if label is None:
        return None
    return MULTI_SEPARATOR.join(decode_label(task.multi_label, label)) if task.multi_label else label


def publish_labels(ws: Workspace, task_id: str, *, include_unresolved: bool = False,
                   created_by: str = "") -> Publication:
    """Publish the task's resolved labels as a new version of its dataset.

    Args:
        ws: the workspace.
        task_id: the task.
        include_unresolved: keep the rows without a resolved label (their label is empty);
            by default they are left out.
        created_by: who published.

    Returns:
        The publication: the new version's id, its label column and the counts (rows, resolved,
        left out, per class, labels of classes no longer in the schema).

    Raises:
        NotFound: unknown task.
        InvalidInput: no item has a resolved label yet.
    """
    from core.labeling.agreement import resolve

    task = get_task(ws, task_id)
    version = get_version(ws, task.version_id)
    resolved = resolve(ws, task.id)
    n = version.n_rows
    labels = np.full(n, None, dtype=object)
    for item, label in resolved["label"].items():
        if label is not None and label == label and 0 <= int(item) < n:
            labels[int(item)] = label
    has = np.array([v is not None for v in labels], dtype=bool)
    n_resolved = int(has.sum())
    if not n_resolved and not include_unresolved:
        raise InvalidInput(
            f"No item of the task '{task.name}' has a resolved label yet.",
            hint=f"Label items first (each needs {task.overlap} annotator{'s' if task.overlap > 1 else ''}); decide "
                 "ties on the Review tab; or publish with the unresolved rows kept unlabeled.")
    flagged = sum(1 for v in labels[has] if not in_schema(task.classes, task.multi_label, v))
    table = load_table(ws, version.id)
    column = label_column_for(task, table.column_names)
    keep = np.arange(n) if include_unresolved else np.flatnonzero(has)
    values = [published_value(task, v) for v in labels[keep]]
    new = table.take(pa.array(keep, pa.int64())).append_column(column, pa.array(values, pa.string()))
    per_class = Counter(name for v in labels[has] for name in decode_label(task.multi_label, v))
    counts: dict[str, Any] = {
        "rows": len(keep), "resolved": n_resolved, "unresolved": n - n_resolved,
        "left_out": 0 if include_unresolved else n - n_resolved,
        "per_class": dict(sorted(per_class.items(), key=lambda kv: (-kv[1], kv[0]))), "not_in_schema": flagged,
    }
    kept = "kept unlabeled" if include_unresolved else "left out"
    summary = (f"labels of task '{task.name}' published as column '{column}': {n_resolved:,} labeled rows"
               + (f", {n - n_resolved:,} unresolved {kept}" if n - n_resolved else ""))
    operation = {"op": "publish_labels", "task_id": task.id, "task": task.name, "label_column": column,
                 "include_unresolved": bool(include_unresolved), "summary": summary}
    result = derive_table(ws, version, new, operation, forced={column: "categorical"}, created_by=created_by)
    counts["reused"] = result.reused
    row = {"id": new_id("lbp"), "task_id": task.id, "version_id": result.version.id, "label_column": column,
           "include_unresolved": int(bool(include_unresolved)), "counts": counts, "created_by": created_by,
           "created_at": utcnow()}
    with ws.write() as db:
        db["label_publications"].insert(row)
        add_link(db, "dataset_version", result.version.id, "labeled_in", "label_task", task.id)
        record_event(db, object_kind="label_task", object_id=task.id, verb="published", project_id=task.project_id,
                     message=f"Labels of '{task.name}' published as {result.version.label}: {len(keep):,} rows, "
                             f"column '{column}'")
    return Publication.from_row(row)


def list_publications(ws: Workspace, task_id: str) -> list[Publication]:
    """The task's publications, newest first."""
    with ws.read() as db:
        rows = db.execute("SELECT * FROM label_publications WHERE task_id = ? ORDER BY created_at DESC",
                          [task_id]).fetchall()
    return [Publication.from_row(r) for r in rows]


def label_source(ws: Workspace, version_id: str, *, depth: int = 20) -> tuple[LabelTask, Publication] | None:
    """The task whose labels a version carries (the version, or an ancestor such as the version a
    training split was made from, was published from a task), with that publication."""
    current: str | None = version_id
    with ws.read() as db:
        for _ in range(depth):
            if current is None:
                return None
            row = db.execute("SELECT * FROM label_publications WHERE version_id = ? ORDER BY created_at DESC LIMIT 1",
                             [current]).fetchone()
            if row is not None:
                publication = Publication.from_row(row)
                return get_task(ws, publication.task_id), publication
            parent = db.execute("SELECT parent_id FROM dataset_versions WHERE id = ?", [current]).fetchone()
            current = parent[0] if parent else None
    return None
