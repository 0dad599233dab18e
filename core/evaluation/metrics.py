"""Holdout metrics with 95% bootstrap intervals: pure functions on arrays, no store.

Every metric is computed by a *batch* function that takes row weights ``W`` of shape
``(B, n)``: row ``i`` counts ``W[b, i]`` times in the ``b``-th sample. The point value is the
batch of one with every weight 1; a bootstrap resample is the batch row whose weights count
how often each row was drawn. So 1,000 resamples of a 10,000-row holdout are a handful of
matrix products (blocks of resamples at a time, to bound memory), ROC AUC and average
precision a rank formula over tied score groups, and the point value is exactly the same
formula as each resample's.

Names are the ones :func:`core.experiments.search.evaluate` reports (plus ``ap``, ``mse`` and
``mape``, which a search or a hypothesis can use). Class codes are ``0..k-1`` in the order
of ``classes`` (the model's ``predict_proba`` columns); for two classes the second one is
the positive class. How each multiclass metric is averaged is in :data:`AVERAGING`.

Example:
    >>> intervals = bootstrap(codes, proba, classification_metrics, seed=0)
    >>> intervals["roc_auc"].as_dict()
    {'value': 0.91, 'low': 0.87, 'high': 0.94}
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import InvalidInput

__all__ = [
    "ALIASES", "AVERAGING", "CLASSIFICATION_METRICS", "REGRESSION_METRICS", "Interval", "averaging_for",
    "bootstrap", "bootstrap_mean", "bootstrap_repeats", "classification_batch", "classification_metrics", "lookup", "per_class_table",
    "regression_batch", "regression_metrics",
]

N_RESAMPLES = 1000
CONFIDENCE = 0.95
# resample weights held at once: blocks of resamples keep the (block, n) weight matrix near 16 MB
_BLOCK_CELLS = 2_000_000
_EPS_LOW, _EPS_HIGH = 1e-15, 1 - np.finfo(float).eps  # log loss clipping, as core.experiments.search.evaluate

CLASSIFICATION_METRICS = ("accuracy", "balanced_accuracy", "macro_f1", "f1", "roc_auc", "ap", "log_loss")
REGRESSION_METRICS = ("r2", "rmse", "mae", "mse", "mape")

# How each metric is computed over the classes; the Compare page shows these beside the numbers.
AVERAGING: dict[str, str] = {
    "accuracy": "share of all rows predicted right (no averaging)",
    "balanced_accuracy": "mean recall over the classes present (unweighted)",
    "macro_f1": "macro: unweighted mean of the per-class F1",
    "f1": "binary: the second class is the positive one",
    "roc_auc": "one-vs-rest, macro: unweighted mean over classes",
    "ap": "binary: the second class is the positive one",
    "log_loss": "mean over rows of minus the log of the probability given to the true class",
}
_BINARY_AVERAGING = {**AVERAGING, "roc_auc": "binary: the second class is the positive one"}

# A metric name that is the same quantity as one computed here (for a hypothesis or a search metric):
# FLAML's roc_auc_ovr is the macro one-vs-rest ROC AUC; micro-averaged F1 of single-label classes is accuracy.
ALIASES: dict[str, str] = {"roc_auc_ovr": "roc_auc", "micro_f1": "accuracy"}
_BINARY_ALIASES = {**ALIASES, "roc_auc_ovo": "roc_auc", "roc_auc_ovr_weighted": "roc_auc",
                   "roc_auc_ovo_weighted": "roc_auc"}


@dataclass(frozen=True)
class Interval:
    """One metric with its bootstrap interval.

    Attributes:
        value: the point estimate on all rows (``nan`` never: an undefined metric is left out).
        low: the interval's lower end, or ``None`` when no resample defined the metric.
        high: the interval's upper end, or ``None``.
    """

    value: float
    low: float | None
    high: float | None

    def as_dict(self) -> dict[str, float | None]:
        """Return ``{"value", "low", "high"}``."""
        return {"value": self.value, "low": self.low, "high": self.high}


def averaging_for(task: str) -> dict[str, str]:
    """How each metric of a task is averaged, as stored with an evaluation and shown in the UI.

    Args:
        task: ``binary``, ``multiclass`` or ``regression``.

    Returns:
        ``{metric: description}``; regression metrics are plain means over rows, so ``{}``.
    """
    if task == "regression":
        return {}
    if task == "binary":
        return dict(_BINARY_AVERAGING)
    return {k: v for k, v in AVERAGING.items() if k not in ("f1", "ap")}


def lookup(metrics: dict[str, Any], name: str, task: str | None = None) -> tuple[str, Any] | None:
    """Find a metric by a name a hypothesis or a search may use, through :data:`ALIASES`.

    Args:
        metrics: ``{name: value}`` (any value: a float, an interval dict).
        name: the wanted name (``roc_auc_ovr``, ``micro_f1``...).
        task: ``binary`` also accepts the one-vs-one and weighted ROC AUC names (all equal for two classes).

    Returns:
        ``(name found, value)``, or ``None`` when no stored metric measures it.
    """
    if name in metrics:
        return name, metrics[name]
    aliases = _BINARY_ALIASES if task == "binary" else ALIASES
    other = aliases.get(name)
    if other and other in metrics:
        return other, metrics[other]
    return None


# ---------------------------------------------------------------- batch metrics

def _one_hot(codes: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros((len(codes), k))
    out[np.arange(len(codes)), codes] = 1.0
    return out


def _grouped(score: np.ndarray, positive: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positive and negative weight per group of tied scores, lowest score first: ``(Wp, Wn)``, each ``(B, G)``."""
    order = np.argsort(score, kind="mergesort")
    s = score[order]
    Wo = W[:, order]
    wp = Wo * positive[order]
    wn = Wo - wp
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    if len(starts) < len(s):  # ties: one group per distinct score
        wp, wn = np.add.reduceat(wp, starts, axis=1), np.add.reduceat(wn, starts, axis=1)
    return wp, wn


