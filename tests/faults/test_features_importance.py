"""Fault suite (issue #15): a feature analysis asked for with input it cannot use says what is wrong,
naming the column, and what to do next (core.features.importance)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.errors import InvalidInput
from core.features import importance as imp


def _frame(n: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return pd.DataFrame({"x": x, "plan": rng.choice(["a", "b"], size=n),
                         "churned": np.where(x + rng.normal(size=n) > 0, "yes", "no")})


def _refused(df: pd.DataFrame, target: str, **kw) -> InvalidInput:
    with pytest.raises(InvalidInput) as err:
        imp.analyze_frame(df, target, **kw)
    assert err.value.hint, "every refusal says what to do next"
    return err.value


def test_a_target_that_is_not_a_column_names_it_and_lists_the_columns():
    err = _refused(_frame(), "chruned")
    assert err.message == "There is no column 'chruned' to use as the target."
    assert err.hint == "Choose one of the columns: 'x', 'plan', 'churned'."


def test_a_target_with_one_value_has_nothing_to_predict():
    df = _frame().assign(churned="no")
    err = _refused(df, "churned")
    assert err.message == "The target 'churned' has a single value ('no'), so there is nothing to predict."
    assert "vary" in err.hint
    df.loc[:30, "churned"] = None  # missing values are not a second value
    assert "single value" in _refused(df, "churned").message


def test_fewer_than_20_rows_with_a_target_value_are_refused():
    df = _frame(60)
    df.loc[:45, "churned"] = None  # 14 rows keep a value
    err = _refused(df, "churned")
    assert err.message == "Only 14 rows have a value in the target 'churned'; at least 20 are needed."
    df.loc[46:, "churned"] = ["  "] * 14  # blank text is no value either
    assert _refused(df, "churned").message.startswith("Only 0 rows have a value")
    assert "at least 20" in _refused(_frame(19), "churned").message


def test_a_table_with_only_the_target_has_no_features():
    err = _refused(_frame()[["churned"]], "churned")
    assert err.message == "There are no feature columns: the table holds only the target 'churned'."


def test_a_task_that_does_not_fit_the_target_is_refused():
    df = _frame()
    assert "cannot be regression" in _refused(df, "churned", task="regression").message
    df["grade"] = np.arange(len(df)) % 3
    err = _refused(df, "grade", task="binary")
    assert err.message == "The target 'grade' has 3 distinct values, so the task cannot be binary."
    assert "Unknown task 'clustering'" in _refused(df, "churned", task="clustering").message


def test_a_target_with_too_many_classes_is_refused():
    df = _frame(400)
    df["code"] = [f"c{i % 150}" for i in range(len(df))]
    err = _refused(df, "code")
    assert err.message == "The target 'code' has 150 classes; the feature analysis handles at most 100."


def test_bad_settings_are_refused():
    assert "Unknown method 'shap'" in _refused(_frame(), "churned", settings=imp.Settings(methods=("shap",))).message
    assert "at least one method" in _refused(_frame(), "churned", settings=imp.Settings(methods=())).message
    assert "at least 20" in _refused(_frame(), "churned", settings=imp.Settings(sample_rows=5)).message


def test_odd_but_usable_input_is_analysed_not_refused():
    """Duplicated names are refused; unhashable cells, an all-empty column and non-text names are not."""
    df = _frame()
    df["tags"] = [["a", "b"] if i % 2 else ["c"] for i in range(len(df))]  # lists from JSON
    df["empty"] = np.nan
    df[7] = np.arange(len(df)) % 4  # a column named by a number
    result = imp.analyze_frame(df, "churned")
    columns = {r["column"] for r in result.ranking}
    assert {"tags", "empty", "7"} <= columns
    assert {(w["column"], w["kind"]) for w in result.warnings} >= {("empty", "missing")}
    twice = pd.concat([_frame()[["x"]], _frame()], axis=1)
    assert "'x' appear more than once" in _refused(twice, "churned").message
