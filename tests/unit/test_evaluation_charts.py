"""Compare charts: the Pareto front, the right traces for binary, multiclass and regression models,
stable learner colours, escaped names and translated text."""

from __future__ import annotations

import itertools
import math

import numpy as np
import plotly.graph_objects as go
import pytest

from core.data import charts as data_charts
from core.errors import InvalidInput
from core.evaluation import charts
from tests.shared import tr_literals

try:
    from core.evaluation.scoring import Predictions
except ImportError:  # scoring.py lands with another helper; the charts only read these fields
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Predictions:  # type: ignore[no-redef]
        task: str
        classes: list[str]
        y_true: np.ndarray
        y_pred: np.ndarray
        proba: np.ndarray | None
        repeat: np.ndarray | None


def classifier(classes: list[str], n: int = 400, *, skill: float = 1.5, seed: int = 0,
               repeat: np.ndarray | None = None) -> Predictions:
    rng = np.random.default_rng(seed)
    k = len(classes)
    y = rng.integers(0, k, n)
    logits = rng.normal(size=(n, k))
    logits[np.arange(n), y] += skill
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return Predictions(task="binary" if k == 2 else "multiclass", classes=classes, y_true=y, y_pred=proba.argmax(axis=1),
                       proba=proba, repeat=repeat)


def regressor(n: int = 300, *, noise: float = 2.0, seed: int = 0) -> Predictions:
    rng = np.random.default_rng(seed)
    y = rng.normal(50, 10, n)
    return Predictions(task="regression", classes=[], y_true=y, y_pred=y + rng.normal(0, noise, n), proba=None,
                       repeat=None)


def names(fig: go.Figure) -> list[str]:
    return [t.name for t in fig.data]


def is_placeholder(fig: go.Figure) -> bool:
    return fig.data == () and bool(fig.layout.annotations) and bool(fig.layout.title.text)


TRIALS = [
    {"learner": "lgbm", "train_time": 0.01, "val_metric": 0.80, "trial": 0, "experiment": "A"},
    {"learner": "lgbm", "train_time": 0.5, "val_metric": 0.86, "trial": 1, "experiment": "A"},
    {"learner": "rf", "train_time": 3.0, "val_metric": 0.84, "trial": 2, "experiment": "B"},
    {"learner": "rf", "train_time": 8.0, "val_metric": 0.83, "trial": 3, "experiment": "B"},
    {"learner": "xgboost", "train_time": 1.0, "val_metric": 0.70, "trial": 4, "experiment": "B"},
    {"learner": "xgboost", "train_time": 2.0, "val_metric": None, "trial": 5, "experiment": "B"},  # unfinished
]


# ---------------------------------------------------------------- the Pareto front

def pt(label: str, value: float | None, ms: float | None, learner: str = "lgbm") -> dict:
    return {"label": label, "learner": learner, "metric_value": value, "latency_ms": ms}


def test_pareto_marks_the_non_dominated_models_when_higher_is_better():
    points = [
        pt("fast", 0.80, 1.0),        # fastest: on the front
        pt("best", 0.95, 20.0),       # most accurate: on the front
        pt("middle", 0.90, 5.0),      # on the front
        pt("slow and worse", 0.85, 10.0),   # dominated by middle
        pt("same speed, worse", 0.78, 1.0),  # dominated by fast (ties on latency, worse metric)
        pt("same metric, slower", 0.90, 6.0),  # dominated by middle (ties on metric, slower)
        pt("twin of middle", 0.90, 5.0),  # ties on both with middle: neither dominates
        pt("no benchmark", 0.99, None),
        pt("no metric", None, 0.1),
    ]
    assert charts.pareto(points, "max") == [True, True, True, False, False, False, True, False, False]


def test_pareto_when_lower_is_better_flips_the_metric_only():
    points = [pt("a", 0.20, 1.0), pt("b", 0.10, 5.0), pt("c", 0.30, 2.0), pt("d", 0.10, 5.0), pt("e", 0.05, 9.0)]
    assert charts.pareto(points, "min") == [True, True, False, True, True]
    assert charts.pareto(points, "max") == [True, False, True, False, False]  # a fastest; c beats b, d, e


