"""Quality checks on one source/target pair: a registry of small pure functions.

Each check has an id and a severity (``error``, ``warning``, ``info``) and returns messages;
:func:`run_checks` turns them into :class:`Finding` values. A check may raise the severity
of one message by returning ``(message, severity)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.dates import get_day_names, get_month_names
from babel.numbers import get_decimal_symbol, get_group_symbol
from rapidfuzz import fuzz

from tool.core.normalize import CEDILLA_LETTERS
from tool.core.stems import contains_phrase, fold, stem

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class TermHit:
    """A glossary term found in the source, with its required and forbidden translations."""

    term: str
    translation: str
    forbidden: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class QAContext:
    source_lang: str
    target_lang: str
    glossary: tuple[TermHit, ...] = field(default_factory=tuple)

    @property
    def src(self) -> str:
        return self.source_lang.split("_")[0]

    @property
    def tgt(self) -> str:
        return self.target_lang.split("_")[0]


Message = str | tuple[str, str]
CheckFunc = Callable[[str, str, QAContext], Iterable[Message]]


@dataclass(frozen=True)
class Check:
    id: str
    severity: str
    description: str
    func: CheckFunc


CHECKS: dict[str, Check] = {}


def check(check_id: str, severity: str, description: str) -> Callable[[CheckFunc], CheckFunc]:
    """Register a check function under ``check_id``."""
    assert severity in SEVERITIES

    def register(func: CheckFunc) -> CheckFunc:
        CHECKS[check_id] = Check(check_id, severity, description, func)
        return func

    return register


def run_checks(
    source: str, target: str, ctx: QAContext, only: Sequence[str] | None = None
) -> list[Finding]:
    """Every registered check's findings for one pair; an empty target gets only ``empty``."""
    ids = list(only) if only else list(CHECKS)
    if not target.strip():
        ids = [i for i in ids if i == "empty"]
    findings = []
    for check_id in ids:
        spec = CHECKS[check_id]
        for message in spec.func(source, target, ctx):
            text, severity = message if isinstance(message, tuple) else (message, spec.severity)
            findings.append(Finding(check_id, severity, text))
    return findings


# --- empty, spaces, cedillas ---------------------------------------------------------


@check("empty", "error", "the target is empty")
def check_empty(source: str, target: str, ctx: QAContext) -> list[Message]:
    return ["the translation is empty"] if source.strip() and not target.strip() else []


@check("spaces", "warning", "leading, trailing or double spaces, space before punctuation")
def check_spaces(source: str, target: str, ctx: QAContext) -> list[Message]:
    found = []
    if target != target.lstrip():
        found.append("the translation starts with a space")
    if target != target.rstrip():
        found.append("the translation ends with a space")
    if "  " in target.strip():
        found.append("double space in the translation")
    if ctx.tgt in ("ro", "en") and re.search(r"\w \s*[,.;:?!](?!\.)", target):
        found.append("space before punctuation")
    return found


@check("cedilla", "warning", "old cedilla letters ş ţ instead of ș ț")
def check_cedilla(source: str, target: str, ctx: QAContext) -> list[Message]:
    letters = sorted({c for c in target if c in CEDILLA_LETTERS})
    if not letters:
        return []
    return [f"old cedilla letters {' '.join(letters)}: use the comma-below letters ș ț Ș Ț"]


# --- untranslated, length --------------------------------------------------------------

_LOWER_WORD = re.compile(r"(?<![\w])[^\W\d_A-ZĂÂÎȘȚŞŢ][^\W\d_]{2,}")


@check("untranslated", "warning", "the target is the source, unchanged")
def check_untranslated(source: str, target: str, ctx: QAContext) -> list[Message]:
    if ctx.src == ctx.tgt or fold(source.strip()) != fold(target.strip()):
        return []
    if not any(w[0].islower() for w in _LOWER_WORD.findall(source)):
        return []  # only numbers, names and acronyms: the same in every language
    return ["the translation is the same as the source"]


MIN_LENGTH_FOR_RATIO = 30
LENGTH_RATIO = (0.45, 2.2)


@check("length", "warning", "the target is much shorter or longer than the source")
def check_length(source: str, target: str, ctx: QAContext) -> list[Message]:
    src, tgt = len(source.strip()), len(target.strip())
    if src < MIN_LENGTH_FOR_RATIO:
        return []
    ratio = tgt / src
    if ratio < LENGTH_RATIO[0]:
        return [f"the translation is {ratio:.0%} of the source's length: something missing?"]
    if ratio > LENGTH_RATIO[1]:
        return [f"the translation is {ratio:.0%} of the source's length: something added?"]
    return []


