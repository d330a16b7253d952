"""What every exporter receives (one article's pairs, beads folded) and what readers return."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from typing import Any

from tool.core.status import STATUSES  # noqa: F401  (re-exported for the formats)


@dataclass(kw_only=True)
class Entry:
    """One exported pair: a segment (or a merged bead) and its translation.

    A bead of several source segments is one entry: ``source`` joins their texts and
    ``joined`` lists the segment ids folded into the head. Target-only lines have no
    segment, an empty source and a key of their own (``<article>:t<n>``).
    """

    key: str  # stable id "<article>:<segment id>"; "<article>:t<n>" for target-only lines
    article_id: str
    segment_id: int | None = None
    unit_id: int | None = None
    seq: int | None = None
    paragraph: int | None = None
    kind: str = "text"
    source: str = ""
    target: str = ""
    status: str = "new"
    translator: str = ""
    reviewer: str = ""
    origin: str = ""
    confidence: float | None = None
    comment: str = ""
    created: str = ""  # ISO stamps (may be empty)
    updated: str = ""
    joined: list[int] = field(default_factory=list)
    target_only: bool = False
    matches: list[tuple[int, str, str]] = field(default_factory=list)  # memory: score, src, tgt
    findings: list[str] = field(default_factory=list)  # QA findings, for review files
    version: str = ""  # what the unit was when exported (see :func:`unit_version`)


@dataclass(kw_only=True)
class Document:
    """One article in one target language."""

    article_id: str
    title: str = ""
    source_lang: str
    target_lang: str
    meta: dict[str, Any] = field(default_factory=dict)  # the original's front matter
    translation_meta: dict[str, Any] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    created: str = ""
    updated: str = ""

    @property
    def pairs(self) -> list[Entry]:
        """Entries that have a source segment (not target-only lines)."""
        return [e for e in self.entries if not e.target_only]

    def title_entry(self) -> Entry | None:
        """The pair holding the article's title (paragraph 0), if any."""
        return next((e for e in self.entries if e.paragraph == 0 and not e.target_only), None)


def unit_version(unit_id: int | None, status: str, text: str, updated: str) -> str:
    """A short token for a unit as it is now: review files carry it to detect later changes."""
    if unit_id is None:
        return ""
    digest = hashlib.sha1(f"{unit_id}\x00{status}\x00{text}\x00{updated}".encode())
    return digest.hexdigest()[:12]


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(text: str | None) -> str:
    """Text without the control characters XML (and so docx and HTML) cannot hold."""
    return _NOT_XML.sub("", text or "")


_CLEANED = ("source", "target", "comment", "translator", "reviewer")


def _dirty(entry: Entry) -> bool:
    return any(_NOT_XML.search(getattr(entry, name) or "") for name in _CLEANED) or any(
        _NOT_XML.search(f) for f in entry.findings
    )


def clean_document(doc: Document) -> Document:
    """The document with every text cleaned (see :func:`clean`); clean entries are shared."""
    entries = [
        replace(
            e,
            source=clean(e.source),
            target=clean(e.target),
            comment=clean(e.comment),
            translator=clean(e.translator),
            reviewer=clean(e.reviewer),
            findings=[clean(f) for f in e.findings],
        )
        if _dirty(e)
        else e
        for e in doc.entries
    ]
    meta = {k: clean(str(v)) for k, v in doc.meta.items()}
    tmeta = {k: clean(str(v)) for k, v in doc.translation_meta.items()}
    if (
        all(a is b for a, b in zip(entries, doc.entries))
        and doc.title == clean(doc.title)
        and meta == doc.meta
        and tmeta == doc.translation_meta
    ):
        return doc
    return replace(doc, title=clean(doc.title), meta=meta, translation_meta=tmeta, entries=entries)


def segment_key(article_id: str, segment_id: int) -> str:
    """The stable id of a segment in exchange files."""
    return f"{article_id}:{segment_id}"


def parse_key(key: str) -> tuple[str, int] | None:
    """``"budget:12"`` -> ``("budget", 12)``; None if it is not one of our ids."""
    article, sep, number = key.rpartition(":")
    if not sep or not article or not number.isdigit() or not number.isascii():
        return None
    if len(number) > 18:  # no segment id is that long; int() of it would not fit SQLite
        return None
    return article, int(number)


def target_only_key(article_id: str, number: int) -> str:
    """The id of an article's ``number``-th target-only line in exchange files."""
    return f"{article_id}:t{number}"


def is_target_only_key(key: str) -> bool:
    """Is ``key`` the id of a target-only line (``budget:t2``)? They name no unit."""
    article, sep, number = key.rpartition(":")
    return bool(sep and article and number[:1] == "t" and number[1:].isdigit())


def filter_statuses(doc: Document, statuses: set[str] | None) -> Document:
    """A copy of the document keeping pairs whose status is in ``statuses`` (None: all)."""
    if statuses is None:
        return doc
    return replace(doc, entries=[e for e in doc.entries if e.target_only or e.status in statuses])


@dataclass(kw_only=True)
class WorkItem:
    """One entry read back from a translator's file (PO or XLIFF)."""

    key: str
    source: str
    target: str
    status: str | None = None  # our status, when the file says
    unfinished: bool = False  # the file marks the translation as not finished (fuzzy...)
    notes: list[str] = field(default_factory=list)  # the translator's notes on the entry
    line: int | None = None  # where it starts in the file, for messages


@dataclass(kw_only=True)
class WorkFile:
    """A translator's file as read: languages and entries, in file order."""

    format: str
    source_lang: str
    target_lang: str
    items: list[WorkItem] = field(default_factory=list)


@dataclass(kw_only=True)
class ReviewRow:
    """One row of an editor's review file as read back (XLSX or DOCX)."""

    key: str  # the segment id as exported ("budget:12")
    unit_id: int | None
    version: str  # the unit's version when the file was exported
    target: str  # the target as the file has it now (an edit is an approval with edit)
    decision: str  # "approved", "rejected", "leave", or the status as exported
    comment: str
    where: str = ""  # "row 5" / "table row 5", for messages


@dataclass(kw_only=True)
class ReviewFile:
    """An editor's review file as read: languages and rows, in file order."""

    format: str
    source_lang: str
    target_lang: str
    rows: list[ReviewRow] = field(default_factory=list)
