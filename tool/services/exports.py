"""Exporting articles: rows from the database -> documents -> files in any format."""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from tool.core.locale import validate_lang
from tool.db.connection import project_root
from tool.errors import ConflictError, InputError, ToolError
from tool.formats import FORMATS, file_name, get_format
from tool.formats.delimited import export_rows
from tool.formats.html import render_index
from tool.formats.model import STATUSES, Document, Entry, filter_statuses, segment_key
from tool.formats.po import export_po
from tool.formats.tmx import TmxWriter
from tool.formats.xliff import export_xliff
from tool.formats.xliff2 import export_xliff2
from tool.services.articles import article_pairs, get_article

COMBINED = {"tmx", "xliff", "xliff2", "po", "csv", "tsv"}  # can hold many articles in one file


@dataclass
class ExportResult:
    """What an export wrote."""

    format: str
    lang: str
    files: list[str] = field(default_factory=list)
    articles: int = 0
    entries: int = 0
    skipped: list[str] = field(default_factory=list)  # articles with nothing to publish
    kept: list[str] = field(default_factory=list)  # finished articles not overwritten


def check_statuses(statuses: Iterable[str] | None) -> set[str] | None:
    """The statuses asked for, checked; None when none were given."""
    if not statuses:
        return None
    chosen = set(statuses)
    unknown = sorted(chosen - set(STATUSES))
    if unknown:
        raise ToolError(f"unknown status {unknown[0]!r} (known: {', '.join(STATUSES)})")
    return chosen


def load_document(db: sqlite_utils.Database, article_id: str, lang: str) -> Document:
    """One article in ``lang``: every pair in order, beads folded into their head."""
    lang = validate_lang(lang)
    article = get_article(db, article_id)
    if article["lang"] == lang:
        raise InputError(f"article {article_id!r} is written in {lang}; choose a target language")
    rows = article_pairs(db, article_id, lang)
    dates = {
        r["id"]: r
        for r in db.query(
            "SELECT u.id, u.updated_at, (SELECT MIN(e.at) FROM events e WHERE e.unit_id = u.id)"
            " AS created FROM units u JOIN segments s ON s.id = u.segment_id "
            "WHERE s.article_id = ? AND u.lang = ?",
            [article_id, lang],
        )
    }
    translation = db.execute(
        "SELECT meta, translator FROM translations WHERE article_id = ? AND lang = ?",
        [article_id, lang],
    ).fetchone()
    translation_meta = json.loads(translation[0] or "{}") if translation else {}
    if translation and translation[1] and not translation_meta.get("translator"):
        translation_meta["translator"] = translation[1]
    entries = _fold(article_id, rows, dates)
    updated = max((e.updated for e in entries if e.updated), default="")
    return Document(
        article_id=article_id,
        title=article["title"] or "",
        source_lang=article["lang"],
        target_lang=lang,
        meta=article["meta"],
        translation_meta=translation_meta,
        entries=entries,
        created=article["imported_at"] or "",
        updated=updated or article["updated_at"] or "",
    )


def _fold(article_id: str, rows: list[dict[str, Any]], dates: dict[int, Any]) -> list[Entry]:
    """Rows -> entries; a unit joined to a head unit adds its source to the head's entry."""
    entries: list[Entry] = []
    heads: dict[int, Entry] = {}
    paragraph = 0
    for row in rows:
        if row["target_only"]:
            entries.append(
                Entry(
                    "",
                    article_id,
                    None,
                    None,
                    None,
                    paragraph,
                    "target-only",
                    "",
                    row["target"],
                    "",
                    target_only=True,
                )  # fmt: skip
            )
            continue
        head = heads.get(row["joined_to"]) if row["joined_to"] else None
        if head is not None:
            head.source = f"{head.source} {row['source']}"
            head.joined.append(row["segment_id"])
            continue
        paragraph = row["paragraph"]
        unit_dates = dates.get(row["unit_id"]) or {}
        entry = Entry(
            key=segment_key(article_id, row["segment_id"]),
            article_id=article_id,
            segment_id=row["segment_id"],
            unit_id=row["unit_id"],
            seq=row["seq"],
            paragraph=row["paragraph"],
            kind=row["kind"],
            source=row["source"],
            target=row["target"],
            status=row["status"],
            translator=row["translator"] or "",
            reviewer=row["reviewer"] or "",
            origin=row["origin"] or "",
            confidence=row["confidence"],
            comment=row["comment"] or "",
            created=unit_dates.get("created") or unit_dates.get("updated_at") or "",
            updated=unit_dates.get("updated_at") or "",
        )
        if row["unit_id"] is not None:
            heads[row["unit_id"]] = entry
        entries.append(entry)
    return entries


