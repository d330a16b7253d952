"""Reading articles and their segments back out of the database."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from tool.errors import NotFoundError


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
