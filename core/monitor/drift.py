"""Data drift between a reference (the training data) and current data, feature by feature.

Pure statistics on Series and DataFrames (no store). Each feature gets the test Evidently picks
by default ("automatic stattest selection", ``evidently.legacy.calculations.stattests.registry.
_get_default_stattest``), with Evidently's thresholds, on the values that are not missing
(Evidently drops NaN and infinities before testing). ``n_values`` is the number of distinct
values of reference and current together; the reference size is its number of non-missing
values, or ``n_ref_rows`` when the caller tests against a sample of a bigger reference:

============================  ======================================  ==========================
reference values              numeric, > 5 distinct values            categorical, or <= 5
============================  ======================================  ==========================
<= 1,000                      ``ks``: two-sample Kolmogorov-Smirnov   ``chisquare`` (> 2 values),
                              p-value, drift when p <= 0.05           ``z`` (<= 2 values): p-value,
                                                                      drift when p < 0.05
> 1,000                       ``wasserstein``: W1 / std(reference)    ``jensenshannon``: distance,
                              (population std, at least 0.001),       drift when >= 0.1
                              drift when >= 0.1
============================  ======================================  ==========================

As in Evidently's source: ``ks`` is :func:`scipy.stats.ks_2samp` with its default method (exact
up to 10,000 values a side, asymptotic above); ``wasserstein`` is
:func:`scipy.stats.wasserstein_distance` over ``max(np.std(reference), 0.001)``; ``z`` is the
pooled two-proportion Z-test of the share of the first category (p = 2 * P(Z > \\|z\\|), 1 when
both samples hold the same single value); ``jensenshannon`` is
:func:`scipy.spatial.distance.jensenshannon` of the category shares in base e (Evidently passes
``base=None``), so it lies in [0, sqrt(ln 2)].

One departure: ``chisquare`` is the two-sample test of homogeneity over the categories of both
samples (:func:`scipy.stats.chi2_contingency` of the 2 x k table, no continuity correction).
Evidently tests the current counts against the reference counts scaled to the current size, a
goodness-of-fit test that takes the reference sample for the truth: on unshifted samples of 4
categories it flags about 29% of equal-size batches and 73% of batches 5 times the reference's
size at p < 0.05, where the homogeneity test flags the intended 5%
(``_chisquare_evidently`` keeps that form for comparison).

PSI is reported for every feature (threshold 0.1, :attr:`FeatureDrift.drifted_psi`): for a
numeric feature with more than 5 distinct values, 10 bins cut at the reference's deciles
(linear interpolation, right-closed, both ends open, repeated cut points merged); otherwise one
bin per category. Shares are of all rows, with one more bin for the missing values (so more
gaps in the current data raise PSI), each share floored at 1e-4:
``PSI = sum((cur - ref) * ln(cur / ref))``.

Evidently's distance thresholds assume samples of some size: against a big reference, unshifted
batches of 200 values reach a normed Wasserstein distance of 0.1 about a third of the time (500
values: about 5%), so below 500 current values a note says the distance may be chance.

Text in a numeric column (or a non-date in a date column) counts as missing, is reported as a
type problem, and the feature is still tested on the values that can be read. A feature with no
values on one side cannot be tested (``test`` is ``"none"``, ``statistic`` ``None``); it counts
as drifted when the other side has values, and a note says why.

All work on a numeric column is done on its sorted values (one sort per side): the distinct
count, KS, the Wasserstein distance (a stable merge of the two sorted samples), the PSI bins and
the histograms, so 1,000,000 rows x 20 columns take about 2 seconds here (``bench/drift.py``).

Example:
    >>> result = dataset_drift(train_df, batch_df, ["age", "plan"])
    >>> [(f.column, f.test, round(f.statistic, 3), f.drifted) for f in result.features]
    >>> result.share_drifted, result.missing_columns, result.type_problems
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import distance

from core.errors import InvalidInput
from core.progress import Progress, ProgressFn, no_progress

KS, CHISQUARE, Z, WASSERSTEIN, JENSENSHANNON, NO_TEST = "ks", "chisquare", "z", "wasserstein", "jensenshannon", "none"
P_VALUE_THRESHOLD = 0.05
DISTANCE_THRESHOLD = 0.1
PSI_THRESHOLD = 0.1
PSI_BINS = 10
PSI_EPS = 1e-4
SMALL_REFERENCE = 1_000  # reference values up to this many: the p-value tests
FEW_VALUES = 5  # numeric features with at most this many distinct values are tested as categories
BINARY_VALUES = 2
MAX_NEW_CATEGORIES = 20
WASSERSTEIN_MIN_NORM = 0.001
SMALL_CURRENT = 500  # fewer current values than this: a distance of 0.1 can arise by chance (a note says so)
DRIFT_SHARE = 0.5

#: What each test's statistic is and its threshold (a p-value drifts below it, a distance at or above it).
TESTS: dict[str, dict[str, Any]] = {
    KS: {"name": "Kolmogorov-Smirnov", "statistic": "p_value", "threshold": P_VALUE_THRESHOLD},
    CHISQUARE: {"name": "chi-squared", "statistic": "p_value", "threshold": P_VALUE_THRESHOLD},
    Z: {"name": "Z-test of two proportions", "statistic": "p_value", "threshold": P_VALUE_THRESHOLD},
    WASSERSTEIN: {"name": "Wasserstein distance (normed)", "statistic": "distance", "threshold": DISTANCE_THRESHOLD},
    JENSENSHANNON: {"name": "Jensen-Shannon distance", "statistic": "distance", "threshold": DISTANCE_THRESHOLD},
}
KINDS = ("numeric", "categorical")
_PREDICTION_KINDS = {"regression": "numeric", "numeric": "numeric", "classification": "categorical",
                     "binary": "categorical", "multiclass": "categorical", "categorical": "categorical"}


@dataclass
class FeatureDrift:
    """The drift of one feature (or of the predictions).

    Attributes:
        column: the column's name.
        kind: how it was tested: ``"numeric"``, ``"categorical"`` (categories, or a number with at
            most 5 distinct values) or ``"binary"`` (at most 2 distinct values).
        test: ``ks``, ``chisquare``, ``z``, ``wasserstein``, ``jensenshannon``, or ``none`` when
            one side has no values.
        statistic: the p-value or the distance (``statistic_kind``); ``None`` without a test.
        threshold: the test's threshold (``None`` without a test).
        drifted: the test's verdict (p-value below, or distance at or above, the threshold; for
            ``ks`` p <= 0.05 as in Evidently); without a test, whether exactly one side has values.
        psi: the population stability index (always computed), ``psi_threshold`` its threshold.
        n_ref: reference rows, ``n_cur``: current rows (missing values included).
        missing_ref: share of the reference rows missing (or unreadable), ``missing_cur`` the same.
        new_categories: up to 20 categories of the current data the reference lacks, the most
            frequent first; ``n_new_categories`` how many there are, ``new_category_share`` the
            share of the current non-missing values in them.
        mean_ref: mean of the reference's finite values (numeric columns), ``mean_cur`` the same.
        notes: sentences about what was special (type problems, no values, a single-valued reference).
    """

    column: str
    kind: str
    test: str
    statistic: float | None
    threshold: float | None
    drifted: bool
    psi: float
    psi_threshold: float = PSI_THRESHOLD
    n_ref: int = 0
    n_cur: int = 0
    missing_ref: float = 0.0
    missing_cur: float = 0.0
    new_categories: list[Any] = field(default_factory=list)
    n_new_categories: int = 0
    new_category_share: float = 0.0
    mean_ref: float | None = None
    mean_cur: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def drifted_psi(self) -> bool:
        """Whether PSI is at or above its threshold."""
        return bool(self.psi >= self.psi_threshold)

    @property
    def statistic_kind(self) -> str:
        """``"p_value"`` (drift when small), ``"distance"`` (drift when large) or ``""`` without a test."""
        return TESTS[self.test]["statistic"] if self.test in TESTS else ""

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values, with ``drifted_psi`` and ``statistic_kind`` added."""
        out = asdict(self)
        out["new_categories"] = [_plain(v) for v in self.new_categories]
        out["drifted_psi"] = self.drifted_psi
        out["statistic_kind"] = self.statistic_kind
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FeatureDrift:
        """Rebuild from :meth:`as_dict` (extra keys ignored)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class DatasetDrift:
    """The drift of a table: every tested feature, and what could not be compared.

    Attributes:
        features: one :class:`FeatureDrift` per column present on both sides, in the given order.
        n_drifted: features whose test says drifted; ``share_drifted`` = n_drifted / len(features).
        drifted: ``share_drifted >= drift_share`` (Evidently's dataset drift, default 0.5).
        missing_columns: columns to check that the current data lacks (not tested).
        extra_columns: current columns the reference lacks (ignored).
        type_problems: {column: reason} where current values could not be read as the reference's
            type (they count as missing; the column is still tested).
        n_ref: reference rows, ``n_cur``: current rows.
    """

    features: list[FeatureDrift]
    n_drifted: int
    share_drifted: float
    drifted: bool
    drift_share: float = DRIFT_SHARE
    missing_columns: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    type_problems: dict[str, str] = field(default_factory=dict)
    n_ref: int = 0
    n_cur: int = 0

    def feature(self, column: str) -> FeatureDrift:
        """The result for ``column`` (KeyError when it was not tested)."""
        for f in self.features:
            if f.column == column:
                return f
        raise KeyError(column)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (features as :meth:`FeatureDrift.as_dict`)."""
        out = asdict(self)
        out["features"] = [f.as_dict() for f in self.features]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DatasetDrift:
        """Rebuild from :meth:`as_dict` (extra keys ignored)."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values["features"] = [FeatureDrift.from_dict(f) for f in data.get("features", [])]
        return cls(**values)


# --- reading a column -------------------------------------------------------------------------


@dataclass
class _Side:
    """One side of a feature, read once: sorted finite values (numeric) or category counts."""

    n_rows: int
    n_missing: int
    values: np.ndarray | None = None  # numeric: finite values, sorted
    n_neg_inf: int = 0
    n_pos_inf: int = 0
    counts: pd.Series | None = None  # categorical: non-missing value counts, most frequent first
    n_bad: int = 0
    bad_example: Any = None

    @property
    def n_values(self) -> int:
        return int(len(self.values)) if self.values is not None else int(self.counts.sum())


def infer_kind(series: pd.Series) -> str:
    """``"numeric"`` for numbers and dates, ``"categorical"`` for everything else (booleans included)."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "categorical"
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        return "numeric"
    return "categorical"


def _check_kind(kind: str | None, column: str) -> str:
    if kind == "binary":
        return "categorical"
    if kind not in KINDS:
        raise InvalidInput(f"Unknown column kind '{kind}' for column '{column}'.",
                           hint="Use 'numeric' or 'categorical'.")
    return kind


def _as_series(values: Any) -> pd.Series:
    if isinstance(values, pd.Series):
        return values
    if isinstance(values, pd.Index):
        return values.to_series(index=None)
    return pd.Series(values if isinstance(values, np.ndarray) else list(values))


def _is_datetime(series: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(series.dtype)


def _numbers(series: pd.Series, dates: bool) -> tuple[np.ndarray, int, Any]:
    """Float values (NaN for missing) and how many present values could not be read, with one example."""
    dtype = series.dtype
    if _is_datetime(series):
        if getattr(dtype, "tz", None) is not None:
            series = series.dt.tz_convert(None)
        raw = series.to_numpy(dtype="datetime64[ns]")
        out = raw.view("int64").astype("float64") / 1e9
        out[np.isnat(raw)] = np.nan
        return out, 0, None
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        return series.to_numpy(dtype="float64", na_value=np.nan), 0, None
    plain = series.astype(object) if isinstance(dtype, pd.CategoricalDtype) else series
    if dates:
        parsed = pd.to_datetime(plain, errors="coerce", format="mixed")
        out, _, _ = _numbers(parsed, True)
    else:
        out = pd.to_numeric(plain, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    present = series.notna().to_numpy()
    bad = present & np.isnan(out)
    n_bad = int(bad.sum())
    return out, n_bad, (series.to_numpy()[bad][0] if n_bad else None)


def _read_numeric(series: pd.Series, dates: bool = False) -> _Side:
    arr, n_bad, example = _numbers(series, dates)
    finite = np.isfinite(arr)
    nan = np.isnan(arr)
    values = np.sort(arr[finite]) if not finite.all() else np.sort(arr)
    n_inf = len(arr) - int(finite.sum()) - int(nan.sum())
    n_neg = int(np.count_nonzero(arr == -np.inf)) if n_inf else 0
    return _Side(n_rows=len(arr), n_missing=int(nan.sum()), values=values, n_neg_inf=n_neg,
                 n_pos_inf=n_inf - n_neg, n_bad=n_bad, bad_example=example)


def _read_categorical(series: pd.Series) -> _Side:
    counts = series.value_counts(dropna=True, sort=True)
    counts = counts[counts > 0]  # unused levels of a pandas Categorical
    if not isinstance(counts.index.dtype, np.dtype) or counts.index.dtype != object:
        counts.index = counts.index.astype(object)  # categories of both sides compare across dtypes
    return _Side(n_rows=len(series), n_missing=len(series) - int(counts.sum()), counts=counts)


def _is_text(series: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype)
                or _is_datetime(series))


def _as_text(series: pd.Series) -> pd.Series:
    """Numbers as the text a CSV would hold (whole floats without ``.0``), missing kept missing."""
    if pd.api.types.is_float_dtype(series.dtype):
        finite = series.dropna()
        if len(finite) and np.all(np.mod(finite.to_numpy(dtype=float), 1) == 0):
            series = series.astype("Int64")
    return series.astype(object).where(series.notna(), None).map(lambda v: v if v is None else str(v))


def _aligned(ref: pd.Series, cur: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Categories compared as text when one side holds text and the other numbers or booleans."""
    ref_text, cur_text = _is_text(ref), _is_text(cur)
    if ref_text and not cur_text and len(cur):
        return ref, _as_text(cur)
    if cur_text and not ref_text and len(ref):
        return _as_text(ref), cur
    return ref, cur


def _bad_values_note(side: _Side, dates: bool, where: str) -> str:
    what = "dates" if dates else "numbers"
    example = str(side.bad_example)
    if len(example) > 40:
        example = example[:39] + "…"
    return (f"{side.n_bad:,} of {side.n_rows:,} values in the {where} data are not {what} "
            f"(e.g. '{example}'); they count as missing.")


# --- the tests ----------------------------------------------------------------------------------


def choose_test(kind: str, n_ref: int, n_values: int) -> str:
    """The test Evidently picks by default.

    Args:
        kind: ``"numeric"`` or ``"categorical"``.
        n_ref: reference size (its non-missing values).
        n_values: distinct values of reference and current together.

    Returns:
        ``ks``, ``chisquare``, ``z``, ``wasserstein`` or ``jensenshannon``.
    """
    kind = _check_kind(kind, "")
    few = kind == "categorical" or n_values <= FEW_VALUES
    if n_ref <= SMALL_REFERENCE:
        if not few:
            return KS
        return Z if n_values <= BINARY_VALUES else CHISQUARE
    return JENSENSHANNON if few else WASSERSTEIN


def _distinct_sorted(values: np.ndarray) -> int:
    return int(len(values) and 1 + np.count_nonzero(values[1:] != values[:-1]))


def _numeric_counts(values: np.ndarray) -> pd.Series:
    keys, counts = np.unique(values, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    return pd.Series(counts[order], index=keys[order])


def _union(ref: pd.Series, cur: pd.Series) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Categories of both sides (the reference's first) and each side's counts over them."""
    new = cur.index[~cur.index.isin(ref.index)]
    keys = ref.index.append(new) if len(new) else ref.index
    r = ref.reindex(keys, fill_value=0).to_numpy(dtype="float64")
    c = cur.reindex(keys, fill_value=0).to_numpy(dtype="float64")
    return keys, r, c


def _chisquare(r: np.ndarray, c: np.ndarray) -> float:
    """p-value of the chi-squared test of homogeneity of two count vectors over the same categories.

    Expected counts come from both samples (the 2 x k table's margins; no continuity correction), so
    a category only one side has gets a positive expected count and the statistic stays finite.
    """
    table = np.vstack([r, c])
    return float(stats.chi2_contingency(table, correction=False).pvalue)


def _chisquare_evidently(r: np.ndarray, c: np.ndarray) -> float:
    """Evidently's form: the current counts against the reference counts scaled to the current size.

    Kept to compare with: it takes the reference sample for the truth, so it flags about 29% of
    unshifted equal-size samples (4 categories) and more as the current sample grows.
    """
    expected = r * (c.sum() / r.sum())
    if np.any((expected == 0) & (c > 0)):
        return 0.0  # a category the reference never had: infinite statistic
    keep = expected > 0
    return float(stats.chisquare(c[keep], expected[keep]).pvalue)


def _z_test(r: np.ndarray, c: np.ndarray) -> float:
    n1, n2 = r.sum(), c.sum()
    if len(r) == 1:
        return 1.0  # both samples hold the same single value
    p1, p2 = 1 - r[0] / n1, 1 - c[0] / n2  # share of "not the first category", as Evidently codes it
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return float(2 * stats.norm.sf(abs(z)))


def _wasserstein(u: np.ndarray, v: np.ndarray) -> float:
    """W1 of two sorted samples: the area between their empirical CDFs (scipy's formula, one merge)."""
    merged = np.concatenate([u, v])
    order = np.argsort(merged, kind="stable")  # two sorted runs: a linear merge
    merged = merged[order]
    from_u = order < len(u)
    cdf_u = np.cumsum(from_u)[:-1] / len(u)
    cdf_v = np.cumsum(~from_u)[:-1] / len(v)
    return float(np.dot(np.abs(cdf_u - cdf_v), np.diff(merged)))


def _share(n: int, total: int) -> float:
    return float(n / total) if total else 0.0


# --- PSI ----------------------------------------------------------------------------------------


def _psi_from_shares(ref: np.ndarray, cur: np.ndarray) -> float:
    r = np.maximum(ref, PSI_EPS)
    c = np.maximum(cur, PSI_EPS)
    return float(np.sum((c - r) * np.log(c / r)))


def _decile_counts(side: _Side, edges: np.ndarray) -> np.ndarray:
    """Counts in the right-closed bins (-inf, e1], (e1, e2], ..., (ek, inf), then the missing values."""
    below = np.searchsorted(side.values, edges, side="right")
    counts = np.diff(np.concatenate([[0], below, [len(side.values)]])).astype("float64")
    counts[0] += side.n_neg_inf
    counts[-1] += side.n_pos_inf
    return np.append(counts, side.n_missing)


def _psi_numeric(ref: _Side, cur: _Side) -> float:
    edges = np.unique(np.quantile(ref.values, np.arange(1, PSI_BINS) / PSI_BINS)) if len(ref.values) else \
        np.array([])
    r = _decile_counts(ref, edges) / max(ref.n_rows, 1)
    c = _decile_counts(cur, edges) / max(cur.n_rows, 1)
    return _psi_from_shares(r, c)


# --- one feature ----------------------------------------------------------------------------------


def _check_rows(ref: pd.Series, cur: pd.Series) -> None:
    if len(ref) == 0:
        raise InvalidInput("The reference data has no rows.",
                           hint="Monitor against training data with at least one row.")
    if len(cur) == 0:
        raise InvalidInput("The current data has no rows.", hint="Add a batch with at least one row.")


def _read_pair(ref: pd.Series, cur: pd.Series, kind: str) -> tuple[_Side, _Side]:
    if kind == "numeric":
        dates = _is_datetime(ref)
        return _read_numeric(ref, dates), _read_numeric(cur, dates)
    ref, cur = _aligned(ref, cur)
    return _read_categorical(ref), _read_categorical(cur)


def _categories(side: _Side, numeric: bool) -> pd.Series:
    return _numeric_counts(side.values) if numeric else side.counts


def _psi_of(r: _Side, c: _Side, numeric: bool, as_categories: bool) -> float:
    if numeric and not as_categories:
        return _psi_numeric(r, c)
    _, rv, cv = _union(_categories(r, numeric), _categories(c, numeric))
    rv = np.append(rv, r.n_rows - rv.sum()) / max(r.n_rows, 1)  # the last bin: missing (and infinite) values
    cv = np.append(cv, c.n_rows - cv.sum()) / max(c.n_rows, 1)
    return _psi_from_shares(rv, cv)


def _n_values(r: _Side, c: _Side, numeric: bool) -> int:
    """Distinct values of both sides together (numeric: exact up to 5, else 6)."""
    if not numeric:
        return len(_union(r.counts, c.counts)[0])
    if _distinct_sorted(r.values) > FEW_VALUES or _distinct_sorted(c.values) > FEW_VALUES:
        return FEW_VALUES + 1
    return len(np.union1d(r.values, c.values))


def _run_test(test: str, r: _Side, c: _Side, numeric: bool, notes: list[str]) -> float:
    if test == KS:
        return float(stats.ks_2samp(r.values, c.values).pvalue)
    if test == WASSERSTEIN:
        std = float(np.std(r.values))
        if std < WASSERSTEIN_MIN_NORM:
            notes.append("The reference's standard deviation is below 0.001 (it holds about one value), so the "
                         "Wasserstein distance is divided by 0.001 instead.")
        return _wasserstein(r.values, c.values) / max(std, WASSERSTEIN_MIN_NORM)
    _, rv, cv = _union(_categories(r, numeric), _categories(c, numeric))
    if test == CHISQUARE:
        return _chisquare(rv, cv)
    if test == Z:
        return _z_test(rv, cv)
    return float(distance.jensenshannon(rv / rv.sum(), cv / cv.sum()))


def _compare(column: str, declared: str, r: _Side, c: _Side, n_ref_rows: int | None) -> FeatureDrift:
    """Test, PSI and the side facts (missing shares, means, new categories) of one feature read on both sides."""
    notes: list[str] = []
    numeric = declared == "numeric"
    n_ref_values, n_cur_values = r.n_values, c.n_values
    n_values = _n_values(r, c, numeric)
    as_categories = not numeric or n_values <= FEW_VALUES
    kind = "binary" if n_values <= BINARY_VALUES else ("categorical" if as_categories else "numeric")
    if n_ref_values == 0 or n_cur_values == 0:
        test, statistic, threshold = NO_TEST, None, None
        drifted = n_ref_values + n_cur_values > 0
        if n_ref_values == 0 and n_cur_values == 0:
            notes.append("All values are missing on both sides; there is nothing to compare.")
        elif n_cur_values == 0:
            notes.append("All values are missing in the current data, so no test could run.")
        else:
            notes.append("All values are missing in the reference data, so no test could run.")
    else:
        n_ref = n_ref_rows if n_ref_rows is not None else n_ref_values
        test = choose_test("categorical" if as_categories else "numeric", n_ref, n_values)
        threshold = TESTS[test]["threshold"]
        statistic = _run_test(test, r, c, numeric, notes)
        if TESTS[test]["statistic"] == "distance" and n_cur_values < SMALL_CURRENT:
            notes.append(f"Only {n_cur_values:,} current values: at this size a distance of {threshold} can "
                         "arise by chance.")
        if TESTS[test]["statistic"] == "p_value":
            drifted = statistic <= threshold if test == KS else statistic < threshold
        else:
            drifted = statistic >= threshold
    new, n_new, new_share = [], 0, 0.0
    if as_categories:
        rc, cc = _categories(r, numeric), _categories(c, numeric)
        fresh = cc[~cc.index.isin(rc.index)]
        n_new = len(fresh)
        new = [_plain(v) for v in fresh.index[:MAX_NEW_CATEGORIES]]
        new_share = _share(int(fresh.sum()), n_cur_values)
    return FeatureDrift(
        column=column, kind=kind, test=test, statistic=statistic, threshold=threshold, drifted=bool(drifted),
        psi=_psi_of(r, c, numeric, as_categories), n_ref=r.n_rows, n_cur=c.n_rows,
        missing_ref=_share(r.n_missing, r.n_rows), missing_cur=_share(c.n_missing, c.n_rows), new_categories=new,
        n_new_categories=n_new, new_category_share=new_share,
        mean_ref=_mean(r.values) if numeric else None, mean_cur=_mean(c.values) if numeric else None, notes=notes)


def _mean(values: np.ndarray) -> float | None:
    return float(values.mean()) if len(values) else None


def _feature(ref: pd.Series, cur: pd.Series, column: str, kind: str,
             n_ref_rows: int | None) -> tuple[FeatureDrift, str | None]:
    """The feature's drift and its type problem (a sentence), if any."""
    r, c = _read_pair(ref, cur, kind)
    problem = None
    if kind == "numeric":
        dates = _is_datetime(ref)
        problem = " ".join(_bad_values_note(side, dates, where)
                           for side, where in ((r, "reference"), (c, "current")) if side.n_bad) or None
    result = _compare(column, kind, r, c, n_ref_rows)
    if problem:
        result.notes.insert(0, problem)
    return result, problem


def feature_drift(ref: Any, cur: Any, *, kind: str | None = None, n_ref_rows: int | None = None,
                  column: str | None = None) -> FeatureDrift:
    """Test one feature's drift the way Evidently does by default, plus PSI.

    Args:
        ref: the reference values (Series, array or list; missing values allowed).
        cur: the current values.
        kind: ``"numeric"`` or ``"categorical"`` (``"binary"`` is taken as categorical); inferred
            from the reference's dtype when ``None`` (:func:`infer_kind`).
        n_ref_rows: the reference size the test choice uses (default: its non-missing values).
        column: the name to report (default: the reference Series' name, or ``"value"``).

    Returns:
        The :class:`FeatureDrift`; text in a numeric column counts as missing and is noted.

    Raises:
        InvalidInput: no rows on one side, or an unknown kind.
    """
    ref, cur = _as_series(ref), _as_series(cur)
    name = column if column is not None else (str(ref.name) if ref.name is not None else "value")
    _check_rows(ref, cur)
    kind = _check_kind(kind, name) if kind is not None else infer_kind(ref)
    return _feature(ref, cur, name, kind, n_ref_rows)[0]


def prediction_drift(ref_predictions: Any, cur_predictions: Any, *, kind: str) -> FeatureDrift:
    """The drift of a model's predictions, with the same rules as a feature.

    Args:
        ref_predictions: predicted labels (classification) or values (regression) on the reference
            (e.g. the held-out rows).
        cur_predictions: the predictions on the current data.
        kind: ``"classification"`` (also ``"binary"``, ``"multiclass"``, ``"categorical"``) or
            ``"regression"`` (also ``"numeric"``).

    Returns:
        A :class:`FeatureDrift` for the column ``"prediction"``.

    Raises:
        InvalidInput: an unknown kind, or no predictions on one side.
    """
    if kind not in _PREDICTION_KINDS:
        raise InvalidInput(f"Unknown prediction kind '{kind}'.", hint="Use 'classification' or 'regression'.")
    ref, cur = _as_series(ref_predictions), _as_series(cur_predictions)
    _check_rows(ref, cur)
    return _feature(ref, cur, "prediction", _PREDICTION_KINDS[kind], None)[0]


def psi(ref: Any, cur: Any, kind: str) -> float:
    """The population stability index of one feature (the module docstring gives the bins).

    Args:
        ref: reference values. cur: current values.
        kind: ``"numeric"`` or ``"categorical"``.

    Returns:
        PSI (0 when the shares agree; 0.1 or more counts as drift).

    Raises:
        InvalidInput: no rows on one side, or an unknown kind.
    """
    ref, cur = _as_series(ref), _as_series(cur)
    _check_rows(ref, cur)
    kind = _check_kind(kind, str(ref.name) if ref.name is not None else "value")
    r, c = _read_pair(ref, cur, kind)
    numeric = kind == "numeric"
    return _psi_of(r, c, numeric, not numeric or _n_values(r, c, numeric) <= FEW_VALUES)


def histograms(ref: Any, cur: Any, kind: str, bins: int = 20, max_categories: int = 30) -> dict[str, Any]:
    """Shared bins (numeric) or category shares (categorical) of both sides, for the charts.

    Numeric: ``bins`` equal-width bins over the finite values of both sides (min to max); the
    shares are of each side's finite values. Categorical: the ``max_categories`` categories most
    frequent in the two sides together (the reference's order of frequency first), shares of
    each side's non-missing values, the rest summed in ``other_ref`` / ``other_cur``.

    Returns:
        ``{"kind", "edges" | "categories", "ref", "cur", "ref_counts", "cur_counts", "other_ref",
        "other_cur", "missing_ref", "missing_cur", "n_ref", "n_cur"}`` (plain lists and floats).

    Raises:
        InvalidInput: an unknown kind or fewer than one bin.
    """
    ref, cur = _as_series(ref), _as_series(cur)
    if kind == "binary":
        kind = "categorical"
    kind = _check_kind(kind, str(ref.name) if ref.name is not None else "value")
    if int(bins) < 1:
        raise InvalidInput(f"A histogram needs at least one bin, not {bins}.", hint="Use 20 bins.")
    r, c = _read_pair(ref, cur, kind)
    out: dict[str, Any] = {"kind": kind, "missing_ref": _share(r.n_missing, r.n_rows),
                           "missing_cur": _share(c.n_missing, c.n_rows), "n_ref": r.n_rows, "n_cur": c.n_rows,
                           "other_ref": 0.0, "other_cur": 0.0}
    if kind == "numeric":
        both = [v for v in (r.values, c.values) if len(v)]
        if not both:
            edges = np.array([0.0, 1.0])
        else:
            lo, hi = min(v[0] for v in both), max(v[-1] for v in both)
            lo, hi = (lo - 0.5, hi + 0.5) if lo == hi else (lo, hi)
            edges = np.linspace(lo, hi, int(bins) + 1)
        rc, cc = _bin_counts(r.values, edges), _bin_counts(c.values, edges)
        out["edges"] = [float(e) for e in edges]
    else:
        keys, rv, cv = _union(r.counts, c.counts)
        order = np.argsort(-(rv / max(rv.sum(), 1) + cv / max(cv.sum(), 1)), kind="stable")[:max_categories]
        rc, cc = rv[order], cv[order]
        out["categories"] = [_plain(keys[i]) for i in order]
        out["other_ref"] = _share(int(rv.sum() - rc.sum()), int(rv.sum()))
        out["other_cur"] = _share(int(cv.sum() - cc.sum()), int(cv.sum()))
    n_r, n_c = r.n_values, c.n_values
    out["ref_counts"], out["cur_counts"] = [int(x) for x in rc], [int(x) for x in cc]
    out["ref"] = [_share(int(x), n_r) for x in rc]
    out["cur"] = [_share(int(x), n_c) for x in cc]
    return out


def _bin_counts(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Counts in [e0, e1), ..., [ek-1, ek] of sorted values (numpy's histogram convention)."""
    at = np.searchsorted(values, edges, side="left")
    at[-1] = np.searchsorted(values, edges[-1], side="right")
    return np.diff(at)


# --- a table ------------------------------------------------------------------------------------


def dataset_drift(reference: pd.DataFrame, current: pd.DataFrame, columns: Sequence[str], *,
                  kinds: Mapping[str, str] | None = None, drift_share: float = DRIFT_SHARE,
                  n_ref_rows: int | None = None, on_progress: ProgressFn = no_progress) -> DatasetDrift:
    """Test every column of ``columns`` that both sides have, and say what could not be compared.

    Args:
        reference: the reference rows (the model's training data).
        current: the current rows (a batch).
        columns: the columns to check (the model's input columns), all in ``reference``.
        kinds: {column: "numeric" | "categorical"}; a column not named is inferred from the reference.
        drift_share: the dataset drifts when at least this share of the tested columns drift.
        n_ref_rows: passed to each feature's test choice (a sampled reference of a bigger table).
        on_progress: called with a :class:`~core.progress.Progress` after each column.

    Returns:
        The :class:`DatasetDrift`.

    Raises:
        InvalidInput: no columns, a column the reference lacks, no rows on one side, a drift share
            outside (0, 1], an unknown kind, or none of the columns in the current data.
    """
    columns = list(dict.fromkeys(columns))
    kinds = dict(kinds or {})
    if not columns:
        raise InvalidInput("Choose at least one column to check for drift.",
                           hint="Pass the model's input columns.")
    try:
        share = float(drift_share)
    except (TypeError, ValueError):
        share = float("nan")
    if not 0 < share <= 1:
        raise InvalidInput(f"The drift share must be above 0 and at most 1, not {drift_share}.",
                           hint="Use 0.5 to flag a batch when half of its features drift.")
    absent = [c for c in columns if c not in reference.columns]
    if absent:
        raise InvalidInput(f"The reference data lacks the columns {_names(absent)}.",
                           hint="Check only columns the model was trained on.")
    if len(reference) == 0:
        raise InvalidInput("The reference data has no rows.",
                           hint="Monitor against training data with at least one row.")
    if len(current) == 0:
        raise InvalidInput("The current data has no rows.", hint="Add a batch with at least one row.")
    missing = [c for c in columns if c not in current.columns]
    extra = [str(c) for c in current.columns if c not in reference.columns and c not in columns]
    present = [c for c in columns if c in current.columns]
    if not present:
        raise InvalidInput(f"None of the columns to check are in the current data (it lacks {_names(missing)}).",
                           hint="The batch needs the model's input columns, named as in the training data.")
    features: list[FeatureDrift] = []
    problems: dict[str, str] = {}
    for i, column in enumerate(present):
        kind = _check_kind(kinds[column], column) if column in kinds else infer_kind(reference[column])
        result, problem = _feature(reference[column], current[column], str(column), kind, n_ref_rows)
        features.append(result)
        if problem:
            problems[str(column)] = problem
        on_progress(Progress((i + 1) / len(present), f"Checked column '{column}' ({i + 1} of {len(present)})"))
    n_drifted = sum(f.drifted for f in features)
    share_drifted = n_drifted / len(features)
    return DatasetDrift(features=features, n_drifted=n_drifted, share_drifted=share_drifted,
                        drifted=bool(share_drifted >= share), drift_share=share, missing_columns=[str(c) for c in missing],
                        extra_columns=extra, type_problems=problems, n_ref=len(reference), n_cur=len(current))


def _names(columns: Sequence[Any]) -> str:
    return ", ".join(f"'{c}'" for c in columns)


def _plain(value: Any) -> Any:
    """A JSON-ready scalar: numpy scalars as Python ones, whole floats as ints, others as text."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)
