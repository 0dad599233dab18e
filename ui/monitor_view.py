"""The Monitor page's views: a model's alert thresholds, adding a batch of current data, the drift report
of a batch (alert, summary, per-feature list, charts) and the loop back to labeling and retraining.

A report (:mod:`core.monitor.service`) is computed once per batch and stored; the page reads the
newest one back. Batches up to :data:`core.monitor.service.INLINE_ROWS` rows are checked while
the page waits; bigger ones run as a ``drift`` job whose progress is shown here. The sentences
core writes in English (alert reasons, notes, errors, progress) are shown in Korean through the
patterns of ``ui/locale/ko_monitor.py`` (:func:`ui.i18n.message`, kinds ``ALERTS`` and ``NOTES``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from core.data import datasets
from core.define.entities import Project
from core.errors import MLCycleError
from core.experiments.entities import Experiment, Model
from core.experiments.service import get_experiment
from core.monitor import charts, service
from core.progress import Progress
from core.workspace import Workspace
from ui import errors, fmt, i18n, state, url
from ui.experiment_view import metric_label
from ui.fmt import escape_markdown, id_suffix
from ui.i18n import t, tk, tn
from ui.jobs import progress_panel

KIND_LABELS = {"numeric": "numeric", "categorical": "categorical", "binary": "binary"}
SOURCES = {"upload": "uploaded file", "log": "prediction log"}
ADD_HOW = {"file": "A data file", "log": "A prediction log"}
VIEWS = {"features": "Drift by feature", "distributions": "Distributions", "importance": "Drift and importance",
         "history": "History", "lineage": "The loop"}
DATA_TYPES = ["csv", "tsv", "txt", "xlsx", "parquet", "json", "jsonl", "ndjson"]
PREDICTION = "__prediction__"  # the distributions tab's choice of the model's predictions
SHOWN_DRIFTED = 12  # drifted features listed one per line; more go into the table
MISSING_CHANGE = 0.05  # a change of the missing share by this much (5 points) is worth a line
CHART = {"displaylogo": False}
_CACHE = "mon_cache"
_GEN = "mon_gen"  # bumps after an added batch: the upload boxes start empty


# ---------------------------------------------------------------- small helpers

def _cached(key: tuple, make: Any) -> Any:
    return state.session_cache(_CACHE, key, make)


def _code(name: Any) -> str:
    """A column name in Markdown: bold, escaped."""
    return f"**{escape_markdown(str(name))}**"


def _names(columns: list[Any], limit: int = 10) -> str:
    """``a, b, c and 4 more`` (escaped Markdown, column names bold)."""
    shown = ", ".join(_code(c) for c in columns[:limit])
    if len(columns) > limit:
        shown += " " + tn("and {n} more", "and {n} more", len(columns) - limit)
    return shown


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * float(x):.0f}%"


def _pct1(x: float | None) -> str:
    """A share with one decimal when small (``0.8%``, ``12%``)."""
    if x is None:
        return "—"
    value = 100 * float(x)
    return f"{value:.1f}%" if 0 < value < 10 else f"{value:.0f}%"


def _note(text: str) -> str:
    """A sentence core wrote (a note; a batch's notes also carry the Data step's warnings), in the page's language."""
    shown = i18n.message(str(text), kind="NOTES")
    if shown == text:
        shown = i18n.message(str(text), kind="WARNINGS")
    return escape_markdown(shown)


def experiment_of(ws: Workspace, model: Model) -> Experiment:
    return _cached(("experiment", model.experiment_id), lambda: get_experiment(ws, model.experiment_id))


def test_text(feature: dict[str, Any]) -> str:
    """``Kolmogorov-Smirnov`` (the test's name in the page's language)."""
    test = feature.get("test")
    if test in charts.TEST_LABELS:
        return tk(charts.TEST_LABELS[test])
    return t("no test") if test in (None, "none") else str(test)


def statistic_text(feature: dict[str, Any]) -> str:
    """``p = 0.0031 (drift below 0.05)`` or ``0.23 (drift from 0.1)``."""
    stat, threshold = feature.get("statistic"), feature.get("threshold")
    if stat is None or threshold is None:
        return t("not tested")
    if charts.is_p_value(feature.get("test")):
        return t("p = {p} (drift below {threshold})", p=_p(float(stat)), threshold=fmt.num(float(threshold)))
    return t("{value} (drift from {threshold})", value=fmt.num(float(stat), 3), threshold=fmt.num(float(threshold)))


