"""Refit and reproduce: a model from a stopped search's best trial, or from the best validation
trial, and a check that a model refits identically.

``refit_best_run`` refits the best finished trial of a cancelled or interrupted search (by the
same selection rule the search uses) and stores it as the experiment's model;
``refit_best_validation`` refits the trial with the lowest validation loss when the search's
rule chose another (a simpler default within one standard error), recorded as the user's
choice, and makes it the current model; ``reproduce_model`` refits a model's recorded
configuration on its recorded data with its seed and its recorded thread count, and compares
the held-out predictions bit for bit. All three train, so the app and the CLI run them as
jobs (kinds ``refit`` and ``reproduce``; a best-validation refit is a ``refit`` job whose
payload says ``"choice": "best_validation"``): ``enqueue_refit``,
``enqueue_refit_best_validation`` and ``enqueue_reproduce`` check the request first and
queue the job.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.data import datasets
from core.errors import Conflict, NotFound
from core.experiments import search as automl
from core.experiments.entities import Experiment, Model
from core.experiments.service import (
    _best_run_id,
    _save_model,
    get_experiment,
    get_model,
    list_models,
    list_runs,
    load_model,
    trial_records,
)
from core.jobs import JobContext, enqueue, list_jobs
from core.jobs.entities import Job
from core.modeling import ModelBundle
from core.progress import Progress, ProgressFn, no_progress
from core.store.activity import record_event
from core.workspace import Workspace

__all__ = [
    "ReproduceResult",
    "enqueue_refit",
    "enqueue_refit_best_validation",
    "enqueue_reproduce",
    "find_best_validation_refit_job",
    "find_refit_job",
    "find_reproduce_job",
    "refit_best_run",
    "refit_best_validation",
    "reproduce_model",
    "run_refit_job",
    "run_reproduce_job",
]


def _refittable(ws: Workspace, experiment_id: str) -> Experiment:
    """Return the experiment if its best finished trial can be refit now.

    Raises:
        NotFound: if there is no such experiment.
        Conflict: if the search is still running, or no trial has finished.
    """
    exp = get_experiment(ws, experiment_id)
    if not exp.finished:
        raise Conflict(f"Experiment '{exp.name}' is still {exp.status}.", hint="Wait for it or cancel it first.")
    if _best_run_id(ws, exp.id) is None:
        raise Conflict(f"Experiment '{exp.name}' has no finished trial to refit.",
                       hint="Run the experiment again with a larger budget.")
    return exp


def refit_best_run(ws: Workspace, experiment_id: str, *, on_progress: ProgressFn = no_progress) -> Model:
    """Refit the best finished trial of an interrupted or cancelled search and store it as a model.

    This trains in the calling process; the app and the CLI queue it as a ``refit`` job
    (:func:`enqueue_refit`), whose body this is.

    Args:
        ws: the workspace.
        experiment_id: the finished (cancelled, interrupted, failed or done) experiment.
        on_progress: called as the refit loads data, trains, scores and stores.

    Returns:
        The stored model, now the experiment's best model.

    Raises:
        NotFound: if there is no such experiment.
        Conflict: if no trial has finished, or the search is still running.
    """
    exp = _refittable(ws, experiment_id)
    return _refit(ws, exp, "search", on_progress)  # the same rule the finished search uses


def _refit(ws: Workspace, exp: Experiment, rule: str, on_progress: ProgressFn) -> Model:
    """Choose a trial by ``rule`` (see :func:`core.experiments.search.choose`), refit it, store it as current."""
    runs = list_runs(ws, exp.id)
    by_trial = {r.trial: r for r in runs}
    records = trial_records(exp, runs)
    chosen, selection = automl.choose(records, rule=rule)
    on_progress(Progress(0.05, "Loading the training and held-out rows"))
    train = datasets.load_frame(ws, exp.train_version_id)
    test = datasets.load_frame(ws, exp.test_version_id)
    resolved = exp.spec["resolved"]
    if rule == "search" and exp.task != "regression":  # as a finished search does: no single-class model
        from core.experiments.training import prepare_training_data

        _pre, X, y, classes = prepare_training_data(train, exp.target, exp.task, resolved["feature_columns"],
                                                    exp.spec.get("semantic"))
        chosen, selection = automl.check_several_classes(
            records, chosen, selection, X, y, task=exp.task, seed=int(resolved["seed"]),
            n_splits=int(resolved.get("n_splits") or 5), n_jobs=int(resolved.get("n_jobs") or 1), classes=classes)
    best = by_trial[chosen.trial]
    on_progress(Progress(0.2, f"Refitting trial {best.trial} ({best.learner}) on {len(train)} rows"))
    bundle = automl.refit_config(train, exp.target, exp.task, best.learner, best.params, int(resolved["seed"]),
                                 feature_columns=resolved["feature_columns"], n_jobs=int(resolved.get("n_jobs") or 1),
                                 semantic=exp.spec.get("semantic"))
    on_progress(Progress(0.9, f"Scoring on {len(test)} held-out rows and storing the model"))
    model = _save_model(ws, exp, bundle, best.id, train, test, selection)
    on_progress(Progress(1.0, f"Stored model {model.id} ({model.learner})"))
    return model


def _best_validation_refittable(ws: Workspace, experiment_id: str) -> tuple[Experiment, Model | None]:
    """Return the experiment, and a model of it that already refits its best validation trial (if any).

    Raises:
        NotFound: if there is no such experiment.
        Conflict: if the search is still running, no trial has finished, or the current model
            already refits the best validation trial.
    """
    exp = _refittable(ws, experiment_id)
    best_run = _best_run_id(ws, exp.id)
    models = [m for m in list_models(ws, exp.id) if m.run_id == best_run and not m.archived_at]
    current = next((m for m in models if m.id == exp.best_model_id), None)
    if current is not None:
        raise Conflict(f"The current model of '{exp.name}' ({current.id}) already refits its best validation trial.",
                       hint="There is nothing else to refit.")
    return exp, (models[-1] if models else None)


def refit_best_validation(ws: Workspace, experiment_id: str, *, on_progress: ProgressFn = no_progress) -> Model:
    """Refit the trial with the lowest validation loss, as the user asked, and make it the current model.

    The search's rule may have refit a simpler default configuration within one standard error
    of it instead (:func:`core.experiments.search.select_best`); this refits the best validation
    trial itself. The model records that the user chose it (``selection.rule`` is
    ``best_validation_by_user``); the model the rule chose is kept, and
    :func:`core.experiments.service.use_model` switches back to it. This trains in the calling
    process; the app queues it as a ``refit`` job (:func:`enqueue_refit_best_validation`).

    Args:
        ws: the workspace.
        experiment_id: the finished experiment.
        on_progress: called as the refit loads data, trains, scores and stores.

    Returns:
        The stored model, now the experiment's current model.

    Raises:
        NotFound: if there is no such experiment.
        Conflict: if the search is still running, no trial has finished, or the current model
            already refits the best validation trial.
    """
    exp, _existing = _best_validation_refittable(ws, experiment_id)
    return _refit(ws, exp, "best_validation", on_progress)


@dataclass(frozen=True)
class ReproduceResult:
    """Whether refitting a model's recorded configuration gave identical holdout predictions."""

    model_id: str
    identical: bool
    n_rows: int
    max_abs_diff: float
    seconds: float
    data_sha256: str

    def as_dict(self) -> dict[str, Any]:
        """Return the result as JSON."""
        return self.__dict__.copy()


