"""Fault suite (issue #14): bad label files, bad export paths and bad `mlcycle labels` arguments give one
clear message (naming the file and what to do) and exit code 2, and write nothing."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from core.data import datasets
from core.errors import InvalidInput, NotFound
from core.labeling import annotations, tasks, transfer
from tests.shared import cli


@pytest.fixture
def task(ws, tmp_path):
    path = tmp_path / "reviews.csv"
    pd.DataFrame({"review": ["good", "bad", "fine"], "stars": [5, 1, 3]}).to_csv(path, index=False)
    version = datasets.add_dataset(ws, path, name="reviews").version
    return tasks.create_task(ws, version.id, name="sentiment", classes="pos,neg", kind="text", item_column="review")


LS_OK = [{"data": {"text": "good"}, "annotations": [{"completed_by": 1, "result": [
    {"from_name": "label", "to_name": "text", "type": "choices", "value": {"choices": ["pos"]}}]}]}]

BAD_FILES = {
    "cut.json": ('[{"data": {"text": "good"}, "annotations": [', "is not valid JSON (", "Export the file again"),
    "empty.json": ("", "is empty", "Label Studio JSON export"),
    "blank.csv": ("  \n\n", "is empty", "Label Studio JSON export"),
    "none.json": ("[]", "holds no tasks", "Export the project again"),
    "object.json": ('{"project": 3, "title": "x"}', "is JSON, but not a label export: an object with the keys "
                                                     "project, title", "Label Studio JSON export"),
    "numbers.json": ("[1, 2, 3]", "Task 1 of", "Label Studio JSON export"),
    "min.json": ('[{"id": 1, "text": "good", "sentiment": "pos", "annotator": "a@b.c", "annotation_id": 4}]',
                 "looks like Label Studio's JSON-MIN export", "JSON format (not JSON-MIN)"),
    "other.csv": ("name,score\nx,1\n", "is not a label file", "Label Studio JSON export"),
    "extra.csv": ("item,annotator,label,note\n0,a,pos,hi\n", "has columns a label import does not know: 'note'",
                  "remove the others"),
    "nolabel.csv": ("item,annotator\n0,a\n", "has no label column", "annotator and label"),
    "header.csv": ("item,annotator,label\n", "has a header but no rows", "Label Studio JSON export"),
    "boxes.json": (json.dumps([{"data": {"image": "a.png"}, "annotations": [{"completed_by": 1, "result": [
        {"from_name": "box", "to_name": "image", "type": "rectanglelabels", "value": {"x": 1}}]}]}]),
        "has no classification answers (choices); its annotations are rectanglelabels", "Choices"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_is_refused_naming_the_file_and_nothing_is_written(ws, tmp_path, task, name):
    body, message, hint = BAD_FILES[name]
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        transfer.import_labels(ws, task.id, path)
    assert str(path) in caught.value.message and message in caught.value.message
    assert hint in caught.value.hint
    assert annotations.list_annotations(ws, task.id) == []


def test_files_that_cannot_be_read_as_text_or_at_all_are_refused(ws, tmp_path, task):
    latin = tmp_path / "labels.csv"
    latin.write_bytes("item,annotator,label\n0,Jos\xe9,pos\n".encode("latin-1"))
    with pytest.raises(InvalidInput, match="is not UTF-8 text"):
        transfer.import_labels(ws, task.id, latin)
    with pytest.raises(InvalidInput, match="does not exist"):
        transfer.import_labels(ws, task.id, tmp_path / "nope.json")
    with pytest.raises(InvalidInput, match="is a folder"):
        transfer.import_labels(ws, task.id, tmp_path)
    with pytest.raises(InvalidInput, match="is not UTF-8"):
        transfer.import_labels(ws, task.id, b"\xff\xfe\x00", name="upload.json")
    with pytest.raises(InvalidInput, match="Labels need an annotator"):
        transfer.import_labels(ws, task.id, json.dumps(LS_OK).encode(), annotator="  ")
    with pytest.raises(NotFound):
        transfer.import_labels(ws, "lbt_nope", json.dumps(LS_OK).encode())
    assert annotations.list_annotations(ws, task.id) == []


def test_a_csv_without_annotators_needs_a_name_and_rows_without_one_are_left_out(ws, tmp_path, task):
    path = tmp_path / "mine.csv"
    path.write_text("item,label\n0,pos\n1,neg\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="has no annotator column") as caught:
        transfer.import_labels(ws, task.id, path)
    assert "--annotator" in caught.value.hint
    assert transfer.import_labels(ws, task.id, path, annotator="kim").imported == 2
    path.write_text("item,annotator,label\n0,,pos\n2,lee,neg\n9,lee,pos\n", encoding="utf-8")
    result = transfer.import_labels(ws, task.id, path)
    assert (result.imported, result.matched, result.unmatched) == (1, 2, 1)
    assert any("name no annotator" in n for n in result.notes)


def test_export_refuses_bad_paths_and_formats_and_leaves_no_file(ws, tmp_path, task):
    with pytest.raises(InvalidInput, match="does not exist"):
        transfer.export_labels(ws, task.id, "csv", tmp_path / "no" / "labels.csv")
    with pytest.raises(InvalidInput, match="is a folder") as caught:
        transfer.export_labels(ws, task.id, "json", tmp_path)
    assert "sentiment_labels.json" in caught.value.hint
    with pytest.raises(InvalidInput, match="ends in .csv"):
        transfer.export_labels(ws, task.id, "label-studio", tmp_path / "x.csv")
    with pytest.raises(InvalidInput, match="not a label export format"):
        transfer.export_labels(ws, task.id, "xlsx", tmp_path / "x.xlsx")
    with pytest.raises(InvalidInput, match="Which format"):
        transfer.export_labels(ws, task.id, None, tmp_path / "labels.txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reviews.csv", "ws"]


def _cli_error(ws, capsys, *args):
    code, out, err = cli(ws, capsys, *args, "--json")
    assert code == 2 and out == "", err
    return json.loads(err.strip().splitlines()[-1])


def test_the_cli_reports_bad_input_on_one_line_with_exit_2(ws, tmp_path, capsys, task):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    error = _cli_error(ws, capsys, "labels", "import", "sentiment", str(bad))
    assert str(bad) in error["error"] and "not valid JSON" in error["error"] and error["type"] == "InvalidInput"

    error = _cli_error(ws, capsys, "labels", "status", "no such task")
    assert error["type"] == "NotFound" and "no such task" in error["error"] and "mlcycle labels list" in error["hint"]

    error = _cli_error(ws, capsys, "labels", "label", "sentiment", "--item", "7", "--label", "pos",
                       "--annotator", "a")
    assert "neither a row number (0 to 2) nor the key" in error["error"] and "'review'" in error["hint"]
    error = _cli_error(ws, capsys, "labels", "label", "sentiment", "--item", "good", "--label", "meh",
                       "--annotator", "a")
    assert "'meh' is not a class" in error["error"] and "pos, neg" in error["hint"]
    error = _cli_error(ws, capsys, "labels", "label", "sentiment", "--item", "good", "--label", "pos",
                       "--label", "neg", "--annotator", "a")
    assert "one label per item" in error["error"]

    error = _cli_error(ws, capsys, "labels", "export", "sentiment", "--out", str(tmp_path / "missing" / "x.csv"))
    assert "does not exist" in error["error"]
    error = _cli_error(ws, capsys, "labels", "publish", "sentiment")
    assert "has a resolved label yet" in error["error"]

    error = _cli_error(ws, capsys, "labels", "create", "--dataset", "reviews", "--name", "other", "--classes",
                       "a,b", "--instructions", str(tmp_path / "guide.md"))
    assert "guide.md" in error["error"] and "does not exist" in error["error"]
    error = _cli_error(ws, capsys, "labels", "create", "--dataset", "nope", "--name", "x", "--classes", "a,b")
    assert error["type"] == "NotFound"
    assert annotations.list_annotations(ws, task.id) == []
    assert [t.name for t in tasks.list_tasks(ws)] == ["sentiment"]
