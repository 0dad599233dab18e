"""Shared fixtures: a fresh workspace per test, and factories that seed it through core."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = REPO_ROOT / "data" / "samples"


@pytest.fixture
def ws(tmp_path: Path):
    """An empty workspace in a temporary folder (``MLCYCLE_HOME`` points at it)."""
    from core.workspace import Workspace

    root = tmp_path / "ws"
    old = os.environ.get("MLCYCLE_HOME")
    os.environ["MLCYCLE_HOME"] = str(root)
    try:
        yield Workspace(root)
    finally:
        if old is None:
            os.environ.pop("MLCYCLE_HOME", None)
        else:
            os.environ["MLCYCLE_HOME"] = old


@pytest.fixture
def samples() -> Path:
    """The folder of bundled sample datasets."""
    return SAMPLES


def make_project(ws, name: str = "Test project", **kw):
    """Create a project through core (factory for tests)."""
    from core import projects

    return projects.create_project(ws, name, **kw)
