"""Write a model as a bundle that builds anywhere Docker does, and record each export.

A bundle is a folder (and, on request, a zip of it) holding everything needed to serve one
model, with nothing of the app but the model format:

```
Dockerfile            two stages from ARG BASE_IMAGE (default python:<training minor>-slim); a venv at
                      /opt/venv from requirements.txt (from wheels/ with no index when present);
                      an unprivileged user, HEALTHCHECK on /ping, EXPOSE 8080, CMD python -m server
requirements.txt      exact pins: the versions the model was trained with, only what its estimator
                      family needs to load (numpy, pandas, scipy + lightgbm | xgboost with
                      scikit-learn | scikit-learn with skops), plus the server's (requirements-serve.txt)
core/                 core/__init__.py (one docstring), core/errors.py and core/modeling/ copied as they are
server/               the server package (core/deploy/serving/ copied as it is): python -m server
model.mlcycle         the model file's bytes, as stored
metadata.json         model, data hash, metrics, lineage, versions, export id
schema.json           JSON Schema (draft 2020-12) of one input row
sample_request.json   five held-out rows as {"dataframe_split": {"columns", "data"}}
MODEL_CARD.md/.html   the model card (core.explain.card)
README.md             docker build / run / curl lines that work as written; running it without Docker
wheels/               (offline) every wheel the requirements need for Linux x86_64, CPython <minor>
```

Each export is a row of ``exports`` (:class:`Export`) with an activity event; the results of
verifying the bundle's server and its image are recorded with it (:func:`record_verification`).

Example:
    >>> export = export_bundle(ws, model.id, Path("churn-bundle"), zip=True)
    >>> export.path, export.zip_path, export.requirements["lightgbm"]
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from core.data.readers import binary_size
from core.deploy import _templates
from core.errors import ExternalToolFailed, InvalidInput, NotFound
from core.ids import new_id, utcnow
from core.modeling import FORMAT, ModelBundle
from core.modeling.preprocessing import MISSING, OTHER, as_text
from core.progress import Progress, ProgressFn, no_progress
from core.store.activity import record_event
from core.store.entities import _Entity
from core.workspace import Workspace

__all__ = ["BASE_PACKAGES", "FAMILY_PACKAGES", "NEVER_SERVED", "PORT", "Export", "export_bundle", "exports_of",
           "get_export", "image_tag", "input_json_schema", "record_image", "record_verification",
           "serving_requirements", "wheel_platforms", "zip_bundle"]

CORE_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = CORE_DIR.parent
SERVING_DIR = Path(__file__).resolve().parent / "serving"
SERVE_REQUIREMENTS = REPO_ROOT / "requirements-serve.txt"
# The server's own pins until requirements-serve.txt exists (the versions the app's venv has).
DEFAULT_SERVE_PINS = {"fastapi": "0.165.0", "uvicorn": "0.55.0"}

PORT = 8080
SAMPLE_ROWS = 5
# What loading a model needs, per estimator family (checked by loading each family with the others
# blocked): XGBoost's scikit-learn wrapper needs scikit-learn; skops files need skops and
# scikit-learn, whose joblib and threadpoolctl are pinned to the recorded versions too. LightGBM's
# wheel needs the OpenMP runtime libgomp.so.1, which python:3.11-slim and a bare Debian lack and
# which only apt could add (no network in an offline build): scikit-learn's wheel carries a copy,
# which the Dockerfile puts on the library path.
BASE_PACKAGES: tuple[str, ...] = ("numpy", "pandas", "scipy")
FAMILY_PACKAGES: dict[str, tuple[str, ...]] = {
    "lightgbm": ("lightgbm", "scikit-learn", "joblib", "threadpoolctl"),
    "xgboost": ("xgboost", "scikit-learn", "joblib", "threadpoolctl"),
    "sklearn": ("scikit-learn", "skops", "joblib", "threadpoolctl"),
}
_DISTRIBUTIONS = {"xgboost": ("xgboost-cpu", "xgboost")}  # the CPU build first: plain xgboost pulls CUDA
# Never in a serving image, whatever a requirements file says.
NEVER_SERVED = frozenset({"streamlit", "shap", "flaml", "sqlite-utils", "ray", "pyarrow"})
_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*(?:\[[A-Za-z0-9._,-]+\])?)\s*==\s*([^\s;#]+)")
_MANYLINUX = (28, 27, 24, 17)


@dataclass(frozen=True)
class Export(_Entity):
    """One exported bundle of a model (a row of ``exports``).

    Attributes:
        id: ``bdl_…``.
        model_id: the model.
        path: the bundle folder.
        zip_path: the zip of it, if one was made.
        offline: whether ``wheels/`` holds every wheel (the image builds with no network).
        files: ``[{"path", "size"}]``, every file of the bundle (paths relative to it, ``/``-separated).
        requirements: ``{package: version}``: the model's and the server's pins in ``requirements.txt``
            (which also pins their dependencies when the model was trained in the exporting environment).
        verification: the result of verifying the bundle's server, if it was verified.
        image_tag: the tag of the image built from it, if one was built.
        image_verification: the result of verifying that image.
        created_by: who exported it.
        created_at: when.
    """

    _json_fields: ClassVar[tuple[str, ...]] = ("files", "requirements", "verification", "image_verification")

    id: str
    model_id: str
    path: str
    zip_path: str | None
    offline: bool
    files: list[dict[str, Any]]
    requirements: dict[str, str]
    verification: dict[str, Any] | None
    image_tag: str | None
    image_verification: dict[str, Any] | None
    created_by: str
    created_at: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "offline", bool(self.offline))

    @property
    def size_bytes(self) -> int:
        """The bundle's size: the sum of its files."""
        return sum(int(f.get("size") or 0) for f in self.files)


