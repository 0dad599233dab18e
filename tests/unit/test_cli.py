"""The CLI: one JSON object per command with --json, errors on stderr with a non-zero exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def mlcycle(ws_root: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    return subprocess.run([sys.executable, "-m", "core.cli", "--workspace", str(ws_root), *args],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)


def _cli(ws, capsys, *args: str) -> tuple[int, str, str]:
    """Run the CLI in this process (what `mlcycle` runs): exit code, stdout, stderr."""
    from core.cli import main

    code = main(["--workspace", str(ws.root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_projects_create_and_list_print_one_json_object(ws, capsys):
    code, out, err = _cli(ws, capsys, "projects", "create", "이탈 예측", "--json")
    assert code == 0, err
    created = json.loads(out)
    assert created["id"].startswith("prj_") and created["name"] == "이탈 예측"
    code, out, _ = _cli(ws, capsys, "projects", "list", "--json")
    assert [p["id"] for p in json.loads(out)["projects"]] == [created["id"]]
    assert len(out.strip().splitlines()) == 1


def test_errors_go_to_stderr_with_a_non_zero_exit(ws, capsys):
    _cli(ws, capsys, "projects", "create", "A")
    code, out, err = _cli(ws, capsys, "projects", "create", "a", "--json")
    assert code == 2 and out == ""
    error = json.loads(err.strip().splitlines()[-1])
    assert "already exists" in error["error"] and error["hint"]
    code, _, err = _cli(ws, capsys, "jobs", "cancel", "job_nope")
    assert code == 2 and "job_nope" in err


@pytest.mark.slow
def test_jobs_run_in_a_worker_and_can_be_listed_and_cancelled(tmp_path: Path):
    queued = json.loads(mlcycle(tmp_path, "jobs", "sleep", "--seconds", "30", "--no-worker", "--json").stdout)
    assert queued["status"] == "queued"
    cancelled = json.loads(mlcycle(tmp_path, "jobs", "cancel", queued["id"], "--json").stdout)
    assert cancelled["status"] == "cancelled"
    done = json.loads(mlcycle(tmp_path, "jobs", "sleep", "--seconds", "0.2", "--steps", "2", "--wait", "--json").stdout)
    assert done["status"] == "done"
    listed = json.loads(mlcycle(tmp_path, "jobs", "list", "--json").stdout)
    assert {j["status"] for j in listed["jobs"]} == {"done", "cancelled"}
    # the background worker started by `--wait` is still alive: a second one is refused
    second = mlcycle(tmp_path, "worker", "--idle-exit", "0")
    assert second.returncode == 2 and "already running" in second.stderr
    pid = int((tmp_path / "worker.spawn").read_text().split()[0])
    os.kill(pid, 15)


def test_demo_seeds_once(ws, capsys):
    def run(*args: str) -> dict:
        code, out, err = _cli(ws, capsys, *args, "--json")
        assert code == 0, err
        return json.loads(out)

    first, again = run("demo", "--no-train"), run("demo", "--no-train")
    assert first["created"] is True and again["created"] is False and again["id"] == first["id"]
    # the log names both projects it made
    code, out, _ = _cli(ws, capsys, "demo", "--force", "--no-train")
    assert code == 0 and "Demo: breast cancer screening" in out and "Demo: customer churn" in out
    assert "Demo: labeling" in out
    listed = run("projects", "list")["projects"]
    assert len(listed) == 6  # breast cancer, churn and labeling demos, once more with --force (not nine)
    datasets = run("datasets", "list")["datasets"]
    assert {d["name"] for d in datasets} == {"breast_cancer", "churn", "붓꽃 (iris, cp949)", "reviews", "digits"}
    churn_project = next(p for p in listed if "churn" in p["name"])
    in_churn = run("datasets", "list", "--project", churn_project["id"])
    assert in_churn["datasets"][0]["name"] == "churn"  # what the churn project's pages pick by default

# ---------------------------------------------------------------- experiments refit / reproduce run as jobs

def _stopped_experiment(ws, *, learner: str):
    """A cancelled search on the breast-cancer sample with two recorded trials of ``learner`` (nothing trained)."""
    from core import experiments
    from core.data import datasets
    from core.experiments import service
    from core.experiments.search import SearchConfig, TrialRecord
    from tests.conftest import SAMPLES

    version = datasets.add_dataset(ws, SAMPLES / "breast_cancer.csv").version
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="diagnosis", time_budget=60),
                                        start_worker=False)
    for trial, loss in enumerate([0.3, 0.2]):
        service._store_run(ws, exp, TrialRecord(
            trial=trial, learner=learner, config={"C": 1.0}, val_loss=loss, val_metric=1 - loss, metric=exp.metric,
            train_time=0.1, wall_offset=float(trial), sample_size=None, status="ok", is_best=False))
    experiments.cancel_experiment(ws, exp.id)
    return exp


def test_refit_and_reproduce_refuse_unknown_ids_before_queueing_with_exit_code_2(ws, capsys):
    from core import jobs

    code, out, err = _cli(ws, capsys, "experiments", "reproduce", "mdl_nope")
    assert code == 2 and out == "" and "mdl_nope" in err
    code, out, err = _cli(ws, capsys, "experiments", "refit", "exp_nope", "--json")
    assert code == 2 and out == ""
    error = json.loads(err.strip().splitlines()[-1])
    assert error["type"] == "NotFound" and "exp_nope" in error["error"] and error["hint"]
    code, _, err = _cli(ws, capsys, "experiments", "reproduce", "exp_nope")
    assert code == 2 and "exp_nope" in err
    assert jobs.list_jobs(ws) == []


def test_a_refit_whose_job_fails_exits_non_zero_with_the_jobs_reason(ws, capsys, monkeypatch):
    from core import jobs
    from core.jobs import worker

    exp = _stopped_experiment(ws, learner="no_such_learner")  # passes the checks, fails in the job
    monkeypatch.setattr(worker, "ensure_worker", lambda ws, **kw: bool(jobs.run_worker(ws, idle_exit=0)))
    code, out, err = _cli(ws, capsys, "experiments", "refit", exp.id)
    (job,) = jobs.list_jobs(ws, kind="refit")
    assert job.status == "failed"
    assert code != 0 and out == ""
    assert job.id in err and "failed" in err and "no_such_learner" in err


@pytest.mark.slow
def test_refit_and_reproduce_run_in_the_background_worker_and_wait_for_it(ws):
    """The CLI process queues the job; a worker process it starts runs it; the CLI prints the outcome."""
    from core import experiments, jobs

    exp = _stopped_experiment(ws, learner="lrl2")
    out = mlcycle(ws.root, "experiments", "refit", exp.id)
    assert out.returncode == 0, out.stderr
    model_id = experiments.get_experiment(ws, exp.id).best_model_id
    assert out.stdout.strip() == f"Refit the best trial as model {model_id} (lrl2)"

    out = mlcycle(ws.root, "experiments", "reproduce", exp.id, "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["model_id"] == model_id and result["identical"] is True and result["max_abs_diff"] == 0.0
    assert result["n_rows"] == experiments.get_model(ws, model_id).holdout["n_rows"]
    job = jobs.get_job(ws, result["job_id"])
    assert (job.kind, job.status) == ("reproduce", "done") and job.pid != os.getpid()


def test_jobs_retry_queues_a_failed_job_again_and_refuses_a_done_one(ws, capsys):
    from core import jobs
    from core.jobs import worker

    failed = jobs.enqueue(ws, "echo", {"fail": True}, title="echo that fails", start_worker=False)
    done = jobs.enqueue(ws, "echo", {}, title="echo", start_worker=False)
    worker.run_worker(ws, idle_exit=0, max_jobs=2)
    assert jobs.get_job(ws, failed.id).status == "failed" and jobs.get_job(ws, done.id).status == "done"

    code, out, err = _cli(ws, capsys, "jobs", "retry", failed.id, "--json")
    assert code == 0, err
    again = json.loads(out)
    assert again["id"] != failed.id and again["status"] == "queued" and again["kind"] == "echo"
    assert jobs.get_job(ws, failed.id).status == "failed"  # the old one stays as it ended

    code, _, err = _cli(ws, capsys, "jobs", "retry", done.id)
    assert code == 2 and "already ended as done" in err or code == 2 and "done" in err
    jobs.cancel_job(ws, again["id"])
