"""Entities of the job queue: jobs and their log lines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from core.store.entities import _Entity

TERMINAL_JOB_STATES = ("done", "failed", "cancelled", "interrupted")


JOB_STATES = ("queued", "running", *TERMINAL_JOB_STATES)


@dataclass(frozen=True)
class Job(_Entity):
    """A unit of background work run by the worker."""

    _json_fields: ClassVar[tuple[str, ...]] = ("payload", "result")

    id: str
    kind: str
    title: str
    payload: dict[str, Any]
    project_id: str | None
    status: str
    progress: float | None
    message: str
    result: Any
    error: str | None
    pid: int | None
    heartbeat_at: str | None
    cancel_requested: int
    created_at: str
    started_at: str | None
    finished_at: str | None

    @property
    def finished(self) -> bool:
        """Whether the job reached a terminal state."""
        return self.status in TERMINAL_JOB_STATES

    @property
    def subject(self) -> tuple[str, str] | None:
        """What the job works on, as ``(object kind, id)`` (the kinds of the activity feed), or ``None``.

        Read from the payload: an experiment (``automl``, ``refit``), a model (``reproduce``,
        ``explain``, which names the explained version too), a dataset version (``profile``) or a
        label task (``label_suggest``).
        """
        payload = self.payload if isinstance(self.payload, dict) else {}
        for key, kind in (("experiment_id", "experiment"), ("model_id", "model"), ("version_id", "dataset_version"),
                          ("task_id", "label_task")):
            if isinstance(payload.get(key), str) and payload[key]:
                return kind, payload[key]
        return None


@dataclass(frozen=True)
class JobLogLine(_Entity):
    """One line a job wrote to its log."""

    seq: int
    job_id: str
    at: str
    message: str
