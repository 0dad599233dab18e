"""How long does a full profile take next to the pandas one-liners it replaces? Run by hand, not in CI.

Generates a seeded table (default 1,000,000 rows x 20 columns: floats with gaps,
integers, Korean categories, a boolean, a datetime, short text and a row id), then times
  (a) the baseline a data scientist would type: ``describe(include="all")``,
      ``isna().sum()``, ``nunique()``, ``duplicated().sum()`` and ``corr()`` of the
      numeric columns;
  (b) ``core.data.profiling.profile_frame`` with a categorical target.
Prints both times and the ratio (b)/(a). Target: (b) well under 60 s on 2 cores.

    .venv/bin/python bench/profiling.py
    .venv/bin/python bench/profiling.py --rows 200000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from core.data.profiling import profile_frame  # noqa: E402

CITIES = np.array(["서울", "부산", "대구", "인천", "광주", "대전", "울산"])


def make_table(n: int, seed: int = 0) -> pd.DataFrame:
    """A seeded table of 20 mixed columns."""
    rng = np.random.default_rng(seed)
    data: dict[str, object] = {}
    for i in range(8):
        x = rng.normal(i, 1 + i, n)
        if i % 3 == 0:
            x[rng.random(n) < 0.05] = np.nan
        data[f"num{i}"] = x
    for i in range(4):
        data[f"int{i}"] = rng.integers(0, 10 ** (i + 1), n)
    for i in range(4):
        data[f"city{i}"] = pd.Series(CITIES[rng.integers(0, 3 + i, n)], dtype="str")
    data["flag"] = rng.random(n) < 0.3
    data["signup"] = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365 * 86400, n), unit="s")
    notes = np.array(["short", "a longer note here", "텍스트 메모", "x" * 40])
    data["note"] = pd.Series(notes[rng.integers(0, 4, n)], dtype="str")
    data["row_id"] = np.arange(n)
    return pd.DataFrame(data)


def baseline(df: pd.DataFrame) -> None:
    """What a data scientist types first."""
    df.describe(include="all")
    df.isna().sum()
    df.nunique()
    df.duplicated().sum()
    df.select_dtypes("number").corr()


def main() -> None:
    """Time the baseline and the profile on the same table and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    df = make_table(args.rows, args.seed)
    print(f"table: {df.shape[0]:,} rows x {df.shape[1]} columns, {df.memory_usage(deep=True).sum() / 1e6:.0f} MB")
    started = time.perf_counter()
    baseline(df)
    base = time.perf_counter() - started
    started = time.perf_counter()
    profile = profile_frame(df, target="city1")
    ours = time.perf_counter() - started
    print(f"(a) pandas one-liners:  {base:6.2f} s")
    print(f"(b) profile_frame:      {ours:6.2f} s  ({len(profile.warnings)} warnings, "
          f"correlations on {profile.sampled_rows or profile.n_rows:,} rows)")
    print(f"ratio (b)/(a):          {ours / base:6.2f}")
    print("verdict:", "ok" if ours < 60 else "TOO SLOW", "(target: well under 60 s)")


if __name__ == "__main__":
    main()
