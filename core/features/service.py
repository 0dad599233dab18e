"""Feature-importance reports of a dataset version, stored and reused, and named feature sets.

:func:`analyze` ranks a version's columns for a target with every method of
:mod:`core.features.importance` (mutual information, univariate association, LightGBM gain,
permutation importance), with the warnings (leakage, ID-like, constant, missing, named after the
target), and stores the result as a :class:`FeatureReport` (a row of ``feature_reports``). A
report is keyed by (version, target, ``settings_key``), where the key hashes the settings, the
task and the version's column types (:func:`report_key`; ``task="auto"`` is resolved first, so
asking for the detected task by name reuses the same report; changing a column's type ranks
anew). Asking again reads the stored one back.

A page computes a report while the user waits when the version has at most :data:`INLINE_CELLS`
cells (rows x columns, :func:`runs_inline`); larger ones run as ``features`` jobs
(:func:`enqueue_report`, :func:`run_features_job`) with progress. The job's payload is
``{"version_id", "target", "task", "settings"}``, so the Jobs page links it to its version.

A feature set is a named selection of a version's columns (:func:`save_set`): picked by hand,
the report's columns without the warned ones (:func:`drop_warned`), or its top k
(:func:`top_k`). It records what it left out and why, and is linked
``feature_set --selected_from--> dataset_version``. The experiment form offers the active sets of
the version's dataset whose columns all exist in the version it trains on
(:func:`sets_for_version`).

``dropped`` entries are ``{"column", "kind", "reason"}``: ``kind`` is a warning's kind (leakage,
id, constant, near_constant, missing, target_name; several joined by commas), ``below_top_k`` (a
sound column ranked below the k kept) or ``manual`` (left out by hand), and ``reason`` is an
English sentence (the warnings' own reasons, or ``"Ranked 7th by consensus; the set keeps the
top 5."``).

Example:
    >>> report = analyze(ws, version.id, "churned")
    >>> [r["column"] for r in report.ranking[:3]], report.warned_columns
    (['tenure', 'plan', 'monthly_fee'], ['customer_id'])
    >>> columns, dropped = drop_warned(report)
    >>> fs = save_set(ws, version.id, "no leaks", columns, target="churned", dropped=dropped,
    ...               how="drop_warned", report_id=report.id)
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from core.data.entities import DatasetVersion
from core.data.reads import dataset_projects, get_dataset, get_version, load_frame
from core.errors import Conflict, InvalidInput, NotFound, map_errors
from core.ids import new_id, utcnow
from core.jobs import JobContext, enqueue, list_jobs
from core.jobs.entities import Job
from core.progress import Progress, ProgressFn, no_progress
from core.store.activity import record_event
from core.store.entities import _Entity
from core.store.lineage import add_link
from core.workspace import Workspace

__all__ = [
    "INLINE_CELLS", "JOB_KIND", "MIN_ROWS", "PROGRESS_MESSAGES", "TASKS", "FeatureReport", "FeatureSet", "analyze", "archive_set",
    "drop_warned", "enqueue_report", "find_features_job", "find_report", "find_set", "get_report", "get_set",
    "dataset_name", "list_reports", "list_sets", "make_settings", "report_key", "restore_set", "run_features_job", "runs_inline",
    "save_set", "sets_for_version", "top_k",
]

INLINE_CELLS = 2_000_000  # rows x columns a page computes while the user waits; more runs as a job
JOB_KIND = "features"
TASKS = ("auto", "classification", "binary", "multiclass", "regression")
MIN_ROWS = 20             # rows with a target value needed to rank features (a held-out part is scored)
MAX_NAME = 80
MAX_HOW = 200
CANCEL_CHECK_SECONDS = 0.5
# this module's own progress messages (core.features.importance's come in between, unchanged): the page translates them
PROGRESS_MESSAGES = {
    "reading": "Reading the dataset version",
    "storing": "Storing the report",
    "reused": "Reused the stored report",
    "done": "Feature analysis done",
}


def _importance() -> ModuleType:
    """:mod:`core.features.importance`, imported when first needed (it loads scikit-learn and LightGBM)."""
    from core.features import importance

    return importance


# ---------------------------------------------------------------- entities

@dataclass(frozen=True)
class FeatureReport(_Entity):
    """A stored feature-importance report (one row of ``feature_reports``, JSON columns decoded).

    Attributes:
        id: ``fea_…``.
        version_id: the dataset version analysed.
        target: the target column.
        task: ``binary``, ``multiclass`` or ``regression`` (detected, or as asked).
        settings: the :class:`core.features.importance.Settings` used, as a dict.
        settings_key: what keys the report with its version and target (:func:`report_key`: settings,
            task and column types).
        methods: the methods computed, in order.
        ranking: per column, best first: ``{"column", "kind", "scores", "spread", "ranks",
            "consensus_rank", "consensus_score", "association_measure"}``.
        warnings: ``{"column", "kind", "reason", "value"}``, one per warned column and kind.
        notes: sentences about how it was computed (rows sampled, columns a method skipped).
        n_rows: rows of the version with a target value.
        n_used: rows the methods used (after dropping rows without a target and sampling).
        job_id: the ``features`` job that computed it, if any.
        seconds: how long computing it took.
        created_at: when it was stored.
    """

    _json_fields: ClassVar[tuple[str, ...]] = ("settings", "methods", "ranking", "warnings", "notes")

    id: str
    version_id: str
    target: str
    task: str
    settings: dict[str, Any]
    settings_key: str
    methods: list[str]
    ranking: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    notes: list[str]
    n_rows: int
    n_used: int
    job_id: str | None
    seconds: float | None
    created_at: str

    @property
    def columns(self) -> list[str]:
        """The ranked columns, best first (by consensus rank)."""
        return [str(r["column"]) for r in self.ranking]

    @property
    def warned_columns(self) -> list[str]:
        """The columns with at least one warning, in the order the warnings list them (each once)."""
        return list(dict.fromkeys(str(w["column"]) for w in self.warnings))

    def warnings_of(self, column: str) -> list[dict[str, Any]]:
        """The warnings about one column (empty when it has none)."""
        return [w for w in self.warnings if w.get("column") == column]


@dataclass(frozen=True)
class FeatureSet(_Entity):
    """A named selection of a dataset version's columns (one row of ``feature_sets``).

    Attributes:
        id: ``fset_…``.
        project_id: the project it belongs to (``None`` for a dataset not attached to one project).
        dataset_id: the dataset; a set is offered on every version of it that has all its columns.
        version_id: the version it was chosen on.
        name: unique among the dataset's active sets (ignoring case).
        target: the target it was chosen for, if any.
        columns: the feature columns, in order.
        dropped: what was left out: ``{"column", "kind", "reason"}``.
        how: ``manual``, ``drop_warned``, ``top_k``, or a few words said by whoever saved it.
        report_id: the report it was chosen from, if any.
        created_by: who saved it.
        created_at: when.
        archived_at: when it was archived (hidden from lists and the experiment form).
    """

    _json_fields: ClassVar[tuple[str, ...]] = ("columns", "dropped")

    id: str
    project_id: str | None
    dataset_id: str
    version_id: str
    name: str
    target: str | None
    columns: list[str]
    dropped: list[dict[str, Any]]
    how: str
    report_id: str | None
    created_by: str
    created_at: str
    archived_at: str | None = None


# ---------------------------------------------------------------- settings and keys

def make_settings(settings: Any = None) -> Any:
    """The :class:`core.features.importance.Settings` meant by ``settings`` (``None``, a Settings or a dict).

    Raises:
        InvalidInput: unknown setting names, or values out of range (each named, with what is allowed).
    """
    imp = _importance()
    if settings is None:
        return imp.Settings()
    if isinstance(settings, imp.Settings):
        value = settings
    elif isinstance(settings, Mapping):
        names = {f.name for f in dataclasses.fields(imp.Settings)}
        unknown = sorted(set(settings) - names)
        if unknown:
            raise InvalidInput(f"Unknown feature-analysis setting{'s' if len(unknown) > 1 else ''} "
                               f"{', '.join(repr(u) for u in unknown)}.",
                               hint=f"The settings are: {', '.join(sorted(names))}.")
        given = dict(settings)
        if "methods" in given and given["methods"] is not None:
            methods = given["methods"]
            given["methods"] = tuple([methods] if isinstance(methods, str) else methods)
        value = imp.Settings(**given)
    else:
        raise InvalidInput(f"The feature-analysis settings must be a mapping, not {type(settings).__name__}.",
                           hint="Give them as a dict, e.g. {\"seed\": 0, \"n_repeats\": 5}, or leave them out.")
    _check_settings(value, imp.METHODS)
    return value


def _whole(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _check_settings(settings: Any, methods: Sequence[str]) -> None:
    if not _whole(settings.sample_rows) or settings.sample_rows < MIN_ROWS:
        raise InvalidInput(f"The rows to sample must be a whole number of at least {MIN_ROWS}, not "
                           f"{settings.sample_rows!r}.", hint="The default is 50,000.")
    if not _whole(settings.seed):
        raise InvalidInput(f"The seed must be a whole number, not {settings.seed!r}.", hint="E.g. 0.")
    if not _whole(settings.n_repeats) or not 1 <= settings.n_repeats <= 100:
        raise InvalidInput(f"The permutation repeats must be a whole number from 1 to 100, not "
                           f"{settings.n_repeats!r}.", hint="The default is 5.")
    test_size = settings.test_size
    if isinstance(test_size, bool) or not isinstance(test_size, int | float | np.number) \
            or not 0.05 <= float(test_size) <= 0.5:
        raise InvalidInput(f"The held-out share must be a number from 0.05 to 0.5, not {test_size!r}.",
                           hint="The default is 0.25 (a quarter of the rows scores the permutation importance).")
    chosen = list(settings.methods or ())
    bad = [m for m in chosen if m not in methods]
    if not chosen or bad:
        raise InvalidInput(("Unknown method" + ("s " if len(bad) > 1 else " ") + ", ".join(repr(m) for m in bad) + ".")
                           if bad else "Choose at least one method.",
                           hint=f"The methods are: {', '.join(methods)}.")


def report_key(settings: Any, task: str, semantic: Mapping[str, str] | None = None) -> str:
    """What keys a stored report with its version and target: the sha256 of the settings, the task and column types.

    A version's column types can be changed in place (:func:`core.data.datasets.set_semantic_types`),
    and the methods read them (an ID column is left out of the model), so they are part of the key.

    Args:
        settings: a :class:`core.features.importance.Settings`.
        task: the resolved task (``binary``, ``multiclass`` or ``regression``).
        semantic: column -> semantic type of the version's schema.
    """
    canonical = json.dumps({"settings": _plain(settings.as_dict()), "task": task,
                            "semantic": dict(semantic or {})}, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    """``value`` as plain JSON: numpy scalars as Python ones, NaN and infinities as ``None``, tuples as lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# ---------------------------------------------------------------- resolving a request

