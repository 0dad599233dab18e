"""Semantic type inference and user overrides (core.data.semantic)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from core.data.entities import SEMANTIC_TYPES, ColumnSchema
from core.data.semantic import apply_overrides, infer_schema, infer_schema_table, looks_like_id_name
from core.errors import InvalidInput

N = 120


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "customer_id": [f"c{i}" for i in range(N)],
        "customerID": [f"{i:04d}-AB" for i in range(N)],
        "row": range(N),
        "age": rng.integers(18, 90, N),
        "score": rng.normal(size=N),
        "churn": rng.choice(["yes", "no"], N),
        "flag01": rng.integers(0, 2, N),
        "plan": rng.choice(["basic", "plus", "pro"], N),
        "code": rng.integers(0, 3, N),
        "when": pd.date_range("2020-01-01", periods=N).astype(str),
        "ts": pd.date_range("2020-01-01", periods=N),
        "img": [f"img/{i}.PNG" for i in range(N)],
        "note": [f"this is a long free text comment number {i} about several things" for i in range(N)],
        "mixed": pd.Series([1, "a"] * (N // 2), dtype=object),
        "mixed_str": ["1", "x"] * (N // 2),
        "b": [True, False] * (N // 2),
        "empty": [None] * N,
        "품종": ["세토사", "버시컬러"] * (N // 2),
        "sku": [f"A{i}" for i in range(N)],
        "const": ["same"] * N,
    })


@pytest.fixture(scope="module")
def inferred() -> dict[str, ColumnSchema]:
    return {c.name: c for c in infer_schema(_frame())}


@pytest.mark.parametrize(("column", "semantic"), [
    ("customer_id", "id"), ("customerID", "id"), ("row", "id"), ("sku", "id"),
    ("age", "numeric"), ("score", "numeric"),
    ("churn", "boolean"), ("flag01", "boolean"), ("b", "boolean"),
    ("plan", "categorical"), ("code", "categorical"), ("const", "categorical"),
    ("when", "datetime"), ("ts", "datetime"),
    ("img", "image_path"), ("note", "text"),
])
def test_infer_schema_guesses_semantic_types(inferred, column, semantic):
    assert inferred[column].semantic == semantic
    assert inferred[column].semantic in SEMANTIC_TYPES


def test_two_hangul_values_are_not_boolean_without_a_known_pair(inferred):
    # 세토사/버시컬러 are not a yes/no pair: two categories (names and values keep their Hangul)
    assert inferred["품종"].semantic == "categorical"


def test_mixed_numbers_and_text_are_flagged_and_kept_as_text(inferred):
    assert "mixed_types" in inferred["mixed"].flags
    assert "mixed_types" in inferred["mixed_str"].flags
    assert inferred["mixed"].semantic in ("categorical", "text")


def test_all_missing_and_constant_columns_are_flagged(inferred):
    assert "all_missing" in inferred["empty"].flags
    assert "constant" in inferred["const"].flags


def test_id_names_are_recognised():
    for name in ("id", "customer_id", "customerID", "order-key", "고객ID", "uuid"):
        assert looks_like_id_name(name), name
    for name in ("paid", "valid", "android", "width"):
        assert not looks_like_id_name(name), name


def test_the_data_step_derive_casts_and_the_model_share_one_rule_set():
    from core.data import ops, semantic
    from core.modeling import columns

    assert semantic.looks_like_id_name is columns.looks_like_id_name
    assert ops.TRUE_WORDS is columns.TRUE_WORDS and ops.FALSE_WORDS is columns.FALSE_WORDS
    # every two-valued word pair the data step calls boolean is read as true/false by casts and models
    for pair in columns.BOOLEAN_WORD_PAIRS:
        assert pair[0] in columns.TRUE_WORDS and pair[1] in columns.FALSE_WORDS
        df = pd.DataFrame({"flag": [pair[0], pair[1]] * 15})
        assert infer_schema(df)[0].semantic == "boolean", pair
        assert columns.infer_kind("flag", df["flag"]) == ("boolean", "")


def test_short_frames_do_not_call_unique_integers_ids():
    df = pd.DataFrame({"x": [5, 1, 3], "y": ["a", "b", "c"]})
    schema = {c.name: c.semantic for c in infer_schema(df)}
    assert schema["x"] == "numeric"
    assert schema["y"] != "id"


def test_infer_schema_table_matches_pandas_inference_on_a_sample():
    rng = np.random.default_rng(1)
    n = 30_000
    table = pa.table({
        "id": np.arange(n), "x": rng.normal(size=n), "cat": rng.choice(["a", "b", "c"], n),
        "yn": rng.choice(["yes", "no"], n), "n_missing": pa.array(rng.integers(0, 5, n), mask=rng.random(n) < 0.1),
    })
    fast = {c.name: c for c in infer_schema_table(table, sample_rows=5_000)}
    full = {c.name: c for c in infer_schema(table.to_pandas())}
    assert {k: v.semantic for k, v in fast.items()} == {k: v.semantic for k, v in full.items()}
    assert fast["n_missing"].dtype == "int64"  # the storage type, even though pandas loads it as float64


def test_apply_overrides_sets_types_and_marks_them():
    schema = infer_schema(_frame()[["code", "plan", "score"]])
    out = {c.name: c for c in apply_overrides(schema, {"code": "numeric", "plan": "text"})}
    assert out["code"].semantic == "numeric" and out["code"].overridden
    assert out["plan"].semantic == "text" and out["plan"].overridden
    assert not out["score"].overridden


@pytest.mark.parametrize(("overrides", "fragment"), [
    ({"nope": "numeric"}, "no column named 'nope'"),
    ({"plan": "number"}, "not a semantic type"),
    ({"plan": "numeric"}, "cannot be 'numeric'"),
    ({"score": "image_path"}, "cannot be 'image_path'"),
])
def test_apply_overrides_rejects_bad_requests_with_a_hint(overrides, fragment):
    schema = infer_schema(_frame()[["plan", "score"]])
    with pytest.raises(InvalidInput) as err:
        apply_overrides(schema, overrides)
    assert fragment in str(err.value)
    assert err.value.hint


def test_column_schema_round_trips_through_a_dict():
    col = ColumnSchema("a", "int64", "numeric", True, ("constant",))
    assert ColumnSchema.from_dict(col.as_dict()) == col
    assert ColumnSchema.from_dict({"name": "a", "dtype": "str", "semantic": "id", "flags": ["x"]}).flags == ("x",)
