"""Edited originals: apply a new version of an article without losing any translation.

Unchanged segments keep their units (even when they moved); edited ones keep their old
translation, marked ``needs_review`` with the old and new source in history; removed
ones become obsolete (hidden, kept, restorable); new ones are added.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from tool.clock import stamp
from tool.core.article import Sentence
from tool.core.diff import match_segments
from tool.core.normalize import count_words
from tool.db.connection import transaction
from tool.errors import ConflictError, NotFoundError
from tool.services.units import WORK_STATUSES, change_unit, note
from tool.services.users import REVIEWING_ROLES, require_user

# Statuses whose units hold work that a source change puts back into review.
REVIEWABLE = WORK_STATUSES


@dataclass
class Revision:
    """What re-importing an edited original changes (or would change, in a dry run)."""

    article_id: str
    unchanged: int = 0
    moved: list[str] = field(default_factory=list)
    edited: list[dict[str, str]] = field(default_factory=list)  # {"old": .., "new": ..}
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    units_to_review: int = 0
    new_units: int = 0  # set when applied: units created for added segments
    pretranslated: int = 0  # ... and how many of them the memory filled

    def counts(self) -> dict[str, int]:
        return {
            "unchanged": self.unchanged,
            "moved": len(self.moved),
            "edited": len(self.edited),
            "removed": len(self.removed),
            "added": len(self.added),
            "units_to_review": self.units_to_review,
        }


def live_segments(db: sqlite_utils.Database, article_id: str) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT * FROM segments WHERE article_id = ? AND obsolete = 0 ORDER BY seq",
            [article_id],
        )
    )


def plan_revision(
    db: sqlite_utils.Database, article_id: str, sentences: list[Sentence]
) -> tuple[Revision, Any]:
    """Compare stored segments with the new sentences; read-only."""
    old = live_segments(db, article_id)
    match = match_segments([s["text"] for s in old], [s.text for s in sentences])
    revision = Revision(article_id)
    revision.unchanged = len(match.same)
    revision.moved = [sentences[j].text for _, j in match.moved]
    revision.edited = [
        {"old": old[i]["text"], "new": sentences[j].text} for i, j, _ in match.edited
    ]
    revision.removed = [old[i]["text"] for i in match.removed]
    revision.added = [sentences[j].text for j in match.added]
    touched = [old[i]["id"] for i, _, _ in match.edited] + [old[i]["id"] for i in match.removed]
    if touched:
        marks = ",".join("?" * len(touched))
        revision.units_to_review = db.execute(
            f"SELECT COUNT(*) FROM units WHERE segment_id IN ({marks}) "
            f"AND status IN ({','.join('?' * len(REVIEWABLE))})",
            [*touched, *REVIEWABLE],
        ).fetchone()[0]
    return revision, (old, match)


def apply_revision(
    db: sqlite_utils.Database,
    article_id: str,
    sentences: list[Sentence],
    plan: Any,
    user: str,
) -> None:
    """Write a planned revision; the caller holds the transaction."""
    old, match = plan
    now = stamp()
    new_seq_of_old: dict[int, int] = {}  # old seq -> new seq, for segments that survive
    for i, j in [*match.same, *match.moved]:
        _place(db, old[i]["id"], j, sentences[j])
        new_seq_of_old[old[i]["seq"]] = j
    for i, j, _score in match.edited:
        segment = old[i]
        _place(db, segment["id"], j, sentences[j], text=sentences[j].text)
        new_seq_of_old[segment["seq"]] = j
        _mark_units(
            db,
            segment["id"],
            "source-changed",
            user,
            now,
            {"old_source": segment["text"], "new_source": sentences[j].text},
            review=True,
        )
    anchor = _anchors([s["seq"] for s in old], new_seq_of_old, len(sentences))
    earlier = db.query(
        "SELECT id, seq FROM segments WHERE article_id = ? AND obsolete = 1", [article_id]
    )
    for row in list(earlier):  # obsolete since an earlier revision: keep their place
        db.table("segments").update(row["id"], {"seq": anchor(row["seq"])})
    for i in match.removed:
        segment = old[i]
        db.table("segments").update(segment["id"], {"obsolete": 1, "seq": anchor(segment["seq"])})
        _mark_units(
            db, segment["id"], "obsolete", user, now, {"source": segment["text"]}, review=False
        )
        _reopen_bead_without(db, segment["id"], user, now)
    db.table("segments").insert_all(
        segment_row(article_id, j, sentences[j], now) for j in match.added
    )
    _move_target_only(db, article_id, [s["seq"] for s in old], new_seq_of_old)


def _anchors(old_seqs: list[int], new_seq_of_old: dict[int, int], end: int):
    """Where an obsolete segment now stands: the new seq of the first survivor after it."""

    def anchor(seq: int) -> int:
        following = [new_seq_of_old[s] for s in old_seqs if s >= seq and s in new_seq_of_old]
        return min(following, default=end)

    return anchor


def restore_segment(db: sqlite_utils.Database, segment_id: int, user: str) -> dict[str, Any]:
    """Bring an obsolete segment back at its old place; its units come back with it."""
    with transaction(db):
        require_user(db, user, roles=REVIEWING_ROLES)
        rows = list(db.query("SELECT * FROM segments WHERE id = ?", [segment_id]))
        if not rows:
            raise NotFoundError(f"no segment {segment_id}")
        segment = rows[0]
        if not segment["obsolete"]:
            raise ConflictError(f"segment {segment_id} is not obsolete")
        if segment.get("replaced_by"):
            raise ConflictError(
                f"segment {segment_id} was joined into segment {segment['replaced_by']}: "
                f"split that one instead (`split-segment {segment['replaced_by']} --at ...`)"
            )
        _restore(db, segment, user)
    return segment


def _restore(db: sqlite_utils.Database, segment: dict[str, Any], user: str) -> None:
    segment_id = segment["id"]
    db.execute(
        "UPDATE segments SET seq = seq + 1 WHERE article_id = ? AND obsolete = 0 AND seq >= ?",
        [segment["article_id"], segment["seq"]],
    )
    db.execute(
        "UPDATE target_only SET after_seq = after_seq + 1 WHERE article_id = ? AND after_seq >= ?",
        [segment["article_id"], segment["seq"]],
    )
    db.table("segments").update(segment_id, {"obsolete": 0})
    _mark_units(
        db, segment_id, "restored", user, stamp(), {"source": segment["text"]}, review=False
    )


def _place(
    db: sqlite_utils.Database,
    segment_id: int,
    seq: int,
    sentence: Sentence,
    text: str | None = None,
) -> None:
    change: dict[str, Any] = {
        "seq": seq,
        "paragraph": sentence.paragraph,
        "position": sentence.position,
        "kind": sentence.kind,
    }
    if text is not None:
        change.update(text=text, hash=segment_hash(text), words=count_words(text))
    db.table("segments").update(segment_id, change)


def segment_hash(text: str) -> str:
    """A short hash of a segment's text, used to recognise it again."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def segment_row(article_id: str, seq: int, sentence: Sentence, now: str) -> dict[str, Any]:
    """The segments table row of a new segment."""
    return {
        "article_id": article_id,
        "seq": seq,
        "paragraph": sentence.paragraph,
        "position": sentence.position,
        "kind": sentence.kind,
        "text": sentence.text,
        "hash": segment_hash(sentence.text),
        "words": count_words(sentence.text),
        "obsolete": 0,
        "created_at": now,
    }


