"""Terminal rendering: bilingual pairs side by side, control characters made visible, and the
small text helpers every command shares (plural, short, two columns)."""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Iterable
from typing import Any

import click

STATUS_COLOURS = {
    "new": "white",
    "translated": "cyan",
    "approved": "green",
    "rejected": "red",
    "needs_review": "yellow",
}


# What never goes to a terminal raw: C0 controls but tab and newline, DEL, C1 (so no
# escape or OSC sequence is ever executed, even from text stored before it was refused).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with control characters written out (``\\x1b``), safe to print."""
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def plural(count: int, noun: str = "unit") -> str:
    """``1 unit``, ``3 units``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def short(text: str | None, width: int = 60) -> str:
    """``text`` cut to ``width`` characters with an ellipsis, for table cells."""
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"


def two_columns(left: str, right: str, width: int) -> list[str]:
    """Two texts wrapped side by side in ``width`` characters, a bar between them."""
    column = max(20, (width - 3) // 2)
    lines_l = textwrap.wrap(visible(left), column) or [""]
    lines_r = textwrap.wrap(visible(right), column) or [""]
    return [
        (
            (lines_l[i] if i < len(lines_l) else "").ljust(column)
            + " │ "
            + (lines_r[i] if i < len(lines_r) else "")
        ).rstrip()
        for i in range(max(len(lines_l), len(lines_r)))
    ]


def terminal_width() -> int:
    return max(60, min(shutil.get_terminal_size((120, 24)).columns, 200))


def side_by_side(pairs: Iterable[dict[str, Any]], width: int | None = None) -> Iterable[str]:
    """Lines showing each pair as: gutter (unit, status, confidence) | source | target."""
    width = width or terminal_width()
    gutter = 25  # unit id, status, confidence and a space
    column = max(20, (width - gutter - 3) // 2)
    paragraph = object()
    for pair in pairs:
        if pair["paragraph"] is not None and pair["paragraph"] != paragraph:
            paragraph = pair["paragraph"]
            yield click.style(f"¶ {paragraph}", dim=True)
        if pair["target_only"]:
            head = "target only"
        else:
            unit = f"#{pair['unit_id']}" if pair["unit_id"] else "-"
            confidence = "" if pair["confidence"] is None else f"{pair['confidence']:.2f}"
            head = f"{unit:<7}{pair['status']:<13}{confidence}"
        target = visible(pair["target"])
        if pair.get("joined_to"):
            target = f"(joined to #{pair['joined_to']})"
        left = textwrap.wrap(visible(pair["source"]), column) or [""]
        right = textwrap.wrap(target, column) or [""]
        colour = STATUS_COLOURS.get(pair["status"], "magenta")
        for i in range(max(len(left), len(right))):
            gutter_text = head if i == 0 else ""
            l_text = left[i] if i < len(left) else ""
            r_text = right[i] if i < len(right) else ""
            yield (
                click.style(gutter_text.ljust(gutter), fg=colour)
                + l_text.ljust(column)
                + " │ "
                + r_text
            ).rstrip()
        if pair.get("alignment_note"):
            for line in textwrap.wrap(
                visible(f"aligner: {pair['alignment_note']}"), 2 * column + 3
            ):
                yield " " * gutter + click.style(line, fg="yellow")
