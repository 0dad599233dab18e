"""The fault suite, validation (issue #11): bad gate rules, bad promotions and benchmarks that go wrong.

Each case ends in a clear message that names what was wrong (the token, the stage, the model) and
says what to do; nothing is half-changed.
"""

from __future__ import annotations

import json
import sys

import pytest

from core import experiments, jobs
from core.errors import Conflict, ExternalToolFailed, InvalidInput, NotFound
from core.evaluation import benchmark, gates, registry
from core.evaluation.gates import GateSyntaxError
from core.ids import utcnow
from core.store.activity import list_events
from tests.conftest import make_project
from tests.tiny_models import make_model


def test_a_bad_rule_is_refused_pointing_at_the_token_and_the_old_rule_stays(ws):
    project = make_project(ws)
    gates.set_gate(ws, project.id, "roc_auc >= 0.9")
    with pytest.raises(GateSyntaxError) as info:
        gates.set_gate(ws, project.id, "roc_auc >= 0.9 and p99ms <= 10")
    err = info.value
    assert err.message == "Unknown field 'p99ms' at column 20: did you mean one of 'p99_ms', 'p95_ms'?"
    assert "  roc_auc >= 0.9 and p99ms <= 10\n" + " " * 21 + "^" in err.hint
    assert gates.get_gate(ws, project.id).text == "roc_auc >= 0.9"
    assert [e.verb for e in list_events(ws, project_id=project.id)].count("gate_changed") == 1
    with pytest.raises(NotFound, match="prj_nope"):
        gates.set_gate(ws, "prj_nope", "roc_auc >= 0.9")


def test_an_unknown_stage_names_the_closest_and_the_allowed_ones(ws, tmp_path):
    model = make_model(ws, tmp_path, project=make_project(ws))
    with pytest.raises(InvalidInput) as info:
        registry.promote(ws, model.id, "prod")
    assert info.value.message == "There is no stage 'prod': did you mean 'production'?"
    assert "none, candidate, production, archived" in info.value.hint
    with pytest.raises(InvalidInput, match="'staging'"):
        registry.promote(ws, model.id, "staging")
    assert experiments.get_model(ws, model.id).stage == "none" and registry.stage_history(ws, model_id=model.id) == []


def test_an_unknown_model_is_named(ws):
    for call in (lambda: registry.promote(ws, "mdl_nope", "candidate"),
                 lambda: registry.stage_history(ws, model_id="mdl_nope"),
                 lambda: benchmark.benchmark_model(ws, "mdl_nope"),
                 lambda: benchmark.enqueue_benchmark(ws, ["mdl_nope"], start_worker=False)):
        with pytest.raises(NotFound, match="'mdl_nope'") as info:
            call()
        assert info.value.hint
    assert registry.production_model(ws, "prj_nope") is None


def test_a_model_without_a_project_cannot_be_production(ws, tmp_path):
    model = make_model(ws, tmp_path)  # its dataset belongs to no project
    assert model.project_id is None
    with pytest.raises(InvalidInput, match="belongs to no project"):
        registry.promote(ws, model.id, "production")
    assert registry.promote(ws, model.id, "candidate").stage == "candidate"


def test_a_model_of_an_archived_experiment_can_be_promoted_and_stays_traceable(ws, tmp_path):
    project = make_project(ws)
    model = make_model(ws, tmp_path, project=project)
    with ws.write() as db:  # the experiment is archived (hidden from lists), its model is kept
        db["experiments"].update(model.experiment_id, {"archived_at": utcnow()})
    assert model.experiment_id not in [e.id for e in experiments.list_experiments(ws, project_id=project.id)]
    registry.promote(ws, model.id, "production", note="still the best", actor="kim")
    assert registry.production_model(ws, project.id).id == model.id
    newer = make_model(ws, tmp_path, project=project, name="newer.csv")
    registry.promote(ws, newer.id, "production", actor="lee")
    archived = experiments.get_model(ws, model.id)  # still looked up
    assert archived.stage == "archived" and archived.archived_at
    assert [(h.new_stage, h.note) for h in registry.stage_history(ws, model_id=model.id)] == [
        ("archived", f"replaced by {newer.id}"), ("production", "still the best")]
    assert {h.model_id for h in registry.stage_history(ws, project_id=project.id)} == {model.id, newer.id}
    # an archived model can still be benchmarked from its experiment's held-out rows
    bench = benchmark.benchmark_model(ws, model.id, calls=5, min_seconds=0.0)
    assert bench.model_id == model.id and bench.p99_ms > 0


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import os; os.abort()", "was killed by SIGABRT"),
        ("import sys; sys.stderr.write('Fatal: lightgbm exploded\\n'); sys.exit(3)",
         "crashed (exit code 3): Fatal: lightgbm exploded"),
        ("print('not json')", "ended without printing its figures"),
    ],
    ids=["killed", "exit-code", "no-figures"],
)
def test_a_measuring_process_that_crashes_gives_a_clear_error_naming_the_model(ws, tmp_path, monkeypatch, code,
                                                                               expected):
    model = make_model(ws, tmp_path, project=make_project(ws))
    monkeypatch.setattr(benchmark, "_child_command", lambda *a: [sys.executable, "-c", code])
    with pytest.raises(ExternalToolFailed) as info:
        benchmark.benchmark_model(ws, model.id)
    assert info.value.message.startswith(f"Benchmarking model lgbm ({model.id}) failed: the measuring process")
    assert expected in info.value.message and info.value.hint
    assert benchmark.latest_benchmarks(ws, [model.id]) == {}


