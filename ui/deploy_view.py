"""The Deploy page's views: export a model as a container bundle, verify its server against the app,
and build and verify its image with a Docker engine.

An export is a folder (and a zip) that builds anywhere Docker does (:mod:`core.deploy.bundle`).
Verifying starts the bundle's server from that folder and compares its predictions on the held-out
rows with the app's (labels exactly, probabilities to 1e-9); building runs ``docker build`` on a
reachable engine, then runs the image on 127.0.0.1 and verifies it the same way. Both are jobs whose
progress (and build log) shows here; their results are kept with the export.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from core.deploy import bundle as bundles
from core.experiments.entities import Model
from core.workspace import Workspace
from ui import errors, fmt, i18n, state
from ui.fmt import escape_markdown, id_suffix
from ui.i18n import t, tn
from ui.jobs import progress_panel

DOWNLOAD_LIMIT = 32 * 1024 * 1024  # a larger zip (with wheels) is offered by its path: a download button sends it on every run


def export_form(ws: Workspace, model: Model) -> None:
    """Export the model: the bundle folder and its zip, with the wheels for an offline build if asked."""
    st.markdown(t("A bundle holds a Dockerfile, the requirements pinned to the versions the model was trained "
                  "with, the model, its server (MLflow's scoring protocol), the input schema, a sample request, "
                  "the model card and a README."))
    offline = st.checkbox(t("Include the wheels, so the image builds with no network (downloads them now)"),
                          key="dpl_offline")
    if st.button(t("Export"), key="dpl_export", type="primary", icon=":material/package_2:"):
        with errors.shown(), errors.status(t("Writing the bundle…"), failed=t("Could not export the model.")):
            made = bundles.export_bundle(ws, model.id, zip=True, offline=offline)
        state.flash(t("Exported the model to {path}.", path=f"`{escape_markdown(made.path)}`"))
        st.rerun()


def _result(result: dict[str, Any] | None, where: str) -> None:
    if not result:
        return
    rows = fmt.count(result.get("rows") or 0)
    if result.get("verified"):
        st.success(t("{where}: identical predictions on {rows} held-out rows (largest probability difference "
                     "{diff}).", where=where, rows=rows, diff=fmt.num(result.get("max_proba_diff") or 0.0, 3)))
    else:
        st.error(t("{where}: the predictions differ from the app's on {rows} held-out rows.", where=where,
                   rows=rows))
        for m in (result.get("mismatches") or [])[:5]:
            st.caption(escape_markdown(str(m)))
    figures = [(t("single-row p50"), f"{fmt.num(result.get('p50_ms'), 3)} ms"),
               (t("single-row p99"), f"{fmt.num(result.get('p99_ms'), 3)} ms"),
               (t("rows per second"), fmt.count(result.get("rows_per_s")))]
    for column, (label, value) in zip(st.columns(len(figures)), figures, strict=True):
        column.metric(label, value)


def export_view(ws: Workspace, model: Model, export: bundles.Export) -> None:
    """One export: where it is, its zip, its verification and its image."""
    st.markdown(f"**{t('Bundle')}** {id_suffix(export.id)} · {fmt.ago(export.created_at)} · "
                + tn("{n} file", "{n} files", len(export.files)))
    st.code(export.path, language=None)
    if export.zip_path and Path(export.zip_path).is_file():
        size = Path(export.zip_path).stat().st_size
        if size <= DOWNLOAD_LIMIT:
            st.download_button(t("Download the bundle (zip, {size})", size=fmt.size(size)),
                               Path(export.zip_path).read_bytes(), file_name=Path(export.zip_path).name,
                               mime="application/zip", icon=":material/download:", key=f"dpl_zip_{export.id}")
        else:
            st.caption(t("The zip is {size}: take it from {path}.", size=fmt.size(size),
                         path=f"`{escape_markdown(export.zip_path)}`"))
    verify_part(ws, model, export)
    build_part(ws, model, export)


def verify_part(ws: Workspace, model: Model, export: bundles.Export) -> None:
    """Verify (a job): the bundle's server against the app on the held-out rows."""
    from core.deploy import verify

    st.markdown(f"##### {t('Verify')}")
    job = verify.find_verify_job(ws, export.id)
    if job is not None:
        progress_panel(job.id, key=f"dpl_verify_{export.id}", show_log=False, rerun_when_done=True)
        return
    _result(export.verification, t("The bundle's server"))
    if st.button(t("Verify") if not export.verification else t("Verify again"), key=f"dpl_verify_go_{export.id}",
                 icon=":material/fact_check:"):
        with errors.shown():
            verify.enqueue_verify(ws, export.id, project_id=model.project_id)
            st.rerun()
    st.caption(t("Starts the bundle's server from its folder on 127.0.0.1, sends the model's held-out rows and "
                 "checks each prediction against the app's: labels exactly, probabilities to 1e-9."))


def build_part(ws: Workspace, model: Model, export: bundles.Export) -> None:
    """Build the image (a job) when a Docker engine answers; else the commands to run by hand."""
    from core.deploy import engine, verify

    st.markdown(f"##### {t('Image')}")
    job = verify.find_verify_job(ws, export.id, "deploy_build")
    if job is not None:
        progress_panel(job.id, key=f"dpl_build_{export.id}", show_log=True, rerun_when_done=True)
        return
    if export.image_tag:
        st.markdown(t("Built as {tag}.", tag=f"`{escape_markdown(export.image_tag)}`"))
        _result(export.image_verification, t("The image"))
    reachable, why = engine.engine_status()
    if reachable:
        if st.button(t("Build image") if not export.image_tag else t("Build again"), key=f"dpl_build_go_{export.id}",
                     icon=":material/deployed_code:"):
            with errors.shown():
                verify.enqueue_build(ws, export.id, project_id=model.project_id)
                st.rerun()
        st.caption(t("Runs docker build on this machine's engine, then runs the image on 127.0.0.1 and verifies it "
                     "like the bundle."))
        return
    st.info(t("No Docker engine answers here ({why}). Build and run it where Docker is:",
              why=escape_markdown(i18n.message(why))))
    st.code(engine.manual_commands(export, engine.image_tag_for(ws, export.id)), language="bash")


def exports_view(ws: Workspace, model: Model) -> None:
    """The model's newest export in full; older ones listed."""
    made = bundles.exports_of(ws, model.id)
    if not made:
        st.caption(t("This model has not been exported yet."))
        return
    export_view(ws, model, made[0])
    if len(made) > 1:
        with st.expander(tn("{n} earlier export", "{n} earlier exports", len(made) - 1)):
            for older in made[1:]:
                verified = older.verification or {}
                mark = "✅" if verified.get("verified") else ("❌" if verified else "—")
                st.markdown(f"{mark} {fmt.ago(older.created_at)} · `{escape_markdown(older.path)}` "
                            f"{id_suffix(older.id)}")
