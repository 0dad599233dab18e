"""Golden flow of Define and Data: hypothesis, Hangul cp949 upload, profile, split, lineage."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import REPO_ROOT, open_page, wait_idle

pytestmark = pytest.mark.e2e
SAMPLE = REPO_ROOT / "data" / "samples" / "iris_ko_cp949.csv"


def _create_project(page, name: str) -> None:
    open_page(page)
    page.get_by_role("button", name="New project").click()
    page.get_by_role("textbox", name="Name", exact=True).fill(name)
    page.get_by_role("button", name="Create project").click()
    wait_idle(page)
    page.get_by_role("heading", name=name).wait_for()


def test_hypothesis_upload_profile_split_and_lineage(page):
    """A user writes a hypothesis, uploads the cp949 sample, profiles it, splits it and sees lineage."""
    _create_project(page, "붓꽃 분류")

    open_page(page, "problem")
    page.get_by_label("Question").fill("Can petal size tell the species apart?")
    page.get_by_label("Hypothesis").fill("Petal length and width separate the three species.")
    page.get_by_role("button", name="Add hypothesis").click()
    wait_idle(page)
    page.get_by_text("Success when").first.wait_for()
    page.shot("01-hypothesis")

    open_page(page, "datasets")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Add dataset").click()
    wait_idle(page, timeout=60_000)
    page.get_by_text("150 rows × 5 columns").first.wait_for()
    page.shot("02-uploaded")

    open_page(page, "explore")
    page.get_by_text("Rows").first.wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    assert page.locator(".js-plotly-plot").count() >= 2
    # the Hangul header survived cp949 decoding, and the chart is titled with it
    assert page.get_by_role("combobox", name="Distribution of").input_value() == "꽃받침_길이"
    page.get_by_text("Distribution of 꽃받침_길이").first.wait_for()
    page.shot("03-profile")

    open_page(page, "datasets")
    page.get_by_role("tab", name="Derive").click()
    page.get_by_label("Operation").click()
    page.get_by_role("option", name="Train/test split").click()
    wait_idle(page)
    page.get_by_role("button", name="Create new version").click()
    wait_idle(page, timeout=60_000)
    page.get_by_text("Split into").first.wait_for()
    page.shot("04-split")

    page.get_by_role("tab", name="Lineage").click()
    page.locator(".js-plotly-plot").first.wait_for()
    page.wait_for_function("() => document.body.innerText.includes('v3')", timeout=30_000)
    page.shot("05-lineage")
