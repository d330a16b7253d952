"""Importing existing translations: segment them, align them with the original, store units.

A first import stores the alignment directly. When the article already has work in that
language (an earlier import, or translations made at the desk), the new alignment is
compared with the stored units: the differences are reported, and written only with
``apply``; approved units are never overwritten without ``force``. Every change to a
unit writes a history event.

Every bead below the review threshold is counted as weak. A weak pairing becomes a
``needs_review`` unit; a target-only line (text of the translation that pairs with no
source segment: a credit line, or half of a sentence the translator split) has no unit
of its own, so it reaches an editor through the unit before it (or, at the start, the
one after it): that unit goes to review, and its history names the line
(:func:`alignment_note` says it in words; ``realign merge-next`` joins the line to it).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from tool.clock import stamp
from tool.core.align import DOUBTS, REVIEW_THRESHOLD, Bead, align, format_bead
from tool.core.article import Sentence
from tool.db.connection import transaction
from tool.errors import InputError, NotFoundError
from tool.services.importer import ImportLimits, content_hash, find_article_files, prepare_article
from tool.services.lexicon_store import load_lexicon, store_lexicon
from tool.services.units import change_unit, create_units
from tool.services.users import REVIEWING_ROLES, require_user


@dataclass(frozen=True)
class PreparedTranslation:
    path: Path
    article_id: str
    lang: str
    meta: dict[str, str]
    sentences: list[Sentence]
    content_hash: str


@dataclass
class Proposal:
    """What the alignment puts on one source segment's unit."""

    segment_id: int
    seq: int
    source: str
    text: str
    status: str
    confidence: float
    head_segment: int | None  # set when the segment is joined into an earlier one's bead
    bead: str
    note: dict[str, Any] = field(default_factory=dict)  # why it goes to review, for the history


@dataclass
class TranslationImportResult:
    article_id: str
    lang: str
    path: str
    action: str  # "aligned", "updated", "differs" (not applied) or "unchanged"
    beads: int = 0
    translated: int = 0
    needs_review: int = 0
    untranslated: int = 0
    target_only: int = 0
    weak: int = 0  # beads below the review threshold: weak pairings, untranslated, target-only
    beside_target_only: int = 0  # of needs_review: sure pairings sent for the line after them
    kept_approved: int = 0
    kept_leased: int = 0  # units a translator holds, left to them
    alignment: list[str] = field(default_factory=list)
    differences: list[dict[str, Any]] = field(default_factory=list)


def prepare_translation(
    path: Path,
    *,
    article: str = "",
    lang: str = "",
    limits: ImportLimits | None = None,
    **meta: str,
) -> PreparedTranslation:
    """Read and check one translation file (front matter names its original and language)."""
    if article:
        meta = {**meta, "original": article}
    if lang:
        meta = {**meta, "lang": lang}
    if path.suffix.lower() == ".txt" and not meta.get("id"):
        meta = {**meta, "id": meta.get("original") or path.stem}
    fields: dict[str, Any] = meta  # front matter given as options (for plain-text files)
    _, clean, sentences = prepare_article(path, required=("lang",), limits=limits, **fields)
    article_id = clean.get("original") or clean.get("id")
    if not article_id:
        raise InputError(
            f"{path}: front matter names no original (add 'original: ID' or use --article)"
        )
    return PreparedTranslation(
        path, article_id, clean["lang"], clean, sentences, content_hash(clean, sentences)
    )


def import_translations(
    db: sqlite_utils.Database,
    paths: Iterable[str | Path],
    *,
    user: str = "import",
    article: str = "",
    lang: str = "",
    apply: bool = False,
    force: bool = False,
    progress: Callable[[Path], None] | None = None,
    limits: ImportLimits | None = None,
    **meta: str,
) -> list[TranslationImportResult]:
    """Align translation files with their originals and store the result, all or nothing.

    Every file is read, checked and aligned before the write transaction; inside it the
    alignment is checked against the segments as they are then (and redone if an edited
    original came in meanwhile), and every unit is compared and written as it is then:
    an approval made while the files were aligning is never undone. See the module
    docstring for ``apply`` and ``force``; ``progress`` is called with each file once it
    is aligned.
    """
    prepared = [
        prepare_translation(path, article=article, lang=lang, limits=limits, **meta)
        for path in find_article_files(paths)
    ]
    seen: dict[tuple[str, str], Path] = {}
    for item in prepared:
        require_user(db, user, roles=REVIEWING_ROLES, lang=item.lang)
        key = (item.article_id, item.lang)
        if key in seen:
            raise InputError(
                f"{item.path}: a translation of {item.article_id!r} into {item.lang} "
                f"is also in {seen[key]}"
            )
        seen[key] = item.path
    lexicons: dict[tuple[str, str], Any] = {}
    plans = []
    for item in prepared:
        plans.append((item, _plan(db, item, lexicons)))
        if progress:
            progress(item.path)
    with transaction(db):
        at = stamp()  # taken once we hold the write lock
        for item in prepared:
            require_user(db, user, roles=REVIEWING_ROLES, lang=item.lang)
        results = []
        for item, plan in plans:
            if plan.segments != _live_segments(db, item.article_id):
                plan = _plan(db, item, lexicons)  # the original changed while we aligned
            results.append(_store(db, item, plan, user, apply, force, at))
        wrote = any(r.action in ("aligned", "updated") for r in results)
        for (source_lang, target_lang), lexicon in lexicons.items():
            if wrote and lexicon is not None:  # learned from the current approvals: keep it
                store_lexicon(db, source_lang, target_lang, lexicon)
        return results