def _mark_units(
    db: sqlite_utils.Database,
    segment_id: int,
    action: str,
    user: str,
    now: str,
    detail: dict[str, Any],
    *,
    review: bool,
) -> None:
    """Record a source event on every unit of a segment; with review, reopen their work.

    A unit merged into a bead shares the bead's translation and status, so reopening
    reopens the whole bead (its head and every unit joined to it).
    """
    for unit in list(db.query("SELECT * FROM units WHERE segment_id = ?", [segment_id])):
        bead = _bead_units(db, unit) if review else [unit]
        for member in bead:
            if review and member["status"] in REVIEWABLE:
                change_unit(
                    db, member, {"status": "needs_review"}, at=now, user=user, action=action,
                    detail=detail, carry_bead=False,
                )  # fmt: skip
            else:
                note(db, member, at=now, user=user, action=action, detail=detail)


def _bead_units(db: sqlite_utils.Database, unit: dict[str, Any]) -> list[dict[str, Any]]:
    """The units of ``unit``'s bead: its head first, then the units joined to it."""
    head_id = unit["joined_to"] or unit["id"]
    return list(
        db.query(
            "SELECT * FROM units WHERE id = ? OR joined_to = ? ORDER BY joined_to IS NOT NULL, id",
            [head_id, head_id],
        )
    )


def _reopen_bead_without(db: sqlite_utils.Database, segment_id: int, user: str, now: str) -> None:
    """A bead lost one of its segments: its translation needs review, and if the lost
    segment held the bead's text, the first surviving segment takes it over."""
    for unit in list(db.query("SELECT * FROM units WHERE segment_id = ?", [segment_id])):
        live = [
            u
            for u in _bead_units(db, unit)
            if u["id"] != unit["id"]
            and db.execute(
                "SELECT obsolete FROM segments WHERE id = ?", [u["segment_id"]]
            ).fetchone()[0]
            == 0
        ]
        if not live:
            continue
        head = (
            live[0]
            if unit["joined_to"] is None
            else next((u for u in live if u["joined_to"] is None), live[0])
        )
        for member in live:
            change: dict[str, Any] = {}
            if member["status"] in REVIEWABLE:
                change["status"] = "needs_review"
            if member["id"] == head["id"]:
                change["joined_to"] = None
                if unit["joined_to"] is None:  # the removed segment held the text
                    change["text"] = unit["text"]
            else:
                change["joined_to"] = head["id"]
            change_unit(
                db,
                member,
                change,
                at=now,
                user=user,
                action="bead-changed",
                detail={"removed_segment": segment_id, "head": head["id"]},
                carry_bead=False,
            )


def _move_target_only(
    db: sqlite_utils.Database, article_id: str, old_seqs: list[int], new_seq_of_old: dict[int, int]
) -> None:
    """Keep target-only lines after the same source segment (or the nearest one before it)."""
    for row in list(
        db.query("SELECT id, after_seq FROM target_only WHERE article_id = ?", [article_id])
    ):
        anchor = -1
        for seq in old_seqs:
            if seq > row["after_seq"]:
                break
            if seq in new_seq_of_old:
                anchor = new_seq_of_old[seq]
        db.table("target_only").update(row["id"], {"after_seq": anchor})