def _version_name(version: DatasetVersion) -> str:
    return f"'{version.dataset_name or 'dataset'}' v{version.number} ({version.id})"


def _listing(names: Sequence[str], limit: int = 20) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:limit])
    return shown + (f" and {len(names) - limit:,} more" if len(names) > limit else "")


def _check_target(version: DatasetVersion, target: Any) -> str:
    if not isinstance(target, str) or not target.strip():
        raise InvalidInput("Choose the target column: the one the features should predict.",
                           hint=f"Columns of {_version_name(version)}: {_listing(version.columns)}.")
    if target not in version.columns:
        raise InvalidInput(f"Version {version.number} of dataset '{version.dataset_name or 'dataset'}' has no "
                           f"column '{target}' to use as the target.",
                           hint=f"Its columns are: {_listing(version.columns)}.")
    if len(version.columns) < 2:
        raise InvalidInput(f"{_version_name(version)} has only the column '{target}': there are no features to rank.",
                           hint="Pick a version with feature columns besides the target.")
    return target


def _check_task(task: Any) -> str:
    if task not in TASKS:
        raise InvalidInput(f"Unknown task '{task}'.", hint="Use auto (detected from the target), classification, "
                                                           "binary, multiclass or regression.")
    return str(task)


@dataclass(frozen=True)
class _Request:
    version: DatasetVersion
    target: str
    task: str          # resolved: binary, multiclass or regression
    settings: Any      # importance.Settings
    key: str


