"""Plotly figures of the Monitor step: one feature's reference and current distributions, every feature's
drift score against its threshold (PSI beside it), drift against the model's SHAP importance, and the
metric and drift share over successive batches. Plain functions: data in, figure out.

They follow :mod:`core.data.charts` (whose helpers and palette they use): every figure is titled
and has labelled axes; every public function takes ``tr``, which translates an English text
template before its values are filled in (a page passes ``ui.i18n.tk``; the Korean lives in
``ui/locale/ko_monitor.py``); user text (column names, categories, batch names) is HTML-escaped.
Reference data is drawn in the primary blue, current data in orange, and anything past its
threshold (a drifted feature, a batch that alerts) in the alert red.

A report is a :class:`core.monitor.service.DriftReport` or its ``as_dict()``: what is read is its
``features`` (per column: ``column``, ``kind``, ``test``, ``statistic``, ``threshold``, ``drifted``,
``psi``, ``psi_threshold``...; :class:`core.monitor.drift.FeatureDrift` objects or their dicts),
``share_drifted``, ``alert``, ``settings`` and ``metrics``. Empty input gives a titled figure whose
annotation says what is missing, never an exception.

The tests do not measure drift on one scale: a p-value (Kolmogorov-Smirnov, chi-squared, the Z-test)
drifts when it falls *below* its threshold, a distance (Wasserstein, Jensen-Shannon) when it reaches
it. :func:`drift_score` puts both on one scale where 1 is the threshold and more is more drift, so
features can be drawn side by side.

Example:
    >>> fig = drift_scores_figure(report)
    >>> fig.layout.xaxis.title.text
    'drift score (1 = the test’s threshold)'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from core.data.charts import ALERT, COLOURS, PRIMARY, Translate, _esc, _figure, _num, _placeholder, _same

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["MAX_CATEGORIES", "SCORE_CAP", "TEST_LABELS", "distribution_figure", "drift_score", "drift_scores_figure",
           "feature_rows", "history_figure", "importance_quadrant", "importance_share", "is_p_value",
           "prediction_figure", "primary_metric"]

CURRENT = COLOURS[1]
"""Current (batch) data: orange, beside the reference's primary blue."""
MAX_CATEGORIES = 15
"""A categorical feature shows its most frequent categories (in either sample); the rest are one "other"."""
FEW_VALUES = 12
"""A numeric feature with at most this many distinct values is drawn as one bar per value."""
BINS = 20
TOP = 30
"""Features drawn on the drift-score chart (drifted first, then the highest scores)."""
SCORE_CAP = 10.0
"""Drift scores are drawn up to this (a p-value of 1e-300 would dwarf every other bar); the label says the value."""
P_VALUE_TESTS = ("ks", "chisquare", "z")
# Each test's English name (core.monitor.drift's test ids), translated through ``tr``.
TEST_LABELS = {"ks": "Kolmogorov-Smirnov", "chisquare": "chi-squared", "z": "Z-test of two proportions",
               "wasserstein": "Wasserstein distance (normed)", "jensenshannon": "Jensen-Shannon distance"}
# The quadrants of the drift-importance chart: (right, top) and their English names.
QUADRANTS = {"hot": (1, 1), "drifted": (0, 1), "important": (1, 0), "calm": (0, 0)}
QUADRANT_LABELS = {"hot": "important and drifted", "drifted": "drifted, less important",
                   "important": "important, stable", "calm": "stable, less important"}


# ---------------------------------------------------------------- shared pieces

