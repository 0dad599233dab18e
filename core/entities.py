"""Entities: frozen dataclasses that cross layer boundaries (sqlite rows and dicts never do).

Each has ``from_row`` (a store row to an entity; JSON columns decoded) and ``as_dict``
(for the CLI's ``--json`` and for tables in the UI).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

TERMINAL_JOB_STATES = ("done", "failed", "cancelled", "interrupted")
JOB_STATES = ("queued", "running", *TERMINAL_JOB_STATES)


class _Entity:
    _json_fields: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """Build the entity from a store row, decoding its JSON columns."""
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        values = {k: row[k] for k in row.keys() if k in names}
        for name in cls._json_fields:
            if isinstance(values.get(name), str):
                values[name] = json.loads(values[name])
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the entity's fields."""
        return dataclasses.asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Project(_Entity):
    """A piece of work: a problem statement, its hypotheses, data and experiments."""

    id: str
    name: str
    description: str
    problem_statement: str
    created_at: str
    updated_at: str
    archived_at: str | None = None

    @property
    def label(self) -> str:
        """Name with a short id, as the UI shows objects."""
        return f"{self.name} · {self.id}"


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


@dataclass(frozen=True)
class JobLogLine(_Entity):
    """One line a job wrote to its log."""

    seq: int
    job_id: str
    at: str
    message: str


@dataclass(frozen=True)
class Event(_Entity):
    """Something that happened in the workspace, for the activity feed."""

    seq: int
    at: str
    project_id: str | None
    object_kind: str
    object_id: str
    verb: str
    message: str


@dataclass(frozen=True)
class Link(_Entity):
    """A lineage edge: ``from`` --relation--> ``to`` (e.g. a version derived_from its parent)."""

    seq: int
    from_kind: str
    from_id: str
    relation: str
    to_kind: str
    to_id: str
    created_at: str
    extra: dict[str, Any] = field(default_factory=dict)
