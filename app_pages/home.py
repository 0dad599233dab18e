"""Home: where the active project stands in the lifecycle, and what happened lately."""

from __future__ import annotations

import streamlit as st

from core import overview
from core.define import projects
from core.store import activity
from ui import errors, layout, state, url
from ui.activity_feed import ROUTINE, event_line
from ui.fmt import ago, escape_markdown, id_suffix
from ui.home_view import alerts_block, demo_preparing, lifecycle_cards, verdicts_block
from ui.i18n import t

ws = state.workspace()
st.title("MLCycle")
st.caption(t("Carry an ML project from the question to the served model, with every step tied to the one before."))

project = state.active_project()
if project is None:
    st.subheader(t("Welcome"), anchor=False)
    st.markdown(
        t("This workspace has no projects yet. A **project** holds one problem: its hypotheses, "
          "the data for it and the experiments that test it.") + "\n\n"
        + "1. " + t("Create a project with **New project** in the sidebar, or load the demo below "
                    "(`mlcycle demo` does the same).") + "\n"
        + "2. " + t("Write the problem and a hypothesis with a measurable success criterion.") + "\n"
        + "3. " + t("Upload data, explore it, and run AutoML.")
    )
    if st.button(t("Load the demo project"), key="home_demo", type="primary", icon=":material/play_arrow:"):
        from core.cli import demo

        result = demo.seed_demo(ws, train=True)  # and a short search per project, for Compare to show
        state.set_active_project(result["id"])
        state.flash(t("Demo project '{name}' loaded", name=escape_markdown(result["project_name"])))
        st.rerun()
    st.stop()

st.subheader(escape_markdown(project.name), anchor=False)
st.caption(" · ".join(filter(None, [escape_markdown(project.description), id_suffix(project.id)])))
demo_preparing(ws)
alerts_block(ws, project.id)

st.markdown(f"#### {t('Lifecycle')}")
lifecycle_cards(ws, project.id)

left, right = st.columns([2, 1], gap="large")
with left:
    verdicts_block(ws, project.id)
    head, switch = st.columns([3, 2], vertical_alignment="bottom")
    head.markdown(f"#### {t('Recent activity')}")
    everywhere = switch.toggle(t("All projects"), key="home_all_projects",
                               help=t("Show what happened in every project, not only in this one."))
    events = activity.list_events(ws, project_id=None if everywhere else project.id, limit=15, skip=ROUTINE)
    if not events:
        st.caption(t("Nothing has happened yet."))
    found = overview.subjects(ws, [(e.object_kind, e.object_id) for e in events])
    names = {p.id: p.name for p in projects.list_projects(ws, include_archived=True)}
    for event in events:
        event_line(event, found.get((event.object_kind, event.object_id)), project_name=names.get(event.project_id),
                   everywhere=everywhere)
with right:
    st.markdown(f"#### {t('Projects')}")
    for p in projects.list_projects(ws)[:8]:
        current = p.id == project.id
        url.link("app_pages/home.py", f"**{escape_markdown(p.name)}**" if current else escape_markdown(p.name),
                 icon=":material/folder_open:" if current else ":material/folder:", project=p.id)
        st.caption(f"{t('updated {when}', when=ago(p.updated_at))} · {id_suffix(p.id)}")
    with st.expander(t("Project settings"), icon=":material/settings:"):
        new_name = st.text_input(t("Rename this project"), value=project.name, key="home_rename")
        if st.button(t("Rename"), key="home_rename_btn") and new_name != project.name:
            with errors.shown():
                projects.rename_project(ws, project.id, new_name)
                state.flash(t("Project renamed"))
                st.rerun()
        layout.confirm(t("Archive this project"), key="home_archive", scope="app",
                       question=t("Archive '{name}'? It disappears from lists; nothing is deleted.",
                                  name=escape_markdown(project.name)),
                       yes=t("Yes, archive it"), no=t("Keep it"), action=lambda: projects.archive_project(ws, project.id))
        archived = [p for p in projects.list_projects(ws, include_archived=True) if p.archived_at]
        if archived:
            labels = {p.id: p.name for p in archived}
            chosen = st.selectbox(t("Archived projects"), list(labels), format_func=labels.get, key="home_archived")
            if st.button(t("Restore"), key="home_restore"):
                with errors.shown():
                    projects.restore_project(ws, chosen)
                    state.flash(t("'{name}' restored", name=escape_markdown(labels[chosen])))
                    st.rerun()
