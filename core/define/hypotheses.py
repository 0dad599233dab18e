"""Hypotheses: testable claims with a measurable success criterion, and their history.

A hypothesis says what we believe ("usage features predict churn"), how we will know
(``roc_auc >= 0.85`` on the holdout set), what data it needs and how we will get it.
Status changes are stored with history; verdicts from experiments arrive with the
compare step.
"""

from __future__ import annotations

import math
from typing import Any

from core.define.entities import HYPOTHESIS_STATUSES, Hypothesis, HypothesisChange
from core.define.projects import get_project
from core.errors import InvalidInput, NotFound
from core.ids import new_id, utcnow
from core.store.activity import record_event, shorten
from core.workspace import Workspace

# Metrics a success criterion can use (FLAML's names), with the direction that means "better".
METRICS: dict[str, str] = {
    "accuracy": ">=", "roc_auc": ">=", "roc_auc_ovr": ">=", "roc_auc_ovo": ">=", "f1": ">=",
    "micro_f1": ">=", "macro_f1": ">=", "ap": ">=", "r2": ">=",
    "log_loss": "<=", "mae": "<=", "mse": "<=", "rmse": "<=", "mape": "<=",
}
BOUNDED_01 = {"accuracy", "roc_auc", "roc_auc_ovr", "roc_auc_ovo", "f1", "micro_f1", "macro_f1", "ap"}
EDITABLE = ("question", "statement", "metric", "direction", "threshold", "data_needed",
            "acquisition", "owner", "status")


def _validate(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for key in ("question", "statement", "data_needed", "acquisition", "owner"):
        if key in out:
            out[key] = (out[key] or "").strip()
    if "statement" in out and not out["statement"]:
        raise InvalidInput("A hypothesis needs a statement.",
                           hint="Write what you believe, e.g. 'Usage in the last 90 days predicts churn'.")
    if "question" in out and not out["question"]:
        raise InvalidInput("A hypothesis needs the question it answers.",
                           hint="e.g. 'Which customers will cancel next month?'")
    if "metric" in out and out["metric"] not in METRICS:
        raise InvalidInput(f"'{out['metric']}' is not a metric MLCycle can evaluate.",
                           hint=f"Use one of: {', '.join(METRICS)}.")
    if "direction" in out and out["direction"] not in (">=", "<="):
        raise InvalidInput(f"'{out['direction']}' is not a direction.", hint="Use '>=' or '<='.")
    if "threshold" in out:
        try:
            out["threshold"] = float(out["threshold"])
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"The threshold '{out['threshold']}' is not a number.",
                               hint="Type a number such as 0.85.") from exc
        if not math.isfinite(out["threshold"]):
            raise InvalidInput("The threshold must be a finite number.")
    if "status" in out and out["status"] not in HYPOTHESIS_STATUSES:
        raise InvalidInput(f"'{out['status']}' is not a hypothesis status.",
                           hint=f"Use one of: {', '.join(HYPOTHESIS_STATUSES)}.")
    return out


def _check_range(metric: str, threshold: float) -> None:
    if metric in BOUNDED_01 and not 0.0 <= threshold <= 1.0:
        raise InvalidInput(f"{metric} lies between 0 and 1, so a threshold of {threshold:g} can never be judged.",
                           hint="Use a value such as 0.85.")
    if metric in {"mae", "mse", "rmse", "mape", "log_loss"} and threshold < 0:
        raise InvalidInput(f"{metric} is never negative; a threshold of {threshold:g} cannot be met.")


