"""Active learning for a label task: a quick model trained on the labels given suggests the rest.

Once a task has enough labels (:data:`MIN_LABELS` items, at least two classes with two labels
each), :func:`train_suggester` fits a small model on them and writes a suggestion for every item
that is not resolved yet: its most likely class, ``confidence`` (that class's probability) and
``uncertainty`` (``1 -`` the margin between the two most likely classes: 1 when the model cannot
tell them apart). :func:`core.labeling.annotations.next_items` serves the most uncertain items
first, and the labeling screens show the suggestion as a pre-label the annotator confirms or
corrects (``accepted`` on the annotation; :func:`accept_rate`).

The model follows the task's kind:

- **tabular**: a small LightGBM on the version's columns (all but the item column and any column
  named like the label column, which would give the answer away), turned into features by
  :class:`core.modeling.preprocessing.Preprocessor` with the version's semantic types;
- **text**: TF-IDF of character 2-4 grams within words (works for Korean and English alike) and a
  logistic regression, on the item column;
- **image**: not supported yet (:func:`can_suggest` says so).

It trains on each item's resolved label (:func:`core.labeling.agreement.resolve`: a reviewer's
decision or the majority of enough annotators), else on the label most of its annotators gave
(ties: the latest). Labels of classes no longer in the schema are left out. Its stratified
cross-validated accuracy (folds = min(5, the smallest class's count)) is stored with each run
(``label_runs``) next to the accuracy of always guessing the most common class.

Long work runs as the job kind ``label_suggest`` (:func:`enqueue_suggestions`,
:func:`run_suggest_job`).

Example:
    >>> ok, why = can_suggest(ws, task)
    >>> job = enqueue_suggestions(ws, task.id)          # later: suggestions(ws, task.id)[item].label
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.data.reads import get_version
from core.errors import InvalidInput
from core.ids import new_id, utcnow
from core.jobs import JobContext, enqueue, list_jobs
from core.jobs.entities import Job
from core.labeling.agreement import resolve
from core.labeling.annotations import current_labels
from core.labeling.entities import LabelTask, SuggestRun
from core.labeling.tasks import get_task, load_items
from core.modeling.preprocessing import Preprocessor
from core.progress import Progress, ProgressFn, no_progress
from core.workspace import Workspace

__all__ = [
    "JOB_KIND", "MIN_LABELS", "MIN_PER_CLASS", "Suggestion", "accept_rate", "can_suggest", "enqueue_suggestions",
    "feature_columns", "find_suggest_job", "latest_run", "run_suggest_job", "suggestions", "train_suggester",
    "training_labels",
]

JOB_KIND = "label_suggest"
MIN_LABELS = 10
MIN_PER_CLASS = 2
MAX_FOLDS = 5
SEED = 0
TABULAR_LEARNER = "lightgbm"
TEXT_LEARNER = "tfidf_logreg"
_NAME_PARTS = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Suggestion:
    """The model's suggested label for one item.

    Attributes:
        label: the most likely class.
        confidence: its probability (0..1).
        uncertainty: ``1 - (p1 - p2)``, the two most likely classes' probabilities (0 sure, 1 a coin toss).
    """

    label: str
    confidence: float
    uncertainty: float


# ---------------------------------------------------------------- what the model learns from

def training_labels(ws: Workspace, task: LabelTask) -> tuple[pd.Series, set[int]]:
    """Each labeled item's label to learn from, and the items already resolved.

    An item's resolved label (:func:`core.labeling.agreement.resolve`) wins; an item not resolved
    yet learns from the label most of its annotators currently give (a tie: the latest given).

    Returns:
        ``(labels, resolved)``: a Series of class names indexed by item (sorted; labels of any
        class, in the schema or not), and the set of resolved items.
    """
    resolution = resolve(ws, task.id)
    if len(resolution):
        done = resolution[resolution["label"].notna()]
        resolved_labels = pd.Series(done["label"].astype(str).to_numpy(), index=done.index.astype(int))
    else:
        resolved_labels = pd.Series([], dtype=object)
    current = current_labels(ws, task.id)
    current = current[current["label"].notna()] if len(current) else current
    if len(current):
        votes = (current.groupby(["item", "label"], sort=False)["seq"].agg(["size", "max"]).reset_index()
                 .sort_values(["item", "size", "max"], ascending=[True, False, False], kind="stable")
                 .drop_duplicates("item"))
        majority = pd.Series(votes["label"].astype(str).to_numpy(), index=votes["item"].astype(int).to_numpy())
    else:
        majority = pd.Series([], dtype=object)
    labels = pd.concat([resolved_labels, majority[~majority.index.isin(resolved_labels.index)]]).sort_index()
    labels.index = labels.index.astype(int)
    return labels.astype(object), {int(i) for i in resolved_labels.index}


def _norm(name: str) -> str:
    return _NAME_PARTS.sub("", str(name)).casefold()


def feature_columns(task: LabelTask, columns: list[str]) -> list[str]:
    """The columns a tabular task's model reads: all but the item column and those named like the label.

    A column is named like the label when, ignoring case, spaces and punctuation, its name is the
    label column's (the task's name) or that name with "label" after it (what a publication adds on a clash).
    """
    label = _norm(task.label_column)
    like = {label, label + "label"}
    return [c for c in columns if c != task.item_column and _norm(c) not in like]


def _check(ws: Workspace, task: LabelTask, labels: pd.Series | None = None) -> tuple[str, str]:
    """Why a model cannot suggest labels for ``task`` yet and what to do, or ``("", "")``."""
    if task.kind == "image":
        return ("Label suggestions are not supported for image tasks yet.",
                "Label the images by hand; suggestions work for tabular and text tasks.")
    if task.multi_label:
        return ("Label suggestions are available for single-label tasks only.",
                "Label this multi-label task by hand.")
    if task.kind == "text" and not task.item_column:
        return ("This text task has no text column to learn from.",
                "Create the task with the column that holds the text as its item column.")
    if task.kind == "tabular":
        columns = [c.name for c in get_version(ws, task.version_id).schema]
        if not feature_columns(task, columns):
            return ("This task's rows have no columns besides the item and label columns to learn from.",
                    "Suggestions need other columns that describe each row.")
    if labels is None:
        labels, _ = training_labels(ws, task)
    in_schema = labels[labels.isin(task.class_names)]
    counts = in_schema.value_counts()
    usable = counts[counts >= MIN_PER_CLASS]
    if len(in_schema) < MIN_LABELS:
        return (f"Suggestions need at least {MIN_LABELS} labeled items; this task has {len(in_schema)}.",
                f"Label {MIN_LABELS - len(in_schema)} more item(s), then ask for suggestions again.")
    if len(usable) < 2:
        have = ", ".join(f"'{name}' ({n})" for name, n in counts.items())
        return (f"Suggestions need at least two classes with {MIN_PER_CLASS} or more labels each; "
                f"the labels so far are {have}.",
                "Label a few items of another class, then ask for suggestions again.")
    return "", ""


def can_suggest(ws: Workspace, task: LabelTask) -> tuple[bool, str]:
    """Whether a model can suggest labels for this task now, and if not, why.

    It can for tabular and text single-label tasks with at least :data:`MIN_LABELS` labeled items
    in at least two classes that have :data:`MIN_PER_CLASS` labels each (a class with fewer is
    left out of the model until it has them).

    Returns:
        ``(True, "")``, or ``(False, reason)`` with the reason in a sentence.
    """
    reason, _ = _check(ws, task)
    return (not reason), reason


# ---------------------------------------------------------------- the models

def _folds(y: np.ndarray) -> int:
    return int(min(MAX_FOLDS, np.bincount(y).min()))


def _tabular_model(ws: Workspace, task: LabelTask, items: pd.DataFrame, n_train: int,
                   notes: list[str]) -> tuple[Any, Callable[[], Any]]:
    """The feature matrix of every item (fitted on all rows: no label is read) and a model factory."""
    from lightgbm import LGBMClassifier

    version = get_version(ws, task.version_id)
    columns = feature_columns(task, [str(c) for c in items.columns])
    left_out = [c for c in items.columns if c not in columns]
    semantic = {c.name: c.semantic for c in version.schema if c.name in columns}
    pre = Preprocessor(semantic=semantic)
    X = pre.fit_transform(items[columns])
    used = pre.input_columns
    notes.append(f"Learned from {len(used)} column(s): {', '.join(used)}.")
    if left_out:
        notes.append(f"Left out (item or label column): {', '.join(map(str, left_out))}.")
    if pre.dropped:
        notes.append("Not used: " + "; ".join(f"{k} ({v})" for k, v in pre.dropped.items()) + ".")
    min_child = int(max(2, min(20, n_train // 15)))

    def make() -> Any:
        return LGBMClassifier(n_estimators=80, learning_rate=0.1, num_leaves=15, min_child_samples=min_child,
                              min_data_in_bin=1, subsample=1.0, colsample_bytree=1.0, reg_lambda=1.0,
                              random_state=SEED, n_jobs=1, verbose=-1)

    return X, make


def _text_model(task: LabelTask, items: pd.DataFrame, notes: list[str]) -> tuple[Any, Callable[[], Any]]:
    """TF-IDF character 2-4 grams of every item's text (fitted on all items) and a model factory."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    column = str(task.item_column)
    if column not in items.columns:
        raise InvalidInput(f"The text column '{column}' is not in this task's dataset version.",
                           hint="Create a task on a version that has it.")
    texts = items[column].astype(object).where(items[column].notna(), "").astype(str).to_numpy()
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=1,
                                 max_features=200_000, dtype=np.float32)
    X = vectorizer.fit_transform(texts)
    notes.append(f"Learned from the text in '{column}' ({X.shape[1]:,} character n-grams).")

    def make() -> Any:
        return LogisticRegression(C=10.0, max_iter=1000)

    return X, make


