"""CLI: `mlcycle features VERSION --target COL`, `features save`, `features list`: which columns carry signal.

``mlcycle features VERSION --target COL [--task auto|binary|multiclass|regression] [--json]`` ranks
the version's columns for the target with every method (mutual information, univariate association,
LightGBM gain, permutation importance), prints the warnings first (likely leakage, ID-like,
constant, missing, named after the target) and then the ranking table with each method's score and
rank and the consensus rank. The report is stored and reused: asking again reads it back
(``"reused": true``). ``--background`` queues it as a ``features`` job instead. (``rank`` may be
written before VERSION: ``mlcycle features rank save`` ranks a dataset named "save".)

``mlcycle features save VERSION --name NAME (--columns a,b | --drop-warned --target COL | --top K
--target COL)`` saves a feature set that the experiment form (and ``experiments run --feature-set``)
offers; ``--drop-warned`` and ``--top`` rank the features first (or reuse the stored report).
``mlcycle features list [--dataset D | --version V] [--project P] [--all]`` lists the sets (with
``--version``: those offered for that version, whose columns it all has); ``mlcycle features
archive SET`` hides one. A VERSION is a version id, a dataset's name or id (its newest version) or
``name:vN``; a SET is a set's id or name.

``--json`` prints: the ranking ``{"id" (the report's id), "version_id", "target", "task", "methods",
"ranking", "warnings", "notes", "reused", ...}``; ``save`` and ``archive`` the set ``{"id", "name",
"columns", "dropped", "how", "target", "version_id", "dataset_id", ...}``; ``list`` ``{"sets": [...]}``;
``--background`` the job ``{"id", "kind", "status", "version_id", "target"}``.
"""

from __future__ import annotations

import argparse
from typing import Any

from core.cli import project_ref, stderr_progress, table, user_name
from core.errors import InvalidInput
from core.workspace import Workspace

COMMANDS = ("rank", "save", "list", "archive")
SHORT_METHOD = {"mutual_info": "mutual info", "association": "association", "lgbm_gain": "LightGBM gain",
                "permutation": "permutation"}


class _VersionOrCommand(argparse._SubParsersAction):
    """Subcommands where a first word that is no command is the VERSION of ``rank`` (``features churn --target y``)."""

    class _AnyWord(dict):
        def __contains__(self, key: object) -> bool:  # every word passes the choice check; __call__ sorts it out
            return True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = self._AnyWord(self._name_parser_map)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        if values and values[0] not in self._name_parser_map:
            values = ["rank", *values]
        super().__call__(parser, namespace, values, option_string)


def _settings(args: argparse.Namespace) -> dict[str, Any] | None:
    """The settings the options ask for (``None``: the defaults)."""
    given: dict[str, Any] = {}
    if args.sample_rows is not None:
        given["sample_rows"] = args.sample_rows
    if args.seed is not None:
        given["seed"] = args.seed
    if args.repeats is not None:
        given["n_repeats"] = args.repeats
    if args.methods:
        given["methods"] = [m.strip() for m in args.methods.split(",") if m.strip()]
    return given or None


def _report(ws: Workspace, version: Any, target: str, task: str, settings: dict | None) -> tuple[Any, bool]:
    """The report (computed, with progress on stderr for a large version, or reused) and whether it was reused."""
    from core.features import service

    before = service.find_report(ws, version.id, target, settings, task=task)
    big = before is None and not service.runs_inline(version)
    report = service.analyze(ws, version.id, target, task=task, settings=settings, on_progress=stderr_progress(big))
    return report, before is not None and before.id == report.id


def _num(x: Any) -> str:
    return "-" if x is None else f"{float(x):.3g}"


def _cell(row: dict[str, Any], method: str) -> str:
    score = (row.get("scores") or {}).get(method)
    if score is None:
        return "-"
    spread = (row.get("spread") or {}).get(method)
    rank = (row.get("ranks") or {}).get(method)
    text = _num(score) + (f" ±{_num(spread)}" if spread is not None else "")
    return text + (f" ({rank})" if rank is not None else "")


def ranking_text(report: Any, version_label: str, reused: bool) -> str:
    """The report as text: a headline, the warnings, the ranking table, the notes."""
    warned = {}
    for w in report.warnings:
        warned.setdefault(w["column"], []).append(str(w.get("kind")))
    used = (f"{report.n_used:,} of {report.n_rows:,} rows" if report.n_used != report.n_rows
            else f"all {report.n_rows:,} rows")
    lines = [f"Ranked {len(report.ranking):,} columns of {version_label} for '{report.target}' ({report.task} task, "
             f"{used})"]
    if report.warnings:
        lines.append(f"Warnings ({len(report.warned_columns):,} column{'s' if len(report.warned_columns) != 1 else ''}):")
        lines += [f"  {w['column']} [{w.get('kind')}]: {w.get('reason', '')}" for w in report.warnings]
    else:
        lines.append("No warnings: no column looks like a leak, an ID, a constant or mostly missing.")
    headers = ["#", "column", "kind", "consensus", *[SHORT_METHOD.get(m, m) for m in report.methods], "warnings"]
    rows = [[r.get("consensus_rank"), r["column"], r.get("kind") or "", _num(r.get("consensus_score")),
             *[_cell(r, m) for m in report.methods], ",".join(warned.get(r["column"], []))]
            for r in report.ranking]
    lines.append(table(rows, headers))
    lines.append("Each method's score with its rank in brackets (1 = strongest); permutation: mean ± spread over "
                 "repeats. The consensus score is the mean of the normalised ranks (1 = top everywhere).")
    lines += [f"note: {n}" for n in report.notes]
    lines.append(f"Reused the stored report {report.id} (computed {report.created_at[:16].replace('T', ' ')} UTC)."
                 if reused else f"Computed in {report.seconds or 0:.1f} s and stored as {report.id}; asking again "
                                "reuses it.")
    return "\n".join(lines)


