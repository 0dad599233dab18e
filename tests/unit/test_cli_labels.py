"""`mlcycle labels create|list|show|label|import|export|status|publish`, each with --json and as text."""

from __future__ import annotations

import json

import pandas as pd

from core.data import datasets
from core.labeling import annotations, tasks
from tests.conftest import make_project
from tests.shared import cli, cli_json

REVIEWS = ["good phone", "bad battery", "great screen", "awful support", "좋아요"]


def _dataset(ws, tmp_path, name="reviews"):
    path = tmp_path / f"{name}.csv"
    pd.DataFrame({"review": REVIEWS, "stars": [5, 1, 5, 1, 5]}).to_csv(path, index=False)
    return datasets.add_dataset(ws, path, name=name).version


def _create(ws, capsys, tmp_path, *extra):
    guide = tmp_path / "guide.md"
    guide.write_text("# How to label\nPick the **sentiment** of the review.\n", encoding="utf-8")
    return cli_json(ws, capsys, "labels", "create", "--dataset", "reviews", "--name", "sentiment", "--classes",
                    "pos,neg", "--kind", "text", "--item-column", "review", "--overlap", "2", "--instructions",
                    str(guide), *extra)


def test_create_makes_a_task_on_the_version_with_the_instructions_file(ws, tmp_path, capsys):
    version = _dataset(ws, tmp_path)
    project = make_project(ws, "Shop")
    data = _create(ws, capsys, tmp_path, "--project", "Shop")
    task = tasks.get_task(ws, data["id"])
    assert data["id"].startswith("lbt_") and data["name"] == "sentiment" and data["project_id"] == project.id
    assert task.version_id == version.id == data["version_id"] and data["items"] == 5
    assert task.class_names == data["class_names"] == ["pos", "neg"] and task.overlap == 2
    assert (task.kind, task.item_column) == ("text", "review")
    assert task.instructions.startswith("# How to label") and "**sentiment**" in task.instructions

    code, out, err = cli(ws, capsys, "labels", "create", "--dataset", version.id, "--name", "quality", "--classes",
                         "ok,spam")
    assert code == 0, err
    assert out.startswith("Created label task 'quality' (lbt_") and "5 items (whole rows)" in out
    assert "2 classes (ok, spam)" in out


def test_list_and_show(ws, tmp_path, capsys):
    _dataset(ws, tmp_path)
    made = _create(ws, capsys, tmp_path)
    listed = cli_json(ws, capsys, "labels", "list")
    assert [t["id"] for t in listed["tasks"]] == [made["id"]]
    assert listed["tasks"][0]["version_label"].startswith("reviews v1")
    code, out, _ = cli(ws, capsys, "labels", "list")
    assert code == 0 and made["id"] in out and "sentiment" in out and "reviews v1" in out

    shown = cli_json(ws, capsys, "labels", "show", "SENTIMENT")  # a name, ignoring case
    assert shown["id"] == made["id"] and shown["status"]["items"] == 5 and shown["publications"] == []
    code, out, _ = cli(ws, capsys, "labels", "show", made["id"])
    assert code == 0 and "pos    1" in out and "Pick the **sentiment**" in out


def test_label_takes_a_row_number_or_an_items_key(ws, tmp_path, capsys):
    _dataset(ws, tmp_path)
    task_id = _create(ws, capsys, tmp_path)["id"]
    by_row = cli_json(ws, capsys, "labels", "label", "sentiment", "--item", "0", "--label", "pos",
                      "--annotator", "alice")
    assert by_row["item"] == 0 and by_row["label"] == "pos" and by_row["source"] == "cli"
    assert by_row["id"] == by_row["seq"] and by_row["key"] == "good phone"
    by_key = cli_json(ws, capsys, "labels", "label", task_id, "--item", "좋아요", "--label", "NEG",
                      "--annotator", "bob")
    assert by_key["item"] == 4 and by_key["label"] == "neg"
    code, out, err = cli(ws, capsys, "labels", "label", task_id, "--item", "bad battery", "--label", "neg",
                         "--annotator", "alice")
    assert code == 0, err
    assert out.strip() == "Labeled item 1 ('bad battery') as neg by alice in 'sentiment'"
    current = annotations.current_labels(ws, task_id)
    assert sorted(zip(current["item"], current["annotator"], current["label"], strict=True)) == \
        [(0, "alice", "pos"), (1, "alice", "neg"), (4, "bob", "neg")]


