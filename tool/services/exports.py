"""Exporting articles: rows from the database -> documents -> files in any format.

What a format can do is asked of the format (:mod:`tool.formats.base`): whether one file
holds many articles, whether it streams them, whether a folder of them gets an index
page, whether it is the finished article (whose gaps are reported). Files are written
whole through :mod:`tool.fileio`: an export given a place (``-o``) never replaces an
existing file unless forced; the desk's own exports/<lang>/ folder is rewritten.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

import sqlite_utils

from tool.core.locale import validate_lang
from tool.db.connection import project_root
from tool.errors import ConflictError, InputError, ToolError
from tool.fileio import check_target, open_for_writing, write_file
from tool.formats import FORMATS, file_name, get_format
from tool.formats.base import (
    Capabilities,
    Configurable,
    ExportOptions,
    Format,
    Indexed,
    ManyArticles,
    Streaming,
)
from tool.formats.model import (
    STATUSES,
    Document,
    Entry,
    filter_statuses,
    segment_key,
    target_only_key,
    unit_version,
)
from tool.services.articles import article_pairs, get_article

AGGREGATES = ("index", "all")  # file names --all writes beside the articles' own


@dataclass
class ExportResult:
    """What an export wrote."""

    format: str
    lang: str
    files: list[str] = field(default_factory=list)
    articles: int = 0
    entries: int = 0
    skipped: list[str] = field(default_factory=list)  # articles with nothing to publish
    partial: list[str] = field(default_factory=list)  # "budget: no title, 2 of 5 paragraphs"


def check_statuses(statuses: Iterable[str] | None) -> set[str] | None:
    """The statuses asked for, checked; None when none were given."""
    if not statuses:
        return None
    chosen = set(statuses)
    unknown = sorted(chosen - set(STATUSES))
    if unknown:
        raise ToolError(f"unknown status {unknown[0]!r} (known: {', '.join(STATUSES)})")
    return chosen


def configured_format(fmt: str, options: ExportOptions | None = None) -> Format:
    """The format called ``fmt``, configured with ``options`` (delimited formats, and TMX's
    language tags)."""
    format_ = get_format(fmt)
    if options is None or options == ExportOptions():
        return format_
    if (options.delimiter or options.excel) and not format_.capabilities.delimited:
        raise InputError(f"--delimiter and --excel apply to csv and tsv, not {format_.name}")
    if options.locales and not format_.capabilities.locale_tags:
        raise InputError(f"--locale applies to tmx, not {format_.name}")
    return cast(Configurable, format_).configured(options)


def load_document(
    db: sqlite_utils.Database, article_id: str, lang: str, *, with_qa: bool = False
) -> Document:
    """One article in ``lang``: every pair in order, beads folded into their head.

    ``with_qa`` adds each pair's QA findings (for review files).
    """
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
    if with_qa:
        _add_findings(db, article_id, lang, entries)
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
    extra = 0
    for row in rows:
        if row["target_only"]:
            extra += 1
            entries.append(
                Entry(
                    key=target_only_key(article_id, extra),
                    article_id=article_id,
                    paragraph=paragraph,
                    kind="target-only",
                    target=row["target"],
                    status="",
                    target_only=True,
                )
            )
            continue
        head = heads.get(row["joined_to"]) if row["joined_to"] else None
        if head is not None:
            head.source = f"{head.source} {row['source']}"
            head.joined.append(row["segment_id"])
            continue
        paragraph = row["paragraph"]
        unit_dates = dates.get(row["unit_id"]) or {}
        updated = unit_dates.get("updated_at") or ""
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
            created=unit_dates.get("created") or updated,
            updated=updated,
            version=unit_version(row["unit_id"], row["status"], row["target"], updated),
        )
        if row["unit_id"] is not None:
            heads[row["unit_id"]] = entry
        entries.append(entry)
    return entries


def _add_findings(db: sqlite_utils.Database, article_id: str, lang: str, entries: list[Entry]):
    """Attach each pair's QA findings ("error: ...") to its entry."""
    from tool.services.qa import qa_article

    found: dict[int, list[str]] = {}
    for finding in qa_article(db, article_id, lang):
        found.setdefault(finding.unit_id, []).append(f"{finding.severity}: {finding.message}")
    for entry in entries:
        if entry.unit_id is not None:
            entry.findings = found.get(entry.unit_id, [])


