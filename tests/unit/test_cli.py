"""The CLI: one JSON object per command with --json, errors on stderr with a non-zero exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def mlcycle(ws_root: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    return subprocess.run([sys.executable, "-m", "core.cli", "--workspace", str(ws_root), *args],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_projects_create_and_list_print_one_json_object(tmp_path: Path):
    out = mlcycle(tmp_path, "projects", "create", "이탈 예측", "--json")
    assert out.returncode == 0, out.stderr
    created = json.loads(out.stdout)
    assert created["id"].startswith("prj_") and created["name"] == "이탈 예측"
    listed = mlcycle(tmp_path, "projects", "list", "--json")
    assert [p["id"] for p in json.loads(listed.stdout)["projects"]] == [created["id"]]
    assert len(listed.stdout.strip().splitlines()) == 1


def test_errors_go_to_stderr_with_a_non_zero_exit(tmp_path: Path):
    mlcycle(tmp_path, "projects", "create", "A")
    out = mlcycle(tmp_path, "projects", "create", "a", "--json")
    assert out.returncode == 2 and out.stdout == ""
    err = json.loads(out.stderr.strip().splitlines()[-1])
    assert "already exists" in err["error"] and err["hint"]
    plain = mlcycle(tmp_path, "jobs", "cancel", "job_nope")
    assert plain.returncode == 2 and "job_nope" in plain.stderr


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


def test_demo_seeds_once(tmp_path: Path):
    first = json.loads(mlcycle(tmp_path, "demo", "--json").stdout)
    again = json.loads(mlcycle(tmp_path, "demo", "--json").stdout)
    assert first["created"] is True and again["created"] is False and again["id"] == first["id"]
    listed = json.loads(mlcycle(tmp_path, "projects", "list", "--json").stdout)["projects"]
    assert len(listed) == 2  # breast cancer and churn demos, not four
    datasets = json.loads(mlcycle(tmp_path, "datasets", "list", "--json").stdout)["datasets"]
    assert {d["name"] for d in datasets} == {"breast_cancer", "churn", "붓꽃 (iris, cp949)"}
    churn_project = next(p for p in listed if "churn" in p["name"])
    in_churn = json.loads(mlcycle(tmp_path, "datasets", "list", "--project", churn_project["id"], "--json").stdout)
    assert in_churn["datasets"][0]["name"] == "churn"  # what the churn project's pages pick by default
