"""Text normalisation applied to everything the desk imports."""

from __future__ import annotations

import re
import unicodedata

# Old Romanian letters with cedilla, as typed on pre-2007 keyboards and still common in wire copy.
CEDILLA_TO_COMMA = str.maketrans({"ş": "ș", "ţ": "ț", "Ş": "Ș", "Ţ": "Ț"})
CEDILLA_LETTERS = frozenset("şţŞŢ")

# Characters that carry no text: zero-width spaces and joiners, the byte-order mark, soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_WHITESPACE_RUN = re.compile(r"\s+")


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
