"""Datasets, Explore and Experiments pages under AppTest: upload, see the version, profile, submit a search."""

from __future__ import annotations

import pytest

from core import experiments, jobs
from core.data import datasets
from tests.conftest import SAMPLES, make_project


def _submit(at, label: str):
    [b for b in at.button if b.label == label][0].click().run()
    return at


def _upload(at, name: str, data: bytes, mime: str = "text/csv"):
    at.file_uploader[0].upload(name, data, mime)
    return at


def test_uploading_a_cp949_file_makes_a_version_with_hangul_columns(app, ws):
    p = make_project(ws)
    at = app("app_pages/datasets.py", session={"active_project_id": p.id})
    _upload(at, "iris_ko_cp949.csv", (SAMPLES / "iris_ko_cp949.csv").read_bytes())
    _submit(at, "Add dataset")
    assert not at.exception, at.exception
    (ds,) = datasets.list_datasets(ws, project_id=p.id)
    (version,) = datasets.list_versions(ws, ds.id)
    assert [c.name for c in version.schema][:2] == ["꽃받침_길이", "꽃받침_너비"]
    assert version.source["encoding"] in {"cp949", "euc-kr"}
    # what detection found is said after the upload (issue #10)
    detected = " ".join(c.value for c in at.caption)
    assert "Detected: CSV" in detected and "encoding cp949" in detected.replace("euc-kr", "cp949"), detected


def test_a_new_upload_is_shown_selected_at_once_with_its_message(app, ws):
    p = make_project(ws)
    at = app("app_pages/datasets.py", session={"active_project_id": p.id})
    _upload(at, "iris.csv", (SAMPLES / "iris.csv").read_bytes())
    _submit(at, "Add dataset")
    assert not at.info, "the page still said the project had no datasets"
    _upload(at, "wine.csv", (SAMPLES / "wine.csv").read_bytes())
    _submit(at, "Add dataset")
    assert not at.exception, at.exception
    wine = datasets.find_dataset_by_name(ws, "wine")
    assert at.query_params["dataset"] == wine.id and at.selectbox(key="url_dataset").value == wine.id
    assert at.query_params["version"] == wine.latest_version_id
    # issue #10, defect 5: the second upload's message is shown, not folded away with the Add data panel
    assert [s.value for s in at.success] == ["wine v1: 178 rows × 14 columns stored"]
    assert at.file_uploader[0].value is None, "the form starts afresh after an upload"


def test_uploading_nothing_or_garbage_is_explained_and_the_datasets_stay_listed(app, ws, tmp_path):
    p = make_project(ws)
    datasets.add_dataset(ws, SAMPLES / "iris.csv", project_id=p.id)
    at = app("app_pages/datasets.py", session={"active_project_id": p.id})
    _submit(at, "Add dataset")
    assert any("Choose a file" in e.value for e in at.error)
    _upload(at, "data.csv", bytes(range(256)) * 40)
    _submit(at, "Add dataset")
    assert not at.exception
    assert any("data.csv" in e.value for e in at.error)
    assert [d.name for d in datasets.list_datasets(ws)] == ["iris"]
    # issue #10, defect 5: a failed upload no longer hides the project's datasets
    assert at.subheader and at.subheader[0].value == "Datasets of this project"
    assert at.dataframe[0].value["name"].tolist() == ["iris"]
    assert at.tabs, "the dataset's views are still shown"


def test_explore_shows_a_profile_of_the_chosen_version(app, ws):
    p = make_project(ws)
    datasets.add_dataset(ws, SAMPLES / "churn.csv", project_id=p.id)
    at = app("app_pages/explore.py", session={"active_project_id": p.id})
    assert not at.exception, at.exception
    assert [m.label for m in at.metric][:2] == ["Rows", "Columns"]
    assert at.metric[0].value == "2,000"


