"""Small helpers shared by the exporters."""

from __future__ import annotations

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