def test_pareto_agrees_with_the_definition_on_random_points():
    rng = np.random.default_rng(3)
    points = [pt(str(i), float(v), float(ms)) for i, (v, ms) in
              enumerate(zip(rng.integers(0, 6, 80) / 5, rng.integers(1, 8, 80), strict=True))]  # many ties
    for direction in ("max", "min"):
        sign = 1 if direction == "max" else -1

        def dominates(q, p, sign=sign):
            better = sign * q["metric_value"] >= sign * p["metric_value"] and q["latency_ms"] <= p["latency_ms"]
            return better and (sign * q["metric_value"] > sign * p["metric_value"] or q["latency_ms"] < p["latency_ms"])

        expected = [not any(dominates(q, p) for q in points) for p in points]
        assert charts.pareto(points, direction) == expected
        assert 0 < sum(expected) < len(points)


def test_pareto_rejects_an_unknown_direction():
    with pytest.raises(InvalidInput, match="direction"):
        charts.pareto([pt("a", 1.0, 1.0)], "up")


def test_pareto_front_draws_the_front_labelled_and_fades_the_rest():
    points = [pt("fast", 0.80, 1.0, "lrl1"), pt("middle", 0.90, 5.0, "lgbm"), pt("best", 0.95, 20.0, "rf"),
              pt("worse", 0.85, 10.0, "lgbm"), pt("unmeasured", 0.99, None, "rf")]
    fig = charts.pareto_front(points, "roc_auc", "max")
    assert fig.layout.title.text.startswith("roc_auc against prediction latency")
    assert "not shown: 1" in fig.layout.title.text
    assert "higher roc_auc" in fig.layout.title.text
    assert fig.layout.xaxis.title.text == "single-row latency p50 (ms)"
    assert fig.layout.yaxis.title.text == "roc_auc"
    front, *learners = fig.data
    assert front.name == "Pareto front"
    assert list(front.x) == [1.0, 5.0, 20.0] and list(front.y) == [0.80, 0.90, 0.95]
    assert front.line.shape == "hv"
    lgbm = next(t for t in learners if t.name == "lgbm")
    assert list(lgbm.text) == ["middle", ""]  # only the front is labelled
    assert list(lgbm.marker.opacity) == [1.0, charts.FAINT]
    assert sorted(t.name for t in learners) == ["lgbm", "lrl1", "rf"]


def test_pareto_front_uses_a_log_axis_when_latencies_span_decades_and_a_placeholder_without_points():
    fig = charts.pareto_front([pt("a", 0.8, 0.05), pt("b", 0.9, 40.0)], "r2", "max", latency="p99")
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.xaxis.title.text == "single-row latency p99 (ms, log scale)"
    empty = charts.pareto_front([pt("a", 0.8, None)], "r2", "max")
    assert is_placeholder(empty)
    assert "Benchmark" in empty.layout.annotations[0].text


# ---------------------------------------------------------------- searches and trials

def test_best_metric_over_time_steps_through_each_experiments_best_so_far():
    series = {"첫 실험": [(3.0, 0.7), (1.0, 0.6), (5.0, 0.65), (9.0, 0.8), (12.0, None)],
              "B": [(2.0, 0.5), (4.0, 0.4)]}
    fig = charts.best_metric_over_time(series, "roc_auc", "max")
    assert names(fig) == ["첫 실험", "B"]
    first, second = fig.data
    assert list(first.x) == [1.0, 3.0, 9.0] and list(first.y) == [0.6, 0.7, 0.8]
    assert list(second.x) == [2.0, 4.0] and list(second.y) == [0.5, 0.5]  # carried on to the last trial
    assert first.line.shape == "hv"
    assert fig.layout.title.text == "Best validation roc_auc over time"
    assert fig.layout.yaxis.title.text == "best validation roc_auc (higher is better)"
    assert fig.layout.xaxis.title.text == "wall time since start (s)"
    lower = charts.best_metric_over_time({"B": [(2.0, 0.5), (4.0, 0.4)]}, "log_loss", "min")
    assert list(lower.data[0].y) == [0.5, 0.4]
    assert is_placeholder(charts.best_metric_over_time({"A": [(1.0, None)]}, "r2", "max"))
    with pytest.raises(InvalidInput):
        charts.best_metric_over_time(series, "r2", "highest")


