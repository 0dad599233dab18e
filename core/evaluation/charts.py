"""Plotly figures of the Compare step: searches, trials, the accuracy/latency trade-off, and
overlays of several models' held-out predictions. Plain functions: plain data in, figure out.

They follow :mod:`core.data.charts` (whose helpers they use): every figure is titled and has
labelled axes; every public function takes ``tr``, which translates an English text template
before its values are filled in (a page passes ``ui.i18n.tk``; the Korean lives in
``ui/locale/ko_evaluation_charts.py``); user text (model, experiment, class and parameter names)
is HTML-escaped, so ``<b>x</b>`` reads as written; and a learner keeps its colour
(:func:`core.data.charts.colour_for`) on every page. Plotly is imported on first use.

Inputs are plain data, never store objects, so a page passes what it has read:

* trials: dicts or objects with ``learner``, ``train_time``, ``val_metric``, ``trial``,
  ``experiment`` (a label) and, for :func:`parallel_coordinates`, ``params`` (a
  :class:`~core.experiments.entities.Run` works as is, without ``experiment``);
* predictions: ``{label: Predictions}`` (:class:`core.evaluation.scoring.Predictions`: ``task``,
  ``classes``, ``y_true``, ``y_pred``, ``proba``, ``repeat``). Legend entries are the labels as
  given. ``learners={label: learner}`` colours each model by its learner (models of one learner
  then differ by dash or marker); without it each label gets its own colour.

Empty input gives a titled figure whose annotation says what is missing, never an exception
and never ``None``. Models a chart cannot draw (a regressor on a ROC chart, a classifier
without probabilities, a class it never saw) are left out and named under the title.

Example:
    >>> fig = roc_curves({"lgbm #3": preds_a, "rf #7": preds_b})
    >>> [t.name for t in fig.data][:2]
    ['lgbm #3', 'rf #7']
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from core.data.charts import (
    Translate,
    _decade_ticks,
    _esc,
    _field,
    _figure,
    _go,
    _num,
    _placeholder,
    _same,
    _template,
    colour_for,
    colour_map,
)
from core.errors import InvalidInput

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from core.evaluation.scoring import Predictions

DIRECTIONS = ("max", "min")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x")
MAX_POINTS = 4000
"""At most this many rows per model on a scatter chart (a seeded sample beyond it)."""
DECADES = 100.0
"""A positive axis whose largest value is this many times its smallest goes on a log scale."""
FAINT = 0.3
FRONT_COLOUR = "#222"
CHANCE = {"dash": "dot", "color": "#999", "width": 1}
LEGEND = {"title": {"text": ""}, "orientation": "v", "yanchor": "top", "y": 1.0, "x": 1.02, "xanchor": "left"}


# ---------------------------------------------------------------- shared pieces

def _direction(direction: str | None, metric: str | None = None) -> str:
    """The direction as given, or (None) the metric's own (``core.experiments.spec.metric_direction``)."""
    if direction is None and metric is not None:
        from core.experiments.spec import metric_direction

        return metric_direction(metric)
    if direction not in DIRECTIONS:
        raise InvalidInput(f"'{direction}' is not a direction.", hint="Use 'max' (higher is better) or 'min'.")
    return direction


def _better_note(direction: str, tr: Translate) -> str:
    return tr("higher is better") if direction == "max" else tr("lower is better")


def _finite(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _spans_decades(values: Sequence[float]) -> bool:
    return bool(values) and min(values) > 0 and max(values) / min(values) >= DECADES


def _with_note(title: str, notes: Sequence[str]) -> str:
    """The title, with a second line in small type for what was left out or sampled."""
    return title + "<br><sup>" + " · ".join(notes) + "</sup>" if notes else title


def _styles(labels: Sequence[str], learners: Mapping[str, str] | None) -> dict[str, tuple[str, str, str]]:
    """``{label: (colour, dash, symbol)}``: the learner's colour when known (else one per label, see
    :func:`colour_map`); models sharing a colour differ by dash and marker, in the order given."""
    if learners:
        colours = {label: colour_for(learners.get(label, label)) for label in labels}
    else:
        palette = colour_map(labels)
        colours = {label: palette[str(label)] for label in labels}
    seen: dict[str, int] = {}
    out = {}
    for label in labels:
        n = seen.get(colours[label], 0)
        seen[colours[label]] = n + 1
        out[label] = (colours[label], DASHES[n % len(DASHES)], SYMBOLS[n % len(SYMBOLS)])
    return out


def _legend_layout(n: int) -> dict[str, Any]:
    """A legend beside the plot; with many entries it scrolls instead of squeezing the plot."""
    return {"legend": dict(LEGEND), "margin": {"l": 60, "r": 20, "t": 80, "b": 60},
            "height": 460 if n <= 12 else 560}


def _faint(colour: str, alpha: float = 0.12) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _sample(n: int, seed: int = 0) -> np.ndarray:
    if n <= MAX_POINTS:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, MAX_POINTS, replace=False))


def _n_repeats(pred: Any) -> int:
    repeat = getattr(pred, "repeat", None)
    return int(len(np.unique(repeat))) if repeat is not None and len(repeat) else 1


