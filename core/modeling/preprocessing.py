"""Raw columns to model features, and targets to labels: the first half of a model.

A :class:`Preprocessor` is fitted on the training rows and stored inside the model
(:class:`core.modeling.ModelBundle`), so a model predicts from raw rows: it fixes each
column's kind (numeric, boolean, categorical, datetime parts, or dropped as text/ID),
its fill values and category levels, and the feature names and order. A column's kind
follows its semantic type (given, e.g. a dataset version's, overrides included; or inferred
by the same rules, :mod:`core.modeling.columns`).
:func:`encode_target` turns a target column into the labels a learner trains on.

Example:
    >>> pre = Preprocessor.fit(train_df.drop(columns="churned"))
    >>> X = pre.transform(raw_rows)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.errors import InvalidInput
from core.modeling.columns import FALSE_WORDS, TRUE_WORDS, feature_kind, infer_kind

TASKS = ("binary", "multiclass", "regression")
MISSING = "__missing__"
OTHER = "__other__"
_BAD_NAME_CHARS = re.compile(r'[\[\]{}<>":,\'\\\s]+')


# ---------------------------------------------------------------- preprocessing

@dataclass(frozen=True)
class ColumnSpec:
    """How one raw column becomes model features.

    Attributes:
        name: the raw column name.
        kind: ``numeric``, ``boolean``, ``categorical`` or ``datetime``.
        dtype: the column's pandas dtype in the training data.
        features: the model features made from it, in model order.
        categories: the allowed values of a categorical column (plus ``__other__`` and
            ``__missing__``, which unseen and empty values become).
        fill: the value that fills a missing numeric feature (train median).
        parts: the datetime parts made (``year``, ``month``, ...).
        missing_indicator: the 0/1 feature that marks a missing value, if the column had any.
    """

    name: str
    kind: str
    dtype: str
    features: tuple[str, ...]
    categories: tuple[str, ...] = ()
    fill: dict[str, float] = field(default_factory=dict)
    parts: tuple[str, ...] = ()
    missing_indicator: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON-ready input schema entry of this column."""
        return {"name": self.name, "kind": self.kind, "dtype": self.dtype,
                "categories": [c for c in self.categories if c not in (MISSING, OTHER)],
                "features": list(self.features)}


