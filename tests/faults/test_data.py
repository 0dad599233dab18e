"""The fault suite, data: what ingest, versions and export promise when files and users misbehave.

Each test reproduces one case of issue #9 as it was written; its docstring starts with the item.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.cli import main
from core.data import datasets as D
from core.workspace import Workspace
from tests.conftest import REPO_ROOT, SAMPLES
from tests.pages.conftest import app  # noqa: F401 - the AppTest fixture


def _cli(ws, capsys, *args: str) -> tuple[int, str, str]:
    """Run `mlcycle` in this process: exit code, stdout, stderr."""
    code = main(["--workspace", str(ws.root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


# ----------------------------------------------------------------------- item 1


def _intact(ws: Workspace) -> list[str]:
    """Labels of the committed versions whose artifact is missing or damaged."""
    broken = []
    for dataset in D.list_datasets(ws, include_archived=True):
        for version in D.list_versions(ws, dataset.id):
            try:
                D.load_table(ws, version.id)
            except Exception as exc:  # noqa: BLE001 - any failure to read is what we look for
                broken.append(f"{version.label}: {exc}")
    return broken


@pytest.mark.slow
def test_item1_parallel_ingest_of_one_file_never_deletes_a_committed_artifact(tmp_path):
    """Item 1: eight rounds of six parallel `datasets add` of one file leave every version readable."""
    rng = np.random.default_rng(1)
    data = tmp_path / "same.csv"
    pd.DataFrame({"a": rng.normal(size=20_000), "b": rng.integers(0, 9, 20_000),
                  "c": rng.choice(["x", "y", "z"], 20_000)}).to_csv(data, index=False)
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    for round_ in range(8):
        root = tmp_path / f"ws{round_}"
        Workspace(root)  # created once, before the writers race
        writers = [subprocess.Popen([sys.executable, "-m", "core.cli", "--workspace", str(root), "datasets", "add",
                                     str(data), "--name", "same"], cwd=REPO_ROOT, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for _ in range(6)]
        results = [(w.wait(timeout=300), w.stdout.read(), w.stderr.read()) for w in writers]
        for w in writers:
            w.stdout.close()
            w.stderr.close()
        assert all(code == 0 for code, _, _ in results), results
        ws = Workspace(root)
        assert [d.n_versions for d in D.list_datasets(ws)] == [1], f"round {round_}"
        assert _intact(ws) == [], f"round {round_}"


@pytest.mark.parametrize("damage", ["deleted", "overwritten"])
def test_item1_re_adding_the_file_repairs_a_missing_or_damaged_artifact(ws, tmp_path, damage):
    """Item 1: re-adding a file whose stored copy was lost or damaged says "Reused" and repairs it."""
    version = D.add_dataset(ws, SAMPLES / "iris.csv").version
    path = ws.artifacts.path(version.artifact)
    if damage == "deleted":
        path.unlink()
    else:
        path.chmod(0o644)
        path.write_bytes(b"not parquet any more")
    assert _intact(ws) != []
    again = D.add_dataset(ws, SAMPLES / "iris.csv")
    assert again.reused and again.version.id == version.id
    assert any("repaired" in w for w in again.warnings), again.warnings
    assert _intact(ws) == []
    assert D.load_table(ws, version.id).num_rows == 150


def test_item1_re_adding_as_another_format_repairs_the_artifact_too(ws, tmp_path):
    """Item 1: the same table from another format (other Parquet bytes) also repairs a lost copy."""
    version = D.add_dataset(ws, SAMPLES / "churn.csv").version
    ws.artifacts.path(version.artifact).unlink()
    again = D.add_dataset(ws, SAMPLES / "churn.parquet", name="churn")
    assert again.reused and again.version.id == version.id
    assert _intact(ws) == []
    assert D.load_frame(ws, version.id).shape == (version.n_rows, version.n_cols)


# ----------------------------------------------------------------------- item 3


def test_item3_a_name_resolves_to_the_users_version_not_an_experiments_split(ws, tmp_path, capsys):
    """Item 3: after an experiment, `datasets export NAME` exports the original, not the held-out split."""
    from core import experiments
    from core.experiments.spec import SearchConfig

    original = D.add_dataset(ws, SAMPLES / "iris.csv", name="penguins").version
    target = original.columns[-1]
    experiment = experiments.create_experiment(ws, original.id, SearchConfig(target=target, time_budget=5),
                                               start_worker=False)
    assert experiment.test_version_id != original.id
    out = tmp_path / "penguins.csv"
    code, _, err = _cli(ws, capsys, "datasets", "export", "penguins", "--out", str(out))
    assert code == 0, err
    assert _csv_rows(out) == original.n_rows == 150
    assert D.resolve_version(ws, "penguins").id == original.id
    assert D.resolve_version(ws, original.dataset_id).id == original.id
    # the splits stay reachable, as children of their source
    test_part = D.get_version(ws, experiment.test_version_id)
    assert test_part.parent_id == original.id
    assert D.resolve_version(ws, f"penguins:v{test_part.number}").id == test_part.id
    assert D.get_dataset(ws, original.dataset_id).latest_version_id == original.id
    code, out_text, err = _cli(ws, capsys, "datasets", "show", "penguins")
    assert code == 0 and "penguins v1" in out_text, err


# ---------------------------------------------------------------------- item 20


def test_item20_datasets_profile_accepts_the_names_other_commands_accept(ws, capsys):
    """Item 20: `datasets profile NAME` accepts a dataset name (and `name:vN`), like `datasets show`."""
    version = D.add_dataset(ws, SAMPLES / "iris.csv").version
    for ref in ("iris", "IRIS", "iris:v1", version.dataset_id, version.id):
        code, out, err = _cli(ws, capsys, "datasets", "profile", ref)
        assert code == 0, (ref, err)
        assert out.startswith(f"Profile of {version.label}")
    code, _, err = _cli(ws, capsys, "datasets", "profile", "irises")
    assert code == 2 and "'irises'" in err and "datasets list" in err


# ---------------------------------------------------------------------- item 10


@pytest.mark.parametrize("where", ["missing folder", "a folder", "under a file"])
def test_item10_export_to_a_bad_out_path_says_what_is_wrong(ws, tmp_path, capsys, where):
    """Item 10: `datasets export V --out` a path whose folder does not exist, or a directory: a message, exit 2."""
    D.add_dataset(ws, SAMPLES / "iris.csv")
    (tmp_path / "afile").write_text("keep me")
    out = {"missing folder": tmp_path / "nope" / "iris.csv", "a folder": tmp_path,
           "under a file": tmp_path / "afile" / "iris.csv"}[where]
    code, stdout, err = _cli(ws, capsys, "datasets", "export", "iris", "--out", str(out))
    assert code == 2 and stdout == ""
    assert "Traceback" not in err and err.count("\n") == 1
    named = {"missing folder": str(out.parent), "a folder": str(out), "under a file": str(out.parent)}[where]
    assert f"'{named}'" in err
    assert not (tmp_path / "nope").exists()
    assert (tmp_path / "afile").read_text() == "keep me"
    code, _, err = _cli(ws, capsys, "datasets", "export", "iris", "--out", str(out), "--json")
    assert code == 2 and json.loads(err)["hint"]


def test_item20_export_to_an_xlsx_name_is_refused_not_written_as_csv(ws, tmp_path, capsys):
    """Item 20: `--out x.xlsx` no longer writes CSV into an .xlsx name; the message names the formats."""
    D.add_dataset(ws, SAMPLES / "iris.csv")
    out = tmp_path / "x.xlsx"
    code, _, err = _cli(ws, capsys, "datasets", "export", "iris", "--out", str(out))
    assert code == 2 and not out.exists()
    assert ".xlsx" in err and ".csv" in err and ".parquet" in err
    code, _, err = _cli(ws, capsys, "datasets", "export", "iris", "--out", str(tmp_path / "x.csv"), "--format",
                        "parquet")
    assert code == 2 and "parquet" in err and not (tmp_path / "x.csv").exists()
    for name, magic in (("x.parquet", b"PAR1"), ("x.csv", b"\xef\xbb\xbf"), ("x", b"\xef\xbb\xbf")):
        code, _, err = _cli(ws, capsys, "datasets", "export", "iris", "--out", str(tmp_path / name))
        assert code == 0, err
        assert (tmp_path / name).read_bytes().startswith(magic)


# ---------------------------------------------------------------------- item 14


def test_item14_lineage_does_not_swallow_a_database_error(ws):
    """Item 14: the lineage view no longer ignores OperationalError (it showed bare ids as if all was well)."""
    import sqlite3

    from core.store.lineage import add_link

    version = D.add_dataset(ws, SAMPLES / "iris.csv").version
    with ws.write() as db:
        add_link(db, "experiment", "exp_0123456789ab", "uses", "dataset_version", version.id)
        db.execute("ALTER TABLE experiments RENAME COLUMN name TO title")  # a damaged or foreign schema
    with pytest.raises(sqlite3.OperationalError, match="name"):
        D.lineage_graph(ws, version.dataset_id)


# ------------------------------------------------------------ items 15-19: ingest


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def _refused(ws, path: Path, **kw):
    """Ingest ``path`` expecting a clear refusal; nothing may be stored."""
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput) as err:
        D.add_dataset(ws, path, **kw)
    assert D.list_datasets(ws, include_archived=True) == []
    assert err.value.hint
    return err.value


@pytest.mark.parametrize("pipelined", [False, True])
def test_item15_a_30_digit_integer_id_is_kept_as_text(ws, tmp_path, monkeypatch, pipelined):
    """Item 15: a 30-digit integer id keeps every digit (as text, with a warning), not 1.2345678901234568e+29."""
    from core.data import ingest

    ids = [str(123456789012345678901234567890 + i) for i in range(3000)]
    path = _write(tmp_path, "ids.csv", "id,v\n" + "".join(f"{i},{n}\n" for n, i in enumerate(ids)))
    if pipelined:
        monkeypatch.setattr(ingest, "SEGMENT_BYTES", 8192)
    result = D.add_dataset(ws, path)
    frame = D.load_frame(ws, result.version.id)
    assert frame["id"].tolist() == ids
    assert frame["v"].tolist() == list(range(3000))  # ordinary integers stay integers
    assert result.version.column("id").dtype == "str"
    assert any("'id'" in w and "64-bit" in w for w in result.version.warnings), result.version.warnings


def test_item15_json_big_integers_are_kept_as_text_too(ws, tmp_path):
    """Item 15: the same holds for a JSON file."""
    path = _write(tmp_path, "ids.json", '[{"id": 123456789012345678901234567890}, {"id": 2}]')
    result = D.add_dataset(ws, path)
    assert D.load_frame(ws, result.version.id)["id"].tolist() == ["123456789012345678901234567890", "2"]
    assert any("'id'" in w and "64-bit" in w for w in result.version.warnings), result.version.warnings


def test_item16_xlsx_formulas_without_cached_values_are_named(ws, tmp_path, capsys):
    """Item 16: formula cells with no saved result give a warning naming the column, shown with the version."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["a", "b", "total"])
    for i in range(2, 6):
        sheet.append([i, i * 2, f"=A{i}+B{i}"])  # openpyxl stores formulas, never their results
    book.save(tmp_path / "calc.xlsx")
    result = D.add_dataset(ws, tmp_path / "calc.xlsx")
    notes = [w for w in result.version.warnings if "'total'" in w]
    assert notes and "formula" in notes[0] and "4" in notes[0], result.version.warnings
    code, out, _ = _cli(ws, capsys, "datasets", "show", "calc")
    assert code == 0 and "formula" in out


