"""Each model's evaluation: metrics with 95% intervals, and its predictions stored once.

:func:`evaluate_model` scores a model on its experiment's held-out rows, predicting them once
with the stored model; every metric gets a seeded bootstrap interval
(:func:`core.evaluation.metrics.bootstrap`, 1,000 resamples) and the predictions (true
class or value, predicted class or value, class probabilities) are stored as a Parquet
artifact, so charts never predict again (:func:`load_predictions`).

When the held-out split is too small to judge a model on
(:func:`core.experiments.spec.holdout_too_small`: under 30 rows, or under 10 of a class),
the model's learner and settings are cross-validated instead: repeated stratified k-fold
over the training and held-out rows together, each fold refit with the model's seed,
feature columns and column types. The reported value is the mean over the folds, with a
bootstrap interval of that mean, ``method="repeated_cv"``, and a note saying why.

New models are evaluated as their job ends (:mod:`core.evaluation.pipeline`); models made
before evaluations were stored get one on demand: :func:`enqueue_evaluation` queues an
``evaluate`` job for those :func:`missing_evaluations` lists.

Example:
    >>> ev = evaluate_model(ws, "mdl_3c1f...")
    >>> ev.method, ev.metric, ev.value, ev.low, ev.high
    ('holdout', 'roc_auc', 0.912, 0.874, 0.946)
    >>> load_predictions(ws, ev.model_id).proba.shape
    (60, 2)
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from core.data import datasets
from core.data.reads import IN_JSON
from core.errors import Conflict, InvalidInput, NotFound
from core.evaluation import metrics as M
from core.experiments.entities import Experiment, Model
from core.experiments.service import get_experiment, get_model, load_model
from core.experiments.spec import holdout_too_small
from core.ids import utcnow
from core.jobs import enqueue, list_jobs
from core.jobs.entities import Job
from core.modeling import ModelBundle
from core.progress import Progress, ProgressFn, no_progress
from core.store.entities import _Entity
from core.workspace import Workspace

__all__ = [
    "CV_FOLDS", "CV_MIN_FOLDS_TOTAL", "Evaluation", "Predictions", "enqueue_evaluation", "evaluate_model",
    "evaluations_of", "find_evaluation_job", "get_evaluation", "load_predictions", "missing_evaluations",
]

CV_FOLDS = 5
CV_MIN_FOLDS_TOTAL = 50  # repeats of the folds on small data: 5 folds x 10 repeats
CV_ROWS_FOR_ALL_REPEATS = 400  # above this many rows, fewer repeats (at least 2)
EVALUATE_HINT = "Evaluate it: the Compare page's 'Evaluate now', or `mlcycle models evaluate {model}`."
REEVALUATE_HINT = ("Evaluate the model again to store them: the Compare page's 'Evaluate now', or "
                   "`mlcycle models evaluate {model}`.")


@dataclass(frozen=True)
class Evaluation(_Entity):
    """A model's evaluation (one row of ``evaluations``, JSON columns decoded).

    Attributes:
        model_id: the model.
        method: ``holdout`` (the experiment's held-out rows) or ``repeated_cv`` (that split was
            too small: repeated cross-validation, see ``notes``).
        metric: the experiment's metric, the headline.
        value: that metric (``None`` when it cannot be computed here, e.g. one-vs-one ROC AUC).
        low: its interval's lower end.
        high: its interval's upper end.
        metrics: every metric: ``{"roc_auc": {"value", "low", "high"}, ...}``.
        per_class: classifiers: ``[{"class", "precision", "recall", "f1", "support"}]``.
        averaging: how each classification metric is averaged over classes (shown beside it).
        n_rows: rows scored (the held-out rows, or every row with repeated CV).
        predictions_artifact: the Parquet artifact of the predictions (:func:`load_predictions`).
        settings: ``{"resamples", "seed", "confidence", "classes", "task", "folds", "repeats"}``.
        notes: sentences about how it was measured (why repeated CV, rows left out).
        created_at: when it was computed.
    """

    _json_fields: ClassVar[tuple[str, ...]] = ("metrics", "per_class", "averaging", "settings", "notes")

    model_id: str
    method: str
    metric: str
    value: float | None
    low: float | None
    high: float | None
    metrics: dict[str, dict[str, Any]]
    per_class: list[dict[str, Any]]
    averaging: dict[str, str]
    n_rows: int
    predictions_artifact: str | None
    settings: dict[str, Any]
    notes: list[str]
    created_at: str

    def interval(self, name: str) -> dict[str, Any] | None:
        """A metric's ``{"value", "low", "high"}`` by any name that measures it (``roc_auc_ovr``), or ``None``."""
        found = M.lookup(self.metrics, name, self.settings.get("task"))
        return found[1] if found else None


