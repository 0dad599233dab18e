"""Explanations of a model on a dataset version: computed once, stored, reused.

:func:`explain_model` explains up to ``rows`` rows of a dataset version (by default the
model's held-out rows, :func:`default_version`) with :func:`core.explain.explainers.explain_frame`
and stores the result: one row of ``explanations`` (what was explained, with the global
importance already computed) and one ``.npz`` artifact (``values``, ``base_values`` and the
``positions`` of the rows in the version, written with ``np.savez_compressed``, read back
with ``allow_pickle=False``). The rows themselves are not copied: :func:`load_explanation`
reads them back from the version, which never changes.

An explanation is keyed by (model, version, rows explained, settings). The rows explained
are ``min(rows asked for, rows in the version)``, so asking for 1,000 rows of a 60-row
version twice reuses the first answer; ``settings`` (``seed``, ``sample`` "all" or
"random", ``background_rows``, ``explainer``, ``class``) are hashed into ``settings_key``
(sha256 of their JSON with sorted keys). When a version has more rows than asked for, a
seeded random sample is explained, kept in row order. The linear and permutation
explainers integrate over :data:`BACKGROUND_ROWS` rows sampled (with the same seed) from
the experiment's training version (:func:`background_for`); the tree explainer needs none.

A page explains up to :func:`inline_limit` rows while it waits (:data:`INLINE_MAX_ROWS`;
:data:`PERMUTATION_ROWS` for the slow permutation explainer); more run as ``explain`` jobs
(:func:`enqueue_explanation`, :func:`run_explain_job`) with progress. A stored explanation
whose artifact has gone missing or is damaged is computed again the next time it is asked for.

The local views read from here too: :func:`row_choices` (largest errors, most confident
predictions), :func:`search_rows`, :func:`what_if` (an edited row predicted and explained)
and :func:`compare_importance` (two models on the same rows).

Example:
    >>> stored, expl = explain_model(ws, "mdl_3c1f...", rows=500)
    >>> stored.explainer, stored.n_rows, list(stored.importance["__all__"])[:3]
    ('tree', 60, ['x1', 'plan', 'x2'])
    >>> explain_model(ws, "mdl_3c1f...", rows=500)[0].id == stored.id   # reused, not computed again
    True
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import re
import threading
import time
import zipfile
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from core.data import datasets
from core.data.entities import DatasetVersion
from core.errors import Conflict, Corrupted, InvalidInput, NotFound
from core.experiments.entities import Experiment, Model
from core.experiments.service import get_experiment, get_model, load_model
from core.explain import explainers
from core.explain.explainers import Explanation
from core.ids import new_id, utcnow
from core.jobs import JobContext, enqueue, list_jobs
from core.jobs.entities import Job
from core.modeling import ModelBundle
from core.modeling.columns import FALSE_WORDS, TRUE_WORDS
from core.modeling.preprocessing import as_text
from core.progress import Progress, ProgressFn, no_progress
from core.store.activity import record_event
from core.store.entities import _Entity
from core.workspace import Workspace

__all__ = [
    "BACKGROUND_ROWS", "DEFAULT_ROWS", "INLINE_MAX_ROWS", "PERMUTATION_ROWS", "ROW_CHOICES", "StoredExplanation", "background_for",
    "compare_importance", "default_version", "enqueue_explanation", "explain_model", "explanations_of",
    "default_rows", "find_explain_job", "find_explanation", "inline_limit", "latest_explanation", "load_explanation", "model_label",
    "row_choices", "run_explain_job", "search_rows", "settings_key", "what_if",
]

log = logging.getLogger("mlcycle.explain")

INLINE_MAX_ROWS = 2000   # more rows than this: the page runs a background job (kind "explain")
DEFAULT_ROWS = 1000      # rows explained when not told
PERMUTATION_ROWS = 100   # the permutation explainer costs about a tenth of a second a row: its default and page limit
BACKGROUND_ROWS = 200    # training rows sampled as the background (linear/permutation)
ALL_OUTPUTS = "__all__"  # the key of the importance averaged over every output
ROW_CHOICES = ("errors", "confident")
EXPLAIN_AGAIN = "Explain the model again (the Explain page, or `mlcycle explain {model}`): it is computed anew."


@dataclass(frozen=True)
class StoredExplanation(_Entity):
    """A stored explanation (one row of ``explanations``, JSON columns decoded).

    Attributes:
        id: ``xpl_…``.
        model_id: the model explained.
        version_id: the dataset version whose rows were explained.
        n_rows: rows explained (``min(rows asked for, rows in the version)``).
        settings: ``{"seed", "sample": "all"|"random", "background_rows", "explainer", "class"}``.
        settings_key: sha256 of the settings' canonical JSON (:func:`settings_key`).
        explainer: ``tree``, ``linear`` or ``permutation``.
        units: what the values add up to (``log-odds``, ``probability``, ``decision value``, ``value``).
        outputs: what was explained (binary: the positive class; multiclass: every class; regression: the target).
        columns: the model's raw input columns.
        base_values: the expected output, one per output.
        importance: ``{"__all__" | output: {column: mean |SHAP|}}``, each most important first.
        artifact: the ``.npz`` artifact (``values``, ``base_values``, ``positions``).
        job_id: the ``explain`` job that computed it, if any.
        seconds: how long computing it took.
        notes: sentences about how it was computed (rows, sample, background).
        created_at: when it was stored.
    """

    _json_fields: ClassVar[tuple[str, ...]] = ("settings", "outputs", "columns", "base_values", "importance",
                                               "notes")

    id: str
    model_id: str
    version_id: str
    n_rows: int
    settings: dict[str, Any]
    settings_key: str
    explainer: str
    units: str
    outputs: list[str]
    columns: list[str]
    base_values: list[float]
    importance: dict[str, dict[str, float]]
    artifact: str
    job_id: str | None
    seconds: float | None
    notes: list[str]
    created_at: str

    def top(self, output: str | None = None) -> pd.Series:
        """Mean |SHAP| per column, most important first (``output=None``: averaged over every output)."""
        scores = self.importance.get(ALL_OUTPUTS if output is None else str(output)) or {}
        return pd.Series(scores, dtype=float, name="mean_abs_shap")


@dataclass(frozen=True)
class _Request:
    """What one call asks to explain, resolved: the model, the version, the rows and the key."""

    model: Model
    experiment: Experiment
    bundle: ModelBundle
    version: DatasetVersion
    n_rows: int
    settings: dict[str, Any]
    key: str

    @property
    def seed(self) -> int:
        return int(self.settings["seed"])

    def positions(self) -> np.ndarray:
        return _positions(self.version.n_rows, self.n_rows, self.seed)


# ---------------------------------------------------------------- naming

def model_label(model: Model, experiment: Experiment | None = None) -> str:
    """How a message names a model: ``lgbm model mdl_… of experiment 'churn'``."""
    text = f"{model.learner} model {model.id}"
    return text + (f" of experiment '{experiment.name or experiment.target}'" if experiment is not None else "")


def _version_name(version: DatasetVersion) -> str:
    """``'churn' v2 (dsv_…)``: the dataset's name and version number first, the id after."""
    return f"'{version.dataset_name or 'dataset'}' v{version.number} ({version.id})"


