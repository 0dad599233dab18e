"""CLI groups of the foundation: projects, jobs, worker, demo, and gc (workspace garbage collection)."""

from __future__ import annotations

import argparse
import math
from typing import Any

from core import jobs
from core.cli import demo, table
from core.define import projects
from core.errors import InvalidInput
from core.store import gc
from core.workspace import Workspace


def _project_dict(p: Any) -> dict[str, Any]:
    return p.as_dict()


def cmd_projects_create(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    p = projects.create_project(ws, args.name, description=args.description or "")
    return _project_dict(p), f"Created project '{p.name}' ({p.id})"


def cmd_projects_list(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    items = projects.list_projects(ws, include_archived=args.all)
    rows = [(p.id, p.name, "archived" if p.archived_at else "active", p.updated_at[:19]) for p in items]
    text = table(rows, ["id", "name", "state", "updated (UTC)"]) if items else "No projects yet. Create one with `mlcycle projects create NAME`."
    return {"projects": [_project_dict(p) for p in items]}, text


def cmd_projects_rename(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    p = projects.rename_project(ws, args.id, args.name)
    return _project_dict(p), f"Renamed {p.id} to '{p.name}'"


def cmd_projects_archive(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    p = projects.archive_project(ws, args.id)
    return _project_dict(p), f"Archived '{p.name}' ({p.id}); `mlcycle projects restore {p.id}` brings it back"


def cmd_projects_restore(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    p = projects.restore_project(ws, args.id)
    return _project_dict(p), f"Restored '{p.name}' ({p.id})"


def _job_row(j: Any) -> tuple:
    pct = "" if j.progress is None else f"{j.progress * 100:.0f}%"
    return (j.id, j.kind, j.title[:40], j.status, pct, j.message[:50])


def cmd_jobs_list(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    items = jobs.list_jobs(ws, status=args.status, limit=args.limit)
    text = table([_job_row(j) for j in items], ["id", "kind", "title", "status", "progress", "message"]) if items else "No jobs."
    return {"jobs": [j.as_dict() for j in items]}, text


def cmd_jobs_show(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    j = jobs.get_job(ws, args.id)
    lines = jobs.job_logs(ws, j.id, tail=args.tail)
    data = j.as_dict() | {"log": [line.message for line in lines]}
    text = table([_job_row(j)], ["id", "kind", "title", "status", "progress", "message"])
    if j.error:
        text += f"\nerror: {j.error}"
    if lines:
        text += "\nlog:\n" + "\n".join(f"  {line.at[11:19]} {line.message}" for line in lines)
    return data, text


def cmd_jobs_cancel(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    j = jobs.cancel_job(ws, args.id)
    verb = "cancelled" if j.status == "cancelled" else "will stop at its next checkpoint"
    return j.as_dict(), f"Job {j.id} {verb}"


def cmd_jobs_retry(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    j = jobs.retry_job(ws, args.id)
    if args.wait:
        j = jobs.wait_for(ws, j.id, check=True)
    return j.as_dict(), f"Job {j.id} {j.status} (a retry of {args.id})"


def cmd_jobs_sleep(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    if not math.isfinite(args.seconds) or args.seconds < 0:
        raise InvalidInput(f"--seconds {args.seconds:g} is not a duration: a sleep job needs 0 or more seconds.",
                           hint="Give e.g. --seconds 5.")
    if args.steps < 1:
        raise InvalidInput(f"--steps {args.steps} is not a number of steps.", hint="Give 1 or more, e.g. --steps 10.")
    j = jobs.enqueue(ws, "sleep", {"seconds": args.seconds, "steps": args.steps},
                     title=f"Demo: sleep {args.seconds:g} s", start_worker=not args.no_worker)
    if args.wait:
        j = jobs.wait_for(ws, j.id, check=True)  # a failed or cancelled job exits non-zero
    return j.as_dict(), f"Job {j.id} {j.status}"


def cmd_worker(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    ran = jobs.run_worker(ws, idle_exit=args.idle_exit, max_jobs=args.max_jobs, lock_wait=args.lock_wait)
    return {"jobs_run": ran}, f"Worker stopped after running {ran} job(s)"


def cmd_gc(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    report = gc.collect(ws, dry_run=args.dry_run)
    lines = [report.summary()]
    if args.dry_run and report.removed:
        lines += [f"  {r.kind:8} {r.bytes:>12,} bytes  {r.path}" for r in report.removed]
        lines.append("Run `mlcycle gc` without --dry-run to remove them.")
    return report.as_dict(), "\n".join(lines)


def cmd_demo(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    if args.if_empty and projects.list_projects(ws, include_archived=True):
        return {"id": None, "created": False}, "The workspace already has projects; demo not seeded"
    result = demo.seed_demo(ws, force=args.force, train=not args.no_train)
    if result.get("created"):
        made = [f"'{name}' ({pid})" for name, pid in zip(result["project_names"], result["projects"], strict=True)]
        text = f"Demo projects ready: {', '.join(made)}"
        if result.get("jobs"):
            text += (f"\nPreparing a short search for each of {len(result['jobs'])} demo projects in the background (about "
                     f"{demo.DEMO_SEARCH_BUDGET:.0f} s each; jobs {', '.join(result['jobs'])}). Watch them with "
                     "`mlcycle jobs list`, or on the Experiments and Jobs pages of the app.")
        return result, text
    return result, f"Demo data already present ({result['id']}); use --force to add it again"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the projects, jobs, worker and demo commands."""
    p = sub.add_parser("projects", help="create, list, rename, archive projects")
    ps = p.add_subparsers(dest="command", required=True, metavar="<command>")
    c = ps.add_parser("create", parents=[common], help="create a project")
    c.add_argument("name")
    c.add_argument("--description", default="")
    c.set_defaults(handler=cmd_projects_create)
    c = ps.add_parser("list", parents=[common], help="list projects")
    c.add_argument("--all", action="store_true", help="include archived projects")
    c.set_defaults(handler=cmd_projects_list)
    c = ps.add_parser("rename", parents=[common], help="rename a project")
    c.add_argument("id")
    c.add_argument("name")
    c.set_defaults(handler=cmd_projects_rename)
    for name, fn in (("archive", cmd_projects_archive), ("restore", cmd_projects_restore)):
        c = ps.add_parser(name, parents=[common], help=f"{name} a project")
        c.add_argument("id")
        c.set_defaults(handler=fn)

    p = sub.add_parser("jobs", help="list, inspect, cancel and retry background jobs")
    js = p.add_subparsers(dest="command", required=True, metavar="<command>")
    c = js.add_parser("list", parents=[common], help="list jobs, newest first")
    c.add_argument("--status", default=None)
    c.add_argument("--limit", type=int, default=50)
    c.set_defaults(handler=cmd_jobs_list)
    c = js.add_parser("show", parents=[common], help="show a job with its log")
    c.add_argument("id")
    c.add_argument("--tail", type=int, default=20)
    c.set_defaults(handler=cmd_jobs_show)
    c = js.add_parser("cancel", parents=[common], help="cancel a queued or running job")
    c.add_argument("id")
    c.set_defaults(handler=cmd_jobs_cancel)
    c = js.add_parser("retry", parents=[common], help="queue a failed, cancelled or interrupted job again")
    c.add_argument("id")
    c.add_argument("--wait", action="store_true", help="return when the new job ends")
    c.set_defaults(handler=cmd_jobs_retry)
    c = js.add_parser("sleep", parents=[common], help="queue a demo job that sleeps (to try the worker)")
    c.add_argument("--seconds", type=float, default=5.0)
    c.add_argument("--steps", type=int, default=10)
    c.add_argument("--wait", action="store_true", help="return when the job ends")
    c.add_argument("--no-worker", action="store_true", help="only queue; do not start a worker")
    c.set_defaults(handler=cmd_jobs_sleep)

    c = sub.add_parser("worker", parents=[common], help="run the background worker in this terminal")
    c.add_argument("--idle-exit", type=float, default=None, metavar="SECONDS",
                   help="stop after this long without work (default: run until stopped)")
    c.add_argument("--max-jobs", type=int, default=None)
    c.add_argument("--lock-wait", type=float, default=0.0, metavar="SECONDS",
                   help="wait this long for a stopping worker to release the workspace")
    c.set_defaults(handler=cmd_worker)

    c = sub.add_parser("gc", parents=[common], help="free old temp files, finished scratch and unreferenced artifacts")
    c.add_argument("--dry-run", action="store_true", help="only list what would be removed")
    c.set_defaults(handler=cmd_gc)

    c = sub.add_parser("demo", parents=[common],
                       help="seed the demo projects from data/samples and queue a short search in each")
    c.add_argument("--force", action="store_true", help="seed again even if the demo exists")
    c.add_argument("--if-empty", action="store_true", help="seed only into a workspace without projects")
    c.add_argument("--no-train", action="store_true",
                   help="do not queue the demo's short searches (one per project, run by the background worker)")
    c.set_defaults(handler=cmd_demo)