@dataclass(frozen=True)
class Predictions:
    """A model's stored predictions, as the charts read them (never predicted again by a page).

    Attributes:
        task: ``binary``, ``multiclass`` or ``regression``.
        classes: the class labels in code order (``[]`` for regression).
        y_true: true class codes (int) or values (float).
        y_pred: predicted class codes or values.
        proba: class probabilities ``(n, k)`` for classifiers, else ``None``.
        repeat: with repeated cross-validation, the repeat each out-of-fold row belongs to; else ``None``.
        fold: with repeated cross-validation, the fold within its repeat; else ``None``.
    """

    task: str
    classes: list[Any]
    y_true: np.ndarray
    y_pred: np.ndarray
    proba: np.ndarray | None
    repeat: np.ndarray | None = None
    fold: np.ndarray | None = field(default=None)


# ---------------------------------------------------------------- computing

def evaluate_model(ws: Workspace, model_id: str, *, progress: ProgressFn = no_progress) -> Evaluation:
    """Compute a model's evaluation and store it (replacing an earlier one), with its predictions.

    Args:
        ws: the workspace.
        model_id: the model.
        progress: called as it loads, predicts or cross-validates, and stores. Nothing is
            written before the last report, so a callback that raises stops it cleanly.

    Returns:
        The stored evaluation.

    Raises:
        NotFound: if the model, its file, its experiment or its data versions are missing.
        InvalidInput: if no held-out row has a target value, or the data cannot be
            cross-validated (a class with a single row).
        ExternalToolFailed: if refitting a fold fails (repeated CV).
    """
    model = get_model(ws, model_id)
    exp = get_experiment(ws, model.experiment_id)
    if not exp.test_version_id or not exp.train_version_id:
        raise NotFound(f"Experiment '{exp.name}' of model {model.id} has no recorded held-out split.",
                       hint="Evaluate a model of an experiment made with MLCycle's split.")
    progress(Progress(0.02, f"Evaluating model {model.id}: loading the model and the held-out rows"))
    bundle = load_model(ws, model.id)
    test = datasets.load_frame(ws, exp.test_version_id)
    if exp.target not in test.columns:
        raise InvalidInput(f"The held-out rows of '{exp.name}' have no column '{exp.target}'.")
    too_small = holdout_too_small(test[exp.target], exp.task)
    seed = int((exp.spec.get("resolved") or {}).get("seed", bundle.seed))
    if too_small is None:
        ev, frame = _holdout(model, exp, bundle, test, seed, progress)
    else:
        train = datasets.load_frame(ws, exp.train_version_id)
        ev, frame = _repeated_cv(model, exp, bundle, train, test, seed, too_small, progress)
    progress(Progress(0.98, f"Evaluating model {model.id}: storing the metrics and predictions"))
    sha = ws.artifacts.put_bytes(_parquet_bytes(frame))
    ev = replace(ev, predictions_artifact=sha)
    _store(ws, ev)
    progress(Progress(1.0, f"Evaluated model {model.id}: {_headline(ev)}"))
    return get_evaluation(ws, model.id) or ev


def _headline(ev: Evaluation) -> str:
    if ev.value is None:
        return f"{ev.metric} not computed ({ev.method})"
    text = f"{ev.metric} {_num(ev.value)}"
    if ev.low is not None and ev.high is not None:
        text += f" (95% interval {_num(ev.low)}–{_num(ev.high)})"
    return text + (" by repeated cross-validation" if ev.method == "repeated_cv" else " on the held-out rows")


def _num(x: float) -> str:
    return f"{x:.4g}" if math.isfinite(x) else str(x)


