"""What an AutoML search is asked to do, checked before anything runs.

:class:`SearchConfig` is the experiment's search spec as a user states it (target, task,
metric, budget, learners, evaluation, seed); :func:`validate` checks it against the
training rows and resolves every "auto" into a :class:`ResolvedConfig` the search runs
with, or raises an :class:`~core.errors.InvalidInput` that says what to change. The
metric and learner catalogues here feed the experiment form and the CLI.

Example:
    >>> rc = validate(SearchConfig(target="churned", time_budget=30), train_df)
    >>> rc.task, rc.metric, rc.eval_method
    ('binary', 'roc_auc', 'cv')
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from core.errors import InvalidInput
from core.experiments.learners import LEARNERS
from core.experiments.training import split_xy
from core.modeling import TASKS

# FLAML's metric names per task. What each computes (flaml/automl/ml.py, sklearn_metric_loss_score):
# roc_auc_ovr / roc_auc_ovo are scikit-learn's roc_auc_score(multi_class="ovr"/"ovo") with the default
# macro average (every class counts the same); the *_weighted ones average weighted by class
# prevalence. FLAML's "roc_auc_weighted" is left out for multiclass: it passes class labels, not
# probabilities, and every trial fails ("multi_class must be in ('ovo', 'ovr')").
METRICS: dict[str, tuple[str, ...]] = {
    "binary": ("roc_auc", "accuracy", "log_loss", "f1", "ap", "macro_f1", "micro_f1"),
    "multiclass": ("log_loss", "accuracy", "macro_f1", "micro_f1", "roc_auc_ovr", "roc_auc_ovo",
                   "roc_auc_ovr_weighted", "roc_auc_ovo_weighted"),
    "regression": ("r2", "rmse", "mae", "mse", "mape"),
}
# A hypothesis's metric that the search names differently for a task: the same quantity.
# For two classes every ROC AUC average is the one ROC AUC; for several, the holdout's
# ``roc_auc`` (``search.evaluate``) is one-vs-rest with the macro average, FLAML's roc_auc_ovr.
_SAME_METRIC: dict[tuple[str, str], str] = {
    ("binary", "roc_auc_ovr"): "roc_auc", ("binary", "roc_auc_ovo"): "roc_auc",
    ("multiclass", "roc_auc"): "roc_auc_ovr",
}
_MAXIMIZED = {"r2", "accuracy", "roc_auc", "roc_auc_ovr", "roc_auc_ovo", "roc_auc_weighted",
              "roc_auc_ovr_weighted", "roc_auc_ovo_weighted", "f1", "ap", "micro_f1", "macro_f1"}
DEFAULT_LEARNERS: dict[str, tuple[str, ...]] = {
    "classification": ("lgbm", "xgboost", "xgb_limitdepth", "rf", "extra_tree", "lrl2", "lrl1", "kneighbor"),
    "regression": ("lgbm", "xgboost", "xgb_limitdepth", "rf", "extra_tree", "ridge"),
}
EVAL_METHODS = ("auto", "holdout", "cv")
CV_MAX_ROWS = 10_000
CV_CELLS_PER_SECOND = 2500
CV_ALWAYS_ROWS = 2000
MULTITHREAD_CELLS = 200_000
SVM_MAX_ROWS = 5000
MIN_ROWS = 10
# A held-out split smaller than this (or with fewer rows of some class) is too small to judge a
# model on: its metrics are then estimated by repeated cross-validation instead (Compare step).
SMALL_HOLDOUT_ROWS = 30
SMALL_HOLDOUT_CLASS_ROWS = 10
REPEATED_CV_NOTE = ("That is too few to judge a model on, so the model will be evaluated by repeated "
                    "cross-validation instead of the single held-out split.")
# Cores the worker may use: its CPU affinity, one left for the app on a machine of at most this many;
# the variable overrides the count.
SMALL_MACHINE_CORES = 4
WORKER_CORES_ENV = "MLCYCLE_WORKER_CORES"
RAY_HINT = "Install the Ray extra with `pip install -r requirements-ray.txt`, or set parallel trials to 1."



# ---------------------------------------------------------------- spec

@dataclass(frozen=True)
class SearchConfig:
    """What to search for; validated by :func:`validate` when the search runs.

    Attributes:
        target: the column to predict.
        task: ``auto`` (detected from the target), ``binary``, ``multiclass``, ``regression``
            or ``classification`` (binary or multiclass, detected).
        metric: ``auto`` (see :func:`default_metric`) or any FLAML metric of the task (``METRICS``).
        time_budget: seconds for the search (``None`` or 0: no time limit, then ``max_trials`` is needed).
        max_trials: the most trials to run (``None``: no limit).
        learners: FLAML learner names (``None``: :data:`DEFAULT_LEARNERS` of the task).
        eval_method: ``auto`` (k-fold CV for data that is small for the budget, else holdout),
            ``holdout`` or ``cv``.
        holdout_fraction: share of the training rows used for validation with ``holdout``.
        n_splits: folds for ``cv``.
        feature_columns: raw columns to use (``None``: every column but the target).
        feature_set: the id of a saved feature set (``core.features``) the columns come from, or
            ``None``. :func:`core.experiments.service.create_experiment` fills ``feature_columns``
            from it (or checks that they match it) and records the set; :func:`validate` does not read it.
        seed: seeds the search and every learner.
        n_jobs: threads per trial (``None``: :func:`default_n_jobs`, from the cores the worker may
            use, :func:`worker_cores`).
        n_concurrent_trials: trials run at once on Ray (needs the Ray extra; ``RAY_ADDRESS`` picks a cluster).
        retrained_from: the id of the experiment this one retrains (the Monitor step's "Retrain": the
            old spec on its training rows plus newly labeled rows), or ``None``.
            :func:`core.experiments.service.create_experiment` checks it exists and records the lineage
            link ``experiment --retrained_from--> experiment``; :func:`validate` does not read it.
    """

    target: str
    task: str = "auto"
    metric: str = "auto"
    time_budget: float | None = 60.0
    max_trials: int | None = None
    learners: tuple[str, ...] | None = None
    eval_method: str = "auto"
    holdout_fraction: float = 0.2
    n_splits: int = 5
    feature_columns: tuple[str, ...] | None = None
    seed: int = 0
    n_jobs: int | None = None
    n_concurrent_trials: int = 1
    feature_set: str | None = None
    retrained_from: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the spec as JSON (for the experiment row)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SearchConfig:
        """Build a spec from :meth:`as_dict` output (unknown keys are ignored; missing ones take their
        defaults, so a spec stored before a field existed still loads)."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        for key in ("learners", "feature_columns"):
            if values.get(key) is not None:
                values[key] = tuple(values[key])
        return cls(**values)


