"""The Features step's charts: one method's ranked bars (with permutation's spread), the methods' ranks
side by side, and one column's relation to the target; warned columns in red; every text in Korean."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data.charts import ALERT, PRIMARY, colour_map
from core.errors import InvalidInput
from core.features import charts
from tests.shared import strings, tr_literals

METHODS = ["mutual_info", "association", "lgbm_gain", "permutation"]


def _entry(column, rank, scores, ranks, *, kind="numeric", spread=None, measure="correlation_ratio"):
    return {"column": column, "kind": kind, "scores": dict(zip(METHODS, scores, strict=True)),
            "ranks": dict(zip(METHODS, ranks, strict=True)), "spread": {"permutation": spread} if spread else {},
            "consensus_rank": rank, "consensus_score": 1 - rank / 10, "association_measure": measure}


@pytest.fixture
def report():
    """A report as core.features.service stores it (as a dict): a leak on top, an ID column without model scores."""
    return {
        "target": "churned", "task": "binary", "methods": METHODS, "settings": {"n_repeats": 5},
        "ranking": [
            _entry("leak", 1, [0.6, 0.99, 900.0, 0.4], [1, 1, 1, 1], spread=0.02),
            _entry("tenure", 2, [0.1, 0.3, 300.0, 0.05], [3, 2, 2, 2], spread=0.01),
            _entry("plan", 3, [0.2, 0.2, 50.0, -0.01], [2, 3, 3, 3], kind="categorical", spread=0.005,
                   measure="cramers_v"),
            _entry("<b>id</b>", 4, [0.0, None, None, None], [4, None, None, None], kind="id", measure=None),
        ],
        "warnings": [{"column": "leak", "kind": "leakage", "value": 0.996,
                      "reason": "Alone predicts the target with ROC AUC 0.996 on held-out rows."},
                     {"column": "<b>id</b>", "kind": "id", "value": 1.0,
                      "reason": "100.0% of its values are distinct, like an ID."}],
    }


def test_method_bars_rank_the_scored_columns_strongest_first_and_colour_warned_ones_red(report):
    fig = charts.method_bars(report, "mutual_info")
    (bars,) = fig.data
    assert list(bars.y) == ["leak", "plan", "tenure", "&lt;b&gt;id&lt;/b&gt;"]  # by score, not by consensus
    assert list(fig.layout.yaxis.categoryarray) == list(bars.y) and fig.layout.yaxis.autorange == "reversed"
    assert list(bars.marker.color) == [ALERT, PRIMARY, PRIMARY, ALERT]
    assert "Mutual information" in fig.layout.title.text and "churned" in fig.layout.title.text
    assert "red: a column with a warning" in fig.layout.title.text
    assert fig.layout.xaxis.title.text == "mutual information with the target (nats)"


def test_permutation_bars_have_the_spread_as_whiskers_and_leave_out_unscored_columns(report):
    fig = charts.method_bars(report, "permutation")
    bars, labels = fig.data
    assert list(bars.y) == ["leak", "tenure", "plan"]  # the ID column has no model score
    assert bars.error_x.visible and list(bars.error_x.array) == [0.02, 0.01, 0.005]
    assert "1 column without a score" in fig.layout.title.text
    assert "over 5 shuffles" in fig.layout.title.text
    # the value labels sit past the whiskers, on the side of the bar
    assert list(labels.x) == pytest.approx([0.42, 0.06, -0.015])
    assert list(labels.textposition) == ["middle right", "middle right", "middle left"]
    assert fig.layout.xaxis.range[0] < -0.015 and fig.layout.xaxis.range[1] > 0.42


def test_association_bars_say_how_each_column_was_measured(report):
    fig = charts.method_bars(report, "association")
    names = {trace.name: list(trace.y) for trace in fig.data}
    assert names == {"correlation ratio η": ["leak", "tenure"], "Cramér's V": ["plan"]}
    assert fig.layout.showlegend


def test_method_bars_refuse_an_unknown_method_and_explain_an_empty_one(report):
    with pytest.raises(InvalidInput, match="'shap' is not one of this report's methods"):
        charts.method_bars(report, "shap")
    empty = dict(report, ranking=[_entry("x", 1, [None] * 4, [None] * 4)])
    fig = charts.method_bars(empty, "lgbm_gain")
    assert fig.data == () and fig.layout.annotations[0].text == "No column has a score from this method."


def test_method_bars_keep_the_top_columns_and_say_so():
    ranking = [_entry(f"c{i}", i + 1, [1 / (i + 1)] * 4, [i + 1] * 4) for i in range(30)]
    fig = charts.method_bars({"target": "y", "methods": METHODS, "ranking": ranking, "warnings": []}, "lgbm_gain",
                             top=10)
    assert list(fig.data[0].y) == [f"c{i}" for i in range(10)]
    assert "top 10 of 30 columns" in fig.layout.title.text


def test_rank_comparison_shows_the_consensus_then_each_method_per_column(report):
    fig = charts.rank_comparison(report)
    (heat,) = fig.data
    assert list(heat.x) == ["Consensus", "Mutual information", "Univariate association", "LightGBM gain",
                            "Permutation importance"]
    assert [str(y) for y in heat.y][:3] == [f"<span style='color:{ALERT}'>leak</span>", "tenure", "plan"]
    assert list(heat.z[1]) == [2, 3, 2, 2, 2]
    assert list(heat.text[3]) == ["4", "4", "—", "—", "—"]  # no score: an empty cell
    assert heat.z[3][2] is None
    assert heat.reversescale and heat.zmin == 1


def test_rank_comparison_of_nothing_is_a_titled_placeholder():
    fig = charts.rank_comparison({"methods": METHODS, "ranking": []})
    assert fig.data == () and "1 = strongest" in fig.layout.title.text


@pytest.fixture
def frame():
    rng = np.random.default_rng(1)
    n = 600
    x = rng.normal(size=n)
    return pd.DataFrame({
        "x": x,
        "plan": rng.choice(["basic", "pro", None], n),
        "many": [f"v{i % 30}" for i in range(n)],
        "churned": np.where(x + rng.normal(scale=0.5, size=n) > 0, "yes", "no"),
        "spend": 3 * x + rng.normal(scale=0.1, size=n),
    })


def test_a_numeric_feature_and_classes_are_one_box_per_class_in_class_colours(frame):
    fig = charts.relation_figure(frame, "x", "churned", "binary")
    assert [t.type for t in fig.data] == ["box", "box"]
    palette = colour_map(["no", "yes"])
    assert [t.marker.color for t in fig.data] == [palette["no"], palette["yes"]]
    assert np.median(fig.data[1].y) > np.median(fig.data[0].y)  # 'yes' goes with a high x
    assert fig.layout.yaxis.title.text == "x" and fig.layout.xaxis.title.text == "churned"


def test_a_categorical_feature_and_classes_are_stacked_shares_with_missing_as_a_category(frame):
    fig = charts.relation_figure(frame, "plan", "churned", "binary")
    assert fig.layout.barmode == "stack"
    categories = list(fig.data[0].x)
    assert set(categories) == {"basic", "pro", "missing"}
    totals = np.sum([t.y for t in fig.data], axis=0)
    assert totals == pytest.approx(np.ones(len(categories)))


def test_a_categorical_feature_with_many_values_keeps_the_most_frequent(frame):
    fig = charts.relation_figure(frame, "many", "churned", "binary")
    assert len(fig.data[0].x) == charts.MAX_CATEGORIES
    assert "other (19 values)" in list(fig.data[0].x)


def test_regression_draws_a_scatter_with_a_moving_average_trend(frame):
    fig = charts.relation_figure(frame, "x", "spend", "regression")
    points, trend = fig.data
    assert points.mode == "markers" and len(points.x) == len(frame)
    assert trend.mode == "lines" and "moving average" in trend.name
    ys = np.array([v for v in trend.y if v is not None], dtype=float)
    assert np.all(np.diff(ys[np.isfinite(ys)]) > -0.5)  # it follows the rising relation
    assert list(trend.x) == sorted(trend.x)


def test_regression_on_a_category_is_one_box_per_value_highest_median_first(frame):
    data = frame.assign(spend=np.where(frame["plan"] == "pro", 10.0, 1.0))
    fig = charts.relation_figure(data, "plan", "spend", "regression")
    assert [t.name for t in fig.data][0] == "pro"


def test_relations_sample_big_frames_and_say_so(frame):
    fig = charts.relation_figure(frame, "x", "spend", "regression", max_points=100)
    assert len(fig.data[0].x) == 100
    assert "a random sample of 100 of 600 rows (seed 0)" in fig.layout.title.text


def test_relation_edge_cases(frame):
    assert charts.relation_figure(frame, "churned", "churned", "binary").data == ()
    with pytest.raises(InvalidInput, match="no column 'nope'"):
        charts.relation_figure(frame, "nope", "churned", "binary")
    with pytest.raises(InvalidInput, match="not a task"):
        charts.relation_figure(frame, "x", "churned", "ranking")
    no_target = frame.assign(churned=None)
    assert charts.relation_figure(no_target, "x", "churned", "binary").layout.annotations[0].text == \
        "No row has a target value."
    fig = charts.relation_figure(frame.rename(columns={"x": "<a href='x'>x</a>"}), "<a href='x'>x</a>", "churned",
                                 "binary")
    assert not any("<a href" in s for s in strings(fig.to_plotly_json()))


def test_every_chart_text_has_korean():
    from ui.i18n import catalog

    keys = [*tr_literals(charts), *charts.METHOD_LABELS.values(), *charts.SCORE_LABELS.values(),
            *charts.MEASURE_LABELS.values()]
    assert len(keys) > 40
    assert not [k for k in keys if k not in catalog()]


def test_the_method_names_are_core_features_own():
    from core.features import importance

    assert charts.METHOD_LABELS == importance.METHOD_NAMES


def test_charts_speak_the_language_they_are_given(report, frame):
    from ui.i18n import catalog

    def korean(text: str) -> str:
        return catalog()[text]

    assert charts.method_bars(report, "permutation", korean).layout.title.text.startswith(
        "순열 중요도: churned에 대한 신호를 담은 열")
    assert charts.rank_comparison(report, korean).data[0].x[0] == "종합"
    assert charts.relation_figure(frame, "plan", "churned", "binary", korean).layout.yaxis.title.text == "행 비율"


def test_charts_draw_a_real_analysis():
    """A FeatureAnalysis (an object, not a dict) straight from core.features.importance."""
    from core.features import importance

    rng = np.random.default_rng(0)
    n = 300
    signal = rng.normal(size=n)
    y = np.where(signal + rng.normal(scale=0.3, size=n) > 0, "yes", "no")
    df = pd.DataFrame({"signal": signal, "noise": rng.normal(size=n), "row": np.arange(n),
                       "leak": np.where(y == "yes", 1.0, 0.0) + rng.normal(scale=0.01, size=n), "y": y})
    analysis = importance.analyze_frame(df, "y", settings=importance.Settings(n_repeats=2))
    for method in analysis.methods:
        fig = charts.method_bars(analysis, method)
        assert "leak" in list(fig.data[0].y) or method != "mutual_info"
    heat = charts.rank_comparison(analysis).data[0]
    assert len(heat.y) == 4
    assert charts.relation_figure(df, "signal", "y", analysis.task).data[0].type == "box"
