"""Semantic types: what a column's values mean, beyond their storage dtype.

:func:`infer_schema` guesses one of :data:`SEMANTIC_TYPES` per column from the values
and the column name; :func:`apply_overrides` lets the user correct the guess. The
heuristics look at distinct values (or a deterministic sample of them when there are
many), so they stay fast on a million rows.

Example:
    >>> df = pd.DataFrame({"customer_id": ["c1", "c2"], "churn": ["yes", "no"]})
    >>> [(c.name, c.semantic) for c in infer_schema(df)]
    [('customer_id', 'id'), ('churn', 'boolean')]
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.data.entities import SEMANTIC_TYPES, ColumnSchema
from core.errors import InvalidInput

__all__ = [
    "SEMANTIC_TYPES", "ColumnSchema", "apply_overrides", "infer_column", "infer_schema", "infer_schema_table",
]

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp")
BOOLEAN_PAIRS = frozenset(
    frozenset(pair)
    for pair in (
        ("yes", "no"), ("y", "n"), ("true", "false"), ("t", "f"), ("0", "1"),
        ("1.0", "0.0"), ("on", "off"), ("예", "아니오"), ("네", "아니오"), ("o", "x"),
    )
)
MAX_CATEGORIES = 50          # at most this many distinct strings: categorical
MAX_INT_CODES = 10           # small-int codes with at most this many distinct values
TEXT_MEAN_LENGTH = 40        # strings this long on average are free text
SAMPLE = 20_000              # distinct values examined by the pattern checks
MIN_ROWS_FOR_ID = 20         # fewer rows than this: uniqueness says little
SAMPLE_ROWS = 50_000        # rows examined by infer_schema_table

_ID_NAME = re.compile(
    r"(?:^(?:id|uuid|guid|key|pk)$)"          # id
    r"|(?:[_\s.\-](?:id|uuid|guid|key)$)"     # customer_id, order key
    r"|(?:^(?:id)[_\s.\-])"                   # id_customer
    r"|(?:^(?:번호|아이디)$)",
    re.IGNORECASE,
)
_CAMEL_ID = re.compile(r"[a-z0-9가-힣](?:ID|Id)$")  # customerID, customerId, 고객ID (case matters)
_NUMBER = r"^\s*[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?\s*$"
_DATE = (
    r"^\s*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})"
    r"(?:[T\s]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?\s*$"
)
_IDLIKE = r"^[\w\-.:]{1,64}$"
_IMAGE = r"\.(?:" + "|".join(e.lstrip(".") for e in IMAGE_EXTENSIONS) + r")$"


def looks_like_id_name(name: str) -> bool:
    """Return whether a column name reads like a key (``id``, ``customer_id``, ``customerID``).

    Args:
        name: the column name.

    Returns:
        ``True`` for key-like names.
    """
    name = str(name).strip()
    return bool(_CAMEL_ID.search(name) or _ID_NAME.search(name))


def _distinct_strings(values: pd.Series) -> pa.Array:
    """Distinct non-null values as an Arrow string array (a deterministic sample when many)."""
    uniq = pd.unique(values)
    if values.dtype == object:
        arr = pa.array([v if isinstance(v, str) else str(v) for v in uniq], type=pa.string())
    else:
        arr = pa.array(uniq, type=pa.string(), from_pandas=True)
    if len(arr) > SAMPLE:
        arr = arr.take(pa.array(np.linspace(0, len(arr) - 1, SAMPLE).astype(np.int64)))
    return arr


def _share(mask: pa.Array) -> float:
    """Share of true values in a boolean array (0 when empty)."""
    if len(mask) == 0:
        return 0.0
    return float(pc.sum(mask.cast(pa.int64())).as_py() or 0) / len(mask)


def _is_int_like(s: pd.Series) -> bool:
    if pd.api.types.is_integer_dtype(s.dtype):
        return True
    if pd.api.types.is_float_dtype(s.dtype):
        vals = s.to_numpy(dtype="float64", na_value=np.nan)
        vals = vals[~np.isnan(vals)]
        return bool(len(vals)) and bool(np.all(np.isfinite(vals)) and np.all(np.mod(vals, 1) == 0))
    return False


def _numeric_semantic(s: pd.Series, name: str, k: int, n: int, n_unique: int) -> str:
    if n_unique == 2:
        uniq = set(pd.unique(s).tolist())
        if uniq <= {0, 1}:
            return "boolean"
    if not _is_int_like(s):
        return "numeric"
    ratio = n_unique / k if k else 0.0
    unique_per_row = k == n and n_unique == n and n >= 2
    if looks_like_id_name(name) and (unique_per_row or ratio >= 0.5):
        return "id"
    if unique_per_row and n >= MIN_ROWS_FOR_ID:
        diffs = np.diff(s.to_numpy().astype("float64"))
        if len(diffs) and (np.all(diffs > 0) or np.all(diffs < 0)):
            return "id"  # strictly monotonic distinct integers: a row number
    if n_unique <= min(MAX_INT_CODES, k // 3):
        return "categorical"
    return "numeric"


def _string_semantic(
    values: pd.Series, name: str, k: int, n: int, n_unique: int, flags: list[str]
) -> str:
    """Classify a column of strings (or of mixed Python objects turned into strings)."""
    uniq = _distinct_strings(values)
    stripped = pc.utf8_trim_whitespace(uniq)
    numeric = pc.match_substring_regex(stripped, _NUMBER)
    if 0 < _share(numeric) < 1 and "mixed_types" not in flags:
        flags.append("mixed_types")
    lower = pc.utf8_lower(stripped)
    if n_unique == 2 and frozenset(lower.to_pylist()) in BOOLEAN_PAIRS:
        return "boolean"
    ratio = n_unique / k if k else 0.0
    unique_per_row = k == n and n_unique == n and n >= 2
    if _share(pc.match_substring_regex(lower, _IMAGE)) >= 0.9:
        return "image_path"
    if _share(pc.match_substring_regex(stripped, _DATE)) >= 0.9:
        sample = pd.Series(stripped.slice(0, 2000).to_pylist(), dtype=object)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
        if float(parsed.notna().mean()) >= 0.9:
            return "datetime"
    if looks_like_id_name(name) and (unique_per_row or ratio >= 0.5):
        return "id"
    if (
        unique_per_row
        and n >= MIN_ROWS_FOR_ID
        and _share(pc.match_substring_regex(stripped, _IDLIKE)) >= 0.99
        and _share(pc.match_substring_regex(uniq, r"\d")) >= 0.9
        and _share(numeric) < 1
    ):
        return "id"
    if n_unique <= MAX_CATEGORIES:
        return "categorical"
    mean_length = pc.mean(pc.utf8_length(uniq)).as_py() or 0.0
    if mean_length >= TEXT_MEAN_LENGTH:
        return "text"
    if ratio > 0.5 and _share(pc.match_substring_regex(stripped, r"\s")) >= 0.5:
        return "text"  # mostly distinct phrases
    return "categorical"  # short codes or names; high cardinality is the features page's concern


def infer_column(
    s: pd.Series,
    name: str | None = None,
    *,
    n_unique: int | None = None,
    n_rows: int | None = None,
    n_valid: int | None = None,
) -> ColumnSchema:
    """Infer the semantic type of one column.

    Args:
        s: the column's values (any pandas dtype), possibly an evenly spaced sample.
        name: the column name (defaults to ``s.name``); names like ``*_id`` hint at keys.
        n_unique: distinct non-null values counted over the full column (when ``s`` is a sample).
        n_rows: rows in the full column (when ``s`` is a sample).
        n_valid: non-null values in the full column (when ``s`` is a sample).

    Returns:
        The column's schema with ``semantic`` and ``flags`` filled in.
    """
    name = str(s.name if name is None else name)
    dtype = str(s.dtype)
    nn = s.dropna()
    n = len(s) if n_rows is None else n_rows
    k = len(nn) if n_valid is None else n_valid
    flags: list[str] = []
    if k == 0 or len(nn) == 0:
        flags.append("all_missing")
        semantic = "numeric" if pd.api.types.is_numeric_dtype(s.dtype) else "text"
        return ColumnSchema(name, dtype, semantic, flags=tuple(flags))
    if n_unique is None:
        n_unique = int(nn.nunique())
    if n_unique == 1:
        flags.append("constant")

    if pd.api.types.is_bool_dtype(s.dtype):
        semantic = "boolean"
    elif pd.api.types.is_datetime64_any_dtype(s.dtype):
        semantic = "datetime"
    elif pd.api.types.is_timedelta64_dtype(s.dtype):
        semantic = "numeric"
    elif pd.api.types.is_numeric_dtype(s.dtype):
        semantic = _numeric_semantic(nn, name, k, n, n_unique)
    elif isinstance(s.dtype, pd.CategoricalDtype):
        semantic = _string_semantic(nn.astype(str), name, k, n, n_unique, flags)
        if semantic not in ("boolean", "id"):
            semantic = "categorical"
    else:
        kind = pd.api.types.infer_dtype(nn, skipna=True) if s.dtype == object else "string"
        if kind in ("integer", "floating", "mixed-integer-float", "decimal"):
            semantic = _numeric_semantic(pd.to_numeric(nn), name, k, n, n_unique)
        elif kind == "boolean":
            semantic = "boolean"
        elif kind in ("datetime", "datetime64", "date"):
            semantic = "datetime"
        else:
            if kind in ("mixed", "mixed-integer"):
                flags.append("mixed_types")
            semantic = _string_semantic(nn, name, k, n, n_unique, flags)
    return ColumnSchema(name, dtype, semantic, flags=tuple(flags))


def infer_schema(df: pd.DataFrame, *, n_unique: Mapping[str, int] | None = None) -> list[ColumnSchema]:
    """Infer a :class:`ColumnSchema` for every column of a table.

    Heuristics, in order: bool and datetime dtypes map directly; two values that read
    as yes/no, true/false or 0/1 are ``boolean``; strings ending in an image extension
    are ``image_path``; parseable date strings are ``datetime``; key-like names
    (``*_id``) or one distinct integer/string code per row are ``id``; few distinct
    strings or small-integer codes are ``categorical``; long or mostly distinct strings
    are ``text``; other numbers are ``numeric``. A column mixing numbers and text keeps
    its values as text and gets the ``"mixed_types"`` flag.

    Args:
        df: the table.
        n_unique: optional distinct counts per column name (when ``df`` is a sample of
            a bigger table whose counts were taken in full).

    Returns:
        One schema per column, in column order.
    """
    counts = n_unique or {}
    return [infer_column(df.iloc[:, i], str(col), n_unique=counts.get(str(col)))
            for i, col in enumerate(df.columns)]


_DTYPE_CACHE: dict[tuple[str, bool], str] = {}


def pandas_dtype(arrow_type: pa.DataType, has_nulls: bool) -> str:
    """Return the pandas dtype name a column of this Arrow type gets in ``to_pandas()``.

    Args:
        arrow_type: the column's Arrow type.
        has_nulls: whether the column has missing values (ints with nulls become float64).

    Returns:
        E.g. ``"int64"``, ``"float64"``, ``"str"``, ``"datetime64[us]"``.
    """
    key = (str(arrow_type), has_nulls)
    if key not in _DTYPE_CACHE:
        arr = pa.array([None] if has_nulls else [], type=arrow_type)
        _DTYPE_CACHE[key] = str(pa.table({"x": arr}).to_pandas()["x"].dtype)
    return _DTYPE_CACHE[key]


def _distinct_count(col: pa.ChunkedArray, sample: pa.ChunkedArray, n_valid: int) -> int:
    """Distinct non-null values of ``col``: exact when cheap or when it decides an id, else estimated.

    Counting a high-cardinality column costs a hash table as big as the column, so when
    the sample already shows many distinct values the count is scaled from the sample;
    it is counted exactly only if the sample is all distinct and the column could be a
    key (integers or strings).
    """
    if pa.types.is_null(col.type) or n_valid == 0:
        return 0
    if len(sample) == len(col):
        return int(pc.count_distinct(col, mode="only_valid").as_py())
    s_valid = len(sample) - sample.null_count
    s_uniq = int(pc.count_distinct(sample, mode="only_valid").as_py())
    if s_uniq <= 2:  # constant or two-valued in the sample: make sure over the full column
        return int(pc.count_distinct(col, mode="only_valid").as_py())
    if s_uniq <= 10_000 and s_uniq < s_valid // 2:
        return s_uniq  # categories frequent enough to matter all show up in the sample
    keyish = pa.types.is_integer(col.type) or pa.types.is_string(col.type) or pa.types.is_large_string(col.type)
    if s_uniq == s_valid and keyish:
        if pa.types.is_integer(col.type) and col.null_count == 0:
            values = col.to_numpy()
            steps = np.diff(values)
            if len(steps) and (np.all(steps > 0) or np.all(steps < 0)):
                return len(values)  # strictly monotonic: all distinct, no hash table needed
        return int(pc.count_distinct(col, mode="only_valid").as_py())
    return min(n_valid, round(s_uniq * n_valid / max(s_valid, 1)))


def infer_schema_table(
    table: pa.Table, *, mixed: Iterable[str] = (), sample_rows: int = SAMPLE_ROWS
) -> list[ColumnSchema]:
    """Infer the schema of an Arrow table quickly, however many rows it has.

    Distinct and missing counts are taken over full columns (Arrow kernels); the value
    patterns are examined on evenly spread blocks of at most ``sample_rows`` rows in all.
    ``dtype`` names the storage type the way pandas does (``int64``, ``str``,
    ``datetime64[us]``); it does not change when missing values make
    :func:`core.data.datasets.load_frame` return an integer column as float64.

    Args:
        table: the (canonical) table.
        mixed: columns known to have mixed numbers and text (flagged ``mixed_types``).
        sample_rows: the most rows converted to pandas for the pattern checks.

    Returns:
        One schema per column, in column order.
    """
    n = table.num_rows
    sample = table
    if n > sample_rows:  # evenly spread blocks, copied into one contiguous 50k-row table
        blocks, size = 50, sample_rows // 50
        starts = np.linspace(0, n - size, blocks).astype(np.int64)
        sample = pa.concat_tables([table.slice(int(s0), size) for s0 in starts]).combine_chunks()
    frame = sample.to_pandas(split_blocks=True, self_destruct=False)
    mixed = set(mixed)
    out = []
    for i, name in enumerate(table.column_names):
        col = table.column(i)
        valid = n - col.null_count
        uniq = _distinct_count(col, sample.column(i), valid)
        schema = infer_column(frame.iloc[:, i], name, n_unique=uniq, n_rows=n, n_valid=valid)
        flags = schema.flags + (("mixed_types",) if name in mixed and "mixed_types" not in schema.flags else ())
        out.append(ColumnSchema(name, pandas_dtype(col.type, False), schema.semantic, False, flags))
    return out


def _compatible(col: ColumnSchema, semantic: str) -> tuple[str, str] | None:
    """Return (problem, fix) when ``semantic`` cannot describe the column's dtype, else ``None``."""
    dtype = col.dtype.lower()
    is_num = any(t in dtype for t in ("int", "float", "double", "decimal", "bool"))
    is_time = "datetime" in dtype or "timestamp" in dtype or "date" in dtype
    if semantic == "numeric" and not is_num:
        return (f"its values are stored as {col.dtype}, not numbers",
                "derive a version that casts it to float (cast_columns) first")
    if semantic == "image_path" and (is_num or is_time):
        return (f"its values are stored as {col.dtype}, not file paths", "pick another type")
    if semantic == "datetime" and is_num and "bool" not in dtype:
        return (f"its values are stored as {col.dtype}, not dates",
                "derive a version that casts it to datetime (cast_columns) first")
    return None


