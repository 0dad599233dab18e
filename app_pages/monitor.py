"""Monitor: watch a model's incoming data against what it was trained on, and close the loop.

The model (``?model=``, the production model or the best one by default) gets batches of current
data (an uploaded file, or a served model's prediction log); each batch (``?batch=``, the newest
by default) is checked for drift against the model's training rows: the alert and its reasons,
the summary, every feature's test and PSI, and the charts (``?tab=``; one feature's
distributions with ``?column=``). Then "Send to labeling" makes a label task of the batch's
rows, and "Retrain" makes the training data for the Experiments page's form (prefilled).
"""

from __future__ import annotations

import streamlit as st

from ui import layout, monitor_view, pickers, state, url
from ui.fmt import escape_markdown
from ui.i18n import t

ws = state.workspace()
layout.header(t("Monitor"), t("Check new data against what a model was trained on: see which features drifted and "
                              "how much it matters, then label the batch and retrain."))
project = layout.require_project()
model = pickers.model_picker(ws, project.id, clear=("batch", "column"))
if model is None:
    st.info(t("{project} has no models yet. Run an experiment: its models can be monitored here.",
              project=f"**{escape_markdown(project.name)}**"))
    url.link("app_pages/experiments.py", t("Go to Experiments"), icon=":material/science:")
    st.stop()

pickers.model_heading(ws, model)
monitor_view.settings_view(ws, model)
batch = monitor_view.pick_batch(ws, model)
monitor_view.add_batch_view(ws, model, open_=batch is None)
if batch is None:
    st.info(t("No batch yet. Add a file of new rows (or a served model's prediction log) above: it is compared "
              "with the model's training data."))
    st.stop()
report = monitor_view.report_of(ws, batch)
if report is not None:
    monitor_view.alert_banner(report)
    monitor_view.check_again(ws, batch, report)
    monitor_view.summary(ws, model, batch, report)
    monitor_view.features_view(ws, model, report)
    monitor_view.charts_view(ws, model, batch, report)
monitor_view.loop_view(ws, project, model, batch, report)
