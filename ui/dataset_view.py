"""Dataset screens: upload, attach, and one dataset's versions, schema, derivations, lineage, diff."""

from __future__ import annotations

import io

import streamlit as st

from core.data import charts, datasets
from core.data.entities import SEMANTIC_TYPES, Dataset, DatasetVersion
from core.define.entities import Project
from core.progress import Progress
from core.workspace import Workspace
from ui import errors, state
from ui.fmt import ago, escape_markdown

ENCODINGS = ["auto", "utf-8", "utf-8-sig", "cp949", "euc-kr", "utf-16", "latin-1"]
OPS = {
    "drop_columns": "Drop columns", "rename_columns": "Rename columns", "filter_rows": "Filter rows",
    "cast_columns": "Change types", "deduplicate": "Remove duplicate rows", "split": "Train/test split",
}
FILTER_OPS = ["==", "!=", ">", ">=", "<", "<=", "is_null", "not_null", "contains", "in"]
CAST_TYPES = ["int", "float", "string", "bool", "datetime", "category"]
VIEWS = ["Schema", "Preview", "Derive", "Compare", "Lineage", "Download"]
VIEW_KEY = "tab"  # also the URL's query parameter (?tab=Lineage), so a reload or a link opens that view


def _export(ws: Workspace, version_id: str, fmt: str) -> bytes:
    buffer = io.BytesIO()
    datasets.export_version(ws, version_id, buffer, fmt=fmt)
    return buffer.getvalue()


def upload_form(ws: Workspace, project: Project) -> None:
    """File upload with metadata; ingests with progress and reports reuse and warnings."""
    with st.form("ds_upload", clear_on_submit=True):
        upload = st.file_uploader("Data file", key="ds_file",
                                  type=["csv", "tsv", "txt", "xlsx", "parquet", "json", "jsonl", "ndjson"],
                                  help="CSV/TSV/TXT (delimiter detected), Excel, Parquet, JSON or JSON Lines")
        c1, c2, c3 = st.columns(3)
        name = c1.text_input("Dataset name", key="ds_name", placeholder="defaults to the file name")
        encoding = c2.selectbox("Encoding", ENCODINGS, key="ds_encoding", help="auto detects UTF-8, UTF-16, cp949/euc-kr, latin-1")
        sheet = c3.text_input("Excel sheet", key="ds_sheet", placeholder="first sheet")
        description = st.text_input("Description", key="ds_description")
        c4, c5 = st.columns(2)
        license_ = c4.text_input("License", key="ds_license", placeholder="e.g. CC BY 4.0, internal")
        source = c5.text_input("Source (URL or note)", key="ds_source")
        submitted = st.form_submit_button("Add dataset", type="primary")
    if submitted:
        if upload is None:
            st.error("Choose a file to upload first.")
            return
        file_name = escape_markdown(upload.name)
        with errors.shown(), errors.status(f"Ingesting {file_name}…", expanded=True,
                                           failed=f"Could not ingest {file_name}") as status:
            bar = st.progress(0.0)

            def show(p: Progress) -> None:
                bar.progress(p.fraction or 0.0, text=escape_markdown(p.message))

            result = datasets.add_dataset(
                ws, upload, original_name=upload.name, name=name or None, project_id=project.id,
                encoding=None if encoding == "auto" else encoding, sheet=sheet or None, description=description,
                license=license_, source_note=source, created_by="app", on_progress=show,
            )
            verb = "already stored; reused" if result.reused else "stored"
            status.update(label=f"{escape_markdown(result.version.label)}: {result.version.n_rows:,} rows × {result.version.n_cols} "
                                f"columns {verb}", state="complete", expanded=False)
        for warning in result.warnings:
            st.warning(escape_markdown(warning, keep_code=True))
        st.session_state["ds_selected"] = result.dataset.id
        st.session_state["ds_pick"] = result.dataset.id
        st.session_state["ds_version_next"] = result.version.id


