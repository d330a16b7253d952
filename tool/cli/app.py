"""The click group, the desk a command works on, and output helpers shared by every command.

Commands are loaded lazily: the group knows each command's module and one-line summary
(the table in :mod:`tool.cli`) and imports a command's module only when that command
runs, so ``--help`` and everyday commands do not pay for the imports of all the others.

A command gets what it works on from :class:`DeskState`: :func:`pass_desk` gives it a
:class:`tool.cli.desk.Desk`, the database file or a served desk (``--server``, the same
command either way); :func:`pass_state` and :func:`pass_db` give it the database file
itself, and refuse to run against a server.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sqlite3
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import update_wrapper
from typing import TYPE_CHECKING, Any

import click

from tool.db.connection import DB_ENV_VAR, import_sqlite_utils
from tool.errors import ToolError

if TYPE_CHECKING:
    import sqlite_utils

    from tool.cli.desk import Desk

USER_ENV_VAR = "DESK_USER"
SERVER_ENV_VAR = "DESK_SERVER"  # tool.client.SERVER_ENV_VAR, named here to start fast


@dataclass(frozen=True)
class LazyCommand:
    """Where a command lives ("package.module:attribute") and its one-line summary.

    The summary is what ``--help`` lists, so listing the commands imports none of them
    (as pip's command table does); a test checks it matches the command's docstring.
    """

    target: str
    summary: str

    def load(self) -> click.Command:
        """Import the command's module and return the command."""
        module_name, _, attribute = self.target.partition(":")
        import_sqlite_utils()  # first, so the command's own imports find it without numpy
        module = importlib.import_module(module_name)
        command = getattr(module, attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.target} is not a click command")
        return command


class DeskGroup(click.Group):
    """A group that loads its commands lazily and turns user errors into one line on stderr
    and exit code 1."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, LazyCommand] = {}

    def register(self, commands: Mapping[str, LazyCommand]) -> None:
        """Add commands by name, loaded when first used."""
        self.lazy_commands.update(commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            self.commands[cmd_name] = self.lazy_commands[cmd_name].load()
        return self.commands.get(cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0]
        if self.get_command(ctx, name) is None and not ctx.resilient_parsing:
            if name.startswith("-"):
                self.parse_args(ctx, args)
            raise click.exceptions.NoSuchCommand(
                name, possibilities=self.list_commands(ctx), ctx=ctx
            )
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list, from the summaries of commands not loaded yet."""
        rows: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is None:
                command = click.Command(name, help=self.lazy_commands[name].summary)
            if not command.hidden:
                rows.append((name, command))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in rows])

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ToolError as error:
            raise click.ClickException(str(error)) from None
        except sqlite3.OperationalError as error:
            if "readonly" in str(error):
                raise click.ClickException(
                    "the database is read-only here: this command changes it (reading "
                    "commands still work)"
                ) from None
            raise click.ClickException(f"database error: {error}") from None
        except sqlite3.DatabaseError as error:  # corrupted pages, not a database
            raise click.ClickException(
                f"the database file is damaged ({error}): run `check`, or restore a backup"
            ) from None
        except OverflowError:  # an id or count larger than SQLite's integers
            raise click.ClickException("a number given is too large") from None
        except BrokenPipeError:  # the reader went away (`... | head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(0) from None
        except OSError as error:  # a file that cannot be read or written
            where = f": {error.filename}" if error.filename else ""
            raise click.ClickException(f"{error.strerror or error}{where}") from None
        except UnicodeError:  # bytes from a terminal, editor or argument that are not UTF-8
            raise click.ClickException(
                "the text given is not valid UTF-8 (check the terminal's or editor's encoding)"
            ) from None


class WrongPlace(click.ClickException):
    """A command asked of a desk it cannot run on (the database file's own commands over a
    server, --user over a server): one ``Error:`` line and exit code 2, as wrong usage."""

    exit_code = 2


