"""One experiment on screen: its views (overview, trials, model, data & environment) as URL tabs.

The overview follows a running search live (polled every 2 s: progress, cancel, charts) and,
once it is done, shows the best model with why it was chosen: the selection rule and its
numbers, the trial it refit, and a one-click refit of the best validation trial. Refitting,
reproducing and switching the current model run as background jobs or single store writes;
this view queues them and follows their progress. Only the open view runs; the charts are
drawn only in the overview and cached per (experiment, trials so far, language).
"""

from __future__ import annotations

import streamlit as st

from core import experiments, jobs
from core.experiments import spec
from core.experiments.entities import Experiment, Model, Run
from core.jobs.entities import Job
from core.workspace import Workspace
from ui import errors, fmt, i18n, layout, state, url
from ui.fmt import STATUS_MATERIAL, escape_markdown, id_suffix, status_text
from ui.i18n import t, tk, tn
from ui.jobs import announce_if_finished, progress_panel

EXPERIMENTS_HELD = 8  # experiments whose runs a session keeps (the ones viewed last)

# What each metric name computes, as the UI names it. FLAML's roc_auc_ovr/ovo are scikit-learn's
# roc_auc_score(multi_class="ovr"/"ovo") with the macro average; *_weighted weights each class by
# its share of the rows (flaml/automl/ml.py). The holdout's "roc_auc" of a multiclass model is
# one-vs-rest, macro (core.experiments.search.evaluate).
METRIC_LABELS = {
    "roc_auc": "ROC AUC",
    "roc_auc_ovr": "ROC AUC (one-vs-rest, macro average)",
    "roc_auc_ovo": "ROC AUC (one-vs-one, macro average)",
    "roc_auc_ovr_weighted": "ROC AUC (one-vs-rest, weighted by class share)",
    "roc_auc_ovo_weighted": "ROC AUC (one-vs-one, weighted by class share)",
    "roc_auc_weighted": "ROC AUC (weighted by class share)",
    "accuracy": "accuracy",
    "balanced_accuracy": "balanced accuracy",
    "log_loss": "log loss",
    "f1": "F1 (second class as positive)",
    "macro_f1": "F1 (macro average)",
    "micro_f1": "F1 (micro average)",
    "ap": "average precision",
    "r2": "R²",
    "rmse": "RMSE",
    "mae": "MAE",
    "mse": "MSE",
    "mape": "MAPE",
}
TASK_LABELS = {"binary": "binary classification", "multiclass": "multiclass classification",
               "regression": "regression", "auto": "auto"}
VIEWS = {"overview": "Overview", "trials": "Trials", "model": "Model", "data": "Data & environment"}


def metric_label(metric: str, task: str | None = None, *, positive: object = None) -> str:
    """A metric as the UI names it, in the session's language; a multiclass ``roc_auc`` says how it is
    averaged, and a binary ``f1`` names its positive class when it is known (``positive``)."""
    if metric == "roc_auc" and task == "multiclass":
        metric = "roc_auc_ovr"
    if metric == "f1" and positive is not None:
        return t("F1 (positive class: {label})", label=str(positive))
    return tk(METRIC_LABELS[metric]) if metric in METRIC_LABELS else metric


def task_label(task: str) -> str:
    """``binary classification`` / ``이진 분류``."""
    return tk(TASK_LABELS[task]) if task in TASK_LABELS else task


def value_text(value: object) -> str:
    """A hyperparameter or setting value as text: numbers rounded (``fmt.num``), lists joined."""
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    if isinstance(value, int | float):
        return fmt.num(value)
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v) for v in value)
    return "—" if value is None or value == "" else str(value)


# ---------------------------------------------------------------- runs, read incrementally

def runs_so_far(ws: Workspace, exp: Experiment) -> list[Run]:
    """Return every run of ``exp`` in trial order, reading only trials newer than those read before.

    The runs read are kept in the session (``state.EXP_RUNS``), so a view polled every 2 s
    decodes each trial once. A search stores trials in order and never changes them, and a
    finished experiment's runs are immutable: once read after it finished, they are not read
    again.

    Args:
        ws: the workspace.
        exp: the experiment, as read just now (its status says whether more runs can come).
    """
    held: dict[str, tuple[list[Run], bool]] = st.session_state.setdefault(state.EXP_RUNS, {})
    runs, complete = held.pop(exp.id, ([], False))  # popped and put back: the newest viewed is last
    if not complete:
        newer = experiments.list_runs(ws, exp.id, after_trial=runs[-1].trial if runs else None)
        runs, complete = runs + newer, exp.finished
    held[exp.id] = (runs, complete)
    while len(held) > EXPERIMENTS_HELD:
        held.pop(next(iter(held)))
    return runs