# --- end punctuation, quotes, brackets -----------------------------------------------

_CLOSERS = "\"'”’»)]}"
_END = {".": "a full stop", "?": "a question mark", "!": "an exclamation mark",
        ":": "a colon", ";": "a semicolon", "…": "an ellipsis"}  # fmt: skip


def end_mark(text: str) -> str:
    """The sentence-final mark of a text (ignoring closing quotes), '' if none."""
    stripped = text.strip().rstrip(_CLOSERS + " ")
    if stripped.endswith("..."):
        return "…"
    return stripped[-1] if stripped and stripped[-1] in _END else ""


@check("end_punctuation", "warning", "the source and target end differently")
def check_end_punctuation(source: str, target: str, ctx: QAContext) -> list[Message]:
    src, tgt = end_mark(source), end_mark(target)
    if src == tgt:
        return []
    said = _END.get(src, "no punctuation")
    return [f"the source ends with {said}, the translation with {_END.get(tgt, 'none')}"]


_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"))
QUOTE_STYLE = {
    "ro": ("„", "”", "„…” (or «…»)"),
    "en": ("“", "”", '“…” or "…"'),
}


def _unclosed(text: str) -> dict[str, bool]:
    """Which kinds of brackets and quotes a text leaves open (or closes without opening)."""
    found = {f"{o}{c}": text.count(o) != text.count(c) for o, c in _PAIRS}
    quotes = sum(text.count(q) for q in "„“«") != sum(text.count(q) for q in "”»")
    found["quotes"] = quotes or text.count('"') % 2 == 1
    return found


@check("quotes", "warning", "unbalanced brackets or quotes, or quotes in the wrong style")
def check_quotes(source: str, target: str, ctx: QAContext) -> list[Message]:
    """Imbalance counts only where the source is balanced: quotes may span sentences."""
    found: list[Message] = []
    src, tgt = _unclosed(source), _unclosed(target)
    for kind, open_in_target in tgt.items():
        if open_in_target and not src[kind]:
            what = "quotes" if kind == "quotes" else f"brackets {kind}"
            found.append(f"unbalanced {what} in the translation")
    style = QUOTE_STYLE.get(ctx.tgt)
    if style and style[0] == "„" and "“" in target:
        found.append(f"English-style quotes in a Romanian translation: use {style[2]}")
    elif style and style[0] != "„" and "„" in target:
        found.append(f"Romanian-style quotes in an English translation: use {style[2]}")
    src_quoted = sum(source.count(q) for q in '„“«"') > 0
    tgt_quoted = sum(target.count(q) for q in '„“«"”') > 0
    if src_quoted and not tgt_quoted:
        found.append(("the source quotes someone; the translation has no quotes", "info"))
    return found


