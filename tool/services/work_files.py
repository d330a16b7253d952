"""Translators' files: export checked-out units as PO/XLIFF, import them back (import-work)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from tool.clock import stamp
from tool.core.locale import base_lang, validate_lang
from tool.core.normalize import normalise_text
from tool.db.connection import transaction
from tool.errors import (
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDenied,
    ToolError,
    UnknownLanguageError,
)
from tool.formats import WORK_FORMATS, get_format
from tool.formats.common import read_input
from tool.formats.model import Document, WorkFile, parse_key
from tool.formats.po import export_po, read_po
from tool.formats.xliff import export_xliff, work_from_xliff12
from tool.formats.xliff2 import export_xliff2, work_from_xliff2
from tool.formats.xml import detect_encoding, local, parse_xml
from tool.services.exports import load_document
from tool.services.memory import matches_by_unit
from tool.services.users import TRANSLATING_ROLES, require_user
from tool.services.workflow import TRANSITIONS, get_unit, record_submission

MAX_PROBLEMS = 5


@dataclass
class WorkImportResult:
    """What import-work did."""

    file: str
    format: str
    lang: str
    applied: list[int] = field(default_factory=list)  # unit ids
    unchanged: int = 0
    untranslated: int = 0


def read_work_file(source: str | Path | bytes, label: str | None = None) -> WorkFile:
    """Read a PO or XLIFF 1.2/2.x file, recognised by its content (not its name)."""
    data, name = read_input(source if isinstance(source, bytes) else str(source), label)
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<", b"\xff\xfe", b"\xfe\xff", b"\x00<")) or detect_encoding(
        data
    ).startswith("utf-16"):
        root = parse_xml(data, name)
        if local(root.tag) != "xliff":
            raise InputError(f"{name}: not a PO or XLIFF file (root element <{local(root.tag)}>)")
        version = root.get("version", "")
        if version.startswith("2"):
            return work_from_xliff2(root, name)
        return work_from_xliff12(root, name)
    return read_po(data, name)


def export_work(
    db: sqlite_utils.Database, unit_ids: Iterable[int], lang: str, fmt: str = "po"
) -> bytes:
    """The given units as one PO or XLIFF file for a CAT tool (untranslated: empty target)."""
    format_ = get_format(fmt)
    if format_.name not in WORK_FORMATS:
        raise ToolError(f"checked-out work can be written as {', '.join(WORK_FORMATS)}")
    lang = validate_lang(lang)
    wanted = set(unit_ids)
    if not wanted:
        raise ToolError("no units to export")
    marks = ",".join("?" * len(wanted))
    rows = list(
        db.query(
            "SELECT u.id, u.lang, s.article_id FROM units u "
            f"JOIN segments s ON s.id = u.segment_id WHERE u.id IN ({marks}) "
            "ORDER BY s.article_id, s.seq",
            list(wanted),
        )
    )
    missing = wanted - {r["id"] for r in rows}
    if missing:
        raise NotFoundError(f"no unit {min(missing)}")
    other = [r["id"] for r in rows if r["lang"] != lang]
    if other:
        raise InputError(f"unit {other[0]} is not in {lang}")
    docs: list[Document] = []
    for article_id in dict.fromkeys(r["article_id"] for r in rows):
        doc = load_document(db, article_id, lang)
        doc.entries = [e for e in doc.pairs if e.unit_id in wanted]
        _add_memory_matches(db, doc)
        docs.append(doc)
    if format_.name == "po":
        project = docs[0].article_id if len(docs) == 1 else "translation-desk"
        return export_po(docs, docs[0].source_lang, lang, project)
    if format_.name == "xliff":
        return export_xliff(docs)
    return export_xliff2(docs)


def _add_memory_matches(db: sqlite_utils.Database, doc: Document) -> None:
    """Attach the best memory matches to each entry, for the CAT tool to offer."""
    found = matches_by_unit(db, [e.unit_id for e in doc.entries if e.unit_id], limit=3)
    for entry in doc.entries:
        entry.matches = [(m.score, m.source, m.target) for m in found.get(entry.unit_id, [])]


def import_work(
    db: sqlite_utils.Database,
    path: str | Path,
    user: str,
    *,
    lang: str | None = None,
) -> WorkImportResult:
    """Submit a translator's PO/XLIFF file onto the units they hold, all or nothing.

    Every entry with a translation must name a unit of ours (``<article>:<segment id>``)
    in the file's language, with the source text it was exported with; the user must
    hold a live lease on it and the status rules must allow a submission (an entry whose
    text is unchanged needs neither, and is left alone while the file still marks it
    fuzzy or needing review). Any problem: nothing is written and the error lists
    the problems. Each submission is like ``submit``: status translated, the user becomes
    the translator, an ``import-work`` event, the lease released.
    """
    name = str(path)
    work = read_work_file(path)
    file_lang = _file_lang(work, name)
    if lang is not None and validate_lang(lang) not in (file_lang, base_lang(file_lang)):
        raise InputError(f"{name}: the file is for {file_lang}, not {validate_lang(lang)}")
    require_user(db, user, roles=TRANSLATING_ROLES, lang=file_lang)
    result = WorkImportResult(name, work.format, file_lang)
    problems: list[tuple[type[ToolError], str]] = []
    plan: list[tuple[int, str]] = []
    now = stamp()
    seen: set[str] = set()
    for item in work.items:
        where = f"line {item.line}: " if item.line else ""
        if item.key in seen:
            problems.append((InputError, f"{where}{item.key!r} appears twice"))
            continue
        seen.add(item.key)
        text = normalise_text(item.target)
        if not text:
            result.untranslated += 1
            continue
        unit, problem = _find_unit(db, item.key, file_lang, work.source_lang)
        if problem:
            problems.append((InputError, f"{where}{problem}"))
            continue
        assert unit is not None
        if _normal(item.source) != _normal(unit["source"]):
            problems.append(
                (InputError, f"{where}{item.key}: the source text has changed since the export")
            )
            continue
        held = _holds_lease(db, unit["id"], user, now)
        still_unsure = item.status in ("needs_review", "new")  # fuzzy, needs-review: not done
        if text == unit["text"] and (
            not held or still_unsure or unit["status"] in ("translated", "approved")
        ):
            result.unchanged += 1  # an untouched entry: neither submitted nor re-credited
            continue
        if not held:
            problems.append((PermissionDenied, f"{where}{item.key}: {user} holds no lease on it"))
            continue
        if "translated" not in TRANSITIONS.get(unit["status"], ()):
            problems.append(
                (ConflictError, f"{where}{item.key}: a {unit['status']} unit cannot be submitted")
            )
            continue
        plan.append((unit["id"], text))
    if problems:
        raise _refusal(name, problems)
    detail = {"file": name, "format": work.format}
    with transaction(db):
        for unit_id, text in plan:
            unit = get_unit(db, unit_id)
            record_submission(db, unit, text, user, at=now, action="import-work", detail=detail)
            result.applied.append(unit_id)
    return result


def _file_lang(work: WorkFile, name: str) -> str:
    if not work.target_lang:
        raise InputError(f"{name}: the file does not say its target language")
    try:
        return validate_lang(work.target_lang)
    except UnknownLanguageError:
        raise InputError(f"{name}: unknown target language {work.target_lang!r}") from None


def _find_unit(
    db: sqlite_utils.Database, key: str, lang: str, source_lang: str
) -> tuple[dict[str, Any] | None, str]:
    """The unit an entry's id names (with its bead's source text), or a problem."""
    if not key:
        return None, "an entry without an id (msgctxt or unit id)"
    parsed = parse_key(key)
    if parsed is None:
        return None, f"unknown id {key!r}"
    article_id, segment_id = parsed
    rows = list(
        db.query(
            "SELECT u.id, u.text, u.status, u.joined_to, s.text AS source, a.lang AS source_lang "
            "FROM segments s JOIN articles a ON a.id = s.article_id "
            "LEFT JOIN units u ON u.segment_id = s.id AND u.lang = ? "
            "WHERE s.id = ? AND s.article_id = ? AND s.obsolete = 0",
            [lang, segment_id, article_id],
        )
    )
    if not rows:
        return None, f"unknown id {key!r}"
    unit = rows[0]
    if source_lang and base_lang(_lang_or(source_lang)) != base_lang(unit["source_lang"]):
        return (
            None,
            f"{key}: the file's source language is {source_lang}, "
            f"the article's is {unit['source_lang']}",
        )
    if unit["id"] is None:
        return None, f"{key}: no {lang} unit to translate (not checked out)"
    if unit["joined_to"]:
        return None, f"{key}: part of another segment's bead; translate the bead's first segment"
    joined = [r[0] for r in db.execute(
        "SELECT s.text FROM units u JOIN segments s ON s.id = u.segment_id "
        "WHERE u.joined_to = ? AND s.obsolete = 0 ORDER BY s.seq", [unit["id"]])]  # fmt: skip
    unit["source"] = " ".join([unit["source"], *joined])
    return unit, ""


def _lang_or(code: str) -> str:
    try:
        return validate_lang(code)
    except UnknownLanguageError:
        return code


def _normal(text: str) -> str:
    return " ".join(text.split())


def _holds_lease(db: sqlite_utils.Database, unit_id: int, user: str, now: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM leases WHERE unit_id = ? AND user = ? AND expires_at > ?",
        [unit_id, user, now],
    ).fetchone()
    return row is not None


def _refusal(name: str, problems: list[tuple[type[ToolError], str]]) -> ToolError:
    """One error listing the problems (the first few), of the first problem's kind."""
    shown = [text for _, text in problems[:MAX_PROBLEMS]]
    more = len(problems) - len(shown)
    if more:
        shown.append(f"and {more} more")
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    return problems[0][0](f"{name}: nothing imported, {count}: " + "; ".join(shown))
