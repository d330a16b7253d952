"""Sentence segmentation: Romanian, English and generic rules, and properties of any split."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tool.core.segment import segment_paragraphs, segment_sentences
from tool.errors import UnknownLanguageError


def split(text: str, lang: str) -> list[str]:
    return segment_sentences(text, lang)


# --- languages -------------------------------------------------------------------------------


def test_unknown_language_is_refused():
    with pytest.raises(UnknownLanguageError, match=re.escape("unknown language: 'xx'")):
        segment_sentences("Text.", "xx")


def test_regional_codes_use_their_language_rules():
    text = "L-a întâlnit pe dl. Popescu. Apoi a plecat."
    expected = ["L-a întâlnit pe dl. Popescu.", "Apoi a plecat."]
    assert split(text, "ro-RO") == split(text, "ro_RO") == expected


@pytest.mark.parametrize("text", ["", "   ", "\n\t \n"])
def test_empty_text_has_no_sentences(text):
    assert split(text, "en") == []
    assert segment_paragraphs(text, "ro") == []


# --- basic terminators -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("One. Two! Three? Four", "en", ["One.", "Two!", "Three?", "Four"]),
        ("Unu. Doi! Trei? Patru", "ro", ["Unu.", "Doi!", "Trei?", "Patru"]),
        ("Really?! Yes.", "en", ["Really?!", "Yes."]),
        ("  Leading and trailing space.  ", "en", ["Leading and trailing space."]),
        ("No terminator at all", "en", ["No terminator at all"]),
        ("Line one.\nLine two.", "en", ["Line one.", "Line two."]),
        (
            "Ends in a domain like example.com. Then more.",
            "en",
            ["Ends in a domain like example.com.", "Then more."],
        ),
    ],
)
def test_terminators(text, lang, expected):
    assert split(text, lang) == expected


def test_lower_case_after_question_stays_in_the_sentence():
    assert split("„Ce faci?” întrebă el. Nimeni nu răspunse.", "ro") == [
        "„Ce faci?” întrebă el.",
        "Nimeni nu răspunse.",
    ]
    assert split('"Where?" she asked. Nobody knew.', "en") == [
        '"Where?" she asked.',
        "Nobody knew.",
    ]


# --- abbreviations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Dl. Popescu a venit.",
        "Dna. Ionescu și d-na Pop au plecat.",
        "Conform art. 5 alin. (2) lit. b) din lege.",
        "Locuiește pe str. Lungă nr. 7, bd. Unirii.",
        "Au venit prof. Ionescu, dr. Pop și gen. Marin.",
        "A costat cca. 500 de lei, aprox. 100 de euro.",
        "Vezi pag. 12 și vol. 2, p. 33.",
        "Pe 3 ian. 2024 și 5 feb. 2025 a plouat.",
        "În S.U.A. Trump a câștigat.",
        "Autorul este Al. Macedonski.",
        "Col. Marin și lt. Pop au raportat.",
    ],
)
def test_romanian_abbreviations_do_not_split(text):
    assert split(text, "ro") == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Smith met Mrs. Jones and Dr. Brown.",
        "Prof. Lee and Ms. Park live on St. James Street.",
        "Martin Luther King Jr. was born in Atlanta.",
        "It applies to fruit, e.g. apples, i.e. common ones.",
        "It was Smith vs. Jones in the U.S. Supreme Court.",
        "See No. 5 on Jan. 3 at 10 a.m. sharp.",
        "Smith et al. (2005) found the same.",
        "He works for Acme Inc. in Boston.",
        "The U.K. Parliament voted.",
    ],
)
def test_english_abbreviations_do_not_split(text):
    assert split(text, "en") == [text]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "Am cumpărat mere, pere etc. Apoi am plecat.",
            "ro",
            ["Am cumpărat mere, pere etc.", "Apoi am plecat."],
        ),
        (
            "Am cumpărat mere, pere etc. și am plecat.",
            "ro",
            ["Am cumpărat mere, pere etc. și am plecat."],
        ),
        (
            "Au scris Eminescu, Creangă ș.a. Toți sunt clasici.",
            "ro",
            ["Au scris Eminescu, Creangă ș.a.", "Toți sunt clasici."],
        ),
        (
            "We bought apples, pears, etc. Then we left.",
            "en",
            ["We bought apples, pears, etc.", "Then we left."],
        ),
        (
            "The meeting starts at 3 p.m. The room is small.",
            "en",
            ["The meeting starts at 3 p.m.", "The room is small."],
        ),
        (
            "It was founded by Acme Inc. The company grew.",
            "en",
            ["It was founded by Acme Inc.", "The company grew."],
        ),
        ("He moved to the U.S. He liked it.", "en", ["He moved to the U.S.", "He liked it."]),
        ("No. I will not go.", "en", ["No.", "I will not go."]),
    ],
)
def test_abbreviations_that_can_end_a_sentence(text, lang, expected):
    assert split(text, lang) == expected


# --- initials, numbers, dates ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("V. Putin a vorbit ieri.", "ro"),
        ("Opera lui I. L. Caragiale e vastă.", "ro"),
        ("J. R. R. Tolkien wrote it.", "en"),
        ("George W. Bush spoke.", "en"),
        ("Prețul a crescut cu 5.5% la 1.000 de lei pe 19.06.2025.", "ro"),
        ("The rate rose 5.5% to 1,000.50 dollars on 19.06.2025.", "en"),
        ("Version 2.0.1 is out.", "en"),
    ],
)
def test_initials_and_numbers_do_not_split(text, lang):
    assert split(text, lang) == [text]


def test_initial_before_a_sentence_opener_splits():
    assert split("Derivata se ia în raport cu V. Pentru o stea, nu.", "ro") == [
        "Derivata se ia în raport cu V.",
        "Pentru o stea, nu.",
    ]


def test_a_number_can_end_a_sentence():
    assert split("S-a născut în 1990. Apoi a plecat.", "ro") == [
        "S-a născut în 1990.",
        "Apoi a plecat.",
    ]
    assert split("It happened at 3 p.m. on Monday.", "en") == ["It happened at 3 p.m. on Monday."]


# --- ellipses, quotes, brackets --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Stai... Nu pleca.", "ro", ["Stai...", "Nu pleca."]),
        ("Stai… Nu pleca.", "ro", ["Stai…", "Nu pleca."]),
        ("Well... maybe not.", "en", ["Well... maybe not."]),
        (
            "El a spus: „Vin mâine.” Apoi a plecat.",
            "ro",
            ["El a spus: „Vin mâine.”", "Apoi a plecat."],
        ),
        (
            "„Vin mâine”, a spus el. Apoi a plecat.",
            "ro",
            ["„Vin mâine”, a spus el.", "Apoi a plecat."],
        ),
        ("A strigat «Stai!» Toți s-au oprit.", "ro", ["A strigat «Stai!»", "Toți s-au oprit."]),
        ('He said "Stop." Then he left.', "en", ['He said "Stop."', "Then he left."]),
        ("She wrote 'Done.' Then she slept.", "en", ["She wrote 'Done.'", "Then she slept."]),
        (
            "(This is aside.) The main text goes on.",
            "en",
            ["(This is aside.)", "The main text goes on."],
        ),
        (
            "It grew fast. (See figure 2.) It then fell.",
            "en",
            ["It grew fast.", "(See figure 2.)", "It then fell."],
        ),
        (
            "He left Cambridge. [12] Later he wrote.",
            "en",
            ["He left Cambridge. [12]", "Later he wrote."],
        ),
    ],
)
def test_ellipses_quotes_and_brackets(text, lang, expected):
    assert split(text, lang) == expected


def test_romanian_dialogue_dashes():
    text = "— Unde mergi? — întrebă el. — Acasă! — Bine."
    assert split(text, "ro") == ["— Unde mergi? — întrebă el.", "— Acasă!", "— Bine."]


# --- lists, headings, law items --------------------------------------------------------------


def test_list_items_on_their_own_lines():
    text = "Avem nevoie de:\n- pâine\n- lapte\n1. ouă\n2) unt"
    assert split(text, "ro") == ["Avem nevoie de:", "- pâine", "- lapte", "1. ouă", "2) unt"]


def test_list_items_after_a_full_stop():
    text = "Am cumpărat.\n- pâine\n- lapte.\n- ouă"
    assert split(text, "ro") == ["Am cumpărat.", "- pâine", "- lapte.", "- ouă"]


def test_heading_line_and_wrapped_lines():
    text = "# Un titlu\nPrimul rând al textului\ncontinuă aici."
    assert split(text, "ro") == ["# Un titlu", "Primul rând al textului\ncontinuă aici."]


def test_numbered_items_in_running_text():
    text = "3. Se spală plăcile. 4. Se adaugă reactivul."
    assert split(text, "ro") == ["3. Se spală plăcile.", "4. Se adaugă reactivul."]


def test_law_style_items():
    text = "Se aplică în anexă. (b) care sunt aprobate; (c) care sunt înregistrate."
    assert split(text, "ro") == [
        "Se aplică în anexă.",
        "(b) care sunt aprobate;",
        "(c) care sunt înregistrate.",
    ]


def test_footnote_marks_stay_with_their_sentence():
    assert split("It ended.¹² Then it began. [3, 4] Again. [...] Done.", "en") == [
        "It ended.¹²",
        "Then it began. [3, 4]",
        "Again. [...]",
        "Done.",
    ]


def test_caption_label():
    text = "Figure 1.5 Residents of the town gather. They vote."
    assert split(text, "en") == ["Figure 1.5", "Residents of the town gather.", "They vote."]


def test_broken_off_utterance_in_english():
    assert split("We need a — Do you have any?", "en") == ["We need a —", "Do you have any?"]
    assert split("I was — I am tired.", "en") == ["I was — I am tired."]
    assert split("The president — Joe Biden — spoke.", "en") == [
        "The president — Joe Biden — spoke."
    ]
    assert split("The paper — The Times — said so.", "en") == ["The paper — The Times — said so."]
    assert split("I know she's — J- she — See now.", "en") == [
        "I know she's —",
        "J- she —",
        "See now.",
    ]
    assert split("Am zis — Nu vin.", "ro") == ["Am zis — Nu vin."]


def test_romanian_sentence_in_lower_case_after_a_long_word():
    text = "Au ajuns la București. se încheie astfel etapa."
    assert split(text, "ro") == ["Au ajuns la București.", "se încheie astfel etapa."]
    assert split("Mere etc. și pere.", "ro") == ["Mere etc. și pere."]
    assert split("It was late. and then", "en") == ["It was late. and then"]


def test_romanian_colon_before_a_new_sentence():
    assert split("Sunt cunoscute astfel: Când bolnavul tace, nu.", "ro") == [
        "Sunt cunoscute astfel:",
        "Când bolnavul tace, nu.",
    ]
    assert split("Au venit: Ion Popescu și Maria.", "ro") == ["Au venit: Ion Popescu și Maria."]
    assert split("Remember this: The end is near.", "en") == ["Remember this: The end is near."]


def test_page_count_can_end_a_sentence():
    assert split("A apărut la Iași, 2005, 320 p. Autorul e cunoscut.", "ro") == [
        "A apărut la Iași, 2005, 320 p.",
        "Autorul e cunoscut.",
    ]


# --- generic languages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Bonjour. Ça va? Oui!", "fr", ["Bonjour.", "Ça va?", "Oui!"]),
        ("« Viens ! » Il est venu.", "fr", ["« Viens ! »", "Il est venu."]),
        ("Привет. Как дела? Хорошо!", "ru", ["Привет.", "Как дела?", "Хорошо!"]),
        ("Привіт. Як справи?", "uk", ["Привіт.", "Як справи?"]),
        ("Er sagte „Nein.“ Dann ging er.", "de", ["Er sagte „Nein.“", "Dann ging er."]),
        ("Das gilt z.B. hier. Dann nicht.", "de", ["Das gilt z.B. hier.", "Dann nicht."]),
        ("我很好。你呢？很好！", "zh", ["我很好。", "你呢？", "很好！"]),
        ("「行こう。」彼は言った。", "ja", ["「行こう。」", "彼は言った。"]),
        ("A. Dupont est venu.", "fr", ["A. Dupont est venu."]),
        ("¿Cómo estás? ¡Bien! Gracias.", "es", ["¿Cómo estás?", "¡Bien!", "Gracias."]),
        ("مرحبا. كيف حالك؟ بخير", "ar", ["مرحبا.", "كيف حالك؟", "بخير"]),
        ("नमस्ते। आप कैसे हैं?", "hi", ["नमस्ते।", "आप कैसे हैं?"]),
    ],
)
def test_generic_rules(text, lang, expected):
    assert split(text, lang) == expected


# --- paragraphs ------------------------------------------------------------------------------


def test_paragraphs_are_separated_by_blank_lines():
    text = "Unu. Doi.\n\n  \nTrei.\nPatru.\n\n\n"
    assert segment_paragraphs(text, "ro") == [["Unu.", "Doi."], ["Trei.", "Patru."]]


def test_paragraphs_refuse_unknown_languages():
    with pytest.raises(UnknownLanguageError):
        segment_paragraphs("Text.", "xx")


# --- speed ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        " " * 100_000 + "a",
        "\n" * 50_000,
        "x " + "Figure 1 A " * 10_000,
        "x " + "— The " * 20_000,
        "a." * 50_000,
        ". »" * 20_000,
        "Dl. Pop a venit. " * 5_000,
    ],
    ids=["spaces", "newlines", "labels", "dashes", "dots", "quotes", "sentences"],
)
def test_long_or_odd_input_is_fast(text):
    started = time.perf_counter()
    for lang in ("ro", "en", "fr"):
        split(text, lang)
    assert time.perf_counter() - started < 3


# --- properties ------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    "Dl. dna. d-na nr. art. etc. ș.a. ş.a. S.U.A. Mr. Dr. U.S. e.g. a.m. p.m. Inc. No. "
    "V. J. R. 5.5 1.000 19.06.2025 3 ... … ? ! ?! . , ; : — – - „ ” « » \" ' ( ) [ ] [1] "
    "(b) # 1. - * • 。 ！ ？ 「 」 București Apoi apoi the The I It In Pentru Ça Привет 我很好 "
    "word cuvânt x".split()
)
_SPACES = st.sampled_from([" ", "  ", "\n", "\t", "", " \n ", "\u00a0", "\u2009"])
_TEXT = st.lists(st.tuples(_PIECES, _SPACES), max_size=30).map(
    lambda parts: "".join(p + s for p, s in parts)
)
_ANY_TEXT = st.one_of(_TEXT, st.text(max_size=80))
_LANGS = st.sampled_from(["ro", "en", "fr", "ru", "de", "zh"])


def _squash(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=300, deadline=None)
@given(text=_ANY_TEXT, lang=_LANGS)
def test_sentences_are_the_text_cut_at_whitespace(text, lang):
    sentences = split(text, lang)
    assert _squash("".join(sentences)) == _squash(text)
    position = 0
    for sentence in sentences:
        assert sentence and sentence == sentence.strip()
        found = text.find(sentence, position)
        assert found >= 0, sentence  # an exact substring, in order
        assert not text[position:found].strip()  # only whitespace between sentences
        position = found + len(sentence)
    assert not text[position:].strip()


@settings(max_examples=300, deadline=None)
@given(text=_ANY_TEXT, lang=_LANGS)
def test_segmenting_a_sentence_again_keeps_it_whole(text, lang):
    for sentence in split(text, lang):
        assert split(sentence, lang) == [sentence]


@settings(max_examples=100, deadline=None)
@given(paragraphs=st.lists(_TEXT, max_size=5), lang=_LANGS)
def test_paragraphs_join_back_to_the_text(paragraphs, lang):
    text = "\n\n".join(paragraphs)
    result = segment_paragraphs(text, lang)
    assert _squash("".join(s for p in result for s in p)) == _squash(text)
    assert all(p for p in result)