def _p(p: float) -> str:
    return "< 1e-300" if p <= 1e-300 else (f"{p:.2g}" if p < 1e-3 else fmt.num(p, 4))


# ---------------------------------------------------------------- thresholds

def settings_view(ws: Workspace, model: Model) -> None:
    """What makes a batch alert, and a form to change it."""
    exp = experiment_of(ws, model)
    settings = service.get_settings(ws, model.id)
    st.caption(t("A batch alerts when at least {share} of the features drift, or when {metric} gets worse by more "
                 "than {drop} compared with the held-out rows.", share=_pct(settings.drift_share),
                 metric=metric_label(exp.metric, exp.task), drop=fmt.num(settings.metric_drop)))
    with st.expander(t("Alert thresholds"), icon=":material/notifications:"), \
            st.form(f"mon_settings_{model.id}", border=False):
        a, b = st.columns(2)
        share = a.slider(t("Share of features that must drift"), 5, 100, int(round(100 * settings.drift_share)),
                         step=5, format="%d%%", key=f"mon_share_{model.id}",
                         help=t("Half (50%) is Evidently's default: a batch alerts when half of its features "
                                "drift."))
        drop = b.number_input(t("Largest allowed drop of {metric}", metric=metric_label(exp.metric, exp.task)),
                              min_value=0.0, value=float(settings.metric_drop), step=0.01, format="%g",
                              key=f"mon_drop_{model.id}",
                              help=t("In the metric's own units, compared with the held-out rows (for a loss, a "
                                     "rise). Only batches with the target column are scored."))
        st.caption(t("Stored reports keep the thresholds they were computed with; check a batch again to apply "
                     "new ones."))
        if st.form_submit_button(t("Save the thresholds"), icon=":material/save:"):
            with errors.shown(stop=False):
                service.set_settings(ws, model.id, drift_share=share / 100, metric_drop=drop, by="app")
                state.flash(t("Saved the alert thresholds."), ":material/notifications:")
                st.rerun()


# ---------------------------------------------------------------- adding a batch

def _added(batch: service.Batch) -> None:
    """A batch was added: select it, start the upload boxes afresh, and say so."""
    st.session_state[_GEN] = st.session_state.get(_GEN, 0) + 1
    url.put(batch=batch.id, column=None, tab=None)
    reused = [n for n in batch.notes if n.startswith("This batch was added before")]
    if reused:
        state.flash(_note(reused[-1]), ":material/info:")
    else:
        state.flash(tn("Added the batch {name} ({n} row).", "Added the batch {name} ({n} rows).", batch.n_rows,
                       name=escape_markdown(batch.name)), ":material/upload:")
    st.rerun()


def add_batch_view(ws: Workspace, model: Model, *, open_: bool) -> None:
    """Upload a file of current data, or import a served model's prediction log, as a batch."""
    with st.expander(t("Add a batch"), expanded=open_, icon=":material/upload:"):
        gen = st.session_state.get(_GEN, 0)
        how = st.radio(t("From"), list(ADD_HOW), format_func=lambda k: tk(ADD_HOW[k]), horizontal=True,
                       key="mon_add_how")
        name = st.text_input(t("Batch name"), key=f"mon_name_{gen}", placeholder=t("defaults to the file name"))
        if how == "file":
            upload = st.file_uploader(
                t("Data file"), key=f"mon_file_{gen}", type=DATA_TYPES,
                help=t("Rows with the model's input columns, in any format the Data step reads. With the target "
                       "column too, the model's metrics on the batch are compared with the held-out rows'."))
            if st.button(t("Add the batch"), type="primary", key="mon_add", icon=":material/add:"):
                if upload is None:
                    st.error(t("Choose a file to upload first."))
                    return
                with errors.shown(stop=False), st.spinner(t("Adding {file}…", file=escape_markdown(upload.name))):
                    _added(service.add_batch(ws, model.id, upload, name=name or None, original_name=upload.name,
                                             created_by="app"))
            return
        st.caption(t("A served model writes each request's rows and predictions as JSON Lines when its server runs "
                     "with MLCYCLE_LOG_DIR set (files requests-YYYY-MM-DD.jsonl). A cut-short last line is skipped."))
        uploads = st.file_uploader(t("Prediction log files"), type=["jsonl"], accept_multiple_files=True,
                                   key=f"mon_log_{gen}")
        folder = st.text_input(t("Or a log file or folder on this machine"), key=f"mon_log_path_{gen}",
                               placeholder=t("e.g. /srv/mlcycle/logs"),
                               help=t("The folder the server's MLCYCLE_LOG_DIR points at, or one .jsonl file."))
        if st.button(t("Import the log"), type="primary", key="mon_import", icon=":material/download:"):
            if not uploads and not folder.strip():
                st.error(t("Choose log files or give a folder first."))
                return
            with errors.shown(stop=False), st.spinner(t("Importing the prediction log…")):
                if uploads:
                    _added(_import_uploads(ws, model, uploads, name))
                else:
                    _added(service.import_log(ws, model.id, folder.strip(), name=name or None, created_by="app"))


