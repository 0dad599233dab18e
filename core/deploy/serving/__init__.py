"""The model server of an exported bundle: FastAPI + uvicorn, speaking MLflow's scoring protocol.

This package is copied into every bundle as ``server/`` and runs there as ``python -m server``
(:mod:`.__main__`: uvicorn on ``HOST``/``PORT``, default ``0.0.0.0:8080``, one worker). It imports
only the standard library, numpy, pandas, FastAPI/Starlette, uvicorn and :mod:`core.modeling`
(with :mod:`core.errors`), which the bundle ships beside it, and the model's own library.
It finds ``model.mlcycle``, ``metadata.json`` and ``schema.json`` in ``MLCYCLE_BUNDLE_DIR``, else in
the directory that holds the package (the bundle).

Endpoints:

- ``POST /invocations``: ``application/json`` with exactly one of ``dataframe_split``,
  ``dataframe_records``, ``instances`` or ``inputs`` (optional ``params``, ignored), or ``text/csv``
  with a header row (see :mod:`._parse`). Answers ``{"predictions": [...]}`` (labels in their
  original type, numbers for regression); classifiers add ``"probabilities"`` (one list per row,
  in ``"classes"`` order) and ``"classes"``.
- ``GET /ping`` (200, empty), ``/health`` (``{"status": "ok", "model_id"}``), ``/version``
  (``{"server", "model_id", "mlcycle_format", "python", "versions", "trained_with", "predict_path",
  "threads"}``),
  ``/schema`` (``schema.json``: the input row's JSON Schema), ``/metadata`` (``metadata.json``)
  and ``/metrics`` (Prometheus text, :mod:`._metrics`).

Errors are JSON ``{"error_code", "message"}`` (MLflow's shape): 400 for a body that is not JSON
or CSV, an unknown format or a bad shape, or no rows; 415 for another content type; 413 for a body
over ``MLCYCLE_MAX_BODY_BYTES`` (default 20 MiB); 422 for a missing column or a value of the wrong
type, the message naming the column (the model's own ``InvalidInput``). Unknown categories are read
as the model was trained to (``__other__``) without a word. No input makes the server answer 500.

Speed: the body's bytes are parsed with ``json`` (no per-request models); tree models (LightGBM,
XGBoost, scikit-learn forests and histogram boosting) predict from a NumPy matrix written
straight from the values, with exactly the results of ``ModelBundle.predict_proba`` (see
:mod:`._predict`); other models go through the DataFrame path. Small bodies are scored on the event
loop (no thread hop); bodies over 256 KiB in a worker thread, so ``/ping`` stays responsive.
LightGBM and XGBoost use ``MLCYCLE_THREADS`` threads per request (default 1: a container's share
of the host's cores is rarely all of them; raise it for large batches on a machine of its own).

With ``MLCYCLE_LOG_DIR`` set, each prediction request's rows and answers go to a JSON Lines file
there (:mod:`._log`); a log that cannot be written never fails a request.

Example:
    >>> app = create_app("exports/mdl_1-bdl_2")     # or MLCYCLE_BUNDLE_DIR, or the bundle around it
    >>> # uvicorn.run(app, host="127.0.0.1", port=8080)
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
import traceback
from importlib import metadata as _dist
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.errors import InvalidInput
from core.modeling import FORMAT, ModelBundle

from ._log import RequestLog
from ._metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from ._metrics import Metrics
from ._parse import (
    INTERNAL_ERROR,
    JSON,
    NOT_FOUND,
    REQUEST_TOO_LARGE,
    ApiError,
    Batch,
    bad,
    from_invalid_input,
    media_type,
    parse,
)
from ._predict import Prediction, Predictor

__all__ = ["DEFAULT_MAX_BODY_BYTES", "SERVER_VERSION", "create_app", "input_json_schema", "locate_bundle"]

SERVER_VERSION = "mlcycle-server/1"
DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024
THREAD_BODY_BYTES = 256 * 1024  # larger bodies are parsed and scored in a worker thread
MODEL_FILE, METADATA_FILE, SCHEMA_FILE = "model.mlcycle", "metadata.json", "schema.json"
# the packages whose running versions /version reports (those a bundle's requirements pin)
_PACKAGES = ("numpy", "pandas", "scipy", "scikit-learn", "skops", "lightgbm", "xgboost", "xgboost-cpu",
             "fastapi", "starlette", "uvicorn")


def locate_bundle(path: Path | str | None = None) -> Path:
    """The bundle directory: ``path``, else ``MLCYCLE_BUNDLE_DIR``, else the directory holding this package."""
    if path is not None:
        return Path(path)
    env = os.environ.get("MLCYCLE_BUNDLE_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent


def create_app(bundle_dir: Path | str | None = None) -> FastAPI:  # noqa: C901 - the routes, each small
    """Load a bundle's model and return its FastAPI app.

    Args:
        bundle_dir: the bundle directory (``model.mlcycle``, ``metadata.json``, ``schema.json``);
            default ``MLCYCLE_BUNDLE_DIR``, else the directory holding this package.

    Returns:
        The app; serve it with uvicorn (``python -m server`` does).

    Raises:
        InvalidInput: if there is no model file, the model does not load (named), or
            ``MLCYCLE_MAX_BODY_BYTES`` or ``MLCYCLE_THREADS`` is not a positive whole number.
    """
    root = locate_bundle(bundle_dir)
    model_path = root / MODEL_FILE
    if not model_path.is_file():
        raise InvalidInput(f"There is no {MODEL_FILE} in '{root}'.",
                           hint="Run the server from an exported bundle (`python -m server` in its directory), "
                                "or set MLCYCLE_BUNDLE_DIR to one.")
    bundle = ModelBundle.from_bytes(model_path.read_bytes())
    meta = _read_json(root / METADATA_FILE)
    if meta is None:
        meta = _metadata_of(bundle)
    schema = _read_json(root / SCHEMA_FILE)
    if schema is None:
        schema = input_json_schema(bundle)
    model_id = str(meta.get("model_id") or "")
    max_body = _positive_int("MLCYCLE_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, "bytes")
    threads = _positive_int("MLCYCLE_THREADS", 1, "threads")

    predictor = Predictor(bundle, threads)
    input_columns = list(bundle.input_columns)
    classes = bundle.classes if bundle.is_classifier else None
    metrics = Metrics({"model_id": model_id, "learner": bundle.learner, "task": bundle.task})
    log_dir = os.environ.get("MLCYCLE_LOG_DIR")
    request_log = RequestLog(Path(log_dir), model_id, on_error=metrics.log_failed) if log_dir else None

    health = _json_bytes({"status": "ok", "model_id": model_id})
    version = _json_bytes({"server": SERVER_VERSION, "model_id": model_id, "mlcycle_format": FORMAT,
                           "python": platform.python_version(), "versions": _running_versions(),
                           "trained_with": dict(bundle.versions), "predict_path": predictor.path,
                           "threads": threads})
    schema_bytes, meta_bytes = _json_bytes(schema), _json_bytes(meta)

    def score(body: bytes, kind: str, started: float) -> bytes:
        try:
            batch = parse(body, kind, input_columns)
            result = predictor.predict(batch.columns, batch.n_rows, batch.frame)
        except ApiError:
            raise
        except InvalidInput as exc:
            raise from_invalid_input(exc) from exc
        except Exception as exc:  # noqa: BLE001 - no input makes the server answer 500
            traceback.print_exc(file=sys.stderr)
            raise bad(f"The model could not score these rows ({type(exc).__name__}: {exc}). Check that the values "
                      f"fit the model's input (GET /schema).") from exc
        metrics.rows(batch.n_rows, "numpy" if result.fast else "dataframe")
        answer = _answer(result, classes)
        if request_log is not None:
            _log(request_log, batch, result, classes, started)
        return answer

    app = FastAPI(title="MLCycle model server", version=SERVER_VERSION, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.bundle, app.state.metrics, app.state.predictor = bundle, metrics, predictor

    async def invocations(request: Request) -> Response:
        started = time.perf_counter()
        try:
            kind = media_type(request.headers.get("content-type"))
            body = await _read_body(request, max_body)
            if len(body) > THREAD_BODY_BYTES:
                answer = await run_in_threadpool(score, body, kind, started)
            else:
                answer = score(body, kind, started)
        except ApiError as exc:
            return _error(exc, metrics, "/invocations")
        return Response(answer, media_type=JSON)

    async def ping(request: Request) -> Response:
        return Response(status_code=200)

    def constant(content: bytes, kind: str = JSON) -> Any:
        async def endpoint(request: Request) -> Response:
            return Response(content, media_type=kind)
        return endpoint

    async def prometheus(request: Request) -> Response:
        return Response(metrics.render(), media_type=METRICS_CONTENT_TYPE)

    # Starlette routes: a request in, a response out, no per-request parameter models.
    app.router.add_route("/invocations", invocations, methods=["POST"])
    app.router.add_route("/ping", ping, methods=["GET"])
    app.router.add_route("/health", constant(health), methods=["GET"])
    app.router.add_route("/version", constant(version), methods=["GET"])
    app.router.add_route("/schema", constant(schema_bytes), methods=["GET"])
    app.router.add_route("/metadata", constant(meta_bytes), methods=["GET"])
    app.router.add_route("/metrics", prometheus, methods=["GET"])

    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        if status == 404:
            err = ApiError(404, NOT_FOUND, f"There is no endpoint {request.url.path}. The server answers POST "
                                           "/invocations and GET /ping, /health, /version, /schema, /metadata, "
                                           "/metrics.")
        elif status == 405:
            err = ApiError(405, "METHOD_NOT_ALLOWED", f"{request.url.path} does not take {request.method}.")
        else:
            err = ApiError(status, INTERNAL_ERROR if status >= 500 else "BAD_REQUEST", str(getattr(exc, "detail", exc)))
        return _error(err, metrics, request.url.path)

    app.add_exception_handler(HTTPException, http_error)
    app.add_middleware(_Observe, metrics=metrics)
    return app


# ---------------------------------------------------------------- requests and answers

async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to exceed ``limit`` bytes."""
    length = request.headers.get("content-length")
    if length is not None:
        try:
            declared = int(length)
        except ValueError:
            raise bad(f"The Content-Length header '{length}' is not a number.") from None
        if declared > limit:
            raise _too_large(declared, limit)
        return await request.body()  # the server reads no more than the declared length
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(size, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: int, limit: int) -> ApiError:
    return ApiError(413, REQUEST_TOO_LARGE,
                    f"The body ({size:,} bytes or more) is over this server's limit of {limit:,} bytes. "
                    "Send the rows in smaller batches, or raise MLCYCLE_MAX_BODY_BYTES.")


