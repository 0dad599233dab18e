"""The labels given: an append-only log per task.

Every label is saved the moment it is given (there is no save step to forget). A change is a newer
row, and "undo last" only marks the annotator's own latest row, so two annotators working on one
task at the same time never overwrite each other, and undo never removes someone else's label.
The current label of an (item, annotator) pair is their latest row that gives a label and was not
undone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from core.errors import InvalidInput
from core.ids import utcnow
from core.labeling.entities import Annotation, LabelTask
from core.labeling.schema import encode_label
from core.labeling.tasks import check_item, get_task, item_count
from core.workspace import Workspace

MAX_ANNOTATOR = 60
SOURCES = ("screen", "bulk", "cli", "import")
IDLE_SECONDS = 300  # a longer pause between two labels is a break, not labeling time
CURRENT_COLUMNS = ["item", "annotator", "label", "suggested", "accepted", "source", "seconds", "created_at", "seq"]


def check_annotator(name: Any) -> str:
    """Return the annotator's name, cleaned.

    Raises:
        InvalidInput: a blank name, or one longer than 60 characters.
    """
    clean = " ".join(str(name or "").split())
    if not clean:
        raise InvalidInput("Labels need an annotator's name.",
                           hint="Give your name (or initials), so agreement between annotators can be measured.")
    if len(clean) > MAX_ANNOTATOR:
        raise InvalidInput(f"The annotator name is {len(clean)} characters long; the limit is {MAX_ANNOTATOR}.",
                           hint="Use a shorter name or initials.")
    return clean


def _open_task(ws: Workspace, task_id: str) -> LabelTask:
    task = get_task(ws, task_id)
    if task.archived_at:
        raise InvalidInput(f"The label task '{task.name}' is archived.", hint="Restore it to label again.")
    return task


def _check_source(source: str) -> str:
    if source not in SOURCES:
        raise InvalidInput(f"'{source}' is not a label source.", hint="Use one of: " + ", ".join(SOURCES) + ".")
    return source


def _row(task_id: str, item: int, annotator: str, label: str | None, *, action: str = "label",
         suggested: str | None = None, source: str = "screen", seconds: float | None = None,
         created_at: str | None = None) -> dict[str, Any]:
    return {"task_id": task_id, "item": item, "annotator": annotator, "label": label, "action": action,
            "suggested": suggested, "accepted": int(suggested is not None and label == suggested),
            "source": source, "seconds": None if seconds is None else round(max(float(seconds), 0.0), 3),
            "created_at": created_at or utcnow()}


def _insert(db: Any, row: Mapping[str, Any]) -> Annotation:
    cursor = db.execute(
        "INSERT INTO annotations (task_id, item, annotator, label, action, suggested, accepted, source, seconds,"
        " created_at) VALUES (:task_id, :item, :annotator, :label, :action, :suggested, :accepted, :source,"
        " :seconds, :created_at)", dict(row))
    return Annotation.from_row({**row, "seq": cursor.lastrowid, "undone_at": None})


def _current_of(db: Any, task_id: str, annotator: str, items: Sequence[int]) -> dict[int, tuple[str, str]]:
    """This annotator's current label of each of ``items`` (those that have one), with when it was given."""
    out: dict[int, tuple[str, str]] = {}
    for start in range(0, len(items), 500):
        chunk = list(items[start:start + 500])
        marks = ",".join("?" * len(chunk))
        rows = db.execute(
            "SELECT item, label, created_at FROM annotations WHERE seq IN (SELECT MAX(seq) FROM annotations"
            f" WHERE task_id = ? AND annotator = ? AND action = 'label' AND undone_at IS NULL AND item IN ({marks})"
            " GROUP BY item)", [task_id, annotator, *chunk]).fetchall()
        out.update({r[0]: (r[1], r[2]) for r in rows})
    return out


def record_label(ws: Workspace, task_id: str, item: Any, label: Any, *, annotator: str, source: str = "screen",
                 suggested: str | None = None, seconds: float | None = None,
                 check_schema: bool = True) -> Annotation:
    """Save one label, at once.

    Args:
        ws: the workspace.
        task_id: the task.
        item: the item (row number).
        label: a class name; a list of names for a multi-label task.
        annotator: who gives it.
        source: ``screen``, ``bulk``, ``cli`` or ``import``.
        suggested: the model's suggestion that was shown (it was accepted when it equals the label).
        seconds: time spent on the item.
        check_schema: refuse a class that is not in the schema.

    Returns:
        The saved row.

    Raises:
        NotFound: unknown task.
        InvalidInput: archived task, bad item, annotator, source or label.
    """
    task = _open_task(ws, task_id)
    row = _row(task.id, check_item(ws, task, item), check_annotator(annotator),
               encode_label(task.classes, task.multi_label, label, check_schema=check_schema),
               suggested=suggested, source=_check_source(source), seconds=seconds)
    with ws.write() as db:
        return _insert(db, row)


