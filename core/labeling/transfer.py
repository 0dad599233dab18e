"""Labels in and out of a task: CSV, JSON and Label Studio exports, and imports of Label Studio work.

**Export** (:func:`export_labels`, :func:`export_bytes`) writes the labels of a task's items:

- ``csv``: one row per current label (an item's latest label by one annotator): ``item`` (the row
  number), ``key`` (the item column's value, or the row number for whole-row tasks), ``annotator``,
  ``label``, ``suggested``, ``accepted``, ``created_at`` and ``resolved`` (the item's resolved label,
  the same on each of its rows). UTF-8 with a BOM (Excel reads Hangul), text cells a spreadsheet
  would run as a formula start with a single quote (as a dataset export); a multi-label label is a
  JSON array of class names.
- ``json``: ``{"format": "mlcycle-labels", "task": {the task and its schema}, "items": [{"item",
  "key", "annotations": [{"annotator", "label", "suggested", "accepted", "source", "created_at"}],
  "resolved", "method"}]}`` (a multi-label label is a list).
- ``label-studio``: Label Studio's JSON export of a classification project: a list of tasks
  ``{"id", "data": {<item column>: value, "text"|"image": value, ..., "mlcycle_row": item},
  "annotations": [{"id", "completed_by": {"id", "email", "first_name", "last_name"}, "result":
  [{"from_name": "label", "to_name": "text"|"image"|"table", "type": "choices", "value": {"choices":
  [...]}}], "was_cancelled": false, ...}]}``. ``mlcycle_row`` brings each task back to its row.

Only items with a label (or a reviewer's decision) are written unless ``all_items`` is set.

**Import** (:func:`import_labels`) reads a Label Studio JSON export or one of our CSV/JSON exports
and adds its labels to the task (source ``"import"``, in one transaction; a label already there
from the same annotator is not written again, so importing a file twice changes nothing). An item
of the file is matched to a row by ``mlcycle_row`` (or our ``item`` column), else by the item
column's value (in Label Studio's ``data`` under the column's own name, ``text`` or ``image``; an
image also by its file name), else it is unmatched and counted. A Label Studio annotation's
``completed_by`` (a user id, an email, or a user object with an email) becomes the annotator,
unless ``annotator`` is given; cancelled annotations are left out, and so is an annotation that
chose several classes on a single-label task (with a note). A label of a class the task does not
have is kept and flagged, as every label outside the schema is.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO
from urllib.parse import parse_qs, unquote, urlparse

from core.errors import InvalidInput
from core.workspace import Workspace

FORMATS = ("csv", "json", "label-studio")
_ALIASES = {"ls": "label-studio", "labelstudio": "label-studio", "label_studio": "label-studio",
            "label studio": "label-studio"}
SUFFIXES = {"csv": ".csv", "json": ".json", "label-studio": ".json"}
CSV_COLUMNS = ("item", "key", "annotator", "label", "suggested", "accepted", "created_at", "resolved")
JSON_FORMAT = "mlcycle-labels"
FROM_NAME = "label"  # the Choices tag of an exported Label Studio project
ROW_FIELD = "mlcycle_row"  # the row number in a Label Studio task's data
MAX_IMPORT_BYTES = 256 * 1024 * 1024
MAX_ANNOTATOR = 60
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LS_UPLOAD_PREFIX = re.compile(r"^[0-9a-f]{8}-(.+)$")  # Label Studio renames an upload to <8 hex>-<name>
_LS_TASK_KEYS = {"id", "annotations", "completions", "predictions", "drafts", "meta", "created_at", "updated_at",
                 "project", "inner_id", "total_annotations", "cancelled_annotations", "total_predictions",
                 "comment_count", "unresolved_comment_count", "last_comment_updated_at", "updated_by",
                 "file_upload", "comment_authors", "annotators", "is_labeled", "overlap"}
IMPORT_HINT = ("Import a Label Studio JSON export (Export > JSON: tasks with choices annotations), or a CSV or "
               "JSON label export from MLCycle.")


@dataclass(frozen=True)
class ImportResult:
    """What an import did.

    ``imported`` labels were written (a label already there is not written again); ``matched`` and
    ``unmatched`` count the file's items (Label Studio tasks, or the distinct items of our export)
    that were and were not matched to a row; ``annotators`` are the names the labels were given
    under; ``formats`` names how the file was read (``["label-studio"]``, ``["csv"]`` or ``["json"]``);
    ``notes`` are sentences about what was left out or flagged; ``skipped`` counts the file's
    labels left out (cancelled, empty, several classes on a single-label task, unmatched items);
    ``not_in_schema`` the labels read whose class the task does not have (kept, flagged).
    """

    imported: int
    matched: int
    unmatched: int
    annotators: list[str]
    formats: list[str]
    notes: list[str] = field(default_factory=list)
    skipped: int = 0
    not_in_schema: int = 0

    @property
    def format(self) -> str:
        """How the file was read: ``label-studio``, ``csv`` or ``json``."""
        return self.formats[0] if self.formats else ""

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (with ``format``)."""
        return dataclasses.asdict(self) | {"format": self.format}


# ----------------------------------------------------------------------------------------- export


