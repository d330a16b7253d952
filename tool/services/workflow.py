"""The translators' side of the workflow: drafts and submissions.

Every check (role, language, lease, status) runs inside the write transaction, and every
write goes through the gate (:mod:`tool.services.units`), which holds the status rules
and writes the history. Check-outs live in :mod:`tool.services.leases`, the editors' side
in :mod:`tool.services.review`, reports in :mod:`tool.services.progress`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlite_utils

from tool.clock import stamp
from tool.core.normalize import normalise_text, refuse_controls
from tool.db.connection import transaction
from tool.errors import InputError, QAError
from tool.services.units import (
    OPEN_STATUSES,
    STATUSES,
    TRANSITIONS,
    change_unit,
    check_transition,
    get_unit,
    moment,
    note,
    require_head,
    require_lease,
    when,
)
from tool.services.users import TRANSLATING_ROLES, require_user

__all__ = [
    "OPEN_STATUSES",
    "STATUSES",
    "TRANSITIONS",
    "SaveResult",
    "StrayDraft",
    "check_transition",
    "clean_text",
    "get_unit",
    "keep_stray_draft",
    "moment",
    "record_submission",
    "save_draft",
    "stray_drafts",
    "submit",
    "unit_context",
    "when",
]


def clean_text(text: str, *, what: str = "a translation") -> str:
    """Normalise a translation; refuse an empty one or one holding control characters."""
    cleaned = normalise_text(refuse_controls(text or "", what))
    if not cleaned:
        raise InputError(f"{what} cannot be empty")
    return cleaned


@dataclass(frozen=True)
class SaveResult:
    unit_id: int
    action: str  # "draft" or "submit"
    status: str
    text: str
    changed: bool  # False when a draft equal to the stored text was saved
    findings: list[dict[str, str]] = field(default_factory=list)  # QA, for the translator


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
        check_transition(unit, "translated", "submit")
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
    override: str | None = None,
    now: datetime | None = None,
) -> SaveResult:
    """Submit a translation (``text``, or the saved draft when None): status ``translated``.

    Only the lease holder may submit; the submitter becomes the unit's translator, the
    reviewer's comment is cleared from the unit (the history keeps it) and the lease is
    released. The quality checks run first: error findings refuse the submission unless
    ``override`` gives a reason, which the history keeps (see :func:`tool.services.qa.gate`);
    a refused text is kept as the unit's draft, so nothing typed is lost.
    """
    from tool.services import qa  # the checks: imported before the write lock is taken

    with transaction(db):
        at = stamp(moment(now))  # taken once we hold the write lock
        unit = get_unit(db, unit_id)
        require_user(db, user, roles=TRANSLATING_ROLES, lang=unit["lang"])
        require_head(unit, "submit")
        check_transition(unit, "translated", "submit")
        require_lease(unit, user, at)
        text = clean_text(unit["text"] if text is None else text)
        refused: QAError | None = None
        try:
            findings, overridden = qa.gate(db, unit_id, text, override, "submit")
        except QAError as error:  # not submitted; what was typed is kept as the draft
            if text != unit["text"]:
                change_unit(db, unit, {"text": text}, at=at, user=user, action="draft",
                            detail={"qa_refused": True})  # fmt: skip
            refused = error
        else:
            record_submission(db, unit, text, user, at=at, action="submit", detail=overridden)
    if refused is not None:
        raise QAError(f"{refused} (your text is saved as a draft)")
    return SaveResult(unit_id, "submit", "translated", text, True, [f.as_dict() for f in findings])


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
        note(
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
        "AND (old_text IS NOT new_text OR old_status IS NOT new_status)), 0) ORDER BY id",
        [unit_id, unit_id],
    ).fetchall()
    return [{"user": u, "at": at, "text": json.loads(d)["draft"]} for u, at, d in rows]


def unit_context(db: sqlite_utils.Database, unit_id: int) -> dict[str, Any]:
    """A unit with what a translator needs around it.

    Adds the article's title and language, the segment's position among the live segments
    (``position`` 1-based, ``total``), the previous and next source sentences, whether its
    lease (``lease_user``) is live now (``lease_live``), and texts others kept for it.
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
        "lease_live": bool(unit["lease_user"]) and (unit["lease_expires"] or "") > stamp(),
        "stray_drafts": stray_drafts(db, unit_id),
    }
