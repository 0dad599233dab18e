"""CLI: `mlcycle monitor MODEL ...`: watch a model's current data for drift, and close the loop.

One command, named by the model's id, with one action at a time:

- ``mlcycle monitor MODEL --batch PATH [--name N] [--background] [--json]``: add a file of current
  data (any format the Data step reads) as a batch and check it: every input column's drift test,
  statistic, threshold and verdict, PSI, prediction drift, and the model's metrics next to its
  held-out ones when the batch has the target. ``--background`` queues the check as a ``drift`` job.
- ``mlcycle monitor MODEL --log PATH``: the same for a served bundle's prediction log (a
  ``requests-*.jsonl`` file or the folder ``MLCYCLE_LOG_DIR`` pointed at).
- ``mlcycle monitor MODEL --check BATCH``: check a batch again (after changing the thresholds).
- ``mlcycle monitor MODEL --settings [--drift-share X] [--metric-drop Y]``: show or set the alert
  thresholds (given with another action, they are set first).
- ``mlcycle monitor MODEL --label [--of BATCH]``: send a batch (default: the newest) to labeling,
  most unusual rows first, as a task named after the target with the model's classes.
- ``mlcycle monitor MODEL --retrain [--of BATCH|PUBLICATION|VERSION]``: make the training data for a
  retrain (training rows + labeled rows) and print the old experiment's spec for the new one.
- ``mlcycle monitor MODEL``: the model's batches with their latest reports, oldest first.

``--json`` prints, for a check: ``{"id" (the report's), "batch_id", "model_id", "share_drifted",
"n_drifted", "drifted", "alert", "alert_reasons", "features": [{"column", "kind", "test",
"statistic", "threshold", "drifted", "psi", ...}], "prediction", "metrics", "missing_columns",
"extra_columns", "type_problems", "notes", "settings", "batch": {...}}``; with ``--background``
``{"id" (the job's), "job_id", "batch_id", "status"}``; ``--label`` the task (``id``, ``name``,
``classes``, ``version_id``, ``items``, ``batch_id``); ``--retrain`` the new version (``id``,
``label``, ``rows``, ``dataset_id``, ``batch_id``, ``spec``); ``--settings`` the thresholds; the
listing ``{"model_id", "batches": [{..., "report": {...} | null}]}``.
"""

from __future__ import annotations

import argparse
from typing import Any

from core.cli import stderr_progress, table, user_name
from core.errors import InvalidInput
from core.workspace import Workspace


def _num(x: Any) -> str:
    return "-" if x is None else f"{float(x):.4g}"


def _pct(x: Any) -> str:
    return "-" if x is None else f"{100 * float(x):.0f}%"


def _model_label(ws: Workspace, model_id: str) -> str:
    from core.experiments import service as experiments

    model = experiments.get_model(ws, model_id)
    exp = experiments.get_experiment(ws, model.experiment_id)
    return f"model {model.id} ({model.learner} of '{exp.name}')"


def _batch_dict(batch: Any) -> dict[str, Any]:
    return batch.as_dict()


def _report_text(ws: Workspace, report: Any, batch: Any) -> str:
    lines = [f"Checked batch '{batch.name}' ({batch.id}, {batch.n_rows:,} rows) against "
             f"{_model_label(ws, report.model_id)}: report {report.id}"]
    share = report.settings.get("drift_share")
    drop = report.settings.get("metric_drop")
    n = len(report.features)
    if report.alert:
        lines.append("ALERT")
        lines += [f"- {reason}" for reason in report.alert_reasons]
    else:
        lines.append(f"No alert: {report.n_drifted} of {n} features drifted ({_pct(report.share_drifted)}); "
                     f"thresholds: drift share {_pct(share)}, metric drop {_num(drop)}.")
    rows = [[f["column"], f["kind"], f["test"], _num(f.get("statistic")), _num(f.get("threshold")),
             "yes" if f.get("drifted") else "no", _num(f.get("psi")),
             f"{_pct(f.get('missing_ref'))} -> {_pct(f.get('missing_cur'))}",
             ", ".join(str(c) for c in (f.get("new_categories") or [])[:5])] for f in report.features]
    p = report.prediction
    if p:
        rows.append([f"(prediction, {p.get('source')})", p["kind"], p["test"], _num(p.get("statistic")),
                     _num(p.get("threshold")), "yes" if p.get("drifted") else "no", _num(p.get("psi")),
                     f"{_pct(p.get('missing_ref'))} -> {_pct(p.get('missing_cur'))}",
                     ", ".join(str(c) for c in (p.get("new_categories") or [])[:5])])
    lines.append(table(rows, ["column", "kind", "test", "statistic", "threshold", "drifted", "psi", "missing",
                              "new categories"]))
    m = report.metrics
    if m:
        lines.append(f"Metrics on '{m['target']}' ({m['n_rows']:,} batch rows, {m['n_holdout']:,} held-out rows); "
                     f"primary {m['primary']}, {_num(m.get('change'))} worse (allowed {_num(m.get('threshold'))}):")
        names = list(dict.fromkeys([*m["holdout"], *m["batch"]]))
        lines.append(table([[k, _num(m["holdout"].get(k)), _num(m["batch"].get(k))] for k in names],
                           ["metric", "held-out", "batch"]))
    lines += [f"note: {note}" for note in [*batch.notes, *report.notes]]
    return "\n".join(lines)


