"""Importing the files `sync` found changed: one transaction each, in parallel when many.

A file is read, checked and stored whole or not at all; what was read (size, mtime,
SHA-256) is recorded in ``sync_files`` so the next sync can skip it. Many files are
spread over worker processes, one per core, each with its own connection: aligning is
pure CPU and the writes are short transactions that take turns on the write lock.

A worker is this module run as a program (``python -m tool.services.sync_import``): it
reads one file to import per line on stdin and answers one JSON line per file on
stdout, and it stops when stdin closes, so it never outlives the sync that started it.
Plain processes, not multiprocessing: nothing of the caller's ``__main__`` is imported
again and no open connection is inherited.

This module imports nothing heavy at the top, so worker processes start quickly.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import selectors
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
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
    details: dict[str, Any] = field(default_factory=dict)  # counts, for a verbose listing

    @classmethod
    def of(
        cls, kind: str, path: str, result: ImportResult | TranslationImportResult
    ) -> FileOutcome:
        """The outcome of an import: its result's counts, without the texts."""
        details = {k: v for k, v in vars(result).items() if k not in _TEXTS}
        if kind == TRANSLATION:
            details["differences"] = len(result.differences)  # type: ignore[union-attr]
        elif getattr(result, "revision", None) is not None:
            details["revision"] = result.revision.counts()  # type: ignore[union-attr]
        return cls(
            kind, path, result.action, result.article_id, details.get("lang", ""), details=details
        )


_TEXTS = {"alignment", "differences", "revision"}  # left out of FileOutcome.details


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
        outcome = FileOutcome.of(ORIGINAL, str(item.path), result)
        return dataclasses.replace(outcome, lang=prepared.lang)

    def _translation(self, item: ProjectFile) -> FileOutcome:
        from tool.db.connection import transaction
        from tool.services.translations import import_translations, prepare_translation

        data, status = read_file(item.path)
        limits = self.limits
        result = import_translations(self.db, [item.path], user=self.user, limits=limits)[0]
        stored = self._stored_translation(result.article_id, result.lang)
        if result.action == "unchanged" and stored != (
            prepare_translation(item.path, limits=limits).content_hash
        ):
            # Only target-only text or metadata changed: no unit changes, so it is applied.
            result = import_translations(
                self.db, [item.path], user=self.user, apply=True, limits=limits
            )[0]
            stored = self._stored_translation(result.article_id, result.lang)
        with transaction(self.db):
            self._record(item, data, status, result.article_id, result.lang, stored, result.action)
        return FileOutcome.of(TRANSLATION, str(item.path), result)

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
    """Worker processes for ``files`` files: one per idle core when there are many.

    Cores other programs keep busy are not counted (as ``make -l`` does with the load
    average): on a busy machine extra workers only take turns with each other, and each
    rereads the pages the others changed.
    """
    if files < PARALLEL_FROM:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(round(idle_cores(cores or 1)), MAX_JOBS))


def idle_cores(cores: int, window: float = 0.2) -> float:
    """How many cores are idle now: sampled over ``window`` seconds from /proc/stat, else
    the cores less the one-minute load average."""
    import time

    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(t) for t in stat.readline().split()[1:]]
        return sum(ticks), ticks[3] + ticks[4]  # all, idle + iowait

    try:
        total, idle = sample()
        time.sleep(window)
        total2, idle2 = sample()
        return cores * (idle2 - idle) / max(1, total2 - total)
    except (OSError, ValueError, IndexError):
        try:
            return cores - os.getloadavg()[0]
        except OSError:
            return float(cores)


def import_files(
    db: sqlite_utils.Database,
    phases: Sequence[Iterable[ProjectFile]],
    *,
    user: str,
    limits: ImportLimits,
    jobs: int = 1,
    strict: bool = False,
    on_outcome: Callable[[FileOutcome], None],
) -> None:
    """Import every file, phase after phase, calling ``on_outcome`` as each is done.

    A phase starts when the one before has finished (translations after their
    originals). With ``jobs`` > 1 (and a database file), files are imported by that many
    worker processes, each handed one file at a time, so memory stays flat.
    """
    path = _database_file(db)
    if jobs <= 1 or strict or path is None:
        importer = FileImporter(db, user, limits)
        for phase in phases:
            for item in phase:
                on_outcome(importer.import_file(item, strict=strict))
        return
    with _Workers(jobs, path, user, limits) as workers:
        for phase in phases:
            workers.run(phase, on_outcome)


class _Workers:
    """Worker processes, each importing the files it is handed one at a time."""

    def __init__(self, jobs: int, path: str, user: str, limits: ImportLimits) -> None:
        import tool

        package_root = str(Path(tool.__file__).resolve().parent.parent)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [package_root, *filter(None, [os.environ.get("PYTHONPATH")])]
        )}  # fmt: skip
        command = [
            sys.executable,
            "-m",
            __name__,
            path,
            user,
            json.dumps(dataclasses.asdict(limits)),
        ]
        self.processes = [
            subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
            )
            for _ in range(jobs)
        ]

    def run(self, items: Iterable[ProjectFile], on_outcome: Callable[[FileOutcome], None]) -> None:
        """Hand out every item; return when every outcome is in."""
        queue = iter(items)
        busy: dict[int, subprocess.Popen[str]] = {}
        with selectors.DefaultSelector() as selector:
            for process in self.processes:
                assert process.stdout is not None
                selector.register(process.stdout, selectors.EVENT_READ, process)
                if self._hand_out(process, queue):
                    busy[process.pid] = process
            while busy:
                for key, _ in selector.select():
                    process = key.data
                    line = key.fileobj.readline()  # type: ignore[union-attr]
                    if not line:
                        raise ToolError(f"a sync worker stopped (exit status {process.wait()})")
                    on_outcome(_outcome_from_json(line))
                    if not self._hand_out(process, queue):
                        del busy[process.pid]

    @staticmethod
    def _hand_out(process: subprocess.Popen[str], queue: Iterator[ProjectFile]) -> bool:
        item = next(queue, None)
        if item is None:
            return False
        assert process.stdin is not None
        process.stdin.write(json.dumps({"path": str(item.path), "kind": item.kind}) + "\n")
        process.stdin.flush()
        return True

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        for process in self.processes:  # closing stdin ends a worker after its file
            if process.stdin:
                process.stdin.close()
        for process in self.processes:
            process.wait()
            if process.stdout:
                process.stdout.close()


def _outcome_from_json(line: str) -> FileOutcome:
    return FileOutcome(**json.loads(line))


def _database_file(db: sqlite_utils.Database) -> str | None:
    """The database's file, or None for an in-memory one."""
    for _, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return file or None
    return None


def _work(path: str, user: str, limits: str) -> None:
    """A worker: import the files named on stdin, one JSON outcome per line on stdout."""
    from tool.db.connection import import_sqlite_utils, open_database
    from tool.services.importer import ImportLimits

    import_sqlite_utils()
    importer = FileImporter(open_database(path), user, ImportLimits(**json.loads(limits)))
    for line in sys.stdin:
        item = json.loads(line)
        outcome = importer.import_file(ProjectFile(Path(item["path"]), item["kind"]))
        sys.stdout.write(json.dumps(dataclasses.asdict(outcome)) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _work(*sys.argv[1:4])
