"""The Label page under AppTest: a project without tasks explains labeling and creates one (its kind guessed
from the columns), the annotator's name is asked once and kept in the URL, agreement reads as a kappa with
its meaning, a tie is decided by the reviewer, labels are published as a new version, a removed class keeps
its labels, a task is archived and restored, active learning queues its job, and every tab reads in Korean."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from tests.conftest import make_project
from tests.pages.test_korean import HANGUL, _untranslated_labels, run_in

PAGE = "app_pages/label.py"
CLASSES = "positive, negative, neutral"
N = 60  # reviews in the dataset
REVIEWS = [
    "The battery lasts two full days and charging is quick.", "Stopped working after a week, very disappointed.",
    "It does what it says, nothing more and nothing less.", "배송이 빠르고 포장도 꼼꼼했어요. 만족합니다.",
    "The handle broke the first time I used it.", "Average sound, fine for the price I paid.",
    "Beautiful colour and the fabric feels soft and strong.", "화면이 너무 어둡고 반응도 느려요.",
    "Arrived on time; I have not used it much yet.", "Great value, I would happily buy it again.",
    "Too loud to use at night, returning it tomorrow.", "그냥 평범합니다. 나쁘지도 좋지도 않아요.",
]


@pytest.fixture
def no_worker(monkeypatch):
    from core.jobs import worker

    monkeypatch.setattr(worker, "ensure_worker", lambda *args, **kwargs: False)


@pytest.fixture
def reviews(ws, tmp_path):
    """A project 'Reviews' with a dataset of short reviews (a text column): (project, version)."""
    from core.data import datasets

    project = make_project(ws, "Reviews")
    path = tmp_path / "reviews.csv"
    texts_ = [f"{REVIEWS[i % len(REVIEWS)]} (order {i + 1})" for i in range(N)]  # over 50 distinct: free text
    pd.DataFrame({"stars": [(5, 1, 3)[i % 3] for i in range(N)], "review": texts_}).to_csv(path, index=False)
    version = datasets.add_dataset(ws, path, name="reviews", project_id=project.id).version
    assert version.column("review").semantic == "text"
    return project, version


def make_task(ws, project, version, *, overlap: int = 2, classes: str = CLASSES, name: str = "sentiment", **kw):
    from core.labeling import tasks

    return tasks.create_task(ws, version.id, name=name, classes=classes, kind="text", item_column="review",
                             overlap=overlap, project_id=project.id, **kw)


def give(ws, task, **by_annotator: list[str | None]) -> None:
    """Record each annotator's labels, item by item (``None``: not labeled)."""
    from core.labeling import annotations

    for who, labels in by_annotator.items():
        for item, label in enumerate(labels):
            if label:
                annotations.record_label(ws, task.id, item, label, annotator=who)


def texts(at) -> str:
    shown = [e.value for kind in ("caption", "markdown", "info", "warning", "error", "success")
             for e in getattr(at, kind) if isinstance(getattr(e, "value", None), str)]
    return "\n".join(shown + [e.proto.body for e in at.get("html")])  # the class chips are HTML


def widget(at, kind: str, label: str):
    return next(w for w in getattr(at, kind) if w.label == label)


def press(at, label: str, key: str | None = None) -> None:
    next(b for b in at.button if b.label == label and (key is None or b.key == key)).click().run()
    assert not at.exception, at.exception


def param(at, name: str) -> str | None:
    """The URL's value for ``name`` (AppTest gives a string or a one-item list)."""
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_a_project_without_tasks_explains_labeling_and_creates_a_text_task(ws, reviews):
    from core.labeling import tasks

    project, version = reviews
    at = run_in("en", PAGE, project=project.id)
    assert not at.exception, at.exception
    assert "Supervised learning needs labels" in texts(at)
    assert widget(at, "radio", "What is labeled").value == "text"  # guessed from the text column
    assert widget(at, "selectbox", "Item column").value == "review"
    widget(at, "text_input", "Task name").input("sentiment")
    widget(at, "text_input", "Classes").input("positive, negative, neutral").run()
    assert "positive" in texts(at) and "3" in texts(at)  # the chips preview, with their keys
    widget(at, "number_input", "Annotators per item (overlap)").set_value(2)
    press(at, "Create label task")
    made = tasks.list_tasks(ws, project_id=project.id)
    assert [(t.name, t.kind, t.item_column, t.overlap, t.class_names) for t in made] == [
        ("sentiment", "text", "review", 2, ["positive", "negative", "neutral"])]
    assert param(at, "task") == made[0].id
    assert "#### sentiment" in texts(at)
    assert "reviews v1" in "\n".join(w.label for w in at.get("page_link"))


