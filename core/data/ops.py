"""Operations that make a derived dataset version: pure functions, an Arrow table in, a table out.

:func:`core.data.datasets.derive_version` and :func:`core.data.datasets.split_version` store what
these return; nothing here touches the store. Filters are a small declarative spec
(column, operator, value) evaluated with Arrow kernels, never ``DataFrame.query`` or
``eval``, so no user text is ever executed.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.errors import InvalidInput, NotFound
from core.modeling.columns import FALSE_WORDS, TRUE_WORDS  # the true/false words every step reads

OPERATIONS = ("drop_columns", "rename_columns", "filter_rows", "cast_columns", "deduplicate")
OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "in", "not_in", "is_null", "not_null",
             "contains", "startswith", "endswith")
CAST_TARGETS: dict[str, pa.DataType] = {
    "int": pa.int64(), "int64": pa.int64(), "integer": pa.int64(),
    "float": pa.float64(), "float64": pa.float64(), "double": pa.float64(), "number": pa.float64(),
    "string": pa.string(), "str": pa.string(), "text": pa.string(),
    "bool": pa.bool_(), "boolean": pa.bool_(),
    "datetime": pa.timestamp("us"), "timestamp": pa.timestamp("us"), "date": pa.timestamp("us"),
    "category": pa.string(), "categorical": pa.string(),  # stored as text; the version marks it categorical
}
CATEGORY_TARGETS = frozenset({"category", "categorical"})
_COMPARE = {"==": pc.equal, "!=": pc.not_equal, "<": pc.less, "<=": pc.less_equal,
            ">": pc.greater, ">=": pc.greater_equal}

Result = tuple[pa.Table, dict[str, Any], dict[str, str], set[str]]


def apply_operation(table: pa.Table, op: Mapping[str, Any], label: str) -> Result:
    """Apply one derive operation.

    Args:
        table: the parent version's table.
        op: ``{"op": name, ...arguments}`` (see :func:`core.data.datasets.derive_version`).
        label: the parent's label, for messages.

    Returns:
        ``(table, record, renamed, recast)``: the new table; the operation as stored
        (arguments plus a ``summary`` sentence); old-to-new column names; and the
        columns whose storage type changed.

    Raises:
        InvalidInput: unknown operation or bad arguments.
        NotFound: a column that does not exist.
    """
    kind = op.get("op")
    handlers = {"drop_columns": _drop, "rename_columns": _rename, "filter_rows": _filter,
                "cast_columns": _cast_columns, "deduplicate": _deduplicate}
    if kind not in handlers:
        raise InvalidInput(f"'{kind}' is not a dataset operation.", hint=f"Use one of: {', '.join(OPERATIONS)}.")
    return handlers[kind](table, op, label)


def _columns(table: pa.Table, names: Any, label: str, what: str) -> list[str]:
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list | tuple) or not names or not all(isinstance(n, str) for n in names):
        raise InvalidInput(f"'{what}' needs a list of column names.", hint='E.g. {"columns": ["age", "city"]}.')
    missing = [n for n in names if n not in table.column_names]
    if missing:
        raise NotFound(f"{label} has no column(s) {', '.join(repr(n) for n in missing)}.",
                       hint=f"Columns are: {', '.join(table.column_names)}.")
    return list(dict.fromkeys(names))


def _plural(n: int, noun: str) -> str:
    """``1 column``, ``3 columns`` (English summaries that the CLI prints and the activity feed shows)."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _drop(table: pa.Table, op: Mapping[str, Any], label: str) -> Result:
    cols = _columns(table, op.get("columns"), label, "drop_columns")
    if len(cols) == table.num_columns:
        raise InvalidInput("Dropping every column would leave an empty table.", hint="Keep at least one column.")
    record = {"op": "drop_columns", "columns": cols,
              "summary": f"dropped {_plural(len(cols), 'column')}: {', '.join(cols)}"}
    return table.drop_columns(cols), record, {}, set()


