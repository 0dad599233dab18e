"""Profiles: statistics on small known tables, correlations, warnings, JSON, cache and the job."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import contingency

from core.data import profiling
from core.data.entities import ColumnSchema
from core.data.profiling import Profile, profile_frame
from core.data.stats import cramers_v
from core.errors import Corrupted, InvalidInput, NotFound
from core.progress import Progress


def frame_from_table(table: list[list[int]]) -> pd.DataFrame:
    """Rows whose (a, b) pairs reproduce a contingency table."""
    rows = [(f"a{i}", f"b{j}") for i, r in enumerate(table) for j, n in enumerate(r) for _ in range(n)]
    return pd.DataFrame(rows, columns=["a", "b"])


# ---------------------------------------------------------------- per column


def test_numeric_stats_match_numpy_over_present_values():
    values = [1.0, 2.0, 3.0, 4.0, None, 100.0, 0.0, -5.0]
    p = profile_frame(pd.DataFrame({"x": values}), schema=[ColumnSchema("x", "float64", "numeric")])
    col = p.column("x")
    present = np.array([v for v in values if v is not None])
    assert col.semantic == "numeric"
    assert col.n_missing == 1
    assert col.missing_pct == pytest.approx(12.5)
    assert col.n_distinct == 7
    st = col.numeric
    assert (st.min, st.max) == (-5.0, 100.0)
    assert st.mean == pytest.approx(present.mean())
    assert st.std == pytest.approx(present.std(ddof=1))
    expected = np.quantile(present, [0.05, 0.25, 0.5, 0.75, 0.95])
    assert [st.q05, st.q25, st.q50, st.q75, st.q95] == pytest.approx(list(expected))
    assert (st.zeros, st.negatives, st.infinite) == (1, 1, 0)
    assert sum(st.histogram.counts) == 7
    assert len(st.histogram.edges) == len(st.histogram.counts) + 1


def test_small_integer_range_gets_one_bin_per_value():
    p = profile_frame(pd.DataFrame({"n": [1, 2, 2, 3, 3, 3]}), schema=[{"name": "n", "semantic": "numeric"}])
    hist = p.column("n").numeric.histogram
    assert hist.counts == (1, 2, 3)
    assert hist.edges == (0.5, 1.5, 2.5, 3.5)


def test_infinities_are_counted_apart_from_the_statistics():
    p = profile_frame(pd.DataFrame({"x": [1.0, np.inf, 3.0, -np.inf]}), schema=[{"name": "x", "semantic": "numeric"}])
    st = p.column("x").numeric
    assert st.infinite == 2
    assert (st.min, st.max, st.mean) == (1.0, 3.0, 2.0)


def test_a_long_right_tail_gets_bins_on_a_log_scale_too():
    from scipy.stats import skew

    from core.data import stats

    rng = np.random.default_rng(0)
    income, height = rng.lognormal(10, 1.5, 5000), rng.normal(170, 8, 5000)
    p = profile_frame(pd.DataFrame({"income": income, "height": height}))
    hist = p.column("income").numeric.histogram
    assert stats.binned_skew(hist.edges, hist.counts) == pytest.approx(skew(income), rel=0.25)
    logs = p.column("income").numeric.log_histogram
    assert sum(logs.counts) == 5000
    assert (logs.edges[0], logs.edges[-1]) == (income.min(), income.max())
    widths = np.diff(np.log10(logs.edges))
    assert widths == pytest.approx(np.full(len(widths), widths[0]))
    assert p.column("height").numeric.log_histogram is None  # symmetric: no log bins
    assert stats.log_histogram(np.array([0.0, 1.0, 50.0])) is None  # a zero has no logarithm


def test_a_profile_stored_before_log_bins_existed_still_reads():
    p = profile_frame(pd.DataFrame({"x": np.random.default_rng(0).lognormal(0, 2, 200)}))
    data = json.loads(p.to_json())
    del data["columns"][0]["numeric"]["log_histogram"]
    old = Profile.from_json(json.dumps(data))
    assert old.column("x").numeric.log_histogram is None
    assert old.column("x").numeric.histogram == p.column("x").numeric.histogram


def test_top_values_are_text_most_frequent_first_and_capped():
    s = pd.Series([f"v{i}" for i in range(30) for _ in range(i + 1)] + [None] * 5)
    p = profile_frame(pd.DataFrame({"c": s}), schema=[{"name": "c", "semantic": "categorical"}])
    col = p.column("c")
    assert len(col.top_values) == profiling.TOP_VALUES
    assert col.top_values[0].value == "v29" and col.top_values[0].count == 30
    assert all(isinstance(v.value, str) for v in col.top_values)
    assert col.n_distinct == 30
    assert col.n_missing == 5


def test_datetime_and_text_columns_get_their_own_stats():
    df = pd.DataFrame({
        "when": ["2024-01-01", "2024-03-01", "not a date", None, "2024-02-01"],
        "note": ["", "짧은 글", "a much longer note", "abc", None],
    })
    schema = [{"name": "when", "semantic": "datetime"}, {"name": "note", "semantic": "text"}]
    p = profile_frame(df, schema=schema)
    dates = p.column("when").dates
    assert dates.min.startswith("2024-01-01") and dates.max.startswith("2024-03-01")
    assert dates.unparsed == 1
    assert sum(dates.timeline.counts) == 3
    text = p.column("note").text
    assert (text.min_length, text.max_length, text.empty) == (0, 18, 1)
    assert text.mean_length == pytest.approx((0 + 4 + 18 + 3) / 4)


def test_schema_semantics_win_over_inference():
    df = pd.DataFrame({"code": [1, 2, 3, 1, 2, 3] * 5})
    as_numeric = profile_frame(df, schema=[ColumnSchema("code", "int64", "numeric")]).column("code")
    as_category = profile_frame(df, schema=[ColumnSchema("code", "int64", "categorical")]).column("code")
    assert as_numeric.semantic == "numeric" and as_numeric.numeric is not None
    assert as_category.semantic == "categorical" and as_category.numeric is None


def test_columns_without_schema_get_inferred_types():
    df = pd.DataFrame({"flag": [True, False] * 10, "x": np.linspace(0, 1, 20)})
    p = profile_frame(df)
    assert p.column("flag").semantic == "boolean"
    assert p.column("x").semantic == "numeric"


# ---------------------------------------------------------------- table-wide


def test_duplicate_rows_are_counted_with_example_positions():
    df = pd.DataFrame({"a": [1, 2, 1, 3, 1, 2], "b": ["x", "y", "x", "z", "x", "q"]})
    p = profile_frame(df)
    assert p.n_duplicate_rows == 2
    assert p.duplicate_examples == (2, 4)
    assert any(w.kind == "duplicates" for w in p.warnings)


def test_missing_values_count_as_equal_when_finding_duplicates():
    df = pd.DataFrame({"a": [None, None, 1.0], "b": ["x", "x", "x"]})
    assert profile_frame(df).n_duplicate_rows == 1


def test_cramers_v_matches_scipy_on_a_known_contingency_table():
    table = [[10, 20, 30], [40, 5, 15]]
    df = frame_from_table(table)
    expected = contingency.association(np.array(table), method="cramer", correction=False)
    assert cramers_v(df["a"], df["b"]) == pytest.approx(expected)
    p = profile_frame(df, schema=[{"name": "a", "semantic": "categorical"}, {"name": "b", "semantic": "categorical"}])
    assert p.cramers_v.get("a", "b") == pytest.approx(expected, abs=1e-6)
    assert p.cramers_v.get("a", "a") == 1.0


def test_cramers_v_is_one_for_a_copy_and_near_zero_for_independent_columns():
    rng = np.random.default_rng(1)
    a = pd.Series(rng.choice(["x", "y", "z"], 5000))
    assert cramers_v(a, a.map({"x": "1", "y": "2", "z": "3"})) == pytest.approx(1.0)
    assert cramers_v(a, pd.Series(rng.choice(["p", "q"], 5000))) < 0.05
    with pytest.raises(InvalidInput):
        cramers_v(a, a.iloc[:10])


def test_pearson_matrix_matches_pandas_and_leaves_out_constant_and_id_columns():
    rng = np.random.default_rng(0)
    x = rng.normal(size=300)
    df = pd.DataFrame({"x": x, "y": 2 * x + rng.normal(size=300), "z": rng.normal(size=300),
                       "const": 1.0, "row": np.arange(300)})
    df.loc[5, "y"] = np.nan
    schema = [{"name": c, "semantic": "numeric"} for c in df.columns]
    p = profile_frame(df, schema=schema)
    assert p.pearson.columns == ("x", "y", "z")
    expected = df[["x", "y", "z"]].corr()
    for a in ("x", "y", "z"):
        for b in ("x", "y", "z"):
            assert p.pearson.get(a, b) == pytest.approx(expected.loc[a, b], abs=1e-6)
    with pytest.raises(NotFound):
        p.pearson.get("x", "const")


def test_big_tables_sample_rows_for_correlations_only(monkeypatch):
    monkeypatch.setattr(profiling, "SAMPLE_ROWS", 100)
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.normal(size=500), "b": rng.normal(size=500)})
    p = profile_frame(df, schema=[{"name": "a", "semantic": "numeric"}, {"name": "b", "semantic": "numeric"}])
    assert p.sampled_rows == 100
    assert p.pearson.n_rows == 100
    assert p.column("a").numeric.mean == pytest.approx(df["a"].mean())
    small = profile_frame(df.iloc[:50])
    assert small.sampled_rows is None


# ---------------------------------------------------------------- target


def test_target_balance_counts_classes_and_flags_imbalance():
    df = pd.DataFrame({"y": ["양성"] * 95 + ["악성"] * 5, "x": range(100)})
    p = profile_frame(df, target="y", schema=[{"name": "y", "semantic": "categorical"}])
    balance = p.target_balance
    assert balance.task == "classification"
    assert [(c.value, c.count) for c in balance.classes] == [("양성", 95), ("악성", 5)]
    assert balance.imbalance_ratio == pytest.approx(19.0)
    assert any(w.kind == "imbalanced" and w.column == "y" for w in p.warnings)


def test_numeric_target_gets_a_histogram():
    df = pd.DataFrame({"price": np.linspace(0, 10, 200), "x": np.arange(200) % 7})
    p = profile_frame(df, target="price", schema=[{"name": "price", "semantic": "numeric"}])
    assert p.target_balance.task == "regression"
    assert sum(p.target_balance.histogram.counts) == 200
    assert p.target_balance.classes == ()


def test_a_column_that_copies_the_target_is_flagged_as_leakage():
    rng = np.random.default_rng(3)
    y = rng.choice(["yes", "no"], 400)
    df = pd.DataFrame({"y": y, "leak": np.where(y == "yes", "Y", "N"), "score": np.where(y == "yes", 1.0, 0.0),
                       "noise": rng.choice(["a", "b", "c"], 400), "num": rng.normal(size=400)})
    schema = [{"name": "y", "semantic": "categorical"}, {"name": "leak", "semantic": "categorical"},
              {"name": "score", "semantic": "numeric"}, {"name": "noise", "semantic": "categorical"},
              {"name": "num", "semantic": "numeric"}]
    p = profile_frame(df, target="y", schema=schema)
    leaks = {w.column for w in p.warnings if w.kind == "leakage"}
    assert leaks == {"leak", "score"}
    assert p.column("leak").association_method == "cramers_v"
    assert p.column("score").association_method == "correlation_ratio"
    assert p.column("noise").target_association < 0.2
    assert p.column("y").target_association is None


def test_numeric_target_leakage_uses_pearson():
    rng = np.random.default_rng(4)
    y = rng.normal(size=300)
    df = pd.DataFrame({"y": y, "twice": -2 * y, "other": rng.normal(size=300)})
    p = profile_frame(df, target="y", schema=[{"name": c, "semantic": "numeric"} for c in df.columns])
    assert p.column("twice").target_association == pytest.approx(1.0)
    assert p.column("twice").association_method == "pearson"
    assert [w.column for w in p.warnings if w.kind == "leakage"] == ["twice"]


def test_missing_target_values_are_warned_about():
    df = pd.DataFrame({"y": ["a", "b", None, "a"], "x": [1, 2, 3, 4]})
    p = profile_frame(df, target="y", schema=[{"name": "y", "semantic": "categorical"}])
    assert p.target_balance.n_missing == 1
    assert any(w.kind == "target_missing" for w in p.warnings)


def test_an_unknown_target_or_repeated_column_names_are_refused():
    with pytest.raises(InvalidInput, match="no column 'nope'"):
        profile_frame(pd.DataFrame({"a": [1]}), target="nope")
    with pytest.raises(InvalidInput, match="repeat"):
        profile_frame(pd.DataFrame([[1, 2]], columns=["a", "a"]))


# ---------------------------------------------------------------- warnings


def test_column_warnings_constant_missing_id_and_cardinality():
    n = 200
    df = pd.DataFrame({
        "const": ["same"] * n,
        "gappy": [1.0 if i % 3 == 0 else None for i in range(n)],
        "empty": [None] * n,
        "customer": [f"C{i:05d}" for i in range(n)],
        "row": np.arange(n),
        "many": [f"k{i % 80}" for i in range(n)],
        "amount": np.random.default_rng(0).normal(size=n),
    })
    schema = [{"name": "const", "semantic": "categorical"}, {"name": "gappy", "semantic": "numeric"},
              {"name": "empty", "semantic": "text"}, {"name": "customer", "semantic": "categorical"},
              {"name": "row", "semantic": "numeric"}, {"name": "many", "semantic": "categorical"},
              {"name": "amount", "semantic": "numeric"}]
    p = profile_frame(df, schema=schema)
    kinds = {(w.kind, w.column) for w in p.warnings}
    assert ("constant", "const") in kinds
    assert ("high_missing", "gappy") in kinds
    assert ("all_missing", "empty") in kinds
    assert ("id_like", "customer") in kinds
    assert ("id_like", "row") in kinds
    assert ("high_cardinality", "many") in kinds
    assert not p.warnings_for("amount")  # distinct floats are normal, not an id


# ---------------------------------------------------------------- shape of the result


def test_profile_round_trips_through_json():
    df = pd.DataFrame({
        "도시": ["서울", "부산", None, "서울"], "x": [1.5, np.nan, 3.0, 1.5], "flag": [True, False, True, True],
        "when": pd.to_datetime(["2024-01-01", "2024-01-02", None, "2024-01-01"]),
    })
    p = profile_frame(df, target="flag")
    text = p.to_json()
    json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    assert "서울" in text
    again = Profile.from_json(text.encode("utf-8"))
    assert again == p
    assert isinstance(again.columns[0].top_values, tuple)
    assert again.column("x").numeric.histogram == p.column("x").numeric.histogram


def test_from_json_refuses_other_formats():
    with pytest.raises(Corrupted):
        Profile.from_json('{"format_version": 999}')
    with pytest.raises(Corrupted):
        Profile.from_json("not json")


def test_empty_table_profiles_without_error():
    p = profile_frame(pd.DataFrame({"a": pd.Series([], dtype="float64"), "b": pd.Series([], dtype="str")}))
    assert (p.n_rows, p.n_cols, p.n_duplicate_rows) == (0, 2, 0)
    assert p.column("a").missing_pct == 0.0
    assert p.pearson is None and p.cramers_v is None


def test_progress_is_reported_per_column_and_ends_at_one():
    reports: list[Progress] = []
    profile_frame(pd.DataFrame({"a": [1, 2], "b": [3, 4], "c": ["x", "y"]}), on_progress=reports.append)
    fractions = [r.fraction for r in reports]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert sum(r.message.startswith("Profiled column") for r in reports) == 3


def test_an_exception_from_the_progress_callback_stops_the_profile():
    class Stop(Exception):
        pass

    def stop_at_second_column(report: Progress) -> None:
        if "2 of" in report.message:
            raise Stop

    with pytest.raises(Stop):
        profile_frame(pd.DataFrame({"a": [1], "b": [2], "c": [3]}), on_progress=stop_at_second_column)


# ---------------------------------------------------------------- cached per version, and the job


def add_version(ws, tmp_path, df: pd.DataFrame, name: str = "churn"):
    """Ingest a DataFrame through core.data.datasets and return its version."""
    from core.data import datasets

    path = tmp_path / f"{name}.csv"
    df.to_csv(path, index=False)
    return datasets.add_dataset(ws, path, name=name).version


@pytest.fixture
def churn() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 300
    return pd.DataFrame({
        "tenure": rng.integers(0, 72, n),
        "charges": rng.normal(60, 20, n).round(2),
        "plan": rng.choice(["기본", "표준", "프리미엄"], n),
        "churned": rng.choice(["yes", "no"], n, p=[0.3, 0.7]),
    })


@pytest.fixture
def count_profiles(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = profiling.profile_frame

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(profiling, "profile_frame", counting)
    return calls


def test_get_profile_computes_once_then_reads_the_cache(ws, tmp_path, churn, count_profiles):
    version = add_version(ws, tmp_path, churn)
    assert profiling.find_profile(ws, version.id) is None
    first = profiling.get_profile(ws, version.id)
    second = profiling.get_profile(ws, version.id)
    assert len(count_profiles) == 1
    assert second == first == profiling.find_profile(ws, version.id)
    assert (first.version_id, first.data_sha256) == (version.id, version.sha256)
    assert first.n_rows == 300 and first.column("plan").semantic == "categorical"
    with ws.read() as db:
        rows = db.execute("SELECT * FROM profiles").fetchall()
        events = db.execute("SELECT verb FROM events WHERE object_id = ?", [version.id]).fetchall()
    assert [(r["version_id"], r["target"]) for r in rows] == [(version.id, "")]
    assert Profile.from_json(ws.artifacts.read_bytes(rows[0]["artifact"])) == first
    assert "profiled" in [e["verb"] for e in events]


def test_profiles_are_cached_per_target(ws, tmp_path, churn, count_profiles):
    version = add_version(ws, tmp_path, churn)
    plain = profiling.get_profile(ws, version.id)
    targeted = profiling.get_profile(ws, version.id, target="churned")
    assert len(count_profiles) == 2
    assert plain.target_balance is None
    assert {c.value for c in targeted.target_balance.classes} == {"yes", "no"}
    assert profiling.find_profile(ws, version.id, "churned") == targeted
    assert profiling.find_profile(ws, version.id) == plain
    assert profiling.find_profile(ws, version.id, "plan") is None


def test_unknown_versions_and_targets_are_refused(ws, tmp_path, churn):
    version = add_version(ws, tmp_path, churn)
    with pytest.raises(NotFound):
        profiling.get_profile(ws, "dsv_000000000000")
    with pytest.raises(InvalidInput, match="no column 'price'"):
        profiling.get_profile(ws, version.id, target="price")
    with pytest.raises(InvalidInput):
        profiling.enqueue_profile(ws, version.id, target="price", start_worker=False)


def test_overriding_a_semantic_type_makes_the_cached_profile_stale(ws, tmp_path, churn, count_profiles):
    from core.data import datasets

    version = add_version(ws, tmp_path, churn)
    assert profiling.get_profile(ws, version.id).column("tenure").semantic == "numeric"
    datasets.set_semantic_types(ws, version.id, {"tenure": "categorical"})
    assert profiling.find_profile(ws, version.id) is None
    again = profiling.get_profile(ws, version.id)
    assert len(count_profiles) == 2
    assert again.column("tenure").semantic == "categorical" and again.column("tenure").numeric is None
    assert profiling.find_profile(ws, version.id) == again


def test_a_lost_profile_artifact_is_recomputed(ws, tmp_path, churn, count_profiles):
    version = add_version(ws, tmp_path, churn)
    profiling.get_profile(ws, version.id)
    with ws.read() as db:
        sha = db.execute("SELECT artifact FROM profiles").fetchone()[0]
    ws.artifacts.path(sha).unlink()
    assert profiling.find_profile(ws, version.id) is None
    assert profiling.get_profile(ws, version.id).n_rows == 300
    assert len(count_profiles) == 2
    with ws.read() as db:
        new_sha = db.execute("SELECT artifact FROM profiles").fetchone()[0]
    assert ws.artifacts.exists(new_sha)
    assert profiling.find_profile(ws, version.id) is not None


def test_needs_background_for_big_versions_only(ws, tmp_path, churn):
    from types import SimpleNamespace

    assert not profiling.needs_background(add_version(ws, tmp_path, churn))
    assert profiling.needs_background(SimpleNamespace(n_rows=1_000_000, n_cols=20, schema=[]))
    assert not profiling.needs_background(SimpleNamespace(n_rows=100_000, n_cols=20, schema=[]))


def test_the_profile_job_computes_and_caches_through_the_worker(ws, tmp_path, churn):
    from core import jobs

    version = add_version(ws, tmp_path, churn)
    job = profiling.enqueue_profile(ws, version.id, target="churned", start_worker=False)
    assert job.kind == "profile" and job.status == "queued"
    assert "churn v1" in job.title and "churned" in job.title
    assert profiling.enqueue_profile(ws, version.id, target="churned", start_worker=False).id == job.id
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    done = jobs.get_job(ws, job.id)
    assert done.status == "done" and done.progress == 1.0, done.error
    cached = profiling.find_profile(ws, version.id, "churned")
    assert cached is not None and cached.target == "churned"
    with ws.read() as db:
        sha = db.execute("SELECT artifact FROM profiles WHERE target = 'churned'").fetchone()[0]
    assert done.result["artifact"] == sha
    assert (done.result["n_rows"], done.result["cached"]) == (300, False)
    assert any("Profiled 300 rows" in line.message for line in jobs.job_logs(ws, job.id))


def test_the_profile_job_reports_progress_per_column(ws, tmp_path, churn):
    from core import jobs

    version = add_version(ws, tmp_path, churn)
    profiling.enqueue_profile(ws, version.id, start_worker=False)
    claimed = jobs.worker._claim(ws)
    ctx = jobs.JobContext(ws, claimed)
    seen: list[tuple[float | None, str]] = []
    ctx.progress = lambda fraction, message, force=False: seen.append((fraction, message))
    result = profiling.run_profile_job(ctx)
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert sum(m.startswith("Profiled column") for _, m in seen) == 4
    assert result["cached"] is False
    assert profiling.run_profile_job(ctx)["cached"] is True  # a second run reads the cache


def test_the_profile_job_honours_cancel_and_caches_nothing(ws, tmp_path, churn):
    from core import jobs

    version = add_version(ws, tmp_path, churn)
    job = profiling.enqueue_profile(ws, version.id, start_worker=False)
    claimed = jobs.worker._claim(ws)
    assert claimed.id == job.id
    jobs.cancel_job(ws, job.id)  # running: sets the flag the job checks between columns
    ended = jobs.run_job(ws, claimed)
    assert ended.status == "cancelled"
    assert profiling.find_profile(ws, version.id) is None


def test_the_cli_command_prints_the_profile(ws, tmp_path, churn):
    import argparse

    from core.cli.profile import register_profile_command

    version = add_version(ws, tmp_path, churn)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true")
    parser = argparse.ArgumentParser()
    datasets_parser = parser.add_subparsers(dest="group").add_parser("datasets")
    register_profile_command(datasets_parser.add_subparsers(dest="command"), common)
    args = parser.parse_args(["datasets", "profile", version.id, "--target", "churned"])
    payload, text = args.handler(ws, args)
    assert payload["n_rows"] == 300 and payload["target"] == "churned"
    json.dumps(payload)
    assert "churn v1" in text
    assert all(name in text for name in churn.columns)
    assert "Target 'churned' (classification)" in text
    args = parser.parse_args(["datasets", "profile", version.id, "--background"])
    payload, text = args.handler(ws, args)
    assert payload["kind"] == "profile" and "queued" in text