def _best_first(runs: list[Run]) -> list[Run]:
    """Runs ordered like ``list_runs(best_first=True)``: lowest loss first, runs without a loss last."""
    return sorted(runs, key=lambda r: (r.val_loss is None, r.val_loss or 0.0, r.trial))


def _best_validation(runs: list[Run]) -> Run | None:
    scored = [r for r in runs if r.val_loss is not None]
    return min(scored, key=lambda r: (r.val_loss, r.trial)) if scored else None


def _rules_choice(exp: Experiment, runs: list[Run]):
    """What the search's own rule chooses among these runs (a ``Selection``), or ``None`` without a scored run."""
    from core.experiments import search

    records = experiments.trial_records(exp, runs)
    return search.choose(records)[1] if records else None


# ---------------------------------------------------------------- charts (overview only, cached)

@st.cache_resource(show_spinner=False, max_entries=64)
def _figures(experiment_id: str, n_runs: int, last_trial: int | None, lang: str, metric: str, maximize: bool,
             budget: float | None, _runs: list[Run]) -> tuple[object, object]:
    """The search-progress and learner-mix figures, built once per experiment, trials read so far and
    language (a finished experiment's once, a running one's once per new trial) and shared, never changed."""
    from core.data import charts  # plotly: only when the overview is open

    progress = charts.search_progress(_runs, metric, maximize=maximize, budget=budget, tr=i18n.tk)
    return progress, charts.learner_mix(_runs, tr=i18n.tk)


def _charts(exp: Experiment, runs: list[Run], budget: float | None) -> None:
    progress, mix = _figures(exp.id, len(runs), runs[-1].trial if runs else None, i18n.lang(),
                             metric_label(exp.metric, exp.task), spec.metric_direction(exp.metric) == "max",
                             budget, runs)
    left, right = st.columns([3, 2])
    left.plotly_chart(progress, key=f"exp_chart_progress_{exp.id}")
    right.plotly_chart(mix, key=f"exp_chart_mix_{exp.id}")


# ---------------------------------------------------------------- the overview (live while running)

def _status_line(exp: Experiment) -> None:
    icon = STATUS_MATERIAL.get(exp.status, "")
    st.markdown(t("{icon} **{status}** · {task}, optimising **{metric}**", icon=icon, status=status_text(exp.status),
                  task=task_label(exp.task), metric=metric_label(exp.metric, exp.task)))


def _numbers(exp: Experiment, job: Job | None, runs: list[Run]) -> None:
    search = exp.spec.get("search", {})
    maximize = spec.metric_direction(exp.metric) == "max"
    scored = [r.val_metric for r in runs if r.val_metric is not None]
    best = (max(scored) if maximize else min(scored)) if scored else None
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("Trials"), fmt.count(len(runs)))
    m2.metric(t("Best validation {metric}", metric=metric_label(exp.metric, exp.task)), fmt.num(best))
    m3.metric(t("Elapsed"), fmt.duration(exp.started_at, exp.finished_at) if exp.started_at else t("not started"))
    budget = search.get("time_budget")
    if not exp.finished and budget and job and job.progress is not None:
        m4.metric(t("Time left (approx.)"), fmt.seconds_text(max(0.0, budget * (1 - job.progress))))
    elif budget:
        m4.metric(t("Budget"), fmt.seconds_text(float(budget)))
    else:
        m4.metric(t("Budget"), tn("{n} trial", "{n} trials", search.get("max_trials") or 0))


