"""Shared helpers for the AutoML benchmarks: datasets, the seeded holdout split, table printing."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

CHURN_CSV = REPO_ROOT / "data" / "samples" / "churn.csv"


@dataclass(frozen=True)
class Dataset:
    """A named table with its target and task."""

    name: str
    frame: pd.DataFrame
    target: str
    task: str


def _sk(loader: Callable, name: str, task: str) -> Dataset:
    frame = loader(as_frame=True).frame
    return Dataset(name, frame, "target", task)


def _generated_20k(seed: int) -> Dataset:
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=20_000, n_features=30, n_informative=12, n_redundant=6,
                               n_clusters_per_class=3, flip_y=0.03, class_sep=0.8, random_state=seed)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    frame["target"] = y
    return Dataset("make_classification_20k", frame, "target", "binary")


def mixed_table(seed: int = 0, n: int = 6000) -> pd.DataFrame:
    """A churn-like table with categoricals, missing values, a date and an ID column (seeded)."""
    rng = np.random.default_rng(seed)
    plan = rng.choice(["basic", "standard", "premium", "family"], n, p=[0.4, 0.3, 0.2, 0.1])
    region = rng.choice([f"region_{i}" for i in range(12)], n)
    payment = rng.choice(["card", "bank", "paper check", "voucher"], n, p=[0.5, 0.3, 0.15, 0.05])
    tenure = rng.gamma(2.0, 12.0, n).round(0)
    monthly = (20 + 15 * (plan == "standard") + 35 * (plan == "premium") + 45 * (plan == "family")
               + rng.normal(0, 8, n)).round(2)
    support_calls = rng.poisson(1.5, n).astype(float)
    age = rng.normal(42, 13, n).clip(18, 90).round(0)
    signup = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 5 * 365, n), unit="D")
    region_effect = {f"region_{i}": e for i, e in enumerate(rng.normal(0, 0.6, 12))}
    logit = (-1.0 - 0.05 * tenure + 0.025 * (monthly - 45) + 0.45 * support_calls
             + 0.9 * (payment == "paper check") - 0.6 * (plan == "family")
             + np.vectorize(region_effect.get)(region) + 0.02 * (age < 25) * monthly
             + 0.8 * ((tenure < 6) & (support_calls >= 3)))
    churned = rng.random(n) < 1 / (1 + np.exp(-logit))
    frame = pd.DataFrame({
        "customer_id": [f"C{100000 + i}" for i in range(n)],
        "plan": plan, "region": region, "payment_method": payment, "tenure_months": tenure,
        "monthly_charges": monthly, "support_calls": support_calls, "age": age,
        "signup_date": signup.strftime("%Y-%m-%d"), "churned": np.where(churned, "yes", "no"),
    })
    for col, share in [("monthly_charges", 0.08), ("age", 0.15), ("payment_method", 0.1), ("support_calls", 0.05)]:
        frame.loc[rng.random(n) < share, col] = None
    return frame


def _mixed(seed: int) -> Dataset:
    if CHURN_CSV.exists():
        frame = pd.read_csv(CHURN_CSV)
        target = next((c for c in ("churned", "churn", "Churn", "target", "label") if c in frame.columns),
                      frame.columns[-1])
        return Dataset("churn_csv", frame, target, "binary")
    return Dataset("mixed_generated", mixed_table(seed), "churned", "binary")


def load_datasets(names: list[str] | None, seed: int) -> list[Dataset]:
    """Return the benchmark datasets (all, or the named ones) in a fixed order."""
    from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine

    makers: dict[str, Callable[[], Dataset]] = {
        "breast_cancer": lambda: _sk(load_breast_cancer, "breast_cancer", "binary"),
        "digits": lambda: _sk(load_digits, "digits", "multiclass"),
        "wine": lambda: _sk(load_wine, "wine", "multiclass"),
        "diabetes": lambda: _sk(load_diabetes, "diabetes", "regression"),
        "make_classification_20k": lambda: _generated_20k(seed),
        "mixed": lambda: _mixed(seed),
    }
    chosen = names or list(makers)
    unknown = [n for n in chosen if n not in makers]
    if unknown:
        raise SystemExit(f"Unknown dataset(s) {unknown}; choose from {list(makers)}")
    return [makers[n]() for n in chosen]


def holdout_split(ds: Dataset, seed: int, test_size: float = 0.2) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The one seeded (stratified for classification) train/test split every method is scored on."""
    from sklearn.model_selection import train_test_split

    stratify = ds.frame[ds.target] if ds.task != "regression" else None
    train, test = train_test_split(ds.frame, test_size=test_size, random_state=seed, stratify=stratify)
    return train.reset_index(drop=True), test.reset_index(drop=True)


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    """The median wall time of ``fn`` over ``repeat`` calls, in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def print_table(rows: list[dict], columns: list[str]) -> None:
    """Print rows as an aligned plain-text table."""
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    print("  ".join("-" * widths[c] for c in columns))
    for r in rows:
        print("  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns))
