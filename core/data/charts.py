"""Plotly figures for the charts the pages show. Plain functions: data in, figure out.

Every figure is titled and has labelled axes, and uses :func:`colour_for` / :func:`colour_map` so
that one learner, class or kind of object keeps one colour on every page. Profile charts read
only the precomputed :class:`~core.data.profiling.Profile`, never the data.

Example:
    >>> fig = column_distribution(profile.column("age"))
    >>> fig.layout.title.text
    'Distribution of age'
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.colors
import plotly.graph_objects as go

from core.errors import InvalidInput
from core.data.profiling import HIGH_MISSING_PCT, ColumnProfile, Histogram, Profile

COLOURS: tuple[str, ...] = (*plotly.colors.qualitative.D3, "#FECB52", "#222A2A")
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
TEMPLATE = "plotly_white"
NODE_SYMBOLS = {"dataset_version": "circle", "dataset": "circle", "experiment": "diamond",
                "model": "square", "hypothesis": "star"}


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


def _styled(fig: go.Figure, title: str, x_title: str | None, y_title: str | None, **layout: Any) -> go.Figure:
    fig.update_layout(template=TEMPLATE, title={"text": title, "x": 0.0, "xanchor": "left"},
                      font={"family": FONT}, margin={"l": 60, "r": 20, "t": 60, "b": 60}, **layout)
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


def _placeholder(title: str, message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 14, "color": "#666"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _styled(fig, title, None, None, height=260)


def _bars_from_bins(hist: Histogram, colour: str, name: str) -> go.Bar:
    edges = [float(e) for e in hist.edges]
    centres = [(a + b) / 2 for a, b in zip(edges[:-1], edges[1:], strict=True)]
    widths = [b - a for a, b in zip(edges[:-1], edges[1:], strict=True)]
    ranges = [f"{a:.4g} to {b:.4g}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    return go.Bar(x=centres, y=list(hist.counts), width=widths, marker_color=colour, name=name,
                  customdata=ranges, hovertemplate="%{customdata}<br>%{y:,} rows<extra></extra>")


def column_distribution(col: ColumnProfile) -> go.Figure:
    """How one column's values are distributed, drawn from its profile.

    Numeric: a histogram of the precomputed bins (median marked). Datetime: rows per
    time bin. Categorical, boolean, text, id and image paths: a bar per top value
    (categorical and boolean bars take the class colours of :func:`colour_map`).

    Args:
        col: the column's profile.

    Returns:
        The figure (a titled placeholder when the column has no values).
    """
    name = col.name
    if col.semantic == "numeric":
        hist = col.numeric.histogram if col.numeric else None
        if hist is None:
            return _placeholder(f"Distribution of {name}", f"'{name}' has no numeric values to show.")
        fig = go.Figure(_bars_from_bins(hist, PRIMARY, name))
        if col.numeric and col.numeric.q50 is not None:
            fig.add_vline(x=col.numeric.q50, line_dash="dash", line_color="#444",
                          annotation_text=f"median {col.numeric.q50:.4g}", annotation_position="top right")
        return _styled(fig, f"Distribution of {name}", name, "Rows", bargap=0.02, showlegend=False)
    if col.semantic == "datetime":
        timeline = col.dates.timeline if col.dates else None
        if timeline is None:
            return _placeholder(f"Timeline of {name}", f"'{name}' has no dates to show.")
        edges = pd.to_datetime(list(timeline.edges))
        centres = [a + (b - a) / 2 for a, b in zip(edges[:-1], edges[1:], strict=True)]
        fig = go.Figure(go.Scatter(x=centres, y=list(timeline.counts), mode="lines+markers", name=name,
                                   line={"color": PRIMARY, "shape": "hv"},
                                   hovertemplate="%{x}<br>%{y:,} rows<extra></extra>"))
        fig.update_yaxes(rangemode="tozero")
        return _styled(fig, f"Timeline of {name}", f"{name} (UTC)", "Rows", showlegend=False)
    if not col.top_values:
        return _placeholder(f"Top values of {name}", f"'{name}' has no values to show.")
    values = [v.value for v in col.top_values]
    counts = [v.count for v in col.top_values]
    by_class = col.semantic in ("categorical", "boolean") and col.n_distinct <= len(COLOURS)
    colours = list(colour_map(values).get(v) for v in values) if by_class else PRIMARY
    title = f"Top values of {name}"
    if col.n_distinct > len(values):
        title += f" ({len(values)} of {col.n_distinct:,})"
    fig = go.Figure(go.Bar(x=values, y=counts, marker_color=colours, name=name,
                           hovertemplate="%{x}<br>%{y:,} rows<extra></extra>"))
    fig.update_xaxes(type="category")
    return _styled(fig, title, name, "Rows", showlegend=False)


def missing_overview(profile: Profile) -> go.Figure:
    """Share of missing values per column (columns past the high-missing threshold stand out).

    Args:
        profile: the table's profile.

    Returns:
        A bar chart with one bar per column, in table order.
    """
    if not profile.columns:
        return _placeholder("Missing values by column", "The table has no columns.")
    names = [c.name for c in profile.columns]
    pct = [c.missing_pct for c in profile.columns]
    fig = go.Figure(go.Bar(
        x=names, y=pct, customdata=[c.n_missing for c in profile.columns], name="missing",
        marker_color=[ALERT if p >= HIGH_MISSING_PCT else PRIMARY for p in pct],
        hovertemplate="%{x}<br>%{y:.1f}% missing (%{customdata:,} rows)<extra></extra>",
    ))
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, 100])
    total = sum(c.n_missing for c in profile.columns)
    title = "Missing values by column" + ("" if total else " (none missing)")
    return _styled(fig, title, "Column", "Missing (% of rows)", showlegend=False)


def correlation_heatmap(profile: Profile, kind: str = "pearson") -> go.Figure:
    """A heatmap of Pearson's r between numeric columns, or Cramér's V between categorical ones.

    Args:
        profile: the table's profile.
        kind: ``"pearson"`` or ``"cramers_v"``.

    Returns:
        The heatmap (a titled placeholder when fewer than two columns qualify).

    Raises:
        InvalidInput: if ``kind`` is neither.
    """
    if kind == "pearson":
        matrix, title, scale, zmin, bar = profile.pearson, "Pearson correlation (numeric columns)", "RdBu_r", -1, "r"
    elif kind == "cramers_v":
        matrix, title, scale, zmin, bar = profile.cramers_v, "Cramér's V (categorical columns)", "Blues", 0, "V"
    else:
        raise InvalidInput(f"'{kind}' is not a correlation kind.", hint="Use 'pearson' or 'cramers_v'.")
    if matrix is None:
        what = "numeric" if kind == "pearson" else "categorical or boolean"
        return _placeholder(title, f"Needs at least two {what} columns that vary.")
    notes = []
    if profile.sampled_rows:
        notes.append(f"{profile.sampled_rows:,} sampled rows")
    if matrix.omitted:
        notes.append(f"first {len(matrix.columns)} columns")
    if notes:
        title += f" — {', '.join(notes)}"
    columns = list(matrix.columns)
    fig = go.Figure(go.Heatmap(
        z=[list(row) for row in matrix.values], x=columns, y=columns, zmin=zmin, zmax=1, colorscale=scale,
        colorbar={"title": {"text": bar}}, hovertemplate="%{y} × %{x}<br>" + bar + " = %{z:.3f}<extra></extra>",
        texttemplate="%{z:.2f}" if len(columns) <= 15 else None,
    ))
    fig.update_xaxes(type="category", tickangle=-45)
    fig.update_yaxes(type="category", autorange="reversed")
    size = max(360, min(900, 120 + 32 * len(columns)))
    return _styled(fig, title, "Column", "Column", height=size)


def target_balance(profile: Profile) -> go.Figure:
    """Class counts of a classification target (class colours), or the histogram of a numeric one.

    Args:
        profile: a profile computed with a target.

    Returns:
        The figure (a placeholder that asks for a target when the profile has none).
    """
    balance = profile.target_balance
    if balance is None:
        return _placeholder("Target balance", "Choose a target column to see its balance.")
    if balance.task == "regression":
        if balance.histogram is None:
            return _placeholder(f"Target distribution: {balance.column}", "The target has no numeric values.")
        fig = go.Figure(_bars_from_bins(balance.histogram, PRIMARY, balance.column))
        return _styled(fig, f"Target distribution: {balance.column}", balance.column, "Rows",
                       bargap=0.02, showlegend=False)
    classes = [c.value for c in balance.classes]
    counts = [c.count for c in balance.classes]
    palette = colour_map(classes)
    total = sum(counts) or 1
    fig = go.Figure(go.Bar(
        x=classes, y=counts, marker_color=[palette[c] for c in classes], name=balance.column,
        text=[f"{100 * n / total:.1f}%" for n in counts], textposition="outside",
        hovertemplate="%{x}<br>%{y:,} rows (%{text})<extra></extra>",
    ))
    fig.update_xaxes(type="category")
    title = f"Target balance: {balance.column}"
    if balance.imbalance_ratio and balance.imbalance_ratio > 1.5:
        title += f" (largest class {balance.imbalance_ratio:.1f}× the smallest)"
    return _styled(fig, title, "Class", "Rows", showlegend=False)


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
    title: str = "Lineage",
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
        edges: ``[{"source", "target", "relation"}]``, dicts or objects, as described above.
        highlight: the id of a node to outline (the object the page is about).
        title: the figure title.

    Returns:
        The figure (a titled placeholder when there are no nodes).

    Raises:
        InvalidInput: if a node has no id, ids repeat, or an edge names an unknown node.
    """
    if not nodes:
        return _placeholder(title, "No lineage recorded yet.")
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

    ids = list(info)
    pos = _positions(ids, links)
    kind_colours = colour_map(k for _, k in info.values())

    fig = go.Figure()
    for kind in dict.fromkeys(k for _, k in info.values()):
        members = [n for n in ids if info[n][1] == kind]
        fig.add_trace(go.Scatter(
            x=[pos[n][0] for n in members], y=[pos[n][1] for n in members], mode="markers+text",
            name=kind.replace("_", " "), text=[info[n][0] for n in members], textposition="bottom center",
            customdata=[[n, details[n]] for n in members],
            hovertemplate="%{text}<br>" + kind + " · %{customdata[0]}<br>%{customdata[1]}<extra></extra>",
            marker={"size": 22, "color": kind_colours[kind], "symbol": NODE_SYMBOLS.get(kind, "circle"),
                    "line": {"width": [3 if n == highlight else 1 for n in members],
                             "color": ["#111" if n == highlight else "#fff" for n in members]}},
        ))
    for upstream, downstream, relation in links:
        (x0, y0), (x1, y1) = pos[upstream], pos[downstream]
        fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                           showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=1.4, arrowcolor="#888",
                           standoff=14, startstandoff=14, text="")
        if relation:
            fig.add_annotation(x=(x0 + x1) / 2, y=(y0 + y1) / 2, text=relation.replace("_", " "),
                               showarrow=False, font={"size": 10, "color": "#555"}, bgcolor="rgba(255,255,255,0.85)")
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    tallest = max(xs.count(x) for x in set(xs))
    fig.update_xaxes(visible=False, range=[min(xs) - 0.5, max(xs) + 0.5])
    fig.update_yaxes(visible=False, range=[min(ys) - 0.7, max(ys) + 0.5])
    return _styled(fig, title, None, None, height=min(900, 160 + 90 * tallest),
                   legend={"orientation": "h", "y": -0.05, "title": {"text": "Kind"}})


