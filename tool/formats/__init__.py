"""Exchange formats: one module per format and a plain registry by name.

Every format follows :class:`tool.formats.base.Format` (a name, a file name, default
statuses, ``export(doc) -> bytes``) and declares what else it can do in its
:class:`~tool.formats.base.Capabilities`. The registry names each format's class by
module, the way translate-toolkit's store factory does, and imports a module only when
its format is asked for: listing the names (``--help``) costs nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from functools import cache

from tool.errors import ToolError
from tool.formats.base import Format

#: name -> (module under tool.formats, class); the order is the order of --help.
REGISTRY: dict[str, tuple[str, str]] = {
    "html": ("html", "HtmlFormat"),
    "tmx": ("tmx_family", "TmxExport"),
    "xliff": ("xliff", "XliffFormat"),
    "xliff2": ("xliff2", "Xliff2Format"),
    "po": ("po", "PoFormat"),
    "csv": ("delimited", "CsvFormat"),
    "tsv": ("delimited", "TsvFormat"),
    "docx": ("docx", "DocxFormat"),
    "xlsx": ("xlsx", "XlsxFormat"),
    "article": ("article", "ArticleFormat"),
}
FORMAT_NAMES = tuple(REGISTRY)
#: Formats a translator's checked-out work can be written in and read back from.
WORK_FORMATS = ("po", "xliff", "xliff2")
#: Formats an editor's review comes back in (import-review).
REVIEW_FORMATS = ("xlsx", "docx")


@cache
def _load(name: str) -> Format:
    module, cls = REGISTRY[name]
    return getattr(importlib.import_module(f"tool.formats.{module}"), cls)()


class _Registry(Mapping[str, Format]):
    """The formats by name; a format's module is imported when it is first looked up."""

    def __getitem__(self, name: str) -> Format:
        if name not in REGISTRY:
            raise KeyError(name)
        return _load(name)

    def __iter__(self) -> Iterator[str]:
        return iter(REGISTRY)

    def __len__(self) -> int:
        return len(REGISTRY)

    def __contains__(self, name: object) -> bool:
        return name in REGISTRY


FORMATS: Mapping[str, Format] = _Registry()


def get_format(name: str) -> Format:
    """The format called ``name`` or a ToolError listing the known ones."""
    key = name.lower()
    if key not in REGISTRY:
        raise ToolError(f"unknown format {name!r} (known: {', '.join(REGISTRY)})")
    return _load(key)


def formats_that(capability: str) -> tuple[str, ...]:
    """The names of the formats with a capability (e.g. ``"many_articles"``), in order."""
    return tuple(n for n in REGISTRY if getattr(_load(n).capabilities, capability))


def file_name(fmt: Format, article_id: str) -> str:
    """The export file name of an article: ``<id><suffix>.<ext>`` (``<id>.xliff2.xlf``)."""
    if (
        not article_id
        or "/" in article_id
        or "\\" in article_id
        or article_id.startswith(".")
        or "\x00" in article_id
    ):
        raise ToolError(f"article id {article_id!r} cannot be used as a file name")
    return f"{article_id}{fmt.suffix}.{fmt.extension}"