def _field(obj: Any, name: str, default: Any = None) -> Any:
    """A report's (or a feature's) field, whether it is an object or a dict."""
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _number(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _features(report: Any) -> list[dict[str, Any]]:
    """The report's features as dicts (a FeatureDrift object or its dict), only those with a column."""
    out = []
    for f in _field(report, "features") or []:
        entry = f.as_dict() if hasattr(f, "as_dict") else f
        if isinstance(entry, Mapping) and entry.get("column") is not None:
            out.append(dict(entry))
    return out


def is_p_value(test: str | None) -> bool:
    """Whether the test's statistic is a p-value (drift below the threshold) rather than a distance."""
    return test in P_VALUE_TESTS


def drift_score(feature: Any) -> float | None:
    """How far a feature is past its test's threshold, on one scale for every test: 1 at the threshold,
    more is more drift (``None`` without a statistic).

    A distance (Wasserstein, Jensen-Shannon) scores ``statistic / threshold``; a p-value scores
    ``log(p) / log(threshold)`` (p = threshold gives 1, p = threshold² gives 2, p = 1 gives 0).
    """
    stat, threshold = _number(_field(feature, "statistic")), _number(_field(feature, "threshold"))
    if stat is None or threshold is None or threshold <= 0:
        return None
    if is_p_value(_field(feature, "test")):
        if threshold >= 1:
            return None
        return max(0.0, math.log(max(stat, 1e-300)) / math.log(threshold))
    return max(0.0, stat / threshold)


def _test_label(test: Any, tr: Translate) -> str:
    return tr(TEST_LABELS[test]) if test in TEST_LABELS else _esc(test or "")


def _stat_text(feature: Mapping[str, Any], tr: Translate) -> str:
    """``p = 0.0031 (drift below 0.05)`` or ``0.23 (drift from 0.1)``."""
    stat, threshold = _number(feature.get("statistic")), _number(feature.get("threshold"))
    if stat is None:
        return tr("no statistic")
    if is_p_value(feature.get("test")):
        return tr("p = {p} (drift below {threshold})").format(p=_p(stat), threshold=_num(threshold or 0.0))
    return tr("{value} (drift from {threshold})").format(value=f"{stat:.3g}", threshold=_num(threshold or 0.0))


def _p(p: float) -> str:
    return "< 1e-300" if p <= 1e-300 else (f"{p:.2g}" if p < 1e-3 else f"{p:.4f}".rstrip("0").rstrip("."))


def feature_rows(report: Any) -> list[dict[str, Any]]:
    """The report's features, drifted first, then by drift score (highest first), each with its ``score``."""
    rows = [dict(f, score=drift_score(f)) for f in _features(report)]
    return sorted(rows, key=lambda f: (not f.get("drifted"), -(f["score"] if f["score"] is not None else -1.0)))


def _with_note(title: str, notes: Sequence[str]) -> str:
    return title + "<br><sup>" + " · ".join(notes) + "</sup>" if notes else title


def _margin(title: str, *, right: int = 30, legend_on_top: bool = False, left: int = 60) -> dict[str, int]:
    lines = title.count("<br>") + 1
    return {"l": left, "r": right, "t": 44 + 20 * lines + (28 if legend_on_top else 0), "b": 60}


def _height(rows: int, per_row: int = 26, base: int = 160) -> int:
    return max(280, min(1400, base + per_row * rows))


def _legend() -> dict[str, Any]:
    return {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "xanchor": "left"}


# ---------------------------------------------------------------- one feature: reference vs current

def _is_numeric(values: pd.Series) -> bool:
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):
        return False
    return bool(pd.api.types.is_numeric_dtype(dtype))


def _is_dates(values: pd.Series) -> bool:
    return bool(pd.api.types.is_datetime64_any_dtype(values.dtype))


def _as_numbers(values: pd.Series) -> pd.Series:
    """Numbers as floats (text that is not a number: missing); dates as seconds since 1970."""
    if _is_dates(values):
        stamps = values.dt.tz_convert(None) if getattr(values.dtype, "tz", None) is not None else values
        return (stamps - pd.Timestamp(0)).dt.total_seconds()
    return pd.to_numeric(values, errors="coerce") if not _is_numeric(values) else values.astype(float)


def _date_text(seconds: float) -> str:
    """A date (and time, when it has one) for seconds since 1970: ``2024-03-01``, ``2024-03-01 14:05``."""
    stamp = pd.Timestamp(seconds, unit="s")
    return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() else stamp.strftime("%Y-%m-%d %H:%M")


def _missing_share(values: pd.Series) -> float:
    return float(values.isna().mean()) if len(values) else 0.0


