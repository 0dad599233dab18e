"""CLI: `mlcycle models list|show|benchmark|evaluate|promote|history|card|migrate`: compare, measure and register models.

``list`` is a project's leaderboard (paginated in SQL by :mod:`core.evaluation.leaderboard`);
``show`` is everything about one model (its evaluation with intervals, per-class table, latest
benchmark, gate result, registry stage and history, the verdict on its hypothesis);
``benchmark`` and ``evaluate`` queue their jobs and wait for them with progress on stderr
(``--no-wait`` returns the queued job); ``promote`` moves a model between registry stages and
``history`` lists those moves; ``card`` writes the model card (Markdown or HTML) and sets the parts
a person writes (``--set caveats=...``). A model is named by its full id; a project by its id or name.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from core import jobs
from core.cli import table
from core.errors import Conflict, InvalidInput
from core.jobs import Job, JobFailed
from core.workspace import Workspace

LIST_LIMIT = 50


# ---------------------------------------------------------------- shared by the models and gates commands

def num(x: float | None, digits: int = 4) -> str:
    """A measurement for a table: ``digits`` significant digits (whole numbers from 1,000 up), ``-`` when missing."""
    if x is None:
        return "-"
    x = float(x)
    if x != x or abs(x) == float("inf"):
        return str(x)
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.{digits}g}"


def size(n: int | None) -> str:
    """Bytes as B, KiB or MiB."""
    if n is None:
        return "-"
    if n < 1024:
        return f"{n} B"
    return f"{n / 1024:.1f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MiB"


def interval(value: float | None, low: float | None, high: float | None) -> str:
    """``0.912 [0.88, 0.94]`` (the 95% interval in brackets when there is one)."""
    if value is None:
        return "-"
    return num(value) + (f" [{num(low, 3)}, {num(high, 3)}]" if low is not None and high is not None else "")


def when(iso: str | None) -> str:
    """A stored UTC time as ``2025-03-01 14:02 UTC``."""
    return f"{iso[:16].replace('T', ' ')} UTC" if iso else "-"


def resolve_project(ws: Workspace, ref: str) -> Any:
    """The project with this id, or else the active one with this name.

    Raises:
        NotFound: if neither exists.
    """
    from core.define import projects

    return projects.find_project(ws, ref) or projects.find_project_by_name(ws, ref) or projects.get_project(ws, ref)


def wait_with_progress(ws: Workspace, job: Job, what: str, *, poll: float = 0.5) -> Job:
    """Wait for a queued job, writing its progress to stderr when it changes; return it once done.

    Starts a worker whenever the job waits and none is alive (as :func:`core.jobs.wait_for`).

    Raises:
        JobFailed: if it failed, was cancelled or was interrupted.
    """
    from core.jobs.liveness import worker_alive
    from core.jobs.worker import ensure_worker

    last = ""
    while True:
        job = jobs.get_job(ws, job.id)
        if job.finished:
            break
        pct = "" if job.progress is None else f" {job.progress * 100:.0f}%"
        line = f"{what}:{pct} {job.message}".rstrip()
        if line != last:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
            last = line
        if not worker_alive(ws):
            ensure_worker(ws)
            continue
        time.sleep(poll)
    if job.status != "done":
        raise JobFailed(f"{what} ({job.id}) {job.status}" + (f": {job.error}" if job.error else "."),
                        hint=f"See `mlcycle jobs show {job.id}`; the worker's log is {ws.logs_dir / 'worker.log'}.")
    return job


def _model(ws: Workspace, model_id: str) -> Any:
    from core import experiments

    return experiments.get_model(ws, model_id)


# ---------------------------------------------------------------- list

def _row_dict(row: Any) -> dict[str, Any]:
    from dataclasses import asdict, is_dataclass

    data = asdict(row) if is_dataclass(row) else dict(row)
    return data | {"id": data.get("model_id")}


def _project_of_filters(ws: Workspace, args: argparse.Namespace) -> Any:
    """The project to list: ``--project``, else the experiment's, else the only one there is."""
    from core import experiments
    from core.define import projects

    if args.project:
        return resolve_project(ws, args.project)
    if args.experiment:
        exp = experiments.get_experiment(ws, args.experiment)
        if exp.project_id:
            return projects.get_project(ws, exp.project_id)
    active = projects.list_projects(ws)
    if len(active) == 1:
        return active[0]
    raise InvalidInput("Which project's models? " + ("There are no projects yet." if not active else
                       f"There are {len(active)} projects."),
                       hint="Give --project ID or NAME (see `mlcycle projects list`).")


