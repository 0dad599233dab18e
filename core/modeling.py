"""Models that predict from raw rows: preprocessing, learners, and the one-artifact bundle.

A :class:`ModelBundle` is everything a later step needs to use a trained model: the
:class:`Preprocessor` that turns raw columns into model features (categoricals, missing
values, datetime parts, dropped text/ID columns, column order and dtypes), the fitted
estimator, the task, the class labels in their original form, the learner name and its
configuration, and the input schema. It is stored as one artifact (``to_bytes``).

The learners are FLAML's estimator classes, some of them adjusted (see ``LEARNERS``):
linear models standardize numeric features and one-hot encode categorical ones, LightGBM
trains deterministically, and every randomized learner takes its seed from the config, so
a recorded ``(learner, config)`` pair refits to the same model.

Example:
    >>> pre, X, y, classes = prepare_training_data(train_df, "churned", "binary")
    >>> bundle = fit_prepared(pre, X, y, classes, target="churned", task="binary",
    ...                       learner="lgbm", config={"n_estimators": 50}, seed=0)
    >>> bundle.predict(raw_rows)
"""

from __future__ import annotations

import io
import os
import re
import time
from dataclasses import dataclass, field
from typing import Any

# OpenMP threads (LightGBM, XGBoost) otherwise spin while they wait; on a busy machine
# (the app, a browser, other jobs) that makes a 2-thread trial up to 10x slower than 1 thread.
# Read when the OpenMP runtime loads, so it is set before FLAML imports the learners.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from flaml.automl.contrib.histgb import HistGradientBoostingEstimator  # noqa: E402
from flaml.automl.model import (  # noqa: E402
    ElasticNetEstimator,
    ExtraTreesEstimator,
    KNeighborsEstimator,
    LassoLarsEstimator,
    LGBMEstimator,
    LRL1Classifier,
    LRL2Classifier,
    RandomForestEstimator,
    SGDEstimator,
    SKLearnEstimator,
    SVCEstimator,
    XGBoostLimitDepthEstimator,
    XGBoostSklearnEstimator,
)
from flaml.tune import loguniform  # noqa: E402

from core.errors import InvalidInput  # noqa: E402