def create_hypothesis(
    ws: Workspace,
    project_id: str,
    *,
    question: str,
    statement: str,
    metric: str,
    threshold: float,
    direction: str | None = None,
    data_needed: str = "",
    acquisition: str = "",
    owner: str = "",
    status: str = "draft",
) -> Hypothesis:
    """Add a hypothesis to a project.

    Args:
        ws: the workspace.
        project_id: the project it belongs to.
        question: the question it answers.
        statement: what we believe.
        metric: the holdout metric of the success criterion (see :data:`METRICS`).
        threshold: the value the metric must reach.
        direction: ``>=`` or ``<=``; defaults to the metric's "better" direction.
        data_needed: the data it needs.
        acquisition: how that data will be acquired.
        owner: who owns it.
        status: initial status (``draft`` by default).

    Returns:
        The new hypothesis.

    Raises:
        NotFound: if the project does not exist.
        InvalidInput: if a field is missing or the criterion cannot be evaluated.
    """
    project = get_project(ws, project_id)
    values = _validate({
        "question": question, "statement": statement, "metric": metric,
        "direction": direction or METRICS.get(metric, ">="), "threshold": threshold,
        "data_needed": data_needed, "acquisition": acquisition, "owner": owner, "status": status,
    })
    _check_range(values["metric"], values["threshold"])
    now = utcnow()
    row = {"id": new_id("hyp"), "project_id": project.id, **values,
           "created_at": now, "updated_at": now, "archived_at": None}
    with ws.write() as db:
        db["hypotheses"].insert(row)
        db["hypothesis_history"].insert({"hypothesis_id": row["id"], "at": now, "field": "status",
                                         "old_value": None, "new_value": values["status"], "note": "created"})
        record_event(db, object_kind="hypothesis", object_id=row["id"], verb="created",
                     message=f"Hypothesis added: {shorten(values['statement'], 80)}", project_id=project.id)
    return Hypothesis.from_row(row)


def find_hypothesis(ws: Workspace, hypothesis_id: str | None) -> Hypothesis | None:
    """Return the hypothesis with this id, or ``None``."""
    if not hypothesis_id:
        return None
    with ws.read() as db:
        row = db.execute("SELECT * FROM hypotheses WHERE id = ?", [hypothesis_id]).fetchone()
    return Hypothesis.from_row(row) if row else None


def get_hypothesis(ws: Workspace, hypothesis_id: str, *, project_id: str | None = None) -> Hypothesis:
    """Return the hypothesis with this id, optionally checking that it belongs to a project.

    A hypothesis belongs to one project, so whatever links to it (an experiment testing it)
    must be in that project too.

    Args:
        ws: the workspace.
        hypothesis_id: the hypothesis.
        project_id: the project it must belong to (``None``: any project).

    Returns:
        The hypothesis.

    Raises:
        NotFound: if there is no such hypothesis (or no such project).
        InvalidInput: if it belongs to another project than ``project_id``.
    """
    found = find_hypothesis(ws, hypothesis_id)
    if found is None:
        raise NotFound(f"There is no hypothesis with id '{hypothesis_id}'.",
                       hint="List them with `mlcycle hypotheses list --project ID`.")
    if project_id is not None and found.project_id != project_id:
        wanted, owner = get_project(ws, project_id), get_project(ws, found.project_id)
        raise InvalidInput(
            f"Hypothesis {found.id} ('{shorten(found.statement, 60)}') belongs to project '{owner.name}', "
            f"not to project '{wanted.name}'.",
            hint=f"Choose a hypothesis of '{wanted.name}' (`mlcycle hypotheses list --project {wanted.id}`), "
                 f"or work in project '{owner.name}' ({owner.id}).")
    return found


def list_hypotheses(ws: Workspace, project_id: str, *, include_archived: bool = False) -> list[Hypothesis]:
    """Return a project's hypotheses, oldest first."""
    sql = "SELECT * FROM hypotheses WHERE project_id = ?"
    if not include_archived:
        sql += " AND archived_at IS NULL"
    with ws.read() as db:
        return [Hypothesis.from_row(r) for r in db.execute(sql + " ORDER BY created_at", [project_id]).fetchall()]