def record_labels(ws: Workspace, task_id: str, items: Iterable[Any], label: Any, *, annotator: str,
                  source: str = "bulk") -> int:
    """Give one label to many items in one step (items that already have it from this annotator are left).

    Returns:
        How many labels were written.

    Raises:
        NotFound: unknown task.
        InvalidInput: archived task, bad item, annotator or label.
    """
    task = _open_task(ws, task_id)
    who = check_annotator(annotator)
    text = encode_label(task.classes, task.multi_label, label)
    wanted = sorted({check_item(ws, task, i) for i in items})
    at = utcnow()
    with ws.write() as db:
        have = _current_of(db, task.id, who, wanted)
        rows = [_row(task.id, i, who, text, source=_check_source(source), created_at=at)
                for i in wanted if have.get(i, (None,))[0] != text]
        _insert_many(db, rows)
    return len(rows)


def _insert_many(db: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        db.conn.executemany(
            "INSERT INTO annotations (task_id, item, annotator, label, action, suggested, accepted, source,"
            " seconds, created_at) VALUES (:task_id, :item, :annotator, :label, :action, :suggested, :accepted,"
            " :source, :seconds, :created_at)", rows)


def record_many(ws: Workspace, task_id: str, rows: Iterable[Mapping[str, Any]], *,
                check_schema: bool = False) -> int:
    """Save many labels from several annotators in one transaction (imports).

    Each row: ``{"item", "label", "annotator", "source"?, "suggested"?, "created_at"?}``. A label equal
    to that annotator's current label of the item is not written again, so importing a file twice
    adds nothing; nor is one given before that current label (an old export brought back in never
    undoes what the annotator has labeled since).

    Returns:
        How many labels were written.

    Raises:
        NotFound: unknown task.
        InvalidInput: archived task, or a row with a bad item, annotator or label (nothing is written).
    """
    task = _open_task(ws, task_id)
    n = item_count(ws, task)
    prepared = []
    for row in rows:
        item = check_item(ws, task, row["item"]) if not isinstance(row["item"], int) or not 0 <= row["item"] < n \
            else row["item"]
        prepared.append(_row(task.id, item, check_annotator(row["annotator"]),
                             encode_label(task.classes, task.multi_label, row["label"], check_schema=check_schema),
                             suggested=row.get("suggested"), source=_check_source(row.get("source", "import")),
                             created_at=row.get("created_at")))
    with ws.write() as db:
        fresh = []
        for who in {r["annotator"] for r in prepared}:
            mine = [r for r in prepared if r["annotator"] == who]
            have = _current_of(db, task.id, who, sorted({r["item"] for r in mine}))
            for r in sorted(mine, key=lambda r: r["created_at"]):
                label, given = have.get(r["item"], (None, ""))
                if r["label"] != label and r["created_at"] >= given:
                    fresh.append(r)
                    have[r["item"]] = (r["label"], r["created_at"])
        fresh.sort(key=lambda r: r["created_at"])
        _insert_many(db, fresh)
    return len(fresh)


def skip_item(ws: Workspace, task_id: str, item: Any, *, annotator: str) -> Annotation:
    """Put an item aside for this annotator: it comes back only after every other item."""
    task = _open_task(ws, task_id)
    row = _row(task.id, check_item(ws, task, item), check_annotator(annotator), None, action="skip")
    with ws.write() as db:
        return _insert(db, row)


def undo_last(ws: Workspace, task_id: str, *, annotator: str) -> Annotation | None:
    """Undo this annotator's latest label or skip in the task (never anyone else's).

    Returns:
        The row undone (its earlier label of that item, if any, is current again), or ``None`` when
        the annotator has nothing left to undo.
    """
    task = _open_task(ws, task_id)
    who = check_annotator(annotator)
    with ws.write() as db:
        row = db.execute("SELECT * FROM annotations WHERE task_id = ? AND annotator = ? AND undone_at IS NULL"
                         " ORDER BY seq DESC LIMIT 1", [task.id, who]).fetchone()
        if row is None:
            return None
        at = utcnow()
        db.execute("UPDATE annotations SET undone_at = ? WHERE seq = ?", [at, row["seq"]])
    return Annotation.from_row({**dict(row), "undone_at": at})


def list_annotations(ws: Workspace, task_id: str, *, annotator: str | None = None,
                     include_undone: bool = False) -> list[Annotation]:
    """Every label and skip of a task (of one annotator), oldest first."""
    sql, args = "SELECT * FROM annotations WHERE task_id = ?", [task_id]
    if annotator:
        sql += " AND annotator = ?"
        args.append(annotator)
    if not include_undone:
        sql += " AND undone_at IS NULL"
    with ws.read() as db:
        return [Annotation.from_row(r) for r in db.execute(sql + " ORDER BY seq", args).fetchall()]


def current_labels(ws: Workspace, task_id: str) -> pd.DataFrame:
    """The current label of each (item, annotator): one row each, oldest first.

    Columns: item, annotator, label, suggested, accepted (bool), source, seconds, created_at, seq.
    Read as plain tuples in one scan and reduced by pandas (a join per row is several times slower
    on a task of a hundred thousand items).
    """
    import gc

    was_enabled = gc.isenabled()
    gc.disable()  # the row tuples hold no cycles; collecting while they are made costs more than the read
    try:
        with ws.read() as db:
            cursor = db.conn.cursor()
            cursor.row_factory = None
            rows = cursor.execute(
                "SELECT item, annotator, label, suggested, accepted, source, seconds, created_at, seq FROM annotations"
                " WHERE task_id = ? AND action = 'label' AND undone_at IS NULL ORDER BY seq", [task_id]).fetchall()
        frame = pd.DataFrame.from_records(rows, columns=CURRENT_COLUMNS, coerce_float=False)
    finally:
        if was_enabled:
            gc.enable()
    frame = frame.drop_duplicates(["item", "annotator"], keep="last").reset_index(drop=True)
    frame["item"] = frame["item"].astype("int64")
    frame["accepted"] = frame["accepted"].astype(bool)
    return frame


def next_items(ws: Workspace, task_id: str, *, annotator: str, limit: int = 1) -> list[int]:
    """The items this annotator should label next.

    Items they have neither labeled nor skipped, that still need annotators (fewer than the task's
    overlap). Order: most uncertain first when a quick model has suggested labels, then items other
    annotators already started (so overlap completes), then row order. Items this annotator skipped
    come only after all others.
    """
    task = get_task(ws, task_id)
    who = check_annotator(annotator)
    n = item_count(ws, task)
    with ws.read() as db:
        counts = db.execute(
            "SELECT item, COUNT(DISTINCT annotator) FROM annotations WHERE seq IN (SELECT MAX(seq) FROM annotations"
            " WHERE task_id = ? AND action = 'label' AND undone_at IS NULL GROUP BY item, annotator) GROUP BY item",
            [task.id]).fetchall()
        mine = db.execute(
            "SELECT item, action FROM annotations WHERE seq IN (SELECT MAX(seq) FROM annotations WHERE task_id = ?"
            " AND annotator = ? AND undone_at IS NULL GROUP BY item)", [task.id, who]).fetchall()
        labeled_by_me = db.execute(
            "SELECT DISTINCT item FROM annotations WHERE task_id = ? AND annotator = ? AND action = 'label'"
            " AND undone_at IS NULL", [task.id, who]).fetchall()
        uncertain = db.execute("SELECT item, uncertainty FROM label_suggestions WHERE task_id = ?",
                               [task.id]).fetchall()
    others = np.zeros(n, dtype=np.int64)
    for item, count in counts:
        if 0 <= item < n:
            others[item] = count
    done = np.zeros(n, dtype=bool)
    done[[i for (i,) in labeled_by_me if 0 <= i < n]] = True
    skipped = np.zeros(n, dtype=bool)
    skipped[[i for i, action in mine if action == "skip" and 0 <= i < n]] = True
    skipped &= ~done
    wanted = ~done & (others < task.overlap)
    score = np.full(n, -1.0)
    for item, value in uncertain:
        if 0 <= item < n:
            score[item] = value
    candidates = np.flatnonzero(wanted)
    # lexsort: the last key is the primary one
    order = np.lexsort((candidates, ~(others[candidates] > 0), -score[candidates], skipped[candidates]))
    return [int(i) for i in candidates[order][:max(int(limit), 0)]]


def history(ws: Workspace, task_id: str, *, annotator: str, limit: int = 50) -> list[Annotation]:
    """This annotator's latest label or skip of each item they worked on, newest first (for Back)."""
    who = check_annotator(annotator)
    with ws.read() as db:
        rows = db.execute(
            "SELECT * FROM annotations WHERE seq IN (SELECT MAX(seq) FROM annotations WHERE task_id = ?"
            " AND annotator = ? AND undone_at IS NULL GROUP BY item) ORDER BY seq DESC LIMIT ?",
            [task_id, who, int(limit)]).fetchall()
    return [Annotation.from_row(r) for r in rows]


def annotators(ws: Workspace, task_id: str) -> list[str]:
    """Everyone with a current label in the task, in the order they started."""
    with ws.read() as db:
        rows = db.execute("SELECT annotator, MIN(seq) AS first FROM annotations WHERE task_id = ? AND action = 'label'"
                          " AND undone_at IS NULL GROUP BY annotator ORDER BY first", [task_id]).fetchall()
    return [r[0] for r in rows]


def items_per_hour(ws: Workspace, task_id: str, *, annotator: str, recent: int = 50) -> float | None:
    """This annotator's labeling pace over their latest labels on the screens (pauses over five
    minutes left out), or ``None`` with fewer than three such labels."""
    with ws.read() as db:
        rows = db.execute("SELECT created_at, seconds FROM annotations WHERE task_id = ? AND annotator = ?"
                          " AND source = 'screen' AND undone_at IS NULL ORDER BY seq DESC LIMIT ?",
                          [task_id, annotator, int(recent)]).fetchall()
    if len(rows) < 3:
        return None
    times = sorted(datetime.fromisoformat(r[0]).timestamp() for r in rows)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False) if b - a <= IDLE_SECONDS]
    spent = sum(gaps)
    if not gaps or spent <= 0:
        return None
    return len(gaps) / spent * 3600.0
