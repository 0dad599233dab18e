"""The bundle's model server (core.deploy.serving): MLflow's scoring protocol, exact predictions, its endpoints.

Every learner is fitted once per task it supports on a small frame with a numeric column with gaps
(``monthly fee``), a categorical column with gaps (``plan``), a boolean column with gaps (``active``),
a datetime column with times of day and a gap (``when``) and the column the target depends on
(``signal``). The server's NumPy fast path must give exactly the probabilities, labels and values of
``ModelBundle.predict_proba``/``predict`` on a DataFrame of the same rows, for every learner (tree
models take the fast path, the others the DataFrame path), for one row, a few and many, with unseen
and missing categories. The app is driven with FastAPI's TestClient; one test starts ``python -m
server`` from a directory laid out like a bundle and queries it over HTTP on 127.0.0.1.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.errors import InvalidInput
from core.experiments.learners import LEARNERS
from core.experiments.search import refit_config
from tests.tiny_models import EVERY_LEARNER, ModelZoo

pytestmark = pytest.mark.slow  # fits a model of every learner

REPO = Path(__file__).resolve().parents[2]
TASKS = ("binary", "multiclass", "regression")
TARGET = "y"
COLUMNS = ["monthly fee", "plan", "active", "when", "signal"]
CONFIGS = EVERY_LEARNER
FAST = {"lgbm", "xgboost", "xgb_limitdepth", "rf", "extra_tree", "histgb"}
CASES = [(task, name) for task in TASKS for name, learner in LEARNERS.items()
         if learner.supports(task) and learner.installed()]


def make_frame(task: str, n: int = 240, seed: int = 0) -> pd.DataFrame:
    """Raw rows whose target depends on ``signal`` (strongly), ``plan`` and ``active`` (a little)."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=n)
    fee = rng.normal(50, 10, size=n)
    fee[::7] = np.nan
    plan = rng.choice(["basic", "pro", "max"], size=n).astype(object)
    plan[::11] = None
    active = rng.choice([True, False], size=n).astype(object)
    active[::13] = None
    when = pd.Series(pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 400 * 24, size=n), unit="h"))
    when[::17] = pd.NaT
    score = 3 * z + 0.4 * (plan == "max") + 0.3 * (active == True) + rng.normal(scale=0.3, size=n)  # noqa: E712
    if task == "binary":
        y = np.where(score > 0, "yes", "no")
    elif task == "multiclass":
        y = np.select([score < -1, score < 1], ["low", "mid"], "high")
    else:
        y = 10 * score
    return pd.DataFrame({"monthly fee": fee, "plan": plan, "active": active, "when": when,
                         "signal": z * 50_000, TARGET: y})


def request_rows(task: str, n: int = 300) -> pd.DataFrame:
    """Rows to predict (another seed), with an unseen category and gaps in every column."""
    rows = make_frame(task, n=max(n, 6), seed=1).drop(columns=TARGET)
    rows.loc[3, "plan"] = "enterprise"  # never seen in training: read as __other__
    rows.loc[4, ["monthly fee", "plan", "active", "when"]] = [np.nan, None, None, pd.NaT]
    rows.loc[5, "plan"] = "  pro "  # stripped, as the preprocessor reads text
    return rows.head(n)