def _statuses_for(fmt: Any, statuses: set[str] | None) -> set[str] | None:
    if statuses is not None:
        return statuses
    return set(fmt.default_statuses) if fmt.default_statuses is not None else None


def export_article(
    db: sqlite_utils.Database,
    article_id: str,
    lang: str,
    fmt: str,
    *,
    statuses: Iterable[str] | None = None,
) -> bytes:
    """One article exported in format ``fmt`` (statuses default to the format's own)."""
    format_ = get_format(fmt)
    doc = load_document(db, article_id, lang)
    return format_.export(filter_statuses(doc, _statuses_for(format_, check_statuses(statuses))))


def article_ids(db: sqlite_utils.Database, lang: str) -> Iterator[str]:
    """Every article not written in ``lang``, by id, streamed from its own cursor."""
    cursor = db.conn.cursor()
    cursor.arraysize = 256
    for (article_id,) in cursor.execute(
        "SELECT id FROM articles WHERE lang != ? ORDER BY id", [lang]
    ):
        yield article_id


def iter_documents(
    db: sqlite_utils.Database, lang: str, ids: Iterable[str], statuses: set[str] | None
) -> Iterator[Document]:
    """Documents one at a time, filtered by status."""
    for article_id in ids:
        yield filter_statuses(load_document(db, article_id, lang), statuses)


def default_folder(fmt: str, lang: str, root: Path | None = None) -> Path:
    """exports/<lang>/ under the project (translations/<lang>/ for finished articles)."""
    base = root or project_root()
    return base / ("translations" if fmt == "article" else "exports") / lang


def write_exports(
    db: sqlite_utils.Database,
    lang: str,
    fmt: str,
    out_dir: str | Path | None = None,
    articles: Iterable[str] | None = None,
    *,
    statuses: Iterable[str] | None = None,
    force: bool = False,
) -> ExportResult:
    """Write one file per article into ``out_dir`` (default exports/<lang>/).

    HTML also gets an index.html; TMX also gets all.tmx, every article streamed into one
    memory file. Articles with no pair to write (``article``, ``tmx``: nothing approved,
    by default) are skipped.
    """
    lang = validate_lang(lang)
    format_ = get_format(fmt)
    chosen = _statuses_for(format_, check_statuses(statuses))
    folder = Path(out_dir) if out_dir else default_folder(format_.name, lang)
    folder.mkdir(parents=True, exist_ok=True)
    ids = articles if articles is not None else article_ids(db, lang)
    result = ExportResult(format_.name, lang)
    docs_for_index: list[Document] = []
    links: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        memory: TmxWriter | None = None
        for doc in iter_documents(db, lang, ids, chosen):
            if format_.name in ("article", "tmx") and not any(e.target for e in doc.pairs):
                # Nothing to publish (e.g. nothing approved yet): no empty translations/ file
                # for sync to pick up, no memory file without a single pair.
                result.skipped.append(doc.article_id)
                continue
            path = folder / file_name(format_, doc.article_id)
            data = format_.export(doc)
            if not force and _replaces_other_text(path, data, format_):
                result.kept.append(str(path))
                continue
            _write(path, data)
            result.files.append(str(path))
            result.articles += 1
            result.entries += len(doc.entries)
            if format_.name == "html":
                links[doc.article_id] = path.name
                docs_for_index.append(_summary(doc))
            if format_.name == "tmx":
                if memory is None:  # all.tmx, streamed alongside the per-article files
                    out = stack.enter_context((folder / "all.tmx.part").open("wb"))
                    memory = stack.enter_context(TmxWriter(out, doc.source_lang))
                memory.write(doc)
    if memory is not None:
        (folder / "all.tmx.part").replace(folder / "all.tmx")
        result.files.append(str(folder / "all.tmx"))
    if format_.name == "html":
        index = folder / "index.html"
        _write(index, render_index(docs_for_index, links, lang).encode("utf-8"))
        result.files.append(str(index))
    return result


