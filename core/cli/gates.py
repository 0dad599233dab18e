"""CLI: `mlcycle gates show|set|clear|check --project P [RULE]`: a project's quality gate.

A gate is a rule such as ``roc_auc >= 0.9 and p99_ms <= 10`` over a model's evaluation and
benchmark figures (parsed by :mod:`core.evaluation.gates`, never ``eval``). ``set`` checks the
rule before storing it (a bad one is refused with a caret under the bad token, exit 2);
``set ""`` or ``clear`` removes it; ``check`` judges every model of the project and names the
failing clause of each model that fails.
"""

from __future__ import annotations

import argparse

from core.cli import table
from core.cli.models import resolve_project
from core.workspace import Workspace


def _fields_text() -> str:
    from core.evaluation import gates

    names = [n for n in gates.GATE_FIELDS if not n.endswith(("_low", "_high"))]
    return ("Fields: " + ", ".join(names) + ", and <metric>_low / <metric>_high for the bounds of its 95% interval."
            f"\nGrammar: {gates.GRAMMAR}")


def cmd_show(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.evaluation import gates

    project = resolve_project(ws, args.project)
    rule = gates.get_gate(ws, project.id)
    text = (f"Gate of project {project.name}: {rule.text}" if rule else
            f"Project {project.name} has no gate; set one with `mlcycle gates set --project {project.id} "
            "\"roc_auc >= 0.9 and p99_ms <= 10\"`.") + "\n" + _fields_text()
    return {"project_id": project.id, "rule": rule.text if rule else None,
            "fields": dict(gates.GATE_FIELDS)}, text


def cmd_set(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.evaluation import gates

    project = resolve_project(ws, args.project)
    rule = gates.set_gate(ws, project.id, args.rule)
    if rule is None:
        return {"project_id": project.id, "rule": None}, f"Cleared the gate of project {project.name}"
    return {"project_id": project.id, "rule": rule.text}, f"Gate of project {project.name}: {rule.text}"


def cmd_clear(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.evaluation import gates

    project = resolve_project(ws, args.project)
    gates.set_gate(ws, project.id, "")
    return {"project_id": project.id, "rule": None}, f"Cleared the gate of project {project.name}"


def _project_models(ws: Workspace, project_id: str) -> list:
    """Every model of the project (archived ones too: they can be promoted again), page by page, best first."""
    from core.evaluation import leaderboard

    rows: list = []
    while True:
        page = leaderboard.leaderboard(ws, project_id, offset=len(rows), limit=leaderboard.MAX_LIMIT,
                                       include_archived=True)
        rows += page.rows
        if not page.rows or len(rows) >= page.total:
            return rows


def cmd_check(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.cli.models import gate_word
    from core.evaluation import gates

    project = resolve_project(ws, args.project)
    rule = gates.get_gate(ws, project.id)
    if rule is None:
        return ({"project_id": project.id, "rule": None, "results": [], "passed": 0, "failed": 0, "unknown": 0},
                f"Project {project.name} has no gate to check; set one with `mlcycle gates set --project "
                f"{project.id} RULE`.")
    models = _project_models(ws, project.id)
    results = gates.check_models(ws, project.id, [m.model_id for m in models])
    items = [{"model_id": m.model_id, "stage": m.stage} | results[m.model_id].as_dict()
             for m in models if m.model_id in results]
    counts = {s: sum(r["status"] == s for r in items) for s in ("pass", "fail", "unknown")}
    rows = [(m.model_label, m.stage, gate_word(results[m.model_id])) for m in models if m.model_id in results]
    text = (f"Gate `{rule.text}` on the {len(items)} model(s) of project {project.name}:\n"
            + (table(rows, ["model", "stage", "result"]) + "\n" if rows else "")
            + f"{counts['pass']} pass, {counts['fail']} fail, {counts['unknown']} unknown"
            + (" (a figure the rule needs is missing: evaluate or benchmark those models)" if counts["unknown"]
               else ""))
    return {"project_id": project.id, "rule": rule.text, "results": items, "passed": counts["pass"],
            "failed": counts["fail"], "unknown": counts["unknown"]}, text


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``gates`` command group."""
    grp = sub.add_parser("gates", help="a project's quality gate: a rule every model is checked against").add_subparsers(
        dest="command", required=True, metavar="<command>")
    c = grp.add_parser("show", parents=[common], help="show the project's rule and the fields a rule may use")
    c.add_argument("--project", required=True, help="project id or name")
    c.set_defaults(handler=cmd_show)
    c = grp.add_parser("set", parents=[common], help='set the rule, e.g. "roc_auc >= 0.9 and p99_ms <= 10" '
                                                     '("" clears it)')
    c.add_argument("--project", required=True, help="project id or name")
    c.add_argument("rule")
    c.set_defaults(handler=cmd_set)
    c = grp.add_parser("clear", parents=[common], help="remove the project's rule")
    c.add_argument("--project", required=True, help="project id or name")
    c.set_defaults(handler=cmd_clear)
    c = grp.add_parser("check", parents=[common], help="check every model of the project: pass or fail, with the "
                                                       "failing clause")
    c.add_argument("--project", required=True, help="project id or name")
    c.set_defaults(handler=cmd_check)