def _classifier_scores(
    predictions: Mapping[str, Predictions], positive: Any, tr: Translate
) -> tuple[list[tuple[str, np.ndarray, np.ndarray]], str | None, list[str]]:
    """Per usable model: (label, 1 where the true class is ``positive``, probability of it); the class; skipped."""
    used, skipped = [], []
    chosen = None if positive is None else str(positive)  # classes are compared as text (1 and "1" alike)
    for label, pred in predictions.items():
        name = _esc(label)
        classes = [str(c) for c in (getattr(pred, "classes", None) or [])]
        if getattr(pred, "task", None) == "regression" or not classes:
            skipped.append(tr("{model}: not a classifier").format(model=name))
            continue
        if getattr(pred, "proba", None) is None:
            skipped.append(tr("{model}: no probabilities").format(model=name))
            continue
        if chosen is None:
            chosen = classes[1] if len(classes) == 2 else classes[0]
        if chosen not in classes:
            skipped.append(tr("{model}: no class {cls}").format(model=name, cls=_esc(chosen)))
            continue
        proba = np.asarray(pred.proba, dtype=float)
        y_true = np.asarray(pred.y_true)
        if proba.ndim != 2 or proba.shape != (len(y_true), len(classes)):
            raise InvalidInput(f"The predictions of '{label}' do not match its classes.",
                               hint="Pass probabilities with one row per held-out row and one column per class.")
        k = classes.index(chosen)
        hits = (y_true == k).astype(int)
        if hits.min(initial=1) == hits.max(initial=0):
            skipped.append(tr("{model}: only one class in its rows").format(model=name))
            continue
        used.append((label, hits, proba[:, k]))
    return used, chosen, skipped


def _regressions(predictions: Mapping[str, Predictions], tr: Translate
                 ) -> tuple[list[tuple[str, np.ndarray, np.ndarray]], list[str]]:
    used, skipped = [], []
    for label, pred in predictions.items():
        if getattr(pred, "task", None) != "regression":
            skipped.append(tr("{model}: not a regressor").format(model=_esc(label)))
            continue
        y_true = np.asarray(pred.y_true, dtype=float)
        y_pred = np.asarray(pred.y_pred, dtype=float)
        ok = np.isfinite(y_true) & np.isfinite(y_pred)
        if not ok.any():
            skipped.append(tr("{model}: no predictions").format(model=_esc(label)))
            continue
        used.append((label, y_true[ok], y_pred[ok]))
    return used, skipped


# ---------------------------------------------------------------- searches and trials

def best_metric_over_time(
    series: Mapping[str, Sequence[tuple[float, float | None]]],
    metric: str,
    direction: str,
    *,
    tr: Translate = _same,
) -> go.Figure:
    """The best validation score so far against wall time, one step line per experiment, overlaid.

    A marker sits at each improvement; the line runs on to the experiment's last trial.

    Args:
        series: ``{experiment label: [(seconds since the search started, validation metric), ...]}``;
            points without a value are ignored, order does not matter.
        metric: the metric's name (axis title).
        direction: ``"max"`` if higher is better, else ``"min"``.
        tr: translates the English text templates (see the module docstring).

    Returns:
        The figure (a titled placeholder when no experiment has a finished trial).

    Raises:
        InvalidInput: if ``direction`` is neither ``"max"`` nor ``"min"``.
    """
    _direction(direction)
    name = _esc(metric)
    title = tr("Best validation {metric} over time").format(metric=name)
    palette = colour_map(series)
    hover = ("%{customdata}<br>" + tr("{s} s").format(s="%{x:.1f}") + "<br>"
             + tr("best {metric} so far: {value}").format(metric=name, value="%{y:.4g}") + "<extra></extra>")
    traces = []
    for label, points in series.items():
        done = sorted((float(t), v) for t, v in ((_finite(a), _finite(b)) for a, b in points)
                      if t is not None and v is not None)
        if not done:
            continue
        xs, ys, sizes, best = [], [], [], None
        for t, v in done:
            if best is None or (v > best if direction == "max" else v < best):
                best = v
                xs.append(t)
                ys.append(v)
                sizes.append(7)
        if xs[-1] < done[-1][0]:  # carry the best on to the last trial
            xs.append(done[-1][0])
            ys.append(best)
            sizes.append(0)
        traces.append({"type": "scatter", "mode": "lines+markers", "name": _esc(label), "x": xs, "y": ys,
                       "line": {"shape": "hv", "color": palette[str(label)], "width": 2},
                       "marker": {"size": sizes, "color": palette[str(label)]},
                       "customdata": [_esc(label)] * len(xs), "hovertemplate": hover})
    if not traces:
        return _placeholder(title, tr("No finished trial yet."))
    y_title = tr("best validation {metric} ({better})").format(metric=name, better=_better_note(direction, tr))
    layout = _legend_layout(len(traces))
    layout["legend"]["title"] = {"text": tr("experiment")}
    return _figure(traces, title, tr("wall time since start (s)"), y_title, **layout)


def trial_scatter(trials: Sequence[Mapping[str, Any] | Any], metric: str, *, tr: Translate = _same) -> go.Figure:
    """Every trial's validation score against its training time, coloured by learner.

    The time axis is logarithmic when the times span two decades or more.

    Args:
        trials: dicts or objects with ``learner``, ``train_time`` (s), ``val_metric``, ``trial``
            and optionally ``experiment`` (a label shown on hover); trials missing a time or a
            score are ignored.
        metric: the metric's name (axis title).
        tr: translates the English text templates (see the module docstring).

    Returns:
        The figure (a titled placeholder without a finished trial).
    """
    name = _esc(metric)
    title = tr("Validation {metric} against training time").format(metric=name)
    done = [t for t in trials if _finite(_field(t, "train_time")) is not None
            and _finite(_field(t, "val_metric")) is not None]
    if not done:
        return _placeholder(title, tr("No finished trial yet."))
    hover = ("%{customdata[0]} · " + tr("trial {n}").format(n="%{customdata[1]}") + "<br>%{customdata[2]}<br>"
             + tr("{s} s").format(s="%{x:.3g}") + "<br>" + name + " %{y:.4g}<extra></extra>")
    traces = []
    for learner in sorted({str(_field(t, "learner")) for t in done}):
        pts = [t for t in done if str(_field(t, "learner")) == learner]
        traces.append({
            "type": "scatter", "mode": "markers", "name": _esc(learner),
            "x": [float(_field(t, "train_time")) for t in pts], "y": [float(_field(t, "val_metric")) for t in pts],
            "marker": {"color": colour_for(learner), "size": 8, "opacity": 0.75,
                       "line": {"width": 0.5, "color": "white"}},
            "customdata": [[_esc(learner), _field(t, "trial", ""), _esc(_field(t, "experiment", "") or "")]
                           for t in pts],
            "hovertemplate": hover,
        })
    times = [float(_field(t, "train_time")) for t in done]
    log_x = _spans_decades(times)
    x_title = tr("training time (s, log scale)") if log_x else tr("training time (s)")
    layout = _legend_layout(len(traces))
    layout["legend"]["title"] = {"text": tr("learner")}
    return _figure(traces, title, x_title, tr("validation {metric}").format(metric=name),
                   xaxis={"type": "log"} if log_x else {}, **layout)