def _overview_live(ws: Workspace, experiment_id: str) -> None:
    """Status, numbers, progress and cancel, and the charts; polled while the search runs."""
    exp = experiments.get_experiment(ws, experiment_id)
    job = jobs.get_job(ws, exp.job_id) if exp.job_id else None
    runs = runs_so_far(ws, exp)
    _status_line(exp)
    _numbers(exp, job, runs)
    if job and not exp.finished:
        st.progress(job.progress or 0.0, text=escape_markdown(i18n.progress(job.message)) or status_text(exp.status))
        layout.confirm(t("Cancel experiment"), key=f"exp_cancel_{exp.id}", icon=":material/stop:",
                       question=t("Stop this search? Finished trials are kept."), yes=t("Yes, stop it"),
                       no=t("Keep running"), action=lambda: experiments.cancel_experiment(ws, exp.id))
    if exp.error:
        st.error(escape_markdown(exp.error, keep_code=True))
    _charts(exp, runs, exp.spec.get("search", {}).get("time_budget"))
    if job:
        announce_if_finished(job)
    _rerun_once_finished(exp)


def _rerun_once_finished(exp: Experiment) -> None:
    """A polled view whose search just ended redraws the whole page once (with the model)."""
    if exp.finished and st.session_state.pop(f"exp_live_{exp.id}", None):
        st.rerun()


def _polled(exp: Experiment, body, *args) -> None:
    """Run ``body(*args)`` once for a finished experiment, else as a fragment polled every 2 s."""
    if exp.finished:
        body(*args)
        return
    st.session_state[f"exp_live_{exp.id}"] = True
    st.fragment(run_every="2s")(body)(*args)


def experiment_panel(ws: Workspace, experiment_id: str) -> None:
    """Draw an experiment: its name, then the open view (only that one runs)."""
    exp = experiments.get_experiment(ws, experiment_id)
    st.markdown(f"### {escape_markdown(exp.name)} {id_suffix(exp.id)}")
    views = url.tabs({view: tk(label) for view, label in VIEWS.items()})
    if views["overview"].open:
        with views["overview"]:
            _polled(exp, _overview_live, ws, exp.id)
            if not exp.finished:
                st.caption(t("You can leave this page or close the browser: the search goes on in the background."))
            else:
                _outcome(ws, exp)
    if views["trials"].open:
        with views["trials"]:
            _polled(exp, _trials_view, ws, exp.id)
    if views["model"].open:
        with views["model"]:
            _model_view(ws, exp)
    if views["data"].open:
        with views["data"]:
            _data_view(ws, exp)


# ---------------------------------------------------------------- the best model and why

def _outcome(ws: Workspace, exp: Experiment) -> None:
    """A finished search: its best model with why it was chosen, or how to refit a stopped one."""
    if exp.best_model_id:
        _best_model(ws, exp)
    elif exp.status in ("cancelled", "interrupted", "failed") and exp.best_run_id:
        _refit_section(ws, exp)


def _positive_class(exp: Experiment) -> object:
    """The class a binary F1 counts as positive (the second of the sorted classes), if recorded."""
    classes = exp.spec.get("resolved", {}).get("classes") or []
    return classes[1] if exp.task == "binary" and len(classes) == 2 else None


def _holdout_rows(exp: Experiment, model: Model) -> list[tuple[str, str]]:
    positive = _positive_class(exp)
    return [(metric_label(k, exp.task, positive=positive), fmt.num(v)) for k, v in model.holdout.items()
            if k != "n_rows"]


def _pairs(rows: list[tuple[str, str]]) -> None:
    """Names and values as a definition list (a two-column table without header; long text wraps)."""
    import pandas as pd

    st.table(pd.DataFrame(rows, columns=["name", "value"]), hide_index=True, hide_header=True, border="horizontal")


def _trial_text(trial: int, learner: str, metric: str, value: float | None, task: str) -> str:
    return t("trial {trial} ({learner}, {metric} {value})", trial=trial, learner=learner,
             metric=metric_label(metric, task), value=fmt.num(value))