# ---------------------------------------------------------------- requirements

def _canon(name: str) -> str:
    """A distribution name as pip compares them (``Scikit_Learn`` -> ``scikit-learn``)."""
    return re.sub(r"[-_.]+", "-", name.split("[", 1)[0]).lower()


def serve_pins(path: Path = SERVE_REQUIREMENTS) -> dict[str, str]:
    """The server's pins (``requirements-serve.txt``: ``name==version`` lines), or the defaults without it."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return dict(DEFAULT_SERVE_PINS)
    pins = {m.group(1): m.group(2) for line in text.splitlines() if (m := _PIN.match(line))}
    return pins or dict(DEFAULT_SERVE_PINS)


def _installed(name: str) -> tuple[str, str] | None:
    from core.experiments.environment import installed_distribution

    return installed_distribution(name)


def serving_requirements(bundle: ModelBundle, environment: dict[str, Any]) -> dict[str, str]:
    """Return what serving ``bundle`` needs, pinned to the versions it was trained with.

    The packages are :data:`BASE_PACKAGES` plus those of the model's estimator family
    (:data:`FAMILY_PACKAGES`), each at the version recorded with the model (its
    ``versions``, else the experiment environment's ``packages``; a package neither records,
    as in a model migrated from the old format, gets the version installed here, which loads
    it), plus the server's pins (``requirements-serve.txt``). Never one of :data:`NEVER_SERVED`.

    Args:
        bundle: the loaded model.
        environment: the model's recorded environment (``Model.environment``).

    Returns:
        ``{distribution: version}``, sorted by name (``xgboost-cpu`` when the model was trained with it).

    Raises:
        InvalidInput: if a package the model needs is neither recorded nor installed.
    """
    recorded: dict[str, tuple[str, str]] = {}
    for source in ((environment or {}).get("packages") or {}, bundle.versions or {}):
        for name, version in source.items():
            recorded[_canon(name)] = (name, str(version))
    family = bundle.estimator.family
    out: dict[str, str] = {}
    for package in (*BASE_PACKAGES, *FAMILY_PACKAGES[family]):
        names = _DISTRIBUTIONS.get(package, (package,))
        found = next((recorded[_canon(n)] for n in names if _canon(n) in recorded), None) or _installed(package)
        if found is None:
            raise InvalidInput(f"The model's recorded environment has no version of '{package}', and it is not "
                               "installed here, so the bundle cannot pin it.",
                               hint=f"Install {package} in the app's environment and export again.")
        out[found[0]] = found[1]
    taken = {_canon(n) for n in out}
    for name, version in serve_pins().items():
        if _canon(name) not in taken and _canon(name) not in NEVER_SERVED:
            out[name] = version
    return dict(sorted(out.items(), key=lambda kv: _canon(kv[0])))


def _target_markers(python: str) -> dict[str, str]:
    """The environment markers of the image: Linux x86_64, CPython ``python``."""
    return {"python_version": python, "python_full_version": f"{python}.0", "sys_platform": "linux",
            "platform_system": "Linux", "platform_machine": "x86_64", "os_name": "posix",
            "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": ""}


def dependency_pins(pins: dict[str, str], python: str) -> dict[str, str]:
    """The dependencies of ``pins`` (all the way down) at the versions installed here, or ``{}``.

    Only when every one of ``pins`` is installed here at its pinned version (a model trained in
    this environment, the usual case): then the image gets the very packages the bundle is
    verified with. Otherwise pip resolves the dependencies itself (pinning this environment's
    versions next to other top-level versions could ask for a combination that does not exist).
    """
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        from packaging.requirements import InvalidRequirement, Requirement
    except ImportError:  # pragma: no cover - packaging comes with skops and pip
        return {}
    markers = _target_markers(python)
    found: dict[str, tuple[str, str]] = {}
    todo: list[str] = []
    for name, version in pins.items():
        try:
            if distribution(name.split("[", 1)[0]).version != version:
                return {}
        except PackageNotFoundError:
            return {}
        todo.append(name.split("[", 1)[0])
    seen = {_canon(n) for n in todo}
    while todo:
        for line in distribution(todo.pop()).requires or []:
            try:
                req = Requirement(line)
            except InvalidRequirement:
                continue
            if req.marker is not None and not req.marker.evaluate(markers):
                continue
            key = _canon(req.name)
            if key in seen:
                continue
            seen.add(key)
            try:
                dist = distribution(req.name)
            except PackageNotFoundError:
                continue  # not installed here: pip resolves it
            found[key] = (dist.metadata["Name"] or req.name, dist.version)
            todo.append(req.name)
    return {name: version for name, version in sorted(found.values(), key=lambda nv: _canon(nv[0]))
            if _canon(name) not in NEVER_SERVED}


def _requirements_text(pins: dict[str, str], deps: dict[str, str], model_id: str, python: str) -> str:
    server = {_canon(n) for n in serve_pins()}
    model_pins = [f"{n}=={v}" for n, v in pins.items() if _canon(n) not in server]
    server_pins = [f"{n}=={v}" for n, v in pins.items() if _canon(n) in server]
    lines = [f"# Serving MLCycle model {model_id} (Python {python}): only what loading and serving it needs.",
             "# The model's packages, at the exact versions it was trained with:", *model_pins,
             "# The server's (FastAPI + uvicorn):", *server_pins]
    if deps:
        lines += ["# Their dependencies, at the versions of the environment that exported and verified the bundle:",
                  *(f"{n}=={v}" for n, v in deps.items())]
    return "\n".join(lines) + "\n"


def _python_minor(environment: dict[str, Any]) -> str:
    """The training Python's ``major.minor`` (the running one when the model did not record it)."""
    found = re.match(r"^(\d+)\.(\d+)", str((environment or {}).get("python") or ""))
    return f"{found.group(1)}.{found.group(2)}" if found else f"{sys.version_info.major}.{sys.version_info.minor}"


