"""Segmentation rules per language; other languages use the generic rules."""

from __future__ import annotations

from tool.core.segment.languages.en import RULES as EN
from tool.core.segment.languages.fr import RULES as FR
from tool.core.segment.languages.generic import RULES as GENERIC
from tool.core.segment.languages.ro import RULES as RO
from tool.core.segment.languages.ru import RULES as RU
from tool.core.segment.languages.uk import RULES as UK
from tool.core.segment.rules import Rules

BY_LANGUAGE: dict[str, Rules] = {"en": EN, "ro": RO, "ru": RU, "uk": UK, "fr": FR}


def rules_for(base: str) -> Rules:
    """The rules for a base language code (``ro``), or the generic ones."""
    return BY_LANGUAGE.get(base, GENERIC)
