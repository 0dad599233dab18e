"""Long work in the background: the durable job queue, the worker process and job kinds.

``queue`` enqueues, reads, cancels and waits for jobs through the store; ``worker`` is the
one process per workspace that claims and runs them, heartbeating; ``kinds`` maps a kind
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
from core.jobs.queue import cancel_job, enqueue, get_job, job_logs, list_jobs, wait_for
from core.jobs.worker import ensure_worker, reconcile, run_job, run_worker, worker_alive

__all__ = [
    "JOB_STATES", "KINDS", "TERMINAL_JOB_STATES", "Job", "JobCancelled", "JobContext", "JobKind", "JobLogLine",
    "cancel_job", "enqueue", "ensure_worker", "get_job", "job_logs", "list_jobs", "reconcile", "register_kind",
    "run_echo_job", "run_job", "run_sleep_job", "run_worker", "wait_for", "worker_alive",
]