def _best_model(ws: Workspace, exp: Experiment) -> None:
    model = experiments.get_model(ws, exp.best_model_id)
    runs = runs_so_far(ws, exp)
    models = [m for m in experiments.list_models(ws, exp.id) if not m.archived_at]
    st.subheader(t("Best model"), anchor=False)
    trial = next((r.trial for r in runs if r.id == model.run_id), None)
    line = f"**{escape_markdown(model.learner)}** {id_suffix(model.id)} · {fmt.size(model.size_bytes)}"
    if trial is not None:
        line += " · " + t("refit from trial {trial}", trial=trial)
    st.markdown(line)
    if len(models) > 1:
        st.caption(t("This is the experiment's current model: the one its views and commands use. "
                     "The other models are listed below."))
    left, right = st.columns([2, 3])
    with left:
        _pairs(_holdout_rows(exp, model))
        st.caption(t("Scored on the held-out split ({n} rows) the search never saw.",
                     n=fmt.count(model.holdout.get("n_rows", 0))))
        if exp.status != "done" and (model.selection or {}).get("rule") != "best_validation_by_user":
            st.caption(t("Refit from the best trial the search finished before it was {status}.",
                         status=status_text(exp.status)))
    with right:
        _why(ws, exp, model, runs, models)
        url.link("app_pages/experiments.py", t("See every trial"), icon=":material/table_rows:",
                 experiment=exp.id, tab="trials")
    others = [m for m in models if m.id != model.id]
    if others:
        _other_models(ws, exp, others, runs)


def _why(ws: Workspace, exp: Experiment, model: Model, runs: list[Run], models: list[Model]) -> None:
    """Which trial the model refits and why: the rule, the numbers, and the other choice."""
    selection = experiments.selection_of(exp, model, runs)
    best = _best_validation(runs)
    with st.container(border=True):
        st.markdown(f"**{t('Why this model')}**")
        if selection is None:
            st.markdown(t("It refits the trial the search chose; this model was stored before the reason "
                          "was recorded."))
            return
        chosen = _trial_text(selection.chosen_trial, selection.chosen_learner, selection.metric,
                             selection.chosen_metric, exp.task)
        best_text = _trial_text(selection.best_trial, selection.best_learner, selection.metric,
                                selection.best_metric, exp.task)
        if selection.rule == "one_standard_error":
            st.markdown(t("Chosen by the **one-standard-error rule**. The best validation score came from {best}. "
                          "The default configuration of {chosen} is within one standard error ({se}) of it, "
                          "so the simpler default was kept: on small data the best-scoring tuned "
                          "configuration is partly chosen by validation noise.",
                          best=best_text, chosen=chosen, se=fmt.num(selection.standard_error)))
            _refit_best_validation(ws, exp, best, models)
        elif selection.rule == "best_validation_by_user":
            st.markdown(t("**You chose the best validation trial**: {chosen}.", chosen=chosen))
            rules = _rules_choice(exp, runs)
            if rules is not None and rules.chosen_trial != selection.chosen_trial:
                st.caption(t("The search's own rule chose {trial} (the one-standard-error rule); that model is "
                             "kept below.", trial=_trial_text(rules.chosen_trial, rules.chosen_learner, rules.metric,
                                                              rules.chosen_metric, exp.task)))
        elif selection.rule == "several_classes":
            skipped = "; ".join(_trial_text(x["trial"], x["learner"], selection.metric, x.get("metric"), exp.task)
                                for x in selection.single_class)
            st.markdown(t("Chosen because the trials ranked above it predicted **a single class for every row** on "
                          "the validation folds ({skipped}). {chosen} is the next-best trial that predicts several "
                          "classes and beats the majority-class baseline there ({value} against {baseline}).",
                          skipped=skipped, chosen=chosen, value=fmt.num(selection.fold_metric),
                          baseline=fmt.num(selection.baseline_metric)))
        else:
            st.markdown(t("The best validation score: {chosen}.", chosen=chosen))
        if selection.rule != "several_classes" and any(x.get("trial") == selection.chosen_trial
                                                       for x in selection.single_class):
            st.warning(t("This model predicts a single class for every row on the validation folds, and none of "
                         "the next-best trials checked does better than the majority-class baseline there. More "
                         "rows, or other learners, may help."), icon=":material/warning:")


def _refit_running(job: Job | None, *, key: str) -> bool:
    """Follow a refit job still queued or running (True), or say how the last one failed."""
    if job is not None and not job.finished:
        progress_panel(job.id, key=key, show_log=False, rerun_when_done=True)
        return True
    if job is not None and job.status == "failed":
        st.error(t("The last refit failed: {error}", error=escape_markdown(job.error or "", keep_code=True)),
                 icon=":material/error:")
    return False


