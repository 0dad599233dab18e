"""Saved feature sets in the experiment step: the spec names the set, the experiment uses exactly its
columns and records it (by name, with lineage), and a set that does not fit is refused with a reason."""

from __future__ import annotations

import json

import pytest

from core import experiments, jobs
from core.data import datasets
from core.errors import InvalidInput, NotFound
from core.experiments.search import SearchConfig
from core.store import lineage
from tests.tiny_models import churn_frame

QUICK = {"time_budget": None, "max_trials": 1, "learners": ("lgbm",), "n_jobs": 1}


@pytest.fixture
def sets():
    """``core.features.service``: where feature sets are saved."""
    from core.features import service

    return service


def _version(ws, tmp_path, name: str = "churn.csv", drop: tuple[str, ...] = ()):
    frame = churn_frame()
    frame["noise"] = range(len(frame))
    path = tmp_path / name
    frame.drop(columns=list(drop)).to_csv(path, index=False)
    return datasets.add_dataset(ws, path).version


def test_the_spec_names_its_feature_set_and_round_trips():
    config = SearchConfig(target="churned", feature_columns=("x1", "plan"), feature_set="fset_5f0c1a9e2b7d")
    stored = json.loads(json.dumps(config.as_dict()))
    assert stored["feature_set"] == "fset_5f0c1a9e2b7d"
    assert SearchConfig.from_dict(stored) == config


def test_a_spec_stored_before_feature_sets_still_loads():
    old = SearchConfig(target="churned", feature_columns=("x1",)).as_dict()
    del old["feature_set"]
    loaded = SearchConfig.from_dict(old)
    assert loaded.feature_set is None and loaded.feature_columns == ("x1",)


def test_the_sets_columns_become_the_feature_columns_and_the_experiment_records_it(ws, tmp_path, sets):
    version = _version(ws, tmp_path)
    fs = sets.save_set(ws, version.id, "two strong", ["x1", "plan"], target="churned")
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="churned", feature_set=fs.id, **QUICK),
                                        start_worker=False)
    assert exp.spec["search"]["feature_set"] == fs.id
    assert exp.spec["search"]["feature_columns"] == ["x1", "plan"]  # what the worker's search runs with
    assert exp.spec["resolved"]["feature_columns"] == ["x1", "plan"]
    assert exp.spec["resolved"]["feature_set"] == {"id": fs.id, "name": "two strong", "columns": ["x1", "plan"]}
    links = {(link.relation, link.to_kind, link.to_id) for link in lineage.list_links(ws, "experiment", exp.id)}
    assert ("uses_features", "feature_set", fs.id) in links


def test_without_a_set_nothing_is_recorded(ws, tmp_path, sets):
    version = _version(ws, tmp_path)
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="churned", **QUICK), start_worker=False)
    assert exp.spec["search"]["feature_set"] is None and "feature_set" not in exp.spec["resolved"]
    assert "noise" in exp.spec["resolved"]["feature_columns"]
    assert not [link for link in lineage.list_links(ws, "experiment", exp.id) if link.relation == "uses_features"]


def test_the_same_columns_given_with_the_set_are_accepted_in_their_order(ws, tmp_path, sets):
    version = _version(ws, tmp_path)
    fs = sets.save_set(ws, version.id, "two strong", ["x1", "plan"], target="churned")
    exp = experiments.create_experiment(
        ws, version.id, SearchConfig(target="churned", feature_set=fs.id, feature_columns=("plan", "x1"), **QUICK),
        start_worker=False)
    assert exp.spec["resolved"]["feature_columns"] == ["plan", "x1"]
    assert exp.spec["resolved"]["feature_set"]["name"] == "two strong"


@pytest.mark.slow
def test_the_trained_model_uses_exactly_the_sets_columns(ws, tmp_path, sets):
    version = _version(ws, tmp_path)
    fs = sets.save_set(ws, version.id, "two strong", ["x1", "plan"], target="churned")
    searched = {"time_budget": 3.0, "learners": ("lgbm", "lrl2"), "n_jobs": 1}
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="churned", feature_set=fs.id, **searched),
                                        start_worker=False)
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    exp = experiments.get_experiment(ws, exp.id)
    assert exp.status == "done", exp.error
    bundle = experiments.load_model(ws, exp.best_model_id)
    assert list(bundle.input_columns) == ["x1", "plan"]


