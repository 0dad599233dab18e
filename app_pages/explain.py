"""Explain: which columns drive a model overall and for one row, what-if, and the model card.

The model (``?model=``, the production model or the best one by default) is explained on a
dataset version (``?version=``, its held-out rows by default), ``?rows=`` rows at most, in the
raw columns the user knows. Views (``?tab=``): global, local (``?row=``), what-if, compare
(``?models=`` the other model) and the model card. Multiclass models add ``?class=``.
"""

from __future__ import annotations

import streamlit as st

from ui import errors, explain_view, layout, pickers, state, url
from ui.fmt import escape_markdown
from ui.i18n import t

ws = state.workspace()
layout.header(t("Explain"), t("See which columns drive a model overall and for any single row, try a what-if, "
                              "and write the model card."))
project = layout.require_project()
model = pickers.model_picker(ws, project.id, clear=("row", "class", "column"))
if model is None:
    st.info(t("{project} has no models yet. Run an experiment: its best model can be explained here.",
              project=f"**{escape_markdown(project.name)}**"))
    url.link("app_pages/experiments.py", t("Go to Experiments"), icon=":material/science:")
    st.stop()

pickers.model_heading(ws, model)
with errors.shown():  # a model in the old pickle format says how to migrate it
    bundle = explain_view.bundle_of(ws, model.id)
version_id, rows = explain_view.pick_data(ws, project.id, model, bundle)
VIEWS = {"global": t("Global"), "local": t("One row"), "whatif": t("What-if"), "compare": t("Compare"),
         "card": t("Model card")}
opening = url.get("tab") if url.get("tab") in VIEWS else "global"
found = None
if opening in ("global", "local", "whatif"):  # these read the explanation: it is drawn above the views
    found = explain_view.explanation(ws, model, version_id, rows)
if found is not None:
    stored, expl = found
    explain_view.summary(stored, expl, bundle)
    output = explain_view.pick_output(expl)
views = url.tabs(VIEWS)
if found is not None:
    if views["global"].open:
        with views["global"]:
            explain_view.global_view(expl, bundle, output)
    if views["local"].open:
        with views["local"]:
            explain_view.local_view(ws, model, expl, bundle, output, version_id)
    if views["whatif"].open:
        with views["whatif"]:
            explain_view.what_if_view(ws, model, expl, bundle, output)
if views["compare"].open:
    with views["compare"]:
        explain_view.compare_view(ws, project.id, model, version_id, rows)
if views["card"].open:
    with views["card"]:
        explain_view.card_view(ws, model)
