"""The fault suite, labeling agreement: bad input to resolution, review and the kappa statistics is explained.

An unknown task, a review without a reviewer, for an item that does not exist or with a class the task
does not have, and kappa asked of data it cannot be computed on each give an MLCycleError that says
what was wrong and what to do; nothing is stored.
"""

from __future__ import annotations

import pandas as pd
import pytest

from core.errors import InvalidInput, MLCycleError, NotFound
from core.labeling import agreement as G
from core.labeling import annotations, tasks


def _task(ws, tmp_path, *, n: int = 10, overlap: int = 2):
    from core.data import datasets

    path = tmp_path / "reviews.csv"
    pd.DataFrame({"text": [f"review {i}" for i in range(n)]}).to_csv(path, index=False)
    version = datasets.add_dataset(ws, path).version
    return tasks.create_task(ws, version.id, name="sentiment", classes="pos,neg", kind="text", item_column="text",
                             overlap=overlap)


def _reviews_stored(ws, task_id: str) -> int:
    with ws.read() as db:
        return db.execute("SELECT COUNT(*) FROM label_reviews WHERE task_id = ?", [task_id]).fetchone()[0]


@pytest.mark.parametrize("call", [
    lambda ws: G.resolve(ws, "lbt_missing"),
    lambda ws: G.agreement(ws, "lbt_missing"),
    lambda ws: G.status(ws, "lbt_missing"),
    lambda ws: G.disagreements(ws, "lbt_missing"),
    lambda ws: G.confusion(ws, "lbt_missing", "ann", "bob"),
    lambda ws: G.review_item(ws, "lbt_missing", 0, "pos", reviewer="Rita"),
], ids=["resolve", "agreement", "status", "disagreements", "confusion", "review_item"])
def test_an_unknown_task_is_named_with_where_to_find_the_tasks(ws, call):
    """A task id that does not exist (deleted workspace, typo in `mlcycle labels status`)."""
    with pytest.raises(NotFound, match="There is no label task 'lbt_missing'") as caught:
        call(ws)
    assert caught.value.hint


@pytest.mark.parametrize("reviewer", ["", "   ", None])
def test_a_review_without_a_reviewer_is_refused(ws, tmp_path, reviewer):
    """The review screen's decide button pressed before the name box is filled."""
    task = _task(ws, tmp_path)
    with pytest.raises(InvalidInput, match="A review needs the reviewer's name") as caught:
        G.review_item(ws, task.id, 0, "pos", reviewer=reviewer)
    assert "name" in caught.value.hint
    assert _reviews_stored(ws, task.id) == 0


def test_a_reviewer_name_too_long_is_refused(ws, tmp_path):
    """A paragraph pasted into the name box."""
    task = _task(ws, tmp_path)
    with pytest.raises(InvalidInput, match="the limit is 60") as caught:
        G.review_item(ws, task.id, 0, "pos", reviewer="x" * 61)
    assert caught.value.hint
    assert _reviews_stored(ws, task.id) == 0


@pytest.mark.parametrize("item", [10, -1, 10_000])
def test_a_review_of_an_item_outside_the_task_is_refused(ws, tmp_path, item):
    """`item=10` on a task of 10 rows (0-9): an off-by-one from a script, or a stale link."""
    task = _task(ws, tmp_path, n=10)
    with pytest.raises(InvalidInput, match=f"Item {item:,} does not exist: this task has 10 items") as caught:
        G.review_item(ws, task.id, item, "pos", reviewer="Rita")
    assert caught.value.hint
    assert _reviews_stored(ws, task.id) == 0


def test_a_review_of_an_item_that_is_not_a_number_is_refused(ws, tmp_path):
    """An item key typed where the row number belongs."""
    task = _task(ws, tmp_path)
    with pytest.raises(InvalidInput, match="'first' is not an item number") as caught:
        G.review_item(ws, task.id, "first", "pos", reviewer="Rita")
    assert "0 to 9" in caught.value.hint


def test_a_review_with_a_class_the_task_does_not_have_is_refused(ws, tmp_path):
    """A reviewer decides 'neutral' on a pos/neg task (or a class removed since)."""
    task = _task(ws, tmp_path)
    with pytest.raises(InvalidInput, match="'neutral' is not a class of this task") as caught:
        G.review_item(ws, task.id, 0, "neutral", reviewer="Rita")
    assert "pos, neg" in caught.value.hint
    assert _reviews_stored(ws, task.id) == 0


def test_a_review_with_several_classes_on_a_single_label_task_is_refused(ws, tmp_path):
    """A list of classes sent for a task that takes one label per item."""
    task = _task(ws, tmp_path)
    with pytest.raises(InvalidInput, match="one label per item") as caught:
        G.review_item(ws, task.id, 0, ["pos", "neg"], reviewer="Rita")
    assert caught.value.hint


def test_a_review_on_an_archived_task_is_refused(ws, tmp_path):
    """Someone archived the task while the review tab was open."""
    task = _task(ws, tmp_path)
    tasks.archive_task(ws, task.id)
    with pytest.raises(InvalidInput, match="is archived") as caught:
        G.review_item(ws, task.id, 0, "pos", reviewer="Rita")
    assert "Restore" in caught.value.hint


def test_a_confusion_matrix_with_someone_who_labeled_nothing_names_who_did(ws, tmp_path):
    """`confusion(task, 'ann', 'carol')` where carol never labeled this task."""
    task = _task(ws, tmp_path)
    annotations.record_label(ws, task.id, 0, "pos", annotator="ann")
    annotations.record_label(ws, task.id, 0, "neg", annotator="bob")
    with pytest.raises(NotFound, match="'carol' has not labeled anything in the task 'sentiment'") as caught:
        G.confusion(ws, task.id, "ann", "carol")
    assert caught.value.hint == "Choose one of: ann, bob."
    with pytest.raises(InvalidInput, match="two different annotators") as caught:
        G.confusion(ws, task.id, "ann", "ann")
    assert caught.value.hint


def test_cohen_kappa_of_sequences_that_do_not_pair_up(ws):
    """Two raters' label lists of different lengths, none at all, or one text instead of a list."""
    with pytest.raises(InvalidInput, match="got 3 and 2 labels") as caught:
        G.cohen_kappa(["a", "b", "a"], ["a", "b"])
    assert caught.value.hint
    with pytest.raises(InvalidInput, match="at least one item") as caught:
        G.cohen_kappa([], [])
    assert caught.value.hint
    with pytest.raises(InvalidInput, match="not one text") as caught:
        G.cohen_kappa("abc", "abd")
    assert caught.value.hint


@pytest.mark.parametrize(("counts", "message"), [
    ([[1, 0], [0, 1]], "at least one item rated by two or more raters"),
    ([[2, -1], [1, 1]], "whole numbers of raters"),
    ([[1.5, 0.5]], "whole numbers of raters"),
    ([1, 2, 3], "a table of counts"),
    ([["a", "b"]], "a table of counts"),
])
def test_fleiss_kappa_of_counts_it_cannot_use(counts, message):
    """A count table with no shared item, negative or fractional counts, or not a table at all."""
    with pytest.raises(MLCycleError, match=message) as caught:
        G.fleiss_kappa(counts)
    assert isinstance(caught.value, InvalidInput) and caught.value.hint
