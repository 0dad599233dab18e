"""The Explain page's views: what drives a model overall, for one row, and under a what-if.

The page explains one model (``?model=``) on one dataset version (``?version=``, the model's
held-out rows by default), at most ``?rows=`` rows. An explanation is computed once and stored
(:mod:`core.explain.service`); asking for the same model, version, rows and settings again
reads it back. Up to :func:`core.explain.service.inline_limit` rows (2,000; 100 for the slow
permutation explainer) are explained while the page waits; more run as an ``explain`` job whose
progress is shown here.

Views (``?tab=``): global (mean |SHAP| bars, the structure's own importance, beeswarm,
dependence), local (a row's waterfall; rows by number, by a column's value, or from the
largest errors and the most confident predictions), what-if (edit the row, see the new
prediction and its waterfall), compare (two models' importance side by side) and the model
card (the user's fields, and the card as Markdown and HTML to download).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from core.data import datasets
from core.errors import MLCycleError
from core.evaluation import registry
from core.experiments.entities import Model
from core.experiments.service import get_experiment, load_model
from core.explain import card as cards
from core.explain import charts, service
from core.explain.explainers import Explanation, choose_explainer, structure_importance
from core.modeling import ModelBundle
from core.workspace import Workspace
from ui import errors, fmt, i18n, pickers, state, url
from ui.fmt import escape_markdown
from ui.i18n import t, tk, tn
from ui.jobs import progress_panel

ROW_CHOICES = {"100": "100 rows", "200": "200 rows", "1000": "1,000 rows", "2000": "2,000 rows", "5000": "5,000 rows",
               "10000": "10,000 rows", "all": "every row"}
ALL_ROWS = 10**9
UNITS = {"log-odds": "log-odds", "probability": "probability", "decision value": "decision value", "value": "value"}
EXPLAINER_NAMES = {"tree": "TreeExplainer (exact for trees)", "linear": "LinearExplainer (exact for linear models)",
                   "permutation": "PermutationExplainer (sampled background)"}
PICK_BY = {"number": "Row number", "search": "A column's value", "errors": "Largest errors",
           "confident": "Most confident"}
CARD_LABELS = {
    "intended_use": "Intended use",
    "out_of_scope": "Out-of-scope uses",
    "factors": "Factors (groups, conditions the model may behave differently in)",
    "ethical_considerations": "Ethical considerations",
    "caveats": "Caveats and limitations",
    "recommendations": "Recommendations",
    "owners": "Owners and contact",
}
_CACHE = "explain_cache"  # loaded explanations, models and backgrounds of this session (a few)


# ---------------------------------------------------------------- small helpers

def _cached(key: tuple, make: Any) -> Any:
    cache: dict = st.session_state.setdefault(_CACHE, {})
    if key not in cache:
        if len(cache) >= 8:
            cache.pop(next(iter(cache)))
        cache[key] = make()
    return cache[key]


def bundle_of(ws: Workspace, model_id: str) -> ModelBundle:
    return _cached(("model", model_id), lambda: load_model(ws, model_id))


def _background(ws: Workspace, model_id: str, bundle: ModelBundle) -> pd.DataFrame:
    return _cached(("background", model_id), lambda: service.background_for(ws, model_id, bundle))


def _value_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return t("(missing)")
    if isinstance(value, float | np.floating):
        return fmt.num(float(value))
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return value.date().isoformat()
    return str(value)


# ---------------------------------------------------------------- choosing what to explain

def pick_data(ws: Workspace, project_id: str, model: Model, bundle: ModelBundle) -> tuple[str, int]:
    """The version box (the model's held-out rows first) and the rows box; returns (version id, rows).

    The rows default to 1,000, or 100 for a model only the (slow) permutation explainer explains.
    """
    exp = get_experiment(ws, model.experiment_id)
    options: dict[str, str] = {}
    numbers: dict[str, int] = {}
    owned = datasets.list_datasets(ws, project_id=project_id)
    by_dataset = datasets.list_versions_of(ws, [d.id for d in owned], include_archived=False)
    listed: list[Any] = []
    for versions in by_dataset.values():
        numbers |= {v.id: v.number for v in versions}
        listed += pickers.ordered(versions, include_splits=True)
    known = {v.id: v for v in listed}
    for vid, label in ((exp.test_version_id, t("Held-out rows of the experiment")),
                       (exp.train_version_id, t("Training rows of the experiment"))):
        if vid:
            version = known.get(vid) or datasets.get_version(ws, vid)
            options[vid] = f"{label} ({pickers.version_label(version, numbers)})"
    for v in listed:
        options.setdefault(v.id, pickers.version_label(v, numbers))
    left, right = st.columns([3, 1])
    default = exp.test_version_id or exp.dataset_version_id
    version_id = url.select(t("Rows from"), options, param="version", default=default, container=left,
                            clear=("row",))
    default_rows = str(service.default_rows(choose_explainer(bundle)))
    rows_key = url.select(t("Rows to explain"), {k: tk(v) for k, v in ROW_CHOICES.items()}, param="rows",
                          default=default_rows, container=right, clear=("row",))
    return version_id or default, ALL_ROWS if rows_key == "all" else int(rows_key or default_rows)


def explanation(ws: Workspace, model: Model, version_id: str, rows: int) -> tuple[Any, Explanation] | None:
    """The stored explanation, computed here when small, else queued as a job; ``None`` while it is not there."""
    with errors.shown():
        stored = service.find_explanation(ws, model.id, version_id=version_id, rows=rows)
        if stored is None:
            job = service.find_explain_job(ws, model.id)
            if job is not None:
                st.info(t("This model is being explained in the background; the views appear when it is done."))
                progress_panel(job.id, key="xpl_job", show_log=False, rerun_when_done=True)
                return None
            version = datasets.get_version(ws, version_id)
            n = min(rows, version.n_rows)
            if n > service.inline_limit(choose_explainer(bundle_of(ws, model.id))):
                st.info(t("Explaining {n} rows takes a while, so it runs as a job: you can leave this page and "
                          "come back.", n=fmt.count(n)))
                if st.button(tn("Explain {n} row", "Explain {n} rows", n, n=fmt.count(n)), key="xpl_go",
                             icon=":material/play_arrow:", type="primary"):
                    service.enqueue_explanation(ws, model.id, version_id=version_id, rows=rows,
                                                project_id=model.project_id)
                    st.rerun()
                return None
            with st.spinner(t("Explaining {n} rows…", n=fmt.count(n))):
                stored, _ = service.explain_model(ws, model.id, version_id=version_id, rows=rows)
        loaded = _cached(("explanation", stored.id), lambda: service.load_explanation(ws, stored))
    return stored, loaded


def summary(stored: Any, expl: Explanation, bundle: ModelBundle) -> None:
    """One paragraph: what was explained, how, in which units, and the base value."""
    units = tk(UNITS.get(expl.units, expl.units))
    base = ", ".join(f"{escape_markdown(o)}: {fmt.num(float(b))}" for o, b in zip(expl.outputs, expl.base_values,
                                                                               strict=True)) \
        if len(expl.outputs) > 1 else fmt.num(float(expl.base_values[0]))
    st.markdown(t("Explained **{n}** rows with {explainer}; SHAP values are in **{units}** and add up, from the "
                  "base value {base}, to the model's output for each row.", n=fmt.count(expl.n_rows),
                  explainer=tk(EXPLAINER_NAMES.get(expl.explainer, expl.explainer)), units=units, base=base))
    if bundle.task == "binary":
        st.caption(t("Positive values push towards {cls}.", cls=f"**{escape_markdown(expl.outputs[0])}**"))
    notes = [i18n.message(note, kind="NOTES") for note in stored.notes]
    st.caption(" ".join([t("Stored {when}; asking for the same model, rows and settings reuses it.",
                           when=fmt.ago(stored.created_at)), *map(escape_markdown, notes)]))


def pick_output(expl: Explanation) -> int:
    """The class box of a multiclass model (``?class=``); 0 otherwise."""
    if len(expl.outputs) <= 1:
        return 0
    options = {str(i): name for i, name in enumerate(expl.outputs)}
    chosen = url.select(t("Class"), options, param="class", default="0",
                        help=t("SHAP values of a multiclass model are per class: the push towards that class."))
    return int(chosen or 0)


# ---------------------------------------------------------------- global

def global_view(expl: Explanation, bundle: ModelBundle, output: int) -> None:
    """Mean |SHAP| per column, the structure's importance, the beeswarm and a dependence plot."""
    left, right = st.columns(2)
    left.plotly_chart(charts.importance_bar(expl.importance(output), units=expl.units, tr=tk), key="xpl_bar",
                      config={"displaylogo": False})
    structure = structure_importance(bundle)
    if structure is not None:
        right.plotly_chart(charts.structure_bar(structure, tr=tk), key="xpl_structure", config={"displaylogo": False})
    else:
        right.info(t("This kind of model ({learner}) has no importance of its own (such as tree gain or "
                     "coefficients); the SHAP values are the way to read it.", learner=bundle.learner))
    st.plotly_chart(charts.beeswarm(expl, output, tr=tk), key="xpl_beeswarm", config={"displaylogo": False})
    ranked = list(expl.importance(output).index)
    col_box, with_box = st.columns(2)
    column = url.select(t("Dependence of"), {c: c for c in ranked}, param="column", default=ranked[0],
                        container=col_box)
    choices = {"auto": t("strongest interaction (found for you)"), "none": t("no colour")}
    choices |= {c: c for c in ranked if c != column}
    colour = with_box.selectbox(t("Colour by"), list(choices), format_func=lambda c: choices[c], key="xpl_colour")
    interaction = None if colour == "none" else colour
    st.plotly_chart(charts.dependence(expl, column or ranked[0], output, interaction=interaction, tr=tk),
                    key="xpl_dependence", config={"displaylogo": False})


# ---------------------------------------------------------------- local

def _row_number(expl: Explanation, default: int | None = None) -> int:
    """The ``?row=`` the URL names when it is one of the explained rows, else the default (the first)."""
    wanted = url.get("row")
    index = list(expl.data.index)
    try:
        number = int(wanted) if wanted is not None else None
    except ValueError:
        number = None
    if number in index:
        return number
    if wanted is not None:
        st.warning(t("Row {row} is not among the explained rows; showing row {shown}.",
                     row=escape_markdown(wanted), shown=index[0] if default is None else default))
    return index[0] if default is None else default


def _choose(number: int) -> None:
    url.put(row=str(number))


def row_picker(ws: Workspace, model: Model, expl: Explanation) -> int:
    """Choose a row by number, by a column's value, or from the largest errors or most confident lists."""
    how = st.radio(t("Choose a row by"), list(PICK_BY), format_func=lambda k: tk(PICK_BY[k]), horizontal=True,
                   key="xpl_pick_by")
    current = _row_number(expl)
    if how == "number":
        numbers = list(expl.data.index)
        st.selectbox(t("Row"), numbers, index=numbers.index(current), key=f"xpl_row_{current}",
                     format_func=lambda n: t("Row {n}", n=n),
                     on_change=lambda: _choose(st.session_state[f"xpl_row_{current}"]))
    elif how == "search":
        left, right = st.columns([1, 2])
        column = left.selectbox(t("Column"), expl.columns, key="xpl_search_col")
        text = right.text_input(t("Value contains"), key="xpl_search_text",
                                placeholder=t("Type part of a value, then press Enter"))
        if text:
            positions = service.search_rows(expl, column, text)
            if not positions:
                st.info(t("No explained row has {text} in {column}.", text=f"`{escape_markdown(text)}`",
                          column=f"`{escape_markdown(column)}`"))
            else:
                labels = {int(expl.data.index[p]): t("Row {n} · {column} = {value}", n=int(expl.data.index[p]),
                                                      column=column, value=_value_text(expl.data.iloc[p][column]))
                          for p in positions}
                _list_picker(labels, current, "xpl_found")
    else:
        with errors.shown(stop=False):
            found = service.row_choices(ws, model.id, expl, kind=how, k=20)
            labels = {}
            for r in found.itertuples():
                if how == "errors":
                    labels[int(r.row)] = t("Row {n} · actual {actual}, predicted {predicted} (error {score})",
                                           n=int(r.row), actual=_value_text(r.actual),
                                           predicted=_value_text(r.predicted), score=fmt.num(float(r.score), 3))
                else:
                    labels[int(r.row)] = t("Row {n} · predicted {predicted} (confidence {score})", n=int(r.row),
                                           predicted=_value_text(r.predicted), score=fmt.num(float(r.score), 3))
            _list_picker(labels, current, f"xpl_{how}")
    return current  # a choice writes ?row= and reruns the page


def _list_picker(labels: dict[int, str], current: int, key: str) -> None:
    if not labels:
        return
    ids = list(labels)
    index = ids.index(current) if current in ids else None
    box_key = f"{key}_{current}"
    st.selectbox(t("Rows found"), ids, index=index, format_func=lambda n: labels[n], key=box_key,
                 placeholder=t("Choose one of {n} rows", n=len(ids)),
                 on_change=lambda: st.session_state[box_key] is not None and _choose(st.session_state[box_key]))


def _prediction_text(bundle: ModelBundle, row: pd.DataFrame) -> str:
    if bundle.is_classifier:
        proba = bundle.predict_proba(row)[0]
        best = int(np.argmax(proba))
        return t("predicted {label} (P = {p})", label=str(bundle.classes[best]), p=fmt.num(float(proba[best]), 3))
    return t("predicted {value}", value=fmt.num(float(bundle.predict(row)[0])))


def local_view(ws: Workspace, model: Model, expl: Explanation, bundle: ModelBundle, output: int,
               version_id: str) -> None:
    """Choose a row; see its prediction, its waterfall and its values with their contributions."""
    number = row_picker(ws, model, expl)
    position = list(expl.data.index).index(number)
    row = expl.data.iloc[[position]]
    headline = _prediction_text(bundle, row)
    full = _version_row(ws, version_id, number)
    if full is not None and bundle.target in full.index:
        headline += " · " + t("actual {value}", value=_value_text(full[bundle.target]))
    st.markdown(f"**{t('Row {n}', n=number)}**: {escape_markdown(headline)}")
    st.plotly_chart(charts.waterfall(expl, position, output, tr=tk, prediction_text=headline, units=expl.units),
                    key="xpl_waterfall", config={"displaylogo": False})
    values = expl.for_output(output)[position]
    table = pd.DataFrame({t("Column"): expl.columns, t("Value"): [_value_text(v) for v in row.iloc[0]],
                          t("SHAP value"): values})
    table = table.iloc[np.argsort(-np.abs(values), kind="stable")]
    st.dataframe(table, hide_index=True, width="stretch")


def _version_row(ws: Workspace, version_id: str, number: int) -> pd.Series | None:
    frame = _cached(("frame", version_id), lambda: datasets.load_frame(ws, version_id))
    return frame.iloc[number] if 0 <= number < len(frame) else None


# ---------------------------------------------------------------- what-if

def _widget(spec: dict[str, Any], value: Any, key: str) -> Any:
    name, kind = spec["name"], spec["kind"]
    missing = value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT
    if kind == "numeric":
        return st.number_input(name, value=None if missing else float(value), key=key, format="%g",
                               placeholder=t("missing"))
    if kind == "boolean":
        options = ["", "true", "false"]
        current = "" if missing else str(value).lower()
        return st.selectbox(name, options, index=options.index(current) if current in options else 0, key=key,
                            format_func=lambda o: o or t("(missing)"))
    if kind == "categorical":
        options = ["", *[str(c) for c in spec.get("categories") or []]]
        current = "" if missing else str(value)
        if current not in options:
            options.append(current)
        return st.selectbox(name, options, index=options.index(current), key=key, accept_new_options=True,
                            format_func=lambda o: o or t("(missing)"))
    return st.text_input(name, value="" if missing else _value_text(value), key=key)


def what_if_view(ws: Workspace, model: Model, expl: Explanation, bundle: ModelBundle, output: int) -> None:
    """Edit the chosen row's values and see the new prediction and its waterfall next to the original."""
    number = _row_number(expl)
    position = list(expl.data.index).index(number)
    row = expl.data.iloc[position]
    st.markdown(t("Change the values of row {n} and press **Predict**: the model predicts the edited row and "
                  "explains it at once.", n=number))
    order = list(expl.importance(output).index)
    schema = {s["name"]: s for s in bundle.input_schema}
    result_key = f"xpl_whatif_{model.id}_{number}"
    with st.form(f"xpl_whatif_form_{model.id}_{number}"):
        st.caption(t("Columns in order of importance."))
        grid = st.columns(3)
        entered: dict[str, Any] = {}
        for i, column in enumerate(order):
            with grid[i % 3]:
                entered[column] = _widget(schema[column], row[column], f"xpl_wi_{model.id}_{number}_{i}")
        submitted = st.form_submit_button(t("Predict"), type="primary", icon=":material/bolt:")
    if submitted:
        changes = {c: v for c, v in entered.items() if not _same(v, row[c])}
        try:
            prediction, explained = service.what_if(bundle, row, changes, background=_background(ws, model.id, bundle))
        except MLCycleError as exc:
            errors.render(exc)
            return
        st.session_state[result_key] = (changes, prediction, explained)
    if result_key not in st.session_state:
        st.caption(t("Original: {prediction}", prediction=escape_markdown(_prediction_text(bundle, row.to_frame().T))))
        return
    changes, prediction, explained = st.session_state[result_key]
    before = _prediction_text(bundle, expl.data.iloc[[position]])
    after = _what_if_text(bundle, prediction)
    changed = ", ".join(f"{c} = {_value_text(v)}" for c, v in changes.items()) or t("nothing changed")
    st.markdown(t("**Changed:** {changes}", changes=escape_markdown(changed)))
    left, right = st.columns(2)
    old, new = _outcome(bundle, expl.data.iloc[[position]]), _outcome_of(bundle, prediction)
    left.metric(t("Original"), old[0], help=before)
    delta = None
    if old[1] is not None:
        shown = str(old[2]) if bundle.is_classifier else ""
        change = (new[3].get(old[2], 0.0) if bundle.is_classifier else new[1]) - old[1]
        delta = f"{change:+.3f}" + (f" P({shown})" if shown else "")
    right.metric(t("What-if"), new[0], delta=delta, delta_color="off" if bundle.is_classifier else "normal",
                 help=after)
    for note in prediction.get("notes") or []:
        st.caption(escape_markdown(note))
    units = explained.units
    a, b = st.columns(2)
    a.plotly_chart(charts.waterfall(expl, position, output, tr=tk, units=units, prediction_text=before,
                                    title=t("Original row {n}", n=number)), key="xpl_wi_before",
                   config={"displaylogo": False})
    b.plotly_chart(charts.waterfall(explained, 0, output, tr=tk, units=units, prediction_text=after,
                                    title=t("Edited row")), key="xpl_wi_after", config={"displaylogo": False})


def _same(entered: Any, original: Any) -> bool:
    missing = original is None or (isinstance(original, float) and np.isnan(original)) or original is pd.NaT
    if entered in (None, ""):
        return missing
    if missing:
        return False
    if isinstance(entered, float):
        try:
            return float(original) == entered
        except (TypeError, ValueError):
            return False
    if isinstance(original, pd.Timestamp):
        try:
            return pd.Timestamp(entered) == original
        except (TypeError, ValueError):
            return False
    return str(entered).lower() == str(original).lower()


def _outcome(bundle: ModelBundle, row: pd.DataFrame) -> tuple[str, float | None, Any, dict[Any, float]]:
    """A short prediction for a metric (``label · p`` or the value), the number a delta compares, the label,
    and the class probabilities."""
    if bundle.is_classifier:
        proba = bundle.predict_proba(row)[0]
        best = int(np.argmax(proba))
        label = bundle.classes[best]
        probabilities = {str(c): float(p) for c, p in zip(bundle.classes, proba, strict=True)}
        return f"{label} · {fmt.num(float(proba[best]), 3)}", float(proba[best]), str(label), probabilities
    value = float(bundle.predict(row)[0])
    return fmt.num(value), value, None, {}


def _outcome_of(bundle: ModelBundle, prediction: dict[str, Any]) -> tuple[str, float | None, Any, dict[Any, float]]:
    probabilities = {str(k): float(v) for k, v in (prediction.get("probabilities") or {}).items()}
    if probabilities:
        label = str(prediction["prediction"])
        p = probabilities.get(label, 0.0)
        return f"{label} · {fmt.num(p, 3)}", p, label, probabilities
    value = float(prediction["prediction"])
    return fmt.num(value), value, None, {}


def _what_if_text(bundle: ModelBundle, prediction: dict[str, Any]) -> str:
    probabilities = {str(k): float(v) for k, v in (prediction.get("probabilities") or {}).items()}
    if probabilities:
        label = str(prediction["prediction"])
        return t("predicted {label} (P = {p})", label=label, p=fmt.num(float(probabilities.get(label, 0.0)), 3))
    return t("predicted {value}", value=fmt.num(float(prediction["prediction"])))


# ---------------------------------------------------------------- compare

def compare_view(ws: Workspace, project_id: str, model: Model, version_id: str, rows: int) -> None:
    """Two models' mean |SHAP| side by side, on the same rows."""
    options, _ = pickers.model_options(ws, project_id)
    others = {k: v for k, v in options.items() if k != model.id}
    if not others:
        st.info(t("This project has one model; train another to compare what drives each."))
        return
    other = url.select(t("Compare with"), others, param="models", default=next(iter(others)))
    slowest = min(service.inline_limit(choose_explainer(bundle_of(ws, m))) for m in (model.id, other))
    n = min(rows, slowest)
    with errors.shown(stop=False), st.spinner(t("Explaining both models on the same rows…")):
        frame = service.compare_importance(ws, model.id, other, version_id=version_id, rows=n)
        labels = (options[model.id], options[other])
        pair = (frame.columns[1], frame.columns[2])
        units = frame.attrs.get("units") or {}
        st.plotly_chart(charts.compare_importance(frame, pair, tr=tk, units=(units.get(pair[0], ""),
                                                                             units.get(pair[1], ""))),
                        key="xpl_compare", config={"displaylogo": False})
        st.caption(t("Both models explained on the same {n} rows; bars are mean |SHAP| in each model's own units "
                     "({a}; {b}), so compare the order more than the sizes.", n=fmt.count(n),
                     a=escape_markdown(labels[0]), b=escape_markdown(labels[1])))


# ---------------------------------------------------------------- model card

def card_view(ws: Workspace, model: Model) -> None:
    """The fields a person writes, then the whole card to read and download."""
    saved = cards.card_fields(ws, model.id)
    with st.form(f"xpl_card_{model.id}"):
        st.markdown(t("What only you can say about this model. Everything else on the card comes from the "
                      "recorded lineage."))
        entered = {key: st.text_area(tk(label), value=saved.get(key, ""), key=f"xpl_card_{model.id}_{key}",
                                     height=80)
                   for key, label in CARD_LABELS.items()}
        if st.form_submit_button(t("Save the card's fields"), icon=":material/save:"):
            with errors.shown(stop=False):
                cards.set_card_fields(ws, model.id, entered, actor=registry.current_actor())
                state.flash(t("Saved the model card's fields."))
                st.rerun()
    with errors.shown(stop=False):
        card = cards.build_card(ws, model.id)
        markdown, html = cards.to_markdown(card), cards.to_html(card)
        left, right = st.columns(2)
        stem = f"model-card-{model.learner}-{fmt.short_id(model.id)}".replace("…", "")
        left.download_button(t("Download the model card (Markdown)"), markdown, file_name=f"{stem}.md",
                             mime="text/markdown", icon=":material/download:", key="xpl_card_md")
        right.download_button(t("Download the model card (HTML)"), html, file_name=f"{stem}.html",
                              mime="text/html", icon=":material/download:", key="xpl_card_html")
        with st.container(border=True):
            st.markdown(markdown)