@dataclass
class _Plan:
    """An alignment of one file against the segments as they were when it was made."""

    result: TranslationImportResult
    segments: list[tuple[int, int, str]]  # (id, seq, text) of the live segments
    proposals: list[Proposal]
    target_only: list[tuple[int, str]]  # (after_seq, text)


def _live_segments(db: sqlite_utils.Database, article_id: str) -> list[tuple[int, int, str]]:
    return [
        tuple(row)
        for row in db.execute(
            "SELECT id, seq, text FROM segments WHERE article_id = ? AND obsolete = 0 ORDER BY seq",
            [article_id],
        )
    ]


def _plan(db: sqlite_utils.Database, item: PreparedTranslation, lexicons: dict) -> _Plan:
    """Align one translation with its original's live segments; read-only."""
    rows = list(db.query("SELECT lang FROM articles WHERE id = ?", [item.article_id]))
    if not rows:
        raise NotFoundError(
            f"{item.path}: no article {item.article_id!r}; import the original first"
        )
    source_lang = rows[0]["lang"]
    if source_lang == item.lang:
        raise InputError(
            f"{item.path}: the translation is in {item.lang}, the original's own language"
        )
    result = TranslationImportResult(item.article_id, item.lang, str(item.path), "unchanged")
    segments = list(
        db.query(
            "SELECT id, seq, paragraph, text FROM segments "
            "WHERE article_id = ? AND obsolete = 0 ORDER BY seq",
            [item.article_id],
        )
    )
    snapshot = [(s["id"], s["seq"], s["text"]) for s in segments]
    if _stored_hash(db, item) == item.content_hash:
        return _Plan(result, snapshot, [], [])
    key = (source_lang, item.lang)
    if key not in lexicons:
        lexicons[key] = load_lexicon(db, source_lang, item.lang)
    beads = align(
        [s["text"] for s in segments],
        [s.text for s in item.sentences],
        source_lang,
        item.lang,
        source_paragraphs=[s["paragraph"] for s in segments],
        target_paragraphs=[s.paragraph for s in item.sentences],
        lexicon=lexicons[key],
    )
    texts = [" ".join(item.sentences[j].text for j in bead.target) for bead in beads]
    after, before, answering = _target_only_neighbours(beads, texts)
    proposals: list[Proposal] = []
    target_only: list[tuple[int, str]] = []
    after_seq = -1
    for k, bead in enumerate(beads):
        result.beads += 1
        result.alignment.append(format_bead(bead))
        weak = bead.confidence < REVIEW_THRESHOLD
        result.weak += weak
        text = texts[k]
        if not bead.source:
            target_only.append((after_seq, text))
            continue
        sources = [segments[i] for i in bead.source]
        after_seq = sources[-1]["seq"]
        if not bead.target:
            result.untranslated += len(sources)
            continue
        status = "needs_review" if weak or k in answering else "translated"
        setattr(result, status, getattr(result, status) + 1)
        result.beside_target_only += not weak and k in answering
        shown = weak or k in answering
        note = _note(bead, after.get(k, []), before.get(k, []) if shown else [])
        for n, segment in enumerate(sources):
            proposals.append(
                Proposal(
                    segment_id=segment["id"],
                    seq=segment["seq"],
                    source=segment["text"],
                    text=text if n == 0 else "",
                    status=status,
                    confidence=round(bead.confidence, 4),
                    head_segment=None if n == 0 else sources[0]["id"],
                    bead=format_bead(bead),
                    note=note if n == 0 else {},
                )
            )
    result.target_only = len(target_only)
    return _Plan(result, snapshot, proposals, target_only)


