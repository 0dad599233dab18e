"""The request log: each prediction request's rows and answers as one JSON line (``MLCYCLE_LOG_DIR``).

When ``MLCYCLE_LOG_DIR`` is set, every answered ``POST /invocations`` appends one line to
``<dir>/requests-YYYY-MM-DD.jsonl`` (the UTC day; a new file each day):

    {"time": "2026-01-31T12:00:00.123456Z", "model_id": "mdl_...", "n_rows": 1,
     "rows": [{"age": 41, "plan": "pro"}], "predictions": ["yes"],
     "probabilities": [[0.2, 0.8]], "classes": ["no", "yes"], "latency_ms": 0.9}

``rows`` are the input columns as the client sent them; ``probabilities`` and ``classes`` are there
for classifiers. Missing or non-finite numbers are written as ``null`` (the file is strict JSON).
Writing is best effort: a line that cannot be written (a full disk, a directory that went away) is
counted in ``mlcycle_request_log_errors_total``, reported once on stderr, and the request is
answered all the same.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
import threading
from pathlib import Path
from typing import Any


class RequestLog:
    """Appends one JSON line per prediction request to a daily file under ``directory``.

    Example:
        >>> log = RequestLog(Path("/var/log/model"), "mdl_1", on_error=print)
        >>> log.write([{"age": 41}], ["yes"], [[0.2, 0.8]], ["no", "yes"], 0.9)
    """

    def __init__(self, directory: Path, model_id: str, on_error: Any = None) -> None:
        self.directory = Path(directory)
        self.model_id = model_id
        self.on_error = on_error
        self._lock = threading.Lock()
        self._day = ""
        self._file: Any = None
        self._warned = False

    def write(self, rows: list[dict[str, Any]], predictions: list[Any], probabilities: list[list[float]] | None,
              classes: list[Any] | None, latency_ms: float) -> bool:
        """Append one request's line; ``False`` (never an exception) if it could not be written."""
        try:
            now = dt.datetime.now(dt.UTC)
            entry: dict[str, Any] = {"time": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "model_id": self.model_id,
                                     "n_rows": len(rows), "rows": rows, "predictions": predictions}
            if probabilities is not None:
                entry["probabilities"] = probabilities
                entry["classes"] = classes
            entry["latency_ms"] = round(latency_ms, 3)
            try:
                line = json.dumps(entry, ensure_ascii=False, allow_nan=False)
            except ValueError:  # NaN or infinity somewhere: null, as strict JSON has no such numbers
                line = json.dumps(_finite(entry), ensure_ascii=False, allow_nan=False)
            with self._lock:
                self._open(now.strftime("%Y-%m-%d")).write(line + "\n")
                self._file.flush()
            return True
        except Exception as exc:  # noqa: BLE001 - a log that fails never fails the request
            self._failed(exc)
            return False

    def close(self) -> None:
        """Close the open file (a later write opens it again)."""
        with self._lock:
            if self._file is not None:
                try:
                    self._file.close()
                except OSError:
                    pass
                self._file, self._day = None, ""

    def _open(self, day: str) -> Any:
        if self._file is None or day != self._day:
            if self._file is not None:
                self._file.close()
                self._file = None
            self.directory.mkdir(parents=True, exist_ok=True)
            self._file = open(self.directory / f"requests-{day}.jsonl", "a", encoding="utf-8")  # noqa: SIM115
            self._day = day
        return self._file

    def _failed(self, exc: Exception) -> None:
        with self._lock:
            if self._file is not None:  # reopened on the next write (the directory may be back)
                try:
                    self._file.close()
                except OSError:
                    pass
                self._file, self._day = None, ""
        if self.on_error is not None:
            self.on_error()
        if not self._warned:
            self._warned = True
            print(f"mlcycle server: cannot write the request log in {self.directory} ({type(exc).__name__}: {exc}); "
                  "requests are answered all the same (mlcycle_request_log_errors_total counts the lost lines).",
                  file=sys.stderr, flush=True)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