def _refit_best_validation(ws: Workspace, exp: Experiment, best: Run | None, models: list[Model]) -> None:
    """Offer to refit the best validation trial instead (a background job), or to use its model if one exists."""
    if best is None:
        return
    existing = next((m for m in models if m.run_id == best.id), None)
    if existing is not None:
        st.caption(t("Model {id} already refits trial {trial}: make it current below.",
                     id=fmt.short_id(existing.id), trial=best.trial))
        return
    if _refit_running(experiments.find_best_validation_refit_job(ws, exp.id), key="exp_refit_best_job"):
        return
    if st.button(t("Refit the best validation trial"), key=f"exp_refit_best_{exp.id}", icon=":material/model_training:",
                 help=t("Trains trial {trial} ({learner}) on all training rows in the background. The new model "
                        "becomes the current one and records that you chose it; this one stays available.",
                        trial=best.trial, learner=best.learner)):
        with errors.shown(stop=False):
            queued = experiments.enqueue_refit_best_validation(ws, exp.id)
            state.flash(t("Queued: {title}", title=escape_markdown(queued.title)), "⏳")
            st.rerun()


def _model_name(exp: Experiment, model: Model, runs: list[Run]) -> str:
    trial = next((r.trial for r in runs if r.id == model.run_id), None)
    selection = experiments.selection_of(exp, model, runs)
    rule = selection.rule if selection else None
    why = {"one_standard_error": t("the one-standard-error rule's choice"),
           "lowest_validation_loss": t("the best validation trial"),
           "best_validation_by_user": t("the best validation trial, chosen by you")}.get(rule or "")
    parts = [model.learner, t("trial {trial}", trial=trial) if trial is not None else "", why or ""]
    return " · ".join(p for p in parts if p)


def _other_models(ws: Workspace, exp: Experiment, others: list[Model], runs: list[Run]) -> None:
    st.markdown(f"**{t('Other models of this experiment')}**")
    for model in others:
        left, right = st.columns([4, 1])
        scores = ", ".join(f"{name} {value}" for name, value in _holdout_rows(exp, model))
        left.markdown(f"{escape_markdown(_model_name(exp, model, runs))} {id_suffix(model.id)}  \n:gray[{escape_markdown(scores)}]")
        _use_button(ws, exp, model, right)


def _use_button(ws: Workspace, exp: Experiment, model: Model, where: object = None) -> None:
    target = where or st
    if target.button(t("Make current"), key=f"exp_use_{model.id}", icon=":material/check:",
                     help=t("Make this the experiment's current model (the one its views and commands use).")):
        with errors.shown(stop=False):
            experiments.use_model(ws, exp.id, model.id)
            url.put(model=None)
            state.flash(t("Model {id} is now the current model", id=fmt.short_id(model.id)))
            st.rerun()


def _refit_section(ws: Workspace, exp: Experiment) -> None:
    """Queue a refit job for a stopped search's best trial and follow it; the model shows when it is done."""
    st.info(t("The search stopped before its best model was refit. Finished trials are kept."))
    if _refit_running(experiments.find_refit_job(ws, exp.id), key="exp_refit_job"):
        return
    if st.button(t("Refit the best trial so far"), key=f"exp_refit_{exp.id}", type="primary"):
        with errors.shown(stop=False):
            queued = experiments.enqueue_refit(ws, exp.id)
            state.flash(t("Queued: {title}", title=escape_markdown(queued.title)), "⏳")
            st.rerun()


# ---------------------------------------------------------------- trials

def _params_text(params: dict) -> str:
    return ", ".join(f"{k}={value_text(v)}" for k, v in params.items())


def _trials_view(ws: Workspace, experiment_id: str) -> None:
    exp = experiments.get_experiment(ws, experiment_id)
    runs = runs_so_far(ws, exp)
    if not runs:
        st.info(t("No trial has finished yet; the first appears within seconds."))
        _rerun_once_finished(exp)
        return
    current = experiments.get_model(ws, exp.best_model_id) if exp.best_model_id else None
    best = _best_validation(runs)
    rules = _rules_choice(exp, runs) if exp.finished else None
    metric = metric_label(exp.metric, exp.task)
    val = t("validation {metric}", metric=metric)
    rows = []
    for r in _best_first(runs):
        notes = []
        if current is not None and r.id == current.run_id:
            notes.append(t("current model"))
        if best is not None and r.id == best.id:
            notes.append(t("best validation"))
        if rules is not None and r.trial == rules.chosen_trial and rules.rule == "one_standard_error":
            notes.append(t("the one-standard-error rule's choice"))
        rows.append({t("trial"): r.trial, t("learner"): r.learner, t("note"): ", ".join(notes), val: r.val_metric,
                     t("train s"): r.train_time, t("at s"): r.wall_offset,
                     t("status"): t("ok") if r.status == "ok" else status_text(r.status),
                     t("hyperparameters"): _params_text(r.params)})
    st.caption(tn("{n} trial, best validation score first.", "{n} trials, best validation score first.", len(runs)))
    st.dataframe(rows, hide_index=True, width="stretch", height=min(36 * (len(rows) + 1) + 2, 760),
                 column_config={val: st.column_config.NumberColumn(format="%.4f"),
                                t("note"): st.column_config.TextColumn(width="medium"),
                                t("train s"): st.column_config.NumberColumn(format="%.2f"),
                                t("at s"): st.column_config.NumberColumn(format="%.1f")})
    _rerun_once_finished(exp)


