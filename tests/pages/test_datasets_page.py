"""The Datasets page of issue #10: a table of datasets, splits under their source, readable views,
archive and restore, the URL naming what is shown, and an upload that says what it found."""

from __future__ import annotations

import io

import pytest

from core.data import datasets
from core.define import projects
from tests.conftest import SAMPLES, make_project

PAGE = "app_pages/datasets.py"


def _open(app, project, **params):
    at = app(PAGE, session={"active_project_id": project.id})
    if params:
        for name, value in params.items():
            at.query_params[name] = value
        at.run()
    assert not at.exception, at.exception
    return at


def _click(at, label: str):
    [b for b in at.button if b.label == label][0].click().run()
    assert not at.exception, at.exception
    return at


def _iris_with_an_experiment_split(ws):
    """iris v1 uploaded, v2 deduplicated by the user, then v3/v4: the train/test split an experiment makes."""
    p = make_project(ws)
    v1 = datasets.add_dataset(ws, SAMPLES / "iris.csv", project_id=p.id).version
    v2 = datasets.derive_version(ws, v1.id, {"op": "deduplicate"})
    train, test = datasets.split_version(ws, v2.id, target="species", seed=0)
    return p, v1, v2, train, test


def test_datasets_are_a_table_and_choosing_one_names_it_in_the_url(app, ws):
    p = make_project(ws)
    iris = datasets.add_dataset(ws, SAMPLES / "iris.csv", project_id=p.id, license="CC BY 4.0").version
    wine = datasets.add_dataset(ws, SAMPLES / "wine.csv", project_id=p.id).version
    at = _open(app, p)
    table = at.dataframe[0].value
    assert table["name"].tolist() == ["wine", "iris"]  # newest first
    assert table["rows"].tolist() == [178, 150] and table["columns"].tolist() == [14, 5]
    assert table["versions"].tolist() == [1, 1] and table["license"].tolist() == ["", "CC BY 4.0"]
    assert table["id"].tolist()[1].startswith(iris.dataset_id[:8])
    assert at.selectbox(key="url_dataset").value == wine.dataset_id
    at.selectbox(key="url_dataset").select(iris.dataset_id).run()
    assert at.query_params["dataset"] == iris.dataset_id
    assert at.selectbox(key="url_version").value == iris.id


def test_splits_are_shown_under_their_source_only_when_asked_and_never_chosen_by_default(app, ws):
    """Defect 7: an experiment's train and test parts do not clutter the versions, nor become the default."""
    p, v1, v2, train, test = _iris_with_an_experiment_split(ws)
    at = _open(app, p)
    versions = at.dataframe[1].value
    assert versions["version"].str.strip().str.rstrip(" ◀").tolist() == ["v2", "v1"]
    assert at.selectbox(key="url_version").value == v2.id
    assert at.selectbox(key="url_version").options == ["v2 · Remove duplicate rows", "v1"]
    at.toggle(key="ds_show_splits").set_value(True).run()
    versions = at.dataframe[1].value
    assert [v.strip().rstrip(" ◀") for v in versions["version"]] == ["v2", "↳ v4", "↳ v3", "v1"]
    assert at.selectbox(key="url_version").value == v2.id
    assert "v3 · train part of v2" in at.selectbox(key="url_version").options
    # a link to a split shows it, under its source, without the toggle
    at = _open(app, p, version=test.id)
    assert at.selectbox(key="url_version").value == test.id


def test_the_preview_counts_rows_and_names_its_source_without_empty_parts(app, ws, tmp_path):
    """Defect 9: 'All 150 rows' (not 'First 200 of 150'), and no '(excel, )'."""
    p = make_project(ws)
    datasets.add_dataset(ws, SAMPLES / "iris.csv", project_id=p.id)
    at = _open(app, p, tab="preview")
    caption = " ".join(c.value for c in at.caption)
    assert "All 150 rows." in caption and "First 200" not in caption
    assert "Source: iris.csv · CSV · encoding utf-8 · delimiter: comma (,) · decimal mark: point (.)" in caption
    import pandas as pd

    book = tmp_path / "star98.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"a": [1, 2]}).to_excel(writer, sheet_name="notes", index=False)
        pd.DataFrame({"x": range(300), "y": range(300)}).to_excel(writer, sheet_name="data", index=False)
    added = datasets.add_dataset(ws, book, project_id=p.id, sheet="data").version
    at = _open(app, p, tab="preview", dataset=added.dataset_id)
    caption = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "First 200 of 300 rows." in caption
    assert "Source: star98.xlsx · Excel · sheet 'data' (2 of 2)" in caption and "()" not in caption
    assert "(excel, )" not in caption


