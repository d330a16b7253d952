"""Word-level differences between two texts, for highlighting in pages."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

_PIECE = re.compile(r"\s+|\w+|[^\w\s]")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """How ``old`` becomes ``new``, word by word: ("equal" | "delete" | "insert", text) pieces.

    The "equal" and "delete" pieces joined give ``old``; "equal" and "insert" give ``new``.
    """
    a, b = _PIECE.findall(old), _PIECE.findall(new)
    pieces: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            _add(pieces, "equal", "".join(a[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            _add(pieces, "delete", "".join(a[i1:i2]))
        if tag in ("insert", "replace"):
            _add(pieces, "insert", "".join(b[j1:j2]))
    return pieces


def _add(pieces: list[tuple[str, str]], op: str, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1][0] == op:
        pieces[-1] = (op, pieces[-1][1] + text)
    else:
        pieces.append((op, text))
