"""Importing existing translations: segment them, align them with the original, store units."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from tool.clock import stamp
from tool.core.align import REVIEW_THRESHOLD, Bead, align
from tool.core.article import Sentence
from tool.db.connection import transaction
from tool.errors import ConflictError, InputError, NotFoundError
from tool.services.importer import content_hash, find_article_files, prepare_article
from tool.services.lexicon_store import load_lexicon


@dataclass(frozen=True)
class PreparedTranslation:
    path: Path
    article_id: str
    lang: str
    meta: dict[str, str]
    sentences: list[Sentence]
    content_hash: str


@dataclass
class TranslationImportResult:
    article_id: str
    lang: str
    path: str
    action: str  # "aligned" or "unchanged"
    beads: int = 0
    translated: int = 0
    needs_review: int = 0
    untranslated: int = 0
    target_only: int = 0
    alignment: list[str] = field(default_factory=list)


def prepare_translation(
    path: Path, *, article: str = "", lang: str = "", **meta: str
) -> PreparedTranslation:
    """Read and check one translation file (front matter names its original and language)."""
    if article:
        meta = {**meta, "original": article}
    if lang:
        meta = {**meta, "lang": lang}
    if path.suffix.lower() == ".txt" and not meta.get("id"):
        meta = {**meta, "id": meta.get("original") or path.stem}
    _, clean, sentences = prepare_article(path, required=("lang",), **meta)
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
    user: str | None = None,
    article: str = "",
    lang: str = "",
    **meta: str,
) -> list[TranslationImportResult]:
    """Align translation files with their originals and store the result, all or nothing.

    Every file is read, checked and aligned before anything is written.
    """
    prepared = [
        prepare_translation(path, article=article, lang=lang, **meta)
        for path in find_article_files(paths)
    ]
    plans = []
    seen: dict[tuple[str, str], Path] = {}
    for item in prepared:
        key = (item.article_id, item.lang)
        if key in seen:
            raise InputError(
                f"{item.path}: a translation of {item.article_id!r} into {item.lang} "
                f"is also in {seen[key]}"
            )
        seen[key] = item.path
        plans.append(_plan(db, item))
    results = []
    with transaction(db):
        for item, plan in plans:
            results.append(_store(db, item, plan, user))
    return results


@dataclass
class _Plan:
    segments: list[dict]
    beads: list[Bead]
    unchanged: bool


def _plan(
    db: sqlite_utils.Database, item: PreparedTranslation
) -> tuple[PreparedTranslation, _Plan]:
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
    previous = list(
        db.query(
            "SELECT content_hash FROM translations WHERE article_id = ? AND lang = ?",
            [item.article_id, item.lang],
        )
    )
    if previous and previous[0]["content_hash"] == item.content_hash:
        return item, _Plan([], [], unchanged=True)
    busy = db.execute(
        "SELECT COUNT(*) FROM units u JOIN segments s ON s.id = u.segment_id "
        "WHERE s.article_id = ? AND u.lang = ? AND (u.status != 'new' OR u.text != '')",
        [item.article_id, item.lang],
    ).fetchone()[0]
    if busy:
        raise ConflictError(
            f"{item.path}: article {item.article_id!r} already has {busy} {item.lang} "
            "translation(s) in the database; nothing was imported"
        )
    segments = list(
        db.query(
            "SELECT id, seq, paragraph, text FROM segments "
            "WHERE article_id = ? AND obsolete = 0 ORDER BY seq",
            [item.article_id],
        )
    )
    beads = align(
        [s["text"] for s in segments],
        [s.text for s in item.sentences],
        source_lang,
        item.lang,
        source_paragraphs=[s["paragraph"] for s in segments],
        target_paragraphs=[s.paragraph for s in item.sentences],
        lexicon=load_lexicon(db, source_lang, item.lang),
    )
    return item, _Plan(segments, beads, unchanged=False)


def _store(
    db: sqlite_utils.Database, item: PreparedTranslation, plan: _Plan, user: str | None
) -> TranslationImportResult:
    from tool.core.align import format_bead

    result = TranslationImportResult(item.article_id, item.lang, str(item.path), "unchanged")
    if plan.unchanged:
        return result
    result.action = "aligned"
    now = stamp()
    translator = item.meta.get("translator", "")
    actor = user or translator or "import"
    db.execute(
        "DELETE FROM target_only WHERE article_id = ? AND lang = ?", [item.article_id, item.lang]
    )
    after_seq, position = -1, 0
    for bead in plan.beads:
        result.beads += 1
        result.alignment.append(format_bead(bead))
        sources = [plan.segments[i] for i in bead.source]
        target_text = " ".join(item.sentences[j].text for j in bead.target)
        if not sources:
            db["target_only"].insert(
                {
                    "article_id": item.article_id,
                    "lang": item.lang,
                    "after_seq": after_seq,
                    "position": position,
                    "text": target_text,
                    "created_at": now,
                }
            )
            position += 1
            result.target_only += 1
            continue
        after_seq, position = sources[-1]["seq"], 0
        if not bead.target:
            for segment in sources:
                _ensure_unit(db, segment["id"], item.lang, now)
            result.untranslated += len(sources)
            continue
        status = "translated" if bead.confidence >= REVIEW_THRESHOLD else "needs_review"
        if status == "translated":
            result.translated += 1
        else:
            result.needs_review += 1
        head_id = None
        for segment in sources:
            unit_id = _ensure_unit(db, segment["id"], item.lang, now)
            text = target_text if head_id is None else ""
            db["units"].update(
                unit_id,
                {
                    "text": text,
                    "status": status,
                    "translator": translator,
                    "origin": "aligned",
                    "confidence": round(bead.confidence, 4),
                    "joined_to": head_id,
                    "updated_at": now,
                },
            )
            db["events"].insert(
                {
                    "unit_id": unit_id,
                    "at": now,
                    "user": actor,
                    "action": "align",
                    "old_status": "new",
                    "new_status": status,
                    "old_text": "",
                    "new_text": text,
                    "comment": "",
                    "detail": json.dumps(
                        {
                            "bead": format_bead(bead),
                            "confidence": round(bead.confidence, 4),
                            "file": str(item.path),
                        }
                    ),
                }
            )
            if head_id is None:
                head_id = unit_id
    db["translations"].upsert(
        {
            "article_id": item.article_id,
            "lang": item.lang,
            "translator": translator,
            "meta": json.dumps(item.meta, ensure_ascii=False),
            "path": str(item.path),
            "content_hash": item.content_hash,
            "imported_at": now,
        },
        pk=("article_id", "lang"),
    )
    return result


def _ensure_unit(db: sqlite_utils.Database, segment_id: int, lang: str, now: str) -> int:
    row = db.execute(
        "SELECT id FROM units WHERE segment_id = ? AND lang = ?", [segment_id, lang]
    ).fetchone()
    if row:
        return row[0]
    return (
        db["units"]
        .insert(
            {
                "segment_id": segment_id,
                "lang": lang,
                "text": "",
                "status": "new",
                "origin": "human",
                "updated_at": now,
            }
        )
        .last_pk
    )
