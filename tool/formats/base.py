"""What a format is and what it can do: the interface every exchange format offers.

A format writes one article (:meth:`Format.export`); its :class:`Capabilities` say what
else it does, so services ask a format instead of switching on its name (like
translate-toolkit's store classes). The optional methods go with their capability:

========================  ===========================================================
capability                method
========================  ===========================================================
``many_articles``         ``export_many(docs, source_lang, target_lang) -> bytes``
``streams``               ``write_many(docs, out, source_lang) -> int`` (constant memory)
``index_page``            ``export_index(docs, links, lang) -> bytes`` (``index.<ext>``)
``reads_work``            ``read(source, label) -> WorkFile`` (import-work)
``reads_review``          ``read_review(source, label) -> ReviewFile`` (import-review)
========================  ===========================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Protocol, runtime_checkable

from tool.formats.model import Document, ReviewFile, WorkFile


@dataclass(frozen=True, kw_only=True)
class Capabilities:
    """What a format can do besides writing one article."""

    many_articles: bool = False  # one file can hold many articles (export --all -o FILE)
    streams: bool = False  # many articles are written in constant memory; --all adds all.<ext>
    index_page: bool = False  # --all into a folder adds an index page
    reads_work: bool = False  # a translator's file comes back with import-work
    reads_review: bool = False  # an editor's review comes back with import-review
    finished_text: bool = False  # the translated article itself: partial output is reported
    skips_empty: bool = False  # an article with no translated pair writes no file
    needs_qa: bool = False  # entries carry QA findings and unit versions (review files)
    delimited: bool = False  # rows of cells: takes a delimiter and Excel's byte-order mark
    locale_tags: bool = False  # writes language tags that --locale can map (ro -> ro-RO)
    binary: bool = False  # not text


@dataclass(frozen=True, kw_only=True)
class ExportOptions:
    """Options some formats take (see ``configured``): delimited ones, and TMX's locales."""

    delimiter: str | None = None  # the field separator (default: the format's own)
    excel: bool = False  # a UTF-8 byte-order mark, so Excel reads the file as UTF-8
    locales: str | None = None  # "ro=ro-RO,en=en-GB": language tags for tools tied to locales


@runtime_checkable
class Format(Protocol):
    """An exchange format: a name, a file name, default statuses, an exporter."""

    name: str
    extension: str  # without the dot
    suffix: str  # before the extension, to tell formats sharing one apart ('.xliff2')
    description: str  # one line for --help
    default_statuses: frozenset[str] | None  # None: every status
    capabilities: Capabilities

    def export(self, doc: Document) -> bytes:
        """One article as the bytes of a file."""
        ...


class ManyArticles(Format, Protocol):
    """A format whose one file can hold many articles."""

    def export_many(
        self,
        docs: list[Document],
        source_lang: str,
        target_lang: str,
    ) -> bytes:
        """Many articles in one file."""
        ...


class Streaming(Format, Protocol):
    """A format that writes many articles to a stream in constant memory."""

    def write_many(self, docs: Iterable[Document], out: IO[bytes], srclang: str) -> int:
        """Stream the documents into ``out``; returns the number of units written."""
        ...


class Indexed(Format, Protocol):
    """A format that gives a folder of articles an index page."""

    def export_index(self, docs: list[Document], links: dict[str, str], lang: str) -> bytes:
        """The index page linking every article (``links``: article id -> file name)."""
        ...


class Configurable(Format, Protocol):
    """A format that takes options (delimited rows for a spreadsheet, TMX's locales)."""

    def configured(self, options: ExportOptions) -> Format:
        """A copy of the format writing with ``options``."""
        ...


class Delimited(Configurable, Protocol):
    """A format of delimited rows, which can be configured for a spreadsheet."""

    def configured(self, options: ExportOptions) -> Delimited:
        """A copy of the format writing with ``options``."""
        ...


class ReadsWork(Format, Protocol):
    """A format translators send back (import-work)."""

    def read(self, source: str | bytes, label: str | None = None) -> WorkFile:
        """The translator's file as read."""
        ...


class ReadsReview(Format, Protocol):
    """A review file editors send back (import-review)."""

    def read_review(self, source: str | bytes, label: str | None = None) -> ReviewFile:
        """The editor's review as read."""
        ...


class BaseFormat:
    """Defaults for the attributes of :class:`Format`; formats override what differs."""

    name = ""
    extension = ""
    suffix = ""
    description = ""
    default_statuses: frozenset[str] | None = None
    capabilities = Capabilities()

    def export(self, doc: Document) -> bytes:
        """One article as the bytes of a file."""
        raise NotImplementedError

    def file_name(self, article_id: str) -> str:
        """The export file name of an article: ``<id><suffix>.<extension>``."""
        return f"{article_id}{self.suffix}.{self.extension}"
