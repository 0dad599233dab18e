"""Identifiers and timestamps shared by every table."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime


def new_id(prefix: str) -> str:
    """Return a short, human-friendly id such as ``ds_5f0c1a9e2b7d``.

    Args:
        prefix: the kind prefix without the underscore (``prj``, ``ds``, ``job``).
    """
    return f"{prefix}_{secrets.token_hex(6)}"


def utcnow() -> str:
    """Return the current UTC time as ISO-8601 with microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def parse_time(value: str | None) -> datetime | None:
    """Parse a timestamp written by :func:`utcnow` (``None`` passes through)."""
    return datetime.fromisoformat(value) if value else None