@pytest.mark.parametrize("where", ["early", "late", "pipelined"])
def test_item17_a_nul_byte_is_refused_wherever_it_is_naming_its_line(ws, tmp_path, monkeypatch, where):
    """Item 17: a NUL byte gets the same refusal in the first 256 KB and later, and names the line."""
    from core.data import ingest

    rows = "".join(f"{i},row{i}\n" for i in range(40_000 if where != "early" else 3))
    data = ("a,b\n" + rows).encode() + b"7,x\x00y\n" + b"8,z\n"
    line = 2 + (40_000 if where != "early" else 3)
    if where == "pipelined":
        monkeypatch.setattr(ingest, "SEGMENT_BYTES", 65536)
    err = _refused(ws, _write(tmp_path, "nul.csv", data))
    assert f"line {line}" in err.message and "NUL" in err.message, err.message
    assert "nul.csv" in err.message


def test_item17_binary_data_is_still_called_binary(ws, tmp_path):
    """Item 17: a file that is not text at all keeps its own message."""
    garbage = bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8))
    err = _refused(ws, _write(tmp_path, "photo.csv", garbage))
    assert "binary" in err.message


def test_item18_nested_parquet_columns_are_flattened_with_a_warning(ws, tmp_path):
    """Item 18: a struct split into s.x/s.y and a list turned into text are both said, naming the columns."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"s": pa.array([{"x": 1, "y": "a"}, {"x": 2, "y": "b"}]), "l": pa.array([[1, 2], [3]]),
                      "n": [1, 2]})
    pq.write_table(table, tmp_path / "nested.parquet")
    result = D.add_dataset(ws, tmp_path / "nested.parquet")
    assert result.version.columns == ["s.x", "s.y", "l", "n"]
    warnings = " ".join(result.version.warnings)
    assert "'s'" in warnings and "s.x" in warnings and "s.y" in warnings, warnings
    assert "'l'" in warnings and "JSON text" in warnings, warnings


def test_item19_identical_content_under_another_name_makes_that_name(ws, tmp_path, capsys):
    """Item 19: adding the same content under another name creates that name (and says what it shares)."""
    first = D.add_dataset(ws, SAMPLES / "iris.csv").version
    code, out, err = _cli(ws, capsys, "datasets", "add", str(SAMPLES / "iris.csv"), "--name", "flowers")
    assert code == 0, err
    assert "flowers v1" in out and "iris v1" in out  # the message names both
    flowers = D.resolve_version(ws, "flowers")
    assert flowers.dataset_name == "flowers" and flowers.sha256 == first.sha256
    assert flowers.artifact == first.artifact  # one stored copy
    assert D.resolve_version(ws, "iris").id == first.id
    again = D.add_dataset(ws, SAMPLES / "iris.csv", name="flowers")
    assert again.reused and again.version.id == flowers.id  # the same name still reuses


def test_item19_another_sheet_with_another_schema_is_not_silently_v2(ws, tmp_path):
    """Item 19: `--sheet` of a second sheet with other columns is its own dataset; an explicit name warns."""
    import pandas as pd

    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}).to_excel(xw, sheet_name="one", index=False)
        pd.DataFrame({"c": [3.5, 4.5]}).to_excel(xw, sheet_name="two", index=False)
    first = D.add_dataset(ws, path).version
    second = D.add_dataset(ws, path, sheet="two")
    assert second.version.dataset_id != first.dataset_id
    assert "two" in second.version.dataset_name and second.version.number == 1
    assert D.resolve_version(ws, "book").id == first.id
    forced = D.add_dataset(ws, path, sheet="two", name="book")  # the user asked for it: a v2, said loudly
    assert forced.version.dataset_id == first.dataset_id and forced.version.number == 2
    note = " ".join(forced.warnings)
    assert "'c'" in note and "'a'" in note and "v1" in note, forced.warnings


# ---------------------------------------------------------------------- item 20


@pytest.mark.parametrize("content, line", [
    ('a,b\n1,"hello\n2,x\n3,y\n', 2),            # never closed: the rest of the file went into one cell
    ('a,b\n1,x\n2,"hello\n3,"y"\n4,z\n', 3),     # closed lines later by a stray quote
    ('a,b,c\n1,"hello,2\n2,x,3\n3,y,4\n', 2),    # was reported as "line 4 has 2 fields"
])
def test_item20_an_unterminated_quote_is_named_as_such(ws, tmp_path, content, line):
    """Item 20: an unterminated quote is reported as a quote opened on its line, not as a field count."""
    err = _refused(ws, _write(tmp_path, "quote.csv", content))
    assert "quote" in err.message and f"line {line}" in err.message, err.message
    assert "fields" not in err.message


def test_item20_quoted_line_breaks_and_literal_quotes_are_still_read(ws, tmp_path):
    """Item 20: well-formed multi-line values (and an inch mark in a plain value) are not refused."""
    version = D.add_dataset(ws, _write(tmp_path, "ok.csv", 'a,h\n1,5\'10"\n2,"multi\nline"\n')).version
    assert D.load_frame(ws, version.id)["h"].tolist() == ['5\'10"', "multi\nline"]


def test_item20_a_directory_argument_is_called_a_folder(ws, tmp_path, capsys):
    """Item 20: `datasets add DIR` says it is a folder, not "unsupported type"."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "iris.csv").write_text("a\n1\n")
    code, _, err = _cli(ws, capsys, "datasets", "add", str(tmp_path / "data"))
    assert code == 2 and "folder" in err and "unsupported" not in err
    assert "iris.csv" in err  # points at the file inside