def test_trial_scatter_colours_by_learner_and_goes_log_when_times_span_decades():
    fig = charts.trial_scatter(TRIALS, "roc_auc")
    assert names(fig) == ["lgbm", "rf", "xgboost"]
    assert sum(len(t.x) for t in fig.data) == 5  # the unfinished trial is left out
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.xaxis.title.text == "training time (s, log scale)"
    assert fig.layout.yaxis.title.text == "validation roc_auc"
    assert fig.layout.title.text == "Validation roc_auc against training time"
    linear = charts.trial_scatter([t for t in TRIALS if t["train_time"] >= 0.5], "roc_auc")
    assert linear.layout.xaxis.type is None and linear.layout.xaxis.title.text == "training time (s)"
    assert is_placeholder(charts.trial_scatter([], "roc_auc"))


def test_parallel_coordinates_logs_wide_numbers_names_categories_and_ends_with_the_metric():
    trials = [{"learner": "lgbm", "val_metric": 0.7 + i / 100, "trial": i,
               "params": {"n_estimators": 4 * 10 ** (i % 4), "num_leaves": 4 + i, "boosting": ["gbdt", "dart"][i % 2],
                          "seed": 1, "subsample": None if i == 0 else 0.5 + i / 20}}
              for i in range(8)]
    fig = charts.parallel_coordinates(trials, "roc_auc")  # the metric's own direction
    (trace,) = fig.data
    labels = [d.label for d in trace.dimensions]
    assert labels == ["n_estimators (log scale)", "num_leaves", "boosting", "subsample", "validation roc_auc"]
    wide = trace.dimensions[0]
    assert list(wide.values) == pytest.approx([math.log10(4 * 10 ** (i % 4)) for i in range(8)])
    assert "4,000" in wide.ticktext or "1,000" in wide.ticktext
    boosting = trace.dimensions[2]
    assert list(boosting.ticktext) == ["dart", "gbdt"] and list(boosting.values) == [1, 0] * 4
    assert trace.line.reversescale is False
    assert fig.layout.title.text.startswith("Hyperparameters of the lgbm trials")
    lower = charts.parallel_coordinates(trials, "log_loss")
    assert lower.data[0].line.reversescale is True  # better scores stay bright
    assert charts.parallel_coordinates(trials, "log_loss", direction="max").data[0].line.reversescale is False


def test_parallel_coordinates_refuses_mixed_learners_and_explains_an_empty_set():
    with pytest.raises(InvalidInput, match="one learner"):
        charts.parallel_coordinates(TRIALS, "roc_auc")
    same = [{"learner": "rf", "val_metric": 0.8, "params": {"n_estimators": 10}}] * 3
    fig = charts.parallel_coordinates(same, "roc_auc")
    assert is_placeholder(fig) and "varies" in fig.layout.annotations[0].text
    assert is_placeholder(charts.parallel_coordinates([], "roc_auc"))


def test_metric_by_learner_draws_every_trial_in_a_box_best_median_first():
    fig = charts.metric_by_learner(TRIALS, "roc_auc")
    assert names(fig) == ["rf", "lgbm", "xgboost"]  # medians 0.835, 0.83, 0.70
    assert [t.type for t in fig.data] == ["box"] * 3
    assert fig.data[0].boxpoints == "all"
    assert fig.layout.xaxis.title.text == "learner"
    assert fig.layout.yaxis.title.text == "validation roc_auc (higher is better)"
    assert names(charts.metric_by_learner(TRIALS, "log_loss")) == ["xgboost", "lgbm", "rf"]
    assert names(charts.metric_by_learner(TRIALS, "log_loss", direction="max")) == ["rf", "lgbm", "xgboost"]
    assert is_placeholder(charts.metric_by_learner([], "r2"))


# ---------------------------------------------------------------- classification overlays

