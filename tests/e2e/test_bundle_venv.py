"""The bundle without Docker: a fresh virtualenv made only from the bundle's requirements.txt and
wheels/ (no index), ``python -m server`` started from the bundle directory with that Python, and
its predictions on the held-out rows equal the app's (Verify, as the Deploy page runs it)."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.deploy import bundle as bundles
from core.deploy import verify
from tests.tiny_models import make_model

pytestmark = pytest.mark.slow


def fresh_venv(where: Path, bundle_dir: Path) -> Path:
    """A new venv with exactly the bundle's requirements, installed from its wheels with no index."""
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True, capture_output=True)
    python = where / "bin" / "python"
    done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-index", "--disable-pip-version-check",
                           "--find-links", str(bundle_dir / "wheels"), "-r", str(bundle_dir / "requirements.txt")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return python


def installed(python: Path) -> set[str]:
    out = subprocess.run([str(python), "-m", "pip", "list", "--format", "json", "--disable-pip-version-check"],
                         check=True, capture_output=True, text=True).stdout
    return {p["name"].lower().replace("_", "-") for p in json.loads(out)}


@pytest.mark.parametrize("learner", ["lgbm", "rf"])
def test_bundle_in_a_fresh_venv_predicts_exactly_as_the_app(ws, tmp_path, learner):
    from core.experiments.service import load_model

    model = make_model(ws, tmp_path, learner=learner)
    export = bundles.export_bundle(ws, model.id, tmp_path / "bundle", offline=True)
    bundle_dir = Path(export.path)
    python = fresh_venv(tmp_path / "venv", bundle_dir)
    # only what serving needs: none of the app's own packages
    assert not installed(python) & {"streamlit", "shap", "flaml", "sqlite-utils", "ray", "pyarrow", "mlcycle"}

    # Verify, as the Deploy page runs it, with the venv's Python instead of the app's
    result = verify.verify_bundle(ws, export.id, python=str(python))

    rows = verify.held_out_rows(ws, model.id)
    assert result["verified"] is True, result
    assert result["rows"] == len(rows) > 0
    assert result["labels_equal"] is True and result["max_proba_diff"] <= verify.TOLERANCE
    assert result["mismatches"] == [] and result["where"] == "process" and result["python"] == str(python)
    assert result["p50_ms"] > 0 and result["p99_ms"] >= result["p50_ms"] and result["rows_per_s"] > 0
    recorded = bundles.get_export(ws, export.id).verification
    assert recorded["verified"] is True and recorded["rows"] == result["rows"]

    # the README's way without Docker: `python -m server` in the bundle; a client posts sample_request.json
    log = tmp_path / "server.log"
    proc, url = verify.serve_bundle(bundle_dir, python=str(python), log_path=log)
    try:
        verify.wait_for_ping(url, timeout=60, alive=lambda: "" if proc.poll() is None else log.read_text())
        body = (bundle_dir / "sample_request.json").read_bytes()
        request = urllib.request.Request(url + "/invocations", data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            got = json.loads(answer.read())
    finally:
        verify.stop_process(proc)
    assert proc.poll() is not None
    split = json.loads(body)["dataframe_split"]
    sample = pd.DataFrame(split["data"], columns=split["columns"])
    app = load_model(ws, model.id)
    assert got["predictions"] == app.predict(sample).tolist()
    assert np.abs(np.asarray(got["probabilities"]) - app.predict_proba(sample)).max() <= verify.TOLERANCE
