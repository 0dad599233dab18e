"""Job kinds, and what a running job sees.

A kind maps a name to ``"module:function"`` so that importing the queue stays cheap; the
function receives a :class:`JobContext` and returns a JSON-able result. A kind may name an
``on_interrupt`` hook that mirrors a cancelled or interrupted job onto what it was working
on (an experiment's status, say), and says whether a job that did not succeed can be run
again with the same payload (:func:`core.jobs.queue.retry_job`). The built-in ``sleep`` and
``echo`` kinds exercise the worker from the CLI and the tests.
"""

from __future__ import annotations

import importlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.errors import InvalidInput
from core.ids import utcnow
from core.jobs.entities import Job
from core.progress import Progress, ProgressFn
from core.workspace import Workspace

log = logging.getLogger("mlcycle.jobs")

PROGRESS_MIN_INTERVAL = 0.25


@dataclass(frozen=True)
class JobKind:
    """How to run (and how to clean up after an interruption of) one kind of job.

    Attributes:
        run: ``"module:function"`` that runs a job of this kind.
        on_interrupt: ``"module:function"`` called when such a job is cancelled or interrupted.
        retry_instead: empty when a job that did not succeed can be queued again with the same
            payload; otherwise what to do instead (the hint of the refusal).
    """

    run: str
    on_interrupt: str | None = None
    retry_instead: str = ""


KINDS: dict[str, JobKind] = {
    "sleep": JobKind("core.jobs.kinds:run_sleep_job"),
    "echo": JobKind("core.jobs.kinds:run_echo_job"),
    "profile": JobKind("core.data.profiling:run_profile_job"),
    # automl, refit and reproduce evaluate the model they make (core.evaluation.pipeline wraps the experiments' jobs)
    # a search records its trials under its experiment: running the same one again would clash with them
    "automl": JobKind("core.evaluation.pipeline:run_automl_job",
                      on_interrupt="core.experiments.service:on_automl_job_ended",
                      retry_instead="Start a new experiment with the same settings (`mlcycle experiments run ...`), "
                                    "or refit the best finished trial of this one (`mlcycle experiments refit "
                                    "EXPERIMENT`)."),
    "refit": JobKind("core.evaluation.pipeline:run_refit_job"),
    "reproduce": JobKind("core.evaluation.pipeline:run_reproduce_job"),
    "evaluate": JobKind("core.evaluation.pipeline:run_evaluate_job"),
    "benchmark": JobKind("core.evaluation.benchmark:run_benchmark_job"),
    "explain": JobKind("core.explain.service:run_explain_job"),
    # a verification that finds differences is a result (verified false), not a failed job
    "deploy_verify": JobKind("core.deploy.verify:run_verify_job"),
    "deploy_build": JobKind("core.deploy.engine:run_build_job"),
    # active learning: a quick model on a label task's labels suggests the rest (core.labeling.active)
    "label_suggest": JobKind("core.labeling.active:run_suggest_job"),
    # a feature-importance report of a dataset version for a target (core.features.service)
    "features": JobKind("core.features.service:run_features_job"),
    # a drift report of a monitored batch too big to check while the user waits (core.monitor.service)
    "drift": JobKind("core.monitor.service:run_drift_job"),
}


def register_kind(kind: str, run: str, *, on_interrupt: str | None = None, retry_instead: str = "") -> None:
    """Register a job kind by dotted path (``"core.data.profiling:run_profile_job"``)."""
    KINDS[kind] = JobKind(run, on_interrupt, retry_instead)


def load_function(path: str) -> Callable[..., Any]:
    """Import and return the function named by ``"module:function"``."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def call_hook(ws: Workspace, job: Job, status: str) -> None:
    """Run the ``on_interrupt`` hook of a job's kind, if it has one; a failing hook is logged, not raised."""
    kind = KINDS.get(job.kind)
    if kind and kind.on_interrupt:
        try:
            load_function(kind.on_interrupt)(ws, job, status)
        except Exception:  # noqa: BLE001 - a failing hook must not stop the worker
            log.exception("on_interrupt hook of %s failed for %s", job.kind, job.id)


class JobCancelled(Exception):
    """Raised inside a job when the user asked to cancel it."""


class JobContext:
    """What a running job sees: its payload, and ways to report progress and to notice cancel.

    Example:
        >>> def run_sleep_job(ctx: JobContext) -> dict:
        ...     for i in range(10):
        ...         ctx.check_cancelled()
        ...         ctx.progress((i + 1) / 10, f"step {i + 1} of 10")
        ...     return {"ok": True}
    """

    def __init__(self, ws: Workspace, job: Job) -> None:
        self.ws = ws
        self.job = job
        self.payload: dict[str, Any] = dict(job.payload)
        self._last_progress = 0.0
        # the last fraction reported below 1.0: what a job that ends without success shows
        # (a search that reports 1.0 as it stops for a cancel did not finish its work)
        self.reached = 0.0

    def progress(self, fraction: float | None, message: str, *, force: bool = False) -> None:
        """Record progress (throttled to a few writes a second unless ``force``)."""
        if fraction is not None:
            fraction = min(1.0, max(0.0, float(fraction)))
            if fraction < 1.0:
                self.reached = fraction
        now = time.monotonic()
        if not force and now - self._last_progress < PROGRESS_MIN_INTERVAL and fraction != 1.0:
            return
        self._last_progress = now
        with self.ws.write() as db:
            db["jobs"].update(self.job.id, {"progress": fraction, "message": message[:500]})

    def on_progress(self, report: Progress) -> None:
        """A :data:`ProgressFn` that records each report as the job's progress."""
        self.progress(report.fraction, report.message)

    @property
    def progress_fn(self) -> ProgressFn:
        """This context as a progress callback for core services."""
        return self.on_progress

    def log(self, message: str) -> None:
        """Append a line to the job's log."""
        with self.ws.write() as db:
            db["job_logs"].insert({"job_id": self.job.id, "at": utcnow(), "message": message})

    def cancelled(self) -> bool:
        """Return whether the user asked to cancel this job."""
        with self.ws.read() as db:
            row = db.execute("SELECT cancel_requested FROM jobs WHERE id = ?", [self.job.id]).fetchone()
        return bool(row and row[0])

    def check_cancelled(self) -> None:
        """Raise :class:`JobCancelled` if the user asked to cancel this job."""
        if self.cancelled():
            raise JobCancelled()


# ---------------------------------------------------------------- built-in kinds

def run_sleep_job(ctx: JobContext) -> dict[str, Any]:
    """A demo job: sleep ``seconds`` in ``steps`` steps, reporting progress and honouring cancel."""
    seconds = float(ctx.payload.get("seconds", 5))
    steps = max(1, int(ctx.payload.get("steps", 10)))
    if seconds < 0:
        raise InvalidInput("A sleep job needs a non-negative number of seconds.")
    for step in range(steps):
        ctx.check_cancelled()
        time.sleep(seconds / steps)
        ctx.progress((step + 1) / steps, f"Step {step + 1} of {steps}", force=True)
        ctx.log(f"finished step {step + 1} of {steps}")
    return {"slept": seconds, "steps": steps}


def run_echo_job(ctx: JobContext) -> dict[str, Any]:
    """A demo job: return its payload (``fail: true`` makes it fail with a clear message)."""
    if ctx.payload.get("fail"):
        raise InvalidInput("This echo job was asked to fail.", hint="Queue it without 'fail'.")
    ctx.log(f"echo {json.dumps(ctx.payload)}")
    return ctx.payload
