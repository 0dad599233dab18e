"""Plotly figures of the Features step: one method's ranked scores, every method's ranks side by side,
and one feature's relation to the target. Plain functions: data in, figure out.

They follow :mod:`core.data.charts` (whose helpers and palette they use): every figure is titled
and has labelled axes; every public function takes ``tr``, which translates an English text
template before its values are filled in (a page passes ``ui.i18n.tk``; the Korean lives in
``ui/locale/ko_features.py``); user text (column names, values, class names) is HTML-escaped, so
``<b>x</b>`` reads as written. A warned column (leakage, an identifier...) is drawn in the alert
red wherever it appears, so a column too good to be true stands out. Plotly is imported on first use.

A report is a :class:`core.features.service.FeatureReport` or a
:class:`core.features.importance.FeatureAnalysis` (or their ``as_dict()``): what is read is its
``ranking`` (per column: ``scores``, ``spread``, ``ranks``, ``consensus_rank``...), ``methods``,
``warnings``, ``target`` and ``task``. Empty input gives a titled figure whose annotation says
what is missing, never an exception.

Example:
    >>> fig = method_bars(report, "permutation")
    >>> fig.data[0].error_x.visible
    True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from core.data.charts import (
    ALERT,
    COLOURS,
    PRIMARY,
    Translate,
    _esc,
    _figure,
    _num,
    _placeholder,
    _same,
    colour_map,
)
from core.errors import InvalidInput

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["MAX_CATEGORIES", "MAX_POINTS", "METHOD_LABELS", "method_bars", "rank_comparison", "relation_figure"]

MAX_POINTS = 5000
"""At most this many rows on a relation chart (a seeded sample beyond it, said under the title)."""
MAX_CATEGORIES = 12
"""A categorical feature shows its most frequent categories; the rest are drawn as one "other"."""
TOP = 25
"""Columns drawn on the bar and rank charts by default (the strongest)."""

# The methods' English names (the same as core.features.importance.METHOD_NAMES), translated through ``tr``.
METHOD_LABELS = {"mutual_info": "Mutual information", "association": "Univariate association",
                 "lgbm_gain": "LightGBM gain", "permutation": "Permutation importance"}
# What each method's score is, for the value axis.
SCORE_LABELS = {"mutual_info": "mutual information with the target (nats)",
                "association": "association with the target (0 = none, 1 = perfect)",
                "lgbm_gain": "total split gain in a quick LightGBM model",
                "permutation": "score lost when the column is shuffled"}
# How the univariate association of a column was measured (ranking entries' ``association_measure``).
MEASURE_LABELS = {"pearson": "|Pearson r|", "spearman": "|Spearman ρ|", "cramers_v": "Cramér's V",
                  "correlation_ratio": "correlation ratio η"}
MEASURE_COLOURS = {"pearson": COLOURS[0], "spearman": COLOURS[0], "correlation_ratio": COLOURS[2],
                   "cramers_v": COLOURS[4]}
TREND = "#222A2A"


# ---------------------------------------------------------------- shared pieces

def _field(report: Any, name: str, default: Any = None) -> Any:
    """A report's field, whether it is an object (FeatureReport, FeatureAnalysis) or a dict."""
    if isinstance(report, Mapping):
        return report.get(name, default)
    return getattr(report, name, default)


def _ranking(report: Any) -> list[dict[str, Any]]:
    """The report's ranking, in consensus order (rank, then as listed)."""
    rows = [r for r in (_field(report, "ranking") or []) if isinstance(r, Mapping) and r.get("column") is not None]
    return sorted(rows, key=lambda r: (r.get("consensus_rank") is None, r.get("consensus_rank") or 0))


def _warned(report: Any) -> set[str]:
    return {str(w.get("column")) for w in (_field(report, "warnings") or []) if isinstance(w, Mapping)}


