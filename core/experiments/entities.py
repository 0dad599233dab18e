"""Entities of the Experiment step: experiments, runs (one per trial) and models."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from core.jobs.entities import TERMINAL_JOB_STATES
from core.store.entities import _Entity


@dataclass(frozen=True)
class Experiment(_Entity):
    """One AutoML search: its spec, data (full, train and held-out test versions) and outcome."""

    _json_fields: ClassVar[tuple[str, ...]] = ("spec", "environment")

    id: str
    project_id: str | None
    hypothesis_id: str | None
    name: str
    dataset_version_id: str
    train_version_id: str | None
    test_version_id: str | None
    target: str
    task: str
    metric: str
    spec: dict[str, Any]
    status: str
    job_id: str | None
    n_trials: int
    best_run_id: str | None
    best_model_id: str | None
    data_sha256: str
    environment: dict[str, Any]
    error: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    archived_at: str | None = None

    @property
    def finished(self) -> bool:
        """Whether the search reached a terminal state."""
        return self.status in TERMINAL_JOB_STATES

    @property
    def label(self) -> str:
        """Name with a short id, as the UI shows it."""
        return f"{self.name or self.target} · {self.id}"


@dataclass(frozen=True)
class Run(_Entity):
    """One trial of an experiment: learner, hyperparameters, validation score, timing."""

    _json_fields: ClassVar[tuple[str, ...]] = ("params", "metrics")

    id: str
    experiment_id: str
    trial: int
    learner: str
    params: dict[str, Any]
    val_loss: float | None
    val_metric: float | None
    metrics: dict[str, Any]
    train_time: float | None
    wall_offset: float | None
    status: str
    created_at: str


@dataclass(frozen=True)
class Model(_Entity):
    """A trained model: one artifact that predicts from raw rows, with its provenance and why it was chosen."""

    _json_fields: ClassVar[tuple[str, ...]] = ("config", "holdout", "environment", "reference_stats", "selection")

    id: str
    experiment_id: str
    run_id: str | None
    learner: str
    config: dict[str, Any]
    artifact: str
    size_bytes: int
    holdout: dict[str, Any]
    environment: dict[str, Any]
    reference_stats: Any
    created_at: str
    archived_at: str | None = None
    # which trial it refits and why (``core.experiments.search.Selection.as_dict``); ``None`` for
    # models stored before it was recorded (``service.selection_of`` works it out from the runs)
    selection: dict[str, Any] | None = None
    # the experiment's project (copied by the store) and the registry stage: none, candidate,
    # production (one per project) or archived (see core.evaluation.registry)
    project_id: str | None = None
    stage: str = "none"