def _rename(table: pa.Table, op: Mapping[str, Any], label: str) -> Result:
    mapping = op.get("mapping", op.get("columns"))
    if not isinstance(mapping, Mapping) or not mapping:
        raise InvalidInput("'rename_columns' needs a mapping of old to new names.",
                           hint='E.g. {"mapping": {"cust id": "customer_id"}}.')
    _columns(table, list(mapping), label, "rename_columns")
    clean = {str(k): " ".join(str(v).split()) for k, v in mapping.items()}
    blank = [k for k, v in clean.items() if not v]
    if blank:
        raise InvalidInput(f"The new name for '{blank[0]}' is blank.", hint="Give every renamed column a name.")
    names = [clean.get(n, n) for n in table.column_names]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InvalidInput(f"Renaming would give two columns the name {', '.join(repr(d) for d in dupes)}.",
                           hint="Choose names that are not already taken.")
    changes = {k: v for k, v in clean.items() if k != v}
    record = {"op": "rename_columns", "mapping": changes,
              "summary": "renamed " + ", ".join(f"{k} -> {v}" for k, v in changes.items())}
    return table.rename_columns(names), record, changes, set()


# ----------------------------------------------------------------------------- filter


def _scalar(value: Any, col: pa.ChunkedArray, name: str) -> pa.Scalar:
    """Turn a user value into a scalar of the column's type (or explain why it cannot be)."""
    t = col.type
    try:
        if pa.types.is_null(t):
            raise ValueError("the column is empty")
        if pa.types.is_timestamp(t):
            return pa.scalar(pd.Timestamp(value).to_pydatetime(), type=pa.timestamp("us", tz=t.tz)).cast(t)
        if pa.types.is_boolean(t):
            return pa.scalar(_to_bool(value))
        if pa.types.is_integer(t) or pa.types.is_floating(t):
            number = float(value)
            return pa.scalar(number if pa.types.is_floating(t) or not number.is_integer() else int(number))
        if pa.types.is_string(t):
            return pa.scalar(str(value), type=pa.string())
        return pa.scalar(value).cast(t)
    except (ValueError, TypeError, pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InvalidInput(f"The value {value!r} cannot be compared with column '{name}' ({t}): {exc}.",
                           hint="Give a value of the column's type (a number, text, true/false or a date).") from exc


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError("expected true or false")


def _condition(table: pa.Table, cond: Any, label: str) -> tuple[pa.ChunkedArray, str]:
    if not isinstance(cond, Mapping) or "column" not in cond or "operator" not in cond:
        raise InvalidInput("Each filter condition needs 'column', 'operator' and (usually) 'value'.",
                           hint='E.g. {"column": "age", "operator": ">=", "value": 18}.')
    name, operator, value = cond["column"], cond["operator"], cond.get("value")
    _columns(table, [name], label, "filter_rows")
    if operator not in OPERATORS:
        raise InvalidInput(f"'{operator}' is not a filter operator.", hint=f"Use one of: {', '.join(OPERATORS)}.")
    col = table.column(name)
    if operator == "is_null":
        return pc.is_null(col), f"{name} is missing"
    if operator == "not_null":
        return pc.is_valid(col), f"{name} is present"
    if operator in ("contains", "startswith", "endswith"):
        if not pa.types.is_string(col.type):
            raise InvalidInput(f"'{operator}' works on text columns; '{name}' is {col.type}.",
                               hint="Use a comparison such as == or >= instead.")
        fn = {"contains": pc.match_substring, "startswith": pc.starts_with, "endswith": pc.ends_with}[operator]
        return fn(col, pattern=str(value)), f"{name} {operator} {value!r}"
    if operator in ("in", "not_in"):
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]  # "a, b" from a text box
        if not isinstance(value, list | tuple) or not value:
            raise InvalidInput(f"'{operator}' needs a list of values.",
                               hint='E.g. {"value": ["a", "b"]} or the text "a, b".')
        values = pa.array([_scalar(v, col, name).as_py() for v in value], type=col.type)
        mask = pc.is_in(col, value_set=values)
        if operator == "not_in":
            mask = pc.and_(pc.invert(mask), pc.is_valid(col))
        return mask, f"{name} {operator.replace('_', ' ')} {list(value)!r}"
    return _COMPARE[operator](col, _scalar(value, col, name)), f"{name} {operator} {value!r}"