def _resolve_task(version: DatasetVersion, target: str, asked: str, y: pd.Series) -> str:
    """The task for this target: detected for ``auto``, else checked against the values."""
    values = y.dropna()
    if len(values) == 0:
        raise InvalidInput(f"The target '{target}' has no values in {_version_name(version)}: every row is missing.",
                           hint="Choose a target column with values.")
    distinct = values.nunique()
    if distinct < 2:
        raise InvalidInput(f"The target '{target}' has a single value ({values.iloc[0]!r}) in "
                           f"{_version_name(version)}: there is nothing to predict.",
                           hint="Choose a target column whose values differ.")
    if len(values) < MIN_ROWS:
        raise InvalidInput(f"Only {len(values):,} rows of {_version_name(version)} have a value for '{target}'; "
                           f"ranking features needs at least {MIN_ROWS}.",
                           hint="Use a version with more labelled rows.")
    column = version.column(target)
    semantic = column.semantic if column is not None else None
    if asked == "auto":
        return str(_importance().detect_task(y, semantic))
    if asked == "classification":
        return "binary" if distinct <= 2 else "multiclass"
    if asked == "binary" and distinct > 2:
        raise InvalidInput(f"The target '{target}' has {distinct:,} distinct values; a binary task needs two.",
                           hint="Choose multiclass (or regression for a number), or auto to detect it.")
    if asked == "regression":
        numbers = pd.to_numeric(values, errors="coerce") if not pd.api.types.is_bool_dtype(values) else values
        if pd.api.types.is_bool_dtype(values) or numbers.isna().any():
            raise InvalidInput(f"The target '{target}' is not numeric, so it cannot be a regression target.",
                               hint="Choose binary or multiclass, or auto to detect it.")
    return asked


def _resolve(ws: Workspace, version_id: str, target: str, task: str, settings: Any) -> _Request:
    """Check what is asked for and resolve the task (reading the target column only).

    Raises:
        NotFound: unknown version; its data is missing.
        InvalidInput: unknown target column or task, bad settings, a target without values or with one value.
    """
    version = get_version(ws, version_id)
    target = _check_target(version, target)
    asked = _check_task(task)
    chosen = make_settings(settings)
    if version.n_rows < MIN_ROWS:
        raise InvalidInput(f"{_version_name(version)} has {version.n_rows:,} rows; ranking features needs at "
                           f"least {MIN_ROWS}.", hint="Use a version with more rows.")
    resolved = _task_of(ws, version, target, asked)
    return _Request(version, target, resolved, chosen, report_key(chosen, resolved, _semantic(version)))


def _semantic(version: DatasetVersion) -> dict[str, str]:
    return {c.name: c.semantic for c in version.schema}


