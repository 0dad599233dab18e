"""Reads that pages repeat on every rerun stay cheap: artifacts hashed once, no query per item."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.data import datasets
from core.errors import Corrupted
from tests.conftest import SAMPLES


@pytest.fixture
def churn(ws):
    return datasets.add_dataset(ws, SAMPLES / "churn.csv").version


def test_reading_one_column_again_does_not_hash_the_whole_file_again(ws, churn, monkeypatch):
    from core.store import artifacts

    hashed: list[Path] = []
    real = artifacts.sha256_file
    monkeypatch.setattr(artifacts, "sha256_file", lambda path: hashed.append(path) or real(path))
    first = datasets.load_table(ws, churn.id, columns=["churned"])
    for _ in range(3):
        assert datasets.load_table(ws, churn.id, columns=["churned"]).equals(first)
    assert hashed == [ws.artifacts.path(churn.artifact)]


def test_a_version_whose_file_is_rewritten_between_reads_is_corrupted(ws, churn):
    datasets.load_frame(ws, churn.id, columns=["churned"])
    path = ws.artifacts.path(churn.artifact)
    path.chmod(0o644)
    path.write_bytes(path.read_bytes()[:-1] + b"x")
    with pytest.raises(Corrupted, match=churn.artifact[:12]):
        datasets.load_frame(ws, churn.id, columns=["churned"])


# ---------------------------------------------------------------- no query per item


def _count_queries(monkeypatch) -> list[str]:
    """Record every SQL statement sent to the store (connection pragmas left out)."""
    from sqlite_utils import Database

    sent: list[str] = []
    real = Database.execute

    def counted(self, sql, *args, **kw):
        if not sql.lstrip().upper().startswith("PRAGMA"):
            sent.append(sql)
        return real(self, sql, *args, **kw)

    monkeypatch.setattr(Database, "execute", counted)
    return sent


def _project_with_datasets(ws, n: int):
    from core.define import projects

    project = projects.create_project(ws, f"project with {n}")
    for sample in ["iris.csv", "wine.csv", "diabetes.csv", "breast_cancer.csv"][:n]:
        v1 = datasets.add_dataset(ws, SAMPLES / sample, project_id=project.id).version
        datasets.derive_version(ws, v1.id, {"op": "drop_columns", "columns": [v1.columns[0]]})
    return project


def test_the_versions_of_many_datasets_come_from_one_query(ws, monkeypatch):
    project = _project_with_datasets(ws, 4)
    owned = datasets.list_datasets(ws, project_id=project.id)
    expected = {d.id: datasets.list_versions(ws, d.id) for d in owned}
    sent = _count_queries(monkeypatch)
    got = datasets_reads().list_versions_of(ws, [*expected, "ds_unknown"])
    assert len(sent) == 1
    assert got == {**expected, "ds_unknown": []} and list(got) == [*expected, "ds_unknown"]
    assert all(len(v) == 2 for v in expected.values())
    assert datasets_reads().list_versions_of(ws, []) == {} and len(sent) == 1


def datasets_reads():
    from core.data import reads

    return reads


def _lineage_queries(ws, monkeypatch, dataset_id: str):
    sent = _count_queries(monkeypatch)
    graph = datasets.lineage_graph(ws, dataset_id)
    monkeypatch.undo()
    return len(sent), graph


def test_the_lineage_graph_makes_the_same_number_of_queries_however_many_nodes(ws, monkeypatch):
    from core.define import hypotheses

    project = _project_with_datasets(ws, 1)
    (ds,) = datasets.list_datasets(ws, project_id=project.id)

    def hypothesis(i: int):
        h = hypotheses.create_hypothesis(ws, project.id, question=f"q{i}", metric="accuracy", threshold=0.9,
                                         statement=f"Petal size alone separates the species, take {i}, "
                                                   "with a long statement")
        datasets.link_dataset_to_hypothesis(ws, ds.id, h.id)
        return h

    hypothesis(0)
    few, small = _lineage_queries(ws, monkeypatch, ds.id)
    for i in range(1, 6):
        hypothesis(i)
    many, large = _lineage_queries(ws, monkeypatch, ds.id)
    assert len(large.nodes) == len(small.nodes) + 5
    assert many == few
    labels = {n.kind: n.label for n in large.nodes if n.kind == "hypothesis"}
    assert labels["hypothesis"] == "Petal size alone separates the species,…"  # 40 characters at most


def test_the_lineage_graph_labels_every_kind_of_node(ws, monkeypatch, tmp_path):
    from core import experiments
    from core.define import hypotheses
    from core.experiments.search import SearchConfig
    from core.ids import new_id, utcnow
    from core.store.lineage import add_link

    project = _project_with_datasets(ws, 1)
    (ds,) = datasets.list_datasets(ws, project_id=project.id)
    h = hypotheses.create_hypothesis(ws, project.id, question="q", statement="Short claim", metric="accuracy",
                                     threshold=0.9)
    datasets.link_dataset_to_hypothesis(ws, ds.id, h.id)
    latest = datasets.latest_version(ws, ds.id)
    exp = experiments.create_experiment(ws, latest.id, SearchConfig(target="species", time_budget=1),
                                        hypothesis_id=h.id, name="species search", start_worker=False)
    model_id = new_id("mdl")
    with ws.write() as db:  # a model row as a finished search leaves it (training one is slow)
        db["models"].insert({"id": model_id, "experiment_id": exp.id, "learner": "lgbm", "config": "{}",
                             "artifact": "0" * 64, "size_bytes": 0, "created_at": utcnow()})
        add_link(db, "model", model_id, "produced_by", "experiment", exp.id)
    other = datasets.add_dataset(ws, SAMPLES / "wine.csv").version
    with ws.write() as db:  # a parent version in another dataset
        add_link(db, "dataset_version", latest.id, "joined_with", "dataset_version", other.id)
    sent = _count_queries(monkeypatch)
    graph = datasets.lineage_graph(ws, ds.id)
    labels = {n.id: (n.kind, n.label) for n in graph.nodes}
    assert labels[h.id] == ("hypothesis", "Short claim")
    assert labels[exp.id] == ("experiment", "species search")
    assert labels[model_id] == ("model", "lgbm")
    assert labels[other.id] == ("dataset_version", "wine v1")
    assert labels[exp.train_version_id][1].startswith(f"{ds.name} v")
    assert (model_id, exp.id, "produced_by") in {(e.source, e.target, e.relation) for e in graph.edges}
    # the dataset, its versions, its links, the models' links, then one query per kind of node
    assert len(sent) <= 4 + len({n.kind for n in graph.nodes})


def test_experiments_list_reads_the_best_models_in_one_query(ws, monkeypatch):
    import argparse

    from core import experiments
    from core.cli import experiments as cli
    from core.experiments.search import SearchConfig
    from core.ids import new_id, utcnow

    version = datasets.add_dataset(ws, SAMPLES / "iris.csv").version

    def experiment_with_model(learner: str):
        exp = experiments.create_experiment(ws, version.id, SearchConfig(target="species", time_budget=1),
                                            start_worker=False)
        model_id = new_id("mdl")
        with ws.write() as db:  # the model a finished search leaves (training one is slow)
            db["models"].insert({"id": model_id, "experiment_id": exp.id, "learner": learner, "config": "{}",
                                 "artifact": "0" * 64, "size_bytes": 0, "holdout": '{"accuracy": 0.9}',
                                 "created_at": utcnow()})
            db["experiments"].update(exp.id, {"best_model_id": model_id, "status": "done"})
        return exp.id, model_id

    def listed():
        sent = _count_queries(monkeypatch)
        data, text = cli.cmd_list(ws, argparse.Namespace(project=None))
        monkeypatch.undo()
        return len(sent), data

    experiment_with_model("lgbm")
    experiments.create_experiment(ws, version.id, SearchConfig(target="species", time_budget=1),
                                  start_worker=False)  # one still queued, without a model
    few, _ = listed()
    made = dict(experiment_with_model(learner) for learner in ("rf", "extra_tree", "lrl1"))  # noqa: C402
    many, data = listed()
    assert many == few == 2
    rows = {row["id"]: row for row in data["experiments"]}
    assert len(rows) == 5
    for exp_id, model_id in made.items():
        assert rows[exp_id]["best_model_id"] == model_id and rows[exp_id]["holdout"] == {"accuracy": 0.9}
    assert sorted(r["learner"] or "-" for r in rows.values()) == ["-", "extra_tree", "lgbm", "lrl1", "rf"]