def _filter(table: pa.Table, op: Mapping[str, Any], label: str) -> Result:
    conditions = op.get("conditions")
    if isinstance(conditions, Mapping):
        conditions = [conditions]
    if not isinstance(conditions, list | tuple) or not conditions:
        raise InvalidInput("'filter_rows' needs a list of conditions.",
                           hint='E.g. {"conditions": [{"column": "age", "operator": ">=", "value": 18}]}.')
    combine = op.get("combine", "and")
    if combine not in ("and", "or"):
        raise InvalidInput(f"'combine' must be 'and' or 'or', not {combine!r}.", hint="Use 'and' or 'or'.")
    mask, words = None, []
    for cond in conditions:
        m, text = _condition(table, cond, label)
        m = pc.fill_null(m, False)
        words.append(text)
        mask = m if mask is None else (pc.and_(mask, m) if combine == "and" else pc.or_(mask, m))
    kept = table.filter(mask)
    where = f" {combine} ".join(words)
    if kept.num_rows == 0:
        raise InvalidInput(f"No rows of {label} match: {where}.", hint="Loosen the filter.")
    if kept.num_rows == table.num_rows:
        raise InvalidInput(f"Every row of {label} matches: {where}; the filter would change nothing.",
                           hint="Check the column and value.")
    record = {"op": "filter_rows", "conditions": [dict(c) for c in conditions], "combine": combine,
              "summary": f"kept rows where {where} ({kept.num_rows:,} of {table.num_rows:,})"}
    return kept, record, {}, set()


# ------------------------------------------------------------------------------- cast


def _first_bad(original: pa.ChunkedArray, converted: pa.ChunkedArray | pa.Array) -> Any:
    bad = pc.and_(pc.is_valid(original), pc.is_null(converted))
    idx = pc.indices_nonzero(bad)
    return original.take(idx.slice(0, 1)).to_pylist()[0] if len(idx) else None


def _cast_error(name: str, target: str, value: Any, label: str) -> InvalidInput:
    return InvalidInput(f"Column '{name}' of {label} cannot become {target}: the value {value!r} does not convert.",
                        hint="Filter those rows out or fix the data first, or keep the column as it is.")


