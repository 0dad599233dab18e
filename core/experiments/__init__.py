"""Step 5, Experiment: AutoML searches with FLAML, every trial tracked, the best one a model.

Modules: ``spec`` (the search spec, its validation, the metric and learner catalogues),
``learners`` (the learner registry), ``estimators`` (FLAML's estimator classes, some
adjusted), ``training`` (raw rows to one fitted model), ``search`` (the tracked FLAML
search, selection, refit, scoring), ``service`` (experiments, runs and models in the store;
the ``automl`` job), ``reproduce`` (refit a stopped search's best trial or a chosen trial,
reproduce a model; their jobs), ``environment`` (package versions and git state),
``migrate`` (the one-time rewrite of pickled models) and ``entities``. May import every
earlier step and ``core.modeling``.

The functions of ``service`` and ``reproduce`` are reachable from the package
(``experiments.create_experiment`` after ``from core import experiments``), imported on
first use; a submodule (``from core.experiments import migrate``) is imported by itself.
Only training imports FLAML (:mod:`core.experiments.estimators`, loaded when a learner is
built), so reading experiments and the experiment form stay light.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    import importlib
    import importlib.util

    if name.startswith("__"):
        raise AttributeError(name)
    if importlib.util.find_spec(f"{__name__}.{name}") is not None:
        # a submodule (``from core.experiments import migrate``): imported by itself, not via service
        return importlib.import_module(f"{__name__}.{name}")
    for module in ("service", "reproduce"):
        found = importlib.import_module(f"core.experiments.{module}")
        if name in found.__all__:
            return getattr(found, name)
    raise AttributeError(f"module 'core.experiments' has no attribute {name!r}")
