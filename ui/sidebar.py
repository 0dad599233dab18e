"""The sidebar: project switcher (with create-in-place) and the running-jobs indicator."""

from __future__ import annotations

import streamlit as st

from core import jobs
from core.define import projects
from ui import errors, i18n, state, url
from ui.fmt import STATUS_MATERIAL, escape_markdown
from ui.i18n import t, tk, tn


def language_switch() -> None:
    """English / 한국어, kept in the URL (``lang``) and in the session."""
    current = i18n.lang()

    def changed() -> None:
        if not url.user_changed():
            return
        chosen = st.session_state.get("sb_lang") or current
        i18n.set_lang(chosen)
        url.put(lang=chosen)

    st.session_state["sb_lang"] = current
    st.segmented_control("Language · 언어", list(i18n.LANGS), format_func=i18n.LANGS.get, key="sb_lang",
                         on_change=changed, label_visibility="collapsed", width="stretch")


def project_switcher() -> None:
    """Select the active project, or create one in place (the new one becomes the active one)."""
    ws = state.workspace()
    unknown = st.session_state.pop(state.UNKNOWN_PROJECT, None)
    if unknown:
        st.warning(t("The link named project {id}, which is not in this workspace (or is archived). "
                     "Showing the current project instead.", id=f"`{escape_markdown(unknown)}`"))
    active = state.active_project()
    available = projects.list_projects(ws)
    st.markdown(f"**{t('Project')}**")
    if available:
        url.select(t("Active project"), {p.id: p.name for p in available}, param="project",
                   default=active.id if active else None, clear=url.PROJECT_SCOPED,
                   on_choose=state.set_active_project, label_visibility="collapsed")
    else:
        st.caption(t("No project yet. Create one to begin."))
    with st.popover(t("New project"), icon=":material/add:", width="stretch"):
        with st.form("sb_new_project", clear_on_submit=True, border=False):
            name = st.text_input(t("Name"), key="sb_new_project_name", placeholder=t("e.g. Churn 2026"))
            description = st.text_input(t("One-line description (optional)"), key="sb_new_project_desc")
            submitted = st.form_submit_button(t("Create project"), type="primary")
            if submitted:
                with errors.shown(stop=False):
                    project = projects.create_project(ws, name, description=description)
                    state.set_active_project(project.id)
                    state.flash(t("Project '{name}' created and selected", name=escape_markdown(project.name)))
                    st.rerun()


def menu(pages: dict[str, list[dict]]) -> None:
    """The page menu by lifecycle section; each link carries the context (project, language, objects)."""
    for section, items in pages.items():
        if not items:
            continue
        if section:
            st.caption(tk(section))
        for item in items:
            url.link(item["page"], tk(item["title"]), icon=item["icon"])


@st.fragment(run_every="2s")
def job_indicator() -> None:
    """Show running and queued jobs with their progress; links to the Jobs page.

    Also starts a worker when a job has waited in the queue with none alive (cheap to call).
    """
    ws = state.workspace()
    jobs.ensure_worker_for_queue(ws)
    active = jobs.list_jobs(ws, status="running", limit=5) + jobs.list_jobs(ws, status="queued", limit=5)
    if not active:
        url.link("app_pages/jobs.py", t("Jobs: none running"), icon=":material/work_history:")
        return
    url.link("app_pages/jobs.py", t("Jobs: {n} active", n=len(active)), icon=":material/sync:")
    for job in active:
        icon = STATUS_MATERIAL.get(job.status, "")
        st.progress(job.progress or 0.0,
                    text=f"{icon} {escape_markdown(i18n.progress(job.title)[:32])} · {escape_markdown(i18n.progress(job.message)[:40])}")


_LEGACY_KEY = "sb_legacy_models"


def legacy_models_notice() -> None:
    """Offer the one-time migration when the workspace holds models saved as pickles (checked once a session)."""
    from core.experiments import migrate

    ws = state.workspace()
    if _LEGACY_KEY not in st.session_state:
        st.session_state[_LEGACY_KEY] = migrate.legacy_model_ids(ws)
    ids = st.session_state[_LEGACY_KEY]
    if not ids:
        return
    with st.container(border=True):
        st.warning(tn("{n} model in this workspace was saved in the old pickle format and cannot be opened "
                      "until migrated.",
                      "{n} models in this workspace were saved in the old pickle format and cannot be opened "
                      "until migrated.", len(ids)), icon=":material/history:")
        st.caption(t("Migrating rewrites them in the pickle-free format, keeping their ids, and checks that each "
                     "predicts its held-out rows exactly as before. Only migrate a workspace you trust: reading an "
                     "old model runs code from its file."))
        if st.button(t("Migrate old models"), key="sb_migrate_models", icon=":material/upgrade:", width="stretch"):
            with st.status(t("Migrating old models…"), expanded=True) as status:
                report = migrate.migrate_models(ws, on_progress=lambda p: status.update(label=i18n.progress(p.message)))
            st.session_state[_LEGACY_KEY] = migrate.legacy_model_ids(ws)
            done = sum(m.status == "migrated" for m in report.models)
            if report.n_failed:  # stays on screen: each failure says why, and the model is left as it was
                status.update(label=t("Migrated {done} of {total} old models", done=done, total=len(report.models)),
                              state="error")
                for m in report.models:
                    if m.status == "failed":
                        st.error(f"{m.model_id} ({m.learner}): {escape_markdown(m.message)}")
                return
            state.flash(tn("Migrated {n} old model: same predictions, no pickle",
                           "Migrated {n} old models: same predictions, no pickle", done))
            st.rerun()


def render(pages: dict[str, list[dict]]) -> None:
    """Draw the whole sidebar: language, project, the page menu, old-model notice, jobs."""
    with st.sidebar:
        language_switch()
        project_switcher()
        menu(pages)
        legacy_models_notice()
        st.divider()
        job_indicator()
