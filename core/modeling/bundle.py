"""Models that predict from raw rows: the one-artifact bundle and how it is trained.

A :class:`ModelBundle` is everything a later step needs to use a trained model: the
:class:`Preprocessor` that turns raw columns into model features (categoricals, missing
values, datetime parts, dropped text/ID columns, column order and dtypes), the fitted
estimator, the task, the class labels in their original form, the learner name and its
configuration, and the input schema. It is stored as one artifact (``to_bytes``).

The preprocessing lives in :mod:`core.modeling.preprocessing` and the learners (FLAML's estimator
classes, some adjusted, with their seeds in the config so a recorded ``(learner, config)``
pair refits to the same model) in :mod:`core.experiments.learners`; both are re-exported here, and
models pickled before the split still load.

Example:
    >>> pre, X, y, classes = prepare_training_data(train_df, "churned", "binary")
    >>> bundle = fit_prepared(pre, X, y, classes, target="churned", task="binary",
    ...                       learner="lgbm", config={"n_estimators": 50}, seed=0)
    >>> bundle.predict(raw_rows)
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.errors import InvalidInput
from core.modeling.preprocessing import Preprocessor

__all__ = ["FORMAT", "TASKS", "ModelBundle"]

FORMAT = "mlcycle-model/1"
TASKS = ("binary", "multiclass", "regression")


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
