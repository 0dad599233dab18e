"""Read-only views: export a version (CSV/Parquet), diff two versions, lineage graph, file preview.

Part of the public API of :mod:`core.data.datasets`, which re-exports every function here;
call them as ``core.data.datasets.export_version`` and so on.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from core.data.entities import ExportResult, LineageEdge, LineageGraph, LineageNode, Preview, VersionDiff
from core.data.reads import (
    IN_JSON,
    VERSION_ROWS,
    check_columns,
    get_dataset,
    get_version,
    list_versions_of,
    load_frame,
    load_table,
)
from core.errors import InvalidInput
from core.workspace import Workspace

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXPORT_SUFFIXES = {".csv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet"}
# names that promise a format MLCycle does not write: refused rather than filled with CSV
OTHER_FORMATS = (".xlsx", ".xlsm", ".xls", ".ods", ".json", ".jsonl", ".ndjson", ".tsv", ".feather", ".arrow",
                 ".orc", ".avro", ".zip", ".gz")
# how many rows and cells of each kind a diff carries to show; the counts cover them all
SAMPLE_ROWS = 10
SAMPLE_CELLS = 50
# without a key, rows are matched by content: only for tables this size or smaller (both together)
CONTENT_DIFF_MAX_ROWS = 4_000_000


def _neutralise(col: pa.ChunkedArray) -> tuple[pa.ChunkedArray, int]:
    """Prefix text cells that a spreadsheet would run as a formula with a single quote."""
    if not pa.types.is_string(col.type):
        return col, 0
    pattern = "^[" + "".join("\\" + c if c in "-+" else c for c in FORMULA_START) + "]"
    risky = pc.fill_null(pc.match_substring_regex(col, pattern), False)
    count = int(pc.sum(risky).as_py() or 0)
    if not count:
        return col, 0
    return pc.if_else(risky, pc.binary_join_element_wise("'", col, ""), col), count


def _friendly_times(col: pa.ChunkedArray) -> pa.ChunkedArray:
    if not pa.types.is_timestamp(col.type) or col.type.tz is not None:
        return col
    micros = pc.cast(col, pa.int64())
    midnight = pc.all(pc.equal(pc.remainder(micros, 86_400_000_000), 0)).as_py()
    whole = pc.all(pc.equal(pc.remainder(micros, 1_000_000), 0)).as_py()
    if midnight is not False:
        return pc.strftime(col, format="%Y-%m-%d")
    if whole is not False:
        return pc.strftime(col, format="%Y-%m-%d %H:%M:%S")
    return col


def export_format(path: str | Path, fmt: str | None = None) -> str:
    """Choose the export format for a file name, refusing a name that promises another format.

    Args:
        path: the file to write.
        fmt: ``"csv"``, ``"parquet"`` or ``None`` (from the extension: ``.parquet``/``.pq``
            is Parquet, anything else CSV).

    Returns:
        ``"csv"`` or ``"parquet"``.

    Raises:
        InvalidInput: an unknown format, a name ending in another format's extension
            (``.xlsx``, ``.json``…), or an extension that contradicts ``fmt``.
    """
    if fmt is not None and fmt not in ("csv", "parquet"):
        raise InvalidInput(f"'{fmt}' is not an export format.", hint="Use csv or parquet.")
    name = Path(path).name
    suffix = Path(path).suffix.lower()
    implied = EXPORT_SUFFIXES.get(suffix)
    if suffix in OTHER_FORMATS:
        raise InvalidInput(f"'{name}' ends in {suffix}, but a version is exported as CSV or Parquet only.",
                           hint=f"Name the file {Path(name).stem}.csv (Excel opens it; formula cells are "
                                f"neutralised) or {Path(name).stem}.parquet.")
    if fmt is not None and implied is not None and implied != fmt:
        raise InvalidInput(f"'{name}' ends in {suffix}, which is not {fmt}.",
                           hint=f"Name the file {Path(name).stem}.{fmt}, or leave out the format.")
    return fmt or implied or "csv"


def _check_target(path: Path, fmt: str, stem: str) -> None:
    """Refuse an export path that is a folder or lies in a folder that does not exist."""
    check_output_path(path, what="the export", suggested=f"{stem}.{fmt}")


def check_output_path(path: Path, *, what: str, suggested: str) -> None:
    """Refuse a path for a new file that is a folder or lies in a folder that does not exist.

    Args:
        path: where the file would be written.
        what: what is written, for the message (``"the export"``, ``"the notebook"``).
        suggested: a file name for the hint when ``path`` is a folder.

    Raises:
        InvalidInput: naming the problem and what to do (folders are never created).
    """
    if path.is_dir():
        raise InvalidInput(f"'{path}' is a folder; {what} needs a file name.",
                           hint=f"Give a file name in it, e.g. {path / suggested}.")
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise InvalidInput(f"'{parent}' is a file, not a folder, so '{path.name}' cannot be written in it.",
                           hint="Choose a path in an existing folder.")
    if not parent.exists():
        raise InvalidInput(f"The folder '{parent}' does not exist.",
                           hint=f"Create it first (mkdir -p '{parent}') or choose an existing folder.")


def export_version(ws: Workspace, version_id: str, out_path_or_buffer: str | Path | BinaryIO,
                   fmt: str | None = "csv") -> ExportResult:
    """Write a version as CSV (UTF-8 with BOM, formula cells neutralised) or Parquet.

    CSV is for people and spreadsheets: text cells starting with ``= + - @`` (or tab/CR)
    get a leading single quote so Excel does not run them, and the BOM makes Excel read
    Hangul correctly. Parquet is the exact canonical copy (same bytes as the artifact).
    A file is written beside its target first and renamed into place, so a failed export
    never leaves half a file or damages the file it would have replaced.

    Args:
        ws: the workspace.
        version_id: the version.
        out_path_or_buffer: a file path (its folder must exist) or a writable binary buffer.
        fmt: ``"csv"``, ``"parquet"`` or ``None`` (from the file's extension, see
            :func:`export_format`).

    Returns:
        What was written.

    Raises:
        NotFound: unknown version.
        InvalidInput: an unknown format; a file name that promises another format
            (``x.xlsx``) or contradicts ``fmt``; a path that is a folder, lies in a folder
            that does not exist, or cannot be written (the message names the path).
    """
    is_path = isinstance(out_path_or_buffer, str | Path)
    if is_path:
        fmt = export_format(out_path_or_buffer, fmt)
    elif fmt not in ("csv", "parquet"):
        raise InvalidInput(f"'{fmt}' is not an export format.", hint="Use csv or parquet.")
    version = get_version(ws, version_id)
    if is_path:
        _check_target(Path(out_path_or_buffer), fmt, f"{version.dataset_name or 'dataset'}_v{version.number}")
    neutralised = 0
    if fmt == "parquet":
        data = ws.artifacts.read_bytes(version.artifact)
        _write_out(out_path_or_buffer, [data])
        size = len(data)
    else:
        import pyarrow.csv as pacsv

        table = load_table(ws, version.id)
        cols = []
        for col in table.columns:
            col, n = _neutralise(_friendly_times(col))
            neutralised += n
            cols.append(col)
        names = []
        for name in table.column_names:
            risky = name.startswith(FORMULA_START)
            neutralised += risky
            names.append("'" + name if risky else name)
        buf = pa.BufferOutputStream()
        pacsv.write_csv(pa.Table.from_arrays(cols, names=names), buf,
                        write_options=pacsv.WriteOptions(quoting_style="needed"))
        body = buf.getvalue()
        _write_out(out_path_or_buffer, [b"\xef\xbb\xbf", body])
        size = 3 + body.size
    path = str(out_path_or_buffer) if isinstance(out_path_or_buffer, str | Path) else None
    return ExportResult(version.id, fmt, version.n_rows, path, size, neutralised)


def _write_out(target: str | Path | BinaryIO, parts: list[Any]) -> None:
    if not isinstance(target, str | Path):
        for part in parts:
            target.write(part)
        return
    path = Path(target)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(tmp, "wb") as handle:
            for part in parts:
                handle.write(part)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        reason = exc.strerror or type(exc).__name__
        raise InvalidInput(f"Could not write '{path}': {reason}.",
                           hint="Choose a path in a folder you can write to, with free space.") from exc


def diff_versions(ws: Workspace, a: str, b: str, key: str | None = None) -> VersionDiff:
    """Compare two versions: schema changes, row counts and, with a key column, rows added/removed/changed.

    Args:
        ws: the workspace.
        a: the old version id.
        b: the new version id.
        key: a column that identifies rows in both versions (unique in each).

    Returns:
        The differences (row-level fields stay ``None`` without a key).

    Raises:
        NotFound: unknown version, or a key column missing from either version.
        InvalidInput: a key that is not unique.
    """
    va, vb = get_version(ws, a), get_version(ws, b)
    sa, sb = {c.name: c for c in va.schema}, {c.name: c for c in vb.schema}
    common = [c for c in sa if c in sb]
    diff: dict[str, Any] = {
        "a": va.id, "b": vb.id, "same_content": va.sha256 == vb.sha256, "rows_a": va.n_rows, "rows_b": vb.n_rows,
        "columns_added": [c for c in sb if c not in sa], "columns_removed": [c for c in sa if c not in sb],
        "type_changes": [{"column": c, "from": sa[c].dtype, "to": sb[c].dtype} for c in common
                         if sa[c].dtype != sb[c].dtype],
        "semantic_changes": [{"column": c, "from": sa[c].semantic, "to": sb[c].semantic} for c in common
                             if sa[c].semantic != sb[c].semantic],
    }
    if key is None:
        if diff["same_content"] or va.n_rows + vb.n_rows > CONTENT_DIFF_MAX_ROWS or not common:
            return VersionDiff(**diff)
        return VersionDiff(**diff, **_content_diff(load_frame(ws, va.id, common), load_frame(ws, vb.id, common)))
    check_columns(va, [key])
    check_columns(vb, [key])
    fa, fb = load_frame(ws, va.id, common), load_frame(ws, vb.id, common)
    for frame, version in ((fa, va), (fb, vb)):
        dupes = frame[key].duplicated(keep=False)
        if dupes.any():
            raise InvalidInput(f"Column '{key}' is not a key in {version.label}: "
                               f"{int(dupes.sum())} rows share a value (e.g. {frame.loc[dupes, key].iloc[0]!r}).",
                               hint="Choose a column whose values are unique, or compare without a key.")
    ka, kb = set(fa[key].tolist()), set(fb[key].tolist())
    added, removed = [k for k in fb[key].tolist() if k not in ka], [k for k in fa[key].tolist() if k not in kb]
    both = fa.merge(fb, on=key, suffixes=("_a", "_b"))
    changed = np.zeros(len(both), dtype=bool)
    cells: list[dict[str, Any]] = []
    for col in common:
        if col == key:
            continue
        left, right = both[f"{col}_a"], both[f"{col}_b"]
        same = (left == right) | (left.isna() & right.isna())
        differs = ~same.fillna(False).to_numpy(dtype=bool)
        changed |= differs
        if len(cells) < SAMPLE_CELLS:
            for i in np.flatnonzero(differs)[:SAMPLE_CELLS - len(cells)]:
                cells.append({"key": _plain(both[key].iloc[i]), "column": col,
                              "old": _plain(left.iloc[i]), "new": _plain(right.iloc[i])})
    changed_keys = both.loc[changed, key].tolist()
    return VersionDiff(**diff, key=key, rows_added=len(added), rows_removed=len(removed),
                       rows_changed=len(changed_keys), sample_added=_py(added[:5]),
                       sample_removed=_py(removed[:5]), sample_changed=_py(changed_keys[:5]),
                       added_rows=_records(fb[fb[key].isin(added[:SAMPLE_ROWS])]),
                       removed_rows=_records(fa[fa[key].isin(removed[:SAMPLE_ROWS])]),
                       changed_cells=sorted(cells, key=lambda c: str(c["key"]))[:SAMPLE_CELLS])



def _content_diff(fa: Any, fb: Any) -> dict[str, Any]:
    """Rows found only in one version, matched by their values on the columns both have.

    Rows are compared as multisets: a row that appears three times in ``a`` and once in ``b``
    counts as two removed rows (its last two copies).
    """
    import pandas as pd

    ha = pd.Series(pd.util.hash_pandas_object(fa, index=False).to_numpy())
    hb = pd.Series(pd.util.hash_pandas_object(fb, index=False).to_numpy())

    def only_in(mine: pd.Series, other: pd.Series) -> np.ndarray:
        seen = mine.groupby(mine).cumcount()  # 0 for a row's first copy, 1 for its second...
        there = mine.map(other.value_counts()).fillna(0)
        return (seen >= there).to_numpy()

    removed, added = only_in(ha, hb), only_in(hb, ha)
    return {"content_added": int(added.sum()), "content_removed": int(removed.sum()),
            "added_rows": _records(fb[added]), "removed_rows": _records(fa[removed])}


def _plain(value: Any) -> Any:
    """A cell as plain JSON-ready Python (missing values as ``None``, times as ISO text)."""
    import pandas as pd

    if value is None or (not isinstance(value, str | bytes | list | dict) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value


def _records(frame: Any) -> list[dict[str, Any]]:
    return [{col: _plain(v) for col, v in row.items()} for row in frame.head(SAMPLE_ROWS).to_dict("records")]


def _py(values: list[Any]) -> list[Any]:
    return [v.item() if hasattr(v, "item") else v for v in values]


# -------------------------------------------------------------------------- lineage


_LABELS = {"hypothesis": ("hypotheses", "statement"), "experiment": ("experiments", "name"),
           "project": ("projects", "name"), "dataset": ("datasets", "name"), "model": ("models", "learner"),
           "label_task": ("label_tasks", "name"), "feature_set": ("feature_sets", "name"),
           "monitor_batch": ("monitor_batches", "name")}


def lineage_graph(ws: Workspace, dataset_id: str) -> LineageGraph:
    """Return the lineage of a dataset as nodes and edges a chart can draw.

    Nodes are the dataset's versions plus everything linked to them or to the dataset
    (parent versions in other datasets, hypotheses that use it, experiments that
    trained on it, the models those produced); edges go ``from --relation--> to`` as
    stored (a child version ``derived_from`` / ``split_of`` its parent;
    ``hypothesis --uses--> dataset``). The number of queries does not grow with the
    number of nodes: labels are read with one query per kind of object.

    Args:
        ws: the workspace.
        dataset_id: the dataset.

    Returns:
        The graph; version nodes carry ``dataset_name vN`` labels and a detail line.

    Raises:
        NotFound: unknown dataset.
    """
    dataset = get_dataset(ws, dataset_id)
    versions = list_versions_of(ws, [dataset.id])[dataset.id]
    ids = [v.id for v in versions]
    marks = ",".join("?" * len(ids)) or "''"
    nodes: dict[str, LineageNode] = {
        v.id: LineageNode(v.id, "dataset_version", f"{v.dataset_name} v{v.number}",
                          f"{v.n_rows:,} rows x {v.n_cols} cols; {v.operation.get('summary') or v.description}"
                          + ("; archived" if v.archived_at else ""))
        for v in versions
    }
    others: dict[str, str] = {}  # id -> kind of every other node, in the order they are met
    edges = []
    with ws.read() as db:
        links = db.execute(
            f"SELECT * FROM lineage WHERE (from_kind = 'dataset_version' AND from_id IN ({marks}))"
            f" OR (to_kind = 'dataset_version' AND to_id IN ({marks}))"
            " OR (from_kind = 'dataset' AND from_id = ?) OR (to_kind = 'dataset' AND to_id = ?) ORDER BY seq",
            [*ids, *ids, dataset.id, dataset.id],
        ).fetchall()
        for link in links:
            for kind, oid in ((link["from_kind"], link["from_id"]), (link["to_kind"], link["to_id"])):
                if oid not in nodes:
                    others.setdefault(oid, kind)
            edges.append(LineageEdge(link["from_id"], link["to_id"], link["relation"]))
        # one hop further: the models the experiments on this data produced
        experiments = [oid for oid, kind in others.items() if kind == "experiment"]
        if experiments:
            for link in db.execute(
                f"SELECT * FROM lineage WHERE to_kind = 'experiment' AND to_id {IN_JSON}"  # noqa: S608
                " AND from_kind = 'model' ORDER BY seq", [json.dumps(experiments)],
            ).fetchall():
                if link["from_id"] not in nodes:
                    others.setdefault(link["from_id"], "model")
                edges.append(LineageEdge(link["from_id"], link["to_id"], link["relation"]))
        labels = _labels(db, others)
    nodes.update({oid: LineageNode(oid, kind, labels[oid]) for oid, kind in others.items()})
    return LineageGraph(list(nodes.values()), edges)


def object_labels(ws: Workspace, kinds: dict[str, str]) -> dict[str, str]:
    """What to call objects on a lineage chart, read with one query per kind.

    Args:
        ws: the workspace.
        kinds: ``{object id: kind}`` (``dataset_version``, ``experiment``, ``model``, ``label_task``...).

    Returns:
        ``{object id: label}``: ``name vN`` for a version, a name, a learner...; ``kind id`` when unknown.
    """
    with ws.read() as db:
        return _labels(db, kinds)


def _labels(db: Any, kinds: dict[str, str]) -> dict[str, str]:
    """Label objects given as ``{id: kind}``, with one query per kind."""
    labels = {oid: oid if kind == "dataset_version" else f"{kind} {oid}" for oid, kind in kinds.items()}
    by_kind: dict[str, list[str]] = {}
    for oid, kind in kinds.items():
        by_kind.setdefault(kind, []).append(oid)
    for kind, oids in by_kind.items():  # a failing query is a bug or a damaged store: it is not hidden
        if kind == "dataset_version":
            for row in db.execute(VERSION_ROWS + f" WHERE v.id {IN_JSON}", [json.dumps(oids)]).fetchall():
                labels[row["id"]] = f"{row['dataset_name']} v{row['number']}"
        elif kind in _LABELS:
            table, col = _LABELS[kind]
            for oid, text in db.execute(f"SELECT id, {col} FROM {table} WHERE id {IN_JSON}",  # noqa: S608
                                        [json.dumps(oids)]).fetchall():
                if text:
                    text = str(text)
                    labels[oid] = text if len(text) <= 40 else text[:39] + "…"
    return labels


def _tell(stream: Any) -> int | None:
    try:
        return stream.tell() if hasattr(stream, "seek") else None
    except (OSError, ValueError):
        return None


def read_preview(path_or_stream: str | Path | BinaryIO, *, original_name: str | None = None,
                 encoding: str | None = None, sheet: str | int | None = None, rows: int = 20,
                 max_bytes: int | None = None) -> Preview:
    """Show the first rows of a file as they would be ingested, storing nothing.

    Use it to let the user check the detected encoding, delimiter and sheet before
    :func:`add_dataset`.

    Args:
        path_or_stream: a local path or a binary stream (an upload).
        original_name: the user's file name (only its base name is used).
        encoding: text encoding override.
        sheet: Excel sheet name or 0-based index.
        rows: how many rows to show.
        max_bytes: the size limit (as for :func:`add_dataset`).

    Returns:
        The preview: a small DataFrame and what was detected.

    Raises:
        InvalidInput: an unsupported, empty, oversized or unreadable file.
        NotFound: a missing file.
    """
    import tempfile

    from core.data import ingest

    start = None if isinstance(path_or_stream, str | os.PathLike) else _tell(path_or_stream)
    with tempfile.TemporaryDirectory(prefix="mlcycle-preview-") as tmp, \
            ingest.local_file(path_or_stream, Path(tmp), original_name=original_name, max_bytes=max_bytes) \
            as (display, path):
        table, source, warnings = ingest.preview_file(path, display, encoding=encoding, sheet=sheet, rows=rows)
    if start is not None:
        path_or_stream.seek(start)  # the same upload can be ingested next
    return Preview(display, table.to_pandas(), source, warnings)


def sheet_names(path_or_stream: str | Path | BinaryIO, *, original_name: str | None = None,
                max_bytes: int | None = None) -> list[str]:
    """List the sheets of an Excel workbook (read-only), storing nothing.

    Use it to let the user pick the sheet before :func:`add_dataset`; a stream (an upload)
    is put back where it was, so it can be ingested next.

    Args:
        path_or_stream: a local ``.xlsx`` path or a binary stream.
        original_name: the user's file name (only its base name is used).
        max_bytes: the size limit (as for :func:`add_dataset`).

    Returns:
        The sheet names in workbook order.

    Raises:
        InvalidInput: an encrypted, damaged or non-Excel file, or one without sheets.
        NotFound: a missing file.
    """
    import tempfile

    from core.data import ingest
    from core.data.readers import excel_sheets

    start = None if isinstance(path_or_stream, str | os.PathLike) else _tell(path_or_stream)
    with tempfile.TemporaryDirectory(prefix="mlcycle-sheets-") as tmp, \
            ingest.local_file(path_or_stream, Path(tmp), original_name=original_name, max_bytes=max_bytes) \
            as (display, path):
        names = excel_sheets(path, display)
    if start is not None:
        path_or_stream.seek(start)
    return names
