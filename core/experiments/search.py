"""AutoML search with FLAML: per-trial tracking, cancel, selection, refit and scoring.

``run_search`` takes the *training* rows only (the caller keeps a held-out test split the
search never sees), runs FLAML, reports every trial as it completes through ``on_trial``,
honours ``should_stop`` between trials, chooses a trial (:func:`select_best`) and refits it
on all training rows into one :class:`~core.modeling.ModelBundle` that predicts from raw rows.

Each learner starts from FLAML's cheap initial configuration, then its well-known default
(scikit-learn's / LightGBM's), then (LightGBM) FLAML's zero-shot suggestion; linear models, k-NN and an
RBF SVM (small data) are in the default candidate set next to the tree ensembles.

The search spec and its validation live in :mod:`core.experiments.spec` and are re-exported here.

Example:
    >>> config = SearchConfig(target="churned", time_budget=30, seed=0)
    >>> result = run_search(train_df, config, workdir=tmp, on_trial=print)
    >>> evaluate(result.bundle, test_df)
    {'accuracy': 0.91, 'macro_f1': 0.88, ...}
"""

from __future__ import annotations

import logging
import math
import os
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.errors import InvalidInput, MLCycleError, map_errors
from core.experiments.learners import LEARNERS, clean_config, learner_class
from core.experiments.spec import (
    DEFAULT_LEARNERS,
    EVAL_METHODS,
    METRICS,
    HoldoutCheck,
    ResolvedConfig,
    SearchConfig,
    available_learners,
    check_holdout,
    default_learners,
    default_metric,
    default_n_jobs,
    detect_task,
    metric_direction,
    metric_for_task,
    validate,
    worker_cores,
)
from core.experiments.training import (
    cross_val_proba,
    fit_prepared,
    prepare_training_data,
    split_xy,
    stratified_folds,
)
from core.modeling import TASKS, ModelBundle
from core.progress import Progress, ProgressFn, no_progress

__all__ = [
    "DEFAULT_LEARNERS", "EVAL_METHODS", "METRICS", "RULES", "HoldoutCheck", "ResolvedConfig", "SearchConfig",
    "SearchResult", "Selection", "TrialRecord", "available_learners", "check_holdout", "check_several_classes",
    "choose", "default_configs", "default_learners", "default_metric", "default_n_jobs", "detect_task", "evaluate",
    "loss_to_metric", "metric_direction", "metric_for_task", "number", "refit_config", "run_search", "select_best",
    "split_xy", "validate", "worker_cores",
]

log = logging.getLogger("mlcycle.automl")

# Simpler model families first: what the one-standard-error rule prefers among near-equal defaults.
SIMPLICITY = {"ridge": 0, "lrl2": 0, "lrl1": 0, "svc": 0, "enet": 0, "lassolars": 0, "sgd": 0,
              "kneighbor": 1, "rbf_svm": 2, "rf": 3, "extra_tree": 3}
STOP_POLL_SECONDS = 0.25
# Classification on fewer rows than this: the chosen trial's cross-validated predictions are checked
# for a single class (a model that always says the majority class), trying this many next-best trials.
SINGLE_CLASS_CHECK_ROWS = 5000
SINGLE_CLASS_CANDIDATES = 5


# ---------------------------------------------------------------- tracking