def distribution_figure(ref: pd.Series, cur: pd.Series, kind: str, column: str, tr: Translate = _same, *,
                        bins: int = BINS, new_categories: Sequence[Any] = ()) -> go.Figure:
    """One feature's reference (training) and current (batch) distributions, overlaid.

    Numeric: histograms on shared bins (the 0.5th to 99.5th percentile of both samples; values
    beyond are counted in the end bins), each as the share of its own rows with a value, so samples
    of different sizes compare; the means are dashed lines. Dates are binned the same way on a date
    axis (the drift tests compare them as seconds since 1970). A numeric feature with few distinct
    values, a categorical or a binary one: side-by-side bars of each value's share, the most
    frequent values of either sample first; a value the reference never had (``new_categories``, or
    found here) is drawn in red. The missing shares are said under the title.

    Args:
        ref: the reference rows' values (the model's training rows).
        cur: the batch's values.
        kind: ``numeric``, ``categorical`` or ``binary`` (as the drift report says).
        column: the feature's name (for the title).
        tr: translates the English text templates (see the module docstring).
        bins: histogram bins for a numeric feature.
        new_categories: values of the batch the reference lacks (the report's, to agree with it).

    Returns:
        The figure (a titled placeholder when neither sample has a value).
    """
    title = tr("{column}: training data and batch").format(column=_esc(column))
    ref = pd.Series(ref).reset_index(drop=True)
    cur = pd.Series(cur).reset_index(drop=True)
    notes = []
    miss_ref, miss_cur = _missing_share(ref), _missing_share(cur)
    if miss_ref or miss_cur:
        notes.append(tr("missing: {ref} of training rows, {cur} of batch rows").format(
            ref=f"{miss_ref:.1%}", cur=f"{miss_cur:.1%}"))
    if kind == "numeric":
        a, b = _as_numbers(ref).dropna(), _as_numbers(cur).dropna()
        if a.empty and b.empty:
            return _placeholder(_with_note(title, notes), tr("Neither sample has a numeric value in this column."))
        distinct = pd.unique(pd.concat([a, b], ignore_index=True))
        dates = _is_dates(ref) or _is_dates(cur)
        if len(distinct) > FEW_VALUES or dates:
            return _histograms(a, b, column, title, notes, tr, bins, dates=dates)
        ref, cur = ref.where(_as_numbers(ref).notna()), cur.where(_as_numbers(cur).notna())
        return _shares(_as_numbers(ref), _as_numbers(cur), column, title, notes, tr, new_categories, by_value=True)
    if ref.dropna().empty and cur.dropna().empty:
        return _placeholder(_with_note(title, notes), tr("Neither sample has a value in this column."))
    return _shares(ref, cur, column, title, notes, tr, new_categories, by_value=False)


def _histograms(a: pd.Series, b: pd.Series, column: str, title: str, notes: list[str], tr: Translate,
                bins: int, *, dates: bool = False) -> go.Figure:
    """Overlaid shares on shared bins; with ``dates`` the values are seconds since 1970, drawn on a date axis."""
    both = np.concatenate([a.to_numpy(float), b.to_numpy(float)])
    lo, hi = (float(x) for x in np.quantile(both, [0.005, 0.995]))
    if lo == hi:
        lo, hi = float(both.min()), float(both.max())
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, bins + 1)
    shown = _date_text if dates else _num
    centres: list[Any] = ((edges[:-1] + edges[1:]) / 2).tolist()
    width = float(edges[1] - edges[0])
    if dates:  # a date axis: ISO dates at the centres, widths in milliseconds
        centres = [pd.Timestamp(c, unit="s").isoformat() for c in centres]
        width *= 1000
    ranges = [tr("{low} to {high}").format(low=shown(x), high=shown(y)) for x, y in zip(edges[:-1], edges[1:],
                                                                                         strict=True)]
    traces = []
    clipped = False
    for values, name, colour in ((a, tr("training data"), PRIMARY), (b, tr("batch"), CURRENT)):
        x = values.to_numpy(float)
        clipped |= bool(((x < lo) | (x > hi)).any())
        counts, _ = np.histogram(np.clip(x, lo, hi), bins=edges)
        shares = (counts / max(1, len(x))).tolist()
        traces.append({"type": "bar", "x": centres, "y": shares, "width": width, "name": name,
                       "marker": {"color": colour, "opacity": 0.55}, "customdata": list(zip(ranges, counts.tolist(),
                                                                                            strict=True)),
                       "hovertemplate": name + "<br>%{customdata[0]}<br>"
                       + tr("{share} of rows ({count})").format(share="%{y:.1%}", count="%{customdata[1]:,}")
                       + "<extra></extra>"})
    shapes, annotations = [], []
    means = [float(v.mean()) if len(v) else None for v in (a, b)]
    for (mean, other), colour in zip(((means[0], means[1]), (means[1], means[0])), (PRIMARY, CURRENT), strict=True):
        if mean is not None and lo <= mean <= hi:
            at = pd.Timestamp(mean, unit="s").isoformat() if dates else mean
            shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": at, "x1": at, "y0": 0,
                           "y1": 1, "line": {"color": colour, "dash": "dash", "width": 2}})
            # the two labels lean away from each other, so close means do not overwrite each other
            side = "right" if other is not None and mean < other else "left"
            annotations.append({"x": at, "y": 1, "xref": "x", "yref": "paper", "showarrow": False,
                                "yanchor": "bottom", "xanchor": side, "text": f"{tr('mean')} {shown(mean)}",
                                "font": {"color": colour, "size": 11}})
    notes.insert(0, tr("each bar: the share of the sample's rows with a value in that range"))
    if clipped:
        notes.append(tr("values beyond the range are counted in the end bars"))
    heading = _with_note(title, notes)
    return _figure(traces, heading, _esc(column), tr("share of rows"), barmode="overlay", bargap=0.05,
                   xaxis={"type": "date"} if dates else None,
                   yaxis={"tickformat": ".0%"}, shapes=shapes, annotations=annotations, height=420,
                   legend=_legend(), margin=_margin(heading, legend_on_top=True))


