"""Every page reads in Korean: run each one with ``lang=ko`` and fail on any text with no Korean.

``ui.i18n.missing()`` records every key looked up in Korean that the catalog lacks, including
keys from tables (menu titles, statuses, option labels) that the static check in
``tests/unit/test_i18n.py`` cannot see.
"""

from __future__ import annotations

import re

import pytest

from tests.pages.conftest import REPO_ROOT, page_paths

HANGUL = re.compile(r"[\uac00-\ud7a3]")
# views behind ?tab=<id>: each is run too (an unknown id falls back to the page's first view)
TABS = {
    "app_pages/datasets.py": ["schema", "preview", "derive", "compare", "lineage", "download"],
    "app_pages/experiments.py": ["overview", "trials", "model", "data"],
}


def run_in(lang: str, page: str, **params: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    if page != "app_pages/home.py":
        at.switch_page(page)
        at.run()
    return at


def _main_texts(at) -> list[str]:
    main = at.main
    return [e.value for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning")
            for e in getattr(main, kind) if isinstance(getattr(e, "value", None), str)]


# labels that read the same in Korean: file formats, metric and library names
SAME_IN_KOREAN = re.compile(r"^[\W\d_]*(CSV|TSV|Parquet|JSON|Excel|ROC AUC|AUC|F1|RMSE|MAE|R²|log_loss|sha256|[a-z_0-9]+)"
                            r"[\W\d_]*$")


def _untranslated_labels(at) -> list[str]:
    """Labels of the page's own widgets (not the sidebar's) with no Hangul: UI text left in English."""
    main = at.main
    labels = []
    for kind in ("button", "selectbox", "multiselect", "text_input", "text_area", "number_input", "checkbox",
                 "toggle", "radio", "slider", "metric", "date_input", "tabs", "expander"):
        for widget in getattr(main, kind, []):
            if kind == "button" and widget.proto.type == "tertiary":
                continue  # a link to an object on the same page (ui.url.link): its label is the object's name
            label = getattr(widget, "label", None)
            if label and not HANGUL.search(label) and not SAME_IN_KOREAN.match(label):
                labels.append(f"{kind}: {label}")
    return labels


@pytest.fixture
def demo(ws):
    from core.cli import demo

    return demo.seed_demo(ws)


@pytest.mark.parametrize("page", page_paths())
def test_every_page_shows_only_text_that_has_korean(ws, demo, page):
    from ui import i18n

    i18n.reset_missing()
    for tab in TABS.get(page, [None]):
        at = run_in("ko", page, **({"tab": tab} if tab else {}))
        assert not at.exception, at.exception
        assert not i18n.missing(), f"{page} (tab {tab}) shows text with no Korean: {sorted(i18n.missing())}"
        assert not _untranslated_labels(at), f"{page} (tab {tab}): labels left in English: {_untranslated_labels(at)}"
        assert any(HANGUL.search(t) for t in _main_texts(at)), f"{page} (tab {tab}) shows no Korean at all"


def test_an_empty_workspace_reads_in_korean(ws):
    from ui import i18n

    i18n.reset_missing()
    for page in page_paths():
        at = run_in("ko", page)
        assert not at.exception, at.exception
    assert not i18n.missing(), sorted(i18n.missing())


def test_the_language_is_kept_in_the_url_and_the_session(ws, demo):
    at = run_in("ko", "app_pages/home.py")
    assert at.query_params["lang"] == ["ko"] or at.query_params["lang"] == "ko"
    # the sidebar's switch back to English writes the URL
    at.segmented_control(key="sb_lang").set_value("en").run()
    assert not at.exception
    assert "en" in at.query_params["lang"]
    assert not any(HANGUL.search(t) for t in [e.value for e in at.title])
