"""Article files: front matter plus a Markdown body of paragraphs, headings and list items.

The format (originals/ro/<id>.md, translations/<lang>/<id>.md)::

    ---
    id: putin-nato-threat
    lang: ro
    title: ...
    ---

    First paragraph, on one line.

    ## A subheading

    - a list item
    - another one

A plain-text article (as pasted from a website) has no front matter: blocks separated by
blank lines become paragraphs and the metadata comes from the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tool.errors import InputError

FRONT_MATTER_FENCE = "---"
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_ITEM = re.compile(r"^[-*+]\s+(.*)$")
_BLANK_LINES = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Block:
    """One paragraph of the body: plain text, a heading or a list item."""

    kind: str  # "text", "heading" or "item"
    text: str
    level: int = 0  # heading level (1-6); 0 for other kinds


@dataclass
class Article:
    """An article file: ordered metadata and body blocks."""

    meta: dict[str, str] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.meta.get("id", "")

    @property
    def lang(self) -> str:
        return self.meta.get("lang", "")

    @property
    def title(self) -> str:
        return self.meta.get("title", "")


def parse_article(text: str, source: str = "<text>") -> Article:
    """Parse an article file's text. ``source`` names the file in error messages."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    meta: dict[str, str] = {}
    body = text
    lines = text.split("\n")
    if lines and lines[0].strip() == FRONT_MATTER_FENCE:
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == FRONT_MATTER_FENCE)
        except StopIteration:
            raise InputError(f"{source}: front matter is not closed with '---'") from None
        for number, line in enumerate(lines[1:end], start=2):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, sep, value = line.partition(":")
            key = key.strip()
            if not sep or not _KEY.match(key):
                raise InputError(f"{source}: line {number}: expected 'key: value' in front matter")
            if key in meta:
                raise InputError(f"{source}: line {number}: duplicate front matter key {key!r}")
            meta[key] = value.strip()
        body = "\n".join(lines[end + 1 :])
    return Article(meta=meta, blocks=parse_body(body))


def parse_body(body: str) -> list[Block]:
    """Split a Markdown body into blocks; soft-wrapped lines of a paragraph are joined."""
    blocks: list[Block] = []
    for chunk in _BLANK_LINES.split(body.replace("\r\n", "\n")):
        paragraph: list[str] = []
        for line in (line.strip() for line in chunk.split("\n")):
            heading = _HEADING.match(line)
            item = _ITEM.match(line)
            if line and not heading and not item:
                paragraph.append(line)
                continue
            if paragraph:
                blocks.append(Block("text", " ".join(paragraph)))
                paragraph = []
            if heading:
                blocks.append(Block("heading", heading.group(2).strip(), len(heading.group(1))))
            elif item:
                blocks.append(Block("item", item.group(1).strip()))
        if paragraph:
            blocks.append(Block("text", " ".join(paragraph)))
    return blocks


def parse_plain_text(text: str, **meta: str) -> Article:
    """A plain-text article pasted from a website: blank-line separated blocks are paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    blocks = []
    for chunk in _BLANK_LINES.split(text):
        joined = " ".join(line.strip() for line in chunk.split("\n") if line.strip())
        if joined:
            blocks.append(Block("text", joined))
    return Article(meta={k: v for k, v in meta.items() if v}, blocks=blocks)


def write_article(article: Article) -> str:
    """The file text of an article: front matter, blank line, blocks; ends with one newline."""
    parts: list[str] = []
    if article.meta:
        front = [FRONT_MATTER_FENCE]
        front += [f"{key}: {value}" for key, value in article.meta.items()]
        front.append(FRONT_MATTER_FENCE)
        parts.append("\n".join(front))
    previous_kind = ""
    for block in article.blocks:
        if block.kind == "heading":
            line = f"{'#' * (block.level or 2)} {block.text}"
        elif block.kind == "item":
            line = f"- {block.text}"
        else:
            line = block.text
        if block.kind == "item" and previous_kind == "item":
            parts[-1] += "\n" + line  # consecutive list items share one Markdown block
        else:
            parts.append(line)
        previous_kind = block.kind
    return "\n\n".join(parts) + "\n"


def read_file_bytes(path: Path) -> bytes:
    """A file's bytes; a missing or unreadable file is one clear InputError."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None


def read_text_file(path: Path) -> str:
    """Read a UTF-8 file, naming the first line that is not UTF-8 in the error."""
    data = read_file_bytes(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"{path}: not valid UTF-8 (line {line})") from None


def article_from_text(text: str, name: str, *, plain: bool = False, **meta: str) -> Article:
    """An article file's text as an article: Markdown with front matter, or plain text
    (``plain``, or text without front matter) whose metadata ``meta`` gives.

    Metadata given as arguments fills keys the file does not set.
    """
    if plain or not text.lstrip("\ufeff").startswith(FRONT_MATTER_FENCE):
        article = parse_plain_text(text)
    else:
        article = parse_article(text, name)
    for key, value in meta.items():
        if value and not article.meta.get(key):
            article.meta[key] = value
    return article


@dataclass(frozen=True)
class Sentence:
    """One segment of an article, before it is stored."""

    paragraph: int  # 0 is the title; body blocks count from 1
    position: int  # order within the paragraph
    kind: str  # title, heading, text, item
    text: str


def split_article(article: Article, lang: str) -> list[Sentence]:
    """The article's segments in order: the title, then each block's sentences.

    Text is normalised (see :func:`tool.core.normalize.normalise_text`). Titles and
    headings stay one segment each; paragraphs and list items are split into sentences.
    """
    from tool.core.normalize import normalise_text
    from tool.core.segment import segment_sentences

    sentences: list[Sentence] = []
    title = normalise_text(article.title)
    if title:
        sentences.append(Sentence(0, 0, "title", title))
    for number, block in enumerate(article.blocks, start=1):
        text = normalise_text(block.text)
        if not text:
            continue
        if block.kind == "heading":
            parts = [text]
        else:
            parts = segment_sentences(text, lang)
        sentences.extend(
            Sentence(number, position, block.kind, part) for position, part in enumerate(parts)
        )
    return sentences
