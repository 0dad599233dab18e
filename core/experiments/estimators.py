"""The estimator classes the learners train with: FLAML's, some adjusted (imports FLAML).

:mod:`core.experiments.learners` names each learner and the class here that trains it;
this module is imported only when a learner is built (a search, a refit), so reading
experiments, the experiment form and the CLI's listings do not load FLAML.

The adjustments: linear and distance learners standardize numeric features and one-hot
encode categorical ones inside the model, LightGBM trains deterministically, boosted trees
record the rounds they trained, and every randomized learner takes its seed from the config.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
from flaml.automl.contrib.histgb import HistGradientBoostingEstimator
from flaml.automl.model import (
    ElasticNetEstimator,
    ExtraTreesEstimator,
    KNeighborsEstimator,
    LassoLarsEstimator,
    LGBMEstimator,
    LRL1Classifier,
    LRL2Classifier,
    RandomForestEstimator,
    SGDEstimator,
    SKLearnEstimator,
    SVCEstimator,
    XGBoostLimitDepthEstimator,
    XGBoostSklearnEstimator,
)
from flaml.tune import loguniform

from core.errors import InvalidInput
from core.modeling.native import NativeModel

# Every class a learner names (core.experiments.learners.LEARNERS), FLAML's unchanged ones included.
__all__ = [
    "RBFSVM", "BudgetedXGBoost", "BudgetedXGBoostLimitDepth", "DeterministicLGBM", "ExtraTreesEstimator",
    "RandomForestEstimator", "RidgeEstimator", "SGDEstimator", "ScaledElasticNet", "ScaledKNN", "ScaledLRL1",
    "ScaledLRL2", "ScaledLassoLars", "ScaledSVC", "SeededHistGB",
]


def _linear_pipeline(X: Any, model: Any) -> Any:
    """Standardize numeric features and one-hot encode categorical ones in front of ``model``."""
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    if isinstance(X, pd.DataFrame):
        cats = [c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype)]
        nums = [c for c in X.columns if c not in cats]
        steps = [("num", StandardScaler(), nums)] if nums else []
        if cats:
            steps.append(("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), cats))
        encoder = ColumnTransformer(steps, sparse_threshold=0.0)
    else:
        encoder = StandardScaler()
    return Pipeline([("encode", encoder), ("model", model if model is not None else "passthrough")])


class _ScaledLinear:
    """Mixin for linear and distance learners: scaling and one-hot encoding live in the model."""

    limit_resource = False

    @classmethod
    def cost_relative2lgbm(cls) -> float:
        return 2.0

    def _preprocess(self, X: Any) -> Any:
        return X

    def _make_model(self, n_encoded: int) -> Any:
        return self.estimator_class(**self.params)

    def _fit(self, X_train: Any, y_train: Any, **kwargs: Any) -> float:
        start = time.time()
        pipe = _linear_pipeline(X_train, None)
        encoded = pipe[0].fit_transform(X_train)
        model = self._make_model(encoded.shape[1])
        weight = kwargs.get("sample_weight")
        model.fit(encoded, y_train, **({"sample_weight": weight} if weight is not None else {}))
        pipe.steps[-1] = ("model", model)
        self._model = pipe
        return time.time() - start


class ScaledLRL1(_ScaledLinear, LRL1Classifier):
    """Logistic regression, L1 penalty, on standardized / one-hot features."""

    @classmethod
    def cost_relative2lgbm(cls) -> float:
        return 8.0


class ScaledLRL2(_ScaledLinear, LRL2Classifier):
    """Logistic regression, L2 penalty, on standardized / one-hot features."""


class ScaledSVC(_ScaledLinear, SVCEstimator):
    """Linear SVM on standardized / one-hot features."""

    def predict_proba(self, X: Any, **kwargs: Any) -> np.ndarray:
        return NativeModel("sklearn", self._model, "frame", "decision_lr").predict_proba(X)


class _Unthreaded:
    """A scikit-learn learner with no ``n_jobs`` and no seed (deterministic, single-threaded)."""

    @classmethod
    def cost_relative2lgbm(cls) -> float:
        return 1.0

    def config2params(self, config: dict) -> dict:
        params = super().config2params(config)
        params.pop("n_jobs", None)
        params.pop("random_seed", None)
        return params


class RBFSVM(_Unthreaded, _ScaledLinear, SKLearnEstimator):
    """RBF-kernel support vector machine on standardized / one-hot features (small data only).

    ``gamma_scale`` multiplies scikit-learn's ``gamma="scale"`` (1 / number of encoded
    features on standardized data); probabilities are a softmax of the decision function.
    """

    @classmethod
    def search_space(cls, data_size: Any = None, task: Any = None, **params: Any) -> dict:
        return {"C": {"domain": loguniform(lower=1 / 32, upper=1024.0), "init_value": 1.0},
                "gamma_scale": {"domain": loguniform(lower=1 / 32, upper=32.0), "init_value": 1.0}}


    def __init__(self, task: Any = "binary", **config: Any) -> None:
        super().__init__(task, **config)
        from sklearn.svm import SVC

        if not self._task.is_classification():
            raise InvalidInput(f"Learner 'rbf_svm' is for classification only, not {getattr(self._task, 'name', task)}.",
                               hint="Choose a regression learner, e.g. ridge or lgbm.")
        self.estimator_class = SVC

    def _make_model(self, n_encoded: int) -> Any:
        params = dict(self.params)
        scale = float(params.pop("gamma_scale", 1.0))
        return self.estimator_class(gamma=scale / max(1, n_encoded), **params)

    def predict_proba(self, X: Any, **kwargs: Any) -> np.ndarray:
        return NativeModel("sklearn", self._model, "frame", "decision_softmax").predict_proba(X)


class ScaledKNN(_ScaledLinear, KNeighborsEstimator):
    """k nearest neighbours on standardized / one-hot features."""

    @classmethod
    def cost_relative2lgbm(cls) -> float:
        return 1.0


class ScaledElasticNet(_ScaledLinear, ElasticNetEstimator):
    """Elastic net regression on standardized / one-hot features."""


class ScaledLassoLars(_ScaledLinear, LassoLarsEstimator):
    """Lasso (LARS) regression on standardized / one-hot features."""


class RidgeEstimator(_Unthreaded, _ScaledLinear, SKLearnEstimator):
    """Ridge regression on standardized / one-hot features (FLAML has no plain linear regressor)."""

    @classmethod
    def search_space(cls, data_size: Any = None, task: Any = None, **params: Any) -> dict:
        return {"alpha": {"domain": loguniform(lower=1e-4, upper=1e4), "init_value": 1.0}}


    def __init__(self, task: Any = "regression", **config: Any) -> None:
        super().__init__(task, **config)
        from sklearn.linear_model import Ridge

        if not self._task.is_regression():
            raise InvalidInput(f"Learner 'ridge' is for regression only, not {getattr(self._task, 'name', task)}.",
                               hint="Choose a classification learner, e.g. lrl2 or lgbm.")
        self.estimator_class = Ridge


class _RecordTrainedRounds:
    """Mixin for boosters: when a time budget cuts training short, record the rounds really trained.

    FLAML stops a trial's booster when its time budget runs out but keeps the configured
    ``n_estimators`` in the trial config; the config then describes a bigger model than the
    one validated, and a refit would be slower and different. This writes the trained count back.
    """

    def fit(self, X_train: Any, y_train: Any, budget: float | None = None, free_mem_ratio: float = 0,
            **kwargs: Any) -> float:
        took = super().fit(X_train, y_train, budget, free_mem_ratio, **kwargs)
        trained = getattr(self._model, "n_estimators", None)
        if budget is not None and isinstance(trained, int | np.integer) and 0 < trained < self.params.get(
                self.ITER_HP, trained):
            self.params[self.ITER_HP] = int(trained)
        return took


class DeterministicLGBM(_RecordTrainedRounds, LGBMEstimator):
    """LightGBM that trains the same model for the same data, config, seed and threads."""

    def config2params(self, config: dict) -> dict:
        params = super().config2params(config)
        seed = params.pop("random_seed", None)
        params.setdefault("random_state", 0 if seed is None else int(seed))
        params.setdefault("deterministic", True)
        params.setdefault("force_col_wise", True)
        return params


class BudgetedXGBoost(_RecordTrainedRounds, XGBoostSklearnEstimator):
    """XGBoost (leaf-wise) that records the rounds it really trained."""


class BudgetedXGBoostLimitDepth(_RecordTrainedRounds, XGBoostLimitDepthEstimator):
    """XGBoost (depth-limited) that records the rounds it really trained."""


class SeededHistGB(HistGradientBoostingEstimator):
    """scikit-learn's histogram gradient boosting, seeded from the config."""

    def config2params(self, config: dict) -> dict:
        config = dict(config)
        seed = config.pop("random_seed", None)
        params = super().config2params(config)
        if seed is not None:
            params["random_state"] = int(seed)
        return params