_TASKS_SEEN: OrderedDict[tuple[str, ...], str] = OrderedDict()  # a version never changes: its target's task neither
_TASKS_KEPT = 64
_TASKS_LOCK = threading.Lock()


def _task_of(ws: Workspace, version: DatasetVersion, target: str, asked: str) -> str:
    """The resolved task (reading the target column the first time; a page asks on every rerun)."""
    column = version.column(target)
    key = (str(ws.root), version.id, version.artifact, target, asked, column.semantic if column else "")
    with _TASKS_LOCK:
        if key in _TASKS_SEEN:
            _TASKS_SEEN.move_to_end(key)
            return _TASKS_SEEN[key]
    y = load_frame(ws, version.id, columns=[target])[target]
    resolved = _resolve_task(version, target, asked, y)
    with _TASKS_LOCK:
        _TASKS_SEEN[key] = resolved
        while len(_TASKS_SEEN) > _TASKS_KEPT:
            _TASKS_SEEN.popitem(last=False)
    return resolved


# ---------------------------------------------------------------- reading reports

def _lookup(ws: Workspace, version_id: str, target: str, key: str) -> FeatureReport | None:
    with ws.read() as db:
        row = db.execute("SELECT * FROM feature_reports WHERE version_id = ? AND target = ? AND settings_key = ?",
                         [version_id, target, key]).fetchone()
    return FeatureReport.from_row(row) if row is not None else None


def get_report(ws: Workspace, report_id: str) -> FeatureReport:
    """Return a stored report by id.

    Raises:
        NotFound: if there is no such report.
    """
    with ws.read() as db:
        row = db.execute("SELECT * FROM feature_reports WHERE id = ?", [report_id]).fetchone()
    if row is None:
        raise NotFound(f"There is no feature report with id '{report_id}'.",
                       hint="Rank the features again (the Features page, or `mlcycle features VERSION --target COL`).")
    return FeatureReport.from_row(row)


def find_report(ws: Workspace, version_id: str, target: str, settings: Any = None, *,
                task: str = "auto") -> FeatureReport | None:
    """Return the stored report :func:`analyze` would reuse for these arguments, or ``None``.

    Raises:
        NotFound: unknown version.
        InvalidInput: as :func:`analyze` (unknown target or task, bad settings).
    """
    req = _resolve(ws, version_id, target, task, settings)
    return _lookup(ws, req.version.id, req.target, req.key)


def list_reports(ws: Workspace, version_id: str, target: str | None = None) -> list[FeatureReport]:
    """Return a version's stored reports (of one target, when given), newest first."""
    sql, args = "SELECT * FROM feature_reports WHERE version_id = ?", [version_id]
    if target is not None:
        sql += " AND target = ?"
        args.append(target)
    with ws.read() as db:
        rows = db.execute(sql + " ORDER BY created_at DESC, rowid DESC", args).fetchall()
    return [FeatureReport.from_row(r) for r in rows]


def runs_inline(version: DatasetVersion) -> bool:
    """Whether a page ranks this version's features while the user waits (at most :data:`INLINE_CELLS` cells)."""
    return int(version.n_rows) * max(1, int(version.n_cols)) <= INLINE_CELLS


# ---------------------------------------------------------------- computing

def analyze(ws: Workspace, version_id: str, target: str, *, task: str = "auto", settings: Any = None,
            on_progress: ProgressFn = no_progress, job_id: str | None = None) -> FeatureReport:
    """Rank a version's columns for a target with every method, with warnings; reuse a stored report.

    A stored report with the same key (version, target, settings and resolved task) is returned
    as it is. Otherwise the version is read, :func:`core.features.importance.analyze_frame`
    computes the report (with the version's column types), and it is stored. Nothing is written
    before the last progress report, so a callback that raises (a cancelled job) stops it cleanly.

    Args:
        ws: the workspace.
        version_id: the dataset version.
        target: the column to predict.
        task: ``auto`` (detected from the target), ``classification`` (binary or multiclass by the
            number of classes), ``binary``, ``multiclass`` or ``regression``.
        settings: a :class:`core.features.importance.Settings`, a dict of its fields, or ``None`` (the defaults).
        on_progress: called while it reads, computes and stores.
        job_id: the ``features`` job computing it, recorded with it.

    Returns:
        The stored report.

    Raises:
        NotFound: unknown version; its data is missing.
        InvalidInput: an unknown target column or task, bad settings, a target with no values or a
            single value, too few rows, a task the target's values cannot be (binary with 3 classes).
        ExternalToolFailed: a method failed in scikit-learn or LightGBM (the original error chained).
    """
    req = _resolve(ws, version_id, target, task, settings)
    found = _lookup(ws, req.version.id, req.target, req.key)
    if found is not None:
        on_progress(Progress(1.0, PROGRESS_MESSAGES["reused"]))
        return found
    return _compute(ws, req, on_progress, job_id)


