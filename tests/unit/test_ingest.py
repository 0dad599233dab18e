"""Ingest: formats, encodings, canonical form and hash, and every kind of bad input (core.data.ingest)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from core.data import canonical, ingest, readers
from core.data.datasets import add_dataset, get_version, load_frame, load_table
from core.errors import InvalidInput, NotFound
from core.progress import Progress

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
CSV = "id,name,score,joined\n1,Ann,1.5,2024-01-02\n2,Bo,2.25,2024-02-03\n3,Cy,,2024-03-04\n"


def write(tmp_path: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def state(ws) -> dict:
    """Everything a failed ingest must leave untouched."""
    with ws.read() as db:
        counts = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]  # noqa: S608
                  for t in ("datasets", "dataset_versions", "events", "lineage", "project_datasets")}
    files = sorted(str(p.relative_to(ws.root)) for p in ws.root.rglob("*")
                   if p.is_file() and not p.name.startswith("mlcycle.db"))
    return {**counts, "files": files}


def bad(ws, path, **kw) -> InvalidInput:
    """Ingest ``path``, expect InvalidInput, and check nothing changed."""
    before = state(ws)
    with pytest.raises(InvalidInput) as err:
        add_dataset(ws, path, **kw)
    assert state(ws) == before
    assert err.value.hint, "every ingest error says what to do"
    return err.value


# ------------------------------------------------------------------------ bad input


def test_empty_file_is_refused(ws, tmp_path):
    err = bad(ws, write(tmp_path, "empty.csv", b""))
    assert "'empty.csv' is empty" in err.message


def test_blank_file_is_refused(ws, tmp_path):
    err = bad(ws, write(tmp_path, "blank.csv", "\n\n  \n"))
    assert "blank.csv" in err.message and "empty" in err.message


def test_header_only_file_is_refused(ws, tmp_path):
    err = bad(ws, write(tmp_path, "head.csv", "a,b,c\n"))
    assert "header row (3 columns) but no data rows" in err.message
    assert "head.csv" in err.message


def test_binary_garbage_with_a_csv_name_is_refused(ws, tmp_path):
    garbage = bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8))
    err = bad(ws, write(tmp_path, "photo.csv", garbage))
    assert "photo.csv" in err.message and "binary" in err.message


def test_ragged_rows_report_the_first_bad_line(ws, tmp_path):
    err = bad(ws, write(tmp_path, "ragged.csv", "a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n11,12,13\n"))
    assert "line 4 has 4 fields but the header has 3" in err.message
    assert "ragged.csv" in err.message and "quotes" in err.hint


def test_ragged_rows_are_found_in_a_pipelined_read_too(ws, tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "SEGMENT_BYTES", 256)
    rows = "".join(f"{i},{i * 2},x{i}\n" for i in range(200))
    err = bad(ws, write(tmp_path, "big.csv", "a,b,c\n" + rows + "1,2\n" + rows))
    assert "line 202 has 2 fields" in err.message


def test_unsupported_extension_is_refused_before_reading(ws, tmp_path):
    err = bad(ws, write(tmp_path, "report.docx", b"PK\x03\x04"))
    assert "unsupported file type (.docx)" in err.message and ".csv" in err.hint


def test_old_xls_gets_its_own_hint(ws, tmp_path):
    err = bad(ws, write(tmp_path, "old.xls", readers.OLE_MAGIC + b"\x00" * 100))
    assert ".xls" in err.message and "save it as .xlsx" in err.hint


def test_file_over_the_limit_is_refused_before_reading(ws, tmp_path, monkeypatch):
    def never(*a, **k):
        raise AssertionError("read before the size check")

    monkeypatch.setattr(ingest, "ingest_file", never)
    err = bad(ws, write(tmp_path, "big.csv", CSV), max_bytes=10)
    assert "over the 10 bytes limit" in err.message
    monkeypatch.setenv(ingest.MAX_BYTES_ENV, "20")
    err = bad(ws, write(tmp_path, "big2.csv", CSV))
    assert "big2.csv" in err.message and ingest.MAX_BYTES_ENV in err.hint


def test_stream_over_the_limit_is_refused_and_leaves_no_scratch_file(ws):
    class Upload(io.BytesIO):
        name = "upload.csv"

    stream = Upload(CSV.encode() * 100)
    bad(ws, stream, max_bytes=1000)
    assert not list((ws.root / "tmp").rglob("*.csv")) if (ws.root / "tmp").exists() else True


def test_encrypted_xlsx_is_detected(ws, tmp_path):
    err = bad(ws, write(tmp_path, "secret.xlsx", readers.OLE_MAGIC + b"\x00" * 2000))
    assert "password-protected" in err.message and "remove the password" in err.hint


def test_xlsx_that_is_not_a_zip_is_refused(ws, tmp_path):
    err = bad(ws, write(tmp_path, "fake.xlsx", "a,b\n1,2\n"))
    assert "not an Excel workbook" in err.message


def test_xlsx_without_sheets_is_refused(ws, tmp_path):
    import openpyxl

    src = tmp_path / "one.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "a"
    wb.save(src)
    target = tmp_path / "nosheets.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.namelist():
            data = zin.read(item)
            if item == "xl/workbook.xml":
                data = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", data)
            zout.writestr(item, data)
    err = bad(ws, target)
    assert "nosheets.xlsx" in err.message and "no sheets" in err.message


@pytest.mark.parametrize(("content", "fragment"), [
    ("42", "top level is a int"),
    ("[1, 2, 3]", "not all objects"),
    ('{"name": "x", "size": 3}', "single object"),
    ('{"a": [1, 2], "b": [1]}', "different lengths"),
    ("[]", "empty JSON array"),
    ('{"a": [1, 2', "not valid JSON (line 1"),
])
def test_json_that_is_not_a_table_is_refused(ws, tmp_path, content, fragment):
    err = bad(ws, write(tmp_path, "doc.json", content))
    assert fragment in err.message and "doc.json" in err.message


def test_json_lines_with_a_bad_line_names_it(ws, tmp_path):
    err = bad(ws, write(tmp_path, "rows.jsonl", '{"a": 1}\n{"a": 2}\nnot json\n'))
    assert "line 3 is not valid JSON" in err.message


def test_missing_excel_sheet_lists_the_sheets(ws, tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame({"a": [1]}).to_excel(xw, sheet_name="first", index=False)
        pd.DataFrame({"b": [2]}).to_excel(xw, sheet_name="second", index=False)
    err = bad(ws, path, sheet="third")
    assert "no sheet named 'third'" in err.message and "'first'" in err.hint


@pytest.mark.parametrize("case", ["empty", "header", "garbage", "ragged", "docx", "json", "xlsx"])
def test_failed_ingest_leaves_no_version_no_artifact_and_no_event(ws, tmp_path, case):
    add_dataset(ws, write(tmp_path, "good.csv", CSV))  # a workspace with something in it
    files = {
        "empty": ("e.csv", b""), "header": ("h.csv", b"a,b\n"), "garbage": ("g.csv", b"\x00\xff" * 500),
        "ragged": ("r.csv", b"a,b\n1,2\n1,2,3\n"), "docx": ("d.docx", b"x"), "json": ("j.json", b"[1, 2]"),
        "xlsx": ("x.xlsx", readers.OLE_MAGIC + b"\x00" * 100),
    }
    name, content = files[case]
    bad(ws, write(tmp_path, name, content))


def test_missing_path_is_not_found(ws, tmp_path):
    with pytest.raises(NotFound):
        add_dataset(ws, tmp_path / "nope.csv")


# ------------------------------------------------------------------ names and columns


@pytest.mark.parametrize(("given", "kept"), [
    ("../../etc/passwd.csv", "passwd.csv"),
    ("/etc/shadow.csv", "shadow.csv"),
    ("C:\\Users\\me\\data.csv", "data.csv"),
    ("..\\..\\x.csv", "x.csv"),
])
def test_user_file_names_are_reduced_to_their_base_name(ws, tmp_path, given, kept):
    result = add_dataset(ws, io.BytesIO(CSV.encode()), original_name=given, name="n")
    assert result.version.source["file_name"] == kept
    assert not any(p.name == kept for p in ws.root.rglob("*"))  # never written under that name


def test_duplicate_and_blank_column_names_are_renamed_with_a_warning(ws, tmp_path):
    result = add_dataset(ws, write(tmp_path, "dupes.csv", "a,a,,b,a_2\n1,2,3,4,5\n6,7,8,9,10\n"))
    assert result.version.columns == ["a", "a_3", "column_3", "b", "a_2"]
    assert result.version.warnings and "renamed" in result.version.warnings[0]
    assert "column 2 'a' -> 'a_3'" in result.version.warnings[0]


def test_dedupe_names_is_stable():
    assert canonical.dedupe_names(["x", " x ", "", "x_2"])[0] == ["x", "x_3", "column_3", "x_2"]


def test_mixed_numbers_and_text_are_kept_as_text_and_flagged(ws, tmp_path):
    result = add_dataset(ws, write(tmp_path, "mixed.csv", "code,v\n1,1\n2,2\nA7,3\n4,4\n"))
    col = result.version.column("code")
    assert col.dtype == "str" and "mixed_types" in col.flags
    assert load_frame(ws, result.version.id)["code"].tolist() == ["1", "2", "A7", "4"]


def test_mixed_json_values_are_kept_as_text_with_a_warning(ws, tmp_path):
    records = [{"x": 1, "y": "a"}, {"x": "two", "y": "b"}, {"x": 3.5, "y": None}]
    result = add_dataset(ws, write(tmp_path, "mixed.json", json.dumps(records)))
    assert "mixed_types" in result.version.column("x").flags
    assert any("mixing numbers and text" in w for w in result.warnings)
    assert load_frame(ws, result.version.id)["x"].tolist() == ["1", "two", "3.5"]


# --------------------------------------------------------------- formats and encodings


@pytest.mark.parametrize(("delimiter", "name"), [(",", "c.csv"), (";", "s.csv"), ("\t", "t.tsv"), ("|", "p.txt")])
def test_delimiters_are_sniffed(ws, tmp_path, delimiter, name):
    text = CSV.replace(",", delimiter)
    result = add_dataset(ws, write(tmp_path, name, text))
    assert result.version.columns == ["id", "name", "score", "joined"]
    assert result.version.n_rows == 3


def test_decimal_comma_is_recognised(ws, tmp_path):
    result = add_dataset(ws, write(tmp_path, "eu.csv", "a;b\n1,5;x\n2,25;y\n-3,0;z\n"))
    assert result.version.source["decimal"] == ","
    assert load_frame(ws, result.version.id)["a"].tolist() == [1.5, 2.25, -3.0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp949", "euc-kr"])
def test_hangul_survives_every_encoding(ws, tmp_path, encoding):
    text = "이름,도시,점수\n홍길동,서울,1\n김철수,부산,2\n"
    result = add_dataset(ws, write(tmp_path, "ko.csv", text, encoding=encoding), name="ko")
    assert result.version.columns == ["이름", "도시", "점수"]
    assert load_frame(ws, result.version.id)["도시"].tolist() == ["서울", "부산"]


def test_all_encodings_of_one_table_are_one_version(ws, tmp_path):
    text = "이름,도시,점수\n홍길동,서울,1\n김철수,부산,2\n"
    ids = {add_dataset(ws, write(tmp_path, f"k{i}.csv", text, encoding=e), name="k").version.id
           for i, e in enumerate(["utf-8", "utf-8-sig", "utf-16", "cp949"])}
    assert len(ids) == 1


def test_latin1_is_detected_and_can_be_overridden(ws, tmp_path):
    text = "city,note\n" + "München,café crème\nZürich,naïve façade\nKöln,déjà vu à la carte\n" * 20
    path = write(tmp_path, "latin.csv", text, encoding="latin-1")
    detected = add_dataset(ws, path)
    assert load_frame(ws, detected.version.id)["city"].tolist()[:2] == ["München", "Zürich"]
    forced = add_dataset(ws, path, encoding="latin-1")
    assert forced.version.id == detected.version.id


def test_unknown_encoding_is_refused(ws, tmp_path):
    err = bad(ws, write(tmp_path, "a.csv", CSV), encoding="klingon-8")
    assert "klingon-8" in err.message


def test_excel_first_sheet_or_a_chosen_one(ws, tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame({"a": [1, 2], "이름": ["가", "나"]}).to_excel(xw, sheet_name="one", index=False)
        pd.DataFrame({"b": [3.5, 4.5]}).to_excel(xw, sheet_name="two", index=False)
    first = add_dataset(ws, path, name="book")
    assert first.version.columns == ["a", "이름"] and first.version.source["sheet"] == "one"
    second = add_dataset(ws, path, name="book", sheet="two")
    assert second.version.columns == ["b"] and second.version.number == 2
    assert add_dataset(ws, path, name="book", sheet=1).version.id == second.version.id


def test_json_shapes_are_read(ws, tmp_path):
    columns = {"a": [1, 2], "b": ["x", "y"]}
    records = [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]
    split = {"columns": ["a", "b"], "data": [[1, "x"], [2, "y"]]}
    wrapped = {"data": records}
    ids = {add_dataset(ws, write(tmp_path, f"d{i}.json", json.dumps(doc)), name="d").version.id
           for i, doc in enumerate([columns, records, split, wrapped])}
    ids.add(add_dataset(ws, write(tmp_path, "d.jsonl", "\n".join(json.dumps(r) for r in records))).version.id)
    assert len(ids) == 1


def test_nested_json_is_flattened(ws, tmp_path):
    records = [{"id": 1, "user": {"name": "a", "age": 3}, "tags": ["x", "y"]}, {"id": 2, "user": {"name": "b"}}]
    version = add_dataset(ws, write(tmp_path, "nested.json", json.dumps(records))).version
    assert version.columns == ["id", "user.name", "user.age", "tags"]
    assert load_frame(ws, version.id)["tags"].tolist()[0] == '["x", "y"]'


def test_stream_upload_is_ingested(ws):
    class Upload(io.BytesIO):
        name = "upload.csv"

    result = add_dataset(ws, Upload(CSV.encode()))
    assert result.version.source["file_name"] == "upload.csv" and result.version.n_rows == 3
    assert not [p for p in (ws.root / "tmp").rglob("*") if p.is_file()]


def test_progress_is_reported_and_ends_at_one(ws, tmp_path):
    seen: list[Progress] = []
    add_dataset(ws, write(tmp_path, "p.csv", CSV), on_progress=seen.append)
    assert seen and seen[-1].fraction == 1.0
    fractions = [p.fraction for p in seen if p.fraction is not None]
    assert fractions == sorted(fractions)


# ------------------------------------------------------------- canonical form and hash


def test_csv_and_parquet_of_one_table_hash_equal(ws, tmp_path):
    df = pd.DataFrame({
        "i": pd.array([1, None, 3], dtype="Int64"), "f": [0.1, np.nan, 1e-300], "s": ["a", None, "ç"],
        "b": [True, False, True], "d": pd.to_datetime(["2024-01-01", "2024-01-02", None]),
        "c": pd.Categorical(["x", "y", "x"]),
    })
    df.to_csv(tmp_path / "t.csv", index=False)
    df.to_parquet(tmp_path / "t.parquet")
    df.set_index("s").to_parquet(tmp_path / "indexed.parquet")  # a real index column comes back as a column
    a = add_dataset(ws, tmp_path / "t.csv", name="t")
    b = add_dataset(ws, tmp_path / "t.parquet", name="t")
    assert b.reused and b.version.id == a.version.id
    assert "s" in add_dataset(ws, tmp_path / "indexed.parquet").version.columns


def test_pandas_default_index_is_dropped(ws, tmp_path):
    df = pd.DataFrame({"a": [1, 2, 3]}, index=[10, 20, 30])
    df.to_parquet(tmp_path / "idx.parquet")
    pq.write_table(pa.Table.from_pandas(df, preserve_index=True), tmp_path / "idx2.parquet")
    version = add_dataset(ws, tmp_path / "idx2.parquet").version
    assert version.columns == ["a"]


def test_content_hash_ignores_chunking_but_not_values():
    table = pa.table({"a": [1, None, 3, 4], "s": ["x", None, "yz", ""], "b": [True, None, False, True],
                      "t": pa.array([1, 2, None, 4], pa.timestamp("us"))})
    chunked = pa.concat_tables([table.slice(0, 1), table.slice(1, 2), table.slice(3)])
    assert canonical.content_hash(table) == canonical.content_hash(chunked)
    changed = table.set_column(1, "s", pa.array(["x", None, "y", "z"]))  # same bytes, other boundaries
    assert canonical.content_hash(changed) != canonical.content_hash(table)
    renamed = table.rename_columns(["A", "s", "b", "t"])
    assert canonical.content_hash(renamed) != canonical.content_hash(table)


def test_canonical_types_are_normalised():
    table = pa.table({
        "i8": pa.array([1, 2], pa.int8()), "f32": pa.array([1.5, float("nan")], pa.float32()),
        "ls": pa.array(["a", "b"], pa.large_string()), "d": pa.array([1, 2], pa.date32()),
        "ns": pa.array([1_000, 2_000], pa.timestamp("ns")), "cat": pa.array(["a", "b"]).dictionary_encode(),
        "none": pa.array([None, None], pa.float64()),
    })
    out, _ = canonical.canonicalize(table)
    assert [str(t) for t in out.schema.types] == [
        "int64", "double", "string", "timestamp[us]", "timestamp[us]", "string", "null"]
    assert out.column("f32").null_count == 1


def test_pipelined_csv_read_equals_the_whole_file_read(ws, tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    n = 3000
    df = pd.DataFrame({"id": range(n), "x": rng.normal(size=n).round(5), "c": rng.choice(["가", "b"], n),
                       "d": pd.date_range("2020-01-01", periods=n, freq="h").astype(str),
                       "late": [None] * (n - 1) + ["surprise"]})
    path = tmp_path / "big.csv"
    df.to_csv(path, index=False)
    whole = add_dataset(ws, path, name="whole")
    monkeypatch.setattr(ingest, "SEGMENT_BYTES", 8192)
    piped = add_dataset(ws, path, name="piped")  # 'late' is null in the first segment: falls back
    assert piped.version.sha256 == whole.version.sha256
    df["late"] = "v"
    df.to_csv(path, index=False)
    a = add_dataset(ws, path, name="piped2")
    monkeypatch.setattr(ingest, "SEGMENT_BYTES", 1 << 30)
    b = add_dataset(ws, path, name="whole2")
    assert a.version.sha256 == b.version.sha256


def test_a_late_missing_value_restarts_the_parquet_copy_without_a_whole_file_read(ws, tmp_path, monkeypatch):
    n = 4000
    df = pd.DataFrame({"id": range(n), "x": np.arange(n) / 7, "s": ["a", "b"] * (n // 2)})
    df.loc[n - 3, "x"] = None  # complete in the first segments, missing near the end
    df.loc[n - 2, "s"] = None
    path = tmp_path / "late_gap.csv"
    df.to_csv(path, index=False)
    whole = add_dataset(ws, path, name="whole")
    whole_table = load_table(ws, whole.version.id)

    def no_fallback(*args, **kwargs):
        raise AssertionError("the pipelined read fell back to a whole-file read")

    monkeypatch.setattr(ingest, "SEGMENT_BYTES", 8192)
    monkeypatch.setattr(ingest, "read_source", no_fallback)
    out = tmp_path / "piped.parquet"
    prepared, _, _ = ingest.ingest_file(path, "late_gap.csv", out, schema_fn=lambda t, m: [])
    assert prepared.sha256 == whole.version.sha256
    written = pq.read_table(out)
    assert written.equals(whole_table.cast(written.schema))
    assert not written.schema.field("id").nullable  # complete columns skip definition levels
    assert written.schema.field("x").nullable and written.schema.field("s").nullable
    assert written.column("x").null_count == 1 and written.column("s").null_count == 1


def test_versions_read_back_with_nullable_columns_whatever_the_parquet_says(ws, tmp_path):
    path = write(tmp_path, "full.csv", "a,b\n1,x\n2,y\n")
    version = add_dataset(ws, path).version
    table = load_table(ws, version.id)
    assert all(f.nullable for f in table.schema)
    more = pa.table({"a": [3, None], "b": [None, "z"]})
    assert pa.concat_tables([table, more]).num_rows == 4  # new rows (labels) can be appended


def test_samples_of_churn_are_one_version_in_every_format(ws):
    names = ["churn.csv", "churn.parquet", "churn.tsv", "churn_semicolon.csv", "churn.xlsx",
             "churn.json", "churn.jsonl"]
    for name in names:
        assert (SAMPLES / name).exists(), name
    first = add_dataset(ws, SAMPLES / names[0])
    for name in names[1:]:
        result = add_dataset(ws, SAMPLES / name, name="churn")
        assert result.reused and result.version.id == first.version.id, name


def test_korean_iris_in_cp949_equals_utf8(ws):
    assert (SAMPLES / "iris_ko_cp949.csv").exists()
    a = add_dataset(ws, SAMPLES / "iris_ko_utf8.csv")
    b = add_dataset(ws, SAMPLES / "iris_ko_cp949.csv")
    assert b.version.sha256 == a.version.sha256  # the same table (stored once) under each file's name
    assert get_version(ws, a.version.id).source["encoding"] == "utf-8"
    assert "품종" in a.version.columns


def test_parquet_copy_of_tables_with_all_missing_or_no_rows(tmp_path):
    for i, table in enumerate([pa.table({"a": [1, 2], "gap": pa.array([None, None], pa.null())}),
                               pa.table({"a": pa.array([], pa.int64()), "gap": pa.array([], pa.null())})]):
        path = tmp_path / f"t{i}.parquet"
        canonical.write_parquet(table, path)
        back = pq.read_table(path)
        assert back.column_names == ["a", "gap"] and back.num_rows == table.num_rows
        assert back.schema.field("gap").nullable
