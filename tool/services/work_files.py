"""Translators' files: export checked-out units as PO/XLIFF, import them back (import-work).

A file is read and checked on its own first (ids, duplicates, control characters);
every rule that depends on the database (the unit, its source, the lease, the status
transition, the user's role and language) is checked inside the write transaction,
against the rows as they are then, and the events' time is taken there. So two runs of
the same file submit each unit once, and an editor's approval made in between is never
undone: the second run finds the approved unit unchanged and writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import sqlite_utils

from tool.clock import stamp
from tool.core.locale import base_lang, validate_lang
from tool.core.normalize import normalise_text, refuse_controls
from tool.core.text import with_article
from tool.db.connection import transaction
from tool.errors import (
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDenied,
    ToolError,
    UnknownLanguageError,
)
from tool.fileio import check_target, write_file
from tool.formats import WORK_FORMATS, get_format
from tool.formats.base import ManyArticles
from tool.formats.common import read_input
from tool.formats.model import Document, WorkFile, WorkItem, is_target_only_key, parse_key
from tool.formats.po import read_po
from tool.formats.xliff import work_from_xliff12
from tool.formats.xliff2 import work_from_xliff2
from tool.formats.xml import detect_encoding, local, parse_xml
from tool.services import leases, qa, units, workflow
from tool.services.exports import load_document
from tool.services.memory import matches_by_unit
from tool.services.users import TRANSLATING_ROLES, require_user

MAX_PROBLEMS = 5
#: What import-work does with entries a file marks "not finished" (the choices of
#: Weblate's upload): keep them as drafts, submit them anyway, or leave them out.
FUZZY_CHOICES = ("draft", "submit", "skip")
DONE_STATUSES = ("translated", "approved")


@dataclass
class WorkImportResult:
    """What import-work did."""

    file: str
    format: str
    lang: str
    applied: list[int] = field(default_factory=list)  # unit ids submitted
    drafts: list[int] = field(default_factory=list)  # unit ids whose draft was saved
    unchanged: int = 0
    untranslated: int = 0
    skipped: int = 0  # not-finished entries left out (--fuzzy skip)
    comments: int = 0  # translator's notes added to units' history
    qa_held: list[dict[str, Any]] = field(default_factory=list)  # kept as drafts: QA errors


@dataclass
class WorkCheckout:
    """A check-out written to a file for a CAT tool."""

    checkout: leases.CheckoutResult
    path: str | None  # None when nothing was checked out (no file written)


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
    """The given units as one PO or XLIFF file for a CAT tool, with memory matches."""
    if fmt not in WORK_FORMATS:
        raise ToolError(f"checked-out work can be written as {', '.join(WORK_FORMATS)}")
    format_ = cast(ManyArticles, get_format(fmt))
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
    return format_.export_many(docs, docs[0].source_lang, lang)


def _add_memory_matches(db: sqlite_utils.Database, doc: Document) -> None:
    """Attach the best memory matches to each entry, for the CAT tool to offer."""
    found = matches_by_unit(db, [e.unit_id for e in doc.entries if e.unit_id], limit=3)
    for entry in doc.entries:
        matches = found.get(entry.unit_id, []) if entry.unit_id is not None else []
        entry.matches = [(m.score, m.source, m.target) for m in matches]


def safe_name(text: str) -> str:
    """``text`` as one harmless file-name part: letters, digits, ``_`` and ``-`` only."""
    cleaned = re.sub(r"[^\w-]+", "-", text, flags=re.UNICODE).strip("-_")
    return cleaned[:64] or "user"


def default_work_file(lang: str, user: str, fmt: str) -> Path:
    """``work-<lang>-<user>.<ext>`` in the current folder, the user's name made safe."""
    extension = get_format(fmt).extension
    return Path(f"work-{safe_name(lang)}-{safe_name(user)}.{extension}")


def checkout_to_file(
    db: sqlite_utils.Database,
    user: str,
    lang: str | None,
    article: str | None,
    fmt: str,
    path: str | Path | None = None,
    *,
    count: int | None = None,
    unit_ids: Iterable[int] | None = None,
    hours: float | None = None,
    force: bool = False,
) -> WorkCheckout:
    """Check units out and write them to a file for a CAT tool, in one transaction.

    The file (default :func:`default_work_file`) is written before the leases are
    committed: if it cannot be written (it exists and ``force`` is not given, its folder
    is missing, the disk is full), no lease is taken. With nothing to check out, no file.
    """
    if fmt not in WORK_FORMATS:
        raise ToolError(f"checked-out work can be written as {', '.join(WORK_FORMATS)}")
    if path is not None:
        check_target(path, force=force)  # fail before leasing anything
    with transaction(db):
        result = leases.checkout(
            db, user, lang, article, count=count, unit_ids=unit_ids, hours=hours
        )
        if not result.units:
            return WorkCheckout(result, None)
        data = export_work(db, [u["id"] for u in result.units], result.lang, fmt)
        target = Path(path) if path is not None else default_work_file(result.lang, user, fmt)
        write_file(target, data, force=force)
    return WorkCheckout(result, str(target))