def test_the_kind_is_guessed_from_the_columns(ws, reviews, tmp_path):
    from PIL import Image

    from core.data import datasets
    from core.labeling import images

    project, _ = reviews
    table = tmp_path / "numbers.csv"
    pd.DataFrame({"age": range(30), "income": [x * 1.5 for x in range(30)]}).to_csv(table, index=False)
    numbers = datasets.add_dataset(ws, table, name="numbers", project_id=project.id).version
    at = run_in("en", PAGE, project=project.id, version=numbers.id)
    assert widget(at, "radio", "What is labeled").value == "tabular"
    assert "Annotators see each row's values" in texts(at)

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for i, colour in enumerate(("red", "blue", "green")):
            png = io.BytesIO()
            Image.new("RGB", (8, 8), colour).save(png, format="PNG")
            zf.writestr(f"shapes/{i}.png", png.getvalue())
    archive = tmp_path / "shapes.zip"
    archive.write_bytes(buffer.getvalue())
    pictures = images.add_image_zip(ws, archive, name="shapes", project_id=project.id).version
    at = run_in("en", PAGE, project=project.id, version=pictures.id)
    assert not at.exception, at.exception
    assert widget(at, "radio", "What is labeled").value == "image"
    assert widget(at, "selectbox", "Item column").value == "image"


def test_the_annotator_is_asked_once_and_kept_in_the_url(ws, reviews):
    project, version = reviews
    task = make_task(ws, project, version)
    at = run_in("en", PAGE, project=project.id, task=task.id)
    assert "Type your name above to start labeling" in texts(at)
    widget(at, "text_input", "Your name as annotator").input("  Minji ")
    press(at, "Start labeling")
    assert param(at, "annotator") == "Minji"
    assert "Labeling as **Minji**" in texts(at)
    assert not [w for w in at.text_input if w.label == "Your name as annotator"]
    # the session remembers it on a visit without it in the URL; "Change" asks again
    at.query_params.pop("annotator")
    at.run()
    assert "Labeling as **Minji**" in texts(at)
    press(at, "Change")
    assert widget(at, "text_input", "Your name as annotator").value == "Minji"


def test_two_annotators_read_as_cohen_kappa_and_a_tie_is_decided_by_the_reviewer(ws, reviews):
    from sklearn.metrics import cohen_kappa_score

    from core.labeling import agreement

    project, version = reviews
    task = make_task(ws, project, version)
    minji = ["positive", "negative", "neutral", "positive", "negative", "neutral", "positive", "negative"]
    joon = ["positive", "negative", "neutral", "positive", "negative", "positive", "positive", "neutral"]
    give(ws, task, Minji=minji, Joon=joon)
    at = run_in("en", PAGE, project=project.id, task=task.id, tab="review", annotator="Ana")
    assert not at.exception, at.exception
    expected = cohen_kappa_score(minji, joon)
    assert metric(at, "Cohen's kappa") == f"{expected:.3f}".rstrip("0")
    assert metric(at, "Items labeled by two or more") == "8"
    assert "substantial agreement" in texts(at) or "moderate agreement" in texts(at)
    assert "(Landis & Koch)" in texts(at)
    assert len(at.get("plotly_chart")) == 1  # the confusion matrix
    assert "They gave the same label to 6 of the 8 items both labeled." in texts(at)
    # items 5 and 7 are ties (one vote each): the reviewer decides item 5
    assert "2 ties need a decision" in texts(at)
    at.selectbox(key=f"lbl_decide_{task.id}_5").set_value("neutral")
    press(at, "Decide", key=f"lbl_decide_{task.id}_5_go")
    decided = agreement.resolve(ws, task.id).loc[5]
    assert (decided["label"], decided["method"], decided["reviewer"]) == ("neutral", "review", "Ana")
    assert "1 tie needs a decision" in texts(at)


