"""Page scaffolding shared by every step: the header, the project requirement, confirmations."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.define.entities import Project
from ui import errors, state
from ui.i18n import t


def header(title: str, purpose: str) -> None:
    """Title and the one sentence on what this step is for."""
    st.title(title)
    st.caption(purpose)


def require_project() -> Project:
    """Return the active project, or say how to create one and stop the page."""
    project = state.active_project()
    if project is None:
        st.info(t("Create a project first: use **New project** in the sidebar."))
        st.stop()
    return project


def confirm(label: str, *, key: str, question: str, yes: str, no: str, action: Callable[[], object],
            icon: str | None = None, scope: str = "fragment") -> None:
    """A button that asks once before doing something destructive (cancel, archive).

    Args:
        label: the button's text.
        key: a unique widget key prefix.
        question: what is asked (say what is kept).
        yes: the confirming button's text.
        no: the backing-out button's text.
        action: what to do when confirmed (core errors are shown, not raised).
        icon: an optional material icon for the first button.
        scope: what to rerun afterwards (``fragment`` inside a polled fragment, else ``app``).
    """
    flag = f"{key}_confirm"
    if st.button(label, key=f"{key}_ask", icon=icon):
        st.session_state[flag] = True
    if st.session_state.get(flag):
        st.warning(question)
        left, right = st.columns(2)
        if left.button(yes, key=f"{key}_yes", type="primary"):
            with errors.shown(stop=False):
                action()
            st.session_state.pop(flag, None)
            st.rerun(scope=scope)
        if right.button(no, key=f"{key}_no"):
            st.session_state.pop(flag, None)
            st.rerun(scope=scope)