def normalise_format(fmt: str | None) -> str:
    """``csv``, ``json`` or ``label-studio`` for a format name (``ls``, ``labelstudio`` too).

    Raises:
        InvalidInput: any other name.
    """
    name = " ".join(str(fmt or "").split()).lower()
    name = _ALIASES.get(name, name)
    if name not in FORMATS:
        raise InvalidInput(f"'{fmt}' is not a label export format.", hint="Use csv, json or label-studio.")
    return name


def export_format(out_path: str | Path, fmt: str | None = None) -> str:
    """The format to write ``out_path`` in: ``fmt``, else from the extension (``.csv``, ``.json``).

    Raises:
        InvalidInput: an unknown format, an extension that contradicts it, or (without ``fmt``)
            a name that ends in neither ``.csv`` nor ``.json``.
    """
    name = Path(out_path).name
    suffix = Path(out_path).suffix.lower()
    if fmt is None:
        if suffix in (".csv", ".json"):
            return suffix[1:]
        raise InvalidInput(f"Which format should '{name}' be written in?",
                           hint="Give --format csv, json or label-studio, or name the file .csv or .json.")
    fmt = normalise_format(fmt)
    if suffix and suffix != SUFFIXES[fmt] and suffix in (".csv", ".json", ".xlsx", ".parquet", ".jsonl", ".tsv"):
        raise InvalidInput(f"'{name}' ends in {suffix}, but a {fmt} export is a {SUFFIXES[fmt]} file.",
                           hint=f"Name the file {Path(name).stem}{SUFFIXES[fmt]}.")
    return fmt


def export_file_name(task: Any, fmt: str) -> str:
    """A file name for a task's export: ``sentiment_labels.csv``, ``sentiment_label-studio.json``."""
    fmt = normalise_format(fmt)
    stem = re.sub(r"[^\w.-]+", "_", task.name, flags=re.UNICODE).strip("._") or "labels"
    return f"{stem}_{'label-studio' if fmt == 'label-studio' else 'labels'}{SUFFIXES[fmt]}"


def export_labels(ws: Workspace, task_id: str, fmt: str | None, out_path: str | Path, *,
                  all_items: bool = False) -> Path:
    """Write a task's labels to a file (written beside it first and renamed into place).

    Args:
        ws: the workspace.
        task_id: the task.
        fmt: ``csv``, ``json`` or ``label-studio`` (``None``: from the extension).
        out_path: a file in an existing folder.
        all_items: also write items nobody labeled (JSON and Label Studio; a whole task to label
            elsewhere).

    Returns:
        The path written.

    Raises:
        NotFound: unknown task.
        InvalidInput: an unknown format, a name that promises another format, a path that is a
            folder or lies in a folder that does not exist.
    """
    from core.data.views import check_output_path

    path = Path(out_path).expanduser()
    fmt = export_format(path, fmt)
    task = _task(ws, task_id)
    check_output_path(path, what="the label export", suggested=export_file_name(task, fmt))
    data = export_bytes(ws, task.id, fmt, all_items=all_items)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(f"Could not write '{path}': {exc.strerror or exc}.",
                           hint="Choose a file in a folder you may write to.") from exc
    return path


def export_bytes(ws: Workspace, task_id: str, fmt: str, *, all_items: bool = False) -> bytes:
    """A task's labels as the bytes of an export file (for a download button).

    Args:
        ws: the workspace.
        task_id: the task.
        fmt: ``csv``, ``json`` or ``label-studio``.
        all_items: also items nobody labeled (JSON and Label Studio).
    """
    fmt = normalise_format(fmt)
    task = _task(ws, task_id)
    if fmt == "csv":
        return _csv_bytes(ws, task)
    doc = _json_doc(ws, task, all_items) if fmt == "json" else _label_studio_doc(ws, task, all_items)
    return (json.dumps(doc, ensure_ascii=False, indent=2, default=_json_default) + "\n").encode("utf-8")


def _task(ws: Workspace, task_id: str) -> Any:
    from core.labeling import tasks

    return tasks.get_task(ws, task_id)


def _current(ws: Workspace, task: Any) -> Any:
    """Current labels, ordered by item then annotator."""
    from core.labeling import annotations

    frame = annotations.current_labels(ws, task.id)
    if len(frame):
        frame = frame.sort_values(["item", "annotator"], kind="stable").reset_index(drop=True)
    return frame


def _resolved(ws: Workspace, task: Any) -> dict[int, tuple[str | None, str]]:
    """item -> (resolved label or None, method), for items with a label or a decision."""
    from core.labeling import agreement

    frame = agreement.resolve(ws, task.id)
    return {int(i): (_text(r["label"]), str(r["method"])) for i, r in frame.iterrows()}


def _keys(ws: Workspace, task: Any, items: Iterable[int]) -> dict[int, str]:
    """item -> its key: the item column's value (as text), or the row number for whole-row tasks."""
    wanted = sorted({int(i) for i in items})
    if not task.item_column:
        return {i: str(i) for i in wanted}
    frame = _items_frame(ws, task)
    column = frame[task.item_column]
    return {i: _text(column.iloc[i]) or "" for i in wanted}