def _answer(result: Prediction, classes: list[Any] | None) -> bytes:
    if result.probabilities is None:
        return json.dumps({"predictions": result.predictions}).encode()
    return json.dumps({"predictions": result.predictions, "probabilities": result.probabilities.tolist(),
                       "classes": classes}, ensure_ascii=False).encode()


def _error(exc: ApiError, metrics: Metrics, path: str) -> Response:
    metrics.error(path, exc.code)
    headers = {"Connection": "close"} if exc.status == 413 else None
    return Response(_json_bytes({"error_code": exc.code, "message": exc.message}), status_code=exc.status,
                    media_type=JSON, headers=headers)


def _log(request_log: RequestLog, batch: Batch, result: Prediction, classes: list[Any] | None,
         started: float) -> None:
    try:
        proba = result.probabilities.tolist() if result.probabilities is not None else None
        request_log.write(batch.records(), result.predictions, proba, classes,
                          (time.perf_counter() - started) * 1000)
    except Exception as exc:  # noqa: BLE001 - a log that fails never fails the request
        request_log._failed(exc)


class _Observe:
    """ASGI middleware: counts every HTTP answer by endpoint and status, and its duration."""

    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def observed(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observed)
        finally:
            self.metrics.observe(scope["path"], status, time.perf_counter() - started)