def _import_uploads(ws: Workspace, model: Model, uploads: list[Any], name: str) -> service.Batch:
    """Uploaded log files, written to a scratch folder and imported as one batch."""
    with tempfile.TemporaryDirectory(dir=ws.scratch_dir("monitor")) as folder:
        paths = []
        for upload in uploads:
            path = Path(folder) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            paths.append(path)
        source = paths[0] if len(paths) == 1 else Path(folder)
        return service.import_log(ws, model.id, source, name=name or Path(uploads[0].name).stem, created_by="app")


# ---------------------------------------------------------------- choosing a batch

def _alerting(ws: Workspace, model_id: str) -> dict[str, bool]:
    return {r.batch_id: bool(r.alert) for r in service.reports_of(ws, model_id)}


def batch_label(batch: service.Batch, alert: bool | None) -> str:
    """``april · 600 rows · 3 Dec 2026 14:02 · alert``."""
    parts = [batch.name, tn("{n} row", "{n} rows", batch.n_rows), fmt.when(batch.created_at)]
    if batch.source == "log":
        parts.append(tk(SOURCES["log"]))
    if alert:
        parts.append(t("alert"))
    return " · ".join(parts)


def pick_batch(ws: Workspace, model: Model) -> service.Batch | None:
    """The batch box (``?batch=``: the newest by default); ``None`` when the model has no batch."""
    batches = service.list_batches(ws, model.id)
    if not batches:
        return None
    alerts = _alerting(ws, model.id)
    labels = {b.id: batch_label(b, alerts.get(b.id)) for b in batches}
    chosen = url.select(t("Batch"), labels, param="batch", default=batches[0].id, clear=("column",),
                        help=t("Newest first; each is compared with the model's training rows."))
    batch = next(b for b in batches if b.id == chosen)
    facts = [tk(SOURCES.get(batch.source, "uploaded file")), t("added {when}", when=fmt.ago(batch.created_at))]
    facts.append(t("with the target column") if batch.has_target else t("without the target column"))
    notes = [_note(n) for n in batch.notes]
    st.caption(" · ".join(facts) + f" {id_suffix(batch.id)}" + ("\n\n" + " ".join(notes) if notes else ""))
    return batch


# ---------------------------------------------------------------- the report

def _check(ws: Workspace, batch: service.Batch) -> service.DriftReport:
    """Check the batch while the page waits, with a progress bar."""
    name = escape_markdown(batch.name)
    with errors.status(t("Checking {batch} for drift…", batch=name),
                       failed=t("Could not check {batch} for drift", batch=name)) as box:
        bar = st.progress(0.0)

        def show(p: Progress) -> None:
            bar.progress(min(1.0, p.fraction or 0.0), text=escape_markdown(i18n.progress(p.message)))

        report = service.drift_report(ws, batch.id, on_progress=show)
        box.update(label=t("Checked in {time}", time=fmt.seconds_text(max(0.1, float(report.seconds or 0.0)))),
                   state="complete")
    return report


def report_of(ws: Workspace, batch: service.Batch) -> service.DriftReport | None:
    """The batch's newest report; checked here when the batch is small, else run as a job. ``None`` until it is
    there (or when the batch cannot be checked: the reason is shown)."""
    try:
        report = service.latest_report(ws, batch.id)
        job = service.find_drift_job(ws, batch.id)
        if job is not None:  # also after "Check again" of a big batch: the stored report stays below meanwhile
            st.info(t("The batch {batch} is being checked in the background; the report appears here when it is "
                      "done.", batch=_code(batch.name)))
            progress_panel(job.id, key="mon_job", show_log=False, rerun_when_done=True)
            return report
        if report is not None:
            return report
        if not service.runs_inline(batch):
            st.info(t("{rows} rows is a lot to check while you wait, so it runs as a job: you can leave this page "
                      "and come back.", rows=fmt.count(batch.n_rows)))
            if st.button(t("Check for drift in the background"), key="mon_go", icon=":material/play_arrow:",
                         type="primary"):
                service.enqueue_report(ws, batch.id)
                st.rerun()
            return None
        return _check(ws, batch)
    except MLCycleError as exc:
        errors.render(exc)
        return None


