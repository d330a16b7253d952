"""The gate: the only module that creates and changes units, and writes their history.

Callers open the write transaction (:func:`tool.db.connection.transaction`, BEGIN
IMMEDIATE), read the rows they act on inside it, check their own rules there (role,
language, lease holder, never approving one's own work), and write through this module.
The gate then checks, against the rows as they are at that moment:

- that the row the caller decided on is still the stored one (no stale plan);
- that the status change is one the action may make (:data:`RULES`);

and writes the change and its event (hash-chained, see :mod:`tool.db.history`) together,
stamped with the time taken inside the transaction. Units of one alignment bead share a
status: the bead's text lives on its head unit, the others point to it with
``joined_to``; when a head changes status its members follow, each with its own event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlite_utils

from tool.clock import now as clock_now
from tool.clock import stamp
from tool.core.status import STATUSES
from tool.core.text import with_article
from tool.db import history
from tool.db.history import NewEvent
from tool.errors import ConflictError, NotFoundError, PermissionDenied

#: Statuses a translator can check out, draft and submit.
OPEN_STATUSES = ("new", "rejected", "needs_review")
#: Statuses of units that hold work a source change sends back to review.
WORK_STATUSES = ("translated", "approved", "rejected", "needs_review")
_NOT_APPROVED = ("new", "translated", "rejected", "needs_review")


def _to(new: Iterable[str], *old: str) -> dict[str, frozenset[str]]:
    return {status: frozenset(new) for status in old}


#: The status changes each action may make: action -> {old status: allowed new statuses}.
#: A status change outside this table is refused, whoever asks.
RULES: dict[str, dict[str, frozenset[str]]] = {
    # people
    "submit": _to({"translated"}, *OPEN_STATUSES),
    "import-work": _to({"translated"}, *OPEN_STATUSES),
    "approve": _to({"approved"}, "translated", "needs_review"),
    "reject": _to({"rejected"}, "translated", "needs_review"),
    "reopen": _to({"needs_review"}, "approved"),
    # the desk, on people's behalf
    "align": _to({"translated", "needs_review"}, "new"),
    "reimport": _to({"translated", "needs_review"}, "new", *WORK_STATUSES),
    "pretranslate": _to({"translated", "needs_review"}, "new", "needs_review"),
    "source-changed": _to({"needs_review"}, *WORK_STATUSES),
    "bead-changed": _to({"needs_review"}, *WORK_STATUSES),
    "realign": _to(_NOT_APPROVED, *_NOT_APPROVED),
    "join-segments": _to({"needs_review"}, *STATUSES),
    "split-segment": _to({"needs_review"}, *STATUSES),
}

PEOPLES_ACTIONS = ("submit", "approve", "reject", "reopen")

#: The workflow's state machine as people see it: what a status can become by their hand.
TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset().union(*(RULES[a].get(status, frozenset()) for a in PEOPLES_ACTIONS))
    for status in STATUSES
}

_VERBS = {
    "translated": "submitted",
    "approved": "approved",
    "rejected": "rejected",
    "needs_review": "sent back for review",
}

UNIT_SQL = """
    SELECT u.*, s.article_id, s.seq, s.text AS source, s.words, s.obsolete,
           l.user AS lease_user, l.expires_at AS lease_expires
    FROM units u JOIN segments s ON s.id = u.segment_id
    LEFT JOIN leases l ON l.unit_id = u.id
    WHERE u.id = ?
"""


def moment(now: datetime | None = None) -> datetime:
    """``now`` (tests), else the clock's time."""
    return now or clock_now()


def when(at: str | None) -> str:
    """A stored timestamp in a short human form: ``2026-11-25 18:30 UTC``."""
    if not at:
        return ""
    return f"{at[:10]} {at[11:16]} UTC"


def get_unit(db: sqlite_utils.Database, unit_id: int) -> dict[str, Any]:
    """One unit with its segment (source, article, seq) and lease, or NotFoundError."""
    try:
        cursor = db.execute(UNIT_SQL, [unit_id])
    except OverflowError:
        raise NotFoundError(f"no unit {unit_id}") from None
    row = cursor.fetchone()
    if row is None:
        raise NotFoundError(f"no unit {unit_id}")
    return dict(zip([c[0] for c in cursor.description], row))