@dataclass(frozen=True)
class TrialRecord:
    """One finished trial, as the store keeps it (one run per trial).

    Attributes:
        trial: 0-based trial number in this search.
        learner: the learner name.
        config: its hyperparameters (JSON; ``FLAML_sample_size`` when trained on a sample).
        val_loss: FLAML's validation loss (lower is better).
        val_metric: the validation value of the search metric, in its natural direction.
        metric: the search metric.
        train_time: seconds to train (and validate) this trial.
        wall_offset: seconds from the start of the search to the end of this trial.
        sample_size: training rows used (smaller than the data while FLAML samples).
        status: ``ok``, or ``failed`` when the trial produced no finite loss.
        is_best: whether it improved on every earlier trial.
        val_loss_se: standard error of ``val_loss`` across CV folds (``None`` with holdout).
        is_default: whether the config is the learner's well-known default (e.g. C=1).
        metrics: other numbers the trial logged (FLAML's ``pred_time``, seconds to predict the
            validation rows, and any further metric), by name.
    """

    trial: int
    learner: str
    config: dict[str, Any]
    val_loss: float
    val_metric: float | None
    metric: str
    train_time: float
    wall_offset: float
    sample_size: int | None
    status: str
    is_best: bool
    val_loss_se: float | None = None
    is_default: bool = False
    metrics: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Return the record as JSON."""
        return asdict(self)


TrialFn = Callable[[TrialRecord], None]


def _no_trial(_: TrialRecord) -> None:
    """Trial callback that ignores every record."""


def loss_to_metric(metric: str, val_loss: float) -> float | None:
    """Turn FLAML's loss back into the metric's own value (``1 - loss`` for maximized metrics)."""
    if val_loss is None or not np.isfinite(val_loss):
        return None
    return float(1 - val_loss) if metric_direction(metric) == "max" else float(val_loss)


class _Tracker:
    """Turns FLAML's per-trial log calls into ``TrialRecord`` callbacks and polls ``should_stop``."""

    def __init__(self, rc: ResolvedConfig, on_trial: TrialFn, on_progress: ProgressFn,
                 should_stop: Callable[[], bool]) -> None:
        self.rc, self.on_trial, self.on_progress, self.should_stop = rc, on_trial, on_progress, should_stop
        self.start = time.monotonic()
        self.trials: list[TrialRecord] = []
        self.best: TrialRecord | None = None
        self.stopped = False
        self.error: BaseException | None = None
        self._last_poll = 0.0
        self.seen: set[Any] = set()
        self.defaults: dict[str, list[dict[str, Any]]] = {}
        self.n_rows_search = 0

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def stop_requested(self) -> bool:
        if self.stopped or self.error is not None:
            return True
        now = time.monotonic()
        if now - self._last_poll >= STOP_POLL_SECONDS:
            self._last_poll = now
            if self.should_stop():
                self.stopped = True
        return self.stopped

    def add(self, learner: str, config: dict[str, Any], val_loss: float, train_time: float,
            sample_size: int | None, key: Any = None, logged: Any = None) -> None:
        if key is not None:
            if key in self.seen:
                return
            self.seen.add(key)
        loss = float(val_loss) if val_loss is not None else math.inf
        ok = math.isfinite(loss)
        is_best = ok and (self.best is None or loss < self.best.val_loss)
        cfg = clean_config(config)
        if config.get("FLAML_sample_size") and sample_size is None:
            sample_size = int(config["FLAML_sample_size"])
        se = logged.get("val_loss_se") if isinstance(logged, dict) else None
        full = sample_size is None or sample_size >= self.n_rows_search
        record = TrialRecord(
            trial=len(self.trials), learner=learner, config=cfg, val_loss=loss,
            val_metric=loss_to_metric(self.rc.metric, loss), metric=self.rc.metric,
            train_time=float(train_time or 0.0), wall_offset=round(self.elapsed(), 4),
            sample_size=int(sample_size) if sample_size else None, status="ok" if ok else "failed",
            is_best=is_best, val_loss_se=float(se) if se is not None and np.isfinite(se) else None,
            is_default=full and _matches_any(cfg, self.defaults.get(learner, [])),
            metrics=_logged_numbers(logged),
        )
        self.trials.append(record)
        if is_best:
            self.best = record
        try:
            self.on_trial(record)
            self.on_progress(Progress(self._fraction(), self._message(record)))
        except BaseException as exc:  # noqa: BLE001 - re-raised by run_search after FLAML returns
            self.error = exc

    def _fraction(self) -> float:
        parts = []
        if self.rc.time_budget:
            parts.append(self.elapsed() / self.rc.time_budget)
        if self.rc.max_trials:
            parts.append(len(self.trials) / self.rc.max_trials)
        return min(0.95, max(parts) * 0.95) if parts else 0.0

    def _message(self, r: TrialRecord) -> str:
        best = self.best.val_metric if self.best else None
        now = number(r.val_metric) if r.val_metric is not None else "failed"
        return (f"Trial {r.trial + 1}: {r.learner} {self.rc.metric}={now}"
                + (f"; best {self.best.learner} {number(best)}" if best is not None else ""))


def _logged_numbers(logged: Any) -> dict[str, float]:
    """The finite numbers among what FLAML logged for a trial (``val_loss_se`` has its own field)."""
    if not isinstance(logged, dict):
        return {}
    return {str(k): float(v) for k, v in logged.items()
            if k != "val_loss_se" and isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)}


def _tracked_automl(tracker: _Tracker) -> Any:
    """An ``AutoML`` that reports each logged trial to ``tracker`` and stops when it asks."""
    from flaml import AutoML

    class TrackedAutoML(AutoML):
        # FLAML 2.7 calls _log_trial once per finished trial (log_type="all") on the driver,
        # right after it writes the JSON-lines record to log_file_name, and _select_estimator
        # before every trial after the first; returning None there ends the search loop.
        def _log_trial(self, search_state: Any, estimator: str) -> None:
            super()._log_trial(search_state, estimator)
            parallel = self._use_ray is not False
            # With Ray the trials were already mirrored live by the Tune callback; FLAML logs them
            # again after tune.run returns, so match them by content there.
            key = (_content_key(estimator, search_state.config, search_state.val_loss) if parallel
                   else ("log", self._track_iter))
            tracker.add(estimator, search_state.config, search_state.val_loss, search_state.trial_time,
                        search_state.sample_size, key=key, logged=search_state.metric_for_logging)

        def _select_estimator(self, estimator_list: list[str]) -> str | None:
            if tracker.stop_requested():
                return None
            return super()._select_estimator(estimator_list)

    if not hasattr(AutoML, "_log_trial") or not hasattr(AutoML, "_select_estimator"):
        raise MLCycleError("This FLAML version has no per-trial hooks; MLCycle needs flaml 2.x.")
    return TrackedAutoML()


# ---------------------------------------------------------------- starting points and selection

