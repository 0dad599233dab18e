"""SHAP values in the raw columns a user knows, with the explainer that fits the model.

:func:`explain_frame` picks the explainer by what the model is (:func:`choose_explainer`):

- ``tree``: :class:`shap.TreeExplainer` for LightGBM, XGBoost, scikit-learn random forests,
  extra trees and histogram gradient boosting. It uses the trees' own record of how many
  training rows took each path, so it needs no background rows. Boosted trees are explained
  in their raw score (log-odds for classifiers, one score per class for multiclass);
  scikit-learn forests in probability, one value per class (shap gives them one dimension
  more than LightGBM and XGBoost: both shapes are handled).
- ``linear``: :class:`shap.LinearExplainer` for the logistic, linear SVM, ridge, elastic net
  and lasso models. These standardise numeric features and one-hot encode categorical ones
  inside the model; the explainer works on those encoded columns, integrated over a
  background of training rows.
- ``permutation``: a bounded :class:`shap.PermutationExplainer` for everything else (k
  nearest neighbours, the RBF SVM, SGD's row-normalised models), on the model's
  probabilities (or values), with :data:`PERMUTATION_BACKGROUND` sampled background rows
  and one forward-and-back permutation per row. KernelExplainer is never used.

Whatever the explainer works on (encoded columns, one-hot parts, datetime parts, missing
indicators), the values are summed back per raw input column, so ``base + sum == output``
holds in raw-column terms: an explanation names ``plan``, never ``cat__plan_pro``.

:func:`structure_importance` gives the importance a model's structure has: tree gain (or
impurity decrease for scikit-learn forests) and linear coefficients.

Example:
    >>> expl = explain_frame(bundle, holdout_rows, background=train_sample)
    >>> expl.explainer, expl.units, expl.values.shape
    ('tree', 'log-odds', (60, 4, 1))
    >>> expl.importance().head(3)
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from core.errors import InvalidInput
from core.modeling import ModelBundle
from core.modeling.preprocessing import MISSING, OTHER, ColumnSpec
from core.progress import Progress, ProgressFn, no_progress

__all__ = [
    "EXPLAINERS", "PERMUTATION_BACKGROUND", "UNITS", "Explanation", "Structure", "choose_explainer",
    "explain_frame", "model_output", "structure_importance",
]

EXPLAINERS = ("tree", "linear", "permutation")
UNITS = ("log-odds", "probability", "decision value", "value")
PERMUTATION_BACKGROUND = 50   # background rows of the permutation explainer (its cost grows with them)
DEFAULT_BACKGROUND = 200      # rows sampled from the explained rows when no background is given
TREE_CHUNK = 5_000            # rows per call of the tree explainer (progress between chunks)
PERMUTATION_CHUNK = 25        # rows per call of the permutation explainer

_FORESTS = ("RandomForestClassifier", "RandomForestRegressor", "ExtraTreesClassifier", "ExtraTreesRegressor")
_HISTGB = ("HistGradientBoostingClassifier", "HistGradientBoostingRegressor")
_LINEAR = ("LogisticRegression", "LinearSVC", "Ridge", "ElasticNet", "LassoLars")
_CATEGORY_TEXT = {MISSING: "(missing)", OTHER: "(other values)"}  # the preprocessor's reserved categories


# ---------------------------------------------------------------- the explanation

@dataclass(frozen=True)
class Explanation:
    """SHAP values of some rows, per raw input column and per explained output.

    Attributes:
        explainer: ``tree``, ``linear`` or ``permutation``.
        units: what the values add up to: ``log-odds`` (boosted trees and logistic models;
            for multiclass, each class's raw score before the softmax), ``probability``
            (scikit-learn forests, the permutation explainer of a classifier), ``decision
            value`` (linear SVM) or ``value`` (regression, in the target's units).
        columns: the model's raw input columns, in model order.
        outputs: what is explained: binary ``[positive class]``; multiclass every class;
            regression ``[target]`` (as text).
        values: ``(rows, columns, outputs)`` SHAP values.
        base_values: ``(outputs,)`` the expected output over the background.
        data: the raw rows explained (input columns, original values); the index is each
            row's position in the frame it came from.
        notes: sentences about how it was computed.
    """

    explainer: str
    units: str
    columns: list[str]
    outputs: list[str]
    values: np.ndarray
    base_values: np.ndarray
    data: pd.DataFrame
    notes: tuple[str, ...] = field(default=())

    @property
    def n_rows(self) -> int:
        """Rows explained."""
        return int(self.values.shape[0])

    def output(self) -> np.ndarray:
        """Return ``(rows, outputs)``: base value plus the row's SHAP values, the model output in :attr:`units`."""
        return self.base_values[None, :] + self.values.sum(axis=1)

    def for_output(self, output: int) -> np.ndarray:
        """Return the ``(rows, columns)`` SHAP values of one output."""
        return self.values[:, :, output]

    def importance(self, output: int | None = None) -> pd.Series:
        """Mean |SHAP| per raw column, most important first.

        Args:
            output: the output (class) to rank by; ``None``: the mean over every output.
        """
        if self.n_rows == 0:
            return pd.Series(0.0, index=self.columns, dtype=float)
        magnitude = np.abs(self.values).mean(axis=0)
        scores = magnitude.mean(axis=1) if output is None else magnitude[:, output]
        return pd.Series(scores, index=self.columns, dtype=float).sort_values(ascending=False, kind="stable")

    def select(self, positions: Sequence[int] | np.ndarray) -> Explanation:
        """Return the explanation of a subset of rows, by their position in :attr:`data` (0..n-1)."""
        idx = np.asarray(positions, dtype=int)
        return replace(self, values=self.values[idx], data=self.data.iloc[idx])


# ---------------------------------------------------------------- choosing

def _kind(model: Any) -> str:
    return type(model).__name__


def _linear_parts(bundle: ModelBundle) -> tuple[Any, Any, list[str]] | None:
    """The encoder, the linear model and, per encoded column, the model feature it comes from.

    ``None`` when the model is not one of the scaled linear pipelines.
    """
    model = bundle.native_model
    steps = getattr(model, "named_steps", None)
    if not steps or "encode" not in steps or _kind(steps.get("model")) not in _LINEAR:
        return None
    encoder = steps["encode"]
    sources = [feature for feature, _ in _encoded_parts(encoder)]
    return encoder, steps["model"], sources


def choose_explainer(bundle: ModelBundle) -> str:
    """Return the explainer :func:`explain_frame` uses for this model: ``tree``, ``linear`` or ``permutation``."""
    family = bundle.estimator.family
    if family in ("lightgbm", "xgboost") or _kind(bundle.native_model) in _FORESTS + _HISTGB:
        return "tree"
    if _linear_parts(bundle) is not None:
        return "linear"
    return "permutation"


def _units(bundle: ModelBundle, explainer: str) -> str:
    if not bundle.is_classifier:
        return "value"
    if explainer == "tree":
        return "probability" if _kind(bundle.native_model) in _FORESTS else "log-odds"
    if explainer == "linear":
        return "decision value" if _kind(bundle.native_model.named_steps["model"]) == "LinearSVC" else "log-odds"
    return "probability"


def _outputs(bundle: ModelBundle) -> list[str]:
    classes = [str(c) for c in (bundle.classes or [])]
    if bundle.task == "binary":
        return classes[1:2] or ["1"]
    if bundle.task == "multiclass":
        return classes
    return [bundle.target]


# ---------------------------------------------------------------- explaining

def explain_frame(bundle: ModelBundle, rows: pd.DataFrame, *, background: pd.DataFrame | None = None,
                  seed: int = 0, progress: ProgressFn = no_progress) -> Explanation:
    """Explain a model's predictions for raw rows, per raw input column.

    Args:
        bundle: the model.
        rows: raw rows (columns the model does not use are ignored). Their index is kept as
            :attr:`Explanation.data`'s index.
        background: raw rows to integrate over (a sample of the training rows) for the
            linear and permutation explainers; the tree explainer ignores it. Without one,
            at most :data:`DEFAULT_BACKGROUND` of ``rows`` (sampled with ``seed``).
        seed: seeds the background sample and the permutations.
        progress: called between chunks of rows.

    Returns:
        The explanation; ``base + values.sum(columns)`` equals :func:`model_output`.

    Raises:
        InvalidInput: naming the column, if a column the model needs is missing from
            ``rows`` or ``background`` or holds values of the wrong type.
    """
    features = bundle.transform(rows)  # checks the columns and their values
    explainer = choose_explainer(bundle)
    units = _units(bundle, explainer)
    data = rows[bundle.input_columns]
    if len(rows) == 0:
        k = len(_outputs(bundle))
        return Explanation(explainer, units, list(bundle.input_columns), _outputs(bundle),
                           np.zeros((0, len(bundle.input_columns), k)), np.zeros(k), data)
    notes: list[str] = []
    if explainer != "tree":
        if background is None or len(background) == 0:
            background = _sample(rows, DEFAULT_BACKGROUND, seed)
            source = f"{len(background):,} of the explained rows (no training rows were given)"
        else:
            source = f"{len(background):,} training rows"
        if explainer == "linear":
            notes.append(f"Background: {source}; the base value is the model's average output over them.")
        bg_features = bundle.transform(background)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if explainer == "tree":
            phi, base = _tree(bundle, features, progress)
        elif explainer == "linear":
            phi, base = _linear(bundle, features, bg_features)
        else:
            phi, base, used = _permutation(bundle, features, bg_features, seed, progress)
            notes.append(f"Permutation explainer: one forward-and-back permutation per row over {used:,} background "
                         f"rows sampled from {source} (exactly additive; each column's share is an estimate).")
    values = _to_raw_columns(bundle, phi, list(features.columns))
    progress(Progress(1.0, f"Explained {len(rows):,} rows"))
    return Explanation(explainer, units, list(bundle.input_columns), _outputs(bundle), values,
                       np.asarray(base, dtype=float).reshape(-1), data, tuple(notes))


def _sample(frame: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    if len(frame) <= n:
        return frame
    picked = np.sort(np.random.default_rng(seed).choice(len(frame), size=n, replace=False))
    return frame.iloc[picked]


def _as_3d(phi: Any, n_rows: int) -> np.ndarray:
    """SHAP values as ``(rows, features, outputs)``, from any of the shapes shap returns."""
    if isinstance(phi, list):
        return np.stack([np.asarray(p, dtype=float) for p in phi], axis=-1)
    phi = np.asarray(phi, dtype=float)
    if phi.ndim == 2:
        return phi[:, :, None]
    if phi.ndim == 3 and phi.shape[0] != n_rows:  # (outputs, rows, features)
        return np.moveaxis(phi, 0, -1)
    return phi


def _keep_outputs(bundle: ModelBundle, phi: np.ndarray, base: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A binary classifier explained per class (forests, permutation) keeps the positive class only."""
    base = np.asarray(base, dtype=float).reshape(-1)
    if bundle.task == "binary" and phi.shape[2] == 2:
        return phi[:, :, 1:], base[1:]
    return phi, base


def _tree(bundle: ModelBundle, features: pd.DataFrame, progress: ProgressFn) -> tuple[np.ndarray, np.ndarray]:
    import shap

    model = bundle.native_model
    explainer = shap.TreeExplainer(model)
    native = bundle.estimator.prepare(features)
    parts = []
    for start in range(0, len(native), TREE_CHUNK):
        chunk = native.iloc[start:start + TREE_CHUNK]
        parts.append(_as_3d(explainer.shap_values(chunk, check_additivity=False), len(chunk)))
        if len(native) > TREE_CHUNK:
            done = min(start + TREE_CHUNK, len(native))
            progress(Progress(0.05 + 0.9 * done / len(native), f"Explained {done:,} of {len(native):,} rows"))
    phi = np.concatenate(parts, axis=0)
    return _keep_outputs(bundle, phi, np.asarray(explainer.expected_value, dtype=float))


def _linear(bundle: ModelBundle, features: pd.DataFrame, bg_features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    import shap

    encoder, linear, sources = _linear_parts(bundle)  # type: ignore[misc]
    encoded = np.asarray(encoder.transform(features), dtype=float)
    bg = np.asarray(encoder.transform(bg_features), dtype=float)
    explainer = shap.LinearExplainer(linear, shap.maskers.Independent(bg, max_samples=len(bg)))
    phi = _as_3d(explainer.shap_values(encoded), len(encoded))
    # one-hot parts and standardised columns back to the model feature they encode
    columns = list(features.columns)
    to_feature = np.zeros((len(sources), len(columns)))
    for j, source in enumerate(sources):
        to_feature[j, columns.index(source)] = 1.0
    phi = np.einsum("nek,ef->nfk", phi, to_feature)
    return _keep_outputs(bundle, phi, np.asarray(explainer.expected_value, dtype=float))


def _permutation(bundle: ModelBundle, features: pd.DataFrame, bg_features: pd.DataFrame, seed: int,
                 progress: ProgressFn) -> tuple[np.ndarray, np.ndarray, int]:
    import shap

    columns = list(features.columns)
    categories = {c: features[c].cat.categories for c in columns if isinstance(features[c].dtype, pd.CategoricalDtype)}

    def as_matrix(frame: pd.DataFrame) -> np.ndarray:
        return np.column_stack([frame[c].cat.codes.to_numpy(dtype=float) if c in categories
                                else frame[c].to_numpy(dtype=float) for c in columns])

    def predict(matrix: np.ndarray) -> np.ndarray:
        frame = pd.DataFrame({c: (pd.Categorical.from_codes(matrix[:, i].astype(int), categories=categories[c])
                                  if c in categories else matrix[:, i]) for i, c in enumerate(columns)})
        if bundle.is_classifier:
            return bundle.estimator.predict_proba(frame)
        return np.asarray(bundle.estimator.predict(frame), dtype=float)

    bg = as_matrix(_sample(bg_features, PERMUTATION_BACKGROUND, seed))
    explainer = shap.PermutationExplainer(predict, shap.maskers.Independent(bg, max_samples=len(bg)), seed=seed)
    matrix = as_matrix(features)
    max_evals = 2 * len(columns) + 1
    values, bases = [], []
    for start in range(0, len(matrix), PERMUTATION_CHUNK):
        result = explainer(matrix[start:start + PERMUTATION_CHUNK], max_evals=max_evals, silent=True)
        values.append(_as_3d(result.values, len(result.values)))
        bases.append(np.asarray(result.base_values, dtype=float).reshape(len(result.values), -1)[0])
        done = min(start + PERMUTATION_CHUNK, len(matrix))
        progress(Progress(0.05 + 0.9 * done / len(matrix), f"Explained {done:,} of {len(matrix):,} rows"))
    phi, base = _keep_outputs(bundle, np.concatenate(values, axis=0), bases[0])
    return phi, base, len(bg)


def _to_raw_columns(bundle: ModelBundle, phi: np.ndarray, feature_names: list[str]) -> np.ndarray:
    """Sum per-feature values ``(rows, features, outputs)`` into the raw columns they were made from."""
    fmap = bundle.feature_map
    columns = list(bundle.input_columns)
    grouping = np.zeros((len(feature_names), len(columns)))
    for i, feat in enumerate(feature_names):
        grouping[i, columns.index(fmap[feat])] = 1.0
    return np.einsum("nfk,fc->nck", phi, grouping)


# ---------------------------------------------------------------- the model's own output

def model_output(bundle: ModelBundle, rows: pd.DataFrame, units: str) -> np.ndarray:
    """The model's own output for raw rows in an explainer's units, computed without SHAP.

    ``(rows, outputs)``, matching :attr:`Explanation.outputs`: a binary classifier's positive
    class only. Used to check that an explanation adds up, and by tests.

    Raises:
        InvalidInput: if ``units`` is not one of :data:`UNITS`, or a column is missing or malformed.
    """
    if units not in UNITS:
        raise InvalidInput(f"Unknown output units '{units}'.", hint=f"Use one of: {', '.join(UNITS)}.")
    features = bundle.transform(rows)
    native = bundle.estimator.prepare(features)
    model = bundle.native_model
    if units == "value":
        out = np.asarray(bundle.estimator.predict(features), dtype=float).reshape(len(rows), -1)
    elif units == "probability":
        out = bundle.estimator.predict_proba(features)
    elif bundle.estimator.family == "lightgbm":
        out = np.asarray(model.predict(native, raw_score=True), dtype=float)
    elif bundle.estimator.family == "xgboost":
        out = np.asarray(model.predict(native, output_margin=True), dtype=float)
    else:
        out = np.asarray(model.decision_function(native), dtype=float)
    out = out.reshape(len(rows), -1)
    if bundle.task == "binary" and out.shape[1] == 2:
        out = out[:, 1:]
    return out


# ---------------------------------------------------------------- structure

@dataclass(frozen=True)
class Structure:
    """The importance a model's structure gives each raw column.

    Attributes:
        kind: ``gain`` (LightGBM, XGBoost), ``impurity`` (scikit-learn forests) or
            ``coefficients`` (linear models).
        by_column: raw column -> its total: the share of the gain or impurity decrease
            (summing to 1), or the sum of |coefficients| (the mean over classes).
        parts: one row per part: ``column``, ``part`` (``x1``, ``plan = pro``, ``when: month``),
            ``output`` (the class for multiclass coefficients, else ``""``), ``value``.
        note: what the numbers mean.
    """

    kind: str
    by_column: pd.Series
    parts: pd.DataFrame
    note: str


def _part_label(spec: ColumnSpec, feature: str) -> str:
    if feature == spec.missing_indicator:
        return f"{spec.name}: missing"
    if spec.kind == "datetime" and feature in spec.features:
        i = spec.features.index(feature)
        return f"{spec.name}: {spec.parts[i]}" if i < len(spec.parts) else spec.name
    return spec.name


def structure_importance(bundle: ModelBundle) -> Structure | None:
    """Return tree gain, forest impurity decrease or linear coefficients per raw column.

    ``None`` for a model whose structure gives no importance (k nearest neighbours, the
    RBF SVM, histogram gradient boosting, SGD on row-normalised features).
    """
    specs = {f: s for s in bundle.preprocessor.columns for f in s.features}
    model = bundle.native_model
    features = list(bundle.feature_names)
    family = bundle.estimator.family
    if family == "lightgbm":
        gains = dict(zip(model.feature_name(), model.feature_importance("gain"), strict=True))
        scores = [float(gains.get(f, 0.0)) for f in features]
        return _shares(specs, features, scores, "gain",
                       "Share of the total split gain of the trees that splits on each column made.")
    if family == "xgboost":
        gains = model.get_booster().get_score(importance_type="total_gain")
        scores = [float(gains.get(f, 0.0)) for f in features]
        return _shares(specs, features, scores, "gain",
                       "Share of the total split gain of the trees that splits on each column made.")
    if _kind(model) in _FORESTS:
        return _shares(specs, features, [float(v) for v in model.feature_importances_], "impurity",
                       "Share of the impurity decrease over the forest's splits (computed on the training rows).")
    parts = _linear_parts(bundle)
    if parts is None:
        return None
    encoder, linear, sources = parts
    coef = np.atleast_2d(np.asarray(linear.coef_, dtype=float))
    labels = _encoded_labels(encoder, specs)
    outputs = [str(c) for c in bundle.classes] if bundle.task == "multiclass" and coef.shape[0] > 1 else [""]
    rows = [{"column": specs[src].name, "part": labels[j], "output": outputs[o] if len(outputs) > 1 else "",
             "value": float(coef[o, j])}
            for o in range(coef.shape[0]) for j, src in enumerate(sources)]
    frame = pd.DataFrame(rows, columns=["column", "part", "output", "value"])
    totals = frame.assign(size=frame["value"].abs()).groupby(["column", "output"])["size"].sum()
    by_column = totals.groupby(level="column").mean().reindex(bundle.input_columns, fill_value=0.0)
    return Structure("coefficients", by_column.sort_values(ascending=False, kind="stable"), frame,
                     "Coefficients per standard deviation of a numeric column (the model standardises them), "
                     "and per category for one-hot encoded columns; the column total sums their sizes.")


def _shares(specs: dict[str, ColumnSpec], features: list[str], scores: list[float], kind: str, note: str) -> Structure:
    total = sum(scores) or 1.0
    frame = pd.DataFrame({"column": [specs[f].name for f in features],
                          "part": [_part_label(specs[f], f) for f in features], "output": "",
                          "value": [s / total for s in scores]})
    order = list(dict.fromkeys(s.name for s in specs.values()))
    by_column = frame.groupby("column")["value"].sum().reindex(order, fill_value=0.0)
    return Structure(kind, by_column.sort_values(ascending=False, kind="stable"), frame, note)


def _encoded_parts(encoder: Any) -> list[tuple[str, Any]]:
    """Per column the scaled linear pipeline's encoder outputs, in order: the model feature it comes from,
    and its category for a one-hot part (``None`` for a standardised numeric feature)."""
    parts: list[tuple[str, Any]] = []
    for name, trans, cols in encoder.transformers_:
        if name == "remainder" or trans == "drop":
            continue
        if hasattr(trans, "categories_"):
            parts += [(col, cat) for col, cats in zip(cols, trans.categories_, strict=True) for cat in cats]
        else:
            parts += [(col, None) for col in cols]
    return parts


def _encoded_labels(encoder: Any, specs: dict[str, ColumnSpec]) -> list[str]:
    return [_part_label(specs[feature], feature) if cat is None
            else f"{specs[feature].name} = {_CATEGORY_TEXT.get(str(cat), cat)}"
            for feature, cat in _encoded_parts(encoder)]