def _dimension(key: str, values: list[Any], tr: Translate) -> dict[str, Any] | None:
    """One parallel-coordinates axis for a hyperparameter (None when it never varies)."""
    present = [v for v in values if v is not None]
    if len({repr(v) for v in present}) < 2:
        return None
    label = _esc(key)
    numbers = [_finite(v) for v in present]
    if all(x is not None for x in numbers):
        if _spans_decades(numbers):
            ticks = _decade_ticks(min(numbers), max(numbers))
            return {"label": tr("{param} (log scale)").format(param=label),
                    "values": [math.log10(x) if (x := _finite(v)) is not None else None for v in values],
                    "tickvals": ticks["tickvals"], "ticktext": ticks["ticktext"]}
        return {"label": label, "values": [_finite(v) for v in values]}
    cats = sorted({str(v) for v in present})
    codes = {c: i for i, c in enumerate(cats)}
    return {"label": label, "values": [codes[str(v)] if v is not None else None for v in values],
            "tickvals": list(range(len(cats))), "ticktext": [_esc(c) for c in cats],
            "range": [-0.5, len(cats) - 0.5]}


def parallel_coordinates(
    trials: Sequence[Mapping[str, Any] | Any],
    metric: str,
    *,
    direction: str | None = None,
    tr: Translate = _same,
) -> go.Figure:
    """The hyperparameters of one learner's trials as parallel axes, each line coloured by its score.

    Numeric parameters spanning two decades or more are drawn as log10 of their values, with
    ticks that say the values and "(log scale)" in the axis name; categorical and boolean
    ones get an axis with one tick per value. Parameters that never vary are left out.
    The last axis is the validation metric; the colour scale makes better scores bright.

    Args:
        trials: one learner's trials, dicts or objects with ``params`` (a dict), ``val_metric``
            and ``learner``; trials without a score are ignored.
        metric: the metric's name (last axis and colour bar).
        direction: ``"max"`` if higher is better, ``"min"`` if lower; None: the metric's own direction.
        tr: translates the English text templates (see the module docstring).

    Returns:
        The figure (a titled placeholder without scored trials or without a varying parameter).

    Raises:
        InvalidInput: if the trials come from more than one learner, or ``direction`` is unknown.
    """
    direction = _direction(direction, metric)
    learners = sorted({str(_field(t, "learner")) for t in trials if _field(t, "learner") is not None})
    if len(learners) > 1:
        raise InvalidInput(f"Parallel coordinates need the trials of one learner, not {', '.join(learners)}.",
                           hint="Pick one learner; each has its own hyperparameters.")
    name = _esc(metric)
    title = (tr("Hyperparameters of the {learner} trials").format(learner=_esc(learners[0])) if learners
             else tr("Hyperparameters of the trials"))
    done = [t for t in trials if _finite(_field(t, "val_metric")) is not None]
    if not done:
        return _placeholder(title, tr("No finished trial yet."))
    params = [dict(_field(t, "params") or {}) for t in done]
    keys = list(dict.fromkeys(k for p in params for k in p))
    dims = [d for k in keys if (d := _dimension(k, [p.get(k) for p in params], tr)) is not None]
    if not dims:
        return _placeholder(title, tr("No hyperparameter varies between these trials."))
    scores = [float(_field(t, "val_metric")) for t in done]
    dims.append({"label": tr("validation {metric}").format(metric=name), "values": scores})
    line = {"color": scores, "colorscale": "Viridis", "reversescale": direction == "min", "showscale": True,
            "colorbar": {"title": {"text": name}}}
    trace = {"type": "parcoords", "dimensions": dims, "line": line,
             "labelfont": {"size": 12}, "tickfont": {"size": 10}, "labelangle": 0}
    title = _with_note(title, [tr("{n} trials, {better}").format(n=len(done), better=_better_note(direction, tr))])
    return _figure([trace], title, None, None, height=460, margin={"l": 70, "r": 40, "t": 120, "b": 40})


def metric_by_learner(
    trials: Sequence[Mapping[str, Any] | Any],
    metric: str,
    *,
    direction: str | None = None,
    tr: Translate = _same,
) -> go.Figure:
    """The distribution of validation scores per learner, best median first: a box with every trial in it.

    Args:
        trials: dicts or objects with ``learner``, ``val_metric``, ``trial`` and optionally
            ``experiment``; trials without a score are ignored.
        metric: the metric's name (axis title).
        direction: ``"max"`` if higher is better, ``"min"`` if lower; None: the metric's own direction.
        tr: translates the English text templates (see the module docstring).

    Returns:
        The figure (a titled placeholder without a finished trial).

    Raises:
        InvalidInput: if ``direction`` is unknown.
    """
    direction = _direction(direction, metric)
    name = _esc(metric)
    title = tr("Validation {metric} by learner").format(metric=name)
    done = [t for t in trials if _finite(_field(t, "val_metric")) is not None]
    if not done:
        return _placeholder(title, tr("No finished trial yet."))
    groups: dict[str, list[Any]] = {}
    for t in done:
        groups.setdefault(str(_field(t, "learner")), []).append(t)
    sign = -1 if direction == "max" else 1
    order = sorted(groups, key=lambda k: (sign * float(np.median([float(_field(t, "val_metric")) for t in groups[k]])),
                                          k))
    hover = ("%{x} · " + tr("trial {n}").format(n="%{customdata[0]}") + "<br>%{customdata[1]}<br>"
             + name + " %{y:.4g}<extra></extra>")
    traces = []
    for learner in order:
        pts = groups[learner]
        traces.append({
            "type": "box", "name": _esc(learner), "x": [_esc(learner)] * len(pts),
            "y": [float(_field(t, "val_metric")) for t in pts],
            "boxpoints": "all", "jitter": 0.4, "pointpos": 0, "marker": {"color": colour_for(learner), "size": 5,
                                                                           "opacity": 0.6},
            "line": {"color": colour_for(learner)}, "fillcolor": "rgba(0,0,0,0)",
            "customdata": [[_field(t, "trial", ""), _esc(_field(t, "experiment", "") or "")] for t in pts],
            "hovertemplate": hover,
        })
    y_title = tr("validation {metric} ({better})").format(metric=name, better=_better_note(direction, tr))
    return _figure(traces, title, tr("learner"), y_title, xaxis={"type": "category"}, showlegend=False)


