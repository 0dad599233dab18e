"""`mlcycle datasets ...`: add, list, show, export, derive, split, diff, share and trace datasets.

VERSION arguments accept a version id (``dsv_…``), a dataset id or name (its newest version
the user made: train/test splits are skipped) or ``name:vN``, all through
:func:`core.data.datasets.resolve_version`; DATASET arguments accept a dataset id, a name or
any of its versions.
"""

from __future__ import annotations

import argparse
import getpass
import json
import re
from pathlib import Path
from typing import Any

from core.cli import table
from core.data import datasets
from core.data.entities import Dataset, DatasetVersion
from core.errors import InvalidInput
from core.workspace import Workspace


def _version_dict(v: DatasetVersion, *, reused: bool = False, schema: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"id": v.id, "dataset_id": v.dataset_id, "sha256": v.sha256, "rows": v.n_rows,
                           "columns": v.columns, "reused": reused, "label": v.label, "number": v.number,
                           "dataset_name": v.dataset_name, "archived_at": v.archived_at}
    if schema:
        out |= {"schema": [c.as_dict() for c in v.schema], "n_cols": v.n_cols, "size_bytes": v.size_bytes,
                "source": v.source, "parent_id": v.parent_id, "operation": v.operation,
                "description": v.description, "warnings": v.warnings, "created_at": v.created_at,
                "artifact": v.artifact}
    return out


def _dataset(ws: Workspace, ref: str) -> Dataset:
    if ref.strip().startswith("ds_"):
        return datasets.get_dataset(ws, ref.strip())
    return datasets.get_dataset(ws, datasets.resolve_version(ws, ref).dataset_id)


def _schema_table(v: DatasetVersion) -> str:
    rows = [(c.name, c.dtype, c.semantic + (" (set)" if c.overridden else ""), ", ".join(c.flags)) for c in v.schema]
    return table(rows, ["column", "dtype", "semantic", "flags"])


