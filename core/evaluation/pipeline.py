"""Jobs that make a model, then evaluate it at once; and the ``evaluate`` job for older models.

The ``automl``, ``refit`` and ``reproduce`` job kinds run these wrappers of the functions in
:mod:`core.experiments.service` and :mod:`core.experiments.reproduce`: once the wrapped job
has stored its model, the model is evaluated (:func:`core.evaluation.scoring.evaluate_model`:
metrics with intervals and stored predictions) and, when a search finishes, the hypothesis it
tests is judged (:func:`core.evaluation.verdicts.judge_experiment`). The model is the job's
result: a failing evaluation or verdict is written to the job's log and never fails the job
nor loses the model (it can be evaluated later, as an ``evaluate`` job).

``run_evaluate_job`` (kind ``evaluate``) evaluates models made before evaluations were
stored, one after another, and judges the hypotheses of their experiments that have no
verdict yet.
"""

from __future__ import annotations

import logging
from typing import Any

from core.errors import MLCycleError
from core.evaluation import scoring, verdicts
from core.jobs import JobCancelled, JobContext
from core.progress import Progress, ProgressFn

__all__ = ["run_automl_job", "run_evaluate_job", "run_refit_job", "run_reproduce_job"]

log = logging.getLogger("mlcycle.evaluation")
_EVAL_FROM, _EVAL_TO = 0.96, 0.995  # where a wrapped job's progress bar stands while its model is evaluated


def _summary(ev: scoring.Evaluation) -> dict[str, Any]:
    return {"method": ev.method, "metric": ev.metric, "value": ev.value, "low": ev.low, "high": ev.high,
            "n_rows": ev.n_rows}


def _evaluate_quietly(ctx: JobContext, model_id: str) -> dict[str, Any] | None:
    """Evaluate the model a job made; a failure is logged, never raised (the model stays)."""

    def report(p: Progress) -> None:
        fraction = _EVAL_FROM + (_EVAL_TO - _EVAL_FROM) * (p.fraction or 0.0)
        ctx.progress(min(fraction, _EVAL_TO), p.message)

    ctx.progress(_EVAL_FROM, f"Evaluating model {model_id}", force=True)
    try:
        ev = scoring.evaluate_model(ctx.ws, model_id, progress=report)
    except Exception as exc:  # noqa: BLE001 - the model is the job's result; its evaluation can be redone
        if not isinstance(exc, MLCycleError):
            log.exception("evaluating model %s failed", model_id)
        reason = str(exc) if isinstance(exc, MLCycleError) else f"{type(exc).__name__}: {exc}"
        ctx.log(f"Evaluating model {model_id} failed: {reason}. The model is kept; evaluate it later with "
                f"`mlcycle models evaluate {model_id}`.")
        return None
    how = "by repeated cross-validation" if ev.method == "repeated_cv" else f"on {ev.n_rows} held-out rows"
    ctx.log(f"Evaluated model {model_id} {how}: " + ", ".join(
        f"{k} {_number(v.get('value'))} [{_number(v.get('low'))}, {_number(v.get('high'))}]"
        for k, v in ev.metrics.items()))
    for note in ev.notes:
        ctx.log(f"Evaluation note: {note}")
    return _summary(ev)


def _number(x: float | None) -> str:
    return "none" if x is None else f"{x:.4g}"


def _judge_quietly(ctx: JobContext, experiment_id: str) -> dict[str, Any] | None:
    """Judge the experiment's hypothesis; a failure is logged, never raised."""
    try:
        verdict = verdicts.judge_experiment(ctx.ws, experiment_id, on_log=ctx.log)
    except Exception as exc:  # noqa: BLE001 - a verdict is not worth failing the search for
        if not isinstance(exc, MLCycleError):
            log.exception("judging the hypothesis of experiment %s failed", experiment_id)
        ctx.log(f"Judging the hypothesis of experiment {experiment_id} failed: {exc}")
        return None
    if verdict is not None and verdict.get("applied"):
        ctx.log(f"Hypothesis verdict: {verdicts.verdict_text(verdict)}")
    return verdict


def run_automl_job(ctx: JobContext) -> dict[str, Any]:
    """Run an experiment's search (job kind ``automl``), then evaluate its model and judge its hypothesis.

    Returns:
        :func:`core.experiments.service.run_automl_job`'s result, plus ``evaluation`` (method,
        metric, value, low, high, n_rows; ``None`` if it failed) and ``verdict`` (``None`` when none was reached).

    Raises:
        As :func:`core.experiments.service.run_automl_job` (never because of the evaluation).
    """
    from core.experiments import service

    result = service.run_automl_job(ctx)
    model_id = result.get("model_id")
    if model_id:
        result["evaluation"] = _evaluate_quietly(ctx, model_id)
        verdict = _judge_quietly(ctx, result["experiment_id"]) if result["evaluation"] else None
        result["verdict"] = ({k: verdict.get(k) for k in ("outcome", "applied", "metric", "low", "high")}
                             if verdict else None)
    return result


