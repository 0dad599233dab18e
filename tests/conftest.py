"""Shared fixtures: a fresh workspace per test, and factories that seed it through core."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = REPO_ROOT / "data" / "samples"


def pytest_configure(config) -> None:
    """Never let a test touch the real default workspace: point MLCYCLE_HOME at a scratch folder."""
    import tempfile

    if "MLCYCLE_TEST_HOME" not in os.environ:
        os.environ["MLCYCLE_TEST_HOME"] = tempfile.mkdtemp(prefix="mlcycle-tests-")
    os.environ["MLCYCLE_HOME"] = os.path.join(os.environ["MLCYCLE_TEST_HOME"], "default")


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
        _stop_spawned_worker(root)
        if old is None:
            os.environ.pop("MLCYCLE_HOME", None)
        else:
            os.environ["MLCYCLE_HOME"] = old


def _stop_spawned_worker(root: Path) -> None:
    """Stop a background worker a test made the app or CLI start for this workspace."""
    import signal

    try:
        pid = int((root / "worker.spawn").read_text().split()[0])
        os.kill(pid, signal.SIGTERM)
    except (OSError, ValueError, IndexError):
        pass


@pytest.fixture
def samples() -> Path:
    """The folder of bundled sample datasets."""
    return SAMPLES


def make_project(ws, name: str = "Test project", **kw):
    """Create a project through core (factory for tests)."""
    from core.define import projects

    return projects.create_project(ws, name, **kw)