def test_item20_column_names_are_capped(ws, tmp_path):
    """Item 20: a 5,000-character column name is shortened, with a warning; short names stay."""
    from core.data.canonical import MAX_COLUMN_NAME

    long_a, long_b = "a" * 5000, "a" * 5000 + "b"
    result = D.add_dataset(ws, _write(tmp_path, "wide.csv", f"{long_a},{long_b},c\n1,2,3\n"))
    names = result.version.columns
    assert all(len(n) <= MAX_COLUMN_NAME for n in names) and len(set(names)) == 3 and names[2] == "c"
    assert any("shortened" in w for w in result.version.warnings), result.version.warnings


def test_items15_to_18_ingest_warnings_are_shown_with_the_version_on_the_datasets_page(app, ws, tmp_path):  # noqa: F811
    """Items 15-18: what ingest changed is shown with the version on the Datasets page, not only at upload."""
    from tests.conftest import make_project

    project = make_project(ws)
    path = _write(tmp_path, "ids.csv", "id,v\n123456789012345678901234567890,1\n2,2\n")
    D.add_dataset(ws, path, project_id=project.id)
    at = app("app_pages/datasets.py", session={"active_project_id": project.id})
    assert not at.exception, at.exception
    shown = [w.value.replace("\\", "") for w in at.warning]  # Markdown-escaped user text
    assert any("64-bit" in w and "'id'" in w for w in shown), shown


