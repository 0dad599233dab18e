"""Publishing labels: the new version a task's labels make, its lineage, and training on it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.data import datasets
from core.data.reads import load_frame
from core.errors import InvalidInput
from core.labeling import annotations as an
from core.labeling import publish, tasks
from core.store.lineage import list_links
from tests.conftest import make_project


@pytest.fixture
def task(ws, tmp_path: Path):
    project = make_project(ws)
    frame = pd.DataFrame({"review": [f"review {i}" for i in range(12)], "stars": [1, 5] * 6,
                          "sentiment": ["old"] * 12})  # a column named like the task: the label gets another name
    frame.to_csv(tmp_path / "reviews.csv", index=False)
    version = datasets.add_dataset(ws, tmp_path / "reviews.csv", name="reviews", project_id=project.id).version
    return tasks.create_task(ws, version.id, name="sentiment", classes="positive, negative", kind="text",
                             item_column="review", overlap=2)


def _agree(ws, task, item, label):
    an.record_label(ws, task.id, item, label, annotator="Ana")
    an.record_label(ws, task.id, item, label, annotator="Ben")


def test_nothing_resolved_yet_is_refused_with_a_way_forward(ws, task):
    an.record_label(ws, task.id, 0, "positive", annotator="Ana")  # one of two annotators: pending
    with pytest.raises(InvalidInput, match="No item of the task 'sentiment' has a resolved label") as err:
        publish.publish_labels(ws, task.id)
    assert "2 annotators" in err.value.hint


def test_resolved_rows_become_a_new_version_with_lineage(ws, task):
    _agree(ws, task, 0, "positive")
    _agree(ws, task, 1, "negative")
    an.record_label(ws, task.id, 2, "positive", annotator="Ana")  # pending
    an.record_label(ws, task.id, 2, "negative", annotator="Ben")  # tie: unresolved
    pub = publish.publish_labels(ws, task.id, created_by="Ana")
    assert pub.label_column == "sentiment (label)"
    assert pub.counts["rows"] == 2 and pub.counts["resolved"] == 2 and pub.counts["left_out"] == 10
    version = datasets.get_version(ws, pub.version_id)
    source = datasets.get_version(ws, task.version_id)
    assert version.dataset_id == source.dataset_id and version.number == source.number + 1
    frame = load_frame(ws, version.id)
    assert frame["review"].tolist() == ["review 0", "review 1"]
    assert frame["sentiment (label)"].tolist() == ["positive", "negative"]
    assert {c.name: c.semantic for c in version.schema}["sentiment (label)"] == "categorical"
    links = {(lk.relation, lk.to_kind, lk.to_id) for lk in list_links(ws, "dataset_version", version.id)
             if lk.from_id == version.id}
    assert links == {("derived_from", "dataset_version", source.id), ("labeled_in", "label_task", task.id)}
    assert publish.label_source(ws, version.id)[0].id == task.id


def test_unresolved_rows_can_be_kept_unlabeled_and_publishing_again_makes_another_version(ws, task):
    _agree(ws, task, 0, "positive")
    first = publish.publish_labels(ws, task.id, include_unresolved=True)
    frame = load_frame(ws, first.version_id)
    assert len(frame) == 12 and frame["sentiment (label)"].notna().sum() == 1
    _agree(ws, task, 5, "negative")
    second = publish.publish_labels(ws, task.id)
    assert second.version_id != first.version_id
    assert [p.id for p in publish.list_publications(ws, task.id)] == [second.id, first.id]


def test_a_label_of_a_removed_class_is_published_and_counted(ws, task):
    _agree(ws, task, 0, "positive")
    tasks.update_task(ws, task.id, classes="negative, mixed")
    pub = publish.publish_labels(ws, task.id)
    assert pub.counts["not_in_schema"] == 1
    assert load_frame(ws, pub.version_id)["sentiment (label)"].tolist() == ["positive"]


def test_the_published_version_trains_in_the_experiment_step(ws, tmp_path):
    """Done when: the published version trains. Stars carry the sentiment, so a model can learn it."""
    from core import experiments
    from core.experiments.spec import SearchConfig

    project = make_project(ws, "Trains")
    frame = pd.DataFrame({"review": [f"r{i}" for i in range(80)], "stars": [1 + 4 * (i % 2) for i in range(80)]})
    frame.to_csv(tmp_path / "r.csv", index=False)
    version = datasets.add_dataset(ws, tmp_path / "r.csv", name="r", project_id=project.id).version
    task = tasks.create_task(ws, version.id, name="tone", classes="good, bad", kind="text", item_column="review")
    for i in range(80):
        an.record_label(ws, task.id, i, "good" if i % 2 else "bad", annotator="Ana")
    pub = publish.publish_labels(ws, task.id)
    from core import jobs
    from core.jobs.worker import run_job

    exp = experiments.create_experiment(ws, pub.version_id, SearchConfig(target="tone", time_budget=3,
                                        learners=("lrl2",), seed=0), project_id=project.id, start_worker=False)
    job = run_job(ws, jobs.get_job(ws, exp.job_id))
    assert job.status == "done", job.error
    done = experiments.get_experiment(ws, exp.id)
    assert done.status == "done" and done.task == "binary" and done.best_model_id


def test_the_model_card_says_how_the_labels_were_made(ws, task):
    from core.data.datasets import split_version
    from core.explain.card import NO_LABEL_TASK, labels_statement

    for item in range(8):
        _agree(ws, task, item, "positive" if item % 2 else "negative")
    an.record_label(ws, task.id, 8, "positive", annotator="Ana")
    an.record_label(ws, task.id, 8, "negative", annotator="Ben")
    from core.labeling.agreement import review_item

    review_item(ws, task.id, 8, "positive", reviewer="Cy")
    pub = publish.publish_labels(ws, task.id)
    train, _test = split_version(ws, pub.version_id, target=pub.label_column, test_size=0.25)
    said = labels_statement(ws, [train.id])  # the training split's parent carries the labels
    assert "labeling task 'sentiment'" in said and "2 annotators (Ana, Ben)" in said
    # 9 items both labeled, 8 agree; Ana 5 positive / 4 negative, Ben 4 / 5: p_o = 8/9, p_e = 40/81,
    # kappa = (72/81 - 40/81) / (41/81) = 32/41 = 0.78
    assert "Cohen's kappa 0.78" in said and "1 decided by a reviewer" in said
    assert labels_statement(ws, [task.version_id]) == NO_LABEL_TASK
