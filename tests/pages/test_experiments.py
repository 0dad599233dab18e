"""The Experiments page: the live view reads only new trials; the best model says why it was chosen and
the best validation trial can be refit instead; refit and reproduce run as jobs; a hypothesis sets the
metric; the URL names the experiment and the open view; every view reads in Korean."""

from __future__ import annotations

import json
import math

import pytest

from core import experiments, jobs
from core.data import datasets
from core.define import hypotheses
from core.experiments import service
from core.experiments.search import SearchConfig, TrialRecord
from core.ids import new_id, utcnow
from tests.conftest import SAMPLES, make_project
from tests.pages.conftest import REPO_ROOT

PAGE = "app_pages/experiments.py"


@pytest.fixture
def no_worker(monkeypatch):
    """Queue jobs without starting a worker process; the test runs them with ``jobs.run_worker``."""
    from core.jobs import worker

    monkeypatch.setattr(worker, "ensure_worker", lambda *args, **kwargs: False)


def open_page(**params: str):
    """Run the app on the Experiments page with these URL parameters (as a link or a reload would)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(PAGE)
    at.run()
    return at


def _queued_experiment(ws, project=None):
    """A project with an experiment queued on the breast-cancer sample (nothing trains)."""
    project = project or make_project(ws)
    version = datasets.add_dataset(ws, SAMPLES / "breast_cancer.csv", project_id=project.id).version
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="diagnosis", time_budget=60),
                                        project_id=project.id, start_worker=False)
    return project, exp


def _store_trials(ws, exp, losses: list[float], *, first: int = 0, learner: str = "lrl2",
                  se: float | None = None, defaults: tuple[int, ...] = ()) -> None:
    """Mirror trials into the store the way the automl job does (``defaults``: trials with a default config)."""
    for trial, loss in enumerate(losses, start=first):
        ok = math.isfinite(loss)
        service._store_run(ws, exp, TrialRecord(
            trial=trial, learner=learner, config={"C": 1.0 if trial in defaults else 0.25 + trial},
            val_loss=loss, val_metric=1 - loss if ok else None, metric=exp.metric, train_time=0.1,
            wall_offset=float(trial), sample_size=None, status="ok" if ok else "failed", is_best=False,
            val_loss_se=se, is_default=trial in defaults))


def _one_standard_error_search(ws, project=None):
    """A stopped search whose best validation trial (2, tuned) is within one standard error of a default (0)."""
    project, exp = _queued_experiment(ws, project)
    _store_trials(ws, exp, [0.030, 0.045, 0.022], se=0.01, defaults=(0,))
    experiments.cancel_experiment(ws, exp.id)
    return project, experiments.get_experiment(ws, exp.id)


def _fake_model(ws, exp, trial: int, selection: dict | None) -> str:
    """A model row for one trial, as the search stores it (no artifact: the overview does not load it)."""
    run_id = next(r.id for r in experiments.list_runs(ws, exp.id) if r.trial == trial)
    model_id = new_id("mdl")
    with ws.write() as db:
        db["models"].insert({
            "id": model_id, "experiment_id": exp.id, "run_id": run_id, "learner": "lrl2",
            "config": json.dumps({"C": 1.0}), "artifact": "0" * 64, "size_bytes": 2048,
            "holdout": json.dumps({"n_rows": 114.0, "roc_auc": 0.9912345678, "accuracy": 0.9561403508771931}),
            "environment": "{}", "reference_stats": None, "selection": json.dumps(selection) if selection else None,
            "created_at": utcnow(),
        })
        db["experiments"].update(exp.id, {"best_model_id": model_id, "best_run_id": run_id})
    return model_id


def _rule_selection(ws, exp) -> dict:
    """What the search's rule records for these trials."""
    from core.experiments.search import choose

    return choose(service.trial_records(exp, experiments.list_runs(ws, exp.id)))[1].as_dict()


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _trials_table(at):
    return next(d.value for d in at.dataframe if "trial" in d.value.columns)


def _texts(at) -> list[str]:
    return [e.value for kind in ("markdown", "caption", "info", "warning", "success", "error")
            for e in getattr(at, kind)]


def test_the_live_view_reads_only_new_trials_and_shows_every_one(ws, monkeypatch):
    project, exp = _queued_experiment(ws)
    _store_trials(ws, exp, [0.3, 0.2, 0.4])
    reads: list[int | None] = []
    real = experiments.list_runs

    def counted(ws, experiment_id, **kwargs):
        reads.append(kwargs.get("after_trial"))
        return real(ws, experiment_id, **kwargs)

    monkeypatch.setattr(experiments, "list_runs", counted)
    at = open_page(project=project.id, experiment=exp.id)
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
    assert reads == [None, 2, 4]  # each poll asked only for newer trials; a stopped search is read once more

    at.query_params["tab"] = "trials"  # the Trials view, from what was read already
    at.run()
    table = _trials_table(at)
    assert list(table["trial"]) == [3, 5, 1, 0, 2, 4]  # every trial, best first, the failed one last
    assert table.loc[table["trial"] == 3, "note"].item() == "best validation"
    assert reads == [None, 2, 4]
    assert not at.metric  # only the open view runs: the overview's numbers are not drawn