BINARY = {"lgbm #3": classifier(["stay", "churn"], seed=1), "rf #7": classifier(["stay", "churn"], skill=0.5, seed=2)}
MULTI = {"a": classifier(["서울", "부산", "대구"], seed=3), "b": classifier(["서울", "부산", "대구"], skill=0.8, seed=4)}


def test_roc_curves_binary_take_the_second_class_as_positive_with_a_chance_line():
    from sklearn.metrics import roc_auc_score

    fig = charts.roc_curves(BINARY)
    assert fig.layout.title.text == "ROC curves: churn against the rest"
    assert names(fig) == ["chance", "lgbm #3", "rf #7"]
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("false positive rate", "true positive rate")
    curve = fig.data[1]
    assert (curve.x[0], curve.y[0], curve.x[-1], curve.y[-1]) == (0, 0, 1, 1)
    pred = BINARY["lgbm #3"]
    auc = roc_auc_score(pred.y_true == 1, pred.proba[:, 1])
    assert f"AUC {auc:.3f}" in curve.hovertemplate
    swapped = charts.roc_curves(BINARY, positive="stay")
    assert swapped.layout.title.text == "ROC curves: stay against the rest"
    coded = {"m": classifier([0, 1], seed=1)}  # classes that are numbers: the positive class given as one
    assert charts.roc_curves(coded, positive=0).layout.title.text == "ROC curves: 0 against the rest"
    assert charts.roc_curves(coded).data[1].y[-1] == 1


def test_roc_curves_multiclass_draw_one_class_against_the_rest_and_name_what_they_leave_out():
    fig = charts.roc_curves({**MULTI, "reg": regressor(), "other": classifier(["x", "y", "z"])}, positive="부산")
    assert fig.layout.title.text.startswith("ROC curves: 부산 against the rest")
    assert names(fig) == ["chance", "a", "b"]
    assert "reg: not a classifier" in fig.layout.title.text
    assert "other: no class 부산" in fig.layout.title.text
    first = charts.roc_curves(MULTI)
    assert first.layout.title.text == "ROC curves: 서울 against the rest"


def test_classification_charts_without_a_drawable_model_say_why():
    no_proba = Predictions(task="binary", classes=["a", "b"], y_true=np.array([0, 1]),
                           y_pred=np.array([0, 1]), proba=None, repeat=None)
    one_class = Predictions(task="binary", classes=["a", "b"], y_true=np.array([1, 1, 1]),
                            y_pred=np.array([1, 1, 0]), proba=np.array([[0.2, 0.8]] * 3), repeat=None)
    for draw in (charts.roc_curves, charts.pr_curves, charts.calibration_curves):
        fig = draw({"m": no_proba, "solo": one_class})
        assert is_placeholder(fig), draw.__name__
        assert "m: no probabilities" in fig.layout.title.text
        assert "solo: only one class in its rows" in fig.layout.title.text
        assert is_placeholder(draw({}))


def test_probabilities_that_do_not_match_the_rows_are_a_clear_error():
    bad = Predictions(task="binary", classes=["a", "b"], y_true=np.array([0, 1, 1]),
                      y_pred=np.array([0, 1, 1]), proba=np.array([[0.5, 0.5]] * 2), repeat=None)
    with pytest.raises(InvalidInput, match="do not match"):
        charts.roc_curves({"bad": bad})


def test_pr_curves_show_the_baseline_prevalence():
    fig = charts.pr_curves(BINARY)
    prevalence = float((BINARY["lgbm #3"].y_true == 1).mean())
    assert prevalence != float((BINARY["rf #7"].y_true == 1).mean())  # different rows: one baseline each
    assert [t.name for t in fig.data if t.showlegend is not False] == ["lgbm #3", "rf #7"]
    baselines = [t for t in fig.data if t.showlegend is False]
    assert list(baselines[0].y) == pytest.approx([prevalence, prevalence])
    same = {"x": BINARY["lgbm #3"], "y": BINARY["lgbm #3"]}
    shared = charts.pr_curves(same)
    assert shared.data[0].name == f"baseline (prevalence {prevalence:.1%})"
    assert names(shared)[1:] == ["x", "y"]
    assert (shared.layout.xaxis.title.text, shared.layout.yaxis.title.text) == ("recall", "precision")


