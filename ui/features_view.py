"""The Features page's views: choose the data and the target, read the warnings and the ranking, look at
each method's chart and one column's relation to the target, and save a feature set.

A report (:mod:`core.features.service`) is computed once per version, target and settings and
stored; asking again reads it back. Versions up to :data:`core.features.service.INLINE_CELLS`
cells (rows × columns) are analysed while the page waits; bigger ones run as a ``features`` job
whose progress is shown here. The warnings and notes core writes in English are shown in Korean
through the patterns of ``ui/locale/ko_features.py`` (:func:`ui.i18n.message`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from core.data import datasets
from core.data.entities import DatasetVersion
from core.define.entities import Project
from core.errors import MLCycleError
from core.features import charts, importance, service
from core.progress import Progress
from core.workspace import Workspace
from ui import errors, fmt, i18n, pickers, state, url
from ui.experiment_view import task_label
from ui.fmt import escape_markdown, id_suffix
from ui.i18n import t, tk, tn
from ui.jobs import progress_panel

# a column named like one of these is the default target (the last such column)
TARGET_NAMES = {"target", "label", "y", "class", "churned", "churn", "diagnosis", "species", "outcome"}
TASKS = ("auto", "binary", "multiclass", "regression")
WARNING_KINDS = {"leakage": "likely target leakage", "id": "looks like an identifier", "constant": "constant",
                 "near_constant": "almost constant", "missing": "mostly missing",
                 "target_name": "named after the target"}
WARNING_ICONS = {"leakage": ":material/report:", "id": ":material/fingerprint:", "constant": ":material/block:",
                 "near_constant": ":material/block:", "missing": ":material/hide_source:",
                 "target_name": ":material/label:"}
SEVERITY = ("leakage", "target_name", "id", "constant", "near_constant", "missing")
METHOD_NAMES = {"mutual_info": "Mutual information", "association": "Univariate association",
                "lgbm_gain": "LightGBM gain", "permutation": "Permutation importance"}
METHOD_SHORT = {"mutual_info": "mutual information", "association": "association", "lgbm_gain": "gain",
                "permutation": "permutation"}
METHOD_HELP = {
    "mutual_info": "How much knowing the column tells about the target, from any kind of relation, not only "
                   "straight lines (0 = nothing). Categories count as discrete values.",
    "association": "The strength of a one-to-one relation with the target, from 0 to 1: |Spearman ρ| for two "
                   "numeric columns, the correlation ratio η for a numeric and a categorical one, Cramér's V for "
                   "two categorical ones.",
    "lgbm_gain": "How much a quick LightGBM model fitted on three quarters of the rows gains from splits on the "
                 "column (one-hot parts summed back to the column).",
    "permutation": "How much that model's score drops on the held-out rows when the column's values are "
                   "shuffled; the whiskers show the spread over the repeats. Zero or less: the model does not "
                   "need the column.",
}
KINDS = {"numeric": "numeric", "categorical": "categorical", "boolean": "boolean", "datetime": "date and time",
         "text": "text", "id": "identifier", "image_path": "image path"}
TOP_TEXT = 5      # features named in the readable summary
SHOWN_WARNINGS = 6  # columns with warnings shown as alerts; more go into an expander
_CACHE = "fea_cache"  # loaded frames of this session (a few)
CHART = {"displaylogo": False}


# ---------------------------------------------------------------- small helpers

def _cached(key: tuple, make: Any) -> Any:
    return state.session_cache(_CACHE, key, make)


def _frame(ws: Workspace, version_id: str, columns: list[str]) -> pd.DataFrame:
    return _cached(("frame", version_id, *columns), lambda: datasets.load_frame(ws, version_id, columns=columns))


def _version_name(version: DatasetVersion) -> str:
    """``churn v3`` (escaped Markdown; no id)."""
    return escape_markdown(f"{version.dataset_name or ''} v{version.number}".strip())


def _code(name: str) -> str:
    """A column name in Markdown: bold, escaped."""
    return f"**{escape_markdown(str(name))}**"


def _names(columns: list[str], limit: int = 12) -> str:
    """``a, b, c and 4 more`` (escaped Markdown)."""
    shown = ", ".join(escape_markdown(str(c)) for c in columns[:limit])
    if len(columns) > limit:
        shown += " " + tn("and {n} more", "and {n} more", len(columns) - limit)
    return shown


# ---------------------------------------------------------------- choosing the data, target and task

def pick_version(ws: Workspace, project: Project) -> DatasetVersion | None:
    """The dataset box (``?dataset=``) and its version box (``?version=``); ``None`` without data.

    A version the URL names decides the dataset. Train/test splits are listed only when the URL names one.
    """
    linked = pickers.url_version(ws, project)
    owned = datasets.list_datasets(ws, project_id=project.id)
    by_dataset = datasets.list_versions_of(ws, [d.id for d in owned], include_archived=False)
    owned = [d for d in owned if by_dataset.get(d.id) or (linked and linked.dataset_id == d.id)]
    if not owned:
        return None
    if linked and url.get("dataset") != linked.dataset_id and linked.dataset_id in {d.id for d in owned}:
        url.put(dataset=linked.dataset_id)
    newest = max(owned, key=lambda d: max((v.created_at for v in by_dataset.get(d.id, [])), default=""))
    left, right = st.columns(2)
    dataset_id = url.select(t("Dataset"), {d.id: d.name for d in owned}, param="dataset", default=newest.id,
                            container=left, clear=("version", "target", "column"))
    versions = list(by_dataset.get(dataset_id, []))
    if linked and linked.dataset_id == dataset_id and linked.id not in {v.id for v in versions}:
        versions.append(linked)
    numbers = {v.id: v.number for v in versions}
    listed = pickers.ordered(versions, include_splits=False, keep=linked.id if linked else None)
    made = [v for v in listed if not v.is_split] or listed
    default = max(made, key=lambda v: v.created_at).id
    labels = {v.id: pickers.version_label(v, numbers, dataset=False) for v in listed}
    chosen = url.select(t("Version"), labels, param="version", default=default, container=right,
                        clear=("target", "column"))
    return next(v for v in listed if v.id == chosen)


def default_target(ws: Workspace, version: DatasetVersion) -> str:
    """A column named like a label or target; else the target of an experiment on this dataset; else the last."""
    columns = version.columns
    named = next((c for c in reversed(columns) if c.lower() in TARGET_NAMES
                  or c.lower().endswith(("_label", "_target"))), None)
    if named:
        return named
    from core.experiments.service import list_experiments

    for exp in list_experiments(ws, limit=200):
        if exp.target in columns and exp.dataset_version_id in (version.id, version.parent_id):
            return exp.target
    return columns[-1]


@st.cache_data(show_spinner=False, max_entries=256)
def _detected(root: str, version_id: str, target: str, semantic: str | None, _ws: Workspace) -> str:
    """The task the target's values suggest (a version never changes: cached per version and target)."""
    y = datasets.load_frame(_ws, version_id, columns=[target])[target]
    return importance.detect_task(y, semantic)