def _summary(doc: Document) -> Document:
    """A document cut down to what the index needs, so --all does not keep every text."""
    pairs = [Entry(e.key, e.article_id, None, None, None, e.paragraph, "", "", "", e.status)
             for e in doc.pairs]  # fmt: skip
    return Document(doc.article_id, doc.title, doc.source_lang, doc.target_lang, entries=pairs)


def write_combined(
    db: sqlite_utils.Database,
    lang: str,
    fmt: str,
    path: str | Path,
    articles: Iterable[str] | None = None,
    *,
    statuses: Iterable[str] | None = None,
) -> ExportResult:
    """Write many articles into one file (tmx, xliff, xliff2, po, csv, tsv).

    TMX is streamed article by article, so memory stays flat however many there are.
    """
    lang = validate_lang(lang)
    format_ = get_format(fmt)
    if format_.name not in COMBINED:
        raise ToolError(f"{format_.name} writes one file per article; give -o a folder")
    chosen = _statuses_for(format_, check_statuses(set(statuses) if statuses else None))
    ids = articles if articles is not None else article_ids(db, lang)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    result = ExportResult(format_.name, lang, [str(path)])
    docs = iter_documents(db, lang, ids, chosen)
    first = next(docs, None)
    srclang = first.source_lang if first else _any_source_lang(db, lang)
    if first is not None:
        docs = itertools.chain([first], docs)
    if format_.name == "tmx":
        tmp = path.with_name(path.name + ".part")
        with tmp.open("wb") as out, TmxWriter(out, srclang) as writer:
            for doc in docs:
                writer.write(doc)
                result.articles += 1
        tmp.replace(path)
        result.entries = writer.count
        return result
    all_docs = list(docs)
    result.articles = len(all_docs)
    result.entries = sum(len(d.entries) for d in all_docs)
    _write(path, combine(format_.name, all_docs, lang, srclang))
    return result


def combine(fmt: str, docs: list[Document], lang: str, srclang: str) -> bytes:
    """Several documents in one file of a format that can hold many."""
    if fmt == "xliff":
        return export_xliff(docs)
    if fmt == "xliff2":
        return export_xliff2(docs)
    if fmt == "po":
        return export_po(docs, srclang, lang, "translation-desk")
    if fmt in ("csv", "tsv"):
        return export_rows(docs, "," if fmt == "csv" else "\t")
    raise ToolError(f"{fmt} writes one file per article")


def _any_source_lang(db: sqlite_utils.Database, lang: str) -> str:
    """The originals' language when there is nothing to export (for an empty file's header)."""
    row = db.execute("SELECT lang FROM articles WHERE lang != ? LIMIT 1", [lang]).fetchone()
    return row[0] if row else "ro"


def _replaces_other_text(path: Path, data: bytes, format_: Any) -> bool:
    """Would writing a finished article replace a different file (a translator's own)?"""
    return format_.name == "article" and path.exists() and path.read_bytes() != data


def _write(path: Path, data: bytes) -> None:
    """Write a file whole: to a temporary name, then renamed over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)


def export(
    db: sqlite_utils.Database,
    lang: str,
    fmt: str,
    *,
    article: str | None = None,
    every: bool = False,
    output: str | Path | None = None,
    statuses: Iterable[str] | None = None,
    force: bool = False,
) -> ExportResult:
    """What the export command does: one article to a file, or --all to a folder or file.

    A finished article (``article``) never silently replaces a different file, such as the
    translation a translator delivered: without ``force`` it is kept and reported.
    """
    if bool(article) == every:
        raise ToolError("give an article id or --all (not both)")
    format_ = get_format(fmt)
    lang = validate_lang(lang)
    if every:
        out = Path(output) if output else None
        if out is not None and out.suffix and not out.is_dir():
            return write_combined(db, lang, format_.name, out, statuses=statuses)
        return write_exports(db, lang, format_.name, out, statuses=statuses, force=force)
    assert article is not None
    data = export_article(db, article, lang, format_.name, statuses=statuses)
    out = Path(output) if output else default_folder(format_.name, lang)
    if output is None or out.is_dir():
        out = out / file_name(format_, article)
    if not force and _replaces_other_text(out, data, format_):
        raise ConflictError(
            f"{out} exists and differs from the desk's version: use --force to replace it, "
            "or -o to write elsewhere"
        )
    _write(out, data)
    return ExportResult(format_.name, lang, [str(out)], 1, 0)


__all__ = [
    "FORMATS",
    "ExportResult",
    "export",
    "export_article",
    "load_document",
    "write_combined",
    "write_exports",
]
