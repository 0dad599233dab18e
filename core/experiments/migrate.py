"""The one-time migration of models saved as pickles (``mlcycle-model/1``) to ``mlcycle-model/2``.

Before the pickle-free format a model was a joblib pickle of the bundle, holding FLAML's
estimator object. Opening a pickle runs code from the file, so MLCycle no longer loads
them on the fly: :func:`migrate_models` rewrites every such model of a workspace the user
trusts, once and explicitly (``mlcycle models migrate``, or the notice in the app). For each
model it:

1. reads the old file through a restricted unpickler that resolves only the modules a
   model is made of (MLCycle's own, FLAML, scikit-learn, LightGBM, XGBoost, NumPy, pandas,
   SciPy) and maps the classes that moved when ``core/`` was reorganised;
2. converts it (the native estimator inside FLAML's, the same preprocessor and metadata);
3. predicts the experiment's held-out rows with both and keeps the new file only when the
   outputs are identical;
4. stores the new file as a new artifact and points the model (same id) at it, logging the
   change in the activity feed and in ``logs/migrations.log``.

The old artifact stays in the store until garbage collection, so nothing is lost.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.errors import InvalidInput, NotFound
from core.ids import utcnow
from core.modeling import ModelBundle
from core.modeling.bundle import is_legacy_model
from core.progress import Progress, ProgressFn, no_progress
from core.store.activity import record_event
from core.workspace import Workspace

__all__ = ["MigrationReport", "ModelMigration", "load_legacy_model", "migrate_models"]

log = logging.getLogger("mlcycle.migrate")

# Where classes pickled under older module names live now.
_MOVED = {
    "core.preprocessing": "core.modeling.preprocessing",
    "core.learners": "core.experiments.learners",
}
_MODULE_ROOTS = ("core", "flaml", "sklearn", "lightgbm", "xgboost", "numpy", "pandas", "scipy", "joblib",
                 "collections", "copyreg", "datetime", "_codecs", "zoneinfo", "pytz", "dateutil")
_SAFE_BUILTINS = {"set", "frozenset", "slice", "complex", "range", "bytearray", "tuple", "list", "dict",
                  "object", "bool", "int", "float", "str", "bytes"}


class LegacyBundle:
    """What an ``mlcycle-model/1`` pickle holds: the old bundle's attributes, set by unpickling.

    They are those of :class:`~core.modeling.ModelBundle`, except that ``estimator`` is
    FLAML's estimator object (its ``_model`` is the native model).
    """

    def outputs(self, raw: pd.DataFrame) -> np.ndarray:
        """Predict as the old bundle did: probabilities for classifiers, values for regressors."""
        X = self.preprocessor.transform(raw)
        if self.task == "regression":
            return np.asarray(self.estimator.predict(X), dtype=float)
        proba = np.asarray(self.estimator.predict_proba(X), dtype=float)
        return np.column_stack([1 - proba, proba]) if proba.ndim == 1 else proba


def _restricted_unpickler() -> type:
    from joblib import numpy_pickle

    class Unpickler(numpy_pickle.NumpyUnpickler):
        def find_class(self, module: str, name: str) -> Any:
            if module == "core.modeling":  # the bundle, and everything that lived there before the split
                if name == "ModelBundle":
                    return LegacyBundle
                from core.experiments import learners
                from core.modeling import preprocessing

                for home in (preprocessing, learners):
                    if hasattr(home, name):
                        return getattr(home, name)
            module = _MOVED.get(module, module)
            root = module.split(".")[0]
            if root == "builtins" and name not in _SAFE_BUILTINS:
                raise InvalidInput(f"The old model file refers to builtins.{name}, which a model never needs.",
                                   hint="This file was not written by MLCycle; it is not migrated.")
            if root not in (*_MODULE_ROOTS, "builtins"):
                raise InvalidInput(f"The old model file refers to '{module}.{name}', outside what a model is made of.",
                                   hint="This file was not written by MLCycle; it is not migrated.")
            return super().find_class(module, name)

    return Unpickler


def load_legacy_model(blob: bytes) -> LegacyBundle:
    """Read an ``mlcycle-model/1`` file (a joblib pickle) through the restricted unpickler.

    Only call this on files from a workspace you trust: a pickle is code.

    Raises:
        InvalidInput: if the bytes are not an old MLCycle model, or refer to a module
            outside the ones a model is made of.
    """
    if not is_legacy_model(blob):
        raise InvalidInput("These bytes are not a model in the old pickle format.")
    from joblib import numpy_pickle

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with numpy_pickle._validate_fileobject_and_memmap(io.BytesIO(blob), "", None) as (fobj, _):
                payload = _restricted_unpickler()("", fobj, True).load()
    except InvalidInput:
        raise
    except (ImportError, AttributeError) as exc:
        raise InvalidInput(f"The old model needs something that is not installed: {exc}.",
                           hint="Install the packages pinned in requirements.txt, then migrate again.") from exc
    except Exception as exc:  # noqa: BLE001 - a damaged pickle can fail in many ways; name it
        raise InvalidInput(f"The old model file does not read: {type(exc).__name__}: {exc}.",
                           hint="The file is damaged; its model cannot be migrated.") from exc
    bundle = payload.get("bundle") if isinstance(payload, dict) else None
    if payload.get("format") != "mlcycle-model/1" or not isinstance(bundle, LegacyBundle):
        raise InvalidInput("This pickle is not an MLCycle model (format mlcycle-model/1).")
    return bundle


def convert(legacy: LegacyBundle) -> ModelBundle:
    """Turn an old bundle into the pickle-free model (same preprocessor, native estimator, metadata)."""
    from core.experiments.learners import to_native  # FLAML: only when there is something to migrate

    return ModelBundle(legacy.preprocessor, to_native(legacy.learner, legacy.estimator), legacy.task, legacy.target,
                       legacy.classes, legacy.learner, dict(legacy.config), int(legacy.seed),
                       int(getattr(legacy, "n_jobs", 1) or 1), int(getattr(legacy, "n_train_rows", 0) or 0),
                       dict(getattr(legacy, "versions", {}) or {}))


def _outputs(bundle: ModelBundle, raw: pd.DataFrame) -> np.ndarray:
    return bundle.predict_proba(raw) if bundle.is_classifier else np.asarray(bundle.predict(raw), dtype=float)


def migrate_blob(blob: bytes, rows: pd.DataFrame) -> ModelBundle:
    """Convert an old model file and return the new model, checked to predict ``rows`` identically.

    Raises:
        InvalidInput: if the file does not read, or the new model predicts differently.
    """
    legacy = load_legacy_model(blob)
    bundle = convert(legacy)
    again = ModelBundle.from_bytes(bundle.to_bytes())  # check what will be stored, not what is in memory
    before, after = legacy.outputs(rows), _outputs(again, rows)
    if before.shape != after.shape or not np.array_equal(before, after):
        diff = float(np.max(np.abs(before - after))) if before.shape == after.shape else float("inf")
        raise InvalidInput(f"The migrated model predicts differently (largest difference {diff:.3g}).",
                           hint="The old model is kept as it is; report this with the model id.")
    return again


@dataclass(frozen=True)
class ModelMigration:
    """What happened to one model: ``migrated``, ``would_migrate`` (dry run) or ``failed``."""

    model_id: str
    experiment_id: str
    learner: str
    status: str
    n_rows_checked: int = 0
    old_artifact: str = ""
    new_artifact: str = ""
    message: str = ""


@dataclass(frozen=True)
class MigrationReport:
    """The outcome of :func:`migrate_models`: one entry per model in the old format."""

    models: list[ModelMigration] = field(default_factory=list)
    n_current: int = 0

    @property
    def n_failed(self) -> int:
        """How many old models could not be migrated (they are left as they were)."""
        return sum(m.status == "failed" for m in self.models)

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON."""
        return {"models": [m.__dict__.copy() for m in self.models], "n_current": self.n_current,
                "n_failed": self.n_failed}


