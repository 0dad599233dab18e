"""The canonical form of a table: what a dataset version stores, hashes and reads back.

* :func:`canonicalize` shortens column names over :data:`MAX_COLUMN_NAME` characters,
  de-duplicates column names (``name``, ``name_2``; blanks
  ``column_N``) and normalises dtypes so that the same table read from any format is
  the same table: integers to int64, floats (and decimals) to float64 with NaN as
  missing, every string flavour to ``string``, categoricals decoded, dates and
  timestamps to ``timestamp[us]`` (real nanoseconds kept), all-missing columns to
  ``null``, nested values to JSON text; pandas index columns and metadata dropped.
* :class:`TableHasher` / :func:`content_hash` compute the content hash
  (``mlcycle-table-v1``): independent of chunking, file format and Parquet layout.
* :class:`ParquetSink` writes the Parquet copy while hashing its bytes (the artifact
  address), and :func:`prepare` runs the writer and the content hash side by side.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from core.progress import Progress, ProgressFn, no_progress

HASH_VERSION = "mlcycle-table-v1"
ROW_GROUP = 256 * 1024
PAGE_BYTES = 8 << 20  # bigger than a row group's column chunk: one page per chunk
PARQUET_COMPRESSION = "none"
_INDEX_COLUMN = re.compile(r"^__index_level_\d+__$")
MAX_COLUMN_NAME = 255  # characters; longer names are shortened (with a warning) when a table is read
INT64_MAX = 2**63 - 1
SchemaFn = Callable[[pa.Table], list]


# ---------------------------------------------------------------------- Python values


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int | np.integer):
        return "int"
    if isinstance(v, float | np.floating):
        return "float"
    if isinstance(v, str):
        return "str"
    if isinstance(v, dict | list):
        return "nested"
    if hasattr(v, "isoformat"):
        return "time"
    return "other"


def _as_text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False, default=str)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def python_values_to_arrow(values: list[Any]) -> tuple[pa.Array, bool]:
    """Turn Python values (from Excel or JSON) into one Arrow array.

    Numbers, booleans, strings and datetimes convert to their own type (integers mixed
    with floats become floats); a list that mixes kinds (numbers and text, say)
    becomes strings and is reported as mixed.

    Args:
        values: the column's values; ``None``, NaN and NaT are missing.

    Returns:
        ``(array, mixed)``.
    """
    import pandas as pd

    clean = [None if _is_missing(v) or v is pd.NaT else v for v in values]
    clean = [v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in clean]
    kinds = {_kind(v) for v in clean if v is not None}
    if kinds == {"int", "float"}:
        clean = [float(v) if v is not None else None for v in clean]
        kinds = {"float"}
    if len(kinds) <= 1 and not kinds & {"other", "nested"}:
        try:
            return pa.array(clean, from_pandas=True), False
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            pass
    text = [None if v is None else (v if isinstance(v, str) else _as_text(v)) for v in clean]
    return pa.array(text, type=pa.string()), len(kinds - {"nested"}) > 1


# ------------------------------------------------------------------------ canonical form


def dedupe_names(names: Iterable[Any]) -> tuple[list[str], list[str]]:
    """Make column names unique and non-blank: blanks become ``column_N``, repeats ``name_2``.

    Args:
        names: the names as read (surrounding space is stripped).

    Returns:
        ``(new_names, changes)`` where ``changes`` describes every rename.
    """
    raw = [("" if n is None else str(n)).strip() for n in names]
    taken = {n for n in raw if n}
    out: list[str] = []
    seen: set[str] = set()
    changes: list[str] = []
    for i, name in enumerate(raw, start=1):
        new = name or f"column_{i}"
        if new in seen or (not name and new in taken):
            stem, k = new, 2
            while f"{stem}_{k}" in seen or f"{stem}_{k}" in taken:
                k += 1
            new = f"{stem}_{k}"
        if new != name:
            changes.append(f"column {i} {'(blank)' if not name else repr(_short(name))} -> {_short(new)!r}")
        seen.add(new)
        out.append(new)
    return out, changes


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def canonical_names(names: Iterable[Any]) -> tuple[list[str], list[str]]:
    """Column names as stored: at most :data:`MAX_COLUMN_NAME` characters, unique and non-blank.

    Args:
        names: the names as read.

    Returns:
        ``(new_names, warnings)``: one warning listing the shortened names and one listing
        the renames of :func:`dedupe_names`, when there are any.
    """
    raw = [("" if n is None else str(n)).strip() for n in names]
    keep = MAX_COLUMN_NAME - 5  # room for the _N that makes a shortened name unique
    long = [(i, n) for i, n in enumerate(raw, start=1) if len(n) > MAX_COLUMN_NAME]
    warnings = []
    if long:
        raw = [n[:keep] if len(n) > MAX_COLUMN_NAME else n for n in raw]
        listed = "; ".join(f"column {i} ({len(n):,} characters, {_short(n)!r})" for i, n in long[:5])
        more = f" and {len(long) - 5} more" if len(long) > 5 else ""
        warnings.append(f"Column names longer than {MAX_COLUMN_NAME} characters were shortened to their first "
                        f"{keep}: {listed}{more}.")
    names_out, changes = dedupe_names(raw)
    if changes:
        warnings.append("Blank or repeated column names were renamed: " + "; ".join(changes) + ".")
    return names_out, warnings


def _nested_notes(table: pa.Table, split: bool) -> list[str]:
    """Say how nested columns are stored: records split into columns (when ``split``), the rest as JSON text."""
    notes = []
    for column in table.schema:
        t = column.type
        if pa.types.is_struct(t) and split:
            children = ", ".join(f"{column.name}.{t.field(i).name}" for i in range(t.num_fields))
            notes.append(f"Column '{column.name}' held records; it was split into the columns {children}.")
        elif pa.types.is_struct(t):
            notes.append(f"Column '{column.name}' held records; each was stored as JSON text.")
        elif pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
            notes.append(f"Column '{column.name}' held lists; each list was stored as JSON text "
                         f"(e.g. [1, 2]), so it reads as text.")
        elif pa.types.is_nested(t):
            notes.append(f"Column '{column.name}' held nested values ({t}); each was stored as JSON text.")
    return notes


def _big_decimal_as_text(col: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """A whole-number decimal column with a value beyond int64, as exact text (else ``None``)."""
    t = col.type
    if not pa.types.is_decimal(t) or t.scale > 0 or t.precision <= 18 or col.null_count == len(col):
        return None
    bounds = pc.min_max(col)
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    if -INT64_MAX - 1 <= low and high <= INT64_MAX:
        return None
    return pc.cast(col, pa.string())


def big_integer_note(name: str, example: Any) -> str:
    """The warning for a column of whole numbers kept as text because they do not fit int64.

    Args:
        name: the column.
        example: one of its values.

    Returns:
        The warning text.
    """
    return (f"Column '{name}' holds whole numbers too large for a 64-bit integer (e.g. {_short(str(example))}); "
            "it was kept as text so that no digit is lost.")


def canonical_type(t: pa.DataType) -> pa.DataType | None:
    """Return the type a column of type ``t`` is stored as.

    Args:
        t: an Arrow type.

    Returns:
        The canonical type, or ``None`` when values must go through Python (nested types).
    """
    if pa.types.is_integer(t):
        return pa.uint64() if t == pa.uint64() else pa.int64()
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return pa.float64()
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return pa.string()
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return pa.binary()
    if pa.types.is_dictionary(t):
        return canonical_type(t.value_type)
    if pa.types.is_date(t):
        return pa.timestamp("us")
    if pa.types.is_timestamp(t):
        return pa.timestamp("us", tz=t.tz) if t.unit != "ns" else t
    if pa.types.is_time(t):
        return pa.time64("us") if t.unit != "ns" else t
    if pa.types.is_duration(t):
        return pa.duration("us") if t.unit != "ns" else t
    if pa.types.is_boolean(t) or pa.types.is_null(t):
        return t
    return None


def canonical_column(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """Return one column in canonical form (see the module docstring).

    Args:
        col: a column as read.

    Returns:
        The column with its canonical type; all-missing columns become ``null``.
    """
    if pa.types.is_floating(col.type) and pc.any(pc.is_nan(col)).as_py():
        col = pc.if_else(pc.is_nan(col), pa.scalar(None, col.type), col)
    if col.null_count == len(col):
        return pa.chunked_array([pa.nulls(len(col))], type=pa.null())
    t = col.type
    if pa.types.is_dictionary(t):
        col = pc.cast(col, t.value_type)
        t = col.type
    if pa.types.is_nested(t) or canonical_type(t) is None:
        arr, _ = python_values_to_arrow(col.to_pylist())
        return pa.chunked_array([arr])
    target = canonical_type(t)
    if pa.types.is_timestamp(t) and t.unit == "ns":
        try:
            col = pc.cast(col, pa.timestamp("us", tz=t.tz), safe=True)
        except pa.ArrowInvalid:
            pass  # real nanoseconds: keep them
        target = col.type
    if target == pa.uint64():
        try:
            col = pc.cast(col, pa.int64(), safe=True)
            target = pa.int64()
        except pa.ArrowInvalid:
            pass
    if col.type != target:
        col = pc.cast(col, target, safe=False)
    return col


def canonicalize(table: pa.Table) -> tuple[pa.Table, list[str]]:
    """Return the canonical table (the one stored and hashed) and warnings about what changed.

    Warnings name the columns whose names were shortened or renamed, nested columns
    (records split into ``parent.child`` columns, lists stored as JSON text) and
    whole-number decimals too large for int64 (kept as exact text).

    Args:
        table: a table as read from a file or made by an operation.

    Returns:
        ``(canonical_table, warnings)``.
    """
    keep = [i for i, name in enumerate(table.column_names) if not _INDEX_COLUMN.match(str(name))]
    if len(keep) != table.num_columns:
        table = table.select(keep)
    warnings = _nested_notes(table, split=True)
    if any(pa.types.is_struct(t) for t in table.schema.types):
        before = set(table.column_names)
        table = table.flatten()  # struct columns become parent.child columns
        children = [i for i, name in enumerate(table.column_names) if name not in before]
        warnings += _nested_notes(table.select(children), split=False)  # nested deeper: JSON text
    names, renames = canonical_names(table.column_names)
    columns = []
    for name, col in zip(names, table.columns, strict=True):
        text = _big_decimal_as_text(col)
        if text is not None:
            warnings.append(big_integer_note(name, pc.max(col).as_py()))
            col = text
        columns.append(canonical_column(col))
    return pa.Table.from_arrays(columns, names=names), renames + warnings


# ----------------------------------------------------------------------------- hashing


def _type_name(t: pa.DataType) -> str:
    return "string" if pa.types.is_large_string(t) else str(t)


class TableHasher:
    """Incremental content hash of a canonical table fed in row order, in any chunking.

    The serialisation (``mlcycle-table-v1``): per column three independent sha256
    streams - the row numbers of missing cells (int64), the value bytes of present
    cells (little-endian fixed width; booleans one byte each; text as UTF-8), and for
    text/binary the byte length of each present value (int64). The final digest is
    sha256 of a JSON header (format version, column names and types, row count)
    followed by the three digests of each column in order.

    Example:
        >>> hasher = TableHasher(table.schema)
        >>> for batch in parts:
        ...     hasher.update(batch)
        >>> hasher.hexdigest() == content_hash(pa.concat_tables(parts))
        True
    """

    def __init__(self, schema: pa.Schema) -> None:
        self.schema = schema
        self.rows = 0
        self._streams = [(hashlib.sha256(), hashlib.sha256(), hashlib.sha256()) for _ in schema]

    def update(self, table: pa.Table) -> None:
        """Add the next rows (same columns and types as the schema)."""
        for col, streams in zip(table.columns, self._streams, strict=True):
            start = self.rows
            for chunk in col.chunks:
                _hash_chunk(chunk, start, *streams)
                start += len(chunk)
        self.rows += table.num_rows

    def hexdigest(self) -> str:
        """Return the content hash of everything added so far."""
        header = {"v": HASH_VERSION, "rows": self.rows,
                  "columns": [[f.name, _type_name(f.type)] for f in self.schema]}
        top = hashlib.sha256(json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode())
        for nulls, values, lengths in self._streams:
            top.update(nulls.digest() + values.digest() + lengths.digest())
        return top.hexdigest()


def _hash_chunk(chunk: pa.Array, start: int, nulls: Any, values: Any, lengths: Any) -> None:
    t = chunk.type
    if pa.types.is_null(t) or len(chunk) == 0:
        return
    if chunk.null_count:
        idx = pc.indices_nonzero(chunk.is_null()).to_numpy().astype("<i8") + start
        nulls.update(idx)
        chunk = pc.drop_null(chunk)
        if len(chunk) == 0:
            return
    if pa.types.is_boolean(t):
        values.update(pc.cast(chunk, pa.uint8()).to_numpy(zero_copy_only=False))
    elif pa.types.is_string(t) or pa.types.is_binary(t) or pa.types.is_large_string(t) \
            or pa.types.is_large_binary(t):
        width = 8 if (pa.types.is_large_string(t) or pa.types.is_large_binary(t)) else 4
        offsets = np.frombuffer(chunk.buffers()[1], dtype=f"<i{width}", count=len(chunk) + 1,
                                offset=chunk.offset * width)
        lengths.update(np.diff(offsets).astype("<i8"))  # hashed in place: no copy
        data = chunk.buffers()[2]
        if data is not None and offsets[-1] > offsets[0]:
            values.update(memoryview(data)[int(offsets[0]):int(offsets[-1])])
    elif _byte_width(t):
        width = _byte_width(t)
        values.update(memoryview(chunk.buffers()[1])[chunk.offset * width:(chunk.offset + len(chunk)) * width])
    else:
        values.update(json.dumps(chunk.to_pylist(), default=str).encode())


def _byte_width(t: pa.DataType) -> int:
    try:
        return t.bit_width // 8 if t.bit_width % 8 == 0 else 0
    except ValueError:
        return 0


def content_hash(table: pa.Table) -> str:
    """Return the sha256 that identifies a canonical table's content (see :class:`TableHasher`).

    Args:
        table: a table returned by :func:`canonicalize`.

    Returns:
        The hex digest.
    """
    hasher = TableHasher(table.schema)
    hasher.update(table)
    return hasher.hexdigest()


# ----------------------------------------------------------------------------- Parquet


def dictionary_columns(table: pa.Table, sample: int = 20_000) -> list[str]:
    """Text columns worth dictionary-encoding in Parquet.

    Args:
        table: a canonical table.
        sample: how many leading rows to judge by.

    Returns:
        Names of text columns with at most one distinct value per ten rows.
    """
    out = []
    for name, col in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_string(col.type) or pa.types.is_binary(col.type):
            head = col.slice(0, sample)
            if len(head) and pc.count_distinct(head).as_py() <= max(len(head) // 10, 1):
                out.append(name)
    return out


class _HashingFile:
    """A write-only file that hashes what passes through (so the artifact is not read back)."""

    def __init__(self, path: Path) -> None:
        self._handle = open(path, "wb")  # noqa: SIM115 - closed by close()
        self.sha = hashlib.sha256()
        self.size = 0
        self.closed = False

    def write(self, data: Any) -> int:
        view = memoryview(data)
        self.sha.update(view)
        self._handle.write(view)
        self.size += view.nbytes
        return view.nbytes

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        self._handle.flush()

    def close(self) -> None:
        if not self.closed:
            self._handle.close()
            self.closed = True


class ParquetSink:
    """Writes the canonical Parquet copy in parts and returns the file's sha256 and size.

    Uncompressed (:data:`PARQUET_COMPRESSION`); dictionary encoding only for text
    columns with few distinct values (trying and abandoning a dictionary costs time);
    no min/max statistics (MLCycle reads whole columns); row groups of at most 256k
    rows, each column chunk one page. Columns named in ``required`` are written as
    non-nullable, which skips their definition levels (a quarter of the write time);
    :func:`core.data.datasets.load_table` reads every column back as nullable.
    """

    def __init__(self, path: Path, schema: pa.Schema, dictionary: list[str], required: Iterable[str] = ()) -> None:
        required = set(required)
        self.schema = pa.schema([f.with_nullable(f.name not in required) for f in schema.remove_metadata()])
        self._file = _HashingFile(path)
        self._writer = pq.ParquetWriter(pa.PythonFile(self._file, mode="w"), self.schema,
                                        compression=PARQUET_COMPRESSION, use_dictionary=dictionary or False,
                                        write_statistics=False, data_page_size=PAGE_BYTES)

    def accepts(self, table: pa.Table) -> bool:
        """Whether ``table`` has no missing values in a column declared non-nullable."""
        return all(f.nullable or not table.column(i).null_count for i, f in enumerate(self.schema))

    def write(self, table: pa.Table) -> None:
        """Append rows (see :meth:`accepts`)."""
        self._writer.write_table(pa.Table.from_arrays(table.columns, schema=self.schema), row_group_size=ROW_GROUP)

    def close(self) -> tuple[str, int]:
        """Finish the file; return ``(sha256 of the file, size in bytes)``."""
        self._writer.close()
        self._file.close()
        return self._file.sha.hexdigest(), self._file.size

    def abort(self) -> None:
        """Give up (the caller removes the file)."""
        try:
            self._writer.close()
        finally:
            self._file.close()


def complete_columns(table: pa.Table) -> list[str]:
    """Names of the columns with no missing value (written as non-nullable).

    Args:
        table: a table.

    Returns:
        Column names, in order.
    """
    return [name for name, col in zip(table.column_names, table.columns, strict=True)
            if col.null_count == 0 and not pa.types.is_null(col.type)]  # a null-typed field must be nullable


def as_nullable(table: pa.Table) -> pa.Table:
    """Return ``table`` with every field nullable (zero-copy), as canonical tables are.

    Args:
        table: e.g. a Parquet copy read back.

    Returns:
        The same columns under an all-nullable schema.
    """
    if all(f.nullable for f in table.schema):
        return table
    schema = pa.schema([f.with_nullable(True) for f in table.schema], metadata=table.schema.metadata)
    return pa.Table.from_arrays(table.columns, schema=schema)


def write_parquet(table: pa.Table, path: Path) -> tuple[str, int]:
    """Write a canonical table as Parquet (see :class:`ParquetSink`).

    Args:
        table: a canonical table.
        path: where to write.

    Returns:
        ``(sha256 of the file's bytes, size in bytes)``.
    """
    sink = ParquetSink(path, table.schema, dictionary_columns(table), complete_columns(table))
    try:
        sink.write(table)
    except BaseException:
        sink.abort()
        raise
    return sink.close()


@dataclass
class Prepared:
    """A canonical table ready to store: content hash, schema and its Parquet file.

    Attributes:
        table: the canonical table.
        sha256: the content hash.
        schema: what ``schema_fn`` returned (column schemas).
        artifact_sha: sha256 of the Parquet file's bytes (its artifact address).
        size_bytes: the Parquet file's size.
        warnings: notes gathered on the way.
    """

    table: pa.Table
    sha256: str
    schema: list
    artifact_sha: str
    size_bytes: int
    warnings: list[str] = field(default_factory=list)


def run_in_thread(fn: Callable[[], Any], name: str) -> tuple[threading.Thread, dict[str, Any]]:
    """Start ``fn`` in a daemon thread; its result or exception lands in the returned dict.

    Args:
        fn: the work.
        name: the thread's name.

    Returns:
        ``(thread, out)``; pass both to :func:`join_thread`.
    """
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised by join_thread on the caller's thread
            out["error"] = exc

    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread, out


def join_thread(thread: threading.Thread, out: dict[str, Any], on_progress: ProgressFn = no_progress,
                progress: Progress | None = None) -> Any:
    """Wait for a :func:`run_in_thread` thread and return its result.

    Args:
        thread: the thread.
        out: the dict it fills.
        on_progress: called every 0.2 s with ``progress`` while waiting (on this thread).
        progress: what to report while waiting.

    Returns:
        What the function returned; its exception is re-raised here.
    """
    while thread.is_alive():
        if progress is not None:
            on_progress(progress)
        thread.join(0.2)
    if "error" in out:
        raise out["error"]
    return out.get("value")


def prepare(table: pa.Table, parquet_path: Path, *, schema_fn: SchemaFn,
            on_progress: ProgressFn = no_progress) -> Prepared:
    """Write the Parquet copy in a thread while hashing and inferring the schema on this one.

    Args:
        table: a canonical table.
        parquet_path: where to write the Parquet file.
        schema_fn: returns the column schemas of a table.
        on_progress: progress callback (called on this thread).

    Returns:
        Everything needed to store the version.
    """
    thread, out = run_in_thread(lambda: write_parquet(table, parquet_path), "mlcycle-parquet")
    on_progress(Progress(0.7, "Computing the content hash"))
    sha = content_hash(table)
    on_progress(Progress(0.8, "Inferring column types"))
    schema = schema_fn(table)
    artifact_sha, size = join_thread(thread, out, on_progress, Progress(0.9, "Writing the Parquet copy"))
    return Prepared(table, sha, schema, artifact_sha, size)