def _label(value: Any, tr: Translate) -> str:
    if isinstance(value, float) and value.is_integer():
        return _esc(int(value))
    return _esc(value)


def _shares(ref: pd.Series, cur: pd.Series, column: str, title: str, notes: list[str], tr: Translate,
            new_categories: Sequence[Any], *, by_value: bool) -> go.Figure:
    a, b = ref.dropna(), cur.dropna()
    if not by_value:
        a, b = a.astype(str), b.astype(str)
    share_a = a.value_counts(normalize=True)
    share_b = b.value_counts(normalize=True)
    counts_a, counts_b = a.value_counts(), b.value_counts()
    values = list(dict.fromkeys([*share_a.index, *share_b.index]))
    if by_value:
        values = sorted(values)
        folded = 0
    else:
        weight = {v: max(share_a.get(v, 0.0), share_b.get(v, 0.0)) for v in values}
        values = sorted(values, key=lambda v: (-weight[v], str(v)))
        folded = max(0, len(values) - MAX_CATEGORIES)
        values = values[:MAX_CATEGORIES]
    new = {str(v) for v in new_categories} | {str(v) for v in share_b.index if v not in share_a.index}
    labels = [_label(v, tr) for v in values]
    traces = []
    for share, counts, name, colour, is_cur in ((share_a, counts_a, tr("training data"), PRIMARY, False),
                                                (share_b, counts_b, tr("batch"), CURRENT, True)):
        colours = [ALERT if is_cur and str(v) in new else colour for v in values]
        traces.append({"type": "bar", "x": labels, "y": [float(share.get(v, 0.0)) for v in values], "name": name,
                       "marker": {"color": colours}, "customdata": [int(counts.get(v, 0)) for v in values],
                       "hovertemplate": name + "<br>%{x}<br>"
                       + tr("{share} of rows ({count})").format(share="%{y:.1%}", count="%{customdata:,}")
                       + "<extra></extra>"})
    notes.insert(0, tr("each bar: the share of the sample's rows with that value"))
    shown_new = [v for v in values if str(v) in new]
    if shown_new:
        notes.append(tr("red: a value the training data never had"))
    if folded:
        notes.append(tr("the {n} most frequent values of {total}").format(n=MAX_CATEGORIES, total=MAX_CATEGORIES
                                                                        + folded))
    heading = _with_note(title, notes)
    return _figure(traces, heading, _esc(column), tr("share of rows"), barmode="group",
                   xaxis={"type": "category", "categoryorder": "array", "categoryarray": labels},
                   yaxis={"tickformat": ".0%"}, height=420, legend=_legend(),
                   margin=_margin(heading, legend_on_top=True))


