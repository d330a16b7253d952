"""The `login` and `logout` commands: a token for a served desk, kept for the next commands."""

from __future__ import annotations

import os
import socket
import sys

import click

from tool.client import (
    TOKEN_ENV_VAR,
    DeskClient,
    Login,
    check_token,
    forget_login,
    load_login,
    save_login,
    server_url,
)
from tool.errors import ToolError


@click.command()
@click.argument("url")
@click.option("--name", help="Your name on the desk (asked when not given).")
@click.option(
    "--token",
    help=f"Keep this API token (from `user token NAME`) instead of signing in with a "
    f"password (default: ${TOKEN_ENV_VAR}).",
)
def login(url: str, name: str | None, token: str | None) -> None:
    """Sign in to the served desk at URL; the commands then work on it.

    Asks for your name and password (on a terminal; else reads the password from the
    first line of standard input) and keeps a new token for URL in your configuration
    folder, readable by you only. With --token (or $DESK_TOKEN) it keeps that token.
    Until `logout`, commands go to URL unless --db, $DESK_DB or --server say otherwise.
    """
    server = server_url(url)
    given = token or os.environ.get(TOKEN_ENV_VAR)
    if given:
        token = check_token(given, "--token" if token else f"${TOKEN_ENV_VAR}")
    else:
        token = _token_from_password(server, name)
    client = DeskClient(server, token)
    try:
        me = client.get("/api/me")
    finally:
        client.close()
    previous = load_or_none()
    path = save_login(Login(server=server, token=token, user=me["name"]))
    if previous is not None and previous.token != token:
        _revoke(previous)  # the token it replaces is of no more use to anyone
    languages = ", ".join(me["languages"]) or "every language"
    click.echo(f"logged in to {server} as {me['name']} ({me['role']}: {languages})")
    click.echo(f"the token is kept in {path}; `logout` removes it")


def _token_from_password(server: str, name: str | None) -> str:
    """A new token for ``name``, from the password (POST /api/tokens)."""
    if name is None:
        name = click.prompt("Name").strip()
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    client = DeskClient(server)
    label = f"login from {socket.gethostname()}"[:100]
    try:
        issued = client.post("/api/tokens", {"name": name, "password": password, "label": label})
    finally:
        client.close()
    return check_token(str(issued["token"]), f"the token {server} sent")


def load_or_none() -> Login | None:
    """The stored login, or None (also when the stored file is damaged: it is replaced)."""
    try:
        return load_login()
    except ToolError:
        return None


def _revoke(login: Login) -> bool:
    """Revoke a stored token on its desk; False when the desk could not do it."""
    client = DeskClient(login.server, login.token, retry_delays=())
    try:
        return bool(client.delete("/api/tokens/current")["revoked"])
    except ToolError:
        return False
    finally:
        client.close()


@click.command()
def logout() -> None:
    """Forget the login (and revoke its token on the desk when it answers)."""
    stored = load_or_none()
    path = forget_login()
    if path is None:
        click.echo("not logged in")
        return
    if stored is None:
        click.echo(f"removed {path} (it was damaged)")
        return
    if _revoke(stored):
        click.echo(f"logged out of {stored.server}: the token is revoked and {path} removed")
    else:
        click.echo(
            f"logged out: {path} removed, but {stored.server} did not revoke the token "
            f"(an admin can: `user token {stored.user} --revoke`)"
        )
