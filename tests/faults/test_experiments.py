"""The fault suite, experiments: what a search promises when its spec, its data or its worker misbehave.

Each test reproduces one case of issue #9 as it was written; its docstring starts with the item.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core import experiments, jobs
from core.cli import main
from core.data import datasets as D
from core.define import hypotheses
from core.errors import Conflict, ExternalToolFailed, InvalidInput
from core.experiments import search as automl
from core.experiments import service
from core.experiments.spec import SearchConfig
from tests.conftest import SAMPLES, make_project

REPO_ROOT = Path(__file__).resolve().parents[2]
QUICK = {"time_budget": 3.0, "learners": ("lrl2",), "n_jobs": 1}


def _cli(ws, capsys, *args: str) -> tuple[int, str, str]:
    """Run `mlcycle` in this process: exit code, stdout, stderr."""
    code = main(["--workspace", str(ws.root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _version(ws, tmp_path: Path, frame: pd.DataFrame, name: str = "data.csv", project=None):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return D.add_dataset(ws, path, project_id=project.id if project else None).version


def _classification(n: int = 200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    plan = rng.choice(["basic", "pro", "max"], size=n)
    y = np.where(x1 + 0.5 * x2 + (plan == "max") + rng.normal(scale=0.5, size=n) > 0.3, "yes", "no")
    return pd.DataFrame({"x1": x1, "x2": x2, "plan": plan, "churned": y})


def _nothing_written(ws, version) -> None:
    """No experiment, no job, and no version besides the user's own."""
    assert experiments.list_experiments(ws) == []
    assert jobs.list_jobs(ws) == []
    assert [v.id for v in D.list_versions(ws, version.dataset_id)] == [version.id]
    with ws.read() as db:
        assert db.execute("SELECT COUNT(*) FROM dataset_versions").fetchone()[0] == 1


# ----------------------------------------------------------------------- item 2


def _nineteen_nineteen_two() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    label = ["a"] * 19 + ["b"] * 19 + ["c"] * 2
    return pd.DataFrame({"x1": rng.normal(size=40), "x2": rng.normal(size=40), "label": label})


def test_item2_a_split_that_would_starve_a_class_is_refused_before_anything_is_written(ws, tmp_path, capsys):
    """Item 2: 40 rows with classes 19/19/2 and `--test-size 0.5` fail clearly, and leave no split behind."""
    version = _version(ws, tmp_path, _nineteen_nineteen_two())
    code, out, err = _cli(ws, capsys, "experiments", "run", "--dataset", version.id, "--target", "label",
                          "--test-size", "0.5", "--budget", "5")
    assert code == 2, (out, err)
    assert "'c'" in err and "50%" in err and "test-size" in err
    assert "Traceback" not in err
    _nothing_written(ws, version)
    # a smaller held-out share works, and is then the only thing written
    code, _, err = _cli(ws, capsys, "experiments", "run", "--dataset", version.id, "--target", "label",
                        "--test-size", "0.2", "--budget", "5")
    assert code == 0, err
    assert len(D.list_versions(ws, version.dataset_id)) == 3


def test_item2_a_failure_after_the_split_undoes_the_experiment_and_its_splits(ws, tmp_path, monkeypatch):
    """Item 2: create_experiment is undone on failure: no experiment, job or split version is left."""
    version = _version(ws, tmp_path, _classification())

    def broken_enqueue(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(service, "enqueue", broken_enqueue)
    with pytest.raises(OSError, match="disk full"):
        experiments.create_experiment(ws, version.id, SearchConfig(target="churned", **QUICK), start_worker=False)
    _nothing_written(ws, version)
    with ws.read() as db:
        assert db.execute("SELECT COUNT(*) FROM lineage WHERE from_kind IN ('experiment', 'dataset_version')"
                          ).fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM events WHERE object_kind IN ('experiment', 'dataset_version')"
                          " AND verb != 'added'").fetchone()[0] == 0