def _take(X: Any, rows: np.ndarray) -> Any:
    return X.iloc[rows] if isinstance(X, pd.DataFrame) else X[rows]


def _cv_accuracy(X: Any, y: np.ndarray, make: Callable[[], Any], report: Callable[[float, str], None]) -> tuple[float, int]:
    from sklearn.model_selection import StratifiedKFold

    k = _folds(y)
    scores = []
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=SEED)
    for i, (train, test) in enumerate(splitter.split(np.zeros(len(y)), y)):
        model = make().fit(_take(X, train), y[train])
        scores.append(float((model.predict(_take(X, test)) == y[test]).mean()))
        report(0.3 + 0.45 * (i + 1) / k, f"Cross-validated fold {i + 1} of {k}")
    return float(np.mean(scores)), k


# ---------------------------------------------------------------- a run

def train_suggester(ws: Workspace, task_id: str, on_progress: ProgressFn = no_progress, *,
                    job_id: str | None = None) -> SuggestRun:
    """Train a quick model on the task's labels and replace its suggestions for every unresolved item.

    The run (``label_runs``) and the new suggestions are written in one transaction; the task's
    previous suggestions are replaced then, not before (a failure keeps them).

    Args:
        ws: the workspace.
        task_id: the label task.
        on_progress: receives progress reports.
        job_id: the job this runs in, recorded with the run.

    Returns:
        The stored run: learner, items learned from, items suggested, classes, metrics
        (``cv_accuracy``, ``cv_folds``, ``baseline_accuracy``, ``n_labeled``) and notes.

    Raises:
        NotFound: unknown task.
        InvalidInput: the task cannot have suggestions yet (:func:`can_suggest` says why), or its
            columns cannot be turned into features.
    """
    def report(fraction: float, message: str) -> None:
        on_progress(Progress(fraction, message))

    task = get_task(ws, task_id)
    report(0.0, "Reading the labels")
    labels, resolved = training_labels(ws, task)
    reason, hint = _check(ws, task, labels)
    if reason:
        raise InvalidInput(reason, hint=hint)
    notes: list[str] = []
    outside = labels[~labels.isin(task.class_names)]
    if len(outside):
        notes.append(f"Left out {len(outside)} label(s) of classes no longer in the schema.")
    labels = labels[labels.isin(task.class_names)]
    counts = labels.value_counts()
    rare = [str(c) for c in counts.index if counts[c] < MIN_PER_CLASS]
    if rare:
        notes.append(f"Left out classes with fewer than {MIN_PER_CLASS} labels: {', '.join(rare)}.")
    labels = labels[~labels.isin(rare)]
    classes = [c for c in task.class_names if c in set(labels)]
    code = {c: i for i, c in enumerate(classes)}
    y = labels.map(code).to_numpy(dtype=int)

    report(0.1, "Preparing features")
    items = load_items(ws, task)
    if task.kind == "text":
        X, make = _text_model(task, items, notes)
        learner = TEXT_LEARNER
    else:
        X, make = _tabular_model(ws, task, items, len(labels), notes)
        learner = TABULAR_LEARNER
    n_items = len(items)
    train_rows = labels.index.to_numpy(dtype=int)
    if train_rows.size and train_rows.max() >= n_items:
        notes.append("Left out labels of items beyond the version's rows.")
        keep = train_rows < n_items
        train_rows, y = train_rows[keep], y[keep]
    X_train = _take(X, train_rows)

    report(0.3, "Cross-validating")
    accuracy, folds = _cv_accuracy(X_train, y, make, report)
    report(0.8, f"Training on {len(y):,} labeled items")
    model = make().fit(X_train, y)
    targets = np.array([i for i in range(n_items) if i not in resolved], dtype=int)
    rows: list[tuple[Any, ...]] = []
    run_id = new_id("lbr")
    if targets.size:
        proba = model.predict_proba(_take(X, targets))
        order = np.argsort(-proba, axis=1, kind="stable")
        p1 = proba[np.arange(len(targets)), order[:, 0]]
        p2 = proba[np.arange(len(targets)), order[:, 1]]
        uncertainty = 1.0 - (p1 - p2)
        fitted = [classes[int(c)] for c in model.classes_]
        rows = [(task.id, int(item), run_id, fitted[int(top)], float(conf), float(unc))
                for item, top, conf, unc in zip(targets, order[:, 0], p1, uncertainty, strict=True)]
    metrics = {"cv_accuracy": round(accuracy, 6), "cv_folds": folds,
               "baseline_accuracy": round(float(np.bincount(y).max() / len(y)), 6), "n_labeled": int(len(y))}
    report(0.9, f"Storing {len(rows):,} suggestions")
    record = {"id": run_id, "task_id": task.id, "job_id": job_id, "learner": learner, "n_labeled": int(len(y)),
              "n_suggested": len(rows), "classes": json.dumps(classes), "metrics": json.dumps(metrics),
              "notes": json.dumps(notes), "created_at": utcnow()}
    with ws.write() as db:
        db["label_runs"].insert(record)
        db.execute("DELETE FROM label_suggestions WHERE task_id = ?", [task.id])
        db.conn.executemany("INSERT INTO label_suggestions (task_id, item, run_id, label, confidence, uncertainty) "
                            "VALUES (?, ?, ?, ?, ?, ?)", rows)
    report(1.0, f"Suggested labels for {len(rows):,} items (cross-validated accuracy {accuracy:.0%})")
    return SuggestRun.from_row(record)