def check_again(ws: Workspace, batch: service.Batch, report: service.DriftReport) -> None:
    """When the report was made, with what, and a button to check the batch again (new thresholds, say)."""
    left, right = st.columns([4, 1], vertical_alignment="center")
    settings = report.settings or {}
    left.caption(t("Checked {when} against {n} training rows, with the thresholds then: {share} of the features, "
                   "a metric drop of {drop}.", when=fmt.ago(report.created_at), n=fmt.count(settings.get("n_ref")),
                   share=_pct(settings.get("drift_share")), drop=fmt.num(settings.get("metric_drop"))))
    if right.button(t("Check again"), key="mon_again", icon=":material/refresh:", width="stretch"):
        if service.runs_inline(batch):
            with errors.shown(stop=False):
                _check(ws, batch)
                st.rerun()
        else:
            with errors.shown(stop=False):
                service.enqueue_report(ws, batch.id)
                st.rerun()


def alert_reasons(report: service.DriftReport) -> list[str]:
    """A report's alert reasons in the session's language, its metric named as the UI names it (``ROC AUC``).

    Args:
        report: a drift report; core's reasons name the metric by its id (``metrics["primary"]``).

    Returns:
        The sentences to show (Markdown not escaped).
    """
    metric = (report.metrics or {}).get("primary")
    label = metric_label(metric) if metric else None
    texts = []
    for reason in report.alert_reasons:
        text = i18n.message(reason, kind="ALERTS")
        if label and label != metric and reason.startswith(f"{metric} "):
            text = text.replace(metric, label, 1)
        texts.append(text)
    return texts


def alert_banner(report: service.DriftReport) -> None:
    """Red with the reasons when the batch alerts; green (or a warning when nothing could be tested) otherwise."""
    n, total = report.n_drifted, len(report.features)
    if report.alert:
        reasons = "\n".join(f"- {escape_markdown(r)}" for r in alert_reasons(report))
        st.error(t("**This batch alerts.**") + "\n\n" + reasons, icon=":material/notifications_active:")
    elif report.share_drifted is None:
        st.warning(t("No feature could be tested: the batch has none of the model's input columns with values."),
                   icon=":material/warning:")
    else:
        threshold = (report.settings or {}).get("drift_share")
        st.success(t("No alert: {n} of {total} features drifted ({share}), under the alert threshold of "
                     "{threshold}.", n=fmt.count(n), total=fmt.count(total), share=_pct(report.share_drifted),
                     threshold=_pct(threshold)), icon=":material/check_circle:")


def _prediction_metric(report: service.DriftReport) -> tuple[str, str | None]:
    """The prediction drift's metric value and its help text."""
    p = report.prediction or {}
    if not p or p.get("statistic") is None:
        return "—", t("The model could not predict this batch (see the notes).") if not p else None
    value = t("drifted") if p.get("drifted") else t("stable")
    where = t("the logged predictions") if p.get("source") == "log" else t("the model's predictions on the batch")
    return value, t("{where} against its predictions on the held-out rows: {test}, {statistic}; PSI {psi}.",
                    where=where, test=test_text(p), statistic=statistic_text(p), psi=fmt.num(p.get("psi"), 3))


def summary(ws: Workspace, model: Model, batch: service.Batch, report: service.DriftReport) -> None:
    """The headline numbers, then what changed (columns, missing values, new categories) and the notes."""
    exp = experiment_of(ws, model)
    cols = st.columns(4)
    n, total = report.n_drifted, len(report.features)
    cols[0].metric(t("Features drifted"), t("{n} of {total}", n=fmt.count(n), total=fmt.count(total)),
                   help=t("{share} of the tested features", share=_pct(report.share_drifted)))
    value, help_ = _prediction_metric(report)
    cols[1].metric(t("Prediction drift"), value, help=help_)
    cols[2].metric(t("Rows in the batch"), fmt.count(batch.n_rows),
                   help=t("The training data had {n} rows.", n=fmt.count((report.settings or {}).get("n_ref"))))
    metrics = report.metrics or {}
    primary = metrics.get("primary")
    if primary:
        b, h = (metrics.get("batch") or {}).get(primary), (metrics.get("holdout") or {}).get(primary)
        delta = None if b is None or h is None else float(b) - float(h)
        cols[3].metric(metric_label(primary, exp.task), fmt.num(b), delta=None if delta is None else fmt.num(delta),
                       delta_color="normal" if metrics.get("higher_is_better", True) else "inverse",
                       help=t("On the held-out rows: {value}.", value=fmt.num(h)))
    else:
        cols[3].metric(metric_label(exp.metric, exp.task), "—",
                       help=t("The batch has no {target} values, so the model cannot be scored on it.",
                              target=exp.target))
    lines = changes(report)
    if lines:
        st.markdown("\n".join(f"- {line}" for line in lines))
    if primary:
        metrics_table(exp, metrics)
    notes = [_note(n) for n in report.notes or []]
    if notes:
        st.caption(" ".join(notes))


