"""A stand-in for ``core.features.service``'s feature sets (until the real module lands): rows in the
``feature_sets`` table of migration 0010, read and written the way the contract says."""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass, field

from core.errors import InvalidInput, NotFound
from core.ids import new_id, utcnow


@dataclass(frozen=True)
class FeatureSet:
    id: str
    project_id: str | None
    dataset_id: str
    version_id: str
    name: str
    target: str | None
    columns: list = field(default_factory=list)
    dropped: list = field(default_factory=list)
    how: str = ""
    report_id: str | None = None
    created_by: str = ""
    created_at: str = ""
    archived_at: str | None = None


def _of(row) -> FeatureSet:
    values = dict(row)
    values["columns"], values["dropped"] = json.loads(values["columns"]), json.loads(values["dropped"])
    return FeatureSet(**values)


def save_set(ws, version_id, name, columns, *, target=None, dropped=None, how="", report_id=None,
             project_id=None, created_by=""):
    from core.data import datasets

    version = datasets.get_version(ws, version_id)
    present = {c.name for c in version.schema}
    if not columns or any(c not in present for c in columns) or target in columns:
        raise InvalidInput("bad columns")
    set_id = new_id("fset")
    with ws.write() as db:
        db["feature_sets"].insert({"id": set_id, "project_id": project_id, "dataset_id": version.dataset_id,
                                   "version_id": version.id, "name": name, "target": target,
                                   "columns": json.dumps(list(columns)), "dropped": json.dumps(dropped or []),
                                   "how": how, "report_id": report_id, "created_by": created_by,
                                   "created_at": utcnow()})
    return get_set(ws, set_id)


def get_set(ws, set_id):
    with ws.read() as db:
        row = db.execute("SELECT * FROM feature_sets WHERE id = ?", [set_id]).fetchone()
    if row is None:
        raise NotFound(f"There is no feature set '{set_id}'.")
    return _of(row)


def list_sets(ws, *, dataset_id=None, version_id=None, project_id=None):
    with ws.read() as db:
        rows = db.execute("SELECT * FROM feature_sets WHERE archived_at IS NULL ORDER BY created_at").fetchall()
    sets = [_of(r) for r in rows]
    return [s for s in sets if dataset_id in (None, s.dataset_id) and version_id in (None, s.version_id)]


def find_set(ws, ref, dataset_id=None):
    for s in list_sets(ws, dataset_id=dataset_id):
        if ref in (s.id, s.name):
            return s
    return get_set(ws, ref)


def archive_set(ws, set_id):
    with ws.write() as db:
        db["feature_sets"].update(set_id, {"archived_at": utcnow()})
    return get_set(ws, set_id)


def sets_for_version(ws, version_id):
    from core.data import datasets

    version = datasets.get_version(ws, version_id)
    present = {c.name for c in version.schema}
    return [s for s in list_sets(ws, dataset_id=version.dataset_id) if all(c in present for c in s.columns)]


def install(monkeypatch):
    """Make ``core.features.service`` this stand-in for one test; returns the module to use."""
    try:
        from core.features import service as real

        if hasattr(real, "save_set") and hasattr(real, "sets_for_version"):
            return real
    except ImportError:
        pass
    module = types.ModuleType("core.features.service")
    for name in ("FeatureSet", "save_set", "get_set", "list_sets", "find_set", "archive_set", "sets_for_version"):
        setattr(module, name, globals()[name])
    monkeypatch.setitem(sys.modules, "core.features.service", module)
    import core.features

    monkeypatch.setattr(core.features, "service", module, raising=False)
    return module
