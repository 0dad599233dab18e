"""Data: upload files as immutable dataset versions, derive new versions, see lineage, share.

The URL names what is shown: ``dataset``, ``version`` and ``tab`` (see ``ui.dataset_view``).
"""

from __future__ import annotations

import streamlit as st

from core.data import datasets
from ui import dataset_view, layout, pickers, state, url
from ui.i18n import t

ws = state.workspace()
layout.header(t("Datasets"), t("Every upload and every change is an immutable version, identified by its content, "
                               "with its lineage."))
project = layout.require_project()
dataset_view.normalise_tab()
linked = pickers.url_version(ws, project)  # a link to another project's version switches to that project

owned = datasets.list_datasets(ws, project_id=project.id)
notice = st.container()  # what an upload did: outside the panel, which may fold away
with st.expander(t("Add data"), expanded=not owned, icon=":material/upload:", key="ds_add_panel"):
    upload_tab, attach_tab = st.tabs([t("Upload a file"), t("Attach a shared dataset")])
    with upload_tab:
        dataset_view.upload_form(ws, project, notice)
    with attach_tab:
        dataset_view.attach_form(ws, project, owned)
dataset_view.upload_result(notice)

everything = {d.id: d for d in datasets.list_datasets(ws, project_id=project.id, include_archived=True)}
if linked and linked.dataset_id in everything and url.get("dataset") != linked.dataset_id:
    url.put(dataset=linked.dataset_id)  # the version a link names decides the dataset
wanted = everything.get(url.get("dataset") or "")
if not owned:
    if wanted and wanted.archived_at:
        dataset_view.archived_banner(ws, wanted)
    st.info(t("No datasets in this project yet. Upload a CSV, TSV, Excel, Parquet or JSON file above "
              "(try `data/samples/iris_ko_cp949.csv`)."))
    dataset_view.archived_section(ws, project, None)
    st.stop()

st.subheader(t("Datasets of this project"), anchor=False)
if wanted and wanted.archived_at:  # a link (or Back) to an archived dataset: say so, offer to restore
    dataset_view.archived_banner(ws, wanted)
    dataset_view.archived_section(ws, project, wanted)
    st.stop()
shown = url.get("dataset") if url.get("dataset") in {d.id for d in owned} else owned[0].id
dataset_view.datasets_table(ws, owned, shown)
selected = url.select(t("Dataset"), {d.id: d.name for d in owned}, param="dataset", default=shown,
                      clear=("version",))
dataset = everything[selected]
dataset_view.dataset_detail(ws, project, dataset)
dataset_view.archived_section(ws, project, dataset)
