"""What every request handler shares: the settings, a database connection per thread,
the templates."""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import jinja2
import sqlite_utils
from fastapi.routing import APIRoute
from starlette.templating import Jinja2Templates

from tool.db.connection import open_database

HERE = Path(__file__).parent
T = TypeVar("T")


@dataclass(frozen=True)
class WebSettings:
    """How the desk is served."""

    db_path: Path
    idle: timedelta = timedelta(minutes=60)  # a session unused this long is signed out
    lifetime: timedelta = timedelta(hours=12)  # and any session after this long
    lease_renew_seconds: int = 300  # how often an open workspace renews its leases


class Desk:
    """The database and the settings, and the threads that use the database.

    Every change runs in one writer thread, in arrival order: SQLite lets one transaction
    write at a time anyway, and queueing here hands the lock straight to the next writer
    where SQLite's busy handler would have each waiting thread sleep and retry with
    growing pauses. Reads run in a small pool beside it. Each thread keeps its own
    connection (SQLite connections stay in the thread that opened them).
    """

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self._local = threading.local()
        open_database(settings.db_path).close()  # create or migrate once, up front
        self._readers = ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="desk-read")

    def db(self) -> sqlite_utils.Database:
        """This thread's connection."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = open_database(self.settings.db_path, migrate_schema=False)
            self._local.db = db
        return db

    async def read(self, job: Callable[[], T]) -> T:
        """Run ``job`` (which reads) in a reader thread."""
        return await asyncio.get_running_loop().run_in_executor(self._readers, job)

    async def write(self, job: Callable[[], T]) -> T:
        """Run ``job`` (which may write) in the writer thread, after the writes before it."""
        return await asyncio.get_running_loop().run_in_executor(WRITER, job)


READERS = 4
#: The one thread of this process that changes the database (see :class:`Desk`).
WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="desk-write")


class OneWriterRoute(APIRoute):
    """A page route that changes things (any method but GET/HEAD) runs in the writer thread.

    Its request (form, cookies) is read first, so a slow client never holds the writer.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        methods = {m.upper() for m in kwargs.get("methods") or ()}
        if methods - {"GET", "HEAD"} and not inspect.iscoroutinefunction(endpoint):
            endpoint = _in_writer(endpoint)
        super().__init__(path, endpoint, **kwargs)


def _in_writer(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def in_writer(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread().name.startswith("desk-write"):
            return func(*args, **kwargs)
        return WRITER.submit(func, *args, **kwargs).result()

    return in_writer


def make_templates() -> Jinja2Templates:
    """Jinja2 templates with autoescaping on for every template."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["plural"] = _plural
    return Jinja2Templates(env=env)


def _when(at: str | None) -> str:
    if not at:
        return ""
    return f"{at[:10]} {at[11:16]} UTC"


def _plural(count: int, noun: str = "unit") -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