# ---------------------------------------------------------------- accuracy against latency

def pareto(points: Sequence[Mapping[str, Any] | Any], direction: str) -> list[bool]:
    """Which points are on the accuracy/latency Pareto front (not dominated by another point).

    A point is dominated when another has a metric at least as good and a latency at
    least as low, and is strictly better in one of the two. Points that tie on both are
    all on the front. Points missing either value are never on it.

    Args:
        points: dicts or objects with ``metric_value`` and ``latency_ms``.
        direction: ``"max"`` if a higher metric is better, else ``"min"``.

    Returns:
        One flag per point, in order: True when it is on the front.

    Raises:
        InvalidInput: if ``direction`` is neither ``"max"`` nor ``"min"``.
    """
    _direction(direction)
    sign = 1.0 if direction == "max" else -1.0
    scored = []
    for i, p in enumerate(points):
        value, latency = _finite(_field(p, "metric_value")), _finite(_field(p, "latency_ms"))
        if value is not None and latency is not None:
            scored.append((latency, -sign * value, i))
    scored.sort()
    front = [False] * len(points)
    best_faster = -math.inf  # best goodness among strictly faster points
    at = 0
    while at < len(scored):
        end = at
        while end < len(scored) and scored[end][0] == scored[at][0]:
            end += 1
        group = scored[at:end]
        top = max(-g for _, g, _ in group)
        for _, g, i in group:
            goodness = -g
            front[i] = goodness > best_faster and goodness >= top
        best_faster = max(best_faster, top)
        at = end
    return front


def pareto_front(
    points: Sequence[Mapping[str, Any] | Any],
    metric: str,
    direction: str,
    *,
    latency: str = "p50",
    tr: Translate = _same,
) -> go.Figure:
    """Models by held-out metric against single-row latency, with the non-dominated ones marked.

    Models on the Pareto front (:func:`pareto`) are drawn large and labelled, joined by a
    stepped line (the best metric reachable within each latency); the others are faded.
    Colour is the learner's. The latency axis is logarithmic when latencies span two
    decades or more; a line under the title says which way is better.

    Args:
        points: dicts or objects with ``label``, ``learner``, ``metric_value`` and ``latency_ms``;
            models missing either value are counted under the title, not drawn.
        metric: the metric's name (axis title).
        direction: ``"max"`` if a higher metric is better, else ``"min"``.
        latency: which latency the points carry (``p50``, ``p95``, ``p99``; shown in the axis title).
        tr: translates the English text templates (see the module docstring).

    Returns:
        The figure (a titled placeholder when no model has both values).

    Raises:
        InvalidInput: if ``direction`` is neither ``"max"`` nor ``"min"``.
    """
    flags = pareto(points, direction)
    name = _esc(metric)
    title = tr("{metric} against prediction latency").format(metric=name)
    drawn = [(p, f) for p, f in zip(points, flags, strict=True)
             if _finite(_field(p, "metric_value")) is not None and _finite(_field(p, "latency_ms")) is not None]
    left_out = len(points) - len(drawn)
    notes = [tr("models without a benchmark or a metric, not shown: {n}").format(n=left_out)] if left_out else []
    if not drawn:
        return _placeholder(title, tr("Benchmark and evaluate models to compare their accuracy and speed."))
    on_front, off_front = tr("on the Pareto front"), tr("dominated")
    hover = ("<b>%{customdata[0]}</b><br>%{customdata[1]}<br>" + name + " %{y:.4g}<br>"
             + tr("{ms} ms").format(ms="%{x:.3g}") + "<br>%{customdata[2]}<extra></extra>")
    # Labels alternate along the front, below-right then above-left, so neighbours do not overlap
    # (the region above-left of a front point is empty; below-right hold only faded points).
    ordered = sorted((p for p, f in drawn if f), key=lambda p: float(_field(p, "latency_ms")))
    place = {id(p): "bottom right" if i % 2 == 0 else "top left" for i, p in enumerate(ordered)}
    traces = []
    for learner in sorted({str(_field(p, "learner")) for p, _ in drawn}):
        pts = [(p, f) for p, f in drawn if str(_field(p, "learner")) == learner]
        traces.append({
            "type": "scatter", "mode": "markers+text", "name": _esc(learner),
            "x": [float(_field(p, "latency_ms")) for p, _ in pts],
            "y": [float(_field(p, "metric_value")) for p, _ in pts],
            "text": [_esc(_field(p, "label")) if f else "" for p, f in pts],
            "textposition": [place.get(id(p), "top left") for p, _ in pts],
            "textfont": {"size": 11},
            "marker": {"color": colour_for(learner), "size": [13 if f else 8 for _, f in pts],
                       "opacity": [1.0 if f else FAINT for _, f in pts],
                       "symbol": ["diamond" if f else "circle" for _, f in pts],
                       "line": {"width": [1.5 if f else 0 for _, f in pts], "color": FRONT_COLOUR}},
            "customdata": [[_esc(_field(p, "label")), _esc(learner), on_front if f else off_front] for p, f in pts],
            "hovertemplate": hover, "cliponaxis": False,
        })
    front = sorted((float(_field(p, "latency_ms")), float(_field(p, "metric_value"))) for p, f in drawn if f)
    traces.insert(0, {"type": "scatter", "mode": "lines", "name": tr("Pareto front"),
                      "x": [x for x, _ in front], "y": [y for _, y in front], "hoverinfo": "skip",
                      "line": {"shape": "hv", "color": FRONT_COLOUR, "width": 1.5, "dash": "dash"}})
    latencies = [float(_field(p, "latency_ms")) for p, _ in drawn]
    log_x = _spans_decades(latencies)
    x_title = (tr("single-row latency {which} (ms, log scale)") if log_x
               else tr("single-row latency {which} (ms)")).format(which=_esc(latency))
    values = [float(_field(p, "metric_value")) for p, _ in drawn]
    span = (max(values) - min(values)) or abs(max(values)) or 1.0
    yaxis = {"range": [min(values) - 0.06 * span, max(values) + 0.12 * span]}  # room for the labels on top
    better = (tr("better: up and to the left (faster, higher {metric})") if direction == "max"
              else tr("better: down and to the left (faster, lower {metric})"))
    notes.insert(0, better.format(metric=name))
    layout = _legend_layout(len(traces))
    layout["legend"]["title"] = {"text": tr("learner")}
    return _figure(traces, _with_note(title, notes), x_title, name, xaxis={"type": "log"} if log_x else {},
                   yaxis=yaxis, **layout)


