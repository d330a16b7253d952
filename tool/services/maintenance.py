"""Backups, restores and integrity checks of the desk database.

Backups and restores are for admins. A restore checks what it brings in as ``check``
checks the live database: SQLite's integrity, the schema version, the append-only
triggers, at least one admin, and a history whose chain and times hold.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from tool.db.history import ChainReport, verify_chain
from tool.db.migrations import schema_version
from tool.errors import ConflictError, InputError, ToolError
from tool.services.units import STATUSES
from tool.services.users import require_user, users_history_problems

ADMINS = ("admin",)
TRIGGERS = ("events_no_update", "events_no_delete")


def backup(db: sqlite_utils.Database, path: str | Path, *, user: str, force: bool = False) -> Path:
    """Copy the database to ``path`` with SQLite's online backup (safe while others write).

    Admins only. The copy is written to a new temporary file beside ``path`` (readable by
    its owner only) and renamed over it once complete.
    """
    require_user(db, user, roles=ADMINS)
    target = Path(path)
    if not target.parent.is_dir():
        raise InputError(f"cannot write {target}: folder {target.parent} does not exist")
    if (target.exists() or target.is_symlink()) and not force:
        raise ConflictError(f"{target} already exists; use --force to overwrite it")
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    try:
        dest = sqlite3.connect(tmp_name)
        try:
            db.conn.backup(dest)
        finally:
            dest.close()
        os.replace(tmp_name, target)
    except OSError as error:
        raise ToolError(f"cannot write {target}: {error.strerror or error}") from None
    finally:
        Path(tmp_name).unlink(missing_ok=True)
    return target


def restore(db: sqlite_utils.Database, path: str | Path, *, user: str, force: bool = False) -> None:
    """Replace the database's content with a backup, after checking the backup is sound.

    Admins only. The backup is copied aside and brought up to this tool's schema first;
    anything ``check`` would report about it (a broken history chain, missing triggers,
    no admin...) refuses the restore and leaves the database as it was.
    """
    require_user(db, user, roles=ADMINS)
    source_path = Path(path)
    if not source_path.is_file():
        raise InputError(f"{source_path}: no such file")
    from tool.db.connection import open_database

    with tempfile.TemporaryDirectory() as folder:
        copy_path = Path(folder) / "restore.db"
        try:
            source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
            try:
                tables = {
                    r[0]
                    for r in source.execute("SELECT name FROM sqlite_master WHERE type='table'")
                }
                ok = source.execute("PRAGMA integrity_check").fetchone()[0]
                if "_sqlite_migrations" not in tables:
                    raise InputError(f"{source_path}: not a desk database")
                if ok != "ok":
                    raise InputError(f"{source_path}: the backup is damaged ({ok})")
                copy = sqlite3.connect(copy_path)
                source.backup(copy)
                copy.close()
            finally:
                source.close()
        except sqlite3.DatabaseError:
            raise InputError(f"{source_path}: not a desk database") from None
        try:
            incoming = open_database(copy_path)  # migrated forward like any older desk
        except ToolError as error:
            raise InputError(f"{source_path}: {error}") from None
        try:
            problems = soundness_problems(incoming)
            if problems:
                raise InputError(f"{source_path}: refused, {problems[0]}")
            has_data = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] > 0
            if has_data and not force:
                raise ConflictError(
                    "the database holds articles; use --force to replace it with the backup"
                )
            incoming.conn.backup(db.conn)
        finally:
            incoming.close()


def soundness_problems(db: sqlite_utils.Database, chain: ChainReport | None = None) -> list[str]:
    """What makes a database unfit to trust: schema, triggers, admins, the history chain
    (``chain``: its report when the caller has walked it already)."""
    problems = []
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version != schema_version():
        problems.append(f"schema version {version}, expected {schema_version()}")
    triggers = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    for name in TRIGGERS:
        if name not in triggers:
            problems.append(f"the history's append-only trigger {name} is missing")
    users = db.execute("SELECT COUNT(*), SUM(role = 'admin') FROM users").fetchone()
    if users[0] and not users[1]:
        problems.append("no admin among the registered users")
    chain = chain or verify_chain(db)
    if chain.problem:
        problems.append(f"history: {chain.problem}")
    problems += users_history_problems(db)
    return problems


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    events: int = 0
    head: str = ""  # the history's head hash: note it with your backups

    @property
    def ok(self) -> bool:
        return not self.problems


# Each invariant: a description and a query returning one row per offending record.
INVARIANTS: list[tuple[str, str]] = [
    (
        "unit {0} points to missing segment {1}",
        "SELECT u.id, u.segment_id FROM units u LEFT JOIN segments s ON s.id = u.segment_id "
        "WHERE s.id IS NULL",
    ),
    (
        "unit {0} has illegal status {1!r}",
        f"SELECT id, status FROM units WHERE status NOT IN ({','.join(repr(s) for s in STATUSES)})",
    ),
    (
        "unit {0} ({1}) has no history",
        "SELECT u.id, u.status FROM units u WHERE (u.status != 'new' OR u.text != '') "
        "AND NOT EXISTS (SELECT 1 FROM events e WHERE e.unit_id = u.id)",
    ),
    (
        "unit {0}: its last history event says status {1!r}, the unit says {2!r}",
        "SELECT u.id, e.new_status, u.status FROM units u JOIN events e ON e.id = "
        "(SELECT MAX(id) FROM events WHERE unit_id = u.id) WHERE e.new_status IS NOT NULL "
        "AND e.new_status != u.status",
    ),
    (
        "unit {0}: its last history event says text {1!r}, the unit says {2!r}",
        "SELECT u.id, e.new_text, u.text FROM units u JOIN events e ON e.id = "
        "(SELECT MAX(id) FROM events WHERE unit_id = u.id) WHERE e.new_text IS NOT NULL "
        "AND e.new_text != u.text",
    ),
    (
        "unit {0} is joined to unit {1}, which is not a head unit of the same article and language",
        "SELECT u.id, u.joined_to FROM units u LEFT JOIN units h ON h.id = u.joined_to "
        "LEFT JOIN segments su ON su.id = u.segment_id "
        "LEFT JOIN segments sh ON sh.id = h.segment_id "
        "WHERE u.joined_to IS NOT NULL AND (h.id IS NULL OR h.joined_to IS NOT NULL "
        "OR h.lang != u.lang OR su.article_id != sh.article_id)",
    ),
    (
        "unit {0} is joined to unit {1} but has status {2!r}, the bead has {3!r}",
        "SELECT u.id, h.id, u.status, h.status FROM units u JOIN units h ON h.id = u.joined_to "
        "JOIN segments su ON su.id = u.segment_id JOIN segments sh ON sh.id = h.segment_id "
        "WHERE u.status != h.status AND su.obsolete = 0 AND sh.obsolete = 0",
    ),
    (
        "unit {0}'s segment is live but its bead's head, unit {1}, is obsolete",
        "SELECT u.id, h.id FROM units u JOIN units h ON h.id = u.joined_to "
        "JOIN segments su ON su.id = u.segment_id JOIN segments sh ON sh.id = h.segment_id "
        "WHERE su.obsolete = 0 AND sh.obsolete = 1",
    ),
    (
        "event {0} points to missing unit {1}",
        "SELECT e.id, e.unit_id FROM events e LEFT JOIN units u ON u.id = e.unit_id "
        "WHERE e.unit_id IS NOT NULL AND u.id IS NULL",
    ),
    (
        "lease on missing unit {0}",
        "SELECT l.unit_id FROM leases l LEFT JOIN units u ON u.id = l.unit_id WHERE u.id IS NULL",
    ),
    (
        "segment {0} points to missing article {1!r}",
        "SELECT s.id, s.article_id FROM segments s LEFT JOIN articles a ON a.id = s.article_id "
        "WHERE a.id IS NULL",
    ),
    (
        "article {0!r} has {1} live segments at position {2}",
        "SELECT article_id, COUNT(*), seq FROM segments WHERE obsolete = 0 "
        "GROUP BY article_id, seq HAVING COUNT(*) > 1",
    ),
    (
        "article {0!r} has no live segment",
        "SELECT a.id FROM articles a WHERE NOT EXISTS "
        "(SELECT 1 FROM segments s WHERE s.article_id = a.id AND s.obsolete = 0)",
    ),
]


def check(db: sqlite_utils.Database, limit: int = 50) -> CheckReport:
    """SQLite's integrity and foreign-key checks, the desk's soundness (schema, triggers,
    admins, the history chain), then its invariants. A damaged file is reported, not raised.

    SQLite's own checks and the invariants run on a second, read-only connection in a
    thread while this one walks the history's chain (hashing is Python's work, the checks
    SQLite's, which lets go of the interpreter meanwhile): on a 5,000-article desk the two
    take about as long each, so together they take half the time.
    """
    report = CheckReport()
    path = db.execute("PRAGMA database_list").fetchone()[2]
    with ThreadPoolExecutor(max_workers=1) as pool:
        if path:
            sqlite_side = pool.submit(_sqlite_problems, None, path, limit)
        else:  # an in-memory database: one connection, one after the other
            sqlite_side = pool.submit(lambda: [])
            report.problems += _sqlite_problems(db.conn, "", limit) or []
        try:
            chain = verify_chain(db)
            report.problems += soundness_problems(db, chain)
            report.events, report.head = chain.events, chain.head
        except sqlite3.DatabaseError as error:
            report.problems.append(f"the database file is damaged: {error}")
        problems = sqlite_side.result()
    if problems is None:  # no second connection (a read-only filesystem): this one, after
        problems = _sqlite_problems(db.conn, "", limit) or []
    report.problems = problems + report.problems
    return list_once(report)


def _sqlite_problems(conn: sqlite3.Connection | None, path: str, limit: int) -> list[str] | None:
    """SQLite's integrity and foreign-key checks and the desk's invariants (None: a second
    connection to ``path`` could not be opened)."""
    own = conn is None
    problems: list[str] = []
    if conn is None:
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
            conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        except sqlite3.OperationalError:
            return None
    try:
        for (message,) in conn.execute("PRAGMA integrity_check").fetchall():
            if message != "ok":
                problems.append(f"sqlite: {message}")
        for row in conn.execute("PRAGMA foreign_key_check").fetchall():
            problems.append(f"sqlite: foreign key of {row[0]} row {row[1]} -> {row[2]}")
        for message, sql in INVARIANTS:
            for row in conn.execute(f"{sql} LIMIT {limit}").fetchall():
                problems.append(message.format(*row))
    except sqlite3.DatabaseError as error:
        problems.append(f"the database file is damaged: {error}")
    finally:
        if own and conn is not None:
            conn.close()
    return problems


def list_once(report: CheckReport) -> CheckReport:
    """The report with each problem listed once (both sides may find a damaged file)."""
    report.problems = list(dict.fromkeys(report.problems))
    return report