def _target_only_neighbours(
    beads: list[Bead], texts: list[str]
) -> tuple[dict[int, list[str]], dict[int, list[str]], set[int]]:
    """Target-only lines by the pairing beads beside them, and the beads that answer for them.

    ``after[k]``: the lines between pairing bead k and the next pairing bead; ``before[k]``:
    the lines right before pairing bead k (nothing but target-only lines between). The
    answering bead of a line is the nearest pairing bead before it, or for lines before
    every pairing, the first.
    """
    pairing = [k for k, b in enumerate(beads) if b.source and b.target]
    after: dict[int, list[str]] = {}
    before: dict[int, list[str]] = {}
    answering: set[int] = set()
    for k, bead in enumerate(beads):
        if bead.source:
            continue
        place = bisect.bisect_left(pairing, k)
        following = pairing[place] if place < len(pairing) else None
        if place:
            after.setdefault(pairing[place - 1], []).append(texts[k])
            answering.add(pairing[place - 1])
        elif following is not None:
            answering.add(following)
        if following is not None and all(not beads[x].source for x in range(k, following)):
            before.setdefault(following, []).append(texts[k])
    return after, before, answering


def _note(bead: Bead, after: list[str], before: list[str]) -> dict[str, Any]:
    """What the history keeps of why a pairing goes to review (see ``alignment_note``)."""
    note: dict[str, Any] = {}
    if bead.doubt:
        note["doubt"] = DOUBTS[bead.doubt]
    if after:
        note["target_only_after"] = after
    if before:
        note["target_only_before"] = before
    return note


def alignment_note(detail: dict[str, Any], unit_id: int) -> str:
    """Why the aligner sent a unit to review, in words, from its event's detail ("" if it
    did not): the confidence, the doubt, the target-only lines beside it."""
    confidence = detail.get("confidence")
    parts = []
    if confidence is not None and confidence < REVIEW_THRESHOLD:
        parts.append(f"weak alignment ({confidence:.2f})")
    if detail.get("doubt"):
        parts.append(detail["doubt"])
    before, after = detail.get("target_only_before"), detail.get("target_only_after")
    if before:
        parts.append("target-only text before it: " + ", ".join(f"«{t}»" for t in before))
    if after:
        parts.append(
            "target-only text after it: " + ", ".join(f"«{t}»" for t in after)
            + f" (`realign {unit_id} merge-next` joins the first line to it)"
        )  # fmt: skip
    return "; ".join(parts)


def alignment_notes(db: sqlite_utils.Database, unit_ids: Iterable[int]) -> dict[int, str]:
    """``alignment_note`` of each unit whose last change was an import's alignment."""
    notes: dict[int, str] = {}
    for unit_id in unit_ids:
        row = db.execute(
            "SELECT action, detail FROM events WHERE unit_id = ? AND "
            "(old_status IS NOT new_status OR old_text IS NOT new_text) "
            "ORDER BY id DESC LIMIT 1",
            [unit_id],
        ).fetchone()
        if row and row[0] in ("align", "reimport") and row[1]:
            note = alignment_note(json.loads(row[1]), unit_id)
            if note:
                notes[unit_id] = note
    return notes


def _stored_hash(db: sqlite_utils.Database, item: PreparedTranslation) -> str | None:
    row = db.execute(
        "SELECT content_hash FROM translations WHERE article_id = ? AND lang = ?",
        [item.article_id, item.lang],
    ).fetchone()
    return row[0] if row else None


def _has_work(unit: dict[str, Any] | None) -> bool:
    return unit is not None and (unit["status"] != "new" or bool(unit["text"]))


def _stored_units(db: sqlite_utils.Database, article_id: str, lang: str) -> dict[int, dict]:
    """The article's units in ``lang`` by segment id, with their live lease holder."""
    return {
        row["segment_id"]: row
        for row in db.query(
            "SELECT u.*, l.user AS lease_user, l.expires_at AS lease_expires "
            "FROM units u JOIN segments s ON s.id = u.segment_id "
            "LEFT JOIN leases l ON l.unit_id = u.id WHERE s.article_id = ? AND u.lang = ?",
            [article_id, lang],
        )
    }


def _stored_target_only(db: sqlite_utils.Database, article_id: str, lang: str) -> list:
    return [
        tuple(row)
        for row in db.execute(
            "SELECT after_seq, text FROM target_only WHERE article_id = ? AND lang = ? "
            "ORDER BY after_seq, position",
            [article_id, lang],
        )
    ]


