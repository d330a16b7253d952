"""Offline review that comes back: apply an editor's XLSX or DOCX review (import-review).

Each row of a review file names a unit and the version it had when the file was
exported. Inside one write transaction, every row is checked against the unit as it is
then: a unit changed since the export is refused (reported, left alone); the others
are applied with the editor's identity and permissions through :mod:`tool.services.review`
(an approval, an approval with the editor's corrected target, a rejection with its
comment). Any other problem (an unknown unit, a decision that is not one, a rejection
without a comment, a unit the editor may not review) refuses the whole file.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import sqlite_utils

from tool.core.locale import validate_lang
from tool.core.normalize import normalise_text, refuse_controls
from tool.db.connection import transaction
from tool.errors import InputError, NotFoundError, ToolError, UnknownLanguageError
from tool.formats import get_format
from tool.formats.base import ReadsReview
from tool.formats.common import read_input
from tool.formats.model import ReviewFile, ReviewRow, parse_key, unit_version
from tool.services import review, workflow
from tool.services.users import REVIEWING_ROLES, require_user

MAX_PROBLEMS = 5
LEAVE = ("", "leave")
DECISIONS = ("approved", "rejected", "leave")


@dataclass
class RefusedRow:
    """A row not applied because its unit changed after the export."""

    where: str
    unit_id: int
    reason: str


@dataclass
class ReviewImportResult:
    """What import-review did."""

    file: str
    format: str
    approved: list[int] = field(default_factory=list)
    edited: list[int] = field(default_factory=list)  # approved with the editor's correction
    rejected: list[int] = field(default_factory=list)
    unchanged: int = 0
    refused: list[RefusedRow] = field(default_factory=list)


def review_format(data: bytes, name: str) -> str:
    """``xlsx`` or ``docx``, from the package's content."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        raise InputError(f"{name}: not an XLSX or DOCX review file") from None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    raise InputError(f"{name}: not an XLSX or DOCX review file")


def read_review_file(source: str | Path | bytes, label: str | None = None) -> ReviewFile:
    """Read an XLSX or DOCX review file, recognised by its content."""
    data, name = read_input(source if isinstance(source, bytes) else str(source), label)
    fmt = cast(ReadsReview, get_format(review_format(data, name)))
    return fmt.read_review(data, name)


@dataclass
class _Row:
    row: ReviewRow
    decision: str
    target: str
    comment: str


def import_review(db: sqlite_utils.Database, path: str | Path, user: str) -> ReviewImportResult:
    """Apply an editor's review file, all or nothing but for units changed since the export."""
    name = str(path)
    found = read_review_file(path)
    lang = _lang(found, name)
    rows, problems = _check_rows(found)
    result = ReviewImportResult(name, found.format)
    with transaction(db):
        require_user(db, user, roles=REVIEWING_ROLES)
        for entry in rows:
            try:
                _apply(db, entry, user, lang, result)
            except ToolError as error:
                problems.append(f"{entry.row.where}: {error}")
        if problems:
            shown = problems[:MAX_PROBLEMS]
            if len(problems) > len(shown):
                shown.append(f"and {len(problems) - len(shown)} more")
            count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
            raise InputError(f"{name}: nothing applied, {count}: " + "; ".join(shown))
    return result


def _lang(found: ReviewFile, name: str) -> str | None:
    if not found.target_lang:
        return None
    try:
        return validate_lang(found.target_lang)
    except UnknownLanguageError:
        raise InputError(f"{name}: unknown target language {found.target_lang!r}") from None


def _check_rows(found: ReviewFile) -> tuple[list[_Row], list[str]]:
    """The rows checked without the database: ids, decisions, comments, text."""
    rows: list[_Row] = []
    problems: list[str] = []
    seen: set[int] = set()
    for row in found.rows:
        where = row.where
        if row.unit_id is None or parse_key(row.key) is None:
            problems.append(f"{where}: no unit id (were the id columns changed?)")
            continue
        if row.unit_id in seen:
            problems.append(f"{where}: unit {row.unit_id} appears twice")
            continue
        seen.add(row.unit_id)
        if not row.version:
            problems.append(f"{where}: the unit's version is missing (was it removed?)")
            continue
        decision = row.decision
        if decision in ("approve", "ok", "yes"):
            decision = "approved"
        elif decision in ("reject", "no"):
            decision = "rejected"
        try:
            target = normalise_text(refuse_controls(row.target, f"{where}: target"))
            comment = normalise_text(refuse_controls(row.comment, f"{where}: comment"))
        except InputError as error:
            problems.append(str(error))
            continue
        rows.append(_Row(row, decision, target, comment))
    return rows, problems


def _apply(
    db: sqlite_utils.Database, entry: _Row, user: str, lang: str | None, result: ReviewImportResult
) -> None:
    """Apply one row against its unit as it is now (inside the transaction)."""
    row = entry.row
    assert row.unit_id is not None
    unit = workflow.get_unit(db, row.unit_id)
    key = parse_key(row.key)
    segment = db.execute("SELECT segment_id FROM units WHERE id = ?", [unit["id"]]).fetchone()
    if key is None or key != (unit["article_id"], segment[0]):
        raise NotFoundError(f"unit {row.unit_id} is not segment {row.key}")
    if lang is not None and unit["lang"] != lang:
        raise InputError(f"unit {unit['id']} is in {unit['lang']}, the file in {lang}")
    text = unit["text"] or ""
    now = unit_version(unit["id"], unit["status"], text, unit["updated_at"] or "")
    if now != row.version:
        result.refused.append(RefusedRow(row.where, unit["id"], _changed(unit)))
        return
    decision = entry.decision
    edited = entry.target != normalise_text(text)
    new_comment = entry.comment if entry.comment != normalise_text(unit["comment"] or "") else ""
    if decision in LEAVE or decision == unit["status"]:
        if edited:
            raise InputError(
                f"unit {unit['id']}: the target was edited but its status says to leave it "
                "(set approved to approve it with your edit, or undo the edit)"
            )
        result.unchanged += 1
        return
    if decision == "approved":
        done = review.approve(
            db, [unit["id"]], user, text=entry.target if edited else None, comment=new_comment
        )
        result.approved.append(unit["id"])
        result.edited.extend(done.edited)
    elif decision == "rejected":
        comment = entry.comment
        if not comment:
            raise InputError(f"unit {unit['id']}: a rejection needs a comment saying what to fix")
        if edited:
            comment = f"{comment} (suggested: {entry.target})"
        review.reject(db, unit["id"], user, comment)
        result.rejected.append(unit["id"])
    else:
        shown = row.decision or "(empty)"
        raise InputError(f"status {shown!r} is not one of {', '.join(DECISIONS)}")


def _changed(unit: dict[str, Any]) -> str:
    """Why a row was refused: what the unit is now."""
    who = f" by {unit['translator']}" if unit["translator"] else ""
    status = str(unit["status"]).replace("_", " ")
    return (
        f"unit {unit['id']} changed since the file was exported (it is now {status}{who}, "
        f"{workflow.when(unit['updated_at'])}): export it again to review it"
    )
