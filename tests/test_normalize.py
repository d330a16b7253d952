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


def test_joiners_are_kept_other_invisible_characters_go():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji held by ZWJ
    assert normalise_text(f"a{family}\u200b b") == f"a{family} b"
    assert normalise_text("می\u200cخواهم") == "می\u200cخواهم"  # Persian ZWNJ is spelling


def test_control_characters_are_refused_with_where_they_are():
    import pytest

    from tool.core.normalize import refuse_controls
    from tool.errors import InputError

    assert refuse_controls("tab\tand\nnewline", "x") == "tab\tand\nnewline"
    with pytest.raises(InputError, match=r"^unit 3: control character U\+001B at character 6"):
        refuse_controls("wind \x1b]0;owned\x07", "unit 3")
    with pytest.raises(InputError, match=r"^a.md: control character U\+0000 at line 2: remove it"):
        refuse_controls("ok\nbad\x00", "a.md")
    for char in ("\x7f", "\x85", "\x9b"):  # DEL and C1 (NEL, CSI)
        with pytest.raises(InputError):
            refuse_controls(f"x{char}", "t")