def test_a_measuring_process_that_hangs_is_stopped_at_the_timeout(ws, tmp_path, monkeypatch):
    model = make_model(ws, tmp_path)
    monkeypatch.setattr(benchmark, "_child_command", lambda *a: [sys.executable, "-c", "import time; time.sleep(60)"])
    with pytest.raises(ExternalToolFailed, match=rf"Benchmarking model lgbm \({model.id}\) did not finish within 1 s"):
        benchmark.benchmark_model(ws, model.id, timeout=1)
    assert benchmark.latest_benchmarks(ws, [model.id]) == {}


def test_a_model_the_measuring_process_cannot_load_is_named_with_the_reason(ws, tmp_path):
    model = make_model(ws, tmp_path)
    sha = ws.artifacts.put_bytes(b"PK\x03\x04 this is not a model")
    with ws.write() as db:
        db["models"].update(model.id, {"artifact": sha})
    with pytest.raises(InvalidInput) as info:
        benchmark.benchmark_model(ws, model.id, calls=5)
    assert info.value.message.startswith(f"Model lgbm ({model.id}) could not be benchmarked: ")
    assert "not an MLCycle model" in info.value.message


def test_a_benchmark_job_goes_on_past_a_failing_model_and_names_it(ws, tmp_path):
    project = make_project(ws)
    good = make_model(ws, tmp_path, project=project)
    bad = make_model(ws, tmp_path, project=project, name="bad.csv")
    sha = ws.artifacts.put_bytes(b"PK\x03\x04 broken")
    with ws.write() as db:
        db["models"].update(bad.id, {"artifact": sha})
    job = benchmark.enqueue_benchmark(ws, [bad.id, good.id], calls=5, start_worker=False)
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    job = jobs.get_job(ws, job.id)
    assert job.status == "failed"
    assert job.error.startswith("1 of 2 models could not be benchmarked: Model lgbm (" + bad.id)
    assert set(benchmark.latest_benchmarks(ws, [bad.id, good.id])) == {good.id}  # the other's figures are kept
    assert any(line.message.startswith(bad.id) for line in jobs.job_logs(ws, job.id))


def test_a_benchmark_job_without_models_fails_clearly(ws):
    job = jobs.enqueue(ws, "benchmark", {"model_ids": []}, start_worker=False)
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    job = jobs.get_job(ws, job.id)
    assert job.status == "failed" and job.error.startswith("This benchmark job names no model.")


def test_a_gate_that_fails_blocks_production_and_names_the_clause(ws, tmp_path):
    project = make_project(ws)
    model = make_model(ws, tmp_path, project=project)
    gates.set_gate(ws, project.id, "accuracy >= 0.999 or size_mb <= 0.000001")
    with pytest.raises(Conflict) as info:
        registry.promote(ws, model.id, "production")
    message = info.value.message
    assert message.startswith(f"Model lgbm ({model.id}) fails the project's gate: accuracy >= 0.999 (is 0.")
    assert "size_mb <= 0.000001 (is 0.00" in message
    assert registry.production_model(ws, project.id) is None
    assert json.loads(json.dumps(gates.check_models(ws, project.id, [model.id])[model.id].as_dict()))["status"] == "fail"
