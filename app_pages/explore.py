"""Explore: a profile of a dataset version — types, missing values, distributions, correlations."""

from __future__ import annotations

import streamlit as st

from core.data import charts, profiling
from core.progress import Progress
from ui import errors, layout, pickers, state
from ui.fmt import escape_markdown
from ui.jobs import progress_panel

ws = state.workspace()
layout.header("Explore", "Understand a dataset version before modelling: what each column holds, what is missing, what relates.")
project = layout.require_project()
version = pickers.version_picker(ws, project, key="eda_version")
if version is None:
    st.info("This project has no data yet. Upload a dataset first.")
    st.page_link("app_pages/datasets.py", label="Go to Datasets", icon=":material/database:")
    st.stop()
columns = [c.name for c in version.schema]
target = st.selectbox("Target column (optional: adds class balance and association with each column)",
                      ["", *columns], format_func=lambda c: c or "— none —", key="eda_target") or None

profile = profiling.find_profile(ws, version.id, target)
if profile is None:
    if profiling.needs_background(version):
        job_key = f"eda_job_{version.id}_{target}"
        if st.button("Profile in the background", type="primary", key="eda_start_job"):
            with errors.shown():
                st.session_state[job_key] = profiling.enqueue_profile(ws, version.id, target, project.id).id
        if job_key in st.session_state:
            st.caption(f"{version.n_rows:,} rows: the profile runs as a job; it is cached when done.")
            progress_panel(st.session_state[job_key], key="eda_job", rerun_when_done=True)
        st.stop()
    label = escape_markdown(version.label)
    with errors.shown(), errors.status(f"Profiling {label}…", failed=f"Could not profile {label}") as status:
        bar = st.progress(0.0)

        def show(p: Progress) -> None:
            bar.progress(p.fraction or 0.0, text=escape_markdown(p.message))

        profile = profiling.get_profile(ws, version.id, target=target, on_progress=show)
        status.update(label=f"Profiled in {profile.elapsed_seconds:.1f} s (cached for next time)", state="complete")

m = st.columns(5)
m[0].metric("Rows", f"{profile.n_rows:,}")
m[1].metric("Columns", profile.n_cols)
total_missing = sum(c.n_missing for c in profile.columns)
m[2].metric("Missing cells", f"{100 * total_missing / max(1, profile.n_rows * profile.n_cols):.1f}%")
m[3].metric("Duplicate rows", f"{profile.n_duplicate_rows:,}")
m[4].metric("Memory", f"{profile.memory_bytes / 2**20:.1f} MiB")
if profile.sampled_rows:
    st.caption(f"Correlations use a sample of {profile.sampled_rows:,} rows.")
for w in profile.warnings:
    st.warning(escape_markdown(w.message, keep_code=True), icon=":material/warning:")

st.subheader("Columns", anchor=False)
rows = []
for c in profile.columns:
    num = c.numeric
    rows.append({"column": c.name, "type": c.semantic, "dtype": c.dtype, "missing": c.missing_pct / 100,
                 "distinct": c.n_distinct, "top value": c.top_values[0].value if c.top_values and c.semantic != "numeric" else None,
                 "min": num.min if num else None, "mean": num.mean if num else None, "max": num.max if num else None})
st.dataframe(rows, hide_index=True, width="stretch", key="eda_columns",
             column_config={"missing": st.column_config.ProgressColumn("missing", format="percent", min_value=0, max_value=1),
                            "mean": st.column_config.NumberColumn(format="%.4g"),
                            "min": st.column_config.NumberColumn(format="%.4g"),
                            "max": st.column_config.NumberColumn(format="%.4g")})

left, right = st.columns(2)
with left:
    chosen = st.selectbox("Distribution of", [c.name for c in profile.columns], key="eda_column")
    col = next(c for c in profile.columns if c.name == chosen)
    st.plotly_chart(charts.column_distribution(col), key="eda_chart_dist")
with right:
    if profile.target_balance is not None:
        st.plotly_chart(charts.target_balance(profile), key="eda_chart_target")
    else:
        st.plotly_chart(charts.missing_overview(profile), key="eda_chart_missing")

a, b = st.columns(2)
if profile.pearson is not None:
    a.plotly_chart(charts.correlation_heatmap(profile, "pearson"), key="eda_chart_pearson")
if profile.cramers_v is not None:
    b.plotly_chart(charts.correlation_heatmap(profile, "cramers_v"), key="eda_chart_cramers")
if profile.target_balance is not None:
    st.plotly_chart(charts.missing_overview(profile), key="eda_chart_missing_2")
