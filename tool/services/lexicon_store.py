"""The aligner's bilingual lexicon, learned from approved pairs and kept in the database."""

from __future__ import annotations

from collections.abc import Iterator

import sqlite_utils

from tool.clock import stamp
from tool.core.lexicon import Lexicon


def approved_pairs(
    db: sqlite_utils.Database, source_lang: str, target_lang: str
) -> Iterator[tuple[str, str]]:
    """(source, target) text of every approved bead; a bead's joined segments are one source."""
    sql = """
        SELECT u.id, u.text, u.joined_to, s.text AS source
        FROM units u JOIN segments s ON s.id = u.segment_id
        JOIN articles a ON a.id = s.article_id
        WHERE u.lang = ? AND a.lang = ? AND u.status = 'approved' AND s.obsolete = 0
        ORDER BY s.article_id, s.seq
    """
    beads: dict[int, list[str]] = {}
    targets: dict[int, str] = {}
    for row in db.query(sql, [target_lang, source_lang]):
        head = row["joined_to"] or row["id"]
        beads.setdefault(head, []).append(row["source"])
        if not row["joined_to"]:
            targets[head] = row["text"]
    for head, sources in beads.items():
        if targets.get(head):
            yield " ".join(sources), targets[head]


def count_approved(db: sqlite_utils.Database, source_lang: str, target_lang: str) -> int:
    return db.execute(
        "SELECT COUNT(*) FROM units u JOIN segments s ON s.id = u.segment_id "
        "JOIN articles a ON a.id = s.article_id "
        "WHERE u.lang = ? AND a.lang = ? AND u.status = 'approved' AND u.joined_to IS NULL",
        [target_lang, source_lang],
    ).fetchone()[0]


def _learn(db: sqlite_utils.Database, source_lang: str, target_lang: str) -> Lexicon:
    pairs = list(approved_pairs(db, source_lang, target_lang))
    return Lexicon.learn(pairs, source_lang=source_lang, target_lang=target_lang)


def store_lexicon(
    db: sqlite_utils.Database, source_lang: str, target_lang: str, lexicon: Lexicon
) -> None:
    """Keep a lexicon learned from the current approvals, so the next import reuses it."""
    db.table("lexicon").upsert(
        {
            "source_lang": source_lang,
            "target_lang": target_lang,
            "data": lexicon.to_json(),
            "pairs": count_approved(db, source_lang, target_lang),
            "updated_at": stamp(),
        },
        pk=("source_lang", "target_lang"),
    )


def load_lexicon(db: sqlite_utils.Database, source_lang: str, target_lang: str) -> Lexicon | None:
    """The stored lexicon, or one learned afresh (not stored) when approvals changed since.

    Read-only (an import stores it with :func:`store_lexicon` inside its own transaction);
    None with no approved pairs.
    """
    approved = count_approved(db, source_lang, target_lang)
    if not approved:
        return None
    row = db.execute(
        "SELECT data, pairs FROM lexicon WHERE source_lang = ? AND target_lang = ?",
        [source_lang, target_lang],
    ).fetchone()
    if row and row[1] == approved:
        return Lexicon.from_json(row[0])
    return _learn(db, source_lang, target_lang)