def test_calibration_curves_follow_the_diagonal_for_a_calibrated_model_in_either_binning():
    rng = np.random.default_rng(5)
    p = rng.uniform(0, 1, 20000)
    y = (rng.uniform(0, 1, p.size) < p).astype(int)
    calibrated = Predictions(task="binary", classes=["no", "yes"], y_true=y, y_pred=(p > 0.5).astype(int),
                             proba=np.column_stack([1 - p, p]), repeat=None)
    for strategy in ("uniform", "quantile"):
        fig = charts.calibration_curves({"m": calibrated}, bins=5, strategy=strategy)
        diagonal, curve = fig.data
        assert diagonal.name == "perfectly calibrated"
        assert len(curve.x) == 5 and sum(curve.customdata) == 20000
        assert np.abs(np.asarray(curve.x) - np.asarray(curve.y)).max() < 0.03
        assert fig.layout.xaxis.title.text == "mean predicted probability of yes"
        assert fig.layout.yaxis.title.text == "observed share of yes"
    counts = charts.calibration_curves({"m": calibrated}, bins=4, strategy="quantile").data[1].customdata
    assert max(counts) - min(counts) <= 1  # quantile bins hold as many rows each
    with pytest.raises(InvalidInput):
        charts.calibration_curves({"m": calibrated}, strategy="kmeans")


def test_confusion_matrices_sit_side_by_side_with_counts_or_row_shares():
    from sklearn.metrics import confusion_matrix

    fig = charts.confusion_matrices(MULTI)
    assert fig.layout.title.text == "Confusion matrices (rows)"
    assert [a.text for a in fig.layout.annotations] == ["a", "b"]
    first, second = fig.data
    pred = MULTI["a"]
    assert np.array_equal(np.array(first.z), confusion_matrix(pred.y_true, pred.y_pred))
    assert list(first.x) == ["서울", "부산", "대구"] and list(first.y) == ["서울", "부산", "대구"]
    assert first.text[0][0] == str(int(first.z[0][0]))
    assert first.zmax == second.zmax  # one colour scale for all
    assert fig.layout.xaxis.title.text == "predicted class" and fig.layout.yaxis.title.text == "true class"
    shares = charts.confusion_matrices(MULTI, normalize=True)
    assert shares.layout.title.text == "Confusion matrices (share of each true class)"
    assert np.array(shares.data[0].z).sum(axis=1) == pytest.approx([1, 1, 1])
    assert shares.data[0].text[0][0].endswith("%")
    many = charts.confusion_matrices({f"m{i}": BINARY["rf #7"] for i in range(5)})
    assert len(many.data) == 5 and many.layout.xaxis4.title.text == "predicted class"  # wraps to a second row
    assert is_placeholder(charts.confusion_matrices({"r": regressor()}))


def test_repeated_cross_validation_counts_rows_per_repeat():
    base = classifier(["a", "b"], n=50, seed=9)
    twice = Predictions(task="binary", classes=["a", "b"], y_true=np.tile(base.y_true, 2),
                        y_pred=np.tile(base.y_pred, 2), proba=np.tile(base.proba, (2, 1)),
                        repeat=np.repeat([0, 1], 50))
    fig = charts.confusion_matrices({"cv": twice, "once": base})
    assert np.array_equal(np.array(fig.data[0].z), np.array(fig.data[1].z))
    assert fig.layout.annotations[0].text == "cv (mean of 2 repeats)"
    assert [r["support"] for r in charts.per_class_table({"cv": twice})] == \
        [r["support"] for r in charts.per_class_table({"once": base})]


