"""Entities every step shares: the base of all entities, activity events and lineage links.

Each entity has ``from_row`` (a store row to an entity; JSON columns decoded) and ``as_dict``
(for the CLI's ``--json`` and for tables in the UI). Sqlite rows and dicts never cross layers."""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]


class _Entity:
    _json_fields: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """Build the entity from a store row, decoding its JSON columns."""
        names = _field_names(cls)
        values = {k: row[k] for k in row.keys() if k in names}
        for name in cls._json_fields:
            if isinstance(values.get(name), str):
                values[name] = json.loads(values[name])
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the entity's fields."""
        return dataclasses.asdict(self)  # type: ignore[call-overload]


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