def default_configs(rc: ResolvedConfig, n_features: int, n_rows: int) -> dict[str, list[dict[str, Any]]]:
    """Each learner's well-known default configuration (scikit-learn's / LightGBM's), in FLAML's terms.

    The search evaluates these first, and :func:`select_best` keeps one of them unless a tuned
    configuration is better by more than the validation noise.
    """
    leaves = max(4, min(32768, n_rows >> 1) - 1)
    out: dict[str, dict[str, Any]] = {
        "lrl1": {"C": 1.0}, "lrl2": {"C": 1.0}, "svc": {"C": 1.0, "penalty": "l2"}, "ridge": {"alpha": 1.0},
        "rbf_svm": {"C": 1.0, "gamma_scale": 1.0},
        "kneighbor": {"n_neighbors": min(5, max(1, n_rows // 2))},
        "lgbm": {"n_estimators": 100, "num_leaves": min(31, leaves), "min_child_samples": 20,
                 "learning_rate": 0.1, "log_max_bin": 8, "colsample_bytree": 1.0,
                 "reg_alpha": 1 / 1024, "reg_lambda": 1.0},
        "histgb": {"n_estimators": 100, "max_leaves": min(31, leaves), "min_samples_leaf": 20,
                   "learning_rate": 0.1, "log_max_bin": 8, "l2_regularization": 1 / 1024},
    }
    forest = {"n_estimators": min(100, max(5, n_rows)), "max_leaves": leaves,
              "max_features": 1.0 if rc.task == "regression" else max(0.1, min(1.0, 1 / math.sqrt(n_features)))}
    if rc.task != "regression":
        forest["criterion"] = "gini"
    out["rf"] = out["extra_tree"] = forest
    return {k: [dict(v)] for k, v in out.items() if k in rc.learners}


def _starting_points(rc: ResolvedConfig, X: pd.DataFrame, y: np.ndarray, n_rows: int,
                     defaults: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The first configurations of each learner, cheapest first.

    FLAML's own low-cost initial configuration, then the learner's default (``default_configs``),
    then, for LightGBM, FLAML's zero-shot suggestion for this data. FLAML picks which learner to
    try next by estimated cost, so expensive points only run when time allows.
    """
    from flaml.automl.task.factory import task_factory

    task = task_factory(rc.task)
    points: dict[str, list[dict[str, Any]]] = {}
    for name in rc.learners:
        space = learner_class(name).search_space(data_size=(n_rows, X.shape[1]), task=task)
        init = {k: v["init_value"] for k, v in space.items() if "init_value" in v}
        points[name] = [init] + [dict(c) for c in defaults.get(name, []) if not _matches_any(init, [c])]
        if name != "lgbm":  # zero-shot configs are large; for the other learners they eat short budgets
            continue
        try:
            from flaml.default import suggest_config

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                suggested = suggest_config(rc.task, X, y, name, k=1)
        except Exception as exc:  # noqa: BLE001 - a missing portfolio only loses a starting point
            log.debug("no zero-shot config for %s: %s", name, exc)
            continue
        for item in suggested:
            config = {k: v for k, v in item.get("hyperparameters", {}).items() if k != "FLAML_sample_size"}
            if config:
                points[name].append(config)
    for name, configs in points.items():
        if LEARNERS[name].seeded:
            for c in configs:
                c["random_seed"] = rc.seed
    return points


def _cv_mean_and_se(val_loss_folds: list[float], log_metrics_folds: list[Any]) -> tuple[float, dict[str, Any]]:
    """FLAML's CV aggregation (mean loss and mean logged metrics) plus the standard error of the loss."""
    losses = np.asarray(val_loss_folds, dtype=float)
    logged: dict[str, Any] = {}
    dicts = [m for m in log_metrics_folds if isinstance(m, dict)]
    for key in dicts[0] if dicts else []:
        values = [m.get(key) for m in dicts]
        if all(isinstance(v, int | float) for v in values):
            logged[key] = float(np.mean(values))
    se = float(np.std(losses, ddof=1) / math.sqrt(len(losses))) if len(losses) > 1 else float("nan")
    logged["val_loss_se"] = se
    return float(np.mean(losses)), logged


def _matches_any(config: dict[str, Any], candidates: list[dict[str, Any]]) -> bool:
    def same(a: Any, b: Any) -> bool:
        if isinstance(a, int | float) and isinstance(b, int | float):
            return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-12)
        return a == b

    return any(all(k in config and same(config[k], v) for k, v in c.items()) for c in candidates)


RULES = ("lowest_validation_loss", "one_standard_error", "best_validation_by_user", "several_classes")


def number(x: float | None) -> str:
    """A measurement for a log line or a message: 4 significant digits (``0.5848``, ``1.235e+04``)."""
    if x is None:
        return "none"
    x = float(x)
    return f"{x:.4g}" if math.isfinite(x) else str(x)


@dataclass(frozen=True)
class Selection:
    """Which trial a model refits, and why: kept with the model (``Model.selection``).

    Attributes:
        rule: ``lowest_validation_loss`` (the best validation trial), ``one_standard_error``
            (a simpler default within one standard error of it, see :func:`select_best`), or
            ``best_validation_by_user`` (the user asked for the best validation trial instead), or
            ``several_classes`` (the trial one of the first two rules gave predicted a single class on
            the validation folds; the next-best trial that predicts several classes and beats the
            majority-class baseline there is refit instead, see :func:`check_several_classes`).
        metric: the search metric.
        chosen_trial, chosen_learner, chosen_loss, chosen_metric: the trial refit (its FLAML
            validation loss and its value of the metric).
        best_trial, best_learner, best_loss, best_metric: the trial with the lowest validation loss.
        standard_error: with ``one_standard_error``, the tolerance: the larger of the two trials'
            standard errors of the loss across folds; otherwise the best trial's, if known.
        single_class: the trials found to predict a single class for every row on the check's
            folds, each ``{"trial", "learner", "metric", "predicted"}`` (``predicted``: the class, as
            text); with a rule other than ``several_classes`` the chosen trial is among them when no
            candidate did better.
        fold_metric: the chosen trial's metric on the check's folds (out-of-fold predictions), if checked.
        baseline_metric: the majority-class baseline's metric on the same folds, if checked.
        candidates_checked: how many trials the check refit on its folds (0: not checked).
    """

    rule: str
    metric: str
    chosen_trial: int
    chosen_learner: str
    chosen_loss: float
    chosen_metric: float | None
    best_trial: int
    best_learner: str
    best_loss: float
    best_metric: float | None
    standard_error: float | None = None
    single_class: list[dict[str, Any]] = field(default_factory=list)
    fold_metric: float | None = None
    baseline_metric: float | None = None
    candidates_checked: int = 0

    @property
    def reason(self) -> str:
        """Why this trial, in words, with its numbers (for logs and the CLI)."""
        chosen = f"{self.chosen_learner}, trial {self.chosen_trial}, {self.metric} {number(self.chosen_metric)}"
        best = f"{self.best_learner}, trial {self.best_trial}, {self.metric} {number(self.best_metric)}"
        if self.rule == "one_standard_error":
            text = (f"default {self.chosen_learner} configuration (trial {self.chosen_trial}, {self.metric} "
                    f"{number(self.chosen_metric)}) is within one standard error ({number(self.standard_error)}) "
                    f"of the best validation loss ({best}): the one-standard-error rule keeps the simpler default")
        elif self.rule == "best_validation_by_user":
            text = f"the best validation trial ({chosen}), chosen by the user"
        elif self.rule == "several_classes":
            skipped = "; ".join(f"{s['learner']}, trial {s['trial']}, {self.metric} {number(s.get('metric'))}"
                                for s in self.single_class)
            return (f"{chosen}: {skipped}, ranked above it, predicted a single class for every row on the "
                    f"validation folds; this is the next-best trial that predicts several classes and beats "
                    f"the majority-class baseline there ({self.metric} {number(self.fold_metric)} against "
                    f"{number(self.baseline_metric)})")
        else:
            text = f"lowest validation loss ({chosen})"
        if any(s.get("trial") == self.chosen_trial for s in self.single_class):
            text += (f"; it predicts a single class for every row on the validation folds, and none of the "
                     f"{self.candidates_checked - 1} next-best trials checked predicts several classes and "
                     f"beats the majority-class baseline there")
        return text

    def as_dict(self) -> dict[str, Any]:
        """Return the selection as JSON (``reason`` included, for readers without this class)."""
        return asdict(self) | {"reason": self.reason}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Selection:
        """Build a selection from :meth:`as_dict` output (unknown keys are ignored)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def _selection(rule: str, chosen: TrialRecord, best: TrialRecord, se: float | None) -> Selection:
    return Selection(rule=rule, metric=best.metric, chosen_trial=chosen.trial, chosen_learner=chosen.learner,
                     chosen_loss=float(chosen.val_loss), chosen_metric=chosen.val_metric, best_trial=best.trial,
                     best_learner=best.learner, best_loss=float(best.val_loss), best_metric=best.val_metric,
                     standard_error=se if se is not None and math.isfinite(se) else None)


def choose(trials: list[TrialRecord], *, rule: str = "search") -> tuple[TrialRecord, Selection]:
    """Choose the trial to refit and say why, with the numbers (see :func:`select_best`).

    Args:
        trials: the finished trials (at least one with a finite loss).
        rule: ``search`` (the search's rule: :func:`select_best`) or ``best_validation`` (the
            trial with the lowest validation loss, as the user asked; recorded as
            ``best_validation_by_user``).

    Returns:
        ``(trial, selection)``.

    Raises:
        InvalidInput: if no trial has a finite loss, or the rule is unknown.
    """
    ok = [t for t in trials if t.status == "ok"]
    if not ok:
        raise InvalidInput("No trial finished with a valid score.", hint="Give the search more time.")
    best = min(ok, key=lambda t: (t.val_loss, t.trial))
    if rule == "best_validation":
        return best, _selection("best_validation_by_user", best, best, best.val_loss_se)
    if rule != "search":
        raise InvalidInput(f"Unknown selection rule '{rule}'.", hint="Use 'search' or 'best_validation'.")
    if best.is_default or best.val_loss_se is None or not math.isfinite(best.val_loss_se):
        return best, _selection("lowest_validation_loss", best, best, best.val_loss_se)
    near = [t for t in ok if t.is_default
            and t.val_loss <= best.val_loss + max(best.val_loss_se, t.val_loss_se or 0.0)]
    if not near:
        return best, _selection("lowest_validation_loss", best, best, best.val_loss_se)
    chosen = min(near, key=lambda t: (SIMPLICITY.get(t.learner, 9), t.val_loss, t.trial))
    return chosen, _selection("one_standard_error", chosen, best, max(best.val_loss_se, chosen.val_loss_se or 0.0))


def _fold_loss(metric: str, task: str, y: np.ndarray, proba: np.ndarray) -> float:
    """FLAML's loss of ``metric`` for out-of-fold class probabilities (as the search scores a trial)."""
    from flaml.automl.ml import sklearn_metric_loss_score

    if metric in ("roc_auc", "ap", "roc_auc_weighted") and task == "binary":
        predicted: np.ndarray = proba[:, 1]
    elif metric in ("log_loss", "roc_auc", "roc_auc_ovr", "roc_auc_ovo", "roc_auc_ovo_weighted",
                    "roc_auc_ovr_weighted"):
        predicted = np.clip(proba, 1e-15, 1)
        predicted = predicted / predicted.sum(axis=1, keepdims=True)
    else:
        predicted = np.argmax(proba, axis=1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loss = float(sklearn_metric_loss_score(metric, predicted, y, labels=list(range(proba.shape[1]))))
    except ValueError:
        return math.inf
    return loss if math.isfinite(loss) else math.inf


def _config_key(trial: TrialRecord) -> str:
    import json

    return trial.learner + json.dumps(trial.config, sort_keys=True, default=str)


def check_several_classes(
    trials: list[TrialRecord], chosen: TrialRecord, selection: Selection, X: pd.DataFrame, y: np.ndarray, *,
    task: str, seed: int, n_splits: int = 5, n_jobs: int = 1, classes: list[Any] | None = None,
    max_candidates: int = SINGLE_CLASS_CANDIDATES, on_progress: ProgressFn = no_progress,
) -> tuple[TrialRecord, Selection]:
    """Never refit a classifier that predicts a single class when another candidate does better.

    The chosen trial's configuration is refit on stratified folds of the training rows (seeded; the
    same prepared features the search used) and its out-of-fold predictions are read. When every
    row gets the same class (a model that always says the majority class can still rank well and
    win on ROC AUC, as a 32-row search did), the next-best trials by validation loss (distinct
    configurations, up to ``max_candidates``) are checked the same way, and the first that predicts
    several classes and beats the majority-class baseline (each fold's training class shares) on
    the search metric (the mean over the folds) is chosen instead. When none does, the choice stays and the
    selection says so. Regression, and classification on :data:`SINGLE_CLASS_CHECK_ROWS` rows or
    more, are returned unchanged.

    Args:
        trials: the search's trials.
        chosen, selection: the choice of :func:`choose`.
        X: the prepared training features (:func:`core.experiments.training.prepare_training_data`).
        y: the encoded labels.
        task: ``binary``, ``multiclass`` or ``regression``.
        seed: the search's seed (folds and learners).
        n_splits: folds (fewer when a class has fewer rows).
        n_jobs: threads per fit.
        classes: the class labels (to name the class predicted).
        max_candidates: how many next-best trials to try.
        on_progress: progress reports.

    Returns:
        ``(trial, selection)``: the trial to refit, and the selection with the check's numbers
        (``fold_metric``, ``baseline_metric``, ``single_class``, ``candidates_checked``; rule
        ``several_classes`` when the choice changed).

    Raises:
        Nothing: a configuration that fails to refit on the folds is logged and passed over (the
        chosen one is then kept unchecked).
    """
    from dataclasses import replace

    if task == "regression" or len(y) >= SINGLE_CLASS_CHECK_ROWS or selection.rule == "best_validation_by_user":
        return chosen, selection
    y = np.asarray(y, dtype=int)
    folds = stratified_folds(y, n_splits, seed)
    if not folds:
        return chosen, selection
    k = int(y.max()) + 1 if classes is None else len(classes)
    prior = np.zeros((len(y), k))
    for train_rows, val_rows in folds:
        prior[val_rows] = np.bincount(y[train_rows], minlength=k) / len(train_rows)
    metric = selection.metric

    def mean_loss(proba: np.ndarray) -> float:  # as FLAML's CV: the mean of the folds' losses
        return float(np.mean([_fold_loss(metric, task, y[rows], proba[rows]) for _, rows in folds]))

    baseline = mean_loss(prior)

    def fold_check(trial: TrialRecord) -> tuple[bool, float, int] | None:
        try:
            proba = cross_val_proba(X, y, folds, task=task, learner=trial.learner, config=trial.config, seed=seed,
                                    n_classes=k, n_jobs=n_jobs)
        except Exception as exc:  # noqa: BLE001 - a configuration that cannot be checked is not chosen by it
            log.warning("could not check trial %s (%s) on the folds: %s", trial.trial, trial.learner, exc)
            return None
        predicted = np.unique(np.argmax(proba, axis=1))
        return len(predicted) > 1, mean_loss(proba), int(predicted[0])

    def single(trial: TrialRecord, label: int) -> dict[str, Any]:
        name = classes[label] if classes is not None and label < len(classes) else label
        return {"trial": trial.trial, "learner": trial.learner, "metric": trial.val_metric, "predicted": str(name)}

    on_progress(Progress(0.955, f"Checking that {chosen.learner} (trial {chosen.trial}) predicts more than one class"))
    first = fold_check(chosen)
    if first is None:
        return chosen, selection
    several, loss, label = first
    checked = 1
    if several:
        return chosen, replace(selection, fold_metric=loss_to_metric(metric, loss),
                               baseline_metric=loss_to_metric(metric, baseline), candidates_checked=checked)
    skipped = [single(chosen, label)]
    seen = {_config_key(chosen)}
    ranked = sorted((t for t in trials if t.status == "ok"), key=lambda t: (t.val_loss, t.trial))
    for trial in ranked:
        if checked > max_candidates:
            break
        if _config_key(trial) in seen:
            continue
        seen.add(_config_key(trial))
        on_progress(Progress(0.955, f"Trial {chosen.trial} predicts a single class; checking {trial.learner} "
                                    f"(trial {trial.trial})"))
        found = fold_check(trial)
        checked += 1
        if found is None:
            continue
        ok, trial_loss, trial_label = found
        if ok and trial_loss < baseline:
            return trial, replace(
                selection, rule="several_classes", chosen_trial=trial.trial, chosen_learner=trial.learner,
                chosen_loss=float(trial.val_loss), chosen_metric=trial.val_metric, single_class=skipped,
                fold_metric=loss_to_metric(metric, trial_loss), baseline_metric=loss_to_metric(metric, baseline),
                candidates_checked=checked)
        if not ok:
            skipped.append(single(trial, trial_label))
    return chosen, replace(selection, single_class=skipped, fold_metric=loss_to_metric(metric, loss),
                           baseline_metric=loss_to_metric(metric, baseline), candidates_checked=checked)


def select_best(trials: list[TrialRecord]) -> tuple[TrialRecord, str]:
    """Choose the trial to refit: the lowest loss, unless a default configuration is within noise.

    This is the one-standard-error rule: with cross-validation, when the best trial is a *tuned*
    configuration, the simplest learner (``SIMPLICITY``) whose default configuration scores within
    one standard error of it (the larger of the two trials' fold standard errors) is preferred,
    because on small data the best-scoring tuned configuration is partly chosen by validation
    noise. A best trial that is itself a default configuration is kept. :func:`choose` gives
    the same choice with its numbers (:class:`Selection`).

    Args:
        trials: the finished trials (at least one with a finite loss).

    Returns:
        ``(trial, reason)``.

    Raises:
        InvalidInput: if no trial has a finite loss.
    """
    chosen, selection = choose(trials)
    return chosen, selection.reason


# ---------------------------------------------------------------- search

@dataclass
class SearchResult:
    """What a search found.

    Attributes:
        config: the resolved spec it ran with.
        trials: every trial, in order.
        best_learner, best_config, best_val_loss, best_val_metric: the best trial's.
        bundle: the best configuration refit on all training rows (``None`` if the search was
            stopped before a refit, or found nothing).
        stopped_early: whether ``should_stop`` ended it.
        wall_time: seconds for search and refit.
        search_time: seconds of the search alone.
        log_path: FLAML's JSON-lines trial log.
        best_trial: the ``trial`` number of the chosen trial (see :func:`select_best`).
        selection: why that trial was chosen, in words.
        choice: the same with its numbers (:class:`Selection`), kept with the model.
    """

    config: ResolvedConfig
    trials: list[TrialRecord]
    best_learner: str | None
    best_config: dict[str, Any] | None
    best_val_loss: float | None
    best_val_metric: float | None
    bundle: ModelBundle | None
    stopped_early: bool
    wall_time: float
    search_time: float
    log_path: Path | None = None
    best_trial: int | None = None
    selection: str = ""
    choice: Selection | None = None


def run_search(
    train_df: pd.DataFrame,
    config: SearchConfig,
    *,
    workdir: Path,
    on_trial: TrialFn = _no_trial,
    on_progress: ProgressFn = no_progress,
    should_stop: Callable[[], bool] = lambda: False,
    refit_on_stop: bool = False,
    semantic: Mapping[str, str] | None = None,
) -> SearchResult:
    """Search for the best model of the training rows, tracking every trial.

    Args:
        train_df: raw training rows including the target (never the held-out test rows).
        config: the spec; validated here.
        workdir: a folder for FLAML's trial log (``flaml.log``).
        on_trial: called with each :class:`TrialRecord` as its trial finishes, on the calling
            thread. An exception it raises stops the search and is re-raised.
        on_progress: progress reports (after each trial, and around data preparation and refit).
        should_stop: polled between trials (at most every 0.25 s, on the calling thread);
            ``True`` ends the search after the running trial.
        refit_on_stop: whether to refit the best trial found so far when stopped early.
        semantic: each column's semantic type (the dataset version's, overrides included), which
            decides its feature kind; columns not named are inferred by the same rules.

    Returns:
        The result, with the refit bundle.

    Raises:
        InvalidInput: if the spec does not fit the data (see :func:`validate`).
        ExternalToolFailed: if FLAML or a learner fails.
    """
    started = time.monotonic()
    rc = validate(config, train_df)
    on_progress(Progress(0.0, f"Preparing {rc.n_rows} rows for a {rc.task} search"))
    pre, X, y, classes = prepare_training_data(train_df, rc.target, rc.task, list(rc.feature_columns), semantic)
    tracker = _Tracker(rc, on_trial, on_progress, should_stop)
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / "flaml.log"
    if should_stop():
        return SearchResult(rc, [], None, None, None, None, None, True, time.monotonic() - started, 0.0, None)
    automl = _tracked_automl(tracker)
    for name in rc.learners:
        automl.add_learner(name, learner_class(name))
    settings = _fit_settings(rc, log_path)
    tracker.n_rows_search = len(X) if rc.eval_method == "cv" else len(X) - int(round(len(X) * rc.holdout_fraction))
    tracker.defaults = default_configs(rc, X.shape[1], tracker.n_rows_search)
    settings["starting_points"] = _starting_points(rc, X, y, tracker.n_rows_search, tracker.defaults)
    if rc.n_concurrent_trials > 1:
        _init_ray()
        settings["use_ray"] = _ray_options(tracker, (workdir / "ray").resolve())
    with map_errors(f"FLAML search for '{rc.target}'", hint="Try fewer learners or a larger time budget."):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            automl.fit(X_train=X, y_train=y, **settings)
    search_time = time.monotonic() - started
    if tracker.error is not None:
        raise tracker.error
    if tracker.best is None:
        if tracker.stopped:
            return SearchResult(rc, tracker.trials, None, None, None, None, None, True,
                                time.monotonic() - started, search_time, log_path)
        raise InvalidInput(f"No trial of the search for '{rc.target}' finished with a valid score.",
                           hint="Give the search more time or more trials, or choose other learners.")
    best, choice = choose(tracker.trials)
    bundle = None
    if not tracker.stopped or refit_on_stop:
        best, choice = check_several_classes(tracker.trials, best, choice, X, y, task=rc.task, seed=rc.seed,
                                             n_splits=rc.n_splits, n_jobs=rc.n_jobs, classes=classes,
                                             on_progress=on_progress)
        on_progress(Progress(0.96, f"Refitting the best model ({best.learner}) on all {rc.n_rows} rows"))
        with map_errors(f"Refitting {best.learner} for '{rc.target}'"):
            bundle = _refit_best(pre, X, y, classes, rc, best)
    on_progress(Progress(1.0, ("Stopped" if tracker.stopped else "Finished")
                         + f" after {len(tracker.trials)} trials; best {best.learner} "
                         f"{rc.metric}={number(best.val_metric)}"))
    return SearchResult(rc, tracker.trials, best.learner, best.config, best.val_loss, best.val_metric, bundle,
                        tracker.stopped, time.monotonic() - started, search_time, log_path,
                        best_trial=best.trial, selection=choice.reason, choice=choice)


def _fit_settings(rc: ResolvedConfig, log_path: Path) -> dict[str, Any]:
    custom_hp = {n: {"random_seed": {"domain": rc.seed}} for n in rc.learners if LEARNERS[n].seeded}
    return {
        "task": rc.task,
        "metric": rc.metric,
        "time_budget": rc.time_budget if rc.time_budget else -1,
        "max_iter": rc.max_trials,
        "estimator_list": list(rc.learners),
        "eval_method": rc.eval_method,
        "split_ratio": rc.holdout_fraction,
        "n_splits": rc.n_splits,
        "seed": rc.seed,
        "n_jobs": rc.n_jobs,
        "n_concurrent_trials": rc.n_concurrent_trials,
        "log_file_name": str(log_path),
        "log_type": "all",
        "mlflow_logging": False,
        "retrain_full": False,
        "model_history": False,
        "skip_transform": True,
        "auto_augment": False,
        "cv_score_agg_func": _cv_mean_and_se,
        "custom_hp": custom_hp,
        "verbose": 0,
        "use_ray": False,
    }


def _refit_best(pre: Any, X: pd.DataFrame, y: np.ndarray, classes: Any, rc: ResolvedConfig,
                best: TrialRecord) -> ModelBundle:
    return fit_prepared(pre, X, y, classes, target=rc.target, task=rc.task, learner=best.learner,
                        config=best.config, seed=rc.seed, n_jobs=rc.n_jobs)


def _init_ray() -> None:
    """Connect to ``RAY_ADDRESS`` (shipping the ``core`` package to the cluster) or start a quiet local Ray.

    A local Ray keeps its files under ``RAY_TMPDIR`` (default: ``<tmp>/mlcycle-ray``; Ray's
    socket paths must stay short) and listens on 127.0.0.1 only. Ray does so when
    ``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`` is set before it is first imported, which
    ``mlcycle`` does at start; a process that imported Ray without it (a notebook, a test) is
    switched to loopback here, unless the variable says otherwise. The same holds for a
    cluster at a loopback address (Ray would otherwise look for it at the machine's address).

    A cluster may require Ray's token authentication (Ray 2.60 turns it on by default), but Ray
    sends no token to an explicit address unless ``RAY_AUTH_MODE=token``. When that variable is
    unset and a token is at hand (``RAY_AUTH_TOKEN``, the file ``RAY_AUTH_TOKEN_PATH`` names, or
    ``~/.ray/auth_token``), token mode is turned on so that the token goes with the connection.

    Raises:
        ExternalToolFailed: if Ray cannot start or connect: nothing answers at ``RAY_ADDRESS``,
            the cluster wants a token and none was found, or it rejected the token sent.
    """
    import socket
    import tempfile

    import ray
    from ray._private import ray_constants

    from core.errors import ExternalToolFailed

    if ray.is_initialized():
        return
    address = os.environ.get("RAY_ADDRESS", "").strip()
    options: dict[str, Any] = {"ignore_reinit_error": True, "include_dashboard": False,
                               "log_to_driver": False, "configure_logging": False}
    sent, source, mode = False, None, None
    if address and address != "local":
        options["address"] = address
        options["runtime_env"] = {"py_modules": [str(Path(__file__).resolve().parents[1])]}  # core/
        host, _, port = address.rpartition(":")
        if "://" not in address and host and port.isdigit():  # Ray waits minutes on a dead address
            try:
                socket.create_connection((host.strip("[]"), int(port)), timeout=5).close()
            except OSError as exc:
                raise ExternalToolFailed(f"Nothing answers at RAY_ADDRESS={address} ({exc.strerror or exc}).",
                                         hint="Start the cluster's head (`ray start --head`) or correct "
                                              "RAY_ADDRESS, or set parallel trials to 1.") from exc
        token_path = os.environ.get("RAY_AUTH_TOKEN_PATH", "").strip()
        if os.environ.get("RAY_AUTH_TOKEN", "").strip():
            source = "the RAY_AUTH_TOKEN variable"
        elif token_path:
            source = f"the file {token_path} (RAY_AUTH_TOKEN_PATH)" if Path(token_path).expanduser().is_file() else None
        elif (Path.home() / ".ray" / "auth_token").is_file():
            source = "~/.ray/auth_token"
        mode = os.environ.get("RAY_AUTH_MODE")
        if mode is None and source:
            from ray._private.authentication.authentication_token_setup import (
                maybe_enable_token_auth_if_token_available,
            )

            sent = maybe_enable_token_auth_if_token_available(warn_if_disabled=False)
        else:
            sent = (mode or "").lower() == "token" and source is not None
    else:
        temp = os.environ.get("RAY_TMPDIR") or str(Path(tempfile.gettempdir()) / "mlcycle-ray")
        Path(temp).mkdir(parents=True, exist_ok=True)
        options["_temp_dir"] = temp
        options["num_cpus"] = os.cpu_count() or 1
    on_this_machine = address != "auto" and address.rpartition(":")[0].strip("[]") in ("", "localhost", "127.0.0.1",
                                                                                         "::1")
    if on_this_machine and os.environ.setdefault(ray_constants.ENABLE_RAY_CLUSTERS_ENV_VAR, "0").lower() in (
            "0", "false"):  # the processes Ray starts read the variable; this one read it at import, maybe unset
        ray_constants.ENABLE_RAY_CLUSTER = False
    with map_errors(f"Starting Ray{' at ' + address if address else ''}",
                    hint="Check RAY_ADDRESS, or set parallel trials to 1."):
        try:
            ray.init(**options)
        except Exception as exc:
            causes, cause = [], exc  # Ray says "Failed to connect"; why is in the chained errors
            while cause is not None and len(causes) < 8:
                causes.append(cause)
                cause = cause.__cause__ or cause.__context__
            if not address or not any("InvalidAuthToken" in str(c) or type(c).__name__ == "AuthenticationError"
                                       for c in causes):
                raise
            if sent:
                what = f"rejected the authentication token from {source}: it is not the cluster's token"
            elif source and mode is not None:
                what = f"requires an authentication token, and RAY_AUTH_MODE={mode} keeps the one in {source} from being sent"
            else:
                what = "requires an authentication token, and none was found"
            raise ExternalToolFailed(
                f"The Ray cluster at {address} {what}.",
                hint="Put the cluster's token (`ray get-auth-token` on its head prints it) in RAY_AUTH_TOKEN, in "
                     "a file named by RAY_AUTH_TOKEN_PATH, or in ~/.ray/auth_token; or set parallel trials to 1.",
            ) from exc


def _ray_options(tracker: _Tracker, storage: Path) -> dict[str, Any]:
    """Ray Tune options that mirror trials as they finish and stop the run on cancel."""
    from ray import tune

    class MirrorTrials(tune.Callback):
        def on_trial_complete(self, iteration: int, trials: list, trial: Any, **info: Any) -> None:
            result = trial.last_result or {}
            config = dict(result.get("config") or trial.config or {})
            ml = dict(config.get("ml", config))
            learner = ml.get("learner", "?")
            loss = result.get("val_loss", math.inf)
            tracker.add(learner, ml, loss, result.get("time_this_iter_s", 0.0), ml.get("FLAML_sample_size"),
                        key=_content_key(learner, ml, loss), logged=result.get("metric_for_logging"))

    class StopOnCancel(tune.Stopper):
        def __call__(self, trial_id: str, result: dict) -> bool:
            return tracker.stop_requested()

        def stop_all(self) -> bool:
            return tracker.stop_requested()

    return {"callbacks": [MirrorTrials()], "stop": StopOnCancel(), "storage_path": str(storage), "reuse_actors": True}


def _content_key(learner: str, config: dict[str, Any], val_loss: Any) -> tuple[str, str, float]:
    import json

    loss = float(val_loss) if val_loss is not None else math.inf
    return learner, json.dumps(clean_config(config), sort_keys=True, default=str), round(loss, 10)


# ---------------------------------------------------------------- reproduce and score

def refit_config(
    train_df: pd.DataFrame,
    target: str,
    task: str,
    learner: str,
    config: dict[str, Any],
    seed: int,
    *,
    feature_columns: list[str] | tuple[str, ...] | None = None,
    n_jobs: int = 1,
    semantic: Mapping[str, str] | None = None,
) -> ModelBundle:
    """Refit a recorded configuration on the same training rows: the same model, bit for bit.

    Args:
        train_df: the training rows the search saw (raw, with the target).
        target: the target column.
        task: the resolved task (``binary``, ``multiclass`` or ``regression``).
        learner: the learner name of the recorded trial.
        config: its recorded hyperparameters.
        seed: the search's seed.
        feature_columns: the resolved feature columns of the search.
        n_jobs: the threads the original bundle used (``bundle.n_jobs``); LightGBM is only
            bit-identical with the same thread count.
        semantic: the columns' semantic types the original was trained with (or, for a model,
            its columns' kinds), so every column becomes the same features.

    Returns:
        The refit bundle.

    Raises:
        InvalidInput: if the target, a column or the learner is unknown, or the task is wrong.
        ExternalToolFailed: if the learner fails.
    """
    if task not in TASKS:
        raise InvalidInput(f"Unknown task '{task}'.", hint=f"Use one of: {', '.join(TASKS)}.")
    pre, X, y, classes = prepare_training_data(train_df, target, task,
                                               list(feature_columns) if feature_columns is not None else None,
                                               semantic)
    with map_errors(f"Refitting {learner} for '{target}'"):
        return fit_prepared(pre, X, y, classes, target=target, task=task, learner=learner, config=config,
                            seed=seed, n_jobs=n_jobs)


def evaluate(bundle: ModelBundle, test_df: pd.DataFrame) -> dict[str, float]:
    """Score a model on held-out rows (which carry the target column).

    Args:
        bundle: the model.
        test_df: raw held-out rows; rows with an empty target are left out.

    Returns:
        Classification: ``accuracy``, ``balanced_accuracy``, ``macro_f1``, ``f1`` (binary, the
        second class is positive), ``roc_auc`` (binary; one-vs-rest for multiclass),
        ``log_loss``. Regression: ``r2``, ``rmse``, ``mae``. Plus ``n_rows``.

    Raises:
        InvalidInput: if the target or an input column is missing, or no row has a target.
    """
    from sklearn import metrics as m

    X, y = split_xy(test_df, bundle.target, bundle.input_columns)
    if y.empty:
        raise InvalidInput(f"No held-out row has a value in '{bundle.target}'.", hint="Choose another test split.")
    out: dict[str, float] = {"n_rows": float(len(y))}
    if not bundle.is_classifier:
        y_true = pd.to_numeric(y, errors="coerce").to_numpy(dtype=float)
        pred = bundle.predict(X)
        out.update(r2=float(m.r2_score(y_true, pred)), rmse=float(np.sqrt(m.mean_squared_error(y_true, pred))),
                   mae=float(m.mean_absolute_error(y_true, pred)))
        return out
    index = {c: i for i, c in enumerate(bundle.classes)}
    codes = y.map(index)
    known = codes.notna().to_numpy()
    proba = bundle.predict_proba(X)
    pred = np.argmax(proba, axis=1)
    true = codes.fillna(-1).to_numpy(dtype=int)
    k = len(bundle.classes)
    out["accuracy"] = float(np.mean(pred == true))
    out["balanced_accuracy"] = float(m.balanced_accuracy_score(true, pred))
    out["macro_f1"] = float(m.f1_score(true, pred, average="macro", labels=list(range(k)), zero_division=0))
    if k == 2:
        out["f1"] = float(m.f1_score(true, pred, pos_label=1, zero_division=0))
    t, p = true[known], proba[known]
    if len(np.unique(t)) > 1:
        if k == 2:
            out["roc_auc"] = float(m.roc_auc_score(t, p[:, 1]))
        elif len(np.unique(t)) == k:
            out["roc_auc"] = float(m.roc_auc_score(t, p, multi_class="ovr", labels=list(range(k))))
        out["log_loss"] = float(m.log_loss(t, np.clip(p, 1e-15, 1), labels=list(range(k))))
    return out