# ---------------------------------------------------------------- the bundle's files

def input_json_schema(bundle: ModelBundle) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one input row of ``bundle``.

    Each input column is a property: ``number`` (numeric), ``boolean`` (also the true/false words
    the model reads), ``string`` with the training categories as ``examples`` (any other value is
    read as an unseen category), or ``string`` with ``format: date-time``; every type admits
    ``null`` (a gap). ``required`` lists the input columns, ``x-mlcycle-input-columns`` their order.
    """
    props: dict[str, Any] = {}
    for col in bundle.input_schema:
        kind = col["kind"]
        if kind == "numeric":
            prop: dict[str, Any] = {"type": ["number", "null"]}
        elif kind == "boolean":
            prop = {"type": ["boolean", "string", "number", "null"]}
        elif kind == "datetime":
            prop = {"type": ["string", "null"], "format": "date-time"}
        else:
            prop = {"type": ["string", "number", "boolean", "null"], "examples": list(col["categories"])}
        prop["x-mlcycle-kind"] = kind
        props[col["name"]] = prop
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": f"Input row of '{bundle.target}'",
            "type": "object", "properties": props, "required": list(bundle.input_columns),
            "x-mlcycle-input-columns": list(bundle.input_columns)}


def _metadata_of(bundle: ModelBundle) -> dict[str, Any]:
    """What the model itself says, for a bundle without ``metadata.json``."""
    return {"model_id": None, "learner": bundle.learner, "task": bundle.task, "target": bundle.target,
            "classes": bundle.classes, "versions": dict(bundle.versions)}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"The bundle's {path.name} cannot be read: {exc}.",
                           hint="The bundle is damaged; export the model again.") from exc


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _positive_int(name: str, default: int, unit: str) -> int:
    """A setting from the environment: a positive whole number, or ``default`` when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise InvalidInput(f"{name} must be a positive whole number of {unit}, not '{raw}'.",
                           hint=f"Leave it unset for the default ({default:,} {unit}).")
    return value


def _running_versions() -> dict[str, str]:
    found = {}
    for name in _PACKAGES:
        try:
            found[name] = _dist.version(name)
        except _dist.PackageNotFoundError:
            continue
    return found