# --- numbers and dates ----------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.,:/]\d+)*")
_MULTIPLIERS = {
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
def _months(lang: str) -> dict[str, int]:
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
    months = _months(lang)
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
class _Token:
    text: str
    keys: set[tuple]
    used: bool = False
    month: int | None = None


def _fold_for_dates(text: str) -> str:
    # fold() keeps the length of Romanian text (one letter, one combining mark dropped)
    folded = fold(text)
    return folded if len(folded) == len(text) else text.lower()


def _dates(text: str, lang: str) -> tuple[list[_Token], str]:
    """Dates in a text as tokens (year, month, day), and the text with them blanked out."""
    tokens: list[_Token] = []

    def blank(match: re.Match[str]) -> str:
        return " " * len(match.group(0))

    def numeric(match: re.Match[str]) -> str:
        if match.group("y"):
            y, m, d = int(match["y"]), int(match["m"]), int(match["d"])
            keys = {("date", y, m, d), ("date", None, m, d)}
        else:
            a, b, y = int(match["a"]), int(match["b"]), int(match["yy"])
            keys = {("date", y, b, a), ("date", None, b, a)} if b <= 12 else set()
            if match["sep"] == "/" and a <= 12:  # perhaps US month/day
                keys |= {("date", y, a, b), ("date", None, a, b)}
            if not keys:
                return match.group(0)
        tokens.append(_Token(match.group(0), keys))
        return blank(match)

    if not any(c.isdigit() for c in text):
        return tokens, text
    text = _NUMERIC_DATE.sub(numeric, text)
    pattern = _date_pattern(lang)
    months = _months(lang)
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
        keys = {("date", y, month, d), ("date", None, month, d)}
        if d is None:
            keys.add(("date", y, month, None))
        else:  # "12 și 21 iunie" may become "June 12-21": the day alone can match
            keys |= {("value", Decimal(d)), ("groups", (d,))}
        tokens.append(_Token(text[match.start() : match.end()].rstrip("."), keys, month=month))
        spans.append(match.span())
    for start, end in reversed(spans):
        text = text[:start] + " " * (end - start) + text[end:]
    return tokens, text


def _value(number: str, decimal: str, group: str) -> Decimal | None:
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
def _separators(lang: str) -> tuple[tuple[str, str], ...]:
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


def _numbers(text: str, lang: str) -> list[_Token]:
    """Dates and numbers of a text, each with every value it can stand for."""
    tokens, rest = _dates(text, lang)
    for match in _NUMBER.finditer(rest):
        number = match.group(0)
        keys: set[tuple] = {("groups", tuple(int(g) for g in re.findall(r"\d+", number)))}
        keys |= _hours(number, rest[match.end() :])
        after = re.match(r"\s*([^\W\d_]+)", rest[match.end() :])
        power = _MULTIPLIERS.get(after.group(1).lower(), 0) if after else 0
        for decimal, group in _separators(lang):
            value = _value(number, decimal, group)
            if value is not None:
                keys.add(("value", value.normalize()))
                if power:
                    keys.add(("value", (value * Decimal(10) ** power).normalize()))
        tokens.append(_Token(number, keys))
    return tokens


def _in_words(token: _Token, text: str, lang: str) -> bool:
    """True if a small number is written out in ``text`` (``5`` as ``five``/``cinci``)."""
    words = NUMBER_WORDS.get(lang)
    if not words:
        return False
    values = {k[1] for k in token.keys if k[0] == "value"}
    said = {words[w] for w in re.findall(r"[^\W\d_]+", text.lower()) if w in words}
    return bool(values & {Decimal(v) for v in said})


@check("numbers", "error", "a number or date missing or changed")
def check_numbers(source: str, target: str, ctx: QAContext) -> list[Message]:
    src, tgt = _numbers(source, ctx.src), _numbers(target, ctx.tgt)
    for token in src:
        for other in tgt:
            if not other.used and token.keys & other.keys:
                token.used = other.used = True
                break
    months = {t.month for t in tgt if t.month}
    moved = [t for t in src if t.used and t.month and t.month not in months]
    missing = [t for t in src if not t.used and not _in_words(t, target, ctx.tgt)]
    extra = [t for t in tgt if not t.used and not _in_words(t, source, ctx.src)]
    found: list[Message] = []
    if missing and extra:
        pairs = ", ".join(f"{a.text} -> {b.text}" for a, b in zip(missing, extra))
        found.append(f"numbers changed: {pairs}")
        missing, extra = missing[len(extra) :], extra[len(missing) :]
    found += [f"number {t.text} is missing from the translation" for t in missing]
    found += [f"date {t.text}: its month is missing or changed in the translation" for t in moved]
    found += [(f"number {t.text} is not in the source", "warning") for t in extra]
    return found


@check("number_format", "warning", "a number written in the source language's style")
def check_number_format(source: str, target: str, ctx: QAContext) -> list[Message]:
    if ctx.src == ctx.tgt:
        return []
    decimal, group = _separators(ctx.tgt)[0]
    found = []
    for match in _NUMBER.finditer(_dates(target, ctx.tgt)[1]):
        number = match.group(0)
        if re.fullmatch(r"\d{1,3}[.,]\d{3}", number):
            continue  # 1.000 / 1,000: thousands in one style or decimals in the other
        if ":" in number or "/" in number or _value(number, decimal, group) is not None:
            continue
        found.append(f"{number} is not written the {ctx.tgt} way (decimal {decimal!r})")
    return found


# --- glossary ---------------------------------------------------------------------------


@check("glossary", "warning", "a glossary term not translated as the glossary says")
def check_glossary(source: str, target: str, ctx: QAContext) -> list[Message]:
    return [
        f"{hit.term!r} should be translated as {hit.translation!r}"
        for hit in ctx.glossary
        if not contains_phrase(target, hit.translation, ctx.tgt)
    ]


@check("forbidden", "error", "a forbidden translation of a glossary term")
def check_forbidden(source: str, target: str, ctx: QAContext) -> list[Message]:
    return [
        f"{wrong!r} is a forbidden translation of {hit.term!r}: use {hit.translation!r}"
        for hit in ctx.glossary
        for wrong in hit.forbidden
        if contains_phrase(target, wrong, ctx.tgt)
    ]


# --- names -------------------------------------------------------------------------------

# Capitalised common nouns of institutions: translated, not kept (folded stems).
_COMMON_CAPITALS = {
    "ro": "consili guvern parlament minister ministr camer senat curt tribunal primari primar "
    "presedint premier banc comisi uniun capital stat politi armat biseric universitat "
    "academi institut agenti autoritat directi inspectorat partid alianta national "
    "european general mare nou sfant sud nord est vest centr dl dna dr prof ing gen "
    "municipi judet hotarar decizi lege societat compani sanatat tratat organizati trofe "
    "premi festival sectorul sector regiun muzeu teatr catedral palat piat strad bulevard",
    "en": "the mr mrs ms dr prof gen",
}
EXONYMS = {
    "bucurest": "bucharest", "moscov": "moscow", "varsovi": "warsaw", "bruxell": "brussels",
    "londr": "london", "vien": "vienna", "rom": "rome", "ucrain": "ukrain", "germani": "german",
    "frant": "france french", "itali": "ital", "spani": "spain spanish", "poloni": "pol",
    "ungari": "hungar", "greci": "greece greek", "turci": "turk", "japoni": "japan",
    "britani": "britain british", "oland": "netherlands dutch", "elveti": "switzerland swiss",
    "belgi": "belgi", "chisinau": "chisinau", "kiev": "kyiv kiev", "europ": "europ",
    "sua": "us usa united america", "ue": "eu", "onu": "un", "fmi": "imf", "pib": "gdp",
    "dumnezeu": "god", "sankt": "st saint", "kremlin": "kremlin moscow russia",
}  # fmt: skip
_INITIAL_AFTER = re.compile(r"(?:^|[.!?:;…]\s+|[„“\"«(\[—–-]\s*)$")
_CAPITALISED = re.compile(r"(?<![\w])([A-ZĂÂÎȘȚŞŢ][\w’'-]*)")


@lru_cache(maxsize=16)
def _calendar_words(lang: str) -> frozenset[str]:
    try:
        names = dict(get_month_names("wide", locale=lang)).values()
        days = dict(get_day_names("wide", locale=lang)).values()
    except Exception:
        return frozenset()
    return frozenset(fold(n) for n in (*names, *days))


def source_names(source: str, lang: str) -> list[str]:
    """Capitalised words and acronyms of a source that should be kept in a translation."""
    skip = set(_COMMON_CAPITALS.get(lang, "").split())
    calendar = _calendar_words(lang)
    names = []
    for match in _CAPITALISED.finditer(source):
        word = match.group(1).rstrip("’'-")
        before = source[: match.start()]
        if _INITIAL_AFTER.search(before) and not word.isupper():
            continue  # a sentence-initial capital
        if len(word) < 2 or word == "I":
            continue
        folded = fold(word)
        if folded in calendar or stem(word, lang) in skip or folded in skip:
            continue
        names.append(word)
    return list(dict.fromkeys(names))


def _initials(target: str) -> set[str]:
    """Initials of runs of capitalised words: "National Bank of Romania" -> NBR, NBOR."""
    found = set()
    words = re.findall(r"[^\W\d_][\w’'-]*", target)
    run: list[str] = []
    for word in [*words, ""]:
        if word[:1].isupper():
            run.append(word[0])
        elif word.lower() in ("of", "the", "and", "for", "de", "si", "și", "a", "al", "ale"):
            continue
        else:
            if len(run) >= 2:
                found.add("".join(run).upper())
            run = []
    return found


def name_kept(name: str, target: str, lang: str = "ro") -> bool:
    """True if a source name appears in the target, allowing inflection and exonyms."""
    key = fold(name)
    root = stem(name, lang)
    words = {fold(w) for w in re.findall(r"[^\W_][\w’'-]*", target)}
    if key in words:
        return True
    if name.isupper():
        letters = set(key)
        acronyms = {w for w in re.findall(r"\b[A-Z]{2,}\b", target)} | _initials(target)
        if any(set(a.lower()) <= letters or letters <= set(a.lower()) for a in acronyms):
            return True
    prefix = min(len(key), 5) if len(key) > 3 else len(key)
    for word in words:
        if word[:prefix] == key[:prefix] and min(len(word), len(key)) >= prefix:
            return True
        if len(key) >= 5 and fuzz.ratio(key, word) >= 75:
            return True
    if len(root) >= 3 and not name.isupper() and any(w.startswith(root) for w in words):
        return True  # an inflected name: "Rusiei" -> "Russia"
    for start, english in EXONYMS.items():
        if key.startswith(start) and any(w.startswith(e) for e in english.split() for w in words):
            return True
    return False


@check("names", "warning", "a name or acronym of the source missing from the target")
def check_names(source: str, target: str, ctx: QAContext) -> list[Message]:
    return [
        f"{name!r} is not in the translation"
        for name in source_names(source, ctx.src)
        if not name_kept(name, target, ctx.src)
    ]
