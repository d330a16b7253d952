"""A bilingual review table in Word that comes back: ID | source | target | status | comment.

The page is A4, landscape when the sentences are long (the usual case for news), and
the table is as wide as the text area. Source and target runs carry their language,
so spell-checkers work; the header row repeats on every page. The ID cell shows the
unit id and the segment id, with the unit's version in hidden text: import-review uses
it to refuse rows whose unit changed after the export.

An editor writes ``approved``, ``rejected`` (with a comment) or ``leave`` as the first
line of the Status cell, and may correct a target (an approval with an edit).

The package skeleton (styles, theme, settings) is python-docx's default template, read
once per process straight from its zip (python-docx itself is not imported); each
export writes only word/document.xml and docProps/core.xml into a copy of it.
"""

from __future__ import annotations

import importlib.util
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from tool.core.locale import language_name
from tool.errors import InputError
from tool.formats.base import BaseFormat, Capabilities
from tool.formats.common import read_input, region_tag, xml_attr, xml_text
from tool.formats.model import Document, Entry, ReviewFile, ReviewRow, clean_document
from tool.formats.zipped import read_parts

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = "word/document.xml"
CORE = "docProps/core.xml"
FIXED_TIME = (2000, 1, 1, 0, 0, 0)
HEADER_ID = "ID"
VERSION_MARK = "v:"


@dataclass(frozen=True)
class Page:
    """A page size and the column widths of the table, in twentieths of a point."""

    width: int
    height: int
    margin: int
    columns: tuple[int, int, int, int, int]  # id, source, target, status, comment

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def text_width(self) -> int:
        return self.width - 2 * self.margin


MARGIN = 1134  # 2 cm
A4_PORTRAIT = Page(11906, 16838, MARGIN, (1050, 2850, 2850, 1350, 1538))
A4_LANDSCAPE = Page(16838, 11906, MARGIN, (1250, 4880, 4880, 1700, 1860))
LONG_SENTENCE = 60  # characters: longer sources (on average) read better in landscape


class DocxFormat(BaseFormat):
    """Word .docx review table; bytes are deterministic."""

    name = "docx"
    extension = "docx"
    description = "a Word review table (A4) that comes back with import-review"
    capabilities = Capabilities(reads_review=True, binary=True)

    def export(self, doc: Document) -> bytes:
        """The review document of one article."""
        return export_docx(doc)

    def read_review(self, source: str | bytes, label: str | None = None) -> ReviewFile:
        """An editor's review table as read."""
        return read_docx_review(source, label)


def choose_page(doc: Document) -> Page:
    """A4 landscape when the sources are long on average, else portrait."""
    pairs = doc.pairs
    mean = sum(len(e.source) for e in pairs) / len(pairs) if pairs else 0
    return A4_LANDSCAPE if mean > LONG_SENTENCE else A4_PORTRAIT


@lru_cache(maxsize=1)
def _skeleton() -> tuple[bytes, str, str]:
    """python-docx's default package without body and core properties, compressed once."""
    spec = importlib.util.find_spec("docx")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise InputError("python-docx is not installed (pip install python-docx)")
    template = Path(list(spec.submodule_search_locations)[0]) / "templates" / "default.docx"
    out = io.BytesIO()
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in (DOCUMENT, CORE):
                dst.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), src.read(info.filename),
                             compress_type=zipfile.ZIP_DEFLATED)  # fmt: skip
        document_xml = src.read(DOCUMENT).decode("utf-8")
        core_xml = src.read(CORE).decode("utf-8")
    head = document_xml[: document_xml.index("<w:body>")]
    return out.getvalue(), head, core_xml


# --- writing ---------------------------------------------------------------------------

_TIGHT = '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'


def _run(text: str, *, lang: str = "", size: int = 0, bold: bool = False,
         grey: bool = False, hidden: bool = False) -> str:  # fmt: skip
    """One run (newlines become line breaks) with the given properties."""
    props = []
    if bold:
        props.append("<w:b/>")
    if grey:
        props.append('<w:color w:val="595959"/>')
    if hidden:
        props.append("<w:vanish/>")
    if size:
        props.append(f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>')
    if lang:
        props.append(f'<w:lang w:val="{lang}"/>')
    rpr = f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""
    lines = text.split("\n")
    body = "<w:br/>".join(f'<w:t xml:space="preserve">{xml_text(line)}</w:t>' for line in lines)
    return f"<w:r>{rpr}{body}</w:r>"


def _paragraph(*runs: str, style: str = "", tight: bool = True) -> str:
    if style:
        return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{"".join(runs)}</w:p>'
    return f"<w:p>{_TIGHT if tight else ''}{''.join(runs)}</w:p>"


def _cell(width: int, paragraphs: list[str]) -> str:
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
        f"{''.join(paragraphs) or _paragraph()}</w:tc>"
    )


