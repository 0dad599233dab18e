"""Plotly figures of the Explain step: SHAP importance, beeswarm, dependence, waterfall, two models
side by side, and a model's structure-based importance. Plain functions: data in, figure out.

They read like shap's own plots (same colours: red ``#ff0051`` raises the output, blue ``#008bfb``
lowers it; the beeswarm's colour runs from blue for a column's low values to red for its high
ones) and follow :mod:`core.data.charts` and :mod:`core.evaluation.charts`, whose helpers they
use: every figure is titled and has labelled axes; every public function takes ``tr``, which
translates an English text template before its values are filled in (a page passes
``ui.i18n.tk``; the Korean lives in ``ui/locale/ko_explain_charts.py``); user text (column names,
values, class and model names) is HTML-escaped, so ``<b>x</b>`` reads as written. Plotly is
imported on first use.

Inputs are an :class:`~core.explain.explainers.Explanation` (SHAP values per raw input column),
an importance :class:`pandas.Series`, a frame of two models' importance, or a
:class:`~core.explain.explainers.Structure`. Empty input (no rows, no columns, no structure)
gives a titled figure whose annotation says what is missing, never an exception.

Example:
    >>> fig = waterfall(expl, 3, prediction_text="P(yes) = 0.83")
    >>> fig.data[0].x[0] == expl.base_values[0]
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from core.data.charts import COLOURS, Translate, _esc, _figure, _num, _placeholder, _same, colour_map
from core.errors import InvalidInput
from core.evaluation.charts import _with_note

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from core.explain.explainers import Explanation, Structure

__all__ = [
    "MAX_POINTS", "NEGATIVE", "POSITIVE", "SHAP_SCALE", "beeswarm", "compare_importance", "dependence",
    "importance_bar", "strongest_interaction", "structure_bar", "waterfall",
]

POSITIVE = "#ff0051"   # shap's red: raises the model output
NEGATIVE = "#008bfb"   # shap's blue: lowers it
MISSING = "#b0b0b0"    # points whose value is missing
TOTAL = "#7f7f7f"      # base value and prediction bars of a waterfall
SHAP_SCALE = [[0.0, "#008bfb"], [0.25, "#6374f8"], [0.5, "#c44fd4"], [0.75, "#f60798"], [1.0, "#ff0051"]]
"""shap's blue-to-red colour map (interpolated in LCh like shap's ``red_blue``), for low to high values."""
MAX_POINTS = 4000
"""At most this many rows on a dependence plot (a seeded sample beyond it)."""
INTERACTION_ROWS = 10_000
"""Rows :func:`strongest_interaction` looks at (a seeded sample beyond it, like shap's)."""
MAX_CATEGORY_TRACES = 12
"""A categorical colour column with at most this many values gets one legend entry per value."""
ZERO_LINE = {"color": "#888", "width": 1}
VALUE_CHARS = 24       # a text value longer than this is cut in a waterfall label

# What an explanation's values are in (Explanation.units), named through ``tr``.
UNIT_LABELS = {"log-odds": "log-odds", "probability": "probability", "decision value": "decision value",
               "value": "the target's units"}
# The notes core.explain.explainers writes on a Structure, named through ``tr`` (others are shown as written).
STRUCTURE_NOTES = {note: note for note in (
    "Share of the total split gain of the trees that splits on each column made.",
    "Share of the impurity decrease over the forest's splits (computed on the training rows).",
    "Coefficients per standard deviation of a numeric column (the model standardises them), "
    "and per category for one-hot encoded columns; the column total sums their sizes.",
)}


# ---------------------------------------------------------------- shared pieces

def _units(units: str, tr: Translate) -> str:
    return tr(UNIT_LABELS[units]) if units in UNIT_LABELS else _esc(units)


def _output(expl: Explanation, output: int | None) -> int:
    """The output's index, checked (None means the only output)."""
    k = len(expl.outputs)
    if output is None:
        output = 0
    if not 0 <= int(output) < max(k, 1):
        raise InvalidInput(f"Output {output} is out of range: this explanation has {k}.",
                           hint=f"Use 0 to {k - 1} ({', '.join(map(str, expl.outputs))}).")
    return int(output)


def _is_empty(expl: Explanation) -> bool:
    return expl.values.size == 0 or not expl.columns or not expl.outputs


def _kind(series: pd.Series) -> str:
    """``numeric``, ``datetime`` or ``categorical`` (text, categories and booleans)."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "categorical"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_numeric_dtype(dtype):
        return "numeric"
    return "categorical"


def _categories(series: pd.Series) -> list[Any]:
    """The column's categories in their order: a Categorical's own, else the values sorted as text."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return list(series.cat.categories)
    present = pd.unique(series.dropna())
    return sorted(present, key=lambda v: (str(v), repr(v)))


def _encode(series: pd.Series) -> tuple[np.ndarray, list[Any] | None]:
    """The column as floats (NaN where missing): numbers as they are, dates as nanoseconds since
    1970, categories (text, booleans) as their position in :func:`_categories` (returned too)."""
    kind = _kind(series)
    missing = series.isna().to_numpy()
    if kind == "numeric":
        return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan), None
    if kind == "datetime":
        s = series.dt.tz_convert(None) if getattr(series.dt, "tz", None) is not None else series
        ns = s.to_numpy(dtype="datetime64[ns]").astype("int64").astype(float)
        return np.where(missing, np.nan, ns), None
    cats = _categories(series)
    index = {c: i for i, c in enumerate(cats)}
    codes = np.array([np.nan if m else index.get(v, np.nan) for v, m in zip(series.tolist(), missing, strict=True)],
                     dtype=float)
    return codes, cats


