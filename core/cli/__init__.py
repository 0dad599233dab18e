"""`mlcycle`: the command line over the same core functions the pages use.

``mlcycle [--workspace DIR] [--debug] <group> <command> ... [--json]``. With ``--json`` every
command prints exactly one JSON object on stdout (created objects carry ``"id"``).

Every failure is one line on stderr saying what went wrong and what to do, with exit code 2
for a user error (an :class:`~core.errors.MLCycleError`, a path the system refused, a
reference to something that does not exist) and 1 for a bug, whose full traceback goes to
``logs/cli-errors.log`` in the workspace (the line gives the path), or to stderr with
``--debug``.

One module per command group (``basics``: projects, jobs, worker, demo, gc; ``hypotheses``,
``datasets`` with ``profile``, ``experiments``, ``models``, ``gates``), and ``demo``, which seeds the
demo projects from the repository's ``data/samples/`` (it reads files of the repository,
so it lives here and not in the library). The CLI is the last layer: it may import every
package of ``core``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sqlite3
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.errors import MLCycleError
from core.workspace import Workspace

Handler = Callable[[Workspace, argparse.Namespace], tuple[dict[str, Any], str]]
Registrar = Callable[[argparse._SubParsersAction, argparse.ArgumentParser], None]

EXIT_USER_ERROR = 2
EXIT_BUG = 1
EXIT_INTERRUPTED = 130

log = logging.getLogger("mlcycle.cli")

# Each module of command groups, with the groups it adds (named when it fails to import).
GROUP_MODULES: dict[str, tuple[str, ...]] = {
    "basics": ("projects", "jobs", "worker", "demo", "gc"),
    "hypotheses": ("hypotheses",),
    "datasets": ("datasets",),
    "experiments": ("experiments",),
    "models": ("models",),
    "gates": ("gates",),
    "explain": ("explain",),
    "deploy": ("export",),
    "labels": ("labels",),
    "features": ("features",),
    "monitor": ("monitor",),
}


class CommandGroupBroken(Exception):
    """A module of command groups failed to import: a bug, reported when its commands are used."""


def _broken(module: str, groups: tuple[str, ...], exc: BaseException) -> Registrar:
    """A registrar that keeps a module's groups listed, each failing with the import error when used."""
    reason = f"{type(exc).__name__}: {exc}"

    def fail(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
        raise CommandGroupBroken(f"The '{args.group}' commands failed to import (core/cli/{module}.py: {reason})") \
            from exc

    def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
        for group in groups:
            p = sub.add_parser(group, parents=[common], help=f"(unavailable: failed to import: {reason})")
            p.add_argument("rest", nargs=argparse.REMAINDER)
            p.set_defaults(handler=fail)

    return register


def _groups() -> list[Registrar]:
    """The registrar of every command-group module; one that fails to import is reported, not dropped."""
    registrars: list[Registrar] = []
    for module, groups in GROUP_MODULES.items():
        try:
            registrars.append(importlib.import_module(f"core.cli.{module}").register)
        except Exception as exc:  # noqa: BLE001 - kept as a group that explains the failure
            log.warning("the %s commands are unavailable: core/cli/%s.py failed to import (%s: %s)",
                        "/".join(groups), module, type(exc).__name__, exc)
            registrars.append(_broken(module, groups, exc))
    return registrars


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every command group registered."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print one JSON object on stdout")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the full traceback of an error on stderr")
    parser = argparse.ArgumentParser(prog="mlcycle", description="MLCycle: the ML lifecycle in one tool.")
    parser.add_argument("--workspace", metavar="DIR", default=None,
                        help="workspace folder (default: $MLCYCLE_HOME or the repo's data/workspace)")
    parser.add_argument("--json", action="store_true", default=False, help="print one JSON object on stdout")
    parser.add_argument("--debug", action="store_true", default=False,
                        help="show the full traceback of an error on stderr")
    sub = parser.add_subparsers(dest="group", required=True, metavar="<group>")
    for register in _groups():
        register(sub, common)
    return parser


