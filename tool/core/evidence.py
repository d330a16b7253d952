"""Evidence that two groups of sentences translate each other, without a downloaded model.

Every sentence becomes a set of features: numbers and dates read with their language's
conventions through babel (``5,5`` in Romanian is ``5.5`` in English, ``17 500`` in Russian
is ``17500``; ``19 iunie``, ``19.06.2016`` and ``June 19`` share ``N:19`` and ``M:6``),
month and weekday names, words reduced to cognate keys after transliteration (so
``guvernul`` meets ``government``, ``Окленд`` meets ``Auckland``), question and exclamation
marks, quotes and brackets, and, with a lexicon, learned word translations. Capitals are not
needed: a lower-cased or all-caps text gives the same word keys. The aligner weighs them
by kind and by how rare they are in the document (see ``tool.core.align``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from tool.core.numbers import calendar_names, read_numbers
from tool.core.text import fold, latin, tokens

if TYPE_CHECKING:
    from tool.core.lexicon import Lexicon

# Kinds of feature (the first letter of the feature): N number, M month, D weekday, W cognate
# key, S consonant skeleton, P punctuation, L learned translation. How much each counts is
# the aligner's business (``tool.core.align.TRANSFER``).
_QUOTES = frozenset('„“”"«»‘')
_DIGRAPHS = (("ph", "f"), ("th", "t"), ("ch", "k"), ("sch", "s"), ("ck", "k"), ("qu", "k"))
_LETTERS = str.maketrans({"c": "k", "q": "k", "w": "v", "y": "i", "j": "i", "z": "s", "x": "s"})
_VOWELS = re.compile(r"[aeiouh]+")
_DOUBLES = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def cognate_key(word: str) -> str:
    """A word as sounds, across spellings and scripts: ``Chomo`` and ``komo`` meet.

    Transliterated to ASCII, folded, common digraphs and letters of one sound merged, double
    letters made single.
    """
    key = latin(word)
    for digraph, letter in _DIGRAPHS:
        key = key.replace(digraph, letter)
    return _DOUBLES.sub(r"\1", key.translate(_LETTERS))


def skeleton(key: str) -> str:
    """The consonants of a cognate key: ``guvernul`` and ``government`` both start ``gvrn``."""
    return _VOWELS.sub("", key)


def _number_features(text: str, lang: str) -> set[str]:
    """``N:`` and ``M:`` features of the numbers and dates of a text."""
    feats: set[str] = set()
    for token in read_numbers(text, lang):
        for key in token.keys:
            if key[0] == "value":
                feats.add(f"N:{key[1]:f}")
            elif key[0] == "date":
                _, year, month, day = key
                feats.add(f"M:{month}")
                if day is not None:
                    feats.add(f"N:{day}")
                if year is not None:
                    feats.add(f"N:{year}")
    return feats


def sentence_features(
    text: str, lang: str, lexicon: Lexicon | None = None, side: str = ""
) -> set[str]:
    """The evidence features of one sentence (see the module docstring).

    ``side`` is ``"source"`` or ``"target"`` and only matters with a lexicon: source words add
    their learned translations, target words add themselves when the lexicon knows them.
    """
    feats = _number_features(text, lang)
    calendar = calendar_names(lang)
    words = tokens(text)
    for k, tok in enumerate(words):
        first = tok[0]
        if first.isdigit():
            continue
        folded = fold(tok)
        entry = calendar.get(folded)
        if entry is not None:
            feature, lowercase = entry
            after_number = k > 0 and words[k - 1][0].isdigit()
            near_number = after_number or (k + 1 < len(words) and words[k + 1][0].isdigit())
            # Names double as ordinary words: "mai" (more), "may", "march", "4 luni" (months).
            if feature[0] == "M":
                usable = near_number or (len(folded) > 3 and (lowercase or first.isupper()))
            else:
                usable = not after_number
            if usable:
                feats.add(feature)
                continue
        key = cognate_key(tok)
        if len(key) >= 4 or (len(key) >= 2 and tok.isupper() and len(tok) >= 2):
            feats.add("W:" + key[:4])
            bones = skeleton(key)
            if len(bones) >= 3 and len(key) >= 5:
                feats.add("S:" + bones[:3])
        if lexicon is not None:
            if side == "source":
                feats.update("L:" + t for t in lexicon.translations(folded))
            elif lexicon.knows_target(folded):
                feats.add("L:" + lexicon.key(folded))
    if "?" in text:
        feats.add("P:?")
    if "!" in text:
        feats.add("P:!")
    if any(c in _QUOTES for c in text):
        feats.add("P:q")
    if "(" in text:
        feats.add("P:(")
    return feats