def attach_form(ws: Workspace, project: Project, owned: list[Dataset]) -> None:
    """Attach a dataset that another project (or nobody) uses to this project."""
    mine = {d.id for d in owned}
    shared = [d for d in datasets.list_datasets(ws) if d.id not in mine]
    if not shared:
        st.caption("Datasets belong to the workspace: those of other projects appear here to attach.")
        return
    labels = {d.id: f"{d.name} · {d.id}" for d in shared}
    chosen = st.selectbox("Dataset", list(labels), format_func=lambda i: labels[i], key="ds_attach_pick")
    if st.button("Attach to this project", key="ds_attach"):
        with errors.shown():
            datasets.attach_dataset(ws, chosen, project.id)
            state.flash(f"Attached {escape_markdown(labels[chosen])}")
            st.rerun()


def _versions_table(versions: list[DatasetVersion]) -> None:
    st.dataframe(
        [{"version": f"v{v.number}", "rows": v.n_rows, "columns": v.n_cols, "sha256": v.sha256[:12],
          "how it was made": (v.operation or {}).get("summary")
          or f"uploaded from {v.source.get('file_name', 'a file')}", "created": ago(v.created_at),
          "id": v.id} for v in sorted(versions, key=lambda v: -v.number)],
        hide_index=True, width="stretch", key="ds_versions_table",
    )


def _schema_editor(ws: Workspace, version: DatasetVersion) -> None:
    rows = [{"column": c.name, "dtype": c.dtype, "semantic type": c.semantic,
             "flags": ", ".join(c.flags)} for c in version.schema]
    edited = st.data_editor(
        rows, hide_index=True, width="stretch", key=f"ds_schema_{version.id}", disabled=["column", "dtype", "flags"],
        column_config={"semantic type": st.column_config.SelectboxColumn(options=list(SEMANTIC_TYPES), required=True)},
    )
    overrides = {r["column"]: r["semantic type"] for r, o in zip(edited, rows, strict=True)
                 if r["semantic type"] != o["semantic type"]}
    if overrides and st.button("Save semantic types", key=f"ds_schema_save_{version.id}", type="primary"):
        with errors.shown():
            datasets.set_semantic_types(ws, version.id, overrides)
            state.flash("Semantic types saved")
            st.rerun()


def _derive_form(ws: Workspace, version: DatasetVersion) -> None:
    names = [c.name for c in version.schema]
    op = st.selectbox("Operation", list(OPS), format_func=OPS.get, key="ds_op")
    spec: dict = {"op": op}
    if op == "drop_columns":
        spec["columns"] = st.multiselect("Columns to drop", names, key="ds_drop")
    elif op == "rename_columns":
        col = st.selectbox("Column", names, key="ds_rename_col")
        spec["mapping"] = {col: st.text_input("New name", key="ds_rename_to")}
    elif op == "filter_rows":
        c1, c2, c3 = st.columns(3)
        cond = {"column": c1.selectbox("Column", names, key="ds_filter_col"),
                "operator": c2.selectbox("Keep rows where", FILTER_OPS, key="ds_filter_op"),
                "value": c3.text_input("Value", key="ds_filter_value", help="for 'in': comma-separated values")}
        spec["conditions"] = [cond]
    elif op == "cast_columns":
        c1, c2 = st.columns(2)
        spec["types"] = {c1.selectbox("Column", names, key="ds_cast_col"): c2.selectbox("New type", CAST_TYPES, key="ds_cast_type")}
    elif op == "deduplicate":
        spec["subset"] = st.multiselect("Compare on these columns (empty: all)", names, key="ds_dedup_cols") or None
    else:
        c1, c2, c3 = st.columns(3)
        target = c1.selectbox("Stratify on (target)", ["", *names], key="ds_split_target") or None
        test_size = c2.slider("Test share", 0.05, 0.5, 0.2, 0.05, key="ds_split_size")
        seed = c3.number_input("Seed", value=0, min_value=0, key="ds_split_seed")
    description = st.text_input("Note (optional)", key="ds_op_note")
    if st.button("Create new version", key="ds_derive", type="primary"):
        with errors.shown():
            if op == "split":
                train, test = datasets.split_version(ws, version.id, target=target, test_size=test_size, seed=int(seed),
                                                     stratify=target is not None)
                st.session_state["ds_version_next"] = train.id
                state.flash(f"Split into {escape_markdown(train.label)} and {escape_markdown(test.label)}")
            else:
                child = datasets.derive_version(ws, version.id, spec, description=description)
                st.session_state["ds_version_next"] = child.id
                state.flash(f"Created {escape_markdown(child.label)}")
            st.rerun()


