"""Exports that `sync` keeps up to date: only what changed since they were last written.

Triggers record, per article and target language, the number of its last change and of
its last change touching approved units (table ``desk_changes``); ``export_marks`` keeps,
per export folder, format and language, the number it was written up to. A sync then
rewrites the files of the articles changed since (and any that went missing), the index
page when any did, and the formats holding only approved pairs (TMX) only when approvals
changed. A folder written for the first time is written whole.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from tool.clock import stamp
from tool.db.connection import transaction
from tool.fileio import write_file
from tool.formats import file_name, get_format
from tool.formats.html import render_index
from tool.formats.model import Document, Entry
from tool.services.exports import ExportResult, write_combined, write_exports

INDEX = {"html": "index.html"}  # formats whose folder also holds a list of every article
COMBINED = {"tmx": "all.tmx"}  # formats whose folder also holds every article in one file
AGGREGATES = {*INDEX.values(), *COMBINED.values()}
CHUNK = 500  # articles written per call
# In each export folder: which export of which database wrote it (a token per format, also
# kept in export_marks). A folder written since by another database, such as a restored
# backup, no longer matches and is written whole again.
TOKENS = ".desk-exports.json"


def export_changes(
    db: sqlite_utils.Database, exports_root: Path, formats: Sequence[str]
) -> list[ExportResult]:
    """Bring ``exports_root/<lang>/`` up to date in every format, for every target language.

    Each result lists the files written (none when the folder was up to date).
    """
    top = db.execute("SELECT COALESCE(MAX(changed), 0) FROM desk_changes").fetchone()[0]
    results = []
    for lang in _target_languages(db):
        folder = exports_root / lang
        for name in formats:
            fmt = get_format(name)
            results.append(_bring_up_to_date(db, folder, fmt, lang, top))
    return results


def _target_languages(db: sqlite_utils.Database) -> list[str]:
    return [row[0] for row in db.execute("SELECT DISTINCT lang FROM units ORDER BY lang")]


def _bring_up_to_date(
    db: sqlite_utils.Database, folder: Path, fmt: Any, lang: str, top: int
) -> ExportResult:
    key = (str(folder.resolve()), fmt.name, lang)
    row = db.execute(
        "SELECT mark, token FROM export_marks WHERE folder = ? AND format = ? AND lang = ?", key
    ).fetchone()
    tokens = _read_tokens(folder)
    whole = row is None or tokens.get(fmt.name) != row[1]
    approved_only = fmt.default_statuses is not None and fmt.default_statuses <= {"approved"}
    if whole:
        # Never written from this database, or written since by another (a restored
        # backup, another desk): write it whole. (Formats of approved pairs only skip the
        # articles with none: no need to read them.)
        ids = (
            _articles_with(db, lang, fmt.default_statuses)
            if approved_only
            else _article_ids(db, lang)
        )
    else:
        changed = _changed(db, lang, row[0], approved_only) | _missing(db, folder, fmt, lang)
        ids = [article for article in _article_ids(db, lang) if article in changed]
    result = ExportResult(fmt.name, lang)
    for start in range(0, len(ids), CHUNK):  # a chunk at a time: memory stays flat
        part = write_exports(db, lang, fmt.name, folder, ids[start : start + CHUNK])
        result.files += [f for f in part.files if Path(f).name not in AGGREGATES]
        result.articles += part.articles
        result.entries += part.entries
        result.skipped += part.skipped
        result.partial += part.partial
    if ids:
        result.files += _rewrite_aggregates(db, folder, fmt, lang)
    if whole or result.files:  # a new token: the folder now holds this database's export
        token = secrets.token_hex(8)
        with transaction(db):
            db.execute(
                "INSERT OR REPLACE INTO export_marks (folder, format, lang, mark, token, "
                "exported_at) VALUES (?, ?, ?, ?, ?, ?)",
                [*key, top, token, stamp()],
            )
        folder.mkdir(parents=True, exist_ok=True)
        _write_tokens(folder, {**tokens, fmt.name: token})
    elif row[0] != top:  # nothing to write: only the mark moves on
        with transaction(db):
            db.execute(
                "UPDATE export_marks SET mark = ? WHERE folder = ? AND format = ? AND lang = ?",
                [top, *key],
            )
    return result


def _read_tokens(folder: Path) -> dict[str, str]:
    """The tokens of the exports in ``folder``, per format ({} when there are none)."""
    try:
        data = json.loads((folder / TOKENS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_tokens(folder: Path, tokens: dict[str, str]) -> None:
    write_file(folder / TOKENS, json.dumps(tokens, sort_keys=True).encode("utf-8"), force=True)


def _article_ids(db: sqlite_utils.Database, lang: str) -> list[str]:
    """Every article to export into ``lang`` (those not written in it), by id."""
    return [r[0] for r in db.execute("SELECT id FROM articles WHERE lang != ? ORDER BY id", [lang])]


def _changed(db: sqlite_utils.Database, lang: str, mark: int, approved_only: bool) -> set[str]:
    """Articles whose rows changed after ``mark`` (their approved units, if ``approved_only``)."""
    column = "approvals" if approved_only else "changed"
    return {
        r[0]
        for r in db.execute(
            f"SELECT article_id FROM desk_changes WHERE {column} > ? AND lang IN (?, '*')",
            [mark, lang],
        )
    }


def _missing(db: sqlite_utils.Database, folder: Path, fmt: Any, lang: str) -> set[str]:
    """Articles whose file should be in ``folder`` and is not (deleted by hand, say)."""
    present = {entry.name for entry in _scan(folder)}
    expected: Iterable[str]
    if fmt.default_statuses is None:
        expected = _article_ids(db, lang)
    else:
        expected = _articles_with(db, lang, fmt.default_statuses)
    missing = {article for article in expected if file_name(fmt, article) not in present}
    aggregate = INDEX.get(fmt.name) or COMBINED.get(fmt.name)
    if aggregate and aggregate not in present and not missing:
        missing = set(list(expected)[:1])  # writing one article rewrites the aggregate too
    return missing


def _scan(folder: Path) -> list[os.DirEntry[str]]:
    try:
        return list(os.scandir(folder))
    except OSError:
        return []


def _articles_with(db: sqlite_utils.Database, lang: str, statuses: Iterable[str]) -> list[str]:
    """Articles with at least one translated pair in one of ``statuses``."""
    chosen = sorted(statuses)
    marks = ", ".join("?" * len(chosen))
    return [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT s.article_id FROM units u JOIN segments s ON s.id = u.segment_id "
            f"WHERE u.lang = ? AND u.status IN ({marks}) AND u.text != '' AND s.obsolete = 0 "
            "ORDER BY s.article_id",
            [lang, *chosen],
        )
    ]


def _rewrite_aggregates(db: sqlite_utils.Database, folder: Path, fmt: Any, lang: str) -> list[str]:
    """write_exports wrote the aggregate files from the chosen articles only: write them
    again from every article. Returns the files written."""
    written = []
    if fmt.name in INDEX:
        index = folder / INDEX[fmt.name]
        documents = index_documents(db, lang)
        links = {doc.article_id: file_name(fmt, doc.article_id) for doc in documents}
        write_file(index, render_index(documents, links, lang).encode("utf-8"), force=True)
        written.append(str(index))
    if fmt.name in COMBINED:
        published = _articles_with(db, lang, fmt.default_statuses or ())
        if published:
            combined = folder / COMBINED[fmt.name]
            write_combined(db, lang, fmt.name, combined, published)
            written.append(str(combined))
    return written


def index_documents(db: sqlite_utils.Database, lang: str) -> list[Document]:
    """Every article as the index page needs it (title, pairs, approved pairs), by id.

    Counted in SQL as :func:`tool.services.exports.load_document` folds pairs: a unit
    joined to a head unit earlier in the article is part of the head's pair.
    """
    rows = db.execute(
        """
        SELECT a.id, a.title, a.lang,
               COUNT(s.id) - COUNT(folded.id) AS pairs,
               SUM(folded.id IS NULL AND u.status = 'approved') AS approved
        FROM articles a
        LEFT JOIN segments s ON s.article_id = a.id AND s.obsolete = 0
        LEFT JOIN units u ON u.segment_id = s.id AND u.lang = :lang
        LEFT JOIN units folded ON folded.id = u.id AND u.joined_to IS NOT NULL AND EXISTS (
            SELECT 1 FROM units h JOIN segments hs ON hs.id = h.segment_id
            WHERE h.id = u.joined_to AND hs.article_id = a.id AND hs.obsolete = 0
              AND hs.seq < s.seq)
        WHERE a.lang != :lang
        GROUP BY a.id ORDER BY a.id
        """,
        {"lang": lang},
    ).fetchall()
    blank: dict[str, Any] = dict(
        key="", article_id="", segment_id=None, unit_id=None, seq=None, paragraph=None,
        kind="", source="", target="",
    )  # fmt: skip
    approved, other = Entry(**blank, status="approved"), Entry(**blank, status="")
    return [
        Document(
            article_id=article_id,
            title=title or "",
            source_lang=source_lang,
            target_lang=lang,
            entries=[approved] * (yes or 0) + [other] * ((pairs or 0) - (yes or 0)),
        )
        for article_id, title, source_lang, pairs, yes in rows
    ]
