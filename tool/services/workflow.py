"""The translators' side of the workflow: the status rules, drafts and submissions.

Every unit moves through one state machine (:data:`TRANSITIONS`); anything else is
refused with ConflictError. Every change to a unit writes an event in the same
transaction. Check-outs live in :mod:`tool.services.leases`, the editors' side in
:mod:`tool.services.review`, reports in :mod:`tool.services.progress`.

Units of one alignment bead share a status: the bead's text lives on its head unit and
the others point to it with ``joined_to``. Only head units are worked on; when a head
changes status its members follow, each with its own event.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from tool.clock import now as clock_now
from tool.clock import stamp
from tool.core.normalize import normalise_text, refuse_controls
from tool.db.connection import transaction
from tool.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from tool.services.users import TRANSLATING_ROLES, require_user

STATUSES = ("new", "translated", "approved", "rejected", "needs_review")

#: The allowed status changes; everything else is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"translated"}),  # a translator submits
    "needs_review": frozenset({"translated", "approved", "rejected"}),  # re-done, or confirmed
    "rejected": frozenset({"translated"}),  # the translator re-submits
    "translated": frozenset({"approved", "rejected"}),  # an editor decides
    "approved": frozenset({"needs_review"}),  # its source changed (the importer does this)
}

#: Statuses a translator can check out, draft and submit.
OPEN_STATUSES = ("new", "rejected", "needs_review")

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


def check_transition(unit: dict[str, Any], new_status: str) -> None:
    """Refuse a status change the state machine does not allow."""
    old = unit["status"]
    if new_status in TRANSITIONS.get(old, frozenset()):
        return
    allowed = sorted(TRANSITIONS.get(old, frozenset()))
    can = " or ".join(_VERBS[s] for s in allowed) or "changed"
    raise ConflictError(
        f"unit {unit['id']} is {old}: it cannot be {_VERBS.get(new_status, new_status)} "
        f"(a {old} unit can only be {can})"
    )


def moment(now: datetime | None = None) -> datetime:
    """``now`` or the clock's time (which $DESK_NOW can fix)."""
    return now or clock_now()


def when(at: str | None) -> str:
    """A stored timestamp in a short human form: ``2026-11-25 18:30 UTC``."""
    if not at:
        return ""
    return f"{at[:10]} {at[11:16]} UTC"


def get_unit(db: sqlite_utils.Database, unit_id: int) -> dict[str, Any]:
    """One unit with its segment (source, article, seq) and lease, or NotFoundError."""
    cursor = db.execute(UNIT_SQL, [unit_id])
    row = cursor.fetchone()
    if row is None:
        raise NotFoundError(f"no unit {unit_id}")
    return dict(zip([c[0] for c in cursor.description], row))


def require_head(unit: dict[str, Any], verb: str) -> None:
    """Refuse to work on a unit joined into another unit's bead."""
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


def clean_text(text: str, *, what: str = "a translation") -> str:
    """Normalise a translation; refuse an empty one or one holding control characters."""
    cleaned = normalise_text(refuse_controls(text or "", what))
    if not cleaned:
        raise InputError(f"{what} cannot be empty")
    return cleaned


