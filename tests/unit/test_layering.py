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


# Lifecycle order of core's packages: a package may import the ones before it, never after.
# `modeling` (the model format and the column-kind rules) comes first: it imports nothing of
# core but errors, so every step may use it (the data step describes columns by its rules).
# Top-level modules (errors, ids, progress, workspace) are shared by all; `overview` reads
# every step's tables through the store only.
STEP_ORDER = ["modeling", "store", "jobs", "define", "data", "labeling", "features", "experiments",
              "evaluation", "explain", "deploy", "monitor", "cli"]
BASE_MODULES = {"errors", "ids", "progress", "workspace"}


def _core_imports(path: Path) -> set[str]:
    """Every ``core.*`` module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "core"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "core":
                found |= {f"core.{a.name}" for a in node.names}
            elif node.module.startswith("core."):
                found.add(node.module)
    return found


def _part(module: str) -> str:
    """The package (or top-level module) of a ``core.*`` module name."""
    return module.split(".")[1] if module.count(".") >= 1 else ""


def test_every_core_package_is_a_known_lifecycle_step():
    packages = {p.parent.name for p in (REPO_ROOT / "core").glob("*/__init__.py")}
    assert packages <= set(STEP_ORDER), f"add new packages to STEP_ORDER: {packages - set(STEP_ORDER)}"
    modules = {p.stem for p in (REPO_ROOT / "core").glob("*.py")} - {"__init__"}
    assert modules <= BASE_MODULES | {"overview"}, "core/'s top level holds only shared modules"


def test_no_core_package_imports_a_later_step():
    offenders = []
    for path in sorted((REPO_ROOT / "core").rglob("*.py")):
        rel = path.relative_to(REPO_ROOT / "core")
        if len(rel.parts) == 1:  # a top-level module: shared, so it may import only other shared ones
            allowed = BASE_MODULES | {"store", "Workspace"}
            offenders += [f"core/{rel}: {m}" for m in _core_imports(path) if _part(m) not in allowed]
            continue
        rank = STEP_ORDER.index(rel.parts[0])
        for module in _core_imports(path):
            part = _part(module)
            if part in STEP_ORDER and STEP_ORDER.index(part) > rank:
                offenders.append(f"core/{rel}: {module}")
    assert offenders == []


def test_modeling_imports_nothing_of_core_but_errors():
    offenders = [f"{p.name}: {m}" for p in (REPO_ROOT / "core" / "modeling").rglob("*.py")
                 for m in _core_imports(p) if not (m == "core.errors" or m.startswith("core.modeling"))]
    assert offenders == []


def test_every_job_kind_resolves_to_a_function():
    import importlib

    from core.jobs import KINDS

    for kind, spec in KINDS.items():
        for path in filter(None, [spec.run, spec.on_interrupt]):
            module, _, name = path.partition(":")
            assert callable(getattr(importlib.import_module(module), name, None)), f"{kind}: {path}"
