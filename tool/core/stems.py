"""Light stemming for Romanian and English, enough to match glossary terms in running text.

Romanian inflects nouns by suffix (``guvern``, ``guvernul``, ``guvernului``, ``guvernele``)
and alternates vowels (``țară``, ``țări``), so words are folded (``tool.core.text.fold``)
before the longest known ending is stripped. English only loses plural and possessive
endings and a few verb forms. Pure functions, no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from tool.core.text import fold, words

__all__ = ["MIN_STEM", "contains_phrase", "find_phrase", "fold", "stem", "stems", "words"]

MIN_STEM = 3  # never strip a word below this many letters

# Folded Romanian endings: articles, plurals, genitive/dative. Longest first.
_RO_SUFFIXES = tuple(
    sorted(
        {
            "urilor", "urile", "ului", "ilor", "elor", "iile", "iilor", "elui", "uri",
            "ele", "ile", "lor", "lui", "iei", "ul", "ea", "ei", "ii", "ia", "ie",
            "a", "e", "i", "u",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip


@lru_cache(maxsize=65536)
def stem(word: str, lang: str) -> str:
    """The stem of one word in ``lang`` (``ro``, ``en``; other languages are only folded).

    A Romanian stem is always a prefix of ``fold(word)``, never shorter than ``MIN_STEM``
    letters unless the word itself is.
    """
    folded = fold(word)
    base = lang.split("_")[0].split("-")[0].lower()
    if base == "ro":
        return _strip(folded, _RO_SUFFIXES)
    if base == "en":
        return _stem_en(folded)
    return folded


def _strip(word: str, suffixes: Sequence[str]) -> str:
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def _stem_en(word: str) -> str:
    for mark in ("'s", "’s", "s'", "s’"):
        if word.endswith(mark) and len(word) - 2 >= MIN_STEM:
            word = word[:-2] if mark[0] in "'’" else word[:-1]
            break
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")) and len(word) - 2 >= MIN_STEM:
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > MIN_STEM:
        return word[:-1]
    if word.endswith("ing") and len(word) - 3 >= MIN_STEM + 1:
        return word[:-3]
    if word.endswith("ed") and len(word) - 2 >= MIN_STEM:
        return word[:-2]
    if word.endswith("e") and len(word) > MIN_STEM:
        return word[:-1]  # vote/voted, state/states
    return word


def stems(text: str, lang: str) -> list[str]:
    """The stems of every word of a text, in order."""
    return [stem(w, lang) for w in words(text)]


def find_phrase(text_stems: Sequence[str], phrase_stems: Sequence[str]) -> int:
    """The index where ``phrase_stems`` occurs contiguously in ``text_stems``, or -1."""
    n = len(phrase_stems)
    if not n:
        return -1
    first = phrase_stems[0]
    for i in range(len(text_stems) - n + 1):
        if text_stems[i] == first and list(text_stems[i : i + n]) == list(phrase_stems):
            return i
    return -1


def contains_phrase(text: str, phrase: str, lang: str) -> bool:
    """True if ``phrase`` occurs in ``text`` in any inflected form."""
    return find_phrase(stems(text, lang), stems(phrase, lang)) >= 0