def _store(
    db: sqlite_utils.Database,
    item: PreparedTranslation,
    plan: _Plan,
    user: str,
    apply: bool,
    force: bool,
    at: str,
) -> TranslationImportResult:
    """Compare the plan with the units as they are now and write it; inside the transaction."""
    result = plan.result
    if result.beads == 0 or _stored_hash(db, item) == item.content_hash:
        result.action = "unchanged"
        return result
    existing = _stored_units(db, item.article_id, item.lang)
    first_import = not any(_has_work(u) for u in existing.values())
    units_by_segment = {sid: u["id"] for sid, u in existing.items()}
    stored_lines = {text for _, text in _stored_target_only(db, item.article_id, item.lang)}
    changes = []
    for proposal in plan.proposals:
        unit = existing.get(proposal.segment_id)
        head = units_by_segment.get(proposal.head_segment) if proposal.head_segment else None
        difference: dict[str, Any] = {}
        if unit and unit["text"] == proposal.text and unit["joined_to"] == head:
            # The same text, but target-only text new beside it: an editor should look.
            lines = [
                line
                for key in ("target_only_before", "target_only_after")
                for line in proposal.note.get(key, [])
                if line not in stored_lines
            ]
            if not lines or unit["status"] == "needs_review":
                continue
            difference["note"] = "new target-only text beside it: " + ", ".join(
                f"«{line}»" for line in lines
            )
        changes.append((proposal, unit))
        result.differences.append(
            {
                "unit": unit["id"] if unit else None,
                "seq": proposal.seq,
                "source": proposal.source,
                "old": unit["text"] if unit else "",
                "new": proposal.text,
                "status": unit["status"] if unit else "new",
                **difference,
            }
        )
    target_only_changed = plan.target_only != _stored_target_only(db, item.article_id, item.lang)
    if not first_import and not apply:
        if result.differences:
            result.action = "differs"
            return result
        # Only target-only text differs (or nothing): no unit changes, so store it now.
        _replace_target_only(db, item, plan.target_only, at)
        _record_file(db, item, at, complete=True)
        result.action = "updated" if target_only_changed else "unchanged"
        return result
    result.action = "aligned" if first_import else "updated"
    action = "align" if first_import else "reimport"
    for proposal, unit in changes:
        if unit and unit["status"] == "approved" and not force:
            result.kept_approved += 1
            continue
        if unit and _leased_by_other(unit, user, at):
            result.kept_leased += 1  # a translator is working on it: theirs until they submit
            continue
        if unit is None:
            (unit_id,) = create_units(db, [proposal.segment_id], item.lang, at=at, user=user)
            unit = {"id": unit_id, "status": "new", "text": "", "joined_to": None}
            units_by_segment[proposal.segment_id] = unit_id
        head = units_by_segment.get(proposal.head_segment) if proposal.head_segment else None
        change_unit(
            db,
            unit,
            {
                "text": proposal.text,
                "status": proposal.status,
                "translator": item.meta.get("translator", ""),
                "origin": "aligned",
                "confidence": proposal.confidence,
                "joined_to": head,
            },
            at=at,
            user=user,
            action=action,
            detail={
                "bead": proposal.bead,
                "confidence": proposal.confidence,
                "file": str(item.path),
                **proposal.note,
                **({"forced": True} if unit["status"] == "approved" else {}),
            },
            carry_bead=False,
        )
    _replace_target_only(db, item, plan.target_only, at)
    # With units kept (approved or leased), the file still differs: the next import shows it.
    _record_file(db, item, at, complete=not (result.kept_approved or result.kept_leased))
    return result


def _leased_by_other(unit: dict[str, Any], user: str, at: str) -> bool:
    return bool(unit["lease_user"]) and unit["lease_user"] != user and unit["lease_expires"] > at


def _replace_target_only(
    db: sqlite_utils.Database, item: PreparedTranslation, lines: list[tuple[int, str]], at: str
) -> None:
    db.execute(
        "DELETE FROM target_only WHERE article_id = ? AND lang = ?", [item.article_id, item.lang]
    )
    position: dict[int, int] = {}
    rows = []
    for after_seq, text in lines:
        position[after_seq] = position.get(after_seq, -1) + 1
        rows.append(
            {
                "article_id": item.article_id,
                "lang": item.lang,
                "after_seq": after_seq,
                "position": position[after_seq],
                "text": text,
                "created_at": at,
            }
        )
    if rows:
        db.table("target_only").insert_all(rows)


def _record_file(
    db: sqlite_utils.Database, item: PreparedTranslation, at: str, *, complete: bool
) -> None:
    db.table("translations").upsert(
        {
            "article_id": item.article_id,
            "lang": item.lang,
            "translator": item.meta.get("translator", ""),
            "meta": json.dumps(item.meta, ensure_ascii=False),
            "path": str(item.path),
            "content_hash": item.content_hash if complete else "",
            "imported_at": at,
        },
        pk=("article_id", "lang"),
    )