def changes(report: service.DriftReport) -> list[str]:
    """Readable lines (Markdown): missing and extra columns, wrong types, missing values and new categories."""
    lines = []
    if report.missing_columns:
        lines.append(t("**Missing columns** (not tested; drift is computed on the rest): {columns}",
                       columns=_names(report.missing_columns)))
    if report.extra_columns:
        lines.append(t("**Extra columns** (the model does not use them; ignored): {columns}",
                       columns=_names(report.extra_columns)))
    for column, reason in report.type_problems.items():
        lines.append(t("**Wrong types** in {column}: {reason}", column=_code(column), reason=_note(reason)))
    moved = [f for f in report.features
             if abs(float(f.get("missing_cur") or 0.0) - float(f.get("missing_ref") or 0.0)) >= MISSING_CHANGE]
    if moved:
        items = ", ".join(f"{_code(f['column'])} {_pct1(f.get('missing_ref'))} → {_pct1(f.get('missing_cur'))}"
                          for f in moved)  # the same in every language
        lines.append(t("**Missing values changed** (training → batch): {items}", items=items))
    for f in report.features:
        new = list(f.get("new_categories") or [])
        if new:
            count = int(f.get("n_new_categories") or len(new))
            shown = ", ".join(f"`{escape_markdown(str(v))}`" for v in new[:8])
            if count > 8:
                shown += " " + tn("and {n} more", "and {n} more", count - 8)
            lines.append(t("**New categories** in {column}: {values} ({share} of the batch's values)",
                           column=_code(f["column"]), values=shown, share=_pct1(f.get("new_category_share"))))
    return lines


def metrics_table(exp: Experiment, metrics: dict[str, Any]) -> None:
    """The model's metrics on the batch next to the held-out rows', the primary one first."""
    primary = metrics.get("primary")
    batch, holdout = metrics.get("batch") or {}, metrics.get("holdout") or {}
    names = [primary, *[m for m in batch if m != primary]]
    rows = []
    for name in names:
        b, h = batch.get(name), holdout.get(name)
        rows.append({t("Metric"): metric_label(name, exp.task), t("Held-out rows"): fmt.num(h),
                     t("This batch"): fmt.num(b),
                     t("Change"): "—" if b is None or h is None else f"{float(b) - float(h):+.4f}"})
    st.markdown(t("**The model on this batch** ({n} rows with {target}) and on its held-out rows ({m} rows):",
                  n=fmt.count(metrics.get("n_rows")), target=_code(metrics.get("target") or exp.target),
                  m=fmt.count(metrics.get("n_holdout"))))
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="content", key="mon_metrics")


# ---------------------------------------------------------------- features

def dates_of(ws: Workspace, model: Model) -> set[str]:
    """The model's date columns (their drift is measured in seconds since 1970)."""
    semantic = (experiment_of(ws, model).spec or {}).get("semantic") or {}
    return {str(c) for c, kind in semantic.items() if kind == "datetime"}


def _mean_text(value: float, is_date: bool) -> str:
    if is_date:
        stamp = pd.Timestamp(float(value), unit="s")
        return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() else stamp.strftime("%Y-%m-%d %H:%M")
    return fmt.num(float(value), 2)


def feature_line(f: dict[str, Any], dates: set[str] | frozenset[str] = frozenset()) -> str:
    """``**age** — Kolmogorov-Smirnov: p = 0.0001 (drift below 0.05) · PSI 0.31 · mean 41.2 → 47.9`` (Markdown;
    the mean of a date column as a date)."""
    parts = [f"{test_text(f)}: {escape_markdown(statistic_text(f))}",
             t("PSI {psi}", psi=fmt.num(f.get("psi"), 3))]
    if f.get("mean_ref") is not None and f.get("mean_cur") is not None:
        is_date = f["column"] in dates
        parts.append(t("mean {before} → {after}", before=_mean_text(f["mean_ref"], is_date),
                       after=_mean_text(f["mean_cur"], is_date)))
    name = f":red[{_code(f['column'])}]" if f.get("drifted") else _code(f["column"])
    return f"{name} — " + " · ".join(parts)