def check_transition(unit: dict[str, Any], new_status: str, action: str | None = None) -> None:
    """Refuse a status change the action (or, without one, the people's workflow) may not make."""
    old = unit["status"]
    allowed = RULES[action].get(old, frozenset()) if action else TRANSITIONS.get(old, frozenset())
    if new_status in allowed:
        return
    people = TRANSITIONS.get(old, frozenset())
    can = " or ".join(_VERBS[s] for s in sorted(people)) or "changed"
    raise ConflictError(
        f"unit {unit['id']} is {old}: it cannot be {_VERBS.get(new_status, new_status)} "
        f"({with_article(old)} unit can only be {can})"
    )


def require_head(unit: dict[str, Any], verb: str) -> None:
    """Refuse to work on a unit joined into another unit's bead, or an obsolete one."""
    if unit["joined_to"]:
        raise ConflictError(
            f"unit {unit['id']} is part of unit {unit['joined_to']}'s alignment bead: "
            f"{verb} unit {unit['joined_to']} instead"
        )
    if unit["obsolete"]:
        raise ConflictError(f"unit {unit['id']} belongs to a removed (obsolete) source segment")


def require_lease(unit: dict[str, Any], user: str, at: str) -> None:
    """Refuse unless ``user`` holds a live lease on the unit."""
    holder, expires = unit["lease_user"], unit["lease_expires"]
    uid = unit["id"]
    if holder == user and expires > at:
        return
    if holder == user:
        raise PermissionDenied(
            f"your lease on unit {uid} expired at {when(expires)}: "
            f"check it out again (`checkout --units {uid}`)"
        )
    if holder and expires > at:
        raise PermissionDenied(
            f"unit {uid} is checked out by {holder} until {when(expires)}; "
            "only the lease holder may change it"
        )
    raise PermissionDenied(
        f"unit {uid} is not checked out by you: check it out first (`checkout --units {uid}`)"
    )


def refuse_leased_by_others(unit: dict[str, Any], user: str, at: str, hint: str) -> None:
    """Refuse to change a unit someone else holds on a live lease."""
    if unit["lease_user"] and unit["lease_user"] != user and unit["lease_expires"] > at:
        raise ConflictError(
            f"unit {unit['id']} is checked out by {unit['lease_user']} until "
            f"{when(unit['lease_expires'])}; {hint}"
        )


def _require_transaction(db: sqlite_utils.Database) -> None:
    if not db.conn.in_transaction:
        raise RuntimeError("units are written inside a write transaction (BEGIN IMMEDIATE)")


def _refuse_stale(db: sqlite_utils.Database, unit: dict[str, Any]) -> None:
    """The row a caller decided on must still be the stored one."""
    row = db.execute(
        "SELECT status, text, joined_to FROM units WHERE id = ?", [unit["id"]]
    ).fetchone()
    if row is None:
        raise NotFoundError(f"no unit {unit['id']}")
    if tuple(row) != (unit["status"], unit["text"], unit.get("joined_to")):
        raise ConflictError(f"unit {unit['id']} changed meanwhile (it is {row[0]} now): try again")


def create_units(
    db: sqlite_utils.Database,
    segment_ids: Sequence[int],
    lang: str,
    *,
    at: str,
    user: str,
) -> list[int]:
    """Create ``new`` empty units in ``lang`` for segments lacking one, with ``create`` events."""
    _require_transaction(db)
    ids: list[int] = []
    for segment_id in segment_ids:
        row = db.execute(
            "INSERT INTO units (segment_id, lang, text, status, origin, updated_at) "
            "SELECT ?, ?, '', 'new', 'human', ? WHERE NOT EXISTS "
            "(SELECT 1 FROM units WHERE segment_id = ? AND lang = ?) RETURNING id",
            [segment_id, lang, at, segment_id, lang],
        ).fetchone()
        if row:
            ids.append(row[0])
    history.append(db, at, (NewEvent(i, user, "create", None, "new", None, "") for i in ids))
    return ids


def create_missing_units(
    db: sqlite_utils.Database, article_id: str, lang: str, *, at: str, user: str
) -> list[int]:
    """Create ``new`` units (with ``create`` events) for the article's live segments lacking one."""
    _require_transaction(db)
    ids = [
        row[0]
        for row in db.execute(
            "INSERT INTO units (segment_id, lang, text, status, origin, updated_at) "
            "SELECT s.id, ?, '', 'new', 'human', ? FROM segments s "
            "WHERE s.article_id = ? AND s.obsolete = 0 AND NOT EXISTS "
            "(SELECT 1 FROM units u WHERE u.segment_id = s.id AND u.lang = ?) "
            "ORDER BY s.seq RETURNING id",
            [lang, at, article_id, lang],
        ).fetchall()
    ]
    history.append(db, at, (NewEvent(i, user, "create", None, "new", None, "") for i in ids))
    return ids