def test_the_url_names_the_experiment_and_the_view(ws):
    project, first = _queued_experiment(ws)
    _, second = _queued_experiment(ws, project)
    at = open_page(project=project.id)
    assert at.selectbox(key="url_experiment").value == second.id  # the newest by default, not written
    assert "experiment" not in at.query_params
    at = open_page(project=project.id, experiment=first.id, tab="data")
    assert at.selectbox(key="url_experiment").value == first.id
    assert any(f"`{first.id[:8]}…`" in m.value for m in at.markdown)  # its name with the short id
    links = [p for p in at.main.get("page_link")]
    data_link = next(p for p in links if "Data version" in p.proto.label)
    assert data_link.proto.page.endswith("datasets") or "datasets" in data_link.proto.page
    assert not at.metric and not at.dataframe  # the overview and the trials are not drawn
    settings = [t.value for t in at.table]
    assert any("Target" in list(frame["name"]) for frame in settings)  # readable settings, no JSON dump
    assert not at.get("json")
    at.selectbox(key="url_experiment").select(second.id).run()
    assert at.query_params["experiment"] in (second.id, [second.id])


def test_the_best_model_says_which_rule_chose_it_with_the_numbers(ws, no_worker):
    project, exp = _one_standard_error_search(ws)
    _fake_model(ws, exp, 0, _rule_selection(ws, exp))
    at = open_page(project=project.id, experiment=exp.id)
    assert not at.exception, at.exception
    why = next(m for m in _texts(at) if "one-standard-error rule" in m)
    assert "trial 2 (lrl2, ROC AUC 0.978)" in why  # the best validation trial and its score
    assert "trial 0 (lrl2, ROC AUC 0.97)" in why  # the default the rule kept, and its score
    assert "one standard error (0.01)" in why
    assert any("refit from trial 0" in m for m in _texts(at))
    assert any(t.value["value"].tolist()[:1] == ["0.9912"] for t in at.table)  # held-out scores, rounded

    at.button(key=f"exp_refit_best_{exp.id}").click().run()
    assert not at.exception, at.exception
    (job,) = jobs.list_jobs(ws, kind="refit")
    assert job.payload == {"experiment_id": exp.id, "choice": "best_validation"} and job.status == "queued"
    assert any(job.title in m.value for m in at.markdown)  # its progress panel
    assert not [b for b in at.button if b.key == f"exp_refit_best_{exp.id}"]  # no second job while one waits


def test_a_model_stored_before_the_reason_was_recorded_is_explained_from_its_runs(ws):
    project, exp = _one_standard_error_search(ws)
    _fake_model(ws, exp, 0, None)
    at = open_page(project=project.id, experiment=exp.id)
    assert any("one-standard-error rule" in m for m in _texts(at))


def test_a_best_validation_model_needs_no_second_refit(ws):
    project, exp = _queued_experiment(ws)
    _store_trials(ws, exp, [0.3, 0.2], se=0.01)
    experiments.cancel_experiment(ws, exp.id)
    exp = experiments.get_experiment(ws, exp.id)
    _fake_model(ws, exp, 1, _rule_selection(ws, exp))
    at = open_page(project=project.id, experiment=exp.id)
    assert any("The best validation score: trial 1" in m for m in _texts(at))
    assert not [b for b in at.button if b.key == f"exp_refit_best_{exp.id}"]


def test_refitting_a_stopped_search_queues_a_job_and_shows_its_progress(ws, no_worker):
    project, exp = _queued_experiment(ws)
    _store_trials(ws, exp, [0.3, 0.2])
    experiments.cancel_experiment(ws, exp.id)
    at = open_page(project=project.id, experiment=exp.id)
    assert any("stopped before its best model was refit" in i.value for i in at.info)
    at.button(key=f"exp_refit_{exp.id}").click().run()
    assert not at.exception, at.exception
    (job,) = jobs.list_jobs(ws, kind="refit")
    assert job.status == "queued" and job.payload == {"experiment_id": exp.id}
    assert any(job.title in m.value and "queued" in m.value for m in at.markdown)  # the job's progress panel
    assert not [b for b in at.button if b.key == f"exp_refit_{exp.id}"]  # no second refit while one is pending
    assert experiments.get_experiment(ws, exp.id).best_model_id is None  # nothing trained in the page


