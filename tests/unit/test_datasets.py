"""Dataset versions: reuse, derive, split, overrides, sharing, export, diff, lineage and the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from core.cli import main
from core.data import datasets as D
from core.errors import Conflict, Corrupted, InvalidInput, NotFound
from tests.conftest import make_project

PEOPLE = (
    "id,name,city,age,score,joined,active\n"
    "1,Ann,서울,34,1.5,2024-01-02,yes\n"
    "2,Bo,부산,28,2.25,2024-02-03,no\n"
    "3,Cy,서울,45,,2024-03-04,yes\n"
    "4,Di,대구,28,3.0,2024-04-05,no\n"
    "5,Ed,서울,61,0.5,2024-05-06,yes\n"
    "5,Ed,서울,61,0.5,2024-05-06,yes\n"
)


@pytest.fixture
def people(ws, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    return D.add_dataset(ws, path, description="People", license="CC0", created_by="tester",
                         source_note="https://example.org/people").version


def labelled(n: int = 200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"x": rng.normal(size=n), "y": rng.choice(["a", "b", "c"], n, p=[0.6, 0.3, 0.1]),
                         "price": rng.gamma(2.0, 10.0, n)})


@pytest.fixture
def frame_version(ws, tmp_path):
    path = tmp_path / "labelled.parquet"
    labelled().to_parquet(path)
    return D.add_dataset(ws, path).version


# ----------------------------------------------------------------- versions and reuse


def test_add_records_source_schema_and_counts(ws, people):
    assert people.id.startswith("dsv_") and people.dataset_id.startswith("ds_")
    assert people.label == f"people v1 · {people.id}"
    assert (people.n_rows, people.n_cols) == (6, 7)
    assert people.source["file_name"] == "people.csv" and people.source["url"] == "https://example.org/people"
    assert people.source["uploaded_by"] == "tester" and people.source["encoding"] == "utf-8"
    semantics = {c.name: c.semantic for c in people.schema}
    assert semantics["joined"] == "datetime" and semantics["active"] == "boolean"
    dataset = D.get_dataset(ws, people.dataset_id)
    assert (dataset.description, dataset.license, dataset.n_versions) == ("People", "CC0", 1)


def test_identical_content_reuses_the_version_and_new_content_makes_v2(ws, tmp_path, people):
    again = tmp_path / "again.csv"
    again.write_text(PEOPLE, encoding="utf-8")
    reused = D.add_dataset(ws, again, name="People")
    assert reused.reused and reused.version.id == people.id and reused.warnings
    # under another name, that name gets its own version sharing the stored copy (issue #9, item 19)
    other = D.add_dataset(ws, again, name="other name")
    assert not other.reused and other.version.dataset_name == "other name"
    assert (other.version.sha256, other.version.artifact) == (people.sha256, people.artifact)
    assert people.label in other.warnings[0]
    changed = tmp_path / "people2.csv"
    changed.write_text(PEOPLE + "6,Fa,대구,19,1.0,2024-06-07,no\n", encoding="utf-8")
    v2 = D.add_dataset(ws, changed, name="people").version
    assert v2.number == 2 and v2.dataset_id == people.dataset_id and v2.parent_id is None
    assert [v.number for v in D.list_versions(ws, people.dataset_id)] == [1, 2]
    assert D.latest_version(ws, people.dataset_id).id == v2.id
    assert D.resolve_version(ws, "people:v1").id == people.id
    assert D.resolve_version(ws, "PEOPLE").id == v2.id
    assert D.resolve_version(ws, people.dataset_id).id == v2.id


def test_adding_an_existing_table_to_a_project_attaches_it(ws, tmp_path, people):
    project = make_project(ws)
    path = tmp_path / "p.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    result = D.add_dataset(ws, path, name="people", project_id=project.id)
    assert result.reused
    assert [d.id for d in D.list_datasets(ws, project_id=project.id)] == [people.dataset_id]


def test_add_to_an_unknown_project_is_not_found_and_changes_nothing(ws, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    with pytest.raises(NotFound):
        D.add_dataset(ws, path, project_id="prj_missing")
    assert D.list_datasets(ws) == []


def test_unknown_ids_are_not_found(ws):
    for call in (lambda: D.get_version(ws, "dsv_x"), lambda: D.get_dataset(ws, "ds_x"),
                 lambda: D.resolve_version(ws, "nothing")):
        with pytest.raises(NotFound) as err:
            call()
        assert err.value.hint


def test_load_frame_reads_columns_and_verifies_the_artifact(ws, people):
    df = D.load_frame(ws, people.id, columns=["city", "age"])
    assert list(df.columns) == ["city", "age"] and df["city"].iloc[0] == "서울"
    with pytest.raises(NotFound):
        D.load_frame(ws, people.id, columns=["nope"])
    path = ws.artifacts.path(people.artifact)
    path.chmod(0o644)
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(Corrupted):
        D.load_frame(ws, people.id)


def test_add_records_an_event(ws, people):
    from core.store.activity import list_events

    assert any(e.object_id == people.id and "people" in e.message for e in list_events(ws))


# ------------------------------------------------------------------- derived versions


def test_drop_columns_makes_a_child_version_with_lineage(ws, people):
    child = D.derive_version(ws, people.id, {"op": "drop_columns", "columns": ["name"]})
    assert child.number == 2 and child.parent_id == people.id and "name" not in child.columns
    assert child.operation["op"] == "drop_columns" and "dropped 1 column" in child.description
    graph = D.lineage_graph(ws, people.dataset_id)
    assert {(e.source, e.relation, e.target) for e in graph.edges} == {(child.id, "derived_from", people.id)}
    assert {n.id for n in graph.nodes} == {people.id, child.id}


def test_rename_keeps_overridden_semantic_types(ws, people):
    D.set_semantic_types(ws, people.id, {"age": "categorical"})
    child = D.derive_version(ws, people.id, {"op": "rename_columns", "mapping": {"age": "나이"}})
    col = child.column("나이")
    assert col.semantic == "categorical" and col.overridden


@pytest.mark.parametrize(("conditions", "rows"), [
    ([{"column": "age", "operator": ">=", "value": 34}], 4),
    ([{"column": "city", "operator": "==", "value": "서울"}], 4),
    ([{"column": "city", "operator": "in", "value": ["부산", "대구"]}], 2),
    ([{"column": "city", "operator": "not_in", "value": ["서울"]}], 2),
    ([{"column": "age", "operator": "in", "value": "28, 61"}], 4),
    ([{"column": "score", "operator": "is_null"}], 1),
    ([{"column": "score", "operator": "not_null"}, {"column": "age", "operator": "<", "value": "30"}], 2),
    ([{"column": "name", "operator": "startswith", "value": "E"}], 2),
    ([{"column": "joined", "operator": ">", "value": "2024-03-01"}], 4),
    ([{"column": "active", "operator": "==", "value": "yes"}], 4),
])
def test_filter_rows_with_a_safe_spec(ws, people, conditions, rows):
    child = D.derive_version(ws, people.id, {"op": "filter_rows", "conditions": conditions})
    assert child.n_rows == rows


@pytest.mark.parametrize(("op", "fragment"), [
    ({"op": "explode"}, "not a dataset operation"),
    ({"op": "drop_columns", "columns": ["id", "name", "city", "age", "score", "joined", "active"]}, "empty table"),
    ({"op": "rename_columns", "mapping": {"name": "city"}}, "two columns the name 'city'"),
    ({"op": "filter_rows", "conditions": [{"column": "age", "operator": "~", "value": 1}]}, "not a filter operator"),
    ({"op": "filter_rows", "conditions": [{"column": "age", "operator": ">", "value": "old"}]}, "cannot be compared"),
    ({"op": "filter_rows", "conditions": [{"column": "age", "operator": ">", "value": 100}]}, "No rows"),
    ({"op": "filter_rows", "conditions": [{"column": "age", "operator": ">", "value": 0}]}, "change nothing"),
    ({"op": "cast_columns", "types": {"name": "int"}}, "the value 'Ann' does not convert"),
    ({"op": "cast_columns", "types": {"score": "int"}}, "the value 1.5 does not convert"),
    ({"op": "cast_columns", "types": {"age": "enum"}}, "set the semantic type"),
    ({"op": "deduplicate", "subset": ["id"], "keep": "middle"}, "'keep' must be"),
])
def test_bad_operations_are_explained(ws, people, op, fragment):
    with pytest.raises(InvalidInput) as err:
        D.derive_version(ws, people.id, op)
    assert fragment in str(err.value)


def test_unknown_column_in_an_operation_is_not_found(ws, people):
    with pytest.raises(NotFound) as err:
        D.derive_version(ws, people.id, {"op": "drop_columns", "columns": ["nope"]})
    assert "Columns are" in err.value.hint


def test_cast_columns_changes_storage_types(ws, people):
    child = D.derive_version(ws, people.id, {"op": "cast_columns",
                                             "types": {"age": "float", "active": "bool", "id": "string"}})
    df = D.load_frame(ws, child.id)
    assert df["age"].dtype == "float64" and df["active"].tolist()[:2] == [True, False]
    assert df["id"].tolist()[0] == "1"
    back = D.derive_version(ws, child.id, {"op": "cast_columns", "types": {"id": "int"}})
    assert D.load_frame(ws, back.id)["id"].tolist() == [1, 2, 3, 4, 5, 5]
    coded = D.derive_version(ws, people.id, {"op": "cast_columns", "types": {"age": "category"}})
    assert coded.column("age").semantic == "categorical" and coded.column("age").overridden
    assert coded.column("age").dtype == "str"


def test_deduplicate_removes_repeated_rows_and_refuses_a_no_op(ws, people):
    child = D.derive_version(ws, people.id, {"op": "deduplicate"})
    assert child.n_rows == 5 and "removed 1 duplicate" in child.description
    by_age = D.derive_version(ws, people.id, {"op": "deduplicate", "subset": ["age"], "keep": "last"})
    assert D.load_frame(ws, by_age.id)["name"].tolist() == ["Ann", "Cy", "Di", "Ed"]
    with pytest.raises(InvalidInput, match="no duplicate"):
        D.derive_version(ws, child.id, {"op": "deduplicate"})


def test_deriving_the_same_result_twice_returns_the_same_version(ws, people):
    op = {"op": "drop_columns", "columns": ["name"]}
    assert D.derive_version(ws, people.id, op).id == D.derive_version(ws, people.id, op).id


# ------------------------------------------------------------------------------ split


def test_stratified_split_is_seeded_and_keeps_proportions(ws, frame_version):
    train, test = D.split_version(ws, frame_version.id, target="y", test_size=0.25, seed=3)
    assert (train.n_rows, test.n_rows) == (150, 50)
    full = D.load_frame(ws, frame_version.id)["y"].value_counts(normalize=True)
    part = D.load_frame(ws, test.id)["y"].value_counts(normalize=True)
    assert (full - part).abs().max() < 0.03
    assert train.operation["part"] == "train" and test.operation["stratify"] is True
    again = D.split_version(ws, frame_version.id, target="y", test_size=0.25, seed=3)
    assert (again[0].id, again[1].id) == (train.id, test.id)
    other = D.split_version(ws, frame_version.id, target="y", test_size=0.25, seed=4)
    assert other[1].id != test.id
    relations = {(e.source, e.relation) for e in D.lineage_graph(ws, frame_version.dataset_id).edges}
    assert {(train.id, "split_of"), (test.id, "split_of")} <= relations
    rows = pd.concat([D.load_frame(ws, train.id), D.load_frame(ws, test.id)])
    assert len(rows.drop_duplicates()) == 200


def test_split_by_row_count_and_numeric_target(ws, frame_version):
    train, test = D.split_version(ws, frame_version.id, target="price", test_size=40)
    assert (train.n_rows, test.n_rows) == (160, 40)
    assert any("deciles" in w for w in test.warnings)
    train, test = D.split_version(ws, frame_version.id, stratify=False, test_size=0.1)
    assert test.n_rows == 20 and not test.operation["stratify"]


@pytest.mark.parametrize("size", [0, 1.0, -0.2, 200, "0.2"])
def test_split_rejects_bad_sizes(ws, frame_version, size):
    with pytest.raises(InvalidInput):
        D.split_version(ws, frame_version.id, test_size=size)


# ------------------------------------------------------------------ semantic overrides


def test_semantic_override_updates_metadata_only(ws, people):
    updated = D.set_semantic_types(ws, people.id, {"age": "categorical", "id": "numeric"})
    assert updated.id == people.id and updated.sha256 == people.sha256 and updated.artifact == people.artifact
    assert updated.column("age").semantic == "categorical" and updated.column("age").overridden
    assert D.get_version(ws, people.id).column("id").semantic == "numeric"
    with pytest.raises(InvalidInput):
        D.set_semantic_types(ws, people.id, {"city": "numeric"})


# ---------------------------------------------------------------------------- sharing


def test_datasets_are_shared_across_projects(ws, people):
    a, b = make_project(ws, "A"), make_project(ws, "B")
    D.attach_dataset(ws, people.dataset_id, a.id)
    D.attach_dataset(ws, people.dataset_id, b.id)
    D.attach_dataset(ws, people.dataset_id, b.id)  # idempotent
    assert [d.id for d in D.list_datasets(ws, project_id=a.id)] == [people.dataset_id]
    assert [d.id for d in D.list_datasets(ws, project_id=b.id)] == [people.dataset_id]
    D.detach_dataset(ws, people.dataset_id, a.id)
    assert D.list_datasets(ws, project_id=a.id) == []
    with pytest.raises(NotFound):
        D.attach_dataset(ws, people.dataset_id, "prj_missing")


def test_hypothesis_uses_dataset_link(ws, people):
    from core.define.hypotheses import create_hypothesis

    project = make_project(ws)
    hyp = create_hypothesis(ws, project.id, question="q?", statement="s", metric="accuracy", threshold=0.8)
    D.link_dataset_to_hypothesis(ws, people.dataset_id, hyp.id)
    graph = D.lineage_graph(ws, people.dataset_id)
    assert (hyp.id, "uses", people.dataset_id) in {(e.source, e.relation, e.target) for e in graph.edges}
    assert any(n.id == hyp.id and n.kind == "hypothesis" for n in graph.nodes)
    assert [d.id for d in D.list_datasets(ws, project_id=project.id)] == [people.dataset_id]
    with pytest.raises(NotFound):
        D.link_dataset_to_hypothesis(ws, people.dataset_id, "hyp_missing")


def test_archive_hides_dataset_and_restore_brings_it_back(ws, tmp_path, people):
    D.archive_dataset(ws, people.dataset_id)
    assert D.list_datasets(ws) == [] and len(D.list_datasets(ws, include_archived=True)) == 1
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    fresh = D.add_dataset(ws, path)  # same name and content, but the old one is archived
    assert not fresh.reused and fresh.version.dataset_id != people.dataset_id
    with pytest.raises(Conflict):
        D.restore_dataset(ws, people.dataset_id)
    D.archive_dataset(ws, fresh.version.dataset_id)
    assert D.restore_dataset(ws, people.dataset_id).archived_at is None


# ------------------------------------------------------------------------------ export


def test_csv_export_has_bom_and_neutralises_formulas(ws, tmp_path):
    df = pd.DataFrame({"cmd": ["=1+2", "+cmd", "-x", "@SUM(A1)", "safe", None], "n": [-1, 2, 3, 4, 5, 6],
                       "도시": ["서울"] * 6})
    df.to_parquet(tmp_path / "f.parquet")
    version = D.add_dataset(ws, tmp_path / "f.parquet").version
    buf = io.BytesIO()
    result = D.export_version(ws, version.id, buf)
    data = buf.getvalue()
    assert data.startswith(b"\xef\xbb\xbf") and result.neutralised_cells == 4
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back["cmd"].tolist()[:5] == ["'=1+2", "'+cmd", "'-x", "'@SUM(A1)", "safe"]
    assert back["n"].tolist()[0] == -1 and back["도시"].iloc[0] == "서울"


def test_csv_export_reimports_as_the_same_version(ws, tmp_path, people):
    (tmp_path / "out").mkdir()  # an export never creates folders: a missing one is refused (issue #9, item 10)
    out = tmp_path / "out" / "people.csv"
    D.export_version(ws, people.id, out)
    assert D.add_dataset(ws, out).version.id == people.id


def test_parquet_export_is_the_canonical_copy(ws, tmp_path, people):
    out = tmp_path / "people.parquet"
    result = D.export_version(ws, people.id, out, fmt="parquet")
    assert out.read_bytes() == ws.artifacts.read_bytes(people.artifact) and result.size_bytes == out.stat().st_size
    assert pq.read_table(out).num_rows == 6
    with pytest.raises(InvalidInput):
        D.export_version(ws, people.id, out, fmt="xlsx")


# -------------------------------------------------------------------------------- diff


def test_diff_reports_schema_and_row_changes(ws, tmp_path, people):
    edited = PEOPLE.replace("2,Bo,부산,28", "2,Bo,부산,29").replace("3,Cy,서울,45,,2024-03-04,yes\n", "")
    path = tmp_path / "people.csv"
    path.write_text(edited.replace(",active", ",status") + "9,Zed,서울,20,1.0,2024-07-07,no\n", encoding="utf-8")
    dedup_a = D.derive_version(ws, people.id, {"op": "deduplicate"})
    b = D.derive_version(ws, D.add_dataset(ws, path, name="people").version.id, {"op": "deduplicate"})
    d = D.diff_versions(ws, dedup_a.id, b.id, key="id")
    assert d.columns_added == ["status"] and d.columns_removed == ["active"] and not d.same_content
    assert (d.rows_added, d.rows_removed, d.rows_changed) == (1, 1, 1)
    assert d.sample_added == [9] and d.sample_removed == [3] and d.sample_changed == [2]
    plain = D.diff_versions(ws, people.id, b.id)
    assert plain.rows_added is None and (plain.rows_a, plain.rows_b) == (6, 5)
    with pytest.raises(InvalidInput, match="not a key"):
        D.diff_versions(ws, people.id, b.id, key="city")


# --------------------------------------------------------------------------------- CLI


def run_cli(capsys, *args: str) -> dict:
    code = main(["--json", *args])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def test_cli_add_show_derive_split_export_diff(ws, tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    added = run_cli(capsys, "datasets", "add", str(path), "--name", "people")
    assert set(added) >= {"id", "dataset_id", "sha256", "rows", "columns", "reused"}
    assert added["rows"] == 6 and added["reused"] is False and added["columns"][1] == "name"
    again = run_cli(capsys, "datasets", "add", str(path), "--name", "people")
    assert again["reused"] is True and again["id"] == added["id"]
    shown = run_cli(capsys, "datasets", "show", added["id"])
    assert shown["sha256"] == added["sha256"] and shown["schema"][3]["semantic"] == "numeric"
    derived = run_cli(capsys, "datasets", "derive", "people", "--where", "age", ">=", "30")
    assert derived["rows"] == 4 and derived["parent_id"] == added["id"]
    split = run_cli(capsys, "datasets", "split", "people:v1", "--test-size", "2", "--no-stratify")
    assert split["test"]["rows"] == 2
    out = tmp_path / "x.csv"
    exported = run_cli(capsys, "datasets", "export", added["id"], "--out", str(out))
    assert exported["fmt"] == "csv" and out.read_bytes().startswith(b"\xef\xbb\xbf")
    diff = run_cli(capsys, "datasets", "diff", added["id"], derived["id"])
    assert (diff["rows_a"], diff["rows_b"], diff["rows_removed"]) == (6, 4, None)
    typed = run_cli(capsys, "datasets", "types", added["id"], "age=categorical")
    assert typed["schema"][3]["overridden"] is True
    listed = run_cli(capsys, "datasets", "list")
    assert listed["datasets"][0]["n_versions"] == 4
    lineage = run_cli(capsys, "datasets", "lineage", "people")
    assert len(lineage["edges"]) == 3


def test_cli_errors_go_to_stderr_with_a_hint(ws, tmp_path, capsys):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert main(["--json", "datasets", "add", str(path)]) == 2
    err = json.loads(capsys.readouterr().err)
    assert err["type"] == "InvalidInput" and "empty.csv" in err["error"] and err["hint"]


def test_every_public_function_has_a_google_style_docstring():
    import inspect

    from core.data import canonical, ingest, readers, semantic
    from core.data import ops as dataset_ops
    from core.data import views as dataset_views

    for module in (D, ingest, readers, canonical, semantic, dataset_ops, dataset_views):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            doc = inspect.getdoc(fn) or ""
            assert doc, name
            assert "Returns:" in doc or "Raises:" in doc or "Yields:" in doc, f"{module.__name__}.{name}"


def test_samples_round_trip_through_the_public_api(ws):
    samples = Path(__file__).resolve().parents[2] / "data" / "samples"
    assert (samples / "breast_cancer.csv").exists()
    version = D.add_dataset(ws, samples / "breast_cancer.csv").version
    train, test = D.split_version(ws, version.id, target="diagnosis", seed=0)
    assert train.n_rows + test.n_rows == version.n_rows == 569


def test_read_preview_shows_detected_format_without_storing(ws, tmp_path):
    path = tmp_path / "ko.csv"
    path.write_bytes(("이름;점수\n" + "".join(f"사람{i};{i},5\n" for i in range(100))).encode("cp949"))
    preview = D.read_preview(path, rows=5)
    assert list(preview.frame.columns) == ["이름", "점수"] and len(preview.frame) == 5
    assert preview.source["encoding"] == "cp949" and preview.source["decimal"] == ","
    assert preview.frame["점수"].iloc[1] == 1.5
    upload = io.BytesIO(path.read_bytes())
    assert D.read_preview(upload, original_name="../x/ko.csv").file_name == "ko.csv"
    assert upload.tell() == 0 and D.add_dataset(ws, upload, original_name="ko.csv").version.n_rows == 100
    assert len(D.list_datasets(ws)) == 1


# ----------------------------------------------------------------- archive a version (issue #10)


def test_an_archived_version_leaves_lists_and_names_and_comes_back(ws, people):
    v2 = D.derive_version(ws, people.id, {"op": "deduplicate"})
    archived = D.archive_version(ws, v2.id)
    assert archived.archived_at
    assert [v.id for v in D.list_versions(ws, people.dataset_id, include_archived=False)] == [people.id]
    assert len(D.list_versions(ws, people.dataset_id)) == 2  # bookkeeping still sees it
    dataset = D.get_dataset(ws, people.dataset_id)
    assert (dataset.n_versions, dataset.latest_version_id) == (1, people.id)
    assert D.resolve_version(ws, "people").id == people.id  # the name no longer means it
    assert D.get_version(ws, v2.id).id == v2.id  # its id still reads it
    assert D.load_frame(ws, v2.id).shape == (5, 7)
    assert D.restore_version(ws, v2.id).archived_at is None
    assert D.resolve_version(ws, "people").id == v2.id


def test_archiving_takes_the_split_parts_along_and_restoring_brings_them_back(ws, people):
    v2 = D.derive_version(ws, people.id, {"op": "deduplicate"})
    train, test = D.split_version(ws, v2.id, test_size=2, stratify=False)
    D.archive_version(ws, v2.id)
    assert [v.id for v in D.list_versions(ws, people.dataset_id, include_archived=False)] == [people.id]
    D.restore_version(ws, v2.id)
    assert {v.id for v in D.list_versions(ws, people.dataset_id, include_archived=False)} == {
        people.id, v2.id, train.id, test.id}


def test_the_last_version_a_user_made_is_kept(ws, people):
    with pytest.raises(Conflict, match="last version") as caught:
        D.archive_version(ws, people.id)
    assert "datasets archive" in caught.value.hint
    assert D.get_version(ws, people.id).archived_at is None


def test_adding_an_archived_versions_content_again_restores_it(ws, tmp_path, people):
    v2 = D.derive_version(ws, people.id, {"op": "deduplicate"})
    D.archive_version(ws, v2.id)
    again = D.derive_version(ws, people.id, {"op": "deduplicate"})
    assert again.id == v2.id and again.archived_at is None


def test_an_old_workspace_gets_the_archive_column_and_keeps_its_versions(tmp_path):
    from core.store import init_db, open_db
    from core.store.migrations import MIGRATIONS

    path = tmp_path / "mlcycle.db"
    with open_db(path) as db:
        MIGRATIONS.apply(db, stop_before="0004_version_archive")
        assert "archived_at" not in db["dataset_versions"].columns_dict
        db["datasets"].insert({"id": "ds_old", "name": "old", "created_at": "2025-01-01T00:00:00+00:00"})
        db["dataset_versions"].insert({"id": "dsv_old", "dataset_id": "ds_old", "number": 1, "sha256": "x",
                                       "artifact": "x", "n_rows": 1, "n_cols": 1, "size_bytes": 1, "schema": "[]",
                                       "created_at": "2025-01-01T00:00:00+00:00"})
        db.conn.commit()
    init_db(path)
    with open_db(path) as db:
        row = db.execute("SELECT id, archived_at FROM dataset_versions").fetchone()
    assert tuple(row) == ("dsv_old", None)


def test_cli_archives_and_restores_one_version(ws, capsys, people):
    v2 = D.derive_version(ws, people.id, {"op": "deduplicate"})
    archived = run_cli(capsys, "datasets", "archive", "people:v2")
    assert archived["id"] == v2.id and archived["archived_at"] and archived["kind"] == "dataset_version"
    listed = run_cli(capsys, "datasets", "versions", "people")
    assert [v["id"] for v in listed["versions"]] == [people.id]
    everything = run_cli(capsys, "datasets", "versions", "people", "--all")
    assert [v["id"] for v in everything["versions"]] == [people.id, v2.id]
    restored = run_cli(capsys, "datasets", "restore", v2.id)
    assert restored["id"] == v2.id and restored["archived_at"] is None
    assert run_cli(capsys, "datasets", "archive", "people")["kind"] == "dataset"  # a name is the dataset


# ------------------------------------------------------------------ readable diff (issue #10)


def test_a_diff_without_a_key_matches_rows_by_content(ws, people):
    dedup = D.derive_version(ws, people.id, {"op": "deduplicate"})
    d = D.diff_versions(ws, people.id, dedup.id)
    assert (d.content_added, d.content_removed) == (0, 1)  # one copy of Ed's repeated row
    assert [r["name"] for r in d.removed_rows] == ["Ed"] and d.added_rows == []
    assert d.rows_added is None  # row-level fields by key stay for a key
    older = D.derive_version(ws, people.id, {"op": "filter_rows",
                                             "conditions": [{"column": "age", "operator": "<", "value": 40}]})
    d = D.diff_versions(ws, older.id, people.id)
    assert d.content_added == 3 and {r["name"] for r in d.added_rows} == {"Cy", "Ed"}


def test_a_diff_by_key_lists_the_rows_and_cells_that_changed(ws, tmp_path, people):
    edited = PEOPLE.replace("2,Bo,부산,28", "2,Bo,광주,29").replace("3,Cy,서울,45,,2024-03-04,yes\n", "")
    path = tmp_path / "people.csv"
    path.write_text(edited + "9,Zed,서울,20,1.0,2024-07-07,no\n", encoding="utf-8")
    a = D.derive_version(ws, people.id, {"op": "deduplicate"})
    b = D.derive_version(ws, D.add_dataset(ws, path, name="people").version.id, {"op": "deduplicate"})
    d = D.diff_versions(ws, a.id, b.id, key="id")
    assert {(c["key"], c["column"], c["old"], c["new"]) for c in d.changed_cells} == {
        (2, "city", "부산", "광주"), (2, "age", 28, 29)}
    assert [r["name"] for r in d.added_rows] == ["Zed"] and [r["name"] for r in d.removed_rows] == ["Cy"]
    json.dumps(d.as_dict())  # plain values: the CLI prints it


# --------------------------------------------------------------- what detection found (issue #10)


def test_add_says_what_reading_the_file_found(ws, tmp_path):
    path = tmp_path / "ko.csv"
    path.write_bytes(("이름;점수\n" + "".join(f"사람{i};{i},5\n" for i in range(20))).encode("cp949"))
    detected = D.add_dataset(ws, path).detected
    assert (detected["format"], detected["encoding"], detected["decimal"]) == ("csv", "cp949", ",")
    assert detected["delimiter"] in (";", "semicolon")


def test_sheet_names_lists_an_uploaded_workbooks_sheets_and_rewinds_it(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "notes"
    book.create_sheet("data").append(["a", "b"])
    path = tmp_path / "two.xlsx"
    book.save(path)
    upload = io.BytesIO(path.read_bytes())
    assert D.sheet_names(upload, original_name="two.xlsx") == ["notes", "data"]
    assert upload.tell() == 0
    with pytest.raises(InvalidInput, match="not an Excel workbook"):
        D.sheet_names(io.BytesIO(b"a,b\n1,2\n"), original_name="fake.xlsx")


def test_operation_summaries_count_in_words_that_agree(ws, people):
    """Issue #10, defect 9: '1 duplicate row', not '1 duplicate rows'; '1 column', not '1 column(s)'."""
    assert D.derive_version(ws, people.id, {"op": "deduplicate"}).description == \
        "removed 1 duplicate row (kept the first)"
    assert D.derive_version(ws, people.id, {"op": "drop_columns", "columns": ["city"]}).description == \
        "dropped 1 column: city"
    assert D.derive_version(ws, people.id, {"op": "drop_columns", "columns": ["city", "age"]}).description == \
        "dropped 2 columns: city, age"
