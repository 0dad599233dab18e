"""Processing performance: how fast a model loads and predicts, how much memory it takes, how big it is.

A benchmark runs one model in a fresh process (``python -m core.evaluation._benchmark_child``,
see that module for exactly what is timed), so one model's memory and warmed caches do not
colour another's. Sample rows come from the experiment's held-out version (its target left
out), up to :data:`SAMPLE_ROWS` of them, and travel the path a prediction server takes: a
JSON body of records -> a pandas DataFrame -> ``predict_proba`` (classifiers) or ``predict``.

The figures (one ``benchmarks`` row per run, the newest one counts):

- ``load_ms``: importing the model code and loading the artifact, the learner's library included;
- ``p50_ms``, ``p95_ms``, ``p99_ms``: single-row latency over ``calls`` calls (1,000 by default);
- ``rows_per_s``: throughput at batch sizes 1, 100 and 10,000 (keyed ``"1"``, ``"100"``, ``"10000"``);
- ``size_bytes``: the serialized model; ``peak_rss_mb``: the measuring process's peak memory;
- ``machine``: CPU count and model, platform and Python version, recorded beside the figures.

Benchmarks run as jobs of kind ``benchmark`` (:func:`enqueue_benchmark`); :func:`benchmark_model`
measures one model in the caller's process (the CLI and tests).

Example:
    >>> job = enqueue_benchmark(ws, [model.id])
    >>> latest_benchmarks(ws, [model.id])[model.id].as_dict()["p99_ms"]
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from core.data import datasets
from core.data.reads import IN_JSON
from core.errors import ExternalToolFailed, InvalidInput, NotFound
from core.experiments.entities import Experiment, Model
from core.experiments.search import number
from core.experiments.service import get_experiment, get_model
from core.ids import new_id, utcnow
from core.jobs import JobCancelled, JobContext, enqueue
from core.jobs.entities import Job
from core.progress import Progress, ProgressFn, no_progress
from core.store.activity import record_event
from core.store.entities import _Entity
from core.workspace import REPO_ROOT, Workspace

__all__ = ["BATCH_SIZES", "Benchmark", "SAMPLE_ROWS", "benchmark_model", "enqueue_benchmark",
           "latest_benchmarks", "list_benchmarks", "run_benchmark_job"]

BATCH_SIZES = (1, 100, 10_000)
SAMPLE_ROWS = 500
DEFAULT_CALLS = 1000
DEFAULT_TIMEOUT = 900.0  # seconds one model may take in its measuring process
CHILD_MODULE = "core.evaluation._benchmark_child"


@dataclass(frozen=True)
class Benchmark(_Entity):
    """One processing benchmark of a model (a row of ``benchmarks``).

    Attributes:
        id: the benchmark's id.
        model_id: the model measured.
        job_id: the ``benchmark`` job that measured it, if any.
        load_ms: import and load time of the artifact, in milliseconds.
        p50_ms, p95_ms, p99_ms: single-row latency percentiles, in milliseconds.
        rows_per_s: throughput by batch size (``{"1": .., "100": .., "10000": ..}``).
        size_bytes: the serialized model's size.
        peak_rss_mb: the measuring process's peak resident memory while predicting, in MiB.
        machine: ``{"cpu_count", "cpus_available", "cpu_model", "platform", "python"}``.
        figures: details (calls, sample rows, timing of each batch size, the predict method...).
        created_at: when it was measured.
    """

    _json_fields: ClassVar[tuple[str, ...]] = ("rows_per_s", "machine", "figures")

    id: str
    model_id: str
    job_id: str | None
    load_ms: float | None
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    rows_per_s: dict[str, float]
    size_bytes: int | None
    peak_rss_mb: float | None
    machine: dict[str, Any]
    figures: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The figures ``mlcycle models benchmark MODEL --json`` prints.

        Returns:
            ``model_id``, ``p50_ms``, ``p95_ms``, ``p99_ms``, ``rows_per_s`` (keyed by batch size),
            ``load_ms``, ``size_bytes``, ``peak_rss_mb``, ``machine`` and ``created_at``.
        """
        return {"model_id": self.model_id, "p50_ms": self.p50_ms, "p95_ms": self.p95_ms, "p99_ms": self.p99_ms,
                "rows_per_s": dict(self.rows_per_s), "load_ms": self.load_ms, "size_bytes": self.size_bytes,
                "peak_rss_mb": self.peak_rss_mb, "machine": dict(self.machine), "created_at": self.created_at}

    @property
    def throughput(self) -> float | None:
        """Rows per second at the largest batch size measured (what the gate field ``rows_per_s`` reads)."""
        sized = [(int(k), v) for k, v in self.rows_per_s.items() if str(k).isdigit() and v is not None]
        return float(max(sized)[1]) if sized else None


