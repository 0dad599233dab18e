"""The leaderboard and the trials across experiments, on a project of 10,000 runs and 500 models
generated with plain SQL: pages, totals, best-first for metrics to maximise and to minimise,
filters and the other sort keys. Behaviour only, never time."""

from __future__ import annotations

import json
import random

import pytest

from core.errors import InvalidInput
from core.evaluation import leaderboard
from core.workspace import Workspace
from tests.conftest import make_project

N_EXPERIMENTS = 20
RUNS_PER_EXPERIMENT = 500  # 10,000 runs
MODELS_PER_EXPERIMENT = 25  # 500 models
LEARNERS = ("lgbm", "xgboost", "rf", "extra_tree", "lrl1")
T0 = "2026-01-01T00:00:00.000000+00:00"


def _at(i: int) -> str:
    return f"2026-01-{1 + i // 86400 % 28:02d}T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}.000000+00:00"


def seed(ws: Workspace, project_id: str, *, seed: int = 0) -> dict:
    """A project of 20 experiments (even ones maximise roc_auc, odd ones minimise log_loss), 10,000 runs,
    500 models (most evaluated, some benchmarked twice, a few archived), two hypotheses, two data versions."""
    rng = random.Random(seed)
    datasets = [("ds_a", "churn"), ("ds_b", "iris")]
    versions = [("dsv_a1", "ds_a", 1), ("dsv_b1", "ds_b", 1)]
    hypotheses = [("hyp_1", "Churn can be predicted", "supported"), ("hyp_2", "Tenure matters", None)]
    experiments, runs, models, evaluations, benchmarks = [], [], [], [], []
    for e in range(N_EXPERIMENTS):
        exp_id, metric = f"exp_{e:02d}", ("roc_auc" if e % 2 == 0 else "log_loss")
        experiments.append((exp_id, project_id, hypotheses[e % 3][0] if e % 3 < 2 else None, f"search {e:02d}",
                            versions[e % 2][0], "y", "binary", metric, "{}", "done", RUNS_PER_EXPERIMENT, "sha",
                            _at(e * 1000)))
        for t in range(RUNS_PER_EXPERIMENT):
            loss = None if rng.random() < 0.03 else rng.uniform(0.01, 0.9)
            val_metric = None if loss is None else (1 - loss if metric == "roc_auc" else loss)
            runs.append((f"run_{e:02d}_{t:04d}", exp_id, t, LEARNERS[t % len(LEARNERS)],
                         json.dumps({"n_estimators": t, "lr": rng.random()}), loss, val_metric, "{}",
                         rng.uniform(0.01, 5), t * 0.5, "ok" if loss is not None else "failed", _at(e * 1000 + t)))
        for k in range(MODELS_PER_EXPERIMENT):
            model_id = f"mdl_{e:02d}_{k:02d}"
            stage = "archived" if k == 24 else ("candidate" if k == 0 else "none")
            models.append((model_id, exp_id, f"run_{e:02d}_{k * 7:04d}", LEARNERS[k % len(LEARNERS)], "{}", "sha",
                           rng.randint(1_000, 5_000_000), "{}", "{}", _at(e * 1000 + k), stage))
            if k % 10 != 9:  # a tenth never evaluated
                value = rng.uniform(0.5, 0.99) if metric == "roc_auc" else rng.uniform(0.05, 0.7)
                evaluations.append((model_id, "holdout", metric, value, value - 0.02, value + 0.02, "{}", 200,
                                    _at(e * 1000 + k)))
            if k % 4 == 0:  # a quarter benchmarked, twice: the newer one counts
                for n, when in enumerate((_at(e * 1000 + k), _at(e * 1000 + k + 500))):
                    p99 = rng.uniform(0.5, 20) if n == 1 else 999.0
                    benchmarks.append((f"bm_{e:02d}_{k:02d}_{n}", model_id, 10.0, p99 / 3, p99 / 2, p99,
                                       json.dumps({"1": 900.0, "100": 50_000.0, "10000": rng.uniform(1e5, 1e6)}),
                                       4096, 120.0, "{}", "{}", when))
    with ws.write() as db:
        c = db.conn
        c.executemany("INSERT INTO datasets (id, name, created_at) VALUES (?, ?, '" + T0 + "')", datasets)
        c.executemany("INSERT INTO dataset_versions (id, dataset_id, number, sha256, artifact, n_rows, n_cols,"
                      " size_bytes, schema, created_at) VALUES (?, ?, ?, 'sha', 'sha', 10, 2, 100, '[]', '"
                      + T0 + "')", versions)
        c.executemany("INSERT INTO hypotheses (id, project_id, question, statement, metric, direction, threshold,"
                      " status, created_at, updated_at, verdict) VALUES (?, '" + project_id + "', 'q', ?, 'roc_auc',"
                      " '>=', 0.8, 'testing', '" + T0 + "', '" + T0 + "', ?)",
                      [(h, s, json.dumps({"outcome": v}) if v else None) for h, s, v in hypotheses])
        c.executemany("INSERT INTO experiments (id, project_id, hypothesis_id, name, dataset_version_id, target, task,"
                      " metric, spec, status, n_trials, data_sha256, created_at) VALUES"
                      " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", experiments)
        c.executemany("INSERT INTO runs (id, experiment_id, trial, learner, params, val_loss, val_metric, metrics,"
                      " train_time, wall_offset, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", runs)
        c.executemany("INSERT INTO models (id, experiment_id, run_id, learner, config, artifact, size_bytes, holdout,"
                      " environment, created_at, stage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", models)
        c.executemany("INSERT INTO evaluations (model_id, method, metric, value, low, high, metrics, n_rows,"
                      " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", evaluations)
        c.executemany("INSERT INTO benchmarks (id, model_id, load_ms, p50_ms, p95_ms, p99_ms, rows_per_s,"
                      " size_bytes, peak_rss_mb, machine, figures, created_at) VALUES"
                      " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", benchmarks)
    return {"models": models, "evaluations": {e[0]: e for e in evaluations}, "runs": runs}


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """One generated workspace shared by this module's tests (they only read it)."""
    ws = Workspace(tmp_path_factory.mktemp("leaderboard") / "ws")
    project = make_project(ws, "Big")
    other = make_project(ws, "Other")
    data = seed(ws, project.id)
    return ws, project.id, other.id, data