def _value_text(value: Any, tr: Translate) -> str:
    """A raw value for a label, compact and escaped: ``3.142``, ``20,530``, ``2024-05-01``, ``pro``."""
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return tr("missing")
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        x = float(value)
        return f"{int(x):,}" if x.is_integer() and abs(x) < 1e15 else _num(x)
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        ts = pd.Timestamp(value)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.strftime("%Y-%m-%d %H:%M")
    text = str(value)
    return _esc(text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS - 1] + "…")


def _short(x: float) -> str:
    """A bar's value label: three significant digits (``0.604``, ``1.23``, ``20,530``)."""
    return _num(x) if abs(x) >= 1e4 else f"{x:.3g}"


def _signed(x: float) -> str:
    return ("+" if x >= 0 else "−") + _short(abs(x))


def _wrap(text: str, width: int = 80) -> str:
    """A long (escaped) note broken into lines of about ``width`` columns, for a subtitle that must fit
    a half-width chart (a Hangul syllable counts as two columns)."""
    def size(word: str) -> int:
        return sum(2 if "\u1100" <= ch <= "\ud7a3" else 1 for ch in word)

    lines, line = [], ""
    for word in text.split(" "):
        if line and size(line) + 1 + size(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "<br>".join([*lines, line])


def _row_label(expl: Explanation, position: int) -> str:
    return _esc(expl.data.index[position]) if len(expl.data.index) > position else str(position)


def _colour_scale(codes: np.ndarray) -> np.ndarray:
    """Values scaled to 0..1 between the column's 5th and 95th percentiles (like shap), NaN kept."""
    finite = codes[np.isfinite(codes)]
    if finite.size == 0:
        return codes
    lo, hi = np.percentile(finite, [5, 95])
    if hi <= lo:
        lo, hi = float(finite.min()), float(finite.max())
    if hi <= lo:
        return np.where(np.isfinite(codes), 0.5, np.nan)
    return np.clip((codes - lo) / (hi - lo), 0.0, 1.0)


def _density_offsets(shap: np.ndarray, rng: np.random.Generator, half_height: float = 0.4) -> np.ndarray:
    """Vertical offsets that spread points with similar values (shap's beeswarm layering).

    Values are cut into 100 bins; within a bin the points alternate above and below the row
    (0, +1, -1, +2, ...), so a row is as thick as its values are dense.
    """
    n = len(shap)
    if n == 0:
        return np.zeros(0)
    lo, hi = float(np.min(shap)), float(np.max(shap))
    quant = np.round(100 * (shap - lo) / (hi - lo + 1e-8))
    order = np.lexsort((rng.random(n), quant))
    sorted_bins = quant[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_bins)) + 1]
    lengths = np.diff(np.r_[starts, n])
    layer = np.arange(n) - np.repeat(starts, lengths)
    ys = np.empty(n)
    ys[order] = np.ceil(layer / 2) * np.where(layer % 2 == 1, 1.0, -1.0)
    return ys * (0.9 * half_height / (np.max(np.abs(ys)) + 1))


def _signed_range(values: Sequence[float]) -> dict[str, Any]:
    """An axis range with room for the value labels outside bars on both sides of zero."""
    lo, hi = min(0.0, *values), max(0.0, *values)
    pad = 0.4 * ((hi - lo) or 1.0)  # a half-width chart has little room per unit
    return {"range": [lo - pad if lo < 0 else lo, hi + pad if hi > 0 else hi]}


def _zero_line(axis: Literal["x", "y"]) -> dict[str, Any]:
    if axis == "x":
        return {"type": "line", "x0": 0, "x1": 0, "xref": "x", "y0": 0, "y1": 1, "yref": "paper", "line": ZERO_LINE,
                "layer": "below"}
    return {"type": "line", "x0": 0, "x1": 1, "xref": "paper", "y0": 0, "y1": 0, "yref": "y", "line": ZERO_LINE,
            "layer": "below"}


def _margin(title: str, *, right: int = 20, legend_on_top: bool = False) -> dict[str, int]:
    """Room above the plot for the title's lines (and a legend over the plot)."""
    lines = title.count("<br>") + 1
    return {"l": 60, "r": right, "t": 44 + 20 * lines + (28 if legend_on_top else 0), "b": 60}


def _height(rows: int, per_row: int = 28, base: int = 140) -> int:
    return max(240, min(1400, base + per_row * rows))


def _sample_note(shown: int, total: int, tr: Translate) -> list[str]:
    if shown >= total:
        return []
    return [tr("a random sample of {n} of {total} rows (seed 0)").format(n=f"{shown:,}", total=f"{total:,}")]


