"""Step 5, Experiment: AutoML searches with FLAML, every trial tracked, the best one a model.

Modules: ``spec`` (the search spec, its validation, the metric and learner catalogues),
``learners`` (FLAML's estimator classes, some adjusted, and their registry), ``training``
(raw rows to one fitted model), ``search`` (the tracked FLAML search, selection, refit,
scoring), ``service`` (experiments, runs and models in the store; the ``automl`` job),
``reproduce`` (refit a stopped search's best trial, reproduce a model; their jobs), ``environment`` (package versions and git state), ``migrate`` (the
one-time rewrite of pickled models) and ``entities``. May import every earlier step and
``core.modeling``.

The functions of ``service`` and ``reproduce`` are reachable from the package (``experiments.create_experiment``
after ``from core import experiments``), imported on first use so that importing
``core.experiments.entities`` does not load FLAML.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    import importlib

    if name.startswith("__"):
        raise AttributeError(name)
    for module in ("service", "reproduce"):
        found = importlib.import_module(f"core.experiments.{module}")
        if name in found.__all__:
            return getattr(found, name)
    raise AttributeError(f"module 'core.experiments' has no attribute {name!r}")
