"""Label: label the rows of a dataset version (table rows, texts or images) with several annotators,
measure their agreement and decide disagreements, let a quick model suggest labels, and publish the
labels as a new dataset version.

The URL names what is shown: ``task`` (the label task), ``annotator`` (who labels: asked once,
carried by links), ``tab`` (label | review | publish | transfer | settings) and ``item`` (an item
opened directly). With no task, the page explains labeling and offers the form that creates one.
"""

from __future__ import annotations

import streamlit as st

from ui import errors, label_view, layout, state, url
from ui.i18n import t, tk

ws = state.workspace()
layout.header(t("Label"), t("Label rows, texts and images with several annotators, see how well they agree, and "
                            "publish the labels as a new dataset version."))
project = layout.require_project()

with errors.shown():
    picker, who = st.columns([3, 2], vertical_alignment="bottom")
    task = label_view.task_picker(ws, project, container=picker)
    if task is None:
        label_view.intro(project)
        label_view.create_panel(ws, project, expanded=True, annotator=label_view.current_annotator())
        label_view.archived_tasks(ws, project)
        st.stop()
    annotator = label_view.annotator_box(who)
    if task.archived_at:
        label_view.task_heading(ws, task)
        label_view.archived_banner(ws, task)
        st.stop()
    label_view.task_heading(ws, task)

views = url.tabs({view: tk(title) for view, title in label_view.VIEWS.items()})
with errors.shown():
    if views["label"].open:
        with views["label"]:
            label_view.label_tab(ws, task, annotator)
    if views["review"].open:
        with views["review"]:
            label_view.review_tab(ws, task, annotator)
    if views["publish"].open:
        with views["publish"]:
            label_view.publish_tab(ws, task, annotator)
    if views["transfer"].open:
        with views["transfer"]:
            label_view.transfer_tab(ws, task)
    if views["settings"].open:
        with views["settings"]:
            label_view.settings_tab(ws, task)
label_view.create_panel(ws, project, expanded=False, annotator=annotator)
label_view.archived_tasks(ws, project)