def test_item2_an_undo_never_removes_splits_another_experiment_uses(ws, tmp_path, monkeypatch):
    """Item 2: the undo removes only what this call wrote; splits an earlier experiment shares are kept."""
    version = _version(ws, tmp_path, _classification())
    first = experiments.create_experiment(ws, version.id, SearchConfig(target="churned", **QUICK),
                                          start_worker=False)
    monkeypatch.setattr(service, "enqueue", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        experiments.create_experiment(ws, version.id, SearchConfig(target="churned", **QUICK), start_worker=False)
    assert [e.id for e in experiments.list_experiments(ws)] == [first.id]
    assert D.get_version(ws, first.train_version_id) and D.get_version(ws, first.test_version_id)
    assert len(D.list_versions(ws, version.dataset_id)) == 3


# ----------------------------------------------------------------------- item 4


def _run_one_job(ws) -> None:
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1


@pytest.mark.slow
def test_item4_a_held_out_split_that_cannot_be_read_fails_the_experiment_with_the_reason(ws, tmp_path):
    """Item 4: loading the data fails: the experiment ends failed (not running), with the reason."""
    version = _version(ws, tmp_path, _classification())
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="churned", **QUICK), start_worker=False)
    test_part = D.get_version(ws, exp.test_version_id)
    path = ws.artifacts.path(test_part.artifact)
    os.chmod(path, 0o644)
    path.write_bytes(b"not parquet any more")
    _run_one_job(ws)
    failed = experiments.get_experiment(ws, exp.id)
    assert failed.status == "failed" and failed.finished_at
    assert failed.error and ("changed" in failed.error or "corrupt" in failed.error.lower()
                             or test_part.label.split(" · ")[0] in failed.error)
    assert jobs.get_job(ws, exp.job_id).status == "failed"
    with pytest.raises(Conflict, match="already ended as failed"):
        experiments.cancel_experiment(ws, exp.id)


@pytest.mark.slow
def test_item4_saving_the_model_fails_then_the_experiment_is_failed_and_refit_works(ws, tmp_path, monkeypatch):
    """Item 4: evaluating or saving the model fails: the experiment ends failed, and refit then works."""
    version = _version(ws, tmp_path, _classification())
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="churned", **QUICK), start_worker=False)
    real_save = service._save_model

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(service, "_save_model", full_disk)
    _run_one_job(ws)
    failed = experiments.get_experiment(ws, exp.id)
    assert failed.status == "failed", failed.status
    assert "No space left on device" in failed.error
    assert failed.n_trials >= 1 and failed.best_run_id and failed.best_model_id is None
    assert jobs.get_job(ws, exp.job_id).status == "failed"
    with pytest.raises(Conflict, match="already ended as failed"):
        experiments.cancel_experiment(ws, exp.id)
    monkeypatch.setattr(service, "_save_model", real_save)
    import core.experiments.reproduce as reproduce

    monkeypatch.setattr(reproduce, "_save_model", real_save)
    model = experiments.refit_best_run(ws, exp.id)
    assert experiments.get_experiment(ws, exp.id).best_model_id == model.id


# ---------------------------------------------------------------------- item 10


def test_item10_an_unknown_project_is_named_not_a_foreign_key_traceback(ws, tmp_path, capsys):
    """Item 10: `experiments run --project prj_nope` says the project does not exist (exit 2), writes nothing."""
    version = _version(ws, tmp_path, _classification())
    code, out, err = _cli(ws, capsys, "experiments", "run", "--dataset", version.id, "--target", "churned",
                          "--project", "prj_nope", "--budget", "5")
    assert code == 2, (out, err)
    assert "prj_nope" in err and "projects list" in err
    assert "IntegrityError" not in err and "FOREIGN KEY" not in err
    _nothing_written(ws, version)


# ---------------------------------------------------------------------- item 11


def _fake_search_failed(*args, **kwargs):
    raise ExternalToolFailed("FLAML search for 'churned' failed: every learner crashed.",
                             hint="Try fewer learners or a larger time budget.")


def _fake_search_cancelled(train_df, config, **kwargs):
    rc = automl.validate(config, train_df)
    return automl.SearchResult(rc, [], None, None, None, None, None, True, 0.0, 0.0)


