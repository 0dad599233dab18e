"""Experiments: AutoML searches run by the worker, every trial a run, the best one a model.

``create_experiment`` checks the spec against the data at once (so mistakes are explained
before anything is queued), makes the held-out test split as its own dataset version,
records the environment and queues an ``automl`` job. The job (``run_automl_job``) runs
the search in the worker, mirrors each trial into ``runs`` as it finishes, refits the best
configuration, scores it on the held-out split and stores it as one model artifact.

Refitting the best trial of a stopped search and reproducing a model train too, so they run
as jobs as well: ``enqueue_refit`` and ``enqueue_reproduce`` check the request at once and
queue a ``refit`` or ``reproduce`` job, whose bodies are ``refit_best_run`` and
``reproduce_model``.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.data import datasets
from core.data.reads import IN_JSON
from core.errors import Conflict, InvalidInput, MLCycleError, NotFound
from core.experiments import search as automl
from core.experiments.entities import Experiment, Model, Run
from core.experiments.environment import capture_environment
from core.ids import new_id, utcnow
from core.jobs import JobCancelled, JobContext, cancel_job, enqueue
from core.jobs.entities import Job
from core.modeling import ModelBundle
from core.store.activity import record_event
from core.store.lineage import add_link
from core.workspace import Workspace

__all__ = [
    "DEFAULT_TEST_SIZE",
    "list_models_of",
    "cancel_experiment",
    "create_experiment",
    "detect_task_of",
    "get_experiment",
    "get_model",
    "holdout_check",
    "list_experiments",
    "list_models",
    "list_runs",
    "load_model",
    "on_automl_job_ended",
    "reference_statistics",
    "run_automl_job",
    "run_summary",
    "selection_of",
    "trial_records",
    "use_model",
]

DEFAULT_TEST_SIZE = 0.2
log = logging.getLogger("mlcycle.experiments")


# ---------------------------------------------------------------- create and read

def create_experiment(
    ws: Workspace,
    dataset_version_id: str,
    config: automl.SearchConfig,
    *,
    project_id: str | None = None,
    hypothesis_id: str | None = None,
    name: str = "",
    test_size: float = DEFAULT_TEST_SIZE,
    start_worker: bool = True,
    job_title: str = "",
) -> Experiment:
    """Check a search spec against its data, split off the held-out test set and queue the search.

    Everything is checked before anything is written: the project, the hypothesis (it must
    belong to the experiment's project), the spec against the data, and the spec against the
    training part the split would leave (a class with too few rows after holding out). The
    writes (the split versions, the experiment, its job) are undone if one of them fails, so
    a failed call leaves nothing behind. The columns' semantic types (the version's, the
    user's overrides included) are recorded with the spec and decide each feature's kind.

    With a saved feature set (``config.feature_set``, its id), its columns become the feature
    columns (given both, they must be the same columns); the spec records the set
    (``spec["resolved"]["feature_set"] = {"id", "name", "columns"}``) and lineage links
    ``experiment --uses_features--> feature_set``.

    An experiment that retrains another (``config.retrained_from``, its id: the Monitor step's
    "Retrain") keeps that id in its spec and links ``experiment --retrained_from--> experiment``.

    When the held-out split is too small to judge a model on (:func:`holdout_check`), the spec
    records it: ``spec["holdout_check"]`` always, and ``spec["evaluation_note"]`` (the warning, in
    English) when the model will be evaluated by repeated cross-validation instead.

    Args:
        ws: the workspace.
        dataset_version_id: the data to learn from (a held-out split of it is made here).
        config: the search spec (target, task, metric, budget, learners, evaluation, seed...). With
            a hypothesis and the metric ``auto``, the search optimises the hypothesis's metric
            when it fits the task (:func:`core.experiments.spec.metric_for_task`).
        project_id: the project it belongs to.
        hypothesis_id: the hypothesis it tests (of the same project); the hypothesis is then
            recorded as using the dataset (lineage ``hypothesis --uses--> dataset``).
        name: a short name (defaults to "<target> on <dataset>").
        test_size: share of rows held out for the final, never-searched-on evaluation.
        start_worker: start a background worker if none is alive.
        job_title: the search job's title (default: ``AutoML: <name>``).

    Returns:
        The queued experiment (``job_id`` set).

    Raises:
        NotFound: if the version, the project, the hypothesis, the feature set or the experiment it
            retrains does not exist.
        InvalidInput: if the spec does not fit the data (missing target, one class, budget 0...),
            the split would leave a class too few training rows, no column is usable as a
            feature, the hypothesis belongs to another project, or the feature set is archived,
            names a column the version lacks or the target, or differs from the feature columns given.
    """
    version = datasets.get_version(ws, dataset_version_id)
    project_id = _owning_project(ws, version, project_id, hypothesis_id)
    if not 0.05 <= float(test_size) <= 0.5:
        raise InvalidInput(f"A held-out share of {test_size:g} is outside 0.05-0.5.",
                           hint="Hold out between 5% and 50% of the rows (20% is usual).")
    frame = datasets.load_frame(ws, version.id)
    config, feature_set = _apply_feature_set(ws, version, config)
    if config.retrained_from:
        get_experiment(ws, config.retrained_from)  # raises NotFound for an unknown one
    resolved = automl.validate(config, frame)  # explains bad specs before anything is written
    if hypothesis_id and config.metric == "auto":  # judged on the hypothesis's metric: optimise that one
        from dataclasses import replace

        from core.define.hypotheses import get_hypothesis

        wanted = automl.metric_for_task(get_hypothesis(ws, hypothesis_id).metric, resolved.task)
        if wanted and wanted != resolved.metric:
            config = replace(config, metric=wanted)
            resolved = automl.validate(config, frame)
    semantic = {c.name: c.semantic for c in version.schema}
    _check_features(resolved, semantic, version.label)
    stratify = resolved.task in ("binary", "multiclass")
    test_rows = _check_training_part(ws, version, frame, config, resolved.target, test_size, stratify)
    holdout = automl.check_holdout(_target_values(frame.iloc[test_rows], resolved.target), resolved.task)
    experiment_id, job_id = new_id("exp"), None
    before = {v.id for v in datasets.list_versions(ws, version.dataset_id)}
    try:
        train, test = datasets.split_version(ws, version.id, target=resolved.target, test_size=test_size,
                                             seed=config.seed, stratify=stratify)
        spec = {"search": config.as_dict(), "resolved": resolved.as_dict(), "test_size": float(test_size),
                "semantic": semantic, "holdout_check": holdout.as_dict()}
        if feature_set:  # the saved set the columns came from, by name as it was then
            spec["resolved"]["feature_set"] = feature_set
        if holdout.warning:
            spec["evaluation_note"] = holdout.warning
        row = {
            "id": experiment_id, "project_id": project_id, "hypothesis_id": hypothesis_id,
            "name": (name or f"{resolved.target} on {version.label.split(' · ')[0]}").strip(),
            "dataset_version_id": version.id, "train_version_id": train.id, "test_version_id": test.id,
            "target": resolved.target, "task": resolved.task, "metric": resolved.metric,
            "spec": json.dumps(spec, default=str), "status": "queued", "n_trials": 0,
            "data_sha256": version.sha256, "environment": json.dumps(capture_environment()),
            "created_at": utcnow(),
        }
        with ws.write() as db:
            db["experiments"].insert(row)
            add_link(db, "experiment", experiment_id, "uses", "dataset_version", version.id)
            add_link(db, "experiment", experiment_id, "trained_on", "dataset_version", train.id)
            add_link(db, "experiment", experiment_id, "evaluated_on", "dataset_version", test.id)
            if hypothesis_id:
                add_link(db, "experiment", experiment_id, "tests", "hypothesis", hypothesis_id)
            if feature_set:
                add_link(db, "experiment", experiment_id, "uses_features", "feature_set", feature_set["id"])
            if config.retrained_from:
                add_link(db, "experiment", experiment_id, "retrained_from", "experiment", config.retrained_from)
            record_event(db, object_kind="experiment", object_id=experiment_id, verb="created",
                         message=f"Experiment '{row['name']}' queued ({resolved.task}, {resolved.metric})",
                         project_id=project_id)
        job = enqueue(ws, "automl", {"experiment_id": experiment_id}, title=job_title or f"AutoML: {row['name']}",
                      project_id=project_id, start_worker=False)
        job_id = job.id
        with ws.write() as db:
            db["experiments"].update(experiment_id, {"job_id": job.id})
            if hypothesis_id:  # the hypothesis now uses this dataset (its Define page lists it)
                add_link(db, "hypothesis", hypothesis_id, "uses", "dataset", version.dataset_id)
    except BaseException:
        _undo_create(ws, experiment_id, job_id, version, before)
        raise
    if start_worker:
        from core.jobs import ensure_worker

        ensure_worker(ws)
    return get_experiment(ws, experiment_id)


def _owning_project(ws: Workspace, version: Any, project_id: str | None, hypothesis_id: str | None) -> str | None:
    """The experiment's project: the one given (it must exist), the hypothesis's, or the dataset's only one.

    Raises:
        NotFound: if the project or the hypothesis does not exist.
        InvalidInput: if the hypothesis belongs to another project.
    """
    from core.define.hypotheses import get_hypothesis
    from core.define.projects import get_project

    if project_id is not None:
        project_id = get_project(ws, project_id).id
    if hypothesis_id:
        project_id = get_hypothesis(ws, hypothesis_id, project_id=project_id).project_id
    if project_id is None:
        with ws.read() as db:
            owners = [r[0] for r in db.execute("SELECT project_id FROM project_datasets WHERE dataset_id = ?",
                                              [version.dataset_id]).fetchall()]
        project_id = owners[0] if len(owners) == 1 else None
    return project_id


def _apply_feature_set(ws: Workspace, version: Any, config: automl.SearchConfig,
                       ) -> tuple[automl.SearchConfig, dict[str, Any] | None]:
    """The spec with a saved feature set's columns as its feature columns, and the set as the spec records it.

    Args:
        ws: the workspace.
        version: the experiment's data version.
        config: the spec; ``config.feature_set`` is the set's id (``None``: no set, nothing changes).

    Returns:
        ``(config, {"id", "name", "columns"})``, or ``(config, None)`` without a set.

    Raises:
        NotFound: if there is no such feature set.
        InvalidInput: if the set is archived, names a column the version lacks or the target, or
            the spec also names feature columns that are not the set's.
    """
    if not config.feature_set:
        return config, None
    from dataclasses import replace

    from core.features import service as feature_sets

    fs = feature_sets.get_set(ws, config.feature_set)
    hint = "Choose another feature set, or choose the columns yourself."
    if getattr(fs, "archived_at", None):
        raise InvalidInput(f"Feature set '{fs.name}' is archived.", hint=hint)
    columns = [str(c) for c in fs.columns]
    present = {c.name for c in version.schema}
    absent = [c for c in columns if c not in present]
    if absent:
        raise InvalidInput(f"Feature set '{fs.name}' has columns that {version.label} lacks: {_names(absent)}.",
                           hint=hint)
    if config.target in columns:
        raise InvalidInput(f"Feature set '{fs.name}' includes the target '{config.target}'.", hint=hint)
    if config.feature_columns and set(config.feature_columns) != set(columns):
        only_set = [c for c in columns if c not in set(config.feature_columns)]
        only_given = [c for c in config.feature_columns if c not in set(columns)]
        raise InvalidInput(f"The feature columns do not match feature set '{fs.name}': only in the set: "
                           f"{_names(only_set) or '—'}; only in the columns given: {_names(only_given) or '—'}.",
                           hint="Give the feature set alone (its columns are used), or the columns alone.")
    features = tuple(config.feature_columns) if config.feature_columns else tuple(columns)
    return (replace(config, feature_set=fs.id, feature_columns=features),
            {"id": fs.id, "name": fs.name, "columns": list(features)})


def _names(columns: list[str], limit: int = 10) -> str:
    """Column names quoted and joined, the first ``limit`` of them."""
    shown = ", ".join(f"'{c}'" for c in columns[:limit])
    return shown + (f" and {len(columns) - limit} more" if len(columns) > limit else "")


def _check_features(resolved: automl.ResolvedConfig, semantic: dict[str, str], label: str) -> None:
    """Refuse a feature set whose every column is an ID, free text or image paths by its semantic type.

    Raises:
        InvalidInput: naming the columns and their types.
    """
    from core.modeling.columns import NOT_FEATURES

    cols = list(resolved.feature_columns)
    if cols and all(semantic.get(c) in NOT_FEATURES for c in cols):
        shown = ", ".join(f"'{c}' ({semantic[c]})" for c in cols[:10])
        raise InvalidInput(f"No column of {label} can be a feature: {shown}.",
                           hint="Set a column's semantic type to numeric, categorical, boolean or datetime "
                                "(`mlcycle datasets types` or the Data page), or add columns.")


def _split_rows(ws: Workspace, version: Any, n_rows: int, target: str, test_size: float, seed: int,
                stratify: bool) -> tuple[np.ndarray, np.ndarray]:
    """The (training, held-out) row indices, chosen exactly as :func:`core.data.datasets.split_version` will.

    Raises:
        InvalidInput: if the split is impossible.
    """
    from core.data.ops import stratified_split

    labels = None
    if stratify:
        labels = datasets.load_table(ws, version.id, columns=[target]).column(target).to_numpy(zero_copy_only=False)
    train_idx, test_idx, _notes = stratified_split(n_rows, labels, test_size=test_size, seed=seed, label=version.label)
    return train_idx, test_idx


def _target_values(frame: pd.DataFrame, target: str) -> pd.Series:
    """A target column without its empty values (blank text counts as empty, as for training)."""
    return automl.split_xy(frame[[target]], target, [])[1]


def holdout_check(ws: Workspace, version_id: str, target: str, *, test_size: float = DEFAULT_TEST_SIZE,
                  seed: int = 0, task: str = "auto") -> automl.HoldoutCheck:
    """Whether the held-out split an experiment would make is too small to judge a model on.

    The split is the one :func:`create_experiment` makes with the same arguments (the same rows).
    A form calls this before the run to warn that the model will be evaluated by repeated
    cross-validation instead of the single split.

    Args:
        ws: the workspace.
        version_id: the data version.
        target: the target column.
        test_size: the share of rows held out.
        seed: the experiment's seed.
        task: ``auto`` (detected from the target), ``classification``, ``binary``, ``multiclass``
            or ``regression``; a split is stratified for classification.

    Returns:
        The check (``too_small``, ``warning``, the held-out row count and the small classes).

    Raises:
        NotFound: if the version does not exist.
        InvalidInput: if the target is not a column of the version or is empty, the task is
            unknown, or the held-out share is outside 0.05-0.5.
    """
    version = datasets.get_version(ws, version_id)
    if target not in [c.name for c in version.schema]:
        raise InvalidInput(f"'{version.label}' has no column '{target}'.", hint="Choose one of its columns.")
    if not 0.05 <= float(test_size) <= 0.5:
        raise InvalidInput(f"A held-out share of {test_size:g} is outside 0.05-0.5.",
                           hint="Hold out between 5% and 50% of the rows (20% is usual).")
    frame = datasets.load_frame(ws, version.id, columns=[target])
    y = _target_values(frame, target)
    if y.empty:
        raise InvalidInput(f"The target column '{target}' is empty in every row.",
                           hint="Choose a target that has values, or label the rows first.")
    detected = automl.detect_task(y)
    if task in ("auto", "classification"):
        task = detected if task == "auto" or detected != "regression" else (
            "binary" if y.nunique() <= 2 else "multiclass")
    elif task not in ("binary", "multiclass", "regression"):
        raise InvalidInput(f"Unknown task '{task}'.", hint="Use auto, classification, binary, multiclass or regression.")
    if task == "multiclass" and y.nunique() == 2:
        task = "binary"
    _, test_rows = _split_rows(ws, version, len(frame), target, test_size, seed, task != "regression")
    return automl.check_holdout(_target_values(frame.iloc[test_rows], target), task)


def _check_training_part(ws: Workspace, version: Any, frame: pd.DataFrame, config: automl.SearchConfig,
                         target: str, test_size: float, stratify: bool) -> np.ndarray:
    """Check the spec against the rows the held-out split would leave for training, before writing it.

    The rows are chosen exactly as :func:`core.data.datasets.split_version` will choose them.

    Returns:
        The held-out rows' indices.

    Raises:
        InvalidInput: if the split is impossible, or the training part no longer fits the spec
            (a class left with a single row, too few rows for the folds...).
    """
    train_idx, test_idx = _split_rows(ws, version, len(frame), target, test_size, config.seed, stratify)
    try:
        automl.validate(config, frame.iloc[train_idx])
    except InvalidInput as exc:
        raise InvalidInput(f"Holding out {float(test_size):.0%} of the rows for the final test would leave "
                           f"too little to train on: {exc}",
                           hint="Hold out a smaller share of the rows (`--test-size`; 20% is usual), or add rows. "
                                + exc.hint) from exc
    return test_idx


def _undo_create(ws: Workspace, experiment_id: str, job_id: str | None, version: Any, before: set[str]) -> None:
    """Remove what a failed :func:`create_experiment` wrote: its experiment, its job, its new split versions.

    Split versions that existed before the call (another experiment's, reused) and versions
    something else refers to by now are kept. Their Parquet files are left for garbage
    collection, since the content store may share them.
    """
    try:
        with ws.write() as db:
            db.execute("DELETE FROM lineage WHERE from_kind = 'experiment' AND from_id = ?", [experiment_id])
            db.execute("DELETE FROM events WHERE object_kind = 'experiment' AND object_id = ?", [experiment_id])
            db.execute("DELETE FROM experiments WHERE id = ?", [experiment_id])
            if job_id:  # a worker may have claimed it already; then it fails on the missing experiment
                if db.execute("DELETE FROM jobs WHERE id = ? AND status = 'queued'", [job_id]).rowcount:
                    db.execute("DELETE FROM events WHERE object_kind = 'job' AND object_id = ?", [job_id])
            rows = db.execute("SELECT id, operation FROM dataset_versions WHERE dataset_id = ? AND parent_id = ?",
                              [version.dataset_id, version.id]).fetchall()
            for row in rows:
                if row["id"] in before or json.loads(row["operation"] or "{}").get("op") != "split":
                    continue
                used = db.execute(
                    "SELECT 1 FROM experiments WHERE ? IN (dataset_version_id, train_version_id, test_version_id)"
                    " UNION ALL SELECT 1 FROM dataset_versions WHERE parent_id = ?"
                    " UNION ALL SELECT 1 FROM profiles WHERE version_id = ? LIMIT 1",
                    [row["id"], row["id"], row["id"]]).fetchone()
                if used:
                    continue
                db.execute("DELETE FROM lineage WHERE (from_kind = 'dataset_version' AND from_id = ?)"
                           " OR (to_kind = 'dataset_version' AND to_id = ?)", [row["id"], row["id"]])
                db.execute("DELETE FROM events WHERE object_kind = 'dataset_version' AND object_id = ?", [row["id"]])
                db.execute("DELETE FROM dataset_versions WHERE id = ?", [row["id"]])
    except Exception:  # noqa: BLE001 - the original failure is what the caller must see
        log.exception("could not undo the failed creation of experiment %s", experiment_id)


def detect_task_of(ws: Workspace, version_id: str, target: str) -> str:
    """Guess the task (binary, multiclass, regression) from a version's target column.

    Raises:
        NotFound: if the version does not exist.
        InvalidInput: if the column is missing or empty.
    """
    version = datasets.get_version(ws, version_id)
    if target not in [c.name for c in version.schema]:
        raise InvalidInput(f"'{version.label}' has no column '{target}'.", hint="Choose one of its columns.")
    return automl.detect_task(datasets.load_frame(ws, version_id, columns=[target])[target])


def get_experiment(ws: Workspace, experiment_id: str) -> Experiment:
    """Return the experiment with this id.

    Raises:
        NotFound: if there is no such experiment.
    """
    with ws.read() as db:
        row = db.execute("SELECT * FROM experiments WHERE id = ?", [experiment_id]).fetchone()
    if row is None:
        raise NotFound(f"There is no experiment with id '{experiment_id}'.",
                       hint="List them with `mlcycle experiments list`.")
    exp = Experiment.from_row(row)
    if exp.status == "running" and exp.job_id:
        from core.jobs import reconcile

        # A search whose worker died reads as interrupted at once (its job's hook updates the row).
        if reconcile(ws, job_ids=[exp.job_id]):
            return get_experiment(ws, experiment_id)
    return exp


def list_experiments(ws: Workspace, *, project_id: str | None = None, hypothesis_id: str | None = None,
                     limit: int = 500) -> list[Experiment]:
    """Return experiments, newest first, optionally of one project or hypothesis."""
    where, params = ["archived_at IS NULL"], []
    if project_id:
        where.append("project_id = ?")
        params.append(project_id)
    if hypothesis_id:
        where.append("hypothesis_id = ?")
        params.append(hypothesis_id)
    sql = f"SELECT * FROM experiments WHERE {' AND '.join(where)} ORDER BY created_at DESC LIMIT ?"
    with ws.read() as db:
        return [Experiment.from_row(r) for r in db.execute(sql, [*params, limit]).fetchall()]


def list_runs(ws: Workspace, experiment_id: str, *, after_trial: int | None = None, best_first: bool = False,
              limit: int | None = None, offset: int = 0, learner: str | None = None,
              status: str | None = None, max_loss: float | None = None) -> list[Run]:
    """Return an experiment's runs (one per trial), in trial order or best first; filtered and paged in SQL.

    A search stores its trials in trial order and never changes a stored one, so a view that
    polls a running search can keep what it read and ask only for ``after_trial`` the last one.
    Best first reads the scored runs in the order of the index ``runs_best`` (experiment,
    validation loss, trial), so the top ``limit`` of 10,000 runs are read without sorting them
    all; the runs without a loss follow, in trial order.

    Args:
        ws: the workspace.
        experiment_id: the experiment.
        after_trial: return only the runs of later trials (``None``: every run).
        best_first: order by validation loss (lowest first, runs without a loss last), then trial.
        limit: at most this many runs (``None``: all).
        offset: skip this many runs of the order first.
        learner: only this learner's runs.
        status: only runs with this status (``ok``, ``failed``...).
        max_loss: only runs whose validation loss is below this (runs without a loss are left
            out): "the runs better than X", read from the same index in the same order.

    Returns:
        The runs; an empty list for an unknown experiment.

    Raises:
        InvalidInput: if ``limit`` or ``offset`` is negative.
    """
    if (limit is not None and limit < 0) or offset < 0:
        raise InvalidInput(f"A page of runs needs a limit and an offset of at least 0, not {limit} and {offset}.",
                           hint="Pass limit=None for every run, and an offset of 0 or more.")
    # "+column" keeps SQLite from picking another index for a filter (runs_learner, the trial
    # index): the order would then need a sort of every matching run.
    where, params = ["experiment_id = ?"], [experiment_id]
    for term, value in (("+trial > ?", after_trial), ("+learner = ?", learner), ("+status = ?", status)):
        if value is not None:
            where.append(term if best_first else term.lstrip("+"))
            params.append(int(value) if term.startswith("+trial") else value)
    if max_loss is not None:
        where.append("val_loss < ?")  # a range of runs_best (or runs_experiment_loss): still in order
        params.append(float(max_loss))
    sql = "SELECT * FROM runs WHERE " + " AND ".join(where)
    page = [-1 if limit is None else int(limit), int(offset)]
    with ws.read() as db:
        if not best_first:
            rows = db.execute(sql + " ORDER BY trial LIMIT ? OFFSET ?", [*params, *page]).fetchall()
            return [Run.from_row(r) for r in rows]
        rows = db.execute(sql + " AND val_loss IS NOT NULL ORDER BY val_loss, trial LIMIT ? OFFSET ?",
                          [*params, *page]).fetchall()
        if max_loss is not None or (limit is not None and len(rows) >= limit):
            return [Run.from_row(r) for r in rows]
        skip = 0  # how many runs without a loss the offset still skips
        if not rows and offset:
            scored = db.execute(f"SELECT COUNT(*) FROM runs WHERE {' AND '.join(where)} AND val_loss IS NOT NULL",
                                params).fetchone()[0]
            skip = max(0, int(offset) - scored)
        left = -1 if limit is None else int(limit) - len(rows)
        # the few runs without a loss, found through runs_experiment_loss and sorted ("+trial": not by
        # walking every run of the experiment in trial order to find them)
        rows += db.execute(sql + " AND val_loss IS NULL ORDER BY +trial LIMIT ? OFFSET ?",
                           [*params, left, skip]).fetchall()
    return [Run.from_row(r) for r in rows]


@dataclass(frozen=True)
class RunSummary:
    """What an experiment's page shows about its runs, aggregated in SQL (no run is decoded but the best).

    Attributes:
        n_runs: how many runs (trials) are stored.
        n_scored: how many have a validation loss.
        last_trial: the highest trial number (``None`` without runs).
        best: the run with the lowest validation loss (the earlier trial on a tie), or ``None``.
        by_learner: ``{learner: runs}``, most runs first.
        best_by_learner: ``{learner: lowest validation loss}`` of the learners with a scored run.
    """

    n_runs: int
    n_scored: int
    last_trial: int | None
    best: Run | None
    by_learner: dict[str, int]
    best_by_learner: dict[str, float]


def run_summary(ws: Workspace, experiment_id: str) -> RunSummary:
    """Count, best run and per-learner counts of an experiment's runs, in two indexed queries.

    Args:
        ws: the workspace.
        experiment_id: the experiment.

    Returns:
        The summary (zero runs for an unknown experiment).
    """
    with ws.read() as db:
        groups = db.execute("SELECT learner, COUNT(*) AS n, COUNT(val_loss) AS scored, MIN(val_loss) AS best,"
                            " MAX(trial) AS last FROM runs WHERE experiment_id = ? GROUP BY learner",
                            [experiment_id]).fetchall()
        best = db.execute("SELECT * FROM runs WHERE experiment_id = ? AND val_loss IS NOT NULL"
                          " ORDER BY val_loss, trial LIMIT 1", [experiment_id]).fetchone()
    ordered = sorted(groups, key=lambda g: (-g["n"], g["learner"]))
    return RunSummary(
        n_runs=sum(g["n"] for g in groups), n_scored=sum(g["scored"] for g in groups),
        last_trial=max((g["last"] for g in groups), default=None), best=Run.from_row(best) if best else None,
        by_learner={g["learner"]: g["n"] for g in ordered},
        best_by_learner={g["learner"]: g["best"] for g in ordered if g["best"] is not None},
    )


def get_model(ws: Workspace, model_id: str) -> Model:
    """Return the model with this id.

    Raises:
        NotFound: if there is no such model.
    """
    with ws.read() as db:
        row = db.execute("SELECT * FROM models WHERE id = ?", [model_id]).fetchone()
    if row is None:
        raise NotFound(f"There is no model with id '{model_id}'.", hint="See an experiment's best model with "
                       "`mlcycle experiments show ID`.")
    return Model.from_row(row)


def list_models(ws: Workspace, experiment_id: str) -> list[Model]:
    """Return the models of an experiment, oldest first."""
    return list_models_of(ws, [experiment_id])[experiment_id]


def load_model(ws: Workspace, model_id: str) -> ModelBundle:
    """Load a model's bundle (verified against its hash): ``bundle.predict(raw_rows)``.

    Raises:
        NotFound: if the model or its artifact is missing.
        Corrupted: if the artifact's bytes changed.
    """
    return ModelBundle.from_bytes(ws.artifacts.read_bytes(get_model(ws, model_id).artifact))


def trial_records(exp: Experiment, runs: list[Run]) -> list[automl.TrialRecord]:
    """The stored runs with a validation loss as the search's trial records (what selection reads)."""
    return [
        automl.TrialRecord(
            trial=r.trial, learner=r.learner, config=r.params, val_loss=r.val_loss, val_metric=r.val_metric,
            metric=exp.metric, train_time=r.train_time or 0.0, wall_offset=r.wall_offset or 0.0,
            sample_size=r.metrics.get("sample_size"), status=r.status, is_best=bool(r.metrics.get("is_best")),
            val_loss_se=r.metrics.get("val_loss_se"), is_default=bool(r.metrics.get("is_default")),
        )
        for r in runs if r.val_loss is not None
    ]


def selection_of(exp: Experiment, model: Model, runs: list[Run]) -> automl.Selection | None:
    """Which trial a model refits and why: as recorded with it, or worked out again from the runs.

    Models stored before the choice was recorded get it by applying the search's rule to the
    experiment's runs again (the rule is deterministic), when that gives the model's trial.

    Args:
        exp: the model's experiment.
        model: the model.
        runs: the experiment's runs (any order).

    Returns:
        The selection, or ``None`` when it cannot be told (no runs, or a trial the rule does not give).
    """
    if model.selection:
        return automl.Selection.from_dict(model.selection)
    records = trial_records(exp, runs)
    if not records or not model.run_id:
        return None
    chosen, selection = automl.choose(records)
    by_trial = {r.trial: r.id for r in runs}
    return selection if by_trial.get(chosen.trial) == model.run_id else None


def use_model(ws: Workspace, experiment_id: str, model_id: str) -> Experiment:
    """Make one of an experiment's models its current (best) model: the one its pages and commands use.

    Args:
        ws: the workspace.
        experiment_id: the experiment.
        model_id: one of its models.

    Returns:
        The experiment, with ``best_model_id`` (and ``best_run_id``) now the model's.

    Raises:
        NotFound: if the experiment or the model does not exist.
        InvalidInput: if the model belongs to another experiment.
    """
    exp = get_experiment(ws, experiment_id)
    model = get_model(ws, model_id)
    if model.experiment_id != exp.id:
        raise InvalidInput(f"Model {model.id} belongs to experiment {model.experiment_id}, not to '{exp.name}'.",
                           hint=f"Choose one of the models of {exp.id}.")
    if exp.best_model_id == model.id:
        return exp
    with ws.write() as db:
        db["experiments"].update(exp.id, {"best_model_id": model.id, "best_run_id": model.run_id})
        record_event(db, object_kind="experiment", object_id=exp.id, verb="model_chosen",
                     message=f"Model {model.learner} ({model.id}) is now the current model of '{exp.name}'",
                     project_id=exp.project_id)
    return get_experiment(ws, exp.id)


def cancel_experiment(ws: Workspace, experiment_id: str) -> Experiment:
    """Cancel a queued or running search; finished trials are kept.

    Raises:
        NotFound: if there is no such experiment.
        Conflict: if it has already ended.
    """
    exp = get_experiment(ws, experiment_id)
    if exp.finished or not exp.job_id:
        raise Conflict(f"Experiment '{exp.name}' already ended as {exp.status}.")
    cancel_job(ws, exp.job_id)
    return get_experiment(ws, experiment_id)


# ---------------------------------------------------------------- the job

# Constant SQL: sqlite3 prepares each statement once per connection and reuses it (the worker
# holds one connection per job), where sqlite-utils' insert() read the table's columns every call.
_INSERT_RUN = ("INSERT OR REPLACE INTO runs (id, experiment_id, trial, learner, params, val_loss, val_metric, metrics,"
               " train_time, wall_offset, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
# Trials are numbered 0, 1, 2... in order, so the count is the highest trial + 1: no COUNT(*), which
# grew with the experiment, and a trial stored again (replaced) or out of order is not counted twice.
_COUNT_TRIAL = "UPDATE experiments SET n_trials = MAX(n_trials, ?) WHERE id = ?"


def _store_run(ws: Workspace, exp: Experiment, record: automl.TrialRecord) -> None:
    """Store one finished trial as a run (replacing an earlier copy of it) and count it: one transaction.

    Args:
        ws: the workspace (inside ``ws.holding()`` the connection is reused, as the worker does).
        exp: the experiment.
        record: the trial.
    """
    metrics = {**record.metrics, "sample_size": record.sample_size, "is_best": record.is_best, "metric": record.metric,
               "val_loss_se": record.val_loss_se, "is_default": record.is_default}
    loss = record.val_loss if record.val_loss is not None and np.isfinite(record.val_loss) else None
    row = (new_id("run"), exp.id, record.trial, record.learner, json.dumps(record.config, default=str), loss,
           record.val_metric, json.dumps(metrics), record.train_time, record.wall_offset, record.status, utcnow())
    with ws.write() as db:
        db.conn.execute(_INSERT_RUN, row)
        db.conn.execute(_COUNT_TRIAL, (record.trial + 1, exp.id))


def _best_run_id(ws: Workspace, experiment_id: str) -> str | None:
    """The run with the lowest validation loss (the earlier trial on a tie); never one without a loss.

    One step down the index ``runs_best`` (experiment, loss, trial; scored runs only).
    """
    with ws.read() as db:
        row = db.execute("SELECT id FROM runs WHERE experiment_id = ? AND val_loss IS NOT NULL"
                         " ORDER BY val_loss, trial LIMIT 1", [experiment_id]).fetchone()
    return row[0] if row else None


def _run_id_of_trial(ws: Workspace, experiment_id: str, trial: int) -> str | None:
    with ws.read() as db:
        row = db.execute("SELECT id FROM runs WHERE experiment_id = ? AND trial = ?", [experiment_id, trial]).fetchone()
    return row[0] if row else None


def reference_statistics(frame: pd.DataFrame, columns: list[str]) -> dict[str, Any]:
    """Summarise training columns for drift checks later (numeric bins, category shares).

    Args:
        frame: the raw training rows.
        columns: the model's input columns.

    Returns:
        ``{"n_rows": N, "columns": {name: {"kind": "numeric", "edges": [...], "shares": [...],
        "missing": share} | {"kind": "categorical", "shares": {value: share}, "missing": share}}}``.
    """
    out: dict[str, Any] = {"n_rows": int(len(frame)), "columns": {}}
    for name in columns:
        if name not in frame:
            continue
        s = frame[name]
        missing = float(s.isna().mean()) if len(s) else 0.0
        numeric = pd.to_numeric(s, errors="coerce") if not pd.api.types.is_bool_dtype(s) else None
        if numeric is not None and pd.api.types.is_numeric_dtype(s) and numeric.notna().any():
            values = numeric.dropna().to_numpy(dtype=float)
            edges = np.unique(np.quantile(values, np.linspace(0, 1, 11)))
            counts, _ = np.histogram(values, bins=edges) if len(edges) > 1 else (np.array([len(values)]), None)
            out["columns"][name] = {"kind": "numeric", "edges": edges.tolist(),
                                    "shares": (counts / max(1, counts.sum())).tolist(), "missing": missing,
                                    "mean": float(values.mean()), "std": float(values.std())}
        else:
            shares = s.dropna().astype(str).value_counts(normalize=True).head(50)
            out["columns"][name] = {"kind": "categorical", "shares": {str(k): float(v) for k, v in shares.items()},
                                    "missing": missing}
    return out


def _save_model(ws: Workspace, exp: Experiment, bundle: ModelBundle, run_id: str | None,
                train: pd.DataFrame, test: pd.DataFrame, selection: automl.Selection | None = None) -> Model:
    """Score a refit model on the held-out rows, store it and make it the experiment's current model.

    ``selection`` (which trial it refits, and why) is kept with the model.
    """
    holdout = automl.evaluate(bundle, test)
    data = bundle.to_bytes()
    sha = ws.artifacts.put_bytes(data)
    model_id = new_id("mdl")
    row = {
        "id": model_id, "experiment_id": exp.id, "run_id": run_id, "learner": bundle.learner,
        "config": json.dumps(bundle.config, default=str), "artifact": sha, "size_bytes": len(data),
        "holdout": json.dumps(holdout), "environment": json.dumps(capture_environment()),
        "reference_stats": json.dumps(reference_statistics(train, bundle.input_columns)),
        "selection": json.dumps(selection.as_dict()) if selection else None,
        "created_at": utcnow(),
    }
    with ws.write() as db:
        db["models"].insert(row)
        db["experiments"].update(exp.id, {"best_model_id": model_id, "best_run_id": run_id})
        add_link(db, "model", model_id, "produced_by", "experiment", exp.id)
        if run_id:
            add_link(db, "model", model_id, "from_run", "run", run_id)
        shown = ", ".join(f"{k}={automl.number(v)}" for k, v in holdout.items() if k != "n_rows")
        why = " (the best validation trial, chosen by the user)" if selection and selection.rule == (
            "best_validation_by_user") else ""
        record_event(db, object_kind="model", object_id=model_id, verb="created",
                     message=f"Model {bundle.learner} from '{exp.name}'{why}: {shown}", project_id=exp.project_id)
    return get_model(ws, model_id)


def _set_status(ws: Workspace, experiment_id: str, status: str, **extra: Any) -> None:
    with ws.write() as db:
        db["experiments"].update(experiment_id, {"status": status, **extra})


def run_automl_job(ctx: JobContext) -> dict[str, Any]:
    """Run an experiment's search in the worker (job kind ``automl``).

    Whatever fails (loading the data, the search, scoring or storing the model), the
    experiment ends ``failed`` with the reason, never left ``running``; finished trials are
    kept, so its best trial can still be refit. A cancelled search ends ``cancelled``.

    Returns:
        ``{"experiment_id", "model_id", "n_trials", "holdout"}``.

    Raises:
        JobCancelled: if the user cancelled the search.
        NotFound: if the experiment or its data is missing.
        InvalidInput, ExternalToolFailed: if the search fails (the experiment records the reason).
    """
    ws = ctx.ws
    exp = get_experiment(ws, ctx.payload["experiment_id"])
    try:
        return _run_automl(ctx, exp)
    except JobCancelled:
        _end(ws, exp.id, "cancelled")
        raise
    except Exception as exc:
        _end(ws, exp.id, "failed", error=str(exc) if isinstance(exc, MLCycleError) else f"{type(exc).__name__}: {exc}")
        raise


def _end(ws: Workspace, experiment_id: str, status: str, *, error: str | None = None) -> None:
    """Record that a search ended without a model (unless it already ended); never raises."""
    try:
        if not get_experiment(ws, experiment_id).finished:
            _set_status(ws, experiment_id, status, finished_at=utcnow(), best_run_id=_best_run_id(ws, experiment_id),
                        **({"error": error} if error else {}))
    except Exception:  # noqa: BLE001 - the job's own failure is what the worker must record
        log.exception("could not mark experiment %s %s", experiment_id, status)


def _run_automl(ctx: JobContext, exp: Experiment) -> dict[str, Any]:
    ws = ctx.ws
    config = automl.SearchConfig.from_dict(exp.spec["search"])
    _set_status(ws, exp.id, "running", started_at=utcnow())
    train = datasets.load_frame(ws, exp.train_version_id)
    test = datasets.load_frame(ws, exp.test_version_id)
    ctx.log(f"Search on {len(train)} training rows; {len(test)} held-out rows are never seen by the search")
    _record_cores(ws, exp, automl.validate(config, train))
    if exp.spec.get("evaluation_note"):
        ctx.log(exp.spec["evaluation_note"])
    last_check = [0.0, False]

    def should_stop() -> bool:
        now = time.monotonic()
        if now - last_check[0] > 1.0:
            last_check[0], last_check[1] = now, ctx.cancelled()
        return bool(last_check[1])

    def on_trial(record: automl.TrialRecord) -> None:
        _store_run(ws, exp, record)
        if record.is_best:
            ctx.log(f"trial {record.trial}: new best {record.learner} {exp.metric}={automl.number(record.val_metric)}")

    result = automl.run_search(train, config, workdir=ws.scratch_dir(exp.id), on_trial=on_trial,
                               on_progress=ctx.on_progress, should_stop=should_stop,
                               semantic=exp.spec.get("semantic"))
    if result.stopped_early or result.bundle is None:
        raise JobCancelled()
    chosen = getattr(result, "best_trial", None)
    run_id = _run_id_of_trial(ws, exp.id, chosen) if chosen is not None else _best_run_id(ws, exp.id)
    if getattr(result, "selection", ""):
        ctx.log(f"Refit: {result.selection}")
    model = _save_model(ws, exp, result.bundle, run_id, train, test, getattr(result, "choice", None))
    with ws.write() as db:
        db["experiments"].update(exp.id, {"status": "done", "finished_at": utcnow()})
        record_event(db, object_kind="experiment", object_id=exp.id, verb="done",
                     message=f"Experiment '{exp.name}' finished: {len(result.trials)} trials, best "
                             f"{result.best_learner}", project_id=exp.project_id)
    return {"experiment_id": exp.id, "model_id": model.id, "n_trials": len(result.trials), "holdout": model.holdout}


def _record_cores(ws: Workspace, exp: Experiment, rc: automl.ResolvedConfig) -> None:
    """Record the threads per trial and the cores the worker may use, as this worker runs the search.

    The form resolved them in the app's process; the worker's may differ (``MLCYCLE_WORKER_CORES``).
    """
    resolved = dict(exp.spec.get("resolved") or {})
    if (resolved.get("n_jobs"), resolved.get("cores_available")) == (rc.n_jobs, rc.cores_available):
        return
    spec = dict(exp.spec) | {"resolved": resolved | {"n_jobs": rc.n_jobs, "cores_available": rc.cores_available}}
    with ws.write() as db:
        db["experiments"].update(exp.id, {"spec": json.dumps(spec, default=str)})


def on_automl_job_ended(ws: Workspace, job: Job, status: str) -> None:
    """Mirror a cancelled or interrupted ``automl`` job onto its experiment (runs are kept)."""
    experiment_id = job.payload.get("experiment_id")
    if not experiment_id:
        return
    exp = get_experiment(ws, experiment_id)
    if not exp.finished:
        _set_status(ws, exp.id, status, finished_at=utcnow(), best_run_id=_best_run_id(ws, exp.id),
                    error=None if status == "cancelled" else "The worker stopped during the search; "
                    "finished trials are kept and the best one can be refit.")


def list_models_of(ws: Workspace, experiment_ids: list[str]) -> dict[str, list[Model]]:
    """Return the models of several experiments with one query (instead of one per experiment).

    Args:
        ws: the workspace.
        experiment_ids: the experiments.

    Returns:
        ``{experiment_id: models}`` in the order the ids were given, each experiment's models
        oldest first (as :func:`list_models`); an id with no models maps to ``[]``.

    Raises:
        Nothing: unknown ids simply have no models.
    """
    out: dict[str, list[Model]] = {e: [] for e in experiment_ids}
    if not out:
        return out
    with ws.read() as db:
        rows = db.execute(f"SELECT * FROM models WHERE experiment_id {IN_JSON} ORDER BY created_at",
                          [json.dumps(list(out))]).fetchall()
    for row in rows:
        model = Model.from_row(row)
        out[model.experiment_id].append(model)
    return out
