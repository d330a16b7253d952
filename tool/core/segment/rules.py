"""What the segmenter knows about one language: abbreviations, sentence openers, punctuation habits.

Abbreviations are written in lower case without their final dot; inner dots and hyphens stay
("e.g", "т.д", "j.-c"). A compound written with spaces ("т. д.", "av. J.-C.") is looked up
without them ("т.д", "av.j.-c"). Each abbreviation has a kind:

- never: never ends a sentence (titles, "e.g.", "ул. Ленина");
- number: does not end a sentence before a number ("No. 5", "p. 33", "рис. 3");
- unit: after a number it may end a sentence ("в 1990 г. Затем"), elsewhere it does not
  ("г. Москва"), nor before a number ("ст. 5");
- final: ends a sentence before a capital, not before lower case ("etc.", "и т. д.", "тыс.");
- weak: ends a sentence only before a common sentence opener ("Inc. The", "Jr. He").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["never", "number", "unit", "final", "weak"]


def words(*texts: str) -> frozenset[str]:
    """A set of the whitespace-separated words in ``texts``."""
    return frozenset(" ".join(texts).split())


@dataclass(frozen=True)
class Rules:
    """Per-language data and switches for the segmenter (see the module docstring)."""

    never: frozenset[str]
    before_number: frozenset[str] = frozenset()
    units: frozenset[str] = frozenset()
    final: frozenset[str] = frozenset()
    weak: frozenset[str] = frozenset()
    openers: frozenset[str] = frozenset()  # words that often start a sentence, rarely names
    cased: frozenset[str] = frozenset()  # case-sensitive weak abbreviations: "Al." (Alexandru)
    # words that start a sentence by their form (French adverbs in -ment), tried after openers
    opener_form: re.Pattern[str] | None = None
    # a plain word of at least this many letters + "." may end a sentence before lower case
    lower_start_length: int | None = None
    # ": " before a capitalised opener (or a word of ``colon_noun`` form) starts a sentence
    colon_breaks: bool = False
    colon_noun: re.Pattern[str] | None = None
    dash_breaks: bool = False  # " — " before a capitalised opener ends a broken-off utterance
    # a number that opens a numbered paragraph ("1. Затвердити ...") is a segment of its own
    item_number_alone: bool = False
    not_openers: frozenset[str] = field(default_factory=frozenset)  # "I": capital, yet no sign
    # a bare number after a full stop, before a capital, is a footnote of the sentence before
    footnote_numbers: bool = False
    closings: frozenset[str] = frozenset()  # a letter's closing before the signature
    # quotes whose sentences stay inside the sentence that quotes them
    quote_pairs: tuple[str, ...] = ()

    def kind_of(self, core: str) -> Kind | None:
        """What kind of abbreviation ``core`` (a word before a period) is, if any."""
        lower = core.lower()
        if lower in self.never:
            return "never"
        if lower in self.units:
            return "unit"
        if lower in self.before_number:
            return "number"
        if lower in self.final:
            return "final"
        if core in self.cased or lower in self.weak:
            return "weak"
        return None

    def is_opener_word(self, word: str) -> bool:
        """Whether ``word`` (letters only, as written) commonly starts a sentence."""
        if word in self.not_openers:
            return False
        if word.lower() in self.openers:
            return True
        return bool(self.opener_form and self.opener_form.fullmatch(word))
