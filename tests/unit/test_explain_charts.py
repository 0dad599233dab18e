"""Explain charts: bars in the order of importance, a waterfall that adds up to the model's output,
a beeswarm coloured per column, a dependence plot that finds a planted interaction, escaped names,
placeholders for empty input and translated text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from core.errors import InvalidInput
from core.experiments.search import refit_config
from core.explain import charts
from core.explain.explainers import Explanation, explain_frame, model_output, structure_importance
from tests.shared import strings, tr_literals
from tests.tiny_models import SMALL_CONFIGS, churn_frame

HOSTILE = '<a href="http://evil.example">click</a>'
HOSTILE_SHOWN = '&lt;a href="http://evil.example"&gt;click&lt;/a&gt;'


# ---------------------------------------------------------------- explanations

@pytest.fixture(scope="module")
def churn():
    """A real tiny LightGBM churn model, its rows and their explanation (log-odds of 'yes')."""
    frame = churn_frame()
    bundle = refit_config(frame, "churned", "binary", "lgbm", dict(SMALL_CONFIGS["lgbm"]), 0)
    return bundle, frame, explain_frame(bundle, frame)


@pytest.fixture(scope="module")
def multiclass():
    frame = churn_frame(150, seed=1)
    bundle = refit_config(frame, "plan", "multiclass", "lrl2", {"C": 1.0}, 0)
    return bundle, frame, explain_frame(bundle, frame)


def fake(values: np.ndarray, data: pd.DataFrame, *, base: float = 0.5, units: str = "log-odds",
         outputs: list[str] | None = None) -> Explanation:
    """An explanation with planted SHAP values (rows, columns) or (rows, columns, outputs)."""
    values = np.asarray(values, dtype=float)
    if values.ndim == 2:
        values = values[:, :, None]
    k = values.shape[2]
    return Explanation("tree", units, list(data.columns), outputs or [f"c{i}" for i in range(k)], values,
                       np.full(k, base), data)


def wide(n_rows: int = 40, n_cols: int = 20, seed: int = 0) -> Explanation:
    """Columns c00..c19 whose SHAP values shrink with their number (c00 the most important)."""
    rng = np.random.default_rng(seed)
    data = pd.DataFrame({f"c{j:02d}": rng.normal(size=n_rows) for j in range(n_cols)})
    scale = np.linspace(2.0, 0.05, n_cols)
    return fake(rng.normal(size=(n_rows, n_cols)) * scale, data)


def is_placeholder(fig: go.Figure) -> bool:
    return fig.data == () and bool(fig.layout.annotations) and bool(fig.layout.title.text)


def renders(fig: go.Figure) -> go.Figure:
    """The figure as a page would show it: invalid properties fail here."""
    assert "plotly" in fig.to_html(include_plotlyjs=False, full_html=False).lower()
    return fig


# ---------------------------------------------------------------- importance

def test_importance_bars_run_from_the_most_important_column_down(churn):
    _, _, expl = churn
    importance = expl.importance()
    fig = renders(charts.importance_bar(importance.sample(frac=1, random_state=3), units=expl.units))
    bars = fig.data[0]
    assert list(bars.y) == list(importance.index)  # any order in, most important first
    assert fig.layout.yaxis.autorange == "reversed" and list(fig.layout.yaxis.categoryarray) == list(bars.y)
    assert np.allclose(bars.x, importance.to_numpy())
    assert fig.layout.xaxis.title.text == "mean |SHAP value| (log-odds)"
    assert list(bars.text) == [f"{v:.3g}" for v in importance]


def test_importance_beyond_top_is_one_bar_summing_the_rest():
    importance = wide().importance()
    fig = charts.importance_bar(importance, top=5)
    assert list(fig.data[0].y[:5]) == list(importance.index[:5])
    assert fig.data[0].y[-1] == "other 15 columns"
    assert fig.data[0].x[-1] == pytest.approx(importance.iloc[5:].sum())
    assert "top 5 of 20 columns" in fig.layout.title.text


# ---------------------------------------------------------------- waterfall

def test_waterfall_runs_from_the_base_value_to_the_models_own_output(churn):
    bundle, frame, expl = churn
    fig = renders(charts.waterfall(expl, 7, prediction_text="P(yes) = 0.83"))
    fall = fig.data[0]
    base = float(expl.base_values[0])
    own = float(model_output(bundle, frame.iloc[[7]], expl.units)[0, 0])  # computed without SHAP
    assert fall.orientation == "h" and fall.measure[0] == "absolute" and fall.measure[-1] == "total"
    assert fall.base == pytest.approx(base) and fall.x[0] == 0  # the first bar sits on the base value
    assert fall.text[0] == charts._num(base)
    assert fall.base + sum(fall.x[1:-1]) == pytest.approx(own, abs=1e-6)   # the steps add up to f(x)
    assert fall.base + fall.x[-1] == pytest.approx(own, abs=1e-6)          # and the last total is f(x)
    assert (fall.y[0], fall.y[-1]) == ("base value E[f(x)]", "this row's output f(x)")
    assert "P(yes) = 0.83" in fig.layout.title.text and fig.layout.xaxis.title.text == "model output (log-odds)"
    assert fall.increasing.marker.color == "#ff0051" and fall.decreasing.marker.color == "#008bfb"


def test_waterfall_puts_the_largest_on_top_and_sums_the_rest_exactly():
    expl = wide()
    contrib = expl.values[3, :, 0]
    fig = charts.waterfall(expl, 3, max_display=5)
    fall = fig.data[0]
    order = np.argsort(-np.abs(contrib))
    steps = list(fall.x[1:-1])  # bottom to top
    assert fall.y[1] == "other 16 columns"
    assert steps[0] == pytest.approx(contrib[order[4:]].sum())  # the 16 smallest, summed exactly
    assert [y.split(" = ")[0] for y in fall.y[2:-1]] == [expl.columns[j] for j in order[:4][::-1]]
    assert steps[-1] == pytest.approx(contrib[order[0]])           # the largest sits just under f(x)
    assert fall.base + fall.x[-1] == pytest.approx(expl.output()[3, 0])


def test_waterfall_labels_say_column_and_value(churn):
    _, frame, expl = churn
    fall = charts.waterfall(expl, 0).data[0]
    labels = set(fall.y[1:-1])
    assert f"plan = {frame.loc[0, 'plan']}" in labels
    assert f"x1 = {charts._num(frame.loc[0, 'x1'])}" in labels
    missing_row = int(np.flatnonzero(frame["x2"].isna())[0])
    assert "x2 = missing" in set(charts.waterfall(expl, missing_row).data[0].y)


def test_waterfall_of_a_class_and_a_bad_row(multiclass):
    _, _, expl = multiclass
    fig = renders(charts.waterfall(expl, 2, 1))
    assert f"class {expl.outputs[1]}" in fig.layout.title.text
    assert fig.data[0].base + fig.data[0].x[-1] == pytest.approx(expl.output()[2, 1])
    with pytest.raises(InvalidInput, match="out of range"):
        charts.waterfall(expl, expl.n_rows)
    with pytest.raises(InvalidInput, match="out of range"):
        charts.waterfall(expl, 0, 5)


# ---------------------------------------------------------------- beeswarm

def _points_by_column(fig: go.Figure) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    trace = fig.data[0]
    names = np.array([c[0] for c in trace.customdata])
    return {name: (np.asarray(trace.x)[names == name], np.asarray(trace.y)[names == name],
                   np.asarray(trace.marker.color)[names == name]) for name in dict.fromkeys(names)}


def test_beeswarm_rows_follow_importance_and_colours_span_each_column(churn):
    _, _, expl = churn
    fig = renders(charts.beeswarm(expl))
    importance = expl.importance(0)
    ticks = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext, strict=True))
    assert [ticks[v] for v in sorted(ticks, reverse=True)] == list(importance.index)  # most important on top
    points = _points_by_column(fig)
    for rank, column in enumerate(importance.index):
        x, y, colour = points[column]
        centre = len(importance) - 1 - rank
        assert np.all(np.abs(y - centre) <= 0.4)        # jittered within the column's row
        assert len(np.unique(np.round(y, 6))) > 3       # ... and spread where values are dense
        assert colour.min() == 0 and colour.max() == 1  # scaled within the column, low to high
        j = expl.columns.index(column)
        assert np.isclose(np.sort(x), np.sort(expl.values[:, j, 0][expl.data[column].notna().to_numpy()])).all()
    bar = fig.data[0].marker.colorbar
    assert list(bar.ticktext) == ["low", "high"] and bar.title.text == "feature value"
    grey = fig.data[1]  # x2's missing values, grey
    assert grey.name == "missing value" and len(grey.x) == int(expl.data["x2"].isna().sum())
    assert any(s.x0 == 0 and s.x1 == 0 for s in fig.layout.shapes)  # the zero line


def test_beeswarm_categories_show_their_value_and_sampling_is_said():
    rng = np.random.default_rng(0)
    data = pd.DataFrame({"plan": rng.choice(["basic", "pro", "max"], 5000), "x": rng.normal(size=5000)})
    values = np.column_stack([(data["plan"] == "max") * 1.0, data["x"] * 0.1])
    fig = charts.beeswarm(fake(values, data), max_points=1000)
    points = fig.data[0].customdata
    plan = [p for p in points if p[0] == "plan"]
    assert len(plan) == 1000 and {p[1] for p in plan} == {"basic", "pro", "max"}
    colours = {p[1]: c for p, c in zip(points, fig.data[0].marker.color, strict=True) if p[0] == "plan"}
    assert colours == {"basic": 0.0, "max": 0.5, "pro": 1.0}  # category code, categories sorted
    assert "a random sample of 1,000 of 5,000 rows (seed 0)" in fig.layout.title.text
    again = charts.beeswarm(fake(values, data), max_points=1000)
    assert list(again.data[0].x) == list(fig.data[0].x)  # the same sample every time


def test_beeswarm_keeps_the_top_columns_and_asks_for_a_class(multiclass):
    fig = charts.beeswarm(wide(), top=6)
    assert len(fig.layout.yaxis.ticktext) == 6 and "top 6 of 20 columns" in fig.layout.title.text
    _, _, expl = multiclass
    assert is_placeholder(charts.beeswarm(expl, None))
    fig = renders(charts.beeswarm(expl, 2))
    assert fig.layout.title.text.startswith(f"SHAP values for class {expl.outputs[2]}")


# ---------------------------------------------------------------- interactions and dependence

def test_strongest_interaction_finds_the_planted_one():
    rng = np.random.default_rng(1)
    n = 600
    data = pd.DataFrame({"x1": rng.normal(size=n), "noise": rng.normal(size=n),
                         "x3": rng.normal(size=n), "plan": rng.choice(["a", "b"], n)})
    data.loc[::9, "x3"] = np.nan  # missing values are left out, not a signal
    shap_x1 = data["x1"] * data["x3"].fillna(0)
    values = np.column_stack([shap_x1, rng.normal(size=n) * 0.1, data["x3"].fillna(0) * 0.2, rng.normal(size=n) * 0.1])
    expl = fake(values, data)
    assert charts.strongest_interaction(expl, "x1") == "x3"
    assert charts.strongest_interaction(expl, "x1") == charts.strongest_interaction(expl, "x1")  # deterministic
    fig = renders(charts.dependence(expl, "x1"))
    assert "colour: x3, the column that seems to interact most" in fig.layout.title.text
    coloured = fig.data[0]
    assert coloured.marker.colorbar.title.text == "x3"
    assert len(coloured.x) + len(fig.data[1].x) == n and fig.data[1].name == "missing value"


def test_a_real_model_trained_on_an_interaction_shows_it():
    rng = np.random.default_rng(2)
    n = 600
    frame = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.normal(size=n), "x3": rng.normal(size=n)})
    frame["y"] = np.where(frame["x1"] * frame["x3"] > 0, "yes", "no")
    bundle = refit_config(frame, "y", "binary", "lgbm", {"n_estimators": 40, "num_leaves": 8,
                                                         "min_child_samples": 5, "learning_rate": 0.3}, 0)
    expl = explain_frame(bundle, frame)
    assert charts.strongest_interaction(expl, "x1") == "x3"
    assert charts.strongest_interaction(expl, "x3") == "x1"


def test_dependence_axes_for_numbers_categories_and_dates(churn):
    _, frame, expl = churn
    fig = renders(charts.dependence(expl, "x1", interaction="plan"))
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("x1", "SHAP value of x1 (log-odds)")
    assert {t.name for t in fig.data} == {"basic", "pro", "max"}  # a legend entry per category
    assert sum(len(t.x) for t in fig.data) == len(frame)
    assert "colour: plan" in fig.layout.title.text

    cat = renders(charts.dependence(expl, "plan", interaction=None))
    assert list(cat.layout.xaxis.ticktext) == ["basic", "max", "pro"]
    codes = frame["plan"].map({"basic": 0, "max": 1, "pro": 2}).to_numpy()
    assert np.all(np.abs(np.asarray(cat.data[0].x) - codes) <= 0.25)  # jittered around its category
    assert np.allclose(cat.data[0].y, expl.values[:, 2, 0])

    gaps = charts.dependence(expl, "x2", interaction=None)
    assert f"rows where x2 is missing, not shown: {int(frame['x2'].isna().sum())}" in gaps.layout.title.text

    when = pd.DataFrame({"when": pd.date_range("2024-01-01", periods=50, freq="D"), "v": np.arange(50.0)})
    dated = renders(charts.dependence(fake(np.random.default_rng(0).normal(size=(50, 2)), when), "when"))
    assert dated.layout.xaxis.type == "date"
    assert pd.Timestamp(dated.data[0].x[0]) == pd.Timestamp("2024-01-01")
    with pytest.raises(InvalidInput, match="'nope' is not a column"):
        charts.dependence(expl, "nope")


# ---------------------------------------------------------------- two models, structure

def test_compare_importance_orders_the_union_by_the_first_model():
    frame = pd.DataFrame({"column": ["a", "b", "c", "only_b"], "lgbm #1": [0.1, 0.9, 0.5, np.nan],
                          "rf #2": [0.4, 0.2, np.nan, 0.7]})
    fig = renders(charts.compare_importance(frame, ("lgbm #1", "rf #2"), units=("log-odds", "probability")))
    assert [t.name for t in fig.data] == ["lgbm #1", "rf #2"]
    assert list(fig.data[0].y) == ["b", "c", "a", "only_b"] and fig.layout.yaxis.autorange == "reversed"
    assert list(fig.data[1].x) == [0.2, None, 0.4, 0.7]
    assert fig.layout.barmode == "group"
    assert "different units (log-odds, probability)" in fig.layout.title.text
    with pytest.raises(InvalidInput, match="no column 'xgb'"):
        charts.compare_importance(frame, ("lgbm #1", "xgb"))


def test_structure_bars_show_gain_shares_and_signed_coefficients(churn, multiclass):
    bundle, frame, _ = churn
    gain = structure_importance(bundle)
    fig = renders(charts.structure_bar(gain))
    assert list(fig.data[0].y) == list(gain.by_column.index) and sum(fig.data[0].x) == pytest.approx(1.0)
    assert fig.layout.xaxis.tickformat == ".0%"
    linear = structure_importance(refit_config(frame, "churned", "binary", "lrl2", {"C": 1.0}, 0))
    fig = renders(charts.structure_bar(linear))
    bars = fig.data[0]
    assert {c for c, v in zip(bars.marker.color, bars.x, strict=True) if v >= 0} == {"#ff0051"}
    assert {c for c, v in zip(bars.marker.color, bars.x, strict=True) if v < 0} == {"#008bfb"}
    assert list(np.abs(bars.x)) == sorted(np.abs(bars.x), reverse=True)
    assert any(y.startswith("plan = ") for y in bars.y)  # one-hot parts by name
    per_class = structure_importance(multiclass[0])
    fig = renders(charts.structure_bar(per_class))
    assert [t.name for t in fig.data] == list(dict.fromkeys(per_class.parts["output"]))
    assert fig.layout.legend.title.text == "class"
    for structure in (gain, linear, per_class):  # the notes explainers writes get Korean
        assert structure.note in charts.STRUCTURE_NOTES


# ---------------------------------------------------------------- escaping, empty input, language

def test_names_and_values_reach_plotly_escaped():
    rng = np.random.default_rng(0)
    data = pd.DataFrame({HOSTILE: rng.normal(size=30), "<b>grp</b>": ["<i>x</i>", "y"] * 15})
    expl = fake(rng.normal(size=(30, 2)), data, outputs=["<i>cls</i>"])
    figures = [charts.importance_bar(expl.importance(), title="<b>t</b>"), charts.beeswarm(expl),
               charts.dependence(expl, HOSTILE), charts.dependence(expl, "<b>grp</b>", interaction=HOSTILE),
               charts.waterfall(expl, 0, prediction_text="P(<i>cls</i>) = 0.8", title="<b>mine</b>"),
               charts.compare_importance(pd.DataFrame({"column": [HOSTILE], "<b>m</b>": [0.1], "n": [0.2]}),
                                         ("<b>m</b>", "n"))]
    for fig in figures:
        shown = list(strings(renders(fig).to_plotly_json()))
        assert not [s for s in shown if any(raw in s for raw in ("<a ", "<i>", "<b>grp", "<b>t<", "<b>m", "<b>mine"))]
    assert figures[1].layout.title.text.startswith("SHAP values for class &lt;i&gt;cls&lt;/i&gt;")
    assert figures[2].layout.title.text.startswith(f"How {HOSTILE_SHOWN} moves the prediction")
    assert f"{HOSTILE_SHOWN} = " in " ".join(figures[4].data[0].y)
    assert "P(&lt;i&gt;cls&lt;/i&gt;) = 0.8" in figures[4].layout.title.text


def test_empty_input_gives_a_titled_figure_with_a_note(churn):
    bundle, frame, _ = churn
    empty = explain_frame(bundle, frame.iloc[:0])
    figures = [charts.importance_bar(pd.Series(dtype=float)), charts.beeswarm(empty), charts.dependence(empty, "x1"),
               charts.waterfall(empty, 0), charts.compare_importance(pd.DataFrame(columns=["column", "a", "b"]),
                                                                     ("a", "b")),
               charts.structure_bar(None)]
    for fig in figures:
        assert is_placeholder(renders(fig)), fig.layout.title.text
    assert charts.strongest_interaction(empty, "x1") is None


def test_every_chart_text_has_korean():
    from ui.i18n import catalog

    keys = [*tr_literals(charts), *charts.UNIT_LABELS.values(), *charts.STRUCTURE_NOTES.values()]
    assert len(keys) > 40
    assert not [k for k in keys if k not in catalog()]


def test_charts_speak_the_language_they_are_given(churn):
    from ui.i18n import catalog

    def korean(text: str) -> str:
        return catalog()[text]

    bundle, _, expl = churn
    bar = charts.importance_bar(expl.importance(), units=expl.units, tr=korean)
    assert bar.layout.title.text == "특성 중요도 (평균 |SHAP 값|)"
    assert bar.layout.xaxis.title.text == "평균 |SHAP 값| (로그 오즈)"
    fall = charts.waterfall(expl, 0, tr=korean)
    assert fall.layout.title.text.startswith("0번 행이 이렇게 예측된 이유")
    assert fall.data[0].y[0] == "기준값 E[f(x)]" and fall.layout.xaxis.title.text == "모델 출력 (로그 오즈)"
    swarm = charts.beeswarm(expl, tr=korean)
    assert swarm.layout.title.text.startswith("클래스 yes에 대한 SHAP 값")
    assert list(swarm.data[0].marker.colorbar.ticktext) == ["낮음", "높음"]
    assert charts.dependence(expl, "x1", tr=korean).layout.yaxis.title.text == "x1의 SHAP 값 (로그 오즈)"
    assert charts.structure_bar(structure_importance(bundle), tr=korean).layout.title.text.startswith(
        "열별 트리 분할 이득 비중<br><sup>각 열로 나눈 분할이")
    assert charts.structure_bar(None, tr=korean).layout.title.text == "모델 구조에서 얻은 중요도"