def wheel_platforms() -> list[str]:
    """The platform tags ``pip download`` accepts for the image: glibc Linux x86_64 (bookworm has glibc 2.36)."""
    return ["manylinux2014_x86_64", *(f"manylinux_2_{v}_x86_64" for v in _MANYLINUX)]


def download_command(python: str, wheels: str = "wheels", requirements: str = "requirements.txt") -> list[str]:
    """The ``pip download`` arguments (after ``python -m pip``) that fetch every wheel of the requirements."""
    platforms = [arg for p in wheel_platforms() for arg in ("--platform", p)]
    return ["download", "--only-binary=:all:", *platforms, "--python-version", python, "--implementation", "cp",
            "-d", wheels, "-r", requirements]


# ---------------------------------------------------------------- names

def image_tag(project_name_or_id: str | None, model_id: str) -> str:
    """The image's tag: ``mlcycle/<project slug>:<model id>`` (valid for Docker).

    The slug is the project's name in lower-case ASCII letters and digits joined by ``-``
    (accents dropped); a name with none of those (Korean, say) or no project gives ``model``.

    Example:
        >>> image_tag("Churn 2026", "mdl_5f0c1a9e2b7d")
        'mlcycle/churn-2026:mdl_5f0c1a9e2b7d'
    """
    text = unicodedata.normalize("NFKD", str(project_name_or_id or "")).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:64].strip("-") or "model"
    tag = re.sub(r"[^A-Za-z0-9_.-]", "-", str(model_id))[:128] or "latest"
    if tag[0] in ".-":
        tag = "m" + tag[:127]
    return f"mlcycle/{slug}:{tag}"


# ---------------------------------------------------------------- JSON helpers

def _json_value(value: Any) -> Any:
    """A cell as JSON: NaN/NaT/None -> null, numpy scalars -> numbers, datetimes -> ISO-8601."""
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        f = float(value)
        return f if math.isfinite(f) else None
    if isinstance(value, str):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, pd.Timedelta | dt.timedelta):
        return str(value)
    if isinstance(value, list | tuple | np.ndarray):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return str(value)


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


# ---------------------------------------------------------------- schema and sample rows

def _dtype_family(dtype: str) -> str:
    d = str(dtype).lower()
    if d.startswith("bool"):
        return "bool"
    if re.match(r"^u?int|^float|^double|^decimal", d):
        return "number"
    if d.startswith("datetime") or d.startswith("timestamp"):
        return "datetime"
    return "text"


def _category_value(text: str, family: str) -> Any:
    """A category level (stored as text) in the JSON type the column had in the training data."""
    if family == "number":
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and re.fullmatch(r"-?\d+", text) else number
    if family == "bool" and text in ("True", "False"):
        return text == "True"
    return text


def _column_schema(col: dict[str, Any]) -> dict[str, Any]:
    kind, family = col.get("kind"), _dtype_family(col.get("dtype", ""))
    out: dict[str, Any]
    if kind == "categorical":
        levels = [_category_value(str(c), family) for c in col.get("categories") or []]
        types = sorted({"boolean" if isinstance(v, bool) else "number" if isinstance(v, int | float) else "string"
                        for v in levels} or {"string"})
        out = {"type": [*types, "null"], "enum": [*levels, None],
               "description": "One of the categories the model learned; any other value is read as 'other', "
                              "as the model was trained to."}
    elif kind == "datetime":
        out = {"type": ["string", "null"], "format": "date-time",
               "description": "An ISO-8601 date and time; a value with a time zone offset is read in UTC."}
    elif kind == "boolean":
        out = {"type": ["boolean", *(["number"] if family == "number" else []),
                        *(["string"] if family == "text" else []), "null"]}
    else:  # numeric
        out = {"type": ["number", *(["string"] if family == "text" else []), "null"]}
    return {**out, "x-mlcycle-kind": kind, "x-mlcycle-dtype": col.get("dtype", "")}


