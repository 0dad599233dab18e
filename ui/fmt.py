"""Small formatting helpers for how objects and times read on screen."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from core.ids import parse_time


def ago(iso: str | None) -> str:
    """Return '5 min ago' style text for an ISO timestamp."""
    when = parse_time(iso)
    if when is None:
        return ""
    seconds = (datetime.now(UTC) - when).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return when.strftime("%Y-%m-%d")


def duration(start: str | None, end: str | None) -> str:
    """Return a compact duration between two ISO timestamps (end defaults to now)."""
    a = parse_time(start)
    if a is None:
        return ""
    b = parse_time(end) or datetime.now(UTC)
    seconds = max(0.0, (b - a).total_seconds())
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min {int(seconds % 60)} s"
    return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60)} min"


def short_id(object_id: str) -> str:
    """Return an id shortened for display (``ds_5f0c…``)."""
    return object_id if len(object_id) <= 9 else object_id[:8] + "…"


STATUS_ICONS = {
    "queued": "⏳", "running": "🔄", "done": "✅", "failed": "❌",
    "cancelled": "🚫", "interrupted": "⚡",
}
STATUS_MATERIAL = {
    "queued": ":material/schedule:", "running": ":material/sync:", "done": ":material/check_circle:",
    "failed": ":material/error:", "cancelled": ":material/block:", "interrupted": ":material/bolt:",
}


# What makes Markdown out of text, escaped with a backslash (CommonMark lets one escape any
# ASCII punctuation): code, emphasis, strikethrough, links, images and footnotes (all need "["),
# raw HTML and <autolinks>, $math$, entities, tables and headings. An underscore inside a word
# (snake_case) cannot make emphasis and is left alone.
_ALWAYS = frozenset("\\`*~[]<$&|#")
# Block syntax counts only at the start of a line: lists (-, +, 1. or 1)), quotes, setext underlines.
_LINE_START = re.compile(r"^([ \t]*)([-+=>]|\d+[.)])", re.MULTILINE)
# Some things Streamlit's renderer finds in text *after* escapes are resolved: links from bare
# URLs (http://, www.) and e-mail addresses, :emoji: shortcodes, :color[...] directives and
# :material/icon: (rewritten before parsing). An invisible WORD JOINER breaks each of them
# without changing what is read: after a colon followed by more than a space, after "www",
# before "@".
_WORD_JOINER = "\u2060"
_BREAK = re.compile(r"(?<=:)(?=\S)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)


def escape_markdown(text: str, *, keep_code: bool = False) -> str:
    """Return user text that Streamlit's Markdown shows exactly as written, inert.

    Use it for every user string (names, descriptions, column names, error texts) that goes
    into ``st.markdown``, ``st.caption``, alerts, toasts, headings, or a label or progress text.
    Nothing of it renders as a link, an image, HTML, emphasis, a heading, a list, a table,
    a formula, a colour or badge (``:red[...]``), an icon (``:material/...:``) or an emoji.
    Plain-text places (select box options, tables, ``st.code``) need no escaping.

    Args:
        text: the text as the user wrote it.
        keep_code: keep `` `backticked` `` spans as code (their content is literal anyway):
            for core messages and hints, whose commands read better as code.

    Returns:
        The text with Markdown's special characters backslash-escaped, and invisible word
        joiners where Streamlit would otherwise find a link, an icon or an emoji.
    """
    if keep_code:
        parts, last = [], 0
        for span in _CODE_SPAN.finditer(text):
            parts += [escape_markdown(text[last:span.start()]), span.group(0)]
            last = span.end()
        return "".join(parts) + escape_markdown(text[last:])
    out = []
    for i, ch in enumerate(text):
        if ch in _ALWAYS or ch == "_" and not (0 < i < len(text) - 1 and text[i - 1].isalnum()
                                               and text[i + 1].isalnum()):
            out.append("\\")
        out.append(ch)
    escaped = _LINE_START.sub(lambda m: f"{m[1]}{m[2][:-1]}\\{m[2][-1]}", "".join(out))
    return _BREAK.sub(_WORD_JOINER, escaped)
