"""Reading tabular files into one canonical table, its content hash and its Parquet copy.

This module knows file formats and nothing about the store; :mod:`core.data.datasets` turns
what it returns into versions, and :mod:`core.data.canonical` defines the canonical form
and the hash. The steps:

1. :func:`file_format` and :func:`check_size` - the extension is supported and the
   file is within the size limit (checked before any byte is parsed).
2. :func:`read_source` - CSV/TSV/TXT (delimiter and decimal comma sniffed, encoding
   detected: UTF-8 with or without BOM, UTF-16, cp949/euc-kr, cp1252/latin-1),
   Excel (.xlsx), Parquet, JSON and JSON Lines into a ``pyarrow.Table``. Every problem
   becomes an :class:`~core.errors.InvalidInput` naming the file, the problem and
   what to do.
3. :func:`ingest_file` - read, canonicalise, hash, write the Parquet copy and infer
   the schema. Big UTF-8 CSV files are parsed in segments with Arrow's CSV reader
   while earlier segments are hashed and written (a pipeline), so the extra work
   hides behind the parse.
"""

from __future__ import annotations

import csv
import io
import mmap
import os
import queue
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from core.data.canonical import (
    INT64_MAX,
    ParquetSink,
    Prepared,
    TableHasher,
    big_integer_note,
    canonical_names,
    canonical_type,
    canonicalize,
    complete_columns,
    dictionary_columns,
    prepare,
)
from core.data.readers import (
    SNIFF_BYTES,
    ReadResult,
    detect_encoding,
    human_size,
    normalize_encoding,
    not_text,
    nul_byte,
    read_excel,
    read_json,
    read_jsonl,
    read_parquet,
)
from core.errors import InvalidInput, NotFound
from core.progress import Progress, ProgressFn, no_progress

DEFAULT_MAX_BYTES = 2 * 1024**3
MAX_BYTES_ENV = "MLCYCLE_MAX_INGEST_BYTES"
FORMATS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".tab": "csv",
    ".xlsx": "excel", ".xlsm": "excel",
    ".parquet": "parquet", ".pq": "parquet",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
}
CSV_BLOCK = 4 << 20
SEGMENT_BYTES = 16 << 20  # CSV files over twice this are parsed in a pipeline
PREVIEW_BYTES = 1 << 20
DELIMITERS = (",", ";", "\t", "|")


# ---------------------------------------------------------------------------- checks


def safe_file_name(name: str | os.PathLike[str] | None, default: str = "upload") -> str:
    """Return only the base name of a user-supplied file name (never used as a path).

    ``../../etc/passwd`` becomes ``passwd``, ``C:\\\\data\\\\x.csv`` becomes ``x.csv``;
    control characters are dropped.

    Args:
        name: the name as given by a browser or a user.
        default: what to return when nothing usable is left.

    Returns:
        A plain file name.
    """
    text = str(name or "")
    base = PureWindowsPath(PurePosixPath(text.replace("\\", "/")).name).name
    base = "".join(ch for ch in base if ch.isprintable()).strip().strip(".") or ""
    return base[:255] if base else default


def max_ingest_bytes() -> int:
    """Return the ingest size limit.

    Returns:
        ``$MLCYCLE_MAX_INGEST_BYTES`` when set to an integer, else 2 GiB.
    """
    raw = os.environ.get(MAX_BYTES_ENV, "").strip()
    try:
        return int(raw) if raw else DEFAULT_MAX_BYTES
    except ValueError:
        return DEFAULT_MAX_BYTES


def file_format(display_name: str) -> str:
    """Return the reader for a file name.

    Args:
        display_name: the file's base name.

    Returns:
        ``csv``, ``excel``, ``parquet``, ``json`` or ``jsonl``.

    Raises:
        InvalidInput: for an unsupported extension (``.xls`` gets its own hint).
    """
    ext = Path(display_name).suffix.lower()
    if ext in FORMATS:
        return FORMATS[ext]
    if ext == ".xls":
        raise InvalidInput(
            f"'{display_name}' is an old Excel 97-2003 workbook (.xls), which is not supported.",
            hint="Open it in Excel or LibreOffice and save it as .xlsx or .csv, then upload again.",
        )
    supported = ", ".join(sorted(FORMATS))
    raise InvalidInput(
        f"'{display_name}' has an unsupported file type ({ext or 'no extension'}).",
        hint=f"Upload one of: {supported}.",
    )