def _score(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if np.isfinite(x) else None


def _short(x: float) -> str:
    """A bar's value label: three significant digits (``0.604``, ``1.23``, ``20,530``)."""
    return _num(x) if abs(x) >= 1e4 else f"{x:.3g}"


def _with_note(title: str, notes: Sequence[str]) -> str:
    """The title, with a second line in small type for what was left out or sampled."""
    return title + "<br><sup>" + " · ".join(notes) + "</sup>" if notes else title


def _margin(title: str, *, right: int = 60, legend_on_top: bool = False) -> dict[str, int]:
    lines = title.count("<br>") + 1
    return {"l": 60, "r": right, "t": 44 + 20 * lines + (28 if legend_on_top else 0), "b": 60}


def _height(rows: int, per_row: int = 28, base: int = 150) -> int:
    return max(260, min(1400, base + per_row * rows))


def _method_label(method: str, tr: Translate) -> str:
    return tr(METHOD_LABELS[method]) if method in METHOD_LABELS else _esc(method)


# ---------------------------------------------------------------- one method

def method_bars(report: Any, method: str, tr: Translate = _same, *, top: int = TOP) -> go.Figure:
    """One method's score per column as horizontal bars, the strongest on top.

    Permutation importance has error bars: one standard deviation of the score lost over the
    repeats (the ranking entries' ``spread``). Univariate association colours each bar by how it
    was measured (|Spearman ρ|, the correlation ratio η, Cramér's V). A warned column's bar is
    drawn in the alert red. Columns the method gave no score (an identifier the model drops,
    say) are left out and counted under the title.

    Args:
        report: a feature report (see the module docstring).
        method: one of the report's methods (``mutual_info``, ``association``, ``lgbm_gain``, ``permutation``).
        tr: translates the English text templates (see the module docstring).
        top: how many columns get a bar.

    Returns:
        The figure (a titled placeholder when no column has a score).

    Raises:
        InvalidInput: if ``method`` is not one of the report's methods.
    """
    methods = list(_field(report, "methods") or [])
    if method not in methods:
        raise InvalidInput(f"'{method}' is not one of this report's methods ({', '.join(methods) or 'none'}).",
                           hint=f"Use one of: {', '.join(methods) or ', '.join(METHOD_LABELS)}.")
    title = tr("{method}: which columns carry signal about {target}").format(
        method=_method_label(method, tr), target=_esc(_field(report, "target") or ""))
    rows = [(r, _score((r.get("scores") or {}).get(method))) for r in _ranking(report)]
    scored = sorted(((r, s) for r, s in rows if s is not None), key=lambda rs: -rs[1])
    if not scored:
        return _placeholder(title, tr("No column has a score from this method."))
    shown = scored[:top]
    warned = _warned(report)
    names = [_esc(r["column"]) for r, _ in shown]
    values = [s for _, s in shown]
    notes = []
    if len(scored) > len(shown):
        notes.append(tr("top {n} of {total} columns").format(n=len(shown), total=len(scored)))
    skipped = len(rows) - len(scored)
    if skipped:
        notes.append(tr("1 column without a score") if skipped == 1
                     else tr("{n} columns without a score").format(n=skipped))
    if any(r["column"] in warned for r, _ in shown):
        notes.append(tr("red: a column with a warning"))
    hover_value = tr("score {value}").format(value="%{x:.4g}")
    traces: list[dict[str, Any]] = []
    if method == "association":
        measures = [r.get("association_measure") or "" for r, _ in shown]
        for measure in dict.fromkeys(measures):
            idx = [i for i, m in enumerate(measures) if m == measure]
            label = tr(MEASURE_LABELS[measure]) if measure in MEASURE_LABELS else tr("association")
            colour = MEASURE_COLOURS.get(measure, COLOURS[7])
            traces.append(_bar_trace([names[i] for i in idx], [values[i] for i in idx],
                                     [ALERT if shown[i][0]["column"] in warned else colour for i in idx],
                                     "%{y}<br>" + label + " %{x:.4g}<extra></extra>", name=label))
    else:
        colours = [ALERT if r["column"] in warned else PRIMARY for r, _ in shown]
        trace = _bar_trace(names, values, colours, "%{y}<br>" + hover_value + "<extra></extra>")
        if method == "permutation":
            spread = [_score((r.get("spread") or {}).get(method)) or 0.0 for r, _ in shown]
            trace["error_x"] = {"type": "data", "array": spread, "visible": True, "color": "#555", "thickness": 1.2,
                                "width": 4}
            trace["customdata"] = spread
            trace["hovertemplate"] = ("%{y}<br>" + hover_value + " ± %{customdata:.3g}<extra></extra>")
            trace["textposition"] = "none"  # the values go past the whiskers instead (below)
            traces.append(trace)
            trace = {"type": "scatter", "mode": "text", "y": names, "hoverinfo": "skip", "cliponaxis": False,
                     "x": [v + e if v >= 0 else v - e for v, e in zip(values, spread, strict=True)],
                     "text": [f" {_short(v)} " for v in values],
                     "textposition": ["middle right" if v >= 0 else "middle left" for v in values],
                     "textfont": {"color": "#555", "size": 11}}
            repeats = _field(report, "settings") or {}
            n = repeats.get("n_repeats") if isinstance(repeats, Mapping) else None
            notes.append(tr("whiskers: ± one standard deviation over {n} shuffles").format(n=n) if n
                         else tr("whiskers: ± one standard deviation over the shuffles"))
        traces.append(trace)
    heading = _with_note(title, notes)
    whiskers = traces[0].get("error_x", {}).get("array") or [0.0] * len(values)
    lo = min(0.0, *(v - e for v, e in zip(values, whiskers, strict=True)))
    hi = max(0.0, *(v + e for v, e in zip(values, whiskers, strict=True)))
    pad = 0.18 * ((hi - lo) or 1.0)
    return _figure(traces, heading, tr(SCORE_LABELS[method]) if method in SCORE_LABELS else tr("score"), None,
                   yaxis={"type": "category", "categoryorder": "array", "categoryarray": names,
                          "autorange": "reversed"},
                   xaxis={"range": [lo - (pad if lo < 0 else 0), hi + pad], "zeroline": True,
                          "zerolinecolor": "#888", "zerolinewidth": 1},
                   height=_height(len(names)) + (30 if method == "association" else 0), bargap=0.3,
                   showlegend=method == "association", barmode="overlay",
                   legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "xanchor": "left"},
                   margin=_margin(heading, legend_on_top=method == "association"))