def _row(cells: list[list[str]], page: Page, *, header: bool = False) -> str:
    props = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
    body = "".join(_cell(w, c) for w, c in zip(page.columns, cells))
    return f"<w:tr>{props}{body}</w:tr>"


def _entry_row(entry: Entry, page: Page, source_lang: str, target_lang: str) -> str:
    small = 16
    if entry.target_only:
        ident = [_paragraph(_run("—", size=small, grey=True))]
        status = [_paragraph(_run("target only", size=small))]
    else:
        ident = [
            _paragraph(_run(str(entry.unit_id or ""), bold=True, size=18)),
            _paragraph(
                _run(entry.key, size=small, grey=True),
                _run(f" {VERSION_MARK}{entry.version}", size=small, hidden=True),
            ),
        ]
        status = [_paragraph(_run(entry.status.replace("_", " "), size=18))]
        people = ", ".join(p for p in (entry.translator, entry.reviewer) if p)
        if people:
            status.append(_paragraph(_run(people, size=small, grey=True)))
        status += [_paragraph(_run(f"QA: {f}", size=small)) for f in entry.findings]
    source = [_paragraph(_run(entry.source, lang=source_lang, size=20))] if entry.source else []
    target = [_paragraph(_run(entry.target, lang=target_lang, size=20))] if entry.target else []
    comment = [_paragraph(_run(entry.comment, size=18))] if entry.comment else []
    return _row([ident, source, target, status, comment], page)


def export_docx(doc: Document) -> bytes:
    """The review document of one article."""
    doc = clean_document(doc)
    skeleton, head, core_xml = _skeleton()
    page = choose_page(doc)
    source_lang, target_lang = region_tag(doc.source_lang), region_tag(doc.target_lang)
    source_name, target_name = language_name(doc.source_lang), language_name(doc.target_lang)
    meta = [f"{source_name} → {target_name}"]
    meta += [str(doc.meta[k]) for k in ("section", "author", "published") if doc.meta.get(k)]
    parts = [
        head,
        "<w:body>",
        _paragraph(_run(doc.title or doc.article_id, lang=source_lang), style="Heading1"),
        _paragraph(_run(" · ".join(meta)), tight=False),
        _paragraph(
            _run(
                "Review: write approved, rejected (and a comment) or leave as the first line of "
                "a Status cell; correct a target to approve it with your edit. Bring the file "
                "back with import-review.",
                size=18,
                grey=True,
            ),
            tight=False,
        ),
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:w="{page.text_width}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        "</w:tblPr><w:tblGrid>",
        "".join(f'<w:gridCol w:w="{w}"/>' for w in page.columns),
        "</w:tblGrid>",
        _row(
            [
                [_paragraph(_run(HEADER_ID, bold=True, size=18))],
                [_paragraph(_run(f"Source ({source_name})", bold=True, size=18))],
                [_paragraph(_run(f"Target ({target_name})", bold=True, size=18))],
                [_paragraph(_run("Status", bold=True, size=18))],
                [_paragraph(_run("Comment", bold=True, size=18))],
            ],
            page,
            header=True,
        ),
        *(_entry_row(e, page, source_lang, target_lang) for e in doc.entries),
        "</w:tbl>",
        _paragraph(),
        _section(page),
        "</w:body></w:document>",
    ]
    out = io.BytesIO(skeleton)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, data in ((DOCUMENT, "".join(parts)), (CORE, _core(core_xml, doc, target_lang))):
            package.writestr(zipfile.ZipInfo(name, FIXED_TIME), data.encode("utf-8"),
                             zipfile.ZIP_DEFLATED)  # fmt: skip
    return out.getvalue()


def _section(page: Page) -> str:
    orient = ' w:orient="landscape"' if page.landscape else ""
    m = page.margin
    return (
        f'<w:sectPr><w:pgSz w:w="{page.width}" w:h="{page.height}"{orient}/>'
        f'<w:pgMar w:top="{m}" w:right="{m}" w:bottom="{m}" w:left="{m}" w:header="567" '
        'w:footer="567" w:gutter="0"/><w:cols w:space="720"/><w:docGrid w:linePitch="360"/>'
        "</w:sectPr>"
    )


