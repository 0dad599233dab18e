"""Verify a bundle: start its server, send it the model's held-out rows, and check that it predicts
exactly as the app does.

:func:`verify_bundle` starts ``python -m server`` in the bundle's directory (the app's own Python
unless another is given, ``HOST=127.0.0.1`` and a free ``PORT``), waits for ``GET /ping``, and
hands the server's address to :func:`verify_url`, which :mod:`core.deploy.engine` shares for a
running image. The server is always stopped afterwards (terminate, then kill).

:func:`verify_url` sends the held-out rows of the model's experiment (its input columns, the
target left out; values made JSON-safe: missing and non-finite numbers become ``null``, dates
ISO text) as ``dataframe_split`` bodies of :data:`BATCH_ROWS` rows to ``POST /invocations`` and
compares the answers with :class:`~core.modeling.ModelBundle` in this process:

- class labels exactly (same value and JSON type: ``1`` is not ``"1"`` nor ``true``), the
  ``classes`` the server names equal the model's, probabilities within :data:`TOLERANCE`
  (absolute);
- regression values within :data:`TOLERANCE` relative to ``max(1, |expected|)``.

It then measures the server: single-row latency (p50, p99) over :data:`LATENCY_CALLS` requests
on one keep-alive connection (after a few warm-up calls), and rows per second for one body of
:data:`THROUGHPUT_ROWS` rows (the held-out rows repeated if there are fewer; the median of three
tries). The result (recorded with the export by :func:`core.deploy.bundle.record_verification`)::

    {"verified", "rows", "labels_equal", "max_proba_diff", "max_value_diff", "mismatched_rows",
     "mismatches": [first 5: {"row", "what", "expected", "got"}], "error", "p50_ms", "p99_ms",
     "rows_per_s", "where": "process" | "image", "at", ...}

A verification that fails (a wrong label, a probability off, the server answering an error) is a
result with ``"verified": false``, not an exception; a server that never starts is
:class:`~core.errors.ExternalToolFailed` with the end of its error output.

Verification runs as a job of kind ``deploy_verify`` (:func:`enqueue_verify`).

Example:
    >>> result = verify_bundle(ws, export.id)
    >>> result["verified"], result["rows"], result["max_proba_diff"], result["p50_ms"]
"""

from __future__ import annotations

import http.client
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.errors import ExternalToolFailed, InvalidInput, MLCycleError, NotFound
from core.evaluation.benchmark import experiment_rows
from core.experiments.service import get_experiment, get_model, load_model
from core.ids import utcnow
from core.jobs import JobCancelled, JobContext, enqueue, list_jobs
from core.jobs.entities import Job
from core.modeling import ModelBundle
from core.progress import Progress, ProgressFn, no_progress
from core.workspace import Workspace

__all__ = ["BATCH_ROWS", "LATENCY_CALLS", "MAX_ROWS", "THROUGHPUT_ROWS", "TOLERANCE", "enqueue_build", "enqueue_verify",
           "find_verify_job", "free_port", "held_out_rows", "json_rows", "run_verify_job", "serve_bundle",
           "stop_process", "verify_bundle", "verify_dir", "verify_url", "wait_for_ping"]

TOLERANCE = 1e-9
BATCH_ROWS = 500
MAX_ROWS = 50_000          # held-out rows compared at most (a random sample, seed 0, beyond that)
LATENCY_CALLS = 200
WARMUP_CALLS = 5
THROUGHPUT_ROWS = 1_000
THROUGHPUT_TRIES = 3
MISMATCHES_KEPT = 5
STARTUP_TIMEOUT = 60.0     # seconds for the server to answer /ping
REQUEST_TIMEOUT = 60.0     # seconds for one request
STOP_GRACE = 10.0          # seconds between terminate and kill


# ---------------------------------------------------------------- rows

