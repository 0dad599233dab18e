"""The Experiments page: the live view reads only new trials; refit and reproduce run as jobs."""

from __future__ import annotations

import math

import pytest

from core import experiments, jobs
from core.data import datasets
from core.experiments import service
from core.experiments.search import SearchConfig, TrialRecord
from tests.conftest import SAMPLES, make_project

PAGE = "app_pages/experiments.py"


@pytest.fixture
def no_worker(monkeypatch):
    """Queue jobs without starting a worker process; the test runs them with ``jobs.run_worker``."""
    from core.jobs import worker

    monkeypatch.setattr(worker, "ensure_worker", lambda *args, **kwargs: False)


def _queued_experiment(ws):
    """A project with an experiment queued on the breast-cancer sample (nothing trains)."""
    project = make_project(ws)
    version = datasets.add_dataset(ws, SAMPLES / "breast_cancer.csv", project_id=project.id).version
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="diagnosis", time_budget=60),
                                        project_id=project.id, start_worker=False)
    return project, exp


def _store_trials(ws, exp, losses: list[float], *, first: int = 0) -> None:
    """Mirror trials into the store the way the automl job does."""
    for trial, loss in enumerate(losses, start=first):
        ok = math.isfinite(loss)
        service._store_run(ws, exp, TrialRecord(
            trial=trial, learner="lrl2", config={"C": 1.0}, val_loss=loss, val_metric=1 - loss if ok else None,
            metric=exp.metric, train_time=0.1, wall_offset=float(trial), sample_size=None,
            status="ok" if ok else "failed", is_best=False))


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _trials_table(at):
    return next(d.value for d in at.dataframe if "trial" in d.value.columns)


def test_the_live_view_reads_only_new_trials_and_shows_every_one(app, ws, monkeypatch):
    project, exp = _queued_experiment(ws)
    _store_trials(ws, exp, [0.3, 0.2, 0.4])
    reads: list[int | None] = []
    real = experiments.list_runs

    def counted(ws, experiment_id, **kwargs):
        reads.append(kwargs.get("after_trial"))
        return real(ws, experiment_id, **kwargs)

    monkeypatch.setattr(experiments, "list_runs", counted)
    at = app(PAGE, session={"active_project_id": project.id, "exp_selected": exp.id})
    assert not at.exception, at.exception
    assert _metric(at, "Trials") == "3"

    _store_trials(ws, exp, [0.1, math.inf], first=3)  # two more trials finish before the next poll
    at.run()
    assert _metric(at, "Trials") == "5"

    _store_trials(ws, exp, [0.15], first=5)
    experiments.cancel_experiment(ws, exp.id)  # stopped: its runs are final
    at.run()
    assert not at.exception, at.exception
    assert _metric(at, "Trials") == "6"
    table = _trials_table(at)
    assert list(table["trial"]) == [3, 5, 1, 0, 2, 4]  # every trial, best first, the failed one last
    assert reads == [None, 2, 4]  # each poll asked only for newer trials; a stopped search is read once more

    at.run()
    assert reads == [None, 2, 4] and len(_trials_table(at)) == 6


def test_refitting_a_stopped_search_queues_a_job_and_shows_its_progress(app, ws, no_worker):
    project, exp = _queued_experiment(ws)
    _store_trials(ws, exp, [0.3, 0.2])
    experiments.cancel_experiment(ws, exp.id)
    at = app(PAGE, session={"active_project_id": project.id, "exp_selected": exp.id})
    assert any("stopped before its best model was refit" in i.value for i in at.info)
    at.button(key=f"exp_refit_{exp.id}").click().run()
    assert not at.exception, at.exception
    (job,) = jobs.list_jobs(ws, kind="refit")
    assert job.status == "queued" and job.payload == {"experiment_id": exp.id}
    assert any(job.title in m.value and "queued" in m.value for m in at.markdown)  # the job's progress panel
    assert not [b for b in at.button if b.key == f"exp_refit_{exp.id}"]  # no second refit while one is pending
    assert experiments.get_experiment(ws, exp.id).best_model_id is None  # nothing trained in the page


@pytest.mark.slow
def test_a_finished_refit_shows_the_model_and_a_reproduce_job_shows_identical_predictions(app, ws, no_worker):
    project, exp = _queued_experiment(ws)
    _store_trials(ws, exp, [0.3, 0.2])
    experiments.cancel_experiment(ws, exp.id)
    at = app(PAGE, session={"active_project_id": project.id, "exp_selected": exp.id})
    at.button(key=f"exp_refit_{exp.id}").click().run()
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    at.run()
    assert not at.exception, at.exception
    model_id = experiments.get_experiment(ws, exp.id).best_model_id
    assert model_id and any(s.value == "Best model" for s in at.subheader)
    assert any(model_id in m.value for m in at.markdown)

    at.button(key=f"exp_reproduce_{model_id}").click().run()
    (job,) = jobs.list_jobs(ws, kind="reproduce")
    assert job.payload == {"model_id": model_id} and job.status == "queued"
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    at.run()
    assert not at.exception, at.exception
    assert any("Identical predictions on" in s.value for s in at.success)
    assert [b.label for b in at.button if b.key == f"exp_reproduce_{model_id}"] == ["Reproduce again"]
