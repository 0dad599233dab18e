"""The one place where core errors become messages on screen."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from core.errors import MLCycleError


def render(exc: MLCycleError) -> None:
    """Show an error the user can act on: what went wrong, then what to do."""
    text = exc.message + (f"\n\n**What to do:** {exc.hint}" if exc.hint else "")
    st.error(text, icon="⚠️")


@contextmanager
def shown(*, stop: bool = True) -> Iterator[None]:
    """Catch ``MLCycleError`` in the block, show it, and stop the script (unless ``stop=False``).

    Other exceptions propagate so bugs stay loud.
    """
    try:
        yield
    except MLCycleError as exc:
        render(exc)
        if stop:
            st.stop()


@contextmanager
def status(label: str, *, failed: str, expanded: bool = False) -> Iterator[object]:
    """``st.status`` for short work; on a core error it turns red with ``failed`` and the error
    is shown below it (inside :func:`shown`), never hidden in the collapsed box.

    Use as ``with errors.shown(), errors.status("Working…", failed="Could not…") as box:``.
    """
    box = st.status(label, expanded=expanded)
    try:
        with box:
            yield box
    except MLCycleError:
        box.update(label=failed, state="error", expanded=False)
        raise
