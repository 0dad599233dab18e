"""Progress reported by slow services. Core reports; pages and workers draw or store it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    """One progress report.

    Attributes:
        fraction: done share in [0, 1], or ``None`` when the total is unknown.
        message: what is happening now, in words a user understands.
    """

    fraction: float | None
    message: str


ProgressFn = Callable[[Progress], None]


def no_progress(_: Progress) -> None:
    """Progress callback that ignores every report."""
