"""CLI: `mlcycle labels create|list|show|label|import|export|status|publish`: label tasks from the terminal.

``create`` makes a label task over a dataset version (``--dataset``: a version id, a dataset's name
or id (its newest version) or ``name:vN``, as every command resolves versions); ``label`` gives one
item a label (scripting and tests; ``--item`` is a row number or an item's key, such as its text or
image path); ``import`` reads a Label Studio JSON export or our own CSV/JSON export and prints the
counts imported, matched and unmatched; ``export`` writes ``csv``, ``json`` or ``label-studio``;
``status`` counts items, labels, resolutions, classes and agreement (Cohen's kappa for two
annotators, Fleiss' kappa for more); ``publish`` makes a new version of the dataset with the label
column. A TASK is named by its id (``lbt_…``) or its name (ignoring case); a project by its id or name.

``--json`` prints: ``create``, ``show`` and ``label`` the task or label with its ``id``; ``list``
``{"tasks": [...]}``; ``import`` ``{"id", "name", "imported", "matched", "unmatched", "annotators",
"format", "notes", ...}``; ``export`` ``{"id", "name", "path", "format", "labels", "items",
"size_bytes"}``; ``status`` the counts of :func:`core.labeling.agreement.status` (``id``, ``name``,
``items``, ``labeled``, ``resolved``, ``per_class``, ``cohen_kappa``, ``fleiss_kappa`` ...);
``publish`` the new version ``{"id", "rows", "columns", "label_column", "dataset", "dataset_id",
"number", "label", "publication", "task", "counts", ...}``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from core.cli import project_ref, table, user_name
from core.errors import InvalidInput, NotFound
from core.workspace import Workspace

MAX_INSTRUCTIONS = 200_000  # characters of an instructions file


def _task(ws: Workspace, ref: str) -> Any:
    from core.labeling import tasks

    return tasks.find_task(ws, ref)


def _version_label(ws: Workspace, version_id: str) -> str:
    from core.data import datasets

    try:
        return datasets.get_version(ws, version_id).label
    except NotFound:
        return version_id


def _task_dict(ws: Workspace, task: Any) -> dict[str, Any]:
    from core.labeling import tasks

    return task.as_dict() | {"class_names": task.class_names, "label_column": task.label_column,
                             "items": tasks.item_count(ws, task), "version_label": _version_label(ws, task.version_id)}


def _num(x: float | None) -> str:
    return "-" if x is None else f"{float(x):.3f}"


def _what(task: Any) -> str:
    if task.kind == "tabular" or not task.item_column:
        return "whole rows"
    return f"{task.kind} in column '{task.item_column}'"


def cmd_create(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.data import datasets
    from core.labeling import tasks

    version = datasets.resolve_version(ws, args.dataset)
    instructions = _read_instructions(args.instructions) if args.instructions else ""
    task = tasks.create_task(
        ws, version.id, name=args.name, classes=args.classes, kind=args.kind, item_column=args.item_column,
        overlap=args.overlap, instructions=instructions, multi_label=args.multi_label, image_root=args.image_root,
        project_id=project_ref(ws, args.project), created_by=user_name(args.by))
    data = _task_dict(ws, task)
    per = f"{task.overlap} annotator{'s' if task.overlap != 1 else ''} per item"
    text = (f"Created label task '{task.name}' ({task.id}) on {version.label}: {data['items']:,} items "
            f"({_what(task)}), {len(task.classes)} classes ({', '.join(task.class_names)}), {per}"
            + (", several classes per item" if task.multi_label else ""))
    return data, text


def _read_instructions(path_text: str) -> str:
    path = Path(path_text).expanduser()
    if path.is_dir():
        raise InvalidInput(f"'{path}' is a folder; --instructions needs a Markdown or text file.",
                           hint="Give the file, e.g. --instructions guide.md.")
    if not path.exists():
        raise InvalidInput(f"The instructions file '{path}' does not exist.",
                           hint="Check the path, or leave out --instructions.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"The instructions file '{path}' is not UTF-8 text.",
                           hint="Save it as UTF-8 (Markdown or plain text).") from exc
    if len(text) > MAX_INSTRUCTIONS:
        raise InvalidInput(f"The instructions file '{path}' has {len(text):,} characters; the limit is "
                           f"{MAX_INSTRUCTIONS:,}.", hint="Keep the guide short; link to longer documents.")
    return text


def cmd_list(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.data import datasets
    from core.labeling import tasks

    version_id = datasets.resolve_version(ws, args.dataset).id if args.dataset else None
    items = tasks.list_tasks(ws, project_id=project_ref(ws, args.project), version_id=version_id,
                             include_archived=args.all)
    rows = [(t.id, t.name, t.kind, _version_label(ws, t.version_id), len(t.classes), t.overlap,
             "archived" if t.archived_at else "active") for t in items]
    text = (table(rows, ["id", "name", "kind", "dataset version", "classes", "overlap", "state"]) if items
            else "No label tasks yet. Create one with `mlcycle labels create --dataset VERSION --name NAME "
                 "--classes a,b,c`.")
    return {"tasks": [_task_dict(ws, t) for t in items]}, text


def cmd_show(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.labeling import agreement
    from core.labeling.publish import list_publications

    task = _task(ws, args.task)
    data = _task_dict(ws, task)
    st = agreement.status(ws, task.id)
    pubs = list_publications(ws, task.id)
    data |= {"status": st, "publications": [p.as_dict() for p in pubs]}
    lines = [f"Label task '{task.name}' ({task.id}){' (archived)' if task.archived_at else ''}",
             f"data: {data['version_label']}, {data['items']:,} items ({_what(task)})",
             f"{task.overlap} annotator{'s' if task.overlap != 1 else ''} per item"
             + ("; several classes per item" if task.multi_label else "; one class per item"),
             table([(c["name"], c.get("hotkey") or "", c.get("color") or "") for c in task.classes],
                   ["class", "key", "colour"]),
             f"labeled {st['labeled']:,} of {st['items']:,} items; resolved {st['resolved']:,}"]
    if task.instructions:
        lines += ["instructions:", *("  " + line for line in task.instructions.splitlines())]
    lines += [f"published as {p.version_id} ({p.counts.get('rows', 0):,} rows, column '{p.label_column}') "
              f"{p.created_at[:16].replace('T', ' ')} UTC" for p in pubs]
    return data, "\n".join(lines)


def _item(ws: Workspace, task: Any, given: str) -> int:
    """A row number (digits), else an item's key (its item column's value)."""
    from core.labeling import tasks

    text = " ".join(str(given).split())
    n = tasks.item_count(ws, task)
    if text.isdigit() and int(text) < n:
        return int(text)
    keys = tasks.item_keys(ws, task)
    if text in keys:
        return keys[text]
    raise InvalidInput(f"'{given}' is neither a row number (0 to {n - 1:,}) nor the key of an item of "
                       f"'{task.name}'.",
                       hint=("Give a row number, or the value of the column '" + task.item_column + "' of an item."
                             if task.item_column else "Give a row number."))


def cmd_label(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.labeling import annotations, tasks

    task = _task(ws, args.task)
    item = _item(ws, task, args.item)
    label: Any = args.label[0] if len(args.label) == 1 else args.label
    saved = annotations.record_label(ws, task.id, item, label, annotator=args.annotator, source="cli")
    key = tasks.item_text(ws, task, item) if task.item_column else str(item)
    data = saved.as_dict() | {"id": saved.seq, "task": task.id, "task_name": task.name, "key": key}
    shown = key if len(key) <= 40 else key[:39] + "…"
    return data, (f"Labeled item {item:,}" + (f" ('{shown}')" if task.item_column else "")
                  + f" as {saved.label} by {saved.annotator} in '{task.name}'")


def cmd_import(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.labeling import transfer

    task = _task(ws, args.task)
    result = transfer.import_labels(ws, task.id, Path(args.file), annotator=args.annotator)
    data = {"id": task.id, "name": task.name, "file": str(args.file)} | result.as_dict()
    who = ", ".join(result.annotators) or "none"
    lines = [f"Imported {result.imported:,} label(s) into '{task.name}' from {Path(args.file).name} "
             f"({result.format}): {result.matched:,} item(s) matched, {result.unmatched:,} unmatched; "
             f"annotators: {who}"]
    lines += [f"note: {n}" for n in result.notes]
    return data, "\n".join(lines)


def cmd_export(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.data.readers import binary_size
    from core.labeling import annotations, transfer

    task = _task(ws, args.task)
    fmt = transfer.export_format(args.out, args.format)
    path = transfer.export_labels(ws, task.id, fmt, args.out, all_items=args.all_items)
    current = annotations.current_labels(ws, task.id)
    size = path.stat().st_size
    data = {"id": task.id, "name": task.name, "path": str(path.resolve()), "format": fmt, "labels": len(current),
            "items": int(current["item"].nunique()) if len(current) else 0, "size_bytes": size}
    return data, (f"Wrote {len(current):,} label(s) of {data['items']:,} item(s) of '{task.name}' to {path} "
                  f"({fmt}, {binary_size(size)})")


def cmd_status(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.labeling import agreement

    task = _task(ws, args.task)
    st = agreement.status(ws, task.id)
    data = st | {"id": task.id, "name": task.name}
    counts = [("all", st["items"]), ("labeled", st["labeled"]),
              (f"complete ({task.overlap} per item)", st["complete"]), ("resolved", st["resolved"]),
              ("unresolved", st["unresolved"])]
    counts += [(k, st[k]) for k in ("ties", "reviewed", "skipped") if st.get(k)]
    if st.get("suggested"):
        counts.append(("accepted suggestions", f"{st['accepted']:,} of {st['suggested']:,}"))
    lines = [f"Label task '{task.name}' ({task.id}) on {_version_label(ws, task.version_id)}",
             table([(k, f"{v:,}" if isinstance(v, int) else v) for k, v in counts], ["items", "count"]),
             "",
             table([(c, f"{n:,}") for c, n in st["per_class"].items()]
                   + [(f"{c} (not in schema)", f"{n:,} label(s)") for c, n in st["not_in_schema"].items()],
                   ["class", "resolved"])]
    if st["annotators"]:
        lines += ["", "annotators: " + ", ".join(f"{a} ({n:,})" for a, n in st["annotators"].items())]
    if st.get("cohen_kappa") is not None:
        lines.append(f"agreement: Cohen's kappa {_num(st['cohen_kappa'])} over {st['n_shared']:,} items both "
                     "annotators labeled")
    elif st.get("fleiss_kappa") is not None:
        lines.append(f"agreement: Fleiss' kappa {_num(st['fleiss_kappa'])} over {st['n_shared']:,} items with two "
                     "or more labels")
    elif st["annotators"]:
        lines.append("agreement: needs items labeled by two or more annotators")
    if st.get("mean_item_agreement") is not None:
        lines.append(f"mean per-item agreement: {_num(st['mean_item_agreement'])}")
    return data, "\n".join(lines)


def cmd_publish(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.data import datasets
    from core.labeling.publish import publish_labels

    task = _task(ws, args.task)
    pub = publish_labels(ws, task.id, include_unresolved=args.include_unresolved, created_by=user_name(args.by))
    v = datasets.get_version(ws, pub.version_id)
    counts = pub.counts
    data = {"id": v.id, "rows": v.n_rows, "columns": v.columns, "label_column": pub.label_column,
            "dataset": v.dataset_name, "dataset_id": v.dataset_id, "number": v.number, "label": v.label,
            "parent_id": v.parent_id, "publication": pub.id, "task": task.id, "task_name": task.name,
            "include_unresolved": pub.include_unresolved, "counts": counts, "reused": bool(counts.get("reused"))}
    unresolved = counts.get("unresolved", 0)
    text = (f"Published the labels of '{task.name}' as {v.label}: {v.n_rows:,} row{'s' if v.n_rows != 1 else ''} "
            "with the column "
            f"'{pub.label_column}'")
    if unresolved:
        text += (f"; {unresolved:,} unresolved row(s) " + ("kept unlabeled" if pub.include_unresolved else
                                                           "left out (--include-unresolved keeps them)"))
    if counts.get("not_in_schema"):
        text += f"; {counts['not_in_schema']:,} label(s) of classes no longer in the schema"
    if counts.get("reused"):
        text += " (the same labels were published before: that version is reused)"
    return data, text


def cmd_review(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.labeling.agreement import review_item

    task = _task(ws, args.task)
    item = _item(ws, task, args.item)
    label: Any = None if args.clear else (args.label[0] if len(args.label or []) == 1 else args.label)
    if label is None and not args.clear:
        from core.errors import InvalidInput

        raise InvalidInput("Give the decided label with --label, or --clear to remove an earlier decision.",
                           hint="Example: mlcycle labels review TASK --item 12 --label positive")
    review = review_item(ws, task.id, item, label, reviewer=user_name(args.reviewer), note=args.note or "")
    data = review.as_dict() | {"id": review.seq, "task": task.id, "task_name": task.name}
    if review.label is None:
        return data, f"Cleared the decision on item {item:,} of '{task.name}': the majority decides again"
    return data, f"Item {item:,} of '{task.name}' decided as {review.label} by {review.reviewer}"


def cmd_suggest(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.labeling import active

    task = _task(ws, args.task)
    if args.background:
        job = active.enqueue_suggestions(ws, task.id)
        return {"id": job.id, "task": task.id, "status": job.status}, (
            f"Queued job {job.id}: a quick model will suggest labels for '{task.name}' (follow it with "
            "`mlcycle jobs list`)")
    run = active.train_suggester(ws, task.id)  # refuses with the reason and what to do
    accuracy = run.metrics.get("cv_accuracy")
    data = run.as_dict() | {"task_name": task.name}
    text = (f"Trained {run.learner} on {run.n_labeled:,} labels of '{task.name}'"
            + (f" (cross-validated accuracy {accuracy:.2f})" if accuracy is not None else "")
            + f"; suggested labels for {run.n_suggested:,} items, most uncertain first on the labeling screen")
    return data, text


def cmd_images(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.labeling.images import add_image_zip

    result = add_image_zip(ws, Path(args.zip), name=args.name or Path(args.zip).stem,
                           project_id=project_ref(ws, args.project), created_by=user_name(None))
    v = result.version
    data = {"id": v.id, "dataset_id": v.dataset_id, "dataset": v.dataset_name, "rows": v.n_rows,
            "columns": v.columns, "image_root": v.source.get("image_root"), "reused": result.reused,
            "warnings": list(result.warnings)}
    lines = [f"{'Reused' if result.reused else 'Added'} {v.label}: {v.n_rows:,} images "
             f"(create a task with: mlcycle labels create --dataset {v.id} --kind image --item-column image ...)"]
    lines += [f"warning: {w}" for w in result.warnings]
    return data, "\n".join(lines)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``labels`` command group."""
    from core.labeling import transfer

    p = sub.add_parser("labels", help="label tasks: create, label, import/export (Label Studio), agreement, publish")
    ls = p.add_subparsers(dest="command", required=True, metavar="<command>")
    task_help = "the label task: its id (lbt_…) or name"

    c = ls.add_parser("create", parents=[common], help="create a label task over a dataset version")
    c.add_argument("--dataset", required=True, metavar="VERSION",
                   help="dataset version: id (dsv_…), dataset name or id (its newest version) or name:vN")
    c.add_argument("--name", required=True, help="the task's name (the published label column's name)")
    c.add_argument("--classes", required=True, metavar="A,B,C", help="the classes, comma-separated")
    c.add_argument("--kind", choices=("tabular", "text", "image"), default="tabular",
                   help="tabular (whole rows, the default), text or image")
    c.add_argument("--item-column", default=None, metavar="COL",
                   help="the column holding each item: a text, or an image path (needed for text and image)")
    c.add_argument("--overlap", type=int, default=1, metavar="N", help="annotators per item (default 1)")
    c.add_argument("--instructions", default=None, metavar="FILE", help="a Markdown file of guidance for annotators")
    c.add_argument("--multi-label", action="store_true", help="let an item take several classes")
    c.add_argument("--image-root", default=None, metavar="DIR",
                   help="the folder image paths are relative to (default: where an uploaded zip was unpacked)")
    c.add_argument("--project", default=None, help="project id or name (default: the dataset's, when it has one)")
    c.add_argument("--by", default=None, help="who creates it (default: your user name)")
    c.set_defaults(handler=cmd_create)

    c = ls.add_parser("list", parents=[common], help="list label tasks, newest first")
    c.add_argument("--project", default=None, help="only this project's tasks (id or name)")
    c.add_argument("--dataset", default=None, metavar="VERSION", help="only tasks over this dataset version")
    c.add_argument("--all", action="store_true", help="include archived tasks")
    c.set_defaults(handler=cmd_list)

    c = ls.add_parser("show", parents=[common], help="a task: its data, classes, instructions and publications")
    c.add_argument("task", metavar="TASK", help=task_help)
    c.set_defaults(handler=cmd_show)

    c = ls.add_parser("label", parents=[common], help="give one item a label")
    c.add_argument("task", metavar="TASK", help=task_help)
    c.add_argument("--item", required=True, metavar="ITEM",
                   help="a row number (0 is the first row), or an item's key (its text or image path)")
    c.add_argument("--label", required=True, action="append", metavar="CLASS",
                   help="the class; repeat for several classes on a multi-label task")
    c.add_argument("--annotator", required=True, metavar="NAME", help="who gives the label")
    c.set_defaults(handler=cmd_label)

    c = ls.add_parser("import", parents=[common],
                      help="import a Label Studio JSON export (choices), or a CSV/JSON label export of MLCycle")
    c.add_argument("task", metavar="TASK", help=task_help)
    c.add_argument("file", metavar="FILE")
    c.add_argument("--annotator", default=None, metavar="NAME",
                   help="give every label to this annotator (default: each annotation's completed_by, or the "
                        "file's annotator column)")
    c.set_defaults(handler=cmd_import)

    c = ls.add_parser("export", parents=[common], help="write the labels as CSV, JSON or Label Studio JSON")
    c.add_argument("task", metavar="TASK", help=task_help)
    c.add_argument("--format", choices=transfer.FORMATS, default=None,
                   help="csv, json or label-studio (default: from the extension, .csv or .json)")
    c.add_argument("--out", required=True, metavar="FILE", help="the file to write, in an existing folder")
    c.add_argument("--all-items", action="store_true",
                   help="also items nobody labeled (json and label-studio: the whole task, to label elsewhere)")
    c.set_defaults(handler=cmd_export)

    c = ls.add_parser("status", parents=[common],
                      help="items labeled and resolved, labels per class, and agreement (kappa)")
    c.add_argument("task", metavar="TASK", help=task_help)
    c.set_defaults(handler=cmd_status)

    c = ls.add_parser("publish", parents=[common],
                      help="publish the resolved labels as a new version of the dataset (a column named after the "
                           "task)")
    c.add_argument("task", metavar="TASK", help=task_help)
    c.add_argument("--include-unresolved", action="store_true",
                   help="keep the rows without a resolved label (their label is empty); by default they are left out")
    c.add_argument("--by", default=None, help="who publishes (default: your user name)")
    c.set_defaults(handler=cmd_publish)

    c = ls.add_parser("review", parents=[common], help="decide an item's label (ties, split votes); wins over the majority")
    c.add_argument("task", metavar="TASK", help=task_help)
    c.add_argument("--item", required=True, help="the item: its row number or its key (the item column's value)")
    c.add_argument("--label", action="append", metavar="CLASS", help="the decided class (repeat for multi-label)")
    c.add_argument("--clear", action="store_true", help="remove the decision: the majority decides again")
    c.add_argument("--reviewer", default=None, help="who decides (default: your user name)")
    c.add_argument("--note", default="", help="why")
    c.set_defaults(handler=cmd_review)

    c = ls.add_parser("suggest", parents=[common],
                      help="train a quick model on the labels so far and suggest labels, most uncertain first")
    c.add_argument("task", metavar="TASK", help=task_help)
    c.add_argument("--background", action="store_true", help="run it as a job in the background worker")
    c.set_defaults(handler=cmd_suggest)

    c = ls.add_parser("images", parents=[common],
                      help="add a zip of images as a dataset version (columns image, folder, width, height)")
    c.add_argument("zip", metavar="ZIP", help="a .zip of PNG/JPEG/... images")
    c.add_argument("--name", default=None, help="the dataset's name (default: the zip's name)")
    c.add_argument("--project", default=None, help="attach it to this project (id or name)")
    c.set_defaults(handler=cmd_images)
