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

__all__ = ["cross_val_proba", "fit_estimator", "fit_prepared", "prepare_training_data", "split_xy",
           "stratified_folds"]


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
    config = clean_config(config)
    estimator = fit_estimator(X, y, task=task, learner=learner, config=config, seed=seed, n_jobs=n_jobs)
    if LEARNERS[learner].seeded if learner in LEARNERS else False:
        config.setdefault("random_seed", int(seed))
    return ModelBundle(pre, to_native(learner, estimator), task, target, classes, learner, config, int(seed), int(n_jobs),
                       len(X), versions=_versions())


def fit_estimator(X: pd.DataFrame, y: np.ndarray, *, task: str, learner: str, config: dict[str, Any], seed: int,
                  n_jobs: int = 1) -> Any:
    """Fit one FLAML estimator (``learner`` with ``config``, seeded) on prepared data: what :func:`fit_prepared` wraps.

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
    return estimator


def stratified_folds(y: np.ndarray, n_splits: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Seeded stratified k folds of encoded class labels, as ``(train_rows, validation_rows)`` pairs.

    Fewer folds than ``n_splits`` when the smallest class has fewer rows (each fold's training rows
    keep every class); none when some class has a single row.
    """
    from sklearn.model_selection import StratifiedKFold

    counts = np.bincount(np.asarray(y, dtype=int))
    k = min(int(n_splits), int(counts[counts > 0].min())) if len(y) else 0
    if k < 2:
        return []
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=int(seed))
    return list(splitter.split(np.zeros(len(y)), y))


def cross_val_proba(X: pd.DataFrame, y: np.ndarray, folds: list[tuple[np.ndarray, np.ndarray]], *, task: str,
                    learner: str, config: dict[str, Any], seed: int, n_classes: int, n_jobs: int = 1) -> np.ndarray:
    """Out-of-fold class probabilities of one configuration: each fold's rows predicted by a fit on the others.

    Args:
        X: prepared features (:func:`prepare_training_data`).
        y: encoded class labels ``0..n_classes-1``.
        folds: ``(train_rows, validation_rows)`` pairs covering every row once (:func:`stratified_folds`).
        task: ``binary`` or ``multiclass``.
        learner, config, seed, n_jobs: as :func:`fit_estimator`.
        n_classes: the number of classes.

    Returns:
        An ``(n_rows, n_classes)`` array.

    Raises:
        InvalidInput: if the learner is unknown, not installed or does not fit the task.
    """
    proba = np.zeros((len(y), n_classes))
    for train_rows, val_rows in folds:
        estimator = fit_estimator(X.iloc[train_rows], y[train_rows], task=task, learner=learner, config=config,
                                  seed=seed, n_jobs=n_jobs)
        part = np.asarray(estimator.predict_proba(X.iloc[val_rows]), dtype=float)
        if part.ndim == 1:
            part = np.column_stack([1 - part, part])
        seen = np.unique(y[train_rows])  # a fold's classes: every class when the folds are stratified
        proba[np.ix_(val_rows, seen)] = part[:, :len(seen)]
    return proba


def _versions() -> dict[str, str]:
    from core.experiments.environment import installed_distribution

    out = {}
    for name in ("flaml", "scikit-learn", "skops", "lightgbm", "xgboost", "numpy", "pandas", "scipy"):
        found = installed_distribution(name)
        if found:
            out[found[0]] = found[1]
    return out