def pick_target_and_task(ws: Workspace, version: DatasetVersion) -> tuple[str, str]:
    """The target box (``?target=``) and the task box (detected, overridable).

    Returns:
        ``(target, task)``: the task as asked (``auto`` or the one chosen), as the report is keyed.
    """
    columns = version.columns
    left, right = st.columns(2)
    target = url.select(t("Target column"), {c: c for c in columns}, param="target",
                        default=default_target(ws, version), container=left, clear=("column",),
                        help=t("The column the features should predict."))
    target = target or columns[-1]
    col = version.column(target)
    with errors.shown():
        detected = _detected(str(ws.root), version.id, target, col.semantic if col else None, ws)
    key = f"fea_task_{version.id}_{target}"
    task = right.selectbox(t("Task"), TASKS, key=key,
                           format_func=lambda k: t("auto ({task})", task=task_label(detected)) if k == "auto"
                           else task_label(k),
                           help=t("auto: detected from the target's values"))
    return target, task


# ---------------------------------------------------------------- the report

def report_of(ws: Workspace, project: Project, version: DatasetVersion, target: str, task: str) -> Any:
    """The stored report, computed here when the version is small, else run as a job; ``None`` until it is there
    (or when the target cannot be analysed: the reason is shown)."""
    try:
        report = service.find_report(ws, version.id, target, task=task)
        if report is not None:
            return report
        job = service.find_features_job(ws, version.id, target)
        if job is not None:
            st.info(t("The features of {version} are being ranked in the background; the report appears here "
                      "when it is done.", version=_version_name(version)))
            progress_panel(job.id, key="fea_job", show_log=False, rerun_when_done=True)
            return None
        if not service.runs_inline(version):
            st.info(t("{rows} rows × {cols} columns is a lot to analyse while you wait, so it runs as a job: "
                      "you can leave this page and come back.", rows=fmt.count(version.n_rows),
                      cols=fmt.count(version.n_cols)))
            if st.button(t("Rank the features in the background"), key="fea_go", icon=":material/play_arrow:",
                         type="primary"):
                service.enqueue_report(ws, version.id, target, task=task, project_id=project.id)
                st.rerun()
            return None
        label = _version_name(version)
        with errors.status(t("Ranking the features of {version}…", version=label),
                           failed=t("Could not rank the features of {version}", version=label)) as box:
            bar = st.progress(0.0)

            def show(p: Progress) -> None:
                bar.progress(min(1.0, p.fraction or 0.0), text=escape_markdown(i18n.progress(p.message)))

            report = service.analyze(ws, version.id, target, task=task, on_progress=show)
            box.update(label=t("Ranked in {time} (kept for next time)",
                               time=fmt.seconds_text(max(0.1, float(report.seconds or 0.0)))), state="complete")
    except MLCycleError as exc:
        errors.render(exc)
        return None
    return report


