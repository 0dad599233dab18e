"""CLI: `mlcycle hypotheses add|list|show|status`."""

from __future__ import annotations

import argparse

from core.cli import table
from core.define import hypotheses, projects
from core.errors import InvalidInput
from core.workspace import Workspace


def _project_id(ws: Workspace, given: str | None) -> str:
    if given:
        return projects.get_project(ws, given).id
    active = projects.list_projects(ws)
    if len(active) == 1:
        return active[0].id
    raise InvalidInput("Which project? This workspace has " + (f"{len(active)} projects." if active else "no projects."),
                       hint="Pass --project ID (see `mlcycle projects list`)." if active
                       else "Create one with `mlcycle projects create NAME`.")


def cmd_add(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    h = hypotheses.create_hypothesis(
        ws, _project_id(ws, args.project), question=args.question, statement=args.statement,
        metric=args.metric, threshold=args.threshold, direction=args.direction,
        data_needed=args.data_needed, acquisition=args.acquisition, owner=args.owner, status=args.status,
    )
    return h.as_dict() | {"criterion": h.criterion}, f"Added hypothesis {h.id}: {h.statement} ({h.criterion})"


def cmd_list(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    items = hypotheses.list_hypotheses(ws, _project_id(ws, args.project), include_archived=args.all)
    rows = [(h.id, h.status, h.criterion, h.statement[:60]) for h in items]
    text = table(rows, ["id", "status", "success criterion", "statement"]) if items else "No hypotheses yet."
    return {"hypotheses": [h.as_dict() | {"criterion": h.criterion} for h in items]}, text


def cmd_show(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    h = hypotheses.get_hypothesis(ws, args.id)
    links = hypotheses.linked(ws, h.id)
    changes = hypotheses.history(ws, h.id)
    data = h.as_dict() | {"criterion": h.criterion, "linked": links,
                          "history": [c.as_dict() for c in changes]}
    text = "\n".join([
        f"{h.id}  [{h.status}]",
        f"question:   {h.question}",
        f"hypothesis: {h.statement}",
        f"success:    {h.criterion}",
        f"data:       {h.data_needed or '-'}",
        f"acquire:    {h.acquisition or '-'}",
        f"owner:      {h.owner or '-'}",
        f"datasets:   {', '.join(d['name'] for d in links['datasets']) or '-'}",
        f"experiments: {', '.join(e['id'] for e in links['experiments']) or '-'}",
        f"models:     {', '.join(m['id'] for m in links['models']) or '-'}",
        "history:",
        *[f"  {c.at[:19]} {c.field}: {c.old_value} -> {c.new_value} {c.note}" for c in changes],
    ])
    return data, text


def cmd_status(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    h = hypotheses.set_status(ws, args.id, args.status, note=args.note)
    return h.as_dict(), f"{h.id} is now {h.status}"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the hypotheses commands."""
    p = sub.add_parser("hypotheses", help="hypotheses with measurable success criteria")
    hs = p.add_subparsers(dest="command", required=True, metavar="<command>")
    c = hs.add_parser("add", parents=[common], help="add a hypothesis to a project")
    c.add_argument("--project", default=None, help="project id (optional when there is only one)")
    c.add_argument("--question", required=True)
    c.add_argument("--statement", required=True, help="what you believe")
    c.add_argument("--metric", required=True, help=f"one of: {', '.join(hypotheses.METRICS)}")
    c.add_argument("--threshold", required=True, type=float)
    c.add_argument("--direction", choices=[">=", "<="], default=None,
                   help="default: the metric's better direction")
    c.add_argument("--data-needed", default="")
    c.add_argument("--acquisition", default="", help="how the data will be acquired")
    c.add_argument("--owner", default="")
    c.add_argument("--status", default="draft")
    c.set_defaults(handler=cmd_add)
    c = hs.add_parser("list", parents=[common], help="list a project's hypotheses")
    c.add_argument("--project", default=None)
    c.add_argument("--all", action="store_true", help="include archived")
    c.set_defaults(handler=cmd_list)
    c = hs.add_parser("show", parents=[common], help="show a hypothesis with links and history")
    c.add_argument("id")
    c.set_defaults(handler=cmd_show)
    c = hs.add_parser("status", parents=[common], help="change a hypothesis's status")
    c.add_argument("id")
    c.add_argument("status")
    c.add_argument("--note", default="")
    c.set_defaults(handler=cmd_status)
