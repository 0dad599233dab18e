"""Which columns carry signal for a target: four methods, their ranks, a consensus, and warnings.

Pure computation on a DataFrame (no store). :func:`analyze_frame` scores every column but the
target with the methods of :data:`METHODS`:

- ``mutual_info``: scikit-learn's mutual information (categoricals as discrete codes, numeric
  gaps filled with the median; seeded);
- ``association``: a univariate measure named per column (``association_measure``): Spearman's
  |rho| between numbers, the correlation ratio between a number and categories, Cramér's V
  between categories (:mod:`core.data.stats`).

  Both methods take off what a column's number of levels gives by chance (Miller-Madow for the
  discrete mutual information, Bergsma's correction of Cramér's V, the correlation ratio adjusted
  like an adjusted R²), so an ID or a code with many rare values does not look informative;
- ``lgbm_gain``: the share of a quick LightGBM fit's total gain, summed from the model features
  back to the raw column (:class:`core.modeling.preprocessing.Preprocessor`, the version's
  semantic types);
- ``permutation``: how much that model's held-out quality drops when one raw column is shuffled
  (its encoded parts together), the mean over ``n_repeats`` with the spread.

Columns the model leaves out (IDs, free text, image paths, constant or empty columns) get
``None`` from the two model-based methods and a note, but are still ranked by the others and
warned about. Ranks: 1 is the strongest; equal scores share the better rank. The consensus
score is the mean of the methods' normalised ranks (1 = top everywhere; an unscored column
counts as the bottom).

Warnings (one per column and kind, each with one English sentence naming the figure):
``leakage`` (one column alone predicts the target almost perfectly on held-out rows: ROC AUC
above 0.98, or R² above 0.95 for regression, of a univariate fit learned on the training
part, so a unique ID never looks like a leak), ``id``, ``constant``, ``near_constant``,
``missing`` and ``target_name``.

Example:
    >>> result = analyze_frame(df, "churned", semantic={"plan": "categorical"})
    >>> [(r["column"], r["consensus_rank"]) for r in result.ranking][:3]
    >>> [(w["column"], w["kind"], w["reason"]) for w in result.warnings]
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.data.stats import (
    MAX_LEVELS,
    as_datetime,
    as_float,
    category_codes,
    correlation_ratio,
    cramers_v_codes,
    pearson,
    top_counts,
)
from core.errors import InvalidInput, map_errors
from core.modeling.columns import infer_semantic, looks_like_id_name
from core.modeling.preprocessing import Preprocessor, encode_target
from core.progress import Progress, ProgressFn, no_progress

__all__ = [
    "LEAK_AUC", "LEAK_R2", "METHODS", "METHOD_NAMES", "PROGRESS_MESSAGES", "TASKS", "WARNING_KINDS",
    "FeatureAnalysis", "Settings", "analyze_frame", "detect_task",
]

METHODS = ("mutual_info", "association", "lgbm_gain", "permutation")
METHOD_NAMES = {"mutual_info": "Mutual information", "association": "Univariate association",
                "lgbm_gain": "LightGBM gain", "permutation": "Permutation importance"}
TASKS = ("auto", "classification", "binary", "multiclass", "regression")
WARNING_KINDS = ("leakage", "target_name", "id", "constant", "near_constant", "missing")  # the order they are listed in

# The progress messages, in the order they are reported (the page translates them).
PROGRESS_MESSAGES = {
    "checks": "Checking the columns",
    "mutual_info": "Computing mutual information",
    "association": "Measuring univariate association",
    "leakage": "Checking for leakage on held-out rows",
    "lgbm_gain": "Fitting a quick LightGBM model",
    "permutation": "Computing permutation importance",
    "done": "Feature analysis done",
}

MIN_ROWS = 20               # rows with a target value needed at all
MAX_CLASSES = 100           # a classification target with more classes is refused
LEAK_AUC = 0.98             # held-out ROC AUC of one column above this: likely leakage
LEAK_R2 = 0.95              # held-out R² of one column above this (regression): likely leakage
ID_RATIO = 0.95             # distinct share of an integer or text column from which it reads as an ID
ID_NAME_RATIO = 0.5         # distinct share enough when the name reads like an ID
NEAR_CONSTANT = 0.99        # share of the most common value
MISSING_SHARE = 0.40        # share of missing values
LEAK_BINS = 50              # quantile bins of a number in the univariate leakage fit
LEAK_LEVELS = 100_000       # categories the leakage fit tells apart (every one, in practice: held-out rows judge it)
N_TREES = 80                # the quick LightGBM fit (fewer per class for many classes: TREE_BUDGET)
TREE_BUDGET = 200           # at most this many trees over all classes (but 10 per class at least)
MI_NEIGHBORS = 10           # neighbours of the mutual-information estimate (sklearn's 3 is noisier on small data)
MI_ROWS = 20_000            # mutual information reads at most this many of the used rows
PERMUTATION_ROWS = 10_000   # permutation importance scores at most this many held-out rows
N_JOBS = 1                  # one thread: LightGBM's OpenMP threads slow down badly on a busy machine


# ---------------------------------------------------------------- settings and result

@dataclass(frozen=True)
class Settings:
    """How a feature analysis runs; part of the key a stored report is reused by.

    Attributes:
        sample_rows: at most this many rows (with a target value) are used, a seeded random sample.
        seed: seeds the sample, the held-out split, mutual information, LightGBM and the shuffles.
        n_repeats: shuffles per column for permutation importance.
        test_size: the held-out share of the used rows (permutation importance and the leakage check).
        methods: the methods to run, from :data:`METHODS`.
    """

    sample_rows: int = 50_000
    seed: int = 0
    n_repeats: int = 5
    test_size: float = 0.25
    methods: tuple[str, ...] = METHODS

    def __post_init__(self) -> None:
        methods = (self.methods,) if isinstance(self.methods, str) else tuple(self.methods or ())
        object.__setattr__(self, "methods", methods)

    def as_dict(self) -> dict[str, Any]:
        """Return the settings as plain JSON values (``methods`` as a list)."""
        out = asdict(self)
        out["methods"] = list(self.methods)
        return out

    def key(self) -> str:
        """Return the sha256 of the settings' canonical JSON (sorted keys, no spaces)."""
        text = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class FeatureAnalysis:
    """The result of :func:`analyze_frame`.

    Attributes:
        task: ``binary``, ``multiclass`` or ``regression``.
        target: the target column.
        methods: the methods run, in :data:`METHODS` order.
        n_rows: rows with a target value.
        n_used: rows used (after sampling).
        ranking: one dict per column (``column``, ``kind``, ``scores``, ``spread``, ``ranks``,
            ``consensus_rank``, ``consensus_score``, ``association_measure``), best first.
        warnings: ``{"column", "kind", "reason", "value"}`` per warned column and kind.
        notes: plain sentences about how the analysis ran (sampling, skipped columns).
    """

    task: str
    target: str
    methods: list[str]
    n_rows: int
    n_used: int
    ranking: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the analysis as plain JSON values."""
        return asdict(self)


# ---------------------------------------------------------------- the task

def detect_task(y: pd.Series, semantic: str | None = None) -> str:
    """Guess the task from the target's values (and its semantic type, when known).

    Categorical, boolean and text targets are classification; numbers are regression unless
    they are whole numbers with at most 20 distinct values (the experiment step's rule).

    Args:
        y: the target column (missing values are ignored).
        semantic: its semantic type (``categorical``, ``numeric``...), if known.

    Returns:
        ``binary`` (at most two classes), ``multiclass`` or ``regression``.

    Raises:
        InvalidInput: if the target has no values.
    """
    values = _present(y)
    if values.empty:
        raise InvalidInput(f"The target '{y.name}' has no values.", hint="Choose a column that has values.")
    n_unique = _n_distinct(values)
    numeric = pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype)
    if not numeric or semantic in ("categorical", "boolean", "text", "id", "image_path"):
        return "binary" if n_unique <= 2 else "multiclass"
    if n_unique <= 2:
        return "binary"
    numbers = values.to_numpy(dtype=float)
    numbers = numbers[np.isfinite(numbers)]
    whole = bool(np.all(np.mod(numbers, 1) == 0))
    return "multiclass" if whole and n_unique <= 20 else "regression"


def _present_mask(s: pd.Series) -> np.ndarray:
    """Which values are there (not missing, not blank text)."""
    mask = s.notna().to_numpy().copy()
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        texts = s[mask]
        try:
            blank = texts.str.strip().eq("").fillna(False).to_numpy(dtype=bool)
        except AttributeError:  # no strings at all
            return mask
        mask[np.flatnonzero(mask)[blank]] = False
    return mask


def _present(s: pd.Series) -> pd.Series:
    """The values that are there (not missing, not blank text)."""
    return s[_present_mask(s)]


def _n_distinct(s: pd.Series) -> int:
    try:
        return int(s.nunique(dropna=True))
    except TypeError:  # unhashable cells
        return int(s.map(str, na_action="ignore").nunique(dropna=True))


def _resolve_task(task: str, y: pd.Series, semantic: str | None) -> str:
    if task not in TASKS:
        raise InvalidInput(f"Unknown task '{task}'.", hint="Use auto, classification, binary, multiclass or regression.")
    detected = detect_task(y, semantic)
    n_classes = _n_distinct(y)
    if task == "auto":
        return detected
    if task in ("classification", "multiclass"):
        return "binary" if n_classes <= 2 else "multiclass"
    if task == "binary" and n_classes > 2:
        raise InvalidInput(f"The target '{y.name}' has {n_classes:,} distinct values, so the task cannot be binary.",
                           hint="Use multiclass, or auto.")
    if task == "regression":
        numbers = pd.to_numeric(y, errors="coerce") if not pd.api.types.is_numeric_dtype(y.dtype) else y
        if pd.api.types.is_bool_dtype(y.dtype) or numbers.isna().any():
            raise InvalidInput(f"The target '{y.name}' is not numeric, so the task cannot be regression.",
                               hint="Use auto or classification, or choose a numeric target.")
    return task


# ---------------------------------------------------------------- columns

@dataclass
class _Column:
    """One feature column, in the form the univariate methods read."""

    name: str
    kind: str                                   # its semantic type
    values: np.ndarray | None = None            # float values (numbers, dates as seconds); NaN = missing
    codes: tuple[np.ndarray, int] | None = None  # category codes (-1 = missing) and their number

    @property
    def discrete(self) -> bool:
        return self.codes is not None

    def take(self, rows: np.ndarray) -> _Column:
        if self.codes is not None:
            return _Column(self.name, self.kind, codes=(self.codes[0][rows], self.codes[1]))
        assert self.values is not None
        return _Column(self.name, self.kind, values=self.values[rows])


def _semantic_of(name: str, s: pd.Series, given: Mapping[str, str]) -> str:
    if name in given and given[name]:
        return str(given[name])
    try:
        return infer_semantic(s, name)[0]
    except Exception:  # noqa: BLE001 - odd values (nested lists): describe them as text
        return "text"


def _as_column(name: str, s: pd.Series, kind: str, max_levels: int = MAX_LEVELS) -> _Column:
    """Numbers and dates as floats, everything else as category codes (the rarest lumped beyond ``max_levels``)."""
    if kind == "datetime":
        when = as_datetime(s)
        seconds = when.to_numpy().astype("datetime64[us]").astype(np.int64).astype(float) / 1e6
        seconds[when.isna().to_numpy()] = np.nan
        return _Column(name, kind, values=seconds)
    numeric_dtype = pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
    if kind == "numeric" or (kind == "id" and numeric_dtype):
        values = np.array(as_float(s), dtype=float)
        values[~np.isfinite(values)] = np.nan
        return _Column(name, kind, values=values)
    try:
        codes = category_codes(s, max_levels)
    except Exception:  # noqa: BLE001 - unhashable cells
        codes = category_codes(s.map(str, na_action="ignore"), max_levels)
    return _Column(name, kind, codes=codes)


# ---------------------------------------------------------------- the analysis

def analyze_frame(
    df: pd.DataFrame,
    target: str,
    *,
    task: str = "auto",
    semantic: Mapping[str, str] | None = None,
    settings: Settings | None = None,
    on_progress: ProgressFn = no_progress,
) -> FeatureAnalysis:
    """Rank every column of ``df`` but ``target`` by four methods and a consensus, and warn about problems.

    Args:
        df: the rows (a dataset version's frame).
        target: the column to predict.
        task: ``auto`` (:func:`detect_task`), ``classification``, ``binary``, ``multiclass`` or ``regression``.
        semantic: column -> semantic type (the version's schema, overrides included); inferred where absent.
        settings: :class:`Settings` (the defaults when ``None``).
        on_progress: called at each method with a :class:`core.progress.Progress`.

    Returns:
        The :class:`FeatureAnalysis`.

    Raises:
        InvalidInput: the target is not a column, has one value or fewer than 20 rows with a value,
            there is no other column, the task does not fit the target, or the settings are invalid.
    """
    settings = settings or Settings()
    _check_settings(settings)
    if not isinstance(df, pd.DataFrame):
        raise InvalidInput(f"Expected a table (pandas DataFrame), got {type(df).__name__}.")
    df = df.set_axis([str(c) for c in df.columns], axis=1)
    if df.columns.duplicated().any():
        twice = sorted(set(df.columns[df.columns.duplicated()]))
        raise InvalidInput(f"Column names must be unique; {', '.join(repr(c) for c in twice)} appear more than once.",
                           hint="Rename the columns so each name is used once.")
    target = str(target)
    if target not in df.columns:
        shown = ", ".join(f"'{c}'" for c in list(df.columns)[:10]) + (", ..." if len(df.columns) > 10 else "")
        raise InvalidInput(f"There is no column '{target}' to use as the target.",
                           hint=f"Choose one of the columns: {shown}." if len(df.columns) else "The table has no columns.")
    features = [c for c in df.columns if c != target]
    if not features:
        raise InvalidInput(f"There are no feature columns: the table holds only the target '{target}'.",
                           hint="Add the columns that describe each row, or choose another table.")
    given = {str(k): str(v) for k, v in (semantic or {}).items() if v}
    methods = [m for m in METHODS if m in settings.methods]
    rng = np.random.default_rng(settings.seed)

    # rows with a target value, then the seeded sample
    y_all = df[target]
    has_target = _present_mask(y_all)
    if pd.api.types.is_numeric_dtype(y_all.dtype) and not pd.api.types.is_bool_dtype(y_all.dtype):
        has_target &= np.isfinite(y_all.to_numpy(dtype=float, na_value=np.nan))
    n_rows = int(has_target.sum())
    if n_rows < MIN_ROWS:
        raise InvalidInput(f"Only {n_rows:,} row{'' if n_rows == 1 else 's'} {'has' if n_rows == 1 else 'have'} "
                           f"a value in the target '{target}'; at least {MIN_ROWS} are needed.",
                           hint="Choose a target with more values, or add rows.")
    y_present = y_all[has_target]
    if _n_distinct(y_present) < 2:
        only = y_present.iloc[0]
        raise InvalidInput(f"The target '{target}' has a single value ({only!r}), so there is nothing to predict.",
                           hint="Choose a column whose values vary.")
    resolved = _resolve_task(task, y_present, given.get(target))
    if resolved != "regression" and (k := _n_distinct(y_present)) > MAX_CLASSES:
        raise InvalidInput(f"The target '{target}' has {k:,} classes; the feature analysis handles at most "
                           f"{MAX_CLASSES}.", hint="Choose a target with fewer classes, or the regression task "
                                               "if it is a number.")
    result = FeatureAnalysis(task=resolved, target=target, methods=methods, n_rows=n_rows, n_used=n_rows)
    dropped = len(df) - n_rows
    if dropped:
        result.notes.append(f"Left out {dropped:,} row{'' if dropped == 1 else 's'} without a target value.")

    # the column checks read every row of the table
    on_progress(Progress(0.0, PROGRESS_MESSAGES["checks"]))
    kinds = {c: _semantic_of(c, df[c], given) for c in features}
    found: list[dict[str, Any]] = []
    for c in features:
        found += _quality_warnings(c, df[c], kinds[c])
        found += _name_warning(c, target)

    rows = np.flatnonzero(has_target)
    if n_rows > settings.sample_rows:
        rows = np.sort(rng.choice(rows, size=settings.sample_rows, replace=False))
        result.n_used = int(len(rows))
        result.notes.append(f"Used a random sample of {len(rows):,} of the {n_rows:,} rows with a target value "
                            f"(seed {settings.seed}).")
    frame = df.iloc[rows]
    y_raw = frame[target]
    if resolved == "regression":
        y = pd.to_numeric(y_raw, errors="coerce").to_numpy(dtype=float)
        classes: list[Any] | None = None
    else:
        y, classes = encode_target(y_raw, resolved)
    columns = {c: _as_column(c, frame[c], kinds[c]) for c in features}
    scores: dict[str, dict[str, float | None]] = {c: dict.fromkeys(methods) for c in features}
    spread: dict[str, float | None] = dict.fromkeys(features)
    measures: dict[str, str] = {}

    if "mutual_info" in methods:
        on_progress(Progress(0.1, PROGRESS_MESSAGES["mutual_info"]))
        mi_rows = np.arange(len(y))
        if len(y) > MI_ROWS:
            mi_rows = np.sort(rng.choice(len(y), size=MI_ROWS, replace=False))
            result.notes.append(f"{METHOD_NAMES['mutual_info']} read a random {MI_ROWS:,} of the {len(y):,} rows used.")
        for c, col in columns.items():
            scores[c]["mutual_info"] = _mutual_info(col.take(mi_rows), y[mi_rows], resolved, settings.seed)
    if "association" in methods:
        on_progress(Progress(0.35, PROGRESS_MESSAGES["association"]))
    for c, col in columns.items():  # the measure is named even when the method is not run
        score, measures[c] = _association(col, y, resolved, len(classes or ()))
        if "association" in methods:
            scores[c]["association"] = score

    train, test = _split(y, resolved, settings)
    on_progress(Progress(0.4, PROGRESS_MESSAGES["leakage"]))
    for c, col in columns.items():  # every category apart: a unique ID fits the training rows, never held-out ones
        exact = col if col.codes is None else _as_column(c, frame[c], kinds[c], LEAK_LEVELS)
        found += _leak_warning(exact, y, resolved, len(classes or ()), train, test)

    if "lgbm_gain" in methods or "permutation" in methods:
        on_progress(Progress(0.45, PROGRESS_MESSAGES["lgbm_gain"]))
        model = _fit_model(frame[features], y, resolved, kinds, train, settings.seed, result.notes)
        if model is not None:
            if "lgbm_gain" in methods:
                for c, gain in _gains(model).items():
                    scores[c]["lgbm_gain"] = gain
            if "permutation" in methods:
                on_progress(Progress(0.6, PROGRESS_MESSAGES["permutation"]))
                scored = test if len(test) <= PERMUTATION_ROWS else np.sort(
                    rng.choice(test, size=PERMUTATION_ROWS, replace=False))
                perm = _permutation(model, frame[features].iloc[scored], y[scored], resolved, settings, result.notes)
                for c, (mean, std) in perm.items():
                    scores[c]["permutation"], spread[c] = mean, std

    result.ranking = _rank(features, kinds, scores, spread, measures, methods)
    result.warnings = _order_warnings(found, features)
    on_progress(Progress(1.0, PROGRESS_MESSAGES["done"]))
    return result


def _check_settings(settings: Settings) -> None:
    bad = [m for m in settings.methods if m not in METHODS]
    if bad or not settings.methods:
        raise InvalidInput(f"Unknown method{'s' if len(bad) > 1 else ''} {', '.join(repr(m) for m in bad)}."
                           if bad else "Choose at least one method.", hint=f"The methods are: {', '.join(METHODS)}.")
    if int(settings.sample_rows) < MIN_ROWS:
        raise InvalidInput(f"The rows to sample must be at least {MIN_ROWS}, not {settings.sample_rows!r}.",
                           hint="The default is 50,000.")
    if int(settings.n_repeats) < 1:
        raise InvalidInput(f"The permutation repeats must be at least 1, not {settings.n_repeats!r}.",
                           hint="The default is 5.")
    if not 0.05 <= float(settings.test_size) <= 0.5:
        raise InvalidInput(f"The held-out share must be from 0.05 to 0.5, not {settings.test_size!r}.",
                           hint="The default is 0.25.")


# ---------------------------------------------------------------- warnings about a column's values

def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def _warning(column: str, kind: str, reason: str, value: Any) -> dict[str, Any]:
    return {"column": column, "kind": kind, "reason": reason, "value": value}


def _quality_warnings(name: str, s: pd.Series, kind: str) -> list[dict[str, Any]]:
    """``missing``, ``constant``, ``near_constant`` and ``id`` warnings from the column's values (every row)."""
    out = []
    n = len(s)
    present = _present(s)
    n_present = len(present)
    missing = 1 - n_present / n if n else 0.0
    if n and missing >= MISSING_SHARE:
        out.append(_warning(name, "missing", f"{_pct(missing)} of its values are missing.", round(missing, 4)))
    if not n_present:
        return out
    try:
        top, n_distinct = top_counts(present, 1)
    except TypeError:
        top, n_distinct = top_counts(present.map(str), 1)
    if n_distinct == 1:
        out.append(_warning(name, "constant", "Has only 1 distinct value.", 1))
        return out
    share = top[0][1] / n_present
    if share >= NEAR_CONSTANT:
        out.append(_warning(name, "near_constant", f"Its most common value fills {_pct(share)} of the rows "
                                                   "that have a value.", round(share, 4)))
    id_warning = _id_warning(name, present, kind, n_distinct)
    if id_warning:
        out.append(id_warning)
    return out


def _whole_numbers(s: pd.Series) -> np.ndarray | None:
    """The values as floats if they are all whole numbers (an integer column), else ``None``."""
    if pd.api.types.is_bool_dtype(s.dtype) or not pd.api.types.is_numeric_dtype(s.dtype):
        return None
    values = s.to_numpy(dtype=float, na_value=np.nan)
    if not np.all(np.isfinite(values)) or not np.all(np.mod(values, 1) == 0):
        return None
    return values


def _id_warning(name: str, present: pd.Series, kind: str, n_distinct: int) -> dict[str, Any] | None:
    n = len(present)
    if n < MIN_ROWS or kind in ("datetime", "boolean", "text", "image_path"):
        return None
    whole = _whole_numbers(present)
    textual = not pd.api.types.is_numeric_dtype(present.dtype) and not pd.api.types.is_bool_dtype(present.dtype)
    if whole is None and not textual:
        return None  # measurements with decimals are distinct without being IDs
    ratio = n_distinct / n
    if whole is not None:
        steps = np.diff(whole)
        if len(steps) and steps[0] != 0 and np.all(steps == steps[0]):
            step = float(steps[0])
            return _warning(name, "id", f"Its values are whole numbers that change by {step:g} from each row to "
                                        "the next, like a row number.", step)
    if ratio >= ID_RATIO:
        return _warning(name, "id", f"{_pct(ratio)} of its values are distinct, like an ID.", round(ratio, 4))
    if looks_like_id_name(name) and ratio >= ID_NAME_RATIO:
        return _warning(name, "id", f"Its name reads like an ID and {_pct(ratio)} of its values are distinct.",
                        round(ratio, 4))
    return None


_PREFIXES = ("is_", "has_", "was_", "did_", "target_", "label_", "y_")
_SUFFIXES = ("ing", "ed", "es", "s")


def _squash(name: str) -> str:
    """A name in lower case without separators (``Churn Reason`` -> ``churnreason``)."""
    return re.sub(r"[\s_\-.:/()\[\]]+", "", name.lower())


def _stems(target: str) -> list[str]:
    """The target's name and its stem (``churned`` -> ``churn``, ``is_fraud`` -> ``fraud``), long enough to matter."""
    base = target.strip().lower()
    found = [base]
    for prefix in _PREFIXES:
        if base.startswith(prefix) and len(base) > len(prefix):
            base = base[len(prefix):]
            found.append(base)
            break
    for suffix in _SUFFIXES:
        if base.endswith(suffix) and len(base) - len(suffix) >= 4:
            found.append(base[: -len(suffix)])
            break
    out = []
    for stem in map(_squash, found):
        ascii_only = stem.isascii()
        if stem and stem not in out and len(stem) >= (3 if ascii_only else 2):
            out.append(stem)
    return out


def _name_warning(name: str, target: str) -> list[dict[str, Any]]:
    squashed = _squash(name)
    for stem in _stems(target):
        if stem in squashed:
            return [_warning(name, "target_name", f"Its name contains the target's name ('{stem}'), so it may be "
                                                  "derived from the target.", stem)]
    return []


def _order_warnings(found: list[dict[str, Any]], features: list[str]) -> list[dict[str, Any]]:
    """One warning per (column, kind), the most serious kinds first, then in column order."""
    position = {c: i for i, c in enumerate(features)}
    seen, out = set(), []
    for w in sorted(found, key=lambda w: (WARNING_KINDS.index(w["kind"]), position[w["column"]])):
        if (w["column"], w["kind"]) not in seen:
            seen.add((w["column"], w["kind"]))
            out.append(w)
    return out


# ---------------------------------------------------------------- held-out split and the leakage check

def _split(y: np.ndarray, task: str, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Seeded train/held-out row positions (stratified by class when every class has two rows)."""
    from sklearn.model_selection import train_test_split

    positions = np.arange(len(y))
    stratify = None
    if task != "regression":
        counts = np.bincount(y)
        counts = counts[counts > 0]
        if counts.min() >= 2 and round(len(y) * settings.test_size) >= len(counts):
            stratify = y
    try:
        train, test = train_test_split(positions, test_size=settings.test_size, random_state=settings.seed,
                                       stratify=stratify)
    except ValueError:
        train, test = train_test_split(positions, test_size=settings.test_size, random_state=settings.seed)
    return np.sort(train), np.sort(test)


def _levels(col: _Column, train: np.ndarray) -> tuple[np.ndarray, int]:
    """Integer levels for the univariate fit: categories as they are, numbers in quantile bins of the training part."""
    if col.codes is not None:
        codes, k = col.codes
        return np.where(codes >= 0, codes, k), k + 1
    assert col.values is not None
    values = col.values
    known = values[train][np.isfinite(values[train])]
    if known.size == 0:
        return np.zeros(len(values), dtype=np.int64), 1
    edges = np.unique(np.quantile(known, np.linspace(0, 1, LEAK_BINS + 1))[1:-1])
    levels = np.searchsorted(edges, values, side="right")
    k = len(edges) + 1
    return np.where(np.isfinite(values), levels, k), k + 1


def _level_means(levels: np.ndarray, k: int, target: np.ndarray, train: np.ndarray) -> np.ndarray:
    """Per level, the training part's mean of ``target`` (rows x outputs), shrunk towards the overall mean."""
    target = target.reshape(len(target), -1)
    prior = target[train].mean(axis=0)
    counts = np.bincount(levels[train], minlength=k).astype(float)
    sums = np.stack([np.bincount(levels[train], weights=target[train, j], minlength=k)
                     for j in range(target.shape[1])], axis=1)
    return (sums + prior) / (counts[:, None] + 1.0)


def _auc(truth: np.ndarray, score: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    if truth.min() == truth.max():
        return None
    return float(roc_auc_score(truth, score))


def _leak_figure(col: _Column, y: np.ndarray, task: str, n_classes: int,
                 train: np.ndarray, test: np.ndarray) -> float | None:
    """The held-out ROC AUC (macro one-vs-rest for multiclass) or R² of a fit on this column alone."""
    levels, k = _levels(col, train)
    if task == "regression":
        predicted = _level_means(levels, k, y, train)[levels[test], 0]
        best = _r2(y[test], predicted)
        if col.values is not None:  # a straight line as well: a noisy copy of the target
            x = col.values
            fit = np.isfinite(x[train])
            if fit.sum() >= 3 and np.ptp(x[train][fit]) > 0:
                slope, intercept = np.polyfit(x[train][fit], y[train][fit], 1)
                filled = np.where(np.isfinite(x[test]), x[test], float(np.median(x[train][fit])))
                line = _r2(y[test], slope * filled + intercept)
                best = line if best is None or (line is not None and line > best) else best
        return best
    onehot = np.eye(n_classes)[y]
    rates = _level_means(levels, k, onehot, train)[levels[test]]
    if task == "binary":
        best = _auc(y[test], rates[:, 1])
        if col.values is not None:  # the value itself, in the direction the training part shows
            x = col.values
            fill = np.nanmedian(x[train]) if np.isfinite(x[train]).any() else 0.0
            x = np.where(np.isfinite(x), x, fill)
            direction = _auc(y[train], x[train])
            value = _auc(y[test], x[test] if direction is None or direction >= 0.5 else -x[test])
            best = value if best is None or (value is not None and value > best) else best
        return best
    per_class = [_auc((y[test] == c).astype(int), rates[:, c]) for c in range(n_classes)]
    found = [a for a in per_class if a is not None]
    return float(np.mean(found)) if found else None


def _r2(truth: np.ndarray, predicted: np.ndarray) -> float | None:
    total = float(((truth - truth.mean()) ** 2).sum())
    if total <= 0:
        return None
    return 1.0 - float(((truth - predicted) ** 2).sum()) / total


# a strong honest feature (petal width on iris) reads the same as a leak: only its timing tells them apart
LEAK_CHECK = " Check that its value is known before the outcome: if it is not, it leaks the answer."


def _leak_warning(col: _Column, y: np.ndarray, task: str, n_classes: int,
                  train: np.ndarray, test: np.ndarray) -> list[dict[str, Any]]:
    figure = _leak_figure(col, y, task, n_classes, train, test)
    if figure is None:
        return []
    if task == "regression" and figure > LEAK_R2:
        reason = f"Alone predicts the target with R² {figure:.3f} on held-out rows.{LEAK_CHECK}"
    elif task != "regression" and figure > LEAK_AUC:
        reason = f"Alone predicts the target with ROC AUC {figure:.3f} on held-out rows.{LEAK_CHECK}"
    else:
        return []
    return [_warning(col.name, "leakage", reason, round(figure, 4))]


# ---------------------------------------------------------------- the univariate methods

def _mutual_info(col: _Column, y: np.ndarray, task: str, seed: int) -> float:
    from sklearn.feature_selection import mutual_info_classif, mutual_info_regression

    if col.codes is not None:
        codes, k = col.codes
        x = np.where(codes >= 0, codes, k).astype(float)
    else:
        assert col.values is not None
        x = col.values.copy()
        finite = np.isfinite(x)
        x[~finite] = float(np.median(x[finite])) if finite.any() else 0.0
    if np.ptp(x) == 0:
        return 0.0
    estimate = mutual_info_regression if task == "regression" else mutual_info_classif
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mi = float(estimate(x.reshape(-1, 1), y, discrete_features=[col.discrete], n_neighbors=MI_NEIGHBORS,
                            random_state=seed)[0])
    if col.discrete and task != "regression":
        # the plug-in estimate between two discrete columns grows with their levels by chance alone:
        # take off that expected amount (Miller-Madow), so a many-valued code does not look informative
        mi -= (len(np.unique(x)) - 1) * (len(np.unique(y)) - 1) / (2 * len(y))
    return max(0.0, mi)


def _association(col: _Column, y: np.ndarray, task: str, n_classes: int) -> tuple[float, str]:
    """The column's univariate association with the target and the measure's name (0 when it is undefined)."""
    if task != "regression":  # the target's categories
        if col.codes is not None:
            return _cramers_v(*col.codes, y, n_classes), "cramers_v"
        assert col.values is not None
        return _correlation_ratio(y, n_classes, col.values), "correlation_ratio"
    y = y.astype(float)
    if col.codes is not None:
        return _correlation_ratio(*col.codes, y), "correlation_ratio"
    assert col.values is not None
    both = np.isfinite(col.values)
    rho = pearson(_ranks(col.values[both]), _ranks(y[both]))
    if rho is None:
        r = pearson(col.values, y)
        if r is not None:
            return abs(r), "pearson"
    return _or_zero(None if rho is None else abs(rho)), "spearman"


def _cramers_v(a: np.ndarray, ka: int, b: np.ndarray, kb: int) -> float:
    """Cramér's V corrected for the levels' chance association (Bergsma 2013); 0 when undefined.

    The plain statistic (:func:`core.data.stats.cramers_v_codes`) of a column with many rare
    levels is large by chance alone (an ID's is near 1 on small data); the correction takes
    off what independent columns with as many levels would show.
    """
    v = cramers_v_codes(a, ka, b, kb)
    both = (a >= 0) & (b >= 0)
    n = int(both.sum())
    if v is None or n < 2:
        return 0.0
    r, c = len(np.unique(a[both])), len(np.unique(b[both]))
    phi2 = v * v * (min(r, c) - 1)
    phi2 = max(0.0, phi2 - (r - 1) * (c - 1) / (n - 1))
    r_adj, c_adj = r - (r - 1) ** 2 / (n - 1), c - (c - 1) ** 2 / (n - 1)
    scale = min(r_adj, c_adj) - 1
    return float(min(1.0, np.sqrt(phi2 / scale))) if scale > 0 else 0.0


def _correlation_ratio(codes: np.ndarray, k: int, values: np.ndarray) -> float:
    """The correlation ratio, adjusted like an adjusted R² for the number of groups; 0 when undefined."""
    eta = correlation_ratio(codes, k, values)
    both = (codes >= 0) & np.isfinite(values)
    n = int(both.sum())
    groups = len(np.unique(codes[both]))
    if eta is None or n <= groups:
        return 0.0
    adjusted = 1 - (1 - eta * eta) * (n - 1) / (n - groups)
    return float(np.sqrt(max(0.0, adjusted)))


def _ranks(x: np.ndarray) -> np.ndarray:
    return pd.Series(x).rank(method="average").to_numpy(dtype=float)


def _or_zero(value: float | None) -> float:
    return 0.0 if value is None else float(value)


# ---------------------------------------------------------------- the model-based methods

@dataclass
class _Model:
    """A quick LightGBM fit and what is needed to read it in raw columns."""

    booster: Any
    pre: Preprocessor
    classes: np.ndarray | None      # the class codes the model predicts, in its output order
    task: str


def _fit_model(X: pd.DataFrame, y: np.ndarray, task: str, kinds: Mapping[str, str], train: np.ndarray,
               seed: int, notes: list[str]) -> _Model | None:
    """Fit LightGBM on the training part; ``None`` (with a note) when no model can be fitted."""
    import lightgbm as lgb

    skipped = f"{METHOD_NAMES['lgbm_gain']} and {METHOD_NAMES['permutation'].lower()} were skipped"
    pre = Preprocessor(semantic=kinds)
    try:
        X_train = pre.fit_transform(X.iloc[train])
    except InvalidInput as exc:
        notes.append(f"{skipped}: {exc.message}")
        return None
    for column, why in pre.dropped.items():
        notes.append(f"The model-based methods leave out '{column}': {why}.")
    y_train = y[train]
    if task != "regression" and len(np.unique(y_train)) < 2:
        notes.append(f"{skipped}: the training part has one class only.")
        return None
    trees = N_TREES if task != "multiclass" else max(10, min(N_TREES, TREE_BUDGET // len(np.unique(y_train))))
    params = {"n_estimators": trees, "learning_rate": 0.1, "num_leaves": 15,
              "min_child_samples": int(min(20, max(2, len(train) // 50))), "random_state": seed,
              "n_jobs": N_JOBS, "verbose": -1, "deterministic": True, "force_col_wise": True}
    with map_errors("The quick LightGBM fit of the feature analysis",
                    hint="Check the column types on the Data page, or run the analysis without the model-based methods."):
        if task == "regression":
            model = lgb.LGBMRegressor(**params).fit(X_train, y_train)
            classes = None
        else:
            model = lgb.LGBMClassifier(**params).fit(X_train, y_train)
            classes = np.asarray(model.classes_)
    return _Model(model.booster_, pre, classes, task)


def _gains(model: _Model) -> dict[str, float]:
    """Each raw column's share of the model's total gain."""
    gain = np.asarray(model.booster.feature_importance(importance_type="gain"), dtype=float)
    names = model.pre.feature_names_out
    by_column = dict.fromkeys(model.pre.input_columns, 0.0)
    for feature, value in zip(names, gain, strict=True):
        by_column[model.pre.feature_map[feature]] += float(value)
    total = sum(by_column.values())
    return {c: (v / total if total > 0 else 0.0) for c, v in by_column.items()}


def _matrix(model: _Model, X: pd.DataFrame) -> np.ndarray:
    """The model features as the float matrix LightGBM reads (categories as their codes, missing as NaN)."""
    frame = model.pre.transform(X)
    out = np.empty(frame.shape, dtype=float)
    for j, name in enumerate(frame.columns):
        s = frame[name]
        if isinstance(s.dtype, pd.CategoricalDtype):
            codes = s.cat.codes.to_numpy().astype(float)
            codes[codes < 0] = np.nan
            out[:, j] = codes
        else:
            out[:, j] = s.to_numpy(dtype=float)
    return out


def _quality(model: _Model, A: np.ndarray, y: np.ndarray) -> float:
    """Held-out quality, higher is better: ROC AUC (binary), minus log loss (multiclass), R² (regression)."""
    from sklearn.metrics import log_loss, r2_score, roc_auc_score

    predicted = model.booster.predict(A)
    if model.task == "regression":
        return float(r2_score(y, predicted))
    if model.task == "binary":
        return float(roc_auc_score(y, predicted))
    return -float(log_loss(y, predicted, labels=np.arange(predicted.shape[1])))


def _permutation(model: _Model, X_test: pd.DataFrame, y_test: np.ndarray, task: str, settings: Settings,
                 notes: list[str]) -> dict[str, tuple[float, float]]:
    """Per raw column: the mean and spread of the drop in held-out quality when its values are shuffled."""
    if model.classes is not None:  # rows of a class the training part never saw cannot be scored
        known = np.isin(y_test, model.classes)
        X_test, y_test = X_test[known], np.searchsorted(model.classes, y_test[known])
        if task == "binary" and len(np.unique(y_test)) < 2:
            notes.append(f"{METHOD_NAMES['permutation']} was skipped: the held-out rows have one class only.")
            return {}
    if len(y_test) < 2:
        notes.append(f"{METHOD_NAMES['permutation']} was skipped: too few held-out rows.")
        return {}
    A = _matrix(model, X_test)
    base = _quality(model, A, y_test)
    what = {"binary": "the drop in ROC AUC", "multiclass": "the rise in log loss",
            "regression": "the drop in R²"}[task]
    notes.append(f"{METHOD_NAMES['permutation']} is {what} on {len(y_test):,} held-out rows when a column's values "
                 f"are shuffled ({settings.n_repeats} repeat{'' if settings.n_repeats == 1 else 's'}).")
    rng = np.random.default_rng(settings.seed)
    positions = {name: j for j, name in enumerate(model.pre.feature_names_out)}
    out = {}
    for spec in model.pre.columns:
        parts = [positions[f] for f in spec.features]
        saved = A[:, parts].copy()
        drops = []
        for _ in range(settings.n_repeats):
            A[:, parts] = saved[rng.permutation(len(saved))]
            drops.append(base - _quality(model, A, y_test))
        A[:, parts] = saved
        out[spec.name] = (float(np.mean(drops)), float(np.std(drops)))
    return out


# ---------------------------------------------------------------- ranks and the consensus

def _competition_ranks(values: Mapping[str, float | None]) -> dict[str, int | None]:
    """1 for the largest; equal values share the better rank (1, 2, 2, 4); ``None`` stays unranked."""
    scored = {c: float(v) for c, v in values.items() if v is not None and np.isfinite(v)}
    ordered = sorted(scored.values(), reverse=True)
    out: dict[str, int | None] = dict.fromkeys(values)
    for c, v in scored.items():
        tol = 1e-9 * max(1.0, abs(v))
        out[c] = 1 + sum(1 for other in ordered if other > v + tol)
    return out


def _rank(features: list[str], kinds: Mapping[str, str], scores: Mapping[str, dict[str, float | None]],
          spread: Mapping[str, float | None], measures: Mapping[str, str], methods: Sequence[str]) -> list[dict[str, Any]]:
    n = len(features)
    ranks = {m: _competition_ranks({c: scores[c].get(m) for c in features}) for m in methods}
    active = [m for m in methods if any(r is not None for r in ranks[m].values())]
    consensus = {}
    for c in features:
        normalised = [0.0 if ranks[m][c] is None else (1.0 if n == 1 else (n - ranks[m][c]) / (n - 1))
                      for m in active]
        consensus[c] = float(np.mean(normalised)) if normalised else 0.0
    consensus_ranks = _competition_ranks(consensus)
    rows = []
    for i, c in enumerate(features):
        rows.append({
            "column": c, "kind": kinds[c],
            "scores": {m: scores[c].get(m) for m in methods},
            "spread": {"permutation": spread[c]} if "permutation" in methods and spread[c] is not None else {},
            "ranks": {m: ranks[m][c] for m in methods},
            "consensus_rank": consensus_ranks[c], "consensus_score": round(consensus[c], 6),
            "association_measure": measures.get(c, ""),
            "_position": i,
        })
    rows.sort(key=lambda r: (r["consensus_rank"], r["_position"]))
    for r in rows:
        del r["_position"]
    return rows