def legacy_model_ids(ws: Workspace) -> list[str]:
    """Return the ids of the models whose files are still in the old pickle format (cheap: reads two bytes each)."""
    with ws.read() as db:
        rows = db.execute("SELECT id, artifact FROM models ORDER BY created_at").fetchall()
    out = []
    for row in rows:
        try:
            with open(ws.artifacts.path(row["artifact"]), "rb") as f:
                head = f.read(2)
        except OSError:
            continue
        if is_legacy_model(head):
            out.append(row["id"])
    return out


def _check_rows(ws: Workspace, experiment: Any) -> pd.DataFrame:
    from core.data import datasets

    for version_id in (experiment.test_version_id, experiment.train_version_id):
        if version_id:
            try:
                return datasets.load_frame(ws, version_id)
            except NotFound:
                continue
    raise NotFound(f"Experiment '{experiment.name}' has no data left to check its model against.",
                   hint="Its split versions are gone; the model is not migrated.")


def migrate_models(ws: Workspace, *, dry_run: bool = False, on_progress: ProgressFn = no_progress) -> MigrationReport:
    """Rewrite every old pickled model of a trusted workspace in the pickle-free format, keeping ids.

    Args:
        ws: the workspace (trusted: old models are pickles, and reading one runs its code).
        dry_run: only report what would be migrated.
        on_progress: progress callback.

    Returns:
        A :class:`MigrationReport`; a model whose check fails is left as it was and reported.
    """
    from core.experiments.service import get_experiment

    ids = legacy_model_ids(ws)
    with ws.read() as db:
        n_models = db.execute("SELECT COUNT(*) FROM models").fetchone()[0]
    results = []
    for i, model_id in enumerate(ids):
        on_progress(Progress(i / max(1, len(ids)), f"Migrating model {i + 1} of {len(ids)}"))
        with ws.read() as db:
            row = db.execute("SELECT * FROM models WHERE id = ?", [model_id]).fetchone()
        base = {"model_id": model_id, "experiment_id": row["experiment_id"], "learner": row["learner"],
                "old_artifact": row["artifact"]}
        if dry_run:
            results.append(ModelMigration(**base, status="would_migrate"))
            continue
        try:
            experiment = get_experiment(ws, row["experiment_id"])
            rows = _check_rows(ws, experiment)
            bundle = migrate_blob(ws.artifacts.read_bytes(row["artifact"]), rows)
            data = bundle.to_bytes()
            sha = ws.artifacts.put_bytes(data)
        except (InvalidInput, NotFound) as exc:
            results.append(ModelMigration(**base, status="failed", message=f"{exc} {exc.hint}".strip()))
            _log(ws, f"{model_id}: not migrated: {exc}")
            continue
        with ws.write() as db:
            db["models"].update(model_id, {"artifact": sha, "size_bytes": len(data)})
            record_event(db, object_kind="model", object_id=model_id, verb="migrated",
                         message=f"Model {row['learner']} rewritten in the pickle-free format "
                                 f"(same predictions on {len(rows)} rows)", project_id=experiment.project_id)
        _log(ws, f"{model_id}: {row['artifact'][:12]} -> {sha[:12]}, identical on {len(rows)} rows")
        results.append(ModelMigration(**base, status="migrated", n_rows_checked=len(rows), new_artifact=sha))
    on_progress(Progress(1.0, "Done"))
    return MigrationReport(results, n_current=n_models - len(ids))


def _log(ws: Workspace, line: str) -> None:
    log.info(line)
    with open(ws.logs_dir / "migrations.log", "a", encoding="utf-8") as f:
        f.write(f"{utcnow()} {line}\n")
