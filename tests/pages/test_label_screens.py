"""The labeling screens under AppTest (tests/pages/label_screen_app.py draws one screen of a task, as the
Label page's "Label" tab does): texts one at a time with skip, undo, back and suggestions; multi-label;
labels of removed classes flagged; images one at a time and in a grid; table rows with filters, bulk
labels after a confirmation and edits saved as made; every screen in Korean; the keyboard map."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from core.data import datasets
from core.ids import utcnow
from core.labeling import annotations as an
from core.labeling import tasks
from tests.conftest import make_project
from tests.pages.test_korean import HANGUL

APP = Path(__file__).with_name("label_screen_app.py")


def run(task, *, annotator: str = "ann", lang: str | None = None, session: dict | None = None, **params):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["task"] = task.id
    at.query_params["annotator"] = annotator
    if lang:
        at.query_params["lang"] = lang
    for name, value in params.items():
        at.query_params[name] = str(value)
    for key, value in (session or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def again(step):
    """Run the app again after an interaction (``at.button(...).click()``) or as it is; returns the AppTest."""
    at = step.run()
    assert not at.exception, at.exception
    return at


def shown_item(at) -> str:
    """The text block of the item on screen (HTML, escaped)."""
    return next(e.proto.body for e in at.get("html") if 'class="lbl-item' in e.proto.body)


def texts(at) -> str:
    return "\n".join(e.value for kind in ("markdown", "caption", "info", "warning", "success", "error")
                     for e in getattr(at, kind) if isinstance(getattr(e, "value", None), str))


def mine(ws, task, who: str = "ann", *, include_undone: bool = False):
    return an.list_annotations(ws, task.id, annotator=who, include_undone=include_undone)


@pytest.fixture
def reviews(ws, tmp_path):
    project = make_project(ws, "Reviews")
    frame = pd.DataFrame({"review": ["<b>Great</b> *coffee* [link](http://x.io)", "Broke after a day.",
                                     "It works.", "지퍼가 고장 났어요.", "Love it", "Meh"],
                          "stars": [5, 1, 3, 1, 5, 2]})
    frame.to_csv(tmp_path / "reviews.csv", index=False)
    version = datasets.add_dataset(ws, tmp_path / "reviews.csv", name="reviews", project_id=project.id).version
    return tasks.create_task(ws, version.id, name="sentiment", classes="positive, negative, neutral", kind="text",
                             item_column="review", instructions="Label the **tone**.")


def _suggest(ws, task, item: int, label: str, confidence: float) -> None:
    with ws.write() as db:
        db["label_runs"].insert({"id": "lbr_test", "task_id": task.id, "learner": "test", "n_labeled": 10,
                                 "n_suggested": 1, "classes": "[]", "metrics": "{}", "notes": "[]",
                                 "created_at": utcnow()})
        db["label_suggestions"].insert({"task_id": task.id, "item": item, "run_id": "lbr_test", "label": label,
                                        "confidence": confidence, "uncertainty": 0.5})


# ---------------------------------------------------------------- texts

def test_a_text_is_shown_escaped_with_class_buttons_and_a_click_labels_it_and_moves_on(ws, reviews):
    at = run(reviews)
    assert shown_item(at) == ('<div class="lbl-item">&lt;b&gt;Great&lt;/b&gt; *coffee* [link](http://x.io)'
                              '</div>')
    assert "**Row 0**" in texts(at)
    labels = {b.key: b.label for b in at.button if b.key.startswith("lbl_cls_")}
    assert labels == {"lbl_cls_0": "positive `1`", "lbl_cls_1": "negative `2`", "lbl_cls_2": "neutral `3`"}
    assert "Label the **tone**." in texts(at)  # the instructions, open before the first label

    again(at.button(key="lbl_cls_0").click())
    given = mine(ws, reviews)
    assert [(a.item, a.label, a.source) for a in given] == [(0, "positive", "screen")]
    assert given[0].seconds is not None and given[0].seconds >= 0
    assert "Broke after a day." in shown_item(at)
    assert "1 of 6 items labeled" in at.get("progress")[0].proto.text
    assert "You have labeled 1 item" in texts(at)


def test_skip_then_undo_brings_the_item_back_and_undo_touches_only_ones_own_labels(ws, reviews):
    an.record_label(ws, reviews.id, 3, "negative", annotator="bo")
    at = run(reviews)
    again(at.button(key="lbl_skip").click())
    assert [(a.item, a.action) for a in mine(ws, reviews)] == [(0, "skip")]
    assert "Broke after a day." in shown_item(at)
    again(at.button(key="lbl_undo").click())
    assert mine(ws, reviews) == []
    assert at.query_params["item"] == ["0"] or at.query_params["item"] == "0"
    assert "Skip of row 0 undone." in [t.value for t in at.toast]
    assert "Great" in shown_item(at)
    again(at.button(key="lbl_undo").click())  # nothing of ann's left: bo's label stays
    assert "Nothing to undo." in [t.value for t in at.toast]
    assert [a.label for a in mine(ws, reviews, "bo")] == ["negative"]


def test_back_shows_the_earlier_item_with_its_label_and_a_relabel_adds_a_newer_row(ws, reviews):
    at = run(reviews)
    again(at.button(key="lbl_cls_0").click())  # row 0 positive
    again(at.button(key="lbl_cls_1").click())  # row 1 negative
    assert at.button(key="lbl_back").disabled is False
    again(at.button(key="lbl_back").click())
    assert "Broke after a day." in shown_item(at)
    assert "you labeled it **negative**" in texts(at)
    # the label given is highlighted: a ring around its button, the others dimmed
    style = next(e.proto.body for e in at.get("html") if ".st-key-lbl_cls_1 button{box-shadow" in e.proto.body)
    assert ".st-key-lbl_cls_0 button{opacity:.5}" in style
    again(at.button(key="lbl_back").click())
    assert "Great" in shown_item(at)
    again(at.button(key="lbl_cls_2").click())  # row 0 again: neutral, a newer row
    rows = [(a.item, a.label) for a in mine(ws, reviews)]
    assert rows == [(0, "positive"), (1, "negative"), (0, "neutral")]
    current = an.current_labels(ws, reviews.id)
    assert dict(zip(current["item"], current["label"], strict=True)) == {0: "neutral", 1: "negative"}
    # then back to the queue: the next new item
    assert "item" not in at.query_params
    assert "It works." in shown_item(at)
    # Next steps forward through what was done, then to new items
    again(at.button(key="lbl_back").click())
    again(at.button(key="lbl_back").click())
    assert "Broke after a day." in shown_item(at)
    again(at.button(key="lbl_next").click())
    assert "Great" in shown_item(at)
    again(at.button(key="lbl_next").click())
    assert "It works." in shown_item(at)


def test_an_item_can_be_opened_from_the_url_and_a_bad_one_is_explained(ws, reviews):
    at = run(reviews, item=4)
    assert "Love it" in shown_item(at)
    again(at.button(key="lbl_cls_0").click())
    assert [(a.item, a.label) for a in mine(ws, reviews)] == [(4, "positive")]
    assert "item" not in at.query_params  # back to the queue
    assert "Great" in shown_item(at)

    at = run(reviews, item=99)
    assert "which this task does not have" in texts(at)
    assert "Great" in shown_item(at)


def test_a_suggestion_is_a_pre_label_that_enter_accepts_and_is_recorded(ws, reviews):
    _suggest(ws, reviews, 0, "positive", 0.87)
    at = run(reviews)
    assert "Suggested: **positive** (87%)" in texts(at)
    again(at.button(key="lbl_accept").click())
    first = mine(ws, reviews)[-1]
    assert (first.item, first.label, first.suggested, first.accepted) == (0, "positive", "positive", True)
    # correcting a suggestion records it as not accepted
    _suggest_more = [(1, "positive", 0.6)]
    with ws.write() as db:
        for item, label, conf in _suggest_more:
            db["label_suggestions"].insert({"task_id": reviews.id, "item": item, "run_id": "lbr_test", "label": label,
                                            "confidence": conf, "uncertainty": 0.9})
    again(at)
    again(at.button(key="lbl_cls_1").click())
    last = mine(ws, reviews)[-1]
    assert (last.item, last.label, last.suggested, last.accepted) == (1, "negative", "positive", False)


def test_multi_label_toggles_classes_and_saves_them_together(ws, reviews):
    task = tasks.update_task(ws, reviews.id, multi_label=True)
    at = run(task)
    assert at.button(key="lbl_save").disabled
    again(at.button(key="lbl_cls_2").click())
    again(at.button(key="lbl_cls_0").click())
    assert mine(ws, task) == []  # nothing saved before Save
    again(at.button(key="lbl_save").click())
    assert [(a.item, json.loads(a.label)) for a in mine(ws, task)] == [(0, ["positive", "neutral"])]
    assert "Broke after a day." in shown_item(at)


def test_a_label_of_a_removed_class_is_flagged_and_kept(ws, reviews):
    an.record_label(ws, reviews.id, 0, "neutral", annotator="bo")
    task = tasks.update_task(ws, reviews.id, classes="positive, negative")
    at = run(task, item=0)
    assert "Not in the schema" in texts(at) and "**neutral** (bo)" in texts(at)
    again(at.button(key="lbl_cls_1").click())
    assert [a.label for a in mine(ws, task, "bo")] == ["neutral"]


def test_when_nothing_is_left_the_screen_says_so_and_links_to_review_and_publish(ws, reviews):
    an.record_labels(ws, reviews.id, range(6), "positive", annotator="ann")
    at = run(reviews)
    assert "All done: every item has its labels." in texts(at)
    assert {"Review", "Publish"} <= {b.label for b in at.button}
    assert not [e for e in at.get("html") if 'class="lbl-item' in e.proto.body]

    task = tasks.update_task(ws, reviews.id, overlap=2)
    at = run(task)
    assert "Nothing is left for you to label" in texts(at) and "6 still need labels" in texts(at)


# ---------------------------------------------------------------- images

@pytest.fixture
def pictures(ws, tmp_path):
    from PIL import Image

    from core.labeling import images

    project = make_project(ws, "Pictures")
    path = tmp_path / "shapes.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(20):
            im = Image.new("RGB", (24, 16), (i * 10, 100, 200 - i * 5))
            out = tmp_path / f"img_{i:02d}.png"
            im.save(out)
            zf.write(out, f"{'cats' if i < 12 else 'dogs'}/img_{i:02d}.png")
    version = images.add_image_zip(ws, path, name="shapes", project_id=project.id).version
    return tasks.create_task(ws, version.id, name="animal", classes="cat, dog", kind="image", item_column="image")


def test_images_one_at_a_time_show_the_picture_and_label_with_buttons(ws, pictures):
    at = run(pictures)
    assert len(at.image) == 1
    assert "img\\_00.png" in texts(at) or "img_00.png" in texts(at)
    again(at.button(key="lbl_cls_1").click())
    assert [(a.item, a.label) for a in mine(ws, pictures)] == [(0, "dog")]
    assert "**Row 1**" in texts(at)


def test_the_image_grid_labels_one_tile_and_every_image_shown(ws, pictures):
    from ui.label_screens import VIEW

    at = run(pictures, session={VIEW: "grid"})
    tiles = [s for s in at.selectbox if s.key.startswith(f"lbl_g_{pictures.id}_")]
    assert len(tiles) == 16 and len(at.image) == 16
    again(at.selectbox(key=f"lbl_g_{pictures.id}_3").select("dog"))
    assert [(a.item, a.label, a.source) for a in mine(ws, pictures)] == [(3, "dog", "screen")]
    assert at.selectbox(key=f"lbl_g_{pictures.id}_3").value == "dog"
    # every image shown: 16 written (one already had 'dog' from ann: written again as cat), then page 2
    again(at.selectbox(key=f"lbl_g_bulk_{pictures.id}").select("cat"))
    again(at.button(key="lbl_g_bulk_go").click())
    current = an.current_labels(ws, pictures.id)
    assert sorted(current["item"]) == list(range(16)) and set(current["label"]) == {"cat"}
    assert set(current[current["item"] != 3]["source"]) == {"bulk"}
    assert at.query_params["page"] in ("2", ["2"])
    assert at.selectbox(key=f"lbl_g_bulk_{pictures.id}").value is None  # a second click labels nothing
    assert at.button(key="lbl_g_bulk_go").disabled
    assert len([s for s in at.selectbox if s.key.startswith(f"lbl_g_{pictures.id}_")]) == 4
    # one folder only
    at = run(pictures, session={VIEW: "grid"})
    again(at.selectbox(key=f"lbl_g_folder_{pictures.id}").select("dogs"))
    assert len([s for s in at.selectbox if s.key.startswith(f"lbl_g_{pictures.id}_")]) == 8


def test_a_missing_image_is_explained_not_a_traceback(ws, pictures):
    (Path(pictures.image_root) / "cats" / "img_00.png").unlink()
    at = run(pictures)
    assert "This image cannot be shown" in texts(at)
    assert at.button(key="lbl_skip")


# ---------------------------------------------------------------- table rows

@pytest.fixture
def rows_task(ws, tmp_path):
    project = make_project(ws, "Orders")
    frame = pd.DataFrame({"city": ["Seoul" if i % 3 == 0 else "Busan" for i in range(150)],
                          "amount": [float(i) for i in range(150)]})
    frame.to_csv(tmp_path / "orders.csv", index=False)
    version = datasets.add_dataset(ws, tmp_path / "orders.csv", name="orders", project_id=project.id).version
    return tasks.create_task(ws, version.id, name="fraud", classes="ok, fraud")


def _editor(at):
    (editor,) = at.data_editor
    return editor


def test_rows_are_paged_100_at_a_time_with_a_label_column(ws, rows_task):
    an.record_label(ws, rows_task.id, 101, "fraud", annotator="ann")
    an.record_label(ws, rows_task.id, 102, "ok", annotator="bo")
    at = run(rows_task)
    assert len(_editor(at).value) == 100
    assert "Page 1 of 2: rows 1–100 of 150" in texts(at)
    at = run(rows_task, page=2)
    frame = _editor(at).value
    assert list(frame.index) == list(range(100, 150))
    assert frame.loc[101, "label"] == "fraud" and pd.isna(frame.loc[102, "label"])  # only one's own labels


def test_filters_and_a_bulk_label_after_a_confirmation(ws, rows_task):
    an.record_labels(ws, rows_task.id, [0, 1, 2], "ok", annotator="ann")
    at = run(rows_task)
    again(at.toggle(key=f"lbl_t_only_{rows_task.id}").set_value(True))
    assert len(_editor(at).value) == 100 and 0 not in _editor(at).value.index
    again(at.selectbox(key=f"lbl_t_col_{rows_task.id}").select("city"))
    again(at.selectbox(key=f"lbl_t_val_{rows_task.id}_city").select("1"))  # the second value: Seoul
    seoul = _editor(at).value
    assert set(seoul["city"]) == {"Seoul"} and len(seoul) == 49  # 50 Seoul rows, row 0 labeled
    again(at.selectbox(key=f"lbl_t_bulk_{rows_task.id}").select("fraud"))
    assert at.button(key="lbl_t_bulk_go").label == "Label 49 rows…"
    again(at.button(key="lbl_t_bulk_go").click())
    assert "Give the label **fraud** to 49 rows?" in texts(at)
    assert an.list_annotations(ws, rows_task.id, annotator="ann")[-1].label == "ok"  # nothing yet
    again(at.button(key="lbl_t_bulk_yes").click())
    current = an.current_labels(ws, rows_task.id)
    fraud = current[current["label"] == "fraud"]
    assert len(fraud) == 49 and set(fraud["source"]) == {"bulk"} and 0 not in set(fraud["item"])
    assert "49 rows labeled fraud" in [t.value for t in at.toast]
    assert "No rows match the filters." in texts(at)  # all Seoul rows now labeled


def test_by_class_filter_and_the_cancelled_bulk_writes_nothing(ws, rows_task):
    an.record_labels(ws, rows_task.id, [5, 7], "fraud", annotator="ann")
    at = run(rows_task)
    again(at.selectbox(key=f"lbl_t_class_{rows_task.id}").select("fraud"))
    assert list(_editor(at).value.index) == [5, 7]
    again(at.selectbox(key=f"lbl_t_bulk_{rows_task.id}").select("ok"))
    again(at.button(key="lbl_t_bulk_go").click())
    again(at.button(key="lbl_t_bulk_no").click())
    assert len(mine(ws, rows_task)) == 2


def test_table_edits_are_saved_as_made_and_only_the_changes(ws, rows_task):
    from ui.label_screens import _apply_edits

    shown, stored = [10, 11, 12], ["ok", None, None]
    edits = {0: {"label": "ok"}, 1: {"label": "fraud"}, "2": {"city": "x"}}
    assert _apply_edits(ws, rows_task, "ann", shown, stored, edits, "label") == (1, False)
    assert [(a.item, a.label, a.source) for a in mine(ws, rows_task)] == [(11, "fraud", "screen")]
    # the next run draws the stored label: the same edit is not written twice
    assert _apply_edits(ws, rows_task, "ann", shown, ["ok", "fraud", None], edits, "label") == (0, False)
    # a cleared cell is no change: a label stays once given
    assert _apply_edits(ws, rows_task, "ann", shown, ["ok", "fraud", None], {1: {"label": None}}, "label") \
        == (0, True)
    assert len(mine(ws, rows_task)) == 1


# ---------------------------------------------------------------- Korean

def test_every_screen_reads_in_korean(ws, reviews, pictures, rows_task):
    from ui import i18n
    from ui.label_screens import VIEW

    _suggest(ws, reviews, 0, "positive", 0.9)
    i18n.reset_missing()
    screens = [run(reviews, lang="ko"), run(pictures, lang="ko"), run(pictures, lang="ko", session={VIEW: "grid"}),
               run(rows_task, lang="ko")]
    assert not i18n.missing(), i18n.missing()
    for at in screens:
        assert HANGUL.search(texts(at) + " ".join(b.label for b in at.button))
    assert "제안: **positive** (90%)" in texts(screens[0])


# ---------------------------------------------------------------- the keyboard map

def test_hotkey_map_is_checked_and_safe_in_the_script():
    from ui import hotkeys

    assert hotkeys.normalize({"lbl_undo": ["z", "Ctrl+Z"], "b1": "1"}) == {"lbl_undo": ["z", "ctrl+z"], "b1": ["1"]}
    for bad in ({"a b": "1"}, {"x": "hyper+1"}, {"x": "ctrl+"}):
        with pytest.raises(ValueError):
            hotkeys.normalize(bad)
    html = hotkeys.script({"lbl_cls_0": "1"})
    assert '{"lbl_cls_0": ["1"]}' in html and "__MAP__" not in html
    assert "</script>" not in hotkeys.script({"x": "</script>"}).split("<script>")[1].split("</script>")[0]
    assert hotkeys.key_text("ctrl+z") == "Ctrl+Z" and hotkeys.key_text("arrowleft") == "←"
    assert hotkeys.keys_text(["b", "arrowleft"]) == "B / ←"


def test_the_text_screen_binds_its_keys(ws, reviews):
    at = run(reviews)
    frames = [e for e in at.get("iframe")]
    assert len(frames) == 1
    source = frames[0].proto.srcdoc
    bound = json.loads(source.split("map: ")[1].split(", frame:")[0])
    assert bound["lbl_cls_0"] == ["1"] and bound["lbl_skip"] == ["s"]
    assert bound["lbl_undo"][:2] == ["z", "ctrl+z"] and bound["lbl_back"] == ["b", "arrowleft"]