# ---------------------------------------------------------------- one model in detail

def _model_view(ws: Workspace, exp: Experiment) -> None:
    models = [m for m in experiments.list_models(ws, exp.id) if not m.archived_at]
    if not models:
        if not exp.finished:
            st.info(t("The model appears here when the search finishes."))
        else:
            st.info(t("This experiment has no model. See the overview for what to do."))
        return
    runs = runs_so_far(ws, exp)
    labels = {m.id: _model_name(exp, m, runs) + (f" · {t('current')}" if m.id == exp.best_model_id else "")
              for m in reversed(models)}
    chosen = url.select(t("Model"), labels, param="model", default=exp.best_model_id)
    model = next(m for m in models if m.id == chosen)
    st.markdown(f"**{escape_markdown(model.learner)}** {id_suffix(model.id)} · {fmt.size(model.size_bytes)} · "
                + t("made {when}", when=fmt.when(model.created_at)))
    if model.id == exp.best_model_id:
        st.caption(t("The experiment's current model."))
    else:
        _use_button(ws, exp, model)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('Held-out scores')}**")
        _pairs(_holdout_rows(exp, model))
    with right:
        st.markdown(f"**{t('Hyperparameters')}**")
        _pairs([(k, value_text(v)) for k, v in model.config.items()])
    _reproduce_section(ws, model)


def _reproduce_outcome(job: Job) -> None:
    """Say how the model's last reproduce job ended."""
    when = fmt.ago(job.finished_at)
    if job.status == "done":
        r = job.result
        if r["identical"]:
            st.success(t("Identical predictions on {n} held-out rows ({when}; the refit took {seconds}).",
                         n=fmt.count(r["n_rows"]), when=when, seconds=fmt.seconds_text(r["seconds"])),
                       icon=":material/check_circle:")
        else:
            st.error(t("Predictions differ on {n} held-out rows: the largest difference is {diff} ({when}).",
                       n=fmt.count(r["n_rows"]), diff=fmt.num(r["max_abs_diff"]), when=when), icon=":material/error:")
    elif job.status == "failed":
        st.error(t("Could not reproduce the model: {error}", error=escape_markdown(job.error or "", keep_code=True)),
                 icon=":material/error:")
    else:
        st.caption(t("The last check was {status} ({when}).", status=status_text(job.status), when=when))


def _reproduce_section(ws: Workspace, model: Model) -> None:
    """Queue a reproduce job for the model, follow it, and show how the last one ended."""
    job = experiments.find_reproduce_job(ws, model.id)
    with st.expander(t("Reproduce this model"), expanded=job is not None, icon=":material/replay:"):
        st.caption(t("Refits the recorded configuration on the recorded data version with the recorded seed and "
                     "checks the held-out predictions are identical. The time-budgeted search itself need not "
                     "repeat trial for trial; the model it chose does. It runs in the background."))
        if job is not None and not job.finished:
            progress_panel(job.id, key="exp_reproduce_job", show_log=False, rerun_when_done=True)
            return
        if job is not None:
            _reproduce_outcome(job)
        label = t("Reproduce model") if job is None else t("Reproduce again")
        if st.button(label, key=f"exp_reproduce_{model.id}", icon=":material/replay:"):
            with errors.shown(stop=False):
                queued = experiments.enqueue_reproduce(ws, model.id)
                state.flash(t("Queued: {title}", title=escape_markdown(queued.title)), "⏳")
                st.rerun()


