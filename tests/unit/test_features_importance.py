"""Feature importance on generated data whose answer is known (core.features.importance, issue #15).

The informative columns (of different strengths, one categorical, one with a Korean name) must
rank above the pure-noise ones under every method and in the consensus; the planted problems (a
leak, ID columns, a constant, a mostly empty, a near-constant column and one named after the
target) must be flagged with a reason naming the figure, and nothing else.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from core.features import importance as imp

INFORMATIVE = ["strong", "medium", "plan", "소득"]
NOISE = ["noise_normal", "noise_uniform", "noise_cat", "noise_int"]
PLAN_EFFECT = {"basic": 0.0, "plus": 0.8, "pro": 1.6, "max": 2.4}


def informative_frame(task: str, n: int = 1500, seed: int = 0) -> pd.DataFrame:
    """Four informative columns (strong > medium > Korean-named; a categorical plan) and four noise columns."""
    rng = np.random.default_rng(seed)
    strong, medium, korean = rng.normal(size=n), rng.normal(size=n), rng.normal(size=n)
    plan = rng.choice(list(PLAN_EFFECT), size=n)
    signal = 2.0 * strong + 1.2 * medium + 0.9 * korean + pd.Series(plan).map(PLAN_EFFECT).to_numpy()
    noisy = signal + rng.normal(size=n)
    if task == "regression":
        y: np.ndarray = noisy
    elif task == "binary":
        y = np.where(noisy > np.median(noisy), "yes", "no")
    else:
        y = np.array(["low", "mid", "high"])[np.digitize(noisy, np.quantile(noisy, [1 / 3, 2 / 3]))]
    return pd.DataFrame({
        "strong": strong, "noise_normal": rng.normal(size=n), "plan": plan, "noise_uniform": rng.uniform(size=n),
        "medium": medium, "noise_cat": rng.choice(list("xyz"), size=n), "소득": korean,
        "noise_int": rng.integers(0, 100, size=n), "churned": y,
    })


def problem_frame(task: str, n: int = 1500, seed: int = 0) -> pd.DataFrame:
    """The informative frame plus a planted leak, two ID columns, a constant, a mostly empty and a
    near-constant column, and one named after the target."""
    df = informative_frame(task, n, seed)
    rng = np.random.default_rng(seed + 100)
    y = df["churned"]
    if task == "regression":
        truth = y.to_numpy(dtype=float)
        df["leak"] = truth + rng.normal(scale=0.05 * truth.std(), size=n)
    else:
        codes = pd.factorize(y, sort=True)[0]
        df["leak"] = codes + rng.normal(scale=0.1, size=n)
    df["seq"] = np.arange(1000, 1000 + n)                                  # a row number
    df["account"] = [f"AC{v:06d}" for v in rng.permutation(n)]            # unique codes, shuffled
    df["constant"] = "same"
    df["mostly_empty"] = np.where(np.arange(n) % 5 < 3, np.nan, rng.normal(size=n))  # 60% missing
    df["rare_flag"] = np.where(np.arange(n) < n // 200, "on", "off")       # 0.5% "on"
    df["churn_reason"] = rng.choice(["price", "service", "moved"], size=n)  # random, but named after the target
    return df


@pytest.fixture(scope="module")
def informative() -> dict[str, imp.FeatureAnalysis]:
    return {task: imp.analyze_frame(informative_frame(task), "churned") for task in ("binary", "multiclass", "regression")}


@pytest.fixture(scope="module")
def problems() -> dict[str, imp.FeatureAnalysis]:
    return {task: imp.analyze_frame(problem_frame(task), "churned") for task in ("binary", "multiclass", "regression")}


def _rows(result: imp.FeatureAnalysis) -> dict[str, dict]:
    return {r["column"]: r for r in result.ranking}


def _warned(result: imp.FeatureAnalysis) -> dict[tuple[str, str], dict]:
    return {(w["column"], w["kind"]): w for w in result.warnings}


# ---------------------------------------------------------------- ranking


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_informative_columns_rank_above_noise_under_every_method_and_in_the_consensus(informative, task):
    result = informative[task]
    assert result.task == task and result.methods == list(imp.METHODS)
    rows = _rows(result)
    assert set(rows) == set(INFORMATIVE + NOISE)  # the target is not ranked
    for method in imp.METHODS:
        worst_informative = max(rows[c]["ranks"][method] for c in INFORMATIVE)
        best_noise = min(rows[c]["ranks"][method] for c in NOISE)
        assert worst_informative < best_noise, (method, {c: rows[c]["scores"][method] for c in rows})
        assert min(rows[c]["scores"][method] for c in INFORMATIVE) > max(rows[c]["scores"][method] for c in NOISE)
    assert [r["column"] for r in result.ranking][:4] == sorted(INFORMATIVE, key=lambda c: rows[c]["consensus_rank"])
    assert {r["column"] for r in result.ranking[:4]} == set(INFORMATIVE)
    assert result.ranking[0]["column"] == "strong" and result.ranking[0]["consensus_rank"] == 1
    assert result.ranking[0]["consensus_score"] == 1.0  # top under every method
    assert [r["consensus_rank"] for r in result.ranking] == sorted(r["consensus_rank"] for r in result.ranking)
    assert all(0.0 <= r["consensus_score"] <= 1.0 for r in result.ranking)


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_clean_data_gets_no_warnings(informative, task):
    assert informative[task].warnings == []


def test_each_method_names_its_scores_and_permutation_gives_its_spread(informative):
    for task, result in informative.items():
        for row in result.ranking:
            assert set(row["scores"]) == set(row["ranks"]) == set(imp.METHODS)
            assert all(isinstance(v, float) for v in row["scores"].values()), (task, row)
            assert set(row["spread"]) == {"permutation"} and row["spread"]["permutation"] >= 0
        assert sum(r["scores"]["lgbm_gain"] for r in result.ranking) == pytest.approx(1.0)  # shares of the gain
        assert any("Permutation importance is the" in n and "held-out rows" in n for n in result.notes)
    assert _rows(informative["binary"])["strong"]["spread"]["permutation"] > 0  # five shuffles differ


def test_categorical_and_korean_columns_are_handled_by_each_method(informative):
    measures = {"binary": "cramers_v", "multiclass": "cramers_v", "regression": "correlation_ratio"}
    for task, result in informative.items():
        rows = _rows(result)
        plan = rows["plan"]
        assert plan["kind"] == "categorical" and plan["association_measure"] == measures[task]
        assert all(plan["scores"][m] > 0 for m in imp.METHODS), (task, plan)
        assert rows["noise_cat"]["kind"] == "categorical"
        assert rows["소득"]["kind"] == "numeric" and all(rows["소득"]["scores"][m] > 0 for m in imp.METHODS)
        numeric_measure = "spearman" if task == "regression" else "correlation_ratio"
        assert rows["strong"]["association_measure"] == numeric_measure


def test_ties_share_the_better_rank_and_the_next_rank_is_skipped():
    df = informative_frame("binary")
    df.insert(1, "strong_copy", df["strong"])
    rows = _rows(imp.analyze_frame(df, "churned"))
    for method in ("mutual_info", "association"):
        assert rows["strong"]["scores"][method] == rows["strong_copy"]["scores"][method]
        assert rows["strong"]["ranks"][method] == rows["strong_copy"]["ranks"][method] == 1
        assert rows["medium"]["ranks"][method] == 3  # 1, 1, 3
    # the model takes its splits from one of the copies; columns it never splits on share the gain rank
    unused = [c for c, r in rows.items() if r["scores"]["lgbm_gain"] == 0.0]
    assert len({rows[c]["ranks"]["lgbm_gain"] for c in unused}) == 1


@pytest.mark.parametrize("task", ["binary", "regression"])
def test_a_random_code_with_many_levels_does_not_look_informative(task):
    """Cramér's V, the correlation ratio and the discrete mutual information grow with the levels by chance."""
    df = informative_frame(task, n=400)
    df["store"] = np.random.default_rng(4).choice([f"S{i:02d}" for i in range(45)], size=len(df))
    rows = _rows(imp.analyze_frame(df, "churned"))
    assert rows["store"]["kind"] == "categorical"
    for method in ("mutual_info", "association"):
        assert rows["store"]["scores"][method] < 0.05, method
        assert rows["store"]["ranks"][method] > max(rows[c]["ranks"][method] for c in INFORMATIVE), method