def json_value(v):
    """A cell as a client sends it in JSON: null for gaps, ISO 8601 text for dates."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if isinstance(v, np.generic):
        return v.item()
    return v


def to_columns(rows: pd.DataFrame) -> dict[str, list]:
    """``{column: [JSON values]}`` after a real JSON round trip."""
    columns = {c: [json_value(v) for v in rows[c].astype(object).tolist()] for c in rows.columns}
    return json.loads(json.dumps(columns))


def split_body(rows: pd.DataFrame, **extra) -> dict:
    columns = to_columns(rows)
    data = [list(r) for r in zip(*columns.values(), strict=True)]
    return {"dataframe_split": {"columns": list(columns), "data": data}, **extra}


@pytest.fixture(scope="module")
def zoo() -> ModelZoo:
    return ModelZoo(make_frame, TARGET, TASKS)


def write_bundle(path: Path, bundle, model_id: str = "mdl_test") -> Path:
    """The model files of a bundle directory: model.mlcycle, metadata.json, schema.json."""
    from core.deploy.serving import input_json_schema

    path.mkdir(parents=True, exist_ok=True)
    (path / "model.mlcycle").write_bytes(bundle.to_bytes())
    (path / "metadata.json").write_text(json.dumps({
        "model_id": model_id, "learner": bundle.learner, "task": bundle.task, "target": bundle.target,
        "classes": bundle.classes, "data_sha256": "ab" * 32, "metrics": {"accuracy": {"value": 0.9}},
        "lineage": [{"kind": "dataset_version", "id": "ver_1"}]}))
    (path / "schema.json").write_text(json.dumps(input_json_schema(bundle)))
    return path


def client_for(path: Path):
    from fastapi.testclient import TestClient

    from core.deploy.serving import create_app

    return TestClient(create_app(path))


def expected(bundle, rows: pd.DataFrame) -> dict:
    """What the server must answer for ``rows``: the model's own predictions, as JSON."""
    if not bundle.is_classifier:
        return {"predictions": bundle.predict(rows).tolist()}
    return {"predictions": bundle.predict(rows).tolist(), "probabilities": bundle.predict_proba(rows).tolist(),
            "classes": bundle.classes}


# ---------------------------------------------------------------- the fast path: exactly the model's answers

@pytest.mark.parametrize(("task", "learner"), CASES)
def test_every_learner_answers_exactly_as_the_model_does_for_one_row_a_few_and_many(zoo, task, learner):
    from core.deploy.serving._predict import ROW_BY_ROW, Predictor

    bundle = zoo.bundle(task, learner)
    predictor = Predictor(bundle, threads=2 if task == "multiclass" else 1)
    assert predictor.path == ("numpy" if learner in FAST else "dataframe")
    rows = request_rows(task)
    columns = to_columns(rows)
    for start, n in ((0, len(rows)), (0, ROW_BY_ROW), (3, 1), (4, 1), (5, 3), (0, ROW_BY_ROW + 1)):
        part = rows.iloc[start:start + n]
        got = predictor.predict({c: v[start:start + n] for c, v in columns.items()}, n)
        assert got.fast == (learner in FAST)
        if bundle.is_classifier:
            assert np.array_equal(got.probabilities, bundle.predict_proba(part)), (start, n)
            assert got.predictions == bundle.predict(part).tolist()
        else:
            assert got.probabilities is None
            assert np.array_equal(np.asarray(got.predictions), bundle.predict(part)), (start, n)


@pytest.mark.parametrize("learner", sorted(FAST))
def test_values_the_fast_path_is_not_sure_of_are_read_by_the_model_itself_with_the_same_answers(zoo, learner):
    from core.deploy.serving._predict import Predictor

    bundle = zoo.bundle("binary", learner)
    predictor = Predictor(bundle)
    odd = {  # column -> values, whether the NumPy path still makes the matrix
        "monthly fee": (["42.5", 2 ** 60, "", "1e3"], False),  # text and huge integers: the DataFrame path
        "plan": ([2 ** 60, 1.0, "max", None], False),
        "active": (["yes", "NO", 1, 0.0], True),  # true/false words and 1/0 are read as the model reads them
        "when": (["03/05/2024", "2024-05-03T10:00:00.123456789", "2024-05-03 10:00", None], True),  # pandas parses
    }
    for name, (values, fast) in odd.items():
        for n in (4, 12):  # value by value, and column by column
            columns = to_columns(request_rows("binary").head(n))
            columns[name] = (values * 3)[:n]
            got = predictor.predict(columns, n)
            assert got.fast == fast, name
            frame = pd.DataFrame(columns)
            assert np.array_equal(got.probabilities, bundle.predict_proba(frame)), name
            assert got.predictions == bundle.predict(frame).tolist()
    columns = to_columns(request_rows("binary").head(3))
    columns["active"] = ["yes", 2 ** 60, None]
    with pytest.raises(InvalidInput, match="Column 'active' must hold true/false values; row 1 has"):
        predictor.predict(columns, 3)