def _all_pages(fetch, limit: int) -> tuple[list, set[int]]:
    rows, totals, offset = [], set(), 0
    while True:
        page = fetch(offset=offset, limit=limit)
        totals.add(page.total)
        rows += page.rows
        if not page.has_more:
            return rows, totals
        assert len(page.rows) == limit
        offset += limit


def test_pages_cover_every_active_model_once_with_the_right_total(big):
    ws, project_id, other_id, data = big
    active = {m[0] for m in data["models"] if m[10] != "archived"}
    rows, totals = _all_pages(lambda **kw: leaderboard.leaderboard(ws, project_id, **kw), 37)
    ids = [r.model_id for r in rows]
    assert totals == {len(active)} == {480}
    assert len(ids) == len(set(ids)) and set(ids) == active  # pages never overlap, none is missed
    with_archived = leaderboard.leaderboard(ws, project_id, include_archived=True, limit=1)
    assert with_archived.total == 500
    assert leaderboard.leaderboard(ws, other_id).total == 0
    beyond = leaderboard.leaderboard(ws, project_id, offset=10_000)
    assert beyond.rows == [] and beyond.total == 480


def _best_first(values: list[float], direction: str) -> bool:
    return values == sorted(values, reverse=direction == "max")


@pytest.mark.parametrize(("experiments", "direction"), [
    ([f"exp_{e:02d}" for e in range(0, N_EXPERIMENTS, 2)], "max"),  # roc_auc
    ([f"exp_{e:02d}" for e in range(1, N_EXPERIMENTS, 2)], "min"),  # log_loss
])
def test_value_sorts_best_first_for_metrics_to_maximise_and_to_minimise(big, experiments, direction):
    ws, project_id, _, data = big
    rows, _ = _all_pages(lambda **kw: leaderboard.leaderboard(ws, project_id, experiment_ids=experiments,
                                                               sort="value", **kw), 50)
    values = [r.value for r in rows if r.value is not None]
    assert rows[0].direction == direction and {r.metric for r in rows} == {"roc_auc" if direction == "max"
                                                                            else "log_loss"}
    assert _best_first(values, direction)
    assert all(r.value is None for r in rows[len(values):])  # never-evaluated models come last
    expected = data["evaluations"][rows[0].model_id][3]
    assert rows[0].value == pytest.approx(expected) and rows[0].low == pytest.approx(expected - 0.02)
    worst = leaderboard.leaderboard(ws, project_id, experiment_ids=experiments, descending=True, limit=5).rows
    assert _best_first([r.value for r in reversed(worst)], direction)  # reversed: worst first
    assert worst[0].value == (min(values) if direction == "max" else max(values))


