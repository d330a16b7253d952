"""Editors' corrections of an alignment: merge, split, move a sentence between units.

Units of one bead share a status; the bead's text lives on its head unit (the first
source segment) and the other units point to it with ``joined_to``. Every unit a
correction touches gets a ``realign`` event in the same transaction, written through the
gate (:mod:`tool.services.units`). Target-only lines (text of the translation that pairs
with no segment) are not units: ``merge-next`` joins the one right after a unit to it,
``move-last-to-target-only`` makes a unit's last sentence one; the unit's event names
the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlite_utils

from tool.clock import stamp
from tool.core.align import align
from tool.core.segment import segment_sentences
from tool.db.connection import transaction
from tool.errors import ConflictError, InputError, NotFoundError
from tool.services.units import change_unit
from tool.services.users import REVIEWING_ROLES, require_user

OPERATIONS = (
    "merge-next",
    "split",
    "move-last-to-next",
    "move-first-to-previous",
    "move-last-to-target-only",
)


@dataclass(frozen=True)
class RealignResult:
    operation: str
    changed: list[int]  # ids of the units that changed
    target_only: str = ""  # the target-only line joined to the unit, or made of its sentence


def realign(db: sqlite_utils.Database, unit_id: int, operation: str, user: str) -> RealignResult:
    """Apply one correction to the bead of ``unit_id``; see OPERATIONS."""
    if operation not in OPERATIONS:
        raise InputError(f"unknown realign operation {operation!r}")
    with transaction(db):
        unit = _unit(db, unit_id)
        require_user(db, user, roles=REVIEWING_ROLES, lang=unit["lang"])
        head = _unit(db, unit["joined_to"]) if unit["joined_to"] else unit
        changes: dict[int, dict[str, Any]] = {}
        line = _target_only_after(db, head)
        if operation == "merge-next" and line is not None:
            _refuse_approved(head)
            changes[head["id"]] = {"text": _join(head["text"], line["text"])}
            _refuse_leased(db, changes, user)
            db.execute("DELETE FROM target_only WHERE id = ?", [line["id"]])
            _apply(db, changes, operation, user, {"target_only": line["text"]})
            return RealignResult(operation, [head["id"]], line["text"])
        if operation == "move-last-to-target-only":
            _refuse_approved(head)
            sentences = segment_sentences(head["text"], head["lang"]) if head["text"] else []
            if not sentences:
                raise ConflictError(f"unit {head['id']} has no translated sentence to move")
            changes[head["id"]] = {"text": " ".join(sentences[:-1])}
            _refuse_leased(db, changes, user)
            _insert_target_only(db, head, sentences[-1])
            _apply(db, changes, operation, user, {"target_only": sentences[-1]})
            return RealignResult(operation, [head["id"]], sentences[-1])
        if operation == "merge-next":
            following = _neighbour_head(db, head, +1)
            _refuse_approved(head, following)
            members = _members(db, following["id"])
            changes[head["id"]] = {"text": _join(head["text"], following["text"])}
            for member in [following, *members]:
                changes[member["id"]] = {"text": "", "joined_to": head["id"]}
        elif operation == "split":
            members = _members(db, head["id"])
            if not members:
                raise ConflictError(
                    f"unit {head['id']} pairs with one segment only; nothing to split"
                )
            _refuse_approved(head, *members)
            changes.update(_split(db, head, members))
            if all(changes[m["id"]].get("joined_to") == head["id"] for m in members):
                raise ConflictError(
                    f"the translation of unit {head['id']} is one sentence for its "
                    f"{len(members) + 1} segments; nothing to split (edit it instead)"
                )
        else:
            step = +1 if operation == "move-last-to-next" else -1
            neighbour = _neighbour_head(db, head, step)
            _refuse_approved(head, neighbour)
            sentences = segment_sentences(head["text"], head["lang"]) if head["text"] else []
            if not sentences:
                raise ConflictError(f"unit {head['id']} has no translated sentence to move")
            if step > 0:
                moved, kept = sentences[-1], sentences[:-1]
                neighbour_text = _join(moved, neighbour["text"])
            else:
                moved, kept = sentences[0], sentences[1:]
                neighbour_text = _join(neighbour["text"], moved)
            changes[head["id"]] = {"text": " ".join(kept)}
            changes[neighbour["id"]] = {"text": neighbour_text}
        _refuse_leased(db, changes, user)
        _apply(db, changes, operation, user)
    return RealignResult(operation, sorted(changes))


def _refuse_leased(db: sqlite_utils.Database, changes: dict[int, Any], user: str) -> None:
    """A unit someone else has checked out is theirs to change until the lease ends."""
    marks = ",".join("?" * len(changes))
    row = db.execute(
        f"SELECT unit_id, user, expires_at FROM leases WHERE unit_id IN ({marks}) "
        "AND user != ? AND expires_at > ? LIMIT 1",
        [*changes, user, stamp()],
    ).fetchone()
    if row:
        raise ConflictError(
            f"unit {row[0]} is checked out by {row[1]} until {row[2][:16].replace('T', ' ')} "
            "UTC; realign it once they submit or release it"
        )


def _bead_end(db: sqlite_utils.Database, head: dict[str, Any]) -> int:
    """The seq of the last source segment of ``head``'s bead."""
    members = _members(db, head["id"])
    return int((members[-1] if members else head)["seq"])


