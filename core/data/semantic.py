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

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.data.entities import SEMANTIC_TYPES, ColumnSchema
from core.errors import InvalidInput
from core.modeling.columns import (  # noqa: F401 - re-exported: the rule set the data step always had
    BOOLEAN_PAIRS,
    IMAGE_EXTENSIONS,
    MAX_CATEGORIES,
    MAX_INT_CODES,
    MIN_ROWS_FOR_ID,
    SAMPLE,
    TEXT_MEAN_LENGTH,
    infer_semantic,
    looks_like_id_name,
)

__all__ = [
    "SEMANTIC_TYPES", "ColumnSchema", "apply_overrides", "infer_column", "infer_schema", "infer_schema_table",
]

# The rules themselves live in core.modeling.columns, so the model reads a column the way this
# step describes it; they are re-exported here under their old names.
SAMPLE_ROWS = 50_000        # rows examined by infer_schema_table


def infer_column(
    s: pd.Series,
    name: str | None = None,
    *,
    n_unique: int | None = None,
    n_rows: int | None = None,
    n_valid: int | None = None,
) -> ColumnSchema:
    """Infer the semantic type of one column (the rules: :func:`core.modeling.columns.infer_semantic`).

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
    semantic, flags = infer_semantic(s, name, n_unique=n_unique, n_rows=n_rows, n_valid=n_valid)
    return ColumnSchema(name, str(s.dtype), semantic, flags=flags)


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
