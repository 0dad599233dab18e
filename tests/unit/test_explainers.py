"""SHAP explanations of every learner, in the raw columns a user knows (core.explain.explainers).

Every learner is fitted once per task it supports on a small frame with a numeric column with
gaps (``monthly fee``), a categorical column (``plan``), a datetime column (``when``) and the
one column the target depends on (``signal``). The models and their explanations are shared
by the module (fitting all of them takes about a second; the permutation explainer's first
call compiles numba once, about 5 s). Every test trains models, so the module is marked slow.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit, softmax

from core.errors import InvalidInput
from core.experiments.learners import LEARNERS
from core.explain import explainers
from core.modeling.native import _ovr_logistic
from tests.tiny_models import EVERY_LEARNER, ModelZoo

pytestmark = pytest.mark.slow

TASKS = ("binary", "multiclass", "regression")
TARGET = "y"
N_ROWS = 240
EXPLAINED = 60
CONFIGS = EVERY_LEARNER
FAMILY = {
    "tree": {"lgbm", "xgboost", "xgb_limitdepth", "rf", "extra_tree", "histgb"},
    "linear": {"lrl1", "lrl2", "svc", "ridge", "enet", "lassolars"},
    "permutation": {"kneighbor", "rbf_svm", "sgd"},
}
CASES = [(task, name) for task in TASKS for name, learner in LEARNERS.items()
         if learner.supports(task) and learner.installed()]
CLASSIFIER_CASES = [c for c in CASES if c[0] != "regression"]


def make_frame(task: str, seed: int = 0) -> pd.DataFrame:
    """Raw rows whose target depends on ``signal`` (strongly) and ``plan`` (a little).

    ``signal`` is on the scale of an amount of money: SGD normalises each row before its
    linear model, and the date's day count (about 20,000) would otherwise drown every
    other column of the row.
    """
    rng = np.random.default_rng(seed)
    z = rng.normal(size=N_ROWS)
    fee = rng.normal(50, 10, size=N_ROWS)
    fee[::7] = np.nan
    plan = rng.choice(["basic", "pro", "max"], size=N_ROWS)
    score = 3 * z + 0.4 * (plan == "max") + rng.normal(scale=0.3, size=N_ROWS)
    if task == "binary":
        y = np.where(score > 0, "yes", "no")
    elif task == "multiclass":
        y = np.select([score < -1, score < 1], ["low", "mid"], "high")
    else:
        y = 10 * score
    return pd.DataFrame({"monthly fee": fee, "plan": plan,
                         "when": pd.date_range("2024-01-01", periods=N_ROWS, freq="D"),
                         "signal": z * 50_000, TARGET: y})


class Zoo(ModelZoo):
    """Fitted models and their explanations, made on first use and shared by the module."""

    def __init__(self) -> None:
        super().__init__(make_frame, TARGET, TASKS)
        self._explanations: dict = {}

    def rows(self, task: str) -> pd.DataFrame:
        """The explained rows: a slice whose index does not start at 0, the target still in it."""
        return self.frames[task].iloc[100:100 + EXPLAINED]

    def background(self, task: str) -> pd.DataFrame:
        return self.frames[task].sample(100, random_state=0)

    def explanation(self, task: str, learner: str) -> explainers.Explanation:
        key = (task, learner)
        if key not in self._explanations:
            self._explanations[key] = explainers.explain_frame(
                self.bundle(task, learner), self.rows(task), background=self.background(task))
        return self._explanations[key]


@pytest.fixture(scope="module")
def zoo() -> Zoo:
    return Zoo()


def expected_units(task: str, learner: str, explainer: str) -> str:
    if task == "regression":
        return "value"
    if learner == "svc":
        return "decision value"
    if learner in ("rf", "extra_tree") or explainer == "permutation":
        return "probability"
    return "log-odds"


# ---------------------------------------------------------------- every learner, every task

@pytest.mark.parametrize(("task", "learner"), CASES)
def test_explanation_is_per_raw_column_and_adds_up_to_the_model_output(zoo, task, learner):
    bundle, rows = zoo.bundle(task, learner), zoo.rows(task)
    expl = zoo.explanation(task, learner)

    assert expl.columns == bundle.input_columns == ["monthly fee", "plan", "when", "signal"]
    encoded = set(bundle.feature_names) - set(bundle.input_columns)
    assert encoded, "the model has encoded features (missing indicator, datetime parts)"
    assert not encoded & set(expl.columns)
    assert list(expl.data.columns) == expl.columns
    assert list(expl.data.index) == list(rows.index)  # the rows' own positions, not 0..n-1
    assert expl.data["monthly fee"].isna().sum() == rows["monthly fee"].isna().sum() > 0  # original values

    k = len(bundle.classes) if task == "multiclass" else 1
    assert expl.values.shape == (EXPLAINED, 4, k)
    assert expl.base_values.shape == (k,)
    assert expl.output().shape == (EXPLAINED, k)
    if task == "binary":
        assert expl.outputs == [str(bundle.classes[1])] == ["yes"]
    elif task == "multiclass":
        assert expl.outputs == [str(c) for c in bundle.classes]
    else:
        assert expl.outputs == [TARGET]

    assert expl.explainer == explainers.choose_explainer(bundle)
    assert learner in FAMILY[expl.explainer]
    assert expl.units == expected_units(task, learner, expl.explainer)

    own = explainers.model_output(bundle, rows, expl.units)
    assert own.shape == (EXPLAINED, k)
    scale = 1.0 + np.abs(own).max()
    np.testing.assert_allclose(expl.output(), own, rtol=0, atol=1e-5 * scale)
    assert np.ptp(own) > 0, "the model's output varies over the rows"


@pytest.mark.parametrize(("task", "learner"), CASES)
def test_the_informative_column_ranks_first(zoo, task, learner):
    expl = zoo.explanation(task, learner)
    importance = expl.importance()
    assert list(importance.index)[0] == "signal", importance.to_dict()
    assert importance.is_monotonic_decreasing
    assert sorted(importance.index) == sorted(expl.columns)


@pytest.mark.parametrize(("task", "learner"), CLASSIFIER_CASES)
def test_the_explained_outputs_are_the_models_probabilities_in_class_order(zoo, task, learner):
    """Binary explains ``classes[1]``; each multiclass output is that class: checked against predict_proba."""
    bundle, rows = zoo.bundle(task, learner), zoo.rows(task)
    expl = zoo.explanation(task, learner)
    proba = bundle.predict_proba(rows)
    out = expl.output()
    if task == "binary":
        p1 = out[:, 0] if expl.units == "probability" else expit(out[:, 0])
        np.testing.assert_allclose(p1, proba[:, 1], atol=1e-5)
        # "yes" comes with a large signal, so the signal column pushes towards the explained class there
        signal = expl.for_output(0)[:, expl.columns.index("signal")]
        assert np.corrcoef(rows["signal"], signal)[0, 1] > 0.5
    else:
        if expl.units == "probability":
            np.testing.assert_allclose(out, proba, atol=1e-5)
        elif expl.units == "decision value":
            np.testing.assert_allclose(_ovr_logistic(out), proba, atol=1e-5)
        else:
            np.testing.assert_allclose(softmax(out, axis=1), proba, atol=1e-5)
        high = expl.outputs.index("high")
        signal = expl.for_output(high)[:, expl.columns.index("signal")]
        assert np.corrcoef(rows["signal"], signal)[0, 1] > 0.5


# ---------------------------------------------------------------- shapes and parts

@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_forests_and_boosted_trees_give_the_same_shapes(zoo, task):
    """shap gives scikit-learn forests one more dimension (per class) than LightGBM; both come out alike."""
    import shap

    forest, booster = zoo.bundle(task, "rf"), zoo.bundle(task, "lgbm")
    rows = zoo.rows(task)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # shap's note that LightGBM's binary output changed shape
        raw_forest = np.asarray(shap.TreeExplainer(forest.native_model).shap_values(forest.native_input(rows)))
        raw_booster = np.asarray(shap.TreeExplainer(booster.native_model).shap_values(booster.native_input(rows)))
    if task == "binary":
        assert raw_forest.ndim == 3 and raw_booster.ndim == 2  # the case being handled
    else:
        assert raw_forest.ndim == raw_booster.ndim == 3
    a, b = zoo.explanation(task, "rf"), zoo.explanation(task, "lgbm")
    assert a.values.shape == b.values.shape == (EXPLAINED, 4, 1 if task == "binary" else 3)
    assert a.base_values.shape == b.base_values.shape
    assert a.outputs == b.outputs


@pytest.mark.parametrize(("task", "learner"), [("binary", "lrl2"), ("binary", "svc"), ("multiclass", "lrl2"),
                                               ("regression", "ridge")])
def test_a_linear_models_encoded_parts_sum_to_their_raw_column(zoo, task, learner):
    """coef * (z - mean z) per encoded column (one-hot parts, datetime parts, missing flag), summed per raw column."""
    bundle, rows, background = zoo.bundle(task, learner), zoo.rows(task), zoo.background(task)
    expl = zoo.explanation(task, learner)
    encoder, model = bundle.native_model.named_steps["encode"], bundle.native_model.named_steps["model"]
    names = list(encoder.get_feature_names_out())  # num__signal, cat__plan_pro, ...
    z = np.asarray(encoder.transform(bundle.transform(rows)), dtype=float)
    mean = np.asarray(encoder.transform(bundle.transform(background)), dtype=float).mean(axis=0)
    coef = np.atleast_2d(model.coef_)

    def raw_column(name: str) -> str:
        kind, _, rest = name.partition("__")
        if kind == "num":
            return bundle.feature_map[rest]
        return next(bundle.feature_map[f] for f in bundle.feature_names if rest.startswith(f + "_"))

    sources = [raw_column(n) for n in names]
    assert sources.count("plan") == 3 and sources.count("when") >= 3 and sources.count("monthly fee") == 2
    row = 5
    for out in range(expl.values.shape[2]):
        parts = coef[out] * (z[row] - mean)
        for column in expl.columns:
            manual = sum(p for p, s in zip(parts, sources, strict=True) if s == column)
            assert expl.values[row, expl.columns.index(column), out] == pytest.approx(manual, abs=1e-9)
        plan_parts = [p for p, s in zip(parts, sources, strict=True) if s == "plan"]
        assert sum(abs(p) > 1e-12 for p in plan_parts) >= 2  # several one-hot parts really are summed


# ---------------------------------------------------------------- structure

@pytest.mark.parametrize("learner", ["lgbm", "xgboost", "xgb_limitdepth", "rf", "extra_tree"])
@pytest.mark.parametrize("task", TASKS)
def test_tree_structure_is_a_share_of_gain_or_impurity_per_raw_column(zoo, task, learner):
    bundle = zoo.bundle(task, learner)
    structure = explainers.structure_importance(bundle)
    assert structure.kind == ("impurity" if learner in ("rf", "extra_tree") else "gain")
    assert structure.by_column.sum() == pytest.approx(1.0)
    assert structure.parts["value"].sum() == pytest.approx(1.0)
    assert sorted(structure.by_column.index) == sorted(bundle.input_columns)
    assert structure.by_column.index[0] == "signal"
    assert structure.by_column.is_monotonic_decreasing
    assert set(structure.parts["column"]) <= set(bundle.input_columns)
    assert {"when: month", "when: days", "monthly fee: missing"} <= set(structure.parts["part"])
    if learner == "lgbm":  # the share is the booster's own gain share
        booster = bundle.native_model
        gain = dict(zip(booster.feature_name(), booster.feature_importance("gain"), strict=True))
        assert structure.by_column["signal"] == pytest.approx(gain["signal"] / sum(gain.values()))


@pytest.mark.parametrize(("task", "learner"), [("binary", "lrl2"), ("multiclass", "lrl2"), ("binary", "svc"),
                                               ("regression", "ridge"), ("regression", "lassolars")])
def test_linear_structure_is_the_signed_coefficients_per_part(zoo, task, learner):
    bundle = zoo.bundle(task, learner)
    structure = explainers.structure_importance(bundle)
    assert structure.kind == "coefficients"
    parts = structure.parts
    plan = parts[parts["column"] == "plan"]
    assert set(plan["part"]) == {"plan = basic", "plan = pro", "plan = max"}
    assert {"signal", "when: month", "when: dayofweek", "when: days", "monthly fee", "monthly fee: missing"} \
        <= set(parts["part"])
    encoder, model = bundle.native_model.named_steps["encode"], bundle.native_model.named_steps["model"]
    coef = np.atleast_2d(model.coef_)
    pro = list(encoder.get_feature_names_out()).index("cat__plan_pro")
    if task == "multiclass":
        assert set(parts["output"]) == {str(c) for c in bundle.classes}
        for i, c in enumerate(bundle.classes):
            value = plan[(plan["part"] == "plan = pro") & (plan["output"] == str(c))]["value"].item()
            assert value == pytest.approx(coef[i, pro])
    else:
        assert set(parts["output"]) == {""}
        assert plan[plan["part"] == "plan = pro"]["value"].item() == pytest.approx(coef[0, pro])
    assert (parts["value"] < 0).any() or (parts["value"] > 0).all()  # signed, not sizes
    assert structure.by_column.index[0] == "signal"
    assert structure.by_column["plan"] == pytest.approx(
        plan.assign(size=plan["value"].abs()).groupby("output")["size"].sum().mean())


@pytest.mark.parametrize(("task", "learner"), [("binary", "kneighbor"), ("regression", "kneighbor"),
                                               ("binary", "rbf_svm"), ("binary", "histgb"), ("binary", "sgd")])
def test_models_without_a_structure_importance_have_none(zoo, task, learner):
    assert explainers.structure_importance(zoo.bundle(task, learner)) is None


# ---------------------------------------------------------------- edges and helpers

@pytest.mark.parametrize(("task", "learner"), [("binary", "lgbm"), ("binary", "lrl2"), ("binary", "kneighbor"),
                                               ("multiclass", "rf"), ("regression", "ridge")])
def test_no_rows_give_an_empty_explanation(zoo, task, learner):
    bundle = zoo.bundle(task, learner)
    expl = explainers.explain_frame(bundle, zoo.rows(task).head(0), background=zoo.background(task))
    k = 3 if task == "multiclass" else 1
    assert expl.values.shape == (0, 4, k) and expl.output().shape == (0, k)
    assert expl.n_rows == 0 and expl.data.empty and list(expl.data.columns) == bundle.input_columns
    assert expl.explainer == explainers.choose_explainer(bundle)
    assert (expl.importance() == 0).all() and sorted(expl.importance().index) == sorted(bundle.input_columns)


@pytest.mark.parametrize("learner", ["lgbm", "lrl2", "kneighbor"])
def test_a_missing_column_is_named(zoo, learner):
    bundle, rows = zoo.bundle("binary", learner), zoo.rows("binary")
    with pytest.raises(InvalidInput, match="plan"):
        explainers.explain_frame(bundle, rows.drop(columns=["plan"]))
    with pytest.raises(InvalidInput, match="when"):
        explainers.model_output(bundle, rows.drop(columns=["when"]), "value")


@pytest.mark.parametrize("learner", ["lrl2", "kneighbor"])
def test_a_background_missing_a_column_is_named(zoo, learner):
    bundle, rows = zoo.bundle("binary", learner), zoo.rows("binary")
    with pytest.raises(InvalidInput, match="monthly fee"):
        explainers.explain_frame(bundle, rows, background=zoo.background("binary").drop(columns=["monthly fee"]))


def test_unknown_units_are_refused(zoo):
    with pytest.raises(InvalidInput, match="units"):
        explainers.model_output(zoo.bundle("binary", "lgbm"), zoo.rows("binary"), "dollars")


def test_extra_columns_are_ignored_and_the_tree_explainer_needs_no_background(zoo):
    bundle, rows = zoo.bundle("binary", "lgbm"), zoo.rows("binary")
    with_extra = explainers.explain_frame(bundle, rows.assign(unused="x"), background=zoo.background("binary"))
    plain = explainers.explain_frame(bundle, rows)
    assert with_extra.columns == plain.columns and "unused" not in with_extra.data.columns
    np.testing.assert_allclose(with_extra.values, plain.values)


def test_without_a_background_the_rows_themselves_are_used_and_said_so(zoo):
    bundle, rows = zoo.bundle("binary", "lrl2"), zoo.rows("binary")
    expl = explainers.explain_frame(bundle, rows)
    assert any("of the explained rows (no training rows were given)" in note for note in expl.notes)
    np.testing.assert_allclose(expl.output(), explainers.model_output(bundle, rows, expl.units), atol=1e-9)
    given = zoo.explanation("binary", "lrl2")
    assert any("training rows" in note for note in given.notes)
    assert not np.allclose(expl.base_values, given.base_values)  # the background is what is integrated over


def test_the_permutation_explainer_is_seeded_and_bounded(zoo):
    bundle, rows, background = zoo.bundle("binary", "kneighbor"), zoo.rows("binary"), zoo.background("binary")
    first = zoo.explanation("binary", "kneighbor")
    again = explainers.explain_frame(bundle, rows, background=background)
    np.testing.assert_array_equal(first.values, again.values)
    assert any(f"{explainers.PERMUTATION_BACKGROUND:,} background rows" in note for note in first.notes)
    other = explainers.explain_frame(bundle, rows, background=background, seed=1)
    assert not np.array_equal(first.values, other.values)
    np.testing.assert_allclose(other.output(), first.output(), atol=1e-9)  # both add up to the same output


def test_select_keeps_the_chosen_rows_in_the_given_order(zoo):
    expl = zoo.explanation("multiclass", "lgbm")
    picked = expl.select([7, 2])
    assert picked.n_rows == 2
    np.testing.assert_array_equal(picked.values, expl.values[[7, 2]])
    assert list(picked.data.index) == [expl.data.index[7], expl.data.index[2]]
    np.testing.assert_array_equal(picked.base_values, expl.base_values)
    assert (picked.columns, picked.outputs, picked.explainer, picked.units) == \
        (expl.columns, expl.outputs, expl.explainer, expl.units)
    np.testing.assert_allclose(picked.output(), expl.output()[[7, 2]])
    assert expl.select(np.array([], dtype=int)).n_rows == 0
    assert expl.select(np.arange(expl.n_rows)).values.shape == expl.values.shape


def test_importance_per_output_and_over_all_outputs(zoo):
    expl = zoo.explanation("multiclass", "lgbm")
    per_output = [expl.importance(i) for i in range(len(expl.outputs))]
    for i, imp in enumerate(per_output):
        assert imp.is_monotonic_decreasing
        assert imp.to_dict() == pytest.approx(dict(zip(expl.columns, np.abs(expl.values[:, :, i]).mean(axis=0),
                                                       strict=True)))
    overall = expl.importance(output=None)
    assert overall.is_monotonic_decreasing
    mean = pd.concat(per_output, axis=1).mean(axis=1)
    assert overall.to_dict() == pytest.approx(mean.to_dict())
    assert expl.importance().equals(overall)
    assert not per_output[0].equals(per_output[1])  # the classes really differ