# ---------------------------------------------------------------- read

def latest_benchmarks(ws: Workspace, model_ids: list[str]) -> dict[str, Benchmark]:
    """Return the newest benchmark of each model, with one query.

    Args:
        ws: the workspace.
        model_ids: the models.

    Returns:
        ``{model_id: Benchmark}`` for the models that have one (others are left out).

    Raises:
        Nothing: unknown ids simply have no benchmark.
    """
    ids = list(dict.fromkeys(model_ids))
    if not ids:
        return {}
    sql = ("SELECT * FROM (SELECT b.*, ROW_NUMBER() OVER (PARTITION BY b.model_id"
           " ORDER BY b.created_at DESC, b.rowid DESC) AS newest FROM benchmarks b"
           f" WHERE b.model_id {IN_JSON}) WHERE newest = 1")
    with ws.read() as db:
        rows = db.execute(sql, [json.dumps(ids)]).fetchall()
    return {row["model_id"]: Benchmark.from_row(row) for row in rows}


def list_benchmarks(ws: Workspace, model_id: str) -> list[Benchmark]:
    """Return every benchmark of a model, newest first (an empty list for a model never benchmarked).

    Raises:
        Nothing: an unknown model has no benchmarks.
    """
    with ws.read() as db:
        rows = db.execute("SELECT * FROM benchmarks WHERE model_id = ? ORDER BY created_at DESC, rowid DESC",
                          [model_id]).fetchall()
    return [Benchmark.from_row(r) for r in rows]


# ---------------------------------------------------------------- measure

def _label(model: Model) -> str:
    return f"{model.learner} ({model.id})"


def experiment_rows(ws: Workspace, exp: Experiment, why_not: str, use: str) -> pd.DataFrame:
    """An experiment's rows to run a model on: its held-out version; if that is gone, its training
    version, then its data.

    Args:
        ws: the workspace.
        exp: the experiment.
        why_not: the start of the error when none is left ("Model lgbm (mdl_…) cannot be benchmarked").
        use: what the rows are for, ending the error ("predict on").

    Raises:
        NotFound: if all of its data is missing (the hint says how to restore it).
    """
    problem = None
    for version_id in (exp.test_version_id, exp.train_version_id, exp.dataset_version_id):
        if not version_id:
            continue
        try:
            return datasets.load_frame(ws, version_id)
        except NotFound as exc:
            problem = exc
    raise NotFound(f"{why_not}: the data of experiment '{exp.name}' is missing, so there are no rows to {use}.",
                   hint=problem.hint if problem else "Restore the workspace's artifacts folder.")


