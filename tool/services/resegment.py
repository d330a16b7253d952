"""Editors' corrections of the segmentation: join two segments, split one.

For a segmenter's mistake (a split after "etc." before "(", a missed boundary). The units
of every language follow, through the gate:

- joining A and B: A's text becomes both sentences, B becomes obsolete (replaced by A);
  the unit of A gets the joined translation (B's unit's text appended, or the bead's) and
  goes to ``needs_review``; B's unit keeps its history and leaves with its segment.
- splitting A before some text: A keeps the first part, a new segment after it holds the
  second; A's unit keeps its text and goes to ``needs_review``, the new segment's unit is
  new (or joins A's bead when A's unit was part of one).

Units someone else holds on a live lease are refused; approved units are reopened (and
leave the memory until approved again). Each correction is stored per article, so
re-importing an edited original keeps it (see :func:`corrected`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import sqlite_utils

from tool.clock import stamp
from tool.core.article import Sentence
from tool.core.normalize import count_words, normalise_text
from tool.db.connection import transaction
from tool.errors import ConflictError, InputError, NotFoundError
from tool.services.memory import withdraw_unit
from tool.services.units import (
    change_unit,
    create_units,
    get_unit,
    moment,
    note,
    refuse_leased_by_others,
)
from tool.services.users import REVIEWING_ROLES, require_user


@dataclass
class ResegmentResult:
    operation: str  # "join" or "split"
    article_id: str
    segments: list[int] = field(default_factory=list)  # the live segment(s) it leaves
    texts: list[str] = field(default_factory=list)
    units: list[int] = field(default_factory=list)  # units changed or created


def _segment(db: sqlite_utils.Database, segment_id: int) -> dict[str, Any]:
    try:
        rows = list(db.query("SELECT * FROM segments WHERE id = ?", [segment_id]))
    except OverflowError:
        rows = []
    if not rows:
        raise NotFoundError(f"no segment {segment_id}")
    segment = rows[0]
    if segment["obsolete"]:
        raise ConflictError(f"segment {segment_id} is obsolete (removed from the original)")
    return segment


def _units_of(db: sqlite_utils.Database, segment_id: int) -> dict[str, dict[str, Any]]:
    """The segment's units by language, each read as the gate reads it."""
    ids = db.execute("SELECT id, lang FROM units WHERE segment_id = ?", [segment_id]).fetchall()
    return {lang: get_unit(db, unit_id) for unit_id, lang in ids}


def _refuse_leased(units: Sequence[dict[str, Any]], user: str, at: str) -> None:
    for unit in units:
        refuse_leased_by_others(
            unit, user, at, "correct the segments once they submit or release it"
        )


def _join(first: str, second: str) -> str:
    return " ".join(part for part in (first, second) if part)


def _reopen(
    db: sqlite_utils.Database,
    unit: dict[str, Any],
    changes: dict[str, Any],
    *,
    at: str,
    user: str,
    action: str,
    detail: dict[str, Any],
) -> None:
    """Change a unit for a segment correction; its work goes back to review."""
    changes = dict(changes)
    text = changes.get("text", unit["text"])
    if text or unit["status"] != "new":
        changes["status"] = "needs_review"
    if unit["status"] == "approved":
        withdraw_unit(db, unit["id"])
    change_unit(db, unit, changes, at=at, user=user, action=action, detail=detail, carry_bead=False)
    _settle_bead(db, unit["id"], at=at, user=user, action=action, detail=detail)


def _settle_bead(
    db: sqlite_utils.Database,
    head_id: int,
    *,
    at: str,
    user: str,
    action: str,
    detail: dict[str, Any],
) -> None:
    """The units joined into a bead that went back to review go with it."""
    head = get_unit(db, head_id)
    if head["status"] != "needs_review":
        return
    for member_id in _member_ids(db, head_id):
        member = get_unit(db, member_id)
        if member["status"] != head["status"]:
            change_unit(db, member, {"status": head["status"]}, at=at, user=user,
                        action=action, detail={**detail, "bead_head": head_id},
                        carry_bead=False)  # fmt: skip