@pytest.mark.slow
def test_refit_the_best_validation_trial_then_switch_back_to_the_rules_model(ws, no_worker):
    project, exp = _one_standard_error_search(ws)
    experiments.enqueue_refit(ws, exp.id, start_worker=False)
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    rules = experiments.get_experiment(ws, exp.id).best_model_id
    assert experiments.get_model(ws, rules).selection["rule"] == "one_standard_error"

    at = open_page(project=project.id, experiment=exp.id)
    at.button(key=f"exp_refit_best_{exp.id}").click().run()
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    at.run()
    assert not at.exception, at.exception
    chosen = experiments.get_model(ws, experiments.get_experiment(ws, exp.id).best_model_id)
    assert chosen.id != rules and chosen.selection["rule"] == "best_validation_by_user"
    assert chosen.run_id == next(r.id for r in experiments.list_runs(ws, exp.id) if r.trial == 2)
    texts = _texts(at)
    assert any("You chose the best validation trial" in m and "trial 2" in m for m in texts)
    assert any("current model" in m for m in texts)  # which one is current is said
    assert any("Other models of this experiment" in m for m in texts)

    at.button(key=f"exp_use_{rules}").click().run()  # back to the rule's choice, one click
    assert not at.exception, at.exception
    assert experiments.get_experiment(ws, exp.id).best_model_id == rules
    assert any("one-standard-error rule" in m for m in _texts(at))
    assert any(f"`{chosen.id[:8]}…`" in m.value for m in at.markdown)  # the user's model is listed, not lost


@pytest.mark.slow
def test_a_finished_refit_shows_the_model_and_a_reproduce_job_shows_identical_predictions(ws, no_worker):
    project, exp = _queued_experiment(ws)
    _store_trials(ws, exp, [0.3, 0.2])
    experiments.cancel_experiment(ws, exp.id)
    at = open_page(project=project.id, experiment=exp.id)
    at.button(key=f"exp_refit_{exp.id}").click().run()
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    at.run()
    assert not at.exception, at.exception
    model_id = experiments.get_experiment(ws, exp.id).best_model_id
    assert model_id and any(s.value == "Best model" for s in at.subheader)
    assert any(f"`{model_id[:8]}…`" in m.value for m in at.markdown)

    at.query_params["tab"] = "model"
    at.run()
    at.button(key=f"exp_reproduce_{model_id}").click().run()
    (job,) = jobs.list_jobs(ws, kind="reproduce")
    assert job.payload == {"model_id": model_id} and job.status == "queued"
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    at.run()
    assert not at.exception, at.exception
    assert any("Identical predictions on" in s.value for s in at.success)
    assert [b.label for b in at.button if b.key == f"exp_reproduce_{model_id}"] == ["Reproduce again"]


def _form_project(ws, metric: str):
    project = make_project(ws)
    datasets.add_dataset(ws, SAMPLES / "breast_cancer.csv", project_id=project.id)
    h = hypotheses.create_hypothesis(ws, project.id, question="Which tumours are malignant?",
                                     statement="The nucleus measurements separate the classes", metric=metric,
                                     threshold=0.9 if metric != "rmse" else 1.0)
    return project, h


def test_picking_a_hypothesis_sets_the_metric_to_its_own(ws):
    project, h = _form_project(ws, "accuracy")
    at = open_page(project=project.id)
    assert at.selectbox(key="exp_metric").value == "auto"
    at.selectbox(key="exp_hypothesis").set_value(h.id).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="exp_metric").value == "accuracy"
    assert any("Metric set from the hypothesis" in c.value for c in at.caption)


def test_a_hypothesis_whose_metric_does_not_fit_the_task_says_so(ws):
    project, h = _form_project(ws, "rmse")  # a regression metric; the target is binary
    at = open_page(project=project.id)
    at.selectbox(key="exp_hypothesis").set_value(h.id).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="exp_metric").value == "auto"
    warning = next(w.value for w in at.warning if "does not fit" in w.value)
    assert "rmse" in warning and "binary classification" in warning


def test_a_multiclass_roc_auc_says_how_it_is_averaged(ws):
    project = make_project(ws)
    datasets.add_dataset(ws, SAMPLES / "iris.csv", project_id=project.id)
    at = open_page(project=project.id)
    box = at.selectbox(key="exp_metric")
    assert "ROC AUC (one-vs-rest, macro average)" in box.options
    assert "ROC AUC (one-vs-one, weighted by class share)" in box.options
    assert not [o for o in box.options if o.startswith("roc_auc")]


@pytest.mark.parametrize("tab", ["overview", "trials", "model", "data"])
def test_every_view_reads_in_korean(ws, tab):
    from ui import i18n

    project, exp = _one_standard_error_search(ws)
    _fake_model(ws, exp, 0, _rule_selection(ws, exp))
    i18n.reset_missing()
    at = open_page(project=project.id, experiment=exp.id, tab=tab, lang="ko")
    assert not at.exception, at.exception
    assert not i18n.missing(), sorted(i18n.missing())
    assert any("실험" in m.value for m in at.title)
