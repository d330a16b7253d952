"""The time, in one place, so tests can move it."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

NOW_ENV_VAR = "DESK_NOW"  # ISO time, for tests and demos; unset in real use


def now() -> datetime:
    """The current UTC time (or $DESK_NOW)."""
    fixed = os.environ.get(NOW_ENV_VAR)
    if fixed:
        return datetime.fromisoformat(fixed.replace("Z", "+00:00")).astimezone(timezone.utc)
    return datetime.now(timezone.utc)


def stamp(moment: datetime | None = None) -> str:
    """An ISO 8601 UTC timestamp with microseconds: sortable as text."""
    return (moment or now()).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def stamp_in(delta: timedelta) -> str:
    """The timestamp ``delta`` from now."""
    return stamp(now() + delta)
