"""Normalisation: NFC, comma-below letters, whitespace, word counts."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tool.core.normalize import count_words, fix_cedillas, normalise_text


def test_cedillas_become_comma_below():
    assert fix_cedillas("Şeful ţării, şi Ţepeş") == "Șeful țării, și Țepeș"


def test_decomposed_letters_are_composed_then_fixed():
    decomposed = "s\u0327i t\u0326ara a\u0306"  # s + cedilla, t + comma below, a + breve
    assert normalise_text(decomposed) == "și țara ă"


def test_whitespace_collapses_and_quotes_are_kept():
    assert normalise_text("  „Da”,\u00a0a spus\n\tel  \u200b ") == "„Da”, a spus el"


def test_word_counts():
    assert count_words("Bugetul crește cu 5,5% la 1.250.000 lei.") == 7
    assert count_words("Ana-Maria n-a venit") == 3
    assert count_words("") == 0


@given(st.text())
def test_normalise_is_idempotent(text):
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert not set("şţŞŢ") & set(once)
    assert unicodedata.normalize("NFC", once) == once
