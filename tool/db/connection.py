"""Opening the database: location, pragmas, migrations, transactions."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from tool.db.migrations import migrate
from tool.errors import ToolError

DB_ENV_VAR = "DESK_DB"
DEFAULT_DB_NAME = "desk.db"
BUSY_TIMEOUT_MS = 30_000


def project_root(start: Path | None = None) -> Path:
    """The project folder: the nearest folder upwards holding originals/ or manage.py, else cwd."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "originals").is_dir() or (folder / "manage.py").is_file():
            return folder
    return here


def default_db_path() -> Path:
    """$DESK_DB if set, else desk.db in the project folder."""
    env = os.environ.get(DB_ENV_VAR)
    return Path(env) if env else project_root() / DEFAULT_DB_NAME


def open_database(
    path: str | Path | None = None, *, migrate_schema: bool = True
) -> sqlite_utils.Database:
    """Open (creating if needed) the desk database and bring its schema up to date.

    The connection is in autocommit mode: writes that belong together go through
    :func:`transaction`.
    """
    path = Path(path) if path else default_db_path()
    if path.parent and not path.parent.exists():
        raise ToolError(f"cannot create database {path}: folder {path.parent} does not exist")
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as error:
        raise ToolError(f"cannot open database {path}: {error}") from None
    db = sqlite_utils.Database(conn)
    if migrate_schema:
        migrate(db)
    return db


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run a block as one write transaction (BEGIN IMMEDIATE), or a savepoint when nested.

    IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a
    read lock; the busy timeout makes the second one wait its turn.
    """
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