def settings_key(settings: Mapping[str, Any]) -> str:
    """The sha256 of the settings' canonical JSON (sorted keys): what keys a stored explanation."""
    return hashlib.sha256(json.dumps(dict(settings), sort_keys=True).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- models, kept loaded for a while

_BUNDLES: OrderedDict[tuple[str, str], ModelBundle] = OrderedDict()
_BUNDLES_LOCK = threading.Lock()
_BUNDLES_KEPT = 4


def _bundle(ws: Workspace, model: Model) -> ModelBundle:
    """The model's bundle; the last few loaded are kept (an artifact's content never changes)."""
    key = (str(ws.artifacts.root), model.artifact)
    with _BUNDLES_LOCK:
        if key in _BUNDLES:
            _BUNDLES.move_to_end(key)
            return _BUNDLES[key]
    bundle = load_model(ws, model.id)
    with _BUNDLES_LOCK:
        _BUNDLES[key] = bundle
        while len(_BUNDLES) > _BUNDLES_KEPT:
            _BUNDLES.popitem(last=False)
    return bundle


# ---------------------------------------------------------------- resolving a request

def default_version(ws: Workspace, model_id: str) -> str:
    """The version a model is explained on unless told: its experiment's held-out rows, else its dataset version.

    Raises:
        NotFound: if the model or its experiment does not exist.
    """
    exp = get_experiment(ws, get_model(ws, model_id).experiment_id)
    return exp.test_version_id or exp.dataset_version_id


def default_rows(explainer: str) -> int:
    """Rows explained when not told: :data:`DEFAULT_ROWS`, or :data:`PERMUTATION_ROWS` for the permutation explainer."""
    return PERMUTATION_ROWS if explainer == "permutation" else DEFAULT_ROWS


def inline_limit(explainer: str) -> int:
    """The most rows a page explains while it waits; more run as an ``explain`` job."""
    return PERMUTATION_ROWS if explainer == "permutation" else INLINE_MAX_ROWS


def _check_rows(rows: int | None, explainer: str = "tree") -> int:
    if rows is None:
        return default_rows(explainer)
    if isinstance(rows, bool) or not isinstance(rows, int | np.integer):
        raise InvalidInput(f"The number of rows to explain must be a whole number, not {rows!r}.",
                           hint=f"Give a positive number of rows (the default is {DEFAULT_ROWS:,}).")
    if rows < 1:
        raise InvalidInput(f"Explain at least one row (asked for {rows}).",
                           hint=f"Give a positive number of rows (the default is {DEFAULT_ROWS:,}).")
    return int(rows)


def _missing_columns(version: DatasetVersion, bundle: ModelBundle) -> list[str]:
    have = set(version.columns)
    return [c for c in bundle.input_columns if c not in have]


def _lacks_columns(version: DatasetVersion, missing: list[str], whose: str) -> InvalidInput:
    names = ", ".join(f"'{c}'" for c in missing)
    return InvalidInput(
        f"Version {version.number} of dataset '{version.dataset_name or 'dataset'}' ({version.id}) lacks "
        f"the column{'s' if len(missing) > 1 else ''} {names} that {whose} needs.",
        hint=f"Pick a version that has the column{'s' if len(missing) > 1 else ''} {names}, e.g. the "
             "experiment's held-out rows (the default).")


def _resolve(ws: Workspace, model_id: str, version_id: str | None, rows: int | None, seed: int) -> _Request:
    """Resolve and check what is asked for, without reading any rows.

    Raises:
        NotFound: unknown model, experiment or version; the model's file is missing.
        InvalidInput: rows < 1; a version without rows or without the model's input columns;
            a model in the old pickle format (the hint says how to migrate it).
    """
    _check_rows(rows)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise InvalidInput(f"The seed must be a whole number, not {seed!r}.", hint="E.g. 0.")
    model = get_model(ws, model_id)
    exp = get_experiment(ws, model.experiment_id)
    version = datasets.get_version(ws, version_id or exp.test_version_id or exp.dataset_version_id)
    bundle = _bundle(ws, model)
    explainer = explainers.choose_explainer(bundle)
    wanted = _check_rows(rows, explainer)
    missing = _missing_columns(version, bundle)
    if missing:
        raise _lacks_columns(version, missing, model_label(model, exp))
    if version.n_rows < 1:
        raise InvalidInput(f"Version {version.number} of dataset '{version.dataset_name}' ({version.id}) has no "
                           "rows to explain.", hint="Pick a version with rows.")
    n = min(wanted, int(version.n_rows))
    settings = {"seed": int(seed), "sample": "all" if n == version.n_rows else "random",
                "background_rows": 0 if explainer == "tree" else BACKGROUND_ROWS,
                "explainer": explainer, "class": None}
    return _Request(model, exp, bundle, version, n, settings, settings_key(settings))


def _positions(total: int, n: int, seed: int) -> np.ndarray:
    """Which rows of a ``total``-row version are explained: all, or a seeded sample of ``n`` in row order."""
    if n >= total:
        return np.arange(total, dtype=np.int64)
    return np.sort(np.random.default_rng(seed).choice(total, size=n, replace=False)).astype(np.int64)


# ---------------------------------------------------------------- reading

def _lookup(ws: Workspace, req: _Request) -> StoredExplanation | None:
    with ws.read() as db:
        row = db.execute("SELECT * FROM explanations WHERE model_id = ? AND version_id = ? AND n_rows = ?"
                         " AND settings_key = ?", [req.model.id, req.version.id, req.n_rows, req.key]).fetchone()
    return StoredExplanation.from_row(row) if row is not None else None


def _get(ws: Workspace, explanation_id: str) -> StoredExplanation:
    with ws.read() as db:
        row = db.execute("SELECT * FROM explanations WHERE id = ?", [explanation_id]).fetchone()
    if row is None:
        raise NotFound(f"There is no stored explanation with id '{explanation_id}'.")
    return StoredExplanation.from_row(row)


def find_explanation(ws: Workspace, model_id: str, *, version_id: str | None = None, rows: int | None = None,
                     seed: int = 0) -> StoredExplanation | None:
    """Return the stored explanation :func:`explain_model` would reuse for these arguments, or ``None``.

    Args:
        ws: the workspace.
        model_id: the model.
        version_id: the dataset version (default: :func:`default_version`).
        rows: rows asked for (default: :func:`default_rows`; more than the version has means all of them).
        seed: the sampling seed.

    Returns:
        The stored explanation, or ``None`` when none is stored with this key.

    Raises:
        NotFound: unknown model or version.
        InvalidInput: as :func:`explain_model` (rows < 1, a version lacking the model's columns).
    """
    return _lookup(ws, _resolve(ws, model_id, version_id, rows, seed))


def explanations_of(ws: Workspace, model_id: str) -> list[StoredExplanation]:
    """Return a model's stored explanations, newest first (an unknown model has none)."""
    with ws.read() as db:
        rows = db.execute("SELECT * FROM explanations WHERE model_id = ? ORDER BY created_at DESC, rowid DESC",
                          [model_id]).fetchall()
    return [StoredExplanation.from_row(r) for r in rows]


def latest_explanation(ws: Workspace, model_id: str) -> StoredExplanation | None:
    """Return a model's newest stored explanation, of any version, or ``None``."""
    found = explanations_of(ws, model_id)
    return found[0] if found else None


def _read_arrays(ws: Workspace, stored: StoredExplanation) -> dict[str, np.ndarray]:
    """The stored arrays, checked against the row's shape.

    Raises:
        NotFound: the artifact is missing.
        Corrupted: its bytes changed, or it does not hold what the row says.
    """
    what = f"The stored explanation {stored.id} of model {stored.model_id}"
    hint = EXPLAIN_AGAIN.format(model=stored.model_id)
    try:
        blob = ws.artifacts.read_bytes(stored.artifact)
    except NotFound as exc:
        raise NotFound(f"{what} (file {stored.artifact[:12]}) is missing from {ws.artifacts.root}.",
                       hint=hint) from exc
    except (Corrupted, InvalidInput) as exc:
        raise Corrupted(f"{what} (file {stored.artifact[:12]}) is damaged: {exc.message}", hint=hint) from exc
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as z:
            arrays = {name: np.asarray(z[name]) for name in ("values", "base_values", "positions")}
    except (ValueError, KeyError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise Corrupted(f"{what} (file {stored.artifact[:12]}) cannot be read: {exc}.", hint=hint) from exc
    expected = (stored.n_rows, len(stored.columns), len(stored.outputs))
    if arrays["values"].shape != expected or arrays["positions"].shape != (stored.n_rows,) \
            or arrays["base_values"].shape != (len(stored.outputs),):
        raise Corrupted(f"{what} (file {stored.artifact[:12]}) holds values of shape {arrays['values'].shape}, "
                        f"not {expected}.", hint=hint)
    return arrays


def _rows_at(frame: pd.DataFrame, positions: np.ndarray, version_id: str) -> pd.DataFrame:
    """The version's rows at these positions, indexed by position, marked with the version they came from."""
    rows = frame.iloc[positions]
    rows.index = pd.Index(positions.astype(np.int64))
    rows.attrs["version_id"] = version_id
    return rows


def _assemble(ws: Workspace, stored: StoredExplanation, arrays: dict[str, np.ndarray]) -> Explanation:
    positions = arrays["positions"].astype(np.int64)
    frame = datasets.load_frame(ws, stored.version_id, columns=stored.columns)
    if len(positions) and (positions.min() < 0 or positions.max() >= len(frame)):
        raise Corrupted(f"The stored explanation {stored.id} points at rows its version {stored.version_id} does "
                        f"not have ({len(frame)} rows).", hint=EXPLAIN_AGAIN.format(model=stored.model_id))
    return Explanation(explainer=stored.explainer, units=stored.units, columns=list(stored.columns),
                       outputs=list(stored.outputs), values=arrays["values"].astype(float),
                       base_values=arrays["base_values"].astype(float),
                       data=_rows_at(frame, positions, stored.version_id), notes=tuple(stored.notes))


def load_explanation(ws: Workspace, stored: StoredExplanation) -> Explanation:
    """Rebuild a stored explanation: its values from the artifact, its rows from the version.

    ``data`` holds the version's raw input columns at the stored positions (its index), and
    ``data.attrs["version_id"]`` names the version (what :func:`row_choices` reads).

    Args:
        ws: the workspace.
        stored: the stored explanation.

    Returns:
        The explanation, equal to the one computed when it was stored.

    Raises:
        NotFound: if the artifact or the version's data is missing (the hint says to explain again).
        Corrupted: if either was damaged.
    """
    return _assemble(ws, stored, _read_arrays(ws, stored))


# ---------------------------------------------------------------- computing

def background_for(ws: Workspace, model_id: str, bundle: ModelBundle | None = None, *, n: int = BACKGROUND_ROWS,
                   seed: int = 0) -> pd.DataFrame | None:
    """A seeded sample of the rows the model was trained on: what the linear and permutation explainers integrate over.

    Args:
        ws: the workspace.
        model_id: the model.
        bundle: the loaded model (its input columns are kept); loaded when not given.
        n: at most this many rows.
        seed: the sampling seed.

    Returns:
        Up to ``n`` training rows (input columns, in row order), or ``None`` when the experiment
        has no recorded training version (then the explained rows serve as the background).

    Raises:
        NotFound: unknown model; the training version's data is missing.
    """
    model = get_model(ws, model_id)
    exp = get_experiment(ws, model.experiment_id)
    if not exp.train_version_id:
        return None
    bundle = bundle if bundle is not None else _bundle(ws, model)
    version = datasets.get_version(ws, exp.train_version_id)
    if _missing_columns(version, bundle) or version.n_rows < 1:
        return None
    frame = datasets.load_frame(ws, version.id, columns=bundle.input_columns)
    return frame.iloc[_positions(len(frame), max(1, int(n)), seed)]


def explain_model(ws: Workspace, model_id: str, *, version_id: str | None = None, rows: int | None = None,
                  seed: int = 0, progress: ProgressFn = no_progress,
                  job_id: str | None = None) -> tuple[StoredExplanation, Explanation]:
    """Explain a model on (a sample of) a dataset version's rows; reuse the stored answer when there is one.

    A stored explanation with the same key (model, version, rows explained, settings) is read
    back, not computed again. Otherwise at most ``rows`` rows are explained (a seeded random
    sample in row order when the version has more), and the result is stored with an
    ``explained`` activity event. A stored explanation whose artifact is missing or damaged is
    computed again and replaced. Nothing is written before the last progress report, so a
    callback that raises (a cancelled job) stops it cleanly.

    Args:
        ws: the workspace.
        model_id: the model.
        version_id: the dataset version (default: :func:`default_version`, the held-out rows).
        rows: at most this many rows (default: :func:`default_rows`).
        seed: seeds the row sample, the background sample and the permutations.
        progress: called while it loads, explains and stores.
        job_id: the ``explain`` job computing it, recorded with it.

    Returns:
        ``(stored, explanation)``; ``explanation.data.attrs["version_id"]`` names the version.

    Raises:
        NotFound: unknown model or version; a missing model file or version data.
        InvalidInput: rows < 1; the version lacks the model's input columns (they are named, with
            the version's dataset name and number) or has no rows; an old pickled model.
    """
    req = _resolve(ws, model_id, version_id, rows, seed)
    stale: StoredExplanation | None = None
    found = _lookup(ws, req)
    if found is not None:
        try:
            return found, _assemble(ws, found, _read_arrays(ws, found))
        except (NotFound, Corrupted) as exc:
            if not _artifact_is_the_problem(ws, found):
                raise
            log.warning("explanation %s is unreadable (%s); computing it again", found.id, exc)
            stale = found
    return _compute(ws, req, progress, job_id, stale)


def _artifact_is_the_problem(ws: Workspace, stored: StoredExplanation) -> bool:
    """Whether the explanation's own file is what failed (then it is computed again), not the version's data."""
    try:
        _read_arrays(ws, stored)
    except (NotFound, Corrupted):
        try:  # a damaged file would come back under the same name if the new one had the same bytes
            path = ws.artifacts.path(stored.artifact)
            if path.exists():
                path.unlink()
        except (InvalidInput, OSError):
            pass
        return True
    return False


def _compute(ws: Workspace, req: _Request, progress: ProgressFn, job_id: str | None,
             stale: StoredExplanation | None) -> tuple[StoredExplanation, Explanation]:
    started = time.perf_counter()
    what = f"Explaining {model_label(req.model)}"
    progress(Progress(0.02, f"{what}: reading {req.n_rows:,} rows of {_version_name(req.version)}"))
    frame = datasets.load_frame(ws, req.version.id, columns=req.bundle.input_columns)
    positions = req.positions()
    rows = _rows_at(frame, positions, req.version.id)
    background = None
    if req.settings["explainer"] != "tree":
        progress(Progress(0.05, f"{what}: sampling {BACKGROUND_ROWS} training rows as the background"))
        background = background_for(ws, req.model.id, req.bundle, n=BACKGROUND_ROWS, seed=req.seed)

    def step(report: Progress) -> None:
        fraction = None if report.fraction is None else 0.08 + 0.84 * report.fraction
        progress(Progress(fraction, f"{what}: {report.message}"))

    expl = explainers.explain_frame(req.bundle, rows, background=background, seed=req.seed, progress=step)
    if expl.values.shape[0] != len(positions):
        raise InvalidInput(f"The explainer returned {expl.values.shape[0]} rows for the {len(positions)} asked for.")
    total = int(req.version.n_rows)
    sample = (f"All {total:,} rows of {_version_name(req.version)}." if len(positions) == total else
              f"A random sample (seed {req.seed}) of {len(positions):,} of the {total:,} rows of "
              f"{_version_name(req.version)}, kept in row order.")
    notes = [sample, *expl.notes]
    expl = replace(expl, data=rows[list(expl.columns)], notes=tuple(notes))
    expl.data.attrs["version_id"] = req.version.id
    seconds = time.perf_counter() - started
    progress(Progress(0.95, f"{what}: storing the explanation"))
    stored = _store(ws, req, expl, positions, seconds, job_id, stale)
    progress(Progress(1.0, f"Explained {len(positions):,} rows of {_version_name(req.version)} with the "
                           f"{stored.explainer} explainer"))
    return stored, expl


def _npz_bytes(expl: Explanation, positions: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, values=np.asarray(expl.values, dtype=np.float64),
                        base_values=np.asarray(expl.base_values, dtype=np.float64).reshape(-1),
                        positions=np.asarray(positions, dtype=np.int64))
    return buffer.getvalue()


def _importance(expl: Explanation) -> dict[str, dict[str, float]]:
    out = {ALL_OUTPUTS: {str(c): float(v) for c, v in expl.importance(None).items()}}
    for i, name in enumerate(expl.outputs):
        out.setdefault(str(name), {str(c): float(v) for c, v in expl.importance(i).items()})
    return out


def _store(ws: Workspace, req: _Request, expl: Explanation, positions: np.ndarray, seconds: float,
           job_id: str | None, stale: StoredExplanation | None) -> StoredExplanation:
    sha = ws.artifacts.put_bytes(_npz_bytes(expl, positions))
    new = {
        "id": new_id("xpl"), "model_id": req.model.id, "version_id": req.version.id, "n_rows": int(len(positions)),
        "settings": json.dumps(req.settings, sort_keys=True), "settings_key": req.key, "explainer": expl.explainer,
        "units": expl.units, "outputs": json.dumps([str(o) for o in expl.outputs]),
        "columns": json.dumps([str(c) for c in expl.columns]),
        "base_values": json.dumps([float(b) for b in np.asarray(expl.base_values).reshape(-1)]),
        "importance": json.dumps(_importance(expl)), "artifact": sha, "job_id": job_id,
        "seconds": float(seconds), "notes": json.dumps(list(expl.notes)), "created_at": utcnow(),
    }
    with ws.write() as db:
        existing = db.execute("SELECT * FROM explanations WHERE model_id = ? AND version_id = ? AND n_rows = ?"
                              " AND settings_key = ?", [req.model.id, req.version.id, new["n_rows"], req.key]).fetchone()
        if existing is not None:
            if stale is None or existing["id"] != stale.id:
                return StoredExplanation.from_row(existing)  # stored meanwhile by another process: the same answer
            db.execute("DELETE FROM explanations WHERE id = ?", [stale.id])
        db["explanations"].insert(new)
        sample = "all" if req.settings["sample"] == "all" else "a sample of"
        record_event(db, object_kind="model", object_id=req.model.id, verb="explained",
                     message=f"Explained {model_label(req.model, req.experiment)} on {sample} {new['n_rows']:,} rows "
                             f"of {req.version.dataset_name or 'dataset'} v{req.version.number} "
                             f"({expl.explainer} explainer)",
                     project_id=req.model.project_id or req.experiment.project_id)
    return _get(ws, new["id"])


# ---------------------------------------------------------------- jobs

def _payload(req: _Request, rows: int) -> dict[str, Any]:
    # the version under "data_version_id", so the job's subject (Job.subject) is the model
    return {"model_id": req.model.id, "data_version_id": req.version.id, "rows": int(rows), "seed": req.seed}


def find_explain_job(ws: Workspace, model_id: str) -> Job | None:
    """Return the newest ``explain`` job of this model that is queued or running, else ``None``."""
    for job in list_jobs(ws, kind="explain", limit=100):
        if not job.finished and (job.payload or {}).get("model_id") == model_id:
            return job
    return None


def enqueue_explanation(ws: Workspace, model_id: str, *, version_id: str | None = None, rows: int | None = None,
                        seed: int = 0, project_id: str | None = None, start_worker: bool = True) -> Job:
    """Queue an ``explain`` job (for explanations too large to compute while a page waits).

    The request is checked before anything is queued (unknown model or version, rows < 1, a
    version lacking the model's columns all fail at once). Nothing is queued twice: while a job
    for the same explanation (same model, version, rows explained and seed) is queued or running,
    a second request is refused with :class:`~core.errors.Conflict` whose ``job`` attribute is
    that job (follow it instead); an explanation already stored is refused the same way, with
    ``stored`` set (read it with :func:`load_explanation`).

    Args:
        ws: the workspace.
        model_id: the model.
        version_id: the dataset version (default: :func:`default_version`).
        rows: at most this many rows (default: :func:`default_rows`).
        seed: the sampling seed.
        project_id: the project the job belongs to (default: the model's).
        start_worker: start a worker process if none is alive.

    Returns:
        The queued job.

    Raises:
        NotFound: unknown model or version.
        InvalidInput: as :func:`explain_model`.
        Conflict: the same explanation is already being computed, or is already stored.
    """
    req = _resolve(ws, model_id, version_id, rows, seed)
    payload = _payload(req, req.n_rows)
    for job in list_jobs(ws, kind="explain", limit=100):
        other = job.payload or {}
        if not job.finished and all(other.get(k) == payload[k] for k in ("model_id", "data_version_id", "seed")) \
                and min(int(other.get("rows") or DEFAULT_ROWS), req.version.n_rows) == req.n_rows:
            err = Conflict(f"This explanation of {model_label(req.model)} is already being computed by job "
                           f"'{job.title}' ({job.id}, {job.status}).",
                           hint=f"Follow that job (`mlcycle jobs show {job.id}`) instead of starting another.")
            err.job = job  # type: ignore[attr-defined]
            raise err
    stored = _lookup(ws, req)
    if stored is not None and ws.artifacts.exists(stored.artifact):
        err = Conflict(f"{model_label(req.model)} is already explained on {req.n_rows:,} rows of "
                       f"{_version_name(req.version)} (explanation {stored.id}).",
                       hint="Open it on the Explain page, or print it with "
                            f"`mlcycle explain {req.model.id} --version {req.version.id} --rows {req.n_rows}`.")
        err.stored = stored  # type: ignore[attr-defined]
        raise err
    title = f"Explain {req.model.learner} model {req.model.id} on {req.n_rows:,} rows of " \
            f"{req.version.dataset_name or 'dataset'} v{req.version.number}"
    return enqueue(ws, "explain", payload, title=title,
                   project_id=project_id or req.model.project_id or req.experiment.project_id,
                   start_worker=start_worker)


CANCEL_CHECK_SECONDS = 0.5


def run_explain_job(ctx: JobContext) -> dict[str, Any]:
    """Compute the explanation a job's payload asks for (job kind ``explain``), reporting progress.

    A cancel is noticed at the next progress report; nothing is stored then.

    Returns:
        ``{"explanation_id", "model_id", "version_id", "rows", "explainer", "units", "reused", "seconds"}``.

    Raises:
        JobCancelled: if the user cancelled the job.
        InvalidInput: if the payload names no model, or as :func:`explain_model`.
        NotFound: as :func:`explain_model`.
    """
    p = ctx.payload
    if not p.get("model_id"):
        raise InvalidInput("This explain job names no model.", hint="Queue it again from the Explain page.")
    last = [0.0]

    def report(progress: Progress) -> None:
        now = time.monotonic()
        if now - last[0] >= CANCEL_CHECK_SECONDS:
            last[0] = now
            ctx.check_cancelled()
        ctx.on_progress(progress)

    ctx.check_cancelled()
    before = find_explanation(ctx.ws, p["model_id"], version_id=p.get("data_version_id"), rows=p.get("rows"),
                              seed=int(p.get("seed") or 0))
    stored, _ = explain_model(ctx.ws, p["model_id"], version_id=p.get("data_version_id"), rows=p.get("rows"),
                              seed=int(p.get("seed") or 0), progress=report, job_id=ctx.job.id)
    reused = before is not None and before.id == stored.id
    ctx.log(f"{'Reused' if reused else 'Stored'} explanation {stored.id}: {stored.n_rows:,} rows, "
            f"{stored.explainer} explainer")
    ctx.progress(1.0, f"Explained {stored.n_rows:,} rows with the {stored.explainer} explainer", force=True)
    return {"explanation_id": stored.id, "model_id": stored.model_id, "version_id": stored.version_id,
            "rows": stored.n_rows, "explainer": stored.explainer, "units": stored.units, "reused": reused,
            "seconds": stored.seconds}


# ---------------------------------------------------------------- choosing rows

def _class_codes(values: pd.Series, classes: list[Any]) -> np.ndarray:
    """Class codes of target values in the model's class order (-1: missing or a class the model never saw)."""
    index = {c: i for i, c in enumerate(classes)}
    codes = values.map(lambda v: index.get(v) if pd.notna(v) and _hashable(v) else None)
    if codes.isna().any():  # a label read back as another type (1 vs "1"): match by text
        by_text = {t: i for i, t in enumerate(as_text(pd.Series(classes, dtype=object)))}
        codes = codes.fillna(as_text(values).map(by_text))
    return codes.fillna(-1).to_numpy(dtype=int)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _same_rows(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    if a.shape != b.shape:
        return False
    try:
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False,
                                      check_categorical=False, check_index_type=False, check_column_type=False)
    except AssertionError:
        return False
    return True


def _targets(ws: Workspace, model: Model, bundle: ModelBundle, expl: Explanation, version_id: str | None,
             *, required: bool) -> pd.Series | None:
    """The target values of the explained rows, read from the version they came from (``None`` when it has none)."""
    version = datasets.get_version(ws, version_id or expl.data.attrs.get("version_id")
                                   or default_version(ws, model.id))
    positions = expl.data.index.to_numpy()
    wrong = InvalidInput(f"These rows are not rows of {_version_name(version)}, so their target values cannot be "
                         "read there.", hint="Pass the version the explanation was made on (version_id).")
    if not pd.api.types.is_integer_dtype(positions.dtype) or (len(positions) and (
            positions.min() < 0 or positions.max() >= version.n_rows)):
        raise wrong
    target = bundle.target
    if target not in version.columns:
        if required:
            raise InvalidInput(f"The explained rows have no target values: {_version_name(version)} has no column "
                               f"'{target}', so their errors cannot be computed.",
                               hint=f"Pick rows by index or search instead, or explain a version with '{target}' "
                                    "(the experiment's held-out rows have it).")
        return None
    columns = [c for c in expl.columns if c in version.columns]
    frame = datasets.load_frame(ws, version.id, columns=list(dict.fromkeys([*columns, target])))
    at = frame.iloc[positions]
    if not _same_rows(at[columns], expl.data[columns]):
        raise wrong
    return pd.Series(at[target].to_numpy(), index=pd.RangeIndex(len(at)))


def row_choices(ws: Workspace, model_id: str, explanation: Explanation, *, kind: str, k: int = 20,
                version_id: str | None = None) -> pd.DataFrame:
    """The explained rows worth a closer look: the largest errors, or the most confident predictions.

    ``errors``: a classifier's error is 1 - its probability of the true class; a regressor's is
    |actual - predicted|; rows without a target value are left out. ``confident``: a
    classifier's highest class probabilities (a regressor has no confidence to rank by).
    Ties keep row order. Actual and predicted values are shown as the original labels.

    Args:
        ws: the workspace.
        model_id: the model explained.
        explanation: its explanation (from :func:`explain_model` or :func:`load_explanation`).
        kind: ``errors`` or ``confident``.
        k: at most this many rows.
        version_id: the version the rows came from (default: ``explanation.data.attrs["version_id"]``,
            set by this module, else :func:`default_version`). The rows are checked against it.

    Returns:
        Columns ``position`` (0..n-1 in ``explanation.data``), ``row`` (the row's index in its
        version), ``actual`` (``None`` when unknown), ``predicted`` and ``score`` (the error or
        the confidence), largest score first.

    Raises:
        InvalidInput: an unknown kind or k < 1; ``errors`` on rows without target values (the
            version has no target column, or no explained row has a value); ``confident`` for a
            regression model; rows that are not the version's.
        NotFound: unknown model or version.
    """
    if kind not in ROW_CHOICES:
        raise InvalidInput(f"Unknown choice of rows '{kind}'.", hint="Use 'errors' (largest errors) or 'confident' "
                                                                    "(most confident predictions).")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise InvalidInput(f"Show at least one row (asked for {k!r}).", hint="Give a positive number.")
    model = get_model(ws, model_id)
    bundle = _bundle(ws, model)
    if kind == "confident" and not bundle.is_classifier:
        raise InvalidInput("Most confident applies to classifiers: a regression model gives no probability to "
                           "rank its predictions by.", hint="Pick rows by largest errors, by index or by search.")
    data = explanation.data
    truth = _targets(ws, model, bundle, explanation, version_id, required=kind == "errors")
    columns = ["position", "row", "actual", "predicted", "score"]
    if len(data) == 0:
        return pd.DataFrame(columns=columns)
    classes = list(bundle.classes or [])
    actual: list[Any] = [None] * len(data)
    if bundle.is_classifier:
        proba = np.asarray(bundle.predict_proba(data), dtype=float)
        predicted = [_plain(classes[i]) for i in np.argmax(proba, axis=1)]
        codes = _class_codes(truth, classes) if truth is not None else np.full(len(data), -1)
        actual = [_plain(classes[c]) if c >= 0 else (None if truth is None or pd.isna(truth.iloc[i])
                                                     else _plain(truth.iloc[i]))
                  for i, c in enumerate(codes)]
        if kind == "errors":
            score = np.where(codes >= 0, 1.0 - proba[np.arange(len(data)), np.clip(codes, 0, None)], np.nan)
        else:
            score = proba.max(axis=1)
    else:
        pred = np.asarray(bundle.predict(data), dtype=float)
        predicted = [float(v) for v in pred]
        values = pd.to_numeric(truth, errors="coerce").to_numpy(dtype=float) if truth is not None \
            else np.full(len(data), np.nan)
        actual = [None if math.isnan(v) else float(v) for v in values]
        score = np.abs(values - pred)
    frame = pd.DataFrame({"position": np.arange(len(data)), "row": data.index.to_numpy(), "actual": actual,
                          "predicted": predicted, "score": score}, columns=columns)
    frame = frame[frame["score"].notna()]
    if frame.empty and kind == "errors":
        raise InvalidInput(f"None of the {len(data):,} explained rows has a target value the model knows, so "
                           "their errors cannot be computed.", hint="Pick rows by index or by search instead.")
    frame = frame.sort_values(["score", "position"], ascending=[False, True], kind="stable")
    return frame.head(int(k)).reset_index(drop=True)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def search_rows(explanation: Explanation, column: str, text: str, limit: int = 50) -> list[int]:
    """Positions (0..n-1 in ``explanation.data``) of the rows whose ``column`` matches ``text``.

    A value matches when its text contains ``text`` (ignoring case and surrounding spaces);
    in a numeric column a number also matches an equal value (``3`` finds ``3.0``). Empty
    text matches every row.

    Args:
        explanation: the explanation searched.
        column: one of its columns.
        text: what to look for.
        limit: at most this many positions, in row order.

    Returns:
        The positions, in row order.

    Raises:
        InvalidInput: if ``column`` is not one of the explanation's columns.
    """
    data = explanation.data
    if column not in data.columns:
        raise InvalidInput(f"There is no column '{column}' in the explained rows.",
                           hint=f"Search one of: {', '.join(map(str, data.columns))}.")
    if limit < 1:
        return []
    needle = str(text if text is not None else "").strip().casefold()
    values = data[column]
    if not needle:
        return list(range(min(limit, len(data))))
    texts = as_text(values)
    hits = texts.map(lambda v: v is not None and needle in str(v).casefold()).to_numpy(dtype=bool)
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        try:
            number = float(needle.replace(",", ""))
        except ValueError:
            number = None
        if number is not None and math.isfinite(number):
            numbers = values.to_numpy(dtype=float, na_value=np.nan)
            hits = hits | np.isclose(numbers, number, rtol=1e-9, atol=0.0)
    return [int(i) for i in np.flatnonzero(hits)[:limit]]


# ---------------------------------------------------------------- what-if

_GROUPED = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")  # 1,200.5: thousands separated by commas


def _typed(column: str, spec: Mapping[str, Any], value: Any, notes: list[str],
           unknown: dict[str, str]) -> Any:
    """A value typed by its column's kind in the model's input schema.

    Raises:
        InvalidInput: naming the column, for a value its kind cannot hold.
    """
    kind = spec.get("kind")
    blank = value is None or (isinstance(value, str) and not value.strip()) or (
        not isinstance(value, str) and _hashable(value) and pd.isna(value))
    if blank:
        return None if kind in ("categorical", "datetime") else np.nan
    if kind == "numeric":
        if isinstance(value, bool):
            return float(value)
        if isinstance(value, int | float | np.integer | np.floating):
            number = float(value)
        else:
            text = str(value).strip()
            try:
                number = float(text.replace(",", "") if _GROUPED.fullmatch(text) else text)
            except ValueError:
                number = float("nan")
        if not math.isfinite(number):
            raise InvalidInput(f"Column '{column}' needs a number; '{value}' is not one.",
                               hint=f"Type a number such as 3.5 for '{column}', or leave it empty for a "
                                    "missing value.")
        return number
    if kind == "boolean":
        if isinstance(value, bool | np.bool_):
            return bool(value)
        word = as_text(pd.Series([value], dtype=object)).iloc[0]
        word = str(word).lower() if word is not None else ""
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise InvalidInput(f"Column '{column}' needs true or false; '{value}' is neither.",
                           hint=f"Type true or false (or yes/no, 1/0) for '{column}'.")
    if kind == "datetime":
        when = pd.to_datetime(pd.Series([value], dtype=object), errors="coerce")
        if when.isna().iloc[0]:
            raise InvalidInput(f"Column '{column}' needs a date; '{value}' is not one.",
                               hint=f"Type a date such as 2024-03-01 for '{column}'.")
        return when.iloc[0]
    text = as_text(pd.Series([value], dtype=object)).iloc[0]
    categories = [str(c) for c in spec.get("categories") or []]
    if categories and text not in categories:
        unknown[column] = text
        notes.append(f"'{text}' is not a value of '{column}' the model saw in training: it is treated as other.")
    return text


def what_if(bundle: ModelBundle, row: pd.Series | Mapping[str, Any], changes: Mapping[str, Any], *,
            background: pd.DataFrame | None, seed: int = 0) -> tuple[dict[str, Any], Explanation]:
    """Predict and explain a row with some of its values changed.

    Each changed value is typed by its column's kind in the model's input schema: numeric text
    (``"3.5"``, ``"1,200"``) becomes a number, ``true``/``no`` a boolean, text a date; a
    categorical value stays text, and one the model never saw is allowed (the model treats it
    as other; the result says so). An empty value means missing.

    Args:
        bundle: the model.
        row: the row as it is (a row of ``explanation.data``, or a dict); it needs every input column.
        changes: ``{column: new value}``.
        background: training rows to integrate over (:func:`background_for`); ``None``: the row itself
            (the tree explainer needs none).
        seed: seeds the permutation explainer.

    Returns:
        ``(result, explanation)``: ``result`` is ``{"prediction": label or value, "probabilities":
        {class: p} or None, "row": {column: value}, "notes": [sentences], "unknown_categories":
        {column: value}}``; the explanation has the edited row at position 0.

    Raises:
        InvalidInput: naming the column, for a change to a column the model does not read, a
            value its column's kind cannot hold (``'x1' needs a number``), or a row lacking columns.
    """
    values = dict(row.items()) if isinstance(row, pd.Series) else dict(row)
    schema = {s["name"]: s for s in bundle.input_schema}
    missing = [c for c in bundle.input_columns if c not in values]
    if missing:
        raise InvalidInput(f"The row lacks the column{'s' if len(missing) > 1 else ''} "
                           f"{', '.join(repr(c) for c in missing)} the model reads.",
                           hint=f"The model reads: {', '.join(bundle.input_columns)}.")
    notes: list[str] = []
    unknown: dict[str, str] = {}
    for column, value in (changes or {}).items():
        if column not in schema:
            raise InvalidInput(f"The model does not read a column '{column}', so changing it changes nothing.",
                               hint=f"Change one of: {', '.join(bundle.input_columns)}.")
        values[column] = _typed(column, schema[column], value, notes, unknown)
    edited = {c: _plain(values[c]) for c in bundle.input_columns}
    frame = pd.DataFrame({c: pd.Series([v], dtype=object) for c, v in edited.items()}, index=pd.Index([0]))
    frame = frame.infer_objects()
    if bundle.is_classifier:
        proba = np.asarray(bundle.predict_proba(frame), dtype=float)[0]
        classes = list(bundle.classes or [])
        result: dict[str, Any] = {"prediction": _plain(classes[int(np.argmax(proba))]),
                                  "probabilities": {_plain(c): float(p) for c, p in zip(classes, proba, strict=True)}}
    else:
        result = {"prediction": float(np.asarray(bundle.predict(frame), dtype=float)[0]), "probabilities": None}
    expl = explainers.explain_frame(bundle, frame, background=background, seed=seed)
    result |= {"row": edited, "notes": notes, "unknown_categories": unknown}
    return result, expl


# ---------------------------------------------------------------- two models

def compare_importance(ws: Workspace, model_a: str, model_b: str, *, version_id: str | None = None,
                       rows: int | None = None) -> pd.DataFrame:
    """Mean |SHAP| per column of two models on the same rows (each explained, or its stored explanation reused).

    Both are explained on the same version with the same rows (default: ``model_a``'s held-out
    version); a column one model does not read counts 0 for it. The values are in each model's
    own units (``frame.attrs["units"]``), so compare their ranking and shares, not their sizes,
    when the units differ.

    Args:
        ws: the workspace.
        model_a: the first model.
        model_b: the second model.
        version_id: the dataset version (default: ``model_a``'s :func:`default_version`).
        rows: at most this many rows (default: :func:`default_rows`).

    Returns:
        Columns ``column``, ``<label a>``, ``<label b>`` (labels ``"learner · id"``), ordered by
        the first model's importance; ``attrs``: ``labels``, ``units`` (label -> units),
        ``explanations`` (label -> stored id), ``version_id``, ``rows``.

    Raises:
        NotFound: unknown model or version.
        InvalidInput: the same model twice; the version lacks a column one of the models reads
            (named, with the model); rows < 1.
    """
    if model_a == model_b:
        raise InvalidInput("Compare two different models: both are the same one.",
                           hint="Pick another model to compare with.")
    a, b = get_model(ws, model_a), get_model(ws, model_b)
    version = datasets.get_version(ws, version_id or default_version(ws, a.id))
    for model in (a, b):
        missing = _missing_columns(version, _bundle(ws, model))
        if missing:
            raise _lacks_columns(version, missing, model_label(model, get_experiment(ws, model.experiment_id)))
    labels = (f"{a.learner} · {a.id}", f"{b.learner} · {b.id}")
    stored = [explain_model(ws, m.id, version_id=version.id, rows=rows)[0] for m in (a, b)]
    scores = [s.importance.get(ALL_OUTPUTS) or {} for s in stored]
    order = list(dict.fromkeys([*scores[0], *sorted(scores[1], key=lambda c: -scores[1][c])]))
    frame = pd.DataFrame({"column": order, labels[0]: [float(scores[0].get(c, 0.0)) for c in order],
                          labels[1]: [float(scores[1].get(c, 0.0)) for c in order]})
    frame.attrs.update({"labels": labels, "units": {labels[0]: stored[0].units, labels[1]: stored[1].units},
                        "explanations": {labels[0]: stored[0].id, labels[1]: stored[1].id},
                        "version_id": version.id, "rows": stored[0].n_rows})
    return frame