def prediction_figure(prediction: Mapping[str, Any], tr: Translate = _same) -> go.Figure:
    """The model's predictions on the held-out rows against those on the batch, from the report's stored
    histogram (``prediction["histogram"]``: :func:`core.monitor.drift.histograms`' shape).

    Classifiers: each predicted class's share, side by side. Regressors: shares over shared bins.

    Args:
        prediction: a report's ``prediction`` (its ``histogram``, ``test``, ``statistic``...).
        tr: translates the English text templates (see the module docstring).

    Returns:
        The figure (a titled placeholder without a histogram).
    """
    title = tr("The model's predictions: held-out rows and batch")
    hist = (prediction or {}).get("histogram") or {}
    ref, cur = list(hist.get("ref") or []), list(hist.get("cur") or [])
    if not ref and not cur:
        return _placeholder(title, tr("The report has no predictions to show."))
    notes = []
    if (prediction or {}).get("statistic") is not None:
        notes.append(_test_label(prediction.get("test"), tr) + ": " + _stat_text(dict(prediction), tr))
    if prediction.get("source") == "log":
        notes.append(tr("batch: the predictions the server logged"))
    names = (tr("held-out rows"), tr("batch"))
    if hist.get("kind") == "numeric" and hist.get("edges"):
        edges = [float(e) for e in hist["edges"]]
        x = [(a + b) / 2 for a, b in zip(edges[:-1], edges[1:], strict=True)]
        width = edges[1] - edges[0] if len(edges) > 1 else 1.0
        extra: dict[str, Any] = {"width": width}
        layout: dict[str, Any] = {"barmode": "overlay", "bargap": 0.05}
        axis: dict[str, Any] = {}
        opacity = 0.55
    else:
        x = [_label(c, tr) for c in hist.get("categories") or []]
        extra, layout, axis = {}, {"barmode": "group"}, {"type": "category"}
        opacity = 1.0
    traces = []
    for shares, name, colour in ((ref, names[0], PRIMARY), (cur, names[1], CURRENT)):
        traces.append({"type": "bar", "x": x, "y": shares, "name": name, **extra,
                       "marker": {"color": colour, "opacity": opacity},
                       "hovertemplate": name + "<br>%{x}<br>" + tr("{share} of rows").format(share="%{y:.1%}")
                       + "<extra></extra>"})
    heading = _with_note(title, notes)
    return _figure(traces, heading, tr("prediction"), tr("share of rows"), xaxis=axis, yaxis={"tickformat": ".0%"},
                   height=400, legend=_legend(), margin=_margin(heading, legend_on_top=True), **layout)


# ---------------------------------------------------------------- every feature's drift score

