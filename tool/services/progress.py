"""Reports: a unit's history and the desk's progress per article, language and translator."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlite_utils

from tool.clock import stamp
from tool.core.locale import validate_lang
from tool.errors import NotFoundError
from tool.services.users import require_user
from tool.services.workflow import STATUSES, moment


def history(db: sqlite_utils.Database, unit_id: int, user: str) -> list[dict[str, Any]]:
    """Every event of a unit, oldest first (``detail`` decoded from JSON)."""
    require_user(db, user)
    if db.execute("SELECT 1 FROM units WHERE id = ?", [unit_id]).fetchone() is None:
        raise NotFoundError(f"no unit {unit_id}")
    events = list(
        db.query(
            "SELECT id, at, user, action, old_status, new_status, old_text, new_text, comment, "
            "detail FROM events WHERE unit_id = ? ORDER BY id",
            [unit_id],
        )
    )
    for event in events:
        event["detail"] = json.loads(event["detail"]) if event["detail"] else None
    return events


@dataclass
class StatusReport:
    """Units and source words per status for each article and language, and the leases."""

    rows: list[dict[str, Any]] = field(default_factory=list)  # one per article and language
    totals: list[dict[str, Any]] = field(default_factory=list)  # one per language
    leases: list[dict[str, Any]] = field(default_factory=list)  # who holds what until when
    by: str | None = None


def _empty_row(article: str, lang: str) -> dict[str, Any]:
    return {
        "article": article,
        "lang": lang,
        "units": 0,
        "words": 0,
        **{s: 0 for s in STATUSES},
        "status_words": {s: 0 for s in STATUSES},
        "percent_approved": 0.0,
    }


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    row["percent_approved"] = round(100 * row["approved"] / row["units"], 1) if row["units"] else 0
    return row


def status(
    db: sqlite_utils.Database,
    user: str,
    article: str | None = None,
    lang: str | None = None,
    *,
    by: str | None = None,
    now: datetime | None = None,
) -> StatusReport:
    """Progress per article and language: units and source words per status, % approved.

    Live segments without a unit yet count as ``new``. Languages are ``lang``, else every
    language with units plus every language a registered user works in. With ``by``, only
    units that user translated are counted (per article and language) and only their leases.
    """
    require_user(db, user)
    at = stamp(moment(now))
    lang = validate_lang(lang) if lang else None
    if article and db.execute("SELECT 1 FROM articles WHERE id = ?", [article]).fetchone() is None:
        raise NotFoundError(f"no article {article!r}")
    report = StatusReport(by=by)
    where, params = "s.obsolete = 0", []
    if article:
        where += " AND s.article_id = ?"
        params.append(article)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    if by:
        sql = (
            "SELECT s.article_id, u.lang, u.status, COUNT(*), COALESCE(SUM(s.words), 0) "
            "FROM units u JOIN segments s ON s.id = u.segment_id "
            f"WHERE {where} AND u.translator = ?"
            + (" AND u.lang = ?" if lang else "")
            + " GROUP BY s.article_id, u.lang, u.status"
        )
        counts = db.execute(sql, [*params, by, *([lang] if lang else [])]).fetchall()
    else:
        counts = []
        for code in [lang] if lang else _languages(db, article):
            counts += db.execute(
                "SELECT s.article_id, ?, COALESCE(u.status, 'new'), COUNT(*), "
                "COALESCE(SUM(s.words), 0) FROM segments s "
                "JOIN articles a ON a.id = s.article_id AND a.lang != ? "
                "LEFT JOIN units u ON u.segment_id = s.id AND u.lang = ? "
                f"WHERE {where} GROUP BY s.article_id, COALESCE(u.status, 'new')",
                [code, code, code, *params],
            ).fetchall()
    for article_id, code, unit_status, units, words in counts:
        row = rows.setdefault((article_id, code), _empty_row(article_id, code))
        row[unit_status] = row.get(unit_status, 0) + units
        row["status_words"][unit_status] = row["status_words"].get(unit_status, 0) + words
        row["units"] += units
        row["words"] += words
    report.rows = [_finish(rows[key]) for key in sorted(rows)]
    totals: dict[str, dict[str, Any]] = {}
    for row in report.rows:
        total = totals.setdefault(row["lang"], _empty_row("", row["lang"]))
        for key in ("units", "words", *STATUSES):
            total[key] += row[key]
        for key, value in row["status_words"].items():
            total["status_words"][key] += value
    report.totals = [_finish(totals[key]) for key in sorted(totals)]
    report.leases = _leases(db, at, article, lang, by)
    return report


def _languages(db: sqlite_utils.Database, article: str | None) -> list[str]:
    """Target languages: those with units (in the article), and those users work in."""
    if article:
        found = db.execute(
            "SELECT DISTINCT u.lang FROM units u JOIN segments s ON s.id = u.segment_id "
            "WHERE s.article_id = ?",
            [article],
        ).fetchall()
    else:
        found = db.execute("SELECT DISTINCT lang FROM units").fetchall()
    langs = {r[0] for r in found}
    for (languages,) in db.execute("SELECT languages FROM users"):
        langs.update(json.loads(languages or "[]"))
    return sorted(langs)


def _leases(
    db: sqlite_utils.Database, at: str, article: str | None, lang: str | None, by: str | None
) -> list[dict[str, Any]]:
    """Live leases grouped by holder, article and language, with the earliest expiry."""
    where, params = "l.expires_at > ?", [at]
    for column, value in (("s.article_id", article), ("u.lang", lang), ("l.user", by)):
        if value:
            where += f" AND {column} = ?"
            params.append(value)
    return list(
        db.query(
            "SELECT l.user, s.article_id AS article, u.lang, COUNT(*) AS units, "
            "MIN(l.expires_at) AS until, MAX(l.expires_at) AS last_until "
            "FROM leases l JOIN units u ON u.id = l.unit_id "
            f"JOIN segments s ON s.id = u.segment_id WHERE {where} "
            "GROUP BY l.user, s.article_id, u.lang ORDER BY l.user, s.article_id, u.lang",
            params,
        )
    )