def _bar_trace(names: list[str], values: list[float], colours: list[str], hover: str, *,
               name: str | None = None) -> dict[str, Any]:
    trace: dict[str, Any] = {"type": "bar", "orientation": "h", "x": values, "y": names,
                             "marker": {"color": colours}, "text": [_short(v) for v in values],
                             "textposition": "outside", "cliponaxis": False, "hovertemplate": hover}
    if name is not None:
        trace["name"] = name
    return trace


# ---------------------------------------------------------------- method vs method

def rank_comparison(report: Any, tr: Translate = _same, *, top: int = TOP) -> go.Figure:
    """Every column's rank under each method side by side: a heatmap, the consensus first.

    Rows are columns in consensus order (the strongest on top); the first column of cells is the
    consensus rank, then one per method. Each cell shows the rank (1 = strongest), darker the
    better; a method that gave a column no score leaves its cell empty ("—"). Where the methods
    agree a row reads evenly; a column one method ranks far from the others stands out. Warned
    columns' names are drawn in the alert red.

    Args:
        report: a feature report (see the module docstring).
        tr: translates the English text templates (see the module docstring).
        top: how many columns (rows) to draw.

    Returns:
        The figure (a titled placeholder when the ranking is empty).
    """
    title = tr("Rank of each column under each method (1 = strongest)")
    ranking = _ranking(report)
    methods = [m for m in (_field(report, "methods") or []) if isinstance(m, str)]
    if not ranking or not methods:
        return _placeholder(title, tr("No ranking to compare yet."))
    shown = ranking[:top]
    total = len(ranking)
    warned = _warned(report)
    names = [(f"<span style='color:{ALERT}'>{_esc(r['column'])}</span>" if r["column"] in warned
              else _esc(r["column"])) for r in shown]
    x = [tr("Consensus"), *[_method_label(m, tr) for m in methods]]
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    for r in shown:
        ranks = r.get("ranks") or {}
        cells = [_score(r.get("consensus_rank")), *[_score(ranks.get(m)) for m in methods]]
        z.append(cells)
        text.append(["—" if c is None else f"{int(c)}" for c in cells])
    notes = []
    if total > len(shown):
        notes.append(tr("top {n} of {total} columns by consensus").format(n=len(shown), total=total))
    if warned & {r["column"] for r in shown}:
        notes.append(tr("red: a column with a warning"))
    notes.append(tr("empty: the method gave the column no score"))
    heat = {"type": "heatmap", "z": z, "x": x, "y": names, "text": text, "texttemplate": "%{text}",
            "zmin": 1, "zmax": max(total, 2), "colorscale": "Blues", "reversescale": True, "xgap": 2, "ygap": 2,
            "colorbar": {"title": {"text": tr("rank")}, "thickness": 12, "len": 0.6},
            "hovertemplate": "%{y} · %{x}<br>" + tr("rank {rank} of {total}").format(rank="%{text}", total=total)
            + "<extra></extra>"}
    heading = _with_note(title, notes)
    return _figure([heat], heading, None, None,
                   xaxis={"type": "category", "side": "top", "showgrid": False},
                   yaxis={"type": "category", "autorange": "reversed", "showgrid": False},
                   height=_height(len(shown), 26, 190), margin=_margin(heading, right=20))


