"""`mlcycle export MODEL --out DIR [--zip] [--offline] [--verify] [--build] [--json]` on tiny real models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.deploy import bundle as bundles
from core.deploy import verify
from tests.conftest import make_project
from tests.shared import cli, cli_json
from tests.tiny_models import make_model

KEYS = {"id", "model", "path", "zip", "offline", "files", "size_bytes", "requirements", "tag", "image", "verified",
        "rows", "labels_equal", "max_proba_diff", "max_value_diff", "p50_ms", "p99_ms", "rows_per_s",
        "verification", "image_verification"}


def test_json_names_the_bundle_its_zip_and_that_nothing_was_verified(ws, tmp_path, capsys):
    model = make_model(ws, tmp_path, project=make_project(ws, "Churn 2026"))
    data = cli_json(ws, capsys, "export", model.id, "--out", str(tmp_path / "out"), "--zip")
    assert set(data) == KEYS
    export = bundles.get_export(ws, data["id"])
    assert (data["model"], data["path"], data["zip"]) == (model.id, str(tmp_path / "out"), str(tmp_path / "out.zip"))
    assert Path(data["zip"]).is_file() and Path(data["path"], "Dockerfile").is_file()
    assert data["files"] == len(export.files) and data["size_bytes"] == export.size_bytes
    assert data["requirements"] == export.requirements and data["offline"] is False
    assert data["tag"] == f"mlcycle/churn-2026:{model.id}" and data["image"] is None
    assert data["verified"] is None and data["rows"] is None and data["verification"] is None


def test_text_output_says_where_the_bundle_is_and_how_to_build_it(ws, tmp_path, capsys):
    model = make_model(ws, tmp_path)
    code, out, err = cli(ws, capsys, "export", model.id, "--out", str(tmp_path / "out"))
    assert code == 0, err
    export = bundles.exports_of(ws, model.id)[0]
    assert out.startswith(f"Exported model {model.id} as {export.id} to {tmp_path / 'out'} (")
    assert "pins: " in out and "lightgbm==" in out
    tag = bundles.image_tag("models", model.id)
    assert f"docker build -t {tag} . && docker run --rm -p 127.0.0.1:8080:8080 {tag}" in out
    assert not (tmp_path / "out.zip").exists()


def test_a_second_export_into_a_folder_that_is_not_empty_is_refused(ws, tmp_path, capsys):
    model = make_model(ws, tmp_path)
    out = tmp_path / "out"
    first = cli_json(ws, capsys, "export", model.id, "--out", str(out))
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    code, stdout, err = cli(ws, capsys, "export", model.id, "--out", str(out))
    assert code == 2 and stdout == ""
    assert "is not empty" in err and "Give --out a new folder" in err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before  # nothing overwritten
    assert [e.id for e in bundles.exports_of(ws, model.id)] == [first["id"]]


@pytest.mark.slow
def test_verify_starts_the_bundles_server_and_reports_identical_predictions(ws, tmp_path, capsys):
    model = make_model(ws, tmp_path, learner="rf")
    data = cli_json(ws, capsys, "export", model.id, "--out", str(tmp_path / "out"), "--verify")
    rows = verify.held_out_rows(ws, model.id)
    assert data["verified"] is True and data["labels_equal"] is True
    assert data["rows"] == len(rows) > 0 and data["max_proba_diff"] <= 1e-9
    assert data["p50_ms"] > 0 and data["rows_per_s"] > 0 and data["image"] is None
    assert data["verification"]["where"] == "process"
    assert bundles.get_export(ws, data["id"]).verification["verified"] is True

    code, out, err = cli(ws, capsys, "export", model.id, "--out", str(tmp_path / "again"), "--verify")
    assert code == 0, err
    assert f"predicts exactly as the app on {len(rows):,} rows" in out


def test_a_failed_verification_prints_the_result_and_exits_2(ws, tmp_path, capsys, monkeypatch):
    model = make_model(ws, tmp_path)

    def differs(ws, export_id, **_):
        result = {"verified": False, "rows": 40, "labels_equal": False, "max_proba_diff": 0.3, "mismatched_rows": 3,
                  "error": None, "where": "process", "mismatches": [{"row": 0}]}
        bundles.record_verification(ws, export_id, result)
        return result

    monkeypatch.setattr(verify, "verify_bundle", differs)
    code, out, err = cli(ws, capsys, "export", model.id, "--out", str(tmp_path / "out"), "--verify", "--json")
    assert code == 2
    data = json.loads(out)  # the payload is printed first, then the error
    assert data["verified"] is False and data["max_proba_diff"] == 0.3 and data["path"] == str(tmp_path / "out")
    error = json.loads(err.strip().splitlines()[-1])
    assert "does not predict as the app" in error["error"] and "3 of 40 rows differ" in error["error"]


def test_build_without_a_docker_engine_says_so_with_the_commands_and_exits_2(ws, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-docker.sock")
    model = make_model(ws, tmp_path)
    code, out, err = cli(ws, capsys, "export", model.id, "--out", str(tmp_path / "out"), "--build", "--json")
    assert code == 2
    data = json.loads(out)
    assert data["image"] is None and Path(data["path"], "Dockerfile").is_file()  # the bundle is written
    error = json.loads(err.strip().splitlines()[-1])
    assert "no Docker engine is reachable" in error["error"] and str(tmp_path / "out") in error["error"]
    assert f"docker build -t {data['tag']} ." in error["hint"] and "docker run" in error["hint"]
    assert bundles.get_export(ws, data["id"]).image_tag is None