def test_iso_dates_give_the_preprocessors_own_datetime_parts_to_the_last_bit():
    from core.deploy.serving._predict import _ISO_PLAIN, _iso_parts, _iso_when, _part
    from core.modeling.preprocessing import _datetime_parts, _to_datetime

    rng = np.random.default_rng(0)
    values = []
    for _ in range(2000):
        text = f"{rng.integers(1700, 2250)}-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}"
        if rng.random() < 0.7:
            text += f"{'T' if rng.random() < 0.5 else ' '}{rng.integers(0, 24):02d}:{rng.integers(0, 60):02d}"
            if rng.random() < 0.6:
                text += f":{rng.integers(0, 60):02d}"
                if rng.random() < 0.5:
                    text += "." + str(rng.integers(0, 10 ** 6)).zfill(6)[:rng.integers(1, 7)]
            text += ["", "Z", "+02:00", "-05:30", "+14:00"][rng.integers(0, 5)]
        values.append(text)
    values += [None, "", " 2024-01-31 ", float("nan")]
    parts = ["month", "dayofweek", "hour", "days"]
    plain = [v for v in values if not (isinstance(v, str) and re.search(r"(Z|[+-]\d\d:\d\d)$", v))]
    assert all(_ISO_PLAIN.fullmatch(v.strip()) for v in plain if v and isinstance(v, str)) and len(plain) > 800
    for texts in (values, plain):  # with zones (read one by one), without (read by numpy all at once)
        columns, gaps = _iso_parts(texts, parts)
        when = _to_datetime(pd.Series(texts, dtype=object), "when")
        frame = _datetime_parts(when, parts)
        for part, got in zip(parts, columns, strict=True):
            assert np.array_equal(got, frame[part].to_numpy(dtype=float), equal_nan=True), part
        assert np.array_equal(gaps, when.isna().to_numpy())
    # one value at a time (the row path) gives the same parts
    when = _to_datetime(pd.Series(values, dtype=object), "when")
    frame = _datetime_parts(when, parts)
    for i in range(0, len(values) - 4, 7):
        assert [_part(_iso_when(values[i]), p) for p in parts] == [float(frame[p].iloc[i]) for p in parts]


# ---------------------------------------------------------------- the app: every input format

@pytest.fixture(scope="module")
def served(zoo, tmp_path_factory):
    """A TestClient of the binary LightGBM model's bundle, and the model."""
    bundle = zoo.bundle("binary", "lgbm")
    path = write_bundle(tmp_path_factory.mktemp("bundle"), bundle)
    with client_for(path) as client:
        yield client, bundle


def formats(rows: pd.DataFrame) -> dict[str, tuple[str, bytes]]:
    """The same rows in every format the server reads: name -> (content type, body)."""
    columns = to_columns(rows)
    names = list(columns)
    records = [dict(zip(names, r, strict=True)) for r in zip(*columns.values(), strict=True)]
    lists = [list(r) for r in zip(*columns.values(), strict=True)]
    shuffled = names[::-1]
    bodies = {
        "dataframe_split": split_body(rows),
        "dataframe_split, columns in another order, an index and params": {
            "dataframe_split": {"columns": shuffled, "index": list(range(10, 10 + len(rows))),
                                "data": [[r[c] for c in shuffled] for r in records]},
            "params": {"ignored": True}},
        "dataframe_split without columns": {"dataframe_split": {"data": lists}},
        "dataframe_records with an extra column": {"dataframe_records": [{**r, "customer": "C1"} for r in records]},
        "instances as records": {"instances": records},
        "instances as lists": {"instances": lists},
        "instances as columns": {"instances": columns},
        "inputs as columns": {"inputs": columns},
        "inputs as records": {"inputs": records},
        "inputs as lists": {"inputs": lists},
    }
    out = {name: ("application/json", json.dumps(body).encode()) for name, body in bodies.items()}
    out["text/csv"] = ("text/csv", rows.to_csv(index=False).encode())
    out["application/json; charset=utf-8"] = ("application/json; charset=utf-8", out["dataframe_split"][1])
    return out


