"""Helpers several test modules use: the CLI run in-process, the text templates a chart module translates,
and the strings a figure shows."""

from __future__ import annotations

import ast
import inspect
import json
from types import ModuleType

import numpy as np


def cli(ws, capsys, *args: str) -> tuple[int, str, str]:
    """Run `mlcycle` in this process on ``ws``: exit code, stdout, stderr."""
    from core.cli import main

    code = main(["--workspace", str(ws.root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def cli_json(ws, capsys, *args: str) -> dict:
    """Run `mlcycle ... --json`, which must succeed and print exactly one JSON object."""
    code, out, err = cli(ws, capsys, *args, "--json")
    assert code == 0, err
    assert len(out.strip().splitlines()) == 1  # exactly one JSON object
    return json.loads(out)


def tr_literals(module: ModuleType) -> list[str]:
    """Every template a chart module passes to ``tr``: a string literal, or a key of one of its literal tables."""
    found = []
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr":
            (arg,) = node.args
            if isinstance(arg, ast.Constant):
                found.append(arg.value)
            else:  # a key from one of the module's literal tables (the test lists those tables' values)
                assert isinstance(arg, ast.Subscript), ast.unparse(node)
    return found


def strings(value):
    """Every string inside a figure's JSON (``fig.to_plotly_json()``): what plotly will show."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list | tuple | np.ndarray):
        for v in value:
            yield from strings(v)
