"""Long work in the background: the durable job queue, the worker process and job kinds.

``queue`` enqueues, reads, cancels, retries and waits for jobs through the store (every read turns a
dead worker's job into ``interrupted``); ``worker`` is the one process per workspace that
claims and runs them, heartbeating; ``liveness`` probes for the worker without taking its
lock and judges whether a running job's worker is gone; ``kinds`` maps a kind
name to the function that runs it (``"module:function"``, imported only when a job of
that kind runs) and gives jobs their :class:`JobContext`. May import ``core.store``.
"""

from core.jobs.entities import JOB_STATES, TERMINAL_JOB_STATES, Job, JobLogLine
from core.jobs.kinds import (
    KINDS,
    JobCancelled,
    JobContext,
    JobKind,
    register_kind,
    run_echo_job,
    run_sleep_job,
)
from core.jobs.liveness import worker_alive
from core.jobs.queue import (
    RETRYABLE_STATES,
    JobFailed,
    cancel_job,
    enqueue,
    get_job,
    job_logs,
    list_jobs,
    log_text,
    reconcile,
    retry_job,
    retry_refusal,
    wait_for,
)
from core.jobs.worker import ensure_worker, ensure_worker_for_queue, run_job, run_worker

__all__ = [
    "JOB_STATES", "KINDS", "RETRYABLE_STATES", "TERMINAL_JOB_STATES", "Job", "JobCancelled", "JobContext",
    "JobFailed", "JobKind", "JobLogLine", "cancel_job", "enqueue", "ensure_worker", "ensure_worker_for_queue",
    "get_job", "job_logs", "list_jobs", "log_text", "reconcile", "register_kind", "retry_job", "retry_refusal",
    "run_echo_job", "run_job", "run_sleep_job", "run_worker", "wait_for", "worker_alive",
]