def run_refit_job(ctx: JobContext) -> dict[str, Any]:
    """Refit an experiment's best finished trial (job kind ``refit``), then evaluate the new model.

    Returns:
        :func:`core.experiments.reproduce.run_refit_job`'s result plus ``evaluation``.

    Raises:
        As :func:`core.experiments.reproduce.run_refit_job`.
    """
    from core.experiments import reproduce

    result = reproduce.run_refit_job(ctx)
    if result.get("model_id"):
        result["evaluation"] = _evaluate_quietly(ctx, result["model_id"])
    return result


def run_reproduce_job(ctx: JobContext) -> dict[str, Any]:
    """Reproduce a model (job kind ``reproduce``); a model without an evaluation gets one too.

    Returns:
        :func:`core.experiments.reproduce.run_reproduce_job`'s result, plus ``evaluation`` when
        one was computed.

    Raises:
        As :func:`core.experiments.reproduce.run_reproduce_job`.
    """
    from core.experiments import reproduce

    result = reproduce.run_reproduce_job(ctx)
    model_id = ctx.payload.get("model_id")
    if model_id and scoring.get_evaluation(ctx.ws, model_id) is None:
        result["evaluation"] = _evaluate_quietly(ctx, model_id)
    return result


def _progress_for(ctx: JobContext, i: int, n: int) -> ProgressFn:
    """Model ``i`` of ``n``'s reports as the job's progress; cancel is honoured before anything is stored."""

    def report(p: Progress) -> None:
        ctx.progress((i + (p.fraction or 0.0)) / n, p.message)
        if p.fraction is None or p.fraction < 1.0:
            ctx.check_cancelled()

    return report


def run_evaluate_job(ctx: JobContext) -> dict[str, Any]:
    """Evaluate models one after another (job kind ``evaluate``).

    The payload names ``model_ids`` (else every model of ``project_id`` without an evaluation).
    A model that cannot be evaluated is logged and skipped; the hypotheses of experiments whose
    current model was evaluated and that have no verdict yet are judged.

    Returns:
        ``{"evaluated": [model ids], "failed": {model id: reason}, "verdicts": {hypothesis id: outcome}}``.

    Raises:
        JobCancelled: if the user cancelled it (evaluations already stored are kept).
        MLCycleError: if no model could be evaluated (the first reason).
    """
    ws = ctx.ws
    ids = list(ctx.payload.get("model_ids") or scoring.missing_evaluations(ws, ctx.payload.get("project_id")))
    evaluated: list[str] = []
    failed: dict[str, str] = {}
    for i, model_id in enumerate(ids):
        ctx.check_cancelled()
        ctx.progress(i / max(1, len(ids)), f"Evaluating model {model_id} ({i + 1} of {len(ids)})", force=True)
        try:
            ev = scoring.evaluate_model(ws, model_id, progress=_progress_for(ctx, i, len(ids)))
        except JobCancelled:
            raise
        except Exception as exc:  # noqa: BLE001 - one model's failure does not stop the others
            if not isinstance(exc, MLCycleError):
                log.exception("evaluating model %s failed", model_id)
            failed[model_id] = str(exc) if isinstance(exc, MLCycleError) else f"{type(exc).__name__}: {exc}"
            ctx.log(f"Model {model_id} could not be evaluated: {failed[model_id]}")
            continue
        evaluated.append(model_id)
        how = "repeated cross-validation" if ev.method == "repeated_cv" else f"{ev.n_rows} held-out rows"
        ctx.log(f"Model {model_id}: {ev.metric} {_number(ev.value)} [{_number(ev.low)}, {_number(ev.high)}] ({how})")
    if ids and not evaluated:
        raise MLCycleError(f"No model could be evaluated: {failed[ids[0]]}",
                           hint="See the job's log for each model's reason.")
    judged = _judge_unjudged(ctx, evaluated)
    ctx.progress(1.0, f"Evaluated {len(evaluated)} of {len(ids)} models", force=True)
    return {"evaluated": evaluated, "failed": failed, "verdicts": judged}


def _judge_unjudged(ctx: JobContext, model_ids: list[str]) -> dict[str, str]:
    """Judge the hypotheses without a verdict whose experiments' current models were just evaluated."""
    import json

    from core.data.reads import IN_JSON

    if not model_ids:
        return {}
    with ctx.ws.read() as db:
        rows = db.execute(
            "SELECT e.id, e.hypothesis_id FROM experiments e JOIN hypotheses h ON h.id = e.hypothesis_id"
            f" WHERE e.best_model_id {IN_JSON} AND h.verdict IS NULL ORDER BY e.created_at DESC",
            [json.dumps(model_ids)]).fetchall()
    out: dict[str, str] = {}
    for row in rows:
        if row["hypothesis_id"] in out:
            continue
        verdict = _judge_quietly(ctx, row["id"])
        if verdict is not None:
            out[row["hypothesis_id"]] = verdict["outcome"]
    return out
