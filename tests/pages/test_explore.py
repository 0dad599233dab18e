"""The Explore page under AppTest: the profile in both languages, the target's association with each column,
honest missing-value and memory figures, log scales for skewed columns, and the notebook download."""

from __future__ import annotations

import json
import re
import sys
import types

import numpy as np
import pandas as pd
import pytest

from core.data import datasets
from tests.conftest import SAMPLES, make_project
from tests.pages.conftest import REPO_ROOT

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def open_explore(ws, sample, *, lang: str = "en", target: str | None = None):
    """A project with ``sample`` (a path), and the Explore page opened on it."""
    from streamlit.testing.v1 import AppTest

    p = make_project(ws)
    datasets.add_dataset(ws, sample, project_id=p.id)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.session_state["active_project_id"] = p.id
    at.run()
    at.switch_page("app_pages/explore.py")
    at.run()
    assert not at.exception, at.exception
    if target:
        at.selectbox(key="eda_target").set_value(target).run()
        assert not at.exception, at.exception
    return at


def figures(at) -> dict[str, dict]:
    """Every chart on the page by its widget key suffix, as the figure spec the browser gets."""
    return {chart.proto.id.rsplit("-", 1)[-1]: json.loads(chart.proto.spec) for chart in at.get("plotly_chart")}


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.fixture
def skewed_csv(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "incomes.csv"
    pd.DataFrame({"height": rng.normal(170, 8, 500).round(1), "income": rng.lognormal(10, 1.5, 500).round(2),
                  "group": rng.choice(["a", "b", "c"], 500)}).to_csv(path, index=False)
    return path


def test_the_page_reads_in_korean_charts_tables_and_warnings_included(ws):
    from ui import i18n

    i18n.reset_missing()
    at = open_explore(ws, SAMPLES / "churn.csv", lang="ko", target="churned")
    assert not i18n.missing(), sorted(i18n.missing())
    assert [m.label for m in at.metric] == ["행 수", "열 수", "결측 셀", "중복 행", "메모리"]
    titles = [spec["layout"]["title"]["text"] for spec in figures(at).values()]
    assert len(titles) >= 5 and all(HANGUL.search(t) for t in titles), titles
    assert at.warning and all(HANGUL.search(w.value) for w in at.warning)
    headers = [c.get("label") for c in json.loads(at.dataframe[0].proto.columns).values()]
    assert "열" in headers and "측정 방법" in headers
    assert "상관비 η" in set(at.dataframe[0].value["measure"].dropna())


def test_english_stays_as_it_was(ws):
    at = open_explore(ws, SAMPLES / "iris_ko_cp949.csv")
    assert [m.label for m in at.metric] == ["Rows", "Columns", "Missing cells", "Duplicate rows", "Memory"]
    assert at.selectbox(key="eda_column").label == "Distribution of"
    assert at.selectbox(key="eda_column").value == "꽃받침_길이"
    assert figures(at)["eda_chart_dist"]["layout"]["title"]["text"] == "Distribution of 꽃받침_길이"


def test_choosing_a_target_shows_each_columns_association_ranked_with_its_measure(ws):
    at = open_explore(ws, SAMPLES / "churn.csv")
    assert "eda_chart_association" not in figures(at)
    at.selectbox(key="eda_target").set_value("churned").run()
    spec = figures(at)["eda_chart_association"]
    assert spec["layout"]["title"]["text"] == "Association with churned"
    scores = {y: x for trace in spec["data"] for x, y in zip(trace["x"], trace["y"], strict=True)}
    ranked = spec["layout"]["yaxis"]["categoryarray"]
    assert [scores[c] for c in ranked] == sorted(scores.values(), reverse=True)
    assert "churned" not in scores and "customer_id" not in scores  # the target itself and an id are not measured
    measures = {trace["name"] for trace in spec["data"]}
    assert measures <= {"|Pearson r| (numeric with numeric)", "correlation ratio η (numeric with categorical)",
                        "Cramér's V (categorical with categorical)"} and len(measures) >= 2
    table = at.dataframe[0].value.set_index("column")
    assert table.loc["tenure_months", "association"] == pytest.approx(scores["tenure_months"])
    assert any("Not measured" in c.value and "customer" in c.value for c in at.caption)


def test_nothing_missing_is_said_in_words_not_drawn(ws):
    at = open_explore(ws, SAMPLES / "iris_ko_cp949.csv")
    assert "eda_chart_missing" not in figures(at)
    assert any("No missing values" in m.value for m in at.markdown)
    assert metric(at, "Missing cells") == "0%"


def test_a_few_percent_missing_gets_a_readable_axis(ws):
    at = open_explore(ws, SAMPLES / "churn.csv")
    spec = figures(at)["eda_chart_missing"]
    (bars,) = spec["data"]
    assert max(bars["y"]) < 10
    top = spec["layout"]["yaxis"]["range"][1]
    assert max(bars["y"]) < top < 2 * max(bars["y"])  # not 0-100%, where a 5% bar is invisible
    assert metric(at, "Missing cells") == "1.6%"


def test_memory_of_a_small_table_reads_in_kib(ws):
    at = open_explore(ws, SAMPLES / "iris.csv")
    assert re.fullmatch(r"\d+\.\d KiB", metric(at, "Memory")), metric(at, "Memory")


def test_numbers_in_the_column_table_read_well(ws):
    at = open_explore(ws, SAMPLES / "churn.csv")
    table = at.dataframe[0].value.set_index("column")
    assert table.loc["customer_id", "distinct"] == "2,000"
    assert all(len(str(v).replace(",", "").replace(".", "").lstrip("-")) <= 8 for v in table["mean"].dropna())


def test_a_skewed_column_offers_log_scales_and_they_redraw_the_chart(ws, skewed_csv):
    at = open_explore(ws, skewed_csv)
    assert at.selectbox(key="eda_column").value == "height"
    assert not at.toggle  # a symmetric column offers nothing
    at.selectbox(key="eda_column").set_value("income").run()
    assert any("skewed" in c.value for c in at.caption)
    at.toggle(key="eda_log_y").set_value(True).run()
    assert not at.exception, at.exception
    spec = figures(at)["eda_chart_dist"]
    assert spec["layout"]["yaxis"]["type"] == "log"
    at.toggle(key="eda_log_x").set_value(True).run()
    spec = figures(at)["eda_chart_dist"]
    assert spec["layout"]["xaxis"]["title"]["text"] == "income (log scale)"
    assert "ticktext" in spec["layout"]["xaxis"]


def test_the_notebook_is_made_only_when_the_button_is_clicked(ws, monkeypatch):
    made = []
    fake = types.ModuleType("core.data.notebook")
    fake.dataset_notebook = lambda ws, version_id: made.append(version_id) or "{}"
    monkeypatch.setitem(sys.modules, "core.data.notebook", fake)
    at = open_explore(ws, SAMPLES / "iris.csv")
    (button,) = at.get("download_button")
    assert button.proto.label == "Open in a notebook"
    assert button.proto.deferred_file_id  # the file is produced on click
    assert made == []


def test_the_version_named_in_the_url_is_the_one_profiled(ws):
    from streamlit.testing.v1 import AppTest

    p = make_project(ws)
    iris = datasets.add_dataset(ws, SAMPLES / "iris.csv", project_id=p.id).version
    datasets.add_dataset(ws, SAMPLES / "churn.csv", project_id=p.id)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.query_params["project"] = p.id
    at.query_params["version"] = iris.id
    at.run()
    at.switch_page("app_pages/explore.py")
    at.run()
    assert not at.exception, at.exception
    assert metric(at, "Rows") == "150"


def test_a_big_version_is_profiled_by_a_background_job(ws, monkeypatch):
    from core import jobs
    from core.data import profiling
    from core.jobs import worker
    from ui.fmt import short_id

    monkeypatch.setattr(profiling, "BACKGROUND_CELLS", 100)
    monkeypatch.setattr(worker, "ensure_worker", lambda *args, **kwargs: False)  # queue only
    at = open_explore(ws, SAMPLES / "iris.csv")
    assert not at.metric and not figures(at)  # nothing computed on the page
    assert any("background job" in c.value for c in at.caption)
    at.button(key="eda_start_job").click().run()
    assert not at.exception, at.exception
    (job,) = jobs.list_jobs(ws)
    assert job.kind == "profile"
    shown = short_id(job.id)
    assert any(shown in m.value for m in at.markdown)  # its progress is followed on the page
    at = open_again(at)  # a reload (a new session) finds the job still queued
    assert any(shown in m.value for m in at.markdown)
    jobs.cancel_job(ws, job.id)


def open_again(at):
    """The same page in a new session (a browser reload), keeping the URL."""
    from streamlit.testing.v1 import AppTest

    again = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    for name, value in at.query_params.items():
        again.query_params[name] = value
    again.session_state["active_project_id"] = at.session_state["active_project_id"]
    again.run()
    again.switch_page("app_pages/explore.py")
    again.run()
    assert not again.exception, again.exception
    return again
