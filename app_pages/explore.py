"""Explore: a profile of a dataset version — types, missing values, distributions, correlations, the target."""

from __future__ import annotations

import re

import streamlit as st

from core.data import charts, profiling
from core.progress import Progress
from ui import errors, fmt, i18n, layout, pickers, state, url
from ui.i18n import t, tk, tn
from ui.jobs import progress_panel
from ui.profile_view import (
    SHOWN_WARNINGS,
    association,
    columns_table,
    distribution,
    missing_values,
    pending_profile_job,
    share,
    warning_text,
)


def notebook_file(version_id: str) -> str:
    """The notebook of a version, made when the user clicks (the module loads only then)."""
    from core.data.notebook import dataset_notebook

    return dataset_notebook(state.workspace(), version_id)


ws = state.workspace()
layout.header(t("Explore"), t("Understand a dataset version before modelling: what each column holds, "
                              "what is missing, what relates."))
project = layout.require_project()
version = pickers.version_picker(ws, project, key="eda_version")
if version is None:
    st.info(t("This project has no data yet. Upload a dataset first."))
    url.link("app_pages/datasets.py", t("Go to Datasets"), icon=":material/database:")
    st.stop()
columns = [c.name for c in version.schema]
if st.session_state.get("eda_target") not in ["", *columns]:
    st.session_state.pop("eda_target", None)
pick, notebook = st.columns([4, 1], vertical_alignment="bottom")
target = pick.selectbox(t("Target column (optional: adds class balance and association with each column)"),
                        ["", *columns], format_func=lambda c: c or t("— none —"), key="eda_target") or None
version_id = version.id
notebook.download_button(
    t("Open in a notebook"), data=lambda: notebook_file(version_id), on_click="ignore", key="eda_notebook",
    file_name=re.sub(r"[\\/:*?\"<>|\s]+", "-", f"{version.dataset_name or 'dataset'} v{version.number}") + ".ipynb",
    mime="application/x-ipynb+json", icon=":material/code:",
    help=t("A Jupyter notebook that loads this version and starts exploring it."))

profile = profiling.find_profile(ws, version.id, target)
if profile is None:
    if profiling.needs_background(version):
        job_key = f"eda_job_{version.id}_{target}"
        st.caption(t("{rows} rows × {cols} columns: the profile runs as a background job and is kept for next time.",
                     rows=fmt.count(version.n_rows), cols=fmt.count(version.n_cols)))
        if st.button(t("Profile in the background"), type="primary", key="eda_start_job"):
            with errors.shown():
                st.session_state[job_key] = profiling.enqueue_profile(ws, version.id, target, project.id).id
        job_id = st.session_state.get(job_key) or pending_profile_job(version.id, target)
        if job_id:
            progress_panel(job_id, key="eda_job", rerun_when_done=True)
        st.stop()
    label = fmt.escape_markdown(version.label)
    with errors.shown(), errors.status(t("Profiling {name}…", name=label),
                                       failed=t("Could not profile {name}", name=label)) as status:
        bar = st.progress(0.0)

        def show(p: Progress) -> None:
            done = p.fraction or 0.0
            bar.progress(done, text=fmt.escape_markdown(i18n.progress(p.message)))

        profile = profiling.get_profile(ws, version.id, target=target, on_progress=show)
        status.update(label=t("Profiled in {time} (kept for next time)",
                              time=fmt.seconds_text(max(0.1, profile.elapsed_seconds))), state="complete")

m = st.columns(5)
m[0].metric(t("Rows"), fmt.count(profile.n_rows))
m[1].metric(t("Columns"), fmt.count(profile.n_cols))
m[2].metric(t("Missing cells"), share(sum(c.n_missing for c in profile.columns), profile.n_rows * profile.n_cols))
m[3].metric(t("Duplicate rows"), fmt.count(profile.n_duplicate_rows))
m[4].metric(t("Memory"), fmt.size(profile.memory_bytes), help=t("The table's size in memory, as pandas holds it."))
if profile.sampled_rows:
    st.caption(t("Correlations and target association use a sample of {n} rows.", n=fmt.count(profile.sampled_rows)))
texts = [warning_text(w, profile) for w in profile.warnings]
for text in texts[:SHOWN_WARNINGS]:
    st.warning(text, icon=":material/warning:")
if len(texts) > SHOWN_WARNINGS:
    with st.expander(tn("{n} more warning", "{n} more warnings", len(texts) - SHOWN_WARNINGS)):
        for text in texts[SHOWN_WARNINGS:]:
            st.markdown(f"- {text}")

st.subheader(t("What each column holds"), anchor=False)
columns_table(profile)
left, right = st.columns(2)
with left:
    distribution(profile)
with right:
    if profile.target_balance is not None:
        st.plotly_chart(charts.target_balance(profile, tr=tk), key="eda_chart_target")
    else:
        missing_values(profile)
if profile.target is not None:
    association(profile)

st.subheader(t("Correlations"), anchor=False)
heatmaps = [kind for kind, matrix in (("pearson", profile.pearson), ("cramers_v", profile.cramers_v)) if matrix]
if not heatmaps:
    st.caption(t("Correlations need at least two numeric, or two categorical, columns that vary."))
for place, kind in zip(st.columns(2) if len(heatmaps) == 2 else [st.container()], heatmaps, strict=False):
    place.plotly_chart(charts.correlation_heatmap(profile, kind, tr=tk), key=f"eda_chart_{kind}")
if profile.target_balance is not None:
    st.subheader(t("Missing values"), anchor=False)
    missing_values(profile)
