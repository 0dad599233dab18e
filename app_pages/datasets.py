"""Data: upload files as immutable dataset versions, derive new versions, see lineage, share."""

from __future__ import annotations

import streamlit as st

from core.data import datasets
from ui import dataset_view, layout, pickers, state

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
owned = datasets.list_datasets(ws, project_id=project.id)  # with what was just uploaded, shown selected

if not owned:
    st.info("No datasets in this project yet. Upload a CSV, TSV, Excel, Parquet or JSON file above "
            "(try `data/samples/iris_ko_cp949.csv`).")
    st.stop()

st.subheader("Datasets of this project", anchor=False)
selected = pickers.remembered_select("Dataset", {d.id: f"{d.name} · {d.id}" for d in owned},
                                     key="ds_pick", remember="ds_selected")
dataset_view.dataset_detail(ws, project, selected)