def input_json_schema(bundle: ModelBundle, title: str = "") -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one input row of ``bundle``: a property per input column.

    Numbers are ``number``, true/false columns ``boolean``, dates ``string`` with format
    ``date-time``, categories an ``enum`` of the learned levels in the column's training type;
    every column may be ``null`` (a missing value, filled as in training). Every input column
    is required; other keys are ignored. ``x-mlcycle-input-columns`` lists the columns in order.
    """
    columns = bundle.input_columns
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title or "One input row",
        "type": "object",
        "properties": {c["name"]: _column_schema(c) for c in bundle.input_schema},
        "required": list(columns),
        "additionalProperties": True,
        "x-mlcycle-input-columns": list(columns),
    }


def _sample_frame(ws: Workspace, exp: Any, bundle: ModelBundle) -> pd.DataFrame:
    """Up to five held-out rows (input columns only), in their order, preferring rows whose categories the
    model knows (so they validate against ``schema.json``); none when the data is gone."""
    from core.data import datasets

    version_id = exp.test_version_id or exp.train_version_id or exp.dataset_version_id
    try:
        frame = datasets.load_frame(ws, version_id)
    except NotFound:  # the data is gone: the bundle still serves, its sample request is empty
        return pd.DataFrame(columns=bundle.input_columns)
    frame = frame[[c for c in bundle.input_columns if c in frame.columns]]
    known = pd.Series(True, index=frame.index)
    for spec in bundle.preprocessor.columns:
        if spec.kind == "categorical" and spec.name in frame.columns:
            levels = [c for c in spec.categories if c not in (MISSING, OTHER)]
            values = as_text(frame[spec.name])
            known &= values.isna() | values.isin(levels)
    picked = list(frame.index[known][:SAMPLE_ROWS])
    picked += list(frame.index[~known][:SAMPLE_ROWS - len(picked)])
    return frame.loc[sorted(picked, key=frame.index.get_loc)]


def _sample_request(frame: pd.DataFrame) -> dict[str, Any]:
    rows = [[_json_value(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    return {"dataframe_split": {"columns": [str(c) for c in frame.columns], "data": rows}}


# ---------------------------------------------------------------- metadata

def _metrics(ws: Workspace, model: Any, exp: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(metrics, evaluation)``: the stored evaluation's metric -> value/low/high, else the holdout scores."""
    from core.evaluation.scoring import get_evaluation

    ev = get_evaluation(ws, model.id)
    if ev is not None:
        metrics = {k: {"value": _json_value(v.get("value")), "low": _json_value(v.get("low")),
                       "high": _json_value(v.get("high"))} for k, v in ev.metrics.items()}
        return metrics, {"method": ev.method, "metric": ev.metric, "n_rows": ev.n_rows, "at": ev.created_at}
    holdout = {k: v for k, v in (model.holdout or {}).items() if k != "n_rows" and isinstance(v, int | float)}
    return ({k: {"value": _json_value(v), "low": None, "high": None} for k, v in holdout.items()},
            {"method": "holdout", "metric": exp.metric, "n_rows": _json_value(_whole((model.holdout or {}).get("n_rows"))),
             "at": None})


def _whole(x: Any) -> Any:
    return int(x) if isinstance(x, float) and x.is_integer() else x


def _lineage(ws: Workspace, model: Any, exp: Any, project: Any) -> list[dict[str, Any]]:
    from core.data import datasets
    from core.define.hypotheses import find_hypothesis

    out: list[dict[str, Any]] = []
    if project is not None:
        out.append({"kind": "project", "id": project.id, "name": project.name})
    hypothesis = find_hypothesis(ws, exp.hypothesis_id) if exp.hypothesis_id else None
    if hypothesis is not None:
        out.append({"kind": "hypothesis", "id": hypothesis.id, "statement": hypothesis.statement,
                    "criterion": hypothesis.criterion})
    out.append({"kind": "experiment", "id": exp.id, "name": exp.name, "target": exp.target, "task": exp.task,
                "metric": exp.metric})
    if model.run_id:
        out.append({"kind": "run", "id": model.run_id})
    for role, version_id in (("data", exp.dataset_version_id), ("train", exp.train_version_id),
                             ("held_out", exp.test_version_id)):
        if not version_id:
            continue
        entry: dict[str, Any] = {"kind": "dataset_version", "role": role, "id": version_id}
        try:
            version = datasets.get_version(ws, version_id)
            entry.update({"dataset": datasets.get_dataset(ws, version.dataset_id).name, "number": version.number,
                          "sha256": version.sha256, "rows": version.n_rows, "columns": version.n_cols})
        except NotFound:
            entry["missing"] = True
        out.append(entry)
    return out


def _metadata(ws: Workspace, model: Any, exp: Any, project: Any, bundle: ModelBundle, export_id: str,
              pins: dict[str, str], python: str, tag: str, at: str) -> dict[str, Any]:
    metrics, evaluation = _metrics(ws, model, exp)
    return {
        "model_id": model.id, "learner": bundle.learner, "task": bundle.task, "target": bundle.target,
        "classes": _json_value(list(bundle.classes)) if bundle.classes is not None else None,
        "experiment": exp.id, "experiment_name": exp.name,
        "project": project.id if project else None, "project_name": project.name if project else None,
        "data_sha256": exp.data_sha256, "dataset_version": exp.dataset_version_id,
        "metrics": metrics, "evaluation": evaluation,
        "created_at": model.created_at, "exported_at": at, "export_id": export_id,
        "python": (model.environment or {}).get("python") or python, "versions": dict(bundle.versions),
        "requirements": pins, "mlcycle_format": FORMAT, "model_sha256": model.artifact,
        "input_columns": list(bundle.input_columns), "image": tag,
        "lineage": _lineage(ws, model, exp, project),
    }


