"""The rule engine: candidate boundaries and the decision at each, given a language's Rules.

A candidate boundary is a run of terminators (``. ! ? …``, CJK ``。！？``) with the closing quotes,
brackets and footnote marks glued to it, followed by whitespace. Whether it ends a sentence
depends on the word before it (abbreviation, initial, number, list marker) and the token after
it (lower case, capital, digit, opening quote or bracket, a common sentence opener). A few
boundaries have no terminator: before a list item or after a heading on its own line, after a
caption label ("Figure 1.5 Residents of ..."), after a semicolon that ends an item of an
enumeration ("...; (2) ...", "...; b) ...") or comes before a capitalised sentence opener, in
Romanian after a colon before a capitalised sentence, in English after a broken-off
utterance ("We need a — Do you have ...") or a bare footnote number, and after a letter's
closing ("Sincerely,") before the signature.
"""

from __future__ import annotations

import re

from tool.core.segment.rules import Kind, Rules

_OPENERS = "\"'“„«‹»›‘([{¿¡"
_CLOSERS = "\"'”’»›«‹)]}“"  # « ‹ close German »quotes«
_DASHES = "—–-"
# quotes written as HTML entities in text taken from the web: &#39;&#39; &quot;
_ENTITY_QUOTE = r"&(?:#39|#34|quot|apos);"
# footnote marks glued to the end of a sentence: "end. [12]", "end.³"
_FOOTNOTE = r"(?:\s?\[(?:\d{1,3}(?:[,–-]\s?\d{1,3})*|\.\.\.|…)\]|[¹²³⁴-⁹⁰]+)"
_CJK_STOPS = "。！？｡"
_STRONG = "?!‽؟।॥۔։።။"  # ? ! and the full stops of scripts without abbreviations or case

_CANDIDATE = re.compile(
    rf"(?=[\n.…:：;；—–\-FTMCEH{_STRONG}{_CJK_STOPS}]|\s[:：;；])"  # a quick test first
    r"(?:(?P<line>\n)"
    r"|(?P<label>(?<!\S)(?:Figure|Fig\.|Table|Map|Chart|Exhibit|Figura|Tabelul|Harta)"
    r"\s+\d{1,3}(?:\.\d{1,3})*[a-z]?)(?=\s+[^\W\d_]*[A-ZĂÂÎȘȚ])"
    r"|(?P<dash>(?<=\s)(?:—|–|--))(?=\s)"
    r"|(?P<colon>(?<=[\w”“\"»)\]])\s?[:：])(?=\s)"
    r"|(?P<semi>(?<=\S)\s?[;；])(?=\s)"
    rf"|(?P<term>[.…{_STRONG}]+|[{_CJK_STOPS}]+)"
    rf"(?P<close>(?:[{re.escape(_CLOSERS)}]|``|{_ENTITY_QUOTE}|[\u00a0\u202f][»›])*"
    rf"{_FOOTNOTE}*)(?:\s+|$)"
    rf"|(?P<cjk>[{_CJK_STOPS}]+[{re.escape(_CLOSERS)}」』）]*)(?=\S))"
)
_NEXT = re.compile(rf"(?P<open>[{re.escape(_OPENERS + _DASHES)}.…]*)\s*(?P<next>\S*)")
_TOKEN = re.compile(r"\S+")
_ITEM_LINE = re.compile(r"[ \t]*(?:[-*•–—]|\d{1,3}[.)]|[a-z]\))[ \t]")
_HEADING_LINE = re.compile(r"[ \t]*#{1,6}[ \t]")
_LIST_MARKER = re.compile(r"\d{1,3}(?:\.\d{1,3})*|[A-Za-z]|[IVXLC]{1,5}")
# an item marker of an enumeration: "(2)", "12.", "b)", "(b)", "iv)"
_ITEM_MARKER = re.compile(r"\(?(?:\d{1,3}|[a-zа-яё]|[ivx]{1,4})\)|\d{1,3}(?:\.\d{1,3})*\.")
_ACRONYM = re.compile(r"(?:[^\W\d_]{1,3}\.)+[^\W\d_]{1,3}")  # U.S, S.U.A, a.m, D.III
_NUMBER = re.compile(r"(?:\d[\d.,]*|[IVXLCM]+)(?:[-–](?:\d[\d.,]*|[IVXLCM]+))?")  # 1990-1991, XIX
_LEADING_WORD = re.compile(r"[^\W\d_]+")
_CAMEL = re.compile(r"[^\W\d_]+[A-Z][^\W\d_]*")  # iPhone, eBay, mTOR: a start in lower case
# the closing dash of an aside, before anything that could end the sentence
_PAIRED_DASH = re.compile(rf"[^.…:：\n{_STRONG}{_CJK_STOPS}]*?\s(?:—|–|--)(?:\s|$)")
_FALSE_START = re.compile(r"[A-Z][a-z]?-$")  # a word cut off: "J- she"
_SPACES = re.compile(r"\s*")
_ENTITY_END = re.compile(r"&#?\w{1,8}$")
# a token that cannot start a sentence: closing punctuation, terminators, separators only
_PUNCT_ONLY = re.compile(rf"(?:[{re.escape(_CLOSERS)}`.,;:!?…/%]|{_ENTITY_QUOTE})+")
_SPACED_CLOSER = re.compile(r"[\"”»›)\]}]+")
# what a closing mark closes: a straight quote closes when an odd number stand before it
_PAIRS = {"»": "«", "›": "‹", ")": "(", "]": "[", "}": "{", "”": "„“"}
_LETTER_ITEM = re.compile(r"[a-zа-я][.)]")  # "... (figura 3). e. Găsiți ..."
_PAREN_LOOKAHEAD = 100  # how far an open parenthesis may close after a period inside it
_CLOSING = re.compile(r"\s*([^\W\d_]+(?:[ \t][^\W\d_]+){0,2}),(?=\s)")
_AHEAD = re.compile(r"[^\n!?;]*")
_QUOTE_LOOKAHEAD = 160  # how far a quotation may close after a period inside it
_FOOTNOTE_NUMBER = re.compile(r"\d{1,2}(?=\s+[A-Z]|\s*$)")


