"""The Compare page's views: leaderboard with charts, trials across experiments, gates, registry.

Everything listed is read a page at a time from SQL (:mod:`core.evaluation.leaderboard`); the
curves are drawn from the predictions stored when each model was evaluated, never by predicting
again. Long work (evaluating old models, benchmarking) runs as jobs whose progress is shown here.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from core import jobs
from core.evaluation import benchmark, gates, leaderboard, registry, scoring
from core.workspace import Workspace
from ui import errors, fmt, state, url, verdict
from ui.experiment_view import metric_label
from ui.fmt import escape_markdown, id_suffix, num
from ui.i18n import t, tk, tn
from ui.jobs import progress_panel

ALL = "all"
PAGE_SIZE = 50
CHART_POINTS = 500  # models drawn on the Pareto chart (the best first)
SORTS = {
    "value": "Held-out metric, best first",
    "p99_ms": "Latency p99, fastest first",
    "train_time": "Train time, shortest first",
    "size_bytes": "Size, smallest first",
    "-created_at": "Newest first",
    "learner": "Learner",
}
STAGES = {"none": "No stage", "candidate": "Candidate", "production": "Production", "archived": "Archived"}
STAGE_BADGE = {"candidate": "blue", "production": "green", "archived": "gray"}
METHOD_SHORT = {"holdout": "held-out rows", "repeated_cv": "repeated CV"}


def has_models(ws: Workspace, project_id: str) -> bool:
    """Whether the project has any model (archived ones count: they stay traceable)."""
    return leaderboard.leaderboard(ws, project_id, limit=1, include_archived=True).total > 0


def _unfinished(ws: Workspace, project_id: str, kind: str):
    """The newest queued or running job of ``kind`` in the project, if any."""
    for status in ("running", "queued"):
        found = jobs.list_jobs(ws, status=status, project_id=project_id, kind=kind, limit=1)
        if found:
            return found[0]
    return None


def evaluations_notice(ws: Workspace, project_id: str) -> None:
    """Models made before evaluations were stored get one on demand, as a job."""
    job = _unfinished(ws, project_id, "evaluate")
    if job is not None:
        progress_panel(job.id, key="cmp_eval", show_log=False, rerun_when_done=True)
        return
    missing = scoring.missing_evaluations(ws, project_id)
    if not missing:
        return
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.warning(tn("{n} model has no stored evaluation yet (it was made before intervals and stored predictions). "
                    "Evaluate it to see its intervals and curves.",
                    "{n} models have no stored evaluation yet (they were made before intervals and stored "
                    "predictions). Evaluate them to see their intervals and curves.", len(missing)),
                 icon=":material/info:")
    if right.button(t("Evaluate now"), key="cmp_eval_go", icon=":material/play_arrow:"):
        with errors.shown():
            scoring.enqueue_evaluation(ws, missing, project_id=project_id)
            st.rerun()


def verdicts_strip(ws: Workspace, project_id: str) -> None:
    """The project's hypotheses that have a verdict, one line each."""
    from core.define import hypotheses

    judged = [h for h in hypotheses.list_hypotheses(ws, project_id) if h.verdict]
    for h in judged:
        verdict.show(h, compact=True)


def _options(ws: Workspace, project_id: str) -> dict[str, Any]:
    return leaderboard.filter_options(ws, project_id)


def filters(ws: Workspace, project_id: str) -> dict[str, list[str] | None]:
    """The filter row (experiment, data version, hypothesis, learner), each a URL parameter."""
    options = _options(ws, project_id)
    columns = st.columns(4)
    chosen: dict[str, list[str] | None] = {}
    specs = [
        ("experiment", t("Experiment"), {o["id"]: o["label"] for o in options["experiments"]}),
        ("version", t("Data version"), {o["id"]: o["label"] for o in options["versions"]}),
        ("hypothesis", t("Hypothesis"), {o["id"]: o["label"] for o in options["hypotheses"]}),
        ("learner", t("Learner"), {name: name for name in options["learners"]}),
    ]
    for column, (param, label, values) in zip(columns, specs, strict=True):
        labels = {ALL: t("All"), **values}
        picked = url.select(label, labels, param=param, default=ALL, container=column, clear=("page",))
        chosen[param] = None if picked in (None, ALL) else [picked]
    return chosen


