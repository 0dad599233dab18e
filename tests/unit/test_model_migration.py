"""The pickle-free model format, and the one-time migration of models saved as pickles before it.

The golden files in tests/fixtures/models were written by the code of commit af0dbf3 (joblib
pickles, format mlcycle-model/1); each must migrate and predict exactly what it predicted then.
"""

from __future__ import annotations

import io
import json
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.errors import InvalidInput
from core.experiments import migrate
from core.modeling import FORMAT, ModelBundle
from tests.conftest import make_project
from tests.tiny_models import store_model_file

REPO_ROOT = Path(__file__).resolve().parents[2]
GOLDEN = REPO_ROOT / "tests" / "fixtures" / "models"
NAMES = sorted(p.stem for p in GOLDEN.glob("*.model"))


def golden(name: str) -> tuple[bytes, pd.DataFrame, dict]:
    return ((GOLDEN / f"{name}.model").read_bytes(), pd.read_parquet(GOLDEN / f"{name}.input.parquet"),
            json.loads((GOLDEN / f"{name}.expected.json").read_text()))


@pytest.fixture(scope="module")
def migrated() -> dict[str, bytes]:
    """Every golden model, migrated and written in the new format."""
    out = {}
    for name in NAMES:
        blob, rows, _ = golden(name)
        out[name] = migrate.migrate_blob(blob, rows).to_bytes()
    return out


def test_golden_files_cover_every_learner_family_and_a_mixed_frame():
    families = {name: golden(name)[0] for name in NAMES}
    assert len(families) >= 14
    rows = golden("lgbm_churn_mixed")[1]
    assert pd.api.types.is_datetime64_any_dtype(rows["signup_date"])
    assert rows["region"].isna().any() and rows["tenure_months"].isna().any()