def summary(report: Any, version: DatasetVersion) -> None:
    """What was analysed, how, and the notes core wrote (sampling, columns a method skipped)."""
    methods = ", ".join(tk(METHOD_NAMES.get(m, m)) for m in report.methods)
    if report.n_used and report.n_used < report.n_rows:
        rows = t("a sample of {n} of its {total} rows", n=fmt.count(report.n_used), total=fmt.count(report.n_rows))
    else:
        rows = tn("its {n} row", "its {n} rows", report.n_rows)
    st.markdown(t("Ranked **{n}** columns of {version} for the target {target} ({task}) on {rows}, with {methods}.",
                  n=fmt.count(len(report.ranking)), version=_version_name(version), target=_code(report.target),
                  task=task_label(report.task), rows=rows, methods=methods))
    notes = [escape_markdown(i18n.message(note, kind="NOTES")) for note in report.notes or []]
    st.caption(" ".join([t("Stored {when}; asking for the same version, target and settings reuses it.",
                           when=fmt.ago(report.created_at)), *notes]))


# ---------------------------------------------------------------- warnings

def _by_column(report: Any) -> dict[str, list[dict[str, Any]]]:
    """The warnings grouped by column, the most serious kind first (columns in that order too)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    rank = {kind: i for i, kind in enumerate(SEVERITY)}
    for w in sorted(report.warnings or [], key=lambda w: rank.get(w.get("kind"), len(rank))):
        grouped.setdefault(str(w.get("column")), []).append(w)
    return grouped


def warning_text(column: str, found: list[dict[str, Any]]) -> str:
    """``**leak** — likely target leakage: alone predicts the target ... ; named after the target: ...`` (Markdown)."""
    parts = []
    for w in found:
        kind = tk(WARNING_KINDS[w["kind"]]) if w.get("kind") in WARNING_KINDS else escape_markdown(str(w.get("kind")))
        reason = escape_markdown(i18n.message(str(w.get("reason") or ""), kind="WARNINGS"))
        if reason[:1].isupper() and reason[1:2].islower():  # 'Alone predicts' reads 'alone predicts' after a colon
            reason = reason[0].lower() + reason[1:]
        parts.append(f"{kind}: {reason}" if reason else kind)
    return f"{_code(column)} — " + "; ".join(parts)


def warnings_view(report: Any) -> None:
    """Each warned column with its reasons, leakage first (an error box), the others as warnings."""
    grouped = _by_column(report)
    if not grouped:
        st.success(t("No column looks suspicious: no likely leakage, identifiers, constant or mostly missing "
                     "columns."), icon=":material/check_circle:")
        return
    st.markdown(tn("**{n} column needs a look before modelling:**", "**{n} columns need a look before modelling:**",
                   len(grouped)))
    items = list(grouped.items())
    for column, found in items[:SHOWN_WARNINGS]:
        kind = found[0].get("kind")
        show = st.error if kind == "leakage" else st.warning
        show(warning_text(column, found), icon=WARNING_ICONS.get(kind, ":material/warning:"))
    if len(items) > SHOWN_WARNINGS:
        with st.expander(tn("{n} more column with a warning", "{n} more columns with a warning",
                            len(items) - SHOWN_WARNINGS)):
            for column, found in items[SHOWN_WARNINGS:]:
                st.markdown(f"- {warning_text(column, found)}")
    if any(w.get("kind") == "leakage" for found in grouped.values() for w in found):
        st.caption(t("A column that predicts the target almost perfectly on its own is usually recorded after "
                     "the outcome (or derived from it): a model trained on it looks great and fails in use. "
                     "Leave it out unless you are sure it is known at prediction time."))


# ---------------------------------------------------------------- ranking

def _ranks_text(entry: dict[str, Any], methods: list[str]) -> str:
    ranks = entry.get("ranks") or {}
    return " · ".join(t("{method} #{rank}", method=tk(METHOD_SHORT.get(m, m)), rank=ranks[m])
                      for m in methods if ranks.get(m) is not None)


def ranking_text(report: Any) -> str:
    """The strongest columns as a numbered list with each method's rank, and the weakest in a sentence (Markdown)."""
    ranking = list(report.ranking or [])
    methods = list(report.methods or [])
    warned = _by_column(report)
    lines = []
    for entry in ranking[:TOP_TEXT]:
        line = f"{entry.get('consensus_rank')}. {_code(entry['column'])} — {_ranks_text(entry, methods)}"
        if entry["column"] in warned:
            kinds = ", ".join(dict.fromkeys(tk(WARNING_KINDS.get(w["kind"], w["kind"])) for w in warned[entry["column"]]))
            line += " · :red[" + t("warning: {kinds}", kinds=kinds) + "]"
        lines.append(line)
    text = "\n".join(lines)
    if "permutation" in methods:
        useless = [e["column"] for e in ranking
                   if (s := (e.get("scores") or {}).get("permutation")) is not None and s <= 0]
        if useless:
            text += "\n\n" + tn("The quick model loses nothing when this column is shuffled: {columns}.",
                                "The quick model loses nothing when these {n} columns are shuffled: {columns}.",
                                len(useless), columns=_names(useless))
    return text


