"""Plotly figures for the charts the pages show. Plain functions: data in, figure out.

Every figure is titled and has labelled axes, and uses :func:`colour_for` / :func:`colour_map` so
that one learner, class or kind of object keeps one colour on every page. Profile charts read
only the precomputed :class:`~core.data.profiling.Profile`, never the data.

Language: every public chart function takes ``tr``, which translates an English text template
(a title, an axis label, a legend name, a hover line) before its values are filled in:
``tr("Distribution of {column}").format(column=...)``. The default leaves English as it is; a
page passes its translation function (``ui.i18n.tk``), whose catalog holds every template of
this module (``tests/unit/test_charts.py`` checks each ``tr("...")`` literal has Korean).

User text (column names, values, dataset and learner names) is shown as text: plotly renders
a subset of HTML in titles, ticks, legends and hover labels, so every such string is
HTML-escaped here (a column named ``<a href=...>`` reads as written, never as a link).

Figures are built in one step from plain dicts with a small template (plotly's own templates
cost ten times more to apply than the rest of a figure); plotly is imported on first use.

Example:
    >>> fig = column_distribution(profile.column("age"))
    >>> fig.layout.title.text
    'Distribution of age'
"""

from __future__ import annotations

import hashlib
import html
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from core.data import stats
from core.data.profiling import HIGH_MISSING_PCT, LEAKAGE_THRESHOLD, ColumnProfile, Histogram, Profile
from core.errors import InvalidInput

if TYPE_CHECKING:
    import plotly.graph_objects as go

Translate = Callable[[str], str]
"""Turns an English text template into the shown language (placeholders kept)."""

D3 = ("#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F",
      "#BCBD22", "#17BECF")  # plotly.colors.qualitative.D3, without importing plotly
COLOURS: tuple[str, ...] = (*D3, "#FECB52", "#222A2A")
"""The qualitative palette (12 clearly different colours) every chart draws categories from."""

PINNED: dict[str, int] = {
    # FLAML's learners get distinct colours; anything else is hashed into the palette.
    "lgbm": 0, "xgboost": 1, "rf": 2, "extra_tree": 3, "catboost": 4, "xgb_limitdepth": 5,
    "lrl1": 6, "lrl2": 7, "kneighbor": 8, "histgb": 9, "sgd": 10, "svc": 11,
    # Lineage node kinds (never drawn on the same chart as learners).
    "dataset_version": 0, "dataset": 0, "experiment": 4, "model": 1, "hypothesis": 2,
}
PRIMARY = COLOURS[0]    # single-series charts
ALERT = COLOURS[3]      # values past a warning threshold
FONT = "Inter, 'Noto Sans KR', 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif"
GRID = "#EBF0F8"
NODE_SYMBOLS = {"dataset_version": "circle", "dataset": "circle", "experiment": "diamond",
                "model": "square", "hypothesis": "star"}

# The English name of each known lineage kind and relation (translated through ``tr``).
KIND_LABELS = {"dataset_version": "dataset version", "dataset": "dataset", "experiment": "experiment",
               "model": "model", "hypothesis": "hypothesis", "run": "run", "object": "object",
               "label_task": "label task", "feature_set": "feature set",
               "monitor_batch": "monitored batch", "drift_report": "drift report"}
RELATION_LABELS = {"derived_from": "derived from", "split_of": "split of", "trained_on": "trained on",
                   "evaluated_on": "evaluated on", "uses": "uses", "tests": "tests",
                   "produced_by": "produced by", "from_run": "from run", "labels": "labels",
                   "labeled_in": "labeled in", "selected_from": "selected from", "uses_features": "uses features",
                   "monitors": "monitors", "stored_as": "stored as", "reports_on": "reports on",
                   "retrained_from": "retrained from"}
# How a column's association with the target was measured (ColumnProfile.association_method).
ASSOCIATION_MEASURES = {
    "pearson": "|Pearson r| (numeric with numeric)",
    "correlation_ratio": "correlation ratio η (numeric with categorical)",
    "cramers_v": "Cramér's V (categorical with categorical)",
}
ASSOCIATION_COLOURS = {"pearson": COLOURS[0], "correlation_ratio": COLOURS[2], "cramers_v": COLOURS[4]}


def _same(text: str) -> str:
    return text


def _esc(text: Any) -> str:
    """User text as plotly shows it literally (it renders <a>, <b>, <br>... and &entities;)."""
    return html.escape(str(text), quote=False)


