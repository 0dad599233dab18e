"""Experiment: AutoML searches in the background, every trial tracked, the best model kept."""

from __future__ import annotations

import streamlit as st

from core import experiments
from core.experiments import search as automl
from ui import errors, layout, pickers, state
from ui.experiment_view import experiment_panel
from ui.fmt import escape_markdown

ws = state.workspace()
layout.header("Experiments", "Run AutoML on a dataset version. The search runs in the background; every trial is recorded.")
project = layout.require_project()

existing = experiments.list_experiments(ws, project_id=project.id)
with st.expander("New experiment", expanded=not existing, icon=":material/science:"):
    version = pickers.version_picker(ws, project, key="exp_version")
    if version is None:
        st.info("This project has no data yet. Upload a dataset first.")
        st.page_link("app_pages/datasets.py", label="Go to Datasets", icon=":material/database:")
    else:
        columns = [c.name for c in version.schema]
        guess = next((c for c in reversed(columns) if c.lower() in {"target", "label", "y", "class", "churned",
                                                                   "diagnosis", "species"}), columns[-1])
        c1, c2, c3 = st.columns(3)
        target = c1.selectbox("Target column", columns, index=columns.index(guess), key="exp_target")
        with errors.shown():
            detected = experiments.detect_task_of(ws, version.id, target)
        task = c2.selectbox("Task", ["auto", "binary", "multiclass", "regression"], key="exp_task",
                            help=f"auto: detected as **{detected}** from the target's values")
        effective = detected if task == "auto" else task
        metrics = list(automl.METRICS[effective])
        metric = c3.selectbox("Metric", ["auto", *metrics], key="exp_metric",
                              help=f"auto: {automl.default_metric(effective)}")
        c4, c5, c6 = st.columns(3)
        budget = c4.number_input("Time budget (s)", min_value=0, value=60, step=10, key="exp_budget",
                                 help="0 = no time limit (then set max trials)")
        max_trials = c5.number_input("Max trials (0 = no limit)", min_value=0, value=0, key="exp_max_trials")
        seed = c6.number_input("Seed", min_value=0, value=0, key="exp_seed")
        available = automl.available_learners(effective)
        learners = st.multiselect("Learners", available, default=automl.default_learners(effective),
                                  key="exp_learners", help="What FLAML offers that is installed here")
        c7, c8, c9 = st.columns(3)
        eval_method = c7.selectbox("Evaluation", ["auto", "holdout", "cv"], key="exp_eval",
                                   help="auto: k-fold CV for small data, a validation split for large data")
        folds = c8.number_input("CV folds", min_value=2, max_value=20, value=5, key="exp_folds")
        test_size = c9.slider("Held-out test share", 0.05, 0.5, 0.2, 0.05, key="exp_test_size",
                              help="Never seen by the search; all holdout metrics come from it")
        candidates = [c for c in columns if c != target]
        features = st.multiselect("Feature columns (empty: every column but the target; ID and free-text "
                                  "columns are left out automatically)", candidates, key="exp_features")
        hypothesis = pickers.hypothesis_picker(ws, project, key="exp_hypothesis")
        c10, _ = st.columns(2)
        concurrent = c10.number_input("Parallel trials (Ray)", min_value=1, max_value=64, value=1, key="exp_concurrent",
                                      help="More than 1 runs trials on Ray (RAY_ADDRESS picks a cluster)")
        if st.button("Run experiment", type="primary", key="exp_run", icon=":material/play_arrow:"):
            with errors.shown():
                exp = experiments.create_experiment(
                    ws, version.id,
                    automl.SearchConfig(target=target, task=task, metric=metric, time_budget=float(budget) or None,
                                        max_trials=int(max_trials) or None, learners=tuple(learners) or None,
                                        eval_method=eval_method, n_splits=int(folds), seed=int(seed),
                                        n_concurrent_trials=int(concurrent),
                                        feature_columns=tuple(features) or None),
                    project_id=project.id, hypothesis_id=hypothesis.id if hypothesis else None, test_size=test_size,
                )
                st.session_state["exp_selected"] = exp.id
                st.session_state["exp_pick"] = exp.id
                state.flash(f"Experiment '{escape_markdown(exp.name)}' queued", "⏳")
                st.rerun()

existing = experiments.list_experiments(ws, project_id=project.id)
if not existing:
    st.info("No experiments yet. Choose a dataset version and a target above, then press **Run experiment**.")
    st.stop()
selected = pickers.remembered_select(
    "Experiment", {e.id: f"{e.name} · {e.id} · {e.created_at[:16].replace('T', ' ')} UTC" for e in existing},
    key="exp_pick", remember="exp_selected")
experiment_panel(ws, selected)
