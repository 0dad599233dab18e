"""Golden flow of the Label step in Chromium: two annotators label the shipped review sample with the
keyboard alone, see their kappa, decide a disagreement, publish, and find the new version (and its
lineage to the task) on the Datasets page; images are labeled in the grid and with keys."""

from __future__ import annotations

import pytest

from tests.conftest import SAMPLES
from tests.e2e.conftest import open_page, wait_idle

pytestmark = pytest.mark.e2e

# the keys two annotators press for the first ten reviews: they disagree on rows 2 and 6
ANA = ["1", "2", "3", "1", "2", "3", "1", "2", "1", "2"]
BEN = ["1", "2", "1", "1", "2", "3", "2", "2", "1", "2"]


def _seed(ws):
    from core.data import datasets
    from core.define import projects
    from core.labeling import images, tasks

    project = projects.create_project(ws, "Labeling e2e")
    reviews = datasets.add_dataset(ws, SAMPLES / "reviews.csv", name="reviews", project_id=project.id).version
    text = tasks.create_task(ws, reviews.id, name="sentiment", classes="positive, negative, neutral", kind="text",
                             item_column="review", overlap=2, instructions="Label the **tone**.")
    digits = images.add_image_zip(ws, SAMPLES / "digits.zip", name="digits", project_id=project.id).version
    image = tasks.create_task(ws, digits.id, name="digit", classes=[str(d) for d in range(10)], kind="image",
                              item_column="image")
    return project, text, image


def _press(page, key: str) -> None:
    """Press a key once this run's shortcuts are bound (they are set from a small frame after the script ends)."""
    wait_idle(page)
    page.wait_for_function("() => { const h = window.__mlcycleHotkeys; return !!(h && h.frame && h.frame.isConnected"
                           " && Object.keys(h.map).includes('lbl_cls_0')); }")
    page.keyboard.press(key)


def _choose(page, box, option: str) -> None:
    """Pick an option of a select box by typing it (a click does not always open the list in headless Chromium)."""
    box.get_by_role("combobox").click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).wait_for()
    page.keyboard.press("Enter")
    wait_idle(page)


def _label_with_keys(page, keys: list[str], first: int = 0) -> None:
    """Press one class key per item and wait for the next item each time (the screen shows 'Row N')."""
    page.get_by_text(f"Row {first}", exact=True).wait_for()
    for i, key in enumerate(keys, start=first):
        _press(page, key)
        page.get_by_text(f"Row {i + 1}", exact=True).wait_for()


def test_two_annotators_label_review_and_publish_with_the_keyboard(page):
    from core.labeling import agreement, annotations, publish
    from core.workspace import Workspace

    ws = Workspace(page.server.workspace)
    project, task, _ = _seed(ws)

    open_page(page, f"label?project={project.id}&task={task.id}&annotator=Ana")
    _label_with_keys(page, ANA)
    page.shot("01-ana-labeled")
    mine = annotations.current_labels(ws, task.id)
    assert mine[["item", "label"]].values.tolist() == [
        [i, ["positive", "negative", "neutral"][int(k) - 1]] for i, k in enumerate(ANA)]

    # Ana's last label was a mistake: z undoes it, and the same item comes back
    _press(page, "z")
    page.get_by_text("Row 9", exact=True).wait_for()
    _label_with_keys(page, ["2"], first=9)
    assert len(annotations.current_labels(ws, task.id)) == 10

    open_page(page, f"label?project={project.id}&task={task.id}&annotator=Ben")
    _label_with_keys(page, BEN)   # Ben is served the items Ana started, to complete their overlap
    found = agreement.agreement(ws, task.id)
    assert found.cohen_kappa is not None and found.n_shared == 10

    open_page(page, f"label?project={project.id}&task={task.id}&annotator=Ben&tab=review")
    page.get_by_text("Cohen's kappa", exact=False).first.wait_for()
    shown = f"{found.cohen_kappa:.3f}"
    page.get_by_text(shown, exact=False).first.wait_for()
    page.shot("02-review")

    # decide the tie on row 2 (Ana neutral, Ben positive)
    assert 2 in agreement.disagreements(ws, task.id)
    _choose(page, page.locator(f".st-key-lbl_decide_{task.id}_2"), "neutral")
    page.locator(f".st-key-lbl_decide_{task.id}_2_go button").click()
    page.get_by_text("Row 2: decided neutral").wait_for()
    assert agreement.resolve(ws, task.id).loc[2, "label"] == "neutral"

    open_page(page, f"label?project={project.id}&task={task.id}&annotator=Ben&tab=publish")
    page.get_by_role("button", name="Publish labels").click()
    page.get_by_text("Published the labels as", exact=False).wait_for()
    made = publish.list_publications(ws, task.id)
    assert len(made) == 1 and made[0].counts["rows"] == 9  # row 6 is still tied: left out
    page.shot("03-published")

    page.get_by_text("Open reviews v2 on the Datasets page", exact=False).click()
    wait_idle(page)
    page.get_by_text("Label tasks", exact=True).wait_for()  # the publication's link opens the lineage tab
    page.get_by_text("sentiment", exact=True).first.wait_for()
    page.shot("04-lineage")


def test_images_are_labeled_in_the_grid_and_one_at_a_time(page):
    from core.labeling import annotations
    from core.workspace import Workspace

    ws = Workspace(page.server.workspace)
    project, _, task = _seed(ws)

    open_page(page, f"label?project={project.id}&task={task.id}&annotator=Ana")
    _label_with_keys(page, ["0", "1", "2"])  # the digits sample starts 0, 1, 2: their own number keys
    assert annotations.current_labels(ws, task.id)["label"].tolist() == ["0", "1", "2"]

    page.get_by_text("Grid", exact=True).click()
    wait_idle(page)
    tile = page.locator(".st-key-lbl_tile_3")
    tile.wait_for()
    _choose(page, tile, "3")
    page.shot("05-grid")
    labels = annotations.current_labels(ws, task.id)
    assert labels.set_index("item").loc[3, "label"] == "3"