def _go() -> Any:
    import plotly.graph_objects as go

    return go


def _slot(text: str) -> int:
    if text in PINNED:
        return PINNED[text]
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "big") % len(COLOURS)


def colour_for(key: Any) -> str:
    """Return the colour of one learner, class or kind: the same key gets the same colour everywhere.

    Known learners (FLAML's) and lineage kinds have pinned, distinct colours; any other
    key is hashed (stably, across processes) into :data:`COLOURS`, so two keys may share
    a colour. When several keys are drawn together, prefer :func:`colour_map`.

    Args:
        key: anything; it is compared as text (``True`` and ``"True"`` share a colour).

    Returns:
        A ``#RRGGBB`` colour.
    """
    return COLOURS[_slot(str(key))]


def colour_map(keys: Iterable[Any]) -> dict[str, str]:
    """Return ``{str(key): colour}`` for keys drawn together (``color_discrete_map`` in plotly express).

    Each key starts from its :func:`colour_for` slot; a key whose slot is taken moves to
    the next free one, keys visited pinned first and then in sorted order. So the same
    set of classes gets the same colours on every page, whatever order a chart lists
    them in, and up to ``len(COLOURS)`` keys never share a colour.

    Args:
        keys: learners, classes or kinds.

    Returns:
        The colour of each key.
    """
    texts = sorted({str(k) for k in keys}, key=lambda k: (k not in PINNED, k))
    taken: set[int] = set()
    out: dict[str, str] = {}
    for text in texts:
        slot = _slot(text)
        if len(taken) < len(COLOURS):
            while slot in taken:
                slot = (slot + 1) % len(COLOURS)
        taken.add(slot)
        out[text] = COLOURS[slot]
    return out


@cache
def _template() -> Any:
    """A light look (white plot, faint grid) at a tenth of the cost of applying ``plotly_white``."""
    axis = {"gridcolor": GRID, "linecolor": GRID, "zerolinecolor": GRID, "zerolinewidth": 2,
            "ticks": "", "automargin": True, "title": {"standoff": 12}}
    return _go().layout.Template(layout={
        "plot_bgcolor": "white", "paper_bgcolor": "white", "colorway": list(COLOURS),
        "font": {"family": FONT, "color": "#2a3f5f"}, "hoverlabel": {"align": "left"},
        "xaxis": axis, "yaxis": axis,
    })


def _figure(traces: Sequence[dict[str, Any]], title: str, x_title: str | None, y_title: str | None,
            *, xaxis: dict[str, Any] | None = None, yaxis: dict[str, Any] | None = None,
            **layout: Any) -> go.Figure:
    """One figure from trace dicts, validated once. Titles are shown as given (already escaped)."""
    full = {"template": _template(), "title": {"text": title, "x": 0.0, "xanchor": "left"},
            "font": {"family": FONT}, "margin": {"l": 60, "r": 20, "t": 60, "b": 60},
            "xaxis": {"title": {"text": x_title}, **(xaxis or {})},
            "yaxis": {"title": {"text": y_title}, **(yaxis or {})}, **layout}
    return _go().Figure(data=list(traces), layout=full)


def _placeholder(title: str, message: str) -> go.Figure:
    note = {"text": message, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper", "showarrow": False,
            "font": {"size": 14, "color": "#666"}}
    return _figure([], title, None, None, xaxis={"visible": False}, yaxis={"visible": False},
                   height=260, annotations=[note])


def _num(x: float) -> str:
    """A value for a label: ``20,530``, ``63.49``, ``0.0012``, ``1.2e+17``."""
    return f"{x:,.0f}" if 1e4 <= abs(x) < 1e15 else f"{x:.4g}"


def _bars_from_bins(hist: Histogram, colour: str, name: str, tr: Translate, *, log_x: bool = False) -> dict[str, Any]:
    """A bar per bin; with ``log_x`` the bars sit on log10 of the values (ticks say the values)."""
    edges = [float(e) for e in hist.edges]
    ranges = [tr("{low} to {high}").format(low=_num(a), high=_num(b))
              for a, b in zip(edges[:-1], edges[1:], strict=True)]
    if log_x:
        edges = [math.log10(e) for e in edges]
    centres = [(a + b) / 2 for a, b in zip(edges[:-1], edges[1:], strict=True)]
    widths = [b - a for a, b in zip(edges[:-1], edges[1:], strict=True)]
    return {"type": "bar", "x": centres, "y": list(hist.counts), "width": widths, "marker": {"color": colour},
            "name": _esc(name), "customdata": ranges,
            "hovertemplate": "%{customdata}<br>" + tr("{count} rows").format(count="%{y:,}") + "<extra></extra>"}


