"""Session state keys and the handles every page needs (workspace, active project)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.define import projects
from core.define.entities import Project
from core.workspace import Workspace, default_root
from ui import i18n, url

ACTIVE_PROJECT = "active_project_id"
FLASH = "flash_message"
# a project id the URL named that is not (or no longer) in the workspace: the sidebar says so once
UNKNOWN_PROJECT = "url_unknown_project"
LANG_AT_START = "ui_lang_at_start"
# {experiment_id: (runs read so far, whether they are all of them)}: the live experiment view
# reads only newer trials on each poll (ui.experiment_view.runs_so_far).
EXP_RUNS = "exp_runs_read"


@st.cache_resource(show_spinner=False)
def _open_workspace(root: str) -> Workspace:
    return Workspace(root)


def workspace() -> Workspace:
    """Return the workspace this app serves (``$MLCYCLE_HOME`` or the default)."""
    return _open_workspace(str(default_root().resolve()))


def sync_from_url() -> None:
    """At the start of every run: take the language and the project named in the URL, if any.

    The URL wins over the session (a shared link opens what it names); the session remembers
    the project for pages reached without it. A URL without a language shows the one the
    session began in: the first URL's, else the browser's (Korean for ``ko-*``), so Back
    undoes a switch.
    """
    if LANG_AT_START not in st.session_state:
        first = st.query_params.get("lang")
        browser = (getattr(st.context, "locale", None) or "").lower()
        st.session_state[LANG_AT_START] = first if first in i18n.LANGS else (
            "ko" if browser.startswith("ko") else i18n.DEFAULT)
    wanted = st.query_params.get("lang")
    # every link in the app carries the language, so a URL without one is where the session began
    # (Back to before a switch, or a link from outside): its language is the one the session began in
    i18n.set_lang(wanted if wanted in i18n.LANGS else st.session_state[LANG_AT_START])
    project = st.query_params.get("project")
    if project and project != st.session_state.get(ACTIVE_PROJECT):
        found = projects.find_project(workspace(), project)
        if found and not found.archived_at:
            st.session_state[ACTIVE_PROJECT] = found.id
        else:
            st.session_state[UNKNOWN_PROJECT] = project


def active_project_id() -> str | None:
    """The active project's id as the session knows it (no store read; may be stale until
    :func:`active_project` runs)."""
    return st.session_state.get(ACTIVE_PROJECT)


def active_project() -> Project | None:
    """Return the project named in the URL or chosen in the sidebar, falling back to the most recent one."""
    ws = workspace()
    chosen = projects.find_project(ws, st.session_state.get(ACTIVE_PROJECT))
    if chosen and not chosen.archived_at:
        return chosen
    available = projects.list_projects(ws)
    if not available:
        st.session_state.pop(ACTIVE_PROJECT, None)
        return None
    st.session_state[ACTIVE_PROJECT] = available[0].id
    return available[0]


def set_active_project(project_id: str) -> None:
    """Make ``project_id`` the project every page works on, and name it in the URL.

    What the URL named of the previous project (dataset, version, experiment, ...) is dropped.
    """
    st.session_state[ACTIVE_PROJECT] = project_id
    url.put(project=project_id, **dict.fromkeys(url.PROJECT_SCOPED))


def flash(message: str, icon: str = "✅") -> None:
    """Queue a toast to show after the next rerun (it renders Markdown: escape user text in ``message``)."""
    st.session_state[FLASH] = (message, icon)


def show_flash() -> None:
    """Show (once) a toast queued by :func:`flash`."""
    if FLASH in st.session_state:
        message, icon = st.session_state.pop(FLASH)
        st.toast(message, icon=icon)


def session_cache(name: str, key: tuple, make: Any, *, keep: int = 6) -> Any:
    """A value kept in this browser session under ``name`` and ``key`` (made by ``make()`` the first time);
    the oldest goes once ``keep`` are held. For data a page reads on every rerun (a version's frame)."""
    cache: dict = st.session_state.setdefault(name, {})
    if key not in cache:
        if len(cache) >= keep:
            cache.pop(next(iter(cache)))
        cache[key] = make()
    return cache[key]