def _codes(y: pd.Series, classes: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Class codes of target values in the model's class order, and which rows have a class the model knows."""
    index = {c: i for i, c in enumerate(classes)}
    codes = y.map(index)
    if codes.isna().any():  # a label read back as another type (1 vs "1"): match by text
        by_text = {str(c): i for i, c in enumerate(classes)}
        codes = codes.fillna(y.astype(str).map(by_text))
    known = codes.notna().to_numpy()
    return codes.fillna(-1).to_numpy(dtype=int), known


def _assemble(model: Model, exp: Experiment, bundle: ModelBundle, method: str, metrics: dict[str, M.Interval],
              per_class: list[dict[str, Any]], n_rows: int, settings: dict[str, Any], notes: list[str]) -> Evaluation:
    stored = {k: v.as_dict() for k, v in metrics.items()}
    headline = M.lookup(stored, exp.metric, exp.task)
    entry = headline[1] if headline else {}
    if headline is None:
        notes = [*notes, f"The experiment's metric {exp.metric} is not computed here; see the other metrics."]
    return Evaluation(
        model_id=model.id, method=method, metric=exp.metric, value=entry.get("value"), low=entry.get("low"),
        high=entry.get("high"), metrics=stored, per_class=per_class, averaging=M.averaging_for(exp.task),
        n_rows=int(n_rows), predictions_artifact=None,
        settings={"resamples": M.N_RESAMPLES, "seed": settings.pop("seed"), "confidence": M.CONFIDENCE,
                  "classes": [_plain(c) for c in (bundle.classes or [])], "task": exp.task, **settings},
        notes=notes, created_at=utcnow())


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _holdout(model: Model, exp: Experiment, bundle: ModelBundle, test: pd.DataFrame, seed: int,
             progress: ProgressFn) -> tuple[Evaluation, pd.DataFrame]:
    """Score the stored model on the held-out rows (predicted once) with bootstrap intervals."""
    from core.experiments.training import split_xy

    X, y = split_xy(test, bundle.target, bundle.input_columns)
    if y.empty:
        raise InvalidInput(f"No held-out row of '{exp.name}' has a value in '{bundle.target}'.",
                           hint="The held-out split has no labelled rows; nothing can be scored.")
    notes: list[str] = []
    progress(Progress(0.2, f"Evaluating model {model.id}: predicting {len(y)} held-out rows"))
    if bundle.is_classifier:
        codes, known = _codes(y, list(bundle.classes or []))
        if not known.all():
            notes.append(f"{int((~known).sum())} held-out rows have a class the model never saw; they are left out.")
        if not known.any():
            raise InvalidInput(f"No held-out row of '{exp.name}' has a class the model knows.")
        codes, X = codes[known], X[known]
        proba = np.asarray(bundle.predict_proba(X), dtype=float)
        progress(Progress(0.5, f"Evaluating model {model.id}: 1,000 bootstrap resamples of {len(codes)} rows"))
        intervals = M.bootstrap(codes, proba, M.classification_metrics, seed=seed)
        per_class = M.per_class_table(codes, proba, list(bundle.classes or []))
        frame = _prediction_frame(codes, np.argmax(proba, axis=1), proba)
        n_rows = len(codes)
    else:
        truth = pd.to_numeric(y, errors="coerce").to_numpy(dtype=float)
        pred = np.asarray(bundle.predict(X), dtype=float)
        progress(Progress(0.5, f"Evaluating model {model.id}: 1,000 bootstrap resamples of {len(truth)} rows"))
        intervals = M.bootstrap(truth, pred, M.regression_metrics, seed=seed)
        per_class, frame, n_rows = [], _prediction_frame(truth, pred, None), len(truth)
    return _assemble(model, exp, bundle, "holdout", intervals, per_class, n_rows, {"seed": seed}, notes), frame


def _prediction_frame(y_true: np.ndarray, y_pred: np.ndarray, proba: np.ndarray | None,
                      repeat: np.ndarray | None = None, fold: np.ndarray | None = None) -> pd.DataFrame:
    cols: dict[str, Any] = {"y_true": y_true, "y_pred": y_pred}
    if proba is not None:
        cols |= {f"p_{i}": proba[:, i] for i in range(proba.shape[1])}
    if repeat is not None:
        cols |= {"repeat": repeat, "fold": fold}
    return pd.DataFrame(cols)


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def cv_plan(n_rows: int, min_class_rows: int | None) -> tuple[int, int]:
    """How many folds and repeats a repeated cross-validation of ``n_rows`` rows uses.

    Five folds (fewer when a class has fewer rows), repeated so that small data gets at
    least :data:`CV_MIN_FOLDS_TOTAL` folds in all; above :data:`CV_ROWS_FOR_ALL_REPEATS` rows
    the repeats shrink with the data, to no fewer than two.

    Args:
        n_rows: rows with a target value.
        min_class_rows: rows of the smallest class (``None`` for regression).

    Returns:
        ``(folds, repeats)``.

    Raises:
        InvalidInput: if there are too few rows (or a class has a single row) for two folds.
    """
    folds = CV_FOLDS if min_class_rows is None else min(CV_FOLDS, min_class_rows)
    folds = min(folds, n_rows // 2)
    if folds < 2:
        what = ("a class has a single row" if min_class_rows is not None and min_class_rows < 2
                else f"there are only {n_rows} rows")
        raise InvalidInput(f"The model cannot be cross-validated: {what}.",
                           hint="Add rows (every class needs at least two) and run a new experiment.")
    repeats = math.ceil(CV_MIN_FOLDS_TOTAL / folds)
    if n_rows > CV_ROWS_FOR_ALL_REPEATS:
        repeats = max(2, math.ceil(repeats * CV_ROWS_FOR_ALL_REPEATS / n_rows))
    return folds, repeats


def _repeated_cv(model: Model, exp: Experiment, bundle: ModelBundle, train: pd.DataFrame, test: pd.DataFrame,
                 seed: int, why: str, progress: ProgressFn) -> tuple[Evaluation, pd.DataFrame]:
    """Cross-validate the model's learner and settings on train + held-out rows, repeated, refit per fold."""
    from sklearn.model_selection import RepeatedKFold, RepeatedStratifiedKFold

    from core.experiments.search import refit_config
    from core.experiments.training import split_xy

    resolved = exp.spec.get("resolved") or {}
    features = list(resolved.get("feature_columns") or bundle.input_columns)
    semantic = exp.spec.get("semantic") or {c.name: c.kind for c in bundle.preprocessor.columns}
    frame = pd.concat([train, test], ignore_index=True)
    _X, y = split_xy(frame, exp.target, features)
    rows = frame.loc[y.index].reset_index(drop=True)
    y = y.reset_index(drop=True)
    notes = [why]
    classes = list(bundle.classes or [])
    if bundle.is_classifier:
        codes, known = _codes(y, classes)
        if not known.all():
            notes.append(f"{int((~known).sum())} rows have a class the model never saw; they are left out.")
            rows, codes = rows[known].reset_index(drop=True), codes[known]
        counts = np.bincount(codes, minlength=len(classes))
        folds, repeats = cv_plan(len(codes), int(counts[counts > 0].min()))
        splitter: Any = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
        split_on = codes
    else:
        truth = pd.to_numeric(y, errors="coerce").to_numpy(dtype=float)
        folds, repeats = cv_plan(len(truth), None)
        splitter = RepeatedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
        split_on = truth
    total = folds * repeats
    n = len(split_on)
    k = len(classes)
    oof = np.zeros((repeats, n, k)) if bundle.is_classifier else np.zeros((repeats, n))
    fold_of = np.zeros((repeats, n), dtype=int)
    fold_scores: list[dict[str, float]] = []
    for i, (fit_idx, held_idx) in enumerate(splitter.split(np.zeros(n), split_on)):
        progress(Progress(0.05 + 0.85 * i / total,
                          f"Evaluating model {model.id}: cross-validation fold {i + 1} of {total} "
                          f"({repeats} repeats of {folds} folds, {n} rows)"))
        fitted = refit_config(rows.iloc[fit_idx], exp.target, exp.task, model.learner, model.config, seed,
                              feature_columns=features, n_jobs=int(bundle.n_jobs or 1), semantic=semantic)
        held = rows.iloc[held_idx]
        repeat_no = i // folds
        fold_of[repeat_no, held_idx] = i % folds
        if bundle.is_classifier:
            proba = _in_class_order(fitted, held, classes)
            oof[repeat_no, held_idx] = proba
            fold_scores.append(M.classification_metrics(codes[held_idx], proba, classes))
        else:
            pred = np.asarray(fitted.predict(held), dtype=float)
            oof[repeat_no, held_idx] = pred
            fold_scores.append(M.regression_metrics(truth[held_idx], pred))
    progress(Progress(0.92, f"Evaluating model {model.id}: 1,000 bootstrap resamples of the {n} rows"))
    truth_or_codes = codes if bundle.is_classifier else truth
    by_rows = M.bootstrap_repeats(truth_or_codes, list(oof), seed=seed)
    intervals: dict[str, M.Interval] = {}
    for name in dict.fromkeys(k for s in fold_scores for k in s):
        scores = np.array([s.get(name, np.nan) for s in fold_scores], dtype=float)
        if not np.isfinite(scores).any():
            continue
        value = float(np.nanmean(scores))
        rows_iv = by_rows.get(name)
        if rows_iv is None or rows_iv.low is None or rows_iv.high is None:
            intervals[name] = M.bootstrap_mean(scores, seed=seed) or M.Interval(value, None, None)
        else:
            intervals[name] = M.Interval(value, min(rows_iv.low, value), max(rows_iv.high, value))
    frame = pd.concat([
        _prediction_frame(truth_or_codes, np.argmax(oof[r], axis=1) if bundle.is_classifier else oof[r],
                          oof[r] if bundle.is_classifier else None, np.full(n, r), fold_of[r])
        for r in range(repeats)], ignore_index=True)
    per_class = []
    if bundle.is_classifier:
        per_class = M.per_class_table(np.tile(codes, repeats), oof.reshape(-1, k), classes)
    notes.append(f"So the model's learner and settings were cross-validated instead: {repeats} repeats of "
                 f"{folds}-fold {'stratified ' if bundle.is_classifier else ''}cross-validation on all {n} rows "
                 f"(training and held-out), refit on each fold with the same seed. Each value is the mean over "
                 f"the {total} folds; its 95% interval resamples the {n} rows (1,000 times) and scores every "
                 f"repeat's out-of-fold predictions of them, so it shows how few rows there are.")
    settings = {"seed": seed, "folds": folds, "repeats": repeats}
    return _assemble(model, exp, bundle, "repeated_cv", intervals, per_class, n, settings, notes), frame


def _in_class_order(fitted: ModelBundle, rows: pd.DataFrame, classes: list[Any]) -> np.ndarray:
    """A fold model's probabilities with one column per class of the full model (0 for a class the fold lacked)."""
    proba = np.asarray(fitted.predict_proba(rows), dtype=float)
    fold_classes = list(fitted.classes or [])
    if fold_classes == classes:
        return proba
    out = np.zeros((len(rows), len(classes)))
    for j, c in enumerate(classes):
        if c in fold_classes:
            out[:, j] = proba[:, fold_classes.index(c)]
    return out


def _store(ws: Workspace, ev: Evaluation) -> None:
    row = {**ev.__dict__}
    for key in Evaluation._json_fields:
        row[key] = json.dumps(row[key], default=str)
    with ws.write() as db:
        db["evaluations"].insert(row, replace=True)


# ---------------------------------------------------------------- reading

def get_evaluation(ws: Workspace, model_id: str) -> Evaluation | None:
    """Return a model's stored evaluation, or ``None`` when it has none (an unknown id has none either)."""
    return evaluations_of(ws, [model_id]).get(model_id)


def evaluations_of(ws: Workspace, model_ids: list[str]) -> dict[str, Evaluation]:
    """Return the stored evaluations of several models with one query.

    Args:
        ws: the workspace.
        model_ids: the models.

    Returns:
        ``{model_id: Evaluation}`` for those that have one.
    """
    ids = list(dict.fromkeys(model_ids))
    if not ids:
        return {}
    with ws.read() as db:
        rows = db.execute(f"SELECT * FROM evaluations WHERE model_id {IN_JSON}", [json.dumps(ids)]).fetchall()
    return {r["model_id"]: Evaluation.from_row(r) for r in rows}


def load_predictions(ws: Workspace, model_id: str) -> Predictions:
    """Return the predictions stored with a model's evaluation (the charts read these).

    Raises:
        NotFound: if the model has no evaluation yet, or its stored predictions are missing
            (the hint says how to evaluate it again).
        Corrupted: if the predictions file changed on disk.
    """
    ev = get_evaluation(ws, model_id)
    if ev is None:
        get_model(ws, model_id)  # an unknown id says so
        raise NotFound(f"Model {model_id} has no evaluation yet, so it has no stored predictions.",
                       hint=EVALUATE_HINT.format(model=model_id))
    if not ev.predictions_artifact:
        raise NotFound(f"The evaluation of model {model_id} has no stored predictions.",
                       hint=EVALUATE_HINT.format(model=model_id))
    try:
        data = ws.artifacts.read_bytes(ev.predictions_artifact)
    except NotFound as exc:
        raise NotFound(f"The stored predictions of model {model_id} (file {ev.predictions_artifact[:12]}) are "
                       f"missing from {ws.artifacts.root}.",
                       hint=REEVALUATE_HINT.format(model=model_id)) from exc
    frame = pd.read_parquet(io.BytesIO(data))
    task = ev.settings.get("task", "regression")
    classes = list(ev.settings.get("classes") or [])
    classifier = task != "regression"
    proba = frame[[f"p_{i}" for i in range(len(classes))]].to_numpy(dtype=float) if classifier else None
    dtype = int if classifier else float
    return Predictions(
        task=task, classes=classes if classifier else [], y_true=frame["y_true"].to_numpy(dtype=dtype),
        y_pred=frame["y_pred"].to_numpy(dtype=dtype), proba=proba,
        repeat=frame["repeat"].to_numpy(dtype=int) if "repeat" in frame else None,
        fold=frame["fold"].to_numpy(dtype=int) if "fold" in frame else None,
    )


def missing_evaluations(ws: Workspace, project_id: str | None = None, *, include_archived: bool = False) -> list[str]:
    """Return the ids of models without a usable evaluation, oldest first.

    A model whose stored predictions file is gone (a partial copy of the workspace) counts
    as missing too, so evaluating the missing models repairs it.

    Args:
        ws: the workspace.
        project_id: only this project's models (``None``: every model).
        include_archived: also archived models.
    """
    sql = "SELECT m.id, e.model_id AS evaluated, e.predictions_artifact FROM models m" \
          " LEFT JOIN evaluations e ON e.model_id = m.id WHERE 1 = 1"
    params: list[Any] = []
    if project_id is not None:
        sql += " AND m.project_id = ?"
        params.append(project_id)
    if not include_archived:
        sql += " AND m.archived_at IS NULL"
    with ws.read() as db:
        rows = db.execute(sql + " ORDER BY m.created_at, m.id", params).fetchall()
    return [r["id"] for r in rows if r["evaluated"] is None
            or (r["predictions_artifact"] and not _stored(ws, r["predictions_artifact"]))]


def _stored(ws: Workspace, sha: str) -> bool:
    try:
        return ws.artifacts.exists(sha)
    except InvalidInput:
        return False


def find_evaluation_job(ws: Workspace, project_id: str | None = None) -> Job | None:
    """Return an ``evaluate`` job that is queued or running (of a project, when given), else ``None``."""
    for job in list_jobs(ws, kind="evaluate", limit=50):
        if not job.finished and (project_id is None or job.project_id == project_id):
            return job
    return None


def enqueue_evaluation(ws: Workspace, model_ids: list[str] | None = None, *, project_id: str | None = None,
                       start_worker: bool = True) -> Job:
    """Queue an ``evaluate`` job: existing models get their evaluation computed on demand.

    Args:
        ws: the workspace.
        model_ids: the models to evaluate (evaluated again if they have one); ``None``: every
            model (of ``project_id``) that has none (:func:`missing_evaluations`).
        project_id: the project the job belongs to (and, without ``model_ids``, whose models).
        start_worker: start a worker process if none is alive.

    Returns:
        The queued job, or a queued or running one for the same models.

    Raises:
        NotFound: if a model id is unknown.
        Conflict: if there is nothing to evaluate (every model already has an evaluation).
    """
    if model_ids is None:
        ids = missing_evaluations(ws, project_id)
    else:
        ids = list(dict.fromkeys(model_ids))
        for model_id in ids:
            get_model(ws, model_id)
    if not ids:
        raise Conflict("Every model already has an evaluation; there is nothing to evaluate.",
                       hint="Name a model to evaluate it again.")
    payload = {"model_ids": ids}
    for job in list_jobs(ws, kind="evaluate", limit=50):
        if not job.finished and job.payload == payload:
            return job
    if project_id is None:
        with ws.read() as db:
            owners = {r[0] for r in db.execute(f"SELECT project_id FROM models WHERE id {IN_JSON}",
                                               [json.dumps(ids)]).fetchall()}
        project_id = owners.pop() if len(owners) == 1 else None
    title = f"Evaluate model {ids[0]}" if len(ids) == 1 else f"Evaluate {len(ids)} models"
    return enqueue(ws, "evaluate", payload, title=title, project_id=project_id, start_worker=start_worker)