def test_per_class_table_matches_sklearn_and_leaves_undefined_scores_empty():
    from sklearn.metrics import precision_recall_fscore_support

    rows = charts.per_class_table({**MULTI, "reg": regressor()})
    assert [(r["model"], r["class"]) for r in rows] == list(itertools.product(["a", "b"], ["서울", "부산", "대구"]))
    pred = MULTI["a"]
    p, r, f, s = precision_recall_fscore_support(pred.y_true, pred.y_pred, labels=[0, 1, 2])
    mine = rows[:3]
    assert [x["precision"] for x in mine] == pytest.approx(list(p))
    assert [x["recall"] for x in mine] == pytest.approx(list(r))
    assert [x["f1"] for x in mine] == pytest.approx(list(f))
    assert [x["support"] for x in mine] == list(s)
    never = Predictions(task="multiclass", classes=["a", "b", "c"], y_true=np.array([0, 1, 0]),
                        y_pred=np.array([0, 0, 0]), proba=None, repeat=None)
    a, b, c = charts.per_class_table({"m": never})
    assert b["precision"] is None and b["recall"] == 0.0 and b["f1"] is None
    assert c["recall"] is None and c["support"] == 0
    assert charts.per_class_table({}) == []


# ---------------------------------------------------------------- regression overlays

REGS = {"lgbm": regressor(seed=1), "rf": regressor(noise=5.0, seed=2)}


def test_predicted_against_actual_has_the_identity_line():
    fig = charts.predicted_vs_actual({**REGS, "clf": BINARY["rf #7"]})
    assert names(fig) == ["perfect prediction", "lgbm", "rf"]
    line = fig.data[0]
    assert list(line.x) == list(line.y)
    assert line.x[0] <= min(min(t.x) for t in fig.data[1:]) and line.x[1] >= max(max(t.y) for t in fig.data[1:])
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("actual value", "predicted value")
    assert "clf: not a regressor" in fig.layout.title.text
    assert list(fig.data[1].x) == list(REGS["lgbm"].y_true)


def test_residuals_against_predicted_have_a_zero_line_and_big_sets_are_sampled():
    fig = charts.residuals_vs_predicted(REGS)
    assert names(fig) == ["lgbm", "rf"]
    pred = REGS["lgbm"]
    assert list(fig.data[0].y) == pytest.approx(list(pred.y_true - pred.y_pred))
    (zero,) = fig.layout.shapes
    assert (zero.y0, zero.y1) == (0, 0)
    assert fig.layout.yaxis.title.text == "residual (actual − predicted)"
    big = charts.residuals_vs_predicted({"big": regressor(n=charts.MAX_POINTS + 500)})
    assert len(big.data[0].x) == charts.MAX_POINTS
    assert "a sample of 4,000 rows per model" in big.layout.title.text


def test_residual_distribution_overlays_shares_on_shared_bins():
    fig = charts.residual_distribution(REGS, bins=20)
    assert names(fig) == ["lgbm", "rf"]
    first, second = fig.data
    assert list(first.x) == list(second.x)  # shared bins
    assert sum(first.y[:-1]) == pytest.approx(100) and sum(second.y[:-1]) == pytest.approx(100)
    assert fig.layout.yaxis.title.text == "share of rows (%)"
    assert is_placeholder(charts.residual_distribution({"c": BINARY["rf #7"]}))
    with pytest.raises(InvalidInput):
        charts.residual_distribution(REGS, bins=1)


# ---------------------------------------------------------------- colours, escaping, language

def test_a_learner_keeps_its_colour_on_every_chart():
    scatter = {t.name: t.marker.color for t in charts.trial_scatter(TRIALS, "roc_auc").data}
    boxes = {t.name: t.marker.color for t in charts.metric_by_learner(TRIALS, "roc_auc").data}
    points = [pt("m1", 0.8, 1.0, "rf"), pt("m2", 0.9, 2.0, "lgbm"), pt("m3", 0.85, 3.0, "xgboost")]
    pareto = {t.name: t.marker.color for t in charts.pareto_front(points, "roc_auc", "max").data[1:]}
    runs = [{"learner": t["learner"], "val_metric": t["val_metric"], "wall_offset": float(i), "trial": i}
            for i, t in enumerate(TRIALS)]
    search = {t.name: t.marker.color for t in data_charts.search_progress(runs, "roc_auc", maximize=True).data[:-1]}
    roc = {t.name: t.line.color for t in charts.roc_curves(BINARY, learners={"lgbm #3": "lgbm", "rf #7": "rf"}).data}
    for learner in ("lgbm", "rf", "xgboost"):
        assert scatter[learner] == boxes[learner] == pareto[learner] == search[learner] == \
            data_charts.colour_for(learner)
    assert roc["lgbm #3"] == scatter["lgbm"] and roc["rf #7"] == scatter["rf"]
    assert scatter["lgbm"] != scatter["rf"]


