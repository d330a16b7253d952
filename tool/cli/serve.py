"""The `serve` command: the desk for a team, in a browser and over a JSON API."""

from __future__ import annotations

from pathlib import Path

import click

from tool.cli.app import DeskState, pass_state
from tool.errors import InputError


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--proxy",
    "proxies",
    metavar="ADDRESSES",
    help="Comma-separated addresses of your reverse proxy: X-Forwarded-Proto/-For are "
    "trusted from them only (default: from nobody).",
)
@click.option(
    "--idle-minutes",
    default=60.0,
    show_default=True,
    type=click.FloatRange(min=1),
    help="Sign out browser sessions unused this long.",
)
@click.option("--certfile", type=click.Path(dir_okay=False, exists=True), help="TLS certificate.")
@click.option("--keyfile", type=click.Path(dir_okay=False, exists=True), help="TLS private key.")
@click.option("--no-access-log", is_flag=True, help="Do not log every request.")
@pass_state
def serve(
    state: DeskState,
    host: str,
    port: int,
    proxies: str | None,
    idle_minutes: float,
    certfile: str | None,
    keyfile: str | None,
    no_access_log: bool,
) -> None:
    """Serve the desk in --db to a team: browser pages and a JSON API (/api/docs).

    People sign in with the password set by `user password NAME`; scripts use a token
    from `user token NAME`. Put it behind a reverse proxy with HTTPS for anything but
    this machine (see the README).
    """
    if bool(certfile) != bool(keyfile):
        raise InputError("give both --certfile and --keyfile, or neither")
    db = state.db  # creates or migrates the database, and refuses a bad path, before serving
    path = Path(db.conn.execute("PRAGMA database_list").fetchone()[2])
    db.close()
    scheme = "https" if certfile else "http"
    click.echo(f"serving {path} at {scheme}://{host}:{port}/ (Ctrl+C stops)")
    from tool.web.server import run_server

    run_server(
        path,
        host=host,
        port=port,
        proxies=proxies,
        idle_minutes=idle_minutes,
        certfile=certfile,
        keyfile=keyfile,
        access_log=not no_access_log,
    )