class DeskState:
    """What the group's options say, with the database opened on first use.

    Only the commands that start a desk (init, import, sync, user add) set
    ``may_create``; any other command refuses a missing database instead of creating one.

    Which desk: ``--server`` or ``--db`` as given on the command line, else
    ``$DESK_SERVER`` or ``$DESK_DB``, else the server of the stored login (see ``login``),
    else the database file in the project folder. ``sources`` says where each of
    ``db_path``, ``user`` and ``server`` came from: "option", "env" or None.
    """

    def __init__(
        self,
        db_path: str | None,
        user: str | None,
        server: str | None = None,
        *,
        sources: dict[str, str | None] | None = None,
    ) -> None:
        self.db_path = db_path
        self.user = user
        self.may_create = False
        self._db: sqlite_utils.Database | None = None
        self._server = server
        self.sources = {"db_path": None, "user": None, "server": None, **(sources or {})}
        self._server_chosen = False
        self._desk: Desk | None = None

    @property
    def server(self) -> str | None:
        """The served desk's address when the command goes to a server, else None."""
        if not self._server_chosen:
            self._server = self._choose_server()
            self._server_chosen = True
        return self._server

    def _choose_server(self) -> str | None:
        server_from, db_from = self.sources["server"], self.sources["db_path"]
        if self._server and self.db_path:
            if server_from == db_from:  # both options, or both variables
                both = f"${SERVER_ENV_VAR} and ${DB_ENV_VAR}" if server_from == "env" else ""
                raise WrongPlace(f"{both or '--server and --db'} name two desks: give one")
            return self._server if server_from == "option" else None  # the option wins
        if self._server or self.db_path:
            return self._server
        from tool.client import load_login

        login = load_login()
        if login is not None:
            self.sources["server"] = "login"
            return login.server
        return None

    @property
    def desk(self) -> Desk:
        """The desk the command works on: the database file, or the server's API."""
        if self._desk is None:
            if self.server is None:
                from tool.cli.desk import LocalDesk

                self._desk = LocalDesk(self)
            else:
                self.refuse_user()
                from tool.cli.remote import RemoteDesk

                self._desk = RemoteDesk.connect(self.server)
        return self._desk

    def close(self) -> None:
        """Close the connections to a served desk, if the command opened any."""
        client = getattr(self._desk, "client", None)
        if client is not None:
            client.close()

    def refuse_user(self) -> None:
        """Over a server the token says who is acting: --user (or $DESK_USER) is refused."""
        if self.sources["user"] == "option":
            raise WrongPlace("--user does not apply to a served desk: your token says who you are")
        if self.sources["user"] == "env":
            raise WrongPlace(
                f"${USER_ENV_VAR} does not apply to a served desk: your token says who you are "
                f"(unset {USER_ENV_VAR})"
            )

    def refuse_server(self, command: str) -> None:
        """The database file's own commands do not run against a server: say so."""
        if self.server is None:
            return
        how = {
            "option": "run it without --server, where the database is",
            "env": f"run it without ${SERVER_ENV_VAR}, where the database is",
            "login": f"you are logged in to {self.server}: give --db PATH, or `logout`",
        }[self.sources["server"] or "option"]
        raise WrongPlace(
            f"`{command}` works on the database file itself, not through a served desk: {how}"
        )

    @property
    def acting_name(self) -> str:
        """The name of whoever is acting: --user, $DESK_USER, else the login name."""
        if self.user:
            return self.user
        import getpass

        return getpass.getuser()

    @property
    def db(self) -> sqlite_utils.Database:
        """The database file, opened (and migrated) on first use."""
        if self._db is None:
            from tool.db.connection import open_database

            self._db = open_database(self.db_path, create=self.may_create)
        return self._db


