"""Monitoring a model: its reference, batches of current data, drift reports, alerts and the loop back.

**Reference** (:func:`reference_for`): per-feature statistics of the model's training rows (its
experiment's training version: quantiles and a histogram for numeric columns, category shares
for categorical ones, missing rates) and its prediction distribution on the held-out rows,
stored in ``monitor_references``. It is computed on demand: the first report of a model
computes and stores it, later ones read it back (models made before the Monitor step need
nothing else, so nothing is computed when a model is made).

**Batches** (:func:`add_batch`, :func:`import_log`): current data to compare, stored as a
version of the dataset ``"<training dataset> batches"`` (any format the Data step reads) and
linked ``monitor_batch --monitors--> model`` and ``monitor_batch --stored_as--> dataset_version``.
A served bundle's prediction log (JSON Lines, see :mod:`core.deploy.serving._log`) becomes a
batch whose rows are the requests' rows, with the answers in a ``prediction`` column.

**Reports** (:func:`drift_report`): the batch against the training rows, over the model's input
columns, with the test Evidently picks by default and PSI for every feature
(:func:`core.monitor.drift.dataset_drift`); prediction drift (the model's predictions on the
batch, or the logged ones, against its predictions on the held-out rows); and, when the batch
has the target, the model's metrics on it next to the same metrics on the held-out rows
(:mod:`core.evaluation.metrics`). A report alerts when the share of drifted features reaches the
model's ``drift_share`` or its primary metric (the experiment's) got worse by more than
``metric_drop`` (absolute, in the metric's units; for a loss, a rise). Reports are stored in
``drift_reports``, linked ``drift_report --reports_on--> monitor_batch``, and recorded in the
activity feed (object ``monitor_batch``, verb ``drift_alert`` or ``drift_checked``). A batch of
more than :data:`INLINE_ROWS` rows is checked as a ``drift`` job (:func:`enqueue_report`).

**The loop**: :func:`send_to_labeling` orders a batch's rows most unusual first (against the
training rows, on the drifted features) as a new version and makes a label task on it named
after the model's target, with the model's classes; :func:`retrain_version` joins the training
rows and the labeled rows (the task's latest publication) as a new version of the training
data, linked ``derived_from`` both; :func:`retrain_spec` gives the old experiment's spec for the
experiment form.

Sentences this module writes (alert reasons, notes, progress) come from :data:`MESSAGES` and
:data:`PROGRESS_MESSAGES`, so a page can translate them by pattern.

Example:
    >>> batch = add_batch(ws, model.id, "april.csv")
    >>> report = drift_report(ws, batch.id)
    >>> report.alert, report.alert_reasons, [f["column"] for f in report.features if f["drifted"]]
    (True, ['2 of 3 features drifted (67%), at or above the alert threshold of 50%: x1, plan.'], ['x1', 'plan'])
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any, BinaryIO, ClassVar

import numpy as np
import pandas as pd

from core.data import datasets
from core.data.entities import DatasetVersion
from core.errors import Conflict, InvalidInput, NotFound
from core.evaluation import metrics as M
from core.experiments.entities import Experiment, Model
from core.experiments.service import get_experiment, get_model, load_model, reference_statistics
from core.ids import new_id, utcnow
from core.jobs import JobContext, enqueue, list_jobs
from core.jobs.entities import Job
from core.labeling.entities import LabelTask
from core.modeling import ModelBundle, as_text
from core.progress import Progress, ProgressFn, no_progress
from core.store.activity import record_event
from core.store.entities import _Entity
from core.store.lineage import add_link
from core.workspace import Workspace

__all__ = [
    "DEFAULT_DRIFT_SHARE", "DEFAULT_METRIC_DROP", "INLINE_ROWS", "JOB_KIND", "MESSAGES", "PROGRESS_MESSAGES",
    "Batch", "DriftReport", "Reference", "Settings", "add_batch", "batch_task", "chart_frames", "drift_report",
    "enqueue_report", "find_drift_job", "get_batch", "get_report", "get_settings", "import_log", "latest_alerts",
    "latest_report", "list_batches", "reference_for", "reports_of", "retrain_spec", "retrain_version",
    "run_drift_job", "runs_inline", "send_to_labeling", "set_settings", "unusual_scores",
]

INLINE_ROWS = 200_000     # a page checks a batch of at most this many rows while the user waits; more runs as a job
JOB_KIND = "drift"
DEFAULT_DRIFT_SHARE = 0.5
DEFAULT_METRIC_DROP = 0.05
MAX_NAME = 120
LOG_PREDICTION = "prediction"   # the column a prediction log's answers go into
LOWER_IS_BETTER = frozenset({"log_loss", "rmse", "mae", "mse", "mape"})
LIST_LIMIT = 8            # column names listed in one sentence

PROGRESS_MESSAGES = {
    "reading": "Reading the batch and the training rows",
    "reference": "Computing the model's reference",
    "drift": "Testing each feature for drift",
    "predicting": "Predicting the batch and the held-out rows",
    "metrics": "Scoring the model on the batch",
    "storing": "Storing the report",
    "done": "Drift report done",
}

# Every sentence a report, a batch or an error of this module carries; ``{...}`` are filled in.
MESSAGES = {
    # alert reasons
    "share_alert": "{n_drifted} of {n_features} features drifted ({share}), at or above the alert threshold of "
                   "{threshold}: {columns}.",
    "metric_alert": "{metric} went from {holdout} on the held-out rows to {batch} on this batch: {change} worse, "
                    "more than the allowed {threshold}.",
    # report notes
    "missing_columns": "The batch lacks {n} of the model's input columns: {columns}. Drift is computed on the "
                       "other columns.",
    "extra_columns": "{n} columns the model does not use were ignored: {columns}.",
    "type_problem": "Column '{column}': {reason}",
    "no_predictions_missing": "The model needs every input column to predict, so prediction drift and the "
                              "metrics are not computed.",
    "no_predictions_failed": "The model could not predict the batch ({reason}), so prediction drift and the "
                             "metrics are not computed.",
    "logged_predictions": "Prediction drift compares the predictions the server logged with the model's "
                          "predictions on the held-out rows.",
    "unknown_classes": "{n} rows of the batch have a value of '{target}' the model never saw; they are left out "
                       "of the metrics.",
    "no_known_classes": "No row of the batch has a value of '{target}' the model knows, so no metrics are computed.",
    "metric_fallback": "{metric} cannot be computed on this batch; {other} is compared instead.",
    "target_empty": "The batch has a '{target}' column but no values in it, so no metrics are computed.",
    # batch notes (prediction logs)
    "log_truncated": "The last line of {file} (line {line}) is cut short or not valid JSON; it was skipped (the "
                     "server may have been writing it).",
    "log_other_models": "{n} requests of other models ({models}) were left out.",
    "log_lines": "Imported {requests} requests ({rows} rows) from {files}.",
    "batch_reused": "This batch was added before as '{name}'; that batch is used.",
}


def _drift() -> ModuleType:
    """:mod:`core.monitor.drift`, imported when first needed (it loads scipy)."""
    from core.monitor import drift

    return drift


# ---------------------------------------------------------------- entities

@dataclass(frozen=True)
class Reference(_Entity):
    """A model's reference: what its training rows and its held-out predictions looked like.

    Attributes:
        model_id: the model.
        version_id: the training version the statistics describe.
        n_rows: training rows.
        stats: ``{"n_rows", "columns": {name: {"kind": "numeric", "edges", "shares", "missing", "mean", "std",
            "quantiles": {"0.05": x, ...}} | {"kind": "categorical", "shares": {value: share}, "missing"}}}``.
        predictions: on the held-out rows: ``{"version_id", "n_rows", "kind": "binary"|"categorical",
            "shares": {label: share}}`` for classifiers, ``{"version_id", "n_rows", "kind": "numeric",
            "quantiles", "mean", "std"}`` for regressors.
        created_at: when it was computed.
    """

    _json_fields: ClassVar[tuple[str, ...]] = ("stats", "predictions")

    model_id: str
    version_id: str | None
    n_rows: int
    stats: dict[str, Any]
    predictions: dict[str, Any]
    created_at: str


@dataclass(frozen=True)
class Batch(_Entity):
    """A batch of current data for a model (one row of ``monitor_batches``).

    Attributes:
        id: ``mbt_…``.
        model_id: the model it is compared with.
        version_id: the dataset version holding its rows.
        name: a short name (the file's, by default).
        source: ``upload`` or ``log`` (a served bundle's prediction log).
        n_rows: its rows.
        has_target: whether it has values in the model's target column.
        notes: sentences about how it was read (a skipped log line, other models' requests).
        created_by: who added it.
        created_at: when.
        archived_at: set while archived.
    """

    _json_fields: ClassVar[tuple[str, ...]] = ("notes",)

    id: str
    model_id: str
    version_id: str
    name: str
    source: str
    n_rows: int
    has_target: bool
    notes: list[str]
    created_by: str
    created_at: str
    archived_at: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "has_target", bool(self.has_target))


@dataclass(frozen=True)
class Settings:
    """A model's alert thresholds.

    Attributes:
        model_id: the model.
        drift_share: a report alerts when at least this share of the features drifted (0-1).
        metric_drop: ... or when the primary metric got worse by more than this (absolute).
        updated_by: who set them ("" for the defaults).
        updated_at: when (``None`` for the defaults).
    """

    model_id: str
    drift_share: float = DEFAULT_DRIFT_SHARE
    metric_drop: float = DEFAULT_METRIC_DROP
    updated_by: str = ""
    updated_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the settings as a dict."""
        return {"model_id": self.model_id, "drift_share": self.drift_share, "metric_drop": self.metric_drop,
                "updated_by": self.updated_by, "updated_at": self.updated_at}


@dataclass(frozen=True)
class DriftReport(_Entity):
    """A drift report of a batch (one row of ``drift_reports``, JSON columns decoded).

    Attributes:
        id: ``drf_…``.
        batch_id: the batch.
        model_id: the model.
        settings: the thresholds used and the sizes: ``{"drift_share", "metric_drop", "n_ref", "n_cur",
            "reference_version_id", "holdout_version_id"}``.
        features: per feature (:class:`core.monitor.drift.FeatureDrift` as a dict): ``column, kind, test,
            statistic, threshold, drifted, psi, psi_threshold, n_ref, n_cur, missing_ref, missing_cur,
            new_categories, mean_ref, mean_cur``.
        share_drifted: the share of the tested features that drifted.
        n_drifted: how many drifted.
        prediction: the prediction drift (the same keys, plus ``"source"``: ``model`` or ``log``, and
            ``"histogram"``), or ``{}`` when the batch could not be predicted.
        metrics: with the target: ``{"target", "primary", "higher_is_better", "batch": {name: value},
            "holdout": {name: value}, "change" (how much worse, positive = worse), "threshold", "n_rows",
            "n_holdout"}``; else ``{}``.
        columns: ``{"tested", "missing", "extra", "type_problems": {column: reason}}``.
        alert: whether it alerts.
        alert_reasons: why, as sentences (:data:`MESSAGES`).
        notes: sentences about how it was computed.
        job_id: the ``drift`` job that computed it, if any.
        seconds: how long it took.
        created_at: when.
    """

    _json_fields: ClassVar[tuple[str, ...]] = ("settings", "features", "prediction", "metrics", "columns",
                                               "alert_reasons", "notes")

    id: str
    batch_id: str
    model_id: str
    settings: dict[str, Any]
    features: list[dict[str, Any]]
    share_drifted: float | None
    n_drifted: int
    prediction: dict[str, Any]
    metrics: dict[str, Any]
    columns: dict[str, Any]
    alert: bool
    alert_reasons: list[str]
    notes: list[str]
    job_id: str | None
    seconds: float | None
    created_at: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "alert", bool(self.alert))

    @property
    def drifted(self) -> bool:
        """Whether the share of drifted features reached the threshold the report used."""
        threshold = float(self.settings.get("drift_share", DEFAULT_DRIFT_SHARE))
        return self.share_drifted is not None and self.share_drifted >= threshold

    @property
    def drifted_columns(self) -> list[str]:
        """The features that drifted, in report order."""
        return [f["column"] for f in self.features if f.get("drifted")]

    @property
    def missing_columns(self) -> list[str]:
        """The model's input columns the batch lacks."""
        return list(self.columns.get("missing") or [])

    @property
    def extra_columns(self) -> list[str]:
        """The batch's columns the model does not use (ignored)."""
        return list(self.columns.get("extra") or [])

    @property
    def type_problems(self) -> dict[str, str]:
        """Columns whose values could not all be read as the training data's type, with the reason."""
        return dict(self.columns.get("type_problems") or {})

    def summary(self) -> dict[str, Any]:
        """The report as the CLI's JSON prints it."""
        return {"id": self.id, "batch_id": self.batch_id, "model_id": self.model_id,
                "share_drifted": self.share_drifted, "n_drifted": self.n_drifted, "drifted": self.drifted,
                "alert": self.alert, "alert_reasons": list(self.alert_reasons), "features": list(self.features),
                "prediction": dict(self.prediction), "metrics": dict(self.metrics),
                "missing_columns": self.missing_columns, "extra_columns": self.extra_columns,
                "type_problems": self.type_problems, "notes": list(self.notes), "settings": dict(self.settings),
                "job_id": self.job_id, "seconds": self.seconds, "created_at": self.created_at}


# ---------------------------------------------------------------- helpers

def _plain(value: Any) -> Any:
    """``value`` as plain JSON: numpy scalars as Python ones, NaN and infinities as ``None``, tuples as lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _dumps(value: Any) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, default=str)


def _listing(names: Sequence[Any], limit: int = LIST_LIMIT) -> str:
    shown = ", ".join(str(n) for n in list(names)[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _num(x: float | None) -> str:
    return "-" if x is None else f"{float(x):.4g}"


def _pct(x: float) -> str:
    return f"{100 * float(x):.0f}%"


def _clean_name(name: str | None, default: str) -> str:
    cleaned = " ".join((name or "").split()) or default
    return cleaned[:MAX_NAME]


def _model_parts(ws: Workspace, model_id: str) -> tuple[Model, Experiment]:
    """The model and its experiment; a model without a recorded training split cannot be monitored."""
    model = get_model(ws, model_id)
    exp = get_experiment(ws, model.experiment_id)
    if not exp.train_version_id or not exp.test_version_id:
        raise NotFound(f"Experiment '{exp.name}' of model {model.id} has no recorded training and held-out split, "
                       "so there is nothing to compare a batch with.",
                       hint="Monitor a model of an experiment made with MLCycle's split.")
    return model, exp


def _kinds(bundle: ModelBundle, reference: pd.DataFrame) -> dict[str, str]:
    """Drift kinds the data alone would not tell: number-coded categories are categorical."""
    out: dict[str, str] = {}
    for spec in bundle.preprocessor.columns:
        if spec.kind == "categorical" and spec.name in reference and \
                pd.api.types.is_numeric_dtype(reference[spec.name]):
            out[spec.name] = "categorical"
    return out


def _datetimes_as_numbers(frame: pd.DataFrame, bundle: ModelBundle) -> pd.DataFrame:
    """Datetime input columns as seconds since the epoch (to score how unusual a row is)."""
    columns = [s.name for s in bundle.preprocessor.columns if s.kind == "datetime" and s.name in frame]
    if not columns:
        return frame
    frame = frame.copy()
    for name in columns:
        stamps = pd.to_datetime(frame[name], errors="coerce", utc=True)
        frame[name] = (stamps - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
    return frame


def _model_input(bundle: ModelBundle, frame: pd.DataFrame) -> pd.DataFrame:
    """Batch rows the model can read: numeric input columns' unreadable values become missing."""
    frame = frame.copy()
    for spec in bundle.preprocessor.columns:
        if spec.kind == "numeric" and spec.name in frame and not pd.api.types.is_numeric_dtype(frame[spec.name]):
            frame[spec.name] = pd.to_numeric(frame[spec.name], errors="coerce")
    return frame


# ---------------------------------------------------------------- settings

def get_settings(ws: Workspace, model_id: str) -> Settings:
    """A model's alert thresholds (the defaults until someone sets them).

    Raises:
        NotFound: unknown model.
    """
    with ws.read() as db:
        row = db.execute("SELECT * FROM monitor_settings WHERE model_id = ?", [model_id]).fetchone()
    if row is None:
        get_model(ws, model_id)
        return Settings(model_id)
    return Settings(row["model_id"], float(row["drift_share"]), float(row["metric_drop"]), row["updated_by"] or "",
                    row["updated_at"])


def _check_share(value: Any) -> float:
    try:
        share = float(value)
    except (TypeError, ValueError):
        share = float("nan")
    if not (0 < share <= 1):
        raise InvalidInput(f"The drift share must be a number above 0 and at most 1, not '{value}'.",
                           hint="It is the share of features that must drift for a batch to alert: 0.5 means half "
                                "of them.")
    return share


def _check_drop(value: Any) -> float:
    try:
        drop = float(value)
    except (TypeError, ValueError):
        drop = float("nan")
    if not (0 <= drop < math.inf):
        raise InvalidInput(f"The metric drop must be a number of 0 or more, not '{value}'.",
                           hint="It is how much worse than on the held-out rows the model's metric may get before a "
                                "batch alerts, in the metric's own units (0.05 for a ROC AUC of 0.90 -> 0.85).")
    return drop


def set_settings(ws: Workspace, model_id: str, *, drift_share: float | None = None, metric_drop: float | None = None,
                 by: str = "") -> Settings:
    """Change a model's alert thresholds (the ones not given keep their value).

    Later reports use them; stored reports keep the thresholds they were computed with.

    Raises:
        NotFound: unknown model.
        InvalidInput: a share outside (0, 1] or a negative drop.
    """
    current = get_settings(ws, model_id)
    share = current.drift_share if drift_share is None else _check_share(drift_share)
    drop = current.metric_drop if metric_drop is None else _check_drop(metric_drop)
    model = get_model(ws, model_id)
    with ws.write() as db:
        db["monitor_settings"].insert({"model_id": model_id, "drift_share": share, "metric_drop": drop,
                                       "updated_by": by, "updated_at": utcnow()}, replace=True)
        record_event(db, object_kind="model", object_id=model_id, verb="monitor_settings", project_id=model.project_id,
                     message=f"Alert thresholds of model {model_id}: drift share {_pct(share)}, metric drop "
                             f"{_num(drop)}")
    return get_settings(ws, model_id)


# ---------------------------------------------------------------- reference

def _stats(frame: pd.DataFrame, columns: list[str]) -> dict[str, Any]:
    stats = reference_statistics(frame, columns)
    for name, entry in stats["columns"].items():
        if entry["kind"] == "numeric":
            values = pd.to_numeric(frame[name], errors="coerce").dropna().to_numpy(dtype=float)
            qs = (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0)
            entry["quantiles"] = {str(q): float(v) for q, v in zip(qs, np.quantile(values, qs), strict=True)}
    return stats


def _prediction_summary(bundle: ModelBundle, predictions: np.ndarray, version_id: str) -> dict[str, Any]:
    if bundle.is_classifier:
        shares = as_text(pd.Series(predictions)).value_counts(normalize=True)
        return {"version_id": version_id, "n_rows": len(predictions),
                "kind": "binary" if len(bundle.classes or []) == 2 else "categorical",
                "shares": {str(k): float(v) for k, v in shares.items()}}
    values = np.asarray(predictions, dtype=float)
    values = values[np.isfinite(values)]
    qs = (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0)
    return {"version_id": version_id, "n_rows": len(predictions), "kind": "numeric",
            "quantiles": {str(q): float(v) for q, v in zip(qs, np.quantile(values, qs), strict=True)}
            if len(values) else {},
            "mean": float(values.mean()) if len(values) else None, "std": float(values.std()) if len(values) else None}


def _get_reference(ws: Workspace, model_id: str) -> Reference | None:
    with ws.read() as db:
        row = db.execute("SELECT * FROM monitor_references WHERE model_id = ?", [model_id]).fetchone()
    return Reference.from_row(row) if row is not None else None


def reference_for(ws: Workspace, model_id: str, *, bundle: ModelBundle | None = None) -> Reference:
    """A model's reference, computed and stored the first time it is asked for, then read back.

    Args:
        ws: the workspace.
        model_id: the model.
        bundle: the loaded model, when the caller has it (saves loading it again).

    Raises:
        NotFound: unknown model, or its experiment has no training split, or its data is gone.
    """
    stored = _get_reference(ws, model_id)
    if stored is not None:
        return stored
    model, exp = _model_parts(ws, model_id)
    bundle = bundle or load_model(ws, model.id)
    train_version = datasets.get_version(ws, exp.train_version_id)
    columns = [c for c in bundle.input_columns if c in train_version.columns]
    train = datasets.load_frame(ws, train_version.id, columns=columns)
    test = datasets.load_frame(ws, exp.test_version_id)
    predictions = _predict(bundle, test)
    row = {"model_id": model.id, "version_id": train_version.id, "n_rows": len(train),
           "stats": _dumps(_stats(train, columns)),
           "predictions": _dumps(_prediction_summary(bundle, predictions, exp.test_version_id)),
           "created_at": utcnow()}
    with ws.write() as db:
        db.execute("INSERT OR IGNORE INTO monitor_references (model_id, version_id, n_rows, stats, predictions,"
                   " created_at) VALUES (:model_id, :version_id, :n_rows, :stats, :predictions, :created_at)", row)
    return _get_reference(ws, model_id)  # type: ignore[return-value]


def _predict(bundle: ModelBundle, rows: pd.DataFrame) -> np.ndarray:
    return np.asarray(bundle.predict(_model_input(bundle, rows)))


# ---------------------------------------------------------------- batches

def _batches_dataset_name(ws: Workspace, exp: Experiment) -> str:
    version = datasets.get_version(ws, exp.dataset_version_id)
    return f"{version.dataset_name or 'dataset'} batches"[:MAX_NAME]


def get_batch(ws: Workspace, batch_id: str) -> Batch:
    """Return a batch by id.

    Raises:
        NotFound: no such batch.
    """
    with ws.read() as db:
        row = db.execute("SELECT * FROM monitor_batches WHERE id = ?", [batch_id]).fetchone()
    if row is None:
        raise NotFound(f"There is no monitored batch '{batch_id}'.",
                       hint="List a model's batches with `mlcycle monitor MODEL`.")
    return Batch.from_row(row)


def list_batches(ws: Workspace, model_id: str, *, include_archived: bool = False) -> list[Batch]:
    """A model's batches, newest first."""
    sql = "SELECT * FROM monitor_batches WHERE model_id = ?"
    if not include_archived:
        sql += " AND archived_at IS NULL"
    with ws.read() as db:
        rows = db.execute(sql + " ORDER BY created_at DESC", [model_id]).fetchall()
    return [Batch.from_row(r) for r in rows]


def add_batch(ws: Workspace, model_id: str, path_or_stream: str | Path | BinaryIO, *, name: str | None = None,
              original_name: str | None = None, created_by: str = "", source: str = "upload",
              notes: Sequence[str] = ()) -> Batch:
    """Add a file of current data as a batch of a model (any format the Data step reads).

    The rows are stored as the next version of the dataset ``"<training dataset> batches"`` (attached
    to the model's project). The same content added again for the same model gives back that batch.

    Args:
        ws: the workspace.
        model_id: the model the batch is compared with.
        path_or_stream: a local path or a binary stream (an upload).
        name: the batch's name (default: the file's name without extension).
        original_name: the user's file name (for a stream).
        created_by: who added it.
        source: ``upload`` or ``log``.
        notes: sentences about how it was read (kept with the batch).

    Returns:
        The batch.

    Raises:
        NotFound: unknown model, or its experiment has no training split; a missing file.
        InvalidInput: an unreadable or empty file, or one with none of the model's input columns.
    """
    model, exp = _model_parts(ws, model_id)
    display = original_name or getattr(path_or_stream, "name", None) or (
        str(path_or_stream) if isinstance(path_or_stream, str | Path) else "")
    default = Path(str(display)).stem if display else f"batch {len(list_batches(ws, model.id, include_archived=True)) + 1}"
    batch_name = _clean_name(name, default)
    inputs = _input_columns(ws, exp, model)

    def usable(table: Any) -> None:  # refused before anything is stored
        if table.num_rows == 0:
            raise InvalidInput(f"The batch '{batch_name}' has no rows.", hint="Add a file with data rows.")
        if inputs and not set(inputs) & set(table.column_names):
            raise InvalidInput(f"The batch '{batch_name}' has none of the model's input columns ({_listing(inputs)}); "
                               f"its columns are {_listing(table.column_names)}.",
                               hint="Upload rows with the columns the model was trained on.")

    result = datasets.add_dataset(ws, path_or_stream, name=_batches_dataset_name(ws, exp), original_name=original_name,
                                  project_id=model.project_id, created_by=created_by, check=usable,
                                  description=f"Batches of current data for monitoring model {model.id}")
    version = result.version
    with ws.read() as db:
        same = db.execute("SELECT * FROM monitor_batches WHERE model_id = ? AND version_id = ? AND archived_at IS NULL"
                          " ORDER BY created_at LIMIT 1", [model.id, version.id]).fetchone()
    if same is not None:
        earlier = Batch.from_row(same)
        return replace(earlier, notes=[*earlier.notes, MESSAGES["batch_reused"].format(name=earlier.name)])
    has_target = exp.target in version.columns and _has_values(ws, version, exp.target)
    row = {"id": new_id("mbt"), "model_id": model.id, "version_id": version.id, "name": batch_name,
           "source": source, "n_rows": version.n_rows, "has_target": int(has_target),
           "notes": _dumps([*notes, *[w for w in result.warnings if not w.startswith(_NOT_BATCH_NOTES)]]),
           "created_by": created_by, "created_at": utcnow(), "archived_at": None}
    with ws.write() as db:
        db["monitor_batches"].insert(row)
        add_link(db, "monitor_batch", row["id"], "monitors", "model", model.id)
        add_link(db, "monitor_batch", row["id"], "stored_as", "dataset_version", version.id)
        what = "prediction log" if source == "log" else "batch"
        record_event(db, object_kind="monitor_batch", object_id=row["id"], verb="added", project_id=model.project_id,
                     message=f"Monitoring model {model.id}: {what} '{batch_name}' added ({version.n_rows:,} rows"
                             + (f", with '{exp.target}'" if has_target else "") + ")")
    return get_batch(ws, row["id"])


# add_dataset's notes about the batches dataset itself (the same content stored, other columns than the last batch)
_NOT_BATCH_NOTES = ("This content is already stored", "The same content is also stored", "This version's columns differ")


def _input_columns(ws: Workspace, exp: Experiment, model: Model) -> list[str]:
    """The model's input columns without loading the model: from its stored reference statistics or its spec."""
    stats = model.reference_stats if isinstance(model.reference_stats, dict) else {}
    names = list((stats.get("columns") or {}).keys())
    if names:
        return names
    resolved = (exp.spec or {}).get("resolved") or {}
    return [c for c in resolved.get("feature_columns") or [] if c != exp.target]


def _has_values(ws: Workspace, version: DatasetVersion, column: str) -> bool:
    values = datasets.load_frame(ws, version.id, columns=[column])[column]
    return bool(as_text(values).notna().any()) if not pd.api.types.is_numeric_dtype(values) else bool(
        values.notna().any())


# ---------------------------------------------------------------- prediction logs

def _log_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.glob("requests-*.jsonl") if p.is_file())
        if not files:
            files = sorted(p for p in path.glob("*.jsonl") if p.is_file())
        if not files:
            raise InvalidInput(f"The folder '{path}' has no prediction log (requests-YYYY-MM-DD.jsonl files).",
                               hint="Give the folder MLCYCLE_LOG_DIR pointed the server at, or one .jsonl file.")
        return files
    if not path.exists():
        raise NotFound(f"The prediction log '{path}' does not exist.",
                       hint="Give a requests-YYYY-MM-DD.jsonl file or the folder that holds them.")
    return [path]


def _request(line: str) -> dict[str, Any]:
    """One log line as a request record; ``ValueError`` saying why it is not one."""
    try:
        entry = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at character {exc.pos + 1})") from exc
    if not isinstance(entry, dict):
        raise ValueError("not a JSON object")
    rows, predictions = entry.get("rows"), entry.get("predictions")
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ValueError("'rows' is not a list of objects")
    if not isinstance(predictions, list) or len(predictions) != len(rows):
        raise ValueError("'predictions' is not a list as long as 'rows'")
    return entry


