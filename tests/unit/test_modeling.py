"""Models that predict from raw rows: preprocessing, learners, the one-artifact bundle.

Every test here that trains a model is marked slow (``make test-fast`` skips them)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.errors import InvalidInput
from core.experiments.learners import LEARNERS
from core.experiments.training import fit_prepared, prepare_training_data
from core.modeling import MISSING, OTHER, ModelBundle, Preprocessor


def raw_frame(n: int = 240, seed: int = 0) -> pd.DataFrame:
    """Raw rows with every column kind: numbers with gaps, text categories, booleans, dates, IDs, free text."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "customer_id": [f"C{i:05d}" for i in range(n)],
        "age": rng.normal(40, 10, n).round(),
        "plan": rng.choice(["basic", "pro", "max"], n),
        "paperless": rng.choice(["yes", "no"], n),
        "signup": pd.date_range("2022-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
        "note": [f"free text note number {i} " * 4 for i in range(n)],
        "constant": 1,
        "지역": rng.choice(["서울", "부산"], n),
        "spend [usd]": rng.gamma(2, 30, n),
    })
    frame.loc[::7, "age"] = np.nan
    frame.loc[::11, "plan"] = None
    score = (frame["age"].fillna(40) - 40) / 10 + (frame["plan"] == "max") * 1.5 - (frame["지역"] == "부산")
    frame["churned"] = np.where(score + rng.normal(0, 0.7, n) > 0.3, "yes", "no")
    return frame


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return raw_frame()


@pytest.fixture(scope="module")
def bundle(frame) -> ModelBundle:
    pre, X, y, classes = prepare_training_data(frame, "churned", "binary")
    return fit_prepared(pre, X, y, classes, target="churned", task="binary", learner="lgbm",
                        config={"n_estimators": 20, "num_leaves": 8}, seed=0, n_jobs=1)


def test_column_kinds_are_inferred_and_useless_columns_dropped(frame):
    pre = Preprocessor().fit(frame.drop(columns=["churned"]))
    kinds = {c.name: c.kind for c in pre.columns}
    assert kinds == {"age": "numeric", "plan": "categorical", "paperless": "boolean", "signup": "datetime",
                     "지역": "categorical", "spend [usd]": "numeric"}
    assert set(pre.dropped) == {"customer_id", "note", "constant"}
    assert "ID" in pre.dropped["customer_id"] or "unique" in pre.dropped["customer_id"]


def test_a_given_semantic_type_decides_the_columns_kind(frame):
    semantic = {"age": "categorical", "plan": "id", "spend [usd]": "text", "paperless": "boolean"}
    pre = Preprocessor(semantic=semantic).fit(frame.drop(columns=["churned"]))
    kinds = {c.name: c.kind for c in pre.columns}
    assert kinds["age"] == "categorical" and kinds["paperless"] == "boolean"
    assert kinds["signup"] == "datetime"  # columns without a given type are inferred by the same rules
    assert "semantic type 'id'" in pre.dropped["plan"] and "semantic type 'text'" in pre.dropped["spend [usd]"]
    assert "40" in next(c for c in pre.columns if c.name == "age").categories


def test_values_that_do_not_fit_a_given_semantic_type_name_the_column_and_the_fix(frame):
    with pytest.raises(InvalidInput, match=r"'plan'.*true/false.*semantic type is 'boolean'") as info:
        Preprocessor(semantic={"plan": "boolean"}).fit(frame.drop(columns=["churned"]))
    assert "datasets types" in info.value.hint
    with pytest.raises(InvalidInput, match="'colour' is not a semantic type"):
        Preprocessor(semantic={"plan": "colour"}).fit(frame.drop(columns=["churned"]))


def test_feature_map_points_every_model_feature_back_to_its_raw_column(frame):
    pre = Preprocessor().fit(frame.drop(columns=["churned"]))
    fmap = pre.feature_map
    assert list(fmap) == pre.feature_names_out
    assert fmap["age__missing"] == "age"
    assert {f for f, raw in fmap.items() if raw == "signup"} == {"signup__month", "signup__dayofweek", "signup__days"}
    assert set(fmap.values()) == set(pre.input_columns)
    # names the boosters reject are made safe, the raw name is kept in the map
    assert fmap["spend_usd"] == "spend [usd]"


def test_transform_is_stable_and_has_no_missing_values(frame):
    pre = Preprocessor().fit(frame.drop(columns=["churned"]))
    out = pre.transform(frame)
    assert list(out.columns) == pre.feature_names_out
    numeric = out.select_dtypes("number")
    assert not numeric.isna().any().any()
    assert out["plan"].isna().sum() == 0 and (out["plan"] == MISSING).sum() == frame["plan"].isna().sum()
    pd.testing.assert_frame_equal(out, pre.transform(frame.sample(frac=1, random_state=1).sort_index()))


def test_unseen_category_becomes_other_and_extra_columns_are_ignored(frame):
    pre = Preprocessor().fit(frame.drop(columns=["churned"]))
    rows = frame.head(3).copy()
    rows["plan"] = ["enterprise", None, "pro"]
    rows["unrelated"] = 42
    out = pre.transform(rows[::-1])
    assert list(out["plan"]) == ["pro", MISSING, OTHER]