def _sample_rows(ws: Workspace, model: Model, path: Path) -> int:
    """Write up to :data:`SAMPLE_ROWS` raw rows of the model's held-out data (no target) as JSON records.

    The experiment's held-out version is used; if it is gone, its training version, then its data.

    Returns:
        The number of rows written.

    Raises:
        NotFound: if the experiment or all of its data is missing.
        InvalidInput: if the data has no rows.
    """
    exp = get_experiment(ws, model.experiment_id)
    frame = experiment_rows(ws, exp, f"Model {_label(model)} cannot be benchmarked", "predict on")
    frame = frame.drop(columns=[exp.target], errors="ignore")
    if frame.empty:
        raise InvalidInput(f"Model {_label(model)} cannot be benchmarked: its held-out data has no rows.",
                           hint="Benchmark a model whose experiment held out some rows.")
    if len(frame) > SAMPLE_ROWS:
        frame = frame.sample(n=SAMPLE_ROWS, random_state=0)
    path.write_text(frame.to_json(orient="records", date_format="iso", force_ascii=False), encoding="utf-8")
    return len(frame)


def _child_command(artifact: Path, rows: Path, calls: int, min_seconds: float) -> list[str]:
    """The command line of the measuring process."""
    return [sys.executable, "-m", CHILD_MODULE, "--artifact", str(artifact), "--rows", str(rows),
            "--calls", str(calls), "--min-seconds", str(min_seconds)]


