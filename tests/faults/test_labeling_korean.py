"""Fault suite (issue #14): what core.labeling says when labeling goes wrong reads in Korean when the UI is in
Korean (ui/locale/ko_labeling_core.py): the real messages and hints core raises (bad classes, an unknown or
archived task, no annotator, nothing to publish, too few labels to suggest, bad import files), the suggestion
job's title, progress and notes, and an import's notes, with the user's data (task, class and file names) as
written."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import string

import numpy as np
import pandas as pd
import pytest

from core.data import datasets
from core.errors import MLCycleError
from core.labeling import active, annotations, publish, tasks, transfer
from ui.locale import ko_labeling_core

HANGUL = re.compile(r"[\uac00-\ud7a3]")
KINDS = ("ERRORS", "HINTS", "PROGRESS", "NOTES")


@pytest.fixture
def korean(monkeypatch):
    """``i18n.message`` as the UI calls it, with the session's language Korean."""
    from ui import i18n

    monkeypatch.setattr(i18n, "lang", lambda: "ko")

    def show(text: str, kind: str = "ERRORS") -> str:
        shown = i18n.message(text, kind=kind)
        assert shown != text and HANGUL.search(shown), f"no Korean ({kind}) for {text!r}"
        return shown

    return show


def _raised(call) -> MLCycleError:
    with pytest.raises(MLCycleError) as caught:
        call()
    return caught.value


def _both(show, exc: MLCycleError) -> tuple[str, str]:
    """The message and the hint of a real error, each in Korean."""
    assert exc.hint, exc.message
    return show(exc.message), show(exc.hint, "HINTS")


def _version(ws, tmp_path, frame: pd.DataFrame, name: str):
    path = tmp_path / f"{name}.csv"
    frame.to_csv(path, index=False)
    return datasets.add_dataset(ws, path, name=name).version


REVIEWS = ["좋아요 정말 만족합니다", "별로예요 다시는 안 사요", "great phone, fast delivery", "broke after a week",
           "괜찮은 편이에요", "excellent value", "최악입니다", "works as described"]


@pytest.fixture
def reviews(ws, tmp_path):
    frame = pd.DataFrame({"review": [f"{REVIEWS[i % len(REVIEWS)]} #{i}" for i in range(40)],
                          "stars": [(i % 5) + 1 for i in range(40)]})
    return _version(ws, tmp_path, frame, "리뷰")


@pytest.fixture
def task(ws, reviews):
    return tasks.create_task(ws, reviews.id, name="감성", classes="긍정, 부정, 중립", kind="text", item_column="review")


# ---------------------------------------------------------------- the catalog itself

def test_each_pattern_matches_its_example_and_keeps_the_data(korean):
    for kind in KINDS:
        entries = getattr(ko_labeling_core, kind)
        assert entries, kind
        for pattern, template, example in entries:
            match = re.fullmatch(pattern, example, re.DOTALL)
            assert match, f"{pattern!r} does not match its example {example!r}"
            fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
            assert fields <= set(match.groupdict()), f"{template!r} names a group {pattern!r} lacks"
            mine = template.format(**match.groupdict(default=""))
            assert HANGUL.search(mine), mine
            for value in match.groupdict().values():
                if value:
                    assert value in mine, (value, mine)
            korean(example, kind)  # what the UI shows is Korean (this catalog's text or an earlier one's)


def test_the_patterns_take_no_message_of_the_catalogs_after_them():
    """Catalogs are tried in file-name order: a broad pattern here must not take another area's message."""
    from ui import locale

    names = sorted(m.name for m in pkgutil.iter_modules(locale.__path__) if m.name.startswith("ko_"))
    later = names[names.index("ko_labeling_core") + 1:]
    for name in later:
        module = importlib.import_module(f"ui.locale.{name}")
        for kind in KINDS:
            for _, _, example in getattr(module, kind, []):
                taken = [p for p, _, _ in getattr(ko_labeling_core, kind) if re.fullmatch(p, example, re.DOTALL)]
                assert not taken, (name, example, taken)


