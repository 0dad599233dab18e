"""Datasets: ingest, immutable versions, derived versions, sharing, export, diff and lineage.

This is the public face of datasets: reads live in :mod:`core.data.reads`, views
(export, diff, lineage graph) in :mod:`core.data.views` and operations in
:mod:`core.data.ops`, and are re-exported here.

A dataset belongs to the workspace (projects attach it; hypotheses link to it) and has
numbered versions. A version is immutable: a canonical Parquet artifact identified by
``sha256``, a content hash over the canonical table (:func:`core.data.ingest.content_hash`),
so the same table uploaded as CSV and as Parquet is the same version, and uploading it
again reuses it.

Decisions:

* **Duplicate or blank column names** are always renamed (``name``, ``name_2``;
  blanks ``column_N``) and the version carries a warning listing the renames.
* **Semantic-type overrides** change the version's schema metadata in place
  (:func:`set_semantic_types`): they describe how to read the data, not the data, so
  the content hash and the artifact stay the same and no new version is made.
  Changing a *storage* type is a derived version (``cast_columns``).
* **Derived versions** (drop/rename columns, filter rows, cast, deduplicate, split)
  stay in the parent's dataset with the next number, record the operation, and link
  ``derived_from`` / ``split_of`` to the parent in the lineage table in the same
  transaction. An operation that changes nothing is refused; one that produces a
  table that already exists returns that version.

Example:
    >>> result = add_dataset(ws, "data/samples/churn.csv")
    >>> result.version.label
    'churn v1 · dsv_5f0c1a9e2b7d'
    >>> train, test = split_version(ws, result.version.id, target="churned", seed=0)
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa

from core.data import ingest
from core.data.canonical import Prepared, canonicalize, prepare
from core.data.entities import AddResult, ColumnSchema, Dataset, DatasetVersion
from core.data.ops import CATEGORY_TARGETS, apply_operation, stratified_split
from core.data.reads import (
    VERSION_ROWS,
    check_columns,
    dataset_projects,
    find_dataset_by_name,
    get_dataset,
    get_version,
    latest_version,
    list_datasets,
    list_versions,
    list_versions_of,
    load_frame,
    load_table,
    resolve_version,
    verify_version,
    version_uses,
)
from core.data.semantic import apply_overrides, infer_schema_table
from core.data.views import (
    diff_versions,
    export_format,
    export_version,
    lineage_graph,
    read_preview,
    sheet_names,
)
from core.errors import Conflict, Corrupted, InvalidInput, NotFound
from core.ids import new_id, utcnow
from core.progress import Progress, ProgressFn, no_progress
from core.store.activity import record_event
from core.store.lineage import add_link
from core.workspace import Workspace

__all__ = [
    "add_dataset", "archive_dataset", "archive_version", "attach_dataset", "dataset_projects", "derive_version",
    "detach_dataset", "diff_versions", "export_format", "export_version", "find_dataset_by_name", "get_dataset",
    "get_version", "latest_version", "lineage_graph", "link_dataset_to_hypothesis", "list_datasets",
    "list_versions", "list_versions_of", "load_frame", "load_table", "read_preview", "resolve_version",
    "restore_dataset", "restore_version", "set_semantic_types", "sheet_names", "split_version", "verify_version",
    "version_uses",
]

MAX_NAME = 120


# ------------------------------------------------------------------------------ ingest


def _clean_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise InvalidInput("A dataset needs a name.", hint="Give a short name such as 'churn'.")
    if len(cleaned) > MAX_NAME:
        raise InvalidInput(f"The dataset name is {len(cleaned)} characters long; the limit is {MAX_NAME}.",
                           hint="Use a shorter name and put the detail in the description.")
    return cleaned


def add_dataset(
    ws: Workspace,
    path_or_stream: str | Path | BinaryIO,
    *,
    name: str | None = None,
    original_name: str | None = None,
    project_id: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    description: str = "",
    license: str = "",
    source_note: str = "",
    created_by: str = "",
    on_progress: ProgressFn = no_progress,
    max_bytes: int | None = None,
    extra_source: Mapping[str, Any] | None = None,
    check: Callable[[pa.Table], None] | None = None,
) -> AddResult:
    """Ingest a file as a new dataset version (or reuse the version that has the same content).

    The file is parsed, canonicalised, hashed, written as Parquet to the artifact store
    and its schema inferred; then the dataset (created when no active dataset has this
    name) gets the next version number, all in one transaction. A failed ingest leaves
    no row behind (a Parquet copy placed just before a failed transaction stays, unreferenced,
    for garbage collection: copies are shared by content and never deleted here). When the
    content is already stored, that version is reused, and its stored copy is checked and
    rewritten from this file if it is missing or damaged.

    Args:
        ws: the workspace.
        path_or_stream: a local path (the CLI; read in place) or a binary stream such as
            an upload (copied to a scratch file in chunks first).
        name: the dataset name (default: the file name without extension).
        original_name: the user's file name; only its base name is kept and it is never
            used as a path. Defaults to the path's or stream's name.
        project_id: attach the dataset to this project.
        encoding: text encoding override (detected when ``None``).
        sheet: Excel sheet name or 0-based index (default: the first sheet).
        description: what the data is (the version's description; also the dataset's
            when it is new).
        license: the data's license (recorded on the dataset).
        source_note: where it came from: a URL or a sentence.
        created_by: who added it.
        on_progress: progress callback, called on the caller's thread.
        max_bytes: the size limit (default ``$MLCYCLE_MAX_INGEST_BYTES`` or 2 GiB).
        extra_source: more facts for the version's ``source`` record, over what reading found (a table
            built from another upload names that upload: ``file_name``, ``format``, ``image_root``).
        check: called with the canonical table before anything is stored; what it raises refuses the
            file (say, a monitoring batch without the model's columns) and nothing is kept.

    Returns:
        The version, its dataset, whether an existing version was reused, and warnings.

    Raises:
        InvalidInput: unsupported, empty, oversized, binary, ragged, non-tabular or
            unreadable file (the message names the file, the problem and what to do).
        NotFound: missing file or unknown project.
    """
    from core.define.projects import get_project

    if project_id:
        get_project(ws, project_id)
    with ingest.local_file(path_or_stream, ws.scratch_dir("ingest"), original_name=original_name,
                           max_bytes=max_bytes, on_progress=on_progress) as (display, path):
        ds_name = _clean_name(name or Path(display).stem)
        with ws.artifacts.writer() as parquet:
            prepared, source, mixed = ingest.ingest_file(
                path, display, parquet, encoding=encoding, sheet=sheet, on_progress=on_progress,
                schema_fn=lambda table, mixed: infer_schema_table(table, mixed=mixed),
            )
            sheets = source.get("sheets") or []
            if not name and sheets and source.get("sheet") != sheets[0]:
                # another sheet is other data: its own dataset unless the user names one
                ds_name = _clean_name(f"{Path(display).stem} - {source['sheet']}"[:MAX_NAME])
            if mixed:
                prepared.warnings.append("Column(s) mixing numbers and text were kept as text: "
                                         + ", ".join(sorted(mixed)) + ".")
            source = {**source, "file_name": display, "file_size": path.stat().st_size,
                      "uploaded_by": created_by, "note": source_note}
            if source_note.strip().lower().startswith(("http://", "https://")):
                source["url"] = source_note.strip()
            source.update(extra_source or {})
            if check is not None:
                check(prepared.table)
            result = _store(ws, prepared, parquet, dataset_name=ds_name, source=source, description=description,
                            license=license, created_by=created_by, project_id=project_id, on_progress=on_progress)
            return dataclasses.replace(result, detected=source)


def _find_by_sha(db: Any, sha: str, dataset_id: str | None, dataset_name: str | None) -> Any:
    """The version with this content in the dataset (given by id, else by active name), or ``None``."""
    if dataset_id:
        return db.execute(VERSION_ROWS + " WHERE v.sha256 = ? AND d.id = ? ORDER BY v.number LIMIT 1",
                          [sha, dataset_id]).fetchone()
    return db.execute(
        VERSION_ROWS + " WHERE v.sha256 = ? AND d.archived_at IS NULL AND d.id = (SELECT id FROM datasets"
        " WHERE name = ? COLLATE NOCASE AND archived_at IS NULL ORDER BY created_at LIMIT 1)"
        " ORDER BY v.number LIMIT 1",
        [sha, dataset_name or ""],
    ).fetchone()


def _same_content_elsewhere(db: Any, sha: str) -> DatasetVersion | None:
    row = db.execute(VERSION_ROWS + " WHERE v.sha256 = ? AND d.archived_at IS NULL ORDER BY v.created_at LIMIT 1",
                     [sha]).fetchone()
    return DatasetVersion.from_row(row) if row else None


def _columns_changed(ws: Workspace, dataset_name: str, prepared: Prepared) -> list[str]:
    """A warning when a new upload to an existing dataset has other columns than its newest version."""
    dataset = find_dataset_by_name(ws, dataset_name)
    if dataset is None or not dataset.n_versions:
        return []
    previous = latest_version(ws, dataset.id)
    before, now = previous.columns, [c.name for c in prepared.schema]
    if before == now:
        return []
    added = [c for c in now if c not in before]
    removed = [c for c in before if c not in now]
    parts = [f"added {', '.join(repr(c) for c in added)}" if added else "",
             f"removed {', '.join(repr(c) for c in removed)}" if removed else "",
             "" if added or removed else "the same columns in another order"]
    return [f"This version's columns differ from {previous.label}: {'; '.join(p for p in parts if p)}. "
            f"If it is other data rather than a new version of '{dataset.name}', add it under its own name."]


def _intact(ws: Workspace, sha: str) -> bool:
    """Whether the artifact ``sha`` is stored with the bytes its name promises."""
    try:
        ws.artifacts.verified_path(sha)
    except (NotFound, Corrupted):
        return False
    return True


def _place_artifact(ws: Workspace, parquet: Path, sha: str) -> None:
    """Move a written Parquet file into the artifact store under ``sha`` unless an intact copy is there.

    ``sha`` was computed from the bytes as they were written (:class:`core.data.canonical.ParquetSink`),
    so the file is not read again; the move is an atomic rename within the store. A copy
    that is there but damaged is replaced. Files in the store are shared by every row
    whose content has this hash, so nothing here ever deletes one: a copy left
    unreferenced by a failed or raced ingest is garbage collection's to sweep.
    """
    dest = ws.artifacts.path(sha)
    if not parquet.exists() or (dest.exists() and _intact(ws, sha)):
        ws.artifacts.touch(sha)  # about to be referenced again: garbage collection's grace period restarts
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(parquet, 0o444)
    os.replace(parquet, dest)


def _repair(ws: Workspace, version: DatasetVersion, prepared: Prepared, parquet: Path) -> list[str]:
    """Make sure a reused version's artifact is there and intact; rewrite it from fresh bytes if not.

    ``prepared`` has the same content hash as ``version``. Its Parquet bytes usually have the
    same artifact hash too; when they do not (the same table read from another format or in
    other chunks), the version is pointed at the fresh file, which holds the same table.

    Returns:
        A note for the user when something was repaired, else nothing.

    Raises:
        Corrupted: if the fresh copy cannot be stored intact either.
    """
    if _intact(ws, version.artifact):
        ws.artifacts.touch(version.artifact)
        return []
    fresh = prepared.artifact_sha
    _place_artifact(ws, parquet, fresh)
    if not _intact(ws, fresh):
        raise Corrupted(f"The stored copy of {version.label} is missing or damaged, and writing it again failed.",
                        hint="Check the disk and the workspace's artifacts folder, then add the file again.")
    with ws.write() as db:
        if fresh != version.artifact:
            db["dataset_versions"].update(version.id, {"artifact": fresh, "size_bytes": prepared.size_bytes})
        record_event(db, object_kind="dataset_version", object_id=version.id, verb="repaired",
                     message=f"{version.label}: its stored copy was missing or damaged and was written again")
    return [f"The stored copy of {version.label} was missing or damaged; it was repaired from this file."]


def _store(
    ws: Workspace, prepared: Prepared, parquet: Path, *, dataset_name: str | None = None,
    dataset_id: str | None = None, source: dict | None = None, description: str = "", license: str = "",
    created_by: str = "", project_id: str | None = None, parent_id: str | None = None,
    operation: dict | None = None, relation: str | None = None, on_progress: ProgressFn = no_progress,
) -> AddResult:
    """Record a prepared table as the next version (or return the version that has its content)."""
    warnings = list(prepared.warnings)
    table, sha = prepared.table, prepared.sha256
    with ws.read() as db:
        existing = _find_by_sha(db, sha, dataset_id, dataset_name)
        elsewhere = _same_content_elsewhere(db, sha) if existing is None else None
    if existing is not None:
        version = DatasetVersion.from_row(existing)
        return _reuse(ws, version, project_id=project_id, parent_id=parent_id, relation=relation,
                      warnings=_repair(ws, version, prepared, parquet) + warnings)
    if parent_id is None and dataset_id is None:
        warnings += _columns_changed(ws, dataset_name or "dataset", prepared)
    notes = []
    if elsewhere is not None:  # the requested name gets its own version; the bytes are stored once
        notes.append(f"The same content is also stored as {elsewhere.label}; both versions share one stored copy.")
    on_progress(Progress(0.95, "Saving the version"))
    artifact = prepared.artifact_sha
    _place_artifact(ws, parquet, artifact)  # never removed again here: another row may point at it
    schema, size = prepared.schema, prepared.size_bytes
    row = {
        "id": new_id("dsv"), "sha256": sha, "artifact": artifact, "n_rows": table.num_rows,
        "n_cols": table.num_columns, "size_bytes": size, "schema": [c.as_dict() for c in schema],
        "source": source or {}, "parent_id": parent_id, "operation": operation or {},
        "description": description.strip(), "warnings": warnings, "created_at": utcnow(),
    }
    try:
        with ws.write() as db:
            again = _find_by_sha(db, sha, dataset_id, dataset_name)
            if again is not None:
                raise _Raced(again)
            dataset_id = dataset_id or _dataset_for_name(db, dataset_name or "dataset", description=description,
                                                         license=license, created_by=created_by)
            number = db.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM dataset_versions WHERE dataset_id = ?",
                                [dataset_id]).fetchone()[0]
            db["dataset_versions"].insert({**row, "dataset_id": dataset_id, "number": number})
            if parent_id and relation:
                add_link(db, "dataset_version", row["id"], relation, "dataset_version", parent_id)
            if project_id:
                _attach(db, dataset_id, project_id)
            ds_name = db.execute("SELECT name FROM datasets WHERE id = ?", [dataset_id]).fetchone()[0]
            what = (operation or {}).get("summary") or f"added from {(source or {}).get('file_name', 'a file')}"
            record_event(db, object_kind="dataset_version", object_id=row["id"],
                         verb="derived" if parent_id else "added", project_id=project_id,
                         message=f"Dataset '{ds_name}' v{number}: {what} "
                                 f"({table.num_rows:,} rows x {table.num_columns} columns)")
    except _Raced as raced:  # another writer stored this content first: its row may use our file
        version = DatasetVersion.from_row(raced.row)
        return _reuse(ws, version, project_id=project_id, parent_id=parent_id, relation=relation,
                      warnings=_repair(ws, version, prepared, parquet) + warnings)
    version = get_version(ws, row["id"])
    on_progress(Progress(1.0, f"Saved {version.label}"))
    return AddResult(version, get_dataset(ws, version.dataset_id), False, notes + warnings)


class _Raced(Exception):
    def __init__(self, row: Any) -> None:
        super().__init__("same content stored concurrently")
        self.row = row


def _dataset_for_name(db: Any, name: str, *, description: str, license: str, created_by: str) -> str:
    row = db.execute("SELECT id, description, license FROM datasets WHERE name = ? COLLATE NOCASE"
                     " AND archived_at IS NULL ORDER BY created_at LIMIT 1", [name]).fetchone()
    if row is not None:
        updates = {}
        if license.strip() and not row["license"]:
            updates["license"] = license.strip()
        if description.strip() and not row["description"]:
            updates["description"] = description.strip()
        if updates:
            db["datasets"].update(row["id"], updates)
        return row["id"]
    dataset_id = new_id("ds")
    db["datasets"].insert({"id": dataset_id, "name": name, "description": description.strip(),
                           "license": license.strip(), "created_by": created_by, "created_at": utcnow(),
                           "archived_at": None})
    return dataset_id


def _reuse(ws: Workspace, version: DatasetVersion, *, project_id: str | None, parent_id: str | None,
           relation: str | None, warnings: list[str]) -> AddResult:
    if parent_id and version.id == parent_id:
        raise InvalidInput(f"The operation changed nothing: the result is {version.label} itself.",
                           hint="Check the operation's columns and values.")
    notes = [f"This content is already stored as {version.label}; that version is reused."]
    if version.archived_at:  # made again on purpose: it comes back
        notes.append(f"{version.label} had been archived; it is restored.")
    if project_id or (parent_id and relation) or version.archived_at:
        with ws.write() as db:
            if project_id:
                _attach(db, version.dataset_id, project_id)
            if parent_id and relation:
                add_link(db, "dataset_version", version.id, relation, "dataset_version", parent_id)
            if version.archived_at:
                db["dataset_versions"].update(version.id, {"archived_at": None})
                record_event(db, object_kind="dataset_version", object_id=version.id, verb="restored",
                             project_id=project_id, message=f"{version.label} restored: its content was added again")
        version = get_version(ws, version.id)
    return AddResult(version, get_dataset(ws, version.dataset_id), True, notes + warnings)


def _attach(db: Any, dataset_id: str, project_id: str) -> bool:
    cur = db.execute("INSERT OR IGNORE INTO project_datasets (project_id, dataset_id, attached_at) VALUES (?, ?, ?)",
                     [project_id, dataset_id, utcnow()])
    return bool(cur.rowcount)


# ------------------------------------------------------------------- derived versions


def _carry_schema(parent: DatasetVersion, rename: Mapping[str, str], recast: set[str],
                  forced: Mapping[str, str] | None = None) -> Any:
    """Schema builder for a derived table: keep the parent's semantic types where the dtype held.

    ``forced`` sets semantic types outright (``cast_columns`` to ``category``).
    """
    old = {c.name: c for c in parent.schema}
    back = {new: before for before, new in rename.items()}
    forced = dict(forced or {})

    def build(table: pa.Table) -> list[ColumnSchema]:
        out = []
        for col in infer_schema_table(table):
            prev = old.get(back.get(col.name, col.name))
            if col.name in forced:
                col = ColumnSchema(col.name, col.dtype, forced[col.name], True, col.flags)
            elif prev is not None and col.name not in recast and prev.dtype == col.dtype:
                col = ColumnSchema(col.name, col.dtype, prev.semantic, prev.overridden, col.flags)
            out.append(col)
        return out

    return build


def derive_version(ws: Workspace, parent_version_id: str, op: Mapping[str, Any], *,
                   description: str = "") -> DatasetVersion:
    """Make a new version from an existing one by one operation.

    Operations (``op["op"]``):

    * ``drop_columns``: ``{"columns": [...]}``
    * ``rename_columns``: ``{"mapping": {"old": "new"}}``
    * ``filter_rows``: ``{"conditions": [{"column", "operator", "value"}], "combine": "and"|"or"}``
      with operators ``== != < <= > >= in not_in is_null not_null contains startswith endswith``
      (rows where a comparison meets a missing value are dropped)
    * ``cast_columns``: ``{"types": {"col": "int"|"float"|"string"|"bool"|"datetime"|"category"}}``
      (``category`` stores text and marks the column categorical)
    * ``deduplicate``: ``{"subset": [...] or None, "keep": "first"|"last"}``

    Args:
        ws: the workspace.
        parent_version_id: the version to start from.
        op: the operation.
        description: a note; defaults to a generated summary of the operation.

    Returns:
        The new version (or the existing one with identical content).

    Raises:
        NotFound: unknown version or column.
        InvalidInput: unknown operation, bad arguments, a cast that fails on some value,
            a filter that keeps no rows, or an operation that changes nothing.
    """
    parent = get_version(ws, parent_version_id)
    table = load_table(ws, parent.id)
    new_table, record, rename, recast = apply_operation(table, dict(op), parent.label)
    forced = {c: "categorical" for c, t in record.get("types", {}).items() if t in CATEGORY_TARGETS}
    return derive_table(ws, parent, new_table, record, description=description, rename=rename, recast=recast,
                        forced=forced).version


def derive_table(ws: Workspace, parent: DatasetVersion, table: pa.Table, operation: Mapping[str, Any], *,
                 description: str = "", rename: Mapping[str, str] | None = None, recast: set[str] | None = None,
                 forced: Mapping[str, str] | None = None, created_by: str = "") -> AddResult:
    """Store a table made from a version as that dataset's next version, ``derived_from`` the parent.

    Columns keep the parent's semantic types where their dtype held (``rename`` maps old names to new,
    ``recast`` lists columns whose types were changed on purpose); ``forced`` sets semantic types outright.
    Steps that make a table of their own (publishing labels) store it through here, so every derived
    version is hashed, deduplicated and linked the same way.

    Args:
        ws: the workspace.
        parent: the version the table was made from.
        table: the new table.
        operation: what was done: ``{"op": ..., "summary": "one sentence", ...}`` (recorded on the version).
        description: a note; defaults to the operation's summary.
        rename: old column name -> new name.
        recast: columns whose types were changed.
        forced: column -> semantic type.
        created_by: who made it.

    Returns:
        The new version (or the existing one with identical content, ``reused``) and its dataset.
    """
    new_table, warnings = canonicalize(table)
    with ws.artifacts.writer() as parquet:
        prepared = prepare(new_table, parquet,
                           schema_fn=_carry_schema(parent, rename or {}, recast or set(), forced))
        prepared.warnings = warnings
        return _store(ws, prepared, parquet, dataset_id=parent.dataset_id, dataset_name=parent.dataset_name,
                      source={"derived_from": parent.id}, description=description or operation.get("summary", ""),
                      parent_id=parent.id, operation=dict(operation), relation="derived_from", created_by=created_by)


def split_version(ws: Workspace, version_id: str, *, target: str | None = None, test_size: float = 0.2,
                  seed: int = 0, stratify: bool = True) -> tuple[DatasetVersion, DatasetVersion]:
    """Split a version into train and test versions (seeded; stratified on ``target`` by default).

    Both parts keep the original row order and link ``split_of`` to the source version.
    Splitting again with the same arguments returns the same two versions.

    Args:
        ws: the workspace.
        version_id: the version to split.
        target: the label column to stratify on (numeric targets with many values are
            stratified on deciles).
        test_size: a fraction in (0, 1) or a row count.
        seed: the random seed.
        stratify: stratify on ``target`` when it is given.

    Returns:
        ``(train, test)``.

    Raises:
        NotFound: unknown version or target column.
        InvalidInput: a bad ``test_size`` or a table too small to split.
    """
    parent = get_version(ws, version_id)
    if target is not None:
        check_columns(parent, [target])
    table = load_table(ws, parent.id)
    labels = table.column(target).to_numpy(zero_copy_only=False) if (target and stratify) else None
    train_idx, test_idx, notes = stratified_split(table.num_rows, labels, test_size=test_size, seed=seed,
                                                  label=parent.label)
    common = {"target": target, "test_size": test_size, "seed": seed, "stratify": bool(target and stratify)}
    out = []
    for part, idx in (("train", train_idx), ("test", test_idx)):
        summary = (f"{part} part of a {'stratified ' if common['stratify'] else ''}split of v{parent.number} "
                   f"({len(idx):,} of {table.num_rows:,} rows, seed {seed})")
        record = {"op": "split", "part": part, **common, "summary": summary}
        part_table, _ = canonicalize(table.take(pa.array(idx)))
        with ws.artifacts.writer() as parquet:
            prepared = prepare(part_table, parquet, schema_fn=_carry_schema(parent, {}, set()))
            prepared.warnings = list(notes)
            result = _store(ws, prepared, parquet, dataset_id=parent.dataset_id, dataset_name=parent.dataset_name,
                            source={"derived_from": parent.id}, description=summary, parent_id=parent.id,
                            operation=record, relation="split_of")
        out.append(result.version)
    return out[0], out[1]


def set_semantic_types(ws: Workspace, version_id: str, overrides: Mapping[str, str]) -> DatasetVersion:
    """Override inferred semantic types on a version (metadata only; the content hash is unchanged).

    Args:
        ws: the workspace.
        version_id: the version.
        overrides: column name to one of ``core.data.entities.SEMANTIC_TYPES``.

    Returns:
        The version with its updated schema.

    Raises:
        NotFound: unknown version.
        InvalidInput: unknown column, unknown type, or a type that cannot describe the
            column's stored values.
    """
    version = get_version(ws, version_id)
    schema = apply_overrides(version.schema, dict(overrides))
    changed = [f"{k} -> {v}" for k, v in overrides.items()]
    with ws.write() as db:
        db["dataset_versions"].update(version.id, {"schema": [c.as_dict() for c in schema]})
        record_event(db, object_kind="dataset_version", object_id=version.id, verb="edited",
                     message=f"{version.label}: semantic types set ({', '.join(changed)})")
    return get_version(ws, version.id)


# ---------------------------------------------------------------------- sharing, state


def attach_dataset(ws: Workspace, dataset_id: str, project_id: str) -> Dataset:
    """Attach a workspace dataset to a project (no copy; idempotent).

    Args:
        ws: the workspace.
        dataset_id: the dataset.
        project_id: the project that will list it.

    Returns:
        The dataset.

    Raises:
        NotFound: unknown dataset or project.
    """
    from core.define.projects import get_project

    dataset = get_dataset(ws, dataset_id)
    project = get_project(ws, project_id)
    with ws.write() as db:
        if _attach(db, dataset.id, project.id):
            record_event(db, object_kind="dataset", object_id=dataset.id, verb="attached", project_id=project.id,
                         message=f"Dataset '{dataset.name}' attached to project '{project.name}'")
    return dataset


def detach_dataset(ws: Workspace, dataset_id: str, project_id: str) -> Dataset:
    """Remove a dataset from a project (the dataset and its versions stay in the workspace).

    Args:
        ws: the workspace.
        dataset_id: the dataset.
        project_id: the project.

    Returns:
        The dataset.

    Raises:
        NotFound: unknown dataset.
    """
    dataset = get_dataset(ws, dataset_id)
    with ws.write() as db:
        cur = db.execute("DELETE FROM project_datasets WHERE project_id = ? AND dataset_id = ?",
                         [project_id, dataset.id])
        if cur.rowcount:
            record_event(db, object_kind="dataset", object_id=dataset.id, verb="detached", project_id=project_id,
                         message=f"Dataset '{dataset.name}' detached from the project")
    return dataset


def link_dataset_to_hypothesis(ws: Workspace, dataset_id: str, hypothesis_id: str) -> Dataset:
    """Record that a hypothesis uses a dataset (lineage ``hypothesis --uses--> dataset``).

    The dataset is also attached to the hypothesis's project.

    Args:
        ws: the workspace.
        dataset_id: the dataset.
        hypothesis_id: the hypothesis.

    Returns:
        The dataset.

    Raises:
        NotFound: unknown dataset or hypothesis.
    """
    dataset = get_dataset(ws, dataset_id)
    with ws.read() as db:
        hyp = db.execute("SELECT id, project_id FROM hypotheses WHERE id = ?", [hypothesis_id]).fetchone()
    if hyp is None:
        raise NotFound(f"There is no hypothesis with id '{hypothesis_id}'.",
                       hint="Pick a hypothesis on the Define page.")
    with ws.write() as db:
        add_link(db, "hypothesis", hyp["id"], "uses", "dataset", dataset.id)
        _attach(db, dataset.id, hyp["project_id"])
        record_event(db, object_kind="dataset", object_id=dataset.id, verb="linked", project_id=hyp["project_id"],
                     message=f"Dataset '{dataset.name}' linked to hypothesis {hyp['id']}")
    return dataset


def _set_archived(ws: Workspace, dataset_id: str, archived: bool) -> Dataset:
    dataset = get_dataset(ws, dataset_id)
    if bool(dataset.archived_at) == archived:
        return dataset
    if not archived:
        other = find_dataset_by_name(ws, dataset.name)
        if other is not None:
            raise Conflict(f"Cannot restore '{dataset.name}': an active dataset has that name.",
                           hint="Archive or rename the active one first.")
    with ws.write() as db:
        db["datasets"].update(dataset.id, {"archived_at": utcnow() if archived else None})
        verb = "archived" if archived else "restored"
        record_event(db, object_kind="dataset", object_id=dataset.id, verb=verb,
                     message=f"Dataset '{dataset.name}' {verb}")
    return get_dataset(ws, dataset.id)


def archive_dataset(ws: Workspace, dataset_id: str) -> Dataset:
    """Hide a dataset from lists (soft delete: versions and artifacts stay).

    Args:
        ws: the workspace.
        dataset_id: the dataset.

    Returns:
        The archived dataset.

    Raises:
        NotFound: unknown dataset.
    """
    return _set_archived(ws, dataset_id, True)


def restore_dataset(ws: Workspace, dataset_id: str) -> Dataset:
    """Bring an archived dataset back.

    Args:
        ws: the workspace.
        dataset_id: the dataset.

    Returns:
        The restored dataset.

    Raises:
        NotFound: unknown dataset.
        Conflict: an active dataset has taken its name.
    """
    return _set_archived(ws, dataset_id, False)


def _split_parts(ws: Workspace, version: DatasetVersion) -> list[DatasetVersion]:
    """The train/test parts split off ``version`` (they go and come back with it)."""
    return [v for v in list_versions(ws, version.dataset_id) if v.is_split and v.parent_id == version.id]


def archive_version(ws: Workspace, version_id: str) -> DatasetVersion:
    """Hide a version from lists and pickers (soft delete: its data, lineage and id stay).

    The train/test parts split off it are archived with it. A version that an experiment
    uses (as its data, or as the train or test part it split off), or whose split parts one
    uses, is kept: the experiment and its models must keep showing what they learned from.
    The last version of a dataset the user made is kept too (archive the dataset instead).

    Args:
        ws: the workspace.
        version_id: the version.

    Returns:
        The archived version (unchanged when it already was).

    Raises:
        NotFound: unknown version.
        Conflict: an experiment or its model uses it (the message names the experiment), or
            it is the dataset's last version.
    """
    version = get_version(ws, version_id)
    if version.archived_at:
        return version
    parts = [v for v in _split_parts(ws, version) if not v.archived_at]
    uses = version_uses(ws, [version.id, *(v.id for v in parts)])
    used = [u for found in uses.values() for u in found]
    name = f"'{version.dataset_name}' v{version.number}"
    if used:
        first = used[0]
        others = len({u.experiment_id for u in used}) - 1
        more = f" and {others} more experiment{'s' if others > 1 else ''}" if others else ""
        models = sum({u.experiment_id: u.n_models for u in used}.values())
        trained = " and the models trained on it" if models else ""
        part = "" if first.version_id == version.id else " (through a train/test part split off it)"
        raise Conflict(f"{name} is used by experiment '{first.experiment_name}' ({first.experiment_id}){more}"
                       f"{part}, so it is kept: the experiment{trained} must keep showing the data they came from.",
                       hint="Archive other versions, or leave this one: versions an experiment uses cannot be "
                            "archived.")
    if not version.is_split:
        left = [v for v in list_versions(ws, version.dataset_id, include_archived=False)
                if not v.is_split and v.id != version.id]
        if not left:
            raise Conflict(f"{name} is the last version of '{version.dataset_name}' left, so it is kept.",
                           hint=f"Archive the whole dataset instead (`mlcycle datasets archive {version.dataset_id}`).")
    now = utcnow()
    with ws.write() as db:
        for v in (version, *parts):
            db["dataset_versions"].update(v.id, {"archived_at": now})
        with_parts = f" with the {len(parts)} train/test parts split off it" if parts else ""
        record_event(db, object_kind="dataset_version", object_id=version.id, verb="archived",
                     message=f"Dataset {name} archived{with_parts}")
    return get_version(ws, version.id)


def restore_version(ws: Workspace, version_id: str) -> DatasetVersion:
    """Bring an archived version back (with the split parts archived along with it).

    Args:
        ws: the workspace.
        version_id: the version.

    Returns:
        The restored version (unchanged when it was not archived).

    Raises:
        NotFound: unknown version.
    """
    version = get_version(ws, version_id)
    if not version.archived_at:
        return version
    parts = [v for v in _split_parts(ws, version) if v.archived_at == version.archived_at]
    with ws.write() as db:
        for v in (version, *parts):
            db["dataset_versions"].update(v.id, {"archived_at": None})
        record_event(db, object_kind="dataset_version", object_id=version.id, verb="restored",
                     message=f"Dataset '{version.dataset_name}' v{version.number} restored")
    return get_version(ws, version.id)
