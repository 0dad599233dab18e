"""`mlcycle`: the command line over the same core functions the pages use.

``mlcycle [--workspace DIR] <group> <command> ... [--json]``. With ``--json`` every
command prints exactly one JSON object on stdout (created objects carry ``"id"``);
errors go to stderr with a non-zero exit code.

One module per command group (``basics``: projects, jobs, worker, demo; ``hypotheses``,
``datasets`` with ``profile``, ``experiments``, ``models``), and ``demo``, which seeds the
demo projects from the repository's ``data/samples/`` (it reads files of the repository,
so it lives here and not in the library). The CLI is the last layer: it may import every
package of ``core``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

from core.errors import MLCycleError
from core.workspace import Workspace

Handler = Callable[[Workspace, argparse.Namespace], tuple[dict[str, Any], str]]

EXIT_USER_ERROR = 2
EXIT_BUG = 1


def _groups() -> list[Callable[[argparse._SubParsersAction, argparse.ArgumentParser], None]]:
    from core.cli import basics

    registrars = [basics.register]
    for name in ("hypotheses", "datasets", "experiments", "models"):
        try:
            module = __import__(f"core.cli.{name}", fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != f"core.cli.{name}":
                raise
            continue
        registrars.append(module.register)
    return registrars


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every command group registered."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print one JSON object on stdout")
    parser = argparse.ArgumentParser(prog="mlcycle", description="MLCycle: the ML lifecycle in one tool.")
    parser.add_argument("--workspace", metavar="DIR", default=None,
                        help="workspace folder (default: $MLCYCLE_HOME or the repo's data/workspace)")
    parser.add_argument("--json", action="store_true", default=False, help="print one JSON object on stdout")
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the process exit code."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s",
                        stream=sys.stderr)
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USER_ERROR
    try:
        ws = Workspace(args.workspace)
        payload, text = handler(ws, args)
    except MLCycleError as exc:
        if getattr(args, "json", False):
            sys.stderr.write(json.dumps({"error": exc.message, "hint": exc.hint, "type": type(exc).__name__}) + "\n")
        else:
            sys.stderr.write(f"error: {exc}\n")
        return EXIT_USER_ERROR
    emit(args, payload, text)
    return 0