def join_segments(
    db: sqlite_utils.Database,
    first_id: int,
    second_id: int,
    user: str,
    *,
    now: datetime | None = None,
) -> ResegmentResult:
    """Join segment ``second_id`` into the segment just before it, ``first_id`` (editors)."""
    with transaction(db):
        at = stamp(moment(now))
        require_user(db, user, roles=REVIEWING_ROLES)
        first, second = _segment(db, first_id), _segment(db, second_id)
        if first["article_id"] != second["article_id"] or second["seq"] != first["seq"] + 1:
            raise InputError(
                f"segments {first_id} and {second_id} do not follow each other in one article"
            )
        if first["paragraph"] != second["paragraph"]:
            raise InputError(
                f"segments {first_id} and {second_id} are in different paragraphs; "
                "only sentences of one paragraph can be joined"
            )
        joined_text = normalise_text(_join(first["text"], second["text"]))
        firsts, seconds = _units_of(db, first_id), _units_of(db, second_id)
        touched = [*firsts.values(), *seconds.values()]
        for unit in seconds.values():
            touched += [get_unit(db, m) for m in _member_ids(db, unit["id"])]
        _refuse_leased(touched, user, at)
        detail = {"joined_segments": [first_id, second_id], "old_sources": [first["text"],
                  second["text"]], "new_source": joined_text}  # fmt: skip
        result = ResegmentResult("join", first["article_id"], [first_id], [joined_text])
        db.execute(
            "UPDATE segments SET text = ?, hash = ?, words = ? WHERE id = ?",
            [joined_text, _hash(joined_text), count_words(joined_text), first_id],
        )
        _close_gap(db, second)
        db.execute(
            "UPDATE segments SET obsolete = 1, replaced_by = ?, seq = ? WHERE id = ?",
            [first_id, first["seq"] + 1, second_id],
        )
        for lang in sorted(set(firsts) | set(seconds)):
            result.units += _join_units(
                db, first_id, firsts.get(lang), seconds.get(lang), lang, user, at, detail
            )
        _remember(db, first["article_id"], "join", joined_text, second["text"], user, at)
    return result


def _member_ids(db: sqlite_utils.Database, head_id: int) -> list[int]:
    return [r[0] for r in db.execute("SELECT id FROM units WHERE joined_to = ?", [head_id])]


def _join_units(
    db: sqlite_utils.Database,
    first_segment: int,
    first: dict[str, Any] | None,
    second: dict[str, Any] | None,
    lang: str,
    user: str,
    at: str,
    detail: dict[str, Any],
) -> list[int]:
    """Carry one language's units over a join; returns the ids changed."""
    action = "join-segments"
    if first is None:
        if second is None:
            return []
        (created,) = create_units(db, [first_segment], lang, at=at, user=user)
        first = get_unit(db, created)
    changed = [first["id"]]
    if second is None:
        _reopen(db, first, {}, at=at, user=user, action=action, detail=detail)
        return changed
    holder = get_unit(db, first["joined_to"]) if first["joined_to"] else first
    if second["joined_to"] in (first["id"], holder["id"]):
        # B was already in A's bead: its text is on the bead's head; B's unit leaves it.
        change_unit(db, second, {"joined_to": None}, at=at, user=user, action=action,
                    detail=detail, carry_bead=False)  # fmt: skip
        _reopen(db, holder, {}, at=at, user=user, action=action, detail=detail)
        return [*changed, second["id"]]
    # B was a head of its own: its text and members move to the unit holding A's text.
    for member in _member_ids(db, second["id"]):
        row = get_unit(db, member)
        change_unit(db, row, {"joined_to": holder["id"]}, at=at, user=user, action=action,
                    detail=detail, carry_bead=False)  # fmt: skip
    text = _join(holder["text"], second["text"])
    translator = holder["translator"] or second["translator"]
    _reopen(db, holder, {"text": text, "translator": translator}, at=at, user=user,
            action=action, detail=detail)  # fmt: skip
    if second["status"] == "approved":
        withdraw_unit(db, second["id"])
    note(db, second, at=at, user=user, action=action,
         detail={**detail, "text_moved_to": holder["id"]})  # fmt: skip
    return sorted({*changed, holder["id"], second["id"]})


def split_segment(
    db: sqlite_utils.Database,
    segment_id: int,
    at_text: str,
    user: str,
    *,
    now: datetime | None = None,
) -> ResegmentResult:
    """Split a segment before the first occurrence of ``at_text`` (editors)."""
    marker = normalise_text(at_text or "")
    if not marker:
        raise InputError("say where to split: --at TEXT (the words that begin the second part)")
    with transaction(db):
        at = stamp(moment(now))
        require_user(db, user, roles=REVIEWING_ROLES)
        segment = _segment(db, segment_id)
        index = segment["text"].find(marker, 1)
        if index <= 0:
            raise InputError(
                f"segment {segment_id} has no {marker!r} after its first character: "
                f"{segment['text']!r}"
            )
        head, tail = segment["text"][:index].strip(), segment["text"][index:].strip()
        units = _units_of(db, segment_id)
        _refuse_leased(list(units.values()), user, at)
        detail = {"split_segment": segment_id, "old_source": segment["text"],
                  "new_sources": [head, tail]}  # fmt: skip
        _open_gap(db, segment)
        new_id = (
            db.table("segments")
            .insert(
                {
                    "article_id": segment["article_id"],
                    "seq": segment["seq"] + 1,
                    "paragraph": segment["paragraph"],
                    "position": segment["position"] + 1,
                    "kind": segment["kind"],
                    "text": tail,
                    "hash": _hash(tail),
                    "words": count_words(tail),
                    "obsolete": 0,
                    "created_at": at,
                }
            )
            .last_pk
        )
        db.execute(
            "UPDATE segments SET text = ?, hash = ?, words = ? WHERE id = ?",
            [head, _hash(head), count_words(head), segment_id],
        )
        assert new_id is not None
        result = ResegmentResult("split", segment["article_id"], [segment_id, new_id],
                                 [head, tail])  # fmt: skip
        for lang, unit in sorted(units.items()):
            (created,) = create_units(db, [new_id], lang, at=at, user=user)
            result.units += [unit["id"], created]
            holder = get_unit(db, unit["joined_to"]) if unit["joined_to"] else unit
            if unit["joined_to"]:  # A was inside a bead: so is its second half
                change_unit(db, get_unit(db, created), {"joined_to": holder["id"]}, at=at,
                            user=user, action="split-segment", detail=detail,
                            carry_bead=False)  # fmt: skip
            _reopen(db, holder, {}, at=at, user=user, action="split-segment", detail=detail)
        _remember(db, segment["article_id"], "split", head, tail, user, at)
    return result


