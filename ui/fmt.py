"""Small formatting helpers for how objects and times read on screen."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from core.ids import parse_time
from ui import i18n
from ui.i18n import t


def ago(iso: str | None) -> str:
    """Return '5 min ago' (``5분 전``) style text for an ISO timestamp."""
    when = parse_time(iso)
    if when is None:
        return ""
    seconds = (datetime.now(UTC) - when).total_seconds()
    if seconds < 60:
        return t("just now")
    if seconds < 3600:
        return t("{n} min ago", n=int(seconds // 60))
    if seconds < 86400:
        return t("{n} h ago", n=int(seconds // 3600))
    return date(iso)


def date(iso: str | None) -> str:
    """A calendar date in the language's form: ``2 Dec 2026`` / ``2026년 12월 2일``."""
    when = parse_time(iso)
    if when is None:
        return ""
    if i18n.lang() == "ko":
        return f"{when.year}년 {when.month}월 {when.day}일"
    return f"{when.day} {when:%b} {when.year}"


def when(iso: str | None) -> str:
    """Date and time (UTC) in the language's form: ``2 Dec 2026, 14:03 UTC`` / ``2026년 12월 2일 14:03 UTC``."""
    moment = parse_time(iso)
    if moment is None:
        return ""
    sep = " " if i18n.lang() == "ko" else ", "
    return f"{date(iso)}{sep}{moment:%H:%M} UTC"


def duration(start: str | None, end: str | None) -> str:
    """Return a compact duration between two ISO timestamps (end defaults to now)."""
    a = parse_time(start)
    if a is None:
        return ""
    b = parse_time(end) or datetime.now(UTC)
    return seconds_text(max(0.0, (b - a).total_seconds()))


def seconds_text(seconds: float) -> str:
    """``4.2 s``, ``3 min 5 s``, ``1 h 2 min`` (``4.2초``, ``3분 5초``, ``1시간 2분``)."""
    if seconds < 60:
        return t("{s} s", s=f"{seconds:.1f}")
    if seconds < 3600:
        return t("{m} min {s} s", m=int(seconds // 60), s=int(seconds % 60))
    return t("{h} h {m} min", h=int(seconds // 3600), m=int(seconds % 3600 // 60))


def count(n: float | None) -> str:
    """A whole number with thousands separators (``12,345``; the same in Korean)."""
    return "—" if n is None else f"{int(n):,}"


def num(x: float | None, digits: int = 4) -> str:
    """A measurement rounded for reading: ``0.5848``, ``1.23e+06``; never a raw 17-digit float."""
    if x is None:
        return "—"
    if isinstance(x, int) or float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.{digits}g}" if abs(x) >= 1e5 or abs(x) < 1e-3 else f"{x:,.{digits}f}".rstrip("0").rstrip(".")


def size(n_bytes: float) -> str:
    """Bytes in the unit that reads best: ``812 B``, ``14.2 KiB``, ``3.4 MiB``, ``1.2 GiB``."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {unit}"
    return f"{int(n_bytes)} B"


def id_suffix(object_id: str) -> str:
    """The short id shown in small type beside a name: ``:gray[`ds_5f0c…`]`` (Markdown)."""
    return f":gray[`{short_id(object_id)}`]"


def short_id(object_id: str) -> str:
    """Return an id shortened for display (``ds_5f0c…``)."""
    return object_id if len(object_id) <= 9 else object_id[:8] + "…"


STATUS_ICONS = {
    "queued": "⏳", "running": "🔄", "done": "✅", "failed": "❌",
    "cancelled": "🚫", "interrupted": "⚡",
}
STATUS_TEXT = {
    "queued": "queued", "running": "running", "done": "done", "failed": "failed",
    "cancelled": "cancelled", "interrupted": "interrupted",
}


def status_text(status: str) -> str:
    """A job's or experiment's status in the session's language (``done`` / ``완료``)."""
    return i18n.tk(STATUS_TEXT[status]) if status in STATUS_TEXT else status


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
