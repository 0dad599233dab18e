"""``as_text`` (vectorised) reads every column exactly as the row-by-row original did.

Saved models depend on it: a category's text is its level, so any difference would change
predictions of models already stored (``tests/fixtures/models``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest

from core.modeling.preprocessing import as_text


def reference_as_text(s: pd.Series) -> pd.Series:
    """The original row-by-row ``as_text``, kept verbatim as the reference."""
    obj = s.astype(object)
    mask = obj.notna()
    out = pd.Series([None] * len(obj), index=obj.index, dtype=object)
    if mask.any():
        out[mask] = [reference_text(v) for v in obj[mask]]
    out[out == ""] = None
    return out


def reference_text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def assert_same(s: pd.Series) -> None:
    expected, got = reference_as_text(s), as_text(s)
    assert got.dtype == object and got.name == expected.name
    assert got.index.equals(expected.index)
    assert [type(v) for v in got] == [type(v) for v in expected], s
    assert got.tolist() == expected.tolist(), s


FLOATS = [0.0, -0.0, 1.0, -1.0, 3.0, 2.5, -2.5, 0.1, 1 / 3, 1e-7, 1.5e-5, 123456789.125, 1e15 + 0.5,
          1e16, 1e20, -1e20, 2.0 ** 63, -(2.0 ** 63), 2.0 ** 64, 1.7976931348623157e308, 5e-324,
          float("inf"), float("-inf"), float("nan")]
TEXTS = ["a", " a", "a ", "  padded  ", "", "   ", "\t\n", "\u3000", "\xa0x\xa0", "서울", " 부산 ", "꽃받침_길이",
         "1", "1.0", " 3 ", "True", "nan", "None", "=SUM(A1)", "émile", "a b"]
EVERYTHING = [*FLOATS, *TEXTS, 0, 1, -1, 3, 2 ** 70, -(2 ** 70), True, False, None, np.nan, pd.NA, pd.NaT,
              np.int64(3), np.int8(-1), np.uint64(2 ** 64 - 1), np.float64(3.0), np.float64(0.25),
              np.float32(3.0), np.float32(0.1), np.float32(-0.0), np.float16(2.5), np.bool_(True),
              np.bool_(False), np.str_(" np "), Decimal("1.0"), Decimal("1.00"), Decimal("1"), b" bytes ",
              dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4, 5), pd.Timestamp("2024-01-02"),
              pd.Timestamp("2024-01-02 09:00", tz="Asia/Seoul"), pd.Timestamp("2024-01-02 00:00", tz="UTC"),
              pd.Timedelta("1 day"), np.datetime64("2024-01-02"), np.datetime64("NaT"), complex(0, 0),
              complex(-0.0, 0), (1, 2), frozenset({1})]

TYPED = {
    "float64": pd.Series(FLOATS),
    "float64 all whole": pd.Series([1.0, 2.0, np.nan, -3.0, 0.0, -0.0, 1e18]),
    "float32": pd.Series([f for f in FLOATS if not abs(f) < np.inf or abs(f) < 3e38], dtype="float32"),
    "float16": pd.Series([0.1, 2.0, np.nan, 65504.0], dtype="float16"),
    "int64": pd.Series([0, -1, 2 ** 62, -(2 ** 63), 7, 7]),
    "int8": pd.Series([-128, 0, 127], dtype="int8"),
    "uint64": pd.Series([0, 2 ** 64 - 1, 5], dtype="uint64"),
    "bool": pd.Series([True, False, True]),
    "Int64": pd.Series([1, None, -5, 2 ** 62], dtype="Int64"),
    "UInt8": pd.Series([1, None, 255], dtype="UInt8"),
    "Float64": pd.Series([1.0, None, 2.5, -0.0, float("inf")], dtype="Float64"),
    "boolean": pd.Series([True, None, False], dtype="boolean"),
    "str": pd.Series(["a ", None, " b", "", "  ", "서울 ", "a "], dtype="str"),
    "string[python]": pd.Series(["a ", None, "", "한글"], dtype="string[python]"),
    "string[pyarrow]": pd.Series([" x", None, "", "  "], dtype="string[pyarrow]"),
    "int64[pyarrow]": pd.Series([1, None, 3], dtype="int64[pyarrow]"),
    "double[pyarrow]": pd.Series([1.0, None, 3.5], dtype="double[pyarrow]"),
    "datetime64[ns]": pd.Series(pd.to_datetime(["2024-01-02", None, "2024-01-02 03:04:05.000000001"], format="ISO8601")),
    "datetime64 dates only": pd.Series(pd.to_datetime(["2024-01-02", "2024-03-04", None])),
    "datetime64[us, tz]": pd.Series(pd.to_datetime(["2024-01-02 09:00", None]).tz_localize("Asia/Seoul")),
    "timedelta": pd.Series(pd.to_timedelta(["1 day", None, "2 hours"])),
    "period": pd.Series(pd.period_range("2024-01", periods=3, freq="M")),
    "category of text": pd.Series(["b ", "a", None, "b ", " "], dtype="category"),
    "category of floats": pd.Series([1.0, 2.5, None, 1.0], dtype="category"),
    "category of ints": pd.Series([3, 1, 3], dtype="category"),
    "complex": pd.Series([0j, complex(-0.0, 0), 1 + 2j, np.nan]),
    "empty float": pd.Series([], dtype="float64"),
    "empty object": pd.Series([], dtype=object),
    "all missing": pd.Series([None, np.nan, pd.NA], dtype=object),
    "all NaN": pd.Series([np.nan, np.nan]),
}
OBJECT = {
    "equal across types": pd.Series([1, 1.0, True, "1", np.int64(1), np.float64(1.0), np.float32(1.0),
                                     Decimal("1"), 0, 0.0, -0.0, False, np.bool_(False), np.float32(-0.0)],
                                    dtype=object),
    "everything": pd.Series(EVERYTHING, dtype=object),
    "text with gaps": pd.Series(["a", None, " a ", np.nan, "", "서울", "a"], dtype=object),
    "ints and floats": pd.Series([1, 2.0, 2.5, None, 3, 2 ** 70, 1e20], dtype=object),
    "bools and gaps": pd.Series([True, None, False, True], dtype=object),
    "decimals": pd.Series([Decimal("1.0"), Decimal("1.00"), Decimal("1")], dtype=object),
    "timestamps across zones": pd.Series([pd.Timestamp("2024-01-02 09:00", tz="Asia/Seoul"),
                                          pd.Timestamp("2024-01-02 00:00", tz="UTC")], dtype=object),
}


@pytest.mark.parametrize("name", list(TYPED))
def test_as_text_of_a_typed_column_is_unchanged(name):
    assert_same(TYPED[name])


@pytest.mark.parametrize("name", list(OBJECT))
def test_as_text_of_an_object_column_is_unchanged(name):
    assert_same(OBJECT[name])


def test_as_text_keeps_the_index_whatever_it_is():
    for s in [*TYPED.values(), *OBJECT.values()]:
        index = pd.Index([f"r{i % 3}" for i in range(len(s))])  # repeated labels
        assert_same(pd.Series(s.to_numpy(), index=index, dtype=s.dtype, name="col"))


@pytest.mark.parametrize("seed", range(40))
def test_as_text_of_random_mixtures_is_unchanged(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 300))
    pool = [EVERYTHING[i] for i in rng.choice(len(EVERYTHING), size=int(rng.integers(1, 12)), replace=False)]
    values = [pool[i] for i in rng.integers(0, len(pool), size=n)]
    assert_same(pd.Series(values, dtype=object, index=rng.permutation(n)))
    with np.errstate(over="ignore"):  # 1e308 * 10 is inf, which is fine here
        numbers = rng.choice(FLOATS, size=n) * rng.choice([1.0, 10.0, 1e-3, 1e9], size=n)
    numbers[rng.random(n) < 0.1] = np.nan
    assert_same(pd.Series(numbers))
    assert_same(pd.Series(np.round(rng.normal(size=n) * 100)))  # whole floats, as a regression target
    assert_same(pd.Series(rng.choice(TEXTS, size=n)).where(rng.random(n) > 0.2))
    assert_same(pd.Series(rng.choice(TEXTS, size=n), dtype="category"))
    assert_same(pd.Series(rng.integers(-1000, 1000, size=n)).astype("Int64").where(rng.random(n) > 0.2))