@pytest.mark.slow
def test_missing_required_column_is_named(bundle, frame):
    with pytest.raises(InvalidInput, match="'age'") as err:
        bundle.predict(frame.drop(columns=["age", "churned"]))
    assert "missing" in str(err.value)


@pytest.mark.slow
def test_text_in_a_numeric_column_is_named(bundle, frame):
    rows = frame.head(5).copy()
    rows["age"] = rows["age"].astype(object)
    rows.loc[rows.index[2], "age"] = "forty"
    with pytest.raises(InvalidInput, match="'age'.*numbers.*forty"):
        bundle.predict(rows)


@pytest.mark.slow
def test_bad_date_and_bad_boolean_are_named(bundle, frame):
    rows = frame.head(3).copy()
    rows.loc[rows.index[1], "signup"] = "not a date"
    with pytest.raises(InvalidInput, match="'signup'.*dates"):
        bundle.check_input(rows)
    rows = frame.head(3).copy()
    rows.loc[rows.index[0], "paperless"] = "maybe"
    with pytest.raises(InvalidInput, match="'paperless'"):
        bundle.check_input(rows)


@pytest.mark.slow
def test_numbers_sent_as_text_are_accepted(bundle, frame):
    rows = frame.head(20).copy()
    as_text = rows.astype({"age": str, "spend [usd]": str})
    as_text.loc[as_text["age"] == "nan", "age"] = ""
    np.testing.assert_array_equal(bundle.predict_proba(rows), bundle.predict_proba(as_text))


@pytest.mark.slow
def test_bundle_round_trip_through_bytes_predicts_the_same(bundle, frame):
    blob = bundle.to_bytes()
    loaded = ModelBundle.from_bytes(blob)
    np.testing.assert_array_equal(loaded.predict(frame), bundle.predict(frame))
    np.testing.assert_array_equal(loaded.predict_proba(frame), bundle.predict_proba(frame))
    assert loaded.classes == ["no", "yes"]
    assert set(loaded.predict(frame)) <= {"no", "yes"}
    assert loaded.describe()["input_schema"] == bundle.input_schema


@pytest.mark.slow
def test_predict_proba_columns_follow_classes_and_sum_to_one(bundle, frame):
    proba = bundle.predict_proba(frame)
    assert proba.shape == (len(frame), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(np.asarray(bundle.classes)[proba.argmax(axis=1)], bundle.predict(frame))


@pytest.mark.slow
def test_input_schema_lists_kinds_and_allowed_categories(bundle):
    schema = {c["name"]: c for c in bundle.input_schema}
    assert schema["plan"]["kind"] == "categorical"
    assert set(schema["plan"]["categories"]) == {"basic", "pro", "max"}
    assert schema["age"]["kind"] == "numeric"
    assert "customer_id" not in schema


def test_garbage_bytes_are_not_a_model():
    with pytest.raises(InvalidInput, match="not an MLCycle model"):
        ModelBundle.from_bytes(b"not a model")


@pytest.mark.slow
def test_regression_bundle_has_no_probabilities(frame):
    data = frame.assign(spend=frame["spend [usd]"]).drop(columns=["spend [usd]", "churned"])
    pre, X, y, classes = prepare_training_data(data, "spend", "regression")
    bundle = fit_prepared(pre, X, y, classes, target="spend", task="regression", learner="ridge",
                          config={"alpha": 1.0}, seed=0)
    assert bundle.predict(data).dtype == float
    with pytest.raises(InvalidInput, match="regression"):
        bundle.predict_proba(data)


def test_text_regression_target_is_refused(frame):
    with pytest.raises(InvalidInput, match="text"):
        prepare_training_data(frame, "plan", "regression")


@pytest.mark.slow
def test_lightgbm_refit_is_bit_identical_with_two_threads(frame):
    def fit():
        pre, X, y, classes = prepare_training_data(frame, "churned", "binary")
        return fit_prepared(pre, X, y, classes, target="churned", task="binary", learner="lgbm",
                            config={"n_estimators": 30, "num_leaves": 15}, seed=3, n_jobs=2)

    np.testing.assert_array_equal(fit().predict_proba(frame), fit().predict_proba(frame))


def _installed(task: str) -> list[str]:
    return [n for n, learner in LEARNERS.items() if learner.supports(task) and learner.installed()]


@pytest.mark.slow
@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_every_installed_learner_trains_and_predicts_from_raw_rows(task, frame):
    data = frame.copy()
    if task == "multiclass":
        data["churned"] = np.where(data["age"].fillna(40) > 45, "old", data["churned"])
    if task == "regression":
        data["churned"] = data["spend [usd]"] * 2 + data["age"].fillna(40)
    pre, X, y, classes = prepare_training_data(data, "churned", task)
    for name in _installed(task):
        bundle = fit_prepared(pre, X, y, classes, target="churned", task=task, learner=name, config={}, seed=0)
        again = ModelBundle.from_bytes(bundle.to_bytes())
        pred = again.predict(data.head(30))
        assert len(pred) == 30, name
        if task != "regression":
            proba = again.predict_proba(data.head(30))
            assert proba.shape == (30, len(classes)), name
            np.testing.assert_allclose(proba.sum(axis=1), 1.0, err_msg=name)
            assert set(pred) <= set(classes), name