def _items_frame(ws: Workspace, task: Any) -> Any:
    from core.labeling import tasks

    return tasks.load_items(ws, task)


def _text(value: Any) -> str | None:
    """A cell as text (``None`` for a missing value)."""
    value = _json_value(value)
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False) if isinstance(
        value, list | dict) else str(value)


def _json_value(value: Any) -> Any:
    """A cell as a JSON value: numbers, text, booleans, lists; ``None`` for a missing value."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, list | dict | str | bytes):  # a NumPy scalar
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, float):
        return None if math.isnan(value) else value if math.isfinite(value) else str(value)
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        try:
            import pandas as pd

            if pd.isna(value):
                return None
        except (TypeError, ValueError):
            pass
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple) or hasattr(value, "tolist"):
        return [_json_value(v) for v in (value.tolist() if hasattr(value, "tolist") else value)]
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _json_default(value: Any) -> Any:
    return _json_value(value)


def _decoded(task: Any, text: str | None) -> str | list[str] | None:
    """A stored label as JSON: the class name, or (multi-label) the list of class names."""
    from core.labeling.schema import decode_label

    if text is None:
        return None
    return decode_label(True, text) if task.multi_label else text


def _neutralised(value: str | None) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading single quote."""
    if value is None:
        return ""
    return "'" + value if value.startswith(FORMULA_START) else value


def _csv_bytes(ws: Workspace, task: Any) -> bytes:
    import csv

    current = _current(ws, task)
    resolved = _resolved(ws, task)
    keys = _keys(ws, task, current["item"] if len(current) else [])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in current.itertuples(index=False):
        item = int(row.item)
        writer.writerow([item, _neutralised(keys.get(item)), _neutralised(row.annotator), _neutralised(row.label),
                         _neutralised(_text(row.suggested)), int(bool(row.accepted)), row.created_at,
                         _neutralised(resolved.get(item, (None, ""))[0])])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _task_schema(ws: Workspace, task: Any) -> dict[str, Any]:
    from core.data import datasets

    try:
        version = datasets.get_version(ws, task.version_id)
        version_label, rows = version.label, version.n_rows
    except Exception:  # noqa: BLE001 - the version's name is a courtesy in the file
        version_label, rows = task.version_id, None
    return {"id": task.id, "name": task.name, "kind": task.kind, "item_column": task.item_column,
            "classes": task.classes, "multi_label": task.multi_label, "overlap": task.overlap,
            "instructions": task.instructions, "version_id": task.version_id, "version": version_label,
            "items": rows, "label_column": task.label_column}


def _grouped(current: Any) -> dict[int, list[Any]]:
    by_item: dict[int, list[Any]] = {}
    for row in current.itertuples(index=False):
        by_item.setdefault(int(row.item), []).append(row)
    return by_item


def _json_doc(ws: Workspace, task: Any, all_items: bool) -> dict[str, Any]:
    current = _current(ws, task)
    resolved = _resolved(ws, task)
    by_item = _grouped(current)
    items = _export_items(ws, task, set(by_item) | set(resolved), all_items)
    keys = _keys(ws, task, items)
    out = []
    for item in items:
        label, method = resolved.get(item, (None, "pending"))
        out.append({
            "item": item, "key": keys[item],
            "annotations": [{"annotator": r.annotator, "label": _decoded(task, r.label),
                             "suggested": _decoded(task, _text(r.suggested)), "accepted": bool(r.accepted),
                             "source": r.source, "created_at": r.created_at} for r in by_item.get(item, [])],
            "resolved": _decoded(task, label), "method": method,
        })
    return {"format": JSON_FORMAT, "format_version": 1, "exported_at": _now(), "task": _task_schema(ws, task),
            "items": out}


def _export_items(ws: Workspace, task: Any, labeled: set[int], all_items: bool) -> list[int]:
    if all_items:
        from core.labeling import tasks

        return list(range(tasks.item_count(ws, task)))
    return sorted(labeled)


def _to_name(task: Any) -> str:
    return {"text": "text", "image": "image"}.get(task.kind, "table")


def _completed_by(name: str, number: int) -> dict[str, Any]:
    """A Label Studio user object for an annotator (the name is kept in ``first_name``)."""
    return {"id": number, "email": name if "@" in name else "", "first_name": name, "last_name": ""}


def _label_studio_doc(ws: Workspace, task: Any, all_items: bool) -> list[dict[str, Any]]:
    current = _current(ws, task)
    by_item = _grouped(current)
    items = _export_items(ws, task, set(by_item), all_items)
    frame = _items_frame(ws, task) if items else None
    rows = frame.iloc[items].to_dict("records") if items else []
    users = {name: n for n, name in enumerate(sorted({r.annotator for r in current.itertuples(index=False)}), 1)}
    to_name = _to_name(task)
    out = []
    for item, row in zip(items, rows, strict=True):
        data: dict[str, Any] = {str(c): _json_value(v) for c, v in row.items()}
        if task.item_column and to_name in ("text", "image"):
            data[to_name] = _json_value(row[task.item_column])
        data[ROW_FIELD] = item
        ls_id = item + 1
        anns = []
        for r in by_item.get(item, []):
            choices = _decoded(task, r.label)
            anns.append({
                "id": int(r.seq), "completed_by": _completed_by(r.annotator, users[r.annotator]),
                "result": [{"id": f"r{int(r.seq)}", "from_name": FROM_NAME, "to_name": to_name, "type": "choices",
                            "origin": "manual",
                            "value": {"choices": choices if isinstance(choices, list) else [choices]}}],
                "was_cancelled": False, "ground_truth": False, "created_at": r.created_at,
                "updated_at": r.created_at, "task": ls_id,
            } | ({"lead_time": float(r.seconds)} if _json_value(r.seconds) is not None else {}))
        out.append({"id": ls_id, "data": data, "annotations": anns, "predictions": [],
                    "meta": {"mlcycle_task": task.id}})
    return out


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# ----------------------------------------------------------------------------------------- import