# ---------------------------------------------------------------- one feature vs the target

def _is_numeric(series: pd.Series) -> bool:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):
        return False
    return bool(pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype))


def _as_text(values: pd.Series, tr: Translate) -> pd.Series:
    """Category labels: the value as text, ``missing`` where missing (escaped)."""
    out = values.astype(object).map(lambda v: _esc(v))
    return out.where(values.notna(), tr("missing"))


def _top_categories(labels: pd.Series, tr: Translate) -> tuple[pd.Series, int]:
    """The labels with all but the :data:`MAX_CATEGORIES` most frequent folded into "other (N)"; how many were folded."""
    counts = labels.value_counts(sort=True)
    if len(counts) <= MAX_CATEGORIES:
        return labels, 0
    keep = set(counts.index[: MAX_CATEGORIES - 1])
    folded = len(counts) - len(keep)
    other = tr("other ({n} values)").format(n=folded)
    return labels.where(labels.isin(keep), other), folded


def relation_figure(frame: pd.DataFrame, column: str, target: str, task: str, tr: Translate = _same, *,
                    max_points: int = MAX_POINTS) -> go.Figure:
    """How one feature goes with the target.

    Classification: a numeric feature as one box per class (the class colours; the mean dashed),
    a categorical one as stacked bars of each class's share of rows per category (the most
    frequent categories; missing values are a category of their own). Regression: a numeric
    feature as a scatter with a trend line (the moving average of the target over the rows sorted
    by the feature: no model fitted), a categorical one as one box of the target per category.
    Rows whose target is missing are left out; beyond ``max_points`` rows a seeded sample is
    drawn (said under the title).

    Args:
        frame: the version's rows (at least ``column`` and ``target``).
        column: the feature.
        target: the target column.
        task: ``binary``, ``multiclass`` or ``regression``.
        tr: translates the English text templates (see the module docstring).
        max_points: at most this many rows.

    Returns:
        The figure (a titled placeholder when the column is the target, or no row has both values).

    Raises:
        InvalidInput: if ``column`` or ``target`` is not in the frame, or ``task`` is unknown.
    """
    for name in (column, target):
        if name not in frame.columns:
            raise InvalidInput(f"The rows have no column '{name}'.", hint="Choose one of the version's columns.")
    if task not in ("binary", "multiclass", "regression"):
        raise InvalidInput(f"'{task}' is not a task.", hint="Use binary, multiclass or regression.")
    title = tr("{column} and {target}").format(column=_esc(column), target=_esc(target))
    if column == target:
        return _placeholder(title, tr("Choose a column other than the target."))
    data = frame[[column, target]].copy()
    data.columns = ["x", "y"]
    data = data[data["y"].notna()]
    if data.empty:
        return _placeholder(title, tr("No row has a target value."))
    notes = []
    total = len(data)
    if total > max_points:
        data = data.sample(n=max_points, random_state=0).sort_index()
        notes.append(tr("a random sample of {n} of {total} rows (seed 0)").format(n=f"{max_points:,}",
                                                                                  total=f"{total:,}"))
    numeric = _is_numeric(data["x"])
    if task == "regression":
        data["y"] = pd.to_numeric(data["y"], errors="coerce")
        data = data[data["y"].notna()]
        if data.empty:
            return _placeholder(title, tr("The target has no numeric values."))
        return (_scatter_with_trend if numeric else _boxes_by_category)(data, column, target, title, notes, tr)
    return (_boxes_by_class if numeric else _shares_by_category)(data, column, target, title, notes, tr)


