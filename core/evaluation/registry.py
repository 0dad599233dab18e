"""The model registry: each model's stage, and the history of who moved it, when and why.

A model is in one of :data:`STAGES`: ``none`` (just trained), ``candidate``, ``production``
or ``archived``. A project has at most one production model (the store's unique index
``models_one_production`` enforces it): promoting another moves the previous one to
``archived`` in the same transaction, its history saying which model replaced it. A model
that fails the project's gate (:mod:`core.evaluation.gates`), or that the gate cannot judge
yet, is refused for production unless forced; a forced promotion says so in its note.

Archived models keep everything: they can be looked up, benchmarked and promoted again, and
their history stays. A model moved to ``archived`` gets ``models.archived_at`` (lists hide it
unless asked); moved out of it, the mark is cleared.

Example:
    >>> promote(ws, model.id, "production", note="best ROC AUC under 10 ms", actor="kim")
    >>> production_model(ws, project.id).id == model.id
    True
"""

from __future__ import annotations

import difflib
import getpass
import json
import os
from dataclasses import dataclass
from typing import Any

from core.data.reads import IN_JSON
from core.errors import Conflict, InvalidInput
from core.experiments.entities import Model
from core.experiments.service import get_model
from core.ids import utcnow
from core.store.activity import record_event
from core.store.entities import _Entity
from core.workspace import Workspace

__all__ = ["STAGES", "StageChange", "current_actor", "production_model", "promote", "require_stage", "stage_history",
           "stages_of"]

STAGES = ("none", "candidate", "production", "archived")


@dataclass(frozen=True)
class StageChange(_Entity):
    """One move of a model between stages (a row of ``model_stages``).

    Attributes:
        seq: order of the change (higher is later).
        model_id: the model moved.
        project_id: its project.
        old_stage: the stage it left (``None`` for a first record).
        new_stage: the stage it entered.
        actor: who moved it (the OS user name unless given).
        note: why (a forced promotion says which gate clauses it overrode; a model moved out
            of production by another says ``replaced by <model>``).
        at: when (UTC, ISO-8601).
        learner: the model's learner (for display).
    """

    seq: int
    model_id: str
    project_id: str | None
    old_stage: str | None
    new_stage: str
    actor: str
    note: str
    at: str
    learner: str = ""


def current_actor() -> str:
    """The name recorded when no actor is given: the OS user name (``"unknown"`` if it cannot be told)."""
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # noqa: BLE001 - getuser raises various errors without a user database
        return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


def _label(model: Model) -> str:
    return f"{model.learner} ({model.id})"


def _check_stage(stage: str) -> str:
    wanted = str(stage or "").strip().lower()
    if wanted in STAGES:
        return wanted
    close = [s for s in STAGES if len(wanted) >= 2 and s.startswith(wanted)] or difflib.get_close_matches(
        wanted, STAGES, n=1)
    raise InvalidInput(f"There is no stage '{stage}'" + (f": did you mean '{close[0]}'?" if close else "."),
                       hint="A model's stage is one of: " + ", ".join(STAGES) + ".")


def _gate_refusal(ws: Workspace, model: Model) -> tuple[str, str] | None:
    """Why the project's gate does not let this model into production: ``("fail" | "unknown", clauses)``, or ``None``."""
    from core.evaluation import gates

    if not model.project_id:
        return None
    result = gates.check_models(ws, model.project_id, [model.id]).get(model.id)
    if result is None or result.passed:
        return None
    if result.passed is False:
        return "fail", "; ".join(result.failing)
    return "unknown", "; ".join(result.unknown)