def check_size(size: int, display_name: str, max_bytes: int | None = None) -> None:
    """Refuse files over the limit and empty files, before reading them.

    Args:
        size: the file size in bytes.
        display_name: the file's base name, for the message.
        max_bytes: the limit (default :func:`max_ingest_bytes`).

    Raises:
        InvalidInput: if ``size`` is 0 or over the limit.
    """
    limit = max_bytes if max_bytes is not None else max_ingest_bytes()
    if size > limit:
        raise InvalidInput(
            f"'{display_name}' is {human_size(size)}, over the {human_size(limit)} limit for one dataset.",
            hint=f"Split the file, or raise the limit with ${MAX_BYTES_ENV} (in bytes) and use "
                 "`mlcycle datasets add PATH`.",
        )
    if size == 0:
        raise InvalidInput(f"'{display_name}' is empty (0 bytes).",
                           hint="Check that you picked the right file and that it was saved completely.")


# ------------------------------------------------------------------------------- CSV


@dataclass(frozen=True)
class CsvDialect:
    """What :func:`sniff_csv` found out about a delimited text file."""

    delimiter: str
    decimal: str
    newlines_in_values: bool


_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_DECIMAL_POINT = re.compile(r"^[+-]?\d*\.\d+$")


def sniff_csv(text: str, display_name: str) -> CsvDialect:
    """Find the delimiter (``,`` ``;`` tab ``|``) and whether decimals use a comma.

    Args:
        text: the first part of the file, decoded.
        display_name: the file name (``.tsv`` prefers tabs on a tie).

    Returns:
        The dialect; a file with one column gets ``,``.
    """
    lines = text.splitlines()
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line may be cut by the sample
    lines = [ln for ln in lines[:200] if ln.strip()]
    order = ("\t", ",", ";", "|") if display_name.lower().endswith((".tsv", ".tab")) else DELIMITERS
    best, best_score = ",", (0.0, 0)
    for delim in order:
        counts = [len(row) for row in csv.reader(lines, delimiter=delim)]
        if not counts or max(counts) < 2:
            continue
        mode = max(set(counts), key=counts.count)
        score = (counts.count(mode) / len(counts), mode)
        if mode >= 2 and score > best_score:
            best, best_score = delim, score
    decimal = "."
    if best != ",":
        fields = [f.strip() for row in csv.reader(lines[1:], delimiter=best) for f in row]
        commas = sum(1 for f in fields if _DECIMAL_COMMA.match(f))
        points = sum(1 for f in fields if _DECIMAL_POINT.match(f))
        if commas and commas >= points:
            decimal = ","
    newlines = bool(re.search(r'"[^"]*[\r\n][^"]*"', text)) and _quoted_newline(text, best)
    return CsvDialect(best, decimal, newlines)


def _quoted_newline(text: str, delim: str) -> bool:
    """Whether a quoted value spans a line break (the csv module tells exactly)."""
    physical = text.count("\n")
    rows = sum(1 for _ in csv.reader(io.StringIO(text), delimiter=delim))
    return rows < physical


class _CountingReader(io.RawIOBase):
    """A file wrapper that counts bytes read (read by Arrow's thread, shown by ours)."""

    def __init__(self, handle: io.BufferedReader) -> None:
        self._h = handle
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = self._h.readinto(b)
        self.count += n or 0
        return n or 0

    def read(self, size: int = -1) -> bytes:
        data = self._h.read(size)
        self.count += len(data)
        return data


def _run_with_progress(fn: Callable[[], Any], counter: _CountingReader, total: int,
                       on_progress: ProgressFn, message: str, lo: float, hi: float) -> Any:
    """Run ``fn`` in a thread and report the bytes it has read from this (the caller's) thread."""
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised below on the caller's thread
            out["error"] = exc

    thread = threading.Thread(target=target, name="mlcycle-ingest-read", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(0.2)
        done = min(counter.count / total, 1.0) if total else 0.0
        on_progress(Progress(lo + (hi - lo) * done, f"{message} ({human_size(counter.count)} of {human_size(total)})"))
    if "error" in out:
        raise out["error"]
    return out["value"]


@dataclass(frozen=True)
class _CsvSetup:
    encoding: str
    dialect: CsvDialect
    read: pacsv.ReadOptions
    parse: pacsv.ParseOptions
    convert: pacsv.ConvertOptions

    @property
    def source(self) -> dict[str, Any]:
        delim = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}[self.dialect.delimiter]
        return {"format": "csv", "encoding": self.encoding, "delimiter": delim, "decimal": self.dialect.decimal}