def test_every_input_format_gets_the_models_own_predictions(served):
    client, bundle = served
    rows = request_rows("binary", n=40)
    want = expected(bundle, rows)
    for name, (kind, body) in formats(rows).items():
        response = client.post("/invocations", content=body, headers={"Content-Type": kind})
        assert response.status_code == 200, (name, response.text)
        assert response.headers["content-type"] == "application/json"
        got = response.json()
        assert got["predictions"] == want["predictions"], name
        assert got["classes"] == ["no", "yes"]
        assert np.array_equal(np.array(got["probabilities"]), np.array(want["probabilities"])), name


def test_one_row_given_as_an_object_of_values(served):
    client, bundle = served
    rows = request_rows("binary", n=1)
    one = {c: v[0] for c, v in to_columns(rows).items()}
    got = client.post("/invocations", json={"inputs": one}).json()
    assert got == expected(bundle, rows)


@pytest.mark.parametrize(("task", "learner"), [("regression", "lgbm"), ("multiclass", "rf"), ("binary", "lrl2"),
                                               ("regression", "ridge")])
def test_regressors_answer_numbers_and_classifiers_labels_with_probabilities(zoo, tmp_path, task, learner):
    bundle = zoo.bundle(task, learner)
    rows = request_rows(task, n=25)
    with client_for(write_bundle(tmp_path / "b", bundle)) as client:
        got = client.post("/invocations", json=split_body(rows)).json()
    want = expected(bundle, rows)
    assert got == want  # exactly: JSON floats round-trip
    if task == "regression":
        assert set(got) == {"predictions"} and all(isinstance(v, float) for v in got["predictions"])
    else:
        assert len(got["probabilities"][0]) == len(got["classes"]) == len(bundle.classes)


def test_labels_keep_their_type(tmp_path):
    frame = make_frame("binary")
    frame[TARGET] = (frame[TARGET] == "yes").astype(int)  # classes 0 and 1, as integers
    bundle = refit_config(frame, TARGET, "binary", "lgbm", CONFIGS["lgbm"], 0, n_jobs=1)
    rows = request_rows("binary", n=10)
    with client_for(write_bundle(tmp_path / "b", bundle)) as client:
        got = client.post("/invocations", json=split_body(rows)).json()
    assert got["classes"] == [0, 1]
    assert {type(v) for v in got["predictions"]} == {int}
    assert got["predictions"] == bundle.predict(rows).tolist()


# ---------------------------------------------------------------- the other endpoints

def test_ping_health_version_schema_and_metadata(served, zoo):
    client, bundle = served
    ping = client.get("/ping")
    assert ping.status_code == 200 and ping.content == b""
    assert client.get("/health").json() == {"status": "ok", "model_id": "mdl_test"}
    version = client.get("/version").json()
    assert version["model_id"] == "mdl_test" and version["mlcycle_format"] == "mlcycle-model/2"
    assert version["server"].startswith("mlcycle-server/")
    assert version["python"] == ".".join(map(str, sys.version_info[:3]))
    assert version["versions"]["lightgbm"] == version["trained_with"]["lightgbm"]
    assert version["predict_path"] == "numpy" and version["threads"] == 1
    schema = client.get("/schema").json()
    assert schema["x-mlcycle-input-columns"] == schema["required"] == COLUMNS
    assert schema["properties"]["when"]["format"] == "date-time"
    assert schema["properties"]["monthly fee"]["type"] == ["number", "null"]
    meta = client.get("/metadata").json()
    assert meta["model_id"] == "mdl_test" and meta["metrics"]["accuracy"]["value"] == 0.9