def drift_scores_figure(report: Any, tr: Translate = _same, *, top: int = TOP) -> go.Figure:
    """Every feature's drift score against its threshold (left) and its PSI against 0.1 (right).

    The score is :func:`drift_score` (1 = the test's threshold); a drifted feature's bar is red.
    Each bar's label names the test and its statistic (``KS p = 0.003``); bars are capped at
    :data:`SCORE_CAP`. The PSI panel shares the rows; its bars are red from the PSI threshold.
    Drifted features come first, then the highest scores.

    Args:
        report: a drift report (see the module docstring).
        tr: translates the English text templates (see the module docstring).
        top: how many features get a row.

    Returns:
        The figure (a titled placeholder when the report has no feature).
    """
    title = tr("Drift by feature")
    rows = feature_rows(report)
    if not rows:
        return _placeholder(title, tr("The report has no feature to show."))
    shown = rows[:top]
    names = [_esc(f["column"]) for f in shown]
    scores = [f["score"] or 0.0 for f in shown]
    drawn = [min(s, SCORE_CAP) for s in scores]
    red = [ALERT if f.get("drifted") else PRIMARY for f in shown]
    tests = [_test_label(f.get("test"), tr) for f in shown]
    stats = [_stat_text(f, tr) for f in shown]
    score_bar = {"type": "bar", "orientation": "h", "x": drawn, "y": names, "marker": {"color": red},
                 "text": [f" {s:.2g}" + ("+" if s > SCORE_CAP else "") for s in scores], "textposition": "outside",
                 "cliponaxis": False, "customdata": list(zip(tests, stats, strict=True)), "xaxis": "x", "yaxis": "y",
                 "hovertemplate": "%{y}<br>%{customdata[0]}: %{customdata[1]}<br>"
                 + tr("drift score {score}").format(score="%{x:.2f}") + "<extra></extra>", "showlegend": False}
    psi = [_number(f.get("psi")) for f in shown]
    psi_threshold = next((t for t in (_number(f.get("psi_threshold")) for f in shown) if t), 0.1)
    psi_bar = {"type": "bar", "orientation": "h", "x": [p or 0.0 for p in psi], "y": names, "xaxis": "x2",
               "yaxis": "y", "marker": {"color": [ALERT if (p or 0.0) >= psi_threshold else COLOURS[7] for p in psi]},
               "text": ["—" if p is None else f" {p:.3g}" for p in psi], "textposition": "outside",
               "cliponaxis": False, "showlegend": False,
               "hovertemplate": "%{y}<br>" + tr("PSI {psi}").format(psi="%{x:.3f}") + "<extra></extra>"}
    line = {"color": "#444", "dash": "dash", "width": 1.5}
    shapes = [{"type": "line", "xref": "x", "yref": "paper", "x0": 1, "x1": 1, "y0": 0, "y1": 1, "line": line},
              {"type": "line", "xref": "x2", "yref": "paper", "x0": psi_threshold, "x1": psi_threshold, "y0": 0,
               "y1": 1, "line": line}]
    annotations = [{"x": 1, "y": 1, "xref": "x", "yref": "paper", "yanchor": "bottom", "showarrow": False,
                    "text": tr("threshold"), "font": {"size": 11, "color": "#444"}},
                   {"x": psi_threshold, "y": 1, "xref": "x2", "yref": "paper", "yanchor": "bottom",
                    "showarrow": False, "text": tr("PSI threshold {value}").format(value=_num(psi_threshold)),
                    "font": {"size": 11, "color": "#444"}}]
    notes = [tr("red: drifted")]
    n_drifted = sum(1 for f in rows if f.get("drifted"))
    notes.append(tr("{n} of {total} features drifted").format(n=n_drifted, total=len(rows)))
    if len(rows) > len(shown):
        notes.append(tr("the {n} most drifted features shown").format(n=len(shown)))
    heading = _with_note(title, notes)
    hi = max(1.2, max(drawn) * 1.25)
    psi_hi = max(psi_threshold * 1.6, max((p or 0.0) for p in psi) * 1.3)
    return _figure([score_bar, psi_bar], heading, tr("drift score (1 = the test’s threshold)"), None,
                   xaxis={"domain": [0, 0.6], "range": [0, hi], "zeroline": True},
                   yaxis={"type": "category", "categoryorder": "array", "categoryarray": names,
                          "autorange": "reversed"},
                   xaxis2={"domain": [0.68, 1], "range": [0, psi_hi], "title": {"text": tr("PSI")},
                           "anchor": "y", "gridcolor": "#EBF0F8"},
                   shapes=shapes, annotations=annotations, bargap=0.3, height=_height(len(shown)),
                   margin=_margin(heading, left=max(60, min(220, 7 * max(len(n) for n in names)))))


# ---------------------------------------------------------------- drift vs importance

def _importance(importance: Any) -> dict[str, float]:
    if importance is None:
        return {}
    items = importance.items() if hasattr(importance, "items") else []
    out = {}
    for column, value in items:
        x = _number(value)
        if x is not None:
            out[str(column)] = abs(x)
    return out


def importance_share(importance: Any, column: str) -> float:
    """``column``'s share of the model's total mean |SHAP| (0 when it is not in ``importance``)."""
    weights = _importance(importance)
    total = sum(weights.values())
    return weights.get(str(column), 0.0) / total if total else 0.0