# ---------------------------------------------------------------- real faults

def test_a_bad_class_list_is_explained_in_korean_with_the_class_names(ws, reviews, korean):
    def create(classes):
        return lambda: tasks.create_task(ws, reviews.id, name="감성", classes=classes, kind="text",
                                         item_column="review")

    message, hint = _both(korean, _raised(create("긍정, 부정, 긍정")))
    assert "'긍정'" in message and "두 번" in message and "클래스" in hint
    message, hint = _both(korean, _raised(create(" , ")))  # no class at all
    assert "클래스" in message and "'positive, negative, neutral'" in hint
    message, _ = _both(korean, _raised(create(",".join(f"c{i}" for i in range(21)))))
    assert "21" in message and "20" in message
    clash = [{"name": "고양이", "hotkey": "1"}, {"name": "개", "hotkey": "1"}]
    message, hint = _both(korean, _raised(create(clash)))
    assert "'고양이'" in message and "'개'" in message and "단축키" in message
    message, hint = _both(korean, _raised(create([{"name": "하늘", "color": "파랑"}])))
    assert "'파랑'" in message and "'하늘'" in message and "#rrggbb" in hint
    message, hint = _both(korean, _raised(create([{"name": "하늘", "hotkey": "z"}])))
    assert "'z'" in message and "q w e r t y u i o p" in hint


def test_bad_task_settings_are_explained_in_korean(ws, reviews, task, korean):
    message, hint = _both(korean, _raised(lambda: tasks.create_task(
        ws, reviews.id, name="감성", classes="a,b", kind="text", item_column="review")))
    assert "'감성'" in message and "이름" in hint
    message, hint = _both(korean, _raised(lambda: tasks.create_task(
        ws, reviews.id, name="주제", classes="a,b", kind="text", item_column="본문")))
    assert "'본문'" in message and reviews.label in message and "review" in hint
    message, hint = _both(korean, _raised(lambda: tasks.create_task(
        ws, reviews.id, name="주제", classes="a,b", kind="text")))
    assert "텍스트" in message
    message, hint = _both(korean, _raised(lambda: tasks.update_task(ws, task.id, overlap=0)))
    assert "'0'" in message and "1" in hint and "2" in hint
    message, _ = _both(korean, _raised(lambda: annotations.record_label(ws, task.id, 99, "긍정", annotator="민지")))
    assert "99" in message and "40" in message and "39" in message


def test_an_unknown_task_is_explained_in_korean(ws, korean):
    message, hint = _both(korean, _raised(lambda: tasks.get_task(ws, "lbt_5f0c1a9e2b7d")))
    assert "'lbt_5f0c1a9e2b7d'" in message and "`mlcycle labels list`" in hint
    message, _ = _both(korean, _raised(lambda: tasks.find_task(ws, "없는 작업")))
    assert "'없는 작업'" in message


def test_an_archived_task_is_explained_in_korean(ws, task, korean):
    tasks.archive_task(ws, task.id)
    message, hint = _both(korean, _raised(lambda: annotations.record_label(ws, task.id, 0, "긍정", annotator="민지")))
    assert "'감성'" in message and "보관" in message and "복원" in hint
    from core.labeling import agreement

    message, hint = _both(korean, _raised(lambda: agreement.review_item(ws, task.id, 0, "긍정", reviewer="준")))
    assert "'감성'" in message and "검토" in hint


