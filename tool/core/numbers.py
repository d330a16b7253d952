"""Numbers, dates and calendar names as a language writes them, read through babel.

Shared by the QA checks (a number missing or changed in a translation) and the alignment
evidence (sentences sharing a number or a date). Every number token gets the set of values it
can stand for (``1.000`` is a thousand in Romanian and one in English), so two texts share a
number when their sets meet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import get_day_names, get_month_names
from babel.numbers import get_decimal_symbol, get_group_symbol

from tool.core.text import fold

NUMBER = re.compile(r"\d+(?:[.,:/]\d+)*")
MULTIPLIERS = {
    "thousand": 3, "thousands": 3, "mii": 3, "mie": 3,
    "million": 6, "millions": 6, "milion": 6, "milioane": 6, "mln": 6,
    "billion": 9, "billions": 9, "miliard": 9, "miliarde": 9, "mld": 9,
}  # fmt: skip
NUMBER_WORDS = {
    "en": {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1,
           "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "dozen": 12},
    "ro": {"unu": 1, "una": 1, "un": 1, "o": 1, "doi": 2, "două": 2, "doua": 2, "trei": 3,
           "patru": 4, "cinci": 5, "șase": 6, "sase": 6, "șapte": 7, "sapte": 7, "opt": 8,
           "nouă": 9, "noua": 9, "zece": 10, "unsprezece": 11, "doisprezece": 12,
           "douăsprezece": 12, "primul": 1, "prima": 1, "doilea": 2, "treilea": 3},
}  # fmt: skip


@lru_cache(maxsize=64)
def month_numbers(lang: str) -> dict[str, int]:
    """Month names of a language (folded, wide and abbreviated) -> month number."""
    names: dict[str, int] = {}
    try:
        for width in ("wide", "abbreviated"):
            for number, name in dict(get_month_names(width, locale=lang)).items():
                names[fold(name).rstrip(".")] = number
    except Exception:  # a language babel has no calendar data for
        return {}
    return names


@lru_cache(maxsize=64)
def _date_pattern(lang: str) -> re.Pattern[str] | None:
    months = month_numbers(lang)
    if not months:
        return None
    alt = "|".join(sorted(map(re.escape, months), key=len, reverse=True))
    day = r"(?P<{0}>\d{{1,2}})(?:st|nd|rd|th|-?(?:lea|a))?"
    return re.compile(
        rf"(?<!\d)(?:{day.format('d1')}\s+(?:of\s+)?(?P<m1>{alt})\.?(?:,?\s+(?P<y1>\d{{4}}))?"
        rf"|(?P<m2>{alt})\.?\s+{day.format('d2')}(?:,?\s+(?P<y2>\d{{4}}))?(?!\d)"
        rf"|(?P<m3>{alt})\.?\s+(?P<y3>\d{{4}}))(?!\w)",
        re.IGNORECASE,
    )


_NUMERIC_DATE = re.compile(
    r"(?<![\d.,])(?:(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)"
    r"|(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)(?P<yy>\d{4}))(?![\d])"
)


@dataclass
class NumberToken:
    text: str
    keys: set[tuple]
    used: bool = False
    month: int | None = None


def _fold_for_dates(text: str) -> str:
    # fold() keeps the length of Romanian text (one letter, one combining mark dropped)
    folded = fold(text)
    return folded if len(folded) == len(text) else text.lower()


def find_dates(text: str, lang: str) -> tuple[list[NumberToken], str]:
    """Dates in a text as tokens (year, month, day), and the text with them blanked out."""
    tokens: list[NumberToken] = []

    def blank(match: re.Match[str]) -> str:
        return " " * len(match.group(0))

    def numeric(match: re.Match[str]) -> str:
        if match.group("y"):
            y, m, d = int(match["y"]), int(match["m"]), int(match["d"])
            keys: set[tuple] = {("date", y, m, d), ("date", None, m, d)}
        else:
            a, b, y = int(match["a"]), int(match["b"]), int(match["yy"])
            keys = {("date", y, b, a), ("date", None, b, a)} if b <= 12 else set()
            if match["sep"] == "/" and a <= 12:  # perhaps US month/day
                keys |= {("date", y, a, b), ("date", None, a, b)}
            if not keys:
                return match.group(0)
        tokens.append(NumberToken(match.group(0), keys))
        return blank(match)

    if not any(c.isdigit() for c in text):
        return tokens, text
    text = _NUMERIC_DATE.sub(numeric, text)
    pattern = _date_pattern(lang)
    months = month_numbers(lang)
    folded = _fold_for_dates(text)
    if pattern is None or not set(re.findall(r"[^\W\d_]+", folded)) & months.keys():
        return tokens, text
    spans = []
    for match in pattern.finditer(folded):
        groups = match.groupdict()
        month_name = (groups["m1"] or groups["m2"] or groups["m3"]).lower()
        month = months.get(month_name.rstrip("."))
        day = groups["d1"] or groups["d2"]
        year = groups["y1"] or groups["y2"] or groups["y3"]
        if month is None:
            continue
        d = int(day) if day else None
        y = int(year) if year else None
        keys: set[tuple] = {("date", y, month, d), ("date", None, month, d)}
        if d is None:
            keys.add(("date", y, month, None))
        else:  # "12 și 21 iunie" may become "June 12-21": the day alone can match
            keys |= {("value", Decimal(d)), ("groups", (d,))}
        tokens.append(NumberToken(text[match.start() : match.end()].rstrip("."), keys, month=month))
        spans.append(match.span())
    for start, end in reversed(spans):
        text = text[:start] + " " * (end - start) + text[end:]
    return tokens, text


def number_value(number: str, decimal: str, group: str) -> Decimal | None:
    """The number written with these separators, or None if it does not fit them."""
    whole, _, fraction = number.partition(decimal) if decimal in number else (number, "", "")
    if fraction and not fraction.isdigit():
        return None
    parts = whole.split(group) if group in whole else [whole]
    if len(parts) > 1 and not all(len(p) == 3 and p.isdigit() for p in parts[1:]):
        return None
    if not all(p.isdigit() for p in parts):
        return None
    try:
        return Decimal("".join(parts) + ("." + fraction if fraction else ""))
    except InvalidOperation:
        return None


@lru_cache(maxsize=64)
def separators(lang: str) -> tuple[tuple[str, str], ...]:
    """(decimal, group) separators: the language's own first, then the other common ones."""
    try:
        own = (get_decimal_symbol(lang), get_group_symbol(lang))
    except Exception:
        own = (".", ",")
    return tuple(dict.fromkeys([own, (".", ","), (",", ".")]))


