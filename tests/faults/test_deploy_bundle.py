"""Exports that cannot be made say why, and leave no half bundle and no record behind."""

from __future__ import annotations

import io
import json
import os
import pickle
import re
from pathlib import Path

import pytest

from core.deploy import bundle as bundles
from core.errors import ExternalToolFailed, InvalidInput, NotFound
from core.store import activity
from tests.shared import cli
from tests.tiny_models import make_experiment, make_model, store_model_file


def nothing_recorded(ws, model_id: str | None = None) -> bool:
    with ws.read() as db:
        exports = db.execute("SELECT COUNT(*) FROM exports").fetchone()[0]
    events = [e for e in activity.list_events(ws, limit=50) if e.verb == "exported"]
    return exports == 0 and not events


def test_an_unknown_model_is_named_and_nothing_is_written(ws, tmp_path, capsys):
    with pytest.raises(NotFound, match="no model with id 'mdl_missing'"):
        bundles.export_bundle(ws, "mdl_missing", tmp_path / "out")
    assert not (tmp_path / "out").exists() and nothing_recorded(ws)
    code, out, err = cli(ws, capsys, "export", "mdl_missing", "--out", str(tmp_path / "out"))
    assert code == 2 and out == "" and "no model with id 'mdl_missing'" in err
    assert not (tmp_path / "out").exists()


def test_an_old_pickled_model_says_to_migrate_it_first(ws, tmp_path, capsys):
    exp = make_experiment(ws, tmp_path)
    buf = io.BytesIO()
    pickle.dump({"old": "model"}, buf, protocol=4)
    model_id, _ = store_model_file(ws, exp, buf.getvalue())
    with pytest.raises(InvalidInput) as err:
        bundles.export_bundle(ws, model_id, tmp_path / "out")
    assert "old pickle format" in err.value.message and "mlcycle models migrate" in err.value.hint
    assert not (tmp_path / "out").exists() and nothing_recorded(ws)
    code, _, stderr = cli(ws, capsys, "export", model_id, "--out", str(tmp_path / "out"))
    assert code == 2 and "mlcycle models migrate" in stderr


def test_an_out_path_that_is_a_file_is_refused_and_left_alone(ws, tmp_path, capsys):
    model = make_model(ws, tmp_path)
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    with pytest.raises(InvalidInput, match="it is a file, not a folder"):
        bundles.export_bundle(ws, model.id, target)
    with pytest.raises(InvalidInput, match="part of that path is a file"):
        bundles.export_bundle(ws, model.id, target / "bundle")
    assert target.read_text() == "mine" and nothing_recorded(ws)
    code, _, err = cli(ws, capsys, "export", model.id, "--out", str(target))
    assert code == 2 and "is a file" in err


def test_a_folder_that_cannot_be_written_is_refused(ws, tmp_path):
    model = make_model(ws, tmp_path)
    if os.geteuid() == 0:  # root may write anywhere on a normal file system; /sys refuses even root
        if not Path("/sys").is_dir():
            pytest.skip("no /sys to refuse a write")
        target = Path("/sys/mlcycle-bundle")
        with pytest.raises(InvalidInput, match=f"Cannot write the bundle to {target}") as err:
            bundles.export_bundle(ws, model.id, target)
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            with pytest.raises(InvalidInput, match="Permission denied|permission denied") as err:
                bundles.export_bundle(ws, model.id, locked / "bundle")
            with pytest.raises(InvalidInput, match="permission denied"):
                bundles.export_bundle(ws, model.id, locked)  # empty, but not writable
        finally:
            locked.chmod(0o700)
    assert "a folder you may write" in err.value.hint and nothing_recorded(ws)


@pytest.mark.parametrize("existing", [False, True])
def test_wheels_that_cannot_be_downloaded_are_named_and_leave_no_bundle(ws, tmp_path, monkeypatch, existing):
    model = make_model(ws, tmp_path)
    # pip with no index and no local wheels: as on a machine without network
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.delenv("PIP_FIND_LINKS", raising=False)
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)
    out = tmp_path / "out"
    if existing:
        out.mkdir()
    with pytest.raises(ExternalToolFailed) as err:
        bundles.export_bundle(ws, model.id, out, offline=True, zip=True)
    assert "Could not download the wheels for an offline bundle" in err.value.message
    named = re.search(r"no wheel of ([\w.-]+)==([\w.]+) for Linux x86_64, CPython 3\.11", err.value.message)
    assert named, err.value.message  # the requirement pip could not fetch, as pinned
    from core.experiments.service import load_model

    pins = bundles.serving_requirements(load_model(ws, model.id), model.environment)
    pins |= bundles.dependency_pins(pins, "3.11")
    assert pins[named.group(1)] == named.group(2)
    assert "without --offline" in err.value.hint
    assert out.is_dir() == existing and (not existing or not any(out.iterdir()))  # a folder given stays, emptied
    assert not (tmp_path / "out.zip").exists() and nothing_recorded(ws)


def test_a_model_whose_held_out_data_is_gone_still_exports_with_an_empty_sample(ws, tmp_path):
    from core.data import datasets
    from core.experiments.service import get_experiment

    model = make_model(ws, tmp_path)
    version = datasets.get_version(ws, get_experiment(ws, model.experiment_id).test_version_id)
    ws.artifacts.path(version.artifact).unlink()
    export = bundles.export_bundle(ws, model.id, tmp_path / "out")
    root = Path(export.path)
    assert json.loads((root / "sample_request.json").read_text()) == {
        "dataframe_split": {"columns": ["x1", "x2", "plan"], "data": []}}
    assert (root / "model.mlcycle").is_file() and "docker build -t" in (root / "README.md").read_text()