def test_a_missing_annotator_and_a_bad_label_are_explained_in_korean(ws, task, korean):
    message, hint = _both(korean, _raised(lambda: annotations.record_label(ws, task.id, 0, "긍정", annotator="  ")))
    assert "이름" in message and "이니셜" in hint
    message, _ = _both(korean, _raised(lambda: annotations.record_label(ws, task.id, 0, "긍정", annotator="가" * 61)))
    assert "61" in message and "60" in message
    message, hint = _both(korean, _raised(lambda: annotations.record_label(ws, task.id, 0, "몰라", annotator="민지")))
    assert "'몰라'" in message and "긍정, 부정, 중립" in hint
    message, _ = _both(korean, _raised(lambda: annotations.record_label(ws, task.id, 0, ["긍정", "부정"],
                                                                          annotator="민지")))
    assert "2" in message and "하나" in message
    from core.labeling import agreement

    annotations.record_label(ws, task.id, 0, "긍정", annotator="민지")
    message, hint = _both(korean, _raised(lambda: agreement.confusion(ws, task.id, "민지", "준")))
    assert "'준'" in message and "'감성'" in message and "민지" in hint
    message, _ = _both(korean, _raised(lambda: agreement.review_item(ws, task.id, 0, "긍정", reviewer=" ")))
    assert "검토자" in message


def test_nothing_to_publish_is_explained_in_korean(ws, task, korean):
    annotations.record_label(ws, task.id, 0, "긍정", annotator="민지")
    tasks.update_task(ws, task.id, overlap=2)  # one label is not enough now
    message, hint = _both(korean, _raised(lambda: publish.publish_labels(ws, task.id)))
    assert "'감성'" in message and "확정" in message and "2명" in hint and "검토 탭" in hint


def test_too_few_labels_to_suggest_are_explained_in_korean_on_the_page_and_as_an_error(ws, task, korean):
    annotations.record_labels(ws, task.id, [0, 1, 2, 3], "긍정", annotator="민지")
    ok, reason = active.can_suggest(ws, task)
    assert not ok
    shown = korean(reason)  # the page shows the reason the button is off
    assert "10" in shown and "4" in shown
    message, hint = _both(korean, _raised(lambda: active.enqueue_suggestions(ws, task.id, start_worker=False)))
    assert message == shown and "6" in hint
    annotations.record_labels(ws, task.id, list(range(10, 22)), "긍정", annotator="민지")
    annotations.record_label(ws, task.id, 30, "부정", annotator="민지")
    message, hint = _both(korean, _raised(lambda: active.train_suggester(ws, task.id)))
    assert "'긍정' (16)" in message and "'부정' (1)" in message and "클래스" in hint
    multi = tasks.create_task(ws, task.version_id, name="주제", classes="가격, 배송", kind="text", item_column="review",
                              multi_label=True)
    message, hint = _both(korean, _raised(lambda: active.enqueue_suggestions(ws, multi.id, start_worker=False)))
    assert "단일 라벨" in message and "다중 라벨" in hint


def test_a_suggestion_run_reports_its_title_progress_and_notes_in_korean(ws, tmp_path, korean):
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"x1": rng.normal(size=60), "x2": rng.normal(size=60), "상수": ["같음"] * 60,
                          "결과": [""] * 60})
    version = _version(ws, tmp_path, frame, "행")
    task = tasks.create_task(ws, version.id, name="결과", classes="예, 아니오, 모름")
    for item in range(24):
        annotations.record_label(ws, task.id, item, "예" if frame.x1[item] > 0 else "아니오", annotator="민지")
    annotations.record_label(ws, task.id, 30, "모름", annotator="민지")  # a class with one label is left out
    job = active.enqueue_suggestions(ws, task.id, start_worker=False)
    assert "'결과'" in korean(job.title, "PROGRESS")
    reports = []
    run = active.train_suggester(ws, task.id, reports.append)
    shown = [korean(p.message, "PROGRESS") for p in reports]
    assert any("폴드" in s for s in shown) and "교차 검증 정확도" in shown[-1]
    notes = [korean(note, "NOTES") for note in run.notes]
    assert any("모름" in n and "제외" in n for n in notes)
    assert any("결과" in n and "라벨 열" in n for n in notes)  # the column named like the label is left out
    assert any("상수" in n for n in notes)