def cast_column(col: pa.ChunkedArray, target: str, name: str, label: str = "the table") -> pa.ChunkedArray:
    """Convert one column to ``int``, ``float``, ``string``, ``bool`` or ``datetime``.

    Text is trimmed first; ``bool`` accepts true/false, yes/no, 1/0 (and 예/아니오);
    ``datetime`` accepts ISO dates and what pandas can parse; ``category`` stores text
    (the caller marks the column categorical).

    Args:
        col: the column.
        target: the type name (see :data:`CAST_TARGETS`).
        name: the column name, for messages.
        label: the version label, for messages.

    Returns:
        The converted column.

    Raises:
        InvalidInput: an unknown target, or a value that does not convert (named).
    """
    if target not in CAST_TARGETS:
        raise InvalidInput(f"'{target}' is not a type to convert to (column '{name}').",
                           hint="Use int, float, string, bool, datetime or category; for other meanings "
                                "(id, text...), set the semantic type instead.")
    to = CAST_TARGETS[target]
    if col.type == to:
        return col
    if pa.types.is_null(col.type):
        return pa.chunked_array([pa.nulls(len(col), to)])
    src = pc.utf8_trim_whitespace(col) if pa.types.is_string(col.type) else col
    if pa.types.is_string(to):
        if pa.types.is_timestamp(col.type):
            return pc.strftime(col, format="%Y-%m-%d %H:%M:%S")
        return pc.cast(col, to)
    if pa.types.is_boolean(to):
        if pa.types.is_string(col.type):
            lower = pc.utf8_lower(src)
            out = pc.if_else(pc.is_in(lower, value_set=pa.array(sorted(TRUE_WORDS))), True,
                             pc.if_else(pc.is_in(lower, value_set=pa.array(sorted(FALSE_WORDS))), False, None))
        elif pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
            out = pc.if_else(pc.equal(col, 1), True, pc.if_else(pc.equal(col, 0), False, None))
        else:
            raise _cast_error(name, target, col.type, label)
        bad = _first_bad(col, out)
        if bad is not None:
            raise _cast_error(name, target, bad, label)
        return out
    if pa.types.is_timestamp(to):
        if not pa.types.is_string(col.type):
            raise InvalidInput(f"Column '{name}' holds {col.type}, which cannot become a date.",
                               hint="Only text columns can be converted to datetime.")
        try:
            return pc.cast(pc.replace_substring(src, " ", "T", max_replacements=1), to)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed = pd.to_datetime(pd.Series(src.to_pylist(), dtype=object), errors="coerce", format="mixed")
            out = pa.array(parsed.astype("datetime64[us]"), type=to, from_pandas=True)
            bad = _first_bad(col, out)
            if bad is not None:
                raise _cast_error(name, target, bad, label) from None
            return pa.chunked_array([out])
    if pa.types.is_timestamp(col.type):
        raise InvalidInput(f"Column '{name}' holds dates, which cannot become {target}.",
                           hint="Derive a numeric feature from the date in your own code instead.")
    if pa.types.is_integer(to) and pa.types.is_floating(col.type):
        fractional = pc.and_(pc.is_valid(col), pc.not_equal(pc.floor(col), col))
        idx = pc.indices_nonzero(pc.fill_null(fractional, False))
        if len(idx):
            raise _cast_error(name, target, col.take(idx.slice(0, 1)).to_pylist()[0], label)
    try:
        return pc.cast(src, to, safe=not pa.types.is_floating(col.type))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pattern = r"^[+-]?\d+$" if pa.types.is_integer(to) else r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^(?i:nan|inf)$"
        ok = pc.match_substring_regex(src, pattern) if pa.types.is_string(col.type) else pc.is_valid(src)
        bad = pc.indices_nonzero(pc.and_(pc.is_valid(src), pc.invert(pc.fill_null(ok, True))))
        value = col.take(bad.slice(0, 1)).to_pylist()[0] if len(bad) else "(a value out of range)"
        raise _cast_error(name, target, value, label) from None


def _cast_columns(table: pa.Table, op: Mapping[str, Any], label: str) -> Result:
    types = op.get("types", op.get("columns"))
    if not isinstance(types, Mapping) or not types:
        raise InvalidInput("'cast_columns' needs a mapping of column to type.", hint='E.g. {"types": {"age": "float"}}.')
    _columns(table, list(types), label, "cast_columns")
    changed = {}
    for name, target in types.items():
        before = table.column(name)
        after = cast_column(before, str(target), name, label)
        if after.type != before.type or str(target) in CATEGORY_TARGETS:
            table = table.set_column(table.column_names.index(name), name, after)
            changed[name] = str(target)
    if not changed:
        raise InvalidInput("Every column already has the requested type; nothing to convert.",
                           hint="Pick another type, or set a semantic type instead.")
    record = {"op": "cast_columns", "types": changed,
              "summary": "converted " + ", ".join(f"{k} to {v}" for k, v in changed.items())}
    return table, record, {}, set(changed)


# ------------------------------------------------------------------------ deduplicate


