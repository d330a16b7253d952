"""XLIFF 2.0 (core, metadata and matches modules): one <file> per article, a <unit> per pair.

The files declare version 2.0: they use nothing 2.1 added, and some readers refuse 2.1.
Reading a translator's file back (2.0, 2.1 or 2.2), a segment in ``state="initial"``
is "not finished" (a segment without a state counts as finished); a unit a CAT tool
re-segmented into several <segment>s and <ignorable>s is joined back with the text of
each part, whitespace included; unit <note>s are the translator's notes.
"""

from __future__ import annotations

import re

from lxml import etree

from tool.errors import InputError
from tool.formats.base import BaseFormat, Capabilities
from tool.formats.common import read_input
from tool.formats.model import Document, Entry, WorkFile, WorkItem, clean_document, parse_key
from tool.formats.xml import local, parse_xml, plain_text

NS = "urn:oasis:names:tc:xliff:document:2.0"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
MTC = "urn:oasis:names:tc:xliff:matches:2.0"
VERSION = "2.0"
TOOL = "translation-desk"
_NMTOKEN = re.compile(r"^[\w.:-]+$")

# status -> (state, subState); XLIFF 2 has four states, subState keeps ours exact.
STATE_OF = {
    "new": ("initial", None),
    "translated": ("translated", None),
    "needs_review": ("translated", "desk:needs_review"),
    "approved": ("final", None),
    "rejected": ("initial", "desk:rejected"),
}
STATUS_OF = {
    "initial": "new",
    "translated": "translated",
    "reviewed": "translated",
    "final": "approved",
}
CODE_TAGS = frozenset({"originalData"})
PARTS = ("segment", "ignorable")


def _q(tag: str, ns: str = NS) -> str:
    return f"{{{ns}}}{tag}"


def nmtoken(value: str) -> str:
    """``value`` if it is an XML NMTOKEN, else with the offending characters replaced."""
    return value if _NMTOKEN.match(value) else re.sub(r"[^\w.:-]", "_", value) or "_"


class Xliff2Format(BaseFormat):
    """XLIFF 2.0."""

    name = "xliff2"
    extension = "xlf"
    suffix = ".xliff2"  # exports/<lang>/<id>.xliff2.xlf, so it does not clash with 1.2
    description = "XLIFF 2.0 (one <file> per article)"
    capabilities = Capabilities(many_articles=True, reads_work=True)

    def export(self, doc: Document) -> bytes:
        """One article as XLIFF 2.0."""
        return export_xliff2([doc])

    def export_many(self, docs: list[Document], source_lang: str, target_lang: str) -> bytes:
        """Many articles, one <file> each."""
        return export_xliff2(docs, source_lang, target_lang)

    def read(self, source: str | bytes, label: str | None = None) -> WorkFile:
        """A translator's XLIFF 2.x file."""
        return read_xliff2(source, label)