def cmd_rank(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.data import datasets
    from core.features import service

    version = datasets.resolve_version(ws, args.version)
    settings = _settings(args)
    if args.background:
        job = service.enqueue_report(ws, version.id, args.target, task=args.task, settings=settings)
        data = {"id": job.id, "kind": job.kind, "status": job.status, "title": job.title, "version_id": version.id,
                "target": args.target}
        return data, (f"Queued job {job.id}: {job.title} (follow it with `mlcycle jobs show {job.id}`; then "
                      f"`mlcycle features {version.id} --target {args.target}` prints the stored report)")
    report, reused = _report(ws, version, args.target, args.task, settings)
    data = {"id": report.id, "version_id": report.version_id, "version_label": version.label, "target": report.target,
            "task": report.task, "methods": list(report.methods), "ranking": report.ranking,
            "warnings": report.warnings, "warned_columns": report.warned_columns, "notes": list(report.notes),
            "settings": report.settings, "n_rows": report.n_rows, "n_used": report.n_used, "reused": reused,
            "seconds": report.seconds, "created_at": report.created_at}
    return data, ranking_text(report, version.label, reused)


def _set_dict(ws: Workspace, fs: Any) -> dict[str, Any]:
    from core.data import datasets
    from core.errors import NotFound
    from core.features import service

    try:
        label = datasets.get_version(ws, fs.version_id).label
    except NotFound:
        label = fs.version_id
    return fs.as_dict() | {"n_columns": len(fs.columns), "dataset": service.dataset_name(ws, fs),
                           "version_label": label}


def _dropped_text(dropped: list[dict[str, Any]], limit: int = 12) -> list[str]:
    lines = [f"  {d['column']} [{d.get('kind') or 'manual'}]" + (f": {d['reason']}" if d.get("reason") else "")
             for d in dropped[:limit]]
    if len(dropped) > limit:
        lines.append(f"  … and {len(dropped) - limit:,} more")
    return lines


def cmd_save(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.data import datasets
    from core.features import service

    version = datasets.resolve_version(ws, args.version)
    report_id = None
    if args.columns is not None:
        columns = [c.strip() for c in args.columns.split(",") if c.strip()]
        dropped: list[dict[str, Any]] = []
        how = "manual"
    else:
        if not args.target:
            option = "--drop-warned" if args.drop_warned else "--top"
            raise InvalidInput(f"{option} needs the target the features are ranked for.",
                               hint=f"Add --target COL (the column to predict), e.g. `mlcycle features save "
                                    f"{args.version} --name NAME {option}{'' if args.drop_warned else ' 10'} "
                                    "--target COL`.")
        report, _ = _report(ws, version, args.target, args.task, _settings(args))
        report_id = report.id
        if args.drop_warned:
            columns, dropped = service.drop_warned(report)
            how = "drop_warned"
        else:
            columns, dropped = service.top_k(report, args.top, skip_warned=not args.keep_warned)
            how = "top_k"
    fs = service.save_set(ws, version.id, args.name, columns, target=args.target or None, dropped=dropped, how=how,
                          report_id=report_id, project_id=project_ref(ws, args.project), created_by=user_name(args.by))
    data = _set_dict(ws, fs)
    lines = [f"Saved feature set '{fs.name}' ({fs.id}) on {data['version_label']}: {len(fs.columns):,} "
             f"column{'s' if len(fs.columns) != 1 else ''} ({', '.join(fs.columns)})"]
    if fs.dropped:
        lines.append(f"Left out {len(fs.dropped):,}:")
        lines += _dropped_text(fs.dropped)
    lines.append(f"The experiment form offers it on every version of '{data['dataset']}' that has these columns "
                 f"(`mlcycle experiments run ... --feature-set {fs.id}`).")
    return data, "\n".join(lines)


def cmd_list(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.data import datasets
    from core.features import service

    if args.version:
        version = datasets.resolve_version(ws, args.version)
        sets = service.sets_for_version(ws, version.id)
        project_id = project_ref(ws, args.project)
        sets = [s for s in sets if not project_id or s.project_id == project_id]
    else:
        dataset_id = datasets.resolve_version(ws, args.dataset).dataset_id if args.dataset else None
        sets = service.list_sets(ws, dataset_id=dataset_id, project_id=project_ref(ws, args.project),
                                 include_archived=args.all)
    items = [_set_dict(ws, s) for s in sets]
    rows = [(d["name"], d["id"], d["version_label"], d["n_columns"], d["how"] or "-", d["target"] or "-",
             "archived" if d["archived_at"] else "active") for d in items]
    text = (table(rows, ["name", "id", "chosen on", "columns", "how", "target", "state"]) if items
            else "No feature sets yet. Save one with `mlcycle features save VERSION --name NAME --drop-warned "
                 "--target COL` (or --top K, or --columns a,b).")
    return {"sets": items}, text


def cmd_archive(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.data import datasets
    from core.features import service

    dataset_id = datasets.resolve_version(ws, args.dataset).dataset_id if args.dataset else None
    fs = service.archive_set(ws, service.find_set(ws, args.set, dataset_id=dataset_id).id)
    return _set_dict(ws, fs), f"Archived feature set '{fs.name}' ({fs.id}): the experiment form no longer offers it"


def _ranking_options(c: argparse.ArgumentParser) -> None:
    c.add_argument("--task", choices=("auto", "classification", "binary", "multiclass", "regression"), default="auto",
                   help="the kind of target (default: auto, detected from its values)")
    c.add_argument("--sample-rows", type=int, default=None, metavar="N",
                   help="rank on a seeded sample of at most N rows (default 50,000)")
    c.add_argument("--seed", type=int, default=None, metavar="S", help="seed of the sample, split and methods (default 0)")
    c.add_argument("--repeats", type=int, default=None, metavar="N",
                   help="permutation repeats, whose spread is shown (default 5)")
    c.add_argument("--methods", default=None, metavar="M,M",
                   help="only these methods: mutual_info, association, lgbm_gain, permutation (default: all)")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``features`` command group (``features VERSION --target COL``, ``save``, ``list``, ``archive``)."""
    version_help = "dataset version: id (dsv_…), dataset name or id (its newest version) or name:vN"
    p = sub.add_parser(
        "features", help="rank a version's columns for a target (with leakage and ID warnings); feature sets",
        description="Rank a dataset version's columns for a target: `mlcycle features VERSION --target COL`. "
                    "Save and list feature sets with `mlcycle features save|list`.",
        usage="mlcycle features VERSION --target COL [options]\n"
              "       mlcycle features save VERSION --name NAME (--columns A,B | --drop-warned --target COL | "
              "--top K --target COL)\n"
              "       mlcycle features list [--dataset D | --version V]\n"
              "       mlcycle features archive SET")
    fs = p.add_subparsers(dest="command", required=True, metavar="<VERSION | save | list | archive>",
                          action=_VersionOrCommand)

    c = fs.add_parser("rank", parents=[common], prog="mlcycle features",
                      help="(the default; may be left out) rank VERSION's columns for --target")
    c.add_argument("version", metavar="VERSION", help=version_help)
    c.add_argument("--target", required=True, metavar="COL", help="the column to predict")
    _ranking_options(c)
    c.add_argument("--background", action="store_true", help="queue it as a job for the background worker")
    c.set_defaults(handler=cmd_rank)

    c = fs.add_parser("save", parents=[common], prog="mlcycle features save", help="save a feature set the experiment form offers")
    c.add_argument("version", metavar="VERSION", help=version_help)
    c.add_argument("--name", required=True, help="the set's name (unique among the dataset's sets)")
    how = c.add_mutually_exclusive_group(required=True)
    how.add_argument("--columns", default=None, metavar="A,B", help="these columns, comma-separated")
    how.add_argument("--drop-warned", action="store_true",
                     help="every ranked column but the warned ones (leakage, ID-like, constant, missing...)")
    how.add_argument("--top", type=int, default=None, metavar="K",
                     help="the K best columns by consensus rank (warned ones left out unless --keep-warned)")
    c.add_argument("--target", default=None, metavar="COL",
                   help="the target the set is for (needed with --drop-warned and --top; never one of the columns)")
    c.add_argument("--keep-warned", action="store_true", help="with --top: count warned columns too")
    _ranking_options(c)
    c.add_argument("--project", default=None, help="project id or name (default: the dataset's, when it has one)")
    c.add_argument("--by", default=None, help="who saves it (default: your user name)")
    c.set_defaults(handler=cmd_save)

    c = fs.add_parser("list", parents=[common], prog="mlcycle features list", help="list feature sets, newest first")
    which = c.add_mutually_exclusive_group()
    which.add_argument("--dataset", default=None, metavar="D", help="only this dataset's sets (name, id or a version)")
    which.add_argument("--version", default=None, metavar="V",
                       help="only the sets offered for this version (all their columns exist in it)")
    c.add_argument("--project", default=None, help="only this project's sets (id or name)")
    c.add_argument("--all", action="store_true", help="include archived sets")
    c.set_defaults(handler=cmd_list)

    c = fs.add_parser("archive", parents=[common], prog="mlcycle features archive", help="hide a feature set from the lists and the experiment form")
    c.add_argument("set", metavar="SET", help="the set's id (fset_…) or name")
    c.add_argument("--dataset", default=None, metavar="D", help="the dataset, when several have a set of that name")
    c.set_defaults(handler=cmd_archive)