def promote(ws: Workspace, model_id: str, stage: str, *, note: str = "", actor: str = "",
            force: bool = False) -> Model:
    """Move a model to a stage, recording who, when and why.

    Args:
        ws: the workspace.
        model_id: the model.
        stage: one of :data:`STAGES`.
        note: why (kept in the history).
        actor: who (default: the OS user name, :func:`current_actor`).
        force: promote to production even though the project's gate fails the model (or cannot
            judge it yet); the note records the override and the clauses.

    Returns:
        The model as it is now. A model already in ``stage`` is returned unchanged (nothing recorded).

    Raises:
        InvalidInput: if the stage is unknown, or production is asked for a model of no project.
        NotFound: if there is no such model.
        Conflict: if the project's gate fails the model (naming the failing clauses) or cannot
            judge it (naming what is missing), without ``force``.
    """
    stage = _check_stage(stage)
    model = get_model(ws, model_id)
    if model.stage == stage:
        return model
    who = (actor or "").strip() or current_actor()
    note = (note or "").strip()
    if stage == "production":
        if not model.project_id:
            raise InvalidInput(f"Model {_label(model)} belongs to no project, and production is per project.",
                               hint="Promote it to candidate, or train it in an experiment of a project.")
        refusal = _gate_refusal(ws, model)
        if refusal:
            status, clauses = refusal
            if not force:
                how = "fails the project's gate" if status == "fail" else "cannot be judged by the project's gate yet"
                raise Conflict(f"Model {_label(model)} {how}: {clauses}.",
                               hint="Improve the model or change the gate (`mlcycle gates`), or promote it anyway "
                                    "with --force (the override is recorded in its history).")
            override = (f"Promoted past the gate, which it fails: {clauses}" if status == "fail"
                        else f"Promoted before the gate could judge it: {clauses}")
            note = f"{note} ({override})" if note else override
    now = utcnow()
    with ws.write() as db:
        current = db.execute("SELECT stage, archived_at FROM models WHERE id = ?", [model.id]).fetchone()
        old_stage, old_archived = current["stage"], current["archived_at"]  # as of this transaction
        if stage == "production":
            previous = db.execute("SELECT * FROM models WHERE project_id = ? AND stage = 'production' AND id != ?",
                                  [model.project_id, model.id]).fetchall()
            for row in previous:
                old = Model.from_row(row)
                db.execute("UPDATE models SET stage = 'archived', archived_at = COALESCE(archived_at, ?) WHERE id = ?",
                           [now, old.id])
                _record(db, old, "production", "archived", who, f"replaced by {model.id}", now)
                record_event(db, object_kind="model", object_id=old.id, verb="archived",
                             message=f"Model {_label(old)} left production: replaced by {_label(model)}",
                             project_id=old.project_id)
        archived_at = (old_archived or now) if stage == "archived" else None
        db.execute("UPDATE models SET stage = ?, archived_at = ? WHERE id = ?", [stage, archived_at, model.id])
        _record(db, model, old_stage, stage, who, note, now)
        record_event(db, object_kind="model", object_id=model.id, verb="promoted" if stage in (
                         "candidate", "production") else "stage_changed",
                     message=f"Model {_label(model)} moved from {old_stage} to {stage} by {who}"
                             + (f": {note}" if note else ""),
                     project_id=model.project_id)
    return get_model(ws, model.id)


def _record(db: Any, model: Model, old: str | None, new: str, actor: str, note: str, at: str) -> None:
    db["model_stages"].insert({"model_id": model.id, "project_id": model.project_id, "old_stage": old,
                               "new_stage": new, "actor": actor, "note": note, "at": at})


def stage_history(ws: Workspace, *, model_id: str | None = None, project_id: str | None = None,
                  limit: int = 500) -> list[StageChange]:
    """Return stage changes, newest first: of one model, of one project, or of every model.

    Archived models (and models of archived experiments) keep their history.

    Args:
        ws: the workspace.
        model_id: only this model's changes.
        project_id: only this project's changes.
        limit: at most this many.

    Returns:
        The changes, newest first.

    Raises:
        NotFound: if ``model_id`` names no model.
    """
    where, params = [], []
    if model_id:
        get_model(ws, model_id)
        where.append("s.model_id = ?")
        params.append(model_id)
    if project_id:
        where.append("s.project_id = ?")
        params.append(project_id)
    sql = ("SELECT s.*, COALESCE(m.learner, '') AS learner FROM model_stages s LEFT JOIN models m ON m.id = s.model_id"
           + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY s.seq DESC LIMIT ?")
    with ws.read() as db:
        return [StageChange.from_row(r) for r in db.execute(sql, [*params, int(limit)]).fetchall()]


def production_model(ws: Workspace, project_id: str) -> Model | None:
    """Return the project's production model, or ``None`` when it has none.

    Raises:
        Nothing: an unknown project has none.
    """
    with ws.read() as db:
        row = db.execute("SELECT * FROM models WHERE project_id = ? AND stage = 'production'",
                         [project_id]).fetchone()
    return Model.from_row(row) if row else None


def stages_of(ws: Workspace, model_ids: list[str]) -> dict[str, str]:
    """Return each model's stage with one query (unknown ids are left out).

    Raises:
        Nothing.
    """
    if not model_ids:
        return {}
    with ws.read() as db:
        rows = db.execute(f"SELECT id, stage FROM models WHERE id {IN_JSON}", [json.dumps(list(model_ids))]).fetchall()
    return {r["id"]: r["stage"] for r in rows}


def require_stage(stage: str) -> str:
    """Return ``stage`` normalised (lower case) if it is one of :data:`STAGES`.

    Raises:
        InvalidInput: naming the stage, the closest one and the allowed ones.
    """
    return _check_stage(stage)
