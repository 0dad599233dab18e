"""Bad input on the Label page: every form refuses it with a clear message (in Korean too), never a traceback,
and nothing is stored."""

from __future__ import annotations

import pytest

from tests.pages.test_korean import HANGUL, run_in
from tests.pages.test_label import N, give, make_task, param, press, reviews, texts, widget  # noqa: F401

PAGE = "app_pages/label.py"


def errors_of(at) -> str:
    return "\n".join(e.value for e in at.error)


def fill_new_task(at, *, name: str, classes: str) -> None:
    widget(at, "text_input", "Task name").input(name)
    widget(at, "text_input", "Classes").input(classes)
    press(at, "Create label task")


@pytest.mark.parametrize("name,classes,said", [
    ("", "positive, negative", "A label task needs a name."),
    ("sentiment", "", "A label task needs at least one class."),
    ("sentiment", "good, bad, Good", "The class 'Good' is given twice."),
    ("sentiment", ", ".join(f"c{i}" for i in range(21)), "21 classes were given; a task can have at most 20."),
])
def test_a_bad_new_task_is_refused_with_its_reason(ws, reviews, name, classes, said):  # noqa: F811
    from core.labeling import tasks

    project, _ = reviews
    at = run_in("en", PAGE, project=project.id)
    fill_new_task(at, name=name, classes=classes)
    assert said in errors_of(at)
    assert "What to do:" in errors_of(at)
    assert tasks.list_tasks(ws, project_id=project.id) == []


def test_the_classes_preview_says_what_is_wrong_before_creating(ws, reviews):  # noqa: F811
    project, _ = reviews
    at = run_in("en", PAGE, project=project.id)
    widget(at, "text_input", "Classes").input("cat, dog, cat").run()
    assert not at.exception, at.exception
    assert "The class 'cat' is given twice." in errors_of(at)


def test_a_second_task_of_the_same_name_is_refused(ws, reviews):  # noqa: F811
    from core.labeling import tasks

    project, version = reviews
    make_task(ws, project, version)
    at = run_in("en", PAGE, project=project.id)
    fill_new_task(at, name="Sentiment", classes="a, b")
    assert "This project already has a label task named 'Sentiment'." in errors_of(at)
    assert len(tasks.list_tasks(ws, project_id=project.id)) == 1


def test_a_text_task_on_a_version_without_text_says_so(ws, reviews, tmp_path):  # noqa: F811
    import pandas as pd

    from core.data import datasets
    from core.labeling import tasks

    project, _ = reviews
    path = tmp_path / "numbers.csv"
    pd.DataFrame({"age": range(30), "income": range(30)}).to_csv(path, index=False)
    numbers = datasets.add_dataset(ws, path, name="numbers", project_id=project.id).version
    at = run_in("en", PAGE, project=project.id, version=numbers.id)
    widget(at, "radio", "What is labeled").set_value("text").run()
    assert any("numbers v1 has no text column to label." in w.value for w in at.warning)
    fill_new_task(at, name="topic", classes="a, b")
    assert "A text task needs the column that holds its items (a text column)." in errors_of(at)
    assert tasks.list_tasks(ws, project_id=project.id) == []


def test_a_blank_annotator_name_is_refused(ws, reviews):  # noqa: F811
    project, version = reviews
    task = make_task(ws, project, version)
    at = run_in("en", PAGE, project=project.id, task=task.id)
    widget(at, "text_input", "Your name as annotator").input("   ")
    press(at, "Start labeling")
    assert "Labels need an annotator's name." in errors_of(at)
    assert param(at, "annotator") is None


def test_a_link_with_a_bad_annotator_name_asks_again(ws, reviews):  # noqa: F811
    project, version = reviews
    task = make_task(ws, project, version)
    at = run_in("en", PAGE, project=project.id, task=task.id, annotator="x" * 80)
    assert not at.exception, at.exception
    assert "The annotator name is 80 characters long; the limit is 60." in errors_of(at)
    assert widget(at, "text_input", "Your name as annotator")
    assert "Type your name above to start labeling" in texts(at)


def test_deciding_needs_a_name_and_publishing_needs_a_resolved_label(ws, reviews):  # noqa: F811
    from core.labeling import publish

    project, version = reviews
    task = make_task(ws, project, version)  # two annotators per item
    give(ws, task, Minji=["positive"], Joon=["negative"])
    at = run_in("en", PAGE, project=project.id, task=task.id, tab="review")
    assert "Type your name above to decide" in texts(at)
    assert all(b.disabled for b in at.button if b.label == "Decide")
    at = run_in("en", PAGE, project=project.id, task=task.id, tab="publish", annotator="Minji")
    press(at, "Publish labels")
    assert "No item of the task 'sentiment' has a resolved label yet." in errors_of(at)
    assert publish.list_publications(ws, task.id) == []


def test_bad_settings_are_refused_and_nothing_changes(ws, reviews):  # noqa: F811
    from core.labeling import tasks

    project, version = reviews
    task = make_task(ws, project, version)
    make_task(ws, project, version, name="topic")
    at = run_in("en", PAGE, project=project.id, task=task.id, tab="settings", annotator="Minji")
    widget(at, "text_input", "Task name").input("Topic")
    press(at, "Save the settings")
    assert "This project already has a label task named 'Topic'." in errors_of(at)
    widget(at, "text_input", "Task name").input("sentiment")
    widget(at, "text_input", "Classes").input("")
    press(at, "Save the settings")
    assert "A label task needs at least one class." in errors_of(at)
    assert tasks.get_task(ws, task.id).classes == task.classes


def test_the_messages_read_in_korean(ws, reviews, monkeypatch):  # noqa: F811
    from ui import i18n

    project, version = reviews
    # AppTest calls a radio's format_func outside the script run, where the session's language is unknown
    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    at = run_in("ko", PAGE, project=project.id)
    widget(at, "text_input", "작업 이름").input("")
    widget(at, "text_input", "클래스").input("a, b")
    press(at, "라벨링 작업 만들기")
    assert "라벨링 작업에 이름이 필요합니다." in errors_of(at)
    assert HANGUL.search(errors_of(at).split("\n\n")[-1])  # the hint too