def test_a_text_run_notes_its_text_column_in_korean(ws, task, korean):
    for item in range(16):
        annotations.record_label(ws, task.id, item, "긍정" if REVIEWS[item % 8] in REVIEWS[::2] else "부정",
                                 annotator="민지")
    run = active.train_suggester(ws, task.id)
    assert any("'review'" in korean(note, "NOTES") and "n-gram" in korean(note, "NOTES") for note in run.notes)


BAD_FILES = {
    "잘림.json": ('[{"data": {"text": "좋아요"}, "annotations": [', "올바른 JSON이 아닙니다"),
    "빈 파일.json": ("", "비어 있습니다"),
    "태스크 없음.json": ("[]", "태스크가 하나도 없습니다"),
    "설정.json": ('{"project": 3, "title": "x"}', "project, title"),
    "최소.json": ('[{"id": 1, "text": "좋아요", "sentiment": "긍정", "annotator": "a@b.c", "annotation_id": 4}]',
                "JSON-MIN"),
    "다른 표.csv": ("name,score\nx,1\n", "라벨 파일이 아닙니다"),
    "열 추가.csv": ("item,annotator,label,메모\n0,a,긍정,hi\n", "'메모'"),
    "라벨 없음.csv": ("item,annotator\n0,a\n", "label 열이 없습니다"),
    "라벨러 없음.csv": ("item,label\n0,긍정\n", "annotator 열이 없습니다"),
    "머리글만.csv": ("item,annotator,label\n", "머리글만"),
    "상자.json": (json.dumps([{"data": {"text": "x"}, "annotations": [{"completed_by": 1, "result": [
        {"from_name": "box", "to_name": "image", "type": "rectanglelabels", "value": {"x": 1}}]}]}]),
        "rectanglelabels"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_import_file_is_explained_in_korean_with_its_name(ws, tmp_path, task, korean, name):
    body, words = BAD_FILES[name]
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    message, hint = _both(korean, _raised(lambda: transfer.import_labels(ws, task.id, path)))
    assert str(path) in message and words in message


def test_unreadable_import_files_and_bad_export_names_are_explained_in_korean(ws, tmp_path, task, korean):
    latin = tmp_path / "라벨.csv"
    latin.write_bytes("item,annotator,label\n0,Jos\xe9,pos\n".encode("latin-1"))
    message, hint = _both(korean, _raised(lambda: transfer.import_labels(ws, task.id, latin)))
    assert str(latin) in message and "UTF-8" in message and "UTF-8로 저장" in hint
    message, _ = _both(korean, _raised(lambda: transfer.import_labels(ws, task.id, tmp_path / "없음.json")))
    assert "없음.json" in message
    message, _ = _both(korean, _raised(lambda: transfer.import_labels(ws, task.id, tmp_path)))
    assert "폴더" in message
    message, hint = _both(korean, _raised(lambda: transfer.export_labels(ws, task.id, "label-studio",
                                                                         tmp_path / "내보내기.csv")))
    assert "'내보내기.csv'" in message and "내보내기.json" in hint
    message, _ = _both(korean, _raised(lambda: transfer.export_labels(ws, task.id, "xlsx", tmp_path / "x.xlsx")))
    assert "'xlsx'" in message
    message, hint = _both(korean, _raised(lambda: transfer.export_labels(ws, task.id, "csv", tmp_path)))
    assert "감성_labels.csv" in hint


def _choice(*classes, question="label"):
    return {"from_name": question, "to_name": "text", "type": "choices", "value": {"choices": list(classes)}}


def test_an_import_says_what_it_left_out_in_korean(ws, tmp_path, task, korean):
    items = tasks.load_items(ws, task)["review"].tolist()
    doc = [
        {"data": {"text": items[0], "mlcycle_row": 0}, "annotations": [
            {"completed_by": 1, "result": [_choice("긍정"), _choice("가격", question="topic")]}]},
        {"data": {"text": "이런 리뷰는 없어요"}, "annotations": [{"completed_by": 1, "result": [_choice("긍정")]}]},
        {"data": {"text": items[1]}, "annotations": [
            {"completed_by": 1, "was_cancelled": True, "result": []},
            {"completed_by": 2, "result": []},
            {"completed_by": 3, "result": [_choice("긍정", "부정")]},
            {"result": [_choice("부정")]}]},
        {"data": {"text": items[2]}, "annotations": [{"completed_by": 1, "result": [_choice("애매")]}]},
        {"data": {"text": items[3], "mlcycle_row": 5}, "annotations": [
            {"completed_by": 1, "result": [_choice("부정")]}]},
        {"data": {"text": items[4]}, "annotations": [
            {"completed_by": 4, "result": [_choice("부정")]}, {"completed_by": 4, "result": [_choice("긍정")]}]},
    ]
    path = tmp_path / "프로젝트-3.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    first = transfer.import_labels(ws, task.id, path)
    again = transfer.import_labels(ws, task.id, path)
    notes = [korean(n, "NOTES") for n in first.notes + again.notes]
    said = "\n".join(notes)
    for words in ("'topic'", "'이런 리뷰는 없어요'", "취소된", "고르지 않은", "다중 라벨", "'label-studio'", "'애매'",
                  "내용으로", "가장 나중", "저장하지 않았습니다"):
        assert words in said, (words, said)
    csv = tmp_path / "라벨러.csv"
    csv.write_text("item,annotator,label\n6,,긍정\n7,준,\n", encoding="utf-8")
    notes = [korean(n, "NOTES") for n in transfer.import_labels(ws, task.id, csv).notes]
    assert any("라벨러가 없어" in n for n in notes) and any("고르지 않은" in n for n in notes)
    empty = tmp_path / "빈 작업.json"
    empty.write_text(json.dumps([{"data": {"text": items[0]}}], ensure_ascii=False), encoding="utf-8")
    (note,) = transfer.import_labels(ws, task.id, empty).notes
    assert str(empty) in korean(note, "NOTES")


def test_the_cli_messages_read_in_korean(ws, tmp_path, task, korean):
    from core.cli import labels as cli_labels

    message, hint = _both(korean, _raised(lambda: cli_labels._item(ws, task, "없는 리뷰")))
    assert "'없는 리뷰'" in message and "39" in message and "'review'" in hint
    message, hint = _both(korean, _raised(lambda: cli_labels._read_instructions(str(tmp_path / "안내.md"))))
    assert "안내.md" in message and "--instructions" in hint
    message, _ = _both(korean, _raised(lambda: cli_labels._read_instructions(str(tmp_path))))
    assert "--instructions" in message


def test_the_error_box_shows_a_labeling_fault_in_korean_and_in_english(ws, task):
    """As the Label page shows it: ``ui.errors.render`` in a Streamlit run, message and hint."""
    from streamlit.testing.v1 import AppTest

    tasks.archive_task(ws, task.id)
    exc = _raised(lambda: annotations.record_label(ws, task.id, 0, "긍정", annotator="민지"))

    def script(message: str, hint: str) -> None:
        import streamlit as st

        from core.errors import InvalidInput
        from ui import errors, i18n

        i18n.set_lang(st.session_state["lang"])
        errors.render(InvalidInput(message, hint=hint))

    shown = {}
    for lang in ("ko", "en"):
        at = AppTest.from_function(script, args=(exc.message, exc.hint), default_timeout=30)
        at.session_state["lang"] = lang
        at.run()
        assert not at.exception, at.exception
        shown[lang] = at.error[0].value
    assert "라벨링 작업 '감성'" in shown["ko"] and "보관" in shown["ko"] and "복원" in shown["ko"]
    assert "해결 방법" in shown["ko"]
    assert "The label task '감성' is archived." in shown["en"] and "Restore it to label again." in shown["en"]
