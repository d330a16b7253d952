"""The desk's main job: bring the database up to date with the project's files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from tool.db.connection import transaction
from tool.services.exports import ExportResult, write_exports
from tool.services.importer import ARTICLE_SUFFIXES, ImportResult, import_originals
from tool.services.translations import TranslationImportResult, import_translations

DEFAULT_EXPORTS = ("html", "tmx")


@dataclass
class SyncReport:
    originals: list[ImportResult] = field(default_factory=list)
    translations: list[TranslationImportResult] = field(default_factory=list)
    exports: list[ExportResult] = field(default_factory=list)


def article_files(folder: Path) -> list[Path]:
    """The article files under a folder (none if it does not exist)."""
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
    )


def sync(
    db: sqlite_utils.Database,
    root: Path,
    *,
    user: str = "sync",
    progress: Callable[[Path], None] | None = None,
    exports: Sequence[str] = DEFAULT_EXPORTS,
) -> SyncReport:
    """Import new or changed originals, align new translations, write the exports.

    Originals under ``root/originals`` are imported or updated (keeping translations);
    translations under ``root/translations/<lang>/`` are aligned when new; a changed
    translation whose article already has work is reported, not applied (use
    import-translation --apply). Both are one transaction: a bad file anywhere changes
    nothing. Then every format in
    ``exports`` is written for every target language into ``root/exports/<lang>/``.
    """
    report = SyncReport()
    originals = article_files(root / "originals")
    translations = article_files(root / "translations")
    with transaction(db):  # all or nothing: a bad translation file keeps the originals out too
        if originals:
            report.originals = import_originals(db, originals, user=user, progress=progress)
        if translations:
            report.translations = import_translations(
                db, translations, user=user, progress=progress
            )
    for lang in target_languages(db):
        for fmt in exports:
            report.exports.append(write_exports(db, lang, fmt, root / "exports" / lang))
    return report


def target_languages(db: sqlite_utils.Database) -> list[str]:
    """The languages the desk translates into: those with units."""
    return [row[0] for row in db.execute("SELECT DISTINCT lang FROM units ORDER BY lang")]


def count_files(root: Path) -> int:
    return len(article_files(root / "originals")) + len(article_files(root / "translations"))
