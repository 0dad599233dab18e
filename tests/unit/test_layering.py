"""Layering rules: core never imports streamlit; pages never touch SQL or ML libraries directly."""

from __future__ import annotations

import ast
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import core

REPO_ROOT = Path(__file__).resolve().parents[2]


def _core_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(core.__path__, "core.") if not m.name.endswith("__main__"))


def test_every_core_module_imports_without_streamlit():
    code = (
        "import sys, importlib\n"
        "sys.modules['streamlit'] = None\n"
        f"for name in {_core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "streamlit" not in out.stderr


FORBIDDEN_IN_PAGES = {"sqlite3", "sqlite_utils", "flaml", "shap", "sklearn", "lightgbm", "xgboost"}


def test_pages_and_ui_never_import_the_store_or_ml_libraries():
    offenders = []
    for path in [*REPO_ROOT.glob("app_pages/*.py"), *REPO_ROOT.glob("ui/*.py"), REPO_ROOT / "app.py"]:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN_IN_PAGES]
    assert offenders == []


def test_every_public_core_function_has_a_docstring():
    import importlib

    missing = []
    for name in _core_modules():
        if name.startswith("core.cli"):  # command handlers; the CLI's help is its documentation
            continue
        module = importlib.import_module(name)
        for attr, obj in vars(module).items():
            if attr.startswith("_") or getattr(obj, "__module__", None) != name:
                continue
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and not inspect.getdoc(obj):
                missing.append(f"{name}.{attr}")
    assert missing == []