@dataclass
class _Checked:
    """A file entry that passed the checks that need no database."""

    item: WorkItem
    text: str
    notes: list[str]
    where: str


def import_work(
    db: sqlite_utils.Database,
    path: str | Path | bytes,
    user: str,
    *,
    lang: str | None = None,
    fuzzy: str = "draft",
    override: str | None = None,
    label: str | None = None,
) -> WorkImportResult:
    """Bring a translator's PO/XLIFF file onto the units they hold, all or nothing.

    Every entry with a translation must name a unit of ours (``<article>:<segment id>``)
    in the file's language, with the source text it was exported with; the user must
    hold a live lease on it and the status rules must allow the change (an entry whose
    text is unchanged needs neither). A finished entry is submitted like ``submit``
    (status translated, the user becomes the translator, the lease released); one the
    file marks not finished (PO fuzzy, XLIFF states) is, by ``fuzzy``, saved as a draft
    (the default), submitted, or skipped. The translator's notes become comments in the
    units' history. ``lang`` names the file's language when the file does not. Any
    problem: nothing is written and the error lists the problems. A finished entry whose
    text has QA errors is kept as a draft and reported, unless ``override`` gives a reason
    to submit it anyway (kept in the history). ``path`` may be the file's bytes (an
    upload), with ``label`` the name messages and the history give it.
    """
    if fuzzy not in FUZZY_CHOICES:
        raise InputError(f"--fuzzy must be one of {', '.join(FUZZY_CHOICES)}, not {fuzzy!r}")
    name = label or (str(path) if not isinstance(path, bytes) else "<upload>")
    work = read_work_file(path, name)
    file_lang = _file_lang(work, name, lang)
    result = WorkImportResult(name, work.format, file_lang)
    checked, problems = _check_file(work)
    detail = {"file": name, "format": work.format}
    with transaction(db):
        at = stamp(workflow.moment())  # taken once we hold the write lock
        require_user(db, user, roles=TRANSLATING_ROLES, lang=file_lang)
        plan = []
        for entry in checked:
            if entry.item.unfinished and fuzzy == "skip":
                result.skipped += 1
                continue
            step, problem = _plan_entry(db, entry, user, at, file_lang, work, fuzzy, result)
            if problem:
                problems.append(problem)
            elif step is not None:
                plan.append(step)
        if problems:
            raise _refusal(name, problems)
        for action, unit, entry in plan:
            _apply(db, action, unit, entry, user, at, detail, result, override)
    return result


def _check_file(work: WorkFile) -> tuple[list[_Checked], list[tuple[type[ToolError], str]]]:
    """The entries checked without the database: ids given once, no control characters."""
    checked: list[_Checked] = []
    problems: list[tuple[type[ToolError], str]] = []
    seen: set[str] = set()
    for item in work.items:
        where = f"line {item.line}: " if item.line else ""
        if item.key in seen:
            problems.append((InputError, f"{where}{item.key!r} appears twice"))
            continue
        seen.add(item.key)
        if is_target_only_key(item.key) and not item.source:
            continue  # a target-only line (from a CSV made into PO): no unit to translate
        try:
            text = normalise_text(refuse_controls(item.target, f"{where}{item.key}"))
            notes = [normalise_text(refuse_controls(n, f"{where}{item.key} (note)"))
                     for n in item.notes]  # fmt: skip
        except InputError as error:
            problems.append((InputError, str(error)))
            continue
        checked.append(_Checked(item, text, [n for n in notes if n], where))
    return checked, problems


def _plan_entry(
    db: sqlite_utils.Database,
    entry: _Checked,
    user: str,
    at: str,
    lang: str,
    work: WorkFile,
    fuzzy: str,
    result: WorkImportResult,
) -> tuple[tuple[str, dict[str, Any], _Checked] | None, tuple[type[ToolError], str] | None]:
    """What to do with one entry, checked against the unit as it is now: (step, problem)."""
    item, text, where = entry.item, entry.text, entry.where
    if not text and not entry.notes:
        result.untranslated += 1
        return None, None
    unit, problem = _find_unit(db, item.key, lang, work.source_lang)
    if problem:
        return None, (InputError, f"{where}{problem}")
    assert unit is not None
    if _normal(item.source) != _normal(unit["source"]):
        changed = f"{where}{item.key}: the source text has changed since the export"
        return None, (InputError, changed)
    held = unit["lease_user"] == user and (unit["lease_expires"] or "") > at
    entry.notes = [n for n in entry.notes if n != unit["comment"] and not _noted(db, unit, n)]
    notes_ok = held or unit["translator"] == user
    if not text:
        result.untranslated += 1
        return (("notes", unit, entry), None) if entry.notes and notes_ok else (None, None)
    draft = item.unfinished and fuzzy == "draft"
    if text == unit["text"] and (not held or draft or unit["status"] in DONE_STATUSES):
        result.unchanged += 1  # an untouched entry: neither submitted nor re-credited
        return (("notes", unit, entry), None) if entry.notes and notes_ok else (None, None)
    if not held:
        return None, (PermissionDenied, f"{where}{item.key}: {user} holds no lease on it")
    if "translated" not in workflow.TRANSITIONS.get(unit["status"], ()):
        status = unit["status"]
        return None, (
            ConflictError,
            f"{where}{item.key}: {with_article(status)} unit cannot be submitted",
        )
    return ("draft" if draft else "submit", unit, entry), None