FORMAT = "mlcycle-model/1"
TASKS = ("binary", "multiclass", "regression")
MISSING = "__missing__"
OTHER = "__other__"
_BAD_NAME_CHARS = re.compile(r'[\[\]{}<>":,\'\\\s]+')
_ID_NAME = re.compile(r"(^|[_\s-])(id|uuid|guid|key)$", re.IGNORECASE)
_TRUE = {"true", "t", "yes", "y", "1", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "0.0"}


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

    Numeric and boolean columns become floats (missing values filled with the train median,
    plus a ``<col>__missing`` 0/1 feature when the training data had gaps); text columns with
    few distinct values become pandas categoricals with a fixed category list; datetimes
    become numeric parts; ID-like, free-text, empty and constant columns are dropped.

    Example:
        >>> pre = Preprocessor().fit(train_df[["age", "plan"]])
        >>> pre.transform(new_rows)          # extra columns are ignored
        >>> pre.feature_map                  # model feature -> raw column
    """

    def __init__(self, *, max_categories: int = 50) -> None:
        self.max_categories = max_categories
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
            InvalidInput: if no column is usable as a feature.
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
        kind, reason = _infer_kind(name, s)
        if kind is None:
            self.dropped[name] = reason
            return None
        dtype = str(s.dtype)
        if kind == "categorical":
            values = _as_text(s)
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
                values = _as_text(s)
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


def _as_text(s: pd.Series) -> pd.Series:
    """Values as stripped strings (``None`` for missing), so categories compare across dtypes."""
    obj = s.astype(object)
    mask = obj.notna()
    out = pd.Series([None] * len(obj), index=obj.index, dtype=object)
    if mask.any():
        out[mask] = [_text(v) for v in obj[mask]]
    out[out == ""] = None
    return out


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _infer_kind(name: str, s: pd.Series) -> tuple[str | None, str]:
    nonnull = s.dropna()
    if nonnull.empty:
        return None, "empty (no values)"
    if pd.api.types.is_bool_dtype(s.dtype):
        return "boolean", ""
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return "datetime", ""
    if pd.api.types.is_timedelta64_dtype(s.dtype):
        return None, "durations are not supported yet"
    if pd.api.types.is_numeric_dtype(s.dtype):
        if (_ID_NAME.search(name) and pd.api.types.is_integer_dtype(s.dtype)
                and nonnull.nunique() == len(nonnull) and len(nonnull) > 20):
            return None, "looks like an ID (unique integer per row)"
        return "numeric", ""
    values = _as_text(s).dropna()
    if values.empty:
        return None, "empty (no values)"
    lowered = set(values.str.lower().unique())
    if lowered <= _TRUE | _FALSE and len(lowered) == 2 and lowered & _TRUE and lowered & _FALSE:
        return "boolean", ""
    if pd.to_numeric(values, errors="coerce").notna().all():
        return "numeric", ""
    sample = values.iloc[:500]
    if sample.str.contains(r"\d").all() and sample.str.contains(r"[-/:.]").all():
        parsed = _parse_dates(sample)
        if parsed.notna().mean() >= 0.95:
            return "datetime", ""
    n_unique = values.nunique()
    if n_unique > 50 and n_unique >= 0.9 * len(values):
        return None, "identifier or free text (almost every value is unique)"
    if n_unique > 0.5 * len(values) and values.str.len().mean() > 50:
        return None, "free text (long, mostly unique values)"
    return "categorical", ""


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
    text = _as_text(s)
    out = pd.to_numeric(text, errors="coerce")
    bad = text.notna() & out.isna()
    if bad.any():
        raise _bad_value(s, bad, name, "numbers")
    out = out.astype(float)
    return out.where(np.isfinite(out))


def _to_bool(s: pd.Series, name: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype(float)
    text = _as_text(s).str.lower()
    out = pd.Series(np.nan, index=s.index)
    out[text.isin(_TRUE)] = 1.0
    out[text.isin(_FALSE)] = 0.0
    bad = text.notna() & out.isna()
    if bad.any():
        raise _bad_value(s, bad, name, "true/false values")
    return out


def _to_datetime(s: pd.Series, name: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        if getattr(s.dt, "tz", None) is not None:
            return s.dt.tz_convert("UTC").dt.tz_localize(None)
        return s
    text = _as_text(s)
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
        classes = _sorted_labels(y.unique().tolist())
    index = {c: i for i, c in enumerate(classes)}
    codes = y.map(index)
    if codes.isna().any():
        raise InvalidInput(f"The target '{y.name}' has a class not seen in training: {y[codes.isna()].iloc[0]!r}.")
    return codes.to_numpy(dtype=int), classes


def _sorted_labels(values: list[Any]) -> list[Any]:
    values = [v.item() if isinstance(v, np.generic) else v for v in values]
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


# ---------------------------------------------------------------- learners

def _linear_pipeline(X: Any, model: Any) -> Any:
    """Standardize numeric features and one-hot encode categorical ones in front of ``model``."""
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    if isinstance(X, pd.DataFrame):
        cats = [c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype)]
        nums = [c for c in X.columns if c not in cats]
        steps = [("num", StandardScaler(), nums)] if nums else []
        if cats:
            steps.append(("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), cats))
        encoder = ColumnTransformer(steps, sparse_threshold=0.0)
    else:
        encoder = StandardScaler()
    return Pipeline([("encode", encoder), ("model", model if model is not None else "passthrough")])


class _ScaledLinear:
    """Mixin for linear and distance learners: scaling and one-hot encoding live in the model."""

    limit_resource = False

    @classmethod
    def cost_relative2lgbm(cls) -> float:
        return 2.0

    def _preprocess(self, X: Any) -> Any:
        return X

    def _make_model(self, n_encoded: int) -> Any:
        return self.estimator_class(**self.params)

    def _fit(self, X_train: Any, y_train: Any, **kwargs: Any) -> float:
        start = time.time()
        pipe = _linear_pipeline(X_train, None)
        encoded = pipe[0].fit_transform(X_train)
        model = self._make_model(encoded.shape[1])
        weight = kwargs.get("sample_weight")
        model.fit(encoded, y_train, **({"sample_weight": weight} if weight is not None else {}))
        pipe.steps[-1] = ("model", model)
        self._model = pipe
        return time.time() - start


class ScaledLRL1(_ScaledLinear, LRL1Classifier):
    """Logistic regression, L1 penalty, on standardized / one-hot features."""

    @classmethod
    def cost_relative2lgbm(cls) -> float:
        return 8.0


class ScaledLRL2(_ScaledLinear, LRL2Classifier):
    """Logistic regression, L2 penalty, on standardized / one-hot features."""


class ScaledSVC(_ScaledLinear, SVCEstimator):
    """Linear SVM on standardized / one-hot features."""

    def predict_proba(self, X: Any, **kwargs: Any) -> np.ndarray:
        return self._model[-1]._predict_proba_lr(self._model[:-1].transform(X))


class _Unthreaded:
    """A scikit-learn learner with no ``n_jobs`` and no seed (deterministic, single-threaded)."""

    @classmethod
    def cost_relative2lgbm(cls) -> float:
        return 1.0

    def config2params(self, config: dict) -> dict:
        params = super().config2params(config)
        params.pop("n_jobs", None)
        params.pop("random_seed", None)
        return params


class RBFSVM(_Unthreaded, _ScaledLinear, SKLearnEstimator):
    """RBF-kernel support vector machine on standardized / one-hot features (small data only).

    ``gamma_scale`` multiplies scikit-learn's ``gamma="scale"`` (1 / number of encoded
    features on standardized data); probabilities are a softmax of the decision function.
    """

    @classmethod
    def search_space(cls, data_size: Any = None, task: Any = None, **params: Any) -> dict:
        return {"C": {"domain": loguniform(lower=1 / 32, upper=1024.0), "init_value": 1.0},
                "gamma_scale": {"domain": loguniform(lower=1 / 32, upper=32.0), "init_value": 1.0}}


    def __init__(self, task: Any = "binary", **config: Any) -> None:
        super().__init__(task, **config)
        from sklearn.svm import SVC

        assert self._task.is_classification(), "rbf_svm is for classification only"
        self.estimator_class = SVC

    def _make_model(self, n_encoded: int) -> Any:
        params = dict(self.params)
        scale = float(params.pop("gamma_scale", 1.0))
        return self.estimator_class(gamma=scale / max(1, n_encoded), **params)

    def predict_proba(self, X: Any, **kwargs: Any) -> np.ndarray:
        d = np.asarray(self._model.decision_function(X), dtype=float)
        if d.ndim == 1:
            p1 = 1.0 / (1.0 + np.exp(-d))
            return np.column_stack([1 - p1, p1])
        e = np.exp(d - d.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


class ScaledKNN(_ScaledLinear, KNeighborsEstimator):
    """k nearest neighbours on standardized / one-hot features."""

    @classmethod
    def cost_relative2lgbm(cls) -> float:
        return 1.0


class ScaledElasticNet(_ScaledLinear, ElasticNetEstimator):
    """Elastic net regression on standardized / one-hot features."""


class ScaledLassoLars(_ScaledLinear, LassoLarsEstimator):
    """Lasso (LARS) regression on standardized / one-hot features."""


class RidgeEstimator(_Unthreaded, _ScaledLinear, SKLearnEstimator):
    """Ridge regression on standardized / one-hot features (FLAML has no plain linear regressor)."""

    @classmethod
    def search_space(cls, data_size: Any = None, task: Any = None, **params: Any) -> dict:
        return {"alpha": {"domain": loguniform(lower=1e-4, upper=1e4), "init_value": 1.0}}


    def __init__(self, task: Any = "regression", **config: Any) -> None:
        super().__init__(task, **config)
        from sklearn.linear_model import Ridge

        assert self._task.is_regression(), "ridge is for regression only"
        self.estimator_class = Ridge


class _RecordTrainedRounds:
    """Mixin for boosters: when a time budget cuts training short, record the rounds really trained.

    FLAML stops a trial's booster when its time budget runs out but keeps the configured
    ``n_estimators`` in the trial config; the config then describes a bigger model than the
    one validated, and a refit would be slower and different. This writes the trained count back.
    """

    def fit(self, X_train: Any, y_train: Any, budget: float | None = None, free_mem_ratio: float = 0,
            **kwargs: Any) -> float:
        took = super().fit(X_train, y_train, budget, free_mem_ratio, **kwargs)
        trained = getattr(self._model, "n_estimators", None)
        if budget is not None and isinstance(trained, int | np.integer) and 0 < trained < self.params.get(
                self.ITER_HP, trained):
            self.params[self.ITER_HP] = int(trained)
        return took


class DeterministicLGBM(_RecordTrainedRounds, LGBMEstimator):
    """LightGBM that trains the same model for the same data, config, seed and threads."""

    def config2params(self, config: dict) -> dict:
        params = super().config2params(config)
        seed = params.pop("random_seed", None)
        params.setdefault("random_state", 0 if seed is None else int(seed))
        params.setdefault("deterministic", True)
        params.setdefault("force_col_wise", True)
        return params


class BudgetedXGBoost(_RecordTrainedRounds, XGBoostSklearnEstimator):
    """XGBoost (leaf-wise) that records the rounds it really trained."""


class BudgetedXGBoostLimitDepth(_RecordTrainedRounds, XGBoostLimitDepthEstimator):
    """XGBoost (depth-limited) that records the rounds it really trained."""


class SeededHistGB(HistGradientBoostingEstimator):
    """scikit-learn's histogram gradient boosting, seeded from the config."""

    def config2params(self, config: dict) -> dict:
        config = dict(config)
        seed = config.pop("random_seed", None)
        params = super().config2params(config)
        if seed is not None:
            params["random_state"] = int(seed)
        return params