def _next(text: str, pos: int) -> re.Match[str]:
    """The opening punctuation (group ``open``) and the token (``next``) from ``pos`` on."""
    m = _NEXT.match(text, pos)
    assert m is not None  # the pattern matches the empty string
    return m


def _skip_spaces(text: str, pos: int) -> int:
    """The first position at or after ``pos`` that is not whitespace."""
    m = _SPACES.match(text, pos)
    assert m is not None  # the pattern matches the empty string
    return m.end()


def _is_opener(token: str, rules: Rules) -> bool:
    """Whether a token starts with a common sentence opener (not a name, not an initial)."""
    m = _LEADING_WORD.match(token)
    if not m or (len(m[0]) == 1 and token[1:2] == "."):
        return False
    return rules.is_opener_word(m[0])


def _kind(core: str, prev: str, rules: Rules) -> Kind | None:
    """What kind of abbreviation ``core`` is, read together with the word before it."""
    if len(core) == 1 and core.isupper():
        return "weak"  # an initial: "V. Putin", "А. С. Пушкин", but "... în raport cu V. Pentru"
    if prev:
        joined = prev.lstrip(_OPENERS).rstrip(".") + "." + core
        kind = rules.kind_of(joined)  # "т. д." -> т.д, "av. J.-C." -> av.j.-c, "и др." -> и.др
        if kind is not None:
            return kind
    kind = rules.kind_of(core)
    if kind is not None:
        return kind
    if len(core) == 1 and core.isalpha():
        return "never"  # "v. supra"
    if _ACRONYM.fullmatch(core):
        return "weak"
    return None


def _period_ends_sentence(word: str, prev: str, nxt: str, opened: str, rules: Rules) -> bool:
    """Whether a sentence ends after ``word.``, given the next token and what opens it."""
    first = nxt[0]
    core = word.lstrip(_OPENERS + _DASHES)
    kind = _kind(core, prev, rules) if core else None
    if kind == "never" or (kind in ("number", "unit") and first.isdigit()):
        return False
    if kind == "unit":
        before = prev.strip(_OPENERS + _CLOSERS)
        unit = before.rstrip(".")
        chained = len(unit) > 1 and rules.kind_of(unit) == "unit"  # "12 тыс. чел.", "11 млн т."
        if not _NUMBER.fullmatch(before) and not chained:
            return False  # "г. Москва", but "в 1990 г. Затем", "12 тыс. чел. По ..."
        kind = "final"
    if kind == "final" or not core:
        return first.isupper() or (not core and bool(opened))  # "etc. Apoi", not "etc. ("
    if kind == "weak":
        return first.isupper() and _is_opener(nxt, rules)  # "Inc. The", not "Inc. CEO"
    if "(" in opened:
        # a new parenthesis or a numbered item: "... anexă. (b) care", "... aprobat. (2) În"
        return first.isalpha() or bool(_ITEM_MARKER.fullmatch("(" + nxt))
    if _LETTER_ITEM.fullmatch(nxt):
        return True  # an item: "... (figura 3). e. Găsiți ..."
    if first.islower():
        bare = core.rstrip(_CLOSERS)
        if kind is not None or not bare.isalpha():
            return False
        if _CAMEL.match(nxt):
            return True  # "... rapamycin. mTOR ..."
        # some languages start sentences in lower case (literary text): trust a long word
        length = rules.lower_start_length
        return length is not None and not opened and len(bare) >= length
    return True