class Preprocessor:
    """Turns a raw pandas frame into the model's feature frame, the same way at fit and predict.

    Each column's kind comes from its semantic type (:func:`core.modeling.columns.feature_kind`):
    the one given in ``semantic`` (a dataset version's, the user's overrides included), else
    the one the same rules infer from the values. Numeric and boolean columns become floats
    (missing values filled with the train median, plus a ``<col>__missing`` 0/1 feature when
    the training data had gaps); categorical columns become pandas categoricals with a fixed
    category list; datetimes become numeric parts; ID, free-text, image-path, empty and
    constant columns are dropped.

    Example:
        >>> pre = Preprocessor(semantic={"store": "categorical"}).fit(train_df[["age", "store"]])
        >>> pre.transform(new_rows)          # extra columns are ignored
        >>> pre.feature_map                  # model feature -> raw column
    """

    def __init__(self, *, max_categories: int = 50, semantic: Mapping[str, str] | None = None) -> None:
        self.max_categories = max_categories
        self.semantic: dict[str, str] = {str(k): str(v) for k, v in (semantic or {}).items()}
        self.columns: list[ColumnSpec] = []
        self.dropped: dict[str, str] = {}

    # --- fit
    def fit(self, X: pd.DataFrame) -> Preprocessor:
        """Learn column kinds, categories and fill values from the training frame.

        Args:
            X: raw training features (no target column).

        Returns:
            This preprocessor.

        Raises:
            InvalidInput: if no column is usable as a feature, a semantic type is unknown, or a
                column's values do not fit its semantic type (text in a ``numeric`` column...).
        """
        self.columns, self.dropped, used = [], {}, set()
        for name in X.columns:
            spec = self._fit_column(str(name), X[name], used)
            if spec is not None:
                self.columns.append(spec)
        if not self.columns:
            reasons = "; ".join(f"'{k}': {v}" for k, v in self.dropped.items()) or "there are no columns"
            raise InvalidInput(f"No column can be used as a feature ({reasons}).",
                               hint="Add informative columns to the feature set.")
        return self

    def _fit_column(self, name: str, s: pd.Series, used: set[str]) -> ColumnSpec | None:
        semantic = self.semantic.get(name)
        if s.dropna().empty or (not pd.api.types.is_numeric_dtype(s.dtype) and as_text(s).dropna().empty):
            kind, reason = None, "empty (no values)"
        elif pd.api.types.is_timedelta64_dtype(s.dtype):
            kind, reason = None, "durations are not supported yet"
        elif semantic is None:
            kind, reason = infer_kind(name, s)
        else:
            kind, reason = feature_kind(semantic)
        if kind is None:
            self.dropped[name] = reason
            return None
        try:
            return self._fit_kind(name, s, kind, used)
        except InvalidInput as exc:
            why = f"Its semantic type is '{semantic}'." if semantic else f"Most of its values read as {kind}."
            raise InvalidInput(f"{exc} {why}", hint=f"Set the semantic type of '{name}' to what its values are "
                               f"(`mlcycle datasets types VERSION '{name}=TYPE'` or the Data page), "
                               "or fix the value.") from exc

    def _fit_kind(self, name: str, s: pd.Series, kind: str, used: set[str]) -> ColumnSpec | None:
        dtype = str(s.dtype)
        if kind == "categorical":
            values = as_text(s)
            counts = values.value_counts(dropna=True)
            if len(counts) <= 1 and not values.isna().any():
                self.dropped[name] = "constant (one value only)"
                return None
            counts = counts.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
            cats = tuple(str(c) for c in counts.index[: self.max_categories]) + (OTHER, MISSING)
            return ColumnSpec(name, kind, dtype, (_unique(_safe(name), used),), categories=cats)
        if kind == "datetime":
            when = _to_datetime(s, name)
            parts = ["month", "dayofweek"]
            if (when.dropna().dt.hour != 0).any() or (when.dropna().dt.minute != 0).any():
                parts.append("hour")
            parts.append("days")
            frame = _datetime_parts(when, parts)
            feats = tuple(_unique(f"{_safe(name)}__{p}", used) for p in parts)
            fill = {f: _median(frame[p]) for f, p in zip(feats, parts, strict=True)}
            ind = _unique(f"{_safe(name)}__missing", used) if when.isna().any() else None
            return ColumnSpec(name, kind, dtype, feats + ((ind,) if ind else ()), fill=fill,
                              parts=tuple(parts), missing_indicator=ind)
        num = _to_bool(s, name) if kind == "boolean" else _to_numeric(s, name)
        if num.nunique(dropna=True) <= 1 and not num.isna().any():
            self.dropped[name] = "constant (one value only)"
            return None
        feat = _unique(_safe(name), used)
        ind = _unique(f"{_safe(name)}__missing", used) if num.isna().any() else None
        return ColumnSpec(name, kind, dtype, (feat,) + ((ind,) if ind else ()),
                          fill={feat: _median(num)}, missing_indicator=ind)

    # --- transform
    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Turn raw rows into model features.

        Args:
            X: raw rows with (at least) the input columns; extra columns are ignored.

        Returns:
            The model feature frame, columns in :attr:`feature_names_out` order.

        Raises:
            InvalidInput: naming the column, if a required column is missing or holds values
                of the wrong type.
        """
        self.check_columns(X)
        out: dict[str, Any] = {}
        for spec in self.columns:
            s = X[spec.name]
            if spec.kind == "categorical":
                values = as_text(s)
                known = values.isin(spec.categories[:-2])
                values = values.where(known | values.isna(), OTHER).fillna(MISSING)
                out[spec.features[0]] = pd.Categorical(values.to_numpy(dtype=object), categories=list(spec.categories))
                continue
            if spec.kind == "datetime":
                when = _to_datetime(s, spec.name)
                frame = _datetime_parts(when, list(spec.parts))
                cols = [(f, frame[p]) for f, p in zip(spec.features, spec.parts, strict=False)]
                missing = when.isna()
            else:
                num = _to_bool(s, spec.name) if spec.kind == "boolean" else _to_numeric(s, spec.name)
                cols = [(spec.features[0], num)]
                missing = num.isna()
            for feat, values in cols:
                out[feat] = values.fillna(spec.fill[feat]).to_numpy(dtype=float)
            if spec.missing_indicator:
                out[spec.missing_indicator] = missing.to_numpy(dtype=float)
        return pd.DataFrame(out, index=X.index, columns=self.feature_names_out)

    def fit_transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Fit on ``X`` and return its model features (see :meth:`fit`, :meth:`transform`)."""
        return self.fit(X).transform(X)

    def check_columns(self, X: pd.DataFrame) -> None:
        """Raise ``InvalidInput`` naming every required column that ``X`` lacks.

        Raises:
            InvalidInput: if ``X`` is not a DataFrame or a required column is missing.
        """
        if not isinstance(X, pd.DataFrame):
            raise InvalidInput(f"Expected a table of rows (pandas DataFrame), got {type(X).__name__}.")
        missing = [c for c in self.input_columns if c not in X.columns]
        if missing:
            names = ", ".join(f"'{c}'" for c in missing)
            raise InvalidInput(f"Required column{'s' if len(missing) > 1 else ''} {names} "
                               f"{'are' if len(missing) > 1 else 'is'} missing from the input.",
                               hint=f"The model needs: {', '.join(self.input_columns)}.")

    # --- description
    @property
    def input_columns(self) -> list[str]:
        """Raw columns the model reads, in training order."""
        return [c.name for c in self.columns]

    @property
    def feature_names_out(self) -> list[str]:
        """Model feature names, in the order the estimator sees them."""
        return [f for c in self.columns for f in c.features]

    @property
    def feature_map(self) -> dict[str, str]:
        """Model feature name -> the raw column it was made from."""
        return {f: c.name for c in self.columns for f in c.features}

    def input_schema(self) -> list[dict[str, Any]]:
        """Return the input schema: one dict per raw column (name, kind, dtype, categories)."""
        return [c.as_dict() for c in self.columns]


