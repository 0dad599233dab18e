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


SEMANTIC_TYPES = ("numeric", "categorical", "boolean", "datetime", "text", "id", "image_path")


@dataclass(frozen=True)
class ColumnSchema(_Entity):
    """One column of a dataset version: storage dtype and what the values mean.

    ``semantic`` is one of :data:`SEMANTIC_TYPES`; ``overridden`` says a user set it;
    ``flags`` carries findings such as ``"mixed_types"`` (numbers and text in one
    column, kept as text), ``"all_missing"`` or ``"constant"``.

    Example:
        >>> ColumnSchema("age", "int64", "numeric").as_dict()["semantic"]
        'numeric'
    """

    name: str
    dtype: str
    semantic: str
    overridden: bool = False
    flags: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ColumnSchema:
        """Build from a dict as stored in a version's ``schema`` JSON (lists become tuples)."""
        return cls(
            name=str(data["name"]),
            dtype=str(data.get("dtype", "")),
            semantic=str(data.get("semantic", "text")),
            overridden=bool(data.get("overridden", False)),
            flags=tuple(data.get("flags") or ()),
        )


HYPOTHESIS_STATUSES = ("draft", "testing", "supported", "rejected", "inconclusive")


@dataclass(frozen=True)
class Hypothesis(_Entity):
    """A testable claim with a measurable success criterion (metric, direction, threshold).

    Example:
        >>> h.criterion
        'roc_auc >= 0.85 on the holdout set'
    """

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


@dataclass(frozen=True)
class Dataset(_Entity):
    """A named table that belongs to the workspace (shared by projects) and has versions."""

    id: str
    name: str
    description: str
    license: str
    created_by: str
    created_at: str
    archived_at: str | None = None
    n_versions: int = 0
    latest_version_id: str | None = None

    @property
    def label(self) -> str:
        """Name with a short id, as the UI shows objects."""
        return f"{self.name} · {self.id}"


@dataclass(frozen=True)
class DatasetVersion(_Entity):
    """One immutable version of a dataset: a canonical Parquet artifact and what it holds.

    ``sha256`` identifies the content (not the file format it came in); ``artifact`` is
    the Parquet file's hash in the artifact store; ``source`` records where it came from
    (file name, format, encoding, uploaded by, note/URL); ``operation`` says how a
    derived version was made from ``parent_id``.

    Example:
        >>> version.label
        'churn v3 · dsv_5f0c1a9e2b7d'
    """

    _json_fields: ClassVar[tuple[str, ...]] = ("schema", "source", "operation", "warnings")

    id: str
    dataset_id: str
    number: int
    sha256: str
    artifact: str
    n_rows: int
    n_cols: int
    size_bytes: int
    schema: list[ColumnSchema]
    source: dict[str, Any]
    parent_id: str | None
    operation: dict[str, Any]
    description: str
    warnings: list[str]
    created_at: str
    dataset_name: str = ""

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """Build the version from a store row (schema items become :class:`ColumnSchema`)."""
        version = super().from_row(row)
        schema = [c if isinstance(c, ColumnSchema) else ColumnSchema.from_dict(c) for c in version.schema]
        return dataclasses.replace(version, schema=schema)

    @property
    def label(self) -> str:
        """``name vN · id``, as the UI shows versions."""
        return f"{self.dataset_name or 'dataset'} v{self.number} · {self.id}"

    @property
    def columns(self) -> list[str]:
        """Column names in order."""
        return [c.name for c in self.schema]

    def column(self, name: str) -> ColumnSchema | None:
        """Return the schema of one column, or ``None``."""
        return next((c for c in self.schema if c.name == name), None)


@dataclass(frozen=True)
class AddResult:
    """What :func:`core.datasets.add_dataset` did: the version, its dataset, and whether it existed."""

    version: DatasetVersion
    dataset: Dataset
    reused: bool
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class VersionDiff(_Entity):
    """Differences between two dataset versions (``a`` is the old one, ``b`` the new one).

    Row-level fields (``rows_added``...) are ``None`` unless a key column was given.
    """

    a: str
    b: str
    same_content: bool
    rows_a: int
    rows_b: int
    columns_added: list[str]
    columns_removed: list[str]
    type_changes: list[dict[str, str]]
    semantic_changes: list[dict[str, str]]
    key: str | None = None
    rows_added: int | None = None
    rows_removed: int | None = None
    rows_changed: int | None = None
    sample_added: list[Any] = field(default_factory=list)
    sample_removed: list[Any] = field(default_factory=list)
    sample_changed: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class LineageNode(_Entity):
    """A node of a lineage graph: a dataset version, a hypothesis, an experiment..."""

    id: str
    kind: str
    label: str
    detail: str = ""


@dataclass(frozen=True)
class LineageEdge(_Entity):
    """An edge ``source --relation--> target`` (e.g. a version derived_from its parent)."""

    source: str
    target: str
    relation: str
    detail: str = ""


@dataclass(frozen=True)
class LineageGraph(_Entity):
    """Nodes and edges that a chart can draw (``core.charts`` or plotly directly)."""

    nodes: list[LineageNode]
    edges: list[LineageEdge]


@dataclass(frozen=True)
class ExportResult(_Entity):
    """What :func:`core.datasets.export_version` wrote."""

    version_id: str
    fmt: str
    n_rows: int
    path: str | None
    size_bytes: int
    neutralised_cells: int


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
    """A trained model: one artifact that predicts from raw rows, with its provenance."""

    _json_fields: ClassVar[tuple[str, ...]] = ("config", "holdout", "environment", "reference_stats")

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


@dataclass(frozen=True)
class Preview:
    """The first rows of a file as it would be ingested, before anything is stored.

    ``frame`` is a pandas DataFrame (column names already de-duplicated); ``source``
    says what was detected (format, encoding, delimiter, decimal, sheet, sheets).
    """

    file_name: str
    frame: Any
    source: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
