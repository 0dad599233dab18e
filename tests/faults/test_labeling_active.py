"""Fault suite (issue #14): label suggestions that cannot be made yet are refused with the reason and
what to do; nothing is queued or stored then, and earlier suggestions are kept."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core import jobs
from core.data import datasets
from core.errors import InvalidInput, NotFound
from core.labeling import active, annotations, tasks


def _version(ws, tmp_path, frame: pd.DataFrame, name: str = "rows.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return datasets.add_dataset(ws, path).version


def _rows(n: int = 60, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.normal(size=n),
                         "note": [f"row {i}" for i in range(n)]})


def _task(ws, tmp_path, **kw):
    version = _version(ws, tmp_path, kw.pop("frame", None) if "frame" in kw else _rows())
    return tasks.create_task(ws, version.id, name=kw.pop("name", "Outcome"), classes=kw.pop("classes", "yes,no"), **kw)


def _refused(ws, task, *words: str) -> InvalidInput:
    ok, reason = active.can_suggest(ws, task)
    assert ok is False
    for word in words:
        assert word in reason
    with pytest.raises(InvalidInput) as err:
        active.enqueue_suggestions(ws, task.id, start_worker=False)
    assert err.value.message == reason and err.value.hint
    with pytest.raises(InvalidInput):
        active.train_suggester(ws, task.id)
    assert jobs.list_jobs(ws, kind=active.JOB_KIND) == []
    assert active.latest_run(ws, task.id) is None and active.suggestions(ws, task.id) == {}
    return err.value


def test_too_few_labels_are_refused_saying_how_many_more(ws, tmp_path):
    task = _task(ws, tmp_path)
    err = _refused(ws, task, "at least 10 labeled items", "has 0")
    assert "Label 10 more" in err.hint
    for item in range(6):
        annotations.record_label(ws, task.id, item, "yes" if item % 2 else "no", annotator="ann")
    err = _refused(ws, task, "has 6")
    assert "Label 4 more" in err.hint


def test_labels_of_one_class_are_refused(ws, tmp_path):
    task = _task(ws, tmp_path)
    annotations.record_labels(ws, task.id, list(range(12)), "yes", annotator="ann")
    _refused(ws, task, "two classes", "'yes' (12)")
    annotations.record_label(ws, task.id, 20, "no", annotator="ann")  # one label of a class is not enough
    err = _refused(ws, task, "two classes", "'no' (1)")
    assert "another class" in err.hint


def test_an_image_task_is_refused_as_not_supported_yet(ws, tmp_path):
    frame = pd.DataFrame({"image": [f"img_{i}.png" for i in range(30)]})
    task = _task(ws, tmp_path, frame=frame, kind="image", item_column="image")
    annotations.record_labels(ws, task.id, list(range(15)), "yes", annotator="ann")
    annotations.record_labels(ws, task.id, list(range(15, 30)), "no", annotator="ann")
    _refused(ws, task, "not supported for image tasks")


def test_a_multi_label_task_is_refused(ws, tmp_path):
    task = _task(ws, tmp_path, multi_label=True)
    _refused(ws, task, "single-label tasks only")


def test_rows_with_nothing_but_the_label_column_are_refused(ws, tmp_path):
    frame = pd.DataFrame({"outcome": ["yes", "no"] * 10})
    task = _task(ws, tmp_path, frame=frame)
    _refused(ws, task, "no columns besides the item and label columns")


def test_rows_whose_columns_make_no_features_fail_clearly_and_keep_nothing(ws, tmp_path):
    frame = pd.DataFrame({"id": [f"id-{i:03d}" for i in range(40)], "same": ["x"] * 40})
    task = _task(ws, tmp_path, frame=frame)
    for item in range(12):
        annotations.record_label(ws, task.id, item, "yes" if item % 2 else "no", annotator="ann")
    assert active.can_suggest(ws, task) == (True, "")
    with pytest.raises(InvalidInput, match="No column can be used as a feature"):
        active.train_suggester(ws, task.id)
    assert active.latest_run(ws, task.id) is None


def test_an_unknown_task_is_not_found(ws):
    with pytest.raises(NotFound, match="lbt_nothere"):
        active.enqueue_suggestions(ws, "lbt_nothere", start_worker=False)
    with pytest.raises(NotFound):
        active.train_suggester(ws, "lbt_nothere")


def test_labels_undone_before_the_job_runs_fail_it_with_the_reason_and_keep_the_old_suggestions(ws, tmp_path):
    task = _task(ws, tmp_path)
    for item in range(12):
        annotations.record_label(ws, task.id, item, "yes" if item % 2 else "no", annotator="ann")
    first = active.train_suggester(ws, task.id)
    before = active.suggestions(ws, task.id)
    job = active.enqueue_suggestions(ws, task.id, start_worker=False)
    for _ in range(5):
        annotations.undo_last(ws, task.id, annotator="ann")
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    failed = jobs.get_job(ws, job.id)
    assert failed.status == "failed" and "at least 10 labeled items" in failed.error
    assert "Traceback" not in failed.error
    assert active.latest_run(ws, task.id).id == first.id and active.suggestions(ws, task.id) == before


def test_a_job_that_names_no_task_fails_with_a_clear_message(ws):
    job = jobs.enqueue(ws, active.JOB_KIND, {}, start_worker=False)
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    failed = jobs.get_job(ws, job.id)
    assert failed.status == "failed" and "names no label task" in failed.error