def _label_some(ws, task_id):
    for item, who, label in [(0, "alice", "pos"), (1, "alice", "neg"), (2, "alice", "pos"), (3, "alice", "neg"),
                             (0, "bob", "pos"), (1, "bob", "neg"), (2, "bob", "neg"), (3, "bob", "neg")]:
        annotations.record_label(ws, task_id, item, label, annotator=who)


def test_status_prints_counts_per_class_and_cohens_kappa(ws, tmp_path, capsys):
    _dataset(ws, tmp_path)
    task_id = _create(ws, capsys, tmp_path)["id"]
    _label_some(ws, task_id)
    data = cli_json(ws, capsys, "labels", "status", "sentiment")
    assert data["id"] == task_id and data["name"] == "sentiment"
    assert (data["items"], data["labeled"], data["resolved"], data["ties"]) == (5, 4, 3, 1)
    assert data["per_class"] == {"pos": 1, "neg": 2}
    assert data["cohen_kappa"] == 0.5 and data["fleiss_kappa"] is None  # po 3/4, pe 1/2
    assert data["annotators"] == {"alice": 4, "bob": 4}
    code, out, _ = cli(ws, capsys, "labels", "status", "sentiment")
    assert code == 0
    assert "resolved               3" in out and "neg    2" in out and "pos    1" in out
    assert "Cohen's kappa 0.500 over 4 items" in out and "alice (4), bob (4)" in out

    annotations.record_label(ws, task_id, 2, "neg", annotator="carol")  # a third annotator: Fleiss' kappa
    data = cli_json(ws, capsys, "labels", "status", task_id)
    assert data["cohen_kappa"] is None and data["fleiss_kappa"] is not None and data["per_class"]["neg"] == 3
    code, out, _ = cli(ws, capsys, "labels", "status", task_id)
    assert code == 0 and f"Fleiss' kappa {data['fleiss_kappa']:.3f} over 4 items" in out


def test_export_then_import_into_another_task_prints_the_counts(ws, tmp_path, capsys):
    version = _dataset(ws, tmp_path)
    task_id = _create(ws, capsys, tmp_path)["id"]
    _label_some(ws, task_id)
    out = tmp_path / "sentiment.json"
    data = cli_json(ws, capsys, "labels", "export", "sentiment", "--format", "label-studio", "--out", str(out))
    assert data == {"id": task_id, "name": "sentiment", "path": str(out.resolve()), "format": "label-studio",
                    "labels": 8, "items": 4, "size_bytes": out.stat().st_size}
    assert [t["data"]["mlcycle_row"] for t in json.loads(out.read_text(encoding="utf-8"))] == [0, 1, 2, 3]

    other = tasks.create_task(ws, version.id, name="copy", classes="pos,neg", kind="text", item_column="review")
    result = cli_json(ws, capsys, "labels", "import", other.id, str(out))
    assert (result["id"], result["imported"], result["matched"], result["unmatched"]) == (other.id, 8, 4, 0)
    assert result["annotators"] == ["alice", "bob"] and result["format"] == "label-studio"
    code, text, _ = cli(ws, capsys, "labels", "import", "copy", str(out), "--annotator", "carol")
    assert code == 0
    assert text.startswith("Imported 5 label(s) into 'copy' from sentiment.json (label-studio): 4 item(s) matched, "
                           "0 unmatched; annotators: carol")  # alice's and bob's labels, both as carol's
    assert "note: 4 label(s) are for items the same annotator labels more than once in the file" in text
    current = annotations.current_labels(ws, other.id)
    assert sorted(current.loc[current["annotator"] == "carol", "label"]) == ["neg", "neg", "neg", "pos"]

    csv_out = tmp_path / "sentiment.csv"
    code, text, err = cli(ws, capsys, "labels", "export", task_id, "--out", str(csv_out))  # csv from the name
    assert code == 0, err
    assert text.startswith(f"Wrote 8 label(s) of 4 item(s) of 'sentiment' to {csv_out} (csv, ")
    assert csv_out.read_text(encoding="utf-8-sig").splitlines()[0] == \
        "item,key,annotator,label,suggested,accepted,created_at,resolved"