def _bars(names: list[str], values: list[float], order_note: list[str], title: str, x_title: str,
          colours: list[str] | str, texts: list[str], hover: str, **layout: Any) -> go.Figure:
    """Horizontal bars, the first name on top."""
    trace = {"type": "bar", "orientation": "h", "x": values, "y": names, "marker": {"color": colours},
             "text": texts, "textposition": "outside", "cliponaxis": False, "hovertemplate": hover}
    heading = _with_note(title, order_note)
    return _figure([trace], heading, x_title, None,
                   yaxis={"type": "category", "categoryorder": "array", "categoryarray": names,
                          "autorange": "reversed"},
                   height=_height(len(names)), showlegend=False, bargap=0.3, margin=_margin(heading, right=60),
                   **layout)


# ---------------------------------------------------------------- global

def importance_bar(importance: pd.Series, *, title: str | None = None, units: str = "",
                   tr: Translate = _same, top: int = 20) -> go.Figure:
    """Mean |SHAP value| per column as horizontal bars, the most important on top (shap's bar plot).

    Beyond ``top`` columns the rest are summed into one grey bar, "other N columns".

    Args:
        importance: raw column -> mean |SHAP value| (:meth:`Explanation.importance`), any order.
        title: the figure title, shown as given (escaped); default "Feature importance".
        units: the explanation's units (``log-odds``, ``probability``, ...), for the axis title.
        tr: translates the English text templates (see the module docstring).
        top: how many columns get a bar of their own.

    Returns:
        The figure (a titled placeholder when there is no importance).
    """
    title = tr("Feature importance (mean |SHAP value|)") if title is None else _esc(title)
    scores = pd.to_numeric(importance, errors="coerce").dropna()
    if scores.empty:
        return _placeholder(title, tr("No importance to show: explain some rows first."))
    scores = scores.sort_values(ascending=False, kind="stable")
    shown = scores.iloc[:top] if len(scores) > top + 1 else scores
    names = [_esc(c) for c in shown.index]
    values = [float(v) for v in shown]
    colours = [POSITIVE] * len(values)
    notes = []
    if len(shown) < len(scores):
        rest = scores.iloc[len(shown):]
        names.append(tr("other {n} columns").format(n=len(rest)))
        values.append(float(rest.sum()))
        colours.append(TOTAL)
        notes.append(tr("top {n} of {total} columns").format(n=len(shown), total=len(scores)))
    x_title = (tr("mean |SHAP value| ({units})").format(units=_units(units, tr)) if units
               else tr("mean |SHAP value|"))
    hover = "%{y}<br>" + tr("mean |SHAP value| {value}").format(value="%{x:.4g}") + "<extra></extra>"
    return _bars(names, values, notes, title, x_title, colours, [_short(v) for v in values], hover,
                 xaxis={"rangemode": "tozero"})


def beeswarm(expl: Explanation, output: int | None = 0, *, top: int = 15, tr: Translate = _same,
             max_points: int = 2000) -> go.Figure:
    """Every row's SHAP value per column, one row of points per column (shap's beeswarm).

    Columns are the ``top`` most important for this output, the most important on top. Each
    point is a row: x its SHAP value for the column, spread vertically where values are dense,
    coloured by the column's value scaled within the column (blue low, red high, between its
    5th and 95th percentiles; categories by their position, the category shown on hover; grey
    where missing). A vertical line marks zero.

    Args:
        expl: the explanation.
        output: which output (class) to draw, an index into ``expl.outputs``; None: the only one
            (a multiclass explanation asks for a class instead).
        top: how many columns to draw.
        tr: translates the English text templates (see the module docstring).
        max_points: at most this many rows (a seeded random sample beyond it, said under the title).

    Returns:
        The figure (a titled placeholder without rows or columns).

    Raises:
        InvalidInput: if ``output`` is out of range.
    """
    if output is None and len(expl.outputs) > 1:
        return _placeholder(tr("SHAP values"), tr("Choose a class: a beeswarm shows the SHAP values of one class."))
    if _is_empty(expl):
        return _placeholder(tr("SHAP values"), tr("No rows explained yet."))
    o = _output(expl, output)
    title = (tr("SHAP values for {output}") if expl.units == "value"
             else tr("SHAP values for class {output}")).format(output=_esc(expl.outputs[o]))
    n = expl.values.shape[0]
    rows = np.arange(n)
    if n > max_points:
        rows = np.sort(np.random.default_rng(0).choice(n, max_points, replace=False))
    values = expl.values[:, :, o]
    order = np.argsort(-np.abs(values).mean(axis=0), kind="stable")[:top]
    k = len(order)
    rng = np.random.default_rng(0)
    labels = np.array([_esc(i) for i in expl.data.index[rows]], dtype=object)
    parts = []  # per column: shap, y, colour (NaN where missing), hover texts
    for rank, j in enumerate(order):
        column = expl.columns[j]
        series = expl.data[column].iloc[rows]
        shap = values[rows, j]
        codes, _ = _encode(series)
        texts = np.array([_value_text(v, tr) for v in series.tolist()], dtype=object)
        custom = np.column_stack([np.full(len(rows), _esc(column), dtype=object), texts, labels])
        parts.append((shap, (k - 1 - rank) + _density_offsets(shap, rng), _colour_scale(codes), custom))
    xs, ys, colours = (np.concatenate([p[i] for p in parts]) for i in range(3))
    custom = np.concatenate([p[3] for p in parts])
    missing = ~np.isfinite(colours)
    keep = ~missing
    hover = ("<b>%{customdata[0]}</b> = %{customdata[1]}<br>" + tr("row {row}").format(row="%{customdata[2]}")
             + "<br>" + tr("SHAP value {value}").format(value="%{x:.4g}") + "<extra></extra>")
    traces = [{"type": "scatter", "mode": "markers", "x": xs[keep], "y": ys[keep], "customdata": custom[keep],
               "hovertemplate": hover, "name": tr("feature value"), "showlegend": False,
               "marker": {"color": colours[keep], "colorscale": SHAP_SCALE, "cmin": 0, "cmax": 1, "size": 5, "opacity": 0.85,
                          "showscale": True,
                          "colorbar": {"title": {"text": tr("feature value"), "side": "right"}, "tickvals": [0, 1],
                                       "ticktext": [tr("low"), tr("high")], "tickangle": 0, "thickness": 12, "len": 0.6,
                                       "outlinewidth": 0}}}]
    if missing.any():
        traces.append({"type": "scatter", "mode": "markers", "x": xs[missing], "y": ys[missing],
                       "customdata": custom[missing],
                       "hovertemplate": hover, "name": tr("missing value"),
                       "marker": {"color": MISSING, "size": 5, "opacity": 0.85}})
    notes = [tr("each point is a row; colour: the column's value, low to high within the column")]
    notes += _sample_note(len(rows), n, tr)
    if len(expl.columns) > k:
        notes.append(tr("top {n} of {total} columns").format(n=k, total=len(expl.columns)))
    names = [_esc(expl.columns[j]) for j in order]
    heading = _with_note(title, notes)
    return _figure(traces, heading, tr("SHAP value ({units})").format(units=_units(expl.units, tr)),
                   None, yaxis={"tickmode": "array", "tickvals": list(range(k - 1, -1, -1)), "ticktext": names,
                                "range": [-0.6, k - 0.4], "zeroline": False, "showgrid": True},
                   xaxis={"zeroline": False}, shapes=[_zero_line("x")], height=_height(k, 40, 150),
                   legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "xanchor": "left"},
                   margin=_margin(heading))


