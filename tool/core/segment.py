"""Sentence segmentation: rule-based, for Romanian, English and a generic fallback.

A candidate boundary is a run of terminators (``. ! ? …``, CJK ``。！？``) with the closing quotes,
brackets and footnote marks glued to it, followed by whitespace. Whether it ends a sentence
depends on the word before it (abbreviation, initial, number, list marker) and the token after
it (lower case, capital, digit, opening quote or bracket, a common sentence opener). A few
boundaries have no terminator: before a list item or after a heading on its own line, after a
caption label ("Figure 1.5 Residents of ..."), in Romanian after a colon before a capitalised
sentence opener, and in English after a broken-off utterance ("We need a — Do you have ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from tool.core.locale import base_lang, validate_lang

_OPENERS = "\"'“„«‹»›‘([{¿¡"
_CLOSERS = "\"'”’»›«‹)]}“"  # « ‹ close German »quotes«
_DASHES = "—–-"
# footnote marks glued to the end of a sentence: "end. [12]", "end.³"
_FOOTNOTE = r"(?:\s?\[(?:\d{1,3}(?:[,–-]\s?\d{1,3})*|\.\.\.|…)\]|[¹²³⁴-⁹⁰]+)"
_CJK_STOPS = "。！？｡"
_STRONG = "?!‽؟।॥۔։።။"  # ? ! and the full stops of scripts without abbreviations or case

_CANDIDATE = re.compile(
    rf"(?=[\s.…:：—–\-FTMCEH{_STRONG}{_CJK_STOPS}])"  # a quick test before the alternatives
    r"(?:(?P<line>\n)"
    r"|(?P<label>(?<!\S)(?:Figure|Fig\.|Table|Map|Chart|Exhibit|Figura|Tabelul|Harta)"
    r"\s+\d{1,3}(?:\.\d{1,3})*[a-z]?)(?=\s+[^\W\d_]*[A-ZĂÂÎȘȚ])"
    r"|(?P<dash>(?<=\s)(?:—|–|--))(?=\s)"
    r"|(?P<colon>(?<=\w)[:：])(?=\s)"
    rf"|(?P<term>[.…{_STRONG}]+|[{_CJK_STOPS}]+)"
    rf"(?P<close>(?:[{re.escape(_CLOSERS)}]|[ \u00a0\u202f][»›])*{_FOOTNOTE}*)(?:\s+|$)"
    rf"|(?P<cjk>[{_CJK_STOPS}]+[{re.escape(_CLOSERS)}」』）]*)(?=\S))"
)
_NEXT = re.compile(rf"(?P<open>[{re.escape(_OPENERS + _DASHES)}.…]*)\s*(?P<next>\S*)")
_ITEM_LINE = re.compile(r"[ \t]*(?:[-*•–—]|\d{1,3}[.)]|[a-z]\))[ \t]")
_HEADING_LINE = re.compile(r"[ \t]*#{1,6}[ \t]")
_LIST_MARKER = re.compile(r"\d{1,3}(?:\.\d{1,3})*|[A-Za-z]|[IVXLC]{1,5}")
_ACRONYM = re.compile(r"(?:[^\W\d_]{1,3}\.)+[^\W\d_]{1,3}")  # U.S, S.U.A, a.m
_LEADING_WORD = re.compile(r"[^\W\d_]+")
# the closing dash of an aside, before anything that could end the sentence
_PAIRED_DASH = re.compile(rf"[^.…:：\n{_STRONG}{_CJK_STOPS}]*?\s(?:—|–|--)(?:\s|$)")
_FALSE_START = re.compile(r"[A-Z][a-z]?-$")  # a word cut off: "J- she"
_SPACES = re.compile(r"\s*")
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


_Kind = Literal["never", "number", "final", "weak"]


@dataclass(frozen=True)
class _Rules:
    """What one language knows: abbreviations (lower case, without the final dot), openers."""

    never: frozenset[str]  # never end a sentence: titles, "nr.", "e.g."
    before_number: frozenset[str]  # abbreviations only before a number: "No. 5", "Jan. 3"
    final: frozenset[str]  # end a sentence before any capital: "etc."
    weak: frozenset[str]  # end a sentence only before a common opener: "Inc. The", "Jr. He"
    openers: frozenset[str]  # words that often start a sentence and are rarely names
    cased: frozenset[str] = frozenset()  # case-sensitive weak abbreviations: "Al." (Alexandru)
    lower_starts: bool = False  # a long plain word + "." may end a sentence before lower case
    colon_breaks: bool = False  # ": " before a capitalised opener starts a new sentence
    dash_breaks: bool = False  # " — " before a capitalised opener ends a broken-off utterance


def _words(*texts: str) -> frozenset[str]:
    return frozenset(" ".join(texts).split())


_COMMON_NEVER = "e.g i.e cf viz vs approx ca cca"
_COMMON_FINAL = "etc"

_EN = _Rules(
    never=_words(
        _COMMON_NEVER,
        "mr mrs ms messrs mme mlle dr prof mt gov gen col lt sgt capt cmdr adm maj brig",
        "rev hon pres sen rep supt insp det assoc asst dept univ est fig figs eq eqs ch chap",
        "vol vols pp ed eds trans dist attn ref refs nos",
    ),
    before_number=_words(
        "no nr art sec p pg op tel ext min max jan feb mar apr jun jul aug sep sept oct nov dec"
    ),
    final=_words(_COMMON_FINAL),
    weak=_words(
        "a.m p.m inc ltd co corp llc plc bros jr sr esq ave blvd rd st sq hwy al ft",
        "ala ariz calif colo conn fla ga kan ky md mich minn mont neb nev okla penn tenn tex",
        "va vt wis wyo",  # US states in news style (not the ones that are also words: "ill.")
    ),
    openers=_words(
        "the a an this that these those it its he she they we i you his her their our my your",
        "there here but and or so yet however in on at for from with by as if when while after",
        "before although though because since during then now also still many most some all no",
        "not one two both each every such what who why how where which first finally meanwhile",
        "according despite under over into about last next other another more today yesterday",
        "tomorrow is was are were has have had do does did can could will would should may",
        "might must let please thus hence instead indeed yes oh well see look",
    ),
    dash_breaks=True,
)

_RO = _Rules(
    never=_words(
        _COMMON_NEVER,
        "dl dlui dna dnei dra d-na d-l d-lui d-nei d-ra d-ta d-voastră dvs nr art alin lit str",
        "bd bul cal șos şos sos aprox prof dr col lt mr cpt pag vol fig ed pct tel sf ing mun",
        "jud com ec av conf lect univ acad asist pr pt resp ex sg plt subst interj conj prep",
        "pron compar coord trad urm ibid id a.î d.p.d.v",
    ),
    before_number=_words("p pp cap min max ian feb mar mart apr iun iul aug sept oct nov dec"),
    final=_words(
        _COMMON_FINAL, "ș.a ş.a ș.a.m.d ş.a.m.d ș.c.l ş.c.l ș.m.a ş.m.a a.c î.hr d.hr î.e.n e.n"
    ),
    weak=_words("gen sec s.a s.r.l s.c srl sa inc ltd co corp jr sr"),
    openers=_words(
        "în la de pe cu din prin pentru după înainte dar și iar însă totuși apoi astfel deci",
        "acesta aceasta acestea aceștia acest această acel acea acei acele el ea ei ele eu noi",
        "voi tu se s-a nu da este sunt era a au un o unii unele cei cele care ce cum când unde",
        "dacă deși fiindcă potrivit conform totodată există mai toate toți fiecare nici așa",
        "atunci acum aici ca sau să fie am ne ni le lor până către spre printre între asta",
        "aceea acela primul prima al doilea ulterior anterior",
    ),
    cased=_words("Al Gh Th Em Şt Șt"),
    lower_starts=True,
    colon_breaks=True,
)

_GENERIC = _Rules(
    never=_words(_COMMON_NEVER, "dr prof nr art z.b bzw d.h vgl т.е им ул"),
    before_number=_words("no p pp s"),
    final=_words(_COMMON_FINAL, "usw т.д т.п"),
    weak=frozenset(),
    openers=frozenset(),
)

_RULES = {"en": _EN, "ro": _RO}


def _is_opener(token: str, rules: _Rules) -> bool:
    """Whether a token starts with a common sentence opener (not a name, not an initial)."""
    m = _LEADING_WORD.match(token)
    if not m or (len(m[0]) == 1 and token[1:2] == "."):
        return False
    return m[0].lower() in rules.openers


def _abbreviation(core: str, rules: _Rules) -> _Kind | None:
    """What kind of abbreviation ``core`` (a word before a period) is, if any."""
    lower = core.lower()
    if len(core) == 1 and core.isalpha():
        if core.isupper():
            return "weak"  # an initial: "V. Putin", but "... în raport cu V. Pentru ..."
        return "number" if lower in rules.before_number else "never"  # "v. supra"
    if lower in rules.never:
        return "never"
    if lower in rules.before_number:
        return "number"
    if lower in rules.final:
        return "final"
    if core in rules.cased or lower in rules.weak or _ACRONYM.fullmatch(core):
        return "weak"
    return None


def _period_ends_sentence(word: str, nxt: str, opened: str, rules: _Rules) -> bool:
    """Whether a sentence ends after ``word.``, given the next token and what opens it."""
    first = nxt[0]
    core = word.lstrip(_OPENERS + _DASHES)
    kind = _abbreviation(core, rules)
    if kind == "never" or (kind == "number" and first.isdigit()):
        return False
    capital = first.isupper() or bool(opened)
    if kind == "final" or not core:
        return capital  # "etc. Apoi"
    if kind == "weak":
        return capital and _is_opener(nxt, rules)  # "Inc. The", not "Inc. CEO"
    if "(" in opened:
        return True  # a new parenthesis or a law-style item: "... anexă. (b) care ..."
    if first.islower():
        # Romanian literary text starts some sentences in lower case: trust a long plain word.
        return rules.lower_starts and not opened and len(core) >= 5 and core.isalpha()
    return True


def _ends_sentence(word: str, term: str, nxt: str, opened: str, rules: _Rules) -> bool:
    """Whether a sentence ends after ``word + term``, given the next token and what opens it."""
    if not nxt:
        return False  # nothing follows, or only an opening quote or a dash
    if term[-1] in _CJK_STOPS:
        return True
    if term == ".":
        return _period_ends_sentence(word, nxt, opened, rules)
    if nxt[0].islower():
        return False  # "„Ce faci?” întrebă el", "Well... maybe"
    return term[-1] in _STRONG or nxt[0].isupper() or bool(opened)  # after an ellipsis


def _starts_anew(nxt: str, rules: _Rules) -> bool:
    """Whether a capitalised opener (not a word in capitals) follows: "... astfel: Când ...".

    Romanian writes a capital after a colon only before a quotation or a new sentence.
    """
    return nxt[:1].isupper() and not nxt[1:2].isupper() and _is_opener(nxt, rules)


def _broken_off(text: str, end: int, rules: _Rules) -> bool:
    """Whether a new sentence starts after the spaced dash ending at ``end``.

    "We need a — Do you have ..." breaks off; "I was — I am ..." repairs the same sentence,
    and "the paper — The Times — said" is a pair of dashes around an aside.
    """
    nxt = _NEXT.match(text, end)["next"]
    if _FALSE_START.match(nxt):
        return True
    if not nxt[:1].isupper() or _LEADING_WORD.match(nxt)[0] == "I":
        return False
    return _is_opener(nxt, rules) and not _PAIRED_DASH.match(text, end, end + 300)


def _line_break(text: str, start: int, newline: int) -> bool:
    """Whether the line break at ``newline`` ends a heading or comes before a list item."""
    line_start = max(start, text.rfind("\n", 0, newline) + 1)
    return bool(_ITEM_LINE.match(text, newline + 1) or _HEADING_LINE.match(text, line_start))


def _at_start(text: str, start: int, pos: int) -> bool:
    """Whether only whitespace lies between the sentence start and ``pos``."""
    return _SPACES.match(text, start).end() >= pos


def _word_before(text: str, lo: int, end: int) -> str:
    """The non-space characters right before ``end`` (at most back to ``lo``)."""
    if lo >= end or text[end - 1].isspace():
        return ""
    return text[lo:end].rsplit(None, 1)[-1]


def _boundary(m: re.Match[str], text: str, start: int, rules: _Rules) -> tuple[int, int] | None:
    """Where the sentence ends and the next one may begin at candidate ``m``, or None."""
    if m["cjk"] is not None:
        return m.end(), m.end()
    if m["line"] is not None:
        return (m.start(), m.end()) if _line_break(text, start, m.start()) else None
    if m["label"] is not None:
        if not _at_start(text, start, m.start()):
            return None  # a caption label only at the start: "Figure 1.5 Residents of ..."
        return m.end(), m.end()
    if m["colon"] is not None:
        if rules.colon_breaks and _starts_anew(_NEXT.match(text, m.end())["next"], rules):
            return m.end(), m.end()
        return None
    if m["dash"] is not None:
        if rules.dash_breaks and _broken_off(text, m.end(), rules):
            return m.end(), m.end()
        return None
    word, term = _word_before(text, max(start, m.start() - 40), m.start()), m["term"]
    if (
        term == "."
        and _LIST_MARKER.fullmatch(word)
        and _at_start(text, start, m.start() - len(word))
    ):
        return None  # a list marker that starts the sentence: "3. Se spală ..."
    newline = text.rfind("\n", m.end("close"), m.end())
    if newline >= 0 and _line_break(text, start, newline):
        return m.end("close"), m.end()
    following = _NEXT.match(text, m.end())
    if _ends_sentence(word, term, following["next"], following["open"], rules):
        return m.end("close"), m.end()
    return None


def segment_sentences(text: str, lang: str) -> list[str]:
    """Split one paragraph into sentences: exact substrings with outer whitespace trimmed."""
    rules = _RULES.get(base_lang(validate_lang(lang)), _GENERIC)
    sentences: list[str] = []
    start = 0
    for m in _CANDIDATE.finditer(text):
        boundary = _boundary(m, text, start, rules)
        if boundary is None:
            continue
        cut, resume = boundary
        piece = text[start:cut].strip()
        if piece:
            sentences.append(piece)
        start = resume
    piece = text[start:].strip()
    if piece:
        sentences.append(piece)
    return sentences


def segment_paragraphs(text: str, lang: str) -> list[list[str]]:
    """Split text into paragraphs (separated by blank lines), each into sentences."""
    validate_lang(lang)
    paragraphs = (segment_sentences(block, lang) for block in _BLANK_LINES.split(text))
    return [sentences for sentences in paragraphs if sentences]