def _decade_ticks(lo: float, hi: float) -> dict[str, Any]:
    """Ticks at 1, 10, 100... (and 2 and 5 between them on a short range) for an axis of log10 values."""
    first, last = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    steps = (1, 2, 5) if last - first <= 3 else (1,)
    values = [m * 10.0**p for p in range(first, last + 1) for m in steps]
    values = [v for v in values if lo <= v <= hi] or [lo, hi]
    return {"tickmode": "array", "tickvals": [math.log10(v) for v in values],
            "ticktext": [f"{v:,.0f}" if v >= 1 else f"{v:g}" for v in values]}


def log_scales(col: ColumnProfile) -> tuple[str, ...]:
    """Which log scales make a column's histogram easier to read: ``"y"`` (counts), ``"x"`` (values).

    A numeric column whose histogram is skewed (estimated skewness beyond
    ``core.data.stats.SKEWED`` either way) gets ``"y"``, so the rows in its tail show; one
    whose values are positive with a long right tail (its profile holds bins on a log
    scale) also gets ``"x"``.

    Args:
        col: the column's profile.

    Returns:
        ``()``, ``("y",)`` or ``("x", "y")``.
    """
    hist = col.numeric.histogram if col.semantic == "numeric" and col.numeric else None
    if hist is None:
        return ()
    skew = stats.binned_skew(hist.edges, hist.counts)
    if skew is None or abs(skew) < stats.SKEWED:
        return ()
    return ("x", "y") if col.numeric.log_histogram is not None else ("y",)


def column_distribution(col: ColumnProfile, *, log_x: bool = False, log_y: bool = False,
                        tr: Translate = _same) -> go.Figure:
    """How one column's values are distributed, drawn from its profile.

    Numeric: a histogram of the precomputed bins (median marked). Datetime: rows per
    time bin. Categorical, boolean, text, id and image paths: a bar per top value
    (categorical and boolean bars take the class colours of :func:`colour_map`).

    Args:
        col: the column's profile.
        log_x: numeric columns: bins of equal width on a log scale of the values (when the
            profile has them, see :func:`log_scales`; else ignored).
        log_y: numeric columns: counts on a log scale.
        tr: translates the English text templates (see the module docstring).

    Returns:
        The figure (a titled placeholder when the column has no values).
    """
    name = _esc(col.name)
    rows = tr("Rows")
    hover = "%{x}<br>" + tr("{count} rows").format(count="%{y:,}") + "<extra></extra>"
    if col.semantic == "numeric":
        title = tr("Distribution of {column}").format(column=name)
        hist = col.numeric.histogram if col.numeric else None
        if hist is None:
            return _placeholder(title, tr("'{column}' has no numeric values to show.").format(column=name))
        log_bins = col.numeric.log_histogram if log_x else None
        bars = _bars_from_bins(log_bins or hist, PRIMARY, col.name, tr, log_x=log_bins is not None)
        x_title, xaxis = name, {}
        if log_bins is not None:
            x_title = tr("{column} (log scale)").format(column=name)
            xaxis = _decade_ticks(float(log_bins.edges[0]), float(log_bins.edges[-1]))
        yaxis = {"type": "log", "dtick": 1} if log_y else {}  # ticks at 1, 10, 100... only
        shapes, notes = [], []
        median = col.numeric.q50
        if median is not None and (log_bins is None or median > 0):
            at = math.log10(median) if log_bins is not None else median
            shapes.append({"type": "line", "x0": at, "x1": at, "xref": "x", "y0": 0, "y1": 1, "yref": "paper",
                           "line": {"dash": "dash", "color": "#444", "width": 1}})
            notes.append({"x": at, "y": 1, "xref": "x", "yref": "paper", "xanchor": "left", "yanchor": "top",
                          "showarrow": False, "text": tr("median {value}").format(value=_num(median))})
        return _figure([bars], title, x_title, tr("Rows (log scale)") if log_y else rows, xaxis=xaxis,
                       yaxis=yaxis, bargap=0.02, showlegend=False, shapes=shapes, annotations=notes)
    if col.semantic == "datetime":
        title = tr("Timeline of {column}").format(column=name)
        timeline = col.dates.timeline if col.dates else None
        if timeline is None:
            return _placeholder(title, tr("'{column}' has no dates to show.").format(column=name))
        import pandas as pd

        edges = pd.to_datetime(list(timeline.edges))
        centres = [(a + (b - a) / 2).isoformat() for a, b in zip(edges[:-1], edges[1:], strict=True)]
        line = {"type": "scatter", "x": centres, "y": list(timeline.counts), "mode": "lines+markers", "name": name,
                "line": {"color": PRIMARY, "shape": "hv"}, "hovertemplate": hover}
        return _figure([line], title, tr("{column} (UTC)").format(column=name), rows,
                       yaxis={"rangemode": "tozero"}, showlegend=False)
    if not col.top_values:
        return _placeholder(tr("Top values of {column}").format(column=name),
                            tr("'{column}' has no values to show.").format(column=name))
    values = [v.value for v in col.top_values]
    by_class = col.semantic in ("categorical", "boolean") and col.n_distinct <= len(COLOURS)
    palette = colour_map(values) if by_class else {}
    if col.n_distinct > len(values):
        title = tr("Top values of {column} ({shown} of {total})").format(
            column=name, shown=len(values), total=f"{col.n_distinct:,}")
    else:
        title = tr("Top values of {column}").format(column=name)
    bars = {"type": "bar", "x": [_esc(v) for v in values], "y": [v.count for v in col.top_values], "name": name,
            "marker": {"color": [palette[v] for v in values] if by_class else PRIMARY}, "hovertemplate": hover}
    return _figure([bars], title, name, rows, xaxis={"type": "category"}, showlegend=False)