def cmd_add(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    result = datasets.add_dataset(
        ws, Path(args.path), name=args.name, project_id=args.project, encoding=args.encoding, sheet=args.sheet,
        description=args.description, license=args.license, source_note=args.note,
        created_by=args.by or getpass.getuser(),
    )
    v = result.version
    payload = _version_dict(v, reused=result.reused) | {"warnings": result.warnings}
    verb = "Reused" if result.reused else "Added"
    text = f"{verb} {v.label}: {v.n_rows:,} rows x {v.n_cols} columns (sha256 {v.sha256[:12]})"
    if result.warnings:
        text += "\n" + "\n".join(f"warning: {w}" for w in result.warnings)
    return payload, text


def cmd_list(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    items = datasets.list_datasets(ws, project_id=args.project, include_archived=args.all)
    rows = [(d.id, d.name, d.n_versions, d.latest_version_id or "", "archived" if d.archived_at else "active",
             d.created_at[:19]) for d in items]
    text = (table(rows, ["id", "name", "versions", "latest", "state", "created (UTC)"]) if items
            else "No datasets yet. Add one with `mlcycle datasets add PATH`.")
    return {"datasets": [d.as_dict() for d in items]}, text


def cmd_versions(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    d = _dataset(ws, args.dataset)
    items = datasets.list_versions(ws, d.id, include_archived=args.all)
    rows = [(v.id, f"v{v.number}" + (" (archived)" if v.archived_at else ""), f"{v.n_rows:,}", v.n_cols,
             v.sha256[:12], (v.operation.get("summary") or v.source.get("file_name", ""))[:60]) for v in items]
    return ({"dataset": d.as_dict(), "versions": [_version_dict(v) for v in items]},
            table(rows, ["id", "version", "rows", "cols", "sha256", "made by"]))


def cmd_show(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    v = datasets.resolve_version(ws, args.version)
    made = v.operation.get("summary") or f"added from {v.source.get('file_name', '?')}"
    text = (f"{v.label}: {v.n_rows:,} rows x {v.n_cols} columns, sha256 {v.sha256}\n"
            f"made: {made}\n" + _schema_table(v))
    if v.warnings:
        text += "\n" + "\n".join(f"warning: {w}" for w in v.warnings)
    return _version_dict(v, schema=True), text


def cmd_export(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    v = datasets.resolve_version(ws, args.version)
    fmt = datasets.export_format(args.out, args.format)
    result = datasets.export_version(ws, v.id, Path(args.out), fmt=fmt)
    note = f"; {result.neutralised_cells} formula-like cell(s) prefixed with '" if result.neutralised_cells else ""
    return result.as_dict(), f"Wrote {v.label} to {args.out} ({fmt}, {result.size_bytes:,} bytes{note})"


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _pairs(items: list[str], what: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InvalidInput(f"'{item}' is not {what}.", hint="Write it as NAME=VALUE.")
        out[key] = value
    return out


def _operation(args: argparse.Namespace) -> dict[str, Any]:
    given = [bool(args.op), bool(args.drop), bool(args.rename), bool(args.cast), bool(args.where), args.dedupe]
    if sum(given) != 1:
        raise InvalidInput("Give exactly one operation.",
                           hint="Use --op JSON, --drop, --rename, --cast, --where or --dedupe.")
    if args.op:
        try:
            op = json.loads(args.op)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"--op is not valid JSON: {exc}", hint='E.g. --op \'{"op": "drop_columns", '
                                                                     '"columns": ["id"]}\'.') from exc
        if not isinstance(op, dict):
            raise InvalidInput("--op must be a JSON object.", hint='E.g. {"op": "deduplicate"}.')
        return op
    if args.drop:
        return {"op": "drop_columns", "columns": [c for part in args.drop for c in part.split(",") if c]}
    if args.rename:
        return {"op": "rename_columns", "mapping": _pairs(args.rename, "OLD=NEW")}
    if args.cast:
        return {"op": "cast_columns", "types": _pairs(args.cast, "COLUMN=TYPE")}
    if args.where:
        conds = [{"column": c, "operator": o, "value": _value(v)} for c, o, v in args.where]
        return {"op": "filter_rows", "conditions": conds, "combine": "or" if args.any else "and"}
    subset = [c for part in (args.subset or []) for c in part.split(",") if c]
    return {"op": "deduplicate", "subset": subset or None, "keep": args.keep}


def cmd_derive(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    parent = datasets.resolve_version(ws, args.version)
    v = datasets.derive_version(ws, parent.id, _operation(args), description=args.description or "")
    return _version_dict(v, schema=True), f"Made {v.label} from v{parent.number}: {v.operation.get('summary', '')}"


def cmd_split(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    v = datasets.resolve_version(ws, args.version)
    size = float(args.test_size) if "." in args.test_size else int(args.test_size)
    train, test = datasets.split_version(ws, v.id, target=args.target, test_size=size, seed=args.seed,
                                         stratify=not args.no_stratify)
    return ({"train": _version_dict(train), "test": _version_dict(test)},
            f"train: {train.label} ({train.n_rows:,} rows)\ntest:  {test.label} ({test.n_rows:,} rows)")


def cmd_diff(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    a, b = datasets.resolve_version(ws, args.a), datasets.resolve_version(ws, args.b)
    d = datasets.diff_versions(ws, a.id, b.id, key=args.key)
    lines = [f"{a.label} -> {b.label}: {'same content' if d.same_content else 'different content'}",
             f"rows: {d.rows_a:,} -> {d.rows_b:,}"]
    if d.columns_added:
        lines.append("columns added: " + ", ".join(d.columns_added))
    if d.columns_removed:
        lines.append("columns removed: " + ", ".join(d.columns_removed))
    lines += [f"type of {c['column']}: {c['from']} -> {c['to']}" for c in d.type_changes]
    lines += [f"meaning of {c['column']}: {c['from']} -> {c['to']}" for c in d.semantic_changes]
    if d.key:
        lines.append(f"by {d.key}: {d.rows_added:,} added, {d.rows_removed:,} removed, {d.rows_changed:,} changed")
    return d.as_dict(), "\n".join(lines)


def cmd_attach(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    d = datasets.attach_dataset(ws, _dataset(ws, args.dataset).id, args.project)
    return d.as_dict() | {"project_id": args.project}, f"Attached '{d.name}' ({d.id}) to project {args.project}"


def cmd_detach(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    d = datasets.detach_dataset(ws, _dataset(ws, args.dataset).id, args.project)
    return d.as_dict() | {"project_id": args.project}, f"Detached '{d.name}' ({d.id}) from project {args.project}"


def cmd_link(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    d = datasets.link_dataset_to_hypothesis(ws, _dataset(ws, args.dataset).id, args.hypothesis)
    return d.as_dict() | {"hypothesis_id": args.hypothesis}, f"Hypothesis {args.hypothesis} now uses '{d.name}'"


def cmd_types(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    v = datasets.resolve_version(ws, args.version)
    v = datasets.set_semantic_types(ws, v.id, _pairs(args.set, "COLUMN=TYPE"))
    return _version_dict(v, schema=True), f"{v.label}\n" + _schema_table(v)


def cmd_lineage(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    graph = datasets.lineage_graph(ws, _dataset(ws, args.dataset).id)
    labels = {n.id: n.label for n in graph.nodes}
    lines = [f"{labels.get(e.source, e.source)} --{e.relation}--> {labels.get(e.target, e.target)}"
             for e in graph.edges] or ["No links yet."]
    return graph.as_dict(), "\n".join(lines)


_VERSION_REF = re.compile(r"^(dsv_\S+|.+:v\d+)$", re.IGNORECASE)  # a version, not a whole dataset


def cmd_archive(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    ref = " ".join(args.dataset.split())
    if _VERSION_REF.match(ref):
        v = datasets.archive_version(ws, datasets.resolve_version(ws, ref).id)
        return (_version_dict(v) | {"kind": "dataset_version"},
                f"Archived {v.label}; `mlcycle datasets restore {v.id}` brings it back")
    d = datasets.archive_dataset(ws, _dataset(ws, ref).id)
    return (d.as_dict() | {"kind": "dataset"},
            f"Archived '{d.name}' ({d.id}); `mlcycle datasets restore {d.id}` brings it back")


def cmd_restore(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    ref = " ".join(args.dataset.split())
    if _VERSION_REF.match(ref):
        v = datasets.restore_version(ws, datasets.resolve_version(ws, ref).id)
        return _version_dict(v) | {"kind": "dataset_version"}, f"Restored {v.label}"
    if not ref.startswith("ds_"):  # an archived dataset's name: the resolver only sees active ones
        archived = [d for d in datasets.list_datasets(ws, include_archived=True)
                    if d.archived_at and d.name.casefold() == ref.casefold()]
        if len(archived) > 1:
            raise InvalidInput(f"{len(archived)} archived datasets are called '{ref}'.",
                               hint="Restore one by id: " + ", ".join(d.id for d in archived) + ".")
        ref = archived[0].id if archived else _dataset(ws, ref).id
    d = datasets.restore_dataset(ws, ref)
    return d.as_dict() | {"kind": "dataset"}, f"Restored '{d.name}' ({d.id})"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``datasets`` command group."""
    p = sub.add_parser("datasets", help="add, version, derive, share and export datasets")
    ds = p.add_subparsers(dest="command", required=True, metavar="<command>")

    c = ds.add_parser("add", parents=[common], help="ingest a CSV/TSV/TXT, Excel, Parquet, JSON or JSONL file")
    c.add_argument("path")
    c.add_argument("--name", default=None, help="dataset name (default: the file name); an existing name "
                                                 "gets a new version")
    c.add_argument("--project", default=None, metavar="ID", help="attach the dataset to this project")
    c.add_argument("--sheet", default=None, help="Excel sheet name or 0-based number (default: the first)")
    c.add_argument("--encoding", default=None, help="text encoding, e.g. cp949, euc-kr, utf-16, latin-1 "
                                                     "(default: detected)")
    c.add_argument("--description", default="")
    c.add_argument("--license", default="")
    c.add_argument("--note", default="", help="where the data came from: a URL or a sentence")
    c.add_argument("--by", default=None, help="who adds it (default: the login name)")
    c.set_defaults(handler=cmd_add)

    c = ds.add_parser("list", parents=[common], help="list datasets")
    c.add_argument("--project", default=None, metavar="ID", help="only datasets attached to this project")
    c.add_argument("--all", action="store_true", help="include archived datasets")
    c.set_defaults(handler=cmd_list)

    c = ds.add_parser("versions", parents=[common], help="list the versions of a dataset")
    c.add_argument("dataset")
    c.add_argument("--all", action="store_true", help="include archived versions")
    c.set_defaults(handler=cmd_versions)

    c = ds.add_parser("show", parents=[common], help="show a version with its schema")
    c.add_argument("version")
    c.set_defaults(handler=cmd_show)

    c = ds.add_parser("export", parents=[common], help="write a version as CSV (UTF-8 BOM) or Parquet")
    c.add_argument("version")
    c.add_argument("--out", required=True, metavar="FILE", help="a file in an existing folder: .csv (default) "
                                                                  "or .parquet")
    c.add_argument("--format", choices=("csv", "parquet"), default=None, help="default: from the extension")
    c.set_defaults(handler=cmd_export)

    c = ds.add_parser("derive", parents=[common], help="make a new version by one operation")
    c.add_argument("version")
    c.add_argument("--op", default=None, metavar="JSON", help='e.g. \'{"op": "drop_columns", "columns": ["id"]}\'')
    c.add_argument("--drop", action="append", metavar="COLS", help="drop columns (comma-separated)")
    c.add_argument("--rename", action="append", metavar="OLD=NEW")
    c.add_argument("--cast", action="append", metavar="COL=TYPE", help="TYPE: int, float, string, bool, datetime")
    c.add_argument("--where", action="append", nargs=3, metavar=("COL", "OP", "VALUE"),
                   help="keep rows where COL OP VALUE (OP: == != < <= > >= in not_in is_null not_null "
                        "contains startswith endswith; VALUE may be JSON)")
    c.add_argument("--any", action="store_true", help="with several --where: keep rows matching any")
    c.add_argument("--dedupe", action="store_true", help="remove duplicate rows")
    c.add_argument("--subset", action="append", metavar="COLS", help="with --dedupe: compare only these columns")
    c.add_argument("--keep", choices=("first", "last"), default="first")
    c.add_argument("--description", default=None)
    c.set_defaults(handler=cmd_derive)

    c = ds.add_parser("split", parents=[common], help="split a version into train and test versions")
    c.add_argument("version")
    c.add_argument("--target", default=None, help="stratify on this column")
    c.add_argument("--test-size", default="0.2", help="a fraction (0.2) or a row count (100)")
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--no-stratify", action="store_true")
    c.set_defaults(handler=cmd_split)

    c = ds.add_parser("diff", parents=[common], help="compare two versions")
    c.add_argument("a")
    c.add_argument("b")
    c.add_argument("--key", default=None, help="a key column: count rows added, removed and changed")
    c.set_defaults(handler=cmd_diff)

    for name, fn, what in (("attach", cmd_attach, "attach a dataset to a project"),
                           ("detach", cmd_detach, "remove a dataset from a project")):
        c = ds.add_parser(name, parents=[common], help=what)
        c.add_argument("dataset")
        c.add_argument("project")
        c.set_defaults(handler=fn)

    c = ds.add_parser("link", parents=[common], help="record that a hypothesis uses a dataset")
    c.add_argument("dataset")
    c.add_argument("hypothesis")
    c.set_defaults(handler=cmd_link)

    c = ds.add_parser("types", parents=[common], help="override semantic types (metadata only)")
    c.add_argument("version")
    c.add_argument("set", nargs="+", metavar="COL=TYPE",
                   help="TYPE: numeric, categorical, boolean, datetime, text, id, image_path")
    c.set_defaults(handler=cmd_types)

    c = ds.add_parser("lineage", parents=[common], help="print how a dataset's versions were made")
    c.add_argument("dataset")
    c.set_defaults(handler=cmd_lineage)

    for name, fn, what in (("archive", cmd_archive, "hide a dataset or one version from lists (kept; restorable)"),
                           ("restore", cmd_restore, "bring an archived dataset or version back")):
        c = ds.add_parser(name, parents=[common], help=what)
        c.add_argument("dataset", metavar="ID", help="a dataset (id or name), or one version (dsv_… or NAME:vN); "
                                                     "a version an experiment uses cannot be archived")
        c.set_defaults(handler=fn)

    # `datasets profile VERSION` lives in its own module (core/cli/profile.py).
    from core.cli.profile import register_profile_command

    register_profile_command(ds, common)
    _register_notebook_command(ds, common)


def cmd_notebook(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.data import notebook

    v = datasets.resolve_version(ws, args.version)
    out = notebook.check_out_path(args.out, notebook.dataset_notebook_name(v))  # before anything is computed
    path = notebook.save_notebook(notebook.dataset_notebook(ws, v.id), out)
    return ({"path": str(path.resolve()), "id": v.id},
            f"Wrote a notebook for {v.label} to {path}; open it in Jupyter started from MLCycle's Python "
            "environment (it loads the version by id and checks its sha256)")


def _register_notebook_command(ds: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    c = ds.add_parser("notebook", parents=[common],
                      help="write a Jupyter notebook that loads a version, checks its sha256 and explores it")
    c.add_argument("version")
    c.add_argument("--out", required=True, metavar="FILE", help="the .ipynb file to write, in an existing folder")
    c.set_defaults(handler=cmd_notebook)