def test_three_annotators_read_as_fleiss_kappa_with_every_pair(ws, reviews):
    from core.labeling import agreement

    project, version = reviews
    task = make_task(ws, project, version, overlap=3)
    give(ws, task, Minji=["positive", "negative", "neutral", "positive"],
         Joon=["positive", "negative", "positive", "positive"], Ana=["positive", "neutral", "neutral", "negative"])
    at = run_in("en", PAGE, project=project.id, task=task.id, tab="review", annotator="Minji")
    assert not at.exception, at.exception
    found = agreement.agreement(ws, task.id)
    assert metric(at, "Fleiss' kappa") == __import__("ui.fmt", fromlist=["num"]).num(found.fleiss_kappa, 3)
    assert not [m for m in at.metric if m.label == "Cohen's kappa"]
    pairs = at.dataframe[0].value
    assert len(pairs) == 3 and set(pairs["Annotator"]) | set(pairs["Other annotator"]) == {"Ana", "Joon", "Minji"}


def test_one_annotator_per_item_says_how_to_measure_agreement(ws, reviews):
    project, version = reviews
    task = make_task(ws, project, version, overlap=1)
    give(ws, task, Minji=["positive", "negative"])
    at = run_in("en", PAGE, project=project.id, task=task.id, tab="review", annotator="Minji")
    assert "raise the overlap in Settings" in texts(at)
    assert not at.metric


def test_publishing_makes_a_version_with_the_label_column_and_links_to_it(ws, reviews):
    from core.data import datasets
    from core.labeling import publish

    project, version = reviews
    task = make_task(ws, project, version, overlap=1)
    give(ws, task, Minji=["positive", "negative", "neutral", "positive"])
    at = run_in("en", PAGE, project=project.id, task=task.id, tab="publish", annotator="Minji")
    assert not at.exception, at.exception
    assert (metric(at, "Items"), metric(at, "Resolved"), metric(at, "Unresolved")) == ("60", "4", "56")
    assert len(at.get("plotly_chart")) == 1  # resolved items per class
    press(at, "Publish labels")
    made = publish.list_publications(ws, task.id)
    assert len(made) == 1
    new = datasets.get_version(ws, made[0].version_id)
    frame = datasets.load_frame(ws, new.id)
    assert len(frame) == 4 and list(frame["sentiment"]) == ["positive", "negative", "neutral", "positive"]
    assert any("Published the labels as reviews v2" in s.value for s in at.success)
    assert any("Open reviews v2 on the Datasets page" in w.label for w in at.get("page_link"))
    # again, keeping the unresolved rows: another version, the first one listed as earlier
    widget(at, "radio", "Items without a resolved label (56)").set_value("keep")
    press(at, "Publish labels")
    made = publish.list_publications(ws, task.id)
    assert len(made) == 2 and len(datasets.load_frame(ws, made[0].version_id)) == N
    assert "1 earlier publication" in texts(at)
    assert "56 kept unlabeled" in texts(at)


def test_removing_a_class_warns_and_keeps_its_labels_flagged(ws, reviews):
    from core.labeling import agreement, tasks

    project, version = reviews
    task = make_task(ws, project, version, overlap=1)
    give(ws, task, Minji=["positive", "neutral", "neutral", "negative"])
    at = run_in("en", PAGE, project=project.id, task=task.id, tab="settings", annotator="Minji")
    widget(at, "text_input", "Classes").input("positive, negative, mixed").run()
    assert any("Removing neutral: the 2 labels given for them are kept and flagged" in w.value for w in at.warning)
    press(at, "Save the settings")
    changed = tasks.get_task(ws, task.id)
    assert changed.class_names == ["positive", "negative", "mixed"]
    assert changed.classes[0] == task.classes[0]  # a kept class keeps its colour and key
    assert agreement.status(ws, task.id)["not_in_schema"] == {"neutral": 2}
    at = run_in("en", PAGE, project=project.id, task=task.id, tab="publish", annotator="Minji")
    assert any("no longer in the schema are kept and flagged: neutral (2)" in w.value for w in at.warning)