def feature_table(report: service.DriftReport) -> pd.DataFrame:
    """One row per feature, drifted first: the test, its statistic against its threshold, PSI, missing shares."""
    rows = []
    for f in charts.feature_rows(report):
        rows.append({
            t("Column"): f["column"], t("Drifted"): t("yes") if f.get("drifted") else t("no"),
            t("Type"): tk(KIND_LABELS[f["kind"]]) if f.get("kind") in KIND_LABELS else str(f.get("kind") or ""),
            t("Test"): test_text(f), t("Statistic"): statistic_text(f),
            t("PSI"): fmt.num(f.get("psi"), 3),
            t("Missing (training → batch)"): f"{_pct1(f.get('missing_ref'))} → {_pct1(f.get('missing_cur'))}",
            t("New categories"): fmt.count(f.get("n_new_categories") or len(f.get("new_categories") or [])),
            t("Notes"): " ".join(i18n.message(str(n), kind="NOTES") for n in f.get("notes") or []),
        })
    return pd.DataFrame(rows)


def features_view(ws: Workspace, model: Model, report: service.DriftReport) -> None:
    """The drifted features one per line (most drifted first, with their notes), the stable ones in a sentence,
    and the table."""
    st.subheader(t("Which features drifted"), anchor=False)
    ordered = charts.feature_rows(report)
    drifted = [f for f in ordered if f.get("drifted")]
    dates = dates_of(ws, model)
    if drifted:
        st.markdown("\n".join(f"{i}. {feature_line(f, dates)}" for i, f in enumerate(drifted[:SHOWN_DRIFTED], 1)))
        if len(drifted) > SHOWN_DRIFTED:
            st.caption(tn("{n} more drifted feature is in the table below.",
                          "{n} more drifted features are in the table below.", len(drifted) - SHOWN_DRIFTED))
    else:
        st.markdown(t("No feature drifted."))
    stable = [f["column"] for f in ordered if not f.get("drifted")]
    if stable:
        st.markdown(tn("Stable: {columns}.", "Stable ({n}): {columns}.", len(stable), columns=_names(stable, 15)))
    notes = [f"{_code(f['column'])}: " + " ".join(_note(n) for n in f.get("notes") or [])
             for f in drifted[:SHOWN_DRIFTED] if f.get("notes")]  # the others' notes are in the table
    if notes:
        st.caption("  \n".join(notes))
    st.caption(t("Each feature gets the test Evidently picks by default: for up to 1,000 training rows "
                 "Kolmogorov-Smirnov (numbers), chi-squared (categories) or a Z-test (two values), drifting when "
                 "p < 0.05; above that the normed Wasserstein distance (numbers) or the Jensen-Shannon distance "
                 "(categories), drifting from 0.1. PSI (population stability index) is given for every feature; "
                 "from 0.1 it marks a shift, from 0.25 a large one."))
    table = feature_table(report)
    with st.expander(tn("All {n} feature as a table", "All {n} features as a table", len(table))):
        st.dataframe(table, hide_index=True, width="stretch", key="mon_table", height=min(38 + 35 * len(table), 600))


# ---------------------------------------------------------------- charts