def _csv_setup(path: Path, display_name: str, encoding: str | None) -> _CsvSetup:
    with open(path, "rb") as handle:
        sample = handle.read(SNIFF_BYTES)
    if not sample.strip():
        raise InvalidInput(f"'{display_name}' is empty (only blank space).",
                           hint="Check that you picked the right file.")
    enc = normalize_encoding(encoding) if encoding else detect_encoding(sample, display_name)
    text = sample.decode(enc, errors="replace").lstrip("\ufeff")
    if _control_share(text[:65536]) > 0.01:
        raise not_text(display_name)
    dialect = sniff_csv(text[:65536], display_name)
    return _CsvSetup(
        enc, dialect,
        pacsv.ReadOptions(block_size=CSV_BLOCK, encoding="utf8" if enc == "utf-8" else enc),
        pacsv.ParseOptions(delimiter=dialect.delimiter, newlines_in_values=dialect.newlines_in_values),
        pacsv.ConvertOptions(strings_can_be_null=True, decimal_point=dialect.decimal),
    )


def _header_only(display_name: str, n_cols: int) -> InvalidInput:
    return InvalidInput(f"'{display_name}' has a header row ({n_cols} columns) but no data rows.",
                        hint="Add rows below the header, or pick the file that has the data.")


def read_csv(path: Path, display_name: str, *, encoding: str | None = None,
             on_progress: ProgressFn = no_progress, progress_span: tuple[float, float] = (0.0, 0.6)) -> ReadResult:
    """Read a delimited text file in one go with Arrow's multi-threaded CSV reader.

    Args:
        path: the file.
        display_name: the name shown in messages.
        encoding: overrides detection (``cp949``, ``euc-kr``, ``utf-16``, ``latin-1``...).
        on_progress: receives byte progress while reading (on the caller's thread).
        progress_span: the share of the whole ingest this read covers.

    Returns:
        The table, with ``encoding``, ``delimiter`` and ``decimal`` in ``source``.

    Raises:
        InvalidInput: binary content, a header without rows, ragged rows (with the first
            bad line number) or bytes that do not decode.
    """
    setup = _csv_setup(path, display_name, encoding)
    size = path.stat().st_size
    with open(path, "rb") as raw:
        counter = _CountingReader(raw)

        def work() -> pa.Table:
            return pacsv.read_csv(pa.PythonFile(counter, mode="r"), read_options=setup.read,
                                  parse_options=setup.parse, convert_options=setup.convert)

        try:
            table = _run_with_progress(work, counter, size, on_progress, f"Reading {display_name}",
                                       *progress_span)
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise _csv_error(path, display_name, setup.encoding, setup.dialect, exc) from exc
    if table.num_columns and table.num_rows == 0:
        raise _header_only(display_name, table.num_columns)
    check_cells(table, path, display_name, setup.encoding, setup.dialect.delimiter)
    table, notes = _keep_big_integers(table, path, setup)
    return ReadResult(table, setup.source, notes)


# ------------------------------------------------------- what a parse may hide


def _cells_contain(table: pa.Table, needles: tuple[bytes, ...]) -> set[bytes]:
    """Which of ``needles`` occur in the text cells (searching the UTF-8 bytes of each chunk at once)."""
    found: set[bytes] = set()
    for col in table.columns:
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            continue
        width = 8 if pa.types.is_large_string(col.type) else 4
        for chunk in col.chunks:
            data = chunk.buffers()[2]
            if data is None or len(chunk) == 0:
                continue
            offsets = chunk.buffers()[1]
            first = int.from_bytes(memoryview(offsets)[chunk.offset * width:(chunk.offset + 1) * width], "little")
            end = (chunk.offset + len(chunk)) * width
            last = int.from_bytes(memoryview(offsets)[end:end + width], "little")
            if last <= first:
                continue
            view = np.frombuffer(data, dtype=np.uint8, count=last - first, offset=first)
            if view.min() > max(needles)[0]:  # one fast pass, no copy: no byte as low as any needle
                continue
            raw = view.tobytes()
            found |= {n for n in needles if n in raw}
            if len(found) == len(needles):
                return found
    return found


def _first_line_with(path: Path, encoding: str, char: str) -> int | None:
    """The physical line number of the first line holding ``char``."""
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            if char in line:
                return number
    return None


def _odd_quotes(path: Path, encoding: str) -> bool:
    """Whether the file holds an odd number of double quotes (a well-formed CSV never does)."""
    count = 0
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        while chunk := handle.read(1 << 22):
            count += chunk.count('"')
    return count % 2 == 1