def _cell(entry: dict[str, Any], method: str) -> str:
    score = (entry.get("scores") or {}).get(method)
    rank = (entry.get("ranks") or {}).get(method)
    if score is None:
        return "—"
    return f"{fmt.num(float(score), 3)} (#{rank})" if rank is not None else fmt.num(float(score), 3)


def ranking_table(report: Any) -> pd.DataFrame:
    """One row per column: consensus rank, name, kind, each method's score and rank, its warnings."""
    warned = _by_column(report)
    methods = list(report.methods or [])
    rows = []
    for entry in report.ranking or []:
        row = {t("Rank"): entry.get("consensus_rank"), t("Column"): entry["column"],
               t("Type"): tk(KINDS[entry["kind"]]) if entry.get("kind") in KINDS else str(entry.get("kind") or "")}
        for m in methods:
            row[tk(METHOD_NAMES.get(m, m))] = _cell(entry, m)
        row[t("Warnings")] = ", ".join(dict.fromkeys(tk(WARNING_KINDS.get(w["kind"], w["kind"]))
                                                     for w in warned.get(entry["column"], [])))
        rows.append(row)
    return pd.DataFrame(rows)


def ranking_view(report: Any) -> None:
    st.subheader(t("Which columns carry signal"), anchor=False)
    st.markdown(ranking_text(report))
    st.caption(t("The consensus rank averages each method's rank; #1 is the strongest under that method. "
                 "Scores of different methods are on different scales: compare ranks across methods."))
    table = ranking_table(report)
    st.dataframe(table, hide_index=True, width="stretch", key="fea_table", height=min(38 + 35 * len(table), 740))


# ---------------------------------------------------------------- charts

def charts_view(report: Any) -> None:
    """The methods side by side, then one tab per method (``?tab=``)."""
    methods = [m for m in report.methods if m in METHOD_NAMES]
    views = url.tabs({"compare": t("All methods"), **{m: tk(METHOD_NAMES[m]) for m in methods}})
    if views["compare"].open:
        with views["compare"]:
            st.plotly_chart(charts.rank_comparison(report, tk), key="fea_chart_compare", config=CHART)
            st.caption(t("Where the methods agree, a row reads evenly. A column one method ranks far higher than "
                         "the others is worth a look: the model-based methods see interactions, the others "
                         "only the column alone."))
    for m in methods:
        if views[m].open:
            with views[m]:
                st.plotly_chart(charts.method_bars(report, m, tk), key=f"fea_chart_{m}", config=CHART)
                st.caption(tk(METHOD_HELP[m]))


def relation_view(ws: Workspace, version: DatasetVersion, report: Any) -> None:
    """One column (``?column=``, the strongest by default) against the target."""
    st.subheader(t("A column and the target"), anchor=False)
    columns = [e["column"] for e in report.ranking or [] if e["column"] in version.columns]
    if not columns:
        return
    column = url.select(t("Column"), {c: c for c in columns}, param="column", default=columns[0],
                        help=t("Columns in the order of the ranking."))
    frame = _frame(ws, version.id, [column or columns[0], report.target])
    with errors.shown(stop=False):
        st.plotly_chart(charts.relation_figure(frame, column or columns[0], report.target, report.task, tk),
                        key="fea_chart_relation", config=CHART)


