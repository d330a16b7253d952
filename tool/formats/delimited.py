"""CSV and TSV: one row per pair (and per target-only line) with ids, status and people.

The columns translate-toolkit knows (``context``, ``source``, ``target``, ``fuzzy``) carry
their meaning, so ``csv2po`` makes one message per row, each with its own msgctxt.

Spreadsheets run a cell that starts with ``= + - @``, a tab or a carriage return as a
formula (CSV injection), so such a cell is written with a leading apostrophe, the
escape translate-toolkit uses (``po2csv --escape-formulas``); a cell that starts with
an apostrophe followed by one of those gets one more. :func:`restore_cell` undoes it
exactly (so does ``csv2po --unescape-formulas`` for ``= + - @``).
"""

from __future__ import annotations

import csv
import io

from tool.errors import InputError
from tool.formats.base import BaseFormat, Capabilities, ExportOptions
from tool.formats.model import Document, clean_document

COLUMNS = (
    "context",
    "article",
    "segment",
    "unit",
    "paragraph",
    "kind",
    "source_lang",
    "target_lang",
    "source",
    "target",
    "status",
    "fuzzy",
    "translator",
    "reviewer",
    "origin",
    "confidence",
    "comment",
)
FORMULA_STARTS = frozenset("=+-@\t\r")
DELIMITERS = {",": ",", ";": ";", "|": "|", "\t": "\t", "tab": "\t", "\\t": "\t"}
UNFINISHED = frozenset({"needs_review", "rejected"})  # fuzzy in the PO sense


def _formula_like(cell: str) -> bool:
    if not cell:
        return False
    if cell[0] in FORMULA_STARTS:
        return True
    return cell[0] == "'" and _formula_like(cell[1:])


def neutralise_cell(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula (a leading apostrophe when needed)."""
    return f"'{cell}" if _formula_like(cell) else cell


def restore_cell(cell: str) -> str:
    """The text :func:`neutralise_cell` was given (its apostrophe removed)."""
    return cell[1:] if cell[:1] == "'" and _formula_like(cell[1:]) else cell


def delimiter_of(value: str) -> str:
    """A delimiter option (``,`` ``;`` ``|`` or ``tab``) as the character, or InputError."""
    try:
        return DELIMITERS[value]
    except KeyError:
        raise InputError(f"unknown delimiter {value!r}: use , ; | or tab") from None


class DelimitedFormat(BaseFormat):
    """Delimiter-separated values, UTF-8, header row, RFC 4180 quoting."""

    capabilities = Capabilities(many_articles=True, delimited=True)

    def __init__(self, name: str, delimiter: str, *, bom: bool = False) -> None:
        self.name = name
        self.extension = name
        self.delimiter = delimiter
        self.bom = bom
        separator = "tab" if delimiter == "\t" else repr(delimiter)
        self.description = f"{name.upper()}: one row per pair, {separator}-separated, UTF-8"

    def configured(self, options: ExportOptions) -> DelimitedFormat:
        """A copy writing with another delimiter and/or Excel's byte-order mark."""
        delimiter = delimiter_of(options.delimiter) if options.delimiter else self.delimiter
        return DelimitedFormat(self.name, delimiter, bom=options.excel or self.bom)

    def export(self, doc: Document) -> bytes:
        """One article's rows."""
        return self.export_many([doc], doc.source_lang, doc.target_lang)

    def export_many(self, docs: list[Document], source_lang: str, target_lang: str) -> bytes:
        """Many articles' rows under one header."""
        data = export_rows(docs, self.delimiter).encode("utf-8")
        return b"\xef\xbb\xbf" + data if self.bom else data


class CsvFormat(DelimitedFormat):
    """Comma-separated values."""

    def __init__(self) -> None:
        super().__init__("csv", ",")


class TsvFormat(DelimitedFormat):
    """Tab-separated values."""

    def __init__(self) -> None:
        super().__init__("tsv", "\t")


def export_rows(docs: list[Document], delimiter: str) -> str:
    """The documents' rows as delimited text with a header row, formulas neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for doc in map(clean_document, docs):
        for e in doc.entries:
            row = (
                e.key,
                doc.article_id,
                "" if e.segment_id is None else e.segment_id,
                "" if e.unit_id is None else e.unit_id,
                "" if e.paragraph is None else e.paragraph,
                e.kind,
                doc.source_lang,
                doc.target_lang,
                e.source,
                e.target,
                e.status,
                "True" if e.status in UNFINISHED else "False",
                e.translator,
                e.reviewer,
                e.origin,
                "" if e.confidence is None else f"{e.confidence:.2f}",
                e.comment,
            )
            writer.writerow([neutralise_cell(str(cell)) for cell in row])
    return out.getvalue()


__all__ = [
    "COLUMNS",
    "CsvFormat",
    "DelimitedFormat",
    "TsvFormat",
    "delimiter_of",
    "export_rows",
    "neutralise_cell",
    "restore_cell",
]