# ---------------------------------------------------------------- experiments

def search_progress(runs: list[Any], metric: str, *, maximize: bool, budget: float | None = None) -> go.Figure:
    """Every trial's validation score over wall time, coloured by learner, with the best-so-far line.

    Args:
        runs: the experiment's runs (``wall_offset``, ``val_metric``, ``learner``, ``trial``).
        metric: the search metric (axis title).
        maximize: whether higher is better (shapes the best-so-far line).
        budget: the time budget in seconds (a dashed line), if any.
    """
    done = [r for r in runs if _field(r, "val_metric") is not None and _field(r, "wall_offset") is not None]
    if not done:
        return _placeholder("Search progress", "No finished trial yet; the first appears within seconds.")
    done.sort(key=lambda r: _field(r, "wall_offset"))
    fig = go.Figure()
    for learner in sorted({_field(r, "learner") for r in done}):
        pts = [r for r in done if _field(r, "learner") == learner]
        fig.add_trace(go.Scatter(
            x=[_field(r, "wall_offset") for r in pts], y=[_field(r, "val_metric") for r in pts], mode="markers",
            name=learner, marker={"color": colour_for(learner), "size": 8, "opacity": 0.75},
            customdata=[[_field(r, "trial")] for r in pts],
            hovertemplate=f"{learner}<br>trial %{{customdata[0]}}<br>%{{x:.1f}} s<br>{metric} %{{y:.4f}}<extra></extra>",
        ))
    best, xs, ys = None, [], []
    for r in done:
        v = _field(r, "val_metric")
        if best is None or (v > best if maximize else v < best):
            best = v
        xs.append(_field(r, "wall_offset"))
        ys.append(best)
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name="best so far", line={"shape": "hv", "color": "#222", "width": 2}))
    if budget:
        fig.add_vline(x=budget, line_dash="dash", line_color="#999", annotation_text="budget")
    return _styled(fig, f"Validation {metric} of each trial over time", "wall time since start (s)",
                   f"validation {metric}", legend_title_text="learner")


def learner_mix(runs: list[Any]) -> go.Figure:
    """How many trials each learner got, and its best validation score (hover)."""
    if not runs:
        return _placeholder("Learner mix", "No trials yet.")
    counts: dict[str, int] = {}
    for r in runs:
        counts[_field(r, "learner")] = counts.get(_field(r, "learner"), 0) + 1
    names = sorted(counts, key=lambda k: -counts[k])
    fig = go.Figure(go.Bar(x=names, y=[counts[n] for n in names], marker_color=[colour_for(n) for n in names]))
    return _styled(fig, "Trials per learner", "learner", "trials (count)", showlegend=False)