def _missing_note(data: pd.DataFrame, column: str, notes: list[str], tr: Translate) -> pd.DataFrame:
    missing = int(data["x"].isna().sum())
    if missing:
        notes.append(tr("{n} rows with no {column} left out").format(n=f"{missing:,}", column=_esc(column)))
    return data[data["x"].notna()]


def _classes(y: pd.Series) -> list[Any]:
    present = pd.unique(y)
    try:
        return sorted(present)
    except TypeError:
        return sorted(present, key=lambda v: (str(v), repr(v)))


def _boxes_by_class(data: pd.DataFrame, column: str, target: str, title: str, notes: list[str],
                    tr: Translate) -> go.Figure:
    data = _missing_note(data, column, notes, tr)
    if data.empty:
        return _placeholder(_with_note(title, notes), tr("No row has a value in this column."))
    classes = _classes(data["y"])
    palette = colour_map(classes)
    traces = []
    for cls in classes:
        values = data.loc[data["y"] == cls, "x"]
        traces.append({"type": "box", "x": [_esc(cls)] * len(values), "y": values.tolist(), "name": _esc(cls),
                       "marker": {"color": palette[str(cls)], "size": 3}, "boxmean": True, "boxpoints": "outliers"})
    notes.insert(0, tr("one box per class: the middle half of the rows, the median line and the mean dashed"))
    heading = _with_note(title, notes)
    return _figure(traces, heading, _esc(target), _esc(column), xaxis={"type": "category"}, showlegend=False,
                   height=460, margin=_margin(heading, right=20))