def test_datetime_and_boolean_columns_are_scored_by_every_method():
    rng = np.random.default_rng(3)
    n = 800
    days = rng.integers(0, 700, size=n)
    member = rng.choice([True, False], size=n)
    churned = np.where(days / 700 + 0.6 * member + rng.normal(scale=0.3, size=n) > 0.8, "yes", "no")
    df = pd.DataFrame({"signup": pd.Timestamp("2023-01-01") + pd.to_timedelta(days, unit="D"),
                       "member": member, "noise": rng.normal(size=n), "churned": churned})
    rows = _rows(imp.analyze_frame(df, "churned"))
    assert rows["signup"]["kind"] == "datetime" and rows["member"]["kind"] == "boolean"
    for method in imp.METHODS:
        assert rows["signup"]["ranks"][method] < rows["noise"]["ranks"][method], method
        assert rows["member"]["ranks"][method] < rows["noise"]["ranks"][method], method


# ---------------------------------------------------------------- warnings


LEAK_FIGURE = {"binary": r"ROC AUC (0\.9[89]\d|1\.000)", "multiclass": r"ROC AUC (0\.9[89]\d|1\.000)",
               "regression": r"R² (0\.9[5-9]\d|1\.000)"}


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_the_planted_leak_is_flagged_with_the_held_out_figure(problems, task):
    warned = _warned(problems[task])
    leak = warned[("leak", "leakage")]
    assert re.fullmatch(r"Alone predicts the target with " + LEAK_FIGURE[task] + r" on held-out rows\."
                        + re.escape(imp.LEAK_CHECK), leak["reason"])
    assert f"{leak['value']:.3f}" in leak["reason"]
    assert leak["value"] > (imp.LEAK_R2 if task == "regression" else imp.LEAK_AUC)
    assert [c for c, k in warned if k == "leakage"] == ["leak"]  # nothing informative or random looks like a leak
    assert problems[task].warnings[0]["kind"] == "leakage"  # the most serious kind first


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_id_columns_are_flagged_as_ids_and_never_as_leaks(problems, task):
    warned = _warned(problems[task])
    seq, account = warned[("seq", "id")], warned[("account", "id")]
    assert seq["reason"] == "Its values are whole numbers that change by 1 from each row to the next, like a row number."
    assert account["reason"] == "100.0% of its values are distinct, like an ID." and account["value"] == 1.0
    # every account code is unique: a per-code target rate would fit the rows it was learned on
    # perfectly, yet on held-out rows it knows nothing, so no leakage flag
    assert ("seq", "leakage") not in warned and ("account", "leakage") not in warned
    rows = _rows(problems[task])
    for column in ("seq", "account"):  # listed, but the model leaves them out
        assert rows[column]["kind"] == "id"
        assert rows[column]["scores"]["lgbm_gain"] is None and rows[column]["ranks"]["permutation"] is None
        assert rows[column]["scores"]["mutual_info"] is not None
        assert f"The model-based methods leave out '{column}': an ID column (semantic type 'id')." in problems[task].notes


