"""The model format: a trained model that predicts from raw rows, stored without pickle.

A :class:`ModelBundle` is everything a later step needs to use a trained model: the
:class:`Preprocessor` that turns raw columns into model features (categoricals, missing
values, datetime parts, dropped text/ID columns, column order and dtypes), the fitted
native estimator (:class:`~core.modeling.native.NativeModel`), the task, the class labels
in their original form, the learner name and its configuration, and the input schema.

It is stored as one artifact (``to_bytes``, format ``mlcycle-model/2``): a ZIP archive with

- ``model.json``: the format, task, target, classes, learner, config, seed, threads,
  package versions, the preprocessor (column specs, category levels, fill values) and the
  input schema;
- the estimator in its own library's format (LightGBM model text, XGBoost UBJSON, or
  ``skops`` for scikit-learn, loaded with an explicit list of trusted types).

Loading runs no code from the file and needs only numpy, pandas, scikit-learn (with
skops), lightgbm and xgboost. Models saved before (``mlcycle-model/1``, pickles) are
refused with a pointer to ``mlcycle models migrate``, which rewrites them once.

Example:
    >>> bundle = ModelBundle.from_bytes(blob)
    >>> bundle.predict(raw_rows), bundle.predict_proba(raw_rows)
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from core.errors import InvalidInput
from core.modeling.native import NativeModel
from core.modeling.preprocessing import ColumnSpec, Preprocessor

__all__ = ["FORMAT", "LEGACY_FORMAT", "TASKS", "ModelBundle", "is_legacy_model"]

FORMAT = "mlcycle-model/2"
LEGACY_FORMAT = "mlcycle-model/1"
TASKS = ("binary", "multiclass", "regression")
META_FILE = "model.json"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same model always has the same bytes


@dataclass
class ModelBundle:
    """A trained model that predicts from raw rows; stored as one artifact.

    Attributes:
        preprocessor: raw columns -> model features.
        estimator: the fitted native estimator and how to feed it (:class:`NativeModel`).
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
    estimator: NativeModel
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
        """The underlying fitted model (a LightGBM booster, XGBoost model or scikit-learn estimator)."""
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
        return self.estimator.prepare(self.transform(raw))

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
                "versions": dict(self.versions), "estimator": self.estimator.describe()}

    def to_bytes(self) -> bytes:
        """Serialize the model into one ZIP archive: ``model.json`` and the estimator's own file.

        Raises:
            InvalidInput: if the metadata (class labels, config) cannot be written as JSON.
        """
        meta = self.describe()
        meta["preprocessor"] = _preprocessor_to_json(self.preprocessor)
        try:
            meta_bytes = json.dumps(meta, ensure_ascii=False, indent=1, allow_nan=True).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"The model's metadata cannot be stored as JSON: {exc}.") from exc
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data in ((META_FILE, meta_bytes), (self.estimator.file_name, self.estimator.to_bytes())):
                info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> ModelBundle:
        """Load a model written by :meth:`to_bytes`, running no code from the file.

        Raises:
            InvalidInput: naming what is wrong: a model in the old pickle format (with how to
                migrate it), bytes that are not an MLCycle model, a format from a newer
                version, a missing library, or an estimator that does not load.
        """
        if is_legacy_model(blob):
            raise InvalidInput(
                f"This model is in the old pickle format ({LEGACY_FORMAT}), which MLCycle no longer "
                "loads on the fly: opening a pickle runs code from the file.",
                hint="If you trust this workspace, rewrite its models once with `mlcycle models migrate`.")
        try:
            with zipfile.ZipFile(io.BytesIO(blob)) as zf:
                names = set(zf.namelist())
                if META_FILE not in names:
                    raise InvalidInput(f"This archive is not an MLCycle model: it has no {META_FILE}.")
                meta = json.loads(zf.read(META_FILE).decode("utf-8"))
                fmt = meta.get("format")
                if fmt != FORMAT:
                    raise InvalidInput(f"This model is in format '{fmt}', which this MLCycle does not read.",
                                       hint=f"It reads {FORMAT}; open the model with the version that wrote it.")
                est_meta = meta.get("estimator") or {}
                if est_meta.get("file") not in names:
                    raise InvalidInput(f"This model's estimator file '{est_meta.get('file')}' is missing.",
                                       hint="The file is damaged; export the model again.")
                est_bytes = zf.read(est_meta["file"])
        except zipfile.BadZipFile as exc:
            raise InvalidInput(f"These bytes are not an MLCycle model (not a model archive: {exc}).",
                               hint=f"A model file is a ZIP archive in format {FORMAT}.") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidInput(f"This model's {META_FILE} is not valid JSON: {exc}.",
                               hint="The file is damaged; export the model again.") from exc
        versions = dict(meta.get("versions") or {})
        estimator = NativeModel.from_bytes(est_meta, est_bytes, meta.get("task", ""), versions)
        try:
            return cls(_preprocessor_from_json(meta["preprocessor"]), estimator, meta["task"], meta["target"],
                       meta.get("classes"), meta["learner"], dict(meta.get("config") or {}), int(meta["seed"]),
                       int(meta.get("n_jobs") or 1), int(meta.get("n_train_rows") or 0), versions)
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"This model's {META_FILE} lacks or garbles '{exc}'.",
                               hint="The file is damaged; export the model again.") from exc


def is_legacy_model(blob: bytes) -> bool:
    """Whether ``blob`` looks like a model saved before the pickle-free format (a joblib pickle)."""
    # joblib compressed with zlib starts with a zlib header (0x78); a plain pickle with PROTO (0x80).
    return bool(blob) and not blob.startswith(b"PK") and blob[:1] in (b"\x78", b"\x80")


def _preprocessor_to_json(pre: Preprocessor) -> dict[str, Any]:
    columns = []
    for spec in pre.columns:
        entry = {f.name: getattr(spec, f.name) for f in fields(spec)}
        for key in ("features", "categories", "parts"):
            entry[key] = list(entry[key])
        columns.append(entry)
    return {"max_categories": pre.max_categories, "columns": columns, "dropped": dict(pre.dropped)}


def _preprocessor_from_json(data: dict[str, Any]) -> Preprocessor:
    pre = Preprocessor(max_categories=int(data.get("max_categories", 50)))
    pre.columns = [ColumnSpec(name=c["name"], kind=c["kind"], dtype=c["dtype"], features=tuple(c["features"]),
                              categories=tuple(c.get("categories") or ()), fill=dict(c.get("fill") or {}),
                              parts=tuple(c.get("parts") or ()), missing_indicator=c.get("missing_indicator"))
                   for c in data["columns"]]
    pre.dropped = dict(data.get("dropped") or {})
    return pre