def cmd_list(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.evaluation import gates, leaderboard, registry

    project = _project_of_filters(ws, args)
    stage = registry.require_stage(args.stage) if args.stage else None
    page = leaderboard.leaderboard(
        ws, project.id, experiment_ids=[args.experiment] if args.experiment else None,
        learners=[args.learner] if args.learner else None, stages=[stage] if stage else None,
        sort=args.sort, offset=args.offset, limit=args.limit, include_archived=args.all or stage == "archived")
    results = gates.check_models(ws, project.id, [r.model_id for r in page.rows])  # {} without a gate
    models = [_row_dict(r) | {"gate": results[r.model_id].as_dict() if r.model_id in results else None}
              for r in page.rows]
    rows = [(r.model_label, r.experiment_name, _headline(r), num(r.p99_ms, 3), size(r.size_bytes), r.stage,
             gate_word(results.get(r.model_id)), r.verdict or "-") for r in page.rows]
    shown = f"{len(page.rows)} of {page.total} models"
    if page.rows and (page.offset or len(page.rows) < page.total):
        shown += f" (from {page.offset + 1}; more with --offset {page.offset + len(page.rows)})" \
            if page.offset + len(page.rows) < page.total else f" (from {page.offset + 1})"
    text = (table(rows, ["model", "experiment", "metric [95% interval]", "p99 ms", "size", "stage", "gate",
                         "verdict"])
            + "\n" + shown) if rows else f"No models in project {project.name} with these filters ({shown})."
    return {"models": models, "total": page.total, "offset": page.offset, "limit": page.limit,
            "project_id": project.id}, text


def _headline(row: Any) -> str:
    """The row's metric with its interval, ``(cv)`` when measured by repeated cross-validation."""
    if row.value is None:
        return f"{row.metric} - (not evaluated)"
    return f"{row.metric} {interval(row.value, row.low, row.high)}" + (" (cv)" if row.method == "repeated_cv" else "")


def gate_word(result: Any) -> str:
    """A gate result in a table: ``pass``, ``FAIL: clause (is value)``, ``unknown: clause (why)``; ``-`` without a gate."""
    if result is None:
        return "-"
    if result.passed is None:
        return "unknown: " + "; ".join(result.unknown)
    return "pass" if result.passed else "FAIL: " + "; ".join(result.failing)


# ---------------------------------------------------------------- show

def _benchmark_dict(bench: Any) -> dict[str, Any]:
    """The figures of ``models benchmark --json`` (:meth:`Benchmark.as_dict`), with the row's id and job."""
    return bench.as_dict() | {"id": bench.id, "job_id": bench.job_id}


def cmd_show(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core import experiments
    from core.data import datasets
    from core.define import hypotheses
    from core.evaluation import benchmark, gates, leaderboard, registry, scoring

    model = _model(ws, args.model)
    (row,) = leaderboard.rows_of(ws, [model.id])  # its trial's validation metric and train time
    exp = experiments.get_experiment(ws, model.experiment_id)
    version = datasets.get_version(ws, exp.dataset_version_id)
    ev = scoring.get_evaluation(ws, model.id)
    bench = benchmark.latest_benchmarks(ws, [model.id]).get(model.id)
    rule = gates.get_gate(ws, model.project_id) if model.project_id else None
    result = gates.check_models(ws, model.project_id, [model.id]).get(model.id) if rule else None
    history = registry.stage_history(ws, model_id=model.id)
    hyp = hypotheses.get_hypothesis(ws, exp.hypothesis_id) if exp.hypothesis_id else None
    data = model.as_dict() | {
        "id": model.id,
        "experiment": {"id": exp.id, "name": exp.name, "task": exp.task, "metric": exp.metric,
                       "target": exp.target, "n_trials": exp.n_trials},
        "trial": {"trial": row.trial, "val_metric": row.val_metric, "train_time": row.train_time},
        "data_version": {"id": version.id, "label": version.label},
        "evaluation": ev.as_dict() if ev else None,
        "benchmark": _benchmark_dict(bench) if bench else None,
        "gate": result.as_dict() if result else ({"rule": rule.text} if rule else None),
        "stage_history": [c.as_dict() for c in history],
        "hypothesis": ({"id": hyp.id, "statement": hyp.statement, "status": hyp.status, "verdict": hyp.verdict}
                       if hyp else None),
    }
    lines = [
        f"Model {model.id}  ({model.learner})  stage: {model.stage}",
        f"experiment {exp.name or exp.target} ({exp.id}), task {exp.task}, target '{exp.target}'",
        f"data {version.label}",
        f"trial {'-' if row.trial is None else row.trial} of {exp.n_trials}: validation {exp.metric} "
        f"{num(row.val_metric)}, trained in {num(row.train_time, 3)} s",
        "config " + (", ".join(f"{k}={v}" for k, v in model.config.items()) or "-"),
    ]
    if ev is None:
        lines.append(f"evaluation: none yet; compute it with `mlcycle models evaluate {model.id}`")
    else:
        method = "repeated cross-validation" if ev.method == "repeated_cv" else "holdout"
        lines.append(f"evaluation ({method}, {ev.n_rows} rows; * the experiment's metric):")
        lines.append(table([(("* " if name == ev.metric else "  ") + name, num(m.get("value")),
                             "-" if m.get("low") is None else f"[{num(m.get('low'), 3)}, {num(m.get('high'), 3)}]",
                             ev.averaging.get(name, "")) for name, m in ev.metrics.items()],
                           ["metric", "value", "95% interval", "averaging"]))
        lines += [f"note: {n}" for n in ev.notes]
        if ev.per_class:
            lines.append(table([(c["class"], num(c.get("precision"), 3), num(c.get("recall"), 3),
                                 num(c.get("f1"), 3), c.get("support")) for c in ev.per_class],
                               ["class", "precision", "recall", "f1", "support"]))
    if bench is None:
        lines.append(f"benchmark: none yet; measure it with `mlcycle models benchmark {model.id}`")
    else:
        machine = bench.machine or {}
        lines.append(f"benchmark ({when(bench.created_at)}, {machine.get('cpu_count', '?')} CPU(s)): load "
                     f"{num(bench.load_ms, 3)} ms, single row p50 {num(bench.p50_ms, 3)} / p95 {num(bench.p95_ms, 3)} / "
                     f"p99 {num(bench.p99_ms, 3)} ms, size {size(bench.size_bytes)}, peak memory "
                     f"{num(bench.peak_rss_mb, 4)} MiB")
        lines.append("  rows/s by batch size: " + ", ".join(f"{k}: {num(v, 4)}" for k, v in bench.rows_per_s.items()))
    if rule is None:
        lines.append("gate: none set for its project")
    else:
        lines.append(f"gate `{rule.text}`: {gate_word(result)}")
    if history:
        lines.append("stage history (newest first):")
        lines += ["  " + _change_line(c) for c in history]
    if hyp is not None:
        v = hyp.verdict or {}
        lines.append(f"hypothesis {hyp.id}: {hyp.statement} [{hyp.status}]")
        if v:
            relation = {"max": ">=", "min": "<="}.get(str(v.get("direction")), v.get("direction") or "")
            by = "set by a user" if v.get("source") == "user" else "automatic"
            lines.append(f"  verdict: {v.get('outcome')} ({by}): {v.get('metric')} "
                         f"{interval(v.get('value'), v.get('low'), v.get('high'))} against {relation} "
                         f"{num(v.get('threshold'))}, model {v.get('model_id')}"
                         + (f"; note: {v['note']}" if v.get("note") else ""))
        else:
            lines.append("  verdict: none yet")
    return data, "\n".join(lines)


# ---------------------------------------------------------------- benchmark / evaluate

def cmd_benchmark(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.evaluation import benchmark

    ids = list(dict.fromkeys(args.models))
    job = benchmark.enqueue_benchmark(ws, ids, calls=args.calls)  # an unknown model is refused, nothing queued
    if args.no_wait:
        return (job.as_dict() | {"id": job.id, "job_id": job.id, "model_ids": ids},
                f"Queued benchmark job {job.id} for {len(ids)} model(s); follow it with `mlcycle jobs show {job.id}`")
    job = wait_with_progress(ws, job, f"Benchmarking {len(ids)} model(s)")
    found = benchmark.latest_benchmarks(ws, ids)
    per_model = [found[m].as_dict() | {"id": found[m].id} for m in ids if m in found]
    data: dict[str, Any] = {"job_id": job.id, "benchmarks": per_model}
    if len(per_model) == 1:  # one model: its figures at the top level too
        data = per_model[0] | data
    learners = {m: _model(ws, m).learner for m in ids}
    rows = [(f"{learners[b['model_id']]} · {b['model_id']}", num(b["load_ms"], 3), num(b["p50_ms"], 3), num(b["p95_ms"], 3), num(b["p99_ms"], 3),
             ", ".join(f"{k}: {num(v, 4)}" for k, v in b["rows_per_s"].items()), size(b["size_bytes"]),
             num(b["peak_rss_mb"], 4)) for b in per_model]
    machine = per_model[0]["machine"] if per_model else {}
    text = (table(rows, ["model", "load ms", "p50 ms", "p95 ms", "p99 ms", "rows/s by batch size", "size",
                         "peak MiB"])
            + f"\nMeasured in a fresh process, {args.calls:,} single-row calls each, on "
            + f"{machine.get('cpu_count', '?')} CPU(s)" + (f" ({machine['cpu_model']})" if machine.get("cpu_model")
                                                           else "") + f" (job {job.id})")
    return data, text


def cmd_evaluate(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.evaluation import scoring

    ids = list(dict.fromkeys(args.models))
    if ids and args.project:
        raise InvalidInput("Give model ids or --project, not both.", hint="E.g. `mlcycle models evaluate --project P`.")
    if not ids and not args.project:
        raise InvalidInput("Which models? Give model ids, or --project for every model of a project without an "
                           "evaluation.", hint="E.g. `mlcycle models evaluate --project P`.")
    project = resolve_project(ws, args.project) if args.project else None
    if project is not None:
        ids = scoring.missing_evaluations(ws, project.id)
        if not ids:
            return ({"job_id": None, "model_ids": [], "evaluated": [], "failed": {}},
                    f"Every model of project {project.name} has an evaluation; nothing to do.")
    # named models are evaluated (again, if they have an evaluation); an unknown one is refused
    job = scoring.enqueue_evaluation(ws, ids, project_id=project.id if project else None)
    if args.no_wait:
        return (job.as_dict() | {"id": job.id, "job_id": job.id, "model_ids": ids},
                f"Queued evaluation job {job.id} for {len(ids)} model(s); follow it with `mlcycle jobs show {job.id}`")
    job = wait_with_progress(ws, job, f"Evaluating {len(ids)} model(s)")
    result = job.result or {}
    done = scoring.evaluations_of(ws, result.get("evaluated") or [])
    evaluations = [{"model_id": m, "method": e.method, "metric": e.metric, "value": e.value, "low": e.low,
                    "high": e.high, "n_rows": e.n_rows, "notes": e.notes} for m, e in done.items()]
    failed = dict(result.get("failed") or {})
    rows = [(e["model_id"], "repeated CV" if e["method"] == "repeated_cv" else f"holdout ({e['n_rows']} rows)",
             f"{e['metric']} {interval(e['value'], e['low'], e['high'])}") for e in evaluations]
    text = (table(rows, ["model", "method", "metric [95% interval]"]) + "\n" if rows else "")
    text += f"Evaluated {len(evaluations)} of {len(ids)} model(s) (job {job.id})"
    text += "".join(f"\nnot evaluated: {m}: {why}" for m, why in failed.items())
    verdicts = result.get("verdicts") or {}
    text += "".join(f"\nhypothesis {h}: {outcome}" for h, outcome in verdicts.items())
    return {"job_id": job.id, "model_ids": ids, "evaluated": evaluations, "failed": failed,
            "verdicts": verdicts}, text


# ---------------------------------------------------------------- promote / history

def _change_line(c: Any) -> str:
    who = f" by {c.actor}" if c.actor else ""
    return f"{when(c.at)}  {c.learner} {c.model_id}  {c.old_stage or 'none'} -> {c.new_stage}{who}" + (
        f": {c.note}" if c.note else "")


def cmd_promote(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.evaluation import registry

    stage = registry.require_stage(args.stage)
    before = _model(ws, args.model)
    previous = registry.production_model(ws, before.project_id) if before.project_id else None
    model = registry.promote(ws, before.id, stage, note=args.note, actor=args.by or "", force=args.force)
    if model.stage == before.stage:
        text = f"Model {model.id} ({model.learner}) is already {model.stage}; nothing changed"
    else:
        text = f"Model {model.id} ({model.learner}): {before.stage} -> {model.stage}"
    archived = None
    if model.stage == "production" and previous is not None and previous.id != model.id:
        archived = previous.id
        text += f"\nModel {previous.id} ({previous.learner}), production until now, is archived"
    return model.as_dict() | {"id": model.id, "previous_stage": before.stage, "archived_model_id": archived}, text


def cmd_history(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.evaluation import registry

    if bool(args.model) == bool(args.project):
        raise InvalidInput("Give a model id or --project (one of them).",
                           hint="E.g. `mlcycle models history MODEL` or `mlcycle models history --project P`.")
    if args.model:
        changes = registry.stage_history(ws, model_id=args.model)  # an unknown model is refused
    else:
        changes = registry.stage_history(ws, project_id=resolve_project(ws, args.project).id)
    rows = [(when(c.at), f"{c.learner} {c.model_id}".strip(), c.old_stage or "none", c.new_stage, c.actor, c.note)
            for c in changes]
    text = (table(rows, ["when", "model", "from", "to", "by", "note"]) + "\n(newest first)" if rows
            else "No stage changes yet.")
    return {"history": [c.as_dict() for c in changes]}, text


# ---------------------------------------------------------------- card

def _card_settings(pairs: list[str]) -> dict[str, str]:
    """``--set FIELD=TEXT`` pairs as ``{field: text}`` (the last one of a field wins)."""
    from core.explain.card import CARD_FIELDS

    found: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(f"'{pair}' is not FIELD=TEXT.",
                               hint='E.g. --set caveats="Trained on 2024 customers only." Fields: '
                                    + ", ".join(CARD_FIELDS) + ".")
        found[key.strip()] = value
    return found


def cmd_card(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from pathlib import Path

    from core.data.views import check_output_path
    from core.explain import card as cards

    model = _model(ws, args.model)
    out = Path(args.out).expanduser() if args.out else None
    if out is not None:  # refused before anything is written
        check_output_path(out, what="the model card", suggested=f"model-card-{model.id}.{args.format}")
    settings = _card_settings(args.set or [])
    if settings:
        cards.set_card_fields(ws, model.id, settings, actor=args.by or "")
    card = cards.build_card(ws, model.id)
    document = cards.to_html(card) if args.format == "html" else cards.to_markdown(card)
    data: dict[str, Any] = {"model": model.id, "format": args.format, "sections": card.keys}
    if settings:
        data["fields"] = cards.card_fields(ws, model.id)
    if out is None:
        return data | {"text": document}, document
    out.write_text(document, encoding="utf-8")
    return data | {"path": str(out)}, (f"Wrote the model card of {model.learner} {model.id} to {out} "
                                       f"({args.format}, {len(card.sections)} sections)")


# ---------------------------------------------------------------- migrate

def cmd_migrate(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.experiments import migrate

    report = migrate.migrate_models(ws, dry_run=args.dry_run)
    rows = [(m.model_id, m.learner, m.status, m.n_rows_checked or "", m.message[:80]) for m in report.models]
    if not report.models:
        text = f"Nothing to migrate: all {report.n_current} models are in the pickle-free format."
    else:
        verb = "would be migrated" if args.dry_run else "migrated"
        done = sum(m.status in ("migrated", "would_migrate") for m in report.models)
        text = (table(rows, ["model", "learner", "status", "rows checked", "message"])
                + f"\n{done} of {len(report.models)} old models {verb}; the log is in {ws.logs_dir / 'migrations.log'}.")
    if report.n_failed:
        raise Conflict(f"{report.n_failed} of {len(report.models)} old models could not be migrated and were left "
                       f"as they were:\n{text}", hint="Each line says why; the others were migrated.")
    return report.as_dict(), text


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``models`` command group."""
    grp = sub.add_parser("models", help="trained models: compare, benchmark, evaluate, promote, card, migrate").add_subparsers(
        dest="command", required=True, metavar="<command>")
    c = grp.add_parser("list", parents=[common], help="a project's leaderboard: metrics with 95%% intervals, "
                                                      "latency, size, stage and gate")
    c.add_argument("--project", default=None, help="project id or name (default: the experiment's, or the only one)")
    c.add_argument("--experiment", default=None, metavar="ID")
    c.add_argument("--learner", default=None)
    c.add_argument("--stage", default=None, help="none, candidate, production or archived")
    c.add_argument("--sort", default="value", metavar="KEY",
                   help="value (the evaluated metric, best first; the default), val_metric, p50_ms, p95_ms, p99_ms, "
                        "load_ms, peak_rss_mb, rows_per_s, train_time, size, created_at, learner, experiment, "
                        "n_trials or stage; --sort=-KEY reverses it")
    c.add_argument("--limit", type=int, default=LIST_LIMIT, help=f"models per page (default {LIST_LIMIT})")
    c.add_argument("--offset", type=int, default=0, help="models to skip (the next page)")
    c.add_argument("--all", action="store_true", help="archived models too")
    c.set_defaults(handler=cmd_list)

    c = grp.add_parser("show", parents=[common], help="everything about one model")
    c.add_argument("model", help="model id")
    c.set_defaults(handler=cmd_show)

    c = grp.add_parser("benchmark", parents=[common],
                       help="measure load time, latency p50/p95/p99, throughput, size and memory in a fresh process")
    c.add_argument("models", nargs="+", metavar="MODEL", help="model id(s)")
    c.add_argument("--calls", type=int, default=1000, help="single-row calls timed for p50/p95/p99 (default 1000)")
    c.add_argument("--no-wait", action="store_true", help="queue the job and return at once")
    c.set_defaults(handler=cmd_benchmark)

    c = grp.add_parser("evaluate", parents=[common],
                       help="compute holdout metrics with 95%% intervals for models that have none")
    c.add_argument("models", nargs="*", metavar="MODEL", help="model id(s), evaluated again if they have one; "
                                                                "or --project")
    c.add_argument("--project", default=None, help="every model of this project without an evaluation")
    c.add_argument("--no-wait", action="store_true", help="queue the job and return at once")
    c.set_defaults(handler=cmd_evaluate)

    c = grp.add_parser("promote", parents=[common], help="move a model to a registry stage (one production "
                                                         "model per project; the gate must pass unless --force)")
    c.add_argument("model", help="model id")
    c.add_argument("--stage", required=True, metavar="STAGE", help="candidate, production, archived or none")
    c.add_argument("--note", required=True, help="why (kept in the stage history)")
    c.add_argument("--force", action="store_true", help="promote even if the model fails its project's gate")
    c.add_argument("--by", default=None, help="who promotes it (default: your user name)")
    c.set_defaults(handler=cmd_promote)

    c = grp.add_parser("history", parents=[common], help="registry stage changes: who, when and why")
    c.add_argument("model", nargs="?", default=None, help="model id; or --project")
    c.add_argument("--project", default=None)
    c.set_defaults(handler=cmd_history)

    c = grp.add_parser("card", parents=[common], help="the model card (Mitchell et al.) from the recorded lineage, "
                                                      "as Markdown or HTML; --set writes the parts a person writes")
    c.add_argument("model", help="model id")
    c.add_argument("--format", choices=("md", "html"), default="md", help="md (Markdown, the default) or html "
                                                                          "(one self-contained page)")
    c.add_argument("--out", default=None, metavar="FILE", help="write it to this file (in an existing folder) "
                                                               "instead of stdout")
    c.add_argument("--set", action="append", default=None, metavar="FIELD=TEXT",
                   help="write a field first (repeatable; empty TEXT clears it): intended_use, out_of_scope, "
                        "factors, ethical_considerations, caveats, recommendations or owners")
    c.add_argument("--by", default=None, help="who writes the fields (default: your user name)")
    c.set_defaults(handler=cmd_card)

    c = grp.add_parser("migrate", parents=[common],
                       help="rewrite models saved as pickles (before mlcycle-model/2) in the pickle-free format, "
                            "keeping their ids; only for a workspace you trust (reading a pickle runs its code)")
    c.add_argument("--dry-run", action="store_true", help="only list the models that would be migrated")
    c.set_defaults(handler=cmd_migrate)
