"""Fault suite (issue #16): drift statistics on bad input say what is wrong and what to do, or give a
graceful result that says what happened: empty data, all-missing columns, text in a numeric column,
a single-valued reference, odd types, bad arguments."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from core.errors import InvalidInput
from core.monitor import drift


def _frame(n, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"age": rng.normal(40, 10, n).round(0), "plan": rng.choice(["a", "b", "c"], n)})


def test_empty_current_data_is_refused_with_a_hint():
    ref = _frame(100)
    with pytest.raises(InvalidInput, match="The current data has no rows") as err:
        drift.dataset_drift(ref, ref.head(0), ["age", "plan"])
    assert err.value.hint == "Add a batch with at least one row."
    with pytest.raises(InvalidInput, match="The current data has no rows"):
        drift.feature_drift(ref["age"], pd.Series([], dtype=float))
    with pytest.raises(InvalidInput, match="The current data has no rows"):
        drift.prediction_drift(["yes", "no"], [], kind="classification")
    with pytest.raises(InvalidInput, match="The reference data has no rows") as err:
        drift.dataset_drift(ref.head(0), ref, ["age"])
    assert "training data" in err.value.hint
    with pytest.raises(InvalidInput, match="The reference data has no rows"):
        drift.psi([], [1.0], "numeric")


def test_a_column_all_missing_in_the_current_data_is_drifted_with_a_note():
    ref, cur = _frame(500), _frame(300, seed=1)
    cur["age"] = np.nan
    cur["plan"] = None
    result = drift.dataset_drift(ref, cur, ["age", "plan"])
    for f in result.features:
        assert (f.test, f.statistic, f.threshold, f.drifted) == ("none", None, None, True)
        assert f.missing_cur == 1.0 and f.drifted_psi
        assert f.notes == ["All values are missing in the current data, so no test could run."]
    assert result.share_drifted == 1.0
    json.dumps(result.as_dict())  # no NaN or numpy values left


def test_a_column_all_missing_on_both_sides_is_not_drifted():
    ref = pd.Series([None] * 50, dtype=float)
    result = drift.feature_drift(ref, pd.Series([None] * 20, dtype=float))
    assert (result.test, result.drifted, result.psi) == ("none", False, 0.0)
    assert result.notes == ["All values are missing on both sides; there is nothing to compare."]
    assert result.mean_ref is None and result.mean_cur is None
    result = drift.feature_drift(ref, pd.Series([1.0, 2.0]), kind="numeric")
    assert result.drifted and result.notes == ["All values are missing in the reference data, so no test could run."]


def test_text_in_a_numeric_column_counts_as_missing_and_is_reported():
    ref = _frame(800)
    cur = _frame(400, seed=2).astype({"age": object})
    cur.loc[:39, "age"] = "unknown"
    cur.loc[40:49, "age"] = None
    result = drift.dataset_drift(ref, cur, ["age", "plan"])
    reason = "40 of 400 values in the current data are not numbers (e.g. 'unknown'); they count as missing."
    assert result.type_problems == {"age": reason}
    age = result.feature("age")
    assert age.test == "ks" and age.statistic > 0.05  # still tested on the 350 numbers, which did not move
    assert age.missing_cur == pytest.approx(50 / 400)
    assert age.notes[0] == reason
    # numbers written as text are read as numbers: no problem
    cur["age"] = _frame(400, seed=2)["age"].astype(str)
    assert drift.dataset_drift(ref, cur, ["age"]).type_problems == {}


def test_a_numeric_column_of_only_text_is_reported_and_drifted():
    ref = _frame(300)
    cur = ref.assign(age="n/a " * 20)
    result = drift.dataset_drift(ref, cur, ["age", "plan"])
    assert result.type_problems["age"].startswith("300 of 300 values in the current data are not numbers (e.g. 'n/a")
    assert result.type_problems["age"].endswith("…'); they count as missing.")  # long examples are cut
    age = result.feature("age")
    assert age.test == "none" and age.drifted and age.missing_cur == 1.0
    assert not result.feature("plan").drifted


def test_a_single_valued_reference_gives_a_result():
    # a small constant reference and the same constant: nothing moved
    same = drift.feature_drift(pd.Series([3.0] * 200), pd.Series([3.0] * 50))
    assert (same.test, same.statistic, same.drifted, same.psi) == ("z", 1.0, False, 0.0)
    # a big constant reference and a spread-out current sample: the distance is scaled by 0.001
    rng = np.random.default_rng(3)
    moved = drift.feature_drift(pd.Series([3.0] * 5000), pd.Series(rng.normal(3, 1, 600)))
    assert moved.test == "wasserstein" and moved.drifted and math.isfinite(moved.statistic)
    assert any("standard deviation is below 0.001" in n for n in moved.notes)
    assert math.isfinite(moved.psi) and moved.drifted_psi
    # a constant category against another one
    other = drift.feature_drift(pd.Series(["x"] * 300), pd.Series(["y"] * 30))
    assert other.test == "z" and other.drifted and other.new_categories == ["y"]


def test_distances_on_a_small_batch_carry_a_note():
    rng = np.random.default_rng(4)
    result = drift.feature_drift(rng.normal(size=5000), rng.normal(size=120))
    assert result.notes == ["Only 120 current values: at this size a distance of 0.1 can arise by chance."]
    assert drift.feature_drift(rng.normal(size=5000), rng.normal(size=800)).notes == []


def test_bad_arguments_are_refused_with_hints():
    ref, cur = _frame(100), _frame(100, seed=1)
    with pytest.raises(InvalidInput, match="Unknown column kind 'text' for column 'age'") as err:
        drift.dataset_drift(ref, cur, ["age"], kinds={"age": "text"})
    assert err.value.hint == "Use 'numeric' or 'categorical'."
    with pytest.raises(InvalidInput, match="The reference data lacks the columns 'income', 'city'"):
        drift.dataset_drift(ref, cur, ["age", "income", "city"])
    with pytest.raises(InvalidInput, match=r"None of the columns to check are in the current data \(it lacks "
                                           r"'age', 'plan'\)") as err:
        drift.dataset_drift(ref, cur.rename(columns={"age": "Age", "plan": "Plan"}), ["age", "plan"])
    assert "named as in the training data" in err.value.hint
    with pytest.raises(InvalidInput, match="Choose at least one column"):
        drift.dataset_drift(ref, cur, [])
    for share in (0, 1.5, "half"):
        with pytest.raises(InvalidInput, match="The drift share must be above 0 and at most 1"):
            drift.dataset_drift(ref, cur, ["age"], drift_share=share)
    with pytest.raises(InvalidInput, match="Unknown prediction kind 'ranking'") as err:
        drift.prediction_drift([1, 2], [1, 2], kind="ranking")
    assert err.value.hint == "Use 'classification' or 'regression'."
    with pytest.raises(InvalidInput, match="at least one bin"):
        drift.histograms([1.0], [2.0], "numeric", bins=0)
    with pytest.raises(InvalidInput, match="Unknown column kind"):
        drift.psi([1.0], [2.0], "ordinal")


def test_categories_compare_across_dtypes():
    # codes read as text in the training data and as numbers in the batch are the same categories
    ref = pd.Series(["1", "2", "3"] * 200)
    cur = pd.Series([1.0, 2.0, 3.0, np.nan] * 100)
    result = drift.feature_drift(ref, cur, kind="categorical")
    assert result.new_categories == [] and not result.drifted and result.missing_cur == 0.25
    # pandas Categoricals with different levels, and nullable integers and booleans
    a = pd.Series(pd.Categorical(["x", "y"] * 300, categories=["x", "y", "z"]))
    b = pd.Series(pd.Categorical(["x", "w"] * 100))
    assert drift.feature_drift(a, b).new_categories == ["w"]
    ints = drift.feature_drift(pd.Series([1, 2, None, 4, 5, 6] * 100, dtype="Int64"),
                               pd.Series([1, 2, 3, 4, 5, 6] * 50, dtype="Int64"))
    assert ints.test == "ks" and ints.missing_ref == pytest.approx(1 / 6) and ints.missing_cur == 0.0
    flags = drift.feature_drift(pd.Series([True, False, None] * 100, dtype="boolean"),
                                pd.Series([True, False] * 100, dtype="boolean"))
    assert flags.test == "z" and flags.kind == "binary" and not flags.drifted


def test_dates_are_compared_as_numbers_and_bad_dates_reported():
    ref = pd.Series(pd.date_range("2024-01-01", periods=600, freq="h"))
    cur = pd.Series(pd.date_range("2024-03-01", periods=300, freq="h").astype(str).tolist()[:-2] + ["soon", None])
    result, problem = drift._feature(ref, cur, "when", drift.infer_kind(ref), None)
    assert problem == "1 of 300 values in the current data are not dates (e.g. 'soon'); they count as missing."
    assert result.test == "ks" and result.drifted