_CLOCK = re.compile(r"\s*([ap])\.?m\b\.?", re.IGNORECASE)


def _hours(number: str, after: str) -> set[tuple]:
    """Clock keys: ``10:00``, ``10 a.m.`` and a bare ``18`` can all be the same hour."""
    parts = (
        [int(p) for p in re.split(r"[:.]", number)]
        if re.fullmatch(r"\d{1,2}([:.]\d\d)?", number)
        else []
    )
    if not parts or parts[0] > 24:
        return set()
    hour, minute = parts[0], parts[1] if len(parts) > 1 else 0
    clock = _CLOCK.match(after)
    if clock and hour <= 12:
        hour = hour % 12 + (12 if clock.group(1).lower() == "p" else 0)
    return {("time", hour, minute)}


_SPACES = " \u00a0\u202f"
_SPACE_GROUPED = re.compile(rf"(?<![\d.,])\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?:[.,]\d+)?(?![\d])")


@lru_cache(maxsize=64)
def groups_with_spaces(lang: str) -> bool:
    """Whether the language groups thousands with a space (``17 500`` in Russian, French)."""
    try:
        return get_group_symbol(lang) in _SPACES
    except Exception:  # a language babel does not know
        return False


def _number_spans(text: str, lang: str) -> list[tuple[re.Match[str], str]]:
    """Number matches and their text without group spaces, in order."""
    found = []
    taken: list[tuple[int, int]] = []
    if groups_with_spaces(lang):
        for match in _SPACE_GROUPED.finditer(text):
            found.append((match, re.sub(f"[{_SPACES}]", "", match.group(0))))
            taken.append(match.span())
    for match in NUMBER.finditer(text):
        if not any(start <= match.start() < end for start, end in taken):
            found.append((match, match.group(0)))
    return sorted(found, key=lambda item: item[0].start())


def read_numbers(text: str, lang: str) -> list[NumberToken]:
    """Dates and numbers of a text, each with every value it can stand for."""
    tokens, rest = find_dates(text, lang)
    for match, number in _number_spans(rest, lang):
        keys: set[tuple] = {("groups", tuple(int(g) for g in re.findall(r"\d+", number)))}
        keys |= _hours(number, rest[match.end() :])
        after = re.match(r"\s*([^\W\d_]+)", rest[match.end() :])
        power = MULTIPLIERS.get(after.group(1).lower(), 0) if after else 0
        for decimal, group in separators(lang):
            value = number_value(number, decimal, group)
            if value is not None:
                keys.add(("value", value.normalize()))
                if power:
                    keys.add(("value", (value * Decimal(10) ** power).normalize()))
        tokens.append(NumberToken(match.group(0), keys))
    return tokens


def written_in_words(token: NumberToken, text: str, lang: str) -> bool:
    """True if a small number is written out in ``text`` (``5`` as ``five``/``cinci``)."""
    words = NUMBER_WORDS.get(lang)
    if not words:
        return False
    values = {k[1] for k in token.keys if k[0] == "value"}
    said = {words[w] for w in re.findall(r"[^\W\d_]+", text.lower()) if w in words}
    return bool(values & {Decimal(v) for v in said})


@lru_cache(maxsize=16)
def calendar_words(lang: str) -> frozenset[str]:
    try:
        names = dict(get_month_names("wide", locale=lang)).values()
        days = dict(get_day_names("wide", locale=lang)).values()
    except Exception:
        return frozenset()
    return frozenset(fold(n) for n in (*names, *days))


@lru_cache(maxsize=64)
def calendar_names(lang: str) -> dict[str, tuple[str, bool]]:
    """Folded wide month and weekday names, in every grammatical form babel knows, ->
    (``M:6`` / ``D:0`` feature, whether the language writes it in lower case)."""
    names: dict[str, tuple[str, bool]] = {}
    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return names
    for context in ("format", "stand-alone"):
        for number, name in locale.months.get(context, {}).get("wide", {}).items():
            names.setdefault(fold(name), (f"M:{number}", name[:1].islower()))
        for number, name in locale.days.get(context, {}).get("wide", {}).items():
            names.setdefault(fold(name), (f"D:{number}", name[:1].islower()))
    return names