def _compute(ws: Workspace, req: _Request, progress: ProgressFn, job_id: str | None) -> FeatureReport:
    imp = _importance()
    started = time.perf_counter()
    progress(Progress(0.02, PROGRESS_MESSAGES["reading"]))
    frame = load_frame(ws, req.version.id)
    semantic = _semantic(req.version)

    def step(report: Progress) -> None:
        fraction = None if report.fraction is None else 0.05 + 0.9 * float(report.fraction)
        progress(Progress(fraction, report.message))

    with map_errors(f"Ranking the features of {_version_name(req.version)} for '{req.target}'",
                    hint="Check the target and the column types on the Data page; choose the task by hand if "
                         "the detected one is wrong."):
        analysis = imp.analyze_frame(frame, req.target, task=req.task, semantic=semantic, settings=req.settings,
                                     on_progress=step)
    seconds = time.perf_counter() - started
    progress(Progress(0.97, PROGRESS_MESSAGES["storing"]))
    stored = _store(ws, req, analysis, seconds, job_id)
    progress(Progress(1.0, PROGRESS_MESSAGES["done"]))
    return stored


def _store(ws: Workspace, req: _Request, analysis: Any, seconds: float, job_id: str | None) -> FeatureReport:
    ranking = [r for r in _plain(list(analysis.ranking)) if r.get("column") != req.target]
    new = {
        "id": new_id("fea"), "version_id": req.version.id, "target": req.target, "task": str(analysis.task or req.task),
        "settings": json.dumps(_plain(req.settings.as_dict()), sort_keys=True), "settings_key": req.key,
        "methods": json.dumps(_plain(list(analysis.methods))),
        "ranking": json.dumps(ranking, ensure_ascii=False),
        "warnings": json.dumps(_plain(list(analysis.warnings)), ensure_ascii=False),
        "notes": json.dumps([str(n) for n in analysis.notes], ensure_ascii=False),
        "n_rows": int(analysis.n_rows if analysis.n_rows is not None else req.version.n_rows),
        "n_used": int(analysis.n_used or 0), "job_id": job_id, "seconds": float(seconds), "created_at": utcnow(),
    }
    with ws.write() as db:
        existing = db.execute("SELECT * FROM feature_reports WHERE version_id = ? AND target = ? AND settings_key = ?",
                              [req.version.id, req.target, req.key]).fetchone()
        if existing is not None:  # stored meanwhile by another process: the same answer
            return FeatureReport.from_row(existing)
        db["feature_reports"].insert(new)
    return get_report(ws, new["id"])


# ---------------------------------------------------------------- jobs

def _payload(req: _Request, asked: str) -> dict[str, Any]:
    return {"version_id": req.version.id, "target": req.target, "task": asked,
            "settings": _plain(req.settings.as_dict())}


def _same(job: Job, req: _Request) -> bool:
    p = job.payload or {}
    if p.get("version_id") != req.version.id or p.get("target") != req.target:
        return False
    try:
        other = report_key(make_settings(p.get("settings")), p.get("resolved_task") or "", _semantic(req.version))
    except Exception:  # noqa: BLE001 - a damaged payload is no match
        return False
    return other == req.key


def find_features_job(ws: Workspace, version_id: str, target: str | None = None) -> Job | None:
    """Return the newest ``features`` job of this version (and target, when given) that is queued or running."""
    for job in list_jobs(ws, kind=JOB_KIND, limit=100):
        p = job.payload or {}
        if not job.finished and p.get("version_id") == version_id and (target is None or p.get("target") == target):
            return job
    return None


def enqueue_report(ws: Workspace, version_id: str, target: str, *, task: str = "auto", settings: Any = None,
                   project_id: str | None = None, start_worker: bool = True) -> Job:
    """Queue a ``features`` job that computes (or reuses) the report; a job already on it is returned instead.

    The request is checked before anything is queued (unknown version, target, task or settings
    fail at once). While a job for the same report (version, target, settings and resolved task)
    is queued or running, that job is returned rather than a second one.

    Args:
        ws: the workspace.
        version_id: the dataset version.
        target: the column to predict.
        task: ``auto``, ``binary``, ``multiclass`` or ``regression``.
        settings: as for :func:`analyze`.
        project_id: the project the job belongs to (default: the dataset's, when it is attached to one).
        start_worker: start a worker process if none is alive.

    Returns:
        The queued (or already queued/running) job.

    Raises:
        NotFound: unknown version.
        InvalidInput: as :func:`analyze`.
    """
    req = _resolve(ws, version_id, target, task, settings)
    for job in list_jobs(ws, kind=JOB_KIND, limit=100):
        if not job.finished and _same(job, req):
            return job
    payload = _payload(req, _check_task(task)) | {"resolved_task": req.task}
    if project_id is None:
        owners = dataset_projects(ws, req.version.dataset_id)
        project_id = owners[0] if len(owners) == 1 else None
    title = f"Rank features for '{req.target}' on {req.version.dataset_name or 'dataset'} v{req.version.number}"
    return enqueue(ws, JOB_KIND, payload, title=title, project_id=project_id, start_worker=start_worker)