# ---------------------------------------------------------------- feature sets

def _fill(key: str, columns: list[str], how: str) -> None:
    st.session_state[key] = list(columns)
    st.session_state[key + "_how"] = (how, list(columns))


def _dropped(report: Any, candidates: list[str], chosen: list[str]) -> list[Any]:
    """What the set leaves out: a warned column with its warnings, another as left out by hand."""
    warned = {d["column"]: d for d in service.drop_warned(report)[1]}
    return [warned.get(c, c) for c in candidates if c not in chosen]


def save_view(ws: Workspace, project: Project, version: DatasetVersion, report: Any) -> None:
    """Name a choice of columns (warned ones dropped, the top k, or by hand) and save it as a feature set."""
    st.subheader(t("Save a feature set"), anchor=False)
    st.caption(t("A feature set is a named choice of columns. The experiment form offers it for every version of "
                 "this dataset that has its columns."))
    candidates = [c for c in version.columns if c != report.target]
    key = f"fea_set_cols_{version.id}_{report.target}"
    kept = set(service.drop_warned(report)[0])
    sound = [c for c in candidates if c in kept]
    if key not in st.session_state:
        _fill(key, sound, "drop_warned")
    n_ranked = max(1, len(report.ranking or []))
    a, b, c = st.columns([2, 1, 2], vertical_alignment="bottom")
    a.button(t("Drop warned columns"), key="fea_drop_warned", icon=":material/filter_alt_off:", width="stretch",
             on_click=_fill, args=(key, sound, "drop_warned"),
             help=t("Every column except the target and the columns with a warning."))
    k = b.number_input(t("How many"), min_value=1, max_value=n_ranked, value=min(10, n_ranked), step=1,
                       key="fea_top_k")
    top = service.top_k(report, int(k))[0]
    c.button(t("Top {k} columns", k=int(k)), key="fea_top", icon=":material/format_list_numbered:",
             width="stretch", on_click=_fill, args=(key, top, "top_k"),
             help=t("The columns with the best consensus rank, leaving out the warned ones."))
    chosen = st.multiselect(t("Columns of the set"), candidates, key=key, placeholder=t("Choose columns"))
    how, filled = st.session_state.get(key + "_how", ("manual", []))
    if sorted(chosen) != sorted(filled):
        how = "manual"
    name = st.text_input(t("Name of the set"), key="fea_set_name", placeholder=t("e.g. no leaks"))
    st.caption(tn("{n} column chosen", "{n} columns chosen", len(chosen)))
    if st.button(t("Save the feature set"), key="fea_save", type="primary", icon=":material/save:",
                 disabled=not chosen):
        try:
            saved = service.save_set(ws, version.id, name, chosen, target=report.target,
                                     dropped=_dropped(report, candidates, chosen), how=how, report_id=report.id,
                                     project_id=project.id, created_by="app")
        except MLCycleError as exc:
            errors.render(exc)
            return
        state.flash(t("Saved the feature set {name} ({n} columns).", name=escape_markdown(saved.name),
                      n=fmt.count(len(saved.columns))), ":material/save:")
        st.session_state.pop("fea_set_name", None)
        st.rerun()


HOW = {"drop_warned": "warned columns dropped", "top_k": "top columns", "manual": "chosen by hand"}


def saved_sets(ws: Workspace, project: Project, version: DatasetVersion) -> None:
    """The dataset's saved feature sets with their columns, and a link to the Experiments page."""
    sets = service.list_sets(ws, dataset_id=version.dataset_id)
    if not sets:
        return
    st.subheader(t("Saved feature sets of this dataset"), anchor=False)
    present = set(version.columns)
    for s in sets:
        with st.container(border=True):
            missing = [c for c in s.columns if c not in present]
            facts = [tn("{n} column", "{n} columns", len(s.columns))]
            if s.target:
                facts.append(t("target {target}", target=escape_markdown(s.target)))
            if s.how in HOW:
                facts.append(tk(HOW[s.how]))
            facts.append(t("saved {when}", when=fmt.ago(s.created_at)))
            st.markdown(f"**{escape_markdown(s.name)}** {id_suffix(s.id)} · " + " · ".join(facts))
            st.caption(_names(list(s.columns), limit=20))
            if missing:
                st.caption(t(":orange[Not usable with this version: it lacks {columns}.]", columns=_names(missing)))
    url.link("app_pages/experiments.py", t("Run an experiment with a feature set"), icon=":material/science:",
             version=version.id)
