"""Entities of the Label step: label tasks, the labels given, reviewers' decisions, the quick models
that suggest labels, and publications of the labels as a dataset version."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from core.store.entities import _Entity


@dataclass(frozen=True)
class LabelTask(_Entity):
    """A labeling task over the rows of one dataset version.

    ``classes`` is the label schema in display order: ``{"name", "color", "hotkey"}`` each.
    ``item_column`` holds each item's content (a text or an image path); ``None`` labels whole rows.
    ``overlap`` is how many annotators each item needs.
    """

    _json_fields: ClassVar[tuple[str, ...]] = ("classes", "settings")

    id: str
    project_id: str | None
    version_id: str
    name: str
    kind: str
    item_column: str | None
    classes: list[dict[str, Any]]
    multi_label: bool
    instructions: str
    overlap: int
    image_root: str | None
    settings: dict[str, Any]
    created_by: str
    created_at: str
    updated_at: str | None = None
    archived_at: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "multi_label", bool(self.multi_label))

    @property
    def class_names(self) -> list[str]:
        """The classes' names, in display order."""
        return [c["name"] for c in self.classes]

    @property
    def hotkeys(self) -> dict[str, str]:
        """Each hotkey -> its class name."""
        return {c["hotkey"]: c["name"] for c in self.classes if c.get("hotkey")}

    @property
    def colors(self) -> dict[str, str]:
        """Each class name -> its colour (``#rrggbb``)."""
        return {c["name"]: c["color"] for c in self.classes}

    @property
    def label_column(self) -> str:
        """The name of the column a publication adds: the task's name."""
        return self.name


@dataclass(frozen=True)
class Annotation(_Entity):
    """One label given (or one item skipped) by one annotator; never changed, only marked undone."""

    seq: int
    task_id: str
    item: int
    annotator: str
    label: str | None
    action: str
    suggested: str | None
    accepted: bool
    source: str
    seconds: float | None
    created_at: str
    undone_at: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "accepted", bool(self.accepted))


@dataclass(frozen=True)
class Review(_Entity):
    """A reviewer's decision on an item's label (``label`` ``None``: the decision was cleared)."""

    seq: int
    task_id: str
    item: int
    label: str | None
    reviewer: str
    note: str
    created_at: str


@dataclass(frozen=True)
class SuggestRun(_Entity):
    """A quick model trained on a task's labels to suggest labels for the rest (active learning)."""

    _json_fields: ClassVar[tuple[str, ...]] = ("classes", "metrics", "notes")

    id: str
    task_id: str
    job_id: str | None
    learner: str
    n_labeled: int
    n_suggested: int
    classes: list[str]
    metrics: dict[str, Any]
    notes: list[str]
    created_at: str


@dataclass(frozen=True)
class Publication(_Entity):
    """Labels published as a new dataset version."""

    _json_fields: ClassVar[tuple[str, ...]] = ("counts",)

    id: str
    task_id: str
    version_id: str
    label_column: str
    include_unresolved: bool
    counts: dict[str, Any] = field(default_factory=dict)
    created_by: str = ""
    created_at: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "include_unresolved", bool(self.include_unresolved))
