"""Verify: a server's predictions compared with the app's (labels exactly, probabilities to 1e-9),
servers that fail to start or hang are stopped with a clear error, and the deploy job kinds."""

from __future__ import annotations

import json
import os
import re
import shutil
import string
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from core.deploy import verify
from core.errors import ExternalToolFailed, InvalidInput
from tests.tiny_models import SMALL_CONFIGS, churn_frame

# ---------------------------------------------------------------- a model and a stand-in server

@pytest.fixture(scope="module")
def classifier():
    from core.experiments.search import refit_config

    frame = churn_frame(240)
    model = refit_config(frame.iloc[:200], "churned", "binary", "lgbm", dict(SMALL_CONFIGS["lgbm"]), 0)
    return model, frame.iloc[200:].drop(columns=["churned"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def regressor():
    from core.experiments.search import refit_config

    frame = churn_frame(240).drop(columns=["churned"])
    frame["spend"] = 3.0 * frame["x1"].fillna(0) + 100.0
    model = refit_config(frame.iloc[:200], "spend", "regression", "lgbm", dict(SMALL_CONFIGS["lgbm"]), 0)
    return model, frame.iloc[200:].drop(columns=["spend"]).reset_index(drop=True)


def scoring_app(model, tamper=None):
    """A FastAPI app answering /invocations like the bundle's server; ``tamper(answer)`` spoils the first answer."""
    app = FastAPI()
    state = {"calls": 0}

    @app.get("/ping")
    def ping():
        return Response(status_code=200)

    @app.post("/invocations")
    async def invocations(request: Request):
        split = json.loads(await request.body())["dataframe_split"]
        rows = pd.DataFrame(split["data"], columns=split["columns"])
        state["calls"] += 1
        if model.is_classifier:
            answer = {"predictions": model.predict(rows).tolist(), "probabilities": model.predict_proba(rows).tolist(),
                      "classes": model.classes}
        else:
            answer = {"predictions": model.predict(rows).tolist()}
        if tamper is not None and state["calls"] == 1:
            spoiled = tamper(answer)
            if spoiled is not None:
                return spoiled
        return JSONResponse(answer)

    return app


class ThreadServer:
    """uvicorn serving an app on 127.0.0.1 in a thread of the test process."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = verify.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error",
                                                    access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the stand-in server did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def serve():
    servers = []

    def start(app):
        servers.append(ThreadServer(app))
        return servers[-1].url

    yield start
    for s in servers:
        s.stop()


FAST = {"latency_calls": 20, "throughput_rows": 100}


# ---------------------------------------------------------------- verify_url

def test_identical_server_is_verified_with_latency_figures(classifier, serve):
    model, rows = classifier
    result = verify.verify_url(serve(scoring_app(model)), model, rows, batch_rows=7, **FAST)
    assert result["verified"] is True
    assert result["rows"] == len(rows) == 40
    assert result["labels_equal"] is True
    assert result["max_proba_diff"] == 0.0
    assert result["mismatches"] == [] and result["mismatched_rows"] == 0 and result["error"] is None
    assert 0 < result["p50_ms"] <= result["p99_ms"]
    assert result["rows_per_s"] > 0
    assert result["latency_calls"] == 20 and result["throughput_rows"] == 100


def test_a_wrong_label_is_a_mismatch(classifier, serve):
    model, rows = classifier

    def flip(answer):
        answer["predictions"][3] = "no" if answer["predictions"][3] == "yes" else "yes"

    result = verify.verify_url(serve(scoring_app(model, flip)), model, rows, **FAST)
    assert result["verified"] is False
    assert result["labels_equal"] is False
    assert result["mismatched_rows"] == 1
    (m,) = result["mismatches"]
    assert m["row"] == 3 and m["what"] == "label"
    assert {m["expected"], m["got"]} == {"yes", "no"}


def test_a_probability_off_by_1e6_is_a_mismatch(classifier, serve):
    model, rows = classifier

    def nudge(answer):
        answer["probabilities"][2] = [p + 1e-6 for p in answer["probabilities"][2]]

    result = verify.verify_url(serve(scoring_app(model, nudge)), model, rows, **FAST)
    assert result["verified"] is False
    assert result["labels_equal"] is True
    assert result["max_proba_diff"] == pytest.approx(1e-6, rel=1e-3)
    assert [m["row"] for m in result["mismatches"]] == [2]
    assert result["mismatches"][0]["what"].startswith("probability")


def test_a_label_of_another_json_type_is_a_mismatch(serve):
    """Labels compare exactly: 1 (a number) is not "1" (text)."""
    from core.experiments.search import refit_config

    frame = churn_frame(240)
    frame["churned"] = (frame["churned"] == "yes").astype(int)
    model = refit_config(frame.iloc[:200], "churned", "binary", "lgbm", dict(SMALL_CONFIGS["lgbm"]), 0)
    rows = frame.iloc[200:].drop(columns=["churned"])

    def as_text(answer):
        answer["predictions"] = [str(p) for p in answer["predictions"]]

    good = verify.verify_url(serve(scoring_app(model)), model, rows, **FAST)
    assert good["verified"] is True
    bad = verify.verify_url(serve(scoring_app(model, as_text)), model, rows, **FAST)
    assert bad["verified"] is False and bad["mismatched_rows"] == len(rows)
    assert bad["mismatches"][0]["expected"] in (0, 1) and bad["mismatches"][0]["got"] in ("0", "1")


def test_regression_values_compare_relatively(regressor, serve):
    model, rows = regressor
    assert verify.verify_url(serve(scoring_app(model)), model, rows, **FAST)["verified"] is True

    def nudge(answer):  # values are about 100: 1e-5 absolute is 1e-7 relative
        answer["predictions"][5] += 1e-5

    result = verify.verify_url(serve(scoring_app(model, nudge)), model, rows, **FAST)
    assert result["verified"] is False
    assert result["labels_equal"] is None and result["max_proba_diff"] is None
    assert 5e-8 < result["max_value_diff"] < 2e-7
    assert [m["row"] for m in result["mismatches"]] == [5]


def test_an_error_answer_is_a_failed_verification_with_the_servers_message(classifier, serve):
    model, rows = classifier

    def refuse(_answer):
        return JSONResponse({"error_code": "BAD_REQUEST", "message": "Column 'plan' must hold text"}, status_code=422)

    result = verify.verify_url(serve(scoring_app(model, refuse)), model, rows, **FAST)
    assert result["verified"] is False
    assert "422" in result["error"] and "Column 'plan' must hold text" in result["error"]
    assert result["p50_ms"] is None and result["rows_per_s"] is None


def test_wrong_number_of_predictions_and_missing_probabilities_fail(classifier, serve):
    model, rows = classifier

    def short(answer):
        answer["predictions"].pop()

    def no_proba(answer):
        answer.pop("probabilities")

    result = verify.verify_url(serve(scoring_app(model, short)), model, rows, **FAST)
    assert result["verified"] is False and "39 predictions for 40 rows" in result["error"]
    result = verify.verify_url(serve(scoring_app(model, no_proba)), model, rows, **FAST)
    assert result["verified"] is False and "no 'probabilities'" in result["error"]


def test_rows_are_sent_json_safe(classifier):
    """Missing values and non-finite numbers travel as null, dates as ISO text, numpy scalars as numbers."""
    frame = pd.DataFrame({"a": [1.5, np.nan, np.inf], "b": pd.array([1, None, 3], dtype="Int64"),
                          "c": ["x", None, "z"], "d": pd.to_datetime(["2024-01-02 00:00", None, "2024-03-04 05:06"]),
                          "e": [True, False, True]})
    data = verify.json_rows(frame)
    assert data == [[1.5, 1, "x", "2024-01-02T00:00:00", True], [None, None, None, None, False],
                    [None, 3, "z", "2024-03-04T05:06:00", True]]
    json.dumps(data, allow_nan=False)


def test_no_rows_or_a_bad_address_is_refused(classifier):
    model, rows = classifier
    with pytest.raises(InvalidInput):
        verify.verify_url("http://127.0.0.1:1", model, rows.iloc[:0])
    with pytest.raises(InvalidInput, match="not an http"):
        verify.verify_url("ftp://example", model, rows)


# ---------------------------------------------------------------- a server process from a directory

def stand_in_bundle(tmp_path: Path, main_py: str) -> Path:
    """A directory shaped like a bundle whose server/__main__.py is ``main_py``."""
    root = tmp_path / "bundle"
    (root / "server").mkdir(parents=True)
    (root / "server" / "__init__.py").write_text("")
    (root / "server" / "__main__.py").write_text(textwrap.dedent(main_py))
    return root


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.slow
def test_a_server_that_never_answers_is_a_clear_error_and_is_killed(tmp_path, classifier, monkeypatch):
    """It ignores SIGTERM too: terminate, then kill."""
    model, rows = classifier
    root = stand_in_bundle(tmp_path, f"""
        import os, signal, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        open({str(tmp_path / 'pid')!r}, "w").write(str(os.getpid()))
        print("loading the model, very slowly", flush=True)
        time.sleep(600)
    """)
    monkeypatch.setattr(verify, "STOP_GRACE", 1.0)
    with pytest.raises(ExternalToolFailed) as err:
        verify.verify_dir(root, model, rows, startup_timeout=3)
    assert "did not answer /ping" in err.value.message and "within 3 s" in err.value.message
    assert "loading the model, very slowly" in err.value.message  # the server's own output
    assert _gone(int((tmp_path / "pid").read_text()))


@pytest.mark.slow
def test_a_server_that_crashes_at_start_says_why(tmp_path, classifier):
    model, rows = classifier
    root = stand_in_bundle(tmp_path, """
        raise SystemExit("model.mlcycle is damaged: bad zip")
    """)
    with pytest.raises(ExternalToolFailed) as err:
        verify.verify_dir(root, model, rows, startup_timeout=30)
    assert "stopped before it answered /ping" in err.value.message
    assert "exited with code 1" in err.value.message and "model.mlcycle is damaged" in err.value.message


def test_a_directory_without_a_server_is_not_a_bundle(tmp_path, classifier):
    from core.errors import NotFound

    model, rows = classifier
    with pytest.raises(NotFound, match="not a bundle"):
        verify.verify_dir(tmp_path, model, rows)


# ---------------------------------------------------------------- job kinds

def test_deploy_job_kinds_are_registered():
    from core.deploy import engine
    from core.jobs.kinds import KINDS, load_function

    assert load_function(KINDS["deploy_verify"].run) is verify.run_verify_job
    assert load_function(KINDS["deploy_build"].run) is engine.run_build_job


def test_summary_reads_a_result():
    ok = {"verified": True, "rows": 1234, "max_proba_diff": 0.0, "p50_ms": 1.234, "p99_ms": 2.5,
          "rows_per_s": 45678.9, "where": "process"}
    assert verify.summary(ok) == ("Verified: the server predicts exactly as the app on 1,234 rows (largest "
                                  "difference 0.0e+00); p50 1.23 ms, p99 2.50 ms, 45,679 rows/s")
    assert verify.summary({"verified": False, "rows": 10, "mismatched_rows": 2}) == "Not verified: 2 of 10 rows differ"


def test_a_cancel_stops_the_comparison(classifier, serve):
    from core.jobs import JobCancelled

    model, rows = classifier
    with pytest.raises(JobCancelled):
        verify.verify_url(serve(scoring_app(model)), model, rows, should_stop=lambda: True, **FAST)


@pytest.fixture
def exported(ws, tmp_path):
    from core.deploy import bundle as bundles
    from tests.tiny_models import make_model

    model = make_model(ws, tmp_path)
    return model, bundles.export_bundle(ws, model.id, tmp_path / "bundle")


@pytest.mark.slow
def test_the_verify_job_records_a_verified_export(ws, exported):
    from core.deploy import bundle as bundles
    from core.errors import Conflict
    from core.jobs import get_job, job_logs, run_job

    model, export = exported
    job = verify.enqueue_verify(ws, export.id, start_worker=False)
    assert job.payload == {"export_id": export.id, "model_id": model.id}
    with pytest.raises(Conflict, match="already under way") as err:
        verify.enqueue_verify(ws, export.id, start_worker=False)
    assert err.value.job.id == job.id

    done = run_job(ws, get_job(ws, job.id))

    assert done.status == "done", done.error
    assert done.result["verified"] is True and done.result["rows"] == len(verify.held_out_rows(ws, model.id))
    assert bundles.get_export(ws, export.id).verification["verified"] is True
    assert any(line.message.startswith("Verified: the server predicts exactly as the app")
               for line in job_logs(ws, job.id))
    verify.enqueue_verify(ws, export.id, start_worker=False)  # the first one finished: a new one may start


@pytest.mark.slow
def test_a_bundle_that_predicts_differently_is_a_result_not_a_failed_job(ws, tmp_path, exported):
    """Another model's file in the bundle: the job succeeds with verified false and the mismatches listed."""
    from core.deploy import bundle as bundles
    from core.experiments.service import get_experiment
    from core.jobs import get_job, job_logs, run_job
    from tests.tiny_models import add_model

    model, export = exported
    other = add_model(ws, get_experiment(ws, model.experiment_id), "lrl2")
    Path(export.path, "model.mlcycle").write_bytes(ws.artifacts.read_bytes(other.artifact))

    done = run_job(ws, get_job(ws, verify.enqueue_verify(ws, export.id, start_worker=False).id))

    assert done.status == "done", done.error
    assert done.result["verified"] is False and done.result["max_proba_diff"] > verify.TOLERANCE
    assert done.result["mismatches"] and done.result["mismatches"][0]["what"].startswith(("label", "probability"))
    assert bundles.get_export(ws, export.id).verification["verified"] is False
    assert any(line.message.startswith("mismatch: row ") for line in job_logs(ws, done.id))


def test_a_bundle_folder_that_is_gone_is_not_found(ws, exported):
    from core.errors import NotFound

    _, export = exported
    shutil.rmtree(export.path)
    with pytest.raises(NotFound, match="is gone"):
        verify.verify_bundle(ws, export.id)


def test_without_an_engine_build_is_refused_with_the_commands_to_run_by_hand(ws, exported, monkeypatch):
    from core.deploy import engine

    _, export = exported
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    reachable, why = engine.engine_status()
    assert reachable is False and "nothing listens at unix:///nonexistent/docker.sock" in why
    with pytest.raises(ExternalToolFailed) as err:
        engine.enqueue_build(ws, export.id, start_worker=False)
    assert err.value.message.startswith("No Docker engine is reachable")
    assert f"cd {export.path}" in err.value.hint and "docker build" in err.value.hint and "docker run" in err.value.hint
    with pytest.raises(ExternalToolFailed, match="No Docker engine is reachable"):
        engine.build_image(ws, export.id)


# ---------------------------------------------------------------- Korean

HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.mark.parametrize("kind", ["ERRORS", "HINTS", "PROGRESS"])
def test_each_korean_pattern_matches_its_example_and_keeps_the_data(monkeypatch, kind):
    from ui import i18n
    from ui.locale import ko_deploy_verify

    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    for pattern, korean, example in getattr(ko_deploy_verify, kind):
        match = re.fullmatch(pattern, example, re.DOTALL)
        assert match, f"{pattern!r} does not match its example {example!r}"
        fields = {f for _, f, _, _ in string.Formatter().parse(korean) if f}
        assert fields <= set(match.groupdict()), f"{korean!r} names a group {pattern!r} lacks"
        shown = i18n.message(example, kind=kind)
        assert HANGUL.search(shown), (kind, shown)
        for name, value in match.groupdict().items():
            if value and name != "reason":
                assert value in shown, (value, shown)


def test_real_messages_read_in_korean(ws, exported, monkeypatch):
    """What verify and engine really say (not only the examples) finds its Korean pattern."""
    from core.deploy import engine
    from core.errors import Conflict, NotFound
    from ui import i18n

    model, export = exported
    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    job = verify.enqueue_verify(ws, export.id, start_worker=False)
    assert i18n.progress(job.title) == f"{model.learner} 모델 {model.id}의 번들 검증"
    with pytest.raises(Conflict) as conflict:
        verify.enqueue_verify(ws, export.id, start_worker=False)
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    with pytest.raises(ExternalToolFailed) as no_engine:
        engine.enqueue_build(ws, export.id, start_worker=False)
    shutil.rmtree(export.path)
    with pytest.raises(NotFound) as gone:
        verify.verify_bundle(ws, export.id)
    for err in (conflict.value, no_engine.value, gone.value):
        assert HANGUL.search(i18n.message(err.message)), err.message
        assert HANGUL.search(i18n.message(err.hint, kind="HINTS")), err.hint
    assert i18n.message(no_engine.value.message) == ("Docker 엔진에 연결할 수 없습니다: unix:///nonexistent/docker.sock에서 "
                                                     "응답하는 것이 없습니다 (Docker 엔진이 실행 중인가요?).")
    assert f"cd {export.path}\ndocker build" in i18n.message(no_engine.value.hint, kind="HINTS")
    ok = {"verified": True, "rows": 1234, "max_proba_diff": 0.0, "p50_ms": 1.2, "p99_ms": 2.5, "rows_per_s": 4567.0,
          "where": "image"}
    assert i18n.progress(verify.summary(ok)).startswith("검증됨: 이미지가 1,234개 행에서")
    bad = {"verified": False, "rows": 40, "error": "The server refused rows 1-40: HTTP 422: Column 'plan' is missing"}
    assert i18n.progress(verify.summary(bad)) == "검증 실패: 서버가 1-40행을 거부했습니다: HTTP 422: Column 'plan' is missing"
