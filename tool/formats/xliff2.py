"""XLIFF 2.1 (core + metadata module): one <file> per article, a <unit> per pair."""

from __future__ import annotations

import re

from lxml import etree

from tool.errors import InputError
from tool.formats.common import read_input
from tool.formats.model import Document, Entry, WorkFile, WorkItem, clean_document, parse_key
from tool.formats.xml import local, parse_xml, plain_text

NS = "urn:oasis:names:tc:xliff:document:2.0"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
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


def _q(tag: str, ns: str = NS) -> str:
    return f"{{{ns}}}{tag}"


def nmtoken(value: str) -> str:
    """``value`` if it is an XML NMTOKEN, else with the offending characters replaced."""
    return value if _NMTOKEN.match(value) else re.sub(r"[^\w.:-]", "_", value) or "_"


class Xliff2Format:
    """XLIFF 2.1."""

    name = "xliff2"
    extension = "xlf"
    suffix = ".xliff2"  # exports/<lang>/<id>.xliff2.xlf, so it does not clash with 1.2
    default_statuses: frozenset[str] | None = None

    def export(self, doc: Document) -> bytes:
        return export_xliff2([doc])

    def read(self, source: str | bytes, label: str | None = None) -> WorkFile:
        return read_xliff2(source, label)


def export_xliff2(docs: list[Document]) -> bytes:
    """An XLIFF 2.1 document with one <file> per document (all in one language pair)."""
    docs = [clean_document(d) for d in docs]
    first = docs[0] if docs else Document("", "", "", "")
    root = etree.Element(_q("xliff"), nsmap={None: NS, "mda": MDA}, version="2.1")
    root.set("srcLang", first.source_lang)
    root.set("trgLang", first.target_lang)
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
    if entry.comment:
        notes = etree.SubElement(unit, _q("notes"))
        etree.SubElement(notes, _q("note"), category="comment").text = entry.comment
    state, sub_state = STATE_OF.get(entry.status, ("initial", None))
    segment = etree.SubElement(unit, _q("segment"), state=state)
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
    work = WorkFile("xliff2", root.get("srcLang", ""), root.get("trgLang", ""))
    for unit in root.iter(_q("unit")):
        key = unit.get("id", "")
        if parse_key(key) is None and parse_key(unit.get("name", "")) is not None:
            key = unit.get("name", "")
        sources, targets, statuses = [], [], []
        for segment in unit:
            if local(segment.tag) not in ("segment", "ignorable"):
                continue
            state = segment.get("state")
            if state is not None and state not in STATUS_OF:
                raise InputError(f"{name}: line {segment.sourceline}: unknown state {state!r}")
            sub_state = segment.get("subState", "")
            if sub_state.startswith("desk:"):
                statuses.append(sub_state[5:])
            elif state:
                statuses.append(STATUS_OF[state])
            parts = {local(c.tag): c for c in segment}
            if "source" not in parts:
                raise InputError(f"{name}: line {segment.sourceline}: <segment> without <source>")
            sources.append(plain_text(parts["source"], CODE_TAGS))
            if "target" in parts:
                targets.append(plain_text(parts["target"], CODE_TAGS))
        _check_codes(unit, name)
        work.items.append(
            WorkItem(
                key=key,
                source="".join(sources),
                target="".join(targets),
                status=statuses[0] if statuses else None,
                line=unit.sourceline,
            )
        )
    return work


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
