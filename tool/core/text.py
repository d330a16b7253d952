"""One text toolkit: folding, transliteration, words and tokens.

Alignment evidence, the lexicon, QA checks, the glossary's stemmer and the memory all read
words through these functions, so a word means the same thing everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

# A word as written: letters and digits, with inner apostrophes (``don't``, ``l'Europe``).
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# A token: a number with its separators (``1.000,5``), or a word of letters (inner hyphens
# and apostrophes kept: ``s-a``, ``Norte-Shora``).
TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’-][^\W\d_]+)*")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Case-folded, compatibility-decomposed, without diacritics: ``Țările`` -> ``tarile``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def latin(word: str) -> str:
    """A word folded and, from any script, transliterated to ASCII: ``Окленд`` -> ``oklend``.

    Transliteration is anyascii's (pure Python, maintained, one table per Unicode block):
    names and cognates can then be compared across Latin, Cyrillic, Greek and other scripts.
    """
    folded = fold(word)
    return folded if folded.isascii() else anyascii(folded).lower()


def words(text: str) -> list[str]:
    """The words of a text, as written (numbers count as words)."""
    return WORD.findall(text)


def tokens(text: str) -> list[str]:
    """Numbers (with their separators) and words of letters, in order."""
    return TOKEN.findall(text)


def with_article(word: str) -> str:
    """``word`` with the English indefinite article: "an approved", "a translated"."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"
