"""Deploy: export a model as a container bundle, verify that its server predicts exactly as the app
does, and build its image with a Docker engine.

The model is ``?model=`` (the production model, else the best one, by default). Export writes the
bundle folder and its zip; Verify and Build image are jobs whose progress shows here, and their
results are kept with the export.
"""

from __future__ import annotations

import streamlit as st

from ui import deploy_view, errors, layout, pickers, state, url
from ui.fmt import escape_markdown
from ui.i18n import t

ws = state.workspace()
layout.header(t("Deploy"), t("Package a model so the environment that made it and the one that serves it are the "
                             "same: a container bundle, verified to predict exactly as the app does."))
project = layout.require_project()
model = pickers.model_picker(ws, project.id)
if model is None:
    st.info(t("{project} has no models yet. Run an experiment: its best model can be exported here.",
              project=f"**{escape_markdown(project.name)}**"))
    url.link("app_pages/experiments.py", t("Go to Experiments"), icon=":material/science:")
    st.stop()

pickers.model_heading(ws, model)
with errors.shown():
    deploy_view.export_form(ws, model)
    deploy_view.exports_view(ws, model)