def missing_overview(profile: Profile, *, tr: Translate = _same) -> go.Figure:
    """Share of missing values per column that has any, most first (past the high-missing threshold in red).

    The axis ends a little above the largest share, so a column missing 3% shows a bar
    you can see; each bar is labelled with its share.

    Args:
        profile: the table's profile.
        tr: translates the English text templates (see the module docstring).

    Returns:
        The bar chart, or a titled placeholder saying nothing is missing.
    """
    title = tr("Missing values by column")
    gaps = sorted((c for c in profile.columns if c.n_missing), key=lambda c: -c.missing_pct)
    if not gaps:
        message = tr("No missing values") if profile.columns else tr("The table has no columns.")
        return _placeholder(title, message)
    pct = [c.missing_pct for c in gaps]
    bars = {"type": "bar", "x": [_esc(c.name) for c in gaps], "y": pct, "customdata": [c.n_missing for c in gaps],
            "marker": {"color": [ALERT if p >= HIGH_MISSING_PCT else PRIMARY for p in pct]},
            "text": [_share(p) for p in pct], "textposition": "outside", "cliponaxis": False,
            "hovertemplate": "%{x}<br>" + tr("{share} missing ({count} rows)").format(
                share="%{y:.1f}%", count="%{customdata:,}") + "<extra></extra>"}
    if len(gaps) < len(profile.columns):
        title = tr("Missing values by column ({n} of {total} columns have gaps)").format(
            n=len(gaps), total=len(profile.columns))
    top = min(100.0, max(pct) * 1.25)
    return _figure([bars], title, tr("Column"), tr("Missing (% of rows)"), xaxis={"type": "category"},
                   yaxis={"range": [0, top], "ticksuffix": "%"}, showlegend=False,
                   bargap=0.6 if len(gaps) <= 3 else 0.2)


def _share(pct: float) -> str:
    if 0 < pct < 0.1:
        return "<0.1%"
    return f"{pct:.1f}%" if pct < 10 else f"{pct:.0f}%"