def _nothing_written(ws) -> bool:
    return not experiments.list_experiments(ws)


def test_columns_that_differ_from_the_set_are_refused(ws, tmp_path, sets):
    version = _version(ws, tmp_path)
    fs = sets.save_set(ws, version.id, "two strong", ["x1", "plan"], target="churned")
    with pytest.raises(InvalidInput) as caught:
        experiments.create_experiment(
            ws, version.id, SearchConfig(target="churned", feature_set=fs.id, feature_columns=("x1", "x2"), **QUICK),
            start_worker=False)
    assert caught.value.message == ("The feature columns do not match feature set 'two strong': only in the set: "
                                    "'plan'; only in the columns given: 'x2'.")
    assert "feature set alone" in caught.value.hint
    assert _nothing_written(ws)


def test_an_unknown_set_is_refused(ws, tmp_path, sets):
    version = _version(ws, tmp_path)
    with pytest.raises(NotFound):
        experiments.create_experiment(ws, version.id, SearchConfig(target="churned", feature_set="fset_nope", **QUICK),
                                      start_worker=False)
    assert _nothing_written(ws)


def test_a_set_with_columns_the_version_lacks_or_with_the_target_is_refused(ws, tmp_path, sets):
    version = _version(ws, tmp_path)
    fs = sets.save_set(ws, version.id, "with noise", ["x1", "noise"], target="churned")
    other = _version(ws, tmp_path, "other.csv", drop=("noise",))
    def refused(on, target: str) -> str:
        with pytest.raises(InvalidInput) as caught:
            experiments.create_experiment(ws, on.id, SearchConfig(target=target, feature_set=fs.id, **QUICK),
                                          start_worker=False)
        assert caught.value.hint == "Choose another feature set, or choose the columns yourself."
        return caught.value.message

    assert refused(other, "churned") == f"Feature set 'with noise' has columns that {other.label} lacks: 'noise'."
    assert refused(version, "x1") == "Feature set 'with noise' includes the target 'x1'."
    sets.archive_set(ws, fs.id)
    assert refused(version, "churned") == "Feature set 'with noise' is archived."
    assert _nothing_written(ws)


def test_the_model_card_names_the_set(ws, tmp_path, sets):
    from core.explain.card import build_card
    from tests.tiny_models import add_model

    version = _version(ws, tmp_path)
    fs = sets.save_set(ws, version.id, "two strong", ["x1", "plan"], target="churned")
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="churned", feature_set=fs.id, **QUICK),
                                        start_worker=False)
    model = add_model(ws, exp)
    rows = [row for section in build_card(ws, model.id).sections for table in section.tables for row in table.rows]
    assert ["Input columns", "2 (feature set 'two strong'): x1, plan"] in rows


def test_the_cli_runs_with_a_set_named_or_by_id(ws, tmp_path, sets, capsys, monkeypatch):
    from core.cli import main

    monkeypatch.setattr(jobs, "ensure_worker", lambda *a, **k: False)  # nothing trains
    version = _version(ws, tmp_path)
    fs = sets.save_set(ws, version.id, "two strong", ["x1", "plan"], target="churned")
    for ref in ("two strong", fs.id):
        code = main(["--workspace", str(ws.root), "experiments", "run", "--dataset", "churn", "--target", "churned",
                     "--feature-set", ref, "--budget", "5", "--json"])
        out = capsys.readouterr()
        assert code == 0, out.err
        data = json.loads(out.out)
        assert data["feature_set"] == {"id": fs.id, "name": "two strong", "columns": ["x1", "plan"]}
        assert data["spec"]["resolved"]["feature_columns"] == ["x1", "plan"]
    code = main(["--workspace", str(ws.root), "experiments", "run", "--dataset", "churn", "--target", "churned",
                 "--feature-set", "two strong"])
    out = capsys.readouterr()
    assert code == 0 and "with feature set 'two strong' (2 columns)" in out.out
    code = main(["--workspace", str(ws.root), "experiments", "run", "--dataset", "churn", "--target", "churned",
                 "--feature-set", "no such set"])
    assert code != 0 and "no such set" in capsys.readouterr().err