@pytest.mark.slow
@pytest.mark.parametrize(("fake", "status", "words"), [(_fake_search_failed, "failed", "every learner crashed"),
                                                      (_fake_search_cancelled, "cancelled", "cancelled")],
                         ids=["failed", "cancelled"])
def test_item11_run_wait_exits_non_zero_when_the_search_did_not_finish(ws, tmp_path, capsys, monkeypatch,
                                                                      fake, status, words):
    """Item 11: `experiments run ... --wait` exits non-zero, with the reason, when the search failed or stopped."""
    version = _version(ws, tmp_path, _classification())
    monkeypatch.setattr(automl, "run_search", fake)
    worker = threading.Thread(target=jobs.run_worker, args=(ws,), kwargs={"idle_exit": 20, "max_jobs": 1},
                              daemon=True)
    worker.start()
    while not jobs.worker_alive(ws):
        worker.join(0.05)
    code, out, err = _cli(ws, capsys, "experiments", "run", "--dataset", version.id, "--target", "churned",
                          "--budget", "5", "--wait")
    worker.join(30)
    exp = experiments.list_experiments(ws)[0]
    assert exp.status == status
    assert code != 0, (out, err)
    assert exp.id in err and words in err


# ---------------------------------------------------------------------- item 12


def test_item12_an_infinite_regression_target_is_refused_before_the_search(ws, tmp_path, capsys):
    """Item 12: a regression target with inf and -inf is refused at once, naming how many rows."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=60), "price": rng.normal(size=60) * 100})
    frame.loc[[3, 10], "price"] = np.inf
    frame.loc[20, "price"] = -np.inf
    version = _version(ws, tmp_path, frame)
    for task in ("regression", "auto"):
        code, out, err = _cli(ws, capsys, "experiments", "run", "--dataset", version.id, "--target", "price",
                              "--task", task, "--budget", "5")
        assert code == 2, (task, out, err)
        assert "'price'" in err and "3 rows" in err and "inf" in err
        assert "more time" not in err and "Warning" not in err
        _nothing_written(ws, version)


# ---------------------------------------------------------------------- item 13


def test_item13_a_hypothesis_of_another_project_is_refused(ws, tmp_path, capsys):
    """Item 13: an experiment in one project cannot test a hypothesis of another project."""
    mine, theirs = make_project(ws, "Churn"), make_project(ws, "Fraud")
    version = _version(ws, tmp_path, _classification(), project=mine)
    foreign = hypotheses.create_hypothesis(ws, theirs.id, question="q", statement="fraud is rare",
                                           metric="roc_auc", threshold=0.8)
    with pytest.raises(InvalidInput, match="Fraud") as info:
        experiments.create_experiment(ws, version.id, SearchConfig(target="churned", **QUICK), project_id=mine.id,
                                      hypothesis_id=foreign.id, start_worker=False)
    assert "Churn" in str(info.value) and info.value.hint
    code, out, err = _cli(ws, capsys, "experiments", "run", "--dataset", version.id, "--target", "churned",
                          "--project", mine.id, "--hypothesis", foreign.id, "--budget", "5")
    assert code == 2 and foreign.id in err and "Fraud" in err, (out, err)
    _nothing_written(ws, version)
    assert hypotheses.linked(ws, foreign.id)["experiments"] == []


# ---------------------------------------------------------------------- item 20


def test_item20_experiments_run_accepts_the_names_other_commands_accept(ws, capsys):
    """Item 20: `experiments run --dataset NAME` accepts a dataset name (and `name:vN`, ids), like `datasets show`."""
    version = D.add_dataset(ws, SAMPLES / "iris.csv").version
    target = version.columns[-1]
    for ref in ("iris", "IRIS", "iris:v1", version.dataset_id, version.id):
        code, out, err = _cli(ws, capsys, "experiments", "run", "--dataset", ref, "--target", target,
                              "--budget", "5", "--json")
        assert code == 0, (ref, err)
    assert {e.dataset_version_id for e in experiments.list_experiments(ws)} == {version.id}
    code, _, err = _cli(ws, capsys, "experiments", "run", "--dataset", "irises", "--target", target)
    assert code == 2 and "'irises'" in err and "datasets list" in err


# ---------------------------------------------------------------------- item 23


def _kinds_frame(n: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame({
        "store": rng.choice([101, 205, 309, 412, 518, 623, 731, 840, 952, 1060, 1170, 1280], n),
        "rating": rng.integers(1, 4, n),
        "member_no": rng.permutation(np.arange(5000, 5000 + n)),
        "paperless": rng.choice(["on", "off"], n),
        "ox": rng.choice(["O", "X"], n),
        "spend": rng.gamma(2.0, 30.0, n),
        "city": rng.choice(["Seoul", "Busan", "Incheon"], n),
        "churned": rng.choice(["yes", "no"], n),
    })


def test_item23_the_model_reads_columns_the_way_the_data_step_describes_them(ws, tmp_path):
    """Item 23: one rule set: each column's semantic type and the Preprocessor's kind agree, and bool casts accept it."""
    from core.data.ops import cast_column
    from core.data.semantic import infer_schema
    from core.modeling import Preprocessor

    frame = _kinds_frame()
    schema = {c.name: c.semantic for c in infer_schema(frame.drop(columns="churned"))}
    pre = Preprocessor().fit(frame.drop(columns="churned"))
    kinds = {c.name: c.kind for c in pre.columns}
    usable = {"numeric", "boolean", "categorical", "datetime"}
    for name, semantic in schema.items():
        if semantic in usable:
            assert kinds.get(name) == semantic, (name, semantic, kinds.get(name))
        else:
            assert name in pre.dropped, (name, semantic)
    import pyarrow as pa

    for name in ("paperless", "ox"):
        assert schema[name] == "boolean"
        cast = cast_column(pa.chunked_array([pa.array(frame[name].tolist(), type=pa.string())]), "bool", name)
        assert cast.null_count == 0


@pytest.mark.slow
def test_item23_an_experiment_honours_the_users_semantic_type_overrides(ws, tmp_path):
    """Item 23: a column the user set to categorical or id is categorical or left out in the trained model."""
    frame = _kinds_frame()
    version = _version(ws, tmp_path, frame)
    inferred = {c.name: c.semantic for c in version.schema}
    assert inferred["store"] == "numeric" and inferred["spend"] == "numeric"
    version = D.set_semantic_types(ws, version.id, {"store": "categorical", "spend": "id"})
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="churned", time_budget=2.0, learners=("lgbm",),
                                                                     n_jobs=1),
                                        start_worker=False)
    _run_one_job(ws)
    exp = experiments.get_experiment(ws, exp.id)
    assert exp.status == "done", exp.error
    bundle = experiments.load_model(ws, exp.best_model_id)
    kinds = {c["name"]: c["kind"] for c in bundle.input_schema}
    assert kinds["store"] == "categorical"
    assert "spend" not in kinds and "spend" in bundle.preprocessor.dropped
    result = experiments.reproduce_model(ws, exp.best_model_id)
    assert result.identical


# ---------------------------------------------------------------------- item 24


@pytest.mark.slow
def test_item24_importing_the_learners_leaves_the_environment_alone():
    """Item 24: importing core.experiments.learners no longer sets OMP_WAIT_POLICY for the whole process."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    env["PYTHONPATH"] = str(REPO_ROOT)
    code = "import os, core.experiments.learners; print(os.environ.get('OMP_WAIT_POLICY'))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "None"


