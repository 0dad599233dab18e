"""Exploratory profiles of a dataset version: types, missing values, distributions, correlations.

A profile is computed once per (version, target) and cached as a JSON artifact, so
pages and charts never need the data again. :func:`profile_frame` is the pure part
(a DataFrame in, a :class:`Profile` out); :func:`get_profile` adds the cache, and
:func:`enqueue_profile` / :func:`run_profile_job` run big profiles in the background.

Example:
    >>> profile = profile_frame(df, target="species")
    >>> profile.column("bill_length_mm").numeric.mean
    43.92
    >>> profile.target_balance.classes[0]
    ValueCount(value='Adelie', count=152)
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Self

import numpy as np
import pandas as pd

from core.data import stats
from core.data.entities import SEMANTIC_TYPES
from core.data.semantic import infer_schema
from core.errors import Corrupted, InvalidInput, NotFound
from core.ids import utcnow
from core.progress import Progress, ProgressFn, no_progress

if typing.TYPE_CHECKING:
    from core.jobs import JobContext
    from core.jobs.entities import Job
    from core.workspace import Workspace

log = logging.getLogger("mlcycle.profiling")

FORMAT_VERSION = 1
TOP_VALUES = 20
SAMPLE_ROWS = 200_000          # correlations, Cramér's V and target association use at most this many rows
MAX_PEARSON_COLUMNS = 50
MAX_CRAMERS_COLUMNS = 30
MAX_TARGET_CLASSES = 50
DUPLICATE_EXAMPLES = 5
HIGH_MISSING_PCT = 50.0
HIGH_CARDINALITY = 50
LEAKAGE_THRESHOLD = 0.99
IMBALANCE_SHARE = 0.10
BACKGROUND_CELLS = 2_000_000   # versions with more cells than this are profiled by a background job
SEED = 0


# ---------------------------------------------------------------- entities

@dataclass(frozen=True)
class ValueCount:
    """One value (as text) and how many rows hold it."""

    value: str
    count: int


@dataclass(frozen=True)
class Histogram:
    """Precomputed bins: ``len(edges) == len(counts) + 1``.

    Edges are numbers for numeric columns and ISO-8601 strings for datetime columns.
    """

    edges: tuple[float | str, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True)
class NumericStats:
    """Summary of a numeric column over its finite values (``None`` when there are none)."""

    min: float | None
    max: float | None
    mean: float | None
    std: float | None
    q05: float | None
    q25: float | None
    q50: float | None
    q75: float | None
    q95: float | None
    zeros: int
    negatives: int
    infinite: int
    histogram: Histogram | None
    log_histogram: Histogram | None = None  # bins of equal width on a log scale, for a long right tail


@dataclass(frozen=True)
class DatetimeStats:
    """Range and timeline of a datetime column (text that does not parse counts as ``unparsed``)."""

    min: str | None
    max: str | None
    unparsed: int
    timeline: Histogram | None


@dataclass(frozen=True)
class TextStats:
    """Lengths (in characters) of the non-missing values of a text column."""

    min_length: int
    mean_length: float
    max_length: int
    q50_length: float
    q95_length: float
    empty: int


@dataclass(frozen=True)
class ColumnProfile:
    """What one column holds.

    ``target_association`` (0..1) says how strongly the column goes with the target,
    measured by ``association_method``: ``"pearson"`` (absolute value), ``"cramers_v"``
    or ``"correlation_ratio"``; it is ``None`` without a target or for text-like columns.
    """

    name: str
    dtype: str
    semantic: str
    n_missing: int
    missing_pct: float
    n_distinct: int
    top_values: tuple[ValueCount, ...] = ()
    numeric: NumericStats | None = None
    dates: DatetimeStats | None = None
    text: TextStats | None = None
    target_association: float | None = None
    association_method: str = ""


@dataclass(frozen=True)
class CorrelationMatrix:
    """A symmetric matrix of ``kind`` ``"pearson"`` or ``"cramers_v"`` (``None``: undefined).

    ``n_rows`` rows were used; ``omitted`` lists eligible columns left out by the column cap.
    """

    kind: str
    columns: tuple[str, ...]
    values: tuple[tuple[float | None, ...], ...]
    n_rows: int
    omitted: tuple[str, ...] = ()

    def get(self, a: str, b: str) -> float | None:
        """Return the coefficient between columns ``a`` and ``b``.

        Raises:
            NotFound: if either column is not in the matrix.
        """
        try:
            return self.values[self.columns.index(a)][self.columns.index(b)]
        except ValueError:
            raise NotFound(f"The {self.kind} matrix has no pair ('{a}', '{b}').",
                           hint=f"It covers: {', '.join(self.columns)}.") from None


@dataclass(frozen=True)
class TargetBalance:
    """How the target is distributed: class counts (classification) or a histogram (regression)."""

    column: str
    task: str
    classes: tuple[ValueCount, ...]
    histogram: Histogram | None
    n_missing: int
    imbalance_ratio: float | None


@dataclass(frozen=True)
class ProfileWarning:
    """Something worth a look before modelling; ``kind`` is a stable code, ``message`` a sentence."""

    kind: str
    message: str
    column: str | None = None


@dataclass(frozen=True)
class Profile:
    """The profile of one table, serialisable to JSON and back.

    ``sampled_rows`` is the number of rows correlations, Cramér's V and target
    association were computed on when the table was larger than ``SAMPLE_ROWS``
    (``None``: every row was used). Every other figure uses every row.

    Example:
        >>> p = profile_frame(pd.DataFrame({"x": [1, 2, 2]}))
        >>> p.column("x").n_distinct, Profile.from_json(p.to_json()) == p
        (2, True)
    """

    n_rows: int
    n_cols: int
    memory_bytes: int
    n_duplicate_rows: int
    duplicate_examples: tuple[int, ...]
    columns: tuple[ColumnProfile, ...]
    pearson: CorrelationMatrix | None
    cramers_v: CorrelationMatrix | None
    target: str | None
    target_balance: TargetBalance | None
    warnings: tuple[ProfileWarning, ...]
    sampled_rows: int | None
    elapsed_seconds: float
    created_at: str
    version_id: str | None = None
    data_sha256: str | None = None
    format_version: int = FORMAT_VERSION

    def column(self, name: str) -> ColumnProfile:
        """Return the profile of column ``name``.

        Raises:
            NotFound: if the table has no such column.
        """
        for col in self.columns:
            if col.name == name:
                return col
        raise NotFound(f"The profile has no column '{name}'.",
                       hint=f"Columns: {', '.join(c.name for c in self.columns[:20])}.")

    def columns_of(self, *semantics: str) -> list[ColumnProfile]:
        """Return the columns whose semantic type is one of ``semantics``, in table order."""
        return [c for c in self.columns if c.semantic in semantics]

    def warnings_for(self, column: str) -> list[ProfileWarning]:
        """Return the warnings about one column."""
        return [w for w in self.warnings if w.column == column]

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (tuples become lists)."""
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        """Serialise to compact JSON (UTF-8 text; non-finite numbers are stored as ``null``)."""
        return json.dumps(self.as_dict(), ensure_ascii=False, allow_nan=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> Self:
        """Rebuild a profile from :meth:`to_json` output.

        Args:
            text: the JSON text or UTF-8 bytes.

        Returns:
            An equal profile.

        Raises:
            Corrupted: if the text is not a profile of this format.
        """
        try:
            data = json.loads(text)
            if data.get("format_version") != FORMAT_VERSION:
                raise Corrupted(f"Profile format {data.get('format_version')} is not {FORMAT_VERSION}.",
                                hint="Recompute the profile.")
            return _from_dict(cls, data)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise Corrupted(f"The stored profile cannot be read: {exc}.", hint="Recompute the profile.") from exc


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        for arg in typing.get_args(tp):
            if dataclasses.is_dataclass(arg) and isinstance(value, dict):
                return _from_dict(arg, value)
            if typing.get_origin(arg) is tuple and isinstance(value, list):
                return _decode(arg, value)
        return value
    if origin is tuple:
        inner = typing.get_args(tp)[0]
        return tuple(_decode(inner, v) for v in value)
    if dataclasses.is_dataclass(tp):
        return _from_dict(tp, value)
    return value


def _from_dict(cls: Any, data: dict[str, Any]) -> Any:
    hints = _hints(cls)
    return cls(**{f.name: _decode(hints[f.name], data[f.name])
                  for f in dataclasses.fields(cls) if f.name in data})


# ---------------------------------------------------------------- computing a profile

def _histogram(bins: stats.Bins | None) -> Histogram | None:
    return None if bins is None else Histogram(*bins)


def _counted(name: str, s: pd.Series) -> ColumnProfile:
    """First pass: what every column gets whatever its type (missing, distinct, top values)."""
    n_missing = int(s.isna().sum())
    top, n_distinct = stats.top_counts(s, TOP_VALUES)
    return ColumnProfile(
        name=name, dtype=str(s.dtype), semantic="", n_missing=n_missing,
        missing_pct=100.0 * n_missing / len(s) if len(s) else 0.0, n_distinct=n_distinct,
        top_values=tuple(ValueCount(v, c) for v, c in top),
    )


def _described(col: ColumnProfile, s: pd.Series, semantic: str) -> ColumnProfile:
    """Second pass: the statistics that depend on the column's semantic type."""
    numeric = dates = text = None
    if semantic == "numeric":
        summary = stats.numeric_summary(stats.as_float(s))
        numeric = NumericStats(**(summary | {"histogram": _histogram(summary["histogram"]),
                                             "log_histogram": _histogram(summary["log_histogram"])}))
    elif semantic == "datetime":
        summary = stats.datetime_summary(s)
        dates = DatetimeStats(**(summary | {"timeline": _histogram(summary["timeline"])}))
    elif semantic == "text" and (summary := stats.text_summary(s)) is not None:
        text = TextStats(**summary)
    return dataclasses.replace(col, semantic=semantic, numeric=numeric, dates=dates, text=text)


def _semantics(df: pd.DataFrame, schema: Sequence[Any] | None, n_unique: dict[str, int]) -> dict[str, str]:
    """Semantic type per column: from ``schema`` where given, else inferred."""
    given: dict[str, str] = {}
    for item in schema or ():
        name = item.get("name") if isinstance(item, dict) else getattr(item, "name", None)
        sem = item.get("semantic") if isinstance(item, dict) else getattr(item, "semantic", None)
        if name is not None and sem in SEMANTIC_TYPES:
            given[str(name)] = sem
    missing = [c for c in df.columns if str(c) not in given]
    if missing:
        inferred = infer_schema(df[missing], n_unique={str(c): n_unique[str(c)] for c in missing})
        given.update({str(col.name): col.semantic for col in inferred})
    return given


def _matrix(kind: str, data: dict[str, Any], cap: int, n_rows: int) -> CorrelationMatrix | None:
    names = list(data)
    if len(names) < 2:
        return None
    kept, omitted = names[:cap], names[cap:]
    compute = stats.pearson_matrix if kind == "pearson" else stats.cramers_matrix
    values = compute([data[c] for c in kept])
    return CorrelationMatrix(kind, tuple(kept), tuple(tuple(r) for r in values), n_rows, tuple(omitted))


def _target_balance(s: pd.Series, col: ColumnProfile) -> TargetBalance:
    if col.semantic == "numeric":
        hist = col.numeric.histogram if col.numeric else None
        return TargetBalance(col.name, "regression", (), hist, col.n_missing, None)
    counts = stats.value_counts(s)
    classes = [ValueCount(str(v), int(c)) for v, c in counts.head(MAX_TARGET_CLASSES).items()]
    if len(counts) > MAX_TARGET_CLASSES:
        classes.append(ValueCount("(other)", int(counts.iloc[MAX_TARGET_CLASSES:].sum())))
    ratio = float(counts.max() / counts.min()) if len(counts) >= 2 else None
    return TargetBalance(col.name, "classification", tuple(classes), None, col.n_missing, ratio)


def _association(col: Any, col_numeric: bool, tgt: Any, tgt_numeric: bool) -> tuple[float | None, str]:
    """Strength (0..1) of the link between a column and the target, and how it was measured."""
    if col_numeric and tgt_numeric:
        r = stats.pearson(col, tgt)
        return (None if r is None else abs(r)), "pearson"
    if not col_numeric and not tgt_numeric:
        return stats.cramers_v_codes(*col, *tgt), "cramers_v"
    if col_numeric:
        return stats.correlation_ratio(*tgt, col), "correlation_ratio"
    return stats.correlation_ratio(*col, tgt), "correlation_ratio"


def _with_target(
    columns: list[ColumnProfile], t_idx: int, target_data: Any,
    floats: dict[str, np.ndarray], codes: dict[str, stats.Codes], balance: TargetBalance,
) -> tuple[list[ColumnProfile], list[ProfileWarning]]:
    """Each column's association with the target, and the warnings that follow from it."""
    t_col = columns[t_idx]
    target, t_numeric = t_col.name, t_col.semantic == "numeric"
    out, warns = list(columns), []
    for idx, col in enumerate(columns):
        values = floats.get(col.name) if col.semantic == "numeric" else codes.get(col.name)
        if idx == t_idx or values is None or target_data is None:
            continue
        score, method = _association(values, col.semantic == "numeric", target_data, t_numeric)
        score = None if score is None else round(score, 6)
        out[idx] = dataclasses.replace(col, target_association=score, association_method=method)
        if score is not None and score >= LEAKAGE_THRESHOLD:
            warns.append(ProfileWarning("leakage", f"Column '{col.name}' predicts the target '{target}' almost "
                                        f"perfectly ({method} {score:.3f}); check it is known before the "
                                        "outcome, or drop it.", col.name))
    if t_col.n_missing:
        warns.append(ProfileWarning("target_missing", f"The target '{target}' is missing in {t_col.n_missing:,} "
                                    "rows; they cannot be used for training.", target))
    if balance.task == "classification" and len(balance.classes) >= 2:
        smallest = min(c.count for c in balance.classes)
        share = smallest / sum(c.count for c in balance.classes)
        if share < IMBALANCE_SHARE:
            warns.append(ProfileWarning("imbalanced", f"The rarest class of '{target}' has only {100 * share:.1f}% "
                                        "of the rows; prefer F1 or ROC AUC to accuracy and split stratified.",
                                        target))
    return out, warns


def _is_id_like(col: ColumnProfile, n_rows: int) -> bool:
    if col.semantic == "id":
        return True
    present = n_rows - col.n_missing
    if present < 20 or col.n_distinct != present or col.semantic in ("text", "datetime", "image_path"):
        return False
    if col.semantic == "numeric":  # only consecutive integers (row numbers) look like ids
        st = col.numeric
        return bool(st and st.min is not None and st.max is not None and float(st.min).is_integer()
                    and st.max - st.min + 1 == present)
    return True


def _column_warnings(col: ColumnProfile, n_rows: int) -> list[ProfileWarning]:
    name = col.name
    if n_rows and col.n_missing == n_rows:
        return [ProfileWarning("all_missing", f"Column '{name}' is empty in every row; drop it.", name)]
    out: list[ProfileWarning] = []
    if col.n_distinct == 1:
        out.append(ProfileWarning("constant", f"Column '{name}' holds one value ({col.top_values[0].value!r}); "
                                  "it cannot help a model, so consider dropping it.", name))
    if col.missing_pct >= HIGH_MISSING_PCT:
        out.append(ProfileWarning("high_missing", f"Column '{name}' is missing in {col.missing_pct:.0f}% of "
                                  "rows; impute it or drop it.", name))
    if _is_id_like(col, n_rows):
        out.append(ProfileWarning("id_like", f"Column '{name}' looks like an identifier (a different value in "
                                  "every row); leave it out of the features.", name))
    elif col.semantic == "categorical" and col.n_distinct > HIGH_CARDINALITY:
        out.append(ProfileWarning("high_cardinality", f"Column '{name}' has {col.n_distinct:,} categories; "
                                  "group the rare ones or treat it as text.", name))
    return out


def profile_frame(
    df: pd.DataFrame,
    *,
    schema: Sequence[Any] | None = None,
    target: str | None = None,
    on_progress: ProgressFn = no_progress,
) -> Profile:
    """Profile a table: per-column statistics, correlations, duplicates, target balance, warnings.

    Pure: reads only ``df``. Per-column figures use every row; correlations, Cramér's V
    and target association use a seeded sample of ``SAMPLE_ROWS`` rows when the table is
    larger (recorded in ``Profile.sampled_rows``). Identifier-like and constant columns
    are left out of the correlation matrices.

    Args:
        df: the table; column names are shown as text.
        schema: column schemas (objects or dicts with ``name`` and ``semantic``); columns it
            does not cover get their semantic type from ``core.data.semantic.infer_schema``.
        target: the column the model will predict, if chosen.
        on_progress: called after each column and each table-wide step; an exception it
            raises (a job's cancel, for instance) stops the profile.

    Returns:
        The profile.

    Raises:
        InvalidInput: if column names repeat or ``target`` is not a column.
    """
    started = time.perf_counter()
    if df.columns.duplicated().any():
        dupes = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        raise InvalidInput(f"Column names repeat: {', '.join(dupes)}.", hint="Rename the columns so each is unique.")
    names = {str(c): c for c in df.columns}
    if target is not None and target not in names:
        raise InvalidInput(f"There is no column '{target}' to use as the target.",
                           hint=f"Choose one of: {', '.join(list(names)[:20])}.")
    n_rows, n_cols = df.shape
    steps = 2 * n_cols + 3
    columns: list[ColumnProfile] = []
    for i, (name, key) in enumerate(names.items()):
        columns.append(_counted(name, df[key]))
        on_progress(Progress((i + 1) / steps, f"Counted the values of '{name}' ({i + 1} of {n_cols})"))
    semantics = _semantics(df, schema, {c.name: c.n_distinct for c in columns})
    idx = None
    if n_rows > SAMPLE_ROWS:
        idx = np.sort(np.random.default_rng(SEED).choice(n_rows, SAMPLE_ROWS, replace=False))

    def sample(a: np.ndarray) -> np.ndarray:
        return a if idx is None else a[idx]

    floats: dict[str, np.ndarray] = {}
    codes: dict[str, stats.Codes] = {}
    target_data: Any = None
    for i, (name, key) in enumerate(names.items()):
        s = df[key]
        col = columns[i] = _described(columns[i], s, semantics[name])
        if col.n_distinct >= 2 and not _is_id_like(col, n_rows):
            if col.semantic == "numeric":
                floats[name] = sample(stats.as_float(s))
            elif col.semantic in ("categorical", "boolean"):
                c, k = stats.category_codes(s)
                codes[name] = (sample(c), k)
        if name == target:
            if col.semantic == "numeric":
                target_data = floats.get(name, sample(stats.as_float(s)))
            else:
                c, k = stats.category_codes(s, MAX_TARGET_CLASSES)
                target_data = (sample(c), k)
        on_progress(Progress((n_cols + i + 1) / steps, f"Profiled column '{name}' ({i + 1} of {n_cols})"))

    unique_col = any(c.n_missing == 0 and c.n_distinct == n_rows for c in columns)
    n_dup, dup_examples = stats.duplicate_rows(df, examples=DUPLICATE_EXAMPLES, has_unique_column=unique_col)
    on_progress(Progress((2 * n_cols + 1) / steps, "Counted duplicate rows"))
    used = n_rows if idx is None else len(idx)
    pearson = _matrix("pearson", floats, MAX_PEARSON_COLUMNS, used)
    cramers = _matrix("cramers_v", codes, MAX_CRAMERS_COLUMNS, used)
    on_progress(Progress((2 * n_cols + 2) / steps, "Computed correlations"))

    warns = [w for col in columns for w in _column_warnings(col, n_rows)]
    if n_dup:
        warns.append(ProfileWarning("duplicates", f"{n_dup:,} rows repeat an earlier row exactly (e.g. row "
                                    f"{dup_examples[0]}); drop them unless the repeats are real."))
    balance = None
    if target is not None:
        t_idx = list(names).index(target)
        balance = _target_balance(df[names[target]], columns[t_idx])
        columns, target_warns = _with_target(columns, t_idx, target_data, floats, codes, balance)
        warns.extend(target_warns)
    on_progress(Progress(1.0, "Profile complete"))
    return Profile(
        n_rows=int(n_rows), n_cols=int(n_cols), memory_bytes=int(df.memory_usage(deep=True, index=False).sum()),
        n_duplicate_rows=n_dup, duplicate_examples=dup_examples, columns=tuple(columns),
        pearson=pearson, cramers_v=cramers, target=target, target_balance=balance, warnings=tuple(warns),
        sampled_rows=None if idx is None else int(len(idx)),
        elapsed_seconds=round(time.perf_counter() - started, 3), created_at=utcnow(),
    )


# ---------------------------------------------------------------- cached per dataset version

def _check_target(version: Any, target: str | None) -> None:
    names = [str(getattr(c, "name", c)) for c in version.schema]
    if target is not None and target not in names:
        raise InvalidInput(f"{_label(version)} has no column '{target}' to use as the target.",
                           hint=f"Choose one of: {', '.join(names[:20])}.")


def _label(version: Any) -> str:
    return str(getattr(version, "label", None) or version.id)


def _artifact_of(ws: Workspace, version_id: str, target: str | None) -> str | None:
    with ws.read() as db:
        row = db.execute("SELECT artifact FROM profiles WHERE version_id = ? AND target = ?",
                         [version_id, target or ""]).fetchone()
    return None if row is None else row["artifact"]


_PARSED: dict[str, Profile] = {}  # artifact sha -> profile: an artifact never changes, so a page redraw skips the JSON
_PARSED_MAX = 16


def _parsed(sha: str, data: bytes) -> Profile:
    """The profile stored as artifact ``sha`` (whose bytes were just read and verified)."""
    profile = _PARSED.get(sha)
    if profile is None:
        profile = Profile.from_json(data)
        for oldest in list(_PARSED)[: max(0, len(_PARSED) - _PARSED_MAX + 1)]:
            _PARSED.pop(oldest, None)
        _PARSED[sha] = profile
    return profile


def find_profile(ws: Workspace, version_id: str, target: str | None = None) -> Profile | None:
    """Return the cached profile of a version (for this target), without computing anything.

    A cached profile whose semantic types no longer match the version's schema (a type
    was overridden since), or whose artifact is missing or damaged, counts as absent.

    Args:
        ws: the workspace.
        version_id: the dataset version.
        target: the target column the profile was computed for (``None``: no target).

    Returns:
        The profile, or ``None`` when it has not been computed (or is stale).
    """
    sha = _artifact_of(ws, version_id, target)
    if sha is None:
        return None
    try:
        profile = _parsed(sha, ws.artifacts.read_bytes(sha))
    except (NotFound, Corrupted) as exc:
        log.warning("cached profile of %s is unusable (%s); it will be recomputed", version_id, exc)
        return None
    from core.data import datasets

    current = {str(c.name): c.semantic for c in datasets.get_version(ws, version_id).schema}
    if any(current.get(c.name, c.semantic) != c.semantic for c in profile.columns):
        return None
    return profile


def _scaled(on_progress: ProgressFn, lo: float, hi: float) -> ProgressFn:
    def report(p: Progress) -> None:
        on_progress(Progress(None if p.fraction is None else lo + (hi - lo) * p.fraction, p.message))
    return report


def _compute(ws: Workspace, version_id: str, target: str | None, on_progress: ProgressFn) -> tuple[Profile, str]:
    from core.data import datasets
    from core.store.activity import record_event

    version = datasets.get_version(ws, version_id)
    _check_target(version, target)
    on_progress(Progress(0.0, f"Loading {_label(version)}"))
    df = datasets.load_frame(ws, version_id)
    profile = profile_frame(df, schema=version.schema, target=target, on_progress=_scaled(on_progress, 0.05, 0.97))
    profile = dataclasses.replace(profile, version_id=version.id, data_sha256=version.sha256)
    sha = ws.artifacts.put_bytes(profile.to_json().encode("utf-8"))
    with ws.write() as db:
        db.execute("INSERT OR REPLACE INTO profiles (version_id, target, artifact, created_at) VALUES (?, ?, ?, ?)",
                   [version.id, target or "", sha, profile.created_at])
        for_target = f" for target '{target}'" if target else ""
        record_event(db, object_kind="dataset_version", object_id=version.id, verb="profiled",
                     message=f"Profiled {_label(version)}{for_target} ({len(profile.warnings)} warnings)")
    on_progress(Progress(1.0, "Profile saved"))
    return profile, sha


def get_profile(
    ws: Workspace, version_id: str, *, target: str | None = None, on_progress: ProgressFn = no_progress
) -> Profile:
    """Return the profile of a dataset version, computing and caching it the first time.

    Args:
        ws: the workspace.
        version_id: the dataset version.
        target: the target column, for target balance and association (``None``: none).
        on_progress: progress callback while computing.

    Returns:
        The profile (from the cache when it was computed before).

    Raises:
        NotFound: if there is no such version.
        InvalidInput: if ``target`` is not one of its columns.
        Corrupted: if the version's data artifact is damaged.
    """
    cached = find_profile(ws, version_id, target)
    if cached is not None:
        on_progress(Progress(1.0, "Profile loaded from the cache"))
        return cached
    return _compute(ws, version_id, target, on_progress)[0]


def needs_background(version: Any) -> bool:
    """Return whether a version is big enough that its profile should run as a background job.

    Args:
        version: a ``DatasetVersion`` (``n_rows`` and ``n_cols`` or ``schema`` are read).

    Returns:
        ``True`` when it has more than ``BACKGROUND_CELLS`` cells.
    """
    n_cols = getattr(version, "n_cols", None) or len(version.schema)
    return int(version.n_rows) * int(n_cols) > BACKGROUND_CELLS


def enqueue_profile(
    ws: Workspace, version_id: str, target: str | None = None, project_id: str | None = None,
    *, start_worker: bool = True,
) -> Job:
    """Queue a background job that computes (and caches) a version's profile.

    A profile job for the same version and target that is still queued or running is
    returned instead of queueing a second one.

    Args:
        ws: the workspace.
        version_id: the dataset version.
        target: the target column (``None``: none).
        project_id: the project the job is shown under.
        start_worker: start a worker process if none is alive.

    Returns:
        The queued (or already pending) job.

    Raises:
        NotFound: if there is no such version.
        InvalidInput: if ``target`` is not one of its columns.
    """
    from core import jobs
    from core.data import datasets

    version = datasets.get_version(ws, version_id)
    _check_target(version, target)
    payload = {"version_id": version.id, "target": target}
    for status in ("running", "queued"):
        for job in jobs.list_jobs(ws, status=status, kind="profile"):
            if job.payload == payload:
                return job
    title = f"Profile {_label(version)}" + (f" (target {target})" if target else "")
    return jobs.enqueue(ws, "profile", payload, title=title, project_id=project_id, start_worker=start_worker)


def run_profile_job(ctx: JobContext) -> dict[str, Any]:
    """Run a ``profile`` job: compute and cache the profile, reporting progress, honouring cancel.

    Args:
        ctx: the job context; its payload holds ``version_id`` and ``target``.

    Returns:
        ``version_id, target, artifact, n_rows, n_cols, n_warnings, elapsed_seconds, cached``.

    Raises:
        NotFound: if the version no longer exists.
        InvalidInput: if the target is not one of its columns.
    """
    version_id, target = ctx.payload["version_id"], ctx.payload.get("target") or None
    profile = find_profile(ctx.ws, version_id, target)
    cached = profile is not None
    if profile is None:
        last_check = [float("-inf")]

        def report(p: Progress) -> None:
            now = time.monotonic()
            if now - last_check[0] >= 0.25:  # one cancel check per column at most a few times a second
                last_check[0] = now
                ctx.check_cancelled()
            ctx.progress_fn(p)

        profile, _ = _compute(ctx.ws, version_id, target, report)
        ctx.log(f"Profiled {profile.n_rows:,} rows x {profile.n_cols} columns in {profile.elapsed_seconds:.1f} s")
    return {
        "version_id": version_id, "target": target, "artifact": _artifact_of(ctx.ws, version_id, target),
        "n_rows": profile.n_rows, "n_cols": profile.n_cols, "n_warnings": len(profile.warnings),
        "elapsed_seconds": profile.elapsed_seconds, "cached": cached,
    }
