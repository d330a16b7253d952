"""What every exporter receives: one article's pairs, beads folded, ready to write."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

STATUSES = ("new", "translated", "approved", "rejected", "needs_review")


@dataclass
class Entry:
    """One exported pair: a segment (or a merged bead) and its translation.

    A bead of several source segments is one entry: ``source`` joins their texts and
    ``joined`` lists the segment ids folded into the head. Target-only lines have no
    segment and an empty source.
    """

    key: str  # stable id "<article>:<segment id>"; "" for target-only lines
    article_id: str
    segment_id: int | None
    unit_id: int | None
    seq: int | None
    paragraph: int | None
    kind: str
    source: str
    target: str
    status: str
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


@dataclass
class Document:
    """One article in one target language."""

    article_id: str
    title: str
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
        return next((e for e in self.entries if e.paragraph == 0 and not e.target_only), None)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(text: str | None) -> str:
    """Text without the control characters XML (and so docx and HTML) cannot hold."""
    return _NOT_XML.sub("", text or "")


def clean_document(doc: Document) -> Document:
    """A copy of the document with every text cleaned (see :func:`clean`)."""
    fields = ("source", "target", "comment", "translator", "reviewer")
    entries = [
        Entry(**{**e.__dict__, **{f: clean(getattr(e, f)) for f in fields}, "joined": e.joined})
        for e in doc.entries
    ]
    meta = {k: clean(str(v)) for k, v in doc.meta.items()}
    tmeta = {k: clean(str(v)) for k, v in doc.translation_meta.items()}
    return Document(**{**doc.__dict__, "title": clean(doc.title), "meta": meta,
                       "translation_meta": tmeta, "entries": entries})  # fmt: skip


def segment_key(article_id: str, segment_id: int) -> str:
    """The stable id of a segment in exchange files."""
    return f"{article_id}:{segment_id}"


def parse_key(key: str) -> tuple[str, int] | None:
    """``"budget:12"`` -> ``("budget", 12)``; None if it is not one of our ids."""
    article, sep, number = key.rpartition(":")
    if not sep or not article or not number.isdigit():
        return None
    return article, int(number)


def filter_statuses(doc: Document, statuses: set[str] | None) -> Document:
    """A copy of the document keeping pairs whose status is in ``statuses`` (None: all)."""
    if statuses is None:
        return doc
    kept = [e for e in doc.entries if e.target_only or e.status in statuses]
    return Document(**{**doc.__dict__, "entries": kept})


@dataclass
class WorkItem:
    """One entry read back from a translator's file (PO or XLIFF)."""

    key: str
    source: str
    target: str
    status: str | None = None  # our status, when the file says
    line: int | None = None  # where it starts in the file, for messages


@dataclass
class WorkFile:
    """A translator's file as read: languages and entries, in file order."""

    format: str
    source_lang: str
    target_lang: str
    items: list[WorkItem] = field(default_factory=list)