def _deduplicate(table: pa.Table, op: Mapping[str, Any], label: str) -> Result:
    subset = op.get("subset") or table.column_names
    subset = _columns(table, subset, label, "deduplicate")
    keep = op.get("keep", "first")
    if keep not in ("first", "last"):
        raise InvalidInput(f"'keep' must be 'first' or 'last', not {keep!r}.", hint="Use 'first' or 'last'.")
    keys = [c for c in subset if not pa.types.is_null(table.schema.field(c).type)]
    n = table.num_rows
    if keys:
        row = "__mlcycle_row__"
        grouped = table.select(keys).append_column(row, pa.array(np.arange(n, dtype=np.int64))) \
            .group_by(keys, use_threads=False).aggregate([(row, "min" if keep == "first" else "max")])
        rows = np.sort(grouped.column(grouped.num_columns - 1).to_numpy())
    else:
        rows = np.array([0 if keep == "first" else n - 1])
    removed = n - len(rows)
    same = "" if subset == table.column_names else f" with the same {', '.join(subset)}"
    what = "rows" + same
    if removed == 0:
        raise InvalidInput(f"{label} has no duplicate {what}; nothing to remove.",
                           hint="Compare fewer columns (subset), or skip this step.")
    record = {"op": "deduplicate", "subset": None if subset == table.column_names else subset, "keep": keep,
              "summary": f"removed {_plural(removed, 'duplicate row')}{same} (kept the {keep})"}
    return table.take(pa.array(rows)), record, {}, set()


# ------------------------------------------------------------------------------ split


def stratified_split(n: int, labels: np.ndarray | None, *, test_size: float, seed: int,
                     label: str = "the table") -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Return sorted (train, test) row indices: seeded, stratified on ``labels`` when given.

    Each class contributes to the test part in proportion to its size (largest
    remainder, so the total is exact); a class with a single row stays in train.
    Numeric labels with more than 20 distinct values are stratified on deciles.

    Args:
        n: number of rows.
        labels: one label per row, or ``None`` for a plain shuffle split.
        test_size: a fraction in (0, 1) or a row count.
        seed: the random seed.
        label: the version label, for messages.

    Returns:
        ``(train_indices, test_indices, notes)``.

    Raises:
        InvalidInput: a bad ``test_size`` or too few rows.
    """
    if isinstance(test_size, bool) or not isinstance(test_size, int | float):
        raise InvalidInput(f"test_size must be a number, not {test_size!r}.", hint="Use e.g. 0.2.")
    n_test = round(n * test_size) if 0 < test_size < 1 else int(test_size)
    if not (isinstance(test_size, float) and 0 < test_size < 1) and not (isinstance(test_size, int) and test_size >= 1):
        raise InvalidInput(f"test_size {test_size!r} is neither a fraction in (0, 1) nor a row count.",
                           hint="Use e.g. 0.2 for 20% of the rows, or 100 for 100 rows.")
    if n_test < 1 or n - n_test < 1:
        raise InvalidInput(f"{label} has {n} rows; a test part of {test_size} leaves one side empty.",
                           hint="Use a test_size between 1 row and all rows but one.")
    rng = np.random.default_rng(seed)
    notes: list[str] = []
    if labels is None:
        perm = rng.permutation(n)
        return np.sort(perm[n_test:]), np.sort(perm[:n_test]), notes
    series = pd.Series(labels)
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series) and series.nunique() > 20:
        series = pd.qcut(series, 10, labels=False, duplicates="drop")
        notes.append("Stratified on deciles of the numeric target.")
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    counts = np.bincount(codes, minlength=len(uniques))
    quota = counts * n_test / n
    base = np.where(counts >= 2, np.minimum(np.floor(quota), counts - 1), 0).astype(int)
    spare = n_test - int(base.sum())
    order = np.argsort(-(quota - base), kind="stable")
    for k in order:
        if spare <= 0:
            break
        if counts[k] >= 2 and base[k] < counts[k] - 1:
            base[k] += 1
            spare -= 1
    singles = [str(uniques[k]) for k in range(len(uniques)) if counts[k] < 2]
    if singles:
        notes.append(f"Class(es) with a single row stay in train: {', '.join(singles[:10])}.")
    test: list[np.ndarray] = []
    for k in range(len(uniques)):
        idx = np.flatnonzero(codes == k)
        test.append(rng.permutation(idx)[: base[k]])
    test_idx = np.sort(np.concatenate(test)) if test else np.array([], dtype=np.int64)
    if len(test_idx) == 0:
        raise InvalidInput(f"{label} is too small to split stratified.", hint="Split without stratifying.")
    mask = np.ones(n, dtype=bool)
    mask[test_idx] = False
    return np.flatnonzero(mask), test_idx, notes
