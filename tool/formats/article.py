"""The finished translation as an article file (translations/<lang>/<id>.md)."""

from __future__ import annotations

from dataclasses import dataclass

from tool.core.article import Article, Block, write_article
from tool.formats.base import BaseFormat, Capabilities
from tool.formats.model import Document, Entry, clean_document

PUBLISHED = frozenset({"approved"})


class ArticleFormat(BaseFormat):
    """Markdown article with front matter: approved units only by default."""

    name = "article"
    extension = "md"
    description = "the translated article (Markdown with front matter), approved text"
    default_statuses: frozenset[str] | None = PUBLISHED
    capabilities = Capabilities(finished_text=True, skips_empty=True)

    def export(self, doc: Document) -> bytes:
        """The translated article file."""
        return write_article(build_article(doc)).encode("utf-8")


@dataclass(frozen=True, kw_only=True)
class Completeness:
    """How much of an article a translation covers."""

    article_id: str
    title: bool  # the title is translated
    paragraphs: int  # body paragraphs whose every pair is translated
    total: int  # body paragraphs

    @property
    def complete(self) -> bool:
        """True when the title and every paragraph are translated."""
        return self.title and self.paragraphs == self.total

    def describe(self, done: str = "translated") -> str:
        """What is there: ``no translated title, 2 of 5 paragraphs translated``."""
        counted = f"{self.paragraphs} of {self.total} paragraphs {done}"
        return counted if self.title else f"no {done} title, {counted}"


def completeness(doc: Document, statuses: set[str] | frozenset[str] | None) -> Completeness:
    """Which parts of the (unfiltered) article have a translation of a status in ``statuses``."""

    def translated(entry: Entry) -> bool:
        return bool(entry.target.strip()) and (statuses is None or entry.status in statuses)

    title = doc.title_entry()
    done: dict[int, bool] = {}
    for entry in doc.pairs:
        if entry.paragraph is None or entry.paragraph == 0:
            continue
        done[entry.paragraph] = done.get(entry.paragraph, True) and translated(entry)
    return Completeness(
        article_id=doc.article_id,
        title=title is not None and translated(title),
        paragraphs=sum(done.values()),
        total=len(done),
    )


def build_article(doc: Document) -> Article:
    """Rebuild the translated article: paragraphs in order, target-only lines kept.

    A target-only line joins the paragraph it follows, except before the first body
    paragraph and after the last segment, where it stands as a paragraph of its own
    (page leftovers, credits). The translation's front matter is carried over.
    """
    doc = clean_document(doc)
    title = doc.title_entry()
    meta = {
        "id": doc.article_id,
        "lang": doc.target_lang,
        "original": doc.article_id,
        "title": title.target if title else "",
        "translator": doc.translation_meta.get("translator") or _translators(doc),
        "published": doc.translation_meta.get("published") or doc.meta.get("published", ""),
    }
    for key, value in doc.translation_meta.items():  # the translation's own front matter
        if key not in meta and key.replace("-", "_").isidentifier() and value:
            meta[key] = " ".join(str(value).split())
    paragraphs: list[tuple[str, list[str]]] = []
    current: int | None = None
    # Target-only lines after the last translated pair (credits) are paragraphs of their own.
    last = (i for i, e in enumerate(doc.entries) if not e.target_only and e.target)
    trailing = max(last, default=-1) + 1
    for index, entry in enumerate(doc.entries):
        if entry.target_only:
            if current is None or index >= trailing:  # before the body, or credits at the end
                paragraphs.append(("text", [entry.target]))
                current = None
            else:
                paragraphs[-1][1].append(entry.target)
            continue
        if entry.paragraph == 0:
            continue
        if entry.paragraph != current:
            paragraphs.append((entry.kind, []))
            current = entry.paragraph
        if entry.target:
            paragraphs[-1][1].append(entry.target)
    blocks = [Block(kind, " ".join(texts)) for kind, texts in paragraphs if texts]
    blocks = [Block(b.kind, b.text, 2 if b.kind == "heading" else 0) for b in blocks]
    return Article(meta={k: v for k, v in meta.items() if v}, blocks=blocks)


def _translators(doc: Document) -> str:
    names = sorted({e.translator for e in doc.pairs if e.translator and e.target})
    return ", ".join(names)