def _frames(ws: Workspace, batch_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _cached(("frames", batch_id), lambda: service.chart_frames(ws, batch_id))


def charts_view(ws: Workspace, model: Model, batch: service.Batch, report: service.DriftReport) -> None:
    """Drift by feature, one feature's distributions, drift against importance, and the history (``?tab=``)."""
    views = url.tabs({k: tk(v) for k, v in VIEWS.items()})
    if views["features"].open:
        with views["features"]:
            st.plotly_chart(charts.drift_scores_figure(report, tk), key="mon_chart_scores", config=CHART)
            st.caption(t("A drift score puts every test on one scale: 1 is the test's threshold, more is more "
                         "drift (for a p-value, how many times smaller than the threshold on a log scale). Bars "
                         "are red from the threshold."))
    if views["distributions"].open:
        with views["distributions"]:
            distributions_view(ws, model, batch, report)
    if views["importance"].open:
        with views["importance"]:
            importance_view(ws, model, report)
    if views["history"].open:
        with views["history"]:
            history_view(ws, model)
    if views["lineage"].open:
        with views["lineage"]:
            loop_lineage_view(ws, model)


def loop_lineage_view(ws: Workspace, model: Model) -> None:
    """The lineage of the loop: the model, its batches and reports, the data made from them, the label tasks,
    and the experiments and models trained on that data."""
    from core.data.charts import lineage_figure

    nodes, edges = service.loop_graph(ws, model.id)
    st.plotly_chart(lineage_figure(nodes, edges, highlight=model.id, title=tk("The loop back from this model"), tr=tk),
                    key="mon_chart_loop", config=CHART)
    counts = {kind: sum(n["kind"] == kind for n in nodes) for kind in ("monitor_batch", "label_task", "experiment")}
    st.caption(t("Arrows run from what was used to what was made: the model, its batches and their drift reports, "
                 "the batch data sent to labeling and published, the retraining data, and the experiments trained "
                 "on it ({batches} batches, {tasks} label tasks, {experiments} experiments).",
                 batches=fmt.count(counts["monitor_batch"]), tasks=fmt.count(counts["label_task"]),
                 experiments=fmt.count(counts["experiment"])))


def distributions_view(ws: Workspace, model: Model, batch: service.Batch, report: service.DriftReport) -> None:
    """One feature (``?column=``, the most drifted by default), or the predictions, training data against batch."""
    ordered = charts.feature_rows(report)
    options = {f["column"]: (f"{f['column']} · " + t("drifted") if f.get("drifted") else f["column"])
               for f in ordered}
    if (report.prediction or {}).get("histogram"):
        options[PREDICTION] = t("the model's predictions")
    if not options:
        st.info(t("No feature was tested."))
        return
    column = url.select(t("Column"), options, param="column", default=next(iter(options)),
                        help=t("Features in the order of the list above: the most drifted first."))
    if column == PREDICTION:
        st.plotly_chart(charts.prediction_figure(report.prediction, tk), key="mon_chart_prediction", config=CHART)
        return
    feature = next(f for f in ordered if f["column"] == column)
    with errors.shown(stop=False):
        ref, cur = _frames(ws, batch.id)
        if column not in ref.columns or column not in cur.columns:
            st.info(t("The training rows or the batch lack {column}.", column=_code(column)))
            return
        st.plotly_chart(charts.distribution_figure(ref[column], cur[column], feature.get("kind") or "numeric", column,
                                                   tk, new_categories=feature.get("new_categories") or []),
                        key="mon_chart_distribution", config=CHART)
        st.caption(feature_line(feature, dates_of(ws, model)))


def importance_view(ws: Workspace, model: Model, report: service.DriftReport) -> None:
    """Drift against the model's mean |SHAP| per column, from its newest stored explanation."""
    from core.explain import service as explain_service

    stored = explain_service.latest_explanation(ws, model.id)
    if stored is None:
        st.info(t("This model has no explanation yet. Explain it on the Explain page: then this chart shows which "
                  "drifted features the model relies on, the drift that matters most."))
        url.link("app_pages/explain.py", t("Explain this model"), icon=":material/insights:", model=model.id)
        return
    st.plotly_chart(charts.importance_quadrant(report, stored.top(), tk), key="mon_chart_quadrant", config=CHART)
    hot = [f["column"] for f in charts.feature_rows(report) if f.get("drifted")
           and charts.importance_share(stored.top(), f["column"]) >= 1 / max(1, len(stored.top()))]
    if hot:
        st.warning(tn("The model relies on this drifted feature more than on the average one: {columns}. Its "
                      "predictions are likely to change.",
                      "The model relies on these drifted features more than on the average one: {columns}. Its "
                      "predictions are likely to change.", len(hot), columns=_names(hot)),
                   icon=":material/priority_high:")
    st.caption(t("Importance is the mean |SHAP| of each column in the model's explanation of {n} rows, stored {when}.",
                 n=fmt.count(stored.n_rows), when=fmt.ago(stored.created_at)))


def history_view(ws: Workspace, model: Model) -> None:
    """The share of drifted features and the model's metric over the model's batches, oldest first."""
    reports = service.reports_of(ws, model.id)
    names = {b.id: b.name for b in service.list_batches(ws, model.id)}
    exp = experiment_of(ws, model)
    primary = next((r.metrics.get("primary") for r in reports if (r.metrics or {}).get("primary")), None)
    st.plotly_chart(charts.history_figure(reports, tk, names=names,
                                          metric_label=metric_label(primary, exp.task) if primary else None),
                    key="mon_chart_history", config=CHART)
    st.caption(tn("{n} batch checked so far.", "{n} batches checked so far.", len(reports)))


# ---------------------------------------------------------------- the loop

def _retrain_version(ws: Workspace, batch: service.Batch, labeled_version_id: str | None) -> Any:
    """The newest retrain version made from this batch's labeled rows, if any."""
    from core.store import lineage

    if not labeled_version_id:
        return None
    made = []
    for link in lineage.list_links(ws, "dataset_version", labeled_version_id):
        if link.relation == "derived_from" and link.to_id == labeled_version_id and link.from_kind == "dataset_version":
            version = datasets.get_version(ws, link.from_id)
            op = version.operation or {}
            if op.get("op") == "retrain_data" and op.get("batch_id") == batch.id and not version.archived_at:
                made.append(version)
    return max(made, key=lambda v: v.created_at) if made else None


def loop_view(ws: Workspace, project: Project, model: Model, batch: service.Batch,
              report: service.DriftReport | None) -> None:
    """Send the batch to labeling (then label it on the Label page), and retrain on the training rows plus the
    labeled ones (then run the experiment on the Experiments page, prefilled)."""
    from core.labeling.publish import list_publications

    exp = experiment_of(ws, model)
    st.subheader(t("Close the loop"), anchor=False)
    st.caption(t("Label the batch's rows (the most unusual first), then retrain on the training rows plus the "
                 "labeled ones with the same settings."))
    left, right = st.columns(2)
    task = service.batch_task(ws, batch.id)
    publications = list_publications(ws, task.id) if task else []
    with left.container(border=True):
        st.markdown(t("**1. Label the batch**"))
        if task is not None:
            st.markdown(t("Sent to labeling as the task {task}.", task=f"{_code(task.name)} {id_suffix(task.id)}"))
            url.link("app_pages/label.py", t("Label its rows"), icon=":material/label:", task=task.id)
            if publications:
                counts = publications[0].counts or {}
                st.caption(t("Labels published {when}: {n} labeled rows.", when=fmt.ago(publications[0].created_at),
                             n=fmt.count(counts.get("resolved", counts.get("rows")))))
            else:
                st.caption(t("No labels published yet: label the rows, then publish them on the Label page."))
        elif exp.task == "regression":
            st.caption(t("This model predicts a number: a label task chooses among classes. Add the batch again "
                         "with the true {target} values to retrain on it.", target=_code(exp.target)))
        else:
            urgent = bool(report and report.alert)
            if st.button(t("Send to labeling"), key="mon_label", icon=":material/label:",
                         type="primary" if urgent else "secondary",
                         help=t("Makes a label task of the batch's rows, the most unusual first (on the drifted "
                                "features), with the model's classes.")):
                with errors.shown(stop=False):
                    made = service.send_to_labeling(ws, batch.id, created_by="app")
                    state.flash(t("Made the label task {task}.", task=escape_markdown(made.name)), ":material/label:")
                    st.rerun()
        if batch.has_target:
            st.caption(t("This batch has the true {target} values already: it can be used to retrain directly.",
                         target=_code(exp.target)))
    with right.container(border=True):
        st.markdown(t("**2. Retrain**"))
        labeled = publications[0].version_id if publications else (batch.version_id if batch.has_target else None)
        ready = labeled is not None
        made = _retrain_version(ws, batch, labeled)
        if made is None:
            if st.button(t("Make the training data"), key="mon_retrain", icon=":material/autorenew:",
                         disabled=not ready, type="primary" if ready else "secondary",
                         help=t("The model's training rows plus the batch's labeled rows, as a new version of the "
                                "training data.")):
                with errors.shown(stop=False):
                    made = service.retrain_version(ws, batch.id, created_by="app")
                    state.flash(t("Made {version} for retraining.", version=escape_markdown(
                        f"{made.dataset_name} v{made.number}")), ":material/autorenew:")
                    st.rerun()
            if not ready:
                st.caption(t("Available once the batch's labels are published (or for a batch with the target)."))
            return
        op = made.operation or {}
        st.markdown(t("Training data for retraining: {version} ({n} rows: {train} training rows + {labeled} labeled "
                      "rows).", version=f"**{escape_markdown(f'{made.dataset_name} v{made.number}')}** "
                                        f"{id_suffix(made.id)}",
                      n=fmt.count(made.n_rows), train=fmt.count(op.get("n_train")), labeled=fmt.count(op.get("n_labeled"))))
        url.link("app_pages/experiments.py", t("Run the experiment again on it"), icon=":material/science:",
                 version=made.id, target=exp.target, retrain=exp.id, experiment=None, model=None,
                 dataset=made.dataset_id)
