"""`mlcycle features VERSION --target COL`, `features save|list|archive`: each with --json and as text."""

from __future__ import annotations

import json

import pytest

from core import jobs
from core.features import service
from tests.conftest import make_project
from tests.shared import cli, cli_json
from tests.unit.test_features_service import add, planted

QUICK = ("--methods", "mutual_info,association")  # no model fit: the warnings are checked all the same


def test_rank_prints_the_ranking_and_the_warnings_then_reuses_the_report(ws, tmp_path, capsys):
    version = add(ws, tmp_path, planted())
    data = cli_json(ws, capsys, "features", "churn", "--target", "churned")
    assert data["id"].startswith("fea_") and data["version_id"] == version.id and data["target"] == "churned"
    assert data["task"] == "binary" and data["methods"] == ["mutual_info", "association", "lgbm_gain", "permutation"]
    assert data["reused"] is False and isinstance(data["notes"], list)
    ranked = [r["column"] for r in data["ranking"]]
    assert set(ranked) == {"customer_id", "usage", "plan", "noise", "status_code"}
    assert ranked.index("usage") < ranked.index("noise")
    first = data["ranking"][0]
    assert {"column", "kind", "scores", "ranks", "consensus_rank", "consensus_score"} <= set(first)
    assert set(first["scores"]) == set(data["methods"]) and first["consensus_rank"] == 1
    warned = {(w["column"], w["kind"]) for w in data["warnings"]}
    assert ("status_code", "leakage") in warned and ("customer_id", "id") in warned
    assert all(w["reason"] for w in data["warnings"])

    code, out, err = cli(ws, capsys, "features", version.id, "--target", "churned")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"Ranked 5 columns of churn v1 · {version.id} for 'churned' (binary task")
    assert lines[1].startswith("Warnings (")
    leak = next(line for line in lines if line.strip().startswith("status_code [leakage]"))
    assert "ROC AUC" in leak
    header = next(line for line in lines if line.startswith("#"))
    for word in ("column", "consensus", "mutual info", "association", "LightGBM gain", "permutation", "warnings"):
        assert word in header
    assert f"Reused the stored report {data['id']}" in out  # the second time: read back


def test_rank_named_explicitly_with_a_task_and_methods(ws, tmp_path, capsys):
    add(ws, tmp_path, planted())
    data = cli_json(ws, capsys, "features", "rank", "churn:v1", "--target", "plan", "--task", "multiclass", *QUICK)
    assert data["task"] == "multiclass" and data["methods"] == ["mutual_info", "association"]
    assert "churned" in [r["column"] for r in data["ranking"]]
    code, out, _ = cli(ws, capsys, "features", "churn", "--target", "plan", "--task", "multiclass", *QUICK)
    header = next(line for line in out.splitlines() if line.startswith("#"))
    assert code == 0 and "(multiclass task" in out and "mutual info" in header and "LightGBM gain" not in header