def run_features_job(ctx: JobContext) -> dict[str, Any]:
    """Compute the report a job's payload asks for (job kind ``features``), reporting progress.

    A cancel is noticed at the next progress report; nothing is stored then.

    Returns:
        ``{"report_id", "version_id", "target", "task", "columns", "warnings", "warned_columns", "reused",
        "seconds"}``.

    Raises:
        JobCancelled: if the user cancelled the job.
        InvalidInput: if the payload names no version or target, or as :func:`analyze`.
        NotFound: the version is gone.
    """
    p = ctx.payload
    if not p.get("version_id") or not p.get("target"):
        raise InvalidInput("This feature-ranking job names no dataset version or target.",
                           hint="Rank the features again from the Features page.")
    last = [0.0]

    def report(progress: Progress) -> None:
        now = time.monotonic()
        if now - last[0] >= CANCEL_CHECK_SECONDS and (progress.fraction or 0.0) < 0.97:
            last[0] = now
            ctx.check_cancelled()
        ctx.on_progress(progress)

    ctx.check_cancelled()
    task = p.get("task") or "auto"
    before = find_report(ctx.ws, p["version_id"], p["target"], p.get("settings"), task=task)
    stored = analyze(ctx.ws, p["version_id"], p["target"], task=task, settings=p.get("settings"),
                     on_progress=report, job_id=ctx.job.id)
    reused = before is not None and before.id == stored.id
    ctx.log(f"{'Reused' if reused else 'Stored'} feature report {stored.id}: {len(stored.ranking):,} columns ranked "
            f"for '{stored.target}' ({stored.task}), {len(stored.warned_columns):,} warned")
    for note in stored.notes:
        ctx.log(note)
    ctx.progress(1.0, PROGRESS_MESSAGES["reused" if reused else "done"], force=True)
    return {"report_id": stored.id, "version_id": stored.version_id, "target": stored.target, "task": stored.task,
            "columns": len(stored.ranking), "warnings": len(stored.warnings),
            "warned_columns": stored.warned_columns, "reused": reused, "seconds": stored.seconds}


# ---------------------------------------------------------------- choosing columns from a report

def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _warned(report: FeatureReport) -> dict[str, dict[str, Any]]:
    """One ``dropped`` entry per warned column: its kinds joined by commas, its reasons by spaces."""
    out: dict[str, dict[str, Any]] = {}
    for w in report.warnings:
        column = str(w.get("column"))
        entry = out.setdefault(column, {"column": column, "kind": "", "reason": ""})
        entry["kind"] = ",".join(filter(None, [entry["kind"], str(w.get("kind") or "")]))
        entry["reason"] = " ".join(filter(None, [entry["reason"], str(w.get("reason") or "").strip()]))
    return out


def drop_warned(report: FeatureReport) -> tuple[list[str], list[dict[str, Any]]]:
    """The report's columns without the warned ones.

    Returns:
        ``(columns, dropped)``: the unwarned columns, best first; one ``{"column", "kind", "reason"}``
        per warned column (kinds such as ``leakage,id``; the warnings' reasons).
    """
    warned = _warned(report)
    columns = [c for c in report.columns if c not in warned and c != report.target]
    return columns, [warned[c] for c in report.columns if c in warned] + \
        [w for c, w in warned.items() if c not in report.columns and c != report.target]


def top_k(report: FeatureReport, k: int, *, skip_warned: bool = True) -> tuple[list[str], list[dict[str, Any]]]:
    """The report's k best columns by consensus rank.

    Args:
        report: the report.
        k: how many columns to keep (fewer when the report has fewer).
        skip_warned: leave the warned columns out first (a leak would otherwise top the list), so
            the k kept are the best sound ones.

    Returns:
        ``(columns, dropped)``: the kept columns, best first; what was left out, the warned ones
        (with their warnings) then those ranked below the k kept (kind ``below_top_k``).

    Raises:
        InvalidInput: k is not a whole number of at least 1.
    """
    if not _whole(k) or k < 1:
        raise InvalidInput(f"Keep at least one column (asked for {k!r}).",
                           hint="Give how many of the best-ranked columns to keep, e.g. 10.")
    warned = _warned(report) if skip_warned else {}
    columns: list[str] = []
    dropped: list[dict[str, Any]] = []
    below: list[dict[str, Any]] = []
    for row in report.ranking:
        column = str(row["column"])
        if column == report.target:
            continue
        if column in warned:
            dropped.append(warned[column])
        elif len(columns) < k:
            columns.append(column)
        else:
            rank = row.get("consensus_rank")
            said = f"Ranked {_ordinal(int(rank))} by consensus" if _whole(rank) else "Ranked below them"
            below.append({"column": column, "kind": "below_top_k",
                          "reason": f"{said}; the set keeps the top {k}."})
    return columns, dropped + below


# ---------------------------------------------------------------- feature sets

def _clean_name(name: Any) -> str:
    cleaned = " ".join(str(name or "").split())
    if not cleaned:
        raise InvalidInput("A feature set needs a name.",
                           hint="Name it after what it keeps, such as 'no leaks' or 'top 10'.")
    if len(cleaned) > MAX_NAME:
        raise InvalidInput(f"The feature set's name is {len(cleaned)} characters long; the limit is {MAX_NAME}.",
                           hint="Use a short name: the experiment form lists it.")
    return cleaned


