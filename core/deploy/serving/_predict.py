"""Raw rows to predictions: a NumPy fast path for tree models, the model's own DataFrame path otherwise.

The server receives rows as plain Python values, column by column (``{column: [values]}``).
:class:`Predictor` turns them into predictions exactly as ``ModelBundle.predict_proba`` and
``ModelBundle.predict`` do on a DataFrame of the same rows:

- the fast path (LightGBM, XGBoost, scikit-learn forests and histogram boosting) writes the model
  features straight into one float64 matrix by the preprocessor's own rules: a category's code in
  the column's fixed category list (text stripped, numbers read as ``as_text`` reads them, unseen
  values as ``__other__``, gaps as ``__missing__``), numbers and true/false words as floats, gaps and
  infinities filled with the training median and marked in the missing-indicator feature, datetime
  parts of ISO 8601 text computed as pandas computes them (other text parsed by the preprocessor's
  own functions). A few rows are written value by value, more column by column with NumPy. The
  matrix goes to the native model as the model format would feed it (:class:`_FastPath`);
- anything the fast path is not sure of (text in a numeric column, a value that is neither a
  number, text, true/false nor null, an integer too large for a float to hold exactly, a value
  the preprocessor refuses) goes down the DataFrame path, which answers the same or raises the
  model's own :class:`~core.errors.InvalidInput` naming the column. So do linear pipelines, kNN,
  SVMs and SGD, whose encoders work on the DataFrame.

It leans on ``core.modeling``'s private ``_to_datetime``/``_datetime_parts`` (the bundle ships the
same copy) and on the libraries' own ways of predicting; exact equality with the DataFrame path is
tested for every learner, for one row, a few and many (``tests/unit/test_serving.py``).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import math
import re
import threading
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.errors import InvalidInput
from core.modeling import MISSING, OTHER, ModelBundle
from core.modeling.columns import FALSE_WORDS, TRUE_WORDS
from core.modeling.preprocessing import _datetime_parts, _to_datetime

# Integers at least this large may not be exactly a float: the DataFrame path decides what they mean.
_EXACT_INT = 2 ** 53
_NUMBER_TYPES = frozenset({int, float, type(None)})
# scikit-learn estimators fed category codes whose predictions depend on the feature values only
_SKLEARN_TREES = frozenset({
    "RandomForestClassifier", "RandomForestRegressor", "ExtraTreesClassifier", "ExtraTreesRegressor",
    "HistGradientBoostingClassifier", "HistGradientBoostingRegressor",
})


@dataclass
class Prediction:
    """What the model answers for a batch of rows.

    Attributes:
        predictions: class labels in their original form, or numbers (regression).
        probabilities: one row of class probabilities per input row (classifiers), else ``None``.
        fast: whether the NumPy fast path made them.
    """

    predictions: list[Any]
    probabilities: np.ndarray | None
    fast: bool


class Predictor:
    """Predicts from columns of raw values, with the fast path when the model allows it.

    Example:
        >>> predictor = Predictor(bundle)
        >>> predictor.predict({"age": [41], "plan": ["pro"]}, 1).predictions
        ['yes']
    """

    def __init__(self, bundle: ModelBundle, threads: int = 1) -> None:
        self.bundle = bundle
        self.threads = threads
        self.fast = _FastPath.build(bundle, threads)

    @property
    def path(self) -> str:
        """``numpy`` when the fast path applies to this model, else ``dataframe``."""
        return "numpy" if self.fast is not None else "dataframe"

    def predict(self, columns: dict[str, list[Any]], n_rows: int, frame: pd.DataFrame | None = None) -> Prediction:
        """Predict ``n_rows`` rows given as ``{input column: values}``.

        Args:
            columns: every input column's values (lists of ``n_rows`` JSON values).
            n_rows: the number of rows.
            frame: the rows as a DataFrame already (CSV), used by the DataFrame path.

        Raises:
            InvalidInput: naming the column, if a value has the wrong type.
        """
        matrix = self.fast.matrix(columns, n_rows) if self.fast is not None else None
        if matrix is not None:
            return self._answer(*self.fast.run(matrix), fast=True)
        if frame is None:
            _check_scalars(columns)
            frame = pd.DataFrame(columns, columns=list(columns), index=pd.RangeIndex(n_rows))
        bundle = self.bundle
        if not bundle.is_classifier:
            return self._answer(np.asarray(bundle.predict(frame), dtype=float), None, fast=False)
        return self._answer(None, bundle.predict_proba(frame), fast=False)

    def _answer(self, values: np.ndarray | None, proba: np.ndarray | None, *, fast: bool) -> Prediction:
        if proba is None:
            return Prediction(values.tolist(), None, fast)
        classes = self.bundle.classes
        return Prediction([classes[i] for i in np.argmax(proba, axis=1).tolist()], proba, fast)


_UNSURE = object()  # a value a lookup could not place
_SCALARS = frozenset({str, int, float, bool, type(None)})
_KINDS = {dict: "an object", list: "a list"}


def _check_scalars(columns: dict[str, list[Any]]) -> None:
    """Refuse a value that is a list or an object (the preprocessor would read it as text)."""
    for name, values in columns.items():
        if set(map(type, values)) <= _SCALARS:
            continue
        row = next(i for i, v in enumerate(values) if type(v) not in _SCALARS)
        what = _KINDS.get(type(values[row]), type(values[row]).__name__)
        raise InvalidInput(f"Column '{name}' row {row} holds {what}; a value must be a number, text, "
                           "true/false or null.")


class _FastPath:
    """Model features written straight into a float64 matrix, and the native model that scores it.

    ``score(X)`` returns ``(values, None)`` for a regressor and ``(None, probabilities)`` for a
    classifier, computed as the model format computes them from the feature frame:

    - LightGBM: ``Booster.predict`` on the matrix (LightGBM turns a frame's categoricals into these
      very codes, then into a float matrix), and up to :data:`ROW_BY_ROW` rows one by one with
      LightGBM's single-row predictor (:class:`_LightGBMRows`);
    - XGBoost: ``predict_proba``/``predict`` on the matrix (the frame it gets holds the same codes);
    - forests: each tree's prediction added up in the forest's order and divided by their number,
      as the forest does (without its joblib dispatch, which costs more than the trees for a row);
    - histogram boosting: ``predict_proba``/``predict`` on the matrix.

    LightGBM and XGBoost (whose model is set so) predict on ``threads`` threads (``MLCYCLE_THREADS``, default 1),
    not on every core of the host: a server's process shares its cores (the HTTP loop, other
    replicas, a container's CPU quota smaller than the host), and fanning each request out over all
    of them costs more than it saves. None of this changes a number: a row's prediction does not
    depend on the threads.
    """

    def __init__(self, bundle: ModelBundle, score: Any, score_rows: Any = None) -> None:
        self.width = len(bundle.feature_names)
        self._score, self._score_rows = score, score_rows or score
        position = {f: i for i, f in enumerate(bundle.feature_names)}
        self.writers = [_writer(spec, position) for spec in bundle.preprocessor.columns]
        self.row_writers = [(spec.name, _row_writer(spec)) for spec in bundle.preprocessor.columns]

    @classmethod
    def build(cls, bundle: ModelBundle, threads: int = 1) -> _FastPath | None:
        """The fast path for ``bundle``'s estimator, or ``None`` when it does not apply."""
        native = bundle.estimator
        classifier = bundle.is_classifier
        if native.family == "lightgbm":
            booster = native.model
            categories = [list(spec.categories) for spec in bundle.preprocessor.columns if spec.kind == "categorical"]
            trained = [list(c) for c in (getattr(booster, "pandas_categorical", None) or [])]
            if native.input != "frame" or trained != categories:
                return None  # the codes would not be the ones LightGBM makes from the categoricals
            predict = functools.partial(booster.predict, num_threads=threads)
            rows = _LightGBMRows.build(booster, len(bundle.feature_names), predict)
            return cls(bundle, _outputs(predict, classifier), _outputs(rows, classifier) if rows is not None else None)
        if native.input != "category_codes" or (classifier and native.proba != "predict_proba"):
            return None
        model = native.model
        method = "predict_proba" if classifier else "predict"
        if native.family == "xgboost":
            # the threads it predicts on (set on the model itself: a copy would double a large model's memory;
            # no prediction depends on them)
            model.get_booster().set_param({"nthread": threads})
            return cls(bundle, _outputs(getattr(model, method), classifier))
        name = type(model).__name__
        if name not in _SKLEARN_TREES:
            return None  # linear pipelines, kNN, SVMs, SGD: the DataFrame path
        if name.startswith("HistGradientBoosting"):
            model = copy.copy(model)
            # fed a matrix, scikit-learn would warn on every call that it was fitted with feature names
            model.__dict__.pop("feature_names_in_", None)
            return cls(bundle, _outputs(getattr(model, method), classifier))
        return cls(bundle, _forest(model, classifier))

    def matrix(self, columns: dict[str, list[Any]], n_rows: int) -> np.ndarray | None:
        """The model features of the rows, or ``None`` if a value needs the DataFrame path.

        A few rows are written value by value (Python floats, one array at the end); more rows
        column by column with NumPy. Both read each value by the same rules (the functions below).
        """
        if n_rows <= ROW_BY_ROW:
            rows = []
            for i in range(n_rows):
                features: list[float] = []
                for name, write in self.row_writers:
                    if not write(columns[name][i], features):
                        break
                else:
                    rows.append(features)
                    continue
                break
            else:
                return np.array(rows, dtype=np.float64)
        X = np.empty((n_rows, self.width), dtype=np.float64)
        for name, write in self.writers:
            if not write(columns[name], X):
                return None
        return X

    def run(self, X: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        """``(values, None)`` for a regressor, ``(None, probabilities)`` for a classifier."""
        return (self._score_rows if len(X) <= ROW_BY_ROW else self._score)(X)


ROW_BY_ROW = 8  # batches up to this many rows are written (and LightGBM scores them) value by value


def _outputs(predict: Any, classifier: bool) -> Any:
    """``score(X)`` from a model's own predict: values, or probabilities with two columns for binary."""
    def score(X: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        out = np.asarray(predict(X), dtype=float)
        if not classifier:
            return out, None
        return None, (np.column_stack([1 - out, out]) if out.ndim == 1 else out)

    return score


class _LightGBMRows:
    """LightGBM's single-row predictor (its C API's ``FastConfig``), row after row: the same trees and
    the same output transform as ``Booster.predict``, without its per-call set-up.

    It uses LightGBM's C API through ``lightgbm.basic`` (the library the bundle pins to the version the
    model was trained with). :meth:`build` checks it against ``Booster.predict`` on test rows and is
    ``None`` when anything differs or fails, so the booster's own predict is used instead.
    """

    def __init__(self, booster: Any, width: int) -> None:
        import ctypes

        from lightgbm.basic import _LIB, _c_str, _safe_call

        self._check = _safe_call
        self.booster = booster  # the predictor points into it: keep it alive
        self.width = width
        self.outputs = int(booster.num_model_per_iteration())
        handle = ctypes.c_void_p()
        _safe_call(_LIB.LGBM_BoosterPredictForMatSingleRowFastInit(
            booster._handle, ctypes.c_int(0), ctypes.c_int(0), ctypes.c_int(int(booster.best_iteration)),
            ctypes.c_int(1), ctypes.c_int32(width), _c_str("num_threads=1"), ctypes.byref(handle)))
        self.handle = handle
        weakref.finalize(self, _LIB.LGBM_FastConfigFree, handle)
        self._lock = threading.Lock()  # one row buffer, one answer buffer: one call at a time
        self._row, self._answer = np.empty(width, dtype=np.float64), np.empty(self.outputs, dtype=np.float64)
        self._call = functools.partial(_LIB.LGBM_BoosterPredictForMatSingleRowFast, handle,
                                       self._row.ctypes.data_as(ctypes.c_void_p),
                                       ctypes.byref(ctypes.c_int64(0)),
                                       self._answer.ctypes.data_as(ctypes.POINTER(ctypes.c_double)))

    @classmethod
    def build(cls, booster: Any, width: int, reference: Any) -> _LightGBMRows | None:
        """The single-row predictor, if it answers exactly as ``reference`` (``Booster.predict``) on test rows."""
        try:
            rows = cls(booster, width)
            rng = np.random.default_rng(0)
            X = np.vstack([np.zeros((1, width)), np.ones((1, width)), rng.normal(size=(6, width)) * 10,
                           rng.integers(0, 5, size=(8, width)).astype(np.float64)])
            if np.array_equal(rows(X), np.asarray(reference(X), dtype=float)):
                return rows
        except Exception:  # noqa: BLE001 - any doubt: Booster.predict
            return None
        return None

    def __call__(self, X: np.ndarray) -> np.ndarray:
        out = np.empty((len(X), self.outputs), dtype=np.float64)
        row, answer, call, check = self._row, self._answer, self._call, self._check
        with self._lock:
            for i in range(len(X)):
                row[:] = X[i]
                check(call())
                out[i] = answer
        return out[:, 0] if self.outputs == 1 else out


def _forest(forest: Any, classifier: bool) -> Any:
    """``score(X)`` of a scikit-learn forest: its trees' predictions summed in order, over their number."""
    trees = list(forest.estimators_)
    width = int(forest.n_classes_) if classifier else None

    def score(X: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        X32 = np.ascontiguousarray(X, dtype=np.float32)  # what the forest's own input check makes
        if classifier:
            proba = np.zeros((len(X32), width), dtype=np.float64)
            for tree in trees:
                proba += tree.predict_proba(X32, check_input=False)
            proba /= len(trees)
            return None, proba
        values = np.zeros(len(X32), dtype=np.float64)
        for tree in trees:
            values += tree.predict(X32, check_input=False)
        values /= len(trees)
        return values, None

    return score


# ---------------------------------------------------------------- one column into the matrix

def _writer(spec: Any, position: dict[str, int]) -> tuple[str, Any]:
    """``(column, write(values, X) -> bool)``: writes the column's features, False to fall back."""
    cols = [position[f] for f in spec.features]
    indicator = position[spec.missing_indicator] if spec.missing_indicator else None
    if spec.kind == "categorical":
        code = _coder(spec)
        # the common case, a category exactly as trained (or null), in one dict lookup
        exact = {c: float(i) for i, c in enumerate(spec.categories[:-2])}
        exact[None] = float(spec.categories.index(MISSING))
        exact_code = exact.get

        def write_categorical(values: list[Any], X: np.ndarray) -> bool:
            try:
                codes = [exact_code(v, _UNSURE) for v in values]
            except TypeError:  # a list or an object: the DataFrame path refuses it
                return False
            if _UNSURE in codes:
                for i, c in enumerate(codes):
                    if c is _UNSURE and (c := code(values[i])) is None:
                        return False
                    codes[i] = c
            X[:, cols[0]] = codes
            return True

        return spec.name, write_categorical

    if spec.kind == "datetime":
        name, parts = spec.name, list(spec.parts)
        fills = [spec.fill[f] for f in spec.features[:len(parts)]]

        def write_datetime(values: list[Any], X: np.ndarray) -> bool:
            found = _iso_parts(values, parts)
            if found is None:  # not all plain ISO 8601 text: the preprocessor's own parsing
                try:
                    when = _to_datetime(pd.Series(values, dtype=object), name)
                except InvalidInput:
                    return False  # the DataFrame path names the column and the row
                frame = _datetime_parts(when, parts)
                found = [frame[p].to_numpy(dtype=float) for p in parts], when.isna().to_numpy()
            columns, gaps = found
            for j, values_j, fill in zip(cols, columns, fills, strict=False):
                X[:, j] = np.where(gaps, fill, values_j)
            if indicator is not None:
                X[:, indicator] = gaps
            return True

        return spec.name, write_datetime

    fill = spec.fill[spec.features[0]]
    if spec.kind == "numeric":
        def convert(values: list[Any]) -> np.ndarray | None:
            return _numbers(values)
    else:
        def convert(values: list[Any]) -> np.ndarray | None:
            out = [_boolean(v) for v in values]
            return None if None in out else np.array(out, dtype=np.float64)

    def write_number(values: list[Any], X: np.ndarray) -> bool:
        arr = convert(values)
        if arr is None:
            return False
        gaps = ~np.isfinite(arr)  # the preprocessor reads infinities as gaps too
        arr[gaps] = fill
        X[:, cols[0]] = arr
        if indicator is not None:
            X[:, indicator] = gaps
        return True

    return spec.name, write_number


def _row_writer(spec: Any) -> Any:
    """``write(value, features) -> bool``: appends one value's features in model order, False to fall back."""
    has_indicator = spec.missing_indicator is not None
    if spec.kind == "categorical":
        code = _coder(spec)

        def write_code(v: Any, features: list[float]) -> bool:
            c = code(v)
            if c is None:
                return False
            features.append(c)
            return True

        return write_code

    if spec.kind == "datetime":
        parts = list(spec.parts)
        fills = [spec.fill[f] for f in spec.features[:len(parts)]]

        def write_when(v: Any, features: list[float]) -> bool:
            when = _iso_when(v)
            if when is None:
                return False
            if when is _GAP:
                features.extend(fills)
            else:
                features.extend(_part(when, p) for p in parts)
            if has_indicator:
                features.append(1.0 if when is _GAP else 0.0)
            return True

        return write_when

    fill = spec.fill[spec.features[0]]
    convert = _number if spec.kind == "numeric" else _boolean

    def write_value(v: Any, features: list[float]) -> bool:
        x = convert(v)
        if x is None:
            return False
        finite = math.isfinite(x)  # the preprocessor reads infinities as gaps too
        features.append(x if finite else fill)
        if has_indicator:
            features.append(0.0 if finite else 1.0)
        return True

    return write_value


# ---------------------------------------------------------------- one value, as the preprocessor reads it

def _number(v: Any) -> float | None:
    """A number (NaN for null); ``None`` for anything else (text, true/false, an integer too large)."""
    t = type(v)
    if t is float:
        return v
    if t is int:
        return float(v) if -_EXACT_INT < v < _EXACT_INT else None
    return math.nan if v is None else None


def _numbers(values: list[Any]) -> np.ndarray | None:
    """:func:`_number` of every value, as one array (NumPy converts numbers as ``float()`` does)."""
    types = set(map(type, values))
    if not types <= _NUMBER_TYPES:
        return None
    try:
        arr = np.array(values, dtype=np.float64)
    except (OverflowError, TypeError, ValueError):
        return None
    if int in types and bool((np.abs(arr) >= _EXACT_INT).any()):
        return None
    return arr


def _boolean(v: Any) -> float | None:
    """true/false and the true/false words as 1.0/0.0, NaN for a gap; ``None`` for a value that is neither."""
    t = type(v)
    if t is bool:
        return 1.0 if v else 0.0
    if v is None or (t is float and v != v):
        return math.nan
    text = _text(v, t)
    if text is None:
        return None
    if not text:
        return math.nan
    text = text.lower()
    if text in TRUE_WORDS:
        return 1.0
    return 0.0 if text in FALSE_WORDS else None


def _coder(spec: Any) -> Any:
    """``code(value)``: a value's code in a categorical column's categories (unseen values: ``__other__``,
    gaps: ``__missing__``), as a float; ``None`` for a value the DataFrame path must read."""
    known = {c: float(i) for i, c in enumerate(spec.categories[:-2])}
    other, missing = float(spec.categories.index(OTHER)), float(spec.categories.index(MISSING))

    def code(v: Any) -> float | None:
        t = type(v)
        if v is None or (t is float and v != v):
            return missing
        text = _text(v, t)
        if text is None:
            return None
        return known.get(text, other) if text else missing

    return code


def _text(v: Any, t: type) -> str | None:
    """A present JSON value as the preprocessor reads it (``core.modeling.as_text``), stripped; ``None``
    for a value the fast path leaves to the DataFrame path (lists, objects, integers too large)."""
    if t is str:
        return v.strip()
    if t is float:
        return str(int(v)) if v.is_integer() else repr(v)
    if t is bool:
        return "True" if v else "False"
    if t is int and -_EXACT_INT < v < _EXACT_INT:
        return str(v)
    return None


# Plain ISO 8601 date-times (at most microseconds, a zone as Z or +hh:mm): pandas reads them at microsecond
# resolution (core.modeling's parsing gives datetime64[us]), so their parts can be computed here exactly.
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?")
_ISO_PLAIN = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?")  # without a zone
_EPOCH = dt.datetime(1970, 1, 1)
_ONE_US = dt.timedelta(microseconds=1)
_US_PER_DAY = 86_400_000_000.0
_LAST_EXACT_US = 2 ** 53  # microseconds a float holds exactly (1685 to 2255)
_GAP = dt.datetime(1, 1, 1)  # a gap (compared by identity)


def _iso_when(v: Any) -> tuple[dt.datetime, int] | dt.datetime | None:
    """``(UTC wall time, microseconds since 1970)`` of an ISO 8601 text, :data:`_GAP` for a gap, or
    ``None`` for anything else (a number, another format, more than microseconds, a year out of range):
    the preprocessor's own parsing decides those."""
    t = type(v)
    if v is None or (t is float and v != v):
        return _GAP
    if t is not str:
        return None
    text = v.strip()
    if not text:
        return _GAP
    if _ISO.fullmatch(text) is None:
        return None
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is not None:  # pandas reads it with utc=True, then drops the zone
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    us = (when - _EPOCH) // _ONE_US
    if not -_LAST_EXACT_US < us < _LAST_EXACT_US:
        return None
    return when, us


def _part(when: tuple[dt.datetime, int], part: str) -> float:
    """One datetime part as ``core.modeling``'s ``_datetime_parts`` makes it (``days``: one float
    division of microseconds, as pandas divides two ``timedelta64[us]`` values)."""
    moment, us = when
    if part == "month":
        return float(moment.month)
    if part == "dayofweek":
        return float(moment.weekday())
    if part == "hour":
        return float(moment.hour)
    if part == "days":
        return float(us) / _US_PER_DAY
    raise KeyError(part)


def _iso_parts(values: list[Any], parts: list[str]) -> tuple[list[np.ndarray], np.ndarray] | None:
    """The parts of a column of ISO 8601 texts and where its gaps are; ``None`` if a value is not one.

    Each text is read by :func:`_iso_when`; the parts come from the microseconds all at once, by
    integer arithmetic (whole months, days and hours since 1970, floored) and the one float division
    of ``days``, the same numbers :func:`_part` gives for one value.
    """
    if not set(parts) <= _PARTS:
        return None
    n = len(values)
    gaps = np.zeros(n, dtype=bool)
    texts = []
    for i, v in enumerate(values):
        t = type(v)
        if t is str:
            text = v.strip()
            if text:
                texts.append(text)
                continue
        elif v is not None and not (t is float and v != v):
            return None
        gaps[i] = True
        texts.append("NaT")  # numpy's gap, for the texts read all at once below
    plain = _ISO_PLAIN.fullmatch
    if all(plain(text) for text, gap in zip(texts, gaps.tolist(), strict=True) if not gap):
        try:  # no zones: numpy reads these ISO 8601 texts as pandas does (it refuses the same bad dates)
            us = np.array(texts, dtype="datetime64[us]").view(np.int64)
        except ValueError:
            return None
        us = np.where(gaps, 0, us)
        if bool((np.abs(us) >= _LAST_EXACT_US).any()):
            return None
    else:
        us = np.zeros(n, dtype=np.int64)
        for i, v in enumerate(values):
            found = _iso_when(v)
            if found is None:
                return None
            if found is not _GAP:
                us[i] = found[1]
    moments = us.astype("datetime64[us]")
    columns = []
    for part in parts:
        if part == "month":
            column = (moments.astype("datetime64[M]").astype(np.int64) % 12 + 1).astype(np.float64)
        elif part == "dayofweek":
            column = ((moments.astype("datetime64[D]").astype(np.int64) + 3) % 7).astype(np.float64)  # 1970-01-01: a Thursday
        elif part == "hour":
            column = (us // 3_600_000_000 % 24).astype(np.float64)
        else:
            column = us.astype(np.float64) / _US_PER_DAY
        column[gaps] = np.nan
        columns.append(column)
    return columns, gaps


_PARTS = frozenset({"month", "dayofweek", "hour", "days"})
