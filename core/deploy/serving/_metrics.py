"""The server's counters, written in Prometheus' text exposition format (version 0.0.4) by hand.

``GET /metrics`` answers:

- ``mlcycle_requests_total{endpoint, status}``: requests answered, by endpoint and HTTP status;
- ``mlcycle_request_errors_total{endpoint, error_code}``: the answers with status 400 or more;
- ``mlcycle_request_duration_seconds{endpoint}``: a latency histogram (``_bucket``, ``_sum``, ``_count``);
- ``mlcycle_rows_predicted_total{path}``: rows predicted, by ``numpy`` (the fast path) or ``dataframe``;
- ``mlcycle_request_log_errors_total``: request-log lines that could not be written;
- ``mlcycle_model_info{model_id, learner, task}`` (always 1) and ``process_start_time_seconds``.

Endpoints outside the server's routes count as ``other``, so a scanner cannot grow the label set.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections import defaultdict

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
ENDPOINTS = frozenset({"/invocations", "/ping", "/health", "/version", "/schema", "/metadata", "/metrics"})


class Metrics:
    """Counters of one server process (thread-safe).

    Example:
        >>> m = Metrics({"model_id": "mdl_1", "learner": "lgbm", "task": "binary"})
        >>> m.observe("/invocations", 200, 0.0012)
        >>> m.render().splitlines()[0]
        '# HELP mlcycle_requests_total Requests answered, by endpoint and HTTP status.'
    """

    def __init__(self, info: dict[str, str]) -> None:
        self.info = dict(info)
        self.started = time.time()
        self._lock = threading.Lock()
        self._requests: dict[tuple[str, int], int] = defaultdict(int)
        self._errors: dict[tuple[str, str], int] = defaultdict(int)
        self._buckets: dict[str, list[int]] = {}
        self._sum: dict[str, float] = defaultdict(float)
        self._rows: dict[str, int] = defaultdict(int)
        self.log_errors = 0

    def observe(self, path: str, status: int, seconds: float) -> None:
        """Count one answered request and its duration."""
        endpoint = path if path in ENDPOINTS else "other"
        with self._lock:
            self._requests[endpoint, status] += 1
            counts = self._buckets.get(endpoint)
            if counts is None:
                counts = self._buckets[endpoint] = [0] * (len(BUCKETS) + 1)
            counts[bisect.bisect_left(BUCKETS, seconds)] += 1
            self._sum[endpoint] += seconds

    def error(self, path: str, code: str) -> None:
        """Count one error answer by its error code."""
        endpoint = path if path in ENDPOINTS else "other"
        with self._lock:
            self._errors[endpoint, code] += 1

    def rows(self, n: int, path: str) -> None:
        """Count ``n`` rows predicted by the ``numpy`` or the ``dataframe`` path."""
        with self._lock:
            self._rows[path] += n

    def log_failed(self) -> None:
        """Count one request-log line that could not be written."""
        with self._lock:
            self.log_errors += 1

    def render(self) -> str:
        """All metrics in Prometheus' text format."""
        with self._lock:
            requests, errors, rows = dict(self._requests), dict(self._errors), dict(self._rows)
            buckets = {k: list(v) for k, v in self._buckets.items()}
            sums, log_errors = dict(self._sum), self.log_errors
        out: list[str] = []
        _family(out, "mlcycle_requests_total", "counter", "Requests answered, by endpoint and HTTP status.")
        for (endpoint, status), n in sorted(requests.items()):
            out.append(f'mlcycle_requests_total{{endpoint="{endpoint}",status="{status}"}} {n}')
        _family(out, "mlcycle_request_errors_total", "counter",
                "Requests answered with an error (status 400 or more), by endpoint and error code.")
        for (endpoint, code), n in sorted(errors.items()):
            out.append(f'mlcycle_request_errors_total{{endpoint="{endpoint}",error_code="{code}"}} {n}')
        _family(out, "mlcycle_request_duration_seconds", "histogram",
                "Time from a request's arrival to its answer, by endpoint.")
        for endpoint, counts in sorted(buckets.items()):
            total = 0
            for bound, n in zip((*BUCKETS, None), counts, strict=True):
                total += n
                le = "+Inf" if bound is None else repr(bound)
                out.append(f'mlcycle_request_duration_seconds_bucket{{endpoint="{endpoint}",le="{le}"}} {total}')
            out.append(f'mlcycle_request_duration_seconds_sum{{endpoint="{endpoint}"}} {sums[endpoint]!r}')
            out.append(f'mlcycle_request_duration_seconds_count{{endpoint="{endpoint}"}} {total}')
        _family(out, "mlcycle_rows_predicted_total", "counter",
                "Rows predicted, by path: numpy (the fast path) or dataframe.")
        for path in ("numpy", "dataframe"):
            out.append(f'mlcycle_rows_predicted_total{{path="{path}"}} {rows.get(path, 0)}')
        _family(out, "mlcycle_request_log_errors_total", "counter",
                "Request-log lines that could not be written (the requests were answered).")
        out.append(f"mlcycle_request_log_errors_total {log_errors}")
        _family(out, "mlcycle_model_info", "gauge", "The model this server predicts with (always 1).")
        labels = ",".join(f'{k}="{_escape(v)}"' for k, v in self.info.items())
        out.append(f"mlcycle_model_info{{{labels}}} 1")
        _family(out, "process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch.")
        out.append(f"process_start_time_seconds {self.started!r}")
        return "\n".join(out) + "\n"


def _family(out: list[str], name: str, kind: str, help_text: str) -> None:
    out.append(f"# HELP {name} {help_text}")
    out.append(f"# TYPE {name} {kind}")


def _escape(value: object) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