def test_constant_missing_near_constant_and_target_named_columns_are_flagged(problems):
    result = problems["binary"]
    warned = _warned(result)
    assert warned[("constant", "constant")]["reason"] == "Has only 1 distinct value."
    missing = warned[("mostly_empty", "missing")]
    assert (missing["reason"], missing["value"]) == ("60.0% of its values are missing.", 0.6)
    assert warned[("rare_flag", "near_constant")]["reason"] == ("Its most common value fills 99.5% of the rows "
                                                                  "that have a value.")
    named = warned[("churn_reason", "target_name")]
    assert named["reason"] == "Its name contains the target's name ('churn'), so it may be derived from the target."
    assert set(warned) == {("leak", "leakage"), ("seq", "id"), ("account", "id"), ("constant", "constant"),
                           ("mostly_empty", "missing"), ("rare_flag", "near_constant"), ("churn_reason", "target_name")}
    order = [w["kind"] for w in result.warnings]
    assert order == sorted(order, key=imp.WARNING_KINDS.index)
    rows = _rows(result)
    assert rows["constant"]["scores"]["lgbm_gain"] is None  # the model drops it; the univariate methods say 0
    assert rows["constant"]["scores"]["association"] == 0.0


def test_a_categorical_copy_of_the_target_is_a_leak():
    df = informative_frame("binary")
    rng = np.random.default_rng(9)
    flip = rng.uniform(size=len(df)) < 0.005
    df["status"] = np.where(df["churned"].eq("yes") ^ flip, "closed", "open")
    warned = _warned(imp.analyze_frame(df, "churned"))
    assert warned[("status", "leakage")]["value"] > imp.LEAK_AUC
    assert [k for c, k in warned if c == "status"] == ["leakage"]


def test_a_many_valued_code_that_gives_the_target_away_is_a_leak_but_a_unique_code_is_not():
    df = informative_frame("binary")
    rng = np.random.default_rng(11)
    yes = df["churned"].eq("yes").to_numpy()
    # 200 outcome codes, each used by one class only: known codes on held-out rows give the class away
    df["outcome_code"] = np.where(yes, "Y", "N") + pd.Series(rng.integers(0, 100, size=len(df))).astype(str)
    df["ticket"] = [f"T{i:05d}" for i in rng.permutation(len(df))]  # one per row: nothing to learn for new rows
    warned = _warned(imp.analyze_frame(df, "churned"))
    assert warned[("outcome_code", "leakage")]["value"] > imp.LEAK_AUC
    assert ("ticket", "leakage") not in warned and ("ticket", "id") in warned