def _statuses_for(fmt: Format, statuses: set[str] | None) -> set[str] | None:
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
    options: ExportOptions | None = None,
) -> bytes:
    """One article exported in format ``fmt`` (statuses default to the format's own)."""
    format_ = configured_format(fmt, options)
    doc = load_document(db, article_id, lang, with_qa=format_.capabilities.needs_qa)
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
    db: sqlite_utils.Database,
    lang: str,
    ids: Iterable[str],
    statuses: set[str] | None,
    *,
    with_qa: bool = False,
) -> Iterator[Document]:
    """Documents one at a time, filtered by status."""
    for article_id in ids:
        yield filter_statuses(load_document(db, article_id, lang, with_qa=with_qa), statuses)


def default_folder(lang: str, root: Path | None = None) -> Path:
    """exports/<lang>/ under the project: where every format goes by default."""
    return (root or project_root()) / "exports" / lang


def _partial(
    db: sqlite_utils.Database, lang: str, article_id: str, statuses: set[str] | None
) -> str:
    """``"<id>: no title, 2 of 5 paragraphs"`` when the finished article has gaps, else ''."""
    from tool.formats.article import completeness

    found = completeness(load_document(db, article_id, lang), statuses)
    done = "approved" if statuses == {"approved"} else "translated"
    return "" if found.complete else f"{article_id}: {found.describe(done)}"


def _refuse_incomplete(partial: list[str], lang: str) -> None:
    if partial:
        article, _, what = partial[0].partition(": ")
        raise ConflictError(f"{article} is not complete in {lang}: {what}; nothing written")


def write_exports(
    db: sqlite_utils.Database,
    lang: str,
    fmt: str,
    out_dir: str | Path | None = None,
    articles: Iterable[str] | None = None,
    *,
    statuses: Iterable[str] | None = None,
    overwrite: bool = True,
    options: ExportOptions | None = None,
    require_complete: bool = False,
) -> ExportResult:
    """Write one file per article into ``out_dir`` (default exports/<lang>/, created).

    An index page goes with formats that have one (index.html), a streamed file of every
    article with streaming formats (all.tmx). Articles with nothing to write (``article``,
    ``tmx``: nothing approved, by default) are skipped. Without ``overwrite``, an existing
    target refuses the export before anything is written.
    """
    lang = validate_lang(lang)
    format_ = configured_format(fmt, options)
    caps = format_.capabilities
    chosen = _statuses_for(format_, check_statuses(statuses))
    folder = Path(out_dir) if out_dir else default_folder(lang)
    folder.mkdir(parents=True, exist_ok=True)
    ids: Iterable[str] = articles if articles is not None else article_ids(db, lang)
    if not overwrite or require_complete:
        ids = list(ids)
    if not overwrite:
        names = [file_name(format_, i) for i in cast(list, ids)]
        aggregates = zip(AGGREGATES, _aggregates(caps))
        names += [f"{a}.{format_.extension}" for a, has in aggregates if has]
        for name in names:
            check_target(folder / name)
    result = ExportResult(format_.name, lang)
    if caps.finished_text:
        checked = ids if isinstance(ids, list) else list(ids)
        result.partial = [p for p in (_partial(db, lang, i, chosen) for i in checked) if p]
        if require_complete:
            _refuse_incomplete(result.partial, lang)
        ids = checked
    summaries: list[Document] = []
    links: dict[str, str] = {}

    def written() -> Iterator[Document]:
        """Write each article's own file; yield the documents written."""
        for doc in iter_documents(db, lang, ids, chosen, with_qa=caps.needs_qa):
            if caps.skips_empty and not any(e.target for e in doc.pairs):
                # Nothing to publish (e.g. nothing approved yet): no file without a pair.
                result.skipped.append(doc.article_id)
                continue
            path = folder / file_name(format_, doc.article_id)
            write_file(path, format_.export(doc), force=True)
            result.files.append(str(path))
            result.articles += 1
            result.entries += len(doc.entries)
            if caps.index_page:
                links[doc.article_id] = path.name
                summaries.append(_summary(doc))
            yield doc

    documents = written()
    if caps.streams:  # every article also streamed into all.<ext>, as they are written
        first = next(documents, None)
        if first is not None:
            every = folder / f"all.{format_.extension}"
            with open_for_writing(every, force=True) as out:
                stream = cast(Streaming, format_)
                stream.write_many(itertools.chain([first], documents), out, first.source_lang)
            result.files.append(str(every))
    for _ in documents:
        pass
    if caps.index_page:
        index = folder / f"index.{format_.extension}"
        write_file(index, cast(Indexed, format_).export_index(summaries, links, lang), force=True)
        result.files.append(str(index))
    return result


