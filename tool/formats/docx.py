"""A bilingual review table in Word: source | target | status | comment.

The package skeleton (styles, theme, settings) is python-docx's default template, built
once per process; each export writes only word/document.xml and docProps/core.xml into a
copy of it, so an article takes milliseconds instead of re-compressing 800 kB of styles.
"""

from __future__ import annotations

import io
import zipfile
from functools import lru_cache

from lxml import etree

from tool.core.locale import language_name
from tool.formats.model import Document, Entry, clean_document

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = "word/document.xml"
CORE = "docProps/core.xml"
FIXED_TIME = (2000, 1, 1, 0, 0, 0)
WIDTHS = (3600, 3600, 1400, 1900)  # twentieths of a point: source, target, status, comment
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


class DocxFormat:
    """Word .docx review table; bytes are deterministic."""

    name = "docx"
    extension = "docx"
    default_statuses: frozenset[str] | None = None

    def export(self, doc: Document) -> bytes:
        return export_docx(doc)


@lru_cache(maxsize=1)
def _skeleton() -> tuple[bytes, bytes, bytes]:
    """python-docx's default package without its body and core properties, compressed once."""
    from docx import Document as WordDocument  # python-docx takes ~65 ms to import

    buffer = io.BytesIO()
    WordDocument().save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in (DOCUMENT, CORE):
                dst.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), src.read(info.filename),
                             compress_type=zipfile.ZIP_DEFLATED)  # fmt: skip
        document_xml, core_xml = src.read(DOCUMENT), src.read(CORE)
    return out.getvalue(), document_xml, core_xml


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _paragraph(parent: etree._Element, text: str, style: str = "", size: int = 0) -> None:
    """A paragraph of ``text`` (newlines become line breaks), optionally styled or sized."""
    p = etree.SubElement(parent, _w("p"))
    if style:
        props = etree.SubElement(p, _w("pPr"))
        etree.SubElement(props, _w("pStyle")).set(_w("val"), style)
    for number, line in enumerate(text.split("\n")):
        run = etree.SubElement(p, _w("r"))
        if size:
            rpr = etree.SubElement(run, _w("rPr"))
            etree.SubElement(rpr, _w("sz")).set(_w("val"), str(size))
        if number:
            etree.SubElement(run, _w("br"))
        t = etree.SubElement(run, _w("t"))
        t.set(XML_SPACE, "preserve")
        t.text = line


def _row(table: etree._Element, cells: tuple[str, ...], header: bool = False) -> None:
    tr = etree.SubElement(table, _w("tr"))
    if header:
        etree.SubElement(etree.SubElement(tr, _w("trPr")), _w("tblHeader"))
    for number, (text, width) in enumerate(zip(cells, WIDTHS)):
        tc = etree.SubElement(tr, _w("tc"))
        tcw = etree.SubElement(etree.SubElement(tc, _w("tcPr")), _w("tcW"))
        tcw.set(_w("w"), str(width))
        tcw.set(_w("type"), "dxa")
        _paragraph(tc, text, size=16 if number >= 2 and not header else 0)


def _cells(entry: Entry) -> tuple[str, str, str, str]:
    status = "target only" if entry.target_only else entry.status.replace("_", " ")
    people = ", ".join(p for p in (entry.translator, entry.reviewer) if p)
    return (entry.source, entry.target, f"{status}\n{people}" if people else status, entry.comment)


def export_docx(doc: Document) -> bytes:
    """The review document of one article."""
    doc = clean_document(doc)
    skeleton, document_xml, core_xml = _skeleton()
    root = etree.fromstring(document_xml)
    body = root.find(_w("body"))
    section = body.find(_w("sectPr"))
    for child in list(body):
        body.remove(child)
    _paragraph(body, doc.title or doc.article_id, style="Heading1")
    meta = [f"{language_name(doc.source_lang)} → {language_name(doc.target_lang)}"]
    meta += [str(doc.meta[k]) for k in ("section", "author", "published") if doc.meta.get(k)]
    _paragraph(body, " · ".join(meta))
    table = etree.SubElement(body, _w("tbl"))
    props = etree.SubElement(table, _w("tblPr"))
    etree.SubElement(props, _w("tblStyle")).set(_w("val"), "TableGrid")
    width = etree.SubElement(props, _w("tblW"))
    width.set(_w("w"), "0")
    width.set(_w("type"), "auto")
    grid = etree.SubElement(table, _w("tblGrid"))
    for column in WIDTHS:
        etree.SubElement(grid, _w("gridCol")).set(_w("w"), str(column))
    _row(table, ("Source", "Target", "Status", "Comment"), header=True)
    for entry in doc.entries:
        _row(table, _cells(entry))
    _paragraph(body, "")
    if section is not None:
        body.append(section)
    out = io.BytesIO(skeleton)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as package:
        body_xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        for name, data in ((DOCUMENT, body_xml), (CORE, _core(core_xml, doc))):
            package.writestr(zipfile.ZipInfo(name, FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _core(core_xml: bytes, doc: Document) -> bytes:
    """Core properties: title, language and dates of the article (no clock time)."""
    root = etree.fromstring(core_xml)
    stamp = (doc.updated or doc.created or "2000-01-01T00:00:00Z")[:19] + "Z"
    for element in root:
        name = etree.QName(element).localname
        if name == "title":
            element.text = doc.title
        elif name in ("created", "modified"):
            element.text = stamp
        elif name == "creator":
            element.text = "translation-desk"
        elif name == "description":
            element.text = f"{doc.article_id}: {doc.source_lang} → {doc.target_lang} review table"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
