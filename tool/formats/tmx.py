"""TMX 1.4b: one streaming writer (articles and the memory) and a lenient, safe reader (1.1-1.4).

The writer takes :class:`TmxUnit` records, so the article exports (:meth:`TmxWriter.write`)
and the memory export write the same TMX: the same header, dates, people and props, the
same language tags (optionally mapped to locales, ``ro`` -> ``ro-RO``, for tools tied to
locales such as Trados). A unit that holds more than one sentence on either side (a bead
that merges sentences) says so with ``segtype="block"``; the header's ``sentence`` is
only the default.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from lxml import etree

from tool.errors import InputError, ToolError
from tool.formats.model import Document, Entry, clean_document
from tool.formats.xml import detect_encoding, local, parse_xml, plain_text, safe_parser

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TOOL_NAME = "translation-desk"
TOOL_VERSION = "0.1.0"
CODE_TAGS = frozenset({"bpt", "ept", "ph", "it", "ut"})  # native codes, not text
SEGTYPES = ("block", "paragraph", "sentence", "phrase")  # TMX 1.4b's segtype values
# Props that carry the previous source segment (a context, 101%, match): ours, memoQ's
# and XTM's. Trados' "x-Context" holds hashes, not text, and is not read.
CONTEXT_PROPS = ("x-context", "x-context-pre", "x-previous-source-text")
# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TMX_DATE = re.compile(r"(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z")
_LOCALE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def tmx_date(iso: str) -> str:
    """``2025-06-19T10:11:12.5Z`` -> ``20250619T101112Z`` (TMX's date form); '' stays ''."""
    if not iso:
        return ""
    digits = iso.replace("-", "").replace(":", "")
    day, _, time = digits.partition("T")
    return f"{day[:8]}T{(time[:6] or '000000').ljust(6, '0')}Z"


def iso_date(value: str | None) -> str:
    """``20020523T091200Z`` -> ``2002-05-23T09:12:00.000000Z`` (the desk's stamps); '' if none.

    A date in another form is returned as written.
    """
    if not value:
        return ""
    match = _TMX_DATE.fullmatch(value.strip())
    if not match:
        return value.strip()
    y, mo, d, h, mi, s = match.groups()
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}.000000Z"


def xml_invalid(text: str) -> str | None:
    """The first character XML 1.0 cannot hold (a control such as U+0007), or None."""
    found = _NOT_XML.search(text)
    return found.group() if found else None