def test_a_bundle_without_metadata_and_schema_files_describes_the_model_itself(zoo, tmp_path):
    bundle = zoo.bundle("multiclass", "xgboost")
    path = write_bundle(tmp_path / "b", bundle)
    (path / "metadata.json").unlink()
    (path / "schema.json").unlink()
    with client_for(path) as client:
        meta = client.get("/metadata").json()
        schema = client.get("/schema").json()
        assert client.get("/health").json() == {"status": "ok", "model_id": ""}
    assert meta["learner"] == "xgboost" and meta["classes"] == ["high", "low", "mid"]
    assert schema["required"] == COLUMNS
    assert set(schema["properties"]["plan"]["examples"]) == {"basic", "pro", "max"}


def parse_metrics(text: str) -> dict[str, float]:
    """Prometheus text -> {'name{labels}': value}; every line is a comment or `name{labels} number`."""
    out = {}
    for line in text.splitlines():
        if line.startswith("#"):
            assert line.startswith(("# HELP ", "# TYPE ")), line
            continue
        key, value = line.rsplit(" ", 1)
        out[key] = float(value)
    return out


def test_metrics_count_requests_errors_rows_and_latency(zoo, tmp_path):
    bundle = zoo.bundle("binary", "lgbm")
    rows = request_rows("binary", n=7)
    with client_for(write_bundle(tmp_path / "b", bundle)) as client:
        for _ in range(3):
            assert client.post("/invocations", json=split_body(rows)).status_code == 200
        assert client.post("/invocations", content=b"{", headers={"Content-Type": "application/json"}).status_code == 400
        assert client.post("/invocations", json={"inputs": {"signal": [1]}}).status_code == 422
        assert client.get("/nowhere").status_code == 404
        client.get("/ping")
        response = client.get("/metrics")
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    m = parse_metrics(response.text)
    assert m['mlcycle_requests_total{endpoint="/invocations",status="200"}'] == 3
    assert m['mlcycle_requests_total{endpoint="/invocations",status="400"}'] == 1
    assert m['mlcycle_requests_total{endpoint="/invocations",status="422"}'] == 1
    assert m['mlcycle_requests_total{endpoint="other",status="404"}'] == 1
    assert m['mlcycle_requests_total{endpoint="/ping",status="200"}'] == 1
    assert m['mlcycle_request_errors_total{endpoint="/invocations",error_code="BAD_REQUEST"}'] == 1
    assert m['mlcycle_request_errors_total{endpoint="/invocations",error_code="INVALID_PARAMETER_VALUE"}'] == 1
    assert m['mlcycle_rows_predicted_total{path="numpy"}'] == 21
    assert m['mlcycle_rows_predicted_total{path="dataframe"}'] == 0
    assert m['mlcycle_request_duration_seconds_count{endpoint="/invocations"}'] == 5
    assert m['mlcycle_request_duration_seconds_bucket{endpoint="/invocations",le="+Inf"}'] == 5
    buckets = [v for k, v in m.items() if k.startswith('mlcycle_request_duration_seconds_bucket{endpoint="/invocations"')]
    assert buckets == sorted(buckets)  # cumulative
    assert m['mlcycle_request_duration_seconds_sum{endpoint="/invocations"}'] > 0
    assert m['mlcycle_model_info{model_id="mdl_test",learner="lgbm",task="binary"}'] == 1
    assert m["mlcycle_request_log_errors_total"] == 0


# ---------------------------------------------------------------- the request log

