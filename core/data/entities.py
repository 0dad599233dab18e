"""Entities of the Data step: datasets, versions, schemas, diffs, lineage graphs, previews."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from core.store.entities import _Entity

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
    derived version was made from ``parent_id``. ``archived_at`` is set while the version
    is archived (hidden from lists and pickers, still readable by id).

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
    archived_at: str | None = None

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
    def is_split(self) -> bool:
        """Whether this is the train or test part of a split (a child of its source version).

        A dataset's name resolves to its newest version that is not a split
        (:func:`core.data.reads.resolve_version`).
        """
        return (self.operation or {}).get("op") == "split"

    @property
    def columns(self) -> list[str]:
        """Column names in order."""
        return [c.name for c in self.schema]

    def column(self, name: str) -> ColumnSchema | None:
        """Return the schema of one column, or ``None``."""
        return next((c for c in self.schema if c.name == name), None)


@dataclass(frozen=True)
class AddResult:
    """What :func:`core.data.datasets.add_dataset` did: the version, its dataset, and whether it existed."""

    version: DatasetVersion
    dataset: Dataset
    reused: bool
    warnings: list[str] = field(default_factory=list)
    detected: dict[str, Any] = field(default_factory=dict)
    """What reading this file found: format, encoding, delimiter, decimal mark, sheet (and all
    sheets), as recorded in a new version's ``source`` (a reused version keeps its own)."""


@dataclass(frozen=True)
class VersionDiff(_Entity):
    """Differences between two dataset versions (``a`` is the old one, ``b`` the new one).

    Row-level fields (``rows_added``...) are ``None`` unless a key column was given.
    Without a key, rows are matched by their content on the columns both versions have:
    ``content_added`` / ``content_removed`` count the rows found only in ``b`` / only in ``a``
    (``None`` when the tables were too big to compare). ``added_rows`` / ``removed_rows``
    hold a few such rows (as ``{column: value}``); ``changed_cells`` a few changed cells
    of rows matched by the key (``{"key", "column", "old", "new"}``).
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
    content_added: int | None = None
    content_removed: int | None = None
    added_rows: list[dict[str, Any]] = field(default_factory=list)
    removed_rows: list[dict[str, Any]] = field(default_factory=list)
    changed_cells: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class VersionUse(_Entity):
    """An experiment that uses a dataset version: as its data (``data``), or as the training
    (``train``) or held-out test (``test``) part it split off; ``n_models`` counts its models."""

    version_id: str
    experiment_id: str
    experiment_name: str
    project_id: str | None
    role: str
    n_models: int = 0


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
    """Nodes and edges that a chart can draw (``core.data.charts`` or plotly directly)."""

    nodes: list[LineageNode]
    edges: list[LineageEdge]


@dataclass(frozen=True)
class ExportResult(_Entity):
    """What :func:`core.data.datasets.export_version` wrote."""

    version_id: str
    fmt: str
    n_rows: int
    path: str | None
    size_bytes: int
    neutralised_cells: int


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