def test_item20_archive_and_restore_accept_a_name(ws, capsys):
    """Item 20: DATASET arguments take names everywhere, `datasets restore NAME` of an archived one included."""
    version = D.add_dataset(ws, SAMPLES / "iris.csv").version
    code, _, err = _cli(ws, capsys, "datasets", "archive", "iris")
    assert code == 0, err
    code, out, err = _cli(ws, capsys, "datasets", "restore", "IRIS")
    assert code == 0 and version.dataset_id in out, err
    code, out, err = _cli(ws, capsys, "datasets", "versions", version.id)  # a version names its dataset too
    assert code == 0 and version.id in out, err


# ------------------------------------------------------------- issue #10: archive and restore


def test_issue10_a_version_an_experiment_uses_is_kept_and_the_refusal_names_the_experiment(ws, capsys):
    """Issue #10: archiving a version an experiment (or its model) uses is refused, naming the experiment;
    so is archiving the train/test part it split off. Nothing is archived."""
    from core import experiments
    from core.errors import Conflict
    from core.experiments.spec import SearchConfig

    original = D.add_dataset(ws, SAMPLES / "iris.csv").version
    newer = D.derive_version(ws, original.id, {"op": "deduplicate"})
    experiment = experiments.create_experiment(ws, original.id, SearchConfig(target="species", time_budget=5),
                                               name="petals", start_worker=False)
    for version_id in (original.id, experiment.train_version_id, experiment.test_version_id):
        with pytest.raises(Conflict, match="experiment 'petals'") as caught:
            D.archive_version(ws, version_id)
        assert experiment.id in caught.value.message and caught.value.hint
    code, out, err = _cli(ws, capsys, "datasets", "archive", original.id)
    assert code == 2 and "petals" in err and "Traceback" not in err, err
    assert all(v.archived_at is None for v in D.list_versions(ws, original.dataset_id))
    assert D.archive_version(ws, newer.id).archived_at  # a version nothing uses goes