def test_publish_makes_a_version_that_the_datasets_commands_list(ws, tmp_path, capsys):
    version = _dataset(ws, tmp_path)
    task_id = _create(ws, capsys, tmp_path)["id"]
    _label_some(ws, task_id)
    data = cli_json(ws, capsys, "labels", "publish", "sentiment")
    assert data["id"].startswith("dsv_") and data["label_column"] == "sentiment"
    assert data["rows"] == 3 and data["columns"] == ["review", "stars", "sentiment"]
    assert data["dataset"] == "reviews" and data["dataset_id"] == version.dataset_id and data["number"] == 2
    assert data["parent_id"] == version.id and data["publication"].startswith("lbp_") and data["task"] == task_id
    listed = cli_json(ws, capsys, "datasets", "versions", "reviews")
    assert [v["id"] for v in listed["versions"]] == [version.id, data["id"]]
    frame = datasets.load_frame(ws, data["id"])
    assert frame["sentiment"].tolist() == ["pos", "neg", "neg"]  # the tie (row 2) is left out

    kept = cli_json(ws, capsys, "labels", "publish", task_id, "--include-unresolved")
    assert kept["rows"] == 5 and kept["id"] != data["id"] and kept["include_unresolved"] is True
    code, out, _ = cli(ws, capsys, "labels", "publish", "sentiment")
    assert code == 0 and "3 rows with the column 'sentiment'" in out and "2 unresolved row(s) left out" in out


def test_review_decides_a_tie_and_clear_gives_it_back_to_the_votes(ws, tmp_path, capsys):
    _dataset(ws, tmp_path)
    task = _create(ws, capsys, tmp_path)["id"]
    annotations.record_label(ws, task, 0, "pos", annotator="ana")
    annotations.record_label(ws, task, 0, "neg", annotator="ben")
    assert cli_json(ws, capsys, "labels", "status", task)["resolved"] == 0
    decided = cli_json(ws, capsys, "labels", "review", task, "--item", "good phone", "--label", "pos",
                       "--reviewer", "cy")
    assert decided["label"] == "pos" and decided["reviewer"] == "cy" and decided["item"] == 0
    assert cli_json(ws, capsys, "labels", "status", task)["resolved"] == 1
    cli_json(ws, capsys, "labels", "review", task, "--item", "0", "--clear")
    assert cli_json(ws, capsys, "labels", "status", task)["resolved"] == 0
    code, _, err = cli(ws, capsys, "labels", "review", task, "--item", "0")
    assert code == 2 and "--label" in err


def test_suggest_trains_and_says_why_not_when_it_cannot(ws, tmp_path, capsys):
    path = tmp_path / "r.csv"
    words = ["great", "love", "bad", "awful"]
    pd.DataFrame({"review": [f"{words[i % 4]} product {i}" for i in range(40)]}).to_csv(path, index=False)
    datasets.add_dataset(ws, path, name="reviews")
    task = cli_json(ws, capsys, "labels", "create", "--dataset", "reviews", "--name", "tone", "--classes",
                    "pos,neg", "--kind", "text", "--item-column", "review")["id"]
    code, _, err = cli(ws, capsys, "labels", "suggest", task)
    assert code == 2 and "10" in err  # too few labels: says how many are needed
    for i in range(16):
        annotations.record_label(ws, task, i, "pos" if i % 4 < 2 else "neg", annotator="ana")
    run = cli_json(ws, capsys, "labels", "suggest", task)
    assert run["id"].startswith("lbr_") and run["n_labeled"] == 16 and run["n_suggested"] == 24
    assert annotations.next_items(ws, task, annotator="ana", limit=1)  # the queue follows the suggestions


def test_images_adds_a_zip_as_a_version_ready_for_an_image_task(ws, capsys):
    from tests.conftest import SAMPLES

    added = cli_json(ws, capsys, "labels", "images", str(SAMPLES / "digits.zip"), "--name", "digits")
    assert added["rows"] == 300 and added["columns"][:2] == ["image", "folder"] and not added["reused"]
    task = cli_json(ws, capsys, "labels", "create", "--dataset", added["id"], "--name", "digit", "--classes",
                    ",".join(map(str, range(10))), "--kind", "image", "--item-column", "image")
    path = tasks.image_path(ws, tasks.get_task(ws, task["id"]), 5)
    assert path.is_file() and path.suffix == ".png"
    assert cli_json(ws, capsys, "labels", "images", str(SAMPLES / "digits.zip"), "--name", "digits")["reused"]
