"""Text normalisation applied to everything the desk imports."""

from __future__ import annotations

import re
import unicodedata

from tool.errors import InputError

# Old Romanian letters with cedilla, as typed on pre-2007 keyboards and still common in wire copy.
CEDILLA_TO_COMMA = str.maketrans({"ş": "ș", "ţ": "ț", "Ş": "Ș", "Ţ": "Ț"})
CEDILLA_LETTERS = frozenset("şţŞŢ")

# Characters that carry no text: zero-width space, word joiner, byte-order mark, soft hyphen.
# The zero-width joiner and non-joiner (U+200D, U+200C) are kept: they are spelling in many
# scripts (Persian, Indic) and hold emoji sequences together.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"), None)
# Control characters that are never text: C0 but tab, newline and carriage return; DEL; C1.
# ESC among them, so no terminal escape sequence gets in.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_WHITESPACE_RUN = re.compile(r"\s+")


def find_control(text: str) -> int | None:
    """The index of the first control character in ``text`` (see :data:`_CONTROL`), or None."""
    found = _CONTROL.search(text)
    return found.start() if found else None


def refuse_controls(text: str, where: str) -> str:
    """``text`` as it is, or InputError naming ``where`` and the first control character.

    Called once on the way in, wherever text enters the desk (files, arguments, editors,
    terminals), so nothing stored can carry NUL, a terminal escape or another control.
    """
    index = find_control(text)
    if index is None:
        return text
    line = text.count("\n", 0, index) + 1
    at = f"line {line}" if "\n" in text else f"character {index + 1}"
    code = f"U+{ord(text[index]):04X}"
    raise InputError(f"{where}: control character {code} at {at}: remove it")


def fix_cedillas(text: str) -> str:
    """Replace the cedilla letters ş ţ Ş Ţ with the correct comma-below ș ț Ș Ț."""
    return text.translate(CEDILLA_TO_COMMA)


def normalise_text(text: str) -> str:
    """Normalise one paragraph or sentence: NFC, comma-below letters, single spaces, stripped.

    Quotes and dashes are kept as written; every run of whitespace (newlines, tabs,
    no-break spaces) becomes one ordinary space.
    """
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = fix_cedillas(text)
    return _WHITESPACE_RUN.sub(" ", text).strip()


_WORD = re.compile(r"\d+(?:[.,:/]\d+)*|\w+(?:[-'’]\w+)*")


def count_words(text: str) -> int:
    """Words as CAT tools count them.

    A run of letters is a word; a number with separators (5,5 or 1.000) and a hyphenated
    word count once.
    """
    return len(_WORD.findall(text))