def test_rank_in_the_background_queues_one_job(ws, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("core.jobs.worker.ensure_worker", lambda ws, **kw: False)  # the test runs the job itself
    version = add(ws, tmp_path, planted())
    data = cli_json(ws, capsys, "features", "churn", "--target", "churned", "--background", *QUICK)
    assert data["id"].startswith("job_") and data["kind"] == "features" and data["status"] == "queued"
    code, out, _ = cli(ws, capsys, "features", "churn", "--target", "churned", "--background", *QUICK)
    assert code == 0 and out.startswith(f"Queued job {data['id']}:")  # the same job, not a second one
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    report = service.find_report(ws, version.id, "churned", {"methods": ["mutual_info", "association"]})
    assert jobs.get_job(ws, data["id"]).result["report_id"] == report.id
    assert cli_json(ws, capsys, "features", "churn", "--target", "churned", *QUICK)["reused"] is True


def test_save_by_columns_by_dropping_warned_and_by_top_k(ws, tmp_path, capsys):
    project = make_project(ws, "Churn")
    version = add(ws, tmp_path, planted(), project_id=project.id)
    hand = cli_json(ws, capsys, "features", "save", "churn", "--name", "hand", "--columns", "usage,plan",
                    "--target", "churned", "--by", "ana")
    assert hand["id"].startswith("fset_") and hand["name"] == "hand" and hand["columns"] == ["usage", "plan"]
    assert hand["how"] == "manual" and hand["target"] == "churned" and hand["created_by"] == "ana"
    assert hand["project_id"] == project.id and hand["version_id"] == version.id and hand["n_columns"] == 2

    clean = cli_json(ws, capsys, "features", "save", "churn", "--name", "no leaks", "--drop-warned",
                     "--target", "churned", *QUICK)
    assert "status_code" not in clean["columns"] and "customer_id" not in clean["columns"]
    assert {"usage", "plan", "noise"} <= set(clean["columns"]) and clean["how"] == "drop_warned"
    assert {d["column"] for d in clean["dropped"]} >= {"status_code", "customer_id"} and clean["report_id"]

    top = cli_json(ws, capsys, "features", "save", "churn", "--name", "top2", "--top", "2", "--target", "churned",
                   *QUICK)
    assert set(top["columns"]) == {"usage", "plan"} and top["how"] == "top_k"
    assert {d["column"]: d["kind"] for d in top["dropped"]}["noise"] == "below_top_k"

    code, out, err = cli(ws, capsys, "features", "save", version.id, "--name", "text", "--drop-warned", "--target",
                         "churned", *QUICK)
    assert code == 0, err
    assert out.startswith("Saved feature set 'text' (fset_") and "Left out 2:" in out
    assert "status_code [leakage" in out and "--feature-set" in out
    code, out, _ = cli(ws, capsys, "features", "save", "churn", "--name", "two", "--columns", "usage,noise")
    assert code == 0 and "2 columns (usage, noise)" in out and "Left out" not in out
    assert len(service.list_sets(ws)) == 5


def test_list_and_archive(ws, tmp_path, capsys):
    code, out, _ = cli(ws, capsys, "features", "list")
    assert code == 0 and out.startswith("No feature sets yet.")
    assert cli_json(ws, capsys, "features", "list") == {"sets": []}

    from core.data import datasets

    v1 = add(ws, tmp_path, planted())
    wide = cli_json(ws, capsys, "features", "save", "churn", "--name", "wide", "--columns", "usage,noise")
    v2 = datasets.derive_version(ws, v1.id, {"op": "drop_columns", "columns": ["noise"]})
    narrow = cli_json(ws, capsys, "features", "save", "churn:v2", "--name", "narrow", "--columns", "usage")
    add(ws, tmp_path, planted(seed=3), name="other")
    other = cli_json(ws, capsys, "features", "save", "other", "--name", "x", "--columns", "plan")

    listed = cli_json(ws, capsys, "features", "list")
    assert [s["id"] for s in listed["sets"]] == [other["id"], narrow["id"], wide["id"]]
    assert listed["sets"][1]["version_label"].startswith("churn v2") and listed["sets"][1]["dataset"] == "churn"
    assert [s["id"] for s in cli_json(ws, capsys, "features", "list", "--dataset", "churn")["sets"]] == [
        narrow["id"], wide["id"]]
    offered = cli_json(ws, capsys, "features", "list", "--version", v2.id)["sets"]
    assert [s["id"] for s in offered] == [narrow["id"]]  # 'wide' needs 'noise', which v2 dropped
    code, out, _ = cli(ws, capsys, "features", "list", "--dataset", "churn")
    assert code == 0 and "narrow" in out and "wide" in out and "other" not in out and "churn v2" in out

    archived = cli_json(ws, capsys, "features", "archive", "wide")
    assert archived["id"] == wide["id"] and archived["archived_at"]
    code, out, _ = cli(ws, capsys, "features", "archive", narrow["id"])
    assert code == 0 and out.startswith("Archived feature set 'narrow'")
    assert [s["id"] for s in cli_json(ws, capsys, "features", "list", "--dataset", "churn")["sets"]] == []
    everything = cli_json(ws, capsys, "features", "list", "--all")["sets"]
    assert len(everything) == 3
    code, out, _ = cli(ws, capsys, "features", "list", "--all")
    assert code == 0 and out.count("archived") == 2


def test_help_reads_well(ws, capsys):
    with pytest.raises(SystemExit) as done:
        cli(ws, capsys, "features", "--help")
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "mlcycle features VERSION --target COL" in out and "mlcycle features save VERSION" in out


def test_user_errors_exit_2_with_one_line(ws, tmp_path, capsys):
    add(ws, tmp_path, planted())
    cases = [
        (("features", "churn", "--target", "churnd"), "no column 'churnd'"),
        (("features", "nothing", "--target", "x"), "no dataset or version called 'nothing'"),
        (("features", "save", "churn", "--name", "a", "--drop-warned"), "--drop-warned needs the target"),
        (("features", "save", "churn", "--name", "a", "--top", "3"), "--top needs the target"),
        (("features", "save", "churn", "--name", "a", "--columns", "usage,nope"), "'nope'"),
        (("features", "save", "churn", "--name", "a", "--columns", "usage,churned", "--target", "churned"),
         "includes the target 'churned'"),
        (("features", "save", "churn", "--name", "a", "--top", "0", "--target", "churned", *QUICK),
         "Keep at least one column"),
        (("features", "churn", "--target", "churned", "--methods", "magic"), "Unknown method 'magic'"),
        (("features", "archive", "missing"), "There is no feature set 'missing'"),
    ]
    for args, words in cases:
        code, out, err = cli(ws, capsys, *args)
        assert code == 2 and out == "", (args, err)
        assert err.startswith("error: ") and words in err and len(err.strip().splitlines()) == 1, (args, err)
    cli(ws, capsys, "features", "save", "churn", "--name", "Same", "--columns", "usage")
    code, _, err = cli(ws, capsys, "features", "save", "churn", "--name", "same", "--columns", "plan", "--json")
    assert code == 2 and "already has a feature set named 'same'" in json.loads(err)["error"]