def _outputs(bundle: ModelBundle, frame: pd.DataFrame) -> np.ndarray:
    if bundle.is_classifier:
        return np.asarray(bundle.predict_proba(frame), dtype=float)
    return np.asarray(bundle.predict(frame), dtype=float)


def _reproducible(ws: Workspace, model_id: str) -> tuple[Model, Experiment]:
    """Return a model and its experiment if what a reproduction needs is still recorded.

    Raises:
        NotFound: if the model, its artifact, its experiment or its data versions are missing.
    """
    model = get_model(ws, model_id)
    exp = get_experiment(ws, model.experiment_id)
    for version_id in (exp.train_version_id, exp.test_version_id):
        datasets.get_version(ws, version_id or "")
    if not ws.artifacts.exists(model.artifact):
        raise NotFound(f"The file of model {model.id} ({model.learner}) is missing from {ws.artifacts.root}.",
                       hint="The workspace may have been copied partially; restore the artifacts folder.")
    return model, exp


def reproduce_model(ws: Workspace, model_id: str, *, on_progress: ProgressFn = no_progress) -> ReproduceResult:
    """Refit a model's recorded configuration on its recorded data with its seed, then compare.

    Each input column is read as the model read it (its recorded kind), so a model trained
    before the column-kind rules changed reproduces too. Predictions (probabilities for classifiers) on the held-out rows must be identical. This
    trains in the calling process; the app and the CLI queue it as a ``reproduce`` job
    (:func:`enqueue_reproduce`), whose body this is.

    Args:
        ws: the workspace.
        model_id: the model to reproduce.
        on_progress: called as the check loads, refits and compares.

    Returns:
        Whether the predictions are identical, and the largest difference.

    Raises:
        NotFound: if the model, its experiment or data are missing.
        Corrupted: if the recorded data no longer matches its hash.
    """
    started = time.monotonic()
    _model, exp = _reproducible(ws, model_id)
    on_progress(Progress(0.05, "Loading the model and its recorded data"))
    original = load_model(ws, model_id)
    train = datasets.load_frame(ws, exp.train_version_id)
    test = datasets.load_frame(ws, exp.test_version_id)
    on_progress(Progress(0.2, f"Refitting {original.learner} on {len(train)} rows with seed {original.seed}"))
    kinds = {c.name: c.kind for c in original.preprocessor.columns}  # each column becomes the same features
    refit = automl.refit_config(train, exp.target, exp.task, original.learner, original.config, original.seed,
                                feature_columns=original.input_columns, n_jobs=original.n_jobs, semantic=kinds)
    on_progress(Progress(0.9, f"Comparing predictions on {len(test)} held-out rows"))
    a, b = _outputs(original, test), _outputs(refit, test)
    identical = a.shape == b.shape and bool(np.array_equal(a, b))
    diff = float(np.max(np.abs(a - b))) if a.shape == b.shape and a.size else float("inf")
    result = ReproduceResult(model_id, identical, int(len(test)), diff, time.monotonic() - started, exp.data_sha256)
    verdict = "identical" if identical else f"differs (max {diff:.3g})"
    with ws.write() as db:
        record_event(db, object_kind="model", object_id=model_id, verb="reproduced",
                     message=f"Model {model_id} reproduced: {verdict} predictions on {len(test)} held-out rows",
                     project_id=exp.project_id)
    on_progress(Progress(1.0, f"Predictions {verdict} on {len(test)} held-out rows"))
    return result


