"""The training environment recorded with every model: Python, platform, package versions, code version.

A served model must run with the same package versions it was trained with (``export``
pins them from this record), and a reproduced model is only bit-identical on the same
versions, so ``capture_environment`` is stored with each model.

Example:
    >>> env = capture_environment()
    >>> env["packages"]["scikit-learn"]
    '1.9.1'
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

# Distributions (pip names) a trained model may need at prediction time, plus the tools that made it.
MODEL_PACKAGES: tuple[str, ...] = (
    "numpy", "pandas", "scipy", "scikit-learn", "flaml", "lightgbm", "xgboost", "catboost",
    "joblib", "cloudpickle", "pyarrow", "threadpoolctl", "psutil",
)
OPTIONAL_PACKAGES: tuple[str, ...] = ("ray", "optuna", "shap")
REPO_ROOT = Path(__file__).resolve().parents[1]
_ALIASES = {"xgboost": ("xgboost", "xgboost-cpu"), "scikit-learn": ("scikit-learn",)}


def installed_distribution(name: str) -> tuple[str, str] | None:
    """Return ``(distribution, version)`` installed for ``name``, or ``None``.

    ``xgboost`` is also found as its ``xgboost-cpu`` build (and then named so, so that pins
    made from the record install the same build).
    """
    for dist in _ALIASES.get(name, (name,)):
        try:
            return dist, version(dist)
        except PackageNotFoundError:
            continue
    return None


def package_version(name: str) -> str | None:
    """Return the installed version of distribution ``name`` (``None`` if not installed)."""
    found = installed_distribution(name)
    return found[1] if found else None


def git_commit(repo: Path = REPO_ROOT) -> str | None:
    """Return the ``HEAD`` commit of the app's repository, or ``None`` when it is not a git checkout."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True,
                             timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    return commit if out.returncode == 0 and len(commit) >= 7 else None


def _git_dirty(repo: Path = REPO_ROOT) -> bool | None:
    try:
        out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo,
                             capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(out.stdout.strip()) if out.returncode == 0 else None


def capture_environment(packages: Iterable[str] | None = None) -> dict[str, Any]:
    """Describe the running environment as JSON: what a model needs to be served and reproduced.

    Args:
        packages: distribution names to record (default :data:`MODEL_PACKAGES` plus the installed
            ones of :data:`OPTIONAL_PACKAGES`). Packages that are not installed are left out of
            ``packages`` and listed in ``missing``.

    Returns:
        ``python`` (version), ``python_implementation``, ``platform``, ``system``, ``machine``,
        ``cpu_count``, ``packages`` (installed distribution name, e.g. ``xgboost-cpu``, -> exact
        version), ``missing``, ``app_version``,
        ``git_commit`` (or ``None``) and ``git_dirty``.
    """
    names = list(packages) if packages is not None else [
        *MODEL_PACKAGES, *(p for p in OPTIONAL_PACKAGES if package_version(p))]
    found: dict[str, str] = {}
    missing: list[str] = []
    for name in dict.fromkeys(names):
        dist = installed_distribution(name)
        if dist is None:
            missing.append(name)
        else:
            found[dist[0]] = dist[1]
    try:
        from core import __version__ as app_version
    except ImportError:  # pragma: no cover - core is always importable here
        app_version = None
    return {
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "system": platform.system(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "executable": sys.executable,
        "packages": found,
        "missing": missing,
        "app_version": app_version,
        "git_commit": git_commit(),
        "git_dirty": _git_dirty(),
    }


def requirements_lines(env: dict[str, Any]) -> list[str]:
    """Return ``name==version`` pins for the recorded packages (for an export's requirements.txt)."""
    return [f"{name}=={v}" for name, v in sorted(env.get("packages", {}).items())]