def export_xliff2(docs: list[Document], source_lang: str = "", target_lang: str = "") -> bytes:
    """An XLIFF 2.0 document with one <file> per document (all in one language pair)."""
    docs = [clean_document(d) for d in docs]
    nsmap = {None: NS, "mda": MDA}
    if any(e.matches for d in docs for e in d.entries):
        nsmap["mtc"] = MTC
    root = etree.Element(_q("xliff"), nsmap=nsmap, version=VERSION)
    root.set("srcLang", docs[0].source_lang if docs else source_lang)
    root.set("trgLang", docs[0].target_lang if docs else target_lang)
    for doc in docs:
        file = etree.SubElement(
            root, _q("file"), id=nmtoken(doc.article_id), original=doc.article_id
        )
        if doc.title:
            notes = etree.SubElement(file, _q("notes"))
            etree.SubElement(notes, _q("note"), category="title").text = doc.title
        group = None
        current = None
        for entry in doc.pairs:
            if group is None or entry.paragraph != current:
                current = entry.paragraph
                group = etree.SubElement(file, _q("group"), id=f"p{current}")
                group.set("name", f"paragraph {current}")
            group.append(_unit(entry))
    etree.indent(root, space=" ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def _unit(entry: Entry) -> etree._Element:
    unit = etree.Element(
        _q("unit"), id=nmtoken(entry.key), name=entry.key, type=f"desk:{entry.kind}"
    )
    metadata = etree.SubElement(unit, _q("metadata", MDA))
    group = etree.SubElement(metadata, _q("metaGroup", MDA), category="desk")
    for kind, value in (
        ("status", entry.status),
        ("translator", entry.translator),
        ("reviewer", entry.reviewer),
        ("paragraph", str(entry.paragraph)),
        ("joined", " ".join(map(str, entry.joined))),
    ):
        if value:
            etree.SubElement(group, _q("meta", MDA), type=kind).text = value
    if entry.matches:
        matches = etree.SubElement(unit, _q("matches", MTC))
        for score, match_source, match_target in entry.matches:
            match = etree.SubElement(
                matches,
                _q("match", MTC),
                ref="#s1",
                matchQuality=f"{score:.1f}",
                origin="translation-memory",
                type="tm",
            )
            etree.SubElement(match, _q("source")).text = match_source
            etree.SubElement(match, _q("target")).text = match_target
    if entry.comment:
        notes = etree.SubElement(unit, _q("notes"))
        etree.SubElement(notes, _q("note"), category="comment").text = entry.comment
    state, sub_state = STATE_OF.get(entry.status, ("initial", None))
    segment = etree.SubElement(unit, _q("segment"), id="s1", state=state)
    if sub_state:
        segment.set("subState", sub_state)
    etree.SubElement(segment, _q("source")).text = entry.source
    if entry.target or entry.status != "new":
        etree.SubElement(segment, _q("target")).text = entry.target
    return unit


def read_xliff2(source: str | bytes, label: str | None = None) -> WorkFile:
    """Read an XLIFF 2.x file's units (segments of a unit joined; inline codes dropped)."""
    data, name = read_input(source, label)
    return work_from_xliff2(parse_xml(data, name), name)


def work_from_xliff2(root: etree._Element, name: str) -> WorkFile:
    """The WorkFile of a parsed XLIFF 2.x root; checks states and inline code pairing."""
    if local(root.tag) != "xliff" or etree.QName(root).namespace != NS:
        raise InputError(f"{name}: not an XLIFF 2.x file")
    work = WorkFile(
        format="xliff2", source_lang=root.get("srcLang", ""), target_lang=root.get("trgLang", "")
    )
    for unit in root.iter(_q("unit")):
        key = unit.get("id", "")
        if parse_key(key) is None and parse_key(unit.get("name", "")) is not None:
            key = unit.get("name", "")
        sources: list[str] = []
        targets: list[tuple[int, str]] = []  # (order, text): a target may be reordered
        statuses: list[str] = []
        unfinished = False
        translated = False
        for position, part in enumerate(p for p in unit if local(p.tag) in PARTS):
            state = part.get("state")
            if state is not None and state not in STATUS_OF:
                raise InputError(f"{name}: line {part.sourceline}: unknown state {state!r}")
            sub_state = part.get("subState", "")
            if sub_state.startswith("desk:"):
                statuses.append(sub_state[5:])
            elif state:
                statuses.append(STATUS_OF[state])
            children = {local(c.tag): c for c in reversed(part)}
            if "source" not in children:
                raise InputError(
                    f"{name}: line {part.sourceline}: <{local(part.tag)}> without <source>"
                )
            source = plain_text(children["source"], CODE_TAGS)
            sources.append(source)
            target = children.get("target")
            order = _order(target, position + 1, name)
            if target is not None:
                targets.append((order, plain_text(target, CODE_TAGS)))
                translated = translated or local(part.tag) == "segment"
            elif local(part.tag) == "ignorable":
                targets.append((order, source))  # an ignorable's target defaults to its source
            if local(part.tag) == "segment" and state == "initial":
                unfinished = True
        _check_codes(unit, name)
        work.items.append(
            WorkItem(
                key=key,
                source="".join(sources),
                target="".join(text for _, text in sorted(targets)) if translated else "",
                status=statuses[0] if statuses else None,
                unfinished=unfinished,
                notes=_notes(unit),
                line=unit.sourceline,
            )
        )
    return work


def _order(target: etree._Element | None, default: int, name: str) -> int:
    """A target's place in the unit (its ``order`` attribute, else its part's position)."""
    if target is None or target.get("order") is None:
        return default
    value = target.get("order", "")
    if not value.isdigit() or len(value) > 9:
        raise InputError(f"{name}: line {target.sourceline}: order {value!r} is not a number")
    return int(value)


def _notes(unit: etree._Element) -> list[str]:
    """The texts of a unit's notes."""
    found = []
    for notes in unit:
        if local(notes.tag) != "notes":
            continue
        for note in notes:
            text = plain_text(note).strip() if local(note.tag) == "note" else ""
            if text:
                found.append(text)
    return found


def _check_codes(unit: etree._Element, name: str) -> None:
    """Refuse an <ec startRef> that comes before its <sc> (XLIFF 2 processing rule)."""
    for part in ("source", "target"):
        opened: set[str] = set()
        for element in unit.iter(_q(part)):
            for code in element.iter(_q("sc"), _q("ec")):
                if local(code.tag) == "sc":
                    opened.add(code.get("id", ""))
                elif code.get("startRef") and code.get("startRef") not in opened:
                    raise InputError(
                        f"{name}: line {code.sourceline}: <ec startRef="
                        f"{code.get('startRef')!r}> comes before its <sc>"
                    )
