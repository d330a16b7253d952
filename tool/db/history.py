"""The history: an append-only, hash-chained log of every change to a unit (and user).

Each event stores a SHA-256 hash of its own content and of the event before it, so
changing, removing or inserting an event anywhere breaks every link after it, and
:func:`verify_chain` names the first broken one. Events are appended only by the gate
(:mod:`tool.services.units`), inside its write transaction, so their order is the order
in which the changes happened; their time never goes backwards.

This makes tampering evident, not impossible: whoever can write the database file can
recompute the chain. Keep the head hash (``verify_chain(db).head``, printed by ``check``) with
the backups to detect even that.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

GENESIS = "0" * 64  # the "previous hash" of the first event

#: The columns an event's hash covers, in order (``hash`` itself excluded).
COLUMNS = (
    "id",
    "unit_id",
    "at",
    "user",
    "action",
    "old_status",
    "new_status",
    "old_text",
    "new_text",
    "comment",
    "detail",
)


@dataclass(frozen=True)
class NewEvent:
    """One event to append: what happened to a unit, by whom, from what to what."""

    unit_id: int | None  # None for a change to a user
    user: str
    action: str
    old_status: str | None
    new_status: str | None
    old_text: str | None
    new_text: str | None
    comment: str = ""
    detail: dict[str, Any] | None = None


# The canonical form an event is hashed in: compact JSON of [previous hash, *columns].
_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def event_hash(previous: str, row: Sequence[Any]) -> str:
    """The hash of one event: its columns (see COLUMNS) chained to the previous hash."""
    return hashlib.sha256(_CANONICAL([previous, *row]).encode("utf-8")).hexdigest()


def _tail(db: sqlite_utils.Database) -> tuple[int, str, str]:
    row = db.execute("SELECT id, hash, at FROM events ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0], row[1] or GENESIS, row[2] or "") if row else (0, GENESIS, "")


def append(db: sqlite_utils.Database, at: str, events: Iterable[NewEvent]) -> str:
    """Append events at time ``at`` (never before the last event's); returns the time used.

    Call it inside the write transaction that makes the changes the events describe.
    """
    if not db.conn.in_transaction:
        raise RuntimeError("events are appended inside the write transaction of their change")
    last_id, previous, last_at = _tail(db)
    at = max(at, last_at)
    rows = []
    for offset, event in enumerate(events, start=1):
        detail = json.dumps(event.detail, ensure_ascii=False) if event.detail else None
        row = (
            last_id + offset,
            event.unit_id,
            at,
            event.user,
            event.action,
            event.old_status,
            event.new_status,
            event.old_text,
            event.new_text,
            event.comment,
            detail,
        )
        previous = event_hash(previous, row)
        rows.append((*row, previous))
    db.conn.executemany(
        f"INSERT INTO events ({', '.join(COLUMNS)}, hash) VALUES ({', '.join('?' * 12)})", rows
    )
    return at


@dataclass(frozen=True)
class ChainReport:
    events: int
    head: str  # the last event's hash (GENESIS for an empty history)
    broken_at: int | None = None  # id of the first event whose link does not hold
    problem: str = ""


def verify_chain(db: sqlite_utils.Database) -> ChainReport:
    """Walk the whole history, checking every link, the ids and time order."""
    previous, expected_id, last_at, count = GENESIS, 1, "", 0
    cursor = db.execute(f"SELECT hash, {', '.join(COLUMNS)} FROM events ORDER BY id")
    canonical, sha256 = _CANONICAL, hashlib.sha256  # the loop runs once per event: kept local
    for row in cursor:
        count += 1
        stored, event_id, at = row[0], row[1], row[3]
        if event_id != expected_id:
            return ChainReport(count, previous, event_id, f"event {expected_id} is missing")
        if at < last_at:
            return ChainReport(
                count, previous, event_id, f"event {event_id} is dated before the one before it"
            )
        previous = sha256(canonical([previous, *row[1:]]).encode("utf-8")).hexdigest()
        if stored != previous:
            return ChainReport(
                count, previous, event_id, f"event {event_id} does not match its hash"
            )
        expected_id, last_at = event_id + 1, at
    return ChainReport(count, previous)


def rehash_all(db: sqlite_utils.Database) -> None:
    """Compute every event's hash from the first (the migration that adds the chain)."""
    previous = GENESIS
    rows = db.execute(f"SELECT {', '.join(COLUMNS)} FROM events ORDER BY id").fetchall()
    for row in rows:
        previous = event_hash(previous, row)
        db.execute("UPDATE events SET hash = ? WHERE id = ?", [previous, row[0]])
