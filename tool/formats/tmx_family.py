"""TMX as a member of the format family: tmx.py's writer with its capabilities declared.

tmx.py (the TMX writer and reader, shared with the translation memory) stays as it is;
this class adds what :class:`tool.formats.base.Format` asks of every format.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import IO

from tool.formats.base import Capabilities, ExportOptions
from tool.formats.model import Document
from tool.formats.tmx import TmxFormat, parse_locales


class TmxExport(TmxFormat):
    """TMX 1.4b: approved pairs by default, many articles streamed into one file."""

    suffix = ""
    description = "TMX 1.4b translation memory (approved pairs by default)"
    capabilities = Capabilities(many_articles=True, streams=True, skips_empty=True,
                                locale_tags=True)  # fmt: skip

    def __init__(self, locales: Mapping[str, str] | None = None) -> None:
        self.locales = dict(locales or {})

    def configured(self, options: ExportOptions) -> TmxExport:
        """A copy writing the language tags ``options.locales`` maps (``ro=ro-RO``)."""
        return TmxExport(parse_locales(options.locales) if options.locales else self.locales)

    def export(self, doc: Document, *, locales: Mapping[str, str] | None = None) -> bytes:
        return super().export(doc, locales=locales or self.locales)

    def write_many(
        self,
        docs: Iterable[Document],
        out: IO[bytes],
        srclang: str,
        *,
        locales: Mapping[str, str] | None = None,
    ) -> int:
        return super().write_many(docs, out, srclang, locales=locales or self.locales)

    def export_many(self, docs: list[Document], source_lang: str, target_lang: str) -> bytes:
        """Many articles in one TMX file."""
        import io

        buffer = io.BytesIO()
        self.write_many(docs, buffer, source_lang)
        return buffer.getvalue()

    def file_name(self, article_id: str) -> str:
        """``<id>.tmx``."""
        return f"{article_id}.{self.extension}"
