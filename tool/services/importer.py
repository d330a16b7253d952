"""Importing original articles: files -> articles -> segments, all or nothing."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from tool.clock import stamp
from tool.core.article import (
    Article,
    Sentence,
    article_from_text,
    read_text_file,
    split_article,
)
from tool.core.locale import validate_lang
from tool.core.normalize import count_words, normalise_text, refuse_controls
from tool.db.connection import transaction
from tool.errors import InputError, ToolError
from tool.services.leases import ensure_units
from tool.services.pretranslate import pretranslate
from tool.services.resegment import corrected, corrections
from tool.services.revisions import Revision, apply_revision, plan_revision, segment_row
from tool.services.users import REVIEWING_ROLES, require_user

ARTICLE_SUFFIXES = (".md", ".txt")
ARTICLE_ID = re.compile(r"[\w][\w.-]*")
# Exports name their aggregate files index.html and all.tmx: no article may take those names.
RESERVED_IDS = frozenset({"index", "all"})
MAX_FILE_MB_ENV_VAR = "DESK_MAX_FILE_MB"
MAX_SEGMENTS_ENV_VAR = "DESK_MAX_SEGMENTS"


@dataclass(frozen=True)
class ImportLimits:
    """How big an imported file may be; generous defaults, set by option or environment."""

    max_file_mb: float = 10.0  # a long feature is ~0.1 MB of text
    max_segments: int = 10_000  # a long feature is ~500 sentences

    @classmethod
    def from_env(cls) -> ImportLimits:
        """The limits from $DESK_MAX_FILE_MB and $DESK_MAX_SEGMENTS (defaults if unset)."""
        default = cls()
        try:
            return cls(
                max_file_mb=float(os.environ.get(MAX_FILE_MB_ENV_VAR) or default.max_file_mb),
                max_segments=int(os.environ.get(MAX_SEGMENTS_ENV_VAR) or default.max_segments),
            )
        except ValueError:
            raise InputError(
                f"${MAX_FILE_MB_ENV_VAR} and ${MAX_SEGMENTS_ENV_VAR} must be numbers"
            ) from None

    def check_size(self, path: Path, size: int) -> None:
        """InputError if a file of ``size`` bytes is over the limit."""
        if size > self.max_file_mb * 1_000_000:
            raise InputError(
                f"{path}: the file is {size / 1_000_000:.1f} MB, over the limit of "
                f"{self.max_file_mb:g} MB (raise it with ${MAX_FILE_MB_ENV_VAR})"
            )

    def check_segments(self, path: Path, count: int) -> None:
        """InputError if an article of ``count`` segments is over the limit."""
        if count > self.max_segments:
            raise InputError(
                f"{path}: the article has {count:,} segments, over the limit of "
                f"{self.max_segments:,} (raise it with ${MAX_SEGMENTS_ENV_VAR})"
            )


@dataclass(frozen=True)
class PreparedArticle:
    """An article read, validated and segmented, ready to be stored."""

    path: Path
    meta: dict[str, str]
    sentences: list[Sentence]
    content_hash: str

    @property
    def id(self) -> str:
        return self.meta["id"]

    @property
    def lang(self) -> str:
        return self.meta["lang"]


@dataclass
class ImportResult:
    article_id: str
    path: str
    action: str  # "imported", "updated" or "unchanged"
    segments: int
    words: int
    revision: Revision | None = None  # what an update changes


def find_article_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into article files (.md, .txt), in a stable order."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
            )
            if not files:
                raise InputError(f"{path}: no article files (.md, .txt) in this folder")
            found.extend(files)
        elif path.exists():
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    if not found:
        raise InputError("no files given")
    return found


def content_hash(meta: dict[str, str], sentences: list[Sentence]) -> str:
    """A hash of what an import stores: metadata and segments (not the file's bytes)."""
    payload = json.dumps(
        [meta, [(s.paragraph, s.kind, s.text) for s in sentences]], ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def read_article(
    path: Path, *, data: bytes | None = None, limits: ImportLimits | None = None, **meta: str
) -> Article:
    """Read an article file (Markdown with front matter, or plain text with ``meta``).

    The file's size and its text are checked on the way in: over the limits, not UTF-8
    or holding a control character (named with its line) is an InputError. ``data``:
    the file's bytes when the caller has read them already.
    """
    limits = limits or ImportLimits.from_env()
    if data is None:
        try:
            limits.check_size(path, path.stat().st_size)
        except OSError:
            pass  # reading it says what is wrong
        text = read_text_file(path)
    else:
        limits.check_size(path, len(data))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise InputError(f"{path}: not valid UTF-8 (line {line})") from None
    refuse_controls(text, str(path))
    for key, value in meta.items():
        refuse_controls(value or "", f"{path}: {key}")
    return article_from_text(text, str(path), plain=path.suffix.lower() == ".txt", **meta)


def prepare_article(
    path: Path,
    *,
    required: tuple[str, ...] = ("id", "lang"),
    data: bytes | None = None,
    limits: ImportLimits | None = None,
    **meta: str,
) -> tuple[Article, dict[str, str], list[Sentence]]:
    """Read, normalise, validate and segment one article file; raise InputError on bad input."""
    limits = limits or ImportLimits.from_env()
    if path.suffix.lower() == ".txt" and not meta.get("id"):
        meta = {**meta, "id": path.stem}
    article = read_article(path, data=data, limits=limits, **meta)
    clean = {key: normalise_text(value) for key, value in article.meta.items()}
    for key in required:
        if not clean.get(key):
            raise InputError(f"{path}: front matter has no {key}")
    try:
        clean["lang"] = validate_lang(clean["lang"])
    except ToolError as error:
        raise InputError(f"{path}: {error}") from None
    for key in ("id", "original"):
        if clean.get(key) and not ARTICLE_ID.fullmatch(clean[key]):
            raise InputError(
                f"{path}: {key} {clean[key]!r} is not an article id "
                "(letters, digits, '-', '_' and '.')"
            )
    if clean.get("published") and not _is_date(clean["published"]):
        raise InputError(f"{path}: published {clean['published']!r} is not a date (YYYY-MM-DD)")
    sentences = split_article(article, clean["lang"])
    if not any(s.kind != "title" for s in sentences):
        raise InputError(f"{path}: the article has no text")
    limits.check_segments(path, len(sentences))
    return article, clean, sentences


def _is_date(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value[:10])
    except ValueError:
        return False
    return len(value) == 10 or value[10] in "T "


def prepare_original(
    path: Path, *, data: bytes | None = None, limits: ImportLimits | None = None, **meta: str
) -> PreparedArticle:
    """Read and check one original article file."""
    extra: dict[str, Any] = meta  # (str values only: typed so, mypy lets them pass as **)
    _, clean, sentences = prepare_article(path, data=data, limits=limits, **extra)
    if clean.get("original"):
        raise InputError(
            f"{path}: this is a translation of {clean['original']!r}; "
            "import it with import-translation"
        )
    if clean["id"].casefold() in RESERVED_IDS:
        raise InputError(
            f"{path}: article id {clean['id']!r} is reserved (exports name their lists of "
            "every article index.html and all.tmx); choose another id"
        )
    return PreparedArticle(path, clean, sentences, content_hash(clean, sentences))


def import_originals(
    db: sqlite_utils.Database,
    paths: Iterable[str | Path],
    *,
    user: str = "import",
    dry_run: bool = False,
    progress: Callable[[Path], None] | None = None,
    **meta: str,
) -> list[ImportResult]:
    """Import original articles from files or folders, in one transaction.

    Every file is read and checked before anything is written; one bad file means nothing
    is imported. An article imported before and changed since is updated without losing
    translations (see tool.services.revisions). With ``dry_run`` nothing is written and
    the results say what would change. ``meta`` fills what plain-text files lack;
    ``progress`` is called with each file once it is read.
    """
    require_user(db, user, roles=REVIEWING_ROLES)
    prepared = []
    extra: dict[str, Any] = meta  # (str values only: typed so, mypy lets them pass as **)
    for path in find_article_files(paths):
        prepared.append(prepare_original(path, **extra))
        if progress:
            progress(path)
    seen: dict[str, Path] = {}
    for item in prepared:
        if item.id in seen:
            raise InputError(f"{item.path}: article id {item.id!r} is also used by {seen[item.id]}")
        seen[item.id] = item.path
    if dry_run:
        return [store_original(db, item, user, dry_run=True) for item in prepared]
    with transaction(db):
        return [store_original(db, item, user) for item in prepared]


def store_original(
    db: sqlite_utils.Database, item: PreparedArticle, user: str, *, dry_run: bool = False
) -> ImportResult:
    """Store one checked original (new, updated or unchanged); run it in a transaction."""
    words = sum(count_words(s.text) for s in item.sentences)
    existing = db.execute(
        "SELECT content_hash, lang FROM articles WHERE id = ?", [item.id]
    ).fetchone()
    if existing is not None and existing[1] != item.lang:
        raise InputError(
            f"{item.path}: article {item.id!r} is written in {existing[1]}, this file is in "
            f"{item.lang} (a translation? use import-translation)"
        )
    result = ImportResult(item.id, str(item.path), "imported", len(item.sentences), words)
    if existing is not None and existing[0] == item.content_hash:
        result.action = "unchanged"
        return result
    if existing is not None:
        result.action = "updated"
        # The editors' joins and splits of this article's segments apply again.
        sentences = corrected(item.sentences, corrections(db, item.id))
        result.segments = len(sentences)
        result.revision, plan = plan_revision(db, item.id, sentences)
        if not dry_run:
            apply_revision(db, item.id, sentences, plan, user)
            db.table("articles").update(item.id, _article_row(item, stamp(), new=False))
            if result.revision.added:
                _units_for_new_segments(db, item.id, result.revision, user)
        return result
    if not dry_run:
        now = stamp()
        _insert(db, "articles", [_article_row(item, now, new=True)])
        _insert(
            db, "segments", [segment_row(item.id, n, s, now) for n, s in enumerate(item.sentences)]
        )
    return result


def _insert(db: sqlite_utils.Database, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert rows (all with the same keys) in one executemany: no per-row introspection."""
    columns = list(rows[0])
    db.conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join(':' + c for c in columns)})",
        rows,
    )


def _units_for_new_segments(
    db: sqlite_utils.Database, article_id: str, revision: Revision, user: str
) -> None:
    """Give new segments a ``new`` unit in every language the article is translated into,
    filled from the memory where it has an exact or context match."""
    languages = [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT u.lang FROM units u JOIN segments s ON s.id = u.segment_id "
            "WHERE s.article_id = ? ORDER BY u.lang",
            [article_id],
        )
    ]
    for lang in languages:
        revision.new_units += len(ensure_units(db, article_id, lang, user, stamp()))
        revision.pretranslated += pretranslate(db, article_id, lang, user=user).exact


def _article_row(item: PreparedArticle, now: str, *, new: bool) -> dict[str, str]:
    meta = item.meta
    row = {
        "id": item.id,
        "lang": item.lang,
        "title": meta.get("title", ""),
        "section": meta.get("section", ""),
        "author": meta.get("author", ""),
        "source": meta.get("source", ""),
        "published": meta.get("published", ""),
        "meta": json.dumps(meta, ensure_ascii=False),
        "path": str(item.path),
        "content_hash": item.content_hash,
        "updated_at": now,
    }
    if new:
        row["imported_at"] = now
    return row
