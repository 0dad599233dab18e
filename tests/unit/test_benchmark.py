"""Processing benchmarks: measured in a fresh process through the raw-row path, stored with the machine.

No test asserts a wall-clock threshold: only that the figures are present, ordered and positive.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from core import jobs
from core.errors import InvalidInput, NotFound
from core.evaluation import benchmark
from core.evaluation.benchmark import Benchmark
from core.store.activity import list_events
from core.workspace import REPO_ROOT
from tests.conftest import make_project
from tests.tiny_models import add_model, make_experiment, make_model

CLI_KEYS = {"p50_ms", "p95_ms", "p99_ms", "rows_per_s", "load_ms", "size_bytes", "peak_rss_mb", "machine",
            "created_at", "model_id"}


def _sane(ws, bench: Benchmark, model) -> None:
    assert bench.model_id == model.id
    assert 0 < bench.p50_ms <= bench.p95_ms <= bench.p99_ms
    assert set(bench.rows_per_s) == {"1", "100", "10000"} and all(v > 0 for v in bench.rows_per_s.values())
    assert bench.load_ms > 0 and bench.peak_rss_mb > 0
    assert bench.size_bytes == model.size_bytes == os.path.getsize(ws.artifacts.verified_path(model.artifact))
    assert bench.machine["cpu_count"] >= 1 and bench.machine["cpu_model"] and bench.machine["python"]
    assert bench.machine["platform"]
    assert bench.figures["calls"] >= 1 and bench.figures["sample_rows"] >= 1
    assert bench.figures["batches"]["10000"]["repeats"] >= 2  # each batch size measured more than once


def test_a_benchmark_measures_a_tiny_real_model_through_the_raw_row_path(ws, tmp_path):
    project = make_project(ws)
    model = make_model(ws, tmp_path, project=project)
    bench = benchmark.benchmark_model(ws, model.id, calls=1000, min_seconds=0.05)
    _sane(ws, bench, model)
    assert bench.figures["calls"] == 1000 and bench.figures["method"] == "predict_proba"
    assert bench.figures["path"].startswith("JSON records -> pandas.DataFrame")
    assert set(bench.as_dict()) == CLI_KEYS and json.dumps(bench.as_dict())
    assert bench.as_dict()["rows_per_s"] == bench.rows_per_s and bench.throughput == bench.rows_per_s["10000"]
    assert benchmark.latest_benchmarks(ws, [model.id]) == {model.id: bench}
    event = next(e for e in list_events(ws, project_id=project.id) if e.verb == "benchmarked")
    assert event.object_id == model.id and "p99" in event.message and "rows/s" in event.message


def test_the_job_benchmarks_each_model_in_its_own_process_and_stores_a_row_each(ws, tmp_path):
    project = make_project(ws)
    exp = make_experiment(ws, tmp_path, project=project)
    first, second = add_model(ws, exp, "lgbm"), add_model(ws, exp, "lrl2")
    job = benchmark.enqueue_benchmark(ws, [first.id, second.id, first.id], calls=50, start_worker=False)
    assert job.kind == "benchmark" and job.project_id == project.id and job.payload["model_ids"] == [first.id, second.id]
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    job = jobs.get_job(ws, job.id)
    assert job.status == "done", job.error
    stored = benchmark.latest_benchmarks(ws, [first.id, second.id])
    assert set(stored) == {first.id, second.id}
    for model in (first, second):
        _sane(ws, stored[model.id], model)
        assert stored[model.id].job_id == job.id
    assert [b["model_id"] for b in job.result["benchmarks"]] == [first.id, second.id]
    logs = [line.message for line in jobs.job_logs(ws, job.id)]
    assert any(line.startswith(first.id) and "p99" in line for line in logs)
    # each model ran in its own process: two processes, two peak memories measured from scratch
    assert {stored[m].figures["learner"] for m in stored} == {"lgbm", "lrl2"}


def test_a_newer_benchmark_replaces_the_older_as_the_latest(ws, tmp_path):
    model = make_model(ws, tmp_path)
    old = benchmark.benchmark_model(ws, model.id, calls=20, min_seconds=0.0)
    new = benchmark.benchmark_model(ws, model.id, calls=30, min_seconds=0.0)
    assert benchmark.latest_benchmarks(ws, [model.id])[model.id].id == new.id
    assert [b.id for b in benchmark.list_benchmarks(ws, model.id)] == [new.id, old.id]
    assert benchmark.latest_benchmarks(ws, []) == {} and benchmark.latest_benchmarks(ws, ["mdl_nope"]) == {}


def test_the_child_prints_one_json_line_with_every_figure(ws, tmp_path):
    model = make_model(ws, tmp_path, learner="lrl2")
    rows = tmp_path / "rows.json"
    rows.write_text(json.dumps([{"x1": 0.1, "x2": None, "plan": "pro"}, {"x1": -1.0, "x2": 2.0, "plan": "max"}]))
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    out = subprocess.run([sys.executable, "-m", "core.evaluation._benchmark_child", "--artifact",
                          str(ws.artifacts.verified_path(model.artifact)), "--rows", str(rows), "--calls", "10", "--min-seconds", "0"],
                         cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1
    figures = json.loads(lines[0])
    assert {"load_ms", "p50_ms", "p95_ms", "p99_ms", "rows_per_s", "peak_rss_mb", "machine", "figures"} <= set(figures)
    assert figures["figures"]["sample_rows"] == 2 and figures["figures"]["batches"]["100"]["repeats"] >= 2


def test_bad_requests_are_refused_before_anything_runs(ws, tmp_path):
    with pytest.raises(InvalidInput, match="at least one model"):
        benchmark.enqueue_benchmark(ws, [])
    with pytest.raises(NotFound, match="mdl_nope"):
        benchmark.enqueue_benchmark(ws, ["mdl_nope"], start_worker=False)
    with pytest.raises(NotFound, match="mdl_nope"):
        benchmark.benchmark_model(ws, "mdl_nope")
    with pytest.raises(InvalidInput, match="at least one call"):
        benchmark.benchmark_model(ws, "mdl_nope", calls=0)
    assert jobs.list_jobs(ws) == []


def test_a_cancel_stops_the_measuring_process_and_stores_nothing(ws, tmp_path, monkeypatch):
    model = make_model(ws, tmp_path)
    marker = tmp_path / "child.pid"
    code = f"import os, time; open({str(marker)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    monkeypatch.setattr(benchmark, "_child_command", lambda *a: [sys.executable, "-c", code])
    asked = []

    def should_stop() -> bool:
        asked.append(1)
        return marker.exists() and marker.read_text().strip() != ""

    with pytest.raises(jobs.JobCancelled):
        benchmark.benchmark_model(ws, model.id, should_stop=should_stop)
    pid = int(marker.read_text())
    with pytest.raises(ProcessLookupError):  # killed and reaped
        os.kill(pid, 0)
    assert asked and benchmark.latest_benchmarks(ws, [model.id]) == {}
