"""The fitted estimator inside a model, in its own library's safe format.

A :class:`NativeModel` is the trained LightGBM booster, XGBoost model or scikit-learn
estimator, plus the two facts needed to use it exactly as it was trained:

- ``input``: how the model features reach it. ``frame``: the feature frame as the
  preprocessor makes it (LightGBM and the scaled linear pipelines take pandas
  categoricals). ``category_codes``: each categorical column replaced by its integer
  category code (XGBoost, the forests, histogram boosting and SGD were trained on codes).
- ``proba``: how class probabilities come out. ``predict_proba``: the estimator's own;
  ``decision_lr``: a logistic of the decision function normalised one-vs-rest (linear
  SVM); ``decision_softmax``: a sigmoid (binary) or softmax of the decision function
  (RBF SVM).

Each library writes its own format: LightGBM its model text, XGBoost UBJSON, and
scikit-learn estimators go through ``skops.io``. Before a skops file is loaded, every
type and function its schema names is checked against the explicit list in
:data:`TRUSTED_SKLEARN_TYPES`; a file naming anything else is refused. Loading never
executes code from the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.errors import InvalidInput

FAMILIES = ("lightgbm", "xgboost", "sklearn")
INPUTS = ("frame", "category_codes")
PROBAS = ("predict_proba", "decision_lr", "decision_softmax")
FILE_NAMES = {"lightgbm": "estimator.lgbm.txt", "xgboost": "estimator.xgb.ubj", "sklearn": "estimator.skops"}
LIBRARY = {"lightgbm": "lightgbm", "xgboost": "xgboost", "sklearn": "scikit-learn"}

# Every type a stored scikit-learn estimator may contain. skops refuses anything else.
_SK = "sklearn."
TRUSTED_SKLEARN_TYPES = (
    # pipelines and encoders (the scaled linear and distance learners, SGD's row normaliser)
    _SK + "pipeline.Pipeline", _SK + "compose._column_transformer.ColumnTransformer",
    _SK + "preprocessing._data.StandardScaler", _SK + "preprocessing._encoders.OneHotEncoder",
    _SK + "preprocessing._data.Normalizer",
    # linear models, SVMs, neighbours
    _SK + "linear_model._logistic.LogisticRegression", _SK + "linear_model._ridge.Ridge",
    _SK + "linear_model._coordinate_descent.ElasticNet", _SK + "linear_model._least_angle.LassoLars",
    _SK + "linear_model._stochastic_gradient.SGDClassifier", _SK + "linear_model._stochastic_gradient.SGDRegressor",
    _SK + "svm._classes.LinearSVC", _SK + "svm._classes.SVC",
    _SK + "neighbors._classification.KNeighborsClassifier", _SK + "neighbors._regression.KNeighborsRegressor",
    _SK + "neighbors._kd_tree.KDTree", _SK + "neighbors._ball_tree.BallTree",
    _SK + "metrics._dist_metrics.EuclideanDistance64", _SK + "metrics._dist_metrics.MinkowskiDistance64",
    _SK + "metrics._dist_metrics.ManhattanDistance64",
    # forests and histogram gradient boosting
    _SK + "ensemble._forest.RandomForestClassifier", _SK + "ensemble._forest.RandomForestRegressor",
    _SK + "ensemble._forest.ExtraTreesClassifier", _SK + "ensemble._forest.ExtraTreesRegressor",
    _SK + "tree._classes.DecisionTreeClassifier", _SK + "tree._classes.DecisionTreeRegressor",
    _SK + "tree._classes.ExtraTreeClassifier", _SK + "tree._classes.ExtraTreeRegressor",
    _SK + "tree._tree.Tree",
    _SK + "ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
    _SK + "ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingRegressor",
    _SK + "ensemble._hist_gradient_boosting.binning._BinMapper",
    _SK + "ensemble._hist_gradient_boosting.predictor.TreePredictor",
    _SK + "_loss.loss.HalfBinomialLoss", _SK + "_loss.loss.HalfMultinomialLoss",
    _SK + "_loss.loss.HalfSquaredError", _SK + "_loss.link.IdentityLink", _SK + "_loss.link.LogitLink",
    _SK + "_loss.link.MultinomialLogit", _SK + "_loss.link.Interval",
    _SK + "_loss._loss.CyHalfBinomialLoss", _SK + "_loss._loss.CyHalfMultinomialLoss",
    _SK + "_loss._loss.CyHalfSquaredError",
    _SK + "linear_model._sgd_fast.Hinge", _SK + "linear_model._sgd_fast.Log",
    _SK + "linear_model._sgd_fast.ModifiedHuber", _SK + "linear_model._sgd_fast.SquaredLoss",
    _SK + "linear_model._sgd_fast.Huber", _SK + "linear_model._sgd_fast.EpsilonInsensitive",
    _SK + "linear_model._sgd_fast.SquaredEpsilonInsensitive", _SK + "linear_model._sgd_fast.SquaredHinge",
    _SK + "preprocessing._label.LabelEncoder", _SK + "utils._bunch.Bunch",
    # plain values
    "builtins.dict", "builtins.list", "builtins.str", "builtins.tuple", "builtins.slice", "builtins.int",
    "builtins.float", "builtins.bool", "builtins.NoneType", "builtins.bytes",
    "numpy.ndarray", "numpy.dtype", "numpy.random._generator.Generator", "numpy.random.mtrand.RandomState",
    "numpy.float64", "numpy.float32", "numpy.int64", "numpy.int32", "numpy.int8", "numpy.uint8", "numpy.uint64",
    "numpy.bool_", "numpy.str_", "numpy.intp",
)


@dataclass
class NativeModel:
    """A fitted LightGBM, XGBoost or scikit-learn model and how to feed it.

    Attributes:
        family: ``lightgbm``, ``xgboost`` or ``sklearn``.
        model: the library object (``lightgbm.Booster``, ``xgboost.XGBModel`` or an estimator).
        input: ``frame`` or ``category_codes`` (see the module docstring).
        proba: ``predict_proba``, ``decision_lr`` or ``decision_softmax`` (classifiers).

    Example:
        >>> native = NativeModel("lightgbm", booster, "frame", "predict_proba")
        >>> native.predict_proba(features)
    """

    family: str
    model: Any
    input: str = "frame"
    proba: str = "predict_proba"

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise InvalidInput(f"Unknown estimator family '{self.family}'.", hint=f"Use one of: {', '.join(FAMILIES)}.")
        if self.input not in INPUTS or self.proba not in PROBAS:
            raise InvalidInput(f"Unknown estimator input '{self.input}' or probability method '{self.proba}'.")

    def prepare(self, X: pd.DataFrame) -> Any:
        """Return model features as this estimator takes them (category codes where it was trained on them)."""
        if self.input == "category_codes":
            cats = [c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype)]
            if cats:
                X = X.copy()
                X[cats] = X[cats].apply(lambda s: s.cat.codes)
        return X

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Return the raw prediction for model features (regression values or class codes)."""
        return np.asarray(self.model.predict(self.prepare(X)))

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Return class probabilities for model features, one column per class."""
        data = self.prepare(X)
        if self.family == "lightgbm":
            proba = np.asarray(self.model.predict(data), dtype=float)
        elif self.proba == "predict_proba":
            proba = np.asarray(self.model.predict_proba(data), dtype=float)
        elif self.proba == "decision_lr":
            proba = _ovr_logistic(np.asarray(self.model.decision_function(data), dtype=float))
        else:
            proba = _softmax(np.asarray(self.model.decision_function(data), dtype=float))
        if proba.ndim == 1:
            proba = np.column_stack([1 - proba, proba])
        return proba

    # --- storage
    @property
    def file_name(self) -> str:
        """The name of the estimator's file inside a model archive."""
        return FILE_NAMES[self.family]

    def describe(self) -> dict[str, Any]:
        """Return the JSON that sits beside the estimator's file: family, input, proba, type."""
        return {"family": self.family, "input": self.input, "proba": self.proba, "file": self.file_name,
                "type": f"{type(self.model).__module__}.{type(self.model).__qualname__}"}

    def to_bytes(self) -> bytes:
        """Write the estimator in its library's own format."""
        if self.family == "lightgbm":
            return self.model.model_to_string().encode("utf-8")
        if self.family == "xgboost":
            return bytes(self.model.get_booster().save_raw(raw_format="ubj"))
        import skops.io as sio

        return sio.dumps(self.model, compression=8)

    @classmethod
    def from_bytes(cls, meta: dict[str, Any], data: bytes, task: str,
                   versions: dict[str, str] | None = None) -> NativeModel:
        """Load an estimator written by :meth:`to_bytes`.

        Args:
            meta: the estimator's entry in ``model.json`` (:meth:`describe`).
            data: the estimator's file.
            task: ``binary``, ``multiclass`` or ``regression``.
            versions: the package versions recorded at training, named in loading errors.

        Raises:
            InvalidInput: if the library is missing, the bytes do not load, or (scikit-learn)
                the file holds a type outside :data:`TRUSTED_SKLEARN_TYPES`.
        """
        family = meta.get("family")
        if family not in FAMILIES:
            raise InvalidInput(f"This model's estimator is of an unknown family '{family}'.",
                               hint="It was written by a newer MLCycle; open it with that version.")
        saved = _saved_with(family, versions or {})
        if family == "lightgbm":
            lightgbm = _library("lightgbm", saved)
            model = _load_or_explain(family, saved, lambda: lightgbm.Booster(model_str=data.decode("utf-8")))
        elif family == "xgboost":
            xgboost = _library("xgboost", saved)
            model = xgboost.XGBRegressor() if task == "regression" else xgboost.XGBClassifier()
            _load_or_explain(family, saved, lambda: model.load_model(bytearray(data)))
        else:
            model = _load_skops(data, saved)
        return cls(family, model, meta.get("input", "frame"), meta.get("proba", "predict_proba"))


