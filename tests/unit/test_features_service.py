"""Feature reports stored and reused per (version, target, settings), the ``features`` job, and feature sets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core import jobs, overview
from core.data import datasets
from core.errors import Conflict, InvalidInput
from core.features import service
from core.store.activity import list_events
from core.store.lineage import list_links
from tests.conftest import make_project

QUICK = {"methods": ["mutual_info", "association"]}  # no model fit: for tests about storing, not ranking


def planted(n: int = 240, seed: int = 0) -> pd.DataFrame:
    """Churn rows: 'usage' and 'plan' carry the signal, 'noise' none; 'status_code' leaks the answer and
    'customer_id' is an ID."""
    rng = np.random.default_rng(seed)
    usage = rng.normal(size=n)
    plan = rng.choice(["basic", "pro", "max"], size=n)
    churned = np.where(usage + 1.2 * (plan == "max") + rng.normal(scale=0.4, size=n) > 0.4, "yes", "no")
    return pd.DataFrame({
        "customer_id": np.arange(10_001, 10_001 + n),
        "usage": usage,
        "plan": plan,
        "noise": rng.normal(size=n),
        "status_code": np.where(churned == "yes", 7, 3) + rng.normal(scale=0.01, size=n),
        "churned": churned,
    })


def add(ws, tmp_path, frame: pd.DataFrame, name: str = "churn", project_id: str | None = None):
    path = tmp_path / f"{name}-{len(list(tmp_path.iterdir()))}.csv"
    frame.to_csv(path, index=False)
    return datasets.add_dataset(ws, path, name=name, project_id=project_id).version


def _reports(ws) -> int:
    with ws.read() as db:
        return db.execute("SELECT COUNT(*) FROM feature_reports").fetchone()[0]


# ---------------------------------------------------------------- reports

def test_a_report_ranks_signal_above_noise_and_flags_the_leak_and_the_id(ws, tmp_path):
    version = add(ws, tmp_path, planted())
    report = service.analyze(ws, version.id, "churned")
    assert report.id.startswith("fea_") and report.version_id == version.id and report.task == "binary"
    assert set(report.columns) == {"customer_id", "usage", "plan", "noise", "status_code"}  # never the target
    order = report.columns
    assert order.index("usage") < order.index("noise") and order.index("plan") < order.index("noise")
    kinds = {(w["column"], w["kind"]) for w in report.warnings}
    assert ("status_code", "leakage") in kinds and ("customer_id", "id") in kinds
    assert set(report.warned_columns) >= {"status_code", "customer_id"} and "usage" not in report.warned_columns
    assert report.methods == ["mutual_info", "association", "lgbm_gain", "permutation"]
    assert report.n_used == 240 and report.seconds is not None and report.job_id is None
    assert service.get_report(ws, report.id) == report


def test_the_same_key_reuses_the_report_and_new_settings_or_task_compute_another(ws, tmp_path):
    version = add(ws, tmp_path, planted())
    assert service.find_report(ws, version.id, "churned", QUICK) is None
    first = service.analyze(ws, version.id, "churned", settings=QUICK)
    seen = []
    again = service.analyze(ws, version.id, "churned", settings=dict(QUICK), on_progress=seen.append)
    assert again.id == first.id and _reports(ws) == 1
    assert [p.message for p in seen] == [service.PROGRESS_MESSAGES["reused"]]  # read back, not computed
    # asking for the detected task by name is the same report
    assert service.analyze(ws, version.id, "churned", task="binary", settings=QUICK).id == first.id
    assert service.find_report(ws, version.id, "churned", QUICK).id == first.id

    other_seed = service.analyze(ws, version.id, "churned", settings=QUICK | {"seed": 1})
    assert other_seed.id != first.id and other_seed.settings["seed"] == 1 and _reports(ws) == 2
    as_multiclass = service.analyze(ws, version.id, "churned", task="multiclass", settings=QUICK)
    assert as_multiclass.id != first.id and _reports(ws) == 3
    other_target = service.analyze(ws, version.id, "plan", settings=QUICK)
    assert other_target.task == "multiclass" and "churned" in other_target.columns and _reports(ws) == 4
    assert [r.id for r in service.list_reports(ws, version.id, "churned")] == [as_multiclass.id, other_seed.id,
                                                                              first.id]


def test_progress_is_reported_in_order_and_ends_at_one(ws, tmp_path):
    version = add(ws, tmp_path, planted())
    seen = []
    service.analyze(ws, version.id, "churned", settings=QUICK, on_progress=seen.append)
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(seen) >= 4
    assert seen[0].message == service.PROGRESS_MESSAGES["reading"]
    assert service.PROGRESS_MESSAGES["storing"] in [p.message for p in seen]


def test_runs_inline_follows_the_cell_count(ws, tmp_path):
    version = add(ws, tmp_path, planted())
    assert service.runs_inline(version)
    import dataclasses

    big = dataclasses.replace(version, n_rows=service.INLINE_CELLS // version.n_cols + 1)
    assert not service.runs_inline(big)


# ---------------------------------------------------------------- the job

def test_the_job_runs_through_the_worker_and_stores_the_report(ws, tmp_path):
    project = make_project(ws, "Churn")
    version = add(ws, tmp_path, planted(), project_id=project.id)
    job = service.enqueue_report(ws, version.id, "churned", settings=QUICK, start_worker=False)
    assert job.kind == "features" and job.status == "queued" and job.project_id == project.id
    assert {k: job.payload[k] for k in ("version_id", "target", "task")} == {
        "version_id": version.id, "target": "churned", "task": "auto"}
    assert job.payload["settings"]["methods"] == QUICK["methods"]
    assert job.subject == ("dataset_version", version.id) and "churned" in job.title
    # the same request while it is queued: that job, not a second one
    assert service.enqueue_report(ws, version.id, "churned", task="binary", settings=QUICK,
                                  start_worker=False).id == job.id
    assert service.find_features_job(ws, version.id, "churned").id == job.id

    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    done = jobs.get_job(ws, job.id)
    assert done.status == "done" and done.progress == 1.0, done.error
    report = service.find_report(ws, version.id, "churned", QUICK)
    assert report is not None and report.job_id == job.id and done.result["report_id"] == report.id
    assert done.result["reused"] is False and "status_code" in done.result["warned_columns"]
    assert any("Stored feature report" in line.message for line in jobs.job_logs(ws, job.id))
    assert service.find_features_job(ws, version.id) is None

    # queued again once it is done: a new job, which reads the stored report back
    second = service.enqueue_report(ws, version.id, "churned", settings=QUICK, start_worker=False)
    assert second.id != job.id
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    assert jobs.get_job(ws, second.id).result == done.result | {"reused": True}
    assert _reports(ws) == 1


def test_a_different_request_queues_its_own_job(ws, tmp_path):
    version = add(ws, tmp_path, planted())
    a = service.enqueue_report(ws, version.id, "churned", settings=QUICK, start_worker=False)
    b = service.enqueue_report(ws, version.id, "churned", settings=QUICK | {"seed": 3}, start_worker=False)
    c = service.enqueue_report(ws, version.id, "plan", settings=QUICK, start_worker=False)
    assert len({a.id, b.id, c.id}) == 3


def test_a_cancelled_job_stores_no_report(ws, tmp_path):
    version = add(ws, tmp_path, planted())
    job = service.enqueue_report(ws, version.id, "churned", settings=QUICK, start_worker=False)
    with ws.write() as db:
        db["jobs"].update(job.id, {"cancel_requested": 1})
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    assert jobs.get_job(ws, job.id).status == "cancelled"
    assert _reports(ws) == 0


# ---------------------------------------------------------------- choosing columns

def test_drop_warned_and_top_k_say_what_they_left_out(ws, tmp_path):
    version = add(ws, tmp_path, planted())
    report = service.analyze(ws, version.id, "churned")
    columns, dropped = service.drop_warned(report)
    assert "status_code" not in columns and "customer_id" not in columns
    assert {"usage", "plan", "noise"} <= set(columns) and "churned" not in columns
    by_column = {d["column"]: d for d in dropped}
    assert "leakage" in by_column["status_code"]["kind"].split(",")
    assert "ROC AUC" in by_column["status_code"]["reason"] and "id" in by_column["customer_id"]["kind"].split(",")

    top, left = service.top_k(report, 2)
    assert top == [c for c in report.columns if c not in report.warned_columns][:2]
    assert {"usage", "plan"} == set(top)  # the leak would top the list: warned columns go first
    below = [d for d in left if d["kind"] == "below_top_k"]
    assert [d["column"] for d in below] == ["noise"] and "the set keeps the top 2" in below[0]["reason"]
    assert {d["column"] for d in left if d["kind"] != "below_top_k"} == set(report.warned_columns)

    raw, _ = service.top_k(report, 1, skip_warned=False)
    assert raw == report.columns[:1]
    assert service.top_k(report, 99)[0] == columns  # fewer than k sound columns: all of them


# ---------------------------------------------------------------- feature sets

def test_save_sets_three_ways_with_lineage_and_an_event(ws, tmp_path):
    project = make_project(ws, "Churn")
    version = add(ws, tmp_path, planted(), project_id=project.id)
    report = service.analyze(ws, version.id, "churned")

    columns, dropped = service.drop_warned(report)
    clean = service.save_set(ws, version.id, "no leaks", columns, target="churned", dropped=dropped,
                             how="drop_warned", report_id=report.id, created_by="ana")
    assert clean.id.startswith("fset_") and clean.columns == columns and clean.how == "drop_warned"
    assert clean.project_id == project.id and clean.dataset_id == version.dataset_id and clean.created_by == "ana"
    assert {d["column"] for d in clean.dropped} == set(report.warned_columns) and clean.report_id == report.id

    top, left = service.top_k(report, 2)
    best = service.save_set(ws, version.id, "top 2", top, target="churned", dropped=left, how="top_k",
                            report_id=report.id)
    assert best.columns == top

    hand = service.save_set(ws, version.id, "hand picked", "usage, plan", dropped=["noise"])
    assert hand.columns == ["usage", "plan"] and hand.target is None and hand.report_id is None
    assert hand.dropped == [{"column": "noise", "kind": "manual", "reason": ""}]

    links = list_links(ws, "feature_set", clean.id)
    assert [(lk.from_id, lk.relation, lk.to_kind, lk.to_id) for lk in links] == [
        (clean.id, "selected_from", "dataset_version", version.id)]
    events = [e for e in list_events(ws, project_id=project.id, limit=50) if e.object_kind == "feature_set"]
    assert {(e.object_id, e.verb) for e in events} == {(clean.id, "created"), (best.id, "created"),
                                                        (hand.id, "created")}
    assert any("'no leaks'" in e.message and f"{len(columns)} columns" in e.message for e in events)

    assert [s.id for s in service.list_sets(ws, dataset_id=version.dataset_id)] == [hand.id, best.id, clean.id]
    assert [s.id for s in service.list_sets(ws, project_id=project.id)] == [hand.id, best.id, clean.id]
    assert service.find_set(ws, "NO LEAKS").id == clean.id and service.find_set(ws, clean.id).id == clean.id
    assert service.get_set(ws, best.id) == best


def test_a_column_the_version_lacks_or_the_target_is_refused_by_name(ws, tmp_path):
    version = add(ws, tmp_path, planted())
    with pytest.raises(InvalidInput) as err:
        service.save_set(ws, version.id, "typo", ["usage", "usgae"])
    assert "'usgae'" in err.value.message and "'usage'" in err.value.hint
    with pytest.raises(InvalidInput) as err:
        service.save_set(ws, version.id, "leaky", ["usage", "churned"], target="churned")
    assert "includes the target 'churned'" in err.value.message and "Leave 'churned' out" in err.value.hint
    report = service.analyze(ws, version.id, "churned", settings=QUICK)
    with pytest.raises(InvalidInput) as err:  # the target comes from the report when not given
        service.save_set(ws, version.id, "leaky", ["usage", "churned"], report_id=report.id)
    assert "target 'churned'" in err.value.message
    assert service.list_sets(ws) == []


def test_a_duplicate_name_in_the_dataset_is_refused_until_the_other_is_archived(ws, tmp_path):
    version = add(ws, tmp_path, planted())
    first = service.save_set(ws, version.id, "Core", ["usage", "plan"])
    with pytest.raises(Conflict) as err:
        service.save_set(ws, version.id, "  core ", ["usage"])
    assert "already has a feature set named 'core'" in err.value.message and "archive" in err.value.hint
    other = add(ws, tmp_path, planted(seed=2), name="other")
    elsewhere = service.save_set(ws, other.id, "core", ["usage"])  # another dataset: allowed
    with pytest.raises(InvalidInput, match="2 feature sets"):
        service.find_set(ws, "core")
    assert service.find_set(ws, "core", dataset_id=other.dataset_id).id == elsewhere.id

    archived = service.archive_set(ws, first.id)
    assert archived.archived_at and service.list_sets(ws, dataset_id=version.dataset_id) == []
    assert [s.id for s in service.list_sets(ws, dataset_id=version.dataset_id, include_archived=True)] == [first.id]
    again = service.save_set(ws, version.id, "core", ["usage"])
    with pytest.raises(Conflict):
        service.restore_set(ws, first.id)
    service.archive_set(ws, again.id)
    assert service.restore_set(ws, first.id).archived_at is None


def test_sets_for_version_offers_a_set_on_a_later_version_only_when_all_its_columns_exist(ws, tmp_path):
    v1 = add(ws, tmp_path, planted())
    wide = service.save_set(ws, v1.id, "wide", ["usage", "plan", "noise"])
    narrow = service.save_set(ws, v1.id, "narrow", ["usage", "plan"])
    v2 = datasets.derive_version(ws, v1.id, {"op": "drop_columns", "columns": ["noise"]})
    assert v2.dataset_id == v1.dataset_id and v2.number == 2
    assert [s.id for s in service.sets_for_version(ws, v1.id)] == [narrow.id, wide.id]
    assert [s.id for s in service.sets_for_version(ws, v2.id)] == [narrow.id]  # 'wide' needs 'noise'
    on_v2 = service.save_set(ws, v2.id, "latest", ["usage"])
    assert [s.id for s in service.sets_for_version(ws, v2.id)] == [on_v2.id, narrow.id]  # its own version first
    assert [s.id for s in service.sets_for_version(ws, v1.id)] == [narrow.id, wide.id, on_v2.id]
    other = add(ws, tmp_path, planted(seed=5), name="other")
    assert service.sets_for_version(ws, other.id) == []  # another dataset's sets are not offered
    service.archive_set(ws, narrow.id)
    assert [s.id for s in service.sets_for_version(ws, v2.id)] == [on_v2.id]


def test_a_feature_set_is_a_subject_with_its_name_and_project(ws, tmp_path):
    project = make_project(ws, "Churn")
    version = add(ws, tmp_path, planted(), project_id=project.id)
    fs = service.save_set(ws, version.id, "core", ["usage"])
    loose = add(ws, tmp_path, planted(seed=4), name="loose")  # in no project
    other = service.save_set(ws, loose.id, "loose set", ["usage"])
    found = overview.subjects(ws, [("feature_set", fs.id), ("feature_set", other.id), ("feature_set", "fset_gone")])
    subject = found[("feature_set", fs.id)]
    assert (subject.name, subject.project_id, subject.dataset_id, subject.version_id, subject.parent_name) == (
        "core", project.id, version.dataset_id, version.id, "churn")
    assert found[("feature_set", other.id)].project_id is None and ("feature_set", "fset_gone") not in found
    service.archive_set(ws, fs.id)
    assert overview.subjects(ws, [("feature_set", fs.id)])[("feature_set", fs.id)].archived


def test_changing_a_column_type_ranks_anew(ws, tmp_path):
    version = add(ws, tmp_path, planted())
    first = service.analyze(ws, version.id, "churned", settings=QUICK)
    datasets.set_semantic_types(ws, version.id, {"customer_id": "numeric"})
    assert service.find_report(ws, version.id, "churned", QUICK) is None  # the stored one read the old types
    second = service.analyze(ws, version.id, "churned", settings=QUICK)
    assert second.id != first.id and _reports(ws) == 2
    by_column = {r["column"]: r for r in second.ranking}
    assert by_column["customer_id"]["kind"] == "numeric"