def _ends_sentence(word: str, prev: str, term: str, nxt: str, opened: str, rules: Rules) -> bool:
    """Whether a sentence ends after ``word + term``, given the next token and what opens it."""
    if not nxt:
        return False  # nothing follows, or only an opening quote or a dash
    if term[-1] in _CJK_STOPS:
        return True
    if term == ".":
        return _period_ends_sentence(word, prev, nxt, opened, rules)
    if nxt[0].islower():
        return False  # "„Ce faci?” întrebă el", "Well... maybe"
    return term[-1] in _STRONG or nxt[0].isupper() or (bool(opened) and nxt[0].isalpha())


def _starts_anew(nxt: str, rules: Rules) -> bool:
    """Whether a capitalised opener (not a word in capitals) follows: "... astfel: Când ..."."""
    return nxt[:1].isupper() and not nxt[1:2].isupper() and _is_opener(nxt, rules)


def _colon_breaks(text: str, start: int, m: re.Match[str], rules: Rules) -> bool:
    """Whether a Romanian-style colon starts a new sentence: "... enervată: Atențiune!"."""
    line_start = max(start, text.rfind("\n", start, m.start()) + 1)
    if len(text[line_start : m.start()].split()) < 2:
        return False  # a label: "NB: Literele ...", "title: Bugetul ..."
    nxt = _next(text, m.end())["next"]
    if _starts_anew(nxt, rules):
        return True
    word = _LEADING_WORD.match(nxt)
    if not word or not nxt[:1].isupper() or nxt[1:2].isupper():
        return False
    if nxt[len(word[0]) : len(word[0]) + 1] in ("!", "?"):
        return True  # an exclamation: "Atențiune!"
    return bool(rules.colon_noun and rules.colon_noun.fullmatch(word[0]))


def _semicolon_breaks(text: str, m: re.Match[str], rules: Rules) -> bool:
    """Whether an item of an enumeration ends, or a new sentence starts, after ``;``."""
    if _ENTITY_END.search(text, max(0, m.start() - 9), m.start()):
        return False  # the end of an HTML entity: &#39;
    token = _TOKEN.match(text, _skip_spaces(text, m.end()))
    if token is None:
        return False
    if _ITEM_MARKER.fullmatch(token[0]):
        return True  # "...; (2) ...", "...; 12. ...", "...; b) ..."
    nxt = _next(text, m.end())["next"]
    return _starts_anew(nxt, rules)


def _broken_off(text: str, end: int, rules: Rules) -> bool:
    """Whether a new sentence starts after the spaced dash ending at ``end``.

    "We need a — Do you have ..." breaks off; "I was — I am ..." repairs the same sentence,
    and "the paper — The Times — said" is a pair of dashes around an aside.
    """
    nxt = _next(text, end)["next"]
    if _FALSE_START.match(nxt):
        return True
    if not nxt[:1].isupper() or nxt.startswith("I") and not nxt[1:2].isalpha():
        return False
    return _is_opener(nxt, rules) and not _PAIRED_DASH.match(text, end, end + 300)


def _line_break(text: str, start: int, newline: int) -> bool:
    """Whether the line break at ``newline`` ends a heading or comes before a list item."""
    line_start = max(start, text.rfind("\n", 0, newline) + 1)
    return bool(_ITEM_LINE.match(text, newline + 1) or _HEADING_LINE.match(text, line_start))


def _at_start(text: str, start: int, pos: int) -> bool:
    """Whether only whitespace lies between the sentence start and ``pos``."""
    return _skip_spaces(text, start) >= pos


def _last_words(text: str, start: int, end: int) -> tuple[str, str]:
    """The word right before ``end`` (non-space characters) and the one before it, both
    after the sentence's ``start``."""
    lo = max(start, end - 60)
    if lo >= end or text[end - 1].isspace():
        return "", ""
    parts = text[lo:end].rsplit(None, 2)
    if lo > start and len(parts) < 3:
        parts = parts[-1:]  # the word before may be cut off: do not guess with half of it
    return parts[-1], (parts[-2] if len(parts) >= 2 else "")


def _closes(text: str, start: int, end: int, closer: str) -> bool:
    """Whether ``closer`` (a quote or a bracket) closes one opened in ``text[start:end]``."""
    piece = text[start:end]
    if closer == '"':
        return piece.count('"') % 2 == 1
    opened = sum(piece.count(opener) for opener in _PAIRS[closer])
    return opened > piece.count(closer)


