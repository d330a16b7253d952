"""Reading articles and their segments back out of the database."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from tool.errors import InputError, NotFoundError


def list_articles(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every article with its live segment and word counts, by id."""
    sql = """
        SELECT a.id, a.title, a.lang, a.section, a.published,
               COUNT(s.id) AS segments, COALESCE(SUM(s.words), 0) AS words
        FROM articles a LEFT JOIN segments s ON s.article_id = a.id AND s.obsolete = 0
        GROUP BY a.id ORDER BY a.id
    """
    return [dict(row) for row in db.query(sql)]


def get_article(db: sqlite_utils.Database, article_id: str) -> dict[str, Any]:
    """One article's row (with its front matter decoded) or NotFoundError."""
    rows = list(db.query("SELECT * FROM articles WHERE id = ?", [article_id]))
    if not rows:
        raise NotFoundError(f"no article {article_id!r}")
    article = rows[0]
    article["meta"] = json.loads(article["meta"] or "{}")
    return article


def article_segments(db: sqlite_utils.Database, article_id: str) -> list[dict[str, Any]]:
    """The live segments of an article in order."""
    get_article(db, article_id)
    return list(
        db.query(
            "SELECT id, seq, paragraph, position, kind, text, words FROM segments "
            "WHERE article_id = ? AND obsolete = 0 ORDER BY seq",
            [article_id],
        )
    )


def article_pairs(db: sqlite_utils.Database, article_id: str, lang: str) -> list[dict[str, Any]]:
    """The article's segments side by side with their ``lang`` units, in order.

    Target-only lines (credits, additions that pair with no source segment) appear where
    they stand, with ``segment_id`` None. Units joined into another unit's bead carry
    ``joined_to`` and an empty target. ``alignment_note`` says why the aligner sent a
    unit to review (see ``tool.services.translations.alignment_note``), or is empty.
    """
    from tool.services.translations import alignment_notes

    if get_article(db, article_id)["lang"] == lang:
        raise InputError(f"article {article_id!r} is written in {lang}; choose a target language")
    rows = [
        {**row, "target_only": False}
        for row in db.query(
            """
            SELECT s.id AS segment_id, s.seq, s.paragraph, s.kind, s.text AS source,
                   u.id AS unit_id, COALESCE(u.text, '') AS target,
                   COALESCE(u.status, 'new') AS status,
                   u.confidence, u.translator, u.reviewer, u.origin, u.joined_to, u.comment
            FROM segments s LEFT JOIN units u ON u.segment_id = s.id AND u.lang = ?
            WHERE s.article_id = ? AND s.obsolete = 0 ORDER BY s.seq
            """,
            [lang, article_id],
        )
    ]
    extras = list(
        db.query(
            "SELECT id, after_seq, position, text FROM target_only "
            "WHERE article_id = ? AND lang = ? ORDER BY after_seq, position",
            [article_id, lang],
        )
    )
    notes = alignment_notes(db, (r["unit_id"] for r in rows if r["status"] == "needs_review"))
    for row in rows:
        row["alignment_note"] = notes.get(row["unit_id"], "")
    merged: list[dict[str, Any]] = []
    pending = iter(extras)
    extra = next(pending, None)

    def flush(upto: int) -> None:
        nonlocal extra
        while extra is not None and extra["after_seq"] < upto:
            merged.append(
                {
                    "segment_id": None,
                    "seq": None,
                    "paragraph": None,
                    "kind": "target-only",
                    "source": "",
                    "unit_id": None,
                    "target": extra["text"],
                    "status": "",
                    "confidence": None,
                    "translator": None,
                    "reviewer": None,
                    "origin": None,
                    "joined_to": None,
                    "comment": None,
                    "target_only": True,
                    "alignment_note": "",
                }
            )
            extra = next(pending, None)

    for row in rows:
        flush(row["seq"])
        merged.append(row)
    flush(10**12)
    return merged