def test_the_request_log_holds_each_requests_rows_predictions_and_time(zoo, tmp_path, monkeypatch):
    bundle = zoo.bundle("binary", "lgbm")
    monkeypatch.setenv("MLCYCLE_LOG_DIR", str(tmp_path / "log"))
    rows = request_rows("binary", n=3)
    with client_for(write_bundle(tmp_path / "b", bundle)) as client:
        first = client.post("/invocations", json=split_body(rows)).json()
        client.post("/invocations", json={"inputs": {c: v[0] for c, v in to_columns(rows).items()}})
        client.post("/invocations", content=b"{", headers={"Content-Type": "application/json"})  # not logged
    (log,) = (tmp_path / "log").iterdir()
    assert log.name.startswith("requests-") and log.suffix == ".jsonl"
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(lines) == 2
    entry = lines[0]
    assert entry["model_id"] == "mdl_test" and entry["n_rows"] == 3
    assert entry["rows"] == [dict(zip(COLUMNS, r, strict=True)) for r in split_body(rows)["dataframe_split"]["data"]]
    assert entry["predictions"] == first["predictions"]
    assert entry["probabilities"] == first["probabilities"] and entry["classes"] == ["no", "yes"]
    assert entry["time"].endswith("Z") and pd.Timestamp(entry["time"]) <= pd.Timestamp.now(tz="UTC")
    assert entry["latency_ms"] >= 0
    assert lines[1]["n_rows"] == 1


def test_a_log_that_cannot_be_written_never_fails_a_request(zoo, tmp_path, monkeypatch, capfd):
    bundle = zoo.bundle("binary", "lgbm")
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the log directory should be")
    monkeypatch.setenv("MLCYCLE_LOG_DIR", str(blocker))
    rows = request_rows("binary", n=2)
    with client_for(write_bundle(tmp_path / "b", bundle)) as client:
        for _ in range(2):
            response = client.post("/invocations", json=split_body(rows))
            assert response.status_code == 200 and response.json() == expected(bundle, rows)
        m = parse_metrics(client.get("/metrics").text)
    assert m["mlcycle_request_log_errors_total"] == 2
    assert "cannot write the request log" in capfd.readouterr().err  # said once on stderr


def test_nan_and_infinity_are_written_to_the_log_as_null(tmp_path):
    from core.deploy.serving._log import RequestLog

    log = RequestLog(tmp_path, "mdl_1")
    assert log.write([{"x": float("nan"), "y": float("inf"), "z": "a"}], [1.5], None, None, 0.5)
    log.close()
    (entry,) = [json.loads(line) for line in next(tmp_path.iterdir()).read_text().splitlines()]
    assert entry["rows"] == [{"x": None, "y": None, "z": "a"}] and "probabilities" not in entry


# ---------------------------------------------------------------- finding and loading the bundle

def test_the_bundle_is_found_by_argument_environment_or_next_to_the_package(tmp_path, monkeypatch):
    from core.deploy import serving

    monkeypatch.delenv("MLCYCLE_BUNDLE_DIR", raising=False)
    assert serving.locate_bundle() == Path(serving.__file__).resolve().parent.parent
    monkeypatch.setenv("MLCYCLE_BUNDLE_DIR", str(tmp_path))
    assert serving.locate_bundle() == tmp_path
    assert serving.locate_bundle(tmp_path / "x") == tmp_path / "x"
    with pytest.raises(InvalidInput, match="There is no model.mlcycle in") as err:
        serving.create_app()
    assert "MLCYCLE_BUNDLE_DIR" in err.value.hint


@pytest.mark.parametrize("setting", ["MLCYCLE_MAX_BODY_BYTES", "MLCYCLE_THREADS"])
@pytest.mark.parametrize("value", ["0", "-5", "lots"])
def test_a_bad_setting_is_refused_by_name(zoo, tmp_path, monkeypatch, setting, value):
    from core.deploy.serving import create_app

    path = write_bundle(tmp_path / "b", zoo.bundle("binary", "lgbm"))
    monkeypatch.setenv(setting, value)
    with pytest.raises(InvalidInput, match=f"{setting} must be a positive whole number") as err:
        create_app(path)
    assert f"'{value}'" in str(err.value)