def correlation_heatmap(profile: Profile, kind: str = "pearson", *, tr: Translate = _same) -> go.Figure:
    """A heatmap of Pearson's r between numeric columns, or Cramér's V between categorical ones.

    Args:
        profile: the table's profile.
        kind: ``"pearson"`` or ``"cramers_v"``.
        tr: translates the English text templates (see the module docstring).

    Returns:
        The heatmap (a titled placeholder when fewer than two columns qualify).

    Raises:
        InvalidInput: if ``kind`` is neither.
    """
    if kind == "pearson":
        matrix, title, scale, zmin, bar = profile.pearson, tr("Pearson correlation (numeric columns)"), "RdBu_r", -1, "r"
        empty = tr("Needs at least two numeric columns that vary.")
    elif kind == "cramers_v":
        matrix, title, scale, zmin, bar = (profile.cramers_v, tr("Cramér's V (categorical columns)"), "Blues", 0, "V")
        empty = tr("Needs at least two categorical or boolean columns that vary.")
    else:
        raise InvalidInput(f"'{kind}' is not a correlation kind.", hint="Use 'pearson' or 'cramers_v'.")
    if matrix is None:
        return _placeholder(title, empty)
    notes = []
    if profile.sampled_rows:
        notes.append(tr("{n} sampled rows").format(n=f"{profile.sampled_rows:,}"))
    if matrix.omitted:
        notes.append(tr("first {n} columns").format(n=len(matrix.columns)))
    if notes:
        title += f" — {', '.join(notes)}"
    columns = [_esc(c) for c in matrix.columns]
    heat = {"type": "heatmap", "z": [list(row) for row in matrix.values], "x": columns, "y": columns,
            "zmin": zmin, "zmax": 1, "colorscale": scale, "colorbar": {"title": {"text": bar}},
            "hovertemplate": "%{y} × %{x}<br>" + bar + " = %{z:.3f}<extra></extra>"}
    if len(columns) <= 15:
        heat["texttemplate"] = "%{z:.2f}"
    size = max(360, min(900, 120 + 32 * len(columns)))
    axis = {"type": "category", "tickangle": -45}
    return _figure([heat], title, tr("Column"), tr("Column"), xaxis=axis,
                   yaxis={"type": "category", "autorange": "reversed"}, height=size)


def target_balance(profile: Profile, *, tr: Translate = _same) -> go.Figure:
    """Class counts of a classification target (class colours), or the histogram of a numeric one.

    Args:
        profile: a profile computed with a target.
        tr: translates the English text templates (see the module docstring).

    Returns:
        The figure (a placeholder that asks for a target when the profile has none).
    """
    balance = profile.target_balance
    if balance is None:
        return _placeholder(tr("Target balance"), tr("Choose a target column to see its balance."))
    column = _esc(balance.column)
    rows = tr("Rows")
    if balance.task == "regression":
        title = tr("Target distribution: {column}").format(column=column)
        if balance.histogram is None:
            return _placeholder(title, tr("The target has no numeric values."))
        return _figure([_bars_from_bins(balance.histogram, PRIMARY, balance.column, tr)], title, column, rows,
                       bargap=0.02, showlegend=False)
    classes = [c.value for c in balance.classes]
    counts = [c.count for c in balance.classes]
    palette = colour_map(classes)
    total = sum(counts) or 1
    bars = {"type": "bar", "x": [_esc(c) for c in classes], "y": counts, "name": column,
            "marker": {"color": [palette[c] for c in classes]},
            "text": [f"{100 * n / total:.1f}%" for n in counts], "textposition": "outside", "cliponaxis": False,
            "hovertemplate": "%{x}<br>" + tr("{count} rows ({share})").format(count="%{y:,}", share="%{text}")
            + "<extra></extra>"}
    if balance.imbalance_ratio and balance.imbalance_ratio > 1.5:
        title = tr("Target balance: {column} (largest class {ratio}× the smallest)").format(
            column=column, ratio=f"{balance.imbalance_ratio:.1f}")
    else:
        title = tr("Target balance: {column}").format(column=column)
    return _figure([bars], title, tr("Class"), rows, xaxis={"type": "category"}, showlegend=False)


