"""The statistics behind :mod:`core.data.profiling`, on plain arrays and Series (no entities, no store).

Categorical columns are handled as integer codes (``-1`` for missing) so that
Cramér's V and the correlation ratio are a ``bincount`` away, which keeps a
million-row profile within seconds.

Example:
    >>> cramers_v(pd.Series(["a", "a", "b", "b"]), pd.Series(["x", "x", "y", "y"]))
    1.0
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from core.errors import InvalidInput

HIST_BINS = 30
MAX_LEVELS = 50  # rarer categories are lumped into one level for Cramér's V
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)

Codes = tuple[np.ndarray, int]
Bins = tuple[tuple[Any, ...], tuple[int, ...]]


def finite_or_none(x: Any) -> float | None:
    """Return ``x`` as a finite float, or ``None`` (for NaN, infinities and non-numbers).

    Args:
        x: any scalar.

    Returns:
        The float, or ``None``.
    """
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return value if np.isfinite(value) else None


def as_float(s: pd.Series) -> np.ndarray:
    """Return the series as float64 values (missing and unparsable text become NaN).

    Args:
        s: a numeric, boolean or numeric-looking text series.

    Returns:
        A new float64 array of the same length.
    """
    if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
        return s.to_numpy(dtype="float64", na_value=np.nan)
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def category_codes(s: pd.Series, max_levels: int = MAX_LEVELS) -> Codes:
    """Return integer codes for the values (``-1`` = missing) and the number of levels.

    Args:
        s: any series; unhashable cells (lists from JSON) are compared as text.
        max_levels: the rarest levels are lumped into one so that at most this many remain.

    Returns:
        ``(codes, k)`` with codes in ``[-1, k)``.
    """
    try:
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
    except TypeError:
        codes, uniques = pd.factorize(s.map(str, na_action="ignore"), use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int64)
    k = len(uniques)
    if k > max_levels:
        counts = np.bincount(codes[codes >= 0], minlength=k)
        mapping = np.full(k, max_levels - 1, dtype=np.int64)
        mapping[np.argsort(-counts, kind="stable")[: max_levels - 1]] = np.arange(max_levels - 1)
        codes = np.where(codes >= 0, mapping[np.maximum(codes, 0)], -1)
        k = max_levels
    return codes, k


def cramers_v_codes(a: np.ndarray, ka: int, b: np.ndarray, kb: int) -> float | None:
    """Cramér's V between two coded columns (see :func:`category_codes`).

    Args:
        a: codes of the first column.
        ka: its number of levels.
        b: codes of the second column, same length.
        kb: its number of levels.

    Returns:
        V in [0, 1], or ``None`` when fewer than two levels occur on either side.
    """
    mask = (a >= 0) & (b >= 0)
    n = int(mask.sum())
    if n == 0:
        return None
    table = np.bincount(a[mask] * kb + b[mask], minlength=ka * kb).reshape(ka, kb).astype(np.float64)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    r, c = table.shape
    if min(r, c) < 2:
        return None
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    chi2 = float(((table - expected) ** 2 / expected).sum())
    return float(min(1.0, np.sqrt(chi2 / n / (min(r, c) - 1))))


def cramers_v(x: pd.Series, y: pd.Series) -> float | None:
    """Cramér's V between two categorical series (rows where either is missing are dropped).

    The classic, uncorrected statistic ``sqrt(chi2 / n / (min(r, c) - 1))``; levels
    beyond ``MAX_LEVELS`` are lumped together.

    Args:
        x: a categorical (or boolean) series.
        y: another series of the same length.

    Returns:
        V in [0, 1], or ``None`` when either side has fewer than two levels.

    Raises:
        InvalidInput: if the series differ in length.
    """
    if len(x) != len(y):
        raise InvalidInput(f"Cramér's V needs two columns of equal length, not {len(x)} and {len(y)}.")
    return cramers_v_codes(*category_codes(x), *category_codes(y))


def correlation_ratio(codes: np.ndarray, k: int, values: np.ndarray) -> float | None:
    """The correlation ratio eta: how much of a numeric column's variance the categories explain.

    Args:
        codes: category codes (``-1`` = missing).
        k: the number of levels.
        values: float values, same length (NaN = missing).

    Returns:
        eta in [0, 1], or ``None`` when the values do not vary.
    """
    mask = (codes >= 0) & np.isfinite(values)
    if mask.sum() < 2:
        return None
    g, v = codes[mask], values[mask]
    total = float(((v - v.mean()) ** 2).sum())
    if total <= 0:
        return None
    n_g = np.bincount(g, minlength=k)
    means = np.bincount(g, weights=v, minlength=k) / np.maximum(n_g, 1)
    between = float((n_g * (means - v.mean()) ** 2).sum())
    return float(min(1.0, np.sqrt(between / total)))


def pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    """Pearson's r over the rows where both values are finite.

    Args:
        x: float values.
        y: float values, same length.

    Returns:
        r in [-1, 1], or ``None`` with fewer than three rows or a constant side.
    """
    mask = np.isfinite(x) & np.isfinite(y)
    if mask.sum() < 3:
        return None
    xm, ym = x[mask] - x[mask].mean(), y[mask] - y[mask].mean()
    denom = float(np.sqrt((xm**2).sum() * (ym**2).sum()))
    return float(np.clip((xm * ym).sum() / denom, -1.0, 1.0)) if denom > 0 else None


def pearson_matrix(arrays: list[np.ndarray]) -> list[list[float | None]]:
    """Pairwise Pearson correlations (pairwise-complete rows when values are missing).

    Args:
        arrays: equally long float arrays, one per column.

    Returns:
        A symmetric matrix, rounded to 6 places; ``None`` where undefined.
    """
    frame = np.column_stack(arrays)
    frame[~np.isfinite(frame)] = np.nan
    if np.isnan(frame).any():
        matrix = pd.DataFrame(frame).corr(min_periods=3).to_numpy()
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            matrix = np.corrcoef(frame, rowvar=False)
    return [[None if (v := finite_or_none(x)) is None else round(v, 6) for x in row] for row in matrix]


def cramers_matrix(coded: list[Codes]) -> list[list[float | None]]:
    """Pairwise Cramér's V between coded columns.

    Args:
        coded: ``(codes, k)`` pairs of equal length.

    Returns:
        A symmetric matrix with 1.0 on the diagonal, rounded to 6 places.
    """
    size = len(coded)
    matrix: list[list[float | None]] = [[None] * size for _ in range(size)]
    for i in range(size):
        matrix[i][i] = 1.0
        for j in range(i + 1, size):
            v = cramers_v_codes(*coded[i], *coded[j])
            matrix[i][j] = matrix[j][i] = None if v is None else round(v, 6)
    return matrix


def histogram(values: np.ndarray, bins: int = HIST_BINS) -> Bins | None:
    """Bin finite values: one bin per integer when they are integers spanning <= ``bins``, else ``bins``.

    Args:
        values: finite float values.
        bins: the number of equal-width bins for continuous values.

    Returns:
        ``(edges, counts)`` with one more edge than counts, or ``None`` for no values.
    """
    if values.size == 0:
        return None
    lo, hi = float(values.min()), float(values.max())
    if lo == hi:
        edges = np.array([lo - 0.5, hi + 0.5])
    elif hi - lo <= bins and np.all(np.mod(values, 1) == 0):
        edges = np.arange(lo - 0.5, hi + 1.0, 1.0)
    else:
        edges = np.linspace(lo, hi, bins + 1)
    counts, edges = np.histogram(values, bins=edges)
    return tuple(float(e) for e in edges), tuple(int(c) for c in counts)


def binned_skew(edges: Any, counts: Any) -> float | None:
    """The skewness of values, estimated from their histogram (each bin counted at its centre).

    Cheap (no pass over the data) and close enough to tell a long tail from a symmetric
    shape: ``0`` for symmetric, above ``1`` for a long right tail, below ``-1`` for a long
    left one.

    Args:
        edges: the bin edges (numbers), one more than ``counts``.
        counts: rows per bin.

    Returns:
        The estimated skewness, or ``None`` with fewer than three rows or no spread.
    """
    e = np.asarray(edges, dtype=np.float64)
    c = np.asarray(counts, dtype=np.float64)
    n = c.sum()
    if n < 3 or e.size != c.size + 1:
        return None
    centres = (e[:-1] + e[1:]) / 2
    mean = float((c * centres).sum() / n)
    var = float((c * (centres - mean) ** 2).sum() / n)
    if var <= 0:
        return None
    return float((c * (centres - mean) ** 3).sum() / n / var**1.5)


SKEWED = 1.0  # |skewness| from which a histogram reads better on a log scale


def log_histogram(values: np.ndarray, bins: int = HIST_BINS) -> Bins | None:
    """Bin positive values in bins of equal width on a log scale (``bins`` from min to max).

    Args:
        values: finite float values.
        bins: the number of bins.

    Returns:
        ``(edges, counts)``, or ``None`` unless every value is positive and the largest is at
        least ten times the smallest (a log scale shows nothing new on a narrower range).
    """
    if values.size == 0:
        return None
    lo, hi = float(values.min()), float(values.max())
    if lo <= 0 or hi < 10 * lo:
        return None
    logs = np.log10(values)
    counts, log_edges = np.histogram(logs, bins=bins, range=(np.log10(lo), np.log10(hi)))
    edges = np.power(10.0, log_edges)
    edges[0], edges[-1] = lo, hi
    return tuple(float(x) for x in edges), tuple(int(c) for c in counts)


def value_counts(s: pd.Series) -> pd.Series:
    """Counts of the present values, most frequent first (unhashable cells compared as text).

    Args:
        s: any series.

    Returns:
        A series of counts indexed by value, without zero counts.
    """
    try:
        counts = s.value_counts(dropna=True)
    except TypeError:
        counts = s.map(str, na_action="ignore").value_counts(dropna=True)
    return counts[counts > 0]


def top_counts(s: pd.Series, limit: int) -> tuple[list[tuple[str, int]], int]:
    """The ``limit`` most frequent present values (as text) and the number of distinct values.

    Numbers, booleans and naive datetimes are counted with a sort (several times faster
    than hashing a million mostly distinct floats); ties go to the smaller value. Other
    columns use :func:`value_counts`, where ties keep their first appearance.

    Args:
        s: any series.
        limit: how many values to return.

    Returns:
        ``([(value, count), ...], n_distinct)``.
    """
    kind = s.dtype
    if (pd.api.types.is_numeric_dtype(kind) or pd.api.types.is_bool_dtype(kind)
            or (pd.api.types.is_datetime64_any_dtype(kind) and not isinstance(kind, pd.DatetimeTZDtype))):
        present = s.dropna()
        values = present.to_numpy()
        if values.dtype != object and not isinstance(kind, pd.CategoricalDtype):
            uniques, counts = np.unique(values, return_counts=True)
            order = np.argsort(-counts, kind="stable")[:limit]
            shown = pd.Series(uniques[order], dtype=present.dtype) if values.dtype.kind == "M" else uniques[order]
            return [(str(v), int(c)) for v, c in zip(shown, counts[order], strict=True)], int(uniques.size)
    counted = value_counts(s)
    return [(str(v), int(c)) for v, c in counted.head(limit).items()], int(len(counted))


def numeric_summary(x: np.ndarray) -> dict[str, Any]:
    """Summary statistics of the finite values of ``x``.

    Args:
        x: float values (NaN = missing; infinities are counted apart).

    Returns:
        ``min, max, mean, std, q05, q25, q50, q75, q95`` (``None`` without finite
        values), ``zeros, negatives, infinite`` counts, ``histogram`` (:func:`histogram`) and,
        for a long right tail of positive values, ``log_histogram`` (:func:`log_histogram`;
        else ``None``).
    """
    finite = x[np.isfinite(x)]
    bins = histogram(finite)
    skew = None if bins is None else binned_skew(*bins)
    out: dict[str, Any] = {"zeros": int((finite == 0).sum()), "negatives": int((finite < 0).sum()),
                           "infinite": int(np.isinf(x).sum()), "histogram": bins,
                           "log_histogram": log_histogram(finite) if skew is not None and skew >= SKEWED else None}
    keys = ("min", "max", "mean", "std", "q05", "q25", "q50", "q75", "q95")
    if finite.size == 0:
        return out | dict.fromkeys(keys)
    qs = np.quantile(finite, QUANTILES)
    std = finite.std(ddof=1) if finite.size > 1 else None
    stats = (finite.min(), finite.max(), finite.mean(), std, *qs)
    return out | {k: finite_or_none(v) for k, v in zip(keys, stats, strict=True)}


def as_datetime(s: pd.Series) -> pd.Series:
    """Return the series as naive UTC timestamps (text is parsed; what does not parse is NaT).

    Args:
        s: a datetime (aware or naive) or text series.

    Returns:
        A ``datetime64`` series.
    """
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert("UTC").dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(s, errors="coerce", utc=True)
    return parsed.dt.tz_localize(None)


def datetime_summary(s: pd.Series, bins: int = HIST_BINS) -> dict[str, Any]:
    """Range and timeline of a datetime (or date-like text) column.

    Args:
        s: the column.
        bins: the number of equal-width time bins.

    Returns:
        ``min``/``max`` as ISO-8601 (``None`` without dates), ``unparsed`` (present values
        that are not dates) and ``timeline`` as ``(iso_edges, counts)`` or ``None``.
    """
    valid = as_datetime(s).dropna()
    unparsed = int(s.notna().sum() - len(valid))
    if valid.empty:
        return {"min": None, "max": None, "unparsed": unparsed, "timeline": None}
    seconds = valid.to_numpy().astype("datetime64[us]").astype(np.int64) / 1e6
    lo, hi = float(seconds.min()), float(seconds.max())
    span = (lo, hi) if hi > lo else (lo - 0.5, lo + 0.5)
    counts, edges = np.histogram(seconds, bins=bins if hi > lo else 1, range=span)
    iso = tuple(pd.Timestamp(e, unit="s").isoformat() for e in edges)
    return {"min": valid.min().isoformat(), "max": valid.max().isoformat(), "unparsed": unparsed,
            "timeline": (iso, tuple(int(c) for c in counts))}


def text_summary(s: pd.Series) -> dict[str, Any] | None:
    """Length statistics (in characters) of the present values.

    Args:
        s: a text column.

    Returns:
        ``min_length, mean_length, max_length, q50_length, q95_length, empty``, or ``None``
        when every value is missing.
    """
    present = s.dropna()
    if present.empty:
        return None
    lengths = present.astype(str).str.len().to_numpy(dtype="float64")
    q50, q95 = np.quantile(lengths, [0.5, 0.95])
    return {"min_length": int(lengths.min()), "mean_length": float(lengths.mean()),
            "max_length": int(lengths.max()), "q50_length": float(q50), "q95_length": float(q95),
            "empty": int((lengths == 0).sum())}


def duplicate_rows(df: pd.DataFrame, *, examples: int = 5, has_unique_column: bool = False
                   ) -> tuple[int, tuple[int, ...]]:
    """Count rows that repeat an earlier row exactly (missing equals missing).

    Args:
        df: the table.
        examples: how many example positions to return.
        has_unique_column: the caller knows a column is fully present and distinct,
            so no row can repeat (skips the work).

    Returns:
        ``(count, positions)``: 0-based positions of the first repeating rows.
    """
    if len(df) < 2 or df.shape[1] == 0 or has_unique_column:
        return 0, ()
    try:
        dup = df.duplicated(keep="first").to_numpy()
    except TypeError:
        dup = df.astype(str).duplicated(keep="first").to_numpy()
    where = np.flatnonzero(dup)
    return int(where.size), tuple(int(i) for i in where[:examples])