# ---------------------------------------------------------------- refit and reproduce as jobs

def _find_job(ws: Workspace, kind: str, payload: dict[str, Any]) -> Job | None:
    """The job of this kind and payload that is queued or running, else the newest one; ``None`` if none."""
    matching = [j for j in list_jobs(ws, kind=kind, limit=200) if j.payload == payload]
    pending = [j for j in matching if not j.finished]
    return (pending or matching or [None])[0]


def find_refit_job(ws: Workspace, experiment_id: str) -> Job | None:
    """Return the experiment's refit job: a queued or running one, else the last one; ``None`` if none."""
    return _find_job(ws, "refit", {"experiment_id": experiment_id})


def find_best_validation_refit_job(ws: Workspace, experiment_id: str) -> Job | None:
    """Return the experiment's best-validation refit job: a pending one, else the last one; ``None`` if none."""
    return _find_job(ws, "refit", {"experiment_id": experiment_id, "choice": "best_validation"})


def find_reproduce_job(ws: Workspace, model_id: str) -> Job | None:
    """Return the model's reproduce job: a queued or running one, else the last one; ``None`` if none."""
    return _find_job(ws, "reproduce", {"model_id": model_id})


def _enqueue_refit_once(ws: Workspace, exp: Experiment, pending: Job | None, payload: dict[str, Any], title: str,
                        start_worker: bool) -> Job:
    """The refit job still queued or running for this request, else a new one."""
    if pending is not None and not pending.finished:
        return pending
    return enqueue(ws, "refit", payload, title=title, project_id=exp.project_id, start_worker=start_worker)


def enqueue_refit(ws: Workspace, experiment_id: str, *, start_worker: bool = True) -> Job:
    """Check that a stopped search's best trial can be refit, then queue a ``refit`` job for it.

    A refit job of the same experiment that is still queued or running is returned instead of
    queueing a second one. When the job is done, its result names the new model (``model_id``).

    Args:
        ws: the workspace.
        experiment_id: the finished experiment.
        start_worker: start a worker process if none is alive.

    Returns:
        The queued (or already pending) job.

    Raises:
        NotFound: if there is no such experiment.
        Conflict: if the search is still running, or no trial has finished.
    """
    exp = _refittable(ws, experiment_id)
    return _enqueue_refit_once(ws, exp, find_refit_job(ws, exp.id), {"experiment_id": exp.id},
                               f"Refit best trial: {exp.name}", start_worker)


