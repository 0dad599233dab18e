"""Active learning: a quick model trained on a task's labels suggests the rest, most uncertain first."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.labeling import active, annotations, tasks

# ---------------------------------------------------------------- data


def _add_version(ws, tmp_path, frame: pd.DataFrame, name: str = "rows.csv"):
    from core.data import datasets

    path = tmp_path / name
    frame.to_csv(path, index=False)
    return datasets.add_dataset(ws, path).version


def _tabular(n: int = 400, labeled: int = 30, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows whose class follows x1 and x2, plus a column named like the label that gives away the
    answer on the labeled rows only (a model that read it would guess at random on the rest)."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    plan = rng.choice(["basic", "pro", "max"], size=n)
    truth = np.where(x1 + 0.5 * x2 > 0, "yes", "no")
    leak = rng.choice(["yes", "no"], size=n)
    leak[:labeled] = truth[:labeled]
    return pd.DataFrame({"x1": x1, "x2": x2, "plan": plan, "outcome": leak}), truth


POSITIVE = ["배송이 빠르고 품질이 정말 좋아요", "아주 만족합니다 강력 추천해요", "가격 대비 최고예요 또 살게요",
            "Great quality and fast delivery", "I love it, works perfectly", "Excellent value, highly recommend"]
NEGATIVE = ["배송이 늦고 품질이 너무 별로예요", "완전 실망했어요 환불하고 싶어요", "하루 만에 고장났어요 최악이에요",
            "Terrible quality, broke in a day", "I hate it, stopped working", "Awful value, do not buy"]
PRODUCTS = ["이어폰", "키보드", "마우스", "headphones", "keyboard", "mouse"]


def _reviews(seed: int = 0) -> pd.DataFrame:
    rows = [(f"{p} {s}", c) for c, phrases in (("positive", POSITIVE), ("negative", NEGATIVE))
            for p in PRODUCTS for s in phrases]
    order = np.random.default_rng(seed).permutation(len(rows))
    return pd.DataFrame([rows[i] for i in order], columns=["review", "truth"])


def _label_first(ws, task, truth, n: int, annotator: str = "ann") -> None:
    for item in range(n):
        annotations.record_label(ws, task.id, item, str(truth[item]), annotator=annotator)


def _accuracy(ws, task, truth) -> tuple[float, dict]:
    sugg = active.suggestions(ws, task.id)
    assert sugg, "no suggestions were written"
    return float(np.mean([s.label == truth[item] for item, s in sugg.items()])), sugg


# ---------------------------------------------------------------- tabular


def test_tabular_suggestions_beat_chance_after_30_labels_and_ignore_the_label_named_column(ws, tmp_path):
    frame, truth = _tabular()
    version = _add_version(ws, tmp_path, frame)
    task = tasks.create_task(ws, version.id, name="Outcome", classes="yes,no")
    assert active.can_suggest(ws, task)[0] is False
    _label_first(ws, task, truth, 30)
    assert active.can_suggest(ws, task) == (True, "")

    run = active.train_suggester(ws, task.id)
    accuracy, sugg = _accuracy(ws, task, truth)
    # the 'outcome' column matches the 30 labels exactly but is random elsewhere: had the model read it,
    # it would be right on about half of the other rows
    assert accuracy > 0.75
    assert set(sugg) == set(range(30, len(frame)))  # every unresolved item, none of the labeled (resolved) ones
    assert run.n_labeled == run.metrics["n_labeled"] == 30 and run.n_suggested == len(frame) - 30
    assert run.classes == ["yes", "no"] and run.learner == active.TABULAR_LEARNER
    assert 0.5 < run.metrics["cv_accuracy"] <= 1.0 and run.metrics["cv_folds"] == 5
    assert any("x1" in note and "outcome" not in note.split(":")[1] for note in run.notes if note.startswith("Learned"))
    for s in sugg.values():
        assert s.label in ("yes", "no") and 0.5 <= s.confidence <= 1.0
        assert s.uncertainty == pytest.approx(1 - (s.confidence - (1 - s.confidence)))
    assert active.latest_run(ws, task.id) == run


def test_the_most_uncertain_items_come_first(ws, tmp_path):
    frame, truth = _tabular()
    version = _add_version(ws, tmp_path, frame)
    task = tasks.create_task(ws, version.id, name="Outcome", classes="yes,no")
    _label_first(ws, task, truth, 30)
    row_order = annotations.next_items(ws, task.id, annotator="bob", limit=5)
    assert row_order == [30, 31, 32, 33, 34]
    active.train_suggester(ws, task.id)
    sugg = active.suggestions(ws, task.id)
    first = annotations.next_items(ws, task.id, annotator="bob", limit=5)
    top = sorted((s.uncertainty for s in sugg.values()), reverse=True)[:5]
    assert [sugg[item].uncertainty for item in first] == pytest.approx(top)
    assert first != row_order


def test_a_second_run_replaces_the_suggestions_and_skips_newly_resolved_items(ws, tmp_path):
    frame, truth = _tabular()
    version = _add_version(ws, tmp_path, frame)
    task = tasks.create_task(ws, version.id, name="Outcome", classes="yes,no")
    _label_first(ws, task, truth, 30)
    first = active.train_suggester(ws, task.id)
    _label_first(ws, task, truth, 60)
    second = active.train_suggester(ws, task.id)
    assert second.id != first.id and second.n_labeled == 60
    assert set(active.suggestions(ws, task.id)) == set(range(60, len(frame)))
    assert active.latest_run(ws, task.id).id == second.id
    with ws.read() as db:
        assert {r["run_id"] for r in db.query("SELECT DISTINCT run_id FROM label_suggestions")} == {second.id}


def test_with_overlap_two_single_labels_are_learned_from_yet_still_suggested(ws, tmp_path):
    frame, truth = _tabular()
    version = _add_version(ws, tmp_path, frame)
    task = tasks.create_task(ws, version.id, name="Outcome", classes="yes,no", overlap=2)
    _label_first(ws, task, truth, 30)
    run = active.train_suggester(ws, task.id)
    assert run.n_labeled == 30  # each item's one label so far (not resolved: it needs two)
    assert set(active.suggestions(ws, task.id)) == set(range(len(frame)))


def test_an_unresolved_item_learns_its_majority_label_and_a_tie_its_latest(ws, tmp_path):
    frame, truth = _tabular(n=60)
    version = _add_version(ws, tmp_path, frame)
    task = tasks.create_task(ws, version.id, name="Outcome", classes="yes,no", overlap=4)
    flip = {"yes": "no", "no": "yes"}
    _label_first(ws, task, truth, 12, annotator="ann")
    _label_first(ws, task, truth, 12, annotator="bob")
    annotations.record_label(ws, task.id, 0, flip[truth[0]], annotator="cy")  # 2 to 1, the latest dissents
    annotations.record_label(ws, task.id, 1, flip[truth[1]], annotator="cy")
    annotations.record_label(ws, task.id, 1, flip[truth[1]], annotator="dan")  # 2 to 2: a tie
    labels, resolved = active.training_labels(ws, task)
    assert resolved == set() and len(labels) == 12
    assert labels[0] == truth[0] and labels[1] == flip[truth[1]] and labels[2] == truth[2]


# ---------------------------------------------------------------- text


def test_text_suggestions_learn_korean_and_english_reviews(ws, tmp_path):
    frame = _reviews()
    version = _add_version(ws, tmp_path, frame[["review"]], name="reviews.csv")
    task = tasks.create_task(ws, version.id, name="Sentiment", classes="positive,negative", kind="text",
                             item_column="review")
    truth = frame["truth"].to_numpy()
    _label_first(ws, task, truth, 24)
    assert active.can_suggest(ws, task) == (True, "")
    run = active.train_suggester(ws, task.id)
    accuracy, sugg = _accuracy(ws, task, truth)
    assert accuracy > 0.75 and len(sugg) == len(frame) - 24
    assert run.learner == active.TEXT_LEARNER and run.classes == ["positive", "negative"]
    korean = [i for i in sugg if not frame.loc[i, "review"].isascii()]
    assert np.mean([sugg[i].label == truth[i] for i in korean]) > 0.75


# ---------------------------------------------------------------- the job and what annotators do with it


def test_the_job_runs_through_the_worker_and_records_a_run(ws, tmp_path):
    from core import jobs

    frame, truth = _tabular()
    version = _add_version(ws, tmp_path, frame)
    task = tasks.create_task(ws, version.id, name="Outcome", classes="yes,no")
    _label_first(ws, task, truth, 30)
    job = active.enqueue_suggestions(ws, task.id, start_worker=False)
    assert job.kind == "label_suggest" and job.status == "queued" and job.payload == {"task_id": task.id}
    assert "Outcome" in job.title
    assert active.enqueue_suggestions(ws, task.id, start_worker=False).id == job.id  # not queued twice
    assert active.find_suggest_job(ws, task.id).id == job.id

    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    done = jobs.get_job(ws, job.id)
    assert done.status == "done" and done.progress == 1.0, done.error
    run = active.latest_run(ws, task.id)
    assert run is not None and run.job_id == job.id and done.result["run_id"] == run.id
    assert done.result["n_suggested"] == run.n_suggested == len(frame) - 30
    assert any("cross-validated accuracy" in line.message for line in jobs.job_logs(ws, job.id))
    with ws.read() as db:
        assert db.execute("SELECT COUNT(*) FROM label_runs WHERE task_id = ?", [task.id]).fetchone()[0] == 1
    assert active.find_suggest_job(ws, task.id) is None


def test_a_label_accepted_from_a_suggestion_counts_in_the_accept_rate(ws, tmp_path):
    frame, truth = _tabular()
    version = _add_version(ws, tmp_path, frame)
    task = tasks.create_task(ws, version.id, name="Outcome", classes="yes,no")
    _label_first(ws, task, truth, 30)
    assert active.accept_rate(ws, task.id) is None  # no label was given with a suggestion shown
    active.train_suggester(ws, task.id)
    sugg = active.suggestions(ws, task.id)
    a, b = 40, 41
    annotations.record_label(ws, task.id, a, sugg[a].label, annotator="ann", suggested=sugg[a].label)
    assert active.accept_rate(ws, task.id) == 1.0
    other = "no" if sugg[b].label == "yes" else "yes"
    annotations.record_label(ws, task.id, b, other, annotator="ann", suggested=sugg[b].label)
    assert active.accept_rate(ws, task.id) == 0.5


def test_a_cancelled_job_stores_no_run(ws, tmp_path):
    from core import jobs

    frame, truth = _tabular()
    version = _add_version(ws, tmp_path, frame)
    task = tasks.create_task(ws, version.id, name="Outcome", classes="yes,no")
    _label_first(ws, task, truth, 30)
    job = active.enqueue_suggestions(ws, task.id, start_worker=False)
    with ws.write() as db:  # cancel requested as it is claimed: the job notices at its first check
        db["jobs"].update(job.id, {"cancel_requested": 1})
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    assert jobs.get_job(ws, job.id).status == "cancelled"
    assert active.latest_run(ws, task.id) is None and active.suggestions(ws, task.id) == {}
