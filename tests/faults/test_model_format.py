"""Faults of the model file: a loading failure says what is missing or wrong (issue #9, item 14)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from core.errors import InvalidInput
from core.experiments import migrate
from core.modeling import ModelBundle

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "models"


@pytest.fixture(scope="module")
def model_bytes() -> bytes:
    import pandas as pd

    rows = pd.read_parquet(GOLDEN / "lgbm_binary.input.parquet")
    return migrate.migrate_blob((GOLDEN / "lgbm_binary.model").read_bytes(), rows).to_bytes()


def _with(blob: bytes, name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(out, "w") as dst:
        for member in src.namelist():
            dst.writestr(member, data if member == name else src.read(member))
    return out.getvalue()


def test_item14_an_old_pickled_model_says_how_to_migrate_it():
    """Item 14: from_bytes turned every error into "not a readable model"; an old model names the fix."""
    with pytest.raises(InvalidInput, match="old pickle format") as err:
        ModelBundle.from_bytes((GOLDEN / "rf_multiclass.model").read_bytes())
    assert "mlcycle models migrate" in err.value.hint


def test_item14_a_damaged_estimator_names_its_library_and_version(model_bytes):
    """Item 14: a damaged LightGBM model text is named as such, with the version it was saved with."""
    with pytest.raises(InvalidInput, match=r"lightgbm estimator .* does not load.*lightgbm==4\.7\.0"):
        ModelBundle.from_bytes(_with(model_bytes, "estimator.lgbm.txt", b"tree\nnot a model\n"))


def test_item14_a_damaged_or_foreign_metadata_file_says_so(model_bytes):
    """Item 14: broken model.json, a newer format and a missing estimator file each get their own message."""
    with pytest.raises(InvalidInput, match="not valid JSON"):
        ModelBundle.from_bytes(_with(model_bytes, "model.json", b"{broken"))
    meta = json.loads(zipfile.ZipFile(io.BytesIO(model_bytes)).read("model.json"))
    with pytest.raises(InvalidInput, match="mlcycle-model/3"):
        ModelBundle.from_bytes(_with(model_bytes, "model.json", json.dumps({**meta, "format": "mlcycle-model/3"}).encode()))
    with pytest.raises(InvalidInput, match="estimator file .* is missing"):
        meta["estimator"]["file"] = "elsewhere.txt"
        ModelBundle.from_bytes(_with(model_bytes, "model.json", json.dumps(meta).encode()))
    with pytest.raises(InvalidInput, match="not an MLCycle model"):
        ModelBundle.from_bytes(b"\x00\x01 random bytes")
