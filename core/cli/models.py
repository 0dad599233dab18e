"""CLI: `mlcycle models migrate [--dry-run]`: rewrite old pickled models in the pickle-free format."""

from __future__ import annotations

import argparse

from core.cli import table
from core.errors import Conflict
from core.workspace import Workspace


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
    grp = sub.add_parser("models", help="trained models: migrate old files").add_subparsers(
        dest="command", required=True, metavar="<command>")
    c = grp.add_parser("migrate", parents=[common],
                       help="rewrite models saved as pickles (before mlcycle-model/2) in the pickle-free format, "
                            "keeping their ids; only for a workspace you trust (reading a pickle runs its code)")
    c.add_argument("--dry-run", action="store_true", help="only list the models that would be migrated")
    c.set_defaults(handler=cmd_migrate)
