"""Readers for Excel, JSON, JSON Lines and Parquet files, and text-encoding detection.

:mod:`core.data.ingest` owns the CSV reader and the ingest pipeline and calls these for the
other formats. Each reader returns a :class:`ReadResult` (a ``pyarrow.Table`` not yet
canonical, plus what was detected) or raises :class:`~core.errors.InvalidInput`
naming the file, the problem and what to do.
"""

from __future__ import annotations

import codecs
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from core.data.canonical import INT64_MAX, big_integer_note, python_values_to_arrow
from core.errors import InvalidInput

SNIFF_BYTES = 256 * 1024
JSON_BLOCK = 4 << 20
DETECTABLE = ["utf_8", "cp949", "euc_kr", "utf_16", "cp1252", "latin_1"]  # what detection may answer
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCODING_ALIASES = {
    "utf_8": "utf-8", "utf8": "utf-8", "utf-8": "utf-8", "ascii": "utf-8",
    "utf_8_sig": "utf-8", "utf-8-sig": "utf-8",
    "euc_kr": "cp949", "euc-kr": "cp949", "euckr": "cp949", "cp949": "cp949", "uhc": "cp949",
    "ms949": "cp949", "johab": "cp949",
    "utf_16": "utf-16", "utf-16": "utf-16", "utf_16_le": "utf-16-le", "utf_16_be": "utf-16-be",
    "latin_1": "latin-1", "latin-1": "latin-1", "iso8859_1": "latin-1", "iso-8859-1": "latin-1",
    "cp1252": "cp1252", "windows-1252": "cp1252",
}


@dataclass
class ReadResult:
    """A file read into Arrow, with what was detected on the way.

    Attributes:
        table: the data as read (not yet canonical).
        source: what was detected: ``format``, ``encoding``, ``delimiter``, ``decimal``,
            ``sheet``, ``sheets``.
        warnings: things the user should know (rows skipped, columns flattened...).
        mixed: names of columns that mixed numbers and text and were kept as text.
    """

    table: pa.Table
    source: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    mixed: set[str] = field(default_factory=set)


def binary_size(n: float) -> str:
    """Format a byte count in binary units, as files are listed.

    Args:
        n: a number of bytes.

    Returns:
        The size with a unit: ``812 B``, ``71.9 KiB``, ``1.2 GiB``.
    """
    value, unit = float(n), "B"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            break
        value /= 1024
    return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"


def human_size(n: float) -> str:
    """Format a byte count for messages (``1.5 MB``).

    Args:
        n: a number of bytes.

    Returns:
        The size with a unit.
    """
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


# ------------------------------------------------------------------------- encodings


