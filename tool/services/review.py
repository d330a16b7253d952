"""The editors' side of the workflow: the review queue, approving and rejecting.

Only editors (and admins) review, only in their languages, and never their own
translation. An editor may correct the text while approving; the event keeps both
texts. A rejection needs a comment and sends the unit back to its translator (see
:mod:`tool.services.leases` for who may check it out again).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlite_utils

from tool.clock import stamp
from tool.core.locale import validate_lang
from tool.core.normalize import normalise_text
from tool.db.connection import transaction
from tool.errors import ConflictError, InputError, NotFoundError, PermissionDenied, QAError
from tool.services.units import (
    change_unit,
    check_transition,
    get_unit,
    moment,
    release_leases,
    require_head,
    when,
)
from tool.services.users import REVIEWING_ROLES, require_user
from tool.services.workflow import clean_text


@dataclass
class ApproveResult:
    approved: list[int] = field(default_factory=list)
    edited: list[int] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)  # {"unit": id, "reason": ...}


def review_queue(
    db: sqlite_utils.Database,
    user: str,
    lang: str,
    article: str | None = None,
    *,
    needs_review: bool = False,
    with_qa: bool = False,
) -> list[dict[str, Any]]:
    """Submitted (``translated``) units waiting for an editor, in article order.

    With ``needs_review``, units flagged by the aligner or by a source change are listed
    too; ``alignment_note`` says why the aligner flagged a unit (a weak pairing, target-only
    text beside it), or is empty. With ``with_qa``, each row's ``qa`` lists the quality
    checks' findings on it (as dicts), as the review command and page show them.
    """
    lang = validate_lang(lang)
    require_user(db, user, roles=REVIEWING_ROLES, lang=lang)
    statuses = ("translated", "needs_review") if needs_review else ("translated",)
    where = f"u.lang = ? AND u.status IN ({', '.join('?' * len(statuses))}) "
    where += "AND u.joined_to IS NULL AND s.obsolete = 0"
    params: list[Any] = [lang, *statuses]
    if article:
        if db.execute("SELECT 1 FROM articles WHERE id = ?", [article]).fetchone() is None:
            raise NotFoundError(f"no article {article!r}")
        where += " AND s.article_id = ?"
        params.append(article)
    rows = list(
        db.query(
            "SELECT u.id, s.article_id AS article, s.seq, u.status, s.text AS source, "
            "u.text, u.translator, u.origin, u.confidence, u.updated_at, "
            "(SELECT json_extract(e.detail, '$.override') FROM events e WHERE e.unit_id = u.id "
            "AND e.new_status = u.status ORDER BY e.id DESC LIMIT 1) AS override "
            f"FROM units u JOIN segments s ON s.id = u.segment_id WHERE {where} "
            "ORDER BY s.article_id, s.seq",
            params,
        )
    )
    from tool.services.translations import alignment_notes  # the aligner: only when needed

    notes = alignment_notes(db, (r["id"] for r in rows if r["status"] == "needs_review"))
    for row in rows:
        row["alignment_note"] = notes.get(row["id"], "")
        if with_qa:
            from tool.services import qa  # the checks: only when they are asked for

            row["qa"] = [f.as_dict() for f in qa.check_unit(db, row["id"])]
    return rows


def _refuse_leased(unit: dict[str, Any], at: str) -> None:
    if unit["lease_user"] and unit["lease_expires"] > at:
        raise ConflictError(
            f"unit {unit['id']} is checked out by {unit['lease_user']} until "
            f"{when(unit['lease_expires'])}; wait for the submission or ask them to release it"
        )


def _approve_one(
    db: sqlite_utils.Database,
    unit: dict[str, Any],
    user: str,
    at: str,
    text: str | None,
    comment: str,
    override: str | None = None,
) -> bool:
    """Approve one loaded unit; returns True if the editor changed its text."""
    require_user(db, user, roles=REVIEWING_ROLES, lang=unit["lang"])
    require_head(unit, "approve")
    check_transition(unit, "approved", "approve")
    if unit["translator"] == user:
        raise PermissionDenied(
            f"unit {unit['id']} is your own translation: another editor must approve it"
        )
    _refuse_leased(unit, at)
    changes: dict[str, Any] = {"status": "approved", "reviewer": user}
    edited = text is not None and text != unit["text"]
    if text is not None:
        changes["text"] = text
    elif not unit["text"]:
        raise ConflictError(f"unit {unit['id']} has no text to approve")
    from tool.services import qa  # imported when approving, not to list the queue
    from tool.services.memory import add_approved

    _findings, overridden = qa.gate(db, unit["id"], changes.get("text", unit["text"]),
                                    override, "approve")  # fmt: skip
    detail = {**({"edited": True} if edited else {}), **(overridden or {})}
    change_unit(
        db,
        unit,
        changes,
        at=at,
        user=user,
        action="approve",
        comment=comment,
        detail=detail or None,
    )
    if unit["lease_user"]:  # an expired lease (a live one was refused above)
        release_leases(db, [unit], at=at, user=user, reason="expired")
    add_approved(db, unit["id"])  # approved pairs feed the translation memory
    return edited


def approve(
    db: sqlite_utils.Database,
    unit_ids: Iterable[int],
    user: str,
    *,
    text: str | None = None,
    comment: str = "",
    override: str | None = None,
    now: datetime | None = None,
) -> ApproveResult:
    """Approve units (all or nothing); ``text`` corrects the translation (one unit only).

    A unit with error-severity QA findings is refused unless ``override`` gives a reason.
    """
    ids = list(dict.fromkeys(unit_ids))
    if not ids:
        raise InputError("say which units to approve")
    if text is not None:
        if len(ids) > 1:
            raise InputError("--text corrects one unit: approve one unit at a time with it")
        text = clean_text(text)
    comment = normalise_text(comment or "")
    result = ApproveResult()
    _load_checks()  # before the write lock: importing them takes a while the first time
    with transaction(db):
        at = stamp(moment(now))
        for unit_id in ids:
            if _approve_one(db, get_unit(db, unit_id), user, at, text, comment, override):
                result.edited.append(unit_id)
            result.approved.append(unit_id)
    return result


def _load_checks() -> None:
    """Import QA and the memory (used when approving) outside any write transaction."""
    from tool.services import memory, qa  # noqa: F401


#: Units approved per transaction by :func:`approve_article`: short enough that a
#: colleague's check-out or submission never waits long for the write lock.
APPROVE_BATCH = 100


def approve_article(
    db: sqlite_utils.Database,
    article: str,
    lang: str,
    user: str,
    *,
    now: datetime | None = None,
    batch: int = APPROVE_BATCH,
) -> ApproveResult:
    """Approve every submitted (``translated``) unit of an article in one language.

    Units the editor translated themselves and units with QA errors are skipped and
    reported, not refused. The work is done in short transactions of ``batch`` units,
    in article order, so nobody else waits long: each batch is all or nothing and
    checked as the rows are then; if one fails, the batches before it stay approved and
    running the command again approves what is left.
    """
    lang = validate_lang(lang)
    require_user(db, user, roles=REVIEWING_ROLES, lang=lang)
    if db.execute("SELECT 1 FROM articles WHERE id = ?", [article]).fetchone() is None:
        raise NotFoundError(f"no article {article!r}")
    result = ApproveResult()
    _load_checks()  # before the write lock: importing them takes a while the first time
    after_seq = -1
    while True:
        with transaction(db):
            at = stamp(moment(now))
            require_user(db, user, roles=REVIEWING_ROLES, lang=lang)
            rows = db.execute(
                "SELECT u.id, s.seq FROM units u JOIN segments s ON s.id = u.segment_id "
                "WHERE s.article_id = ? AND u.lang = ? AND u.status = 'translated' "
                "AND u.joined_to IS NULL AND s.obsolete = 0 AND s.seq > ? "
                "ORDER BY s.seq LIMIT ?",
                [article, lang, after_seq, batch],
            ).fetchall()
            for unit_id, _seq in rows:
                unit = get_unit(db, unit_id)
                if unit["translator"] == user:
                    result.skipped.append({"unit": unit_id, "reason": "your own translation"})
                    continue
                try:
                    _approve_one(db, unit, user, at, None, "")
                except QAError as error:
                    reason = str(error).split(": fix the translation")[0]
                    result.skipped.append({"unit": unit_id, "reason": reason})
                    continue
                result.approved.append(unit_id)
        if len(rows) < batch:
            return result
        after_seq = rows[-1][1]


def reject(
    db: sqlite_utils.Database,
    unit_id: int,
    user: str,
    comment: str,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Reject a unit with a comment; it goes back to its translator. Returns the unit."""
    comment = normalise_text(comment or "")
    if not comment:
        raise InputError("a rejection needs a comment saying what to fix (--comment)")
    with transaction(db):
        at = stamp(moment(now))  # taken once we hold the write lock
        unit = get_unit(db, unit_id)
        require_user(db, user, roles=REVIEWING_ROLES, lang=unit["lang"])
        require_head(unit, "reject")
        check_transition(unit, "rejected", "reject")
        _refuse_leased(unit, at)
        change_unit(
            db,
            unit,
            {"status": "rejected", "reviewer": user, "comment": comment},
            at=at,
            user=user,
            action="reject",
            comment=comment,
        )
        if unit["lease_user"]:  # an expired lease (a live one was refused above)
            release_leases(db, [unit], at=at, user=user, reason="expired")
        return get_unit(db, unit_id)


