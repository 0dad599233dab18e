"""Fault suite (issue #15): feature reports and feature sets asked for with bad input are refused with what
was wrong and what to do; nothing is stored or queued then."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core import jobs
from core.errors import Conflict, ExternalToolFailed, InvalidInput, NotFound
from core.features import service
from tests.unit.test_features_service import add, planted

QUICK = {"methods": ["mutual_info", "association"]}


def _nothing_kept(ws) -> None:
    with ws.read() as db:
        assert db.execute("SELECT COUNT(*) FROM feature_reports").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0] == 0


def _refused(ws, version_id, target, *words, task="auto", settings=None, error=InvalidInput):
    """Both the inline report and its job refuse, with the same message; nothing is kept."""
    with pytest.raises(error) as err:
        service.analyze(ws, version_id, target, task=task, settings=settings)
    for word in words:
        assert word in err.value.message, err.value.message
    assert err.value.hint
    with pytest.raises(error) as queued:
        service.enqueue_report(ws, version_id, target, task=task, settings=settings, start_worker=False)
    assert queued.value.message == err.value.message
    _nothing_kept(ws)
    return err.value


def test_an_unknown_version_target_or_task(ws, tmp_path):
    version = add(ws, tmp_path, planted())
    _refused(ws, "dsv_nothing", "churned", "no dataset version with id 'dsv_nothing'", error=NotFound)
    err = _refused(ws, version.id, "churnd", "no column 'churnd'")
    assert "'churned'" in err.hint and "'usage'" in err.hint
    _refused(ws, version.id, "", "Choose the target column")
    err = _refused(ws, version.id, "churned", "Unknown task 'classify'", task="classify")
    assert "regression" in err.hint


@pytest.mark.parametrize(("settings", "words"), [
    ({"seeds": 1}, "Unknown feature-analysis setting 'seeds'"),
    ({"seed": "x"}, "The seed must be a whole number"),
    ({"seed": True}, "The seed must be a whole number"),
    ({"sample_rows": 5}, "at least 20"),
    ({"n_repeats": 0}, "permutation repeats"),
    ({"test_size": 0.9}, "held-out share"),
    ({"methods": []}, "Choose at least one method"),
    ({"methods": ["mutual_info", "magic"]}, "Unknown method 'magic'"),
    ("fast", "must be a mapping"),
])
def test_bad_settings(ws, tmp_path, settings, words):
    version = add(ws, tmp_path, planted())
    _refused(ws, version.id, "churned", words, settings=settings)


def test_targets_that_cannot_be_ranked_for(ws, tmp_path):
    frame = planted(60)
    frame["empty"] = np.nan
    frame["same"] = "yes"
    frame["label"] = np.where(np.arange(60) < 10, np.resize(["a", "b"], 60), None)  # 10 rows with a value
    frame["three"] = np.resize(["a", "b", "c"], 60)
    version = add(ws, tmp_path, frame)
    _refused(ws, version.id, "empty", "every row is missing")
    err = _refused(ws, version.id, "same", "single value ('yes')", "nothing to predict")
    assert "differ" in err.hint
    _refused(ws, version.id, "label", "Only 10 rows", "at least 20")
    _refused(ws, version.id, "three", "3 distinct values; a binary task needs two", task="binary")
    _refused(ws, version.id, "plan", "not numeric", task="regression")


def test_a_version_too_small_or_with_only_the_target(ws, tmp_path):
    small = add(ws, tmp_path, planted(12), name="small")
    _refused(ws, small.id, "churned", "has 12 rows", "at least 20")
    alone = add(ws, tmp_path, planted()[["churned"]], name="alone")
    _refused(ws, alone.id, "churned", "only the column 'churned'", "no features to rank")


def test_a_method_that_fails_is_reported_not_raised_raw_and_nothing_is_stored(ws, tmp_path, monkeypatch):
    from core.features import importance

    version = add(ws, tmp_path, planted())

    def broken(*args, **kwargs):
        raise ValueError("Input contains NaN")

    monkeypatch.setattr(importance, "analyze_frame", broken)
    with pytest.raises(ExternalToolFailed) as err:
        service.analyze(ws, version.id, "churned", settings=QUICK)
    assert "Ranking the features of 'churn' v1" in err.value.message and "'churned'" in err.value.message
    assert "ValueError: Input contains NaN" in err.value.message and "task" in err.value.hint
    _nothing_kept(ws)


def test_a_job_without_a_version_fails_with_a_clear_message(ws):
    job = jobs.enqueue(ws, "features", {"target": "churned"}, start_worker=False)
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    failed = jobs.get_job(ws, job.id)
    assert failed.status == "failed" and "names no dataset version or target" in failed.error


def test_a_job_whose_target_went_wrong_fails_with_the_reason(ws, tmp_path):
    version = add(ws, tmp_path, planted())
    job = jobs.enqueue(ws, "features", {"version_id": version.id, "target": "gone", "task": "auto", "settings": {}},
                       start_worker=False)
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    failed = jobs.get_job(ws, job.id)
    assert failed.status == "failed" and "no column 'gone'" in failed.error


def test_unknown_reports_and_sets(ws):
    with pytest.raises(NotFound) as err:
        service.get_report(ws, "fea_nothing")
    assert "fea_nothing" in err.value.message and "mlcycle features" in err.value.hint
    for call in (lambda: service.get_set(ws, "fset_nothing"), lambda: service.find_set(ws, "nothing"),
                 lambda: service.archive_set(ws, "fset_nothing")):
        with pytest.raises(NotFound) as err:
            call()
        assert "There is no feature set" in err.value.message and "mlcycle features list" in err.value.hint


def _sets(ws) -> int:
    with ws.read() as db:
        return db.execute("SELECT COUNT(*) FROM feature_sets").fetchone()[0]


def test_sets_that_cannot_be_saved(ws, tmp_path):
    version = add(ws, tmp_path, planted())
    other = add(ws, tmp_path, planted(seed=1), name="other")
    report = service.analyze(ws, other.id, "churned", settings=QUICK)
    plan_report = service.analyze(ws, version.id, "plan", settings=QUICK)
    cases = [
        (dict(name="  ", columns=["usage"]), InvalidInput, "needs a name"),
        (dict(name="x" * 81, columns=["usage"]), InvalidInput, "81 characters long; the limit is 80"),
        (dict(name="a", columns=[]), InvalidInput, "at least one column"),
        (dict(name="a", columns=" , "), InvalidInput, "at least one column"),
        (dict(name="a", columns=["usage", "ghost", "spook"]), InvalidInput, "no columns 'ghost', 'spook'"),
        (dict(name="a", columns=["usage"], target="ghost"), InvalidInput, "no column 'ghost' to use as the target"),
        (dict(name="a", columns=["usage", "churned"], target="churned"), InvalidInput, "includes the target"),
        (dict(name="a", columns=["usage"], report_id=report.id), InvalidInput, "of another dataset version"),
        (dict(name="a", columns=["usage"], report_id=plan_report.id, target="churned"), InvalidInput,
         "ranks the columns for 'plan', not 'churned'"),
        (dict(name="a", columns=["usage"], report_id="fea_nothing"), NotFound, "fea_nothing"),
        (dict(name="a", columns=["usage"], how="x" * 201), InvalidInput, "the limit is 200"),
        (dict(name="a", columns=["usage"], project_id="prj_nothing"), NotFound, "prj_nothing"),
    ]
    for kwargs, error, words in cases:
        with pytest.raises(error) as err:
            service.save_set(ws, version.id, **kwargs)
        assert words in err.value.message and err.value.hint, (kwargs, err.value)
    with pytest.raises(NotFound):
        service.save_set(ws, "dsv_nothing", "a", ["usage"])
    assert _sets(ws) == 0


def test_a_duplicate_name_keeps_the_first_set(ws, tmp_path):
    version = add(ws, tmp_path, planted())
    first = service.save_set(ws, version.id, "core", ["usage"])
    with pytest.raises(Conflict) as err:
        service.save_set(ws, version.id, "CORE", ["plan"])
    assert "Dataset 'churn' already has a feature set named 'CORE'" in err.value.message
    assert [s.id for s in service.list_sets(ws)] == [first.id] and service.get_set(ws, first.id).columns == ["usage"]


@pytest.mark.parametrize("k", [0, -1, "3", True, 2.5])
def test_top_k_needs_a_positive_whole_number(ws, tmp_path, k):
    version = add(ws, tmp_path, planted())
    report = service.analyze(ws, version.id, "churned", settings=QUICK)
    with pytest.raises(InvalidInput) as err:
        service.top_k(report, k)
    assert "Keep at least one column" in err.value.message and "e.g. 10" in err.value.hint


def test_a_report_with_missing_scores_still_gives_sets(ws, tmp_path):
    """A column a method skipped (an ID) has None scores; choosing columns does not trip over them."""
    frame = planted()
    frame["ref"] = [f"R-{i:05d}" for i in range(len(frame))]
    version = add(ws, tmp_path, frame)
    report = service.analyze(ws, version.id, "churned")
    skipped = next(r for r in report.ranking if r["column"] == "ref")
    assert skipped["scores"]["lgbm_gain"] is None
    columns, dropped = service.drop_warned(report)
    assert "ref" not in columns and "ref" in {d["column"] for d in dropped}
    assert pd.Series(service.top_k(report, 3)[0]).is_unique
