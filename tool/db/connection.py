"""Opening the database: location, pragmas, migrations, transactions.

Writers take turns fairly. SQLite's own busy handler lets a waiting process sleep and
retry (1, 2, 5 ... 100 ms), so under contention the process that just committed usually
takes the lock again before the sleepers wake: with eight translators one got 15 times
another's share. :func:`transaction` therefore first takes an exclusive ``flock`` on a
lock file beside the database (``desk.db-lock``): the kernel wakes a waiter the moment
the lock is free, so writers get in roughly in turn and none sleeps through its chances.
SQLite's busy timeout stays as the safety net for writes made outside it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from tool.errors import ToolError

if TYPE_CHECKING:
    import sqlite_utils

DB_ENV_VAR = "DESK_DB"
DEFAULT_DB_NAME = "desk.db"
BUSY_TIMEOUT_MS = 30_000
LOCK_SUFFIX = "-lock"
# sqlite-utils imports numpy and pandas when they are installed, only to map their scalar
# types to columns; the desk never stores them, and they cost 60-100 ms at every start.
UNUSED_BY_SQLITE_UTILS = ("numpy", "pandas")


def import_sqlite_utils() -> None:
    """Import sqlite-utils once, with numpy and pandas hidden from that import only.

    Afterwards either can be imported as usual. Call it before the first import of
    sqlite-utils (the CLI does, before it loads a command).
    """
    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in UNUSED_BY_SQLITE_UTILS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


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


class DeskConnection(sqlite3.Connection):
    """A connection that knows the lock file its writers take turns on (None: no lock)."""

    lock_path: Path | None = None
    lock_fd: int | None = None

    def close(self) -> None:
        if self.lock_fd is not None:
            os.close(self.lock_fd)
            self.lock_fd = None
        super().close()


def open_database(
    path: str | Path | None = None, *, migrate_schema: bool = True, create: bool = True
) -> sqlite_utils.Database:
    """Open the desk database (creating it if ``create``) and bring its schema up to date.

    A file that is an SQLite database of something else is refused, untouched. A database
    the process cannot write (a read-only file, folder or filesystem) is opened read-only,
    so it can still be read (articles, show, export, check); its schema must be current.
    The connection is in autocommit mode: writes that belong together go through
    :func:`transaction`.
    """
    import_sqlite_utils()
    import sqlite_utils

    from tool.db.migrations import migrate, schema_version

    path = Path(path) if path else default_db_path()
    memory = str(path) == ":memory:"
    exists = not memory and path.is_file() and path.stat().st_size > 0
    if not memory and not exists:
        if not create:
            raise ToolError(
                f"no desk database at {path}: create one with `init` (or `import`, `sync`), "
                "or name another with --db"
            )
        if path.parent and not path.parent.exists():
            raise ToolError(f"cannot create database {path}: folder {path.parent} does not exist")
    if exists:
        _refuse_other_databases(path)
    read_only = exists and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
    try:
        if read_only:
            immutable = "&immutable=1" if not os.access(path.parent, os.W_OK) else ""
            target, uri = f"file:{path.resolve()}?mode=ro{immutable}", True
        else:
            target, uri = str(path), False
        conn = sqlite3.connect(
            target,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            factory=DeskConnection,
            uri=uri,
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not read_only:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as error:
        raise ToolError(f"cannot open database {path}: {error}") from None
    if not memory and not read_only:
        conn.lock_path = path.with_name(path.name + LOCK_SUFFIX)
    db = sqlite_utils.Database(conn, execute_plugins=False)
    if read_only:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != schema_version():
            conn.close()
            raise ToolError(
                f"{path} is read-only and its schema (version {version}) needs an upgrade "
                f"to version {schema_version()}: open it once where it can be written"
            )
    elif migrate_schema:
        migrate(db)
    return db


def _refuse_other_databases(path: Path) -> None:
    """Refuse, without changing it, a file that is not an SQLite database of the desk's."""
    try:
        probe = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in probe.execute("SELECT name FROM sqlite_master")}
        finally:
            probe.close()
    except sqlite3.DatabaseError:
        raise ToolError(f"{path} is not a desk database (not an SQLite file)") from None
    if tables and "_sqlite_migrations" not in tables:
        raise ToolError(
            f"{path} is not a desk database: it holds other tables; name a desk's file with "
            "--db, or a new file to start one"
        )


class _LockTimeout(Exception):
    pass


def _raise_timeout(signum: int, frame: FrameType | None) -> None:
    raise _LockTimeout


def _lock_fd(conn: sqlite3.Connection) -> int | None:
    """The connection's open lock file, or None when it has none or it cannot be made
    (a read-only folder: SQLite's busy timeout is then the only arbiter)."""
    if not isinstance(conn, DeskConnection) or conn.lock_path is None:
        return None
    if conn.lock_fd is None:
        try:
            conn.lock_fd = os.open(conn.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError:
            conn.lock_path = None
            return None
    return conn.lock_fd


def _acquire(fd: int, timeout: float) -> None:
    """Take the exclusive lock, waiting in the kernel (woken as soon as it is free).

    In the main thread an interval timer bounds the wait; other threads (which cannot
    receive signals) poll instead. Either way a wait over ``timeout`` is a ToolError.
    """
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    if threading.current_thread() is threading.main_thread() and signal.getsignal(
        signal.SIGALRM
    ) in (signal.SIG_DFL, signal.SIG_IGN, None):
        previous = signal.signal(signal.SIGALRM, _raise_timeout)
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            return
        except _LockTimeout:
            pass
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    else:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                time.sleep(0.0005)
    raise ToolError(f"database is locked: another writer held it for over {timeout:g} s")


def _release(fd: int) -> None:
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run a block as one write transaction (BEGIN IMMEDIATE), or a savepoint when nested.

    IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a
    read lock. Writers first queue on the lock file (see the module docstring), so they
    get in in turn; the busy timeout makes anyone else wait.
    """
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    fd = _lock_fd(conn)
    if fd is not None:
        _acquire(fd, BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")
    finally:
        if fd is not None:
            _release(fd)
