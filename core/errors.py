"""Errors a user can act on. Every message says what was wrong and what to do next."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class MLCycleError(Exception):
    """An error the user can act on; ``hint`` says what to do next.

    Example:
        >>> raise InvalidInput("Column 'age' is empty.", hint="Choose another target.")
    """

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip() if self.hint else self.message


class NotFound(MLCycleError, LookupError):
    """The named object does not exist (or is archived where that matters)."""


class InvalidInput(MLCycleError, ValueError):
    """The input cannot be used as given."""


class Conflict(MLCycleError):
    """The request clashes with the current state (a name taken, a worker already running)."""


class Corrupted(MLCycleError):
    """Stored bytes no longer match their recorded hash."""


class ExternalToolFailed(MLCycleError):
    """A third-party tool (FLAML, SHAP, docker) failed; the original error is chained."""


@contextmanager
def map_errors(what: str, *, hint: str = "") -> Iterator[None]:
    """Translate third-party exceptions raised inside the block into ``ExternalToolFailed``.

    Args:
        what: what was being done, e.g. ``"FLAML search on 'churn' v2"``.
        hint: what the user can try next.

    Raises:
        ExternalToolFailed: for any exception that is not already an ``MLCycleError``.
    """
    try:
        yield
    except MLCycleError:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - translated on purpose
        raise ExternalToolFailed(f"{what} failed: {type(exc).__name__}: {exc}", hint=hint) from exc