def reopen(
    db: sqlite_utils.Database,
    unit_ids: Iterable[int],
    user: str,
    comment: str,
    *,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Send approved units back to review (editors), with a comment; all or nothing.

    The units become ``needs_review``, keep their text and translator, and leave the
    translation memory until they are approved again; the history keeps the approval.
    """
    ids = list(dict.fromkeys(unit_ids))
    if not ids:
        raise InputError("say which units to reopen")
    comment = normalise_text(comment or "")
    if not comment:
        raise InputError("reopening needs a comment saying what to look at (--comment)")
    with transaction(db):
        at = stamp(moment(now))
        units = []
        for unit_id in ids:
            unit = get_unit(db, unit_id)
            require_user(db, user, roles=REVIEWING_ROLES, lang=unit["lang"])
            require_head(unit, "reopen")
            if unit["status"] != "approved":
                raise ConflictError(
                    f"unit {unit_id} is {unit['status']}: only an approved unit can be reopened"
                )
            change_unit(
                db,
                unit,
                {"status": "needs_review", "reviewer": user, "comment": comment},
                at=at,
                user=user,
                action="reopen",
                comment=comment,
            )
            from tool.services.memory import withdraw_unit

            withdraw_unit(db, unit_id)
            units.append(get_unit(db, unit_id))
    return units