def _apply(
    db: sqlite_utils.Database,
    action: str,
    unit: dict[str, Any],
    entry: _Checked,
    user: str,
    at: str,
    detail: dict[str, Any],
    result: WorkImportResult,
    override: str | None,
) -> None:
    """Write one planned step (the unit was read in this transaction) through the gate."""
    if action == "submit":
        findings = qa.errors_of(qa.check_unit(db, unit["id"], entry.text))
        if findings and not override:
            action = "draft"  # not submitted with QA errors: the translator sees why
            result.qa_held.append(
                {"unit": unit["id"], "qa": [f"{f.check}: {f.message}" for f in findings]}
            )
        else:
            _findings, overridden = qa.gate(db, unit["id"], entry.text, override, "submit")
            workflow.record_submission(
                db, unit, entry.text, user, at=at, action="import-work",
                detail={**detail, **(overridden or {})},
            )  # fmt: skip
            result.applied.append(unit["id"])
    if action == "draft" and entry.text != unit["text"]:
        units.change_unit(
            db, unit, {"text": entry.text}, at=at, user=user, action="draft",
            detail={**detail, "not_finished": True},
        )  # fmt: skip
        result.drafts.append(unit["id"])
    if entry.notes:
        current = units.get_unit(db, unit["id"])
        for note in entry.notes:
            units.note(db, current, at=at, user=user, action="comment", comment=note,
                       detail=detail)  # fmt: skip
            result.comments += 1


def _noted(db: sqlite_utils.Database, unit: dict[str, Any], note: str) -> bool:
    """Is ``note`` already a comment in the unit's history (an earlier import, a review)?"""
    row = db.execute(
        "SELECT 1 FROM events WHERE unit_id = ? AND comment = ? LIMIT 1", [unit["id"], note]
    ).fetchone()
    return row is not None


def _file_lang(work: WorkFile, name: str, lang: str | None) -> str:
    """The file's target language, checked against ``lang`` (which fills it in if missing)."""
    wanted = validate_lang(lang) if lang is not None else None
    if not work.target_lang:
        if wanted is None:
            raise InputError(
                f"{name}: the file does not say its target language (give it with --lang)"
            )
        return wanted
    try:
        file_lang = validate_lang(work.target_lang)
    except UnknownLanguageError:
        raise InputError(f"{name}: unknown target language {work.target_lang!r}") from None
    if wanted is not None and wanted not in (file_lang, base_lang(file_lang)):
        raise InputError(f"{name}: the file is for {file_lang}, not {wanted}")
    return file_lang


def _find_unit(
    db: sqlite_utils.Database, key: str, lang: str, source_lang: str
) -> tuple[dict[str, Any] | None, str]:
    """The unit an entry's id names (with its bead's source text and lease), or a problem."""
    if not key:
        return None, "an entry without an id (msgctxt or unit id)"
    parsed = parse_key(key)
    if parsed is None:
        return None, f"unknown id {key!r}"
    article_id, segment_id = parsed
    rows = list(
        db.query(
            "SELECT u.id, u.lang, u.text, u.status, u.translator, u.comment, u.joined_to, "
            "s.article_id, s.text AS source, a.lang AS source_lang, "
            "l.user AS lease_user, l.expires_at AS lease_expires "
            "FROM segments s JOIN articles a ON a.id = s.article_id "
            "LEFT JOIN units u ON u.segment_id = s.id AND u.lang = ? "
            "LEFT JOIN leases l ON l.unit_id = u.id "
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
    unit["text"] = unit["text"] or ""
    unit["comment"] = unit["comment"] or ""
    return unit, ""


def _lang_or(code: str) -> str:
    try:
        return validate_lang(code)
    except UnknownLanguageError:
        return code


def _normal(text: str) -> str:
    return " ".join(text.split())


def _refusal(name: str, problems: list[tuple[type[ToolError], str]]) -> ToolError:
    """One error listing the problems (the first few), of the first problem's kind."""
    shown = [text for _, text in problems[:MAX_PROBLEMS]]
    more = len(problems) - len(shown)
    if more:
        shown.append(f"and {more} more")
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    return problems[0][0](f"{name}: nothing imported, {count}: " + "; ".join(shown))
