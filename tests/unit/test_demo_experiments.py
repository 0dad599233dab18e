"""The demo comes with a finished experiment per project: short searches the worker runs after seeding."""

from __future__ import annotations

import json

import pytest

from core import experiments, jobs
from core.cli import demo
from core.data import datasets
from core.define import hypotheses


@pytest.fixture
def no_worker(monkeypatch):
    """Record the demo's request for a worker instead of starting one (the test runs the jobs itself)."""
    calls: list[str] = []
    monkeypatch.setattr(jobs, "ensure_worker", lambda ws, **kw: calls.append(str(ws.root)) or True)
    return calls


def _cli(ws, capsys, *args: str) -> tuple[int, str, str]:
    from core.cli import main

    code = main(["--workspace", str(ws.root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_seeding_without_train_queues_nothing(ws, no_worker):
    result = demo.seed_demo(ws)
    assert result["created"] and result["experiments"] == [] and result["jobs"] == []
    assert experiments.list_experiments(ws) == [] and demo.demo_jobs(ws) == [] and no_worker == []


def test_each_demo_project_gets_a_short_search_linked_to_its_hypothesis(ws, no_worker):
    result = demo.seed_demo(ws, train=True)
    assert no_worker == [str(ws.root)]  # one background worker runs both
    made = [experiments.get_experiment(ws, e) for e in result["experiments"]]
    assert [e.project_id for e in made] == result["projects"][:2]  # the labeling demo has no labels to train on yet
    assert [e.target for e in made] == ["diagnosis", "churned"]
    for exp in made:
        hypothesis = hypotheses.get_hypothesis(ws, exp.hypothesis_id)
        assert hypothesis.project_id == exp.project_id and exp.metric == hypothesis.metric == "roc_auc"
        assert exp.name == demo.DEMO_SEARCH_NAME and exp.status == "queued"
        resolved = exp.spec["resolved"]
        assert resolved["time_budget"] == demo.DEMO_SEARCH_BUDGET and resolved["learners"] == list(demo.DEMO_LEARNERS)
    titles = [j.title for j in demo.demo_jobs(ws)]
    assert titles == ["Preparing the demo: a short search on breast_cancer",
                      "Preparing the demo: a short search on churn"]
    assert [j.id for j in demo.demo_jobs(ws)] == result["jobs"]


def test_the_worker_finishes_the_demo_searches_and_they_are_no_longer_being_prepared(ws, no_worker, monkeypatch):
    monkeypatch.setattr(demo, "DEMO_SEARCH_BUDGET", 2.0)  # the real demo allows 20 s each
    result = demo.seed_demo(ws, train=True)
    other = jobs.enqueue(ws, "sleep", {"seconds": 0}, title="Preparing the demo: not a search", start_worker=False)
    assert len(demo.demo_jobs(ws)) == 2  # only the demo's searches
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=3) == 3
    assert demo.demo_jobs(ws) == [] and jobs.get_job(ws, other.id).status == "done"
    for experiment_id in result["experiments"]:
        exp = experiments.get_experiment(ws, experiment_id)
        assert exp.status == "done" and exp.best_model_id
        model = experiments.get_model(ws, exp.best_model_id)
        assert model.holdout["roc_auc"] > 0.7
    churn = experiments.get_experiment(ws, result["experiments"][1])
    bundle = experiments.load_model(ws, churn.best_model_id)
    assert "customer_id" not in bundle.input_columns  # "the customer id must never be used as a feature"


def test_a_cancelled_demo_search_is_no_longer_being_prepared(ws, no_worker):
    result = demo.seed_demo(ws, train=True)
    first, second = result["jobs"]
    experiments.cancel_experiment(ws, result["experiments"][1])
    assert [j.id for j in demo.demo_jobs(ws)] == [first]


def test_mlcycle_demo_says_the_searches_are_being_prepared_and_where_to_watch(ws, capsys, no_worker):
    code, out, err = _cli(ws, capsys, "demo")
    assert code == 0, err
    assert "Preparing a short search for each of 2 demo projects" in out and "mlcycle jobs list" in out
    assert len(demo.demo_jobs(ws)) == 2 and no_worker
    code, out, _ = _cli(ws, capsys, "demo", "--if-empty", "--json")  # `make run` on a seeded workspace
    assert code == 0 and json.loads(out)["created"] is False and len(demo.demo_jobs(ws)) == 2


def test_mlcycle_demo_no_train_seeds_without_searches(ws, capsys, no_worker):
    code, out, err = _cli(ws, capsys, "demo", "--if-empty", "--no-train", "--json")
    assert code == 0, err
    seeded = json.loads(out)
    assert seeded["created"] and seeded["jobs"] == [] and experiments.list_experiments(ws) == []
    assert {d.name for d in datasets.list_datasets(ws)} >= {"breast_cancer", "churn"} and no_worker == []