def read_log(path: str | Path, model_id: str) -> tuple[list[dict[str, Any]], list[str], dict[str, int]]:
    """Read a prediction log (a ``.jsonl`` file or a folder of ``requests-*.jsonl``) for one model.

    Each request's rows become rows, its answers a ``prediction`` value on each row. A truncated
    or invalid last line of a file is skipped with a note (the server may have been writing it);
    an invalid line elsewhere is an error naming its file and line number. Requests of other
    models are left out, with a note.

    Returns:
        ``(rows, notes, counts)``; counts: ``{"requests", "rows", "files", "other"}``.

    Raises:
        NotFound: the path does not exist.
        InvalidInput: an invalid line before the last, or no request of the model.
    """
    files = _log_files(Path(path).expanduser())
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    other: dict[str, int] = {}
    requests = 0
    for file in files:
        try:
            lines = file.read_text(encoding="utf-8").split("\n")
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"The prediction log '{file.name}' is not UTF-8 text.",
                               hint="Give the JSON Lines file the server wrote.") from exc
        while lines and not lines[-1].strip():
            lines.pop()
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                entry = _request(line)
            except ValueError as why:
                if number == len(lines):
                    notes.append(MESSAGES["log_truncated"].format(file=file.name, line=number))
                    continue
                raise InvalidInput(f"Line {number} of {file.name} is not a request record: {why}.",
                                   hint="The log is JSON Lines, one request per line as the server writes it; "
                                        "fix or remove that line and import again.") from None
            if entry.get("model_id") not in (None, model_id):
                other[str(entry["model_id"])] = other.get(str(entry["model_id"]), 0) + 1
                continue
            requests += 1
            for values, answer in zip(entry["rows"], entry["predictions"], strict=True):
                rows.append({**values, LOG_PREDICTION: answer})
    if other:
        notes.append(MESSAGES["log_other_models"].format(n=f"{sum(other.values()):,}", models=_listing(sorted(other))))
    if not rows:
        where = files[0].name if len(files) == 1 else f"{len(files)} files"
        raise InvalidInput(f"The prediction log ({where}) has no request of model {model_id}"
                           + (f"; it has requests of {_listing(sorted(other))}." if other else "."),
                           hint="Import the log of the server that serves this model (its bundle's model id).")
    return rows, notes, {"requests": requests, "rows": len(rows), "files": len(files), "other": sum(other.values())}


