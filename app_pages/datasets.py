"""Data: upload files as immutable dataset versions, derive new versions, see lineage, share."""

from __future__ import annotations

import streamlit as st

from core import datasets
from ui import dataset_view, layout, state

ws = state.workspace()
layout.header("Datasets", "Every upload and every change is an immutable version, identified by its content, with its lineage.")
project = layout.require_project()

owned = datasets.list_datasets(ws, project_id=project.id)
with st.expander("Add data", expanded=not owned, icon=":material/upload:"):
    upload_tab, attach_tab = st.tabs(["Upload a file", "Attach a shared dataset"])
    with upload_tab:
        dataset_view.upload_form(ws, project)
    with attach_tab:
        dataset_view.attach_form(ws, project, owned)

if not owned:
    st.info("No datasets in this project yet. Upload a CSV, TSV, Excel, Parquet or JSON file above "
            "(try `data/samples/iris_ko_cp949.csv`).")
    st.stop()

st.subheader("Datasets of this project", anchor=False)
ids = [d.id for d in owned]
names = {d.id: f"{d.name} · {d.id}" for d in owned}
if st.session_state.get("ds_pick") not in ids:
    remembered = st.session_state.get("ds_selected")
    st.session_state["ds_pick"] = remembered if remembered in ids else ids[0]
selected = st.selectbox("Dataset", ids, format_func=lambda i: names[i], key="ds_pick")
st.session_state["ds_selected"] = selected
dataset_view.dataset_detail(ws, project, selected)
