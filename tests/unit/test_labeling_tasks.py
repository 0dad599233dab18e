"""Label tasks, the label schema and the annotation log: what an annotator and a task owner rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from core.data import datasets
from core.errors import Conflict, InvalidInput, NotFound
from core.labeling import annotations as an
from core.labeling import schema, tasks
from core.workspace import REPO_ROOT
from tests.conftest import make_project


def _reviews(ws, tmp_path: Path, n: int = 20, project_id: str | None = None):
    frame = pd.DataFrame({"review": [f"review number {i}" for i in range(n)], "stars": [i % 5 + 1 for i in range(n)]})
    frame.to_csv(tmp_path / "reviews.csv", index=False)
    return datasets.add_dataset(ws, tmp_path / "reviews.csv", name="reviews", project_id=project_id).version


@pytest.fixture
def task(ws, tmp_path):
    project = make_project(ws)
    version = _reviews(ws, tmp_path, project_id=project.id)
    return tasks.create_task(ws, version.id, name="sentiment", classes="positive, negative, neutral", kind="text",
                             item_column="review", overlap=2, instructions="Label the *tone*.")


# --- the schema -------------------------------------------------------------------------------

def test_classes_get_colours_and_number_hotkeys_in_order():
    classes = schema.parse_classes(" positive ,negative,, neutral, ")
    assert [c["name"] for c in classes] == ["positive", "negative", "neutral"]
    assert [c["hotkey"] for c in classes] == ["1", "2", "3"]
    assert len({c["color"] for c in classes}) == 3


def test_digit_classes_get_their_own_number_keys():
    classes = schema.parse_classes([str(d) for d in range(10)])
    assert {c["name"]: c["hotkey"] for c in classes} == {str(d): str(d) for d in range(10)}


def test_given_hotkeys_and_colours_are_kept_and_others_filled():
    classes = schema.parse_classes([{"name": "cat", "hotkey": "2", "color": "#112233"}, "dog"])
    assert classes[0] == {"name": "cat", "hotkey": "2", "color": "#112233"}
    assert classes[1]["hotkey"] == "1"


@pytest.mark.parametrize("spec, words", [
    ("", "at least one class"), ("a, A", "given twice"), ([{"name": "a", "color": "red"}], "#rrggbb"),
    ([{"name": "a", "hotkey": "1"}, {"name": "b", "hotkey": "1"}], "both"), (",".join(map(str, range(21))), "at most"),
    ([{"name": "a", "hotkey": "F5"}], "label keys"), (["a", " "], "no name"),
])
def test_bad_class_lists_say_what_is_wrong(spec, words):
    with pytest.raises(InvalidInput, match=words) as err:
        schema.parse_classes(spec)
    assert err.value.hint


def test_multi_label_stored_in_schema_order_and_decoded():
    classes = schema.parse_classes("a, b, c")
    text = schema.encode_label(classes, True, ["c", "A"])
    assert json.loads(text) == ["a", "c"]
    assert schema.decode_label(True, text) == ["a", "c"]
    with pytest.raises(InvalidInput, match="one label per item"):
        schema.encode_label(classes, False, ["a", "b"])
    with pytest.raises(InvalidInput, match="not a class"):
        schema.encode_label(classes, False, "d")
    assert schema.encode_label(classes, False, "d", check_schema=False) == "d"


# --- tasks ------------------------------------------------------------------------------------

def test_task_belongs_to_the_datasets_project_and_links_to_its_version(ws, task):
    from core.store.lineage import list_links

    assert task.project_id is not None and task.overlap == 2 and task.kind == "text"
    links = list_links(ws, "label_task", task.id)
    assert [(lk.relation, lk.to_id) for lk in links] == [("labels", task.version_id)]
    assert tasks.find_task(ws, "SENTIMENT").id == task.id
    assert [t.id for t in tasks.list_tasks(ws, project_id=task.project_id)] == [task.id]


def test_task_validation(ws, tmp_path, task):
    version = task.version_id
    with pytest.raises(InvalidInput, match="needs the column"):
        tasks.create_task(ws, version, name="x", classes="a,b", kind="text")
    with pytest.raises(NotFound, match="no column 'nope'"):
        tasks.create_task(ws, version, name="x", classes="a,b", kind="text", item_column="nope")
    with pytest.raises(InvalidInput, match="overlap"):
        tasks.create_task(ws, version, name="x", classes="a,b", overlap=0)
    with pytest.raises(InvalidInput, match="not a kind"):
        tasks.create_task(ws, version, name="x", classes="a,b", kind="audio")
    with pytest.raises(Conflict, match="already has a label task"):
        tasks.create_task(ws, version, name="Sentiment", classes="a,b")


def test_items_are_rows_with_keys(ws, task):
    assert tasks.item_count(ws, task) == 20
    assert tasks.item_text(ws, task, 7) == "review number 7"
    keys = tasks.item_keys(ws, task)
    assert keys["review number 7"] == 7 and keys["7"] == 7
    with pytest.raises(InvalidInput, match="does not exist"):
        tasks.check_item(ws, task, 20)
    with pytest.raises(InvalidInput, match="not an item number"):
        tasks.check_item(ws, task, "two")


def test_removing_a_class_keeps_its_labels(ws, task):
    an.record_label(ws, task.id, 0, "neutral", annotator="Ana")
    changed = tasks.update_task(ws, task.id, classes="positive, negative")
    assert changed.class_names == ["positive", "negative"]
    current = an.current_labels(ws, task.id)
    assert current["label"].tolist() == ["neutral"]
    assert not schema.in_schema(changed.classes, changed.multi_label, "neutral")
    with pytest.raises(InvalidInput, match="not a class"):  # new labels must use the schema
        an.record_label(ws, task.id, 1, "neutral", annotator="Ana")


def test_archived_task_refuses_labels_until_restored(ws, task):
    tasks.archive_task(ws, task.id)
    with pytest.raises(InvalidInput, match="archived"):
        an.record_label(ws, task.id, 0, "positive", annotator="Ana")
    tasks.restore_task(ws, task.id)
    an.record_label(ws, task.id, 0, "positive", annotator="Ana")


# --- the annotation log ------------------------------------------------------------------------

def test_a_change_is_a_new_row_and_the_latest_counts(ws, task):
    an.record_label(ws, task.id, 3, "positive", annotator="Ana")
    an.record_label(ws, task.id, 3, "negative", annotator="Ana")
    assert an.current_labels(ws, task.id)[["item", "label"]].values.tolist() == [[3, "negative"]]
    assert len(an.list_annotations(ws, task.id)) == 2


def test_undo_restores_the_earlier_label_and_never_touches_others(ws, task):
    an.record_label(ws, task.id, 3, "positive", annotator="Ana")
    an.record_label(ws, task.id, 3, "neutral", annotator="Ben")
    an.record_label(ws, task.id, 3, "negative", annotator="Ana")
    undone = an.undo_last(ws, task.id, annotator="Ana")
    assert undone.label == "negative" and undone.undone_at
    labels = dict(an.current_labels(ws, task.id)[["annotator", "label"]].values.tolist())
    assert labels == {"Ana": "positive", "Ben": "neutral"}
    an.undo_last(ws, task.id, annotator="Ana")
    assert an.undo_last(ws, task.id, annotator="Ana") is None
    assert dict(an.current_labels(ws, task.id)[["annotator", "label"]].values.tolist()) == {"Ben": "neutral"}


def test_queue_honours_overlap_starts_others_items_and_puts_skips_last(ws, task):
    an.record_label(ws, task.id, 5, "positive", annotator="Ana")
    an.record_label(ws, task.id, 5, "positive", annotator="Ben")   # item 5 is complete (overlap 2)
    an.record_label(ws, task.id, 9, "negative", annotator="Ben")   # item 9 needs one more
    an.skip_item(ws, task.id, 0, annotator="Cy")
    queue = an.next_items(ws, task.id, annotator="Cy", limit=25)
    assert queue[0] == 9
    assert 5 not in queue and queue[-1] == 0 and len(queue) == 19
    assert an.next_items(ws, task.id, annotator="Ben", limit=3) == [0, 1, 2]


def test_queue_follows_uncertainty_when_suggestions_exist(ws, task):
    with ws.write() as db:
        db["label_runs"].insert({"id": "lbr_x", "task_id": task.id, "created_at": "2026-01-01"})
        for item, u in [(4, 0.9), (11, 0.95), (2, 0.1)]:
            db["label_suggestions"].insert({"task_id": task.id, "item": item, "run_id": "lbr_x", "label": "positive",
                                            "confidence": 1 - u, "uncertainty": u})
    assert an.next_items(ws, task.id, annotator="Ana", limit=4) == [11, 4, 2, 0]


def test_bulk_and_imports_do_not_repeat_identical_labels(ws, task):
    assert an.record_labels(ws, task.id, [1, 2, 3], "negative", annotator="Ana") == 3
    assert an.record_labels(ws, task.id, [1, 2, 3, 4], "negative", annotator="Ana") == 1
    rows = [{"item": 1, "label": "negative", "annotator": "Ana"}, {"item": 6, "label": "weird", "annotator": "Ben"}]
    assert an.record_many(ws, task.id, rows) == 1            # a class outside the schema is kept on import
    assert an.record_many(ws, task.id, rows) == 0
    assert "weird" in an.current_labels(ws, task.id)["label"].tolist()


def test_accepted_suggestion_is_recorded(ws, task):
    row = an.record_label(ws, task.id, 0, "positive", annotator="Ana", suggested="positive", seconds=2.5)
    assert row.accepted and row.seconds == 2.5
    assert not an.record_label(ws, task.id, 1, "negative", annotator="Ana", suggested="positive").accepted


def test_history_is_newest_first_one_row_per_item(ws, task):
    an.record_label(ws, task.id, 0, "positive", annotator="Ana")
    an.record_label(ws, task.id, 1, "positive", annotator="Ana")
    an.record_label(ws, task.id, 0, "negative", annotator="Ana")
    assert [(a.item, a.label) for a in an.history(ws, task.id, annotator="Ana")] == [(0, "negative"), (1, "positive")]


@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_annotator_name_is_required(ws, task, name):
    with pytest.raises(InvalidInput) as err:
        an.record_label(ws, task.id, 0, "positive", annotator=name)
    assert err.value.hint


LABEL_MANY = """
import sys
from pathlib import Path
from core.labeling import annotations as an
from core.workspace import Workspace
root, task_id, who, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ws = Workspace(Path(root))
for i in range(n):
    an.record_label(ws, task_id, i % 20, "positive" if i % 2 else "negative", annotator=who)
"""


def test_two_annotators_writing_at_once_lose_nothing(ws, task):
    # separate processes (not multiprocessing: an AppTest earlier in the run leaves __main__ pointing at its script)
    procs = [subprocess.Popen([sys.executable, "-c", LABEL_MANY, str(ws.root), task.id, who, "60"], cwd=REPO_ROOT,
                              stderr=subprocess.PIPE, text=True) for who in ("Ana", "Ben")]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    rows = an.list_annotations(ws, task.id)
    assert len(rows) == 120
    assert {a: sum(r.annotator == a for r in rows) for a in ("Ana", "Ben")} == {"Ana": 60, "Ben": 60}
    assert len(an.current_labels(ws, task.id)) == 40