def strongest_interaction(expl: Explanation, column: str, output: int = 0) -> str | None:
    """The column whose value best explains the spread of ``column``'s SHAP values (shap's heuristic).

    Like ``shap.utils.approximate_interactions``, on raw columns: the rows are sorted by
    ``column``'s value and cut into bins (a tenth of the rows, at most 50 per bin); in each
    bin, the absolute correlation between ``column``'s SHAP values and another column's value
    is summed. Categories count by their position, dates as time; missing values (of either
    column) are left out. Deterministic: beyond :data:`INTERACTION_ROWS` rows a seeded sample.

    Args:
        expl: the explanation.
        column: the column whose SHAP values are looked at.
        output: which output (class), an index into ``expl.outputs``.

    Returns:
        The other column with the highest score, or None when no other column relates at all
        (or there are too few rows).

    Raises:
        InvalidInput: if ``column`` is not one of the explanation's columns, or ``output`` is out of range.
    """
    j = _column_index(expl, column)
    if _is_empty(expl) or len(expl.columns) < 2:
        return None
    o = _output(expl, output)
    n = expl.values.shape[0]
    rows = np.arange(n)
    if n > INTERACTION_ROWS:
        rows = np.sort(np.random.default_rng(0).choice(n, INTERACTION_ROWS, replace=False))
    x, _ = _encode(expl.data[column].iloc[rows])
    keep = np.isfinite(x)
    rows, x = rows[keep], x[keep]
    m = len(rows)
    if m < 3:
        return None
    srt = np.argsort(x, kind="stable")
    shap_ref = expl.values[rows, j, o][srt]
    inc = max(min(m // 10, 50), 1)
    bins = -(-m // inc)
    best, best_score = None, 0.0
    for i, other in enumerate(expl.columns):
        if i == j:
            continue
        v, _ = _encode(expl.data[other].iloc[rows])
        score = _binned_correlation(shap_ref, v[srt], inc, bins)
        if score > best_score + 1e-12:
            best, best_score = other, score
    return best


def _binned_correlation(ref: np.ndarray, other: np.ndarray, inc: int, bins: int) -> float:
    """Sum over consecutive bins of ``inc`` rows of |corr(ref, other)|, rows where ``other`` is missing left out."""
    pad = bins * inc - len(ref)
    a = np.r_[ref, np.full(pad, np.nan)].reshape(bins, inc)
    b = np.r_[other, np.full(pad, np.nan)].reshape(bins, inc)
    ok = np.isfinite(a) & np.isfinite(b)
    count = ok.sum(axis=1)
    a0, b0 = np.where(ok, a, 0.0), np.where(ok, b, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ma = a0.sum(axis=1) / count
        mb = b0.sum(axis=1) / count
        da = np.where(ok, a - ma[:, None], 0.0)
        db = np.where(ok, b - mb[:, None], 0.0)
        cov = (da * db).sum(axis=1)
        va, vb = (da * da).sum(axis=1), (db * db).sum(axis=1)
        scale = np.maximum(np.abs(a0).max(axis=1), 1e-300) ** 2
        scale_b = np.maximum(np.abs(b0).max(axis=1), 1e-300) ** 2
        usable = (count >= 2) & (va > 1e-24 * scale * count) & (vb > 1e-24 * scale_b * count)
        r = np.where(usable, np.abs(cov) / np.sqrt(np.where(usable, va * vb, 1.0)), 0.0)
    return float(np.clip(r, 0.0, 1.0).sum())


def _column_index(expl: Explanation, column: str) -> int:
    if column not in expl.columns:
        shown = ", ".join(map(str, expl.columns[:8])) + (", ..." if len(expl.columns) > 8 else "")
        raise InvalidInput(f"'{column}' is not a column of this explanation.", hint=f"Use one of: {shown}.")
    return expl.columns.index(column)


def _axis_values(series: pd.Series, rng: np.random.Generator, tr: Translate
                 ) -> tuple[list[Any], dict[str, Any], np.ndarray]:
    """x values of a dependence plot, its axis settings and which rows have a value.

    Numbers as they are, dates as dates, categories at their position with some jitter
    (ticks name them; a category axis cannot jitter).
    """
    kind = _kind(series)
    present = series.notna().to_numpy()
    if kind == "datetime":
        return series.tolist(), {"type": "date"}, present
    if kind == "numeric":
        return pd.to_numeric(series, errors="coerce").astype(float).tolist(), {}, present
    codes, cats = _encode(series)
    cats = cats or []
    jittered = codes + rng.uniform(-0.25, 0.25, len(codes))
    return jittered.tolist(), {"tickmode": "array", "tickvals": list(range(len(cats))),
                               "ticktext": [_value_text(c, tr) for c in cats], "range": [-0.6, len(cats) - 0.4],
                               "showgrid": False, "zeroline": False}, present


def _colour_traces(series: pd.Series, xs: list[Any], ys: np.ndarray, custom: list[list[str]], hover: str,
                   name: str, tr: Translate) -> list[dict[str, Any]]:
    """The points coloured by the interaction column: a legend entry per category (few of them), else a
    colour bar (numbers: their own values, 5th to 95th percentile; dates: first and last date)."""
    kind = _kind(series)
    codes, cats = _encode(series)
    missing = ~np.isfinite(codes)
    traces = []

    def points(mask: np.ndarray) -> dict[str, Any]:
        idx = np.flatnonzero(mask)
        return {"type": "scatter", "mode": "markers", "x": [xs[i] for i in idx], "y": ys[idx].tolist(),
                "customdata": [custom[i] for i in idx], "hovertemplate": hover}

    if kind == "categorical" and cats is not None and len(cats) <= MAX_CATEGORY_TRACES:
        palette = colour_map(map(str, cats))
        for code, cat in enumerate(cats):
            mask = codes == code
            if mask.any():
                traces.append({**points(mask), "name": _value_text(cat, tr),
                               "marker": {"color": palette[str(cat)], "size": 6, "opacity": 0.8}})
    else:
        finite = codes[np.isfinite(codes)]
        lo, hi = (np.percentile(finite, [5, 95]) if finite.size else (0.0, 1.0))
        if hi <= lo:
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if hi <= lo:
            hi = lo + 1.0
        bar: dict[str, Any] = {"title": {"text": name, "side": "right"}, "tickangle": 0, "thickness": 12, "len": 0.7,
                               "outlinewidth": 0}
        if kind == "datetime":
            ticks = np.linspace(lo, hi, 3)
            bar.update(tickvals=ticks.tolist(), ticktext=[_value_text(pd.Timestamp(int(t)), tr) for t in ticks])
        elif kind == "categorical":
            bar.update(tickvals=[lo, hi], ticktext=[_value_text(cats[int(lo)], tr), _value_text(cats[int(hi)], tr)])
        traces.append({**points(~missing), "name": name, "showlegend": False,
                       "marker": {"color": codes[~missing].tolist(), "colorscale": SHAP_SCALE, "cmin": float(lo),
                                  "cmax": float(hi), "size": 6, "opacity": 0.8, "showscale": True, "colorbar": bar}})
    if missing.any():
        traces.append({**points(missing), "name": tr("missing value"),
                       "marker": {"color": MISSING, "size": 6, "opacity": 0.8}})
    return traces


def dependence(expl: Explanation, column: str, output: int = 0, *,
               interaction: str | None | Literal["auto"] = "auto", tr: Translate = _same,
               max_points: int = MAX_POINTS) -> go.Figure:
    """How one column's value moves its SHAP value (shap's dependence / scatter plot).

    x is the column's value (numbers on a numeric axis, dates as dates, categories side by side
    with some jitter), y its SHAP value for the output; points are coloured by an interaction
    column, named under the title. Rows where the column is missing are left out (and counted).

    Args:
        expl: the explanation.
        column: the column to draw.
        output: which output (class), an index into ``expl.outputs``.
        interaction: the column to colour by; ``"auto"``: :func:`strongest_interaction`; None: no colour.
        tr: translates the English text templates (see the module docstring).
        max_points: at most this many rows (a seeded random sample beyond it, said under the title).

    Returns:
        The figure (a titled placeholder without rows).

    Raises:
        InvalidInput: if ``column`` or ``interaction`` is not a column of the explanation, or
            ``output`` is out of range.
    """
    j = _column_index(expl, column)
    name = _esc(column)
    title = tr("How {column} moves the prediction").format(column=name)
    if _is_empty(expl):
        return _placeholder(title, tr("No rows explained yet."))
    o = _output(expl, output)
    auto = interaction == "auto"
    if auto:
        interaction = strongest_interaction(expl, column, o)
    elif interaction is not None:
        _column_index(expl, interaction)
        if interaction == column:
            interaction = None
    n = expl.values.shape[0]
    rows = np.arange(n)
    if n > max_points:
        rows = np.sort(np.random.default_rng(0).choice(n, max_points, replace=False))
    series = expl.data[column].iloc[rows]
    rng = np.random.default_rng(0)
    xs, xaxis, present = _axis_values(series, rng, tr)
    keep = np.flatnonzero(present)
    xs = [xs[i] for i in keep]
    ys = expl.values[rows[keep], j, o]
    shown = series.iloc[keep]
    labels = [_esc(i) for i in shown.index]
    texts = [_value_text(v, tr) for v in shown.tolist()]
    hover = ("<b>" + name + "</b> = %{customdata[1]}<br>" + tr("row {row}").format(row="%{customdata[0]}")
             + "<br>" + tr("SHAP value {value}").format(value="%{y:.4g}"))
    notes = []
    legend_title = ""
    if interaction is None:
        custom = [[lab, txt] for lab, txt in zip(labels, texts, strict=True)]
        traces = [{"type": "scatter", "mode": "markers", "x": xs, "y": ys.tolist(), "customdata": custom,
                   "hovertemplate": hover + "<extra></extra>", "name": name, "showlegend": False,
                   "marker": {"color": NEGATIVE, "size": 6, "opacity": 0.7}}]
        if auto:
            notes.append(tr("no other column seems to interact with it"))
    else:
        inter = expl.data[interaction].iloc[rows[keep]]
        iname = legend_title = _esc(interaction)
        custom = [[lab, txt, _value_text(v, tr)] for lab, txt, v in zip(labels, texts, inter.tolist(), strict=True)]
        hover += "<br>" + iname + " = %{customdata[2]}<extra></extra>"
        traces = _colour_traces(inter, xs, ys, custom, hover, iname, tr)
        notes.append((tr("colour: {column}, the column that seems to interact most") if auto
                      else tr("colour: {column}")).format(column=iname))
    notes += _sample_note(len(rows), n, tr)
    if len(keep) < len(rows):
        notes.append(tr("rows where {column} is missing, not shown: {n}").format(column=name, n=len(rows) - len(keep)))
    if len(expl.outputs) > 1:
        notes.insert(0, tr("class {output}").format(output=_esc(expl.outputs[o])))
    y_title = tr("SHAP value of {column} ({units})").format(column=name, units=_units(expl.units, tr))
    heading = _with_note(title, notes)
    return _figure(traces, heading, name, y_title, xaxis=xaxis, shapes=[_zero_line("y")],
                   height=460, legend={"title": {"text": legend_title}}, margin=_margin(heading))


# ---------------------------------------------------------------- local

def waterfall(expl: Explanation, position: int, output: int = 0, *, max_display: int = 12, tr: Translate = _same,
              title: str | None = None, prediction_text: str | None = None, units: str | None = None) -> go.Figure:
    """One row's prediction built up from the base value, column by column (shap's waterfall).

    From the bottom: the base value E[f(x)] (the expected output), then each column's SHAP
    value, the largest on top; beyond ``max_display`` bars the smallest columns are summed into
    one bar, "other N columns"; at the top, the row's output f(x) = base + all contributions.
    Each bar is labelled "column = value"; red bars raise the output, blue ones lower it.

    Args:
        expl: the explanation.
        position: the row, by its position in ``expl.data`` (0..n-1).
        output: which output (class), an index into ``expl.outputs``.
        max_display: at most this many column bars (counting the "other" bar).
        tr: translates the English text templates (see the module docstring).
        title: the figure title, shown as given (escaped); default names the row.
        prediction_text: what the model predicts, in words (``"P(yes) = 0.83"``), shown under the
            title as given (escaped).
        units: the units for the axis title instead of the explanation's own: a units name
            (``log-odds``...) is translated, any other text shown as given (escaped).

    Returns:
        The figure (a titled placeholder without rows).

    Raises:
        InvalidInput: if ``position`` or ``output`` is out of range.
    """
    if _is_empty(expl):
        return _placeholder(tr("Why this prediction") if title is None else _esc(title), tr("No rows explained yet."))
    n = expl.values.shape[0]
    if not 0 <= int(position) < n:
        raise InvalidInput(f"Row position {position} is out of range: {n} rows were explained.",
                           hint=f"Use a position from 0 to {n - 1}.")
    position = int(position)
    o = _output(expl, output)
    base = float(expl.base_values[o])
    contrib = expl.values[position, :, o].astype(float)
    total = base + float(contrib.sum())
    order = np.argsort(-np.abs(contrib), kind="stable")
    keep = max(int(max_display), 1)
    shown, rest = (order, order[:0]) if len(order) <= keep else (order[:keep - 1], order[keep - 1:])
    row = expl.data.iloc[position]
    labels = [f"{_esc(expl.columns[j])} = {_value_text(row[expl.columns[j]], tr)}" for j in shown]
    values = [float(contrib[j]) for j in shown]
    if len(rest):
        labels.append(tr("other {n} columns").format(n=len(rest)))
        values.append(float(contrib[rest].sum()))
    # bottom to top: base, the smallest contributions ... the largest, the output. The bars start at
    # the base value (``base``), so a base far from zero does not push the bars off the axis.
    labels, values = labels[::-1], values[::-1]
    ys = [tr("base value E[f(x)]"), *labels, tr("this row's output f(x)")]
    steps = np.cumsum([base, *values])
    texts = [_num(base), *(_signed(v) for v in values), _num(total)]
    hover = [tr("base value {value}").format(value=_num(base)),
             *(lab + "<br>" + tr("contribution {value}").format(value=_signed(v))
               for lab, v in zip(labels, values, strict=True)),
             tr("output {value}").format(value=_num(total))]
    trace = {"type": "waterfall", "orientation": "h", "base": base,
             "measure": ["absolute", *["relative"] * len(values), "total"],
             "x": [0.0, *values, total - base], "y": ys, "text": texts, "textposition": "outside", "cliponaxis": False,
             "customdata": hover, "hovertemplate": "%{customdata}<extra></extra>",
             "increasing": {"marker": {"color": POSITIVE}}, "decreasing": {"marker": {"color": NEGATIVE}},
             "totals": {"marker": {"color": TOTAL}},
             "connector": {"line": {"color": "#bbb", "width": 1, "dash": "dot"}}}
    heading = (tr("Why row {row} gets its prediction").format(row=_row_label(expl, position)) if title is None
               else _esc(title))
    notes = []
    if prediction_text:
        notes.append(_esc(prediction_text))
    if len(expl.outputs) > 1:
        notes.append(tr("class {output}").format(output=_esc(expl.outputs[o])))
    notes.append(tr("red raises the output, blue lowers it"))
    lo, hi = float(min(steps.min(), total)), float(max(steps.max(), total))
    pad = 0.3 * ((hi - lo) or abs(hi) or 1.0)  # room for the labels outside the end bars, even at half width
    base_line = {"type": "line", "x0": base, "x1": base, "xref": "x", "y0": 0, "y1": 1, "yref": "paper",
                 "line": {"color": "#999", "width": 1, "dash": "dot"}, "layer": "below"}
    heading = _with_note(heading, notes)
    return _figure([trace], heading,
                   tr("model output ({units})").format(units=_units(expl.units if units is None else units, tr)),
                   None,
                   yaxis={"type": "category", "categoryorder": "array", "categoryarray": ys},
                   xaxis={"range": [lo - pad, hi + pad], "zeroline": False}, shapes=[base_line],
                   height=_height(len(ys), 30, 150), showlegend=False, margin=_margin(heading, right=40))


# ---------------------------------------------------------------- two models, structure

def compare_importance(frame: pd.DataFrame, labels: tuple[str, str], *, top: int = 20, tr: Translate = _same,
                       units: tuple[str, str] | None = None) -> go.Figure:
    """Two models' mean |SHAP value| per column, side by side (grouped horizontal bars).

    Columns are the union of both models', ordered by the first model (most important on top;
    columns only the second has come after, by its importance). A column a model does not use
    has no bar for it.

    Args:
        frame: columns ``column``, ``<label a>``, ``<label b>`` (``core.explain.service.compare_importance``).
        labels: the two models' labels, as the frame's columns (legend entries).
        top: how many columns to draw.
        tr: translates the English text templates (see the module docstring).
        units: the two explanations' units, if known: when they differ, a note says to compare the order only.

    Returns:
        The figure (a titled placeholder when the frame has no row).

    Raises:
        InvalidInput: if the frame lacks ``column`` or a label's column.
    """
    title = tr("Feature importance of two models")
    a, b = labels
    for needed in ("column", a, b):
        if needed not in frame.columns:
            raise InvalidInput(f"The importance frame has no column '{needed}'.",
                               hint="Pass the frame core.explain.service.compare_importance returns.")
    if frame.empty:
        return _placeholder(title, tr("No importance to compare: explain both models first."))
    data = frame.assign(_a=pd.to_numeric(frame[a], errors="coerce"), _b=pd.to_numeric(frame[b], errors="coerce"))
    data = data.sort_values(["_a", "_b"], ascending=False, na_position="last", kind="stable")
    shown = data.iloc[:top]
    names = [_esc(c) for c in shown["column"]]
    notes = []
    if units and units[0] != units[1]:
        notes.append(tr("the models' values are in different units ({a}, {b}): compare the order, not the lengths")
                     .format(a=_units(units[0], tr), b=_units(units[1], tr)))
    if len(data) > len(shown):
        notes.append(tr("top {n} of {total} columns").format(n=len(shown), total=len(data)))
    traces = []
    for key, label, colour in (("_a", a, COLOURS[0]), ("_b", b, COLOURS[1])):
        vals = [None if pd.isna(v) else float(v) for v in shown[key]]
        traces.append({"type": "bar", "orientation": "h", "name": _esc(label), "x": vals, "y": names,
                       "marker": {"color": colour}, "text": ["" if v is None else _short(v) for v in vals],
                       "textposition": "outside", "cliponaxis": False,
                       "hovertemplate": _esc(label) + "<br>%{y}<br>"
                       + tr("mean |SHAP value| {value}").format(value="%{x:.4g}") + "<extra></extra>"})
    x_title = (tr("mean |SHAP value| ({units})").format(units=_units(units[0], tr)) if units and units[0] == units[1]
               else tr("mean |SHAP value|"))
    heading = _with_note(title, notes)
    return _figure(traces, heading, x_title, None,
                   yaxis={"type": "category", "categoryorder": "array", "categoryarray": names,
                          "autorange": "reversed"},
                   xaxis={"rangemode": "tozero"}, barmode="group", bargap=0.25, height=_height(len(names), 44),
                   legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "xanchor": "left"},
                   margin=_margin(heading, right=60, legend_on_top=True))


def structure_bar(structure: Structure | None, *, top: int = 20, tr: Translate = _same,
                  note: str | None = None) -> go.Figure:
    """The importance a model's structure gives: tree gain or impurity shares, or signed coefficients.

    ``gain`` and ``impurity``: one bar per raw column, its share of the total (most on top).
    ``coefficients``: one signed bar per part (a numeric column, a category ``plan = pro``),
    largest size on top, red positive and blue negative; a multiclass model gets one bar per
    class for each part (grouped, one colour per class). The structure's note is the subtitle.

    Args:
        structure: :func:`core.explain.explainers.structure_importance`'s result (None: the model has none).
        top: how many columns (or parts) to draw.
        tr: translates the English text templates (see the module docstring).
        note: the subtitle to show instead of the structure's own note (already translated, escaped here).

    Returns:
        The figure (a titled placeholder without a structure or without values).
    """
    if structure is None:
        return _placeholder(tr("Importance from the model's structure"),
                            tr("This model's structure gives no importance (it has no trees or coefficients)."))
    if note is not None:
        subtitle = _wrap(_esc(note))
    elif structure.note in STRUCTURE_NOTES:
        subtitle = _wrap(tr(STRUCTURE_NOTES[structure.note]))
    else:
        subtitle = _wrap(_esc(structure.note))
    if structure.kind in ("gain", "impurity"):
        title = (tr("Share of the trees' split gain per column") if structure.kind == "gain"
                 else tr("Share of the impurity decrease per column"))
        scores = pd.to_numeric(structure.by_column, errors="coerce").dropna().sort_values(ascending=False,
                                                                                          kind="stable")
        if scores.empty:
            return _placeholder(title, tr("No importance to show."))
        shown = scores.iloc[:top]
        notes = [subtitle]
        if len(scores) > len(shown):
            notes.append(tr("top {n} of {total} columns").format(n=len(shown), total=len(scores)))
        values = [float(v) for v in shown]
        hover = "%{y}<br>" + tr("{share} of the total").format(share="%{x:.1%}") + "<extra></extra>"
        return _bars([_esc(c) for c in shown.index], values, notes, title, tr("share of the total"), COLOURS[0],
                     [f"{v:.1%}" for v in values], hover, xaxis={"tickformat": ".0%", "rangemode": "tozero"})
    title = tr("Coefficients of the linear model")
    parts = structure.parts
    if parts is None or parts.empty:
        return _placeholder(title, tr("No importance to show."))
    parts = parts.assign(value=pd.to_numeric(parts["value"], errors="coerce")).dropna(subset=["value"])
    size = parts.assign(size=parts["value"].abs()).groupby("part", sort=False)["size"].max()
    order = list(size.sort_values(ascending=False, kind="stable").index[:top])
    names = [_esc(p) for p in order]
    outputs = list(dict.fromkeys(parts["output"].astype(str)))
    notes = [subtitle]
    if len(size) > len(order):
        notes.append(tr("top {n} of {total} parts").format(n=len(order), total=len(size)))
    hover_value = tr("coefficient {value}").format(value="%{x:.4g}")
    x_title = tr("coefficient (per standard deviation or category)")
    yaxis = {"type": "category", "categoryorder": "array", "categoryarray": names, "autorange": "reversed"}
    if len(outputs) <= 1:
        values = parts.drop_duplicates("part").set_index("part")["value"].reindex(order).astype(float).tolist()
        hover = "%{y}<br>" + hover_value + "<extra></extra>"
        fig = _bars(names, values, notes, title, x_title, [POSITIVE if v >= 0 else NEGATIVE for v in values],
                    [_signed(v) for v in values], hover, shapes=[_zero_line("x")], xaxis=_signed_range(values))
        return fig
    palette = colour_map(outputs)
    traces = []
    for out in outputs:
        mine = parts[parts["output"].astype(str) == out].drop_duplicates("part").set_index("part")["value"]
        vals = [None if pd.isna(v) else float(v) for v in mine.reindex(order)]
        traces.append({"type": "bar", "orientation": "h", "name": _esc(out), "x": vals, "y": names,
                       "marker": {"color": palette[out]}, "hovertemplate": _esc(out) + "<br>%{y}<br>" + hover_value
                       + "<extra></extra>"})
    heading = _with_note(title, notes)
    return _figure(traces, heading, x_title, None, yaxis=yaxis, barmode="group",
                   height=_height(len(names), 16 + 12 * len(outputs)), shapes=[_zero_line("x")],
                   legend={"title": {"text": tr("class")}}, margin=_margin(heading))