def test_a_task_is_archived_and_restored(ws, reviews):
    from core.labeling import tasks

    project, version = reviews
    task = make_task(ws, project, version)
    at = run_in("en", PAGE, project=project.id, task=task.id, tab="settings", annotator="Minji")
    press(at, "Archive this task")
    press(at, "Yes, archive")
    assert tasks.get_task(ws, task.id).archived_at
    assert param(at, "task") is None
    assert "Supervised learning needs labels" in texts(at)  # no active task: the empty state
    press(at, "Restore", key=f"lbl_restore_{task.id}")
    assert not tasks.get_task(ws, task.id).archived_at
    assert param(at, "task") == task.id


def test_suggest_labels_queues_the_job_once_enough_labels_exist(ws, reviews, no_worker):
    from core import jobs

    project, version = reviews
    task = make_task(ws, project, version, overlap=1)
    give(ws, task, Minji=["positive", "negative"] * 4)
    at = run_in("en", PAGE, project=project.id, task=task.id, annotator="Minji")
    assert "Suggestions need at least 10 labeled items; this task has 8." in texts(at)
    assert widget(at, "button", "Suggest labels").disabled
    give(ws, task, Minji=[None] * 8 + ["positive", "negative", "positive"])
    at = run_in("en", PAGE, project=project.id, task=task.id, annotator="Minji")
    press(at, "Suggest labels")
    queued = jobs.list_jobs(ws, kind="label_suggest")
    assert len(queued) == 1 and queued[0].payload == {"task_id": task.id}
    assert "Suggest labels for 'sentiment'" in texts(at)  # the job's progress panel


def test_export_offers_each_format(ws, reviews):
    project, version = reviews
    task = make_task(ws, project, version)
    give(ws, task, Minji=["positive"])
    at = run_in("en", PAGE, project=project.id, task=task.id, tab="transfer", annotator="Minji")
    assert not at.exception, at.exception
    assert [b.label for b in at.get("download_button")] == ["Download the labels (CSV)"]
    widget(at, "radio", "Format").set_value("label-studio").run()
    assert [b.label for b in at.get("download_button")] == ["Download the labels (Label Studio JSON)"]
    assert widget(at, "button", "Import labels")


def test_links_to_an_unknown_task_or_another_projects_task(ws, reviews):
    from core.data import datasets

    project, version = reviews
    at = run_in("en", PAGE, project=project.id, task="lbt_nothere")
    assert any("label task `lbt_nothere`, which is not in this workspace" in w.value for w in at.warning)
    other = make_project(ws, "Other")
    datasets.attach_dataset(ws, version.dataset_id, other.id)
    theirs = make_task(ws, other, version, name="topic")
    at = run_in("en", PAGE, project=project.id, task=theirs.id)
    assert not at.exception, at.exception
    assert param(at, "project") == other.id and param(at, "task") == theirs.id
    assert "#### topic" in texts(at)


@pytest.mark.parametrize("tab", ["label", "review", "publish", "transfer", "settings"])
def test_every_tab_reads_in_korean(ws, reviews, tab):
    from ui import i18n

    project, version = reviews
    task = make_task(ws, project, version)
    give(ws, task, Minji=["positive", "negative", "neutral", "positive"], Joon=["positive", "neutral", "neutral"])
    i18n.reset_missing()
    at = run_in("ko", PAGE, project=project.id, task=task.id, tab=tab, annotator="Minji")
    assert not at.exception, at.exception
    assert not i18n.missing(), sorted(i18n.missing())
    assert not _untranslated_labels(at), _untranslated_labels(at)
    assert HANGUL.search(texts(at))


def test_the_empty_state_reads_in_korean(ws, reviews):
    from ui import i18n

    project, _ = reviews
    i18n.reset_missing()
    at = run_in("ko", PAGE, project=project.id)
    assert not at.exception, at.exception
    assert not i18n.missing(), sorted(i18n.missing())
    assert not _untranslated_labels(at), _untranslated_labels(at)
    assert "지도 학습에는 라벨이 필요합니다" in texts(at)