def detect_encoding(sample: bytes, display_name: str) -> str:
    """Guess the text encoding of a file from its first bytes.

    UTF-8 (with or without BOM) and UTF-16 (BOM, or NUL-byte pattern) are recognised
    directly; anything else goes to charset-normalizer, limited to the encodings
    MLCycle supports (cp949/euc-kr, cp1252, latin-1), and euc-kr becomes its superset
    cp949.

    Args:
        sample: the first bytes of the file (up to 256 KB).
        display_name: the file's base name, for the message.

    Returns:
        A Python codec name.

    Raises:
        InvalidInput: when the bytes do not look like text at all.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" not in sample:
        try:
            sample.decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError as exc:
            if exc.start >= len(sample) - 4 and exc.reason.startswith("unexpected end"):
                return "utf-8"  # a character cut at the sample boundary
    else:
        even, odd = sample[0::2], sample[1::2]
        if len(sample) >= 4 and (even.count(0) > 0.3 * len(even) or odd.count(0) > 0.3 * len(odd)):
            return "utf-16-be" if even.count(0) > odd.count(0) else "utf-16-le"
        if _text_but_for_nul(sample):
            raise nul_byte(display_name, sample[: sample.index(b"\x00")].count(b"\n") + 1)
        raise not_text(display_name)
    from charset_normalizer import from_bytes

    best = from_bytes(sample[:65536], cp_isolation=DETECTABLE).best()
    if best is None:
        raise not_text(display_name)
    enc = _ENCODING_ALIASES.get(best.encoding.lower(), best.encoding)
    if best.encoding.lower() in ("euc_kr", "cp949", "johab") or "korean" in " ".join(best.languages).lower():
        enc = "cp949"
    return enc


_CONTROL_BYTES = bytes([*range(1, 9), *range(14, 32)])


def _text_but_for_nul(sample: bytes) -> bool:
    """Whether bytes holding a few NULs are otherwise text (few other control bytes)."""
    cleaned = sample.replace(b"\x00", b"")
    nuls = len(sample) - len(cleaned)
    if not cleaned or nuls > max(16, len(sample) // 100):
        return False
    controls = len(cleaned) - len(cleaned.translate(None, _CONTROL_BYTES))
    return controls <= len(cleaned) // 100


def nul_byte(display_name: str, line: int) -> InvalidInput:
    """The error for a text file holding a NUL byte (the same wherever in the file it is).

    Args:
        display_name: the file's base name.
        line: the line (1-based) of the first NUL byte.

    Returns:
        An :class:`~core.errors.InvalidInput` to raise.
    """
    return InvalidInput(
        f"'{display_name}' has a NUL byte (\\0) on line {line}; a text table never holds one, so the file "
        "is probably damaged or was saved by a faulty export.",
        hint=f"Remove the NUL bytes (e.g. `tr -d '\\000' < {display_name} > fixed{Path(display_name).suffix}`) "
             "or export the data again, then upload it.",
    )


def not_text(display_name: str) -> InvalidInput:
    """The error for bytes that are not text.

    Args:
        display_name: the file's base name.

    Returns:
        An :class:`~core.errors.InvalidInput` to raise.
    """
    return InvalidInput(
        f"'{display_name}' does not look like a text table: it contains binary data.",
        hint="Check that it really is a CSV/TSV file (not a renamed spreadsheet, archive or image); "
             "export it again as CSV, or upload it with its real extension.",
    )


def normalize_encoding(encoding: str) -> str:
    """Return a codec name for a user-given encoding (``euc-kr`` -> ``cp949``).

    Args:
        encoding: the encoding name as typed.

    Returns:
        A Python codec name.

    Raises:
        InvalidInput: if Python does not know the encoding.
    """
    enc = _ENCODING_ALIASES.get(encoding.strip().lower(), encoding.strip())
    try:
        codecs.lookup(enc)
    except LookupError as exc:
        raise InvalidInput(f"'{encoding}' is not a text encoding Python knows.",
                           hint="Use e.g. utf-8, cp949, euc-kr, utf-16 or latin-1.") from exc
    return enc


# ------------------------------------------------------------------------------ Excel


def excel_sheets(path: Path, display_name: str) -> list[str]:
    """Return the sheet names of an .xlsx workbook.

    Args:
        path: the workbook.
        display_name: the file's base name, for messages.

    Returns:
        The sheet names in workbook order.

    Raises:
        InvalidInput: for password-protected (encrypted) or non-Excel files, or a
            workbook without sheets.
    """
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:
        raise InvalidInput(
            f"'{display_name}' is password-protected (an encrypted workbook) or an old .xls file saved as .xlsx.",
            hint="Open it in Excel, remove the password (File > Info > Protect Workbook) or save it as a "
                 "normal .xlsx, then upload again.",
        )
    if not zipfile.is_zipfile(path):
        raise InvalidInput(f"'{display_name}' is not an Excel workbook (it is not an .xlsx zip package).",
                           hint="Save it from Excel as .xlsx, or upload it with its real extension.")
    try:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        names = list(wb.sheetnames)
        wb.close()
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for broken packages
        raise InvalidInput(f"'{display_name}' could not be opened as an Excel workbook: {exc}",
                           hint="Open and save it again in Excel, or export the sheet as CSV.") from exc
    if not names:
        raise InvalidInput(f"'{display_name}' has no sheets.", hint="Add a sheet with a header row and data.")
    return names


def read_excel(path: Path, display_name: str, *, sheet: str | int | None = None) -> ReadResult:
    """Read one sheet of an .xlsx workbook (the first unless ``sheet`` names another).

    The first row is the header. Completely empty rows and unnamed empty columns are
    dropped; a column that mixes numbers and text keeps its values as text.

    Args:
        path: the workbook.
        display_name: the file's base name, for messages.
        sheet: a sheet name or 0-based index.

    Returns:
        The table; ``source`` holds the sheet read and all sheet names.

    Raises:
        InvalidInput: encrypted workbook, no sheets, unknown sheet, empty sheet.
    """
    import pandas as pd

    names = excel_sheets(path, display_name)
    if sheet is None or sheet == "":
        chosen = names[0]
    elif isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in names):
        idx = int(sheet)
        if not 0 <= idx < len(names):
            raise InvalidInput(f"'{display_name}' has {len(names)} sheet(s); there is no sheet number {idx}.",
                               hint=f"Sheets: {', '.join(names)}.")
        chosen = names[idx]
    elif sheet in names:
        chosen = str(sheet)
    else:
        raise InvalidInput(f"'{display_name}' has no sheet named '{sheet}'.",
                           hint=f"Sheets: {', '.join(repr(n) for n in names)}.")
    try:
        raw = pd.read_excel(path, sheet_name=chosen, header=None, engine="openpyxl", dtype=object)
    except Exception as exc:  # noqa: BLE001
        raise InvalidInput(f"Sheet '{chosen}' of '{display_name}' could not be read: {exc}",
                           hint="Open and save the workbook again, or export the sheet as CSV.") from exc
    raw = raw.dropna(how="all")
    if raw.empty:
        raise InvalidInput(f"Sheet '{chosen}' of '{display_name}' is empty.",
                           hint=f"Pick the sheet with the data (sheets: {', '.join(names)}).")
    header = ["" if v is None or (isinstance(v, float) and np.isnan(v)) else _header_text(v)
              for v in raw.iloc[0].tolist()]
    body = raw.iloc[1:].reset_index(drop=True)
    keep = [i for i, name in enumerate(header) if name or body.iloc[:, i].notna().any()]
    body = body.iloc[:, keep]
    header = [header[i] for i in keep]
    if body.empty:
        raise InvalidInput(f"Sheet '{chosen}' of '{display_name}' has a header row but no data rows.",
                           hint="Add rows below the header, or pick another sheet.")
    body.columns = range(len(header))
    columns, mixed = [], set()
    for i, name in enumerate(header):
        arr, was_mixed = python_values_to_arrow(body.iloc[:, i].tolist())
        columns.append(arr)
        if was_mixed:
            mixed.add(name or f"column {i + 1}")
    table = pa.Table.from_arrays(columns, names=header)
    warnings = []
    if any(col.null_count for col in table.columns):
        warnings = _uncalculated_formulas(path, chosen)
    return ReadResult(table, {"format": "excel", "sheet": chosen, "sheets": names}, warnings, mixed=mixed)


def _uncalculated_formulas(path: Path, sheet: str) -> list[str]:
    """Warn about formula cells saved without their result (read as missing), naming their columns.

    Programs that write workbooks without calculating them (scripts using openpyxl, some
    exports) store only the formula; Excel computes the results when it opens the file.
    The sheet is read twice side by side: formulas, and the saved results.
    """
    from openpyxl import load_workbook

    try:
        formulas = load_workbook(path, read_only=True, data_only=False)
        results = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - the data was read already; this is only a check
        return []
    counts: dict[int, int] = {}
    header: list[str] | None = None
    try:
        for with_formula, with_result in zip(formulas[sheet].iter_rows(values_only=True),
                                             results[sheet].iter_rows(values_only=True), strict=False):
            if header is None:
                if any(v is not None for v in with_result):
                    header = ["" if v is None else _header_text(v) for v in with_result]
                continue
            for i, (formula, result) in enumerate(zip(with_formula, with_result, strict=False)):
                is_formula = (isinstance(formula, str) and formula.startswith("=")) \
                    or type(formula).__name__ in ("ArrayFormula", "DataTableFormula")
                if result is None and is_formula:
                    counts[i] = counts.get(i, 0) + 1
    finally:
        formulas.close()
        results.close()
    notes = []
    for i, n in sorted(counts.items()):
        name = (header[i] if header and i < len(header) else "") or f"column {i + 1}"
        notes.append(f"Column '{name}' has {n:,} formula cell(s) saved without their result, so they read as "
                     "missing. Open the workbook in Excel or LibreOffice and save it (that stores the results), "
                     "then add it again.")
    return notes


def _header_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ------------------------------------------------------------------------- JSON, Parquet


def read_json(path: Path, display_name: str, *, encoding: str | None = None) -> ReadResult:
    """Read a JSON file holding a table.

    Accepted shapes: an array of objects (records); an object of equal-length arrays
    (columns); ``{"columns": [...], "data": [[...]]}`` (pandas' split layout); or an
    object with one key holding an array of records (``{"data": [...]}``). Nested
    objects are flattened to ``parent.child`` columns; arrays inside cells become JSON
    text; ISO date strings become timestamps, as the CSV reader would read them.

    Args:
        path: the file.
        display_name: the file's base name, for messages.
        encoding: text encoding override.

    Returns:
        The table, with columns that mixed numbers and text in ``mixed``.

    Raises:
        InvalidInput: invalid JSON, or JSON that is not a table.
    """
    data = path.read_bytes()
    enc = normalize_encoding(encoding) if encoding else detect_encoding(data[:SNIFF_BYTES], display_name)
    try:
        doc = json.loads(data.decode(enc).lstrip("\ufeff"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise InvalidInput(f"'{display_name}' is not valid JSON{where}: {exc}",
                           hint="Fix the file, or if it has one object per line, name it .jsonl.") from exc
    table, warnings, mixed = _records_to_table(_records_from(doc, display_name))
    return ReadResult(table, {"format": "json", "encoding": enc}, warnings, mixed)


def _not_tabular(display_name: str, what: str) -> InvalidInput:
    return InvalidInput(
        f"'{display_name}' is JSON but not a table: {what}.",
        hint='Use an array of objects ([{"col": 1, ...}, ...]), an object of equal-length arrays '
             '({"col": [1, 2], ...}) or JSON Lines (one object per line, .jsonl).',
    )


def _records_from(doc: Any, display_name: str) -> list[dict[str, Any]]:
    if isinstance(doc, list):
        if not doc:
            raise InvalidInput(f"'{display_name}' holds an empty JSON array: there are no rows.",
                               hint="Upload a file with at least one record.")
        if all(isinstance(r, dict) for r in doc):
            return doc
        raise _not_tabular(display_name, "it is an array whose items are not all objects")
    if isinstance(doc, dict):
        if isinstance(doc.get("columns"), list) and isinstance(doc.get("data"), list):
            cols = [str(c) for c in doc["columns"]]
            if all(isinstance(r, list) and len(r) == len(cols) for r in doc["data"]):
                return [dict(zip(cols, r, strict=True)) for r in doc["data"]]
        lists = {k: v for k, v in doc.items() if isinstance(v, list)}
        if lists and len(lists) == len(doc) and len({len(v) for v in lists.values()}) == 1:
            if all(not isinstance(x, dict | list) for v in lists.values() for x in v[:50]) or len(lists) > 1:
                n = len(next(iter(lists.values())))
                if n == 0:
                    raise InvalidInput(f"'{display_name}' has columns but no rows.", hint="Add rows.")
                return [{k: v[i] for k, v in lists.items()} for i in range(n)]
        recs = [v for v in doc.values() if isinstance(v, list) and v and all(isinstance(r, dict) for r in v)]
        if len(recs) == 1:
            return recs[0]
        if lists and len({len(v) for v in lists.values()}) > 1:
            raise _not_tabular(display_name, "its arrays have different lengths")
        raise _not_tabular(display_name, "it is a single object without an array of records")
    raise _not_tabular(display_name, f"its top level is a {type(doc).__name__}")


def _flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


def _records_to_table(records: Iterable[dict[str, Any]]) -> tuple[pa.Table, list[str], set[str]]:
    records = list(records)
    flat = [_flatten(r) for r in records]
    names: dict[str, None] = {}
    for r in flat:
        for k in r:
            names.setdefault(k, None)
    arrays, mixed, warnings = [], set(), []
    for name in names:
        values = [r.get(name) for r in flat]
        arr, was_mixed = python_values_to_arrow(values)
        if pa.types.is_string(arr.type) and not was_mixed:
            if any(isinstance(v, int) and not isinstance(v, bool) and abs(v) > INT64_MAX for v in values):
                warnings.append(big_integer_note(name, next(v for v in values if isinstance(v, int)
                                                              and abs(v) > INT64_MAX)))
            arr = _maybe_timestamps(arr)
        arrays.append(arr)
        if was_mixed:
            mixed.add(name)
    split = sorted({k for r in records for k, v in r.items() if isinstance(v, dict) and v})
    if split:
        warnings.append("Nested objects were split into parent.child columns: "
                        + ", ".join(f"'{k}'" for k in split) + ".")
    lists = [n for n in names if any(isinstance(r.get(n), list) for r in flat)]
    if lists:
        warnings.append("Column(s) holding lists were stored as JSON text (e.g. [1, 2]): "
                        + ", ".join(f"'{n}'" for n in lists) + ".")
    if any(len(r) < len(names) for r in flat):
        warnings.append("Some records lack some keys; those cells are missing.")
    return pa.Table.from_arrays(arrays, names=list(names)), warnings, mixed


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?$")


def _maybe_timestamps(arr: pa.Array) -> pa.Array:
    """ISO date strings in JSON become timestamps, as the CSV reader would infer them."""
    valid = pc.drop_null(arr)
    if len(valid) == 0 or not pc.all(pc.match_substring_regex(valid, _ISO.pattern)).as_py():
        return arr
    try:
        return pc.cast(pc.replace_substring(arr, " ", "T"), pa.timestamp("us"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return arr


def read_jsonl(path: Path, display_name: str, *, encoding: str | None = None) -> ReadResult:
    """Read JSON Lines (one object per line) with Arrow, or record by record when types vary.

    Args:
        path: the file.
        display_name: the file's base name, for messages.
        encoding: text encoding override.

    Returns:
        The table.

    Raises:
        InvalidInput: a line that is not JSON (with its number) or not an object.
    """
    import pyarrow.json as pajson

    with open(path, "rb") as handle:
        sample = handle.read(SNIFF_BYTES)
    enc = normalize_encoding(encoding) if encoding else detect_encoding(sample, display_name)
    if enc == "utf-8" and not sample.startswith(codecs.BOM_UTF8):
        try:
            table = pajson.read_json(path, read_options=pajson.ReadOptions(block_size=JSON_BLOCK))
            if table.num_rows and all(not pa.types.is_nested(t) for t in table.schema.types):
                return ReadResult(table, {"format": "jsonl", "encoding": enc})
        except pa.ArrowInvalid:
            pass
    records = []
    with open(path, encoding=enc, errors="strict") as handle:
        try:
            for number, line in enumerate(handle, start=1):
                line = line.strip().lstrip("\ufeff")
                if not line:
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InvalidInput(f"'{display_name}': line {number} is not valid JSON ({exc.msg}).",
                                       hint="Each line must hold one JSON object; fix or remove that line.") from exc
                if not isinstance(rec, dict):
                    raise _not_tabular(display_name, f"line {number} holds a {type(rec).__name__}, not an object")
                records.append(rec)
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"'{display_name}' is not valid {enc} text.",
                               hint="Choose its encoding explicitly and upload again.") from exc
    if not records:
        raise InvalidInput(f"'{display_name}' has no records.", hint="Upload a file with one object per line.")
    table, warnings, mixed = _records_to_table(records)
    return ReadResult(table, {"format": "jsonl", "encoding": enc}, warnings, mixed)


def read_parquet(path: Path, display_name: str) -> ReadResult:
    """Read a Parquet file.

    Args:
        path: the file.
        display_name: the file's base name, for messages.

    Returns:
        The table as stored (canonicalised later).

    Raises:
        InvalidInput: if the file is not Parquet.
    """
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InvalidInput(f"'{display_name}' is not a readable Parquet file: {exc}",
                           hint="Write it again with pandas/pyarrow, or upload the data as CSV.") from exc
    return ReadResult(table, {"format": "parquet"})
