"""Request bodies to columns of raw values: MLflow's scoring formats, read from the bytes directly.

``POST /invocations`` takes ``application/json`` with exactly one of

- ``dataframe_split``: ``{"columns": [...], "data": [[...], ...]}`` (``index`` is ignored; without
  ``columns`` each row lists the input columns in order);
- ``dataframe_records``: ``[{column: value}, ...]``;
- ``instances``: a list of records, or of lists in input-column order (or ``{column: [values]}``);
- ``inputs``: the same shapes as ``instances``, or ``{column: [values]}`` (``{column: value}`` is one row);

plus an optional ``params`` (ignored); or ``text/csv`` with a header row. The body is parsed with
the standard library's ``json`` (no per-request models); the result is a :class:`Batch`: each
input column's values, ready for :class:`~core.deploy.serving._predict.Predictor`.

Errors are :class:`ApiError` with MLflow's error shape ``{"error_code", "message"}``: 400 for a
body that is not JSON or CSV, an unknown format or a bad shape, 415 for another content type,
413 for a body over the size limit, 422 for a missing input column or a value of the wrong kind.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.errors import InvalidInput

JSON = "application/json"
CSV = "text/csv"
FORMATS = ("dataframe_split", "dataframe_records", "instances", "inputs")
PARAMS = "params"

BAD_REQUEST = "BAD_REQUEST"
MALFORMED_REQUEST = "MALFORMED_REQUEST"
INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE"
UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
REQUEST_TOO_LARGE = "RESOURCE_EXHAUSTED"
NOT_FOUND = "ENDPOINT_NOT_FOUND"
INTERNAL_ERROR = "INTERNAL_ERROR"

_EXAMPLE = '{"dataframe_split": {"columns": ["a", "b"], "data": [[1, "x"]]}}'


class ApiError(Exception):
    """An HTTP error answered as ``{"error_code", "message"}`` (MLflow's shape).

    Example:
        >>> raise ApiError(415, UNSUPPORTED_MEDIA_TYPE, "Send application/json or text/csv.")
    """

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def bad(message: str) -> ApiError:
    """A 400: the body cannot be read as a request."""
    return ApiError(400, BAD_REQUEST, message)


def invalid(message: str) -> ApiError:
    """A 422: the rows do not fit the model's input (a missing column, a value of the wrong kind)."""
    return ApiError(422, INVALID_PARAMETER_VALUE, message)


def from_invalid_input(exc: InvalidInput) -> ApiError:
    """A 422 carrying the model's own message (it names the column) and its hint."""
    return invalid(str(exc))


@dataclass
class Batch:
    """The rows of one request: each input column's values.

    Attributes:
        columns: input column -> its values, one per row (JSON values: str, int, float, bool, None).
        n_rows: the number of rows.
        frame: the rows as a DataFrame, when the body was CSV (read by pandas).
    """

    columns: dict[str, list[Any]]
    n_rows: int
    frame: pd.DataFrame | None = None

    def records(self) -> list[dict[str, Any]]:
        """The rows as ``{column: value}`` dicts (the request log)."""
        names = list(self.columns)
        return [dict(zip(names, row, strict=True)) for row in zip(*self.columns.values(), strict=True)]


def media_type(content_type: str | None) -> str:
    """The media type of a ``Content-Type`` header: ``application/json`` or ``text/csv``.

    Raises:
        ApiError: 415 for another type, a charset other than UTF-8 or an unknown parameter.
    """
    if not content_type:
        raise ApiError(415, UNSUPPORTED_MEDIA_TYPE,
                       f"The request has no Content-Type. Send '{JSON}' (MLflow's scoring formats) or '{CSV}' "
                       "(a header row, then one line per row).")
    kind, *params = (part.strip() for part in content_type.split(";"))
    kind = kind.lower()
    if kind not in (JSON, CSV):
        raise ApiError(415, UNSUPPORTED_MEDIA_TYPE,
                       f"This server reads '{JSON}' and '{CSV}', not '{content_type}'.")
    for param in params:
        key, _, value = param.partition("=")
        key, value = key.strip().lower(), value.strip().strip('"').lower()
        if key == "charset" and value in ("utf-8", "utf8"):
            continue
        if key == "charset":
            raise ApiError(415, UNSUPPORTED_MEDIA_TYPE, f"This server reads UTF-8 only, not charset '{value}'.")
        if key:
            raise ApiError(415, UNSUPPORTED_MEDIA_TYPE,
                           f"Unknown Content-Type parameter '{key}' (MLflow 2 and later send the format inside "
                           f"the JSON body, e.g. {_EXAMPLE}).")
    return kind


def parse(body: bytes, kind: str, input_columns: list[str]) -> Batch:
    """Read a request body into a :class:`Batch` of the model's input columns.

    Args:
        body: the raw body.
        kind: ``application/json`` or ``text/csv`` (:func:`media_type`).
        input_columns: the columns the model reads, in order (extra columns are ignored).

    Raises:
        ApiError: 400 for a body that is not a request, 422 naming a missing column or a value
            that is a list or an object.
    """
    if kind == CSV:
        return _from_csv(body, input_columns)
    try:
        doc = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise bad(f"The body is not valid JSON: {exc}. Send e.g. {_EXAMPLE}.") from exc
    except RecursionError as exc:
        raise bad("The body is JSON nested too deeply to be a request.") from exc
    if not isinstance(doc, dict):
        raise bad(f"The body must be a JSON object with exactly one of {_names(FORMATS)}, "
                  f"not {kind_of(doc)}. Send e.g. {_EXAMPLE}.")
    keys = [k for k in FORMATS if k in doc]
    if len(keys) != 1:
        got = _names(list(doc)) if doc else "nothing"
        raise bad(f"The body must hold exactly one of {_names(FORMATS)}; it holds {got}. Send e.g. {_EXAMPLE}.")
    key = keys[0]
    data = doc[key]
    if key == "dataframe_split":
        columns, n = _from_split(data, input_columns)
    elif key == "dataframe_records":
        if not isinstance(data, list):
            raise bad(f"'dataframe_records' must be a list of rows ({{column: value}}), not {kind_of(data)}.")
        columns, n = _from_records(data, input_columns, key)
    else:
        columns, n = _from_instances(data, input_columns, key)
    return Batch(columns, n)


# ---------------------------------------------------------------- the formats

def _from_split(data: Any, input_columns: list[str]) -> tuple[dict[str, list[Any]], int]:
    if not isinstance(data, dict):
        raise bad(f"'dataframe_split' must be an object {{\"columns\": [...], \"data\": [[...], ...]}}, "
                  f"not {kind_of(data)}.")
    extra = sorted(set(data) - {"columns", "data", "index"})
    if extra or "data" not in data:
        raise bad("'dataframe_split' must have 'data' and optionally 'columns' and 'index'"
                  + (f"; it has {_names(extra)} too." if extra else "; it has no 'data'."))
    rows, names = data["data"], data.get("columns")
    if not isinstance(rows, list):
        raise bad(f"'dataframe_split.data' must be a list of rows, not {kind_of(rows)}.")
    if names is None:
        return _from_lists(rows, input_columns, "dataframe_split.data")
    if not isinstance(names, list) or not set(map(type, names)) <= {str}:
        raise bad("'dataframe_split.columns' must be a list of column names (strings).")
    position: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in position:
            raise bad(f"'dataframe_split.columns' names column '{name}' twice.")
        position[name] = i
    if not rows:
        raise _no_rows("dataframe_split.data")
    width = len(names)
    for i, row in enumerate(rows):
        if type(row) is not list or len(row) != width:
            what = f"has {len(row)} values" if isinstance(row, list) else f"is {kind_of(row)}"
            raise bad(f"Row {i} of 'dataframe_split.data' {what}; every row must be a list of {width} values, "
                      f"one per entry of 'columns'.")
    _check_present(input_columns, position)
    columns = {c: [row[position[c]] for row in rows] for c in input_columns}
    return columns, len(rows)


def _from_records(rows: list[Any], input_columns: list[str], key: str) -> tuple[dict[str, list[Any]], int]:
    if not rows:
        raise _no_rows(key)
    seen: set[str] = set()
    for i, row in enumerate(rows):
        if type(row) is not dict:
            raise bad(f"Row {i} of '{key}' is {kind_of(row)}; every row must be an object {{column: value}}.")
        seen.update(row)
    _check_present(input_columns, seen)
    columns = {c: [row.get(c) for row in rows] for c in input_columns}
    return columns, len(rows)


def _from_lists(rows: list[Any], input_columns: list[str], where: str) -> tuple[dict[str, list[Any]], int]:
    if not rows:
        raise _no_rows(where)
    width = len(input_columns)
    for i, row in enumerate(rows):
        if type(row) is not list or len(row) != width:
            what = f"has {len(row)} values" if isinstance(row, list) else f"is {kind_of(row)}"
            raise bad(f"Row {i} of '{where}' {what}; a row given as a list must hold the {width} input columns "
                      f"in order: {', '.join(input_columns)}.")
    columns = {c: [row[j] for row in rows] for j, c in enumerate(input_columns)}
    return columns, len(rows)


def _from_instances(data: Any, input_columns: list[str], key: str) -> tuple[dict[str, list[Any]], int]:
    if isinstance(data, dict):  # {column: [values]}, or {column: value} for one row
        lists = [isinstance(v, list) for v in data.values()]
        if data and all(lists):
            lengths = {len(v) for v in data.values()}
            if len(lengths) > 1:
                raise bad(f"The columns of '{key}' have different lengths ({', '.join(map(str, sorted(lengths)))}); "
                          "each must list one value per row.")
            n = lengths.pop()
            if not n:
                raise _no_rows(key)
            _check_present(input_columns, data)
            return {c: list(data[c]) for c in input_columns}, n
        if not data:
            raise _no_rows(key)
        if any(lists):
            raise bad(f"'{key}' as an object must map every column to a list of values (or every column to "
                      "one value, for one row).")
        _check_present(input_columns, data)
        return {c: [data[c]] for c in input_columns}, 1
    if not isinstance(data, list):
        raise bad(f"'{key}' must be a list of rows or an object {{column: [values]}}, not {kind_of(data)}.")
    if data and type(data[0]) is dict:
        return _from_records(data, input_columns, key)
    return _from_lists(data, input_columns, key)


def _from_csv(body: bytes, input_columns: list[str]) -> Batch:
    if not body.strip():
        raise bad("The CSV body is empty; send a header row, then one line per row.")
    try:
        frame = pd.read_csv(io.BytesIO(body), encoding="utf-8")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise bad(f"The body is not CSV that pandas can read: {exc}. Send a header row, then one line per row.") \
            from exc
    if frame.columns.duplicated().any():
        raise bad(f"The CSV header names column '{frame.columns[frame.columns.duplicated()][0]}' twice.")
    if frame.empty:
        raise _no_rows("the CSV body")
    _check_present(input_columns, set(frame.columns))
    frame = frame[input_columns]
    return Batch({c: frame[c].tolist() for c in input_columns}, len(frame), frame)


# ---------------------------------------------------------------- checks

def _no_rows(where: str) -> ApiError:
    return bad(f"There are no rows in {where}: send at least one row to predict.")


def _check_present(input_columns: list[str], present: Any) -> None:
    missing = [c for c in input_columns if c not in present]
    if missing:
        names = ", ".join(f"'{c}'" for c in missing)
        s = len(missing) > 1
        raise invalid(f"Required column{'s' if s else ''} {names} {'are' if s else 'is'} missing from the input. "
                      f"The model needs: {', '.join(input_columns)}.")


def kind_of(value: Any) -> str:
    """How a message names a JSON value's kind: "an object", "a list", "text", ..."""
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _names(names: Any) -> str:
    return ", ".join(f"'{n}'" for n in names)
