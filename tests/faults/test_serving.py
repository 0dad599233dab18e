"""Fault suite (issue #13): the bundle's model server refuses bad requests with a 4xx and a message that says
what is wrong (naming the column where one is at fault), answers gaps and odd numbers as the model does,
never answers 500 to any input, and keeps serving afterwards."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.unit.test_serving import (
    bundle_env,
    client_for,
    expected,
    lay_out_bundle,
    make_frame,
    request_rows,
    split_body,
    write_bundle,
)

pytestmark = pytest.mark.slow  # fits a model

COLUMNS = ["monthly fee", "plan", "active", "when", "signal"]


@pytest.fixture(scope="module")
def model():
    from core.experiments.search import refit_config

    return refit_config(make_frame("binary"), "y", "binary", "lgbm",
                        {"n_estimators": 8, "num_leaves": 4, "min_child_samples": 5, "learning_rate": 0.3}, 0, n_jobs=1)


@pytest.fixture(scope="module")
def client(model, tmp_path_factory):
    with client_for(write_bundle(tmp_path_factory.mktemp("bundle"), model)) as client:
        yield client


def post(client, body, kind: str | None = "application/json"):
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post("/invocations", content=content, headers={"Content-Type": kind} if kind else {})


def refused(response, status: int, code: str, *words: str) -> str:
    """The response is MLflow's error shape with ``status`` and ``code``, and its message says ``words``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error_code", "message"} and body["error_code"] == code, body
    for word in words:
        assert word in body["message"], (word, body["message"])
    return body["message"]


@pytest.fixture(autouse=True)
def still_serving(request):
    """After each fault the server still answers a good request (for tests that use the shared client)."""
    yield
    if "client" in request.fixturenames:
        client, model = request.getfixturevalue("client"), request.getfixturevalue("model")
        rows = request_rows("binary", n=2)
        response = post(client, split_body(rows))
        assert response.status_code == 200 and response.json() == expected(model, rows)


# ---------------------------------------------------------------- not a request: 400

@pytest.mark.parametrize(("body", "words"), [
    (b"{", ["not valid JSON", "dataframe_split"]),
    (b"", ["not valid JSON"]),
    (b'{"dataframe_split": {"columns": ["a"], "data": [[1]]}', ["not valid JSON"]),
    (b"\xff\xfe\xfa", ["not valid JSON"]),
    (b"[" * 100_000 + b"]" * 100_000, ["nested too deeply"]),
    (b"[]", ["JSON object", "not a list"]),
    (b'"rows"', ["JSON object", "not text"]),
])
def test_a_body_that_is_not_json_or_not_an_object_is_400(client, body, words):
    refused(post(client, body), 400, "BAD_REQUEST", *words)


@pytest.mark.parametrize(("body", "words"), [
    ({"dataframe_splitt": {"columns": [], "data": []}}, ["exactly one of", "'dataframe_split'", "'dataframe_splitt'"]),
    ({"rows": [[1, 2]]}, ["exactly one of", "'rows'"]),
    ({}, ["exactly one of", "nothing"]),
    ({"params": {"x": 1}}, ["exactly one of", "'params'"]),
    ({"instances": [], "inputs": []}, ["exactly one of", "'instances', 'inputs'"]),
])
def test_an_unknown_or_doubled_format_key_is_400_naming_the_formats(client, body, words):
    refused(post(client, body), 400, "BAD_REQUEST", *words)


@pytest.mark.parametrize(("body", "words"), [
    ({"dataframe_split": [[1, 2]]}, ["'dataframe_split' must be an object", "not a list"]),
    ({"dataframe_split": {"columns": COLUMNS}}, ["must have 'data'", "no 'data'"]),
    ({"dataframe_split": {"columns": COLUMNS, "data": [], "dtypes": {}}}, ["'dtypes'"]),
    ({"dataframe_split": {"columns": COLUMNS, "data": {"a": 1}}}, ["must be a list of rows", "not an object"]),
    ({"dataframe_split": {"columns": COLUMNS, "data": [[1, "pro", True, None, 2.0], [1, 2]]}},
     ["Row 1", "has 2 values", "5 values"]),
    ({"dataframe_split": {"columns": COLUMNS, "data": ["a row"]}}, ["Row 0", "is text"]),
    ({"dataframe_split": {"columns": [1, 2], "data": [[1, 2]]}}, ["column names (strings)"]),
    ({"dataframe_split": {"columns": ["signal", "signal"], "data": [[1, 2]]}}, ["'signal' twice"]),
    ({"dataframe_split": {"data": [[1, 2, 3]]}}, ["Row 0", "has 3 values", "in order: monthly fee, plan, active"]),
    ({"dataframe_records": {"signal": 1}}, ["'dataframe_records' must be a list", "not an object"]),
    ({"dataframe_records": [{"signal": 1}, [1, 2]]}, ["Row 1 of 'dataframe_records' is a list"]),
    ({"instances": "rows"}, ["'instances' must be a list", "not text"]),
    ({"instances": [[1, 2, 3, 4, 5], [1]]}, ["Row 1 of 'instances' has 1 values"]),
    ({"instances": [7, 8]}, ["Row 0 of 'instances' is a number"]),
    ({"inputs": {"signal": [1, 2], "plan": ["a"]}}, ["different lengths (1, 2)"]),
    ({"inputs": {"signal": [1, 2], "plan": "a"}}, ["every column to a list of values"]),
])
def test_a_badly_shaped_body_is_400_saying_what_shape_is_expected(client, body, words):
    refused(post(client, body), 400, "BAD_REQUEST", *words)