def dataset_detail(ws: Workspace, project: Project, dataset_id: str) -> None:
    """One dataset: versions, a chosen version's schema, preview, download, derive, diff and lineage.

    The views are tabs whose choice is kept in the session and in the URL (``?tab=Compare``);
    only the open one runs, so the diff and the lineage graph are computed only when shown.
    """
    ds = datasets.get_dataset(ws, dataset_id)
    versions = datasets.list_versions(ws, ds.id)
    st.markdown(f"**{escape_markdown(ds.name)}** `{ds.id}` · {len(versions)} version(s)"
                + (f" · license {escape_markdown(ds.license)}" if ds.license else "")
                + (f"  \n{escape_markdown(ds.description)}" if ds.description else ""))
    _versions_table(versions)
    by_id = {v.id: v for v in versions}
    newest = max(versions, key=lambda v: (not v.is_split, v.number))  # what the name means: splits are children
    if st.session_state.get("ds_version_next") in by_id:
        st.session_state["ds_version_pick"] = st.session_state.pop("ds_version_next")
    if st.session_state.get("ds_version_pick") not in by_id:
        st.session_state["ds_version_pick"] = newest.id
    vid = st.selectbox("Version", [v.id for v in sorted(versions, key=lambda v: -v.number)],
                       format_func=lambda i: f"{by_id[i].label} · {by_id[i].description[:80]}", key="ds_version_pick")
    version = by_id[vid]
    st.session_state["selected_version_id"] = version.id
    if version.warnings:  # what ingest changed or could not keep, shown with the version it concerns
        st.warning("  \n".join(f"- {escape_markdown(w)}" for w in version.warnings))
    schema, preview, derive, compare, lineage, download = st.tabs(VIEWS, key=VIEW_KEY, bind="query-params")
    # only the open view runs: the diff and the lineage graph are not computed on every rerun
    if schema.open:
        with schema:
            _schema_editor(ws, version)
    if preview.open:
        with preview:
            st.dataframe(datasets.load_frame(ws, version.id).head(200), width="stretch",
                         key=f"ds_preview_{version.id}")
            source = escape_markdown(f"{version.source.get('file_name', '—')} ({version.source.get('format', '')}, "
                                     f"{version.source.get('encoding', '')})")
            st.caption(f"First 200 of {version.n_rows:,} rows. Source: {source}")
    if derive.open:
        with derive:
            _derive_form(ws, version)
    if compare.open:
        with compare:
            _compare(ws, version, versions)
    if lineage.open:
        with lineage:
            graph = datasets.lineage_graph(ws, ds.id)
            st.plotly_chart(charts.lineage_figure(graph.nodes, graph.edges), key=f"ds_lineage_{ds.id}")
    if download.open:
        with download:
            _downloads(ws, ds, version)


def _compare(ws: Workspace, version: DatasetVersion, versions: list[DatasetVersion]) -> None:
    by_id = {v.id: v for v in versions}
    others = [v for v in versions if v.id != version.id]
    if not others:
        st.caption("Derive a version first; then compare any two here.")
        return
    other = st.selectbox("Compare with", [v.id for v in others], format_func=lambda i: by_id[i].label,
                         key="ds_diff_other")
    key = st.selectbox("Key column (to list added/removed rows)", ["", *[c.name for c in version.schema]],
                       key="ds_diff_key") or None
    with errors.shown(stop=False):
        diff = datasets.diff_versions(ws, other, version.id, key=key)
        st.json(diff.as_dict(), expanded=True)


def _downloads(ws: Workspace, ds: Dataset, version: DatasetVersion) -> None:
    c1, c2 = st.columns(2)
    stem = f"{ds.name}_v{version.number}"
    c1.download_button("CSV (UTF-8 with BOM, Excel-safe)", data=lambda: _export(ws, version.id, "csv"),
                       file_name=f"{stem}.csv", mime="text/csv", key=f"ds_dl_csv_{version.id}")
    c2.download_button("Parquet", data=lambda: _export(ws, version.id, "parquet"),
                       file_name=f"{stem}.parquet", mime="application/octet-stream",
                       key=f"ds_dl_parquet_{version.id}")