def _page_number() -> int:
    try:
        return max(1, int(url.get("page") or 1))
    except ValueError:
        return 1


def _sort() -> tuple[str, bool | None]:
    key = url.get("sort") or "value"
    if key not in SORTS:
        key = "value"
    descending = True if key.startswith("-") else None
    return key.lstrip("-"), descending


def _interval(row: Any) -> str:
    if row.low is None or row.high is None:
        return "—"
    return f"{num(row.low)}–{num(row.high)}"


GATE_REASONS = ("no benchmark yet: benchmark the model", "not recorded for this model's trial", "size unknown",
                "not measured: evaluate the model, or the metric does not apply to its task")


def _clause(text: str) -> str:
    """A gate clause as a result names it (the rule's own text), with its explanation translated."""
    import re

    for reason in GATE_REASONS:
        text = text.replace(reason, tk(reason))
    return re.sub(r"\(is ([^)]*)\)", lambda m: t("(is {value})", value=m.group(1)), text)


def _gate_text(result: Any) -> str:
    if result is None:
        return "—"
    if result.passed:
        return "✅ " + t("pass")
    if result.passed is None:
        return "❔ " + t("unknown: {what}", what="; ".join(_clause(c) for c in result.unknown))
    return "❌ " + "; ".join(_clause(c) for c in result.failing)


def _model_name(row: Any) -> str:
    return f"{row.learner} · {fmt.short_id(row.model_id)}"