@pytest.mark.parametrize("body", [
    {"dataframe_split": {"columns": COLUMNS, "data": []}},
    {"dataframe_records": []},
    {"instances": []},
    {"inputs": {c: [] for c in COLUMNS}},
    {"inputs": {}},
])
def test_a_request_with_no_rows_is_400(client, body):
    refused(post(client, body), 400, "BAD_REQUEST", "no rows", "at least one row")


@pytest.mark.parametrize(("body", "words"), [
    (b"", ["CSV body is empty"]),
    (b"monthly fee,plan,active,when,signal\n", ["no rows"]),
    (b'a,b\n1,"2\n', ["not CSV that pandas can read"]),
])
def test_a_csv_body_that_is_empty_or_broken_is_400(client, body, words):
    refused(post(client, body, "text/csv"), 400, "BAD_REQUEST", *words)


# ---------------------------------------------------------------- rows the model cannot read: 422 naming the column

def rows_with(**values):
    """One good row (JSON values) with some columns replaced."""
    row = dict(zip(COLUMNS, split_body(request_rows("binary", n=1))["dataframe_split"]["data"][0], strict=True))
    return {**row, **values}


@pytest.mark.parametrize(("body", "words"), [
    ({"dataframe_records": [{"signal": 1.0}]}, ["Required columns", "'monthly fee', 'plan', 'active', 'when'",
                                                 "are missing", "The model needs: monthly fee, plan"]),
    ({"dataframe_split": {"columns": [c for c in COLUMNS if c != "when"], "data": [[1, "pro", True, 2.0]]}},
     ["Required column 'when' is missing"]),
    ({"inputs": {c: [1] for c in COLUMNS if c != "plan"}}, ["'plan' is missing"]),
])
def test_a_missing_column_is_422_naming_it(client, body, words):
    refused(post(client, body), 422, "INVALID_PARAMETER_VALUE", *words)


def test_a_missing_column_in_csv_is_422_naming_it(client):
    body = b"monthly fee,plan,when,signal\n1,pro,2024-01-01,3\n"
    refused(post(client, body, "text/csv"), 422, "INVALID_PARAMETER_VALUE", "'active' is missing")


@pytest.mark.parametrize(("column", "value", "words"), [
    ("signal", "lots", ["Column 'signal' must hold numbers", "'lots'"]),
    ("monthly fee", "12 euros", ["Column 'monthly fee' must hold numbers", "'12 euros'"]),
    ("active", "maybe", ["Column 'active' must hold true/false values", "'maybe'"]),
    ("active", 7, ["Column 'active' must hold true/false values"]),
    ("when", "next tuesday", ["Column 'when' must hold dates", "'next tuesday'"]),
    ("when", "2024-02-30", ["Column 'when' must hold dates"]),
    ("plan", ["pro"], ["Column 'plan' row", "holds a list"]),
    ("signal", {"value": 1}, ["Column 'signal' row", "holds an object"]),
])
def test_a_value_of_the_wrong_type_is_422_naming_the_column(client, column, value, words):
    for body in ({"dataframe_records": [rows_with(**{column: value})]},
                 {"dataframe_records": [rows_with(), rows_with(), rows_with(**{column: value})]}):
        message = refused(post(client, body), 422, "INVALID_PARAMETER_VALUE", *words)
        assert "row" in message


def test_text_in_a_numeric_csv_column_is_422_naming_it(client):
    body = b"monthly fee,plan,active,when,signal\n1,pro,true,2024-01-01,high\n"
    refused(post(client, body, "text/csv"), 422, "INVALID_PARAMETER_VALUE", "Column 'signal' must hold numbers",
            "'high'")


# ---------------------------------------------------------------- values the model reads as it was trained to: 200

