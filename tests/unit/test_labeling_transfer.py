"""Labels in and out of a task (core/labeling/transfer.py): CSV, JSON and Label Studio exports, their
round trips into a fresh task, and imports of hand-written Label Studio exports."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from core.data import datasets
from core.labeling import agreement, annotations, tasks, transfer

REVIEWS = ["good phone", "bad battery", "=1+1 spreadsheet trick", "great screen", "awful support", "좋아요 배송 빨라요",
           "so-so", "love it"]


def _version(ws, tmp_path, frame=None, name="reviews"):
    frame = frame if frame is not None else pd.DataFrame({"review": REVIEWS, "stars": [5, 1, 3, 5, 1, 5, 3, 5]})
    path = tmp_path / f"{name}.csv"
    frame.to_csv(path, index=False)
    return datasets.add_dataset(ws, path, name=name).version


def _task(ws, version, name="sentiment", classes="pos,neg,neutral", **kw):
    kw.setdefault("kind", "text")
    kw.setdefault("item_column", "review" if kw["kind"] == "text" else None)
    return tasks.create_task(ws, version.id, name=name, classes=classes, overlap=kw.pop("overlap", 2), **kw)


def _labels(ws, task_id):
    """Current labels as a sorted list of (item, annotator, label)."""
    frame = annotations.current_labels(ws, task_id)
    return sorted(zip(frame["item"].tolist(), frame["annotator"].tolist(), frame["label"].tolist(), strict=True))


def _labeled_task(ws, tmp_path):
    """A text task labeled by three annotators, with changes and an undo in its history."""
    version = _version(ws, tmp_path)
    task = _task(ws, version)
    give = [(0, "alice", "pos"), (1, "alice", "neg"), (2, "alice", "neutral"), (3, "alice", "pos"),
            (0, "bob@example.com", "pos"), (1, "bob@example.com", "pos"), (2, "bob@example.com", "neutral"),
            (5, "김민지", "pos"), (1, "김민지", "neg")]
    for item, who, label in give:
        annotations.record_label(ws, task.id, item, label, annotator=who)
    annotations.record_label(ws, task.id, 3, "neg", annotator="alice")  # a change: the newer label counts
    annotations.record_label(ws, task.id, 6, "neg", annotator="bob@example.com")
    annotations.undo_last(ws, task.id, annotator="bob@example.com")  # item 6 has no label from bob
    return version, task


@pytest.mark.parametrize("fmt", ["label-studio", "json", "csv"])
def test_an_export_imported_into_a_fresh_task_gives_the_same_current_labels_and_annotators(ws, tmp_path, fmt):
    version, task = _labeled_task(ws, tmp_path)
    out = transfer.export_labels(ws, task.id, fmt, tmp_path / ("out.csv" if fmt == "csv" else "out.json"))
    fresh = _task(ws, version, name="again")
    result = transfer.import_labels(ws, fresh.id, out)
    expected = _labels(ws, task.id)
    assert _labels(ws, fresh.id) == expected
    assert (3, "alice", "neg") in expected and not any(i == 6 for i, *_ in expected)
    assert result.imported == len(expected) == 9
    assert (result.matched, result.unmatched) == (5, 0)  # items 0, 1, 2, 3, 5
    assert result.annotators == sorted(["alice", "bob@example.com", "김민지"])
    assert result.format == fmt and result.notes == [] and result.skipped == 0
    assert {a.source for a in annotations.list_annotations(ws, fresh.id)} == {"import"}
    assert agreement.status(ws, fresh.id)["resolved"] == agreement.status(ws, task.id)["resolved"]

    again = transfer.import_labels(ws, fresh.id, out)  # importing the same file twice adds nothing
    assert again.imported == 0 and _labels(ws, fresh.id) == expected
    assert any("already there" in n for n in again.notes)


def test_an_older_label_studio_export_never_undoes_a_label_given_since(ws, tmp_path):
    _, task = _labeled_task(ws, tmp_path)
    doc = json.loads(transfer.export_bytes(ws, task.id, "label-studio"))
    by_row = {t["data"]["mlcycle_row"]: t for t in doc}
    for row, label, stamp in ((0, "neg", "2024-01-05T09:00:00.000000Z"), (2, "pos", None)):
        ann = next(a for a in by_row[row]["annotations"] if a["completed_by"]["first_name"] == "alice")
        ann["result"][0]["value"]["choices"] = [label]
        ann["created_at"] = ann["updated_at"] = stamp  # item 0 labeled in 2024; item 2 with no time: the import's
    (tmp_path / "old.json").write_text(json.dumps(doc), encoding="utf-8")
    result = transfer.import_labels(ws, task.id, tmp_path / "old.json")
    labels = _labels(ws, task.id)
    assert (0, "alice", "pos") in labels  # the label given on screen after 2024 stays
    assert (2, "alice", "pos") in labels and (2, "alice", "neutral") not in labels
    assert result.imported == 1
    assert any("labeled the item since (the newer label is kept)" in n for n in result.notes)


def test_the_label_studio_export_is_a_list_of_tasks_with_choices_annotations_and_the_row(ws, tmp_path):
    _, task = _labeled_task(ws, tmp_path)
    doc = json.loads(transfer.export_bytes(ws, task.id, "label-studio"))
    assert [t["data"]["mlcycle_row"] for t in doc] == [0, 1, 2, 3, 5]
    first = doc[0]
    assert first["data"]["text"] == first["data"]["review"] == "good phone" and first["data"]["stars"] == 5
    ann = first["annotations"][0]
    assert ann["was_cancelled"] is False
    assert ann["result"] == [{"id": ann["result"][0]["id"], "from_name": "label", "to_name": "text",
                              "type": "choices", "origin": "manual", "value": {"choices": ["pos"]}}]
    people = {a["completed_by"]["first_name"]: a["completed_by"] for t in doc for a in t["annotations"]}
    assert people["bob@example.com"]["email"] == "bob@example.com" and people["alice"]["email"] == ""
    assert len({p["id"] for p in people.values()}) == 3  # one user id per annotator

    all_items = json.loads(transfer.export_bytes(ws, task.id, "label-studio", all_items=True))
    assert [t["data"]["mlcycle_row"] for t in all_items] == list(range(len(REVIEWS)))
    assert all_items[4]["annotations"] == []


def test_the_csv_export_has_one_row_per_current_label_with_the_key_and_the_resolved_label(ws, tmp_path):
    _, task = _labeled_task(ws, tmp_path)
    out = transfer.export_labels(ws, task.id, None, tmp_path / "labels.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads Hangul
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == list(transfer.CSV_COLUMNS)
    assert len(rows) == 9
    by = {(r["item"], r["annotator"]): r for r in rows}
    assert by[("2", "alice")]["key"] == "'=1+1 spreadsheet trick"  # a spreadsheet would run it: neutralised
    assert by[("5", "김민지")]["key"] == "좋아요 배송 빨라요"
    resolved = agreement.resolve(ws, task.id)
    assert by[("0", "alice")]["resolved"] == by[("0", "bob@example.com")]["resolved"] == "pos" \
        == resolved.loc[0, "label"]
    assert by[("1", "alice")]["resolved"] == "neg"  # two of three said neg
    assert by[("3", "alice")]["label"] == "neg" and by[("3", "alice")]["resolved"] == ""  # one label of two


def test_the_json_export_holds_the_task_schema_and_each_items_annotations(ws, tmp_path):
    _, task = _labeled_task(ws, tmp_path)
    doc = json.loads(transfer.export_bytes(ws, task.id, "json"))
    assert doc["task"]["id"] == task.id and doc["task"]["classes"] == task.classes
    assert doc["task"]["item_column"] == "review" and doc["task"]["overlap"] == 2
    items = {e["item"]: e for e in doc["items"]}
    assert sorted(items) == [0, 1, 2, 3, 5]
    assert items[1]["key"] == "bad battery" and items[1]["resolved"] == "neg" and items[1]["method"] == "majority"
    assert sorted(a["annotator"] for a in items[1]["annotations"]) == ["alice", "bob@example.com", "김민지"]
    assert items[3]["resolved"] is None and items[3]["method"] == "pending"


HAND_WRITTEN = [
    {"id": 101, "data": {"text": "good phone"},  # matched by the "text" key, a Label Studio user id
     "annotations": [{"id": 1, "completed_by": 7, "was_cancelled": False,
                      "result": [{"from_name": "sentiment", "to_name": "text", "type": "choices",
                                  "value": {"choices": ["pos"]}}], "created_at": "2024-03-09T21:52:49.513742Z"},
                     {"id": 2, "completed_by": "ann@example.com",
                      "result": [{"from_name": "sentiment", "to_name": "text", "type": "choices",
                                  "value": {"choices": ["Pos"]}}]}]},
    {"id": 102, "data": {"review": "bad battery"},  # matched by the item column's own name; a user object
     "annotations": [{"id": 3, "completed_by": {"id": 8, "email": "lee@example.com", "first_name": "Lee"},
                      "result": [{"from_name": "sentiment", "to_name": "text", "type": "choices",
                                  "value": {"choices": ["neg"]}}]},
                     {"id": 4, "completed_by": 7, "was_cancelled": True, "result": []}]},
    {"id": 103, "data": {"text": "not in this data at all"},
     "annotations": [{"id": 5, "completed_by": 7, "result": [{"from_name": "sentiment", "to_name": "text",
                                                            "type": "choices", "value": {"choices": ["pos"]}}]}]},
    {"id": 104, "data": {"text": "great screen"},
     "annotations": [{"id": 6, "completed_by": 9, "result": [{"from_name": "sentiment", "to_name": "text",
                                                            "type": "choices",
                                                            "value": {"choices": ["pos", "neg"]}}]},
                     {"id": 7, "completed_by": 9, "result": [{"from_name": "sentiment", "to_name": "text",
                                                            "type": "choices", "value": {"choices": ["mixed"]}}]}]},
    {"id": 105, "data": {"text": "so-so"}, "annotations": []},
]


def test_a_hand_written_label_studio_export_comes_in_with_its_users_as_annotators(ws, tmp_path):
    version = _version(ws, tmp_path)
    task = _task(ws, version)
    path = tmp_path / "project-1-at-2024.json"
    path.write_text(json.dumps(HAND_WRITTEN), encoding="utf-8")
    result = transfer.import_labels(ws, task.id, path)
    assert _labels(ws, task.id) == [(0, "ann@example.com", "pos"), (0, "user 7", "pos"),
                                    (1, "lee@example.com", "neg"), (3, "user 9", "mixed")]
    assert result.format == "label-studio"
    assert (result.matched, result.unmatched, result.imported) == (4, 1, 4)
    assert result.annotators == ["ann@example.com", "lee@example.com", "user 7", "user 9"]
    assert result.not_in_schema == 1 and result.skipped == 3  # cancelled, two classes, the unmatched task's label
    notes = " ".join(result.notes)
    assert "1 item(s) of the file matched no row" in notes and "'not in this data at all'" in notes
    assert "1 cancelled" in notes
    assert "1 annotation(s) chose several classes" in notes
    assert "'mixed'" in notes and "kept and flagged" in notes
    first = [a for a in annotations.list_annotations(ws, task.id) if a.annotator == "user 7"][0]
    assert first.created_at.startswith("2024-03-09T21:52:49.513742")  # Label Studio's time is kept
    assert agreement.status(ws, task.id)["not_in_schema"] == {"mixed": 1}


def test_an_annotator_given_replaces_every_completed_by(ws, tmp_path):
    version = _version(ws, tmp_path)
    task = _task(ws, version)
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(HAND_WRITTEN[:2]), encoding="utf-8")
    result = transfer.import_labels(ws, task.id, path, annotator="  Kim  ")
    assert result.annotators == ["Kim"]
    assert {(i, w) for i, w, _ in _labels(ws, task.id)} == {(0, "Kim"), (1, "Kim")}


def test_a_multi_label_task_takes_several_choices_in_class_order(ws, tmp_path):
    version = _version(ws, tmp_path)
    task = _task(ws, version, name="topics", classes="price,battery,screen", multi_label=True, overlap=1)
    doc = [{"data": {"text": "great screen"}, "annotations": [
        {"completed_by": 1, "result": [{"from_name": "topics", "to_name": "text", "type": "choices",
                                        "value": {"choices": ["screen", "price"]}}]}]}]
    result = transfer.import_labels(ws, task.id, json.dumps(doc).encode(), name="upload.json")
    assert result.imported == 1
    assert _labels(ws, task.id) == [(3, "user 1", json.dumps(["price", "screen"]))]
    exported = json.loads(transfer.export_bytes(ws, task.id, "label-studio"))
    assert exported[0]["annotations"][0]["result"][0]["value"]["choices"] == ["price", "screen"]
    fresh = _task(ws, version, name="topics again", classes="price,battery,screen", multi_label=True, overlap=1)
    transfer.import_labels(ws, fresh.id, transfer.export_bytes(ws, task.id, "csv"), name="topics.csv")
    assert _labels(ws, fresh.id) == _labels(ws, task.id)


def test_the_choices_question_that_matches_the_classes_is_read_when_a_project_asks_several(ws, tmp_path):
    version = _version(ws, tmp_path)
    task = _task(ws, version)
    doc = [{"data": {"text": "good phone"}, "annotations": [{"completed_by": 1, "result": [
        {"from_name": "language", "to_name": "text", "type": "choices", "value": {"choices": ["en"]}},
        {"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["pos"]}}]}]}]
    result = transfer.import_labels(ws, task.id, json.dumps(doc).encode(), name="two.json")
    assert _labels(ws, task.id) == [(0, "user 1", "pos")]
    assert any("read 'sentiment'" in n and "'language'" in n for n in result.notes)


def test_a_row_number_whose_content_differs_is_matched_by_content(ws, tmp_path):
    version = _version(ws, tmp_path)
    task = _task(ws, version)
    doc = [{"data": {"text": "love it", "mlcycle_row": 0}, "annotations": [  # row 0 is 'good phone' here
        {"completed_by": 1, "result": [{"from_name": "label", "to_name": "text", "type": "choices",
                                        "value": {"choices": ["pos"]}}]}]},
           {"data": {"mlcycle_row": 1}, "annotations": [  # no content: the row number is all there is
               {"completed_by": 1, "result": [{"from_name": "label", "to_name": "text", "type": "choices",
                                               "value": {"choices": ["neg"]}}]}]}]
    result = transfer.import_labels(ws, task.id, json.dumps(doc).encode(), name="moved.json")
    assert _labels(ws, task.id) == [(1, "user 1", "neg"), (7, "user 1", "pos")]
    assert any("matched by their content" in n for n in result.notes)


def test_images_are_matched_by_file_name_when_label_studio_renamed_the_upload(ws, tmp_path):
    frame = pd.DataFrame({"image": ["cats/cat1.png", "cats/cat2.png", "dogs/dog1.png"], "width": [8, 8, 8]})
    version = _version(ws, tmp_path, frame, name="pets")
    task = tasks.create_task(ws, version.id, name="animal", classes="cat,dog", kind="image", item_column="image")
    doc = [{"data": {"image": "/data/upload/3/1a2b3c4d-cat2.png"}, "annotations": [
        {"completed_by": 2, "result": [{"from_name": "choice", "to_name": "image", "type": "choices",
                                        "value": {"choices": ["cat"]}}]}]},
           {"data": {"image": "/data/local-files/?d=pets%2Fdogs%2Fdog1.png"}, "annotations": [
               {"completed_by": 2, "result": [{"from_name": "choice", "to_name": "image", "type": "choices",
                                               "value": {"choices": ["dog"]}}]}]},
           {"data": {"image": "cats/cat1.png"}, "annotations": [
               {"completed_by": 2, "result": [{"from_name": "choice", "to_name": "image", "type": "choices",
                                               "value": {"choices": ["cat"]}}]}]}]
    result = transfer.import_labels(ws, task.id, json.dumps(doc).encode(), name="pets.json")
    assert (result.matched, result.unmatched) == (3, 0)
    assert _labels(ws, task.id) == [(0, "user 2", "cat"), (1, "user 2", "cat"), (2, "user 2", "dog")]


def test_a_whole_row_task_round_trips_by_row_number(ws, tmp_path):
    version = _version(ws, tmp_path)
    task = _task(ws, version, name="quality", classes="ok,spam", kind="tabular", overlap=1)
    annotations.record_labels(ws, task.id, [0, 2, 4], "ok", annotator="alice")
    annotations.record_label(ws, task.id, 6, "spam", annotator="alice")
    doc = json.loads(transfer.export_bytes(ws, task.id, "label-studio"))
    assert doc[0]["annotations"][0]["result"][0]["to_name"] == "table" and "text" not in doc[0]["data"]
    for fmt in transfer.FORMATS:
        fresh = _task(ws, version, name=f"quality {fmt}", classes="ok,spam", kind="tabular", overlap=1)
        transfer.import_labels(ws, fresh.id, transfer.export_bytes(ws, task.id, fmt), name=f"q.{fmt}")
        assert _labels(ws, fresh.id) == _labels(ws, task.id), fmt


def test_a_label_of_a_removed_class_is_exported_and_imported_flagged(ws, tmp_path):
    version = _version(ws, tmp_path)
    task = _task(ws, version, overlap=1)
    annotations.record_label(ws, task.id, 0, "neutral", annotator="alice")
    annotations.record_label(ws, task.id, 1, "pos", annotator="alice")
    tasks.update_task(ws, task.id, classes="pos,neg")
    out = transfer.export_labels(ws, task.id, "label-studio", tmp_path / "ls.json")
    fresh = _task(ws, version, name="fresh", classes="pos,neg", overlap=1)
    result = transfer.import_labels(ws, fresh.id, out)
    assert _labels(ws, fresh.id) == [(0, "alice", "neutral"), (1, "alice", "pos")]
    assert result.not_in_schema == 1 and any("'neutral'" in n and "flagged" in n for n in result.notes)
    assert agreement.status(ws, fresh.id)["not_in_schema"] == {"neutral": 1}


def test_export_names_and_formats(ws, tmp_path):
    version = _version(ws, tmp_path)
    task = _task(ws, version, name="감정 분석/v2")
    assert transfer.export_file_name(task, "csv") == "감정_분석_v2_labels.csv"
    assert transfer.export_file_name(task, "ls") == "감정_분석_v2_label-studio.json"
    assert transfer.export_format("x.json") == "json" and transfer.export_format("x.json", "label-studio") \
        == "label-studio"
    assert transfer.normalise_format("Label Studio") == "label-studio"
