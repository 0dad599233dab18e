"""Session state keys and the handles every page needs (workspace, active project)."""

from __future__ import annotations

import streamlit as st

from core.define import projects
from core.define.entities import Project
from core.workspace import Workspace, default_root

ACTIVE_PROJECT = "active_project_id"
FLASH = "flash_message"
# {experiment_id: (runs read so far, whether they are all of them)}: the live experiment view
# reads only newer trials on each poll (ui.experiment_view.runs_so_far).
EXP_RUNS = "exp_runs_read"


@st.cache_resource(show_spinner=False)
def _open_workspace(root: str) -> Workspace:
    return Workspace(root)


def workspace() -> Workspace:
    """Return the workspace this app serves (``$MLCYCLE_HOME`` or the default)."""
    return _open_workspace(str(default_root().resolve()))


def active_project() -> Project | None:
    """Return the project chosen in the sidebar, falling back to the most recent one."""
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
    """Make ``project_id`` the project every page works on."""
    st.session_state[ACTIVE_PROJECT] = project_id


def flash(message: str, icon: str = "✅") -> None:
    """Queue a toast to show after the next rerun (it renders Markdown: escape user text in ``message``)."""
    st.session_state[FLASH] = (message, icon)


def show_flash() -> None:
    """Show (once) a toast queued by :func:`flash`."""
    if FLASH in st.session_state:
        message, icon = st.session_state.pop(FLASH)
        st.toast(message, icon=icon)
