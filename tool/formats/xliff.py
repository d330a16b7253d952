"""XLIFF 1.2: one <file> per article, a <group> per paragraph, a <trans-unit> per pair.

Reading a translator's file back, a translation is "not finished" when its unit says
``approved="no"`` (translate-toolkit, Virtaal and Weblate mark fuzzy this way) or, with
no ``approved`` attribute, when its target's ``state`` is other than translated,
signed-off or final. Notes (but the desk's own) are the translator's.
"""

from __future__ import annotations

from lxml import etree

from tool.errors import InputError
from tool.formats.base import BaseFormat, Capabilities
from tool.formats.common import info_line, read_input
from tool.formats.model import Document, Entry, WorkFile, WorkItem, clean_document
from tool.formats.xml import local, parse_xml, plain_text

NS = "urn:oasis:names:tc:xliff:document:1.2"
NS_11 = "urn:oasis:names:tc:xliff:document:1.1"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
TOOL = "translation-desk"

STATE_OF = {
    "new": "new",
    "translated": "translated",
    "needs_review": "needs-review-translation",
    "approved": "final",
    "rejected": "needs-translation",
}
STATUS_OF = {state: status for status, state in STATE_OF.items()}
STATUS_OF.update({"signed-off": "approved", "needs-review-adaptation": "needs_review"})
VALID_STATES = {
    "final", "needs-adaptation", "needs-l10n", "needs-review-adaptation", "needs-review-l10n",
    "needs-review-translation", "needs-translation", "new", "signed-off", "translated",
}  # fmt: skip
FINISHED_STATES = frozenset({"translated", "signed-off", "final"})
CODE_TAGS = frozenset({"bpt", "ept", "ph", "it", "sub"})  # native codes, not text


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


class XliffFormat(BaseFormat):
    """XLIFF 1.2 (transitional-valid; also strict-valid)."""

    name = "xliff"
    extension = "xlf"
    description = "XLIFF 1.2 (one <file> per article)"
    capabilities = Capabilities(many_articles=True, reads_work=True)

    def export(self, doc: Document) -> bytes:
        """One article as XLIFF 1.2."""
        return export_xliff([doc])

    def export_many(self, docs: list[Document], source_lang: str, target_lang: str) -> bytes:
        """Many articles, one <file> each."""
        return export_xliff(docs)

    def read(self, source: str | bytes, label: str | None = None) -> WorkFile:
        """A translator's XLIFF 1.x file."""
        return read_xliff(source, label)


def export_xliff(docs: list[Document]) -> bytes:
    """An XLIFF 1.2 document with one <file> per document."""
    docs = [clean_document(d) for d in docs]
    root = etree.Element(_q("xliff"), nsmap={None: NS}, version="1.2")
    for doc in docs:
        file = etree.SubElement(
            root,
            _q("file"),
            original=doc.article_id,
            datatype="plaintext",
        )
        file.set("source-language", doc.source_lang)
        file.set("target-language", doc.target_lang)
        header = etree.SubElement(file, _q("header"))
        tool = etree.SubElement(header, _q("tool"))
        tool.set("tool-id", TOOL)
        tool.set("tool-name", TOOL)
        if doc.title:
            etree.SubElement(header, _q("note")).text = f"{doc.article_id}: {doc.title}"
        body = etree.SubElement(file, _q("body"))
        group = None
        current = None
        for entry in doc.pairs:
            if group is None or entry.paragraph != current:
                current = entry.paragraph
                group = etree.SubElement(
                    body, _q("group"), id=f"{doc.article_id}:p{current}", restype="x-paragraph"
                )
                group.set("resname", f"paragraph {current}")
            group.append(_trans_unit(entry, doc))
    etree.indent(root, space=" ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def _trans_unit(entry: Entry, doc: Document) -> etree._Element:
    unit = etree.Element(_q("trans-unit"), id=entry.key, resname=entry.kind)
    unit.set(XML_SPACE, "preserve")
    if entry.status == "approved":
        unit.set("approved", "yes")
    source = etree.SubElement(unit, _q("source"))
    source.set(XML_LANG, doc.source_lang)
    source.text = entry.source
    if entry.target or entry.status != "new":
        target = etree.SubElement(unit, _q("target"), state=STATE_OF.get(entry.status, "new"))
        target.set(XML_LANG, doc.target_lang)
        target.text = entry.target
    if entry.comment:
        etree.SubElement(
            unit, _q("note"), {"from": entry.reviewer or "editor"}
        ).text = entry.comment
    etree.SubElement(unit, _q("note"), {"from": TOOL}).text = info_line(entry)
    for score, match_source, match_target in entry.matches:
        alt = etree.SubElement(
            unit, _q("alt-trans"), {"match-quality": f"{score}%", "origin": "translation-memory"}
        )
        etree.SubElement(alt, _q("source"), {XML_LANG: doc.source_lang}).text = match_source
        etree.SubElement(alt, _q("target"), {XML_LANG: doc.target_lang}).text = match_target
    return unit


def read_xliff(source: str | bytes, label: str | None = None) -> WorkFile:
    """Read an XLIFF 1.x file's units: ids, source, target and state (inline codes dropped)."""
    data, name = read_input(source, label)
    root = parse_xml(data, name)
    return work_from_xliff12(root, name)


def work_from_xliff12(root: etree._Element, name: str) -> WorkFile:
    """The WorkFile of a parsed XLIFF 1.x root."""
    if local(root.tag) != "xliff" or etree.QName(root).namespace not in (NS, NS_11, None):
        raise InputError(f"{name}: not an XLIFF 1.x file")
    files = [f for f in root if local(f.tag) == "file"]
    if not files:
        raise InputError(f"{name}: XLIFF file has no <file> element")
    langs = {(f.get("source-language", ""), f.get("target-language", "")) for f in files}
    if len(langs) > 1:
        raise InputError(f"{name}: <file> elements disagree on languages: {sorted(langs)}")
    src, tgt = langs.pop()
    work = WorkFile(format="xliff", source_lang=src, target_lang=tgt)
    for unit in root.iter(f"{{{NS}}}trans-unit", f"{{{NS_11}}}trans-unit", "trans-unit"):
        key = unit.get("id")
        if not key:
            raise InputError(f"{name}: line {unit.sourceline}: <trans-unit> without an id")
        children = {local(c.tag): c for c in reversed(unit)}
        if "source" not in children:
            raise InputError(f"{name}: line {unit.sourceline}: <trans-unit> without <source>")
        target = children.get("target")
        state = target.get("state") if target is not None else None
        if target is not None and state is not None and state not in VALID_STATES:
            if not state.startswith("x-"):
                raise InputError(f"{name}: line {target.sourceline}: unknown state {state!r}")
        status = STATUS_OF.get(state or "") if target is not None else "new"
        if unit.get("approved") == "yes":
            status = "approved"
        work.items.append(
            WorkItem(
                key=key,
                source=plain_text(children["source"], CODE_TAGS),
                target=plain_text(target, CODE_TAGS) if target is not None else "",
                status=status,
                unfinished=_unfinished(unit.get("approved"), state),
                notes=[
                    text
                    for note in unit
                    if local(note.tag) == "note" and note.get("from") != TOOL
                    for text in [plain_text(note).strip()]
                    if text
                ],
                line=unit.sourceline,
            )
        )
    return work


def _unfinished(approved: str | None, state: str | None) -> bool:
    """Does a unit say its translation is not finished? (see the module's docstring)"""
    if approved in ("yes", "no"):
        return approved == "no"
    return state is not None and state not in FINISHED_STATES