def test_an_excel_upload_offers_its_sheets_and_says_what_it_read(app, ws, tmp_path):
    import pandas as pd

    p = make_project(ws)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer) as writer:
        pd.DataFrame({"note": ["hello"]}).to_excel(writer, sheet_name="readme", index=False)
        pd.DataFrame({"x": [1, 2, 3], "y": ["a", "b", "c"]}).to_excel(writer, sheet_name="data", index=False)
    at = _open(app, p)
    at.file_uploader[0].upload("book.xlsx", buffer.getvalue(),
                               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").run()
    sheet = next(s for s in at.selectbox if s.label == "Sheet")
    assert sheet.options == ["readme", "data"]
    sheet.select("data").run()
    assert not [s for s in at.selectbox if s.label == "Encoding"], "no encoding to choose for a workbook"
    _click(at, "Add dataset")
    version = datasets.get_version(ws, at.query_params["version"])
    assert version.columns == ["x", "y"] and version.source["sheet"] == "data"
    detected = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Detected: Excel · sheet 'data' (2 of 2)" in detected


def test_a_version_is_archived_after_asking_and_restored_from_the_archived_section(app, ws):
    """Defect 10: soft delete with a confirmation; archived versions leave the lists and come back."""
    p, v1, v2, *_ = _iris_with_an_experiment_split(ws)
    at = _open(app, p, version=v1.id)
    _click(at, "Archive v1")
    assert datasets.get_version(ws, v1.id).archived_at is None, "nothing happens before confirming"
    assert any("Archive v1 of iris?" in w.value for w in at.warning)
    _click(at, "Archive")
    assert datasets.get_version(ws, v1.id).archived_at
    assert at.selectbox(key="url_version").options == ["v2 · Remove duplicate rows"]
    assert at.selectbox(key="url_version").value == v2.id
    archived = next(e for e in at.expander if e.label == "Archived (1)")
    assert "iris v1" in " ".join(m.value for m in archived.markdown)
    [b for b in archived.button if b.label == "Restore"][0].click().run()
    assert datasets.get_version(ws, v1.id).archived_at is None
    assert at.selectbox(key="url_version").options == ["v2 · Remove duplicate rows", "v1"]
    assert at.selectbox(key="url_version").value == v1.id


def test_a_version_an_experiment_uses_says_so_and_offers_no_archive(app, ws):
    from core import experiments
    from core.experiments.spec import SearchConfig

    p = make_project(ws)
    v1 = datasets.add_dataset(ws, SAMPLES / "iris.csv", project_id=p.id).version
    datasets.derive_version(ws, v1.id, {"op": "deduplicate"})
    experiments.create_experiment(ws, v1.id, SearchConfig(target="species", time_budget=5), name="petals",
                                  project_id=p.id, start_worker=False)
    at = _open(app, p, version=v1.id)
    assert any("Used by experiment 'petals', so v1 is kept" in c.value for c in at.caption)
    assert not [b for b in at.button if b.label == "Archive v1"]
    assert at.dataframe[1].value["used by"].tolist() == ["", "'petals'"]


def test_a_dataset_is_archived_after_asking_and_can_be_restored(app, ws):
    p = make_project(ws)
    iris = datasets.add_dataset(ws, SAMPLES / "iris.csv", project_id=p.id).version
    datasets.add_dataset(ws, SAMPLES / "wine.csv", project_id=p.id)
    at = _open(app, p, dataset=iris.dataset_id)
    _click(at, "Archive dataset")
    _click(at, "Archive")
    assert datasets.get_dataset(ws, iris.dataset_id).archived_at
    assert at.dataframe[0].value["name"].tolist() == ["wine"]
    assert "dataset" not in at.query_params or at.query_params["dataset"] != iris.dataset_id
    archived = next(e for e in at.expander if e.label == "Archived (1)")
    [b for b in archived.button if b.label == "Restore"][0].click().run()
    assert datasets.get_dataset(ws, iris.dataset_id).archived_at is None
    assert at.query_params["dataset"] == iris.dataset_id
    # every dataset archived: the page says so and still offers to restore them
    datasets.archive_dataset(ws, iris.dataset_id)
    datasets.archive_dataset(ws, datasets.find_dataset_by_name(ws, "wine").id)
    at = _open(app, p)
    assert any("No datasets in this project yet" in i.value for i in at.info)
    assert any(e.label == "Archived (2)" for e in at.expander)


def test_a_link_to_another_projects_version_switches_to_that_project(app, ws):
    mine, theirs = make_project(ws, "Mine"), make_project(ws, "Theirs")
    datasets.add_dataset(ws, SAMPLES / "wine.csv", project_id=mine.id)
    iris = datasets.add_dataset(ws, SAMPLES / "iris.csv", project_id=theirs.id).version
    at = _open(app, mine, version=iris.id, tab="lineage")
    assert at.session_state["active_project_id"] == theirs.id
    assert at.query_params["project"] == theirs.id and at.query_params["version"] == iris.id
    assert at.query_params["tab"] == "lineage"
    assert at.selectbox(key="url_version").value == iris.id
    assert projects.get_project(ws, at.session_state["active_project_id"]).name == "Theirs"


def test_the_lineage_lists_its_objects_by_name_and_each_opens_it(app, ws):
    from core import experiments
    from core.experiments.spec import SearchConfig

    p, v1, v2, train, test = _iris_with_an_experiment_split(ws)
    exp = experiments.create_experiment(ws, v2.id, SearchConfig(target="species", time_budget=5), name="petals",
                                        project_id=p.id, start_worker=False)
    at = _open(app, p, tab="lineage")
    names = [b.label for b in at.button if b.key and b.key.startswith("ds_lineage_go_")]
    assert names == ["v1", "v2 · Remove duplicate rows", "v3 · train part of v2", "v4 · test part of v2"], names
    assert not any(name.startswith("dsv_") for name in names), "names, not ids"
    links = {link.proto.label: link.proto.page for link in at.get("page_link")}
    assert "petals" in links and "experiments" in links["petals"]
    next(b for b in at.button if b.label == "v1").click().run()
    assert at.query_params["version"] == v1.id and at.query_params["tab"] == "lineage"
    assert at.selectbox(key="url_version").value == v1.id
    assert exp.id


def test_the_compare_view_summarises_rows_and_columns_then_shows_tables(app, ws):
    p, v1, v2, *_ = _iris_with_an_experiment_split(ws)
    at = _open(app, p, tab="compare", version=v2.id)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rows"] == "149" and metrics["Rows removed"] == "1" and metrics["Rows added"] == "0"
    assert any("From v1 to v2" in c.value for c in at.caption)
    removed = next(d for d in at.dataframe if "species" in d.value.columns)
    assert len(removed.value) == 1
    assert not at.json


def test_the_download_view_offers_a_notebook(app, ws):
    p = make_project(ws)
    datasets.add_dataset(ws, SAMPLES / "iris.csv", project_id=p.id)
    at = _open(app, p, tab="download")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Open in a notebook (.ipynb)" in labels and any(label.startswith("Parquet (") for label in labels)


@pytest.mark.parametrize("tab", ["schema", "preview", "derive", "compare", "lineage", "download"])
def test_every_view_reads_in_korean(app, ws, tab):
    from ui import i18n

    p, *_ = _iris_with_an_experiment_split(ws)
    i18n.reset_missing()
    at = _open(app, p, tab=tab, lang="ko")
    at.toggle(key="ds_show_splits").set_value(True).run()
    assert not at.exception, at.exception
    assert not i18n.missing(), sorted(i18n.missing())


def test_a_split_made_on_the_derive_view_is_shown_under_its_source(app, ws):
    p = make_project(ws)
    v1 = datasets.add_dataset(ws, SAMPLES / "iris.csv", project_id=p.id).version
    at = _open(app, p, tab="derive")
    at.selectbox(key="ds_op").select("split").run()
    _click(at, "Create new version")
    train = datasets.get_version(ws, at.query_params["version"])
    assert train.is_split and train.parent_id == v1.id
    assert at.toggle(key="ds_show_splits").value is True
    assert [v.strip().rstrip(" ◀") for v in at.dataframe[1].value["version"]] == ["v1", "↳ v3", "↳ v2"]
    derived = [v for v in datasets.list_versions(ws, v1.dataset_id) if v.id != v1.id]
    assert len(derived) == 2


def test_a_link_to_an_archived_dataset_says_so_and_offers_to_restore_it(app, ws):
    p = make_project(ws)
    iris = datasets.add_dataset(ws, SAMPLES / "iris.csv", project_id=p.id).version
    datasets.add_dataset(ws, SAMPLES / "wine.csv", project_id=p.id)
    datasets.archive_dataset(ws, iris.dataset_id)
    at = _open(app, p, dataset=iris.dataset_id)
    assert any("iris** is archived" in i.value or "iris is archived" in i.value.replace("*", "") for i in at.info)
    _click(at, "Restore iris")
    assert datasets.get_dataset(ws, iris.dataset_id).archived_at is None
    assert at.selectbox(key="url_dataset").value == iris.dataset_id