@dataclass(frozen=True)
class ResolvedConfig:
    """A validated spec with every ``auto`` decided; what the search actually ran with."""

    target: str
    task: str
    metric: str
    time_budget: float | None
    max_trials: int | None
    learners: tuple[str, ...]
    eval_method: str
    holdout_fraction: float
    n_splits: int
    feature_columns: tuple[str, ...]
    seed: int
    n_jobs: int
    n_concurrent_trials: int
    n_rows: int
    n_rows_without_target: int
    classes: tuple[Any, ...] | None = None
    warnings: tuple[str, ...] = ()
    cores_available: int | None = None  # the cores the worker may use (:func:`worker_cores`)

    def as_dict(self) -> dict[str, Any]:
        """Return the resolved spec as JSON."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


def holdout_too_small(y_holdout: pd.Series, task: str) -> str | None:
    """Say why a held-out split is too small to judge a model on, or ``None`` when it is big enough.

    Too small: under :data:`SMALL_HOLDOUT_ROWS` rows with a target, or (classification) under
    :data:`SMALL_HOLDOUT_CLASS_ROWS` rows of some class.

    Args:
        y_holdout: the held-out rows' target values (empty values are not counted).
        task: ``binary``, ``multiclass`` or ``regression``.

    Returns:
        A sentence naming the count that is too small, e.g. "The held-out split has 7 rows (under 30)."
    """
    y = y_holdout.dropna()
    if len(y) < SMALL_HOLDOUT_ROWS:
        return f"The held-out split has {len(y)} rows (under {SMALL_HOLDOUT_ROWS})."
    if task in ("binary", "multiclass"):
        counts = y.astype(str).value_counts()
        small = counts[counts < SMALL_HOLDOUT_CLASS_ROWS]
        if len(small):
            shown = ", ".join(f"'{k}' {int(v)}" for k, v in small.head(5).items())
            return f"The held-out split has fewer than {SMALL_HOLDOUT_CLASS_ROWS} rows of some classes ({shown})."
    return None


@dataclass(frozen=True)
class HoldoutCheck:
    """Whether the held-out split an experiment would make is big enough to judge a model on.

    Attributes:
        n_rows: held-out rows with a target value.
        small_classes: (classification) the classes with fewer than :data:`SMALL_HOLDOUT_CLASS_ROWS`
            held-out rows, with their counts, most frequent first (at most five).
        reason: :func:`holdout_too_small`'s sentence, or ``None`` when the split is big enough.
    """

    n_rows: int
    small_classes: dict[str, int]
    reason: str | None

    @property
    def too_small(self) -> bool:
        """Whether the model will be evaluated by repeated cross-validation instead of the split."""
        return self.reason is not None

    @property
    def warning(self) -> str | None:
        """What to tell the user before the run (English), or ``None`` when the split is big enough."""
        return f"{self.reason} {REPEATED_CV_NOTE}" if self.reason else None

    def as_dict(self) -> dict[str, Any]:
        """Return the check as JSON (``too_small`` and ``warning`` included)."""
        return {"n_rows": self.n_rows, "small_classes": dict(self.small_classes), "reason": self.reason,
                "too_small": self.too_small, "warning": self.warning}


def check_holdout(y_holdout: pd.Series, task: str) -> HoldoutCheck:
    """:func:`holdout_too_small` with its numbers, for a warning shown before the run.

    Args:
        y_holdout: the held-out rows' target values (empty values are not counted).
        task: ``binary``, ``multiclass`` or ``regression``.

    Returns:
        The check.
    """
    y = y_holdout.dropna()
    small: dict[str, int] = {}
    if task in ("binary", "multiclass") and len(y):
        counts = y.astype(str).value_counts()
        small = {str(k): int(v) for k, v in counts[counts < SMALL_HOLDOUT_CLASS_ROWS].head(5).items()}
    return HoldoutCheck(n_rows=int(len(y)), small_classes=small, reason=holdout_too_small(y_holdout, task))


def detect_task(y: pd.Series) -> str:
    """Guess the task from the target values.

    Text, categorical and boolean targets are classification; numbers are regression
    unless they are whole numbers with at most 20 distinct values (then classification).

    Args:
        y: the target column (missing values are ignored).

    Returns:
        ``binary``, ``multiclass`` or ``regression``.

    Raises:
        InvalidInput: if the target has no values.
    """
    values = y.dropna()
    if not pd.api.types.is_numeric_dtype(values.dtype):
        values = values[values.astype(str).str.strip() != ""]
    if values.empty:
        raise InvalidInput(f"The target '{y.name}' is empty.", hint="Choose a column that has values.")
    n_unique = values.nunique()
    if pd.api.types.is_bool_dtype(values.dtype) or not pd.api.types.is_numeric_dtype(values.dtype):
        return "binary" if n_unique <= 2 else "multiclass"
    if n_unique <= 2:
        return "binary"
    numbers = values.to_numpy(dtype=float)
    numbers = numbers[np.isfinite(numbers)]  # inf and -inf are refused by validate, not guessed on
    whole = bool(np.all(np.mod(numbers, 1) == 0))
    return "multiclass" if whole and n_unique <= 20 else "regression"


def default_metric(task: str) -> str:
    """Return the metric a search optimises when the spec says ``auto``.

    ROC AUC for binary, log loss for multiclass, R² for regression (FLAML's defaults:
    threshold-free and sensitive to probability quality).

    Raises:
        InvalidInput: if the task is unknown.
    """
    if task not in METRICS:
        raise InvalidInput(f"Unknown task '{task}'.", hint=f"Use one of: {', '.join(TASKS)}.")
    return METRICS[task][0]


def metric_for_task(metric: str, task: str) -> str | None:
    """The search metric that measures a hypothesis's ``metric`` on a ``task``, or ``None`` if none does.

    Args:
        metric: a metric name (say, a hypothesis's success criterion: ``roc_auc``).
        task: ``binary``, ``multiclass`` or ``regression``.

    Returns:
        ``metric`` itself when the task's search can optimise it, the task's name for the same
        quantity (``roc_auc`` on a multiclass task is ``roc_auc_ovr``), else ``None`` (``r2``
        for a classification, ``accuracy`` for a regression).
    """
    if metric in METRICS.get(task, ()):
        return metric
    return _SAME_METRIC.get((task, metric))


def metric_direction(metric: str) -> str:
    """Return ``max`` if a higher value of ``metric`` is better, else ``min``."""
    return "max" if metric in _MAXIMIZED else "min"


def available_learners(task: str) -> list[str]:
    """Return the learners that can run ``task`` with the installed packages.

    Raises:
        InvalidInput: if the task is unknown.
    """
    if task not in METRICS:
        raise InvalidInput(f"Unknown task '{task}'.", hint=f"Use one of: {', '.join(TASKS)}.")
    return [n for n, learner in LEARNERS.items() if learner.supports(task) and learner.installed()]


def default_learners(task: str, n_rows: int | None = None) -> list[str]:
    """Return the learners a search tries when the spec names none.

    Args:
        task: ``binary``, ``multiclass`` or ``regression``.
        n_rows: training rows; the RBF SVM (quadratic in rows) joins only up to ``SVM_MAX_ROWS``,
            k-NN and L1 logistic regression only up to that size too.
    """
    kind = "regression" if task == "regression" else "classification"
    names = list(DEFAULT_LEARNERS[kind])
    small = n_rows is None or n_rows <= SVM_MAX_ROWS
    if kind == "classification" and small and n_rows is not None:
        names.append("rbf_svm")
    if not small:  # k-NN predicts in O(rows^2) and L1 logistic regression (saga) is slow on larger data
        names = [n for n in names if n not in ("kneighbor", "lrl1")]
    return [n for n in names if n in available_learners(task)]


def validate(config: SearchConfig, train_df: pd.DataFrame) -> ResolvedConfig:
    """Check a spec against the training rows and decide every ``auto``.

    Args:
        config: the spec.
        train_df: the training rows (raw columns, including the target).

    Returns:
        The resolved spec.

    Raises:
        InvalidInput: naming the problem: the target is missing or empty, a single class, a class
            with one row, a text regression target, an infinite target value (with the number of
            rows), too few rows for the folds, no budget,
            unknown or uninstalled learners, an unknown metric, Ray missing for parallel trials, or
            ``MLCYCLE_WORKER_CORES`` not a number of cores.
    """
    notes: list[str] = []
    if not isinstance(train_df, pd.DataFrame) or train_df.empty:
        raise InvalidInput("The training data has no rows.", hint="Choose a dataset version with data.")
    X, y = split_xy(train_df, config.target, list(config.feature_columns) if config.feature_columns else None)
    if y.empty:
        raise InvalidInput(f"The target column '{config.target}' is empty in every row.",
                           hint="Choose a target that has values, or label the rows first.")
    n_without = len(train_df) - len(y)
    if n_without:
        notes.append(f"{n_without} rows without a target value are left out.")
    if X.shape[1] == 0:
        raise InvalidInput("The feature set is empty.", hint="Choose at least one column besides the target.")
    _check_finite(y)
    task = _resolve_task(config.task, y)
    classes = _check_target(y, task)
    metric = config.metric
    if metric == "auto":
        metric = default_metric(task)
    elif metric not in METRICS[task]:
        raise InvalidInput(f"Metric '{metric}' does not fit a {task} task.",
                           hint=f"Use one of: {', '.join(METRICS[task])}.")
    budget, max_trials = _check_budget(config)
    learners = _check_learners(config.learners, task, len(y))
    if not 0.0 < config.holdout_fraction < 1.0:
        raise InvalidInput(f"The holdout fraction must be between 0 and 1, got {config.holdout_fraction}.")
    if config.n_splits < 2:
        raise InvalidInput(f"Cross-validation needs at least 2 folds, got {config.n_splits}.")
    if len(y) < MIN_ROWS:
        raise InvalidInput(f"Only {len(y)} rows have a target value; a search needs at least {MIN_ROWS}.",
                           hint="Add rows to the dataset.")
    eval_method = _resolve_eval_method(config, y, task, X.shape[1])
    n_concurrent = _check_parallel(config.n_concurrent_trials)
    cores = worker_cores()
    n_jobs = config.n_jobs if config.n_jobs and config.n_jobs > 0 else default_n_jobs(len(y), X.shape[1], n_concurrent)
    if not isinstance(config.seed, int | np.integer):
        raise InvalidInput(f"The seed must be a whole number, got {config.seed!r}.")
    return ResolvedConfig(
        target=config.target, task=task, metric=metric, time_budget=budget, max_trials=max_trials,
        learners=tuple(learners), eval_method=eval_method, holdout_fraction=float(config.holdout_fraction),
        n_splits=int(config.n_splits), feature_columns=tuple(map(str, X.columns)), seed=int(config.seed),
        n_jobs=int(n_jobs), n_concurrent_trials=n_concurrent,
        n_rows=len(y), n_rows_without_target=n_without,
        classes=tuple(classes) if classes is not None else None, warnings=tuple(notes),
        cores_available=cores,
    )


def worker_cores() -> int:
    """The cores a search in this process may use.

    The cores this process may run on (its CPU affinity; the machine's count where that is not
    known). On a small machine (at most :data:`SMALL_MACHINE_CORES`) one is left for the app,
    so the pages stay responsive while the worker trains. ``MLCYCLE_WORKER_CORES`` overrides
    the count.

    Returns:
        At least 1.

    Raises:
        InvalidInput: if ``MLCYCLE_WORKER_CORES`` is set to something other than a whole number of
            at least 1.
    """
    wanted = os.environ.get(WORKER_CORES_ENV, "").strip()
    if wanted:
        try:
            n = int(wanted)
        except ValueError:
            n = 0
        if n < 1:
            raise InvalidInput(f"{WORKER_CORES_ENV}={wanted!r} is not a number of cores: it must be a whole "
                               "number of at least 1.",
                               hint="Set it to e.g. 2, or unset it to use the cores the worker may run on.")
        return n
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        n = os.cpu_count() or 1
    return max(1, n - 1) if n <= SMALL_MACHINE_CORES else n


def default_n_jobs(n_rows: int, n_cols: int, n_concurrent_trials: int = 1) -> int:
    """Threads per trial: one for small data (thread start-up costs more than it saves), else the
    cores the worker may use (:func:`worker_cores`) shared among the trials run at once.

    Raises:
        InvalidInput: if ``MLCYCLE_WORKER_CORES`` is not a whole number of at least 1.
    """
    if n_rows * max(n_cols, 1) < MULTITHREAD_CELLS:
        return 1
    return max(1, worker_cores() // max(1, n_concurrent_trials))


def _resolve_task(task: str, y: pd.Series) -> str:
    detected = detect_task(y)
    if task == "auto":
        return detected
    if task == "classification":
        if detected == "regression":
            return "binary" if y.nunique() <= 2 else "multiclass"
        return detected
    if task not in TASKS:
        raise InvalidInput(f"Unknown task '{task}'.", hint=f"Use auto, classification or one of: {', '.join(TASKS)}.")
    n_classes = y.nunique()
    if task == "binary" and n_classes > 2:
        raise InvalidInput(f"The target '{y.name}' has {n_classes} classes, so the task cannot be binary.",
                           hint="Use multiclass, or auto.")
    if task == "multiclass" and n_classes == 2:
        return "binary"
    return task


def _check_finite(y: pd.Series, numbers: pd.Series | None = None) -> None:
    """Refuse a numeric target with inf or -inf values (a learner cannot fit them), counting the rows.

    Raises:
        InvalidInput: naming the target and how many rows are infinite.
    """
    if numbers is None:
        if not pd.api.types.is_numeric_dtype(y.dtype) or pd.api.types.is_bool_dtype(y.dtype):
            return
        numbers = y
    n_bad = int(np.isinf(numbers.to_numpy(dtype=float, na_value=np.nan)).sum())
    if n_bad:
        raise InvalidInput(f"The target '{y.name}' is infinite (inf or -inf) in {n_bad} row{'s' if n_bad > 1 else ''}; "
                           "a target must be a finite number.",
                           hint="Remove or fix those rows (derive a version that filters them out), then run again.")


def _check_target(y: pd.Series, task: str) -> list[Any] | None:
    if task == "regression":
        if not pd.api.types.is_numeric_dtype(y.dtype) or pd.api.types.is_bool_dtype(y.dtype):
            values = pd.to_numeric(y, errors="coerce")
            if values.isna().any() or pd.api.types.is_bool_dtype(y.dtype):
                bad = y[values.isna()].iloc[0] if values.isna().any() else y.iloc[0]
                raise InvalidInput(f"The target '{y.name}' holds text ({bad!r}); a regression target must be numeric.",
                                   hint="Choose a numeric target, or set the task to classification.")
            _check_finite(y, values)  # "inf" written as text
        return None
    counts = y.value_counts()
    if len(counts) < 2:
        raise InvalidInput(f"The target '{y.name}' has only one class ({counts.index[0]!r}); there is nothing to learn.",
                           hint="Choose another target, or add rows of the other classes.")
    single = [c for c, n in counts.items() if n < 2]
    if single:
        raise InvalidInput(f"Class {single[0]!r} of target '{y.name}' has a single row; every class needs at least 2"
                           + (f" ({len(single)} classes have one row)." if len(single) > 1 else "."),
                           hint="Add rows of that class, or remove it from the data.")
    from core.modeling.preprocessing import sorted_labels

    return sorted_labels(counts.index.tolist())


def _check_budget(config: SearchConfig) -> tuple[float | None, int | None]:
    budget = config.time_budget
    if budget is not None and (not isinstance(budget, int | float) or math.isnan(budget) or budget < 0):
        raise InvalidInput(f"The time budget must be a positive number of seconds, got {budget!r}.")
    if config.max_trials is not None and config.max_trials < 1:
        raise InvalidInput(f"The maximum number of trials must be at least 1, got {config.max_trials}.")
    if not budget and config.max_trials is None:
        raise InvalidInput("The search has no budget: the time budget is 0 and there is no maximum number of trials.",
                           hint="Give a time budget in seconds, or a maximum number of trials.")
    return (float(budget) if budget else None), config.max_trials


def _check_learners(names: tuple[str, ...] | None, task: str, n_rows: int) -> list[str]:
    available = available_learners(task)
    if names is None:
        return default_learners(task, n_rows)
    names = list(dict.fromkeys(names))
    if not names:
        raise InvalidInput("No learner is selected.", hint=f"Choose from: {', '.join(available)}.")
    unknown = [n for n in names if n not in LEARNERS]
    if unknown:
        raise InvalidInput(f"Unknown learner{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.",
                           hint=f"Available for {task}: {', '.join(available)}.")
    missing = [n for n in names if not LEARNERS[n].installed()]
    if missing:
        pkgs = " ".join(sorted({LEARNERS[n].requires or n for n in missing}))
        raise InvalidInput(f"Learner{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                           f"{'are' if len(missing) > 1 else 'is'} not installed.",
                           hint=f"Install with `pip install {pkgs}`, or choose from: {', '.join(available)}.")
    wrong = [n for n in names if not LEARNERS[n].supports(task)]
    if wrong:
        raise InvalidInput(f"Learner{'s' if len(wrong) > 1 else ''} {', '.join(wrong)} cannot be used for a {task} task.",
                           hint=f"Available for {task}: {', '.join(available)}.")
    return names


def _small_enough_for_cv(n_rows: int, n_cols: int, budget: float | None) -> bool:
    """k-fold CV when the data is small for the budget (FLAML's rule), always below 2,000 rows."""
    if n_rows < CV_ALWAYS_ROWS:
        return True
    if n_rows >= CV_MAX_ROWS:
        return False
    cells = n_rows * max(n_cols, 1)
    return cells <= CV_CELLS_PER_SECOND * budget if budget else True


def _resolve_eval_method(config: SearchConfig, y: pd.Series, task: str, X_width: int) -> str:
    method = config.eval_method
    if method not in EVAL_METHODS:
        raise InvalidInput(f"Unknown evaluation '{method}'.", hint=f"Use one of: {', '.join(EVAL_METHODS)}.")
    if method == "auto":
        method = "cv" if _small_enough_for_cv(len(y), X_width, config.time_budget) else "holdout"
        if method == "cv" and task != "regression" and y.value_counts().min() < config.n_splits:
            method = "holdout"
        if method == "cv" and len(y) < 2 * config.n_splits:
            method = "holdout"
    if method == "cv":
        if task != "regression":
            counts = y.value_counts()
            if counts.min() < config.n_splits:
                raise InvalidInput(
                    f"Class {counts.idxmin()!r} has {counts.min()} rows, too few for {config.n_splits}-fold "
                    "cross-validation (each fold needs one row of every class).",
                    hint=f"Use at most {counts.min()} folds, holdout, or add rows.")
        elif len(y) < 2 * config.n_splits:
            raise InvalidInput(f"{len(y)} rows are too few for {config.n_splits}-fold cross-validation.",
                               hint=f"Use at most {len(y) // 2} folds, or add rows.")
    else:
        n_val = int(round(len(y) * config.holdout_fraction))
        n_classes = y.nunique() if task != "regression" else 1
        if n_val < max(2, n_classes) or len(y) - n_val < max(2, n_classes):
            raise InvalidInput(f"{len(y)} rows are too few for a {config.holdout_fraction:.0%} holdout.",
                               hint="Use cross-validation, a larger holdout share, or add rows.")
    return method


def _check_parallel(n: int) -> int:
    if not isinstance(n, int | np.integer) or n < 1:
        raise InvalidInput(f"Parallel trials must be a whole number of at least 1, got {n!r}.")
    if n > 1:
        try:
            import ray  # noqa: F401
            import ray.tune  # noqa: F401
        except ImportError as exc:
            raise InvalidInput(f"Running {n} trials in parallel needs Ray, which is not installed.",
                               hint=RAY_HINT) from exc
    return int(n)
