"""Drift statistics (issue #16): Evidently's default test choice, no false alarms on unshifted samples,
planted shifts found, PSI against hand computation, and every statistic against scipy."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.spatial import distance

from core.monitor import drift

SEEDS = range(20)
LEVELS = np.array(["basic", "standard", "premium", "family"], dtype=object)


def _normal(rng, n, loc=0.0, scale=1.0):
    return pd.Series(rng.normal(loc, scale, n))


def _cats(rng, n, p=(0.4, 0.3, 0.2, 0.1), levels=LEVELS):
    return pd.Series(rng.choice(levels, n, p=list(p)))


def _binary(rng, n, p=0.3):
    return pd.Series(rng.random(n) < p)


# --- which test ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "n_ref", "n_values", "expected"), [
    ("numeric", 1000, 6, "ks"),
    ("numeric", 1001, 6, "wasserstein"),
    ("numeric", 1000, 5, "chisquare"),
    ("numeric", 1000, 3, "chisquare"),
    ("numeric", 1000, 2, "z"),
    ("numeric", 1001, 5, "jensenshannon"),
    ("numeric", 1001, 2, "jensenshannon"),
    ("categorical", 10, 40, "chisquare"),
    ("categorical", 1000, 2, "z"),
    ("categorical", 1001, 40, "jensenshannon"),
    ("binary", 1001, 2, "jensenshannon"),
])
def test_the_test_follows_evidentlys_size_and_cardinality_rules(kind, n_ref, n_values, expected):
    assert drift.choose_test(kind, n_ref, n_values) == expected
    assert drift.TESTS[expected]["threshold"] == (0.05 if expected in ("ks", "chisquare", "z") else 0.1)


def test_feature_drift_picks_the_test_from_the_data():
    rng = np.random.default_rng(0)
    small, big = _normal(rng, 1000), _normal(rng, 1001)
    assert drift.feature_drift(small, _normal(rng, 300)).test == "ks"
    assert drift.feature_drift(big, _normal(rng, 300)).test == "wasserstein"
    few = pd.Series(rng.integers(0, 5, 800))  # numbers with 5 distinct values: categories
    result = drift.feature_drift(few, pd.Series(rng.integers(0, 5, 800)))
    assert (result.test, result.kind) == ("chisquare", "categorical")
    result = drift.feature_drift(pd.Series(rng.integers(0, 5, 5000)), pd.Series(rng.integers(0, 5, 800)))
    assert (result.test, result.kind) == ("jensenshannon", "categorical")
    result = drift.feature_drift(_binary(rng, 800), _binary(rng, 800))
    assert (result.test, result.kind) == ("z", "binary")
    assert drift.feature_drift(_binary(rng, 5000), _binary(rng, 800)).test == "jensenshannon"
    assert drift.feature_drift(_cats(rng, 800), _cats(rng, 800)).test == "chisquare"
    assert drift.feature_drift(_cats(rng, 5000), _cats(rng, 800)).test == "jensenshannon"


def test_distinct_values_are_counted_over_both_samples_and_the_size_over_present_values():
    # 3 values in the reference and 3 others in the current data: 6 together, so KS, not chi-squared
    result = drift.feature_drift(pd.Series([1.0, 2.0, 3.0] * 100), pd.Series([4.0, 5.0, 6.0] * 100))
    assert result.test == "ks" and result.kind == "numeric"
    # 1,500 rows but only 900 values: Evidently drops the gaps first, so the reference is small
    rng = np.random.default_rng(1)
    ref = _normal(rng, 1500)
    ref[:600] = np.nan
    assert drift.feature_drift(ref, _normal(rng, 500)).test == "ks"
    # a sample of a bigger reference tests as the bigger one when told its size
    assert drift.feature_drift(ref, _normal(rng, 500), n_ref_rows=50_000).test == "wasserstein"


# --- no false alarms, planted shifts found ------------------------------------------------------


UNSHIFTED = {
    "ks": lambda rng: (_normal(rng, 800), _normal(rng, 800)),
    "chisquare": lambda rng: (_cats(rng, 800), _cats(rng, 800)),
    "z": lambda rng: (_binary(rng, 800), _binary(rng, 800)),
    "wasserstein": lambda rng: (_normal(rng, 5000), _normal(rng, 2000)),
    "jensenshannon": lambda rng: (_cats(rng, 5000), _cats(rng, 2000)),
}


@pytest.mark.parametrize("test", list(UNSHIFTED))
def test_unshifted_samples_raise_no_more_false_alarms_than_the_threshold_allows(test):
    alarms, psi_alarms = [], []
    for seed in SEEDS:
        ref, cur = UNSHIFTED[test](np.random.default_rng(seed))
        result = drift.feature_drift(ref, cur)
        assert result.test == test
        alarms.append(result.drifted)
        psi_alarms.append(result.drifted_psi)
    if drift.TESTS[test]["statistic"] == "p_value":
        assert sum(alarms) <= 3, f"{sum(alarms)} of 20 unshifted samples flagged at p < 0.05 (about 1 expected)"
    else:
        assert sum(alarms) == 0  # distances of unshifted samples this size stay well under 0.1
    assert sum(psi_alarms) == 0


def test_evidentlys_goodness_of_fit_chi_squared_would_alarm_on_unshifted_samples():
    """Why chi-squared is the two-sample homogeneity test here: Evidently's form takes the reference for
    the truth, so it flags many unshifted batches bigger than the reference; the homogeneity test does not."""
    theirs = ours = 0
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        ref, cur = _cats(rng, 800), _cats(rng, 4000)
        r, c = ref.value_counts().reindex(LEVELS), cur.value_counts().reindex(LEVELS)
        theirs += drift._chisquare_evidently(r.to_numpy(float), c.to_numpy(float)) < 0.05
        ours += drift.feature_drift(ref, cur).drifted
    assert ours <= 3 and theirs >= 8, (ours, theirs)


SHIFTED = {
    "mean shift": lambda rng, n, m: (_normal(rng, n), _normal(rng, m, loc=0.5)),
    "scale change": lambda rng, n, m: (_normal(rng, n), _normal(rng, m, scale=2.0)),
    "category mix": lambda rng, n, m: (_cats(rng, n), _cats(rng, m, p=(0.1, 0.2, 0.3, 0.4))),
    "binary share": lambda rng, n, m: (_binary(rng, n, 0.3), _binary(rng, m, 0.55)),
}


@pytest.mark.parametrize("shift", list(SHIFTED))
@pytest.mark.parametrize(("n_ref", "n_cur"), [(800, 800), (5000, 2000)])
def test_a_planted_shift_is_found_at_both_reference_sizes(shift, n_ref, n_cur):
    for seed in range(5):
        ref, cur = SHIFTED[shift](np.random.default_rng(seed), n_ref, n_cur)
        result = drift.feature_drift(ref, cur)
        assert result.drifted, (shift, seed, result.test, result.statistic)
        if shift != "binary share":
            assert result.drifted_psi, (shift, seed, result.psi)


def test_a_new_category_is_found_and_listed():
    rng = np.random.default_rng(3)
    for n_ref in (800, 5000):
        ref = _cats(rng, n_ref)
        cur = _cats(rng, 1000)
        cur[:150] = "enterprise"
        cur[150:160] = "trial"
        result = drift.feature_drift(ref, cur)
        assert result.drifted and result.drifted_psi
        assert result.new_categories == ["enterprise", "trial"]
        assert result.n_new_categories == 2 and result.new_category_share == pytest.approx(0.16)


def test_new_categories_are_capped_at_twenty_the_most_frequent_first():
    ref = pd.Series(["a", "b"] * 100)
    cur = pd.Series(["a"] * 100 + [f"new_{i:02d}" for i in range(30) for _ in range(30 - i)])
    result = drift.feature_drift(ref, cur)
    assert result.n_new_categories == 30 and len(result.new_categories) == 20
    assert result.new_categories[:3] == ["new_00", "new_01", "new_02"]


def test_more_missing_values_raise_psi_and_the_missing_share():
    rng = np.random.default_rng(4)
    for n_ref in (800, 5000):
        ref, cur = _normal(rng, n_ref), _normal(rng, 1000)
        ref[rng.random(n_ref) < 0.05] = np.nan
        cur[rng.random(1000) < 0.3] = np.nan
        result = drift.feature_drift(ref, cur)
        assert result.missing_ref == pytest.approx(0.05, abs=0.02)
        assert result.missing_cur == pytest.approx(0.3, abs=0.04)
        assert result.drifted_psi and result.psi > 0.2
        # the test itself compares the values that are present, which did not move
        assert not result.drifted
    ref, cur = _cats(rng, 2000), _cats(rng, 2000)
    cur[:600] = None
    result = drift.feature_drift(ref, cur)
    assert result.missing_cur == pytest.approx(0.3) and result.drifted_psi


# --- PSI by hand ----------------------------------------------------------------------------------


def test_psi_of_deciles_matches_the_hand_computation():
    # reference 1..10: deciles 1.9, 2.8, ..., 9.1, so one value per bin (shares 0.1 each)
    # current: bins 1 and 2 hold 0.2, bins 3-8 hold 0.1, bins 9 and 10 are empty (floored at 1e-4)
    expected = 2 * (0.2 - 0.1) * math.log(2) + 2 * (1e-4 - 0.1) * math.log(1e-4 / 0.1)
    assert expected == pytest.approx(1.518799, abs=1e-6)
    assert drift.psi(list(range(1, 11)), [1, 1, 2, 2, 3, 4, 5, 6, 7, 8], "numeric") == pytest.approx(expected)
    # the same data with two gaps in the current sample: a missing bin of 0.2 against 0 (floored)
    expected = 2 * (1e-4 - 0.1) * math.log(1e-4 / 0.1) + (0.2 - 1e-4) * math.log(0.2 / 1e-4)
    assert expected == pytest.approx(2.899590, abs=1e-6)
    cur = [1, 2, 3, 4, 5, 6, 7, 8, None, None]
    assert drift.psi(pd.Series(range(1, 11), dtype=float), pd.Series(cur, dtype=float), "numeric") == \
        pytest.approx(expected)


def test_psi_merges_repeated_cut_points():
    # reference [0 x5, 1..5]: deciles 0, 0, 0, 0, 0.5, 1.4, 2.3, 3.2, 4.1 -> bins (-inf,0], (0,.5], (.5,1.4],
    # (1.4,2.3], (2.3,3.2], (3.2,4.1], (4.1,inf): shares .5, 0, .1, .1, .1, .1, .1
    # current [0,0,1,1,2,3,4,5,5,5]: .2, 0, .2, .1, .1, .1, .3
    expected = (0.2 - 0.5) * math.log(0.2 / 0.5) + 0.1 * math.log(2) + 0.2 * math.log(3)
    assert expected == pytest.approx(0.563924, abs=1e-6)
    ref = [0, 0, 0, 0, 0, 1, 2, 3, 4, 5]
    assert drift.psi(ref, [0, 0, 1, 1, 2, 3, 4, 5, 5, 5], "numeric") == pytest.approx(expected)


def test_psi_of_categories_matches_the_hand_computation():
    # reference A .5, B .3, C .2; current A .4, B .3, C .2, D .1 (D floored at 1e-4 in the reference)
    expected = (0.4 - 0.5) * math.log(0.4 / 0.5) + (0.1 - 1e-4) * math.log(0.1 / 1e-4)
    assert expected == pytest.approx(0.712399, abs=1e-6)
    ref = ["A"] * 50 + ["B"] * 30 + ["C"] * 20
    cur = ["A"] * 40 + ["B"] * 30 + ["C"] * 20 + ["D"] * 10
    assert drift.psi(ref, cur, "categorical") == pytest.approx(expected)
    # half the current values missing: a, b at .25 each against .5, the missing bin .5 against 0
    expected = 2 * (0.25 - 0.5) * math.log(0.5) + (0.5 - 1e-4) * math.log(0.5 / 1e-4)
    assert expected == pytest.approx(4.604318, abs=1e-6)
    assert drift.psi(["a", "a", "b", "b"], ["a", "b", None, None], "categorical") == pytest.approx(expected)
    assert drift.psi(ref, list(reversed(ref)), "categorical") == 0.0


def test_feature_drift_reports_the_same_psi_as_psi():
    rng = np.random.default_rng(5)
    ref, cur = _normal(rng, 3000), _normal(rng, 1000, loc=0.3)
    assert drift.feature_drift(ref, cur).psi == pytest.approx(drift.psi(ref, cur, "numeric"))


# --- statistics against scipy -----------------------------------------------------------------


def test_ks_and_wasserstein_equal_scipys():
    rng = np.random.default_rng(6)
    ref, cur = rng.normal(size=900), rng.normal(0.1, 1.2, size=12_000)
    result = drift.feature_drift(ref, cur)
    assert result.test == "ks"
    assert result.statistic == pytest.approx(stats.ks_2samp(ref, cur).pvalue, rel=1e-12)
    ref = np.concatenate([rng.normal(size=3000), np.round(rng.normal(size=2000), 1)])  # ties too
    cur = np.round(rng.normal(0.2, 1, size=1500), 2)
    result = drift.feature_drift(ref, cur)
    assert result.test == "wasserstein"
    expected = stats.wasserstein_distance(ref, cur) / np.std(ref)
    assert result.statistic == pytest.approx(expected, rel=1e-10)
    assert result.mean_ref == pytest.approx(ref.mean()) and result.mean_cur == pytest.approx(cur.mean())


def test_chi_squared_is_scipys_homogeneity_test_and_z_its_two_by_two_case():
    rng = np.random.default_rng(7)
    ref, cur = _cats(rng, 700), _cats(rng, 400, p=(0.35, 0.3, 0.2, 0.15))
    cur[:5] = "trial"
    table = pd.concat([ref.value_counts(), cur.value_counts()], axis=1).fillna(0).T.to_numpy()
    result = drift.feature_drift(ref, cur)
    assert result.test == "chisquare"
    assert result.statistic == pytest.approx(stats.chi2_contingency(table, correction=False).pvalue, rel=1e-10)
    # the pooled two-proportion Z-test: z^2 is the 2 x 2 chi-squared statistic, so the p-values agree,
    # and it is Evidently's formula 2 * (1 - Phi(|z|))
    ref, cur = _binary(rng, 600, 0.3), _binary(rng, 500, 0.36)
    result = drift.feature_drift(ref, cur)
    table = np.array([[(~ref).sum(), ref.sum()], [(~cur).sum(), cur.sum()]])
    assert result.test == "z"
    assert result.statistic == pytest.approx(stats.chi2_contingency(table, correction=False).pvalue, rel=1e-9)
    p1, p2, n1, n2 = ref.mean(), cur.mean(), 600, 500
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    assert result.statistic == pytest.approx(2 * (1 - stats.norm.cdf(abs(z))), rel=1e-9)
    assert drift.feature_drift(pd.Series(["a"] * 50), pd.Series(["a"] * 40)).statistic == 1.0


def test_jensen_shannon_is_scipys_in_base_e():
    rng = np.random.default_rng(8)
    ref, cur = _cats(rng, 4000), _cats(rng, 1500, p=(0.25, 0.25, 0.25, 0.25))
    result = drift.feature_drift(ref, cur)
    p = ref.value_counts(normalize=True).reindex(LEVELS).to_numpy()
    q = cur.value_counts(normalize=True).reindex(LEVELS).to_numpy()
    assert result.test == "jensenshannon"
    assert result.statistic == pytest.approx(distance.jensenshannon(p, q), rel=1e-10)
    # samples with no category in common: the largest distance, sqrt(ln 2) in base e (1 in base 2)
    disjoint = drift.feature_drift(pd.Series(["a", "b"] * 1000), pd.Series(["c", "d"] * 100))
    assert disjoint.statistic == pytest.approx(math.sqrt(math.log(2)))


def test_infinite_values_are_left_out_of_the_test_and_are_not_missing():
    rng = np.random.default_rng(9)
    ref, cur = rng.normal(size=600), rng.normal(size=600)
    cur_inf = np.concatenate([cur, [np.inf, -np.inf]])
    result = drift.feature_drift(ref, cur_inf)
    assert result.statistic == pytest.approx(stats.ks_2samp(ref, cur).pvalue)
    assert result.missing_cur == 0.0 and math.isfinite(result.psi)


# --- tables, predictions, histograms ------------------------------------------------------------


def _table(rng, n, shifted=False):
    frame = pd.DataFrame({
        "tenure": rng.gamma(2.0, 12.0, n).round(0),
        "monthly": rng.normal(60 + (15 if shifted else 0), 10, n),
        "calls": rng.poisson(1.5, n).clip(0, 4),  # 5 distinct values: categories
        "plan": rng.choice(LEVELS, n, p=[0.1, 0.2, 0.3, 0.4] if shifted else [0.4, 0.3, 0.2, 0.1]),
        "paperless": rng.random(n) < (0.7 if shifted else 0.4),
    })
    return frame


def test_dataset_drift_counts_the_drifted_share_and_lists_missing_and_extra_columns():
    rng = np.random.default_rng(10)
    ref, cur = _table(rng, 3000), _table(rng, 2000, shifted=True)
    cur = cur.drop(columns=["tenure"]).assign(coupon=1, churned="no")
    seen = []
    result = drift.dataset_drift(ref.assign(churned="no"), cur, list(ref.columns), on_progress=seen.append)
    assert [f.column for f in result.features] == ["monthly", "calls", "plan", "paperless"]
    assert result.missing_columns == ["tenure"]
    assert result.extra_columns == ["coupon"]  # 'churned' is in the reference: not extra
    assert {f.column for f in result.features if f.drifted} == {"monthly", "plan", "paperless"}
    assert (result.n_drifted, result.share_drifted, result.drifted) == (3, 0.75, True)
    assert [round(p.fraction, 2) for p in seen] == [0.25, 0.5, 0.75, 1.0]
    assert seen[-1].message == "Checked column 'paperless' (4 of 4)"
    assert drift.dataset_drift(ref, cur, list(ref.columns), drift_share=0.8).drifted is False
    assert result.feature("calls").kind == "categorical" and result.feature("paperless").kind == "binary"
    assert result.n_ref == 3000 and result.n_cur == 2000


def test_an_unshifted_table_does_not_drift():
    alarms = 0
    for seed in range(10):
        rng = np.random.default_rng(100 + seed)
        result = drift.dataset_drift(_table(rng, 3000), _table(rng, 2000), ["tenure", "monthly", "calls", "plan",
                                                                               "paperless"])
        assert not result.drifted
        alarms += result.n_drifted
    assert alarms == 0


def test_kinds_override_the_inferred_kind():
    rng = np.random.default_rng(11)
    ref = pd.DataFrame({"zip": rng.integers(10_000, 10_040, 800)})
    cur = pd.DataFrame({"zip": rng.integers(10_000, 10_040, 800)})
    assert drift.dataset_drift(ref, cur, ["zip"]).features[0].test == "ks"
    result = drift.dataset_drift(ref, cur, ["zip"], kinds={"zip": "categorical"})
    assert result.features[0].test == "chisquare" and result.features[0].mean_ref is None


def test_reports_round_trip_through_json():
    rng = np.random.default_rng(12)
    ref, cur = _table(rng, 1500), _table(rng, 500, shifted=True)
    cur.loc[:3, "plan"] = "enterprise"
    result = drift.dataset_drift(ref, cur, list(ref.columns))
    data = json.loads(json.dumps(result.as_dict()))
    again = drift.DatasetDrift.from_dict(data)
    assert again.as_dict() == result.as_dict()
    plan = data["features"][3]
    assert plan["new_categories"] == ["enterprise"] and plan["statistic_kind"] == "distance"
    assert set(plan) >= {"column", "kind", "test", "statistic", "threshold", "drifted", "psi", "psi_threshold",
                         "n_ref", "n_cur", "missing_ref", "missing_cur", "new_categories", "mean_ref", "mean_cur",
                         "drifted_psi"}


def test_prediction_drift_uses_the_same_rules():
    rng = np.random.default_rng(13)
    labels = np.array(["no", "yes"], dtype=object)
    same = drift.prediction_drift(labels[(rng.random(600) < 0.3).astype(int)],
                                  labels[(rng.random(600) < 0.3).astype(int)], kind="classification")
    moved = drift.prediction_drift(labels[(rng.random(600) < 0.3).astype(int)],
                                   labels[(rng.random(600) < 0.5).astype(int)], kind="binary")
    assert (same.column, same.test, same.kind) == ("prediction", "z", "binary")
    assert not same.drifted and moved.drifted
    values = drift.prediction_drift(rng.normal(size=3000), rng.normal(0.5, 1, size=1000), kind="regression")
    assert values.test == "wasserstein" and values.drifted and values.mean_cur == pytest.approx(0.5, abs=0.1)


def test_histograms_share_their_bins():
    rng = np.random.default_rng(14)
    ref, cur = _normal(rng, 1000), _normal(rng, 500, loc=3.0)
    ref[:100] = np.nan
    h = drift.histograms(ref, cur, "numeric", bins=10)
    assert len(h["edges"]) == 11 and len(h["ref"]) == len(h["cur"]) == 10
    assert h["edges"][0] == pytest.approx(min(ref.min(), cur.min()))
    assert h["edges"][-1] == pytest.approx(max(ref.max(), cur.max()))
    assert sum(h["ref_counts"]) == 900 and sum(h["cur_counts"]) == 500
    assert sum(h["ref"]) == pytest.approx(1.0) and h["missing_ref"] == pytest.approx(0.1)
    assert np.average(h["edges"][:-1], weights=h["cur"]) > np.average(h["edges"][:-1], weights=h["ref"])
    c = drift.histograms(["a"] * 6 + ["b"] * 4, ["a"] * 2 + ["c"] * 8, "categorical")
    assert c["categories"] == ["a", "c", "b"]
    assert c["ref"] == [0.6, 0.0, 0.4] and c["cur"] == [0.2, 0.8, 0.0]
    many = drift.histograms([f"v{i}" for i in range(50)], ["v0"] * 10, "categorical", max_categories=5)
    assert len(many["categories"]) == 5 and many["other_ref"] == pytest.approx(0.9)