def _clean_columns(version: DatasetVersion, columns: Any, target: str | None) -> list[str]:
    if isinstance(columns, str):
        columns = [c.strip() for c in columns.split(",")]
    chosen = list(dict.fromkeys(str(c) for c in (columns or []) if str(c).strip()))
    if not chosen:
        raise InvalidInput("A feature set needs at least one column.",
                           hint="Pick the columns to keep, or drop the warned ones / keep the top k of a report.")
    missing = [c for c in chosen if c not in version.columns]
    if missing:
        raise InvalidInput(f"{_version_name(version)} has no column{'s' if len(missing) > 1 else ''} "
                           f"{_listing(missing)}.", hint=f"Its columns are: {_listing(version.columns)}.")
    if target is not None and target in chosen:
        raise InvalidInput(f"The feature set includes the target '{target}': a model cannot use the column it "
                           "predicts as a feature.", hint=f"Leave '{target}' out of the columns.")
    return chosen


def _clean_dropped(dropped: Any, kept: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in dropped or []:
        entry = {"column": str(item), "kind": "manual", "reason": ""} if not isinstance(item, Mapping) else {
            "column": str(item.get("column", "")), "kind": str(item.get("kind") or "manual"),
            "reason": str(item.get("reason") or "")}
        if not entry["column"] or entry["column"] in seen or entry["column"] in kept:
            continue
        seen.add(entry["column"])
        out.append(entry)
    return out


def _name_taken(db: Any, dataset_id: str, name: str, other_than: str | None) -> bool:
    return db.execute("SELECT 1 FROM feature_sets WHERE dataset_id = ? AND name = ? COLLATE NOCASE"
                      " AND archived_at IS NULL AND id IS NOT ?", [dataset_id, name, other_than]).fetchone() is not None


def save_set(ws: Workspace, version_id: str, name: str, columns: Sequence[str], *, target: str | None = None,
             dropped: Sequence[Any] | None = None, how: str = "", report_id: str | None = None,
             project_id: str | None = None, created_by: str = "") -> FeatureSet:
    """Save a named selection of a version's columns, linked to the version, with an activity event.

    Args:
        ws: the workspace.
        version_id: the version the columns were chosen on.
        name: the set's name, unique among the dataset's active sets (ignoring case).
        columns: the feature columns (a list, or a comma-separated string), in order.
        target: the target they were chosen for; it may not be one of them.
        dropped: what was left out and why (``{"column", "kind", "reason"}``, or bare names:
            kind ``manual``); columns kept are not listed.
        how: ``manual``, ``drop_warned``, ``top_k`` or a few words (at most 200 characters).
        report_id: the report they were chosen from (a report of this version).
        project_id: the project (default: the dataset's, when it is attached to exactly one).
        created_by: who saved it.

    Returns:
        The new set.

    Raises:
        NotFound: unknown version, report or project.
        InvalidInput: an empty name or selection, a column the version lacks (named), the target
            among the columns, a target the version lacks, a report of another version or target.
        Conflict: the dataset already has an active set of this name.
    """
    version = get_version(ws, version_id)
    clean = _clean_name(name)
    if target is not None:
        target = str(target)
        if target not in version.columns:
            raise InvalidInput(f"{_version_name(version)} has no column '{target}' to use as the target.",
                               hint=f"Its columns are: {_listing(version.columns)}.")
    chosen = _clean_columns(version, columns, target)
    how = " ".join(str(how or "").split())
    if len(how) > MAX_HOW:
        raise InvalidInput(f"Saying how the set was chosen takes {len(how)} characters; the limit is {MAX_HOW}.",
                           hint="Say it in a few words.")
    if report_id:
        report = get_report(ws, report_id)
        if report.version_id != version.id:
            raise InvalidInput(f"The feature report {report.id} is of another dataset version ({report.version_id}), "
                               f"not {_version_name(version)}.", hint="Save the set from a report of this version.")
        if target is not None and report.target != target:
            raise InvalidInput(f"The feature report {report.id} ranks the columns for '{report.target}', not "
                               f"'{target}'.", hint=f"Give --target {report.target}, or rank for '{target}' first.")
        target = report.target if target is None else target
        chosen = _clean_columns(version, chosen, target)
    if project_id is None:
        owners = dataset_projects(ws, version.dataset_id)
        project_id = owners[0] if len(owners) == 1 else None
    elif project_id:
        from core.define.projects import get_project

        get_project(ws, project_id)
    row = {
        "id": new_id("fset"), "project_id": project_id or None, "dataset_id": version.dataset_id,
        "version_id": version.id, "name": clean, "target": target,
        "columns": json.dumps(chosen, ensure_ascii=False),
        "dropped": json.dumps(_clean_dropped(dropped, chosen), ensure_ascii=False),
        "how": how, "report_id": report_id or None, "created_by": created_by or "", "created_at": utcnow(),
        "archived_at": None,
    }
    with ws.write() as db:
        if _name_taken(db, version.dataset_id, clean, None):
            raise Conflict(f"Dataset '{version.dataset_name or 'dataset'}' already has a feature set named '{clean}'.",
                           hint="Choose another name, or archive the other set first (`mlcycle features list` "
                                "shows it).")
        db["feature_sets"].insert(row)
        add_link(db, "feature_set", row["id"], "selected_from", "dataset_version", version.id)
        record_event(db, object_kind="feature_set", object_id=row["id"], verb="created", project_id=project_id or None,
                     message=f"Feature set '{clean}' saved on {version.label}: {len(chosen):,} "
                             f"column{'s' if len(chosen) != 1 else ''}")
    return get_set(ws, row["id"])


def get_set(ws: Workspace, set_id: str) -> FeatureSet:
    """Return a feature set by id (archived ones included).

    Raises:
        NotFound: if there is no such set.
    """
    with ws.read() as db:
        row = db.execute("SELECT * FROM feature_sets WHERE id = ?", [set_id]).fetchone()
    if row is None:
        raise NotFound(f"There is no feature set '{set_id}'.", hint="List the sets with `mlcycle features list`.")
    return FeatureSet.from_row(row)


def find_set(ws: Workspace, ref: str, dataset_id: str | None = None) -> FeatureSet:
    """Return the set with this id, else the active set with this name (ignoring case; of a dataset, when given).

    Raises:
        NotFound: no set has that id or name.
        InvalidInput: the name is shared by sets of several datasets (give the id or the dataset).
    """
    ref = " ".join(str(ref or "").split())
    with ws.read() as db:
        row = db.execute("SELECT * FROM feature_sets WHERE id = ?", [ref]).fetchone()
        if row is not None:
            return FeatureSet.from_row(row)
        sql = "SELECT * FROM feature_sets WHERE name = ? COLLATE NOCASE AND archived_at IS NULL"
        args: list[Any] = [ref]
        if dataset_id:
            sql += " AND dataset_id = ?"
            args.append(dataset_id)
        rows = db.execute(sql + " ORDER BY created_at", args).fetchall()
    if not rows:
        raise NotFound(f"There is no feature set '{ref}'.", hint="List the sets with `mlcycle features list`.")
    if len(rows) > 1:
        raise InvalidInput(f"{len(rows)} feature sets of different datasets are named '{ref}'.",
                           hint="Give the set's id (`mlcycle features list` shows it).")
    return FeatureSet.from_row(rows[0])


def list_sets(ws: Workspace, *, dataset_id: str | None = None, version_id: str | None = None,
              project_id: str | None = None, include_archived: bool = False) -> list[FeatureSet]:
    """Return feature sets, newest first: of a dataset, of the version they were chosen on, or of a project."""
    sql, args = "SELECT * FROM feature_sets WHERE 1 = 1", []
    for column, value in (("dataset_id", dataset_id), ("version_id", version_id), ("project_id", project_id)):
        if value:
            sql += f" AND {column} = ?"
            args.append(value)
    if not include_archived:
        sql += " AND archived_at IS NULL"
    with ws.read() as db:
        rows = db.execute(sql + " ORDER BY created_at DESC, rowid DESC", args).fetchall()
    return [FeatureSet.from_row(r) for r in rows]


def sets_for_version(ws: Workspace, version_id: str) -> list[FeatureSet]:
    """The active sets of the version's dataset whose columns all exist in it: what the experiment form offers.

    Sets chosen on this very version come first, then the others, newest first.

    Raises:
        NotFound: unknown version.
    """
    version = get_version(ws, version_id)
    have = set(version.columns)
    fitting = [s for s in list_sets(ws, dataset_id=version.dataset_id) if set(s.columns) <= have]
    return sorted(fitting, key=lambda s: s.version_id != version.id)  # stable: newest first within each


def _set_archived(ws: Workspace, set_id: str, archived: bool) -> FeatureSet:
    fs = get_set(ws, set_id)
    if bool(fs.archived_at) == archived:
        return fs
    with ws.write() as db:
        if not archived and _name_taken(db, fs.dataset_id, fs.name, fs.id):
            raise Conflict(f"Another active feature set of this dataset is named '{fs.name}'.",
                           hint="Archive that set first.")
        db["feature_sets"].update(fs.id, {"archived_at": utcnow() if archived else None})
        record_event(db, object_kind="feature_set", object_id=fs.id, verb="archived" if archived else "restored",
                     project_id=fs.project_id,
                     message=f"Feature set '{fs.name}' {'archived' if archived else 'restored'}")
    return get_set(ws, fs.id)


def archive_set(ws: Workspace, set_id: str) -> FeatureSet:
    """Hide a set from the lists and the experiment form (experiments that used it keep their columns)."""
    return _set_archived(ws, set_id, True)


def restore_set(ws: Workspace, set_id: str) -> FeatureSet:
    """Bring an archived set back.

    Raises:
        Conflict: another active set of the dataset has its name.
    """
    return _set_archived(ws, set_id, False)


def dataset_name(ws: Workspace, fs: FeatureSet) -> str:
    """The name of a set's dataset (its id when the dataset is gone)."""
    try:
        return get_dataset(ws, fs.dataset_id).name
    except NotFound:
        return fs.dataset_id