@pytest.mark.parametrize(("name", "task"), [("rbf_svm", "regression"), ("ridge", "binary")])
def test_item24_a_learner_given_the_wrong_task_says_so_even_under_python_O(name, task):
    """Item 24: argument checks are real checks (InvalidInput), not `assert`s that `python -O` removes."""
    from core.experiments.learners import LEARNERS

    with pytest.raises(InvalidInput, match=name):
        LEARNERS[name].estimator_class(task=task)


def test_item24_linear_svm_probabilities_need_no_private_scikit_learn_method(monkeypatch):
    """Item 24: the linear SVM's probabilities do not call scikit-learn's private `_predict_proba_lr`."""
    from sklearn.svm import LinearSVC

    from core.experiments.learners import build_estimator

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=80), "b": rng.normal(size=80)})
    y = (X["a"] + rng.normal(scale=0.3, size=80) > 0).astype(int).to_numpy()
    estimator = build_estimator("svc", "binary", {"C": 1.0})
    estimator.fit(X, y)
    for klass in LinearSVC.__mro__:  # scikit-learn defines it on a base class
        if "_predict_proba_lr" in vars(klass):
            monkeypatch.delattr(klass, "_predict_proba_lr")
    proba = estimator.predict_proba(X)
    assert proba.shape == (80, 2) and np.allclose(proba.sum(axis=1), 1.0)
    source = "".join(p.read_text() for p in (REPO_ROOT / "core").rglob("*.py"))
    assert "._predict_proba_lr(" not in source


