"""The environment a model was trained in: Python, platform, exact package versions, code version."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from functools import lru_cache
from importlib import metadata
from typing import Any

from core.workspace import REPO_ROOT

MODEL_PACKAGES = ("numpy", "pandas", "scikit-learn", "scipy", "flaml", "lightgbm", "xgboost-cpu", "xgboost",
                  "joblib", "cloudpickle", "pyarrow", "threadpoolctl")


def package_versions(packages: tuple[str, ...] = MODEL_PACKAGES) -> dict[str, str]:
    """Return the installed version of each package (missing ones are left out)."""
    found = {}
    for name in packages:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


@lru_cache(maxsize=1)
def git_commit() -> str | None:
    """Return the repository's HEAD commit (with ``-dirty`` when it has uncommitted changes), or ``None``."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True,
                              timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT,
                               capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}-dirty" if dirty else head


def capture_environment(packages: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Describe this process's environment for an experiment or model record.

    Args:
        packages: package names to record (default: every package a model needs).

    Returns:
        ``python``, ``implementation``, ``platform``, ``machine``, ``cpu_count``, ``packages``
        (exact versions), ``app_version`` and ``git_commit``.
    """
    from core import __version__

    return {
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "packages": package_versions(packages or MODEL_PACKAGES),
        "app_version": __version__,
        "git_commit": git_commit(),
    }
