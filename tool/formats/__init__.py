"""Exchange formats: one module per format and a registry by name.

Every format has ``name``, ``extension``, ``default_statuses`` (None: every status) and
``export(doc) -> bytes``; the ones translators send back (po, xliff, xliff2) also have
``read(source) -> WorkFile``.
"""

from __future__ import annotations

from typing import Any

from tool.errors import ToolError
from tool.formats.article import ArticleFormat
from tool.formats.delimited import CSV, TSV
from tool.formats.docx import DocxFormat
from tool.formats.html import HtmlFormat
from tool.formats.po import PoFormat
from tool.formats.tmx import TmxFormat
from tool.formats.xliff import XliffFormat
from tool.formats.xliff2 import Xliff2Format

FORMATS: dict[str, Any] = {
    f.name: f
    for f in (
        HtmlFormat(),
        TmxFormat(),
        XliffFormat(),
        Xliff2Format(),
        PoFormat(),
        CSV,
        TSV,
        DocxFormat(),
        ArticleFormat(),
    )
}
WORK_FORMATS = ("po", "xliff", "xliff2")


def get_format(name: str) -> Any:
    """The format called ``name`` or a ToolError listing the known ones."""
    try:
        return FORMATS[name.lower()]
    except KeyError:
        raise ToolError(f"unknown format {name!r} (known: {', '.join(FORMATS)})") from None


def file_name(fmt: Any, article_id: str) -> str:
    """The export file name of an article: ``<id>.<ext>`` (``<id>.xliff2.xlf`` for XLIFF 2)."""
    if not article_id or "/" in article_id or "\\" in article_id or article_id.startswith("."):
        raise ToolError(f"article id {article_id!r} cannot be used as a file name")
    return f"{article_id}{getattr(fmt, 'suffix', '')}.{fmt.extension}"
