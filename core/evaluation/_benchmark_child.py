"""The measuring process of a processing benchmark: ``python -m core.evaluation._benchmark_child``.

:mod:`core.evaluation.benchmark` starts one fresh process per model, so that one model's
memory and warmed caches do not colour another's figures. This process loads the model
artifact, then sends sample rows through the path a prediction server takes: a JSON body of
records, parsed, turned into a pandas DataFrame and given to ``ModelBundle.predict_proba``
(classifiers) or ``ModelBundle.predict`` (regressors). It prints one JSON line on stdout: the
figures, or ``{"error": ..., "hint": ...}`` for a model it cannot load or predict with (exit
code 2). Anything the libraries print goes to stderr, so stdout holds that one line only.

What it measures:

- ``load_ms``: importing the model code and ``ModelBundle.from_bytes`` (which imports the
  learner's library: LightGBM, XGBoost or scikit-learn) on the artifact's bytes read from disk.
  numpy and pandas are imported before the clock starts (a server has them loaded anyway).
- ``p50_ms``/``p95_ms``/``p99_ms``: one row per call, over ``--calls`` calls after a warm-up.
- ``rows_per_s``: at batch size 1 (from the single-row calls), 100 and 10,000 (rows drawn
  with replacement from the sample, seeded), each batch repeated until ``--min-seconds``.
- ``peak_rss_mb``: the process's peak resident memory (``VmHWM`` on Linux, else ``getrusage``),
  reached while predicting (the figures also give it right after loading).

Usage (no workspace needed)::

    python -m core.evaluation._benchmark_child --artifact PATH --rows ROWS.json [--calls 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from typing import Any

BATCH_SIZES = (1, 100, 10_000)
WARMUP_CALLS = 20
MAX_REPEATS = 1000


def machine() -> dict[str, Any]:
    """The machine the figures were measured on: CPU count and model, platform, Python version."""
    cpu_model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    cpu_model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        available = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        available = os.cpu_count()
    return {"cpu_count": os.cpu_count(), "cpus_available": available,
            "cpu_model": cpu_model or platform.processor() or platform.machine() or "unknown",
            "platform": platform.platform(), "python": platform.python_version()}


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB.

    On Linux it is ``VmHWM`` of ``/proc/self/status``: the peak of this process's own address
    space. ``getrusage``'s ``ru_maxrss`` survives ``exec``, so in a process started from a big
    one (the worker, with pandas and the learners loaded) it reports the parent's peak instead;
    it is the fallback elsewhere (KiB on Linux, bytes on macOS).
    """
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    return rusage_peak_mb()