def parse_locales(spec: str | None) -> dict[str, str]:
    """``"ro=ro-RO,en=en-GB"`` -> ``{"ro": "ro-RO", "en": "en-GB"}``; InputError if malformed.

    Keys are the desk's language codes; values are written as ``xml:lang`` and ``srclang``
    instead of them. A locale must be of its own language (``ro=en-GB`` is refused).
    """
    from tool.core.locale import base_lang

    locales: dict[str, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        lang, sep, locale = (s.strip() for s in part.partition("="))
        if not sep or not lang or not _LOCALE.fullmatch(locale):
            raise InputError(
                f"--locale: {part.strip()!r} is not LANG=LOCALE (e.g. ro=ro-RO,en=en-GB)"
            )
        if base_lang(locale) != base_lang(lang):
            raise InputError(f"--locale: {locale} is not a locale of {lang}")
        locales[base_lang(lang)] = locale
    return locales


@dataclass
class TmxUnit:
    """One <tu> to write: its variants (source first) and what the desk knows about it."""

    tuid: str
    variants: list[tuple[str, str]]  # (language, text)
    srclang: str | None = None  # written on the <tu> when given
    segtype: str | None = None  # None: the header's (sentence)
    creationdate: str = ""  # the desk's ISO stamps, written in TMX's form
    creationid: str = ""
    changedate: str = ""
    changeid: str = ""
    note: str = ""
    props: list[tuple[str, str]] = field(default_factory=list)


class TmxWriter:
    """Write TMX to a binary stream one unit (or article) at a time, in constant memory.

    Use as a context manager: ``with TmxWriter(out, "ro") as tmx: tmx.write(doc)``.
    ``locales`` maps the desk's language codes to the tags written (``{"ro": "ro-RO"}``).
    """

    def __init__(
        self,
        out: IO[bytes],
        srclang: str,
        adminlang: str = "en",
        *,
        locales: Mapping[str, str] | None = None,
    ) -> None:
        self.out = out
        self.locales = dict(locales or {})
        self.srclang = self.tag(srclang)
        self.adminlang = adminlang
        self.count = 0
        self.skipped: list[tuple[str, str]] = []  # (tuid, character) of units not written

    def tag(self, lang: str) -> str:
        """The language tag written for one of the desk's codes."""
        return self.locales.get(lang, lang)

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

    def write_unit(self, unit: TmxUnit) -> bool:
        """Write one unit; False, writing nothing, if a text in it is not valid in XML."""
        texts = [unit.tuid, unit.note, unit.creationid, unit.changeid]
        texts += [v for pair in (*unit.variants, *unit.props) for v in pair]
        bad = next((c for c in map(xml_invalid, texts) if c), None)
        if bad:
            self.skipped.append((unit.tuid, bad))
            return False
        self._xf.write(self._element(unit), "\n")
        self.count += 1
        return True

    def write(self, doc: Document) -> None:
        """Write an article's pairs that have a translation."""
        doc = clean_document(doc)
        for entry in doc.pairs:
            if entry.target.strip():
                self.write_unit(entry_unit(entry, doc))
        self._xf.flush()

    def _element(self, unit: TmxUnit) -> etree._Element:
        tu = etree.Element("tu", tuid=unit.tuid)
        for name, value in (
            ("srclang", self.tag(unit.srclang) if unit.srclang else ""),
            ("segtype", unit.segtype if unit.segtype in SEGTYPES else ""),
            ("creationdate", tmx_date(unit.creationdate)),
            ("creationid", unit.creationid),
            ("changedate", tmx_date(unit.changedate)),
            ("changeid", unit.changeid),
        ):
            if value:
                tu.set(name, value)
        if unit.note:
            etree.SubElement(tu, "note").text = unit.note
        for prop_type, value in unit.props:
            etree.SubElement(tu, "prop", type=prop_type).text = value
        for lang, text in unit.variants:
            tuv = etree.SubElement(tu, "tuv")
            tuv.set(XML_LANG, self.tag(lang))
            etree.SubElement(tuv, "seg").text = text
        return tu

    def __exit__(self, *exc: object) -> None:
        self._body.__exit__(*exc)
        self._xf.write("\n")
        self._tmx.__exit__(*exc)
        self._file.__exit__(*exc)


def segment_type(sources: int, target: str, target_lang: str) -> str | None:
    """``block`` for a bead that merges sentences (several source segments, or a target
    the segmenter splits), else None (one sentence, the header's default)."""
    if sources > 1:
        return "block"
    from tool.core.segment import segment_sentences

    try:
        return "block" if len(segment_sentences(target, target_lang)) > 1 else None
    except ToolError:  # a language babel does not know: no opinion on the target
        return None


def entry_unit(entry: Entry, doc: Document) -> TmxUnit:
    """The unit of one article pair: dates, people, article/paragraph props, comment note."""
    return TmxUnit(
        tuid=entry.key,
        variants=[(doc.source_lang, entry.source), (doc.target_lang, entry.target)],
        segtype=segment_type(1 + len(entry.joined), entry.target, doc.target_lang),
        creationdate=entry.created,
        creationid=entry.translator,
        changedate=entry.updated,
        changeid=entry.reviewer or entry.translator,
        note=entry.comment,
        props=[
            ("x-article", doc.article_id),
            ("x-paragraph", str(entry.paragraph)),
            ("x-status", entry.status),
        ],
    )


class TmxFormat:
    """TMX 1.4b: approved pairs by default."""

    name = "tmx"
    extension = "tmx"
    default_statuses: frozenset[str] | None = frozenset({"approved"})

    def export(self, doc: Document, *, locales: Mapping[str, str] | None = None) -> bytes:
        return export_tmx([doc], doc.source_lang, locales=locales)

    def write_many(
        self,
        docs: Iterable[Document],
        out: IO[bytes],
        srclang: str,
        *,
        locales: Mapping[str, str] | None = None,
    ) -> int:
        """Stream many documents into one TMX; returns the number of units written."""
        with TmxWriter(out, srclang, locales=locales) as writer:
            for doc in docs:
                writer.write(doc)
        return writer.count


def export_tmx(
    docs: Iterable[Document], srclang: str, *, locales: Mapping[str, str] | None = None
) -> bytes:
    """A TMX document for the documents, as bytes."""
    buffer = io.BytesIO()
    TmxFormat().write_many(docs, buffer, srclang, locales=locales)
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
    tuid: str | None = None
    segtype: str | None = None  # the unit's, else the header's
    line: int | None = None  # where the <tu> starts, for messages
    number: int = 0  # its place in the file, from 1

    @property
    def context(self) -> str | None:
        """The previous source segment, when the unit carries it (ours, memoQ's, XTM's)."""
        return next((self.props[p] for p in CONTEXT_PROPS if p in self.props), None)

    def where(self, label: str) -> str:
        """``file: tu 3 (line 12)``: the unit named in messages."""
        return f"{label}: tu {self.number}" + (f" (line {self.line})" if self.line else "")


def read_tmx(source: str | Path | bytes, name: str | None = None) -> Iterator[TmxEntry]:
    """Read the translation units of a TMX 1.1-1.4 file, leniently and safely.

    Accepts a path or the file's bytes. Languages come from ``xml:lang`` or ``lang``;
    inline codes (bpt, ept, ph, it, ut) are dropped and <hi> keeps its text. Raises
    InputError (naming the line) for malformed XML, entity declarations, an unknown
    encoding or a file that is not TMX; entities and the network are never used.
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
    try:
        root = parse_xml(data, label)
    except (LookupError, UnicodeError):  # a codec that cannot decode text (rot13, punycode)
        encoding = detect_encoding(data)
        raise InputError(f"{label}: unknown encoding {encoding!r} in the XML declaration") from None
    if local(root.tag) != "tmx":
        raise InputError(f"{label}: not a TMX file (root element <{local(root.tag)}>)")
    header = next((c for c in root if local(c.tag) == "header"), None)
    default_src = header.get("srclang") if header is not None else None
    default_segtype = header.get("segtype") if header is not None else None
    for number, tu in enumerate(root.iter("{*}tu", "tu"), start=1):
        entry = _entry(tu, default_src)
        entry.number = number
        entry.segtype = tu.get("segtype") or default_segtype
        yield entry


def _entry(tu: etree._Element, default_src: str | None) -> TmxEntry:
    entry = TmxEntry(srclang=tu.get("srclang") or default_src, tuid=tu.get("tuid"))
    entry.line = tu.sourceline
    if entry.srclang in ("*all*", ""):
        entry.srclang = None
    for name in ("creationid", "changeid", "creationdate", "changedate"):
        setattr(entry, name, tu.get(name))
    tuv_props: dict[str, str] = {}
    for child in tu:
        tag = local(child.tag)
        if tag == "prop" and child.get("type"):
            entry.props.setdefault(child.get("type"), plain_text(child).strip())
        elif tag == "tuv":
            lang = child.get(XML_LANG) or child.get("lang")
            seg = next((c for c in child if local(c.tag) == "seg"), None)
            if lang and seg is not None:
                entry.variants.setdefault(lang, plain_text(seg, CODE_TAGS))
            for prop in child:
                if local(prop.tag) == "prop" and prop.get("type") in CONTEXT_PROPS:
                    tuv_props.setdefault(prop.get("type"), plain_text(prop).strip())
            for name in ("creationid", "changeid", "creationdate", "changedate"):
                if getattr(entry, name) is None and child.get(name):
                    setattr(entry, name, child.get(name))
    for prop_type, value in tuv_props.items():  # memoQ and XTM put context on the tuv
        entry.props.setdefault(prop_type, value)
    return entry


__all__ = [
    "TmxEntry",
    "TmxFormat",
    "TmxUnit",
    "TmxWriter",
    "export_tmx",
    "iso_date",
    "parse_locales",
    "read_tmx",
    "safe_parser",
    "tmx_date",
]
