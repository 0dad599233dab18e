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


def test_missing_overview_has_one_bar_per_column_and_highlights_high_missing(profile):
    fig = charts.missing_overview(profile)
    (bars,) = fig.data
    assert fig.layout.title.text == "Missing values by column"
    assert axis_titles(fig) == ("Column", "Missing (% of rows)")
    assert list(bars.x) == [c.name for c in profile.columns]
    assert list(bars.y) == pytest.approx([c.missing_pct for c in profile.columns])
    colours = dict(zip(bars.x, bars.marker.color, strict=True))
    assert colours["빈칸"] == charts.ALERT
    assert colours["나이"] == charts.PRIMARY


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