# ------------------------------------------------------------- issue #10, defect 2: the best validation trial


def _stopped_with_trials(ws, tmp_path, name: str = "data.csv"):
    """A cancelled search with two finished trials (trial 1 has the lower loss); nothing trained."""
    version = _version(ws, tmp_path, _classification(), name=name)
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="churned", **QUICK), start_worker=False)
    for trial, loss in enumerate([0.3, 0.2]):
        service._store_run(ws, exp, automl.TrialRecord(
            trial=trial, learner="lrl2", config={"C": 1.0 + trial}, val_loss=loss, val_metric=1 - loss,
            metric=exp.metric, train_time=0.1, wall_offset=float(trial), sample_size=None, status="ok",
            is_best=False))
    experiments.cancel_experiment(ws, exp.id)
    return experiments.get_experiment(ws, exp.id)


def _model_row(ws, exp, trial: int) -> str:
    """A model of one trial, as stored (no artifact: these checks never load it)."""
    import json

    from core.ids import new_id, utcnow

    run_id = next(r.id for r in experiments.list_runs(ws, exp.id) if r.trial == trial)
    model_id = new_id("mdl")
    with ws.write() as db:
        db["models"].insert({"id": model_id, "experiment_id": exp.id, "run_id": run_id, "learner": "lrl2",
                             "config": "{}", "artifact": "0" * 64, "size_bytes": 1, "holdout": json.dumps({}),
                             "environment": "{}", "created_at": utcnow()})
        db["experiments"].update(exp.id, {"best_model_id": model_id, "best_run_id": run_id})
    return model_id


def test_issue10_refitting_the_best_validation_trial_again_is_refused_before_queueing(ws, tmp_path, capsys):
    """Issue #10, defect 2: refitting the best validation trial when the current model already refits it is
    refused with the reason (CLI exit 2), and so is a search that has not ended; nothing is queued."""
    running = experiments.create_experiment(ws, _version(ws, tmp_path, _classification(), name="r.csv").id,
                                            SearchConfig(target="churned", **QUICK), start_worker=False)
    with pytest.raises(Conflict, match="still queued"):
        experiments.enqueue_refit_best_validation(ws, running.id, start_worker=False)
    exp = _stopped_with_trials(ws, tmp_path)
    _model_row(ws, exp, 1)
    code, _out, err = _cli(ws, capsys, "experiments", "refit", exp.id, "--best-validation")
    assert code == 2 and "already refits its best validation trial" in err
    assert jobs.list_jobs(ws, kind="refit") == []


def test_issue10_a_model_of_another_experiment_cannot_become_current(ws, tmp_path, capsys):
    """Issue #10, defect 2: `experiments use-model` with another experiment's model names both (exit 2);
    with one of its own models it switches the current model."""
    first = _stopped_with_trials(ws, tmp_path)
    second = _stopped_with_trials(ws, tmp_path, name="other.csv")
    own, other = _model_row(ws, first, 0), _model_row(ws, second, 1)
    code, _out, err = _cli(ws, capsys, "experiments", "use-model", first.id, other)
    assert code == 2 and other in err and second.id in err
    assert experiments.get_experiment(ws, first.id).best_model_id == own
    newer = _model_row(ws, first, 1)
    experiments.use_model(ws, first.id, own)
    code, out, _err = _cli(ws, capsys, "experiments", "use-model", first.id, newer)
    assert code == 0 and "now the current model" in out
    assert experiments.get_experiment(ws, first.id).best_model_id == newer