def held_out_rows(ws: Workspace, model_id: str, bundle: ModelBundle | None = None) -> pd.DataFrame:
    """Return the held-out rows of the model's experiment: its input columns, in order, the target left out.

    The experiment's held-out version is used; without one, its training version, then its data.
    More than :data:`MAX_ROWS` rows are sampled down (seed 0).

    Raises:
        NotFound: if the model, its experiment or all of its data is missing.
        InvalidInput: if the data has no rows or lacks the model's input columns.
    """
    model = get_model(ws, model_id)
    bundle = bundle or load_model(ws, model_id)
    exp = get_experiment(ws, model.experiment_id)
    frame = experiment_rows(ws, exp, f"Model {model.id} cannot be verified", "compare predictions on")
    missing = [c for c in bundle.input_columns if c not in frame.columns]
    if missing:
        raise InvalidInput(f"Model {model.id} cannot be verified: its experiment's data lacks the input "
                           f"column(s) {', '.join(repr(c) for c in missing)}.",
                           hint="The experiment's data changed since the model was trained; export a newer model.")
    frame = frame[bundle.input_columns]
    if frame.empty:
        raise InvalidInput(f"Model {model.id} cannot be verified: its held-out data has no rows.",
                           hint="Verify a model whose experiment held out some rows.")
    if len(frame) > MAX_ROWS:
        frame = frame.sample(n=MAX_ROWS, random_state=0)
    return frame.reset_index(drop=True)