@dataclass(frozen=True)
class Learner:
    """A learner the search can use.

    Attributes:
        name: FLAML's learner name (``lgbm``, ``lrl2``, ...).
        estimator_class: the FLAML estimator class that trains it.
        tasks: ``classification`` and/or ``regression``.
        description: one line for the experiment form.
        seeded: whether its config takes ``random_seed``.
        requires: a module that must be importable (optional extras such as catboost).
    """

    name: str
    estimator_class: type
    tasks: tuple[str, ...]
    description: str
    seeded: bool = True
    requires: str | None = None

    def supports(self, task: str) -> bool:
        """Whether this learner can be used for ``task`` (binary, multiclass or regression)."""
        return ("regression" if task == "regression" else "classification") in self.tasks

    def installed(self) -> bool:
        """Whether the packages this learner needs can be imported."""
        if not self.requires:
            return True
        import importlib.util

        return importlib.util.find_spec(self.requires) is not None


_BOTH = ("classification", "regression")
_CLS = ("classification",)
_REG = ("regression",)


def _catboost_class() -> type:
    from flaml.automl.model import CatBoostEstimator

    return CatBoostEstimator


LEARNERS: dict[str, Learner] = {
    learner.name: learner
    for learner in [
        Learner("lgbm", DeterministicLGBM, _BOTH, "LightGBM gradient-boosted trees"),
        Learner("xgboost", BudgetedXGBoost, _BOTH, "XGBoost, leaf-wise trees"),
        Learner("xgb_limitdepth", BudgetedXGBoostLimitDepth, _BOTH, "XGBoost, depth-limited trees"),
        Learner("rf", RandomForestEstimator, _BOTH, "random forest"),
        Learner("extra_tree", ExtraTreesEstimator, _BOTH, "extremely randomized trees"),
        Learner("histgb", SeededHistGB, _BOTH, "scikit-learn histogram gradient boosting"),
        Learner("lrl1", ScaledLRL1, _CLS, "logistic regression, L1 penalty (scaled features)"),
        Learner("lrl2", ScaledLRL2, _CLS, "logistic regression, L2 penalty (scaled features)"),
        Learner("rbf_svm", RBFSVM, _CLS, "RBF-kernel support vector machine (scaled features; small data)",
                seeded=False),
        Learner("svc", ScaledSVC, _CLS, "linear support vector machine (scaled features)", seeded=False),
        Learner("ridge", RidgeEstimator, _REG, "ridge linear regression (scaled features)", seeded=False),
        Learner("enet", ScaledElasticNet, _REG, "elastic net linear regression (scaled features)", seeded=False),
        Learner("lassolars", ScaledLassoLars, _REG, "lasso linear regression (scaled features)", seeded=False),
        Learner("kneighbor", ScaledKNN, _BOTH, "k nearest neighbours (scaled features)", seeded=False),
        Learner("sgd", SGDEstimator, _BOTH, "linear model trained by stochastic gradient descent"),
        Learner("catboost", type(None), _BOTH, "CatBoost gradient-boosted trees", seeded=False,
                requires="catboost"),
    ]
}