def import_log(ws: Workspace, model_id: str, path: str | Path, *, name: str | None = None,
               created_by: str = "") -> Batch:
    """Import a served bundle's prediction log as a batch (see :func:`read_log`).

    Args:
        ws: the workspace.
        model_id: the served model.
        path: a ``.jsonl`` file or the folder of ``requests-YYYY-MM-DD.jsonl`` files.
        name: the batch's name (default: the file's or folder's name).
        created_by: who imported it.

    Raises:
        NotFound: unknown model or path.
        InvalidInput: as :func:`read_log`.
    """
    model, _ = _model_parts(ws, model_id)
    path = Path(path).expanduser()
    rows, notes, counts = read_log(path, model.id)
    files = path.name if path.is_file() else f"{counts['files']} files in {path.name}"
    notes = [MESSAGES["log_lines"].format(requests=f"{counts['requests']:,}", rows=f"{counts['rows']:,}",
                                          files=files), *notes]
    scratch = ws.scratch_dir("monitor") / f"{new_id('log')}.jsonl"
    try:
        with open(scratch, "w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        return add_batch(ws, model.id, scratch, name=name or path.stem, original_name=f"{path.stem}.jsonl",
                         created_by=created_by, source="log", notes=notes)
    finally:
        scratch.unlink(missing_ok=True)