def _saved_with(family: str, versions: dict[str, str]) -> str:
    """``lightgbm==4.7.0``: the library version the model was trained with, or just the name."""
    library = LIBRARY[family]
    return next((f"{k}=={v}" for k, v in versions.items() if k == library or k.startswith(f"{library}-")), library)


def _library(name: str, saved: str) -> Any:
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise InvalidInput(f"This model needs the package '{name}', which is not installed: it needs {saved}.",
                           hint=f"Install it: pip install {saved}") from exc


def _load_or_explain(family: str, saved: str, load: Any) -> Any:
    try:
        return load()
    except Exception as exc:  # noqa: BLE001 - the library's own error, named
        raise InvalidInput(f"The {LIBRARY[family]} estimator in this model does not load ({exc}); "
                           f"it was saved with {saved}.",
                           hint="Install that version, or the file is damaged: export the model again.") from exc


def _load_skops(data: bytes, saved: str) -> Any:
    try:
        import skops.io as sio
    except ImportError as exc:
        raise InvalidInput(f"This model needs the package 'skops' to load its {saved} estimator.",
                           hint="Install it: pip install skops") from exc
    untrusted = sorted(_load_or_explain("sklearn", saved, lambda: _skops_types(data)) - set(TRUSTED_SKLEARN_TYPES))
    if untrusted:
        raise InvalidInput(f"This model's scikit-learn estimator contains types MLCycle does not trust: "
                           f"{', '.join(untrusted)}.",
                           hint="Only models made by MLCycle's own learners load; this file was made or "
                                "changed elsewhere.")
    return _load_or_explain("sklearn", saved, lambda: sio.loads(data, trusted=sio.get_untrusted_types(data=data)))


def _skops_types(data: bytes) -> set[str]:
    """Every type and function a skops file refers to (``module.name``), read from its schema alone."""
    import io
    import json
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        schema = json.loads(zf.read("schema.json"))
    found, stack = set(), [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "__module__" in node and "__class__" in node:
                found.add(f"{node['__module__']}.{node['__class__']}")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _ovr_logistic(decision: np.ndarray) -> np.ndarray:
    """scikit-learn's one-vs-rest probabilities from a decision function (as LinearSVC's ``_predict_proba_lr``)."""
    from scipy.special import expit

    prob = expit(decision)
    if prob.ndim == 1:
        return np.stack([1 - prob, prob], axis=1)
    total = prob.sum(axis=1)
    all_zero = total == 0
    if all_zero.any():
        prob[all_zero, :] = 1
        total[all_zero] = prob.shape[1]
    return prob / total.reshape((prob.shape[0], -1))


def _softmax(decision: np.ndarray) -> np.ndarray:
    """A sigmoid of a binary decision function, or a softmax of a multiclass one."""
    if decision.ndim == 1:
        p1 = 1.0 / (1.0 + np.exp(-decision))
        return np.column_stack([1 - p1, p1])
    e = np.exp(decision - decision.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
