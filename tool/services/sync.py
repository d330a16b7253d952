"""The desk's main job: bring the database and the exports up to date with the project's files.

Incremental. A file whose size, mtime and SHA-256 match what the last sync imported (and
whose article the database still holds as that import left it) is not read again; only
the articles whose rows changed since the last export are written again, with the index
page when any did, and TMX only when approvals changed (see :mod:`sync_exports`).

Each file is all or nothing: a bad file is reported and the others are imported. With
``strict`` the whole import is one transaction and the first bad file stops it, changing
nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from tool.core.article import FRONT_MATTER_FENCE, parse_article
from tool.core.normalize import normalise_text
from tool.db.connection import transaction
from tool.errors import InputError, ToolError
from tool.services.importer import ARTICLE_SUFFIXES, ImportLimits
from tool.services.sync_import import (
    ORIGINAL,
    TRANSLATION,
    FileOutcome,
    ProjectFile,
    default_jobs,
    failed,
    import_files,
)
from tool.services.users import REVIEWING_ROLES, require_user

if TYPE_CHECKING:
    from tool.services.exports import ExportResult

DEFAULT_EXPORTS = ("html", "tmx")

__all__ = [
    "DEFAULT_EXPORTS",
    "ORIGINAL",
    "TRANSLATION",
    "FileOutcome",
    "SyncPlan",
    "SyncReport",
    "plan_sync",
    "sync",
]


@dataclass
class SyncPlan:
    """The files sync must read; the others are unchanged since the last sync."""

    root: Path
    originals: list[ProjectFile] = field(default_factory=list)
    translations: list[ProjectFile] = field(default_factory=list)
    unchanged: Counter[str] = field(default_factory=Counter)  # kind -> files skipped
    differs: list[str] = field(default_factory=list)  # skipped translations still differing
    owners: dict[str, str] = field(default_factory=dict)  # article id -> its unchanged file
    gone: list[str] = field(default_factory=list)  # recorded files no longer on disk

    @property
    def files(self) -> int:
        """How many files sync will read."""
        return len(self.originals) + len(self.translations)


@dataclass
class SyncReport:
    """Counts per action, the bad files (one line each) and what was exported."""

    originals: Counter[str] = field(default_factory=Counter)
    translations: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    differs: list[str] = field(default_factory=list)  # "article [lang]" not applied
    exports: list[ExportResult] = field(default_factory=list)
    articles: int = 0  # articles in the desk afterwards


def article_files(folder: Path) -> list[Path]:
    """The article files under a folder (none if it does not exist), in a stable order."""
    found: list[Path] = []

    def walk(directory: str) -> None:
        try:
            entries = list(os.scandir(directory))
        except (FileNotFoundError, NotADirectoryError):
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path)
            elif os.path.splitext(entry.name)[1].lower() in ARTICLE_SUFFIXES and entry.is_file():
                found.append(Path(entry.path))

    walk(str(folder))
    return sorted(found)


def project_files(root: Path) -> list[ProjectFile]:
    """Every original, then every translation, with absolute paths."""
    base = root.resolve()
    return [
        ProjectFile(path, kind)
        for kind, folder in ((ORIGINAL, "originals"), (TRANSLATION, "translations"))
        for path in article_files(base / folder)
    ]


def plan_sync(db: sqlite_utils.Database, root: Path) -> SyncPlan:
    """Which files changed since the last sync (read-only).

    A file is unchanged when its size, mtime and SHA-256 are those recorded when it was
    imported and the database still holds the content hash that import left.
    """
    plan = SyncPlan(root)
    states = {row["path"]: row for row in db.query("SELECT * FROM sync_files")}
    stored = {
        (ORIGINAL, row[0], ""): row[1]
        for row in db.execute("SELECT id, content_hash FROM articles")
    }
    stored.update(
        ((TRANSLATION, row[0], row[1]), row[2])
        for row in db.execute("SELECT article_id, lang, content_hash FROM translations")
    )
    present = set()
    for item in project_files(root):
        key = str(item.path)
        present.add(key)
        state = states.get(key)
        if state is not None and state["kind"] == item.kind and _unchanged(item.path, state):
            lang = state["lang"] if item.kind == TRANSLATION else ""
            held = stored.get((item.kind, state["article_id"], lang))
            if held is not None and held == state["stored_hash"]:
                plan.unchanged[item.kind] += 1
                if item.kind == ORIGINAL:
                    plan.owners[state["article_id"]] = key
                elif state["action"] == "differs":
                    plan.differs.append(f"{state['article_id']} [{state['lang']}]")
                continue
        (plan.originals if item.kind == ORIGINAL else plan.translations).append(item)
    base = str(root.resolve())
    folders = tuple(os.path.join(base, name) + os.sep for name in ("originals", "translations"))
    plan.gone = [path for path in states if path.startswith(folders) and path not in present]
    return plan


def _unchanged(path: Path, state: dict[str, Any]) -> bool:
    try:
        status = path.stat()
        if status.st_size != state["size"] or status.st_mtime_ns != state["mtime_ns"]:
            return False
        return hashlib.sha256(path.read_bytes()).hexdigest() == state["sha256"]
    except OSError:
        return False


def sync(
    db: sqlite_utils.Database,
    root: Path,
    *,
    user: str = "sync",
    exports: Sequence[str] = DEFAULT_EXPORTS,
    strict: bool = False,
    limits: ImportLimits | None = None,
    jobs: int | None = None,
    plan: SyncPlan | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
) -> SyncReport:
    """Import new or changed originals, align new translations, write what changed.

    Originals under ``root/originals`` are imported or updated (keeping translations);
    translations under ``root/translations/<lang>/`` are aligned when new; a changed
    translation whose article already has work is reported, not applied (use
    import-translation --apply), unless only its target-only text or metadata changed.
    Each file is its own transaction; a bad file is reported in ``errors`` and the rest
    go on. With ``strict`` every import is one transaction and a bad file raises,
    changing nothing. ``jobs``: worker processes (default: one per core for large
    imports). Then every format in ``exports`` is brought up to date for every target
    language in ``root/exports/<lang>/``. ``on_file`` hears about every file read.
    """
    require_user(db, user, roles=REVIEWING_ROLES)
    limits = limits or ImportLimits.from_env()
    plan = plan or plan_sync(db, root)
    report = SyncReport(differs=list(plan.differs))
    for kind, counts in ((ORIGINAL, report.originals), (TRANSLATION, report.translations)):
        if plan.unchanged[kind]:
            counts["unchanged"] = plan.unchanged[kind]

    def count(outcome: FileOutcome) -> None:
        counts = report.originals if outcome.kind == ORIGINAL else report.translations
        counts[outcome.action] += 1
        if outcome.error:
            report.errors.append(outcome.error)
        if outcome.action == "differs":
            report.differs.append(f"{outcome.article_id} [{outcome.lang}]")
        if on_file:
            on_file(outcome)

    workers = jobs if jobs is not None else default_jobs(plan.files)
    options: dict[str, Any] = {"user": user, "limits": limits, "strict": strict, "jobs": workers}
    with transaction(db) if strict else nullcontext():  # --strict: all or nothing
        originals = _without_duplicate_ids(plan, count, strict)
        import_files(db, [originals, plan.translations], on_outcome=count, **options)
    if plan.gone:
        with transaction(db):
            db.conn.executemany("DELETE FROM sync_files WHERE path = ?", [(p,) for p in plan.gone])
    if exports:
        from tool.services.sync_exports import export_changes

        report.exports = export_changes(db, root / "exports", exports)
    report.errors.sort()  # workers finish in any order
    report.articles = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    return report


def _without_duplicate_ids(
    plan: SyncPlan, count: Callable[[FileOutcome], None], strict: bool
) -> list[ProjectFile]:
    """The changed originals, less those claiming an article id another file holds.

    Two files with one id would overwrite each other's article on every sync; the first
    (the unchanged one, else the first in order) keeps it and the other is a bad file.
    """
    owners = dict(plan.owners)
    kept = []
    for item in plan.originals:
        claimed = _claimed_id(item.path)
        owner = owners.get(claimed) if claimed else None
        if owner is not None and owner != str(item.path):
            message = f"{item.path}: article id {claimed!r} is also used by {owner}"
            if strict:
                raise InputError(message)
            count(failed(item, message))
            continue
        if claimed:
            owners[claimed] = str(item.path)
        kept.append(item)
    return kept


def _claimed_id(path: Path) -> str:
    """The article id a file's front matter gives (its name for plain text); "" if unreadable.

    A quick look: the import reads and checks the file properly.
    """
    if path.suffix.lower() == ".txt":
        return path.stem
    try:
        text = path.read_text(encoding="utf-8")
        if not text.lstrip("\ufeff").startswith(FRONT_MATTER_FENCE):
            return ""
        return normalise_text(parse_article(text, str(path)).meta.get("id", ""))
    except (OSError, UnicodeError, ToolError):  # the import reports what is wrong
        return ""