# ---------------------------------------------------------------- classification overlays

def roc_curves(
    predictions: Mapping[str, Predictions],
    *,
    positive: Any = None,
    learners: Mapping[str, str] | None = None,
    tr: Translate = _same,
) -> go.Figure:
    """ROC curves of several classifiers on their held-out rows, overlaid, with the chance diagonal.

    Binary: the positive class is ``classes[1]`` unless ``positive`` names the other one.
    Multiclass: one class against the rest (``positive``, default the first class).
    The hover shows each curve's area (AUC).

    Args:
        predictions: ``{label: Predictions}``; legend entries are the labels.
        positive: the class drawn as positive, as in ``Predictions.classes`` (compared as text).
        learners: ``{label: learner}`` to colour each model by its learner.
        tr: translates the English text templates (see the module docstring).

    Returns:
        The figure (a titled placeholder when no model can be drawn).

    Raises:
        InvalidInput: if a model's probabilities do not match its rows or classes.
    """
    from sklearn.metrics import roc_auc_score, roc_curve

    used, cls, skipped = _classifier_scores(predictions, positive, tr)
    title = tr("ROC curves") if cls is None else tr("ROC curves: {cls} against the rest").format(cls=_esc(cls))
    if not used:
        return _placeholder(_with_note(title, skipped), tr("No classifier with probabilities to draw."))
    styles = _styles([u[0] for u in used], learners)
    traces = [{"type": "scatter", "mode": "lines", "name": tr("chance"), "x": [0, 1], "y": [0, 1],
               "line": CHANCE, "hoverinfo": "skip"}]
    for label, hits, score in used:
        fpr, tpr, _ = roc_curve(hits, score)
        auc = float(roc_auc_score(hits, score))
        colour, dash, _ = styles[label]
        traces.append({"type": "scatter", "mode": "lines", "name": _esc(label), "x": fpr, "y": tpr,
                       "line": {"color": colour, "dash": dash, "width": 2},
                       "hovertemplate": _esc(label) + "<br>" + tr("AUC {value}").format(value=f"{auc:.3f}")
                       + "<br>" + tr("false positive rate") + " %{x:.3f}<br>" + tr("true positive rate")
                       + " %{y:.3f}<extra></extra>"})
    axis = {"range": [-0.02, 1.02], "constrain": "domain"}
    return _figure(traces, _with_note(title, skipped), tr("false positive rate"), tr("true positive rate"),
                   xaxis=axis, yaxis=axis, **_legend_layout(len(traces)))


def pr_curves(
    predictions: Mapping[str, Predictions],
    *,
    positive: Any = None,
    learners: Mapping[str, str] | None = None,
    tr: Translate = _same,
) -> go.Figure:
    """Precision-recall curves of several classifiers, overlaid, with the baseline prevalence.

    The baseline is the share of positive rows (what a model guessing at random reaches);
    one dotted line when every model was scored on the same share, else one per model in
    its colour. The hover shows each curve's average precision.

    Args:
        predictions: ``{label: Predictions}``; legend entries are the labels.
        positive: the class drawn as positive (as in :func:`roc_curves`).
        learners: ``{label: learner}`` to colour each model by its learner.
        tr: translates the English text templates (see the module docstring).

    Returns:
        The figure (a titled placeholder when no model can be drawn).

    Raises:
        InvalidInput: if a model's probabilities do not match its rows or classes.
    """
    from sklearn.metrics import average_precision_score, precision_recall_curve

    used, cls, skipped = _classifier_scores(predictions, positive, tr)
    title = (tr("Precision and recall") if cls is None
             else tr("Precision and recall: {cls} against the rest").format(cls=_esc(cls)))
    if not used:
        return _placeholder(_with_note(title, skipped), tr("No classifier with probabilities to draw."))
    styles = _styles([u[0] for u in used], learners)
    prevalences = {label: float(hits.mean()) for label, hits, _ in used}
    shared = max(prevalences.values()) - min(prevalences.values()) < 1e-9
    traces = []
    if shared:
        p = next(iter(prevalences.values()))
        traces.append({"type": "scatter", "mode": "lines", "x": [0, 1], "y": [p, p], "line": CHANCE,
                       "name": tr("baseline (prevalence {share})").format(share=f"{p:.1%}"), "hoverinfo": "skip"})
    for label, hits, score in used:
        precision, recall, _ = precision_recall_curve(hits, score)
        ap = float(average_precision_score(hits, score))
        colour, dash, _ = styles[label]
        traces.append({"type": "scatter", "mode": "lines", "name": _esc(label), "x": recall, "y": precision,
                       "line": {"color": colour, "dash": dash, "width": 2, "shape": "hv"}, "legendgroup": _esc(label),
                       "hovertemplate": _esc(label) + "<br>" + tr("average precision {value}").format(value=f"{ap:.3f}")
                       + "<br>" + tr("recall") + " %{x:.3f}<br>" + tr("precision") + " %{y:.3f}<extra></extra>"})
        if not shared:
            p = prevalences[label]
            traces.append({"type": "scatter", "mode": "lines", "x": [0, 1], "y": [p, p], "showlegend": False,
                           "name": tr("baseline (prevalence {share})").format(share=f"{p:.1%}"),
                           "legendgroup": _esc(label), "line": {"dash": "dot", "color": colour, "width": 1},
                           "hovertemplate": tr("baseline (prevalence {share})").format(share=f"{p:.1%}")
                           + "<extra></extra>"})
    axis = {"range": [-0.02, 1.02]}
    return _figure(traces, _with_note(title, skipped), tr("recall"), tr("precision"),
                   xaxis=axis, yaxis=axis, **_legend_layout(len(traces)))