def write_event(
    db: sqlite_utils.Database,
    unit: dict[str, Any],
    *,
    at: str,
    user: str,
    action: str,
    new_status: str | None = None,
    new_text: str | None = None,
    comment: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one event for ``unit`` (its row as it was before the change)."""
    db.execute(
        "INSERT INTO events (unit_id, at, user, action, old_status, new_status, old_text, "
        "new_text, comment, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            unit["id"],
            at,
            user,
            action,
            unit["status"],
            new_status if new_status is not None else unit["status"],
            unit["text"],
            new_text if new_text is not None else unit["text"],
            comment,
            json.dumps(detail, ensure_ascii=False) if detail else None,
        ],
    )


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
) -> None:
    """Update a unit's columns and write its event; a status change carries the bead along."""
    fields = {**changes, "updated_at": at}
    db.execute(
        f"UPDATE units SET {', '.join(f'{k} = ?' for k in fields)} WHERE id = ?",
        [*fields.values(), unit["id"]],
    )
    write_event(
        db,
        unit,
        at=at,
        user=user,
        action=action,
        new_status=changes.get("status"),
        new_text=changes.get("text"),
        comment=comment,
        detail=detail,
    )
    if "status" in changes and changes["status"] != unit["status"]:
        follow = {k: v for k, v in changes.items() if k in ("status", "reviewer", "translator")}
        for member in bead_members(db, unit):
            db.execute(
                f"UPDATE units SET {', '.join(f'{k} = ?' for k in follow)}, updated_at = ? "
                "WHERE id = ?",
                [*follow.values(), at, member["id"]],
            )
            write_event(
                db,
                member,
                at=at,
                user=user,
                action=action,
                new_status=changes["status"],
                comment=comment,
                detail={"bead_head": unit["id"]},
            )


def bead_members(db: sqlite_utils.Database, head: dict[str, Any]) -> list[dict[str, Any]]:
    """The units joined into ``head``'s bead (searched within its article: no index needed)."""
    cursor = db.execute(
        "SELECT u.id, u.status, u.text FROM segments s "
        "JOIN units u ON u.segment_id = s.id AND u.lang = ? "
        "WHERE s.article_id = ? AND u.joined_to = ? ORDER BY s.seq",
        [head["lang"], head["article_id"], head["id"]],
    )
    return [{"id": r[0], "status": r[1], "text": r[2]} for r in cursor]


@dataclass(frozen=True)
class SaveResult:
    unit_id: int
    action: str  # "draft" or "submit"
    status: str
    text: str
    changed: bool  # False when a draft equal to the stored text was saved


def save_draft(
    db: sqlite_utils.Database,
    unit_id: int,
    text: str,
    user: str,
    *,
    now: datetime | None = None,
) -> SaveResult:
    """Store a draft translation on a unit the user holds; its status does not change.

    The draft is the unit's text (so any tool that reads the unit sees the latest work)
    and the event ``draft`` keeps the text it replaced. Saving the same text twice writes
    nothing.
    """
    text = clean_text(text)
    with transaction(db):
        at = stamp(moment(now))  # taken once we hold the write lock
        unit = get_unit(db, unit_id)
        require_user(db, user, roles=TRANSLATING_ROLES, lang=unit["lang"])
        require_head(unit, "translate")
        check_transition(unit, "translated")
        require_lease(unit, user, at)
        if text == unit["text"]:
            return SaveResult(unit_id, "draft", unit["status"], text, False)
        change_unit(db, unit, {"text": text}, at=at, user=user, action="draft")
    return SaveResult(unit_id, "draft", unit["status"], text, True)


def submit(
    db: sqlite_utils.Database,
    unit_id: int,
    user: str,
    text: str | None = None,
    *,
    now: datetime | None = None,
) -> SaveResult:
    """Submit a translation (``text``, or the saved draft when None): status ``translated``.

    Only the lease holder may submit; the submitter becomes the unit's translator, the
    reviewer's comment is cleared from the unit (the history keeps it) and the lease is
    released.
    """
    with transaction(db):
        at = stamp(moment(now))  # taken once we hold the write lock
        unit = get_unit(db, unit_id)
        require_user(db, user, roles=TRANSLATING_ROLES, lang=unit["lang"])
        require_head(unit, "submit")
        check_transition(unit, "translated")
        require_lease(unit, user, at)
        text = clean_text(unit["text"] if text is None else text)
        record_submission(db, unit, text, user, at=at, action="submit")
    return SaveResult(unit_id, "submit", "translated", text, True)


def record_submission(
    db: sqlite_utils.Database,
    unit: dict[str, Any],
    text: str,
    user: str,
    *,
    at: str,
    action: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """Write a checked submission: status translated, the submitter as translator, the
    reviewer's comment cleared (history keeps it), the lease released."""
    changes: dict[str, Any] = {
        "status": "translated",
        "text": text,
        "translator": user,
        "comment": "",
    }
    if text != unit["text"]:
        changes["origin"] = "human"
    change_unit(db, unit, changes, at=at, user=user, action=action, detail=detail)
    db.execute("DELETE FROM leases WHERE unit_id = ?", [unit["id"]])


@dataclass(frozen=True)
class StrayDraft:
    unit_id: int
    holder: str | None  # who holds the unit now (None: nobody)
    text: str


def keep_stray_draft(
    db: sqlite_utils.Database,
    unit_id: int,
    user: str,
    text: str,
    *,
    now: datetime | None = None,
) -> StrayDraft:
    """Keep text typed by someone who lost the unit's lease (expired, released, taken).

    The unit does not change: a ``stray-draft`` event records the text in its ``detail``,
    so whoever holds the unit sees it (:func:`stray_drafts`) and nothing typed is lost.
    Returns who holds the unit now.
    """
    text = clean_text(text)
    with transaction(db):
        at = stamp(moment(now))
        unit = get_unit(db, unit_id)
        require_user(db, user, roles=TRANSLATING_ROLES, lang=unit["lang"])
        holder = unit["lease_user"] if (unit["lease_expires"] or "") > at else None
        write_event(
            db,
            unit,
            at=at,
            user=user,
            action="stray-draft",
            detail={"draft": text, "holder": holder},
        )
    return StrayDraft(unit_id, holder, text)


def stray_drafts(db: sqlite_utils.Database, unit_id: int) -> list[dict[str, Any]]:
    """Texts others typed for a unit after its last change (see :func:`keep_stray_draft`)."""
    rows = db.execute(
        "SELECT user, at, detail FROM events WHERE unit_id = ? AND action = 'stray-draft' "
        "AND id > COALESCE((SELECT MAX(id) FROM events WHERE unit_id = ? "
        "AND action != 'stray-draft'), 0) ORDER BY id",
        [unit_id, unit_id],
    ).fetchall()
    return [{"user": u, "at": at, "text": json.loads(d)["draft"]} for u, at, d in rows]


def unit_context(db: sqlite_utils.Database, unit_id: int) -> dict[str, Any]:
    """A unit with what a translator needs around it.

    Adds the article's title and language, the segment's position among the live segments
    (``position`` 1-based, ``total``), and the previous and next source sentences.
    """
    unit = get_unit(db, unit_id)
    article_id, seq = unit["article_id"], unit["seq"]
    article = db.execute("SELECT title, lang FROM articles WHERE id = ?", [article_id]).fetchone()
    before = db.execute(
        "SELECT text FROM segments WHERE article_id = ? AND obsolete = 0 AND seq < ? "
        "ORDER BY seq DESC LIMIT 1",
        [article_id, seq],
    ).fetchone()
    after = db.execute(
        "SELECT text FROM segments WHERE article_id = ? AND obsolete = 0 AND seq > ? "
        "ORDER BY seq LIMIT 1",
        [article_id, seq],
    ).fetchone()
    position, total = db.execute(
        "SELECT SUM(seq <= ?), COUNT(*) FROM segments WHERE article_id = ? AND obsolete = 0",
        [seq, article_id],
    ).fetchone()
    return {
        **unit,
        "title": article[0] if article else "",
        "source_lang": article[1] if article else "",
        "previous": before[0] if before else "",
        "next": after[0] if after else "",
        "position": position or 0,
        "total": total,
        "stray_drafts": stray_drafts(db, unit_id),
    }
