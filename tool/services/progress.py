"""Reports: a unit's history and the desk's progress per article, language and translator."""

from __future__ import annotations

import json
import sqlite3
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlite_utils

from tool.clock import stamp
from tool.core.locale import validate_lang
from tool.db.connection import transaction
from tool.errors import NotFoundError, ToolError
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
        for article_id, code, unit_status, units, words in db.execute(
            sql, [*params, by, *([lang] if lang else [])]
        ):
            _add(rows, article_id, code, unit_status, units, words)
    else:
        for code in [lang] if lang else _languages(db, article):
            for article_id, by_status in article_counts(db, code, article).items():
                for unit_status, (units, words) in by_status.items():
                    _add(rows, article_id, code, unit_status, units, words)
    report.rows = [_finish(rows[key]) for key in sorted(rows)]
    totals: dict[str, dict[str, Any]] = {}
    for row in report.rows:
        total = totals.get(row["lang"])
        if total is None:
            total = totals[row["lang"]] = _empty_row("", row["lang"])
        for key in ("units", "words", *STATUSES):
            total[key] += row[key]
        for key, value in row["status_words"].items():
            total["status_words"][key] += value
    report.totals = [_finish(totals[key]) for key in sorted(totals)]
    report.leases = _leases(db, at, article, lang, by)
    return report


def _add(
    rows: dict[tuple[str, str], dict[str, Any]],
    article_id: str,
    lang: str,
    unit_status: str,
    units: int,
    words: int,
) -> None:
    """Count units and words of one status into the article's row (made when missing)."""
    row = rows.get((article_id, lang))
    if row is None:
        row = rows[article_id, lang] = _empty_row(article_id, lang)
    row[unit_status] = row.get(unit_status, 0) + units
    row["status_words"][unit_status] = row["status_words"].get(unit_status, 0) + words
    row["units"] += units
    row["words"] += words


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


COUNTS_VERSION = 1  # bump when what article_counts counts changes: stored counts are redone
# Stored counts carry the version and the statuses they were made with.
_FORMAT = f"{COUNTS_VERSION}-{zlib.crc32(' '.join(STATUSES).encode()):08x};"
_RECOUNT_ALL_FROM = 500  # stale articles; more are counted in one scan of every segment
Counts = tuple[int, ...]  # units and words of each status, in STATUSES order


def article_counts(
    db: sqlite_utils.Database, lang: str, article: str | None = None
) -> dict[str, dict[str, tuple[int, int]]]:
    """Units and source words per status of each article's live segments in ``lang``.

    Articles written in ``lang`` and articles with no live segment are left out; live
    segments without a unit in ``lang`` count as ``new``. The counts of every article are
    kept in ``status_counts`` with the change number they reflect (see ``desk_changes``
    in the schema), so only articles changed since are counted again: on a desk of
    thousands of articles `status` reads a few thousand small rows instead of every
    segment. When the database cannot be written (read-only), they are counted anyway.
    """
    found = _count(db, lang, [article]) if article is not None else _kept_counts(db, lang)
    return {
        article_id: {
            s: (counts[2 * i], counts[2 * i + 1]) for i, s in enumerate(STATUSES) if counts[2 * i]
        }
        for article_id, counts in found.items()
    }


def _kept_counts(db: sqlite_utils.Database, lang: str) -> dict[str, Counts]:
    """Every article's counts: those kept, and those of articles changed since, made again."""
    top = db.execute("SELECT COALESCE(MAX(changed), 0) FROM desk_changes").fetchone()[0]
    kept: dict[str, Counts] = {}
    for article_id, data in db.execute(
        "SELECT article_id, counts FROM status_counts WHERE lang = ?", [lang]
    ):
        if data.startswith(_FORMAT):
            kept[article_id] = tuple(map(int, data[len(_FORMAT) :].split(",")))
    articles = [r[0] for r in db.execute("SELECT id FROM articles WHERE lang != ?", [lang])]
    stale = {a for a in articles if a not in kept}
    stale.update(
        r[0]
        for r in db.execute(
            "SELECT c.article_id FROM desk_changes c JOIN status_counts s "
            "ON s.lang = ? AND s.article_id = c.article_id "
            "WHERE c.lang IN (?, '*') AND c.changed > s.mark",
            [lang, lang],
        )
    )
    if stale:
        fresh = _count(db, lang, None if len(stale) >= _RECOUNT_ALL_FROM else sorted(stale))
        nothing = (0,) * (2 * len(STATUSES))
        updates = {a: fresh.get(a, nothing) for a in stale}
        kept.update(updates)
        _keep_counts(db, lang, top, updates)
    return {a: kept[a] for a in sorted(articles) if any(kept[a])}


def _count(db: sqlite_utils.Database, lang: str, articles: list[str] | None) -> dict[str, Counts]:
    """Count in the segments (of ``articles``, or of every article)."""
    columns = ", ".join(
        f"SUM(status = '{s}'), TOTAL(CASE WHEN status = '{s}' THEN words END)" for s in STATUSES
    )
    where, params = "", {"lang": lang}
    if articles is not None:
        where = "AND s.article_id IN (SELECT value FROM json_each(:articles))"
        params["articles"] = json.dumps(articles)
    return {
        article_id: tuple(int(v) for v in values)
        for article_id, *values in db.execute(
            f"SELECT article_id, {columns} FROM (SELECT s.article_id, s.words, "
            "COALESCE(u.status, 'new') AS status FROM segments s "
            "JOIN articles a ON a.id = s.article_id AND a.lang != :lang "
            "LEFT JOIN units u ON u.segment_id = s.id AND u.lang = :lang "
            f"WHERE s.obsolete = 0 {where}) GROUP BY article_id",
            params,
        )
    }


def _keep_counts(
    db: sqlite_utils.Database, lang: str, mark: int, counts: dict[str, Counts]
) -> None:
    """Store counts as of change ``mark``; a database that cannot be written keeps none."""
    rows = [(lang, a, mark, _FORMAT + ",".join(map(str, c))) for a, c in counts.items()]
    try:
        with transaction(db):
            db.conn.executemany(
                "INSERT OR REPLACE INTO status_counts (lang, article_id, mark, counts) "
                "VALUES (?, ?, ?, ?)",
                rows,
            )
    except (sqlite3.OperationalError, ToolError):  # read-only or locked: counted anyway
        pass