def _auc(wp: np.ndarray, wn: np.ndarray) -> np.ndarray:
    """ROC AUC per weight row: P(a positive scores above a negative) + half the ties; ``nan`` without both kinds."""
    below = np.cumsum(wn, axis=1) - wn
    P, N = wp.sum(axis=1), wn.sum(axis=1)
    num = (wp * (below + 0.5 * wn)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((P > 0) & (N > 0), num / (P * N), np.nan)


def _ap(wp: np.ndarray, wn: np.ndarray) -> np.ndarray:
    """Average precision (scikit-learn's step sum over thresholds) per weight row; ``nan`` without positives."""
    wp, wn = wp[:, ::-1], wn[:, ::-1]  # highest score first
    tp, fp = np.cumsum(wp, axis=1), np.cumsum(wn, axis=1)
    P = tp[:, -1] if tp.shape[1] else np.zeros(len(tp))
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = tp / np.where(tp + fp > 0, tp + fp, 1)
        return np.where(P > 0, (wp * precision).sum(axis=1) / P, np.nan)


def classification_batch(codes: np.ndarray, proba: np.ndarray, W: np.ndarray) -> dict[str, np.ndarray]:
    """Every classification metric for each row of weights.

    Args:
        codes: true class codes ``0..k-1``, shape ``(n,)``.
        proba: predicted probabilities, shape ``(n, k)``; the prediction is the most probable class.
        W: row weights, shape ``(B, n)`` (all ones for the point value).

    Returns:
        ``{metric: array of shape (B,)}``; ``nan`` where a metric is undefined for that sample
        (ROC AUC of a sample with one class). ``f1`` and ``ap`` only for two classes.
    """
    n, k = proba.shape
    pred = np.argmax(proba, axis=1)
    T, P = _one_hot(codes, k), _one_hot(pred, k)
    support, predicted, tp = W @ T, W @ P, W @ (T * P)
    total = W.sum(axis=1)
    out: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        out["accuracy"] = tp.sum(axis=1) / total
        recall = np.where(support > 0, tp / np.where(support > 0, support, 1), np.nan)
        out["balanced_accuracy"] = np.nanmean(recall, axis=1) if k else np.full(len(W), np.nan)
        denom = support + predicted
        f1 = np.where(denom > 0, 2 * tp / np.where(denom > 0, denom, 1), 0.0)
        out["macro_f1"] = f1.mean(axis=1)
        if k == 2:
            out["f1"] = f1[:, 1]
            wp, wn = _grouped(proba[:, 1], codes == 1, W)
            out["roc_auc"], out["ap"] = _auc(wp, wn), _ap(wp, wn)
        elif k > 2:
            aucs = np.stack([_auc(*_grouped(proba[:, c], codes == c, W)) for c in range(k)], axis=1)
            out["roc_auc"] = np.where((support > 0).all(axis=1), np.mean(aucs, axis=1), np.nan)
        nll = -np.log(np.clip(proba[np.arange(n), codes], _EPS_LOW, _EPS_HIGH))
        out["log_loss"] = (W @ nll) / total
    return out


def regression_batch(y_true: np.ndarray, y_pred: np.ndarray, W: np.ndarray) -> dict[str, np.ndarray]:
    """Every regression metric for each row of weights.

    Args:
        y_true: true values, shape ``(n,)``.
        y_pred: predictions, shape ``(n,)``.
        W: row weights, shape ``(B, n)``.

    Returns:
        ``{"r2", "rmse", "mae", "mse", "mape"}`` each of shape ``(B,)``; ``r2`` is ``nan`` for a
        sample whose true values are all equal.
    """
    res = y_true - y_pred
    total = W.sum(axis=1)
    centred = y_true - y_true.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        mse = (W @ (res * res)) / total
        sstot = W @ (centred * centred) - (W @ centred) ** 2 / total
        sse = mse * total
        scale = np.abs(y_true).max() if len(y_true) else 1.0
        r2 = np.where(sstot > 1e-12 * max(scale, 1.0) ** 2 * total, 1 - sse / sstot, np.nan)
        mape = (W @ (np.abs(res) / np.maximum(np.abs(y_true), np.finfo(float).eps))) / total
        return {"r2": r2, "rmse": np.sqrt(mse), "mae": (W @ np.abs(res)) / total, "mse": mse, "mape": mape}


def _as_classification(y_true: Any, proba: Any) -> tuple[np.ndarray, np.ndarray]:
    codes = np.asarray(y_true)
    p = np.asarray(proba, dtype=float)
    if p.ndim != 2 or len(p) != len(codes):
        raise InvalidInput(f"Expected probabilities of shape (rows, classes) for {len(codes)} rows, got {p.shape}.")
    if len(codes) == 0:
        raise InvalidInput("There are no rows to score.", hint="Score a model on rows that have a target value.")
    codes = codes.astype(int)
    if codes.min() < 0 or codes.max() >= p.shape[1]:
        raise InvalidInput(f"Class codes must lie in 0..{p.shape[1] - 1}; got {codes.min()}..{codes.max()}.",
                           hint="Leave out rows whose class the model never saw.")
    return codes, p


def _as_regression(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    y, p = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    if y.shape != p.shape or y.ndim != 1:
        raise InvalidInput(f"Expected two equal-length 1-D arrays, got {y.shape} and {p.shape}.")
    if len(y) == 0:
        raise InvalidInput("There are no rows to score.", hint="Score a model on rows that have a target value.")
    return y, p


def _finite(values: dict[str, np.ndarray]) -> dict[str, float]:
    return {k: float(v[0]) for k, v in values.items() if np.isfinite(v[0])}


def classification_metrics(y_true: Any, proba: Any, classes: list[Any] | None = None) -> dict[str, float]:
    """Score class probabilities against true class codes.

    Args:
        y_true: true class codes ``0..k-1``.
        proba: probabilities, shape ``(n, k)`` in the order of ``classes``.
        classes: the class labels (only their count matters; the second of two is positive).

    Returns:
        ``accuracy``, ``balanced_accuracy``, ``macro_f1``, ``log_loss``, ``roc_auc`` (when every
        class is present), and for two classes ``f1`` and ``ap``.

    Raises:
        InvalidInput: if the shapes disagree, there are no rows, or a code is outside ``0..k-1``.
    """
    codes, p = _as_classification(y_true, proba)
    if classes is not None and len(classes) != p.shape[1]:
        raise InvalidInput(f"{len(classes)} classes but {p.shape[1]} probability columns.")
    return _finite(classification_batch(codes, p, np.ones((1, len(codes)))))


def regression_metrics(y_true: Any, y_pred: Any) -> dict[str, float]:
    """Score numeric predictions: ``r2``, ``rmse``, ``mae``, ``mse``, ``mape``.

    Raises:
        InvalidInput: if the arrays differ in length or are empty.
    """
    y, p = _as_regression(y_true, y_pred)
    return _finite(regression_batch(y, p, np.ones((1, len(y)))))


def per_class_table(y_true: Any, proba: Any, classes: list[Any]) -> list[dict[str, Any]]:
    """Precision, recall, F1 and support of each class (the prediction is the most probable class).

    Args:
        y_true: true class codes.
        proba: probabilities, shape ``(n, k)``.
        classes: the class labels, in column order.

    Returns:
        One dict per class: ``{"class", "precision", "recall", "f1", "support"}``; a ratio with
        nothing to divide by is 0.

    Raises:
        InvalidInput: as :func:`classification_metrics`.
    """
    codes, p = _as_classification(y_true, proba)
    k = p.shape[1]
    pred = np.argmax(p, axis=1)
    rows = []
    for c in range(k):
        tp = int(np.sum((codes == c) & (pred == c)))
        support, predicted = int(np.sum(codes == c)), int(np.sum(pred == c))
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * tp / (support + predicted) if support + predicted else 0.0
        label = classes[c] if c < len(classes) else c
        rows.append({"class": label.item() if isinstance(label, np.generic) else label, "precision": precision,
                     "recall": recall, "f1": f1, "support": support})
    return rows


# ---------------------------------------------------------------- intervals

_BATCH: dict[Callable[..., Any], Callable[..., dict[str, np.ndarray]]] = {
    classification_metrics: classification_batch, regression_metrics: regression_batch,
}


def _percentiles(samples: np.ndarray, confidence: float) -> tuple[float | None, float | None]:
    ok = samples[np.isfinite(samples)]
    if not len(ok):
        return None, None
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(ok, [tail, 100 - tail])
    return float(low), float(high)


def _interval(value: float, samples: np.ndarray, confidence: float) -> Interval:
    low, high = _percentiles(samples, confidence)
    if low is not None and high is not None:
        # a skewed resample distribution can leave the point estimate just outside its percentile
        # interval (ROC AUC near 1); the interval shown always contains the value it is about
        low, high = min(low, value), max(high, value)
    return Interval(value, low, high)


def bootstrap(
    y_true: Any,
    scores_or_proba: Any,
    metric_fn: Callable[..., Any] | None = None,
    *,
    n_resamples: int = N_RESAMPLES,
    seed: int = 0,
    confidence: float = CONFIDENCE,
) -> dict[str, Interval]:
    """Point values and seeded percentile bootstrap intervals of metrics on a holdout.

    Rows are drawn with replacement ``n_resamples`` times (the same draws for the same seed and
    row count); each metric's interval is the ``(1 - confidence) / 2`` and ``1 - (1 - confidence) / 2``
    percentiles of its resampled values. Resamples where a metric is undefined (one class) are
    skipped for that metric.

    Args:
        y_true: class codes (classification) or true values (regression).
        scores_or_proba: probabilities ``(n, k)`` or predictions ``(n,)``.
        metric_fn: :func:`classification_metrics` or :func:`regression_metrics` (vectorised), a
            batch function like :func:`classification_batch` taking ``(y, s, W)``, or any
            ``f(y, s) -> {name: float}`` (called once per resample). ``None``: chosen by the
            shape of ``scores_or_proba``.
        n_resamples: how many resamples (1,000).
        seed: seeds the draws.
        confidence: the interval's coverage (0.95).

    Returns:
        ``{metric: Interval}`` for every metric defined on all rows.

    Raises:
        InvalidInput: if the inputs are empty or their shapes disagree, or ``confidence`` is not in (0, 1).
    """
    if not 0 < confidence < 1:
        raise InvalidInput(f"The confidence must lie between 0 and 1, got {confidence}.")
    if metric_fn is None:
        metric_fn = classification_metrics if np.ndim(scores_or_proba) == 2 else regression_metrics
    batch = _BATCH.get(metric_fn)
    if batch is None and metric_fn in (classification_batch, regression_batch):
        batch = metric_fn
    if batch is classification_batch:
        y, s = _as_classification(y_true, scores_or_proba)
    elif batch is regression_batch:
        y, s = _as_regression(y_true, scores_or_proba)
    else:
        y, s = np.asarray(y_true), np.asarray(scores_or_proba)
    n = len(y)
    rng = np.random.default_rng(seed)
    if batch is None:  # a custom point metric: one call per resample
        point = {k: float(v) for k, v in metric_fn(y, s).items() if np.isfinite(v)}
        samples: dict[str, list[float]] = {k: [] for k in point}
        for _ in range(n_resamples):
            idx = rng.integers(0, n, size=n)
            got = metric_fn(y[idx], s[idx])
            for k in point:
                samples[k].append(float(got.get(k, np.nan)))
        return {k: _interval(v, np.asarray(samples[k], dtype=float), confidence) for k, v in point.items()}
    point = _finite(batch(y, s, np.ones((1, n))))
    parts: dict[str, list[np.ndarray]] = {k: [] for k in point}
    for W in _weight_blocks(n, n_resamples, rng):
        values = batch(y, s, W)
        for k in point:
            parts[k].append(values[k])
    return {k: _interval(v, np.concatenate(parts[k]), confidence) for k, v in point.items()}


def _weight_blocks(n: int, n_resamples: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Resamples of ``n`` rows as weight matrices (how often each row was drawn), a block of resamples at a time."""
    block = max(1, min(n_resamples, _BLOCK_CELLS // max(n, 1)))
    done = 0
    while done < n_resamples:
        b = min(block, n_resamples - done)
        idx = rng.integers(0, n, size=(b, n))
        flat = (idx + (np.arange(b) * n)[:, None]).ravel()
        yield np.bincount(flat, minlength=b * n).reshape(b, n).astype(float)
        done += b


def bootstrap_repeats(
    y_true: Any,
    repeated: Sequence[Any],
    metric_fn: Callable[..., Any] | None = None,
    *,
    n_resamples: int = N_RESAMPLES,
    seed: int = 0,
    confidence: float = CONFIDENCE,
) -> dict[str, Interval]:
    """Bootstrap intervals of a repeated cross-validation's out-of-fold predictions, resampling rows.

    Each repeat predicts every row once (out of fold). A resample draws rows with replacement
    (the same rows for every repeat) and scores each repeat's predictions of them; its value is
    the mean over the repeats. So the interval reflects how many rows there are, as a holdout's
    does, rather than how many folds were run.

    Args:
        y_true: class codes or true values of the rows, shape ``(n,)``.
        repeated: one array of probabilities ``(n, k)`` or predictions ``(n,)`` per repeat, rows aligned with ``y_true``.
        metric_fn: :func:`classification_metrics` or :func:`regression_metrics` (``None``: by shape).
        n_resamples: how many resamples.
        seed: seeds the draws.
        confidence: the interval's coverage.

    Returns:
        ``{metric: Interval}``, the value being the mean over repeats of the metric on all rows.

    Raises:
        InvalidInput: if there are no repeats, or shapes disagree.
    """
    if not len(repeated):
        raise InvalidInput("There are no repeats to score.")
    if metric_fn is None:
        metric_fn = classification_metrics if np.ndim(repeated[0]) == 2 else regression_metrics
    batch = _BATCH[metric_fn]
    checked = [(_as_classification if batch is classification_batch else _as_regression)(y_true, s)
               for s in repeated]
    y, n = checked[0][0], len(checked[0][0])
    ones = np.ones((1, n))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a metric undefined in every repeat of a resample
        point_all = [batch(y, s, ones) for _, s in checked]
        point = {k: float(np.nanmean([p[k][0] for p in point_all])) for k in point_all[0]}
        point = {k: v for k, v in point.items() if np.isfinite(v)}
        parts: dict[str, list[np.ndarray]] = {k: [] for k in point}
        for W in _weight_blocks(n, n_resamples, np.random.default_rng(seed)):
            per_repeat = [batch(y, s, W) for _, s in checked]
            for k in point:
                parts[k].append(np.nanmean(np.stack([r[k] for r in per_repeat]), axis=0))
    return {k: _interval(v, np.concatenate(parts[k]), confidence) for k, v in point.items()}


def bootstrap_mean(values: Any, *, n_resamples: int = N_RESAMPLES, seed: int = 0,
                   confidence: float = CONFIDENCE) -> Interval | None:
    """The mean of some scores (a cross-validation's fold scores) with a percentile bootstrap interval.

    Args:
        values: the scores; non-finite ones (a fold where the metric is undefined) are left out.
        n_resamples: how many resamples of the scores.
        seed: seeds the draws.
        confidence: the interval's coverage.

    Returns:
        The mean with its interval, or ``None`` when no score is finite.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if not len(v):
        return None
    rng = np.random.default_rng(seed)
    means = v[rng.integers(0, len(v), size=(n_resamples, len(v)))].mean(axis=1)
    return _interval(float(v.mean()), means, confidence)