def change_unit(
    db: sqlite_utils.Database,
    unit: dict[str, Any],
    changes: dict[str, Any],
    *,
    at: str,
    user: str,
    action: str,
    comment: str = "",
    detail: dict[str, Any] | None = None,
    carry_bead: bool = True,
) -> str:
    """Change one unit (a row read in this transaction) and append its event; returns the time.

    A status change must be one ``action`` may make (see RULES); a bead head's new status,
    reviewer and translator carry its members along, each with its own event (unless
    ``carry_bead`` is False: the caller rebuilds the bead itself).
    """
    _require_transaction(db)
    _refuse_stale(db, unit)
    new_status = changes.get("status", unit["status"])
    if new_status != unit["status"]:
        check_transition(unit, new_status, action)
    event = NewEvent(
        unit["id"],
        user,
        action,
        unit["status"],
        new_status,
        unit["text"],
        changes.get("text", unit["text"]),
        comment,
        detail,
    )
    at = history.append(db, at, [event])
    fields = {**changes, "updated_at": at}
    db.execute(
        f"UPDATE units SET {', '.join(f'{k} = ?' for k in fields)} WHERE id = ?",
        [*fields.values(), unit["id"]],
    )
    if carry_bead and new_status != unit["status"] and not unit.get("joined_to"):
        follow = {k: v for k, v in changes.items() if k in ("status", "reviewer", "translator")}
        members = bead_members(db, unit)
        history.append(
            db,
            at,
            (
                NewEvent(m["id"], user, action, m["status"], new_status, m["text"], m["text"],
                         comment, {"bead_head": unit["id"]})
                for m in members
            ),
        )  # fmt: skip
        for member in members:
            db.execute(
                f"UPDATE units SET {', '.join(f'{k} = ?' for k in follow)}, updated_at = ? "
                "WHERE id = ?",
                [*follow.values(), at, member["id"]],
            )
    return at


def note(
    db: sqlite_utils.Database,
    unit: dict[str, Any],
    *,
    at: str,
    user: str,
    action: str,
    comment: str = "",
    detail: dict[str, Any] | None = None,
) -> str:
    """Record something that happened to a unit without changing it (a release, a source
    edit of a unit with no work, text kept after a lost lease); returns the time."""
    _require_transaction(db)
    event = NewEvent(
        unit["id"], user, action, unit["status"], unit["status"], unit["text"], unit["text"],
        comment, detail,
    )  # fmt: skip
    return history.append(db, at, [event])


def bead_members(db: sqlite_utils.Database, head: dict[str, Any]) -> list[dict[str, Any]]:
    """The units joined into ``head``'s bead, in segment order."""
    cursor = db.execute(
        "SELECT u.id, u.status, u.text, u.joined_to FROM units u "
        "JOIN segments s ON s.id = u.segment_id WHERE u.joined_to = ? ORDER BY s.seq",
        [head["id"]],
    )
    return [{"id": r[0], "status": r[1], "text": r[2], "joined_to": r[3]} for r in cursor]


def release_leases(
    db: sqlite_utils.Database,
    units: Sequence[dict[str, Any]],
    *,
    at: str,
    user: str,
    reason: str,
) -> None:
    """End the leases on ``units`` (rows with ``lease_user``), each with a ``release`` event.

    ``reason``: released (by the holder or an admin), expired (taken by someone else).
    """
    _require_transaction(db)
    events = [
        NewEvent(u["id"], user, "release", u["status"], u["status"], u["text"], u["text"], "",
                 {"holder": u["lease_user"], "reason": reason})
        for u in units
        if u.get("lease_user")
    ]  # fmt: skip
    history.append(db, at, events)
    db.conn.executemany("DELETE FROM leases WHERE unit_id = ?", [(u["id"],) for u in units])


__all__ = [
    "OPEN_STATUSES",
    "RULES",
    "STATUSES",
    "TRANSITIONS",
    "WORK_STATUSES",
    "bead_members",
    "change_unit",
    "check_transition",
    "create_missing_units",
    "create_units",
    "get_unit",
    "moment",
    "note",
    "release_leases",
    "require_head",
    "require_lease",
    "stamp",
    "when",
]
