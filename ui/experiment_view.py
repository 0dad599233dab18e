"""The live view of one experiment: progress, trial charts, cancel, and the model once done.

Refitting the best trial of a stopped search and reproducing a model run as background jobs;
this view queues them and polls their progress.
"""

from __future__ import annotations

import json

import streamlit as st

from core import experiments, jobs
from core.data import charts
from core.experiments import search as automl
from core.experiments.entities import Experiment, Model, Run
from core.jobs.entities import Job
from core.workspace import Workspace
from ui import errors, layout, state
from ui.fmt import STATUS_MATERIAL, ago, duration, escape_markdown
from ui.jobs import announce_if_finished, progress_panel

EXPERIMENTS_HELD = 8  # experiments whose runs a session keeps (the ones viewed last)


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


def _holdout_table(holdout: dict) -> list[dict]:
    return [{"metric": k, "value": v} for k, v in holdout.items() if k != "n_rows"]


def _live(ws: Workspace, experiment_id: str) -> None:
    exp = experiments.get_experiment(ws, experiment_id)
    job = jobs.get_job(ws, exp.job_id) if exp.job_id else None
    runs = runs_so_far(ws, exp)
    search = exp.spec.get("search", {})
    maximize = automl.metric_direction(exp.metric) == "max"
    scored = [r.val_metric for r in runs if r.val_metric is not None]
    best = (max(scored) if maximize else min(scored)) if scored else None
    icon = STATUS_MATERIAL.get(exp.status, "")
    st.markdown(f"{icon} **{escape_markdown(exp.name)}** · `{exp.id}` · {exp.status} · {exp.task}, optimising **{exp.metric}**")
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Trials", len(runs))
    m2.metric(f"Best validation {exp.metric}", f"{best:.4f}" if best is not None else "—")
    elapsed = duration(exp.started_at, exp.finished_at) if exp.started_at else "not started"
    m3.metric("Elapsed", elapsed)
    budget = search.get("time_budget")
    if not exp.finished and budget and job and job.progress is not None:
        m4.metric("Time left (approx.)", f"{max(0.0, budget * (1 - job.progress)):.0f} s")
    else:
        m4.metric("Budget", f"{budget:.0f} s" if budget else f"{search.get('max_trials')} trials")
    if job and not exp.finished:
        st.progress(job.progress or 0.0, text=escape_markdown(job.message or exp.status))
        layout.confirm("Cancel experiment", key=f"exp_cancel_{exp.id}", icon=":material/stop:",
                       question="Stop this search? Finished trials are kept.", yes="Yes, stop it",
                       no="Keep running", action=lambda: experiments.cancel_experiment(ws, exp.id))
    if exp.error:
        st.error(escape_markdown(exp.error, keep_code=True))
    left, right = st.columns([3, 2])
    left.plotly_chart(charts.search_progress(runs, exp.metric, maximize=maximize, budget=budget),
                      key=f"exp_chart_progress_{exp.id}")
    right.plotly_chart(charts.learner_mix(runs), key=f"exp_chart_mix_{exp.id}")
    if job:
        announce_if_finished(job)
    if exp.finished and st.session_state.get(f"exp_live_{exp.id}"):
        st.session_state.pop(f"exp_live_{exp.id}", None)
        st.rerun()  # redraw the whole page once, with the model section