def update_hypothesis(ws: Workspace, hypothesis_id: str, *, note: str = "", **changes: Any) -> Hypothesis:
    """Change fields of a hypothesis, recording each change in its history.

    Args:
        ws: the workspace.
        hypothesis_id: the hypothesis.
        note: why (kept with each history entry).
        **changes: any of ``question, statement, metric, direction, threshold, data_needed,
            acquisition, owner, status``.

    Returns:
        The updated hypothesis.

    Raises:
        NotFound: if there is no such hypothesis.
        InvalidInput: for an unknown field or an invalid value.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"Cannot change {', '.join(sorted(unknown))} of a hypothesis.",
                           hint=f"Editable fields: {', '.join(EDITABLE)}.")
    current = get_hypothesis(ws, hypothesis_id)
    values = _validate(changes)
    merged = {**current.as_dict(), **values}
    _check_range(merged["metric"], float(merged["threshold"]))
    diff = {k: v for k, v in values.items() if getattr(current, k) != v}
    if not diff:
        return current
    now = utcnow()
    with ws.write() as db:
        db["hypotheses"].update(hypothesis_id, {**diff, "updated_at": now})
        for key, value in diff.items():
            db["hypothesis_history"].insert({
                "hypothesis_id": hypothesis_id, "at": now, "field": key,
                "old_value": None if getattr(current, key) is None else str(getattr(current, key)),
                "new_value": str(value), "note": note.strip(),
            })
        what = f"status {current.status} → {diff['status']}" if "status" in diff else ", ".join(diff)
        record_event(db, object_kind="hypothesis", object_id=hypothesis_id, verb="edited",
                     message=f"Hypothesis '{shorten(current.statement, 50)}': {what}", project_id=current.project_id)
    return get_hypothesis(ws, hypothesis_id)


def set_status(ws: Workspace, hypothesis_id: str, status: str, *, note: str = "") -> Hypothesis:
    """Change a hypothesis's status (draft, testing, supported, rejected, inconclusive).

    Raises:
        NotFound: if there is no such hypothesis.
        InvalidInput: if the status is not one of the five.
    """
    return update_hypothesis(ws, hypothesis_id, status=status, note=note)


def history(ws: Workspace, hypothesis_id: str) -> list[HypothesisChange]:
    """Return every recorded change of a hypothesis, oldest first."""
    with ws.read() as db:
        rows = db.execute("SELECT * FROM hypothesis_history WHERE hypothesis_id = ? ORDER BY seq",
                          [hypothesis_id]).fetchall()
    return [HypothesisChange.from_row(r) for r in rows]


def archive_hypothesis(ws: Workspace, hypothesis_id: str) -> Hypothesis:
    """Hide a hypothesis (soft delete).

    Raises:
        NotFound: if there is no such hypothesis.
    """
    h = get_hypothesis(ws, hypothesis_id)
    with ws.write() as db:
        db["hypotheses"].update(hypothesis_id, {"archived_at": utcnow()})
        record_event(db, object_kind="hypothesis", object_id=hypothesis_id, verb="archived",
                     message=f"Hypothesis archived: {shorten(h.statement, 60)}", project_id=h.project_id)
    return get_hypothesis(ws, hypothesis_id)


def restore_hypothesis(ws: Workspace, hypothesis_id: str) -> Hypothesis:
    """Bring an archived hypothesis back.

    Raises:
        NotFound: if there is no such hypothesis.
    """
    get_hypothesis(ws, hypothesis_id)
    with ws.write() as db:
        db["hypotheses"].update(hypothesis_id, {"archived_at": None})
    return get_hypothesis(ws, hypothesis_id)


def linked(ws: Workspace, hypothesis_id: str) -> dict[str, list[dict[str, Any]]]:
    """Return what a hypothesis is linked to: datasets, experiments and models.

    Returns:
        ``{"datasets": [{"id", "name"}], "experiments": [{"id", "name", "status"}],
        "models": [{"id", "learner", "experiment_id"}]}``.

    Raises:
        NotFound: if there is no such hypothesis.
    """
    get_hypothesis(ws, hypothesis_id)
    with ws.read() as db:
        datasets = db.execute(
            "SELECT d.id, d.name FROM lineage l JOIN datasets d ON d.id = l.to_id"
            " WHERE l.from_kind = 'hypothesis' AND l.from_id = ? AND l.to_kind = 'dataset' ORDER BY l.seq",
            [hypothesis_id]).fetchall()
        experiments = db.execute(
            "SELECT id, name, status, metric FROM experiments WHERE hypothesis_id = ? ORDER BY created_at",
            [hypothesis_id]).fetchall()
        models = db.execute(
            "SELECT m.id, m.learner, m.experiment_id, m.holdout FROM models m JOIN experiments e"
            " ON e.id = m.experiment_id WHERE e.hypothesis_id = ? ORDER BY m.created_at",
            [hypothesis_id]).fetchall()
    return {
        "datasets": [dict(r) for r in datasets],
        "experiments": [dict(r) for r in experiments],
        "models": [dict(r) for r in models],
    }
