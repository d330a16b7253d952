"""CSV and TSV: one row per pair (and per target-only line) with ids, status and people."""

from __future__ import annotations

import csv
import io

from tool.formats.model import Document, clean_document

COLUMNS = (
    "id",
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
    "translator",
    "reviewer",
    "origin",
    "confidence",
    "comment",
)


class DelimitedFormat:
    """Comma- or tab-separated values, UTF-8, header row, RFC 4180 quoting."""

    default_statuses: frozenset[str] | None = None

    def __init__(self, name: str, delimiter: str) -> None:
        self.name = name
        self.extension = name
        self.delimiter = delimiter

    def export(self, doc: Document) -> bytes:
        return export_rows([doc], self.delimiter)


def export_rows(docs: list[Document], delimiter: str) -> bytes:
    """The documents' rows as delimited text with a header row."""
    docs = [clean_document(d) for d in docs]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for doc in docs:
        for e in doc.entries:
            writer.writerow(
                (
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
                    e.translator,
                    e.reviewer,
                    e.origin,
                    "" if e.confidence is None else f"{e.confidence:.2f}",
                    e.comment,
                )
            )
    return out.getvalue().encode("utf-8")


CSV = DelimitedFormat("csv", ",")
TSV = DelimitedFormat("tsv", "\t")