@pytest.mark.slow  # the page starts a real worker, which begins the search
def test_submitting_the_experiment_form_queues_a_job(app, ws):
    p = make_project(ws)
    datasets.add_dataset(ws, SAMPLES / "breast_cancer.csv", project_id=p.id)
    at = app("app_pages/experiments.py", session={"active_project_id": p.id})
    assert at.selectbox(key="exp_target").value == "diagnosis"
    at.number_input(key="exp_budget").set_value(5)
    at.button(key="exp_run").click().run()
    assert not at.exception, at.exception
    (exp,) = experiments.list_experiments(ws, project_id=p.id)
    assert exp.task == "binary" and exp.spec["search"]["time_budget"] == 5
    assert jobs.get_job(ws, exp.job_id).kind == "automl"
    experiments.cancel_experiment(ws, exp.id)


def test_an_impossible_experiment_is_explained_and_nothing_is_queued(app, ws):
    p = make_project(ws)
    datasets.add_dataset(ws, SAMPLES / "breast_cancer.csv", project_id=p.id)
    at = app("app_pages/experiments.py", session={"active_project_id": p.id})
    at.number_input(key="exp_budget").set_value(0)
    at.button(key="exp_run").click().run()
    assert any("budget" in e.value for e in at.error)
    assert experiments.list_experiments(ws) == [] and jobs.list_jobs(ws) == []


# ------------------------------------------------------------- views on the Datasets page


def _two_versions(ws):
    """A project with one dataset of two versions (so Compare has something to diff)."""
    p = make_project(ws)
    v1 = datasets.add_dataset(ws, SAMPLES / "iris.csv", project_id=p.id).version
    datasets.derive_version(ws, v1.id, {"op": "deduplicate"})
    return p


def _count_calls(monkeypatch, *names: str) -> dict[str, int]:
    """Count calls of core.data.datasets functions the page makes (they still run)."""
    calls = dict.fromkeys(names, 0)
    for name in names:
        real = getattr(datasets, name)

        def counted(*args, _name=name, _real=real, **kw):
            calls[_name] += 1
            return _real(*args, **kw)

        monkeypatch.setattr(datasets, name, counted)
    return calls


def test_the_diff_and_the_lineage_are_computed_only_when_their_view_is_open(app, ws, monkeypatch):
    p = _two_versions(ws)
    calls = _count_calls(monkeypatch, "diff_versions", "lineage_graph")
    at = app("app_pages/datasets.py", session={"active_project_id": p.id})
    assert not at.exception, at.exception
    assert calls == {"diff_versions": 0, "lineage_graph": 0}
    assert at.data_editor, "the Schema view is open by default"

    at.query_params["tab"] = "lineage"
    at.run()
    assert not at.exception, at.exception
    assert calls == {"diff_versions": 0, "lineage_graph": 1}
    assert not at.data_editor and not at.json

    at.selectbox(key="url_version").select_index(1).run()  # another rerun keeps the view
    assert at.query_params["tab"] == "lineage"
    assert calls == {"diff_versions": 0, "lineage_graph": 2}

    at.query_params["tab"] = "compare"
    at.run()
    assert not at.exception, at.exception
    assert calls == {"diff_versions": 1, "lineage_graph": 2}
    assert not at.json, "the diff reads as a summary and tables, not JSON"


@pytest.mark.parametrize("tab", ["Compare", "compare"])
def test_a_link_with_tab_in_its_url_opens_that_view_old_labels_too(ws, monkeypatch, tab):
    from streamlit.testing.v1 import AppTest

    from tests.pages.conftest import REPO_ROOT

    p = _two_versions(ws)
    calls = _count_calls(monkeypatch, "diff_versions", "lineage_graph")
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.session_state["active_project_id"] = p.id
    at.run()
    at.switch_page("app_pages/datasets.py")
    at.query_params["tab"] = tab
    at.run()
    assert not at.exception, at.exception
    assert at.query_params["tab"] == "compare"
    assert calls == {"diff_versions": 1, "lineage_graph": 0}
    assert [m.label for m in at.metric][:3] == ["Rows", "Rows added", "Rows removed"]
