"""Hypothesis verdicts: does the evidence clear the success criterion?

When an experiment that tests a hypothesis finishes, :func:`judge_experiment` reads its best
model's evaluation of the *hypothesis's* metric, with its 95% interval, and :func:`decide`
compares the whole interval with the criterion's threshold:

* ``supported``: the whole interval clears the threshold;
* ``rejected``: the whole interval misses it;
* ``inconclusive``: the interval straddles it.

The evidence (model, metric, value, interval, how it was measured) is recorded in the
hypothesis's history (field ``verdict``), as its current verdict (``Hypothesis.verdict``),
as its status, in the activity feed and in lineage (``hypothesis --judged_by--> model``).

A user can override the verdict with a note (:func:`override_verdict`). An override sticks:
later automatic verdicts are recorded in the history only.

Example:
    >>> decide(">=", 0.97, 0.962, 0.995)
    'inconclusive'
    >>> judge_experiment(ws, "exp_...")["outcome"]
    'supported'
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from core.define.entities import Hypothesis
from core.define.hypotheses import get_hypothesis
from core.errors import InvalidInput
from core.evaluation import metrics as M
from core.evaluation.scoring import get_evaluation
from core.experiments.service import get_experiment
from core.ids import utcnow
from core.store.activity import record_event, shorten
from core.store.lineage import add_link
from core.workspace import Workspace

__all__ = ["OUTCOMES", "decide", "judge_experiment", "override_verdict", "verdict_text", "verdicts_of"]

OUTCOMES = ("supported", "rejected", "inconclusive")
log = logging.getLogger("mlcycle.evaluation")
_HIGHER = (">=", "max")
_LOWER = ("<=", "min")


def decide(direction: str, threshold: float, low: float, high: float) -> str:
    """The three-way rule: where a metric's interval lies against the success threshold.

    Args:
        direction: ``>=`` (or ``max``: higher is better) or ``<=`` (or ``min``).
        threshold: the success threshold.
        low: the interval's lower end.
        high: the interval's upper end.

    Returns:
        ``supported`` when the whole interval meets the criterion (an end equal to the
        threshold meets it), ``rejected`` when the whole interval misses it, else ``inconclusive``.

    Raises:
        InvalidInput: if the direction is unknown or ``low > high``.
    """
    if low > high:
        raise InvalidInput(f"An interval's lower end ({low}) is above its upper end ({high}).")
    if direction in _HIGHER:
        return "supported" if low >= threshold else "rejected" if high < threshold else "inconclusive"
    if direction in _LOWER:
        return "supported" if high <= threshold else "rejected" if low > threshold else "inconclusive"
    raise InvalidInput(f"'{direction}' is not a direction.", hint="Use '>=' or '<='.")


def _num(x: float | None) -> str:
    if x is None:
        return "none"
    return f"{x:.3f}" if x == 0 or 0.01 <= abs(x) < 1000 else f"{x:.4g}"


def verdict_text(verdict: dict[str, Any]) -> str:
    """A verdict in one line, as the history records it.

    Example: ``supported: roc_auc 0.981 (95% CI 0.962–0.995) >= 0.97, model mdl_...``.
    """
    outcome = verdict.get("outcome", "")
    if verdict.get("source") == "user":
        return f"{outcome} (set by hand)"
    low, high = verdict.get("low"), verdict.get("high")
    ci = f"95% CI {_num(low)}–{_num(high)}" if low is not None and high is not None else "no interval"
    if verdict.get("method") == "repeated_cv":
        ci += ", repeated cross-validation"
    threshold = f"{float(verdict.get('threshold', 0)):g}"
    relation = {"supported": f"{verdict.get('direction')} {threshold}",
                "rejected": f"not {verdict.get('direction')} {threshold}",
                "inconclusive": f"straddles {threshold}"}.get(outcome, "")
    sep = ", " if outcome == "rejected" else " "
    return (f"{outcome}: {verdict.get('metric')} {_num(verdict.get('value'))} ({ci}){sep}{relation}, "
            f"model {verdict.get('model_id')}")


def judge_experiment(ws: Workspace, experiment_id: str, *,
                     on_log: Callable[[str], None] | None = None) -> dict[str, Any] | None:
    """Judge the hypothesis an experiment tests, from its best model's evaluation.

    Records nothing (and says why through ``on_log``) when the experiment tests no hypothesis,
    has no model, the model has no evaluation, or the hypothesis's metric is not among the
    model's metrics. When the user set the verdict by hand, the automatic one is recorded in
    the history only.

    Args:
        ws: the workspace.
        experiment_id: the finished experiment.
        on_log: called with a sentence when nothing is recorded, or when a user's verdict stands
            (a job passes its log); the module's logger otherwise.

    Returns:
        The automatic verdict (``Hypothesis.verdict``'s shape) with ``applied`` (``False`` when a
        user's verdict stands), or ``None`` when nothing was recorded.

    Raises:
        NotFound: if the experiment (or its hypothesis) does not exist.
    """
    say = on_log or log.info
    exp = get_experiment(ws, experiment_id)
    if not exp.hypothesis_id:
        return None
    h = get_hypothesis(ws, exp.hypothesis_id)
    if not exp.best_model_id:
        say(f"No verdict for hypothesis {h.id}: experiment '{exp.name}' has no model.")
        return None
    ev = get_evaluation(ws, exp.best_model_id)
    if ev is None:
        say(f"No verdict for hypothesis {h.id}: model {exp.best_model_id} has no evaluation.")
        return None
    found = M.lookup(ev.metrics, h.metric, ev.settings.get("task") or exp.task)
    if found is None or found[1].get("value") is None:
        have = ", ".join(ev.metrics) or "none"
        say(f"No verdict for hypothesis {h.id}: its metric {h.metric} is not among model {ev.model_id}'s "
            f"metrics ({have}).")
        return None
    entry = found[1]
    low, high = entry.get("low"), entry.get("high")
    outcome = decide(h.direction, h.threshold, low, high) if low is not None and high is not None else "inconclusive"
    verdict = {
        "outcome": outcome, "source": "auto", "experiment_id": exp.id, "model_id": ev.model_id,
        "metric": h.metric, "value": entry.get("value"), "low": low, "high": high, "method": ev.method,
        "threshold": h.threshold, "direction": h.direction,
        "note": ev.notes[0] if ev.method == "repeated_cv" and ev.notes else "", "at": utcnow(),
    }
    text = verdict_text(verdict)
    stands = bool(h.verdict and h.verdict.get("source") == "user")
    now = verdict["at"]
    with ws.write() as db:
        old_text = verdict_text(h.verdict) if h.verdict else None
        if stands:
            db["hypothesis_history"].insert({
                "hypothesis_id": h.id, "at": now, "field": "verdict", "old_value": old_text, "new_value": text,
                "note": f"experiment '{exp.name}' ({exp.id}); recorded only: the verdict set by hand stands"})
        else:
            db["hypotheses"].update(h.id, {"verdict": json.dumps(verdict), "status": outcome, "updated_at": now})
            db["hypothesis_history"].insert({
                "hypothesis_id": h.id, "at": now, "field": "verdict", "old_value": old_text, "new_value": text,
                "note": f"experiment '{exp.name}' ({exp.id})"})
            if h.status != outcome:
                db["hypothesis_history"].insert({
                    "hypothesis_id": h.id, "at": now, "field": "status", "old_value": h.status,
                    "new_value": outcome, "note": "from the evidence"})
        add_link(db, "hypothesis", h.id, "judged_by", "model", ev.model_id)
        record_event(db, object_kind="hypothesis", object_id=h.id, verb="judged",
                     message=f"Hypothesis '{shorten(h.statement, 50)}' {text}"
                             + (" (recorded only: the verdict set by hand stands)" if stands else ""),
                     project_id=h.project_id)
    if stands:
        say(f"Hypothesis {h.id}: the verdict set by hand ({h.verdict.get('outcome')}) stands; "
            f"the evidence says {text}")
    return {**verdict, "applied": not stands}


def override_verdict(ws: Workspace, hypothesis_id: str, outcome: str, *, note: str) -> Hypothesis:
    """Set a hypothesis's verdict by hand, with a note saying why; it sticks against later automatic ones.

    The evidence of the current verdict (model, metric, interval) is kept beside the user's
    outcome, so it stays visible.

    Args:
        ws: the workspace.
        hypothesis_id: the hypothesis.
        outcome: ``supported``, ``rejected`` or ``inconclusive``.
        note: why (required).

    Returns:
        The hypothesis, with its verdict and status set.

    Raises:
        InvalidInput: if the outcome is not one of the three, or the note is empty.
        NotFound: if there is no such hypothesis.
    """
    if outcome not in OUTCOMES:
        raise InvalidInput(f"'{outcome}' is not a verdict.", hint=f"Use one of: {', '.join(OUTCOMES)}.")
    note = (note or "").strip()
    if not note:
        raise InvalidInput("A verdict set by hand needs a note saying why.",
                           hint="Write what the decision rests on, e.g. 'a domain review of the errors agreed'.")
    h = get_hypothesis(ws, hypothesis_id)
    previous = dict(h.verdict or {})
    now = utcnow()
    verdict = {
        "outcome": outcome, "source": "user",
        **{k: previous.get(k) for k in ("experiment_id", "model_id", "metric", "value", "low", "high", "method")},
        "threshold": h.threshold, "direction": h.direction, "note": note, "at": now,
    }
    with ws.write() as db:
        db["hypotheses"].update(h.id, {"verdict": json.dumps(verdict), "status": outcome, "updated_at": now})
        db["hypothesis_history"].insert({
            "hypothesis_id": h.id, "at": now, "field": "verdict",
            "old_value": verdict_text(previous) if previous else None, "new_value": verdict_text(verdict),
            "note": note})
        if h.status != outcome:
            db["hypothesis_history"].insert({"hypothesis_id": h.id, "at": now, "field": "status",
                                             "old_value": h.status, "new_value": outcome, "note": note})
        record_event(db, object_kind="hypothesis", object_id=h.id, verb="verdict_set",
                     message=f"Hypothesis '{shorten(h.statement, 50)}' set to {outcome} by hand: {shorten(note, 60)}",
                     project_id=h.project_id)
    return get_hypothesis(ws, h.id)


def verdicts_of(ws: Workspace, project_id: str) -> dict[str, dict[str, Any]]:
    """Return the current verdicts of a project's hypotheses with one query.

    Returns:
        ``{hypothesis_id: verdict}`` for the hypotheses that have one (archived ones included).
    """
    with ws.read() as db:
        rows = db.execute("SELECT id, verdict FROM hypotheses WHERE project_id = ? AND verdict IS NOT NULL",
                          [project_id]).fetchall()
    return {r["id"]: json.loads(r["verdict"]) for r in rows}
