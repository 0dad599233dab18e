"""The one place where core errors become messages on screen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from core.errors import MLCycleError
from ui import i18n
from ui.fmt import escape_markdown
from ui.i18n import t


def render(exc: MLCycleError) -> None:
    """Show an error the user can act on: what went wrong, then what to do.

    Core messages are plain text that quote user data (names, column names, values), so they
    are escaped: nothing in them renders as a link or an image; `commands` stay code. In Korean,
    the messages ``ui/locale/ko_errors.py`` knows are shown in Korean.
    """
    text = escape_markdown(i18n.message(exc.message), keep_code=True)
    if exc.hint:
        hint = i18n.message(exc.hint, kind="HINTS")
        text += f"\n\n**{t('What to do:')}** {_hint_markdown(hint)}"
    st.error(text, icon="⚠️")


def _hint_markdown(hint: str) -> str:
    """A hint as Markdown. A hint with indented lines (a gate rule with a caret under its bad token)
    keeps its lines, and the indented ones become one monospaced block so the caret stays under the
    token; any other hint reads as one paragraph."""
    lines = hint.splitlines()
    if not any(line.startswith("  ") for line in lines):
        return escape_markdown(hint, keep_code=True)
    parts, block = [], []
    for line in [*lines, ""]:
        if line.startswith("  "):
            block.append(line[2:])
            continue
        if block:  # the excerpt as written, in a fence longer than any backtick run in it
            fence = "`" * max(3, 1 + max((len(run) for run in re.findall("`+", "\n".join(block))), default=0))
            parts.append(f"\n{fence}\n" + "\n".join(block) + f"\n{fence}\n")
            block = []
        if line:
            parts.append(escape_markdown(line, keep_code=True) + "  ")
    return "\n".join(parts)


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
    Both labels are Markdown: pass user text in them through ``ui.fmt.escape_markdown``.
    """
    box = st.status(label, expanded=expanded)
    try:
        with box:
            yield box
    except MLCycleError:
        box.update(label=failed, state="error", expanded=False)
        raise
