"""What a column's values mean: the one rule set every step uses.

The data step shows a column's meaning as its semantic type (:mod:`core.data.semantic`
calls :func:`infer_semantic`, and the user may override it); derive operations read
true/false words by :data:`TRUE_WORDS` and :data:`FALSE_WORDS`; the model's
:class:`~core.modeling.preprocessing.Preprocessor` turns each semantic type into a feature
kind with :func:`feature_kind`. So a column the Data page calls categorical, an ID or
boolean is exactly that in a model, and a user's override reaches the model too.

This module sits in :mod:`core.modeling`, which imports nothing of ``core`` but
:mod:`core.errors`, so every step may import it. Only :func:`infer_semantic` needs
pyarrow, imported when it runs, so loading a model never does.

Example:
    >>> infer_semantic(pd.Series(["yes", "no", "yes"]), "churned")
    ('boolean', ())
    >>> feature_kind("id")
    (None, "an ID column (semantic type 'id')")
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np
import pandas as pd

from core.errors import InvalidInput

__all__ = [
    "BOOLEAN_PAIRS", "FALSE_WORDS", "FEATURE_KINDS", "IMAGE_EXTENSIONS", "TRUE_WORDS", "feature_kind",
    "infer_kind", "infer_semantic", "looks_like_id_name",
]

# What each semantic type (core.data.entities.SEMANTIC_TYPES) becomes in a model.
FEATURE_KINDS = ("numeric", "boolean", "categorical", "datetime")
NOT_FEATURES = {
    "id": "an ID column (semantic type 'id')",
    "text": "free text (semantic type 'text')",
    "image_path": "image file paths (semantic type 'image_path')",
}

# Two values that read as one of these (true, false) pairs make a boolean column.
BOOLEAN_WORD_PAIRS: tuple[tuple[str, str], ...] = (
    ("yes", "no"), ("y", "n"), ("true", "false"), ("t", "f"), ("1", "0"),
    ("1.0", "0.0"), ("on", "off"), ("예", "아니오"), ("네", "아니오"), ("o", "x"),
)
BOOLEAN_PAIRS = frozenset(frozenset(pair) for pair in BOOLEAN_WORD_PAIRS)
# Every word read as true or false (a cast to bool, a boolean feature), lower case.
TRUE_WORDS = frozenset(t for t, _ in BOOLEAN_WORD_PAIRS)
FALSE_WORDS = frozenset(f for _, f in BOOLEAN_WORD_PAIRS) | {"아니요"}

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp")
MAX_CATEGORIES = 50          # at most this many distinct strings: categorical
MAX_INT_CODES = 10           # small-int codes with at most this many distinct values
TEXT_MEAN_LENGTH = 40        # strings this long on average are free text
SAMPLE = 20_000              # distinct values examined by the pattern checks
MIN_ROWS_FOR_ID = 20         # fewer rows than this: uniqueness says little

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


def feature_kind(semantic: str) -> tuple[str | None, str]:
    """Return the feature kind a semantic type becomes in a model, or why it is left out.

    Args:
        semantic: one of ``numeric``, ``categorical``, ``boolean``, ``datetime`` (used as they
            are), ``id``, ``text`` or ``image_path`` (left out).

    Returns:
        ``(kind, "")`` or ``(None, reason)``.

    Raises:
        InvalidInput: if ``semantic`` is not a semantic type.
    """
    if semantic in FEATURE_KINDS:
        return semantic, ""
    if semantic in NOT_FEATURES:
        return None, NOT_FEATURES[semantic]
    raise InvalidInput(f"'{semantic}' is not a semantic type.",
                       hint=f"Use one of: {', '.join(FEATURE_KINDS + tuple(NOT_FEATURES))}.")


def infer_kind(name: str, s: pd.Series) -> tuple[str | None, str]:
    """Return the feature kind of a column that has no semantic type yet (inferred by :func:`infer_semantic`).

    Args:
        name: the column name (key-like names hint at IDs).
        s: the column's values.

    Returns:
        ``(kind, "")``, or ``(None, reason)`` for empty, duration, ID, free-text and image-path columns.
    """
    if s.dropna().empty:
        return None, "empty (no values)"
    if pd.api.types.is_timedelta64_dtype(s.dtype):
        return None, "durations are not supported yet"
    semantic, flags = infer_semantic(s, name)
    if "all_missing" in flags:
        return None, "empty (no values)"
    return feature_kind(semantic)


# ---------------------------------------------------------------- semantic types


def infer_semantic(
    s: pd.Series,
    name: str | None = None,
    *,
    n_unique: int | None = None,
    n_rows: int | None = None,
    n_valid: int | None = None,
) -> tuple[str, tuple[str, ...]]:
    """Infer the semantic type of one column from its values and its name.

    Heuristics, in order: bool and datetime dtypes map directly; two values that read
    as yes/no, true/false or 0/1 (:data:`BOOLEAN_PAIRS`) are ``boolean``; strings ending
    in an image extension are ``image_path``; parseable date strings are ``datetime``;
    key-like names (``*_id``) or one distinct integer/string code per row are ``id``; few
    distinct strings or small-integer codes are ``categorical``; long or mostly distinct
    strings are ``text``; other numbers are ``numeric``. Distinct values are examined (a
    deterministic sample of them when there are many), so this stays fast on a million rows.

    Args:
        s: the column's values (any pandas dtype), possibly an evenly spaced sample.
        name: the column name (defaults to ``s.name``).
        n_unique: distinct non-null values counted over the full column (when ``s`` is a sample).
        n_rows: rows in the full column (when ``s`` is a sample).
        n_valid: non-null values in the full column (when ``s`` is a sample).

    Returns:
        ``(semantic, flags)``; flags are ``all_missing``, ``constant`` and ``mixed_types``
        (numbers and text in one column, kept as text).
    """
    name = str(s.name if name is None else name)
    nn = s.dropna()
    n = len(s) if n_rows is None else n_rows
    k = len(nn) if n_valid is None else n_valid
    flags: list[str] = []
    if k == 0 or len(nn) == 0:
        return ("numeric" if pd.api.types.is_numeric_dtype(s.dtype) else "text"), ("all_missing",)
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
    return semantic, tuple(flags)


def _distinct_strings(values: pd.Series) -> Any:
    """Distinct non-null values as an Arrow string array (a deterministic sample when many)."""
    import pyarrow as pa

    uniq = pd.unique(values)
    if values.dtype == object:
        arr = pa.array([v if isinstance(v, str) else str(v) for v in uniq], type=pa.string())
    else:
        arr = pa.array(uniq, type=pa.string(), from_pandas=True)
    if len(arr) > SAMPLE:
        arr = arr.take(pa.array(np.linspace(0, len(arr) - 1, SAMPLE).astype(np.int64)))
    return arr


def _share(mask: Any) -> float:
    """Share of true values in a boolean Arrow array (0 when empty)."""
    import pyarrow as pa
    import pyarrow.compute as pc

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


def _string_semantic(values: pd.Series, name: str, k: int, n: int, n_unique: int, flags: list[str]) -> str:
    """Classify a column of strings (or of mixed Python objects turned into strings)."""
    import pyarrow.compute as pc

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
