"""Importing the files `sync` found changed: one transaction each, in parallel when many.

A file is read, checked and stored whole or not at all; what was read (size, mtime,
SHA-256) is recorded in ``sync_files`` so the next sync can skip it. Many files are
spread over worker processes, one per core, each with its own connection: aligning is
pure CPU and the writes are short transactions that take turns on the write lock.

This module imports nothing heavy at the top, so worker processes start quickly.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tool.errors import InputError, ToolError

if TYPE_CHECKING:
    import sqlite_utils

    from tool.services.importer import ImportLimits, ImportResult
    from tool.services.translations import TranslationImportResult

ORIGINAL = "original"
TRANSLATION = "translation"
PARALLEL_FROM = 100  # files; fewer are imported in this process
MAX_JOBS = 8


@dataclass(frozen=True)
class ProjectFile:
    """One article file found under originals/ or translations/."""

    path: Path  # absolute
    kind: str  # ORIGINAL or TRANSLATION


@dataclass(frozen=True)
class FileOutcome:
    """What sync did with one file it had to read."""

    kind: str
    path: str
    action: str  # imported, updated, aligned, differs, unchanged, or "error"
    article_id: str = ""
    lang: str = ""
    error: str = ""  # the one-line message of a bad file
    differences: int = 0  # units a changed translation would change (not applied)
    result: ImportResult | TranslationImportResult | None = None  # for a verbose listing


def read_file(path: Path) -> tuple[bytes, os.stat_result]:
    """A file's bytes and its status, from the same open file."""
    try:
        with path.open("rb") as handle:
            return handle.read(), os.fstat(handle.fileno())
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None


class FileImporter:
    """Imports changed files one at a time, each in its own transaction."""

    def __init__(self, db: sqlite_utils.Database, user: str, limits: ImportLimits) -> None:
        self.db = db
        self.user = user
        self.limits = limits

    def import_file(self, item: ProjectFile, *, strict: bool = False) -> FileOutcome:
        """Import one file; a bad file is an ``error`` outcome (raised with ``strict``)."""
        try:
            if item.kind == ORIGINAL:
                return self._original(item)
            return self._translation(item)
        except ToolError as error:
            if strict:
                raise
            return failed(item, str(error))

    def _original(self, item: ProjectFile) -> FileOutcome:
        from tool.db.connection import transaction
        from tool.services.importer import prepare_original, store_original

        data, status = read_file(item.path)
        prepared = prepare_original(item.path, data=data, limits=self.limits)
        with transaction(self.db):
            result = store_original(self.db, prepared, self.user)
            self._record(item, data, status, prepared.id, "", prepared.content_hash, result.action)
        return FileOutcome(
            ORIGINAL, str(item.path), result.action, prepared.id, prepared.lang, result=result
        )

    def _translation(self, item: ProjectFile) -> FileOutcome:
        from tool.db.connection import transaction
        from tool.services.translations import import_translations, prepare_translation

        data, status = read_file(item.path)
        limits: dict[str, Any] = {"limits": self.limits}  # passed on to prepare_article
        result = import_translations(self.db, [item.path], user=self.user, **limits)[0]
        stored = self._stored_translation(result.article_id, result.lang)
        if result.action == "unchanged" and stored != (
            prepare_translation(item.path, **limits).content_hash
        ):
            # Only target-only text or metadata changed: no unit changes, so it is applied.
            result = import_translations(
                self.db, [item.path], user=self.user, apply=True, **limits
            )[0]
            stored = self._stored_translation(result.article_id, result.lang)
        with transaction(self.db):
            self._record(item, data, status, result.article_id, result.lang, stored, result.action)
        differences = len(result.differences)
        result = dataclasses.replace(result, alignment=[], differences=[])
        return FileOutcome(
            TRANSLATION,
            str(item.path),
            result.action,
            result.article_id,
            result.lang,
            differences=differences,
            result=result,
        )

    def _stored_translation(self, article_id: str, lang: str) -> str | None:
        row = self.db.execute(
            "SELECT content_hash FROM translations WHERE article_id = ? AND lang = ?",
            [article_id, lang],
        ).fetchone()
        return row[0] if row else None

    def _record(
        self,
        item: ProjectFile,
        data: bytes,
        status: os.stat_result,
        article_id: str,
        lang: str,
        stored_hash: str | None,
        action: str,
    ) -> None:
        from tool.clock import stamp

        self.db.execute(
            "INSERT OR REPLACE INTO sync_files (path, kind, size, mtime_ns, sha256, article_id, "
            "lang, stored_hash, action, synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                str(item.path),
                item.kind,
                status.st_size,
                status.st_mtime_ns,
                hashlib.sha256(data).hexdigest(),
                article_id,
                lang,
                stored_hash,
                action,
                stamp(),
            ],
        )


def failed(item: ProjectFile, message: str) -> FileOutcome:
    """The outcome of a bad file: one line that starts with its path."""
    if not message.startswith(str(item.path)):
        message = f"{item.path}: {message}"
    return FileOutcome(item.kind, str(item.path), "error", error=message)


def default_jobs(files: int) -> int:
    """Worker processes for ``files`` files: one per usable core when there are many."""
    if files < PARALLEL_FROM:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_JOBS))


def import_files(
    db: sqlite_utils.Database,
    items: Iterable[ProjectFile],
    *,
    user: str,
    limits: ImportLimits,
    jobs: int = 1,
    strict: bool = False,
    on_outcome: Callable[[FileOutcome], None],
) -> None:
    """Import every file, calling ``on_outcome`` with each outcome in the files' order.

    With ``jobs`` > 1 (and a database file), files are imported by that many worker
    processes; a few files at a time are in flight, so memory stays flat.
    """
    path = _database_file(db)
    if jobs <= 1 or strict or path is None:
        importer = FileImporter(db, user, limits)
        for item in items:
            on_outcome(importer.import_file(item, strict=strict))
        return
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")  # a fresh process: no inherited connection
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_start_worker,
        initargs=(path, user, limits),
    ) as pool:
        pending: deque[Future[FileOutcome]] = deque()
        try:
            for item in items:
                pending.append(pool.submit(_import_in_worker, item))
                if len(pending) >= 4 * jobs:
                    on_outcome(pending.popleft().result())
            while pending:
                on_outcome(pending.popleft().result())
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _database_file(db: sqlite_utils.Database) -> str | None:
    """The database's file, or None for an in-memory one."""
    for _, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return file or None
    return None


_worker: FileImporter | None = None


def _start_worker(path: str, user: str, limits: ImportLimits) -> None:
    """In a worker process: open the database once."""
    global _worker
    from tool.db.connection import import_sqlite_utils, open_database

    import_sqlite_utils()
    _worker = FileImporter(open_database(path), user, limits)


def _import_in_worker(item: ProjectFile) -> FileOutcome:
    assert _worker is not None, "worker not started"
    return _worker.import_file(item)
