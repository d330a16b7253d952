"""PO files through polib: msgctxt is the segment's stable id; fuzzy means "not finished".

What the desk tells the translator (status, people, the reviewer's comment, memory
matches) goes into extracted comments (``#.``); translator comments (``# ``) are the
translator's own notes, which import-work keeps as comments on the unit. Units that
need work again (needs_review, rejected) are written ``#, fuzzy``, so msgfmt and
pocount do not count them as translated.
"""

from __future__ import annotations

import re

import polib

from tool.core.locale import plural_forms
from tool.errors import InputError
from tool.formats.base import BaseFormat, Capabilities
from tool.formats.common import info_line, read_input
from tool.formats.model import Document, Entry, WorkFile, WorkItem, clean_document

_CHARSET = re.compile(r"charset=([A-Za-z0-9._-]+)")
_STATUS_COMMENT = re.compile(r"^status: (\w+)")
_MEMORY_LINE = re.compile(r"^memory \d+%: ")  # offers the desk wrote (older files: in "# ")
FUZZY_STATUSES = frozenset({"needs_review", "rejected"})


class PoFormat(BaseFormat):
    """GNU gettext PO (UTF-8, no BOM; msgfmt -c clean)."""

    name = "po"
    extension = "po"
    description = "GNU gettext PO (msgctxt is the segment id; fuzzy: needs work)"
    capabilities = Capabilities(many_articles=True, reads_work=True)

    def export(self, doc: Document) -> bytes:
        """One article's pairs."""
        return export_po([doc], doc.source_lang, doc.target_lang, doc.article_id)

    def export_many(self, docs: list[Document], source_lang: str, target_lang: str) -> bytes:
        """Many articles' pairs in one catalogue."""
        project = docs[0].article_id if len(docs) == 1 else "translation-desk"
        return export_po(docs, source_lang, target_lang, project)

    def read(self, source: str | bytes, label: str | None = None) -> WorkFile:
        """A translator's PO file."""
        return read_po(source, label)


def export_po(docs: list[Document], source_lang: str, target_lang: str, project: str) -> bytes:
    """A PO file of the documents' pairs (target-only lines have no msgid and are left out)."""
    docs = [clean_document(d) for d in docs]
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": f"{project}",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": _po_date(min((d.created for d in docs if d.created), default="")),
        "PO-Revision-Date": _po_date(max((d.updated for d in docs if d.updated), default="")),
        "Last-Translator": "",
        "Language-Team": "",
        "Language": target_lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural_forms(target_lang),
        "X-Source-Language": source_lang,
        "X-Generator": "translation-desk",
    }
    for doc in docs:
        for entry in doc.pairs:
            po.append(_po_entry(entry, doc))
    return str(po).encode("utf-8")


def _po_entry(entry: Entry, doc: Document) -> polib.POEntry:
    comment = (entry.comment or "").replace("\r\n", "\n").replace("\r", "\n")
    item = polib.POEntry(
        msgctxt=entry.key,
        msgid=entry.source,
        msgstr=entry.target,
        occurrences=[(doc.article_id, str(entry.paragraph))],
        comment="\n".join(
            [
                info_line(entry),
                *(f"comment: {line}" for line in comment.split("\n") if comment),
                *(f"memory {score}%: {target}" for score, _, target in entry.matches),
            ]
        ),
    )
    if entry.status in FUZZY_STATUSES:
        item.flags.append("fuzzy")
    return item


def _po_date(iso: str) -> str:
    """ISO stamp -> PO header date (``2025-06-19 10:11+0000``)."""
    if not iso:
        return "YEAR-MO-DA HO:MI+ZONE"
    return f"{iso[:10]} {iso[11:16]}+0000"


def read_po(source: str | bytes, label: str | None = None) -> WorkFile:
    """Read a PO file strictly: UTF-8 (no mojibake), well-formed, one msgctxt per entry.

    polib accepts some broken files (an unterminated string), so the text is checked
    for balanced quotes first; errors name the line.
    """
    data, name = read_input(source, label)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    header_charset = _CHARSET.search(data[:4096].decode("ascii", "replace"))
    charset = (header_charset.group(1) if header_charset else "utf-8").lower()
    try:
        text = data.decode(charset)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            f"{name}: line {line}: bytes that are not valid {charset.upper()} "
            "(is the file in another encoding than its header says?)"
        ) from None
    except (LookupError, UnicodeError):
        raise InputError(f"{name}: unknown charset {charset!r} in the PO header") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _check_strings(text, name)
    try:
        po = polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError) as error:
        raise InputError(f"{name}: malformed PO file: {error}") from None
    _check_plurals(po, name)
    work = WorkFile(
        format="po",
        source_lang=po.metadata.get("X-Source-Language", ""),
        target_lang=po.metadata.get("Language", ""),
    )
    for entry in po:
        if entry.obsolete:
            continue
        fuzzy = "fuzzy" in entry.flags
        match = _STATUS_COMMENT.match(entry.comment or "")
        status = match.group(1) if match else ("needs_review" if fuzzy else None)
        work.items.append(
            WorkItem(
                key=entry.msgctxt or "",
                source=entry.msgid,
                target=entry.msgstr,
                status=status,
                unfinished=fuzzy,
                notes=_translator_notes(entry.tcomment or ""),
                line=entry.linenum,
            )
        )
    return work


def _translator_notes(tcomment: str) -> list[str]:
    """The translator's comment as one note (memory offers older exports put there left out)."""
    lines = [line for line in tcomment.split("\n") if not _MEMORY_LINE.match(line)]
    note = "\n".join(lines).strip()
    return [note] if note else []


def _check_strings(text: str, name: str) -> None:
    """Every msgid/msgstr/msgctxt line and continuation must be one closed C string."""
    string = re.compile(
        r'^(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)?\s*"(?:[^"\\]|\\.)*"\s*$'
    )
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not string.match(stripped):
            raise InputError(f"{name}: line {number}: malformed PO line (unterminated string?)")


def _check_plurals(po: polib.POFile, name: str) -> None:
    forms = po.metadata.get("Plural-Forms", "")
    match = re.search(r"nplurals\s*=\s*(\d+)", forms)
    if not match:
        return
    expected = int(match.group(1))
    for entry in po:
        forms = entry.msgstr_plural
        translated = any(forms.values()) if forms else False
        if entry.msgid_plural and translated and len(forms) != expected:
            raise InputError(
                f"{name}: line {entry.linenum}: {len(forms)} plural forms, "
                f"the header says nplurals={expected}"
            )


__all__ = ["FUZZY_STATUSES", "PoFormat", "export_po", "read_po"]