def _shares_by_category(data: pd.DataFrame, column: str, target: str, title: str, notes: list[str],
                        tr: Translate) -> go.Figure:
    labels, folded = _top_categories(_as_text(data["x"], tr), tr)
    classes = _classes(data["y"])
    palette = colour_map(classes)
    counts = pd.crosstab(labels, data["y"])
    counts = counts.loc[counts.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    shares = counts.div(counts.sum(axis=1), axis=0)
    categories = list(counts.index)
    sizes = counts.sum(axis=1).tolist()
    traces = []
    for cls in classes:
        if cls not in shares.columns:
            continue
        traces.append({"type": "bar", "name": _esc(cls), "x": categories, "y": shares[cls].tolist(),
                       "marker": {"color": palette[str(cls)]}, "customdata": np.column_stack(
                           [counts[cls].to_numpy(), np.array(sizes)]).tolist(),
                       "hovertemplate": "%{x}<br>" + _esc(cls) + ": "
                       + tr("{share} of {total} rows ({count})").format(share="%{y:.1%}", total="%{customdata[1]:,}",
                                                                        count="%{customdata[0]:,}")
                       + "<extra></extra>"})
    notes.insert(0, tr("each bar is a value of {column}; its colours, the share of each class").format(
        column=_esc(column)))
    if folded:
        notes.append(tr("the {n} most frequent values").format(n=MAX_CATEGORIES - 1))
    heading = _with_note(title, notes)
    return _figure(traces, heading, _esc(column), tr("share of rows"), barmode="stack",
                   xaxis={"type": "category", "categoryorder": "array", "categoryarray": categories},
                   yaxis={"tickformat": ".0%", "range": [0, 1]}, height=460,
                   legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "xanchor": "left",
                           "title": {"text": _esc(target)}, "traceorder": "normal"},
                   margin=_margin(heading, right=20, legend_on_top=True))


def _scatter_with_trend(data: pd.DataFrame, column: str, target: str, title: str, notes: list[str],
                        tr: Translate) -> go.Figure:
    data = _missing_note(data, column, notes, tr)
    if data.empty:
        return _placeholder(_with_note(title, notes), tr("No row has a value in this column."))
    x = data["x"]
    if pd.api.types.is_datetime64_any_dtype(x.dtype):
        order_key = x.astype("int64")
    else:
        x = pd.to_numeric(x, errors="coerce")
        order_key = x
    ordered = data.assign(_k=order_key.to_numpy()).sort_values("_k", kind="stable")
    window = max(5, len(ordered) // 20)
    trend = ordered["y"].rolling(window, center=True, min_periods=max(2, window // 2)).mean()
    points = {"type": "scattergl", "mode": "markers", "x": x.tolist(), "y": data["y"].tolist(),
              "name": tr("one point per row"),
              "marker": {"color": PRIMARY, "size": 5, "opacity": 0.45},
              "hovertemplate": _esc(column) + " %{x}<br>" + _esc(target) + " %{y}<extra></extra>"}
    line = {"type": "scatter", "mode": "lines", "x": ordered["x"].tolist(), "y": trend.tolist(),
            "name": tr("trend (moving average of {n} rows)").format(n=window),
            "line": {"color": TREND, "width": 3}, "hoverinfo": "skip"}
    heading = _with_note(title, notes)
    return _figure([points, line], heading, _esc(column), _esc(target), height=460,
                   legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "xanchor": "left"},
                   margin=_margin(heading, right=20, legend_on_top=True))


def _boxes_by_category(data: pd.DataFrame, column: str, target: str, title: str, notes: list[str],
                       tr: Translate) -> go.Figure:
    labels, folded = _top_categories(_as_text(data["x"], tr), tr)
    medians = data["y"].groupby(labels).median().sort_values(ascending=False, kind="stable")
    categories = list(medians.index)
    traces = [{"type": "box", "x": [cat] * int((labels == cat).sum()), "y": data.loc[labels == cat, "y"].tolist(),
               "name": cat, "marker": {"color": PRIMARY, "size": 3}, "boxmean": True, "boxpoints": "outliers"}
              for cat in categories]
    notes.insert(0, tr("one box per value of {column}, highest median first").format(column=_esc(column)))
    if folded:
        notes.append(tr("the {n} most frequent values").format(n=MAX_CATEGORIES - 1))
    heading = _with_note(title, notes)
    return _figure(traces, heading, _esc(column), _esc(target), showlegend=False, height=460,
                   xaxis={"type": "category", "categoryorder": "array", "categoryarray": categories},
                   margin=_margin(heading, right=20))