# ---------------------------------------------------------------- reports

def get_report(ws: Workspace, report_id: str) -> DriftReport:
    """Return a drift report by id.

    Raises:
        NotFound: no such report.
    """
    with ws.read() as db:
        row = db.execute("SELECT * FROM drift_reports WHERE id = ?", [report_id]).fetchone()
    if row is None:
        raise NotFound(f"There is no drift report '{report_id}'.",
                       hint="Check a batch again with `mlcycle monitor MODEL --check BATCH`.")
    return DriftReport.from_row(row)


def latest_report(ws: Workspace, batch_id: str) -> DriftReport | None:
    """The newest report of a batch, or ``None``."""
    with ws.read() as db:
        row = db.execute("SELECT * FROM drift_reports WHERE batch_id = ? ORDER BY created_at DESC LIMIT 1",
                         [batch_id]).fetchone()
    return DriftReport.from_row(row) if row is not None else None


def reports_of(ws: Workspace, model_id: str) -> list[DriftReport]:
    """The newest report of each (active) batch of a model, oldest batch first: the history for a trend chart."""
    with ws.read() as db:
        rows = db.execute(
            "SELECT r.* FROM drift_reports r JOIN monitor_batches b ON b.id = r.batch_id"
            " WHERE r.model_id = ? AND b.archived_at IS NULL AND r.created_at = (SELECT MAX(created_at)"
            " FROM drift_reports WHERE batch_id = r.batch_id) ORDER BY b.created_at, r.created_at", [model_id]).fetchall()
    return [DriftReport.from_row(r) for r in rows]


def latest_alerts(ws: Workspace, project_id: str | None, *, limit: int = 20) -> list[DriftReport]:
    """Alerting reports of a project's models (the newest report of each active batch), newest first.

    Args:
        ws: the workspace.
        project_id: the project (``None``: every project).
        limit: at most this many.
    """
    sql = ("SELECT r.* FROM drift_reports r JOIN monitor_batches b ON b.id = r.batch_id"
           " JOIN models m ON m.id = r.model_id JOIN experiments e ON e.id = m.experiment_id"
           " WHERE r.alert = 1 AND b.archived_at IS NULL AND m.archived_at IS NULL"
           " AND r.created_at = (SELECT MAX(created_at) FROM drift_reports WHERE batch_id = r.batch_id)")
    args: list[Any] = []
    if project_id is not None:
        sql += " AND e.project_id = ?"
        args.append(project_id)
    with ws.read() as db:
        rows = db.execute(sql + " ORDER BY r.created_at DESC LIMIT ?", [*args, int(limit)]).fetchall()
    return [DriftReport.from_row(r) for r in rows]