def test_models_of_one_learner_differ_by_dash_and_many_models_stay_distinct():
    same = {"lgbm a": BINARY["lgbm #3"], "lgbm b": BINARY["rf #7"]}
    a, b = charts.roc_curves(same, learners={"lgbm a": "lgbm", "lgbm b": "lgbm"}).data[1:]
    assert a.line.color == b.line.color and a.line.dash != b.line.dash
    many = charts.roc_curves({f"model {i}": BINARY["lgbm #3"] for i in range(15)}).data[1:]
    assert len({(t.line.color, t.line.dash) for t in many}) == 15


def test_user_names_are_shown_as_text_not_markup():
    nasty = "<b>x</b>"
    shown = "&lt;b&gt;x&lt;/b&gt;"
    assert names(charts.roc_curves({nasty: BINARY["lgbm #3"]}))[1] == shown
    assert charts.confusion_matrices({nasty: BINARY["lgbm #3"]}).layout.annotations[0].text == shown
    assert charts.best_metric_over_time({nasty: [(1.0, 0.5)]}, nasty, "max").layout.title.text == \
        f"Best validation {shown} over time"
    assert names(charts.trial_scatter([{**TRIALS[0], "learner": nasty}], "r2")) == [shown]
    fig = charts.pareto_front([pt(nasty, 0.9, 1.0, nasty)], "r2", "max")
    assert fig.data[1].text[0] == shown and fig.data[1].name == shown
    cls = Predictions(task="binary", classes=["ok", nasty], y_true=np.array([0, 1, 0, 1]),
                      y_pred=np.array([0, 1, 1, 1]), proba=np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.3, 0.7]]),
                      repeat=None)
    assert charts.roc_curves({"m": cls}).layout.title.text == f"ROC curves: {shown} against the rest"
    assert list(charts.confusion_matrices({"m": cls}).data[0].x) == ["ok", shown]
    params = [{"learner": nasty, "val_metric": v, "params": {nasty: v, "k": ["a", nasty][i]}}
              for i, v in enumerate([0.1, 0.2])]
    par = charts.parallel_coordinates(params, "r2")
    assert [d.label for d in par.data[0].dimensions][:2] == [shown, "k"]
    assert sorted(par.data[0].dimensions[1].ticktext) == sorted(["a", shown])
    assert par.layout.title.text.startswith(f"Hyperparameters of the {shown} trials")


def test_every_chart_text_has_korean():
    from ui.i18n import catalog

    keys = tr_literals(charts)
    assert len(keys) > 60
    assert not [k for k in keys if k not in catalog()]


def test_charts_speak_the_language_they_are_given():
    from ui.i18n import catalog

    def korean(text: str) -> str:
        return catalog()[text]

    assert charts.roc_curves(BINARY, tr=korean).layout.title.text == "ROC 곡선: churn 대 나머지"
    assert charts.roc_curves(BINARY, tr=korean).layout.xaxis.title.text == "거짓 양성 비율"
    pareto = charts.pareto_front([pt("a", 0.9, 1.0)], "roc_auc", "max", tr=korean)
    assert pareto.layout.title.text.startswith("roc_auc 대 예측 지연 시간")
    assert pareto.data[0].name == "파레토 전선"
    assert charts.trial_scatter(TRIALS, "r2", tr=korean).layout.legend.title.text == "학습기"
    assert charts.residual_distribution(REGS, tr=korean).layout.title.text == "잔차 분포"
    assert charts.confusion_matrices(MULTI, tr=korean).layout.xaxis.title.text == "예측 클래스"
    empty = charts.best_metric_over_time({}, "r2", "max", tr=korean)
    assert empty.layout.annotations[0].text == "아직 끝난 시행이 없습니다."