def importance_quadrant(report: Any, importance: Any, tr: Translate = _same) -> go.Figure:
    """Each feature's drift (its drift score) against how much the model relies on it (its share of the
    model's mean |SHAP|), split into four quadrants.

    The vertical split is the average share (1 / the number of features), the horizontal one the
    drift threshold (score 1). Drift in an important feature (top right, red) is what moves the
    model's predictions; drift in a feature the model hardly uses matters less. Scores are capped at
    :data:`SCORE_CAP`.

    Args:
        report: a drift report (see the module docstring).
        importance: mean |SHAP| per raw column (a Series or a mapping, e.g.
            :meth:`core.explain.service.StoredExplanation.top`), or ``None`` when the model has no
            explanation.
        tr: translates the English text templates (see the module docstring).

    Returns:
        The figure (a titled placeholder without an explanation or without a feature in both).
    """
    title = tr("Drift and importance")
    weights = _importance(importance)
    if not weights:
        return _placeholder(title, tr("No explanation of this model yet: explain it on the Explain page to see "
                                      "which drift matters."))
    rows = [f for f in feature_rows(report) if f["column"] in weights and f["score"] is not None]
    if not rows:
        return _placeholder(title, tr("No feature of the report is in the model's explanation."))
    total = sum(weights.values()) or 1.0
    shares = [weights[f["column"]] / total for f in rows]
    scores = [min(f["score"], SCORE_CAP) for f in rows]
    split_x = 1.0 / max(1, len(weights))
    hot = [s >= split_x and f.get("drifted") for s, f in zip(shares, rows, strict=True)]
    colours = [ALERT if h else (CURRENT if f.get("drifted") else PRIMARY) for h, f in zip(hot, rows, strict=True)]
    points = {"type": "scatter", "mode": "markers+text", "x": shares, "y": scores,
              "text": [_esc(f["column"]) for f in rows], "textposition": "top center",
              "marker": {"color": colours, "size": 11, "line": {"color": "white", "width": 1}},
              "customdata": [[_test_label(f.get("test"), tr), _stat_text(f, tr)] for f in rows],
              "hovertemplate": "%{text}<br>" + tr("{share} of the model's importance").format(share="%{x:.1%}")
              + "<br>%{customdata[0]}: %{customdata[1]}<extra></extra>", "showlegend": False, "cliponaxis": False}
    x_hi = max(split_x * 2.2, max(shares) * 1.15)
    y_hi = max(2.0, max(scores) * 1.15)
    line = {"color": "#888", "dash": "dash", "width": 1.2}
    shapes = [{"type": "line", "x0": split_x, "x1": split_x, "y0": -0.12 * y_hi, "y1": y_hi, "line": line},
              {"type": "line", "x0": 0, "x1": x_hi, "y0": 1, "y1": 1, "line": line},
              {"type": "rect", "x0": split_x, "x1": x_hi, "y0": 1, "y1": y_hi, "line": {"width": 0},
               "fillcolor": "rgba(214,39,40,0.07)", "layer": "below"}]
    annotations = []
    y_lo = -0.12 * y_hi  # room under the points for the lower quadrants' names
    for key, (right, top) in QUADRANTS.items():
        annotations.append({"x": x_hi if right else 0, "y": y_hi if top else y_lo,
                            "xanchor": "right" if right else "left",
                            "yanchor": "top" if top else "bottom", "showarrow": False, "text": tr(QUADRANT_LABELS[key]),
                            "font": {"size": 12, "color": ALERT if right and top else "#666"}})
    notes = [tr("dashed: the drift threshold and the average importance ({share})").format(share=f"{split_x:.1%}")]
    heading = _with_note(title, notes)
    return _figure([points], heading, tr("share of the model's importance (mean |SHAP|)"),
                   tr("drift score (1 = the test’s threshold)"),
                   xaxis={"range": [0, x_hi], "tickformat": ".0%"}, yaxis={"range": [y_lo, y_hi], "zeroline": True},
                   shapes=shapes, annotations=annotations, height=480, margin=_margin(heading))


# ---------------------------------------------------------------- over successive batches

def primary_metric(report: Any) -> tuple[str | None, float | None, float | None]:
    """The report's primary metric: ``(name, on the batch, on the holdout)`` (``None`` parts when the batch
    had no target)."""
    metrics = _field(report, "metrics") or {}
    if not isinstance(metrics, Mapping) or not metrics:
        return None, None, None
    name = metrics.get("primary") or metrics.get("metric")
    batch = metrics.get("batch") or metrics.get("current") or {}
    holdout = metrics.get("holdout") or {}
    if isinstance(batch, Mapping):
        if name is None and batch:
            name = next(iter(batch))
        value = _number(batch.get(name)) if name else None
    else:
        value = _number(batch)
    held = _number(holdout.get(name)) if isinstance(holdout, Mapping) and name else _number(holdout)
    return (str(name) if name else None), value, held


def _metric_limit(reports: Sequence[Any], metric: str) -> float | None:
    """Where the newest report with ``metric`` would alert: its holdout value minus the allowed drop (plus, for
    a loss)."""
    for r in reversed(reports):
        metrics = _field(r, "metrics") or {}
        name, _, held = primary_metric(r)
        drop = _number(metrics.get("threshold")) if isinstance(metrics, Mapping) else None
        if name == metric and held is not None and drop is not None:
            return held - drop if metrics.get("higher_is_better", True) else held + drop
    return None