def _inside(text: str, start: int, pos: int, pair: str, lookahead: int) -> bool:
    """Whether ``pos`` lies inside a ``pair`` ("()", "«»") opened after the sentence's start
    that closes soon after: "(род. 21 декабря 1948 г.)", "«Ні, я не хочу. Втомився» тощо"."""
    opener, closer = pair[0], pair[1]
    opened = text.rfind(opener, start, pos)
    if opened < 0 or _skip_spaces(text, start) >= opened:
        return False
    if opener == closer:  # straight quotes: the last one must open, by its form and count
        before, after = text[opened - 1], text[opened + 1 : opened + 2]
        if text.count(opener, start, pos) % 2 == 0 or not before.isspace() or not after.strip():
            return False
    elif text.find(closer, opened + 1, pos) >= 0:
        return False
    limit = _AHEAD.match(text, pos, pos + lookahead)
    ahead = limit[0] if limit else ""  # up to where another rule may cut
    close = ahead.find(closer)
    return close >= 0 and opener not in ahead[:close]


def _after_terminator(
    text: str, start: int, m: re.Match[str], rules: Rules
) -> tuple[int, int] | None:
    """Where the sentence ends after the terminator at ``m``, if it ends there."""
    word, prev = _last_words(text, start, m.start())
    term, cut = m["term"], m.end("close")
    marker = term == "." and _LIST_MARKER.fullmatch(word)
    if marker and _at_start(text, start, m.start() - len(word)):
        capital = _next(text, m.end())["next"][:1].isupper()
        if rules.item_number_alone and word.isdigit() and capital:
            return cut, m.end()  # "1." on its own, as Ukrainian orders number their items
        return None  # a list marker that starts the sentence: "3. Se spală ..."
    newline = text.rfind("\n", cut, m.end())
    if newline >= 0 and _line_break(text, start, newline):
        return cut, m.end()
    resume = m.end()
    token = _TOKEN.match(text, resume)
    if token and newline < 0:
        if _SPACED_CLOSER.fullmatch(token[0]) and _closes(text, start, m.start(), token[0][0]):
            # a closing quote or bracket set off by a space: "« Viens ! »", "( цікаво ! )"
            cut = token.end()
            resume = _skip_spaces(text, cut)
            token = _TOKEN.match(text, resume)
        if token and not _SPACED_CLOSER.fullmatch(token[0]) and _PUNCT_ONLY.fullmatch(token[0]):
            return None  # the sentence goes on to punctuation of its own: "верю! ``."
    if term == "." and _inside(text, start, cut, "()", _PAREN_LOOKAHEAD):
        return None
    if any(_inside(text, start, cut, pair, _QUOTE_LOOKAHEAD) for pair in rules.quote_pairs):
        return None  # a quotation of several sentences inside one: "He wrote, "It is. It was.""
    if rules.footnote_numbers and token and term == "." and not _NUMBER.fullmatch(word):
        number = _FOOTNOTE_NUMBER.match(text, resume)
        if number and number.end() == token.end():
            # a footnote reference set off by a space: "... rights. 4 Even though ..."
            return number.end(), _skip_spaces(text, number.end())
    following = _next(text, resume)
    if _ends_sentence(word, prev, term, following["next"], following["open"], rules):
        return cut, resume
    return None


def boundary(m: re.Match[str], text: str, start: int, rules: Rules) -> tuple[int, int] | None:
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
        if rules.colon_breaks and _colon_breaks(text, start, m, rules):
            return m.end(), m.end()
        return None
    if m["semi"] is not None:
        return (m.end(), m.end()) if _semicolon_breaks(text, m, rules) else None
    if m["dash"] is not None:
        if rules.dash_breaks and _broken_off(text, m.end(), rules):
            return m.end(), m.end()
        return None
    return _after_terminator(text, start, m, rules)


def _closing(text: str, start: int, rules: Rules) -> int | None:
    """The end of a letter's closing that starts at ``start``, before the signature:
    "Sincerely, Jane Doe", "Cu stimă, Ion Popescu"."""
    m = _CLOSING.match(text, start)
    if m is None or " ".join(m[1].split()).lower() not in rules.closings:
        return None
    return m.end() if _next(text, m.end())["next"][:1].isupper() else None


def split(text: str, rules: Rules) -> list[str]:
    """Split one paragraph into sentences with ``rules``: exact substrings, outer space trimmed."""
    sentences: list[str] = []

    def add(piece: str, resume: int) -> int:
        """Keep ``piece`` if it has text; where the next sentence starts, after any closing."""
        while True:
            if piece.strip():
                sentences.append(piece.strip())
            closing = _closing(text, resume, rules) if rules.closings else None
            if closing is None:
                return resume
            piece, resume = text[resume:closing], closing

    start = add("", 0)
    for m in _CANDIDATE.finditer(text):
        if m.start() < start:
            continue  # inside a stretch already given to the previous sentence
        found = boundary(m, text, start, rules)
        if found is not None:
            cut, resume = found
            start = add(text[start:cut], resume)
    add(text[start:], len(text))
    return sentences