def target_association(profile: Profile, *, tr: Translate = _same) -> go.Figure:
    """How strongly each column goes with the target, strongest first, coloured by how it was measured.

    The profile measures each pair on a 0 to 1 scale by the kinds of the two columns
    (see :data:`ASSOCIATION_MEASURES`): the absolute Pearson correlation for two numeric
    columns, the correlation ratio (eta) for a numeric and a categorical one, and Cramér's V
    for two categorical ones. Bars at or above ``LEAKAGE_THRESHOLD`` are outlined in red
    (a column that predicts the target almost perfectly may leak it). Text-like and
    identifier columns are not measured and not drawn.

    Args:
        profile: a profile computed with a target.
        tr: translates the English text templates (see the module docstring).

    Returns:
        A horizontal bar chart, or a titled placeholder when there is no target or nothing
        was measured.
    """
    if profile.target is None:
        return _placeholder(tr("Association with the target"),
                            tr("Choose a target column to see how each column goes with it."))
    title = tr("Association with {target}").format(target=_esc(profile.target))
    scored = sorted((c for c in profile.columns if c.target_association is not None),
                    key=lambda c: -float(c.target_association))
    if not scored:
        return _placeholder(title, tr("No column could be measured against the target."))
    order = [_esc(c.name) for c in scored]
    traces = []
    for method in dict.fromkeys(c.association_method for c in scored):
        members = [c for c in scored if c.association_method == method]
        measure = tr(ASSOCIATION_MEASURES[method]) if method in ASSOCIATION_MEASURES else _esc(method)
        traces.append({
            "type": "bar", "orientation": "h", "name": measure,
            "x": [c.target_association for c in members], "y": [_esc(c.name) for c in members],
            "marker": {"color": ASSOCIATION_COLOURS.get(method, COLOURS[7]),
                       "line": {"color": ALERT, "width": [3 if c.target_association >= LEAKAGE_THRESHOLD else 0
                                                          for c in members]}},
            "text": [f"{c.target_association:.2f}" for c in members], "textposition": "outside",
            "cliponaxis": False, "customdata": [measure] * len(members),
            "hovertemplate": "%{y}<br>%{customdata} = %{x:.3f}<extra></extra>",
        })
    height = max(260, min(1200, 110 + 24 * len(scored)))
    return _figure(traces, title, tr("Association (0 = none, 1 = perfect)"), None,
                   xaxis={"range": [0, 1.08]}, yaxis={"type": "category", "categoryorder": "array",
                                                      "categoryarray": order, "autorange": "reversed"},
                   height=height + 30, barmode="overlay",
                   legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "xanchor": "left"},
                   margin={"l": 60, "r": 40, "t": 90, "b": 60})


# ---------------------------------------------------------------- lineage