def _aggregates(caps: Capabilities) -> tuple[bool, bool]:
    """Which of index.<ext> and all.<ext> a format writes beside the articles."""
    return caps.index_page, caps.streams


def _summary(doc: Document) -> Document:
    """A document cut down to what the index needs, so --all does not keep every text."""
    pairs = [
        Entry(key=e.key, article_id=e.article_id, paragraph=e.paragraph, status=e.status)
        for e in doc.pairs
    ]
    return replace(doc, meta={}, translation_meta={}, entries=pairs)


def write_combined(
    db: sqlite_utils.Database,
    lang: str,
    fmt: str,
    path: str | Path,
    articles: Iterable[str] | None = None,
    *,
    statuses: Iterable[str] | None = None,
    overwrite: bool = True,
    options: ExportOptions | None = None,
) -> ExportResult:
    """Write many articles into one file, of a format that can hold many (tmx, po, csv...).

    Streaming formats (TMX) are written article by article, so memory stays flat however
    many there are. Without ``overwrite``, an existing file is refused.
    """
    lang = validate_lang(lang)
    format_ = configured_format(fmt, options)
    if not format_.capabilities.many_articles:
        raise ToolError(f"{format_.name} writes one file per article; give -o a folder")
    chosen = _statuses_for(format_, check_statuses(statuses))
    ids = articles if articles is not None else article_ids(db, lang)
    path = check_target(path, force=overwrite)
    result = ExportResult(format_.name, lang, [str(path)])
    docs = iter_documents(db, lang, ids, chosen)
    first = next(docs, None)
    srclang = first.source_lang if first else _any_source_lang(db, lang)
    if first is not None:
        docs = itertools.chain([first], docs)

    def counted() -> Iterator[Document]:
        for doc in docs:
            result.articles += 1
            result.entries += len(doc.entries)
            yield doc

    if format_.capabilities.streams:
        with open_for_writing(path, force=overwrite) as out:
            result.entries = cast(Streaming, format_).write_many(counted(), out, srclang)
        return result
    many = cast(ManyArticles, format_)
    write_file(path, many.export_many(list(counted()), srclang, lang), force=overwrite)
    return result


def _any_source_lang(db: sqlite_utils.Database, lang: str) -> str:
    """The originals' language when there is nothing to export (for an empty file's header)."""
    row = db.execute("SELECT lang FROM articles WHERE lang != ? LIMIT 1", [lang]).fetchone()
    return row[0] if row else "ro"


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
    require_complete: bool = False,
    options: ExportOptions | None = None,
) -> ExportResult:
    """What the export command does: one article to a file, or --all to a folder or file.

    Without ``output``, files go to exports/<lang>/ (the desk's own folder, rewritten).
    A file or folder given as ``output`` must be in an existing folder, and an existing
    file there is replaced only with ``force``. The finished article (``article``
    format) reports what it lacks (``partial``); ``require_complete`` refuses it instead.
    """
    if bool(article) == every:
        raise ToolError("give an article id or --all (not both)")
    format_ = configured_format(fmt, options)
    lang = validate_lang(lang)
    if require_complete and not format_.capabilities.finished_text:
        raise InputError("--require-complete applies to --format article")
    out = Path(output) if output is not None else None
    if out is not None and not out.is_dir() and not out.parent.is_dir():
        raise InputError(f"cannot write {out}: folder {out.parent} does not exist")
    if every:
        if out is not None and out.suffix and not out.is_dir():
            return write_combined(db, lang, format_.name, out, statuses=statuses,
                                  overwrite=force, options=options)  # fmt: skip
        return write_exports(db, lang, format_.name, out, statuses=statuses,
                             overwrite=force or out is None, options=options,
                             require_complete=require_complete)  # fmt: skip
    assert article is not None
    chosen = _statuses_for(format_, check_statuses(statuses))
    result = ExportResult(format_.name, lang)
    if format_.capabilities.finished_text:
        result.partial = [p for p in [_partial(db, lang, article, chosen)] if p]
        if require_complete:
            _refuse_incomplete(result.partial, lang)
    target = out if out is not None else default_folder(lang)
    if out is None or out.is_dir():
        target = target / file_name(format_, article)
    if out is None:
        target.parent.mkdir(parents=True, exist_ok=True)
    data = export_article(db, article, lang, format_.name, statuses=statuses, options=options)
    write_file(target, data, force=force or out is None)
    result.files.append(str(target))
    result.articles = 1
    return result


__all__ = [
    "FORMATS",
    "ExportResult",
    "export",
    "export_article",
    "load_document",
    "write_combined",
    "write_exports",
]