def learner_class(name: str) -> type:
    """Return the FLAML estimator class that trains learner ``name``.

    Raises:
        InvalidInput: if the learner is unknown or not installed.
    """
    learner = LEARNERS.get(name)
    if learner is None:
        raise InvalidInput(f"Unknown learner '{name}'.", hint=f"Use one of: {', '.join(LEARNERS)}.")
    if not learner.installed():
        raise InvalidInput(f"Learner '{name}' needs the package '{learner.requires}', which is not installed.",
                           hint=f"Install it with `pip install {learner.requires}`.")
    return _catboost_class() if name == "catboost" else learner.estimator_class


def clean_config(config: dict[str, Any]) -> dict[str, Any]:
    """Return a learner config as plain JSON values, without FLAML's bookkeeping keys."""
    config = dict(config.get("ml", config))
    for key in ("FLAML_sample_size", "learner", "_choice_"):
        config.pop(key, None)
    return {k: _plain(v) for k, v in config.items()}


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v


def build_estimator(learner: str, task: str, config: dict[str, Any], *, n_jobs: int = 1) -> Any:
    """Return an unfitted FLAML estimator for ``learner`` with ``config``.

    Raises:
        InvalidInput: if the learner is unknown, not installed or does not fit the task.
    """
    cls = learner_class(learner)
    if not LEARNERS[learner].supports(task):
        raise InvalidInput(f"Learner '{learner}' cannot be used for a {task} task.")
    return cls(task=task, n_jobs=n_jobs, **clean_config(config))


