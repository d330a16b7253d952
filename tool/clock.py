"""The time, in one place, so tests can move it.

There is no environment variable or option to set the time: what the history records
is the machine's clock, read inside the write transaction. Tests fix it in-process with
:func:`frozen` (or by passing ``now=`` to the services).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

_fixed: datetime | None = None  # set only by tests, through frozen()


def now() -> datetime:
    """The current UTC time."""
    return _fixed or datetime.now(timezone.utc)


def stamp(moment: datetime | None = None) -> str:
    """An ISO 8601 UTC timestamp with microseconds: sortable as text."""
    return (moment or now()).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse(text: str) -> datetime:
    """A timestamp as :func:`stamp` writes it (or any ISO 8601 time), as a UTC datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


@contextmanager
def frozen(at: datetime | str) -> Iterator[datetime]:
    """Within the block, :func:`now` returns ``at`` (tests only)."""
    global _fixed
    previous = _fixed
    _fixed = parse(at) if isinstance(at, str) else at
    try:
        yield _fixed
    finally:
        _fixed = previous