def _open_gap(db: sqlite_utils.Database, segment: dict[str, Any]) -> None:
    """Make room for a segment right after ``segment`` (live and obsolete alike)."""
    article, seq = segment["article_id"], segment["seq"]
    db.execute("UPDATE segments SET seq = seq + 1 WHERE article_id = ? AND seq > ?", [article, seq])
    db.execute(
        "UPDATE segments SET position = position + 1 WHERE article_id = ? AND obsolete = 0 "
        "AND paragraph = ? AND position > ?",
        [article, segment["paragraph"], segment["position"]],
    )
    # Target-only lines after the split sentence now follow its second half.
    db.execute(
        "UPDATE target_only SET after_seq = after_seq + 1 WHERE article_id = ? AND after_seq >= ?",
        [article, seq],
    )


def _close_gap(db: sqlite_utils.Database, segment: dict[str, Any]) -> None:
    """Close the place of ``segment``, which leaves the live sequence."""
    article, seq = segment["article_id"], segment["seq"]
    db.execute("UPDATE segments SET seq = seq - 1 WHERE article_id = ? AND seq > ?", [article, seq])
    db.execute(
        "UPDATE segments SET position = position - 1 WHERE article_id = ? AND obsolete = 0 "
        "AND paragraph = ? AND position > ?",
        [article, segment["paragraph"], segment["position"]],
    )
    db.execute(
        "UPDATE target_only SET after_seq = after_seq - 1 WHERE article_id = ? AND after_seq >= ?",
        [article, seq],
    )


def _hash(text: str) -> str:
    from tool.services.revisions import segment_hash

    return segment_hash(text)


def _remember(
    db: sqlite_utils.Database, article_id: str, kind: str, first: str, second: str,
    user: str, at: str,
) -> None:  # fmt: skip
    """Keep the correction so a re-import of the original applies it again."""
    db.table("segment_corrections").insert(
        {
            "article_id": article_id,
            "kind": kind,
            "first": first,
            "second": second,
            "by": user,
            "at": at,
        }  # fmt: skip
    )


def corrections(db: sqlite_utils.Database, article_id: str) -> list[tuple[str, str, str]]:
    """The article's segment corrections, oldest first: (kind, first, second)."""
    return [
        (r[0], r[1], r[2])
        for r in db.execute(
            "SELECT kind, first, second FROM segment_corrections WHERE article_id = ? ORDER BY id",
            [article_id],
        )
    ]


def corrected(sentences: list[Sentence], saved: list[tuple[str, str, str]]) -> list[Sentence]:
    """Freshly segmented sentences with the editors' corrections applied again.

    A sentence equal to one an editor split is cut where they cut it; consecutive sentences
    of one paragraph that an editor joined are joined. Corrections that no longer match
    (the original was edited there) are left out: the edit wins.
    """
    splits = {_join(first, second): (first, second) for kind, first, second in saved
              if kind == "split"}  # fmt: skip
    joins = {(first, second) for kind, first, second in saved if kind == "join"}
    cut: list[Sentence] = []
    for sentence in sentences:
        parts = splits.get(sentence.text)
        if parts is None:
            cut.append(sentence)
        else:
            cut += [replace(sentence, text=parts[0]), replace(sentence, text=parts[1])]
    joined: list[Sentence] = []
    for sentence in cut:
        last = joined[-1] if joined else None
        if last is not None and last.paragraph == sentence.paragraph:
            whole = _join(last.text, sentence.text)
            if (whole, sentence.text) in joins:
                joined[-1] = replace(last, text=whole)
                continue
        joined.append(sentence)
    positions: dict[int, int] = {}
    renumbered = []
    for sentence in joined:
        positions[sentence.paragraph] = positions.get(sentence.paragraph, -1) + 1
        renumbered.append(replace(sentence, position=positions[sentence.paragraph]))
    return renumbered