def _core(core_xml: str, doc: Document, lang: str) -> str:
    """Core properties: title, language and dates of the article (no clock time)."""
    stamp = (doc.updated or doc.created or "2000-01-01T00:00:00Z")[:19] + "Z"
    description = f"{doc.article_id}: {doc.source_lang} → {doc.target_lang} review table"
    replacements = {
        r"<dc:title/>": f"<dc:title>{xml_text(doc.title)}</dc:title>",
        r"<dc:creator>[^<]*</dc:creator>": "<dc:creator>translation-desk</dc:creator>",
        r"<dc:description>[^<]*</dc:description>": (
            f"<dc:description>{xml_text(description)}</dc:description><dc:language>"
            f"{xml_attr(lang)}</dc:language>"
        ),
        r"(<dcterms:(created|modified)[^>]*>)[^<]*": rf"\g<1>{stamp}",
    }
    for pattern, value in replacements.items():
        core_xml = re.sub(pattern, _expander(value), core_xml)
    return core_xml


def _expander(template: str) -> Callable[[re.Match[str]], str]:
    """A replacement function that expands ``template`` (taken literally but for groups)."""

    def expand(match: re.Match[str]) -> str:
        return match.expand(template)

    return expand


# --- reading back ----------------------------------------------------------------------

_Q = f"{{{W}}}"
_VERSION = re.compile(rf"{VERSION_MARK}([0-9a-f]{{12}})")
_KEY = re.compile(r"(\S+:\d+)")
_DESCRIPTION = re.compile(r"<dc:description>[^<:]*: (\S+) → (\S+) review table</dc:description>")


def _cell_paragraphs(cell: etree._Element) -> list[str]:
    """The text of each paragraph of a table cell; deleted (tracked) text left out."""
    paragraphs = []
    for p in cell.iter(f"{_Q}p"):
        parts = []
        for node in p.iter(f"{_Q}t", f"{_Q}tab", f"{_Q}br", f"{_Q}cr"):
            if node.tag == f"{_Q}t":
                parts.append(node.text or "")
            else:
                parts.append("\t" if node.tag == f"{_Q}tab" else "\n")
        paragraphs.append("".join(parts))
    return paragraphs


def read_docx_review(source: str | bytes, label: str | None = None) -> ReviewFile:
    """The rows of a review table exported by :func:`export_docx`, as an editor left them."""
    from tool.formats.xml import parse_xml

    data, name = read_input(source, label)
    parts = read_parts(data, name, [DOCUMENT, CORE])
    root = parse_xml(parts[DOCUMENT], f"{name}: {DOCUMENT}")
    table = next((t for t in root.iter(f"{_Q}tbl") if _header_of(t)[:1] == [HEADER_ID]), None)
    if table is None:
        raise InputError(f"{name}: no review table (exported with --format docx) in the file")
    described = _DESCRIPTION.search(parts.get(CORE, b"").decode("utf-8", "replace"))
    review = ReviewFile(
        format="docx",
        source_lang=described.group(1) if described else "",
        target_lang=described.group(2) if described else "",
    )
    rows = [r for r in table if r.tag == f"{_Q}tr"]
    for number, row in enumerate(rows[1:], start=2):
        cells = [c for c in row if c.tag == f"{_Q}tc"]
        if len(cells) < 5:
            raise InputError(
                f"{name}: table row {number}: {len(cells)} cells, the review table has 5"
            )
        ident = "\n".join(_cell_paragraphs(cells[0]))
        key = _KEY.search(ident)
        if key is None:  # a target-only line, or a row the editor added
            continue
        version = _VERSION.search(ident)
        unit_id = ident.split("\n", 1)[0].strip()
        status = [p for p in _cell_paragraphs(cells[3]) if p.strip()]
        review.rows.append(
            ReviewRow(
                key=key.group(1),
                unit_id=int(unit_id) if unit_id.isdigit() and len(unit_id) < 19 else None,
                version=version.group(1) if version else "",
                target="\n".join(_cell_paragraphs(cells[2])),
                decision=status[0].strip().lower().replace(" ", "_") if status else "",
                comment="\n".join(_cell_paragraphs(cells[4])),
                where=f"table row {number}",
            )
        )
    return review


def _header_of(table: etree._Element) -> list[str]:
    """The texts of a table's first row."""
    first = next((r for r in table if r.tag == f"{_Q}tr"), None)
    if first is None:
        return []
    return [" ".join(_cell_paragraphs(c)).strip() for c in first if c.tag == f"{_Q}tc"]
