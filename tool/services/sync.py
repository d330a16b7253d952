"""The desk's main job: bring the database up to date with the project's files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from tool.services.importer import ARTICLE_SUFFIXES, ImportResult, import_originals
from tool.services.translations import TranslationImportResult, import_translations


@dataclass
class SyncReport:
    originals: list[ImportResult] = field(default_factory=list)
    translations: list[TranslationImportResult] = field(default_factory=list)


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
) -> SyncReport:
    """Import new or changed originals, then align new translations.

    Originals under ``root/originals`` are imported or updated (keeping translations);
    translations under ``root/translations/<lang>/`` are aligned when new; a changed
    translation whose article already has work is reported, not applied (use
    import-translation --apply). Each phase is one transaction.
    """
    report = SyncReport()
    originals = article_files(root / "originals")
    if originals:
        report.originals = import_originals(db, originals, user=user, progress=progress)
    translations = article_files(root / "translations")
    if translations:
        report.translations = import_translations(db, translations, user=user, progress=progress)
    return report


def count_files(root: Path) -> int:
    return len(article_files(root / "originals")) + len(article_files(root / "translations"))