def runs_inline(batch: Batch) -> bool:
    """Whether a page checks this batch while the user waits (at most :data:`INLINE_ROWS` rows)."""
    return int(batch.n_rows) <= INLINE_ROWS


def chart_frames(ws: Workspace, batch_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The training rows and the batch rows of the model's input columns, for distribution charts.

    Returns:
        ``(reference, current)``; ``current`` has the input columns the batch has.
    """
    batch = get_batch(ws, batch_id)
    model, exp = _model_parts(ws, batch.model_id)
    columns = _input_columns(ws, exp, model)
    train_cols = datasets.get_version(ws, exp.train_version_id).columns
    batch_cols = datasets.get_version(ws, batch.version_id).columns
    ref = datasets.load_frame(ws, exp.train_version_id, columns=[c for c in columns if c in train_cols])
    cur = datasets.load_frame(ws, batch.version_id, columns=[c for c in columns if c in batch_cols])
    return ref, cur


def _codes(y: pd.Series, classes: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Class codes of target values in the model's class order, and which rows have a class it knows."""
    index = {c: i for i, c in enumerate(classes)}
    codes = y.map(index)
    if codes.isna().any():  # a label read back as another type (1 vs "1"): match by text
        by_text = {str(c): i for i, c in enumerate(classes)}
        codes = codes.fillna(as_text(y).map(by_text))
    known = codes.notna().to_numpy()
    return codes.fillna(-1).to_numpy(dtype=int), known


def _score(bundle: ModelBundle, rows: pd.DataFrame, target: str) -> tuple[dict[str, float], int, int]:
    """Every metric of the model on rows with a target value: ``(metrics, rows scored, rows of unknown class)``."""
    y = rows[target]
    keep = (as_text(y).notna() if not pd.api.types.is_numeric_dtype(y) else y.notna()).to_numpy()
    rows, y = rows[keep], y[keep]
    if not len(rows):
        return {}, 0, 0
    X = _model_input(bundle, rows)
    if bundle.is_classifier:
        classes = list(bundle.classes or [])
        codes, known = _codes(y, classes)
        if not known.any():
            return {}, 0, int((~known).sum())
        proba = np.asarray(bundle.predict_proba(X[known]), dtype=float)
        return M.classification_metrics(codes[known], proba, classes), int(known.sum()), int((~known).sum())
    truth = pd.to_numeric(y, errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(truth)
    if not ok.any():
        return {}, 0, 0
    pred = np.asarray(bundle.predict(X[ok]), dtype=float)
    return M.regression_metrics(truth[ok], pred), int(ok.sum()), 0


def _metrics(bundle: ModelBundle, exp: Experiment, batch_rows: pd.DataFrame, holdout_rows: pd.DataFrame,
             metric_drop: float, notes: list[str]) -> dict[str, Any]:
    """The model's metrics on the batch next to the held-out rows', and how much worse the primary one is."""
    target = exp.target
    batch_metrics, n_batch, unknown = _score(bundle, batch_rows, target)
    if unknown:
        notes.append(MESSAGES["unknown_classes"].format(n=f"{unknown:,}", target=target))
    if not batch_metrics:
        notes.append(MESSAGES["no_known_classes" if unknown else "target_empty"].format(target=target))
        return {}
    holdout_metrics, n_holdout, _ = _score(bundle, holdout_rows, target)
    wanted = exp.metric
    found = M.lookup(batch_metrics, wanted, exp.task)
    found_holdout = M.lookup(holdout_metrics, wanted, exp.task)
    if found is None or found_holdout is None:
        other = "accuracy" if bundle.is_classifier else "r2"
        notes.append(MESSAGES["metric_fallback"].format(metric=wanted, other=other))
        found, found_holdout = (other, batch_metrics.get(other)), (other, holdout_metrics.get(other))
    primary = found[0]
    higher = primary not in LOWER_IS_BETTER
    b, h = found[1], found_holdout[1]
    change = None if b is None or h is None else (h - b if higher else b - h)
    return {"target": target, "primary": primary, "higher_is_better": higher, "batch": batch_metrics,
            "holdout": holdout_metrics, "change": change, "threshold": metric_drop, "n_rows": n_batch,
            "n_holdout": n_holdout}


def _prediction_drift(bundle: ModelBundle, holdout_rows: pd.DataFrame, cur_pred: np.ndarray | None,
                      source: str) -> dict[str, Any]:
    if cur_pred is None:
        return {}
    drift = _drift()
    ref_pred = _predict(bundle, holdout_rows)
    if bundle.is_classifier:
        kind = "binary" if len(bundle.classes or []) == 2 else "categorical"
        ref = as_text(pd.Series(ref_pred))
        cur = as_text(pd.Series(cur_pred))
    else:
        kind = "numeric"
        ref = pd.Series(pd.to_numeric(pd.Series(ref_pred), errors="coerce"), dtype=float)
        cur = pd.Series(pd.to_numeric(pd.Series(cur_pred), errors="coerce"), dtype=float)
    result = drift.prediction_drift(ref, cur, kind=kind)
    out = dict(result.as_dict()) if hasattr(result, "as_dict") else dict(result)
    out["source"] = source
    try:
        out["histogram"] = drift.histograms(ref, cur, kind)
    except Exception:  # noqa: BLE001 - a chart's data is not worth failing the report for
        out["histogram"] = {}
    return out


def drift_report(ws: Workspace, batch_id: str, *, on_progress: ProgressFn = no_progress,
                 job_id: str | None = None) -> DriftReport:
    """Compare a batch with its model's training rows and store the report (see the module's docstring).

    Args:
        ws: the workspace.
        batch_id: the batch.
        on_progress: called as it reads, tests, predicts and stores (nothing is stored before the last report,
            so a callback that raises stops it cleanly).
        job_id: the ``drift`` job running it, if any.

    Returns:
        The stored report.

    Raises:
        NotFound: unknown batch, or its model, experiment or data is gone.
        InvalidInput: the batch has no rows, or none of the model's input columns.
    """
    started = time.perf_counter()
    batch = get_batch(ws, batch_id)
    model, exp = _model_parts(ws, batch.model_id)
    settings = get_settings(ws, model.id)
    on_progress(Progress(0.02, PROGRESS_MESSAGES["reading"]))
    bundle = load_model(ws, model.id)
    if _get_reference(ws, model.id) is None:
        on_progress(Progress(0.05, PROGRESS_MESSAGES["reference"]))
    reference = reference_for(ws, model.id, bundle=bundle)
    inputs = list(bundle.input_columns)
    train_cols = datasets.get_version(ws, exp.train_version_id).columns
    ref = datasets.load_frame(ws, exp.train_version_id, columns=[c for c in inputs if c in train_cols])
    cur_all = datasets.load_frame(ws, batch.version_id)
    if not len(cur_all):
        raise InvalidInput(f"The batch '{batch.name}' has no rows.", hint="Add a batch with data rows.")
    present = [c for c in inputs if c in cur_all.columns]
    if not present:
        raise InvalidInput(f"The batch '{batch.name}' has none of the model's input columns ({_listing(inputs)}).",
                           hint="Add a batch with the columns the model was trained on.")
    ignore = {exp.target, LOG_PREDICTION if batch.source == "log" else None}
    extra = [c for c in cur_all.columns if c not in train_cols and c not in ignore]
    drift = _drift()

    def step(p: Progress) -> None:
        fraction = None if p.fraction is None else 0.1 + 0.6 * float(p.fraction)
        on_progress(Progress(fraction, p.message or PROGRESS_MESSAGES["drift"]))

    on_progress(Progress(0.1, PROGRESS_MESSAGES["drift"]))
    result = drift.dataset_drift(ref, cur_all[present + extra], inputs, kinds=_kinds(bundle, ref),
                                 drift_share=settings.drift_share, on_progress=step)
    features = [_plain(f.as_dict() if hasattr(f, "as_dict") else f) for f in result.features]
    missing = list(result.missing_columns)
    notes: list[str] = []
    if missing:
        notes.append(MESSAGES["missing_columns"].format(n=len(missing), columns=_listing(missing)))
    if extra:
        notes.append(MESSAGES["extra_columns"].format(n=len(extra), columns=_listing(extra)))
    type_problems = {str(k): str(v) for k, v in dict(result.type_problems or {}).items()}
    notes += [MESSAGES["type_problem"].format(column=c, reason=r) for c, r in type_problems.items()]

    on_progress(Progress(0.75, PROGRESS_MESSAGES["predicting"]))
    holdout_rows = datasets.load_frame(ws, exp.test_version_id)
    cur_pred: np.ndarray | None = None
    source = "model"
    can_predict = not missing
    if batch.source == "log" and LOG_PREDICTION in cur_all.columns:
        cur_pred, source = cur_all[LOG_PREDICTION].to_numpy(), "log"
        notes.append(MESSAGES["logged_predictions"])
    elif missing:
        notes.append(MESSAGES["no_predictions_missing"])
    if can_predict and source == "model":
        try:
            cur_pred = _predict(bundle, cur_all)
        except InvalidInput as exc:
            can_predict = False
            notes.append(MESSAGES["no_predictions_failed"].format(reason=exc.message.rstrip(".")))
    prediction = _plain(_prediction_drift(bundle, holdout_rows, cur_pred, source))

    metrics: dict[str, Any] = {}
    if batch.has_target and exp.target in cur_all.columns and can_predict:
        on_progress(Progress(0.85, PROGRESS_MESSAGES["metrics"]))
        try:
            metrics = _plain(_metrics(bundle, exp, cur_all, holdout_rows, settings.metric_drop, notes))
        except InvalidInput as exc:
            notes.append(MESSAGES["no_predictions_failed"].format(reason=exc.message.rstrip(".")))

    share = None if not features else float(result.share_drifted)
    n_drifted = int(result.n_drifted)
    reasons: list[str] = []
    if share is not None and share >= settings.drift_share:
        drifted = [f["column"] for f in features if f.get("drifted")]
        reasons.append(MESSAGES["share_alert"].format(n_drifted=n_drifted, n_features=len(features), share=_pct(share),
                                                      threshold=_pct(settings.drift_share), columns=_listing(drifted)))
    change = metrics.get("change")
    if change is not None and change > settings.metric_drop + 1e-12:
        reasons.append(MESSAGES["metric_alert"].format(
            metric=metrics["primary"], holdout=_num(metrics["holdout"].get(metrics["primary"])),
            batch=_num(metrics["batch"].get(metrics["primary"])), change=_num(change),
            threshold=_num(settings.metric_drop)))

    on_progress(Progress(0.97, PROGRESS_MESSAGES["storing"]))
    row = {
        "id": new_id("drf"), "batch_id": batch.id, "model_id": model.id,
        "settings": _dumps({"drift_share": settings.drift_share, "metric_drop": settings.metric_drop,
                            "n_ref": len(ref), "n_cur": len(cur_all), "reference_version_id": reference.version_id,
                            "holdout_version_id": exp.test_version_id}),
        "features": _dumps(features), "share_drifted": share, "n_drifted": n_drifted,
        "prediction": _dumps(prediction), "metrics": _dumps(metrics),
        "columns": _dumps({"tested": [f["column"] for f in features], "missing": missing, "extra": extra,
                           "type_problems": type_problems}),
        "alert": int(bool(reasons)), "alert_reasons": _dumps(reasons), "notes": _dumps(notes), "job_id": job_id,
        "seconds": time.perf_counter() - started, "created_at": utcnow(),
    }
    with ws.write() as db:
        db["drift_reports"].insert(row)
        add_link(db, "drift_report", row["id"], "reports_on", "monitor_batch", batch.id)
        shown = "no feature tested" if share is None else f"{n_drifted} of {len(features)} features drifted"
        record_event(db, object_kind="monitor_batch", object_id=batch.id,
                     verb="drift_alert" if reasons else "drift_checked", project_id=model.project_id,
                     message=(f"Drift alert on batch '{batch.name}' of model {model.id}: " if reasons else
                              f"Batch '{batch.name}' of model {model.id} checked for drift: ") + shown)
    on_progress(Progress(1.0, PROGRESS_MESSAGES["done"]))
    return get_report(ws, row["id"])


# ---------------------------------------------------------------- jobs

def find_drift_job(ws: Workspace, batch_id: str) -> Job | None:
    """The ``drift`` job of this batch that is queued or running, or ``None``."""
    for job in list_jobs(ws, kind=JOB_KIND, limit=100):
        if not job.finished and (job.payload or {}).get("batch_id") == batch_id:
            return job
    return None


def enqueue_report(ws: Workspace, batch_id: str, *, start_worker: bool = True) -> Job:
    """Queue a ``drift`` job for a batch (a job already queued or running for it is returned instead).

    Raises:
        NotFound: unknown batch.
    """
    batch = get_batch(ws, batch_id)
    model = get_model(ws, batch.model_id)
    running = find_drift_job(ws, batch.id)
    if running is not None:
        return running
    return enqueue(ws, JOB_KIND, {"batch_id": batch.id, "model_id": model.id},
                   title=f"Drift report of batch '{batch.name}' ({batch.n_rows:,} rows)",
                   project_id=model.project_id, start_worker=start_worker)


def run_drift_job(ctx: JobContext) -> dict[str, Any]:
    """Compute a batch's drift report (job kind ``drift``; payload ``{"batch_id"}``), reporting progress.

    Returns:
        ``{"report_id", "batch_id", "model_id", "share_drifted", "n_drifted", "alert", "alert_reasons"}``.

    Raises:
        JobCancelled: if the user cancelled it (nothing is stored).
        InvalidInput: a payload without a batch, or as :func:`drift_report`.
    """
    batch_id = ctx.payload.get("batch_id")
    if not batch_id:
        raise InvalidInput("This drift job names no batch.", hint="Check the batch again from the Monitor page.")

    def report(p: Progress) -> None:
        if (p.fraction or 0.0) < 0.97:
            ctx.check_cancelled()
        ctx.on_progress(p)

    ctx.check_cancelled()
    stored = drift_report(ctx.ws, batch_id, on_progress=report, job_id=ctx.job.id)
    ctx.log(f"Stored drift report {stored.id}: {stored.n_drifted} of {len(stored.features)} features drifted"
            + ("; ALERT: " + " ".join(stored.alert_reasons) if stored.alert else ""))
    for note in stored.notes:
        ctx.log(note)
    ctx.progress(1.0, PROGRESS_MESSAGES["done"], force=True)
    return {"report_id": stored.id, "batch_id": stored.batch_id, "model_id": stored.model_id,
            "share_drifted": stored.share_drifted, "n_drifted": stored.n_drifted, "alert": stored.alert,
            "alert_reasons": stored.alert_reasons}


# ---------------------------------------------------------------- the loop: labeling

def unusual_scores(reference: pd.DataFrame, current: pd.DataFrame, columns: Sequence[str],
                   kinds: Mapping[str, str] | None = None) -> np.ndarray:
    """How unusual each current row is against the reference rows, from 0 (typical) to 1.

    Per column, the chance ``q`` of meeting a value as far out in the reference: a number's two-sided
    tail share (1 at the median), a category's share, a missing value's share of missing reference
    rows; ``q`` is floored at ``1 / (n + 1)`` for ``n`` reference rows, so a number beyond the
    reference's range, an unseen category and a value that cannot be read as a number in a numeric
    column get the floor. The column's score is the surprise ``ln(1/q) / ln(n + 1)`` (0 to 1), and
    the row's score is the mean over ``columns`` present in both frames: a row far out in one column
    comes before rows that are merely uncommon everywhere.
    """
    kinds = dict(kinds or {})
    used = [c for c in columns if c in reference.columns and c in current.columns]
    if not used or not len(current) or not len(reference):
        return np.zeros(len(current))
    total = np.zeros(len(current))
    n = len(reference)
    floor = 1.0 / (n + 1)
    for name in used:
        ref, cur = reference[name], current[name]
        missing_rate = float(ref.isna().mean())
        numeric = kinds.get(name) not in ("categorical", "binary") and pd.api.types.is_numeric_dtype(ref) \
            and not pd.api.types.is_bool_dtype(ref)
        if numeric:
            values = np.sort(pd.to_numeric(ref, errors="coerce").dropna().to_numpy(dtype=float))
            x = pd.to_numeric(cur, errors="coerce").to_numpy(dtype=float)
            unreadable = np.isnan(x) & as_text(cur).notna().to_numpy()
            if len(values):
                p = (np.searchsorted(values, x, "left") + np.searchsorted(values, x, "right")) / (2 * len(values))
                q = 2 * np.minimum(p, 1 - p) * (1 - missing_rate)
            else:
                q = np.zeros(len(x))
            q = np.where(np.isnan(x), missing_rate, q)
            q = np.where(unreadable, 0.0, q)
        else:
            shares = as_text(ref).value_counts() / n
            text = as_text(cur)
            q = text.map(shares).fillna(0.0).to_numpy(dtype=float)
            q = np.where(text.isna().to_numpy(), missing_rate, q)
        total += np.log(1 / np.clip(q, floor, 1.0)) / np.log(n + 1)
    return total / len(used)


def _task_of_batch_sql() -> str:
    return ("SELECT t.* FROM label_tasks t JOIN dataset_versions v ON v.id = t.version_id"
            " WHERE t.archived_at IS NULL AND ((json_extract(v.operation, '$.op') = 'order_for_labeling'"
            " AND json_extract(v.operation, '$.batch_id') = :batch)"
            " OR v.id = (SELECT version_id FROM monitor_batches WHERE id = :batch))"
            " ORDER BY t.created_at DESC LIMIT 1")


def batch_task(ws: Workspace, batch_id: str) -> LabelTask | None:
    """The (active) label task a batch was sent to, or ``None``."""
    with ws.read() as db:
        row = db.execute(_task_of_batch_sql(), {"batch": batch_id}).fetchone()
    return LabelTask.from_row(row) if row is not None else None


def send_to_labeling(ws: Workspace, batch_id: str, *, name: str | None = None, classes: Any = None,
                     created_by: str = "") -> LabelTask:
    """Make a label task of a batch's rows, most unusual rows first.

    The rows are ordered by :func:`unusual_scores` against the training rows, over the features that
    drifted in the batch's latest report (all input columns when none did or there is no report), and
    stored as a new version of the batch's dataset (without the target column, so the published
    labels make a column named like the target); a tabular label task is made on it, named after the
    model's target (``"<target> (<batch>)"`` when the project has a task of that name), with the
    model's classes and one annotator per row. A batch already sent gives back its task.

    Args:
        ws: the workspace.
        batch_id: the batch.
        name: the task's name (default: the target's).
        classes: the classes (default: the model's).
        created_by: who sent it.

    Raises:
        NotFound: unknown batch.
        InvalidInput: a regression model (labels choose among classes), or bad classes.
        Conflict: ``name`` is taken by another task of the project.
    """
    from core.labeling import tasks

    batch = get_batch(ws, batch_id)
    model, exp = _model_parts(ws, batch.model_id)
    existing = batch_task(ws, batch.id)
    if existing is not None:
        return existing
    bundle = load_model(ws, model.id)
    if not bundle.is_classifier and classes is None:
        raise InvalidInput(f"Model {model.id} predicts a number ('{exp.target}', regression); a label task chooses "
                           "among classes.",
                           hint=f"Add the true '{exp.target}' values to the batch's file and add it again; a batch "
                                "with the target can be used to retrain directly.")
    version = datasets.get_version(ws, batch.version_id)
    table = datasets.load_table(ws, version.id)
    frame = table.to_pandas()
    inputs = [c for c in bundle.input_columns if c in frame.columns]
    train_cols = datasets.get_version(ws, exp.train_version_id).columns
    ref = datasets.load_frame(ws, exp.train_version_id, columns=[c for c in inputs if c in train_cols])
    report = latest_report(ws, batch.id)
    drifted = [c for c in (report.drifted_columns if report else []) if c in inputs]
    columns = drifted or inputs
    scores = unusual_scores(_datetimes_as_numbers(ref, bundle), _datetimes_as_numbers(frame, bundle), columns,
                            _kinds(bundle, ref))
    order = np.argsort(-scores, kind="stable")
    if exp.target in table.column_names:
        table = table.drop_columns([exp.target])
    import pyarrow as pa

    ordered = table.take(pa.array(order, pa.int64()))
    how = f"the drifted features ({_listing(drifted)})" if drifted else "every input column"
    summary = (f"rows of batch '{batch.name}' most unusual first against the training rows of model {model.id}, "
               f"on {how}, for labeling '{exp.target}'")
    operation = {"op": "order_for_labeling", "batch_id": batch.id, "model_id": model.id, "columns": list(columns),
                 "dropped": [exp.target] if exp.target in version.columns else [], "summary": summary}
    if exp.target in version.columns or not np.array_equal(order, np.arange(len(order))):
        labeling = datasets.derive_table(ws, version, ordered, operation, created_by=created_by).version
    else:  # already in that order, without a target: the batch's own version is labeled
        labeling = version
    names = [str(c) for c in bundle.classes or []] if classes is None else classes
    instructions = (f"Give each row its '{exp.target}', as model {model.learner} ({model.id}) would have to predict "
                    f"it. The rows come from batch '{batch.name}', most unusual first compared with the training "
                    "data.")
    wanted = name or exp.target
    try:
        task = tasks.create_task(ws, labeling.id, name=wanted, classes=names, kind="tabular", overlap=1,
                                 instructions=instructions, project_id=model.project_id, created_by=created_by)
    except Conflict:
        if name:
            raise
        task = tasks.create_task(ws, labeling.id, name=f"{exp.target} ({batch.name})"[:tasks.MAX_NAME],
                                 classes=names, kind="tabular", overlap=1, instructions=instructions,
                                 project_id=model.project_id, created_by=created_by)
    with ws.write() as db:
        record_event(db, object_kind="monitor_batch", object_id=batch.id, verb="sent_to_labeling",
                     project_id=model.project_id,
                     message=f"Batch '{batch.name}' of model {model.id} sent to labeling as task '{task.name}'")
    return task


# ---------------------------------------------------------------- the loop: retraining

def _batch_of_version(ws: Workspace, version_id: str) -> Batch | None:
    with ws.read() as db:
        row = db.execute("SELECT json_extract(operation, '$.batch_id') FROM dataset_versions WHERE id = ?",
                         [version_id]).fetchone()
        batch_id = row[0] if row else None
        if batch_id is None:
            found = db.execute("SELECT id FROM monitor_batches WHERE version_id = ? ORDER BY created_at DESC LIMIT 1",
                               [version_id]).fetchone()
            batch_id = found[0] if found else None
    return get_batch(ws, batch_id) if batch_id else None


def _labeled_source(ws: Workspace, ref: str) -> tuple[Batch, str, str, str | None]:
    """``(batch, labeled version id, label column, publication id)`` for a batch, publication or version id."""
    from core.labeling.publish import label_source, list_publications
    from core.labeling.tasks import get_task

    ref = (ref or "").strip()
    publication = None
    if ref.startswith("lbp_"):
        with ws.read() as db:
            row = db.execute("SELECT task_id FROM label_publications WHERE id = ?", [ref]).fetchone()
        if row is None:
            raise NotFound(f"There is no label publication '{ref}'.", hint="Give the batch's id instead.")
        publication = next(p for p in list_publications(ws, row[0]) if p.id == ref)
        batch = _batch_of_version(ws, get_task(ws, publication.task_id).version_id)
    elif ref.startswith("dsv_"):
        source = label_source(ws, ref)
        if source is None:
            raise InvalidInput(f"The version {ref} carries no published labels.",
                               hint="Give the batch's id, or the version its labels were published as.")
        task, publication = source
        batch = _batch_of_version(ws, task.version_id)
    else:
        batch = get_batch(ws, ref)
        task = batch_task(ws, batch.id)
        publications = list_publications(ws, task.id) if task else []
        if publications:
            publication = publications[0]
        elif batch.has_target:
            model = get_model(ws, batch.model_id)
            return batch, batch.version_id, get_experiment(ws, model.experiment_id).target, None
        else:
            what = (f"its label task '{task.name}' has no published labels yet" if task
                    else "it was not sent to labeling")
            raise InvalidInput(f"Batch '{batch.name}' has no labels to retrain with: {what}.",
                               hint="Send it to labeling, label the rows and publish the labels (the Label page, or "
                                    "`mlcycle labels publish TASK`), then retrain.")
    if batch is None:
        raise InvalidInput(f"The labels of {ref} are not of a monitored batch.",
                           hint="Give the id of the batch that was sent to labeling.")
    return batch, publication.version_id, publication.label_column, publication.id


def _like(values: pd.Series, like: pd.Series) -> tuple[pd.Series, int]:
    """``values`` in the training column's type; how many non-empty values could not be read so."""
    given = values.notna() & as_text(values).notna() if not pd.api.types.is_numeric_dtype(values) else values.notna()
    if pd.api.types.is_bool_dtype(like):
        words = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
        out = as_text(values).str.lower().map(words)
    elif pd.api.types.is_numeric_dtype(like):
        out = pd.to_numeric(values, errors="coerce")
    elif pd.api.types.is_datetime64_any_dtype(like):
        out = pd.to_datetime(values, errors="coerce", utc=getattr(like.dtype, "tz", None) is not None)
    else:
        out = as_text(values).astype(object)
    lost = int((given & out.isna()).sum())
    return out, lost


def retrain_version(ws: Workspace, ref: str, *, created_by: str = "") -> DatasetVersion:
    """The model's training rows plus a batch's labeled rows, as a new version of the training data.

    The labeled rows are the batch's label task's latest publication (its label column becomes the
    target column), or the batch's own rows when it came with the target; rows without a label are
    left out. Columns follow the training version's (in its order and types; others are dropped,
    missing ones left empty). The new version is the next version of the training data's dataset,
    ``derived_from`` the training version and ``derived_from`` the labeled version.

    Args:
        ws: the workspace.
        ref: a batch id (``mbt_…``), a label publication id (``lbp_…``) or the published version's id.
        created_by: who made it.

    Raises:
        NotFound: unknown batch, publication or version.
        InvalidInput: no labels yet, or no labeled row.
    """
    import pyarrow as pa

    batch, labeled_id, label_column, publication_id = _labeled_source(ws, ref)
    model, exp = _model_parts(ws, batch.model_id)
    train_version = datasets.get_version(ws, exp.train_version_id)
    labeled_version = datasets.get_version(ws, labeled_id)
    train = datasets.load_frame(ws, train_version.id)
    labeled = datasets.load_frame(ws, labeled_version.id)
    if label_column not in labeled.columns:
        raise NotFound(f"{labeled_version.label} has no label column '{label_column}'.",
                       hint="Publish the labels again.")
    labels = labeled[label_column]
    if label_column != exp.target:
        labeled = labeled.drop(columns=[c for c in (exp.target,) if c in labeled.columns])
    labeled = labeled.rename(columns={label_column: exp.target})
    keep = as_text(labels).notna().to_numpy() if not pd.api.types.is_numeric_dtype(labels) else labels.notna().to_numpy()
    labeled = labeled[keep].reset_index(drop=True)
    if not len(labeled):
        raise InvalidInput(f"{labeled_version.label} has no labeled row.", hint="Label some rows and publish again.")
    aligned: dict[str, pd.Series] = {}
    lost: dict[str, int] = {}
    for name in train.columns:
        if name in labeled.columns:
            aligned[name], n = _like(labeled[name], train[name])
            if n:
                lost[name] = n
        else:
            aligned[name] = pd.Series([None] * len(labeled), dtype=object)
    combined = pd.concat([train, pd.DataFrame(aligned)], ignore_index=True)
    table = pa.Table.from_pandas(combined, preserve_index=False)
    summary = (f"training rows of model {model.id} ({len(train):,}) + {len(labeled):,} labeled rows of batch "
               f"'{batch.name}', for retraining")
    operation = {"op": "retrain_data", "model_id": model.id, "experiment_id": exp.id, "batch_id": batch.id,
                 "training_version_id": train_version.id, "labeled_version_id": labeled_version.id,
                 "publication_id": publication_id, "label_column": label_column, "target": exp.target,
                 "n_train": len(train), "n_labeled": len(labeled), "unreadable_values": lost, "summary": summary}
    result = datasets.derive_table(ws, train_version, table, operation, created_by=created_by)
    version = result.version
    with ws.write() as db:
        add_link(db, "dataset_version", version.id, "derived_from", "dataset_version", labeled_version.id)
        record_event(db, object_kind="monitor_batch", object_id=batch.id, verb="retrain_data",
                     project_id=model.project_id,
                     message=f"Training data for retraining model {model.id} made as {version.label}: {summary}")
    return datasets.get_version(ws, version.id)


def retrain_spec(ws: Workspace, model_id: str) -> dict[str, Any]:
    """The spec of the model's experiment, for the experiment form of a retrain.

    Returns:
        The experiment's :class:`~core.experiments.spec.SearchConfig` as a dict, with ``task`` and
        ``metric`` as the experiment resolved them, ``retrained_from`` (the experiment's id) and, for the
        form, ``experiment_id``, ``experiment_name``, ``test_size`` and ``model_id``.

    Raises:
        NotFound: unknown model.
    """
    from core.experiments.spec import SearchConfig

    model = get_model(ws, model_id)
    exp = get_experiment(ws, model.experiment_id)
    spec = exp.spec or {}
    search = SearchConfig.from_dict({**(spec.get("search") or {}), "target": exp.target}).as_dict()
    search.update(task=exp.task, metric=exp.metric)
    search["retrained_from"] = exp.id
    return {**search, "experiment_id": exp.id, "experiment_name": exp.name, "model_id": model.id,
            "test_size": float(spec.get("test_size", 0.2))}



def loop_graph(ws: Workspace, model_id: str, *, depth: int = 6) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The loop back from a model as a lineage graph: model -> its batches -> their drift reports and stored
    data -> the versions made from that data (ordered for labeling, labeled, retraining data) and the label
    tasks on them -> the experiments trained on those versions -> the models they produced.

    Args:
        ws: the workspace.
        model_id: the model watched.
        depth: how many derived versions deep to follow.

    Returns:
        ``(nodes, edges)`` for :func:`core.data.charts.lineage_figure`: nodes ``{"id", "kind", "label",
        "detail"}``, edges ``{"source", "target", "relation"}`` as stored (``from --relation--> to``).
    """
    from core.data.views import object_labels

    kinds: dict[str, str] = {model_id: "model"}
    edges: list[dict[str, Any]] = []
    details: dict[str, str] = {}
    named: dict[str, str] = {}  # drift reports have no name: their date

    def add(link: Any) -> None:
        kinds.setdefault(link["from_id"], link["from_kind"])
        kinds.setdefault(link["to_id"], link["to_kind"])
        edge = {"source": link["from_id"], "target": link["to_id"], "relation": link["relation"]}
        if edge not in edges:
            edges.append(edge)

    def links_to(db: Any, kind: str, ids: list[str], relations: tuple[str, ...]) -> list[Any]:
        if not ids:
            return []
        marks, rels = ",".join("?" * len(ids)), ",".join("?" * len(relations))
        return db.execute(f"SELECT * FROM lineage WHERE to_kind = ? AND to_id IN ({marks})"  # noqa: S608
                          f" AND relation IN ({rels}) ORDER BY seq", [kind, *ids, *relations]).fetchall()

    with ws.read() as db:
        batches = links_to(db, "model", [model_id], ("monitors",))
        for link in batches:
            add(link)
        batch_ids = [link["from_id"] for link in batches]
        for link in links_to(db, "monitor_batch", batch_ids, ("reports_on",)):
            add(link)
            row = db.execute("SELECT share_drifted, alert, created_at FROM drift_reports WHERE id = ?",
                             [link["from_id"]]).fetchone()
            if row is not None:
                named[link["from_id"]] = f"drift report {row['created_at'][:10]}" + (" (alert)" if row["alert"] else "")
                if row["share_drifted"] is not None:
                    details[link["from_id"]] = f"{row['share_drifted']:.0%} of features drifted"
        stored = []
        if batch_ids:
            marks = ",".join("?" * len(batch_ids))
            for link in db.execute(f"SELECT * FROM lineage WHERE from_kind = 'monitor_batch' AND from_id IN ({marks})"  # noqa: S608
                                   " AND relation = 'stored_as' ORDER BY seq", batch_ids).fetchall():
                add(link)
                stored.append(link["to_id"])
        versions, frontier = list(stored), list(stored)
        for _ in range(depth):
            found = [link for link in links_to(db, "dataset_version", frontier, ("derived_from",))
                     if link["from_kind"] == "dataset_version"]
            frontier = [link["from_id"] for link in found if link["from_id"] not in versions]
            for link in found:
                add(link)
            versions += frontier
            if not frontier:
                break
        for link in links_to(db, "dataset_version", versions, ("labels",)):
            add(link)  # label tasks on the batch's data
        made = [link for link in links_to(db, "dataset_version", versions, ("uses",)) if link["from_kind"] == "experiment"]
        for link in made:
            add(link)
        for link in links_to(db, "experiment", [link["from_id"] for link in made], ("produced_by",)):
            add(link)
        new_experiments = [link["from_id"] for link in made]
        if new_experiments:
            marks = ",".join("?" * len(new_experiments))
            for link in db.execute(f"SELECT * FROM lineage WHERE from_kind = 'experiment' AND from_id IN ({marks})"  # noqa: S608
                                   " AND relation = 'retrained_from' ORDER BY seq", new_experiments).fetchall():
                add(link)
        own = db.execute("SELECT experiment_id FROM models WHERE id = ?", [model_id]).fetchone()
        if own is not None and own[0] in kinds:
            kinds[own[0]] = "experiment"
    if own is not None:
        edges.append({"source": model_id, "target": own[0], "relation": "produced_by"})
        kinds.setdefault(own[0], "experiment")
    labels = {**object_labels(ws, kinds), **named}
    nodes = [{"id": oid, "kind": kind, "label": labels.get(oid, oid), "detail": details.get(oid, "")}
             for oid, kind in kinds.items()]
    return nodes, edges