@click.group(cls=DeskGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    envvar=DB_ENV_VAR,
    type=click.Path(dir_okay=False),
    help=f"Database file (default: desk.db in the project folder; ${DB_ENV_VAR}).",
)
@click.option(
    "--user",
    envvar=USER_ENV_VAR,
    help=f"Who is acting (default: ${USER_ENV_VAR}, else the login name). Not with --server.",
)
@click.option(
    "--server",
    envvar=SERVER_ENV_VAR,
    metavar="URL",
    help=f"Work on the served desk at URL, as the user of $DESK_TOKEN or of `login` "
    f"(default: ${SERVER_ENV_VAR}, else the server you logged in to).",
)
@click.version_option(
    package_name="translation-desk", prog_name="translation desk", message="%(prog)s %(version)s"
)
@click.pass_context
def cli(ctx: click.Context, db_path: str | None, user: str | None, server: str | None) -> None:
    """Translation desk: import originals, align translations, translate, review, export."""
    if os.environ.get("NO_COLOR"):  # https://no-color.org: no colours, whatever the terminal
        ctx.color = False
    sources = {name: _source(ctx, name) for name in ("db_path", "user", "server")}
    ctx.obj = DeskState(db_path, user, server, sources=sources)
    ctx.call_on_close(ctx.obj.close)


def _source(ctx: click.Context, name: str) -> str | None:
    """Where an option's value came from: "option", "env", or None (not given)."""
    found = ctx.get_parameter_source(name)
    if found is click.core.ParameterSource.COMMANDLINE:
        return "option"
    if found is click.core.ParameterSource.ENVIRONMENT:
        return "env"
    return None


def _command_name(ctx: click.Context) -> str:
    """The command as typed after the program's name: ``user add``."""
    return ctx.command_path.partition(" ")[2] or ctx.command_path


def _state(ctx: click.Context) -> DeskState:
    state = ctx.find_object(DeskState)
    if state is None:
        raise RuntimeError("a desk command runs inside the `cli` group")
    return state


def pass_db(func: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command the open database file as its first argument (never a server)."""

    @click.pass_context
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        state = _state(ctx)
        state.refuse_server(_command_name(ctx))
        return ctx.invoke(func, state.db, *args, **kwargs)

    return update_wrapper(wrapper, func)


def pass_state(func: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command the DeskState (database file and acting user) as its first argument.

    For the commands that work on the database file itself: with a server chosen, they
    refuse to run (one line, exit code 2).
    """

    @click.pass_context
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        state = _state(ctx)
        state.refuse_server(_command_name(ctx))
        return ctx.invoke(func, state, *args, **kwargs)

    return update_wrapper(wrapper, func)


def pass_desk(func: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command the :class:`tool.cli.desk.Desk` it works on as its first argument:
    the database file, or the served desk that ``--server`` (or the login) names."""

    @click.pass_context
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        return ctx.invoke(func, _state(ctx).desk, *args, **kwargs)

    return update_wrapper(wrapper, func)


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], empty: str = "") -> None:
    """Print rows as an aligned plain-text table with a header line."""
    if not rows:
        if empty:
            click.echo(empty)
        return
    cells = [[_cell(row.get(col)) for col in columns] for row in rows]
    widths = [max(len(col), *(len(r[i]) for r in cells)) for i, col in enumerate(columns)]
    lines = [
        "  ".join(col.ljust(w) for col, w in zip(columns, widths)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    click.echo("\n".join(lines))  # one write: thousands of rows print fast


def _cell(value: Any) -> str:
    from tool.cli.render import visible

    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return visible(str(value))


class Interrupted(BaseException):
    """Ctrl-C: ends any command with "Interrupted." and exit code 130.

    Not a KeyboardInterrupt, which click would turn into "Aborted!" and exit code 1.
    ``at_line_start`` says the cursor is already at the start of a line.
    """

    def __init__(self, at_line_start: bool = False) -> None:
        super().__init__("interrupted")
        self.at_line_start = at_line_start


def _interrupt(signum: int, frame: object) -> None:
    raise Interrupted


def main() -> None:
    """Console entry point. Ctrl-C ends any command with one line and exit code 130."""
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # not when ignored (nohup, &)
        signal.signal(signal.SIGINT, _interrupt)
    try:
        cli(prog_name="manage.py")
    except (Interrupted, KeyboardInterrupt) as stop:
        fresh = isinstance(stop, Interrupted) and stop.at_line_start
        click.echo(("" if fresh or not sys.stderr.isatty() else "\n") + "Interrupted.", err=True)
        sys.exit(130)
