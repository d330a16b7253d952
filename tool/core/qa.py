"""Quality checks on one source/target pair: a registry of small pure functions.

Each check has an id and a severity (``error``, ``warning``, ``info``) and returns messages;
:func:`run_checks` turns them into :class:`Finding` values. A check may raise the severity
of one message by returning ``(message, severity)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field

from rapidfuzz import fuzz

from tool.core.normalize import CEDILLA_LETTERS
from tool.core.numbers import (
    NUMBER,
    calendar_words,
    find_dates,
    number_value,
    read_numbers,
    separators,
    written_in_words,
)
from tool.core.stems import contains_phrase, stem
from tool.core.text import fold

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
    found: list[Message] = []
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


# --- numbers and dates (read by tool.core.numbers) ----------------------------------


@check("numbers", "error", "a number or date missing or changed")
def checkread_numbers(source: str, target: str, ctx: QAContext) -> list[Message]:
    src, tgt = read_numbers(source, ctx.src), read_numbers(target, ctx.tgt)
    for token in src:
        for other in tgt:
            if not other.used and token.keys & other.keys:
                token.used = other.used = True
                break
    months = {t.month for t in tgt if t.month}
    moved = [t for t in src if t.used and t.month and t.month not in months]
    missing = [t for t in src if not t.used and not written_in_words(t, target, ctx.tgt)]
    extra = [t for t in tgt if not t.used and not written_in_words(t, source, ctx.src)]
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
    decimal, group = separators(ctx.tgt)[0]
    found: list[Message] = []
    for match in NUMBER.finditer(find_dates(target, ctx.tgt)[1]):
        number = match.group(0)
        if re.fullmatch(r"\d{1,3}[.,]\d{3}", number):
            continue  # 1.000 / 1,000: thousands in one style or decimals in the other
        if ":" in number or "/" in number or number_value(number, decimal, group) is not None:
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


def source_names(source: str, lang: str) -> list[str]:
    """Capitalised words and acronyms of a source that should be kept in a translation."""
    skip = set(_COMMON_CAPITALS.get(lang, "").split())
    calendar = calendar_words(lang)
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
