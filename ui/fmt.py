"""Small formatting helpers for how objects and times read on screen."""

from __future__ import annotations

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


_MD_SPECIAL = "\\`*_{}[]<>()#+-.!|~$"


def escape_markdown(text: str) -> str:
    """Escape markdown syntax in user text so names render literally."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)