def emit(args: argparse.Namespace, payload: dict[str, Any], text: str) -> None:
    """Print ``payload`` as JSON when ``--json`` was given, else ``text``."""
    if getattr(args, "json", False):
        sys.stdout.write(json.dumps(payload, default=str, ensure_ascii=False) + "\n")
    elif text:
        sys.stdout.write(text.rstrip("\n") + "\n")


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    """Format rows as a plain aligned text table."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def user_name(given: str | None = None) -> str:
    """Who runs the command: ``given`` (a ``--by`` option), else the login name, else ``""`` (a container)."""
    if given:
        return given
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name: nobody in particular
        return ""


def project_ref(ws: Workspace, ref: str | None) -> str | None:
    """The id of the project a ``--project`` option names (its id or name), or ``None`` when not given.

    Raises:
        NotFound: no project has that id or name.
    """
    if not ref:
        return None
    from core.define import projects

    return (projects.find_project(ws, ref) or projects.find_project_by_name(ws, ref)
            or projects.get_project(ws, ref)).id


def stderr_progress(enabled: bool) -> Callable[[Any], None]:
    """A progress callback writing a line to stderr at each new tenth (nothing unless ``enabled``)."""
    shown = {"step": -1}

    def report(p: Any) -> None:
        if not enabled or p.fraction is None:
            return
        step = int(p.fraction * 10)
        if step != shown["step"]:
            shown["step"] = step
            sys.stderr.write(f"{p.fraction * 100:.0f}% {p.message}\n")
            sys.stderr.flush()

    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the process exit code."""
    if (ray_at := os.environ.get("RAY_ADDRESS", "").strip()) != "auto" and ray_at.rpartition(":")[0].strip(
            "[]") in ("", "localhost", "127.0.0.1", "::1"):  # Ray on this machine: on 127.0.0.1 only (read at import)
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s",
                        stream=sys.stderr)
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USER_ERROR
    ws: Workspace | None = None
    try:
        ws = Workspace(args.workspace)
        if args.group != "worker":
            from core.jobs import reconcile

            reconcile(ws)  # a job (and its experiment) whose worker died reads as interrupted
        payload, text = handler(ws, args)
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted.\n")
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - every failure becomes one line and an exit code
        return _fail(args, ws, exc)
    emit(args, payload, text)
    return 0


def _user_error(exc: BaseException) -> tuple[str, str] | None:
    """``(message, hint)`` when ``exc`` is the user's to fix, else ``None`` (a bug)."""
    if isinstance(exc, MLCycleError):
        return exc.message, exc.hint
    if isinstance(exc, sqlite3.IntegrityError) and "FOREIGN KEY" in str(exc):
        return ("Something this command refers to does not exist (the store refused it: FOREIGN KEY constraint "
                "failed).", "Check the ids you gave (projects, datasets, hypotheses, experiments) with the "
                "matching `mlcycle ... list` command.")
    if isinstance(exc, OSError) and exc.filename:
        return (f"{exc.strerror or exc}: {exc.filename}.",
                "Check that the path exists, is of the right kind (file or folder) and that you may use it.")
    return None


def _fail(args: argparse.Namespace, ws: Workspace | None, exc: BaseException) -> int:
    """Report an error on one line (the traceback to a log file, or to stderr with ``--debug``)."""
    debug = getattr(args, "debug", False)
    user = _user_error(exc)
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    if user is not None:
        message, hint = user
        if getattr(args, "json", False):
            sys.stderr.write(json.dumps({"error": message, "hint": hint, "type": type(exc).__name__},
                                        ensure_ascii=False) + "\n")
        else:
            sys.stderr.write(f"error: {message} {hint}".rstrip() + "\n")
        return EXIT_USER_ERROR
    where = None if debug else _log_trace(ws, exc)
    what = f"{type(exc).__name__}: {exc}"
    tail = "the traceback is above" if debug else (
        f"please report it with the traceback in {where}" if where else "run again with --debug to see the traceback")
    if getattr(args, "json", False):
        sys.stderr.write(json.dumps({"error": what, "hint": f"This is a bug in MLCycle; {tail}.", "type": "Bug",
                                     "log": str(where) if where else None}, ensure_ascii=False) + "\n")
    else:
        sys.stderr.write(f"error: {what}. This is a bug in MLCycle; {tail}\n")
    return EXIT_BUG


def _log_trace(ws: Workspace | None, exc: BaseException) -> Path | None:
    """Append the traceback to the workspace's ``logs/cli-errors.log`` (or a temp file); return its path."""
    folder = ws.logs_dir if ws is not None else Path(tempfile.gettempdir()) / f"mlcycle-{os.getuid()}"
    path = folder / "cli-errors.log"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as out:
            out.write(f"--- {datetime.now(UTC).isoformat(timespec='seconds')} mlcycle {' '.join(sys.argv[1:])}\n")
            out.write("".join(traceback.format_exception(exc)))
    except OSError:
        return None
    return path