def experiment_panel(ws: Workspace, experiment_id: str) -> None:
    """Draw an experiment: a polled live view while it runs, then its model and trials."""
    exp = experiments.get_experiment(ws, experiment_id)
    if exp.finished:
        _live(ws, experiment_id)
    else:
        st.session_state[f"exp_live_{exp.id}"] = True
        st.fragment(run_every="2s")(_live)(ws, experiment_id)
        st.caption("You can leave this page or close the browser: the search goes on in the background.")
        return

    if exp.best_model_id:
        model = experiments.get_model(ws, exp.best_model_id)
        st.subheader("Best model", anchor=False)
        a, b = st.columns([1, 2])
        with a:
            st.markdown(f"**{model.learner}** · `{model.id}` · {model.size_bytes / 1024:.0f} KiB")
            st.dataframe(_holdout_table(model.holdout), hide_index=True, width="stretch",
                         column_config={"value": st.column_config.NumberColumn(format="%.4f")})
            st.caption(f"Scored on the held-out split ({int(model.holdout.get('n_rows', 0))} rows) the search never saw.")
            if exp.status != "done":
                st.caption(f"Refit from the best trial the search finished before it was {exp.status}.")
        with b:
            st.markdown("**Hyperparameters**")
            st.code(json.dumps(model.config, indent=2, default=str), language="json")
        _reproduce_section(ws, model)
    elif exp.status in ("cancelled", "interrupted") and exp.best_run_id:
        _refit_section(ws, exp)

    st.subheader("Trials", anchor=False)
    runs = _best_first(runs_so_far(ws, exp))
    st.dataframe(
        [{"trial": r.trial, "learner": r.learner, f"val {exp.metric}": r.val_metric, "train s": r.train_time,
          "at s": r.wall_offset, "status": r.status, "params": json.dumps(r.params, default=str)} for r in runs],
        hide_index=True, width="stretch",
        column_config={f"val {exp.metric}": st.column_config.NumberColumn(format="%.4f"),
                       "train s": st.column_config.NumberColumn(format="%.2f"),
                       "at s": st.column_config.NumberColumn(format="%.1f")},
    )
    with st.expander("Data and environment"):
        st.markdown(f"Data version `{exp.dataset_version_id}` · sha256 `{exp.data_sha256}`  \n"
                    f"Train `{exp.train_version_id}` · held-out `{exp.test_version_id}`")
        st.json(exp.environment, expanded=False)
        st.json(exp.spec, expanded=False)


def _reproduce_outcome(job: Job) -> None:
    """Say how the model's last reproduce job ended."""
    when = ago(job.finished_at)
    if job.status == "done":
        r = job.result
        if r["identical"]:
            st.success(f"Identical predictions on {r['n_rows']} held-out rows ({when}; the refit took "
                       f"{r['seconds']:.1f} s).", icon=":material/check_circle:")
        else:
            st.error(f"Predictions differ on {r['n_rows']} held-out rows: max abs diff {r['max_abs_diff']:.3g} "
                     f"({when}).", icon=":material/error:")
    elif job.status == "failed":
        st.error(f"Could not reproduce the model: {escape_markdown(job.error or '', keep_code=True)}", icon=":material/error:")
    else:
        st.caption(f"The last check was {job.status} ({when}).")


def _reproduce_section(ws: Workspace, model: Model) -> None:
    """Queue a reproduce job for the model, follow it, and show how the last one ended."""
    job = experiments.find_reproduce_job(ws, model.id)
    with st.expander("Reproduce this model", expanded=job is not None, icon=":material/replay:"):
        st.caption("Refits the recorded configuration on the recorded data version with the recorded seed and "
                   "checks the held-out predictions are identical. The time-budgeted search itself need not "
                   "repeat trial for trial; the model it chose does. It runs in the background.")
        if job is not None and not job.finished:
            progress_panel(job.id, key="exp_reproduce_job", show_log=False, rerun_when_done=True)
            return
        if job is not None:
            _reproduce_outcome(job)
        label = "Reproduce model" if job is None else "Reproduce again"
        if st.button(label, key=f"exp_reproduce_{model.id}", icon=":material/replay:"):
            with errors.shown(stop=False):
                queued = experiments.enqueue_reproduce(ws, model.id)
                state.flash(f"Queued: {escape_markdown(queued.title)}", "⏳")
                st.rerun()


def _refit_section(ws: Workspace, exp: Experiment) -> None:
    """Queue a refit job for a stopped search's best trial and follow it; the model shows when it is done."""
    st.info("The search stopped before its best model was refit. Finished trials are kept.")
    job = experiments.find_refit_job(ws, exp.id)
    if job is not None and not job.finished:
        progress_panel(job.id, key="exp_refit_job", show_log=False, rerun_when_done=True)
        return
    if job is not None and job.status == "failed":
        st.error(f"The last refit failed: {escape_markdown(job.error or '', keep_code=True)}", icon=":material/error:")
    if st.button("Refit the best trial so far", key=f"exp_refit_{exp.id}", type="primary"):
        with errors.shown(stop=False):
            queued = experiments.enqueue_refit(ws, exp.id)
            state.flash(f"Queued: {escape_markdown(queued.title)}", "⏳")
            st.rerun()