def _unclosed_quote(path: Path, encoding: str, delimiter: str) -> tuple[int, int | None] | None:
    """Find a quoted value that is never closed, or closed lines later by a stray quote.

    Returns:
        ``(line where the quote opens, line where the problem shows or None at the end of
        the file)``, or ``None`` when every quoted value that spans lines is well formed.
    """
    enc = "utf-8-sig" if encoding == "utf-8" else encoding
    with open(path, encoding=enc, errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        start = 1
        try:
            for _ in reader:
                start = reader.line_num + 1
        except csv.Error as exc:
            if "end of data" in str(exc):
                return start, None
            if reader.line_num > start:  # the row began lines earlier: a quote left open
                return start, reader.line_num
    return None


def _quote_error(display_name: str, start: int, end: int | None) -> InvalidInput:
    where = "the end of the file" if end is None else f"line {end}"
    return InvalidInput(
        f"'{display_name}': line {start} opens a quoted value (\") that is not closed on its line; "
        f"it runs on to {where}, swallowing the rows between.",
        hint=f"Add the missing closing quote on line {start}, or write a quote that belongs to a value as two "
             "quotes (\"\"), then upload again.",
    )


def check_cells(table: pa.Table, path: Path, display_name: str, encoding: str, delimiter: str) -> None:
    """Refuse what a CSV parse accepts silently: NUL bytes and a quote that is never closed.

    A NUL byte is refused wherever it is (as one in the first 256 KB is), naming its line.
    A value holding a line break is either a well-formed quoted value or the sign of an
    unclosed quote that swallowed the rows after it; the file is checked (an odd number
    of quotes, then the exact line) only when such a value exists.

    Args:
        table: the parsed table.
        path: the file.
        display_name: the file's name, for messages.
        encoding: its text encoding.
        delimiter: its delimiter.

    Raises:
        InvalidInput: naming the line of the NUL byte or of the unclosed quote.
    """
    found = _cells_contain(table, (b"\x00", b"\n", b"\r"))
    if b"\x00" in found or any("\x00" in name for name in table.column_names):
        raise nul_byte(display_name, _first_line_with(path, encoding, "\x00") or 1)
    if found & {b"\n", b"\r"} and _odd_quotes(path, encoding):
        problem = _unclosed_quote(path, encoding, delimiter)
        if problem is not None:
            raise _quote_error(display_name, *problem)


def _big_integer_columns(table: pa.Table) -> list[str]:
    """Float columns whose values are all whole numbers, some beyond int64: digits were lost."""
    out = []
    for name, col in zip(table.column_names, table.columns, strict=True):
        if not pa.types.is_floating(col.type) or col.null_count == len(col):
            continue
        bounds = pc.min_max(col)
        low, high = bounds["min"].as_py(), bounds["max"].as_py()
        if max(abs(low), abs(high)) <= INT64_MAX:
            continue
        if pc.all(pc.equal(pc.floor(col), col)).as_py():
            out.append(name)
    return out


_WHOLE = r"^\s*[+-]?\d+\s*$"


def _keep_big_integers(table: pa.Table, path: Path, setup: _CsvSetup) -> tuple[pa.Table, list[str]]:
    """Read again as text the columns of whole numbers too large for int64 (a float keeps ~16 digits)."""
    candidates = _big_integer_columns(table)
    if not candidates or len(set(table.column_names)) != table.num_columns:
        return table, []
    convert = pacsv.ConvertOptions(strings_can_be_null=True, decimal_point=setup.dialect.decimal,
                                   column_types={name: pa.string() for name in candidates},
                                   include_columns=candidates)
    try:
        text = pacsv.read_csv(path, read_options=setup.read, parse_options=setup.parse, convert_options=convert)
    except pa.ArrowInvalid:
        return table, []
    notes = []
    for name in candidates:
        col = text.column(name)
        valid = pc.drop_null(col)
        if len(valid) and pc.all(pc.match_substring_regex(valid, _WHOLE)).as_py():
            col = pc.utf8_trim_whitespace(col)
            table = table.set_column(table.column_names.index(name), name, col)
            long = pc.filter(col, pc.greater(pc.utf8_length(col), 18))
            notes.append(big_integer_note(name, long[0].as_py() if len(long) else ""))
    return table, notes


class _Fallback(Exception):
    """The pipelined read met something only a whole-file read decides (types changed)."""


def _segments(path: Path, size: int) -> Iterator[tuple[pa.Buffer, int]]:
    """Yield (buffer, end offset) slices of about SEGMENT_BYTES that end at a line break.

    Each slice is a read-only memory map of its part of the file (no copy); a mapping
    is closed once the slice after next is handed out, so only two stay resident.
    """
    maps: list[mmap.mmap] = []
    start = 0
    with open(path, "rb") as handle:
        try:
            while start < size:
                base = start - start % mmap.ALLOCATIONGRANULARITY
                length = min(size - base, start - base + SEGMENT_BYTES)
                mm = mmap.mmap(handle.fileno(), length, offset=base, access=mmap.ACCESS_READ)
                maps.append(mm)
                end = base + length
                if end < size:
                    cut = mm.rfind(b"\n", start - base)
                    if cut < 0:
                        raise _Fallback("a line longer than a segment")
                    end = base + cut + 1
                buf = pa.py_buffer(mm).slice(start - base, end - start)
                start = end
                while len(maps) > 2:
                    _close_map(maps.pop(0))
                yield buf, end
                del buf
        finally:
            for mm in maps:
                _close_map(mm)


def _close_map(mm: mmap.mmap) -> None:
    try:
        mm.close()
    except BufferError:
        pass  # still referenced by the caller; closed when garbage-collected


def _plan(schema: pa.Schema) -> list[pa.DataType]:
    """Canonical type of each column as the CSV reader typed it (all formats CSV infers are plain)."""
    plan = []
    for t in schema.types:
        target = canonical_type(t)
        if target is None or pa.types.is_nested(t):
            raise _Fallback(f"type {t}")
        plan.append(pa.timestamp("us", tz=t.tz) if pa.types.is_timestamp(t) else target)
    return plan


def _apply_plan(table: pa.Table, plan: list[pa.DataType]) -> pa.Table:
    cols = []
    for col, target in zip(table.columns, plan, strict=True):
        if col.type != target:
            try:
                col = pc.cast(col, target, safe=True)
            except pa.ArrowInvalid as exc:
                raise _Fallback(str(exc)) from exc
        cols.append(col)
    return pa.Table.from_arrays(cols, schema=pa.schema([pa.field(n, t) for n, t in
                                                       zip(table.column_names, plan, strict=True)]))


def _csv_pipeline(path: Path, display_name: str, setup: _CsvSetup, parquet_path: Path,
                  schema_fn: Callable[[pa.Table], list], on_progress: ProgressFn) -> Prepared:
    """Parse a big UTF-8 CSV in segments while earlier segments are hashed and written as Parquet.

    The first segment's inferred types are imposed on the others; when a later segment
    does not fit them, :class:`_Fallback` asks for a whole-file read instead, so the
    result is always what a whole-file read gives. Columns complete in the first
    segment are written as non-nullable; a later segment with a missing value there
    restarts the Parquet file from the segments read so far (they are in memory).
    """
    size = path.stat().st_size
    parts: list[pa.Table] = []
    writer = _Consumer()
    hasher_worker = _Consumer()
    sink = hasher = None
    warnings: list[str] = []
    try:
        for buf, done in _segments(path, size):
            if sink is None:
                table = pacsv.read_csv(pa.BufferReader(buf), read_options=setup.read,
                                       parse_options=setup.parse, convert_options=setup.convert)
                if table.num_rows == 0:
                    raise _header_only(display_name, table.num_columns)
                names, notes = canonical_names(table.column_names)
                warnings += notes
                plan = _plan(table.schema)
                read_opts = pacsv.ReadOptions(block_size=CSV_BLOCK, column_names=names)
                convert = pacsv.ConvertOptions(strings_can_be_null=True, decimal_point=setup.dialect.decimal,
                                               column_types=dict(zip(names, table.schema.types, strict=True)))
                table = _apply_plan(table.rename_columns(names), plan)
                dictionary = dictionary_columns(table)
                sink = ParquetSink(parquet_path, table.schema, dictionary, complete_columns(table))
                hasher = TableHasher(table.schema)
                writer.start(sink.write)
                hasher_worker.start(hasher.update)
            else:
                table = _apply_plan(pacsv.read_csv(pa.BufferReader(buf), read_options=read_opts,
                                                   parse_options=setup.parse, convert_options=convert), plan)
            if not sink.accepts(table):  # missing values where the first segment had none
                writer.finish()
                sink.abort()
                sink = ParquetSink(parquet_path, table.schema, dictionary,
                                   [f.name for f in sink.schema if not f.nullable and not table[f.name].null_count])
                writer.start(sink.write)
                for part in parts:
                    writer.put(part)
            parts.append(table)
            writer.put(table)
            hasher_worker.put(table)
            on_progress(Progress(0.65 * done / size, f"Reading {display_name} ({human_size(done)} of {human_size(size)})"))
    except pa.ArrowInvalid as exc:
        _stop((writer, hasher_worker), sink)
        if re.search(r"Expected \d+ columns, got \d+", str(exc)):
            raise _csv_error(path, display_name, setup.encoding, setup.dialect, exc) from exc
        raise _Fallback(str(exc)) from exc
    except BaseException:
        _stop((writer, hasher_worker), sink)
        raise
    table = pa.concat_tables(parts)
    on_progress(Progress(0.75, "Inferring column types"))
    try:
        schema = schema_fn(table)
        on_progress(Progress(0.85, "Writing the Parquet copy"))
        hasher_worker.finish()
        writer.finish()
    except BaseException:
        _stop((writer, hasher_worker), sink)
        raise
    artifact_sha, size_bytes = sink.close()
    return Prepared(table, hasher.hexdigest(), schema, artifact_sha, size_bytes, warnings)


class _Consumer:
    """A thread applying one function to each queued table, in order.

    An error stops the work (later tables are drained unprocessed) and is raised by the
    next :meth:`put` or by :meth:`finish` on the producer's thread.
    """

    def __init__(self) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def start(self, fn: Callable[[pa.Table], None]) -> None:
        self._error = None
        self._thread = threading.Thread(target=self._run, args=(fn,), name="mlcycle-ingest", daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[[pa.Table], None]) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None:
                try:
                    fn(item)
                except BaseException as exc:  # noqa: BLE001 - raised on the producer's thread
                    self._error = exc

    def put(self, table: pa.Table) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(table)

    def finish(self) -> None:
        """Wait for the queued work; raise its error, if any."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        if self._error is not None:
            raise self._error


def _stop(workers: tuple[_Consumer, ...], sink: ParquetSink | None) -> None:
    """Stop the workers without raising their errors (another error is on its way)."""
    for worker in workers:
        try:
            worker.finish()
        except BaseException:  # noqa: BLE001, S110 - the caller raises the first error
            pass
    if sink is not None:
        sink.abort()


def preview_file(path: Path, display_name: str, *, encoding: str | None = None, sheet: str | int | None = None,
                 rows: int = 20) -> tuple[pa.Table, dict[str, Any], list[str]]:
    """Read the first rows of a file the way :func:`ingest_file` would (CSV: only its first MB).

    Args:
        path: the local file.
        display_name: the file's base name (format and messages).
        encoding: text encoding override.
        sheet: Excel sheet name or index.
        rows: how many rows to return.

    Returns:
        ``(table, source, warnings)``: canonical names and types; types of a CSV are
        inferred from its first MB only.

    Raises:
        InvalidInput: for any file that is not a readable table.
    """
    fmt = file_format(display_name)
    if fmt == "csv":
        setup = _csv_setup(path, display_name, encoding)
        with open(path, "rb") as handle:
            data = handle.read(PREVIEW_BYTES)
            if handle.read(1):
                data = data[: data.rfind(b"\n") + 1] or data
        try:
            table = pacsv.read_csv(pa.BufferReader(data), read_options=setup.read, parse_options=setup.parse,
                                   convert_options=setup.convert)
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise _csv_error(path, display_name, setup.encoding, setup.dialect, exc) from exc
        if table.num_rows == 0:
            raise _header_only(display_name, table.num_columns)
        source, warnings = setup.source, []
    else:
        read = read_source(path, display_name, encoding=encoding, sheet=sheet)
        table, source, warnings = read.table, read.source, read.warnings
    table, renames = canonicalize(table.slice(0, rows))
    return table, source, warnings + renames


def ingest_file(path: Path, display_name: str, parquet_path: Path, *, encoding: str | None = None,
                sheet: str | int | None = None, schema_fn: Callable[[pa.Table, set[str]], list],
                on_progress: ProgressFn = no_progress) -> tuple[Prepared, dict[str, Any], set[str]]:
    """Read, canonicalise, hash and write the Parquet copy of a file; infer its schema.

    Big UTF-8 CSV files are parsed in segments while finished segments are hashed and
    written, so the extra work hides behind the parse; every other file is read whole,
    then written in a thread while this one hashes and infers the schema.

    Args:
        path: the local file (never the user-supplied name).
        display_name: the file's base name (format and messages).
        parquet_path: where to write the Parquet copy.
        encoding: text encoding override.
        sheet: Excel sheet name or index.
        schema_fn: ``(table, mixed_columns) -> schemas``.
        on_progress: progress callback, called on this thread.

    Returns:
        ``(prepared, source, mixed)``: ``prepared.warnings`` holds renames and notes.

    Raises:
        InvalidInput: for any file that is not a readable table.
    """
    fmt = file_format(display_name)
    if fmt == "csv":
        setup = _csv_setup(path, display_name, encoding)
        if setup.encoding == "utf-8" and not setup.dialect.newlines_in_values \
                and path.stat().st_size > 2 * SEGMENT_BYTES:
            try:
                prepared = _csv_pipeline(path, display_name, setup, parquet_path,
                                         lambda t: schema_fn(t, set()), on_progress)
                check_cells(prepared.table, path, display_name, setup.encoding, setup.dialect.delimiter)
                if _big_integer_columns(prepared.table):
                    raise _Fallback("whole numbers beyond int64: read them again as text")
                return prepared, setup.source, set()
            except _Fallback:
                parquet_path.unlink(missing_ok=True)
    read = read_source(path, display_name, encoding=encoding, sheet=sheet, on_progress=on_progress)
    on_progress(Progress(0.65, "Normalising types"))
    table, renames = canonicalize(read.table)
    read.table = table
    prepared = prepare(table, parquet_path, schema_fn=lambda t: schema_fn(t, read.mixed), on_progress=on_progress)
    prepared.warnings = read.warnings + renames
    return prepared, read.source, read.mixed


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\ufffd]")


def _control_share(text: str) -> float:
    """Share of characters that never appear in text tables (NUL, control codes, U+FFFD)."""
    return len(_CONTROL.findall(text)) / len(text) if text else 0.0


def _csv_error(path: Path, display_name: str, enc: str, dialect: CsvDialect, exc: Exception) -> InvalidInput:
    msg = str(exc)
    if isinstance(exc, UnicodeDecodeError) or "UTF8" in msg or "decode" in msg.lower():
        return InvalidInput(
            f"'{display_name}' is not valid {enc} text further into the file.",
            hint="Choose its encoding explicitly (e.g. cp949, euc-kr, latin-1 or utf-16) and upload again.",
        )
    if "Empty CSV file" in msg:
        return InvalidInput(f"'{display_name}' has no header row.", hint="The first line must name the columns.")
    match = re.search(r"Expected (\d+) columns, got (\d+)", msg)
    if match:
        line, got = _first_ragged_line(path, enc, dialect)
        quote = _unclosed_quote(path, enc, dialect.delimiter)
        if quote is not None and (line is None or quote[0] <= line):
            return _quote_error(display_name, *quote)  # the field count was only a symptom
        where = f"line {line} has {got} fields" if line else f"a row has {match.group(2)} fields"
        return InvalidInput(
            f"'{display_name}': {where} but the header has {match.group(1)} "
            f"(delimiter: {dialect.delimiter!r}).",
            hint="Fix or remove that line (a delimiter inside a value needs double quotes), then upload again.",
        )
    return InvalidInput(f"'{display_name}' could not be read as a table: {msg.splitlines()[0][:300]}",
                        hint="Check the file in a text editor, or choose its encoding explicitly.")


def _first_ragged_line(path: Path, enc: str, dialect: CsvDialect) -> tuple[int | None, int]:
    """Return the physical line number of the first row whose field count differs from the header."""
    with open(path, encoding=enc, errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=dialect.delimiter)
        expected = None
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if expected is None:
                expected = len(row)
            elif len(row) != expected:
                return reader.line_num, len(row)
    return None, 0


def read_source(path: Path, display_name: str, *, encoding: str | None = None, sheet: str | int | None = None,
                on_progress: ProgressFn = no_progress) -> ReadResult:
    """Read any supported file into Arrow (not yet canonical).

    Args:
        path: where the bytes are (a local file; never the user-supplied name).
        display_name: the file's base name, used for the format and in messages.
        encoding: text encoding override (CSV/JSON).
        sheet: Excel sheet name or 0-based index (default: the first sheet).
        on_progress: progress callback (byte progress for CSV).

    Returns:
        The read result.

    Raises:
        InvalidInput: for any file that is not a readable table (see the readers).
    """
    fmt = file_format(display_name)
    if fmt == "csv":
        result = read_csv(path, display_name, encoding=encoding, on_progress=on_progress)
    else:
        on_progress(Progress(None, f"Reading {display_name}"))
        if fmt == "excel":
            result = read_excel(path, display_name, sheet=sheet)
        elif fmt == "parquet":
            result = read_parquet(path, display_name)
        elif fmt == "json":
            result = read_json(path, display_name, encoding=encoding)
        else:
            result = read_jsonl(path, display_name, encoding=encoding)
    if result.table.num_columns == 0:
        raise InvalidInput(f"'{display_name}' has no columns.", hint="Upload a file with a header row and data.")
    if result.table.num_rows == 0:
        raise InvalidInput(f"'{display_name}' has columns but no data rows.", hint="Add rows and upload again.")
    return result


@contextmanager
def local_file(source: str | os.PathLike[str] | BinaryIO, scratch: Path, *, original_name: str | None = None,
               max_bytes: int | None = None, on_progress: ProgressFn = no_progress) -> Iterator[tuple[str, Path]]:
    """Give a path or an upload stream as a checked local file, without parsing it.

    The name (its base name only) must have a supported extension and the size must be
    within the limit. A stream is copied into ``scratch`` in chunks (refused as soon as
    it is over the limit) and the copy is removed when the block ends.

    Args:
        source: a local path, or a binary stream such as Streamlit's ``UploadedFile``.
        scratch: a folder for the copy of a stream.
        original_name: the user's file name (default: the path's or the stream's name).
        max_bytes: the limit (default :func:`max_ingest_bytes`).
        on_progress: progress of the copy.

    Yields:
        ``(display name, local path)``.

    Raises:
        InvalidInput: an unsupported extension, or an empty or oversized file.
        NotFound: a path with no file.
    """
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if path.is_dir():
            raise _folder_given(path)
        display = safe_file_name(original_name or path.name)
        file_format(display)
        if not path.is_file():
            raise NotFound(f"There is no file at {path}.", hint="Check the path and try again.")
        check_size(path.stat().st_size, display, max_bytes)
        yield display, path
        return
    display = safe_file_name(original_name or getattr(source, "name", None))
    file_format(display)
    total = getattr(source, "size", None)
    if total is None and hasattr(source, "seek") and hasattr(source, "tell"):
        try:
            here = source.tell()
            total = source.seek(0, 2) - here
            source.seek(here)
        except (OSError, ValueError):
            total = None
    copy = scratch / f"up-{uuid.uuid4().hex[:12]}{Path(display).suffix.lower()}"
    try:
        copy_stream(source, copy, display, max_bytes=max_bytes, on_progress=on_progress, total=total)
        yield display, copy
    finally:
        copy.unlink(missing_ok=True)


def _folder_given(path: Path) -> InvalidInput:
    try:
        inside = sorted(p.name for p in path.iterdir() if p.is_file() and p.suffix.lower() in FORMATS)
    except OSError:
        inside = []
    if inside:
        more = f" (and {len(inside) - 3} more)" if len(inside) > 3 else ""
        hint = "Add one file at a time, e.g. " + ", ".join(str(path / n) for n in inside[:3]) + more + "."
    else:
        hint = f"It holds no data file ({', '.join(sorted(FORMATS))}); give the path of one file."
    return InvalidInput(f"'{path}' is a folder, not a file.", hint=hint)


def copy_stream(stream: Any, dest: Path, display_name: str, *, max_bytes: int | None = None,
                on_progress: ProgressFn = no_progress, total: int | None = None) -> int:
    """Copy an uploaded stream to ``dest`` in 1 MiB chunks, refusing it once over the limit.

    Args:
        stream: a binary file-like object (e.g. Streamlit's ``UploadedFile``).
        dest: the scratch file to write.
        display_name: the upload's base name, for messages.
        max_bytes: the limit (default :func:`max_ingest_bytes`).
        on_progress: progress callback.
        total: the stream's size when known (checked before copying).

    Returns:
        The number of bytes copied.

    Raises:
        InvalidInput: when the stream is larger than the limit or empty.
    """
    limit = max_bytes if max_bytes is not None else max_ingest_bytes()
    if total is not None:
        check_size(total, display_name, limit)
    written = 0
    last = 0.0
    with open(dest, "wb") as out:
        while chunk := stream.read(1 << 20):
            written += len(chunk)
            if written > limit:
                check_size(written, display_name, limit)
            out.write(chunk)
            now = time.monotonic()
            if now - last > 0.2:
                last = now
                on_progress(Progress(min(written / total, 1.0) * 0.1 if total else None,
                                     f"Receiving {display_name} ({human_size(written)})"))
    check_size(written, display_name, limit)
    return written