# ---------------------------------------------------------------- bundle

@dataclass
class ModelBundle:
    """A trained model that predicts from raw rows; stored as one artifact.

    Attributes:
        preprocessor: raw columns -> model features.
        estimator: the fitted FLAML estimator (``estimator.model`` is the native model).
        task: ``binary``, ``multiclass`` or ``regression``.
        target: the target column name.
        classes: class labels in their original form, in ``predict_proba`` column order.
        learner: the learner name.
        config: the learner's hyperparameters (JSON).
        seed: the seed the model was trained with.
        n_jobs: the threads it was trained with (refit with the same for identical models).
        n_train_rows: rows it learned from.
        versions: package versions at training time.

    Example:
        >>> bundle = ModelBundle.from_bytes(blob)
        >>> bundle.predict(rows), bundle.predict_proba(rows), bundle.input_schema
    """

    preprocessor: Preprocessor
    estimator: Any
    task: str
    target: str
    classes: list[Any] | None
    learner: str
    config: dict[str, Any]
    seed: int
    n_jobs: int
    n_train_rows: int
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def is_classifier(self) -> bool:
        """Whether the model predicts classes."""
        return self.task != "regression"

    @property
    def native_model(self) -> Any:
        """The underlying fitted model (a LightGBM/XGBoost/scikit-learn object or Pipeline)."""
        return self.estimator.model

    @property
    def input_schema(self) -> list[dict[str, Any]]:
        """One dict per raw input column: name, kind, dtype, allowed categories, features."""
        return self.preprocessor.input_schema()

    @property
    def input_columns(self) -> list[str]:
        """The raw columns the model needs."""
        return self.preprocessor.input_columns

    @property
    def feature_names(self) -> list[str]:
        """Model feature names, in model order."""
        return self.preprocessor.feature_names_out

    @property
    def feature_map(self) -> dict[str, str]:
        """Model feature -> raw column (to add up per-feature explanations per raw column)."""
        return self.preprocessor.feature_map

    def check_input(self, raw: pd.DataFrame) -> pd.DataFrame:
        """Validate raw rows and return them restricted to the input columns.

        Raises:
            InvalidInput: naming the column, if a column is missing or has values of the wrong type.
        """
        self.preprocessor.transform(raw)
        return raw[self.input_columns]

    def transform(self, raw: pd.DataFrame) -> pd.DataFrame:
        """Return the model features of raw rows (what ``estimator.predict`` takes).

        Raises:
            InvalidInput: naming the column, if a column is missing or has values of the wrong type.
        """
        return self.preprocessor.transform(raw)

    def native_input(self, raw: pd.DataFrame) -> Any:
        """Return raw rows as the native model sees them (after the learner's own encoding)."""
        return self.estimator.preprocess(self.transform(raw))

    def predict(self, raw: pd.DataFrame) -> np.ndarray:
        """Predict from raw rows: class labels in their original form, or numbers.

        Raises:
            InvalidInput: naming the column, if a column is missing or has values of the wrong type.
        """
        X = self.transform(raw)
        if not self.is_classifier:
            return np.asarray(self.estimator.predict(X), dtype=float)
        return self._labels(np.argmax(self._proba(X), axis=1))

    def predict_proba(self, raw: pd.DataFrame) -> np.ndarray:
        """Return class probabilities, one column per entry of :attr:`classes`.

        Raises:
            InvalidInput: if the model is a regressor, or a column is missing or malformed.
        """
        if not self.is_classifier:
            raise InvalidInput("A regression model has no class probabilities.", hint="Use predict().")
        return self._proba(self.transform(raw))

    def _proba(self, X: pd.DataFrame) -> np.ndarray:
        proba = np.asarray(self.estimator.predict_proba(X), dtype=float)
        if proba.ndim == 1:
            proba = np.column_stack([1 - proba, proba])
        return proba

    def _labels(self, codes: np.ndarray) -> np.ndarray:
        labels = np.empty(len(codes), dtype=object)
        labels[:] = [self.classes[int(i)] for i in codes]
        kinds = {type(c) for c in self.classes}
        return labels.astype(kinds.pop()) if len(kinds) == 1 and kinds <= {int, float, bool, str} else labels

    def describe(self) -> dict[str, Any]:
        """Return JSON-ready metadata: task, target, classes, learner, config, schema, features."""
        return {"format": FORMAT, "task": self.task, "target": self.target, "classes": self.classes,
                "learner": self.learner, "config": self.config, "seed": self.seed, "n_jobs": self.n_jobs,
                "n_train_rows": self.n_train_rows, "input_schema": self.input_schema,
                "dropped_columns": dict(self.preprocessor.dropped), "feature_map": self.feature_map,
                "versions": dict(self.versions)}

    def to_bytes(self) -> bytes:
        """Serialize the bundle (joblib, compressed) into one blob."""
        import joblib

        buf = io.BytesIO()
        joblib.dump({"format": FORMAT, "bundle": self}, buf, compress=3)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> ModelBundle:
        """Load a bundle written by :meth:`to_bytes`.

        Raises:
            InvalidInput: if the bytes are not an MLCycle model.
        """
        import joblib

        try:
            payload = joblib.load(io.BytesIO(blob))
        except Exception as exc:  # noqa: BLE001 - any unpickling failure means "not a model"
            raise InvalidInput(f"These bytes are not a readable MLCycle model ({type(exc).__name__}).") from exc
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            raise InvalidInput("These bytes are not an MLCycle model.", hint=f"Expected format {FORMAT}.")
        return payload["bundle"]