def _target_only_after(db: sqlite_utils.Database, head: dict[str, Any]) -> dict[str, Any] | None:
    """The first target-only line right after ``head``'s bead, or None."""
    row = db.execute(
        "SELECT id, text FROM target_only WHERE article_id = ? AND lang = ? AND after_seq = ? "
        "ORDER BY position LIMIT 1",
        [head["article_id"], head["lang"], _bead_end(db, head)],
    ).fetchone()
    return {"id": row[0], "text": row[1]} if row else None


def _insert_target_only(db: sqlite_utils.Database, head: dict[str, Any], text: str) -> None:
    """A target-only line right after ``head``'s bead, before any already there."""
    where = [head["article_id"], head["lang"], _bead_end(db, head)]
    db.execute(
        "UPDATE target_only SET position = position + 1 "
        "WHERE article_id = ? AND lang = ? AND after_seq = ?",
        where,
    )
    db.table("target_only").insert(
        {
            "article_id": where[0],
            "lang": where[1],
            "after_seq": where[2],
            "position": 0,
            "text": text,
            "created_at": stamp(),
        }
    )


def _unit(db: sqlite_utils.Database, unit_id: int) -> dict[str, Any]:
    rows = list(
        db.query(
            "SELECT u.*, s.article_id, s.seq, s.text AS source FROM units u "
            "JOIN segments s ON s.id = u.segment_id WHERE u.id = ?",
            [unit_id],
        )
    )
    if not rows:
        raise NotFoundError(f"no unit {unit_id}")
    return rows[0]


def _members(db: sqlite_utils.Database, head_id: int) -> list[dict[str, Any]]:
    ids = [r[0] for r in db.execute("SELECT id FROM units WHERE joined_to = ?", [head_id])]
    return sorted((_unit(db, i) for i in ids), key=lambda u: u["seq"])


def _neighbour_head(db: sqlite_utils.Database, head: dict[str, Any], step: int) -> dict[str, Any]:
    """The head unit of the bead before (step -1) or after (+1) ``head``'s bead."""
    members = _members(db, head["id"])
    edge = (members[-1] if members and step > 0 else head)["seq"]
    order = "ASC" if step > 0 else "DESC"
    comparison = ">" if step > 0 else "<"
    row = db.execute(
        f"SELECT u.id, u.joined_to FROM units u JOIN segments s ON s.id = u.segment_id "
        f"WHERE s.article_id = ? AND u.lang = ? AND s.obsolete = 0 AND s.seq {comparison} ? "
        f"ORDER BY s.seq {order} LIMIT 1",
        [head["article_id"], head["lang"], edge],
    ).fetchone()
    if row is None:
        where = "after" if step > 0 else "before"
        raise ConflictError(f"no unit {where} unit {head['id']} in this article")
    return _unit(db, row[1] or row[0])


def _refuse_approved(*units: dict[str, Any]) -> None:
    for unit in units:
        if unit["status"] == "approved":
            raise ConflictError(
                f"unit {unit['id']} is approved; reject it before changing its alignment"
            )


def _split(
    db: sqlite_utils.Database, head: dict[str, Any], members: list[dict[str, Any]]
) -> dict[int, dict[str, Any]]:
    """Re-align the head's sentences over the bead's source segments, one unit each."""
    units = [head, *members]
    article_lang = db.execute(
        "SELECT lang FROM articles WHERE id = ?", [head["article_id"]]
    ).fetchone()[0]
    sentences = segment_sentences(head["text"], head["lang"]) if head["text"] else []
    beads = align([u["source"] for u in units], sentences, article_lang, head["lang"])
    changes: dict[int, dict[str, Any]] = {u["id"]: {"text": "", "joined_to": None} for u in units}
    owner = 0  # target sentences of a 0-1 bead go to the unit before them
    for bead in beads:
        if bead.source:
            owner = bead.source[0]
            for follower in bead.source[1:]:
                changes[units[follower]["id"]]["joined_to"] = units[owner]["id"]
        text = " ".join(sentences[j] for j in bead.target)
        key = units[owner]["id"]
        changes[key]["text"] = _join(changes[key]["text"], text)
    return changes


def _join(first: str, second: str) -> str:
    return " ".join(part for part in (first, second) if part)


def _apply(
    db: sqlite_utils.Database,
    changes: dict[int, dict[str, Any]],
    operation: str,
    user: str,
    extra: dict[str, Any] | None = None,
) -> None:
    now = stamp()
    for unit_id, change in changes.items():
        unit = _unit(db, unit_id)
        new = dict(change)
        joined = change.get("joined_to", unit["joined_to"])
        if joined:
            new["status"] = db.execute(
                "SELECT status FROM units WHERE id = ?", [joined]
            ).fetchone()[0]
        elif unit["status"] == "new" and new.get("text", unit["text"]):
            new["status"] = "translated"
        elif not new.get("text", unit["text"]) and unit["status"] != "new":
            new["status"] = "needs_review"
        change_unit(
            db,
            unit,
            new,
            at=now,
            user=user,
            action="realign",
            detail={
                "operation": operation,
                "joined_to": joined,
                "was_joined_to": unit["joined_to"],
                **(extra or {}),
            },
            carry_bead=False,
        )
