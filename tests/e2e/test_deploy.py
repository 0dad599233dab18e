"""Golden flow of Deploy in Chromium: export the best model of a sample experiment, verify its bundle's
server against the app (a job run by the app's worker), and download the bundle's zip."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.e2e.conftest import open_page, wait_idle
from tests.e2e.test_explain import _sample_experiment

pytestmark = pytest.mark.e2e


def test_export_verify_and_download_the_bundle(page, tmp_path):
    from core.deploy import bundle
    from core.workspace import Workspace

    ws = Workspace(page.server.workspace)
    project, exp = _sample_experiment(ws)

    open_page(page, f"deploy?project={project.id}")
    page.get_by_text("This model has not been exported yet.").wait_for(timeout=60_000)
    page.get_by_role("button", name="Export").click()
    wait_idle(page, timeout=120_000)
    page.get_by_role("button", name="Verify").wait_for(timeout=120_000)
    made = bundle.exports_of(ws, exp.best_model_id)
    assert len(made) == 1
    page.shot("01-exported")

    # Verify runs as a job in the app's worker: the page follows it and shows the result
    page.get_by_role("button", name="Verify").click()
    page.get_by_text("identical predictions on", exact=False).wait_for(timeout=180_000)
    assert bundle.get_export(ws, made[0].id).verification["verified"] is True
    page.shot("02-verified")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the bundle", exact=False).click()
    saved = tmp_path / "bundle.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as zf:
        names = {n.split("/", 1)[-1] for n in zf.namelist()}
    assert {"Dockerfile", "requirements.txt", "model.mlcycle", "sample_request.json", "README.md"} <= names
