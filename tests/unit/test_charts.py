"""Charts: titles, axis labels, the right bars and traces, stable colours, Hangul kept intact."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from core.data import charts
from core.data.profiling import profile_frame
from core.errors import InvalidInput
from core.workspace import REPO_ROOT
from tests.shared import strings, tr_literals

SCHEMA = [
    {"name": "나이", "semantic": "numeric"},
    {"name": "도시", "semantic": "categorical"},
    {"name": "가입일", "semantic": "datetime"},
    {"name": "메모", "semantic": "text"},
    {"name": "빈칸", "semantic": "numeric"},
    {"name": "소득", "semantic": "numeric"},
    {"name": "등급", "semantic": "categorical"},
    {"name": "이탈", "semantic": "boolean"},
]


@pytest.fixture(scope="module")
def profile():
    rng = np.random.default_rng(0)
    n = 300
    age = rng.integers(18, 90, n).astype(float)
    age[:30] = np.nan
    df = pd.DataFrame({
        "나이": age,
        "도시": rng.choice(["서울", "부산", "대구", "인천"], n),
        "가입일": pd.date_range("2023-01-01", periods=n, freq="D"),
        "메모": rng.choice(["좋아요", "별로예요", "그냥 그래요"], n),
        "빈칸": [np.nan] * n,
        "소득": age * 100 + rng.normal(size=n),
        "등급": rng.choice(["A", "B"], n),
        "이탈": rng.choice([True, False], n, p=[0.2, 0.8]),
    })
    return profile_frame(df, schema=SCHEMA, target="이탈")


def axis_titles(fig: go.Figure) -> tuple[str | None, str | None]:
    return fig.layout.xaxis.title.text, fig.layout.yaxis.title.text


def test_numeric_distribution_draws_the_precomputed_bins(profile):
    col = profile.column("나이")
    fig = charts.column_distribution(col)
    assert fig.layout.title.text == "Distribution of 나이"
    assert axis_titles(fig) == ("나이", "Rows")
    (bars,) = fig.data
    assert bars.type == "bar"
    assert list(bars.y) == list(col.numeric.histogram.counts)
    assert sum(bars.y) == 270
    assert any("median" in (a.text or "") for a in fig.layout.annotations)


def test_categorical_distribution_has_one_bar_per_top_value_in_class_colours(profile):
    col = profile.column("도시")
    fig = charts.column_distribution(col)
    (bars,) = fig.data
    assert fig.layout.title.text == "Top values of 도시"
    assert axis_titles(fig) == ("도시", "Rows")
    assert set(bars.x) == {"서울", "부산", "대구", "인천"}
    palette = charts.colour_map(["서울", "부산", "대구", "인천"])
    assert list(bars.marker.color) == [palette[v] for v in bars.x]
    assert len(set(bars.marker.color)) == 4
    assert sum(bars.y) == 300


def test_datetime_distribution_is_a_timeline(profile):
    fig = charts.column_distribution(profile.column("가입일"))
    (line,) = fig.data
    assert line.type == "scatter"
    assert fig.layout.title.text == "Timeline of 가입일"
    assert axis_titles(fig) == ("가입일 (UTC)", "Rows")
    assert sum(line.y) == 300


def test_text_distribution_shows_top_values(profile):
    fig = charts.column_distribution(profile.column("메모"))
    assert set(fig.data[0].x) == {"좋아요", "별로예요", "그냥 그래요"}


def test_an_empty_column_gets_a_titled_placeholder(profile):
    fig = charts.column_distribution(profile.column("빈칸"))
    assert fig.data == ()
    assert fig.layout.title.text == "Distribution of 빈칸"
    assert "no numeric values" in fig.layout.annotations[0].text


def test_missing_overview_has_a_bar_per_column_with_gaps_most_first_and_highlights_high_missing(profile):
    fig = charts.missing_overview(profile)
    (bars,) = fig.data
    gaps = sorted((c for c in profile.columns if c.n_missing), key=lambda c: -c.missing_pct)
    assert fig.layout.title.text == f"Missing values by column ({len(gaps)} of 8 columns have gaps)"
    assert axis_titles(fig) == ("Column", "Missing (% of rows)")
    assert list(bars.x) == [c.name for c in gaps] and "도시" not in bars.x
    assert list(bars.y) == pytest.approx([c.missing_pct for c in gaps])
    colours = dict(zip(bars.x, bars.marker.color, strict=True))
    assert colours["빈칸"] == charts.ALERT
    assert colours["나이"] == charts.PRIMARY


def test_a_small_share_of_missing_values_gets_a_visible_bar():
    df = pd.DataFrame({"a": [1.0] * 97 + [np.nan] * 3, "b": list(range(99)) + [np.nan], "c": range(100)})
    fig = charts.missing_overview(profile_frame(df))
    (bars,) = fig.data
    assert list(bars.x) == ["a", "b"]
    low, high = fig.layout.yaxis.range
    assert low == 0 and 3 < high < 5  # the axis ends near the largest share, not at 100%
    assert list(bars.text) == ["3.0%", "1.0%"]


def test_nothing_missing_says_so_instead_of_drawing_empty_bars():
    fig = charts.missing_overview(profile_frame(pd.DataFrame({"a": [1, 2, 3]})))
    assert fig.data == ()
    assert fig.layout.annotations[0].text == "No missing values"


def test_pearson_heatmap_shows_the_matrix(profile):
    fig = charts.correlation_heatmap(profile, "pearson")
    (heat,) = fig.data
    assert heat.type == "heatmap"
    assert fig.layout.title.text.startswith("Pearson correlation")
    assert axis_titles(fig) == ("Column", "Column")
    assert list(heat.x) == list(profile.pearson.columns) == ["나이", "소득"]
    assert heat.z[0][1] == pytest.approx(profile.pearson.get("나이", "소득"))
    assert (heat.zmin, heat.zmax) == (-1, 1)


def test_cramers_heatmap_covers_categorical_and_boolean_columns(profile):
    fig = charts.correlation_heatmap(profile, "cramers_v")
    assert list(fig.data[0].x) == ["도시", "등급", "이탈"]  # text columns are left out
    assert (fig.data[0].zmin, fig.data[0].zmax) == (0, 1)


def test_heatmap_rejects_unknown_kinds_and_explains_missing_matrices():
    with pytest.raises(InvalidInput):
        charts.correlation_heatmap(profile_frame(pd.DataFrame({"a": [1, 2]})), "spearman")
    fig = charts.correlation_heatmap(profile_frame(pd.DataFrame({"a": [1.5, 2.5, 3.5]})), "pearson")
    assert fig.data == ()
    assert "at least two numeric columns" in fig.layout.annotations[0].text


def test_sampled_heatmap_says_so_in_its_title(profile, monkeypatch):
    from core.data import profiling

    monkeypatch.setattr(profiling, "SAMPLE_ROWS", 50)
    rng = np.random.default_rng(0)
    sampled = profile_frame(pd.DataFrame({"a": rng.normal(size=80), "b": rng.normal(size=80)}))
    assert "50 sampled rows" in charts.correlation_heatmap(sampled).layout.title.text


def test_target_balance_has_a_bar_per_class_in_class_colours(profile):
    fig = charts.target_balance(profile)
    (bars,) = fig.data
    assert fig.layout.title.text.startswith("Target balance: 이탈")
    assert axis_titles(fig) == ("Class", "Rows")
    assert set(bars.x) == {"True", "False"}
    assert list(bars.marker.color) == [charts.colour_map(["True", "False"])[c] for c in bars.x]
    assert sum(bars.y) == 300


def test_target_balance_of_a_numeric_target_is_a_histogram_and_needs_a_target():
    df = pd.DataFrame({"가격": np.linspace(0, 1, 100)})
    fig = charts.target_balance(profile_frame(df, target="가격"))
    assert fig.layout.title.text == "Target distribution: 가격"
    assert sum(fig.data[0].y) == 100
    assert charts.target_balance(profile_frame(df)).data == ()


def test_colour_for_is_stable_across_processes_and_pins_learners():
    keys = ["lgbm", "rf", "xgboost", "extra_tree", "catboost", "malignant", "악성", "42"]
    here = [charts.colour_for(k) for k in keys]
    code = f"from core.data.charts import colour_for; print(','.join(colour_for(k) for k in {keys!r}))"
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT,
                         env=env, check=True).stdout.strip()
    assert out.split(",") == here
    assert all(c in charts.COLOURS for c in here)
    learners = ["lgbm", "rf", "xgboost", "extra_tree", "xgb_limitdepth", "catboost", "lrl1", "lrl2",
                "kneighbor", "sgd", "histgb", "svc"]
    assert len({charts.colour_for(k) for k in learners}) == len(learners)
    assert charts.colour_for(True) == charts.colour_for("True")
    assert charts.colour_map(["rf", "lgbm"]) == {"rf": charts.colour_for("rf"), "lgbm": charts.colour_for("lgbm")}


def test_colour_map_gives_distinct_colours_whatever_the_order():
    classes = [f"class {i}" for i in range(len(charts.COLOURS))]
    palette = charts.colour_map(classes)
    assert len(set(palette.values())) == len(charts.COLOURS)
    assert charts.colour_map(reversed(classes)) == palette
    assert charts.colour_map(["lgbm", *classes[:3]])["lgbm"] == charts.colour_for("lgbm")
    many = charts.colour_map(f"k{i}" for i in range(40))
    assert len(many) == 40 and set(many.values()) <= set(charts.COLOURS)


NODES = [
    {"id": "h1", "label": "가설 1", "kind": "hypothesis"},
    {"id": "v1", "label": "고객 v1", "kind": "dataset_version"},
    {"id": "v2", "label": "고객 v2", "kind": "dataset_version"},
    {"id": "e1", "label": "exp 1", "kind": "experiment"},
    {"id": "m1", "label": "model 1", "kind": "model"},
]
EDGES = [  # the lineage table's convention: source was made from / depends on target
    {"source": "v2", "target": "v1", "relation": "derived_from"},
    {"source": "e1", "target": "v2", "relation": "trained_on"},
    {"source": "e1", "target": "h1", "relation": "tests"},
    {"source": "m1", "target": "e1", "relation": "produced_by"},
]


def node_positions(fig: go.Figure) -> dict[str, tuple[float, float]]:
    return {cd[0]: (x, y) for trace in fig.data for cd, x, y in zip(trace.customdata, trace.x, trace.y, strict=True)}


def test_lineage_runs_left_to_right_with_a_trace_per_kind():
    fig = charts.lineage_figure(NODES, EDGES, highlight="v2")
    assert fig.layout.title.text == "Lineage"
    assert [t.name for t in fig.data] == ["hypothesis", "dataset version", "experiment", "model"]
    pos = node_positions(fig)
    for edge in EDGES:  # what a thing was made from sits on its left
        assert pos[edge["target"]][0] < pos[edge["source"]][0]
    assert pos["v1"][0] == 0 and pos["m1"][0] == 3
    labels = [text for t in fig.data for text in t.text]
    assert {"가설 1", "고객 v1", "고객 v2"} <= set(labels)
    versions = fig.data[1]
    assert versions.marker.color == charts.colour_for("dataset_version")
    widths = {cd[0]: w for cd, w in zip(versions.customdata, versions.marker.line.width, strict=True)}
    assert widths == {"v1": 1, "v2": 3}


def test_lineage_draws_an_arrow_and_a_label_per_edge():
    fig = charts.lineage_figure(NODES, EDGES)
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    labels = sorted(a.text for a in fig.layout.annotations if not a.showarrow)
    assert len(arrows) == len(EDGES)
    assert labels == ["derived from", "produced by", "tests", "trained on"]
    v1, v2 = node_positions(fig)["v1"], node_positions(fig)["v2"]
    arrow = next(a for a in arrows if (a.ax, a.ay) == v1)
    assert (arrow.x, arrow.y) == v2  # the arrow runs along the flow, parent to child


def test_lineage_accepts_objects_and_unknown_kinds():
    class Node:
        def __init__(self, id, label, kind):  # noqa: A002 - mirrors the dict keys
            self.id, self.label, self.kind = id, label, kind

    fig = charts.lineage_figure([Node("a", "A", "export"), Node("b", "B", "drift_report")],
                                [{"source": "a", "target": "b", "relation": ""}])
    assert [t.name for t in fig.data] == ["export", "drift report"]
    assert not [a for a in fig.layout.annotations if not a.showarrow]


def test_lineage_survives_a_cycle_and_rejects_unknown_nodes():
    nodes = [{"id": "a", "kind": "x"}, {"id": "b", "kind": "x"}]
    fig = charts.lineage_figure(nodes, [{"source": "a", "target": "b"}, {"source": "b", "target": "a"}])
    assert len(node_positions(fig)) == 2
    with pytest.raises(InvalidInput, match="'zz'"):
        charts.lineage_figure(nodes, [{"source": "a", "target": "zz"}])
    with pytest.raises(InvalidInput, match="twice"):
        charts.lineage_figure(nodes + [{"id": "a"}], [])


def test_empty_lineage_is_a_titled_placeholder():
    fig = charts.lineage_figure([], [])
    assert fig.layout.title.text == "Lineage"
    assert "No lineage" in fig.layout.annotations[0].text


# ---------------------------------------------------------------- skew and log scales


@pytest.fixture(scope="module")
def skewed():
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"소득": rng.lognormal(10, 1.5, 2000), "키": rng.normal(170, 8, 2000),
                       "잔액": np.r_[np.zeros(1000), rng.exponential(1000, 1000)]})
    return profile_frame(df)


def test_a_skewed_column_offers_log_scales_and_a_symmetric_one_does_not(skewed):
    assert charts.log_scales(skewed.column("소득")) == ("x", "y")
    assert charts.log_scales(skewed.column("잔액")) == ("y",)  # zeros: no log of the values
    assert charts.log_scales(skewed.column("키")) == ()


def test_log_counts_and_log_values_redraw_the_histogram(skewed):
    col = skewed.column("소득")
    fig = charts.column_distribution(col, log_y=True)
    assert fig.layout.yaxis.type == "log"
    assert axis_titles(fig) == ("소득", "Rows (log scale)")
    fig = charts.column_distribution(col, log_x=True)
    (bars,) = fig.data
    assert list(bars.y) == list(col.numeric.log_histogram.counts)
    assert sum(bars.y) == 2000
    assert fig.layout.xaxis.title.text == "소득 (log scale)"
    assert fig.layout.xaxis.ticktext and all(t.replace(",", "").replace(".", "").isdigit()
                                             for t in fig.layout.xaxis.ticktext)
    # log bins are drawn on log10 of the values, with equal widths
    assert max(bars.width) == pytest.approx(min(bars.width))


def test_log_values_are_ignored_where_the_profile_has_no_log_bins(skewed):
    col = skewed.column("잔액")
    fig = charts.column_distribution(col, log_x=True)
    assert list(fig.data[0].y) == list(col.numeric.histogram.counts)
    assert fig.layout.xaxis.title.text == "잔액"


# ---------------------------------------------------------------- association with the target


def test_target_association_ranks_columns_and_names_each_measure():
    rng = np.random.default_rng(2)
    n = 400
    y = rng.choice(["yes", "no"], n)
    df = pd.DataFrame({
        "target": y,
        "leak": np.where(y == "yes", 1.0, 0.0) + rng.normal(0, 0.01, n),
        "weak": rng.normal(size=n) + (y == "yes") * 0.3,
        "plan": np.where(rng.random(n) < 0.7, np.where(y == "yes", "a", "b"), "c"),
        "noise": rng.choice(["x", "y"], n),
        "note": [f"free text {i}" for i in range(n)],
    })
    profile = profile_frame(df, target="target", schema=[{"name": "note", "semantic": "text"}])
    fig = charts.target_association(profile)
    assert fig.layout.title.text == "Association with target"
    ranked = [name for name in fig.layout.yaxis.categoryarray]
    assert ranked[0] == "leak" and set(ranked) == {"leak", "weak", "plan", "noise"}  # text is not measured
    scores = {y: x for trace in fig.data for x, y in zip(trace.x, trace.y, strict=True)}
    assert [scores[c] for c in ranked] == sorted(scores.values(), reverse=True)
    names = {trace.name for trace in fig.data}
    assert names == {"correlation ratio η (numeric with categorical)", "Cramér's V (categorical with categorical)"}
    leak_trace = next(t for t in fig.data if "leak" in t.y)
    widths = dict(zip(leak_trace.y, leak_trace.marker.line.width, strict=True))
    assert widths["leak"] > 0 and widths["weak"] == 0  # a near-perfect association is outlined


def test_target_association_without_a_target_or_measurable_columns_says_why():
    fig = charts.target_association(profile_frame(pd.DataFrame({"a": [1, 2, 3]})))
    assert fig.data == () and "Choose a target" in fig.layout.annotations[0].text
    only_text = profile_frame(pd.DataFrame({"t": ["a", "b"] * 5, "x": [f"t{i}" for i in range(10)]}),
                              target="t", schema=[{"name": "x", "semantic": "text"}])
    fig = charts.target_association(only_text)
    assert fig.data == () and "No column" in fig.layout.annotations[0].text


# ---------------------------------------------------------------- user text stays text


HOSTILE = '<a href="http://evil.example">click</a>'
TAGS = ("<a", "<b>", "<img", "<span", "<i>")


def test_names_and_values_reach_plotly_escaped():
    df = pd.DataFrame({HOSTILE: np.r_[np.arange(30.0), [np.nan]], "<b>grp</b>": ["<i>x</i>", "y"] * 15 + [None],
                       "t": ["<img src=x>", "z"] * 15 + ["z"]})
    profile = profile_frame(df, target="t")
    figures = [charts.column_distribution(profile.column(HOSTILE)), charts.column_distribution(profile.column("<b>grp</b>")),
               charts.missing_overview(profile), charts.target_balance(profile), charts.target_association(profile),
               charts.correlation_heatmap(profile, "cramers_v"),
               charts.lineage_figure([{"id": "a", "label": HOSTILE, "kind": "dataset_version", "detail": "<b>d</b>"},
                                      {"id": "b", "label": "m", "kind": "<i>odd</i>"}],
                                     [{"source": "b", "target": "a", "relation": "<a>rel</a>"}], title=HOSTILE),
               charts.search_progress([{"wall_offset": 1.0, "val_metric": 0.5, "learner": "<b>lgbm</b>", "trial": 0}],
                                      "<i>auc</i>", maximize=True),
               charts.learner_mix([{"learner": HOSTILE}])]
    for fig in figures:
        shown = list(strings(fig.to_plotly_json()))
        assert not [s for s in shown if any(tag in s for tag in TAGS)], fig.layout.title.text
    assert figures[0].layout.title.text == "Distribution of &lt;a href=\"http://evil.example\"&gt;click&lt;/a&gt;"
    assert "&lt;i&gt;x&lt;/i&gt;" in figures[1].data[0].x


# ---------------------------------------------------------------- language


def test_every_chart_text_has_korean():
    from ui.i18n import catalog

    keys = [*tr_literals(charts), *charts.KIND_LABELS.values(), *charts.RELATION_LABELS.values(),
            *charts.ASSOCIATION_MEASURES.values()]
    assert len(keys) > 50
    assert not [k for k in keys if k not in catalog()]


def test_charts_speak_the_language_they_are_given(profile):
    from ui.i18n import catalog

    def korean(text: str) -> str:
        return catalog()[text]

    fig = charts.column_distribution(profile.column("나이"), tr=korean)
    assert fig.layout.title.text == "나이 분포"
    assert axis_titles(fig) == ("나이", "행 수")
    assert "중앙값" in fig.layout.annotations[0].text
    assert charts.target_balance(profile, tr=korean).layout.xaxis.title.text == "클래스"
    assert charts.missing_overview(profile, tr=korean).layout.title.text.startswith("열별 결측값")
    lineage = charts.lineage_figure(NODES, EDGES, tr=korean)
    assert lineage.layout.title.text == "계보"
    assert {t.name for t in lineage.data} >= {"가설", "데이터셋 버전"}


def test_importing_the_charts_does_not_import_plotly():
    code = "import sys, core.data.charts; print('plotly' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT,
                         check=True).stdout.strip()
    assert out == "False"
