"""An Excel review sheet that comes back (openpyxl): one row per pair.

Columns: segment id, unit id, source, target, status, translator, comment, QA findings,
and the unit's version (hidden). The header is frozen, text wraps, widths fit the
content; the id and version columns are protected (the sheet is protected without a
password: target, status and comment stay editable). The status column offers
``approved``, ``rejected`` and ``leave`` (data validation); an editor sets it, writes a
comment for a rejection, or corrects a target (an approval with an edit).

A spreadsheet cell has no language of its own: the header names the languages, and the
workbook's language property is the target's.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from tool.core.locale import language_name
from tool.errors import InputError
from tool.formats.base import BaseFormat, Capabilities
from tool.formats.common import read_input, region_tag
from tool.formats.model import Document, ReviewFile, ReviewRow, clean_document
from tool.formats.zipped import check_package

SHEET = "Review"
DECISIONS = ("approved", "rejected", "leave")
FIXED_TIME = (2000, 1, 1, 0, 0, 0)
EDITABLE = ("target", "status", "comment")
# header -> (width bounds in characters)
COLUMNS = {
    "segment": (10, 28),
    "unit": (6, 10),
    "source": (24, 60),
    "target": (24, 60),
    "status": (12, 14),
    "translator": (10, 20),
    "comment": (20, 40),
    "QA": (16, 40),
    "version": (14, 14),
}


class XlsxFormat(BaseFormat):
    """Excel .xlsx review sheet (pairs only; target-only lines have nothing to review)."""

    name = "xlsx"
    extension = "xlsx"
    description = "an Excel review sheet that comes back with import-review"
    capabilities = Capabilities(reads_review=True, needs_qa=True, binary=True)

    def export(self, doc: Document) -> bytes:
        """The review sheet of one article."""
        return export_xlsx(doc)

    def read_review(self, source: str | bytes, label: str | None = None) -> ReviewFile:
        """An editor's review sheet as read."""
        return read_xlsx_review(source, label)


def _headers(doc: Document) -> list[str]:
    return [
        f"source ({doc.source_lang})" if h == "source" else
        f"target ({doc.target_lang})" if h == "target" else h
        for h in COLUMNS
    ]  # fmt: skip


def _width(values: list[str], low: int, high: int) -> float:
    """A column width that fits most lines of the values, within bounds."""
    lengths = sorted(max((len(line) for line in v.split("\n")), default=0) for v in values)
    typical = lengths[int(len(lengths) * 0.9)] if lengths else 0
    return float(min(high, max(low, typical + 2)))


def export_xlsx(doc: Document) -> bytes:
    """The review workbook of one article (deterministic bytes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    doc = clean_document(doc)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    headers = _headers(doc)
    sheet.append(headers)
    rows: list[list[Any]] = []
    for e in doc.pairs:
        rows.append(
            [
                e.key,
                e.unit_id,
                e.source,
                e.target,
                e.status.replace("_", " "),
                e.translator,
                e.comment,
                "\n".join(e.findings),
                e.version,
            ]
        )
    wrap = Alignment(wrap_text=True, vertical="top")
    unlocked = Protection(locked=False)
    editable = {i for i, key in enumerate(COLUMNS, start=1) if key in EDITABLE}
    for values in rows:
        sheet.append(values)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":  # text that looks like a formula stays text
                cell.data_type = "s"
            cell.alignment = wrap
            if cell.column in editable:
                cell.protection = unlocked
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, (header, (low, high)) in enumerate(COLUMNS.items(), start=1):
        values = [str(r[index - 1] or "") for r in rows] + [headers[index - 1]]
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _width(values, low, high)
        if header == "version":
            sheet.column_dimensions[letter].hidden = True
    status_column = get_column_letter(list(COLUMNS).index("status") + 1)
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(DECISIONS) + '"',
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        promptTitle="Review",
        prompt="approved, rejected (say why in comment) or leave",
        errorTitle="Review",
        error="Choose approved, rejected or leave.",
    )
    sheet.add_data_validation(validation)
    if rows:
        validation.add(f"{status_column}2:{status_column}{len(rows) + 1}")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = False  # False: allowed while protected
    protection.formatRows = False
    protection.autoFilter = False
    protection.sort = False
    _properties(workbook, doc)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_times(buffer.getvalue(), workbook.properties.created)


def _properties(workbook: Any, doc: Document) -> None:
    from datetime import datetime

    stamp = (doc.updated or doc.created or "2000-01-01T00:00:00")[:19]
    moment = datetime.fromisoformat(stamp)
    props = workbook.properties
    props.title = doc.title or doc.article_id
    props.creator = "translation-desk"
    props.lastModifiedBy = "translation-desk"
    props.language = region_tag(doc.target_lang)
    props.description = (
        f"{doc.article_id}: {doc.source_lang} → {doc.target_lang} review sheet "
        f"({language_name(doc.source_lang)} → {language_name(doc.target_lang)})"
    )
    props.created = props.modified = moment


def _fixed_times(data: bytes, modified: Any) -> bytes:
    """The package with fixed times (openpyxl stamps the clock's), so it is deterministic."""
    out = io.BytesIO()
    stamp = modified.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                part = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, part)
            member = zipfile.ZipInfo(info.filename, FIXED_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(member, part)
    return out.getvalue()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx_review(source: str | bytes, label: str | None = None) -> ReviewFile:
    """The rows of a review sheet exported by :func:`export_xlsx`, as an editor left them."""
    from openpyxl import load_workbook

    data, name = read_input(source, label)
    check_package(data, name)
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except (KeyError, ValueError, TypeError, OSError, zipfile.BadZipFile) as error:
        raise InputError(f"{name}: not a readable Excel workbook ({error})") from None
    for sheet in workbook.worksheets:
        found = _read_sheet(sheet, name)
        if found is not None:
            return found
    raise InputError(f"{name}: no review sheet (a header with unit, status and version)")


def _read_sheet(sheet: Any, name: str) -> ReviewFile | None:
    """The review rows of a sheet, or None if it has no review header."""
    rows = sheet.iter_rows(values_only=True)
    for number, header in enumerate(rows, start=1):
        names = [_text(h).strip().lower() for h in header]
        if {"unit", "status", "version"} <= set(names):
            break
        if number >= 10:
            return None
    else:
        return None
    where = {h.split(" (")[0]: i for i, h in reversed(list(enumerate(names)))}
    langs = {h.split(" (")[0]: h.partition(" (")[2].rstrip(")") for h in names if " (" in h}
    missing = [h for h in ("segment", "target", "comment") if h not in where]
    if missing:
        raise InputError(f"{name}: the review sheet has no {missing[0]} column")
    review = ReviewFile(
        format="xlsx", source_lang=langs.get("source", ""), target_lang=langs.get("target", "")
    )
    for offset, values in enumerate(rows, start=number + 1):

        def cell(column: str, values: tuple[Any, ...] = values) -> str:
            index = where[column]
            return _text(values[index]) if index < len(values) else ""

        unit = cell("unit").strip()
        if not unit and not cell("segment").strip():
            continue  # an empty row
        review.rows.append(
            ReviewRow(
                key=cell("segment").strip(),
                unit_id=int(unit) if unit.isdigit() and len(unit) < 19 else None,
                version=cell("version").strip(),
                target=cell("target"),
                decision=cell("status").strip().lower().replace(" ", "_"),
                comment=cell("comment"),
                where=f"row {offset}",
            )
        )
    return review
