"""`mlcycle models list|show|benchmark|evaluate|promote|history` and `mlcycle gates`, on two real finished experiments.

The experiments are trained once per module (two short searches on the breast-cancer sample,
one testing a hypothesis) and each test works on its own copy of that workspace.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tests.shared import cli, cli_json

pytestmark = pytest.mark.slow  # the module's workspace trains two models


@dataclass(frozen=True)
class Compared:
    """The ids of the trained workspace: a project, a hypothesis, two experiments and their models."""

    root: Path
    project_id: str
    hypothesis_id: str
    linear_exp: str
    boosted_exp: str
    linear: str  # model ids
    boosted: str


def build_compared(root: Path) -> Compared:
    """Train two experiments (lrl2 testing a hypothesis, lgbm) in a new workspace; evaluate and benchmark the first."""
    from core import experiments, jobs
    from core.data import datasets
    from core.define import hypotheses, projects
    from core.evaluation import benchmark, scoring
    from core.experiments.search import SearchConfig
    from core.workspace import Workspace

    ws = Workspace(root)
    project = projects.create_project(ws, "Screening")
    version = datasets.add_dataset(ws, SAMPLES / "breast_cancer.csv", project_id=project.id).version
    hyp = hypotheses.create_hypothesis(ws, project.id, question="Can a linear model screen?",
                                       statement="A linear model screens well", metric="roc_auc", threshold=0.9)
    quick = {"time_budget": 20, "max_trials": 2, "n_jobs": 1}
    linear = experiments.create_experiment(ws, version.id, SearchConfig(target="diagnosis", learners=("lrl2",), **quick),
                                           hypothesis_id=hyp.id, name="linear", start_worker=False)
    boosted = experiments.create_experiment(ws, version.id, SearchConfig(target="diagnosis", learners=("lgbm",), **quick),
                                            project_id=project.id, name="boosted", start_worker=False)
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=2) == 2
    linear, boosted = experiments.get_experiment(ws, linear.id), experiments.get_experiment(ws, boosted.id)
    assert linear.status == boosted.status == "done", (linear.error, boosted.error)
    jobs.run_worker(ws, idle_exit=0)  # anything the searches queued after them (evaluations, verdicts)
    for model_id in scoring.missing_evaluations(ws, project.id):
        scoring.evaluate_model(ws, model_id)
    benchmark.benchmark_model(ws, linear.best_model_id, calls=200)
    return Compared(root, project.id, hyp.id, linear.id, boosted.id, linear.best_model_id, boosted.best_model_id)


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Compared:
    return build_compared(tmp_path_factory.mktemp("compared") / "ws")


@pytest.fixture
def compared(trained: Compared, tmp_path: Path, monkeypatch) -> tuple:
    """A private copy of the trained workspace (``ws``, ids); jobs run in this process, not a spawned worker."""
    from core import jobs
    from core.jobs import worker
    from core.workspace import Workspace

    root = tmp_path / "ws"
    shutil.copytree(trained.root, root, ignore=shutil.ignore_patterns("worker.*", "*.lock"))
    monkeypatch.setenv("MLCYCLE_HOME", str(root))
    monkeypatch.setattr(worker, "ensure_worker", lambda ws, **kw: bool(jobs.run_worker(ws, idle_exit=0)))
    ids = Compared(root, *(getattr(trained, f) for f in ("project_id", "hypothesis_id", "linear_exp", "boosted_exp",
                                                         "linear", "boosted")))
    return Workspace(root), ids


# ---------------------------------------------------------------- list

def test_models_list_is_the_projects_leaderboard_with_intervals_and_a_total(compared, capsys):
    ws, ids = compared
    data = cli_json(ws, capsys, "models", "list", "--project", ids.project_id)
    assert data["total"] == 2 and {m["model_id"] for m in data["models"]} == {ids.linear, ids.boosted}
    for m in data["models"]:
        assert m["id"] == m["model_id"] and m["metric"] == "roc_auc" and m["stage"] == "none"
        assert m["low"] <= m["value"] <= m["high"]  # the 95% interval
    linear = next(m for m in data["models"] if m["model_id"] == ids.linear)
    assert linear["learner"] == "lrl2" and linear["p99_ms"] > 0  # benchmarked in the fixture
    values = [m["value"] for m in data["models"]]
    assert values == sorted(values, reverse=True)  # best first

    code, out, err = cli(ws, capsys, "models", "list", "--project", "Screening")  # a project's name works too
    assert code == 0, err
    assert out.splitlines()[0].split()[:3] == ["model", "experiment", "metric"]
    assert "2 of 2 models" in out and f"lrl2 · {ids.linear}" in out and f"lgbm · {ids.boosted}" in out
    linear_line = next(line for line in out.splitlines() if ids.linear in line)
    assert "roc_auc" in linear_line and "[" in linear_line and "linear" in linear_line

    page = cli_json(ws, capsys, "models", "list", "--project", ids.project_id, "--limit", "1", "--offset", "1")
    assert page["total"] == 2 and [m["model_id"] for m in page["models"]] == [data["models"][1]["model_id"]]
    code, out, _ = cli(ws, capsys, "models", "list", "--project", ids.project_id, "--limit", "1")
    assert "1 of 2 models" in out and "--offset 1" in out

    only = cli_json(ws, capsys, "models", "list", "--experiment", ids.boosted_exp)
    assert only["total"] == 1 and only["models"][0]["model_id"] == ids.boosted
    assert cli_json(ws, capsys, "models", "list", "--project", ids.project_id, "--learner", "lrl2")["total"] == 1


# ---------------------------------------------------------------- show

def test_models_show_has_the_evaluation_benchmark_gate_stage_and_verdict(compared, capsys):
    ws, ids = compared
    data = cli_json(ws, capsys, "models", "show", ids.linear)
    assert data["id"] == ids.linear and data["learner"] == "lrl2" and data["experiment"]["id"] == ids.linear_exp
    assert data["data_version"]["label"]
    ev = data["evaluation"]
    assert ev["method"] == "holdout" and ev["metric"] == "roc_auc" and ev["n_rows"] > 0
    assert {"roc_auc", "accuracy", "log_loss"} <= set(ev["metrics"])
    assert [c["class"] for c in ev["per_class"]] and all("recall" in c for c in ev["per_class"])
    assert data["benchmark"]["p99_ms"] > 0 and data["gate"] is None and data["stage"] == "none"
    assert data["hypothesis"]["id"] == ids.hypothesis_id

    code, out, err = cli(ws, capsys, "models", "show", ids.linear)
    assert code == 0, err
    assert out.startswith(f"Model {ids.linear}  (lrl2)  stage: none")
    assert "evaluation (holdout" in out and "* roc_auc" in out and "averaging" in out
    assert "trial " in out and "validation roc_auc" in out
    assert out.count("precision") == 1 and "benchmark (" in out and " p99 " in out and "rows/s by batch size" in out
    assert "gate: none set" in out and f"hypothesis {ids.hypothesis_id}: A linear model screens well" in out
    assert "  verdict: " in out

    # the other model has no benchmark yet: show says how to get one
    code, out, _ = cli(ws, capsys, "models", "show", ids.boosted)
    assert f"mlcycle models benchmark {ids.boosted}" in out


# ---------------------------------------------------------------- benchmark / evaluate

def test_models_benchmark_waits_for_the_job_and_prints_the_figures(compared, capsys, monkeypatch):
    from core import jobs
    from core.jobs import worker

    ws, ids = compared
    data = cli_json(ws, capsys, "models", "benchmark", ids.boosted, "--calls", "200")
    for key in ("p50_ms", "p95_ms", "p99_ms", "rows_per_s", "load_ms", "size_bytes", "peak_rss_mb"):
        assert key in data, key
    assert 0 < data["p50_ms"] <= data["p95_ms"] <= data["p99_ms"]
    assert set(data["rows_per_s"]) >= {"1", "100", "10000"} and all(v > 0 for v in data["rows_per_s"].values())
    assert data["size_bytes"] > 0 and data["peak_rss_mb"] > 0 and data["load_ms"] > 0
    assert data["benchmarks"][0]["model_id"] == ids.boosted
    assert jobs.get_job(ws, data["job_id"]).kind == "benchmark"
    # the figures are the model's latest benchmark now
    assert cli_json(ws, capsys, "models", "show", ids.boosted)["benchmark"]["p99_ms"] == data["p99_ms"]

    monkeypatch.setattr(worker, "ensure_worker", lambda ws, **kw: False)  # no worker: the job stays queued
    queued = cli_json(ws, capsys, "models", "benchmark", ids.linear, ids.boosted, "--no-wait")
    assert queued["id"] == queued["job_id"] and queued["status"] == "queued"
    assert queued["model_ids"] == [ids.linear, ids.boosted]
    jobs.cancel_job(ws, queued["id"])


def test_models_benchmark_prints_a_readable_table_and_progress_on_stderr(compared, capsys, monkeypatch):
    from core import jobs
    from core.jobs import worker

    ws, ids = compared
    calls = []  # no worker when the job is queued; the wait starts one (here: in this process)
    monkeypatch.setattr(worker, "ensure_worker",
                        lambda ws, **kw: bool(calls.append(1) or len(calls) > 1 and jobs.run_worker(ws, idle_exit=0)))
    code, out, err = cli(ws, capsys, "models", "benchmark", ids.linear, "--calls", "200")
    assert code == 0, err
    assert "p50 ms" in out and "p99 ms" in out and "rows/s by batch size" in out and ids.linear in out
    assert "10000: " in out
    assert "Measured in a fresh process" in out
    assert "Measured in a fresh process, 200 single-row calls each" in out
    assert "Benchmarking 1 model(s): 0% Waiting for the worker" in err


def test_models_evaluate_computes_only_missing_evaluations(compared, capsys):
    from core.evaluation import scoring

    ws, ids = compared
    done = cli_json(ws, capsys, "models", "evaluate", "--project", ids.project_id)
    assert done["job_id"] is None and done["model_ids"] == []  # the searches evaluated both
    code, out, _ = cli(ws, capsys, "models", "evaluate", "--project", "Screening")
    assert code == 0 and "has an evaluation; nothing to do" in out
    with ws.write() as db:  # a model made before evaluations existed
        db.execute("DELETE FROM evaluations WHERE model_id = ?", [ids.boosted])
    assert scoring.missing_evaluations(ws, ids.project_id) == [ids.boosted]
    data = cli_json(ws, capsys, "models", "evaluate", "--project", ids.project_id)
    assert data["model_ids"] == [ids.boosted] and data["failed"] == {}
    (ev,) = data["evaluated"]
    assert ev["model_id"] == ids.boosted and ev["method"] == "holdout" and ev["low"] <= ev["value"] <= ev["high"]
    assert scoring.get_evaluation(ws, ids.boosted) is not None
    # a named model is evaluated again; the table says how and what came out
    code, out, err = cli(ws, capsys, "models", "evaluate", ids.linear)
    assert code == 0, err
    assert out.splitlines()[0].split()[:2] == ["model", "method"] and "holdout (" in out and "roc_auc" in out
    assert "Evaluated 1 of 1 model(s)" in out


# ---------------------------------------------------------------- promote / history

def test_promote_keeps_one_production_model_and_the_history_says_who_and_why(compared, capsys):
    ws, ids = compared
    first = cli_json(ws, capsys, "models", "promote", ids.linear, "--stage", "production", "--note", "best AUC",
                     "--by", "kim")
    assert first["id"] == ids.linear and first["stage"] == "production" and first["previous_stage"] == "none"
    code, out, err = cli(ws, capsys, "models", "promote", ids.boosted, "--stage", "production", "--note", "faster")
    assert code == 0, err
    assert f"Model {ids.boosted} (lgbm): none -> production" in out
    assert f"Model {ids.linear} (lrl2), production until now, is archived" in out
    stages = {m["model_id"]: m["stage"] for m in cli_json(ws, capsys, "models", "list", "--project", ids.project_id,
                                                           "--stage", "archived")["models"]}
    assert stages == {ids.linear: "archived"}  # archived models stay listed (traceable)

    history = cli_json(ws, capsys, "models", "history", ids.linear)["history"]  # newest first
    assert [h["new_stage"] for h in history] == ["archived", "production"]
    assert history[1]["actor"] == "kim" and history[1]["note"] == "best AUC"
    assert history[0]["note"] == f"replaced by {ids.boosted}"
    code, out, _ = cli(ws, capsys, "models", "history", "--project", "Screening")
    assert out.splitlines()[0].split() == ["when", "model", "from", "to", "by", "note"]
    assert "best AUC" in out and "faster" in out and "none" in out


# ---------------------------------------------------------------- gates

def test_gates_set_show_check_and_clear(compared, capsys):
    ws, ids = compared
    assert cli_json(ws, capsys, "gates", "show", "--project", ids.project_id)["rule"] is None
    data = cli_json(ws, capsys, "gates", "set", "--project", ids.project_id, "roc_auc >= 0.5 and p99_ms <= 100000")
    assert data["rule"] == "roc_auc >= 0.5 and p99_ms <= 100000"
    code, out, _ = cli(ws, capsys, "gates", "show", "--project", "Screening")
    assert code == 0 and "Gate of project Screening: roc_auc >= 0.5 and p99_ms <= 100000" in out
    assert "Fields: " in out and "p99_ms" in out

    check = cli_json(ws, capsys, "gates", "check", "--project", ids.project_id)
    results = {r["model_id"]: r for r in check["results"]}
    assert results[ids.linear]["passed"] is True  # evaluated and benchmarked
    assert results[ids.boosted]["status"] == "unknown"  # not benchmarked: the latency clause cannot be decided
    assert results[ids.boosted]["unknown"] == ["p99_ms <= 100000 (no benchmark yet: benchmark the model)"]
    code, out, _ = cli(ws, capsys, "gates", "check", "--project", ids.project_id)
    assert "1 pass, 0 fail, 1 unknown" in out and "unknown: p99_ms <= 100000 (no benchmark yet" in out

    cli_json(ws, capsys, "gates", "set", "--project", ids.project_id, "roc_auc >= 1.01")
    code, out, _ = cli(ws, capsys, "gates", "check", "--project", ids.project_id)
    assert "0 pass, 2 fail, 0 unknown" in out and out.count("FAIL: roc_auc >= 1.01 (is 0.") == 2
    shown = cli_json(ws, capsys, "models", "show", ids.linear)["gate"]
    assert shown["passed"] is False and shown["failing"][0].startswith("roc_auc >= 1.01 (is 0.")
    code, out, _ = cli(ws, capsys, "models", "show", ids.linear)
    assert "gate `roc_auc >= 1.01`: FAIL: roc_auc >= 1.01 (is 0." in out
    code, out, _ = cli(ws, capsys, "models", "list", "--project", ids.project_id)
    assert out.count("FAIL: roc_auc >= 1.01") == 2

    assert cli_json(ws, capsys, "gates", "set", "--project", ids.project_id, "")["rule"] is None
    cli_json(ws, capsys, "gates", "set", "--project", ids.project_id, "accuracy >= 0")
    code, out, _ = cli(ws, capsys, "gates", "clear", "--project", ids.project_id)
    assert code == 0 and "Cleared the gate of project Screening" in out
    assert cli_json(ws, capsys, "gates", "show", "--project", ids.project_id)["rule"] is None
