"""An experiment that retrains another (the Monitor step's "Retrain"): its spec names the old experiment,
the lineage links the two, an old spec without the field still loads, and an unknown id is refused
before anything is written."""

from __future__ import annotations

import json

import pytest

from core import experiments
from core.data import datasets
from core.errors import NotFound
from core.experiments.search import SearchConfig
from core.store import lineage
from tests.tiny_models import churn_frame

QUICK = {"time_budget": None, "max_trials": 1, "learners": ("lgbm",), "n_jobs": 1}


def _version(ws, tmp_path, name: str = "churn.csv", rows: int = 200):
    path = tmp_path / name
    churn_frame(rows).to_csv(path, index=False)
    return datasets.add_dataset(ws, path).version


def test_the_spec_names_the_experiment_it_retrains_and_round_trips():
    config = SearchConfig(target="churned", learners=("lgbm",), retrained_from="exp_5f0c1a9e2b7d")
    stored = json.loads(json.dumps(config.as_dict()))
    assert stored["retrained_from"] == "exp_5f0c1a9e2b7d"
    assert SearchConfig.from_dict(stored) == config


def test_a_spec_stored_before_retraining_existed_still_loads():
    old = SearchConfig(target="churned", seed=3).as_dict()
    del old["retrained_from"]
    loaded = SearchConfig.from_dict(old)
    assert loaded.retrained_from is None and loaded.seed == 3


def test_the_new_experiment_records_the_old_one_in_its_spec_and_lineage(ws, tmp_path):
    first = _version(ws, tmp_path)
    old = experiments.create_experiment(ws, first.id, SearchConfig(target="churned", **QUICK), start_worker=False)
    more = _version(ws, tmp_path, "more.csv", rows=260)
    new = experiments.create_experiment(ws, more.id, SearchConfig(target="churned", retrained_from=old.id, **QUICK),
                                        start_worker=False)
    assert new.spec["search"]["retrained_from"] == old.id
    links = {(link.from_id, link.relation, link.to_kind, link.to_id)
             for link in lineage.list_links(ws, "experiment", new.id)}
    assert (new.id, "retrained_from", "experiment", old.id) in links
    # the old experiment retrains nothing
    assert old.spec["search"]["retrained_from"] is None
    assert not [link for link in lineage.list_links(ws, "experiment", old.id)
                if link.relation == "retrained_from" and link.from_id == old.id]


def test_an_unknown_experiment_to_retrain_is_refused_before_anything_is_written(ws, tmp_path):
    version = _version(ws, tmp_path)
    with pytest.raises(NotFound, match="There is no experiment with id 'exp_000000000000'"):
        experiments.create_experiment(ws, version.id,
                                      SearchConfig(target="churned", retrained_from="exp_000000000000", **QUICK),
                                      start_worker=False)
    assert experiments.list_experiments(ws) == []
    assert [v.number for v in datasets.list_versions(ws, version.dataset_id)] == [1]  # no split was made
