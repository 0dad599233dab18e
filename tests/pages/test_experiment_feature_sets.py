"""The experiment form offers the dataset's saved feature sets: picking one fills the feature columns and the
queued experiment records it; editing the columns afterwards makes them a hand choice (no set recorded); the
experiment's settings name the set; all of it reads in Korean."""

from __future__ import annotations

import pytest

from core import experiments
from core.data import datasets
from tests.conftest import make_project
from tests.pages.conftest import REPO_ROOT
from tests.tiny_models import churn_frame

PAGE = "app_pages/experiments.py"


@pytest.fixture
def sets(monkeypatch):
    """``core.features.service`` (where feature sets are saved); no worker is started."""
    from core import jobs
    from core.features import service
    from core.jobs import worker

    monkeypatch.setattr(worker, "ensure_worker", lambda *a, **k: False)
    monkeypatch.setattr(jobs, "ensure_worker", lambda *a, **k: False)
    return service


def open_page(session: dict | None = None, **params: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    for key, value in (session or {}).items():
        at.session_state[key] = value
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def _project_with_set(ws, tmp_path, sets):
    project = make_project(ws, "Churn")
    path = tmp_path / "churn.csv"
    churn_frame().to_csv(path, index=False)
    version = datasets.add_dataset(ws, path, project_id=project.id).version
    fs = sets.save_set(ws, version.id, "two strong", ["x1", "plan"], target="churned", project_id=project.id)
    return project, version, fs


def test_picking_a_set_fills_the_columns_and_the_queued_experiment_records_it(ws, tmp_path, sets):
    project, _version, fs = _project_with_set(ws, tmp_path, sets)
    at = open_page(project=project.id)
    box = at.selectbox(key="exp_feature_set")
    assert box.options == ["None: choose columns", "two strong (2 columns)"]
    assert box.value == "" and at.multiselect(key="exp_features").value == []
    box.set_value(fs.id).run()
    assert not at.exception, at.exception
    assert at.multiselect(key="exp_features").value == ["x1", "plan"]
    assert any("The experiment records feature set **two strong**" in c.value for c in at.caption)
    at.button(key="exp_run").click().run()
    assert not at.exception, at.exception
    [exp] = experiments.list_experiments(ws, project_id=project.id)
    assert exp.spec["search"]["feature_set"] == fs.id
    assert exp.spec["resolved"]["feature_set"] == {"id": fs.id, "name": "two strong", "columns": ["x1", "plan"]}
    assert exp.spec["resolved"]["feature_columns"] == ["x1", "plan"]


def test_editing_the_sets_columns_makes_them_a_hand_choice(ws, tmp_path, sets):
    project, _version, fs = _project_with_set(ws, tmp_path, sets)
    at = open_page(project=project.id)
    at.selectbox(key="exp_feature_set").set_value(fs.id).run()
    at.multiselect(key="exp_features").unselect("plan").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="exp_feature_set").value == ""
    assert at.multiselect(key="exp_features").value == ["x1"]
    assert any("You edited the feature set's columns" in c.value for c in at.caption)
    at.button(key="exp_run").click().run()
    assert not at.exception, at.exception
    [exp] = experiments.list_experiments(ws, project_id=project.id)
    assert exp.spec["search"]["feature_set"] is None and "feature_set" not in exp.spec["resolved"]
    assert exp.spec["resolved"]["feature_columns"] == ["x1"]


def test_sets_that_hold_the_target_are_not_offered_and_no_sets_no_select(ws, tmp_path, sets):
    project, version, fs = _project_with_set(ws, tmp_path, sets)
    at = open_page(project=project.id)
    assert at.selectbox(key="exp_feature_set").options[1] == "two strong (2 columns)"
    at.selectbox(key="exp_target").set_value("x1").run()  # the set holds x1: not offered, so no select
    assert not at.exception, at.exception
    assert not [b for b in at.selectbox if b.key == "exp_feature_set"]


def test_the_experiment_names_its_set_in_both_languages(ws, tmp_path, sets):
    from core.experiments.search import SearchConfig
    from ui import i18n

    project, version, fs = _project_with_set(ws, tmp_path, sets)
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="churned", feature_set=fs.id),
                                        project_id=project.id, start_worker=False)
    at = open_page(project=project.id, experiment=exp.id, tab="data")
    cells = [str(v) for table in at.table for v in table.value.to_numpy().ravel()]
    assert "Feature set two strong: 2 columns (x1, plan)" in cells
    i18n.reset_missing()
    at = open_page(project=project.id, experiment=exp.id, tab="data", lang="ko")
    cells = [str(v) for table in at.table for v in table.value.to_numpy().ravel()]
    assert "특성 세트 two strong: 2개 열 (x1, plan)" in cells
    # (AppTest formats the task box's Korean labels outside the session, so no widget is changed in Korean:
    # the form opens with the set picked, then with its columns edited)
    at = open_page({"exp_new": True, "exp_feature_set": fs.id, "exp_features": ["x1", "plan"]},
                   project=project.id, lang="ko")
    assert at.selectbox(key="exp_feature_set").options == ["없음: 열 직접 선택", "two strong (2개 열)"]
    assert any("실험에 특성 세트 **two strong**" in c.value for c in at.caption)
    at = open_page({"exp_new": True, "exp_feature_set_edited": fs.id, "exp_features": ["x1"]},
                   project=project.id, lang="ko")
    assert any("직접 고른 열이므로" in c.value for c in at.caption)
    assert not i18n.missing(), sorted(i18n.missing())