def _child_env() -> dict[str, str]:
    """The measuring process's environment: this one, with the repository on ``PYTHONPATH``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def _stop_child(proc: subprocess.Popen) -> None:
    """Kill the measuring process (and anything it started) and reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (OSError, AttributeError):
        proc.kill()
    try:
        proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _run_child(model: Model, command: list[str], *, timeout: float,
               should_stop: Callable[[], bool] | None) -> dict[str, Any]:
    """Run the measuring process and return the figures it printed.

    Raises:
        ExternalToolFailed: naming the model, if the process crashed, timed out or printed no figures.
        InvalidInput: with the process's own message, if the model cannot be loaded or predict.
        JobCancelled: if ``should_stop`` said so (the process is killed).
    """
    proc = subprocess.Popen(command, cwd=REPO_ROOT, env=_child_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + timeout
    while True:
        try:
            out, err = proc.communicate(timeout=min(1.0, max(0.05, deadline - time.monotonic())))
            break
        except subprocess.TimeoutExpired:
            if should_stop is not None and should_stop():
                _stop_child(proc)
                raise JobCancelled() from None
            if time.monotonic() >= deadline:
                _stop_child(proc)
                raise ExternalToolFailed(
                    f"Benchmarking model {_label(model)} did not finish within {timeout:g} s; it was stopped.",
                    hint="The model may be too slow for 10,000-row batches on this machine. Try again when "
                         "the machine is less busy, or with fewer calls (`--calls`).") from None
    answer: dict[str, Any] | None = None
    for line in reversed((out or "").splitlines()):
        if line.strip().startswith("{"):
            try:
                answer = json.loads(line)
                break
            except json.JSONDecodeError:
                continue
    if answer is not None and "error" in answer:
        raise InvalidInput(f"Model {_label(model)} could not be benchmarked: {answer['error']}",
                           hint=answer.get("hint") or "")
    if proc.returncode != 0 or answer is None:
        if proc.returncode and proc.returncode < 0:
            try:
                name = signal.Signals(-proc.returncode).name
            except ValueError:
                name = f"signal {-proc.returncode}"
            how = f"was killed by {name}" + (" (out of memory?)" if name == "SIGKILL" else "")
        elif proc.returncode:
            how = f"crashed (exit code {proc.returncode})"
        else:
            how = "ended without printing its figures"
        detail = _last_line(err)
        raise ExternalToolFailed(
            f"Benchmarking model {_label(model)} failed: the measuring process {how}"
            + (f": {detail}" if detail else "."),
            hint="The model's library failed while loading or predicting in a fresh process. Check that the "
                 "model loads (`mlcycle models show MODEL`), then benchmark it again.")
    return answer


def benchmark_model(ws: Workspace, model_id: str, *, calls: int = DEFAULT_CALLS, min_seconds: float = 1.0,
                    timeout: float = DEFAULT_TIMEOUT, job_id: str | None = None,
                    progress: ProgressFn = no_progress,
                    should_stop: Callable[[], bool] | None = None) -> Benchmark:
    """Measure one model's processing performance in a fresh process and store the figures.

    Args:
        ws: the workspace.
        model_id: the model.
        calls: single-row calls timed for the latency percentiles (at least 1,000 for p99 to mean much).
        min_seconds: each of the batch sizes 100 and 10,000 is repeated until this much time was spent.
        timeout: seconds the measuring process may take before it is stopped.
        job_id: the ``benchmark`` job this runs in (recorded with the row).
        progress: receives what is happening.
        should_stop: polled about once a second; when it returns true the process is stopped.

    Returns:
        The stored benchmark.

    Raises:
        NotFound: if the model, its artifact or its experiment's data is missing.
        Corrupted: if the model's artifact changed on disk.
        InvalidInput: if ``calls`` is not positive, or the model cannot load or predict on its rows.
        ExternalToolFailed: naming the model, if the measuring process crashed or timed out.
        JobCancelled: if ``should_stop`` asked to stop.
    """
    if int(calls) < 1:
        raise InvalidInput(f"A benchmark needs at least one call, not {calls}.", hint="Use --calls 1000 (the default).")
    model = get_model(ws, model_id)
    artifact = ws.artifacts.verified_path(model.artifact)
    with tempfile.TemporaryDirectory(dir=ws.scratch_dir("benchmarks")) as tmp:
        rows_path = Path(tmp) / "rows.json"
        n_rows = _sample_rows(ws, model, rows_path)
        progress(Progress(None, f"Measuring {_label(model)}: {calls:,} single-row calls on {n_rows} sample rows, "
                                "then batches of 100 and 10,000"))
        figures = _run_child(model, _child_command(artifact, rows_path, int(calls), float(min_seconds)),
                             timeout=timeout, should_stop=should_stop)
    details = dict(figures.get("figures") or {})
    details["sample_source"] = "held-out rows of the experiment, target left out"
    row = {
        "id": new_id("bm"), "model_id": model.id, "job_id": job_id,
        "load_ms": figures.get("load_ms"), "p50_ms": figures.get("p50_ms"), "p95_ms": figures.get("p95_ms"),
        "p99_ms": figures.get("p99_ms"), "rows_per_s": json.dumps(figures.get("rows_per_s") or {}),
        "size_bytes": artifact.stat().st_size, "peak_rss_mb": figures.get("peak_rss_mb"),
        "machine": json.dumps(figures.get("machine") or {}), "figures": json.dumps(details, default=str),
        "created_at": utcnow(),
    }
    top = (figures.get("rows_per_s") or {}).get(str(BATCH_SIZES[-1]))
    with ws.write() as db:
        db["benchmarks"].insert(row)
        record_event(db, object_kind="model", object_id=model.id, verb="benchmarked",
                     message=f"Model {_label(model)} benchmarked: p50 {number(row['p50_ms'])} ms, "
                             f"p99 {number(row['p99_ms'])} ms, {number(top)} rows/s in batches of 10,000, "
                             f"loads in {number(row['load_ms'])} ms",
                     project_id=model.project_id)
    with ws.read() as db:
        return Benchmark.from_row(db.execute("SELECT * FROM benchmarks WHERE id = ?", [row["id"]]).fetchone())


# ---------------------------------------------------------------- the job

def enqueue_benchmark(ws: Workspace, model_ids: list[str], *, project_id: str | None = None,
                      calls: int = DEFAULT_CALLS, start_worker: bool = True) -> Job:
    """Queue a ``benchmark`` job that measures these models one after the other.

    Args:
        ws: the workspace.
        model_ids: the models (at least one; duplicates are measured once).
        project_id: the project the job belongs to (default: the first model's).
        calls: single-row calls per model for the latency percentiles.
        start_worker: start a worker if none is alive.

    Returns:
        The queued job.

    Raises:
        InvalidInput: if no model is given or ``calls`` is not positive.
        NotFound: if a model does not exist (nothing is queued).
    """
    ids = list(dict.fromkeys(m for m in model_ids if m))
    if not ids:
        raise InvalidInput("Choose at least one model to benchmark.", hint="Pass model ids, e.g. mdl_5f0c1a9e2b7d.")
    if int(calls) < 1:
        raise InvalidInput(f"A benchmark needs at least one call, not {calls}.", hint="Use --calls 1000 (the default).")
    models = [get_model(ws, m) for m in ids]
    title = f"Benchmark: {_label(models[0])}" if len(models) == 1 else f"Benchmark: {len(models)} models"
    payload: dict[str, Any] = {"model_ids": ids, "calls": int(calls)}
    if len(ids) == 1:
        payload["model_id"] = ids[0]  # the job's subject (the Jobs page links it)
    return enqueue(ws, "benchmark", payload, title=title, project_id=project_id or models[0].project_id,
                   start_worker=start_worker)


def run_benchmark_job(ctx: JobContext) -> dict[str, Any]:
    """Benchmark the payload's models one after the other, each in a fresh process (job kind ``benchmark``).

    A model that fails does not stop the others; the job then fails naming every model that
    failed and why (the others' figures are stored).

    Returns:
        ``{"benchmarks": [{"model_id", "benchmark_id", "p50_ms", "p99_ms", "rows_per_s"}, ...]}``.

    Raises:
        JobCancelled: if the user cancelled the job (figures already stored are kept).
        InvalidInput: if the payload names no model.
        ExternalToolFailed: naming each model that could not be benchmarked.
    """
    from core.errors import MLCycleError

    ids = [m for m in ctx.payload.get("model_ids") or [] if m] or ([ctx.payload["model_id"]]
                                                                   if ctx.payload.get("model_id") else [])
    if not ids:
        raise InvalidInput("This benchmark job names no model.", hint="Queue it again with model ids.")
    calls = int(ctx.payload.get("calls") or DEFAULT_CALLS)
    done: list[dict[str, Any]] = []
    failed: list[MLCycleError] = []
    for i, model_id in enumerate(ids):
        ctx.check_cancelled()
        prefix = f"Benchmarking model {i + 1} of {len(ids)}"
        ctx.progress(i / len(ids), f"{prefix}: {model_id}", force=True)

        def report(p: Progress, prefix: str = prefix, i: int = i) -> None:
            ctx.progress(i / len(ids), f"{prefix}: {p.message}")

        try:
            bench = benchmark_model(ctx.ws, model_id, calls=calls, job_id=ctx.job.id, progress=report,
                                    should_stop=ctx.cancelled)
        except JobCancelled:
            raise
        except MLCycleError as exc:
            failed.append(exc)
            ctx.log(f"{model_id}: {exc}")
            continue
        ctx.log(f"{model_id}: p50 {number(bench.p50_ms)} ms, p99 {number(bench.p99_ms)} ms, "
                f"{number(bench.throughput)} rows/s at batch 10,000, load {number(bench.load_ms)} ms")
        done.append({"model_id": model_id, "benchmark_id": bench.id, "p50_ms": bench.p50_ms,
                     "p99_ms": bench.p99_ms, "rows_per_s": bench.rows_per_s})
    ctx.progress(1.0, f"Benchmarked {len(done)} of {len(ids)} models", force=True)
    if len(failed) == 1 and len(ids) == 1:
        raise failed[0]
    if failed:
        raise ExternalToolFailed(f"{len(failed)} of {len(ids)} models could not be benchmarked: "
                                 + " | ".join(exc.message for exc in failed),
                                 hint="The figures of the other models are stored; the job's log has each "
                                      "model's reason.")
    return {"benchmarks": done}