@dataclass
class _Record:
    """One label read from the file, for one matched item."""

    item: int
    annotator: str
    label: str
    suggested: str | None = None
    created_at: str | None = None


@dataclass
class _Reading:
    """What reading a file found, before anything is written."""

    fmt: str
    records: list[_Record] = field(default_factory=list)
    matched: int = 0
    unmatched: int = 0
    unmatched_examples: list[str] = field(default_factory=list)
    unmatched_labels: int = 0
    cancelled: int = 0
    empty: int = 0
    several: int = 0
    no_annotator: int = 0
    bad_labels: int = 0
    moved: int = 0
    notes: list[str] = field(default_factory=list)

    def miss(self, shown: str, labels: int) -> None:
        self.unmatched += 1
        self.unmatched_labels += labels
        if len(self.unmatched_examples) < 3:
            self.unmatched_examples.append(shown[:40] + ("…" if len(shown) > 40 else ""))


def import_labels(ws: Workspace, task_id: str, path: str | Path | bytes | BinaryIO, *,
                  annotator: str | None = None, name: str | None = None) -> ImportResult:
    """Add the labels of a Label Studio export, or of our CSV/JSON export, to a task.

    Args:
        ws: the workspace.
        task_id: the task.
        path: the file (a path, its bytes, or a binary file object such as an upload).
        annotator: give every label to this annotator (instead of the file's ``completed_by`` or
            ``annotator``).
        name: the file's name for messages (default: the path).

    Returns:
        What was imported, matched, left out and flagged.

    Raises:
        NotFound: unknown task.
        InvalidInput: a file that is missing, empty, too large, not UTF-8, not JSON or CSV, of
            another shape (the message names the file and says what to import), or a blank
            ``annotator``.
    """
    from core.labeling import annotations

    task = _task(ws, task_id)
    override = annotations.check_annotator(annotator) if annotator is not None else None
    data, shown = _read_bytes(path, name)
    reading = _parse(ws, task, data, shown, override)
    from core.labeling.schema import in_schema

    flagged = Counter(r.label for r in reading.records if not in_schema(task.classes, task.multi_label, r.label))
    rows = [{"item": r.item, "label": r.label, "annotator": r.annotator, "source": "import",
             "suggested": r.suggested, "created_at": r.created_at} for r in reading.records]
    written = annotations.record_many(ws, task.id, rows, check_schema=False) if rows else 0
    notes = _notes(task, reading, flagged, written, shown)
    skipped = reading.cancelled + reading.empty + reading.several + reading.no_annotator + reading.bad_labels + \
        reading.unmatched_labels
    return ImportResult(imported=int(written), matched=reading.matched, unmatched=reading.unmatched,
                        annotators=sorted({r.annotator for r in reading.records}), formats=[reading.fmt],
                        notes=notes, skipped=skipped, not_in_schema=sum(flagged.values()))


def _notes(task: Any, reading: _Reading, flagged: Counter, written: int, shown: str) -> list[str]:
    from core.labeling.schema import decode_label

    notes = list(reading.notes)
    if not reading.records and not reading.unmatched and not (reading.cancelled or reading.empty or reading.several):
        notes.append(f"'{shown}' holds no labels to import.")
    if reading.unmatched:
        examples = ", ".join(f"'{e}'" for e in reading.unmatched_examples)
        notes.append(f"{reading.unmatched} item(s) of the file matched no row of this task's dataset version "
                     f"(such as {examples}); their {reading.unmatched_labels} label(s) were not imported.")
    if reading.moved:
        notes.append(f"{reading.moved} item(s) of the file hold other content at their row number here (was the "
                     "file made from another version of the data?); they were matched by their content instead.")
    if reading.cancelled:
        notes.append(f"{reading.cancelled} cancelled (skipped) annotation(s) were left out.")
    if reading.empty:
        notes.append(f"{reading.empty} annotation(s) without a chosen class were left out.")
    if reading.several:
        notes.append(f"{reading.several} annotation(s) chose several classes, but this task takes one label per "
                     "item; they were left out (make the task multi-label to import them).")
    if reading.no_annotator:
        notes.append(f"{reading.no_annotator} label(s) name no annotator and were left out; give an annotator "
                     "name to import them under it.")
    if reading.bad_labels:
        notes.append(f"{reading.bad_labels} label(s) could not be read and were left out.")
    if flagged:
        names = sorted({n for text in flagged for n in decode_label(task.multi_label, text)} - set(task.class_names))
        shown_names = ", ".join(f"'{n}'" for n in names[:5]) + (" …" if len(names) > 5 else "")
        notes.append(f"{sum(flagged.values())} label(s) name classes this task does not have ({shown_names}); "
                     "they are kept and flagged as not in the schema (add the classes to the task to count them).")
    again = sum(n - 1 for n in Counter((r.item, r.annotator) for r in reading.records).values() if n > 1)
    if again:
        notes.append(f"{again} label(s) are for items the same annotator labels more than once in the file "
                     "(several people imported under one name?); the latest of each counts.")
    if reading.records and written < len(reading.records):
        notes.append(f"{len(reading.records) - written} label(s) were not written: the same label was already "
                     "there, or the annotator has labeled the item since (the newer label is kept).")
    return notes