def _safe(name: str) -> str:
    return _BAD_NAME_CHARS.sub("_", name).strip("_") or "col"


def _unique(name: str, used: set[str]) -> str:
    out, i = name, 1
    while out in used:
        i += 1
        out = f"{name}_{i}"
    used.add(out)
    return out


def _median(s: pd.Series) -> float:
    value = pd.to_numeric(s, errors="coerce").median()
    return 0.0 if pd.isna(value) else float(value)


def as_text(s: pd.Series) -> pd.Series:
    """Return values as stripped strings, so categories compare across dtypes.

    A float that is a whole number reads as an integer (``3.0`` -> ``"3"``), text is
    stripped, and missing or blank values become ``None``. Each distinct value is turned
    into text once (whole numbers all at once), not row by row.

    Args:
        s: any column.

    Returns:
        An object Series of strings, ``None`` where a value is missing or blank.
    """
    if s.dtype != object:
        return pd.Series(_typed_texts(s), index=s.index, dtype=object)
    texts = np.full(len(s), None, dtype=object)
    values = s.to_numpy()
    present = np.flatnonzero(pd.notna(values))
    if len(present):
        # values of different types can be equal (1 == 1.0 == True) yet read differently
        types = _TYPE_OF(values[present])
        first = _array([types[0]])  # compared as an object array: numpy reads a bare numpy type specially
        if (types == first).all():
            texts[present] = _texts_of(values[present], types[0])
        else:
            type_codes, kinds = pd.factorize(types)
            for code, kind in enumerate(kinds):
                where = present[type_codes == code]
                texts[where] = _texts_of(values[where], kind)
    return pd.Series(texts, index=s.index, dtype=object)


_TYPE_OF = np.frompyfunc(type, 1, 1)
# types whose equal values always read the same, so each distinct value is turned into text once
_BY_VALUE = frozenset({str, int, bool, np.bool_, np.float64, np.int8, np.int16, np.int32, np.int64,
                       np.uint8, np.uint16, np.uint32, np.uint64})