def calibration_curves(
    predictions: Mapping[str, Predictions],
    *,
    positive: Any = None,
    bins: int = 10,
    strategy: str = "uniform",
    learners: Mapping[str, str] | None = None,
    tr: Translate = _same,
) -> go.Figure:
    """Reliability diagram: the observed share of a class against the mean predicted probability, per bin.

    A well-calibrated model follows the diagonal: of the rows given 70%, about 70% are
    the class. Empty bins are skipped; the hover gives each bin's row count.

    Args:
        predictions: ``{label: Predictions}``; legend entries are the labels.
        positive: the class whose probability is checked (as in :func:`roc_curves`).
        bins: how many bins (2 to 50).
        strategy: ``"uniform"`` (equal-width bins of probability) or ``"quantile"`` (bins with
            about as many rows each).
        learners: ``{label: learner}`` to colour each model by its learner.
        tr: translates the English text templates (see the module docstring).

    Returns:
        The figure (a titled placeholder when no model can be drawn).

    Raises:
        InvalidInput: if ``strategy`` or ``bins`` is out of range, or probabilities do not match.
    """
    if strategy not in ("uniform", "quantile"):
        raise InvalidInput(f"'{strategy}' is not a binning strategy.", hint="Use 'uniform' or 'quantile'.")
    if not 2 <= int(bins) <= 50:
        raise InvalidInput(f"{bins} bins is out of range.", hint="Use 2 to 50 bins.")
    used, cls, skipped = _classifier_scores(predictions, positive, tr)
    title = tr("Calibration") if cls is None else tr("Calibration: {cls}").format(cls=_esc(cls))
    if not used:
        return _placeholder(_with_note(title, skipped), tr("No classifier with probabilities to draw."))
    styles = _styles([u[0] for u in used], learners)
    traces = [{"type": "scatter", "mode": "lines", "name": tr("perfectly calibrated"), "x": [0, 1], "y": [0, 1],
               "line": CHANCE, "hoverinfo": "skip"}]
    hover = tr("predicted {p}, observed {o}").format(p="%{x:.2f}", o="%{y:.2f}") + "<br>" + tr("{count} rows").format(
        count="%{customdata:,}")
    for label, hits, score in used:
        if strategy == "quantile":
            edges = np.unique(np.quantile(score, np.linspace(0, 1, int(bins) + 1)))
        else:
            edges = np.linspace(0, 1, int(bins) + 1)
        which = np.clip(np.searchsorted(edges[1:-1], score, side="right"), 0, max(len(edges) - 2, 0))
        counts = np.bincount(which, minlength=len(edges) - 1)
        keep = counts > 0
        mean_p = np.bincount(which, weights=score, minlength=len(counts))[keep] / counts[keep]
        share = np.bincount(which, weights=hits, minlength=len(counts))[keep] / counts[keep]
        colour, dash, symbol = styles[label]
        traces.append({"type": "scatter", "mode": "lines+markers", "name": _esc(label), "x": mean_p, "y": share,
                       "customdata": counts[keep], "line": {"color": colour, "dash": dash, "width": 2},
                       "marker": {"color": colour, "symbol": symbol, "size": 7},
                       "hovertemplate": _esc(label) + "<br>" + hover + "<extra></extra>"})
    name = _esc(cls)
    axis = {"range": [-0.02, 1.02]}
    note = tr("{n} quantile bins") if strategy == "quantile" else tr("{n} equal-width bins")
    return _figure(traces, _with_note(title, [note.format(n=int(bins)), *skipped]),
                   tr("mean predicted probability of {cls}").format(cls=name),
                   tr("observed share of {cls}").format(cls=name), xaxis=axis, yaxis=axis,
                   **_legend_layout(len(traces)))


def _confusion(pred: Any) -> tuple[list[str], np.ndarray]:
    classes = [str(c) for c in pred.classes]
    k = len(classes)
    y_true = np.asarray(pred.y_true).astype(int)
    y_pred = np.asarray(pred.y_pred).astype(int)
    ok = (y_true >= 0) & (y_true < k) & (y_pred >= 0) & (y_pred < k)
    matrix = np.bincount(y_true[ok] * k + y_pred[ok], minlength=k * k).reshape(k, k).astype(float)
    return classes, matrix / _n_repeats(pred)