def enqueue_refit_best_validation(ws: Workspace, experiment_id: str, *, start_worker: bool = True) -> Job:
    """Check that the best validation trial can be refit, then queue a ``refit`` job for it.

    The job's body is :func:`refit_best_validation`; its model becomes the current one. A job
    of the same request that is still queued or running is returned instead of a second one.

    Args:
        ws: the workspace.
        experiment_id: the finished experiment.
        start_worker: start a worker process if none is alive.

    Returns:
        The queued (or already pending) job.

    Raises:
        NotFound: if there is no such experiment.
        Conflict: if the search is still running, no trial has finished, the current model already
            refits the best validation trial, or another model of the experiment does (make that one
            current instead: :func:`core.experiments.service.use_model`).
    """
    exp, existing = _best_validation_refittable(ws, experiment_id)
    if existing is not None:
        raise Conflict(f"Model {existing.id} of '{exp.name}' already refits its best validation trial.",
                       hint="Make that model the current one instead of refitting the trial again.")
    return _enqueue_refit_once(ws, exp, find_best_validation_refit_job(ws, exp.id),
                               {"experiment_id": exp.id, "choice": "best_validation"},
                               f"Refit best validation trial: {exp.name}", start_worker)


def enqueue_reproduce(ws: Workspace, model_id: str, *, start_worker: bool = True) -> Job:
    """Check that a model can be reproduced, then queue a ``reproduce`` job for it.

    A reproduce job of the same model that is still queued or running is returned instead of
    queueing a second one. When the job is done, its result is :meth:`ReproduceResult.as_dict`.

    Args:
        ws: the workspace.
        model_id: the model to refit and compare.
        start_worker: start a worker process if none is alive.

    Returns:
        The queued (or already pending) job.

    Raises:
        NotFound: if the model, its file, its experiment or its data versions are missing.
    """
    model, exp = _reproducible(ws, model_id)
    payload = {"model_id": model.id}
    pending = find_reproduce_job(ws, model.id)
    if pending is not None and not pending.finished:
        return pending
    return enqueue(ws, "reproduce", payload, title=f"Reproduce {model.learner} model {model.id} of '{exp.name}'",
                   project_id=exp.project_id, start_worker=start_worker)


def _progress_until_cancelled(ctx: JobContext) -> ProgressFn:
    """Record each report; before the last one (every report before it precedes any write), honour cancel."""

    def report(progress: Progress) -> None:
        ctx.on_progress(progress)
        if progress.fraction is None or progress.fraction < 1.0:
            ctx.check_cancelled()

    return report


def run_refit_job(ctx: JobContext) -> dict[str, Any]:
    """Refit an experiment's best finished trial in the worker (job kind ``refit``).

    With ``"choice": "best_validation"`` in the payload it refits the best validation trial
    (:func:`refit_best_validation`), else the trial the search's rule chooses (:func:`refit_best_run`).

    Returns:
        ``{"experiment_id", "model_id", "run_id", "learner", "holdout"}`` of the new model.
    """
    ctx.check_cancelled()
    refit = refit_best_validation if ctx.payload.get("choice") == "best_validation" else refit_best_run
    model = refit(ctx.ws, ctx.payload["experiment_id"], on_progress=_progress_until_cancelled(ctx))
    why = automl.Selection.from_dict(model.selection).reason if model.selection else "the best finished trial"
    ctx.log(f"Refit {model.learner} from run {model.run_id} as model {model.id}: {why}")
    return {"experiment_id": model.experiment_id, "model_id": model.id, "run_id": model.run_id,
            "learner": model.learner, "holdout": model.holdout}


def run_reproduce_job(ctx: JobContext) -> dict[str, Any]:
    """Reproduce a model in the worker (job kind ``reproduce``).

    Returns:
        :meth:`ReproduceResult.as_dict`: ``identical``, ``max_abs_diff``, ``n_rows``, ``seconds``...
    """
    ctx.check_cancelled()
    result = reproduce_model(ctx.ws, ctx.payload["model_id"], on_progress=_progress_until_cancelled(ctx))
    verdict = "identical" if result.identical else f"different (max abs diff {result.max_abs_diff:.3g})"
    ctx.log(f"Predictions on {result.n_rows} held-out rows are {verdict}")
    return result.as_dict()