def test_best_first_across_both_metrics_puts_each_metric_best_first(big):
    ws, project_id, _, _ = big
    rows, _ = _all_pages(lambda **kw: leaderboard.leaderboard(ws, project_id, **kw), 100)
    for metric, direction in (("roc_auc", "max"), ("log_loss", "min")):
        values = [r.value for r in rows if r.metric == metric and r.value is not None]
        assert _best_first(values, direction)


def test_the_newest_benchmark_counts_and_latency_sorts_fastest_first(big):
    ws, project_id, _, _ = big
    page = leaderboard.leaderboard(ws, project_id, sort="p99_ms", limit=200)
    measured = [r for r in page.rows if r.p99_ms is not None]
    assert len(measured) == 120  # models 0, 4, ... 20 of each experiment (24, archived, is not listed)
    assert [r.p99_ms for r in measured] == sorted(r.p99_ms for r in measured)
    assert max(r.p99_ms for r in measured) < 999  # the older benchmark (999 ms) never shows
    assert all(r.throughput.keys() == {"1", "100", "10000"} and r.rows_per_s == r.throughput["10000"]
               for r in measured)
    assert all(r.p99_ms is None for r in page.rows[len(measured):])
    fastest = leaderboard.leaderboard(ws, project_id, sort="rows_per_s", limit=3).rows
    assert fastest[0].rows_per_s >= fastest[1].rows_per_s >= fastest[2].rows_per_s


def test_filters_narrow_and_combine(big):
    ws, project_id, _, data = big
    total = leaderboard.leaderboard(ws, project_id, limit=1).total
    by_learner = leaderboard.leaderboard(ws, project_id, learners=["rf"], limit=200)
    assert 0 < by_learner.total < total and {r.learner for r in by_learner.rows} == {"rf"}
    by_exp = leaderboard.leaderboard(ws, project_id, experiment_ids=["exp_03"], limit=200)
    assert by_exp.total == 24 and {r.experiment_id for r in by_exp.rows} == {"exp_03"}
    by_version = leaderboard.leaderboard(ws, project_id, version_ids=["dsv_b1"], limit=500)
    assert by_version.total == 240 and {r.version_label for r in by_version.rows} == {"iris v1"}
    by_hyp = leaderboard.leaderboard(ws, project_id, hypothesis_ids=["hyp_1"], limit=500)
    assert {r.hypothesis_statement for r in by_hyp.rows} == {"Churn can be predicted"}
    assert {r.verdict for r in by_hyp.rows} == {"supported"}
    both = leaderboard.leaderboard(ws, project_id, hypothesis_ids=["hyp_1"], learners=["rf"], limit=500)
    assert both.total == len([r for r in by_hyp.rows if r.learner == "rf"]) > 0
    candidates = leaderboard.leaderboard(ws, project_id, stages=["candidate"], limit=100)
    assert candidates.total == N_EXPERIMENTS and {r.stage for r in candidates.rows} == {"candidate"}
    archived = leaderboard.leaderboard(ws, project_id, stages=["archived"], include_archived=True, limit=100)
    assert archived.total == N_EXPERIMENTS and all(r.archived for r in archived.rows)
    assert leaderboard.leaderboard(ws, project_id, learners=[]).total == 0


def test_other_sort_keys(big):
    ws, project_id, _, _ = big
    for key, reverse in (("train_time", False), ("size", False), ("size_bytes", False), ("created_at", True),
                         ("learner", False)):
        rows = leaderboard.leaderboard(ws, project_id, sort=key, limit=300).rows
        field = {"size": "size_bytes"}.get(key, key)
        values = [getattr(r, field) for r in rows if getattr(r, field) is not None]
        assert values == sorted(values, reverse=reverse), key
        flipped = leaderboard.leaderboard(ws, project_id, sort=key, descending=not reverse, limit=300).rows
        values = [getattr(r, field) for r in flipped if getattr(r, field) is not None]
        assert values == sorted(values, reverse=not reverse), key
    oldest = leaderboard.leaderboard(ws, project_id, sort="-created_at", limit=1).rows[0]
    assert oldest.model_id == "mdl_00_00"
    vm = leaderboard.leaderboard(ws, project_id, experiment_ids=["exp_01"], sort="val_metric", limit=100).rows
    values = [r.val_metric for r in vm if r.val_metric is not None]
    assert values == sorted(values)  # log_loss: lowest first
    with pytest.raises(InvalidInput, match="sorted by"):
        leaderboard.leaderboard(ws, project_id, sort="nonsense")
    with pytest.raises(InvalidInput):
        leaderboard.leaderboard(ws, project_id, limit=0)


