"""A tiny Streamlit script for the label screens' page tests: opens the workspace of ``MLCYCLE_HOME``
and draws the screen of the task the URL names (``?task=``, ``?annotator=``, ``?lang=``), as the
Label page's "Label" tab does, without the rest of the page."""

import streamlit as st

from core.labeling import tasks
from ui import i18n, label_screens, state, url

st.set_page_config(layout="wide")
url.set_current_page("app_pages/label.py")  # links to the Label page's other tabs are same-page links here
i18n.set_lang(st.query_params.get("lang", "en"))
ws = state.workspace()
task = tasks.get_task(ws, st.query_params["task"])
screen = {"tabular": label_screens.tabular_screen, "text": label_screens.text_screen,
          "image": label_screens.image_screen}[task.kind]
screen(ws, task, st.query_params.get("annotator", "ann"))
if st.query_params.get("probe"):  # a text box, to check that keys typed into it label nothing
    st.text_input("Probe", key="probe")
