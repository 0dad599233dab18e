"""Dataset screens: upload, attach, the project's datasets, and one dataset's versions and views.

What is shown is named in the URL: ``dataset``, ``version`` and ``tab`` (the open view of a
dataset: schema, preview, derive, compare, lineage or download). Train/test splits are shown
under the version they came from, and only when asked; archived datasets and versions are
listed in their own section to restore.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from core.data import charts, datasets
from core.data.entities import SEMANTIC_TYPES, AddResult, Dataset, DatasetVersion, VersionDiff, VersionUse
from core.define.entities import Project
from core.errors import NotFound
from core.progress import Progress
from core.workspace import Workspace
from ui import errors, i18n, layout, state, url
from ui.fmt import ago, count, date, escape_markdown, id_suffix, short_id, size
from ui.i18n import t, tk, tn
from ui.pickers import how_made, ordered, shape_text, version_label

PAGE = "app_pages/datasets.py"
ENCODINGS = ["auto", "utf-8", "utf-8-sig", "cp949", "euc-kr", "utf-16", "latin-1"]
OPS = {
    "drop_columns": "Drop columns", "rename_columns": "Rename columns", "filter_rows": "Filter rows",
    "cast_columns": "Change types", "deduplicate": "Remove duplicate rows", "split": "Train/test split",
}
FILTER_SYMBOLS = {"==": "=", "!=": "≠", ">": ">", ">=": "≥", "<": "<", "<=": "≤"}  # read the same in any language
FILTER_WORDS = {"is_null": "is empty", "not_null": "is not empty", "contains": "contains", "in": "is one of"}
FILTER_OPS = [*FILTER_SYMBOLS, *FILTER_WORDS]
CAST_TYPES = {"int": "whole number (int)", "float": "decimal number (float)", "string": "text (string)",
              "bool": "true/false (bool)", "datetime": "date and time (datetime)", "category": "category"}
SEMANTIC_NAMES = {"numeric": "numeric", "categorical": "categorical", "boolean": "boolean", "datetime": "date/time",
                  "text": "text", "id": "identifier", "image_path": "image path"}
FLAG_NAMES = {"mixed_types": "numbers and text mixed", "all_missing": "all missing", "constant": "constant"}
# the views of a dataset: ``?tab=<id>``; the old URL's capitalised labels still open them
VIEWS = {"schema": "Schema", "preview": "Preview", "derive": "Derive", "compare": "Compare",
         "lineage": "Lineage", "download": "Download"}
OLD_TABS = {label: view for view, label in VIEWS.items()}
FORMATS = {"csv": "CSV", "excel": "Excel", "json": "JSON", "jsonl": "JSON Lines", "parquet": "Parquet",
           "zip": "ZIP of images"}
DELIMITERS = {"comma": "comma (,)", "semicolon": "semicolon (;)", "tab": "tab", "pipe": "pipe (|)"}
DECIMALS = {".": "point (.)", ",": "comma (,)"}
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PREVIEW_ROWS = 200
UPLOAD_GEN = "ds_upload_gen"  # bumped after an upload: the form's widgets start empty again
UPLOAD_DONE = "ds_upload_done"  # what the last upload did, shown above the panel on the next run
SHEETS = "ds_upload_sheets"  # {file id: sheet names} of the chosen workbook
SHOW_SPLITS = "ds_show_splits"


def _export(ws: Workspace, version_id: str, fmt: str) -> bytes:
    buffer = io.BytesIO()
    datasets.export_version(ws, version_id, buffer, fmt=fmt)
    return buffer.getvalue()


def normalise_tab() -> None:
    """Open the view an old link names by its label (``?tab=Compare``) under its id (``compare``)."""
    old = url.get("tab")
    if old in OLD_TABS:
        url.put(tab=OLD_TABS[old])


# ---------------------------------------------------------------------------- upload


def detection_text(source: dict[str, Any]) -> str:
    """What reading a file found, without empty parts: ``CSV · encoding cp949 · delimiter: semicolon (;)``."""
    parts = [FORMATS.get(source.get("format", ""), source.get("format", ""))]
    if source.get("encoding"):
        parts.append(t("encoding {name}", name=source["encoding"]))
    if source.get("delimiter"):
        parts.append(t("delimiter: {name}", name=tk(DELIMITERS.get(source["delimiter"], source["delimiter"]))))
    if source.get("decimal"):
        parts.append(t("decimal mark: {name}", name=tk(DECIMALS.get(source["decimal"], source["decimal"]))))
    if source.get("sheet"):
        sheets = source.get("sheets") or [source["sheet"]]
        parts.append(t("sheet '{name}' ({n} of {total})", name=source["sheet"],
                       n=sheets.index(source["sheet"]) + 1 if source["sheet"] in sheets else 1, total=len(sheets)))
    return " · ".join(p for p in parts if p)


def source_text(version: DatasetVersion) -> str:
    """Where an uploaded version came from: ``star98.xlsx · Excel · sheet 'data' (1 of 2)`` (no empty parts)."""
    source = version.source or {}
    return " · ".join(p for p in (source.get("file_name", ""), detection_text(source)) if p)


def _sheets(upload: Any) -> list[str]:
    """The sheets of an uploaded workbook (read once per file)."""
    known = st.session_state.setdefault(SHEETS, {})
    if upload.file_id not in known:
        known.clear()
        with errors.shown(stop=False):
            known[upload.file_id] = datasets.sheet_names(upload, original_name=upload.name)
    return known.get(upload.file_id, [])


def upload_form(ws: Workspace, project: Project, notice: Any) -> None:
    """Choose a file (an Excel file's sheet too) and its metadata, then ingest it with progress.

    The progress and any error go to ``notice`` (outside the collapsible panel this form sits in);
    after a success the page runs again with the new version selected and says what was stored
    and what detection found (:func:`upload_result`).
    """
    gen = st.session_state.get(UPLOAD_GEN, 0)
    upload = st.file_uploader(
        t("Data file"), key=f"ds_file_{gen}", type=["csv", "tsv", "txt", "xlsx", "parquet", "json", "jsonl", "ndjson"],
        help=t("CSV/TSV/TXT (delimiter and decimal comma detected), Excel, Parquet, JSON or JSON Lines"))
    name_of = (upload.name if upload is not None else "").lower()
    sheet = None
    c1, c2 = st.columns(2)
    name = c1.text_input(t("Dataset name"), key=f"ds_name_{gen}", placeholder=t("defaults to the file name"))
    if name_of.endswith(EXCEL_SUFFIXES):
        names = _sheets(upload)
        if names:
            sheet = c2.selectbox(t("Sheet"), names, key=f"ds_sheet_{gen}",
                                 help=t("The workbook's sheets; another sheet than the first becomes its own "
                                        "dataset unless you name one"))
    encoding = "auto"
    if not name_of or name_of.endswith(TEXT_SUFFIXES):
        encoding = c2.selectbox(t("Encoding"), ENCODINGS, key=f"ds_encoding_{gen}",
                                format_func={e: t("detect") if e == "auto" else e for e in ENCODINGS}.get,
                                help=t("Detection recognises UTF-8, UTF-16, cp949/euc-kr and latin-1"))
    description = st.text_input(t("Description"), key=f"ds_description_{gen}")
    c4, c5 = st.columns(2)
    license_ = c4.text_input(t("License"), key=f"ds_license_{gen}", placeholder=t("e.g. CC BY 4.0, internal"))
    source = c5.text_input(t("Source (URL or note)"), key=f"ds_source_{gen}")
    if not st.button(t("Add dataset"), type="primary", key="ds_add"):
        return
    if upload is None:
        notice.error(t("Choose a file to upload first."))
        return
    file_name = escape_markdown(upload.name)
    with notice, errors.shown(stop=False), errors.status(t("Ingesting {file}…", file=file_name), expanded=True,
                                                         failed=t("Could not ingest {file}", file=file_name)):
        bar = st.progress(0.0)

        def show(p: Progress) -> None:
            bar.progress(p.fraction or 0.0, text=escape_markdown(i18n.progress(p.message)))

        result = datasets.add_dataset(
            ws, upload, original_name=upload.name, name=name or None, project_id=project.id,
            encoding=None if encoding == "auto" else encoding, sheet=sheet, description=description,
            license=license_, source_note=source, created_by="app", on_progress=show,
        )
        _done(result)


def _done(result: AddResult) -> None:
    """Remember what an upload did, select the new version and start the form afresh."""
    v = result.version
    st.session_state[UPLOAD_DONE] = {
        "name": v.dataset_name, "number": v.number, "rows": v.n_rows, "cols": v.n_cols, "reused": result.reused,
        # a reused version's first note says it was reused: the success message says so already
        "warnings": list(result.warnings[1:] if result.reused else result.warnings),
        "detected": dict(result.detected or v.source or {}),
    }
    st.session_state[UPLOAD_GEN] = st.session_state.get(UPLOAD_GEN, 0) + 1
    st.session_state.pop(SHEETS, None)
    url.put(dataset=v.dataset_id, version=v.id)
    st.rerun()


def upload_result(notice: Any) -> None:
    """Say, once, what the last upload stored and what detection found (outside the Add data panel)."""
    done = st.session_state.pop(UPLOAD_DONE, None)
    if not done:
        return
    what = f"{escape_markdown(done['name'])} v{done['number']}"
    size_text = shape_text(done["rows"], done["cols"])
    if done["reused"]:
        notice.success(t("{version}: {size}, already stored; reused", version=what, size=size_text),
                       icon=":material/recycling:")
    else:
        notice.success(t("{version}: {size} stored", version=what, size=size_text), icon=":material/check_circle:")
    found = detection_text(done["detected"])
    if found:
        notice.caption(t("Detected: {what}", what=escape_markdown(found)))
    for warning in done["warnings"]:
        notice.warning(escape_markdown(i18n.message(warning, kind="WARNINGS"), keep_code=True))


def attach_form(ws: Workspace, project: Project, owned: list[Dataset]) -> None:
    """Attach a dataset that another project (or nobody) uses to this project."""
    mine = {d.id for d in owned}
    shared = [d for d in datasets.list_datasets(ws) if d.id not in mine]
    if not shared:
        st.caption(t("Datasets belong to the workspace: those of other projects appear here to attach."))
        return
    labels = {d.id: d.name for d in shared}
    chosen = st.selectbox(t("Dataset"), list(labels), format_func=lambda i: labels[i], key="ds_attach_pick")
    if st.button(t("Attach to this project"), key="ds_attach"):
        with errors.shown():
            datasets.attach_dataset(ws, chosen, project.id)
            url.put(dataset=chosen, version=None)
            state.flash(t("Attached {name}", name=escape_markdown(labels[chosen])), ":material/check_circle:")
            st.rerun()


# --------------------------------------------------------------------- the datasets table


def _pick_row(key: str, ids: list[str]) -> None:
    rows = (st.session_state.get(key) or {}).get("selection", {}).get("rows", [])
    if rows and 0 <= rows[0] < len(ids):
        url.put(dataset=ids[rows[0]], version=None)


def datasets_table(ws: Workspace, owned: list[Dataset], selected: str) -> None:
    """The project's datasets as a table; clicking a row selects that dataset (the URL's ``dataset``)."""
    latest = datasets.list_versions_of(ws, [d.id for d in owned], include_archived=False)
    rows = []
    for d in owned:
        made = [v for v in latest[d.id] if not v.is_split]
        newest = made[-1] if made else None
        rows.append({"name": d.name, "versions": len(made), "rows": newest.n_rows if newest else None,
                     "columns": newest.n_cols if newest else None,
                     "updated": ago(newest.created_at if newest else d.created_at),
                     "license": d.license, "id": short_id(d.id)})
    ids = [d.id for d in owned]
    key = f"ds_table_{selected}"  # a new table when the selection changes elsewhere: it starts on that row
    st.dataframe(
        rows, hide_index=True, width="stretch", key=key, on_select=lambda: _pick_row(key, ids),
        selection_mode="single-row", selection_default={"selection": {"rows": [ids.index(selected)]}},
        column_config={
            "name": st.column_config.TextColumn(t("Name")),
            "versions": st.column_config.NumberColumn(t("Versions"), help=t("Versions you made (train/test "
                                                                             "splits not counted)")),
            "rows": st.column_config.NumberColumn(t("Rows"), format="localized"),
            "columns": st.column_config.NumberColumn(t("Columns")),
            "updated": st.column_config.TextColumn(t("Updated")),
            "license": st.column_config.TextColumn(t("License")),
            "id": st.column_config.TextColumn(t("ID"), width="small"),
        },
    )


# -------------------------------------------------------------------------- one dataset


def _uses_text(uses: list[VersionUse]) -> str:
    names = list(dict.fromkeys(u.experiment_name for u in uses))
    shown = ", ".join(f"'{n}'" for n in names[:3])
    return shown + (t(" and {n} more", n=len(names) - 3) if len(names) > 3 else "")


def _made_text(v: DatasetVersion, numbers: dict[str, int]) -> str:
    """How a version was made, with what the operation touched: ``Drop columns: id, note``."""
    op = v.operation or {}
    kind = op.get("op")
    if not kind:
        return t("uploaded from {file}", file=v.source.get("file_name", "?"))
    if kind == "drop_columns" and op.get("columns"):
        return t("Drop columns: {columns}", columns=", ".join(map(str, op["columns"])))
    if kind == "rename_columns" and op.get("mapping"):
        return t("Rename columns: {changes}", changes=", ".join(f"{a} → {b}" for a, b in op["mapping"].items()))
    if kind == "cast_columns" and op.get("types"):
        return t("Change types: {changes}", changes=", ".join(
            f"{c} → {tk(CAST_TYPES[k]) if k in CAST_TYPES else k}" for c, k in op["types"].items()))
    if kind == "filter_rows" and op.get("conditions"):
        joiner = f" {t('or') if op.get('combine') == 'or' else t('and')} "
        where = joiner.join(
            " ".join(str(p) for p in (c.get("column"), FILTER_SYMBOLS.get(c.get("operator"))
                                      or tk(FILTER_WORDS.get(c.get("operator"), str(c.get("operator")))),
                                      "" if c.get("operator") in ("is_null", "not_null") else c.get("value")) if p != "")
            for c in op["conditions"])
        return t("Keep rows where {where}", where=where)
    if kind == "publish_labels":
        return t("Labels of the task {task} as the column {column}", task=op.get("task", "?"),
                 column=op.get("label_column", "?"))
    return how_made(v, numbers)


def _versions_table(versions: list[DatasetVersion], numbers: dict[str, int],
                    uses: dict[str, list[VersionUse]], current: str) -> None:
    rows = []
    for v in versions:
        label = f"v{v.number}" if not v.is_split else f"   ↳ v{v.number}"
        rows.append({"version": label + (" ◀" if v.id == current else ""),
                     "made": _made_text(v, numbers),
                     "rows": v.n_rows, "columns": v.n_cols, "size": size(v.size_bytes), "created": ago(v.created_at),
                     "used by": _uses_text(uses.get(v.id, [])), "id": short_id(v.id)})
    st.dataframe(rows, hide_index=True, width="stretch", key="ds_versions_table", column_config={
        "version": st.column_config.TextColumn(t("Version"), width="small"),
        "made": st.column_config.TextColumn(t("How it was made")),
        "rows": st.column_config.NumberColumn(t("Rows"), format="localized"),
        "columns": st.column_config.NumberColumn(t("Columns")),
        "size": st.column_config.TextColumn(t("Stored size")),
        "created": st.column_config.TextColumn(t("Created")),
        "used by": st.column_config.TextColumn(t("Used by experiments")),
        "id": st.column_config.TextColumn(t("ID"), width="small"),
    })


def _option_label(v: DatasetVersion, numbers: dict[str, int]) -> str:
    """``v3 · note`` (no trailing separator without a note); a split says what it is part of."""
    automatic = not v.description or v.description == (v.operation or {}).get("summary")
    note = how_made(v, numbers) if v.is_split or automatic else " ".join(v.description.split())[:80]
    archived = t("archived") if v.archived_at else ""
    return " · ".join(p for p in (f"v{v.number}", note, archived) if p)


def archived_banner(ws: Workspace, ds: Dataset) -> None:
    """Say a dataset is archived and offer to restore it."""
    st.info(t("**{name}** is archived: it is hidden from lists and pickers; its versions and their lineage "
              "are kept.", name=escape_markdown(ds.name)), icon=":material/inventory_2:")
    if st.button(t("Restore {name}", name=ds.name), key=f"ds_restore_banner_{ds.id}", icon=":material/unarchive:"):
        with errors.shown():
            datasets.restore_dataset(ws, ds.id)
            state.flash(t("Restored {name}", name=escape_markdown(ds.name)), ":material/unarchive:")
            st.rerun()


def dataset_detail(ws: Workspace, project: Project, ds: Dataset) -> None:
    """One dataset: its versions, a chosen version's views (the URL's ``version`` and ``tab``),
    and archiving. Only the open view runs, so the diff and the lineage are computed only when shown."""
    everything = datasets.list_versions(ws, ds.id)
    numbers = {v.id: v.number for v in everything}
    active = [v for v in everything if not v.archived_at]
    wanted = url.get("version")
    linked = next((v for v in everything if v.id == wanted), None)
    uses = datasets.version_uses(ws, [v.id for v in active])
    made = [v for v in active if not v.is_split]
    n_splits = len(active) - len(made)
    facts = [id_suffix(ds.id), tn("{n} version", "{n} versions", len(made))]
    if n_splits:
        facts.append(tn("{n} train/test part", "{n} train/test parts", n_splits))
    if ds.license:
        facts.append(t("license: {license}", license=escape_markdown(ds.license)))
    facts.append(t("added {when}", when=date(ds.created_at)))
    st.caption(" · ".join(facts) + (f"  \n{escape_markdown(ds.description)}" if ds.description else ""))
    if st.session_state.pop(SHOW_SPLITS + "_next", False):
        st.session_state[SHOW_SPLITS] = True
    show_splits = st.toggle(t("Show train/test splits"), key=SHOW_SPLITS, disabled=not n_splits,
                            help=t("Each experiment holds out a test part and trains on the rest; they are "
                                   "listed under the version they came from"))
    keep = linked.id if linked else None
    listed = ordered(active + ([linked] if linked and linked.archived_at else []),
                     include_splits=show_splits, keep=keep)
    _versions_table(listed, numbers, uses, wanted or ds.latest_version_id or "")
    if not listed:
        st.info(t("Every version of this dataset is archived: restore one below."))
        return
    labels = {v.id: _option_label(v, numbers) for v in listed}
    vid = url.select(t("Version"), labels, param="version", default=ds.latest_version_id)
    version = next(v for v in listed if v.id == vid)
    _manage(ws, ds, version, made, uses)
    if version.warnings:  # what ingest changed or could not keep, shown with the version it concerns
        st.warning("  \n".join(f"- {escape_markdown(i18n.message(w, kind='WARNINGS'))}" for w in version.warnings))
    views = url.tabs({view: tk(label) for view, label in VIEWS.items()})
    if views["schema"].open:
        with views["schema"]:
            _schema_editor(ws, version)
    if views["preview"].open:
        with views["preview"]:
            _preview(ws, version, numbers)
    if views["derive"].open:
        with views["derive"]:
            _derive_form(ws, version)
    if views["compare"].open:
        with views["compare"]:
            _compare(ws, version, [v for v in everything if not v.archived_at or v.id == version.id], numbers)
    if views["lineage"].open:
        with views["lineage"]:
            _lineage(ws, ds, {v.id: v for v in everything}, numbers)
    if views["download"].open:
        with views["download"]:
            _downloads(ws, ds, version)


def _manage(ws: Workspace, ds: Dataset, version: DatasetVersion, made: list[DatasetVersion],
            uses: dict[str, list[VersionUse]]) -> None:
    """Archive this version or the whole dataset (each asks first); say why a version is kept."""
    name = escape_markdown(ds.name)
    if version.archived_at:
        st.info(t("v{n} is archived: it is hidden from lists and pickers.", n=version.number),
                icon=":material/inventory_2:")
        if st.button(t("Restore v{n}", n=version.number), key=f"ds_restore_v_{version.id}",
                     icon=":material/unarchive:"):
            with errors.shown():
                datasets.restore_version(ws, version.id)
                state.flash(t("Restored {name} v{n}", name=name, n=version.number), ":material/unarchive:")
                st.rerun()
        return
    used = uses.get(version.id, [])
    offer = not used and (version.is_split or len(made) > 1)  # the last version a user made stays
    left, right = st.columns(2)
    with left:
        if used:
            st.caption(":material/lock: " + t("Used by experiment {names}, so v{n} is kept (it cannot be archived).",
                                              names=escape_markdown(_uses_text(used)), n=version.number))
        elif offer:
            layout.confirm(
                t("Archive v{n}", n=version.number), key=f"ds_archive_v_{version.id}", icon=":material/archive:",
                question=t("Archive v{n} of {name}? It leaves lists and pickers; its data, lineage and id stay, "
                           "and it can be restored from **Archived** below.", n=version.number, name=name),
                yes=t("Archive"), no=t("Cancel"), scope="app",
                action=_then(lambda: datasets.archive_version(ws, version.id),
                             t("Archived {name} v{n}", name=name, n=version.number), version=None),
            )
    with right if used or offer else left:
        in_use = sorted({u.experiment_name for found in uses.values() for u in found})
        kept = t(" Experiments that used it ({names}) keep their data.",
                 names=escape_markdown(", ".join(in_use))) if in_use else ""
        layout.confirm(
            t("Archive dataset"), key=f"ds_archive_ds_{ds.id}", icon=":material/inventory_2:",
            question=t("Archive {name} with all its versions? It leaves lists and pickers; nothing is deleted, and "
                       "it can be restored from **Archived** below.", name=name) + kept,
            yes=t("Archive"), no=t("Cancel"), scope="app",
            action=_then(lambda: datasets.archive_dataset(ws, ds.id), t("Archived {name}", name=name),
                         dataset=None, version=None),
        )


def _then(action: Callable[[], object], message: str, **params: str | None) -> Callable[[], None]:
    """``action``, then a toast and the URL moved off what it archived."""
    def run() -> None:
        action()
        url.put(**params)
        state.flash(message, ":material/inventory_2:")
    return run


def _schema_editor(ws: Workspace, version: DatasetVersion) -> None:
    rows = [{"column": c.name, "dtype": c.dtype, "semantic type": c.semantic,
             "flags": ", ".join(tk(FLAG_NAMES[f]) if f in FLAG_NAMES else f for f in c.flags)} for c in version.schema]
    edited = st.data_editor(
        rows, hide_index=True, width="stretch", key=f"ds_schema_{version.id}", disabled=["column", "dtype", "flags"],
        column_config={
            "column": st.column_config.TextColumn(t("Column")),
            "dtype": st.column_config.TextColumn(t("Stored as")),
            "semantic type": st.column_config.SelectboxColumn(
                t("Meaning (semantic type)"), options=list(SEMANTIC_TYPES), required=True,
                format_func={s: tk(SEMANTIC_NAMES.get(s, s)) for s in SEMANTIC_TYPES}.get),
            "flags": st.column_config.TextColumn(t("Findings")),
        },
    )
    overrides = {r["column"]: r["semantic type"] for r, o in zip(edited, rows, strict=True)
                 if r["semantic type"] != o["semantic type"]}
    if overrides and st.button(t("Save semantic types"), key=f"ds_schema_save_{version.id}", type="primary"):
        with errors.shown():
            datasets.set_semantic_types(ws, version.id, overrides)
            state.flash(t("Semantic types saved"), ":material/check_circle:")
            st.rerun()


def _preview(ws: Workspace, version: DatasetVersion, numbers: dict[str, int]) -> None:
    st.dataframe(datasets.load_frame(ws, version.id).head(PREVIEW_ROWS), width="stretch",
                 key=f"ds_preview_{version.id}")
    if version.n_rows > PREVIEW_ROWS:
        shown = t("First {shown} of {total} rows.", shown=count(PREVIEW_ROWS), total=count(version.n_rows))
    else:
        shown = tn("The only row.", "All {n} rows.", version.n_rows)
    if version.parent_id:
        origin = t("Made from v{n}: {how}", n=numbers.get(version.parent_id, "?"),
                   how=escape_markdown(_made_text(version, numbers)))
    else:
        origin = t("Source: {source}", source=escape_markdown(source_text(version)))
    st.caption(f"{shown} {origin}")


def _derive_form(ws: Workspace, version: DatasetVersion) -> None:
    names = [c.name for c in version.schema]
    op = st.selectbox(t("Operation"), list(OPS), format_func={o: tk(label) for o, label in OPS.items()}.get,
                      key="ds_op")
    spec: dict = {"op": op}
    if op == "drop_columns":
        spec["columns"] = st.multiselect(t("Columns to drop"), names, key="ds_drop", placeholder=t("Choose columns"))
    elif op == "rename_columns":
        col = st.selectbox(t("Column"), names, key="ds_rename_col")
        spec["mapping"] = {col: st.text_input(t("New name"), key="ds_rename_to")}
    elif op == "filter_rows":
        c1, c2, c3 = st.columns(3)
        cond = {"column": c1.selectbox(t("Column"), names, key="ds_filter_col"),
                "operator": c2.selectbox(t("Keep rows where"), FILTER_OPS, key="ds_filter_op",
                                         format_func=(FILTER_SYMBOLS | {o: tk(w) for o, w in FILTER_WORDS.items()}).get),
                "value": c3.text_input(t("Value"), key="ds_filter_value",
                                       help=t("for 'is one of': comma-separated values"))}
        spec["conditions"] = [cond]
    elif op == "cast_columns":
        c1, c2 = st.columns(2)
        spec["types"] = {c1.selectbox(t("Column"), names, key="ds_cast_col"):
                         c2.selectbox(t("New type"), list(CAST_TYPES), key="ds_cast_type",
                                      format_func={c: tk(label) for c, label in CAST_TYPES.items()}.get)}
    elif op == "deduplicate":
        spec["subset"] = st.multiselect(t("Compare on these columns (empty: all)"), names, key="ds_dedup_cols",
                                        placeholder=t("All columns")) or None
    else:
        c1, c2, c3 = st.columns(3)
        target = c1.selectbox(t("Stratify on (target)"), ["", *names], key="ds_split_target",
                              format_func={"": t("— none —"), **{n: n for n in names}}.get) or None
        test_size = c2.slider(t("Test share"), 0.05, 0.5, 0.2, 0.05, key="ds_split_size")
        seed = c3.number_input(t("Seed"), value=0, min_value=0, key="ds_split_seed")
    description = st.text_input(t("Note (optional)"), key="ds_op_note")
    if st.button(t("Create new version"), key="ds_derive", type="primary"):
        with errors.shown():
            if op == "split":
                train, test = datasets.split_version(ws, version.id, target=target, test_size=test_size, seed=int(seed),
                                                     stratify=target is not None)
                st.session_state[SHOW_SPLITS + "_next"] = True  # show what was just made (the toggle is drawn)
                url.put(version=train.id)
                state.flash(t("Split into v{train} (train) and v{test} (test)", train=train.number, test=test.number), ":material/check_circle:")
            else:
                child = datasets.derive_version(ws, version.id, spec, description=description)
                url.put(version=child.id)
                state.flash(t("Created {name} v{n}", name=escape_markdown(child.dataset_name), n=child.number), ":material/check_circle:")
            st.rerun()


# ----------------------------------------------------------------------------- compare


def _default_other(version: DatasetVersion, others: list[DatasetVersion]) -> str:
    """What to compare with first: the version it came from, else the one before it."""
    ids = [v.id for v in others]
    if version.parent_id in ids:
        return version.parent_id
    older = [v for v in others if v.number < version.number]
    return (max(older, key=lambda v: v.number) if older else others[0]).id


def _compare(ws: Workspace, version: DatasetVersion, versions: list[DatasetVersion], numbers: dict[str, int]) -> None:
    others = sorted((v for v in versions if v.id != version.id), key=lambda v: -v.number)
    if not others:
        st.caption(t("Derive a version first; then compare any two here."))
        return
    labels = {v.id: _option_label(v, numbers) for v in others}
    ids = list(labels)
    c1, c2 = st.columns(2)
    other = c1.selectbox(t("Compare v{n} with", n=version.number), ids, format_func=labels.get,
                         index=ids.index(_default_other(version, others)), key=f"ds_diff_other_{version.id}")
    old = next(v for v in others if v.id == other)
    shared = [c.name for c in version.schema if old.column(c.name) is not None]
    guess = next((c.name for c in version.schema if c.semantic == "id" and c.name in shared), "")
    key = c2.selectbox(t("Key column (matches rows to find changed values)"), ["", *shared],
                       index=([""] + shared).index(guess), key=f"ds_diff_key_{version.id}",
                       format_func={"": t("— none: match whole rows —"), **{n: n for n in shared}}.get) or None
    with errors.shown(stop=False):
        diff = datasets.diff_versions(ws, old.id, version.id, key=key)
        _diff_view(diff, old, version)


def _diff_view(d: VersionDiff, old: DatasetVersion, new: DatasetVersion) -> None:
    """A diff as a summary (rows and columns added, removed, changed) and then tables."""
    a, b = f"v{old.number}", f"v{new.number}"
    st.caption(t("From {old} to {new}", old=a, new=b))
    if d.same_content:
        st.success(t("{old} and {new} hold the same table.", old=a, new=b))
    added = d.rows_added if d.key else d.content_added
    removed = d.rows_removed if d.key else d.content_removed
    m = st.columns(5)
    m[0].metric(t("Rows"), count(d.rows_b), delta=_delta(d.rows_b - d.rows_a), delta_color="off")
    m[1].metric(t("Rows added"), count(added) if added is not None else "—")
    m[2].metric(t("Rows removed"), count(removed) if removed is not None else "—")
    m[3].metric(t("Rows changed"), count(d.rows_changed) if d.rows_changed is not None else "—",
                help=t("Needs a key column to tell a changed row from one removed and one added"))
    m[4].metric(t("Columns"), count(new.n_cols), delta=_delta(new.n_cols - old.n_cols), delta_color="off")
    if d.key:
        st.caption(t("Rows matched by {key}.", key=escape_markdown(d.key)))
    elif added is None:
        st.caption(t("The tables are too big to match whole rows; choose a key column to compare rows."))
    else:
        st.caption(t("Rows matched by their values in the columns both versions have; choose a key column to "
                     "see changed values."))
    columns = ([{"column": c, "change": t("added"), "from": "", "to": ""} for c in d.columns_added]
               + [{"column": c, "change": t("removed"), "from": "", "to": ""} for c in d.columns_removed]
               + [{"column": c["column"], "change": t("storage type"), "from": c["from"], "to": c["to"]}
                  for c in d.type_changes]
               + [{"column": c["column"], "change": t("meaning"), "from": tk(SEMANTIC_NAMES.get(c["from"], c["from"])),
                   "to": tk(SEMANTIC_NAMES.get(c["to"], c["to"]))} for c in d.semantic_changes])
    st.markdown(f"**{t('Column changes')}**")
    if columns:
        st.dataframe(columns, hide_index=True, width="stretch", key="ds_diff_columns", column_config={
            "column": t("Column"), "change": t("Change"), "from": t("From"), "to": t("To")})
    else:
        st.caption(t("The same columns, with the same types."))
    for title, rows, shown_key in ((t("Rows added (first {n})", n=len(d.added_rows)), d.added_rows, "added"),
                                   (t("Rows removed (first {n})", n=len(d.removed_rows)), d.removed_rows, "removed")):
        if rows:
            st.markdown(f"**{title}**")
            st.dataframe(rows, hide_index=True, width="stretch", key=f"ds_diff_{shown_key}")
    if d.changed_cells:
        st.markdown(f"**{t('Changed values (first {n})', n=len(d.changed_cells))}**")
        cells = [{"key": str(c["key"]), "column": c["column"], "old": _cell(c["old"]), "new": _cell(c["new"])}
                 for c in d.changed_cells]
        st.dataframe(cells, hide_index=True, width="stretch", key="ds_diff_cells", column_config={
            "key": d.key, "column": t("Column"), "old": a, "new": b})


def _delta(n: int) -> str | None:
    return None if n == 0 else f"{n:+,}"


def _cell(value: Any) -> str:
    return "—" if value is None else str(value)


# ----------------------------------------------------------------------------- lineage


LINEAGE_KINDS = {"dataset_version": "Versions", "label_task": "Label tasks", "feature_set": "Feature sets",
                 "experiment": "Experiments", "model": "Models", "hypothesis": "Hypotheses", "dataset": "Datasets"}


def _lineage(ws: Workspace, ds: Dataset, versions: dict[str, DatasetVersion], numbers: dict[str, int]) -> None:
    """The lineage chart, then every object in it by name, each a link to where it is shown."""
    graph = datasets.lineage_graph(ws, ds.id)
    st.plotly_chart(charts.lineage_figure(graph.nodes, graph.edges), key=f"ds_lineage_{ds.id}")
    made_by = {e.source: e.target for e in graph.edges if e.relation == "produced_by"}  # model -> experiment
    groups: dict[str, list] = {kind: [] for kind in LINEAGE_KINDS}
    for node in graph.nodes:
        if node.kind in LINEAGE_KINDS and node.id != ds.id:  # this dataset is the page itself
            groups[node.kind].append(node)
    left, right = st.columns([1, 2])  # versions beside what was made from them (longer names)
    for kind, nodes in groups.items():
        if nodes:
            with left if kind == "dataset_version" else right:
                st.markdown(f"**{tk(LINEAGE_KINDS[kind])}**")
                for node in nodes:
                    _lineage_link(ws, ds, node, made_by, versions, numbers)


def _lineage_link(ws: Workspace, ds: Dataset, node: Any, made_by: dict[str, str],
                  versions: dict[str, DatasetVersion], numbers: dict[str, int]) -> None:
    label = escape_markdown(node.label)
    if node.kind == "dataset_version":
        version = versions.get(node.id)
        if version is None:  # a parent in another dataset
            try:
                version = datasets.get_version(ws, node.id)
            except NotFound:  # a dangling link: the name without a link
                st.markdown(label)
                return
        if version.dataset_id == ds.id:  # this dataset's: "v3 · train part of v2" (its name is the page's)
            label = " · ".join(p for p in (f"v{version.number}", how_made(version, numbers)) if p)
        archived = f" ({t('archived')})" if version.archived_at else ""
        # a button, not url.link: a link to the page being shown changes what the server shows but
        # leaves the address bar as it was (so a reload or a shared link would show another version)
        st.button(label + archived, key=f"ds_lineage_go_{node.id}", icon=":material/table:", type="tertiary",
                  help=escape_markdown(version_label(version, numbers)), on_click=url.put,
                  kwargs={"dataset": version.dataset_id, "version": node.id, "tab": "lineage"})
    elif node.kind == "experiment":
        url.link("app_pages/experiments.py", label, icon=":material/science:", experiment=node.id)
    elif node.kind == "model":
        url.link("app_pages/experiments.py", label, icon=":material/deployed_code:", model=node.id,
                 experiment=made_by.get(node.id))
    elif node.kind == "hypothesis":
        url.link("app_pages/problem.py", label, icon=":material/lightbulb:")
    elif node.kind == "label_task":
        url.link("app_pages/label.py", label, icon=":material/label:", task=node.id)
    elif node.kind == "feature_set":
        url.link("app_pages/features.py", label, icon=":material/filter_alt:", dataset=ds.id)
    else:  # another dataset (this one is the page itself)
        st.button(label, key=f"ds_lineage_go_{node.id}", icon=":material/database:", type="tertiary",
                  on_click=url.put, kwargs={"dataset": node.id, "version": None, "tab": "lineage"})


# ---------------------------------------------------------------------------- download


def _notebook(ws: Workspace, version_id: str) -> bytes:
    from core.data.notebook import dataset_notebook  # written alongside; imported only when asked

    return dataset_notebook(ws, version_id).encode("utf-8")


def _downloads(ws: Workspace, ds: Dataset, version: DatasetVersion) -> None:
    c1, c2, c3 = st.columns(3)
    stem = Path(f"{ds.name}_v{version.number}").name
    c1.download_button(t("CSV (UTF-8 with BOM, Excel-safe)"), data=lambda: _export(ws, version.id, "csv"),
                       file_name=f"{stem}.csv", mime="text/csv", key=f"ds_dl_csv_{version.id}",
                       icon=":material/download:")
    c2.download_button(f"Parquet ({size(version.size_bytes)})",  # a format's name and a size: the same in Korean
                       data=lambda: _export(ws, version.id, "parquet"), file_name=f"{stem}.parquet",
                       mime="application/octet-stream", key=f"ds_dl_parquet_{version.id}", icon=":material/download:")
    c3.download_button(t("Open in a notebook (.ipynb)"), data=lambda: _notebook(ws, version.id),
                       file_name=f"{stem}.ipynb", mime="application/x-ipynb+json", key=f"ds_dl_nb_{version.id}",
                       icon=":material/code:",
                       help=t("A Jupyter notebook that loads this version by its id and checks its content hash"))
    st.caption(t("The CSV neutralises cells a spreadsheet would run as a formula; the Parquet file is the exact "
                 "stored copy."))


# ----------------------------------------------------------------------------- archived


def archived_section(ws: Workspace, project: Project, ds: Dataset | None) -> None:
    """The project's archived datasets, and the selected dataset's archived versions, each with Restore."""
    gone = [d for d in datasets.list_datasets(ws, project_id=project.id, include_archived=True) if d.archived_at]
    versions = [v for v in datasets.list_versions(ws, ds.id) if v.archived_at] if ds else []
    if not gone and not versions:
        return
    with st.expander(t("Archived ({n})", n=len(gone) + len(versions)), icon=":material/inventory_2:"):
        for d in gone:
            left, right = st.columns([4, 1], vertical_alignment="center")
            left.markdown(f"{escape_markdown(d.name)} {id_suffix(d.id)} · "
                          + t("archived {when}", when=ago(d.archived_at)))
            if right.button(t("Restore"), key=f"ds_restore_{d.id}", icon=":material/unarchive:"):
                with errors.shown():
                    datasets.restore_dataset(ws, d.id)
                    url.put(dataset=d.id, version=None)
                    state.flash(t("Restored {name}", name=escape_markdown(d.name)), ":material/unarchive:")
                    st.rerun()
        for v in versions:
            left, right = st.columns([4, 1], vertical_alignment="center")
            left.markdown(f"{escape_markdown(v.dataset_name)} v{v.number} {id_suffix(v.id)} · "
                          + t("archived {when}", when=ago(v.archived_at)))
            if right.button(t("Restore"), key=f"ds_restore_{v.id}", icon=":material/unarchive:"):
                with errors.shown():
                    datasets.restore_version(ws, v.id)
                    url.put(version=v.id)
                    state.flash(t("Restored {name} v{n}", name=escape_markdown(v.dataset_name), n=v.number), ":material/unarchive:")
                    st.rerun()