# ---------------------------------------------------------------- README

def _md(text: Any) -> str:
    """User text inside a Markdown table cell or inline code-free text."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`").replace("\n", " ")


def _code_span(text: str) -> str:
    """``text`` as an inline code span whatever backticks it holds."""
    ticks = max((len(m) for m in re.findall(r"`+", text)), default=0) + 1
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{'`' * ticks}{pad}{text}{pad}{'`' * ticks}"


def _columns_table(schema: dict[str, Any]) -> str:
    lines = ["| Column | Kind | JSON type | Values |", "|---|---|---|---|"]
    for name, prop in schema["properties"].items():
        types = " or ".join(t for t in prop["type"] if t != "null")
        if "enum" in prop:
            levels = [v for v in prop["enum"] if v is not None]
            shown = ", ".join(json.dumps(v, ensure_ascii=False) for v in levels[:8])
            values = f"{shown}{', …' if len(levels) > 8 else ''} (others read as 'other')"
        elif prop.get("format") == "date-time":
            values = "ISO-8601 date and time"
        else:
            values = ""
        lines.append(f"| {_md(name)} | {prop['x-mlcycle-kind']} | {types} | {_md(values)} |")
    return "\n".join(lines)


_FILE_ROLES = [
    ("Dockerfile", "builds the serving image"),
    ("requirements.txt", "the exact package versions, only what serving needs"),
    ("model.mlcycle", f"the model ({FORMAT}: no pickle)"),
    ("core/", "the model-format code of the app (core/modeling/, core/errors.py)"),
    ("server/", "the server (python -m server)"),
    ("metadata.json", "model id, data hash, metrics, lineage, versions"),
    ("schema.json", "JSON Schema of one input row"),
    ("sample_request.json", "five held-out rows to try"),
    ("MODEL_CARD.md, MODEL_CARD.html", "the model card"),
]


def _readme(*, model: Any, exp: Any, project: Any, bundle: ModelBundle, export_id: str, tag: str, python: str,
            base_image: str, at: str, sample: dict[str, Any], expected: dict[str, Any], schema: dict[str, Any],
            offline: bool) -> str:
    task_text = {"binary": "binary classification", "multiclass": "multiclass classification",
                 "regression": "regression"}.get(bundle.task, bundle.task) + f" of '{_md(bundle.target)}'"
    origin = f"experiment '{_md(exp.name or exp.target)}' (`{exp.id}`)"
    if project is not None:
        origin += f" of project '{_md(project.name)}' (`{project.id}`)"
    columns, data = sample["dataframe_split"]["columns"], sample["dataframe_split"]["data"]
    first = data[0] if data else [None] * len(columns)
    record = dict(zip(columns, first, strict=True))

    def one(key: str, value: Any) -> str:
        return json.dumps({key: value}, ensure_ascii=False)

    formats = "\n".join([one("dataframe_split", {"columns": columns, "data": [first]}),
                         one("dataframe_records", [record]), one("instances", [record]),
                         one("inputs", {c: [v] for c, v in record.items()})])
    if bundle.is_classifier:
        answer = '{"predictions": [...], "probabilities": [[...], ...], "classes": [...]}'
        classes_line = (f"\nFor the rows of `sample_request.json` the predictions are "
                        f"{_code_span(json.dumps(expected['predictions'], ensure_ascii=False))}; each row's "
                        f"probabilities are in the order of `classes`, "
                        f"{_code_span(json.dumps(expected['classes'], ensure_ascii=False))}.\n")
    else:
        answer = '{"predictions": [...]}'
        shown = [float(f"{v:.6g}") for v in expected["predictions"]]
        classes_line = (f"\nFor the rows of `sample_request.json` the predictions are about "
                        f"{_code_span(json.dumps(shown))}.\n")
    pip_args = " ".join(download_command(python))
    if offline:
        offline_text = (f"`wheels/` holds every wheel the requirements need (Linux x86_64, CPython {python}), so "
                        f"`docker build --network none -t {tag} .` builds with no network, once the base image "
                        f"is on this machine (`docker pull {base_image}` beforehand, or pass one you have as "
                        f"`--build-arg BASE_IMAGE=...`).")
        offline_pip = ("\nWith no network, install from the bundle's wheels instead (Linux x86_64, CPython "
                       f"{python}): `pip install --no-index --find-links wheels -r requirements.txt`.\n")
    else:
        offline_text = (f"this bundle has no `wheels/`. Fetch them where there is network, from this folder: "
                        f"`python3 -m pip {pip_args}`, then "
                        f"`docker build --network none -t {tag} .` (with the base image already on the machine), "
                        f"or export the model again with `mlcycle export {model.id} --offline`.")
        offline_pip = ""
    openmp_note = ""
    if bundle.estimator.family == "lightgbm":
        openmp_note = ("\nLightGBM needs the OpenMP runtime `libgomp.so.1`. Most Linux systems have it (Debian and "
                       "Ubuntu: package `libgomp1`; macOS: `brew install libomp`). Where `python -m server` says "
                       "it cannot open `libgomp.so.1`, use the copy in scikit-learn's wheel, as the image does:\n\n"
                       "```bash\nmkdir -p .venv/openmp\n"
                       "ln -sf \"$(find \"$PWD/.venv\" -path '*.libs/libgomp-*.so*' -print -quit)\" "
                       ".venv/openmp/libgomp.so.1\n"
                       "export LD_LIBRARY_PATH=\"$PWD/.venv/openmp\"\n```\n")
    files = [*_FILE_ROLES, *([("wheels/", "the wheels of every requirement (no network needed)")] if offline else [])]
    files_table = "\n".join(["| File | What |", "|---|---|", *(f"| `{f}` | {what} |" for f, what in files),
                             "| `README.md` | this file |"])
    return _templates.README.substitute(
        title=f"Model {_md(bundle.learner)} · {_md(exp.name or exp.target)}", model_id=model.id,
        learner=_md(bundle.learner), task_text=task_text, exported_at=at[:16].replace("T", " ") + " UTC",
        export_id=export_id, origin=origin, python=python, tag=tag, port=PORT, answer=answer,
        classes_line=classes_line, offline_text=offline_text, offline_pip=offline_pip, openmp_note=openmp_note,
        formats=formats,
        columns_table=_columns_table(schema), files_table=files_table)


# ---------------------------------------------------------------- files

def _copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo"))


def _list_files(root: Path) -> list[dict[str, Any]]:
    out = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.relative_to(root).parts:
            out.append({"path": path.relative_to(root).as_posix(), "size": path.stat().st_size})
    return out


def zip_bundle(path: Path | str) -> Path:
    """Zip a bundle folder as ``<folder>.zip`` beside it (entries under ``<folder name>/``); return the zip's path.

    The zip is written under a temporary name and moved into place, so a reader never sees
    half a zip; an older zip of the same name is replaced.

    Raises:
        NotFound: if ``path`` is not a folder.
    """
    root = Path(path)
    if not root.is_dir():
        raise NotFound(f"There is no bundle folder at {root}.", hint="Export the model first.")
    target = root.parent / f"{root.name}.zip"
    partial = root.parent / f".{root.name}.zip.partial-{os.getpid()}"
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for entry in _list_files(root):
                zf.write(root / entry["path"], f"{root.name}/{entry['path']}")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _prepare_out_dir(out_dir: Path) -> bool:
    """Check ``out_dir`` may take a bundle and create it; return whether it was created here.

    Raises:
        InvalidInput: if it is a file, a folder that is not empty, or cannot be written.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidInput(f"Cannot write the bundle to {out_dir}: it is a file, not a folder.",
                           hint="Give --out a new or empty folder.")
    if out_dir.is_dir():
        if any(out_dir.iterdir()):
            raise InvalidInput(f"The folder {out_dir} is not empty; a bundle is only written into a new or empty "
                               "folder, so nothing of yours is overwritten.",
                               hint="Give --out a new folder, or empty this one.")
        if not os.access(out_dir, os.W_OK | os.X_OK):
            raise InvalidInput(f"Cannot write the bundle to {out_dir}: permission denied.",
                               hint="Give --out a folder you may write.")
        return False
    try:
        out_dir.mkdir(parents=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise InvalidInput(f"Cannot write the bundle to {out_dir}: part of that path is a file.",
                           hint="Give --out a new or empty folder.") from exc
    except OSError as exc:
        raise InvalidInput(f"Cannot write the bundle to {out_dir}: {exc.strerror or exc}.",
                           hint="Give --out a folder you may write.") from exc
    return True


def _clear(out_dir: Path, created: bool) -> None:
    """Remove what an export that failed wrote (the folder too when the export created it)."""
    if created:
        shutil.rmtree(out_dir, ignore_errors=True)
    elif out_dir.is_dir():
        for child in out_dir.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)