# ---------------------------------------------------------------- data and environment

def _version_link(ws: Workspace, version_id: str | None, label: str) -> None:
    """A link to the Datasets page on this version (``dataset`` and ``version`` in the URL)."""
    from core.data import datasets
    from core.errors import NotFound

    if not version_id:
        return
    try:
        version = datasets.get_version(ws, version_id)
    except NotFound:
        st.markdown(t("{what}: {id} (no longer in the workspace)", what=label, id=id_suffix(version_id)))
        return
    url.link("app_pages/datasets.py", f"{label}: {version.dataset_name} v{version.number}",
             icon=":material/database:", dataset=version.dataset_id, version=version.id,
             help=t("{rows} rows × {cols} columns", rows=fmt.count(version.n_rows), cols=fmt.count(version.n_cols)))


def _settings(exp: Experiment) -> list[tuple[str, str]]:
    r = exp.spec.get("resolved", {})
    asked = exp.spec.get("search", {})
    evaluation = (t("{k}-fold cross-validation", k=r.get("n_splits")) if r.get("eval_method") == "cv"
                  else t("a validation split of {share} of the training rows",
                         share=f"{float(r.get('holdout_fraction') or 0):.0%}"))
    rows = [
        (t("Target"), exp.target),
        (t("Task"), task_label(exp.task) + (f" ({t('detected')})" if asked.get("task") == "auto" else "")),
        (t("Metric"), metric_label(exp.metric, exp.task) + (f" ({t('default')})" if asked.get("metric") == "auto"
                                                             else "")),
        (t("Time budget"), fmt.seconds_text(float(r["time_budget"])) if r.get("time_budget") else t("none")),
        (t("Max trials"), value_text(r.get("max_trials")) if r.get("max_trials") else t("no limit")),
        (t("Learners"), value_text(r.get("learners") or [])),
        (t("Evaluation"), evaluation),
        (t("Held-out test share"), f"{float(exp.spec.get('test_size') or 0):.0%}"),
        (t("Seed"), value_text(r.get("seed"))),
        (t("Threads per trial"), value_text(r.get("n_jobs"))),
        (t("Cores the worker could use"), value_text(r.get("cores_available"))),
        (t("Parallel trials"), value_text(r.get("n_concurrent_trials"))),
        (t("Classes"), value_text(r.get("classes")) if r.get("classes") else "—"),
        (t("Features"), _features_text(r)),
    ]
    rows += [(t("Data note"), note) for note in r.get("warnings") or []]
    return rows


def _features_text(resolved: dict) -> str:
    """The feature columns, led by the saved feature set they came from (when one was used)."""
    columns = resolved.get("feature_columns") or []
    used = resolved.get("feature_set")
    if not used:
        return value_text(columns)
    return tn("Feature set {name}: {n} column", "Feature set {name}: {n} columns", len(columns),
              name=used.get("name") or used.get("id")) + f" ({value_text(columns)})"


def _environment(env: dict) -> list[tuple[str, str]]:
    rows = [
        (t("Python"), f"{env.get('python', '')} ({env.get('python_implementation', '')})"),
        (t("Platform"), env.get("platform", "")),
        (t("CPU cores"), value_text(env.get("cpu_count"))),
        (t("MLCycle version"), env.get("app_version", "")),
        (t("Git commit"), (env.get("git_commit") or "—")[:12]
         + (f" ({t('with uncommitted changes')})" if env.get("git_dirty") else "")),
    ]
    rows += [(name, version) for name, version in (env.get("packages") or {}).items()]
    if env.get("missing"):
        rows.append((t("Not installed"), ", ".join(env["missing"])))
    return rows


def _data_view(ws: Workspace, exp: Experiment) -> None:
    st.markdown(f"**{t('Data')}**")
    _version_link(ws, exp.dataset_version_id, t("Data version"))
    _version_link(ws, exp.train_version_id, t("Training part"))
    _version_link(ws, exp.test_version_id, t("Held-out part"))
    st.caption(t("Content hash (sha256) of the data version: {sha}", sha=f"`{exp.data_sha256}`"))
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('Search settings')}**")
        _pairs(_settings(exp))
        st.caption(t("Created {when}", when=fmt.when(exp.created_at)))
    with right:
        st.markdown(f"**{t('Environment')}**")
        _pairs(_environment(exp.environment))
