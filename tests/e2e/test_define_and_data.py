"""Golden flow of Define and Data: hypothesis, Hangul cp949 upload, profile, split, lineage."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import REPO_ROOT, open_page, open_tab, wait_idle

pytestmark = pytest.mark.e2e
SAMPLE = REPO_ROOT / "data" / "samples" / "iris_ko_cp949.csv"


def _create_project(page, name: str) -> None:
    open_page(page)
    page.get_by_role("button", name="New project").click()
    page.get_by_role("textbox", name="Name", exact=True).fill(name)
    page.get_by_role("button", name="Create project").click()
    wait_idle(page)
    page.get_by_role("heading", name=name).wait_for()


def _choose(page, label: str, option: str) -> None:
    """Pick an option of a select box (again if a rerun closed its list before the click)."""
    for _ in range(3):
        page.get_by_label(label).click()
        try:
            page.get_by_role("option", name=option).click(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            wait_idle(page)
    else:
        raise AssertionError(f"could not choose {option!r} in {label!r}")
    wait_idle(page)


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
    page.get_by_text(SAMPLE.name).first.wait_for()  # uploaded (choosing a file reruns the page)
    wait_idle(page)
    page.get_by_role("button", name="Add dataset").click()
    wait_idle(page, timeout=60_000)
    page.get_by_text("150 rows × 5 columns").first.wait_for(timeout=60_000)
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
    open_tab(page, "Derive", "derive")
    _choose(page, "Operation", "Train/test split")
    page.get_by_role("button", name="Create new version").click()
    wait_idle(page, timeout=60_000)
    page.get_by_text("Split into").first.wait_for()
    page.shot("04-split")

    open_tab(page, "Lineage", "lineage")
    page.locator(".js-plotly-plot").first.wait_for()
    page.wait_for_function("() => document.body.innerText.includes('v3')", timeout=30_000)
    page.shot("05-lineage")

    # issue #10: the lineage lists its versions by name; one opens that version (in the URL), Back returns
    assert "tab=lineage" in page.url
    split_url = page.url
    train_id = split_url.split("version=")[1].split("&")[0]
    page.get_by_role("button", name="v1", exact=True).click()
    page.wait_for_function(f"() => location.search.includes('version=') && !location.search.includes('{train_id}')",
                           timeout=30_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('input[role=combobox]')].some(i => i.value === 'v1')", timeout=30_000)
    assert "version=dsv_" in page.url and page.url != split_url
    page.go_back()
    page.wait_for_function(
        "() => [...document.querySelectorAll('input[role=combobox]')].some(i => i.value.startsWith('v2 · train'))",
        timeout=30_000)

    # the split is a child of v1: pickers elsewhere default to the version the user made, not a split
    open_page(page, "explore")
    assert page.get_by_role("combobox", name="Dataset version").input_value().startswith("iris_ko_cp949 v1 · ")


def test_the_datasets_page_reads_in_korean_and_archives_a_version_after_asking(page):
    """Issue #10: the Datasets page in Korean; a derived version is archived after a confirmation."""
    _create_project(page, "보관 확인")
    open_page(page, "datasets?lang=ko")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(SAMPLE))
    page.get_by_text(SAMPLE.name).first.wait_for()  # uploaded (choosing a file reruns the page)
    wait_idle(page)
    page.get_by_role("button", name="데이터셋 추가").click()
    wait_idle(page, timeout=60_000)
    page.get_by_text("150행 × 5열").first.wait_for(timeout=60_000)
    page.get_by_text("감지 결과: CSV").first.wait_for()
    open_tab(page, "파생", "derive")
    _choose(page, "작업", "중복 행 제거")
    page.get_by_role("button", name="새 버전 만들기").click()
    wait_idle(page, timeout=60_000)
    page.get_by_role("button", name="v2 보관").click()
    wait_idle(page)
    page.get_by_text("보관할까요?").first.wait_for()
    page.shot("06-archive-ko")
    page.get_by_role("button", name="보관", exact=True).click()
    wait_idle(page)
    page.get_by_text("보관됨 (1)").first.wait_for()
    assert page.get_by_role("combobox", name="버전").input_value() == "v1"