def _read_bytes(source: str | Path | bytes | BinaryIO, name: str | None) -> tuple[bytes, str]:
    """The file's bytes and its name for messages."""
    too_big = (f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MiB, more than a label export "
               "should be.")
    if isinstance(source, bytes | bytearray | memoryview):
        data, shown = bytes(source), name or "the uploaded file"
    elif isinstance(source, str | Path):
        path = Path(source).expanduser()
        shown = name or str(path)
        if path.is_dir():
            raise InvalidInput(f"'{shown}' is a folder, not a label file.", hint=IMPORT_HINT)
        if not path.exists():
            raise InvalidInput(f"The file '{shown}' does not exist.",
                               hint="Check the path; " + IMPORT_HINT[0].lower() + IMPORT_HINT[1:])
        try:
            if path.stat().st_size > MAX_IMPORT_BYTES:
                raise InvalidInput(f"'{shown}': {too_big}", hint=IMPORT_HINT)
            data = path.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"Could not read '{shown}': {exc.strerror or exc}.",
                               hint="Check that the file exists and that you may read it.") from exc
    else:
        shown = name or str(getattr(source, "name", "") or "the uploaded file")
        if hasattr(source, "seek"):
            try:
                source.seek(0)  # an upload read before is read from its start
            except (OSError, ValueError):
                pass
        data = source.read(MAX_IMPORT_BYTES + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInput(f"'{shown}': {too_big}", hint=IMPORT_HINT)
    return data, shown


def _parse(ws: Workspace, task: Any, data: bytes, shown: str, override: str | None) -> _Reading:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"'{shown}' is not UTF-8 text (byte {exc.start} cannot be read).",
                           hint=IMPORT_HINT + " Save it as UTF-8.") from exc
    if not text.strip():
        raise InvalidInput(f"'{shown}' is empty.", hint=IMPORT_HINT)
    looks_json = text.lstrip()[:1] in ("[", "{") or shown.lower().endswith(".json")
    if looks_json:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"'{shown}' is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}).",
                               hint="Export the file again (a file cut short or edited by hand fails here). "
                                    + IMPORT_HINT) from exc
        return _parse_json(ws, task, doc, shown, override)
    return _parse_csv(ws, task, text, shown, override)


def _parse_json(ws: Workspace, task: Any, doc: Any, shown: str, override: str | None) -> _Reading:
    if isinstance(doc, dict) and "items" in doc:
        return _parse_ours(ws, task, doc, shown, override)
    if isinstance(doc, dict) and ("data" in doc or "annotations" in doc):
        doc = [doc]  # one Label Studio task
    if isinstance(doc, dict):
        keys = ", ".join(list(map(str, doc))[:6]) or "none"
        raise InvalidInput(f"'{shown}' is JSON, but not a label export: an object with the keys {keys}.",
                           hint=IMPORT_HINT)
    if not isinstance(doc, list):
        raise InvalidInput(f"'{shown}' is JSON, but not a label export: it holds a single {type(doc).__name__}.",
                           hint=IMPORT_HINT)
    if not doc:
        raise InvalidInput(f"'{shown}' holds no tasks (an empty list).",
                           hint="Export the project again with its annotated tasks. " + IMPORT_HINT)
    bad = next((n for n, t in enumerate(doc) if not isinstance(t, dict)), None)
    if bad is not None:
        raise InvalidInput(f"Task {bad + 1} of '{shown}' is not a JSON object; a Label Studio export is a list of "
                           "tasks with 'data' and 'annotations'.", hint=IMPORT_HINT)
    if not any("data" in t or "annotations" in t or "completions" in t for t in doc):
        if any("annotator" in t or "annotation_id" in t for t in doc):
            raise InvalidInput(f"'{shown}' looks like Label Studio's JSON-MIN export, which does not say which "
                               "field holds the choice.",
                               hint="Export the project again with the JSON format (not JSON-MIN) and import that.")
        keys = ", ".join(sorted({str(k) for t in doc[:20] for k in t})[:6])
        raise InvalidInput(f"'{shown}' is a JSON list, but its entries have no 'data' or 'annotations' "
                           f"(keys: {keys}).", hint=IMPORT_HINT)
    return _parse_label_studio(ws, task, doc, shown, override)