def history_figure(reports: Sequence[Any], tr: Translate = _same, *, names: Mapping[str, str] | None = None,
                   metric_label: str | None = None) -> go.Figure:
    """The share of drifted features (bars) and the model's primary metric (a line, with its holdout value
    dashed) over successive batches, oldest first; a batch that alerts has a red bar.

    Args:
        reports: drift reports of one model, oldest first (one per batch: the newest of each).
        tr: translates the English text templates (see the module docstring).
        names: batch id -> the batch's name, for the axis (default: the report's date).
        metric_label: how to name the metric (default: its id, e.g. ``roc_auc``).

    Returns:
        The figure (a titled placeholder without reports).
    """
    title = tr("Drift and the model's metric over the batches")
    if not reports:
        return _placeholder(title, tr("No batch has a report yet."))
    names = names or {}
    labels, seen = [], set()
    for i, r in enumerate(reports):
        label = names.get(str(_field(r, "batch_id"))) or str(_field(r, "created_at") or "")[:16].replace("T", " ")
        label = _esc(label) or str(i + 1)
        while label in seen:  # two batches of the same name stay two bars
            label += " "
        seen.add(label)
        labels.append(label)
    shares = [_number(_field(r, "share_drifted")) or 0.0 for r in reports]
    alerts = [bool(_field(r, "alert")) for r in reports]
    bars = {"type": "bar", "x": labels, "y": shares, "name": tr("share of features drifted"),
            "marker": {"color": [ALERT if a else COLOURS[7] for a in alerts]}, "opacity": 0.75,
            "hovertemplate": "%{x}<br>" + tr("{share} of features drifted").format(share="%{y:.0%}")
            + "<extra></extra>"}
    traces: list[dict[str, Any]] = [bars]
    shapes = []
    settings = _field(reports[-1], "settings") or {}
    limit = _number(settings.get("drift_share")) if isinstance(settings, Mapping) else None
    if limit is not None:
        shapes.append({"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": limit, "y1": limit,
                       "line": {"color": ALERT, "dash": "dot", "width": 1.5}})
    found = [primary_metric(r) for r in reports]
    metric = next((m for m, _, _ in found if m), None)
    layout: dict[str, Any] = {}
    notes = [tr("red bars: batches that alert")]
    if limit is not None:
        notes.append(tr("dotted: the alert threshold ({share} of features)").format(share=f"{limit:.0%}"))
    if metric:
        shown = _esc(metric_label or metric)
        values = [v if m == metric else None for m, v, _ in found]
        held = [h if m == metric else None for m, _, h in found]
        traces.append({"type": "scatter", "mode": "lines+markers", "x": labels, "y": values, "yaxis": "y2",
                       "name": tr("{metric} on the batch").format(metric=shown), "connectgaps": True,
                       "line": {"color": PRIMARY, "width": 2.5}, "marker": {"size": 8},
                       "hovertemplate": "%{x}<br>" + shown + " %{y:.4f}<extra></extra>"})
        if any(h is not None for h in held):
            traces.append({"type": "scatter", "mode": "lines", "x": labels, "y": held, "yaxis": "y2",
                           "name": tr("{metric} on the held-out rows").format(metric=shown), "connectgaps": True,
                           "line": {"color": PRIMARY, "dash": "dash", "width": 1.5},
                           "hovertemplate": "%{x}<br>" + shown + " %{y:.4f}<extra></extra>"})
        limit_line = _metric_limit(reports, metric)
        if limit_line is not None:
            traces.append({"type": "scatter", "mode": "lines", "x": [labels[0], labels[-1]],
                           "y": [limit_line, limit_line], "yaxis": "y2",
                           "name": tr("{metric}: the alert threshold").format(metric=shown),
                           "line": {"color": ALERT, "dash": "dot", "width": 1.5}, "hoverinfo": "skip"})
        layout["yaxis2"] = {"title": {"text": shown}, "overlaying": "y", "side": "right", "showgrid": False}
        if not any(v is not None for v in values):
            notes.append(tr("no batch has the target, so there is no metric to draw"))
    else:
        notes.append(tr("no batch has the target, so there is no metric to draw"))
    heading = _with_note(title, notes)
    below = {"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0, "xanchor": "left"}  # long names: under it
    margin = {**_margin(heading, right=70), "b": 120}
    return _figure(traces, heading, tr("batch"), tr("share of features drifted"),
                   xaxis={"type": "category"}, yaxis={"tickformat": ".0%", "range": [0, 1.05]}, shapes=shapes,
                   height=480, legend=below, margin=margin, **layout)
