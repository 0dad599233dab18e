"""Demo data: a project seeded from ``data/samples`` so a new user has something to explore."""

from __future__ import annotations

from typing import Any

from core import projects
from core.workspace import REPO_ROOT, Workspace

SAMPLES = REPO_ROOT / "data" / "samples"
DEMO_NAME = "Demo: breast cancer screening"
DEMO_STATEMENT = """\
Clinicians want a second opinion on fine-needle aspirate images: **is this tumour malignant?**

A missed malignant case costs far more than a false alarm, so we care about recall on
`malignant` as well as overall accuracy. Measurements come from the Wisconsin Diagnostic
Breast Cancer data set (569 digitised images, 30 numeric features).
"""


def seed_demo(ws: Workspace, *, force: bool = False) -> dict[str, Any]:
    """Create the demo project (once) with its problem statement.

    Args:
        ws: the workspace.
        force: create another demo project even if one exists.

    Returns:
        ``{"id", "project_name", "created"}``.
    """
    existing = projects.find_project_by_name(ws, DEMO_NAME)
    if existing and not force:
        return {"id": existing.id, "project_name": existing.name, "created": False}
    name = DEMO_NAME if not existing else f"{DEMO_NAME} ({len(projects.list_projects(ws, include_archived=True)) + 1})"
    project = projects.create_project(ws, name, description="A worked example built from the bundled samples.")
    projects.update_project(ws, project.id, problem_statement=DEMO_STATEMENT)
    return {"id": project.id, "project_name": project.name, "created": True}
