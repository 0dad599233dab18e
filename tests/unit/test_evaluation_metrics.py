"""Holdout metrics and their seeded 95% bootstrap intervals (core.evaluation.metrics)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as sk

from core.errors import InvalidInput
from core.evaluation import metrics as M


def _binary(n: int, seed: int = 0, *, ties: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    score = 1 / (1 + np.exp(-(rng.normal(size=n) + 1.2 * (2 * y - 1))))
    if ties:
        score = np.round(score, 1)
    return y, np.column_stack([1 - score, score])


def _multiclass(n: int, k: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    logits = rng.normal(size=(n, k)) + 1.5 * np.eye(k)[y]
    p = np.exp(logits)
    return y, p / p.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("ties", [False, True], ids=["distinct-scores", "tied-scores"])
def test_binary_point_values_agree_with_scikit_learn(ties):
    y, p = _binary(500, ties=ties)
    pred = p.argmax(axis=1)
    got = M.classification_metrics(y, p, ["no", "yes"])
    assert got["accuracy"] == pytest.approx(sk.accuracy_score(y, pred))
    assert got["balanced_accuracy"] == pytest.approx(sk.balanced_accuracy_score(y, pred))
    assert got["f1"] == pytest.approx(sk.f1_score(y, pred))
    assert got["macro_f1"] == pytest.approx(sk.f1_score(y, pred, average="macro"))
    assert got["roc_auc"] == pytest.approx(sk.roc_auc_score(y, p[:, 1]))
    assert got["ap"] == pytest.approx(sk.average_precision_score(y, p[:, 1]))
    assert got["log_loss"] == pytest.approx(sk.log_loss(y, p))


def test_multiclass_metrics_are_macro_averaged_one_vs_rest_and_say_so():
    y, p = _multiclass(600)
    pred = p.argmax(axis=1)
    got = M.classification_metrics(y, p, ["a", "b", "c"])
    assert got["roc_auc"] == pytest.approx(sk.roc_auc_score(y, p, multi_class="ovr", average="macro"))
    assert got["macro_f1"] == pytest.approx(sk.f1_score(y, pred, average="macro"))
    assert got["balanced_accuracy"] == pytest.approx(sk.balanced_accuracy_score(y, pred))
    assert got["log_loss"] == pytest.approx(sk.log_loss(y, p))
    assert "f1" not in got and "ap" not in got  # binary-only metrics
    averaging = M.averaging_for("multiclass")
    assert "one-vs-rest" in averaging["roc_auc"] and "macro" in averaging["roc_auc"]
    assert "macro" in averaging["macro_f1"]
    assert "f1" not in averaging and M.averaging_for("regression") == {}
    assert "positive" in M.averaging_for("binary")["roc_auc"]


def test_a_class_missing_from_the_rows_leaves_multiclass_roc_auc_undefined_not_wrong():
    y, p = _multiclass(300)
    keep = y != 2
    got = M.classification_metrics(y[keep], p[keep], ["a", "b", "c"])
    assert "roc_auc" not in got and "accuracy" in got


def test_regression_point_values_agree_with_scikit_learn():
    rng = np.random.default_rng(3)
    y = rng.normal(10, 3, 400)
    pred = y + rng.normal(0, 1, 400)
    got = M.regression_metrics(y, pred)
    assert got["r2"] == pytest.approx(sk.r2_score(y, pred))
    assert got["rmse"] == pytest.approx(np.sqrt(sk.mean_squared_error(y, pred)))
    assert got["mae"] == pytest.approx(sk.mean_absolute_error(y, pred))
    assert got["mse"] == pytest.approx(sk.mean_squared_error(y, pred))
    assert got["mape"] == pytest.approx(sk.mean_absolute_percentage_error(y, pred))


def test_the_interval_contains_the_point_estimate_which_is_the_metric_on_all_rows():
    y, p = _binary(400)
    intervals = M.bootstrap(y, p, M.classification_metrics, seed=0)
    point = M.classification_metrics(y, p)
    assert set(intervals) == set(point)
    for name, iv in intervals.items():
        assert iv.value == pytest.approx(point[name])
        assert iv.low <= iv.value <= iv.high, name
        assert iv.low < iv.high, name  # a real spread, not a degenerate interval
    assert intervals["roc_auc"].as_dict() == {"value": intervals["roc_auc"].value,
                                              "low": intervals["roc_auc"].low, "high": intervals["roc_auc"].high}


def test_the_interval_narrows_with_more_rows():
    small = M.bootstrap(*_binary(200, seed=1), seed=0)
    large = M.bootstrap(*_binary(5000, seed=1), seed=0)
    for name in ("accuracy", "roc_auc", "log_loss"):
        width_small = small[name].high - small[name].low
        width_large = large[name].high - large[name].low
        assert width_large < width_small / 2.5, name  # about sqrt(25) = 5 times narrower


def test_the_interval_is_seeded_reproducible_and_changes_with_the_seed():
    y, p = _multiclass(300)
    a = M.bootstrap(y, p, seed=7)
    b = M.bootstrap(y, p, seed=7)
    c = M.bootstrap(y, p, seed=8)
    assert {k: v.as_dict() for k, v in a.items()} == {k: v.as_dict() for k, v in b.items()}
    assert a["accuracy"].low != c["accuracy"].low or a["accuracy"].high != c["accuracy"].high


def test_the_vectorised_intervals_match_resampling_one_sample_at_a_time():
    """The weight-matrix shortcut gives the same resampled values as scoring each resample with scikit-learn."""
    y, p = _binary(150, seed=4, ties=True)

    def one_at_a_time(yy, pp):
        return {"roc_auc": sk.roc_auc_score(yy, pp[:, 1]) if len(set(yy)) > 1 else np.nan,
                "accuracy": sk.accuracy_score(yy, pp.argmax(axis=1))}

    fast = M.bootstrap(y, p, M.classification_metrics, n_resamples=200, seed=5)
    slow = M.bootstrap(y, p, one_at_a_time, n_resamples=200, seed=5)
    for name in ("roc_auc", "accuracy"):
        assert fast[name].low == pytest.approx(slow[name].low)
        assert fast[name].high == pytest.approx(slow[name].high)


def test_regression_intervals_and_the_mean_of_fold_scores():
    rng = np.random.default_rng(0)
    y = rng.normal(size=300)
    intervals = M.bootstrap(y, y + rng.normal(scale=0.5, size=300), seed=0)
    assert intervals["r2"].low <= intervals["r2"].value <= intervals["r2"].high
    assert intervals["rmse"].low > 0
    folds = M.bootstrap_mean([0.8, 0.9, np.nan, 0.7, 0.85], seed=0)
    assert folds.value == pytest.approx(np.mean([0.8, 0.9, 0.7, 0.85]))  # the undefined fold is left out
    assert 0.7 <= folds.low <= folds.value <= folds.high <= 0.9
    assert M.bootstrap_mean([np.nan]) is None


def test_per_class_table_and_metric_names_a_hypothesis_may_use():
    y, p = _multiclass(300)
    table = M.per_class_table(y, p, ["a", "b", "c"])
    assert [row["class"] for row in table] == ["a", "b", "c"]
    pred = p.argmax(axis=1)
    assert [row["recall"] for row in table] == pytest.approx(list(sk.recall_score(y, pred, average=None)))
    assert sum(row["support"] for row in table) == 300
    stored = {"roc_auc": {"value": 0.9}, "accuracy": {"value": 0.8}}
    assert M.lookup(stored, "roc_auc_ovr") == ("roc_auc", {"value": 0.9})
    assert M.lookup(stored, "micro_f1") == ("accuracy", {"value": 0.8})
    assert M.lookup(stored, "roc_auc_ovo", "binary") == ("roc_auc", {"value": 0.9})
    assert M.lookup(stored, "roc_auc_ovo", "multiclass") is None
    assert M.lookup(stored, "r2") is None


@pytest.mark.parametrize(
    ("y", "scores", "message"),
    [([0, 1], np.array([[0.5, 0.5]]), "shape"), ([], np.zeros((0, 2)), "no rows"), ([0, 3], np.full((2, 2), 0.5), "0..1")],
    ids=["shape", "empty", "unknown-code"],
)
def test_bad_inputs_are_refused_with_a_reason(y, scores, message):
    with pytest.raises(InvalidInput, match=message):
        M.bootstrap(y, scores)
