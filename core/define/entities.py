"""Entities of the Define step: projects, hypotheses and their status changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from core.store.entities import _Entity


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


HYPOTHESIS_STATUSES = ("draft", "testing", "supported", "rejected", "inconclusive")


@dataclass(frozen=True)
class Hypothesis(_Entity):
    """A testable claim with a measurable success criterion (metric, direction, threshold).

    Example:
        >>> h.criterion
        'roc_auc >= 0.85 on the holdout set'
    """

    _json_fields: ClassVar[tuple[str, ...]] = ("verdict",)

    id: str
    project_id: str
    question: str
    statement: str
    metric: str
    direction: str
    threshold: float
    data_needed: str
    acquisition: str
    owner: str
    status: str
    created_at: str
    updated_at: str
    archived_at: str | None = None
    # the current verdict with its evidence (core.evaluation.verdicts), None until one is reached
    verdict: dict[str, Any] | None = None

    @property
    def criterion(self) -> str:
        """The success criterion in words."""
        return f"{self.metric} {self.direction} {self.threshold:g} on the holdout set"

    @property
    def label(self) -> str:
        """Short statement with id, as the UI shows it."""
        text = self.statement if len(self.statement) <= 60 else self.statement[:57] + "…"
        return f"{text} · {self.id}"

    def is_met_by(self, value: float) -> bool:
        """Whether a holdout metric value meets the success criterion."""
        return value >= self.threshold if self.direction == ">=" else value <= self.threshold


@dataclass(frozen=True)
class HypothesisChange(_Entity):
    """One recorded change of a hypothesis field (its history)."""

    seq: int
    hypothesis_id: str
    at: str
    field: str
    old_value: str | None
    new_value: str | None
    note: str