def test_names_derived_from_the_target_in_either_language():
    rng = np.random.default_rng(5)
    n = 200
    df = pd.DataFrame({"fraud_score": rng.normal(size=n), "amount": rng.normal(size=n),
                       "이탈사유": rng.choice(["a", "b"], size=n), "is_fraud": rng.choice([0, 1], size=n)})
    warned = _warned(imp.analyze_frame(df, "is_fraud"))
    assert ("fraud_score", "target_name") in warned and ("amount", "target_name") not in warned
    df = df.rename(columns={"is_fraud": "이탈"})
    warned = _warned(imp.analyze_frame(df, "이탈"))
    assert warned[("이탈사유", "target_name")]["value"] == "이탈"
    assert ("fraud_score", "target_name") not in warned


# ---------------------------------------------------------------- the task, sampling, settings, progress


@pytest.mark.parametrize(("values", "semantic", "task"), [
    (["yes", "no", "yes"], None, "binary"),
    ([0, 1, 1, 0], None, "binary"),
    ([True, False, True], None, "binary"),
    (["a", "b", "c", "a"], None, "multiclass"),
    ([1, 2, 3, 4, 5, 3], None, "multiclass"),
    (list(range(100)), None, "regression"),
    ([0.5, 1.25, 2.0, 3.5], None, "regression"),
    (list(range(30)), "categorical", "multiclass"),
    ([1.5, None, 2.5, 7.0], None, "regression"),
])
def test_detect_task(values, semantic, task):
    assert imp.detect_task(pd.Series(values, name="y"), semantic) == task


def test_the_task_can_be_chosen_and_a_multiclass_request_on_two_classes_is_binary():
    df = informative_frame("regression")
    df["grade"] = np.digitize(df["churned"], [-1, 0, 1, 2])  # whole numbers 0..4: detected as multiclass
    df = df.drop(columns="churned")
    assert imp.analyze_frame(df, "grade", settings=imp.Settings(methods=("association",))).task == "multiclass"
    as_numbers = imp.analyze_frame(df, "grade", task="regression", settings=imp.Settings(methods=("association",)))
    assert as_numbers.task == "regression" and _rows(as_numbers)["strong"]["association_measure"] == "spearman"
    binary = informative_frame("binary")
    assert imp.analyze_frame(binary, "churned", task="multiclass",
                             settings=imp.Settings(methods=("association",))).task == "binary"


def test_sampling_and_rows_without_a_target_are_noted():
    df = informative_frame("binary", n=1500)
    df.loc[:99, "churned"] = None
    result = imp.analyze_frame(df, "churned", settings=imp.Settings(sample_rows=600))
    assert (result.n_rows, result.n_used) == (1400, 600)
    assert "Left out 100 rows without a target value." in result.notes
    assert "Used a random sample of 600 of the 1,400 rows with a target value (seed 0)." in result.notes
    assert any("on 150 held-out rows" in n for n in result.notes)  # a quarter of the 600


def test_the_same_seed_gives_the_same_result_and_settings_have_a_stable_key():
    df = informative_frame("multiclass", n=600)
    first, again = imp.analyze_frame(df, "churned"), imp.analyze_frame(df, "churned")
    assert first.as_dict() == again.as_dict()
    assert imp.Settings().key() == imp.Settings().key() == imp.Settings(methods=list(imp.METHODS)).key()
    assert imp.Settings(seed=1).key() != imp.Settings().key()
    assert imp.Settings(methods=["association"]).methods == ("association",)
    assert imp.Settings().as_dict() == {"sample_rows": 50_000, "seed": 0, "n_repeats": 5, "test_size": 0.25,
                                        "methods": list(imp.METHODS)}
    json.dumps(first.as_dict(), allow_nan=False)  # plain JSON: no NaN, no numpy types
    assert first.as_dict()["ranking"] == first.ranking


def test_a_subset_of_methods_runs_only_those():
    result = imp.analyze_frame(informative_frame("binary", n=600), "churned",
                               settings=imp.Settings(methods=("association", "mutual_info")))
    assert result.methods == ["mutual_info", "association"]
    assert all(set(r["scores"]) == {"mutual_info", "association"} and r["spread"] == {} for r in result.ranking)
    assert result.ranking[0]["column"] == "strong"


def test_progress_is_reported_at_each_method():
    seen = []
    imp.analyze_frame(informative_frame("regression", n=400), "churned", on_progress=seen.append)
    messages = [p.message for p in seen]
    assert messages == list(imp.PROGRESS_MESSAGES.values())
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0


def test_large_data_is_sampled_for_mutual_information_and_permutation(monkeypatch):
    monkeypatch.setattr(imp, "MI_ROWS", 300)
    monkeypatch.setattr(imp, "PERMUTATION_ROWS", 100)
    result = imp.analyze_frame(informative_frame("binary", n=1000), "churned")
    assert result.n_used == 1000
    assert "Mutual information read a random 300 of the 1,000 rows used." in result.notes
    assert any("on 100 held-out rows" in n for n in result.notes)
    assert result.ranking[0]["column"] == "strong"