def suggestions(ws: Workspace, task_id: str) -> dict[int, Suggestion]:
    """The current suggestion for each unresolved item of the task (empty before the first run)."""
    with ws.read() as db:
        rows = db.execute("SELECT item, label, confidence, uncertainty FROM label_suggestions WHERE task_id = ?",
                          [task_id]).fetchall()
    return {int(r[0]): Suggestion(str(r[1]), float(r[2]), float(r[3])) for r in rows}


def latest_run(ws: Workspace, task_id: str) -> SuggestRun | None:
    """The task's newest suggestion run, or ``None`` before the first."""
    with ws.read() as db:
        row = next(db.query("SELECT * FROM label_runs WHERE task_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
                            [task_id]), None)
    return SuggestRun.from_row(row) if row else None


def accept_rate(ws: Workspace, task_id: str) -> float | None:
    """The share of current labels given with a suggestion shown that took it (``None`` when none had one)."""
    current = current_labels(ws, task_id)
    if not len(current):
        return None
    shown = current[current["suggested"].notna()]
    if not len(shown):
        return None
    return float(shown["accepted"].astype(bool).mean())


# ---------------------------------------------------------------- the job

def find_suggest_job(ws: Workspace, task_id: str) -> Job | None:
    """The task's ``label_suggest`` job that is queued or running, else ``None``."""
    for job in list_jobs(ws, kind=JOB_KIND, limit=100):
        if not job.finished and (job.payload or {}).get("task_id") == task_id:
            return job
    return None