def _rows(page: Any, results: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for r in page.rows:
        rows.append({
            "model": _model_name(r),
            "experiment": r.experiment_name,
            "metric": metric_label(r.metric) if r.metric else "—",
            "value": r.value,
            "interval": _interval(r),
            "method": tk(METHOD_SHORT.get(r.method or "", "—")) if r.method else t("not evaluated"),
            "val_metric": r.val_metric,
            "p50_ms": r.p50_ms,
            "p99_ms": r.p99_ms,
            "rows_per_s": r.rows_per_s,
            "train_time": r.train_time,
            "size": fmt.size(r.size_bytes or 0),
            "gates": _gate_text(results.get(r.model_id)),
            "stage": tk(STAGES.get(r.stage, r.stage)),
            "verdict": tk(verdict.OUTCOME_BADGE[r.verdict][1]) if getattr(r, "verdict", None) in verdict.OUTCOME_BADGE
            else "—",
            "version": r.version_label,
        })
    return rows


def _column_config() -> dict[str, Any]:
    cc = st.column_config
    return {
        "model": cc.TextColumn(t("Model"), width="medium"),
        "experiment": cc.TextColumn(t("Experiment")),
        "metric": cc.TextColumn(t("Metric")),
        "value": cc.NumberColumn(t("Held-out"), format="%.4f"),
        "interval": cc.TextColumn(t("95% interval")),
        "method": cc.TextColumn(t("Measured on")),
        "val_metric": cc.NumberColumn(t("Validation"), format="%.4f"),
        "p50_ms": cc.NumberColumn("p50 ms", format="%.3f"),
        "p99_ms": cc.NumberColumn("p99 ms", format="%.3f"),
        "rows_per_s": cc.NumberColumn(t("rows/s (batch)"), format="%.0f"),
        "train_time": cc.NumberColumn(t("Train s"), format="%.2f"),
        "size": cc.TextColumn(t("Size")),
        "gates": cc.TextColumn(t("Gates"), width="medium"),
        "stage": cc.TextColumn(t("Stage")),
        "verdict": cc.TextColumn(t("Hypothesis")),
        "version": cc.TextColumn(t("Data version")),
    }


def _selected_ids() -> list[str]:
    return [m for m in (url.get("models") or "").split(",") if m]


def _put_selected(ids: list[str]) -> None:
    url.put(models=",".join(dict.fromkeys(ids)) or None)


def leaderboard_view(ws: Workspace, project_id: str, chosen: dict[str, list[str] | None]) -> None:
    """The sortable, paged leaderboard; the chosen models' charts below it."""
    key, descending = _sort()
    top, sort_col = st.columns([3, 2], vertical_alignment="bottom")
    with sort_col:
        url.select(t("Sort by"), {k: tk(v) for k, v in SORTS.items()}, param="sort", default="value",
                   clear=("page",))
    number = _page_number()
    page = leaderboard.leaderboard(ws, project_id, experiment_ids=chosen["experiment"],
                                   version_ids=chosen["version"], hypothesis_ids=chosen["hypothesis"],
                                   learners=chosen["learner"], sort=key, descending=descending,
                                   offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    if page.total == 0:
        st.info(t("No model matches these filters."))
        return
    results = gates.check_models(ws, project_id, [r.model_id for r in page.rows])
    top.caption(t("Models {first}–{last} of {total}. Choose rows to compare them below.",
                  first=fmt.count(page.offset + 1), last=fmt.count(page.offset + len(page.rows)),
                  total=fmt.count(page.total)))
    selected = _selected_ids()
    on_page = [r.model_id for r in page.rows]

    def chose() -> None:
        rows = st.session_state["cmp_table"]["selection"]["rows"]
        keep = [m for m in _selected_ids() if m not in on_page]  # choices on other pages stay
        _put_selected(keep + [on_page[i] for i in rows if i < len(on_page)])

    st.dataframe(_rows(page, results), hide_index=True, width="stretch", key="cmp_table", placeholder="—",
                 column_config=_column_config(), on_select=chose, selection_mode="multi-row",
                 selection_default={"selection": {"rows": [i for i, m in enumerate(on_page) if m in selected]}},
                 height=min(36 * (len(page.rows) + 1) + 2, 640))
    _pager(page)
    names = {r.model_id: f"{_model_name(r)} · {r.experiment_name}" for r in page.rows}
    learners = {r.model_id: r.learner for r in page.rows}
    missing = [m for m in selected if m not in names]
    if missing:
        for row in leaderboard.rows_of(ws, missing):
            names[row.model_id] = f"{_model_name(row)} · {row.experiment_name}"
            learners[row.model_id] = row.learner
    picked = st.multiselect(t("Models compared"), list(names), default=[m for m in selected if m in names],
                            format_func=names.get, key=f"cmp_pick_{','.join(selected)}",
                            placeholder=t("Choose models (or rows in the table)"))
    if picked != [m for m in selected if m in names]:
        _put_selected(picked)
        st.rerun()
    _actions(ws, project_id, picked, names)
    _pareto(ws, project_id, chosen)
    if picked:
        _curves(ws, picked, names, learners)
    else:
        st.caption(t("Choose models in the table to see their curves side by side."))


def _pager(page: Any) -> None:
    pages = max(1, -(-page.total // page.limit))
    if pages == 1:
        return
    number = page.offset // page.limit + 1
    left, mid, right = st.columns([1, 2, 1], vertical_alignment="center")
    if number > 1 and left.button(t("Previous"), key="cmp_prev", icon=":material/chevron_left:"):
        url.put(page=str(number - 1) if number > 2 else None)
        st.rerun()
    mid.caption(t("Page {n} of {pages}", n=number, pages=pages))
    if number < pages and right.button(t("Next"), key="cmp_next", icon=":material/chevron_right:"):
        url.put(page=str(number + 1))
        st.rerun()


def _actions(ws: Workspace, project_id: str, picked: list[str], names: dict[str, str]) -> None:
    """Benchmark the chosen models (a job), or follow the benchmark running now."""
    job = _unfinished(ws, project_id, "benchmark")
    if job is not None:
        progress_panel(job.id, key="cmp_bench", show_log=False, rerun_when_done=True)
        return
    left, right = st.columns([2, 3], vertical_alignment="center")
    label = t("Benchmark the chosen models") if picked else t("Benchmark models without figures")
    if left.button(label, key="cmp_bench_go", icon=":material/speed:"):
        with errors.shown():
            ids = picked or leaderboard.unbenchmarked(ws, project_id)
            if not ids:
                st.info(t("Every model has processing figures already."))
            else:
                benchmark.enqueue_benchmark(ws, ids, project_id=project_id)
                st.rerun()
    right.caption(t("Load time, single-row latency p50/p95/p99 over 1,000 calls, throughput at batch sizes 1, 100 and "
                    "10,000, size and peak memory, each model in a fresh process through the same raw-row path a "
                    "server uses."))


def _pareto(ws: Workspace, project_id: str, chosen: dict[str, list[str] | None]) -> None:
    from core.evaluation import charts

    st.markdown(f"##### {t('Accuracy against latency')}")
    page = leaderboard.leaderboard(ws, project_id, experiment_ids=chosen["experiment"],
                                   version_ids=chosen["version"], hypothesis_ids=chosen["hypothesis"],
                                   learners=chosen["learner"], sort="value", limit=CHART_POINTS)
    points = [{"label": _model_name(r), "learner": r.learner, "metric_value": r.value, "latency_ms": r.p99_ms,
               "model_id": r.model_id}
              for r in page.rows if r.value is not None and r.p99_ms is not None]
    if not points:
        st.caption(t("No model has both a held-out metric and processing figures yet: benchmark some to see the "
                     "front."))
        return
    metrics = {r.metric for r in page.rows if r.value is not None}
    if len(metrics) > 1:
        st.caption(t("The models are scored on different metrics; filter by experiment to compare like with like."))
    metric = page.rows[0].metric
    from core.experiments.spec import metric_direction

    fig = charts.pareto_front(points, metric, metric_direction(metric), latency="p99", tr=tk)
    st.plotly_chart(fig, key="cmp_pareto", config={"displaylogo": False})
    front = [p["label"] for p, best in zip(points, charts.pareto(points, metric_direction(metric)), strict=True)
             if best]
    st.caption(t("On the front (no other model is both more accurate and faster): {models}",
                 models=", ".join(escape_markdown(m) for m in front)))


def _curves(ws: Workspace, picked: list[str], names: dict[str, str], learner_of: dict[str, str]) -> None:
    from core.evaluation import charts

    loaded, failed = {}, []
    learners = {names.get(m, m): learner_of[m] for m in picked if m in learner_of}
    for model_id in picked[:8]:
        try:
            loaded[names.get(model_id, model_id)] = scoring.load_predictions(ws, model_id)
        except Exception:  # noqa: BLE001 - a model without stored predictions is named, not fatal
            failed.append(names.get(model_id, model_id))
    if failed:
        st.warning(t("No stored predictions for: {models}. Evaluate them (the button above) to draw their curves.",
                     models=", ".join(escape_markdown(f) for f in failed)))
    if not loaded:
        return
    tasks = {p.task for p in loaded.values()}
    if len(tasks) > 1:
        st.warning(t("The chosen models solve different tasks; choose models of one kind to overlay their curves."))
        return
    task = tasks.pop()
    st.markdown(f"##### {t('The chosen models, overlaid')}")
    if task == "regression":
        a, b = st.columns(2)
        a.plotly_chart(charts.predicted_vs_actual(loaded, learners=learners, tr=tk), key="cmp_pva")
        b.plotly_chart(charts.residuals_vs_predicted(loaded, learners=learners, tr=tk), key="cmp_rvp")
        st.plotly_chart(charts.residual_distribution(loaded, learners=learners, tr=tk), key="cmp_rdist")
        return
    classes = next(iter(loaded.values())).classes
    positive = None
    if len(classes) > 2:
        positive = st.selectbox(t("Class shown in the curves (one against the rest)"), classes, key="cmp_class")
    a, b = st.columns(2)
    a.plotly_chart(charts.roc_curves(loaded, learners=learners, positive=positive, tr=tk), key="cmp_roc")
    b.plotly_chart(charts.pr_curves(loaded, learners=learners, positive=positive, tr=tk), key="cmp_pr")
    normalise = st.toggle(t("Normalise the confusion matrices by true class"), key="cmp_norm")
    st.plotly_chart(charts.confusion_matrices(loaded, normalize=normalise, tr=tk), key="cmp_cm")
    st.plotly_chart(charts.calibration_curves(loaded, learners=learners, positive=positive, tr=tk), key="cmp_cal")
    st.markdown(f"##### {t('Per class')}")
    st.dataframe(charts.per_class_table(loaded), hide_index=True, width="stretch", key="cmp_per_class",
                 column_config={"model": st.column_config.TextColumn(t("Model")),
                                "class": st.column_config.TextColumn(t("Class")),
                                "precision": st.column_config.NumberColumn(t("Precision"), format="%.3f"),
                                "recall": st.column_config.NumberColumn(t("Recall"), format="%.3f"),
                                "f1": st.column_config.NumberColumn("F1", format="%.3f"),
                                "support": st.column_config.NumberColumn(t("Rows"), format="%d")})


# ---------------------------------------------------------------- trials across experiments

def trials_view(ws: Workspace, project_id: str, chosen: dict[str, list[str] | None]) -> None:
    """Every trial of the project's experiments (paged in SQL) and the search charts."""
    from core.evaluation import charts

    number = _page_number()
    page = leaderboard.runs_page(ws, project_id, experiment_ids=chosen["experiment"], learners=chosen["learner"],
                                 offset=(number - 1) * 100, limit=100)
    if page.total == 0:
        st.info(t("No trials match these filters."))
        return
    st.caption(t("Trials {first}–{last} of {total}, best validation score first within each experiment's metric.",
                 first=fmt.count(page.offset + 1), last=fmt.count(page.offset + len(page.rows)),
                 total=fmt.count(page.total)))
    st.dataframe([{
        "experiment": r.experiment_name, "trial": r.trial + 1, "learner": r.learner,
        "metric": metric_label(r.metric) if r.metric else "—", "val_metric": r.val_metric,
        "train_time": r.train_time, "status": r.status,
    } for r in page.rows], hide_index=True, width="stretch", key="cmp_trials",
        column_config={"experiment": st.column_config.TextColumn(t("Experiment")),
                       "trial": st.column_config.NumberColumn(t("Trial"), format="%d"),
                       "learner": st.column_config.TextColumn(t("Learner")),
                       "metric": st.column_config.TextColumn(t("Metric")),
                       "val_metric": st.column_config.NumberColumn(t("Validation"), format="%.4f"),
                       "train_time": st.column_config.NumberColumn(t("Train s"), format="%.3f"),
                       "status": st.column_config.TextColumn(t("Status"))})
    _pager(page)
    data = leaderboard.trials_for_charts(ws, project_id, experiment_ids=chosen["experiment"],
                                         learners=chosen["learner"])
    if not data["trials"]:
        return
    metric, direction = data["metric"], data["direction"]
    if data["mixed_metrics"]:
        st.caption(t("The experiments optimise different metrics; the charts show those on {metric}. Filter by "
                     "experiment to see another.", metric=metric_label(metric)))
    a, b = st.columns(2)
    a.plotly_chart(charts.best_metric_over_time(data["series"], metric, direction, tr=tk), key="cmp_best_time")
    b.plotly_chart(charts.trial_scatter(data["trials"], metric, tr=tk), key="cmp_scatter")
    st.plotly_chart(charts.metric_by_learner(data["trials"], metric, tr=tk), key="cmp_by_learner")
    learners = sorted({tr["learner"] for tr in data["trials"]})
    learner = st.selectbox(t("Hyperparameters of one learner's trials"), learners, key="cmp_pc_learner")
    st.plotly_chart(charts.parallel_coordinates([tr for tr in data["trials"] if tr["learner"] == learner], metric,
                                                tr=tk), key="cmp_parallel")


# ---------------------------------------------------------------- gates

def _field_meaning(meaning: str) -> str:
    """What a gate field means, in the session's language (interval bounds are one sentence per metric)."""
    for prefix, bound in (("lower bound of the 95% interval of ", "low"), ("upper bound of the 95% interval of ", "high")):
        if meaning.startswith(prefix):
            metric = meaning[len(prefix):]
            return (t("lower bound of the 95% interval of {metric}", metric=metric) if bound == "low"
                    else t("upper bound of the 95% interval of {metric}", metric=metric))
    return tk(meaning)


def gates_view(ws: Workspace, project_id: str) -> None:
    """The project's gate rule: edit it, see what it may name, and how each model fares."""
    rule = gates.get_gate(ws, project_id)
    st.markdown(t("A gate is a rule every model must pass before it can go to production, such as "
                  "`roc_auc >= 0.9 and p99_ms <= 10`. Clauses join with **and**, **or**, **not** and "
                  "parentheses; each compares a figure with a number."))
    with st.form("cmp_gate_form", border=False):
        text = st.text_input(t("Gate rule"), value=rule.text if rule else "", key="cmp_gate_text",
                             placeholder="roc_auc >= 0.9 and p99_ms <= 10")
        if st.form_submit_button(t("Save rule"), type="primary"):
            with errors.shown():
                saved = gates.set_gate(ws, project_id, text)
                state.flash(t("Gate saved: {rule}", rule=f"`{saved.text}`") if saved else t("Gate cleared"))
                st.rerun()
    if rule is not None:
        page = leaderboard.leaderboard(ws, project_id, sort="value", limit=PAGE_SIZE)
        results = gates.check_models(ws, project_id, [r.model_id for r in page.rows])
        passed = sum(1 for r in results.values() if r.passed)
        st.markdown(t("**{passed}** of {n} models pass `{rule}`.", passed=passed, n=len(results), rule=rule.text))
        st.dataframe([{"model": _model_name(r), "experiment": r.experiment_name,
                       "result": _gate_text(results.get(r.model_id))} for r in page.rows],
                     hide_index=True, width="stretch", key="cmp_gate_results",
                     column_config={"model": st.column_config.TextColumn(t("Model")),
                                    "experiment": st.column_config.TextColumn(t("Experiment")),
                                    "result": st.column_config.TextColumn(t("Result"), width="large")})
    with st.expander(t("What a rule can name"), icon=":material/help:"):
        st.dataframe([{"name": name, "meaning": _field_meaning(meaning)} for name, meaning in gates.GATE_FIELDS.items()],
                     hide_index=True, width="stretch", key="cmp_gate_fields",
                     column_config={"name": st.column_config.TextColumn(t("Name")),
                                    "meaning": st.column_config.TextColumn(t("Meaning"), width="large")})


# ---------------------------------------------------------------- registry

def registry_view(ws: Workspace, project_id: str) -> None:
    """The production model, promotion with a note, and the history of who promoted what, when and why."""
    current = registry.production_model(ws, project_id)
    if current is not None:
        st.success(t("In production: {model}", model=f"**{current.learner}** {id_suffix(current.id)}"),
                   icon=":material/verified:")
    else:
        st.info(t("No model is in production in this project yet."))
    page = leaderboard.leaderboard(ws, project_id, sort="value", limit=200, include_archived=True)
    names = {r.model_id: f"{_model_name(r)} · {r.experiment_name} · {tk(STAGES.get(r.stage, r.stage))}"
             for r in page.rows}
    selected = _selected_ids()
    default = next((m for m in selected if m in names), next(iter(names), None))
    with st.form("cmp_promote", border=True):
        st.markdown(f"**{t('Change a model stage')}**")
        a, b = st.columns([3, 1])
        model_id = a.selectbox(t("Model"), list(names), index=list(names).index(default) if default else 0,
                               format_func=names.get, key="cmp_promote_model")
        stage = b.selectbox(t("Stage"), list(STAGES), index=2, format_func=lambda s: tk(STAGES[s]),
                            key="cmp_promote_stage")
        note = st.text_input(t("Why (kept in the history)"), key="cmp_promote_note",
                             placeholder=t("Passes the gates; fastest of the accurate ones"))
        force = st.checkbox(t("Promote to production even though it fails the gate (the note must say why)"),
                            key="cmp_promote_force")
        if st.form_submit_button(t("Apply"), type="primary"):
            with errors.shown():
                model = registry.promote(ws, model_id, stage, note=note, force=force)
                state.flash(t("{model} is now {stage}", model=f"{model.learner} {fmt.short_id(model.id)}",
                              stage=tk(STAGES[model.stage])))
                st.rerun()
    history = registry.stage_history(ws, project_id=project_id)
    st.markdown(f"##### {t('History')}")
    if not history:
        st.caption(t("No stage changes yet."))
        return
    st.dataframe([{"when": fmt.when(h.at), "model": f"{fmt.short_id(h.model_id)}",
                   "from": tk(STAGES.get(h.old_stage or "none", h.old_stage or "")),
                   "to": tk(STAGES.get(h.new_stage, h.new_stage)), "who": h.actor, "note": h.note}
                  for h in history], hide_index=True, width="stretch", key="cmp_history",
                 column_config={"when": st.column_config.TextColumn(t("When")),
                                "model": st.column_config.TextColumn(t("Model")),
                                "from": st.column_config.TextColumn(t("From")),
                                "to": st.column_config.TextColumn(t("To")),
                                "who": st.column_config.TextColumn(t("Who")),
                                "note": st.column_config.TextColumn(t("Note"), width="large")})