# ---------------------------------------------------------------- matching items


class _Matcher:
    """Finds the row an item of a file means: by row number, else by its key (the item column's value)."""

    def __init__(self, ws: Workspace, task: Any) -> None:
        from core.labeling import tasks

        self.ws, self.task = ws, task
        self.n = int(tasks.item_count(ws, task))
        self._keys: dict[str, int] | None = None
        self._loose: dict[str, int] | None = None
        self._files: dict[str, int] | None = None
        self._contents: list[Any] | None = None
        self.moved = 0  # items whose row number in the file holds other content here

    def row(self, value: Any) -> int | None:
        """The item for a row number (an int or its text), if it is one of the task's rows."""
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
            value = int(value)
        return value if isinstance(value, int) and 0 <= value < self.n else None

    @property
    def keys(self) -> dict[str, int]:
        if self._keys is None:
            from core.labeling import tasks

            self._keys = {str(k): int(v) for k, v in tasks.item_keys(self.ws, self.task).items()}
        return self._keys

    def key(self, value: Any) -> int | None:
        """The item whose key is ``value`` (exactly, else with spaces normalised; an image also by file name)."""
        text = _text(value)
        if text is None or text == "":
            return None
        if text in self.keys:
            return self.keys[text]
        if self._loose is None:
            self._loose = {}
            for k, v in self.keys.items():
                self._loose.setdefault(" ".join(k.split()), v)
        loose = self._loose.get(" ".join(text.split()))
        if loose is not None or self.task.kind != "image" or not self.task.item_column:
            return loose
        return self._by_file_name(text)

    def find(self, row_value: Any, key_value: Any) -> int | None:
        """The item for a file's row number and key: the row, when its content is the key (or no key is
        given); else the item whose key it is (a file made from another version); else ``None``."""
        item = self.row(row_value)
        key_text = _text(key_value) if self.task.item_column else None
        if not key_text:
            return item
        if item is not None and self._agrees(item, key_text):
            return item
        found = self.key(key_text)
        if item is not None and found is not None:
            self.moved += 1
        return found

    @property
    def contents(self) -> list[Any]:
        """The item column's values, by item."""
        if self._contents is None:
            self._contents = _items_frame(self.ws, self.task)[self.task.item_column].tolist()
        return self._contents

    def _agrees(self, item: int, key_text: str) -> bool:
        own = _text(self.contents[item]) or ""
        if own.strip() == key_text.strip() or " ".join(own.split()) == " ".join(key_text.split()):
            return True
        if self.task.kind != "image":
            return False
        mine = PurePosixPath(own.replace("\\", "/")).name.casefold()
        return mine in {n.casefold() for n in _file_names(key_text)}

    def _by_file_name(self, text: str) -> int | None:
        if self._files is None:
            seen: Counter = Counter()
            files: dict[str, int] = {}
            for i, v in enumerate(self.contents):
                base = PurePosixPath(str(v).replace("\\", "/")).name.casefold()
                seen[base] += 1
                files.setdefault(base, i)
            self._files = {b: i for b, i in files.items() if seen[b] == 1}  # an ambiguous name matches nothing
        for base in _file_names(text):
            if base.casefold() in self._files:
                return self._files[base.casefold()]
        return None


def _file_names(value: str) -> list[str]:
    """The file names an image reference may mean: its base name, without Label Studio's upload prefix."""
    parsed = urlparse(value)
    path = parsed.path
    query = parse_qs(parsed.query)
    if query.get("d"):  # Label Studio's local files: /data/local-files/?d=folder/cat.png
        path = query["d"][0]
    base = PurePosixPath(unquote(path).replace("\\", "/")).name
    names = [base] if base else []
    if m := _LS_UPLOAD_PREFIX.match(base):
        names.append(m.group(1))
    return names


# ---------------------------------------------------------------- Label Studio


def _ls_annotator(completed_by: Any) -> str | None:
    """An annotator name from Label Studio's ``completed_by``: an id, an email, or a user object."""
    if isinstance(completed_by, Mapping):
        email = str(completed_by.get("email") or "").strip()
        if email:
            return email[:MAX_ANNOTATOR]
        full = " ".join(f"{completed_by.get('first_name') or ''} {completed_by.get('last_name') or ''}".split())
        if full:
            return full[:MAX_ANNOTATOR]
        username = str(completed_by.get("username") or "").strip()
        if username:
            return username[:MAX_ANNOTATOR]
        completed_by = completed_by.get("id")
    if isinstance(completed_by, bool) or completed_by is None:
        return None
    if isinstance(completed_by, int | float):
        return f"user {int(completed_by)}"
    text = " ".join(str(completed_by).split())
    if not text:
        return None
    return f"user {text}" if text.isdigit() else text[:MAX_ANNOTATOR]


