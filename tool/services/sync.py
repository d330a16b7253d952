"""The desk's main job: bring the database up to date with the project's files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from tool.services.importer import ARTICLE_SUFFIXES, ImportResult, import_originals


@dataclass
class SyncReport:
    originals: list[ImportResult] = field(default_factory=list)


def sync(db: sqlite_utils.Database, root: Path) -> SyncReport:
    """Import every new original under ``root/originals``."""
    report = SyncReport()
    originals = root / "originals"
    if _has_articles(originals):
        report.originals = import_originals(db, [originals])
    return report


def _has_articles(folder: Path) -> bool:
    return folder.is_dir() and any(
        p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES for p in folder.rglob("*")
    )
