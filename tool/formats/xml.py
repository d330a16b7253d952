"""Safe XML input: no entities, no network, no DTDs; clear errors naming the line."""

from __future__ import annotations

import codecs
import re

from lxml import etree

from tool.errors import InputError

_DECLARATION = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_LATIN_FAMILY = {"iso-8859-1", "latin-1", "latin1", "iso8859-1", "cp1252", "windows-1252"}


def safe_parser() -> etree.XMLParser:
    """An lxml parser that resolves no entities, loads no DTD and never touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def detect_encoding(data: bytes) -> str:
    """The encoding of an XML document from its BOM or declaration (default UTF-8)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if data.startswith(b"<\x00?\x00"):
        return "utf-16-le"
    if data.startswith(b"\x00<\x00?"):
        return "utf-16-be"
    match = _DECLARATION.match(data.lstrip())
    return match.group(1).decode("ascii").lower() if match else "utf-8"


def _text_bytes(data: bytes, encoding: str, name: str) -> str:
    """The document decoded, or InputError naming the first line that is not ``encoding``."""
    unknown = InputError(f"{name}: unknown encoding {encoding!r} in the XML declaration")
    try:
        if not codecs.lookup(encoding)._is_text_encoding:  # rot13, zlib, base64...
            raise unknown
    except LookupError:
        raise unknown from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            f"{name}: line {line}: bytes that are not valid {encoding.upper()} "
            "(is the file in another encoding than it declares?)"
        ) from None
    except (UnicodeError, LookupError):  # a codec that cannot decode at all (punycode...)
        raise unknown from None


def parse_xml(data: bytes, name: str = "<input>") -> etree._Element:
    """Parse XML bytes safely and return the root element.

    Refuses a DOCTYPE that declares entities (XXE, billion laughs), bytes that do not
    match the declared encoding, and UTF-8 text declared as Latin-1 (it would import as
    mojibake). Errors are InputError with the file name and line.
    """
    encoding = detect_encoding(data)
    text = _text_bytes(data, encoding, name)
    found = _ENTITY_DECL.search(text.encode("utf-8"))
    if found:
        line = text.encode("utf-8")[: found.start()].count(b"\n") + 1
        raise InputError(f"{name}: line {line}: entity declarations are not allowed (XXE/DTD)")
    if encoding in _LATIN_FAMILY and _looks_like_utf8(data):
        raise InputError(
            f"{name}: declared {encoding.upper()} but the bytes are UTF-8 "
            "(fix the XML declaration); nothing read"
        )
    try:
        root = etree.fromstring(data, safe_parser())
    except LookupError:  # an encoding Python knows and libxml2 does not
        raise InputError(f"{name}: unknown encoding {encoding!r} in the XML declaration") from None
    except etree.XMLSyntaxError as error:
        line = error.lineno or (error.position[0] if error.position else 0)
        message = re.sub(r"(,? line \d+(, column \d+)?)+$", "", error.msg or str(error))
        if message.startswith("Unsupported encoding"):
            raise InputError(
                f"{name}: unknown encoding {encoding!r} in the XML declaration"
            ) from None
        raise InputError(f"{name}: line {line}: malformed XML: {message}") from None
    if root is None:
        raise InputError(f"{name}: empty XML document")
    for node in root.iter(etree.Entity):
        raise InputError(f"{name}: line {node.sourceline}: entity references are not allowed")
    return root


def _looks_like_utf8(data: bytes) -> bool:
    """True if the bytes hold multi-byte UTF-8 sequences and decode as UTF-8."""
    if not re.search(rb"[\xc2-\xf4][\x80-\xbf]", data):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def local(tag: object) -> str:
    """An element's tag without its namespace ('' for comments and PIs)."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def plain_text(element: etree._Element, skip: frozenset[str] = frozenset()) -> str:
    """The text of an element with inline markup stripped (tags in ``skip`` dropped whole)."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if local(child.tag) not in skip:
            parts.append(plain_text(child, skip))
        parts.append(child.tail or "")
    return "".join(parts)
