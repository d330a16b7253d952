"""Language codes and locale data, through babel."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError

from tool.errors import UnknownLanguageError


@lru_cache(maxsize=256)
def validate_lang(code: str) -> str:
    """Return the normalised language code (``ro``, ``en``, ``pt_BR``) or raise.

    Accepts ``-`` or ``_`` as separator and any case; raises UnknownLanguageError for a
    code babel does not know.
    """
    cleaned = (code or "").strip().replace("-", "_")
    if not cleaned:
        raise UnknownLanguageError("no language given")
    try:
        locale = Locale.parse(cleaned)
    except (ValueError, UnknownLocaleError):
        raise UnknownLanguageError(f"unknown language: {code!r}") from None
    return str(locale)


@lru_cache(maxsize=256)
def base_lang(code: str) -> str:
    """The language part of a code: ``pt_BR`` -> ``pt``."""
    return validate_lang(code).split("_")[0]


@lru_cache(maxsize=256)
def language_name(code: str, in_lang: str = "en") -> str:
    """The language's name, e.g. ``Romanian``."""
    return Locale.parse(validate_lang(code)).get_display_name(in_lang) or code


@lru_cache(maxsize=256)
def plural_forms(code: str) -> str:
    """A gettext Plural-Forms header value for the language."""
    from babel.messages.plurals import get_plural

    plural = get_plural(validate_lang(code))
    return f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"