def _text(v: Any) -> str | None:
    """One present value as text; ``None`` if it is blank."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip() or None


def _texts_of(values: np.ndarray, kind: type) -> np.ndarray:
    """The text of each of ``values`` (an object array of present values, all of type ``kind``)."""
    if kind is float:
        return _float_texts(values.astype(np.float64))
    if kind in _BY_VALUE:
        codes, uniques = pd.factorize(values)
        return _array([_text(v) for v in uniques])[codes]
    return _array([_text(v) for v in values])


def _typed_texts(s: pd.Series) -> np.ndarray:
    """:func:`as_text` of a column with one dtype: each distinct value is turned into text once."""
    if s.dtype.kind == "c":  # 0j == -0j, yet they read differently
        return _array([None if pd.isna(v) else _text(v) for v in s.astype(object)])
    try:
        codes, _ = pd.factorize(s, use_na_sentinel=True)
    except TypeError:  # unhashable values (lists in an Arrow column)
        return _array([None if pd.isna(v) else _text(v) for v in s.astype(object)])
    codes = np.asarray(codes, dtype=np.intp)
    positions = np.flatnonzero(codes >= 0)
    _, first = np.unique(codes[positions], return_index=True)
    distinct = s.iloc[positions[first]]  # one row per distinct value, in code order
    if s.dtype.kind == "f":
        table = _float_texts(distinct.to_numpy(dtype=np.float64))
    elif s.dtype.kind in "iu":
        table = distinct.to_numpy(dtype=np.int64 if s.dtype.kind == "i" else np.uint64).astype(str).astype(object)
    else:
        table = _array([_text(v) for v in distinct.astype(object)])
    return np.append(table, _array([None]))[codes]  # code -1 (missing) picks the None


def _float_texts(values: np.ndarray) -> np.ndarray:
    """The text of float64 values (none missing); whole numbers are converted all at once."""
    out = np.empty(len(values), dtype=object)
    whole = np.isfinite(values) & (np.trunc(values) == values)
    small = whole & (np.abs(values) < 2.0 ** 63)
    out[small] = values[small].astype(np.int64).astype(str)
    out[whole & ~small] = [str(int(v)) for v in values[whole & ~small].tolist()]
    out[~whole] = [repr(v) for v in values[~whole].tolist()]
    return out


def _array(items: list[Any]) -> np.ndarray:
    """A 1-D object array of ``items`` (never a 2-D one, whatever they are)."""
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _parse_dates(s: pd.Series) -> pd.Series:
    try:
        out = pd.to_datetime(s, errors="coerce", format="mixed", utc=True)
    except (ValueError, TypeError, OverflowError):
        return pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    return out.dt.tz_localize(None)


def _bad_value(s: pd.Series, bad: pd.Series, name: str, expected: str) -> InvalidInput:
    row = bad[bad].index[0]
    return InvalidInput(f"Column '{name}' must hold {expected}; row {row!r} has {s[row]!r}.",
                        hint=f"Fix the value, or leave it empty; '{name}' was {expected} in the training data.")


def _to_numeric(s: pd.Series, name: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype(float)
    if pd.api.types.is_numeric_dtype(s.dtype):
        out = s.astype(float)
        return out.where(np.isfinite(out))
    text = as_text(s)
    out = pd.to_numeric(text, errors="coerce")
    bad = text.notna() & out.isna()
    if bad.any():
        raise _bad_value(s, bad, name, "numbers")
    out = out.astype(float)
    return out.where(np.isfinite(out))


def _to_bool(s: pd.Series, name: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype(float)
    text = as_text(s).str.lower()
    out = pd.Series(np.nan, index=s.index)
    out[text.isin(TRUE_WORDS)] = 1.0
    out[text.isin(FALSE_WORDS)] = 0.0
    bad = text.notna() & out.isna()
    if bad.any():
        raise _bad_value(s, bad, name, "true/false values")
    return out


def _to_datetime(s: pd.Series, name: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        if getattr(s.dt, "tz", None) is not None:
            return s.dt.tz_convert("UTC").dt.tz_localize(None)
        return s
    text = as_text(s)
    out = _parse_dates(text)
    bad = text.notna() & out.isna()
    if bad.any():
        raise _bad_value(s, bad, name, "dates")
    return out


def _datetime_parts(when: pd.Series, parts: list[str]) -> pd.DataFrame:
    frame = {}
    for p in parts:
        if p == "days":
            frame[p] = (when - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)
        else:
            frame[p] = getattr(when.dt, p).astype(float)
    return pd.DataFrame(frame, index=when.index)


# ---------------------------------------------------------------- target

def encode_target(y: pd.Series, task: str, classes: list[Any] | None = None) -> tuple[np.ndarray, list[Any] | None]:
    """Return the target as model labels: class codes ``0..k-1`` or floats.

    Args:
        y: the target column with no missing values.
        task: ``binary``, ``multiclass`` or ``regression``.
        classes: the class labels in code order; inferred (sorted) when ``None``.

    Returns:
        ``(labels, classes)``; ``classes`` is ``None`` for regression.

    Raises:
        InvalidInput: if a regression target is not numeric.
    """
    if task == "regression":
        values = pd.to_numeric(y, errors="coerce") if not pd.api.types.is_numeric_dtype(y.dtype) else y
        if values.isna().any():
            bad = y[values.isna()].iloc[0]
            raise InvalidInput(f"The target '{y.name}' holds text ({bad!r}), so it cannot be a regression target.",
                               hint="Choose a numeric target, or set the task to classification.")
        return values.to_numpy(dtype=float), None
    if classes is None:
        classes = sorted_labels(y.unique().tolist())
    index = {c: i for i, c in enumerate(classes)}
    codes = y.map(index)
    if codes.isna().any():
        raise InvalidInput(f"The target '{y.name}' has a class not seen in training: {y[codes.isna()].iloc[0]!r}.")
    return codes.to_numpy(dtype=int), classes


def sorted_labels(values: list[Any]) -> list[Any]:
    """Return class labels as plain Python values in a stable order.

    Args:
        values: the distinct labels (NumPy scalars are converted).

    Returns:
        The labels sorted, or sorted by their text when they do not compare.
    """
    values = [v.item() if isinstance(v, np.generic) else v for v in values]
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)