def enqueue_suggestions(ws: Workspace, task_id: str, *, start_worker: bool = True) -> Job:
    """Queue a ``label_suggest`` job for the task; while one is queued or running, return that one.

    Args:
        ws: the workspace.
        task_id: the label task.
        start_worker: start a worker process if none is alive.

    Returns:
        The queued (or already queued/running) job.

    Raises:
        NotFound: unknown task.
        InvalidInput: the task cannot have suggestions yet (the message says why, the hint what to do).
    """
    task = get_task(ws, task_id)
    reason, hint = _check(ws, task)
    if reason:
        raise InvalidInput(reason, hint=hint)
    running = find_suggest_job(ws, task.id)
    if running is not None:
        return running
    return enqueue(ws, JOB_KIND, {"task_id": task.id}, title=f"Suggest labels for '{task.name}'",
                   project_id=task.project_id, start_worker=start_worker)


CANCEL_CHECK_SECONDS = 0.5


def run_suggest_job(ctx: JobContext) -> dict[str, Any]:
    """Run :func:`train_suggester` for the job's task (job kind ``label_suggest``), reporting progress.

    A cancel is noticed at the next progress report; nothing is stored then.

    Returns:
        ``{"run_id", "task_id", "n_labeled", "n_suggested", "cv_accuracy"}``.

    Raises:
        JobCancelled: if the user cancelled the job.
        InvalidInput: if the payload names no task, or as :func:`train_suggester`.
        NotFound: the task is gone.
    """
    task_id = ctx.payload.get("task_id")
    if not task_id:
        raise InvalidInput("This suggestion job names no label task.",
                           hint="Ask for suggestions again from the Label page.")
    last = [0.0]

    def report(progress: Progress) -> None:
        now = time.monotonic()
        if now - last[0] >= CANCEL_CHECK_SECONDS and (progress.fraction or 0.0) < 0.9:
            last[0] = now
            ctx.check_cancelled()
        ctx.on_progress(progress)

    ctx.check_cancelled()
    run = train_suggester(ctx.ws, str(task_id), report, job_id=ctx.job.id)
    accuracy = run.metrics.get("cv_accuracy")
    ctx.log(f"Suggestion run {run.id}: learned from {run.n_labeled:,} labeled items, suggested {run.n_suggested:,}; "
            f"cross-validated accuracy {accuracy:.3f} ({run.learner})")
    for note in run.notes:
        ctx.log(note)
    ctx.progress(1.0, f"Suggested labels for {run.n_suggested:,} items", force=True)
    return {"run_id": run.id, "task_id": run.task_id, "n_labeled": run.n_labeled, "n_suggested": run.n_suggested,
            "cv_accuracy": accuracy}
