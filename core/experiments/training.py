"""Training one model: raw rows to a fitted :class:`~core.modeling.ModelBundle`.

:func:`prepare_training_data` fits the preprocessor and encodes the target (the input of
both the search and every refit); :func:`fit_prepared` trains one learner with one config
on it, through the FLAML estimator classes of :mod:`core.experiments.learners`.

Example:
    >>> pre, X, y, classes = prepare_training_data(train_df, "churned", "binary", semantic={"store": "categorical"})
    >>> bundle = fit_prepared(pre, X, y, classes, target="churned", task="binary",
    ...                       learner="lgbm", config={"n_estimators": 50}, seed=0)
    >>> bundle.predict(raw_rows)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from core.errors import InvalidInput
from core.experiments.learners import LEARNERS, build_estimator, clean_config, to_native
from core.modeling import ModelBundle
from core.modeling.preprocessing import Preprocessor, as_text, encode_target

__all__ = ["fit_prepared", "prepare_training_data", "split_xy"]


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
        y = y.where(as_text(y).notna())
    keep = y.notna()
    return df.loc[keep, cols], y[keep]


def prepare_training_data(
    df: pd.DataFrame, target: str, task: str, feature_columns: list[str] | None = None,
    semantic: Mapping[str, str] | None = None,
) -> tuple[Preprocessor, pd.DataFrame, np.ndarray, list[Any] | None]:
    """Fit the preprocessor and encode the target: the input of both search and refit.

    Args:
        df: raw training rows including the target.
        target: the target column.
        task: ``binary``, ``multiclass`` or ``regression``.
        feature_columns: raw columns to use (all but the target when ``None``).
        semantic: each column's semantic type (a dataset version's, the user's overrides
            included), which decides its feature kind; columns not named are inferred.

    Returns:
        ``(preprocessor, model_features, labels, classes)``.

    Raises:
        InvalidInput: if a column is missing, no feature is usable, a column's values do not fit its
            semantic type, or the target does not fit the task.
    """
    X_raw, y = split_xy(df, target, feature_columns)
    labels, classes = encode_target(y, task)
    pre = Preprocessor(semantic=semantic)
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
    return ModelBundle(pre, to_native(learner, estimator), task, target, classes, learner, config, int(seed), int(n_jobs),
                       len(X), versions=_versions())


def _versions() -> dict[str, str]:
    from core.experiments.environment import installed_distribution

    out = {}
    for name in ("flaml", "scikit-learn", "skops", "lightgbm", "xgboost", "numpy", "pandas", "scipy"):
        found = installed_distribution(name)
        if found:
            out[found[0]] = found[1]
    return out
