"""Step 5, Experiment: AutoML searches with FLAML, every trial tracked, the best one a model.

Modules: ``spec`` (the search spec, its validation, the metric and learner catalogues),
``learners`` (FLAML's estimator classes, some adjusted, and their registry), ``training``
(raw rows to one fitted model), ``search`` (the tracked FLAML search, selection, refit,
scoring), ``service`` (experiments, runs and models in the store; the ``automl`` job;
refit and reproduce), ``environment`` (package versions and git state), ``migrate`` (the
one-time rewrite of pickled models) and ``entities``. May import every earlier step and
``core.modeling``. This package re-exports ``service``, so ``experiments.create_experiment``
works after ``from core import experiments``.
"""

from core.experiments.service import *  # noqa: F403
from core.experiments.service import __all__  # noqa: F401
