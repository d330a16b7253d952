"""TMX 1.4b: a streaming writer for approved pairs and a lenient reader (TMX 1.1-1.4)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from lxml import etree

from tool.errors import InputError
from tool.formats.model import Document, Entry, clean_document
from tool.formats.xml import local, parse_xml, plain_text, safe_parser

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TOOL_NAME = "translation-desk"
TOOL_VERSION = "0.1.0"
CODE_TAGS = frozenset({"bpt", "ept", "ph", "it", "ut"})  # native codes, not text


def tmx_date(iso: str) -> str:
    """``2025-06-19T10:11:12.5Z`` -> ``20250619T101112Z`` (TMX's date form); '' stays ''."""
    if not iso:
        return ""
    digits = iso.replace("-", "").replace(":", "")
    day, _, time = digits.partition("T")
    return f"{day[:8]}T{(time[:6] or '000000').ljust(6, '0')}Z"


class TmxWriter:
    """Write TMX to a binary stream one article at a time, in constant memory.

    Use as a context manager: ``with TmxWriter(out, "ro") as tmx: tmx.write(doc)``.
    """

    def __init__(self, out: IO[bytes], srclang: str, adminlang: str = "en") -> None:
        self.out = out
        self.srclang = srclang
        self.adminlang = adminlang
        self.count = 0

    def __enter__(self) -> TmxWriter:
        self._file = etree.xmlfile(self.out, encoding="UTF-8")
        self._xf = self._file.__enter__()
        self._xf.write_declaration()
        self._xf.write_doctype('<!DOCTYPE tmx SYSTEM "tmx14.dtd">')
        self._tmx = self._xf.element("tmx", version="1.4")
        self._tmx.__enter__()
        header = etree.Element(
            "header",
            creationtool=TOOL_NAME,
            creationtoolversion=TOOL_VERSION,
            segtype="sentence",
            adminlang=self.adminlang,
            srclang=self.srclang,
            datatype="plaintext",
        )
        header.set("o-tmf", TOOL_NAME)
        self._xf.write("\n", header, "\n")
        self._body = self._xf.element("body")
        self._body.__enter__()
        self._xf.write("\n")
        return self

    def write(self, doc: Document) -> None:
        """Write the document's pairs that have a translation."""
        doc = clean_document(doc)
        for entry in doc.pairs:
            if entry.target.strip():
                self._xf.write(translation_unit(entry, doc), "\n")
                self.count += 1
        self._xf.flush()

    def __exit__(self, *exc: object) -> None:
        self._body.__exit__(*exc)
        self._xf.write("\n")
        self._tmx.__exit__(*exc)
        self._file.__exit__(*exc)


def translation_unit(entry: Entry, doc: Document) -> etree._Element:
    """One <tu> for a pair: dates, people, article/paragraph props, comment note."""
    tu = etree.Element("tu", tuid=entry.key)
    for name, value in (
        ("creationdate", tmx_date(entry.created)),
        ("creationid", entry.translator),
        ("changedate", tmx_date(entry.updated)),
        ("changeid", entry.reviewer or entry.translator),
    ):
        if value:
            tu.set(name, value)
    if entry.comment:
        etree.SubElement(tu, "note").text = entry.comment
    for prop_type, value in (
        ("x-article", doc.article_id),
        ("x-paragraph", str(entry.paragraph)),
        ("x-status", entry.status),
    ):
        etree.SubElement(tu, "prop", type=prop_type).text = value
    for lang, text in ((doc.source_lang, entry.source), (doc.target_lang, entry.target)):
        tuv = etree.SubElement(tu, "tuv")
        tuv.set(XML_LANG, lang)
        etree.SubElement(tuv, "seg").text = text
    return tu


class TmxFormat:
    """TMX 1.4b: approved pairs by default."""

    name = "tmx"
    extension = "tmx"
    default_statuses: frozenset[str] | None = frozenset({"approved"})

    def export(self, doc: Document) -> bytes:
        return export_tmx([doc], doc.source_lang)

    def write_many(self, docs: Iterable[Document], out: IO[bytes], srclang: str) -> int:
        """Stream many documents into one TMX; returns the number of units written."""
        with TmxWriter(out, srclang) as writer:
            for doc in docs:
                writer.write(doc)
        return writer.count


def export_tmx(docs: Iterable[Document], srclang: str) -> bytes:
    """A TMX document for the documents, as bytes."""
    buffer = io.BytesIO()
    TmxFormat().write_many(docs, buffer, srclang)
    return buffer.getvalue()


@dataclass
class TmxEntry:
    """One translation unit read from a TMX file."""

    variants: dict[str, str] = field(default_factory=dict)  # lang (as written) -> text
    srclang: str | None = None
    creationid: str | None = None
    changeid: str | None = None
    creationdate: str | None = None
    changedate: str | None = None
    props: dict[str, str] = field(default_factory=dict)


def read_tmx(source: str | Path | bytes, name: str | None = None) -> Iterator[TmxEntry]:
    """Read the translation units of a TMX 1.1-1.4 file, leniently and safely.

    Accepts a path or the file's bytes. Languages come from ``xml:lang`` or ``lang``;
    inline codes (bpt, ept, ph, it, ut) are dropped and <hi> keeps its text. Raises
    InputError (naming the line) for malformed XML, entity declarations or a file that
    is not TMX.
    """
    if isinstance(source, bytes):
        data, label = source, name or "<tmx>"
    else:
        path = Path(source)
        label = name or str(path)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise InputError(f"{label}: cannot read ({error.strerror})") from None
    root = parse_xml(data, label)
    if local(root.tag) != "tmx":
        raise InputError(f"{label}: not a TMX file (root element <{local(root.tag)}>)")
    header = next((c for c in root if local(c.tag) == "header"), None)
    default_src = header.get("srclang") if header is not None else None
    for tu in root.iter("{*}tu", "tu"):
        yield _entry(tu, default_src)


def _entry(tu: etree._Element, default_src: str | None) -> TmxEntry:
    entry = TmxEntry(srclang=tu.get("srclang") or default_src)
    if entry.srclang in ("*all*", ""):
        entry.srclang = None
    for name in ("creationid", "changeid", "creationdate", "changedate"):
        setattr(entry, name, tu.get(name))
    for child in tu:
        tag = local(child.tag)
        if tag == "prop" and child.get("type"):
            entry.props.setdefault(child.get("type"), (child.text or "").strip())
        elif tag == "tuv":
            lang = child.get(XML_LANG) or child.get("lang")
            seg = next((c for c in child if local(c.tag) == "seg"), None)
            if lang and seg is not None:
                entry.variants.setdefault(lang, plain_text(seg, CODE_TAGS))
            for name in ("creationid", "changeid", "creationdate", "changedate"):
                if getattr(entry, name) is None and child.get(name):
                    setattr(entry, name, child.get(name))
    return entry


__all__ = ["TmxEntry", "TmxFormat", "TmxWriter", "export_tmx", "read_tmx", "safe_parser"]