@pytest.mark.parametrize("name", NAMES)
def test_golden_model_migrates_and_predicts_exactly_as_before(name, migrated):
    _, rows, expected = golden(name)
    bundle = ModelBundle.from_bytes(migrated[name])
    assert bundle.predict(rows).tolist() == expected["predict"]
    if "predict_proba" in expected:
        # migrate_blob refuses a model whose probabilities differ in any bit from the old pickle's on
        # this machine; the stored ones were computed on another CPU, where the last bit of an SVM's
        # decision function can round differently
        np.testing.assert_allclose(bundle.predict_proba(rows), np.array(expected["predict_proba"]), rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_a_model_file_holds_json_and_the_estimators_own_format_and_no_pickle(name, migrated):
    with zipfile.ZipFile(io.BytesIO(migrated[name])) as zf:
        meta = json.loads(zf.read("model.json"))
        assert meta["format"] == FORMAT == "mlcycle-model/2"
        assert {"task", "target", "classes", "learner", "config", "preprocessor", "input_schema"} <= set(meta)
        members = {n: zf.read(n) for n in zf.namelist()}
    assert set(members) == {"model.json", meta["estimator"]["file"]}
    est = members[meta["estimator"]["file"]]
    if meta["estimator"]["family"] == "lightgbm":
        assert est.startswith(b"tree\n")
    elif meta["estimator"]["family"] == "sklearn":  # skops: a zip of JSON and .npy arrays
        with zipfile.ZipFile(io.BytesIO(est)) as inner:
            for member in inner.namelist():
                data = inner.read(member)
                assert member.endswith((".json", ".npy")), member
                if member.endswith(".npy"):  # plain arrays: an array of objects would be pickled, and is refused
                    np.load(io.BytesIO(data), allow_pickle=False)
                else:  # (searching the arrays' bytes for pickle opcodes would hit tree values by chance)
                    json.loads(data)
    else:
        assert est[:1] == b"{"  # UBJSON object


def test_the_same_model_always_writes_the_same_bytes(migrated):
    blob = migrated["lgbm_churn_mixed"]
    assert ModelBundle.from_bytes(blob).to_bytes() == blob


@pytest.mark.slow  # a subprocess, or a refit
def test_a_model_loads_with_only_what_predicting_needs(migrated, tmp_path):
    for name, blob in migrated.items():
        (tmp_path / f"{name}.mlmodel").write_bytes(blob)
    code = (
        "import sys\n"
        "for banned in ('flaml', 'sqlite_utils', 'streamlit', 'ray', 'shap', 'core.workspace', 'core.store',\n"
        "               'core.experiments', 'core.data'):\n"
        "    sys.modules[banned] = None\n"
        "from pathlib import Path\n"
        "import pandas as pd\n"
        "from core.modeling import ModelBundle\n"
        f"for f in sorted(Path({str(tmp_path)!r}).glob('*.mlmodel')):\n"
        f"    rows = pd.read_parquet(Path({str(GOLDEN)!r}) / (f.stem + '.input.parquet'))\n"
        "    print(f.stem, len(ModelBundle.from_bytes(f.read_bytes()).predict(rows)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.splitlines()) == len(migrated)


def test_an_old_pickled_model_is_refused_with_the_way_to_migrate():
    with pytest.raises(InvalidInput, match="old pickle format") as err:
        ModelBundle.from_bytes(golden("lgbm_binary")[0])
    assert "mlcycle models migrate" in err.value.hint


def test_garbage_and_damaged_files_say_what_is_wrong(migrated):
    with pytest.raises(InvalidInput, match="not an MLCycle model"):
        ModelBundle.from_bytes(b"PK not really a zip")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("model.json", json.dumps({"format": "mlcycle-model/9"}))
    with pytest.raises(InvalidInput, match="mlcycle-model/9"):
        ModelBundle.from_bytes(buf.getvalue())


def _replace_member(blob: bytes, name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(out, "w") as dst:
        for member in src.namelist():
            dst.writestr(member, data if member == name else src.read(member))
    return out.getvalue()


def test_a_scikit_learn_estimator_with_an_untrusted_type_is_refused(migrated):
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    hostile = sio.dumps(FunctionTransformer(func=np.exp))
    blob = _replace_member(migrated["rf_multiclass"], "estimator.skops", hostile)
    with pytest.raises(InvalidInput, match="does not trust.*FunctionTransformer"):
        ModelBundle.from_bytes(blob)


@pytest.mark.slow  # a subprocess, or a refit
def test_a_missing_library_names_the_version_the_model_needs(migrated, tmp_path):
    path = tmp_path / "m.mlmodel"
    path.write_bytes(migrated["lgbm_binary"])
    code = ("import sys; sys.modules['lightgbm'] = None\n"
            "from core.modeling import ModelBundle\n"
            f"ModelBundle.from_bytes(open({str(path)!r}, 'rb').read())\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True)
    assert out.returncode != 0
    assert "needs the package 'lightgbm'" in out.stderr and "lightgbm==4.7.0" in out.stderr


class _Evil:
    def __reduce__(self):
        import os

        return (os.system, ("touch EVIL_MARKER",))


def test_the_migration_never_runs_code_outside_what_a_model_is_made_of(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    import joblib

    buf = io.BytesIO()
    joblib.dump({"format": "mlcycle-model/1", "bundle": _Evil()}, buf, compress=3)
    with pytest.raises(InvalidInput, match="outside what a model is made of"):
        migrate.load_legacy_model(buf.getvalue())
    raw = pickle.dumps({"format": "mlcycle-model/1", "bundle": _Evil()})
    with pytest.raises(InvalidInput, match="outside what a model is made of"):
        migrate.load_legacy_model(raw)
    assert not (tmp_path / "EVIL_MARKER").exists()


def _workspace_with_old_model(ws, samples, name: str = "lgbm_binary"):
    """A workspace as it was before the format change: an experiment whose model is a pickle."""
    from core.data import datasets
    from core.experiments import service
    from core.experiments.search import SearchConfig
    project = make_project(ws)
    added = datasets.add_dataset(ws, samples / "breast_cancer.csv", name="cancer", project_id=project.id)
    exp = service.create_experiment(ws, added.version.id, SearchConfig(target="diagnosis", time_budget=5),
                                    project_id=project.id, start_worker=False)
    model_id, sha = store_model_file(ws, exp, golden(name)[0])
    return exp, model_id, sha


def test_workspace_migration_keeps_ids_checks_predictions_and_is_logged(ws, samples):
    from core.data import datasets
    from core.experiments import service
    from core.store import activity

    exp, model_id, old_sha = _workspace_with_old_model(ws, samples)
    with pytest.raises(InvalidInput, match="mlcycle models migrate"):
        service.load_model(ws, model_id)
    dry = migrate.migrate_models(ws, dry_run=True)
    assert [(m.model_id, m.status) for m in dry.models] == [(model_id, "would_migrate")]
    assert service.get_model(ws, model_id).artifact == old_sha

    report = migrate.migrate_models(ws)
    assert [(m.model_id, m.status) for m in report.models] == [(model_id, "migrated")]
    model = service.get_model(ws, model_id)
    assert model.artifact != old_sha and ws.artifacts.exists(old_sha)  # the old file is kept until GC
    test_rows = datasets.load_frame(ws, exp.test_version_id)
    legacy = migrate.load_legacy_model(golden("lgbm_binary")[0])
    np.testing.assert_array_equal(service.load_model(ws, model_id).predict_proba(test_rows), legacy.outputs(test_rows))
    assert report.models[0].n_rows_checked == len(test_rows)
    assert "identical" in (ws.logs_dir / "migrations.log").read_text()
    assert any(e.verb == "migrated" for e in activity.list_events(ws, limit=20))
    assert migrate.migrate_models(ws).models == []  # once


@pytest.mark.slow  # a subprocess, or a refit
def test_a_model_that_cannot_be_migrated_is_left_as_it_was_and_the_cli_says_so(ws, samples):
    from core.experiments import service

    _, model_id, _ = _workspace_with_old_model(ws, samples)
    buf = io.BytesIO()
    import joblib

    joblib.dump({"format": "mlcycle-model/1", "bundle": _Evil()}, buf, compress=3)
    sha = ws.artifacts.put_bytes(buf.getvalue())
    with ws.write() as db:
        db["models"].update(model_id, {"artifact": sha})
    out = subprocess.run([sys.executable, "-m", "core.cli", "--workspace", str(ws.root), "models", "migrate"],
                         cwd=REPO_ROOT, capture_output=True, text=True)
    assert out.returncode == 2, out.stderr
    assert "could not be migrated" in out.stderr and model_id in out.stderr
    assert service.get_model(ws, model_id).artifact == sha


@pytest.mark.slow  # a subprocess, or a refit
def test_reproducing_a_model_refits_with_its_recorded_threads_not_this_machines(ws, samples, monkeypatch):
    import os

    from core.experiments import reproduce, search, service

    _, model_id, _ = _workspace_with_old_model(ws, samples)
    migrate.migrate_models(ws)
    recorded = service.load_model(ws, model_id).n_jobs
    seen = {}
    real = search.refit_config

    def spy(*args, **kwargs):
        seen["n_jobs"] = kwargs.get("n_jobs")
        return real(*args, **kwargs)

    monkeypatch.setattr(os, "cpu_count", lambda: recorded + 7)  # "another machine"
    monkeypatch.setattr(search, "refit_config", spy)
    reproduce.reproduce_model(ws, model_id)
    assert seen["n_jobs"] == recorded