def apply_overrides(schema: Sequence[ColumnSchema], overrides: Mapping[str, str]) -> list[ColumnSchema]:
    """Return the schema with some semantic types set by the user.

    Args:
        schema: the inferred (or previously overridden) schema.
        overrides: column name to one of :data:`SEMANTIC_TYPES`.

    Returns:
        A new list; overridden columns have ``overridden=True``.

    Raises:
        InvalidInput: if a column is unknown, a type is not one of the semantic types,
            or the type cannot describe the column's stored values (``numeric`` for
            strings, for example).
    """
    by_name = {c.name: c for c in schema}
    for col, semantic in overrides.items():
        if col not in by_name:
            raise InvalidInput(
                f"There is no column named '{col}' to set a semantic type on.",
                hint=f"Columns are: {', '.join(repr(c) for c in by_name) or '(none)'}.",
            )
        if semantic not in SEMANTIC_TYPES:
            raise InvalidInput(
                f"'{semantic}' is not a semantic type (column '{col}').",
                hint=f"Use one of: {', '.join(SEMANTIC_TYPES)}.",
            )
        problem = _compatible(by_name[col], semantic)
        if problem:
            raise InvalidInput(f"Column '{col}' cannot be '{semantic}': {problem[0]}.", hint=f"To use it, {problem[1]}.")
    return [
        ColumnSchema(c.name, c.dtype, overrides[c.name], True, c.flags) if c.name in overrides else c
        for c in schema
    ]
