"""Evidence that two groups of sentences translate each other, without a downloaded model.

Every sentence becomes a set of features: numbers read with their language's separators
(``5,5`` in Romanian is ``5.5`` in English, ``1.000`` is ``1,000``), month and weekday
names (via babel, so ``19 iunie``, ``19.06.2016`` and ``June 19`` share ``N:19`` and
``M:6``), capitalised names and acronyms, cognate prefixes of longer words (``guvernul`` and
``guvern``, ``președinte`` and ``president``), question and exclamation marks and quotes,
and, with a lexicon, learned word translations. Features are weighted by kind and by how rare
they are in the document; the aligner scores two groups of sentences by the weighted Dice
coefficient of their features.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol, get_group_symbol

if TYPE_CHECKING:
    from tool.core.lexicon import Lexicon

# Base weight of each kind of feature (the first letters of the feature).
KIND_WEIGHTS = {"N": 3.0, "M": 2.5, "D": 2.0, "C": 2.0, "W": 1.0, "P": 1.0, "L": 2.0}

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’-][^\W\d_]+)*")
_QUOTES = frozenset('„“”"«»‘')


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lowercase and strip diacritics: ``Președinte`` -> ``presedinte``."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stem(word: str, size: int = 5) -> str:
    """A crude language-independent stem: the folded word cut to ``size`` letters."""
    return fold(word)[:size]


def tokens(text: str) -> list[str]:
    """Words and numbers of a sentence, in order."""
    return _TOKEN.findall(text)


@lru_cache(maxsize=64)
def _locale(lang: str) -> Locale | None:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return None


@lru_cache(maxsize=64)
def _separators(lang: str) -> tuple[str, str]:
    """(decimal, group) symbols of the language; English ones for an unknown language."""
    locale = _locale(lang)
    if locale is None:
        return ".", ","
    try:
        decimal, group = get_decimal_symbol(locale), get_group_symbol(locale)
    except (KeyError, AttributeError):
        return ".", ","
    if group not in ".,":  # e.g. a (no-break) space: accept the other mark as grouping
        group = "," if decimal == "." else "."
    return decimal, group


@lru_cache(maxsize=64)
def _calendar_names(lang: str) -> dict[str, tuple[str, bool]]:
    """Folded wide month and weekday names -> (``M:6`` / ``D:0`` feature, written lowercase)."""
    names: dict[str, tuple[str, bool]] = {}
    locale = _locale(lang)
    if locale is None:
        return names
    for context in ("format", "stand-alone"):
        for number, name in locale.months.get(context, {}).get("wide", {}).items():
            names.setdefault(fold(name), (f"M:{number}", name[:1].islower()))
        for number, name in locale.days.get(context, {}).get("wide", {}).items():
            names.setdefault(fold(name), (f"D:{number}", name[:1].islower()))
    return names


_NUMERIC_DATE = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})")


def number_value(token: str, lang: str) -> str:
    """The value of a number as written in ``lang``, normalised: ``1.000,5`` (ro) -> ``1000.5``."""
    decimal, group = _separators(lang)
    if decimal not in token and group not in token:
        return token.lstrip("0") or "0"
    parts = token.split(decimal)
    if len(parts) == 2:
        whole, frac = parts
    elif len(parts) == 1:
        whole, frac = token, ""
        groups = whole.split(group)
        # A single group mark followed by other than 3 digits is a decimal in the other style.
        if len(groups) == 2 and len(groups[1]) != 3:
            whole, frac = groups
    else:
        return token
    whole = whole.replace(group, "").lstrip("0") or "0"
    frac = frac.replace(group, "").rstrip("0")
    return f"{whole}.{frac}" if frac else whole


def sentence_features(
    text: str, lang: str, lexicon: Lexicon | None = None, side: str = ""
) -> set[str]:
    """The evidence features of one sentence (see the module docstring).

    ``side`` is ``"source"`` or ``"target"`` and only matters with a lexicon: source words add
    their learned translations, target words add themselves when the lexicon knows them.
    """
    feats: set[str] = set()
    calendar = _calendar_names(lang)
    words = tokens(text)
    for k, tok in enumerate(words):
        first = tok[0]
        if first.isdigit():
            date = _NUMERIC_DATE.fullmatch(tok)
            if date and 1 <= int(date[2]) <= 12:  # 19.06.2016: day, month, year
                feats.update(("N:" + date[1].lstrip("0"), f"M:{int(date[2])}", "N:" + date[3]))
            else:
                feats.add("N:" + number_value(tok, lang))
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
        if len(tok) >= 2 and tok.isupper():
            feats.add("C:" + folded)
        elif first.isupper() and k > 0 and len(folded) >= 3:
            feats.add("C:" + folded[:5])
        if len(folded) >= 4:
            feats.add("W:" + folded[:4])
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
    return feats


def feature_weights(groups: Iterable[set[str]]) -> dict[str, float]:
    """Weight of every feature: its kind's weight times its rarity in the document."""
    df: Counter[str] = Counter()
    count = 0
    for feats in groups:
        df.update(feats)
        count += 1
    return {
        f: KIND_WEIGHTS.get(f[0], 1.0) * math.log(1.0 + count / (2.0 * d)) for f, d in df.items()
    }