def rusage_peak_mb() -> float:
    """``getrusage``'s peak resident memory, in MiB (``ru_maxrss`` is KiB on Linux, bytes on macOS)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _percentile(sorted_ms: list[float], q: float) -> float:
    """The ``q`` percentile (0-100) of sorted values, linearly interpolated (numpy's default)."""
    pos = (len(sorted_ms) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(sorted_ms) - 1)
    return sorted_ms[lo] + (sorted_ms[hi] - sorted_ms[lo]) * (pos - lo)


def measure(artifact: str, rows_path: str, *, calls: int = 1000, min_seconds: float = 1.0) -> dict[str, Any]:
    """Load the model at ``artifact`` and time predictions on the rows in ``rows_path``.

    Args:
        artifact: the model file (``mlcycle-model/2``).
        rows_path: a JSON file holding a list of raw rows (records, without the target).
        calls: single-row calls timed for the latency percentiles (at least 1,000 is usual).
        min_seconds: each larger batch size is repeated until this much time was spent on it.

    Returns:
        The figures: ``load_ms``, ``p50_ms``, ``p95_ms``, ``p99_ms``, ``rows_per_s`` (keyed by
        batch size as a string), ``peak_rss_mb``, ``machine`` and ``figures`` (the details).

    Raises:
        core.errors.MLCycleError: if the artifact is not a model, or the rows do not fit it.
    """
    import numpy as np
    import pandas as pd

    start = time.perf_counter()
    from core.modeling.bundle import ModelBundle

    imported = time.perf_counter()
    with open(artifact, "rb") as handle:
        blob = handle.read()
    bundle = ModelBundle.from_bytes(blob)
    loaded = time.perf_counter()
    rss_loaded = peak_rss_mb()

    with open(rows_path, encoding="utf-8") as handle:
        rows = json.load(handle)
    if not rows:
        from core.errors import InvalidInput

        raise InvalidInput("There are no sample rows to predict on.", hint="Give the benchmark some rows.")
    classify = bundle.is_classifier

    def serve(body: str) -> Any:
        frame = pd.DataFrame.from_records(json.loads(body))
        return bundle.predict_proba(frame) if classify else bundle.predict(frame)

    singles = [json.dumps([row]) for row in rows]
    for i in range(min(WARMUP_CALLS, max(calls, 1))):
        serve(singles[i % len(singles)])
    latencies: list[float] = []
    for i in range(calls):
        body = singles[i % len(singles)]
        t0 = time.perf_counter()
        serve(body)
        latencies.append((time.perf_counter() - t0) * 1000.0)
    ordered = sorted(latencies)
    total_single = sum(latencies) / 1000.0

    rng = np.random.default_rng(0)
    rows_per_s: dict[str, float] = {"1": calls / total_single if total_single > 0 else 0.0}
    batches: dict[str, dict[str, float]] = {"1": {"repeats": calls, "seconds": total_single}}
    for size in BATCH_SIZES[1:]:
        picks = rng.integers(0, len(rows), size=size)
        body = json.dumps([rows[int(i)] for i in picks])
        serve(body)  # warm-up at this size
        repeats, spent = 0, 0.0
        while repeats < MAX_REPEATS and (repeats < 2 or spent < min_seconds):
            t0 = time.perf_counter()
            serve(body)
            spent += time.perf_counter() - t0
            repeats += 1
        rows_per_s[str(size)] = size * repeats / spent if spent > 0 else 0.0
        batches[str(size)] = {"repeats": repeats, "seconds": spent}

    return {
        "load_ms": (loaded - start) * 1000.0,
        "p50_ms": _percentile(ordered, 50), "p95_ms": _percentile(ordered, 95), "p99_ms": _percentile(ordered, 99),
        "rows_per_s": rows_per_s,
        "peak_rss_mb": peak_rss_mb(),
        "machine": machine(),
        "figures": {
            "calls": calls, "warmup_calls": min(WARMUP_CALLS, calls), "sample_rows": len(rows),
            "method": "predict_proba" if classify else "predict", "learner": bundle.learner, "task": bundle.task,
            "import_ms": (imported - start) * 1000.0, "from_bytes_ms": (loaded - imported) * 1000.0,
            "mean_ms": sum(latencies) / len(latencies) if latencies else None,
            "max_ms": ordered[-1] if ordered else None, "batches": batches,
            "rss_after_load_mb": rss_loaded, "min_seconds": min_seconds, "ru_maxrss_mb": rusage_peak_mb(),
            "path": "JSON records -> pandas.DataFrame -> " + ("predict_proba" if classify else "predict"),
        },
    }


def main(argv: list[str] | None = None) -> int:
    """Measure one model and print the figures as one JSON line; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m core.evaluation._benchmark_child")
    parser.add_argument("--artifact", required=True)
    parser.add_argument("--rows", required=True)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--min-seconds", type=float, default=1.0)
    args = parser.parse_args(argv)
    # Whatever a library prints (to sys.stdout or to file descriptor 1) goes to stderr: the one
    # line on stdout is the answer.
    sys.stdout.flush()
    answer = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        from core.errors import MLCycleError

        try:
            out: dict[str, Any] = measure(args.artifact, args.rows, calls=max(1, args.calls),
                                          min_seconds=max(0.0, args.min_seconds))
            code = 0
        except MLCycleError as exc:
            out, code = {"error": exc.message, "hint": exc.hint}, 2
        answer.write(json.dumps(out) + "\n")
        answer.flush()
        return code
    finally:
        answer.close()


if __name__ == "__main__":
    sys.exit(main())
