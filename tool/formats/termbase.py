"""Glossary files: TBX (TBX-Basic, v2 ``martif`` and v3 ``tbx``) and CSV/TSV, read and written.

Readers return what the file says, term by term, without judging it; the glossary
service checks the entries and stores them. CSV cells a spreadsheet would run as a
formula are written with a leading apostrophe and read back without it (see
:mod:`tool.formats.delimited`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from tool.errors import InputError
from tool.formats.delimited import neutralise_cell, restore_cell
from tool.formats.xml import local, parse_xml

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FORBIDDEN_STATUS = {"deprecatedterm-admn", "supersededterm-admn", "deprecated", "superseded"}
CSV_COLUMNS = ("term", "translation", "forbidden", "note")
DELIMITERS = ("\t", ";", ",")


@dataclass(kw_only=True)
class TermRecord:
    """One glossary entry as a file gives it."""

    term: str
    translation: str
    forbidden: list[str] = field(default_factory=list)
    note: str = ""
    line: int = 0


@dataclass(kw_only=True)
class Concept:
    """One TBX concept entry: terms per language (with a forbidden flag) and notes."""

    line: int
    terms: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)  # code as written
    notes: list[str] = field(default_factory=list)


# --- TBX ------------------------------------------------------------------------------


def read_tbx(data: bytes, name: str) -> list[Concept]:
    """The concept entries of a TBX file (TBX-Basic, v2 termEntry or v3 conceptEntry)."""
    root = parse_xml(data, name)
    if local(root.tag) not in ("martif", "tbx"):
        raise InputError(f"{name}: not a TBX file (root element <{local(root.tag)}>)")
    concepts = []
    for entry in root.iter():
        if local(entry.tag) not in ("termEntry", "conceptEntry"):
            continue
        concept = Concept(line=entry.sourceline or 0)
        for node in entry.iter():
            tag = local(node.tag)
            if tag in ("descrip", "note") and (node.text or "").strip():
                concept.notes.append((node.text or "").strip())
            if tag not in ("langSet", "langSec"):
                continue
            code = node.get(XML_LANG) or node.get("lang") or ""
            for term_node in node.iter():
                if local(term_node.tag) not in ("tig", "ntig", "termSec"):
                    continue
                term = next((e for e in term_node.iter() if local(e.tag) == "term"), None)
                text = "".join(term.itertext()) if term is not None else ""
                if not text.strip():
                    continue
                status = " ".join(
                    (e.text or "").strip().lower()
                    for e in term_node.iter()
                    if local(e.tag) == "termNote" and e.get("type") == "administrativeStatus"
                )
                concept.terms.setdefault(code, []).append((text, status in FORBIDDEN_STATUS))
        concepts.append(concept)
    return concepts


def write_tbx(records: Iterable[TermRecord], source_lang: str, target_lang: str) -> bytes:
    """A TBX-Basic (v2, ``martif``) file: one termEntry per term pair.

    The translation is the preferred term; forbidden translations are deprecated terms.
    """
    root = etree.Element("martif", type="TBX-Basic")
    root.set(XML_LANG, source_lang)
    header = etree.SubElement(root, "martifHeader")
    file_desc = etree.SubElement(header, "fileDesc")
    source_desc = etree.SubElement(file_desc, "sourceDesc")
    etree.SubElement(source_desc, "p").text = "translation-desk glossary"
    encoding = etree.SubElement(header, "encodingDesc")
    etree.SubElement(encoding, "p", type="XCSURI").text = "TBXBasicXCSV02.xcs"
    body = etree.SubElement(etree.SubElement(root, "text"), "body")
    for number, record in enumerate(records, start=1):
        entry = etree.SubElement(body, "termEntry", id=f"c{number}")
        if record.note:
            etree.SubElement(entry, "note").text = record.note
        source = etree.SubElement(entry, "langSet")
        source.set(XML_LANG, source_lang)
        _tig(source, record.term, "")
        target = etree.SubElement(entry, "langSet")
        target.set(XML_LANG, target_lang)
        _tig(target, record.translation, "preferredTerm-admn")
        for wrong in record.forbidden:
            _tig(target, wrong, "deprecatedTerm-admn")
    etree.indent(root, space=" ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def _tig(lang_set: etree._Element, text: str, status: str) -> None:
    tig = etree.SubElement(lang_set, "tig")
    etree.SubElement(tig, "term").text = text
    if status:
        etree.SubElement(tig, "termNote", type="administrativeStatus").text = status


# --- CSV / TSV ------------------------------------------------------------------------


def sniff_delimiter(header: str) -> str:
    """The delimiter of a header line: tab, ``;`` or ``,`` (the most frequent of them)."""
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_glossary_csv(text: str, name: str) -> list[TermRecord]:
    """Term records from CSV/TSV text with a header naming term and translation.

    The delimiter (tab, ``;`` or ``,``) is read from the header line. Wrong translations
    in ``forbidden`` are separated by ``;`` (quoted, when ``;`` separates the columns).
    """
    lines = text.splitlines()
    delimiter = sniff_delimiter(lines[0] if lines else "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [c.strip().lower() for c in next(reader, [])]
        if "term" not in header or "translation" not in header:
            shown = {",": "commas", ";": "semicolons", "\t": "tabs"}[delimiter]
            raise InputError(
                f"{name}: the first line must name the columns term and translation "
                f"(separated by commas, semicolons or tabs; read with {shown})"
            )
        column = {h: i for i, h in reversed(list(enumerate(header)))}
        records = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            cells = [restore_cell(c) for c in row]

            def cell(key: str, cells: list[str] = cells) -> str:
                index = column.get(key)
                return cells[index] if index is not None and index < len(cells) else ""

            records.append(
                TermRecord(
                    term=cell("term"),
                    translation=cell("translation"),
                    forbidden=[w.strip() for w in cell("forbidden").split(";")],
                    note=cell("note"),
                    line=reader.line_num,
                )
            )
    except csv.Error as error:
        raise InputError(f"{name}: line {reader.line_num}: {_csv_problem(error)}") from None
    return records


def _csv_problem(error: csv.Error) -> str:
    message = str(error)
    if "field limit" in message:
        return f"a cell is longer than {csv.field_size_limit()} characters"
    return f"malformed CSV ({message})"


def write_glossary_csv(records: Iterable[TermRecord], delimiter: str = ",") -> bytes:
    """Term records as CSV (or TSV) with a header, formulas neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in records:
        row = (r.term, r.translation, ";".join(r.forbidden), r.note)
        writer.writerow([neutralise_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8")
