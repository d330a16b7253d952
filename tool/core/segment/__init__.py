"""Sentence segmentation: rules per language (Romanian, English, Russian, Ukrainian, French)
and generic ones for the others. See ``engine`` for how boundaries are found and ``languages``
for what each language knows."""

from __future__ import annotations

import re

from tool.core.locale import base_lang, validate_lang
from tool.core.segment.engine import split
from tool.core.segment.languages import rules_for

__all__ = ["segment_paragraphs", "segment_sentences"]

_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def segment_sentences(text: str, lang: str) -> list[str]:
    """Split one paragraph into sentences: exact substrings with outer whitespace trimmed."""
    return split(text, rules_for(base_lang(validate_lang(lang))))


def segment_paragraphs(text: str, lang: str) -> list[list[str]]:
    """Split text into paragraphs (separated by blank lines), each into sentences."""
    validate_lang(lang)
    paragraphs = (segment_sentences(block, lang) for block in _BLANK_LINES.split(text))
    return [sentences for sentences in paragraphs if sentences]
