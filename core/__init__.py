"""MLCycle core: the library under the app, one package per lifecycle step.

Never imports streamlit. The packages, in lifecycle order (a step may use earlier
steps, never later ones; ``tests/unit/test_layering.py`` enforces it):

    modeling/     the model format and the column-kind rules (a leaf: imports only core.errors,
                  so every step may use it; no pickle)
    store/        SQLite metadata (migrations), content-addressed artifacts, activity, lineage, gc
    jobs/         the durable job queue, the worker process, job kinds
    define/       projects, hypotheses
    data/         ingest, canonical form, versions, derive/split, sharing, profiling, charts
    experiments/  AutoML spec, search, learners, training, tracking, reproduce
    evaluation/   metrics with intervals, stored predictions, benchmark, gates, registry, verdicts
    explain/      SHAP per raw column, stored explanations, what-if, charts, the model card
    cli/          the ``mlcycle`` command line, one module per group (and the demo)

Later steps (labeling, features, deploy, monitor) add their own package in this order. Top-level modules are shared by all: ``errors``, ``ids``,
``progress``, ``workspace`` and ``overview`` (where a project stands, read from the store).

``Workspace`` is imported lazily so that ``import core.modeling`` (a serving container)
does not load the store and sqlite-utils.
"""

from typing import Any

from core.errors import Conflict, Corrupted, ExternalToolFailed, InvalidInput, MLCycleError, NotFound

__version__ = "0.1.0"

__all__ = [
    "Conflict",
    "Corrupted",
    "ExternalToolFailed",
    "InvalidInput",
    "MLCycleError",
    "NotFound",
    "Workspace",
    "__version__",
]


def __getattr__(name: str) -> Any:
    if name == "Workspace":
        from core.workspace import Workspace

        return Workspace
    raise AttributeError(f"module 'core' has no attribute {name!r}")
