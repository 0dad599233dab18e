"""CLI: `mlcycle experiments run|list|show|runs|cancel|reproduce|refit|use-model` (reproduce and refit run as jobs)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from core import jobs
from core.cli import table
from core.data import datasets
from core.errors import InvalidInput, MLCycleError
from core.experiments.entities import Experiment, Model
from core.jobs.entities import Job
from core.workspace import Workspace

DEFAULT_TEST_SIZE = 0.2


class _Lazy:
    """Import the ML stack (FLAML, LightGBM...) only when a command needs it, so the CLI starts fast."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        import importlib

        return getattr(importlib.import_module(f"core.{self._name}"), attr)


automl = _Lazy("experiments.search")
experiments = _Lazy("experiments")
service = _Lazy("experiments.service")


def _experiment_dict(ws: Workspace, exp: Experiment) -> dict[str, Any]:
    model = experiments.get_model(ws, exp.best_model_id) if exp.best_model_id else None
    return _with_model(exp, model)


def _with_model(exp: Experiment, model: Model | None) -> dict[str, Any]:
    return exp.as_dict() | {
        "sha256": exp.data_sha256,
        "best_model_id": exp.best_model_id,
        "holdout": model.holdout if model else {},
        "learner": model.learner if model else None,
        "selection": model.selection if model else None,
    }