@pytest.mark.parametrize("command", ["archive", "restore"])
@pytest.mark.parametrize("ref", ["dsv_nope", "ds_nope", "no such data", "iris:v9", ""])
def test_issue10_archive_and_restore_of_an_unknown_id_say_so(ws, capsys, command, ref):
    """Issue #10: `datasets archive|restore` of an unknown dataset or version is one line, exit 2."""
    D.add_dataset(ws, SAMPLES / "iris.csv")
    code, out, err = _cli(ws, capsys, "datasets", command, ref)
    assert code == 2 and "Traceback" not in err, err
    assert len(err.strip().splitlines()) <= 2 and ("no dataset" in err.lower() or "no version" in err.lower()
                                                   or "not given" in err.lower() or "has no" in err.lower()), err
    assert [d.archived_at for d in D.list_datasets(ws, include_archived=True)] == [None]


def test_issue10_a_link_to_an_unknown_version_says_so_on_the_datasets_page(app, ws):  # noqa: F811
    """Issue #10: a URL naming a version that is not in the workspace shows a message, not a traceback."""
    from tests.conftest import make_project

    project = make_project(ws)
    D.add_dataset(ws, SAMPLES / "iris.csv", project_id=project.id)
    at = app("app_pages/datasets.py", session={"active_project_id": project.id})
    at.query_params["version"] = "dsv_gone"
    at.run()
    assert not at.exception, at.exception
    assert any("dsv_gone" in w.value.replace("\\", "") for w in at.warning)
    assert at.dataframe, "the project's datasets are still listed"