def confusion_matrices(
    predictions: Mapping[str, Predictions],
    *,
    normalize: bool = False,
    tr: Translate = _same,
) -> go.Figure:
    """Confusion matrices of several classifiers side by side (three per row), one colour scale for all.

    Rows are the true class, columns the predicted one; each cell says its count, or with
    ``normalize`` its share of the true class's rows (each row then sums to 100%), and the
    hover gives both. With repeated cross-validation the counts are the mean per repeat.

    Args:
        predictions: ``{label: Predictions}``; each matrix is titled by its label.
        normalize: shares of each true class instead of counts.
        tr: translates the English text templates (see the module docstring).

    Returns:
        The figure (a titled placeholder when no model is a classifier).
    """
    title = tr("Confusion matrices (share of each true class)") if normalize else tr("Confusion matrices (rows)")
    used, skipped = [], []
    for label, pred in predictions.items():
        if getattr(pred, "task", None) == "regression" or not getattr(pred, "classes", None):
            skipped.append(tr("{model}: not a classifier").format(model=_esc(label)))
        else:
            used.append((label, pred))
    if not used:
        return _placeholder(_with_note(title, skipped), tr("No classifier to draw."))
    from plotly.subplots import make_subplots

    cols = min(len(used), 3)
    rows = math.ceil(len(used) / cols)
    titles = []
    for label, pred in used:
        r = _n_repeats(pred)
        titles.append(_esc(label) if r == 1 else tr("{model} (mean of {n} repeats)").format(model=_esc(label), n=r))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, horizontal_spacing=0.12,
                        vertical_spacing=min(0.25, 0.6 / rows))
    matrices = [(label, *_confusion(pred)) for label, pred in used]
    top = 1.0 if normalize else max(float(m.max(initial=0)) for _, _, m in matrices) or 1.0
    hover = (tr("true {actual}, predicted {predicted}").format(actual="%{y}", predicted="%{x}") + "<br>"
             + tr("{count} rows").format(count="%{customdata[0]}") + " · "
             + tr("{share} of the true class").format(share="%{customdata[1]}") + "<extra></extra>")
    biggest = max(len(c) for _, c, _ in matrices)
    for i, (label, classes, matrix) in enumerate(matrices):
        totals = matrix.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = np.where(totals > 0, matrix / np.where(totals > 0, totals, 1), np.nan)
        names = [_esc(c) for c in classes]
        z = shares if normalize else matrix
        count_text = [[_num(v) if v == int(v) else f"{v:.1f}" for v in row] for row in matrix]
        share_text = [["–" if math.isnan(s) else f"{s:.0%}" for s in row] for row in shares]
        heat = {"type": "heatmap", "z": [[None if math.isnan(v) else float(v) for v in row] for row in z],
                "x": names, "y": names, "zmin": 0, "zmax": top, "colorscale": "Blues", "showscale": i == 0,
                "colorbar": {"title": {"text": tr("share") if normalize else tr("rows")},
                             "tickformat": ".0%" if normalize else ""},
                "customdata": [[[c, s] for c, s in zip(cr, sr, strict=True)]
                               for cr, sr in zip(count_text, share_text, strict=True)],
                "hovertemplate": hover, "name": _esc(label)}
        if biggest <= 20:
            heat["text"] = share_text if normalize else count_text
            heat["texttemplate"] = "%{text}"
            heat["textfont"] = {"size": 12 if biggest <= 8 else 9}
        row, col = i // cols + 1, i % cols + 1
        fig.add_trace(_go().Heatmap(**heat), row=row, col=col)
        fig.update_xaxes(title_text=tr("predicted class"), type="category", constrain="domain", row=row, col=col)
        fig.update_yaxes(title_text=tr("true class") if col == 1 else None, type="category", autorange="reversed",
                         scaleanchor=f"x{i + 1 if i else ''}", constrain="domain", row=row, col=col)
    side = 240 + 18 * min(biggest, 30)
    fig.update_layout(template=_template(), title={"text": _with_note(title, skipped), "x": 0.0, "xanchor": "left"},
                      height=80 + rows * side, margin={"l": 60, "r": 20, "t": 100, "b": 60})
    return fig


def per_class_table(predictions: Mapping[str, Predictions]) -> list[dict[str, Any]]:
    """Precision, recall, F1 and support of each class of each classifier, from its predicted labels.

    Precision is None for a class the model never predicts, recall for a class with no row
    (F1 is then None too). With repeated cross-validation the support is the rows per repeat.

    Args:
        predictions: ``{label: Predictions}``; regressors are skipped.

    Returns:
        ``[{"model", "class", "precision", "recall", "f1", "support"}]``, per model in order,
        classes in the model's order (``[]`` when none is a classifier).
    """
    rows = []
    for label, pred in predictions.items():
        if getattr(pred, "task", None) == "regression" or not getattr(pred, "classes", None):
            continue
        classes, matrix = _confusion(pred)
        for k, cls in enumerate(classes):
            hit, predicted, actual = matrix[k, k], matrix[:, k].sum(), matrix[k, :].sum()
            precision = float(hit / predicted) if predicted else None
            recall = float(hit / actual) if actual else None
            f1 = None
            if precision is not None and recall is not None:
                f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
            rows.append({"model": label, "class": cls, "precision": precision, "recall": recall, "f1": f1,
                         "support": int(round(actual))})
    return rows


# ---------------------------------------------------------------- regression overlays

def _scatter_traces(used: list[tuple[str, np.ndarray, np.ndarray]], styles: dict[str, tuple[str, str, str]],
                    x_of: Any, y_of: Any, hover: str) -> tuple[list[dict[str, Any]], bool]:
    traces, sampled = [], False
    opacity = 0.6 if len(used) <= 2 else 0.45
    for label, y_true, y_pred in used:
        idx = _sample(len(y_true))
        sampled |= len(idx) < len(y_true)
        colour, _, symbol = styles[label]
        traces.append({"type": "scatter", "mode": "markers", "name": _esc(label),
                       "x": x_of(y_true[idx], y_pred[idx]), "y": y_of(y_true[idx], y_pred[idx]),
                       "marker": {"color": colour, "symbol": symbol, "size": 6, "opacity": opacity},
                       "hovertemplate": _esc(label) + "<br>" + hover + "<extra></extra>"})
    return traces, sampled


