"""The learners the search can use: their registry, and how a recorded config becomes an estimator.

:data:`LEARNERS` names each learner with its estimator class, the tasks it supports and
whether it takes a seed. The classes live in :mod:`core.experiments.estimators` (FLAML's
estimators, some adjusted), imported only when a learner is built, so importing this
module (the experiment form, reading experiments) does not load FLAML. The adjustments:
linear and distance learners standardize numeric features and one-hot encode categorical
ones inside the model, LightGBM trains deterministically, boosted trees record the rounds
they trained, and every randomized learner takes its seed from the config, so a recorded
``(learner, config)`` pair refits to the same model (:func:`build_estimator`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import InvalidInput
from core.modeling.native import NativeModel


@dataclass(frozen=True)
class Learner:
    """A learner the search can use.

    Attributes:
        name: FLAML's learner name (``lgbm``, ``lrl2``, ...).
        estimator: the FLAML estimator class that trains it, or its name in
            :mod:`core.experiments.estimators` (imported on first use: see :attr:`estimator_class`).
        tasks: ``classification`` and/or ``regression``.
        description: one line for the experiment form.
        seeded: whether its config takes ``random_seed``.
        requires: a module that must be importable (optional extras).
        family: the library whose format stores the fitted model (``lightgbm``, ``xgboost``, ``sklearn``).
        input: how model features reach it (``frame`` or ``category_codes``; see :mod:`core.modeling.native`).
        proba: how it gives class probabilities (``predict_proba``, ``decision_lr``, ``decision_softmax``).
    """

    name: str
    estimator: type | str
    tasks: tuple[str, ...]
    description: str
    seeded: bool = True
    requires: str | None = None
    family: str = "sklearn"
    input: str = "category_codes"
    proba: str = "predict_proba"

    @property
    def estimator_class(self) -> type:
        """The estimator class (importing :mod:`core.experiments.estimators`, hence FLAML, when named by a string)."""
        if isinstance(self.estimator, str):
            from core.experiments import estimators

            return getattr(estimators, self.estimator)
        return self.estimator

    def supports(self, task: str) -> bool:
        """Whether this learner can be used for ``task`` (binary, multiclass or regression)."""
        return ("regression" if task == "regression" else "classification") in self.tasks

    def installed(self) -> bool:
        """Whether the packages this learner needs can be imported."""
        if not self.requires:
            return True
        import importlib.util

        return importlib.util.find_spec(self.requires) is not None


_BOTH = ("classification", "regression")
_CLS = ("classification",)
_REG = ("regression",)
_SCALED = {"input": "frame"}  # the pipeline scales and one-hot encodes inside the model

LEARNERS: dict[str, Learner] = {
    learner.name: learner
    for learner in [
        Learner("lgbm", "DeterministicLGBM", _BOTH, "LightGBM gradient-boosted trees", family="lightgbm",
                input="frame"),
        Learner("xgboost", "BudgetedXGBoost", _BOTH, "XGBoost, leaf-wise trees", family="xgboost"),
        Learner("xgb_limitdepth", "BudgetedXGBoostLimitDepth", _BOTH, "XGBoost, depth-limited trees",
                family="xgboost"),
        Learner("rf", "RandomForestEstimator", _BOTH, "random forest"),
        Learner("extra_tree", "ExtraTreesEstimator", _BOTH, "extremely randomized trees"),
        Learner("histgb", "SeededHistGB", _BOTH, "scikit-learn histogram gradient boosting"),
        Learner("lrl1", "ScaledLRL1", _CLS, "logistic regression, L1 penalty (scaled features)", **_SCALED),
        Learner("lrl2", "ScaledLRL2", _CLS, "logistic regression, L2 penalty (scaled features)", **_SCALED),
        Learner("rbf_svm", "RBFSVM", _CLS, "RBF-kernel support vector machine (scaled features; small data)",
                seeded=False, proba="decision_softmax", **_SCALED),
        Learner("svc", "ScaledSVC", _CLS, "linear support vector machine (scaled features)", seeded=False,
                proba="decision_lr", **_SCALED),
        Learner("ridge", "RidgeEstimator", _REG, "ridge linear regression (scaled features)", seeded=False, **_SCALED),
        Learner("enet", "ScaledElasticNet", _REG, "elastic net linear regression (scaled features)", seeded=False,
                **_SCALED),
        Learner("lassolars", "ScaledLassoLars", _REG, "lasso linear regression (scaled features)", seeded=False,
                **_SCALED),
        Learner("kneighbor", "ScaledKNN", _BOTH, "k nearest neighbours (scaled features)", seeded=False, **_SCALED),
        Learner("sgd", "SGDEstimator", _BOTH, "linear model trained by stochastic gradient descent"),
    ]
}


def to_native(learner: str, estimator: Any) -> NativeModel:
    """Return the fitted native model inside a trained FLAML estimator, for the model format.

    The model is stored without FLAML: LightGBM's booster, XGBoost's model or the
    scikit-learn estimator, fed the way FLAML fed it at training (``Learner.input``).
    SGD's row normaliser, which FLAML applies before the model, becomes a pipeline step.

    Raises:
        InvalidInput: if the learner is unknown or the estimator is not fitted.
    """
    spec = LEARNERS.get(learner)
    model = getattr(estimator, "_model", None)
    if spec is None or model is None:
        raise InvalidInput(f"There is no fitted '{learner}' model to store.", hint="Train it first.")
    if spec.family == "lightgbm":
        model = model.booster_
    if learner == "sgd":
        from sklearn.pipeline import Pipeline

        model = Pipeline([("normalize", estimator.normalizer), ("model", model)])
    return NativeModel(spec.family, model, spec.input, spec.proba)


def learner_class(name: str) -> type:
    """Return the FLAML estimator class that trains learner ``name``.

    Raises:
        InvalidInput: if the learner is unknown or not installed.
    """
    learner = LEARNERS.get(name)
    if learner is None:
        raise InvalidInput(f"Unknown learner '{name}'.", hint=f"Use one of: {', '.join(LEARNERS)}.")
    if not learner.installed():
        raise InvalidInput(f"Learner '{name}' needs the package '{learner.requires}', which is not installed.",
                           hint=f"Install it with `pip install {learner.requires}`.")
    return learner.estimator_class


def clean_config(config: dict[str, Any]) -> dict[str, Any]:
    """Return a learner config as plain JSON values, without FLAML's bookkeeping keys."""
    config = dict(config.get("ml", config))
    for key in ("FLAML_sample_size", "learner", "_choice_"):
        config.pop(key, None)
    return {k: _plain(v) for k, v in config.items()}


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v


def build_estimator(learner: str, task: str, config: dict[str, Any], *, n_jobs: int = 1) -> Any:
    """Return an unfitted FLAML estimator for ``learner`` with ``config``.

    Raises:
        InvalidInput: if the learner is unknown, not installed or does not fit the task.
    """
    cls = learner_class(learner)
    if not LEARNERS[learner].supports(task):
        raise InvalidInput(f"Learner '{learner}' cannot be used for a {task} task.")
    return cls(task=task, n_jobs=n_jobs, **clean_config(config))


# The estimator classes lived in this module before core.experiments.estimators; models saved as
# pickles (mlcycle-model/1, read once by core.experiments.migrate) name them here.
_MOVED_CLASSES = frozenset({"_ScaledLinear", "_Unthreaded", "_RecordTrainedRounds", "_linear_pipeline",
                            *(learner.estimator for learner in LEARNERS.values() if isinstance(learner.estimator, str))})


def __getattr__(name: str) -> Any:
    if name in _MOVED_CLASSES:
        from core.experiments import estimators

        return getattr(estimators, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