def _choices_results(annotation: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    results = annotation.get("result")
    if not isinstance(results, list):
        return []
    return [r for r in results if isinstance(r, Mapping) and r.get("type") == "choices"
            and isinstance(r.get("value"), Mapping)]


def _annotations_of(t: Mapping[str, Any]) -> list[Any]:
    anns = t.get("annotations")
    if anns is None:
        anns = t.get("completions")  # Label Studio before 1.0
    return anns if isinstance(anns, list) else []


def _question(task: Any, doc: list[dict[str, Any]], reading: _Reading) -> str | None:
    """The ``from_name`` of the choices to read: the only one, else the one that best matches the classes."""
    counts: Counter = Counter()
    overlap: Counter = Counter()
    names = {n.casefold() for n in task.class_names}
    for t in doc:
        for ann in _annotations_of(t):
            if isinstance(ann, Mapping):
                for r in _choices_results(ann):
                    key = str(r.get("from_name") or "")
                    counts[key] += 1
                    overlap[key] += sum(1 for c in r["value"].get("choices") or [] if str(c).casefold() in names)
    if len(counts) <= 1:
        return next(iter(counts), None)
    best = max(counts, key=lambda k: (overlap[k], counts[k], k == FROM_NAME))
    others = ", ".join(f"'{k}'" for k in sorted(counts) if k != best)
    reading.notes.append(f"The file answers several choice questions; read '{best}', whose choices match this "
                         f"task's classes, and left out {others}.")
    return best


def _parse_label_studio(ws: Workspace, task: Any, doc: list[dict[str, Any]], shown: str,
                        override: str | None) -> _Reading:
    from core.labeling.schema import encode_label

    reading = _Reading("label-studio")
    matcher = _Matcher(ws, task)
    question = _question(task, doc, reading)
    if question is None and any(_annotations_of(t) for t in doc):
        types = sorted({str(r.get("type")) for t in doc for a in _annotations_of(t) if isinstance(a, Mapping)
                        for r in (a.get("result") or []) if isinstance(r, Mapping)} - {"None"})
        if types:
            raise InvalidInput(f"'{shown}' has no classification answers (choices); its annotations are "
                               f"{', '.join(types[:4])}.",
                               hint="Only classification (Choices) projects can be imported into a label task.")
    fields = [f for f in (task.item_column, _to_name(task) if task.kind in ("text", "image") else None) if f]
    no_user = 0
    for n, t in enumerate(doc):
        data = t.get("data") if isinstance(t.get("data"), Mapping) else \
            {k: v for k, v in t.items() if k not in _LS_TASK_KEYS}
        anns = [a for a in _annotations_of(t) if isinstance(a, Mapping)]
        content = next((data[f] for f in fields if _text(data.get(f))), None)
        item = matcher.find(data.get(ROW_FIELD), content)
        if item is None:
            shown_item = next((_text(data[f]) for f in fields if f in data), None) or \
                _text(data.get(ROW_FIELD)) or f"task {t.get('id', n + 1)}"
            reading.miss(shown_item or "", len(anns))
            continue
        reading.matched += 1
        for ann in anns:
            if ann.get("was_cancelled") or ann.get("skipped"):
                reading.cancelled += 1
                continue
            choices = [" ".join(str(c).split()) for r in _choices_results(ann)
                       if str(r.get("from_name") or "") == question
                       for c in (r["value"].get("choices") or []) if str(c).strip()]
            if not choices:
                reading.empty += 1
                continue
            if not task.multi_label and len(set(choices)) > 1:
                reading.several += 1
                continue
            name = override or _ls_annotator(ann.get("completed_by"))
            if name is None:
                name = "label-studio"
                no_user += 1
            try:
                label = encode_label(task.classes, task.multi_label, choices if task.multi_label else choices[0],
                                     check_schema=False)
            except InvalidInput:
                reading.bad_labels += 1
                continue
            reading.records.append(_Record(item, name, label, None,
                                           _time(ann.get("updated_at")) or _time(ann.get("created_at"))))
    if no_user:
        reading.notes.append(f"{no_user} annotation(s) name no user (completed_by); they were imported as "
                             "'label-studio'.")
    reading.moved = matcher.moved
    return reading


def _time(value: Any) -> str | None:
    """A timestamp of the file as our UTC ISO text, or ``None`` (then the import's time is used)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        at = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


# ---------------------------------------------------------------- our CSV and JSON


def _unquote(value: Any) -> str:
    """A CSV cell as written before our export neutralised it ('=x -> =x); blank for a missing one."""
    text = "" if value is None else str(value)
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def _parse_csv(ws: Workspace, task: Any, text: str, shown: str, override: str | None) -> _Reading:
    import pandas as pd

    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise InvalidInput(f"'{shown}' is neither JSON nor a readable CSV file ({str(exc).strip()[:120]}).",
                           hint=IMPORT_HINT) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    unknown = [c for c in frame.columns if c not in CSV_COLUMNS]
    if len(unknown) == len(frame.columns):
        raise InvalidInput(f"'{shown}' is not a label file: it is not JSON, and as CSV it has none of the columns "
                           "item, key, annotator and label.", hint=IMPORT_HINT)
    if unknown:
        raise InvalidInput(f"'{shown}' has columns a label import does not know: "
                           + ", ".join(f"'{c[:40]}'" for c in unknown[:5]) + ("…" if len(unknown) > 5 else "") + ".",
                           hint="A CSV label file has the columns of MLCycle's label export: item or key, annotator "
                                "and label (suggested, accepted, created_at and resolved are optional); remove the "
                                "others. Or import a Label Studio JSON export.")
    if "label" not in frame.columns or not ({"item", "key"} & set(frame.columns)):
        missing = [c for c in ("item or key", "label") if not (set(c.split(" or ")) & set(frame.columns))]
        raise InvalidInput(f"'{shown}' has no {' and no '.join(missing)} column.",
                           hint="A CSV label file needs the columns item (the row number) or key, annotator and "
                                "label, as MLCycle's label export writes them.")
    if "annotator" not in frame.columns and override is None:
        raise InvalidInput(f"'{shown}' has no annotator column.",
                           hint="Give the annotator's name (--annotator NAME) to import every label under it.")
    if frame.empty:
        raise InvalidInput(f"'{shown}' has a header but no rows.", hint=IMPORT_HINT)
    reading = _Reading("csv")
    matcher = _Matcher(ws, task)
    groups: dict[str, tuple[int | None, list[dict[str, Any]]]] = {}
    for row in frame.to_dict("records"):
        item_cell, key_cell = str(row.get("item", "")).strip(), _unquote(row.get("key", ""))
        ident = item_cell or key_cell
        if ident not in groups:
            item = matcher.find(item_cell or None, key_cell or None)
            if item is None and not task.item_column and not item_cell:
                item = matcher.row(key_cell)  # a whole-row task's key is the row number
            groups[ident] = (item, [])
        groups[ident][1].append(row)
    for ident, (item, rows) in groups.items():
        labels = [r for r in rows if _unquote(r.get("label")).strip()]
        reading.empty += len(rows) - len(labels)
        if item is None:
            reading.miss(ident or "(blank)", len(labels))
            continue
        reading.matched += 1
        for r in labels:
            _add(reading, task, item, override or _unquote(r.get("annotator")).strip(), _unquote(r.get("label")),
                 _unquote(r.get("suggested")).strip() or None, _time(r.get("created_at")))
    reading.moved = matcher.moved
    return reading


def _add(reading: _Reading, task: Any, item: int, annotator: str, label: Any, suggested: Any,
         created_at: str | None) -> None:
    """Add one label read from our export (counting what cannot be imported)."""
    from core.labeling.schema import encode_label

    annotator = " ".join(str(annotator or "").split())[:MAX_ANNOTATOR]
    if not annotator:
        reading.no_annotator += 1
        return
    try:
        text = encode_label(task.classes, task.multi_label, label, check_schema=False)
        suggested_text = encode_label(task.classes, task.multi_label, suggested, check_schema=False) \
            if suggested not in (None, "", []) else None
    except InvalidInput:
        if not task.multi_label and _several(label):
            reading.several += 1
        else:
            reading.bad_labels += 1
        return
    reading.records.append(_Record(item, annotator, text, suggested_text, created_at))


def _several(label: Any) -> bool:
    if isinstance(label, list):
        return len(label) > 1
    if isinstance(label, str) and label.strip().startswith("["):
        try:
            return len(json.loads(label)) > 1
        except (ValueError, TypeError):
            return False
    return False


def _parse_ours(ws: Workspace, task: Any, doc: Mapping[str, Any], shown: str, override: str | None) -> _Reading:
    items = doc.get("items")
    if not isinstance(items, list):
        raise InvalidInput(f"'{shown}' has 'items', but not as a list.", hint=IMPORT_HINT)
    if not items:
        raise InvalidInput(f"'{shown}' holds no items.", hint=IMPORT_HINT)
    reading = _Reading("json")
    matcher = _Matcher(ws, task)
    for n, entry in enumerate(items):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("annotations", []), list):
            raise InvalidInput(f"Item {n + 1} of '{shown}' is not an object with a list of annotations.",
                               hint=IMPORT_HINT)
        anns = [a for a in entry.get("annotations", []) if isinstance(a, Mapping)]
        item = matcher.find(entry.get("item"), entry.get("key"))
        if item is None and not task.item_column and entry.get("item") is None:
            item = matcher.row(entry.get("key"))  # a whole-row task's key is the row number
        if item is None:
            reading.miss(_text(entry.get("key")) or _text(entry.get("item")) or f"item {n + 1}",
                         sum(1 for a in anns if a.get("label") not in (None, "", [])))
            continue
        reading.matched += 1
        for a in anns:
            if a.get("label") in (None, "", []):
                reading.empty += 1
                continue
            _add(reading, task, item, override or str(a.get("annotator") or ""), a.get("label"),
                 a.get("suggested"), _time(a.get("created_at")))
    reading.moved = matcher.moved
    return reading


def import_summary(result: ImportResult) -> str:
    """One sentence of counts: ``Imported 12 labels: 10 items matched, 2 unmatched; annotators: a, b.``"""
    who = ", ".join(result.annotators) if result.annotators else "none"
    return (f"Imported {result.imported:,} label(s) ({result.format}): {result.matched:,} item(s) matched, "
            f"{result.unmatched:,} unmatched; annotators: {who}.")


__all__ = ["CSV_COLUMNS", "FORMATS", "ImportResult", "export_bytes", "export_file_name", "export_format",
           "export_labels", "import_labels", "import_summary", "normalise_format"]
