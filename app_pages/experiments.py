"""Experiment: AutoML searches in the background, every trial tracked, the best model kept.

The URL names the experiment (``experiment``), the open view (``tab``), the model shown in the
Model view (``model``) and, in the form (``ui.experiment_form``), the data (``version``). The form
runs only while its expander is open, and nothing here imports FLAML: the search runs in the worker.
``?retrain=<experiment id>`` opens the form prefilled from that experiment's spec.
"""

from __future__ import annotations

import streamlit as st

from core import experiments
from core.workspace import Workspace
from ui import fmt, layout, state, url
from ui.experiment_form import COLLAPSE_FORM, new_experiment_form, prefill_from, retrained_experiment
from ui.experiment_view import experiment_panel
from ui.fmt import status_text
from ui.i18n import t


def _notebook_button(ws: Workspace, exp) -> None:
    """Download the experiment as a Jupyter notebook (built only when clicked)."""
    from core.experiments.notebook import experiment_notebook_name

    def build() -> str:
        from core.experiments.notebook import experiment_notebook

        return experiment_notebook(ws, exp.id)

    st.download_button(t("Open in a notebook"), data=build, file_name=experiment_notebook_name(exp),
                       mime="application/x-ipynb+json", key=f"exp_notebook_{exp.id}",
                       icon=":material/description:", on_click="ignore",
                       help=t("A Jupyter notebook that loads this experiment's data and model and repeats its "
                              "evaluation."))


ws = state.workspace()
layout.header(t("Experiments"), t("Run AutoML on a dataset version. The search runs in the background; every "
                                  "trial is recorded."))
project = layout.require_project()

existing = experiments.list_experiments(ws, project_id=project.id)
retraining = retrained_experiment(ws)
prefill_from(retraining)
if st.session_state.pop(COLLAPSE_FORM, False):
    st.session_state["exp_new"] = False
elif not existing:  # nothing else to show: the form is open
    st.session_state["exp_new"] = True
with st.expander(t("New experiment"), expanded=not existing, icon=":material/science:", key="exp_new",
                 on_change="rerun") as form:
    if form.open or form.open is None:
        new_experiment_form(ws, project, retraining)

if not existing:
    st.info(t("No experiments yet. Choose a dataset version and a target above, then press **Run experiment**."))
    st.stop()
labels = {e.id: f"{e.name} · {fmt.when(e.created_at)} · {status_text(e.status)}" for e in existing}
if len(set(labels.values())) < len(labels):  # same name in the same minute: the short id tells them apart
    labels = {i: f"{label} · {fmt.short_id(i)}" for i, label in labels.items()}
left, right = st.columns([4, 1], vertical_alignment="bottom")
with left:
    selected = url.select(t("Experiment"), labels, param="experiment", default=existing[0].id, clear=("model",))
with right:
    _notebook_button(ws, next(e for e in existing if e.id == selected))
experiment_panel(ws, selected)