def cmd_run(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    if args.budget is not None and args.budget < 0:
        raise InvalidInput("The time budget cannot be negative.", hint="Give seconds, e.g. --budget 60.")
    config = automl.SearchConfig(
        target=args.target, task=args.task, metric=args.metric,
        time_budget=args.budget, max_trials=args.max_trials,
        learners=tuple(s.strip() for s in args.learners.split(",") if s.strip()) if args.learners else None,
        eval_method=args.eval, n_splits=args.folds, seed=args.seed, n_concurrent_trials=args.concurrent,
    )
    version = datasets.resolve_version(ws, args.dataset)  # a name, name:vN, a dataset or a version id
    if getattr(args, "feature_set", None):  # a saved set by name (of the version's dataset) or id
        from dataclasses import replace

        from core.features import service as feature_sets

        config = replace(config, feature_set=feature_sets.find_set(ws, args.feature_set,
                                                                   dataset_id=version.dataset_id).id)
    exp = experiments.create_experiment(ws, version.id, config, project_id=args.project,
                                        hypothesis_id=args.hypothesis, name=args.name or "",
                                        test_size=args.test_size)
    warnings = [exp.spec["evaluation_note"]] if exp.spec.get("evaluation_note") else []
    for warning in warnings:  # before a --wait: the user learns it before the search runs
        sys.stderr.write(f"warning: {warning}\n")
        sys.stderr.flush()
    if args.wait:
        jobs.wait_for(ws, exp.job_id)
        exp = experiments.get_experiment(ws, exp.id)
        if exp.status != "done":
            raise JobFailed(f"Experiment {exp.id} {exp.status}" + (f": {exp.error}" if exp.error else "."),
                            hint=_after_stop_hint(exp))
    data = _experiment_dict(ws, exp) | {"warnings": warnings}
    text = f"Experiment {exp.id} {exp.status}"
    used = (exp.spec.get("resolved") or {}).get("feature_set")
    if used:
        data["feature_set"] = used
        text += f" with feature set '{used['name']}' ({len(used['columns'])} columns)"
    if exp.status == "done":
        text += f": {exp.n_trials} trials, best model {exp.best_model_id} holdout " + ", ".join(
            f"{k}={automl.number(v)}" for k, v in data["holdout"].items() if k != "n_rows")
    elif not exp.finished:
        text += f" (job {exp.job_id}); follow it with `mlcycle experiments show {exp.id}`"
    return data, text


def _after_stop_hint(exp: Experiment) -> str:
    """What to do after a search ended without a model."""
    if exp.best_run_id:
        return (f"Its {exp.n_trials} finished trial(s) are kept: refit the best with "
                f"`mlcycle experiments refit {exp.id}`, or see `mlcycle experiments show {exp.id}`.")
    return f"See `mlcycle experiments show {exp.id}`, fix the cause and run it again."


def cmd_list(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    items = experiments.list_experiments(ws, project_id=args.project)
    rows = [(e.id, e.name[:30], e.status, e.task, e.metric, e.n_trials, e.best_model_id or "") for e in items]
    text = table(rows, ["id", "name", "status", "task", "metric", "trials", "best model"]) if items else "No experiments."
    models = service.list_models_of(ws, [e.id for e in items])  # one query for every row's best model
    best = {m.id: m for ms in models.values() for m in ms}
    return {"experiments": [_with_model(e, best.get(e.best_model_id or "")) for e in items]}, text


def cmd_show(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    exp = experiments.get_experiment(ws, args.id)
    data = _experiment_dict(ws, exp)
    why = None
    if exp.best_model_id:
        why = experiments.selection_of(exp, experiments.get_model(ws, exp.best_model_id),
                                       experiments.list_runs(ws, exp.id))
        data["selection"] = why.as_dict() if why else None
    text = "\n".join([
        f"{exp.id}  {exp.name}  [{exp.status}]",
        f"task {exp.task}, metric {exp.metric}, target '{exp.target}', {exp.n_trials} trials",
        f"data {exp.dataset_version_id} (sha256 {exp.data_sha256[:16]}…), train {exp.train_version_id}, "
        f"held-out {exp.test_version_id}",
        f"best model {exp.best_model_id or '-'}: " + ", ".join(f"{k}={automl.number(v)}"
                                                              for k, v in data["holdout"].items() if k != "n_rows"),
        *([f"chosen: {why.reason}"] if why else []),
        f"python {exp.environment.get('python')}, flaml {exp.environment.get('packages', {}).get('flaml')}",
        *([f"error: {exp.error}"] if exp.error else []),
    ])
    return data, text


def cmd_runs(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    runs = experiments.list_runs(ws, args.id, best_first=args.best_first)
    def num(value: float | None, fmt: str) -> str:
        return "" if value is None else format(value, fmt)

    rows = [(r.trial, r.learner, num(r.val_metric, ".4f"), num(r.train_time, ".2f"), num(r.wall_offset, ".1f"),
             r.status) for r in runs]
    text = table(rows, ["trial", "learner", "val metric", "train s", "at s", "status"]) if runs else "No trials yet."
    return {"runs": [r.as_dict() for r in runs]}, text


def cmd_cancel(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    exp = experiments.cancel_experiment(ws, args.id)
    return _experiment_dict(ws, exp), f"Experiment {exp.id}: cancel requested (finished trials are kept)"


class JobFailed(MLCycleError):
    """A job the command waited for ended without success (its error is in the message)."""


def _wait_for_job(ws: Workspace, job: Job, what: str) -> Job:
    """Wait for a queued job (a worker was started for it) and return it once done.

    Raises:
        JobFailed: if it failed, was cancelled or was interrupted.
    """
    job = jobs.wait_for(ws, job.id)
    if job.status != "done":
        raise JobFailed(f"{what} ({job.id}) {job.status}" + (f": {job.error}" if job.error else "."),
                        hint=f"See `mlcycle jobs list`; the worker's log is {ws.logs_dir / 'worker.log'}.")
    return job


def cmd_reproduce(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    exp = experiments.get_experiment(ws, args.id) if args.id.startswith("exp_") else None
    model_id = exp.best_model_id if exp else args.id
    if not model_id:
        raise InvalidInput(f"Experiment {args.id} has no model yet.", hint="Wait for it to finish, or refit it.")
    job = _wait_for_job(ws, experiments.enqueue_reproduce(ws, model_id), f"Reproducing model {model_id}")
    r = job.result
    verdict = "identical" if r["identical"] else f"DIFFERENT (max abs diff {r['max_abs_diff']:.3g})"
    return r | {"job_id": job.id}, f"Model {model_id}: refit predictions on {r['n_rows']} held-out rows are {verdict}"


def cmd_refit(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    if args.best_validation:
        queued = experiments.enqueue_refit_best_validation(ws, args.id)
        what = f"Refitting the best validation trial of {args.id}"
    else:
        queued, what = experiments.enqueue_refit(ws, args.id), f"Refitting the best trial of {args.id}"
    job = _wait_for_job(ws, queued, what)
    model = experiments.get_model(ws, job.result["model_id"])
    if args.best_validation:
        text = (f"Refit the best validation trial as model {model.id} ({model.learner}); it is now the "
                "experiment's current model")
    else:
        text = f"Refit the best trial as model {model.id} ({model.learner})"
    return model.as_dict() | {"id": model.id, "job_id": job.id}, text


def cmd_use_model(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    exp = experiments.use_model(ws, args.id, args.model)
    return _experiment_dict(ws, exp), f"Model {args.model} is now the current model of experiment {exp.id}"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the experiments commands."""
    p = sub.add_parser("experiments", help="AutoML experiments, their trials and models")
    es = p.add_subparsers(dest="command", required=True, metavar="<command>")
    c = es.add_parser("run", parents=[common], help="queue an AutoML search (starts a worker if needed)")
    c.add_argument("--dataset", required=True, metavar="DATASET",
                   help="a dataset name (its newest version), name:vN, a dataset id or a version id")
    c.add_argument("--target", required=True)
    c.add_argument("--task", default="auto", choices=["auto", "binary", "multiclass", "regression"])
    c.add_argument("--metric", default="auto")
    c.add_argument("--budget", type=float, default=60.0, metavar="SECONDS")
    c.add_argument("--max-trials", type=int, default=None)
    c.add_argument("--learners", default=None, help="comma-separated FLAML learners, e.g. lgbm,lrl1")
    c.add_argument("--eval", default="auto", choices=["auto", "holdout", "cv"])
    c.add_argument("--folds", type=int, default=5)
    c.add_argument("--test-size", type=float, default=DEFAULT_TEST_SIZE)
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--hypothesis", default=None)
    c.add_argument("--project", default=None)
    c.add_argument("--name", default=None)
    c.add_argument("--feature-set", default=None, metavar="NAME|ID",
                   help="use a saved feature set's columns (see `mlcycle features list`): its name within the "
                        "dataset, or its id")
    c.add_argument("--concurrent", type=int, default=1, help="parallel trials on Ray (needs requirements-ray.txt)")
    c.add_argument("--wait", action="store_true",
                   help="return when the search ends (exits non-zero if it failed or was cancelled)")
    c.set_defaults(handler=cmd_run)
    c = es.add_parser("list", parents=[common], help="list experiments")
    c.add_argument("--project", default=None)
    c.set_defaults(handler=cmd_list)
    for name, fn, helptext in (("show", cmd_show, "show an experiment"),
                               ("cancel", cmd_cancel, "cancel a queued or running search"),
                               ("refit", cmd_refit, "refit the best finished trial in the worker and wait (after cancel/interrupt)")):
        c = es.add_parser(name, parents=[common], help=helptext)
        c.add_argument("id")
        c.set_defaults(handler=fn)
        if name == "refit":
            c.add_argument("--best-validation", action="store_true",
                           help="refit the trial with the best validation score instead of the one the "
                                "one-standard-error rule chose; it becomes the current model")
    c = es.add_parser("use-model", parents=[common], help="make one of an experiment's models its current model")
    c.add_argument("id", help="experiment id")
    c.add_argument("model", help="model id (see `experiments show ID --json`)")
    c.set_defaults(handler=cmd_use_model)
    c = es.add_parser("runs", parents=[common], help="list an experiment's trials")
    c.add_argument("id")
    c.add_argument("--best-first", action="store_true")
    c.set_defaults(handler=cmd_runs)
    c = es.add_parser("reproduce", parents=[common],
                      help="refit a model in the worker, wait, and check identical predictions")
    c.add_argument("id", help="experiment id (its best model) or model id")
    c.set_defaults(handler=cmd_reproduce)
    _register_notebook_command(es, common)


def cmd_notebook(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.data.notebook import check_out_path, save_notebook
    from core.experiments.notebook import experiment_notebook, experiment_notebook_name

    exp = experiments.get_experiment(ws, args.id)
    out = check_out_path(args.out, experiment_notebook_name(exp))  # before anything is written
    path = save_notebook(experiment_notebook(ws, exp.id), out)
    what = "its runs and best model" if exp.best_model_id else f"its runs (it has no model yet: {exp.status})"
    return ({"path": str(path.resolve()), "id": exp.id},
            f"Wrote a notebook for experiment {exp.label} ({what}) to {path}; open it in Jupyter started "
            "from MLCycle's Python environment")


def _register_notebook_command(es: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    c = es.add_parser("notebook", parents=[common],
                      help="write a Jupyter notebook that loads an experiment's runs and model")
    c.add_argument("id", help="experiment id")
    c.add_argument("--out", required=True, metavar="FILE", help="the .ipynb file to write, in an existing folder")
    c.set_defaults(handler=cmd_notebook)