_PIP_MISSING = re.compile(r"(?:No matching distribution found for|Could not find a version that satisfies the "
                          r"requirement)\s+(\S+)")


def _download_wheels(out_dir: Path, python: str, progress: ProgressFn) -> None:
    """``pip download`` every wheel of ``requirements.txt`` into ``wheels/`` (Linux x86_64, CPython ``python``).

    Raises:
        ExternalToolFailed: naming what could not be fetched.
    """
    cmd = [sys.executable, "-m", "pip", *download_command(python), "--no-input", "--progress-bar", "off",
           "--disable-pip-version-check"]
    progress(Progress(None, "Downloading the wheels of the requirements (pip download)"))
    lines: list[str] = []
    try:
        proc = subprocess.Popen(cmd, cwd=out_dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ExternalToolFailed(f"Could not run pip to download the wheels: {exc}.",
                                 hint="Export without --offline; docker build then downloads them.") from exc
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.rstrip()
        lines.append(line)
        saved = re.search(r"(?:Saved|File was already downloaded)\s+(\S+)", line)
        if saved:
            progress(Progress(None, f"Downloaded {Path(saved.group(1)).name}"))
    if proc.wait() == 0:
        return
    missing = list(dict.fromkeys(m.group(1) for line in lines if (m := _PIP_MISSING.search(line))))
    errors = [ln.removeprefix("ERROR: ").strip() for ln in lines if ln.startswith("ERROR:")]
    what = (f"no wheel of {', '.join(missing)} for Linux x86_64, CPython {python}" if missing
            else (errors[-1] if errors else (lines[-1].strip() if lines else f"pip exited with {proc.returncode}")))
    raise ExternalToolFailed(f"Could not download the wheels for an offline bundle: {what}.",
                             hint="Check the network and pip's package index (pip config list), or export "
                                  "without --offline: docker build then downloads the packages itself.")


# ---------------------------------------------------------------- export

def export_bundle(ws: Workspace, model_id: str, out_dir: Path | str | None = None, *, zip: bool = False,
                  offline: bool = False, progress: ProgressFn = no_progress, actor: str = "") -> Export:
    """Write a model's bundle (see the module docstring), optionally zip it, and record the export.

    Args:
        ws: the workspace.
        model_id: the model.
        out_dir: a new or empty folder (default: ``<workspace>/exports/<model id>-<export id>``).
        zip: also write ``<folder>.zip`` beside the folder.
        offline: also download every wheel into ``wheels/`` (``pip download``), so the image
            builds with no network.
        progress: progress callback.
        actor: who exports (default: the OS user).

    Returns:
        The recorded :class:`Export`.

    Raises:
        NotFound: if there is no such model (or its file is gone).
        InvalidInput: if the model is in the old pickle format (migrate it first), or
            ``out_dir`` is a file, a folder that is not empty, or cannot be written.
        ExternalToolFailed: if the wheels cannot be downloaded (``offline``). When the export
            fails, what it wrote is removed and nothing is recorded.
    """
    from core.define.projects import find_project
    from core.evaluation.registry import current_actor
    from core.experiments.service import get_experiment, get_model

    model = get_model(ws, model_id)
    exp = get_experiment(ws, model.experiment_id)
    blob = ws.artifacts.read_bytes(model.artifact)
    bundle = ModelBundle.from_bytes(blob)  # refuses an old pickled model (migrate) before anything is written
    project = find_project(ws, model.project_id or exp.project_id)
    python = _python_minor(model.environment)
    pins = serving_requirements(bundle, model.environment)
    deps = dependency_pins(pins, python)
    export_id = new_id("bdl")
    out = Path(out_dir).expanduser() if out_dir is not None else ws.root / "exports" / f"{model.id}-{export_id}"
    out = out.absolute()
    tag = image_tag(project.name if project else (model.project_id or "models"), model.id)  # as engine.py tags it
    base_image = f"python:{python}-slim"
    at = utcnow()

    progress(Progress(0.0, "Checking the folder"))
    created = _prepare_out_dir(out)
    try:
        progress(Progress(0.1, "Writing the model, its code and the server"))
        _write_bundle(ws, out, model=model, exp=exp, project=project, bundle=bundle, blob=blob, pins=pins,
                      deps=deps, python=python, export_id=export_id, tag=tag, base_image=base_image, at=at, offline=offline)
        if offline:
            _download_wheels(out, python, progress)
        files = _list_files(out)
        zip_path = None
        if zip:
            progress(Progress(0.9, "Zipping the bundle"))
            zip_path = zip_bundle(out)
        row = {"id": export_id, "model_id": model.id, "path": str(out), "zip_path": str(zip_path) if zip_path else None,
               "offline": int(bool(offline)), "files": json.dumps(files), "requirements": json.dumps(pins),
               "verification": None, "image_tag": None, "image_verification": None,
               "created_by": actor or current_actor(), "created_at": at}
        size = sum(f["size"] for f in files)
        with ws.write() as db:
            db["exports"].insert(row)
            record_event(db, object_kind="model", object_id=model.id, verb="exported",
                         message=f"Exported model {bundle.learner} from '{exp.name or exp.target}' as a container "
                                 f"bundle{' with its wheels' if offline else ''} ({len(files)} files, "
                                 f"{binary_size(size)}): {out.name}",
                         project_id=model.project_id or exp.project_id)
    except BaseException:
        _clear(out, created)
        if zip:
            (out.parent / f"{out.name}.zip").unlink(missing_ok=True)
        raise
    progress(Progress(1.0, "Exported"))
    return get_export(ws, export_id)


def _write_bundle(ws: Workspace, out: Path, *, model: Any, exp: Any, project: Any, bundle: ModelBundle, blob: bytes,
                  pins: dict[str, str], deps: dict[str, str], python: str, export_id: str, tag: str, base_image: str, at: str,
                  offline: bool) -> None:
    from core.explain.card import build_card, to_html, to_markdown

    if not (SERVING_DIR / "__main__.py").is_file():
        raise NotFound(f"The server package {SERVING_DIR} is missing from this MLCycle installation.",
                       hint="Reinstall MLCycle from its repository; the bundle needs core/deploy/serving/.")
    (out / "core").mkdir()
    (out / "core" / "__init__.py").write_text('"""The model format of MLCycle (core.modeling) and its errors, as '
                                              'shipped in a serving bundle."""\n', encoding="utf-8")
    shutil.copy2(CORE_DIR / "errors.py", out / "core" / "errors.py")
    _copy_tree(CORE_DIR / "modeling", out / "core" / "modeling")
    _copy_tree(SERVING_DIR, out / "server")
    (out / "model.mlcycle").write_bytes(blob)
    (out / "requirements.txt").write_text(_requirements_text(pins, deps, model.id, python), encoding="utf-8")
    (out / "Dockerfile").write_text(_templates.DOCKERFILE.substitute(model_id=model.id, export_id=export_id, python=python,
                                                                     base_image=base_image, port=PORT),
                                    encoding="utf-8")
    (out / ".dockerignore").write_text(_templates.DOCKERIGNORE, encoding="utf-8")
    title = f"One input row of MLCycle model {model.id} ({bundle.learner}, target '{bundle.target}')"
    schema = input_json_schema(bundle, title)
    (out / "schema.json").write_text(_dump(schema), encoding="utf-8")
    frame = _sample_frame(ws, exp, bundle)
    sample = _sample_request(frame)
    (out / "sample_request.json").write_text(_dump(sample), encoding="utf-8")
    expected: dict[str, Any] = {"predictions": _json_value(list(bundle.predict(frame))) if len(frame) else []}
    if bundle.is_classifier:
        expected["classes"] = _json_value(list(bundle.classes or []))
    metadata = _metadata(ws, model, exp, project, bundle, export_id, pins, python, tag, at)
    (out / "metadata.json").write_text(_dump(metadata), encoding="utf-8")
    card = build_card(ws, model.id)
    (out / "MODEL_CARD.md").write_text(to_markdown(card), encoding="utf-8")
    (out / "MODEL_CARD.html").write_text(to_html(card), encoding="utf-8")
    (out / "README.md").write_text(_readme(model=model, exp=exp, project=project, bundle=bundle, export_id=export_id,
                                           tag=tag, python=python, base_image=base_image, at=at, sample=sample,
                                           expected=expected, schema=schema, offline=offline), encoding="utf-8")


# ---------------------------------------------------------------- reading and recording

def get_export(ws: Workspace, export_id: str) -> Export:
    """Return an export by id.

    Raises:
        NotFound: if there is no such export.
    """
    with ws.read() as db:
        row = db.execute("SELECT * FROM exports WHERE id = ?", [export_id]).fetchone()
    if row is None:
        raise NotFound(f"There is no export with id '{export_id}'.",
                       hint="Export the model first (the Deploy page, or `mlcycle export MODEL`).")
    return Export.from_row(row)


def exports_of(ws: Workspace, model_id: str) -> list[Export]:
    """Return a model's exports, newest first."""
    with ws.read() as db:
        rows = db.execute("SELECT * FROM exports WHERE model_id = ? ORDER BY created_at DESC, rowid DESC",
                          [model_id]).fetchall()
    return [Export.from_row(r) for r in rows]


def _verdict(result: dict[str, Any], what: str) -> str:
    rows = result.get("rows")
    if result.get("verified"):
        return f"{what} predicts exactly as the app on {rows} held-out rows"
    return f"{what} does not predict as the app" + (f" ({rows} rows compared)" if rows is not None else "")


def record_verification(ws: Workspace, export_id: str, result: dict[str, Any], *, image: bool = False) -> Export:
    """Store the result of verifying an export's server (or, with ``image``, its image) and note it in the feed.

    With ``image``, a tag in the result (``image_tag``, ``image`` or ``tag``) is stored as the
    export's image tag.

    Raises:
        NotFound: if there is no such export.
    """
    export = get_export(ws, export_id)
    values: dict[str, Any] = {"image_verification" if image else "verification": json.dumps(result, default=str)}
    tag = next((result[k] for k in ("image_tag", "image", "tag") if isinstance(result.get(k), str)), None)
    if image and tag:
        values["image_tag"] = tag
    what = f"The image {tag or export.image_tag or ''}".replace("  ", " ").strip() if image else "The bundle's server"
    with ws.write() as db:
        db["exports"].update(export_id, values)
        project = db.execute("SELECT project_id FROM models WHERE id = ?", [export.model_id]).fetchone()
        record_event(db, object_kind="model", object_id=export.model_id,
                     verb="image_verified" if image else "export_verified",
                     message=f"{_verdict(result, what)} (export {export.id})",
                     project_id=project["project_id"] if project else None)
    return get_export(ws, export_id)


def record_image(ws: Workspace, export_id: str, tag: str) -> Export:
    """Store the tag of the image built from an export.

    Raises:
        NotFound: if there is no such export.
    """
    get_export(ws, export_id)
    with ws.write() as db:
        db["exports"].update(export_id, {"image_tag": tag})
    return get_export(ws, export_id)


def requirement_pins(text: str | Iterable[str]) -> dict[str, str]:
    """``{name: version}`` of the ``name==version`` lines of a requirements file (comments skipped)."""
    lines = text.splitlines() if isinstance(text, str) else text
    return {m.group(1): m.group(2) for line in lines if (m := _PIN.match(line))}