def lay_out_bundle(path: Path, bundle) -> Path:
    """A directory laid out like an exported bundle: core/ (errors, modeling), server/, the model files."""
    ignore = shutil.ignore_patterns("__pycache__")
    (path / "core").mkdir(parents=True)
    (path / "core" / "__init__.py").write_text('"""The model format of an MLCycle model bundle."""\n')
    shutil.copy2(REPO / "core" / "errors.py", path / "core" / "errors.py")
    shutil.copytree(REPO / "core" / "modeling", path / "core" / "modeling", ignore=ignore)
    shutil.copytree(REPO / "core" / "deploy" / "serving", path / "server", ignore=ignore)
    return write_bundle(path, bundle)


def bundle_env(**extra: str) -> dict[str, str]:
    """The environment of a bundle's server: this one without PYTHONPATH (it must import the bundle's code)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MLCYCLE_BUNDLE_DIR", "MLCYCLE_LOG_DIR",
                                                             "MLCYCLE_MAX_BODY_BYTES", "MLCYCLE_THREADS")}
    return {**env, **extra}


BLOCKED = ["streamlit", "shap", "flaml", "sqlite_utils", "ray", "pyarrow", "plotly", "docker", "optuna",
           "core.store", "core.experiments", "core.data", "core.jobs", "core.define", "core.evaluation",
           "core.explain", "core.cli", "core.workspace", "core.deploy"]


def test_the_server_package_runs_with_nothing_but_the_bundle_and_serving_libraries(zoo, tmp_path):
    bundle = zoo.bundle("binary", "lgbm")
    path = lay_out_bundle(tmp_path / "bundle", bundle)
    rows = request_rows("binary", n=5)
    script = f"""
import json, sys
for name in {BLOCKED!r}:
    sys.modules[name] = None  # importing any of these now fails
import server
from starlette.testclient import TestClient
with TestClient(server.create_app()) as client:
    answer = client.post("/invocations", json=json.loads(sys.stdin.read())).json()
import core, core.modeling
print(json.dumps({{"answer": answer, "core": core.__file__, "modeling": core.modeling.__file__,
                   "server": server.__file__}}))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=path, env=bundle_env(), input=json.dumps(split_body(rows)),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["answer"] == expected(bundle, rows)
    for key in ("core", "modeling", "server"):
        assert Path(out[key]).resolve().is_relative_to(path.resolve()), out[key]  # the bundle's copies


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method: str, url: str, body: bytes | None = None, kind: str = "application/json") -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": kind} if body else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_python_m_server_in_a_bundle_directory_serves_the_model_on_127_0_0_1(zoo, tmp_path):
    bundle = zoo.bundle("multiclass", "lgbm")
    path = lay_out_bundle(tmp_path / "bundle", bundle)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "server"], cwd=path, stdout=log, stderr=subprocess.STDOUT,
                            env=bundle_env(HOST="127.0.0.1", PORT=str(port)), start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if http("GET", f"{base}/ping")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not answer /ping"
            time.sleep(0.2)
        rows = request_rows("multiclass", n=30)
        status, body = http("POST", f"{base}/invocations", json.dumps(split_body(rows)).encode())
        assert status == 200 and json.loads(body) == expected(bundle, rows)
        status, body = http("POST", f"{base}/invocations", rows.to_csv(index=False).encode(), "text/csv")
        assert status == 200 and json.loads(body)["predictions"] == bundle.predict(rows).tolist()
        status, body = http("POST", f"{base}/invocations", b"not json")
        assert status == 400 and json.loads(body)["error_code"] == "BAD_REQUEST"
        assert json.loads(http("GET", f"{base}/health")[1]) == {"status": "ok", "model_id": "mdl_test"}
        metrics = parse_metrics(http("GET", f"{base}/metrics")[1].decode())
        assert metrics['mlcycle_rows_predicted_total{path="numpy"}'] == 60
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(15)
        log.close()
    assert "Uvicorn running on http://127.0.0.1" in (tmp_path / "server.log").read_text()