# ---------------------------------------------------------------- training

def split_xy(df: pd.DataFrame, target: str, feature_columns: list[str] | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """Return ``(X, y)`` with rows whose target is empty removed.

    Raises:
        InvalidInput: if the target or a feature column is missing.
    """
    if target not in df.columns:
        raise InvalidInput(f"The target column '{target}' is not in the data.",
                           hint=f"Choose one of: {', '.join(map(str, df.columns[:30]))}.")
    cols = [c for c in (feature_columns if feature_columns is not None else df.columns) if c != target]
    absent = [c for c in cols if c not in df.columns]
    if absent:
        raise InvalidInput(f"Feature column{'s' if len(absent) > 1 else ''} "
                           f"{', '.join(repr(c) for c in absent)} not in the data.",
                           hint="Edit the feature set.")
    y = df[target]
    if not pd.api.types.is_numeric_dtype(y.dtype):
        y = y.where(_as_text(y).notna())
    keep = y.notna()
    return df.loc[keep, cols], y[keep]


def prepare_training_data(
    df: pd.DataFrame, target: str, task: str, feature_columns: list[str] | None = None,
) -> tuple[Preprocessor, pd.DataFrame, np.ndarray, list[Any] | None]:
    """Fit the preprocessor and encode the target: the input of both search and refit.

    Args:
        df: raw training rows including the target.
        target: the target column.
        task: ``binary``, ``multiclass`` or ``regression``.
        feature_columns: raw columns to use (all but the target when ``None``).

    Returns:
        ``(preprocessor, model_features, labels, classes)``.

    Raises:
        InvalidInput: if a column is missing, no feature is usable, or the target does not fit the task.
    """
    X_raw, y = split_xy(df, target, feature_columns)
    labels, classes = encode_target(y, task)
    pre = Preprocessor()
    return pre, pre.fit_transform(X_raw), labels, classes


def fit_prepared(
    pre: Preprocessor, X: pd.DataFrame, y: np.ndarray, classes: list[Any] | None, *,
    target: str, task: str, learner: str, config: dict[str, Any], seed: int, n_jobs: int = 1,
) -> ModelBundle:
    """Fit ``learner`` with ``config`` on prepared data and wrap it as a :class:`ModelBundle`.

    Raises:
        InvalidInput: if the learner is unknown, not installed or does not fit the task.
    """
    import warnings

    config = clean_config(config)
    if LEARNERS[learner].seeded if learner in LEARNERS else False:
        config.setdefault("random_seed", int(seed))
    estimator = build_estimator(learner, task, config, n_jobs=n_jobs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimator.fit(X, y)
    return ModelBundle(pre, estimator, task, target, classes, learner, config, int(seed), int(n_jobs),
                       len(X), versions=_versions())


def _versions() -> dict[str, str]:
    from core.environment import installed_distribution

    out = {}
    for name in ("flaml", "scikit-learn", "lightgbm", "xgboost", "numpy", "pandas", "scipy"):
        found = installed_distribution(name)
        if found:
            out[found[0]] = found[1]
    return out