def test_rows_carry_their_context(big):
    ws, project_id, _, data = big
    (row,) = leaderboard.rows_of(ws, ["mdl_02_08"])
    assert (row.experiment_name, row.version_label, row.learner, row.trial) == ("search 02", "churn v1", "extra_tree", 56)
    assert row.run_id == "run_02_0056" and row.n_trials == RUNS_PER_EXPERIMENT and row.method == "holdout"
    run = next(r for r in data["runs"] if r[0] == "run_02_0056")
    assert row.train_time == pytest.approx(run[8]) and row.project_id == project_id
    assert [r.model_id for r in leaderboard.rows_of(ws, ["mdl_05_09", "nope", "mdl_01_01"])] == ["mdl_05_09",
                                                                                                   "mdl_01_01"]
    assert leaderboard.rows_of(ws, ["mdl_05_09"])[0].value is None  # never evaluated
    missing = leaderboard.unbenchmarked(ws, project_id)
    assert len(missing) == 480 - 120 and "mdl_00_00" not in missing and "mdl_00_01" in missing


def test_filter_options(big):
    ws, project_id, other_id, _ = big
    options = leaderboard.filter_options(ws, project_id)
    assert [e["id"] for e in options["experiments"]][:2] == ["exp_19", "exp_18"]  # newest first
    assert options["experiments"][0] | {} == {"id": "exp_19", "label": "search 19", "metric": "log_loss",
                                              "n_models": 25, "n_trials": 500}
    assert {v["label"] for v in options["versions"]} == {"churn v1", "iris v1"}
    assert {h["id"]: h["verdict"] for h in options["hypotheses"]} == {"hyp_1": "supported", "hyp_2": None}
    assert options["learners"] == sorted(LEARNERS)
    assert leaderboard.filter_options(ws, other_id)["experiments"] == []


# ---------------------------------------------------------------- trials across experiments

def test_runs_page_lists_every_trial_once_best_first(big):
    ws, project_id, _, data = big
    rows, totals = _all_pages(lambda **kw: leaderboard.runs_page(ws, project_id, **kw), 1000)
    assert totals == {10_000} and len({r.run_id for r in rows}) == 10_000
    losses = [r.val_loss for r in rows if r.val_loss is not None]
    assert losses == sorted(losses) and all(r.val_loss is None for r in rows[len(losses):])
    first = rows[0]
    source = next(r for r in data["runs"] if r[0] == first.run_id)
    assert first.params == json.loads(source[4]) and first.experiment_name.startswith("search ")


def test_runs_page_filters_and_sorts(big):
    ws, project_id, _, _ = big
    page = leaderboard.runs_page(ws, project_id, experiment_ids=["exp_04", "exp_05"], learners=["rf"], limit=1000)
    assert page.total == 200 and {(r.experiment_id, r.learner) for r in page.rows} == {("exp_04", "rf"),
                                                                                      ("exp_05", "rf")}
    failed = leaderboard.runs_page(ws, project_id, status="failed", limit=1000)
    assert 0 < failed.total < 1000 and all(r.val_loss is None for r in failed.rows)
    slow = leaderboard.runs_page(ws, project_id, sort="train_time", descending=True, limit=50).rows
    assert [r.train_time for r in slow] == sorted((r.train_time for r in slow), reverse=True)
    second = leaderboard.runs_page(ws, project_id, sort="train_time", descending=True, offset=50, limit=50).rows
    assert slow[-1].train_time >= second[0].train_time and not {r.run_id for r in slow} & {r.run_id for r in second}
    with pytest.raises(InvalidInput):
        leaderboard.runs_page(ws, project_id, sort="nonsense")


def test_trials_for_charts_thins_in_sql_and_keeps_the_best_so_far_steps(big):
    ws, project_id, _, data = big
    data_ = leaderboard.trials_for_charts(ws, project_id, max_trials=500)
    assert data_["metric"] in ("roc_auc", "log_loss") and data_["mixed_metrics"]
    assert 0 < len(data_["trials"]) <= 500 and data_["n_trials"] > 4000
    one = leaderboard.trials_for_charts(ws, project_id, experiment_ids=["exp_01"])
    assert one["metric"] == "log_loss" and not one["mixed_metrics"] and len(one["trials"]) == one["n_trials"]
    (label, steps), = one["series"].items()
    assert label == "search 01"
    scored = sorted((r[9], r[6]) for r in data["runs"] if r[1] == "exp_01" and r[6] is not None)
    best, expected = None, []
    for t, v in scored:
        if best is None or v < best:
            best = v
            expected.append((t, v))
    if expected[-1][0] != scored[-1][0]:
        expected.append(scored[-1])
    assert [t for t, _ in steps] == [t for t, _ in expected]
    assert [v for _, v in steps] == pytest.approx([v for _, v in expected])