def predicted_vs_actual(
    predictions: Mapping[str, Predictions],
    *,
    learners: Mapping[str, str] | None = None,
    tr: Translate = _same,
) -> go.Figure:
    """Each regressor's predictions against the actual values, overlaid, with the line y = x.

    Points on the line are exact. Beyond :data:`MAX_POINTS` rows a model shows a seeded sample
    (said under the title).

    Args:
        predictions: ``{label: Predictions}``; legend entries are the labels.
        learners: ``{label: learner}`` to colour each model by its learner.
        tr: translates the English text templates (see the module docstring).

    Returns:
        The figure (a titled placeholder when no model is a regressor).
    """
    title = tr("Predicted against actual")
    used, skipped = _regressions(predictions, tr)
    if not used:
        return _placeholder(_with_note(title, skipped), tr("No regressor to draw."))
    styles = _styles([u[0] for u in used], learners)
    hover = tr("actual {a}, predicted {p}").format(a="%{x:.4g}", p="%{y:.4g}")
    traces, sampled = _scatter_traces(used, styles, lambda t, p: t, lambda t, p: p, hover)
    lo = min(min(t.min(), p.min()) for _, t, p in used)
    hi = max(max(t.max(), p.max()) for _, t, p in used)
    traces.insert(0, {"type": "scatter", "mode": "lines", "name": tr("perfect prediction"), "x": [lo, hi],
                      "y": [lo, hi], "line": CHANCE, "hoverinfo": "skip"})
    notes = [tr("a sample of {n} rows per model").format(n=f"{MAX_POINTS:,}")] if sampled else []
    return _figure(traces, _with_note(title, [*notes, *skipped]), tr("actual value"), tr("predicted value"),
                   **_legend_layout(len(traces)))


def residuals_vs_predicted(
    predictions: Mapping[str, Predictions],
    *,
    learners: Mapping[str, str] | None = None,
    tr: Translate = _same,
) -> go.Figure:
    """Each regressor's residuals (actual − predicted) against its predictions, overlaid, with the zero line.

    A pattern (a funnel, a curve) means the error depends on the prediction. Beyond
    :data:`MAX_POINTS` rows a model shows a seeded sample.

    Args:
        predictions: ``{label: Predictions}``; legend entries are the labels.
        learners: ``{label: learner}`` to colour each model by its learner.
        tr: translates the English text templates (see the module docstring).

    Returns:
        The figure (a titled placeholder when no model is a regressor).
    """
    title = tr("Residuals against predicted")
    used, skipped = _regressions(predictions, tr)
    if not used:
        return _placeholder(_with_note(title, skipped), tr("No regressor to draw."))
    styles = _styles([u[0] for u in used], learners)
    hover = tr("predicted {p}, residual {r}").format(p="%{x:.4g}", r="%{y:.4g}")
    traces, sampled = _scatter_traces(used, styles, lambda t, p: p, lambda t, p: t - p, hover)
    zero = {"type": "line", "x0": 0, "x1": 1, "xref": "paper", "y0": 0, "y1": 0, "yref": "y",
            "line": {"color": "#666", "width": 1, "dash": "dash"}}
    notes = [tr("a sample of {n} rows per model").format(n=f"{MAX_POINTS:,}")] if sampled else []
    return _figure(traces, _with_note(title, [*notes, *skipped]), tr("predicted value"),
                   tr("residual (actual − predicted)"), shapes=[zero], **_legend_layout(len(traces)))


def residual_distribution(
    predictions: Mapping[str, Predictions],
    *,
    bins: int = 40,
    learners: Mapping[str, str] | None = None,
    tr: Translate = _same,
) -> go.Figure:
    """How each regressor's residuals are spread: a stepped histogram per model on shared bins, overlaid.

    Heights are the share of the model's rows, so models scored on different row counts
    compare; a narrow peak at zero is best.

    Args:
        predictions: ``{label: Predictions}``; legend entries are the labels.
        bins: how many bins (5 to 200).
        learners: ``{label: learner}`` to colour each model by its learner.
        tr: translates the English text templates (see the module docstring).

    Returns:
        The figure (a titled placeholder when no model is a regressor).

    Raises:
        InvalidInput: if ``bins`` is out of range.
    """
    if not 5 <= int(bins) <= 200:
        raise InvalidInput(f"{bins} bins is out of range.", hint="Use 5 to 200 bins.")
    title = tr("Distribution of residuals")
    used, skipped = _regressions(predictions, tr)
    if not used:
        return _placeholder(_with_note(title, skipped), tr("No regressor to draw."))
    styles = _styles([u[0] for u in used], learners)
    residuals = {label: t - p for label, t, p in used}
    pooled = np.concatenate(list(residuals.values()))
    lo, hi = float(pooled.min()), float(pooled.max())
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, int(bins) + 1)
    hover = "%{customdata}<br>" + tr("{share} of rows").format(share="%{y:.1f}%")
    traces = []
    for label, res in residuals.items():
        counts, _ = np.histogram(res, bins=edges)
        share = 100 * counts / max(len(res), 1)
        xs = np.append(edges[:-1], edges[-1])
        ys = np.append(share, share[-1])
        ranges = [tr("{low} to {high}").format(low=_num(a), high=_num(b)) for a, b in zip(edges[:-1], edges[1:],
                                                                                          strict=True)]
        colour, dash, _ = styles[label]
        traces.append({"type": "scatter", "mode": "lines", "name": _esc(label), "x": xs, "y": ys,
                       "line": {"shape": "hv", "color": colour, "dash": dash, "width": 2},
                       "fill": "tozeroy" if len(used) <= 3 else "none", "fillcolor": _faint(colour),
                       "customdata": [*ranges, ranges[-1]],
                       "hovertemplate": _esc(label) + "<br>" + hover + "<extra></extra>"})
    zero = {"type": "line", "x0": 0, "x1": 0, "xref": "x", "y0": 0, "y1": 1, "yref": "paper",
            "line": {"color": "#666", "width": 1, "dash": "dash"}}
    return _figure(traces, _with_note(title, skipped), tr("residual (actual − predicted)"),
                   tr("share of rows (%)"), shapes=[zero], yaxis={"rangemode": "tozero"},
                   **_legend_layout(len(traces)))