def _field(obj: Any, key: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _positions(ids: list[str], edges: list[tuple[str, str, str]]) -> dict[str, tuple[float, float]]:
    """Place nodes in columns by longest path from a source, ordered to keep arrows short.

    Sources sit just left of their first successor (a hypothesis beside the data it
    tests, not far out on the left); nodes on a cycle go after what precedes them. Rows
    within a column follow the average position of each node's neighbours (two rounds of
    forward and backward barycentre sweeps).
    """
    preds: dict[str, list[str]] = {i: [] for i in ids}
    succs: dict[str, list[str]] = {i: [] for i in ids}
    for s, t, _ in edges:
        if s != t:
            preds[t].append(s)
            succs[s].append(t)
    indegree = {i: len(preds[i]) for i in ids}
    queue = [i for i in ids if indegree[i] == 0]
    layer: dict[str, int] = {}
    while queue:
        node = queue.pop(0)
        layer[node] = max((layer[p] + 1 for p in preds[node] if p in layer), default=0)
        for nxt in succs[node]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                queue.append(nxt)
    for node in ids:  # left on a cycle
        if node not in layer:
            layer[node] = max((layer[p] + 1 for p in preds[node] if p in layer), default=0)
    for node in ids:
        if not preds[node] and succs[node]:
            layer[node] = max(layer[node], min(layer[s] for s in succs[node]) - 1)

    order: dict[int, list[str]] = {}
    for node in ids:
        order.setdefault(layer[node], []).append(node)

    def centred() -> dict[str, float]:
        return {n: i - (len(m) - 1) / 2 for m in order.values() for i, n in enumerate(m)}

    for _ in range(2):
        for depths, neighbours in ((sorted(order), preds), (sorted(order, reverse=True), succs)):
            for depth in depths:
                at = centred()
                order[depth] = sorted(order[depth], key=lambda n, at=at, nb=neighbours: (
                    sum(at[x] for x in nb[n]) / len(nb[n]) if nb[n] else at[n]))
    at = centred()
    return {n: (float(layer[n]), -at[n]) for n in ids}



def lineage_figure(
    nodes: Sequence[Mapping[str, Any] | Any],
    edges: Sequence[Mapping[str, Any] | Any],
    *,
    highlight: str | None = None,
    title: str | None = None,
    tr: Translate = _same,
) -> go.Figure:
    """Draw a lineage graph left to right: what things were made from on the left, arrows along the flow.

    Edges follow the lineage table's convention, ``source --relation--> target``: the
    source was made from, or depends on, the target (``v2 derived_from v1``,
    ``experiment trained_on v2``, ``model produced_by experiment``). So each target is
    drawn left of its sources and the arrow runs from target to source, labelled with
    the relation. Nodes sit in columns by their longest path from an origin, ordered to
    keep arrows short; each kind gets its own colour (:func:`colour_map`), marker and
    legend entry. ``core.data.datasets.lineage_graph(ws, dataset_id)`` returns exactly this
    shape: ``lineage_figure(graph.nodes, graph.edges)``.

    Args:
        nodes: ``[{"id", "label", "kind"}]``, dicts or objects with those attributes
            (and optionally ``detail``, shown on hover). ``label`` is shown as given
            (``"churn v3"``; defaults to the id); ``kind`` is any string, e.g.
            ``dataset_version``, ``experiment``, ``model``, ``hypothesis`` (default ``"object"``).
            Known kinds and relations (:data:`KIND_LABELS`, :data:`RELATION_LABELS`) are
            named through ``tr``; others are shown with ``_`` as spaces.
        edges: ``[{"source", "target", "relation"}]``, dicts or objects, as described above.
        highlight: the id of a node to outline (the object the page is about).
        title: the figure title, shown as given (default: "Lineage" through ``tr``).
        tr: translates the English text templates (see the module docstring).

    Returns:
        The figure (a titled placeholder when there are no nodes).

    Raises:
        InvalidInput: if a node has no id, ids repeat, or an edge names an unknown node.
    """
    title = tr("Lineage") if title is None else _esc(title)
    if not nodes:
        return _placeholder(title, tr("No lineage recorded yet."))
    info: dict[str, tuple[str, str]] = {}
    details: dict[str, str] = {}
    for node in nodes:
        node_id = _field(node, "id")
        if not node_id:
            raise InvalidInput("A lineage node has no 'id'.", hint="Give every node an id, a label and a kind.")
        if str(node_id) in info:
            raise InvalidInput(f"Lineage node '{node_id}' appears twice.", hint="List each node once.")
        info[str(node_id)] = (str(_field(node, "label") or node_id), str(_field(node, "kind") or "object"))
        details[str(node_id)] = str(_field(node, "detail") or "")
    links: list[tuple[str, str, str]] = []
    for edge in edges:
        source, target = str(_field(edge, "source")), str(_field(edge, "target"))
        for end in (source, target):
            if end not in info:
                raise InvalidInput(f"A lineage edge points at '{end}', which is not among the nodes.",
                                   hint="Add the node, or drop the edge.")
        links.append((target, source, str(_field(edge, "relation") or "")))  # upstream first

    def named(key: str, table: dict[str, str]) -> str:
        return tr(table[key]) if key in table else _esc(key.replace("_", " "))

    ids = list(info)
    pos = _positions(ids, links)
    kind_colours = colour_map(k for _, k in info.values())
    traces = []
    for kind in dict.fromkeys(k for _, k in info.values()):
        members = [n for n in ids if info[n][1] == kind]
        label = named(kind, KIND_LABELS)
        traces.append({
            "type": "scatter", "mode": "markers+text", "name": label,
            "x": [pos[n][0] for n in members], "y": [pos[n][1] for n in members],
            "text": [_esc(info[n][0]) for n in members], "textposition": "bottom center",
            "customdata": [[n, _esc(details[n]), label] for n in members],
            "hovertemplate": "%{text}<br>%{customdata[2]} · %{customdata[0]}<br>%{customdata[1]}<extra></extra>",
            "marker": {"size": 22, "color": kind_colours[kind], "symbol": NODE_SYMBOLS.get(kind, "circle"),
                       "line": {"width": [3 if n == highlight else 1 for n in members],
                                "color": ["#111" if n == highlight else "#fff" for n in members]}},
        })
    notes = []
    for upstream, downstream, relation in links:
        (x0, y0), (x1, y1) = pos[upstream], pos[downstream]
        notes.append({"x": x1, "y": y1, "ax": x0, "ay": y0, "xref": "x", "yref": "y", "axref": "x", "ayref": "y",
                      "showarrow": True, "arrowhead": 2, "arrowsize": 1.2, "arrowwidth": 1.4, "arrowcolor": "#888",
                      "standoff": 14, "startstandoff": 14, "text": ""})
        if relation:
            notes.append({"x": (x0 + x1) / 2, "y": (y0 + y1) / 2, "text": named(relation, RELATION_LABELS),
                          "showarrow": False, "font": {"size": 10, "color": "#555"},
                          "bgcolor": "rgba(255,255,255,0.85)"})
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    tallest = max(xs.count(x) for x in set(xs))
    return _figure(traces, title, None, None,
                   xaxis={"visible": False, "range": [min(xs) - 0.5, max(xs) + 0.5]},
                   yaxis={"visible": False, "range": [min(ys) - 0.7, max(ys) + 0.5]},
                   height=min(900, 160 + 90 * tallest), annotations=notes,
                   legend={"orientation": "h", "y": -0.05, "title": {"text": tr("Kind")}})


# ---------------------------------------------------------------- experiments

def _budget_line(budget: float, label: str) -> tuple[dict[str, Any], dict[str, Any]]:
    line = {"type": "line", "x0": budget, "x1": budget, "xref": "x", "y0": 0, "y1": 1, "yref": "paper",
            "line": {"dash": "dash", "color": "#999", "width": 1}}
    note = {"x": budget, "y": 1, "xref": "x", "yref": "paper", "xanchor": "left", "yanchor": "top",
            "showarrow": False, "text": label}
    return line, note


def search_progress(runs: list[Any], metric: str, *, maximize: bool, budget: float | None = None,
                    tr: Translate = _same) -> go.Figure:
    """Every trial's validation score over wall time, coloured by learner, with the best-so-far line.

    Args:
        runs: the experiment's runs (``wall_offset``, ``val_metric``, ``learner``, ``trial``).
        metric: the search metric (axis title).
        maximize: whether higher is better (shapes the best-so-far line).
        budget: the time budget in seconds (a dashed line), if any.
        tr: translates the English text templates (see the module docstring).

    Returns:
        The figure (a titled placeholder before the first finished trial).
    """
    done = [r for r in runs if _field(r, "val_metric") is not None and _field(r, "wall_offset") is not None]
    if not done:
        return _placeholder(tr("Search progress"), tr("No finished trial yet; the first appears within seconds."))
    done.sort(key=lambda r: _field(r, "wall_offset"))
    metric_text = _esc(metric)
    hover = ("%{customdata[1]}<br>" + tr("trial {n}").format(n="%{customdata[0]}") + "<br>"
             + tr("{s} s").format(s="%{x:.1f}") + "<br>%{customdata[2]} %{y:.4f}<extra></extra>")
    traces = []
    for learner in sorted({_field(r, "learner") for r in done}):
        pts = [r for r in done if _field(r, "learner") == learner]
        traces.append({
            "type": "scatter", "mode": "markers", "name": _esc(learner),
            "x": [_field(r, "wall_offset") for r in pts], "y": [_field(r, "val_metric") for r in pts],
            "marker": {"color": colour_for(learner), "size": 8, "opacity": 0.75},
            "customdata": [[_field(r, "trial"), _esc(learner), metric_text] for r in pts], "hovertemplate": hover,
        })
    best, xs, ys = None, [], []
    for r in done:
        v = _field(r, "val_metric")
        if best is None or (v > best if maximize else v < best):
            best = v
        xs.append(_field(r, "wall_offset"))
        ys.append(best)
    traces.append({"type": "scatter", "mode": "lines", "name": tr("best so far"), "x": xs, "y": ys,
                   "line": {"shape": "hv", "color": "#222", "width": 2}})
    shapes, notes = [], []
    if budget:
        line, note = _budget_line(budget, tr("budget"))
        shapes, notes = [line], [note]
    return _figure(traces, tr("Validation {metric} of each trial over time").format(metric=metric_text),
                   tr("wall time since start (s)"), tr("validation {metric}").format(metric=metric_text),
                   legend={"title": {"text": tr("learner")}}, shapes=shapes, annotations=notes)


def learner_mix(runs: list[Any], *, tr: Translate = _same) -> go.Figure:
    """How many trials each learner got.

    Args:
        runs: the experiment's runs (``learner``).
        tr: translates the English text templates (see the module docstring).

    Returns:
        A bar per learner, most trials first (a titled placeholder without trials).
    """
    if not runs:
        return _placeholder(tr("Learner mix"), tr("No trials yet."))
    counts: dict[str, int] = {}
    for r in runs:
        counts[_field(r, "learner")] = counts.get(_field(r, "learner"), 0) + 1
    names = sorted(counts, key=lambda k: -counts[k])
    bars = {"type": "bar", "x": [_esc(n) for n in names], "y": [counts[n] for n in names],
            "marker": {"color": [colour_for(n) for n in names]},
            "hovertemplate": "%{x}<br>" + tr("{count} trials").format(count="%{y:,}") + "<extra></extra>"}
    return _figure([bars], tr("Trials per learner"), tr("learner"), tr("trials (count)"),
                   xaxis={"type": "category"}, showlegend=False)
