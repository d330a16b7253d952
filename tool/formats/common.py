"""Small helpers shared by the exporters."""

from __future__ import annotations

from functools import lru_cache

from tool.formats.model import Entry


def info_line(entry: Entry) -> str:
    """A one-line human summary of a pair's workflow data, for notes and comments."""
    parts = [f"status: {entry.status}"]
    if entry.translator:
        parts.append(f"translator: {entry.translator}")
    if entry.reviewer:
        parts.append(f"reviewer: {entry.reviewer}")
    parts.append(f"paragraph: {entry.paragraph}")
    if entry.joined:
        parts.append("merges segments " + ", ".join(map(str, entry.joined)))
    return "; ".join(parts)


def read_input(source: str | bytes, label: str | None = None) -> tuple[bytes, str]:
    """Bytes and a name for messages from a path or bytes."""
    from pathlib import Path

    from tool.core.article import read_file_bytes

    if isinstance(source, bytes):
        return source, label or "<input>"
    path = Path(source)
    return read_file_bytes(path), label or str(path)


def region_tag(code: str) -> str:
    """A language tag with a region, as office programs want it: ``ro`` -> ``ro-RO``."""
    return _region_tag(code)


@lru_cache(maxsize=64)
def _region_tag(code: str) -> str:
    from babel.core import get_global

    from tool.core.locale import validate_lang

    parts = validate_lang(code).split("_")
    if len(parts) > 1 and (parts[-1].isupper() or parts[-1].isdigit()):
        return "-".join(parts)
    subtags = get_global("likely_subtags")
    likely = str(subtags.get("_".join(parts)) or subtags.get(parts[0], "")).split("_")
    region = likely[-1] if len(likely) > 1 and likely[-1].isupper() else ""
    return "-".join([*parts, region] if region else parts)


def xml_text(text: str) -> str:
    """Text escaped for XML character data."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_attr(text: str) -> str:
    """Text escaped for a double-quoted XML attribute."""
    return xml_text(text).replace('"', "&quot;")