@pytest.mark.parametrize("changes", [
    {"monthly fee": None, "plan": None, "active": None, "when": None, "signal": None},  # every column a gap
    {"plan": "platinum"},  # an unseen category: __other__, no word about it
    {"plan": ""},  # blank text: a gap
    {"monthly fee": 1e308, "signal": -1e308},  # huge, but numbers
    {"monthly fee": 10 ** 30, "signal": -(10 ** 40)},  # integers past any float's exactness
    {"active": "YES", "plan": 3},  # a true/false word in capitals, a number as a category
])
def test_gaps_unseen_categories_and_huge_numbers_are_answered_as_the_model_does(client, model, changes):
    import pandas as pd

    row = rows_with(**changes)
    response = post(client, {"dataframe_records": [row]})
    assert response.status_code == 200, response.text
    assert response.json() == expected(model, pd.DataFrame([row]))


def test_nan_and_infinity_literals_are_gaps_as_the_model_reads_them(client, model):
    import pandas as pd

    row = rows_with()
    text = json.dumps({"dataframe_records": [row]})
    for literal in ("NaN", "Infinity", "-Infinity", "1e999"):
        body = text.replace(json.dumps(row["signal"]), literal, 1).encode()
        response = post(client, body)
        assert response.status_code == 200, (literal, response.text)
        assert response.json() == expected(model, pd.DataFrame([{**row, "signal": float("nan")}])), literal


# ---------------------------------------------------------------- content types and sizes

@pytest.mark.parametrize(("kind", "words"), [
    ("text/plain", ["'application/json' and 'text/csv'", "'text/plain'"]),
    ("application/x-www-form-urlencoded", ["not 'application/x-www-form-urlencoded'"]),
    ("application/vnd.apache.parquet", ["not 'application/vnd.apache.parquet'"]),
    (None, ["no Content-Type"]),
    ("application/json; charset=latin-1", ["UTF-8 only", "'latin-1'"]),
    ("application/json; format=pandas-split", ["Unknown Content-Type parameter 'format'", "inside the JSON body"]),
])
def test_another_content_type_is_415(client, kind, words):
    refused(post(client, split_body(request_rows("binary", n=1)), kind), 415, "UNSUPPORTED_MEDIA_TYPE", *words)


def test_a_body_over_the_limit_is_413_whether_its_length_is_declared_or_streamed(model, tmp_path, monkeypatch):
    monkeypatch.setenv("MLCYCLE_MAX_BODY_BYTES", "2000")
    small, big = split_body(request_rows("binary", n=3)), split_body(request_rows("binary", n=60))
    with client_for(write_bundle(tmp_path / "b", model)) as client:
        response = post(client, big)
        refused(response, 413, "RESOURCE_EXHAUSTED", "over this server's limit of 2,000 bytes", "MLCYCLE_MAX_BODY_BYTES")
        assert response.headers["connection"] == "close"

        def chunks():  # no Content-Length: the body arrives in pieces
            data = json.dumps(big).encode()
            for i in range(0, len(data), 500):
                yield data[i:i + 500]

        streamed = client.post("/invocations", content=chunks(), headers={"Content-Type": "application/json"})
        refused(streamed, 413, "RESOURCE_EXHAUSTED", "2,000 bytes")
        assert post(client, small).status_code == 200  # a body under the limit is answered
        m = client.get("/metrics").text
    assert 'mlcycle_request_errors_total{endpoint="/invocations",error_code="RESOURCE_EXHAUSTED"} 2' in m


# ---------------------------------------------------------------- unknown endpoints, the process

def test_unknown_endpoints_and_methods_answer_in_the_same_error_shape(client):
    message = refused(client.get("/predict"), 404, "ENDPOINT_NOT_FOUND", "/predict", "POST /invocations")
    assert "/metrics" in message
    refused(client.get("/invocations"), 405, "METHOD_NOT_ALLOWED", "/invocations does not take GET")
    refused(client.post("/ping"), 405, "METHOD_NOT_ALLOWED")


def test_a_model_failure_on_odd_input_is_400_never_500(client, monkeypatch):
    from core.deploy.serving import _predict

    def broken(self, X):
        raise ValueError("Input contains something the library cannot take")

    monkeypatch.setattr(_predict._FastPath, "run", broken)
    refused(post(client, split_body(request_rows("binary", n=2))), 400, "BAD_REQUEST",
            "could not score these rows", "ValueError", "GET /schema")
    monkeypatch.undo()


@pytest.mark.parametrize(("env", "words"), [
    ({}, ["error: There is no model.mlcycle in"]),
    ({"PORT": "eighty"}, ["PORT must be a port number", "'eighty'"]),
])
def test_python_m_server_without_a_model_or_with_a_bad_port_says_why_and_exits_2(model, tmp_path, env, words):
    path = lay_out_bundle(tmp_path / "bundle", model)
    if not env:
        (path / "model.mlcycle").unlink()
    done = subprocess.run([sys.executable, "-m", "server"], cwd=path, env=bundle_env(**{"HOST": "127.0.0.1", "PORT": "1", **env}),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in done.stderr