def _check(ws: Workspace, args: argparse.Namespace, batch: Any) -> tuple[dict, str]:
    from core.monitor import service

    if args.background:
        job = service.enqueue_report(ws, batch.id)
        return ({"id": job.id, "job_id": job.id, "batch_id": batch.id, "status": job.status,
                 "batch": _batch_dict(batch)},
                f"Added batch '{batch.name}' ({batch.id}, {batch.n_rows:,} rows); queued job {job.id} to check it "
                "for drift (follow it with `mlcycle jobs list`)")
    report = service.drift_report(ws, batch.id, on_progress=stderr_progress(not service.runs_inline(batch)))
    return report.summary() | {"batch": _batch_dict(batch)}, _report_text(ws, report, batch)


def _newest_batch(ws: Workspace, model_id: str) -> str:
    from core.monitor import service

    batches = service.list_batches(ws, model_id)
    if not batches:
        raise InvalidInput(f"Model {model_id} has no monitored batch yet.",
                           hint=f"Add one with `mlcycle monitor {model_id} --batch FILE`.")
    return batches[0].id


def cmd_monitor(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.experiments import service as experiments
    from core.monitor import service

    model = experiments.get_model(ws, args.model)
    by = user_name(args.by)
    if args.drift_share is not None or args.metric_drop is not None:
        service.set_settings(ws, model.id, drift_share=args.drift_share, metric_drop=args.metric_drop, by=by)
    if args.batch:
        batch = service.add_batch(ws, model.id, args.batch, name=args.name, created_by=by)
        return _check(ws, args, batch)
    if args.log:
        batch = service.import_log(ws, model.id, args.log, name=args.name, created_by=by)
        return _check(ws, args, batch)
    if args.check:
        batch = service.get_batch(ws, args.check)
        if batch.model_id != model.id:
            raise InvalidInput(f"Batch {batch.id} belongs to model {batch.model_id}, not {model.id}.",
                               hint=f"Check it with `mlcycle monitor {batch.model_id} --check {batch.id}`.")
        return _check(ws, args, batch)
    if args.label:
        from core.labeling import tasks

        batch = service.get_batch(ws, args.of or _newest_batch(ws, model.id))
        classes = [c.strip() for c in args.classes.split(",") if c.strip()] if args.classes else None
        task = service.send_to_labeling(ws, batch.id, name=args.task_name, classes=classes, created_by=by)
        items = tasks.item_count(ws, task)
        data = task.as_dict() | {"class_names": task.class_names, "items": items, "batch_id": batch.id}
        return data, (f"Label task '{task.name}' ({task.id}) on batch '{batch.name}': {items:,} rows, most unusual "
                      f"first, classes {', '.join(task.class_names)}. Label them on the Label page or with "
                      f"`mlcycle labels label {task.id} ...`, publish with `mlcycle labels publish {task.id}`, then "
                      f"`mlcycle monitor {model.id} --retrain --of {batch.id}`.")
    if args.retrain:
        version = service.retrain_version(ws, args.of or _newest_batch(ws, model.id), created_by=by)
        spec = service.retrain_spec(ws, model.id)
        data = {"id": version.id, "label": version.label, "rows": version.n_rows, "dataset_id": version.dataset_id,
                "dataset": version.dataset_name, "number": version.number,
                "batch_id": version.operation.get("batch_id"), "operation": version.operation, "spec": spec}
        learners = ",".join(spec.get("learners") or [])
        command = (f"mlcycle experiments run --dataset {version.id} --target '{spec['target']}' --task {spec['task']} "
                   f"--metric {spec['metric']} --budget {spec.get('time_budget') or 60:g} --seed {spec['seed']} "
                   f"--test-size {spec['test_size']:g}"
                   + (f" --learners {learners}" if learners else ""))
        return data, (f"Made {version.label}: {version.operation.get('summary', '')} ({version.n_rows:,} rows).\n"
                      f"Retrain with the spec of experiment '{spec['experiment_name']}' ({spec['experiment_id']}), "
                      f"e.g.: {command}")
    if args.settings:
        settings = service.get_settings(ws, model.id)
        return settings.as_dict(), (f"Alert thresholds of {_model_label(ws, model.id)}: drift share "
                                    f"{_pct(settings.drift_share)} of the features, metric drop "
                                    f"{_num(settings.metric_drop)}" + (f" (set by {settings.updated_by})"
                                                                        if settings.updated_by else " (the defaults)"))
    batches = list(reversed(service.list_batches(ws, model.id)))
    listed = []
    rows = []
    for batch in batches:
        report = service.latest_report(ws, batch.id)
        listed.append(_batch_dict(batch) | {"report": report.summary() if report else None})
        rows.append([batch.id, batch.name, batch.source, f"{batch.n_rows:,}", batch.created_at[:16].replace("T", " "),
                     "-" if report is None else f"{report.n_drifted}/{len(report.features)}",
                     "-" if report is None else ("ALERT" if report.alert else "ok")])
    text = (table(rows, ["batch", "name", "source", "rows", "added (UTC)", "drifted", "alert"]) if rows else
            f"No batches yet. Add one with `mlcycle monitor {model.id} --batch FILE`.")
    return {"model_id": model.id, "batches": listed}, text


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``monitor`` command."""
    c = sub.add_parser("monitor", parents=[common],
                       help="drift of a model's current data against its training data; alerts; label and retrain")
    c.add_argument("model", metavar="MODEL", help="model id")
    action = c.add_mutually_exclusive_group()
    action.add_argument("--batch", default=None, metavar="PATH",
                        help="add a file of current data (CSV, Excel, JSON, Parquet...) and check it for drift")
    action.add_argument("--log", default=None, metavar="PATH",
                        help="import a served bundle's prediction log (a requests-*.jsonl file or its folder) and "
                             "check it")
    action.add_argument("--check", default=None, metavar="BATCH", help="check a batch again (its id, mbt_…)")
    action.add_argument("--label", action="store_true",
                        help="send a batch (--of, default the newest) to labeling, most unusual rows first")
    action.add_argument("--retrain", action="store_true",
                        help="make the training data for a retrain: training rows + a batch's labeled rows")
    action.add_argument("--settings", action="store_true", help="show the alert thresholds")
    c.add_argument("--name", default=None, help="the batch's name (default: the file's)")
    c.add_argument("--background", action="store_true", help="check the batch as a job in the background worker")
    c.add_argument("--of", default=None, metavar="BATCH",
                   help="the batch for --label or --retrain (default: the newest); --retrain also takes a label "
                        "publication (lbp_…) or the published version (dsv_…)")
    c.add_argument("--drift-share", type=float, default=None, metavar="X",
                   help="set the alert threshold: the share of features that must drift (0-1, default 0.5)")
    c.add_argument("--metric-drop", type=float, default=None, metavar="Y",
                   help="set the alert threshold: how much worse the primary metric may get (default 0.05)")
    c.add_argument("--task-name", default=None, help="--label: the task's name (default: the target's)")
    c.add_argument("--classes", default=None, metavar="A,B", help="--label: the classes (default: the model's)")
    c.add_argument("--by", default=None, help="who does it (default: your user name)")
    c.set_defaults(handler=cmd_monitor)