def _json_value(value: Any) -> Any:
    """One cell as JSON: missing and non-finite numbers -> None, numpy scalars -> Python, dates -> ISO text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return value.isoformat()
    if isinstance(value, (np.datetime64,)):
        return None if np.isnat(value) else pd.Timestamp(value).isoformat()
    if isinstance(value, (pd.Timedelta,)):
        return str(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def json_rows(frame: pd.DataFrame) -> list[list[Any]]:
    """The rows of a frame as lists of JSON-safe values (what ``dataframe_split``'s ``data`` holds)."""
    columns = [[_json_value(v) for v in frame[c].tolist()] for c in frame.columns]
    return [list(row) for row in zip(*columns, strict=True)] if columns else [[] for _ in range(len(frame))]


def _body(columns: list[str], data: list[list[Any]]) -> bytes:
    return json.dumps({"dataframe_split": {"columns": columns, "data": data}}, allow_nan=False,
                      ensure_ascii=False).encode("utf-8")


# ---------------------------------------------------------------- HTTP

def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Client:
    """A keep-alive HTTP/1.1 client of one server (reconnects once if the connection was closed)."""

    def __init__(self, base_url: str, timeout: float = REQUEST_TIMEOUT) -> None:
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme != "http" or not parts.hostname:
            raise InvalidInput(f"'{base_url}' is not an http:// address of a server.",
                               hint="Use e.g. http://127.0.0.1:8080.")
        self.host, self.port = parts.hostname, parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, self.prefix + path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                if response.will_close:
                    self.close()
                return response.status, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt:
                    raise
            except Exception:
                self.close()
                raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def wait_for_ping(base_url: str, *, timeout: float = STARTUP_TIMEOUT, alive: Callable[[], str] | None = None,
                  should_stop: Callable[[], bool] | None = None) -> None:
    """Wait until ``GET /ping`` answers 200.

    Args:
        base_url: the server's address.
        timeout: seconds to wait.
        alive: returns '' while the server can still come up, else why it cannot (it exited...).
        should_stop: polled between tries; when true, :class:`JobCancelled` is raised.

    Raises:
        ExternalToolFailed: with ``alive``'s reason or the timeout.
        JobCancelled: if ``should_stop`` said so.
    """
    client = _Client(base_url, timeout=2.0)
    deadline = time.monotonic() + timeout
    last = ""
    try:
        while True:
            why = alive() if alive else ""
            if why:
                raise ExternalToolFailed(f"The bundle's server stopped before it answered /ping: {why}",
                                         hint="Its error output above says why; fix it and export the model again.")
            try:
                status, _ = client.request("GET", "/ping")
                if status == 200:
                    return
                last = f"/ping answered {status}"
            except (OSError, http.client.HTTPException) as exc:
                last = f"{type(exc).__name__}: {exc}"
                client.close()
            if should_stop and should_stop():
                raise JobCancelled()
            if time.monotonic() >= deadline:
                raise ExternalToolFailed(f"The bundle's server did not answer /ping at {base_url} within "
                                         f"{timeout:g} s ({last}).",
                                         hint="The machine may be busy, or the server hangs while loading the "
                                              "model; start it by hand (`python -m server` in the bundle) to see.")
            time.sleep(0.1)
    finally:
        client.close()


# ---------------------------------------------------------------- comparing

def _same_label(got: Any, expected: Any) -> bool:
    """Labels equal exactly: same value and the same JSON type (bool, int, float, str)."""
    if isinstance(got, float) and isinstance(expected, float) and math.isnan(got) and math.isnan(expected):
        return True
    return type(got) is type(expected) and got == expected


def _expected(bundle: ModelBundle, rows: pd.DataFrame) -> tuple[list[Any], np.ndarray | None]:
    """The app's answers, as the server would write them in JSON: labels (or values) and probabilities."""
    if bundle.is_classifier:
        proba = bundle.predict_proba(rows)
        labels = bundle.predict(rows)
        return json.loads(json.dumps([_json_value(v) for v in labels.tolist()])), proba
    values = np.asarray(bundle.predict(rows), dtype=float)
    return values.tolist(), None


def _describe(value: Any) -> Any:
    """A value for the mismatch list (JSON-able, short)."""
    if isinstance(value, float):
        return value
    if isinstance(value, (list, tuple)):
        return [_describe(v) for v in value]
    if isinstance(value, str) and len(value) > 200:
        return value[:200] + "…"
    return value


class _Comparison:
    def __init__(self, bundle: ModelBundle) -> None:
        self.bundle = bundle
        self.rows = 0
        self.labels_equal = True
        self.max_proba_diff = 0.0 if bundle.is_classifier else None
        self.max_value_diff = None if bundle.is_classifier else 0.0
        self.mismatched: set[int] = set()
        self.mismatches: list[dict[str, Any]] = []
        self.error = ""

    def mismatch(self, row: int | None, what: str, expected: Any, got: Any) -> None:
        if row is not None:
            self.mismatched.add(row)
        if len(self.mismatches) < MISMATCHES_KEPT:
            self.mismatches.append({"row": row, "what": what, "expected": _describe(expected), "got": _describe(got)})

    def fail(self, message: str) -> None:
        self.error = self.error or message
        self.mismatch(None, "error", None, message)

    def add(self, start: int, answer: Any, labels: list[Any], proba: np.ndarray | None) -> None:
        n = len(labels)
        if not isinstance(answer, dict) or not isinstance(answer.get("predictions"), list):
            self.fail(f"The answer for rows {start}-{start + n - 1} has no list of 'predictions': "
                      f"{str(answer)[:200]}")
            return
        got = answer["predictions"]
        if len(got) != n:
            self.fail(f"The server answered {len(got)} predictions for {n} rows (rows {start}-{start + n - 1}).")
            return
        self.rows += n
        if proba is None:
            self._values(start, got, labels)
            return
        classes = answer.get("classes")
        if classes is not None and json.loads(json.dumps(classes)) != json.loads(json.dumps(
                [_json_value(c) for c in self.bundle.classes or []])):
            if not any(m["what"] == "classes" for m in self.mismatches):
                self.labels_equal = False
                self.mismatch(None, "classes", self.bundle.classes, classes)
        for i, (g, e) in enumerate(zip(got, labels, strict=True)):
            if not _same_label(g, e):
                self.labels_equal = False
                self.mismatch(start + i, "label", e, g)
        self._probabilities(start, answer.get("probabilities"), proba)

    def _probabilities(self, start: int, got: Any, proba: np.ndarray) -> None:
        if got is None:
            self.fail("The server answered no 'probabilities' for a classifier.")
            self.max_proba_diff = math.inf
            return
        try:
            arr = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            arr = None
        if arr is None or arr.shape != proba.shape:
            self.fail(f"The server's probabilities for rows {start}-{start + len(proba) - 1} have shape "
                      f"{getattr(arr, 'shape', '?')}, the model's {proba.shape}.")
            self.max_proba_diff = math.inf
            return
        diff = np.abs(arr - proba)
        diff = np.where(np.isnan(arr) & np.isnan(proba), 0.0, diff)
        diff = np.where(np.isnan(diff), math.inf, diff)
        self.max_proba_diff = max(self.max_proba_diff or 0.0, float(diff.max(initial=0.0)))
        for i in np.flatnonzero((diff > TOLERANCE).any(axis=1)):
            j = int(np.argmax(diff[i]))
            self.mismatch(start + int(i), f"probability of {self.bundle.classes[j]!r}"
                          if self.bundle.classes else "probability", float(proba[i, j]), float(arr[i, j]))

    def _values(self, start: int, got: list[Any], expected: list[float]) -> None:
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            if g is None and (e is None or math.isnan(e)):
                continue
            if isinstance(g, bool) or not isinstance(g, (int, float)):
                diff = math.inf
            elif math.isnan(e) or math.isnan(g):
                diff = 0.0 if math.isnan(e) and math.isnan(g) else math.inf
            else:
                diff = abs(float(g) - e) / max(1.0, abs(e))
            self.max_value_diff = max(self.max_value_diff or 0.0, diff)
            if diff > TOLERANCE:
                self.mismatch(start + i, "value", e, g)

    @property
    def verified(self) -> bool:
        return (not self.error and self.rows > 0 and self.labels_equal and not self.mismatched
                and not any(m["what"] == "classes" for m in self.mismatches))


def _finite(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _error_message(status: int, data: bytes) -> str:
    try:
        body = json.loads(data)
        text = body.get("message") or body.get("detail") or json.dumps(body)
    except (ValueError, AttributeError):
        text = data.decode("utf-8", "replace")
    return f"HTTP {status}: {str(text)[:300]}"


def verify_url(base_url: str, bundle: ModelBundle, rows: pd.DataFrame, *, batch_rows: int = BATCH_ROWS,
               latency_calls: int = LATENCY_CALLS, throughput_rows: int = THROUGHPUT_ROWS,
               timeout: float = REQUEST_TIMEOUT, progress: ProgressFn = no_progress,
               should_stop: Callable[[], bool] | None = None) -> dict[str, Any]:
    """Compare a running server's predictions on ``rows`` with ``bundle``'s, then measure its speed.

    Args:
        base_url: the server, e.g. ``http://127.0.0.1:8080`` (it answers ``POST /invocations``).
        bundle: the model as the app loads it.
        rows: raw input rows (the model's input columns; see :func:`held_out_rows`).
        batch_rows: rows per request while comparing.
        latency_calls: single-row requests timed for p50/p99 (0: no latency figures).
        throughput_rows: rows in the body timed for rows/s (0: no throughput figure).
        timeout: seconds one request may take.
        progress: receives what is happening.
        should_stop: polled between requests; when true, :class:`JobCancelled` is raised.

    Returns:
        ``{"verified", "rows", "labels_equal", "max_proba_diff", "max_value_diff", "mismatched_rows",
        "mismatches", "error", "p50_ms", "p99_ms", "rows_per_s", "latency_calls", "throughput_rows",
        "tolerance", "at"}``. ``verified`` is false when any label or value differs, a probability is
        off by more than :data:`TOLERANCE`, or the server answered an error or stopped answering
        (``error`` says which; the speed figures are then ``None``).

    Raises:
        InvalidInput: if ``rows`` is empty or ``base_url`` is not an http:// address.
        JobCancelled: if ``should_stop`` said so.
    """
    if rows is None or len(rows) == 0:
        raise InvalidInput("There are no rows to verify the server with.", hint="Pass some held-out rows.")
    rows = rows.reset_index(drop=True)
    columns = [str(c) for c in rows.columns]
    data = json_rows(rows)
    labels, proba = _expected(bundle, rows)
    cmp = _Comparison(bundle)
    client = _Client(base_url, timeout=timeout)
    n = len(rows)
    figures: dict[str, Any] = {"p50_ms": None, "p99_ms": None, "rows_per_s": None}

    def stop_check() -> None:
        if should_stop is not None and should_stop():
            raise JobCancelled()

    try:
        for start in range(0, n, max(1, int(batch_rows))):
            stop_check()
            end = min(n, start + max(1, int(batch_rows)))
            progress(Progress(0.8 * start / n, f"Comparing predictions: rows {start + 1:,}-{end:,} of {n:,}"))
            try:
                status, body = client.request("POST", "/invocations", _body(columns, data[start:end]))
            except (OSError, http.client.HTTPException) as exc:
                cmp.fail(f"The server stopped answering at rows {start + 1:,}-{end:,}: {type(exc).__name__}: {exc}")
                break
            if status != 200:
                cmp.fail(f"The server refused rows {start + 1:,}-{end:,}: {_error_message(status, body)}")
                break
            try:
                answer = json.loads(body)
            except ValueError:
                cmp.fail(f"The server's answer for rows {start + 1:,}-{end:,} is not JSON: {body[:200]!r}")
                break
            cmp.add(start, answer, labels[start:end], None if proba is None else proba[start:end])
        if not cmp.error:
            figures = _measure(client, columns, data, latency_calls, throughput_rows, progress, stop_check)
    except (OSError, http.client.HTTPException, ExternalToolFailed) as exc:
        cmp.fail(f"The server stopped answering while its speed was measured: {exc}")
    finally:
        client.close()
    progress(Progress(1.0, f"Compared {cmp.rows:,} rows"))
    return {
        "verified": cmp.verified, "rows": cmp.rows, "labels_equal": cmp.labels_equal if bundle.is_classifier else None,
        "max_proba_diff": _finite(cmp.max_proba_diff), "max_value_diff": _finite(cmp.max_value_diff),
        "mismatched_rows": len(cmp.mismatched), "mismatches": cmp.mismatches, "error": cmp.error or None,
        **figures, "latency_calls": latency_calls if figures.get("p50_ms") is not None else 0,
        "throughput_rows": throughput_rows if figures.get("rows_per_s") is not None else 0,
        "tolerance": TOLERANCE, "at": utcnow(),
    }


def _measure(client: _Client, columns: list[str], data: list[list[Any]], latency_calls: int, throughput_rows: int,
             progress: ProgressFn, stop_check: Callable[[], None]) -> dict[str, Any]:
    """Single-row latency percentiles and rows/s of a big body (requests that fail raise ExternalToolFailed)."""
    out: dict[str, Any] = {"p50_ms": None, "p99_ms": None, "rows_per_s": None}

    def post(body: bytes) -> None:
        status, answer = client.request("POST", "/invocations", body)
        if status != 200:
            raise ExternalToolFailed(_error_message(status, answer))

    if latency_calls > 0:
        bodies = [_body(columns, [row]) for row in data[:max(1, min(len(data), latency_calls))]]
        for i in range(WARMUP_CALLS):
            post(bodies[i % len(bodies)])
        times = []
        for i in range(int(latency_calls)):
            if i % 50 == 0:
                stop_check()
                progress(Progress(0.8 + 0.15 * i / latency_calls, f"Timing single-row requests: {i} of {latency_calls}"))
            body = bodies[i % len(bodies)]
            t0 = time.perf_counter()
            post(body)
            times.append(time.perf_counter() - t0)
        ms = np.asarray(times) * 1000.0
        out["p50_ms"], out["p99_ms"] = float(np.percentile(ms, 50)), float(np.percentile(ms, 99))
    if throughput_rows > 0:
        stop_check()
        progress(Progress(0.95, f"Timing a request of {throughput_rows:,} rows"))
        big = [data[i % len(data)] for i in range(int(throughput_rows))]
        body = _body(columns, big)
        rates = []
        for _ in range(THROUGHPUT_TRIES):
            t0 = time.perf_counter()
            post(body)
            rates.append(throughput_rows / max(time.perf_counter() - t0, 1e-9))
        out["rows_per_s"] = float(np.median(rates))
    return out


# ---------------------------------------------------------------- the bundle's server in a process

def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    kept = [line for line in text.splitlines() if line.strip()][-lines:]
    return "\n".join(kept)


def _server_env(port: int, bundle_dir: Path) -> dict[str, str]:
    """The server's environment: this one without PYTHONPATH (it must import the bundle's code), HOST and PORT."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    env.update({"HOST": "127.0.0.1", "PORT": str(port), "MLCYCLE_BUNDLE_DIR": str(bundle_dir),
                "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"})
    env.pop("MLCYCLE_LOG_DIR", None)
    return env


def stop_process(proc: subprocess.Popen) -> None:
    """Stop a server process and its children: terminate, wait :data:`STOP_GRACE` seconds, then kill."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except OSError:
            proc.terminate()
        try:
            proc.wait(STOP_GRACE)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                proc.kill()
            try:
                proc.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                pass


def serve_bundle(bundle_dir: Path | str, *, python: str | None = None, port: int | None = None,
                 log_path: Path | None = None) -> tuple[subprocess.Popen, str]:
    """Start ``python -m server`` in a bundle's directory on 127.0.0.1; return the process and its address.

    The caller stops it with :func:`stop_process`. Its output goes to ``log_path`` (default: discarded).

    Raises:
        NotFound: if the directory has no ``server`` package.
        ExternalToolFailed: if the Python cannot be started.
    """
    bundle_dir = Path(bundle_dir)
    if not (bundle_dir / "server" / "__main__.py").is_file():
        raise NotFound(f"'{bundle_dir}' is not a bundle: it has no server/__main__.py.",
                       hint="Export the model again (Deploy page, or `mlcycle export MODEL --out DIR`).")
    port = port or free_port()
    out = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115 - closed below
    try:
        proc = subprocess.Popen([python or sys.executable, "-m", "server"], cwd=bundle_dir,
                                env=_server_env(port, bundle_dir), stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as exc:
        raise ExternalToolFailed(f"The Python '{python or sys.executable}' could not be started: {exc}.",
                                 hint="Pass the path of a Python 3.11 with the bundle's requirements.") from exc
    finally:
        if log_path:
            out.close()
    return proc, f"http://127.0.0.1:{port}"


def verify_dir(bundle_dir: Path | str, model: ModelBundle, rows: pd.DataFrame, *, python: str | None = None,
               progress: ProgressFn = no_progress, should_stop: Callable[[], bool] | None = None,
               startup_timeout: float = STARTUP_TIMEOUT) -> dict[str, Any]:
    """Start the server of a bundle directory, compare its predictions on ``rows`` with ``model``'s, stop it.

    What :func:`verify_bundle` does without the workspace: nothing is recorded. The server is
    stopped (terminate, then kill) whatever happens.

    Returns:
        :func:`verify_url`'s result plus ``"where": "process"`` and ``"python"``.

    Raises:
        NotFound: if the directory is not a bundle.
        ExternalToolFailed: if the server did not answer ``/ping`` in time or exited (the message
            ends with its output).
        JobCancelled: if ``should_stop`` said so.
    """
    with tempfile.TemporaryDirectory(prefix="mlcycle-verify-") as tmp:
        log_path = Path(tmp) / "server.log"
        progress(Progress(0.0, "Starting the bundle's server"))
        proc, url = serve_bundle(bundle_dir, python=python, log_path=log_path)
        try:
            def alive() -> str:
                code = proc.poll()
                if code is None:
                    return ""
                return f"it exited with code {code}:\n{_tail(log_path)}"

            try:
                wait_for_ping(url, timeout=startup_timeout, alive=alive, should_stop=should_stop)
            except ExternalToolFailed as exc:
                detail = _tail(log_path)
                if detail and detail not in exc.message:
                    exc = ExternalToolFailed(f"{exc.message}\nServer output:\n{detail}", hint=exc.hint)
                raise exc from None
            result = verify_url(url, model, rows, progress=lambda p: progress(Progress(
                None if p.fraction is None else 0.05 + 0.95 * p.fraction, p.message)), should_stop=should_stop)
            if result["error"] and proc.poll() is not None:
                result["error"] += f" (the server exited with code {proc.returncode}: {_tail(log_path, 5)})"
        finally:
            stop_process(proc)
    result.update({"where": "process", "python": python or sys.executable})
    return result


def verify_bundle(ws: Workspace, export_id: str, *, python: str | None = None, progress: ProgressFn = no_progress,
                  should_stop: Callable[[], bool] | None = None,
                  startup_timeout: float = STARTUP_TIMEOUT) -> dict[str, Any]:
    """Start an export's server from its directory, compare its predictions with the app's, and record the result.

    Args:
        ws: the workspace.
        export_id: the export (``bdl_...``).
        python: the Python that runs the server (default: the app's own, ``sys.executable``).
        progress: receives what is happening.
        should_stop: polled while waiting and between requests; when true the server is stopped and
            :class:`JobCancelled` raised (nothing is recorded).
        startup_timeout: seconds the server may take to answer ``/ping``.

    Returns:
        :func:`verify_dir`'s result plus ``"export_id"`` (recorded with the export).

    Raises:
        NotFound: unknown export, its directory gone, or the model's data missing.
        ExternalToolFailed: if the server did not start (the message ends with its error output).
        JobCancelled: if ``should_stop`` said so.
    """
    from core.deploy import bundle as bundles

    export = bundles.get_export(ws, export_id)
    bundle_dir = Path(export.path)
    if not bundle_dir.is_dir():
        raise NotFound(f"The bundle of export {export.id} is gone from '{bundle_dir}'.",
                       hint="Export the model again.")
    progress(Progress(0.0, f"Loading model {export.model_id} and its held-out rows"))
    model = load_model(ws, export.model_id)
    rows = held_out_rows(ws, export.model_id, model)
    result = verify_dir(bundle_dir, model, rows, python=python, progress=progress, should_stop=should_stop,
                        startup_timeout=startup_timeout)
    result["export_id"] = export.id
    bundles.record_verification(ws, export.id, result)
    return result


# ---------------------------------------------------------------- the job

def find_verify_job(ws: Workspace, export_id: str, kind: str = "deploy_verify") -> Job | None:
    """The queued or running job of ``kind`` for this export, else ``None``."""
    for job in list_jobs(ws, kind=kind, limit=200):
        if not job.finished and (job.payload or {}).get("export_id") == export_id:
            return job
    return None


def refuse_duplicate(ws: Workspace, export_id: str, kind: str, what: str) -> None:
    """Raise :class:`Conflict` (with the job as ``.job``) if such a job for this export is queued or running."""
    from core.errors import Conflict

    job = find_verify_job(ws, export_id, kind)
    if job is not None:
        err = Conflict(f"{what} of export {export_id} is already under way: job '{job.title}' ({job.id}, "
                       f"{job.status}).", hint=f"Follow that job (`mlcycle jobs show {job.id}`) instead of starting another.")
        err.job = job  # type: ignore[attr-defined]
        raise err


def enqueue_verify(ws: Workspace, export_id: str, *, project_id: str | None = None,
                   start_worker: bool = True) -> Job:
    """Queue a ``deploy_verify`` job for an export.

    Raises:
        NotFound: unknown export.
        Conflict: a verification of this export is already queued or running (``.job`` is that job).
    """
    from core.deploy import bundle as bundles

    export = bundles.get_export(ws, export_id)
    refuse_duplicate(ws, export.id, "deploy_verify", "A verification")
    model = get_model(ws, export.model_id)
    return enqueue(ws, "deploy_verify", {"export_id": export.id, "model_id": model.id},
                   title=f"Verify the bundle of {model.learner} model {model.id}",
                   project_id=project_id or model.project_id, start_worker=start_worker)


def enqueue_build(ws: Workspace, export_id: str, *, base_image: str | None = None, project_id: str | None = None,
                  start_worker: bool = True) -> Job:
    """Queue a ``deploy_build`` job (build the export's image, then verify it): :func:`core.deploy.engine.enqueue_build`."""
    from core.deploy import engine

    return engine.enqueue_build(ws, export_id, base_image=base_image, project_id=project_id,
                                start_worker=start_worker)


def run_verify_job(ctx: JobContext) -> dict[str, Any]:
    """Verify the payload's export (job kind ``deploy_verify``): the result, verified or not.

    A verification that finds differences succeeds as a job (``"verified": false``); the job fails
    only when the server could not be started or the export is gone.

    Raises:
        InvalidInput: if the payload names no export.
        NotFound, ExternalToolFailed: as :func:`verify_bundle`.
        JobCancelled: if the user cancelled the job.
    """
    export_id = ctx.payload.get("export_id")
    if not export_id:
        raise InvalidInput("This verify job names no export.", hint="Queue it again from the Deploy page.")
    ctx.progress(0.0, "Starting the bundle's server", force=True)
    try:
        result = verify_bundle(ctx.ws, export_id, progress=ctx.on_progress, should_stop=ctx.cancelled)
    except MLCycleError as exc:
        ctx.log(str(exc))
        raise
    report_result(ctx, result)
    return result


def report_result(ctx: JobContext, result: dict[str, Any]) -> None:
    """Write a verification's summary and each mismatch to the job's log, and end its progress with the summary."""
    ctx.log(summary(result))
    for m in result.get("mismatches") or []:
        ctx.log(f"mismatch: row {m.get('row')}, {m.get('what')}: expected {m.get('expected')!r}, got {m.get('got')!r}")
    ctx.progress(1.0, summary(result), force=True)


def summary(result: dict[str, Any]) -> str:
    """One line about a verification result (job logs, the CLI)."""
    where = "image" if result.get("where") == "image" else "server"
    if result.get("verified"):
        diff = result.get("max_proba_diff")
        if diff is None:
            diff = result.get("max_value_diff")
        speed = ""
        if result.get("p50_ms") is not None:
            speed = (f"; p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms, "
                     f"{result['rows_per_s']:,.0f} rows/s")
        return (f"Verified: the {where} predicts exactly as the app on {result.get('rows', 0):,} rows "
                f"(largest difference {diff:.1e}){speed}")
    why = result.get("error") or f"{result.get('mismatched_rows', 0):,} of {result.get('rows', 0):,} rows differ"
    return f"Not verified: {why}"
